/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* SELinux: the container types from the host's contexts file, and a unique
 * MCS category pair per container.  Two containers with the same type but
 * different category pairs cannot touch each other's processes or files;
 * the pair is what separates them, so brig never hands out one pair twice
 * while a container holds it.  Reservations are files in a directory
 * (default BRIG_MCS_DIR), one per pair, created O_EXCL and holding the
 * container id, so concurrent brig processes agree without a daemon. */

#include <stdbool.h>

#include "error.h"

#define BRIG_MCS_DIR "/run/brig/mcs"
/* container-selinux's contexts, preferred over libselinux's lxc_contexts */
#define BRIG_SELINUX_CONTAINER_CONTEXTS "/usr/share/containers/selinux/contexts"
/* The host's SELinux configuration: SELINUXTYPE= in its config names the
 * policy, whose contexts/lxc_contexts is the fallback. */
#define BRIG_SELINUX_ETC "/etc/selinux"
#define BRIG_MCS_MAX_CATEGORY 1023

typedef struct BrigSelinuxContexts {
    char *process; /* `process = "..."`: the container process context */
    char *file;    /* `file = "..."`: the context of the container's files */
} BrigSelinuxContexts;

/* Parses the lxc_contexts format: `key = "value"` lines (quotes optional),
 * `#` comments, blank lines; unknown keys are ignored.  `name` prefixes
 * errors ("NAME:LINE: ..."). */
int brig_selinux_parse_contexts(const char *text, const char *name, BrigSelinuxContexts *ret,
                                BrigError **err);
int brig_selinux_load_contexts(const char *path, BrigSelinuxContexts *ret, BrigError **err);
void brig_selinux_contexts_done(BrigSelinuxContexts *c);

/* The contexts file to use on this host: container-selinux's when present,
 * else the policy's lxc_contexts (what libselinux's
 * selinux_lxc_contexts_path() names); NULL if neither exists. */
char *brig_selinux_contexts_path(void);
/* ETC/TYPE/contexts/lxc_contexts for the SELINUXTYPE= of ETC/config
 * ("targeted" when unset), if readable; NULL otherwise. */
char *brig_selinux_policy_lxc_contexts(const char *etc);

/* selinuxfs is mounted, as libselinux's is_selinux_enabled() decides
 * (false when built with -Dselinux=disabled). */
bool brig_selinux_enabled(void);
/* The kernel's policy defines it, as libselinux's security_check_context()
 * asks (false when built with -Dselinux=disabled). */
bool brig_selinux_context_valid(const char *context);

/* "user:role:type:level" with the level replaced; NULL if malformed. */
char *brig_selinux_with_level(const char *context, const char *level);
/* The type field of a context; NULL if malformed. */
char *brig_selinux_type(const char *context);

/* Whether the context's level is one container's own: exactly
 * "s0:cX,cY" with two distinct categories below 1024, in decimal.  A range
 * ("s0-s0:c0.c1023"), one category, none, or a third part would let the
 * process read other containers' files (MCS separation is by pair). */
bool brig_selinux_level_is_pair(const char *context);

/* Reserves a category pair for container `id` in `dir` (created if missing)
 * and returns its level, "s0:cX,cY" with X < Y.  A pair `id` already holds
 * is returned again, so a retried create keeps its pair. */
int brig_mcs_reserve(const char *dir, const char *id, char **ret_level, BrigError **err);
/* Releases every pair held by `id`; returns how many (0 if none). */
int brig_mcs_release(const char *dir, const char *id, BrigError **err);
