/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The policy parser: any accepted policy resolves for a container, and its
 * effective form (brig policy show) is itself a valid policy. */
#include "fuzz.h"
#include "policy.h"

static const char spec_text[] =
    "{\"annotations\":{\"io.kubernetes.cri.image-name\":\"registry.example/nginx:1\","
    "\"a\":\"b\"}}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    BrigPolicyDoc *doc = NULL;
    BrigError *err = NULL;
    if (brig_policy_parse((const char *)data, size, "fuzz", &doc, &err) < 0) {
        FUZZ_ASSERT(err && err->msg && strncmp(err->msg, "fuzz: ", 6) == 0,
                    "errors must name the file: %s", err ? err->msg : "(none)");
        brig_error_free(err);
        return 0;
    }
    BrigJson *spec = NULL;
    FUZZ_ASSERT(brig_json_parse(spec_text, sizeof(spec_text) - 1, "spec", 0, &spec, &err) == 0,
                "spec");
    const char *ids[] = {"web-1", "x", NULL};
    for (size_t i = 0; i < 3; i++) {
        BrigMatchInput in = {.id = ids[i], .spec = i == 2 ? NULL : spec};
        BrigPolicy *p = NULL;
        FUZZ_ASSERT(brig_policy_resolve(doc, &in, &p, &err) == 0,
                    "a validated policy must resolve: %s", err ? err->msg : "?");
        BrigJson *j = brig_policy_to_json(p);
        size_t len;
        char *text = brig_json_serialize(j, 0, &len);
        BrigPolicyDoc *again = NULL;
        FUZZ_ASSERT(brig_policy_parse(text, len, "shown", &again, &err) == 0,
                    "policy show output must be a valid policy: %s", err ? err->msg : "?");
        FUZZ_ASSERT(again->defaults->caps_allowed == p->caps_allowed &&
                        again->defaults->uid == p->uid && again->defaults->mode == p->mode,
                    "policy show lost a setting");
        brig_policy_doc_free(again);
        free(text);
        brig_json_free(j);
        brig_policy_free(p);
    }
    brig_json_free(spec);
    brig_policy_doc_free(doc);
    return 0;
}
