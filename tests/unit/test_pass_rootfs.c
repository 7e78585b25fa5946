/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Root filesystem pass: read-only root, and tmpfs scratch space at /tmp,
 * /var/tmp and /run placed before anything mounted below them. */
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

/* The host's "/" or a top-level directory of it as the rootfs is refused, as
 * is a relative path that climbs out of the bundle (tests/generator found it). */
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
        {"rootfs", false},
        {"/var/lib/docker/overlay2/x/merged", false},
        {"a/..b", false},
        {"/srv/c/rootfs", false},
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
                                     "\"size=67108864\"]}");
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

int main(void)
{
    Suite *s = suite_create("pass_rootfs");
    TCase *tc = tcase_create("pass_rootfs");
    tcase_add_test(tc, test_golden);
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_tmpfs_before_submounts);
    tcase_add_test(tc, test_root_path);
    tcase_add_test(tc, test_root_path_resolved);
    tcase_add_test(tc, test_existing_mounts_count);
    tcase_add_test(tc, test_relative_submount);
    suite_add_tcase(s, tc);
    return tu_run(s);
}
