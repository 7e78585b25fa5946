/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The devices pass: only the default devices, a leading deny-all in the
 * device cgroup, and never an allow rule the input did not have. */

#define PASS pass_devices
#define DATA_DIR "pass_devices"
#include "passtest.h"

static const char *const golden[] = {
    "podman-privileged", "docker-privileged", "docker-default", "disguised", "empty", "console",
};

START_TEST(test_golden)
{
    check_golden(golden[_i]);
}
END_TEST

/* docker --privileged (as Podman writes it): 102 host devices and an
 * allow-all rule become the default devices behind a deny-all. */
START_TEST(test_privileged)
{
    Run t;
    run_init(&t);
    _cleanup_free_ char *in = tu_read_data("pass_devices/podman-privileged.in.json", NULL);
    ck_assert_int_eq(run_pass(&t, in), 0);
    const BrigJson *devs = brig_json_get_path(t.spec, "linux/devices"), *d;
    ck_assert_uint_eq(devs->n, 7);
    BRIG_JSON_FOREACH (d, devs) {
        const char *path = brig_json_str(brig_json_get(d, "path"));
        ck_assert_msg(streq(path, "/dev/full") || streq(path, "/dev/null") ||
                          streq(path, "/dev/ptmx") || streq(path, "/dev/random") ||
                          streq(path, "/dev/tty") || streq(path, "/dev/urandom") ||
                          streq(path, "/dev/zero"),
                      "kept %s", path);
    }
    _cleanup_free_ char *rules = tu_compact(brig_json_get_path(t.spec, "linux/resources/devices"));
    /* the default devices the allow-all rule covered stay allowed, explicitly */
    ck_assert_str_eq(rules,
                     "[{\"allow\":false,\"access\":\"rwm\"},"
                     "{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":3,\"access\":\"rw\"},"
                     "{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":5,\"access\":\"rw\"},"
                     "{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":7,\"access\":\"rw\"},"
                     "{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":8,\"access\":\"rw\"},"
                     "{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":9,\"access\":\"rw\"},"
                     "{\"allow\":true,\"type\":\"c\",\"major\":5,\"minor\":0,\"access\":\"rw\"},"
                     "{\"allow\":true,\"type\":\"c\",\"major\":5,\"minor\":2,\"access\":\"rw\"},"
                     "{\"allow\":true,\"type\":\"c\",\"major\":136,\"access\":\"rw\"}]");
    ck_assert_uint_eq(brig_report_count(&t.rep, BRIG_FIX), 102 - 7 + 2 + 8);
    const BrigChange *c = change_at(&t.rep, "/linux/devices/0");
    ck_assert_ptr_nonnull(c);
    ck_assert_str_eq(c->reason, "device /dev/autofs (c 10:235) is not one runc gives every "
                                "container; the built-in default policy grants no more (policy "
                                "\"devices\": [\"c 10:235\"])");
    run_done(&t);
}
END_TEST

/* A default device name with another device number is the other device. */
START_TEST(test_disguised_default)
{
    Run t;
    run_init(&t);
    ck_assert_int_eq(run_pass(&t, "{\"linux\":{\"devices\":[{\"path\":\"/dev/null\",\"type\":\"c\","
                                  "\"major\":1,\"minor\":1},{\"path\":\"/dev/zero\",\"type\":\"c\","
                                  "\"major\":1,\"minor\":5}]}}"),
                     0);
    _cleanup_free_ char *devs = tu_compact(brig_json_get_path(t.spec, "linux/devices"));
    ck_assert_str_eq(devs, "[{\"path\":\"/dev/zero\",\"type\":\"c\",\"major\":1,\"minor\":5}]");
    ck_assert_ptr_nonnull(change_at(&t.rep, "/linux/devices/0"));
    run_done(&t);
}
END_TEST

/* Never widens: every allow rule in the output was in the input, in the same
 * relative order, and a deny-all comes first; deny rules all survive. */
START_TEST(test_never_widens)
{
    const char *json = "{\"linux\":{\"resources\":{\"devices\":["
                       "{\"allow\":true,\"type\":\"c\",\"major\":5,\"minor\":0,\"access\":\"rw\"},"
                       "{\"allow\":false,\"type\":\"c\",\"major\":1,\"minor\":3,\"access\":\"w\"},"
                       "{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":3,\"access\":\"r\"},"
                       "{\"allow\":true,\"type\":\"c\",\"major\":4,\"access\":\"rwm\"},"
                       "{\"allow\":true,\"type\":\"b\",\"major\":1,\"minor\":3,\"access\":\"r\"}"
                       "]}}}";
    Run t;
    run_init(&t);
    ck_assert_int_eq(run_pass(&t, json), 0);
    _cleanup_free_ char *rules = tu_compact(brig_json_get_path(t.spec, "linux/resources/devices"));
    ck_assert_str_eq(rules, "[{\"allow\":false,\"access\":\"rwm\"},"
                            "{\"allow\":true,\"type\":\"c\",\"major\":5,\"minor\":0,\"access\":"
                            "\"rw\"},"
                            "{\"allow\":false,\"type\":\"c\",\"major\":1,\"minor\":3,\"access\":"
                            "\"w\"},"
                            "{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":3,\"access\":"
                            "\"r\"}]");
    ck_assert_uint_eq(brig_report_count(&t.rep, BRIG_FIX), 3);
    run_done(&t);
}
END_TEST

/* A deny-all already first, in any spelling, is not duplicated. */
START_TEST(test_deny_all_spellings)
{
    static const char *const denies[] = {
        "{\"allow\":false,\"access\":\"rwm\"}",
        "{\"allow\":false,\"type\":\"a\",\"access\":\"mrw\"}",
        "{\"allow\":false,\"type\":\"a\",\"major\":-1,\"minor\":-1,\"access\":\"rwm\"}",
    };
    for (size_t i = 0; i < ELEMENTSOF(denies); i++) {
        Run t;
        run_init(&t);
        _cleanup_free_ char *json =
            xasprintf("{\"linux\":{\"resources\":{\"devices\":[%s]}}}", denies[i]);
        ck_assert_int_eq(run_pass(&t, json), 0);
        ck_assert_msg(t.rep.n == 0, "%s", denies[i]);
        run_done(&t);
    }
    /* not deny-all: one type only, or not every access */
    static const char *const partial[] = {
        "{\"allow\":false,\"type\":\"c\",\"access\":\"rwm\"}",
        "{\"allow\":false,\"access\":\"rw\"}",
    };
    for (size_t i = 0; i < ELEMENTSOF(partial); i++) {
        Run t;
        run_init(&t);
        _cleanup_free_ char *json =
            xasprintf("{\"linux\":{\"resources\":{\"devices\":[%s]}}}", partial[i]);
        ck_assert_int_eq(run_pass(&t, json), 0);
        ck_assert_msg(t.rep.n == 1, "%s", partial[i]);
        ck_assert_uint_eq(brig_json_get_path(t.spec, "linux/resources/devices")->n, 2);
        run_done(&t);
    }
}
END_TEST

/* /dev/console c 5:1 is the host's console (issue 13, row 7): runc gives a
 * container its own pty there, so neither the node nor a rule is kept. */
START_TEST(test_console_removed)
{
    Run t;
    run_init(&t);
    ck_assert_int_eq(
        run_pass(&t,
                 "{\"linux\":{\"devices\":[{\"path\":\"/dev/console\",\"type\":\"c\","
                 "\"major\":5,\"minor\":1}],\"resources\":{\"devices\":["
                 "{\"allow\":false,\"access\":\"rwm\"},"
                 "{\"allow\":true,\"type\":\"c\",\"major\":5,\"minor\":1,\"access\":\"rwm\"}]}}}"),
        0);
    _cleanup_free_ char *out = tu_compact(brig_json_get(t.spec, "linux"));
    ck_assert_str_eq(out, "{\"devices\":[],\"resources\":{\"devices\":[{\"allow\":false,"
                          "\"access\":\"rwm\"}]}}");
    run_done(&t);
}
END_TEST

/* A grant keeps its device under any path, with at most the granted
 * access; an allow-all that covered it becomes an explicit rule. */
START_TEST(test_grants)
{
    Run t;
    run_init(&t);
    t.policy->devices = (strv_free(t.policy->devices), strv_of("c 10:229 rw", "b 7:*", NULL));
    ck_assert_int_eq(
        run_pass(&t,
                 "{\"linux\":{\"devices\":["
                 "{\"path\":\"/dev/fuse\",\"type\":\"c\",\"major\":10,\"minor\":229},"
                 "{\"path\":\"/dev/loop3\",\"type\":\"b\",\"major\":7,\"minor\":3},"
                 "{\"path\":\"/dev/kvm\",\"type\":\"c\",\"major\":10,\"minor\":232}],"
                 "\"resources\":{\"devices\":["
                 "{\"allow\":true,\"type\":\"c\",\"major\":10,\"minor\":229,\"access\":\"rwm\"},"
                 "{\"allow\":true,\"type\":\"c\",\"major\":10,\"access\":\"rwm\"},"
                 "{\"allow\":true,\"access\":\"rwm\"}]}}}"),
        0);
    _cleanup_free_ char *devs = tu_compact(brig_json_get_path(t.spec, "linux/devices"));
    ck_assert_str_eq(devs, "[{\"path\":\"/dev/fuse\",\"type\":\"c\",\"major\":10,\"minor\":229},"
                           "{\"path\":\"/dev/loop3\",\"type\":\"b\",\"major\":7,\"minor\":3}]");
    _cleanup_free_ char *rules = tu_compact(brig_json_get_path(t.spec, "linux/resources/devices"));
    ck_assert_ptr_nonnull(strstr(rules, "[{\"allow\":false,\"access\":\"rwm\"},"
                                        "{\"allow\":true,\"type\":\"c\",\"major\":10,"
                                        "\"minor\":229,\"access\":\"rw\"},"));
    ck_assert_ptr_nonnull(strstr(rules, "{\"allow\":true,\"type\":\"b\",\"major\":7,"
                                        "\"access\":\"rw\"}"));
    ck_assert_ptr_null(strstr(rules, "232"));
    ck_assert_ptr_null(strstr(rules, "\"major\":10,\"access\""));
    run_done(&t);
}
END_TEST

START_TEST(test_wrong_types)
{
    assert_error("{\"linux\":{\"devices\":{}}}", "/linux/devices: expected an array, found object");
    assert_error("{\"linux\":{\"devices\":[\"/dev/null\"]}}",
                 "/linux/devices/0: expected an object, found string");
    assert_error(
        "{\"linux\":{\"devices\":[{\"path\":\"/dev/null\",\"type\":\"c\",\"major\":\"1\"}]}}",
        "/linux/devices/0/major: expected an integer, found string \"1\"");
    assert_error("{\"linux\":{\"devices\":[{\"path\":4}]}}",
                 "/linux/devices/0/path: expected a string, found number");
    assert_error("{\"linux\":{\"resources\":[]}}",
                 "/linux/resources: expected an object, found array");
    assert_error("{\"linux\":{\"resources\":{\"devices\":[{\"allow\":1,\"access\":\"rwm\"}]}}}",
                 "/linux/resources/devices/0/allow: expected true or false, found number 1");
    assert_error("{\"linux\":{\"resources\":{\"devices\":[{\"access\":\"rwm\"}]}}}",
                 "/linux/resources/devices/0/allow: expected true or false, found nothing");
    assert_error("{\"linux\":{\"resources\":{\"devices\":[{\"allow\":true,\"minor\":1.5}]}}}",
                 "/linux/resources/devices/0/minor: expected an integer, found number 1.5");
    assert_error("{\"linux\":{\"resources\":{\"devices\":[{\"allow\":true,\"type\":true}]}}}",
                 "/linux/resources/devices/0/type: expected a string, found boolean");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("pass_devices");
    TCase *tc = tcase_create("devices");
    tcase_add_loop_test(tc, test_golden, 0, ELEMENTSOF(golden));
    tcase_add_test(tc, test_privileged);
    tcase_add_test(tc, test_disguised_default);
    tcase_add_test(tc, test_never_widens);
    tcase_add_test(tc, test_deny_all_spellings);
    tcase_add_test(tc, test_console_removed);
    tcase_add_test(tc, test_grants);
    tcase_add_test(tc, test_wrong_types);
    suite_add_tcase(s, tc);
    return tu_run(s);
}
