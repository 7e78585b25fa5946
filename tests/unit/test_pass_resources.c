/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The resources pass: a pids limit for every container that has none. */

#define PASS pass_resources
#define DATA_DIR "pass_resources"
#include "passtest.h"

static const char *const golden[] = {"runc-spec", "unlimited", "zero", "kept", "absent"};

START_TEST(test_golden)
{
    check_golden(golden[_i]);
}
END_TEST

static char *limit_after(int64_t policy_limit, const char *json, size_t *ret_changes)
{
    Run t;
    run_init(&t);
    t.policy->pids_limit = policy_limit;
    ck_assert_int_eq(run_pass(&t, json), 0);
    const BrigJson *l = brig_json_get_path(t.spec, "linux/resources/pids/limit");
    char *s = l ? tu_compact(l) : xstrdup("absent");
    *ret_changes = t.rep.n;
    run_done(&t);
    return s;
}

/* The policy's limit fills in "none" and is a ceiling: a lower positive
 * limit is kept, a higher one lowered to it (4194304 is "no limit" in all
 * but name, and `update` may not raise the limit above it either). */
START_TEST(test_policy_limit)
{
    size_t n;
    _cleanup_free_ char *a = limit_after(300, "{}", &n);
    ck_assert_str_eq(a, "300");
    ck_assert_uint_eq(n, 1);
    _cleanup_free_ char *b = limit_after(300,
                                         "{\"linux\":{\"resources\":{\"pids\":{"
                                         "\"limit\":-1}}}}",
                                         &n);
    ck_assert_str_eq(b, "300");
    _cleanup_free_ char *c = limit_after(300,
                                         "{\"linux\":{\"resources\":{\"pids\":{"
                                         "\"limit\":null}}}}",
                                         &n);
    ck_assert_str_eq(c, "300");
    _cleanup_free_ char *d = limit_after(300,
                                         "{\"linux\":{\"resources\":{\"pids\":{"
                                         "\"limit\":20}}}}",
                                         &n);
    ck_assert_str_eq(d, "20");
    ck_assert_uint_eq(n, 0);
    _cleanup_free_ char *e = limit_after(300,
                                         "{\"linux\":{\"resources\":{\"pids\":{"
                                         "\"limit\":100000}}}}",
                                         &n);
    ck_assert_str_eq(e, "300");
    ck_assert_uint_eq(n, 1);
    _cleanup_free_ char *g = limit_after(300,
                                         "{\"linux\":{\"resources\":{\"pids\":{"
                                         "\"limit\":300}}}}",
                                         &n);
    ck_assert_str_eq(g, "300");
    ck_assert_uint_eq(n, 0);
    /* a policy without a limit (only possible in code: files require one)
     * leaves the config alone */
    _cleanup_free_ char *f = limit_after(0, "{}", &n);
    ck_assert_str_eq(f, "absent");
    ck_assert_uint_eq(n, 0);
}
END_TEST

START_TEST(test_report)
{
    Run t;
    run_init(&t);
    ck_assert_int_eq(run_pass(&t, "{\"linux\":{\"resources\":{\"pids\":{\"limit\":0}}}}"), 0);
    ck_assert_uint_eq(t.rep.n, 1);
    const BrigChange *c = change_at(&t.rep, "/linux/resources/pids/limit");
    ck_assert_ptr_nonnull(c);
    ck_assert_int_eq(c->kind, BRIG_FIX);
    ck_assert_str_eq(c->before, "0");
    ck_assert_str_eq(c->after, "4096");
    ck_assert_str_eq(c->reason, "a limit of 0 means none, and without one a fork bomb can exhaust "
                                "the host's processes; the built-in default policy sets 4096");
    run_done(&t);
}
END_TEST

START_TEST(test_wrong_types)
{
    assert_error("{\"linux\":{\"resources\":{\"pids\":{\"limit\":\"100\"}}}}",
                 "/linux/resources/pids/limit: expected an integer, found string \"100\"");
    assert_error("{\"linux\":{\"resources\":{\"pids\":{\"limit\":1e3}}}}",
                 "/linux/resources/pids/limit: expected an integer, found number 1e3");
    assert_error("{\"linux\":{\"resources\":{\"pids\":100}}}",
                 "/linux/resources/pids: expected an object, found number");
    assert_error("{\"linux\":{\"resources\":true}}",
                 "/linux/resources: expected an object, found boolean");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("pass_resources");
    TCase *tc = tcase_create("resources");
    tcase_add_loop_test(tc, test_golden, 0, ELEMENTSOF(golden));
    tcase_add_test(tc, test_policy_limit);
    tcase_add_test(tc, test_report);
    tcase_add_test(tc, test_wrong_types);
    suite_add_tcase(s, tc);
    return tu_run(s);
}
