/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Cleanup helpers in the systemd/crun style: ownership leaves a variable only
 * through TAKE_PTR/TAKE_FD, so a function can return early on any error and
 * still release everything it holds. */

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)
#define _cleanup_strv_ _cleanup_(strv_freep)
#define _unused_ __attribute__((unused))
#define _printf_(a, b) __attribute__((format(printf, a, b)))

#define TAKE_PTR(p)                                                                                \
    ({                                                                                             \
        __typeof__(p) _p = (p);                                                                    \
        (p) = NULL;                                                                                \
        _p;                                                                                        \
    })

#define TAKE_FD(fd)                                                                                \
    ({                                                                                             \
        int _fd = (fd);                                                                            \
        (fd) = -1;                                                                                 \
        _fd;                                                                                       \
    })

#define ELEMENTSOF(x) (sizeof(x) / sizeof((x)[0]))

static inline void freep(void *p)
{
    free(*(void **)p);
}

static inline void closep(int *fd)
{
    if (*fd >= 0) {
        int saved = errno;
        close(*fd);
        errno = saved;
    }
}

static inline void strv_free(char **v)
{
    if (!v)
        return;
    for (char **i = v; *i; i++)
        free(*i);
    free(v);
}

static inline void strv_freep(char ***v)
{
    strv_free(*v);
}

static inline bool streq(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

static inline bool startswith(const char *s, const char *prefix)
{
    return s && strncmp(s, prefix, strlen(prefix)) == 0;
}

/* a + b, or UINT64_MAX when that does not fit */
static inline uint64_t sat_add(uint64_t a, uint64_t b)
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* Allocation failure is not a condition brig tries to survive: the process is
 * short-lived and a half-built config is worse than an abort. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t m);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) _printf_(1, 2);

/* Text another party chose (a container's process name, a path inside its
 * rootfs), made safe to print: printable ASCII stays, every other byte and
 * the backslash become \xNN, so it cannot move the cursor, retitle the
 * terminal, or forge a line of brig's output. */
char *brig_escape(const char *s, size_t len);
