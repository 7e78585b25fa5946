/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Argument tests as sets of cases, for combining two seccomp profiles
 * (lib/seccomp_merge.c): a comparison on one argument, a conjunction (one
 * comparison per argument, as libseccomp takes them in one rule), and a
 * set of such cases, their union.  Every operation is exact where it
 * answers: a merge of two comparisons that one comparison cannot say is
 * reported, and the caller drops that case (the stricter side). */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "json.h"

enum { OP_NONE, OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE, OP_MEQ };
extern const char *const sc_op_names[];

/* One comparison on one argument; MEQ: (arg & a) == b. */
typedef struct {
    uint8_t op;
    uint64_t a, b;
} Cmp;
/* A conjunction: at most one comparison per argument. */
typedef struct {
    Cmp c[6];
} Conj;
typedef struct {
    Conj *v;
    size_t n, cap;
    bool overflow;
} Dnf;

/* Products of two profiles' cases for one syscall beyond this are given
 * up on (the stricter side: the syscall is denied, and the report says
 * so).  brig's socket rules against Podman's take ~40. */
#define MAX_CASES 512

/* A deny rule with one masked test: brig's socket families. */
typedef struct {
    int arg;
    uint64_t mask, value;
    bool used;
} Meq;

/* One OCI argument test ({"index", "value", "valueTwo", "op"}); errors name
 * ptr/args/k.  A masked value is masked, as libseccomp does. */
int sc_cmp_read(const BrigJson *arg, const char *ptr, size_t k, size_t *ret_index, Cmp *ret,
                BrigError **err);
/* holds for every value (GE 0, a zero mask...) */
bool sc_cmp_always(const Cmp *c);
bool sc_cmp_eq(const Cmp *x, const Cmp *y);
/* A set of cases: freed; one added (past MAX_CASES it overflows). */
void sc_dnf_free(Dnf *d);
void sc_dnf_add(Dnf *d, const Conj *c);
/* x AND y: 1 and *ret, 0 when nothing satisfies both, -1 when no single
 * conjunction says it. */
int sc_conj_and(const Conj *x, const Conj *y, Conj *ret);
/* every call x admits, y admits too */
bool sc_conj_implies(const Conj *x, const Conj *y);
/* sorted, without a case another covers: equal sets, equal bytes */
void sc_dnf_simplify(Dnf *d);
/* x AND y, case by case; inputs and result simplified */
void sc_dnf_and(const Dnf *x, const Dnf *y, Dnf *ret);
/* NOT c on argument idx, as cases of one comparison each, added to ret */
void sc_cmp_not(const Cmp *c, int idx, Dnf *ret);
/* the one argument every case tests, with one equality test each, or -1 */
int sc_equality_arg(const Dnf *d);
/* the argument of a conjunction that is one masked test, or -1 */
int sc_single_meq(const Conj *c);
/* NOT (x & m in {values}) for the tests of g sharing g[0]'s argument and
 * mask (marked used), added to ret */
void sc_meq_not(Meq *g, size_t n, Dnf *ret);
