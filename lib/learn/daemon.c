/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The learn daemon: forked at create, detached from the engine (its own
 * session, stdio on /dev/null, no fd of the engine's), it takes the seccomp
 * listener the runtime hands over on linux.seccomp.listenerPath, answers
 * every notification as the engine's own profile would, and records what
 * each call tells (observe.c).
 *
 * It reads the caller's arguments from /proc/PID/mem and its identity
 * from /proc/PID/status before it answers, while the caller waits; the
 * notification id is checked afterwards, so what was read belongs to that
 * very call (SECCOMP_IOCTL_NOTIF_ID_VALID).  What it reads is only ever
 * recorded: the call runs, or fails, exactly as the engine's profile says. */
#include <fcntl.h>
#include <limits.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../bundle.h"
#include "../rootfs_io.h"
#include "../caps.h"
#include "learn.h"
#include "../seccomp.h"
#include "../record.h"
#include "../seccomp_explain.h"
#include "../supervisor.h"
#include "../userns/mapping.h"

#define MAX_NR 1024
#define MAX_LISTENERS 64
/* How long the daemon waits for a runtime to hand it a listener while the
 * runtime runs: a create on a loaded host (load average 400 seen) can take
 * minutes to get there */
#define FIRST_LISTENER_MS 300000
#define FLUSH_MS 2000
/* How long brig waits at create for the daemon to be ready, and the
 * longest wait for one notification once poll said there is one */
#define READY_MS 10000
#define RECV_MS 200

bool brig_learn_id_valid(const char *id)
{
    size_t n = id ? strlen(id) : 0;
    return n > 0 && n <= 128 && !streq(id, ".") && !streq(id, "..") &&
           strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_+-.") == n;
}

/* ---- the profile ---- */

static bool has_args(const BrigJson *e)
{
    const BrigJson *a = brig_json_get(e, "args");
    return a && a->type == BRIG_JSON_ARRAY && a->n;
}

/* Calls never notified (brig_record_never_notified: write, and what the Go
 * runtime of runc's init may call before it hands the listener over, which
 * no one can answer yet).  None tells learn mode anything (no path, no
 * capability, no id), and each is in every recorded profile. */
static bool quiet(const char *n)
{
    return n && brig_record_never_notified(n);
}

int brig_learn_profile(const BrigJson *engine, BrigJson **ret, BrigError **err)
{
    /* no profile of the engine's: what brig record runs with (the calls
     * never notified run under its default, ALLOW) */
    if (!engine)
        return brig_record_notify_profile(ret, err);
    if (engine->type != BRIG_JSON_OBJECT)
        return brig_error_set(err, EINVAL, "/linux/seccomp: expected an object");
    _cleanup_(brig_json_freep) BrigJson *p = brig_json_copy(engine);
    const char *def = brig_json_str(brig_json_get(p, "defaultAction"));
    if (!def)
        return brig_error_set(err, EINVAL, "/linux/seccomp/defaultAction: missing");
    if (streq(def, "SCMP_ACT_NOTIFY") || brig_json_get(p, "listenerPath"))
        return brig_error_set(err, EINVAL,
                              "/linux/seccomp: the engine's profile has a listener of its own; "
                              "learn mode cannot add brig's");
    BrigJson *sys = brig_json_get(p, "syscalls");
    if (!sys) {
        sys = brig_json_new(BRIG_JSON_ARRAY);
        brig_json_set(p, "syscalls", sys);
    }
    /* Each entry's own action becomes NOTIFY (same names, same argument
     * tests, so what reaches the default action still does); the daemon
     * answers with what the entry said.  The calls never notified keep
     * their entries. */
    _cleanup_(brig_json_freep) BrigJson *keep = brig_json_new(BRIG_JSON_ARRAY);
    BrigJson *e;
    BRIG_JSON_FOREACH (e, sys) {
        BrigJson *names = brig_json_get(e, "names");
        for (size_t i = 0; names && names->type == BRIG_JSON_ARRAY && i < names->n; i++)
            if (quiet(brig_json_str(names->kids[i]))) {
                BrigJson *w = brig_json_copy(e), *wn = brig_json_new(BRIG_JSON_ARRAY);
                brig_json_append(wn, brig_json_new_string(brig_json_str(names->kids[i])));
                brig_json_set(w, "names", wn);
                brig_json_append(keep, w);
                brig_json_delete_at(names, i--);
            }
        brig_json_set(e, "action", brig_json_new_string("SCMP_ACT_NOTIFY"));
        brig_json_remove(e, "errnoRet");
    }
    for (size_t i = 0; i < sys->n; i++) {
        const BrigJson *n = brig_json_get(sys->kids[i], "names");
        if (n && n->type == BRIG_JSON_ARRAY && n->n == 0)
            brig_json_delete_at(sys, i--);
    }
    BRIG_JSON_FOREACH (e, keep)
        brig_json_append(sys, brig_json_copy(e));
    /* What the engine does not list gets its default action: notified
     * too, answered with that action (what must never be notified gets
     * the default action from the kernel directly). */
    BrigJson *unlisted = brig_json_new(BRIG_JSON_ARRAY);
    uint32_t native = seccomp_arch_native();
    for (int nr = 0; nr < MAX_NR; nr++) {
        _cleanup_free_ char *n = seccomp_syscall_resolve_num_arch(native, nr);
        if (!n || quiet(n) || brig_json_array_has_string(unlisted, n))
            continue;
        bool listed = false;
        BRIG_JSON_FOREACH (e, sys)
            if (!has_args(e) && brig_json_array_has_string(brig_json_get(e, "names"), n))
                listed = true;
        if (!listed)
            brig_json_append(unlisted, brig_json_new_string(n));
    }
    BrigJson *u = brig_json_new(BRIG_JSON_OBJECT);
    brig_json_set(u, "names", unlisted);
    brig_json_set(u, "action", brig_json_new_string("SCMP_ACT_NOTIFY"));
    if (unlisted->n)
        brig_json_append(sys, u);
    else
        brig_json_free(u);
    /* SPEC_ALLOW and LOG flags concern actions that are gone */
    brig_json_remove(p, "flags");
    *ret = TAKE_PTR(p);
    return 0;
}

/* ---- reading the caller ---- */

/* A NUL-terminated string at `addr` in pid's memory, page by page so an
 * unmapped page after the string does not fail the read. */
static char *read_string(int memfd, uint64_t addr)
{
    if (memfd < 0 || addr == 0)
        return NULL;
    char *buf = xmalloc(PATH_MAX + 1);
    size_t len = 0;
    while (len < PATH_MAX) {
        size_t page = 4096 - ((addr + len) & 4095);
        if (page > PATH_MAX - len)
            page = PATH_MAX - len;
        ssize_t k = pread(memfd, buf + len, page, (off_t)(addr + len));
        if (k <= 0)
            break;
        void *nul = memchr(buf + len, '\0', (size_t)k);
        if (nul)
            return buf;
        len += (size_t)k;
    }
    free(buf);
    return NULL;
}

static bool read_mem(int memfd, uint64_t addr, void *out, size_t n)
{
    return memfd >= 0 && addr && pread(memfd, out, n, (off_t)addr) == (ssize_t)n;
}

static char *read_link(pid_t pid, const char *what)
{
    char p[64], buf[PATH_MAX];
    snprintf(p, sizeof(p), "/proc/%d/%s", (int)pid, what);
    ssize_t n = readlink(p, buf, sizeof(buf) - 1);
    if (n <= 0)
        return NULL;
    buf[n] = '\0';
    return xstrdup(buf);
}

/* Lexical normal form: no ".", "..", "//", trailing "/". */
static char *normalize(const char *path)
{
    size_t n = strlen(path);
    char *out = xmalloc(n + 2);
    size_t o = 0;
    const char *s = path;
    while (*s) {
        while (*s == '/')
            s++;
        const char *e = strchrnul(s, '/');
        size_t l = (size_t)(e - s);
        if (l == 0 || (l == 1 && s[0] == '.')) {
        } else if (l == 2 && s[0] == '.' && s[1] == '.') {
            while (o > 0 && out[o - 1] != '/')
                o--;
            if (o > 0)
                o--;
        } else {
            out[o++] = '/';
            memcpy(out + o, s, l);
            o += l;
        }
        s = e;
    }
    if (o == 0)
        out[o++] = '/';
    out[o] = '\0';
    return out;
}

/* The path as the container names it: relative ones joined to the cwd or
 * the directory fd, and the root's host path taken off when /proc shows it
 * (readlink of another mount namespace's paths shows them from its root). */
static char *container_path(pid_t pid, int dirfd, const char *path, const char *root)
{
    if (!path)
        return NULL;
    _cleanup_free_ char *base = NULL, *joined = NULL;
    if (path[0] != '/') {
        char what[32];
        if (dirfd == AT_FDCWD)
            snprintf(what, sizeof(what), "cwd");
        else
            snprintf(what, sizeof(what), "fd/%d", dirfd);
        base = read_link(pid, what);
        if (!base || base[0] != '/')
            return NULL;
        joined = xasprintf("%s/%s", base, path);
        path = joined;
    }
    _cleanup_free_ char *n = normalize(path);
    if (root && !streq(root, "/")) {
        size_t l = strlen(root);
        if (strncmp(n, root, l) == 0 && (n[l] == '/' || n[l] == '\0'))
            return normalize(n[l] ? n + l : "/");
    }
    return TAKE_PTR(n);
}

static char *fd_path(pid_t pid, uint64_t fd, const char *root)
{
    char what[32];
    snprintf(what, sizeof(what), "fd/%d", (int)fd);
    _cleanup_free_ char *l = read_link(pid, what);
    if (!l || l[0] != '/')
        return NULL;
    return container_path(pid, AT_FDCWD, l, root);
}

static void read_status(pid_t pid, uint32_t uids[3])
{
    char path[64], buf[2048];
    uids[0] = uids[1] = uids[2] = UINT32_MAX;
    snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
    _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t k = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
    if (k <= 0)
        return;
    buf[k] = '\0';
    const char *u = strstr(buf, "\nUid:");
    if (u) {
        unsigned a, b, c;
        if (sscanf(u + 5, "%u %u %u", &a, &b, &c) == 3) {
            uids[0] = a;
            uids[1] = b;
            uids[2] = c;
        }
    }
}

typedef struct Daemon {
    BrigLearnObs *obs;
    BrigSim *engine; /* the engine's filter; NULL: it had none (everything runs) */
    BrigSim *strict; /* brig's default profile for no capabilities */
    dev_t rt_dev;
    ino_t rt_ino;
    int data_dir;
    char *name;
    /* What was read about the last caller: most calls come in runs from
     * one thread.  Forgotten when it execs or changes its ids, and when
     * another thread calls (the fork that would reuse a pid is a call of
     * another thread). */
    pid_t last_pid;
    bool last_runtime;
    char *last_comm;
    uint32_t last_uids[3];
    /* the container's user namespace mappings (n == 0: none, its ids are
     * the host's): what /proc and stat show the daemon are host ids */
    BrigIdMap uids, gids;
} Daemon;

/* A host id as the container names it; an id its namespace does not map
 * shows as the overflow id, as the kernel shows it there. */
static uint32_t host_to_container(const BrigIdMap *m, uint32_t host)
{
    if (m->n == 0)
        return host;
    ssize_t i = brig_idmap_find_host(m, host);
    return i < 0 ? 65534 : m->v[i].inside + (host - m->v[i].host);
}

/* The uid a set*uid argument names, as the container names it: the
 * argument is in the caller's own user namespace, which may be one the
 * container made (unshare -U) below its own.  UINT32_MAX: unset, or not
 * mapped there (the call fails with EINVAL). */
static uint32_t caller_uid_to_container(const Daemon *d, pid_t pid, uint64_t arg)
{
    uint32_t id = (uint32_t)arg, host;
    if (id == UINT32_MAX)
        return id;
    char p[64], buf[4096];
    snprintf(p, sizeof(p), "/proc/%d/uid_map", (int)pid);
    _cleanup_close_ int fd = open(p, O_RDONLY | O_CLOEXEC);
    ssize_t k = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
    if (k <= 0)
        return UINT32_MAX;
    buf[k] = '\0';
    BrigIdMap m = {0};
    if (brig_idmap_parse_proc(buf, p, &m, NULL) < 0)
        return UINT32_MAX;
    bool ok = brig_idmap_to_host(&m, id, &host);
    brig_idmap_clear(&m);
    if (!ok)
        return UINT32_MAX;
    if (d->uids.n && brig_idmap_find_host(&d->uids, host) < 0)
        return UINT32_MAX;
    return host_to_container(&d->uids, host);
}

/* The nodes of path argument k (lib/learn/learn.h), as the container's
 * mount namespace shows them, looked up inside its root. */
static void read_nodes(const Daemon *d, int rootfd, const char *path, bool follow,
                       BrigLearnNode *nodes, size_t *ret_n)
{
    size_t n = 0;
    const char *e = path;
    for (;;) {
        _cleanup_free_ char *pre = e == path ? xstrdup("/") : xstrndup(path, (size_t)(e - path));
        bool last = *e == '\0' || (e[0] == '/' && e[1] == '\0');
        struct stat st;
        int r = brig_stat_in_root(rootfd, pre, last ? follow : true, &st);
        nodes[n] = (BrigLearnNode){.known = r == 0};
        if (r == 0) {
            nodes[n].uid = host_to_container(&d->uids, st.st_uid);
            nodes[n].gid = host_to_container(&d->gids, st.st_gid);
            nodes[n].mode = st.st_mode;
        }
        n++;
        /* nothing below what does not exist */
        if (r < 0 || last || n > BRIG_LEARN_MAX_DEPTH)
            break;
        e = strchrnul(e + 1, '/');
    }
    *ret_n = n;
}

/* The calls whose permission checks a root caller passed are judged
 * (observe.c): every call with a path whose lookup or effect the kernel
 * checks against the file's owner and mode. */
static bool dac_call(const char *n)
{
    static const char *const v[] = {
        "open",    "openat",    "openat2",  "creat",  "mkdir",    "mkdirat",   "mknod", "mknodat",
        "unlink",  "unlinkat",  "rmdir",    "rename", "renameat", "renameat2", "link",  "linkat",
        "symlink", "symlinkat", "truncate", "execve", "execveat", "chdir",     NULL};
    for (const char *const *x = v; *x; x++)
        if (streq(*x, n))
            return true;
    return false;
}

/* Whether the last component of a path argument is followed. */
static bool follows(const char *n, const uint64_t *args, uint64_t open_flags)
{
    if (streq(n, "open"))
        return !(args[1] & O_NOFOLLOW);
    if (streq(n, "openat"))
        return !(args[2] & O_NOFOLLOW);
    if (streq(n, "openat2"))
        return !(open_flags & O_NOFOLLOW);
    return streq(n, "creat") || streq(n, "truncate") || streq(n, "execve") ||
           streq(n, "execveat") || streq(n, "chdir");
}

static bool runs_runtime(const Daemon *d, pid_t pid)
{
    char path[64];
    struct stat st;
    snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
    if (stat(path, &st) < 0)
        return true;
    if (st.st_dev == d->rt_dev && st.st_ino == d->rt_ino)
        return true;
    _cleanup_free_ char *l = read_link(pid, "exe");
    return !l || startswith(l, "/memfd:");
}

/* Which arguments are paths, and their directory fds (-1: absolute or cwd). */
static void path_args(const char *n, int ret_idx[2], int ret_dirfd[2])
{
    ret_idx[0] = ret_idx[1] = ret_dirfd[0] = ret_dirfd[1] = -1;
    static const char *const p0[] = {
        "open",       "creat",     "mkdir",       "mknod",        "unlink",  "rmdir",
        "truncate",   "chmod",     "chown",       "lchown",       "chown32", "lchown32",
        "setxattr",   "lsetxattr", "removexattr", "lremovexattr", "utime",   "utimes",
        "chroot",     "rename",    "link",        "mount",        "umount",  "umount2",
        "pivot_root", "acct",      "swapon",      "execve",       "chdir",   NULL};
    static const char *const p1[] = {"openat",   "openat2",   "mkdirat",  "mknodat",   "unlinkat",
                                     "fchmodat", "fchmodat2", "fchownat", "utimensat", "futimesat",
                                     "renameat", "renameat2", "linkat",   "execveat",  NULL};
    for (const char *const *x = p0; *x; x++)
        if (streq(*x, n)) {
            ret_idx[0] = 0;
            if (streq(n, "rename") || streq(n, "link") || streq(n, "mount") ||
                streq(n, "pivot_root"))
                ret_idx[1] = 1;
            if (streq(n, "mount")) /* source, target: the target is the path */
                ret_idx[0] = 1, ret_idx[1] = -1;
            return;
        }
    for (const char *const *x = p1; *x; x++)
        if (streq(*x, n)) {
            ret_idx[0] = 1;
            ret_dirfd[0] = 0;
            if (streq(n, "renameat") || streq(n, "renameat2") || streq(n, "linkat")) {
                ret_idx[1] = 3;
                ret_dirfd[1] = 2;
            }
            return;
        }
    if (streq(n, "symlink")) {
        ret_idx[1] = 1;
    } else if (streq(n, "symlinkat")) {
        ret_idx[1] = 2;
        ret_dirfd[1] = 1;
    }
}

/* Calls whose effect depends on whether their path exists already. */
static bool creates(const char *n, const uint64_t *args)
{
    /* opens that create, and those that write (whose target's owner matters) */
    if (streq(n, "open"))
        return args[1] & (O_CREAT | O_TRUNC | O_ACCMODE);
    if (streq(n, "openat"))
        return args[2] & (O_CREAT | O_TRUNC | O_ACCMODE);
    return streq(n, "openat2") || startswith(n, "mkdir") || startswith(n, "mknod") ||
           startswith(n, "unlink") || streq(n, "rmdir") || startswith(n, "rename") ||
           startswith(n, "link") || startswith(n, "symlink");
}

static void describe_call(Daemon *d, const struct seccomp_notif *req, const char *name,
                          BrigLearnCall *c, char *paths[2], char **comm)
{
    pid_t pid = (pid_t)req->pid;
    *c = (BrigLearnCall){.pid = pid,
                         .syscall = name,
                         .arch = req->data.arch,
                         .nr = req->data.nr,
                         .exists = {-1, -1},
                         .sock_family = -1,
                         .sock_port = -1};
    memcpy(c->args, req->data.args, sizeof(c->args));
    if (pid != d->last_pid) {
        free(d->last_comm);
        d->last_runtime = runs_runtime(d, pid);
        d->last_comm = brig_proc_comm(pid);
        read_status(pid, d->last_uids);
        for (int i = 0; i < 3; i++)
            if (d->last_uids[i] != UINT32_MAX)
                d->last_uids[i] = host_to_container(&d->uids, d->last_uids[i]);
        d->last_pid = pid;
    }
    c->runtime = d->last_runtime;
    *comm = xstrdup(d->last_comm);
    c->comm = *comm;
    memcpy(c->uids, d->last_uids, sizeof(c->uids));
    c->root = c->uids[1] == 0;
    if (startswith(name, "exec") || (startswith(name, "set") && strstr(name, "id")) ||
        startswith(name, "setgroups") || streq(name, "prctl") || streq(name, "capset"))
        d->last_pid = 0;
    /* set*uid arguments are ids of the caller's user namespace */
    if (!c->runtime && startswith(name, "set") && strstr(name, "uid")) {
        int nargs = strstr(name, "setres") ? 3 : strstr(name, "setre") ? 2 : 1;
        for (int i = 0; i < nargs; i++)
            c->args[i] = caller_uid_to_container(d, pid, c->args[i]);
    }
    int idx[2], dfd[2];
    path_args(name, idx, dfd);
    bool fd_arg = streq(name, "fchown") || streq(name, "fchown32") || streq(name, "fchmod") ||
                  streq(name, "ftruncate");
    bool mem_arg = streq(name, "openat2") || streq(name, "clone3") || streq(name, "bind");
    /* most calls (read, futex, mmap...) take no path or structure: the
     * container waits on each notification, so nothing more is read */
    if (idx[0] < 0 && idx[1] < 0 && !fd_arg && !mem_arg)
        return;
    char mp[64];
    snprintf(mp, sizeof(mp), "/proc/%d/mem", (int)pid);
    _cleanup_close_ int mem = open(mp, O_RDONLY | O_CLOEXEC);
    _cleanup_free_ char *root = read_link(pid, "root");
    for (int k = 0; k < 2; k++) {
        if (idx[k] < 0)
            continue;
        _cleanup_free_ char *s = read_string(mem, c->args[idx[k]]);
        int dirfd = dfd[k] < 0 ? AT_FDCWD : (int)c->args[dfd[k]];
        /* utimensat(fd, NULL, ...) names the fd itself */
        if (!s && streq(name, "utimensat") && dirfd != AT_FDCWD)
            paths[k] = fd_path(pid, (uint64_t)dirfd, root);
        else
            paths[k] = container_path(pid, dirfd, s, root);
    }
    if (fd_arg)
        paths[0] = fd_path(pid, c->args[0], root);
    c->paths[0] = paths[0];
    c->paths[1] = paths[1];
    if (streq(name, "openat2")) {
        uint64_t f;
        if (read_mem(mem, c->args[2], &f, sizeof(f)))
            c->flags = f;
    }
    bool dac = c->root && !c->runtime && dac_call(name);
    if ((dac || creates(name, c->args)) && (paths[0] || paths[1])) {
        /* looked up inside the container's root, never from the host's
         * view, through O_PATH fds: nothing in it is opened (lib/rootfs_io.h) */
        char rp[64];
        snprintf(rp, sizeof(rp), "/proc/%d/root", (int)pid);
        _cleanup_close_ int rootfd = open(rp, O_PATH | O_DIRECTORY | O_CLOEXEC);
        for (int k = 0; k < 2 && rootfd >= 0; k++) {
            if (!paths[k])
                continue;
            struct stat st;
            int r = brig_stat_in_root(rootfd, paths[k], false, &st);
            c->exists[k] = r == 0 || r != -ENOENT;
            if (r == 0) {
                c->owner[k] = host_to_container(&d->uids, st.st_uid);
                c->mode[k] = st.st_mode;
            }
            if (dac)
                read_nodes(d, rootfd, paths[k], follows(name, c->args, c->flags), c->nodes[k],
                           &c->nnodes[k]);
        }
    }
    if (streq(name, "clone3")) {
        uint64_t f;
        if (read_mem(mem, c->args[0], &f, sizeof(f)))
            c->clone_flags = f;
    } else if (streq(name, "bind") && c->args[2] >= 4) {
        unsigned char sa[4];
        if (read_mem(mem, c->args[1], sa, sizeof(sa))) {
            c->sock_family = sa[0] | (sa[1] << 8);
            if (c->sock_family == 2 || c->sock_family == 10) /* AF_INET, AF_INET6 */
                c->sock_port = (sa[2] << 8) | sa[3];
        }
    }
}

static bool flush(Daemon *d, bool complete)
{
    _cleanup_(brig_json_freep) BrigJson *j = brig_learn_obs_json(d->obs, complete);
    size_t len;
    _cleanup_free_ char *out = brig_json_serialize(j, BRIG_JSON_PRETTY, &len);
    if (brig_output_write_at(d->data_dir, d->name, out, len, 0600, NULL) < 0)
        return false;
    brig_learn_obs_clean(d->obs);
    return true;
}

static void on_alarm(int sig)
{
    (void)sig; /* only interrupts a receive that would block */
}

/* SECCOMP_IOCTL_NOTIF_RECV blocks until a notification comes, whatever
 * the fd's flags: when the caller poll reported was killed in between, it
 * would wait for the next call on this filter, while the calls on the
 * other listeners (an exec's) wait for the daemon.  A timer without
 * SA_RESTART bounds it. */
static int recv_bounded(int fd, struct seccomp_notif *req)
{
    struct itimerval t = {.it_value = {.tv_sec = 0, .tv_usec = RECV_MS * 1000}};
    setitimer(ITIMER_REAL, &t, NULL);
    int r = ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, req);
    int e = errno;
    t = (struct itimerval){0};
    setitimer(ITIMER_REAL, &t, NULL);
    errno = e;
    return r;
}

static void handle(Daemon *d, int fd, struct seccomp_notif *req, size_t req_size,
                   struct seccomp_notif_resp *resp, size_t resp_size)
{
    memset(req, 0, req_size);
    if (recv_bounded(fd, req) < 0)
        return;
    memset(resp, 0, resp_size);
    resp->id = req->id;
    uint32_t act = SECCOMP_RET_ALLOW;
    if (d->engine)
        act = brig_sim_action(d->engine, req->data.arch, req->data.nr,
                              (const uint64_t *)req->data.args);
    uint32_t a = act & SECCOMP_RET_ACTION_FULL;
    bool runs = a == SECCOMP_RET_ALLOW || a == SECCOMP_RET_LOG;
    uint32_t arch = req->data.arch;
    if (arch == SCMP_ARCH_X86_64 && (req->data.nr & 0x40000000))
        arch = SCMP_ARCH_X32;
    _cleanup_free_ char *name = seccomp_syscall_resolve_num_arch(arch, req->data.nr);
    char *paths[2] = {NULL, NULL};
    _cleanup_free_ char *comm = NULL;
    BrigLearnCall c;
    bool seen = false;
    /* only calls that run are learnt from: a call the engine denies fails
     * under enforce as it does now */
    if (runs && name) {
        describe_call(d, req, name, &c, paths, &comm);
        seen = ioctl(fd, SECCOMP_IOCTL_NOTIF_ID_VALID, &req->id) == 0;
    }
    if (runs) {
        resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
    } else if (a == SECCOMP_RET_ERRNO) {
        resp->error = -(int)(act & SECCOMP_RET_DATA);
    } else {
        /* KILL, TRAP, TRACE: the call fails; kill and trap as the kernel
         * would have, while the thread still waits (its id is still its) */
        resp->error =
            a == SECCOMP_RET_KILL_PROCESS || a == SECCOMP_RET_KILL_THREAD ? -EPERM : -ENOSYS;
        /* through a pidfd taken before the id is checked: once the check
         * says the caller still waits, the pidfd names it, whatever exits
         * and reuses its pid afterwards (kill() by number could reach a
         * host process that got the pid since) */
        if (a == SECCOMP_RET_KILL_PROCESS || a == SECCOMP_RET_KILL_THREAD ||
            a == SECCOMP_RET_TRAP) {
            /* req->pid is the calling thread: PIDFD_THREAD (O_EXCL) names
             * it, as the kernel signals it; older kernels take a leader only */
            _cleanup_close_ int pfd = (int)syscall(SYS_pidfd_open, (pid_t)req->pid, O_EXCL);
            if (pfd < 0)
                pfd = (int)syscall(SYS_pidfd_open, (pid_t)req->pid, 0);
            if (pfd >= 0 && ioctl(fd, SECCOMP_IOCTL_NOTIF_ID_VALID, &req->id) == 0)
                (void)syscall(SYS_pidfd_send_signal, pfd, a == SECCOMP_RET_TRAP ? SIGSYS : SIGKILL,
                              NULL, 0);
        }
    }
    (void)ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, resp);
    if (seen) {
        c.arch = arch;
        bool denied = false;
        if (d->strict) {
            uint32_t s = brig_sim_action(d->strict, req->data.arch, req->data.nr,
                                         (const uint64_t *)req->data.args);
            denied = (s & SECCOMP_RET_ACTION_FULL) != SECCOMP_RET_ALLOW;
        }
        brig_learn_obs_call(d->obs, &c, denied);
    }
    free(paths[0]);
    free(paths[1]);
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* One listener from a runtime's connection, waiting at most 5 s for it:
 * a runtime that connects and never sends must not stop the daemon
 * answering the calls of every other process. */
static int receive_listener(int conn)
{
    struct timeval tv = {.tv_sec = 5};
    if (setsockopt(conn, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0)
        return -1;
    return brig_listener_receive(conn);
}

/* `runtime_fd`: a pidfd of the process that execs the runtime (brig's own
 * pid), -1 if none: once it is gone without having handed over a listener,
 * none will come (create and run hand it over before they return), and
 * the daemon does not linger where nobody may reap it. */
static void serve(Daemon *d, int listen_fd, int runtime_fd, const char *socket_path)
{
    struct seccomp_notif_sizes sizes = {0};
    if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) < 0)
        return;
    size_t req_size = sizes.seccomp_notif > sizeof(struct seccomp_notif)
                          ? sizes.seccomp_notif
                          : sizeof(struct seccomp_notif);
    size_t resp_size = sizes.seccomp_notif_resp > sizeof(struct seccomp_notif_resp)
                           ? sizes.seccomp_notif_resp
                           : sizeof(struct seccomp_notif_resp);
    _cleanup_free_ struct seccomp_notif *req = xcalloc(1, req_size);
    _cleanup_free_ struct seccomp_notif_resp *resp = xcalloc(1, resp_size);
    int listeners[MAX_LISTENERS];
    size_t n = 0;
    bool got = false;
    int64_t start = now_ms(), last_flush = start, gone_at = -1;
    for (;;) {
        if (!got && now_ms() - start > FIRST_LISTENER_MS)
            break;
        /* its runtime is gone: what it connected is in the queue by now */
        if (!got && gone_at >= 0 && now_ms() - gone_at > 1000)
            break;
        struct pollfd p[2 + MAX_LISTENERS];
        p[0] = (struct pollfd){.fd = listen_fd, .events = POLLIN};
        p[1] = (struct pollfd){.fd = got || gone_at >= 0 ? -1 : runtime_fd, .events = POLLIN};
        for (size_t i = 0; i < n; i++)
            p[2 + i] = (struct pollfd){.fd = listeners[i], .events = POLLIN};
        int k = poll(p, 2 + n, 500);
        if (k < 0 && errno != EINTR)
            break;
        /* the listeners polled: not one accepted below, whose revents
         * this round are not set */
        size_t polled = k > 0 ? n : 0;
        if (k > 0 && (p[1].revents & (POLLIN | POLLHUP)))
            gone_at = now_ms();
        if (k > 0 && (p[0].revents & POLLIN)) {
            _cleanup_close_ int conn = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
            int fd = conn >= 0 ? receive_listener(conn) : -1;
            if (fd >= 0 && n < MAX_LISTENERS) {
                listeners[n++] = fd;
                got = true;
            } else if (fd >= 0) {
                close(fd);
            }
        }
        for (size_t i = 0; i < polled; i++) {
            short re = p[2 + i].revents;
            if (re & POLLIN)
                handle(d, listeners[i], req, req_size, resp, resp_size);
            /* POLLHUP: no task uses this filter any more */
            if (re & (POLLHUP | POLLERR | POLLNVAL)) {
                close(listeners[i]);
                listeners[i] = -1;
            }
        }
        size_t j = 0;
        for (size_t i = 0; i < n; i++)
            if (listeners[i] >= 0)
                listeners[j++] = listeners[i];
        n = j;
        if (got && n == 0)
            break; /* the container's last process is gone */
        if (brig_learn_obs_dirty(d->obs) && now_ms() - last_flush >= FLUSH_MS) {
            flush(d, false);
            last_flush = now_ms();
        }
    }
    for (size_t i = 0; i < n; i++)
        close(listeners[i]);
    close(listen_fd);
    unlink(socket_path);
    if (got)
        flush(d, true);
}

static int open_dir(const char *path, BrigError **err)
{
    /* created root-only; an existing one must be a real directory */
    _cleanup_free_ char *parent = xstrdup(path);
    char *s = strrchr(parent, '/');
    if (s && s != parent) {
        *s = '\0';
        (void)mkdir(parent, 0700);
    }
    if (mkdir(path, 0700) < 0 && errno != EEXIST)
        return brig_error_errno(err, errno, "creating %s", path);
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return brig_error_errno(err, errno, "%s", path);
    return fd;
}

int brig_learn_start(const BrigLearnSetup *s, char **ret_socket, BrigError **err)
{
    if (!brig_learn_id_valid(s->id))
        return brig_error_set(err, EINVAL, "learn mode needs a container id of runc's characters");
    const char *data_dir = s->data_dir ? s->data_dir : BRIG_LEARN_DIR;
    const char *run_dir = s->run_dir ? s->run_dir : BRIG_LEARN_RUN_DIR;
    _cleanup_close_ int dfd = open_dir(data_dir, err);
    if (dfd < 0)
        return -1;
    _cleanup_close_ int rfd = open_dir(run_dir, err);
    if (rfd < 0)
        return -1;
    _cleanup_(brig_sim_freep) BrigSim *engine = NULL, *strict = NULL;
    if (s->engine && brig_sim_new(s->engine, &engine, err) < 0)
        return brig_error_prefix(err, "the engine's seccomp profile");
    _cleanup_(brig_json_freep) BrigJson *def = NULL;
    if (brig_seccomp_default_resolved(0, seccomp_arch_native(), false, &def, NULL) == 0)
        (void)brig_sim_new(def, &strict, NULL);

    _cleanup_free_ char *sock = xasprintf("%s/%d.sock", run_dir, (int)getpid());
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (strlen(sock) >= sizeof(addr.sun_path))
        return brig_error_set(err, ENAMETOOLONG, "%s: path too long", sock);
    strcpy(addr.sun_path, sock);
    (void)unlink(sock);
    _cleanup_close_ int lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (lfd < 0)
        return brig_error_errno(err, errno, "socket");
    if (bind(lfd, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(lfd, 16) < 0)
        return brig_error_errno(err, errno, "%s", sock);
    chmod(sock, 0600); /* only root (the runtime) hands brig a listener */

    struct stat rst = {0};
    if (s->runtime)
        (void)stat(s->runtime, &rst);
    /* the daemon says it is ready (its first learn data written) with one
     * byte; brig waits READY_MS for it, never longer */
    int ready[2];
    if (pipe2(ready, O_CLOEXEC) < 0)
        return brig_error_errno(err, errno, "pipe");
    _cleanup_close_ int ready_r = ready[0];
    /* this process becomes the runtime (exec): the daemon watches it */
    _cleanup_close_ int runtime_fd = (int)syscall(SYS_pidfd_open, getpid(), 0);
    pid_t pid = fork();
    if (pid < 0) {
        close(ready[1]);
        return brig_error_errno(err, errno, "fork");
    }
    if (pid == 0) {
        /* intermediate child: a session of its own, then the daemon is its
         * child and is reparented, so nothing the engine waits for is it */
        if (setsid() < 0)
            _exit(1);
        pid_t d = fork();
        if (d != 0)
            _exit(d < 0 ? 1 : 0);
        signal(SIGHUP, SIG_IGN);
        signal(SIGINT, SIG_IGN);
        signal(SIGPIPE, SIG_IGN);
        int null = open("/dev/null", O_RDWR);
        if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0)
            _exit(1);
        if (null > 2)
            close(null);
        /* every fd but the four it needs: the engine's pipes must see EOF */
        int keep_l = fcntl(lfd, F_DUPFD_CLOEXEC, 3), keep_d = -1, keep_r = -1;
        if (keep_l < 0)
            _exit(1);
        keep_d = fcntl(dfd, F_DUPFD_CLOEXEC, keep_l + 1);
        keep_r = fcntl(ready[1], F_DUPFD_CLOEXEC, keep_d + 1);
        int keep_p = runtime_fd >= 0 ? fcntl(runtime_fd, F_DUPFD_CLOEXEC, keep_r + 1) : -1;
        for (int fd = 3; fd < 1024; fd++)
            if (fd != keep_l && fd != keep_d && fd != keep_r && fd != keep_p)
                close(fd);
        struct sigaction sa = {.sa_handler = on_alarm}; /* no SA_RESTART */
        sigaction(SIGALRM, &sa, NULL);
        if (chdir("/") < 0)
            _exit(1);
        umask(077);
        Daemon dm = {
            .obs = brig_learn_obs_new(s->id, s->mounts),
            .engine = engine,
            .strict = strict,
            .rt_dev = rst.st_dev,
            .rt_ino = rst.st_ino,
            .data_dir = keep_d,
            .name = xasprintf("%s.json", s->id),
        };
        if (s->uid_map && s->gid_map) {
            dm.uids = *s->uid_map;
            dm.gids = *s->gid_map;
        }
        brig_learn_obs_enforce(dm.obs, s->enforce);
        brig_learn_obs_set_uid(dm.obs, s->uid);
        brig_learn_obs_set_groups(dm.obs, s->gid, s->groups, s->ngroups);
        /* not ready when it cannot keep what it learns, or when brig
         * stopped waiting (EPIPE): then it serves nobody */
        if (!flush(&dm, false) || write(keep_r, "1", 1) != 1) {
            unlink(sock);
            _exit(1);
        }
        close(keep_r);
        serve(&dm, keep_l, keep_p, sock);
        _exit(0);
    }
    close(ready[1]);
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return brig_error_set(err, ECHILD, "the learn daemon did not start");
    struct pollfd p = {.fd = ready_r, .events = POLLIN};
    int64_t until = now_ms() + READY_MS;
    char c = 0;
    for (;;) {
        int64_t left = until - now_ms();
        int k = left > 0 ? poll(&p, 1, (int)left) : 0;
        if (k < 0 && errno == EINTR)
            continue;
        if (k > 0 && read(ready_r, &c, 1) == 1)
            break;
        /* EOF: it exited; nothing within READY_MS: closing our end makes
         * its late write fail, and it exits without serving */
        (void)unlink(sock);
        if (k > 0)
            return brig_error_set(
                err, ECHILD, "the learn daemon could not write its learn data in %s", data_dir);
        return brig_error_set(err, ETIMEDOUT, "the learn daemon was not ready within %d s",
                              READY_MS / 1000);
    }
    *ret_socket = TAKE_PTR(sock);
    return 0;
}
