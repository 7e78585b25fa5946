/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Safe I/O on files the engine points brig at (config.json, exec process
 * files).  brig runs as root on paths chosen by others, so: the file itself
 * is opened O_NOFOLLOW and must be a regular file; its directory is held open
 * and every later step is relative to it; the rewrite is a new file created
 * O_EXCL in the same directory, fsynced, given the old mode and owner, and
 * renamed over the original only if the original is still the file that
 * was read.  A reader sees the old file or the new one, never a mix. */

#include <stddef.h>
#include <sys/stat.h>

#include "error.h"

typedef struct BrigFile {
    int dirfd;  /* the directory holding the file, O_DIRECTORY */
    char *path; /* as given, for messages */
    char *name; /* last component, relative to dirfd */
    struct stat st;
    char *data; /* contents, NUL-terminated */
    size_t len;
} BrigFile;

/* Config files beyond this are refused before being read. */
#define BRIG_FILE_MAX_SIZE (16u * 1024 * 1024)

/* Resolves the config a create/run/restore refers to: `config` (crun's
 * --config; relative to the bundle) or config.json, in `bundle` (NULL = cwd). */
char *brig_bundle_config_path(const char *bundle, const char *config);

int brig_file_load(const char *path, size_t max, BrigFile **ret, BrigError **err);
/* Atomically replaces the loaded file with data. */
int brig_file_replace(const BrigFile *f, const char *data, size_t len, BrigError **err);
void brig_file_free(BrigFile *f);
static inline void brig_file_freep(BrigFile **f)
{
    brig_file_free(*f);
}
