/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "util.h"

/* The error every fallible libbrig function reports through its last
 * argument.  Only cmd/ prints it.  `status` is the errno that caused it (0 if
 * none); functions return -status-or-1 so callers can test `r < 0`. */
typedef struct BrigError {
    int status;
    char *msg;
} BrigError;

/* Sets *err (if err is non-NULL and not already set) and returns a negative
 * value: -errnum, or -1 when errnum is 0. */
int brig_error_set(BrigError **err, int errnum, const char *fmt, ...) _printf_(3, 4);
/* Like brig_error_set but appends ": strerror(errnum)". */
int brig_error_errno(BrigError **err, int errnum, const char *fmt, ...) _printf_(3, 4);
/* Prepends "prefix: " to an existing error's message; returns its code. */
int brig_error_prefix(BrigError **err, const char *fmt, ...) _printf_(2, 3);
void brig_error_free(BrigError *e);
static inline void brig_error_freep(BrigError **e)
{
    brig_error_free(*e);
}
