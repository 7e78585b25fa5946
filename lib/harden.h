/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "context.h"
#include "json.h"
#include "report.h"

/* Every pass has this signature.  A pass only tightens, is idempotent, records
 * each change in rep, and leaves every field it does not own untouched.  It
 * returns <0 only for malformed input (wrong type, unknown capability name):
 * policy refusals are recorded with brig_report_refuse() instead, so one run
 * lists every violation. */
typedef int (*BrigPassFn)(const BrigCtx *ctx, BrigJson *spec, BrigReport *rep, BrigError **err);

typedef struct BrigPass {
    const char *name;
    BrigPassFn fn;
} BrigPass;

extern const BrigPass brig_passes[];
extern const size_t brig_n_passes;

/* Runs the ordered pass table over an OCI config. */
int brig_harden(const BrigCtx *ctx, BrigJson *spec, BrigReport *rep, BrigError **err);

/* The same treatment for a lone process object (exec --process). */
int brig_harden_process(const BrigCtx *ctx, BrigJson *process, BrigReport *rep, BrigError **err);

/* Loads a config (or, with process=true, an exec process file) at path,
 * hardens it and, if write is set, there is no refusal and the result
 * differs from the input, atomically replaces the file.  Refusals are left in
 * rep for the caller to judge.  *ret_changed says whether the bytes differ. */
int brig_harden_file(const BrigCtx *ctx, const char *path, bool process, bool write,
                     BrigReport *rep, bool *ret_changed, BrigError **err);
