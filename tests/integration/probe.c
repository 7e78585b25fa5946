/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A static probe for seccomp tests: makes raw system calls (so libc can
 * neither hide nor translate the errno) and prints one line per call,
 * "NAME: ok" or "NAME: EPERM".
 *   probe            every call below
 *   probe NAME...    only these; exits 1 if any of them failed
 *   probe x32-getpid an x32 getpid() (x86_64 only); not in the full run,
 *                    since a filter without an x32 entry kills the caller
 * Also not in the full run, attacks on whoever supervises the container:
 *   tty-attack       on each of fds 0-2 that is a terminal: clear IXON and
 *                    ISIG, then stop its output (TCXONC TCOOFF); ENOTTY if
 *                    none is a terminal
 *   flood            writes 1 MiB to stdout
 *   comm-escape      names itself "\e[31m\e]0;x\a" (a colour and a window
 *                    title) for the calls that follow
 * Built 32-bit too (probe32, gcc -m32), where socket() has two entry
 * points: the direct call and socketcall(SYS_SOCKET), whose arguments are
 * in memory a filter cannot read.
 * Nothing it gains is used: a call that unexpectedly succeeds is undone or
 * its result closed. */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
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
#if __SIZEOF_LONG__ == 8 /* a 32-bit register has no high bits */
static long s_vsock_high(void)
{
    return do_socket(0x100000028UL, 1);
}
#endif
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
static long do_getcwd(void)
{
    char buf[256];
    long r = syscall(SYS_getcwd, buf, sizeof(buf));
    return r < 0 ? r : 0;
}
static long do_sethostname(void)
{
    /* the container's own UTS namespace; the name it already has */
    char name[65] = "";
    gethostname(name, sizeof(name) - 1);
    return syscall(SYS_sethostname, name, strlen(name));
}

/* a zero-sized handle buffer: EOVERFLOW when the call is allowed (the
 * kernel says how much room it needs), whatever the caller's privileges */
static long do_name_to_handle_at(void)
{
    struct {
        unsigned int handle_bytes;
        int handle_type;
    } h = {0, 0};
    int mount_id;
    return syscall(SYS_name_to_handle_at, -100 /* AT_FDCWD */, "/", &h, &mount_id, 0);
}

#ifdef SYS_socketcall
/* socketcall(SYS_SOCKET, {family, type, 0}) */
static long socketcall_socket(unsigned long family, unsigned long type)
{
    unsigned long args[3] = {family, type, 0};
    long r = syscall(SYS_socketcall, 1L, args);
    if (r >= 0)
        close((int)r);
    return r >= 0 ? 0 : r;
}
static long sc_inet(void)
{
    return socketcall_socket(2, 2);
}
static long sc_vsock(void)
{
    return socketcall_socket(40, 1);
}
static long sc_alg(void)
{
    return socketcall_socket(38, 5);
}
#endif

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
#if __SIZEOF_LONG__ == 8
    {"socket-vsock-highbit", s_vsock_high},
#endif
    {"personality-query", pers_query},
    {"personality-norandom", pers_norandom},
    {"unknown-1000", do_unknown},
    {"getppid", do_getppid},
    {"getcwd", do_getcwd},
    {"sethostname", do_sethostname},
    {"name_to_handle_at", do_name_to_handle_at},
#ifdef SYS_socketcall
    {"socketcall-inet", sc_inet},
    {"socketcall-vsock", sc_vsock},
    {"socketcall-alg", sc_alg},
#endif
};

static long tty_attack(void)
{
    int ttys = 0;
    for (int fd = 0; fd < 3; fd++) {
        struct termios t;
        if (!isatty(fd) || tcgetattr(fd, &t) < 0)
            continue;
        t.c_iflag &= ~(tcflag_t)IXON;
        t.c_lflag &= ~(tcflag_t)ISIG;
        tcsetattr(fd, TCSANOW, &t);
        ioctl(fd, TCXONC, TCOOFF);
        ttys++;
    }
    errno = ttys ? 0 : ENOTTY;
    return ttys ? 0 : -1;
}

static long flood(void)
{
    static char buf[65536];
    memset(buf, 'x', sizeof(buf) - 1);
    buf[sizeof(buf) - 1] = '\n';
    for (int i = 0; i < 16; i++)
        for (size_t off = 0; off < sizeof(buf);) {
            ssize_t n = write(STDOUT_FILENO, buf + off, sizeof(buf) - off);
            if (n < 0)
                return -1;
            off += (size_t)n;
        }
    return 0;
}

static long comm_escape(void)
{
    return prctl(PR_SET_NAME, "\033[31m\033]0;x\a", 0, 0, 0);
}

static const struct {
    const char *name;
    long (*fn)(void);
} extras[] = {
    {"tty-attack", tty_attack},
    {"flood", flood},
    {"comm-escape", comm_escape},
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
        for (i = 0; i < sizeof(extras) / sizeof(extras[0]); i++)
            if (strcmp(extras[i].name, argv[a]) == 0)
                break;
        if (i < sizeof(extras) / sizeof(extras[0])) {
            failed |= run(extras[i].name, extras[i].fn);
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
