/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Id ranges: the pool (/etc/subuid, /etc/subgid or the default) and one
 * O_EXCL file per held range (range.h). */
#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <sys/stat.h>

#include "../bundle.h"
#include "../util.h"
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

static bool valid_id(const char *id)
{
    return id && *id && !strchr(id, '\n') && strlen(id) <= 1024;
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

/* The id a range file holds (malloc'd), NULL if unreadable. */
static char *holder(int dfd, const char *name)
{
    _cleanup_close_ int fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
    if (fd < 0)
        return NULL;
    char buf[1026];
    ssize_t n = read(fd, buf, sizeof(buf) - 1);
    if (n <= 0)
        return NULL;
    return xstrndup(buf, (size_t)n);
}

static int open_dir(const char *dir, bool create, BrigError **err)
{
    if (create) {
        _cleanup_free_ char *parent = xstrdup(dir);
        char *slash = strrchr(parent, '/');
        if (slash && slash != parent) {
            *slash = '\0';
            if (mkdir(parent, 0711) < 0 && errno != EEXIST)
                return brig_error_errno(err, errno, "cannot create %s", parent);
        }
        if (mkdir(dir, 0700) < 0 && errno != EEXIST)
            return brig_error_errno(err, errno, "cannot create %s", dir);
    }
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return brig_error_errno(err, errno, "cannot open %s", dir);
    return fd;
}

int brig_userns_each(const char *dir, int (*fn)(uint32_t base, const char *id, void *data),
                     void *data, BrigError **err)
{
    _cleanup_close_ int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (dfd < 0)
        return errno == ENOENT ? 0 : brig_error_errno(err, errno, "cannot open %s", dir);
    int dup = fcntl(dfd, F_DUPFD_CLOEXEC, 3);
    DIR *d = dup < 0 ? NULL : fdopendir(dup);
    if (!d) {
        int e = errno;
        if (dup >= 0)
            close(dup);
        return brig_error_errno(err, e, "cannot read %s", dir);
    }
    struct dirent *de;
    int n = 0, r = 0;
    while ((de = readdir(d))) {
        uint32_t base;
        if (!base_name(de->d_name, &base))
            continue;
        _cleanup_free_ char *id = holder(dfd, de->d_name);
        if (!id)
            continue;
        r = fn(base, id, data);
        if (r < 0)
            break;
        n += r;
    }
    closedir(d);
    return r < 0 ? r : n;
}

typedef struct {
    const BrigIdPool *pool;
    const char *id;
    uint8_t *used; /* one byte per slot */
    uint32_t held;
    bool has;
} Scan;

static int note_used(uint32_t base, const char *id, void *data)
{
    Scan *s = data;
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
    if (!valid_id(id))
        return brig_error_set(err, EINVAL, "cannot reserve an id range without a container id");
    _cleanup_close_ int dfd = open_dir(dir, true, err);
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
    /* lowest free slot first; a concurrent create that took it since the
     * scan makes O_EXCL fail, and the next one is tried */
    for (uint32_t k = 0; k < pool->slots; k++) {
        if (used[k])
            continue;
        uint32_t base = pool->start + k * BRIG_USERNS_SIZE;
        char name[16];
        snprintf(name, sizeof(name), "%" PRIu32, base);
        _cleanup_close_ int fd =
            brig_open_regular(dfd, name, O_WRONLY | O_CREAT | O_EXCL, 0600, NULL);
        if (fd == -EEXIST)
            continue;
        if (fd < 0)
            return brig_error_errno(err, -fd, "cannot create %s/%s", dir, name);
        size_t n = strlen(id);
        if (write(fd, id, n) != (ssize_t)n) {
            int e = errno ? errno : EIO;
            unlinkat(dfd, name, 0);
            return brig_error_errno(err, e, "cannot write %s/%s", dir, name);
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

static int drop_held(uint32_t base, const char *id, void *data)
{
    const Release *rel = data;
    if (!streq(id, rel->id))
        return 0;
    char name[16];
    snprintf(name, sizeof(name), "%" PRIu32, base);
    return unlinkat(rel->dfd, name, 0) < 0 && errno != ENOENT ? -errno : 1;
}

int brig_userns_release(const char *dir, const char *id, BrigError **err)
{
    if (!valid_id(id))
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
