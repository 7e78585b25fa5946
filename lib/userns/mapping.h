/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* User-namespace id mappings (linux.uidMappings, linux.gidMappings), read as
 * the kernel reads /proc/PID/uid_map: the identity that counts is the one the
 * host sees, so every judgement about a uid or gid goes through here.  Kept
 * free of policy so the per-container user namespaces built on it can use
 * the same reader. */

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"
#include "json.h"

/* The kernel's limit on lines in uid_map and gid_map (UID_GID_MAP_MAX_EXTENTS). */
#define BRIG_IDMAP_MAX_EXTENTS 340

typedef struct BrigIdRange {
    uint32_t inside; /* containerID: first id in the namespace */
    uint32_t host;   /* hostID: the id it is on the host */
    uint32_t size;
} BrigIdRange;

typedef struct BrigIdMap {
    BrigIdRange *v;
    size_t n;
} BrigIdMap;

/* Reads a mapping array.  `ptr` is its JSON pointer, for messages.  Refuses
 * what the kernel refuses when the runtime writes it (so brig never reasons
 * about a mapping that differs from the one the container gets): more than
 * BRIG_IDMAP_MAX_EXTENTS ranges, a size of 0, an id of 4294967295 (the
 * kernel's "no id"), a range whose end passes 4294967295 on either side, and
 * ranges that overlap on either side.  Each field must be present and an
 * unsigned 32-bit integer, as runc's Go decoder requires. */
int brig_idmap_parse(const BrigJson *arr, const char *ptr, BrigIdMap *ret, BrigError **err);
void brig_idmap_clear(BrigIdMap *m);

/* The host id of a container id; false when the mapping does not map it
 * (the runtime then fails to switch to it). */
bool brig_idmap_to_host(const BrigIdMap *m, uint32_t id, uint32_t *ret_host);
/* Index of the range that maps host id `host`, or -1. */
ssize_t brig_idmap_find_host(const BrigIdMap *m, uint32_t host);
/* A container id to run as when `want` is unusable: `want` itself if it is
 * mapped to a host id other than 0, else the nearest such id below `want`,
 * else the nearest above; container id 0 is never chosen.  False when the
 * mapping holds none. */
bool brig_idmap_pick(const BrigIdMap *m, uint32_t want, uint32_t *ret);

/* The user namespace of a config: whether linux.namespaces has one, the path
 * it joins (NULL for a new one), and its mappings. */
typedef struct BrigUserns {
    bool enabled;
    size_t index;            /* of the "user" entry in linux.namespaces */
    const char *path;        /* borrowed from the config */
    bool has_uids, has_gids; /* the config holds the mapping arrays */
    BrigIdMap uids, gids;
} BrigUserns;

/* Reads linux.namespaces' "user" entry and, when there is one, the mappings.
 * Mappings without a user namespace are not read: runc 1.1 and crun both
 * ignore them, so the ids are the host's.  Refuses, as invalid input, two
 * "user" entries and a new user namespace without both mappings (runc
 * refuses it; crun starts with the ids unmapped). */
int brig_userns_read(const BrigJson *spec, BrigUserns *ret, BrigError **err);
void brig_userns_clear(BrigUserns *u);

/* The user namespace an exec joins, read from the running container
 * (lib/userns_proc.c).  cmd/ gathers it; passes get it in BrigHost. */

/* Parses the text of /proc/PID/uid_map or gid_map ("inside host size" per
 * line, at most BRIG_IDMAP_MAX_EXTENTS lines).  `what` names it in messages. */
int brig_idmap_parse_proc(const char *text, const char *what, BrigIdMap *ret, BrigError **err);
/* Field 22 of /proc/PID/stat (start time, clock ticks since boot). */
int brig_proc_stat_starttime(const char *stat, uint64_t *ret);
/* The user namespace of process `pid` under `proc` (normally "/proc"; a
 * test passes a fake directory), which must have started at tick `start`:
 * enabled false when it is brig's own (the ids are the host's), else its
 * maps, as brig's namespace sees them.  Fails when the pid is gone or
 * belongs to another process. */
int brig_userns_of_process(const char *proc, int64_t pid, uint64_t start, BrigUserns *ret,
                           BrigError **err);
/* The init process of container `id` from the runtime's state under
 * `state_root`: runc's ROOT/ID/state.json, or crun's ROOT/ID/status. */
int brig_container_init(const char *state_root, const char *id, bool crun, int64_t *ret_pid,
                        uint64_t *ret_start, BrigError **err);
