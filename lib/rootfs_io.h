/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Reading files inside a container's root filesystem.
 *
 * The rootfs is the image author's: any component of a path in it may be a
 * symlink (etc/passwd -> /etc/shadow) or climb with "..", and brig runs as
 * root on the host.  Resolving such a path with open(2) from the host's view
 * would read or write host files.  brig does not read inside the rootfs
 * today (docs/threat-model.md); code that must, goes through this helper. */

#include <stdbool.h>
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
