/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Recording and tracing profiles, and the supervisor end to end: a child
 * loads the trace filter, hands brig the listener fd over the socket the way
 * a runtime does, and its denied calls come back with the original errno. */
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "record.h"
#include "testutil.h"

static BrigJson *resolved_default(void)
{
    const BrigJson *p = NULL;
    BrigJson *oci = NULL;
    ck_assert_int_eq(brig_seccomp_default(&p, NULL), 0);
    ck_assert_int_eq(brig_seccomp_resolve(p, 0, &oci, NULL), 0);
    return oci;
}

START_TEST(notify_profile)
{
    BrigJson *p = NULL;
    ck_assert_int_eq(brig_record_notify_profile(&p, NULL), 0);
    ck_assert_str_eq(brig_json_str(brig_json_get(p, "defaultAction")), "SCMP_ACT_ALLOW");
    const BrigJson *e = brig_json_get(p, "syscalls")->kids[0];
    ck_assert_str_eq(brig_json_str(brig_json_get(e, "action")), "SCMP_ACT_NOTIFY");
    const BrigJson *names = brig_json_get(e, "names");
    ck_assert(!brig_json_array_has_string(names, "write"));
    /* what runc's Go init calls on its own before the listener has the
     * fd: a NOTIFY there hangs the create for good */
    static const char *const async[] = {"rt_sigreturn", "futex",  "nanosleep", "clock_nanosleep",
                                        "sched_yield",  "tgkill", "mmap",      "madvise"};
    for (size_t i = 0; i < ELEMENTSOF(async); i++)
        ck_assert_msg(!brig_json_array_has_string(names, async[i]), "%s notified", async[i]);
    ck_assert(brig_json_array_has_string(names, "read"));
    ck_assert(brig_json_array_has_string(names, "getppid"));
    ck_assert_uint_gt(names->n, 300);
    BrigError *err = NULL;
    ck_assert_msg(brig_seccomp_validate(p, "notify", &err) == 0, "%s", err ? err->msg : "");
    scmp_filter_ctx fc = NULL;
    ck_assert_int_eq(brig_seccomp_compile(p, SCMP_ARCH_NATIVE, &fc, NULL), 0);
    seccomp_release(fc);
    brig_json_free(p);
}
END_TEST

START_TEST(result_profile)
{
    char *names[] = {"read", "exit_group", "openat", "read"};
    char *arches[] = {"SCMP_ARCH_X86_64"};
    BrigJson *p = brig_record_result_profile(names, 4, arches, 1, NULL, NULL, 0);
    BrigError *err = NULL;
    ck_assert_msg(brig_seccomp_validate(p, "recorded", &err) == 0, "%s", err ? err->msg : "");
    char *s = tu_compact(p);
    ck_assert_msg(strstr(s, "\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":38"), "%s",
                  s);
    free(s);
    /* what was seen, write (never notified), and the runtime's own floor
     * (futex: Go's scheduler in runc may wake a thread after the filter
     * is on), each once; nothing else */
    const BrigJson *list = brig_json_get(brig_json_get(p, "syscalls")->kids[0], "names");
    for (const char *const *w =
             (const char *const[]){"exit_group", "openat", "read", "write", "futex", NULL};
         *w; w++)
        ck_assert_msg(brig_json_array_has_string(list, *w), "%s missing", *w);
    ck_assert(!brig_json_array_has_string(list, "mkdir"));
    ck_assert(!brig_json_array_has_string(list, "getppid"));
    for (size_t i = 1; i < list->n; i++)
        ck_assert_str_lt(list->kids[i - 1]->text, list->kids[i]->text);
    brig_json_free(p);
}
END_TEST

/* Names whose calls brig's profile allowed keep its argument tests: a
 * recorded clone still refuses namespaces. */
START_TEST(result_profile_keeps_argument_tests)
{
    if (seccomp_arch_native() != SCMP_ARCH_X86_64) {
        tu_skip("result_profile_keeps_argument_tests: the syscall numbers are x86-64's");
        return;
    }
    BrigJson *oci = resolved_default();
    ck_assert(brig_record_conditional(oci, "clone"));
    ck_assert(brig_record_conditional(oci, "socket"));
    ck_assert(!brig_record_conditional(oci, "read"));
    ck_assert(!brig_record_conditional(oci, "keyctl"));
    char *names[] = {"clone", "read", "socket", "exit_group"};
    char *keep[] = {"clone", "socket"};
    BrigJson *p = brig_record_result_profile(names, 4, NULL, 0, oci, keep, 2);
    BrigError *err = NULL;
    ck_assert_msg(brig_seccomp_validate(p, "recorded", &err) == 0, "%s", err ? err->msg : "");
    ck_assert(!brig_json_array_has_string(
        brig_json_get(brig_json_get(p, "syscalls")->kids[0], "names"), "clone"));
    BrigSim *sim = NULL;
    ck_assert_int_eq(brig_sim_new(p, &sim, NULL), 0);
    uint32_t arch = SCMP_ARCH_X86_64;
    ck_assert_uint_eq(brig_sim_action(sim, arch, SYS_clone, (uint64_t[6]){17}), SECCOMP_RET_ALLOW);
    ck_assert_uint_eq(brig_sim_action(sim, arch, SYS_clone, (uint64_t[6]){0x10000011}),
                      SECCOMP_RET_ERRNO | EPERM);
    ck_assert_uint_eq(brig_sim_action(sim, arch, SYS_socket, (uint64_t[6]){1}), SECCOMP_RET_ALLOW);
    ck_assert_uint_eq(brig_sim_action(sim, arch, SYS_socket, (uint64_t[6]){40}),
                      SECCOMP_RET_ERRNO | EPERM);
    ck_assert_uint_eq(brig_sim_action(sim, arch, SYS_read, NULL), SECCOMP_RET_ALLOW);
    ck_assert_uint_eq(brig_sim_action(sim, arch, SYS_mkdir, NULL), SECCOMP_RET_ERRNO | ENOSYS);
    brig_sim_free(sim);
    brig_json_free(p);
    brig_json_free(oci);
}
END_TEST

static const uint64_t values[] = {0,          1,           2,       8,          38,
                                  40,         0x80,        0x11,    0x20000,    0x10000000,
                                  0xffffffff, 0x100000028, 0x40000, 0x7e020000, UINT64_MAX};

/* For every syscall of the host and the values the conditional entries
 * test: the trace filter notifies exactly what the original denies. */
START_TEST(trace_profile_notifies_exactly_the_denials)
{
    BrigJson *oci = resolved_default(), *t = NULL;
    BrigError *err = NULL;
    ck_assert_msg(brig_trace_profile(oci, &t, &err) == 0, "%s", err ? err->msg : "");
    BrigSim *orig = NULL, *traced = NULL;
    ck_assert_int_eq(brig_sim_new(oci, &orig, NULL), 0);
    ck_assert_msg(brig_sim_new(t, &traced, &err) == 0, "%s", err ? err->msg : "");
    uint32_t arch = seccomp_arch_native();
    size_t notified = 0;
    for (int nr = 0; nr < 1024; nr++) {
        char *name = seccomp_syscall_resolve_num_arch(arch, nr);
        for (size_t v = 0; v < ELEMENTSOF(values); v++) {
            uint64_t args[6] = {values[v]};
            uint32_t a = brig_sim_action(orig, arch, nr, args);
            uint32_t b = brig_sim_action(traced, arch, nr, args);
            if (!name || streq(name, "write")) { /* unknown numbers and write: unchanged */
                ck_assert_uint_eq(a, b);
                continue;
            }
            if (a == SECCOMP_RET_ALLOW && streq(name, "exit_group"))
                /* notified to see the program run; the supervisor answers
                 * ALLOW, as decided by the original filter */
                ck_assert_uint_eq(b, SECCOMP_RET_USER_NOTIF);
            else if (a == SECCOMP_RET_ALLOW)
                ck_assert_msg(b == SECCOMP_RET_ALLOW, "%s(0x%llx) was allowed, now 0x%x", name,
                              (unsigned long long)values[v], b);
            else {
                ck_assert_msg(b == SECCOMP_RET_USER_NOTIF, "%s(0x%llx) denied but not notified",
                              name, (unsigned long long)values[v]);
                notified++;
            }
        }
        free(name);
    }
    ck_assert_uint_gt(notified, 10);
    brig_sim_free(orig);
    brig_sim_free(traced);
    brig_json_free(t);
    brig_json_free(oci);
}
END_TEST

static void send_fd(const char *path, int fd)
{
    int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    strncpy(addr.sun_path, path, sizeof(addr.sun_path) - 1);
    if (connect(s, (struct sockaddr *)&addr, sizeof(addr)) < 0)
        _exit(101);
    char state[] = "{\"ociVersion\":\"1.0.2\",\"fds\":[\"seccompFd\"],\"pid\":1}";
    union {
        struct cmsghdr h;
        char b[CMSG_SPACE(sizeof(int))];
    } c = {0};
    struct iovec iov = {.iov_base = state, .iov_len = sizeof(state) - 1};
    struct msghdr msg = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = c.b, .msg_controllen = sizeof(c.b)};
    struct cmsghdr *h = CMSG_FIRSTHDR(&msg);
    h->cmsg_level = SOL_SOCKET;
    h->cmsg_type = SCM_RIGHTS;
    h->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(h), &fd, sizeof(int));
    if (sendmsg(s, &msg, 0) < 0)
        _exit(102);
    close(s);
    close(fd);
}

START_TEST(supervisor_traces_denials)
{
    BrigJson *oci = resolved_default(), *t = NULL;
    ck_assert_int_eq(brig_trace_profile(oci, &t, NULL), 0);
    BrigSim *orig = NULL;
    ck_assert_int_eq(brig_sim_new(oci, &orig, NULL), 0);
    BrigSupervisor sup = {.mode = BRIG_SUPERVISE_TRACE, .answer = orig};
    BrigError *err = NULL;
    ck_assert_msg(brig_supervisor_init(&sup, &err) == 0, "%s", err ? err->msg : "");

    int pipefd[2];
    ck_assert_int_eq(pipe2(pipefd, O_CLOEXEC), 0);
    pid_t child = fork();
    if (child == 0) {
        scmp_filter_ctx fc = NULL;
        prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
        if (brig_seccomp_compile(t, SCMP_ARCH_NATIVE, &fc, NULL) < 0 || seccomp_load(fc) < 0)
            _exit(100);
        send_fd(sup.socket_path, seccomp_notify_fd(fc));
        int e[4];
        errno = 0;
        e[0] = syscall(SYS_keyctl, 0, 0, 0, 0, 0) < 0 ? errno : 0;
        e[1] = syscall(SYS_socket, 40, 1, 0) < 0 ? errno : 0;
        e[2] = syscall(1000) < 0 ? errno : 0;
        e[3] = syscall(SYS_getppid) < 0 ? errno : 0;
        (void)!write(pipefd[1], e, sizeof(e));
        _exit(0);
    }
    close(pipefd[1]);
    /* the "runtime" is a sleep: the supervisor stops once it has exited and
     * the child's listener has hung up */
    char *argv[] = {(char *)"/bin/sleep", (char *)"1", NULL};
    int status = -1;
    ck_assert_msg(brig_supervisor_run(&sup, argv, &status, &err) == 0, "%s", err ? err->msg : "");
    ck_assert_int_eq(status, 0);
    int e[4] = {-1, -1, -1, -1}, st;
    ck_assert_int_eq(read(pipefd[0], e, sizeof(e)), sizeof(e));
    waitpid(child, &st, 0);
    ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    ck_assert_int_eq(e[0], EPERM);
    ck_assert_int_eq(e[1], EPERM);
    ck_assert_int_eq(e[2], ENOSYS);
    ck_assert_int_eq(e[3], 0);
    /* keyctl and socket were notified (1000 has no name libseccomp knows,
     * so it keeps the default action without a notification) */
    ck_assert_uint_eq(sup.total, 2);
    bool keyctl = false, sock = false;
    for (size_t i = 0; i < sup.n_counts; i++) {
        keyctl = keyctl || (streq(sup.counts[i].syscall, "keyctl") &&
                            sup.counts[i].answer_errno == EPERM && sup.counts[i].count == 1);
        sock = sock || streq(sup.counts[i].syscall, "socket");
    }
    ck_assert(keyctl && sock);
    char *dir = xstrdup(sup.dir);
    brig_supervisor_done(&sup);
    ck_assert_int_ne(access(dir, F_OK), 0); /* cleaned up */
    free(dir);
    close(pipefd[0]);
    brig_sim_free(orig);
    brig_json_free(t);
    brig_json_free(oci);
}
END_TEST

/* The profile's own actions, answered as the kernel would: brig's default
 * with getppid LOG, getsid TRAP, getpgid KILL_PROCESS, umask ERRNO(77). */
static void set_action(BrigJson *oci, const char *name, const char *action, int errno_ret)
{
    BrigJson *sys = brig_json_get(oci, "syscalls"), *e;
    BRIG_JSON_FOREACH (e, sys) {
        BrigJson *names = brig_json_get(e, "names");
        for (size_t i = 0; names && i < names->n; i++)
            if (streq(brig_json_str(names->kids[i]), name))
                brig_json_delete_at(names, i--);
    }
    for (size_t i = 0; i < sys->n; i++)
        if (!brig_json_get(sys->kids[i], "names")->n)
            brig_json_delete_at(sys, i--);
    BrigJson *n = brig_json_new(BRIG_JSON_OBJECT), *names = brig_json_new(BRIG_JSON_ARRAY);
    brig_json_append(names, brig_json_new_string(name));
    brig_json_set(n, "names", names);
    brig_json_set(n, "action", brig_json_new_string(action));
    if (errno_ret)
        brig_json_set(n, "errnoRet", brig_json_new_uint((uint64_t)errno_ret));
    brig_json_append(sys, n);
}

static volatile sig_atomic_t got_sigsys;
static void on_sigsys(int sig)
{
    (void)sig;
    got_sigsys = 1;
}

START_TEST(supervisor_answers_as_the_profile)
{
    BrigJson *oci = resolved_default(), *t = NULL;
    set_action(oci, "getppid", "SCMP_ACT_LOG", 0);
    set_action(oci, "getsid", "SCMP_ACT_TRAP", 0);
    set_action(oci, "getpgid", "SCMP_ACT_KILL_PROCESS", 0);
    set_action(oci, "umask", "SCMP_ACT_ERRNO", 77);
    BrigError *err = NULL;
    ck_assert_msg(brig_trace_profile(oci, &t, &err) == 0, "%s", err ? err->msg : "");
    BrigSim *orig = NULL;
    ck_assert_msg(brig_sim_new(oci, &orig, &err) == 0, "%s", err ? err->msg : "");
    BrigSupervisor sup = {.mode = BRIG_SUPERVISE_TRACE, .answer = orig};
    ck_assert_msg(brig_supervisor_init(&sup, &err) == 0, "%s", err ? err->msg : "");

    int pipefd[2];
    ck_assert_int_eq(pipe2(pipefd, O_CLOEXEC), 0);
    pid_t child = fork();
    if (child == 0) {
        signal(SIGSYS, on_sigsys);
        scmp_filter_ctx fc = NULL;
        prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
        if (brig_seccomp_compile(t, SCMP_ARCH_NATIVE, &fc, NULL) < 0 || seccomp_load(fc) < 0)
            _exit(100);
        send_fd(sup.socket_path, seccomp_notify_fd(fc));
        long r[5];
        r[0] = syscall(SYS_getppid); /* LOG: runs */
        errno = 0;
        r[1] = syscall(SYS_getsid, 0) < 0 ? errno : 0; /* TRAP: ENOSYS and SIGSYS */
        r[2] = got_sigsys;
        errno = 0;
        r[3] = syscall(SYS_umask, 022) < 0 ? errno : 0; /* ERRNO(77) */
        r[4] = getppid() == (pid_t)r[0];
        (void)!write(pipefd[1], r, sizeof(r));
        syscall(SYS_getpgid, 0); /* KILL_PROCESS */
        _exit(0);
    }
    close(pipefd[1]);
    char *argv[] = {(char *)"/bin/sleep", (char *)"1", NULL};
    int status = -1, st;
    ck_assert_msg(brig_supervisor_run(&sup, argv, &status, &err) == 0, "%s", err ? err->msg : "");
    long r[5] = {0};
    ck_assert_int_eq(read(pipefd[0], r, sizeof(r)), sizeof(r));
    ck_assert_int_eq(waitpid(child, &st, 0), child);
    ck_assert_int_eq(r[0], getpid()); /* getppid ran and returned the truth */
    ck_assert_int_eq(r[1], ENOSYS);
    ck_assert_int_eq(r[2], 1);
    ck_assert_int_eq(r[3], 77);
    ck_assert_msg(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "child status 0x%x", st);
    bool log = false, trap = false, kill = false, eno = false;
    for (size_t i = 0; i < sup.n_counts; i++) {
        const BrigNotifCount *c = &sup.counts[i];
        log = log || (streq(c->syscall, "getppid") && c->answer == BRIG_ANSWER_LOG);
        trap = trap || (streq(c->syscall, "getsid") && c->answer == BRIG_ANSWER_TRAP);
        kill = kill || (streq(c->syscall, "getpgid") && c->answer == BRIG_ANSWER_KILL);
        eno = eno || (streq(c->syscall, "umask") && c->answer == BRIG_ANSWER_ERRNO &&
                      c->answer_errno == 77);
    }
    ck_assert(log && trap && kill && eno);
    /* exit_group is notified (to see the program run) but not counted */
    for (size_t i = 0; i < sup.n_counts; i++)
        ck_assert_str_ne(sup.counts[i].syscall, "exit_group");
    ck_assert(sup.started);
    ck_assert_str_eq(brig_answer_text(BRIG_ANSWER_LOG, 0), "(logged)");
    ck_assert_str_eq(brig_answer_text(BRIG_ANSWER_ERRNO, EPERM), "EPERM");
    brig_supervisor_done(&sup);
    close(pipefd[0]);
    brig_sim_free(orig);
    brig_json_free(t);
    brig_json_free(oci);
}
END_TEST

START_TEST(escape_text)
{
    const char in[] = "sh\033]0;x\a\\ok\n\xff";
    char *e = brig_escape(in, sizeof(in) - 1);
    ck_assert_str_eq(e, "sh\\x1b]0;x\\x07\\x5cok\\x0a\\xff");
    free(e);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("record");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, notify_profile);
    tcase_add_test(tc, result_profile);
    tcase_add_test(tc, result_profile_keeps_argument_tests);
    tcase_add_test(tc, trace_profile_notifies_exactly_the_denials);
    tcase_add_test(tc, supervisor_traces_denials);
    tcase_add_test(tc, supervisor_answers_as_the_profile);
    tcase_add_test(tc, escape_text);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return tu_run(suite());
}
