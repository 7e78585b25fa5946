/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bench/seccomp's workload: N raw getppid() calls, then one line
 * "getppid: N calls, T ns/call".  Static, so it runs in a busybox rootfs;
 * raw syscall(2), so libc cannot cache the answer. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 10000000L;
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (long i = 0; i < n; i++)
        syscall(SYS_getppid);
    clock_gettime(CLOCK_MONOTONIC, &b);
    double ns = (double)(b.tv_sec - a.tv_sec) * 1e9 + (double)(b.tv_nsec - a.tv_nsec);
    printf("getppid: %ld calls, %.1f ns/call\n", n, n ? ns / (double)n : 0.0);
    return 0;
}
