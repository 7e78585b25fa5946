/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <fcntl.h>
#include <stdio.h>
#include <time.h>
#include <yajl/yajl_gen.h>

#include "log.h"
#include "util.h"

/* The civil (proleptic Gregorian) date of a day count since 1970-01-01. */
static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

void brig_log_time(char *buf, size_t size)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    brig_log_format_time(ts.tv_sec, ts.tv_nsec, buf, size);
}

void brig_log_format_time(int64_t sec, long nsec, char *buf, size_t size)
{
    /* UTC by hand: gmtime_r() and strftime() both initialise glibc's time
     * zone state, reading /etc/localtime, for a stamp that needs none */
    int64_t days = sec / 86400, secs = sec % 86400;
    if (secs < 0) {
        secs += 86400;
        days--;
    }
    int64_t y;
    unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    snprintf(buf, size, "%04lld-%02u-%02uT%02d:%02d:%02d.%09ldZ", (long long)y, m, d,
             (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60), nsec);
}

/* Length of the well-formed UTF-8 sequence at p (RFC 3629: no overlongs, no
 * surrogates, nothing past U+10FFFF), or 0 if the bytes there are not one. */
static size_t utf8_len(const unsigned char *p)
{
    if (p[0] < 0x80)
        return 1;
    if (p[0] >= 0xc2 && p[0] <= 0xdf)
        return (p[1] & 0xc0) == 0x80 ? 2 : 0;
    if (p[0] >= 0xe0 && p[0] <= 0xef) {
        unsigned lo = p[0] == 0xe0 ? 0xa0 : 0x80, hi = p[0] == 0xed ? 0x9f : 0xbf;
        return p[1] >= lo && p[1] <= hi && (p[2] & 0xc0) == 0x80 ? 3 : 0;
    }
    if (p[0] >= 0xf0 && p[0] <= 0xf4) {
        unsigned lo = p[0] == 0xf0 ? 0x90 : 0x80, hi = p[0] == 0xf4 ? 0x8f : 0xbf;
        return p[1] >= lo && p[1] <= hi && (p[2] & 0xc0) == 0x80 && (p[3] & 0xc0) == 0x80 ? 4 : 0;
    }
    return 0;
}

/* Messages quote paths and ids chosen by others, which need not be UTF-8;
 * JSON must be, so each bad byte becomes U+FFFD, as Go's encoding/json does. */
static char *utf8_sanitize(const char *s)
{
    size_t n = strlen(s), o = 0;
    char *out = xmalloc(n * 3 + 1);
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        size_t l = utf8_len(p);
        if (l == 0) {
            memcpy(out + o, "\xef\xbf\xbd", 3);
            o += 3;
            p++;
            continue;
        }
        memcpy(out + o, p, l);
        o += l;
        p += l;
    }
    out[o] = '\0';
    return out;
}

static void gen_kv(yajl_gen g, const char *k, const char *v)
{
    _cleanup_free_ char *clean = utf8_sanitize(v);
    yajl_gen_string(g, (const unsigned char *)k, strlen(k));
    yajl_gen_string(g, (const unsigned char *)clean, strlen(clean));
}

/* logrus text format quotes values with Go's %q (strconv.Quote): named
 * escapes for the usual controls, \xNN for other control bytes, DEL and bytes
 * that are not UTF-8, so one message is always exactly one line. */
static char *text_quote(const char *s)
{
    size_t cap = strlen(s) * 4 + 3, o = 0;
    char *out = xmalloc(cap);
    out[o++] = '"';
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        const char *named = NULL;
        switch (*p) {
        case '"':
            named = "\\\"";
            break;
        case '\\':
            named = "\\\\";
            break;
        case '\a':
            named = "\\a";
            break;
        case '\b':
            named = "\\b";
            break;
        case '\f':
            named = "\\f";
            break;
        case '\n':
            named = "\\n";
            break;
        case '\r':
            named = "\\r";
            break;
        case '\t':
            named = "\\t";
            break;
        case '\v':
            named = "\\v";
            break;
        }
        if (named) {
            o += (size_t)snprintf(out + o, cap - o, "%s", named);
            p++;
            continue;
        }
        size_t l = utf8_len(p);
        if (l == 0 || *p < 0x20 || *p == 0x7f) {
            o += (size_t)snprintf(out + o, cap - o, "\\x%02x", *p);
            p++;
            continue;
        }
        memcpy(out + o, p, l);
        o += l;
        p += l;
    }
    out[o++] = '"';
    out[o] = '\0';
    return out;
}

char *brig_log_format_line(const char *format, const char *level, const char *msg)
{
    char now[64];
    brig_log_time(now, sizeof(now));
    if (streq(format, "json")) {
        yajl_gen g = yajl_gen_alloc(NULL);
        if (!g)
            abort();
        yajl_gen_map_open(g);
        gen_kv(g, "level", level);
        gen_kv(g, "msg", msg);
        gen_kv(g, "time", now);
        yajl_gen_map_close(g);
        const unsigned char *buf;
        size_t len;
        yajl_gen_get_buf(g, &buf, &len);
        char *line = xasprintf("%.*s\n", (int)len, (const char *)buf);
        yajl_gen_free(g);
        return line;
    }
    _cleanup_free_ char *q = text_quote(msg);
    return xasprintf("time=\"%s\" level=%s msg=%s\n", now, level, q);
}

void brig_log_engine(const char *path, const char *format, const char *level, const char *msg)
{
    if (!path || !*path)
        return;
    _cleanup_free_ char *line = brig_log_format_line(format, level, msg);
    /* O_NONBLOCK: a FIFO with no reader at the log path fails (ENXIO) instead
     * of hanging brig, and with it the engine, forever.  The one file brig
     * writes that may be a FIFO (with a reader: an engine may read its
     * runtime's log through one), so not brig_open_regular (bundle.h). */
    _cleanup_close_ int fd = open(
        path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK, 0600);
    if (fd < 0)
        return;
    ssize_t _unused_ n = write(fd, line, strlen(line));
}
