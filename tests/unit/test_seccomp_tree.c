/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The default seccomp profile is compiled into a constant tree at build time
 * (tools/embed_tree.py) instead of being parsed in every brig process; the
 * tree must be exactly what brig_json_parse() makes of the same bytes. */
#include <stdio.h>

#include "policy.h"
#include "seccomp.h"
#include "sha256.h"
#include "testutil.h"

extern const char brig_seccomp_default_json[];
extern const size_t brig_seccomp_default_json_len;

/* Field by field, duplicates and all: brig_json_equal() would look past a
 * shadowed member. */
static void same_node(const BrigJson *a, const BrigJson *b, const char *where)
{
    ck_assert_msg(a->type == b->type, "%s: type", where);
    ck_assert_msg(a->line == b->line, "%s: line %u, parse says %u", where, a->line, b->line);
    ck_assert_msg((a->key == NULL) == (b->key == NULL), "%s: key presence", where);
    if (a->key)
        ck_assert_str_eq(a->key, b->key);
    ck_assert_msg(a->boolean == b->boolean, "%s: boolean", where);
    ck_assert_msg((a->text == NULL) == (b->text == NULL), "%s: text presence", where);
    ck_assert_msg(a->len == b->len, "%s: len", where);
    if (a->type == BRIG_JSON_STRING)
        ck_assert_msg(memcmp(a->text, b->text, a->len + 1) == 0, "%s: string", where);
    else if (a->text)
        ck_assert_str_eq(a->text, b->text);
    ck_assert_msg(a->n == b->n, "%s: %zu children, parse says %zu", where, a->n, b->n);
    for (size_t i = 0; i < a->n; i++) {
        char sub[512];
        snprintf(sub, sizeof(sub), "%s/%s", where, a->kids[i]->key ? a->kids[i]->key : "[]");
        same_node(a->kids[i], b->kids[i], sub);
    }
}

START_TEST(test_tree_is_the_parse)
{
    const BrigJson *tree = NULL;
    _cleanup_(brig_error_freep) BrigError *err = NULL;
    _cleanup_(brig_json_freep) BrigJson *parsed = NULL;
    ck_assert_int_eq(brig_seccomp_default(&tree, &err), 0);
    ck_assert_int_eq(brig_json_parse(brig_seccomp_default_json, brig_seccomp_default_json_len,
                                     "default.json", 0, &parsed, &err),
                     0);
    same_node(tree, parsed, "");
    ck_assert(brig_json_equal(tree, parsed));
    for (unsigned flags = 0; flags <= BRIG_JSON_PRETTY; flags += BRIG_JSON_PRETTY) {
        size_t la, lb;
        _cleanup_free_ char *a = brig_json_serialize(tree, flags, &la);
        _cleanup_free_ char *b = brig_json_serialize(parsed, flags, &lb);
        ck_assert_uint_eq(la, lb);
        ck_assert_str_eq(a, b);
    }
}
END_TEST

START_TEST(test_tree_resolves_like_the_parse)
{
    const BrigJson *tree = NULL;
    _cleanup_(brig_error_freep) BrigError *err = NULL;
    _cleanup_(brig_json_freep) BrigJson *parsed = NULL;
    ck_assert_int_eq(brig_seccomp_default(&tree, &err), 0);
    ck_assert_int_eq(brig_json_parse(brig_seccomp_default_json, brig_seccomp_default_json_len,
                                     "default.json", 0, &parsed, &err),
                     0);
    ck_assert_int_eq(brig_seccomp_validate(tree, "default.json", &err), 0);
    /* no capability, each one alone, all of them */
    for (int c = -1; c <= 41; c++) {
        uint64_t caps = c < 0 ? 0 : c == 41 ? ~UINT64_C(0) : UINT64_C(1) << c;
        _cleanup_(brig_json_freep) BrigJson *a = NULL, *b = NULL;
        ck_assert_int_eq(brig_seccomp_resolve(tree, caps, &a, &err), 0);
        ck_assert_int_eq(brig_seccomp_resolve(parsed, caps, &b, &err), 0);
        _cleanup_free_ char *sa = tu_compact(a), *sb = tu_compact(b);
        ck_assert_str_eq(sa, sb);
    }
    /* a copy is an ordinary heap tree, free to change and free */
    _cleanup_(brig_json_freep) BrigJson *copy = brig_json_copy(tree);
    brig_json_set(copy, "defaultAction", brig_json_new_string("SCMP_ACT_KILL_PROCESS"));
    ck_assert(!brig_json_equal(copy, tree));
}
END_TEST

/* The built-in policy's case, no capabilities on x86_64, is resolved and
 * narrowed at build time: it must be exactly what brig would compute, for
 * both x32 answers; other cases still resolve at run time. */
START_TEST(test_preresolved_is_the_resolution)
{
    ck_assert_ptr_nonnull(brig_seccomp_preresolved[0]);
    ck_assert_ptr_nonnull(brig_seccomp_preresolved[1]);
    const BrigJson *def;
    BrigError *err = NULL;
    ck_assert_int_eq(brig_seccomp_default(&def, &err), 0);
    static const struct {
        uint64_t caps;
        uint32_t native;
    } cases[] = {
        {0, SCMP_ARCH_X86_64},
        {UINT64_C(1) << 21, SCMP_ARCH_X86_64}, /* CAP_SYS_ADMIN: at run time */
        {0, SCMP_ARCH_AARCH64},                /* another family: at run time */
        {0, 0},                                /* unknown host: everything */
    };
    for (size_t c = 0; c < ELEMENTSOF(cases); c++) {
        for (int x32_off = 0; x32_off <= 1; x32_off++) {
            _cleanup_(brig_json_freep) BrigJson *want = NULL;
            _cleanup_(brig_json_freep) BrigJson *got = NULL;
            ck_assert_int_eq(brig_seccomp_resolve_for_host(def, cases[c].caps, cases[c].native,
                                                           x32_off, &want, &err),
                             0);
            ck_assert_int_eq(
                brig_seccomp_default_resolved(cases[c].caps, cases[c].native, x32_off, &got, &err),
                0);
            _cleanup_free_ char *a = brig_json_serialize(want, BRIG_JSON_PRETTY, NULL);
            _cleanup_free_ char *b = brig_json_serialize(got, BRIG_JSON_PRETTY, NULL);
            ck_assert_msg(streq(a, b), "case %zu, x32 %s: pre-resolved profile differs", c,
                          x32_off ? "off" : "on");
        }
    }
    /* the build's digests are those of the profiles */
    for (int x32_off = 0; x32_off <= 1; x32_off++) {
        _cleanup_(brig_json_freep) BrigJson *p = NULL;
        ck_assert_int_eq(brig_seccomp_default_resolved(0, SCMP_ARCH_X86_64, x32_off, &p, &err), 0);
        size_t len;
        _cleanup_free_ char *text = brig_json_serialize(p, 0, &len);
        char digest[BRIG_DIGEST_LEN];
        brig_sha256_digest(text, len, digest);
        ck_assert_str_eq(brig_seccomp_default_resolved_digest(0, SCMP_ARCH_X86_64, x32_off),
                         digest);
    }
    ck_assert_ptr_null(
        brig_seccomp_default_resolved_digest(UINT64_C(1) << 21, SCMP_ARCH_X86_64, 0));
    ck_assert_ptr_null(brig_seccomp_default_resolved_digest(0, SCMP_ARCH_AARCH64, 0));
    /* and the two x86_64 profiles differ in x32 */
    _cleanup_(brig_json_freep) BrigJson *on = NULL;
    _cleanup_(brig_json_freep) BrigJson *off = NULL;
    ck_assert_int_eq(brig_seccomp_default_resolved(0, SCMP_ARCH_X86_64, false, &on, &err), 0);
    ck_assert_int_eq(brig_seccomp_default_resolved(0, SCMP_ARCH_X86_64, true, &off, &err), 0);
    _cleanup_free_ char *aon = tu_compact(brig_json_get(on, "architectures"));
    _cleanup_free_ char *aoff = tu_compact(brig_json_get(off, "architectures"));
    ck_assert_str_eq(aon, "[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\",\"SCMP_ARCH_X32\"]");
    ck_assert_str_eq(aoff, "[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\"]");
}
END_TEST

/* A pre-resolved profile is one allocation that its root heads: every
 * change a pass can make (a member added, a kid replaced or removed, a key
 * renamed, a subtree moved out by copy) must work and free cleanly (the
 * ASan and valgrind runs of this suite check the frees). */
START_TEST(test_block_tree_is_mutable)
{
    BrigError *err = NULL;
    _cleanup_(brig_json_freep) BrigJson *p = NULL;
    ck_assert_int_eq(brig_seccomp_default_resolved(0, SCMP_ARCH_X86_64, true, &p, &err), 0);
    _cleanup_free_ char *before = tu_compact(p);
    BrigJson *sys = brig_json_get(p, "syscalls");
    ck_assert_ptr_nonnull(sys);
    size_t n = sys->n;
    BrigJson *names = brig_json_get(sys->kids[0], "names");
    size_t nn = names->n;
    /* grow kids arrays that live in the block: they move to the heap */
    for (int i = 0; i < 20; i++)
        brig_json_append(names, brig_json_new_string("brig_test_name"));
    ck_assert_uint_eq(names->n, nn + 20);
    brig_json_set(p, "listenerPath", brig_json_new_string("/run/agent.sock"));
    brig_json_set(p, "defaultAction", brig_json_new_string("SCMP_ACT_KILL_PROCESS"));
    brig_json_delete_at(sys, 1);
    brig_json_insert(sys, 0, brig_json_new(BRIG_JSON_OBJECT));
    ck_assert_uint_eq(sys->n, n);
    BrigJson *moved = brig_json_copy(sys->kids[1]);
    brig_json_set(p, "moved", moved);
    ck_assert(brig_json_equal(brig_json_get(p, "moved"), sys->kids[1]));
    _cleanup_free_ char *after = tu_compact(p);
    ck_assert_str_ne(before, after);
    ck_assert_ptr_nonnull(strstr(after, "\"brig_test_name\""));
    ck_assert_ptr_nonnull(strstr(after, "\"listenerPath\":\"/run/agent.sock\""));
    /* a second profile is unaffected: the block is a copy */
    _cleanup_(brig_json_freep) BrigJson *q = NULL;
    ck_assert_int_eq(brig_seccomp_default_resolved(0, SCMP_ARCH_X86_64, true, &q, &err), 0);
    _cleanup_free_ char *fresh = tu_compact(q);
    ck_assert_str_eq(before, fresh);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("seccomp_tree");
    TCase *tc = tcase_create("seccomp_tree");
    tcase_add_test(tc, test_tree_is_the_parse);
    tcase_add_test(tc, test_tree_resolves_like_the_parse);
    tcase_add_test(tc, test_preresolved_is_the_resolution);
    tcase_add_test(tc, test_block_tree_is_mutable);
    suite_add_tcase(s, tc);
    return tu_run(s);
}
