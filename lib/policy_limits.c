/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The policy's process limits: the built-in rlimit ceilings and OOM floor,
 * and the "rlimits" setting (oomScoreAdjMin and mapHostRoot are plain
 * scalars, read with the other settings in policy.c).  A file of its own so
 * that policy.c stays near ~800 lines. */
#include <stdio.h>

#include "policy_internal.h"

/* Ceilings that keep the host safe without touching what engines write by
 * default (Podman's NOFILE 1048576 and NPROC 32768, runc spec's NOFILE 1024);
 * every other rlimit has none.  brig-policy(5) gives the reason for each. */
void pv_default_limits(BrigPolicy *p)
{
    static const struct {
        const char *name;
        uint64_t max;
    } ceilings[] = {
        {"RLIMIT_MEMLOCK", UINT64_C(8) << 20}, /* the kernel's default since 5.16 */
        {"RLIMIT_MSGQUEUE", 819200},           /* the kernel's default */
        {"RLIMIT_NICE", 0},                    /* no raising priority above the host's tasks */
        {"RLIMIT_NOFILE", 1048576},            /* the kernel's default fs.nr_open */
        {"RLIMIT_NPROC", 4194304},             /* the kernel's PID_MAX_LIMIT */
        {"RLIMIT_RTPRIO", 0},                  /* no real-time scheduling without CAP_SYS_NICE */
    };
    for (int i = 0; i < BRIG_RLIMIT_COUNT; i++)
        p->rlimit_max[i] = BRIG_RLIMIT_UNLIMITED;
    for (size_t i = 0; i < ELEMENTSOF(ceilings); i++)
        p->rlimit_max[brig_rlimit_from_name(ceilings[i].name)] = ceilings[i].max;
    p->oom_score_adj_min = 0;
    p->map_host_root = false;
}

/* "rlimits": {"RLIMIT_NOFILE": 1048576, "RLIMIT_CORE": "unlimited"}: each
 * named ceiling replaces the one before it (the default's, an earlier
 * rule's); the names are the ones runc and crun accept. */
int pv_rlimits(const PV *v, const BrigJson *obj, const char *ptr, BrigPolicy *pol)
{
    int r = pv_type(v, obj, ptr, BRIG_JSON_OBJECT);
    const BrigJson *e;
    BRIG_JSON_FOREACH (e, obj) {
        if (r < 0)
            break;
        _cleanup_free_ char *tok = brig_json_pointer_token(e->key);
        _cleanup_free_ char *ep = xasprintf("%s/%s", ptr, tok);
        int idx = brig_rlimit_from_name(e->key);
        if (idx < 0) {
            _cleanup_free_ char *list = xstrdup("");
            for (int i = 0; i < BRIG_RLIMIT_COUNT; i++) {
                char *n = xasprintf("%s%s%s", list, i ? ", " : "", brig_rlimit_name(i));
                free(list);
                list = n;
            }
            r = pv_fail(v, e, ep, "unknown rlimit \"%s\" (expected one of: %s)", e->key, list);
            break;
        }
        if (e->type == BRIG_JSON_STRING && streq(e->text, "unlimited"))
            pol->rlimit_max[idx] = BRIG_RLIMIT_UNLIMITED;
        else if (e->type != BRIG_JSON_NUMBER || brig_json_to_uint64(e, &pol->rlimit_max[idx]) < 0) {
            _cleanup_free_ char *d = pv_describe(e);
            r = pv_fail(v, e, ep,
                        "expected an integer from 0 to 18446744073709551615 or "
                        "\"unlimited\", found %s",
                        d);
        }
    }
    if (r == 0) {
        /* a duplicate name would leave the ceiling to JSON order */
        for (size_t i = 0; i < obj->n && r == 0; i++)
            for (size_t k = 0; k < i && r == 0; k++)
                if (streq(obj->kids[k]->key, obj->kids[i]->key)) {
                    _cleanup_free_ char *ep = xasprintf("%s/%s", ptr, obj->kids[i]->key);
                    r = pv_fail(v, obj->kids[i], ep, "duplicate key");
                }
    }
    return r;
}
