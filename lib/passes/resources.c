/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Resources: a pids limit, so a fork bomb in one container cannot exhaust the
 * host's pid space.  runc and crun treat an absent limit, 0 and negative
 * values as "no limit"; those get the policy's limit.  The policy's value is
 * also a ceiling: a higher positive limit is lowered to it.  Whoever writes
 * the config could otherwise ask for 4194304 (the kernel's PID_MAX_LIMIT,
 * "no limit" in all but name), which `update` may not do either
 * (runtime_checks.c); an engine that needs more has the admin raise
 * pidsLimit.  A lower limit is kept. */
#include "passes.h"

int pass_resources(const BrigCtx *ctx, BrigJson *spec, BrigReport *rep, BrigError **err)
{
    if (ctx->policy->pids_limit <= 0)
        return 0;
    BrigJson *linux_ = pass_ensure(spec, "linux", BRIG_JSON_OBJECT, "", err);
    if (!linux_)
        return -EINVAL;
    BrigJson *res = pass_ensure(linux_, "resources", BRIG_JSON_OBJECT, "/linux", err);
    if (!res)
        return -EINVAL;
    BrigJson *pids = pass_ensure(res, "pids", BRIG_JSON_OBJECT, "/linux/resources", err);
    if (!pids)
        return -EINVAL;
    const BrigJson *cur = brig_json_get(pids, "limit");
    int64_t limit = 0;
    if (cur && cur->type != BRIG_JSON_NULL && brig_json_to_int64(cur, &limit) < 0) {
        _cleanup_free_ char *d = pass_describe(cur);
        return brig_error_set(err, EINVAL,
                              "/linux/resources/pids/limit: expected an integer, found %s", d);
    }
    if (limit > 0 && limit <= ctx->policy->pids_limit)
        return 0;
    BrigJson *nv = brig_json_new_int(ctx->policy->pids_limit);
    if (limit > 0) {
        brig_report_fix(rep, "/linux/resources/pids/limit", cur, nv,
                        "a pids limit of %lld is above the ceiling %lld of %s (pidsLimit)",
                        (long long)limit, (long long)ctx->policy->pids_limit,
                        brig_policy_source(ctx->policy));
        brig_json_set(pids, "limit", nv);
        return 0;
    }
    _cleanup_free_ char *was = cur ? xasprintf("a limit of %s means none",
                                               cur->type == BRIG_JSON_NULL ? "null" : cur->text)
                                   : xstrdup("no pids limit set");
    brig_report_fix(rep, "/linux/resources/pids/limit", cur, nv,
                    "%s, and without one a fork bomb can exhaust the host's processes; %s sets "
                    "%lld",
                    was, brig_policy_source(ctx->policy), (long long)ctx->policy->pids_limit);
    brig_json_set(pids, "limit", nv);
    return 0;
}
