/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Harness of the pass suites that run one pass under the built-in policy
 * (golden.h pins its own): define PASS (the pass function) and DATA_DIR (its
 * directory under tests/data) before including this file.
 *
 * A golden pair there is NAME.in.json and NAME.out.json, the pretty output
 * plus a final newline; BRIG_GOLDEN_UPDATE rewrites the .out.json files as
 * golden.h describes. */

#include <stdarg.h>

#include "golden.h"
#include "passes/passes.h"
#include "testutil.h"

#if !defined(PASS) || !defined(DATA_DIR)
#error "define PASS and DATA_DIR before including passtest.h"
#endif

typedef struct {
    BrigCtx ctx;
    BrigHost host;
    BrigPolicy *policy;
    BrigReport rep;
    BrigJson *spec;
    BrigError *err;
} Run;

/* Sets a policy variant for one golden case, by its name; may be NULL. */
typedef void (*RunSetup)(Run *t, const char *name);

static inline void run_init(Run *t)
{
    memset(t, 0, sizeof(*t));
    tu_ctx(&t->ctx, &t->host, &t->policy);
}

/* Parses json into t->spec and runs the pass once more over it. */
static inline int run_pass(Run *t, const char *json)
{
    if (json) {
        brig_json_free(t->spec);
        t->spec = tu_parse(json);
    }
    return PASS(&t->ctx, t->spec, &t->rep, &t->err);
}

static inline void run_done(Run *t)
{
    brig_report_clear(&t->rep);
    brig_json_free(t->spec);
    brig_policy_free(t->policy);
    brig_error_free(t->err);
}

static inline const BrigChange *change_at(const BrigReport *rep, const char *pointer)
{
    for (size_t i = 0; i < rep->n; i++)
        if (streq(rep->v[i].pointer, pointer))
            return &rep->v[i];
    return NULL;
}

static inline char **strv_of(const char *s, ...)
{
    char **v = xcalloc(8, sizeof(char *));
    size_t n = 0;
    va_list ap;
    va_start(ap, s);
    for (const char *a = s; a && n < 7; a = va_arg(ap, const char *))
        v[n++] = xstrdup(a);
    va_end(ap);
    return v;
}

static inline void assert_error(const char *json, const char *msg)
{
    Run t;
    run_init(&t);
    ck_assert_int_lt(run_pass(&t, json), 0);
    ck_assert_ptr_nonnull(t.err);
    ck_assert_str_eq(t.err->msg, msg);
    run_done(&t);
}

/* Golden pair: the pass turns NAME.in.json into NAME.out.json; running it
 * again over the output changes no byte and records no fix, and refuses
 * exactly what it refused the first time. */
static inline void check_golden_with(const char *name, RunSetup setup)
{
    _cleanup_free_ char *inp = xasprintf("%s/%s.in.json", DATA_DIR, name);
    _cleanup_free_ char *outp = xasprintf("%s/%s.out.json", DATA_DIR, name);
    _cleanup_free_ char *in = tu_read_data(inp, NULL);

    Run t;
    run_init(&t);
    if (setup)
        setup(&t, name);
    ck_assert_int_eq(run_pass(&t, in), 0);
    _cleanup_free_ char *once = brig_json_serialize(t.spec, BRIG_JSON_PRETTY, NULL);
    if (golden_updating()) {
        _cleanup_free_ char *path = xasprintf("%s/%s", BRIG_TEST_DATA, outp);
        golden_write(path, once, "\n");
    }
    size_t want_len;
    _cleanup_free_ char *want = tu_read_data(outp, &want_len);
    ck_assert(want_len > 0 && want[want_len - 1] == '\n');
    want[--want_len] = '\0';
    ck_assert_str_eq(once, want);
    size_t refused = brig_report_count(&t.rep, BRIG_REFUSE);

    brig_report_clear(&t.rep);
    ck_assert_int_eq(run_pass(&t, once), 0);
    _cleanup_free_ char *twice = brig_json_serialize(t.spec, BRIG_JSON_PRETTY, NULL);
    ck_assert_str_eq(twice, once);
    ck_assert_uint_eq(brig_report_count(&t.rep, BRIG_FIX), 0);
    ck_assert_uint_eq(brig_report_count(&t.rep, BRIG_REFUSE), refused);
    run_done(&t);
}

static inline void check_golden(const char *name)
{
    check_golden_with(name, NULL);
}
