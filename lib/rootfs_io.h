/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Reading files inside a container's root filesystem.
 *
 * The rootfs is the image author's: any component of a path in it may be a
 * symlink (etc/passwd -> /etc/shadow) or climb with "..", and brig runs as
 * root on the host.  Resolving such a path with open(2) from the host's view
 * would read or write host files.  brig reads inside the rootfs only for a
 * policy's writablePaths (brig_image_dir_read below, docs/threat-model.md);
 * code that must, goes through this helper. */

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

#include "error.h"

/* Opens `path` (relative, or absolute meaning relative to the rootfs) below
 * the directory `rootfd` as if `rootfd` were "/": symlinks and ".." are
 * resolved inside it and can never leave it (openat2 RESOLVE_IN_ROOT), and
 * magic links (/proc/PID/fd/N) are refused.  `flags` are open(2) flags for
 * reading; creating (O_CREAT, O_TMPFILE) is refused, brig never writes into
 * an image.  O_CLOEXEC, O_NOCTTY and O_NONBLOCK are always added, so a FIFO
 * or a tty planted in the image cannot hang brig or become its terminal.
 * Without openat2 (Linux < 5.6) this fails: there is no safe fallback.
 * Returns the new fd, or <0 with err set. */
int brig_open_in_root(int rootfd, const char *path, int flags, BrigError **err);

/* What `path` names below `rootfd`, resolved as brig_open_in_root does
 * (RESOLVE_IN_ROOT, no magic links), through an O_PATH fd: nothing is
 * opened for reading, so a device node or a FIFO in the container is never
 * opened.  `follow`: whether a symlink in the last component is followed.
 * Returns 0, or -errno (-ENOENT: nothing there). */
int brig_stat_in_root(int rootfd, const char *path, bool follow, struct stat *st);

/* What the image has at a directory that gets a copied-up tmpfs (policy
 * "writablePaths"): its owner and mode, which the tmpfs keeps for a root
 * process, and how much a copy of it takes, so the tmpfs holds it. */
typedef struct BrigImageDir {
    bool exists;       /* a directory is there (symlinks followed inside the root) */
    uint32_t uid, gid; /* its owner, as the image has it */
    uint32_t mode;     /* its permission bits (07777) */
    uint64_t bytes;    /* what a copy takes: every regular file's size (each name: a copy
                        * does not keep hard links) and every symlink, page-rounded */
    uint64_t entries;  /* names below it */
    /* the first entry below it that is not a directory, regular file or
     * symlink (socket, FIFO, device), relative to it, "" if none: runc
     * 1.1's copy-up fails on them ("lchown ...: no such file or directory") */
    char special[256];
    char special_kind[16]; /* "socket", "FIFO", "device" */
} BrigImageDir;

/* A copy-up of more than this many names, or deeper than this, is refused
 * (-E2BIG): the image's author chooses them, and brig walks them. */
#define BRIG_IMAGE_DIR_MAX_ENTRIES (1u << 20)
#define BRIG_IMAGE_DIR_MAX_DEPTH 64
/* Nor one that takes more than this (each file's size as the copy writes
 * it: runc 1.1 and crun 1.8 write a sparse file's holes as zeros): the
 * tmpfs is sized for it, and the runtime fills it in memory before the
 * container runs.  A 1 TiB sparse file in the image filled the host's
 * memory (24 GiB) under runc.  A data directory this large is a volume's. */
#define BRIG_IMAGE_DIR_MAX_BYTES (UINT64_C(1) << 30)

/* Reads `dir` (absolute, as a mount destination) inside the root
 * filesystem at host path `rootfs` (symlinks in `rootfs` itself followed,
 * as the runtimes reach it): the directory through brig_open_in_root, so
 * its symlinks resolve inside the root as the runtime's do, and below it
 * one name at a time, never following a symlink.  Only metadata is read.
 * Nothing there, or not a directory: 0 with ret->exists false. */
int brig_image_dir_read(const char *rootfs, const char *dir, BrigImageDir *ret, BrigError **err);
