/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The argv model against the command lines real engines send (DESIGN §2),
 * the parser pitfalls, and runtime discovery and exec. */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "runtime.h"
#include "testutil.h"

#define NONE (-1)
#define MAXV 24

typedef struct Case {
    const char *name;
    const char *argv[MAXV];
    const char *stripped[MAXV]; /* expected a.argv when brig flags were removed; else argv */
    const char *cmd;
    int cmd_idx;
    const char *id;
    int id_idx;
    const char *bundle, *config, *process, *pid_file;
    const char *root, *log, *log_format;
    const char *policy, *runtime;
    bool help, version;
} Case;

static const Case cases[] = {
    /* containerd shim (and Docker through it) */
    {"shim create",
     {"brig", "--root", "R", "--log", "B/log.json", "--log-format", "json", "create", "--bundle",
      "B", "--pid-file", "B/init.pid", "ID"},
     .cmd = "create",
     .cmd_idx = 7,
     .id = "ID",
     .id_idx = 12,
     .bundle = "B",
     .pid_file = "B/init.pid",
     .root = "R",
     .log = "B/log.json",
     .log_format = "json"},
    {"shim start",
     {"brig", "--root", "R", "start", "ID"},
     .cmd = "start",
     .cmd_idx = 3,
     .id = "ID",
     .id_idx = 4,
     .root = "R"},
    {"shim kill",
     {"brig", "--root", "R", "kill", "ID", "9"},
     .cmd = "kill",
     .cmd_idx = 3,
     .id = "ID",
     .id_idx = 4,
     .root = "R"},
    {"shim delete --force",
     {"brig", "--root", "R", "delete", "--force", "ID"},
     .cmd = "delete",
     .cmd_idx = 3,
     .id = "ID",
     .id_idx = 5,
     .root = "R"},
    {"shim state",
     {"brig", "--root", "R", "state", "ID"},
     .cmd = "state",
     .cmd_idx = 3,
     .id = "ID",
     .id_idx = 4,
     .root = "R"},
    {"shim exec",
     {"brig", "--root", "R", "exec", "--process", "/tmp/runc-process123", "--detach", "--pid-file",
      "P", "ID"},
     .cmd = "exec",
     .cmd_idx = 3,
     .id = "ID",
     .id_idx = 9,
     .process = "/tmp/runc-process123",
     .pid_file = "P",
     .root = "R"},
    {"shim update",
     {"brig", "update", "--resources=-", "ID"},
     .cmd = "update",
     .cmd_idx = 1,
     .id = "ID",
     .id_idx = 3},
    {"shim features", {"brig", "features"}, .cmd = "features", .cmd_idx = 1, .id_idx = NONE},
    {"shim --version", {"brig", "--version"}, .cmd_idx = NONE, .id_idx = NONE, .version = true},
    /* Podman / conmon */
    {"podman create",
     {"brig", "--systemd-cgroup", "create", "--bundle", "B", "--pid-file", "P", "--console-socket",
      "S", "ID"},
     .cmd = "create",
     .cmd_idx = 2,
     .id = "ID",
     .id_idx = 9,
     .bundle = "B",
     .pid_file = "P"},
    {"podman json log",
     {"brig", "--log-format=json", "--log", "F", "create", "--bundle", "B", "--pid-file", "P",
      "ID"},
     .cmd = "create",
     .cmd_idx = 4,
     .id = "ID",
     .id_idx = 9,
     .bundle = "B",
     .pid_file = "P",
     .log = "F",
     .log_format = "json"},
    {"podman exec",
     {"brig", "exec", "--pid-file", "P", "--process", "F", "--detach", "ID"},
     .cmd = "exec",
     .cmd_idx = 1,
     .id = "ID",
     .id_idx = 7,
     .process = "F",
     .pid_file = "P"},
    /* pitfalls */
    {"single-dash long flag",
     {"brig", "create", "-bundle", "B", "ID"},
     .cmd = "create",
     .cmd_idx = 1,
     .id = "ID",
     .id_idx = 4,
     .bundle = "B"},
    {"single-dash with =",
     {"brig", "-root=R", "create", "-b=B", "ID"},
     .cmd = "create",
     .cmd_idx = 2,
     .id = "ID",
     .id_idx = 4,
     .bundle = "B",
     .root = "R"},
    {"--bundle=B",
     {"brig", "create", "--bundle=B", "ID"},
     .cmd = "create",
     .cmd_idx = 1,
     .id = "ID",
     .id_idx = 3,
     .bundle = "B"},
    {"value starting with -",
     {"brig", "create", "--pid-file", "-weird", "--bundle", "B", "ID"},
     .cmd = "create",
     .cmd_idx = 1,
     .id = "ID",
     .id_idx = 6,
     .bundle = "B",
     .pid_file = "-weird"},
    {"value that looks like a known flag",
     {"brig", "create", "--pid-file", "--bundle", "ID"},
     .cmd = "create",
     .cmd_idx = 1,
     .id = "ID",
     .id_idx = 4,
     .pid_file = "--bundle"},
    {"flags after the id",
     {"brig", "create", "ID", "--bundle", "B"},
     .cmd = "create",
     .cmd_idx = 1,
     .id = "ID",
     .id_idx = 2,
     .bundle = "B"},
    {"dash value after the id",
     {"brig", "create", "ID", "--pid-file", "-weird", "--bundle", "B"},
     .cmd = "create",
     .cmd_idx = 1,
     .id = "ID",
     .id_idx = 2,
     .bundle = "B",
     .pid_file = "-weird"},
    {"bool then flag after the id",
     {"brig", "create", "ID", "--no-pivot", "--bundle", "B"},
     .cmd = "create",
     .cmd_idx = 1,
     .id = "ID",
     .id_idx = 2,
     .bundle = "B"},
    {"value flag last takes the id (runc then fails)",
     {"brig", "create", "ID", "--bundle"},
     .cmd = "create",
     .cmd_idx = 1,
     .id_idx = NONE,
     .bundle = "ID"},
    {"exec command looks like flags",
     {"brig", "exec", "ID", "sh", "-c", "x", "--bundle", "y", "--process", "p"},
     .cmd = "exec",
     .cmd_idx = 1,
     .id = "ID",
     .id_idx = 2},
    {"exec command with brig-looking flag",
     {"brig", "exec", "ID", "sh", "--brig-policy", "x"},
     .cmd = "exec",
     .cmd_idx = 1,
     .id = "ID",
     .id_idx = 2},
    {"exec --",
     {"brig", "exec", "--", "ID", "ls"},
     .cmd = "exec",
     .cmd_idx = 1,
     .id = "ID",
     .id_idx = 3},
    {"-- before the id",
     {"brig", "create", "--bundle", "B", "--", "ID"},
     .cmd = "create",
     .cmd_idx = 1,
     .id = "ID",
     .id_idx = 5,
     .bundle = "B"},
    {"-- after the id",
     {"brig", "create", "--bundle", "B", "ID", "--"},
     .cmd = "create",
     .cmd_idx = 1,
     .id = "ID",
     .id_idx = 4,
     .bundle = "B"},
    {"-- protects flag-like id",
     {"brig", "delete", "--", "--force"},
     .cmd = "delete",
     .cmd_idx = 1,
     .id = "--force",
     .id_idx = 3},
    {"-- as a flag value",
     {"brig", "create", "ID", "--bundle", "--"},
     .cmd = "create",
     .cmd_idx = 1,
     .id = "ID",
     .id_idx = 2,
     .bundle = "--"},
    {"global --",
     {"brig", "--root", "R", "--", "state", "ID"},
     .cmd = "state",
     .cmd_idx = 4,
     .id = "ID",
     .id_idx = 5,
     .root = "R"},
    {"empty bundle is the cwd",
     {"brig", "create", "--bundle=", "ID"},
     .cmd = "create",
     .cmd_idx = 1,
     .id = "ID",
     .id_idx = 3},
    {"last --bundle wins",
     {"brig", "create", "-b", "A", "ID", "--bundle", "B"},
     .cmd = "create",
     .cmd_idx = 1,
     .id = "ID",
     .id_idx = 4,
     .bundle = "B"},
    {"crun --config",
     {"brig", "create", "--config", "c.json", "--bundle", "B", "ID"},
     .cmd = "create",
     .cmd_idx = 1,
     .id = "ID",
     .id_idx = 6,
     .bundle = "B",
     .config = "c.json"},
    {"crun -f",
     {"brig", "run", "-f", "c.json", "ID"},
     .cmd = "run",
     .cmd_idx = 1,
     .id = "ID",
     .id_idx = 4,
     .config = "c.json"},
    {"delete -f is --force, not --config",
     {"brig", "delete", "-f", "ID"},
     .cmd = "delete",
     .cmd_idx = 1,
     .id = "ID",
     .id_idx = 3},
    {"ps -f takes a value, args after id",
     {"brig", "ps", "-f", "json", "ID", "-ef"},
     .cmd = "ps",
     .cmd_idx = 1,
     .id = "ID",
     .id_idx = 4},
    {"bools with =value",
     {"brig", "--debug=false", "create", "--no-pivot=true", "ID"},
     .cmd = "create",
     .cmd_idx = 2,
     .id = "ID",
     .id_idx = 4},
    {"unknown flags pass through as bools",
     {"brig", "--frobnicate", "create", "--newflag", "--bundle", "B", "--other=x", "ID"},
     .cmd = "create",
     .cmd_idx = 2,
     .id = "ID",
     .id_idx = 7,
     .bundle = "B"},
    {"bad flag syntax: runc fails, no id",
     {"brig", "create", "---bundle", "B"},
     .cmd = "create",
     .cmd_idx = 1,
     .id_idx = NONE},
    {"unknown subcommand",
     {"brig", "frob", "--x", "y"},
     .cmd = "frob",
     .cmd_idx = 1,
     .id_idx = NONE},
    /* brig's own flags */
    {"--brig-policy stripped, indices shift",
     {"brig", "--brig-policy", "/p.json", "--root", "R", "create", "--bundle", "B", "ID"},
     {"brig", "--root", "R", "create", "--bundle", "B", "ID"},
     .cmd = "create",
     .cmd_idx = 3,
     .id = "ID",
     .id_idx = 6,
     .bundle = "B",
     .root = "R",
     .policy = "/p.json"},
    {"--brig-*= forms stripped",
     {"brig", "--root", "R", "--brig-policy=/p", "-brig-runtime", "/usr/sbin/runc", "state", "ID"},
     {"brig", "--root", "R", "state", "ID"},
     .cmd = "state",
     .cmd_idx = 3,
     .id = "ID",
     .id_idx = 4,
     .root = "R",
     .policy = "/p",
     .runtime = "/usr/sbin/runc"},
    {"--brig-policy alone",
     {"brig", "--brig-policy", "/p", "--version"},
     {"brig", "--version"},
     .cmd_idx = NONE,
     .id_idx = NONE,
     .policy = "/p",
     .version = true},
    /* help and version */
    {"--help", {"brig", "--help"}, .cmd_idx = NONE, .id_idx = NONE, .help = true},
    {"-h", {"brig", "-h"}, .cmd_idx = NONE, .id_idx = NONE, .help = true},
    {"--help=false",
     {"brig", "--help=false", "state", "ID"},
     .cmd = "state",
     .cmd_idx = 2,
     .id = "ID",
     .id_idx = 3},
    {"subcommand --help",
     {"brig", "create", "--help"},
     .cmd = "create",
     .cmd_idx = 1,
     .id_idx = NONE,
     .help = true},
    {"subcommand -h after the id",
     {"brig", "create", "ID", "-h"},
     .cmd = "create",
     .cmd_idx = 1,
     .id = "ID",
     .id_idx = 2,
     .help = true},
    {"-v", {"brig", "-v"}, .cmd_idx = NONE, .id_idx = NONE, .version = true},
    {"--version before a subcommand runs no subcommand",
     {"brig", "--version", "create", "ID"},
     .cmd_idx = 2,
     .id_idx = NONE,
     .version = true},
    {"--help wins over --version",
     {"brig", "--version", "--help"},
     .cmd_idx = NONE,
     .id_idx = NONE,
     .help = true},
};

static size_t strv_len(const char *const *v)
{
    size_t n = 0;
    while (n < MAXV && v[n])
        n++;
    return n;
}

static void str_eq(const char *what, const char *got, const char *want, const char *name)
{
    if (!want)
        ck_assert_msg(got == NULL, "%s: %s is \"%s\", expected none", name, what, got);
    else
        ck_assert_msg(streq(got, want), "%s: %s is \"%s\", expected \"%s\"", name, what,
                      got ? got : "(null)", want);
}

START_TEST(test_parse_table)
{
    const Case *c = &cases[_i];
    BrigArgv a;
    _cleanup_(brig_error_freep) BrigError *err = NULL;
    int argc = (int)strv_len(c->argv);

    ck_assert_msg(brig_argv_parse(argc, (char *const *)c->argv, &a, &err) == 0, "%s: %s", c->name,
                  err ? err->msg : "");
    const char *const *want = c->stripped[0] ? c->stripped : c->argv;
    ck_assert_msg(a.argc == (int)strv_len(want), "%s: argc %d", c->name, a.argc);
    for (int i = 0; i < a.argc; i++)
        ck_assert_msg(streq(a.argv[i], want[i]), "%s: argv[%d] is \"%s\", expected \"%s\"", c->name,
                      i, a.argv[i], want[i]);
    ck_assert_msg(a.argv[a.argc] == NULL, "%s: argv not NULL-terminated", c->name);

    ck_assert_msg(a.cmd_idx == c->cmd_idx, "%s: cmd_idx %d, expected %d", c->name, a.cmd_idx,
                  c->cmd_idx);
    ck_assert_msg(a.id_idx == c->id_idx, "%s: id_idx %d, expected %d", c->name, a.id_idx,
                  c->id_idx);
    str_eq("cmd", a.cmd, c->cmd, c->name);
    str_eq("id", a.id, c->id, c->name);
    if (a.cmd)
        ck_assert_ptr_eq(a.cmd, a.argv[a.cmd_idx]);
    if (a.id_idx >= 0)
        ck_assert_ptr_eq(a.id, a.argv[a.id_idx]);
    str_eq("bundle", a.bundle, c->bundle, c->name);
    str_eq("config", a.config, c->config, c->name);
    str_eq("process", a.process, c->process, c->name);
    str_eq("pid_file", a.pid_file, c->pid_file, c->name);
    str_eq("root", a.root, c->root, c->name);
    str_eq("log", a.log, c->log, c->name);
    str_eq("log_format", a.log_format, c->log_format, c->name);
    str_eq("brig_policy", a.brig_policy, c->policy, c->name);
    str_eq("brig_runtime", a.brig_runtime, c->runtime, c->name);
    ck_assert_msg(a.help == c->help, "%s: help %d", c->name, a.help);
    ck_assert_msg(a.version == c->version, "%s: version %d", c->name, a.version);
    brig_argv_done(&a);
}
END_TEST

static const struct {
    const char *argv[8];
    const char *needle;
} bad_cases[] = {
    {{"brig", "--brig-foo", "state", "x"}, "--brig-foo"},
    {{"brig", "-brig-", "state", "x"}, "unknown option --brig-"},
    {{"brig", "--root", "--brig-policy", "p", "state", "x"},
     "--root has no value before --brig-policy"},
    {{"brig", "--log", "-brig-runtime=/x", "state", "x"}, "--log has no value"},
    {{"brig", "--brig-policy"}, "--brig-policy needs a value"},
    {{"brig", "--brig-runtime=", "state", "x"}, "--brig-runtime needs a value"},
    {{"brig", "create", "--brig-policy", "p", "ID"}, "must come before the subcommand"},
    {{"brig", "exec", "-brig-policy=p", "ID", "ls"}, "must come before the subcommand"},
};

START_TEST(test_parse_errors)
{
    BrigArgv a = {0};
    _cleanup_(brig_error_freep) BrigError *err = NULL;
    const char *const *v = bad_cases[_i].argv;
    ck_assert_int_lt(brig_argv_parse((int)strv_len(v), (char *const *)v, &a, &err), 0);
    ck_assert_ptr_nonnull(err);
    ck_assert_msg(strstr(err->msg, bad_cases[_i].needle), "\"%s\" does not name \"%s\"", err->msg,
                  bad_cases[_i].needle);
    ck_assert_ptr_null(a.argv); /* nothing leaks to the caller on failure */
}
END_TEST

START_TEST(test_takes_value)
{
    static const struct {
        const char *cmd, *name;
        bool value;
    } t[] = {
        {NULL, "root", true},
        {NULL, "log", true},
        {NULL, "log-format", true},
        {NULL, "rootless", true},
        {NULL, "cgroup-manager", true},
        {NULL, "debug", false},
        {NULL, "systemd-cgroup", false},
        {NULL, "v", false},
        {NULL, "bundle", false},
        {"create", "bundle", true},
        {"create", "b", true},
        {"create", "f", true},
        {"create", "console-socket", true},
        {"create", "preserve-fds", true},
        {"create", "no-pivot", false},
        {"run", "d", false},
        {"restore", "image-path", true},
        {"restore", "tcp-established", false},
        {"exec", "p", true},
        {"exec", "cwd", true},
        {"exec", "e", true},
        {"exec", "u", true},
        {"exec", "g", true},
        {"exec", "c", true},
        {"exec", "process-label", true},
        {"exec", "apparmor", true},
        {"exec", "cgroup", true},
        {"exec", "t", false},
        {"exec", "no-new-privs", false},
        {"exec", "detach", false},
        {"checkpoint", "image-path", true},
        {"checkpoint", "leave-running", false},
        {"update", "r", true},
        {"update", "pids-limit", true},
        {"kill", "r", false},
        {"kill", "all", false},
        {"delete", "f", false},
        {"ps", "f", true},
        {"list", "format", true},
        {"list", "q", false},
        {"events", "interval", true},
        {"spec", "b", true},
        {"state", "help", false},
        {"frob", "bundle", false},
        {"create", "nonexistent", false},
        {"create", "help", false},
    };
    for (size_t i = 0; i < ELEMENTSOF(t); i++)
        ck_assert_msg(brig_flag_takes_value(t[i].cmd, t[i].name) == t[i].value, "%s --%s",
                      t[i].cmd ? t[i].cmd : "(global)", t[i].name);
}
END_TEST

/* Tokens crun's getopt_long reads differently from runc's Go flag package. */
START_TEST(test_getopt_hazard)
{
    static const struct {
        const char *argv[8];
        const char *hazard;
    } t[] = {
        {{"brig", "create", "--bundle", "B", "ID"}, NULL},
        {{"brig", "--root", "R", "--log-format=json", "create", "-b", "B", "ID"}, NULL},
        {{"brig", "create", "--pid-file", "-bundle", "ID"}, NULL}, /* a value in both */
        {{"brig", "create", "-bundle", "B", "ID"}, "-bundle"},
        {{"brig", "create", "-b=B", "ID"}, "-b=B"},
        {{"brig", "run", "-db", "B", "ID"}, "-db"},
        {{"brig", "create", "--bund", "B", "ID"}, "--bund"},
        {{"brig", "create", "--bund=B", "ID"}, "--bund=B"},
        {{"brig", "--ro", "R", "create", "ID"}, "--ro"},
        {{"brig", "-root", "R", "state", "ID"}, "-root"},
        {{"brig", "exec", "-process", "P", "ID"}, "-process"},
        {{"brig", "exec", "ID", "sh", "-process", "P"}, NULL}, /* the command, in both */
        {{"brig", "create", "ID", "-bundle", "B"}, NULL},      /* crun stops at the id */
        {{"brig", "create", "--", "-bundle"}, NULL},
        {{"brig", "kill", "-a", "ID", "-9"}, NULL}, /* nothing hardened hangs on it */
    };
    for (size_t i = 0; i < ELEMENTSOF(t); i++) {
        BrigArgv a;
        ck_assert_int_eq(
            brig_argv_parse((int)strv_len(t[i].argv), (char *const *)t[i].argv, &a, NULL), 0);
        if (t[i].hazard)
            ck_assert_msg(streq(a.getopt_hazard, t[i].hazard), "case %zu: hazard %s, want %s", i,
                          a.getopt_hazard ? a.getopt_hazard : "(none)", t[i].hazard);
        else
            ck_assert_msg(!a.getopt_hazard, "case %zu: unexpected hazard %s", i, a.getopt_hazard);
        brig_argv_done(&a);
    }
}
END_TEST

/* The model checked against the real runc: for each shape, runc's own error
 * names the bundle it tried to enter, or says it got the wrong number of
 * arguments.  A disagreement here is a hardening bypass. */
START_TEST(test_against_runc)
{
    static const char *const shapes[][MAXV] = {
        {"create", "--bundle", "/nonexistent/brig-a", "ID"},
        {"create", "-bundle", "/nonexistent/brig-b", "ID"},
        {"create", "ID", "--bundle", "/nonexistent/brig-c"},
        {"create", "-b=/nonexistent/brig-d", "ID"},
        {"create", "ID", "--pid-file", "-weird", "--bundle", "/nonexistent/brig-e"},
        {"create", "ID", "--no-pivot", "--bundle", "/nonexistent/brig-f"},
        {"create", "--bundle", "/nonexistent/brig-g", "ID", "--"},
        {"create", "--bundle", "/nonexistent/brig-h", "--", "ID"},
        {"create", "-b", "/nonexistent/brig-x", "ID", "-b", "/nonexistent/brig-i"},
        {"create", "--pid-file", "--bundle", "/nonexistent/brig-j", "ID"},
        {"create", "ID", "--bundle", "--"},
        {"create", "ID", "-x"},
        {"run", "--detach", "ID", "--bundle", "/nonexistent/brig-k"},
    };
    /* The system's runc, never one found through PATH: other tests of this
     * file point PATH at links to this very test binary, and with
     * CK_FORK=no (valgrind) that PATH is still set here; exec'ing it re-ran
     * the whole suite, which ran this test again, without end. */
    static const char *const candidates[] = {"/usr/local/sbin/runc", "/usr/local/bin/runc",
                                             "/usr/sbin/runc", "/usr/bin/runc", "/sbin/runc"};
    const char *runc = NULL;
    struct stat self_st, st;
    ck_assert_int_eq(stat("/proc/self/exe", &self_st), 0);
    for (size_t c = 0; c < ELEMENTSOF(candidates) && !runc; c++)
        if (stat(candidates[c], &st) == 0 && S_ISREG(st.st_mode) &&
            access(candidates[c], X_OK) == 0 &&
            !(st.st_dev == self_st.st_dev && st.st_ino == self_st.st_ino))
            runc = candidates[c];
    if (!runc) {
        tu_skip("test_against_runc: runc is not installed in a system directory");
        return;
    }
    char root[] = "/tmp/brig-test-root-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(root));

    for (size_t s = 0; s < ELEMENTSOF(shapes); s++) {
        const char *v[MAXV + 4] = {"brig", "--root", root};
        size_t n = 3;
        for (size_t k = 0; shapes[s][k]; k++)
            v[n++] = shapes[s][k];
        BrigArgv a;
        ck_assert_int_eq(brig_argv_parse((int)n, (char *const *)v, &a, NULL), 0);
        a.flavour = BRIG_RT_RUNC;

        int pipefd[2];
        ck_assert_int_eq(pipe2(pipefd, O_CLOEXEC), 0);
        pid_t pid = fork();
        ck_assert_int_ge(pid, 0);
        if (pid == 0) {
            dup2(pipefd[1], STDERR_FILENO);
            dup2(pipefd[1], STDOUT_FILENO);
            brig_runtime_exec(runc, &a, NULL);
            _exit(127);
        }
        close(pipefd[1]);
        char out[4096] = "";
        size_t got = 0;
        ssize_t r;
        while ((r = read(pipefd[0], out + got, sizeof(out) - 1 - got)) > 0)
            got += (size_t)r;
        out[got] = '\0';
        close(pipefd[0]);
        waitpid(pid, NULL, 0);

        if (a.id && a.bundle) {
            _cleanup_free_ char *want = xasprintf("chdir %s:", a.bundle);
            ck_assert_msg(strstr(out, want), "shape %zu: brig read bundle %s, runc said: %s", s,
                          a.bundle, out);
        } else {
            ck_assert_msg(strstr(out, "requires exactly 1 argument"),
                          "shape %zu: brig read no id/bundle, runc said: %s", s, out);
        }
        brig_argv_done(&a);
    }
    rmdir(root);
}
END_TEST

/* Runtime discovery: a temp tree of fake runtimes. */
static char tmpdir[] = "/tmp/brig-test-rt-XXXXXX";
static bool tree_made;

static char *mkpath(const char *rel)
{
    return xasprintf("%s/%s", tmpdir, rel);
}

static void mkexe(const char *rel, const char *body, mode_t mode)
{
    _cleanup_free_ char *p = mkpath(rel);
    _cleanup_free_ char *dir = xstrdup(p);
    *strrchr(dir, '/') = '\0';
    mkdir(dir, 0755);
    FILE *f = fopen(p, "we");
    ck_assert_ptr_nonnull(f);
    fputs(body, f);
    fclose(f);
    ck_assert_int_eq(chmod(p, mode), 0);
}

static void mkself(const char *rel)
{
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    ck_assert_int_gt(n, 0);
    self[n] = '\0';
    _cleanup_free_ char *p = mkpath(rel);
    _cleanup_free_ char *dir = xstrdup(p);
    *strrchr(dir, '/') = '\0';
    mkdir(dir, 0755);
    ck_assert_int_eq(symlink(self, p), 0);
}

static void setup_tree(void)
{
    strcpy(tmpdir, "/tmp/brig-test-rt-XXXXXX"); /* fresh per test, also with CK_FORK=no */
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
    tree_made = true;
    mkself("self/runc");
    mkself("self/crun");
    mkexe("real/runc", "#!/bin/sh\nexit 0\n", 0755);
    mkexe("crunonly/crun", "#!/bin/sh\nexit 0\n", 0755);
    mkexe("noexec/runc", "#!/bin/sh\nexit 0\n", 0644);
    _cleanup_free_ char *d = mkpath("dir");
    _cleanup_free_ char *dd = mkpath("dir/runc");
    mkdir(d, 0755);
    mkdir(dd, 0755);
    unsetenv("BRIG_RUNTIME");
}

static void teardown_tree(void)
{
    if (!tree_made)
        return;
    _cleanup_free_ char *cmd = xasprintf("/bin/rm -rf '%s'", tmpdir);
    int _unused_ r = system(cmd);
    tree_made = false;
}

static void set_path(const char *rels)
{
    /* rels: "a:b" relative to tmpdir */
    char buf[4096] = "";
    _cleanup_free_ char *copy = xstrdup(rels);
    for (char *tok = strtok(copy, ":"); tok; tok = strtok(NULL, ":")) {
        size_t l = strlen(buf);
        snprintf(buf + l, sizeof(buf) - l, "%s%s/%s", l ? ":" : "", tmpdir, tok);
    }
    setenv("PATH", buf, 1);
}

static char *find_ok(const char *explicit_path)
{
    char *path = NULL;
    _cleanup_(brig_error_freep) BrigError *err = NULL;
    int r = brig_runtime_find(explicit_path, &path, &err);
    ck_assert_msg(r == 0, "find failed: %s", err ? err->msg : "");
    return path;
}

static void expect(const char *got, const char *rel)
{
    _cleanup_free_ char *want = mkpath(rel);
    ck_assert_str_eq(got, want);
}

START_TEST(test_find_skips_self)
{
    setup_tree();
    set_path("self:noexec:dir:real");
    _cleanup_free_ char *p = find_ok(NULL);
    expect(p, "real/runc");
}
END_TEST

START_TEST(test_find_runc_before_crun)
{
    setup_tree();
    set_path("crunonly:real");
    _cleanup_free_ char *p = find_ok(NULL);
    expect(p, "real/runc"); /* runc anywhere on PATH beats crun earlier on PATH */
    set_path("self:crunonly");
    _cleanup_free_ char *q = find_ok(NULL);
    expect(q, "crunonly/crun");
}
END_TEST

START_TEST(test_find_none)
{
    setup_tree();
    set_path("self:noexec:dir");
    char *path = NULL;
    _cleanup_(brig_error_freep) BrigError *err = NULL;
    ck_assert_int_lt(brig_runtime_find(NULL, &path, &err), 0);
    ck_assert_ptr_null(path);
    ck_assert_ptr_nonnull(strstr(err->msg, "no real runtime found"));
    ck_assert_ptr_nonnull(strstr(err->msg, "$BRIG_RUNTIME (unset)"));
    ck_assert_ptr_nonnull(strstr(err->msg, "runc and crun on PATH="));
    ck_assert_ptr_nonnull(strstr(err->msg, getenv("PATH")));
    ck_assert_ptr_nonnull(strstr(err->msg, "set BRIG_RUNTIME or \"runtime\" in the policy"));
}
END_TEST

START_TEST(test_find_relative_path_entries_skipped)
{
    setup_tree();
    _cleanup_free_ char *real = mkpath("real");
    ck_assert_int_eq(chdir(real), 0);
    setenv("PATH", ".::real", 1);
    char *path = NULL;
    ck_assert_int_lt(brig_runtime_find(NULL, &path, NULL), 0);
}
END_TEST

START_TEST(test_find_env)
{
    setup_tree();
    set_path("real");
    _cleanup_free_ char *crun = mkpath("crunonly/crun");
    setenv("BRIG_RUNTIME", crun, 1);
    _cleanup_free_ char *p = find_ok(NULL);
    ck_assert_str_eq(p, crun);

    /* $BRIG_RUNTIME naming brig itself is skipped, not exec'd */
    _cleanup_free_ char *self = mkpath("self/runc");
    setenv("BRIG_RUNTIME", self, 1);
    _cleanup_free_ char *q = find_ok(NULL);
    expect(q, "real/runc");

    char *path = NULL;
    _cleanup_(brig_error_freep) BrigError *e1 = NULL;
    setenv("BRIG_RUNTIME", "runc", 1);
    ck_assert_int_lt(brig_runtime_find(NULL, &path, &e1), 0);
    ck_assert_ptr_nonnull(strstr(e1->msg, "not an absolute path"));

    _cleanup_(brig_error_freep) BrigError *e2 = NULL;
    _cleanup_free_ char *noexec = mkpath("noexec/runc");
    setenv("BRIG_RUNTIME", noexec, 1);
    ck_assert_int_lt(brig_runtime_find(NULL, &path, &e2), 0);
    ck_assert_ptr_nonnull(strstr(e2->msg, "not executable"));
    ck_assert_ptr_null(path);
}
END_TEST

START_TEST(test_find_explicit)
{
    setup_tree();
    set_path("real");
    _cleanup_free_ char *crun = mkpath("crunonly/crun");
    _cleanup_free_ char *real = mkpath("real/runc");
    setenv("BRIG_RUNTIME", real, 1);
    _cleanup_free_ char *p = find_ok(crun);
    ck_assert_str_eq(p, crun); /* the policy / --brig-runtime beats the environment */

    _cleanup_free_ char *self = mkpath("self/crun");
    _cleanup_free_ char *q = find_ok(self);
    ck_assert_str_eq(q, real);

    char *path = NULL;
    _cleanup_(brig_error_freep) BrigError *err = NULL;
    ck_assert_int_lt(brig_runtime_find("/nonexistent/runc", &path, &err), 0);
    ck_assert_ptr_nonnull(strstr(err->msg, "/nonexistent/runc"));
    _cleanup_free_ char *dir = mkpath("dir/runc");
    _cleanup_(brig_error_freep) BrigError *err2 = NULL;
    ck_assert_int_lt(brig_runtime_find(dir, &path, &err2), 0);
    ck_assert_ptr_nonnull(strstr(err2->msg, "not a regular file"));
}
END_TEST

/* brig's own tools (record, trace-denials --runtime NAME) search PATH the
 * same way: relative and empty entries skipped; only runc or crun. */
START_TEST(test_lookup_named)
{
    setup_tree();
    mkexe("other/docker", "#!/bin/sh\necho 'Docker version 24.0.5'\n", 0755);
    /* what the real ones print on --version */
    mkexe("real/runc", "#!/bin/sh\necho 'runc version 1.1.5'\n", 0755);
    mkexe("crunonly/crun", "#!/bin/sh\necho 'crun version 1.8.1'\n", 0755);
    mkexe("liar/runc", "#!/bin/sh\necho 'Docker version 24.0.5'\n", 0755);
    _cleanup_free_ char *real = mkpath("real");
    ck_assert_int_eq(chdir(real), 0);
    char *path = NULL;
    _cleanup_(brig_error_freep) BrigError *e1 = NULL;
    setenv("PATH", ".::real", 1); /* ./runc exists in the cwd */
    ck_assert_int_lt(brig_runtime_lookup("runc", NULL, &path, &e1), 0);
    ck_assert_ptr_null(path);
    ck_assert_ptr_nonnull(strstr(e1->msg, "relative and empty entries skipped"));

    set_path("self:real:crunonly");
    ck_assert_int_eq(brig_runtime_lookup("runc", NULL, &path, NULL), 0);
    expect(path, "real/runc");
    free(path);
    ck_assert_int_eq(brig_runtime_lookup("crun", NULL, &path, NULL), 0);
    expect(path, "crunonly/crun");
    free(path);
    path = NULL;

    _cleanup_(brig_error_freep) BrigError *e2 = NULL;
    set_path("other:real");
    ck_assert_int_lt(brig_runtime_lookup("docker", NULL, &path, &e2), 0);
    ck_assert_ptr_nonnull(strstr(e2->msg, "runc or crun only"));
    _cleanup_free_ char *docker = mkpath("other/docker");
    _cleanup_(brig_error_freep) BrigError *e3 = NULL;
    ck_assert_int_lt(brig_runtime_lookup(docker, NULL, &path, &e3), 0);
    ck_assert_ptr_nonnull(strstr(e3->msg, "neither runc nor crun"));
    /* the name is not enough: a "runc" that is something else */
    _cleanup_(brig_error_freep) BrigError *e6 = NULL;
    set_path("liar:real");
    ck_assert_int_lt(brig_runtime_lookup("runc", NULL, &path, &e6), 0);
    ck_assert_ptr_nonnull(strstr(e6->msg, "neither runc nor crun"));
    set_path("other:real");
    _cleanup_(brig_error_freep) BrigError *e4 = NULL;
    ck_assert_int_lt(brig_runtime_lookup("./runc", NULL, &path, &e4), 0);
    ck_assert_ptr_nonnull(strstr(e4->msg, "absolute path"));
    _cleanup_(brig_error_freep) BrigError *e5 = NULL;
    _cleanup_free_ char *self = mkpath("self/runc");
    ck_assert_int_lt(brig_runtime_lookup(self, NULL, &path, &e5), 0);
    ck_assert_ptr_nonnull(strstr(e5->msg, "brig itself"));
    ck_assert_ptr_null(path);

    /* no name: the runtime-mode order */
    ck_assert_int_eq(brig_runtime_lookup(NULL, NULL, &path, NULL), 0);
    expect(path, "real/runc");
    free(path);
}
END_TEST

/* exec: argv[0] is the runtime, brig flags are gone, environment and
 * inherited fds reach the runtime. */
START_TEST(test_exec)
{
    setup_tree();
    _cleanup_free_ char *out = mkpath("exec.out");
    _cleanup_free_ char *script = xasprintf("#!/bin/sh\n"
                                            "{ for a in \"$0\" \"$@\"; do echo \"[$a]\"; done\n"
                                            "  echo \"env=$BRIG_TEST_MARK\"\n"
                                            "  [ -e /proc/self/fd/7 ] && echo fd7; } > %s\n",
                                            out);
    mkexe("fake/runc", script, 0755);
    _cleanup_free_ char *fake = mkpath("fake/runc");

    const char *v[] = {"brig", "--brig-policy", "/p", "--root", "R", "exec", "ID", "sh",
                       "-c",   "echo hi"};
    BrigArgv a;
    ck_assert_int_eq(brig_argv_parse(ELEMENTSOF(v), (char *const *)v, &a, NULL), 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        setenv("BRIG_TEST_MARK", "kept", 1);
        int fd = open("/dev/null", O_RDONLY); /* not CLOEXEC: like --preserve-fds */
        if (fd != 7)
            dup2(fd, 7);
        brig_runtime_exec(fake, &a, NULL);
        _exit(127);
    }
    int status;
    waitpid(pid, &status, 0);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    brig_argv_done(&a);

    FILE *f = fopen(out, "re");
    ck_assert_ptr_nonnull(f);
    char buf[4096];
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    buf[n] = '\0';
    fclose(f);
    _cleanup_free_ char *want = xasprintf(
        "[%s]\n[--root]\n[R]\n[exec]\n[ID]\n[sh]\n[-c]\n[echo hi]\nenv=kept\nfd7\n", fake);
    ck_assert_str_eq(buf, want);
}
END_TEST

/* A command line crun would misread is refused for crun (also behind a
 * symlink named runc) and goes through for runc. */
START_TEST(test_exec_hazard)
{
    setup_tree();
    _cleanup_free_ char *out = mkpath("ran");
    _cleanup_free_ char *script = xasprintf("#!/bin/sh\necho ran > %s\n", out);
    mkexe("rt/crun", script, 0755);
    mkexe("rt/runc", script, 0755);
    _cleanup_free_ char *crun = mkpath("rt/crun"), *runc = mkpath("rt/runc");
    _cleanup_free_ char *alias = mkpath("alias/runc"), *aliasdir = mkpath("alias");
    mkdir(aliasdir, 0755);
    ck_assert_int_eq(symlink(crun, alias), 0);

    const char *v[] = {"brig", "create", "-bundle", "B", "ID"};
    BrigArgv a;
    ck_assert_int_eq(brig_argv_parse(ELEMENTSOF(v), (char *const *)v, &a, NULL), 0);
    /* the flavour is what the caller found the executable to be; one
     * never asked is not taken for runc */
    const char *refused[] = {crun, alias, runc};
    const BrigFlavour fl[] = {BRIG_RT_CRUN, BRIG_RT_CRUN, BRIG_RT_UNSET};
    for (size_t i = 0; i < ELEMENTSOF(refused); i++) {
        _cleanup_(brig_error_freep) BrigError *err = NULL;
        a.flavour = fl[i];
        ck_assert_int_lt(brig_runtime_exec(refused[i], &a, &err), 0);
        ck_assert_ptr_nonnull(strstr(err->msg, "\"-bundle\""));
        ck_assert_int_eq(access(out, F_OK), -1);
    }
    a.flavour = BRIG_RT_RUNC;
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        brig_runtime_exec(runc, &a, NULL);
        _exit(127);
    }
    int status;
    waitpid(pid, &status, 0);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    ck_assert_int_eq(access(out, F_OK), 0);
    brig_argv_done(&a);
}
END_TEST

START_TEST(test_exec_fails)
{
    const char *v[] = {"brig", "state", "x"};
    BrigArgv a;
    _cleanup_(brig_error_freep) BrigError *err = NULL;
    ck_assert_int_eq(brig_argv_parse(ELEMENTSOF(v), (char *const *)v, &a, NULL), 0);
    ck_assert_int_lt(brig_runtime_exec("/nonexistent/runc", &a, &err), 0);
    ck_assert_ptr_nonnull(strstr(err->msg, "/nonexistent/runc"));
    ck_assert_ptr_nonnull(strstr(err->msg, "No such file"));
    brig_argv_done(&a);
}
END_TEST

/* Inline exec flags (DESIGN §3 "Exec"). */
typedef struct ExecCase {
    const char *name;
    const char *argv[MAXV];
    const char *want[MAXV];
    const char *fixes[6]; /* expected report pointers, in order */
    uint64_t caps;        /* policy->caps_allowed */
    bool allow_root;
    BrigMode mode;
} ExecCase;

#define BIT(n) (UINT64_C(1) << (n))

static const ExecCase exec_cases[] = {
    {"shim exec gets --no-new-privs",
     {"brig", "--root", "R", "exec", "--process", "/tmp/p", "--detach", "--pid-file", "P", "ID"},
     {"brig", "--root", "R", "exec", "--no-new-privs", "--process", "/tmp/p", "--detach",
      "--pid-file", "P", "ID"},
     {"/argv/--no-new-privs"}},
    {"caps not allowed are dropped, command untouched",
     {"brig", "exec", "--cap", "CAP_SYS_ADMIN", "-c", "CAP_NET_BIND_SERVICE", "--cap=CAP_CHOWN",
      "--no-new-privs", "ID", "sh", "--cap", "CAP_SYS_ADMIN"},
     {"brig", "exec", "--user=65534:65534", "-c", "CAP_NET_BIND_SERVICE", "--no-new-privs", "ID",
      "sh", "--cap", "CAP_SYS_ADMIN"},
     {"/argv/--cap", "/argv/--cap", "/argv/--user"},
     .caps = BIT(10) /* CAP_NET_BIND_SERVICE */},
    {"allowed cap in another spelling kept",
     {"brig", "exec", "-c", "net_bind_service", "ID"},
     {"brig", "exec", "--user=65534:65534", "--no-new-privs", "-c", "net_bind_service", "ID"},
     {"/argv/--user", "/argv/--no-new-privs"},
     .caps = BIT(10)},
    {"audit --no-new-privs=false recorded once",
     {"brig", "exec", "--no-new-privs=false", "ID"},
     {"brig", "exec", "--no-new-privs=false", "ID"},
     {"/argv/--no-new-privs", "/argv/--user"},
     .mode = BRIG_MODE_AUDIT},
    {"unknown capability dropped",
     {"brig", "exec", "-c", "CAP_NOPE", "--no-new-privs", "ID"},
     {"brig", "exec", "--user=65534:65534", "--no-new-privs", "ID"},
     {"/argv/--cap", "/argv/--user"}},
    {"--user 0",
     {"brig", "exec", "--no-new-privs", "--user", "0", "ID", "id"},
     {"brig", "exec", "--user=65534:65534", "--no-new-privs", "ID", "id"},
     {"/argv/--user"}},
    {"-u 0:0",
     {"brig", "exec", "-u", "0:0", "ID", "id"},
     {"brig", "exec", "--user=65534:65534", "--no-new-privs", "ID", "id"},
     {"/argv/--user", "/argv/--no-new-privs"}},
    {"-u=1000:0 keeps the uid",
     {"brig", "exec", "-u=1000:0", "--no-new-privs", "ID"},
     {"brig", "exec", "--user=1000:65534", "--no-new-privs", "ID"},
     {"/argv/--user"}},
    {"-u +00 is root to Atoi",
     {"brig", "exec", "-u", "+00", "--no-new-privs", "ID"},
     {"brig", "exec", "--user=65534:65534", "--no-new-privs", "ID"},
     {"/argv/--user"}},
    {"non-root user kept, spelt explicitly",
     {"brig", "exec", "-u", "1000:1000", "--no-new-privs", "ID"},
     {"brig", "exec", "--user=1000:1000", "--no-new-privs", "ID"},
     {NULL}},
    {"allow_root keeps uid 0",
     {"brig", "exec", "-u", "0", "-g", "0", "--no-new-privs", "ID"},
     {"brig", "exec", "--user=0:65534", "-g", "0", "--no-new-privs", "ID"},
     {"/argv/--user"},
     .allow_root = true},
    {"gid 0 leaves --additional-gids",
     {"brig", "exec", "-g", "0", "-g", "10", "--no-new-privs", "ID"},
     {"brig", "exec", "--user=65534:65534", "-g", "10", "--no-new-privs", "ID"},
     {"/argv/--additional-gids", "/argv/--user"}},
    {"LSM overrides removed",
     {"brig", "exec", "--apparmor", "unconfined", "--process-label=system_u:system_r:spc_t:s0",
      "--no-new-privs", "ID", "sh"},
     {"brig", "exec", "--user=65534:65534", "--no-new-privs", "ID", "sh"},
     {"/argv/--apparmor", "/argv/--process-label", "/argv/--user"}},
    {"--no-new-privs=false turned on",
     {"brig", "exec", "--no-new-privs=false", "ID"},
     {"brig", "exec", "--user=65534:65534", "--no-new-privs", "ID"},
     {"/argv/--no-new-privs", "/argv/--user"}},
    {"dash values stay values",
     {"brig", "exec", "--cwd", "-u", "--env", "--cap", "-t", "ID"},
     {"brig", "exec", "--user=65534:65534", "--no-new-privs", "--cwd", "-u", "--env", "--cap", "-t",
      "ID"},
     {"/argv/--user", "/argv/--no-new-privs"}},
    {"flags after -- untouched",
     {"brig", "exec", "--", "ID", "--cap", "CAP_SYS_ADMIN"},
     {"brig", "exec", "--user=65534:65534", "--no-new-privs", "--", "ID", "--cap", "CAP_SYS_ADMIN"},
     {"/argv/--user", "/argv/--no-new-privs"}},
    {"audit mode records and changes nothing",
     {"brig", "exec", "--cap", "CAP_SYS_ADMIN", "-u", "0", "ID"},
     {"brig", "exec", "--cap", "CAP_SYS_ADMIN", "-u", "0", "ID"},
     {"/argv/--cap", "/argv/--user", "/argv/--no-new-privs"},
     .mode = BRIG_MODE_AUDIT},
    {"reject mode records and changes nothing",
     {"brig", "exec", "--apparmor", "x", "ID"},
     {"brig", "exec", "--apparmor", "x", "ID"},
     {"/argv/--apparmor", "/argv/--user", "/argv/--no-new-privs"},
     .mode = BRIG_MODE_REJECT},
    {"other subcommands untouched",
     {"brig", "create", "--pid-file", "--cap", "ID"},
     {"brig", "create", "--pid-file", "--cap", "ID"},
     {NULL}},
};

static void check_argv(const char *name, const BrigArgv *a, const char *const *want)
{
    ck_assert_msg(a->argc == (int)strv_len(want), "%s: argc %d, expected %zu", name, a->argc,
                  strv_len(want));
    for (int i = 0; i < a->argc; i++)
        ck_assert_msg(streq(a->argv[i], want[i]), "%s: argv[%d] is \"%s\", expected \"%s\"", name,
                      i, a->argv[i], want[i]);
    ck_assert_ptr_null(a->argv[a->argc]);
    if (a->id_idx >= 0)
        ck_assert_msg(streq(a->argv[a->id_idx], "ID"), "%s: id_idx %d points at %s", name,
                      a->id_idx, a->argv[a->id_idx]);
    if (a->cmd)
        ck_assert_ptr_eq(a->cmd, a->argv[a->cmd_idx]);
}

START_TEST(test_exec_flags)
{
    const ExecCase *c = &exec_cases[_i];
    _cleanup_(brig_policy_freep) BrigPolicy *pol = brig_policy_new_default();
    pol->caps_allowed = c->caps;
    pol->allow_root = c->allow_root;
    pol->mode = c->mode;
    BrigArgv a;
    BrigReport rep = {0};
    ck_assert_int_eq(brig_argv_parse((int)strv_len(c->argv), (char *const *)c->argv, &a, NULL), 0);
    int old_id = a.id_idx;
    ck_assert_int_eq(brig_argv_harden_exec(&a, pol, BRIG_RT_RUNC, &rep, NULL), 0);
    check_argv(c->name, &a, c->want);
    if (streq(a.cmd, "exec"))
        ck_assert_msg(a.id_idx >= 0 && (old_id >= 0), "%s: id lost", c->name);

    size_t nfix = 0;
    while (nfix < ELEMENTSOF(c->fixes) && c->fixes[nfix])
        nfix++;
    ck_assert_msg(rep.n == nfix, "%s: %zu changes recorded, expected %zu", c->name, rep.n, nfix);
    for (size_t i = 0; i < nfix; i++) {
        ck_assert_str_eq(rep.v[i].pointer, c->fixes[i]);
        ck_assert_int_eq(rep.v[i].kind, BRIG_FIX);
        ck_assert_ptr_nonnull(rep.v[i].reason);
    }
    brig_report_clear(&rep);

    /* Idempotent: a second run over the result changes nothing more. */
    if (c->mode == BRIG_MODE_ENFORCE) {
        ck_assert_int_eq(brig_argv_harden_exec(&a, pol, BRIG_RT_RUNC, &rep, NULL), 0);
        check_argv(c->name, &a, c->want);
        ck_assert_msg(rep.n == 0, "%s: second run recorded %zu changes", c->name, rep.n);
        brig_report_clear(&rep);
    }
    brig_argv_done(&a);
}
END_TEST

START_TEST(test_exec_flags_report_values)
{
    _cleanup_(brig_policy_freep) BrigPolicy *pol = brig_policy_new_default();
    const char *v[] = {"brig", "exec", "--user", "0:0", "-c", "CAP_SYS_ADMIN", "ID"};
    BrigArgv a;
    BrigReport rep = {0};
    ck_assert_int_eq(brig_argv_parse(ELEMENTSOF(v), (char *const *)v, &a, NULL), 0);
    ck_assert_int_eq(brig_argv_harden_exec(&a, pol, BRIG_RT_RUNC, &rep, NULL), 0);
    ck_assert_uint_eq(rep.n, 3);
    ck_assert_str_eq(rep.v[1].before, "\"0:0\"");
    ck_assert_str_eq(rep.v[1].after, "\"65534:65534\"");
    ck_assert_str_eq(rep.v[0].before, "\"CAP_SYS_ADMIN\"");
    ck_assert_ptr_null(rep.v[0].after);
    ck_assert_ptr_nonnull(strstr(rep.v[0].reason, "CAP_SYS_ADMIN"));
    ck_assert_ptr_null(rep.v[2].before);
    ck_assert_str_eq(rep.v[2].after, "\"true\"");
    brig_report_clear(&rep);
    brig_argv_done(&a);
}
END_TEST

static Suite *runtime_suite(void)
{
    Suite *s = suite_create("runtime");
    TCase *tc = tcase_create("argv");
    tcase_add_loop_test(tc, test_parse_table, 0, ELEMENTSOF(cases));
    tcase_add_loop_test(tc, test_parse_errors, 0, ELEMENTSOF(bad_cases));
    tcase_add_test(tc, test_takes_value);
    tcase_add_test(tc, test_getopt_hazard);
    suite_add_tcase(s, tc);

    /* needs runc (tests/unit/meson.build) */
    tc = tcase_create("host");
    tcase_add_test(tc, test_against_runc);
    suite_add_tcase(s, tc);

    tc = tcase_create("exec_flags");
    tcase_add_loop_test(tc, test_exec_flags, 0, ELEMENTSOF(exec_cases));
    tcase_add_test(tc, test_exec_flags_report_values);
    suite_add_tcase(s, tc);

    tc = tcase_create("discovery");
    tcase_add_checked_fixture(tc, NULL, teardown_tree);
    tcase_add_test(tc, test_find_skips_self);
    tcase_add_test(tc, test_find_runc_before_crun);
    tcase_add_test(tc, test_find_none);
    tcase_add_test(tc, test_find_relative_path_entries_skipped);
    tcase_add_test(tc, test_find_env);
    tcase_add_test(tc, test_find_explicit);
    tcase_add_test(tc, test_lookup_named);
    tcase_add_test(tc, test_exec);
    tcase_add_test(tc, test_exec_hazard);
    tcase_add_test(tc, test_exec_fails);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return tu_run(runtime_suite());
}
