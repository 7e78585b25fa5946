/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The whole pipeline: config in, config out.  Whatever is accepted must come
 * out tightened (never widened), and hardening again must change nothing. */
#include "fuzz.h"
#include "harden.h"
#include "invariants.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    BrigJson *spec = NULL, *again = NULL;
    BrigError *err = NULL;
    if (brig_json_parse((const char *)data, size, "fuzz", 0, &spec, &err) < 0) {
        brig_error_free(err);
        return 0;
    }
    BrigPolicy *policy = brig_policy_new_default();
    /* vary the policy with the input so grants are exercised too */
    if (size > 2 && data[size - 1] & 1)
        policy->caps_allowed = UINT64_C(1) << 10; /* CAP_NET_BIND_SERVICE */
    BrigHost host = {
        .last_cap = 40, .seccomp = true, .mem_total = UINT64_C(8) << 30, .page_size = 4096};
    BrigCtx ctx = {.policy = policy, .host = &host, .container_id = "fuzz"};
    BrigJson *in = brig_json_copy(spec);
    BrigReport rep = {0};
    if (spec->type != BRIG_JSON_OBJECT || brig_harden(&ctx, spec, &rep, &err) < 0) {
        FUZZ_ASSERT(spec->type != BRIG_JSON_OBJECT || (err && err->msg && *err->msg),
                    "a failed harden must explain itself");
        goto out;
    }
    /* Refusals are a function of the input: the same input refused once is
     * refused again, for the same reasons. */
    {
        BrigJson *twin = brig_json_copy(in);
        BrigReport rep_twin = {0};
        BrigError *err_twin = NULL;
        FUZZ_ASSERT(brig_harden(&ctx, twin, &rep_twin, &err_twin) == 0, "second run failed");
        FUZZ_ASSERT(
            brig_report_count(&rep_twin, BRIG_REFUSE) == brig_report_count(&rep, BRIG_REFUSE),
            "the same input got %zu refusals, then %zu", brig_report_count(&rep, BRIG_REFUSE),
            brig_report_count(&rep_twin, BRIG_REFUSE));
        brig_report_clear(&rep_twin);
        brig_error_free(err_twin);
        brig_json_free(twin);
    }
    /* A refused config never runs: the invariants hold for what runs. */
    if (fuzz_refused(&rep))
        goto out;
    const char *why = fuzz_check_spec(in, spec, policy);
    FUZZ_ASSERT(!why, "%s", why);

    size_t l1, l2;
    char *s1 = brig_json_serialize(spec, BRIG_JSON_PRETTY, &l1);
    FUZZ_ASSERT(brig_json_parse(s1, l1, "out", 0, &again, &err) == 0, "output must parse");
    BrigReport rep2 = {0};
    FUZZ_ASSERT(brig_harden(&ctx, again, &rep2, &err) == 0, "second harden failed: %s",
                err ? err->msg : "?");
    char *s2 = brig_json_serialize(again, BRIG_JSON_PRETTY, &l2);
    FUZZ_ASSERT(l1 == l2 && memcmp(s1, s2, l1) == 0, "hardening is not idempotent");
    FUZZ_ASSERT(brig_report_count(&rep2, BRIG_FIX) == 0, "second run recorded fixes");
    FUZZ_ASSERT(brig_report_count(&rep2, BRIG_REFUSE) == 0, "brig refuses its own output");
    brig_report_clear(&rep2);
    free(s1);
    free(s2);
out:
    brig_error_free(err);
    brig_report_clear(&rep);
    brig_json_free(in);
    brig_json_free(again);
    brig_json_free(spec);
    brig_policy_free(policy);
    return 0;
}
