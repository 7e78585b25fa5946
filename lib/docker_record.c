/* SPDX-License-Identifier: GPL-2.0-or-later */
/* dockerd's record of a container, read the way a root-owned state file
 * must be read by a root process: see docker_record.h for why it can be
 * trusted at all. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle.h"
#include "docker_record.h"
#include "json.h"
#include "util.h"

/* config.v2.json holds the container's configuration and state: a few KiB,
 * more with many mounts or a long environment.  Beyond this it is refused. */
#define RECORD_MAX (4u * 1024 * 1024)

void brig_docker_image_done(BrigDockerImage *img)
{
    free(img->name);
    free(img->id);
    img->name = img->id = NULL;
}

/* Docker's container ids are 64 lowercase hex digits: anything else is not
 * a Docker container, and can never name a path outside containers/. */
static bool docker_id(const char *id)
{
    size_t n = 0;
    for (; id && id[n]; n++)
        if (!((id[n] >= '0' && id[n] <= '9') || (id[n] >= 'a' && id[n] <= 'f')))
            return false;
    return n == 64;
}

/* Root's and writable by no one else. */
static int root_owned(int fd, const char *what, const char *path, BrigError **err)
{
    struct stat st;
    if (fstat(fd, &st) < 0)
        return brig_error_set(err, errno, "docker image record: cannot stat %s %s", what, path);
    if (st.st_uid != 0)
        return brig_error_set(err, EPERM,
                              "docker image record: %s %s is owned by uid %u, not root; "
                              "brig trusts only a record dockerd wrote as root",
                              what, path, (unsigned)st.st_uid);
    if (st.st_mode & (S_IWGRP | S_IWOTH))
        return brig_error_set(err, EPERM,
                              "docker image record: %s %s is writable by group or others (mode "
                              "%04o); brig trusts only a record root alone can write",
                              what, path, (unsigned)(st.st_mode & 07777));
    return 0;
}

/* One directory below `dirfd`, never through a symlink. */
static int open_dir_at(int dirfd, const char *name, const char *path, BrigError **err)
{
    int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return -ENOENT;
        return brig_error_set(err, errno, "docker image record: cannot open %s%s", path,
                              errno == ELOOP || errno == ENOTDIR ? " (a symlink or not a directory)"
                                                                 : "");
    }
    int r = root_owned(fd, "directory", path, err);
    if (r < 0) {
        close(fd);
        return r;
    }
    return fd;
}

static int read_all(int fd, const char *path, char **ret, size_t *ret_len, BrigError **err)
{
    struct stat st;
    if (fstat(fd, &st) < 0)
        return brig_error_set(err, errno, "docker image record: cannot stat %s", path);
    if ((uint64_t)st.st_size > RECORD_MAX)
        return brig_error_set(err, EFBIG, "docker image record: %s is over %u bytes", path,
                              RECORD_MAX);
    _cleanup_free_ char *buf = xmalloc(RECORD_MAX + 1);
    size_t len = 0;
    for (;;) {
        ssize_t n = read(fd, buf + len, RECORD_MAX + 1 - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return brig_error_set(err, errno, "docker image record: cannot read %s", path);
        if (n == 0)
            break;
        len += (size_t)n;
        if (len > RECORD_MAX)
            return brig_error_set(err, EFBIG, "docker image record: %s is over %u bytes", path,
                                  RECORD_MAX);
    }
    buf[len] = '\0';
    *ret = TAKE_PTR(buf);
    *ret_len = len;
    return 0;
}

int brig_docker_image_read(const char *root, const char *id, BrigDockerImage *ret, BrigError **err)
{
    if (!root)
        root = BRIG_DOCKER_ROOT_DEFAULT;
    if (!docker_id(id))
        return 0;
    /* The docker root is the administrator's (the policy names it), so it
     * may itself be a symlink (a moved data-root); below it nothing may be. */
    _cleanup_close_ int rfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (rfd < 0) {
        if (errno == ENOENT)
            return 0;
        return brig_error_set(err, errno, "docker image record: cannot open the docker root %s",
                              root);
    }
    int r = root_owned(rfd, "docker root", root, err);
    if (r < 0)
        return r;
    _cleanup_free_ char *cpath = xasprintf("%s/containers", root);
    _cleanup_close_ int cfd = open_dir_at(rfd, "containers", cpath, err);
    if (cfd == -ENOENT)
        return 0;
    if (cfd < 0)
        return cfd;
    _cleanup_free_ char *dpath = xasprintf("%s/%s", cpath, id);
    _cleanup_close_ int dfd = open_dir_at(cfd, id, dpath, err);
    if (dfd == -ENOENT)
        return 0; /* not a Docker container */
    if (dfd < 0)
        return dfd;
    _cleanup_free_ char *fpath = xasprintf("%s/config.v2.json", dpath);
    /* O_NOFOLLOW, O_NONBLOCK, and a regular file, or refused */
    _cleanup_close_ int fd = brig_open_regular(dfd, "config.v2.json", O_RDONLY, 0, err);
    if (fd < 0)
        return brig_error_prefix(err, "docker image record");
    if ((r = root_owned(fd, "file", fpath, err)) < 0)
        return r;
    _cleanup_free_ char *buf = NULL;
    size_t len = 0;
    if ((r = read_all(fd, fpath, &buf, &len, err)) < 0)
        return r;
    _cleanup_(brig_json_freep) BrigJson *j = NULL;
    if ((r = brig_json_parse(buf, len, fpath, 0, &j, err)) < 0)
        return brig_error_prefix(err, "docker image record");
    /* dockerd writes these keys with Go's encoder: exactly this case */
    const char *rid = brig_json_str(brig_json_get(j, "ID"));
    const char *image_id = brig_json_str(brig_json_get(j, "Image"));
    const char *name = brig_json_str(brig_json_get(brig_json_get(j, "Config"), "Image"));
    if (!rid || !streq(rid, id))
        return brig_error_set(err, EINVAL, "docker image record: %s names container \"%s\", not %s",
                              fpath, rid ? rid : "(none)", id);
    if (!name && !image_id)
        return brig_error_set(err, EINVAL, "docker image record: %s names no image", fpath);
    ret->name = name ? xstrdup(name) : NULL;
    ret->id = image_id ? xstrdup(image_id) : NULL;
    return 1;
}
