/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* brig's seccomp profiles.  A brig profile is an OCI `linux.seccomp` object
 * whose `syscalls` entries may carry two extra keys, resolved away before
 * anything reaches the runtime:
 *   "includes": {"caps": ["CAP_SYS_ADMIN", ...]}  entry applies only if the
 *                container keeps one of these capabilities;
 *   "excludes": {"caps": [...]}                   entry applies only if it keeps none;
 *   "comment": "why"                              documentation, dropped.
 * See profiles/seccomp/default.json and man/brig.1. */

#include <stdint.h>

#include "json.h"

/* The default profile embedded at build time, parsed once per process.  The
 * returned tree is owned by the module; never free or modify it. */
int brig_seccomp_default(const BrigJson **ret, BrigError **err);

/* Resolves a brig profile against the container's final capability mask
 * (bit n = capability n), producing a plain OCI linux.seccomp object. */
int brig_seccomp_resolve(const BrigJson *profile, uint64_t caps, BrigJson **ret, BrigError **err);

/* Checks a profile: known actions, known architectures, and every syscall
 * name known to libseccomp on at least one of its architectures.  `name`
 * (a file name) prefixes errors. */
int brig_seccomp_validate(const BrigJson *profile, const char *name, BrigError **err);
