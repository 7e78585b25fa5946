/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <check.h>

#include "context.h"
#include "harden.h"
#include "json.h"

/* Reads a whole file under tests/data (path relative to it); aborts the test on failure. */
char *tu_read_data(const char *rel, size_t *ret_len);
/* Parses a JSON literal or fails the test. */
BrigJson *tu_parse(const char *text);
/* Compact serialization, for comparisons in assertions. */
char *tu_compact(const BrigJson *j);
/* A context with the built-in policy and a host with every feature off. */
void tu_ctx(BrigCtx *ctx, BrigHost *host, BrigPolicy **policy);
/* Runs a suite and returns the process exit status. */
int tu_run(Suite *s);
