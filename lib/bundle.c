/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <fcntl.h>
#include <stdio.h>
#include <stdint.h>
#include <dirent.h>
#include <sys/random.h>

#include "bundle.h"

char *brig_bundle_config_path(const char *bundle, const char *config)
{
    const char *name = config && *config ? config : "config.json";
    /* crun 1.8 (create.c) makes any --config but the literal "config.json"
     * absolute against its cwd before it enters the bundle: "-f x.json"
     * and "-f ./config.json" name a file in the cwd, not in the bundle. */
    if (name[0] == '/' || !streq(name, "config.json"))
        return xstrdup(name);
    if (!bundle || !*bundle)
        return xstrdup(name);
    size_t bl = strlen(bundle);
    return xasprintf("%s%s%s", bundle, bundle[bl - 1] == '/' ? "" : "/", name);
}

static void split_path(const char *path, char **ret_dir, char **ret_name)
{
    const char *slash = strrchr(path, '/');
    if (!slash) {
        *ret_dir = xstrdup(".");
        *ret_name = xstrdup(path);
    } else if (slash == path) {
        *ret_dir = xstrdup("/");
        *ret_name = xstrdup(slash + 1);
    } else {
        *ret_dir = xstrndup(path, (size_t)(slash - path));
        *ret_name = xstrdup(slash + 1);
    }
}

void brig_file_free(BrigFile *f)
{
    if (!f)
        return;
    if (f->dirfd >= 0)
        close(f->dirfd);
    free(f->path);
    free(f->name);
    free(f->data);
    free(f);
}

int brig_file_load(const char *path, size_t max, BrigFile **ret, BrigError **err)
{
    _cleanup_(brig_file_freep) BrigFile *f = xcalloc(1, sizeof(*f));
    _cleanup_free_ char *dir = NULL;
    f->dirfd = -1;
    f->path = xstrdup(path);
    split_path(path, &dir, &f->name);
    if (!*f->name || streq(f->name, ".") || streq(f->name, ".."))
        return brig_error_set(err, EISDIR, "%s: is a directory, expected a file", path);

    f->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (f->dirfd < 0) {
        if (errno == ENOENT)
            return brig_error_set(err, ENOENT, "%s: no such bundle directory %s", path, dir);
        return brig_error_errno(err, errno, "%s: cannot open directory %s", path, dir);
    }

    /* O_NONBLOCK so a FIFO planted in the bundle cannot hang brig; it is
     * refused below as not a regular file. */
    _cleanup_close_ int fd =
        openat(f->dirfd, f->name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) {
        if (errno == ELOOP)
            return brig_error_set(err, ELOOP, "%s: is a symbolic link; brig refuses to follow it",
                                  path);
        if (errno == ENOENT)
            return brig_error_set(err, ENOENT, "%s: no such file", path);
        return brig_error_errno(err, errno, "%s: cannot open", path);
    }
    if (fstat(fd, &f->st) < 0)
        return brig_error_errno(err, errno, "%s: cannot stat", path);
    if (S_ISDIR(f->st.st_mode))
        return brig_error_set(err, EISDIR, "%s: is a directory, expected a file", path);
    if (!S_ISREG(f->st.st_mode))
        return brig_error_set(err, EINVAL, "%s: is not a regular file", path);
    if ((size_t)f->st.st_size > max)
        return brig_error_set(err, EFBIG, "%s: %lld bytes is over the limit of %zu bytes", path,
                              (long long)f->st.st_size, max);

    size_t cap = (size_t)f->st.st_size + 1, len = 0;
    f->data = xmalloc(cap + 1);
    for (;;) {
        ssize_t n = read(fd, f->data + len, cap - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return brig_error_errno(err, errno, "%s: cannot read", path);
        if (n == 0)
            break;
        len += (size_t)n;
        if (len > max)
            return brig_error_set(
                err, EFBIG, "%s: grew past the limit of %zu bytes while being read", path, max);
        if (len == cap) {
            cap *= 2;
            f->data = xrealloc(f->data, cap + 1);
        }
    }
    f->data[len] = '\0';
    f->len = len;
    *ret = TAKE_PTR(f);
    return 0;
}

static int write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -errno;
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Names brig gives files beside <name>: ".<name>" TAG and 16 hex digits
 * (temps: TAG ".brig-"). */
static bool is_ours(const char *entry, const char *name, const char *tag)
{
    size_t nl = strlen(name), tl = strlen(tag);
    if (entry[0] != '.' || strncmp(entry + 1, name, nl) != 0 ||
        strncmp(entry + 1 + nl, tag, tl) != 0)
        return false;
    const char *hex = entry + 1 + nl + tl;
    if (strlen(hex) != 16)
        return false;
    for (const char *p = hex; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return false;
    return true;
}

/* A brig killed between linking its temp file and renaming it (two
 * syscalls) leaves the temp behind; the next rewrite of the same file
 * removes it.  Only regular files with brig's exact name pattern go. */
void brig_output_remove_temps(int dirfd, const char *name)
{
    brig_output_remove_kept(dirfd, name, ".brig-");
}

void brig_output_remove_kept(int dirfd, const char *name, const char *tag)
{
    /* getdents64 into a stack buffer: readdir(3) would take a 32 KiB heap
     * buffer (8 fresh pages) and two more system calls, on every create,
     * to list a bundle of a handful of entries */
    _cleanup_close_ int dfd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return;
    char buf[4096] __attribute__((aligned(8)));
    ssize_t n;
    while ((n = getdents64(dfd, buf, sizeof(buf))) > 0) {
        for (ssize_t off = 0; off < n;) {
            const struct dirent64 *e = (const struct dirent64 *)(buf + off);
            off += e->d_reclen;
            struct stat st;
            if (!is_ours(e->d_name, name, tag))
                continue;
            if (fstatat(dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode))
                unlinkat(dirfd, e->d_name, 0);
        }
    }
}

/* Gives the finished anonymous file a name in the directory.  AT_EMPTY_PATH
 * needs CAP_DAC_READ_SEARCH; the /proc/self/fd route works without it. */
static int link_anonymous(int fd, int dirfd, const char *name)
{
    if (linkat(fd, "", dirfd, name, AT_EMPTY_PATH) == 0)
        return 0;
    char proc[64];
    snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
    return linkat(AT_FDCWD, proc, dirfd, name, AT_SYMLINK_FOLLOW) == 0 ? 0 : -errno;
}

/* What a rewrite checks at the name just before renaming over it. */
typedef struct Target {
    const struct stat *expect; /* the file that was read; NULL: a new output */
    const char *what;          /* "the hardened config", "the output", for messages */
} Target;

/* 0 when the name may be replaced: for a rewrite, still the file that was
 * read (inode, size, mtime: swapped or rewritten in place, the engine's
 * latest config would be lost otherwise); for a new output, absent or a
 * regular file (a symlink, FIFO, device or directory planted there is
 * refused, never replaced or followed). */
static int check_target(int dirfd, const char *name, const Target *t)
{
    struct stat now;
    if (fstatat(dirfd, name, &now, AT_SYMLINK_NOFOLLOW) < 0)
        return errno == ENOENT && !t->expect ? 0 : -errno;
    if (!t->expect)
        return S_ISLNK(now.st_mode) ? -ELOOP : S_ISREG(now.st_mode) ? 0 : -EINVAL;
    if (now.st_dev != t->expect->st_dev || now.st_ino != t->expect->st_ino ||
        now.st_size != t->expect->st_size || now.st_mtim.tv_sec != t->expect->st_mtim.tv_sec ||
        now.st_mtim.tv_nsec != t->expect->st_mtim.tv_nsec)
        return -ESTALE;
    return 0;
}

static int target_error(BrigError **err, int r, const char *path, const Target *t, const char *step)
{
    if (r == -ESTALE)
        return brig_error_set(
            err, ESTALE, "%s: changed on disk while brig was hardening it; not replaced", path);
    if (r == -ELOOP)
        return brig_error_set(err, ELOOP,
                              "%s: is a symbolic link; brig refuses to follow or replace it", path);
    if (r == -EINVAL && !t->expect)
        return brig_error_set(err, EINVAL, "%s: is not a regular file; brig refuses to replace it",
                              path);
    return brig_error_errno(err, -r, "%s: cannot %s", path, step);
}

/* The one way brig replaces a file: the new contents go to a file created
 * beside it (never through an existing name), get their owner and mode,
 * reach the disk, and are renamed over `name` only if check_target agrees. */
static int replace_at(int dirfd, const char *name, const char *path, const char *data, size_t len,
                      uid_t uid, gid_t gid, mode_t mode, const Target *t, BrigError **err)
{
    uint64_t rnd = 0;
    if (getrandom(&rnd, sizeof(rnd), GRND_NONBLOCK) != sizeof(rnd))
        rnd = (uint64_t)getpid() << 32 ^ (uint64_t)(uintptr_t)&rnd;
    _cleanup_free_ char *tmp = xasprintf(".%s.brig-%016llx", name, (unsigned long long)rnd);

    brig_output_remove_temps(dirfd, name);
    /* The new contents are written to an unnamed file (O_TMPFILE), so a
     * brig killed while writing leaves nothing behind; it gets a name only
     * when complete.  Filesystems without O_TMPFILE get a named O_EXCL
     * file instead. */
    bool anonymous = true;
    int fd = openat(dirfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
    if (fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)) {
        anonymous = false;
        fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    }
    if (fd < 0)
        return brig_error_errno(err, errno, "%s: cannot create a temporary file beside it", path);

    _cleanup_free_ char *step_buf = NULL;
    const char *step = NULL;
    int r = write_all(fd, data, len);
    if (r < 0)
        step = step_buf = xasprintf("write %s", t->what);
    /* Owner before mode: chown(2) clears the set-id bits, even for root. */
    if (r == 0 && fchown(fd, uid, gid) < 0 && !(errno == EPERM && uid == geteuid()))
        r = -errno, step = step_buf = xasprintf("set the owner of %s", t->what);
    if (r == 0 && fchmod(fd, mode & 07777) < 0)
        r = -errno, step = step_buf = xasprintf("set the mode of %s", t->what);
    if (r == 0 && fsync(fd) < 0)
        r = -errno, step = step_buf = xasprintf("flush %s to disk", t->what);
    if (r == 0 && anonymous) {
        r = link_anonymous(fd, dirfd, tmp);
        if (r < 0)
            step = step_buf = xasprintf("give %s a name", t->what);
    }
    if (close(fd) < 0 && r == 0)
        r = -errno, step = step_buf = xasprintf("write %s", t->what);
    if (r == 0 && (r = check_target(dirfd, name, t)) < 0)
        step = t->expect ? "check the config before replacing it"
                         : "check the file before replacing it";
    if (r == 0 && renameat(dirfd, tmp, dirfd, name) < 0)
        r = -errno, step = step_buf = xasprintf("rename %s into place", t->what);
    if (r < 0) {
        unlinkat(dirfd, tmp, 0);
        return target_error(err, r, path, t, step);
    }
    /* The rename is durable only once the directory is. */
    if (fsync(dirfd) < 0 && errno != EINVAL)
        return brig_error_errno(err, errno, "%s: cannot flush its directory", path);
    return 0;
}

int brig_file_load_json(const char *path, BrigFile **ret_file, BrigJson **ret_json, BrigError **err)
{
    _cleanup_(brig_file_freep) BrigFile *f = NULL;
    int r = brig_file_load(path, BRIG_FILE_MAX_SIZE, &f, err);
    if (r < 0)
        return r;
    r = brig_json_parse(f->data, f->len, path, 0, ret_json, err);
    if (r < 0)
        return r;
    if (ret_file)
        *ret_file = TAKE_PTR(f);
    return 0;
}

int brig_file_replace(const BrigFile *f, const char *data, size_t len, BrigError **err)
{
    const Target t = {.expect = &f->st, .what = "the hardened config"};
    return replace_at(f->dirfd, f->name, f->path, data, len, f->st.st_uid, f->st.st_gid,
                      f->st.st_mode, &t, err);
}

static int open_parent(const char *path, char **ret_name, BrigError **err)
{
    _cleanup_free_ char *dir = NULL, *name = NULL;
    split_path(path, &dir, &name);
    if (!*name || streq(name, ".") || streq(name, ".."))
        return brig_error_set(err, EISDIR, "%s: is a directory, expected a file", path);
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return brig_error_errno(err, errno, "%s: cannot open directory %s", path, dir);
    *ret_name = TAKE_PTR(name);
    return dfd;
}

int brig_output_check(const char *path, BrigError **err)
{
    _cleanup_free_ char *name = NULL;
    _cleanup_close_ int dfd = open_parent(path, &name, err);
    if (dfd < 0)
        return dfd;
    const Target t = {.what = "the output"};
    int r = check_target(dfd, name, &t);
    if (r < 0)
        return target_error(err, r, path, &t, "check the file");
    /* brig will create its temporary file here: find out now, not after a
     * run of many minutes */
    if (faccessat(dfd, ".", W_OK, AT_EACCESS) < 0)
        return brig_error_errno(err, errno, "%s: cannot write to its directory", path);
    return 0;
}

int brig_output_write_at(int dirfd, const char *name, const char *data, size_t len, mode_t mode,
                         BrigError **err)
{
    const Target t = {.what = "the output"};
    return replace_at(dirfd, name, name, data, len, geteuid(), getegid(), mode, &t, err);
}

int brig_output_write(const char *path, const char *data, size_t len, mode_t mode, BrigError **err)
{
    _cleanup_free_ char *name = NULL;
    _cleanup_close_ int dfd = open_parent(path, &name, err);
    if (dfd < 0)
        return dfd;
    const Target t = {.what = "the output"};
    return replace_at(dfd, name, path, data, len, geteuid(), getegid(), mode, &t, err);
}

int brig_open_regular(int dirfd, const char *path, int flags, mode_t mode, BrigError **err)
{
    /* O_TRUNC would empty whatever the name reaches before fstat can judge
     * it: outputs go through brig_output_write instead. */
    if (flags & O_TRUNC)
        return brig_error_set(err, EINVAL, "%s: brig never truncates in place", path);
    int fd =
        openat(dirfd, path, flags | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY, mode & 07777);
    if (fd < 0) {
        if (errno == ELOOP)
            return brig_error_set(err, ELOOP, "%s: is a symbolic link; brig refuses to follow it",
                                  path);
        if (errno == ENXIO)
            return brig_error_set(err, ENXIO, "%s: is not a regular file (a FIFO or socket)", path);
        return brig_error_errno(err, errno, "%s: cannot open", path);
    }
    struct stat st;
    if (fstat(fd, &st) < 0) {
        int e = errno;
        close(fd);
        return brig_error_errno(err, e, "%s: cannot stat", path);
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return brig_error_set(err, EINVAL, "%s: is not a regular file", path);
    }
    return fd;
}
