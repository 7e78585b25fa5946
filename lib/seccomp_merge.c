/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Never looser than the engine: brig's resolved profile and the engine's
 * own, combined into one OCI object that denies whatever either denies
 * (docs/seccomp.md, "The engine's profile: never looser"); the case algebra is in
 * lib/seccomp_cases.c.
 *
 * Per syscall name, each profile gives either one unconditioned action (an
 * entry without args names it, or no entry does and the default applies)
 * or a list of rules with argument tests.  Two unconditioned actions
 * combine into the stricter (ALLOW < LOG < TRACE, NOTIFY < ERRNO, TRAP,
 * KILL; brig's where both are as strict).  An unconditioned ALLOW on one
 * side leaves the other side's rules as they are, copied.  Where both
 * sides test arguments, the result is written as ALLOW rules only, the
 * conjunctions of one side's allowed cases with the other's: libseccomp
 * checks rules of different actions in an order of its own (a test on
 * arg2 before one on arg0), so a deny rule next to an allow rule that
 * tests another argument can lose.  Allow rules alone are a plain union,
 * whatever the order.  Where two tests on one argument cannot be written
 * as one comparison, that case is dropped: the stricter side.
 *
 * The engine's rules are read the strict way: a call one of its deny rules
 * matches is denied, even where an allow rule matches too; an entry that
 * tests one argument twice (runc reads it as an OR, crun refuses it) is
 * refused.  Everything here is linear in the number of names, but for
 * syscalls both profiles test, whose products are capped. */
#include <inttypes.h>
#include <stdio.h>

#include "seccomp.h"
#include "seccomp_cases.h"

/* ---- actions ---- */

typedef struct {
    const char *name;
    const BrigJson *errno_ret; /* errnoRet / defaultErrnoRet node, may be NULL */
    int rank;
    uint64_t key; /* the action and its value, as one number to compare */
} Act;

static const char *const action_kinds[] = {
    "SCMP_ACT_ALLOW",  "SCMP_ACT_LOG",          "SCMP_ACT_TRACE",
    "SCMP_ACT_NOTIFY", "SCMP_ACT_ERRNO",        "SCMP_ACT_TRAP",
    "SCMP_ACT_KILL",   "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD",
};

static int action_kind(const char *name)
{
    for (size_t i = 0; name && i < ELEMENTSOF(action_kinds); i++)
        if (streq(name, action_kinds[i]))
            return (int)i;
    return -1;
}

static int action_rank(const char *name)
{
    static const int ranks[] = {0, 1, 2, 2, 3, 3, 3, 3, 3};
    int k = action_kind(name);
    return k < 0 ? -1 : ranks[k];
}

/* runc and crun return EPERM for an ERRNO without a value */
static uint64_t act_errno(const Act *a)
{
    uint64_t v = 1;
    if (a->errno_ret)
        brig_json_to_uint64(a->errno_ret, &v);
    return v;
}

/* -1 for an unknown action or a value that is not a number */
static int act_make(const char *name, const BrigJson *errno_ret, Act *ret)
{
    uint64_t v;
    int k = action_kind(name);
    *ret = (Act){name, errno_ret, action_rank(name), 0};
    if (k < 0 || (errno_ret && brig_json_to_uint64(errno_ret, &v) < 0))
        return -1;
    /* ERRNO and TRACE carry their value; the others ignore it */
    bool valued = streq(name, "SCMP_ACT_ERRNO") || streq(name, "SCMP_ACT_TRACE");
    ret->key = (uint64_t)k << 32 | (valued ? act_errno(ret) & 0xffffffffu : 0);
    return 0;
}

/* ptr names the object; idx, unless SIZE_MAX, the entry in it */
static int act_read(const BrigJson *obj, const char *akey, const char *ekey, const char *ptr,
                    size_t idx, Act *ret, BrigError **err)
{
    const char *name = brig_json_str(brig_json_get(obj, akey));
    if (act_make(name, brig_json_get(obj, ekey), ret) == 0)
        return 0;
    char at[32] = "";
    if (idx != SIZE_MAX)
        snprintf(at, sizeof(at), "/syscalls/%zu", idx);
    if (ret->rank < 0)
        return brig_error_set(err, EINVAL, "%s%s/%s: %s action \"%s\"", ptr, at, akey,
                              name ? "unknown" : "missing", name ? name : "");
    return brig_error_set(err, EINVAL, "%s%s/%s: expected an unsigned integer", ptr, at, ekey);
}

static bool act_eq(const Act *x, const Act *y)
{
    return x->key == y->key;
}

/* the stricter; brig's (x) where both are as strict */
static const Act *act_comb(const Act *x, const Act *y)
{
    return y->rank > x->rank ? y : x;
}

/* ---- one profile's view of one syscall ---- */

/* An entry of either profile, read once.  The tables below are small on
 * purpose: a fresh process pays ~1.7 us for every page it touches
 * (docs/performance.md), and a Docker profile names ~750 syscalls. */
typedef struct {
    const BrigJson *entry;
    Act act;
    bool cond; /* has argument tests */
} Ent;

/* one entry naming one syscall, in a list per syscall and profile */
typedef struct {
    uint32_t ent;
    int32_t next;
} Ref;

typedef struct {
    const char *name;
    int head[2], tail[2]; /* [0] brig's, [1] the engine's rules naming it */
    uint32_t hash;
    uint32_t len : 31, drop_from_brig : 1;
} Name;

typedef struct {
    Name *v;
    size_t n, cap;
    uint32_t *slots; /* index + 1 into v, 0 empty; half full at most */
    size_t mask;
    Ref *refs;
    size_t n_refs, cap_refs;
    Ent *ents;
    size_t n_ents, cap_ents;
    uint32_t *order; /* brig's names, as its entries list them: index into v */
    size_t n_order, cap_order;
} Names;

/* A word at a time: looking names up was a third of combining Docker's
 * profile with brig's, FNV's byte loop most of it. */
static uint32_t hash_mem(const char *s, size_t n)
{
    uint64_t h = UINT64_C(0x9e3779b97f4a7c15) ^ n, w;
    for (; n >= 8; s += 8, n -= 8) {
        memcpy(&w, s, 8);
        h = (h ^ w) * UINT64_C(0xff51afd7ed558ccd);
        h ^= h >> 32;
    }
    w = 0;
    memcpy(&w, s, n);
    h = (h ^ w) * UINT64_C(0xc4ceb9fe1a85ec53);
    return (uint32_t)(h ^ (h >> 29));
}

/* room for n names without growing (a growing table rehashes every key) */
static void names_reserve(Names *t, size_t n)
{
    size_t cap = 64;
    while (cap < 2 * n)
        cap *= 2;
    t->slots = xcalloc(cap, sizeof(*t->slots));
    t->mask = cap - 1;
    t->v = xmalloc((n ? n : 1) * sizeof(*t->v));
    t->cap = n ? n : 1;
    t->refs = xmalloc((n ? n : 1) * sizeof(*t->refs));
    t->cap_refs = n ? n : 1;
}

static size_t count_names(const BrigJson *prof)
{
    const BrigJson *e, *names;
    size_t n = 0;
    BRIG_JSON_FOREACH (e, brig_json_get(prof, "syscalls"))
        if ((names = brig_json_get(e, "names")) && names->type == BRIG_JSON_ARRAY)
            n += names->n;
    return n;
}

static Name *names_get(Names *t, const char *s, size_t len)
{
    if ((t->n + 1) * 2 > t->mask + 1) {
        size_t cap = (t->mask + 1) * 2;
        cap = cap < 64 ? 64 : cap;
        free(t->slots);
        t->slots = xcalloc(cap, sizeof(*t->slots));
        t->mask = cap - 1;
        for (size_t i = 0; i < t->n; i++) {
            size_t k = t->v[i].hash & t->mask;
            while (t->slots[k])
                k = (k + 1) & t->mask;
            t->slots[k] = (uint32_t)i + 1;
        }
    }
    uint32_t h = hash_mem(s, len);
    size_t k = h & t->mask;
    for (; t->slots[k]; k = (k + 1) & t->mask) {
        Name *o = &t->v[t->slots[k] - 1];
        if (o->hash == h && o->len == len && memcmp(o->name, s, len) == 0)
            return o;
    }
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 512;
        t->v = xrealloc(t->v, t->cap * sizeof(*t->v));
    }
    t->slots[k] = (uint32_t)t->n + 1;
    t->v[t->n] =
        (Name){.name = s, .head = {-1, -1}, .tail = {-1, -1}, .hash = h, .len = (uint32_t)len};
    return &t->v[t->n++];
}

static void names_ref(Names *t, Name *nm, int side)
{
    if (t->n_refs == t->cap_refs) {
        t->cap_refs = t->cap_refs ? t->cap_refs * 2 : 1024;
        t->refs = xrealloc(t->refs, t->cap_refs * sizeof(*t->refs));
    }
    int i = (int)t->n_refs++;
    t->refs[i] = (Ref){(uint32_t)t->n_ents - 1, -1};
    if (nm->tail[side] >= 0)
        t->refs[nm->tail[side]].next = i;
    else
        nm->head[side] = i;
    nm->tail[side] = i;
}

static void names_free(Names *t)
{
    free(t->v);
    free(t->slots);
    free(t->refs);
    free(t->ents);
    free(t->order);
}

/* Reads an entry's tests; -EINVAL when one argument is tested twice. */
static int entry_conj(const BrigJson *e, const char *ptr, Conj *ret, BrigError **err)
{
    *ret = (Conj){0};
    const BrigJson *a;
    size_t k = 0;
    BRIG_JSON_FOREACH (a, brig_json_get(e, "args")) {
        size_t idx = 0;
        Cmp c;
        int r = sc_cmp_read(a, ptr, k++, &idx, &c, err);
        if (r < 0)
            return r;
        if (ret->c[idx].op)
            return brig_error_set(err, EINVAL,
                                  "%s: tests argument %zu twice, which runc reads as either "
                                  "test and crun refuses",
                                  ptr, idx);
        ret->c[idx] = c;
    }
    return 0;
}

static bool has_args(const BrigJson *e)
{
    const BrigJson *a = brig_json_get(e, "args");
    return a && a->type == BRIG_JSON_ARRAY && a->n > 0;
}

typedef struct {
    const BrigJson *prof;
    Act def;
    const char *label; /* for errors */
} Side;

/* Whether the profile gives the syscall one action whatever the arguments
 * (*ret), which an entry without args does even next to rules with them:
 * libseccomp keeps the unconditioned rule. */
static bool unconditioned(const Names *t, const Name *nm, int side, const Side *s, Act *ret)
{
    bool found = false, conditional = false;
    for (int i = nm->head[side]; i >= 0; i = t->refs[i].next) {
        const Ent *f = &t->ents[t->refs[i].ent];
        if (f->cond) {
            conditional = true;
            continue;
        }
        if (!found || f->act.rank > ret->rank)
            *ret = f->act;
        found = true;
    }
    if (!found && !conditional)
        *ret = s->def;
    return found || !conditional;
}

/* A deny rule that holds for every call: brig's profiles end a syscall's
 * rules with one (SCMP_CMP_GE 0) to give EPERM rather than the default. */
static bool catch_all(const BrigJson *e, const Conj *c)
{
    for (int i = 0; i < 6; i++)
        if (!sc_cmp_always(&c->c[i]))
            return false;
    return action_rank(brig_json_str(brig_json_get(e, "action"))) > 0;
}

/* The calls a profile allows, as cases, and its catch-all deny if it has
 * one in the shape libseccomp orders last. */
static int allowed_cases(const Names *t, const Name *nm, int side, const Act *def, Dnf *ret,
                         const BrigJson **ret_catch_all, BrigError **err)
{
    Dnf allow = {0};
    Dnf denies[64];
    Meq meq[64];
    size_t n_denies = 0, n_meq = 0;
    *ret_catch_all = NULL;
    int r = 0;
    for (int i = nm->head[side]; i >= 0; i = t->refs[i].next) {
        const BrigJson *e = t->ents[t->refs[i].ent].entry;
        Conj c;
        r = entry_conj(e, nm->name, &c, err);
        if (r < 0)
            goto out;
        for (int k = 0; k < 6; k++)
            if (sc_cmp_always(&c.c[k]))
                c.c[k] = (Cmp){0};
        if (action_rank(brig_json_str(brig_json_get(e, "action"))) == 0) {
            sc_dnf_add(&allow, &c);
        } else if (catch_all(e, &c)) {
            *ret_catch_all = e;
        } else if (sc_single_meq(&c) >= 0 && n_meq < ELEMENTSOF(meq)) {
            int k = sc_single_meq(&c);
            meq[n_meq++] = (Meq){k, c.c[k].a, c.c[k].b};
        } else if (n_denies < ELEMENTSOF(denies)) {
            /* LOG, TRACE and NOTIFY count as denials here: the stricter side */
            denies[n_denies] = (Dnf){0};
            for (int k = 0; k < 6; k++)
                if (c.c[k].op)
                    sc_cmp_not(&c.c[k], k, &denies[n_denies]);
            n_denies++;
        } else {
            allow.overflow = true;
        }
    }
    /* masked tests of one argument under one mask, negated together */
    for (size_t i = 0; i < n_meq; i++) {
        if (meq[i].used)
            continue;
        Dnf *d = n_denies < ELEMENTSOF(denies) ? &denies[n_denies++] : NULL;
        if (!d) {
            allow.overflow = true;
            break;
        }
        *d = (Dnf){0};
        sc_meq_not(meq + i, n_meq - i, d);
    }
    /* where no rule matches, an allowing default allows: then only the
     * denials count */
    if (!*ret_catch_all && def->rank == 0) {
        sc_dnf_free(&allow);
        Conj every = {0};
        sc_dnf_add(&allow, &every);
    }
    sc_dnf_simplify(&allow);
    for (size_t d = 0; d < n_denies; d++) {
        Dnf next;
        sc_dnf_and(&allow, &denies[d], &next);
        sc_dnf_free(&allow);
        allow = next;
    }
    /* a catch-all the allow rules might not come before reads as a denial
     * of everything */
    if (*ret_catch_all && side == 1 && sc_equality_arg(&allow) < 0) {
        sc_dnf_free(&allow);
        *ret_catch_all = NULL;
    }
    *ret = allow;
    allow = (Dnf){0};
out:
    for (size_t d = 0; d < n_denies; d++)
        sc_dnf_free(&denies[d]);
    sc_dnf_free(&allow);
    return r;
}

/* ---- output ---- */

typedef struct {
    BrigJson *groups;  /* unconditioned entries, one per action, in order */
    BrigJson *entries; /* conditional ones */
    BrigSeccompMerge *stats;
    Names by_action; /* "ACTION errno" -> group, so many actions stay linear */
    char **keys;
} Out;

static void out_free(Out *o)
{
    brig_json_free(o->groups);
    brig_json_free(o->entries);
    for (size_t i = 0; i < o->by_action.n; i++)
        free(o->keys[i]);
    free(o->keys);
    names_free(&o->by_action);
}

static void set_action(BrigJson *e, const Act *a)
{
    brig_json_set(e, "action", brig_json_new_string(a->name));
    if (a->errno_ret)
        brig_json_set(e, "errnoRet", brig_json_copy(a->errno_ret));
}

static void emit_unconditioned(Out *o, const char *name, const Act *a)
{
    char key[64];
    snprintf(key, sizeof(key), "%s %" PRIu64, a->name, act_errno(a));
    Name *slot = names_get(&o->by_action, key, strlen(key));
    if (slot->name != key) {
        BrigJson *g = o->groups->kids[slot->head[0]];
        brig_json_append(brig_json_get(g, "names"), brig_json_new_string(name));
        return;
    }
    /* new: the table keeps its own copy of the key */
    size_t n = o->groups->n;
    o->keys = xrealloc(o->keys, (n + 1) * sizeof(*o->keys));
    slot->name = o->keys[n] = xstrdup(key);
    slot->head[0] = (int)n;
    BrigJson *g = brig_json_new(BRIG_JSON_OBJECT);
    BrigJson *names = brig_json_new(BRIG_JSON_ARRAY);
    brig_json_append(names, brig_json_new_string(name));
    brig_json_set(g, "names", names);
    set_action(g, a);
    brig_json_append(o->groups, g);
}

/* The profile's rules for the syscall, as they are but naming it alone. */
static void emit_copies(Out *o, const Names *t, const Name *nm, int side)
{
    for (int i = nm->head[side]; i >= 0; i = t->refs[i].next) {
        const BrigJson *e = t->ents[t->refs[i].ent].entry, *k;
        BrigJson *c = brig_json_new(BRIG_JSON_OBJECT);
        BRIG_JSON_FOREACH (k, e) {
            if (streq(k->key, "names")) {
                BrigJson *names = brig_json_new(BRIG_JSON_ARRAY);
                brig_json_append(names, brig_json_new_string(nm->name));
                brig_json_set(c, "names", names);
            } else {
                brig_json_set(c, k->key, brig_json_copy(k));
            }
        }
        brig_json_append(o->entries, c);
    }
}

static BrigJson *cmp_json(int idx, const Cmp *c)
{
    BrigJson *a = brig_json_new(BRIG_JSON_OBJECT);
    brig_json_set(a, "index", brig_json_new_uint((uint64_t)idx));
    brig_json_set(a, "value", brig_json_new_uint(c->a));
    if (c->op == OP_MEQ)
        brig_json_set(a, "valueTwo", brig_json_new_uint(c->b));
    brig_json_set(a, "op", brig_json_new_string(sc_op_names[c->op]));
    return a;
}

static void emit_rule(Out *o, const char *name, const Act *a, const Conj *c)
{
    BrigJson *e = brig_json_new(BRIG_JSON_OBJECT), *names = brig_json_new(BRIG_JSON_ARRAY);
    brig_json_append(names, brig_json_new_string(name));
    brig_json_set(e, "names", names);
    set_action(e, a);
    BrigJson *args = brig_json_new(BRIG_JSON_ARRAY);
    for (int k = 0; k < 6; k++)
        if (c->c[k].op)
            brig_json_append(args, cmp_json(k, &c->c[k]));
    brig_json_set(e, "args", args);
    brig_json_append(o->entries, e);
}

static bool same_rules(const Names *t, const Name *nm)
{
    int i = nm->head[0], j = nm->head[1];
    for (; i >= 0 && j >= 0; i = t->refs[i].next, j = t->refs[j].next) {
        const BrigJson *x = t->ents[t->refs[i].ent].entry, *y = t->ents[t->refs[j].ent].entry;
        static const char *const keys[] = {"action", "errnoRet", "args"};
        for (size_t k = 0; k < ELEMENTSOF(keys); k++) {
            const BrigJson *a = brig_json_get(x, keys[k]), *b = brig_json_get(y, keys[k]);
            if ((a || b) && (!a || !b || !brig_json_equal(a, b)))
                return false;
        }
    }
    return i < 0 && j < 0;
}

static const Act allow_act = {"SCMP_ACT_ALLOW", NULL, 0, 0};

/* Both profiles test arguments: ALLOW rules for the calls both allow. */
static const Act eperm = {"SCMP_ACT_ERRNO", NULL, 3, UINT64_C(4) << 32 | 1};

static int both_conditional(Out *o, const Names *t, Name *nm, const Act *b_def, const Act *e_def,
                            const Act *r_def, BrigError **err)
{
    Dnf b = {0}, e = {0}, both = {0};
    const BrigJson *b_catch, *e_catch;
    int r = allowed_cases(t, nm, 0, b_def, &b, &b_catch, err);
    if (r >= 0)
        r = allowed_cases(t, nm, 1, e_def, &e, &e_catch, err);
    if (r < 0)
        goto out;
    sc_dnf_and(&b, &e, &both);
    Act deny = r_def->rank == 3 ? *r_def : eperm;
    if (b_catch) {
        act_make(brig_json_str(brig_json_get(b_catch, "action")),
                 brig_json_get(b_catch, "errnoRet"), &deny);
    }
    int arg = sc_equality_arg(&both);
    /* calls no rule matches get the default, unless a catch-all (only
     * in the shape libseccomp orders last) says otherwise: an allowing
     * default cannot stand, so the syscall is denied outright */
    bool catch_needed = !act_eq(&deny, r_def);
    if (both.overflow || (catch_needed && arg < 0 && r_def->rank < 3)) {
        o->stats->gave_up++;
        both.n = 0;
    }
    o->stats->both_tested++;
    nm->drop_from_brig = true;
    if (both.n == 0) {
        if (!act_eq(&deny, r_def))
            emit_unconditioned(o, nm->name, &deny);
        goto out;
    }
    for (size_t i = 0; i < both.n; i++) {
        bool any = false;
        for (int k = 0; k < 6; k++)
            any = any || both.v[i].c[k].op;
        if (!any) /* an empty case would be an unconditioned rule */
            both.v[i].c[0] = (Cmp){OP_GE, 0, 0};
        emit_rule(o, nm->name, &allow_act, &both.v[i]);
    }
    if (catch_needed && arg >= 0) {
        Conj all = {0};
        all.c[arg] = (Cmp){OP_GE, 0, 0};
        emit_rule(o, nm->name, &deny, &all);
    }
out:
    sc_dnf_free(&b);
    sc_dnf_free(&e);
    sc_dnf_free(&both);
    return r;
}

/* ---- the profiles' other fields ---- */

static int keep_shared_arch(BrigJson *a, size_t idx, void *data)
{
    const BrigJson *other = data;
    (void)idx;
    uint32_t tok = brig_seccomp_arch_token(brig_json_str(a));
    const BrigJson *o;
    BRIG_JSON_FOREACH (o, other)
        if (tok && brig_seccomp_arch_token(brig_json_str(o)) == tok)
            return 1;
    return 0;
}

/* A filter covers the architectures it lists and the runtime's native
 * one; a call from any other meets its bad-architecture action.  So the
 * result lists what both cover: where the engine listed nothing, the
 * native architecture alone. */
static int merge_architectures(BrigJson *brig, const BrigJson *engine, uint32_t native,
                               BrigSeccompMerge *st)
{
    const BrigJson *ea = brig_json_get(engine, "architectures");
    BrigJson *ba = brig_json_get(brig, "architectures");
    if (!ba)
        return 0;
    size_t before = ba->n;
    _cleanup_(brig_json_freep) BrigJson *cover = brig_json_new(BRIG_JSON_ARRAY);
    const BrigJson *a;
    if (ea && ea->type == BRIG_JSON_ARRAY)
        BRIG_JSON_FOREACH (a, ea)
            brig_json_append(cover, brig_json_copy(a));
    if (native && brig_seccomp_arch_name(native))
        brig_json_append(cover, brig_json_new_string(brig_seccomp_arch_name(native)));
    brig_json_filter(ba, keep_shared_arch, cover);
    ba = brig_json_get(brig, "architectures");
    if (ba && ba->n == 0)
        brig_json_remove(brig, "architectures");
    ba = brig_json_get(brig, "architectures");
    st->archs_dropped = before - (ba ? ba->n : 0);
    return 0;
}

static const char *const known_flags[] = {
    "SECCOMP_FILTER_FLAG_TSYNC",
    "SECCOMP_FILTER_FLAG_LOG",
    "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
    "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
};

/* Flags: the union, less SPEC_ALLOW, which turns the kernel's
 * speculative-store-bypass mitigation off for the container. */
static int merge_flags(BrigJson *brig, const BrigJson *engine, BrigSeccompMerge *st,
                       BrigError **err)
{
    const BrigJson *ef = brig_json_get(engine, "flags"), *f;
    if (!ef)
        return 0;
    if (ef->type != BRIG_JSON_ARRAY)
        return brig_error_set(err, EINVAL, "/linux/seccomp/flags: expected an array");
    size_t i = 0;
    BRIG_JSON_FOREACH (f, ef) {
        const char *name = brig_json_str(f);
        bool known = false;
        for (size_t k = 0; name && k < ELEMENTSOF(known_flags); k++)
            known = known || streq(name, known_flags[k]);
        if (!known)
            return brig_error_set(err, EINVAL, "/linux/seccomp/flags/%zu: unknown flag \"%s\"", i,
                                  name ? name : "(not a string)");
        i++;
        if (streq(name, "SECCOMP_FILTER_FLAG_SPEC_ALLOW")) {
            st->spec_allow_dropped = true;
            continue;
        }
        BrigJson *bf = brig_json_get(brig, "flags");
        if (brig_json_array_has_string(bf, name))
            continue;
        if (!bf) {
            bf = brig_json_new(BRIG_JSON_ARRAY);
            brig_json_set(brig, "flags", bf);
        }
        brig_json_append(bf, brig_json_new_string(name));
    }
    return 0;
}

/* Which of brig's names go, decided before any is freed: the table's keys
 * point into them. */
typedef struct {
    bool *drop;
    size_t i;
} Drops;

static int keep_name(BrigJson *n, size_t idx, void *data)
{
    Drops *d = data;
    (void)n, (void)idx;
    return !d->drop[d->i++];
}

static int keep_entry(BrigJson *e, size_t idx, void *data)
{
    BrigJson *names = brig_json_get(e, "names");
    (void)idx;
    brig_json_filter(names, keep_name, data);
    return !names || names->n > 0;
}

/* runc and crun skip an entry whose action is the default's: it would
 * change nothing there, but copied into a profile with another default it
 * would, so it is not read at all. */
static int collect(Names *t, const BrigJson *prof, int side, const Act *def, const char *label,
                   BrigError **err)
{
    const BrigJson *sys = brig_json_get(prof, "syscalls"), *e, *n;
    if (sys && sys->type != BRIG_JSON_ARRAY)
        return brig_error_set(err, EINVAL, "%s/syscalls: expected an array", label);
    size_t i = 0;
    BRIG_JSON_FOREACH (e, sys) {
        size_t idx = i++;
        const BrigJson *names = brig_json_get(e, "names");
        if (e->type != BRIG_JSON_OBJECT || (names && names->type != BRIG_JSON_ARRAY))
            return brig_error_set(
                err, EINVAL, "%s/syscalls/%zu: expected an object with a names array", label, idx);
        Act a;
        int r = act_read(e, "action", "errnoRet", label, idx, &a, err);
        if (r < 0)
            return r;
        Conj c;
        bool cond = has_args(e);
        if (side == 1 && cond) {
            char ptr[96];
            snprintf(ptr, sizeof(ptr), "%s/syscalls/%zu", label, idx);
            if ((r = entry_conj(e, ptr, &c, err)) < 0)
                return r;
        }
        bool skip = act_eq(&a, def);
        if (t->n_ents == t->cap_ents) {
            t->cap_ents = t->cap_ents ? t->cap_ents * 2 : 32;
            t->ents = xrealloc(t->ents, t->cap_ents * sizeof(*t->ents));
        }
        t->ents[t->n_ents++] = (Ent){e, a, cond};
        BRIG_JSON_FOREACH (n, names) {
            if (n->type != BRIG_JSON_STRING)
                return brig_error_set(err, EINVAL, "%s/syscalls/%zu/names: expected strings", label,
                                      idx);
            Name *nm = names_get(t, n->text, n->len);
            if (side == 0) {
                if (t->n_order == t->cap_order) {
                    t->cap_order = t->cap_order ? t->cap_order * 2 : 1024;
                    t->order = xrealloc(t->order, t->cap_order * sizeof(*t->order));
                }
                t->order[t->n_order++] = (uint32_t)(nm - t->v);
            }
            if (!skip)
                names_ref(t, nm, side);
        }
    }
    return 0;
}

int brig_seccomp_intersect(BrigJson *brig, const BrigJson *engine, uint32_t native,
                           BrigSeccompMerge *ret_stats, BrigError **err)
{
    BrigSeccompMerge st = {0};
    Side sb = {brig, {0}, "brig's profile"}, se = {engine, {0}, "/linux/seccomp"};
    int r = act_read(brig, "defaultAction", "defaultErrnoRet", "brig's profile", SIZE_MAX, &sb.def,
                     err);
    if (r < 0)
        return r;
    r = act_read(engine, "defaultAction", "defaultErrnoRet", "/linux/seccomp", SIZE_MAX, &se.def,
                 err);
    if (r < 0)
        return r;

    _cleanup_(names_free) Names t = {0};
    names_reserve(&t, count_names(brig) + count_names(engine));
    r = collect(&t, brig, 0, &sb.def, "brig's profile", err);
    if (r < 0)
        return r;
    r = collect(&t, engine, 1, &se.def, "/linux/seccomp", err);
    if (r < 0)
        return r;

    /* the default: the stricter; brig's where both are as strict */
    const Act *r_def = act_comb(&sb.def, &se.def);
    Act def = *r_def;
    _cleanup_(brig_json_freep) BrigJson *def_errno =
        def.errno_ret ? brig_json_copy(def.errno_ret) : NULL;
    def.errno_ret = def_errno;

    Out o = {brig_json_new(BRIG_JSON_ARRAY), brig_json_new(BRIG_JSON_ARRAY), &st};
    for (size_t i = 0; i < t.n && r >= 0; i++) {
        Name *nm = &t.v[i];
        Act ub, ue;
        bool b_u = unconditioned(&t, nm, 0, &sb, &ub), e_u = unconditioned(&t, nm, 1, &se, &ue);
        bool in_brig = nm->head[0] >= 0;
        if (b_u && e_u) {
            const Act *c = act_comb(&ub, &ue);
            if (in_brig && act_eq(c, &ub))
                continue;
            nm->drop_from_brig = true;
            if (!act_eq(c, &def))
                emit_unconditioned(&o, nm->name, c);
            if (c == &ue && c->rank > ub.rank)
                st.engine_stricter++;
            continue;
        }
        const Act *u = b_u ? &ub : &ue;
        int side_c = b_u ? 1 : 0; /* the side with argument tests */
        if ((b_u || e_u) && u->rank == 0) {
            /* the other side's rules, as they are, after the unconditioned
             * groups (brig's too: hardening the result again must put them
             * in the same place) */
            nm->drop_from_brig = true;
            emit_copies(&o, &t, nm, side_c);
            st.engine_stricter += side_c == 1;
            continue;
        }
        if (b_u || e_u) {
            /* a denial, or LOG/TRACE/NOTIFY against argument tests, which
             * cannot be written together: the stricter side, a denial */
            const Act *d = u;
            if (u->rank < 3) {
                d = def.rank == 3 ? &def : &eperm;
                st.gave_up++;
            }
            if (in_brig && b_u && act_eq(d, &ub))
                continue;
            nm->drop_from_brig = true;
            if (!act_eq(d, &def))
                emit_unconditioned(&o, nm->name, d);
            if (e_u)
                st.engine_stricter++;
            continue;
        }
        /* both test arguments */
        if (same_rules(&t, nm)) {
            nm->drop_from_brig = true;
            emit_copies(&o, &t, nm, 0);
            continue;
        }
        r = both_conditional(&o, &t, nm, &sb.def, &se.def, &def, err);
    }
    if (r < 0) {
        out_free(&o);
        return r;
    }

    /* brig's entries lose the names decided elsewhere, in one pass */
    BrigJson *sys = brig_json_get(brig, "syscalls");
    Drops drops = {xcalloc(t.n_order + 1, sizeof(bool)), 0};
    for (size_t i = 0; i < t.n_order; i++)
        drops.drop[i] = t.v[t.order[i]].drop_from_brig;
    brig_json_filter(sys, keep_entry, &drops);
    free(drops.drop);
    if (!sys && (o.groups->n || o.entries->n)) {
        sys = brig_json_new(BRIG_JSON_ARRAY);
        brig_json_set(brig, "syscalls", sys);
    }
    const BrigJson *g;
    BRIG_JSON_FOREACH (g, o.groups)
        st.names_added += brig_json_get(g, "names")->n;
    st.rules_added = o.entries->n;
    for (size_t i = 0; i < o.groups->n; i++)
        brig_json_append(sys, o.groups->kids[i]);
    for (size_t i = 0; i < o.entries->n; i++)
        brig_json_append(sys, o.entries->kids[i]);
    o.groups->n = o.entries->n = 0;
    out_free(&o);

    if (r_def != &sb.def) {
        brig_json_set(brig, "defaultAction", brig_json_new_string(def.name));
        brig_json_remove(brig, "defaultErrnoRet");
        if (def.errno_ret)
            brig_json_set(brig, "defaultErrnoRet", brig_json_copy(def.errno_ret));
        st.engine_default = true;
    }
    r = merge_flags(brig, engine, &st, err);
    if (r < 0)
        return r;
    merge_architectures(brig, engine, native ? native : seccomp_arch_native(), &st);
    if (st.archs_dropped)
        brig_seccomp_prune_names(brig);
    if (ret_stats)
        *ret_stats = st;
    return 0;
}
