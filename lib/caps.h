/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdint.h>

/* Capability names as the OCI spec spells them ("CAP_NET_BIND_SERVICE").
 * The table is brig's own, not the build host's <linux/capability.h>, so a
 * config naming a capability newer than the build machine still parses. */
#define BRIG_CAP_LAST 40 /* CAP_CHECKPOINT_RESTORE, Linux 5.9 */

/* Returns the capability number, or -1 for an unknown name. */
int brig_cap_from_name(const char *name);
/* Returns the name, or NULL when n is out of range. */
const char *brig_cap_name(int n);
/* "CAP_A, CAP_B" for a mask, "" for none. */
char *brig_caps_join(uint64_t mask);
/* Parses a comma-separated list ("NET_BIND_SERVICE,CAP_CHOWN", case-insensitive,
 * CAP_ prefix optional, "ALL" allowed) into a mask. */
int brig_caps_parse_list(const char *list, uint64_t *ret_mask);
