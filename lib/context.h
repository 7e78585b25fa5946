/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Everything a pass may know.  Passes never probe the host: cmd/ fills a
 * BrigHost once (host.c), and tests inject whatever host they need. */

#include <stdbool.h>
#include <stdint.h>

#include "policy.h"

typedef struct BrigHost {
    int last_cap;          /* /proc/sys/kernel/cap_last_cap */
    bool apparmor_enabled; /* aa_is_enabled() said the host enforces it */
    bool selinux_enabled;  /* is_selinux_enabled() */
    bool seccomp;          /* the kernel has seccomp filters */
} BrigHost;

typedef struct BrigCtx {
    const BrigPolicy *policy;
    const BrigHost *host;
    const char *container_id; /* NULL offline */
    const char *bundle;       /* NULL when hardening a lone file */
} BrigCtx;

/* Reads the facts of the machine brig runs on. */
void brig_host_probe(BrigHost *ret);
