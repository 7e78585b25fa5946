/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "record.h"

/* Highest syscall number tried when listing what libseccomp knows: every
 * architecture brig supports numbers its calls below this. */
#define MAX_NR 1024

static void add_name(BrigJson *names, const char *n)
{
    if (!brig_json_array_has_string(names, n))
        brig_json_append(names, brig_json_new_string(n));
}

static BrigJson *arches_of_native(void)
{
    BrigJson *a = brig_json_new(BRIG_JSON_ARRAY);
    const char *n = brig_seccomp_arch_name(seccomp_arch_native());
    if (n)
        brig_json_append(a, brig_json_new_string(n));
    return a;
}

int brig_record_notify_profile(BrigJson **ret, BrigError **err)
{
    _cleanup_(brig_json_freep) BrigJson *p = brig_json_new(BRIG_JSON_OBJECT);
    brig_json_set(p, "defaultAction", brig_json_new_string("SCMP_ACT_ALLOW"));
    brig_json_set(p, "architectures", arches_of_native());
    BrigJson *names = brig_json_new(BRIG_JSON_ARRAY);
    uint32_t native = seccomp_arch_native();
    for (int nr = 0; nr < MAX_NR; nr++) {
        _cleanup_free_ char *n = seccomp_syscall_resolve_num_arch(native, nr);
        if (n && !streq(n, "write"))
            add_name(names, n);
    }
    if (!names->n) {
        brig_json_free(names);
        return brig_error_set(err, ENOSYS, "libseccomp knows no syscall on this architecture");
    }
    BrigJson *e = brig_json_new(BRIG_JSON_OBJECT);
    brig_json_set(e, "names", names);
    brig_json_set(e, "action", brig_json_new_string("SCMP_ACT_NOTIFY"));
    BrigJson *list = brig_json_new(BRIG_JSON_ARRAY);
    brig_json_append(list, e);
    brig_json_set(p, "syscalls", list);
    *ret = TAKE_PTR(p);
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

bool brig_record_conditional(const BrigJson *oci, const char *sys)
{
    const BrigJson *e, *a;
    size_t n = 0;
    BRIG_JSON_FOREACH (e, brig_json_get(oci, "syscalls")) {
        if (!brig_json_array_has_string(brig_json_get(e, "names"), sys))
            continue;
        if (!(a = brig_json_get(e, "args")) || a->type != BRIG_JSON_ARRAY || !a->n)
            return false;
        n++;
    }
    return n > 0;
}

static bool in_list(char *const *v, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (streq(v[i], s))
            return true;
    return false;
}

/* What the runtime's own init (Go's scheduler in runc, crun's exec path) may
 * call after the filter is loaded, at moments no single recording is sure
 * to see: a futex wake that happens in one run and not the next made a
 * replay crash in runc.  They are allowed in every recorded profile. */
static const char *const runtime_floor[] = {
    "futex",         "nanosleep",   "sched_yield", "rt_sigreturn", "rt_sigprocmask",
    "sigaltstack",   "getpid",      "gettid",      "tgkill",       "mmap",
    "munmap",        "madvise",     "exit",        "exit_group",   "close",
    "fstat",         "newfstatat",  "openat",      "read",         "execve",
    "clock_gettime", "epoll_pwait", "fcntl",       "prctl",        "capget",
};

BrigJson *brig_record_result_profile(char *const *names, size_t n, char *const *arches,
                                     size_t n_arches, const BrigJson *from, char *const *keep,
                                     size_t n_keep)
{
    BrigJson *p = brig_json_new(BRIG_JSON_OBJECT);
    brig_json_set(p, "defaultAction", brig_json_new_string("SCMP_ACT_ERRNO"));
    brig_json_set(p, "defaultErrnoRet", brig_json_new_uint(ENOSYS));
    BrigJson *a = arches_of_native();
    for (size_t i = 0; i < n_arches; i++)
        add_name(a, arches[i]);
    brig_json_set(p, "architectures", a);
    /* sorted, so two recordings of one workload compare with diff(1) */
    size_t total = n + 1 + ELEMENTSOF(runtime_floor);
    _cleanup_free_ char **v = xcalloc(total, sizeof(char *));
    memcpy(v, names, n * sizeof(char *));
    v[n] = (char *)"write"; /* never notified: runc refuses NOTIFY on it */
    for (size_t i = 0; i < ELEMENTSOF(runtime_floor); i++)
        v[n + 1 + i] = (char *)runtime_floor[i];
    qsort(v, total, sizeof(char *), cmp_str);
    n = total - 1;
    BrigJson *list = brig_json_new(BRIG_JSON_ARRAY);
    for (size_t i = 0; i <= n; i++)
        if (!in_list(keep, n_keep, v[i]) && (i == 0 || !streq(v[i], v[i - 1])))
            add_name(list, v[i]);
    BrigJson *e = brig_json_new(BRIG_JSON_OBJECT);
    brig_json_set(e, "names", list);
    brig_json_set(e, "action", brig_json_new_string("SCMP_ACT_ALLOW"));
    BrigJson *sys = brig_json_new(BRIG_JSON_ARRAY);
    brig_json_append(sys, e);
    /* the unconditioned ALLOW stays first: on x86 libseccomp needs
     * socketcall allowed before conditional socket rules (docs/seccomp.md) */
    for (size_t i = 0; i <= n; i++) {
        const BrigJson *f;
        if (!in_list(keep, n_keep, v[i]) || (i > 0 && streq(v[i], v[i - 1])))
            continue;
        BRIG_JSON_FOREACH (f, brig_json_get(from, "syscalls")) {
            if (!brig_json_array_has_string(brig_json_get(f, "names"), v[i]))
                continue;
            BrigJson *c = brig_json_copy(f);
            BrigJson *one = brig_json_new(BRIG_JSON_ARRAY);
            brig_json_append(one, brig_json_new_string(v[i]));
            brig_json_set(c, "names", one);
            brig_json_append(sys, c);
        }
    }
    brig_json_set(p, "syscalls", sys);
    return p;
}

int brig_trace_profile(const BrigJson *oci, BrigJson **ret, BrigError **err)
{
    if (!oci || oci->type != BRIG_JSON_OBJECT)
        return brig_error_set(err, EINVAL, "no seccomp profile to trace");
    const char *def = brig_json_str(brig_json_get(oci, "defaultAction"));
    if (!def || streq(def, "SCMP_ACT_ALLOW"))
        return brig_error_set(err, EINVAL,
                              "the profile allows every syscall it does not list (default %s): "
                              "nothing to trace",
                              def ? def : "missing");
    _cleanup_(brig_json_freep) BrigJson *p = brig_json_copy(oci);
    BrigJson *sys = brig_json_get(p, "syscalls"), *e;
    if (!sys) {
        sys = brig_json_new(BRIG_JSON_ARRAY);
        brig_json_set(p, "syscalls", sys);
    }
    _cleanup_(brig_json_freep) BrigJson *write_entries = brig_json_new(BRIG_JSON_ARRAY);
    BRIG_JSON_FOREACH (e, sys) {
        const char *act = brig_json_str(brig_json_get(e, "action"));
        if (!act || streq(act, "SCMP_ACT_ALLOW"))
            continue;
        BrigJson *names = brig_json_get(e, "names");
        for (size_t i = 0; names && i < names->n; i++)
            if (streq(brig_json_str(names->kids[i]), "write")) {
                /* keep write's own entry as it was */
                BrigJson *w = brig_json_copy(e);
                BrigJson *wn = brig_json_new(BRIG_JSON_ARRAY);
                brig_json_append(wn, brig_json_new_string("write"));
                brig_json_set(w, "names", wn);
                brig_json_append(write_entries, w);
                brig_json_delete_at(names, i--);
            }
        brig_json_set(e, "action", brig_json_new_string("SCMP_ACT_NOTIFY"));
        brig_json_remove(e, "errnoRet");
    }
    /* drop entries left without names */
    for (size_t i = 0; i < sys->n; i++) {
        const BrigJson *n = brig_json_get(sys->kids[i], "names");
        if (n && n->type == BRIG_JSON_ARRAY && n->n == 0)
            brig_json_delete_at(sys, i--);
    }
    BRIG_JSON_FOREACH (e, write_entries)
        brig_json_append(sys, brig_json_copy(e));

    BrigJson *unlisted = brig_json_new(BRIG_JSON_ARRAY);
    uint32_t native = seccomp_arch_native();
    for (int nr = 0; nr < MAX_NR; nr++) {
        _cleanup_free_ char *n = seccomp_syscall_resolve_num_arch(native, nr);
        if (!n || streq(n, "write"))
            continue;
        bool listed = false;
        BRIG_JSON_FOREACH (e, brig_json_get(oci, "syscalls"))
            if (brig_json_array_has_string(brig_json_get(e, "names"), n)) {
                listed = true;
                break;
            }
        if (!listed)
            add_name(unlisted, n);
    }
    if (unlisted->n) {
        BrigJson *u = brig_json_new(BRIG_JSON_OBJECT);
        brig_json_set(u, "names", unlisted);
        brig_json_set(u, "action", brig_json_new_string("SCMP_ACT_NOTIFY"));
        brig_json_append(sys, u);
    } else {
        brig_json_free(unlisted);
    }
    brig_json_remove(p, "flags");
    *ret = TAKE_PTR(p);
    return 0;
}

/* ---- the supervisor ---- */

int brig_supervisor_init(BrigSupervisor *s, BrigError **err)
{
    s->listen_fd = -1;
    char tmpl[] = "/tmp/brig-listener-XXXXXX";
    if (!mkdtemp(tmpl))
        return brig_error_errno(err, errno, "creating a directory for the listener socket");
    s->dir = xstrdup(tmpl);
    s->socket_path = xasprintf("%s/seccomp.sock", tmpl);
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (strlen(s->socket_path) >= sizeof(addr.sun_path))
        return brig_error_set(err, ENAMETOOLONG, "%s: path too long", s->socket_path);
    strcpy(addr.sun_path, s->socket_path);
    s->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (s->listen_fd < 0)
        return brig_error_errno(err, errno, "socket");
    if (bind(s->listen_fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
        listen(s->listen_fd, 8) < 0)
        return brig_error_errno(err, errno, "%s", s->socket_path);
    /* only root (the runtime) may hand brig a listener */
    chmod(s->socket_path, 0600);
    return 0;
}

void brig_supervisor_done(BrigSupervisor *s)
{
    if (s->listen_fd >= 0)
        close(s->listen_fd);
    s->listen_fd = -1;
    if (s->socket_path)
        unlink(s->socket_path);
    if (s->dir)
        rmdir(s->dir);
    free(s->socket_path);
    free(s->dir);
    s->socket_path = s->dir = NULL;
    for (size_t i = 0; i < s->n_counts; i++) {
        free(s->counts[i].syscall);
        free(s->counts[i].arch);
        free(s->counts[i].comms);
    }
    free(s->counts);
    s->counts = NULL;
    s->n_counts = 0;
}

/* The runtime sends the container state JSON and the listener fd in one
 * message (OCI runtime-spec, "listenerPath"); only the fd matters here. */
static int receive_listener(int conn)
{
    char buf[65536];
    union {
        struct cmsghdr h;
        char b[CMSG_SPACE(sizeof(int) * 8)];
    } c;
    struct iovec iov = {.iov_base = buf, .iov_len = sizeof(buf)};
    struct msghdr msg = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = c.b, .msg_controllen = sizeof(c.b)};
    ssize_t k;
    do
        k = recvmsg(conn, &msg, MSG_CMSG_CLOEXEC);
    while (k < 0 && errno == EINTR);
    if (k < 0)
        return -errno;
    int fd = -1;
    for (struct cmsghdr *h = CMSG_FIRSTHDR(&msg); h; h = CMSG_NXTHDR(&msg, h)) {
        if (h->cmsg_level != SOL_SOCKET || h->cmsg_type != SCM_RIGHTS)
            continue;
        size_t n = (h->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        int fds[8];
        memcpy(fds, CMSG_DATA(h), n * sizeof(int));
        for (size_t i = 0; i < n; i++) {
            if (fd < 0)
                fd = fds[i];
            else
                close(fds[i]);
        }
    }
    return fd >= 0 ? fd : -EBADMSG;
}

static void read_comm(pid_t pid, char *buf, size_t len)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
    _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t k = fd >= 0 ? read(fd, buf, len - 1) : -1;
    if (k <= 0) {
        snprintf(buf, len, "?");
        return;
    }
    buf[k] = '\0';
    buf[strcspn(buf, "\n")] = '\0';
}

static void count(BrigSupervisor *s, const char *name, uint32_t arch, int e, const char *comm)
{
    const char *an = brig_seccomp_arch_name(arch) ?: "?";
    BrigNotifCount *c = NULL;
    for (size_t i = 0; i < s->n_counts && !c; i++)
        if (streq(s->counts[i].syscall, name) && streq(s->counts[i].arch, an) &&
            s->counts[i].answer_errno == e)
            c = &s->counts[i];
    if (!c) {
        s->counts = xrealloc(s->counts, (s->n_counts + 1) * sizeof(*s->counts));
        c = &s->counts[s->n_counts++];
        *c = (BrigNotifCount){.syscall = xstrdup(name), .arch = xstrdup(an), .answer_errno = e};
    }
    c->count++;
    s->total++;
    /* a few distinct process names are enough to point at the culprit */
    if (!c->comms)
        c->comms = xstrdup(comm);
    else if (!strstr(c->comms, comm) && strlen(c->comms) < 64) {
        char *n = xasprintf("%s, %s", c->comms, comm);
        free(c->comms);
        c->comms = n;
    }
}

static int handle(BrigSupervisor *s, int fd, struct seccomp_notif *req, size_t req_size,
                  struct seccomp_notif_resp *resp, size_t resp_size)
{
    memset(req, 0, req_size); /* the kernel insists */
    if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, req) < 0)
        return errno == EINTR || errno == ENOENT ? 0 : -errno;
    memset(resp, 0, resp_size);
    resp->id = req->id;
    int e = 0;
    if (s->mode == BRIG_SUPERVISE_TRACE && s->answer) {
        uint32_t act = brig_sim_action(s->answer, req->data.arch, req->data.nr,
                                       (const uint64_t *)req->data.args);
        if ((act & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_ERRNO)
            e = (int)(act & SECCOMP_RET_DATA);
        else if ((act & SECCOMP_RET_ACTION_FULL) != SECCOMP_RET_ALLOW)
            e = EPERM; /* KILL/TRAP/TRACE cannot be replayed from here */
    }
    if (e)
        resp->error = -e;
    else
        resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;

    char comm[32];
    read_comm(req->pid, comm, sizeof(comm));
    uint32_t arch = req->data.arch;
    if (arch == SCMP_ARCH_X86_64 && (req->data.nr & 0x40000000)) /* an x32 task */
        arch = SCMP_ARCH_X32;
    _cleanup_free_ char *name = seccomp_syscall_resolve_num_arch(arch, req->data.nr);
    _cleanup_free_ char *num = name ? NULL : xasprintf("%d", req->data.nr);
    /* answer before reporting: the caller's output must not hold up the
     * container; ENOENT means the caller died meanwhile */
    if (ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, resp) < 0 && errno != ENOENT && errno != EINTR)
        return -errno;
    count(s, name ? name : num, arch, e, comm);
    if (s->on_event) {
        BrigNotifEvent ev = {.pid = (pid_t)req->pid,
                             .comm = comm,
                             .syscall = name ? name : num,
                             .nr = req->data.nr,
                             .arch = arch,
                             .answer_errno = e};
        memcpy(ev.args, req->data.args, sizeof(ev.args));
        s->on_event(&ev, s->userdata);
    }
    return 0;
}

#define MAX_LISTENERS 16

int brig_supervisor_run(BrigSupervisor *s, char *const *argv, int *ret_status, BrigError **err)
{
    struct seccomp_notif_sizes sizes = {0};
    if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) < 0)
        return brig_error_errno(err, errno, "this kernel has no seccomp user notification");
    size_t req_size = sizes.seccomp_notif > sizeof(struct seccomp_notif)
                          ? sizes.seccomp_notif
                          : sizeof(struct seccomp_notif);
    size_t resp_size = sizes.seccomp_notif_resp > sizeof(struct seccomp_notif_resp)
                           ? sizes.seccomp_notif_resp
                           : sizeof(struct seccomp_notif_resp);
    _cleanup_free_ struct seccomp_notif *req = xcalloc(1, req_size);
    _cleanup_free_ struct seccomp_notif_resp *resp = xcalloc(1, resp_size);

    pid_t pid = fork();
    if (pid < 0)
        return brig_error_errno(err, errno, "fork");
    if (pid == 0) {
        execv(argv[0], argv);
        _exit(127);
    }
    _cleanup_close_ int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);

    int listeners[MAX_LISTENERS];
    size_t n_listeners = 0;
    bool exited = false;
    int status = 0, r = 0;
    while (!exited || n_listeners > 0) {
        struct pollfd p[MAX_LISTENERS + 2];
        nfds_t np = 0;
        p[np++] = (struct pollfd){.fd = s->listen_fd, .events = POLLIN};
        p[np++] = (struct pollfd){.fd = exited ? -1 : pidfd, .events = POLLIN};
        for (size_t i = 0; i < n_listeners; i++)
            p[np++] = (struct pollfd){.fd = listeners[i], .events = POLLIN};
        /* after the runtime is gone, a listener that neither hangs up nor
         * notifies within 2 s belongs to processes that outlived it */
        size_t polled = n_listeners;
        int k = poll(p, np, exited ? 2000 : (pidfd < 0 ? 200 : -1));
        if (k < 0 && errno != EINTR) {
            r = brig_error_errno(err, errno, "poll");
            break;
        }
        if (k == 0 && exited)
            break;
        if (!exited && (pidfd < 0 || (p[1].revents & POLLIN))) {
            if (waitpid(pid, &status, pidfd < 0 ? WNOHANG : 0) == pid)
                exited = true;
        }
        if (p[0].revents & POLLIN) {
            _cleanup_close_ int conn = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC);
            int fd = conn >= 0 ? receive_listener(conn) : -errno;
            if (fd >= 0 && n_listeners < MAX_LISTENERS)
                listeners[n_listeners++] = fd;
            else if (fd >= 0)
                close(fd);
        }
        for (size_t i = 0; i < polled; i++) {
            short re = p[2 + i].revents;
            if (re & POLLIN) {
                int h = handle(s, listeners[i], req, req_size, resp, resp_size);
                if (h < 0 && h != -ENOENT)
                    re |= POLLHUP;
            }
            if (re & (POLLHUP | POLLERR | POLLNVAL)) {
                close(listeners[i]);
                listeners[i] = -1;
            }
        }
        size_t j = 0;
        for (size_t i = 0; i < n_listeners; i++)
            if (listeners[i] >= 0)
                listeners[j++] = listeners[i];
        n_listeners = j;
    }
    for (size_t i = 0; i < n_listeners; i++)
        close(listeners[i]);
    if (!exited) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
    }
    if (r < 0)
        return r;
    *ret_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return 0;
}
