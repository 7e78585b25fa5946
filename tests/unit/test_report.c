/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The change report feeds --diff, the audit log and reject mode, so each
 * entry must say exactly which pass changed which field from what to what,
 * and be a snapshot that later edits to the config cannot alter. */
#include "report.h"
#include "testutil.h"

START_TEST(test_fix_refuse_note)
{
    BrigReport rep = {0};
    _cleanup_(brig_json_freep) BrigJson *before = tu_parse("{\"uid\":0,\"n\":1.50}");
    _cleanup_(brig_json_freep) BrigJson *after = brig_json_new_uint(65534);

    rep.pass = "user";
    brig_report_fix(&rep, "/process/user/uid", brig_json_get(before, "uid"), after,
                    "uid %d is not allowed by %s", 0, "built-in default policy");
    rep.pass = "namespaces";
    brig_report_refuse(&rep, "/linux/namespaces/0/path", brig_json_get(before, "n"),
                       "joins the host's %s namespace", "pid");
    rep.pass = NULL;
    brig_report_note(&rep, "/annotations/io.brig.hardened", "%s", "brig/0.1.0");
    brig_report_fix(&rep, "/process/capabilities", NULL, before, "whole object");
    brig_report_fix(&rep, "/removed", before, NULL, "removed");

    ck_assert_uint_eq(rep.n, 5);
    BrigChange *c = &rep.v[0];
    ck_assert_int_eq(c->kind, BRIG_FIX);
    ck_assert_str_eq(c->pass, "user");
    ck_assert_str_eq(c->pointer, "/process/user/uid");
    ck_assert_str_eq(c->before, "0");
    ck_assert_str_eq(c->after, "65534");
    ck_assert_str_eq(c->reason, "uid 0 is not allowed by built-in default policy");

    c = &rep.v[1];
    ck_assert_int_eq(c->kind, BRIG_REFUSE);
    ck_assert_str_eq(c->pass, "namespaces");
    ck_assert_str_eq(c->before, "1.50"); /* numbers are recorded as written */
    ck_assert_ptr_null(c->after);
    ck_assert_str_eq(c->reason, "joins the host's pid namespace");

    c = &rep.v[2];
    ck_assert_int_eq(c->kind, BRIG_NOTE);
    ck_assert_str_eq(c->pass, "brig"); /* recorded outside any pass */
    ck_assert_ptr_null(c->before);
    ck_assert_ptr_null(c->after);
    ck_assert_str_eq(c->reason, "brig/0.1.0");

    ck_assert_ptr_null(rep.v[3].before);
    ck_assert_str_eq(rep.v[3].after, "{\"uid\":0,\"n\":1.50}");
    ck_assert_str_eq(rep.v[4].before, "{\"uid\":0,\"n\":1.50}");
    ck_assert_ptr_null(rep.v[4].after);

    ck_assert_uint_eq(brig_report_count(&rep, BRIG_FIX), 3);
    ck_assert_uint_eq(brig_report_count(&rep, BRIG_REFUSE), 1);
    ck_assert_uint_eq(brig_report_count(&rep, BRIG_NOTE), 1);
    brig_report_clear(&rep);
}
END_TEST

START_TEST(test_snapshot)
{
    BrigReport rep = {0};
    _cleanup_(brig_json_freep) BrigJson *arr = tu_parse("[\"CAP_CHOWN\"]");
    brig_report_fix(&rep, "/x", arr, arr, "same node");
    /* the config keeps changing after the entry is recorded */
    brig_json_append(arr, brig_json_new_string("CAP_KILL"));
    ck_assert_str_eq(rep.v[0].before, "[\"CAP_CHOWN\"]");
    ck_assert_str_eq(rep.v[0].after, "[\"CAP_CHOWN\"]");
    brig_report_clear(&rep);
}
END_TEST

START_TEST(test_clear_and_reuse)
{
    BrigReport rep = {0};
    for (int i = 0; i < 1000; i++)
        brig_report_note(&rep, "/p", "note %d", i);
    ck_assert_uint_eq(rep.n, 1000);
    ck_assert_uint_ge(rep.cap, 1000);
    ck_assert_str_eq(rep.v[999].reason, "note 999");
    ck_assert_str_eq(rep.v[0].reason, "note 0");
    rep.pass = "x";
    brig_report_clear(&rep);
    ck_assert_uint_eq(rep.n, 0);
    ck_assert_uint_eq(rep.cap, 0);
    ck_assert_ptr_null(rep.v);
    ck_assert_ptr_null(rep.pass);
    ck_assert_uint_eq(brig_report_count(&rep, BRIG_NOTE), 0);
    /* an empty report can be cleared and used again */
    brig_report_clear(&rep);
    brig_report_refuse(&rep, "", NULL, "%s", "whole config");
    ck_assert_uint_eq(brig_report_count(&rep, BRIG_REFUSE), 1);
    ck_assert_ptr_null(rep.v[0].before);
    ck_assert_str_eq(rep.v[0].pointer, "");
    brig_report_clear(&rep);
}
END_TEST

START_TEST(test_reason_is_formatted_verbatim)
{
    BrigReport rep = {0};
    /* a reason quoting config content must not be taken as a format */
    brig_report_fix(&rep, "/p", NULL, NULL, "%s", "100%s %n %d");
    ck_assert_str_eq(rep.v[0].reason, "100%s %n %d");
    brig_report_clear(&rep);
}
END_TEST

START_TEST(test_kind_names)
{
    ck_assert_str_eq(brig_change_kind_name(BRIG_FIX), "fix");
    ck_assert_str_eq(brig_change_kind_name(BRIG_REFUSE), "refuse");
    ck_assert_str_eq(brig_change_kind_name(BRIG_NOTE), "note");
    ck_assert_str_eq(brig_change_kind_name((BrigChangeKind)99), "?");
}
END_TEST

/* Without a reader for the values (runtime mode, no audit log) a change
 * keeps its pass, pointer and reason, which refusals and reject mode
 * print, and nothing is serialized. */
START_TEST(test_no_values)
{
    BrigReport rep = {.no_values = true, .pass = "user"};
    _cleanup_(brig_json_freep) BrigJson *uid = brig_json_new_uint(65534);
    _cleanup_(brig_json_freep) BrigJson *zero = brig_json_new_uint(0);
    brig_report_fix(&rep, "/process/user/uid", zero, uid, "uid %d is not allowed", 0);
    brig_report_refuse(&rep, "/linux/namespaces/0/path", zero, "joins the host's %s", "pid");
    ck_assert_uint_eq(rep.n, 2);
    for (size_t i = 0; i < rep.n; i++) {
        ck_assert_ptr_null(rep.v[i].before);
        ck_assert_ptr_null(rep.v[i].after);
        ck_assert_str_eq(rep.v[i].pass, "user");
    }
    ck_assert_str_eq(rep.v[0].pointer, "/process/user/uid");
    ck_assert_str_eq(rep.v[0].reason, "uid 0 is not allowed");
    ck_assert_str_eq(rep.v[1].reason, "joins the host's pid");
    brig_report_clear(&rep);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("report");
    TCase *tc = tcase_create("report");
    tcase_add_test(tc, test_fix_refuse_note);
    tcase_add_test(tc, test_snapshot);
    tcase_add_test(tc, test_clear_and_reuse);
    tcase_add_test(tc, test_reason_is_formatted_verbatim);
    tcase_add_test(tc, test_kind_names);
    tcase_add_test(tc, test_no_values);
    suite_add_tcase(s, tc);
    return tu_run(s);
}
