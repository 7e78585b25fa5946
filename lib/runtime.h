/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The runc-compatible command line (DESIGN §2).  brig parses argv the way
 * runc's urfave/cli does, finds what it needs (bundle, config, process file,
 * log file), strips its own --brig-* flags and otherwise hands the real
 * runtime the very argv it was given. */

#include <stdbool.h>

#include "error.h"
#include "policy.h"
#include "report.h"

/* How a runtime reads its command line (runtime_flavour.c). */
typedef enum {
    BRIG_RT_UNSET = 0, /* not asked yet */
    BRIG_RT_UNKNOWN,   /* neither runc nor crun by what it says it is */
    BRIG_RT_RUNC,      /* Go flag package + urfave/cli, strconv numbers */
    BRIG_RT_CRUN,      /* argp/getopt_long, strtol numbers */
} BrigFlavour;

/* One flag as the parser read it: canonical long name (the first of its
 * spellings: "user" for -u), its value (NULL for a bool without "="), the
 * index of the flag's token in BrigArgv.argv and of its value's (the same
 * index for "--x=v", -1 for a bool). */
typedef struct BrigFlagUse {
    const char *name;
    const char *value;
    int idx;
    int value_idx;
} BrigFlagUse;

typedef struct BrigArgv {
    int argc;
    char **argv; /* owned array, NULL-terminated: argv without --brig-* flags; the
                  * strings point into the caller's argv or into `owned` */

    int cmd_idx;     /* index of the subcommand in argv (the first token after the
                      * global flags), -1 if none */
    const char *cmd; /* the subcommand ("create", "exec", ...) or NULL: none, or a
                      * global --help/--version makes runc run none */
    int id_idx;      /* index of the container id, -1 if none */
    const char *id;

    /* global flags (before the subcommand) */
    const char *root;
    const char *log;
    const char *log_format;
    bool version; /* --version / -v: runc prints its version and runs nothing else */
    bool help;    /* --help / -h, global or on the subcommand: runc only prints help */
    bool debug;   /* --debug: brig adds an info line to the --log on success */

    /* subcommand flags; an empty value ("--bundle=") is stored as NULL, which is
     * what runc makes of it */
    const char *bundle;  /* create/run/restore --bundle/-b; NULL = cwd */
    const char *config;  /* crun create/run --config/-f */
    const char *process; /* exec --process/-p */
    const char *pid_file;

    /* brig's own flags, removed from argv */
    const char *brig_policy;  /* --brig-policy FILE */
    const char *brig_runtime; /* --brig-runtime PATH */

    /* The first token crun (getopt_long) would read differently from runc,
     * e.g. "-bundle" or "--bund"; NULL if none.  brig_runtime_exec() refuses
     * such a command line for any runtime that is not runc. */
    const char *getopt_hazard;

    /* Every known flag in the order the runtime applies them (for a
     * subcommand: after urfave's reordering), so a check sees what the
     * runtime will: the last of two --pids-limit, a value after the id. */
    BrigFlagUse *gflags; /* global flags */
    size_t n_gflags;
    BrigFlagUse *sflags; /* the subcommand's */
    size_t n_sflags;

    /* Set by the caller once the runtime is known (brig_runtime_flavour());
     * brig_runtime_exec() refuses a getopt hazard unless it is runc. */
    BrigFlavour flavour;

    char **owned; /* NULL-terminated: strings brig made for argv (exec rewrites) */
} BrigArgv;

/* Never fails on flags it does not know (the real runtime judges those); fails
 * only on brig's own flags: an unknown --brig-*, one without a value, or one
 * placed after the subcommand. */
int brig_argv_parse(int argc, char *const *argv, BrigArgv *ret, BrigError **err);
void brig_argv_done(BrigArgv *a);

/* Whether `name` (without dashes: "bundle", "b") takes a value in runc 1.1 or
 * crun 1.8, for subcommand `cmd`, or among the global flags when cmd is NULL.
 * Exposed for the exec rewriter and tests. */
bool brig_flag_takes_value(const char *cmd, const char *name);

/* Asks the executable at `path` what it is (`--version`), caching the
 * answer in cache_dir (NULL: no cache) by device, inode, size and times. */
BrigFlavour brig_runtime_flavour(const char *path, const char *cache_dir);
/* From the first line of a `--version` output. */
BrigFlavour brig_flavour_from_version(const char *out);
const char *brig_flavour_name(BrigFlavour f);

/* Finds the real runtime: explicit (policy / --brig-runtime), then
 * $BRIG_RUNTIME, then runc and crun on $PATH.  A candidate that is brig
 * itself (same device and inode as /proc/self/exe) is skipped. */
int brig_runtime_find(const char *explicit_path, char **ret_path, BrigError **err);

/* The runtime an operator names to brig's own tools (record, trace-denials
 * --runtime NAME): NULL or "" is brig_runtime_find(explicit_path); "runc" or
 * "crun" is searched on $PATH exactly as brig_runtime_find searches it
 * (absolute entries only, brig itself skipped); an absolute path is taken as
 * is.  Any other name, a relative path, or an executable that is not runc
 * or crun by its --version (brig_runtime_flavour) is refused. */
int brig_runtime_lookup(const char *name, const char *explicit_path, char **ret_path,
                        BrigError **err);

/* execv()s path with a's argv, argv[0] set to path.  Returns only on failure,
 * or at once when a->getopt_hazard is set and a->flavour is not runc. */
int brig_runtime_exec(const char *path, const BrigArgv *a, BrigError **err);

/* Tightens the flags of an inline `exec` (between "exec" and the container id)
 * the way the process file is tightened: drops --cap the policy does not
 * allow, maps uid/gid 0 in --user to the policy's identity, drops --apparmor
 * and --process-label overrides, adds --no-new-privs.  Each change is
 * recorded under "/argv/--flag".  A no-op for any other subcommand. */
/* --user and --additional-gids are read as `flavour` reads them (32-bit
 * wrap, empty parts, crun's gid 0 default) and always sent as one explicit
 * "--user=UID:GID"; a spelling brig cannot read safely for this runtime is
 * refused (recorded as a refusal). */
int brig_argv_harden_exec(BrigArgv *a, const BrigPolicy *policy, BrigFlavour flavour,
                          BrigReport *rep, BrigError **err);
/* The same inside the running container's user namespace `ns` (NULL or not
 * enabled: the ids are the host's, as above): uid, gid and -g groups are
 * judged through its maps as the user pass judges create's, and a gid or
 * group that is one of `host`'s system groups (NULL: none known) is kept
 * only when the policy grants it (hostGroups). */
struct BrigUserns;
struct BrigHost;
int brig_argv_harden_exec_in(BrigArgv *a, const BrigPolicy *policy, BrigFlavour flavour,
                             const struct BrigUserns *ns, const struct BrigHost *host,
                             BrigReport *rep, BrigError **err);

/* Flags that weaken isolation whatever the config says (crun
 * --cgroup-manager=disabled, --no-pivot, --no-new-keyring, --criu, runc
 * --rootless=true, crun --rootless), refused unless the policy's
 * runtimeFlags grants them; for restore, the policy's "restore" grant and no
 * --lsm-profile / --lsm-mount-context.  Refusals go to rep as /argv/--flag. */
void brig_argv_check_flags(const BrigArgv *a, const BrigPolicy *policy, BrigReport *rep);

/* `update`: refuses limits above or off the policy's (pids), resources brig
 * does not allow an update to change (devices, unified, ...), and spellings
 * the two runtimes read differently.  A --resources file or stdin is read
 * here, checked, and handed to the runtime as the same bytes on its stdin
 * (a memfd; the flag's value becomes "-"). */
int brig_argv_check_update(BrigArgv *a, const BrigPolicy *policy, BrigReport *rep, BrigError **err);
