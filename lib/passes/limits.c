/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Limits: process.oomScoreAdj and process.rlimits, the process fields that
 * decide how much of the host one container may hold on to.  A negative
 * oomScoreAdj makes the OOM killer pick the host's own services before the
 * container (-1000: never the container); an RLIMIT_RTPRIO lets a process
 * without CAP_SYS_NICE run real-time and starve a CPU; RLIMIT_MEMLOCK pins
 * memory the kernel can neither reclaim nor swap.
 *
 * The policy sets a floor for the first and a ceiling per rlimit; a value
 * past it is brought back to it, which only ever lowers what the process
 * may do and never needs a privilege the runtime might lack (lowering an
 * rlimit or raising oom_score_adj is always allowed).  What the config does
 * not set is inherited from the engine, whose limits are the admin's, and
 * stays as it is.
 *
 * Values are read as runc reads them (Go: oomScoreAdj an int, hard and soft
 * uint64, a missing one 0); what crun reads otherwise is refused: it takes a
 * negative hard or soft as 2^64-1, unlimited. */
#include "passes.h"

static char *limit_text(uint64_t v)
{
    return v == BRIG_RLIMIT_UNLIMITED ? xstrdup("unlimited") : xasprintf("%" PRIu64, v);
}

static int oom_score_adj(const BrigCtx *ctx, BrigJson *proc, const char *ptr, BrigReport *rep,
                         BrigError **err)
{
    /* null is no value to Go but not every parser's idea of one: refused */
    int r = pass_check_type(proc, "oomScoreAdj", BRIG_JSON_NUMBER, ptr, err);
    if (r < 0)
        return r;
    const BrigJson *cur = brig_json_get(proc, "oomScoreAdj");
    if (!cur)
        return 0;
    int64_t v;
    if (brig_json_to_int64(cur, &v) < 0 || v < -1000 || v > 1000)
        return brig_error_set(err, EINVAL,
                              "%s/oomScoreAdj: expected an integer from -1000 to 1000 (the "
                              "kernel's range), found number %s",
                              ptr, cur->text);
    const BrigPolicy *pol = ctx->policy;
    if (v >= pol->oom_score_adj_min)
        return 0;
    PassPtr pb;
    BrigJson *nv = brig_json_new_int(pol->oom_score_adj_min);
    brig_report_fix(rep, pass_ptr(&pb, ptr, "oomScoreAdj"), cur, nv,
                    "an oom_score_adj of %" PRId64 " would have the OOM killer take the host's "
                    "own processes before this container's; %s sets a floor of %d "
                    "(oomScoreAdjMin)",
                    v, brig_policy_source(pol), (int)pol->oom_score_adj_min);
    brig_json_set(proc, "oomScoreAdj", nv);
    return 0;
}

static int read_limit(const BrigJson *rl, const char *key, const char *ptr, uint64_t *ret,
                      BrigError **err)
{
    int r = pass_check_type(rl, key, BRIG_JSON_NUMBER, ptr, err);
    if (r < 0)
        return r;
    const BrigJson *v = brig_json_get(rl, key);
    *ret = 0; /* missing: 0 to runc and crun alike */
    if (v && brig_json_to_uint64(v, ret) < 0)
        return brig_error_set(err, EINVAL,
                              "%s/%s: expected an integer from 0 to 18446744073709551615 "
                              "(unlimited), found number %s; crun would read a negative value as "
                              "unlimited and runc refuses it",
                              ptr, key, v->text);
    return 0;
}

static void lower(BrigJson *rl, const char *key, const char *rptr, uint64_t ceiling,
                  const char *name, uint64_t was, const BrigPolicy *pol, BrigReport *rep)
{
    PassPtr pb;
    BrigJson *nv = brig_json_new_uint(ceiling);
    _cleanup_free_ char *w = limit_text(was), *c = limit_text(ceiling);
    brig_report_fix(rep, pass_ptr(&pb, rptr, key), brig_json_get(rl, key), nv,
                    "%s %s limit %s is above the ceiling of %s that %s sets (rlimits)", name, key,
                    w, c, brig_policy_source(pol));
    brig_json_set(rl, key, nv);
}

static int rlimits(const BrigCtx *ctx, BrigJson *proc, const char *ptr, BrigReport *rep,
                   BrigError **err)
{
    int r = pass_check_type(proc, "rlimits", BRIG_JSON_ARRAY, ptr, err);
    if (r < 0)
        return r;
    BrigJson *arr = brig_json_get(proc, "rlimits");
    if (!arr)
        return 0;
    PassPtr ab;
    const char *aptr = pass_ptr(&ab, ptr, "rlimits");
    for (size_t i = 0; i < arr->n; i++) {
        BrigJson *rl = arr->kids[i];
        PassPtr rb;
        const char *rptr = pass_ptr_index(&rb, aptr, i);
        if (rl->type != BRIG_JSON_OBJECT)
            return brig_error_set(err, EINVAL, "%s: expected an object, found %s", rptr,
                                  brig_json_type_name(rl->type));
        r = pass_check_type(rl, "type", BRIG_JSON_STRING, rptr, err);
        if (r < 0)
            return r;
        const char *name = brig_json_str(brig_json_get(rl, "type"));
        int idx = name ? brig_rlimit_from_name(name) : -1;
        if (idx < 0) {
            _cleanup_free_ char *d =
                name ? pass_describe(brig_json_get(rl, "type")) : xstrdup("nothing");
            return brig_error_set(err, EINVAL,
                                  "%s/type: expected an rlimit name such as RLIMIT_NOFILE, found "
                                  "%s; runc and crun refuse any other",
                                  rptr, d);
        }
        uint64_t hard, soft;
        r = read_limit(rl, "hard", rptr, &hard, err);
        if (r == 0)
            r = read_limit(rl, "soft", rptr, &soft, err);
        if (r < 0)
            return r;
        uint64_t ceiling = ctx->policy->rlimit_max[idx];
        if (hard > ceiling)
            lower(rl, "hard", rptr, ceiling, name, hard, ctx->policy, rep);
        if (soft > ceiling)
            lower(rl, "soft", rptr, ceiling, name, soft, ctx->policy, rep);
    }
    return 0;
}

int process_limits(const BrigCtx *ctx, BrigJson *proc, const char *ptr, BrigReport *rep,
                   BrigError **err)
{
    int r = oom_score_adj(ctx, proc, ptr, rep, err);
    return r < 0 ? r : rlimits(ctx, proc, ptr, rep, err);
}

int pass_limits(const BrigCtx *ctx, BrigJson *spec, BrigReport *rep, BrigError **err)
{
    int r = pass_check_type(spec, "process", BRIG_JSON_OBJECT, "", err);
    if (r < 0)
        return r;
    BrigJson *proc = brig_json_get(spec, "process");
    return proc ? process_limits(ctx, proc, "/process", rep, err) : 0;
}
