/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* One hardening pass per file in this directory; harden.c holds the order. */

#include <inttypes.h>

#include "../harden.h"
#include "../userns/mapping.h"

/* Runs first: every key judged against the spec table (spec/table.h). */
int pass_spec(const BrigCtx *ctx, BrigJson *spec, BrigReport *rep, BrigError **err);
int pass_capabilities(const BrigCtx *ctx, BrigJson *spec, BrigReport *rep, BrigError **err);
/* Policy userNamespace: the namespace and mapping (after the user pass),
 * then the idmapped views as root.path and bind sources (after mounts). */
int pass_userns(const BrigCtx *ctx, BrigJson *spec, BrigReport *rep, BrigError **err);
int pass_userns_views(const BrigCtx *ctx, BrigJson *spec, BrigReport *rep, BrigError **err);
int pass_user(const BrigCtx *ctx, BrigJson *spec, BrigReport *rep, BrigError **err);
int pass_no_new_privileges(const BrigCtx *ctx, BrigJson *spec, BrigReport *rep, BrigError **err);
int pass_rootfs(const BrigCtx *ctx, BrigJson *spec, BrigReport *rep, BrigError **err);
int pass_masked_paths(const BrigCtx *ctx, BrigJson *spec, BrigReport *rep, BrigError **err);
int pass_namespaces(const BrigCtx *ctx, BrigJson *spec, BrigReport *rep, BrigError **err);
int pass_mounts(const BrigCtx *ctx, BrigJson *spec, BrigReport *rep, BrigError **err);
int pass_devices(const BrigCtx *ctx, BrigJson *spec, BrigReport *rep, BrigError **err);
int pass_sysctls(const BrigCtx *ctx, BrigJson *spec, BrigReport *rep, BrigError **err);
int pass_resources(const BrigCtx *ctx, BrigJson *spec, BrigReport *rep, BrigError **err);
int pass_limits(const BrigCtx *ctx, BrigJson *spec, BrigReport *rep, BrigError **err);
int pass_annotations(const BrigCtx *ctx, BrigJson *spec, BrigReport *rep, BrigError **err);
int pass_hooks(const BrigCtx *ctx, BrigJson *spec, BrigReport *rep, BrigError **err);
int pass_env(const BrigCtx *ctx, BrigJson *spec, BrigReport *rep, BrigError **err);
int pass_seccomp(const BrigCtx *ctx, BrigJson *spec, BrigReport *rep, BrigError **err);
int pass_apparmor(const BrigCtx *ctx, BrigJson *spec, BrigReport *rep, BrigError **err);
int pass_selinux(const BrigCtx *ctx, BrigJson *spec, BrigReport *rep, BrigError **err);
int pass_annotation(const BrigCtx *ctx, BrigJson *spec, BrigReport *rep, BrigError **err);

/* Process-level halves, shared by config.json and exec --process files.
 * `ptr` is the JSON pointer of the process object ("/process" or ""). */
int process_spec(const BrigCtx *ctx, BrigJson *proc, const char *ptr, BrigReport *rep,
                 BrigError **err);
int process_capabilities(const BrigCtx *ctx, BrigJson *proc, const char *ptr, BrigReport *rep,
                         BrigError **err);
int process_user(const BrigCtx *ctx, BrigJson *proc, const char *ptr, BrigReport *rep,
                 BrigError **err);
int process_limits(const BrigCtx *ctx, BrigJson *proc, const char *ptr, BrigReport *rep,
                   BrigError **err);
int process_no_new_privileges(const BrigCtx *ctx, BrigJson *proc, const char *ptr, BrigReport *rep,
                              BrigError **err);
int process_env(const BrigCtx *ctx, BrigJson *proc, const char *ptr, BrigReport *rep,
                BrigError **err);
int process_apparmor(const BrigCtx *ctx, BrigJson *proc, const char *ptr, BrigReport *rep,
                     BrigError **err);
/* Returns 1 when it set a new label (pass_selinux then sets the mount label). */
int process_selinux(const BrigCtx *ctx, BrigJson *proc, const char *ptr, BrigReport *rep,
                    BrigError **err);

/* Small helpers the passes share (passes/common.c). */
/* Returns obj[key], creating an empty object/array there if absent; returns
 * NULL (and sets err) if it exists with another type. */
BrigJson *pass_ensure(BrigJson *obj, const char *key, BrigJsonType type, const char *ptr,
                      BrigError **err);
/* A path as the kernel resolves it from "/", lexically (no filesystem
 * access): relative means from "/", and "//", "/./", "/../" and trailing
 * slashes fold away.  Returns a new string. */
char *pass_normalize_path(const char *path);
/* Whether a namespace path names the host's namespace of `kind` (BRIG_NS_*
 * bit order: pid, ipc, uts, mount, network, cgroup): pid 1's or brig's own
 * under /proc however spelled, or any path with the host's identity (a
 * bind mount of it).  The one judgment every pass uses (namespaces,
 * sysctls), so none can be told "private" where another says "host". */
bool pass_ns_is_host(const BrigHost *host, size_t kind, const char *path);
/* JSON pointers to report a change at, built on the stack without printf
 * (a pass builds one per element it looks at, most never reported):
 * base + "/" + key (a literal token: no escaping) or base + "/" + index. */
typedef struct {
    char s[128];
} PassPtr;
const char *pass_ptr(PassPtr *buf, const char *base, const char *key);
const char *pass_ptr_index(PassPtr *buf, const char *base, size_t index);
/* Go's encoding/json key matching (case, and U+017F, U+212A, U+0130,
 * U+0131 folded onto ASCII): whether runc would read key a as field b. */
bool spec_go_fold_equal(const char *a, const char *b);
/* "string \"0\"", "number -1", "object": a value described for an error. */
char *pass_describe(const BrigJson *v);
/* Checks that obj[key], when present, has the given type.  (Keys spelled
 * another way, and second copies, were refused by the spec pass.) */
int pass_check_type(const BrigJson *obj, const char *key, BrigJsonType type, const char *ptr,
                    BrigError **err);
