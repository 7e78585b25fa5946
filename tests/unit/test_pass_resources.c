/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The resources pass: a pids limit for every container that has none. */
#include <stdarg.h>

#include "passes/passes.h"
#include "testutil.h"

#define PASS pass_resources
#define DATA_DIR "pass_resources"

/* ---- harness shared by the pass suites (kept per file: each suite is its
 * own program) ---- */
typedef struct {
    BrigCtx ctx;
    BrigHost host;
    BrigPolicy *policy;
    BrigReport rep;
    BrigJson *spec;
    BrigError *err;
} Run;

static void run_init(Run *t)
{
    memset(t, 0, sizeof(*t));
    tu_ctx(&t->ctx, &t->host, &t->policy);
}

/* Parses json into t->spec and runs the pass once more over it. */
static int run_pass(Run *t, const char *json)
{
    if (json) {
        brig_json_free(t->spec);
        t->spec = tu_parse(json);
    }
    return PASS(&t->ctx, t->spec, &t->rep, &t->err);
}

static void run_done(Run *t)
{
    brig_report_clear(&t->rep);
    brig_json_free(t->spec);
    brig_policy_free(t->policy);
    brig_error_free(t->err);
}

static _unused_ const BrigChange *change_at(const BrigReport *rep, const char *pointer)
{
    for (size_t i = 0; i < rep->n; i++)
        if (streq(rep->v[i].pointer, pointer))
            return &rep->v[i];
    return NULL;
}

static _unused_ char **strv_of(const char *s, ...)
{
    char **v = xcalloc(8, sizeof(char *));
    size_t n = 0;
    va_list ap;
    va_start(ap, s);
    for (const char *a = s; a && n < 7; a = va_arg(ap, const char *))
        v[n++] = xstrdup(a);
    va_end(ap);
    return v;
}

static _unused_ void assert_error(const char *json, const char *msg)
{
    Run t;
    run_init(&t);
    ck_assert_int_lt(run_pass(&t, json), 0);
    ck_assert_ptr_nonnull(t.err);
    ck_assert_str_eq(t.err->msg, msg);
    run_done(&t);
}

/* Golden pair: the pass turns NAME.in.json into NAME.out.json (pretty, plus a
 * final newline); running it again over the output changes no byte and
 * records no fix, and refuses exactly what it refused the first time. */
static void check_golden(const char *name)
{
    _cleanup_free_ char *inp = xasprintf("%s/%s.in.json", DATA_DIR, name);
    _cleanup_free_ char *outp = xasprintf("%s/%s.out.json", DATA_DIR, name);
    _cleanup_free_ char *in = tu_read_data(inp, NULL);
    size_t want_len;
    _cleanup_free_ char *want = tu_read_data(outp, &want_len);
    ck_assert(want_len > 0 && want[want_len - 1] == '\n');
    want[--want_len] = '\0';

    Run t;
    run_init(&t);
    ck_assert_int_eq(run_pass(&t, in), 0);
    _cleanup_free_ char *once = brig_json_serialize(t.spec, BRIG_JSON_PRETTY, NULL);
    ck_assert_str_eq(once, want);
    size_t refused = brig_report_count(&t.rep, BRIG_REFUSE);

    brig_report_clear(&t.rep);
    ck_assert_int_eq(run_pass(&t, once), 0);
    _cleanup_free_ char *twice = brig_json_serialize(t.spec, BRIG_JSON_PRETTY, NULL);
    ck_assert_str_eq(twice, once);
    ck_assert_uint_eq(brig_report_count(&t.rep, BRIG_FIX), 0);
    ck_assert_uint_eq(brig_report_count(&t.rep, BRIG_REFUSE), refused);
    run_done(&t);
}
/* ---- end of harness ---- */

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

/* The policy's limit fills in "none", and never replaces a positive limit,
 * lower or higher: it is the default, not a ceiling. */
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
    ck_assert_str_eq(e, "100000");
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
