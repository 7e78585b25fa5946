/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Writable paths: brig learned lists only the outermost directory of a
 * subtree it wrote in (the tmpfs there is a copy of the image's subtree),
 * and a policy that lists nested paths in one list is refused with the
 * path to keep. */
#include <stdio.h>

#include "learn/learn.h"
#include "policy.h"
#include "testutil.h"

static size_t writable_rules(const BrigJson *pol)
{
    size_t n = 0;
    const BrigJson *r;
    BRIG_JSON_FOREACH (r, brig_json_get(pol, "rules"))
        n += brig_json_get_path(r, "allow/writablePaths") != NULL;
    return n;
}

/* postgres, as learnt: a write in the data directory after writes in six
 * directories below it, and one elsewhere */
START_TEST(nested_writes_collapse_to_the_outer_directory)
{
    static const char *const dirs[] = {
        "/var/lib/postgresql/15/main/global",  "/var/lib/postgresql/15/main/pg_stat",
        "/var/lib/postgresql/15/main/pg_wal",  "/var/lib/postgresql/15/main/pg_xact",
        "/var/lib/postgresql/15/main/pg_xact", "/var/lib/postgresql/15/main/pg_multixact/offsets",
        "/var/lib/postgresql/15/main",         "/var/log/postgresql",
        "/var/lib/postgresql/15/mainly",
    };
    BrigJson *d = tu_parse("{\"version\":1,\"id\":\"c1\",\"ran\":true,\"writes\":[]}");
    BrigJson *w = brig_json_get(d, "writes");
    for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
        BrigJson *e = brig_json_new(BRIG_JSON_OBJECT);
        brig_json_set(e, "dir", brig_json_new_string(dirs[i]));
        brig_json_set(e, "op", brig_json_new_string("openat(\"x\")"));
        brig_json_set(e, "comm", brig_json_new_string("postgres"));
        brig_json_set(e, "pid", brig_json_new_int(7));
        brig_json_append(w, e);
    }
    BrigLearned l;
    tu_learned(d, &l); /* what it writes parses as a policy */
    ck_assert_ptr_nonnull(l.policy);
    ck_assert_uint_eq(writable_rules(l.policy), 3);
    const BrigJson *r = tu_rule_named(l.policy, "learned: writable /var/lib/postgresql/15/main");
    ck_assert_ptr_nonnull(r);
    const char *why = brig_json_str(brig_json_get(r, "reason"));
    ck_assert_msg(strstr(why, "writes in /var/lib/postgresql/15/main, and in "
                              "/var/lib/postgresql/15/main/global, "
                              "/var/lib/postgresql/15/main/pg_stat, "
                              "/var/lib/postgresql/15/main/pg_wal and 2 more below it, which its "
                              "copy holds"),
                  "%s", why);
    /* a sibling that shares a prefix is not below it */
    ck_assert_ptr_nonnull(
        tu_rule_named(l.policy, "learned: writable /var/lib/postgresql/15/mainly"));
    ck_assert_ptr_nonnull(tu_rule_named(l.policy, "learned: writable /var/log/postgresql"));
    ck_assert_ptr_null(
        tu_rule_named(l.policy, "learned: writable /var/lib/postgresql/15/main/pg_wal"));
    brig_learned_done(&l);
    brig_json_free(d);
}
END_TEST

START_TEST(nested_writable_paths_in_one_list_are_refused)
{
    static const struct {
        const char *paths, *msg;
    } bad[] = {
        {"\"/a\",\"/a/b\"", "/defaults/writablePaths/1: /a/b is below /a, also listed: the tmpfs "
                            "at /a is a copy of the image's /a and holds /a/b, with the owners "
                            "and modes the image gives it; list only /a"},
        {"\"/a/b/c\",\"/x\",\"/a\"", "/defaults/writablePaths/2: /a/b/c is below /a"},
        {"\"/a\",\"/a\"", "/defaults/writablePaths/1: /a is listed twice"},
    };
    for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
        _cleanup_free_ char *text =
            xasprintf("{\"version\":1,\"defaults\":{\"writablePaths\":[%s]}}", bad[i].paths);
        BrigPolicyDoc *doc = NULL;
        BrigError *err = NULL;
        ck_assert_int_lt(brig_policy_parse(text, strlen(text), "p", &doc, &err), 0);
        ck_assert_msg(strstr(err->msg, bad[i].msg), "%s: %s", text, err->msg);
        brig_error_free(err);
    }
    /* siblings, and prefixes that are not parents, are fine */
    const char *ok = "{\"version\":1,\"defaults\":{\"writablePaths\":[\"/a/b\",\"/a/c\",\"/ab\","
                     "\"/a/bc\"]}}";
    BrigPolicyDoc *doc = NULL;
    BrigError *err = NULL;
    ck_assert_int_eq(brig_policy_parse(ok, strlen(ok), "p", &doc, &err), 0);
    brig_policy_doc_free(doc);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("learn_paths");
    TCase *t = tcase_create("core");
    tcase_add_test(t, nested_writes_collapse_to_the_outer_directory);
    tcase_add_test(t, nested_writable_paths_in_one_list_are_refused);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return tu_run(suite());
}
