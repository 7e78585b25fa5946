/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The JSON layer: whatever parses must serialize, re-parse to an equal tree,
 * and serialize again to the same bytes (what idempotent hardening rests on). */
#include "fuzz.h"
#include "json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    BrigJson *j = NULL, *k = NULL;
    BrigError *err = NULL;
    if (brig_json_parse((const char *)data, size, "fuzz", size & 1 ? BRIG_JSON_LINES : 0, &j,
                        &err) < 0) {
        FUZZ_ASSERT(err && err->msg && *err->msg, "a failed parse must explain itself");
        brig_error_free(err);
        return 0;
    }
    for (unsigned flags = 0; flags <= BRIG_JSON_PRETTY; flags += BRIG_JSON_PRETTY) {
        size_t len1, len2;
        char *s1 = brig_json_serialize(j, flags, &len1);
        FUZZ_ASSERT(brig_json_parse(s1, len1, "again", 0, &k, &err) == 0, "%s",
                    err ? err->msg : "?");
        FUZZ_ASSERT(brig_json_equal(j, k), "round trip changed the tree");
        char *s2 = brig_json_serialize(k, flags, &len2);
        FUZZ_ASSERT(len1 == len2 && memcmp(s1, s2, len1) == 0, "serialization not stable");
        BrigJson *c = brig_json_copy(k);
        FUZZ_ASSERT(brig_json_equal(c, k), "copy differs");
        brig_json_free(c);
        brig_json_free(k);
        k = NULL;
        free(s1);
        free(s2);
    }
    brig_json_free(j);
    return 0;
}
