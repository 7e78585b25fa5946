/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Per-container id ranges (policy userNamespace: auto/require).  Each
 * container gets BRIG_USERNS_SIZE host ids, container id 0 at the range's
 * first id, the same base for uids and gids.  Ranges come from a pool: the
 * "brig" entries of /etc/subuid and /etc/subgid (their intersection), or,
 * when either file has none, the default pool, which starts at the first
 * multiple of 65536 at or above both 100000 and the end of every range
 * either file lists (131072 on a host with none) and ends below 2^31.
 *
 * A range is held by a file named after its base in BRIG_USERNS_RANGES,
 * created O_EXCL: two concurrent creates can never hold the same range, and
 * nothing but the file system is shared.  The file holds the holder's key
 * (the container's runtime root key and id, "KEY/ID"), then the pid and
 * start time of the process that took it, so gc can tell a create still
 * under way from one a kill left behind. */

#include <stdbool.h>
#include <stdint.h>

#include "../error.h"

#define BRIG_USERNS_SIZE 65536u
#define BRIG_USERNS_RANGES "/run/brig/userns"
#define BRIG_USERNS_POOL_FLOOR 100000u
#define BRIG_USERNS_POOL_END 0x80000000u /* exclusive: ids stay below 2^31 */

typedef struct BrigIdPool {
    uint32_t start;
    uint32_t slots;  /* ranges of BRIG_USERNS_SIZE from start */
    bool from_subid; /* the "brig" entries, not the default pool */
} BrigIdPool;

/* The pool from the texts of /etc/subuid and /etc/subgid (NULL or "" when
 * absent).  Fails when the "brig" entries leave less than one range. */
int brig_userns_pool(const char *subuid, const char *subgid, BrigIdPool *ret, BrigError **err);
/* Reads both files and computes the pool. */
int brig_userns_pool_read(BrigIdPool *ret, BrigError **err);

/* Holds a range for `id` (the holder's key) in `dir` (created 0700 if
 * missing) and returns its base; a range `id` already holds is returned
 * again. */
int brig_userns_reserve(const char *dir, const BrigIdPool *pool, const char *id, uint32_t *ret_base,
                        BrigError **err);
/* Releases every range `id` holds; returns how many. */
int brig_userns_release(const char *dir, const char *id, BrigError **err);
typedef struct BrigRangeHolder {
    uint32_t base;
    const char *id; /* the key it was reserved for */
    int64_t pid;    /* the process that reserved it, 0 if not recorded */
    uint64_t start; /* that process's start time (field 22 of its stat) */
    double age;     /* seconds since the file was written */
} BrigRangeHolder;
/* Calls fn for each range held in dir (brig gc); returns the sum of what
 * fn returned, or fn's first negative return. */
int brig_userns_each(const char *dir, int (*fn)(const BrigRangeHolder *h, void *data), void *data,
                     BrigError **err);
