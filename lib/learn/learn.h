/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Learn mode (DESIGN §3b, docs/learn.md).
 *
 * At create, a container whose effective mode is "learn" runs with the
 * config the engine wrote, except its seccomp filter: every system call the
 * engine's profile lets through (every call when it had none) is sent to a
 * learn daemon through the OCI listenerPath, which records it and answers
 * as the engine's profile would have (CONTINUE for what it allows).  The
 * daemon infers from each call what enforce would have denied (writes to
 * the root filesystem, capabilities exercised, uid switches, calls brig's
 * default profile denies) and keeps it in BRIG_LEARN_DIR/<id>.json, with
 * what hardening the config under enforce reported.  `brig learned ID`
 * turns that into the smallest policy that lets the container run under
 * enforce (brig_learned_policy). */

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "../error.h"
#include "../json.h"
#include "../report.h"
#include "../userns/mapping.h"

#define BRIG_LEARN_DIR "/var/lib/brig/learn"
#define BRIG_LEARN_RUN_DIR "/run/brig/learn"
#define BRIG_LEARN_VERSION 1

/* The profile a learn-mode container runs with: the engine's profile
 * (NULL: none) with every syscall libseccomp knows for the host that the
 * engine does not send straight to its default action turned into NOTIFY,
 * `write` excepted (runc refuses NOTIFY on it); the default action stays
 * the engine's (ALLOW when it had no profile).  The daemon answers each
 * notification as the engine's profile would have. */
int brig_learn_profile(const BrigJson *engine, BrigJson **ret, BrigError **err);

/* ---- what one call tells ---- */

/* A directory or file on a path, as the container's mount namespace shows
 * it (the daemon reads it through /proc/PID/root, inside that root), for
 * the permission checks the kernel makes on the way. */
typedef struct BrigLearnNode {
    bool known; /* it exists and was read */
    uint32_t uid, gid, mode;
} BrigLearnNode;

/* Directories judged on one path, deepest first cut. */
#define BRIG_LEARN_MAX_DEPTH 32

/* One notified call, with what the daemon read about it. */
typedef struct BrigLearnCall {
    pid_t pid;
    const char *comm;    /* escaped */
    const char *syscall; /* name */
    uint32_t arch;
    int nr;
    uint64_t args[6];
    bool runtime;         /* made by the runtime's own code (runc/crun init) */
    bool root;            /* the caller's effective uid is 0 */
    uint32_t uids[3];     /* real, effective, saved */
    const char *paths[2]; /* absolute, lexically normal paths of the path
                           * arguments, as the container names them; NULL if none */
    int exists[2];        /* whether paths[k] names something in the container now:
                           * 1 yes, 0 no, -1 not looked at (a creation of what
                           * exists fails, and so writes nothing) */
    uint32_t owner[2];    /* when exists[k] is 1: the uid owning it, and its mode */
    uint32_t mode[2];
    uint64_t flags;       /* open flags (openat2: from its open_how) */
    int sock_family;      /* bind: address family, -1 if unread */
    int sock_port;        /* bind: port for AF_INET/AF_INET6, -1 otherwise */
    uint64_t clone_flags; /* clone3: flags from its clone_args */
    /* For a root caller's path arguments: nodes[k][i] is what the first i
     * components of paths[k] name ("/" for i = 0), down to paths[k] itself;
     * nnodes[k] of them were looked at (0: none). */
    BrigLearnNode nodes[2][BRIG_LEARN_MAX_DEPTH + 1];
    size_t nnodes[2];
} BrigLearnCall;

typedef struct BrigLearnObs BrigLearnObs;

/* `mounts`: destinations that are not the root filesystem under enforce
 * (the config's mounts and brig's scratch tmpfs); writes below them are not
 * recorded.  `denied` (may be NULL) tells whether brig's default profile,
 * resolved for no capabilities, denies a call. */
BrigLearnObs *brig_learn_obs_new(const char *id, char *const *mounts);
/* The uid the process runs as under enforce (recorded; brig learned judges
 * the owner of files it overwrites against it). */
void brig_learn_obs_set_uid(BrigLearnObs *o, uint32_t uid);
/* Its gid and supplementary gids under enforce (`groups`: n of them), which
 * brig learned judges group permissions against. */
void brig_learn_obs_set_groups(BrigLearnObs *o, uint32_t gid, const uint32_t *groups, size_t n);
void brig_learn_obs_free(BrigLearnObs *o);
static inline void brig_learn_obs_freep(BrigLearnObs **o)
{
    brig_learn_obs_free(*o);
}
/* Records one call.  `default_denied`: brig's default profile (no
 * capabilities) denies this very call. */
void brig_learn_obs_call(BrigLearnObs *o, const BrigLearnCall *c, bool default_denied);
/* The enforce report of the container's config, kept in the learn data. */
void brig_learn_obs_enforce(BrigLearnObs *o, const BrigReport *rep);
/* The learn data, version BRIG_LEARN_VERSION (format in docs/learn.md). */
BrigJson *brig_learn_obs_json(const BrigLearnObs *o, bool complete);
bool brig_learn_obs_dirty(const BrigLearnObs *o);
void brig_learn_obs_clean(BrigLearnObs *o);

/* ---- the daemon ---- */

typedef struct BrigLearnSetup {
    const char *id;
    const char *runtime;    /* the real runtime's path (its own calls are told apart) */
    const BrigJson *engine; /* the engine's linux.seccomp, NULL: none */
    char *const *mounts;    /* as for brig_learn_obs_new */
    uint32_t uid;           /* the uid the container's process gets under enforce */
    uint32_t gid;           /* its gid, and supplementary gids (ngroups) */
    const uint32_t *groups;
    size_t ngroups;
    /* the container's user namespace mappings, NULL: none (its ids are
     * the host's); the daemon reads host ids and records the container's */
    const BrigIdMap *uid_map, *gid_map;
    const BrigReport *enforce;
    const char *data_dir; /* BRIG_LEARN_DIR (tests override) */
    const char *run_dir;  /* BRIG_LEARN_RUN_DIR */
} BrigLearnSetup;

/* Binds a listener socket in run_dir, forks the detached learn daemon
 * (setsid, double fork, stdio on /dev/null, no other fd), waits at most
 * 10 s for it to be ready (its first learn data written), and returns the
 * socket's path for linux.seccomp.listenerPath.  The daemon writes
 * data_dir/<id>.json every 2 s while it learns something new and when the
 * container's last process is gone, then exits; it exits after 300 s if no
 * runtime ever hands it a listener.  Fails with ECHILD or ETIMEDOUT when
 * the daemon did not get ready (the caller runs the container without
 * observation), other errnos for what it could not set up. */
int brig_learn_start(const BrigLearnSetup *s, char **ret_socket, BrigError **err);

/* Whether `id` can name a learn data file (runc's id characters, at most
 * 128 of them, not "." or ".."). */
bool brig_learn_id_valid(const char *id);

/* ---- the learned policy ---- */

/* Capabilities a learned policy never grants. */
extern const int brig_learn_forbidden_caps[];

typedef struct BrigLearned {
    BrigJson *policy;  /* a complete policy file (version 1), NULL when blocked */
    BrigJson *seccomp; /* the recorded profile to write next to it, NULL: the default suffices */
    char **blockers;   /* NULL-terminated: what needs a grant brig never gives */
} BrigLearned;

/* From learn data: the smallest policy under which the container runs
 * under enforce.  `id_glob` is what its rules match on ("*" for every
 * container); `seccomp_path` is where the caller writes `seccomp` (named in
 * the policy).  Fails only on learn data it cannot read. */
int brig_learned_policy(const BrigJson *data, const char *id_glob, const char *seccomp_path,
                        BrigLearned *ret, BrigError **err);
void brig_learned_done(BrigLearned *l);
