/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The sysctls pass: the Kubernetes safe set plus the policy's grants, in a
 * private namespace only, in either separator spelling. */
#include <stdarg.h>

#include "passes/passes.h"
#include "testutil.h"

#define PASS pass_sysctls
#define DATA_DIR "pass_sysctls"

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

static const char *const golden[] = {"podman-default", "docker-plain", "mixed", "hostns"};

START_TEST(test_golden)
{
    check_golden(golden[_i]);
}
END_TEST

#define PRIVATE_NS "\"namespaces\":[{\"type\":\"network\"},{\"type\":\"ipc\"}]"

/* Each name of the safe set is kept, in dot and in slash form. */
START_TEST(test_safe_set_kept)
{
    static const char *const names[] = {
        "kernel.shm_rmid_forced",
        "net.ipv4.ip_local_port_range",
        "net.ipv4.tcp_syncookies",
        "net.ipv4.ping_group_range",
        "net.ipv4.ip_unprivileged_port_start",
        "net.ipv4.ip_local_reserved_ports",
        "net.ipv4.tcp_keepalive_time",
        "net.ipv4.tcp_fin_timeout",
        "net.ipv4.tcp_keepalive_intvl",
        "net.ipv4.tcp_keepalive_probes",
        "net.ipv4.tcp_rmem",
        "net.ipv4.tcp_wmem",
    };
    for (size_t i = 0; i < ELEMENTSOF(names); i++) {
        _cleanup_free_ char *slash = xstrdup(names[i]);
        for (char *c = slash; *c; c++)
            if (*c == '.')
                *c = '/';
        _cleanup_free_ char *json = xasprintf(
            "{\"linux\":{\"sysctl\":{\"%s\":\"1\",\"%s\":\"1\"}," PRIVATE_NS "}}", names[i], slash);
        Run t;
        run_init(&t);
        ck_assert_int_eq(run_pass(&t, json), 0);
        ck_assert_msg(t.rep.n == 0, "%s", names[i]);
        ck_assert_uint_eq(brig_json_get_path(t.spec, "linux/sysctl")->n, 2);
        run_done(&t);
    }
}
END_TEST

/* Policy grants: exact names and "prefix*", in either spelling; a slash in a
 * dot-form name is part of a component (an interface called eno2.100). */
START_TEST(test_policy_grants)
{
    Run t;
    run_init(&t);
    strv_free(t.policy->sysctls_allowed);
    t.policy->sysctls_allowed = strv_of("net.core.somaxconn", "net.ipv4.conf.*", "kernel/msgmax",
                                        "net/ipv6/conf/eno2.100/*", NULL);
    ck_assert_int_eq(run_pass(&t, "{\"linux\":{\"sysctl\":{"
                                  "\"net.core.somaxconn\":\"1024\","
                                  "\"net/core/somaxconn\":\"1024\","
                                  "\"net.ipv4.conf.all.rp_filter\":\"1\","
                                  "\"kernel.msgmax\":\"8192\","
                                  "\"net.ipv6.conf.eno2/100.accept_ra\":\"0\","
                                  "\"net.ipv6.conf.eno2.accept_ra\":\"0\","
                                  "\"net.core.rmem_max\":\"1\","
                                  "\"net.ipv4.conf.x/../../../kernel/core_pattern\":\"|/x\"},"
                                  "\"namespaces\":[{\"type\":\"network\"},{\"type\":\"ipc\"}]}}"),
                     0);
    _cleanup_free_ char *out = tu_compact(brig_json_get_path(t.spec, "linux/sysctl"));
    ck_assert_str_eq(out, "{\"net.core.somaxconn\":\"1024\",\"net/core/somaxconn\":\"1024\","
                          "\"net.ipv4.conf.all.rp_filter\":\"1\",\"kernel.msgmax\":\"8192\","
                          "\"net.ipv6.conf.eno2/100.accept_ra\":\"0\"}");
    ck_assert_uint_eq(brig_report_count(&t.rep, BRIG_FIX), 3);
    const BrigChange *c = change_at(&t.rep, "/linux/sysctl/net.core.rmem_max");
    ck_assert_ptr_nonnull(c);
    ck_assert_str_eq(c->before, "\"1\"");
    ck_assert_ptr_null(c->after);
    ck_assert_str_eq(c->reason, "net.core.rmem_max is neither in the Kubernetes safe set nor "
                                "allowed by the built-in default policy");
    /* "/" in a key is escaped in the pointer (RFC 6901) */
    ck_assert_ptr_nonnull(
        change_at(&t.rep, "/linux/sysctl/net.ipv4.conf.x~1..~1..~1..~1kernel~1core_pattern"));
    run_done(&t);
}
END_TEST

/* A policy grant does not make a namespaced sysctl safe in the host's
 * namespace. */
START_TEST(test_host_namespace_beats_grant)
{
    Run t;
    run_init(&t);
    strv_free(t.policy->sysctls_allowed);
    t.policy->sysctls_allowed = strv_of("net.core.somaxconn", NULL);
    ck_assert_int_eq(run_pass(&t, "{\"linux\":{\"sysctl\":{\"net.core.somaxconn\":\"1\"},"
                                  "\"namespaces\":[{\"type\":\"network\","
                                  "\"path\":\"/proc/self/ns/net\"}]}}"),
                     0);
    ck_assert_uint_eq(brig_json_get_path(t.spec, "linux/sysctl")->n, 0);
    const BrigChange *c = change_at(&t.rep, "/linux/sysctl/net.core.somaxconn");
    ck_assert_ptr_nonnull(c);
    ck_assert_ptr_nonnull(strstr(c->reason, "shares the host's network namespace"));
    run_done(&t);
}
END_TEST

/* Nothing is ever added: no config sysctl means none after, and values of
 * kept ones are untouched. */
START_TEST(test_never_widens)
{
    const char *json = "{\"linux\":{\"sysctl\":{\"net.ipv4.ip_local_port_range\":\"1024  65000\"},"
                       "\"namespaces\":[{\"type\":\"network\"}]}}";
    Run t;
    run_init(&t);
    _cleanup_(brig_json_freep) BrigJson *orig = tu_parse(json);
    ck_assert_int_eq(run_pass(&t, json), 0);
    ck_assert(brig_json_equal(orig, t.spec));
    ck_assert_int_eq(run_pass(&t, "{\"linux\":{}}"), 0);
    ck_assert_ptr_null(brig_json_get_path(t.spec, "linux/sysctl"));
    ck_assert_uint_eq(t.rep.n, 0);
    run_done(&t);
}
END_TEST

START_TEST(test_wrong_types)
{
    assert_error("{\"linux\":{\"sysctl\":[]}}", "/linux/sysctl: expected an object, found array");
    assert_error("{\"linux\":{\"sysctl\":{\"net/core/x\":1}}}",
                 "/linux/sysctl/net~1core~1x: expected a string, found number 1");
    assert_error("{\"linux\":5}", "/linux: expected an object, found number");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("pass_sysctls");
    TCase *tc = tcase_create("sysctls");
    tcase_add_loop_test(tc, test_golden, 0, ELEMENTSOF(golden));
    tcase_add_test(tc, test_safe_set_kept);
    tcase_add_test(tc, test_policy_grants);
    tcase_add_test(tc, test_host_namespace_beats_grant);
    tcase_add_test(tc, test_never_widens);
    tcase_add_test(tc, test_wrong_types);
    suite_add_tcase(s, tc);
    return tu_run(s);
}
