/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The hooks pass: an OCI hook is refused unless the policy grants its path
 * or it is Docker's networking hook run by the host's dockerd. */

#define PASS pass_hooks
#define DATA_DIR "pass_hooks"
#include "passtest.h"

#include <dirent.h>
#include <stdio.h>
#include <unistd.h>

static const char *const golden[] = {"docker-nvidia", "docker-plain", "none"};

START_TEST(test_golden)
{
    check_golden(golden[_i]);
}
END_TEST

/* Default policy: every hook is refused, with one line naming its pointer,
 * its path and the grant; the config is left as it is and arguments and
 * environment are not logged. */
START_TEST(test_default_refuses)
{
    Run t;
    run_init(&t);
    _cleanup_free_ char *in = tu_read_data("pass_hooks/docker-nvidia.in.json", NULL);
    ck_assert_int_eq(run_pass(&t, in), 0);
    ck_assert_uint_eq(t.rep.n, 4);
    ck_assert_uint_eq(brig_report_count(&t.rep, BRIG_REFUSE), 4);
    const BrigChange *c = change_at(&t.rep, "/hooks/prestart/1");
    ck_assert_ptr_nonnull(c);
    ck_assert_str_eq(c->reason, "prestart hook /usr/bin/nvidia-container-runtime-hook would run "
                                "on the host as root; the built-in default policy does not grant "
                                "it (\"hooks\": {\"allowed\": "
                                "[\"/usr/bin/nvidia-container-runtime-hook\"]})");
    /* Docker's hook too, when no host says its pid is dockerd */
    c = change_at(&t.rep, "/hooks/prestart/0");
    ck_assert_ptr_nonnull(c);
    ck_assert_int_eq(c->kind, BRIG_REFUSE);
    for (size_t i = 0; i < t.rep.n; i++) {
        ck_assert_ptr_null(strstr(t.rep.v[i].reason, "NVIDIA_VISIBLE_DEVICES"));
        ck_assert(!t.rep.v[i].before || !strstr(t.rep.v[i].before, "NVIDIA_VISIBLE"));
    }
    ck_assert_uint_eq(brig_json_get_path(t.spec, "hooks/prestart")->n, 2);
    run_done(&t);
}
END_TEST

static long dockerd_pid;
static long asked_pid;
static bool fake_dockerd(long pid)
{
    asked_pid = pid;
    return pid == dockerd_pid;
}

/* Docker's networking hook is kept only when the host says /proc/<pid>/exe
 * is its dockerd, and only as a prestart hook with args[0]
 * libnetwork-setkey, as dockerd 20.10 writes it. */
START_TEST(test_docker_hook)
{
    static const char *const hook = "{\"hooks\":{\"prestart\":[{\"path\":\"/proc/4242/exe\","
                                    "\"args\":[\"libnetwork-setkey\","
                                    "\"-exec-root=/var/run/docker\",\"c0ffee\",\"d0g\"]}]}}";
    Run t;
    run_init(&t);
    t.host.is_dockerd = fake_dockerd;
    dockerd_pid = 4242;
    asked_pid = 0;
    ck_assert_int_eq(run_pass(&t, hook), 0);
    ck_assert_int_eq(asked_pid, 4242);
    ck_assert_uint_eq(t.rep.n, 1);
    ck_assert_int_eq(t.rep.v[0].kind, BRIG_NOTE);
    ck_assert_str_eq(t.rep.v[0].reason,
                     "prestart hook /proc/4242/exe (4 arguments) runs on the host as root; kept: "
                     "Docker's networking hook, the process is the host's dockerd");

    /* the pid is not dockerd's (a container's process, a reused pid) */
    brig_report_clear(&t.rep);
    dockerd_pid = 7;
    ck_assert_int_eq(run_pass(&t, hook), 0);
    ck_assert_uint_eq(brig_report_count(&t.rep, BRIG_REFUSE), 1);

    /* dockerd's pid, but not Docker's hook */
    dockerd_pid = 4242;
    static const char *const others[] = {
        "{\"hooks\":{\"prestart\":[{\"path\":\"/proc/4242/"
        "exe\",\"args\":[\"sh\",\"libnetwork-setkey\"]}]}}",
        "{\"hooks\":{\"prestart\":[{\"path\":\"/proc/4242/exe\"}]}}",
        "{\"hooks\":{\"poststop\":[{\"path\":\"/proc/4242/exe\","
        "\"args\":[\"libnetwork-setkey\",\"x\"]}]}}",
        "{\"hooks\":{\"prestart\":[{\"path\":\"/proc/4242/root/bin/sh\","
        "\"args\":[\"libnetwork-setkey\",\"x\"]}]}}",
        "{\"hooks\":{\"prestart\":[{\"path\":\"/proc/04242/exe\","
        "\"args\":[\"libnetwork-setkey\",\"x\"]}]}}",
        "{\"hooks\":{\"prestart\":[{\"path\":\"/proc/self/exe\","
        "\"args\":[\"libnetwork-setkey\",\"x\"]}]}}",
    };
    for (size_t i = 0; i < ELEMENTSOF(others); i++) {
        brig_report_clear(&t.rep);
        ck_assert_int_eq(run_pass(&t, others[i]), 0);
        ck_assert_msg(brig_report_count(&t.rep, BRIG_REFUSE) == 1, "kept: %s", others[i]);
    }
    run_done(&t);
}
END_TEST

/* Granted paths are kept and noted (globs never cross "/"); the others
 * are refused, a path with "." or ".." components whatever the patterns. */
START_TEST(test_granted)
{
    Run t;
    run_init(&t);
    strv_free(t.policy->hooks_allowed);
    t.policy->hooks_allowed =
        strv_of("/usr/bin/nvidia-container-runtime-hook", "/usr/libexec/oci/hooks.d/*", NULL);
    const char *in = "{\"hooks\":{\"prestart\":["
                     "{\"path\":\"/usr/bin/nvidia-container-runtime-hook\"}],"
                     "\"createRuntime\":[{\"path\":\"/usr/libexec/oci/hooks.d/sub/x\"},"
                     "{\"path\":\"/usr/libexec/oci/hooks.d/y\",\"args\":[\"y\"],"
                     "\"env\":[\"VAULT_TOKEN=s.hunter2\"]},"
                     "{\"path\":\"/usr/libexec/oci/hooks.d/..\"},"
                     "{\"path\":\"/usr/libexec/oci//hooks.d/y\"}]}}";
    ck_assert_int_eq(run_pass(&t, in), 0);
    ck_assert_uint_eq(brig_report_count(&t.rep, BRIG_NOTE), 2);
    ck_assert_uint_eq(brig_report_count(&t.rep, BRIG_REFUSE), 3);
    ck_assert_uint_eq(brig_report_count(&t.rep, BRIG_FIX), 0);
    const BrigChange *c = change_at(&t.rep, "/hooks/createRuntime/1");
    ck_assert_ptr_nonnull(c);
    ck_assert_int_eq(c->kind, BRIG_NOTE);
    ck_assert_str_eq(c->reason, "createRuntime hook /usr/libexec/oci/hooks.d/y (1 argument) runs "
                                "on the host as root; allowed by the built-in default policy");
    /* hooks.d/sub/x is refused: the glob's "*" does not cross "/" */
    c = change_at(&t.rep, "/hooks/createRuntime/0");
    ck_assert_ptr_nonnull(c);
    ck_assert_int_eq(c->kind, BRIG_REFUSE);
    ck_assert_int_eq(change_at(&t.rep, "/hooks/createRuntime/2")->kind, BRIG_REFUSE);
    ck_assert_int_eq(change_at(&t.rep, "/hooks/createRuntime/3")->kind, BRIG_REFUSE);
    for (size_t i = 0; i < t.rep.n; i++)
        ck_assert_ptr_null(strstr(t.rep.v[i].reason, "hunter2"));
    /* the config is not changed */
    _cleanup_free_ char *out = tu_compact(t.spec);
    ck_assert_str_eq(out, in);
    run_done(&t);
}
END_TEST

/* The host's answer (lib/host.c): this test process is not dockerd (not
 * the binary), nor is a pid that does not exist; a running dockerd found
 * by its comm is, when it runs from a trusted path. */
START_TEST(test_host_is_dockerd)
{
    BrigHost h;
    brig_host_probe(&h);
    ck_assert_ptr_nonnull(h.is_dockerd);
    ck_assert(!h.is_dockerd(getpid()));
    ck_assert(!h.is_dockerd(0));
    ck_assert(!h.is_dockerd(-1));
    ck_assert(!h.is_dockerd(4194304 + 1));
    DIR *d = opendir("/proc");
    ck_assert_ptr_nonnull(d);
    struct dirent *de;
    long found = 0;
    while (!found && (de = readdir(d))) {
        char path[300], comm[32] = {0};
        snprintf(path, sizeof(path), "/proc/%s/comm", de->d_name);
        FILE *f = atoi(de->d_name) > 0 ? fopen(path, "re") : NULL;
        if (!f)
            continue;
        if (fgets(comm, sizeof(comm), f) && streq(comm, "dockerd\n"))
            found = atol(de->d_name);
        fclose(f);
    }
    closedir(d);
    if (!found || geteuid() != 0)
        tu_skip("needs a running dockerd and root to see its /proc/<pid>/exe");
    else
        ck_assert_msg(h.is_dockerd(found), "dockerd pid %ld not recognised", found);
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
    tcase_add_test(tc, test_default_refuses);
    tcase_add_test(tc, test_docker_hook);
    tcase_add_test(tc, test_granted);
    tcase_add_test(tc, test_host_is_dockerd);
    tcase_add_test(tc, test_wrong_types);
    suite_add_tcase(s, tc);
    return tu_run(s);
}
