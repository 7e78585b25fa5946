/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* What hardening did or would do.  One list feeds `brig harden --diff`, the
 * audit log, `brig check` and reject mode, so every pass records its changes
 * here instead of printing anything. */

#include <stdbool.h>
#include <stddef.h>

#include "json.h"

typedef enum {
    BRIG_FIX,    /* enforce rewrote a field to comply */
    BRIG_REFUSE, /* cannot be fixed without changing the container's meaning */
    BRIG_NOTE,   /* informational: kept but logged (hooks, brig's own annotation) */
} BrigChangeKind;

typedef struct BrigChange {
    BrigChangeKind kind;
    char *pass;    /* name of the pass that recorded it */
    char *pointer; /* RFC 6901 JSON pointer into the config (or process file) */
    char *before;  /* compact JSON, NULL when the field was absent */
    char *after;   /* compact JSON, NULL when the field was removed / for refusals */
    char *reason;
} BrigChange;

typedef struct BrigReport {
    BrigChange *v;
    size_t n, cap;
    const char *pass; /* set by the pass runner: the pass currently recording */
    /* Nobody will read before/after (runtime mode with no audit log): a
     * change keeps its pointer and reason, and passes skip work done only
     * to describe a value (the seccomp digest). */
    bool no_values;
} BrigReport;

void brig_report_fix(BrigReport *rep, const char *pointer, const BrigJson *before,
                     const BrigJson *after, const char *fmt, ...) _printf_(5, 6);
void brig_report_refuse(BrigReport *rep, const char *pointer, const BrigJson *value,
                        const char *fmt, ...) _printf_(4, 5);
void brig_report_note(BrigReport *rep, const char *pointer, const char *fmt, ...) _printf_(3, 4);
size_t brig_report_count(const BrigReport *rep, BrigChangeKind kind);
void brig_report_clear(BrigReport *rep);
const char *brig_change_kind_name(BrigChangeKind kind);
