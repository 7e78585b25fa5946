/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The spec pass runs first and reads every key of the document as the
 * runtimes will, against the spec table (spec/table.c), so that no later
 * pass can be fooled by a key it does not look for:
 *
 *   - a key the table does not know, inside process, root, linux, a mount,
 *     a device, a hook or seccomp, is refused: a runtime may act on it and
 *     brig cannot say what it does (the policy grant specFields lets one
 *     through, by JSON pointer).  A top-level key the table lacks is an
 *     extension and is kept (DESIGN §3);
 *   - runc decodes with Go's encoding/json, which fills a field from any key
 *     equal to its name under case folding ("Limit", "PROCESS", "proceſs"
 *     with U+017F) and keeps the last copy; crun reads the exact key and
 *     keeps the first.  So a key that folds onto a field without being
 *     spelled like it, and a second copy of a field (or of a map key), are
 *     refused, wherever they are: they mean different things to the two
 *     runtimes and would reach one of them unjudged.  No grant allows them;
 *   - a row the table marks "refused unless granted" is refused unless
 *     specFields names it.
 *
 * Everything is recorded as a refusal, so one run lists every violation,
 * audit mode logs them and runs the container, and no later pass needs its
 * own alias check.  Cost: one look at each key against its row's children
 * (a fixed set), and a hash for maps, so linear in the document. */
#include "passes.h"
#include "../spec/table.h"

/* Go folds ASCII case and the four non-ASCII letters whose upper(lower())
 * is ASCII: U+017F (long s), U+212A (Kelvin sign), U+0130 and U+0131 (dotted
 * and dotless i; Go 1.21 and later).  Returns the folded letter, or -1 for
 * any other non-ASCII byte, which can fold onto no field name. */
static int go_fold_rune(const unsigned char **p)
{
    const unsigned char *s = *p;
    if (s[0] < 0x80) {
        *p += 1;
        return s[0] >= 'a' && s[0] <= 'z' ? s[0] - 'a' + 'A' : s[0];
    }
    if (s[0] == 0xc5 && s[1] == 0xbf) {
        *p += 2;
        return 'S';
    }
    if (s[0] == 0xc4 && (s[1] == 0xb0 || s[1] == 0xb1)) {
        *p += 2;
        return 'I';
    }
    if (s[0] == 0xe2 && s[1] == 0x84 && s[2] == 0xaa) {
        *p += 3;
        return 'K';
    }
    *p += 1;
    return -1;
}

bool spec_go_fold_equal(const char *a, const char *b)
{
    const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;
    while (*x && *y) {
        int cx = go_fold_rune(&x), cy = go_fold_rune(&y);
        if (cx < 0 || cx != cy)
            return false;
    }
    return !*x && !*y;
}

/* A JSON pointer built as the walk goes down and cut back as it returns. */
typedef struct {
    char *s;
    size_t len, cap;
} Ptr;

static size_t ptr_push(Ptr *p, const char *tok)
{
    size_t old = p->len;
    /* most keys need no escaping (RFC 6901: "~" and "/"): no allocation */
    _cleanup_free_ char *esc = strpbrk(tok, "~/") ? brig_json_pointer_token(tok) : NULL;
    const char *t = esc ? esc : tok;
    size_t n = strlen(t);
    if (p->len + n + 2 > p->cap) {
        p->cap = (p->len + n + 2) * 2;
        p->s = xrealloc(p->s, p->cap);
    }
    p->s[p->len++] = '/';
    memcpy(p->s + p->len, t, n + 1);
    p->len += n;
    return old;
}

static void ptr_pop(Ptr *p, size_t old)
{
    p->len = old;
    p->s[old] = '\0';
}

typedef struct {
    const BrigPolicy *policy;
    BrigReport *rep;
    /* where the walk is, as a pointer into a config: an exec process file
     * is walked as "/process", and its messages skip that prefix */
    Ptr ptr;
    Ptr pat; /* the same with "*" for indexes and map keys, as grants spell it */
    size_t skip;
} Walk;

static const char *here(const Walk *w)
{
    return w->ptr.s + w->skip;
}

/* Whether a grant pattern names this pointer: token by token, "*" matching any one. */
static bool pattern_match(const char *pat, const char *ptr)
{
    while (*pat && *ptr) {
        if (*pat != '/' || *ptr != '/')
            return false;
        pat++, ptr++;
        const char *pe = strchrnul(pat, '/'), *qe = strchrnul(ptr, '/');
        if (!(pe - pat == 1 && *pat == '*') &&
            (pe - pat != qe - ptr || memcmp(pat, ptr, (size_t)(pe - pat)) != 0))
            return false;
        pat = pe, ptr = qe;
    }
    return !*pat && !*ptr;
}

static bool granted(const Walk *w)
{
    for (char **g = w->policy->spec_fields; g && *g; g++)
        if (pattern_match(*g, w->ptr.s))
            return true;
    return false;
}

static void refuse_unknown(Walk *w, const BrigJson *v)
{
    brig_report_refuse(w->rep, here(w), v,
                       "brig's table of runtime-spec fields has no \"%s\" here, and a runtime may "
                       "act on it; the policy grant \"" BRIG_SPEC_GRANT_FIELDS
                       "\": [\"%s\"] allows it",
                       v->key, w->pat.s);
}

static void refuse_grant(Walk *w, const BrigJson *v, const BrigSpecField *f)
{
    brig_report_refuse(w->rep, here(w), v,
                       "refused unless the policy grants it (%s); the policy grant "
                       "\"" BRIG_SPEC_GRANT_FIELDS "\": [\"%s\"] allows it",
                       f->why, w->pat.s);
}

/* Map keys are free, but a second copy of one means different things to
 * runc (the last) and crun (the first).  Large maps (annotations) go
 * through a hash of the keys. */
static uint64_t fnv1a(const char *s)
{
    uint64_t h = UINT64_C(14695981039346656037);
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * UINT64_C(1099511628211);
    return h;
}

static void check_map_unique(Walk *w, const BrigJson *obj)
{
    if (obj->n < 2)
        return;
    size_t cap = 16;
    while (cap < obj->n * 2)
        cap *= 2;
    _cleanup_free_ const BrigJson **slots = xcalloc(cap, sizeof(*slots));
    const BrigJson *m;
    BRIG_JSON_FOREACH (m, obj) {
        const char *key = m->key ? m->key : "";
        size_t h = (size_t)fnv1a(key) & (cap - 1);
        bool dup = false;
        for (; slots[h]; h = (h + 1) & (cap - 1))
            if (streq(slots[h]->key ? slots[h]->key : "", key)) {
                dup = true;
                break;
            }
        if (!dup) {
            slots[h] = m;
            continue;
        }
        size_t old = ptr_push(&w->ptr, key);
        brig_report_refuse(w->rep, here(w), NULL,
                           "a second copy of this key: runc reads the last copy and crun the "
                           "first, so the container would mean different things to them");
        ptr_pop(&w->ptr, old);
    }
}

static void walk_value(Walk *w, size_t row, const BrigJson *v);

/* The rows of an object's keys, where the walk is: top level, process
 * object, mount, device, ...  Found once per row and kept: a seccomp
 * profile has hundreds of syscall objects, all with the same rows. */
#define MAX_KIDS 64

typedef struct {
    bool done;
    unsigned char n;
    unsigned short kids[MAX_KIDS];
    const char *keys[MAX_KIDS];
    size_t lens[MAX_KIDS];
} Kids;

/* Where each row's subtree ends, for all rows in one pass over the table
 * (pre-order, each row a child of the nearest row above it that is a
 * prefix: test_spec.c checks it).  Finding children with string tests
 * row by row scanned the whole table for the top level, most of it again
 * for linux, and so on: ~70 k instructions in every `brig create`. */
static const unsigned short *subtree_ends(void)
{
    static unsigned short *end; /* lives as long as brig */
    if (end)
        return end;
    size_t n = brig_spec_n_fields;
    end = xcalloc(n, sizeof(*end));
    _cleanup_free_ unsigned short *stack = xcalloc(n, sizeof(*stack));
    size_t depth = 0;
    for (size_t k = 0; k < n; k++) {
        const char *p = brig_spec_fields[k].path;
        while (depth) {
            const char *base = brig_spec_fields[stack[depth - 1]].path;
            size_t bl = strlen(base);
            if (strncmp(p, base, bl) == 0 && p[bl] == '/')
                break;
            end[stack[--depth]] = (unsigned short)k;
        }
        stack[depth++] = (unsigned short)k;
    }
    while (depth)
        end[stack[--depth]] = (unsigned short)n;
    return end;
}

static const Kids *kids_of(size_t row)
{
    static Kids *cache;
    if (!cache)
        cache = xcalloc(brig_spec_n_fields, sizeof(*cache)); /* lives as long as brig */
    Kids *c = &cache[row];
    if (c->done)
        return c;
    /* the children are the rows right below, each followed by its subtree */
    const unsigned short *end = subtree_ends();
    for (size_t k = row + 1; k < end[row]; k = end[k]) {
        if (c->n == MAX_KIDS)
            abort(); /* the table's shape is checked by its unit test */
        c->kids[c->n] = (unsigned short)k;
        c->keys[c->n] = brig_spec_key(&brig_spec_fields[k]);
        c->lens[c->n] = strlen(c->keys[c->n]);
        c->n++;
    }
    c->done = true;
    return c;
}

static void walk_object(Walk *w, size_t row, const BrigJson *obj)
{
    const Kids *kc = kids_of(row);
    size_t n = kc->n;
    unsigned copies[MAX_KIDS] = {0};
    bool extensible = brig_spec_fields[row].shape == BRIG_SPEC_EXTENSIBLE;
    const BrigJson *m;
    BRIG_JSON_FOREACH (m, obj) {
        const char *key = m->key ? m->key : "";
        size_t exact = n, folded = n, klen = strlen(key);
        for (size_t c = 0; c < n && exact == n; c++)
            if (klen == kc->lens[c] && memcmp(key, kc->keys[c], klen) == 0)
                exact = c;
        for (size_t c = 0; c < n && exact == n && folded == n; c++)
            if (spec_go_fold_equal(key, kc->keys[c]))
                folded = c;
        size_t old = ptr_push(&w->ptr, key), pold = ptr_push(&w->pat, key);
        if (exact < n) {
            const BrigSpecField *f = &brig_spec_fields[kc->kids[exact]];
            if (++copies[exact] == 2)
                brig_report_refuse(w->rep, here(w), NULL,
                                   "a second copy of this key: runc reads the last copy and crun "
                                   "the first, so the container would mean different things to "
                                   "them");
            if (f->decision == BRIG_SPEC_GRANT && f->shape != BRIG_SPEC_MAP && !granted(w))
                refuse_grant(w, m, f);
            else
                walk_value(w, kc->kids[exact], m);
        } else if (folded < n) {
            const BrigSpecField *f = &brig_spec_fields[kc->kids[folded]];
            copies[folded]++;
            brig_report_refuse(w->rep, here(w), NULL,
                               "runc reads this key as \"%s\" (Go matches field names regardless "
                               "of case) but crun reads only \"%s\"; refusing a config that means "
                               "different things to different runtimes",
                               brig_spec_key(f), brig_spec_key(f));
        } else if (!extensible && !granted(w)) {
            refuse_unknown(w, m);
        }
        ptr_pop(&w->pat, pold);
        ptr_pop(&w->ptr, old);
    }
}

static void walk_value(Walk *w, size_t row, const BrigJson *v)
{
    const BrigSpecField *f = &brig_spec_fields[row];
    const BrigJson *m;
    switch (f->shape) {
    case BRIG_SPEC_VALUE:
        return;
    case BRIG_SPEC_OBJECT:
    case BRIG_SPEC_EXTENSIBLE:
        if (v->type == BRIG_JSON_OBJECT)
            walk_object(w, row, v);
        return;
    case BRIG_SPEC_OBJECTS:
        if (v->type != BRIG_JSON_ARRAY)
            return;
        for (size_t i = 0; i < v->n; i++) {
            if (v->kids[i]->type != BRIG_JSON_OBJECT)
                continue;
            PassPtr idx;
            size_t old = ptr_push(&w->ptr, pass_ptr_index(&idx, "", i) + 1),
                   pold = ptr_push(&w->pat, "*");
            walk_object(w, row, v->kids[i]);
            ptr_pop(&w->pat, pold);
            ptr_pop(&w->ptr, old);
        }
        return;
    case BRIG_SPEC_MAP:
    case BRIG_SPEC_MAP_OBJECTS:
        if (v->type != BRIG_JSON_OBJECT)
            return;
        check_map_unique(w, v);
        BRIG_JSON_FOREACH (m, v) {
            size_t old = ptr_push(&w->ptr, m->key ? m->key : ""), pold = ptr_push(&w->pat, "*");
            /* a map the table refuses unless granted is judged key by key:
             * "/linux/resources/unified/memory.high" may be granted alone */
            if (f->decision == BRIG_SPEC_GRANT && !granted(w))
                refuse_grant(w, m, f);
            else if (f->shape == BRIG_SPEC_MAP_OBJECTS && m->type == BRIG_JSON_OBJECT)
                walk_object(w, row, m);
            ptr_pop(&w->pat, pold);
            ptr_pop(&w->ptr, old);
        }
        return;
    }
}

static void ptr_init(Ptr *p, const char *s)
{
    p->len = strlen(s);
    p->cap = p->len + 256;
    p->s = xmalloc(p->cap);
    memcpy(p->s, s, p->len + 1);
}

static int walk(const BrigCtx *ctx, const BrigJson *doc, const char *row_path, BrigReport *rep)
{
    const BrigSpecField *f = brig_spec_find(row_path);
    if (!f)
        abort();
    Walk w = {.policy = ctx->policy, .rep = rep, .skip = strlen(row_path)};
    ptr_init(&w.ptr, row_path);
    ptr_init(&w.pat, row_path);
    walk_value(&w, (size_t)(f - brig_spec_fields), doc);
    free(w.ptr.s);
    free(w.pat.s);
    return 0;
}

int pass_spec(const BrigCtx *ctx, BrigJson *spec, BrigReport *rep, BrigError **err)
{
    return walk(ctx, spec, "", rep);
}

int process_spec(const BrigCtx *ctx, BrigJson *proc, const char *ptr, BrigReport *rep,
                 BrigError **err)
{
    /* an exec process file is a process object at the top (ptr ""); inside
     * a config the config's walk has seen it already */
    if (*ptr)
        return 0;
    return walk(ctx, proc, "/process", rep);
}
