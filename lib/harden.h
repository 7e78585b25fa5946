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

/* One file through the whole pipeline: load it safely, parse it, resolve the
 * policy for this container, run the passes, and, in enforce mode when
 * nothing was refused and the bytes differ, atomically replace the file. */
typedef struct BrigHardenFile {
    /* in */
    const BrigPolicyDoc *doc;
    const BrigHost *host;
    const char *path;
    const char *id;     /* container id, for rules and messages; may be NULL */
    const char *bundle; /* may be NULL */
    const char *root;   /* runtime --root, for the engine hint; may be NULL */
    bool process;       /* an exec process file rather than a config */
    bool exec;          /* for an exec (BrigCtx.exec) */
    bool dry_run;       /* never write, whatever the mode */
    bool no_values;     /* the caller reads no before/after values (BrigReport.no_values) */
    bool keep_image;    /* runtime create: keep the image's config beside a rewrite, and
                         * harden it again when the file is still that rewrite */
    /* out */
    BrigPolicy *policy; /* the effective policy (owned) */
    BrigReport rep;
    bool changed; /* hardened bytes differ from the file's */
    bool written;
    const char *engine; /* brig_engine_hint() */
    bool invalid;       /* the input is malformed: the failure returned is also a refusal
                         * in rep (and policy is resolved), for the audit log */
    BrigJson *result;   /* what the file now holds, when that is the hardened tree
                         * (written, or already hardened); NULL otherwise.  Owned. */
} BrigHardenFile;

int brig_harden_file(BrigHardenFile *h, BrigError **err);
void brig_harden_file_done(BrigHardenFile *h);
/* Whether the report holds anything the effective mode must refuse:
 * refusals in enforce, any fix or refusal in reject, nothing in audit. */
bool brig_harden_refused(const BrigHardenFile *h);
