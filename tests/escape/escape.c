/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The escape battery: runs inside a container and tries known escape and
 * privilege-escalation techniques, printing one JSON line per attempt:
 *   {"technique":"...","result":"blocked"|"succeeded","errno":N,"detail":"..."}
 *
 * Every attempt stops at the step that proves the privilege (an open for
 * writing, a syscall that passed its permission check) and never uses it:
 * under a permissive config (docker --privileged under plain runc) the
 * battery must not damage the host it is measuring.  Where the kernel checks
 * arguments after permissions, arguments are chosen so a permitted call
 * fails harmlessly with EINVAL/ENOENT, which is reported as "succeeded".
 *
 * Statically linked so it runs in any rootfs.  `escape suid-probe` is the
 * helper exec'd through a setuid-root copy of itself. */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_alg.h>
#include <linux/io_uring.h>
#include <linux/reboot.h>
#include <linux/vm_sockets.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef CLONE_NEWCGROUP
#define CLONE_NEWCGROUP 0x02000000
#endif

static int n_succeeded;

/* Every technique of the battery, each reported exactly once per run.
 * tests/escape/run compares a run's lines with this list ("escape --list"):
 * a battery that stops partway, or skips an attempt, is a failed run, not
 * fewer attempts that all happened to be blocked. */
static const char *const all_techniques[] = {
    "mount_tmpfs",
    "remount_proc_sys_rw",
    "remount_sys_rw",
    "unshare_userns_mount",
    "clone_newuser",
    "clone_newns",
    "setns",
    "keyctl",
    "add_key",
    "bpf",
    "perf_event_open",
    "userfaultfd",
    "io_uring_setup",
    "ptrace_pid1",
    "ptrace_other_process",
    "open_by_handle_at",
    "mknod_block_device",
    "raw_disk_access",
    "write_sysrq_trigger",
    "write_core_pattern",
    "read_kcore",
    "kallsyms_addresses",
    "write_sys_kernel",
    "cgroup_release_agent",
    "init_module",
    "reboot",
    "sethostname",
    "clock_settime",
    "swapon",
    "acct",
    "kexec_load",
    "raw_socket",
    "packet_socket",
    "socket_af_vsock",
    "socket_af_alg",
    "setuid_0",
    "setuid_binary",
    "chroot_breakout",
    "write_rootfs",
    "chmod_setuid",
    "engine_socket",
};
#define N_TECHNIQUES (sizeof(all_techniques) / sizeof(all_techniques[0]))
static bool reported[N_TECHNIQUES];

static void report(const char *technique, bool ok, int err, const char *detail)
{
    size_t i = 0;
    while (i < N_TECHNIQUES && strcmp(all_techniques[i], technique) != 0)
        i++;
    if (i == N_TECHNIQUES || reported[i]) {
        /* a programming error of the battery: fail loudly, never skew counts */
        fprintf(stderr, "escape: technique %s is %s\n", technique,
                i == N_TECHNIQUES ? "not in all_techniques[]" : "reported twice");
        abort();
    }
    reported[i] = true;
    n_succeeded += ok;
    printf("{\"technique\":\"%s\",\"result\":\"%s\",\"errno\":%d,\"detail\":\"%s\"}\n", technique,
           ok ? "succeeded" : "blocked", ok ? 0 : err, detail ? detail : "");
    fflush(stdout);
}

/* A syscall outcome: 0 means the privilege was there. */
static void outcome(const char *technique, long r, const char *detail)
{
    report(technique, r >= 0, r >= 0 ? 0 : errno, detail);
}

/* Runs fn in a child so namespace and credential changes stay contained;
 * the child's exit status is 0 for "succeeded", else the errno. */
static void in_child(const char *technique, int (*fn)(void), const char *detail)
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(fn());
    int st = 0;
    waitpid(pid, &st, 0);
    int code = WIFEXITED(st) ? WEXITSTATUS(st) : 255;
    report(technique, code == 0, code, detail);
}

static void try_open_write(const char *technique, const char *path)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
    int e = errno;
    if (fd >= 0)
        close(fd);
    errno = e;
    outcome(technique, fd, path);
}

static void try_open_read(const char *technique, const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    int e = errno;
    if (fd >= 0)
        close(fd);
    errno = e;
    outcome(technique, fd, path);
}

static void try_socket(const char *technique, int domain, int type, int proto)
{
    int fd = socket(domain, type | SOCK_CLOEXEC, proto);
    int e = errno;
    if (fd >= 0)
        close(fd);
    errno = e;
    outcome(technique, fd, NULL);
}

static int child_unshare_userns_mount(void)
{
    if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
        return errno;
    if (mount("none", "/tmp", "tmpfs", 0, NULL) < 0)
        return errno;
    return 0;
}

static int child_clone_newuser(void)
{
    long pid = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);
    if (pid == 0)
        _exit(0);
    if (pid < 0)
        return errno;
    waitpid((pid_t)pid, NULL, 0);
    return 0;
}

static int child_clone_newns(void)
{
    long pid = syscall(SYS_clone, CLONE_NEWNS | SIGCHLD, 0, 0, 0, 0);
    if (pid == 0)
        _exit(0);
    if (pid < 0)
        return errno;
    waitpid((pid_t)pid, NULL, 0);
    return 0;
}

static int child_setns(void)
{
    int fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno;
    return setns(fd, CLONE_NEWNET) < 0 ? errno : 0;
}

static int child_chroot_breakout(void)
{
    /* chroot itself is the privilege (CAP_SYS_CHROOT): with it, chroot into
     * a subdirectory, chdir(".."), chroot(".") walks out of a plain chroot.
     * Probing with "/" needs no writable directory. */
    if (chroot("/") < 0)
        return errno;
    for (int i = 0; i < 64; i++)
        if (chdir("..") < 0)
            break;
    if (chroot(".") < 0)
        return errno;
    return 0;
}

static int child_setuid0(void)
{
    if (setuid(0) < 0)
        return errno;
    return getuid() == 0 ? 0 : EPERM;
}

static int child_ptrace_pid1(void)
{
    if (getpid() == 1)
        return ESRCH;
    if (ptrace(PTRACE_ATTACH, 1, NULL, NULL) < 0)
        return errno;
    waitpid(1, NULL, __WALL);
    ptrace(PTRACE_DETACH, 1, NULL, NULL);
    return 0;
}

static int child_ptrace_sibling(void)
{
    pid_t target = fork();
    if (target == 0) {
        pause();
        _exit(0);
    }
    /* Attaching to a sibling needs CAP_SYS_PTRACE or the ptrace syscall;
     * use the grandchild so Yama's parent rule does not decide it. */
    pid_t tracer = fork();
    if (tracer == 0) {
        if (ptrace(PTRACE_ATTACH, target, NULL, NULL) < 0)
            _exit(errno);
        waitpid(target, NULL, __WALL);
        ptrace(PTRACE_DETACH, target, NULL, NULL);
        _exit(0);
    }
    int st = 0;
    waitpid(tracer, &st, 0);
    kill(target, SIGKILL);
    waitpid(target, NULL, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 255;
}

static void try_open_by_handle(void)
{
    struct {
        struct file_handle fh;
        unsigned char buf[MAX_HANDLE_SZ];
    } h;
    int mount_id;
    h.fh.handle_bytes = MAX_HANDLE_SZ;
    if (name_to_handle_at(AT_FDCWD, "/", &h.fh, &mount_id, 0) < 0) {
        outcome("open_by_handle_at", -1, "name_to_handle_at failed");
        return;
    }
    int fd = open_by_handle_at(AT_FDCWD, &h.fh, O_RDONLY | O_CLOEXEC);
    int e = errno;
    if (fd >= 0)
        close(fd);
    errno = e;
    outcome("open_by_handle_at", fd, "shocker");
}

static void try_raw_disk(void)
{
    static const char *const disks[] = {"/dev/sda",  "/dev/vda", "/dev/nvme0n1",
                                        "/dev/xvda", "/dev/mem", NULL};
    for (const char *const *d = disks; *d; d++) {
        int fd = open(*d, O_RDONLY | O_CLOEXEC);
        if (fd >= 0) {
            close(fd);
            report("raw_disk_access", true, 0, *d);
            return;
        }
    }
    report("raw_disk_access", false, ENOENT, "no host disk or /dev/mem reachable");
}

static void try_mknod(void)
{
    /* /dev is a tmpfs the runtime mounts, so this works on a read-only
     * rootfs; fall back to /tmp. */
    static const char *const paths[] = {"/dev/.brig-sda", "/tmp/.brig-sda", NULL};
    long r = -1;
    int e = ENOENT;
    for (const char *const *p = paths; *p && r < 0; p++) {
        r = mknod(*p, S_IFBLK | 0600, makedev(8, 0));
        if (r == 0)
            unlink(*p);
        else
            e = errno;
        if (r < 0 && e != EROFS && e != ENOENT)
            break;
    }
    errno = e;
    outcome("mknod_block_device", r, "b 8:0");
}

static void try_kallsyms(void)
{
    FILE *f = fopen("/proc/kallsyms", "re");
    if (!f) {
        outcome("kallsyms_addresses", -1, "cannot open");
        return;
    }
    char line[256];
    bool leaked = false;
    for (int i = 0; i < 16 && fgets(line, sizeof(line), f); i++)
        if (strtoull(line, NULL, 16) != 0)
            leaked = true;
    fclose(f);
    report("kallsyms_addresses", leaked, leaked ? 0 : EPERM,
           leaked ? "kernel addresses visible" : "addresses zeroed");
}

static void try_release_agent(void)
{
    static const char *const agents[] = {
        "/sys/fs/cgroup/release_agent",         "/sys/fs/cgroup/memory/release_agent",
        "/sys/fs/cgroup/pids/release_agent",    "/sys/fs/cgroup/cpu/release_agent",
        "/sys/fs/cgroup/systemd/release_agent", NULL,
    };
    for (const char *const *a = agents; *a; a++) {
        int fd = open(*a, O_WRONLY | O_CLOEXEC);
        if (fd >= 0) {
            close(fd);
            report("cgroup_release_agent", true, 0, *a);
            return;
        }
    }
    /* the classic escape mounts a fresh cgroup v1 hierarchy to reach it */
    int r = mount("cgroup", "/tmp", "cgroup", 0, "memory");
    int e = errno;
    if (r == 0)
        umount("/tmp");
    errno = e;
    outcome("cgroup_release_agent", r, "mount cgroup v1 to reach release_agent");
}

static void try_engine_socket(void)
{
    static const char *const socks[] = {
        "/var/run/docker.sock",
        "/run/docker.sock",
        "/run/containerd/containerd.sock",
        "/var/run/containerd/containerd.sock",
        "/run/podman/podman.sock",
        NULL,
    };
    for (const char *const *s = socks; *s; s++) {
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        struct sockaddr_un sa = {.sun_family = AF_UNIX};
        snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", *s);
        int r = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
        close(fd);
        if (r == 0) {
            report("engine_socket", true, 0, *s);
            return;
        }
    }
    report("engine_socket", false, ENOENT, "no engine socket reachable");
}

static void try_setuid_binary(const char *self)
{
    /* The runner plants /escape-suid: a root-owned setuid copy of this
     * program.  With no_new_privs the kernel ignores the bit. */
    if (access("/escape-suid", X_OK) < 0) {
        report("setuid_binary", false, errno, "no /escape-suid in the rootfs");
        return;
    }
    if (geteuid() == 0) {
        report("setuid_binary", true, 0, "already root: nothing to escalate from");
        return;
    }
    int pipefd[2];
    if (pipe2(pipefd, O_CLOEXEC) < 0) {
        report("setuid_binary", false, errno, "pipe2 failed: not tried");
        return;
    }
    pid_t pid = fork();
    if (pid == 0) {
        dup2(pipefd[1], STDOUT_FILENO);
        execl("/escape-suid", "escape-suid", "suid-probe", (char *)NULL);
        _exit(127);
    }
    close(pipefd[1]);
    char buf[32] = {0};
    ssize_t n = read(pipefd[0], buf, sizeof(buf) - 1);
    close(pipefd[0]);
    waitpid(pid, NULL, 0);
    bool root = n > 0 && atoi(buf) == 0 && buf[0] == '0';
    report("setuid_binary", root, root ? 0 : EPERM, root ? "euid 0" : "euid unchanged");
    (void)self;
}

static void try_chmod_suid(void)
{
    struct stat st;
    if (stat("/bin/busybox", &st) < 0 || st.st_uid != 0) {
        report("chmod_setuid", false, ENOENT, "no root-owned /bin/busybox");
        return;
    }
    long r = chmod("/bin/busybox", st.st_mode | S_ISUID);
    int e = errno;
    if (r == 0)
        chmod("/bin/busybox", st.st_mode & 07777);
    errno = e;
    outcome("chmod_setuid", r, "/bin/busybox u+s");
}

static void try_write_rootfs(void)
{
    int fd = open("/.brig-escape", O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    int e = errno;
    if (fd >= 0) {
        close(fd);
        unlink("/.brig-escape");
    }
    errno = e;
    outcome("write_rootfs", fd, "/.brig-escape");
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "suid-probe") == 0) {
        printf("%d\n", (int)geteuid());
        return 0;
    }
    if (argc > 1 && strcmp(argv[1], "--list") == 0) {
        for (size_t i = 0; i < N_TECHNIQUES; i++)
            printf("%s\n", all_techniques[i]);
        return 0;
    }
    /* --hold: stay alive once done, so the runner can look at this process
     * from the host (namespaces, ids, cgroup, mounts) before killing it */
    bool hold = argc > 1 && strcmp(argv[1], "--hold") == 0;
    char hostname[256] = "container";
    gethostname(hostname, sizeof(hostname));
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);

    outcome("mount_tmpfs", mount("none", "/mnt", "tmpfs", 0, NULL), "/mnt");
    outcome("remount_proc_sys_rw", mount(NULL, "/proc/sys", NULL, MS_REMOUNT | MS_BIND, NULL),
            "/proc/sys");
    outcome("remount_sys_rw", mount(NULL, "/sys", NULL, MS_REMOUNT | MS_BIND, NULL), "/sys");
    in_child("unshare_userns_mount", child_unshare_userns_mount, "unshare(NEWUSER|NEWNS)+mount");
    in_child("clone_newuser", child_clone_newuser, "clone(CLONE_NEWUSER)");
    in_child("clone_newns", child_clone_newns, "clone(CLONE_NEWNS)");
    in_child("setns", child_setns, "setns(CLONE_NEWNET)");
    outcome("keyctl", syscall(SYS_keyctl, 1 /* KEYCTL_JOIN_SESSION_KEYRING */, NULL), NULL);
    outcome("add_key",
            syscall(SYS_add_key, "user", "brig-escape", "x", 1, -2 /* KEY_SPEC_PROCESS_KEYRING */),
            NULL);
    {
        union {
            struct {
                uint32_t map_type, key_size, value_size, max_entries;
            } m;
            char pad[128];
        } attr = {.m = {2 /* BPF_MAP_TYPE_ARRAY */, 4, 4, 1}};
        long fd = syscall(SYS_bpf, 0 /* BPF_MAP_CREATE */, &attr, sizeof(attr));
        int e = errno;
        if (fd >= 0)
            close((int)fd);
        errno = e;
        outcome("bpf", fd, "BPF_MAP_CREATE");
    }
    {
        struct {
            uint32_t type, size;
            uint64_t config;
            char pad[112];
        } attr = {.type = 1 /* PERF_TYPE_SOFTWARE */, .size = 128, .config = 0};
        long fd = syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0);
        int e = errno;
        if (fd >= 0)
            close((int)fd);
        errno = e;
        outcome("perf_event_open", fd, "software cpu-clock on self");
    }
    {
        long fd = syscall(SYS_userfaultfd, O_CLOEXEC);
        int e = errno;
        if (fd >= 0)
            close((int)fd);
        errno = e;
        outcome("userfaultfd", fd, NULL);
    }
    {
        struct io_uring_params p;
        memset(&p, 0, sizeof(p));
        long fd = syscall(SYS_io_uring_setup, 1, &p);
        int e = errno;
        if (fd >= 0)
            close((int)fd);
        errno = e;
        outcome("io_uring_setup", fd, NULL);
    }
    in_child("ptrace_pid1", child_ptrace_pid1, "PTRACE_ATTACH to pid 1");
    in_child("ptrace_other_process", child_ptrace_sibling, "PTRACE_ATTACH to a sibling");
    try_open_by_handle();
    try_mknod();
    try_raw_disk();
    try_open_write("write_sysrq_trigger", "/proc/sysrq-trigger");
    try_open_write("write_core_pattern", "/proc/sys/kernel/core_pattern");
    try_open_read("read_kcore", "/proc/kcore");
    try_kallsyms();
    try_open_write("write_sys_kernel", "/sys/kernel/uevent_helper");
    try_release_agent();
    outcome("init_module", syscall(SYS_init_module, NULL, 0, ""), NULL);
    outcome("reboot",
            syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, 0xdeadbeef, NULL),
            "invalid cmd: EINVAL means permitted");
    outcome("sethostname", sethostname(hostname, strlen(hostname)), "set to the current name");
    outcome("clock_settime", clock_settime(CLOCK_REALTIME, &now), "set to the current time");
    outcome("swapon", syscall(SYS_swapon, "/nonexistent-brig", 0), "ENOENT means permitted");
    outcome("acct", syscall(SYS_acct, "/nonexistent-brig"), "ENOENT means permitted");
    outcome("kexec_load", syscall(SYS_kexec_load, 0, 0, NULL, 0xdeadbeef),
            "invalid flags: EINVAL means permitted");
    try_socket("raw_socket", AF_INET, SOCK_RAW, IPPROTO_ICMP);
    try_socket("packet_socket", AF_PACKET, SOCK_RAW, 0);
    try_socket("socket_af_vsock", AF_VSOCK, SOCK_STREAM, 0);
    try_socket("socket_af_alg", AF_ALG, SOCK_SEQPACKET, 0);
    in_child("setuid_0", child_setuid0, "setuid(0)");
    try_setuid_binary(argv[0]);
    in_child("chroot_breakout", child_chroot_breakout, "chroot + chdir(..) + chroot(.)");
    try_write_rootfs();
    try_chmod_suid();
    try_engine_socket();
    size_t n = 0;
    for (size_t i = 0; i < N_TECHNIQUES; i++)
        n += reported[i];
    printf("{\"battery\":\"done\",\"reported\":%zu,\"of\":%zu}\n", n, N_TECHNIQUES);
    fflush(stdout);
    fprintf(stderr, "escape: %d technique(s) succeeded\n", n_succeeded);
    while (hold)
        pause();
    return 0;
}
