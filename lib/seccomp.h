/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* brig's seccomp profiles.  A brig profile is an OCI `linux.seccomp` object
 * whose `syscalls` entries may carry extra keys, resolved away before
 * anything reaches the runtime:
 *   "includes": {"caps": ["CAP_SYS_ADMIN", ...]}  entry applies only if the
 *                container keeps one of these capabilities;
 *   "excludes": {"caps": [...]}                   entry applies only if it keeps none;
 *   "comment": "why"                              documentation, dropped.
 * A top-level "comment" is dropped too.  See profiles/seccomp/default.json
 * and docs/seccomp.md. */

#include <stdint.h>
/* libseccomp's header has this file's name and lib/ comes first on the
 * include path, so it is included by the full path meson found. */
#include "config.h"
#include BRIG_LIBSECCOMP_H

#include "json.h"

/* The default profile embedded at build time, parsed once per process.  The
 * returned tree is owned by the module; never free or modify it. */
int brig_seccomp_default(const BrigJson **ret, BrigError **err);

/* Reads, parses and validates a brig profile file (a policy's
 * seccomp profile). */
int brig_seccomp_load(const char *path, BrigJson **ret, BrigError **err);

/* Resolves a brig profile against the container's final capability mask
 * (bit n = capability n), producing a plain OCI linux.seccomp object.
 * Entries left with the same action, errnoRet and args are merged, so the
 * output is small and the same input always gives the same bytes. */
int brig_seccomp_resolve(const BrigJson *profile, uint64_t caps, BrigJson **ret, BrigError **err);

/* brig_seccomp_resolve(), then only what a filter on a host of
 * architecture `native` needs: its family's architectures (less x32 where
 * the kernel runs no x32 calls) and the names those know.  native 0 keeps
 * every architecture. */
int brig_seccomp_resolve_for_host(const BrigJson *profile, uint64_t caps, uint32_t native,
                                  bool x32_disabled, BrigJson **ret, BrigError **err);

/* brig_seccomp_resolve_for_host() of brig's default profile, or, for no
 * capabilities on x86_64, the same result computed at build time. */
int brig_seccomp_default_resolved(uint64_t caps, uint32_t native, bool x32_disabled, BrigJson **ret,
                                  BrigError **err);
/* The build's digest of what brig_seccomp_default_resolved() returns for
 * these arguments, or NULL where it resolved at run time. */
const char *brig_seccomp_default_resolved_digest(uint64_t caps, uint32_t native, bool x32_disabled);

/* Built at compile time by brig_seccomp_resolve_for_host(default, no caps,
 * x86_64): [0] with x32, [1] without; NULL in the
 * build stage that computes them (lib/seccomp_preresolved_none.c). */
struct BrigEmbeddedTree;
extern const struct BrigEmbeddedTree *const brig_seccomp_preresolved[2];
/* Their digests, "sha256:..." of the compact JSON, as the report gives a
 * profile's (the pass need not serialize and hash what the build did). */
extern const char *const brig_seccomp_preresolved_digest[2];

/* What brig_seccomp_intersect() did, for the report. */
typedef struct BrigSeccompMerge {
    size_t engine_stricter; /* syscalls where the engine's rules decide */
    size_t both_tested;     /* syscalls both profiles test arguments of */
    size_t gave_up;         /* of those and others, denied outright: no exact form */
    size_t names_added, rules_added;
    size_t archs_dropped;
    bool engine_default;     /* the engine's default action is the stricter */
    bool spec_allow_dropped; /* SECCOMP_FILTER_FLAG_SPEC_ALLOW left out */
} BrigSeccompMerge;

/* Narrows brig's resolved profile `brig` (an OCI linux.seccomp object,
 * changed in place) so that it also denies everything the engine's
 * profile `engine` denies: per syscall the stricter action, argument
 * tests combined (lib/seccomp_merge.c says how, docs/seccomp.md why),
 * the stricter default, the architectures both cover (the engine's
 * list, plus `native`, the host's, which the runtime always adds; 0:
 * libseccomp's), the engine's flags
 * but SECCOMP_FILTER_FLAG_SPEC_ALLOW.  Refuses an engine profile it
 * cannot read exactly as the runtime would.  Idempotent: intersecting
 * the result with brig's profile again gives the same bytes. */
int brig_seccomp_intersect(BrigJson *brig, const BrigJson *engine, uint32_t native,
                           BrigSeccompMerge *ret_stats, BrigError **err);

/* brig's pre-resolved profile (brig_seccomp_default_resolved() for no
 * capabilities on x86_64) already intersected with an engine profile the
 * build knows (the Docker and Podman defaults recorded in
 * tests/data/configs), found by the engine profile's digest ("sha256:..."
 * of its compact JSON, as the report gives it).  Returns 1 with *ret and
 * *ret_stats exactly as brig_seccomp_intersect() would give them, 0 when
 * the build has no such combination (intersect at run time). */
int brig_seccomp_default_merged(uint64_t caps, uint32_t native, bool x32_disabled,
                                const char *engine_digest, BrigJson **ret,
                                BrigSeccompMerge *ret_stats);

typedef struct BrigSeccompPremerged {
    const char *engine_digest;
    bool x32_disabled;
    const struct BrigEmbeddedTree *tree;
    BrigSeccompMerge stats;
} BrigSeccompPremerged;
/* Written by tools/seccomp_preresolve.c --merge; empty in the build stage
 * that computes it (lib/seccomp_preresolved_none.c). */
extern const BrigSeccompPremerged brig_seccomp_premerged[];
extern const size_t brig_seccomp_premerged_n;

/* Drops names that no architecture the profile lists knows. */
void brig_seccomp_prune_names(BrigJson *prof);

/* Checks a profile: known actions, known architectures, well-formed args
 * (at most one test per argument in an entry), known capability names, and
 * every syscall name known to libseccomp on at least one of its
 * architectures.  `name` (a file name) prefixes errors, which name the
 * entry by JSON pointer ("NAME: /syscalls/3/names/0: ..."). */
int brig_seccomp_validate(const BrigJson *profile, const char *name, BrigError **err);

/* Builds a libseccomp filter from a plain OCI linux.seccomp object, for one
 * architecture (a SCMP_ARCH_* token) or, with SCMP_ARCH_NATIVE, for the
 * host's plus every architecture the profile lists (what runc loads),
 * the way runc does: rules whose action equals the default are skipped,
 * names unknown on the architecture are skipped, an entry testing one
 * argument several times becomes one rule per test.  The caller owns the
 * result (seccomp_release). */
int brig_seccomp_compile(const BrigJson *oci, uint32_t arch_token, scmp_filter_ctx *ret,
                         BrigError **err);

/* "SCMP_ARCH_X86_64" (OCI spelling) or "x86_64" (libseccomp's) to a token;
 * 0 when unknown. */
uint32_t brig_seccomp_arch_token(const char *name);
/* The OCI spelling of a token, or NULL. */
const char *brig_seccomp_arch_name(uint32_t token);

/* Whether a kernel of architecture `native` can run processes that make
 * system calls as `arch` (x86_64 runs x86 and x32, aarch64 runs arm...).
 * A filter entry for any other architecture can never match there. */
bool brig_seccomp_arch_on_host(uint32_t arch, uint32_t native);
