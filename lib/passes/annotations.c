/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Annotations the runtime itself acts on, where the action is brig's to veto.
 * Annotations are written by whoever creates the container (docker run
 * --annotation, a pod's metadata), so any that makes the runtime do something
 * privileged on the host is removed:
 *
 *   run.oci.*            crun's: seccomp.receiver hands the seccomp listener fd
 *                        to a socket (a listener can answer syscalls for the
 *                        container), seccomp.plugins dlopen()s libraries into
 *                        crun as root, handler switches to another executor
 *                        (krun, wasm), hooks.stdout/stderr open host files as
 *                        root, keep_original_groups keeps the caller's groups,
 *                        delegate-cgroup and systemd.force_cgroup_v1 hand the
 *                        container cgroup trees.  The namespace is removed as a
 *                        whole, except the few below that only tighten or
 *                        rename, so a future crun annotation is not trusted by
 *                        default.
 *   org.criu.config      a CRIU configuration file for checkpoint/restore;
 *                        CRIU runs as root and its action-script option runs
 *                        any command.
 *   org.systemd.property.*  properties for the container's systemd scope
 *                        (DeviceAllow=, Delegate=, ...), which would widen what
 *                        the device cgroup and the resources passes set.
 *
 * Only the key is recorded: values are whatever the creator wrote, and the
 * audit log has no use for them. */
#include <fnmatch.h>

#include "passes.h"

static const char *const risky[] = {
    "run.oci.*",
    "org.criu.config",
    "org.systemd.property.*",
};

/* A plain name: crun appends the subgroup to the container's scope path
 * unchecked, so "../.." would move the container out of its cgroup. */
static bool plain_name(const char *v)
{
    size_t n = strlen(v);
    return n > 0 && n <= 255 && !streq(v, ".") && !streq(v, "..") &&
           strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-@") == n;
}

/* The mount options crun may carry the SELinux label in. */
static bool context_type(const char *v)
{
    return streq(v, "context") || streq(v, "fscontext") || streq(v, "defcontext") ||
           streq(v, "rootcontext");
}

/* Lines "monotonic|boottime SECS NSECS", as crun reads them. */
static bool timens_offsets(const char *v)
{
    while (*v) {
        size_t k = startswith(v, "monotonic ") ? 10 : startswith(v, "boottime ") ? 9 : 0;
        if (!k)
            return false;
        v += k;
        for (int f = 0; f < 2; f++) {
            if (*v == '-')
                v++;
            size_t d = strspn(v, "0123456789");
            if (d == 0 || d > 19)
                return false;
            v += d;
            if (f == 0 && *v++ != ' ')
                return false;
        }
        if (*v == '\n')
            v++;
        else if (*v)
            return false;
    }
    return true;
}

static bool any_value(const char *v)
{
    (void)v;
    return true; /* crun only looks whether it is there */
}

/* crun annotations that only make it stricter (fail on an unknown syscall in
 * the profile) or change no privilege (cgroup sub-path, time namespace
 * offsets, which SELinux mount option carries the label), each kept only with
 * a value checked as strictly as a config field. */
static const struct {
    const char *key;
    bool (*valid)(const char *value);
} crun_safe[] = {
    {"run.oci.seccomp_fail_unknown_syscall", any_value},
    {"run.oci.systemd.subgroup", plain_name},
    {"run.oci.timens_offset", timens_offsets},
    {"run.oci.mount_context_type", context_type},
};

static bool is_risky(const char *key, const BrigJson *value)
{
    for (size_t i = 0; i < ELEMENTSOF(crun_safe); i++)
        if (streq(key, crun_safe[i].key))
            return value->type != BRIG_JSON_STRING || !crun_safe[i].valid(brig_json_str(value));
    for (size_t i = 0; i < ELEMENTSOF(risky); i++)
        if (fnmatch(risky[i], key, 0) == 0)
            return true;
    return false;
}

typedef struct {
    const BrigCtx *ctx;
    BrigReport *rep;
} Walk;

static int keep_annotation(BrigJson *a, size_t idx, void *data)
{
    const Walk *w = data;
    (void)idx;
    if (!is_risky(a->key, a))
        return 1;
    _cleanup_free_ char *tok = brig_json_pointer_token(a->key);
    _cleanup_free_ char *p = xasprintf("/annotations/%s", tok);
    _cleanup_(brig_json_freep) BrigJson *hidden = brig_json_new_string("<not logged>");
    brig_report_fix(w->rep, p, hidden, NULL,
                    "the runtime acts on %s with host privileges; %s removes such annotations",
                    a->key, brig_policy_source(w->ctx->policy));
    return 0;
}

int pass_annotations(const BrigCtx *ctx, BrigJson *spec, BrigReport *rep, BrigError **err)
{
    int r = pass_check_type(spec, "annotations", BRIG_JSON_OBJECT, "", err);
    if (r < 0)
        return r;
    /* one compacting pass: a config may carry 600k of them */
    brig_json_filter(brig_json_get(spec, "annotations"), keep_annotation, &(Walk){ctx, rep});
    return 0;
}
