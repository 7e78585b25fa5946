/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The reference for brig's JSON parser: the yajl-callback parser of
 * lib/json.c as of c9243b0 (parse callbacks, NUL-in-key refusal, the depth
 * limit, the lone-surrogate refusal, yajl_complete_parse), rebuilt on
 * json.h's public constructors so it shares no parsing code with the
 * parser under test.  yajl runs with its defaults, as brig's did: no
 * comments, UTF-8 checked (loosely), no trailing garbage, one value. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <yajl/yajl_parse.h>

#include "json_yajl_ref.h"
#include "util.h"

typedef struct {
    BrigJson *root;
    BrigJson *stack[BRIG_JSON_MAX_DEPTH + 1];
    size_t depth;
    char *key; /* the pending member name */
    unsigned line;
} RefState;

/* A parsed value, named with the pending member name when its parent is
 * an object (yajl always reports the name first), attached to the parent.
 * brig_json_set() would replace an earlier member of the same name, so the
 * member is appended and named by hand: duplicates stay, in order. */
static BrigJson *add_parsed(RefState *st, BrigJson *v)
{
    BrigJson *parent = st->depth ? st->stack[st->depth - 1] : NULL;
    v->line = st->line;
    if (!parent) {
        st->root = v;
        return v;
    }
    brig_json_append(parent, v);
    if (parent->type == BRIG_JSON_OBJECT) {
        /* nodes from brig_json_new*() own their key (key_inline is false):
         * brig_json_free() frees it */
        v->key = xstrdup(st->key);
    }
    return v;
}

static int cb_null(void *ctx)
{
    add_parsed(ctx, brig_json_new(BRIG_JSON_NULL));
    return 1;
}

static int cb_bool(void *ctx, int b)
{
    add_parsed(ctx, brig_json_new_bool(b));
    return 1;
}

static int cb_number(void *ctx, const char *s, size_t l)
{
    _cleanup_free_ char *text = xstrndup(s, l);
    add_parsed(ctx, brig_json_new_number(text));
    return 1;
}

static int cb_string(void *ctx, const unsigned char *s, size_t l)
{
    add_parsed(ctx, brig_json_new_string_len((const char *)s, l));
    return 1;
}

static int open_container(RefState *st, BrigJsonType t)
{
    if (st->depth >= BRIG_JSON_MAX_DEPTH)
        return 0; /* nesting deeper than BRIG_JSON_MAX_DEPTH levels */
    st->stack[st->depth] = add_parsed(st, brig_json_new(t));
    st->depth++;
    return 1;
}

static int cb_start_map(void *ctx)
{
    return open_container(ctx, BRIG_JSON_OBJECT);
}

static int cb_start_array(void *ctx)
{
    return open_container(ctx, BRIG_JSON_ARRAY);
}

static int cb_map_key(void *ctx, const unsigned char *s, size_t l)
{
    RefState *st = ctx;
    /* a key is a C string in the tree: "a\u0000b" cannot be one */
    if (memchr(s, '\0', l))
        return 0;
    free(st->key);
    st->key = xstrndup((const char *)s, l);
    return 1;
}

static int cb_end(void *ctx)
{
    RefState *st = ctx;
    st->depth--;
    return 1;
}

static const yajl_callbacks callbacks = {
    .yajl_null = cb_null,
    .yajl_boolean = cb_bool,
    .yajl_number = cb_number,
    .yajl_string = cb_string,
    .yajl_start_map = cb_start_map,
    .yajl_map_key = cb_map_key,
    .yajl_end_map = cb_end,
    .yajl_start_array = cb_start_array,
    .yajl_end_array = cb_end,
};

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

/* yajl turns an unpaired UTF-16 surrogate escape into "?" (high) or into
 * invalid UTF-8 (low), and a high one followed by any \u escape into a
 * made-up code point; the old parser refused all of these.  Runs on text
 * yajl accepted, where a backslash can only occur inside a string. */
static bool has_lone_surrogate(const char *buf, size_t len)
{
    const char *end = buf + len;
    for (const char *p = buf; p < end; p++) {
        if (*p != '\\')
            continue;
        if (p + 1 < end && p[1] == 'u') {
            int cp = hex4(p + 2, end);
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                int lo = end - (p + 6) >= 6 && p[6] == '\\' && p[7] == 'u' ? hex4(p + 8, end) : -1;
                if (lo < 0xDC00 || lo > 0xDFFF)
                    return true;
                p += 11;
                continue;
            }
            if (cp >= 0xDC00 && cp <= 0xDFFF)
                return true;
            p += 5;
            continue;
        }
        p++; /* skip the escaped character, so "\\\\u..." is not an escape */
    }
    return false;
}

int ref_json_parse_yajl_flags(const char *buf, size_t len, unsigned flags, BrigJson **ret)
{
    if (len > BRIG_JSON_MAX_SIZE)
        return -1;

    RefState st = {.line = 1};
    yajl_handle h = yajl_alloc(&callbacks, NULL, &st);
    if (!h)
        abort();

    yajl_status s = yajl_status_ok;
    if (flags & BRIG_JSON_LINES) {
        /* a line at a time, so that the line being parsed is known in every
         * callback; yajl's lexer carries partial tokens across calls (and a
         * value yajl_complete_parse() finishes gets the line after the
         * last, as it did) */
        size_t off = 0;
        while (off < len && s == yajl_status_ok) {
            const char *nl = memchr(buf + off, '\n', len - off);
            size_t chunk = nl ? (size_t)(nl - (buf + off)) + 1 : len - off;
            s = yajl_parse(h, (const unsigned char *)buf + off, chunk);
            off += chunk;
            st.line++;
        }
    } else {
        s = yajl_parse(h, (const unsigned char *)buf, len);
    }
    if (s == yajl_status_ok)
        s = yajl_complete_parse(h);
    int r = s == yajl_status_ok && !has_lone_surrogate(buf, len) ? 0 : -1;
    yajl_free(h);
    free(st.key);
    if (r < 0) {
        brig_json_free(st.root);
        return -1;
    }
    *ret = st.root;
    return 0;
}

int ref_json_parse_yajl(const char *buf, size_t len, BrigJson **ret)
{
    return ref_json_parse_yajl_flags(buf, len, 0, ret);
}

/* ---- comparison ---- */

typedef struct {
    char *why;
    size_t whylen;
    bool lines;
    char path[512]; /* JSON pointer of the node being compared */
} SameState;

_printf_(2, 3) static bool differ(SameState *s, const char *fmt, ...)
{
    if (!s->whylen)
        return false;
    int n = snprintf(s->why, s->whylen, "at \"%s\": ", s->path);
    if (n >= 0 && (size_t)n < s->whylen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(s->why + n, s->whylen - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return false;
}

static bool same_node(SameState *s, const BrigJson *a, const BrigJson *b)
{
    if (!a || !b)
        return a == b || differ(s, "one tree is NULL");
    if (a->type != b->type)
        return differ(s, "type %s vs %s", brig_json_type_name(a->type),
                      brig_json_type_name(b->type));
    if ((a->key == NULL) != (b->key == NULL))
        return differ(s, "key %s vs %s", a->key ? "present" : "absent",
                      b->key ? "present" : "absent");
    if (a->key && !streq(a->key, b->key))
        return differ(s, "key \"%s\" vs \"%s\"", a->key, b->key);
    if (s->lines && a->line != b->line)
        return differ(s, "line %u vs %u", a->line, b->line);
    switch (a->type) {
    case BRIG_JSON_NULL:
        break;
    case BRIG_JSON_BOOL:
        if (a->boolean != b->boolean)
            return differ(s, "%s vs %s", a->boolean ? "true" : "false",
                          b->boolean ? "true" : "false");
        break;
    case BRIG_JSON_NUMBER:
        if (!a->text || !b->text)
            return differ(s, "number without text");
        if (!streq(a->text, b->text))
            return differ(s, "number %s vs %s", a->text, b->text);
        break;
    case BRIG_JSON_STRING:
        if (!a->text || !b->text)
            return differ(s, "string without text");
        if (a->len != b->len)
            return differ(s, "string of %zu vs %zu bytes", a->len, b->len);
        if (memcmp(a->text, b->text, a->len) != 0)
            return differ(s, "string bytes differ");
        /* readers take text as a C string too */
        if (b->text[b->len] != '\0' || a->text[a->len] != '\0')
            return differ(s, "string not NUL-terminated");
        break;
    case BRIG_JSON_ARRAY:
    case BRIG_JSON_OBJECT:
        break;
    }
    if (a->n != b->n)
        return differ(s, "%zu vs %zu children", a->n, b->n);
    size_t plen = strlen(s->path);
    for (size_t i = 0; i < a->n; i++) {
        if (a->type == BRIG_JSON_OBJECT && a->kids[i]->key) {
            _cleanup_free_ char *tok = brig_json_pointer_token(a->kids[i]->key);
            snprintf(s->path + plen, sizeof(s->path) - plen, "/%s", tok);
        } else {
            snprintf(s->path + plen, sizeof(s->path) - plen, "/%zu", i);
        }
        if (!same_node(s, a->kids[i], b->kids[i]))
            return false;
    }
    s->path[plen] = '\0';
    return true;
}

static bool same(const BrigJson *a, const BrigJson *b, bool lines, char *why, size_t whylen)
{
    SameState s = {.why = why, .whylen = whylen, .lines = lines};
    if (whylen)
        why[0] = '\0';
    return same_node(&s, a, b);
}

bool ref_json_same(const BrigJson *a, const BrigJson *b, char *why, size_t whylen)
{
    return same(a, b, false, why, whylen);
}

bool ref_json_same_lines(const BrigJson *a, const BrigJson *b, char *why, size_t whylen)
{
    return same(a, b, true, why, whylen);
}

/* ---- strict UTF-8 ---- */

bool ref_utf8_strict(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    while (p < end) {
        unsigned c = *p;
        if (c < 0x80) {
            p++;
            continue;
        }
        /* the second byte's range depends on the first (RFC 3629 / Unicode
         * table 3-7): that is what rules out overlong forms, surrogates and
         * code points above U+10FFFF */
        size_t n;
        unsigned lo = 0x80, hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF)
            n = 1;
        else if (c >= 0xE0 && c <= 0xEF) {
            n = 2;
            if (c == 0xE0)
                lo = 0xA0;
            else if (c == 0xED)
                hi = 0x9F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 3;
            if (c == 0xF0)
                lo = 0x90;
            else if (c == 0xF4)
                hi = 0x8F;
        } else
            return false;
        if ((size_t)(end - p) < n + 1)
            return false;
        if (p[1] < lo || p[1] > hi)
            return false;
        for (size_t i = 2; i <= n; i++)
            if (p[i] < 0x80 || p[i] > 0xBF)
                return false;
        p += n + 1;
    }
    return true;
}

bool ref_json_has_loose_utf8(const BrigJson *j)
{
    if (!j)
        return false;
    if (j->key && !ref_utf8_strict(j->key, strlen(j->key)))
        return true;
    if (j->type == BRIG_JSON_STRING && j->text && !ref_utf8_strict(j->text, j->len))
        return true;
    for (size_t i = 0; i < j->n; i++)
        if (ref_json_has_loose_utf8(j->kids[i]))
            return true;
    return false;
}

/* ---- the differential check ---- */

bool ref_yajl_open_string_tail(const char *buf, size_t len)
{
    /* with trailing garbage allowed, yajl stops right after the value */
    yajl_handle h = yajl_alloc(NULL, NULL, NULL);
    if (!h)
        abort();
    yajl_config(h, yajl_allow_trailing_garbage, 1);
    yajl_status s = yajl_parse(h, (const unsigned char *)buf, len);
    size_t off = yajl_get_bytes_consumed(h);
    yajl_free(h);
    if (s != yajl_status_ok)
        return false;
    /* yajl's whitespace, \v and \f included */
    while (off < len && strchr(" \t\n\v\f\r", buf[off]) && buf[off])
        off++;
    return off < len && buf[off] == '"';
}

const char *ref_diff_kind_name(RefDiffKind k)
{
    static const char *const names[] = {
        [REF_DIFF_SAME] = "same",
        [REF_DIFF_STRICTER_UTF8] = "brig refuses loose UTF-8",
        [REF_DIFF_STRICTER_TAIL] = "brig refuses an open string after the document",
        [REF_DIFF_LINES] = "line numbers differ",
        [REF_DIFF_TREE] = "trees differ",
        [REF_DIFF_BRIG_ACCEPTS] = "brig accepts, yajl rejects",
        [REF_DIFF_BRIG_REJECTS] = "brig rejects, yajl accepts",
        [REF_DIFF_BAD_ERROR] = "bad error report",
    };
    return k <= REF_DIFF_BAD_ERROR ? names[k] : "?";
}

static RefDiffKind say(char *why, size_t whylen, RefDiffKind k, const char *fmt, ...)
    _printf_(4, 5);
static RefDiffKind say(char *why, size_t whylen, RefDiffKind k, const char *fmt, ...)
{
    if (whylen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, whylen, fmt, ap);
        va_end(ap);
    }
    return k;
}

RefDiffKind ref_json_diff(const char *buf, size_t len, unsigned flags, char *why, size_t whylen)
{
    _cleanup_(brig_json_freep) BrigJson *ref = NULL, *got = NULL;
    _cleanup_(brig_error_freep) BrigError *err = NULL;
    int rr = ref_json_parse_yajl_flags(buf, len, flags, &ref);
    int br = brig_json_parse(buf, len, "diff", flags, &got, &err);
    char sub[400];

    if (whylen)
        why[0] = '\0';
    if (br > 0)
        return say(why, whylen, REF_DIFF_BAD_ERROR, "brig_json_parse returned %d", br);
    if (br < 0) {
        if (!err || !err->msg || !*err->msg)
            return say(why, whylen, REF_DIFF_BAD_ERROR, "brig failed without a message");
        if (got)
            return say(why, whylen, REF_DIFF_BAD_ERROR, "brig failed (%s) but returned a tree",
                       err->msg);
    } else {
        if (err)
            return say(why, whylen, REF_DIFF_BAD_ERROR, "brig succeeded with an error: %s",
                       err->msg ? err->msg : "?");
        if (!got)
            return say(why, whylen, REF_DIFF_BAD_ERROR, "brig succeeded without a tree");
    }

    if (rr < 0 && br < 0)
        return REF_DIFF_SAME;
    if (rr < 0)
        return say(why, whylen, REF_DIFF_BRIG_ACCEPTS, "yajl rejects, brig accepts");
    if (br < 0) {
        /* brig may be stricter than yajl about UTF-8, and only about that */
        if (ref_json_has_loose_utf8(ref) && strstr(err->msg, "UTF-8"))
            return say(why, whylen, REF_DIFF_STRICTER_UTF8, "%s", err->msg);
        /* nor is a string that never ends after the document */
        if (ref_yajl_open_string_tail(buf, len))
            return say(why, whylen, REF_DIFF_STRICTER_TAIL, "%s", err->msg);
        return say(why, whylen, REF_DIFF_BRIG_REJECTS, "yajl accepts, brig rejects: %s%s", err->msg,
                   ref_json_has_loose_utf8(ref) ? " (the input has loosely valid UTF-8, but "
                                                  "the message does not say \"UTF-8\")"
                                                : "");
    }
    if (!ref_json_same(ref, got, sub, sizeof(sub)))
        return say(why, whylen, REF_DIFF_TREE, "yajl vs brig: %s", sub);
    if (!ref_json_same_lines(ref, got, sub, sizeof(sub)))
        return say(why, whylen, REF_DIFF_LINES, "yajl vs brig: %s", sub);
    return REF_DIFF_SAME;
}

char *ref_c_escape(const char *buf, size_t len, size_t max)
{
    size_t n = len > max ? max : len;
    char *out = xmalloc(n * 6 + 8), *o = out;
    *o++ = '"';
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)buf[i];
        switch (c) {
        case '"':
        case '\\':
            *o++ = '\\';
            *o++ = (char)c;
            break;
        case '\n':
            o = stpcpy(o, "\\n");
            break;
        case '\t':
            o = stpcpy(o, "\\t");
            break;
        case '\r':
            o = stpcpy(o, "\\r");
            break;
        default:
            if (c >= 0x20 && c < 0x7f) {
                *o++ = (char)c;
            } else {
                o += sprintf(o, "\\x%02x", c);
                /* "\x80" "1": a hex escape would swallow a following hex digit */
                if (i + 1 < n && strchr("0123456789abcdefABCDEF", buf[i + 1]) && buf[i + 1])
                    o = stpcpy(o, "\"\"");
            }
        }
    }
    *o++ = '"';
    if (n < len)
        o = stpcpy(o, "...");
    *o = '\0';
    return out;
}
