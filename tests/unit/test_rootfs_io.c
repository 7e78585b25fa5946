/* SPDX-License-Identifier: GPL-2.0-or-later */
/* brig_open_in_root: whatever symlinks and ".." an image holds, a path
 * opened through it names a file inside the rootfs, never one on the host.
 * Each escape attempt below would reach the host file with plain openat(2),
 * which the test checks first, so a passing test means the helper (not the
 * layout) stopped it. */
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/stat.h>

#include "rootfs_io.h"
#include "testutil.h"

static char tmpdir[256];
static char *root;   /* the container's rootfs */
static char *secret; /* a host file outside it */
static int rootfd = -1;

static void write_file(const char *path, const char *data)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, data, strlen(data)), (ssize_t)strlen(data));
    ck_assert_int_eq(close(fd), 0);
}

static void setup(void)
{
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/brig-test-rootfs-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
    root = xasprintf("%s/rootfs", tmpdir);
    secret = xasprintf("%s/secret", tmpdir);
    ck_assert_int_eq(mkdir(root, 0755), 0);
    _cleanup_free_ char *etc = xasprintf("%s/etc", root);
    ck_assert_int_eq(mkdir(etc, 0755), 0);
    write_file(secret, "HOST");
    rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    ck_assert_int_ge(rootfd, 0);
}

static void teardown(void)
{
    char cmd[512];
    close(rootfd);
    rootfd = -1;
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    ck_assert_int_eq(system(cmd), 0);
    free(root);
    free(secret);
}

/* Creates rootfs-relative `name` as a symlink to `target`. */
static void image_symlink(const char *target, const char *name)
{
    _cleanup_free_ char *p = xasprintf("%s/%s", root, name);
    ck_assert_int_eq(symlink(target, p), 0);
}

static void image_file(const char *name, const char *data)
{
    _cleanup_free_ char *p = xasprintf("%s/%s", root, name);
    write_file(p, data);
}

static char *read_fd(int fd)
{
    char buf[256];
    ssize_t n = read(fd, buf, sizeof(buf) - 1);
    ck_assert_int_ge(n, 0);
    buf[n] = '\0';
    return xstrdup(buf);
}

/* The layout really escapes when resolved from the host's view. */
static void assert_host_view_escapes(const char *name)
{
    int fd = openat(rootfd, name, O_RDONLY | O_CLOEXEC);
    ck_assert_msg(fd >= 0, "%s: test layout broken, plain openat should reach the host", name);
    _cleanup_free_ char *got = read_fd(fd);
    close(fd);
    ck_assert_str_eq(got, "HOST");
}

static void assert_fails(const char *name, int status)
{
    BrigError *err = NULL;
    int fd = brig_open_in_root(rootfd, name, O_RDONLY, &err);
    ck_assert_int_lt(fd, 0);
    ck_assert_ptr_nonnull(err);
    ck_assert_int_eq(err->status, status);
    ck_assert_ptr_nonnull(strstr(err->msg, name));
    brig_error_free(err);
}

static void assert_reads(const char *name, const char *want)
{
    BrigError *err = NULL;
    int fd = brig_open_in_root(rootfd, name, O_RDONLY, &err);
    ck_assert_msg(fd >= 0, "%s: %s", name, err ? err->msg : "?");
    ck_assert_ptr_null(err);
    _cleanup_free_ char *got = read_fd(fd);
    close(fd);
    ck_assert_str_eq(got, want);
}

START_TEST(test_plain_file)
{
    image_file("etc/passwd", "root:x:0:0::/root:/bin/sh\n");
    assert_reads("etc/passwd", "root:x:0:0::/root:/bin/sh\n");
    assert_reads("/etc/passwd", "root:x:0:0::/root:/bin/sh\n");
    assert_reads("etc//./passwd", "root:x:0:0::/root:/bin/sh\n");
}
END_TEST

START_TEST(test_absolute_symlink_stays_inside)
{
    /* etc/passwd -> <host secret>: resolved in the rootfs, the target does
     * not exist there. */
    image_symlink(secret, "etc/passwd");
    assert_host_view_escapes("etc/passwd");
    assert_fails("etc/passwd", ENOENT);
    /* and once the image has a file of that name, that is what is read */
    _cleanup_free_ char *dir = xasprintf("%s%s", root, tmpdir);
    _cleanup_free_ char *cmd = xasprintf("mkdir -p '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
    _cleanup_free_ char *inside = xasprintf("%s/secret", tmpdir + 1);
    image_file(inside, "IMAGE");
    assert_reads("etc/passwd", "IMAGE");
}
END_TEST

START_TEST(test_etc_shadow_symlink)
{
    /* The classic: the image's passwd points at the host's shadow. */
    image_symlink("/etc/shadow", "etc/passwd");
    struct stat st;
    ck_assert_int_eq(stat("/etc/shadow", &st), 0);
    assert_fails("etc/passwd", ENOENT);
    image_file("etc/shadow", "image-shadow");
    assert_reads("etc/passwd", "image-shadow");
}
END_TEST

START_TEST(test_dotdot_clamps_at_root)
{
    /* "../secret" from the rootfs is the host secret; in the root, ".." of
     * "/" is "/" again. */
    assert_host_view_escapes("../secret");
    assert_fails("../secret", ENOENT);
    assert_fails("../../../../../../secret", ENOENT);
    _cleanup_free_ char *deep = xasprintf("../../../../../..%s", secret);
    assert_fails(deep, ENOENT);
    image_file("secret", "IMAGE");
    assert_reads("../secret", "IMAGE");
    assert_reads("etc/../../../secret", "IMAGE");
}
END_TEST

START_TEST(test_relative_symlink_dotdot)
{
    /* etc/passwd -> ../../../../secret, and a directory symlink that climbs */
    image_symlink("../../secret", "etc/passwd");
    image_symlink("../../../../..", "up");
    assert_host_view_escapes("etc/passwd");
    assert_fails("etc/passwd", ENOENT);
    _cleanup_free_ char *via_dir = xasprintf("up%s", secret);
    _cleanup_free_ char *host_view = xasprintf("%s/%s", root, via_dir);
    ck_assert_int_eq(access(host_view, F_OK), 0); /* the host view escapes */
    assert_fails(via_dir, ENOENT);
    image_file("secret", "IMAGE");
    assert_reads("etc/passwd", "IMAGE");
}
END_TEST

START_TEST(test_symlink_chain)
{
    /* a -> /b, b -> c, c -> ../secret: every hop stays inside */
    image_symlink("/b", "a");
    image_symlink("c", "b");
    image_symlink("../secret", "c");
    assert_host_view_escapes("b");
    assert_fails("a", ENOENT);
    assert_fails("b", ENOENT);
    image_file("secret", "IMAGE");
    assert_reads("a", "IMAGE");
}
END_TEST

START_TEST(test_refuses_create)
{
    BrigError *err = NULL;
    ck_assert_int_lt(brig_open_in_root(rootfd, "etc/new", O_WRONLY | O_CREAT, &err), 0);
    ck_assert_int_eq(err->status, EINVAL);
    brig_error_free(err);
    err = NULL;
    _cleanup_free_ char *p = xasprintf("%s/etc/new", root);
    ck_assert_int_ne(access(p, F_OK), 0);
    ck_assert_int_lt(brig_open_in_root(rootfd, "etc", O_RDWR | O_TMPFILE, &err), 0);
    ck_assert_int_eq(err->status, EINVAL);
    brig_error_free(err);
    err = NULL;
    ck_assert_int_lt(brig_open_in_root(rootfd, "", O_RDONLY, &err), 0);
    ck_assert_int_eq(err->status, EINVAL);
    brig_error_free(err);
    err = NULL;
    ck_assert_int_lt(brig_open_in_root(-1, "etc", O_RDONLY, &err), 0);
    ck_assert_int_eq(err->status, EINVAL);
    brig_error_free(err);
}
END_TEST

START_TEST(test_fd_flags_and_fifo)
{
    image_file("etc/group", "root:x:0:\n");
    BrigError *err = NULL;
    int fd = brig_open_in_root(rootfd, "etc/group", O_RDONLY, &err);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
    close(fd);
    /* a FIFO in the image opens at once instead of blocking brig */
    _cleanup_free_ char *fifo = xasprintf("%s/etc/fifo", root);
    ck_assert_int_eq(mkfifo(fifo, 0644), 0);
    fd = brig_open_in_root(rootfd, "etc/fifo", O_RDONLY, &err);
    ck_assert_int_ge(fd, 0);
    struct stat st;
    ck_assert_int_eq(fstat(fd, &st), 0);
    ck_assert(S_ISFIFO(st.st_mode));
    close(fd);
    /* the directory form works too */
    fd = brig_open_in_root(rootfd, "/etc", O_RDONLY | O_DIRECTORY, &err);
    ck_assert_int_ge(fd, 0);
    close(fd);
}
END_TEST

START_TEST(test_magic_link_refused)
{
    /* An image cannot hold a magic link itself, but brig may be handed a
     * rootfs path through /proc: a symlink to /proc/self/root resolves in
     * the rootfs (no /proc there) and never to brig's own root. */
    image_symlink("/proc/self/root/secret", "etc/passwd");
    assert_fails("etc/passwd", ENOENT);
    /* a magic link as a path component is refused outright */
    int procfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    ck_assert_int_ge(procfd, 0);
    BrigError *err = NULL;
    _cleanup_free_ char *rel = xasprintf("self/fd/%d/secret", rootfd);
    int fd = brig_open_in_root(procfd, rel, O_RDONLY, &err);
    ck_assert_int_lt(fd, 0);
    ck_assert_int_eq(err->status, ELOOP);
    brig_error_free(err);
    close(procfd);
}
END_TEST

/* A writable path's image directory: its owner and mode, and what a copy
 * of it takes, read without ever leaving the rootfs: a symlink to a host
 * directory full of data neither counts nor is entered, whether it is the
 * directory asked for (resolved inside the root) or an entry below it. */
static void img_file(const char *name, size_t size, mode_t mode, uid_t uid)
{
    _cleanup_free_ char *p = xasprintf("%s/%s", root, name);
    int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(ftruncate(fd, (off_t)size), 0);
    ck_assert_int_eq(fchmod(fd, mode), 0);
    ck_assert_int_eq(fchown(fd, uid, uid + 1), 0);
    close(fd);
}

static void img_dir(const char *name, mode_t mode, uid_t uid)
{
    _cleanup_free_ char *p = xasprintf("%s/%s", root, name);
    ck_assert_int_eq(mkdir(p, mode), 0);
    ck_assert_int_eq(chmod(p, mode), 0);
    ck_assert_int_eq(chown(p, uid, uid + 1), 0);
}

static void img_dir_plain(const char *name)
{
    _cleanup_free_ char *p = xasprintf("%s/%s", root, name);
    ck_assert_int_eq(mkdir(p, 0755), 0);
}

START_TEST(test_image_dir_owner_and_size)
{
    if (geteuid() != 0)
        tu_skip("needs root to give image files other owners");
    img_dir("data", 0700, 100);
    img_dir("data/sub", 0750, 0);
    img_file("data/a", 5000, 0660, 100);  /* 2 pages */
    img_file("data/sub/b", 1, 0600, 0);   /* 1 page */
    img_file("data/empty", 0, 0644, 100); /* none */
    _cleanup_free_ char *a = xasprintf("%s/data/a", root), *h = xasprintf("%s/data/h", root);
    ck_assert_int_eq(link(a, h), 0); /* a copy does not keep hard links: 2 more */
    _cleanup_free_ char *big = xasprintf("%s/big", tmpdir);
    ck_assert_int_eq(mkdir(big, 0755), 0);
    _cleanup_free_ char *bigf = xasprintf("%s/big/f", tmpdir);
    int fd = open(bigf, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(ftruncate(fd, 1 << 30), 0);
    close(fd);
    image_symlink(big, "data/out");  /* a page for the link, nothing of the host's */
    image_symlink("/data", "alias"); /* resolved inside the root */
    image_symlink(big, "hostdir");   /* resolved inside the root: nothing there */

    BrigImageDir d;
    BrigError *err = NULL;
    ck_assert_int_eq(brig_image_dir_read(root, "/data", &d, &err), 0);
    ck_assert(d.exists);
    ck_assert_uint_eq(d.uid, 100);
    ck_assert_uint_eq(d.gid, 101);
    ck_assert_uint_eq(d.mode, 0700);
    ck_assert_uint_eq(d.bytes, 6 * 4096);
    ck_assert_uint_eq(d.entries, 6);
    ck_assert_str_eq(d.special, "");
    ck_assert_int_eq(brig_image_dir_read(root, "/alias", &d, &err), 0);
    ck_assert(d.exists && d.uid == 100 && d.bytes == 6 * 4096);
    ck_assert_int_eq(brig_image_dir_read(root, "/hostdir", &d, &err), 0);
    ck_assert(!d.exists);
    ck_assert_int_eq(brig_image_dir_read(root, "/nothing/here", &d, &err), 0);
    ck_assert(!d.exists);
    ck_assert_int_eq(brig_image_dir_read(root, "/data/a", &d, &err), 0);
    ck_assert(!d.exists); /* a file: not a directory to copy */
    ck_assert_ptr_null(err);
    _cleanup_free_ char *fifo = xasprintf("%s/data/sub/pipe", root);
    ck_assert_int_eq(mkfifo(fifo, 0600), 0);
    ck_assert_int_eq(brig_image_dir_read(root, "/data", &d, &err), 0);
    ck_assert_str_eq(d.special, "sub/pipe");
    ck_assert_str_eq(d.special_kind, "FIFO");
}
END_TEST

/* A hostile image cannot make brig walk forever. */
START_TEST(test_image_dir_bounded)
{
    char *p = xasprintf("%s/deep", root);
    ck_assert_int_eq(mkdir(p, 0755), 0);
    for (int i = 0; i <= BRIG_IMAGE_DIR_MAX_DEPTH; i++) {
        char *n = xasprintf("%s/d", p);
        ck_assert_int_eq(mkdir(n, 0755), 0);
        free(p);
        p = n;
    }
    free(p);
    BrigImageDir d;
    BrigError *err = NULL;
    ck_assert_int_eq(brig_image_dir_read(root, "/deep", &d, &err), -E2BIG);
    ck_assert_ptr_nonnull(strstr(err->msg, "more than 64 deep"));
    ck_assert(!d.exists);
    brig_error_free(err);
}
END_TEST

/* A sparse file costs the image nothing and the runtime's copy writes its
 * holes as zeros, in memory: a copy larger than BRIG_IMAGE_DIR_MAX_BYTES is
 * refused whatever its files hold, counted across hard links too. */
START_TEST(test_image_dir_sparse_bounded)
{
    img_dir_plain("sparse");
    _cleanup_free_ char *f = xasprintf("%s/sparse/hole", root);
    int fd = open(f, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(ftruncate(fd, (off_t)(UINT64_C(1) << 40)), 0);
    close(fd);
    BrigImageDir d;
    BrigError *err = NULL;
    ck_assert_int_eq(brig_image_dir_read(root, "/sparse", &d, &err), -E2BIG);
    ck_assert_ptr_nonnull(strstr(err->msg, "takes more than 1073741824 bytes (at hole"));
    ck_assert(!d.exists && d.bytes == 0);
    brig_error_free(err);
    err = NULL;

    /* 512 MiB, linked three times: 1.5 GiB to copy */
    ck_assert_int_eq(truncate(f, (off_t)(UINT64_C(1) << 29)), 0);
    _cleanup_free_ char *l1 = xasprintf("%s/sparse/l1", root),
                        *l2 = xasprintf("%s/sparse/l2", root);
    ck_assert_int_eq(link(f, l1), 0);
    ck_assert_int_eq(brig_image_dir_read(root, "/sparse", &d, &err), 0);
    ck_assert_uint_eq(d.bytes, 2 * (UINT64_C(1) << 29));
    ck_assert_int_eq(link(f, l2), 0);
    ck_assert_int_eq(brig_image_dir_read(root, "/sparse", &d, &err), -E2BIG);
    brig_error_free(err);
}
END_TEST

int main(void)
{
    /* valgrind (3.19) does not know openat2 and answers ENOSYS: nothing to
     * test there (the ASan run covers this suite). */
    struct open_how how = {.flags = O_RDONLY | O_CLOEXEC};
    long fd = syscall(SYS_openat2, AT_FDCWD, "/", &how, sizeof(how));
    if (fd < 0 && errno == ENOSYS) {
        printf("openat2 is not available here (valgrind?): skipped\n");
        return 77;
    }
    close((int)fd);
    Suite *s = suite_create("rootfs_io");
    TCase *tc = tcase_create("rootfs_io");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_plain_file);
    tcase_add_test(tc, test_absolute_symlink_stays_inside);
    tcase_add_test(tc, test_etc_shadow_symlink);
    tcase_add_test(tc, test_dotdot_clamps_at_root);
    tcase_add_test(tc, test_relative_symlink_dotdot);
    tcase_add_test(tc, test_symlink_chain);
    tcase_add_test(tc, test_refuses_create);
    tcase_add_test(tc, test_fd_flags_and_fifo);
    tcase_add_test(tc, test_magic_link_refused);
    tcase_add_test(tc, test_image_dir_owner_and_size);
    tcase_add_test(tc, test_image_dir_bounded);
    tcase_add_test(tc, test_image_dir_sparse_bounded);
    suite_add_tcase(s, tc);
    return tu_run(s);
}
