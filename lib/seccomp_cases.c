/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Argument tests as sets of cases: seccomp_cases.h says what for. */
#include <string.h>

#include "seccomp_cases.h"
#include "util.h"

const char *const sc_op_names[] = {
    [OP_EQ] = "SCMP_CMP_EQ",         [OP_NE] = "SCMP_CMP_NE", [OP_LT] = "SCMP_CMP_LT",
    [OP_LE] = "SCMP_CMP_LE",         [OP_GT] = "SCMP_CMP_GT", [OP_GE] = "SCMP_CMP_GE",
    [OP_MEQ] = "SCMP_CMP_MASKED_EQ",
};

/* ---- comparisons ---- */

int sc_cmp_read(const BrigJson *arg, const char *ptr, size_t k, size_t *ret_index, Cmp *ret,
                BrigError **err)
{
    uint64_t idx, a = 0, b = 0;
    const char *op = brig_json_str(brig_json_get(arg, "op"));
    const BrigJson *vt = brig_json_get(arg, "valueTwo");
    if (brig_json_to_uint64(brig_json_get(arg, "index"), &idx) < 0 || idx > 5 ||
        brig_json_to_uint64(brig_json_get(arg, "value"), &a) < 0 ||
        (vt && brig_json_to_uint64(vt, &b) < 0))
        return brig_error_set(
            err, EINVAL, "%s/args/%zu: expected an index 0-5 and unsigned 64-bit values", ptr, k);
    *ret = (Cmp){0};
    for (uint8_t o = OP_EQ; o <= OP_MEQ; o++)
        if (streq(op, sc_op_names[o]))
            ret->op = o;
    if (!ret->op)
        return brig_error_set(err, EINVAL, "%s/args/%zu/op: unknown comparison \"%s\"", ptr, k,
                              op ? op : "(missing)");
    ret->a = a;
    /* libseccomp compares the masked argument with the masked value: bits
     * of valueTwo outside the mask do not count */
    ret->b = ret->op == OP_MEQ ? b & a : 0;
    *ret_index = (size_t)idx;
    return 0;
}

static bool sc_cmp_holds(const Cmp *c, uint64_t x)
{
    switch (c->op) {
    case OP_EQ:
        return x == c->a;
    case OP_NE:
        return x != c->a;
    case OP_LT:
        return x < c->a;
    case OP_LE:
        return x <= c->a;
    case OP_GT:
        return x > c->a;
    case OP_GE:
        return x >= c->a;
    case OP_MEQ:
        return (x & c->a) == c->b;
    }
    return true;
}

bool sc_cmp_always(const Cmp *c)
{
    return c->op == OP_NONE || (c->op == OP_GE && c->a == 0) ||
           (c->op == OP_LE && c->a == UINT64_MAX) || (c->op == OP_MEQ && c->a == 0 && c->b == 0);
}

static bool sc_cmp_never(const Cmp *c)
{
    return (c->op == OP_LT && c->a == 0) || (c->op == OP_GT && c->a == UINT64_MAX);
}

static bool sc_is_range(const Cmp *c)
{
    return c->op >= OP_LT && c->op <= OP_GE;
}

static void sc_range_of(const Cmp *c, uint64_t *lo, uint64_t *hi)
{
    *lo = 0, *hi = UINT64_MAX;
    switch (c->op) {
    case OP_LT:
        *hi = c->a - 1; /* a > 0: sc_cmp_never ruled it out */
        break;
    case OP_LE:
        *hi = c->a;
        break;
    case OP_GT:
        *lo = c->a + 1;
        break;
    case OP_GE:
        *lo = c->a;
        break;
    }
}

/* [lo, hi] as one comparison, if it is one */
static int sc_range_cmp(uint64_t lo, uint64_t hi, Cmp *ret)
{
    if (lo > hi)
        return 0;
    if (lo == hi)
        *ret = (Cmp){OP_EQ, lo, 0};
    else if (lo == 0)
        *ret = (Cmp){OP_LE, hi, 0};
    else if (hi == UINT64_MAX)
        *ret = (Cmp){OP_GE, lo, 0};
    else
        return -1;
    return 1;
}

/* x AND y on one argument: 1 and *ret, 0 when no value satisfies both, -1
 * when no single comparison says it.  Exact: a case it returns holds for
 * exactly the values both hold for, so x AND y == x when x implies y. */
bool sc_cmp_eq(const Cmp *x, const Cmp *y)
{
    return x->op == y->op && x->a == y->a && x->b == y->b;
}

static int sc_cmp_and(const Cmp *x, const Cmp *y, Cmp *ret)
{
    if (sc_cmp_never(x) || sc_cmp_never(y))
        return 0;
    if (sc_cmp_eq(x, y)) {
        *ret = *x;
        return 1;
    }
    if (sc_cmp_always(y)) {
        *ret = *x;
        return 1;
    }
    if (sc_cmp_always(x)) {
        *ret = *y;
        return 1;
    }
    if (x->op == OP_EQ || y->op == OP_EQ) {
        const Cmp *e = x->op == OP_EQ ? x : y, *o = e == x ? y : x;
        if (!sc_cmp_holds(o, e->a))
            return 0;
        *ret = *e;
        return 1;
    }
    if (x->op == OP_MEQ && y->op == OP_MEQ) {
        if ((x->b ^ y->b) & x->a & y->a)
            return 0;
        *ret = (Cmp){OP_MEQ, x->a | y->a, x->b | y->b};
        return 1;
    }
    if (x->op == OP_MEQ || y->op == OP_MEQ) {
        const Cmp *m = x->op == OP_MEQ ? x : y, *o = m == x ? y : x;
        if (o->op == OP_NE && (o->a & m->a) != m->b) {
            *ret = *m; /* the mask already rules the value out */
            return 1;
        }
        return -1;
    }
    if (x->op == OP_NE && y->op == OP_NE) {
        if (x->a != y->a)
            return -1;
        *ret = *x;
        return 1;
    }
    uint64_t lo = 0, hi = UINT64_MAX, l2, h2;
    if (sc_is_range(x))
        sc_range_of(x, &lo, &hi);
    if (sc_is_range(y)) {
        sc_range_of(y, &l2, &h2);
        lo = l2 > lo ? l2 : lo;
        hi = h2 < hi ? h2 : hi;
    }
    const Cmp *ne = x->op == OP_NE ? x : y->op == OP_NE ? y : NULL;
    if (ne && ne->a >= lo && ne->a <= hi) {
        if (ne->a == lo && lo != hi)
            lo++;
        else if (ne->a == hi && lo != hi)
            hi--;
        else if (lo == hi)
            return 0;
        else
            return -1;
    }
    return sc_range_cmp(lo, hi, ret);
}

/* the same values, however written (LT 40 and LE 39) */
static bool sc_cmp_equiv(const Cmp *x, const Cmp *y)
{
    if (sc_cmp_eq(x, y) || (sc_cmp_always(x) && sc_cmp_always(y)))
        return true;
    bool rx = sc_is_range(x) || x->op == OP_EQ, ry = sc_is_range(y) || y->op == OP_EQ;
    if (!rx || !ry)
        return false;
    uint64_t l1 = x->a, h1 = x->a, l2 = y->a, h2 = y->a;
    if (sc_is_range(x))
        sc_range_of(x, &l1, &h1);
    if (sc_is_range(y))
        sc_range_of(y, &l2, &h2);
    return l1 == l2 && h1 == h2;
}

/* ---- sets of cases ---- */

void sc_dnf_free(Dnf *d)
{
    free(d->v);
    *d = (Dnf){0};
}

void sc_dnf_add(Dnf *d, const Conj *c)
{
    if (d->n >= MAX_CASES) {
        d->overflow = true;
        return;
    }
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 8;
        d->v = xrealloc(d->v, d->cap * sizeof(*d->v));
    }
    d->v[d->n++] = *c;
}

/* 1 and *ret, 0: empty, -1: not one conjunction */
int sc_conj_and(const Conj *x, const Conj *y, Conj *ret)
{
    for (int i = 0; i < 6; i++) {
        if (!x->c[i].op || !y->c[i].op) { /* the common case: one side leaves it free */
            ret->c[i] = x->c[i].op ? x->c[i] : y->c[i];
            continue;
        }
        int r = sc_cmp_and(&x->c[i], &y->c[i], &ret->c[i]);
        if (r <= 0)
            return r;
        if (sc_cmp_always(&ret->c[i]))
            ret->c[i] = (Cmp){0};
    }
    return 1;
}

/* every value x admits, y admits too */
bool sc_conj_implies(const Conj *x, const Conj *y)
{
    for (int i = 0; i < 6; i++) {
        const Cmp *xs = &x->c[i], *ys = &y->c[i];
        Cmp m;
        if (!ys->op || sc_cmp_eq(xs, ys))
            continue;
        if (!xs->op || sc_cmp_and(xs, ys, &m) != 1 || !sc_cmp_equiv(&m, xs))
            return false;
    }
    return true;
}

static int sc_conj_order(const void *p, const void *q)
{
    const Conj *x = p, *y = q;
    for (int i = 0; i < 6; i++) {
        const Cmp *a = &x->c[i], *b = &y->c[i];
        if (a->op != b->op)
            return a->op < b->op ? -1 : 1;
        if (a->a != b->a)
            return a->a < b->a ? -1 : 1;
        if (a->b != b->b)
            return a->b < b->b ? -1 : 1;
    }
    return 0;
}

/* Sorted, without a case another one covers: the same set of calls always
 * gives the same rules, so hardening a hardened config changes nothing. */
void sc_dnf_simplify(Dnf *d)
{
    if (d->overflow)
        return;
    if (d->n > 1)
        qsort(d->v, d->n, sizeof(*d->v), sc_conj_order);
    size_t w = 0;
    for (size_t i = 0; i < d->n; i++) {
        bool covered = false;
        for (size_t j = 0; j < d->n && !covered; j++)
            covered = j != i && sc_conj_implies(&d->v[i], &d->v[j]) &&
                      (!sc_conj_implies(&d->v[j], &d->v[i]) || j < i);
        if (!covered)
            d->v[w++] = d->v[i];
    }
    d->n = w;
}

static bool sc_is_true(const Dnf *d)
{
    if (d->n != 1 || d->overflow)
        return false;
    for (int k = 0; k < 6; k++)
        if (d->v[0].c[k].op)
            return false;
    return true;
}

/* x AND y; both simplified, and so is the result */
void sc_dnf_and(const Dnf *x, const Dnf *y, Dnf *ret)
{
    *ret = (Dnf){.overflow = x->overflow || y->overflow};
    if (sc_is_true(x) || sc_is_true(y)) { /* brig's catch-all ALLOW: nothing to multiply */
        const Dnf *o = sc_is_true(x) ? y : x;
        for (size_t i = 0; i < o->n; i++)
            sc_dnf_add(ret, &o->v[i]);
        if (!ret->overflow && ret->n > 1)
            qsort(ret->v, ret->n, sizeof(*ret->v), sc_conj_order);
        return;
    }
    for (size_t i = 0; i < x->n && !ret->overflow; i++)
        for (size_t j = 0; j < y->n && !ret->overflow; j++) {
            Conj m;
            if (sc_conj_and(&x->v[i], &y->v[j], &m) != 1)
                continue;
            /* most products repeat a case already there, or a part of one;
             * a broader one replaces the parts of it kept so far, so the
             * set only ever holds what the result will */
            bool covered = false;
            for (size_t k = 0; k < ret->n && !covered; k++)
                covered = sc_conj_implies(&m, &ret->v[k]);
            if (covered)
                continue;
            size_t w = 0;
            for (size_t k = 0; k < ret->n; k++)
                if (!sc_conj_implies(&ret->v[k], &m))
                    ret->v[w++] = ret->v[k];
            ret->n = w;
            sc_dnf_add(ret, &m);
        }
    /* no case covers another already: only the order is left */
    if (!ret->overflow && ret->n > 1) /* no cases: v may be NULL, which qsort must not get */
        qsort(ret->v, ret->n, sizeof(*ret->v), sc_conj_order);
}

/* NOT c, as cases of one comparison each */
void sc_cmp_not(const Cmp *c, int idx, Dnf *ret)
{
    Conj k = {0};
    static const uint8_t inverse[] = {[OP_EQ] = OP_NE, [OP_NE] = OP_EQ, [OP_LT] = OP_GE,
                                      [OP_LE] = OP_GT, [OP_GT] = OP_LE, [OP_GE] = OP_LT};
    if (sc_cmp_never(c)) {
        sc_dnf_add(ret, &k); /* always */
        return;
    }
    if (sc_cmp_always(c))
        return;
    if (c->op != OP_MEQ) {
        k.c[idx] = (Cmp){inverse[c->op], c->a, 0};
        sc_dnf_add(ret, &k);
        return;
    }
    /* (x & m) != v: some bit of the mask differs */
    for (int bit = 0; bit < 64; bit++) {
        uint64_t m = UINT64_C(1) << bit;
        if (!(c->a & m))
            continue;
        k.c[idx] = (Cmp){OP_MEQ, m, ~c->b & m};
        sc_dnf_add(ret, &k);
    }
}

/* The one argument every allow rule of the syscall tests, with one
 * equality test each, or -1.  Only in that shape does libseccomp check the
 * allow rules before a catch-all range test on that argument (equality
 * before range), which is what brig's own profiles rely on. */
int sc_equality_arg(const Dnf *d)
{
    int arg = -1;
    for (size_t i = 0; i < d->n; i++)
        for (int k = 0; k < 6; k++) {
            const Cmp *c = &d->v[i].c[k];
            if (!c->op)
                continue;
            if ((c->op != OP_EQ && c->op != OP_MEQ) || (arg >= 0 && arg != k))
                return -1;
            arg = k;
        }
    return arg;
}

int sc_single_meq(const Conj *c)
{
    int arg = -1;
    for (int k = 0; k < 6; k++) {
        if (!c->c[k].op)
            continue;
        if (arg >= 0 || c->c[k].op != OP_MEQ || sc_cmp_never(&c->c[k]))
            return -1;
        arg = k;
    }
    return arg;
}

/* NOT (x & m in {v...}) for the tests in `g` sharing g[0]'s argument and
 * mask (marked used): either a bit on which all the values agree differs,
 * or those bits agree and the others form a pattern none of the values
 * has.  Negating the tests one by one and multiplying would give
 * |m|^n cases (1024 for brig's two socket families) before simplifying to
 * the same ~35. */
void sc_meq_not(Meq *g, size_t n, Dnf *ret)
{
    uint64_t m = g[0].mask, v0 = g[0].value, diff = 0;
    size_t k = 0;
    uint64_t vals[16];
    for (size_t i = 0; i < n; i++) {
        if (g[i].used || g[i].arg != g[0].arg || g[i].mask != m)
            continue;
        g[i].used = true;
        diff |= g[i].value ^ v0;
        if (k < ELEMENTSOF(vals))
            vals[k] = g[i].value;
        k++;
    }
    int nd = __builtin_popcountll(diff);
    if (k > ELEMENTSOF(vals) || nd > 6) {
        /* too many patterns: each value's negation, multiplied */
        for (size_t i = 0; i < k && i < ELEMENTSOF(vals); i++) {
            Dnf one = {0}, next;
            Cmp c = {OP_MEQ, m, vals[i]};
            sc_cmp_not(&c, g[0].arg, &one);
            if (i == 0) {
                *ret = one;
                continue;
            }
            sc_dnf_and(ret, &one, &next);
            sc_dnf_free(ret);
            sc_dnf_free(&one);
            *ret = next;
        }
        ret->overflow = ret->overflow || k > ELEMENTSOF(vals);
        return;
    }
    uint64_t common = m & ~diff;
    Conj c = {0};
    for (int bit = 0; bit < 64; bit++) {
        uint64_t b = UINT64_C(1) << bit;
        if (!(common & b))
            continue;
        c.c[g[0].arg] = (Cmp){OP_MEQ, b, ~v0 & b};
        sc_dnf_add(ret, &c);
    }
    /* every pattern of the differing bits, spread onto them */
    for (uint64_t p = 0; p < (UINT64_C(1) << nd); p++) {
        uint64_t spread = 0, bits = diff;
        for (int i = 0; bits; i++, bits &= bits - 1)
            if (p & (UINT64_C(1) << i))
                spread |= bits & -bits;
        bool taken = false;
        for (size_t i = 0; i < k && !taken; i++)
            taken = (vals[i] & diff) == spread;
        if (taken)
            continue;
        c.c[g[0].arg] = (Cmp){OP_MEQ, m, (v0 & common) | spread};
        sc_dnf_add(ret, &c);
    }
}
