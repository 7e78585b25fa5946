/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Capabilities pass: golden files under tests/data/capabilities, plus the
 * rules that matter most stated directly: nothing is ever widened, a root
 * process never gains ambient capabilities, a non-root process keeps an
 * allowed capability only through ambient+inheritable, and malformed sets
 * are errors that name the exact element. */
#include "caps.h"
#include "golden.h"

#define CAP(n) (UINT64_C(1) << (n))

static void setup_policy(const char *name, BrigPolicy *p)
{
    if (strstr(name, "allow-netbind-chown"))
        p->caps_allowed =
            CAP(brig_cap_from_name("CAP_NET_BIND_SERVICE")) | CAP(brig_cap_from_name("CAP_CHOWN"));
    else if (strstr(name, "allow-netbind"))
        p->caps_allowed = CAP(brig_cap_from_name("CAP_NET_BIND_SERVICE"));
    else if (strstr(name, "allow-all"))
        p->caps_allowed = (CAP(BRIG_CAP_LAST) << 1) - 1;
}

START_TEST(test_golden)
{
    ck_assert_uint_ge(golden_run_dir("capabilities", pass_capabilities, setup_policy), 10);
}
END_TEST

START_TEST(test_errors)
{
    golden_assert_error(pass_capabilities,
                        "{\"process\":{\"capabilities\":{\"bounding\":[\"CAP_FOO\"]}}}",
                        "/process/capabilities/bounding/0: unknown capability name \"CAP_FOO\"");
    /* the OCI spelling is exact, as in runc */
    golden_assert_error(pass_capabilities,
                        "{\"process\":{\"capabilities\":{\"bounding\":[],\"effective\":[\"CAP_"
                        "KILL\",\"cap_chown\"]}}}",
                        "/process/capabilities/effective/1: unknown capability name \"cap_chown\"");
    golden_assert_error(pass_capabilities,
                        "{\"process\":{\"capabilities\":{\"permitted\":[\"CAP_KILL\",7]}}}",
                        "/process/capabilities/permitted/1: expected a capability name, found "
                        "number");
    golden_assert_error(pass_capabilities,
                        "{\"process\":{\"capabilities\":{\"ambient\":\"CAP_KILL\"}}}",
                        "/process/capabilities/ambient: expected an array of capability names, "
                        "found string");
    golden_assert_error(pass_capabilities, "{\"process\":{\"capabilities\":[]}}",
                        "/process/capabilities: expected an object, found array");
    golden_assert_error(pass_capabilities, "{\"process\":\"sh\"}",
                        "/process: expected an object, found string");
}
END_TEST

static uint64_t set_mask(const BrigJson *spec, const char *set)
{
    _cleanup_free_ char *path = xasprintf("process/capabilities/%s", set);
    const BrigJson *arr = brig_json_get_path(spec, path), *e;
    uint64_t m = 0;
    BRIG_JSON_FOREACH (e, arr)
        m |= CAP(brig_cap_from_name(brig_json_str(e)));
    return m;
}

static void allow_netbind(const char *name, BrigPolicy *p)
{
    setup_policy("allow-netbind", p);
}

static void allow_all(const char *name, BrigPolicy *p)
{
    setup_policy("allow-all", p);
}

/* Every combination of sets over two capabilities, root and non-root: the
 * output sets are subsets of the input's, except that a non-root process may
 * gain ambient/inheritable for what it had permitted. */
START_TEST(test_never_widens_exhaustive)
{
    static const char *const sets[] = {"bounding", "effective", "permitted", "inheritable",
                                       "ambient"};
    static const char *const names[] = {"CAP_NET_BIND_SERVICE", "CAP_SYS_ADMIN"};
    GoldenSetup setups[] = {NULL, allow_netbind, allow_all};
    for (int uid = 0; uid <= 1000; uid += 1000)
        for (unsigned combo = 0; combo < (1u << 10); combo++)
            for (size_t s = 0; s < ELEMENTSOF(setups); s++) {
                _cleanup_(brig_json_freep) BrigJson *in =
                    tu_parse("{\"process\":{\"user\":{\"uid\":0},\"capabilities\":{}}}");
                brig_json_set(brig_json_get_path(in, "process/user"), "uid",
                              brig_json_new_int(uid));
                BrigJson *caps = brig_json_get_path(in, "process/capabilities");
                for (int k = 0; k < 5; k++) {
                    BrigJson *arr = brig_json_new(BRIG_JSON_ARRAY);
                    for (int c = 0; c < 2; c++)
                        if (combo & (1u << (k * 2 + c)))
                            brig_json_append(arr, brig_json_new_string(names[c]));
                    brig_json_set(caps, sets[k], arr);
                }
                _cleanup_free_ char *text = tu_compact(in);
                BrigReport rep = {0};
                _cleanup_free_ char *out_text =
                    golden_run_inline(pass_capabilities, text, setups[s], &rep);
                brig_report_clear(&rep);
                _cleanup_(brig_json_freep) BrigJson *out = tu_parse(out_text);
                uint64_t b = set_mask(in, "bounding"), e = set_mask(in, "effective"),
                         p = set_mask(in, "permitted"), i = set_mask(in, "inheritable"),
                         a = set_mask(in, "ambient");
                uint64_t ob = set_mask(out, "bounding"), oe = set_mask(out, "effective"),
                         op = set_mask(out, "permitted"), oi = set_mask(out, "inheritable"),
                         oa = set_mask(out, "ambient");
                ck_assert_msg((ob & ~b) == 0 && (oe & ~e) == 0 && (op & ~p) == 0, "%s -> %s", text,
                              out_text);
                /* what is kept is held: permitted, within bounding */
                ck_assert_msg((op & ~ob) == 0 && (oe & ~op) == 0, "%s -> %s", text, out_text);
                /* the kernel's rule: ambient within permitted and inheritable */
                ck_assert_msg((oa & ~(op & oi)) == 0, "%s -> %s", text, out_text);
                if (uid == 0) {
                    ck_assert_msg((oi & ~i) == 0 && (oa & ~a) == 0, "root gained: %s -> %s", text,
                                  out_text);
                } else {
                    ck_assert_msg((oi & ~(i | p)) == 0 && (oa & ~(a | p)) == 0, "%s -> %s", text,
                                  out_text);
                    /* and a kept capability survives exec through ambient */
                    ck_assert_msg(oa == op, "non-root without ambient: %s -> %s", text, out_text);
                }
            }
}
END_TEST

START_TEST(test_report_reasons)
{
    BrigReport rep = {0};
    _cleanup_free_ char *out = golden_run_inline(
        pass_capabilities,
        "{\"process\":{\"user\":{\"uid\":1000},\"capabilities\":{\"bounding\":[\"CAP_KILL\","
        "\"CAP_NET_BIND_SERVICE\"],\"effective\":[\"CAP_NET_BIND_SERVICE\"],\"permitted\":["
        "\"CAP_KILL\",\"CAP_NET_BIND_SERVICE\"]}}}",
        allow_netbind, &rep);
    ck_assert_str_eq(out, "{\"process\":{\"user\":{\"uid\":1000},\"capabilities\":{\"bounding\":["
                          "\"CAP_NET_BIND_SERVICE\"],\"effective\":[\"CAP_NET_BIND_SERVICE\"],"
                          "\"permitted\":[\"CAP_NET_BIND_SERVICE\"],\"inheritable\":["
                          "\"CAP_NET_BIND_SERVICE\"],\"ambient\":[\"CAP_NET_BIND_SERVICE\"]}}}");
    ck_assert_uint_eq(rep.n, 4);
    ck_assert_str_eq(rep.v[0].pointer, "/process/capabilities/bounding");
    ck_assert_str_eq(rep.v[0].before, "[\"CAP_KILL\",\"CAP_NET_BIND_SERVICE\"]");
    ck_assert_str_eq(rep.v[0].after, "[\"CAP_NET_BIND_SERVICE\"]");
    _cleanup_free_ char *src = golden_policy_source();
    _cleanup_free_ char *why = xasprintf("dropped CAP_KILL: not allowed by %s", src);
    ck_assert_str_eq(rep.v[0].reason, why);
    ck_assert_str_eq(rep.v[1].pointer, "/process/capabilities/permitted");
    ck_assert_str_eq(rep.v[2].pointer, "/process/capabilities/inheritable");
    ck_assert_ptr_null(rep.v[2].before);
    ck_assert_str_eq(rep.v[2].reason,
                     "added CAP_NET_BIND_SERVICE so a non-root process keeps it across exec");
    ck_assert_str_eq(rep.v[3].pointer, "/process/capabilities/ambient");
    brig_report_clear(&rep);

    _cleanup_free_ char *out2 =
        golden_run_inline(pass_capabilities, "{\"process\":{}}", NULL, &rep);
    ck_assert_str_eq(out2, "{\"process\":{\"capabilities\":{\"bounding\":[],\"effective\":[],"
                           "\"permitted\":[],\"inheritable\":[],\"ambient\":[]}}}");
    ck_assert_uint_eq(rep.n, 1);
    ck_assert_str_eq(rep.v[0].pointer, "/process/capabilities");
    ck_assert_ptr_null(rep.v[0].before);
    _cleanup_free_ char *why2 = xasprintf("no capabilities object means the runtime keeps every "
                                          "capability; set explicitly to what %s allows",
                                          src);
    ck_assert_str_eq(rep.v[0].reason, why2);
    ck_assert_str_eq(rep.v[0].pass, "brig"); /* the runner names passes, not the pass itself */
    brig_report_clear(&rep);

    /* A capability the policy allows, dropped because the config never let
     * the process hold it: the reason names that, not the policy. */
    _cleanup_free_ char *out3 = golden_run_inline(
        pass_capabilities,
        "{\"process\":{\"user\":{\"uid\":0},\"capabilities\":{\"bounding\":[\"CAP_KILL\","
        "\"CAP_NET_BIND_SERVICE\"],\"effective\":[\"CAP_KILL\",\"CAP_NET_BIND_SERVICE\"],"
        "\"permitted\":[\"CAP_KILL\"]}}}",
        allow_netbind, &rep);
    const BrigChange *eff = NULL;
    for (size_t i = 0; i < rep.n; i++)
        if (streq(rep.v[i].pointer, "/process/capabilities/effective"))
            eff = &rep.v[i];
    ck_assert_ptr_nonnull(eff);
    _cleanup_free_ char *why3 = xasprintf(
        "dropped CAP_KILL: not allowed by %s; dropped CAP_NET_BIND_SERVICE: allowed by the "
        "policy, but not in the config's permitted set, so the process never holds it",
        src);
    ck_assert_str_eq(eff->reason, why3);
    brig_report_clear(&rep);
}
END_TEST

/* exec --process files hold a bare process object: pointers start at "". */
START_TEST(test_process_file)
{
    BrigCtx ctx;
    BrigHost host;
    BrigPolicy *policy;
    tu_ctx(&ctx, &host, &policy);
    golden_pin_policy(policy);
    BrigJson *proc = tu_parse("{\"user\":{\"uid\":0},\"capabilities\":{\"bounding\":[\"CAP_X\"]}}");
    BrigReport rep = {0};
    BrigError *err = NULL;
    ck_assert_int_lt(process_capabilities(&ctx, proc, "", &rep, &err), 0);
    ck_assert_str_eq(err->msg, "/capabilities/bounding/0: unknown capability name \"CAP_X\"");
    brig_error_free(err);
    brig_json_free(proc);

    /* docker exec --privileged: every capability asked, none granted */
    proc = tu_parse("{\"user\":{\"uid\":0},\"args\":[\"sh\"]}");
    err = NULL;
    ck_assert_int_eq(process_capabilities(&ctx, proc, "", &rep, &err), 0);
    _cleanup_free_ char *s = tu_compact(proc);
    ck_assert_str_eq(s, "{\"user\":{\"uid\":0},\"args\":[\"sh\"],\"capabilities\":{\"bounding\":[],"
                        "\"effective\":[],\"permitted\":[],\"inheritable\":[],\"ambient\":[]}}");
    ck_assert_str_eq(rep.v[0].pointer, "/capabilities");
    brig_report_clear(&rep);
    brig_json_free(proc);
    brig_policy_free(policy);
}
END_TEST

/* Only BRIG_GOLDEN_UPDATE=1 rewrites the golden files: "=0" used to
 * regenerate them too, so a run meant to compare overwrote the specification. */
START_TEST(test_golden_update_switch)
{
    static const struct {
        const char *value;
        bool update;
    } cases[] = {{NULL, false},   {"", false},   {"0", false}, {"no", false},
                 {"true", false}, {"10", false}, {"1", true}};
    for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
        if (cases[i].value)
            setenv("BRIG_GOLDEN_UPDATE", cases[i].value, 1);
        else
            unsetenv("BRIG_GOLDEN_UPDATE");
        ck_assert_msg(golden_updating() == cases[i].update, "BRIG_GOLDEN_UPDATE=%s",
                      cases[i].value ? cases[i].value : "(unset)");
    }
    unsetenv("BRIG_GOLDEN_UPDATE");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("pass_capabilities");
    TCase *tc = tcase_create("pass_capabilities");
    tcase_add_test(tc, test_golden_update_switch);
    tcase_add_test(tc, test_golden);
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_never_widens_exhaustive);
    tcase_add_test(tc, test_report_reasons);
    tcase_add_test(tc, test_process_file);
    suite_add_tcase(s, tc);
    return tu_run(s);
}
