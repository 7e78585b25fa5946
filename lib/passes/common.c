/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "passes.h"

/* runc decodes config.json with Go's encoding/json, which matches a struct
 * field to the last key equal to its name under case folding ("Process",
 * "PROCESS", and "proceſs" with U+017F all fill "process"); crun, and brig,
 * read the exact key.  A config holding such an alias means different things
 * to the two runtimes, and the alias would reach runc unhardened, so it is
 * refused.  Folding as Go does it: ASCII case, plus the four non-ASCII
 * letters whose upper(lower()) is ASCII: U+017F, U+212A, U+0130, U+0131. */
static int go_fold_rune(const unsigned char **p)
{
    const unsigned char *s = *p;
    if (s[0] < 0x80) {
        *p += 1;
        return s[0] >= 'a' && s[0] <= 'z' ? s[0] - 'a' + 'A' : s[0];
    }
    if (s[0] == 0xc5 && s[1] == 0xbf) { /* U+017F LATIN SMALL LETTER LONG S */
        *p += 2;
        return 'S';
    }
    if (s[0] == 0xc4 && (s[1] == 0xb0 || s[1] == 0xb1)) { /* U+0130, U+0131 */
        *p += 2;
        return 'I';
    }
    if (s[0] == 0xe2 && s[1] == 0x84 && s[2] == 0xaa) { /* U+212A KELVIN SIGN */
        *p += 3;
        return 'K';
    }
    *p += 1;
    return -1; /* any other non-ASCII byte cannot fold to an OCI field name */
}

static bool go_fold_equal(const char *a, const char *b)
{
    const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;
    while (*x && *y) {
        int cx = go_fold_rune(&x), cy = go_fold_rune(&y);
        if (cx < 0 || cx != cy)
            return false;
    }
    return !*x && !*y;
}

static int check_aliases(const BrigJson *obj, const char *key, const char *ptr, BrigError **err)
{
    const BrigJson *m;
    if (!obj || obj->type != BRIG_JSON_OBJECT)
        return 0;
    /* The same goes for an exact duplicate: runc reads the last copy, crun
     * the first.  Serialization keeps only the last (json.c), but reject and
     * audit modes write nothing, so a field brig checks must be unique. */
    size_t copies = 0;
    BRIG_JSON_FOREACH (m, obj)
        copies += streq(m->key, key);
    if (copies > 1) {
        _cleanup_free_ char *tok = brig_json_pointer_token(key);
        return brig_error_set(err, EINVAL,
                              "%s/%s: the key appears %zu times; runc reads the last copy and crun "
                              "the first, refusing a config that means different things to "
                              "different runtimes",
                              ptr, tok, copies);
    }
    BRIG_JSON_FOREACH (m, obj) {
        if (!m->key || streq(m->key, key) || !go_fold_equal(m->key, key))
            continue;
        _cleanup_free_ char *tok = brig_json_pointer_token(m->key);
        return brig_error_set(err, EINVAL,
                              "%s/%s: runc reads this key as \"%s\" (Go matches field names "
                              "regardless of case) but crun and brig ignore it; refusing a config "
                              "that means different things to different runtimes",
                              ptr, tok, key);
    }
    return 0;
}

int pass_check_type(const BrigJson *obj, const char *key, BrigJsonType type, const char *ptr,
                    BrigError **err)
{
    int r = check_aliases(obj, key, ptr, err);
    if (r < 0)
        return r;
    const BrigJson *v = brig_json_get(obj, key);
    if (v && v->type != type)
        return brig_error_set(err, EINVAL, "%s/%s: expected %s %s, found %s", ptr, key,
                              type == BRIG_JSON_ARRAY || type == BRIG_JSON_OBJECT ? "an" : "a",
                              brig_json_type_name(type), brig_json_type_name(v->type));
    return 0;
}

BrigJson *pass_ensure(BrigJson *obj, const char *key, BrigJsonType type, const char *ptr,
                      BrigError **err)
{
    if (pass_check_type(obj, key, type, ptr, err) < 0)
        return NULL;
    BrigJson *v = brig_json_get(obj, key);
    if (!v) {
        v = brig_json_new(type);
        brig_json_set(obj, key, v);
    }
    return v;
}

char *pass_describe(const BrigJson *v)
{
    switch (v->type) {
    case BRIG_JSON_STRING:
        if (v->len > 40)
            return xasprintf("a string of %zu bytes", v->len);
        return xasprintf("string \"%s\"", v->text);
    case BRIG_JSON_NUMBER:
        return xasprintf("number %s", v->text);
    case BRIG_JSON_BOOL:
        return xstrdup(v->boolean ? "true" : "false");
    default:
        return xstrdup(brig_json_type_name(v->type));
    }
}

char *pass_normalize_path(const char *path)
{
    char *out = xmalloc(strlen(path) + 2);
    size_t o = 0;
    for (const char *p = path; *p;) {
        while (*p == '/')
            p++;
        const char *e = strchrnul(p, '/');
        size_t n = (size_t)(e - p);
        if (n == 2 && p[0] == '.' && p[1] == '.') {
            while (o > 0 && out[--o] != '/')
                ;
        } else if (n > 0 && !(n == 1 && p[0] == '.')) {
            out[o++] = '/';
            memcpy(out + o, p, n);
            o += n;
        }
        p = e;
    }
    if (o == 0)
        out[o++] = '/';
    out[o] = '\0';
    return out;
}

static const char *ptr_join(PassPtr *buf, const char *base, const char *tok, size_t tlen)
{
    size_t bl = strlen(base);
    if (bl + 1 + tlen + 1 > sizeof(buf->s))
        abort(); /* bases and tokens are brig's own, all short */
    memcpy(buf->s, base, bl);
    buf->s[bl] = '/';
    memcpy(buf->s + bl + 1, tok, tlen);
    buf->s[bl + 1 + tlen] = '\0';
    return buf->s;
}

const char *pass_ptr(PassPtr *buf, const char *base, const char *key)
{
    return ptr_join(buf, base, key, strlen(key));
}

const char *pass_ptr_index(PassPtr *buf, const char *base, size_t index)
{
    char digits[24], *d = digits + sizeof(digits);
    do
        *--d = (char)('0' + index % 10);
    while ((index /= 10) > 0);
    return ptr_join(buf, base, d, (size_t)(digits + sizeof(digits) - d));
}
