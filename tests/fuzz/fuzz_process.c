/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The exec process-file path (docker exec writes these): tightened,
 * idempotent, never widened. */
#include "fuzz.h"
#include "harden.h"
#include "invariants.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    BrigJson *proc = NULL;
    BrigError *err = NULL;
    if (brig_json_parse((const char *)data, size, "fuzz", 0, &proc, &err) < 0) {
        brig_error_free(err);
        return 0;
    }
    BrigPolicy *policy = brig_policy_new_default();
    BrigHost host = {
        .last_cap = 40, .seccomp = true, .mem_total = UINT64_C(8) << 30, .page_size = 4096};
    BrigCtx ctx = {.policy = policy, .host = &host, .container_id = "fuzz"};
    BrigJson *in = brig_json_copy(proc);
    BrigReport rep = {0};
    if (brig_harden_process(&ctx, proc, &rep, &err) == 0) {
        const char *why = fuzz_check_tightened(in, proc, policy);
        FUZZ_ASSERT(!why, "%s", why);
        size_t l1, l2;
        char *s1 = brig_json_serialize(proc, 0, &l1);
        BrigReport rep2 = {0};
        FUZZ_ASSERT(brig_harden_process(&ctx, proc, &rep2, &err) == 0, "second run failed");
        char *s2 = brig_json_serialize(proc, 0, &l2);
        FUZZ_ASSERT(l1 == l2 && memcmp(s1, s2, l1) == 0, "not idempotent");
        brig_report_clear(&rep2);
        free(s1);
        free(s2);
    }
    brig_error_free(err);
    brig_report_clear(&rep);
    brig_json_free(in);
    brig_json_free(proc);
    brig_policy_free(policy);
    return 0;
}
