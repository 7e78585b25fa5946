/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "invariants.h"

#include "caps.h"

static uint64_t cap_mask(const BrigJson *set)
{
    uint64_t m = 0;
    const BrigJson *e;
    BRIG_JSON_FOREACH (e, set) {
        int n = brig_cap_from_name(brig_json_str(e));
        if (n >= 0)
            m |= UINT64_C(1) << n;
    }
    return m;
}

const char *fuzz_check_tightened(const BrigJson *in_proc, const BrigJson *out_proc,
                                 const BrigPolicy *policy)
{
    if (!out_proc)
        return in_proc ? "process disappeared" : NULL;
    if (!brig_json_is_true(brig_json_get(out_proc, "noNewPrivileges")))
        return "noNewPrivileges is not true";
    uint64_t uid = 1, gid = 1;
    if (brig_json_to_uint64(brig_json_get_path(out_proc, "user/uid"), &uid) == 0 && uid == 0 &&
        !policy->allow_root)
        return "uid 0 survived";
    if (brig_json_to_uint64(brig_json_get_path(out_proc, "user/gid"), &gid) == 0 && gid == 0 &&
        !policy->allow_root)
        return "gid 0 survived";
    const BrigJson *ic = brig_json_get(in_proc, "capabilities");
    const BrigJson *oc = brig_json_get(out_proc, "capabilities");
    static const char *const sets[] = {"bounding", "effective", "permitted", "inheritable",
                                       "ambient"};
    uint64_t in_any = 0;
    for (size_t s = 0; s < 3; s++)
        in_any |= ic ? cap_mask(brig_json_get(ic, sets[s])) : ~UINT64_C(0);
    for (size_t s = 0; s < 5; s++) {
        uint64_t out = cap_mask(brig_json_get(oc, sets[s]));
        if (out & ~policy->caps_allowed)
            return "a capability the policy does not allow survived";
        if (out & ~in_any)
            return "a capability the input did not have was added";
    }
    return NULL;
}
