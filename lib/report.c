/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdarg.h>
#include <stdio.h>

#include "report.h"

static char *compact(const BrigJson *j)
{
    return j ? brig_json_serialize(j, 0, NULL) : NULL;
}

static BrigChange *add(BrigReport *rep, BrigChangeKind kind, const char *pointer)
{
    if (rep->n == rep->cap) {
        rep->cap = rep->cap ? rep->cap * 2 : 16;
        rep->v = xrealloc(rep->v, rep->cap * sizeof(*rep->v));
    }
    BrigChange *c = &rep->v[rep->n++];
    *c = (BrigChange){
        .kind = kind, .pass = xstrdup(rep->pass ? rep->pass : "brig"), .pointer = xstrdup(pointer)};
    return c;
}

static _printf_(1, 0) char *vformat(const char *fmt, va_list ap)
{
    char *s = NULL;
    if (vasprintf(&s, fmt, ap) < 0)
        abort();
    return s;
}

void brig_report_fix(BrigReport *rep, const char *pointer, const BrigJson *before,
                     const BrigJson *after, const char *fmt, ...)
{
    BrigChange *c = add(rep, BRIG_FIX, pointer);
    if (!rep->no_values) {
        c->before = compact(before);
        c->after = compact(after);
    }
    va_list ap;
    va_start(ap, fmt);
    c->reason = vformat(fmt, ap);
    va_end(ap);
}

void brig_report_refuse(BrigReport *rep, const char *pointer, const BrigJson *value,
                        const char *fmt, ...)
{
    BrigChange *c = add(rep, BRIG_REFUSE, pointer);
    if (!rep->no_values)
        c->before = compact(value);
    va_list ap;
    va_start(ap, fmt);
    c->reason = vformat(fmt, ap);
    va_end(ap);
}

void brig_report_note(BrigReport *rep, const char *pointer, const char *fmt, ...)
{
    BrigChange *c = add(rep, BRIG_NOTE, pointer);
    va_list ap;
    va_start(ap, fmt);
    c->reason = vformat(fmt, ap);
    va_end(ap);
}

size_t brig_report_count(const BrigReport *rep, BrigChangeKind kind)
{
    size_t n = 0;
    for (size_t i = 0; i < rep->n; i++)
        n += rep->v[i].kind == kind;
    return n;
}

void brig_report_clear(BrigReport *rep)
{
    for (size_t i = 0; i < rep->n; i++) {
        free(rep->v[i].pass);
        free(rep->v[i].pointer);
        free(rep->v[i].before);
        free(rep->v[i].after);
        free(rep->v[i].reason);
    }
    free(rep->v);
    *rep = (BrigReport){0};
}

const char *brig_change_kind_name(BrigChangeKind kind)
{
    switch (kind) {
    case BRIG_FIX:
        return "fix";
    case BRIG_REFUSE:
        return "refuse";
    case BRIG_NOTE:
        return "note";
    }
    return "?";
}
