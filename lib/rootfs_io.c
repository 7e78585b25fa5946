/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <sys/syscall.h>

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
