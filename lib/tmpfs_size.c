/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tmpfs bounds read as the kernel reads them (tmpfs_size.h).  Every
 * overflow the kernel lets wrap is an error here: a value that wraps to a
 * small one, or to 0 ("size=16e" is 16 << 60, which is 0 in 64 bits: no
 * bound), must not be judged as what it looks like. */
#include <errno.h>
#include <string.h>

#include "tmpfs_size.h"
#include "util.h"

static int digit_value(char c, unsigned base)
{
    unsigned v;
    if (c >= '0' && c <= '9')
        v = (unsigned)(c - '0');
    else if (c >= 'a' && c <= 'f')
        v = (unsigned)(c - 'a') + 10;
    else if (c >= 'A' && c <= 'F')
        v = (unsigned)(c - 'A') + 10;
    else
        return -1;
    return v < base ? (int)v : -1;
}

static bool is_xdigit(char c)
{
    return digit_value(c, 16) >= 0;
}

int brig_memparse(const char *s, uint64_t *ret, const char **ret_end)
{
    /* simple_strtoull(s, &end, 0): the base from the prefix */
    unsigned base = 10;
    const char *p = s;
    if (p[0] == '0') {
        if ((p[1] == 'x' || p[1] == 'X') && is_xdigit(p[2]))
            base = 16, p += 2;
        else
            base = 8;
    }
    uint64_t v = 0;
    bool wrapped = false;
    for (int d; (d = digit_value(*p, base)) >= 0; p++) {
        if (v > (UINT64_MAX - (unsigned)d) / base)
            wrapped = true;
        v = v * base + (unsigned)d;
    }
    unsigned shift = 0;
    switch (*p) {
    case 'E':
    case 'e':
        shift += 10; /* fall through */
    case 'P':
    case 'p':
        shift += 10; /* fall through */
    case 'T':
    case 't':
        shift += 10; /* fall through */
    case 'G':
    case 'g':
        shift += 10; /* fall through */
    case 'M':
    case 'm':
        shift += 10; /* fall through */
    case 'K':
    case 'k':
        shift += 10;
        p++;
        break;
    default:
        break;
    }
    if (shift && v > (UINT64_MAX >> shift))
        wrapped = true;
    *ret = shift < 64 ? v << shift : 0;
    *ret_end = p;
    return wrapped ? -ERANGE : 0;
}

int brig_tmpfs_option(const char *opt, uint64_t mem_total, uint64_t page_size, BrigTmpfsBounds *b,
                      const char **ret_why)
{
    enum { SIZE, BLOCKS, INODES } kind;
    const char *v;
    if (startswith(opt, "size="))
        kind = SIZE, v = opt + 5;
    else if (startswith(opt, "nr_blocks="))
        kind = BLOCKS, v = opt + 10;
    else if (startswith(opt, "nr_inodes="))
        kind = INODES, v = opt + 10;
    else
        return 0;
    *ret_why = NULL;
    if (kind != INODES && (page_size == 0 || (page_size & (page_size - 1)))) {
        *ret_why = "the host's page size is not known";
        return -ENODATA;
    }
    /* the kernel's own parser (fs_parse) refuses an empty string */
    if (!*v) {
        *ret_why = "it has no value (the kernel refuses it)";
        return -EINVAL;
    }
    uint64_t n;
    const char *rest;
    if (brig_memparse(v, &n, &rest) < 0) {
        *ret_why = "the number does not fit in 64 bits (the kernel wraps it)";
        return -ERANGE;
    }
    if (kind == SIZE && *rest == '%') {
        if (mem_total == 0) {
            *ret_why = "it is a share of the host's memory, whose size brig was not told";
            return -ENODATA;
        }
        /* size <<= PAGE_SHIFT; size *= totalram_pages(); size /= 100 */
        uint64_t pages = mem_total / page_size;
        if (n > UINT64_MAX / page_size || (pages && n * page_size > UINT64_MAX / pages)) {
            *ret_why = "a share of the memory that does not fit in 64 bits (the kernel wraps it)";
            return -ERANGE;
        }
        n = n * page_size * pages / 100;
        rest++;
    }
    if (*rest) {
        *ret_why = kind == SIZE ? "it is not a number with one of the suffixes k, m, g, t, p, e "
                                  "or % (the kernel refuses it)"
                                : "it is not a number with one of the suffixes k, m, g, t, p, e "
                                  "(the kernel refuses it)";
        return -EINVAL;
    }
    if (kind == INODES) {
        b->inodes = n;
    } else if (kind == BLOCKS) {
        b->blocks = n;
    } else {
        /* DIV_ROUND_UP(size, PAGE_SIZE) wraps to 0 pages, no bound, for
         * the last page's worth below 2^64 */
        if (n > UINT64_MAX - (page_size - 1)) {
            *ret_why = "the size rounded up to pages does not fit in 64 bits (the kernel wraps "
                       "it to no bound)";
            return -ERANGE;
        }
        b->blocks = n / page_size + (n % page_size != 0);
    }
    return 1;
}
