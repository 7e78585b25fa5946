/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Policy: the file (schema in man/brig-policy.5), and the effective policy
 * for one container.  Loading a file gives a BrigPolicyDoc (defaults +
 * rules); resolving it against a container gives a flat BrigPolicy, so
 * passes read plain fields and never re-implement rule matching. */

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "json.h"
#include "rlimit.h"

typedef enum {
    BRIG_MODE_ENFORCE,
    BRIG_MODE_REJECT,
    BRIG_MODE_AUDIT,
    BRIG_MODE_LEARN, /* run as the engine asked, record what enforce would deny (lib/learn/) */
} BrigMode;

typedef enum {
    BRIG_SECRET_WARN,   /* keep the variable, record a note (the value is never logged) */
    BRIG_SECRET_STRIP,  /* remove the variable */
    BRIG_SECRET_REJECT, /* refuse the container */
} BrigSecretAction;

typedef enum {
    BRIG_LSM_AUTO,    /* use it when the host enforces it, log a notice otherwise */
    BRIG_LSM_REQUIRE, /* refuse containers on a host that does not enforce it */
    BRIG_LSM_OFF,     /* never set it */
} BrigLsmMode;

typedef enum {
    BRIG_USERNS_OFF,     /* containers keep the user namespace (or none) the engine gave */
    BRIG_USERNS_AUTO,    /* each container without one gets its own id range (lib/userns/) */
    BRIG_USERNS_REQUIRE, /* the same, and a container that cannot be mapped is refused */
} BrigUsernsMode;

/* Namespace bits for BrigPolicy.host_namespaces. */
enum {
    BRIG_NS_PID = 1 << 0,
    BRIG_NS_IPC = 1 << 1,
    BRIG_NS_UTS = 1 << 2,
    BRIG_NS_MOUNT = 1 << 3,
    BRIG_NS_NETWORK = 1 << 4,
    BRIG_NS_CGROUP = 1 << 5,
};

#define BRIG_POLICY_DEFAULT_PATH "/etc/brig/policy.json"
#define BRIG_POLICY_VERSION 1
#define BRIG_DIGEST_LEN 72 /* "sha256:" + 64 hex + NUL */

typedef struct BrigPolicy {
    char *path;                   /* file it was read from; NULL for the built-in default */
    char *source;                 /* "FILE" or "FILE (rules a, b)", for messages */
    char digest[BRIG_DIGEST_LEN]; /* sha256 of the policy file's bytes */
    BrigMode mode;
    uint64_t caps_allowed;   /* capabilities a container may keep (if it asked for them) */
    uint32_t uid, gid;       /* identity given to a process that asked for root */
    bool allow_root;         /* exception: keep host uid/gid 0 */
    uint64_t tmpfs_size;     /* bytes, per tmpfs (brig's and the config's) */
    uint64_t tmpfs_inodes;   /* inodes (files, directories, links), per tmpfs */
    int64_t pids_limit;      /* default pids.max when the config sets none */
    char *runtime;           /* real runtime (absolute path), NULL to search */
    char *seccomp_profile;   /* path of another profile; NULL for brig's default */
    bool seccomp_unconfined; /* exception: no seccomp filter at all */

    /* Identities seen from the host, and what one process may hold on to. */
    bool map_host_root;        /* exception: a user-namespace mapping may include host id 0 */
    BrigUsernsMode userns;     /* "userNamespace": a per-container id range (lib/userns/) */
    int32_t oom_score_adj_min; /* floor for process.oomScoreAdj */
    uint64_t rlimit_max[BRIG_RLIMIT_COUNT]; /* ceiling per rlimit, rlimit.h order;
                                             * BRIG_RLIMIT_UNLIMITED: none */

    uint32_t host_namespaces; /* BRIG_NS_* bits a rule lets the container share with the host */
    char **host_paths_ro;     /* NULL-terminated: host paths a rule lets it bind read-only */
    char **host_sockets;      /* NULL-terminated: host sockets it may bind (connect() is use) */
    char **host_groups;   /* NULL-terminated: host system groups (names or decimal gids) a process
                           * may hold as its gid or a supplementary group */
    char **mount_types;   /* NULL-terminated: filesystem types beyond the built-in allow-list */
    char **mount_options; /* NULL-terminated: mount options beyond the per-type allow-lists;
                           * "key=" allows every value of key */
    char **devices;       /* NULL-terminated: device grants, "TYPE MAJOR:MINOR [ACCESS]" */
    char **trusted_annotations; /* the document's trustedAnnotations, for passes */
    char **sysctls_allowed; /* NULL-terminated: sysctls allowed beyond the Kubernetes safe set */
    char **spec_fields;     /* NULL-terminated: JSON pointers ("*" = any index or key) of
                             * keys the spec table lacks or refuses unless granted */
    bool hooks_restricted;  /* hooks given in the policy (shown by policy show) */
    char **hooks_allowed;   /* NULL-terminated hook path patterns; others refused */
    BrigSecretAction env_secrets; /* what to do with secrets found in process.env */

    BrigLsmMode apparmor;
    char *apparmor_profile;       /* profile name brig applies (default "brig-default") */
    bool apparmor_keep_engine;    /* keep a profile the engine chose (not "unconfined") */
    bool apparmor_load_fail_open; /* run unconfined if loading brig's profile fails */
    BrigLsmMode selinux;

    char **runtime_flags;  /* NULL-terminated: runtime flags that weaken isolation, granted
                            * (names from brig_runtime_flag_grants, e.g. "no-pivot") */
    bool restore;          /* `restore` of a checkpoint is allowed (brig cannot see inside it) */
    char **writable_paths; /* NULL-terminated: absolute, normalised paths that get a tmpfs
                            * owned by the container's user, seeded with the image's content */
    bool writable_rootfs;  /* last resort: the root filesystem stays writable */
    char **rootfs_allowed; /* NULL-terminated: absolute host directories a root.path may be
                            * at or below, beyond the bundle and the engines' image storage */
} BrigPolicy;

/* The names "runtimeFlags" may list, NULL-terminated. */
extern const char *const brig_runtime_flag_grants[];

typedef struct BrigRule BrigRule;

typedef struct BrigPolicyDoc {
    char *path; /* NULL for the built-in default */
    char digest[BRIG_DIGEST_LEN];
    BrigPolicy *defaults;           /* the policy before any rule applies */
    char **trusted_annotations;     /* annotation keys rules may match on */
    bool trust_docker_image_record; /* rules' "images" match dockerd's record (docker_record.h) */
    char *docker_root;              /* where dockerd keeps it; NULL: /var/lib/docker */
    char *audit_log;                /* file for the audit log, or NULL */
    bool audit_syslog;
    BrigRule *rules;
    size_t n_rules;
} BrigPolicyDoc;

/* One entry of "devices": a char or block device (minor -1: every minor)
 * and the access letters a container may have to it. */
typedef struct BrigDeviceGrant {
    char type; /* 'c' or 'b' */
    int64_t major, minor;
    char access[4]; /* a subset of "rwm", in that order */
} BrigDeviceGrant;
/* Parses "c 10:229", "c 10:229 rw", "b 7:*"; returns 0 or -EINVAL. */
int brig_device_grant_parse(const char *s, BrigDeviceGrant *ret);

/* The built-in default (profiles/policy/restricted.json, embedded). */
BrigPolicy *brig_policy_new_default(void);
void brig_policy_free(BrigPolicy *p);
static inline void brig_policy_freep(BrigPolicy **p)
{
    brig_policy_free(*p);
}
BrigPolicy *brig_policy_copy(const BrigPolicy *p);
const char *brig_mode_name(BrigMode m);
/* Human name of where the policy came from, for messages. */
const char *brig_policy_source(const BrigPolicy *p);

/* Parses and strictly validates a policy document; `name` prefixes errors,
 * which read "NAME: line N: /json/pointer: what is wrong". */
int brig_policy_parse(const char *buf, size_t len, const char *name, BrigPolicyDoc **ret,
                      BrigError **err);
/* Loads `explicit_path`, or BRIG_POLICY_DEFAULT_PATH when it exists, or the
 * built-in default.  Fails closed: a policy file that exists but cannot be
 * read, does not parse, or is writable by anyone but root is an error. */
int brig_policy_load(const char *explicit_path, BrigPolicyDoc **ret, BrigError **err);
/* The same for offline use (check, harden, policy validate): a policy the
 * invoking user owns is trusted too, and only a world-writable one refused. */
int brig_policy_load_offline(const char *explicit_path, BrigPolicyDoc **ret, BrigError **err);
int brig_policy_builtin(BrigPolicyDoc **ret, BrigError **err);
void brig_policy_doc_free(BrigPolicyDoc *d);
static inline void brig_policy_doc_freep(BrigPolicyDoc **d)
{
    brig_policy_doc_free(*d);
}

/* Facts about a container that rules match on. */
typedef struct BrigMatchInput {
    const char *id;       /* container id, may be NULL */
    const BrigJson *spec; /* config.json, for annotations; may be NULL */
} BrigMatchInput;

/* The effective policy for one container: defaults, then every matching
 * rule in file order (lists accumulate, scalars are replaced). */
int brig_policy_resolve(const BrigPolicyDoc *doc, const BrigMatchInput *in, BrigPolicy **ret,
                        BrigError **err);
/* What rule `idx` alone makes of the defaults, whatever it matches (brig
 * policy validate judges every grant a rule can give). */
int brig_policy_for_rule(const BrigPolicyDoc *doc, size_t idx, BrigPolicy **ret, BrigError **err);
/* The effective policy as JSON, in the file's own schema (brig policy show). */
BrigJson *brig_policy_to_json(const BrigPolicy *p);
/* Image name as the engine recorded it in trusted annotations, or NULL.
 * (Docker's own record is read at resolve time, from the container id.) */
const char *brig_policy_image_name(const BrigPolicyDoc *doc, const BrigJson *spec);
