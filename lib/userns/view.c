/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Idmapped views of the rootfs and bind sources (view.h). */
#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/openat2.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <sys/wait.h>

#include "../bundle.h"
#include "../util.h"
#include "view.h"

#ifndef OVERLAYFS_SUPER_MAGIC
#define OVERLAYFS_SUPER_MAGIC 0x794c7630
#endif

/* The mount API, called directly: glibc 2.36 wraps only some of it. */
#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef MOUNT_ATTR_IDMAP
#define MOUNT_ATTR_IDMAP 0x00100000
#endif
#ifndef MOUNT_ATTR_NOSUID
#define MOUNT_ATTR_NOSUID 0x00000002
#endif
#ifndef MOUNT_ATTR_NODEV
#define MOUNT_ATTR_NODEV 0x00000004
#endif
#ifndef MOVE_MOUNT_F_EMPTY_PATH
#define MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#endif
struct brig_mount_attr {
    uint64_t attr_set, attr_clr, propagation, userns_fd;
};

static int sys_open_tree(int dfd, const char *path, unsigned flags)
{
    return (int)syscall(SYS_open_tree, dfd, path, flags);
}

static int sys_mount_setattr(int fd, const char *path, unsigned flags, struct brig_mount_attr *a)
{
    return (int)syscall(SYS_mount_setattr, fd, path, flags, a, sizeof(*a));
}

static int sys_move_mount(int from, const char *fpath, int to, const char *tpath, unsigned flags)
{
    return (int)syscall(SYS_move_mount, from, fpath, to, tpath, flags);
}

static int write_at(const char *path, const char *text)
{
    _cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    size_t n = strlen(text);
    return write(fd, text, n) == (ssize_t)n ? 0 : -errno;
}

int brig_userns_fd(uint32_t base, uint32_t size, bool skip_root, BrigError **err)
{
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0)
        return brig_error_errno(err, errno, "pipe");
    /* a child in a new user namespace that only waits: its namespace, once
     * mapped, outlives it through the fd */
    pid_t pid = (pid_t)syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, NULL, NULL, NULL, NULL);
    if (pid == 0) {
        char c;
        close(p[1]);
        (void)!read(p[0], &c, 1);
        _exit(0);
    }
    close(p[0]);
    if (pid < 0) {
        int e = errno;
        close(p[1]);
        return brig_error_errno(err, e, "cannot create a user namespace");
    }
    char path[64], map[64];
    uint32_t first = skip_root ? 1 : 0;
    snprintf(map, sizeof(map), "%" PRIu32 " %" PRIu32 " %" PRIu32 "\n", first, base + first,
             size - first);
    snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)pid);
    int r = write_at(path, map);
    if (r == 0) {
        snprintf(path, sizeof(path), "/proc/%d/gid_map", (int)pid);
        r = write_at(path, map);
    }
    int fd = -1;
    if (r == 0) {
        snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            r = -errno;
    }
    close(p[1]);
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
        ;
    if (r < 0)
        return brig_error_errno(err, -r, "cannot map ids %" PRIu32 "-%" PRIu32, base,
                                base + size - 1);
    return fd;
}

static int ct_open(const char *ctroot, const char *id, bool create, int tries, BrigError **err)
{
    if (!id || !*id || strchr(id, '/') || streq(id, ".") || streq(id, "..") || strlen(id) > 1024)
        return brig_error_set(err, EINVAL, "container id \"%s\" cannot name a directory",
                              id ? id : "");
    if (create) {
        /* every directory down to the views must be traversable by the
         * container's ids (/run/brig may have been made 0700 before): each
         * below the first component is made 0711, or made traversable */
        _cleanup_free_ char *p = xstrdup(ctroot);
        for (char *slash = p[0] == '/' ? strchr(p + 1, '/') : NULL; slash;) {
            char *next = strchr(slash + 1, '/');
            if (next)
                *next = '\0';
            if (mkdir(p, 0711) < 0 && errno != EEXIST)
                return brig_error_errno(err, errno, "cannot create %s", p);
            _cleanup_close_ int pfd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
            struct stat st;
            if (pfd < 0 || fstat(pfd, &st) < 0 || st.st_uid != 0)
                return brig_error_set(err, EPERM, "%s is not a directory owned by root", p);
            if ((st.st_mode & 0711) != 0711 && fchmod(pfd, (st.st_mode & 07777) | 0711) < 0)
                return brig_error_errno(err, errno, "cannot make %s traversable", p);
            if (next)
                *next = '/';
            slash = next;
        }
    }
    _cleanup_close_ int rfd = open(ctroot, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (rfd < 0)
        return brig_error_errno(err, errno, "cannot open %s", ctroot);
    if (create && mkdirat(rfd, id, 0711) < 0 && errno != EEXIST) {
        /* a delete of the root's last container removed ctroot meanwhile */
        if (errno == ENOENT && tries < 3)
            return ct_open(ctroot, id, create, tries + 1, err);
        return brig_error_errno(err, errno, "cannot create %s/%s", ctroot, id);
    }
    int fd = openat(rfd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return brig_error_errno(err, errno, "cannot open %s/%s", ctroot, id);
    return fd;
}

int brig_userns_ct_open(const char *ctroot, const char *id, bool create, BrigError **err)
{
    return ct_open(ctroot, id, create, 0, err);
}

void brig_userns_views_clear(BrigUsernsViews *v)
{
    free(v->rootfs);
    strv_free(v->binds);
    *v = (BrigUsernsViews){0};
}

/* An idmapped clone of `path`, attached at dfd/name (created as a
 * directory, or an empty file for a file source), with the mount
 * attributes `attrs` set too. */
static int idmap_at(int usernsfd, const char *path, bool follow, bool recursive, uint64_t attrs,
                    int dfd, const char *name, BrigError **err)
{
    /* Without `follow`, `path` was resolved by the caller through no
     * symlink but root's own (brig_host_path_resolve) and is opened
     * without following any: what the mounts pass judges by the same rule
     * is what is cloned, whatever a symlink someone else controls points
     * to by now.  An overlay's layers, as its mounter wrote them in
     * mountinfo (Docker's "l/" links), are followed. */
    struct open_how how = {.flags = O_PATH | O_CLOEXEC,
                           .resolve = follow ? 0 : RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS};
    _cleanup_close_ int pfd = (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof(how));
    if (pfd < 0)
        return brig_error_errno(err, errno,
                                "cannot open %s without following a symlink (one changed since "
                                "it was resolved?)",
                                path);
    _cleanup_close_ int tree = sys_open_tree(
        pfd, "", OPEN_TREE_CLONE | O_CLOEXEC | AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0));
    if (tree < 0)
        return brig_error_errno(err, errno, "cannot clone the mount of %s", path);
    struct brig_mount_attr a = {.attr_set = MOUNT_ATTR_IDMAP | attrs,
                                .userns_fd = (uint64_t)usernsfd};
    if (sys_mount_setattr(tree, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &a) < 0)
        return brig_error_errno(err, errno,
                                "cannot make an idmapped mount of %s (its file system, or a "
                                "mount below it, does not support idmapping)",
                                path);
    struct stat st;
    if (fstat(tree, &st) < 0)
        return brig_error_errno(err, errno, "cannot stat %s", path);
    if (S_ISDIR(st.st_mode)) {
        if (mkdirat(dfd, name, 0711) < 0 && errno != EEXIST)
            return brig_error_errno(err, errno, "cannot create the mount point for %s", path);
    } else {
        _cleanup_close_ int f =
            brig_open_regular(dfd, name, O_WRONLY | O_CREAT | O_EXCL, 0600, NULL);
        if (f < 0 && f != -EEXIST)
            return brig_error_errno(err, -f, "cannot create the mount point for %s", path);
    }
    if (sys_move_mount(tree, "", dfd, name, MOVE_MOUNT_F_EMPTY_PATH) < 0)
        return brig_error_errno(err, errno, "cannot attach the idmapped mount of %s", path);
    return 0;
}

/* "\040" and the like, as the kernel escapes mountinfo fields. */
static char *unescape(const char *s, size_t n)
{
    char *o = xmalloc(n + 1), *w = o;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\\' && i + 3 < n + 1 && s[i + 1] >= '0' && s[i + 1] <= '3' &&
            s[i + 2] >= '0' && s[i + 2] <= '7' && s[i + 3] >= '0' && s[i + 3] <= '7') {
            *w++ = (char)((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
            i += 3;
        } else {
            *w++ = s[i];
        }
    }
    *w = '\0';
    return o;
}

static char *read_mountinfo(void)
{
    _cleanup_close_ int fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    size_t cap = 65536, len = 0;
    char *buf = xmalloc(cap);
    for (;;) {
        if (len + 4096 > cap)
            buf = xrealloc(buf, cap *= 2);
        ssize_t n = read(fd, buf + len, cap - len - 1);
        if (n < 0) {
            free(buf);
            return NULL;
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    buf[len] = '\0';
    return buf;
}

/* The layers of the overlay mounted with mount id `mnt_id`: upperdir first,
 * then each lowerdir, top to bottom; its workdir in ret_work (NULL when it
 * has none), as mountinfo shows them: as the mounter wrote them. */
static int overlay_layers(uint64_t mnt_id, char ***ret, char **ret_work, BrigError **err)
{
    _cleanup_free_ char *mi = read_mountinfo();
    if (!mi)
        return brig_error_errno(err, errno, "cannot read /proc/self/mountinfo");
    for (char *l = mi; *l;) {
        char *nl = strchrnul(l, '\n');
        unsigned long long id = strtoull(l, NULL, 10);
        const char *sep = strstr(l, " - ");
        if (id == mnt_id && sep && sep < nl) {
            /* " - overlay SOURCE OPTIONS" */
            const char *opts = sep + 3;
            for (int k = 0; k < 2 && opts; k++) {
                opts = memchr(opts, ' ', (size_t)(nl - opts));
                if (opts)
                    opts++;
            }
            if (!opts)
                break;
            _cleanup_free_ char *upper = NULL, *lower = NULL, *work = NULL;
            for (const char *o = opts; o < nl;) {
                const char *e = memchr(o, ',', (size_t)(nl - o));
                if (!e)
                    e = nl;
                if (startswith(o, "upperdir="))
                    upper = unescape(o + 9, (size_t)(e - o - 9));
                else if (startswith(o, "lowerdir="))
                    lower = unescape(o + 9, (size_t)(e - o - 9));
                else if (startswith(o, "workdir="))
                    work = unescape(o + 8, (size_t)(e - o - 8));
                o = e + 1;
            }
            if (!lower)
                return brig_error_set(err, EINVAL,
                                      "the overlay holding the rootfs shows no "
                                      "lowerdir in /proc/self/mountinfo");
            size_t n = 0;
            char **v = xcalloc(2, sizeof(char *));
            if (upper)
                v[n++] = TAKE_PTR(upper);
            for (char *p = lower, *tok; (tok = strsep(&p, ":"));) {
                if (!*tok)
                    continue; /* "::" starts data-only layers; they are lowers too */
                v = xrealloc(v, (n + 2) * sizeof(char *));
                v[n++] = xstrdup(tok);
            }
            v[n] = NULL;
            *ret = v;
            *ret_work = TAKE_PTR(work);
            return 0;
        }
        l = *nl ? nl + 1 : nl;
    }
    return brig_error_set(err, ENOENT, "mount %llu of the rootfs is not in /proc/self/mountinfo",
                          (unsigned long long)mnt_id);
}

/* A relative layer path as an engine writes one: no "..", no ".". */
static bool plain_relative(const char *p)
{
    if (!*p || p[0] == '/')
        return false;
    for (const char *c = p; *c;) {
        size_t n = strcspn(c, "/");
        if ((n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
            return false;
        c += n;
        c += *c == '/';
    }
    return true;
}

static bool is_dir_under(const char *base, const char *rel)
{
    _cleanup_free_ char *p = xasprintf("%s/%s", base, rel);
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Whether every relative one of `layers` (and `work`) is a directory under
 * `base`. */
static bool all_under(const char *base, char *const *layers, const char *work)
{
    for (size_t i = 0; layers[i]; i++)
        if (layers[i][0] != '/' && !is_dir_under(base, layers[i]))
            return false;
    return !work || work[0] == '/' || is_dir_under(base, work);
}

/* An engine whose mount options would not fit in a page mounts the overlay
 * with layer paths relative to its storage directory, from a process that
 * changed into it (Docker's and Podman's overlay drivers: "l/ID" lower
 * links and "ID/diff", relative to the directory two above the merged
 * rootfs; containerd's mount helper: lower "N/fs" relative to the
 * snapshots directory, the upper absolute), and mountinfo shows them as
 * written.  The directory is found among the parents of the absolute
 * upper layer, then of the rootfs, nearest first: the first under which
 * every relative layer, and the work directory, exists.  Paths with "." or
 * ".." are not an engine's and are refused. */
static int resolve_relative(char **layers, const char *work, const char *rootfs, BrigError **err)
{
    bool any = work && work[0] != '/';
    for (size_t i = 0; layers[i]; i++) {
        if (layers[i][0] == '/')
            continue;
        if (!plain_relative(layers[i]))
            return brig_error_set(err, EINVAL,
                                  "the overlay holding the rootfs %s has a layer path \"%s\" that "
                                  "no engine writes",
                                  rootfs, layers[i]);
        any = true;
    }
    if (!any)
        return 0;
    if (work && work[0] != '/' && !plain_relative(work))
        return brig_error_set(err, EINVAL, "the overlay holding the rootfs %s has a workdir \"%s\"",
                              rootfs, work);
    const char *starts[] = {layers[0] && layers[0][0] == '/' ? layers[0] : NULL, rootfs};
    for (size_t k = 0; k < ELEMENTSOF(starts); k++) {
        if (!starts[k])
            continue;
        _cleanup_free_ char *base = xstrdup(starts[k]);
        for (char *slash; (slash = strrchr(base, '/')) && slash != base;) {
            *slash = '\0';
            if (!all_under(base, layers, work))
                continue;
            for (size_t i = 0; layers[i]; i++) {
                if (layers[i][0] == '/')
                    continue;
                char *abs = xasprintf("%s/%s", base, layers[i]);
                free(layers[i]);
                layers[i] = abs;
            }
            return 0;
        }
    }
    return brig_error_set(err, ENOENT,
                          "the overlay holding the rootfs %s was mounted with relative layer "
                          "paths (%s...) found under none of its parent directories",
                          rootfs, layers[0]);
}

static int rootfs_view(int usernsfd, int dfd, const char *ctpath, const char *rootfs, uint32_t base,
                       BrigError **err)
{
    struct statx sx;
    struct statfs sf;
    if (statx(AT_FDCWD, rootfs, 0, STATX_MNT_ID, &sx) < 0 || statfs(rootfs, &sf) < 0)
        return brig_error_errno(err, errno, "cannot stat the rootfs %s", rootfs);
    bool overlay = (unsigned long)sf.f_type == OVERLAYFS_SUPER_MAGIC;
    if (!overlay)
        return idmap_at(usernsfd, rootfs, false, true, 0, dfd, "rootfs", err);
    if (!(sx.stx_attributes & STATX_ATTR_MOUNT_ROOT))
        return brig_error_set(err, EINVAL,
                              "the rootfs %s is inside an overlay, not its root: its layers "
                              "cannot be idmapped one by one",
                              rootfs);
    _cleanup_strv_ char **layers = NULL;
    _cleanup_free_ char *work = NULL;
    int r = overlay_layers(sx.stx_mnt_id, &layers, &work, err);
    if (r < 0)
        return r;
    r = resolve_relative(layers, work, rootfs, err);
    if (r < 0)
        return r;
    if (mkdirat(dfd, "l", 0700) < 0 && errno != EEXIST)
        return brig_error_errno(err, errno, "cannot create %s/l", ctpath);
    _cleanup_close_ int lfd = openat(dfd, "l", O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (lfd < 0)
        return brig_error_errno(err, errno, "cannot open %s/l", ctpath);
    size_t n = 0;
    for (; layers[n]; n++) {
        char name[24];
        snprintf(name, sizeof(name), "%zu", n);
        r = idmap_at(usernsfd, layers[n], true, false, 0, lfd, name, err);
        if (r < 0)
            return r;
    }
    /* A scratch upper layer of brig's own: the runtime creates mount points
     * (a volume's destination) before it makes the root read-only, and the
     * engine's upper layer, idmapped, can only be a lower one.  Its root is
     * the container root's, as the image's is. */
    if (mkdirat(dfd, "w", 0700) < 0 && errno != EEXIST)
        return brig_error_errno(err, errno, "cannot create %s/w", ctpath);
    _cleanup_close_ int wfd = openat(dfd, "w", O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (wfd < 0 || (mkdirat(wfd, "u", 0755) < 0 && errno != EEXIST) ||
        (mkdirat(wfd, "w", 0700) < 0 && errno != EEXIST))
        return brig_error_errno(err, errno, "cannot create the scratch layer in %s/w", ctpath);
    struct stat rst;
    if (stat(rootfs, &rst) < 0 || fchownat(wfd, "u", base, base, AT_SYMLINK_NOFOLLOW) < 0 ||
        fchmodat(wfd, "u", rst.st_mode & 07777, 0) < 0)
        return brig_error_errno(err, errno, "cannot set up the scratch layer in %s/w", ctpath);
    /* relative paths keep the option string short whatever the number of
     * layers (mount data is one page) */
    size_t cap = 48 + n * 12;
    _cleanup_free_ char *opt = xmalloc(cap);
    size_t w = (size_t)snprintf(opt, cap, "upperdir=../w/u,workdir=../w/w,lowerdir=");
    for (size_t i = 0; i < n; i++)
        w += (size_t)snprintf(opt + w, cap - w, "%s%zu", i ? ":" : "", i);
    if (mkdirat(dfd, "rootfs", 0711) < 0 && errno != EEXIST)
        return brig_error_errno(err, errno, "cannot create %s/rootfs", ctpath);
    _cleanup_free_ char *target = xasprintf("%s/rootfs", ctpath);
    _cleanup_close_ int cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (cwd < 0 || fchdir(lfd) < 0)
        return brig_error_errno(err, errno, "cannot enter %s/l", ctpath);
    r = mount("overlay", target, "overlay", MS_NOSUID | MS_NODEV, opt);
    int e = errno;
    if (fchdir(cwd) < 0)
        return brig_error_errno(err, errno, "cannot return to the working directory");
    if (r < 0)
        return brig_error_errno(err, e, "cannot mount the overlay of %zu idmapped layers", n);
    return 0;
}

int brig_userns_views_make(const char *ctroot, const char *id, uint32_t base, const char *rootfs,
                           const char *const *binds, size_t n_binds, const bool *bind_root,
                           BrigUsernsViews *ret, BrigError **err)
{
    _cleanup_close_ int dfd = brig_userns_ct_open(ctroot, id, true, err);
    if (dfd < 0)
        return dfd;
    _cleanup_free_ char *ctpath = xasprintf("%s/%s", ctroot, id);
    _cleanup_close_ int ufd = brig_userns_fd(base, 65536, false, err);
    if (ufd < 0)
        return ufd;
    /* A bind source is the host's: its root-owned files are host root's,
     * and the container's root must not act as their owner (write them,
     * create files owned by host uid 0 in a root-owned directory) unless
     * the policy grants mapping host root (mapHostRoot) or the source is
     * the engine's file for this container.  Otherwise the view maps
     * container ids 1-65535 to on-disk ids 1-65535 only: on-disk 0 shows
     * as the overflow id, and container 0 has no on-disk id. */
    _cleanup_close_ int bufd = n_binds == 0 ? -1 : brig_userns_fd(base, 65536, true, err);
    if (n_binds > 0 && bufd < 0)
        return bufd;
    int r = rootfs_view(ufd, dfd, ctpath, rootfs, base, err);
    if (r < 0)
        return r;
    char **v = xcalloc(n_binds + 1, sizeof(char *));
    ret->binds = v;
    ret->rootfs = xasprintf("%s/rootfs", ctpath);
    if (n_binds == 0)
        return 0;
    if (mkdirat(dfd, "b", 0711) < 0 && errno != EEXIST)
        return brig_error_errno(err, errno, "cannot create %s/b", ctpath);
    _cleanup_close_ int bfd = openat(dfd, "b", O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (bfd < 0)
        return brig_error_errno(err, errno, "cannot open %s/b", ctpath);
    for (size_t i = 0; i < n_binds; i++) {
        char name[24];
        snprintf(name, sizeof(name), "%zu", i);
        /* recursive: rbind, the engines' default, takes submounts along.
         * nosuid and nodev on the view itself, as the mounts pass makes
         * every bind (nodev but for a device node or /dev, which a device
         * grant binds): a bind of it keeps them, and crun 1.8.1 does not
         * apply them to a bind of an idmapped mount in a user namespace. */
        struct stat bst;
        bool dev = startswith(binds[i], "/dev/") ||
                   (stat(binds[i], &bst) == 0 && (S_ISCHR(bst.st_mode) || S_ISBLK(bst.st_mode)));
        /* the engine's file for this container keeps root's only as a
         * regular file: a directory could come to hold what host root may
         * not have written */
        bool root = bind_root && bind_root[i] && stat(binds[i], &bst) == 0 &&
                    (S_ISREG(bst.st_mode) || bind_root[n_binds]);
        r = idmap_at(root ? ufd : bufd, binds[i], false, true,
                     MOUNT_ATTR_NOSUID | (dev ? 0 : MOUNT_ATTR_NODEV), bfd, name, err);
        if (r < 0)
            return r;
        v[i] = xasprintf("%s/b/%zu", ctpath, i);
    }
    return 0;
}

static int cmp_len_desc(const void *a, const void *b)
{
    size_t la = strlen(*(char *const *)a), lb = strlen(*(char *const *)b);
    return la < lb ? 1 : la > lb ? -1 : 0;
}

/* Mount points at or below `prefix` (which ends in '/'), deepest first. */
static char **mounts_below(const char *prefix)
{
    _cleanup_free_ char *mi = read_mountinfo();
    char **v = xcalloc(1, sizeof(char *));
    size_t n = 0;
    for (char *l = mi; l && *l;) {
        char *nl = strchrnul(l, '\n');
        /* ID PARENT MAJ:MIN ROOT MOUNTPOINT ... */
        const char *f = l;
        for (int k = 0; k < 4 && f; k++) {
            f = memchr(f, ' ', (size_t)(nl - f));
            if (f)
                f++;
        }
        const char *e = f ? memchr(f, ' ', (size_t)(nl - f)) : NULL;
        if (e) {
            char *mp = unescape(f, (size_t)(e - f));
            size_t pl = strlen(prefix);
            if (strncmp(mp, prefix, pl) == 0 || strncmp(mp, prefix, pl - 1) == 0) {
                v = xrealloc(v, (n + 2) * sizeof(char *));
                v[n++] = mp;
                v[n] = NULL;
            } else {
                free(mp);
            }
        }
        l = *nl ? nl + 1 : nl;
    }
    qsort(v, n, sizeof(char *), cmp_len_desc);
    return v;
}

/* rmdir or unlink (an empty mount-point file) each entry of dfd/sub; never
 * descends further, so nothing inside a mount still attached is touched. */
static void remove_points(int dfd, const char *sub)
{
    _cleanup_close_ int fd = openat(dfd, sub, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return;
    int dup = fcntl(fd, F_DUPFD_CLOEXEC, 3);
    DIR *d = dup < 0 ? NULL : fdopendir(dup);
    if (!d) {
        if (dup >= 0)
            close(dup);
        return;
    }
    struct dirent *de;
    while ((de = readdir(d))) {
        if (streq(de->d_name, ".") || streq(de->d_name, ".."))
            continue;
        struct stat st;
        if (fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
            continue;
        if (S_ISDIR(st.st_mode))
            (void)unlinkat(fd, de->d_name, AT_REMOVEDIR);
        else if (S_ISREG(st.st_mode) && st.st_size == 0)
            (void)unlinkat(fd, de->d_name, 0);
    }
    closedir(d);
    (void)unlinkat(dfd, sub, AT_REMOVEDIR);
}

/* The scratch layer holds what the runtime created (mount points) and
 * overlay's work files: removed whole, after every mount below the
 * container's directory is gone (the caller checked), never crossing into
 * another file system. */
static void remove_tree(int dfd, const char *name, dev_t dev, int depth)
{
    struct stat st;
    if (depth > 64 || fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 || st.st_dev != dev)
        return;
    if (!S_ISDIR(st.st_mode)) {
        (void)unlinkat(dfd, name, 0);
        return;
    }
    int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    DIR *d = fd < 0 ? NULL : fdopendir(fd);
    if (!d) {
        if (fd >= 0)
            close(fd);
        return;
    }
    struct dirent *de;
    while ((de = readdir(d)))
        if (!streq(de->d_name, ".") && !streq(de->d_name, ".."))
            remove_tree(dirfd(d), de->d_name, dev, depth + 1);
    closedir(d);
    (void)unlinkat(dfd, name, AT_REMOVEDIR);
}

static void remove_scratch(int dfd)
{
    struct stat st;
    if (fstat(dfd, &st) == 0)
        remove_tree(dfd, "w", st.st_dev, 0);
}

int brig_userns_views_remove(const char *ctroot, const char *id, BrigError **err)
{
    _cleanup_close_ int dfd = brig_userns_ct_open(ctroot, id, false, NULL);
    if (dfd < 0)
        return 0;
    _cleanup_free_ char *prefix = xasprintf("%s/%s/", ctroot, id);
    /* stacked mounts show one at a time: a few rounds */
    for (int round = 0; round < 8; round++) {
        _cleanup_strv_ char **mps = mounts_below(prefix);
        if (!mps[0])
            break;
        for (size_t i = 0; mps[i]; i++)
            if (umount2(mps[i], MNT_DETACH | UMOUNT_NOFOLLOW) < 0 && errno != EINVAL &&
                errno != ENOENT)
                return brig_error_errno(err, errno, "cannot unmount %s", mps[i]);
    }
    remove_points(dfd, "l");
    remove_scratch(dfd);
    remove_points(dfd, "b");
    (void)unlinkat(dfd, "rootfs", AT_REMOVEDIR);
    (void)unlinkat(dfd, "state.json", 0);
    /* a create killed between naming a new state.json and renaming it */
    brig_output_remove_temps(dfd, "state.json");
    _cleanup_close_ int rfd = open(ctroot, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (rfd >= 0 && unlinkat(rfd, id, AT_REMOVEDIR) < 0 && errno != ENOENT)
        return brig_error_errno(err, errno, "cannot remove %s/%s (not empty?)", ctroot, id);
    return 1;
}
