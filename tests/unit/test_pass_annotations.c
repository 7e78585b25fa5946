/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The annotations pass: annotations a runtime acts on with host privileges
 * are removed, by key, without logging their values. */

#define PASS pass_annotations
#define DATA_DIR "pass_annotations"
#include "passtest.h"

static const char *const golden[] = {"podman-default", "risky"};

START_TEST(test_golden)
{
    check_golden(golden[_i]);
}
END_TEST

START_TEST(test_removed_by_key)
{
    Run t;
    run_init(&t);
    _cleanup_free_ char *in = tu_read_data("pass_annotations/risky.in.json", NULL);
    ck_assert_int_eq(run_pass(&t, in), 0);
    static const char *const removed[] = {
        "run.oci.seccomp.receiver",
        "run.oci.seccomp.plugins",
        "run.oci.handler",
        "run.oci.hooks.stdout",
        "run.oci.keep_original_groups",
        "run.oci.delegate-cgroup",
        "org.criu.config",
        "org.systemd.property.DeviceAllow",
        "org.systemd.property.Delegate",
    };
    ck_assert_uint_eq(t.rep.n, ELEMENTSOF(removed));
    const BrigJson *ann = brig_json_get(t.spec, "annotations");
    for (size_t i = 0; i < ELEMENTSOF(removed); i++) {
        _cleanup_free_ char *p = xasprintf("/annotations/%s", removed[i]);
        const BrigChange *c = change_at(&t.rep, p);
        ck_assert_msg(c != NULL, "%s not recorded", removed[i]);
        ck_assert_int_eq(c->kind, BRIG_FIX);
        ck_assert_ptr_null(c->after);
        ck_assert_ptr_nonnull(strstr(c->reason, removed[i]));
        ck_assert_ptr_null(brig_json_get(ann, removed[i]));
    }
    /* values never reach the report */
    for (size_t i = 0; i < t.rep.n; i++) {
        const BrigChange *c = &t.rep.v[i];
        ck_assert_str_eq(c->before, "\"<not logged>\"");
        ck_assert_ptr_null(strstr(c->reason, "evil.so"));
        ck_assert_ptr_null(strstr(c->reason, "/etc/shadow"));
        ck_assert_ptr_null(strstr(c->reason, "char-*"));
    }
    run_done(&t);
}
END_TEST

/* Keys are escaped in pointers; absent annotations stay absent. */
START_TEST(test_pointer_escape_and_absent)
{
    Run t;
    run_init(&t);
    ck_assert_int_eq(run_pass(&t, "{\"annotations\":{\"run.oci.a/b~c\":\"x\"}}"), 0);
    ck_assert_ptr_nonnull(change_at(&t.rep, "/annotations/run.oci.a~1b~0c"));
    _cleanup_free_ char *out = tu_compact(t.spec);
    ck_assert_str_eq(out, "{\"annotations\":{}}");
    brig_report_clear(&t.rep);
    ck_assert_int_eq(run_pass(&t, "{\"ociVersion\":\"1.2.0\"}"), 0);
    _cleanup_free_ char *out2 = tu_compact(t.spec);
    ck_assert_str_eq(out2, "{\"ociVersion\":\"1.2.0\"}");
    ck_assert_uint_eq(t.rep.n, 0);
    run_done(&t);
}
END_TEST

/* The crun annotations brig keeps are kept only with a checked value. */
START_TEST(test_crun_safe_values)
{
    static const struct {
        const char *key, *value;
        bool kept;
    } t[] = {
        {"run.oci.systemd.subgroup", "container", true},
        {"run.oci.systemd.subgroup", "../..", false},
        {"run.oci.systemd.subgroup", "..", false},
        {"run.oci.systemd.subgroup", "a/b", false},
        {"run.oci.systemd.subgroup", "", false},
        {"run.oci.mount_context_type", "context", true},
        {"run.oci.mount_context_type", "context,rw", false},
        {"run.oci.timens_offset", "monotonic 10 0\\nboottime -5 1", true},
        {"run.oci.timens_offset", "realtime 10 0", false},
        {"run.oci.seccomp_fail_unknown_syscall", "1", true},
    };
    for (size_t i = 0; i < ELEMENTSOF(t); i++) {
        Run r;
        run_init(&r);
        _cleanup_free_ char *in =
            xasprintf("{\"annotations\":{\"%s\":\"%s\"}}", t[i].key, t[i].value);
        ck_assert_int_eq(run_pass(&r, in), 0);
        const BrigJson *ann = brig_json_get(r.spec, "annotations");
        ck_assert_msg((brig_json_get(ann, t[i].key) != NULL) == t[i].kept, "%s=%s", t[i].key,
                      t[i].value);
        ck_assert_uint_eq(r.rep.n, t[i].kept ? 0 : 1);
        run_done(&r);
    }
}
END_TEST

START_TEST(test_wrong_types)
{
    assert_error("{\"annotations\":[]}", "/annotations: expected an object, found array");
    assert_error("{\"annotations\":\"run.oci.handler=krun\"}",
                 "/annotations: expected an object, found string");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("pass_annotations");
    TCase *tc = tcase_create("annotations");
    tcase_add_loop_test(tc, test_golden, 0, ELEMENTSOF(golden));
    tcase_add_test(tc, test_removed_by_key);
    tcase_add_test(tc, test_pointer_escape_and_absent);
    tcase_add_test(tc, test_wrong_types);
    tcase_add_test(tc, test_crun_safe_values);
    suite_add_tcase(s, tc);
    return tu_run(s);
}
