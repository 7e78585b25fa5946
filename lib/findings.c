/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Rule ids, severities and source positions for `brig check`. */
#include <ctype.h>

#include "findings.h"

const char *brig_severity_name(BrigSeverity s)
{
    switch (s) {
    case BRIG_SEVERITY_NOTE:
        return "note";
    case BRIG_SEVERITY_WARNING:
        return "warning";
    case BRIG_SEVERITY_ERROR:
        return "error";
    }
    return "?";
}

int brig_severity_from_name(const char *name)
{
    for (int s = BRIG_SEVERITY_NOTE; s <= BRIG_SEVERITY_ERROR; s++)
        if (name && streq(name, brig_severity_name((BrigSeverity)s)))
            return s;
    return -1;
}

BrigSeverity brig_change_severity(const BrigChange *c, BrigMode mode)
{
    switch (c->kind) {
    case BRIG_REFUSE:
        return BRIG_SEVERITY_ERROR;
    case BRIG_FIX:
        return mode == BRIG_MODE_REJECT ? BRIG_SEVERITY_ERROR : BRIG_SEVERITY_WARNING;
    case BRIG_NOTE:
        break;
    }
    return BRIG_SEVERITY_NOTE;
}

/* Objects whose member names the config chooses: a rule id names the map,
 * never one of its keys. */
static bool is_map(const char *name)
{
    static const char *const maps[] = {"annotations", "sysctl", "env", "unified", "argv"};
    for (size_t i = 0; i < ELEMENTSOF(maps); i++)
        if (streq(name, maps[i]))
            return true;
    return false;
}

static bool is_index(const char *tok)
{
    if (streq(tok, "-"))
        return true;
    if (!*tok)
        return false;
    for (const char *p = tok; *p; p++)
        if (!isdigit((unsigned char)*p))
            return false;
    return true;
}

/* Field names that mean little alone: the rule id names their parent too
 * ("resources/pids.limit", not "resources/limit"), unless the parent is
 * an array of like objects (mounts, devices), where the field says it. */
static bool is_generic(const char *name)
{
    static const char *const generic[] = {"limit", "max",    "reservation", "swap", "shares",
                                          "quota", "period", "weight",      "type", "path"};
    for (size_t i = 0; i < ELEMENTSOF(generic); i++)
        if (streq(name, generic[i]))
            return true;
    return false;
}

static bool is_list(const char *name)
{
    static const char *const lists[] = {"mounts", "devices", "namespaces", "hooks", "syscalls"};
    for (size_t i = 0; i < ELEMENTSOF(lists); i++)
        if (streq(name, lists[i]))
            return true;
    return false;
}

char *brig_change_rule_id(const BrigChange *c)
{
    _cleanup_free_ char *ptr = xstrdup(c->pointer ? c->pointer : "");
    const char *field = NULL, *parent = NULL;
    bool in_map = false;
    for (char *save = NULL, *tok = strtok_r(ptr, "/", &save); tok;
         tok = strtok_r(NULL, "/", &save)) {
        if (in_map || is_index(tok))
            continue;
        parent = field;
        field = tok;
        in_map = is_map(tok);
    }
    const char *pass = c->pass ? c->pass : "brig";
    /* "~1" and "~0" never occur in a spec field's name, only in map keys */
    if (field && parent && is_generic(field) && !is_list(parent))
        return xasprintf("%s/%s.%s", pass, parent, field);
    return xasprintf("%s/%s", pass, field ? field : "config");
}

/* ---- locate ---- */

typedef struct Scan {
    const char *p, *end;
} Scan;

static void skip_ws(Scan *s)
{
    while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
        s->p++;
}

/* Past a string starting at its opening quote. */
static void skip_string(Scan *s)
{
    for (s->p++; s->p < s->end; s->p++) {
        if (*s->p == '\\')
            s->p++;
        else if (*s->p == '"') {
            s->p++;
            return;
        }
    }
}

static void skip_value(Scan *s)
{
    skip_ws(s);
    if (s->p >= s->end)
        return;
    if (*s->p == '"') {
        skip_string(s);
        return;
    }
    if (*s->p != '{' && *s->p != '[') {
        while (s->p < s->end && !strchr(",]} \t\r\n", *s->p))
            s->p++;
        return;
    }
    size_t depth = 0;
    while (s->p < s->end) {
        char ch = *s->p;
        if (ch == '"') {
            skip_string(s);
            continue;
        }
        s->p++;
        if (ch == '{' || ch == '[')
            depth++;
        else if ((ch == '}' || ch == ']') && --depth == 0)
            return;
    }
}

static void put_utf8(char **o, unsigned cp)
{
    char *q = *o;
    if (cp < 0x80) {
        *q++ = (char)cp;
    } else if (cp < 0x800) {
        *q++ = (char)(0xc0 | cp >> 6);
        *q++ = (char)(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
        *q++ = (char)(0xe0 | cp >> 12);
        *q++ = (char)(0x80 | ((cp >> 6) & 0x3f));
        *q++ = (char)(0x80 | (cp & 0x3f));
    } else {
        *q++ = (char)(0xf0 | cp >> 18);
        *q++ = (char)(0x80 | ((cp >> 12) & 0x3f));
        *q++ = (char)(0x80 | ((cp >> 6) & 0x3f));
        *q++ = (char)(0x80 | (cp & 0x3f));
    }
    *o = q;
}

static unsigned hex4(const char *p, const char *end)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        if (p + i >= end || !isxdigit((unsigned char)p[i]))
            return 0xfffd;
        char c = (char)tolower((unsigned char)p[i]);
        v = v * 16 + (unsigned)(c <= '9' ? c - '0' : c - 'a' + 10);
    }
    return v;
}

/* Decodes the string at s->p (its opening quote) and moves past it.  The
 * result is at most as long as the source text, plus a NUL. */
static char *read_string(Scan *s)
{
    const char *start = s->p;
    skip_string(s);
    char *out = xmalloc((size_t)(s->p - start) + 4), *o = out;
    for (const char *p = start + 1; p < s->p - 1; p++) {
        if (*p != '\\') {
            *o++ = *p;
            continue;
        }
        p++;
        switch (*p) {
        case 'b':
            *o++ = '\b';
            break;
        case 'f':
            *o++ = '\f';
            break;
        case 'n':
            *o++ = '\n';
            break;
        case 'r':
            *o++ = '\r';
            break;
        case 't':
            *o++ = '\t';
            break;
        case 'u': {
            unsigned cp = hex4(p + 1, s->p);
            p += 4;
            if (cp >= 0xd800 && cp < 0xdc00 && p + 6 < s->p && p[1] == '\\' && p[2] == 'u') {
                unsigned lo = hex4(p + 3, s->p);
                if (lo >= 0xdc00 && lo < 0xe000) {
                    cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                    p += 6;
                }
            }
            put_utf8(&o, cp);
            break;
        }
        default:
            *o++ = *p;
        }
    }
    *o = '\0';
    return out;
}

/* The next reference token of pointer *pp, unescaped (~1 is /, ~0 is ~). */
static char *next_token(const char **pp)
{
    const char *p = *pp + 1, *e = strchr(p, '/');
    size_t n = e ? (size_t)(e - p) : strlen(p);
    char *tok = xmalloc(n + 1), *o = tok;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '~' && i + 1 < n && (p[i + 1] == '0' || p[i + 1] == '1')) {
            *o++ = p[i + 1] == '0' ? '~' : '/';
            i++;
        } else {
            *o++ = p[i];
        }
    }
    *o = '\0';
    *pp = p + n;
    return tok;
}

/* Moves s to the value of member `key` of the object at s->p (the last of
 * duplicates; an ASCII case-insensitive match when no exact one exists, as
 * runc's decoder would take it).  Returns whether it was found. */
static bool enter_member(Scan *s, const char *key)
{
    const char *exact = NULL, *folded = NULL;
    s->p++;
    for (;;) {
        skip_ws(s);
        if (s->p >= s->end || *s->p != '"')
            break;
        _cleanup_free_ char *name = read_string(s);
        skip_ws(s);
        if (s->p < s->end && *s->p == ':')
            s->p++;
        skip_ws(s);
        if (streq(name, key))
            exact = s->p;
        else if (strcasecmp(name, key) == 0)
            folded = s->p;
        skip_value(s);
        skip_ws(s);
        if (s->p < s->end && *s->p == ',')
            s->p++;
        else
            break;
    }
    const char *at = exact ? exact : folded;
    if (at)
        s->p = at;
    return at != NULL;
}

static bool enter_element(Scan *s, const char *tok)
{
    if (!is_index(tok) || streq(tok, "-"))
        return false;
    unsigned long want = strtoul(tok, NULL, 10);
    s->p++;
    for (unsigned long i = 0;; i++) {
        skip_ws(s);
        if (s->p >= s->end || *s->p == ']')
            return false;
        if (i == want)
            return true;
        skip_value(s);
        skip_ws(s);
        if (s->p < s->end && *s->p == ',')
            s->p++;
        else
            return false;
    }
}

void brig_json_locate(const char *buf, size_t len, const char *pointer, unsigned *ret_line,
                      unsigned *ret_col)
{
    Scan s = {.p = buf, .end = buf + len};
    skip_ws(&s);
    const char *at = s.p;
    for (const char *ptr = pointer ? pointer : ""; *ptr == '/';) {
        _cleanup_free_ char *tok = next_token(&ptr);
        Scan t = {.p = at, .end = s.end};
        bool found = false;
        if (t.p < t.end && *t.p == '{')
            found = enter_member(&t, tok);
        else if (t.p < t.end && *t.p == '[')
            found = enter_element(&t, tok);
        if (!found)
            break;
        at = t.p;
    }
    unsigned line = 1, col = 1;
    for (const char *p = buf; p < at; p++) {
        if (*p == '\n') {
            line++;
            col = 1;
        } else if (((unsigned char)*p & 0xc0) != 0x80) {
            col++; /* columns count characters, not UTF-8 continuation bytes */
        }
    }
    *ret_line = line;
    *ret_col = col;
}
