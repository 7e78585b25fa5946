/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The default profile resolved for no capabilities and narrowed for
 * x86_64, with and without x32, as the build computed them
 * (tools/seccomp_preresolve.c, then tools/embed_tree.py). */
#include "embedded_tree.h"
#include "seccomp.h"

extern const BrigEmbeddedTree brig_seccomp_preresolved_x32, brig_seccomp_preresolved_nox32;

const struct BrigEmbeddedTree *const brig_seccomp_preresolved[2] = {
    &brig_seccomp_preresolved_x32,
    &brig_seccomp_preresolved_nox32,
};
