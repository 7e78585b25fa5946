/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdarg.h>
#include <stdio.h>

#include "error.h"
#include "util.h"

static void oom(void)
{
    static const char msg[] = "brig: out of memory\n";
    ssize_t _unused_ r = write(STDERR_FILENO, msg, sizeof(msg) - 1);
    abort();
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        oom();
    return p;
}

void *xcalloc(size_t n, size_t m)
{
    void *p = calloc(n ? n : 1, m ? m : 1);
    if (!p)
        oom();
    return p;
}

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        oom();
    return q;
}

char *xstrdup(const char *s)
{
    char *p = strdup(s);
    if (!p)
        oom();
    return p;
}

char *xstrndup(const char *s, size_t n)
{
    char *p = strndup(s, n);
    if (!p)
        oom();
    return p;
}

static _printf_(1, 0) char *xvasprintf(const char *fmt, va_list ap)
{
    char *s = NULL;
    if (vasprintf(&s, fmt, ap) < 0)
        oom();
    return s;
}

char *xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = xvasprintf(fmt, ap);
    va_end(ap);
    return s;
}

char *brig_escape(const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    char *out = xmalloc(len * 4 + 1), *o = out;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7f && c != '\\') {
            *o++ = (char)c;
            continue;
        }
        *o++ = '\\';
        *o++ = 'x';
        *o++ = hex[c >> 4];
        *o++ = hex[c & 15];
    }
    *o = '\0';
    return out;
}

static _printf_(4, 0) int error_setv(BrigError **err, int errnum, bool with_errno, const char *fmt,
                                     va_list ap)
{
    int ret = errnum > 0 ? -errnum : -1;
    if (!err || *err)
        return ret;
    _cleanup_free_ char *msg = xvasprintf(fmt, ap);
    BrigError *e = xcalloc(1, sizeof(*e));
    e->status = errnum;
    e->msg = with_errno && errnum > 0 ? xasprintf("%s: %s", msg, strerror(errnum)) : TAKE_PTR(msg);
    *err = e;
    return ret;
}

int brig_error_set(BrigError **err, int errnum, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = error_setv(err, errnum, false, fmt, ap);
    va_end(ap);
    return r;
}

int brig_error_errno(BrigError **err, int errnum, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = error_setv(err, errnum, true, fmt, ap);
    va_end(ap);
    return r;
}

int brig_error_prefix(BrigError **err, const char *fmt, ...)
{
    if (!err || !*err)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    _cleanup_free_ char *prefix = xvasprintf(fmt, ap);
    va_end(ap);
    char *msg = xasprintf("%s: %s", prefix, (*err)->msg);
    free((*err)->msg);
    (*err)->msg = msg;
    return (*err)->status > 0 ? -(*err)->status : -1;
}

void brig_error_free(BrigError *e)
{
    if (!e)
        return;
    free(e->msg);
    free(e);
}
