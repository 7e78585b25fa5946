/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include "config.h"
#include "apparmor.h"
#include "bundle.h"
#include "context.h"
#include "seccomp.h"
#include "selinux.h"
#include "userns/range.h"

static int read_last_cap(void)
{
    _cleanup_close_ int fd = open("/proc/sys/kernel/cap_last_cap", O_RDONLY | O_CLOEXEC);
    char buf[16] = {0};
    if (fd < 0 || read(fd, buf, sizeof(buf) - 1) <= 0)
        return 40;
    return atoi(buf);
}

static int ns_identity(const char *path, uint64_t *ret_dev, uint64_t *ret_ino)
{
    struct stat st;
    if (stat(path, &st) < 0)
        return -errno;
    *ret_dev = st.st_dev;
    *ret_ino = st.st_ino;
    return 0;
}

static int host_ns(size_t kind, uint64_t *ret_dev, uint64_t *ret_ino)
{
    static const char *const names[6] = {"pid", "ipc", "uts", "mnt", "net", "cgroup"};
    if (kind >= ELEMENTSOF(names))
        return -EINVAL;
    /* brig runs where the engine's shim runs, in the host's namespaces:
     * its own are the fallback when pid 1's cannot be read (a sandbox
     * whose pid 1 belongs to another user namespace). */
    char path[32];
    snprintf(path, sizeof(path), "/proc/1/ns/%s", names[kind]);
    if (ns_identity(path, ret_dev, ret_ino) == 0)
        return 0;
    snprintf(path, sizeof(path), "/proc/self/ns/%s", names[kind]);
    return ns_identity(path, ret_dev, ret_ino);
}

/* The dockerd binaries a Docker hook's /proc/<pid>/exe may be: absolute
 * paths, root-owned, not writable by group or others. */
static bool trusted_dockerd(const struct stat *exe)
{
    static const char *const paths[] = {"/usr/bin/dockerd", "/usr/sbin/dockerd",
                                        "/usr/local/bin/dockerd"};
    for (size_t i = 0; i < ELEMENTSOF(paths); i++) {
        struct stat st;
        if (stat(paths[i], &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == 0 &&
            !(st.st_mode & (S_IWGRP | S_IWOTH)) && st.st_dev == exe->st_dev &&
            st.st_ino == exe->st_ino)
            return true;
    }
    return false;
}

/* Every uid on the status line (real, effective, saved, fs) is 0. */
static bool runs_as_root(int procfd)
{
    _cleanup_close_ int fd = openat(procfd, "status", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    char buf[4096];
    ssize_t n = read(fd, buf, sizeof(buf) - 1);
    if (n <= 0)
        return false;
    buf[n] = '\0';
    const char *l = strstr(buf, "\nUid:");
    unsigned long u[4];
    return l && sscanf(l + 5, "%lu %lu %lu %lu", &u[0], &u[1], &u[2], &u[3]) == 4 && u[0] == 0 &&
           u[1] == 0 && u[2] == 0 && u[3] == 0;
}

static bool is_dockerd(long pid)
{
    if (pid <= 0)
        return false;
    char dir[32];
    snprintf(dir, sizeof(dir), "/proc/%ld", pid);
    /* every look goes through one directory fd: should the process exit
     * and its pid be reused meanwhile, the reads fail instead of judging
     * the newcomer */
    _cleanup_close_ int procfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (procfd < 0)
        return false;
    struct stat exe, ns;
    uint64_t hdev, hino;
    if (fstatat(procfd, "exe", &exe, 0) < 0 || !trusted_dockerd(&exe))
        return false;
    if (fstatat(procfd, "ns/pid", &ns, 0) < 0 || host_ns(0, &hdev, &hino) < 0 ||
        ns.st_dev != hdev || ns.st_ino != hino)
        return false;
    return runs_as_root(procfd);
}

/* Whether this x86_64 kernel runs x32 system calls.  Most kernels do not
 * (built without the x32 ABI, or Debian's, which needs syscall.x32=y): an
 * x32 getpid() then fails with ENOSYS, and a filter entry for x32 is work
 * for the runtime that can never match a working call.  Probed only when
 * brig is not itself under a seccomp filter, which might kill it for
 * trying (brig's own profile on such a host, for one). */
static bool probe_x32_disabled(int seccomp_mode)
{
#if defined(__x86_64__) && !defined(__ILP32__)
    if (seccomp_mode != 0)
        return false;
    errno = 0;
    long r = syscall(0x40000000L | SYS_getpid); /* __X32_SYSCALL_BIT */
    return r == -1 && errno == ENOSYS;
#else
    (void)seccomp_mode;
    return false;
#endif
}

/* The host's system groups, read once from /etc/group: a process holding
 * one reaches whatever the host shares with that group (shadow reads
 * /etc/shadow, disk the block devices, docker the engine's socket). */
typedef struct {
    uint32_t gid;
    char *name;
} HostGroup;

static HostGroup *host_groups;
static size_t n_host_groups;
static bool host_groups_read;

static void read_host_groups(void)
{
    host_groups_read = true;
    _cleanup_(brig_file_freep) BrigFile *f = NULL;
    if (brig_file_load("/etc/group", 4u << 20, &f, NULL) < 0)
        return;
    for (char *l = f->data; l && *l;) {
        char *nl = strchrnul(l, '\n');
        bool more = *nl != '\0';
        *nl = '\0';
        /* name:password:gid:members */
        char *c1 = strchr(l, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
        if (c1 && c2 && c1 != l && l[0] != '#' && l[0] != '+' && l[0] != '-') {
            char *end;
            errno = 0;
            unsigned long g = strtoul(c2 + 1, &end, 10);
            if (!errno && end != c2 + 1 && *end == ':' && g >= 1 && g <= BRIG_SYS_GID_MAX) {
                host_groups = xrealloc(host_groups, (n_host_groups + 1) * sizeof(HostGroup));
                host_groups[n_host_groups++] =
                    (HostGroup){.gid = (uint32_t)g, .name = xstrndup(l, (size_t)(c1 - l))};
            }
        }
        l = more ? nl + 1 : nl;
    }
}

static const char *host_group(uint32_t gid)
{
    if (!host_groups_read)
        read_host_groups();
    for (size_t i = 0; i < n_host_groups; i++)
        if (host_groups[i].gid == gid)
            return host_groups[i].name;
    return NULL;
}

const char *brig_host_group_refused(const BrigHost *host, const BrigPolicy *pol, uint32_t gid)
{
    if (gid == 0 || gid > BRIG_SYS_GID_MAX || gid == pol->gid || !host || !host->host_group)
        return NULL;
    const char *name = host->host_group(gid);
    if (!name)
        return NULL;
    char num[16];
    snprintf(num, sizeof(num), "%u", gid);
    for (char **g = pol->host_groups; g && *g; g++)
        if (streq(*g, name) || streq(*g, num))
            return NULL;
    return name;
}

typedef struct {
    uint64_t start, end;
    const char *id;
    uint32_t held; /* another container's range met, or 0 */
    bool own;      /* the range met is exactly the one held for `id` */
} HeldQuery;

/* A holder's key is "KEY/ID": the container's runtime root key and id.
 * Offline (no id: `brig harden` or `check` of a config brig rewrote for a
 * container) a range held for any container is the config's own: nothing
 * runs from it there, and at create the id decides. */
static bool held_for(const BrigRangeHolder *h, const char *id)
{
    if (!id)
        return true;
    const char *slash = strchr(h->id, '/');
    return slash && streq(slash + 1, id);
}

static int held_meets(const BrigRangeHolder *h, void *data)
{
    HeldQuery *q = data;
    if (h->base < q->end && q->start < (uint64_t)h->base + BRIG_USERNS_SIZE) {
        if (held_for(h, q->id) && q->start == h->base &&
            q->end == (uint64_t)h->base + BRIG_USERNS_SIZE)
            q->own = true;
        else if (!q->held)
            q->held = h->base;
    }
    return 0;
}

static int userns_pool_meets(uint64_t start, uint64_t end, const char *id, uint64_t *ret_lo,
                             uint64_t *ret_hi, uint32_t *ret_held)
{
    BrigIdPool pool;
    if (brig_userns_pool_read(&pool, NULL) < 0)
        return 0;
    uint64_t lo = pool.start, hi = lo + (uint64_t)pool.slots * BRIG_USERNS_SIZE;
    if (!(start < hi && lo < end))
        return 0;
    HeldQuery q = {.start = start, .end = end, .id = id};
    (void)brig_userns_each(BRIG_USERNS_RANGES, held_meets, &q, NULL);
    if (q.own && !q.held)
        return 0;
    *ret_lo = lo, *ret_hi = hi, *ret_held = q.held;
    return 1;
}

static char *apparmor_mode(const char *name)
{
    char *mode = NULL;
    if (brig_apparmor_profile_mode(BRIG_APPARMOR_PROFILES, name, &mode, NULL) < 0)
        return NULL;
    return mode;
}

void brig_host_probe(BrigHost *ret)
{
    *ret = (BrigHost){.last_cap = read_last_cap()};
    /* PR_GET_SECCOMP fails with EINVAL on kernels built without seccomp. */
    int mode = prctl(PR_GET_SECCOMP, 0, 0, 0, 0);
    ret->seccomp = mode >= 0;
    ret->x32_disabled = probe_x32_disabled(mode);
    ret->host_ns = host_ns;
    ret->ns_identity = ns_identity;
    ret->resolve_path = brig_host_path_resolve;
    ret->is_dockerd = is_dockerd;
    ret->resolve_paths_all = brig_host_paths_resolve_all;
    ret->image_dir = brig_image_dir_read;
    ret->host_group = host_group;
    ret->userns_pool_meets = userns_pool_meets;
    ret->seccomp_arch = seccomp_arch_native();
    ret->apparmor_errno = brig_apparmor_probe_errno();
    ret->apparmor_enabled = ret->apparmor_errno == 0;
    ret->apparmor_mode = apparmor_mode;
    ret->selinux_enabled = brig_selinux_enabled();
    /* the kernel's totalram_pages() in bytes: sysinfo counts RAM in
     * mem_unit (1 on 64-bit, where it fits) */
    struct sysinfo si;
    long ps = sysconf(_SC_PAGESIZE);
    ret->page_size = ps > 0 ? (uint64_t)ps : 0;
    if (sysinfo(&si) == 0 && si.mem_unit > 0 && (uint64_t)si.totalram <= UINT64_MAX / si.mem_unit)
        ret->mem_total = (uint64_t)si.totalram * si.mem_unit;
}
