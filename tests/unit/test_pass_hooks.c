/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The hooks pass: OCI hooks are kept and noted by default; a policy with an
 * allow-list removes the others. */

#define PASS pass_hooks
#define DATA_DIR "pass_hooks"
#include "passtest.h"

static const char *const golden[] = {"docker-nvidia", "docker-plain", "none"};

START_TEST(test_golden)
{
    check_golden(golden[_i]);
}
END_TEST

/* Default policy: every hook stays and gets one note (path, argument count),
 * including Docker's libnetwork-setkey prestart hook its networking needs.
 * Notes are the audit trail of each start, so a second run notes again, but
 * never fixes anything. */
START_TEST(test_default_notes)
{
    Run t;
    run_init(&t);
    _cleanup_free_ char *in = tu_read_data("pass_hooks/docker-nvidia.in.json", NULL);
    ck_assert_int_eq(run_pass(&t, in), 0);
    ck_assert_uint_eq(t.rep.n, 4);
    ck_assert_uint_eq(brig_report_count(&t.rep, BRIG_NOTE), 4);
    const BrigChange *c = change_at(&t.rep, "/hooks/prestart/0");
    ck_assert_ptr_nonnull(c);
    ck_assert_str_eq(c->reason, "prestart hook /proc/4242/exe (4 arguments) runs on the host as "
                                "root; kept: OCI hooks are logged, not removed, by the built-in "
                                "default policy");
    c = change_at(&t.rep, "/hooks/createRuntime/0");
    ck_assert_ptr_nonnull(c);
    ck_assert_ptr_nonnull(strstr(c->reason, "oci-seccomp-bpf-hook (2 arguments)"));
    /* arguments are not logged */
    for (size_t i = 0; i < t.rep.n; i++)
        ck_assert_ptr_null(strstr(t.rep.v[i].reason, "libnetwork-setkey"));
    ck_assert_uint_eq(brig_json_get_path(t.spec, "hooks/prestart")->n, 2);
    run_done(&t);
}
END_TEST

/* Restricted: only allowed paths (globs never cross "/") survive; the
 * removed hook is recorded without its environment. */
START_TEST(test_restricted)
{
    Run t;
    run_init(&t);
    t.policy->hooks_restricted = true;
    strv_free(t.policy->hooks_allowed);
    t.policy->hooks_allowed =
        strv_of("/usr/bin/nvidia-container-runtime-hook", "/usr/libexec/oci/hooks.d/*", NULL);
    ck_assert_int_eq(run_pass(&t,
                              "{\"hooks\":{\"prestart\":["
                              "{\"path\":\"/proc/4242/exe\",\"args\":[\"libnetwork-setkey\"],"
                              "\"env\":[\"VAULT_TOKEN=s.hunter2\"]},"
                              "{\"path\":\"/usr/bin/nvidia-container-runtime-hook\"}],"
                              "\"createRuntime\":[{\"path\":\"/usr/libexec/oci/hooks.d/sub/x\"},"
                              "{\"path\":\"/usr/libexec/oci/hooks.d/y\"}]}}"),
                     0);
    _cleanup_free_ char *out = tu_compact(brig_json_get(t.spec, "hooks"));
    ck_assert_str_eq(out, "{\"prestart\":[{\"path\":\"/usr/bin/nvidia-container-runtime-hook\"}],"
                          "\"createRuntime\":[{\"path\":\"/usr/libexec/oci/hooks.d/y\"}]}");
    ck_assert_uint_eq(brig_report_count(&t.rep, BRIG_FIX), 2);
    ck_assert_uint_eq(brig_report_count(&t.rep, BRIG_NOTE), 2);
    const BrigChange *c = change_at(&t.rep, "/hooks/prestart/0");
    ck_assert_ptr_nonnull(c);
    ck_assert_int_eq(c->kind, BRIG_FIX);
    ck_assert_str_eq(c->before, "{\"path\":\"/proc/4242/exe\",\"args\":[\"libnetwork-setkey\"]}");
    ck_assert_ptr_null(c->after);
    ck_assert_str_eq(c->reason, "prestart hook /proc/4242/exe would run on the host as root and is "
                                "not in the hooks allowed by the built-in default policy");
    for (size_t i = 0; i < t.rep.n; i++) {
        ck_assert_ptr_null(strstr(t.rep.v[i].reason, "hunter2"));
        ck_assert(!t.rep.v[i].before || !strstr(t.rep.v[i].before, "hunter2"));
    }
    /* hooks.d/sub/x is removed: the glob's "*" does not cross "/" */
    c = change_at(&t.rep, "/hooks/createRuntime/0");
    ck_assert_ptr_nonnull(c);
    ck_assert_int_eq(c->kind, BRIG_FIX);

    /* idempotent: the second run removes nothing */
    brig_report_clear(&t.rep);
    _cleanup_free_ char *before = tu_compact(t.spec);
    ck_assert_int_eq(run_pass(&t, NULL), 0);
    _cleanup_free_ char *after = tu_compact(t.spec);
    ck_assert_str_eq(before, after);
    ck_assert_uint_eq(brig_report_count(&t.rep, BRIG_FIX), 0);
    run_done(&t);
}
END_TEST

/* Restricted with an empty allow-list removes every hook. */
START_TEST(test_restricted_empty)
{
    Run t;
    run_init(&t);
    t.policy->hooks_restricted = true;
    ck_assert_int_eq(run_pass(&t, "{\"hooks\":{\"poststop\":[{\"path\":\"/bin/true\"}]}}"), 0);
    _cleanup_free_ char *out = tu_compact(t.spec);
    ck_assert_str_eq(out, "{\"hooks\":{\"poststop\":[]}}");
    ck_assert_uint_eq(t.rep.n, 1);
    run_done(&t);
}
END_TEST

START_TEST(test_wrong_types)
{
    assert_error("{\"hooks\":[]}", "/hooks: expected an object, found array");
    assert_error("{\"hooks\":{\"prestart\":{}}}",
                 "/hooks/prestart: expected an array, found object");
    assert_error("{\"hooks\":{\"poststart\":[\"/bin/true\"]}}",
                 "/hooks/poststart/0: expected an object, found string");
    assert_error("{\"hooks\":{\"poststop\":[{\"args\":[]}]}}",
                 "/hooks/poststop/0/path: expected a string, found nothing");
    assert_error("{\"hooks\":{\"createContainer\":[{\"path\":\"/x\",\"args\":\"-v\"}]}}",
                 "/hooks/createContainer/0/args: expected an array, found string");
    assert_error("{\"hooks\":{\"startContainer\":[{\"path\":\"/x\",\"env\":[1]}]}}",
                 "/hooks/startContainer/0/env/0: expected a string, found number");
    assert_error("{\"hooks\":{\"createRuntime\":[{\"path\":\"/x\",\"timeout\":\"5\"}]}}",
                 "/hooks/createRuntime/0/timeout: expected a number, found string");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("pass_hooks");
    TCase *tc = tcase_create("hooks");
    tcase_add_loop_test(tc, test_golden, 0, ELEMENTSOF(golden));
    tcase_add_test(tc, test_default_notes);
    tcase_add_test(tc, test_restricted);
    tcase_add_test(tc, test_restricted_empty);
    tcase_add_test(tc, test_wrong_types);
    suite_add_tcase(s, tc);
    return tu_run(s);
}
