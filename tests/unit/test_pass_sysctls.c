/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The sysctls pass: the Kubernetes safe set plus the policy's grants, in a
 * private namespace only, in either separator spelling. */

#define PASS pass_sysctls
#define DATA_DIR "pass_sysctls"
#include "passtest.h"

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

/* The host's network namespace joined by a path that does not spell
 * /proc/1 (a bind mount of it, as docker --network=host names it, another
 * host process's, "//" in the path), or by a second entry of the type: the
 * sysctl would be written to the host's, as crun does.  Judged as the
 * namespaces pass judges a host namespace: by identity, every entry. */
static int fake_identity(const char *path, uint64_t *dev, uint64_t *ino)
{
    *dev = 4;
    if (streq(path, "/var/run/docker/netns/default") || streq(path, "/proc/2/ns/net"))
        *ino = 4026531840;
    else if (streq(path, "/var/run/netns/pod"))
        *ino = 4026532999;
    else
        return -ENOENT;
    return 0;
}

static int fake_host_ns(size_t kind, uint64_t *dev, uint64_t *ino)
{
    if (kind != 4)
        return -ENOENT;
    *dev = 4;
    *ino = 4026531840;
    return 0;
}

START_TEST(test_host_namespace_by_identity)
{
    static const struct {
        const char *nss;
        bool host;
    } cases[] = {
        {"[{\"type\":\"network\",\"path\":\"/var/run/docker/netns/default\"}]", true},
        {"[{\"type\":\"network\",\"path\":\"/proc/2/ns/net\"}]", true},
        {"[{\"type\":\"network\",\"path\":\"/proc//1/ns/net\"}]", true},
        {"[{\"type\":\"network\",\"path\":\"/proc/self/../1/ns/net\"}]", true},
        {"[{\"type\":\"network\"},{\"type\":\"network\",\"path\":\"/proc/1/ns/net\"}]", true},
        {"[{\"type\":\"network\",\"path\":\"/var/run/netns/pod\"}]", false},
        {"[{\"type\":\"network\"}]", false},
    };
    for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
        Run t;
        run_init(&t);
        t.host.ns_identity = fake_identity;
        t.host.host_ns = fake_host_ns;
        _cleanup_free_ char *json =
            xasprintf("{\"linux\":{\"sysctl\":{\"net.ipv4.tcp_keepalive_time\":\"7201\"},"
                      "\"namespaces\":%s}}",
                      cases[i].nss);
        ck_assert_int_eq(run_pass(&t, json), 0);
        ck_assert_msg(brig_json_get_path(t.spec, "linux/sysctl")->n == (cases[i].host ? 0u : 1u),
                      "%s", cases[i].nss);
        run_done(&t);
    }
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
    tcase_add_test(tc, test_host_namespace_by_identity);
    tcase_add_test(tc, test_never_widens);
    tcase_add_test(tc, test_wrong_types);
    suite_add_tcase(s, tc);
    return tu_run(s);
}
