/* SPDX-License-Identifier: GPL-2.0-or-later */
/* placeholder until the seccomp module lands */
#include "seccomp.h"

int brig_seccomp_default(const BrigJson **ret, BrigError **err)
{
    return brig_error_set(err, ENOSYS, "seccomp: not implemented yet");
}

int brig_seccomp_resolve(const BrigJson *profile, uint64_t caps, BrigJson **ret, BrigError **err)
{
    return brig_error_set(err, ENOSYS, "seccomp: not implemented yet");
}

int brig_seccomp_validate(const BrigJson *profile, const char *name, BrigError **err)
{
    return brig_error_set(err, ENOSYS, "seccomp: not implemented yet");
}
