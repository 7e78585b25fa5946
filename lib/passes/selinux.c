/* SPDX-License-Identifier: GPL-2.0-or-later */
/* SELinux: process.selinuxLabel and linux.mountLabel get the container type
 * from the host's contexts file with a category pair unique to this
 * container, but only on a host where SELinux is on and the label is valid
 * there: runc and crun both fail to start a container with a label they
 * cannot apply.  cmd/ reads the contexts, reserves the pair and checks the
 * labels (side effects); this pass only decides, from BrigHost.
 *
 *   policy     host                        result
 *   off        any                         untouched
 *   auto       SELinux off / no valid      untouched, note
 *              container label
 *   require    same                        refused
 *   auto/req.  SELinux on, valid label     a label of the container type the
 *                                          engine chose is kept if its level is
 *                                          one pair of distinct categories
 *                                          (s0:cX,cY: its MCS pair matches its
 *                                          volume relabeling); anything else
 *                                          (spc_t, unconfined_t, a range such as
 *                                          s0-s0:c0.c1023, one category, none,
 *                                          absent) gets brig's labels
 * A lone exec process file without a label runs under the container's, so
 * there a label of another type is removed rather than replaced. */
#include "../selinux.h"
#include "passes.h"

static bool same_type(const char *a, const char *b)
{
    _cleanup_free_ char *ta = a ? brig_selinux_type(a) : NULL;
    _cleanup_free_ char *tb = b ? brig_selinux_type(b) : NULL;
    return ta && tb && streq(ta, tb);
}

/* Returns 1 when labels may be set, 0 when the pass is done. */
static int usable(const BrigCtx *ctx, const char *fptr, const BrigJson *cur, BrigReport *rep)
{
    const BrigPolicy *pol = ctx->policy;
    const char *why = !ctx->host->selinux_enabled ? "SELinux is not enabled on this host"
                      : !ctx->host->selinux_process
                          ? "this host has no valid container context (contexts file)"
                          : NULL;
    if (pol->selinux == BRIG_LSM_OFF)
        return 0;
    if (!why)
        return 1;
    if (pol->selinux == BRIG_LSM_REQUIRE)
        brig_report_refuse(rep, fptr, cur, "%s requires SELinux, and %s", brig_policy_source(pol),
                           why);
    else
        brig_report_note(rep, fptr, "no SELinux label set: %s", why);
    return 0;
}

int process_selinux(const BrigCtx *ctx, BrigJson *proc, const char *ptr, BrigReport *rep,
                    BrigError **err)
{
    int r = pass_check_type(proc, "selinuxLabel", BRIG_JSON_STRING, ptr, err);
    if (r < 0)
        return r;
    _cleanup_free_ char *fptr = xasprintf("%s/selinuxLabel", ptr);
    BrigJson *cur = brig_json_get(proc, "selinuxLabel");
    const char *have = cur ? brig_json_str(cur) : NULL;
    if (usable(ctx, fptr, cur, rep) <= 0)
        return 0;
    bool unset = !have || !*have;
    bool type_ok = !unset && same_type(have, ctx->host->selinux_process);
    if (type_ok && brig_selinux_level_is_pair(have))
        return 0;
    const char *why = unset ? "no SELinux label: the container would run in the runtime's domain"
                      : type_ok ? "the label's level is not one pair of distinct categories "
                                  "(s0:cX,cY): it would reach other containers' files"
                                : "the label's type is not the container type";
    if (!*ptr) { /* exec: without a label it runs under the container's */
        if (!unset) {
            brig_report_fix(rep, fptr, cur, NULL,
                            "%s; the process runs under the container's label instead", why);
            brig_json_remove(proc, "selinuxLabel");
        }
        return 0;
    }
    BrigJson *val = brig_json_new_string(ctx->host->selinux_process);
    brig_report_fix(rep, fptr, cur, val, "%s", why);
    brig_json_set(proc, "selinuxLabel", val);
    return 1;
}

int pass_selinux(const BrigCtx *ctx, BrigJson *spec, BrigReport *rep, BrigError **err)
{
    int r = pass_check_type(spec, "process", BRIG_JSON_OBJECT, "", err);
    if (r < 0)
        return r;
    r = pass_check_type(spec, "linux", BRIG_JSON_OBJECT, "", err);
    if (r < 0)
        return r;
    BrigJson *proc = brig_json_get(spec, "process");
    if (!proc) {
        usable(ctx, "/process", NULL, rep); /* a required LSM is still checked */
        return 0;
    }
    r = process_selinux(ctx, proc, "/process", rep, err);
    if (r <= 0 || !ctx->host->selinux_mount)
        return r;
    /* the process label was (re)set: the mount label goes with it */
    BrigJson *lin = pass_ensure(spec, "linux", BRIG_JSON_OBJECT, "", err);
    if (!lin)
        return -1;
    r = pass_check_type(lin, "mountLabel", BRIG_JSON_STRING, "/linux", err);
    if (r < 0)
        return r;
    BrigJson *cur = brig_json_get(lin, "mountLabel");
    if (cur && streq(brig_json_str(cur), ctx->host->selinux_mount))
        return 0;
    BrigJson *val = brig_json_new_string(ctx->host->selinux_mount);
    brig_report_fix(rep, "/linux/mountLabel", cur, val,
                    "files the runtime mounts get the container's file label and categories");
    brig_json_set(lin, "mountLabel", val);
    return 0;
}
