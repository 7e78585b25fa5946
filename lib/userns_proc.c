/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The user namespace an exec joins: the running container's, as the kernel
 * applies it.  An exec process file and exec's inline flags carry no
 * mapping, and config.json on disk may have changed since create, so the
 * mapping is read where the kernel keeps it: /proc/PID/uid_map and gid_map of
 * the container's init process, whose pid the runtime's own state names.
 * Read from brig's user namespace (the host's), the second column is the host
 * id (user_namespaces(7)), which is the identity brig judges.
 *
 * A pid can be reused once the process exits.  The state also records the
 * init process's start time (field 22 of /proc/PID/stat, clock ticks since
 * boot): /proc/PID is opened once as a directory, its stat compared with the
 * state, and every later read goes through that directory fd, which the
 * kernel ties to the process it was opened for (a read after that process is
 * gone fails with ESRCH instead of reading a newcomer's files). */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <sys/stat.h>

#include "bundle.h"
#include "userns/mapping.h"

/* uid_map and gid_map are at most 340 lines of three 10-digit columns */
#define MAP_TEXT_MAX 16384

static int read_at(int dirfd, const char *name, const char *what, char **ret, BrigError **err)
{
    _cleanup_close_ int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return brig_error_set(err, errno, "%s/%s: %s", what, name, strerror(errno));
    _cleanup_free_ char *buf = xmalloc(MAP_TEXT_MAX + 1);
    size_t len = 0;
    for (;;) {
        ssize_t n = read(fd, buf + len, MAP_TEXT_MAX - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return brig_error_set(err, errno, "%s/%s: %s", what, name, strerror(errno));
        if (n == 0)
            break;
        len += (size_t)n;
        if (len == MAP_TEXT_MAX)
            return brig_error_set(err, EFBIG, "%s/%s: longer than %d bytes", what, name,
                                  MAP_TEXT_MAX);
    }
    buf[len] = '\0';
    *ret = TAKE_PTR(buf);
    return 0;
}

static bool read_u32(const char **p, uint32_t *ret)
{
    const char *s = *p;
    while (*s == ' ' || *s == '\t')
        s++;
    if (*s < '0' || *s > '9')
        return false;
    uint64_t v = 0;
    for (; *s >= '0' && *s <= '9'; s++) {
        v = v * 10 + (uint64_t)(*s - '0');
        if (v > UINT32_MAX)
            return false;
    }
    *p = s;
    *ret = (uint32_t)v;
    return true;
}

int brig_idmap_parse_proc(const char *text, const char *what, BrigIdMap *ret, BrigError **err)
{
    *ret = (BrigIdMap){0};
    BrigIdMap m = {.v = xcalloc(BRIG_IDMAP_MAX_EXTENTS, sizeof(BrigIdRange))};
    size_t line = 0;
    for (const char *p = text; *p;) {
        line++;
        uint32_t v[3];
        bool ok = m.n < BRIG_IDMAP_MAX_EXTENTS;
        for (size_t k = 0; ok && k < 3; k++)
            ok = read_u32(&p, &v[k]);
        while (ok && (*p == ' ' || *p == '\t'))
            p++;
        ok = ok && (*p == '\n' || *p == '\0') && v[2] > 0 && (uint64_t)v[0] + v[2] <= UINT32_MAX &&
             (uint64_t)v[1] + v[2] <= UINT32_MAX;
        if (!ok) {
            brig_idmap_clear(&m);
            return brig_error_set(err, EINVAL, "%s: line %zu is not a mapping the kernel writes",
                                  what, line);
        }
        m.v[m.n++] = (BrigIdRange){.inside = v[0], .host = v[1], .size = v[2]};
        if (*p == '\n')
            p++;
    }
    *ret = m;
    return 0;
}

int brig_proc_stat_starttime(const char *stat, uint64_t *ret)
{
    /* the command name (field 2) may hold anything, ")" included: the
     * fields after it start after the last ")" */
    const char *p = strrchr(stat, ')');
    if (!p)
        return -EINVAL;
    p++;
    /* after ")" come fields 3 (state) .. 22 (starttime) */
    for (int field = 3; field < 22; field++) {
        while (*p == ' ')
            p++;
        p += strcspn(p, " ");
        if (!*p)
            return -EINVAL;
    }
    while (*p == ' ')
        p++;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(p, &end, 10);
    if (errno || end == p || (*end != ' ' && *end != '\n' && *end != '\0'))
        return -EINVAL;
    *ret = v;
    return 0;
}

int brig_userns_of_process(const char *proc, int64_t pid, uint64_t start, BrigUserns *ret,
                           BrigError **err)
{
    *ret = (BrigUserns){0};
    _cleanup_free_ char *dir = xasprintf("%s/%" PRId64, proc, pid);
    if (pid <= 0)
        return brig_error_set(err, EINVAL, "%s: not a process id", dir);
    _cleanup_close_ int procfd = open(proc, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (procfd < 0)
        return brig_error_set(err, errno, "%s: %s", proc, strerror(errno));
    _cleanup_close_ int dfd =
        openat(procfd, dir + strlen(proc) + 1, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (dfd < 0)
        return brig_error_set(err, errno, "%s: %s (the container's init process is gone)", dir,
                              strerror(errno));
    _cleanup_free_ char *stat = NULL;
    int r = read_at(dfd, "stat", dir, &stat, err);
    if (r < 0)
        return r;
    uint64_t got;
    if (brig_proc_stat_starttime(stat, &got) < 0)
        return brig_error_set(err, EINVAL, "%s/stat: no start time in it", dir);
    if (got != start)
        return brig_error_set(err, ESRCH,
                              "%s started at tick %" PRIu64 ", the container's init process at "
                              "%" PRIu64 ": the pid now belongs to another process",
                              dir, got, start);

    /* the same namespace as brig's: the ids are the host's, as without one */
    struct stat mine, theirs;
    if (fstatat(procfd, "self/ns/user", &mine, 0) < 0 || fstatat(dfd, "ns/user", &theirs, 0) < 0)
        return brig_error_set(err, errno, "%s/ns/user: %s", dir, strerror(errno));
    if (mine.st_dev == theirs.st_dev && mine.st_ino == theirs.st_ino)
        return 0;

    BrigIdMap *maps[] = {&ret->uids, &ret->gids};
    static const char *const names[] = {"uid_map", "gid_map"};
    for (size_t k = 0; k < ELEMENTSOF(maps); k++) {
        _cleanup_free_ char *text = NULL;
        _cleanup_free_ char *what = xasprintf("%s/%s", dir, names[k]);
        r = read_at(dfd, names[k], dir, &text, err);
        if (r == 0)
            r = brig_idmap_parse_proc(text, what, maps[k], err);
        if (r < 0) {
            brig_userns_clear(ret);
            return r;
        }
    }
    ret->enabled = true;
    /* an empty map is a namespace nobody mapped: every id is unmapped, and
     * judged so */
    ret->has_uids = ret->has_gids = true;
    return 0;
}

/* runc's rule for ids, which keeps a name inside the state root */
static bool id_ok(const char *id)
{
    size_t n = id ? strlen(id) : 0;
    return n > 0 && n <= 1024 && !streq(id, ".") && !streq(id, "..") && !strchr(id, '/');
}

int brig_container_init(const char *state_root, const char *id, bool crun, int64_t *ret_pid,
                        uint64_t *ret_start, BrigError **err)
{
    if (!id_ok(id))
        return brig_error_set(err, EINVAL, "container id \"%s\" cannot name a state directory",
                              id ? id : "");
    /* runc: ROOT/ID/state.json {"init_process_pid", "init_process_start"};
     * crun: ROOT/ID/status {"pid", "process-start-time"} */
    _cleanup_free_ char *path =
        xasprintf("%s/%s/%s", state_root, id, crun ? "status" : "state.json");
    _cleanup_(brig_file_freep) BrigFile *f = NULL;
    _cleanup_(brig_error_freep) BrigError *lerr = NULL;
    int r = brig_file_load(path, BRIG_FILE_MAX_SIZE, &f, &lerr);
    if (r < 0 && (lerr->status == ENOENT || lerr->status == ENOTDIR))
        return brig_error_set(err, ENOENT,
                              "%s: not found: %s is no container of this runtime under --root %s",
                              path, id, state_root);
    if (r < 0) {
        *err = TAKE_PTR(lerr);
        return r;
    }
    _cleanup_(brig_json_freep) BrigJson *j = NULL;
    r = brig_json_parse(f->data, f->len, path, 0, &j, err);
    if (r < 0)
        return r;
    const char *kp = crun ? "pid" : "init_process_pid";
    const char *ks = crun ? "process-start-time" : "init_process_start";
    uint64_t pid, start;
    const BrigJson *vp = brig_json_get(j, kp), *vs = brig_json_get(j, ks);
    if (!vp || brig_json_to_uint64(vp, &pid) < 0 || pid == 0 || pid > INT32_MAX)
        return brig_error_set(err, EINVAL, "%s: no \"%s\"", path, kp);
    if (!vs || brig_json_to_uint64(vs, &start) < 0)
        return brig_error_set(err, EINVAL, "%s: no \"%s\"", path, ks);
    *ret_pid = (int64_t)pid;
    *ret_start = start;
    return 0;
}
