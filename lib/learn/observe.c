/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What one system call tells about the grants a container needs.  Pure:
 * the daemon (daemon.c) reads the call's arguments from the container, this
 * file only judges them, so the unit tests feed it any call.
 *
 * Capabilities are inferred from the calls whose success needs one, with
 * the arguments that make it so (docs/learn.md has the table and what is
 * not inferred: permission checks that passed because the process was
 * root, ioctls, kill across users). */
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/sched.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>

#include "../caps.h"
#include "learn.h"

/* Cap entries, writes and uid switches kept per kind; enough to explain,
 * bounded against a container that makes millions of distinct calls. */
#define MAX_ENTRIES 256

struct BrigLearnObs {
    BrigJson *data;
    char **mounts;
    bool dirty;
    /* what a root process of the container made itself (files, directories):
     * under enforce the container's user makes them, and owns them */
    char **made;
    size_t nmade;
};

#define MAX_MADE 4096

BrigLearnObs *brig_learn_obs_new(const char *id, char *const *mounts)
{
    BrigLearnObs *o = xcalloc(1, sizeof(*o));
    size_t n = 0;
    while (mounts && mounts[n])
        n++;
    o->mounts = xcalloc(n + 1, sizeof(char *));
    for (size_t i = 0; i < n; i++)
        o->mounts[i] = xstrdup(mounts[i]);
    BrigJson *d = o->data = brig_json_new(BRIG_JSON_OBJECT);
    brig_json_set(d, "version", brig_json_new_int(BRIG_LEARN_VERSION));
    brig_json_set(d, "id", brig_json_new_string(id ? id : ""));
    brig_json_set(d, "started", brig_json_new_int((int64_t)time(NULL)));
    brig_json_set(d, "ran", brig_json_new_bool(false));
    brig_json_set(d, "ranAsRoot", brig_json_new_bool(false));
    brig_json_set(d, "uidSwitches", brig_json_new(BRIG_JSON_ARRAY));
    brig_json_set(d, "writes", brig_json_new(BRIG_JSON_ARRAY));
    brig_json_set(d, "capabilities", brig_json_new(BRIG_JSON_ARRAY));
    brig_json_set(d, "syscalls", brig_json_new(BRIG_JSON_ARRAY));
    brig_json_set(d, "notDefault", brig_json_new(BRIG_JSON_ARRAY));
    brig_json_set(d, "created", brig_json_new(BRIG_JSON_ARRAY));
    brig_json_set(d, "overwrites", brig_json_new(BRIG_JSON_ARRAY));
    brig_json_set(d, "access", brig_json_new(BRIG_JSON_ARRAY));
    brig_json_set(d, "enforceUid", brig_json_new_uint(65534));
    brig_json_set(d, "enforceGid", brig_json_new_uint(65534));
    brig_json_set(d, "enforceGroups", brig_json_new(BRIG_JSON_ARRAY));
    brig_json_set(d, "enforce", brig_json_new(BRIG_JSON_ARRAY));
    BrigJson *m = brig_json_new(BRIG_JSON_ARRAY);
    for (size_t i = 0; i < n; i++)
        brig_json_append(m, brig_json_new_string(mounts[i]));
    brig_json_set(d, "mounts", m);
    o->dirty = true;
    return o;
}

void brig_learn_obs_free(BrigLearnObs *o)
{
    if (!o)
        return;
    brig_json_free(o->data);
    strv_free(o->mounts);
    for (size_t i = 0; i < o->nmade; i++)
        free(o->made[i]);
    free(o->made);
    free(o);
}

void brig_learn_obs_set_uid(BrigLearnObs *o, uint32_t uid)
{
    brig_json_set(o->data, "enforceUid", brig_json_new_uint(uid));
    o->dirty = true;
}

void brig_learn_obs_set_groups(BrigLearnObs *o, uint32_t gid, const uint32_t *groups, size_t n)
{
    brig_json_set(o->data, "enforceGid", brig_json_new_uint(gid));
    BrigJson *g = brig_json_new(BRIG_JSON_ARRAY);
    for (size_t i = 0; i < n; i++)
        brig_json_append(g, brig_json_new_uint(groups[i]));
    brig_json_set(o->data, "enforceGroups", g);
    o->dirty = true;
}

bool brig_learn_obs_dirty(const BrigLearnObs *o)
{
    return o->dirty;
}

void brig_learn_obs_clean(BrigLearnObs *o)
{
    o->dirty = false;
}

BrigJson *brig_learn_obs_json(const BrigLearnObs *o, bool complete)
{
    BrigJson *j = brig_json_copy(o->data);
    brig_json_set(j, "complete", brig_json_new_bool(complete));
    return j;
}

void brig_learn_obs_enforce(BrigLearnObs *o, const BrigReport *rep)
{
    BrigJson *e = brig_json_get(o->data, "enforce");
    for (size_t i = 0; rep && i < rep->n; i++) {
        const BrigChange *c = &rep->v[i];
        if (c->kind != BRIG_FIX && c->kind != BRIG_REFUSE)
            continue;
        BrigJson *x = brig_json_new(BRIG_JSON_OBJECT);
        brig_json_set(x, "kind", brig_json_new_string(brig_change_kind_name(c->kind)));
        brig_json_set(x, "pointer", brig_json_new_string(c->pointer ? c->pointer : ""));
        brig_json_set(x, "reason", brig_json_new_string(c->reason ? c->reason : ""));
        brig_json_append(e, x);
    }
    o->dirty = true;
}

/* "chown(\"/data/f\", 1, 1)"-like text of a call, for reasons. */
static char *op_text(const BrigLearnCall *c)
{
    if (c->paths[0] && strstr(c->syscall, "chown")) {
        int k = streq(c->syscall, "fchownat") ? 2 : 1;
        return xasprintf("%s(\"%s\", %d, %d)", c->syscall, c->paths[0], (int)(int32_t)c->args[k],
                         (int)(int32_t)c->args[k + 1]);
    }
    if (c->paths[0])
        return xasprintf("%s(\"%s\"%s%s%s)", c->syscall, c->paths[0], c->paths[1] ? ", \"" : "",
                         c->paths[1] ? c->paths[1] : "", c->paths[1] ? "\"" : "");
    if (c->sock_port >= 0)
        return xasprintf("%s(port %d)", c->syscall, c->sock_port);
    return xasprintf("%s(%#llx, %#llx, %#llx)", c->syscall, (unsigned long long)c->args[0],
                     (unsigned long long)c->args[1], (unsigned long long)c->args[2]);
}

/* Every entry names the call that needed it and who made it. */
static void append_entry(BrigLearnObs *o, BrigJson *list, BrigJson *e, const BrigLearnCall *c)
{
    _cleanup_free_ char *op = op_text(c);
    brig_json_set(e, "op", brig_json_new_string(op));
    brig_json_set(e, "pid", brig_json_new_int(c->pid));
    brig_json_set(e, "comm", brig_json_new_string(c->comm ? c->comm : "?"));
    brig_json_append(list, e);
    o->dirty = true;
}

static BrigJson *find_by(BrigJson *list, const char *key, const char *value)
{
    BrigJson *e;
    BRIG_JSON_FOREACH (e, list)
        if (streq(brig_json_str(brig_json_get(e, key)), value))
            return e;
    return NULL;
}

static void add_entry(BrigLearnObs *o, const char *list, const char *key, const char *value,
                      const BrigLearnCall *c)
{
    BrigJson *l = brig_json_get(o->data, list);
    if (find_by(l, key, value) || l->n >= MAX_ENTRIES)
        return;
    BrigJson *e = brig_json_new(BRIG_JSON_OBJECT);
    brig_json_set(e, key, brig_json_new_string(value));
    append_entry(o, l, e, c);
}

static void add_cap(BrigLearnObs *o, int cap, const BrigLearnCall *c)
{
    add_entry(o, "capabilities", "name", brig_cap_name(cap), c);
}

static bool below(const char *path, const char *dir)
{
    if (streq(dir, "/"))
        return true;
    size_t l = strlen(dir);
    return strncmp(path, dir, l) == 0 && (path[l] == '\0' || path[l] == '/');
}

/* Writes below these never touch the image: brig's scratch tmpfs under
 * enforce, and the kernel's trees. */
static const char *const not_rootfs[] = {"/tmp",  "/var/tmp", "/run", "/var/run",
                                         "/proc", "/sys",     "/dev", NULL};

static bool on_rootfs(const BrigLearnObs *o, const char *path)
{
    for (const char *const *d = not_rootfs; *d; d++)
        if (below(path, *d))
            return false;
    for (char **m = o->mounts; *m; m++)
        if (!streq(*m, "/") && below(path, *m))
            return false;
    return true;
}

static void add_write(BrigLearnObs *o, const char *path, const BrigLearnCall *c)
{
    /* "/" itself: mkdir -p starts there, and nothing can be mounted over
     * it anyway */
    if (!path || path[0] != '/' || streq(path, "/") || !on_rootfs(o, path))
        return;
    /* the directory that must be writable is the one holding the entry */
    _cleanup_free_ char *dir = xstrdup(path);
    char *slash = strrchr(dir, '/');
    if (slash == dir)
        dir[1] = '\0';
    else
        *slash = '\0';
    add_entry(o, "writes", "dir", dir, c);
}

static void add_path(BrigLearnObs *o, const char *list, const char *path)
{
    BrigJson *l = brig_json_get(o->data, list);
    if (!path || l->n >= MAX_ENTRIES || brig_json_array_has_string(l, path))
        return;
    brig_json_append(l, brig_json_new_string(path));
    o->dirty = true;
}

static void add_overwrite(BrigLearnObs *o, const BrigLearnCall *c)
{
    const char *p = c->paths[0];
    BrigJson *l = brig_json_get(o->data, "overwrites");
    if (!p || l->n >= MAX_ENTRIES || find_by(l, "path", p) || !on_rootfs(o, p))
        return;
    BrigJson *e = brig_json_new(BRIG_JSON_OBJECT);
    brig_json_set(e, "path", brig_json_new_string(p));
    brig_json_set(e, "owner", brig_json_new_uint(c->owner[0]));
    brig_json_set(e, "mode", brig_json_new_uint(c->mode[0] & 07777));
    append_entry(o, l, e, c);
}

static bool is_unset_id(uint64_t v)
{
    return (uint32_t)v == UINT32_MAX;
}

static void uid_switch(BrigLearnObs *o, const BrigLearnCall *c, uint64_t to)
{
    if (is_unset_id(to))
        return;
    uint32_t u = (uint32_t)to;
    if (u == c->uids[0] && u == c->uids[1] && u == c->uids[2])
        return; /* no change: no capability needed */
    add_cap(o, CAP_SETUID, c);
    if (u == 0)
        return;
    char num[16];
    snprintf(num, sizeof(num), "%u", u);
    add_entry(o, "uidSwitches", "uid", num, c);
}

/* Namespace flags other than a user namespace's, which needs no capability. */
static bool ns_flags(uint64_t f)
{
    return f & (CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWPID | CLONE_NEWNET |
                CLONE_NEWCGROUP);
}

static bool is(const BrigLearnCall *c, const char *name)
{
    return streq(c->syscall, name);
}

/* The families whose socket() checks CAP_NET_RAW (Linux 6.1): inet and
 * inet6 raw sockets (inet_create, inet6_create), every packet socket
 * (packet_create; socket(AF_INET, SOCK_PACKET) is made a packet socket by
 * __sock_create), and the raw sockets of appletalk, ax25, mISDN,
 * ieee802154 and nfc.  Netlink (libc's getifaddrs opens a raw one), unix,
 * can and the ICMP datagram ("ping") sockets check none. */
static bool socket_needs_net_raw(uint64_t family, uint64_t type_arg)
{
    int type = (int)(type_arg & 0xf); /* SOCK_TYPE_MASK: without NONBLOCK, CLOEXEC */
    enum { RAW = 3, PACKET = 10 };
    switch (family) {
    case 2: /* AF_INET */
        return type == RAW || type == PACKET;
    case 10: /* AF_INET6 */
        return type == RAW;
    case 17: /* AF_PACKET */
        return true;
    case 3:  /* AF_AX25 */
    case 5:  /* AF_APPLETALK */
    case 34: /* AF_ISDN */
    case 36: /* AF_IEEE802154 */
    case 39: /* AF_NFC */
        return type == RAW;
    default:
        return false;
    }
}

static void infer_caps(BrigLearnObs *o, const BrigLearnCall *c)
{
    const uint64_t *a = c->args;
    /* path-taking variants: the ids sit after the path (and dirfd) */
    if (is(c, "chown") || is(c, "lchown") || is(c, "fchown") || is(c, "chown32") ||
        is(c, "lchown32") || is(c, "fchown32")) {
        if (!is_unset_id(a[1]) || !is_unset_id(a[2]))
            add_cap(o, CAP_CHOWN, c);
    } else if (is(c, "fchownat")) {
        if (!is_unset_id(a[2]) || !is_unset_id(a[3]))
            add_cap(o, CAP_CHOWN, c);
    } else if (is(c, "setuid") || is(c, "setuid32") || is(c, "setfsuid") || is(c, "setfsuid32")) {
        uid_switch(o, c, a[0]);
    } else if (is(c, "setreuid") || is(c, "setreuid32")) {
        uid_switch(o, c, a[0]);
        uid_switch(o, c, a[1]);
    } else if (is(c, "setresuid") || is(c, "setresuid32")) {
        uid_switch(o, c, a[0]);
        uid_switch(o, c, a[1]);
        uid_switch(o, c, a[2]);
    } else if (is(c, "setgid") || is(c, "setgid32") || is(c, "setregid") || is(c, "setregid32") ||
               is(c, "setresgid") || is(c, "setresgid32") || is(c, "setfsgid") ||
               is(c, "setfsgid32") || is(c, "setgroups") || is(c, "setgroups32")) {
        add_cap(o, CAP_SETGID, c);
    } else if (is(c, "bind")) {
        if (c->sock_port > 0 && c->sock_port < 1024)
            add_cap(o, CAP_NET_BIND_SERVICE, c);
    } else if (is(c, "chroot")) {
        add_cap(o, CAP_SYS_CHROOT, c);
    } else if (is(c, "mknod") || is(c, "mknodat")) {
        uint64_t mode = is(c, "mknod") ? a[1] : a[2];
        if (S_ISCHR(mode) || S_ISBLK(mode))
            add_cap(o, CAP_MKNOD, c);
    } else if (is(c, "mount") || is(c, "umount") || is(c, "umount2") || is(c, "pivot_root") ||
               is(c, "fsopen") || is(c, "fsmount") || is(c, "fspick") || is(c, "move_mount") ||
               is(c, "open_tree") || is(c, "mount_setattr") || is(c, "sethostname") ||
               is(c, "setdomainname") || is(c, "swapon") || is(c, "swapoff") || is(c, "setns") ||
               is(c, "quotactl") || is(c, "fanotify_init") || is(c, "lookup_dcookie")) {
        add_cap(o, CAP_SYS_ADMIN, c);
    } else if (is(c, "unshare")) {
        if (ns_flags(a[0]))
            add_cap(o, CAP_SYS_ADMIN, c);
    } else if (is(c, "clone")) {
        if (ns_flags(a[0]))
            add_cap(o, CAP_SYS_ADMIN, c);
    } else if (is(c, "clone3")) {
        if (ns_flags(c->clone_flags))
            add_cap(o, CAP_SYS_ADMIN, c);
    } else if (is(c, "init_module") || is(c, "finit_module") || is(c, "delete_module")) {
        add_cap(o, CAP_SYS_MODULE, c);
    } else if (is(c, "open_by_handle_at")) {
        add_cap(o, CAP_DAC_READ_SEARCH, c);
    } else if (is(c, "socket")) {
        if (socket_needs_net_raw(a[0], a[1]))
            add_cap(o, CAP_NET_RAW, c);
    } else if (is(c, "settimeofday") || is(c, "clock_settime") || is(c, "stime")) {
        add_cap(o, CAP_SYS_TIME, c);
    } else if (is(c, "reboot")) {
        add_cap(o, CAP_SYS_BOOT, c);
    } else if (is(c, "acct")) {
        add_cap(o, CAP_SYS_PACCT, c);
    } else if (is(c, "iopl") || is(c, "ioperm")) {
        add_cap(o, CAP_SYS_RAWIO, c);
    } else if (is(c, "setpriority")) {
        if ((int)a[2] < 0)
            add_cap(o, CAP_SYS_NICE, c);
    } else if (is(c, "sched_setscheduler")) {
        int policy = (int)a[1];
        if (policy == 1 /* SCHED_FIFO */ || policy == 2 /* SCHED_RR */)
            add_cap(o, CAP_SYS_NICE, c);
    }
}

/* ---- permission checks (DAC) ----
 *
 * A root process passes every read, write and search check; under enforce
 * it may run as another user.  For each check a root caller made, what the
 * file or directory is (owner, group, mode, as the image has it) is
 * recorded unless its "other" bits pass it for anyone: brig learned judges
 * the checks against the identity the process gets under enforce. */

enum { NEED_X = 1, NEED_W = 2, NEED_R = 4 };

/* Number of components of an absolute, normal path ("/" has none). */
static size_t components(const char *p)
{
    size_t n = 0;
    for (; *p; p++)
        if (p[0] == '/' && p[1] && p[1] != '/')
            n++;
    return n;
}

/* The first i components of p ("/" for 0). */
static char *prefix(const char *p, size_t i)
{
    const char *e = p;
    for (size_t k = 0; k < i && *e; k++) {
        e++;
        e = strchrnul(e, '/');
    }
    return e == p ? xstrdup("/") : xstrndup(p, (size_t)(e - p));
}

/* Where the checks are not the image's: brig's scratch tmpfs (the
 * container's user's under enforce) and the kernel's trees. */
static const char *const not_judged[] = {"/tmp",  "/var/tmp", "/run", "/var/run",
                                         "/proc", "/sys",     "/dev", NULL};

static bool made_here(const BrigLearnObs *o, const char *path)
{
    for (size_t i = 0; i < o->nmade; i++)
        if (below(path, o->made[i]))
            return true;
    return false;
}

static void add_made(BrigLearnObs *o, const char *path)
{
    if (o->nmade >= MAX_MADE || made_here(o, path))
        return;
    if (o->nmade % 64 == 0)
        o->made = xrealloc(o->made, (o->nmade + 64) * sizeof(char *));
    o->made[o->nmade++] = xstrdup(path);
}

static void need(BrigLearnObs *o, const BrigLearnCall *c, int k, size_t i, unsigned want,
                 const char *what)
{
    if (i >= c->nnodes[k] || !c->nodes[k][i].known)
        return;
    const BrigLearnNode *n = &c->nodes[k][i];
    if (((n->mode & 07) & want) == want)
        return; /* anyone passes */
    /* execute needs one x bit even for root: without one the call failed */
    if ((want & NEED_X) && !S_ISDIR(n->mode) && !(n->mode & 0111))
        return;
    _cleanup_free_ char *path = prefix(c->paths[k], i);
    for (const char *const *d = not_judged; *d; d++)
        if (below(path, *d))
            return;
    if (made_here(o, path))
        return;
    /* one entry per (owner, group, mode, need): the verdict is the same */
    BrigJson *l = brig_json_get(o->data, "access"), *e;
    uint64_t v;
    BRIG_JSON_FOREACH (e, l) {
        bool same = true;
        same &= brig_json_to_uint64(brig_json_get(e, "owner"), &v) == 0 && v == n->uid;
        same &= brig_json_to_uint64(brig_json_get(e, "group"), &v) == 0 && v == n->gid;
        same &= brig_json_to_uint64(brig_json_get(e, "mode"), &v) == 0 && v == (n->mode & 07777);
        same &= brig_json_to_uint64(brig_json_get(e, "need"), &v) == 0 && v == want;
        if (same)
            return;
    }
    if (l->n >= MAX_ENTRIES)
        return;
    e = brig_json_new(BRIG_JSON_OBJECT);
    brig_json_set(e, "path", brig_json_new_string(path));
    brig_json_set(e, "what", brig_json_new_string(what));
    brig_json_set(e, "need", brig_json_new_uint(want));
    brig_json_set(e, "owner", brig_json_new_uint(n->uid));
    brig_json_set(e, "group", brig_json_new_uint(n->gid));
    brig_json_set(e, "mode", brig_json_new_uint(n->mode & 07777));
    append_entry(o, l, e, c);
}

static const char *open_what(unsigned want)
{
    return want == NEED_R ? "reads" : want == NEED_W ? "writes" : "reads and writes";
}

/* The checks of path argument k: search on every directory above it, then
 * what the call does to it (or to its parent, for an entry made or
 * removed). */
static void infer_dac_path(BrigLearnObs *o, const BrigLearnCall *c, int k)
{
    const char *p = c->paths[k];
    if (!p || c->nnodes[k] == 0)
        return;
    size_t n = components(p);
    for (size_t i = 0; i < n; i++)
        need(o, c, k, i, NEED_X, "searches");
    bool exists = n < c->nnodes[k] && c->nodes[k][n].known;
    unsigned t = 0, parent = 0;
    const char *tw = NULL, *pw = NULL;
    const uint64_t *a = c->args;
    if (is(c, "open") || is(c, "openat") || is(c, "openat2")) {
        uint64_t f = is(c, "open") ? a[1] : is(c, "openat") ? a[2] : c->flags;
        if (f & O_PATH)
            return; /* a path fd: no check but the search */
        if (exists) {
            uint64_t acc = f & O_ACCMODE;
            t = acc == O_RDONLY ? NEED_R : acc == O_WRONLY ? NEED_W : NEED_R | NEED_W;
            if (f & O_TRUNC)
                t |= NEED_W;
            tw = open_what(t);
        } else if (f & O_CREAT) {
            parent = NEED_W | NEED_X, pw = "creates an entry in";
        }
    } else if (is(c, "creat")) {
        if (exists)
            t = NEED_W, tw = "writes";
        else
            parent = NEED_W | NEED_X, pw = "creates an entry in";
    } else if (is(c, "truncate")) {
        if (exists)
            t = NEED_W, tw = "writes";
    } else if (is(c, "execve") || is(c, "execveat")) {
        if (exists)
            t = NEED_X, tw = "executes";
    } else if (is(c, "chdir")) {
        if (exists)
            t = NEED_X, tw = "enters";
    } else if (is(c, "mkdir") || is(c, "mkdirat") || is(c, "mknod") || is(c, "mknodat") ||
               ((is(c, "link") || is(c, "linkat") || is(c, "symlink") || is(c, "symlinkat")) &&
                k == 1)) {
        if (!exists) /* EEXIST comes before the check */
            parent = NEED_W | NEED_X, pw = "creates an entry in";
    } else if (is(c, "unlink") || is(c, "unlinkat") || is(c, "rmdir")) {
        if (exists)
            parent = NEED_W | NEED_X, pw = "removes an entry from";
    } else if (is(c, "rename") || is(c, "renameat") || is(c, "renameat2")) {
        parent = NEED_W | NEED_X, pw = k == 0 ? "renames an entry from" : "renames an entry into";
    }
    if (t)
        need(o, c, k, n, t, tw);
    if (parent && n > 0)
        need(o, c, k, n - 1, parent, pw);
    /* an entry it makes is its own from now on */
    if (parent && !exists && strcmp(pw, "creates an entry in") == 0)
        add_made(o, p);
    else if (k == 1 && parent && c->paths[0] && made_here(o, c->paths[0]))
        add_made(o, p); /* renamed from what it made */
}

static void infer_dac(BrigLearnObs *o, const BrigLearnCall *c)
{
    if (!c->root)
        return;
    infer_dac_path(o, c, 0);
    infer_dac_path(o, c, 1);
}

/* Calls that change what a path names or holds: paths[k] is written. */
static void infer_writes(BrigLearnObs *o, const BrigLearnCall *c)
{
    const uint64_t *a = c->args;
    if (is(c, "open") || is(c, "openat") || is(c, "openat2")) {
        uint64_t f = is(c, "open") ? a[1] : is(c, "openat") ? a[2] : c->flags;
        /* O_CREAT of what exists, read-only, creates nothing */
        bool w = (f & O_ACCMODE) != O_RDONLY || (f & O_TRUNC);
        if (w || ((f & O_CREAT) && c->exists[0] != 1))
            add_write(o, c->paths[0], c);
        /* an image file it writes keeps its owner on a copied-up tmpfs */
        if (w && c->exists[0] == 1)
            add_overwrite(o, c);
    } else if (is(c, "mkdir") || is(c, "mkdirat") || is(c, "mknod") || is(c, "mknodat")) {
        if (c->exists[0] != 1) { /* EEXIST otherwise: mkdir -p walks every parent */
            add_write(o, c->paths[0], c);
            /* what it makes itself is its own: no tmpfs needed below it */
            if (is(c, "mkdir") || is(c, "mkdirat"))
                add_path(o, "created", c->paths[0]);
        }
    } else if (is(c, "unlink") || is(c, "unlinkat") || is(c, "rmdir")) {
        if (c->exists[0] != 0) /* ENOENT otherwise: rm -f of what is not there */
            add_write(o, c->paths[0], c);
    } else if (is(c, "creat") || is(c, "truncate") || is(c, "chmod") || is(c, "fchmodat") ||
               is(c, "fchmodat2") || is(c, "chown") || is(c, "lchown") || is(c, "fchownat") ||
               is(c, "setxattr") || is(c, "lsetxattr") || is(c, "removexattr") ||
               is(c, "lremovexattr") || is(c, "utime") || is(c, "utimes") || is(c, "utimensat") ||
               is(c, "futimesat") || is(c, "fchown") || is(c, "fchmod") || is(c, "ftruncate")) {
        add_write(o, c->paths[0], c);
    } else if (is(c, "rename") || is(c, "renameat") || is(c, "renameat2")) {
        if (c->exists[0] != 0) {
            add_write(o, c->paths[0], c);
            add_write(o, c->paths[1], c);
        }
    } else if (is(c, "link") || is(c, "linkat") || is(c, "symlink") || is(c, "symlinkat")) {
        if (c->exists[1] != 1)
            add_write(o, c->paths[1], c);
    }
}

void brig_learn_obs_call(BrigLearnObs *o, const BrigLearnCall *c, bool default_denied)
{
    BrigJson *sys = brig_json_get(o->data, "syscalls");
    if (!brig_json_array_has_string(sys, c->syscall)) {
        brig_json_append(sys, brig_json_new_string(c->syscall));
        o->dirty = true;
    }
    if (default_denied) {
        BrigJson *nd = brig_json_get(o->data, "notDefault");
        /* a few samples per syscall: brig learned asks the profile again
         * with the capabilities it grants */
        size_t same = 0;
        BrigJson *e;
        BRIG_JSON_FOREACH (e, nd)
            same += streq(brig_json_str(brig_json_get(e, "syscall")), c->syscall);
        if (same < 4 && nd->n < MAX_ENTRIES) {
            BrigJson *x = brig_json_new(BRIG_JSON_OBJECT);
            brig_json_set(x, "syscall", brig_json_new_string(c->syscall));
            brig_json_set(x, "arch", brig_json_new_uint(c->arch));
            brig_json_set(x, "nr", brig_json_new_int(c->nr));
            BrigJson *args = brig_json_new(BRIG_JSON_ARRAY);
            for (size_t i = 0; i < 6; i++)
                brig_json_append(args, brig_json_new_uint(c->args[i]));
            brig_json_set(x, "args", args);
            brig_json_set(x, "pid", brig_json_new_int(c->pid));
            brig_json_set(x, "comm", brig_json_new_string(c->comm ? c->comm : "?"));
            brig_json_append(nd, x);
            o->dirty = true;
        }
    }
    /* the runtime's own calls (between loading the filter and exec) are
     * the runtime's business, not the container's grants */
    if (c->runtime)
        return;
    if (!brig_json_is_true(brig_json_get(o->data, "ran"))) {
        brig_json_set(o->data, "ran", brig_json_new_bool(true));
        o->dirty = true;
    }
    if (c->root && !brig_json_is_true(brig_json_get(o->data, "ranAsRoot"))) {
        brig_json_set(o->data, "ranAsRoot", brig_json_new_bool(true));
        o->dirty = true;
    }
    infer_caps(o, c);
    infer_writes(o, c);
    infer_dac(o, c);
}
