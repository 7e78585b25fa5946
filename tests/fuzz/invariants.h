/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "json.h"
#include "policy.h"
#include "report.h"

/* Returns NULL when out_proc is a tightening of in_proc under policy, else
 * what is wrong. */
const char *fuzz_check_tightened(const BrigJson *in_proc, const BrigJson *out_proc,
                                 const BrigPolicy *policy);

/* The same, with the config the process belongs to (NULL: none, as for an
 * exec process file): uid and gid are judged as the host sees them, through
 * the config's user-namespace mapping; oomScoreAdj against the floor and
 * rlimits against the ceilings. */
const char *fuzz_check_process(const BrigJson *in_proc, const BrigJson *out_proc,
                               const BrigJson *spec, const BrigPolicy *policy);

/* Every invariant of the policy on a config brig accepted (nothing refused),
 * checked on the output without trusting the passes' own code: the process
 * (as above, ids through the user-namespace mapping; no mapping of host id 0
 * unless granted), private namespaces, no bind or overlay of a sensitive host
 * path, no shared propagation, no device beyond the defaults, a seccomp
 * filter, a pids limit, a read-only root, masked /proc paths, sysctls from
 * the safe set, no risky annotation.  Returns NULL or what is wrong; the
 * message is static or kept in a buffer of the caller's thread. */
const char *fuzz_check_spec(const BrigJson *in, const BrigJson *out, const BrigPolicy *policy);

/* Whether harden refused (the report holds a refusal). */
bool fuzz_refused(const BrigReport *rep);
