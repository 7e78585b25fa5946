/* SPDX-License-Identifier: GPL-2.0-or-later */
/* User pass: uid 0 and gid 0 become the policy's unprivileged identity, gid 0
 * leaves additionalGids, and ids that are not unsigned 32-bit integers are
 * errors naming the field and the value found. */
#include "golden.h"

static void setup_policy(const char *name, BrigPolicy *p)
{
    if (strstr(name, "allow-root"))
        p->allow_root = true;
    if (strstr(name, "policy-uid-1234")) {
        p->uid = 1234;
        p->gid = 1234;
    }
}

START_TEST(test_golden)
{
    ck_assert_uint_ge(golden_run_dir("user", pass_user, setup_policy), 8);
}
END_TEST

START_TEST(test_errors)
{
    golden_assert_error(pass_user, "{\"process\":{\"user\":{\"uid\":\"0\"}}}",
                        "/process/user/uid: expected an unsigned 32-bit integer, found string "
                        "\"0\"");
    golden_assert_error(pass_user, "{\"process\":{\"user\":{\"uid\":-1}}}",
                        "/process/user/uid: expected an unsigned 32-bit integer, found number -1");
    golden_assert_error(pass_user, "{\"process\":{\"user\":{\"uid\":4294967296}}}",
                        "/process/user/uid: expected an unsigned 32-bit integer, found number "
                        "4294967296");
    /* 0.0 and 0e0 are zero to Go, but brig does not guess: refused */
    golden_assert_error(pass_user, "{\"process\":{\"user\":{\"uid\":1000,\"gid\":0.0}}}",
                        "/process/user/gid: expected an unsigned 32-bit integer, found number 0.0");
    golden_assert_error(pass_user, "{\"process\":{\"user\":{\"uid\":0e0}}}",
                        "/process/user/uid: expected an unsigned 32-bit integer, found number 0e0");
    golden_assert_error(pass_user, "{\"process\":{\"user\":{\"uid\":null}}}",
                        "/process/user/uid: expected an unsigned 32-bit integer, found null");
    golden_assert_error(pass_user, "{\"process\":{\"user\":{\"uid\":true}}}",
                        "/process/user/uid: expected an unsigned 32-bit integer, found true");
    golden_assert_error(pass_user,
                        "{\"process\":{\"user\":{\"uid\":\"0000000000000000000000000000000000000000"
                        "000000\"}}}",
                        "/process/user/uid: expected an unsigned 32-bit integer, found a string of "
                        "46 bytes");
    golden_assert_error(
        pass_user, "{\"process\":{\"user\":{\"uid\":1,\"gid\":1,\"additionalGids\":[5,\"0\"]}}}",
        "/process/user/additionalGids/1: expected an unsigned 32-bit integer, "
        "found string \"0\"");
    golden_assert_error(pass_user, "{\"process\":{\"user\":{\"additionalGids\":0}}}",
                        "/process/user/additionalGids: expected an array, found number");
    golden_assert_error(pass_user, "{\"process\":{\"user\":[]}}",
                        "/process/user: expected an object, found array");
    golden_assert_error(pass_user, "{\"process\":[]}", "/process: expected an object, found array");
}
END_TEST

START_TEST(test_report)
{
    BrigReport rep = {0};
    _cleanup_free_ char *out = golden_run_inline(
        pass_user, "{\"process\":{\"user\":{\"uid\":0,\"gid\":0,\"additionalGids\":[0,10]}}}", NULL,
        &rep);
    ck_assert_str_eq(out, "{\"process\":{\"user\":{\"uid\":65534,\"gid\":65534,"
                          "\"additionalGids\":[10]}}}");
    ck_assert_uint_eq(rep.n, 3);
    _cleanup_free_ char *src = golden_policy_source();
    _cleanup_free_ char *why_uid = xasprintf("uid 0 is not allowed by %s; running as 65534", src);
    _cleanup_free_ char *why_gid = xasprintf("gid 0 is not allowed by %s; running as 65534", src);
    _cleanup_free_ char *why_sup = xasprintf("supplementary group 0 is not allowed by %s", src);
    ck_assert_str_eq(rep.v[0].pointer, "/process/user/uid");
    ck_assert_str_eq(rep.v[0].before, "0");
    ck_assert_str_eq(rep.v[0].after, "65534");
    ck_assert_str_eq(rep.v[0].reason, why_uid);
    ck_assert_str_eq(rep.v[1].pointer, "/process/user/gid");
    ck_assert_str_eq(rep.v[1].reason, why_gid);
    ck_assert_str_eq(rep.v[2].pointer, "/process/user/additionalGids");
    ck_assert_str_eq(rep.v[2].before, "[0,10]");
    ck_assert_str_eq(rep.v[2].after, "[10]");
    ck_assert_str_eq(rep.v[2].reason, why_sup);
    brig_report_clear(&rep);

    /* an absent uid is root to the runtime: recorded as added, not changed */
    _cleanup_free_ char *out2 = golden_run_inline(pass_user, "{\"process\":{}}", NULL, &rep);
    ck_assert_str_eq(out2, "{\"process\":{\"user\":{\"uid\":65534,\"gid\":65534}}}");
    ck_assert_uint_eq(rep.n, 2);
    ck_assert_ptr_null(rep.v[0].before);
    brig_report_clear(&rep);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("pass_user");
    TCase *tc = tcase_create("pass_user");
    tcase_add_test(tc, test_golden);
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_report);
    suite_add_tcase(s, tc);
    return tu_run(s);
}
