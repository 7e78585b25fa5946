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
#include <sys/types.h>

#include "error.h"
#include "json.h"

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

/* Resolves the config a create/run/restore refers to, as crun does: `config`
 * (crun's --config) relative to the cwd, except the literal "config.json",
 * which is, like the default, in `bundle` (NULL = cwd). */
char *brig_bundle_config_path(const char *bundle, const char *config);

int brig_file_load(const char *path, size_t max, BrigFile **ret, BrigError **err);
/* brig_file_load (up to BRIG_FILE_MAX_SIZE), then the contents parsed as
 * JSON; the file too when ret_file is not NULL (to replace it). */
int brig_file_load_json(const char *path, BrigFile **ret_file, BrigJson **ret_json,
                        BrigError **err);
/* Atomically replaces the loaded file with data. */
int brig_file_replace(const BrigFile *f, const char *data, size_t len, BrigError **err);

/* Every file brig writes as root goes through one of the three below
 * (audit log, engine log, -o outputs, state under /run/brig, locks): grep
 * cmd/ and lib/ for O_CREAT and O_WRONLY to find any other.
 *
 * brig_open_regular: openat(dirfd, path) with O_NOFOLLOW (a symlink fails
 * ELOOP, never followed), O_NONBLOCK (a FIFO without a reader fails ENXIO
 * instead of hanging brig), O_CLOEXEC and O_NOCTTY added to `flags`, and the
 * result must be a regular file (fstat on the open fd, so a FIFO with a
 * reader, a device or a socket is refused too).  For appending (logs),
 * locks and O_EXCL state files; O_TRUNC is refused.  Returns the fd. */
int brig_open_regular(int dirfd, const char *path, int flags, mode_t mode, BrigError **err);
/* Writes an output file (`brig record -o`, `seccomp bpf -o`) the way
 * config.json is rewritten: a new file beside it, owned by brig with
 * `mode`, renamed over `path` when complete.  Whatever is at `path` must
 * be absent or a regular file: a symlink planted there is refused, and
 * neither it nor its target is touched. */
int brig_output_write(const char *path, const char *data, size_t len, mode_t mode, BrigError **err);
/* The same, for `name` in the directory `dirfd` (state files brig keeps in
 * a directory it holds open). */
int brig_output_write_at(int dirfd, const char *name, const char *data, size_t len, mode_t mode,
                         BrigError **err);
/* Removes the temporary files a brig killed between naming one and renaming
 * it over `name` left in `dirfd`: regular files with brig's exact pattern
 * (".NAME.brig-" and 16 hex digits), nothing else.  Every write removes
 * them first; whoever removes the directory calls this. */
void brig_output_remove_temps(int dirfd, const char *name);
/* The same for files brig keeps beside `name` under another tag
 * (".NAME" TAG and 16 hex digits): the image's config kept by harden.c. */
void brig_output_remove_kept(int dirfd, const char *name, const char *tag);
/* The checks brig_output_write makes, up front: a tool that runs a
 * container for minutes says at once that it could not write the result. */
int brig_output_check(const char *path, BrigError **err);
void brig_file_free(BrigFile *f);
static inline void brig_file_freep(BrigFile **f)
{
    brig_file_free(*f);
}
