/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The spec table: every field of the OCI runtime-spec (up to v1.3) that
 * runc 1.1/1.2 or crun 1.8+ read, in config.json and in an exec process
 * file, with what brig decides about it.  It is the allow-list behind
 * DESIGN §3a: the "spec" pass (passes/spec.c) refuses any key inside
 * process, root, linux, a mount, a device, a hook or seccomp that has no
 * row here, any spelling of a row's key that only Go's case folding
 * matches, and any second copy of a key; docs/spec-fields.md is printed
 * from it (tools/spec_fields.c) and a test keeps the two equal.
 *
 * A row's path is a JSON pointer in which a "*" token stands for any array
 * index or map key: "/mounts/N/options" is the row "/mounts/<*>/options".
 * Rows are in depth-first order, every row's parent right before its
 * subtree (the unit test checks), so a row's children are the rows that
 * follow it while their path extends its own. */

#include <stdbool.h>
#include <stddef.h>

typedef enum {
    BRIG_SPEC_VALUE,   /* a scalar or an array of scalars: nothing below it is looked at */
    BRIG_SPEC_OBJECT,  /* an object whose keys are the rows below it */
    BRIG_SPEC_OBJECTS, /* an array of such objects: rows below it at PATH/"*" */
    BRIG_SPEC_MAP,     /* free keys (each must be unique), scalar values */
    BRIG_SPEC_MAP_OBJECTS, /* free keys (unique), object values: rows at PATH/"*" */
    BRIG_SPEC_EXTENSIBLE,  /* the top level: keys without a row are extensions, kept */
} BrigSpecShape;

typedef enum {
    BRIG_SPEC_KEEP,    /* kept as the engine wrote it */
    BRIG_SPEC_REWRITE, /* rewritten by the pass named in `by` when the policy says so */
    BRIG_SPEC_GRANT,   /* refused unless the policy grant named in `by` allows it */
    BRIG_SPEC_REMOVE,  /* removed by the pass named in `by` */
} BrigSpecDecision;

typedef struct BrigSpecField {
    const char *path;
    BrigSpecShape shape;
    BrigSpecDecision decision;
    const char *by;  /* pass (REWRITE, REMOVE) or policy grant (GRANT); NULL for KEEP */
    const char *why; /* one line for docs/spec-fields.md */
} BrigSpecField;

extern const BrigSpecField brig_spec_fields[];
extern const size_t brig_spec_n_fields;

/* The row whose path is exactly `path` ("/linux/resources"), or NULL. */
const BrigSpecField *brig_spec_find(const char *path);
/* Index of the first row below row `i` (its children and theirs) and the
 * end of that subtree: rows [i + 1, brig_spec_subtree_end(i)). */
size_t brig_spec_subtree_end(size_t i);
/* The last path component of a row ("limit" for "/linux/resources/pids/limit"). */
const char *brig_spec_key(const BrigSpecField *f);
/* Whether row `k` is a direct child of row `i`. */
bool brig_spec_is_child(size_t i, size_t k);

const char *brig_spec_shape_name(BrigSpecShape s);
/* docs/spec-fields.md as the table says it (spec/doc.c); a new string. */
char *brig_spec_markdown(void);
const char *brig_spec_decision_name(BrigSpecDecision d);

/* The policy grant that lets a key through which the table does not have
 * (or one whose row says BRIG_SPEC_GRANT with this grant): a list of
 * JSON pointers, "*" matching one array index or map key. */
#define BRIG_SPEC_GRANT_FIELDS "specFields"
