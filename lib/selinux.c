/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/statfs.h>

#include "bundle.h"
#include "config.h"
#include "lockdir.h"
#include "selinux.h"

/* brig asks the kernel (selinuxfs) directly instead of linking libselinux:
 * libselinux's constructor probes the host (two statfs, /proc/filesystems,
 * /etc/selinux/config) in every process that links it, and brig is
 * executed for every engine call, `state` and `delete` included, of which
 * only a create ever needs SELinux (~20 us per call, bench/README.md).
 * The three questions brig asks are answered here the way libselinux
 * answers them. */
#define SELINUX_MAGIC 0xf97cff8cu

/* Where selinuxfs is mounted (libselinux: /sys/fs/selinux, then the old
 * /selinux), or NULL: SELinux is enabled exactly when it is. */
static const char *selinux_mount(void)
{
    static const char *const dirs[] = {"/sys/fs/selinux", "/selinux"};
    for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
        struct statfs sf;
        if (statfs(dirs[i], &sf) == 0 && (uint32_t)sf.f_type == SELINUX_MAGIC)
            return dirs[i];
    }
    return NULL;
}

/* The policy type /etc/selinux/config names (SELINUXTYPE=, "targeted"
 * when unset, as libselinux reads it); NULL without the file. */
static char *selinux_policy_type(const char *config)
{
    FILE *f = fopen(config, "re");
    if (!f)
        return NULL;
    char line[512];
    char *type = NULL;
    while (fgets(line, sizeof(line), f)) {
        char *l = line;
        while (*l == ' ' || *l == '\t')
            l++;
        if (!startswith(l, "SELINUXTYPE="))
            continue;
        l += strlen("SELINUXTYPE=");
        l[strcspn(l, " \t\r\n")] = '\0';
        if (*l && !strchr(l, '/') && !streq(l, "..") && !streq(l, ".")) {
            free(type);
            type = xstrdup(l);
        }
    }
    fclose(f);
    return type ? type : xstrdup("targeted");
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    char *e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
        *--e = '\0';
    return s;
}

int brig_selinux_parse_contexts(const char *text, const char *name, BrigSelinuxContexts *ret,
                                BrigError **err)
{
    BrigSelinuxContexts c = {0};
    _cleanup_free_ char *copy = xstrdup(text);
    char *save = NULL;
    unsigned lineno = 0;
    /* strtok_r would skip empty lines and lose the count: split by hand */
    for (char *line = copy; line; line = save) {
        char *nl = strchr(line, '\n');
        save = nl ? nl + 1 : NULL;
        if (nl)
            *nl = '\0';
        lineno++;
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        char *l = trim(line);
        if (!*l)
            continue;
        char *eq = strchr(l, '=');
        if (!eq) {
            brig_selinux_contexts_done(&c);
            return brig_error_set(err, EINVAL, "%s:%u: expected KEY = \"CONTEXT\"", name, lineno);
        }
        *eq = '\0';
        char *key = trim(l), *val = trim(eq + 1);
        size_t vl = strlen(val);
        if (vl >= 2 && val[0] == '"' && val[vl - 1] == '"') {
            val[vl - 1] = '\0';
            val++;
        } else if (strchr(val, '"')) {
            brig_selinux_contexts_done(&c);
            return brig_error_set(err, EINVAL, "%s:%u: unbalanced quotes", name, lineno);
        }
        char **slot = streq(key, "process") ? &c.process : streq(key, "file") ? &c.file : NULL;
        if (!slot)
            continue;
        if (!*val || strchr(val, ' ')) {
            brig_selinux_contexts_done(&c);
            return brig_error_set(err, EINVAL, "%s:%u: %s: \"%s\" is not a context", name, lineno,
                                  key, val);
        }
        free(*slot); /* the last one counts, as for libselinux's readers */
        *slot = xstrdup(val);
    }
    if (!c.process || !c.file) {
        const char *what = !c.process ? "process" : "file";
        brig_selinux_contexts_done(&c);
        return brig_error_set(err, ENOENT, "%s: no %s context", name, what);
    }
    *ret = c;
    return 0;
}

int brig_selinux_load_contexts(const char *path, BrigSelinuxContexts *ret, BrigError **err)
{
    _cleanup_(brig_file_freep) BrigFile *f = NULL;
    int r = brig_file_load(path, 1024 * 1024, &f, err);
    if (r < 0)
        return r;
    return brig_selinux_parse_contexts(f->data, path, ret, err);
}

void brig_selinux_contexts_done(BrigSelinuxContexts *c)
{
    free(c->process);
    free(c->file);
    *c = (BrigSelinuxContexts){0};
}

char *brig_selinux_policy_lxc_contexts(const char *etc)
{
    _cleanup_free_ char *config = xasprintf("%s/config", etc);
    _cleanup_free_ char *type = selinux_policy_type(config);
    if (!type)
        return NULL;
    char *p = xasprintf("%s/%s/contexts/lxc_contexts", etc, type);
    if (access(p, R_OK) == 0)
        return p;
    free(p);
    return NULL;
}

char *brig_selinux_contexts_path(void)
{
    if (access(BRIG_SELINUX_CONTAINER_CONTEXTS, R_OK) == 0)
        return xstrdup(BRIG_SELINUX_CONTAINER_CONTEXTS);
#if HAVE_SELINUX
    return brig_selinux_policy_lxc_contexts(BRIG_SELINUX_ETC);
#else
    return NULL;
#endif
}

bool brig_selinux_enabled(void)
{
#if HAVE_SELINUX
    return selinux_mount() != NULL;
#else
    return false;
#endif
}

bool brig_selinux_context_valid(const char *context)
{
#if HAVE_SELINUX
    /* security_check_context(): the kernel accepts a context written to
     * selinuxfs's "context" node exactly when the policy defines it */
    const char *mnt = selinux_mount();
    if (!context || !mnt)
        return false;
    char path[64];
    snprintf(path, sizeof(path), "%s/context", mnt);
    _cleanup_close_ int fd = open(path, O_RDWR | O_CLOEXEC);
    return fd >= 0 && write(fd, context, strlen(context) + 1) >= 0;
#else
    return false;
#endif
}

/* Start of field `n` (0-based) of a colon-separated context, or NULL. */
static const char *field(const char *context, int n)
{
    const char *p = context;
    for (int i = 0; i < n; i++) {
        p = strchr(p, ':');
        if (!p)
            return NULL;
        p++;
    }
    return p;
}

char *brig_selinux_with_level(const char *context, const char *level)
{
    const char *lv = field(context, 3);
    if (!lv || lv - context < 6)
        return NULL;
    return xasprintf("%.*s%s", (int)(lv - context), context, level);
}

static bool category(const char *s, size_t len, unsigned *ret)
{
    if (len < 2 || len > 5 || s[0] != 'c' || (s[1] == '0' && len > 2) ||
        strspn(s + 1, "0123456789") < len - 1)
        return false;
    *ret = (unsigned)strtoul(s + 1, NULL, 10);
    return *ret < 1024;
}

bool brig_selinux_level_is_pair(const char *context)
{
    const char *lv = context ? field(context, 3) : NULL;
    if (!lv || !startswith(lv, "s0:"))
        return false;
    const char *a = lv + 3, *comma = strchr(a, ',');
    unsigned x, y;
    return comma && category(a, (size_t)(comma - a), &x) &&
           category(comma + 1, strlen(comma + 1), &y) && x != y;
}

char *brig_selinux_type(const char *context)
{
    const char *t = field(context, 2);
    if (!t)
        return NULL;
    const char *end = strchr(t, ':');
    if (!end || end == t)
        return NULL;
    return xstrndup(t, (size_t)(end - t));
}

static bool holds(int dfd, const char *name, const char *id)
{
    _cleanup_close_ int fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
    if (fd < 0)
        return false;
    size_t n = strlen(id);
    _cleanup_free_ char *buf = xmalloc(n + 2);
    ssize_t r = read(fd, buf, n + 1);
    return r == (ssize_t)n && memcmp(buf, id, n) == 0;
}

static bool pair_name(const char *name, unsigned *x, unsigned *y)
{
    int end = 0;
    return sscanf(name, "c%u,c%u%n", x, y, &end) == 2 && name[end] == '\0' && *x < *y &&
           *y <= BRIG_MCS_MAX_CATEGORY;
}

typedef struct {
    const char *id;
    int (*fn)(int dfd, const char *name, void *data);
    void *data;
} Held;

static int held_only(int dfd, const char *name, void *data)
{
    const Held *h = data;
    unsigned x, y;
    if (!pair_name(name, &x, &y) || !holds(dfd, name, h->id))
        return 0;
    int r = h->fn(dfd, name, h->data);
    return r < 0 ? r : 1;
}

/* Calls fn for each reservation held by id; stops when fn returns <0. */
static int each_held(int dfd, const char *id, int (*fn)(int, const char *, void *), void *data)
{
    return brig_lockdir_each(dfd, held_only, &(Held){.id = id, .fn = fn, .data = data});
}

static int take_name(int dfd, const char *name, void *data)
{
    char **ret = data;
    if (!*ret)
        *ret = xstrdup(name);
    return 0;
}

static int unlink_name(int dfd, const char *name, void *data)
{
    return unlinkat(dfd, name, 0) < 0 && errno != ENOENT ? -errno : 0;
}

int brig_mcs_reserve(const char *dir, const char *id, char **ret_level, BrigError **err)
{
    if (!brig_lockdir_valid_id(id))
        return brig_error_set(err, EINVAL, "cannot reserve MCS categories without a container id");
    _cleanup_close_ int dfd = brig_lockdir_open(dir, 0700, err);
    if (dfd < 0)
        return dfd;
    _cleanup_free_ char *held = NULL;
    int r = each_held(dfd, id, take_name, &held);
    if (r < 0)
        return brig_error_errno(err, -r, "cannot read %s", dir);
    if (held) {
        *ret_level = xasprintf("s0:%s", held);
        return 0;
    }
    /* 523776 pairs: random probing finds a free one at once unless the host
     * runs hundreds of thousands of containers */
    for (int attempt = 0; attempt < 4096; attempt++) {
        uint16_t v[2];
        if (getrandom(v, sizeof(v), 0) != sizeof(v))
            return brig_error_errno(err, errno, "getrandom");
        unsigned x = v[0] % (BRIG_MCS_MAX_CATEGORY + 1), y = v[1] % (BRIG_MCS_MAX_CATEGORY + 1);
        if (x == y)
            continue;
        if (x > y) {
            unsigned t = x;
            x = y;
            y = t;
        }
        char name[32];
        snprintf(name, sizeof(name), "c%u,c%u", x, y);
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
        *ret_level = xasprintf("s0:%s", name);
        return 0;
    }
    return brig_error_set(err, ENOSPC, "no free MCS category pair in %s", dir);
}

int brig_mcs_release(const char *dir, const char *id, BrigError **err)
{
    if (!brig_lockdir_valid_id(id))
        return 0;
    _cleanup_close_ int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (dfd < 0 && errno == ENOENT)
        return 0;
    if (dfd < 0)
        return brig_error_errno(err, errno, "cannot open %s", dir);
    int r = each_held(dfd, id, unlink_name, NULL);
    if (r < 0)
        return brig_error_errno(err, -r, "cannot release MCS categories of %s in %s", id, dir);
    return r;
}
