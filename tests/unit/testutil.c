/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>

#include "testutil.h"

char *tu_read_data(const char *rel, size_t *ret_len)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", BRIG_TEST_DATA, rel);
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
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
    *host = (BrigHost){.last_cap = 40, .seccomp = true};
    *policy = brig_policy_new_default();
    *ctx = (BrigCtx){.policy = *policy, .host = host, .container_id = "test", .bundle = NULL};
}

int tu_run(Suite *s)
{
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
