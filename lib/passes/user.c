/* SPDX-License-Identifier: GPL-2.0-or-later */
/* User: a process that asked for uid 0 or gid 0 runs as the policy's
 * unprivileged identity instead, and gid 0 leaves additionalGids, since
 * group root still owns writable files in most images. */
#include "passes.h"

static int read_id(const BrigJson *user, const char *key, const char *ptr, uint64_t *ret,
                   BrigError **err)
{
    const BrigJson *v = brig_json_get(user, key);
    *ret = 0;
    if (!v)
        return 0;
    if (brig_json_to_uint64(v, ret) < 0 || *ret > UINT32_MAX) {
        _cleanup_free_ char *what = pass_describe(v);
        return brig_error_set(err, EINVAL, "%s/%s: expected an unsigned 32-bit integer, found %s",
                              ptr, key, what);
    }
    return 0;
}

static void set_id(BrigJson *user, const char *key, const char *uptr, uint32_t to, BrigReport *rep,
                   const char *why)
{
    _cleanup_free_ char *p = xasprintf("%s/%s", uptr, key);
    BrigJson *nv = brig_json_new_uint(to);
    brig_report_fix(rep, p, brig_json_get(user, key), nv, "%s", why);
    brig_json_set(user, key, nv);
}

static int keep_nonzero_gid(BrigJson *g, size_t idx, void *ctx)
{
    uint64_t v = 1;
    (void)idx, (void)ctx;
    brig_json_to_uint64(g, &v);
    return v != 0;
}

int process_user(const BrigCtx *ctx, BrigJson *proc, const char *ptr, BrigReport *rep,
                 BrigError **err)
{
    _cleanup_free_ char *uptr = xasprintf("%s/user", ptr);
    BrigJson *user = pass_ensure(proc, "user", BRIG_JSON_OBJECT, ptr, err);
    if (!user)
        return -EINVAL;
    const BrigPolicy *pol = ctx->policy;
    uint64_t uid, gid;
    int r = read_id(user, "uid", uptr, &uid, err);
    if (r < 0)
        return r;
    r = read_id(user, "gid", uptr, &gid, err);
    if (r < 0)
        return r;
    r = pass_check_type(user, "additionalGids", BRIG_JSON_ARRAY, uptr, err);
    if (r < 0)
        return r;

    if (!pol->allow_root) {
        if (uid == 0) {
            _cleanup_free_ char *why = xasprintf("uid 0 is not allowed by %s; running as %u",
                                                 brig_policy_source(pol), pol->uid);
            set_id(user, "uid", uptr, pol->uid, rep, why);
        }
        if (gid == 0) {
            _cleanup_free_ char *why = xasprintf("gid 0 is not allowed by %s; running as %u",
                                                 brig_policy_source(pol), pol->gid);
            set_id(user, "gid", uptr, pol->gid, rep, why);
        }
    }

    BrigJson *gids = brig_json_get(user, "additionalGids");
    if (!gids || pol->allow_root)
        return 0;
    for (size_t i = 0; i < gids->n; i++) {
        uint64_t g;
        if (brig_json_to_uint64(gids->kids[i], &g) < 0 || g > UINT32_MAX) {
            _cleanup_free_ char *what = pass_describe(gids->kids[i]);
            return brig_error_set(err, EINVAL,
                                  "%s/additionalGids/%zu: expected an unsigned 32-bit integer, "
                                  "found %s",
                                  uptr, i, what);
        }
    }
    BrigJson *before = NULL;
    for (size_t i = 0; i < gids->n && !before; i++) {
        uint64_t g = 1;
        brig_json_to_uint64(gids->kids[i], &g);
        if (g == 0)
            before = brig_json_copy(gids);
    }
    if (before) /* in one pass: removal one by one is quadratic */
        brig_json_filter(gids, keep_nonzero_gid, NULL);
    if (before) {
        _cleanup_free_ char *p = xasprintf("%s/additionalGids", uptr);
        brig_report_fix(rep, p, before, gids, "supplementary group 0 is not allowed by %s",
                        brig_policy_source(pol));
        brig_json_free(before);
    }
    return 0;
}

int pass_user(const BrigCtx *ctx, BrigJson *spec, BrigReport *rep, BrigError **err)
{
    int r = pass_check_type(spec, "process", BRIG_JSON_OBJECT, "", err);
    if (r < 0)
        return r;
    BrigJson *proc = brig_json_get(spec, "process");
    return proc ? process_user(ctx, proc, "/process", rep, err) : 0;
}
