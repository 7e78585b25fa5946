/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <inttypes.h>
#include <stdio.h>
#include <yajl/yajl_parse.h>

#include "json.h"

typedef struct {
    BrigJson *root;
    BrigJson *stack[BRIG_JSON_MAX_DEPTH + 1];
    size_t depth;
    char *key; /* the pending member name (a reused buffer) */
    size_t klen, kcap;
    unsigned line;
    char *why; /* set when a callback cancels the parse */
} ParseState;

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
    char buf[24];
    return brig_json_new_number((snprintf(buf, sizeof(buf), "%" PRIu64, v), buf));
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
    /* a block's root is its first node: freeing it frees the block */
    if (!j->in_block)
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

/* A parsed value, with the pending member name when its parent is an
 * object (yajl always reports the name first), attached to the parent. */
static BrigJson *add_parsed(ParseState *st, BrigJsonType t, const char *text, size_t tlen)
{
    BrigJson *parent = st->depth ? st->stack[st->depth - 1] : NULL;
    bool keyed = parent && parent->type == BRIG_JSON_OBJECT;
    BrigJson *v = node_alloc(t, keyed ? st->key : NULL, st->klen, text, tlen);
    v->line = st->line;
    if (parent)
        add_kid(parent, parent->n, v);
    else
        st->root = v;
    return v;
}

static int cb_null(void *ctx)
{
    add_parsed(ctx, BRIG_JSON_NULL, NULL, 0);
    return 1;
}

static int cb_bool(void *ctx, int b)
{
    add_parsed(ctx, BRIG_JSON_BOOL, NULL, 0)->boolean = b;
    return 1;
}

static int cb_number(void *ctx, const char *s, size_t l)
{
    add_parsed(ctx, BRIG_JSON_NUMBER, s, l);
    return 1;
}

static int cb_string(void *ctx, const unsigned char *s, size_t l)
{
    add_parsed(ctx, BRIG_JSON_STRING, (const char *)s, l);
    return 1;
}

static int open_container(ParseState *st, BrigJsonType t)
{
    if (st->depth >= BRIG_JSON_MAX_DEPTH) {
        st->why = xasprintf("nesting deeper than %d levels", BRIG_JSON_MAX_DEPTH);
        return 0;
    }
    st->stack[st->depth] = add_parsed(st, t, NULL, 0);
    st->depth++;
    return 1;
}

static int cb_start_map(void *ctx)
{
    return open_container(ctx, BRIG_JSON_OBJECT);
}

static int cb_map_key(void *ctx, const unsigned char *s, size_t l)
{
    ParseState *st = ctx;
    if (memchr(s, '\0', l)) {
        st->why = xstrdup("object key contains a NUL character");
        return 0;
    }
    if (l + 1 > st->kcap) {
        st->kcap = l + 1 > 64 ? l + 1 : 64;
        free(st->key);
        st->key = xmalloc(st->kcap);
    }
    memcpy(st->key, s, l);
    st->key[l] = '\0';
    st->klen = l;
    return 1;
}

static int cb_end(void *ctx)
{
    ParseState *st = ctx;
    st->depth--;
    return 1;
}

static int cb_start_array(void *ctx)
{
    return open_container(ctx, BRIG_JSON_ARRAY);
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

/* yajl's messages are multi-line with a caret diagram; keep the first line. */
static char *yajl_reason(yajl_handle h)
{
    unsigned char *m = yajl_get_error(h, 0, NULL, 0);
    char *s = xstrdup(m ? (const char *)m : "parse error");
    yajl_free_error(h, m);
    s[strcspn(s, "\n")] = '\0';
    const char *p = startswith(s, "parse error: ") ? s + strlen("parse error: ") : s;
    char *r = xstrdup(p);
    free(s);
    return r;
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

/* yajl turns an unpaired UTF-16 surrogate escape into "?" (high) or into
 * invalid UTF-8 (low): either way the value brig would hand on is not the one
 * the engine wrote, so such a document is refused instead.  Runs on text yajl
 * accepted, where a backslash can only occur inside a string. */
static size_t find_lone_surrogate(const char *buf, size_t len)
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
                    return (size_t)(p - buf);
                p += 11;
                continue;
            }
            if (cp >= 0xDC00 && cp <= 0xDFFF)
                return (size_t)(p - buf);
            p += 5;
            continue;
        }
        p++; /* skip the escaped character, so "\\\\u..." is not an escape */
    }
    return SIZE_MAX;
}

static bool only_whitespace(const char *buf, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!strchr(" \t\r\n", buf[i]) || buf[i] == '\0')
            return false;
    return true;
}

int brig_json_parse(const char *buf, size_t len, const char *name, unsigned flags, BrigJson **ret,
                    BrigError **err)
{
    if (len > BRIG_JSON_MAX_SIZE)
        return brig_error_set(err, EFBIG, "%s: %zu bytes is over the %u MiB limit", name, len,
                              BRIG_JSON_MAX_SIZE / (1024 * 1024));

    ParseState st = {.line = 1};
    yajl_handle h = yajl_alloc(&callbacks, NULL, &st);
    if (!h)
        abort();

    yajl_status s = yajl_status_ok;
    size_t off = 0;
    if (flags & BRIG_JSON_LINES) {
        /* Feeding one line at a time makes the line being parsed known inside
         * every callback; yajl's lexer carries partial tokens across calls. */
        while (off < len && s == yajl_status_ok) {
            const char *nl = memchr(buf + off, '\n', len - off);
            size_t chunk = nl ? (size_t)(nl - (buf + off)) + 1 : len - off;
            s = yajl_parse(h, (const unsigned char *)buf + off, chunk);
            if (s == yajl_status_ok) {
                off += chunk;
                st.line++;
            } else {
                off += yajl_get_bytes_consumed(h);
            }
        }
    } else {
        s = yajl_parse(h, (const unsigned char *)buf, len);
        off = s == yajl_status_ok ? len : yajl_get_bytes_consumed(h);
    }
    if (s == yajl_status_ok)
        s = yajl_complete_parse(h);

    int r = 0;
    if (s != yajl_status_ok) {
        /* yajl counts the rejected token as consumed, so the column is the
         * one just past it (for "[1 2]", 5). */
        unsigned line, col;
        position_of(buf, off > len ? len : off, &line, &col);
        _cleanup_free_ char *why = st.why ? TAKE_PTR(st.why) : yajl_reason(h);
        if (only_whitespace(buf, len))
            r = brig_error_set(err, EINVAL, "%s: empty file, expected a JSON document", name);
        else
            r = brig_error_set(err, EINVAL, "%s: line %u, column %u: %s", name, line, col, why);
    } else {
        size_t bad = find_lone_surrogate(buf, len);
        if (bad != SIZE_MAX) {
            unsigned line, col;
            position_of(buf, bad, &line, &col);
            r = brig_error_set(err, EINVAL,
                               "%s: line %u, column %u: unpaired UTF-16 surrogate \"%.6s\" in a "
                               "string",
                               name, line, col, buf + bad);
        }
    }
    free(st.why);
    if (r < 0) {
        brig_json_free(st.root);
        st.root = NULL;
    }
    free(st.key);
    yajl_free(h);
    if (r < 0)
        return r;
    *ret = st.root;
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
} OutBuf;

static void out_reserve(OutBuf *b, size_t more)
{
    if (b->len + more + 1 <= b->cap)
        return;
    while (b->len + more + 1 > b->cap)
        b->cap = b->cap ? b->cap * 2 : 256;
    b->p = xrealloc(b->p, b->cap);
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
                const char *k = j->kids[i]->key ? j->kids[i]->key : "";
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
    OutBuf b = {0};
    bool pretty = flags & BRIG_JSON_PRETTY;
    gen(&b, j, pretty, 0);
    if (pretty)
        out_put(&b, "\n", 1);
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

bool brig_json_remove(BrigJson *obj, const char *key)
{
    bool found = false;
    if (!obj || obj->type != BRIG_JSON_OBJECT)
        return false;
    for (size_t i = obj->n; i > 0; i--) {
        if (streq(obj->kids[i - 1]->key, key)) {
            brig_json_delete_at(obj, i - 1);
            found = true;
        }
    }
    return found;
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
