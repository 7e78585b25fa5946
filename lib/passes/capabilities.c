/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Capabilities: every set is reduced to what the policy allows and the
 * container asked for.  A non-root process loses its permitted and effective
 * sets at execve unless the capabilities are also ambient (and ambient
 * requires inheritable), so for non-root users kept capabilities also go into
 * the inheritable and ambient sets; for root, ambient and inheritable are only
 * ever narrowed, and no set is ever extended otherwise. */
#include <inttypes.h>
#include <stdio.h>

#include "../caps.h"
#include "passes.h"

static const char *const set_names[] = {"bounding", "effective", "permitted", "inheritable",
                                        "ambient"};
enum { BOUNDING, EFFECTIVE, PERMITTED, INHERITABLE, AMBIENT, N_SETS };

#define ALL_CAPS ((UINT64_C(1) << (BRIG_CAP_LAST + 1)) - 1)

static int read_set(const BrigJson *caps, const char *set, const char *ptr, uint64_t *ret,
                    BrigError **err)
{
    const BrigJson *arr = brig_json_get(caps, set), *e;
    uint64_t mask = 0;
    *ret = 0;
    if (!arr)
        return 0;
    if (arr->type != BRIG_JSON_ARRAY)
        return brig_error_set(err, EINVAL, "%s/%s: expected an array of capability names, found %s",
                              ptr, set, brig_json_type_name(arr->type));
    size_t i = 0;
    BRIG_JSON_FOREACH (e, arr) {
        const char *name = brig_json_str(e);
        if (!name)
            return brig_error_set(err, EINVAL, "%s/%s/%zu: expected a capability name, found %s",
                                  ptr, set, i, brig_json_type_name(e->type));
        int n = brig_cap_from_name(name);
        if (n < 0)
            return brig_error_set(err, EINVAL, "%s/%s/%zu: unknown capability name \"%s\"", ptr,
                                  set, i, name);
        mask |= UINT64_C(1) << n;
        i++;
    }
    *ret = mask;
    return 0;
}

static BrigJson *mask_to_array(uint64_t mask)
{
    BrigJson *arr = brig_json_new(BRIG_JSON_ARRAY);
    for (int n = 0; n <= BRIG_CAP_LAST; n++)
        if (mask & (UINT64_C(1) << n))
            brig_json_append(arr, brig_json_new_string(brig_cap_name(n)));
    return arr;
}

/* An absent uid is root to the runtime.  A uid that is not a number is
 * treated as root too: that is the reading that never adds ambient
 * capabilities (the user pass rejects such a config anyway). */
static bool process_is_root(const BrigJson *proc)
{
    uint64_t uid = 0;
    const BrigJson *u = brig_json_get_path(proc, "user/uid");
    return !u || brig_json_to_uint64(u, &uid) < 0 || uid == 0;
}

/* Why capabilities were dropped from a set, each by its real cause: one the
 * policy allows was dropped because the config itself never let the
 * process hold it (not in the bounding or permitted set), or, for root's
 * ambient set, because it is not inheritable. */
static char *drop_reasons(const BrigPolicy *pol, const uint64_t in[N_SETS], uint64_t dropped)
{
    uint64_t allowed = pol->caps_allowed;
    const struct {
        uint64_t mask;
        const char *why;
    } parts[] = {
        {dropped & ~allowed, NULL},
        {dropped & allowed & ~in[BOUNDING],
         "allowed by the policy, but not in the config's bounding set, so no process can hold "
         "it"},
        {dropped & allowed & in[BOUNDING] & ~in[PERMITTED],
         "allowed by the policy, but not in the config's permitted set, so the process never "
         "holds it"},
        {dropped & allowed & in[BOUNDING] & in[PERMITTED],
         "allowed by the policy, but not in the config's inheritable set, which an ambient "
         "capability needs"},
    };
    char *out = NULL;
    for (size_t i = 0; i < ELEMENTSOF(parts); i++) {
        if (!parts[i].mask)
            continue;
        _cleanup_free_ char *names = brig_caps_join(parts[i].mask);
        _cleanup_free_ char *why = parts[i].why
                                       ? xstrdup(parts[i].why)
                                       : xasprintf("not allowed by %s", brig_policy_source(pol));
        char *next = xasprintf("%s%sdropped %s: %s", out ? out : "", out ? "; " : "", names, why);
        free(out);
        out = next;
    }
    return out ? out : xstrdup("dropped nothing");
}

int process_capabilities(const BrigCtx *ctx, BrigJson *proc, const char *ptr, BrigReport *rep,
                         BrigError **err)
{
    _cleanup_free_ char *cptr = xasprintf("%s/capabilities", ptr);
    int r = pass_check_type(proc, "capabilities", BRIG_JSON_OBJECT, ptr, err);
    if (r < 0)
        return r;
    BrigJson *caps = brig_json_get(proc, "capabilities");
    uint64_t in[N_SETS];

    /* runc and crun leave the capabilities of their own (root) process alone
     * when the config has no capabilities object: absent means "all". */
    for (int s = 0; s < N_SETS; s++) {
        if (!caps) {
            in[s] = s == AMBIENT ? 0 : ALL_CAPS;
            continue;
        }
        r = read_set(caps, set_names[s], cptr, &in[s], err);
        if (r < 0)
            return r;
    }

    /* A capability the process holds is in its permitted set (effective
     * is only the part of it switched on, and the kernel rejects an effective
     * capability that is not permitted); it survives exec only within the
     * bounding set.  Effective is narrowed, never extended: the process can
     * raise a permitted capability itself.  Ambient needs the capability in
     * both permitted and inheritable, so for root it is narrowed to what
     * stays inheritable. */
    uint64_t keep = ctx->policy->caps_allowed & in[BOUNDING] & in[PERMITTED];
    bool root = process_is_root(proc);
    uint64_t want[N_SETS] = {
        [BOUNDING] = keep,
        [EFFECTIVE] = keep & in[EFFECTIVE],
        [PERMITTED] = keep,
        [INHERITABLE] = root ? keep & in[INHERITABLE] : keep,
        [AMBIENT] = root ? keep & in[INHERITABLE] & in[AMBIENT] : keep,
    };

    if (!caps) {
        BrigJson *obj = brig_json_new(BRIG_JSON_OBJECT);
        for (int s = 0; s < N_SETS; s++)
            brig_json_set(obj, set_names[s], mask_to_array(want[s]));
        brig_report_fix(rep, cptr, NULL, obj,
                        "no capabilities object means the runtime keeps every capability; "
                        "set explicitly to what %s allows",
                        brig_policy_source(ctx->policy));
        brig_json_set(proc, "capabilities", obj);
        return 0;
    }

    for (int s = 0; s < N_SETS; s++) {
        const BrigJson *cur = brig_json_get(caps, set_names[s]);
        if (cur && in[s] == want[s])
            continue;
        if (!cur && want[s] == 0)
            continue;
        _cleanup_free_ char *sptr = xasprintf("%s/%s", cptr, set_names[s]);
        BrigJson *arr = mask_to_array(want[s]);
        uint64_t dropped = in[s] & ~want[s], added = want[s] & ~in[s];
        _cleanup_free_ char *why = drop_reasons(ctx->policy, in, dropped);
        _cleanup_free_ char *an = brig_caps_join(added);
        if (dropped && added)
            brig_report_fix(rep, sptr, cur, arr,
                            "%s; added %s so a non-root process keeps it across exec", why, an);
        else if (dropped)
            brig_report_fix(rep, sptr, cur, arr, "%s", why);
        else
            brig_report_fix(rep, sptr, cur, arr,
                            "added %s so a non-root process keeps it across exec", an);
        brig_json_set(caps, set_names[s], arr);
    }
    return 0;
}

int pass_capabilities(const BrigCtx *ctx, BrigJson *spec, BrigReport *rep, BrigError **err)
{
    int r = pass_check_type(spec, "process", BRIG_JSON_OBJECT, "", err);
    if (r < 0)
        return r;
    BrigJson *proc = brig_json_get(spec, "process");
    return proc ? process_capabilities(ctx, proc, "/process", rep, err) : 0;
}
