/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The mounts pass with the host's real resolver (lib/hostpath.c): a bind
 * source is judged by the host path it names, through root's own symlinks
 * only; devices and sockets by what they are. */

#define PASS pass_mounts
#define DATA_DIR "pass_mounts"
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>

#include "hostpath.h"
#include "passtest.h"

static char tmp[64];

static void setup(void)
{
    snprintf(tmp, sizeof(tmp), "/tmp/brig-mounts-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmp));
}

static void teardown(void)
{
    _cleanup_free_ char *cmd = xasprintf("rm -rf '%s'", tmp);
    ck_assert_int_eq(system(cmd), 0);
}

static char *at(const char *rel)
{
    return xasprintf("%s/%s", tmp, rel);
}

static void run_host_init(Run *t)
{
    run_init(t);
    t->host.resolve_path = brig_host_path_resolve;
    t->host.resolve_paths_all = brig_host_paths_resolve_all;
}

/* Runs the pass over one bind of `source`; returns the number of refusals
 * and the first reason in *ret_reason (may be NULL). */
static size_t bind_refusals(Run *t, const char *source, char **ret_reason)
{
    brig_report_clear(&t->rep);
    _cleanup_free_ char *json =
        xasprintf("{\"mounts\":[{\"destination\":\"/x\",\"type\":\"bind\",\"source\":\"%s\","
                  "\"options\":[\"rbind\",\"nosuid\",\"nodev\"]}]}",
                  source);
    ck_assert_int_eq(run_pass(t, json), 0);
    size_t n = brig_report_count(&t->rep, BRIG_REFUSE);
    if (ret_reason)
        *ret_reason = n ? xstrdup(t->rep.v[0].reason) : NULL;
    return n;
}

static char *first_options(const Run *t)
{
    return tu_compact(brig_json_get(brig_json_get(t->spec, "mounts")->kids[0], "options"));
}

/* A symlink root owns, in a directory only root writes, is the admin's:
 * followed, and the decision is made on where it leads. */
START_TEST(test_trusted_symlink_followed)
{
    _cleanup_free_ char *d = at("d"), *l = at("d/etclink"), *ok = at("d/srvlink");
    ck_assert_int_eq(mkdir(d, 0755), 0);
    ck_assert_int_eq(symlink("/etc", l), 0);
    ck_assert_int_eq(symlink(tmp, ok), 0);
    Run t;
    run_host_init(&t);
    _cleanup_free_ char *why = NULL;
    ck_assert_uint_eq(bind_refusals(&t, l, &why), 1);
    _cleanup_free_ char *want =
        xasprintf("bind source %s (on this host /etc) is the sensitive host "
                  "path /etc",
                  l);
    ck_assert_msg(strstr(why, want), "%s", why);
    ck_assert_uint_eq(bind_refusals(&t, ok, NULL), 0);
    run_done(&t);
}
END_TEST

/* A symlink someone else owns, or in a directory others can write, may
 * point elsewhere by the time the runtime mounts: never followed. */
START_TEST(test_untrusted_symlink_refused)
{
    if (geteuid() != 0) {
        fprintf(stderr, "skipped: a symlink owned by another user needs root (lchown)\n");
        return;
    }
    _cleanup_free_ char *d = at("d"), *l = at("d/evil"), *w = at("w"), *wl = at("w/link");
    ck_assert_int_eq(mkdir(d, 0755), 0);
    ck_assert_int_eq(symlink("/srv", l), 0);
    ck_assert_int_eq(lchown(l, 65534, 65534), 0);
    ck_assert_int_eq(mkdir(w, 0777), 0);
    ck_assert_int_eq(chmod(w, 0777), 0);
    ck_assert_int_eq(symlink("/srv", wl), 0);
    Run t;
    run_host_init(&t);
    _cleanup_free_ char *why = NULL, *why2 = NULL, *sub = at("d/evil/x");
    ck_assert_uint_eq(bind_refusals(&t, sub, &why), 1);
    _cleanup_free_ char *want =
        xasprintf("goes through the symlink %s, which is not root's alone", l);
    ck_assert_msg(strstr(why, want), "%s", why);
    ck_assert_uint_eq(bind_refusals(&t, wl, &why2), 1);
    ck_assert_ptr_nonnull(strstr(why2, "goes through the symlink"));
    run_done(&t);
}
END_TEST

/* Below the bundle (the image's rootfs), no symlink is root's own. */
START_TEST(test_bundle_symlink_refused)
{
    _cleanup_free_ char *b = at("bundle"), *r = at("bundle/rootfs"), *l = at("bundle/rootfs/host");
    ck_assert_int_eq(mkdir(b, 0700), 0);
    ck_assert_int_eq(mkdir(r, 0755), 0);
    ck_assert_int_eq(symlink("/", l), 0);
    Run t;
    run_host_init(&t);
    t.ctx.bundle = b;
    _cleanup_free_ char *why = NULL, *src = at("bundle/rootfs/host/etc");
    ck_assert_uint_eq(bind_refusals(&t, src, &why), 1);
    ck_assert_ptr_nonnull(strstr(why, "goes through the symlink"));
    run_done(&t);
}
END_TEST

/* No --bundle is the current directory, and a relative one is taken from
 * there: either way nothing below it is root's own. */
START_TEST(test_bundle_from_cwd)
{
    _cleanup_free_ char *b = at("bundle"), *r = at("bundle/rootfs"), *l = at("bundle/rootfs/host");
    ck_assert_int_eq(mkdir(b, 0755), 0);
    ck_assert_int_eq(mkdir(r, 0755), 0);
    ck_assert_int_eq(symlink("/srv", l), 0);
    char old[4096];
    ck_assert_ptr_nonnull(getcwd(old, sizeof(old)));
    _cleanup_free_ char *src = at("bundle/rootfs/host/x");
    static const char *const bundles[] = {NULL, "bundle"};
    for (size_t i = 0; i < ELEMENTSOF(bundles); i++) {
        ck_assert_int_eq(chdir(bundles[i] ? tmp : b), 0);
        Run t;
        run_host_init(&t);
        t.ctx.bundle = bundles[i];
        _cleanup_free_ char *why = NULL;
        ck_assert_uint_eq(bind_refusals(&t, src, &why), 1);
        ck_assert_ptr_nonnull(strstr(why, "goes through the symlink"));
        run_done(&t);
    }
    ck_assert_int_eq(chdir(old), 0);
}
END_TEST

/* A device node is judged by its number, whatever its name: refused
 * unless "devices" grants that very device. */
START_TEST(test_device_nodes)
{
    Run t;
    run_host_init(&t);
    _cleanup_free_ char *why = NULL;
    ck_assert_uint_eq(bind_refusals(&t, "//dev/./null", &why), 1);
    ck_assert_msg(strstr(why, "bind source /dev/null is the host device c 1:3; the built-in "
                              "default policy does not grant it (policy \"devices\": "
                              "[\"c 1:3\"])"),
                  "%s", why);
    strv_free(t.policy->devices);
    t.policy->devices = strv_of("c 1:3 rw", NULL);
    ck_assert_uint_eq(bind_refusals(&t, "/dev/null", NULL), 0);
    if (geteuid() != 0) {
        fprintf(stderr, "skipped: a device node of our own needs root (mknod)\n");
        run_done(&t);
        return;
    }
    /* a harmless name elsewhere for another device is that device */
    _cleanup_free_ char *n = at("mynull");
    ck_assert_int_eq(mknod(n, S_IFCHR | 0600, makedev(1, 11)), 0);
    _cleanup_free_ char *why2 = NULL;
    ck_assert_uint_eq(bind_refusals(&t, n, &why2), 1);
    ck_assert_ptr_nonnull(strstr(why2, "is the host device c 1:11"));
    run_done(&t);
}
END_TEST

/* A socket: refused unless "hostSockets" names it; a read-only grant does
 * not cover it (connect() needs no write permission on the mount). */
START_TEST(test_sockets)
{
    _cleanup_free_ char *s = at("svc.sock");
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ck_assert_int_ge(fd, 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", s);
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    close(fd);
    Run t;
    run_host_init(&t);
    strv_free(t.policy->host_paths_ro);
    t.policy->host_paths_ro = strv_of(tmp, NULL);
    _cleanup_free_ char *why = NULL;
    ck_assert_uint_eq(bind_refusals(&t, s, &why), 1);
    ck_assert_ptr_nonnull(strstr(why, "is a socket"));
    ck_assert_ptr_nonnull(strstr(why, "\"hostSockets\""));
    strv_free(t.policy->host_sockets);
    t.policy->host_sockets = strv_of(s, NULL);
    ck_assert_uint_eq(bind_refusals(&t, s, NULL), 0);
    run_done(&t);
}
END_TEST

/* A grant that is a symlink grants where it leads today (the admin's
 * intent), and only there, read-only. */
START_TEST(test_grant_through_symlink)
{
    _cleanup_free_ char *data = at("data"), *g = at("grant"), *src = at("data/x");
    ck_assert_int_eq(mkdir(data, 0755), 0);
    ck_assert_int_eq(mkdir(src, 0755), 0);
    ck_assert_int_eq(symlink(data, g), 0);
    Run t;
    run_host_init(&t);
    strv_free(t.policy->host_paths_ro);
    t.policy->host_paths_ro = strv_of(g, NULL);
    ck_assert_uint_eq(bind_refusals(&t, src, NULL), 0);
    _cleanup_free_ char *out = first_options(&t);
    ck_assert_str_eq(out, "[\"rbind\",\"nosuid\",\"nodev\",\"ro\"]");
    strv_free(t.policy->host_paths_ro);
    _cleanup_free_ char *pg = at("procgrant");
    ck_assert_int_eq(symlink("/proc/sys", pg), 0);
    t.policy->host_paths_ro = strv_of(pg, NULL);
    ck_assert_uint_eq(bind_refusals(&t, "/proc/sys/kernel", NULL), 0);
    out = (free(out), first_options(&t));
    ck_assert_str_eq(out, "[\"rbind\",\"nosuid\",\"nodev\",\"ro\"]");
    ck_assert_uint_eq(bind_refusals(&t, "/proc/1/root", NULL), 1);
    run_done(&t);
}
END_TEST

/* A granted filesystem type reads its source: a device there needs a
 * device grant too (issue 13, row 3). */
START_TEST(test_granted_type_source)
{
    Run t;
    run_host_init(&t);
    strv_free(t.policy->mount_types);
    t.policy->mount_types = strv_of("ext4", NULL);
    ck_assert_int_eq(run_pass(&t, "{\"mounts\":[{\"destination\":\"/d\",\"type\":\"ext4\","
                                  "\"source\":\"/./dev/null\"}]}"),
                     0);
    ck_assert_uint_eq(brig_report_count(&t.rep, BRIG_REFUSE), 1);
    const BrigChange *c = change_at(&t.rep, "/mounts/0/source");
    ck_assert_ptr_nonnull(c);
    ck_assert_ptr_nonnull(strstr(c->reason, "mount source /dev/null is the host device c 1:3"));
    run_done(&t);
}
END_TEST

/* The admin's lists: every symlink followed, shared prefixes looked at once,
 * a missing tail kept as written. */
START_TEST(test_resolve_all)
{
    _cleanup_free_ char *d = at("d"), *l = at("l"), *rel = at("rel");
    ck_assert_int_eq(mkdir(d, 0755), 0);
    ck_assert_int_eq(symlink(d, l), 0);
    ck_assert_int_eq(symlink("d/../d", rel), 0);
    _cleanup_free_ char *p0 = at("l/x/y"), *p1 = at("rel"), *p2 = at("d");
    const char *paths[] = {p0, p1, p2, "/proc/self/.."};
    char *real[ELEMENTSOF(paths)];
    brig_host_paths_resolve_all(paths, ELEMENTSOF(paths), real);
    _cleanup_free_ char *w0 = at("d/x/y");
    ck_assert_str_eq(real[0], w0);
    ck_assert_str_eq(real[1], d);
    ck_assert_str_eq(real[2], d);
    ck_assert_str_eq(real[3], "/proc");
    for (size_t i = 0; i < ELEMENTSOF(paths); i++)
        free(real[i]);
}
END_TEST

/* The one-call fast path (openat2 refusing symlinks) decides exactly as
 * the component walk, whatever the path holds. */
static void same_as_walk(const char *path, unsigned flags, const char *const *nofollow)
{
    BrigHostPath a, b;
    int ra = brig_host_path_resolve(path, flags, nofollow, &a);
    int rb = brig_host_path_resolve(path, flags | BRIG_RESOLVE_WALK, nofollow, &b);
    ck_assert_msg(ra == rb, "%s: %d (fast) != %d (walk)", path, ra, rb);
    ck_assert_msg((a.real == NULL) == (b.real == NULL), "%s: real", path);
    if (a.real)
        ck_assert_str_eq(a.real, b.real);
    ck_assert_msg((a.untrusted_link == NULL) == (b.untrusted_link == NULL), "%s: link", path);
    if (a.untrusted_link)
        ck_assert_str_eq(a.untrusted_link, b.untrusted_link);
    ck_assert_msg(a.exists == b.exists, "%s: exists", path);
    ck_assert_uint_eq(a.mode, b.mode);
    ck_assert_uint_eq(a.rdev, b.rdev);
    brig_host_path_clear(&a);
    brig_host_path_clear(&b);
}

START_TEST(test_fast_path_same_as_walk)
{
    _cleanup_free_ char *d = at("d"), *f = at("d/f"), *l = at("l"), *w = at("w"), *wl = at("w/l");
    ck_assert_int_eq(mkdir(d, 0755), 0);
    ck_assert_int_eq(mkdir(w, 0777), 0);
    int fd = open(f, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
    ck_assert_int_ge(fd, 0);
    close(fd);
    ck_assert_int_eq(symlink(d, l), 0);  /* trusted: root's, in root's 0700 dir */
    ck_assert_int_eq(symlink(d, wl), 0); /* untrusted: in a world-writable dir */
    const char *rels[] = {"d",         "d/f",     "d/f/",   "d//./f", "d/missing/x", "d/f/x",
                          "d/../d/f",  "l",       "l/f",    "l/",     "w/l/f",       "w/l",
                          "d/missing", "./d/./f", "d/f/..", "",       "w/missing/"};
    const char *abs[] = {"/", "/dev/null", "/proc/self/status", "/etc/", "/nonexistent/a/b"};
    _cleanup_free_ char *nf = at("d");
    const char *nofollow[] = {nf, NULL};
    unsigned flagsets[] = {0, BRIG_RESOLVE_MISSING_OK, BRIG_RESOLVE_ALL | BRIG_RESOLVE_MISSING_OK};
    for (size_t fi = 0; fi < ELEMENTSOF(flagsets); fi++) {
        for (size_t i = 0; i < ELEMENTSOF(rels); i++) {
            _cleanup_free_ char *p = at(rels[i]);
            same_as_walk(p, flagsets[fi], NULL);
            same_as_walk(p, flagsets[fi], nofollow);
        }
        for (size_t i = 0; i < ELEMENTSOF(abs); i++)
            same_as_walk(abs[i], flagsets[fi], NULL);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("pass_mounts_host");
    TCase *tc = tcase_create("host");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_trusted_symlink_followed);
    tcase_add_test(tc, test_untrusted_symlink_refused);
    tcase_add_test(tc, test_bundle_symlink_refused);
    tcase_add_test(tc, test_bundle_from_cwd);
    tcase_add_test(tc, test_device_nodes);
    tcase_add_test(tc, test_sockets);
    tcase_add_test(tc, test_grant_through_symlink);
    tcase_add_test(tc, test_granted_type_source);
    tcase_add_test(tc, test_resolve_all);
    tcase_add_test(tc, test_fast_path_same_as_walk);
    suite_add_tcase(s, tc);
    return tu_run(s);
}
