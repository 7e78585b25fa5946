/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Limits pass: oomScoreAdj raised to the policy's floor, rlimits lowered to
 * its ceilings, values read as runc reads them and refused where crun reads
 * them otherwise. */
#include "golden.h"

static void setup_policy(const char *name, BrigPolicy *p)
{
    /* the grant brig-policy(5) documents for Kubernetes */
    if (strstr(name, "k8s"))
        p->oom_score_adj_min = -998;
}

START_TEST(test_golden)
{
    ck_assert_uint_ge(golden_run_dir("pass_limits", pass_limits, setup_policy), 9);
}
END_TEST

START_TEST(test_errors)
{
    golden_assert_error(pass_limits, "{\"process\":{\"oomScoreAdj\":-1001}}",
                        "/process/oomScoreAdj: expected an integer from -1000 to 1000 (the "
                        "kernel's range), found number -1001");
    golden_assert_error(pass_limits, "{\"process\":{\"oomScoreAdj\":-1.5e2}}",
                        "/process/oomScoreAdj: expected an integer from -1000 to 1000 (the "
                        "kernel's range), found number -1.5e2");
    golden_assert_error(pass_limits, "{\"process\":{\"oomScoreAdj\":null}}",
                        "/process/oomScoreAdj: expected a number, found null");
    golden_assert_error(pass_limits, "{\"process\":{\"oomScoreAdj\":\"-1000\"}}",
                        "/process/oomScoreAdj: expected a number, found string");
    golden_assert_error(pass_limits, "{\"process\":{\"rlimits\":{}}}",
                        "/process/rlimits: expected an array, found object");
    golden_assert_error(pass_limits, "{\"process\":{\"rlimits\":[1]}}",
                        "/process/rlimits/0: expected an object, found number");
    golden_assert_error(
        pass_limits,
        "{\"process\":{\"rlimits\":[{\"type\":\"RLIMIT_FOO\",\"hard\":1,\"soft\":1}]}}",
        "/process/rlimits/0/type: expected an rlimit name such as RLIMIT_NOFILE, found string "
        "\"RLIMIT_FOO\"; runc and crun refuse any other");
    golden_assert_error(
        pass_limits,
        "{\"process\":{\"rlimits\":[{\"type\":\"rlimit_nofile\",\"hard\":1,\"soft\":1}]}}",
        "/process/rlimits/0/type: expected an rlimit name such as RLIMIT_NOFILE, found string "
        "\"rlimit_nofile\"; runc and crun refuse any other");
    golden_assert_error(pass_limits, "{\"process\":{\"rlimits\":[{\"hard\":1,\"soft\":1}]}}",
                        "/process/rlimits/0/type: expected an rlimit name such as RLIMIT_NOFILE, "
                        "found nothing; runc and crun refuse any other");
    /* crun reads -1 as unlimited; runc refuses it */
    golden_assert_error(
        pass_limits,
        "{\"process\":{\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":-1,\"soft\":1}]}}",
        "/process/rlimits/0/hard: expected an integer from 0 to 18446744073709551615 (unlimited), "
        "found number -1; crun would read a negative value as unlimited and runc refuses it");
    golden_assert_error(
        pass_limits,
        "{\"process\":{\"rlimits\":[{\"type\":\"RLIMIT_CORE\",\"hard\":1,\"soft\":"
        "18446744073709551616}]}}",
        "/process/rlimits/0/soft: expected an integer from 0 to 18446744073709551615 (unlimited), "
        "found number 18446744073709551616; crun would read a negative value as unlimited and "
        "runc refuses it");
    golden_assert_error(
        pass_limits,
        "{\"process\":{\"rlimits\":[{\"type\":\"RLIMIT_CORE\",\"hard\":\"1\",\"soft\":1}]}}",
        "/process/rlimits/0/hard: expected a number, found string");
}
END_TEST

START_TEST(test_report)
{
    _cleanup_free_ char *src = golden_policy_source();
    BrigReport rep = {0};
    _cleanup_free_ char *out = golden_run_inline(
        pass_limits,
        "{\"process\":{\"oomScoreAdj\":-1000,\"rlimits\":[{\"type\":\"RLIMIT_MEMLOCK\",\"hard\":"
        "18446744073709551615,\"soft\":65536}]}}",
        NULL, &rep);
    ck_assert_str_eq(out,
                     "{\"process\":{\"oomScoreAdj\":0,\"rlimits\":[{\"type\":\"RLIMIT_MEMLOCK\","
                     "\"hard\":8388608,\"soft\":65536}]}}");
    ck_assert_uint_eq(rep.n, 2);
    ck_assert_str_eq(rep.v[0].pointer, "/process/oomScoreAdj");
    ck_assert_str_eq(rep.v[0].before, "-1000");
    ck_assert_str_eq(rep.v[0].after, "0");
    _cleanup_free_ char *w0 =
        xasprintf("an oom_score_adj of -1000 would have the OOM killer take the host's own "
                  "processes before this container's; %s sets a floor of 0 (oomScoreAdjMin)",
                  src);
    ck_assert_str_eq(rep.v[0].reason, w0);
    ck_assert_str_eq(rep.v[1].pointer, "/process/rlimits/0/hard");
    _cleanup_free_ char *w1 = xasprintf("RLIMIT_MEMLOCK hard limit unlimited is above the ceiling "
                                        "of 8388608 that %s sets (rlimits)",
                                        src);
    ck_assert_str_eq(rep.v[1].reason, w1);
    brig_report_clear(&rep);
}
END_TEST

/* exec --process files get the same treatment, pointers from the file's root */
START_TEST(test_process_file)
{
    BrigCtx ctx;
    BrigHost host;
    BrigPolicy *policy;
    tu_ctx(&ctx, &host, &policy);
    golden_pin_policy(policy);
    _cleanup_(brig_json_freep) BrigJson *proc = tu_parse(
        "{\"args\":[\"sh\"],\"oomScoreAdj\":-500,\"rlimits\":[{\"type\":\"RLIMIT_RTPRIO\",\"hard\":"
        "99,\"soft\":99}]}");
    BrigReport rep = {0};
    BrigError *err = NULL;
    ck_assert_int_eq(brig_harden_process(&ctx, proc, &rep, &err), 0);
    const BrigChange *o = NULL, *h = NULL, *s = NULL;
    for (size_t i = 0; i < rep.n; i++) {
        if (streq(rep.v[i].pointer, "/oomScoreAdj"))
            o = &rep.v[i];
        if (streq(rep.v[i].pointer, "/rlimits/0/hard"))
            h = &rep.v[i];
        if (streq(rep.v[i].pointer, "/rlimits/0/soft"))
            s = &rep.v[i];
    }
    ck_assert(o && h && s);
    ck_assert_str_eq(o->after, "0");
    ck_assert_str_eq(h->after, "0");
    ck_assert_str_eq(s->after, "0");
    brig_report_clear(&rep);
    brig_policy_free(policy);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("pass_limits");
    TCase *tc = tcase_create("pass_limits");
    tcase_add_test(tc, test_golden);
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_report);
    tcase_add_test(tc, test_process_file);
    suite_add_tcase(s, tc);
    return tu_run(s);
}
