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
    if (name[0] == '/')
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

/* Temp names are ".<name>.brig-" + 16 hex digits. */
static bool is_our_temp(const char *entry, const char *name)
{
    size_t nl = strlen(name);
    if (entry[0] != '.' || strncmp(entry + 1, name, nl) != 0 ||
        strncmp(entry + 1 + nl, ".brig-", 6) != 0)
        return false;
    const char *hex = entry + 1 + nl + 6;
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
static void remove_stale_temps(const BrigFile *f)
{
    /* getdents64 into a stack buffer: readdir(3) would take a 32 KiB heap
     * buffer (8 fresh pages) and two more system calls, on every create,
     * to list a bundle of a handful of entries */
    _cleanup_close_ int dfd = openat(f->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return;
    char buf[4096] __attribute__((aligned(8)));
    ssize_t n;
    while ((n = getdents64(dfd, buf, sizeof(buf))) > 0) {
        for (ssize_t off = 0; off < n;) {
            const struct dirent64 *e = (const struct dirent64 *)(buf + off);
            off += e->d_reclen;
            struct stat st;
            if (!is_our_temp(e->d_name, f->name))
                continue;
            if (fstatat(f->dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode))
                unlinkat(f->dirfd, e->d_name, 0);
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

int brig_file_replace(const BrigFile *f, const char *data, size_t len, BrigError **err)
{
    uint64_t rnd = 0;
    if (getrandom(&rnd, sizeof(rnd), GRND_NONBLOCK) != sizeof(rnd))
        rnd = (uint64_t)getpid() << 32 ^ (uint64_t)(uintptr_t)&rnd;
    _cleanup_free_ char *tmp = xasprintf(".%s.brig-%016llx", f->name, (unsigned long long)rnd);

    remove_stale_temps(f);
    /* The new contents are written to an unnamed file (O_TMPFILE), so a
     * brig killed while writing leaves nothing in the bundle; it gets a name
     * only when complete.  Filesystems without O_TMPFILE get a named
     * O_EXCL file instead. */
    bool anonymous = true;
    int fd = openat(f->dirfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
    if (fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)) {
        anonymous = false;
        fd = openat(f->dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    }
    if (fd < 0)
        return brig_error_errno(err, errno, "%s: cannot create a temporary file beside it",
                                f->path);

    int r = write_all(fd, data, len);
    const char *step = "write the hardened config";
    /* Owner before mode: chown(2) clears the set-id bits, even for root. */
    if (r == 0 && fchown(fd, f->st.st_uid, f->st.st_gid) < 0 &&
        !(errno == EPERM && f->st.st_uid == geteuid()))
        r = -errno, step = "set the original owner on the hardened config";
    if (r == 0 && fchmod(fd, f->st.st_mode & 07777) < 0)
        r = -errno, step = "set the original mode on the hardened config";
    if (r == 0 && fsync(fd) < 0)
        r = -errno, step = "flush the hardened config to disk";
    if (r == 0 && anonymous) {
        r = link_anonymous(fd, f->dirfd, tmp);
        if (r < 0)
            step = "give the hardened config a name";
    }
    if (close(fd) < 0 && r == 0)
        r = -errno, step = "write the hardened config";

    if (r == 0) {
        /* Refuse to replace a file that is no longer the one we read: swapped
         * for another (inode) or rewritten in place (size, mtime), either
         * way the engine's latest config would be lost. */
        struct stat now;
        if (fstatat(f->dirfd, f->name, &now, AT_SYMLINK_NOFOLLOW) < 0)
            r = -errno, step = "check the config before replacing it";
        else if (now.st_dev != f->st.st_dev || now.st_ino != f->st.st_ino ||
                 now.st_size != f->st.st_size || now.st_mtim.tv_sec != f->st.st_mtim.tv_sec ||
                 now.st_mtim.tv_nsec != f->st.st_mtim.tv_nsec)
            r = -ESTALE;
    }
    if (r == 0 && renameat(f->dirfd, tmp, f->dirfd, f->name) < 0)
        r = -errno, step = "rename the hardened config into place";
    if (r < 0) {
        unlinkat(f->dirfd, tmp, 0);
        if (r == -ESTALE)
            return brig_error_set(err, ESTALE,
                                  "%s: changed on disk while brig was hardening it; not replaced",
                                  f->path);
        return brig_error_errno(err, -r, "%s: cannot %s", f->path, step);
    }
    /* The rename is durable only once the directory is. */
    if (fsync(f->dirfd) < 0 && errno != EINVAL)
        return brig_error_errno(err, errno, "%s: cannot flush its directory", f->path);
    return 0;
}
