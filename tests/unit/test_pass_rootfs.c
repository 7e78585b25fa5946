/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Root filesystem pass: read-only root, and tmpfs scratch space at /tmp,
 * /var/tmp and /run placed before anything mounted below them. */
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "golden.h"
#include "hostpath.h"

static void setup_policy(const char *name, BrigPolicy *p)
{
    if (strstr(name, "tmpfs-size-1m"))
        p->tmpfs_size = 1024 * 1024;
}

START_TEST(test_golden)
{
    ck_assert_uint_ge(golden_run_dir("rootfs", pass_rootfs, setup_policy), 7);
}
END_TEST

START_TEST(test_errors)
{
    golden_assert_error(pass_rootfs, "{\"root\":\"rootfs\"}",
                        "/root: expected an object, found string");
    golden_assert_error(pass_rootfs, "{\"root\":{\"readonly\":\"true\"}}",
                        "/root/readonly: expected a boolean, found string");
    golden_assert_error(pass_rootfs, "{\"mounts\":{}}", "/mounts: expected an array, found object");
    golden_assert_error(pass_rootfs, "{\"mounts\":[{\"destination\":\"/a\"},\"/b\"]}",
                        "/mounts/1: expected an object, found string");
    golden_assert_error(pass_rootfs,
                        "{\"mounts\":[{\"destination\":\"/a\"},{\"destination\":\"/b\"},"
                        "{\"destination\":7}]}",
                        "/mounts/2/destination: expected a string, found number");
}
END_TEST

static size_t index_of(const BrigJson *mounts, const char *dest)
{
    for (size_t i = 0; i < mounts->n; i++)
        if (streq(brig_json_str(brig_json_get(mounts->kids[i], "destination")), dest))
            return i;
    return SIZE_MAX;
}

#define ID64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

/* Written as such (no host to resolve with; the bundle is the current
 * directory of a runtime command): the host's "/" or a top-level directory
 * of it, a relative path that climbs out of the bundle, the bundle itself,
 * and anything outside the bundle that is not an engine's image. */
START_TEST(test_root_path)
{
    static const struct {
        const char *path;
        bool refused;
    } cases[] = {
        {"/", true},
        {"//", true},
        {"/etc", true},
        {"/./usr/", true},
        {"../x", true},
        {"a/../../b", true},
        {"..", true},
        {".", true},
        {"", true},
        {"./", true},
        {"rootfs", false},
        {"a/..b", false},
        {"/var/lib/docker/overlay2/" ID64 "/merged", false},
        {"/var/lib/docker//overlay2/" ID64 "/merged/", false},
        {"/var/lib/docker/100000.100000/overlay2/" ID64 "/merged", false},
        {"/var/lib/docker/vfs/dir/" ID64, false},
        {"/var/lib/docker/btrfs/subvolumes/" ID64, false},
        {"/var/lib/docker/zfs/graph/" ID64, false},
        {"/var/lib/docker/fuse-overlayfs/" ID64 "/merged", false},
        {"/var/lib/containers/storage/overlay/" ID64 "/merged", false},
        {"/var/lib/containers/storage/vfs/dir/" ID64, false},
        /* under a storage root, but not a container's image */
        {"/var/lib/docker/overlay2/x/merged", true},
        {"/var/lib/docker/overlay2/" ID64, true},
        {"/var/lib/docker/overlay2/" ID64 "/diff", true},
        {"/var/lib/docker/overlay2/" ID64 "/merged/etc", true},
        {"/var/lib/docker/overlay2/" ID64 "-init/merged", true},
        {"/var/lib/docker/overlay2/l/merged", true},
        {"/var/lib/docker/overlay2", true},
        {"/var/lib/docker/volumes/data/_data", true},
        {"/var/lib/docker/containers/" ID64, true},
        {"/var/lib/docker/x.y/overlay2/" ID64 "/merged", true},
        {"/var/lib/docker/1000.1000/1000.1000/overlay2/" ID64 "/merged", true},
        {"/var/lib/docker/overlay/" ID64 "/merged", true},
        {"/var/lib/containers/storage/overlay2/" ID64 "/merged", true},
        {"/var/lib/containers/storage/100000.100000/overlay/" ID64 "/merged", true},
        {"/var/lib/containers/storage/overlay-containers/" ID64 "/userdata", true},
        {"/var/lib/containers/storage/overlay/" ID64 "/merged2", true},
        {"/var/lib/kubelet/pods/x/volumes", true},
        {"/run/containerd/io.containerd.runtime.v2.task/k8s.io/x/rootfs", true},
        {"/home/alice", true},
        {"/etc/ssl", true},
        {"/usr/lib", true},
        {"/srv/c/rootfs", true},
    };
    for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
        BrigReport rep = {0};
        _cleanup_free_ char *doc =
            xasprintf("{\"root\":{\"path\":\"%s\",\"readonly\":true}}", cases[i].path);
        _cleanup_free_ char *out = golden_run_inline(pass_rootfs, doc, NULL, &rep);
        bool refused = false;
        for (size_t k = 0; k < rep.n; k++)
            refused |= rep.v[k].kind == BRIG_REFUSE && streq(rep.v[k].pointer, "/root/path");
        ck_assert_msg(refused == cases[i].refused, "%s: refused %d", cases[i].path, refused);
        brig_report_clear(&rep);
    }
}
END_TEST

/* The root path as the runtime reaches it: crun follows symlinks (runc
 * refuses a symlinked root itself), so a link to the host's /usr, or a
 * bundle's "rootfs" that is one, ran with the host's /usr as the root and
 * crun made its mount points there.  Judged on the real path. */
START_TEST(test_root_path_resolved)
{
    char dir[] = "/tmp/brig-rootfs-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    _cleanup_free_ char *usr = xasprintf("%s/usrlink", dir), *top = xasprintf("%s/toplink", dir),
                        *rootfs = xasprintf("%s/rootfs", dir), *img = xasprintf("%s/img", dir);
    ck_assert_int_eq(symlink("/usr", usr), 0);
    ck_assert_int_eq(symlink("/", top), 0);
    ck_assert_int_eq(symlink("/etc", rootfs), 0);
    ck_assert_int_eq(mkdir(img, 0755), 0);
    const struct {
        const char *path;
        bool refused;
    } cases[] = {
        {usr, true},      {top, true},
        {"rootfs", true}, /* relative to the bundle, where the runtimes take it */
        {img, false},     {"img", false},
    };
    for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
        BrigCtx ctx;
        BrigHost host;
        BrigPolicy *pol;
        tu_ctx(&ctx, &host, &pol);
        host.resolve_paths_all = brig_host_paths_resolve_all;
        ctx.bundle = dir;
        _cleanup_free_ char *in =
            xasprintf("{\"root\":{\"path\":\"%s\",\"readonly\":true}}", cases[i].path);
        BrigJson *spec = tu_parse(in);
        BrigReport rep = {0};
        ck_assert_int_eq(pass_rootfs(&ctx, spec, &rep, NULL), 0);
        bool refused = false;
        for (size_t k = 0; k < rep.n; k++)
            refused |= rep.v[k].kind == BRIG_REFUSE && streq(rep.v[k].pointer, "/root/path");
        ck_assert_msg(refused == cases[i].refused, "%s: refused %d", cases[i].path, refused);
        brig_report_clear(&rep);
        brig_json_free(spec);
        brig_policy_free(pol);
    }
    unlink(usr), unlink(top), unlink(rootfs), rmdir(img), rmdir(dir);
}
END_TEST

static char **strv_dup(char *const *v)
{
    size_t n = 0;
    while (v[n])
        n++;
    char **c = xcalloc(n + 1, sizeof(char *));
    for (size_t i = 0; i < n; i++)
        c[i] = xstrdup(v[i]);
    return c;
}

/* Runs the rootfs pass with the host's resolver over root.path `path`;
 * returns the reason of the refusal at /root/path (malloc'd), or NULL, and
 * in *ret_note whether a note was made there. */
static char *judge_root(const char *bundle, const char *id, char **grants, const char *path,
                        bool *ret_note)
{
    BrigCtx ctx;
    BrigHost host;
    BrigPolicy *pol;
    tu_ctx(&ctx, &host, &pol);
    host.resolve_paths_all = brig_host_paths_resolve_all;
    ctx.bundle = bundle;
    ctx.container_id = id;
    strv_free(pol->rootfs_allowed);
    pol->rootfs_allowed = strv_dup(grants);
    _cleanup_free_ char *in = xasprintf("{\"root\":{\"path\":\"%s\",\"readonly\":true}}", path);
    BrigJson *spec = tu_parse(in);
    BrigReport rep = {0};
    ck_assert_int_eq(pass_rootfs(&ctx, spec, &rep, NULL), 0);
    char *why = NULL;
    bool note = false;
    for (size_t k = 0; k < rep.n; k++) {
        if (!streq(rep.v[k].pointer, "/root/path"))
            continue;
        if (rep.v[k].kind == BRIG_REFUSE && !why)
            why = xstrdup(rep.v[k].reason);
        note |= rep.v[k].kind == BRIG_NOTE;
    }
    if (ret_note)
        *ret_note = note;
    brig_report_clear(&rep);
    brig_json_free(spec);
    brig_policy_free(pol);
    return why;
}

/* The allow-list where the runtime arrives (issue 13): a bundle handed to
 * brig could name any host directory as the root, and the container saw
 * its files (other pods' tokens, an engine's state).  Inside the bundle,
 * an engine's image, or a directory rootfsAllowed grants; the refusal
 * names where root.path led and the grant. */
START_TEST(test_root_path_allow_list)
{
    char dir[] = "/tmp/brig-rootfs-allow-XXXXXX", host_dir[] = "/tmp/brig-rootfs-host-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    ck_assert_ptr_nonnull(mkdtemp(host_dir));
    _cleanup_free_ char *rootfs = xasprintf("%s/rootfs", dir), *img = xasprintf("%s/img", dir),
                        *out = xasprintf("%s/out", dir), *docker = xasprintf("%s/docker", dir),
                        *hostroot = xasprintf("%s/root", host_dir),
                        *glink = xasprintf("%s/grant", dir), *abs_rootfs = xasprintf("%s/", rootfs);
    ck_assert_int_eq(mkdir(rootfs, 0755), 0);
    ck_assert_int_eq(mkdir(hostroot, 0755), 0);
    ck_assert_int_eq(symlink(hostroot, out), 0);
    ck_assert_int_eq(symlink("/var/lib/docker/overlay2/" ID64 "/merged", docker), 0);
    ck_assert_int_eq(symlink(host_dir, glink), 0);
    ck_assert_int_eq(symlink("rootfs", img), 0);
    _cleanup_free_ char *usr = xasprintf("%s/usr", dir);
    ck_assert_int_eq(symlink("/usr", usr), 0);
    char *none[] = {NULL}, *grant_host[] = {host_dir, NULL}, *grant_link[] = {glink, NULL},
         *grant_other[] = {"/srv/elsewhere", NULL}, *grant_root[] = {"/", NULL};
    const struct {
        const char *path;
        char **grants;
        const char *refused; /* a part of the reason, NULL: allowed */
    } cases[] = {
        {"rootfs", none, NULL},
        {"./rootfs/", none, NULL},
        {"img", none, NULL}, /* a symlink that stays in the bundle */
        {rootfs, none, NULL},
        {abs_rootfs, none, NULL},
        {"docker", none, NULL}, /* leads to an engine's image */
        {".", none, "the bundle directory"},
        {dir, none, "the bundle directory"},
        {"", none, "the bundle directory"},
        {hostroot, none, "rootfsAllowed"},
        {"out", none, "rootfsAllowed"},
        {out, none, "rootfsAllowed"},
        {hostroot, grant_other, "rootfsAllowed"},
        {hostroot, grant_host, NULL},
        {"out", grant_host, NULL},
        {host_dir, grant_host, NULL},
        {hostroot, grant_link, NULL}, /* a grant is followed: what it names today */
        /* "/" granted: still never the host's top-level directories */
        {"usr", grant_root, "through a symlink, the host's /usr"},
        {"/usr", grant_root, "the host's /usr"},
        {"/", grant_root, "the host's /"},
        {"/var/lib/kubelet", grant_root, NULL},
        {"/var/lib/kubelet", none, "rootfsAllowed"},
        /* a config an earlier create hardened: another container's view */
        {"/run/brig/ct/k/other/rootfs", none, "view of another container's rootfs"},
        {"/run/containerd", none, "rootfsAllowed"},
        {"/var/lib/docker/volumes", none, "rootfsAllowed"},
    };
    for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
        _cleanup_free_ char *why = judge_root(dir, "test", cases[i].grants, cases[i].path, NULL);
        if (!cases[i].refused) {
            ck_assert_msg(!why, "%s: refused: %s", cases[i].path, why);
            continue;
        }
        ck_assert_msg(why && strstr(why, cases[i].refused), "%s: %s", cases[i].path,
                      why ? why : "allowed");
    }
    /* the reason names where root.path led, the bundle and the policy */
    _cleanup_free_ char *why = judge_root(dir, "test", none, "out", NULL);
    _cleanup_free_ char *want = xasprintf("the root filesystem is %s (root.path \"out\" leads "
                                          "there), which is not inside the bundle (%s)",
                                          hostroot, dir);
    ck_assert_msg(why && strstr(why, want), "%s", why ? why : "allowed");
    ck_assert_msg(strstr(why, "the built-in default policy"), "%s", why);

    /* a runtime command without --bundle, or a relative one: the current
     * directory, as runc and crun take it */
    char cwd[4096];
    ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
    ck_assert_int_eq(chdir(dir), 0);
    _cleanup_free_ char *w1 = judge_root(NULL, "test", none, "rootfs", NULL);
    _cleanup_free_ char *w2 = judge_root(NULL, "test", none, "out", NULL);
    _cleanup_free_ char *w3 = judge_root(NULL, "test", none, ".", NULL);
    ck_assert_int_eq(chdir("/tmp"), 0);
    _cleanup_free_ char *rel = xasprintf("%s", dir + strlen("/tmp/"));
    _cleanup_free_ char *w4 = judge_root(rel, "test", none, "rootfs", NULL);
    _cleanup_free_ char *w5 = judge_root(rel, "test", none, hostroot, NULL);
    ck_assert_int_eq(chdir(cwd), 0);
    ck_assert_msg(!w1, "%s", w1);
    ck_assert_msg(w2 && strstr(w2, hostroot), "%s", w2 ? w2 : "allowed");
    ck_assert_msg(w3 && strstr(w3, "the bundle directory"), "%s", w3 ? w3 : "allowed");
    ck_assert_msg(!w4, "%s", w4);
    ck_assert_msg(w5 && strstr(w5, "rootfsAllowed"), "%s", w5 ? w5 : "allowed");

    /* runc's inline exec hardens the config again for its process: the
     * root (under userNamespace auto brig's view) is the running one's */
    {
        BrigCtx ctx;
        BrigHost host;
        BrigPolicy *pol;
        tu_ctx(&ctx, &host, &pol);
        host.resolve_paths_all = brig_host_paths_resolve_all;
        ctx.bundle = dir;
        ctx.exec = true;
        BrigJson *spec = tu_parse("{\"root\":{\"path\":\"/run/brig/ct/k/test/rootfs\"}}");
        BrigReport rep = {0};
        ck_assert_int_eq(pass_rootfs(&ctx, spec, &rep, NULL), 0);
        ck_assert_uint_eq(brig_report_count(&rep, BRIG_REFUSE), 0);
        brig_report_clear(&rep);
        brig_json_free(spec);
        brig_policy_free(pol);
    }

    /* "--bundle /": nothing is "in the bundle" */
    _cleanup_free_ char *slash = judge_root("/", "test", none, "var/lib/kubelet", NULL);
    ck_assert_msg(slash && strstr(slash, "rootfsAllowed"), "%s", slash ? slash : "allowed");

    /* offline, the bundle not known: not guessed, but said */
    bool note = false;
    _cleanup_free_ char *o1 = judge_root(NULL, NULL, none, "out", &note);
    ck_assert_msg(!o1 && !note, "offline relative: %s note %d", o1, note);
    _cleanup_free_ char *o0 = judge_root(NULL, NULL, none, ".", &note);
    ck_assert_msg(o0 && strstr(o0, "the bundle directory itself"), "offline .: %s", o0);
    _cleanup_free_ char *o2 = judge_root(NULL, NULL, none, hostroot, &note);
    ck_assert_msg(!o2 && note, "offline absolute: %s note %d", o2, note);
    _cleanup_free_ char *o3 = judge_root("bundle", NULL, none, hostroot, &note);
    ck_assert_msg(!o3 && note, "offline relative bundle: %s note %d", o3, note);
    _cleanup_free_ char *o4 =
        judge_root(NULL, NULL, none, "/var/lib/docker/overlay2/" ID64 "/merged", &note);
    ck_assert_msg(!o4 && !note, "offline engine image: %s note %d", o4, note);
    _cleanup_free_ char *o5 = judge_root(NULL, NULL, none, "/etc", &note);
    ck_assert_msg(o5, "offline /etc allowed");
    /* offline with an absolute bundle: judged */
    _cleanup_free_ char *o6 = judge_root(dir, NULL, none, hostroot, &note);
    ck_assert_msg(o6 && strstr(o6, "rootfsAllowed"), "%s", o6 ? o6 : "allowed");

    unlink(out), unlink(docker), unlink(glink), unlink(img), unlink(usr);
    rmdir(rootfs), rmdir(hostroot), rmdir(dir), rmdir(host_dir);
}
END_TEST

START_TEST(test_tmpfs_before_submounts)
{
    BrigReport rep = {0};
    _cleanup_free_ char *out = golden_run_inline(
        pass_rootfs,
        "{\"root\":{\"path\":\"rootfs\"},\"mounts\":[{\"destination\":\"/proc\"},"
        "{\"destination\":\"/var/run/secrets/kubernetes.io/serviceaccount\"},"
        "{\"destination\":\"/tmp/.X11-unix\"},{\"destination\":\"/run/.containerenv\"}]}",
        NULL, &rep);
    _cleanup_(brig_json_freep) BrigJson *j = tu_parse(out);
    const BrigJson *m = brig_json_get(j, "mounts");
    ck_assert_uint_eq(m->n, 7);
    ck_assert_uint_lt(index_of(m, "/run"),
                      index_of(m, "/var/run/secrets/kubernetes.io/serviceaccount"));
    ck_assert_uint_lt(index_of(m, "/run"), index_of(m, "/run/.containerenv"));
    ck_assert_uint_lt(index_of(m, "/tmp"), index_of(m, "/tmp/.X11-unix"));
    ck_assert_uint_eq(index_of(m, "/var/tmp"), 6); /* nothing below it: appended */
    /* every report pointer names where the mount is in the final config */
    ck_assert_uint_eq(rep.n, 4);
    ck_assert_str_eq(rep.v[0].pointer, "/root/readonly");
    ck_assert_str_eq(rep.v[1].pointer, "/mounts/3"); /* /tmp before /tmp/.X11-unix */
    ck_assert_str_eq(rep.v[2].pointer, "/mounts/6"); /* /var/tmp at the end */
    ck_assert_str_eq(rep.v[3].pointer, "/mounts/1"); /* /run before /var/run/secrets */
    for (size_t k = 1; k < rep.n; k++) {
        size_t idx = strtoul(rep.v[k].pointer + strlen("/mounts/"), NULL, 10);
        _cleanup_free_ char *at = tu_compact(m->kids[idx]);
        ck_assert_str_eq(at, rep.v[k].after);
    }
    ck_assert_str_eq(rep.v[1].after, "{\"destination\":\"/tmp\",\"type\":\"tmpfs\",\"source\":"
                                     "\"tmpfs\",\"options\":[\"nosuid\",\"nodev\",\"mode=1777\","
                                     "\"size=67108864\",\"nr_inodes=65536\"]}");
    brig_report_clear(&rep);
}
END_TEST

START_TEST(test_relative_submount)
{
    BrigReport rep = {0};
    _cleanup_free_ char *out = golden_run_inline(
        pass_rootfs,
        "{\"mounts\":[{\"destination\":\"run/secrets\"},{\"destination\":\"/x/../tmp/a\"},"
        "{\"destination\":\"/runner\"},{\"destination\":\"/tmpx\"}]}",
        NULL, &rep);
    _cleanup_(brig_json_freep) BrigJson *j = tu_parse(out);
    const BrigJson *m = brig_json_get(j, "mounts");
    ck_assert_uint_eq(index_of(m, "/run"), 0);
    ck_assert_uint_eq(index_of(m, "run/secrets"), 1);
    ck_assert_uint_eq(index_of(m, "/tmp"), 2);
    ck_assert_uint_eq(index_of(m, "/x/../tmp/a"), 3);
    ck_assert_uint_eq(index_of(m, "/var/tmp"), 6);
    brig_report_clear(&rep);
}
END_TEST

START_TEST(test_existing_mounts_count)
{
    /* any mount already at the path (trailing slash or not, any type) is
     * the container's own choice and is left alone */
    static const char *const docs[] = {
        "{\"root\":{\"readonly\":true},\"mounts\":[{\"destination\":\"/tmp\"},"
        "{\"destination\":\"/var/tmp//\"},{\"destination\":\"/run/\",\"type\":\"bind\"}]}",
        /* relative destinations are relative to the rootfs, and runc folds
         * the rest; a lexical match is what the runtime would mount over */
        "{\"root\":{\"readonly\":true},\"mounts\":[{\"destination\":\"tmp\"},"
        "{\"destination\":\"/var//./tmp\"},{\"destination\":\"/tmp/../run\"}]}",
    };
    for (size_t i = 0; i < ELEMENTSOF(docs); i++) {
        BrigReport rep = {0};
        _cleanup_free_ char *out = golden_run_inline(pass_rootfs, docs[i], NULL, &rep);
        ck_assert_str_eq(out, docs[i]);
        ck_assert_uint_eq(rep.n, 0);
        brig_report_clear(&rep);
    }
}
END_TEST

/* What the fake image has: /srv/data (uid 100 mode 0700, 1 MiB of files),
 * /srv/data/sub below it, /srv/sock holding a socket, nothing else. */
static int fake_image_dir(const char *rootfs, const char *dir, BrigImageDir *ret, BrigError **err)
{
    *ret = (BrigImageDir){0};
    if (!streq(rootfs, "/bundle/rootfs"))
        return brig_error_set(err, EIO, "unexpected rootfs %s", rootfs);
    if (streq(dir, "/srv/data") || streq(dir, "/srv/data/sub")) {
        *ret = (BrigImageDir){
            .exists = true, .uid = 100, .gid = 101, .mode = 0700, .bytes = 1 << 20, .entries = 3};
    } else if (streq(dir, "/srv/sock")) {
        *ret = (BrigImageDir){.exists = true, .mode = 0755};
        snprintf(ret->special, sizeof(ret->special), "mysqld.sock");
        snprintf(ret->special_kind, sizeof(ret->special_kind), "socket");
    } else if (streq(dir, "/srv/huge")) {
        return brig_error_set(err, E2BIG, "/srv/huge: the image has more than 1048576 names");
    }
    return 0;
}

static const BrigJson *mount_at(const BrigJson *spec, const char *dest)
{
    const BrigJson *m;
    BRIG_JSON_FOREACH (m, brig_json_get(spec, "mounts"))
        if (streq(brig_json_str(brig_json_get(m, "destination")), dest))
            return m;
    return NULL;
}

static char *options_of(const BrigJson *spec, const char *dest)
{
    const BrigJson *m = mount_at(spec, dest);
    return m ? tu_compact(brig_json_get(m, "options")) : xstrdup("(none)");
}

/* runs the pass over a config whose process runs as uid:gid, with the
 * given writable paths; returns the report through rep */
static BrigJson *run_writable_in(const char *uid, const char *linux_, char *const *paths,
                                 BrigReport *rep)
{
    BrigCtx ctx;
    BrigHost host;
    BrigPolicy *pol;
    tu_ctx(&ctx, &host, &pol);
    host.image_dir = fake_image_dir;
    ctx.bundle = "/bundle";
    pol->tmpfs_size = 4096;
    strv_free(pol->writable_paths);
    size_t n = 0;
    while (paths[n])
        n++;
    pol->writable_paths = xcalloc(n + 1, sizeof(char *));
    for (size_t i = 0; i < n; i++)
        pol->writable_paths[i] = xstrdup(paths[i]);
    _cleanup_free_ char *in = xasprintf("{\"root\":{\"path\":\"rootfs\"},\"process\":{\"user\":"
                                        "{\"uid\":%s,\"gid\":%s}},\"mounts\":[],\"linux\":%s}",
                                        uid, uid, linux_);
    BrigJson *spec = tu_parse(in);
    ck_assert_int_eq(pass_rootfs(&ctx, spec, rep, NULL), 0);
    brig_policy_free(pol);
    return spec;
}

static BrigJson *run_writable(const char *uid, char *const *paths, BrigReport *rep)
{
    return run_writable_in(uid, "{}", paths, rep);
}

/* In a user namespace that does not map the image directory's owner, the
 * kernel would refuse a tmpfs owned by it: the container's root keeps it. */
START_TEST(test_writable_path_owner_unmapped)
{
    char *paths[] = {"/srv/data", NULL};
    BrigReport rep = {0};
    BrigJson *spec =
        run_writable_in("0",
                        "{\"namespaces\":[{\"type\":\"user\"}],"
                        "\"uidMappings\":[{\"containerID\":0,\"hostID\":100000,\"size\":50}],"
                        "\"gidMappings\":[{\"containerID\":0,\"hostID\":100000,\"size\":50}]}",
                        paths, &rep);
    _cleanup_free_ char *o = options_of(spec, "/srv/data");
    ck_assert_str_eq(
        o,
        "[\"nosuid\",\"nodev\",\"mode=0700\",\"size=1052672\",\"nr_inodes=65539\",\"tmpcopyup\"]");
    brig_json_free(spec);
    brig_report_clear(&rep);
    /* mapped: the image's owner, as without a user namespace */
    spec =
        run_writable_in("0",
                        "{\"namespaces\":[{\"type\":\"user\"}],"
                        "\"uidMappings\":[{\"containerID\":0,\"hostID\":100000,\"size\":65536}],"
                        "\"gidMappings\":[{\"containerID\":0,\"hostID\":100000,\"size\":65536}]}",
                        paths, &rep);
    _cleanup_free_ char *o2 = options_of(spec, "/srv/data");
    ck_assert_ptr_nonnull(strstr(o2, "\"uid=100\",\"gid=101\""));
    brig_json_free(spec);
    brig_report_clear(&rep);
}
END_TEST

/* A copied-up writable path over an image directory: a root process gets
 * the directory as the image has it (postgres refuses a data directory
 * that is not its own), a non-root one gets it as its own; either way the
 * tmpfs has room for the copy (runc failed mariadb's 113 MiB copy into a
 * 64 MiB tmpfs with ENOSPC).  Where the image has nothing, the process's,
 * 0755, nothing to copy. */
START_TEST(test_writable_path_owner_and_size)
{
    char *paths[] = {"/srv/data", "/srv/none", NULL};
    BrigReport rep = {0};
    BrigJson *spec = run_writable("0", paths, &rep);
    _cleanup_free_ char *o = options_of(spec, "/srv/data");
    ck_assert_str_eq(o, "[\"nosuid\",\"nodev\",\"mode=0700\",\"uid=100\",\"gid=101\","
                        "\"size=1052672\",\"nr_inodes=65539\",\"tmpcopyup\"]");
    _cleanup_free_ char *n = options_of(spec, "/srv/none");
    ck_assert_str_eq(n, "[\"nosuid\",\"nodev\",\"mode=0755\",\"size=4096\",\"nr_inodes=65536\"]");
    bool said = false;
    for (size_t k = 0; k < rep.n; k++)
        said |= rep.v[k].reason && strstr(rep.v[k].reason, "owned as the image has it (100:101 "
                                                           "mode 0700: the process runs as root)");
    ck_assert(said);
    brig_json_free(spec);
    brig_report_clear(&rep);

    spec = run_writable("1000", paths, &rep);
    _cleanup_free_ char *o2 = options_of(spec, "/srv/data");
    ck_assert_str_eq(o2, "[\"nosuid\",\"nodev\",\"mode=0700\",\"uid=1000\",\"gid=1000\","
                         "\"size=1052672\",\"nr_inodes=65539\",\"tmpcopyup\"]");
    _cleanup_free_ char *n2 = options_of(spec, "/srv/none");
    ck_assert_str_eq(n2, "[\"nosuid\",\"nodev\",\"mode=0755\",\"uid=1000\",\"gid=1000\","
                         "\"size=4096\",\"nr_inodes=65536\"]");
    brig_json_free(spec);
    brig_report_clear(&rep);
}
END_TEST

/* Below a mount of the config (brig's /run, a volume), the runtime copies
 * that mount's content, not the image's: the image is not read there. */
START_TEST(test_writable_path_below_a_mount)
{
    char *paths[] = {"/var/run/app", "/srv/data/sub", NULL};
    BrigCtx ctx;
    BrigHost host;
    BrigPolicy *pol;
    tu_ctx(&ctx, &host, &pol);
    host.image_dir = fake_image_dir;
    ctx.bundle = "/bundle";
    strv_free(pol->writable_paths);
    pol->writable_paths = xcalloc(3, sizeof(char *));
    pol->writable_paths[0] = xstrdup(paths[0]);
    pol->writable_paths[1] = xstrdup(paths[1]);
    BrigJson *spec = tu_parse("{\"root\":{\"path\":\"rootfs\"},\"process\":{\"user\":{\"uid\":0,"
                              "\"gid\":0}},\"mounts\":[{\"destination\":\"/srv/data\",\"type\":"
                              "\"bind\",\"source\":\"/srv/vol\",\"options\":[\"rbind\"]}]}");
    BrigReport rep = {0};
    ck_assert_int_eq(pass_rootfs(&ctx, spec, &rep, NULL), 0);
    /* /srv/data/sub is 100:101 0700 in the fake image: not read */
    _cleanup_free_ char *o = options_of(spec, "/srv/data/sub");
    ck_assert_str_eq(o,
                     "[\"nosuid\",\"nodev\",\"size=67108864\",\"nr_inodes=65536\",\"tmpcopyup\"]");
    bool said = false;
    for (size_t k = 0; k < rep.n; k++)
        said |= rep.v[k].reason && strstr(rep.v[k].reason, "below the mount at /srv/data, whose "
                                                           "content the runtime copies");
    ck_assert(said);
    _cleanup_free_ char *r = options_of(spec, "/var/run/app");
    ck_assert_str_eq(r,
                     "[\"nosuid\",\"nodev\",\"size=67108864\",\"nr_inodes=65536\",\"tmpcopyup\"]");
    brig_json_free(spec);
    brig_report_clear(&rep);
    brig_policy_free(pol);
}
END_TEST

/* A writable path below another is part of its copy: no tmpfs of its own,
 * and the outer one's report says it holds it. */
START_TEST(test_writable_path_nested_is_covered)
{
    char *paths[] = {"/srv/data/sub", "/srv/data", NULL};
    BrigReport rep = {0};
    BrigJson *spec = run_writable("0", paths, &rep);
    ck_assert_ptr_null(mount_at(spec, "/srv/data/sub"));
    ck_assert_ptr_nonnull(mount_at(spec, "/srv/data"));
    bool said = false;
    for (size_t k = 0; k < rep.n; k++)
        said |= rep.v[k].reason &&
                strstr(rep.v[k].reason, "it holds the writable paths below it (/srv/data/sub)");
    ck_assert(said);
    brig_json_free(spec);
    brig_report_clear(&rep);
}
END_TEST

/* What runc cannot copy, and what brig will not walk, are refused with the
 * grant named. */
START_TEST(test_writable_path_refusals)
{
    static const struct {
        const char *path, *needle;
    } cases[] = {
        {"/srv/sock", "the image has a socket at /srv/sock/mysqld.sock, which a copy-up cannot "
                      "hold"},
        {"/srv/huge", "more than 1048576 names"},
    };
    for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
        char *paths[] = {(char *)cases[i].path, NULL};
        BrigReport rep = {0};
        BrigJson *spec = run_writable("0", paths, &rep);
        bool refused = false;
        for (size_t k = 0; k < rep.n; k++)
            refused |= rep.v[k].kind == BRIG_REFUSE && strstr(rep.v[k].reason, cases[i].needle) &&
                       strstr(rep.v[k].reason, "(writablePaths)");
        ck_assert_msg(refused, "%s not refused", cases[i].path);
        ck_assert_ptr_null(mount_at(spec, cases[i].path));
        brig_json_free(spec);
        brig_report_clear(&rep);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("pass_rootfs");
    TCase *tc = tcase_create("pass_rootfs");
    tcase_add_test(tc, test_golden);
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_tmpfs_before_submounts);
    tcase_add_test(tc, test_root_path);
    tcase_add_test(tc, test_root_path_resolved);
    tcase_add_test(tc, test_root_path_allow_list);
    tcase_add_test(tc, test_existing_mounts_count);
    tcase_add_test(tc, test_relative_submount);
    tcase_add_test(tc, test_writable_path_owner_and_size);
    tcase_add_test(tc, test_writable_path_nested_is_covered);
    tcase_add_test(tc, test_writable_path_owner_unmapped);
    tcase_add_test(tc, test_writable_path_below_a_mount);
    tcase_add_test(tc, test_writable_path_refusals);
    suite_add_tcase(s, tc);
    return tu_run(s);
}
