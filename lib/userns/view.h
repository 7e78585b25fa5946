/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Idmapped views (policy userNamespace): what a container with its own id
 * range sees instead of the host's files.  Every view maps on-disk id N to
 * host id base+N, which the container's namespace shows as N again: the
 * image stays root-owned inside, and a file uid 1000 writes in a volume is
 * uid 1000 on disk.
 *
 * All of it lives in BRIG_USERNS_CT/KEY/ID, where KEY names the runtime
 * root (two roots may hold the same id), 0711 (so the mapped ids can reach
 * the rootfs and bind sources: both runtimes resolve them as the
 * container's root):
 *   state.json   written first (brig_output_write_at): the id, runtime root
 *                and brig's pid, so gc knows whose it is
 *   rootfs       the root view: an idmapped clone of a plain directory, or,
 *                for an overlay (Docker, containerd, Podman), a read-only
 *                overlay of idmapped clones of its layers (l/N), the upper
 *                layer becoming the top lower one: the kernel refuses to
 *                idmap an overlay mount itself
 *   b/N          one idmapped clone per bind-mount source
 * Undoing unmounts whatever is mounted below that directory, deepest
 * first, found in /proc/self/mountinfo (so a create killed half-way leaves
 * nothing brig cannot find), then removes the empty directories. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../error.h"

#define BRIG_USERNS_CT "/run/brig/ct"
/* brig's own null device node (cmd/brig/userns.c: userns_private_null) */
#define BRIG_USERNS_NULL "/run/brig/null"

/* A user namespace whose uid and gid maps are "0 base size" (with
 * `skip_root`, "1 base+1 size-1": id 0 unmapped), as an fd for
 * MOUNT_ATTR_IDMAP. */
int brig_userns_fd(uint32_t base, uint32_t size, bool skip_root, BrigError **err);

/* The container's directory ctroot/id, created 0711 (with every directory
 * of ctroot below its first component created or made traversable) when
 * `create`; returns an O_DIRECTORY fd. */
int brig_userns_ct_open(const char *ctroot, const char *id, bool create, BrigError **err);

typedef struct BrigUsernsViews {
    char *rootfs; /* absolute path of the root view */
    char **binds; /* view per bind source, same order; NULL-terminated */
} BrigUsernsViews;
void brig_userns_views_clear(BrigUsernsViews *v);

/* Makes the views in ctroot/id for `rootfs` (absolute) and each of `binds`
 * (absolute host paths).  A bind's view maps on-disk id 0 (to container
 * root) only where bind_root[i] is true (NULL: nowhere), and then only for
 * a regular file unless bind_root[n_binds] is true too (the policy's
 * mapHostRoot; the engine's own files for this container are regular
 * files); otherwise
 * host root's files there show as the overflow id and container root owns
 * nothing on disk.  On failure what was made is left for brig_userns_views_remove
 * (the caller undoes it). */
int brig_userns_views_make(const char *ctroot, const char *id, uint32_t base, const char *rootfs,
                           const char *const *binds, size_t n_binds, const bool *bind_root,
                           BrigUsernsViews *ret, BrigError **err);
/* Unmounts and removes ctroot/id; returns 1 when there was something. */
int brig_userns_views_remove(const char *ctroot, const char *id, BrigError **err);
