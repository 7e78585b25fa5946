/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "lockdir.h"

bool brig_lockdir_valid_id(const char *id)
{
    return id && *id && !strchr(id, '\n') && strlen(id) <= 1024;
}

int brig_lockdir_open(const char *dir, mode_t parent_mode, BrigError **err)
{
    /* the parent (/run/brig) too: brig may be the first to run on this boot */
    _cleanup_free_ char *parent = xstrdup(dir);
    char *slash = strrchr(parent, '/');
    if (slash && slash != parent) {
        *slash = '\0';
        if (mkdir(parent, parent_mode) < 0 && errno != EEXIST)
            return brig_error_errno(err, errno, "cannot create %s", parent);
    }
    if (mkdir(dir, 0700) < 0 && errno != EEXIST)
        return brig_error_errno(err, errno, "cannot create %s", dir);
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return brig_error_errno(err, errno, "cannot open %s", dir);
    return fd;
}

int brig_lockdir_each(int dfd, int (*fn)(int dfd, const char *name, void *data), void *data)
{
    /* a duplicate: closedir closes the descriptor it reads */
    int dup = fcntl(dfd, F_DUPFD_CLOEXEC, 3);
    if (dup < 0)
        return -errno;
    DIR *d = fdopendir(dup);
    if (!d) {
        int e = errno;
        close(dup);
        return -e;
    }
    struct dirent *de;
    int n = 0, r = 0;
    while ((de = readdir(d))) {
        r = fn(dfd, de->d_name, data);
        if (r < 0)
            break;
        n += r;
    }
    closedir(d);
    return r < 0 ? r : n;
}
