/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Runtime-mode side of per-container user namespaces (policy
 * userNamespace): the host callbacks the userns pass calls at create (an id
 * range held, idmapped views made), undoing them when the container is
 * refused or not hardened, releasing them at delete, and `brig gc`. */
#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>

#include "brig.h"
#include "bundle.h"
#include "hostpath.h"
#include "json.h"
#include "sha256.h"
#include "userns/mapping.h"
#include "userns/range.h"
#include "userns/view.h"

static struct {
    const BrigArgv *a;
    const char *runtime;
    bool made, ok;
    uint32_t base;
    char *rootfs; /* root.path as written */
    char **binds; /* sources as written */
    BrigUsernsViews views;
} st;

/* Field 22 of /proc/PID/stat: with the pid, names one process for good. */
static uint64_t start_time(pid_t pid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, buf, sizeof(buf) - 1);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    uint64_t v = 0;
    return brig_proc_stat_starttime(buf, &v) == 0 ? v : 0;
}

static bool process_alive(int64_t pid, uint64_t start)
{
    return pid > 0 && pid <= INT_MAX && start && start_time((pid_t)pid) == start;
}

/* Where a container's views and range are kept.  Two runtime roots may
 * hold the same container id (a test's runc next to Docker's, two
 * containerd namespaces), so everything is keyed by root and id:
 * BRIG_USERNS_CT/KEY/ID, and the range file names "KEY/ID", KEY being the
 * first 16 hex digits of the SHA-256 of the root given with --root, or,
 * without one, of "runtime:" and the runtime's path (whose default root
 * it is).  Asking the runtime which one it is (runc's or crun's default)
 * would run it while brig may still refuse the container.  state.json
 * says which root it was. */
typedef struct {
    char *root;   /* --root, else NULL: the runtime's default */
    char *ctroot; /* BRIG_USERNS_CT/KEY */
    char *key;    /* KEY/ID */
} Where;

static void where_clear(Where *w)
{
    free(w->root);
    free(w->ctroot);
    free(w->key);
    *w = (Where){0};
}

static char *root_key(const char *root)
{
    uint8_t h[32];
    brig_sha256(root, strlen(root), h);
    char hex[17];
    for (int i = 0; i < 8; i++)
        snprintf(hex + 2 * i, 3, "%02x", h[i]);
    return xstrdup(hex);
}

/* The key's text for a root given with --root ("/run/x/" and "/run/x" are
 * one directory to the runtime). */
static char *root_text(const char *root)
{
    char *r = xstrdup(root);
    for (size_t n = strlen(r); n > 1 && r[n - 1] == '/'; n--)
        r[n - 1] = '\0';
    return r;
}

static void where_for(const BrigArgv *a, const char *runtime, Where *w)
{
    _cleanup_free_ char *text = NULL;
    if (a->root && *a->root) {
        w->root = root_text(a->root);
        text = xstrdup(w->root);
    } else {
        _cleanup_free_ char *real = runtime ? realpath(runtime, NULL) : NULL;
        text = xasprintf("runtime:%s", real ? real : runtime ? runtime : "");
    }
    _cleanup_free_ char *k = root_key(text);
    w->ctroot = xasprintf("%s/%s", BRIG_USERNS_CT, k);
    w->key = xasprintf("%s/%s", k, a->id);
}

/* The runtime root of a container created without --root, once the
 * runtime's flavour is known; NULL before. */
static const char *default_root(BrigFlavour f)
{
    return f == BRIG_RT_CRUN ? "/run/crun" : f == BRIG_RT_RUNC ? "/run/runc" : NULL;
}

static int write_state(const BrigArgv *a, const Where *w, uint32_t base, BrigError **err)
{
    _cleanup_close_ int dfd = brig_userns_ct_open(w->ctroot, a->id, true, err);
    if (dfd < 0)
        return dfd;
    _cleanup_(brig_json_freep) BrigJson *o = brig_json_new(BRIG_JSON_OBJECT);
    brig_json_set(o, "id", brig_json_new_string(a->id));
    brig_json_set(o, "base", brig_json_new_uint(base));
    /* no root until the flavour is known: gc then looks under both
     * runtimes' defaults */
    const char *root = w->root ? w->root : default_root(a->flavour);
    if (root)
        brig_json_set(o, "root", brig_json_new_string(root));
    brig_json_set(o, "pid", brig_json_new_int(getpid()));
    brig_json_set(o, "start", brig_json_new_uint(start_time(getpid())));
    size_t len;
    _cleanup_free_ char *text = brig_json_serialize(o, BRIG_JSON_PRETTY, &len);
    return brig_output_write_at(dfd, "state.json", text, len, 0600, err);
}

/* A host path as the view is made of it: resolved following only symlinks
 * root alone controls (hostpath.h, the mounts pass's rule), none below the
 * bundle, whose rootfs is the image's.  The view then opens the result
 * following no symlink at all: a symlink someone else can swap is never
 * what decides what a view shows. */
static int resolve_source(const char *path, const char *bundle, char **ret, BrigError **err)
{
    _cleanup_free_ char *breal = bundle ? realpath(bundle, NULL) : NULL;
    const char *nofollow[] = {breal, NULL};
    BrigHostPath hp = {0};
    int r = brig_host_path_resolve(path, 0, breal ? nofollow : NULL, &hp);
    if (r == -ELOOP && hp.untrusted_link)
        r = brig_error_set(err, ELOOP,
                           "%s goes through the symlink %s, which is not root's alone: no "
                           "idmapped view is made through it",
                           path, hp.untrusted_link);
    else if (r < 0)
        r = brig_error_errno(err, -r, "cannot resolve %s", path);
    else
        *ret = TAKE_PTR(hp.real);
    brig_host_path_clear(&hp);
    return r < 0 ? r : 0;
}

static int setup(const char *rootfs, const char *const *binds, size_t n, const bool *bind_root,
                 uint32_t *ret_base, char **ret_why)
{
    const BrigArgv *a = st.a;
    _cleanup_(brig_error_freep) BrigError *e = NULL;
    _cleanup_(where_clear) Where w = {0};
    where_for(a, st.runtime, &w);
    BrigIdPool pool;
    uint32_t base = 0;
    int r = brig_userns_pool_read(&pool, &e);
    if (r == 0)
        r = brig_userns_reserve(BRIG_USERNS_RANGES, &pool, w.key, &base, &e);
    if (r < 0) {
        *ret_why = xstrdup(e->msg);
        return r;
    }
    st.made = true;
    st.base = base;
    /* recorded before any mount, so gc can find whatever a kill leaves */
    r = write_state(a, &w, base, &e);
    _cleanup_free_ char *abs = NULL;
    if (r == 0) {
        _cleanup_free_ char *joined = rootfs[0] == '/' ? xstrdup(rootfs)
                                      : a->bundle      ? xasprintf("%s/%s", a->bundle, rootfs)
                                                       : xstrdup(rootfs);
        r = resolve_source(joined, a->bundle, &abs, &e);
    }
    _cleanup_strv_ char **real = xcalloc(n + 1, sizeof(char *));
    for (size_t i = 0; r == 0 && i < n; i++)
        r = resolve_source(binds[i], a->bundle, &real[i], &e);
    if (r == 0)
        r = brig_userns_views_make(w.ctroot, a->id, base, abs, (const char *const *)real, n,
                                   bind_root, &st.views, &e);
    if (r < 0) {
        *ret_why = xstrdup(e->msg);
        return r;
    }
    st.ok = true;
    st.rootfs = xstrdup(rootfs);
    st.binds = xcalloc(n + 1, sizeof(char *));
    for (size_t i = 0; i < n; i++)
        st.binds[i] = xstrdup(binds[i]);
    *ret_base = base;
    return 0;
}

static const char *view(const char *path)
{
    if (st.rootfs && streq(path, st.rootfs))
        return st.views.rootfs;
    for (size_t i = 0; st.binds && st.binds[i]; i++)
        if (streq(path, st.binds[i]))
            return st.views.binds[i];
    return NULL;
}

/* Unmounts and removes the views, then releases the range: never the range
 * while a view of it may still be mounted here. */
static int undo(const char *ctroot, const char *id, const char *key)
{
    _cleanup_(brig_error_freep) BrigError *e = NULL;
    if (brig_userns_views_remove(ctroot, id, &e) < 0) {
        fprintf(stderr, "brig: %s\n", e->msg);
        return -1;
    }
    (void)brig_userns_release(BRIG_USERNS_RANGES, key, NULL);
    (void)rmdir(ctroot); /* the root's directory, once its last container is gone */
    return 0;
}

void userns_prepare(BrigHost *host, const BrigArgv *a, const char *runtime, bool create)
{
    if (!create || !a->id)
        return;
    st.a = a;
    st.runtime = runtime;
    host->userns_setup = setup;
    host->userns_view = view;
}

void userns_finish(const BrigArgv *a, const BrigHardenFile *h, bool refused)
{
    if (!st.made)
        return;
    bool used =
        !refused && h->written && h->policy && h->policy->mode == BRIG_MODE_ENFORCE && st.ok;
    _cleanup_(where_clear) Where w = {0};
    where_for(a, st.runtime, &w);
    if (!used) {
        /* also when setup failed half-way and the pass ran without it */
        (void)undo(w.ctroot, a->id, w.key);
    } else if (!w.root) {
        _cleanup_(brig_error_freep) BrigError *e = NULL;
        (void)write_state(a, &w, st.base, &e); /* now with the runtime's root */
    }
    free(st.rootfs);
    strv_free(st.binds);
    brig_userns_views_clear(&st.views);
    st.made = st.ok = false;
}

/* The container's init as the runtime recorded it: 1 running, 0 not (or
 * no state: gone), from runc's state.json or crun's status. */
static int init_alive(const char *root, const char *id)
{
    _cleanup_free_ char *dir = xasprintf("%s/%s", root, id);
    struct stat sb;
    if (lstat(dir, &sb) < 0)
        return 0;
    static const char *const files[] = {"state.json", "status"};
    static const char *const keys[] = {"init_process_pid", "pid"};
    for (size_t i = 0; i < 2; i++) {
        _cleanup_free_ char *p = xasprintf("%s/%s", dir, files[i]);
        _cleanup_(brig_json_freep) BrigJson *j = NULL;
        if (brig_file_load_json(p, NULL, &j, NULL) < 0)
            continue;
        int64_t pid = 0;
        if (brig_json_to_int64(brig_json_get(j, keys[i]), &pid) < 0 || pid <= 0 || pid > INT_MAX)
            return 0;
        if (kill((pid_t)pid, 0) < 0 && errno == ESRCH)
            return 0;
        uint64_t want = 0;
        if (i == 0 && brig_json_to_uint64(brig_json_get(j, "init_process_start"), &want) == 0 &&
            want != start_time((pid_t)pid))
            return 0; /* the pid was reused */
        return 1;
    }
    /* the directory exists but holds no state: a create under way */
    return 1;
}

typedef struct {
    const char *key;
    bool held;
} Holds;

static int holds(const BrigRangeHolder *h, void *data)
{
    Holds *x = data;
    x->held |= streq(h->id, x->key);
    return 0;
}

int userns_delete(const BrigArgv *a, const char *runtime)
{
    if (!streq(a->cmd, "delete") || !a->id || a->help)
        return -1;
    _cleanup_(where_clear) Where w = {0};
    where_for(a, runtime, &w);
    _cleanup_close_ int dfd = brig_userns_ct_open(w.ctroot, a->id, false, NULL);
    Holds x = {.key = w.key};
    if (dfd < 0)
        (void)brig_userns_each(BRIG_USERNS_RANGES, holds, &x, NULL);
    if (dfd < 0 && !x.held)
        return -1; /* nothing of brig's: the runtime is exec'd as always */
    /* The range is released only once the container is gone: after the
     * runtime's delete succeeded, or when its state is gone anyway.  A
     * delete that fails (a running container without --force, a kill that
     * could not be delivered) keeps it, so no other container can get the
     * ids of one that may still run; brig gc takes it back later if the
     * container dies.  So the runtime runs as a child here, not by exec. */
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "brig: cannot fork the runtime's delete: %s\n", strerror(errno));
        return BRIG_EXIT_REFUSED;
    }
    if (pid == 0) {
        _cleanup_(brig_error_freep) BrigError *e = NULL;
        brig_runtime_exec(runtime, a, &e);
        fprintf(stderr, "brig: %s\n", e ? e->msg : "cannot execute the runtime");
        _exit(BRIG_EXIT_REFUSED);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            status = W_EXITCODE(BRIG_EXIT_REFUSED, 0);
            break;
        }
    }
    bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    const char *root = w.root;
    if (!root) {
        /* the runtime has run by now: asking it which one it is is free */
        (void)mkdir("/run/brig", 0700);
        root = default_root(a->flavour != BRIG_RT_UNSET
                                ? a->flavour
                                : brig_runtime_flavour(runtime, "/run/brig/flavour"));
    }
    _cleanup_free_ char *state = xasprintf("%s/%s", root ? root : "/run/runc", a->id);
    struct stat sb;
    if (ok || (lstat(state, &sb) < 0 && errno == ENOENT))
        (void)undo(w.ctroot, a->id, w.key);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return WIFEXITED(status) ? WEXITSTATUS(status) : BRIG_EXIT_REFUSED;
}

/* crun 1.8.1 fchowns every stdio fd that is not a tty to the container's
 * root and then its user (maybe_chown_std_streams) whenever the container
 * has a user namespace, device nodes included: a container started with
 * the host's /dev/null as stdin, stdout or stderr (containerd's null IO, a
 * shell's </dev/null) made the host's /dev/null owned by the container's
 * host uid, which may then chmod it and break every other user of it.  So
 * such an fd is replaced by brig's own null device node: the same device
 * (reads end, writes vanish), another inode, which only brig opens (as
 * root: whoever ends up owning it, nobody else is denied). */
static const char *const null_nodes[] = {BRIG_USERNS_NULL, "/dev/.brig-null"};

static int open_private_null(void)
{
    for (size_t i = 0; i < ELEMENTSOF(null_nodes); i++) {
        if (i == 0)
            (void)mkdir("/run/brig", 0711);
        if (mknod(null_nodes[i], S_IFCHR | 0666, makedev(1, 3)) < 0 && errno != EEXIST)
            continue;
        /* O_NOFOLLOW and the checks: what is there must be brig's node */
        int fd = open(null_nodes[i], O_RDWR | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
        struct stat sb;
        if (fd >= 0 && fstat(fd, &sb) == 0 && S_ISCHR(sb.st_mode) && sb.st_rdev == makedev(1, 3))
            return fd;
        if (fd >= 0)
            close(fd); /* a file system mounted nodev refuses the open: the next */
    }
    return -1;
}

void userns_private_null(void)
{
    struct stat host;
    if (stat("/dev/null", &host) < 0)
        return;
    int priv = -1;
    for (int fd = 0; fd < 3; fd++) {
        struct stat sb;
        if (fstat(fd, &sb) < 0 || !S_ISCHR(sb.st_mode) || sb.st_rdev != host.st_rdev ||
            sb.st_ino != host.st_ino || sb.st_dev != host.st_dev)
            continue;
        if (priv < 0 && (priv = open_private_null()) < 0)
            return;
        (void)dup2(priv, fd); /* dup2 leaves the new fd without O_CLOEXEC */
    }
    if (priv >= 0)
        close(priv);
}

/* ---- brig gc ---- */

typedef struct {
    int64_t pid;
    uint64_t start;
    char *root;
} CtState;

static void read_ct_state(const char *ctdir, CtState *ret)
{
    *ret = (CtState){0};
    _cleanup_free_ char *p = xasprintf("%s/state.json", ctdir);
    _cleanup_(brig_json_freep) BrigJson *j = NULL;
    if (brig_file_load_json(p, NULL, &j, NULL) < 0)
        return;
    brig_json_to_int64(brig_json_get(j, "pid"), &ret->pid);
    brig_json_to_uint64(brig_json_get(j, "start"), &ret->start);
    const char *root = brig_json_str(brig_json_get(j, "root"));
    ret->root = root ? xstrdup(root) : NULL;
}

typedef struct {
    const char *key;
    bool alive; /* the create that reserved it still runs */
} Reserver;

static int reserver_alive(const BrigRangeHolder *h, void *data)
{
    Reserver *x = data;
    if (streq(h->id, x->key) && process_alive(h->pid, h->start))
        x->alive = true;
    return 0;
}

/* Whether the container in ctroot/id (range key `key`) still needs its
 * range and views. */
static bool still_needed(const char *ctroot, const char *id, const char *key)
{
    _cleanup_free_ char *dir = xasprintf("%s/%s", ctroot, id);
    CtState s;
    read_ct_state(dir, &s);
    _cleanup_free_ char *root = s.root;
    /* a create still running (brig, or the runtime it became) */
    if (process_alive(s.pid, s.start))
        return true;
    /* no state yet: the create that reserved the range, before its first
     * write, if it still runs */
    Reserver x = {.key = key};
    (void)brig_userns_each(BRIG_USERNS_RANGES, reserver_alive, &x, NULL);
    if (x.alive)
        return true;
    if (root)
        return init_alive(root, id);
    /* no root recorded: a create killed before it knew its runtime, or one
     * without state at all (no runtime was ever run with it) */
    if (s.pid == 0)
        return false;
    return init_alive("/run/runc", id) || init_alive("/run/crun", id);
}

typedef struct {
    const char *only; /* KEY of --root, or NULL */
    int n;
} GcRanges;

static int gc_range(const BrigRangeHolder *h, void *data)
{
    GcRanges *g = data;
    const char *slash = strchr(h->id, '/');
    if (g->only && (!slash || strncmp(h->id, g->only, (size_t)(slash - h->id)) != 0 ||
                    strlen(g->only) != (size_t)(slash - h->id)))
        return 0;
    _cleanup_free_ char *d = xasprintf("%s/%s", BRIG_USERNS_CT, h->id);
    struct stat sb;
    if (lstat(d, &sb) == 0)
        return 0; /* judged with its directory */
    /* a range without a directory: a create between reserving and its
     * first write, or one killed there, or an undo killed between removing
     * the views and releasing */
    if (process_alive(h->pid, h->start))
        return 0;
    (void)brig_userns_release(BRIG_USERNS_RANGES, h->id, NULL);
    printf("released ids %" PRIu32 "-%" PRIu32 " of %s\n", h->base, h->base + 65535, h->id);
    g->n++;
    return 0;
}

static DIR *open_dir_at(int dfd, const char *name)
{
    int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    DIR *d = fd < 0 ? NULL : fdopendir(fd);
    if (!d && fd >= 0)
        close(fd);
    return d;
}

/* The containers of one runtime root's directory (BRIG_USERNS_CT/KEY). */
static int gc_root(int ctfd, const char *k, int *n)
{
    DIR *d = open_dir_at(ctfd, k);
    if (!d)
        return 0;
    _cleanup_free_ char *ctroot = xasprintf("%s/%s", BRIG_USERNS_CT, k);
    int failed = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        _cleanup_free_ char *key = xasprintf("%s/%s", k, de->d_name);
        if (still_needed(ctroot, de->d_name, key))
            continue;
        if (undo(ctroot, de->d_name, key) < 0) {
            failed++;
            continue;
        }
        printf("removed the user-namespace views and id range of %s (%s)\n", de->d_name, ctroot);
        (*n)++;
    }
    closedir(d);
    (void)unlinkat(ctfd, k, AT_REMOVEDIR);
    return failed;
}

int cmd_gc(int argc, char **argv, const BrigArgv *a, BrigError **err)
{
    if (argc > 1) {
        bool help = streq(argv[1], "--help") || streq(argv[1], "-h");
        fprintf(help ? stdout : stderr,
                "Usage: brig gc\n"
                "Removes what brig keeps for containers the runtime no longer has: idmapped\n"
                "views under " BRIG_USERNS_CT
                "/KEY/ID (unmounted) and id ranges held in\n" BRIG_USERNS_RANGES
                " (userNamespace).  A container counts as gone when its runtime's state\n"
                "directory (under the runtime root its create used) no longer holds a live\n"
                "init and no create for it is still running.  With --root, only the\n"
                "containers created with that --root.\n");
        return help ? BRIG_EXIT_OK : BRIG_EXIT_USAGE;
    }
    _cleanup_free_ char *only = NULL;
    if (a->root && *a->root) {
        _cleanup_free_ char *r = root_text(a->root);
        only = root_key(r);
    }
    int n = 0, failed = 0;
    _cleanup_close_ int ctfd =
        open(BRIG_USERNS_CT, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    DIR *d = ctfd >= 0 ? open_dir_at(ctfd, ".") : NULL;
    struct dirent *de;
    while (d && (de = readdir(d))) {
        /* KEY directories only (16 hex digits) */
        if (strlen(de->d_name) != 16 || strspn(de->d_name, "0123456789abcdef") != 16 ||
            (only && !streq(de->d_name, only)))
            continue;
        failed += gc_root(ctfd, de->d_name, &n);
    }
    if (d)
        closedir(d);
    GcRanges g = {.only = only};
    if (brig_userns_each(BRIG_USERNS_RANGES, gc_range, &g, err) < 0)
        return BRIG_EXIT_REFUSED;
    n += g.n;
    if (failed)
        return brig_error_set(err, EBUSY, "%d container%s left in place", failed,
                              failed == 1 ? "" : "s"),
               BRIG_EXIT_REFUSED;
    return BRIG_EXIT_OK;
}
