/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A static probe for seccomp tests: makes raw system calls (so libc can
 * neither hide nor translate the errno) and prints one line per call,
 * "NAME: ok" or "NAME: EPERM".
 *   probe            every call below
 *   probe NAME...    only these; exits 1 if any of them failed
 *   probe x32-getpid an x32 getpid() (x86_64 only); not in the full run,
 *                    since a filter without an x32 entry kills the caller
 * Nothing it gains is used: a call that unexpectedly succeeds is undone or
 * its result closed. */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static long do_mount(void)
{
    long r = syscall(SYS_mount, "none", "/mnt", "tmpfs", 0UL, NULL);
    if (r == 0)
        syscall(SYS_umount2, "/mnt", 0);
    return r;
}

static long do_clone_newns(void)
{
    long r = syscall(SYS_clone, (unsigned long)(CLONE_NEWNS | SIGCHLD), 0UL, 0UL, 0UL, 0UL);
    if (r == 0)
        _exit(0);
    if (r > 0)
        waitpid((pid_t)r, NULL, 0);
    return r > 0 ? 0 : r;
}

static long do_fork(void)
{
    long r = syscall(SYS_clone, (unsigned long)SIGCHLD, 0UL, 0UL, 0UL, 0UL);
    if (r == 0)
        _exit(0);
    if (r > 0)
        waitpid((pid_t)r, NULL, 0);
    return r > 0 ? 0 : r;
}

static long do_socket(unsigned long family, unsigned long type)
{
    long r = syscall(SYS_socket, family, type, 0UL);
    if (r >= 0)
        close((int)r);
    return r >= 0 ? 0 : r;
}

static long s_unix(void)
{
    return do_socket(1, 1);
}
static long s_inet(void)
{
    return do_socket(2, 2);
}
static long s_vsock(void)
{
    return do_socket(40, 1);
}
static long s_alg(void)
{
    return do_socket(38, 5);
}
static long s_vsock_high(void)
{
    return do_socket(0x100000028UL, 1);
}
static long do_unshare_user(void)
{
    return syscall(SYS_unshare, (unsigned long)CLONE_NEWUSER);
}
static long do_unshare_files(void)
{
    return syscall(SYS_unshare, (unsigned long)CLONE_FILES);
}
static long do_keyctl(void)
{
    return syscall(SYS_keyctl, 0UL, 0UL, 0UL, 0UL, 0UL);
}
static long do_bpf(void)
{
    return syscall(SYS_bpf, 0UL, 0UL, 0UL);
}
static long do_io_uring(void)
{
    return syscall(SYS_io_uring_setup, 1UL, 0UL);
}
static long do_clone3(void)
{
    return syscall(SYS_clone3, 0UL, 0UL);
}
static long do_unknown(void)
{
    return syscall(1000);
}
static long pers_query(void)
{
    return syscall(SYS_personality, 0xffffffffUL);
}
static long pers_norandom(void)
{
    return syscall(SYS_personality, (unsigned long)ADDR_NO_RANDOMIZE);
}
static long do_getppid(void)
{
    return syscall(SYS_getppid);
}

static const struct {
    const char *name;
    long (*fn)(void);
} calls[] = {
    {"mount", do_mount},
    {"unshare-user", do_unshare_user},
    {"unshare-files", do_unshare_files},
    {"clone-newns", do_clone_newns},
    {"clone-fork", do_fork},
    {"clone3", do_clone3},
    {"keyctl", do_keyctl},
    {"bpf", do_bpf},
    {"io_uring_setup", do_io_uring},
    {"socket-unix", s_unix},
    {"socket-inet", s_inet},
    {"socket-vsock", s_vsock},
    {"socket-alg", s_alg},
    {"socket-vsock-highbit", s_vsock_high},
    {"personality-query", pers_query},
    {"personality-norandom", pers_norandom},
    {"unknown-1000", do_unknown},
    {"getppid", do_getppid},
};

#if defined(__x86_64__) && !defined(__ILP32__)
static long x32_getpid(void)
{
    return syscall(0x40000000L | SYS_getpid); /* __X32_SYSCALL_BIT */
}
#endif

static int run(const char *name, long (*fn)(void))
{
    errno = 0;
    long r = fn();
    int e = errno;
    const char *en = r < 0 ? strerrorname_np(e) : NULL;
    printf("%s: %s\n", name, r < 0 ? (en ? en : "error") : "ok");
    fflush(stdout);
    return r < 0;
}

int main(int argc, char **argv)
{
    int failed = 0;
    if (argc < 2) {
        for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++)
            run(calls[i].name, calls[i].fn);
        return 0;
    }
    for (int a = 1; a < argc; a++) {
        size_t i;
        if (strcmp(argv[a], "x32-getpid") == 0) {
#if defined(__x86_64__) && !defined(__ILP32__)
            failed |= run(argv[a], x32_getpid);
#else
            printf("x32-getpid: not x86_64\n");
            failed = 1;
#endif
            continue;
        }
        for (i = 0; i < sizeof(calls) / sizeof(calls[0]); i++)
            if (strcmp(calls[i].name, argv[a]) == 0)
                break;
        if (i == sizeof(calls) / sizeof(calls[0])) {
            fprintf(stderr, "probe: unknown call %s\n", argv[a]);
            return 2;
        }
        failed |= run(calls[i].name, calls[i].fn);
    }
    return failed;
}
