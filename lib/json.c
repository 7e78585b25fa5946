/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <inttypes.h>
#include <stdio.h>

#include "json.h"

static void block_free(BrigJson *root);

BrigJson *brig_json_new(BrigJsonType t)
{
    BrigJson *j = xcalloc(1, sizeof(*j));
    j->type = t;
    return j;
}

/* A node, its key and its text in one allocation: a parsed config is
 * mostly string members, and three mallocs (and three frees) for each was
 * a fifth of a harden (bench/harden-cost). */
static BrigJson *node_alloc(BrigJsonType t, const char *key, size_t klen, const char *text,
                            size_t tlen)
{
    size_t extra = (key ? klen + 1 : 0) + (text ? tlen + 1 : 0);
    BrigJson *j = xmalloc(sizeof(*j) + extra);
    *j = (BrigJson){.type = t};
    char *p = (char *)(j + 1);
    if (key) {
        memcpy(p, key, klen);
        p[klen] = '\0';
        j->key = p;
        j->key_inline = true;
        p += klen + 1;
    }
    if (text) {
        memcpy(p, text, tlen);
        p[tlen] = '\0';
        j->text = p;
        j->text_inline = true;
        if (t == BRIG_JSON_STRING)
            j->len = tlen;
    }
    return j;
}

static void set_key(BrigJson *j, const char *key)
{
    if (j->key && streq(j->key, key))
        return;
    if (!j->key_inline)
        free(j->key);
    j->key = xstrdup(key);
    j->key_inline = false;
    j->key_plain = false;
}

BrigJson *brig_json_new_bool(bool b)
{
    BrigJson *j = brig_json_new(BRIG_JSON_BOOL);
    j->boolean = b;
    return j;
}

BrigJson *brig_json_new_string_len(const char *s, size_t len)
{
    return node_alloc(BRIG_JSON_STRING, NULL, 0, s, len);
}

BrigJson *brig_json_new_string(const char *s)
{
    return brig_json_new_string_len(s, strlen(s));
}

BrigJson *brig_json_new_number(const char *text)
{
    return node_alloc(BRIG_JSON_NUMBER, NULL, 0, text, strlen(text));
}

BrigJson *brig_json_new_int(int64_t v)
{
    char buf[24];
    return brig_json_new_number((snprintf(buf, sizeof(buf), "%" PRId64, v), buf));
}

BrigJson *brig_json_new_uint(uint64_t v)
{
    /* by hand: snprintf was most of the cost of writing a seccomp rule */
    char buf[24], *p = buf + sizeof(buf) - 1;
    *p = '\0';
    do
        *--p = (char)('0' + v % 10);
    while (v /= 10);
    return brig_json_new_number(p);
}

void brig_json_free(BrigJson *j)
{
    if (!j)
        return;
    for (size_t i = 0; i < j->n; i++)
        brig_json_free(j->kids[i]);
    if (!j->kids_borrowed)
        free(j->kids);
    if (!j->key_inline)
        free(j->key);
    if (!j->text_inline)
        free(j->text);
    if (j->block_head)
        block_free(j);
    else if (!j->in_block)
        free(j);
}

BrigJson *brig_json_copy(const BrigJson *j)
{
    if (!j)
        return NULL;
    BrigJson *c = node_alloc(j->type, j->key, j->key ? strlen(j->key) : 0, j->text,
                             !j->text                      ? 0
                             : j->type == BRIG_JSON_STRING ? j->len
                                                           : strlen(j->text));
    c->line = j->line;
    c->boolean = j->boolean;
    c->len = j->len;
    c->key_plain = j->key_plain;
    c->text_plain = j->text_plain;
    if (j->n) {
        c->kids = xcalloc(j->n, sizeof(*c->kids));
        c->n = c->cap = j->n;
        for (size_t i = 0; i < j->n; i++)
            c->kids[i] = brig_json_copy(j->kids[i]);
    }
    return c;
}

/* Duplicate keys.  Go's encoding/json (runc) reads the last copy of a
 * duplicated key, yajl-based crun the first, and brig checks the last
 * (brig_json_get), so a config with {"noNewPrivileges": false,
 * "noNewPrivileges": true} would pass brig and run under crun without it.
 * The tree keeps every copy (the policy parser reports them), but only the
 * copy brig reads is ever serialized, and equality is over what a reader of
 * the last copy sees.  Returns NULL when obj has no shadowed member, else a
 * flag per member. */
static int cmp_member(const void *x, const void *y, void *arg)
{
    const BrigJson *obj = arg;
    size_t i = *(const size_t *)x, k = *(const size_t *)y;
    const char *ki = obj->kids[i]->key ? obj->kids[i]->key : "";
    const char *kk = obj->kids[k]->key ? obj->kids[k]->key : "";
    int c = strcmp(ki, kk);
    return c ? c : (i > k) - (i < k);
}

static bool *shadowed_members(const BrigJson *obj)
{
    if (obj->type != BRIG_JSON_OBJECT || obj->n < 2)
        return NULL;
    /* Nearly every object is small and has no duplicate: compare pairwise
     * and allocate nothing unless a key repeats.  This runs for every
     * object the writer emits and every pair brig_json_equal() compares;
     * the sort below cost two allocations and a qsort each time. */
    if (obj->n <= 16) {
        bool *shadowed = NULL;
        for (size_t i = 0; i + 1 < obj->n; i++) {
            const char *a = obj->kids[i]->key ? obj->kids[i]->key : "";
            for (size_t k = i + 1; k < obj->n; k++) {
                const char *b = obj->kids[k]->key ? obj->kids[k]->key : "";
                if (a[0] != b[0] || strcmp(a, b) != 0)
                    continue;
                if (!shadowed)
                    shadowed = xcalloc(obj->n, sizeof(*shadowed));
                shadowed[i] = true; /* a later copy is the one read */
                break;
            }
        }
        return shadowed;
    }
    /* sort member indexes by (key, position): a key's copies end up
     * adjacent, the last one read last */
    _cleanup_free_ size_t *idx = xmalloc(obj->n * sizeof(*idx));
    for (size_t i = 0; i < obj->n; i++)
        idx[i] = i;
    qsort_r(idx, obj->n, sizeof(*idx), cmp_member, (void *)obj);
    bool *shadowed = NULL;
    for (size_t i = 0; i + 1 < obj->n; i++) {
        const char *a = obj->kids[idx[i]]->key, *b = obj->kids[idx[i + 1]]->key;
        if (strcmp(a ? a : "", b ? b : "") != 0)
            continue;
        if (!shadowed)
            shadowed = xcalloc(obj->n, sizeof(*shadowed));
        shadowed[idx[i]] = true;
    }
    return shadowed;
}

static bool objects_equal(const BrigJson *a, const BrigJson *b)
{
    _cleanup_free_ bool *sa = shadowed_members(a), *sb = shadowed_members(b);
    size_t i = 0, k = 0;
    for (;;) {
        while (sa && i < a->n && sa[i])
            i++;
        while (sb && k < b->n && sb[k])
            k++;
        if (i == a->n || k == b->n)
            return i == a->n && k == b->n;
        if (!streq(a->kids[i]->key, b->kids[k]->key) || !brig_json_equal(a->kids[i], b->kids[k]))
            return false;
        i++;
        k++;
    }
}

bool brig_json_equal(const BrigJson *a, const BrigJson *b)
{
    if (a == b)
        return true;
    if (!a || !b || a->type != b->type)
        return false;
    switch (a->type) {
    case BRIG_JSON_NULL:
        return true;
    case BRIG_JSON_BOOL:
        return a->boolean == b->boolean;
    case BRIG_JSON_NUMBER:
        return streq(a->text, b->text);
    case BRIG_JSON_STRING:
        return a->len == b->len && memcmp(a->text, b->text, a->len) == 0;
    case BRIG_JSON_ARRAY:
        if (a->n != b->n)
            return false;
        for (size_t i = 0; i < a->n; i++)
            if (!brig_json_equal(a->kids[i], b->kids[i]))
                return false;
        return true;
    case BRIG_JSON_OBJECT:
        return objects_equal(a, b);
    }
    return false;
}

const char *brig_json_type_name(BrigJsonType t)
{
    static const char *const names[] = {
        [BRIG_JSON_NULL] = "null",     [BRIG_JSON_BOOL] = "boolean", [BRIG_JSON_NUMBER] = "number",
        [BRIG_JSON_STRING] = "string", [BRIG_JSON_ARRAY] = "array",  [BRIG_JSON_OBJECT] = "object",
    };
    return t <= BRIG_JSON_OBJECT ? names[t] : "?";
}

static void add_kid(BrigJson *parent, size_t idx, BrigJson *val)
{
    if (parent->n == parent->cap) {
        parent->cap = parent->cap ? parent->cap * 2 : 4;
        if (parent->kids_borrowed) {
            BrigJson **kids = xmalloc(parent->cap * sizeof(*kids));
            if (parent->n) /* an empty one may have no array at all */
                memcpy(kids, parent->kids, parent->n * sizeof(*kids));
            parent->kids = kids;
            parent->kids_borrowed = false;
        } else {
            parent->kids = xrealloc(parent->kids, parent->cap * sizeof(*parent->kids));
        }
    }
    memmove(parent->kids + idx + 1, parent->kids + idx, (parent->n - idx) * sizeof(*parent->kids));
    parent->kids[idx] = val;
    parent->n++;
}

/* ---- parsing ---- */

/* brig parses with its own code rather than through yajl's callbacks: a
 * config is parsed once per container start, and yajl (a lexer call and a
 * callback per token, each string copied into its buffer and then into
 * ours, a malloc per node) was the largest step of a fresh `brig create`
 * (docs/performance.md).  The grammar is RFC 8259's, plus what yajl, and so
 * crun, accepts: \v and \f as whitespace.  UTF-8 is checked strictly
 * (yajl lets overlong forms, encoded surrogates and code points past
 * U+10FFFF through); an unpaired \uD800-\uDFFF escape is refused, as a
 * value brig would hand on would not be the one the engine wrote.
 * tests/unit/test_json_diff.c and the fuzz-json_diff harness check the
 * trees against yajl's.
 *
 * The whole tree lives in one block its root heads (json.h): nodes, their
 * keys and strings and their kids arrays, carved in order from chunks
 * sized after the input, instead of a malloc for each, so that a fresh
 * process touches as few heap pages as the tree needs. */

/* A block's root is followed by the link to its next chunk; every further
 * chunk starts with its own link. */
typedef struct Chunk {
    struct Chunk *next;
} Chunk;

#define ALIGN8(n) (((n) + 7) & ~(size_t)7)
#define HEAD_SIZE ALIGN8(sizeof(BrigJson) + sizeof(Chunk))

static Chunk *block_link(BrigJson *root)
{
    return (Chunk *)(root + 1);
}

BrigJson *brig_json_block_new(size_t extra, void **ret_extra)
{
    BrigJson *root = xmalloc(HEAD_SIZE + extra);
    *root = (BrigJson){.block_head = true};
    block_link(root)->next = NULL;
    *ret_extra = (char *)root + HEAD_SIZE;
    return root;
}

static void block_free(BrigJson *root)
{
    Chunk *c = block_link(root)->next;
    while (c) {
        Chunk *next = c->next;
        free(c);
        c = next;
    }
    free(root);
}

typedef struct {
    const char *p, *end;
    unsigned line;
    bool lines;
    /* the block: its root, the chunk being carved, the link to fill next */
    BrigJson *root;
    bool root_used;
    bool key_plain; /* of the member name just read */
    char *mem, *mem_end;
    Chunk **link;
    size_t chunk_size;
    /* kids of the open containers, each container's run on top of its parent's */
    BrigJson **stack;
    size_t top, cap;
    BrigJson *small[128];
    /* the error: where, and why (static text, or why_buf) */
    const char *err_at;
    const char *why;
    char why_buf[96], found_buf[24];
} Parser;

static void *carve(Parser *P, size_t size)
{
    size = ALIGN8(size);
    if ((size_t)(P->mem_end - P->mem) < size) {
        size_t want = size + sizeof(Chunk) > P->chunk_size ? size + sizeof(Chunk) : P->chunk_size;
        Chunk *c = xmalloc(want);
        c->next = NULL;
        *P->link = c;
        P->link = &c->next;
        P->mem = (char *)c + ALIGN8(sizeof(Chunk));
        P->mem_end = (char *)c + want;
        if (P->chunk_size < 256 * 1024)
            P->chunk_size *= 2;
    }
    void *r = P->mem;
    P->mem += size;
    return r;
}

/* The node for a value starting at p (the first one is the block's root),
 * the member name just read as its key (NULL in an array), with room for
 * `extra` bytes of text after it. */
static BrigJson *new_node(Parser *P, BrigJsonType t, const char *key, size_t extra, char **ret_text)
{
    BrigJson *j;
    if (!P->root_used) {
        P->root_used = true;
        j = P->root;
        *ret_text = extra ? carve(P, extra) : NULL;
        *j = (BrigJson){.block_head = true};
    } else {
        j = carve(P, sizeof(BrigJson) + extra);
        *ret_text = (char *)(j + 1);
        *j = (BrigJson){.in_block = true};
    }
    j->type = t;
    j->line = P->lines ? P->line : 1;
    j->key_inline = j->text_inline = j->kids_borrowed = true;
    j->key = (char *)key;
    j->key_plain = key && P->key_plain;
    return j;
}

/* Gives back the tail of the last carve that a decoded string (never
 * longer than its source) did not need. */
static void uncarve_tail(Parser *P, char *end_used)
{
    P->mem = (char *)ALIGN8((uintptr_t)end_used);
}

static int fail(Parser *P, const char *at, const char *why)
{
    P->err_at = at;
    P->why = why;
    return -1;
}

/* "'x'", "byte 0xff" or "the end of the input", for messages. */
static const char *found(Parser *P, const char *at)
{
    if (at >= P->end)
        return "the end of the input";
    unsigned char c = (unsigned char)*at;
    if (c > 0x20 && c < 0x7f)
        snprintf(P->found_buf, sizeof(P->found_buf), "'%c'", c);
    else
        snprintf(P->found_buf, sizeof(P->found_buf), "byte 0x%02x", c);
    return P->found_buf;
}

static int fail_expected(Parser *P, const char *what)
{
    if (P->p >= P->end)
        snprintf(P->why_buf, sizeof(P->why_buf), "unexpected end of the input: expected %s", what);
    else
        snprintf(P->why_buf, sizeof(P->why_buf), "expected %s, found %s", what, found(P, P->p));
    return fail(P, P->p, P->why_buf);
}

static void skip_space(Parser *P)
{
    /* 1: whitespace, 3: a newline (counted) */
    static const uint8_t space[256] = {
        [' '] = 1, ['\t'] = 1, ['\r'] = 1, ['\v'] = 1, ['\f'] = 1, ['\n'] = 3,
    };
    const char *p = P->p, *end = P->end;
    unsigned lines = 0, k;
    while (p < end && (k = space[(uint8_t)*p])) {
        lines += k >> 1;
        p++;
    }
    P->line += lines;
    P->p = p;
}

static void push(Parser *P, BrigJson *j)
{
    if (P->top == P->cap) {
        size_t cap = P->cap * 2;
        BrigJson **s = xmalloc(cap * sizeof(*s));
        memcpy(s, P->stack, P->top * sizeof(*s));
        if (P->stack != P->small)
            free(P->stack);
        P->stack = s;
        P->cap = cap;
    }
    P->stack[P->top++] = j;
}

static int hex4(const char *p, const char *end)
{
    int v = 0;
    if (end - p < 4)
        return -1;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

/* Length of the well-formed UTF-8 sequence at p (2-4), or 0. */
static size_t utf8_len(const unsigned char *p, const unsigned char *end)
{
    unsigned c = p[0];
    size_t n;
    unsigned min;
    if (c >= 0xc2 && c <= 0xdf)
        n = 2, min = 0x80;
    else if (c >= 0xe0 && c <= 0xef)
        n = 3, min = 0x800;
    else if (c >= 0xf0 && c <= 0xf4)
        n = 4, min = 0x10000;
    else
        return 0;
    if ((size_t)(end - p) < n)
        return 0;
    unsigned cp = c & (0x7f >> n);
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (p[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n;
}

static char *put_utf8(char *o, unsigned cp)
{
    if (cp < 0x80) {
        *o++ = (char)cp;
    } else if (cp < 0x800) {
        *o++ = (char)(0xc0 | cp >> 6);
        *o++ = (char)(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
        *o++ = (char)(0xe0 | cp >> 12);
        *o++ = (char)(0x80 | (cp >> 6 & 0x3f));
        *o++ = (char)(0x80 | (cp & 0x3f));
    } else {
        *o++ = (char)(0xf0 | cp >> 18);
        *o++ = (char)(0x80 | (cp >> 12 & 0x3f));
        *o++ = (char)(0x80 | (cp >> 6 & 0x3f));
        *o++ = (char)(0x80 | (cp & 0x3f));
    }
    return o;
}

/* Scans the string whose opening quote is at P->p: its raw length (up to
 * the closing quote) and whether it has escapes.  Checks everything but the
 * escapes, which decode() checks. */
static int scan_string(Parser *P, size_t *ret_raw, bool *ret_escaped)
{
    const unsigned char *s = (const unsigned char *)P->p + 1, *p = s;
    const unsigned char *end = (const unsigned char *)P->end;
    /* bytes that end the plain-ASCII run: controls, '"', '\\', non-ASCII */
    static const uint8_t stop[256] = {
        [0x00 ... 0x1f] = 1,
        ['"'] = 1,
        ['\\'] = 1,
        [0x80 ... 0xff] = 1,
    };
    bool escaped = false;
    for (;;) {
        while (p < end && !stop[*p])
            p++;
        if (p >= end)
            return fail(P, (const char *)p, "unexpected end of the input inside a string");
        unsigned c = *p;
        if (c == '"')
            break;
        if (c == '\\') {
            escaped = true;
            if (p + 1 >= end)
                return fail(P, (const char *)p + 1, "unexpected end of the input inside a string");
            p += 2;
            continue;
        }
        if (c < 0x20) {
            snprintf(P->why_buf, sizeof(P->why_buf),
                     "control character 0x%02x in a string (JSON needs it escaped)", c);
            return fail(P, (const char *)p, P->why_buf);
        }
        size_t n = utf8_len(p, end);
        if (!n)
            return fail(P, (const char *)p, "invalid UTF-8 in a string");
        p += n;
    }
    *ret_raw = (size_t)(p - s);
    *ret_escaped = escaped;
    return 0;
}

/* Decodes the raw string at s (escapes checked here) into out; returns the
 * decoded length, or -1. */
static ssize_t decode(Parser *P, const char *s, size_t raw, char *out)
{
    const char *p = s, *end = s + raw;
    char *o = out;
    while (p < end) {
        const char *bs = memchr(p, '\\', (size_t)(end - p));
        size_t plain = (bs ? bs : end) - p;
        memcpy(o, p, plain);
        o += plain;
        p += plain;
        if (!bs)
            break;
        char e = p[1];
        static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
        const char *k = e ? strchr(from, e) : NULL;
        if (k) {
            *o++ = to[k - from];
            p += 2;
            continue;
        }
        if (e != 'u') {
            if (e > 0x20 && e < 0x7f)
                snprintf(P->why_buf, sizeof(P->why_buf), "invalid escape \\%c in a string", e);
            else
                snprintf(P->why_buf, sizeof(P->why_buf),
                         "invalid escape in a string: a backslash before %s", found(P, p + 1));
            return fail(P, p, P->why_buf);
        }
        int cp = hex4(p + 2, end);
        if (cp < 0)
            return fail(P, p, "invalid \\u escape in a string: expected four hex digits");
        size_t used = 6;
        if (cp >= 0xd800 && cp <= 0xdbff) {
            int lo = end - (p + 6) >= 6 && p[6] == '\\' && p[7] == 'u' ? hex4(p + 8, end) : -1;
            if (lo < 0xdc00 || lo > 0xdfff)
                cp = -2;
            else
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00), used = 12;
        } else if (cp >= 0xdc00 && cp <= 0xdfff) {
            cp = -2;
        }
        if (cp == -2) {
            snprintf(P->why_buf, sizeof(P->why_buf),
                     "unpaired UTF-16 surrogate \"%.6s\" in a string", p);
            return fail(P, p, P->why_buf);
        }
        o = put_utf8(o, (unsigned)cp);
        p += used;
    }
    return o - out;
}

/* The string at P->p, decoded into text carved from the block (a node
 * with it and `key` when `node`), P->p moved past it. */
static int read_string(Parser *P, BrigJson **node, const char *key, char **ret_text,
                       size_t *ret_len, bool *ret_plain)
{
    size_t raw;
    bool escaped;
    if (scan_string(P, &raw, &escaped) < 0)
        return -1;
    const char *s = P->p + 1;
    char *text;
    if (node)
        *node = new_node(P, BRIG_JSON_STRING, key, raw + 1, &text);
    else
        text = carve(P, raw + 1);
    size_t len = raw;
    if (escaped) {
        ssize_t l = decode(P, s, raw, text);
        if (l < 0)
            return -1;
        len = (size_t)l;
        uncarve_tail(P, text + len + 1);
    } else {
        memcpy(text, s, raw);
    }
    text[len] = '\0';
    P->p = s + raw + 1;
    *ret_text = text;
    *ret_len = len;
    *ret_plain = !escaped;
    return 0;
}

static BrigJson *parse_string(Parser *P, const char *key)
{
    BrigJson *j;
    char *text;
    size_t len;
    bool plain;
    if (read_string(P, &j, key, &text, &len, &plain) < 0)
        return NULL;
    j->text = text;
    j->len = len;
    j->text_plain = plain;
    return j;
}

static int parse_key(Parser *P, char **ret)
{
    const char *at = P->p;
    size_t len;
    if (read_string(P, NULL, NULL, ret, &len, &P->key_plain) < 0)
        return -1;
    /* only a \u0000 escape can put a NUL in a name */
    if (!P->key_plain && memchr(*ret, '\0', len))
        return fail(P, at, "object key contains a NUL character");
    return 0;
}

/* A number's error: at the end of the input, say so. */
static BrigJson *number_fail(Parser *P, const char *at, const char *why)
{
    fail(P, at, at >= P->end ? "unexpected end of the input inside a number" : why);
    return NULL;
}

static BrigJson *parse_number(Parser *P, const char *key)
{
    const char *s = P->p, *p = s, *end = P->end;
    if (p < end && *p == '-')
        p++;
    if (p < end && *p == '0') {
        p++;
    } else if (p < end && *p >= '1' && *p <= '9') {
        while (p < end && *p >= '0' && *p <= '9')
            p++;
    } else {
        return number_fail(P, p, "invalid number: expected a digit after '-'");
    }
    if (p < end && *p == '.') {
        p++;
        if (p >= end || *p < '0' || *p > '9') {
            return number_fail(P, p, "invalid number: expected a digit after the decimal point");
        }
        while (p < end && *p >= '0' && *p <= '9')
            p++;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < end && (*p == '+' || *p == '-'))
            p++;
        if (p >= end || *p < '0' || *p > '9') {
            return number_fail(P, p, "invalid number: expected a digit in the exponent");
        }
        while (p < end && *p >= '0' && *p <= '9')
            p++;
    }
    size_t n = (size_t)(p - s);
    char *text;
    BrigJson *j = new_node(P, BRIG_JSON_NUMBER, key, n + 1, &text);
    memcpy(text, s, n);
    text[n] = '\0';
    j->text = text;
    P->p = p;
    return j;
}

static BrigJson *parse_value(Parser *P, const char *key, unsigned depth);

/* Closes a container: its kids, pushed since `base`, move into the block. */
static void close_container(Parser *P, BrigJson *j, size_t base)
{
    size_t n = P->top - base;
    if (n) {
        j->kids = carve(P, n * sizeof(*j->kids));
        memcpy(j->kids, P->stack + base, n * sizeof(*j->kids));
    }
    j->n = j->cap = n;
    P->top = base;
}

/* `"name" :` before an object member's value. */
static int parse_member_name(Parser *P, char **ret)
{
    skip_space(P);
    if (P->p >= P->end || *P->p != '"')
        return fail_expected(P, "a string as an object key");
    if (parse_key(P, ret) < 0)
        return -1;
    skip_space(P);
    if (P->p >= P->end || *P->p != ':')
        return fail_expected(P, "':' after an object key");
    P->p++;
    return 0;
}

/* The array or object j, whose opening bracket is at P->p. */
static BrigJson *parse_container(Parser *P, BrigJson *j, unsigned depth)
{
    bool obj = j->type == BRIG_JSON_OBJECT;
    char close = obj ? '}' : ']';
    size_t base = P->top;
    P->p++;
    skip_space(P);
    if (P->p < P->end && *P->p == close) {
        P->p++;
        return j;
    }
    for (;;) {
        char *k = NULL;
        if (obj && parse_member_name(P, &k) < 0)
            return NULL;
        BrigJson *v = parse_value(P, k, depth);
        if (!v)
            return NULL;
        push(P, v);
        skip_space(P);
        if (P->p < P->end && *P->p == ',') {
            P->p++;
            continue;
        }
        if (P->p < P->end && *P->p == close) {
            P->p++;
            break;
        }
        fail_expected(P, obj ? "',' or '}' after an object member"
                             : "',' or ']' after an array element");
        return NULL;
    }
    close_container(P, j, base);
    return j;
}

static BrigJson *parse_literal(Parser *P, const char *key)
{
    static const struct {
        const char *word;
        BrigJsonType type;
        bool value;
    } lits[] = {{"true", BRIG_JSON_BOOL, true},
                {"false", BRIG_JSON_BOOL, false},
                {"null", BRIG_JSON_NULL, false}};
    for (size_t i = 0; i < ELEMENTSOF(lits); i++) {
        size_t n = strlen(lits[i].word);
        if (lits[i].word[0] != *P->p)
            continue;
        size_t have = (size_t)(P->end - P->p) < n ? (size_t)(P->end - P->p) : n;
        if (have < n && memcmp(P->p, lits[i].word, have) == 0) {
            fail(P, P->end, "unexpected end of the input inside a literal");
            return NULL;
        }
        if (have < n || memcmp(P->p, lits[i].word, n) != 0) {
            fail(P, P->p, "invalid literal: expected true, false or null");
            return NULL;
        }
        char *unused;
        BrigJson *j = new_node(P, lits[i].type, key, 0, &unused);
        j->boolean = lits[i].value;
        P->p += n;
        return j;
    }
    fail_expected(P, "a value");
    return NULL;
}

static BrigJson *parse_value(Parser *P, const char *key, unsigned depth)
{
    skip_space(P);
    if (P->p >= P->end) {
        fail_expected(P, "a value");
        return NULL;
    }
    char c = *P->p;
    if (c == '"')
        return parse_string(P, key);
    if (c == '-' || (c >= '0' && c <= '9'))
        return parse_number(P, key);
    if (c == '[' || c == '{') {
        if (depth >= BRIG_JSON_MAX_DEPTH) {
            snprintf(P->why_buf, sizeof(P->why_buf), "nesting deeper than %d levels",
                     BRIG_JSON_MAX_DEPTH);
            fail(P, P->p, P->why_buf);
            return NULL;
        }
        char *unused;
        BrigJson *j = new_node(P, c == '[' ? BRIG_JSON_ARRAY : BRIG_JSON_OBJECT, key, 0, &unused);
        return parse_container(P, j, depth + 1);
    }
    if (c == '/') {
        fail(P, P->p, "comments are not allowed in JSON");
        return NULL;
    }
    return parse_literal(P, key);
}

static void position_of(const char *buf, size_t off, unsigned *ret_line, unsigned *ret_col)
{
    unsigned line = 1, col = 1;
    for (size_t i = 0; i < off; i++) {
        if (buf[i] == '\n') {
            line++;
            col = 1;
        } else {
            col++;
        }
    }
    *ret_line = line;
    *ret_col = col;
}

int brig_json_parse(const char *buf, size_t len, const char *name, unsigned flags, BrigJson **ret,
                    BrigError **err)
{
    if (len > BRIG_JSON_MAX_SIZE)
        return brig_error_set(err, EFBIG, "%s: %zu bytes is over the %u MiB limit", name, len,
                              BRIG_JSON_MAX_SIZE / (1024 * 1024));

    /* A parsed config takes about four times its size (a 17 KiB Docker
     * config, 61 KiB of tree); a larger one grows by further chunks. */
    size_t first = ALIGN8(len * 4 + 256);
    if (first > 256 * 1024)
        first = 256 * 1024;
    void *mem;
    Parser P = {
        .p = buf,
        .end = buf + len,
        .line = 1,
        .lines = flags & BRIG_JSON_LINES,
        .root = brig_json_block_new(first, &mem),
        .chunk_size = first < 16 * 1024 ? 16 * 1024 : first,
        .cap = ELEMENTSOF(P.small),
    };
    P.mem = mem;
    P.mem_end = (char *)mem + first;
    P.link = &block_link(P.root)->next;
    P.stack = P.small;

    skip_space(&P);
    int r = 0;
    if (P.p == P.end) {
        r = brig_error_set(err, EINVAL, "%s: empty file, expected a JSON document", name);
    } else if (!parse_value(&P, NULL, 0)) {
        r = -1;
    } else {
        skip_space(&P);
        if (P.p < P.end) {
            snprintf(P.why_buf, sizeof(P.why_buf), "%s after the end of the document",
                     found(&P, P.p));
            fail(&P, P.p, P.why_buf);
            r = -1;
        }
    }
    if (P.stack != P.small)
        free(P.stack);
    if (r == -1) {
        unsigned line, col;
        position_of(buf, (size_t)(P.err_at - buf), &line, &col);
        r = brig_error_set(err, EINVAL, "%s: line %u, column %u: %s", name, line, col, P.why);
    }
    if (r < 0) {
        /* every node is in the block: nothing else to free */
        block_free(P.root);
        return r;
    }
    *ret = P.root;
    return 0;
}

/* ---- serialization ---- */

/* brig writes the output itself rather than through yajl_gen: a config
 * goes out once per container start, and yajl's generator (a call and a
 * state check per token, escaping byte by byte, then a copy of its buffer)
 * was ~1.2M instructions of a 5.5M-instruction `brig create`
 * (docs/performance.md).  The bytes are yajl's exactly: "key": value with
 * a tab per level when pretty, a final newline when pretty, control
 * characters as \u00XX with upper-case hex, '/' and non-ASCII as they are;
 * bench/serialize_check.c compares it with yajl_gen (meson test). */
typedef struct {
    char *p;
    size_t len, cap;
    /* streaming: full buffers go to the sink, the buffer is reused */
    void (*sink)(void *ctx, const char *p, size_t n);
    void *ctx;
    bool borrowed; /* p is the caller's (stack) buffer, not the heap's */
} OutBuf;

static void out_reserve(OutBuf *b, size_t more)
{
    if (b->len + more + 1 <= b->cap)
        return;
    if (b->sink && b->len) {
        b->sink(b->ctx, b->p, b->len);
        b->len = 0;
        if (more + 1 <= b->cap)
            return;
    }
    while (b->len + more + 1 > b->cap)
        b->cap = b->cap ? b->cap * 2 : 256;
    if (b->borrowed) {
        char *p = xmalloc(b->cap);
        memcpy(p, b->p, b->len);
        b->p = p;
        b->borrowed = false;
    } else {
        b->p = xrealloc(b->p, b->cap);
    }
}

static void out_put(OutBuf *b, const char *s, size_t n)
{
    out_reserve(b, n);
    memcpy(b->p + b->len, s, n);
    b->len += n;
}

static void out_newline_indent(OutBuf *b, size_t depth)
{
    out_reserve(b, depth + 1);
    b->p[b->len++] = '\n';
    memset(b->p + b->len, '\t', depth);
    b->len += depth;
}

/* Most strings are short names with nothing to escape: room for the worst
 * case is reserved once and bytes are stored directly, with no call per
 * run of plain bytes (a third of a serialization was those calls). */
/* A string known to hold no byte that needs escaping: parsed without an
 * escape sequence (raw quotes, backslashes and control characters are not
 * JSON), or compiled in and checked by the build. */
static void out_plain_string(OutBuf *b, const char *s, size_t n)
{
    out_reserve(b, n + 2);
    char *o = b->p + b->len;
    *o++ = '"';
    memcpy(o, s, n);
    o[n] = '"';
    b->len += n + 2;
}

static void out_string(OutBuf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    out_reserve(b, n * 6 + 2);
    char *o = b->p + b->len;
    *o++ = '"';
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\') {
            *o++ = (char)c;
            continue;
        }
        *o++ = '\\';
        switch (c) {
        case '"':
        case '\\':
            *o++ = (char)c;
            break;
        case '\b':
            *o++ = 'b';
            break;
        case '\f':
            *o++ = 'f';
            break;
        case '\n':
            *o++ = 'n';
            break;
        case '\r':
            *o++ = 'r';
            break;
        case '\t':
            *o++ = 't';
            break;
        default:
            memcpy(o, "u00", 3);
            o[3] = hex[c >> 4];
            o[4] = hex[c & 15];
            o += 5;
        }
    }
    *o++ = '"';
    b->len = (size_t)(o - b->p);
}

static void gen(OutBuf *b, const BrigJson *j, bool pretty, size_t depth)
{
    switch (j->type) {
    case BRIG_JSON_NULL:
        out_put(b, "null", 4);
        break;
    case BRIG_JSON_BOOL:
        if (j->boolean)
            out_put(b, "true", 4);
        else
            out_put(b, "false", 5);
        break;
    case BRIG_JSON_NUMBER:
        out_put(b, j->text, strlen(j->text));
        break;
    case BRIG_JSON_STRING:
        if (j->text_plain)
            out_plain_string(b, j->text, j->len);
        else
            out_string(b, j->text, j->len);
        break;
    case BRIG_JSON_ARRAY:
    case BRIG_JSON_OBJECT: {
        bool obj = j->type == BRIG_JSON_OBJECT;
        /* empty containers stay compact, even when pretty */
        if (j->n == 0) {
            out_put(b, obj ? "{}" : "[]", 2);
            break;
        }
        _cleanup_free_ bool *shadowed = obj ? shadowed_members(j) : NULL;
        bool first = true;
        out_put(b, obj ? "{" : "[", 1);
        for (size_t i = 0; i < j->n; i++) {
            if (shadowed && shadowed[i])
                continue;
            if (!first)
                out_put(b, ",", 1);
            first = false;
            if (pretty)
                out_newline_indent(b, depth + 1);
            if (obj) {
                const BrigJson *m = j->kids[i];
                const char *k = m->key ? m->key : "";
                if (m->key_plain)
                    out_plain_string(b, k, strlen(k));
                else
                    out_string(b, k, strlen(k));
                out_put(b, ": ", pretty ? 2 : 1);
            }
            gen(b, j->kids[i], pretty, depth + 1);
        }
        if (pretty)
            out_newline_indent(b, depth);
        out_put(b, obj ? "}" : "]", 1);
        break;
    }
    }
}

char *brig_json_serialize(const BrigJson *j, unsigned flags, size_t *ret_len)
{
    return brig_json_serialize_sized(j, flags, 0, ret_len);
}

/* The document: the value, and a final newline when pretty. */
static void gen_document(OutBuf *b, const BrigJson *j, unsigned flags)
{
    bool pretty = flags & BRIG_JSON_PRETTY;
    gen(b, j, pretty, 0);
    if (pretty)
        out_put(b, "\n", 1);
}

void brig_json_serialize_to(const BrigJson *j, unsigned flags,
                            void (*sink)(void *ctx, const char *p, size_t n), void *ctx)
{
    char buf[4096];
    OutBuf b = {.p = buf, .cap = sizeof(buf), .sink = sink, .ctx = ctx, .borrowed = true};
    gen_document(&b, j, flags);
    if (b.len)
        sink(ctx, b.p, b.len);
    if (!b.borrowed)
        free(b.p);
}

char *brig_json_serialize_sized(const BrigJson *j, unsigned flags, size_t hint, size_t *ret_len)
{
    OutBuf b = {0};
    if (hint) {
        b.p = xmalloc(hint);
        b.cap = hint;
    }
    gen_document(&b, j, flags);
    out_reserve(&b, 0);
    b.p[b.len] = '\0';
    /* the report keeps one of these per change: no slack (glibc shrinks in
     * place) */
    if (b.cap - b.len > 64)
        b.p = xrealloc(b.p, b.len + 1);
    if (ret_len)
        *ret_len = b.len;
    return b.p;
}

/* ---- access ---- */

BrigJson *brig_json_get(const BrigJson *obj, const char *key)
{
    if (!obj || obj->type != BRIG_JSON_OBJECT || !key)
        return NULL;
    /* Go's encoding/json keeps the last of duplicate keys; so do we.  The
     * first byte is compared inline: this is the most called function in a
     * harden, and most members it passes differ there. */
    for (size_t i = obj->n; i > 0; i--) {
        const char *k = obj->kids[i - 1]->key;
        if (k && k[0] == key[0] && strcmp(k, key) == 0)
            return obj->kids[i - 1];
    }
    return NULL;
}

BrigJson *brig_json_get_path(const BrigJson *root, const char *path)
{
    const BrigJson *cur = root;
    while (cur && *path) {
        const char *slash = strchr(path, '/');
        size_t n = slash ? (size_t)(slash - path) : strlen(path);
        char key[256];
        if (n >= sizeof(key))
            return NULL;
        memcpy(key, path, n);
        key[n] = '\0';
        cur = brig_json_get(cur, key);
        path += n + (slash ? 1 : 0);
    }
    return (BrigJson *)cur;
}

void brig_json_set(BrigJson *obj, const char *key, BrigJson *val)
{
    set_key(val, key);
    bool replaced = false;
    for (size_t i = obj->n; i > 0; i--) {
        if (!streq(obj->kids[i - 1]->key, key))
            continue;
        if (!replaced) {
            brig_json_free(obj->kids[i - 1]);
            obj->kids[i - 1] = val;
            replaced = true;
        } else {
            /* drop shadowed duplicates so the value we set is the only one */
            brig_json_free(obj->kids[i - 1]);
            memmove(obj->kids + i - 1, obj->kids + i, (obj->n - i) * sizeof(*obj->kids));
            obj->n--;
        }
    }
    if (!replaced)
        add_kid(obj, obj->n, val);
}

static int keep_other_key(BrigJson *kid, size_t idx, void *ctx)
{
    (void)idx;
    return !streq(kid->key, ctx);
}

bool brig_json_remove(BrigJson *obj, const char *key)
{
    if (!obj || obj->type != BRIG_JSON_OBJECT)
        return false;
    /* every copy, in one pass: a document may repeat a key many times */
    return brig_json_filter(obj, keep_other_key, (void *)key) > 0;
}

void brig_json_append(BrigJson *arr, BrigJson *val)
{
    add_kid(arr, arr->n, val);
}

void brig_json_insert(BrigJson *arr, size_t idx, BrigJson *val)
{
    add_kid(arr, idx > arr->n ? arr->n : idx, val);
}

void brig_json_delete_at(BrigJson *arr, size_t idx)
{
    if (idx >= arr->n)
        return;
    brig_json_free(arr->kids[idx]);
    memmove(arr->kids + idx, arr->kids + idx + 1, (arr->n - idx - 1) * sizeof(*arr->kids));
    arr->n--;
}

long brig_json_filter(BrigJson *container, BrigJsonKeepFn keep, void *ctx)
{
    if (!container || (container->type != BRIG_JSON_ARRAY && container->type != BRIG_JSON_OBJECT))
        return 0;
    size_t n = container->n, w = 0, i = 0;
    int r = 0;
    for (; i < n; i++) {
        BrigJson *kid = container->kids[i];
        r = keep(kid, i, ctx);
        if (r < 0)
            break;
        if (r > 0)
            container->kids[w++] = kid;
        else
            brig_json_free(kid);
        r = 0;
    }
    long dropped = (long)(i - w);
    /* stopped early: the rest stays, moved down once (an empty container
     * has no kids array: no pointer arithmetic on NULL) */
    if (i < n)
        memmove(container->kids + w, container->kids + i, (n - i) * sizeof(*container->kids));
    container->n = w + (n - i);
    return r < 0 ? r : dropped;
}

int brig_json_keep_unmarked(BrigJson *kid, size_t idx, void *drop)
{
    (void)kid;
    return !((const bool *)drop)[idx];
}

const char *brig_json_str(const BrigJson *j)
{
    return j && j->type == BRIG_JSON_STRING ? j->text : NULL;
}

bool brig_json_is_true(const BrigJson *j)
{
    return j && j->type == BRIG_JSON_BOOL && j->boolean;
}

/* strtoull/strtoll skip blanks and take a sign; a JSON integer never has the
 * former and only "-" of the latter, and brig_json_new_number() text is not
 * validated, so insist on a digit (or "-" digit) up front. */
static bool integer_text(const char *t, bool allow_minus)
{
    if (allow_minus && *t == '-')
        t++;
    return *t >= '0' && *t <= '9';
}

int brig_json_to_uint64(const BrigJson *j, uint64_t *ret)
{
    if (!j || j->type != BRIG_JSON_NUMBER || !integer_text(j->text, false))
        return -EINVAL;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(j->text, &end, 10);
    if (errno || *end)
        return -EINVAL;
    *ret = v;
    return 0;
}

int brig_json_to_int64(const BrigJson *j, int64_t *ret)
{
    if (!j || j->type != BRIG_JSON_NUMBER || !integer_text(j->text, true))
        return -EINVAL;
    char *end;
    errno = 0;
    long long v = strtoll(j->text, &end, 10);
    if (errno || *end)
        return -EINVAL;
    *ret = v;
    return 0;
}

bool brig_json_array_has_string(const BrigJson *arr, const char *s)
{
    const BrigJson *e;
    if (!arr || arr->type != BRIG_JSON_ARRAY)
        return false;
    BRIG_JSON_FOREACH (e, arr)
        if (streq(brig_json_str(e), s))
            return true;
    return false;
}

char *brig_json_pointer_token(const char *key)
{
    size_t extra = 0;
    for (const char *p = key; *p; p++)
        extra += (*p == '~' || *p == '/');
    char *out = xmalloc(strlen(key) + extra + 1), *o = out;
    for (const char *p = key; *p; p++) {
        if (*p == '~' || *p == '/') {
            *o++ = '~';
            *o++ = *p == '~' ? '0' : '1';
        } else {
            *o++ = *p;
        }
    }
    *o = '\0';
    return out;
}
