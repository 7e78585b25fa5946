/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <fcntl.h>
#include <limits.h>
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
#include <time.h>
#include <unistd.h>

#include "supervisor.h"

/* After the runtime has exited, how long listeners and output pipes held
 * by processes that outlived it are served. */
#define DRAIN_MS 2000
/* The signal path: the runtime's delete, then the runtime itself. */
#define STOP_MS 10000
#define RUNTIME_EXIT_MS 5000
/* Output held per stream while brig's own stdout/stderr cannot take it;
 * when full, brig stops reading and the container's writes wait. */
#define RELAY_BUF 65536
#define MAX_LISTENERS 16

/* ---- signals ---- */

static volatile sig_atomic_t caught;
static int sig_pipe[2] = {-1, -1};

static void on_signal(int sig)
{
    int saved = errno;
    if (!caught)
        caught = sig;
    if (sig_pipe[1] >= 0)
        (void)!write(sig_pipe[1], "", 1);
    errno = saved;
}

int brig_supervisor_catch_signals(BrigError **err)
{
    if (sig_pipe[0] < 0 && pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
        return brig_error_errno(err, errno, "pipe");
    /* no SA_RESTART: a write blocked on brig's own terminal returns EINTR */
    struct sigaction sa = {.sa_handler = on_signal};
    sigemptyset(&sa.sa_mask);
    const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    for (size_t i = 0; i < ELEMENTSOF(sigs); i++) {
        struct sigaction old;
        /* SIGINT or SIGHUP ignored from the start (a background job,
         * nohup) stays ignored, as the shell asked */
        if (sigs[i] != SIGTERM && sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
            continue;
        if (sigaction(sigs[i], &sa, NULL) < 0)
            return brig_error_errno(err, errno, "sigaction");
    }
    signal(SIGPIPE, SIG_IGN);
    return 0;
}

int brig_supervisor_caught(void)
{
    return caught;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- answers and counts ---- */

const char *brig_answer_text(BrigAnswer answer, int answer_errno)
{
    switch (answer) {
    case BRIG_ANSWER_ALLOW:
        return "(ran)";
    case BRIG_ANSWER_LOG:
        return "(logged)";
    case BRIG_ANSWER_KILL:
        return "(killed)";
    case BRIG_ANSWER_TRAP:
        return "(SIGSYS)";
    case BRIG_ANSWER_ERRNO:
        break;
    }
    if (answer_errno == 0)
        return "0"; /* ERRNO(0): the call returns 0 without running */
    return strerrorname_np(answer_errno) ?: "E?";
}

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
int brig_listener_receive(int conn)
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

/* The name a process gave itself is the container's text: escaped. */
char *brig_proc_comm(pid_t pid)
{
    char path[64], buf[64];
    snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
    _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t k = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
    if (k <= 0)
        return xstrdup("?");
    if (buf[k - 1] == '\n') /* the kernel's, not part of the name */
        k--;
    buf[k] = '\0';
    return brig_escape(buf, (size_t)k);
}

static pid_t read_tgid(pid_t tid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
    _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t k = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
    if (k <= 0)
        return tid;
    buf[k] = '\0';
    const char *t = strstr(buf, "\nTgid:");
    return t ? (pid_t)strtol(t + 6, NULL, 10) : tid;
}

/* Whether `pid` still runs the runtime's code: its executable is the
 * runtime binary, or the sealed memfd copy runc and crun re-execute to
 * protect the host binary (CVE-2019-5736).  A process that cannot be
 * looked at does not count as the container. */
static bool runs_runtime(const BrigSupervisor *s, pid_t pid)
{
    char path[64], link[PATH_MAX];
    struct stat st;
    snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
    if (pid <= 0 || stat(path, &st) < 0)
        return true;
    if (st.st_dev == s->runtime_dev && st.st_ino == s->runtime_ino)
        return true;
    ssize_t n = readlink(path, link, sizeof(link) - 1);
    if (n < 0)
        return true;
    link[n] = '\0';
    return startswith(link, "/memfd:");
}

static void count(BrigSupervisor *s, const char *name, uint32_t arch, BrigAnswer ans, int e,
                  const char *comm)
{
    const char *an = brig_seccomp_arch_name(arch) ?: "?";
    BrigNotifCount *c = NULL;
    for (size_t i = 0; i < s->n_counts && !c; i++)
        if (streq(s->counts[i].syscall, name) && streq(s->counts[i].arch, an) &&
            s->counts[i].answer == ans && s->counts[i].answer_errno == e)
            c = &s->counts[i];
    if (!c) {
        s->counts = xrealloc(s->counts, (s->n_counts + 1) * sizeof(*s->counts));
        c = &s->counts[s->n_counts++];
        *c = (BrigNotifCount){
            .syscall = xstrdup(name), .arch = xstrdup(an), .answer = ans, .answer_errno = e};
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

/* What the profile's action does to the call, as closely as a supervisor
 * can: see BrigAnswer.  record lets every call run. */
static BrigAnswer decide(const BrigSupervisor *s, const struct seccomp_notif *req, int *ret_errno)
{
    *ret_errno = 0;
    if (s->mode != BRIG_SUPERVISE_TRACE || !s->answer)
        return BRIG_ANSWER_ALLOW;
    uint32_t act =
        brig_sim_action(s->answer, req->data.arch, req->data.nr, (const uint64_t *)req->data.args);
    switch (act & SECCOMP_RET_ACTION_FULL) {
    case SECCOMP_RET_ALLOW:
        return BRIG_ANSWER_ALLOW;
    case SECCOMP_RET_LOG:
        return BRIG_ANSWER_LOG;
    case SECCOMP_RET_ERRNO:
        *ret_errno = (int)(act & SECCOMP_RET_DATA);
        return BRIG_ANSWER_ERRNO;
    case SECCOMP_RET_KILL_PROCESS:
    case SECCOMP_RET_KILL_THREAD:
        return BRIG_ANSWER_KILL;
    case SECCOMP_RET_TRAP:
        *ret_errno = ENOSYS;
        return BRIG_ANSWER_TRAP;
    default:
        /* TRACE without a tracer fails ENOSYS (seccomp(2)); so does a
         * NOTIFY whose listener is not there */
        *ret_errno = ENOSYS;
        return BRIG_ANSWER_ERRNO;
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
    BrigAnswer ans = decide(s, req, &e);
    pid_t pid = (pid_t)req->pid;
    if (ans == BRIG_ANSWER_ALLOW || ans == BRIG_ANSWER_LOG)
        resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
    else
        resp->error = ans == BRIG_ANSWER_KILL ? -EPERM : -e;
    /* the signals go to the thread while it still waits on this
     * notification, so its id cannot have been reused */
    if ((ans == BRIG_ANSWER_KILL || ans == BRIG_ANSWER_TRAP) &&
        ioctl(fd, SECCOMP_IOCTL_NOTIF_ID_VALID, &req->id) == 0)
        syscall(SYS_tgkill, read_tgid(pid), pid, ans == BRIG_ANSWER_KILL ? SIGKILL : SIGSYS);

    if (!s->started && !runs_runtime(s, pid))
        s->started = true;
    _cleanup_free_ char *comm = brig_proc_comm(pid);
    uint32_t arch = req->data.arch;
    if (arch == SCMP_ARCH_X86_64 && (req->data.nr & 0x40000000)) /* an x32 task */
        arch = SCMP_ARCH_X32;
    _cleanup_free_ char *name = seccomp_syscall_resolve_num_arch(arch, req->data.nr);
    _cleanup_free_ char *num = name ? NULL : xasprintf("%d", req->data.nr);
    /* answer before reporting: the caller's output must not hold up the
     * container; ENOENT means the caller died meanwhile */
    if (ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, resp) < 0 && errno != ENOENT && errno != EINTR)
        return -errno;
    /* trace: a call the profile allows was notified only so brig sees the
     * container's processes exit (brig_trace_profile) */
    if (s->mode == BRIG_SUPERVISE_TRACE && ans == BRIG_ANSWER_ALLOW)
        return 0;
    count(s, name ? name : num, arch, ans, e, comm);
    if (s->on_event) {
        BrigNotifEvent ev = {.pid = pid,
                             .comm = comm,
                             .syscall = name ? name : num,
                             .nr = req->data.nr,
                             .arch = arch,
                             .answer = ans,
                             .answer_errno = e};
        memcpy(ev.args, req->data.args, sizeof(ev.args));
        s->on_event(&ev, s->userdata);
    }
    return 0;
}

/* ---- the container's output ---- */

typedef struct Relay {
    int in;      /* our end of the container's pipe, O_NONBLOCK */
    int out;     /* brig's own stdout or stderr */
    bool eof;    /* the pipe is closed on the other side */
    bool broken; /* brig's output is gone: keep draining, drop the bytes */
    size_t len;
    char buf[RELAY_BUF];
} Relay;

static void relay_read(Relay *r)
{
    if (r->eof)
        return;
    ssize_t n = read(r->in, r->buf + r->len, sizeof(r->buf) - r->len);
    if (n > 0)
        r->len = r->broken ? 0 : r->len + (size_t)n;
    else if (n == 0 || (errno != EAGAIN && errno != EINTR))
        r->eof = true;
}

static void relay_write(Relay *r)
{
    /* at most PIPE_BUF after POLLOUT, so a pipe takes it without blocking;
     * a terminal that blocks anyway is interrupted by the signals brig
     * catches (no SA_RESTART) */
    size_t chunk = r->len < PIPE_BUF ? r->len : PIPE_BUF;
    ssize_t n = write(r->out, r->buf, chunk);
    if (n > 0) {
        memmove(r->buf, r->buf + n, r->len - (size_t)n);
        r->len -= (size_t)n;
    } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
        r->broken = true;
        r->len = 0;
    }
}

static bool relay_done(const Relay *r)
{
    return r->eof && (r->len == 0 || r->broken);
}

/* Reads and drops whatever is ready, without waiting: on the signal path
 * nothing is relayed any more, but a full pipe must not block the runtime. */
static void relay_drain(Relay *rel, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        rel[i].broken = true;
        rel[i].len = 0;
        relay_read(&rel[i]);
    }
}

/* ---- processes ---- */

/* Forks argv with stdin /dev/null and stdout/stderr on out/err (-1:
 * /dev/null), in a new session: no controlling terminal for the runtime
 * or the container, and the operator's ^C reaches brig alone. */
static pid_t spawn(char *const *argv, int out, int err)
{
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    int null = open("/dev/null", O_RDWR); /* not O_CLOEXEC: it may become 0, 1, 2 */
    if (null < 0 || setsid() < 0 || dup2(null, STDIN_FILENO) < 0 ||
        dup2(out >= 0 ? out : null, STDOUT_FILENO) < 0 ||
        dup2(err >= 0 ? err : null, STDERR_FILENO) < 0)
        _exit(127);
    if (null > STDERR_FILENO)
        close(null);
    signal(SIGPIPE, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    execv(argv[0], argv);
    _exit(127);
}

static int exit_status(int status)
{
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Waits up to `ms` for pid, draining the output pipes; false if it is
 * still running then. */
static bool wait_bounded(pid_t pid, int pidfd, int ms, Relay *rel, size_t n_rel, int *ret_status)
{
    int64_t deadline = now_ms() + ms;
    for (;;) {
        if (waitpid(pid, ret_status, WNOHANG) == pid)
            return true;
        int64_t left = deadline - now_ms();
        if (left <= 0)
            return false;
        struct pollfd p[3];
        nfds_t np = 0;
        p[np++] = (struct pollfd){.fd = pidfd, .events = POLLIN};
        for (size_t i = 0; i < n_rel; i++)
            p[np++] = (struct pollfd){.fd = rel[i].eof ? -1 : rel[i].in, .events = POLLIN};
        /* without a pidfd (Linux < 5.3), look again every 100 ms */
        (void)!poll(p, np, (int)(left < 100 ? left : 100));
        relay_drain(rel, n_rel);
    }
}

/* The runtime's delete of the container, with a deadline. */
static void run_stop(const BrigSupervisor *s, Relay *rel, size_t n_rel)
{
    if (!s->stop_argv)
        return;
    pid_t pid = spawn(s->stop_argv, -1, -1);
    if (pid < 0)
        return;
    _cleanup_close_ int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    int status;
    if (!wait_bounded(pid, pidfd, STOP_MS, rel, n_rel, &status)) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
    }
}

/* ---- the loop ---- */

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
    struct stat rst;
    if (stat(argv[0], &rst) == 0) {
        s->runtime_dev = rst.st_dev;
        s->runtime_ino = rst.st_ino;
    }
    if (brig_supervisor_caught()) {
        s->signal = brig_supervisor_caught();
        *ret_status = 128 + s->signal;
        return 0;
    }

    int out_p[2], err_p[2];
    if (pipe2(out_p, O_CLOEXEC) < 0)
        return brig_error_errno(err, errno, "pipe");
    if (pipe2(err_p, O_CLOEXEC) < 0) {
        int e = errno;
        close(out_p[0]);
        close(out_p[1]);
        return brig_error_errno(err, e, "pipe");
    }
    pid_t pid = spawn(argv, out_p[1], err_p[1]);
    int fork_errno = errno;
    close(out_p[1]);
    close(err_p[1]);
    _cleanup_free_ Relay *rel = xcalloc(2, sizeof(Relay));
    rel[0].in = out_p[0];
    rel[0].out = STDOUT_FILENO;
    rel[1].in = err_p[0];
    rel[1].out = STDERR_FILENO;
    for (size_t i = 0; i < 2; i++)
        fcntl(rel[i].in, F_SETFL, O_NONBLOCK);
    if (pid < 0) {
        close(rel[0].in);
        close(rel[1].in);
        return brig_error_errno(err, fork_errno, "fork");
    }
    _cleanup_close_ int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);

    int listeners[MAX_LISTENERS];
    size_t n_listeners = 0;
    bool exited = false;
    int status = 0, r = 0;
    int64_t deadline = 0;
    enum { PFD_LISTEN, PFD_PID, PFD_SIG, PFD_IN0, PFD_IN1, PFD_OUT0, PFD_OUT1, PFD_FIXED };
    for (;;) {
        if (caught)
            break;
        /* nothing the container holds is left: only brig's own output,
         * finite, which is written as any program writes (a signal still
         * ends it) */
        bool container_done = exited && n_listeners == 0 && rel[0].eof && rel[1].eof;
        if (container_done && relay_done(&rel[0]) && relay_done(&rel[1]))
            break;
        int64_t now = now_ms();
        if (exited && !container_done && now >= deadline)
            break;
        struct pollfd p[PFD_FIXED + MAX_LISTENERS];
        p[PFD_LISTEN] = (struct pollfd){.fd = s->listen_fd, .events = POLLIN};
        p[PFD_PID] = (struct pollfd){.fd = exited ? -1 : pidfd, .events = POLLIN};
        p[PFD_SIG] = (struct pollfd){.fd = sig_pipe[0], .events = POLLIN};
        for (size_t i = 0; i < 2; i++) {
            bool room = rel[i].len < sizeof(rel[i].buf);
            p[PFD_IN0 + i] =
                (struct pollfd){.fd = rel[i].eof || !room ? -1 : rel[i].in, .events = POLLIN};
            p[PFD_OUT0 + i] = (struct pollfd){.fd = rel[i].len && !rel[i].broken ? rel[i].out : -1,
                                              .events = POLLOUT};
        }
        for (size_t i = 0; i < n_listeners; i++)
            p[PFD_FIXED + i] = (struct pollfd){.fd = listeners[i], .events = POLLIN};
        size_t polled = n_listeners;
        int timeout = container_done ? -1 : exited ? (int)(deadline - now) : (pidfd < 0 ? 100 : -1);
        int k = poll(p, PFD_FIXED + polled, timeout);
        if (k < 0 && errno != EINTR) {
            r = brig_error_errno(err, errno, "poll");
            break;
        }
        if (k <= 0)
            p[PFD_PID].revents = 0;
        if (!exited && (pidfd < 0 || (p[PFD_PID].revents & POLLIN)) &&
            waitpid(pid, &status, WNOHANG) == pid) {
            exited = true;
            deadline = now_ms() + DRAIN_MS;
        }
        if (k <= 0)
            continue;
        if (p[PFD_SIG].revents & POLLIN) {
            char b[16];
            (void)!read(sig_pipe[0], b, sizeof(b));
        }
        if (p[PFD_LISTEN].revents & POLLIN) {
            _cleanup_close_ int conn = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC);
            int fd = conn >= 0 ? brig_listener_receive(conn) : -errno;
            if (fd >= 0 && n_listeners < MAX_LISTENERS) {
                listeners[n_listeners++] = fd;
                s->got_listener = true;
            } else if (fd >= 0)
                close(fd);
        }
        for (size_t i = 0; i < 2; i++) {
            if (p[PFD_IN0 + i].revents & (POLLIN | POLLHUP | POLLERR))
                relay_read(&rel[i]);
            short re = p[PFD_OUT0 + i].revents;
            if (re & POLLOUT)
                relay_write(&rel[i]);
            else if (re & (POLLERR | POLLHUP | POLLNVAL)) {
                rel[i].broken = true;
                rel[i].len = 0;
            }
        }
        for (size_t i = 0; i < polled; i++) {
            short re = p[PFD_FIXED + i].revents;
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
    /* Calls still waiting on a listener fail ENOSYS once it is closed:
     * nothing in the container waits on brig from here on. */
    for (size_t i = 0; i < n_listeners; i++)
        close(listeners[i]);
    if (caught) {
        s->signal = caught;
        if (!exited)
            run_stop(s, rel, 2);
        if (!exited)
            exited = wait_bounded(pid, pidfd, RUNTIME_EXIT_MS, rel, 2, &status);
        if (!exited) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            exited = true;
        }
        /* a runtime killed mid-run leaves its container behind */
        run_stop(s, rel, 2);
    } else if (!exited) { /* poll failed */
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
    }
    close(rel[0].in);
    close(rel[1].in);
    if (r < 0)
        return r;
    *ret_status = exit_status(status);
    /* a container killed by a signal before any notified call after its
     * exec still ran: runc and crun exit 128+N for it */
    if (!s->started && s->got_listener && !s->signal && *ret_status > 128)
        s->started = true;
    return 0;
}
