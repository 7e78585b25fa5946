/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The audit log: one parseable JSON line per decision, appended atomically
 * by concurrent brig processes, and an error (not silence) when the file
 * cannot be written. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "testutil.h"

static char tmpdir[64];

static void mk_tmpdir(void)
{
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/brig-test-audit.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void rm_tmpdir(void)
{
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    ck_assert_int_eq(system(cmd), 0);
}

static BrigPolicy *test_policy(BrigMode mode)
{
    BrigPolicy *p = brig_policy_new_default();
    p->mode = mode;
    free(p->source);
    p->source = xstrdup("/etc/brig/policy.json (rule web)");
    return p;
}

/* A report with a fix whose before/after are JSON of several shapes, a
 * refusal and a note. */
static void fill_report(BrigReport *rep)
{
    _cleanup_(brig_json_freep) BrigJson *uid0 = tu_parse("0");
    _cleanup_(brig_json_freep) BrigJson *uid = tu_parse("65534");
    _cleanup_(brig_json_freep) BrigJson *caps = tu_parse("[\"CAP_SYS_ADMIN\",\"CAP_CHOWN\"]");
    _cleanup_(brig_json_freep) BrigJson *none = tu_parse("[]");
    _cleanup_(brig_json_freep) BrigJson *mnt =
        tu_parse("{\"source\":\"/var/run/docker.sock\",\"type\":\"bind\",\"n\":1e3}");
    rep->pass = "user";
    brig_report_fix(rep, "/process/user/uid", uid0, uid, "runs as root");
    rep->pass = "capabilities";
    brig_report_fix(rep, "/process/capabilities/bounding", caps, none, "not in the policy");
    rep->pass = "mounts";
    brig_report_refuse(rep, "/mounts/3", mnt, "engine socket \"docker.sock\"\nmounted");
    rep->pass = "hooks";
    brig_report_note(rep, "/hooks/prestart/0", "kept");
    rep->pass = "rootfs";
    brig_report_fix(rep, "/root/readonly", NULL, NULL, "added");
    rep->pass = NULL;
}

static BrigJson *parse_line(const char *line)
{
    size_t len = strlen(line);
    ck_assert_uint_gt(len, 0);
    ck_assert_msg(line[len - 1] == '\n', "no trailing newline: %s", line);
    ck_assert_msg(memchr(line, '\n', len - 1) == NULL, "more than one line: %s", line);
    BrigJson *j = NULL;
    BrigError *err = NULL;
    int r = brig_json_parse(line, len, "audit line", 0, &j, &err);
    ck_assert_msg(r == 0, "not JSON: %s: %s", err ? err->msg : "?", line);
    return j;
}

START_TEST(format_fields)
{
    _cleanup_(brig_policy_freep) BrigPolicy *p = test_policy(BRIG_MODE_ENFORCE);
    BrigReport rep = {0};
    fill_report(&rep);
    BrigAuditEvent ev = {
        .command = "create",
        .id = "web-1",
        .bundle = "/run/containerd/io.containerd.runtime.v2.task/k8s.io/web-1",
        .engine = "containerd",
        .policy = p,
        .decision = "hardened",
        .report = &rep,
        .runtime = "/usr/sbin/runc",
    };
    time_t t0 = time(NULL);
    _cleanup_free_ char *line = brig_audit_format(&ev);
    _cleanup_(brig_json_freep) BrigJson *j = parse_line(line);

    static const char *const keys[] = {"time",     "command", "id",     "bundle",
                                       "engine",   "mode",    "policy", "policyDigest",
                                       "decision", "changes", "runtime"};
    ck_assert_uint_eq(j->n, ELEMENTSOF(keys));
    for (size_t i = 0; i < ELEMENTSOF(keys); i++)
        ck_assert_str_eq(j->kids[i]->key, keys[i]);

    const char *tm = brig_json_str(brig_json_get(j, "time"));
    ck_assert_ptr_nonnull(tm);
    struct tm parsed = {0};
    const char *rest = strptime(tm, "%Y-%m-%dT%H:%M:%S", &parsed);
    ck_assert_msg(rest && rest[0] == '.' && strlen(rest) == 11 && rest[10] == 'Z', "time %s", tm);
    time_t t = timegm(&parsed);
    ck_assert_msg(t >= t0 - 1 && t <= time(NULL) + 1, "time %s is not now", tm);

    ck_assert_str_eq(brig_json_str(brig_json_get(j, "command")), "create");
    ck_assert_str_eq(brig_json_str(brig_json_get(j, "id")), "web-1");
    ck_assert_str_eq(brig_json_str(brig_json_get(j, "bundle")), ev.bundle);
    ck_assert_str_eq(brig_json_str(brig_json_get(j, "engine")), "containerd");
    ck_assert_str_eq(brig_json_str(brig_json_get(j, "mode")), "enforce");
    ck_assert_str_eq(brig_json_str(brig_json_get(j, "policy")), "/etc/brig/policy.json (rule web)");
    ck_assert_str_eq(brig_json_str(brig_json_get(j, "policyDigest")), p->digest);
    ck_assert(startswith(p->digest, "sha256:"));
    ck_assert_uint_eq(strlen(p->digest), BRIG_DIGEST_LEN - 1);
    ck_assert_str_eq(brig_json_str(brig_json_get(j, "decision")), "hardened");
    ck_assert_str_eq(brig_json_str(brig_json_get(j, "runtime")), "/usr/sbin/runc");

    const BrigJson *ch = brig_json_get(j, "changes");
    ck_assert_int_eq(ch->type, BRIG_JSON_ARRAY);
    ck_assert_uint_eq(ch->n, rep.n);
    static const char *const ckeys[] = {"kind", "pass", "pointer", "before", "after", "reason"};
    for (size_t i = 0; i < ch->n; i++) {
        ck_assert_uint_eq(ch->kids[i]->n, ELEMENTSOF(ckeys));
        for (size_t k = 0; k < ELEMENTSOF(ckeys); k++)
            ck_assert_str_eq(ch->kids[i]->kids[k]->key, ckeys[k]);
        ck_assert_str_eq(brig_json_str(brig_json_get(ch->kids[i], "kind")),
                         brig_change_kind_name(rep.v[i].kind));
        ck_assert_str_eq(brig_json_str(brig_json_get(ch->kids[i], "pass")), rep.v[i].pass);
        ck_assert_str_eq(brig_json_str(brig_json_get(ch->kids[i], "pointer")), rep.v[i].pointer);
        ck_assert_str_eq(brig_json_str(brig_json_get(ch->kids[i], "reason")), rep.v[i].reason);
    }
    /* before/after are JSON values, not strings holding JSON */
    const BrigJson *c0 = ch->kids[0];
    ck_assert_str_eq(brig_json_str(brig_json_get(c0, "kind")), "fix");
    ck_assert_int_eq(brig_json_get(c0, "before")->type, BRIG_JSON_NUMBER);
    ck_assert_str_eq(brig_json_get(c0, "before")->text, "0");
    ck_assert_str_eq(brig_json_get(c0, "after")->text, "65534");
    _cleanup_(brig_json_freep) BrigJson *caps = tu_parse("[\"CAP_SYS_ADMIN\",\"CAP_CHOWN\"]");
    ck_assert(brig_json_equal(brig_json_get(ch->kids[1], "before"), caps));
    ck_assert_int_eq(brig_json_get(ch->kids[1], "after")->type, BRIG_JSON_ARRAY);
    ck_assert_uint_eq(brig_json_get(ch->kids[1], "after")->n, 0);
    const BrigJson *c2 = ch->kids[2];
    ck_assert_str_eq(brig_json_str(brig_json_get(c2, "kind")), "refuse");
    const BrigJson *mnt = brig_json_get(c2, "before");
    ck_assert_int_eq(mnt->type, BRIG_JSON_OBJECT);
    ck_assert_str_eq(brig_json_str(brig_json_get(mnt, "source")), "/var/run/docker.sock");
    ck_assert_str_eq(brig_json_get(mnt, "n")->text, "1e3"); /* numbers verbatim */
    ck_assert_int_eq(brig_json_get(c2, "after")->type, BRIG_JSON_NULL);
    ck_assert_str_eq(brig_json_str(brig_json_get(c2, "reason")),
                     "engine socket \"docker.sock\"\nmounted");
    ck_assert_str_eq(brig_json_str(brig_json_get(ch->kids[3], "kind")), "note");
    ck_assert_int_eq(brig_json_get(ch->kids[4], "before")->type, BRIG_JSON_NULL);
    ck_assert_int_eq(brig_json_get(ch->kids[4], "after")->type, BRIG_JSON_NULL);
    brig_report_clear(&rep);
}
END_TEST

START_TEST(format_nulls_and_escapes)
{
    _cleanup_(brig_policy_freep) BrigPolicy *p = test_policy(BRIG_MODE_AUDIT);
    BrigAuditEvent ev = {
        .command = "check",
        .id = NULL,
        .bundle = "/tmp/a \"quoted\"\tbundle\nwith newline\\",
        .engine = "direct",
        .policy = p,
        .decision = "audited",
        .report = NULL,
        .runtime = NULL,
    };
    _cleanup_free_ char *line = brig_audit_format(&ev);
    _cleanup_(brig_json_freep) BrigJson *j = parse_line(line);
    ck_assert_int_eq(brig_json_get(j, "id")->type, BRIG_JSON_NULL);
    ck_assert_int_eq(brig_json_get(j, "runtime")->type, BRIG_JSON_NULL);
    ck_assert_str_eq(brig_json_str(brig_json_get(j, "bundle")), ev.bundle);
    ck_assert_str_eq(brig_json_str(brig_json_get(j, "mode")), "audit");
    ck_assert_str_eq(brig_json_str(brig_json_get(j, "decision")), "audited");
    ck_assert_uint_eq(brig_json_get(j, "changes")->n, 0);

    /* bytes that are not UTF-8 (a bundle path can hold any) become U+FFFD,
     * valid multi-byte characters are kept */
    ev.bundle = "/tmp/\xff-caf\xc3\xa9-\xed\xa0\x80-\xe2\x82";
    _cleanup_free_ char *line3 = brig_audit_format(&ev);
    _cleanup_(brig_json_freep) BrigJson *j3 = parse_line(line3);
    ck_assert_str_eq(brig_json_str(brig_json_get(j3, "bundle")),
                     "/tmp/\xef\xbf\xbd-caf\xc3\xa9-\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd-"
                     "\xef\xbf\xbd\xef\xbf\xbd");

    /* without a source the policy reads as the built-in default */
    _cleanup_(brig_policy_freep) BrigPolicy *d = brig_policy_new_default();
    ev.policy = d;
    _cleanup_free_ char *line2 = brig_audit_format(&ev);
    _cleanup_(brig_json_freep) BrigJson *j2 = parse_line(line2);
    ck_assert_str_eq(brig_json_str(brig_json_get(j2, "policy")), "the built-in default policy");
}
END_TEST

static BrigPolicyDoc *doc_with_log(const char *path)
{
    BrigPolicyDoc *doc = NULL;
    BrigError *err = NULL;
    ck_assert_int_eq(brig_policy_builtin(&doc, &err), 0);
    free(doc->audit_log);
    doc->audit_log = path ? xstrdup(path) : NULL;
    doc->audit_syslog = false;
    return doc;
}

static char *read_file(const char *path, size_t *ret_len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    struct stat st;
    ck_assert_int_eq(fstat(fileno(f), &st), 0);
    char *buf = xmalloc((size_t)st.st_size + 1);
    ck_assert_uint_eq(fread(buf, 1, (size_t)st.st_size, f), (size_t)st.st_size);
    buf[st.st_size] = '\0';
    fclose(f);
    *ret_len = (size_t)st.st_size;
    return buf;
}

START_TEST(write_appends)
{
    mk_tmpdir();
    _cleanup_free_ char *path = xasprintf("%s/audit.log", tmpdir);
    const char *pre = "{\"earlier\":true}\n";
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0640);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, pre, strlen(pre)), (ssize_t)strlen(pre));
    close(fd);

    _cleanup_(brig_policy_doc_freep) BrigPolicyDoc *doc = doc_with_log(path);
    _cleanup_(brig_policy_freep) BrigPolicy *p = test_policy(BRIG_MODE_REJECT);
    BrigAuditEvent ev = {
        .command = "run", .id = "c1", .policy = p, .decision = "refused", .engine = "direct"};
    BrigError *err = NULL;
    ck_assert_int_eq(brig_audit_write(doc, &ev, &err), 0);
    ev.id = "c2";
    ck_assert_int_eq(brig_audit_write(doc, &ev, &err), 0);
    ck_assert_ptr_null(err);

    size_t len;
    _cleanup_free_ char *buf = read_file(path, &len);
    ck_assert(startswith(buf, pre));
    char *l1 = buf + strlen(pre), *l2 = strchr(l1, '\n') + 1;
    ck_assert(strchr(l2, '\n') == buf + len - 1);
    _cleanup_free_ char *s1 = xstrndup(l1, (size_t)(l2 - l1));
    _cleanup_(brig_json_freep) BrigJson *j1 = parse_line(s1);
    _cleanup_(brig_json_freep) BrigJson *j2 = parse_line(l2);
    ck_assert_str_eq(brig_json_str(brig_json_get(j1, "id")), "c1");
    ck_assert_str_eq(brig_json_str(brig_json_get(j2, "id")), "c2");
    ck_assert_str_eq(brig_json_str(brig_json_get(j2, "mode")), "reject");

    /* the descriptor is opened O_APPEND: writes land at the end even after
     * another writer truncated or grew the file */
    fd = open(path, O_WRONLY | O_TRUNC);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, "x\n", 2), 2);
    close(fd);
    ck_assert_int_eq(brig_audit_write(doc, &ev, &err), 0);
    _cleanup_free_ char *buf2 = read_file(path, &len);
    ck_assert(startswith(buf2, "x\n{"));

    /* a new log is created private to root */
    _cleanup_free_ char *fresh = xasprintf("%s/new.log", tmpdir);
    free(doc->audit_log);
    doc->audit_log = xstrdup(fresh);
    mode_t old = umask(0);
    ck_assert_int_eq(brig_audit_write(doc, &ev, &err), 0);
    umask(old);
    struct stat st;
    ck_assert_int_eq(stat(fresh, &st), 0);
    ck_assert_uint_eq(st.st_mode & 07777, 0600);
    rm_tmpdir();
}
END_TEST

START_TEST(write_disabled)
{
    mk_tmpdir();
    _cleanup_(brig_policy_doc_freep) BrigPolicyDoc *doc = doc_with_log(NULL);
    _cleanup_(brig_policy_freep) BrigPolicy *p = test_policy(BRIG_MODE_ENFORCE);
    BrigAuditEvent ev = {.command = "run", .policy = p, .decision = "unchanged"};
    BrigError *err = NULL;
    ck_assert_int_eq(brig_audit_write(doc, &ev, &err), 0);
    ck_assert_ptr_null(err);
    rm_tmpdir();
}
END_TEST

/* A syslog socket of our own (datagram, as journald's and rsyslog's are,
 * then stream): the message is what syslog(3) sends, facility authpriv,
 * "brig[PID]: " and the line, without a timestamp. */
static int listen_at(const char *path, int type)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
    int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    if (type == SOCK_STREAM)
        ck_assert_int_eq(listen(fd, 1), 0);
    return fd;
}

START_TEST(syslog_message)
{
    mk_tmpdir();
    _cleanup_free_ char *dpath = xasprintf("%s/log-dgram", tmpdir);
    _cleanup_free_ char *spath = xasprintf("%s/log-stream", tmpdir);
    const char *line = "{\"command\":\"create\",\"decision\":\"hardened\"}";
    _cleanup_free_ char *want =
        xasprintf("<%d>brig[%d]: %s", LOG_AUTHPRIV | LOG_INFO, (int)getpid(), line);
    char buf[512];

    _cleanup_close_ int d = listen_at(dpath, SOCK_DGRAM);
    ck_assert_int_eq(brig_syslog_send(dpath, LOG_INFO, line, strlen(line)), 0);
    ssize_t n = recv(d, buf, sizeof(buf) - 1, 0);
    ck_assert_int_gt(n, 0);
    buf[n] = '\0';
    ck_assert_str_eq(buf, want);

    /* a stream socket gets the same message, NUL-terminated */
    _cleanup_close_ int s = listen_at(spath, SOCK_STREAM);
    ck_assert_int_eq(brig_syslog_send(spath, LOG_WARNING, line, strlen(line)), 0);
    _cleanup_close_ int c = accept(s, NULL, NULL);
    ck_assert_int_ge(c, 0);
    n = read(c, buf, sizeof(buf));
    _cleanup_free_ char *want_s =
        xasprintf("<%d>brig[%d]: %s", LOG_AUTHPRIV | LOG_WARNING, (int)getpid(), line);
    ck_assert_int_eq(n, (ssize_t)strlen(want_s) + 1);
    ck_assert_int_eq(buf[n - 1], '\0');
    ck_assert_str_eq(buf, want_s);

    /* no daemon: an error for the caller to ignore, as syslog(3) does */
    _cleanup_free_ char *none = xasprintf("%s/none", tmpdir);
    ck_assert_int_eq(brig_syslog_send(none, LOG_INFO, line, strlen(line)), -ENOENT);
    unlink(dpath);
    unlink(spath);
    rm_tmpdir();
}
END_TEST

enum { CHILDREN = 20, LINES = 50 };

START_TEST(write_concurrent)
{
    mk_tmpdir();
    _cleanup_free_ char *path = xasprintf("%s/audit.log", tmpdir);
    _cleanup_(brig_policy_doc_freep) BrigPolicyDoc *doc = doc_with_log(path);
    _cleanup_(brig_policy_freep) BrigPolicy *p = test_policy(BRIG_MODE_AUDIT);
    /* large lines (several KiB) make torn or interleaved writes likely if
     * the write were not a single O_APPEND write(2) */
    BrigReport rep = {0};
    for (int k = 0; k < 8; k++)
        fill_report(&rep);

    pid_t pids[CHILDREN];
    for (int c = 0; c < CHILDREN; c++) {
        pids[c] = fork();
        ck_assert_int_ge(pids[c], 0);
        if (pids[c] == 0) {
            for (int i = 0; i < LINES; i++) {
                char id[32];
                snprintf(id, sizeof(id), "c%02d-%02d", c, i);
                BrigAuditEvent ev = {.command = "create",
                                     .id = id,
                                     .policy = p,
                                     .decision = "audited",
                                     .report = &rep,
                                     .engine = "direct"};
                BrigError *err = NULL;
                if (brig_audit_write(doc, &ev, &err) < 0)
                    _exit(1);
            }
            _exit(0);
        }
    }
    for (int c = 0; c < CHILDREN; c++) {
        int st;
        ck_assert_int_eq(waitpid(pids[c], &st, 0), pids[c]);
        ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child %d failed", c);
    }
    brig_report_clear(&rep);

    size_t len;
    _cleanup_free_ char *buf = read_file(path, &len);
    ck_assert_uint_gt(len, (size_t)CHILDREN * LINES * 2048);
    bool seen[CHILDREN][LINES] = {{false}};
    size_t n = 0;
    for (char *l = buf; *l;) {
        char *nl = strchr(l, '\n');
        ck_assert_msg(nl != NULL, "last line unterminated");
        _cleanup_free_ char *one = xstrndup(l, (size_t)(nl - l + 1));
        _cleanup_(brig_json_freep) BrigJson *j = parse_line(one);
        int c, i;
        ck_assert_int_eq(sscanf(brig_json_str(brig_json_get(j, "id")), "c%d-%d", &c, &i), 2);
        ck_assert(c >= 0 && c < CHILDREN && i >= 0 && i < LINES);
        ck_assert_msg(!seen[c][i], "line c%d-%d twice", c, i);
        seen[c][i] = true;
        ck_assert_uint_eq(brig_json_get(j, "changes")->n, 40);
        n++;
        l = nl + 1;
    }
    ck_assert_uint_eq(n, CHILDREN * LINES);
    rm_tmpdir();
}
END_TEST

static char *write_err(const char *path)
{
    _cleanup_(brig_policy_doc_freep) BrigPolicyDoc *doc = doc_with_log(path);
    _cleanup_(brig_policy_freep) BrigPolicy *p = test_policy(BRIG_MODE_ENFORCE);
    BrigAuditEvent ev = {.command = "run", .id = "x", .policy = p, .decision = "hardened"};
    BrigError *err = NULL;
    int r = brig_audit_write(doc, &ev, &err);
    if (r == 0)
        return NULL;
    ck_assert_int_lt(r, 0);
    ck_assert_ptr_nonnull(err);
    char *m = xstrdup(err->msg);
    brig_error_free(err);
    return m;
}

START_TEST(write_errors)
{
    mk_tmpdir();
    _cleanup_free_ char *nodir = xasprintf("%s/missing/audit.log", tmpdir);
    _cleanup_free_ char *m1 = write_err(nodir);
    _cleanup_free_ char *w1 =
        xasprintf("audit log: %s: cannot open: No such file or directory", nodir);
    ck_assert_pstr_eq(m1, w1);

    _cleanup_free_ char *dir = xasprintf("%s/adir", tmpdir);
    ck_assert_int_eq(mkdir(dir, 0700), 0);
    _cleanup_free_ char *m2 = write_err(dir);
    _cleanup_free_ char *w2 = xasprintf("audit log: %s: cannot open: Is a directory", dir);
    ck_assert_pstr_eq(m2, w2);

    /* a symlink planted where the log goes is not followed */
    _cleanup_free_ char *target = xasprintf("%s/target", tmpdir);
    _cleanup_free_ char *link = xasprintf("%s/link.log", tmpdir);
    ck_assert_int_eq(symlink(target, link), 0);
    _cleanup_free_ char *m3 = write_err(link);
    _cleanup_free_ char *w3 =
        xasprintf("audit log: %s: is a symbolic link; brig refuses to follow it", link);
    ck_assert_pstr_eq(m3, w3);
    ck_assert_int_eq(access(target, F_OK), -1);

    /* a FIFO planted there neither hangs the create nor takes the line,
     * with or without a reader */
    _cleanup_free_ char *fifo = xasprintf("%s/fifo.log", tmpdir);
    ck_assert_int_eq(mkfifo(fifo, 0600), 0);
    alarm(5);
    _cleanup_free_ char *m4 = write_err(fifo);
    _cleanup_free_ char *w4 =
        xasprintf("audit log: %s: is not a regular file (a FIFO or socket)", fifo);
    ck_assert_pstr_eq(m4, w4);
    int rd = open(fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    ck_assert_int_ge(rd, 0);
    _cleanup_free_ char *m5 = write_err(fifo);
    _cleanup_free_ char *w5 = xasprintf("audit log: %s: is not a regular file", fifo);
    ck_assert_pstr_eq(m5, w5);
    close(rd);
    alarm(0);

    /* a file the writer has no permission for */
    if (geteuid() == 0) {
        _cleanup_free_ char *priv = xasprintf("%s/root.log", tmpdir);
        int fd = open(priv, O_WRONLY | O_CREAT, 0600);
        ck_assert_int_ge(fd, 0);
        close(fd);
        ck_assert_int_eq(chmod(tmpdir, 0755), 0);
        pid_t pid = fork();
        ck_assert_int_ge(pid, 0);
        if (pid == 0) {
            if (setgid(65534) < 0 || setuid(65534) < 0)
                _exit(3);
            char *m = write_err(priv);
            char *w = xasprintf("audit log: %s: cannot open: Permission denied", priv);
            _exit(m && streq(m, w) ? 0 : 1);
        }
        int st;
        ck_assert_int_eq(waitpid(pid, &st, 0), pid);
        ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "unprivileged write: status %d", st);
    } else {
        tu_skip("write_errors: the permission case needs root");
    }
    rm_tmpdir();
}
END_TEST

START_TEST(engine_hint)
{
    ck_assert_str_eq(brig_engine_hint(NULL, NULL), "direct");
    ck_assert_str_eq(brig_engine_hint("/run/runc", NULL), "direct");
    ck_assert_str_eq(brig_engine_hint("/run/docker/runtime-runc/moby", NULL), "docker");
    ck_assert_str_eq(brig_engine_hint("/var/run/docker/runtime-runc/moby", NULL), "docker");
    ck_assert_str_eq(brig_engine_hint("/run/containerd/runc/moby", NULL), "docker");
    ck_assert_str_eq(brig_engine_hint("/run/containerd/runc/default", NULL), "containerd");
    ck_assert_str_eq(brig_engine_hint("/run/containerd/runc/k8s.io", NULL), "containerd");

    _cleanup_(brig_json_freep) BrigJson *cri =
        tu_parse("{\"annotations\": {\"io.kubernetes.cri.container-type\": \"container\"}}");
    ck_assert_str_eq(brig_engine_hint("/run/containerd/runc/k8s.io", cri), "kubernetes");
    ck_assert_str_eq(brig_engine_hint(NULL, cri), "kubernetes");
    _cleanup_(brig_json_freep) BrigJson *crio =
        tu_parse("{\"annotations\": {\"io.kubernetes.cri-o.ContainerType\": \"container\"}}");
    ck_assert_str_eq(brig_engine_hint("/run/runc", crio), "kubernetes");
    _cleanup_(brig_json_freep) BrigJson *podman =
        tu_parse("{\"annotations\": {\"io.container.manager\": \"libpod\"}}");
    ck_assert_str_eq(brig_engine_hint("/run/user/1000/runc", podman), "podman");
    _cleanup_(brig_json_freep) BrigJson *other =
        tu_parse("{\"annotations\": {\"io.container.manager\": \"other\"}}");
    ck_assert_str_eq(brig_engine_hint(NULL, other), "direct");
    _cleanup_(brig_json_freep) BrigJson *weird = tu_parse("{\"annotations\": []}");
    ck_assert_str_eq(brig_engine_hint(NULL, weird), "direct");
}
END_TEST

static Suite *audit_suite(void)
{
    Suite *s = suite_create("audit");
    TCase *tc = tcase_create("format");
    tcase_add_test(tc, format_fields);
    tcase_add_test(tc, format_nulls_and_escapes);
    tcase_add_test(tc, engine_hint);
    suite_add_tcase(s, tc);
    tc = tcase_create("write");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, write_appends);
    tcase_add_test(tc, write_disabled);
    tcase_add_test(tc, write_concurrent);
    tcase_add_test(tc, write_errors);
    tcase_add_test(tc, syslog_message);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return tu_run(audit_suite());
}
