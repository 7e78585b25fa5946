/* SPDX-License-Identifier: GPL-2.0-or-later */
/* noNewPrivileges: without it a setuid binary in the image undoes the user
 * and capability passes. */
#include "passes.h"

int process_no_new_privileges(const BrigCtx *ctx, BrigJson *proc, const char *ptr, BrigReport *rep,
                              BrigError **err)
{
    int r = pass_check_type(proc, "noNewPrivileges", BRIG_JSON_BOOL, ptr, err);
    if (r < 0)
        return r;
    BrigJson *cur = brig_json_get(proc, "noNewPrivileges");
    if (brig_json_is_true(cur))
        return 0;
    _cleanup_free_ char *p = xasprintf("%s/noNewPrivileges", ptr);
    BrigJson *nv = brig_json_new_bool(true);
    brig_report_fix(rep, p, cur, nv,
                    "setuid and file-capability binaries must not regain "
                    "privileges (%s)",
                    brig_policy_source(ctx->policy));
    brig_json_set(proc, "noNewPrivileges", nv);
    return 0;
}

int pass_no_new_privileges(const BrigCtx *ctx, BrigJson *spec, BrigReport *rep, BrigError **err)
{
    int r = pass_check_type(spec, "process", BRIG_JSON_OBJECT, "", err);
    if (r < 0)
        return r;
    BrigJson *proc = brig_json_get(spec, "process");
    return proc ? process_no_new_privileges(ctx, proc, "/process", rep, err) : 0;
}
