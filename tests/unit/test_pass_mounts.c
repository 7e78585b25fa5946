/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The mounts pass: sensitive host paths refused, binds nosuid/nodev, no
 * shared propagation, read-only grants from the policy. */

#define PASS pass_mounts
#define DATA_DIR "pass_mounts"
#include "passtest.h"

static const char *const golden[] = {
    "podman-default", "docker-sock", "podman-privileged", "docker-run",
    "propagation",    "options",     "sensitive",
};

/* The engines' configs bind their own per-container files: each case runs
 * as the container it was captured from. */
static void golden_id(Run *t, const char *name)
{
    static const struct {
        const char *name, *id;
    } ids[] = {
        {"docker-run", "c0ffee0123456789c0ffee0123456789c0ffee0123456789c0ffee0123456789"},
        {"docker-sock", "ee13d7a53a7725730818a93b7a1faf0e895978f11b986d0ce3d43bce940d718c"},
        {"podman-default", "6893492dceffe17ad63068116b823ef38e60fd6a7390dd10555a15b1c0e98937"},
        {"podman-privileged", "b3bd71bdadd3079751800016617004c029a25e805a941b1b3eb81900bcafb703"},
    };
    for (size_t i = 0; i < ELEMENTSOF(ids); i++)
        if (streq(name, ids[i].name))
            t->ctx.container_id = ids[i].id;
}

START_TEST(test_golden)
{
    check_golden_with(golden[_i], golden_id);
}
END_TEST

/* Every refusal of the "sensitive" case, by pointer: what makes each one
 * sensitive is in the reason, and the one harmless bind is not refused. */
START_TEST(test_sensitive_refusals)
{
    static const struct {
        const char *pointer, *needle;
    } want[] = {
        {"/mounts/0/source", "is the sensitive host path /run/docker.sock"},
        {"/mounts/1/source",
         "has a \"..\" component, which only the host's filesystem can resolve"},
        {"/mounts/2/source", "bind source / is the sensitive host path /;"},
        {"/mounts/3/source", "bind source /etc is the sensitive host path /etc"},
        {"/mounts/4/source", "/var contains the sensitive host path /var/lib/docker"},
        {"/mounts/5/source", "/proc/sys is below the sensitive host path /proc"},
        {"/mounts/6/source", "/var/lib/docker/containers is below"},
        {"/mounts/7/source", "below the sensitive host path /etc/kubernetes"},
        {"/mounts/8/source", "bind source \"../../etc\" is not an absolute path"},
        {"/mounts/9/destination", "a proc mount at /hostproc instead of /proc"},
        {"/mounts/10/type", "type \"devtmpfs\" (at /devs) is not one brig allows: it holds every "
                            "host device"},
        {"/mounts/11/type", "type \"ext4\" (at /disk) is not one brig allows; the built-in "
                            "default policy does not grant it (policy \"mountTypes\": "
                            "[\"ext4\"])"},
        {"/mounts/12/type", "type \"overlay\" (at /ov) is not one brig allows: its directories"},
    };
    Run t;
    run_init(&t);
    _cleanup_free_ char *in = tu_read_data("pass_mounts/sensitive.in.json", NULL);
    ck_assert_int_eq(run_pass(&t, in), 0);
    ck_assert_uint_eq(brig_report_count(&t.rep, BRIG_REFUSE), ELEMENTSOF(want));
    for (size_t i = 0; i < ELEMENTSOF(want); i++) {
        const BrigChange *c = change_at(&t.rep, want[i].pointer);
        ck_assert_msg(c != NULL, "no change at %s", want[i].pointer);
        ck_assert_int_eq(c->kind, BRIG_REFUSE);
        ck_assert_msg(strstr(c->reason, want[i].needle), "%s: %s", want[i].pointer, c->reason);
        ck_assert_ptr_nonnull(strstr(c->reason, "built-in default policy"));
    }
    ck_assert_ptr_null(change_at(&t.rep, "/mounts/13/source"));
    run_done(&t);
}
END_TEST

/* Spellings of the same host path all resolve to it; near misses do not. */
START_TEST(test_lexical_paths)
{
    static const struct {
        const char *source;
        bool refused;
    } cases[] = {
        {"/var/run/docker.sock", true},
        {"//var//run/./docker.sock/", true},
        {"/tmp/../var/run/docker.sock", true},
        {"/../../etc", true},
        {"/run", true},
        {"/var/run", true},
        {"/var/lib", true},
        {"/sys/fs/cgroup", true},
        {"/var/lib/docker/containers/abc/../../image", true},
        {"/var/lib/kubelet/pods", true},
        /* another pod's, as far as brig can tell: no trusted pod uid */
        {"/var/lib/kubelet/pods/0d4f/volumes/kubernetes.io~secret/token", true},
        {"/var/lib/containerd/io.containerd.grpc.v1.cri/sandboxes/ab12/hostname", true},
        {"/run/containerd/io.containerd.grpc.v1.cri/sandboxes/ab12/shm", true},
        {"/var/lib/docker/volumes/v/_data/sub", false},
        {"/var/lib/docker/containers/test/hosts", false},
        {"/var/lib/docker/containers/test/config.v2.json", true},
        {"/var/lib/docker/containers/other/config.v2.json", true},
        {"/dev/kmsg", true},
        {"//dev/pts/0", true},
        {"/./dev/loop0", true},
        {"/sys/kernel/security", true},
        {"/var/lib/containers/storage/volumes/v/_data", false},
        {"/var/lib/docker/volumes/v", true},
        {"/etc/hosts", false},
        {"/etc/hostsx", false},
        {"/procfs", false},
        {"/usr/share/zoneinfo", false},
        {"/var/runner", false},
        {"/var/lock/../containerd", true},
        {"/srv/a..b/..c", false},
        {"/srv/data/", false},
        {"/home/user", false},
    };
    for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
        Run t;
        run_init(&t);
        _cleanup_free_ char *json =
            xasprintf("{\"mounts\":[{\"destination\":\"/x\",\"type\":\"bind\",\"source\":\"%s\","
                      "\"options\":[\"rbind\",\"nosuid\",\"nodev\"]}]}",
                      cases[i].source);
        ck_assert_int_eq(run_pass(&t, json), 0);
        ck_assert_msg(brig_report_count(&t.rep, BRIG_REFUSE) == (cases[i].refused ? 1u : 0u),
                      "%s: expected %s", cases[i].source, cases[i].refused ? "refusal" : "none");
        ck_assert_uint_eq(brig_report_count(&t.rep, BRIG_FIX), 0);
        run_done(&t);
    }
}
END_TEST

/* A policy grant lets a sensitive path in, read-only: "rw" goes, "ro" comes. */
START_TEST(test_policy_grant_read_only)
{
    Run t;
    run_init(&t);
    strv_free(t.policy->host_paths_ro);
    t.policy->host_paths_ro = strv_of("/var/run/docker", "/srv/data/", NULL);
    ck_assert_int_eq(
        run_pass(&t, "{\"mounts\":["
                     "{\"destination\":\"/s\",\"type\":\"bind\",\"source\":\"/run/docker/x\","
                     "\"options\":[\"rbind\",\"rw\",\"nosuid\",\"nodev\"]},"
                     "{\"destination\":\"/d\",\"type\":\"bind\",\"source\":\"/srv/data/x\","
                     "\"options\":[\"rbind\",\"ro\",\"nosuid\",\"nodev\"]},"
                     "{\"destination\":\"/e\",\"type\":\"bind\",\"source\":\"/etc\","
                     "\"options\":[\"rbind\",\"ro\",\"nosuid\",\"nodev\"]}]}"),
        0);
    ck_assert_uint_eq(brig_report_count(&t.rep, BRIG_FIX), 1);
    ck_assert_uint_eq(brig_report_count(&t.rep, BRIG_REFUSE), 1);
    const BrigChange *c = change_at(&t.rep, "/mounts/0/options");
    ck_assert_ptr_nonnull(c);
    ck_assert_str_eq(c->before, "[\"rbind\",\"rw\",\"nosuid\",\"nodev\"]");
    ck_assert_str_eq(c->after, "[\"rbind\",\"nosuid\",\"nodev\",\"ro\"]");
    ck_assert_ptr_nonnull(strstr(c->reason, "read-only"));
    ck_assert_ptr_nonnull(change_at(&t.rep, "/mounts/2/source"));
    run_done(&t);
}
END_TEST

/* A relative source is joined to the bundle directory by the runtime,
 * where the image and the bundle's author can plant symlinks: refused,
 * whether or not it climbs out. */
START_TEST(test_relative_sources)
{
    Run t;
    run_init(&t);
    t.ctx.bundle = "/srv/bundles/c1";
    const char *json = "{\"mounts\":["
                       "{\"destination\":\"/a\",\"type\":\"bind\",\"source\":\"hostroot\","
                       "\"options\":[\"bind\",\"nosuid\",\"nodev\"]},"
                       "{\"destination\":\"/b\",\"type\":\"bind\",\"source\":\"../../../etc\","
                       "\"options\":[\"bind\",\"nosuid\",\"nodev\"]},"
                       "{\"destination\":\"/c\",\"type\":\"bind\",\"source\":\"data/../cfg\","
                       "\"options\":[\"bind\",\"nosuid\",\"nodev\"]}]}";
    ck_assert_int_eq(run_pass(&t, json), 0);
    ck_assert_uint_eq(brig_report_count(&t.rep, BRIG_REFUSE), 3);
    const BrigChange *c = change_at(&t.rep, "/mounts/0/source");
    ck_assert_ptr_nonnull(c);
    ck_assert_ptr_nonnull(strstr(c->reason, "bind source \"hostroot\" is not an absolute path"));
    run_done(&t);
}
END_TEST

/* Already strict mounts come out unchanged: nothing is ever loosened, and
 * slave propagation (host to container only) stays. */
START_TEST(test_never_widens)
{
    const char *json =
        "{\"mounts\":[{\"destination\":\"/a\",\"type\":\"bind\",\"source\":\"/srv/a\","
        "\"options\":[\"rbind\",\"ro\",\"nosuid\",\"nodev\",\"noexec\",\"rslave\"]},"
        "{\"destination\":\"/t\",\"type\":\"tmpfs\",\"source\":\"tmpfs\",\"options\":[\"ro\"]}],"
        "\"linux\":{\"rootfsPropagation\":\"rslave\"}}";
    Run t;
    run_init(&t);
    _cleanup_(brig_json_freep) BrigJson *orig = tu_parse(json);
    ck_assert_int_eq(run_pass(&t, json), 0);
    ck_assert_uint_eq(t.rep.n, 0);
    ck_assert(brig_json_equal(orig, t.spec));
    run_done(&t);
}
END_TEST

/* A bind under /dev keeps device access (nodev would break /dev/fuse), but
 * the destination is judged after folding "..". */
/* docker --privileged asks for a writable sysfs; it becomes read-only. */
START_TEST(test_sysfs_read_only)
{
    Run t;
    run_init(&t);
    ck_assert_int_eq(run_pass(&t, "{\"mounts\":[{\"destination\":\"/sys\",\"type\":\"sysfs\","
                                  "\"source\":\"sysfs\",\"options\":[\"nosuid\",\"rw\"]}]}"),
                     0);
    const BrigChange *c = change_at(&t.rep, "/mounts/0/options");
    ck_assert_ptr_nonnull(c);
    ck_assert_str_eq(c->after, "[\"nosuid\",\"ro\"]");
    ck_assert_str_eq(c->reason,
                     "sysfs is read-only: writing it reconfigures the host's kernel (the "
                     "built-in default policy)");
    run_done(&t);
}
END_TEST

START_TEST(test_dev_destinations)
{
    Run t;
    run_init(&t);
    ck_assert_int_eq(
        run_pass(&t, "{\"mounts\":[{\"destination\":\"/dev/fuse\",\"type\":\"bind\","
                     "\"source\":\"/dev/fuse\",\"options\":[\"bind\"]},"
                     "{\"destination\":\"/dev/../etc/x\",\"type\":\"bind\",\"source\":\"/srv/x\","
                     "\"options\":[\"bind\"]}]}"),
        0);
    _cleanup_free_ char *out = tu_compact(brig_json_get(t.spec, "mounts"));
    ck_assert_str_eq(out, "[{\"destination\":\"/dev/fuse\",\"type\":\"bind\",\"source\":"
                          "\"/dev/fuse\",\"options\":[\"bind\",\"nosuid\"]},"
                          "{\"destination\":\"/dev/../etc/x\",\"type\":\"bind\",\"source\":"
                          "\"/srv/x\",\"options\":[\"bind\",\"nosuid\",\"nodev\"]}]");
    run_done(&t);
}
END_TEST

START_TEST(test_wrong_types)
{
    assert_error("{\"mounts\":{}}", "/mounts: expected an array, found object");
    assert_error("{\"mounts\":[5]}", "/mounts/0: expected an object, found number");
    assert_error("{\"mounts\":[{\"destination\":\"/x\",\"source\":true}]}",
                 "/mounts/0/source: expected a string, found boolean");
    assert_error("{\"mounts\":[{\"destination\":\"/x\",\"type\":\"bind\",\"options\":\"ro\"}]}",
                 "/mounts/0/options: expected an array, found string");
    assert_error("{\"mounts\":[{\"destination\":\"/x\",\"options\":[\"bind\",3]}]}",
                 "/mounts/0/options/1: expected a string, found number 3");
    assert_error("{\"mounts\":[{\"destination\":7}]}",
                 "/mounts/0/destination: expected a string, found number");
    assert_error("{\"linux\":{\"rootfsPropagation\":1}}",
                 "/linux/rootfsPropagation: expected a string, found number");
    assert_error("{\"linux\":[]}", "/linux: expected an object, found array");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("pass_mounts");
    TCase *tc = tcase_create("mounts");
    tcase_add_loop_test(tc, test_golden, 0, ELEMENTSOF(golden));
    tcase_add_test(tc, test_sensitive_refusals);
    tcase_add_test(tc, test_lexical_paths);
    tcase_add_test(tc, test_policy_grant_read_only);
    tcase_add_test(tc, test_relative_sources);
    tcase_add_test(tc, test_never_widens);
    tcase_add_test(tc, test_sysfs_read_only);
    tcase_add_test(tc, test_dev_destinations);
    tcase_add_test(tc, test_wrong_types);
    suite_add_tcase(s, tc);
    return tu_run(s);
}
