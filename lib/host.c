/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <fcntl.h>
#include <stdio.h>
#include <sys/prctl.h>

#include "config.h"
#include "context.h"
#if HAVE_APPARMOR
#include <sys/apparmor.h>
#endif
#if HAVE_SELINUX
#include <selinux/selinux.h>
#endif

static int read_last_cap(void)
{
    _cleanup_close_ int fd = open("/proc/sys/kernel/cap_last_cap", O_RDONLY | O_CLOEXEC);
    char buf[16] = {0};
    if (fd < 0 || read(fd, buf, sizeof(buf) - 1) <= 0)
        return 40;
    return atoi(buf);
}

void brig_host_probe(BrigHost *ret)
{
    *ret = (BrigHost){.last_cap = read_last_cap()};
    /* PR_GET_SECCOMP fails with EINVAL on kernels built without seccomp. */
    ret->seccomp = prctl(PR_GET_SECCOMP, 0, 0, 0, 0) >= 0;
#if HAVE_APPARMOR
    ret->apparmor_enabled = aa_is_enabled() == 1;
#endif
#if HAVE_SELINUX
    ret->selinux_enabled = is_selinux_enabled() == 1;
#endif
}
