/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* What `brig check` reports about one change of the hardening report: a
 * stable rule id, a severity, and where the field sits in the input.  Kept
 * out of the passes and the parser: nothing here runs in runtime mode. */

#include <stddef.h>

#include "policy.h"
#include "report.h"

typedef enum {
    BRIG_SEVERITY_NOTE,    /* informational: kept but logged */
    BRIG_SEVERITY_WARNING, /* enforce rewrites it: the container runs, not as written */
    BRIG_SEVERITY_ERROR,   /* the container would be refused under the effective mode */
} BrigSeverity;

const char *brig_severity_name(BrigSeverity s);
/* "error", "warning", "note"; -1 for anything else. */
int brig_severity_from_name(const char *name);

/* The severity of a change under a mode: a refusal is an error; a fix is a
 * warning in enforce and audit, an error in reject (which refuses it). */
BrigSeverity brig_change_severity(const BrigChange *c, BrigMode mode);

/* "PASS/FIELD": the pass, then the last name in the change's JSON pointer
 * that is a field of the runtime spec, skipping array indices and the keys
 * of maps whose keys the config chooses (annotations, sysctls, ...).
 * /process/capabilities/bounding in pass capabilities is
 * "capabilities/bounding"; /mounts/3/options in pass mounts is
 * "mounts/options".  Stable as long as pass and field names are. */
char *brig_change_rule_id(const BrigChange *c);

/* 1-based line and column of the value `pointer` (RFC 6901) names in the
 * JSON text buf, or of its nearest enclosing value the text holds (a field
 * a pass adds is not in the input: its object is).  The text is assumed to
 * be JSON brig's parser accepted; a duplicate key resolves to the last one,
 * as Go's encoding/json reads it.  Never fails: the document's first value
 * is the answer of last resort. */
void brig_json_locate(const char *buf, size_t len, const char *pointer, unsigned *ret_line,
                      unsigned *ret_col);
