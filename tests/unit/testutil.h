/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <check.h>

#include "context.h"
#include "harden.h"
#include "json.h"
#include "learn/learn.h"

/* Reads a whole file; NULL when it cannot be opened. */
char *tu_read_file(const char *path, size_t *ret_len);
/* Reads a whole file under tests/data (path relative to it); aborts the test on failure. */
char *tu_read_data(const char *rel, size_t *ret_len);
/* Parses a JSON literal or fails the test. */
BrigJson *tu_parse(const char *text);
/* Compact serialization, for comparisons in assertions. */
char *tu_compact(const BrigJson *j);
/* A context with the built-in policy and a host with every feature off. */
void tu_ctx(BrigCtx *ctx, BrigHost *host, BrigPolicy **policy);
/* Whether this run rewrites golden files: BRIG_GOLDEN_UPDATE=1 exactly, so
 * that =0, an empty value or a typo compares instead of overwriting. */
bool tu_golden_update(void);
/* Marks the running test as skipped, naming what this host lacks; the test
 * returns, or goes on with what it can still check.  check has no skip of its own: tu_run turns
 * any skip into meson's exit status 77, so a suite that skipped is shown
 * as SKIP, never counted as passed.  Host-dependent tests live in a tcase
 * named "host", which tests/unit/meson.build runs as a test of its own
 * (SUITE-host), so the rest of the suite still counts as passed. */
void tu_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Runs a suite and returns the process exit status: 0, 1 or 77 (skipped). */
int tu_run(Suite *s);
/* brig learned's policy from learn data (every rule, glob "*"); fails the
 * test unless it succeeds and the policy, if any, parses as a policy. */
void tu_learned(const BrigJson *data, BrigLearned *ret);
/* The rule of a policy (as JSON) with that name, or NULL. */
const BrigJson *tu_rule_named(const BrigJson *policy, const char *name);
/* Runs pass once more over its own output: nothing may change, nothing be
 * fixed (the pass is idempotent). */
void tu_assert_idempotent(BrigPassFn pass, const BrigCtx *ctx, BrigJson *spec);
