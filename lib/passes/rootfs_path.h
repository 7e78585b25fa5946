/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Where the root filesystem may be (rootfs_path.c), judged by the rootfs
 * pass, before the userns views pass points root.path at brig's own view. */

#include "passes.h"

/* Records a refusal at /root/path when root.path leads anywhere but inside
 * the bundle, an image an engine prepared in its storage, or a directory
 * the policy grants in rootfsAllowed; a note when it cannot be judged
 * (offline, where the bundle is not known). */
void rootfs_check_path(const BrigCtx *ctx, const BrigJson *root, BrigReport *rep);
