/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* A directory of lock files: one file per held slot (an MCS category pair,
 * a user-namespace id range), created O_EXCL so that two concurrent creates
 * never hold the same slot; nothing but the file system is shared.  The
 * file names the slot and holds its holder's id. */

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"

/* An id that can be written as the first line of a lock file. */
bool brig_lockdir_valid_id(const char *id);

/* Creates dir (0700) and its parent (parent_mode) when missing, then opens
 * dir without following a symlink. */
int brig_lockdir_open(const char *dir, mode_t parent_mode, BrigError **err);

/* Calls fn for each entry of dfd (its filter decides); returns the sum of what fn
 * returned, fn's first negative return, or -errno when dfd cannot be read. */
int brig_lockdir_each(int dfd, int (*fn)(int dfd, const char *name, void *data), void *data);
