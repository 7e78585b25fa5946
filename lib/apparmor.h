/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* AppArmor: brig's own profile (rendered from profiles/apparmor/brig-default.in
 * for the host), what aa_is_enabled() said about the host, and loading the
 * profile into the kernel.  Rendering and the state texts are pure; loading
 * is a side effect only cmd/ calls (passes merely name the profile). */

#include <stdbool.h>

#include "error.h"

#define BRIG_APPARMOR_PROFILE "brig-default"
#define BRIG_APPARMOR_ETC "/etc/apparmor.d"
#define BRIG_APPARMOR_PROFILES "/sys/kernel/security/apparmor/profiles"
#define BRIG_APPARMOR_LOCK "/run/brig/apparmor.lock"

/* Host files the template may include, probed when a profile is rendered. */
enum {
    BRIG_AA_ABI3 = 1 << 0,     /* abi/3.0 */
    BRIG_AA_TUNABLES = 1 << 1, /* tunables/global */
    BRIG_AA_BASE = 1 << 2,     /* abstractions/base (used only with tunables/global) */
};

/* Which of those exist under `etc_dir` (normally BRIG_APPARMOR_ETC). */
unsigned brig_apparmor_probe_includes(const char *etc_dir);

/* 0 when aa_is_enabled() says the kernel enforces AppArmor, else the errno
 * it reported (ENOSYS when brig was built without libapparmor). */
int brig_apparmor_probe_errno(void);

/* What an aa_is_enabled() errno means, for notes and `brig doctor`. */
const char *brig_apparmor_state(int aa_errno);

/* A name brig can put in a profile header and a config: [A-Za-z0-9_.-]+,
 * not "unconfined". */
bool brig_apparmor_name_valid(const char *name);

/* Renders the template for profile `name` with the host's includes. */
int brig_apparmor_render(const char *name, unsigned includes, char **ret, BrigError **err);

/* The mode `name` is listed with in a securityfs profiles file (lines
 * "NAME (MODE)"): *ret_mode is malloc'd, NULL when it is not listed. */
int brig_apparmor_profile_mode(const char *profiles_file, const char *name, char **ret_mode,
                               BrigError **err);

/* Whether `name` is listed in a securityfs profiles file (lines "NAME (MODE)"). */
int brig_apparmor_is_loaded(const char *profiles_file, const char *name, bool *ret,
                            BrigError **err);

/* Where loading looks and writes; NULL members take the defaults above, a
 * NULL parser searches /sbin, /usr/sbin and $PATH for apparmor_parser. */
typedef struct BrigAppArmorEnv {
    const char *etc_dir;
    const char *profiles_file;
    const char *lock_file;
    const char *parser;
} BrigAppArmorEnv;

/* Feeds `text` to `apparmor_parser -Kr` on stdin; its stderr ends up in err. */
int brig_apparmor_parser_run(const char *parser, const char *const *flags, const char *text,
                             BrigError **err);

/* Makes sure profile `name` is loaded: under an exclusive flock on the lock
 * file (so concurrent brig processes load it once), renders and loads it when
 * it is not listed, then checks it is listed.  *ret_loaded says whether this
 * call loaded it.  Only brig's own profile names may be rendered; any other
 * name must already be loaded (an admin's profile). */
int brig_apparmor_ensure(const BrigAppArmorEnv *env, const char *name, bool *ret_loaded,
                         BrigError **err);
