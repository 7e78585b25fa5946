/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Everything a pass may know.  Passes never probe the host: cmd/ fills a
 * BrigHost once (host.c), and tests inject whatever host they need. */

#include <stdbool.h>
#include <stdint.h>

#include "hostpath.h"
#include "policy.h"
#include "rootfs_io.h"

typedef struct BrigHost {
    int last_cap;                /* /proc/sys/kernel/cap_last_cap */
    bool apparmor_enabled;       /* aa_is_enabled() said the host enforces it */
    int apparmor_errno;          /* else the errno it gave (brig_apparmor_state()) */
    bool selinux_enabled;        /* is_selinux_enabled() */
    const char *selinux_process; /* container process label (with this container's MCS
                                  * pair at create), NULL if none is valid; filled by cmd/ */
    const char *selinux_mount;   /* the matching file label for linux.mountLabel */
    bool seccomp;                /* the kernel has seccomp filters */
    uint32_t seccomp_arch;       /* libseccomp's native SCMP_ARCH_* token; 0 = unknown (keep all) */
    bool x32_disabled;           /* x86_64 kernel that answers x32 system calls with ENOSYS
                                  * (no CONFIG_X86_X32_ABI, or booted without syscall.x32) */
    uint64_t mem_total;          /* bytes of RAM (sysinfo), which a tmpfs "size=N%" is a
                                  * share of; 0 unknown */
    uint64_t page_size;          /* bytes; a tmpfs's size is counted in pages */

    /* Identity of the host's namespace (pid 1's) of a kind, in BRIG_NS_*
     * bit order: pid, ipc, uts, mount, network, cgroup.  Engines name the
     * host's namespace by a bind mount (docker --network=host joins
     * /var/run/docker/netns/default), so a path is judged by what it is,
     * not by how it is spelled.  Asked only for a namespace given by path,
     * which few configs have: 12 procfs lookups are not paid up front. */
    int (*host_ns)(size_t kind, uint64_t *ret_dev, uint64_t *ret_ino);
    /* Looks up the identity of a namespace path.  Either callback is NULL
     * when the caller (a test) injects none. */
    int (*ns_identity)(const char *path, uint64_t *ret_dev, uint64_t *ret_ino);
    /* The mode the kernel has profile `name` loaded in ("enforce",
     * "complain", "kill", "unconfined", ...; malloc'd), NULL when it is not
     * loaded or the list cannot be read.  Asked only for a profile the
     * engine chose, so the profiles list is not read up front.  NULL when
     * the caller (a test) injects none: no engine profile is then kept. */
    char *(*apparmor_mode)(const char *name);
    /* Resolves a host path (hostpath.h): the mounts pass judges a bind
     * source by the host path it really names.  NULL when a test injects
     * none; the pass then judges the path as written. */
    int (*resolve_path)(const char *path, unsigned flags, const char *const *nofollow,
                        BrigHostPath *ret);
    /* Per-container user namespace (policy userNamespace, lib/userns/):
     * userns_setup holds an id range for the container and makes idmapped
     * views of the rootfs (root.path as written) and the bind sources
     * (mapping on-disk root to container root only where bind_root[i] says:
     * the policy's mapHostRoot, or a file the engine made for this very
     * container);
     * returns 0 and the range's base, or <0 and *ret_why (malloc'd).
     * userns_view gives the view made for a path setup was given, or NULL.
     * Both NULL outside a runtime-mode create (offline, tests). */
    int (*userns_setup)(const char *rootfs, const char *const *binds, size_t n_binds,
                        const bool *bind_root, uint32_t *ret_base, char **ret_why);
    const char *(*userns_view)(const char *path);
    /* The admin's paths, all symlinks followed (hostpath.h); NULL likewise. */
    void (*resolve_paths_all)(const char *const *paths, size_t n, char **ret_real);
    /* exec only: the user namespace of the running container, which the
     * exec joins, read by cmd/ from its init process (lib/userns_proc.c);
     * NULL otherwise.  Its ids, not the config's, are what the exec's
     * user is judged through. */
    const struct BrigUserns *exec_userns;
    /* Whether host process `pid` is the Docker daemon: its executable is
     * the same file (device, inode) as a root-owned dockerd binary that
     * only root can write, at /usr/bin, /usr/sbin or /usr/local/bin, and
     * it runs as uid 0 in the host's pid namespace.  Asked only for
     * Docker's networking hook (/proc/<pid>/exe libnetwork-setkey); NULL
     * (tests) means no process is. */
    bool (*is_dockerd)(long pid);
    /* What the image has at a directory (rootfs_io.h): the rootfs pass
     * gives a writable path's tmpfs that directory's owner and mode, and
     * room for its copy.  NULL when a test injects none: the tmpfs then
     * belongs to the container's user and is tmpfsSize large. */
    int (*image_dir)(const char *rootfs, const char *dir, BrigImageDir *ret, BrigError **err);
    /* The name of host group `gid` when it is one of the host's system
     * groups: named in /etc/group with a gid from 1 to BRIG_SYS_GID_MAX.
     * NULL otherwise, and NULL as a callback when a test injects none. */
    const char *(*host_group)(uint32_t gid);
    /* Whether host ids [start, end) meet brig's pool of per-container
     * ranges (userNamespace: /etc/subuid's "brig" entry or the default
     * pool), other than the range brig holds for container `id` itself
     * (with no id, offline: for any container):
     * 1, with the pool's bounds [*ret_lo, *ret_hi) and, when another
     * container holds a range there, its first id in *ret_held (else 0);
     * 0 when they do not meet.  NULL when a test injects none. */
    int (*userns_pool_meets)(uint64_t start, uint64_t end, const char *id, uint64_t *ret_lo,
                             uint64_t *ret_hi, uint32_t *ret_held);
} BrigHost;

/* shadow's default SYS_GID_MAX: gids up to it are the system's groups,
 * which own what the host's services share (shadow, disk, kmem, adm,
 * docker...). */
#define BRIG_SYS_GID_MAX 999u

/* Whether a process may hold host gid `gid` (its gid or a supplementary
 * group, as the host's files see it): NULL when it may, else the name of
 * the host's system group it is, which neither the policy's own gid nor a
 * "hostGroups" grant covers.  Group 0 is judged by the user pass as root. */
const char *brig_host_group_refused(const BrigHost *host, const BrigPolicy *pol, uint32_t gid);

typedef struct BrigCtx {
    const BrigPolicy *policy;
    const BrigHost *host;
    const char *container_id; /* NULL offline */
    const char *bundle;       /* NULL when hardening a lone file */
    bool exec;                /* runc's inline exec: the bundle's config.json hardened again
                               * for the exec's process; its root is the running container's */
} BrigCtx;

/* Reads the facts of the machine brig runs on. */
void brig_host_probe(BrigHost *ret);
