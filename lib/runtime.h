/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The runc-compatible command line (DESIGN §2).  brig parses argv the way
 * runc's urfave/cli does, finds what it needs (bundle, config, process file,
 * log file), strips its own --brig-* flags and otherwise hands the real
 * runtime the very argv it was given. */

#include <stdbool.h>

#include "error.h"

typedef struct BrigArgv {
    int argc;
    char **argv; /* owned, NULL-terminated: argv without --brig-* flags */

    int cmd_idx;     /* index of the subcommand in argv, -1 if none */
    const char *cmd; /* the subcommand ("create", "exec", ...) or NULL */
    int id_idx;      /* index of the container id, -1 if none */
    const char *id;

    /* global flags (before the subcommand) */
    const char *root;
    const char *log;
    const char *log_format;
    bool version; /* --version / -v with no subcommand */
    bool help;

    /* subcommand flags */
    const char *bundle;  /* create/run/restore --bundle/-b; NULL = cwd */
    const char *config;  /* crun create/run --config/-f */
    const char *process; /* exec --process/-p */
    const char *pid_file;

    /* brig's own flags, removed from argv */
    const char *brig_policy;  /* --brig-policy FILE */
    const char *brig_runtime; /* --brig-runtime PATH */
    char *brig_storage;       /* owns the strings above */
} BrigArgv;

int brig_argv_parse(int argc, char *const *argv, BrigArgv *ret, BrigError **err);
void brig_argv_done(BrigArgv *a);

/* The value-taking flags, as runc 1.1 / crun 1.8 define them.  Exposed for
 * the exec rewriter and tests. */
bool brig_flag_takes_value(const char *cmd, const char *name);

/* Finds the real runtime: explicit (policy / --brig-runtime), then
 * $BRIG_RUNTIME, then runc and crun on $PATH.  A candidate that is brig
 * itself (same device and inode as /proc/self/exe) is skipped. */
int brig_runtime_find(const char *explicit_path, char **ret_path, BrigError **err);

/* execv()s path with a's argv (argv[0] replaced by path's basename... kept as
 * given).  Returns only on failure. */
int brig_runtime_exec(const char *path, const BrigArgv *a, BrigError **err);
