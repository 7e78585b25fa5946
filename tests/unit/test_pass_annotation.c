/* SPDX-License-Identifier: GPL-2.0-or-later */
/* brig's own annotation: records version, policy digest and mode, replaces a
 * stale or forged value in place, and is a note, never a fix. */
#include "golden.h"

static void setup_policy(const char *name, BrigPolicy *p)
{
    if (strstr(name, "mode-audit"))
        p->mode = BRIG_MODE_AUDIT;
}

START_TEST(test_golden)
{
    ck_assert_uint_ge(golden_run_dir("annotation", pass_annotation, setup_policy), 5);
}
END_TEST

START_TEST(test_errors)
{
    golden_assert_error(pass_annotation, "{\"annotations\":[]}",
                        "/annotations: expected an object, found array");
}
END_TEST

START_TEST(test_value_and_report)
{
    BrigReport rep = {0};
    _cleanup_free_ char *out = golden_run_inline(pass_annotation, "{}", NULL, &rep);
    ck_assert_str_eq(out,
                     "{\"annotations\":{\"io.brig.hardened\":\"brig/@VERSION@ policy=" GOLDEN_DIGEST
                     " mode=enforce\"}}");
    ck_assert_uint_eq(rep.n, 1);
    ck_assert_int_eq(rep.v[0].kind, BRIG_NOTE);
    ck_assert_str_eq(rep.v[0].pointer, "/annotations/io.brig.hardened");
    ck_assert_str_eq(rep.v[0].reason,
                     "brig/" BRIG_VERSION " policy=" GOLDEN_DIGEST " mode=enforce");
    brig_report_clear(&rep);

    /* already current: no note at all, so the audit log does not repeat it */
    _cleanup_free_ char *cur =
        xasprintf("{\"annotations\":{\"io.brig.hardened\":\"brig/" BRIG_VERSION
                  " policy=" GOLDEN_DIGEST " mode=enforce\"}}");
    _cleanup_free_ char *out2 = golden_run_inline(pass_annotation, cur, NULL, &rep);
    ck_assert_uint_eq(rep.n, 0);
    brig_report_clear(&rep);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("pass_annotation");
    TCase *tc = tcase_create("pass_annotation");
    tcase_add_test(tc, test_golden);
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_value_and_report);
    suite_add_tcase(s, tc);
    return tu_run(s);
}
