/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The engine-facing log: containerd shows the last error line of runc's
 * --log file to the user, so every line brig writes must be one whole,
 * well-formed line in the format the engine asked for, and a log brig cannot
 * write must never be the reason a container fails or hangs. */
#include <fcntl.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "log.h"
#include "testutil.h"

static char tmpdir[256];

static void setup(void)
{
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/brig-test-log-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void teardown(void)
{
    char cmd[512];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    ck_assert_int_eq(system(cmd), 0);
}

static char *slurp(const char *path, size_t *ret_len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    size_t cap = 1 << 16, len = 0;
    char *buf = xmalloc(cap);
    size_t n;
    while ((n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (cap - len < 2)
            buf = xrealloc(buf, cap *= 2);
    }
    buf[len] = '\0';
    fclose(f);
    if (ret_len)
        *ret_len = len;
    return buf;
}

static void assert_matches(const char *s, const char *re)
{
    regex_t rx;
    ck_assert_int_eq(regcomp(&rx, re, REG_EXTENDED | REG_NOSUB), 0);
    int r = regexec(&rx, s, 0, NULL, 0);
    regfree(&rx);
    ck_assert_msg(r == 0, "[%s] does not match /%s/", s, re);
}

#define TIME_RE "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{9}Z"

START_TEST(test_time_format)
{
    char buf[64];
    brig_log_time(buf, sizeof(buf));
    assert_matches(buf, "^" TIME_RE "$");
    /* UTC and now: the year and day agree with gmtime */
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    char day[16];
    strftime(day, sizeof(day), "%Y-%m-%d", &tm);
    ck_assert_msg(strncmp(buf, day, 10) == 0 || tm.tm_hour == 0, "%s vs %s", buf, day);
}
END_TEST

/* The stamp is computed without gmtime (which reads the time zone file):
 * it must agree with gmtime across leap years, century rules and before
 * 1970, to the second. */
START_TEST(test_time_matches_gmtime)
{
    char got[64], want[64];
    for (int64_t t = -2208988800LL; t < 7258118400LL; t += 86400 * 37 + 3607) {
        time_t tt = (time_t)t;
        struct tm tm;
        ck_assert_ptr_nonnull(gmtime_r(&tt, &tm));
        strftime(want, sizeof(want), "%Y-%m-%dT%H:%M:%S.000000042Z", &tm);
        brig_log_format_time(t, 42, got, sizeof(got));
        ck_assert_str_eq(got, want);
    }
    /* around the day boundaries, and leap days */
    static const int64_t edges[] = {0,         -1,         86399,      86400,      951782400,
                                    951868799, 4107456000, 4107542399, 1709164800, -86401};
    for (size_t i = 0; i < sizeof(edges) / sizeof(edges[0]); i++) {
        time_t tt = (time_t)edges[i];
        struct tm tm;
        gmtime_r(&tt, &tm);
        strftime(want, sizeof(want), "%Y-%m-%dT%H:%M:%S.000000000Z", &tm);
        brig_log_format_time(edges[i], 0, got, sizeof(got));
        ck_assert_str_eq(got, want);
    }
}
END_TEST

/* Parses a JSON log line and returns its msg; checks the shape on the way. */
static char *json_line_msg(const char *line, const char *level)
{
    size_t len = strlen(line);
    ck_assert_uint_gt(len, 0);
    ck_assert_int_eq(line[len - 1], '\n');
    ck_assert_ptr_eq(strchr(line, '\n'), line + len - 1);
    BrigJson *j = NULL;
    BrigError *err = NULL;
    ck_assert_msg(brig_json_parse(line, len, "log", 0, &j, &err) == 0, "%s: %s", line,
                  err ? err->msg : "");
    /* logrus writes the keys sorted: level, msg, time */
    ck_assert_uint_eq(j->n, 3);
    ck_assert_str_eq(j->kids[0]->key, "level");
    ck_assert_str_eq(j->kids[1]->key, "msg");
    ck_assert_str_eq(j->kids[2]->key, "time");
    ck_assert_str_eq(brig_json_str(j->kids[0]), level);
    assert_matches(brig_json_str(j->kids[2]), "^" TIME_RE "$");
    char *msg = xstrdup(brig_json_str(j->kids[1]));
    ck_assert_uint_eq(strlen(msg), j->kids[1]->len);
    brig_json_free(j);
    return msg;
}

START_TEST(test_json_line)
{
    const char *msgs[] = {
        "brig: refused: /process/user/uid 0",
        "quote \" backslash \\ slash /",
        "two\nlines\r\nand\ttab",
        "ctl \x01\x02\x1f del \x7f",
        "utf8 caf\xc3\xa9 \xf0\x9f\x98\x80",
        "",
    };
    for (size_t i = 0; i < ELEMENTSOF(msgs); i++) {
        _cleanup_free_ char *line = brig_log_format_line("json", "error", msgs[i]);
        _cleanup_free_ char *msg = json_line_msg(line, "error");
        ck_assert_str_eq(msg, msgs[i]);
    }
    _cleanup_free_ char *line = brig_log_format_line("json", "warning", "a \"b\"\nc");
    assert_matches(line,
                   "^\\{\"level\":\"warning\",\"msg\":\"a \\\\\"b\\\\\"\\\\nc\",\"time\":\"" TIME_RE
                   "\"\\}\n$");
}
END_TEST

START_TEST(test_json_line_invalid_utf8)
{
    /* a path or id that is not UTF-8 must not make the whole line invalid
     * JSON, or the engine would show nothing at all */
    _cleanup_free_ char *line =
        brig_log_format_line("json", "error", "bad \xff\xfe byte, cut \xe2\x82, ok \xe2\x82\xac");
    _cleanup_free_ char *msg = json_line_msg(line, "error");
    ck_assert_str_eq(msg, "bad \xef\xbf\xbd\xef\xbf\xbd byte, cut \xef\xbf\xbd\xef\xbf\xbd, ok "
                          "\xe2\x82\xac");
    /* overlong encodings and UTF-16 surrogates are not UTF-8 either */
    _cleanup_free_ char *line2 = brig_log_format_line("json", "error", "\xc0\xaf \xed\xa0\x80");
    _cleanup_free_ char *msg2 = json_line_msg(line2, "error");
    ck_assert_str_eq(msg2, "\xef\xbf\xbd\xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
}
END_TEST

static void assert_text_line(const char *format, const char *msg, const char *want_quoted)
{
    _cleanup_free_ char *line = brig_log_format_line(format, "error", msg);
    _cleanup_free_ char *re = NULL;
    /* the expected quoted message, regex-escaped */
    size_t n = strlen(want_quoted);
    _cleanup_free_ char *esc = xmalloc(2 * n + 1);
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (strchr("\\^$.|?*+()[]{}", want_quoted[i]))
            esc[o++] = '\\';
        esc[o++] = want_quoted[i];
    }
    esc[o] = '\0';
    re = xasprintf("^time=\"" TIME_RE "\" level=error msg=%s\n$", esc);
    assert_matches(line, re);
    ck_assert_ptr_eq(strchr(line, '\n'), line + strlen(line) - 1);
}

START_TEST(test_text_line)
{
    assert_text_line("text", "plain words", "\"plain words\"");
    assert_text_line(NULL, "plain", "\"plain\"");
    assert_text_line("something-else", "plain", "\"plain\"");
    /* Go's %q, which logrus uses */
    assert_text_line("text", "q\"b\\s", "\"q\\\"b\\\\s\"");
    assert_text_line("text", "a\nb\r\tc\a\b\f\v", "\"a\\nb\\r\\tc\\a\\b\\f\\v\"");
    assert_text_line("text", "x\x01y\x1f\x7f", "\"x\\x01y\\x1f\\x7f\"");
    assert_text_line("text", "caf\xc3\xa9 \xff", "\"caf\xc3\xa9 \\xff\"");
    assert_text_line("text", "", "\"\"");
}
END_TEST

START_TEST(test_engine_appends_lines)
{
    _cleanup_free_ char *p = xasprintf("%s/log.json", tmpdir);
    /* an existing log (runc's own lines) is appended to, never truncated */
    FILE *f = fopen(p, "w");
    fputs("{\"level\":\"info\",\"msg\":\"runc said\",\"time\":\"x\"}\n", f);
    fclose(f);
    ck_assert_int_eq(chmod(p, 0640), 0);
    brig_log_engine(p, "json", "error", "first");
    brig_log_engine(p, "json", "error", "second\nline");
    size_t len;
    _cleanup_free_ char *all = slurp(p, &len);
    ck_assert(startswith(all, "{\"level\":\"info\",\"msg\":\"runc said\",\"time\":\"x\"}\n"));
    char *l2 = strchr(all, '\n') + 1;
    char *l3 = strchr(l2, '\n') + 1;
    ck_assert_ptr_eq(strchr(l3, '\n'), all + len - 1);
    *strchr(l2, '\n') = '\0';
    ck_assert(startswith(l2, "{\"level\":\"error\",\"msg\":\"first\",\"time\":\""));
    ck_assert(startswith(l3, "{\"level\":\"error\",\"msg\":\"second\\nline\",\"time\":\""));
    struct stat st;
    ck_assert_int_eq(stat(p, &st), 0);
    ck_assert_uint_eq(st.st_mode & 0777, 0640);

    /* a new log is created private */
    _cleanup_free_ char *q = xasprintf("%s/new.log", tmpdir);
    brig_log_engine(q, "text", "error", "created");
    ck_assert_int_eq(stat(q, &st), 0);
    ck_assert_uint_eq(st.st_mode & 0777, 0600);
    _cleanup_free_ char *t = slurp(q, NULL);
    assert_matches(t, "^time=\"" TIME_RE "\" level=error msg=\"created\"\n$");
}
END_TEST

START_TEST(test_engine_unwritable_is_silent)
{
    /* none of these may crash, hang, or create anything */
    brig_log_engine(NULL, "json", "error", "x");
    brig_log_engine("", "json", "error", "x");
    brig_log_engine("/nonexistent-brig-dir/sub/log.json", "json", "error", "x");
    brig_log_engine(tmpdir, "json", "error", "x"); /* a directory */
    ck_assert_int_ne(access("/nonexistent-brig-dir", F_OK), 0);

    /* a symlink is not followed: the target stays untouched */
    _cleanup_free_ char *target = xasprintf("%s/target", tmpdir);
    _cleanup_free_ char *link = xasprintf("%s/log.json", tmpdir);
    FILE *f = fopen(target, "w");
    fputs("keep\n", f);
    fclose(f);
    ck_assert_int_eq(symlink(target, link), 0);
    brig_log_engine(link, "json", "error", "x");
    _cleanup_free_ char *t = slurp(target, NULL);
    ck_assert_str_eq(t, "keep\n");
}
END_TEST

START_TEST(test_engine_fifo_does_not_hang)
{
    _cleanup_free_ char *p = xasprintf("%s/log.fifo", tmpdir);
    ck_assert_int_eq(mkfifo(p, 0600), 0);
    alarm(5); /* fail fast on a hang rather than at check's timeout */
    brig_log_engine(p, "json", "error", "nobody reads this");
    alarm(0);

    /* with a reader the line goes through whole */
    int rfd = open(p, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    ck_assert_int_ge(rfd, 0);
    alarm(5);
    brig_log_engine(p, "json", "error", "read me");
    alarm(0);
    char buf[512];
    ssize_t n = read(rfd, buf, sizeof(buf) - 1);
    ck_assert_int_gt(n, 0);
    buf[n] = '\0';
    close(rfd);
    _cleanup_free_ char *msg = json_line_msg(buf, "error");
    ck_assert_str_eq(msg, "read me");
}
END_TEST

#define WRITERS 8
#define LINES_EACH 200
#define PAD 3000

/* Several brig processes (one per container operation) share one log:
 * O_APPEND plus one write(2) per line means lines never interleave.  Long
 * lines make a split write show up as a broken line. */
START_TEST(test_concurrent_writers_whole_lines)
{
    _cleanup_free_ char *p = xasprintf("%s/shared.log", tmpdir);
    pid_t pids[WRITERS];
    for (int w = 0; w < WRITERS; w++) {
        pids[w] = fork();
        ck_assert_int_ge(pids[w], 0);
        if (pids[w] == 0) {
            char *msg = xmalloc(PAD + 64);
            for (int i = 0; i < LINES_EACH; i++) {
                int n = snprintf(msg, 64, "writer %d line %d ", w, i);
                memset(msg + n, 'a' + w, PAD);
                msg[n + PAD] = '\0';
                brig_log_engine(p, (w % 2) ? "json" : "text", "error", msg);
            }
            free(msg);
            free(p);
            _exit(0);
        }
    }
    for (int w = 0; w < WRITERS; w++) {
        int status;
        ck_assert_int_eq(waitpid(pids[w], &status, 0), pids[w]);
        ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }

    size_t len;
    _cleanup_free_ char *all = slurp(p, &len);
    ck_assert_int_eq(all[len - 1], '\n');
    int count[WRITERS] = {0};
    size_t lines = 0;
    for (char *save = NULL, *line = strtok_r(all, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save), lines++) {
        int w = -1, i = -1;
        const char *m = strstr(line, "msg=\"writer ");
        if (!m)
            m = strstr(line, "\"msg\":\"writer ");
        ck_assert_msg(m, "broken line %zu: %.80s", lines, line);
        ck_assert_int_eq(sscanf(strstr(m, "writer "), "writer %d line %d ", &w, &i), 2);
        ck_assert(w >= 0 && w < WRITERS && i == count[w]); /* in order, none lost */
        count[w]++;
        /* the padding is whole and belongs to the same writer */
        const char *pad = strchr(strstr(m, "line "), ' ') + 1;
        pad = strchr(pad, ' ') + 1;
        /* one assertion per line: check reports every assertion to its
         * parent process, which is slow in a loop over bytes */
        int torn = -1;
        for (int k = 0; k < PAD && torn < 0; k++)
            if (pad[k] != 'a' + w)
                torn = k;
        ck_assert_msg(torn < 0, "line %zu torn at %d", lines, torn);
        if (w % 2) {
            _cleanup_free_ char *withnl = xasprintf("%s\n", line);
            free(json_line_msg(withnl, "error"));
        } else {
            assert_matches(line, "^time=\"" TIME_RE "\" level=error msg=\"writer [0-9]+ line "
                                 "[0-9]+ [a-z]+\"$");
        }
    }
    ck_assert_uint_eq(lines, WRITERS * LINES_EACH);
    for (int w = 0; w < WRITERS; w++)
        ck_assert_int_eq(count[w], LINES_EACH);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("log");
    TCase *tc = tcase_create("log");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_time_format);
    tcase_add_test(tc, test_time_matches_gmtime);
    tcase_add_test(tc, test_json_line);
    tcase_add_test(tc, test_json_line_invalid_utf8);
    tcase_add_test(tc, test_text_line);
    tcase_add_test(tc, test_engine_appends_lines);
    tcase_add_test(tc, test_engine_unwritable_is_silent);
    tcase_add_test(tc, test_engine_fifo_does_not_hang);
    tcase_add_test(tc, test_concurrent_writers_whole_lines);
    suite_add_tcase(s, tc);
    return tu_run(s);
}
