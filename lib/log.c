/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <fcntl.h>
#include <stdio.h>
#include <time.h>
#include <yajl/yajl_gen.h>

#include "log.h"
#include "util.h"

void brig_log_time(char *buf, size_t size)
{
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    char base[32];
    strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf, size, "%s.%09ldZ", base, ts.tv_nsec);
}

static void gen_kv(yajl_gen g, const char *k, const char *v)
{
    yajl_gen_string(g, (const unsigned char *)k, strlen(k));
    yajl_gen_string(g, (const unsigned char *)v, strlen(v));
}

/* logrus text format quotes values that need it, escaping like Go's %q. */
static char *text_quote(const char *s)
{
    size_t cap = strlen(s) * 4 + 3, o = 0;
    char *out = xmalloc(cap);
    out[o++] = '"';
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') {
            out[o++] = '\\';
            out[o++] = (char)*p;
        } else if (*p == '\n') {
            out[o++] = '\\';
            out[o++] = 'n';
        } else if (*p < 0x20) {
            o += (size_t)snprintf(out + o, cap - o, "\\x%02x", *p);
        } else {
            out[o++] = (char)*p;
        }
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
    _cleanup_close_ int fd =
        open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0600);
    if (fd < 0)
        return;
    ssize_t _unused_ n = write(fd, line, strlen(line));
}
