/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The engine-facing log: runc's --log file.  containerd reads the last
 * "error" line of it and docker prints that line to the user, so a refusal
 * must land there as one well-formed line in the format the engine asked
 * for.  Writing it is best effort: a log that cannot be opened is never
 * itself a reason to fail. */

#include <stddef.h>
#include <stdint.h>

/* RFC 3339 UTC time with nanoseconds, as runc's logrus writes it. */
void brig_log_time(char *buf, size_t size);
/* The same for a given time: "YYYY-MM-DDTHH:MM:SS.NNNNNNNNNZ", UTC. */
void brig_log_format_time(int64_t sec, long nsec, char *buf, size_t size);

/* Formats one line (with trailing newline) for `format` ("json" or "text",
 * NULL = text). */
char *brig_log_format_line(const char *format, const char *level, const char *msg);

/* Appends one line to path with a single write(2) (O_APPEND keeps
 * concurrent writers' lines whole); silently does nothing on error. */
void brig_log_engine(const char *path, const char *format, const char *level, const char *msg);
