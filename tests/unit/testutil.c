/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "policy.h"
#include "testutil.h"

char *tu_read_file(const char *path, size_t *ret_len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = xmalloc((size_t)n + 1);
    ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    if (ret_len)
        *ret_len = (size_t)n;
    return buf;
}

char *tu_read_data(const char *rel, size_t *ret_len)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", BRIG_TEST_DATA, rel);
    char *buf = tu_read_file(path, ret_len);
    ck_assert_msg(buf != NULL, "cannot open %s", path);
    return buf;
}

BrigJson *tu_parse(const char *text)
{
    BrigJson *j = NULL;
    BrigError *err = NULL;
    int r = brig_json_parse(text, strlen(text), "test", 0, &j, &err);
    ck_assert_msg(r == 0, "parse failed: %s", err ? err->msg : "?");
    return j;
}

char *tu_compact(const BrigJson *j)
{
    return brig_json_serialize(j, 0, NULL);
}

void tu_ctx(BrigCtx *ctx, BrigHost *host, BrigPolicy **policy)
{
    /* 8 GiB of 4 KiB pages: a tmpfs "size=N%" is judged against it */
    *host = (BrigHost){
        .last_cap = 40, .seccomp = true, .mem_total = UINT64_C(8) << 30, .page_size = 4096};
    *policy = brig_policy_new_default();
    *ctx = (BrigCtx){.policy = *policy, .host = host, .container_id = "test", .bundle = NULL};
}

bool tu_golden_update(void)
{
    const char *v = getenv("BRIG_GOLDEN_UPDATE");
    return v && strcmp(v, "1") == 0;
}

/* check runs each test in a child process: a skip is told to the parent
 * through a file named in the environment. */
#define SKIP_LOG_ENV "BRIG_TU_SKIP_LOG"

void tu_skip(const char *fmt, ...)
{
    va_list ap;
    char msg[512];
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    fprintf(stderr, "SKIP: %s\n", msg);
    const char *log = getenv(SKIP_LOG_ENV);
    FILE *f = log ? fopen(log, "ae") : NULL;
    ck_assert_msg(f != NULL, "tu_skip outside tu_run: %s", msg);
    fprintf(f, "%s\n", msg);
    fclose(f);
}

/* Tests link to their own binary as a fake runc or crun (brig must never run
 * itself).  Should one be exec'd all the same, it must not run the suite
 * again, which would exec it again, without end: a test binary called by a
 * runtime's name exits at once. */
static void refuse_to_run_as_a_runtime(void)
{
    char argv0[4096];
    int fd = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    ssize_t n = read(fd, argv0, sizeof(argv0) - 1);
    close(fd);
    if (n <= 0)
        return;
    argv0[n] = '\0';
    const char *base = strrchr(argv0, '/');
    base = base ? base + 1 : argv0;
    if (strcmp(base, "runc") == 0 || strcmp(base, "crun") == 0) {
        fprintf(stderr, "%s: a unit test binary run as a runtime; refusing\n", argv0);
        _exit(127);
    }
}

int tu_run(Suite *s)
{
    refuse_to_run_as_a_runtime();
    char log[] = "/tmp/brig-test-skips.XXXXXX";
    int fd = mkstemp(log);
    if (fd < 0) {
        perror("mkstemp");
        return 1;
    }
    close(fd);
    setenv(SKIP_LOG_ENV, log, 1);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    int ran = srunner_ntests_run(sr);
    srunner_free(sr);
    size_t n = 0;
    FILE *f = fopen(log, "re");
    if (f) {
        size_t cap = 0;
        ssize_t len;
        char *line = NULL;
        while ((len = getline(&line, &cap, f)) > 0) {
            fprintf(stderr, "skipped: %s", line);
            n++;
        }
        free(line);
        fclose(f);
    }
    unlink(log);
    if (failed)
        return 1;
    if (n > 0 || ran == 0)
        return 77;
    return 0;
}

void tu_learned(const BrigJson *data, BrigLearned *ret)
{
    BrigError *err = NULL;
    int r = brig_learned_policy(data, "*", "/var/lib/brig/learn/c1.seccomp.json", ret, &err);
    ck_assert_msg(r == 0, "%s", err ? err->msg : "");
    if (ret->policy) {
        size_t len;
        char *text = brig_json_serialize(ret->policy, 0, &len);
        BrigPolicyDoc *doc = NULL;
        r = brig_policy_parse(text, len, "learned", &doc, &err);
        ck_assert_msg(r == 0, "%s: %s", err ? err->msg : "", text);
        brig_policy_doc_free(doc);
        free(text);
    }
}

const BrigJson *tu_rule_named(const BrigJson *policy, const char *name)
{
    const BrigJson *r;
    BRIG_JSON_FOREACH (r, brig_json_get(policy, "rules"))
        if (streq(brig_json_str(brig_json_get(r, "name")), name))
            return r;
    return NULL;
}

void tu_assert_idempotent(BrigPassFn pass, const BrigCtx *ctx, BrigJson *spec)
{
    _cleanup_free_ char *once = tu_compact(spec);
    BrigReport rep = {0};
    BrigError *err = NULL;
    ck_assert_int_eq(pass(ctx, spec, &rep, &err), 0);
    _cleanup_free_ char *twice = tu_compact(spec);
    ck_assert_str_eq(once, twice);
    ck_assert_uint_eq(brig_report_count(&rep, BRIG_FIX), 0);
    brig_report_clear(&rep);
}
