/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Masked and read-only /proc and /sys paths: the union of what the config
 * already has and the list below, which covers Docker's and Podman's
 * defaults (kernel memory, keys, timers, firmware, sysrq) plus a few
 * information leaks they leave open.  Paths are only ever added. */
#include "passes.h"

static const char *const masked[] = {
    "/proc/acpi",          "/proc/asound",
    "/proc/kcore",         "/proc/keys",
    "/proc/latency_stats", "/proc/sched_debug",
    "/proc/scsi",          "/proc/timer_list",
    "/proc/timer_stats",   "/sys/devices/virtual/powercap",
    "/sys/firmware",       "/sys/fs/selinux",
    "/sys/dev/block",
};

static const char *const readonly[] = {
    "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
};

static int add_paths(const BrigCtx *ctx, BrigJson *linux_, const char *key, const char *const *want,
                     size_t n_want, BrigReport *rep, BrigError **err)
{
    BrigJson *arr = pass_ensure(linux_, key, BRIG_JSON_ARRAY, "/linux", err);
    if (!arr)
        return -EINVAL;
    const BrigJson *e;
    size_t i = 0;
    BRIG_JSON_FOREACH (e, arr) {
        if (e->type != BRIG_JSON_STRING)
            return brig_error_set(err, EINVAL, "/linux/%s/%zu: expected a path string, found %s",
                                  key, i, brig_json_type_name(e->type));
        i++;
    }
    for (size_t w = 0; w < n_want; w++) {
        if (brig_json_array_has_string(arr, want[w]))
            continue;
        _cleanup_free_ char *p = xasprintf("/linux/%s/%zu", key, arr->n);
        BrigJson *nv = brig_json_new_string(want[w]);
        brig_report_fix(rep, p, NULL, nv, "%s %s under %s", want[w],
                        streq(key, "maskedPaths") ? "is masked" : "is read-only",
                        brig_policy_source(ctx->policy));
        brig_json_append(arr, nv);
    }
    return 0;
}

int pass_masked_paths(const BrigCtx *ctx, BrigJson *spec, BrigReport *rep, BrigError **err)
{
    BrigJson *linux_ = pass_ensure(spec, "linux", BRIG_JSON_OBJECT, "", err);
    if (!linux_)
        return -EINVAL;
    int r = add_paths(ctx, linux_, "maskedPaths", masked, ELEMENTSOF(masked), rep, err);
    if (r < 0)
        return r;
    return add_paths(ctx, linux_, "readonlyPaths", readonly, ELEMENTSOF(readonly), rep, err);
}
