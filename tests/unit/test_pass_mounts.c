/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The mounts pass: sensitive host paths refused, binds nosuid/nodev, no
 * shared propagation, read-only grants from the policy. */

#include <ctype.h>
#include <glob.h>

#define PASS pass_mounts
#define DATA_DIR "pass_mounts"
#include "passtest.h"

static const char *const golden[] = {
    "podman-default", "docker-sock", "podman-privileged",        "docker-run",   "propagation",
    "options",        "sensitive",   "docker-network-container", "engine-tmpfs",
};

/* The engines' configs bind their own per-container files: each case runs
 * as the container it was captured from. */
static void golden_id(Run *t, const char *name)
{
    static const struct {
        const char *name, *id;
    } ids[] = {
        {"docker-run", "c0ffee0123456789c0ffee0123456789c0ffee0123456789c0ffee0123456789"},
        /* docker run --network container:OTHER: OTHER's files, made read-only */
        {"docker-network-container",
         "c0ffee0123456789c0ffee0123456789c0ffee0123456789c0ffee0123456789"},
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
 * slave propagation (host to container only) stays; a tmpfs bounded below
 * the policy's tmpfsSize and tmpfsInodes keeps its bounds. */
START_TEST(test_never_widens)
{
    const char *json =
        "{\"mounts\":[{\"destination\":\"/a\",\"type\":\"bind\",\"source\":\"/srv/a\","
        "\"options\":[\"rbind\",\"ro\",\"nosuid\",\"nodev\",\"noexec\",\"rslave\"]},"
        "{\"destination\":\"/t\",\"type\":\"tmpfs\",\"source\":\"tmpfs\","
        "\"options\":[\"ro\",\"size=1m\",\"nr_inodes=1k\"]}],"
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

/* An engine's tmpfs without an owner goes to the non-root process; root's
 * stays root's, an owner the engine named is kept, a bind is no tmpfs; a
 * second run changes nothing. */
START_TEST(test_engine_tmpfs_owner)
{
    static const char *const fmt =
        "{\"process\":{\"user\":{\"uid\":%s,\"gid\":%s}},\"mounts\":["
        "{\"destination\":\"/var/lib/nginx\",\"type\":\"tmpfs\",\"source\":\"tmpfs\","
        "\"options\":[\"nosuid\",\"nodev\",\"size=1m\",\"nr_inodes=1k\"%s]}]%s}";
    static const struct {
        const char *uid, *gid, *opts, *extra, *after;
    } cases[] = {
        {"101", "102", "", "",
         "[\"nosuid\",\"nodev\",\"size=1m\",\"nr_inodes=1k\",\"uid=101\",\"gid=102\"]"},
        {"0", "0", "", "", NULL},
        {"101", "102", ",\"gid=7\"", "", NULL},
        {"101", "102", ",\"uid=7\"", "", NULL},
        /* mapped in the container's user namespace: the container's ids */
        {"101", "102", "",
         ",\"linux\":{\"namespaces\":[{\"type\":\"user\"}],"
         "\"uidMappings\":[{\"containerID\":0,\"hostID\":100000,\"size\":65536}],"
         "\"gidMappings\":[{\"containerID\":0,\"hostID\":100000,\"size\":65536}]}",
         "[\"nosuid\",\"nodev\",\"size=1m\",\"nr_inodes=1k\",\"uid=101\",\"gid=102\"]"},
        /* not mapped: the kernel would refuse the owner */
        {"101", "102", "",
         ",\"linux\":{\"namespaces\":[{\"type\":\"user\"}],"
         "\"uidMappings\":[{\"containerID\":0,\"hostID\":100000,\"size\":100}],"
         "\"gidMappings\":[{\"containerID\":0,\"hostID\":100000,\"size\":100}]}",
         NULL},
    };
    for (size_t k = 0; k < ELEMENTSOF(cases); k++) {
        _cleanup_free_ char *json =
            xasprintf(fmt, cases[k].uid, cases[k].gid, cases[k].opts, cases[k].extra);
        Run t;
        run_init(&t);
        ck_assert_int_eq(run_pass(&t, json), 0);
        const BrigChange *c = change_at(&t.rep, "/mounts/0/options");
        if (!cases[k].after) {
            ck_assert_msg(c == NULL, "case %zu changed %s", k, c ? c->after : "");
        } else {
            ck_assert_msg(c != NULL, "case %zu: no change", k);
            ck_assert_str_eq(c->after, cases[k].after);
            ck_assert_ptr_nonnull(strstr(c->reason, "owned by the container's user"));
            /* idempotent */
            _cleanup_free_ char *once = tu_compact(t.spec);
            Run u;
            run_init(&u);
            ck_assert_int_eq(run_pass(&u, once), 0);
            ck_assert_ptr_null(change_at(&u.rep, "/mounts/0/options"));
            run_done(&u);
        }
        run_done(&t);
    }
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

/* Runs the pass over one mount; returns the refusals and the first reason. */
static size_t one_mount(Run *t, const char *mount, char **ret_reason)
{
    brig_report_clear(&t->rep);
    _cleanup_free_ char *json = xasprintf("{\"mounts\":[%s]}", mount);
    ck_assert_int_eq(run_pass(t, json), 0);
    size_t n = brig_report_count(&t->rep, BRIG_REFUSE);
    free(*ret_reason);
    *ret_reason = NULL;
    for (size_t i = 0; i < t->rep.n && !*ret_reason; i++)
        if (t->rep.v[i].kind == BRIG_REFUSE)
            *ret_reason = xstrdup(t->rep.v[i].reason);
    return n;
}

/* Filesystem types are an allow-list (issue 13, rows 3, 4, 6): anything
 * but the engines' own needs a mountTypes grant, named in the refusal. */
START_TEST(test_types)
{
    static const char *const refused[] = {"ext4",       "binfmt_misc", "debugfs", "tracefs",
                                          "securityfs", "nfs",         "overlay", "devtmpfs",
                                          "bpf",        "configfs",    "fusectl", "hugetlbfs"};
    _cleanup_free_ char *why = NULL;
    for (size_t i = 0; i < ELEMENTSOF(refused); i++) {
        Run t;
        run_init(&t);
        _cleanup_free_ char *m =
            xasprintf("{\"destination\":\"/m\",\"type\":\"%s\",\"source\":\"none\"}", refused[i]);
        ck_assert_uint_eq(one_mount(&t, m, &why), 1);
        _cleanup_free_ char *want =
            xasprintf("filesystem type \"%s\" (at /m) is not one brig allows", refused[i]);
        _cleanup_free_ char *grant = xasprintf("(policy \"mountTypes\": [\"%s\"])", refused[i]);
        ck_assert_msg(strstr(why, want) && strstr(why, grant), "%s", why);
        t.policy->mount_types = (strv_free(t.policy->mount_types), strv_of(refused[i], NULL));
        ck_assert_msg(one_mount(&t, m, &why) == 0 || streq(refused[i], "overlay"), "%s: %s",
                      refused[i], why);
        run_done(&t);
    }
    static const char *const allowed[] = {"proc",   "sysfs",  "tmpfs",  "devpts",
                                          "mqueue", "cgroup", "cgroup2"};
    for (size_t i = 0; i < ELEMENTSOF(allowed); i++) {
        Run t;
        run_init(&t);
        const char *dest = streq(allowed[i], "proc")    ? "/proc"
                           : streq(allowed[i], "sysfs") ? "/sys"
                                                        : "/m";
        _cleanup_free_ char *m = xasprintf(
            "{\"destination\":\"%s\",\"type\":\"%s\",\"source\":\"x\",\"options\":[\"ro\"]}", dest,
            allowed[i]);
        ck_assert_msg(one_mount(&t, m, &why) == 0, "%s: %s", allowed[i], why);
        run_done(&t);
    }
    /* a granted type's source is a host path when it looks like one */
    {
        Run g;
        run_init(&g);
        g.policy->mount_types = (strv_free(g.policy->mount_types), strv_of("ext4", "nfs", NULL));
        ck_assert_uint_eq(
            one_mount(&g, "{\"destination\":\"/m\",\"type\":\"ext4\",\"source\":\"dev/sda\"}",
                      &why),
            1);
        ck_assert_ptr_nonnull(strstr(why, "is not an absolute path"));
        ck_assert_uint_eq(
            one_mount(&g, "{\"destination\":\"/m\",\"type\":\"ext4\",\"source\":\"//dev/sda\"}",
                      &why),
            1);
        ck_assert_uint_eq(one_mount(&g,
                                    "{\"destination\":\"/m\",\"type\":\"nfs\",\"source\":"
                                    "\"server:/export\"}",
                                    &why),
                          0);
        run_done(&g);
    }
    /* a bind is a bind whatever its type says, to runc; crun passes the
     * type on, so only "bind" and "none" go */
    Run t;
    run_init(&t);
    ck_assert_uint_eq(one_mount(&t,
                                "{\"destination\":\"/m\",\"type\":\"none\",\"source\":\"/srv\","
                                "\"options\":[\"rbind\"]}",
                                &why),
                      0);
    ck_assert_uint_eq(one_mount(&t,
                                "{\"destination\":\"/m\",\"type\":\"ext4\",\"source\":\"/srv\","
                                "\"options\":[\"rbind\"]}",
                                &why),
                      1);
    ck_assert_ptr_nonnull(strstr(why, "a bind mount at /m of type \"ext4\""));
    ck_assert_uint_eq(one_mount(&t, "{\"destination\":\"/m\",\"source\":\"/srv\"}", &why), 1);
    ck_assert_ptr_nonnull(strstr(why, "has no type and no bind option"));
    run_done(&t);
}
END_TEST

/* Options are an allow-list per type; a comma would smuggle several into
 * mount(2)'s data; rsuid/rdev/rrw undo brig's flags below the mount. */
START_TEST(test_options)
{
    static const struct {
        const char *type, *option;
        bool ok;
    } cases[] = {
        {"tmpfs", "size=64m", true},
        {"tmpfs", "mode=1777", true},
        {"tmpfs", "nr_inodes=1k", true},
        {"tmpfs", "mpol=bind", false},
        {"tmpfs", "size=1m,huge=always", false},
        {"devpts", "ptmxmode=0666", true},
        {"devpts", "size=1m", false},
        {"proc", "hidepid=2", true},
        {"sysfs", "mode=755", false},
        {"mqueue", "relatime", true},
        {"bind", "rbind", true},
        {"bind", "rslave", true},
        {"bind", "rsuid", false},
        {"bind", "rdev", false},
        {"bind", "rrw", false},
        {"bind", "remount", false},
        {"bind", "mode=755", false},
        {"bind", "idmap", false},
        {"bind", "x-foo", false},
        {"cgroup2", "nsdelegate", true},
    };
    _cleanup_free_ char *why = NULL;
    for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
        Run t;
        run_init(&t);
        bool bind = streq(cases[i].type, "bind");
        _cleanup_free_ char *m =
            xasprintf("{\"destination\":\"/%s\",\"type\":\"%s\",\"source\":\"%s\",\"options\":"
                      "[%s\"%s\"]}",
                      streq(cases[i].type, "proc")    ? "proc"
                      : streq(cases[i].type, "sysfs") ? "sys"
                                                      : "m",
                      cases[i].type, bind ? "/srv" : "x", bind ? "\"bind\"," : "", cases[i].option);
        size_t n = one_mount(&t, m, &why);
        ck_assert_msg(n == (cases[i].ok ? 0u : 1u), "%s %s: %s", cases[i].type, cases[i].option,
                      why ? why : "accepted");
        if (!cases[i].ok && !strchr(cases[i].option, ',')) {
            ck_assert_ptr_nonnull(strstr(why, "(policy \"mountOptions\""));
            t.policy->mount_options =
                (strv_free(t.policy->mount_options), strv_of(cases[i].option, NULL));
            ck_assert_uint_eq(one_mount(&t, m, &why), 0);
        }
        run_done(&t);
    }
}
END_TEST

/* Overlay, once granted, has every directory judged, in every form
 * (issue 13, row 4). */
/* The kernel reads only the first 4095 bytes of a mount's options: a
 * mount of any type whose joined options pass MOUNT_DATA_MAX (3839) is
 * refused, since what follows would be cut or dropped unread (an overlay
 * lowerdir cut to the host's /etc: redteam.bats).  A bind's options are
 * flags, not data. */
START_TEST(test_options_past_the_page)
{
    Run t;
    run_init(&t);
    _cleanup_free_ char *reason = NULL;
    /* proc: 3839 bytes joined pass, 3840 do not ("hidepid=2,gid=" is 14) */
    char digits[3840];
    memset(digits, '0', sizeof(digits));
    digits[3839 - 14] = '\0';
    _cleanup_free_ char *fits = xasprintf("{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":"
                                          "\"proc\",\"options\":[\"hidepid=2\",\"gid=%s\"]}",
                                          digits);
    ck_assert_uint_eq(one_mount(&t, fits, &reason), 0);
    digits[3839 - 14] = '0';
    digits[3840 - 14] = '\0';
    _cleanup_free_ char *over = xasprintf("{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":"
                                          "\"proc\",\"options\":[\"hidepid=2\",\"gid=%s\"]}",
                                          digits);
    ck_assert_uint_eq(one_mount(&t, over, &reason), 1);
    ck_assert_msg(strstr(reason, "the options of the proc mount at /proc take 3840 bytes: the "
                                 "kernel reads only the first 4095 bytes") &&
                      strstr(reason, "at most 3839"),
                  "%s", reason);
    /* a bind's options are flags: never data the kernel cuts */
    _cleanup_free_ char *binds = xstrdup("");
    for (int k = 0; k < 600; k++) {
        char *n = xasprintf("%s\"nosuid\",", binds);
        free(binds);
        binds = n;
    }
    _cleanup_free_ char *bind = xasprintf("{\"destination\":\"/srv\",\"type\":\"bind\",\"source\":"
                                          "\"/srv\",\"options\":[%s\"rbind\"]}",
                                          binds);
    size_t n = one_mount(&t, bind, &reason);
    ck_assert_msg(n == 0 || !strstr(reason, "4095 bytes"), "%s", reason);
    run_done(&t);
}
END_TEST

START_TEST(test_overlay)
{
    static const struct {
        const char *option;
        const char *needle; /* NULL: accepted */
    } cases[] = {
        {"lowerdir=/srv/l1:/srv/l2", NULL},
        {"lowerdir=/srv/l1:/etc", "overlay directory /etc is the sensitive host path /etc"},
        {"lowerdir+=/etc", "overlay directory /etc is the sensitive host path /etc"},
        {"datadir+=/etc", "overlay directory /etc is the sensitive host path /etc"},
        {"lowerdir=/srv/a\\\\:b::/usr", "overlay directory /usr is the sensitive host path"},
        /* "\:" is a colon in a name, "\\" a backslash: as overlayfs splits */
        {"lowerdir=/srv/a\\\\:/etc", NULL},
        {"lowerdir=/srv/a\\\\\\\\:/etc", "overlay directory /etc is the sensitive host path"},
        {"lowerdir+=/srv/a:/etc", "names no single directory"},
        {"upperdir=//proc/./sys",
         "overlay directory /proc/sys is below the sensitive host path /proc"},
        {"workdir=work", "is not an absolute path"},
        {"upperdir=/srv/u/../../etc", "has a \"..\" component"},
        {"redirect_dir=on", "(policy \"mountOptions\": [\"redirect_dir=\"])"},
    };
    _cleanup_free_ char *why = NULL;
    for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
        Run t;
        run_init(&t);
        t.policy->mount_types = (strv_free(t.policy->mount_types), strv_of("overlay", NULL));
        _cleanup_free_ char *m =
            xasprintf("{\"destination\":\"/o\",\"type\":\"overlay\",\"source\":\"overlay\","
                      "\"options\":[\"%s\"]}",
                      cases[i].option);
        size_t n = one_mount(&t, m, &why);
        if (!cases[i].needle)
            ck_assert_msg(n == 0, "%s: %s", cases[i].option, why);
        else
            ck_assert_msg(n == 1 && strstr(why, cases[i].needle), "%s: %s", cases[i].option,
                          why ? why : "accepted");
        run_done(&t);
    }
}
END_TEST

/* The engines' per-container files: this container's, or another's
 * read-only; a pod's only when the pod uid comes from the engine. */
START_TEST(test_engine_identities)
{
    const char *id = "c0ffee";
    _cleanup_free_ char *why = NULL;
    Run t;
    run_init(&t);
    t.ctx.container_id = id;
    ck_assert_uint_eq(
        one_mount(&t,
                  "{\"destination\":\"/etc/hosts\",\"type\":\"bind\",\"source\":"
                  "\"/var/lib/docker/containers/c0ffee/hosts\",\"options\":[\"rbind\"]}",
                  &why),
        0);
    _cleanup_free_ char *o =
        tu_compact(brig_json_get(brig_json_get(t.spec, "mounts")->kids[0], "options"));
    ck_assert_str_eq(o, "[\"rbind\",\"nosuid\",\"nodev\"]");
    /* docker run --network container:other: the other's hosts, read-only */
    ck_assert_uint_eq(
        one_mount(&t,
                  "{\"destination\":\"/etc/hosts\",\"type\":\"bind\",\"source\":"
                  "\"/var/lib/docker/containers/beef/hosts\",\"options\":[\"rbind\"]}",
                  &why),
        0);
    free(o);
    o = tu_compact(brig_json_get(brig_json_get(t.spec, "mounts")->kids[0], "options"));
    ck_assert_str_eq(o, "[\"rbind\",\"ro\",\"nosuid\",\"nodev\"]");
    ck_assert_uint_eq(
        one_mount(&t,
                  "{\"destination\":\"/c\",\"type\":\"bind\",\"source\":"
                  "\"/var/lib/docker/containers/beef/config.v2.json\",\"options\":[\"rbind\"]}",
                  &why),
        1);
    ck_assert_uint_eq(
        one_mount(&t,
                  "{\"destination\":\"/dev/shm\",\"type\":\"bind\",\"source\":"
                  "\"/var/lib/docker/containers/beef/mounts/shm\",\"options\":[\"rbind\"]}",
                  &why),
        1);
    run_done(&t);

    /* kubelet volumes: the pod uid counts from containerd's CRI bundle, or
     * from a key the policy trusts; never as any pod's */
    static const char *const pod_mount =
        "{\"annotations\":{\"io.kubernetes.cri.sandbox-uid\":\"p1\","
        "\"io.kubernetes.cri.sandbox-id\":\"s1\"},\"mounts\":["
        "{\"destination\":\"/t\",\"type\":\"bind\",\"source\":"
        "\"/var/lib/kubelet/pods/%s/volumes/kubernetes.io~projected/"
        "token\",\"options\":[\"rbind\",\"ro\"]},"
        "{\"destination\":\"/etc/hostname\",\"type\":\"bind\",\"source\":"
        "\"/var/lib/containerd/io.containerd.grpc.v1.cri/sandboxes/%s/"
        "hostname\",\"options\":[\"rbind\"]}]}";
    static const struct {
        const char *bundle, *pod, *sandbox;
        bool trust;
        size_t refused;
    } pods[] = {
        {"/run/containerd/io.containerd.runtime.v2.task/k8s.io/c0ffee", "p1", "s1", false, 0},
        {"/run/containerd/io.containerd.runtime.v2.task/k8s.io/c0ffee", "p2", "s2", false, 2},
        {"/run/containerd/io.containerd.runtime.v2.task/moby/c0ffee", "p1", "s1", false, 2},
        {"/run/containerd/io.containerd.runtime.v2.task/k8s.io/other", "p1", "s1", false, 2},
        {"/srv/bundle", "p1", "s1", true, 0},
    };
    for (size_t i = 0; i < ELEMENTSOF(pods); i++) {
        run_init(&t);
        t.ctx.container_id = id;
        t.ctx.bundle = pods[i].bundle;
        if (pods[i].trust)
            t.policy->trusted_annotations =
                (strv_free(t.policy->trusted_annotations),
                 strv_of("io.kubernetes.cri.sandbox-uid", "io.kubernetes.cri.sandbox-id", NULL));
        _cleanup_free_ char *json = xasprintf(pod_mount, pods[i].pod, pods[i].sandbox);
        ck_assert_int_eq(run_pass(&t, json), 0);
        ck_assert_msg(brig_report_count(&t.rep, BRIG_REFUSE) == pods[i].refused, "case %zu", i);
        run_done(&t);
    }
}
END_TEST

/* Every real engine config, run as the container it was captured from, has
 * its own files, shm, mqueue and cgroup mounts accepted: only the docker.sock
 * bind and rootless runc's bind of the host's /sys are refused. */
START_TEST(test_engine_configs_accepted)
{
    static const struct {
        const char *name;
        size_t refused;
    } want[] = {{"docker-sock", 1}, {"runc-spec-rootless", 1}}; /* name prefixes */
    glob_t g;
    ck_assert_int_eq(glob(BRIG_TEST_DATA "/configs/*.json", 0, NULL, &g), 0);
    size_t checked = 0;
    for (size_t i = 0; i < g.gl_pathc; i++) {
        const char *base = strrchr(g.gl_pathv[i], '/') + 1;
        _cleanup_free_ char *rel = xasprintf("configs/%s", base);
        _cleanup_free_ char *text = tu_read_data(rel, NULL);
        if (!strstr(text, "\"mounts\""))
            continue; /* an exec process file */
        /* the id the engine named its per-container directory after */
        char id[65] = "";
        for (const char *m = text; !id[0] && (m = strstr(m, "containers/")); m += 11) {
            size_t n = 0;
            while (n < 64 && isxdigit((unsigned char)m[11 + n]))
                n++;
            if (n == 64 && m[11 + 64] == '/')
                snprintf(id, sizeof(id), "%.64s", m + 11);
        }
        Run t;
        run_init(&t);
        t.ctx.container_id = id[0] ? id : "test";
        ck_assert_int_eq(run_pass(&t, text), 0);
        size_t expect = 0;
        for (size_t k = 0; k < ELEMENTSOF(want); k++)
            if (startswith(base, want[k].name))
                expect = want[k].refused;
        ck_assert_msg(brig_report_count(&t.rep, BRIG_REFUSE) == expect, "%s: %zu refusals (%s)",
                      base, brig_report_count(&t.rep, BRIG_REFUSE),
                      t.rep.n ? t.rep.v[0].reason : "");
        /* and its own files stay as the engine wrote them: never read-only */
        for (size_t k = 0; k < t.rep.n; k++)
            ck_assert_msg(!strstr(t.rep.v[k].reason, "read-only only"), "%s: %s", base,
                          t.rep.v[k].reason);
        checked++;
        run_done(&t);
    }
    globfree(&g);
    ck_assert_uint_ge(checked, 15);
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
    tcase_add_test(tc, test_engine_tmpfs_owner);
    tcase_add_test(tc, test_sensitive_refusals);
    tcase_add_test(tc, test_lexical_paths);
    tcase_add_test(tc, test_policy_grant_read_only);
    tcase_add_test(tc, test_relative_sources);
    tcase_add_test(tc, test_never_widens);
    tcase_add_test(tc, test_sysfs_read_only);
    tcase_add_test(tc, test_dev_destinations);
    tcase_add_test(tc, test_types);
    tcase_add_test(tc, test_options);
    tcase_add_test(tc, test_overlay);
    tcase_add_test(tc, test_engine_identities);
    tcase_add_test(tc, test_engine_configs_accepted);
    tcase_add_test(tc, test_wrong_types);
    tcase_add_test(tc, test_options_past_the_page);
    suite_add_tcase(s, tc);
    return tu_run(s);
}
