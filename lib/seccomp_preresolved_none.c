/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The build stage that computes the pre-resolved profiles
 * (tools/seccomp_preresolve.c) links this instead of them: it resolves at
 * run time, as every brig does for a host or capabilities they do not
 * cover. */
#include "seccomp.h"

const struct BrigEmbeddedTree *const brig_seccomp_preresolved[2] = {NULL, NULL};
const char *const brig_seccomp_preresolved_digest[2] = {NULL, NULL};
const BrigSeccompPremerged brig_seccomp_premerged[1] = {{0}};
const size_t brig_seccomp_premerged_n = 0;
