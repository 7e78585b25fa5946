/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The spec table is data the spec pass walks and docs/spec-fields.md is
 * printed from: its shape is checked here (depth-first order, parents,
 * decisions that name a real pass or grant), and so is the doc. */
#include <stdio.h>

#include "harden.h"
#include "spec/table.h"
#include "testutil.h"

bool spec_go_fold_equal(const char *a, const char *b);

static bool is_pass(const char *name)
{
    for (size_t i = 0; i < brig_n_passes; i++)
        if (streq(brig_passes[i].name, name))
            return true;
    return false;
}

START_TEST(test_table_shape)
{
    ck_assert_str_eq(brig_spec_fields[0].path, "");
    ck_assert_int_eq(brig_spec_fields[0].shape, BRIG_SPEC_EXTENSIBLE);
    for (size_t i = 1; i < brig_spec_n_fields; i++) {
        const BrigSpecField *f = &brig_spec_fields[i];
        ck_assert_msg(f->path[0] == '/', "%s", f->path);
        ck_assert_msg(f->why && *f->why, "%s: no reason", f->path);
        for (size_t k = 0; k < i; k++)
            ck_assert_msg(!streq(brig_spec_fields[k].path, f->path), "%s twice", f->path);
        /* its parent is the closest row above it whose subtree holds it */
        size_t parent = i;
        while (parent-- > 0)
            if (brig_spec_subtree_end(parent) > i)
                break;
        ck_assert_msg(brig_spec_is_child(parent, i), "%s: not a child of %s (order?)", f->path,
                      brig_spec_fields[parent].path);
        ck_assert_msg(brig_spec_find(f->path) == f, "%s", f->path);
        /* a "*" token only below an array or map of objects */
        ck_assert_msg(brig_spec_key(f)[0] != '*', "%s", f->path);
        switch (f->decision) {
        case BRIG_SPEC_KEEP:
            ck_assert_msg(!f->by, "%s: kept, by %s?", f->path, f->by);
            break;
        case BRIG_SPEC_REWRITE:
        case BRIG_SPEC_REMOVE:
            ck_assert_msg(f->by && is_pass(f->by), "%s: no pass named %s", f->path,
                          f->by ? f->by : "(null)");
            break;
        case BRIG_SPEC_GRANT:
            ck_assert_msg(f->by && streq(f->by, BRIG_SPEC_GRANT_FIELDS), "%s", f->path);
            break;
        }
    }
    /* containers have rows below them, values none */
    for (size_t i = 0; i < brig_spec_n_fields; i++) {
        bool leaf = brig_spec_subtree_end(i) == i + 1;
        bool value = brig_spec_fields[i].shape == BRIG_SPEC_VALUE ||
                     brig_spec_fields[i].shape == BRIG_SPEC_MAP;
        ck_assert_msg(leaf == value, "%s: shape %s with%s rows below", brig_spec_fields[i].path,
                      brig_spec_shape_name(brig_spec_fields[i].shape), leaf ? "out" : "");
        size_t kids = 0;
        for (size_t k = i + 1; k < brig_spec_subtree_end(i); k++)
            kids += brig_spec_is_child(i, k);
        ck_assert_uint_le(kids, 64); /* passes/spec.c's MAX_KIDS */
    }
    /* the fields issue 13 names, and the ones the per-field checks missed */
    static const char *const must[] = {
        "/linux/resources/pids/limit", "/linux/devices/*/major",
        "/linux/devices/*/minor",      "/linux/resources/devices/*/allow",
        "/process/oomScoreAdj",        "/linux/intelRdt",
        "/linux/personality",          "/linux/timeOffsets",
        "/linux/rootfsPropagation",    "/linux/memoryPolicy",
        "/linux/netDevices",           "/process/scheduler",
        "/process/ioPriority",         "/process/execCPUAffinity",
        "/linux/mountLabel",           "/linux/seccomp/syscalls/*/args/*/valueTwo",
        "/mounts/*/uidMappings",
    };
    for (size_t i = 0; i < ELEMENTSOF(must); i++)
        ck_assert_msg(brig_spec_find(must[i]), "%s missing", must[i]);
}
END_TEST

START_TEST(test_go_fold)
{
    ck_assert(spec_go_fold_equal("Limit", "limit"));
    ck_assert(spec_go_fold_equal("LIMIT", "limit"));
    ck_assert(spec_go_fold_equal("proce\xc5\xbfs", "process")); /* U+017F */
    ck_assert(spec_go_fold_equal("\xe2\x84\xaa"
                                 "ernel",
                                 "kernel")); /* U+212A */
    ck_assert(spec_go_fold_equal("G\xc4\xb1"
                                 "d",
                                 "gid")); /* U+0131 */
    ck_assert(spec_go_fold_equal("G\xc4\xb0"
                                 "D",
                                 "gid")); /* U+0130 */
    ck_assert(!spec_go_fold_equal("limits", "limit"));
    ck_assert(!spec_go_fold_equal("lim\xc3\xaet", "limit")); /* î does not fold to i */
    ck_assert(!spec_go_fold_equal("", "limit"));
    ck_assert(spec_go_fold_equal("", ""));
}
END_TEST

/* docs/spec-fields.md is the table's own output: regenerate it with
 * `build/lib/spec-fields > docs/spec-fields.md` when a row changes. */
START_TEST(test_doc_matches_table)
{
    size_t len;
    _cleanup_free_ char *doc = tu_read_data("../../docs/spec-fields.md", &len);
    _cleanup_free_ char *want = brig_spec_markdown();
    ck_assert_msg(streq(doc, want), "docs/spec-fields.md differs from lib/spec/table.c: run "
                                    "`build/lib/spec-fields > docs/spec-fields.md`");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("spec");
    TCase *tc = tcase_create("spec");
    tcase_add_test(tc, test_table_shape);
    tcase_add_test(tc, test_go_fold);
    tcase_add_test(tc, test_doc_matches_table);
    suite_add_tcase(s, tc);
    return tu_run(s);
}
