/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The rlimit names runc and crun accept in process.rlimits (both refuse any
 * other spelling), in one table shared by the policy and the limits pass. */

#include <stdint.h>

#define BRIG_RLIMIT_COUNT 16
/* RLIM_INFINITY as the runtimes read process.rlimits: 2^64-1. */
#define BRIG_RLIMIT_UNLIMITED UINT64_MAX

/* Index of an exact name ("RLIMIT_NOFILE"), or -1. */
int brig_rlimit_from_name(const char *name);
/* Name of an index below BRIG_RLIMIT_COUNT. */
const char *brig_rlimit_name(int i);
