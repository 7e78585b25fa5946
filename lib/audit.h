/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The audit log: one JSON line per decision brig makes about a container,
 * to the file or syslog the policy names.  A line is written with a single
 * write(2) on an O_APPEND descriptor, so concurrent brig processes never
 * interleave partial lines, and logrotate's rename-and-reopen is safe
 * (brig reopens the path for every line).  Secret values never reach it:
 * passes redact before they record. */

#include "policy.h"
#include "report.h"

typedef struct BrigAuditEvent {
    const char *command; /* create, run, restore, exec, check */
    const char *id;
    const char *bundle;
    const char *engine; /* best guess at the engine, see brig_engine_hint() */
    const BrigPolicy *policy;
    const char *decision; /* hardened, unchanged, refused, audited */
    const BrigReport *report;
    const char *runtime; /* what brig execs, NULL if it does not */
} BrigAuditEvent;

/* Formats the event as one JSON line (with trailing newline). */
char *brig_audit_format(const BrigAuditEvent *ev);
/* Whether the document keeps an audit log (a file, syslog or both): the
 * only reader of a report's before/after values in runtime mode. */
bool brig_audit_enabled(const BrigPolicyDoc *doc);
/* Writes it where the document says; failures are returned, the caller
 * decides (runtime mode logs to stderr and carries on). */
int brig_audit_write(const BrigPolicyDoc *doc, const BrigAuditEvent *ev, BrigError **err);

#define BRIG_SYSLOG_SOCKET "/dev/log"
/* One message to the syslog socket at socket_path, facility authpriv:
 * "<PRI>brig[PID]: MSG" (no timestamp: the daemon stamps it).  0 or
 * -errno. */
int brig_syslog_send(const char *socket_path, int priority, const char *msg, size_t len);
/* "docker", "containerd", "kubernetes", "podman" or "direct", from the
 * runtime --root and the config's annotations. */
const char *brig_engine_hint(const char *root, const BrigJson *spec);
