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
#include <time.h>

#include "brig.h"
#include "bundle.h"
#include "json.h"
#include "userns/range.h"
#include "userns/view.h"

static struct {
    const BrigArgv *a;
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
    const char *p = strrchr(buf, ')');
    unsigned long long v = 0;
    /* after ")": state is field 3, starttime field 22 */
    for (int f = 2; p && f < 22; f++)
        p = strchr(p + 1, ' ');
    if (p)
        sscanf(p + 1, "%llu", &v);
    return v;
}

static const char *runtime_root(const BrigArgv *a)
{
    if (a->root && *a->root)
        return a->root;
    return a->flavour == BRIG_RT_CRUN ? "/run/crun" : "/run/runc";
}

static int write_state(const BrigArgv *a, uint32_t base, BrigError **err)
{
    _cleanup_close_ int dfd = brig_userns_ct_open(BRIG_USERNS_CT, a->id, true, err);
    if (dfd < 0)
        return dfd;
    _cleanup_(brig_json_freep) BrigJson *o = brig_json_new(BRIG_JSON_OBJECT);
    brig_json_set(o, "id", brig_json_new_string(a->id));
    brig_json_set(o, "base", brig_json_new_uint(base));
    /* NULL until the flavour is known: gc then looks under both defaults */
    if (a->root && *a->root)
        brig_json_set(o, "root", brig_json_new_string(a->root));
    else if (a->flavour == BRIG_RT_RUNC || a->flavour == BRIG_RT_CRUN)
        brig_json_set(o, "root", brig_json_new_string(runtime_root(a)));
    brig_json_set(o, "pid", brig_json_new_int(getpid()));
    brig_json_set(o, "start", brig_json_new_uint(start_time(getpid())));
    size_t len;
    _cleanup_free_ char *text = brig_json_serialize(o, BRIG_JSON_PRETTY, &len);
    return brig_output_write_at(dfd, "state.json", text, len, 0600, err);
}

static int setup(const char *rootfs, const char *const *binds, size_t n, uint32_t *ret_base,
                 char **ret_why)
{
    const BrigArgv *a = st.a;
    _cleanup_(brig_error_freep) BrigError *e = NULL;
    BrigIdPool pool;
    uint32_t base = 0;
    int r = brig_userns_pool_read(&pool, &e);
    if (r == 0)
        r = brig_userns_reserve(BRIG_USERNS_RANGES, &pool, a->id, &base, &e);
    if (r < 0) {
        *ret_why = xstrdup(e->msg);
        return r;
    }
    st.made = true;
    st.base = base;
    /* recorded before any mount, so gc can find whatever a kill leaves */
    r = write_state(a, base, &e);
    _cleanup_free_ char *abs = NULL;
    if (r == 0) {
        _cleanup_free_ char *joined = rootfs[0] == '/' ? xstrdup(rootfs)
                                      : a->bundle      ? xasprintf("%s/%s", a->bundle, rootfs)
                                                       : xstrdup(rootfs);
        abs = realpath(joined, NULL);
        if (!abs)
            r = brig_error_errno(&e, errno, "cannot resolve the rootfs %s", joined);
    }
    if (r == 0)
        r = brig_userns_views_make(BRIG_USERNS_CT, a->id, base, abs, binds, n, &st.views, &e);
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

static void undo(const char *id)
{
    _cleanup_(brig_error_freep) BrigError *e = NULL;
    if (brig_userns_views_remove(BRIG_USERNS_CT, id, &e) >= 0)
        (void)brig_userns_release(BRIG_USERNS_RANGES, id, NULL);
}

void userns_prepare(BrigHost *host, const BrigArgv *a, bool create)
{
    if (!create || !a->id)
        return;
    st.a = a;
    host->userns_setup = setup;
    host->userns_view = view;
}

void userns_finish(const BrigArgv *a, const BrigHardenFile *h, bool refused)
{
    if (!st.made)
        return;
    bool used =
        !refused && h->written && h->policy && h->policy->mode == BRIG_MODE_ENFORCE && st.ok;
    if (!used) {
        /* also when setup failed half-way and the pass ran without it */
        undo(a->id);
    } else {
        _cleanup_(brig_error_freep) BrigError *e = NULL;
        (void)write_state(a, st.base, &e); /* now with the runtime's root */
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
        _cleanup_(brig_file_freep) BrigFile *f = NULL;
        _cleanup_(brig_json_freep) BrigJson *j = NULL;
        if (brig_file_load(p, BRIG_FILE_MAX_SIZE, &f, NULL) < 0 ||
            brig_json_parse(f->data, f->len, p, 0, &j, NULL) < 0)
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

static bool has_flag(const BrigArgv *a, const char *name)
{
    for (int i = a->id_idx > 0 ? a->cmd_idx + 1 : a->argc; i < a->argc; i++) {
        const char *t = a->argv[i];
        while (*t == '-')
            t++;
        if (t != a->argv[i] && (streq(t, name) || (startswith(t, name) && t[strlen(name)] == '=' &&
                                                   !streq(t + strlen(name) + 1, "false"))))
            return true;
    }
    return false;
}

void userns_release(const BrigArgv *a)
{
    if (!streq(a->cmd, "delete") || !a->id || a->help)
        return;
    _cleanup_close_ int dfd = brig_userns_ct_open(BRIG_USERNS_CT, a->id, false, NULL);
    if (dfd < 0) {
        (void)brig_userns_release(BRIG_USERNS_RANGES, a->id, NULL);
        return;
    }
    /* a delete the runtime will refuse (a running container, no --force)
     * keeps the range: another container must not get it while this one
     * runs.  Unmounting the views would not hurt a running container (its
     * mount namespace holds its own copies) but is left for the delete
     * that succeeds, or gc. */
    bool alive = a->root && *a->root
                     ? init_alive(a->root, a->id)
                     : init_alive("/run/runc", a->id) || init_alive("/run/crun", a->id);
    if (!has_flag(a, "force") && !has_flag(a, "f") && alive)
        return;
    undo(a->id);
}

/* ---- brig gc ---- */

typedef struct {
    int64_t pid;
    uint64_t start;
    char *root;
} CtState;

static void read_ct_state(const char *id, CtState *ret)
{
    *ret = (CtState){0};
    _cleanup_free_ char *p = xasprintf("%s/%s/state.json", BRIG_USERNS_CT, id);
    _cleanup_(brig_file_freep) BrigFile *f = NULL;
    _cleanup_(brig_json_freep) BrigJson *j = NULL;
    if (brig_file_load(p, BRIG_FILE_MAX_SIZE, &f, NULL) < 0 ||
        brig_json_parse(f->data, f->len, p, 0, &j, NULL) < 0)
        return;
    brig_json_to_int64(brig_json_get(j, "pid"), &ret->pid);
    brig_json_to_uint64(brig_json_get(j, "start"), &ret->start);
    const char *root = brig_json_str(brig_json_get(j, "root"));
    ret->root = root ? xstrdup(root) : NULL;
}

/* Whether container id still needs its range and views. */
static bool still_needed(const char *id, const char *only_root)
{
    CtState s;
    read_ct_state(id, &s);
    _cleanup_free_ char *root = s.root;
    /* a create still running (brig, or the runtime it became) */
    if (s.pid > 0 && s.pid <= INT_MAX && s.start && start_time((pid_t)s.pid) == s.start)
        return true;
    if (root)
        return init_alive(root, id) || (only_root && !streq(root, only_root));
    _cleanup_free_ char *d = xasprintf("%s/%s", BRIG_USERNS_CT, id);
    struct stat sb;
    /* no state yet: a create between mkdir and its first write */
    if (!s.pid && stat(d, &sb) == 0 && time(NULL) - sb.st_mtime < 30)
        return true;
    return init_alive("/run/runc", id) || init_alive("/run/crun", id);
}

static int gc_range(uint32_t base, const char *id, void *data)
{
    _cleanup_free_ char *d = xasprintf("%s/%s", BRIG_USERNS_CT, id);
    struct stat sb;
    if (stat(d, &sb) == 0)
        return 0; /* judged with its directory */
    if (!still_needed(id, data)) {
        (void)brig_userns_release(BRIG_USERNS_RANGES, id, NULL);
        printf("released ids %" PRIu32 "-%" PRIu32 " of %s\n", base, base + 65535, id);
        return 1;
    }
    return 0;
}

int cmd_gc(int argc, char **argv, const BrigArgv *a, BrigError **err)
{
    if (argc > 1) {
        bool help = streq(argv[1], "--help") || streq(argv[1], "-h");
        fprintf(help ? stdout : stderr,
                "Usage: brig gc\n"
                "Removes what brig keeps for containers the runtime no longer has: idmapped\n"
                "views under " BRIG_USERNS_CT
                "/ID (unmounted) and id ranges held in\n" BRIG_USERNS_RANGES
                " (userNamespace).  A container counts as gone when its runtime's state\n"
                "directory (the runtime root brig was given, else /run/runc and /run/crun)\n"
                "no longer holds a live init and no create for it is still running.\n");
        return help ? BRIG_EXIT_OK : BRIG_EXIT_USAGE;
    }
    const char *only_root = a->root && *a->root ? a->root : NULL;
    int n = 0, failed = 0;
    _cleanup_close_ int rfd = open(BRIG_USERNS_CT, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    DIR *d = rfd >= 0 ? fdopendir(fcntl(rfd, F_DUPFD_CLOEXEC, 3)) : NULL;
    struct dirent *de;
    while (d && (de = readdir(d))) {
        if (de->d_name[0] == '.' || still_needed(de->d_name, only_root))
            continue;
        _cleanup_(brig_error_freep) BrigError *e = NULL;
        if (brig_userns_views_remove(BRIG_USERNS_CT, de->d_name, &e) < 0) {
            fprintf(stderr, "brig gc: %s\n", e->msg);
            failed++;
            continue;
        }
        (void)brig_userns_release(BRIG_USERNS_RANGES, de->d_name, NULL);
        printf("removed the user-namespace views and id range of %s\n", de->d_name);
        n++;
    }
    if (d)
        closedir(d);
    int r = brig_userns_each(BRIG_USERNS_RANGES, gc_range, (void *)only_root, err);
    if (r < 0)
        return BRIG_EXIT_REFUSED;
    n += r;
    if (failed)
        return brig_error_set(err, EBUSY, "%d container%s left in place", failed,
                              failed == 1 ? "" : "s"),
               BRIG_EXIT_REFUSED;
    return BRIG_EXIT_OK;
}
