/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Host paths as the kernel will resolve them when the runtime mounts them.
 *
 * A bind source is judged by the host path it really names, so symlinks on
 * the way are resolved here; but a symlink that the container, the image or
 * another unprivileged party can write may change between brig's decision
 * and the runtime's mount(2), so it is not followed: resolution stops and
 * names it.  A symlink is trusted when it and the directory holding it are
 * owned by root and that directory is not writable by group or others, and
 * it is not below one of the caller's `nofollow` directories (the bundle,
 * whose rootfs is the image's; the engines' data directories, where volumes
 * hold what images and containers wrote, as root).
 *
 * The admin's own paths (policy grants, brig's list of sensitive paths) are
 * resolved following every symlink: what they name today is what the admin
 * meant. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
    BRIG_RESOLVE_ALL = 1 << 0,        /* follow every symlink (the admin's paths) */
    BRIG_RESOLVE_MISSING_OK = 1 << 1, /* a missing tail is appended as written */
    BRIG_RESOLVE_WALK = 1 << 2,       /* tests: no one-call fast path, always the walk */
};

typedef struct BrigHostPath {
    char *real;           /* absolute, normalised, no symlinks; NULL on failure */
    bool exists;          /* false: `real` ends in components that do not exist */
    uint32_t mode;        /* st_mode of what `real` names, when it exists */
    uint64_t rdev;        /* st_rdev of a device node */
    char *untrusted_link; /* on -ELOOP: the symlink that was not followed */
} BrigHostPath;

/* Resolves the absolute `path`; `nofollow` is a NULL-terminated list of
 * absolute real paths below which no symlink is followed (may be NULL).
 * Returns 0, or -errno (-ELOOP with ret->untrusted_link set when an
 * untrusted symlink was met; -ENOENT without BRIG_RESOLVE_MISSING_OK). */
int brig_host_path_resolve(const char *path, unsigned flags, const char *const *nofollow,
                           BrigHostPath *ret);
void brig_host_path_clear(BrigHostPath *p);

/* The real paths of folded paths (no ".."; a relative one is taken from the
 * current directory), following every
 * symlink and appending what does not exist as written: the admin's lists,
 * resolved at once because they share most prefixes.  ret_real[i] is a new
 * string for each path. */
void brig_host_paths_resolve_all(const char *const *paths, size_t n, char **ret_real);
