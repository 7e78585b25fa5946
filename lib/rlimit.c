/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "rlimit.h"
#include "util.h"

/* Alphabetical, as brig policy show prints them. */
static const char *const names[BRIG_RLIMIT_COUNT] = {
    "RLIMIT_AS",     "RLIMIT_CORE",   "RLIMIT_CPU",        "RLIMIT_DATA",
    "RLIMIT_FSIZE",  "RLIMIT_LOCKS",  "RLIMIT_MEMLOCK",    "RLIMIT_MSGQUEUE",
    "RLIMIT_NICE",   "RLIMIT_NOFILE", "RLIMIT_NPROC",      "RLIMIT_RSS",
    "RLIMIT_RTPRIO", "RLIMIT_RTTIME", "RLIMIT_SIGPENDING", "RLIMIT_STACK",
};

int brig_rlimit_from_name(const char *name)
{
    for (int i = 0; i < BRIG_RLIMIT_COUNT; i++)
        if (streq(names[i], name))
            return i;
    return -1;
}

const char *brig_rlimit_name(int i)
{
    return i >= 0 && i < BRIG_RLIMIT_COUNT ? names[i] : NULL;
}
