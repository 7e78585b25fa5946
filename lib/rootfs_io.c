/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "rootfs_io.h"

int brig_open_in_root(int rootfd, const char *path, int flags, BrigError **err)
{
    if (rootfd < 0 || !path || !*path)
        return brig_error_set(err, EINVAL, "open in the container's rootfs: no root or no path");
    if ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE)
        return brig_error_set(err, EINVAL, "%s: brig never creates files in a container's rootfs",
                              path);

    struct open_how how = {
        .flags = (uint64_t)(flags | O_CLOEXEC | O_NOCTTY | O_NONBLOCK),
        .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
    };
    /* The kernel answers EAGAIN when a rename elsewhere raced the ".."
     * resolution; it asks the caller to retry, and a bounded retry keeps a
     * hostile container from spinning brig forever. */
    for (int tries = 0;; tries++) {
        long fd = syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
        if (fd >= 0)
            return (int)fd;
        if (errno == EAGAIN && tries < 16)
            continue;
        if (errno == ENOSYS)
            return brig_error_set(err, ENOSYS,
                                  "%s: opening files inside a rootfs needs openat2 (Linux 5.6); "
                                  "refusing to resolve it unconfined",
                                  path);
        return brig_error_errno(err, errno, "%s: cannot open inside the container's rootfs", path);
    }
}

int brig_stat_in_root(int rootfd, const char *path, bool follow, struct stat *st)
{
    if (rootfd < 0 || !path || !*path)
        return -EINVAL;
    struct open_how how = {
        .flags = (uint64_t)(O_PATH | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW)),
        .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
    };
    for (int tries = 0;; tries++) {
        long fd = syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
        if (fd >= 0) {
            int r = fstat((int)fd, st) < 0 ? -errno : 0;
            close((int)fd);
            return r;
        }
        if (errno == EAGAIN && tries < 16)
            continue;
        return -errno;
    }
}

#define PAGE ((uint64_t)4096)

static void add_bytes(BrigImageDir *d, uint64_t n)
{
    n = n > UINT64_MAX - PAGE ? UINT64_MAX : (n + PAGE - 1) / PAGE * PAGE;
    d->bytes = d->bytes > UINT64_MAX - n ? UINT64_MAX : d->bytes + n;
}

/* Sums what a copy of the directory `dfd` (taken) takes.  Each name is
 * looked at from its directory's fd without following it (brig_stat_in_root,
 * RESOLVE_IN_ROOT on one name); a directory is
 * entered through brig_open_in_root with that fd as the root and
 * O_NOFOLLOW, so nothing leaves the subtree whatever the image holds. */
static int walk(int dfd, unsigned depth, const char *rel, BrigImageDir *acc, const char *dir,
                BrigError **err)
{
    DIR *d = fdopendir(dfd);
    if (!d) {
        int e = errno;
        close(dfd);
        return brig_error_errno(err, e, "%s: cannot list it in the image", dir);
    }
    int r = 0;
    for (;;) {
        errno = 0;
        struct dirent *de = readdir(d);
        if (!de) {
            if (errno)
                r = brig_error_errno(err, errno, "%s: cannot list it in the image", dir);
            break;
        }
        if (streq(de->d_name, ".") || streq(de->d_name, ".."))
            continue;
        if (++acc->entries > BRIG_IMAGE_DIR_MAX_ENTRIES) {
            r = brig_error_set(err, E2BIG, "%s: the image has more than %u names below it", dir,
                               BRIG_IMAGE_DIR_MAX_ENTRIES);
            break;
        }
        struct stat st;
        int sr = brig_stat_in_root(dirfd(d), de->d_name, false, &st);
        if (sr == -ENOENT)
            continue;
        if (sr < 0) {
            r = brig_error_errno(err, -sr, "%s: cannot read an entry of it in the image", dir);
            break;
        }
        if (S_ISREG(st.st_mode) && st.st_size > 0)
            add_bytes(acc, (uint64_t)st.st_size);
        else if (S_ISLNK(st.st_mode))
            add_bytes(acc, 1); /* a long target takes a page */
        else if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode) && !acc->special[0]) {
            snprintf(acc->special, sizeof(acc->special), "%s%s", rel, de->d_name);
            snprintf(acc->special_kind, sizeof(acc->special_kind), "%s",
                     S_ISSOCK(st.st_mode)   ? "socket"
                     : S_ISFIFO(st.st_mode) ? "FIFO"
                                            : "device");
        }
        if (acc->bytes > BRIG_IMAGE_DIR_MAX_BYTES) {
            r = brig_error_set(err, E2BIG,
                               "%s: a copy of it takes more than %llu bytes (at %s%s: a sparse "
                               "file's holes are copied as zeros)",
                               dir, (unsigned long long)BRIG_IMAGE_DIR_MAX_BYTES, rel, de->d_name);
            break;
        }
        if (!S_ISDIR(st.st_mode))
            continue;
        if (depth + 1 > BRIG_IMAGE_DIR_MAX_DEPTH) {
            r = brig_error_set(err, E2BIG,
                               "%s: the image nests directories more than %u deep "
                               "below it",
                               dir, BRIG_IMAGE_DIR_MAX_DEPTH);
            break;
        }
        int c = brig_open_in_root(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW, err);
        if (c < 0) {
            r = c;
            break;
        }
        _cleanup_free_ char *sub = xasprintf("%s%s/", rel, de->d_name);
        r = walk(c, depth + 1, sub, acc, dir, err);
        if (r < 0)
            break;
    }
    closedir(d);
    return r;
}

int brig_image_dir_read(const char *rootfs, const char *dir, BrigImageDir *ret, BrigError **err)
{
    *ret = (BrigImageDir){0};
    int rootfd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0)
        return brig_error_errno(err, errno, "%s: cannot open the root filesystem", rootfs);
    BrigError *local = NULL;
    int fd = brig_open_in_root(rootfd, dir, O_RDONLY | O_DIRECTORY, &local);
    close(rootfd);
    if (fd < 0) {
        /* the runtime makes the directory: there is nothing to copy */
        bool absent = fd == -ENOENT || fd == -ENOTDIR;
        if (!absent && err && !*err)
            *err = TAKE_PTR(local);
        brig_error_free(local);
        return absent ? 0 : fd;
    }
    struct stat st;
    if (fstat(fd, &st) < 0) {
        int e = errno;
        close(fd);
        return brig_error_errno(err, e, "%s: cannot read it in the image", dir);
    }
    ret->exists = true;
    ret->uid = st.st_uid;
    ret->gid = st.st_gid;
    ret->mode = st.st_mode & 07777;
    int r = walk(fd, 0, "", ret, dir, err);
    if (r < 0)
        *ret = (BrigImageDir){0};
    return r;
}
