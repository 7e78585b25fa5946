/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Shared by mounts.c (types, options, propagation) and mount_paths.c (the
 * host paths a mount reads). */

#include "passes.h"

/* What the host knows about this container's paths, built on first use:
 * the real spellings of brig's sensitive paths and of the policy's grants,
 * and the identities ($ID, $POD, $SANDBOX) the engines' per-container
 * directories are named after. */
typedef struct MountHost MountHost;

MountHost *mount_host_new(const BrigCtx *ctx, const BrigJson *spec);
void mount_host_free(MountHost *h);
const BrigCtx *mount_host_ctx(const MountHost *h);
static inline void mount_host_freep(MountHost **h)
{
    mount_host_free(*h);
}

/* The kernel reads only the first page of mount(2)'s data, its last byte
 * made a NUL (path_mount): an option past 4095 bytes is dropped or cut
 * without a word (measured: "mode=1777," 408 times, then "inode64,size=1m"
 * mounted a tmpfs with no size).  runc and crun join the options they do
 * not take as flags with commas, and add ",context=\"LABEL\"" for
 * linux.mountLabel (which the SELinux pass may set later): the options
 * joined, flags included, may take at most this much, the rest of the
 * smallest page kept for the label. */
#define MOUNT_DATA_MAX (4095 - 256)

/* The length of a mount's options joined with commas, as the runtimes
 * join them. */
size_t mount_options_length(const BrigJson *opts);

typedef enum {
    PATH_OK,
    PATH_READ_ONLY, /* allowed only read-only (a grant, another container's file) */
    PATH_REFUSED,   /* a refusal was recorded */
} PathVerdict;

/* Judges one host path a mount reads (a bind source, an overlay directory,
 * the device of a granted filesystem type); `what` names it in messages
 * ("bind source"), `dest` is the mount's destination. */
PathVerdict mount_judge_host_path(MountHost *h, const char *raw, const char *what, const char *dest,
                                  const char *ptr, const BrigJson *val, BrigReport *rep);

/* The identities an engine names a container's own files after
 * (mount_engines.c). */
typedef struct {
    const char *id;      /* the container id from argv, NULL offline */
    const char *pod;     /* the pod uid, only from where the engine writes it */
    const char *sandbox; /* the CRI sandbox id, likewise */
    bool ipc_join;       /* the config joins an existing IPC namespace */
} MountIds;

#define MOUNT_N_ENGINE_DATA 7
/* The engines' data directories, where no symlink is followed. */
extern const char *const mount_engine_data[MOUNT_N_ENGINE_DATA];

void mount_ids_init(const BrigCtx *ctx, const BrigJson *spec, MountIds *ret);
/* Whether `real` is one of the engines' files this container may have: -1
 * no, 0 yes, 1 read-only.  root_lex/root_real: mount_engine_data in both
 * spellings. */
int mount_engine_file(const MountIds *ids, const char *const *root_lex,
                      const char *const *root_real, const char *real);

/* "//", "/./", trailing "/" folded, and /var/run spelled /run; ".." is kept
 * (callers refuse it).  Returns a new string. */
char *mount_normalize(const char *path);
bool mount_path_under(const char *a, const char *b);

/* Bounds a tmpfs of the config (mount_tmpfs.c): size and inodes as the
 * kernel reads them, at most the policy's tmpfsSize and tmpfsInodes. */
void mount_bound_tmpfs(const BrigCtx *ctx, const BrigJson *spec, BrigJson *m, size_t i,
                       BrigReport *rep);
/* The room the copy of a writable path at `dest` takes beyond those
 * bounds (rootfs.c), 0 for any other path. */
void mount_copy_room(const BrigCtx *ctx, const BrigJson *spec, const char *dest,
                     uint64_t *ret_bytes, uint64_t *ret_inodes);
