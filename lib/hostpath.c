/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Resolution of host paths one component at a time (hostpath.h says why).
 * Every component is opened O_PATH|O_NOFOLLOW from its parent's fd, so a
 * symlink is always seen as one and judged before it is followed. */
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>

#include "hostpath.h"
#include "util.h"

#define MAX_LINKS 40 /* the kernel's own limit */

void brig_host_path_clear(BrigHostPath *p)
{
    free(p->real);
    free(p->untrusted_link);
    *p = (BrigHostPath){0};
}

static bool below(const char *path, const char *dir)
{
    size_t n = strlen(dir);
    if (streq(dir, "/"))
        return true;
    return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* Drops the last component of an absolute real path in place. */
static void pop(char *cur)
{
    char *s = strrchr(cur, '/');
    if (s == cur)
        cur[1] = '\0';
    else if (s)
        *s = '\0';
}

static void push(char **cur, const char *comp, size_t n)
{
    size_t l = strlen(*cur);
    *cur = xrealloc(*cur, l + n + 2);
    if (l > 1)
        (*cur)[l++] = '/';
    memcpy(*cur + l, comp, n);
    (*cur)[l + n] = '\0';
}

static int open_dir(const char *cur, struct stat *ret_st)
{
    int fd = open(cur, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    if (fstat(fd, ret_st) < 0) {
        int e = -errno;
        close(fd);
        return e;
    }
    return fd;
}

int brig_host_path_resolve(const char *path, unsigned flags, const char *const *nofollow,
                           BrigHostPath *ret)
{
    *ret = (BrigHostPath){0};
    if (path[0] != '/')
        return -EINVAL;
    _cleanup_free_ char *cur = xstrdup("/");
    _cleanup_free_ char *rest = xstrdup(path); /* what is left to walk */
    struct stat dst;                           /* the directory cur names */
    _cleanup_close_ int dfd = open_dir("/", &dst);
    if (dfd < 0)
        return dfd;
    struct stat st = dst;
    unsigned links = 0;
    size_t pos = 0;
    for (;;) {
        while (rest[pos] == '/')
            pos++;
        if (!rest[pos])
            break;
        const char *comp = rest + pos;
        size_t n = strcspn(comp, "/");
        pos += n;
        if (n == 1 && comp[0] == '.')
            continue;
        if (n == 2 && comp[0] == '.' && comp[1] == '.') {
            /* cur has no symlinks, so its parent is the lexical one */
            pop(cur);
            int fd = open_dir(cur, &dst);
            if (fd < 0)
                return fd;
            close(dfd);
            dfd = fd;
            st = dst;
            continue;
        }
        if (n >= NAME_MAX + 1)
            return -ENAMETOOLONG;
        char name[NAME_MAX + 1];
        memcpy(name, comp, n);
        name[n] = '\0';
        int fd = openat(dfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0 && errno == ENOENT && (flags & BRIG_RESOLVE_MISSING_OK)) {
            push(&cur, name, n);
            for (const char *p = rest + pos;;) {
                while (*p == '/')
                    p++;
                if (!*p)
                    break;
                size_t k = strcspn(p, "/");
                if (k == 2 && p[0] == '.' && p[1] == '.')
                    pop(cur);
                else if (!(k == 1 && p[0] == '.'))
                    push(&cur, p, k);
                p += k;
            }
            ret->real = TAKE_PTR(cur);
            return 0;
        }
        if (fd < 0)
            return -errno;
        if (fstat(fd, &st) < 0) {
            int e = -errno;
            close(fd);
            return e;
        }
        if (S_ISLNK(st.st_mode)) {
            bool trusted = (flags & BRIG_RESOLVE_ALL) || (st.st_uid == 0 && dst.st_uid == 0 &&
                                                          !(dst.st_mode & (S_IWGRP | S_IWOTH)));
            for (const char *const *d = nofollow; trusted && d && *d; d++)
                if (below(cur, *d))
                    trusted = false;
            if (!trusted || ++links > MAX_LINKS) {
                close(fd);
                if (trusted)
                    return -ELOOP;
                ret->untrusted_link = xstrdup(cur);
                push(&ret->untrusted_link, name, n);
                return -ELOOP;
            }
            char target[PATH_MAX];
            ssize_t tl = readlinkat(fd, "", target, sizeof(target) - 1);
            int e = errno;
            close(fd);
            if (tl < 0)
                return -e;
            target[tl] = '\0';
            char *nrest = xasprintf("%s/%s", target, rest + pos);
            free(rest);
            rest = nrest;
            pos = 0;
            if (target[0] == '/') {
                free(cur);
                cur = xstrdup("/");
                int nfd = open_dir("/", &dst);
                if (nfd < 0)
                    return nfd;
                close(dfd);
                dfd = nfd;
            }
            continue;
        }
        push(&cur, name, n);
        close(dfd);
        dfd = fd;
        dst = st;
    }
    if (fstat(dfd, &st) < 0)
        return -errno;
    ret->real = TAKE_PTR(cur);
    ret->exists = true;
    ret->mode = st.st_mode;
    ret->rdev = st.st_rdev;
    return 0;
}
