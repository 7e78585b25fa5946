/* SPDX-License-Identifier: GPL-2.0-or-later */
/* brig's JSON parser against the yajl-callback parser it replaced
 * (tests/common/json_yajl_ref.c): every input accepted by one is accepted
 * by the other and gives the same tree, duplicates and all, except that
 * brig may refuse loose UTF-8 (saying so) and a string left open after the
 * document.  Line numbers are compared too with JSON_DIFF_STRICT_LINES=1
 * (the old parser gave a top-level number at the end of the input the
 * line after the last). */
#include "fuzz.h"
#include "json.h"
#include "json_yajl_ref.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int strict_lines = -1;
    if (strict_lines < 0) {
        const char *v = getenv("JSON_DIFF_STRICT_LINES");
        strict_lines = v && streq(v, "1");
    }
    for (unsigned flags = 0; flags <= BRIG_JSON_LINES; flags += BRIG_JSON_LINES) {
        char why[600];
        RefDiffKind k = ref_json_diff((const char *)data, size, flags, why, sizeof(why));
        if (k == REF_DIFF_SAME || k == REF_DIFF_STRICTER_UTF8 || k == REF_DIFF_STRICTER_TAIL ||
            (k == REF_DIFF_LINES && !strict_lines))
            continue;
        _cleanup_free_ char *esc = ref_c_escape((const char *)data, size, 400);
        FUZZ_ASSERT(false, "flags %u: %s: %s\n    input: %s", flags, ref_diff_kind_name(k), why,
                    esc);
    }
    return 0;
}
