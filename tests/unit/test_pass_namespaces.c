/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Namespaces: a missing cgroup namespace is added; a missing pid, ipc, uts,
 * mount or network namespace, or joining the host's by path, is refused
 * (recorded in the report, config untouched), never silently changed. */
#include "golden.h"

START_TEST(test_golden)
{
    ck_assert_uint_ge(golden_run_dir("namespaces", pass_namespaces, NULL), 7);
}
END_TEST

START_TEST(test_errors)
{
    golden_assert_error(pass_namespaces, "{\"linux\":{\"namespaces\":{}}}",
                        "/linux/namespaces: expected an array, found object");
    golden_assert_error(pass_namespaces,
                        "{\"linux\":{\"namespaces\":[{\"type\":\"pid\"},\"ipc\"]}}",
                        "/linux/namespaces/1: expected an object with a \"type\" string");
    golden_assert_error(pass_namespaces, "{\"linux\":{\"namespaces\":[{\"type\":7}]}}",
                        "/linux/namespaces/0: expected an object with a \"type\" string");
    golden_assert_error(pass_namespaces,
                        "{\"linux\":{\"namespaces\":[{\"type\":\"pid\",\"path\":1}]}}",
                        "/linux/namespaces/0/path: expected a string");
    golden_assert_error(pass_namespaces, "{\"linux\":\"x\"}",
                        "/linux: expected an object, found string");
}
END_TEST

static const char *const all_but[] = {"pid", "ipc", "uts", "mount", "network"};

/* docker run --pid=host (and friends): no namespace of that type at all */
START_TEST(test_host_namespace_refused)
{
    _cleanup_free_ char *src = golden_policy_source();
    for (size_t k = 0; k < ELEMENTSOF(all_but); k++) {
        _cleanup_(brig_json_freep) BrigJson *j =
            tu_parse("{\"linux\":{\"namespaces\":[{\"type\":\"cgroup\"}]}}");
        BrigJson *nss = brig_json_get_path(j, "linux/namespaces");
        for (size_t t = 0; t < ELEMENTSOF(all_but); t++) {
            if (t == k)
                continue;
            BrigJson *ns = brig_json_new(BRIG_JSON_OBJECT);
            brig_json_set(ns, "type", brig_json_new_string(all_but[t]));
            brig_json_append(nss, ns);
        }
        _cleanup_free_ char *in = tu_compact(j);
        BrigReport rep = {0};
        _cleanup_free_ char *out = golden_run_inline(pass_namespaces, in, NULL, &rep);
        ck_assert_str_eq(out, in); /* refused, not rewritten */
        ck_assert_uint_eq(rep.n, 1);
        ck_assert_int_eq(rep.v[0].kind, BRIG_REFUSE);
        ck_assert_str_eq(rep.v[0].pointer, "/linux/namespaces");
        _cleanup_free_ char *why =
            xasprintf("the container would share the host's %s namespace, which %s does not allow",
                      all_but[k], src);
        ck_assert_str_eq(rep.v[0].reason, why);
        brig_report_clear(&rep);
    }
}
END_TEST

START_TEST(test_join_by_path)
{
    static const struct {
        const char *path;
        bool host;
    } cases[] = {
        {"/proc/1/ns/net", true},           {"/proc/self/ns/net", true},
        {"/proc/thread-self/ns/net", true}, {"/proc//1/ns/net", true},
        {"/proc/./1/ns/net", true},         {"/proc/self/../1/ns/net", true},
        {"/proc/1/task/1/ns/net", true},    {"/proc/self/task/77/ns/net", true},
        {"/var/run/netns/cni-1234", false}, /* a pod sandbox's network */
        {"/proc/4242/ns/net", false},       /* another container's process */
        {"/proc/12/ns/net", false},         {"/proc/1x/ns/net", false},
        {"/proc/1/task/x/ns/net", false},
    };
    for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
        _cleanup_free_ char *in = xasprintf(
            "{\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"ipc\"},{\"type\":\"uts\"},"
            "{\"type\":\"mount\"},{\"type\":\"cgroup\"},{\"type\":\"network\",\"path\":\"%s\"}]}}",
            cases[i].path);
        BrigReport rep = {0};
        _cleanup_free_ char *out = golden_run_inline(pass_namespaces, in, NULL, &rep);
        ck_assert_str_eq(out, in);
        ck_assert_msg(brig_report_count(&rep, BRIG_REFUSE) == (cases[i].host ? 1u : 0u), "%s",
                      cases[i].path);
        if (cases[i].host) {
            ck_assert_str_eq(rep.v[0].pointer, "/linux/namespaces/5/path");
            _cleanup_free_ char *q = xasprintf("\"%s\"", cases[i].path);
            ck_assert_str_eq(rep.v[0].before, q);
        }
        brig_report_clear(&rep);
    }
}
END_TEST

/* An injected host: /var/run/docker/netns/default is a bind mount of the
 * host's network namespace, /var/run/netns/pod another namespace. */
static int fake_identity(const char *path, uint64_t *dev, uint64_t *ino)
{
    *dev = 4;
    if (streq(path, "/var/run/docker/netns/default"))
        *ino = 4026531840;
    else if (streq(path, "/var/run/netns/pod"))
        *ino = 4026532999;
    else
        return -ENOENT;
    return 0;
}

/* The host's namespaces: only the network one is known (dev 4). */
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
        const char *path;
        bool host;
    } cases[] = {
        {"/var/run/docker/netns/default", true}, /* docker --network=host */
        {"/var/run/netns/pod", false},
        {"/var/run/netns/missing", false}, /* left to the runtime to fail on */
    };
    for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
        BrigCtx ctx;
        BrigHost host;
        BrigPolicy *pol;
        tu_ctx(&ctx, &host, &pol);
        host.ns_identity = fake_identity;
        host.host_ns = fake_host_ns;
        _cleanup_free_ char *in = xasprintf(
            "{\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"ipc\"},{\"type\":\"uts\"},"
            "{\"type\":\"mount\"},{\"type\":\"cgroup\"},{\"type\":\"network\",\"path\":\"%s\"}]}}",
            cases[i].path);
        BrigJson *spec = tu_parse(in);
        BrigReport rep = {0};
        ck_assert_int_eq(pass_namespaces(&ctx, spec, &rep, NULL), 0);
        ck_assert_msg(brig_report_count(&rep, BRIG_REFUSE) == (cases[i].host ? 1u : 0u), "%s",
                      cases[i].path);
        if (cases[i].host)
            ck_assert_ptr_nonnull(strstr(rep.v[0].reason, "network namespace"));
        brig_report_clear(&rep);
        brig_json_free(spec);
        brig_policy_free(pol);
    }
}
END_TEST

START_TEST(test_duplicate_entries)
{
    /* runc refuses duplicate types, but whichever copy a runtime would
     * use, a host path in any of them is refused */
    BrigReport rep = {0};
    const char *in = "{\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"ipc\"},"
                     "{\"type\":\"uts\"},{\"type\":\"mount\"},{\"type\":\"cgroup\"},"
                     "{\"type\":\"network\"},{\"type\":\"network\",\"path\":\"/proc/1/ns/net\"}]}}";
    _cleanup_free_ char *out = golden_run_inline(pass_namespaces, in, NULL, &rep);
    ck_assert_str_eq(out, in);
    ck_assert_uint_eq(rep.n, 1);
    ck_assert_int_eq(rep.v[0].kind, BRIG_REFUSE);
    ck_assert_str_eq(rep.v[0].pointer, "/linux/namespaces/6/path");
    brig_report_clear(&rep);
}
END_TEST

static void allow_host_pid(const char *name, BrigPolicy *p)
{
    p->host_namespaces = BRIG_NS_PID;
}

START_TEST(test_policy_allows_host_namespace)
{
    BrigReport rep = {0};
    const char *in = "{\"linux\":{\"namespaces\":[{\"type\":\"ipc\"},{\"type\":\"uts\"},"
                     "{\"type\":\"mount\"},{\"type\":\"cgroup\"},{\"type\":\"network\"}]}}";
    _cleanup_free_ char *out = golden_run_inline(pass_namespaces, in, allow_host_pid, &rep);
    ck_assert_str_eq(out, in);
    ck_assert_uint_eq(brig_report_count(&rep, BRIG_REFUSE), 0);
    ck_assert_uint_eq(brig_report_count(&rep, BRIG_NOTE), 1);
    brig_report_clear(&rep);
    /* the exception is for that namespace only */
    const char *in2 = "{\"linux\":{\"namespaces\":[{\"type\":\"ipc\"},{\"type\":\"uts\"},"
                      "{\"type\":\"mount\"},{\"type\":\"cgroup\"},{\"type\":\"pid\"},"
                      "{\"type\":\"network\",\"path\":\"/proc/1/ns/net\"}]}}";
    _cleanup_free_ char *out2 = golden_run_inline(pass_namespaces, in2, allow_host_pid, &rep);
    ck_assert_uint_eq(brig_report_count(&rep, BRIG_REFUSE), 1);
    brig_report_clear(&rep);
}
END_TEST

START_TEST(test_cgroup_added)
{
    BrigReport rep = {0};
    _cleanup_free_ char *out = golden_run_inline(
        pass_namespaces,
        "{\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"ipc\"},{\"type\":\"uts\"},"
        "{\"type\":\"mount\"},{\"type\":\"network\"}]}}",
        NULL, &rep);
    ck_assert_str_eq(out, "{\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"ipc\"},"
                          "{\"type\":\"uts\"},{\"type\":\"mount\"},{\"type\":\"network\"},"
                          "{\"type\":\"cgroup\"}]}}");
    ck_assert_uint_eq(rep.n, 1);
    ck_assert_int_eq(rep.v[0].kind, BRIG_FIX);
    ck_assert_str_eq(rep.v[0].pointer, "/linux/namespaces/5");
    ck_assert_str_eq(rep.v[0].after, "{\"type\":\"cgroup\"}");
    brig_report_clear(&rep);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("pass_namespaces");
    TCase *tc = tcase_create("pass_namespaces");
    tcase_add_test(tc, test_golden);
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_host_namespace_refused);
    tcase_add_test(tc, test_join_by_path);
    tcase_add_test(tc, test_host_namespace_by_identity);
    tcase_add_test(tc, test_cgroup_added);
    tcase_add_test(tc, test_duplicate_entries);
    tcase_add_test(tc, test_policy_allows_host_namespace);
    suite_add_tcase(s, tc);
    return tu_run(s);
}
