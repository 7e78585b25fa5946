/* SPDX-License-Identifier: GPL-2.0-or-later */
/* noNewPrivileges is always true afterwards, whatever it was. */
#include "golden.h"

START_TEST(test_golden)
{
    ck_assert_uint_ge(golden_run_dir("no_new_privileges", pass_no_new_privileges, NULL), 4);
}
END_TEST

START_TEST(test_errors)
{
    golden_assert_error(pass_no_new_privileges, "{\"process\":{\"noNewPrivileges\":\"false\"}}",
                        "/process/noNewPrivileges: expected a boolean, found string");
    golden_assert_error(pass_no_new_privileges, "{\"process\":{\"noNewPrivileges\":0}}",
                        "/process/noNewPrivileges: expected a boolean, found number");
    golden_assert_error(pass_no_new_privileges, "{\"process\":true}",
                        "/process: expected an object, found boolean");
}
END_TEST

START_TEST(test_report)
{
    BrigReport rep = {0};
    _cleanup_free_ char *out =
        golden_run_inline(pass_no_new_privileges,
                          "{\"process\":{\"noNewPrivileges\":false,\"args\":[]}}", NULL, &rep);
    /* replaced in place, not moved to the end */
    ck_assert_str_eq(out, "{\"process\":{\"noNewPrivileges\":true,\"args\":[]}}");
    ck_assert_uint_eq(rep.n, 1);
    ck_assert_str_eq(rep.v[0].pointer, "/process/noNewPrivileges");
    ck_assert_str_eq(rep.v[0].before, "false");
    ck_assert_str_eq(rep.v[0].after, "true");
    brig_report_clear(&rep);
    /* a duplicated key is the spec pass's to refuse (test_harden.c) */
}
END_TEST

int main(void)
{
    Suite *s = suite_create("pass_no_new_privileges");
    TCase *tc = tcase_create("pass_no_new_privileges");
    tcase_add_test(tc, test_golden);
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_report);
    suite_add_tcase(s, tc);
    return tu_run(s);
}
