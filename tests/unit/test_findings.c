/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `brig check` as a CI gate: a stable rule id per finding, a severity per
 * mode, and the line and column of the field in the input text, found
 * without the parser's help (the runtime path never pays for positions). */
#include "findings.h"
#include "testutil.h"

static char *rule(const char *pass, const char *pointer)
{
    BrigChange c = {.pass = (char *)pass, .pointer = (char *)pointer};
    return brig_change_rule_id(&c);
}

START_TEST(test_rule_ids)
{
    static const char *const cases[][3] = {
        {"capabilities", "/process/capabilities/bounding", "capabilities/bounding"},
        {"user", "/process/user/uid", "user/uid"},
        {"mounts", "/mounts/3/options", "mounts/options"},
        {"mounts", "/mounts/3", "mounts/mounts"},
        {"rootfs", "/mounts/-", "rootfs/mounts"},
        {"annotations", "/annotations/run.oci.handler", "annotations/annotations"},
        {"annotations", "/annotations/a~1b", "annotations/annotations"},
        {"sysctls", "/linux/sysctl/net.ipv4.ip_forward", "sysctls/sysctl"},
        {"resources", "/linux/resources/pids/limit", "resources/pids.limit"},
        {"devices", "/linux/devices/0/type", "devices/type"},
        {"seccomp", "/linux/seccomp", "seccomp/seccomp"},
        {"exec_flags", "/argv/--cap", "exec_flags/argv"},
        {"user", "", "user/config"},
    };
    for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
        _cleanup_free_ char *r = rule(cases[i][0], cases[i][1]);
        ck_assert_str_eq(r, cases[i][2]);
    }
}
END_TEST

START_TEST(test_severity)
{
    BrigChange fix = {.kind = BRIG_FIX}, ref = {.kind = BRIG_REFUSE}, note = {.kind = BRIG_NOTE};
    ck_assert_int_eq(brig_change_severity(&fix, BRIG_MODE_ENFORCE), BRIG_SEVERITY_WARNING);
    ck_assert_int_eq(brig_change_severity(&fix, BRIG_MODE_AUDIT), BRIG_SEVERITY_WARNING);
    ck_assert_int_eq(brig_change_severity(&fix, BRIG_MODE_REJECT), BRIG_SEVERITY_ERROR);
    ck_assert_int_eq(brig_change_severity(&ref, BRIG_MODE_ENFORCE), BRIG_SEVERITY_ERROR);
    ck_assert_int_eq(brig_change_severity(&note, BRIG_MODE_REJECT), BRIG_SEVERITY_NOTE);
    ck_assert_int_eq(brig_severity_from_name("warning"), BRIG_SEVERITY_WARNING);
    ck_assert_int_eq(brig_severity_from_name("never"), -1);
    ck_assert_str_eq(brig_severity_name(BRIG_SEVERITY_ERROR), "error");
}
END_TEST

static void at(const char *json, const char *pointer, unsigned line, unsigned col)
{
    unsigned l = 0, c = 0;
    brig_json_locate(json, strlen(json), pointer, &l, &c);
    ck_assert_msg(l == line && c == col, "%s: got %u:%u, want %u:%u", pointer, l, c, line, col);
}

START_TEST(test_locate)
{
    const char *doc = "{\n"
                      "  \"ociVersion\": \"1.0.2\",\n"
                      "  \"process\": {\n"
                      "    \"user\": {\"uid\": 0, \"gid\": 0},\n"
                      "    \"args\": [\"sh\", \"-c\", \"x]}\\\"\"],\n"
                      "    \"capabilities\": {\"bounding\": [\"CAP_KILL\"]}\n"
                      "  },\n"
                      "  \"mounts\": [{\"destination\": \"/proc\"},\n"
                      "             {\"destination\": \"/d\\u00e9v\", \"options\": [\"rw\"]}],\n"
                      "  \"annotations\": {\"a/b\": \"1\", \"é\": \"2\"}\n"
                      "}\n";
    at(doc, "", 1, 1);
    at(doc, "/process/user/uid", 4, 21);
    at(doc, "/process/user/gid", 4, 31);
    /* a string holding brackets, quotes and escapes is skipped whole */
    at(doc, "/process/capabilities/bounding", 6, 34);
    at(doc, "/mounts/1/options", 9, 54);
    at(doc, "/mounts/1", 9, 14);
    /* absent fields: the nearest enclosing value the text has */
    at(doc, "/process/noNewPrivileges", 3, 14);
    at(doc, "/mounts/7", 8, 13);
    at(doc, "/linux/seccomp", 1, 1);
    /* RFC 6901 escapes in the pointer; columns count characters */
    at(doc, "/annotations/a~1b", 10, 26);
    at(doc, "/annotations/é", 10, 36);
    /* the last of duplicate keys, as Go reads it */
    at("{\"a\": 1, \"a\": 2}", "/a", 1, 15);
    /* case folded as runc would read it, when no exact key exists */
    at("{\"Process\": {\"User\": 5}}", "/process/user", 1, 22);
    /* a truncated text never reads past its end */
    at("{\"a\": [1, 2", "/a/5", 1, 7);
    at("", "/a", 1, 1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("findings");
    TCase *tc = tcase_create("findings");
    tcase_add_test(tc, test_rule_ids);
    tcase_add_test(tc, test_severity);
    tcase_add_test(tc, test_locate);
    suite_add_tcase(s, tc);
    return tu_run(s);
}
