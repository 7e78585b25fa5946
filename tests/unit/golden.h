/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Golden files for one pass: tests/data/PASS/CASE.in.json is run through that
 * pass alone and the pretty output must equal CASE.out.json byte for byte.
 * Run a suite with BRIG_GOLDEN_UPDATE=1 to (re)write the .out.json files,
 * then review every diff by hand before committing it: the golden files are
 * the specification, not a record of whatever the code did.
 *
 * The policy is pinned here field by field rather than taken from the
 * built-in default, so a change to the default shows up in the tests of the
 * policy, not as a wall of golden diffs.  brig's version in the annotation is
 * written "@VERSION@" in the files. */

#include <glob.h>
#include <stdio.h>

#include "config.h"
#include "passes/passes.h"
#include "testutil.h"

#define GOLDEN_DIGEST "sha256:0000000000000000000000000000000000000000000000000000000000000000"

/* Called with the case name (file name without .in.json) before the pass
 * runs, to set policy variants; may be NULL. */
typedef void (*GoldenSetup)(const char *name, BrigPolicy *p);

static inline void golden_pin_policy(BrigPolicy *p)
{
    p->mode = BRIG_MODE_ENFORCE;
    p->caps_allowed = 0;
    p->uid = 65534;
    p->gid = 65534;
    p->allow_root = false;
    p->tmpfs_size = 64u * 1024 * 1024;
    p->pids_limit = 4096;
    p->map_host_root = false;
    p->oom_score_adj_min = 0;
    for (int i = 0; i < BRIG_RLIMIT_COUNT; i++)
        p->rlimit_max[i] = BRIG_RLIMIT_UNLIMITED;
    p->rlimit_max[brig_rlimit_from_name("RLIMIT_MEMLOCK")] = 8388608;
    p->rlimit_max[brig_rlimit_from_name("RLIMIT_MSGQUEUE")] = 819200;
    p->rlimit_max[brig_rlimit_from_name("RLIMIT_NICE")] = 0;
    p->rlimit_max[brig_rlimit_from_name("RLIMIT_NOFILE")] = 1048576;
    p->rlimit_max[brig_rlimit_from_name("RLIMIT_NPROC")] = 4194304;
    p->rlimit_max[brig_rlimit_from_name("RLIMIT_RTPRIO")] = 0;
    free(p->path);
    p->path = NULL;
    snprintf(p->digest, sizeof(p->digest), "%s", GOLDEN_DIGEST);
}

/* Replaces every `from` by `to`; takes s, returns a new string. */
static inline char *golden_replace(char *s, const char *from, const char *to)
{
    const char *ver = from;
    const char *mask = to;
    size_t lv = strlen(ver), lm = strlen(mask);
    char *out = xmalloc(strlen(s) * (lm > lv ? lm : lv) + 1), *o = out;
    for (const char *p = s; *p;) {
        if (strncmp(p, ver, lv) == 0) {
            memcpy(o, mask, lm);
            o += lm;
            p += lv;
        } else {
            *o++ = *p++;
        }
    }
    *o = '\0';
    free(s);
    return out;
}

static inline char *golden_mask_version(char *s)
{
    return golden_replace(s, "brig/" BRIG_VERSION " ", "brig/@VERSION@ ");
}

/* Resolves an RFC 6901 pointer ("/a/0/b~1c"); NULL when it names nothing. */
static inline const BrigJson *golden_resolve(const BrigJson *j, const char *ptr)
{
    while (j && *ptr == '/') {
        ptr++;
        size_t n = strcspn(ptr, "/");
        char *tok = xmalloc(n + 1), *o = tok;
        for (size_t i = 0; i < n; i++) {
            if (ptr[i] == '~' && i + 1 < n && (ptr[i + 1] == '0' || ptr[i + 1] == '1')) {
                *o++ = ptr[i + 1] == '0' ? '~' : '/';
                i++;
            } else {
                *o++ = ptr[i];
            }
        }
        *o = '\0';
        if (j->type == BRIG_JSON_OBJECT) {
            j = brig_json_get(j, tok);
        } else if (j->type == BRIG_JSON_ARRAY) {
            char *end;
            unsigned long idx = strtoul(tok, &end, 10);
            j = *tok && !*end && idx < j->n ? j->kids[idx] : NULL;
        } else {
            j = NULL;
        }
        free(tok);
        ptr += n;
    }
    return *ptr ? NULL : j;
}

/* Every fix a single pass records names where its value now is: what
 * --diff shows must be what the config holds. */
static inline void golden_check_pointers(const char *name, const char *out, const BrigReport *rep)
{
    BrigJson *o = tu_parse(out);
    for (size_t k = 0; k < rep->n; k++) {
        const BrigChange *c = &rep->v[k];
        if (c->kind != BRIG_FIX)
            continue;
        const BrigJson *at = golden_resolve(o, c->pointer);
        if (!c->after) {
            ck_assert_msg(!at, "%s: %s was removed but is still there", name, c->pointer);
            continue;
        }
        ck_assert_msg(at, "%s: fix at %s, which does not exist", name, c->pointer);
        char *got = golden_mask_version(tu_compact(at));
        char *want = golden_mask_version(xstrdup(c->after));
        ck_assert_msg(streq(got, want), "%s: %s holds %s, the report says %s", name, c->pointer,
                      got, want);
        free(got);
        free(want);
    }
    brig_json_free(o);
}

/* Runs fn over one document with a pinned policy; returns the pretty output
 * (version masked) and leaves the report in rep. */
static inline char *golden_apply(BrigPassFn fn, const char *name, const char *text, size_t len,
                                 GoldenSetup setup, BrigReport *rep)
{
    BrigCtx ctx;
    BrigHost host;
    BrigPolicy *policy;
    tu_ctx(&ctx, &host, &policy);
    golden_pin_policy(policy);
    if (setup)
        setup(name, policy);

    BrigJson *spec = NULL;
    BrigError *err = NULL;
    _cleanup_free_ char *real =
        golden_replace(xstrndup(text, len), "brig/@VERSION@ ", "brig/" BRIG_VERSION " ");
    ck_assert_msg(brig_json_parse(real, strlen(real), name, 0, &spec, &err) == 0, "%s: %s", name,
                  err ? err->msg : "");
    int r = fn(&ctx, spec, rep, &err);
    ck_assert_msg(r == 0, "%s: pass failed: %s", name, err ? err->msg : "?");
    char *out = golden_mask_version(brig_json_serialize(spec, BRIG_JSON_PRETTY, NULL));
    brig_json_free(spec);
    brig_policy_free(policy);
    return out;
}

/* Whether this run rewrites the golden files (BRIG_GOLDEN_UPDATE=1). */
static inline bool golden_updating(void)
{
    return tu_golden_update();
}

/* (Re)writes a golden file: text, then tail. */
static inline void golden_write(const char *path, const char *text, const char *tail)
{
    FILE *f = fopen(path, "w");
    ck_assert_msg(f != NULL, "cannot write %s", path);
    fputs(text, f);
    fputs(tail, f);
    ck_assert_msg(fclose(f) == 0, "cannot write %s", path);
}

/* Checks every case under tests/data/<dir>; returns how many ran. */
static inline size_t golden_run_dir(const char *dir, BrigPassFn fn, GoldenSetup setup)
{
    bool update = golden_updating();
    char pattern[4096];
    snprintf(pattern, sizeof(pattern), "%s/%s/*.in.json", BRIG_TEST_DATA, dir);
    glob_t g;
    ck_assert_msg(glob(pattern, 0, NULL, &g) == 0, "no cases in %s", pattern);
    for (size_t i = 0; i < g.gl_pathc; i++) {
        const char *in_path = g.gl_pathv[i];
        const char *base = strrchr(in_path, '/') + 1;
        _cleanup_free_ char *name = xstrndup(base, strlen(base) - strlen(".in.json"));
        _cleanup_free_ char *out_path =
            xasprintf("%.*s.out.json", (int)(strlen(in_path) - strlen(".in.json")), in_path);
        size_t in_len;
        _cleanup_free_ char *in = tu_read_file(in_path, &in_len);
        ck_assert_ptr_nonnull(in);

        BrigReport rep = {0};
        _cleanup_free_ char *got = golden_apply(fn, name, in, in_len, setup, &rep);
        if (update)
            golden_write(out_path, got, "");
        _cleanup_free_ char *want = tu_read_file(out_path, NULL);
        ck_assert_msg(want != NULL, "%s/%s: missing %s (run with BRIG_GOLDEN_UPDATE=1)", dir, name,
                      out_path);
        ck_assert_msg(streq(got, want), "%s/%s: output differs from %s:\n--- got\n%s", dir, name,
                      out_path, got);

        golden_check_pointers(name, got, &rep);

        /* What the pass changed, it reported; what it reported, it changed. */
        _cleanup_(brig_json_freep) BrigJson *in_tree = tu_parse(in);
        _cleanup_free_ char *in_pretty =
            golden_mask_version(brig_json_serialize(in_tree, BRIG_JSON_PRETTY, NULL));
        size_t changes = brig_report_count(&rep, BRIG_FIX) + brig_report_count(&rep, BRIG_NOTE);
        if (streq(in_pretty, got))
            ck_assert_msg(brig_report_count(&rep, BRIG_FIX) == 0,
                          "%s/%s: fixes reported but nothing changed", dir, name);
        else
            ck_assert_msg(changes > 0, "%s/%s: changed without a report entry", dir, name);
        for (size_t k = 0; k < rep.n; k++) {
            ck_assert_msg(rep.v[k].pointer && (rep.v[k].pointer[0] == '/'),
                          "%s/%s: bad pointer [%s]", dir, name, rep.v[k].pointer);
            ck_assert_msg(rep.v[k].reason && *rep.v[k].reason, "%s/%s: empty reason", dir, name);
        }
        brig_report_clear(&rep);

        /* Idempotent: the pass over its own output changes nothing. */
        BrigReport rep2 = {0};
        _cleanup_free_ char *again = golden_apply(fn, name, got, strlen(got), setup, &rep2);
        ck_assert_msg(streq(again, got), "%s/%s: second run changed the output:\n%s", dir, name,
                      again);
        /* notes may repeat (a kept exception is logged every time) */
        ck_assert_msg(brig_report_count(&rep2, BRIG_FIX) == 0, "%s/%s: second run reported fixes",
                      dir, name);
        brig_report_clear(&rep2);
    }
    size_t n = g.gl_pathc;
    globfree(&g);
    return n;
}

/* brig_policy_source() of the pinned policy, for expected reasons. */
static inline char *golden_policy_source(void)
{
    BrigPolicy *p = brig_policy_new_default();
    golden_pin_policy(p);
    char *s = xstrdup(brig_policy_source(p));
    brig_policy_free(p);
    return s;
}

/* Runs fn on an inline document that must fail; checks the message verbatim. */
static inline void golden_assert_error(BrigPassFn fn, const char *text, const char *want)
{
    BrigCtx ctx;
    BrigHost host;
    BrigPolicy *policy;
    tu_ctx(&ctx, &host, &policy);
    golden_pin_policy(policy);
    BrigJson *spec = tu_parse(text);
    BrigReport rep = {0};
    BrigError *err = NULL;
    int r = fn(&ctx, spec, &rep, &err);
    ck_assert_msg(r < 0, "%s: expected an error", text);
    ck_assert_ptr_nonnull(err);
    ck_assert_str_eq(err->msg, want);
    ck_assert_int_eq(err->status, EINVAL);
    brig_error_free(err);
    brig_report_clear(&rep);
    brig_json_free(spec);
    brig_policy_free(policy);
}

/* Runs fn on an inline document with an optional policy setup; returns the
 * compact output and leaves the report in rep. */
static inline char *golden_run_inline(BrigPassFn fn, const char *text, GoldenSetup setup,
                                      BrigReport *rep)
{
    char *out = golden_apply(fn, "inline", text, strlen(text), setup, rep);
    BrigJson *j = tu_parse(out);
    char *c = tu_compact(j);
    brig_json_free(j);
    free(out);
    return c;
}
