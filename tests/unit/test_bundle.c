/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Safe file I/O: brig runs as root on paths an engine (or whoever can write
 * the bundle) chose, so loading refuses anything but a plain regular file,
 * and replacing is atomic, keeps mode and owner, and never clobbers a file
 * that changed underneath it. */
#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "bundle.h"
#include "testutil.h"

static char tmpdir[256];

static void setup(void)
{
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/brig-test-bundle-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void teardown(void)
{
    char cmd[512];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    ck_assert_int_eq(system(cmd), 0);
}

static char *tpath(const char *name)
{
    return xasprintf("%s/%s", tmpdir, name);
}

static void write_file(const char *path, const char *data, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, data, strlen(data)), (ssize_t)strlen(data));
    ck_assert_int_eq(close(fd), 0);
    ck_assert_int_eq(chmod(path, mode), 0);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    char *buf = xmalloc(1 << 20);
    size_t n = fread(buf, 1, (1 << 20) - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* Entries in dir other than . and .. */
static size_t count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d)))
        if (!streq(de->d_name, ".") && !streq(de->d_name, ".."))
            n++;
    closedir(d);
    return n;
}

static void assert_load_fails(const char *path, size_t max, int status, const char *want)
{
    BrigFile *f = NULL;
    BrigError *err = NULL;
    int r = brig_file_load(path, max, &f, &err);
    ck_assert_int_eq(r, -status);
    ck_assert_ptr_null(f);
    ck_assert_ptr_nonnull(err);
    ck_assert_str_eq(err->msg, want);
    ck_assert_int_eq(err->status, status);
    brig_error_free(err);
}

START_TEST(test_config_path)
{
    static const char *const cases[][3] = {
        {NULL, NULL, "config.json"},
        {"", NULL, "config.json"},
        {"/b", NULL, "/b/config.json"},
        {"/b/", NULL, "/b/config.json"},
        {"rel", "", "rel/config.json"},
        /* crun resolves --config against its cwd, not the bundle */
        {"/b", "other.json", "other.json"},
        {"/b", "./config.json", "./config.json"},
        {"/b", "config.json", "/b/config.json"},
        {"rel", "sub/c.json", "sub/c.json"},
        {"/b", "/etc/abs.json", "/etc/abs.json"},
        {NULL, "x.json", "x.json"},
    };
    for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
        _cleanup_free_ char *p = brig_bundle_config_path(cases[i][0], cases[i][1]);
        ck_assert_str_eq(p, cases[i][2]);
    }
}
END_TEST

START_TEST(test_load_regular)
{
    _cleanup_free_ char *p = tpath("config.json");
    write_file(p, "{\"ociVersion\":\"1.0.2\"}", 0644);
    _cleanup_(brig_file_freep) BrigFile *f = NULL;
    BrigError *err = NULL;
    ck_assert_int_eq(brig_file_load(p, BRIG_FILE_MAX_SIZE, &f, &err), 0);
    ck_assert_ptr_null(err);
    ck_assert_str_eq(f->data, "{\"ociVersion\":\"1.0.2\"}");
    ck_assert_uint_eq(f->len, strlen(f->data));
    ck_assert_str_eq(f->name, "config.json");
    ck_assert_str_eq(f->path, p);
    ck_assert(S_ISREG(f->st.st_mode));
    ck_assert_int_ge(f->dirfd, 0);
    /* brig's fds must not leak into the runtime it execs */
    ck_assert_int_eq(fcntl(f->dirfd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
    brig_file_free(NULL);
}
END_TEST

START_TEST(test_load_relative_and_empty)
{
    _cleanup_free_ char *p = tpath("empty.json");
    write_file(p, "", 0600);
    char cwd[4096];
    ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
    ck_assert_int_eq(chdir(tmpdir), 0);
    _cleanup_(brig_file_freep) BrigFile *f = NULL;
    BrigError *err = NULL;
    int r = brig_file_load("empty.json", 16, &f, &err);
    ck_assert_int_eq(chdir(cwd), 0);
    ck_assert_int_eq(r, 0);
    ck_assert_uint_eq(f->len, 0);
    ck_assert_str_eq(f->data, "");
}
END_TEST

START_TEST(test_load_refuses_symlink)
{
    _cleanup_free_ char *target = tpath("real.json"), *link = tpath("config.json");
    write_file(target, "{}", 0644);
    ck_assert_int_eq(symlink(target, link), 0);
    _cleanup_free_ char *want =
        xasprintf("%s: is a symbolic link; brig refuses to follow it", link);
    assert_load_fails(link, BRIG_FILE_MAX_SIZE, ELOOP, want);

    /* a dangling link is refused the same way, not reported as missing */
    _cleanup_free_ char *dangling = tpath("dangling.json");
    ck_assert_int_eq(symlink("/nonexistent/x", dangling), 0);
    _cleanup_free_ char *want2 =
        xasprintf("%s: is a symbolic link; brig refuses to follow it", dangling);
    assert_load_fails(dangling, BRIG_FILE_MAX_SIZE, ELOOP, want2);
}
END_TEST

START_TEST(test_load_refuses_directory)
{
    _cleanup_free_ char *d = tpath("config.json");
    ck_assert_int_eq(mkdir(d, 0755), 0);
    _cleanup_free_ char *want = xasprintf("%s: is a directory, expected a file", d);
    assert_load_fails(d, BRIG_FILE_MAX_SIZE, EISDIR, want);

    _cleanup_free_ char *slash = xasprintf("%s/", tmpdir);
    _cleanup_free_ char *want2 = xasprintf("%s: is a directory, expected a file", slash);
    assert_load_fails(slash, BRIG_FILE_MAX_SIZE, EISDIR, want2);

    _cleanup_free_ char *dot = xasprintf("%s/..", tmpdir);
    _cleanup_free_ char *want3 = xasprintf("%s: is a directory, expected a file", dot);
    assert_load_fails(dot, BRIG_FILE_MAX_SIZE, EISDIR, want3);
}
END_TEST

START_TEST(test_load_refuses_fifo)
{
    _cleanup_free_ char *p = tpath("config.json");
    ck_assert_int_eq(mkfifo(p, 0644), 0);
    /* opening a FIFO with no writer blocks forever unless done right; make a
     * hang fail fast instead of waiting for check's timeout */
    alarm(5);
    _cleanup_free_ char *want = xasprintf("%s: is not a regular file", p);
    assert_load_fails(p, BRIG_FILE_MAX_SIZE, EINVAL, want);
    alarm(0);
}
END_TEST

START_TEST(test_load_refuses_device)
{
    assert_load_fails("/dev/null", BRIG_FILE_MAX_SIZE, EINVAL, "/dev/null: is not a regular file");
}
END_TEST

START_TEST(test_load_missing)
{
    _cleanup_free_ char *p = tpath("config.json");
    _cleanup_free_ char *want = xasprintf("%s: no such file", p);
    assert_load_fails(p, BRIG_FILE_MAX_SIZE, ENOENT, want);

    _cleanup_free_ char *d = tpath("nodir"), *pd = tpath("nodir/config.json");
    _cleanup_free_ char *want2 = xasprintf("%s: no such bundle directory %s", pd, d);
    assert_load_fails(pd, BRIG_FILE_MAX_SIZE, ENOENT, want2);
}
END_TEST

START_TEST(test_load_size_limit)
{
    _cleanup_free_ char *p = tpath("config.json");
    write_file(p, "0123456789A", 0644); /* 11 bytes */
    _cleanup_free_ char *want = xasprintf("%s: 11 bytes is over the limit of 10 bytes", p);
    assert_load_fails(p, 10, EFBIG, want);

    _cleanup_(brig_file_freep) BrigFile *f = NULL;
    BrigError *err = NULL;
    ck_assert_int_eq(brig_file_load(p, 11, &f, &err), 0);
    ck_assert_str_eq(f->data, "0123456789A");
}
END_TEST

static BrigFile *load_ok(const char *path)
{
    BrigFile *f = NULL;
    BrigError *err = NULL;
    int r = brig_file_load(path, BRIG_FILE_MAX_SIZE, &f, &err);
    ck_assert_msg(r == 0, "load: %s", err ? err->msg : "");
    return f;
}

START_TEST(test_replace_keeps_mode_and_owner)
{
    static const mode_t modes[] = {0640, 0600, 0444, 06755};
    for (size_t i = 0; i < ELEMENTSOF(modes); i++) {
        _cleanup_free_ char *p = tpath("config.json");
        write_file(p, "{\"old\":true}", modes[i]);
        if (geteuid() == 0)
            ck_assert_int_eq(chown(p, 1234, 5678), 0);
        /* chown drops set-id bits; put them back for the 06755 case */
        ck_assert_int_eq(chmod(p, modes[i]), 0);
        struct stat before;
        ck_assert_int_eq(stat(p, &before), 0);
        ck_assert_uint_eq(before.st_mode & 07777, modes[i]);

        _cleanup_(brig_file_freep) BrigFile *f = load_ok(p);
        BrigError *err = NULL;
        const char *data = "{\"new\":true}\n";
        ck_assert_int_eq(brig_file_replace(f, data, strlen(data), &err), 0);
        ck_assert_ptr_null(err);

        struct stat after;
        ck_assert_int_eq(stat(p, &after), 0);
        ck_assert_msg((after.st_mode & 07777) == modes[i], "mode %o became %o", modes[i],
                      after.st_mode & 07777);
        ck_assert_uint_eq(after.st_uid, before.st_uid);
        ck_assert_uint_eq(after.st_gid, before.st_gid);
        if (geteuid() == 0) {
            ck_assert_uint_eq(after.st_uid, 1234);
            ck_assert_uint_eq(after.st_gid, 5678);
        }
        /* a new inode renamed into place: readers see old or new, never a mix */
        ck_assert_uint_ne(after.st_ino, before.st_ino);
        _cleanup_free_ char *got = slurp(p);
        ck_assert_str_eq(got, data);
        /* no temporary file left beside it */
        ck_assert_uint_eq(count_entries(tmpdir), 1);
        ck_assert_int_eq(unlink(p), 0);
    }
}
END_TEST

START_TEST(test_replace_removes_stale_temps)
{
    /* what a brig killed between linkat and renameat leaves behind goes on
     * the next rewrite; look-alikes that are not brig's name stay */
    _cleanup_free_ char *p = tpath("config.json");
    _cleanup_free_ char *stale = tpath(".config.json.brig-0123456789abcdef");
    _cleanup_free_ char *other = tpath(".config.json.brig-notours");
    _cleanup_free_ char *dir = tpath(".config.json.brig-fedcba9876543210");
    write_file(p, "{}", 0644);
    write_file(stale, "{\"half\":", 0600);
    write_file(other, "x", 0600);
    ck_assert_int_eq(mkdir(dir, 0700), 0);
    _cleanup_(brig_file_freep) BrigFile *f = load_ok(p);
    BrigError *err = NULL;
    ck_assert_int_eq(brig_file_replace(f, "[1]", 3, &err), 0);
    ck_assert_int_eq(access(stale, F_OK), -1);
    ck_assert_int_eq(access(other, F_OK), 0);
    ck_assert_int_eq(access(dir, F_OK), 0);
    ck_assert_uint_eq(count_entries(tmpdir), 3);
}
END_TEST

START_TEST(test_replace_twice_from_one_load)
{
    /* the first replace changes the inode, so a second one from the same
     * load must notice the file is no longer the one read */
    _cleanup_free_ char *p = tpath("config.json");
    write_file(p, "{}", 0644);
    _cleanup_(brig_file_freep) BrigFile *f = load_ok(p);
    BrigError *err = NULL;
    ck_assert_int_eq(brig_file_replace(f, "[1]", 3, &err), 0);
    ck_assert_int_eq(brig_file_replace(f, "[2]", 3, &err), -ESTALE);
    brig_error_free(err);
    _cleanup_free_ char *got = slurp(p);
    ck_assert_str_eq(got, "[1]");
    ck_assert_uint_eq(count_entries(tmpdir), 1);
}
END_TEST

START_TEST(test_replace_estale_on_swap)
{
    _cleanup_free_ char *p = tpath("config.json"), *other = tpath("other.json");
    write_file(p, "{\"read\":1}", 0644);
    _cleanup_(brig_file_freep) BrigFile *f = load_ok(p);
    /* someone renames a different file over it after brig read it */
    write_file(other, "{\"swapped\":1}", 0644);
    ck_assert_int_eq(rename(other, p), 0);

    BrigError *err = NULL;
    ck_assert_int_eq(brig_file_replace(f, "{\"hardened\":1}", 14, &err), -ESTALE);
    _cleanup_free_ char *want =
        xasprintf("%s: changed on disk while brig was hardening it; not replaced", p);
    ck_assert_str_eq(err->msg, want);
    ck_assert_int_eq(err->status, ESTALE);
    brig_error_free(err);
    _cleanup_free_ char *got = slurp(p);
    ck_assert_str_eq(got, "{\"swapped\":1}");
    ck_assert_uint_eq(count_entries(tmpdir), 1);
}
END_TEST

START_TEST(test_replace_estale_on_rewrite_in_place)
{
    _cleanup_free_ char *p = tpath("config.json");
    write_file(p, "{\"read\":1}", 0644);
    _cleanup_(brig_file_freep) BrigFile *f = load_ok(p);
    /* same inode, new contents (O_TRUNC + write) */
    write_file(p, "{\"rewritten\":12345}", 0644);

    BrigError *err = NULL;
    ck_assert_int_eq(brig_file_replace(f, "{\"hardened\":1}", 14, &err), -ESTALE);
    brig_error_free(err);
    _cleanup_free_ char *got = slurp(p);
    ck_assert_str_eq(got, "{\"rewritten\":12345}");
    ck_assert_uint_eq(count_entries(tmpdir), 1);
}
END_TEST

START_TEST(test_replace_estale_on_delete)
{
    _cleanup_free_ char *p = tpath("config.json");
    write_file(p, "{}", 0644);
    _cleanup_(brig_file_freep) BrigFile *f = load_ok(p);
    ck_assert_int_eq(unlink(p), 0);
    BrigError *err = NULL;
    ck_assert_int_eq(brig_file_replace(f, "[]", 2, &err), -ENOENT);
    _cleanup_free_ char *want =
        xasprintf("%s: cannot check the config before replacing it: No such file or directory", p);
    ck_assert_str_eq(err->msg, want);
    brig_error_free(err);
    ck_assert_uint_eq(count_entries(tmpdir), 0);
}
END_TEST

START_TEST(test_replace_fails_cleanly_when_full)
{
    if (geteuid() != 0) {
        tu_skip("test_replace_fails_cleanly_when_full: needs root to mount a tmpfs");
        return;
    }
    _cleanup_free_ char *mnt = tpath("full");
    ck_assert_int_eq(mkdir(mnt, 0755), 0);
    /* check runs each test in a child: a private mount namespace there makes
     * the tmpfs vanish with it, even when an assertion fails */
    if (unshare(CLONE_NEWNS) < 0 || mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) < 0 ||
        mount("brig-test", mnt, "tmpfs", MS_NOSUID | MS_NODEV, "size=64k") < 0) {
        tu_skip("test_replace_fails_cleanly_when_full: cannot mount a tmpfs: %m");
        return;
    }
    _cleanup_free_ char *p = xasprintf("%s/config.json", mnt);
    _cleanup_free_ char *filler = xasprintf("%s/filler", mnt);
    const char *orig = "{\"ociVersion\":\"1.0.2\",\"process\":{\"args\":[\"sh\"]}}";
    write_file(p, orig, 0640);
    _cleanup_(brig_file_freep) BrigFile *f = load_ok(p);

    /* fill the filesystem to the last block */
    int fd = open(filler, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    ck_assert_int_ge(fd, 0);
    char block[4096];
    memset(block, 'x', sizeof(block));
    while (write(fd, block, sizeof(block)) > 0)
        ;
    while (write(fd, block, 1) > 0)
        ;
    close(fd);

    size_t big = 32 * 1024;
    _cleanup_free_ char *data = xmalloc(big);
    memset(data, ' ', big);
    BrigError *err = NULL;
    int r = brig_file_replace(f, data, big, &err);
    ck_assert_int_eq(r, -ENOSPC);
    _cleanup_free_ char *prefix = xasprintf("%s: cannot ", p);
    ck_assert_msg(startswith(err->msg, prefix), "message: %s", err->msg);
    ck_assert_msg(strstr(err->msg, "No space left on device"), "message: %s", err->msg);
    brig_error_free(err);

    _cleanup_free_ char *got = slurp(p);
    ck_assert_str_eq(got, orig);
    ck_assert_uint_eq(count_entries(mnt), 2); /* config.json and filler, no temp file */
    brig_file_free(TAKE_PTR(f));              /* it holds the directory open */
    ck_assert_int_eq(umount(mnt), 0);
}
END_TEST

/* brig_open_regular: logs, locks and state files.  A FIFO (with or without a
 * reader), a symlink, a directory or a device is refused without blocking. */
START_TEST(test_open_regular_appends)
{
    _cleanup_free_ char *p = tpath("audit.log");
    int fd = brig_open_regular(AT_FDCWD, p, O_WRONLY | O_APPEND | O_CREAT, 0600, NULL);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, "a\n", 2), 2);
    close(fd);
    fd = brig_open_regular(AT_FDCWD, p, O_WRONLY | O_APPEND | O_CREAT, 0600, NULL);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, "b\n", 2), 2);
    ck_assert(fcntl(fd, F_GETFD) & FD_CLOEXEC);
    close(fd);
    _cleanup_free_ char *got = slurp(p);
    ck_assert_str_eq(got, "a\nb\n");
    struct stat st;
    ck_assert_int_eq(stat(p, &st), 0);
    ck_assert_uint_eq(st.st_mode & 07777, 0600);
}
END_TEST

static void assert_open_refused(const char *p, int status, const char *suffix)
{
    BrigError *err = NULL;
    alarm(5); /* a hang fails fast */
    int r = brig_open_regular(AT_FDCWD, p, O_WRONLY | O_APPEND | O_CREAT, 0600, &err);
    alarm(0);
    ck_assert_int_eq(r, -status);
    _cleanup_free_ char *want = xasprintf("%s: %s", p, suffix);
    ck_assert_str_eq(err->msg, want);
    brig_error_free(err);
}

START_TEST(test_open_regular_refuses)
{
    _cleanup_free_ char *fifo = tpath("fifo");
    ck_assert_int_eq(mkfifo(fifo, 0600), 0);
    assert_open_refused(fifo, ENXIO, "is not a regular file (a FIFO or socket)");
    /* with a reader the open succeeds: fstat refuses it */
    int rd = open(fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    ck_assert_int_ge(rd, 0);
    assert_open_refused(fifo, EINVAL, "is not a regular file");
    close(rd);

    _cleanup_free_ char *victim = tpath("victim"), *link = tpath("link");
    write_file(victim, "precious", 0644);
    ck_assert_int_eq(symlink(victim, link), 0);
    assert_open_refused(link, ELOOP, "is a symbolic link; brig refuses to follow it");
    _cleanup_free_ char *got = slurp(victim);
    ck_assert_str_eq(got, "precious");

    assert_open_refused("/dev/null", EINVAL, "is not a regular file");
    BrigError *err = NULL;
    ck_assert_int_eq(brig_open_regular(AT_FDCWD, victim, O_WRONLY | O_TRUNC, 0, &err), -EINVAL);
    brig_error_free(err);
}
END_TEST

/* brig_output_write: -o outputs, written beside and renamed. */
START_TEST(test_output_write)
{
    _cleanup_free_ char *p = tpath("out.json");
    ck_assert_int_eq(brig_output_write(p, "one", 3, 0644, NULL), 0);
    _cleanup_free_ char *got = slurp(p);
    ck_assert_str_eq(got, "one");
    struct stat st1, st2;
    ck_assert_int_eq(stat(p, &st1), 0);
    ck_assert_uint_eq(st1.st_mode & 07777, 0644);
    ck_assert_int_eq(brig_output_check(p, NULL), 0);
    /* a regular file there is replaced by a new inode, not rewritten in
     * place (a hard link to it elsewhere keeps its contents) */
    _cleanup_free_ char *hard = tpath("hard");
    ck_assert_int_eq(link(p, hard), 0);
    ck_assert_int_eq(brig_output_write(p, "two", 3, 0600, NULL), 0);
    ck_assert_int_eq(stat(p, &st2), 0);
    ck_assert_uint_ne(st1.st_ino, st2.st_ino);
    ck_assert_uint_eq(st2.st_mode & 07777, 0600);
    _cleanup_free_ char *got2 = slurp(p), *kept = slurp(hard);
    ck_assert_str_eq(got2, "two");
    ck_assert_str_eq(kept, "one");
    ck_assert_uint_eq(count_entries(tmpdir), 2);
}
END_TEST

START_TEST(test_output_refuses_symlink_and_fifo)
{
    _cleanup_free_ char *victim = tpath("victim"), *p = tpath("out.json");
    write_file(victim, "precious", 0644);
    ck_assert_int_eq(symlink(victim, p), 0);
    BrigError *err = NULL;
    ck_assert_int_eq(brig_output_check(p, &err), -ELOOP);
    brig_error_free(err);
    err = NULL;
    ck_assert_int_eq(brig_output_write(p, "evil", 4, 0644, &err), -ELOOP);
    _cleanup_free_ char *want =
        xasprintf("%s: is a symbolic link; brig refuses to follow or replace it", p);
    ck_assert_str_eq(err->msg, want);
    brig_error_free(err);
    _cleanup_free_ char *got = slurp(victim);
    ck_assert_str_eq(got, "precious");
    struct stat st;
    ck_assert_int_eq(lstat(p, &st), 0);
    ck_assert(S_ISLNK(st.st_mode));
    ck_assert_uint_eq(count_entries(tmpdir), 2); /* no temp left */

    _cleanup_free_ char *fifo = tpath("fifo");
    ck_assert_int_eq(mkfifo(fifo, 0600), 0);
    err = NULL;
    alarm(5);
    ck_assert_int_eq(brig_output_write(fifo, "x", 1, 0644, &err), -EINVAL);
    alarm(0);
    brig_error_free(err);
    err = NULL;
    ck_assert_int_lt(brig_output_write(tmpdir, "x", 1, 0644, &err), 0);
    brig_error_free(err);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("bundle");
    TCase *tc = tcase_create("bundle");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_config_path);
    tcase_add_test(tc, test_load_regular);
    tcase_add_test(tc, test_load_relative_and_empty);
    tcase_add_test(tc, test_load_refuses_symlink);
    tcase_add_test(tc, test_load_refuses_directory);
    tcase_add_test(tc, test_load_refuses_fifo);
    tcase_add_test(tc, test_load_refuses_device);
    tcase_add_test(tc, test_load_missing);
    tcase_add_test(tc, test_load_size_limit);
    tcase_add_test(tc, test_replace_keeps_mode_and_owner);
    tcase_add_test(tc, test_replace_twice_from_one_load);
    tcase_add_test(tc, test_replace_removes_stale_temps);
    tcase_add_test(tc, test_replace_estale_on_swap);
    tcase_add_test(tc, test_replace_estale_on_rewrite_in_place);
    tcase_add_test(tc, test_replace_estale_on_delete);
    suite_add_tcase(s, tc);
    /* needs root and a tmpfs (tests/unit/meson.build) */
    tc = tcase_create("host");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_replace_fails_cleanly_when_full);
    tcase_add_test(tc, test_open_regular_appends);
    tcase_add_test(tc, test_open_regular_refuses);
    tcase_add_test(tc, test_output_write);
    tcase_add_test(tc, test_output_refuses_symlink_and_fifo);
    suite_add_tcase(s, tc);
    return tu_run(s);
}
