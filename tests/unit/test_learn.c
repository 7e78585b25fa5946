/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Learn mode without a container: calls as the daemon describes them go
 * through the inference (observe.c), the learn data through brig learned's
 * policy (learned.c), and the policy it writes through the policy parser. */
#include <fcntl.h>
#include <linux/sched.h>
#include <stdio.h>
#include <sys/stat.h>

#include "learn/learn.h"
#include "passes/passes.h"
#include "seccomp_explain.h"
#include "policy.h"
#include "testutil.h"

static BrigLearnCall call(const char *sys)
{
    return (BrigLearnCall){.pid = 42,
                           .comm = "svc",
                           .syscall = sys,
                           .exists = {-1, -1},
                           .sock_family = -1,
                           .sock_port = -1};
}

static BrigJson *data_of(BrigLearnObs *o)
{
    return brig_learn_obs_json(o, true);
}

static BrigLearnObs *obs(void)
{
    char *mounts[] = {(char *)"/proc", (char *)"/etc/hosts", (char *)"/srv/vol", NULL};
    return brig_learn_obs_new("c1", mounts);
}

static bool blocker_has(const BrigLearned *l, const char *needle)
{
    for (char **b = l->blockers; b && *b; b++)
        if (strstr(*b, needle))
            return true;
    return false;
}

START_TEST(chown_and_write_become_tmpfs_and_cap)
{
    BrigLearnObs *o = obs();
    BrigLearnCall c = call("openat");
    c.root = true;
    c.args[2] = O_WRONLY | O_CREAT;
    c.paths[0] = "/var/lib/nginx/body";
    c.exists[0] = 0;
    brig_learn_obs_call(o, &c, false);
    c = call("chown");
    c.root = true;
    c.paths[0] = "/var/lib/nginx/body";
    c.args[1] = 33;
    c.args[2] = 33;
    brig_learn_obs_call(o, &c, false);
    BrigJson *d = data_of(o);
    BrigLearned l;
    tu_learned(d, &l);
    ck_assert_ptr_null(l.blockers);
    ck_assert_ptr_nonnull(l.policy);
    const BrigJson *w = tu_rule_named(l.policy, "learned: writable /var/lib/nginx");
    ck_assert_ptr_nonnull(w);
    ck_assert_str_eq(brig_json_str(brig_json_get_path(w, "allow/writablePaths")->kids[0]),
                     "/var/lib/nginx");
    ck_assert_ptr_nonnull(strstr(brig_json_str(brig_json_get(w, "reason")), "/var/lib/nginx/body"));
    const BrigJson *cap = tu_rule_named(l.policy, "learned: CAP_CHOWN");
    ck_assert_ptr_nonnull(cap);
    ck_assert_ptr_nonnull(strstr(brig_json_str(brig_json_get(cap, "reason")), "chown"));
    /* tmpfs, never a writable root, never root for a mere chown */
    ck_assert_ptr_null(tu_rule_named(l.policy, "learned: writable root filesystem"));
    ck_assert_ptr_null(tu_rule_named(l.policy, "learned: root"));
    /* brig's default profile sufficed */
    ck_assert_ptr_null(l.seccomp);
    brig_learned_done(&l);
    brig_json_free(d);
    brig_learn_obs_free(o);
}
END_TEST

START_TEST(writes_not_on_the_image_are_ignored)
{
    BrigLearnObs *o = obs();
    const char *paths[] = {"/tmp/x",     "/run/app.pid", "/var/run/a", "/proc/self/attr",
                           "/etc/hosts", "/srv/vol/db",  "/dev/null",  "/var/tmp/y"};
    for (size_t i = 0; i < ELEMENTSOF(paths); i++) {
        BrigLearnCall c = call("openat");
        c.args[2] = O_WRONLY;
        c.paths[0] = paths[i];
        brig_learn_obs_call(o, &c, false);
    }
    /* mkdir -p of what exists, O_CREAT read-only of what exists, rm -f of
     * what is not there: nothing written */
    BrigLearnCall c = call("mkdir");
    c.paths[0] = "/var";
    c.exists[0] = 1;
    brig_learn_obs_call(o, &c, false);
    c = call("mkdir");
    c.paths[0] = "/";
    brig_learn_obs_call(o, &c, false);
    c = call("openat");
    c.args[2] = O_RDONLY | O_CREAT;
    c.paths[0] = "/etc/app.conf";
    c.exists[0] = 1;
    brig_learn_obs_call(o, &c, false);
    c = call("unlinkat");
    c.paths[0] = "/etc/gone";
    c.exists[0] = 0;
    brig_learn_obs_call(o, &c, false);
    /* and reads are reads */
    c = call("openat");
    c.args[2] = O_RDONLY;
    c.paths[0] = "/etc/passwd";
    brig_learn_obs_call(o, &c, false);
    BrigJson *d = data_of(o);
    ck_assert_uint_eq(brig_json_get(d, "writes")->n, 0);
    brig_json_free(d);
    brig_learn_obs_free(o);
}
END_TEST

START_TEST(root_dir_write_needs_writable_root)
{
    BrigLearnObs *o = obs();
    BrigLearnCall c = call("openat");
    c.args[2] = O_WRONLY | O_CREAT;
    c.paths[0] = "/marker";
    c.exists[0] = 0;
    brig_learn_obs_call(o, &c, false);
    c.paths[0] = "/etc/app/state";
    brig_learn_obs_call(o, &c, false);
    BrigJson *d = data_of(o);
    BrigLearned l;
    tu_learned(d, &l);
    const BrigJson *r = tu_rule_named(l.policy, "learned: writable root filesystem");
    ck_assert_ptr_nonnull(r);
    ck_assert(brig_json_is_true(brig_json_get_path(r, "allow/writableRootfs")));
    ck_assert_ptr_nonnull(strstr(brig_json_str(brig_json_get(r, "reason")), "/marker"));
    brig_learned_done(&l);
    brig_json_free(d);
    brig_learn_obs_free(o);
}
END_TEST

START_TEST(created_dirs_need_no_tmpfs_of_their_own)
{
    BrigLearnObs *o = obs();
    BrigLearnCall c = call("mkdir");
    c.paths[0] = "/data/new";
    c.exists[0] = 0;
    brig_learn_obs_call(o, &c, false);
    c = call("openat");
    c.args[2] = O_WRONLY | O_CREAT;
    c.paths[0] = "/data/new/deep/x";
    brig_learn_obs_call(o, &c, false);
    c.paths[0] = "/data/sub/y"; /* an image directory below another: in its copy */
    brig_learn_obs_call(o, &c, false);
    BrigJson *d = data_of(o);
    BrigLearned l;
    tu_learned(d, &l);
    const BrigJson *r = tu_rule_named(l.policy, "learned: writable /data");
    ck_assert_ptr_nonnull(r);
    ck_assert_ptr_nonnull(
        strstr(brig_json_str(brig_json_get(r, "reason")), "and in /data/sub below it"));
    ck_assert_ptr_null(tu_rule_named(l.policy, "learned: writable /data/sub"));
    ck_assert_ptr_null(tu_rule_named(l.policy, "learned: writable /data/new/deep"));
    brig_learned_done(&l);
    brig_json_free(d);
    brig_learn_obs_free(o);
}
END_TEST

START_TEST(mount_is_refused_and_named)
{
    BrigLearnObs *o = obs();
    BrigLearnCall c = call("mount");
    c.pid = 77;
    c.comm = "mounter";
    c.paths[0] = "/mnt";
    brig_learn_obs_call(o, &c, false);
    BrigJson *d = data_of(o);
    BrigLearned l;
    tu_learned(d, &l);
    ck_assert_ptr_null(l.policy);
    ck_assert(blocker_has(&l, "CAP_SYS_ADMIN"));
    ck_assert(blocker_has(&l, "mount(\"/mnt\") by mounter (pid 77)"));
    brig_learned_done(&l);
    brig_json_free(d);
    brig_learn_obs_free(o);
}
END_TEST

START_TEST(forbidden_caps_are_never_granted)
{
    static const struct {
        const char *sys;
        uint64_t a0, a1;
        const char *cap;
    } cases[] = {
        {"unshare", CLONE_NEWNET, 0, "CAP_SYS_ADMIN"},
        {"clone", CLONE_NEWNS, 0, "CAP_SYS_ADMIN"},
        {"setns", 3, 0, "CAP_SYS_ADMIN"},
        {"sethostname", 0, 0, "CAP_SYS_ADMIN"},
        {"init_module", 0, 0, "CAP_SYS_MODULE"},
        {"finit_module", 0, 0, "CAP_SYS_MODULE"},
        {"open_by_handle_at", 0, 0, "CAP_DAC_READ_SEARCH"},
    };
    for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
        BrigLearnObs *o = obs();
        BrigLearnCall c = call(cases[i].sys);
        c.args[0] = cases[i].a0;
        c.args[1] = cases[i].a1;
        brig_learn_obs_call(o, &c, false);
        BrigJson *d = data_of(o);
        BrigLearned l;
        tu_learned(d, &l);
        ck_assert_msg(l.policy == NULL, "%s gave a policy", cases[i].sys);
        ck_assert_msg(blocker_has(&l, cases[i].cap), "%s: %s not named", cases[i].sys,
                      cases[i].cap);
        ck_assert_msg(blocker_has(&l, cases[i].sys), "%s not named", cases[i].sys);
        brig_learned_done(&l);
        brig_json_free(d);
        brig_learn_obs_free(o);
    }
    /* a user namespace alone needs no capability */
    BrigLearnObs *o = obs();
    BrigLearnCall c = call("unshare");
    c.args[0] = CLONE_NEWUSER;
    brig_learn_obs_call(o, &c, false);
    BrigJson *d = data_of(o);
    ck_assert_uint_eq(brig_json_get(d, "capabilities")->n, 0);
    brig_json_free(d);
    brig_learn_obs_free(o);
}
END_TEST

START_TEST(enforce_refusals_block_sysctls_are_granted)
{
    BrigLearnObs *o = obs();
    BrigLearnCall c = call("read");
    brig_learn_obs_call(o, &c, false);
    BrigReport rep = {0};
    brig_report_refuse(&rep, "/linux/namespaces/2", NULL,
                       "the host's network namespace is not allowed by p.json");
    brig_report_fix(&rep, "/linux/sysctl/net.ipv4.tcp_syncookies", NULL, NULL,
                    "not in the safe set");
    brig_learn_obs_enforce(o, &rep);
    BrigJson *d = data_of(o);
    BrigLearned l;
    tu_learned(d, &l);
    ck_assert_ptr_null(l.policy);
    ck_assert(blocker_has(&l, "/linux/namespaces/2"));
    brig_learned_done(&l);
    brig_json_free(d);
    brig_learn_obs_free(o);
    brig_report_clear(&rep);

    o = obs();
    brig_learn_obs_call(o, &c, false);
    brig_report_fix(&rep, "/linux/sysctl/net.ipv4.tcp_syncookies", NULL, NULL,
                    "not in the safe set");
    brig_learn_obs_enforce(o, &rep);
    d = data_of(o);
    tu_learned(d, &l);
    const BrigJson *r = tu_rule_named(l.policy, "learned: sysctl net.ipv4.tcp_syncookies");
    ck_assert_ptr_nonnull(r);
    ck_assert_str_eq(brig_json_str(brig_json_get_path(r, "allow/sysctls")->kids[0]),
                     "net.ipv4.tcp_syncookies");
    brig_learned_done(&l);
    brig_json_free(d);
    brig_learn_obs_free(o);
    brig_report_clear(&rep);
}
END_TEST

START_TEST(uid_switch_keeps_root_plain_root_does_not)
{
    BrigLearnObs *o = obs();
    BrigLearnCall c = call("setuid");
    c.root = true;
    c.args[0] = 101;
    brig_learn_obs_call(o, &c, false);
    c = call("setgroups");
    c.root = true;
    brig_learn_obs_call(o, &c, false);
    c = call("bind");
    c.root = true;
    c.sock_family = 2;
    c.sock_port = 80;
    brig_learn_obs_call(o, &c, false);
    BrigJson *d = data_of(o);
    BrigLearned l;
    tu_learned(d, &l);
    const BrigJson *r = tu_rule_named(l.policy, "learned: root");
    ck_assert_ptr_nonnull(r);
    ck_assert_ptr_nonnull(strstr(brig_json_str(brig_json_get(r, "reason")), "uid 101"));
    ck_assert_ptr_nonnull(tu_rule_named(l.policy, "learned: CAP_SETUID"));
    ck_assert_ptr_nonnull(tu_rule_named(l.policy, "learned: CAP_SETGID"));
    ck_assert_ptr_nonnull(tu_rule_named(l.policy, "learned: CAP_NET_BIND_SERVICE"));
    brig_learned_done(&l);
    brig_json_free(d);
    brig_learn_obs_free(o);

    /* root that never switched: the policy's non-root user will do; a
     * high port needs nothing */
    o = obs();
    c = call("bind");
    c.root = true;
    c.sock_family = 2;
    c.sock_port = 8080;
    brig_learn_obs_call(o, &c, false);
    d = data_of(o);
    tu_learned(d, &l);
    ck_assert_ptr_null(tu_rule_named(l.policy, "learned: root"));
    ck_assert_uint_eq(brig_json_get(l.policy, "rules")->n, 0);
    brig_learned_done(&l);
    brig_json_free(d);
    brig_learn_obs_free(o);
}
END_TEST

START_TEST(runtime_calls_grant_nothing)
{
    BrigLearnObs *o = obs();
    BrigLearnCall c = call("mount");
    c.runtime = true;
    c.paths[0] = "/mnt";
    brig_learn_obs_call(o, &c, false);
    BrigJson *d = data_of(o);
    ck_assert_uint_eq(brig_json_get(d, "capabilities")->n, 0);
    ck_assert(!brig_json_is_true(brig_json_get(d, "ran")));
    /* nothing ran: nothing to learn from */
    BrigLearned l;
    BrigError *err = NULL;
    ck_assert_int_lt(brig_learned_policy(d, "*", "/x", &l, &err), 0);
    ck_assert_ptr_nonnull(strstr(err->msg, "never ran"));
    brig_error_free(err);
    brig_json_free(d);
    brig_learn_obs_free(o);
}
END_TEST

/* Fills the nodes of path argument k: each directory from "/" down, then
 * the path itself (mode 0: it does not exist). */
static void nodes(BrigLearnCall *c, int k, const uint32_t (*v)[3], size_t n)
{
    for (size_t i = 0; i < n; i++)
        c->nodes[k][i] =
            (BrigLearnNode){.known = v[i][2] != 0, .uid = v[i][0], .gid = v[i][1], .mode = v[i][2]};
    c->nnodes[k] = n;
}

#define DIR755                                                                                     \
    {                                                                                              \
        0, 0, S_IFDIR | 0755                                                                       \
    }

static BrigLearnCall root_open(const char *path, uint64_t flags)
{
    BrigLearnCall c = call("openat");
    c.root = true;
    c.args[2] = flags;
    c.paths[0] = path;
    return c;
}

static BrigLearned learned_of(BrigLearnObs *o, BrigJson **d)
{
    BrigLearned l;
    *d = data_of(o);
    tu_learned(*d, &l);
    return l;
}

static const char *reason_of(const BrigLearned *l, const char *rule)
{
    const BrigJson *r = tu_rule_named(l->policy, rule);
    return r ? brig_json_str(brig_json_get(r, "reason")) : NULL;
}

START_TEST(overwrite_of_image_file_needs_dac_override)
{
    /* a file of root's, 0644, written by root: root's uid is enough */
    BrigLearnObs *o = obs();
    brig_learn_obs_set_uid(o, 65534);
    BrigLearnCall c = root_open("/data/sub/img", O_WRONLY | O_APPEND);
    c.exists[0] = 1;
    c.owner[0] = 0;
    c.mode[0] = S_IFREG | 0644;
    const uint32_t v[][3] = {DIR755, DIR755, DIR755, {0, 0, S_IFREG | 0644}};
    nodes(&c, 0, v, 4);
    brig_learn_obs_call(o, &c, false);
    BrigJson *d;
    BrigLearned l = learned_of(o, &d);
    ck_assert_ptr_nonnull(tu_rule_named(l.policy, "learned: writable /data/sub"));
    ck_assert_ptr_null(tu_rule_named(l.policy, "learned: CAP_DAC_OVERRIDE"));
    const char *r = reason_of(&l, "learned: root");
    ck_assert_ptr_nonnull(r);
    ck_assert_ptr_nonnull(strstr(r, "writes /data/sub/img, which the image has owned by uid 0 "
                                    "gid 0 mode 0644"));
    brig_learned_done(&l);
    brig_json_free(d);
    brig_learn_obs_free(o);

    /* learn data of before the checks were recorded: its overwrites */
    o = obs();
    brig_learn_obs_call(o, &c, false);
    d = data_of(o);
    brig_json_remove(d, "access");
    tu_learned(d, &l);
    r = reason_of(&l, "learned: CAP_DAC_OVERRIDE");
    ck_assert_ptr_nonnull(r);
    ck_assert_ptr_nonnull(strstr(r, "uid 0 mode 0644"));
    brig_learned_done(&l);
    brig_json_free(d);
    brig_learn_obs_free(o);
}
END_TEST

/* redis: root reads a 0640 file of its own user's */
START_TEST(read_of_another_users_file_needs_dac_override)
{
    BrigLearnObs *o = obs();
    BrigLearnCall c = root_open("/etc/redis/redis.conf", O_RDONLY);
    const uint32_t v[][3] = {
        DIR755, DIR755, {999, 999, S_IFDIR | 02755}, {999, 999, S_IFREG | 0640}};
    nodes(&c, 0, v, 4);
    brig_learn_obs_call(o, &c, false);
    BrigJson *d;
    BrigLearned l = learned_of(o, &d);
    const char *r = reason_of(&l, "learned: CAP_DAC_OVERRIDE");
    ck_assert_ptr_nonnull(r);
    ck_assert_msg(strstr(r, "openat(\"/etc/redis/redis.conf\") by svc (pid 42) reads "
                            "/etc/redis/redis.conf, which the image has owned by uid 999 gid 999 "
                            "mode 0640: as uid 65534 gid 65534 under enforce"),
                  "%s", r);
    ck_assert_ptr_null(tu_rule_named(l.policy, "learned: root"));
    /* never the forbidden one */
    ck_assert_ptr_null(tu_rule_named(l.policy, "learned: CAP_DAC_READ_SEARCH"));
    brig_learned_done(&l);
    brig_json_free(d);
    brig_learn_obs_free(o);

    /* the same read by a process that is not root passed as itself */
    o = obs();
    c.root = false;
    brig_learn_obs_call(o, &c, false);
    l = learned_of(o, &d);
    ck_assert_uint_eq(brig_json_get(d, "access")->n, 0);
    ck_assert_uint_eq(brig_json_get(l.policy, "rules")->n, 0);
    brig_learned_done(&l);
    brig_json_free(d);
    brig_learn_obs_free(o);

    /* a group the process keeps under enforce passes it: nothing needed */
    o = obs();
    uint32_t groups[] = {4};
    brig_learn_obs_set_groups(o, 65534, groups, 1);
    c = root_open("/var/log/app.log", O_RDONLY);
    const uint32_t w[][3] = {DIR755, DIR755, DIR755, {0, 4, S_IFREG | 0640}};
    nodes(&c, 0, w, 4);
    brig_learn_obs_call(o, &c, false);
    l = learned_of(o, &d);
    ck_assert_uint_eq(brig_json_get(d, "access")->n, 1);
    ck_assert_uint_eq(brig_json_get(l.policy, "rules")->n, 0);
    brig_learned_done(&l);
    brig_json_free(d);
    brig_learn_obs_free(o);
}
END_TEST

/* lighttpd: root creates a file in a 0750 directory of www-data's, and a
 * daemon that keeps root (it switches uids) is judged as root */
START_TEST(create_in_another_users_dir_needs_dac_override)
{
    BrigLearnObs *o = obs();
    BrigLearnCall c = call("setuid");
    c.root = true;
    c.args[0] = 33;
    brig_learn_obs_call(o, &c, false);
    c = root_open("/var/log/lighttpd/error.log", O_WRONLY | O_CREAT | O_APPEND);
    const uint32_t v[][3] = {DIR755, DIR755, DIR755, {33, 4, S_IFDIR | 0750}, {0, 0, 0}};
    nodes(&c, 0, v, 5);
    brig_learn_obs_call(o, &c, false);
    BrigJson *d;
    BrigLearned l = learned_of(o, &d);
    ck_assert_ptr_nonnull(tu_rule_named(l.policy, "learned: root"));
    const char *r = reason_of(&l, "learned: CAP_DAC_OVERRIDE");
    ck_assert_ptr_nonnull(r);
    /* the search comes first on the way, the entry made after */
    ck_assert_msg(strstr(r, "searches /var/log/lighttpd, which the image has owned by uid 33 gid "
                            "4 mode 0750: as uid 0 gid 0 under enforce"),
                  "%s", r);
    const BrigJson *acc = brig_json_get(d, "access");
    ck_assert_uint_eq(acc->n, 2);
    ck_assert_str_eq(brig_json_str(brig_json_get(acc->kids[1], "what")), "creates an entry in");
    brig_learned_done(&l);
    brig_json_free(d);
    brig_learn_obs_free(o);
}
END_TEST

/* sshd: root reads its 0600 host keys: uid 0 kept, no capability */
START_TEST(read_of_roots_own_file_keeps_uid_0)
{
    BrigLearnObs *o = obs();
    BrigLearnCall c = root_open("/etc/ssh/ssh_host_ed25519_key", O_RDONLY);
    const uint32_t v[][3] = {DIR755, DIR755, DIR755, {0, 0, S_IFREG | 0600}};
    nodes(&c, 0, v, 4);
    brig_learn_obs_call(o, &c, false);
    BrigJson *d;
    BrigLearned l = learned_of(o, &d);
    ck_assert_ptr_null(tu_rule_named(l.policy, "learned: CAP_DAC_OVERRIDE"));
    const char *r = reason_of(&l, "learned: root");
    ck_assert_ptr_nonnull(r);
    ck_assert_msg(strstr(r, "reads /etc/ssh/ssh_host_ed25519_key, which the image has owned by "
                            "uid 0 gid 0 mode 0600: only root's uid or gid passes"),
                  "%s", r);
    ck_assert_uint_eq(brig_json_get(l.policy, "rules")->n, 1);
    brig_learned_done(&l);
    brig_json_free(d);

    /* with a check that needs another user's rights too, CAP_DAC_OVERRIDE
     * passes both: no uid 0 for the key */
    c = root_open("/etc/app/conf", O_RDONLY);
    const uint32_t w[][3] = {
        DIR755, DIR755, {1000, 1000, S_IFDIR | 0700}, {1000, 1000, S_IFREG | 0600}};
    nodes(&c, 0, w, 4);
    brig_learn_obs_call(o, &c, false);
    l = learned_of(o, &d);
    ck_assert_ptr_nonnull(tu_rule_named(l.policy, "learned: CAP_DAC_OVERRIDE"));
    ck_assert_ptr_null(tu_rule_named(l.policy, "learned: root"));
    brig_learned_done(&l);
    brig_json_free(d);
    brig_learn_obs_free(o);
}
END_TEST

/* What anyone passes, brig's scratch tmpfs, an O_PATH open and an exec
 * of a file without an x bit record nothing. */
START_TEST(checks_anyone_passes_are_not_recorded)
{
    BrigLearnObs *o = obs();
    BrigLearnCall c = root_open("/etc/passwd", O_RDONLY);
    const uint32_t v[][3] = {DIR755, DIR755, {0, 0, S_IFREG | 0644}};
    nodes(&c, 0, v, 3);
    brig_learn_obs_call(o, &c, false);
    c = root_open("/run/app/x", O_RDONLY);
    const uint32_t run[][3] = {DIR755, DIR755, {0, 0, S_IFDIR | 0700}, {0, 0, S_IFREG | 0600}};
    nodes(&c, 0, run, 4);
    brig_learn_obs_call(o, &c, false);
    c = root_open("/etc/shadow", O_PATH);
    const uint32_t sh[][3] = {DIR755, DIR755, {0, 42, S_IFREG | 0640}};
    nodes(&c, 0, sh, 3);
    brig_learn_obs_call(o, &c, false);
    c = call("execve");
    c.root = true;
    c.paths[0] = "/etc/shadow";
    nodes(&c, 0, sh, 3);
    brig_learn_obs_call(o, &c, false);
    BrigJson *d = data_of(o);
    ck_assert_uint_eq(brig_json_get(d, "access")->n, 0);
    brig_json_free(d);
    brig_learn_obs_free(o);
}
END_TEST

/* Under enforce a writable path's tmpfs is the non-root process's, and
 * what the container makes is its own: no grant for entries made there. */
START_TEST(what_it_makes_and_writable_paths_are_its_own)
{
    BrigLearnObs *o = obs();
    /* mkdir /data/new in the image's /data (root's, 0755): /data becomes
     * a writable path */
    BrigLearnCall c = call("mkdir");
    c.root = true;
    c.paths[0] = "/data/new";
    const uint32_t v[][3] = {DIR755, DIR755, {0, 0, 0}};
    nodes(&c, 0, v, 3);
    brig_learn_obs_call(o, &c, false);
    /* then a file in it, written again later */
    c = root_open("/data/new/x", O_WRONLY | O_CREAT);
    const uint32_t w[][3] = {DIR755, DIR755, DIR755, {0, 0, 0}};
    nodes(&c, 0, w, 4);
    brig_learn_obs_call(o, &c, false);
    c = root_open("/data/new/x", O_WRONLY);
    const uint32_t x[][3] = {DIR755, DIR755, DIR755, {0, 0, S_IFREG | 0644}};
    nodes(&c, 0, x, 4);
    brig_learn_obs_call(o, &c, false);
    /* a file created in the writable path itself, written again */
    c = root_open("/data/f", O_WRONLY | O_CREAT | O_TRUNC);
    const uint32_t f0[][3] = {DIR755, DIR755, {0, 0, 0}};
    nodes(&c, 0, f0, 3);
    brig_learn_obs_call(o, &c, false);
    c = root_open("/data/f", O_RDWR);
    const uint32_t f1[][3] = {DIR755, DIR755, {0, 0, S_IFREG | 0644}};
    nodes(&c, 0, f1, 3);
    brig_learn_obs_call(o, &c, false);
    BrigJson *d;
    BrigLearned l = learned_of(o, &d);
    /* recorded: the entries made in /data; judged: /data is the process's */
    const BrigJson *acc = brig_json_get(d, "access");
    ck_assert_uint_eq(acc->n, 1);
    ck_assert_str_eq(brig_json_str(brig_json_get(acc->kids[0], "path")), "/data");
    ck_assert_ptr_nonnull(tu_rule_named(l.policy, "learned: writable /data"));
    ck_assert_ptr_null(tu_rule_named(l.policy, "learned: root"));
    ck_assert_ptr_null(tu_rule_named(l.policy, "learned: CAP_DAC_OVERRIDE"));
    brig_learned_done(&l);
    brig_json_free(d);
    brig_learn_obs_free(o);
}
END_TEST

START_TEST(net_raw_only_where_the_kernel_checks_it)
{
    static const struct {
        uint64_t family, type;
        bool raw;
    } v[] = {
        {16, 0x80003, false}, /* AF_NETLINK, SOCK_RAW|SOCK_CLOEXEC: getifaddrs */
        {16, 2, false},       /* AF_NETLINK, SOCK_DGRAM */
        {1, 3, false},        /* AF_UNIX, SOCK_RAW */
        {2, 2, false},        /* AF_INET, SOCK_DGRAM (ping sockets too) */
        {2, 0x800 | 3, true}, /* AF_INET, SOCK_RAW|SOCK_NONBLOCK */
        {10, 3, true},        /* AF_INET6, SOCK_RAW */
        {10, 1, false},       /* AF_INET6, SOCK_STREAM */
        {17, 2, true},        /* AF_PACKET, SOCK_DGRAM */
        {17, 3, true},        /* AF_PACKET, SOCK_RAW */
        {2, 10, true},        /* AF_INET, SOCK_PACKET: made a packet socket */
        {5, 3, true},         /* AF_APPLETALK, SOCK_RAW */
        {29, 3, false},       /* AF_CAN, SOCK_RAW */
    };
    for (size_t i = 0; i < ELEMENTSOF(v); i++) {
        BrigLearnObs *o = obs();
        BrigLearnCall c = call("socket");
        c.root = true;
        c.args[0] = v[i].family;
        c.args[1] = v[i].type;
        brig_learn_obs_call(o, &c, false);
        BrigJson *d = data_of(o);
        const BrigJson *caps = brig_json_get(d, "capabilities");
        ck_assert_msg((caps->n == 1) == v[i].raw, "socket(%llu, %#llx): %zu caps",
                      (unsigned long long)v[i].family, (unsigned long long)v[i].type, caps->n);
        brig_json_free(d);
        brig_learn_obs_free(o);
    }
}
END_TEST

START_TEST(not_default_syscall_gives_recorded_profile)
{
    BrigLearnObs *o = obs();
    BrigLearnCall c = call("read");
    brig_learn_obs_call(o, &c, false);
    c = call("acct");    /* denied by brig's default without CAP_SYS_PACCT */
    c.arch = 0xc000003e; /* AUDIT_ARCH_X86_64 */
    c.nr = 163;
    brig_learn_obs_call(o, &c, true);
    BrigJson *d = data_of(o);
    BrigLearned l;
    tu_learned(d, &l);
    /* acct also infers CAP_SYS_PACCT, which the default profile keys
     * acct on: the default resolved for the grant may allow it */
    ck_assert_ptr_nonnull(l.policy);
    ck_assert_ptr_nonnull(tu_rule_named(l.policy, "learned: CAP_SYS_PACCT"));
    brig_learned_done(&l);
    brig_json_free(d);
    brig_learn_obs_free(o);

    /* a call no capability lets through the default: the recorded profile */
    o = obs();
    c = call("read");
    brig_learn_obs_call(o, &c, false);
    c = call("kexec_load");
    c.arch = 0xc000003e;
    c.nr = 246;
    brig_learn_obs_call(o, &c, true);
    d = data_of(o);
    tu_learned(d, &l);
    ck_assert_ptr_nonnull(l.policy);
    const BrigJson *r = tu_rule_named(l.policy, "learned: seccomp profile");
    ck_assert_ptr_nonnull(r);
    ck_assert_ptr_nonnull(strstr(brig_json_str(brig_json_get(r, "reason")), "kexec_load"));
    ck_assert_ptr_nonnull(l.seccomp);
    char *prof = tu_compact(l.seccomp);
    ck_assert_ptr_nonnull(strstr(prof, "\"read\""));
    ck_assert_ptr_nonnull(strstr(prof, "\"kexec_load\""));
    free(prof);
    brig_learned_done(&l);
    brig_json_free(d);
    brig_learn_obs_free(o);

    /* a call brig's argument tests denied (a user namespace) is allowed
     * outright; one they allowed (a plain fork) keeps them */
    o = obs();
    c = call("clone");
    c.arch = 0xc000003e;
    c.nr = 56;
    c.args[0] = 0x11; /* SIGCHLD */
    brig_learn_obs_call(o, &c, false);
    c = call("unshare");
    c.arch = 0xc000003e;
    c.nr = 272;
    c.args[0] = CLONE_NEWUSER;
    brig_learn_obs_call(o, &c, true);
    d = data_of(o);
    tu_learned(d, &l);
    ck_assert_ptr_nonnull(l.seccomp);
    BrigSim *sim = NULL;
    BrigError *err = NULL;
    ck_assert_int_eq(brig_sim_new(l.seccomp, &sim, &err), 0);
    uint64_t a_unshare[6] = {CLONE_NEWUSER}, a_clone_ns[6] = {CLONE_NEWNS | 0x11};
    ck_assert_uint_eq(brig_sim_action(sim, 0xc000003e, 272, a_unshare) & SECCOMP_RET_ACTION_FULL,
                      SECCOMP_RET_ALLOW);
    ck_assert_uint_ne(brig_sim_action(sim, 0xc000003e, 56, a_clone_ns) & SECCOMP_RET_ACTION_FULL,
                      SECCOMP_RET_ALLOW);
    brig_sim_free(sim);
    brig_learned_done(&l);
    brig_json_free(d);
    brig_learn_obs_free(o);
}
END_TEST

START_TEST(learn_profile_keeps_engine_denials)
{
    BrigJson *engine =
        tu_parse("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":"
                 "[\"SCMP_ARCH_X86_64\"],\"syscalls\":[{\"names\":[\"read\","
                 "\"write\",\"rt_sigreturn\"],\"action\":\"SCMP_ACT_ALLOW\"},{\"names\":["
                 "\"personality\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{"
                 "\"index\":0,\"value\":0,\"op\":\"SCMP_CMP_EQ\"}]}]}");
    BrigJson *p = NULL;
    BrigError *err = NULL;
    ck_assert_int_eq(brig_learn_profile(engine, &p, &err), 0);
    char *s = tu_compact(p);
    /* the default stays the engine's; write keeps ALLOW; the rest notifies */
    ck_assert_str_eq(brig_json_str(brig_json_get(p, "defaultAction")), "SCMP_ACT_ERRNO");
    ck_assert_ptr_nonnull(strstr(s, "{\"names\":[\"write\"],\"action\":\"SCMP_ACT_ALLOW\"}"));
    ck_assert_ptr_nonnull(strstr(s, "{\"names\":[\"read\"],\"action\":\"SCMP_ACT_NOTIFY\"}"));
    /* runc's Go init returns from signals and wakes threads before the
     * listener has the fd: never notified, listed or not */
    ck_assert_ptr_nonnull(
        strstr(s, "{\"names\":[\"rt_sigreturn\"],\"action\":\"SCMP_ACT_ALLOW\"}"));
    ck_assert_ptr_null(strstr(s, "\"futex\""));
    ck_assert_ptr_nonnull(strstr(s, "\"personality\"],\"action\":\"SCMP_ACT_NOTIFY\",\"args\""));
    free(s);
    brig_json_free(p);
    /* a listener of the engine's own cannot be combined */
    brig_json_set(engine, "listenerPath", brig_json_new_string("/x"));
    ck_assert_int_lt(brig_learn_profile(engine, &p, &err), 0);
    brig_error_free(err);
    brig_json_free(engine);
    /* none: ALLOW by default, everything but write notified */
    ck_assert_int_eq(brig_learn_profile(NULL, &p, &err), 0);
    ck_assert_str_eq(brig_json_str(brig_json_get(p, "defaultAction")), "SCMP_ACT_ALLOW");
    s = tu_compact(p);
    ck_assert_ptr_nonnull(strstr(s, "\"mount\""));
    ck_assert_ptr_null(strstr(s, "\"write\""));
    free(s);
    brig_json_free(p);
}
END_TEST

/* What a Go runtime calls on any thread (runc's init, between loading the
 * filter and handing the listener over) is never notified: nobody could
 * answer it yet.  runc create hung on a notified rt_sigreturn. */
START_TEST(learn_profile_never_notifies_runtime_internals)
{
    static const char *const quiet[] = {"rt_sigreturn", "futex", "mmap", "sched_yield", "tgkill"};
    BrigJson *engine = tu_parse("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":"
                                "[\"SCMP_ARCH_X86_64\"],\"syscalls\":[{\"names\":[\"read\","
                                "\"futex\",\"rt_sigreturn\"],\"action\":\"SCMP_ACT_ALLOW\"}]}");
    BrigJson *profiles[2] = {NULL, NULL};
    BrigError *err = NULL;
    ck_assert_int_eq(brig_learn_profile(engine, &profiles[0], &err), 0);
    ck_assert_int_eq(brig_learn_profile(NULL, &profiles[1], &err), 0);
    for (int k = 0; k < 2; k++) {
        const BrigJson *e;
        BRIG_JSON_FOREACH (e, brig_json_get(profiles[k], "syscalls")) {
            if (!streq(brig_json_str(brig_json_get(e, "action")), "SCMP_ACT_NOTIFY"))
                continue;
            for (size_t i = 0; i < ELEMENTSOF(quiet); i++)
                ck_assert_msg(!brig_json_array_has_string(brig_json_get(e, "names"), quiet[i]),
                              "profile %d notifies %s", k, quiet[i]);
        }
    }
    /* the engine's answer stays: ALLOW where it allowed them */
    char *s = tu_compact(profiles[0]);
    ck_assert_ptr_nonnull(strstr(s, "{\"names\":[\"futex\"],\"action\":\"SCMP_ACT_ALLOW\"}"));
    ck_assert_ptr_nonnull(
        strstr(s, "{\"names\":[\"rt_sigreturn\"],\"action\":\"SCMP_ACT_ALLOW\"}"));
    ck_assert_ptr_nonnull(strstr(s, "{\"names\":[\"read\"],\"action\":\"SCMP_ACT_NOTIFY\"}"));
    free(s);
    brig_json_free(profiles[0]);
    brig_json_free(profiles[1]);
    brig_json_free(engine);
}
END_TEST

START_TEST(policy_keys_validated)
{
    static const struct {
        const char *text, *msg;
    } bad[] = {
        {"{\"version\":1,\"defaults\":{\"writablePaths\":[\"var/lib\"]}}", "normal form"},
        {"{\"version\":1,\"defaults\":{\"writablePaths\":[\"/\"]}}", "writableRootfs"},
        {"{\"version\":1,\"defaults\":{\"writablePaths\":[\"/a/../b\"]}}", "normal form"},
        {"{\"version\":1,\"defaults\":{\"writablePaths\":[\"/a/\"]}}", "normal form"},
        {"{\"version\":1,\"defaults\":{\"writablePaths\":[\"/a,b\"]}}", "comma"},
        {"{\"version\":1,\"defaults\":{\"writablePaths\":[\"/proc/sys\"]}}", "kernel"},
        {"{\"version\":1,\"defaults\":{\"writablePaths\":[\"/dev\"]}}", "kernel"},
        {"{\"version\":1,\"defaults\":{\"writablePaths\":\"/a\"}}", "expected an array"},
        {"{\"version\":1,\"defaults\":{\"writableRootfs\":\"yes\"}}", "expected a bool"},
        {"{\"version\":1,\"rules\":[{\"name\":\"a\",\"match\":{\"ids\":[\"*\"]},\"reason\":1}]}",
         "/rules/0/reason: expected a string"},
    };
    for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
        BrigPolicyDoc *doc = NULL;
        BrigError *err = NULL;
        ck_assert_int_lt(brig_policy_parse(bad[i].text, strlen(bad[i].text), "p", &doc, &err), 0);
        ck_assert_msg(strstr(err->msg, bad[i].msg), "%s: %s", bad[i].text, err->msg);
        brig_error_free(err);
    }
    const char *ok = "{\"version\":1,\"mode\":\"learn\",\"defaults\":{\"writablePaths\":["
                     "\"/var/lib/nginx\",\"/data\"],\"writableRootfs\":true}}";
    BrigPolicyDoc *doc = NULL;
    BrigError *err = NULL;
    ck_assert_int_eq(brig_policy_parse(ok, strlen(ok), "p", &doc, &err), 0);
    ck_assert_int_eq(doc->defaults->mode, BRIG_MODE_LEARN);
    ck_assert_str_eq(doc->defaults->writable_paths[1], "/data");
    ck_assert(doc->defaults->writable_rootfs);
    BrigJson *shown = brig_policy_to_json(doc->defaults);
    char *s = tu_compact(shown);
    ck_assert_ptr_nonnull(strstr(s, "\"mode\":\"learn\""));
    ck_assert_ptr_nonnull(strstr(s, "\"writablePaths\":[\"/var/lib/nginx\",\"/data\"]"));
    ck_assert_ptr_nonnull(strstr(s, "\"writableRootfs\":true"));
    free(s);
    brig_json_free(shown);
    brig_policy_doc_free(doc);
}
END_TEST

/* The rootfs pass under writablePaths and writableRootfs. */
START_TEST(rootfs_pass_grants)
{
    BrigCtx ctx;
    BrigHost host;
    BrigPolicy *pol;
    tu_ctx(&ctx, &host, &pol);
    char *wp[] = {xstrdup("/var/lib/nginx"), NULL};
    pol->writable_paths = (strv_free(pol->writable_paths), xcalloc(2, sizeof(char *)));
    pol->writable_paths[0] = wp[0];
    BrigJson *spec = tu_parse("{\"root\":{\"path\":\"rootfs\"},\"process\":{\"user\":{\"uid\":"
                              "65534,\"gid\":65534}},\"mounts\":[]}");
    BrigReport rep = {0};
    BrigError *err = NULL;
    ck_assert_int_eq(pass_rootfs(&ctx, spec, &rep, &err), 0);
    char *s = tu_compact(spec);
    ck_assert_ptr_nonnull(strstr(s, "\"readonly\":true"));
    ck_assert_ptr_nonnull(
        strstr(s, "{\"destination\":\"/var/lib/nginx\",\"type\":\"tmpfs\",\"source\":\"tmpfs\","
                  "\"options\":[\"nosuid\",\"nodev\",\"uid=65534\",\"gid=65534\",\"size="));
    ck_assert_ptr_nonnull(strstr(s, "\"tmpcopyup\"]}"));
    free(s);
    /* idempotent */
    BrigJson *again = brig_json_copy(spec);
    brig_report_clear(&rep);
    ck_assert_int_eq(pass_rootfs(&ctx, again, &rep, &err), 0);
    ck_assert_uint_eq(rep.n, 0);
    brig_json_free(again);
    brig_json_free(spec);
    brig_report_clear(&rep);

    pol->writable_rootfs = true;
    spec = tu_parse("{\"root\":{\"path\":\"rootfs\",\"readonly\":false},\"mounts\":[]}");
    ck_assert_int_eq(pass_rootfs(&ctx, spec, &rep, &err), 0);
    ck_assert(!brig_json_is_true(brig_json_get_path(spec, "root/readonly")));
    brig_json_free(spec);
    brig_report_clear(&rep);
    brig_policy_free(pol);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("learn");
    TCase *t = tcase_create("core");
    tcase_add_test(t, chown_and_write_become_tmpfs_and_cap);
    tcase_add_test(t, writes_not_on_the_image_are_ignored);
    tcase_add_test(t, root_dir_write_needs_writable_root);
    tcase_add_test(t, created_dirs_need_no_tmpfs_of_their_own);
    tcase_add_test(t, mount_is_refused_and_named);
    tcase_add_test(t, forbidden_caps_are_never_granted);
    tcase_add_test(t, enforce_refusals_block_sysctls_are_granted);
    tcase_add_test(t, uid_switch_keeps_root_plain_root_does_not);
    tcase_add_test(t, runtime_calls_grant_nothing);
    tcase_add_test(t, overwrite_of_image_file_needs_dac_override);
    tcase_add_test(t, read_of_another_users_file_needs_dac_override);
    tcase_add_test(t, create_in_another_users_dir_needs_dac_override);
    tcase_add_test(t, read_of_roots_own_file_keeps_uid_0);
    tcase_add_test(t, checks_anyone_passes_are_not_recorded);
    tcase_add_test(t, net_raw_only_where_the_kernel_checks_it);
    tcase_add_test(t, what_it_makes_and_writable_paths_are_its_own);
    tcase_add_test(t, not_default_syscall_gives_recorded_profile);
    tcase_add_test(t, learn_profile_keeps_engine_denials);
    tcase_add_test(t, learn_profile_never_notifies_runtime_internals);
    tcase_add_test(t, policy_keys_validated);
    tcase_add_test(t, rootfs_pass_grants);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return tu_run(suite());
}
