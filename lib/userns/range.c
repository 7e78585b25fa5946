/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Id ranges: the pool (/etc/subuid, /etc/subgid or the default) and one
 * O_EXCL file per held range (range.h). */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>

#include "../bundle.h"
#include "../lockdir.h"
#include "../util.h"
#include "mapping.h"
#include "range.h"

typedef struct {
    uint64_t start, end; /* [start, end) */
} Span;

/* Scans a subid file: the highest end of every entry, and the first entry
 * for "brig" (by name, as shadow's tools write it). */
static void scan(const char *text, uint64_t *highest, bool *found, Span *brig)
{
    *found = false;
    for (const char *l = text; l && *l;) {
        const char *nl = strchrnul(l, '\n');
        char name[64];
        unsigned long long start, count;
        int end = 0;
        _cleanup_free_ char *line = xstrndup(l, (size_t)(nl - l));
        if (sscanf(line, "%63[^:\n]:%llu:%llu%n", name, &start, &count, &end) == 3 &&
            (line[end] == '\0' || line[end] == ' ') && line[0] != '#' && count > 0) {
            if (start + count > *highest)
                *highest = start + count;
            if (streq(name, "brig") && !*found) {
                *found = true;
                *brig = (Span){start, start + count};
            }
        }
        l = *nl ? nl + 1 : nl;
    }
}

int brig_userns_pool(const char *subuid, const char *subgid, BrigIdPool *ret, BrigError **err)
{
    uint64_t highest = 0;
    bool fu, fg;
    Span u = {0}, g = {0};
    scan(subuid, &highest, &fu, &u);
    scan(subgid, &highest, &fg, &g);
    if (fu && fg) {
        /* one base serves both maps: the ids both entries give */
        uint64_t s = u.start > g.start ? u.start : g.start;
        uint64_t e = u.end < g.end ? u.end : g.end;
        if (e > BRIG_USERNS_POOL_END)
            e = BRIG_USERNS_POOL_END;
        if (s == 0)
            s = 1; /* host id 0 is never given to a container */
        if (e <= s || (e - s) / BRIG_USERNS_SIZE == 0)
            return brig_error_set(err, ERANGE,
                                  "the \"brig\" entries of /etc/subuid and /etc/subgid share "
                                  "fewer than %u ids below 2^31; a container needs %u",
                                  BRIG_USERNS_SIZE, BRIG_USERNS_SIZE);
        *ret = (BrigIdPool){.start = (uint32_t)s,
                            .slots = (uint32_t)((e - s) / BRIG_USERNS_SIZE),
                            .from_subid = true};
        return 0;
    }
    uint64_t s = highest > BRIG_USERNS_POOL_FLOOR ? highest : BRIG_USERNS_POOL_FLOOR;
    s = (s + BRIG_USERNS_SIZE - 1) / BRIG_USERNS_SIZE * BRIG_USERNS_SIZE;
    if (s + BRIG_USERNS_SIZE > BRIG_USERNS_POOL_END)
        return brig_error_set(err, ERANGE,
                              "/etc/subuid and /etc/subgid use ids up to %" PRIu64
                              ", leaving no default pool below 2^31; add a \"brig\" entry",
                              highest);
    *ret = (BrigIdPool){.start = (uint32_t)s,
                        .slots = (uint32_t)((BRIG_USERNS_POOL_END - s) / BRIG_USERNS_SIZE)};
    return 0;
}

static char *read_small(const char *path)
{
    _cleanup_(brig_file_freep) BrigFile *f = NULL;
    if (brig_file_load(path, 4u << 20, &f, NULL) < 0)
        return NULL;
    return TAKE_PTR(f->data);
}

int brig_userns_pool_read(BrigIdPool *ret, BrigError **err)
{
    _cleanup_free_ char *u = read_small("/etc/subuid"), *g = read_small("/etc/subgid");
    return brig_userns_pool(u, g, ret, err);
}

static bool base_name(const char *name, uint32_t *ret)
{
    char *end;
    if (name[0] < '1' || name[0] > '9')
        return false;
    errno = 0;
    unsigned long long v = strtoull(name, &end, 10);
    if (errno || *end || v > UINT32_MAX)
        return false;
    *ret = (uint32_t)v;
    return true;
}

/* Reads a range file: "KEY\nPID START\n" (the second line may be missing:
 * a create killed between creating and writing the file). */
static bool holder(int dfd, const char *name, BrigRangeHolder *h, char **ret_id)
{
    _cleanup_close_ int fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
    if (fd < 0)
        return false;
    char buf[1200];
    ssize_t n = read(fd, buf, sizeof(buf) - 1);
    struct stat st;
    if (n <= 0 || fstat(fd, &st) < 0)
        return false;
    buf[n] = '\0';
    char *nl = strchr(buf, '\n');
    long long pid = 0;
    unsigned long long start = 0;
    if (nl) {
        *nl = '\0';
        if (sscanf(nl + 1, "%lld %llu", &pid, &start) != 2)
            pid = 0, start = 0;
    }
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    h->pid = pid;
    h->start = start;
    h->age =
        (double)(now.tv_sec - st.st_mtim.tv_sec) + (double)(now.tv_nsec - st.st_mtim.tv_nsec) / 1e9;
    *ret_id = xstrdup(buf);
    return true;
}

/* Field 22 of /proc/self/stat, 0 if unreadable. */
static uint64_t self_start(void)
{
    _cleanup_close_ int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
    char buf[1024];
    ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
    uint64_t v = 0;
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    return brig_proc_stat_starttime(buf, &v) == 0 ? v : 0;
}

typedef struct {
    int (*fn)(const BrigRangeHolder *h, void *data);
    void *data;
    bool stopped; /* fn returned <0: not a failure to read the directory */
} EachRange;

static int each_range(int dfd, const char *name, void *data)
{
    EachRange *e = data;
    uint32_t base;
    if (!base_name(name, &base))
        return 0;
    _cleanup_free_ char *id = NULL;
    BrigRangeHolder h = {.base = base};
    if (!holder(dfd, name, &h, &id))
        return 0;
    h.id = id;
    int r = e->fn(&h, e->data);
    e->stopped = r < 0;
    return r;
}

int brig_userns_each(const char *dir, int (*fn)(const BrigRangeHolder *h, void *data), void *data,
                     BrigError **err)
{
    _cleanup_close_ int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (dfd < 0)
        return errno == ENOENT ? 0 : brig_error_errno(err, errno, "cannot open %s", dir);
    EachRange e = {.fn = fn, .data = data};
    int r = brig_lockdir_each(dfd, each_range, &e);
    if (r < 0 && !e.stopped)
        return brig_error_errno(err, -r, "cannot read %s", dir);
    return r;
}

typedef struct {
    const BrigIdPool *pool;
    const char *id;
    uint8_t *used; /* one byte per slot */
    uint32_t held;
    bool has;
} Scan;

static int note_used(const BrigRangeHolder *h, void *data)
{
    Scan *s = data;
    uint32_t base = h->base;
    const char *id = h->id;
    if (streq(id, s->id) && !s->has) {
        s->has = true;
        s->held = base;
    }
    if (base >= s->pool->start && (base - s->pool->start) % BRIG_USERNS_SIZE == 0 &&
        (base - s->pool->start) / BRIG_USERNS_SIZE < s->pool->slots)
        s->used[(base - s->pool->start) / BRIG_USERNS_SIZE] = 1;
    return 0;
}

int brig_userns_reserve(const char *dir, const BrigIdPool *pool, const char *id, uint32_t *ret_base,
                        BrigError **err)
{
    if (!brig_lockdir_valid_id(id))
        return brig_error_set(err, EINVAL, "cannot reserve an id range without a container id");
    _cleanup_close_ int dfd = brig_lockdir_open(dir, 0711, err);
    if (dfd < 0)
        return dfd;
    _cleanup_free_ uint8_t *used = xcalloc(pool->slots ? pool->slots : 1, 1);
    Scan s = {.pool = pool, .id = id, .used = used};
    int r = brig_userns_each(dir, note_used, &s, err);
    if (r < 0)
        return r;
    if (s.has) {
        *ret_base = s.held;
        return 0;
    }
    /* The file is written whole before it gets its name (an O_TMPFILE
     * linked in, which fails EEXIST as O_EXCL does): a kill never leaves a
     * range file that names no holder. */
    _cleanup_free_ char *text = xasprintf("%s\n%d %" PRIu64 "\n", id, (int)getpid(), self_start());
    _cleanup_close_ int fd = openat(dfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
    if (fd < 0)
        return brig_error_errno(err, errno, "cannot create a range file in %s", dir);
    size_t len = strlen(text);
    if (write(fd, text, len) != (ssize_t)len)
        return brig_error_errno(err, errno ? errno : EIO, "cannot write a range file in %s", dir);
    char self[64];
    snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
    /* lowest free slot first; a concurrent create that took it since the
     * scan makes the link fail, and the next one is tried */
    for (uint32_t k = 0; k < pool->slots; k++) {
        if (used[k])
            continue;
        uint32_t base = pool->start + k * BRIG_USERNS_SIZE;
        char name[16];
        snprintf(name, sizeof(name), "%" PRIu32, base);
        if (linkat(AT_FDCWD, self, dfd, name, AT_SYMLINK_FOLLOW) < 0) {
            if (errno == EEXIST)
                continue;
            return brig_error_errno(err, errno, "cannot create %s/%s", dir, name);
        }
        *ret_base = base;
        return 0;
    }
    return brig_error_set(err, ENOSPC, "every id range of the pool (%u from %u) is held (%s)",
                          pool->slots, pool->start, dir);
}

typedef struct {
    int dfd;
    const char *id;
} Release;

static int drop_held(const BrigRangeHolder *h, void *data)
{
    const Release *rel = data;
    if (!streq(h->id, rel->id))
        return 0;
    char name[16];
    snprintf(name, sizeof(name), "%" PRIu32, h->base);
    return unlinkat(rel->dfd, name, 0) < 0 && errno != ENOENT ? -errno : 1;
}

int brig_userns_release(const char *dir, const char *id, BrigError **err)
{
    if (!brig_lockdir_valid_id(id))
        return 0;
    _cleanup_close_ int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (dfd < 0)
        return errno == ENOENT ? 0 : brig_error_errno(err, errno, "cannot open %s", dir);
    Release rel = {.dfd = dfd, .id = id};
    int r = brig_userns_each(dir, drop_held, &rel, err);
    if (r < 0 && err && !*err)
        return brig_error_errno(err, -r, "cannot release the id range of %s in %s", id, dir);
    return r;
}
