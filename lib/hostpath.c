/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Resolution of host paths one component at a time (hostpath.h says why):
 * each component is lstat()ed, so a symlink is always seen as one and judged
 * before it is followed. */
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

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

/* The path with "." and empty components dropped; false if it has a ".."
 * (left to the walk, which resolves it after what precedes it). */
static bool lexical(const char *path, char **ret)
{
    _cleanup_free_ char *cur = xstrdup("/");
    for (const char *p = path;;) {
        while (*p == '/')
            p++;
        if (!*p)
            break;
        size_t k = strcspn(p, "/");
        if (k == 2 && p[0] == '.' && p[1] == '.')
            return false;
        if (!(k == 1 && p[0] == '.'))
            push(&cur, p, k);
        p += k;
    }
    *ret = TAKE_PTR(cur);
    return true;
}

/* Most paths hold no symlink at all, and then the component walk below can
 * only end where the kernel's own walk does: one openat2() that refuses
 * every symlink (RESOLVE_NO_SYMLINKS fails with ELOOP on the first one, the
 * last component included, as O_NOFOLLOW is not given) decides them in one
 * call.  Returns 1 when it decided (ret set), 0 to fall back to the walk:
 * a symlink on the way, a "..", a trailing-slash quirk, any other error, or
 * a kernel without openat2 (ENOSYS) or a seccomp filter refusing it. */
static int resolve_fast(const char *path, unsigned flags, BrigHostPath *ret)
{
    _cleanup_free_ char *real = NULL;
    if (!lexical(path, &real))
        return 0;
    struct open_how how = {
        .flags = O_PATH | O_CLOEXEC,
        .resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
    };
    _cleanup_close_ int fd = (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof(how));
    if (fd < 0) {
        /* ENOENT comes from the first missing component, and every one
         * before it was walked without meeting a symlink: the walk would
         * append the rest as written, which is `real` */
        if (errno != ENOENT || !(flags & BRIG_RESOLVE_MISSING_OK))
            return 0;
        ret->real = TAKE_PTR(real);
        return 1;
    }
    struct stat st;
    if (fstat(fd, &st) < 0 || S_ISLNK(st.st_mode))
        return 0;
    ret->real = TAKE_PTR(real);
    ret->exists = true;
    ret->mode = st.st_mode;
    ret->rdev = st.st_rdev;
    return 1;
}

/* One lstat per component, on the real path built so far: cur never holds
 * a symlink, so the kernel's walk of it follows none either.  (The runtime
 * mounts later anyway: holding fds here would not close that window.) */
int brig_host_path_resolve(const char *path, unsigned flags, const char *const *nofollow,
                           BrigHostPath *ret)
{
    *ret = (BrigHostPath){0};
    if (path[0] != '/')
        return -EINVAL;
    if (!(flags & BRIG_RESOLVE_WALK) && resolve_fast(path, flags, ret))
        return 0;
    _cleanup_free_ char *cur = xstrdup("/");
    _cleanup_free_ char *rest = xstrdup(path); /* what is left to walk */
    struct stat dst;                           /* what cur names */
    if (lstat("/", &dst) < 0)
        return -errno;
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
            pop(cur);
            if (lstat(cur, &dst) < 0)
                return -errno;
            continue;
        }
        if (n > NAME_MAX)
            return -ENAMETOOLONG;
        _cleanup_free_ char *cand = xstrdup(cur);
        push(&cand, comp, n);
        struct stat st;
        if (lstat(cand, &st) < 0) {
            int e = errno;
            if (e != ENOENT || !(flags & BRIG_RESOLVE_MISSING_OK))
                return -e;
            free(cur);
            cur = TAKE_PTR(cand);
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
        if (!S_ISLNK(st.st_mode)) {
            free(cur);
            cur = TAKE_PTR(cand);
            dst = st;
            continue;
        }
        bool trusted = (flags & BRIG_RESOLVE_ALL) ||
                       (st.st_uid == 0 && dst.st_uid == 0 && !(dst.st_mode & (S_IWGRP | S_IWOTH)));
        for (const char *const *d = nofollow; trusted && d && *d; d++)
            if (below(cur, *d))
                trusted = false;
        if (!trusted) {
            ret->untrusted_link = TAKE_PTR(cand);
            return -ELOOP;
        }
        if (++links > MAX_LINKS)
            return -ELOOP;
        char target[PATH_MAX];
        ssize_t tl = readlink(cand, target, sizeof(target) - 1);
        if (tl < 0)
            return -errno;
        target[tl] = '\0';
        char *nrest = xasprintf("%s/%s", target, rest + pos);
        free(rest);
        rest = nrest;
        pos = 0;
        if (target[0] == '/') {
            free(cur);
            cur = xstrdup("/");
            if (lstat("/", &dst) < 0)
                return -errno;
        }
    }
    ret->real = TAKE_PTR(cur);
    ret->exists = true;
    ret->mode = dst.st_mode;
    ret->rdev = dst.st_rdev;
    return 0;
}

/* A resolved prefix: the path as written up to a component, and where it
 * really is (exists false: that component is missing, so is all below). */
typedef struct {
    char *lex, *real;
    bool exists;
} Prefix;

static const Prefix *lookup(const Prefix *v, size_t n, const char *lex, size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(v[i].lex) == len && strncmp(v[i].lex, lex, len) == 0)
            return &v[i];
    return NULL;
}

typedef struct {
    Prefix *v;
    size_t n, cap;
} Cache;

static char *resolve_cached(Cache *c, const char *p, unsigned depth, bool *ret_exists)
{
    if (p[0] != '/') {
        /* relative to the current directory, as the runtime will see it */
        char cwd[PATH_MAX];
        if (!getcwd(cwd, sizeof(cwd)) || cwd[0] != '/') {
            *ret_exists = false;
            return xstrdup(p);
        }
        _cleanup_free_ char *abs = xasprintf("%s/%s", cwd, p);
        return resolve_cached(c, abs, depth, ret_exists);
    }
    char *real = xstrdup("/");
    bool exists = true;
    for (size_t end = 0; p[0] == '/' && p[end];) {
        while (p[end] == '/')
            end++;
        size_t k = strcspn(p + end, "/");
        if (k == 0)
            break;
        const char *comp = p + end;
        end += k;
        bool dot = k == 1 && comp[0] == '.', dotdot = k == 2 && comp[0] == '.' && comp[1] == '.';
        if (!exists || dot || dotdot) {
            /* lexical: below a missing component, or a dot (the real path
             * so far has no symlink, so ".." is its parent) */
            if (dotdot)
                pop(real);
            else if (!dot)
                push(&real, comp, k);
            continue;
        }
        const Prefix *hit = lookup(c->v, c->n, p, end);
        Prefix np = {0};
        if (!hit) {
            _cleanup_free_ char *cand = xstrdup(real);
            push(&cand, comp, k);
            struct stat st;
            char target[PATH_MAX];
            ssize_t tl;
            np.exists = lstat(cand, &st) == 0;
            if (np.exists && S_ISLNK(st.st_mode) && depth < MAX_LINKS &&
                (tl = readlink(cand, target, sizeof(target) - 1)) >= 0) {
                target[tl] = '\0';
                _cleanup_free_ char *t =
                    target[0] == '/' ? xstrdup(target) : xasprintf("%s/%s", real, target);
                np.real = resolve_cached(c, t, depth + 1, &np.exists);
            } else {
                np.real = TAKE_PTR(cand);
            }
            np.lex = xstrndup(p, end);
            if (c->n == c->cap)
                c->v = xrealloc(c->v, (c->cap = c->cap ? 2 * c->cap : 32) * sizeof(*c->v));
            c->v[c->n++] = np;
            hit = &c->v[c->n - 1];
        }
        free(real);
        real = xstrdup(hit->real);
        exists = hit->exists;
    }
    *ret_exists = exists;
    return real;
}

void brig_host_paths_resolve_all(const char *const *paths, size_t n, char **ret_real)
{
    /* the admin's lists share most prefixes (/run, /var/lib, /usr): each
     * is looked at once, with one lstat */
    Cache c = {0};
    for (size_t i = 0; i < n; i++) {
        bool exists;
        ret_real[i] = resolve_cached(&c, paths[i], 0, &exists);
    }
    for (size_t i = 0; i < c.n; i++) {
        free(c.v[i].lex);
        free(c.v[i].real);
    }
    free(c.v);
}
