/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Golden pairs in tests/data/pass_seccomp.  After a deliberate change to the
 * profile, rewrite the outputs with BRIG_GOLDEN_UPDATE=1 and review the diff
 * by hand before committing it. */
#include <stdio.h>

#include "passes/passes.h"
#include "policy.h"
#include "seccomp.h"
#include "testutil.h"

#define SMALL BRIG_TEST_DATA "/pass_seccomp/small-profile.json"

typedef struct {
    const char *name;
    const char *profile; /* policy seccomp profile, NULL for brig's default */
    bool unconfined;
    bool host_seccomp;
    size_t fixes; /* FIX records expected */
    size_t notes;
} Case;

static const Case cases[] = {
    {"default_none", NULL, false, true, 1, 0},
    {"small_absent", SMALL, false, true, 1, 0},
    {"small_replace_engine", SMALL, false, true, 1, 0},
    {"small_admin", SMALL, false, true, 1, 0},
    {"unconfined_keeps", NULL, true, true, 0, 1},
    {"unconfined_absent", NULL, true, true, 0, 1},
    {"no_seccomp_host", NULL, false, false, 0, 1},
};

typedef struct {
    BrigCtx ctx;
    BrigHost host;
    BrigPolicy *policy;
} Env;

static void env_init(Env *env, const Case *c)
{
    tu_ctx(&env->ctx, &env->host, &env->policy);
    env->host.seccomp = c->host_seccomp;
    env->policy->seccomp_unconfined = c->unconfined;
    free(env->policy->seccomp_profile);
    env->policy->seccomp_profile = c->profile ? xstrdup(c->profile) : NULL;
}

static char *run_pass(const Env *env, const char *in, BrigReport *rep)
{
    _cleanup_(brig_json_freep) BrigJson *spec = tu_parse(in);
    BrigError *err = NULL;
    ck_assert_msg(pass_seccomp(&env->ctx, spec, rep, &err) == 0, "%s", err ? err->msg : "?");
    return brig_json_serialize(spec, BRIG_JSON_PRETTY, NULL);
}

START_TEST(golden)
{
    const Case *c = &cases[_i];
    Env env;
    env_init(&env, c);
    _cleanup_free_ char *in_name = xasprintf("pass_seccomp/%s.in.json", c->name);
    _cleanup_free_ char *out_name = xasprintf("pass_seccomp/%s.out.json", c->name);
    _cleanup_free_ char *in = tu_read_data(in_name, NULL);
    BrigReport rep = {0};
    _cleanup_free_ char *got = run_pass(&env, in, &rep);

    if (tu_golden_update()) {
        _cleanup_free_ char *path = xasprintf("%s/%s", BRIG_TEST_DATA, out_name);
        FILE *f = fopen(path, "we");
        ck_assert_ptr_nonnull(f);
        fputs(got, f);
        fclose(f);
    }
    _cleanup_free_ char *want = tu_read_data(out_name, NULL);
    /* not ck_assert_str_eq: check cannot carry a 20 KiB message */
    ck_assert_msg(streq(got, want), "%s: output differs from %s", c->name, out_name);
    ck_assert_uint_eq(brig_report_count(&rep, BRIG_FIX), c->fixes);
    ck_assert_uint_eq(brig_report_count(&rep, BRIG_NOTE), c->notes);
    ck_assert_uint_eq(brig_report_count(&rep, BRIG_REFUSE), 0);
    for (size_t i = 0; i < rep.n; i++) {
        ck_assert_str_eq(rep.v[i].pointer, "/linux/seccomp");
        /* a profile is tens of KiB: the report carries a summary (which
         * names the profile by its path: the bound leaves room for a deep
         * checkout, such as tools/mutate's copy under build-mutate/) */
        ck_assert(!rep.v[i].before || strlen(rep.v[i].before) < 1024);
        ck_assert(!rep.v[i].after || strlen(rep.v[i].after) < 1024);
    }

    /* idempotence: the pass on its own output changes nothing */
    BrigReport rep2 = {0};
    _cleanup_free_ char *again = run_pass(&env, got, &rep2);
    ck_assert_msg(streq(again, got), "%s: a second run changed the output", c->name);
    ck_assert_uint_eq(brig_report_count(&rep2, BRIG_FIX), 0);
    brig_report_clear(&rep);
    brig_report_clear(&rep2);
    brig_policy_free(env.policy);
}
END_TEST

START_TEST(reasons_and_summaries)
{
    Env env;
    env_init(&env, &cases[2]); /* small_replace_engine */
    _cleanup_free_ char *in = tu_read_data("pass_seccomp/small_replace_engine.in.json", NULL);
    BrigReport rep = {0};
    _cleanup_free_ char *out = run_pass(&env, in, &rep);
    ck_assert_uint_eq(rep.n, 1);
    const BrigChange *c = &rep.v[0];
    ck_assert_ptr_nonnull(strstr(c->reason, "combined the engine's seccomp profile (2 rules, "
                                            "default SCMP_ACT_ERRNO)"));
    ck_assert_ptr_nonnull(strstr(c->reason, "a call either denies is denied"));
    ck_assert_ptr_nonnull(strstr(c->reason, "the engine's rules decide "));
    ck_assert_ptr_nonnull(strstr(c->reason, "SECCOMP_FILTER_FLAG_SPEC_ALLOW dropped"));
    ck_assert_ptr_nonnull(strstr(c->reason, "resolved for CAP_CHOWN"));
    ck_assert_ptr_nonnull(strstr(c->reason, "kept the engine's seccomp-notify listener"));
    ck_assert_ptr_nonnull(strstr(c->before, "\"defaultErrnoRet\":1"));
    ck_assert_ptr_nonnull(strstr(c->before, "\"listenerPath\":\"/run/seccomp-agent.sock\""));
    ck_assert_ptr_nonnull(strstr(c->before, "\"digest\":\"sha256:"));
    ck_assert_ptr_nonnull(strstr(c->after, "\"profile\":\"" SMALL "\""));
    ck_assert_ptr_nonnull(strstr(c->after, "\"capabilities\":\"CAP_CHOWN\""));
    /* the combined profile is identified by its two sources */
    ck_assert_ptr_nonnull(strstr(c->after, "\"combinedFrom\":{\"brig\":\"sha256:"));
    ck_assert_ptr_nonnull(strstr(c->after, "\"engine\":\"sha256:"));
    /* SPEC_ALLOW turns off a mitigation: it does not survive */
    ck_assert_ptr_null(strstr(out, "SECCOMP_FILTER_FLAG_SPEC_ALLOW"));
    ck_assert_ptr_nonnull(strstr(out, "\"listenerMetadata\": \"container=web\""));
    brig_report_clear(&rep);

    /* the default profile with no process at all: resolved for no capabilities */
    env.policy->seccomp_profile = (free(env.policy->seccomp_profile), NULL);
    _cleanup_free_ char *bare = run_pass(&env, "{\"ociVersion\":\"1.0.2\"}", &rep);
    ck_assert_uint_eq(rep.n, 1);
    ck_assert_ptr_null(rep.v[0].before);
    ck_assert_ptr_nonnull(strstr(rep.v[0].reason, "no seccomp filter"));
    ck_assert_ptr_nonnull(strstr(rep.v[0].reason, "resolved for no capabilities"));
    ck_assert_ptr_nonnull(strstr(rep.v[0].after, "\"profile\":\"brig default\""));
    brig_report_clear(&rep);
    brig_policy_free(env.policy);
}
END_TEST

START_TEST(gated_groups_follow_bounding_set)
{
    Env env;
    env_init(&env, &cases[0]);
    BrigReport rep = {0};
    BrigError *err = NULL;
    _cleanup_(brig_json_freep) BrigJson *none =
        tu_parse("{\"process\":{\"capabilities\":{\"bounding\":[]}}}");
    _cleanup_(brig_json_freep) BrigJson *admin =
        tu_parse("{\"process\":{\"capabilities\":{\"bounding\":[\"CAP_SYS_ADMIN\"]}}}");
    ck_assert_int_eq(pass_seccomp(&env.ctx, none, &rep, &err), 0);
    ck_assert_int_eq(pass_seccomp(&env.ctx, admin, &rep, &err), 0);
    const BrigJson *a = brig_json_get_path(none, "linux/seccomp");
    const BrigJson *b = brig_json_get_path(admin, "linux/seccomp");
    ck_assert(!brig_json_equal(a, b));
    /* the bounding set is what the pass reads: same resolution as the module */
    _cleanup_(brig_json_freep) BrigJson *direct = NULL;
    const BrigJson *def = NULL;
    ck_assert_int_eq(brig_seccomp_default(&def, &err), 0);
    ck_assert_int_eq(brig_seccomp_resolve(def, UINT64_C(1) << 21, &direct, &err), 0);
    ck_assert(brig_json_equal(b, direct));
    brig_report_clear(&rep);
    brig_policy_free(env.policy);
}
END_TEST

/* The seccomp pass for a config that keeps no capability, on a host of
 * architecture `arch`; returns the config (the caller frees it). */
static BrigJson *harden_for_host(uint32_t arch, bool x32_disabled)
{
    Env env;
    env_init(&env, &cases[0]);
    BrigHost host = *env.ctx.host;
    host.seccomp_arch = arch;
    host.x32_disabled = x32_disabled;
    env.ctx.host = &host;
    BrigReport rep = {0};
    BrigError *err = NULL;
    BrigJson *spec = tu_parse("{\"process\":{\"capabilities\":{\"bounding\":[]}}}");
    ck_assert_int_eq(pass_seccomp(&env.ctx, spec, &rep, &err), 0);
    const BrigJson *prof = brig_json_get_path(spec, "linux/seccomp");
    ck_assert_msg(brig_seccomp_validate(prof, "written", &err) == 0, "%s", err ? err->msg : "");
    brig_report_clear(&rep);
    brig_policy_free(env.policy);
    return spec;
}

/* On an x86_64 host the written profile keeps the x86 family only, and
 * with it only names those architectures have: the ARM private calls go,
 * and what brig writes validates as a profile of its own. */
START_TEST(host_family_only)
{
    _cleanup_(brig_json_freep) BrigJson *spec = harden_for_host(SCMP_ARCH_X86_64, false);
    const BrigJson *prof = brig_json_get_path(spec, "linux/seccomp"), *e;
    _cleanup_free_ char *archs = tu_compact(brig_json_get(prof, "architectures"));
    ck_assert_str_eq(archs, "[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\",\"SCMP_ARCH_X32\"]");
    BRIG_JSON_FOREACH (e, brig_json_get(prof, "syscalls")) {
        ck_assert(!brig_json_array_has_string(brig_json_get(e, "names"), "arm_fadvise64_64"));
        ck_assert(!brig_json_array_has_string(brig_json_get(e, "names"), "recv"));
    }
    /* the x86 calls stay */
    _cleanup_free_ char *all = tu_compact(prof);
    ck_assert_ptr_nonnull(strstr(all, "\"socketcall\""));
    ck_assert_ptr_nonnull(strstr(all, "\"arch_prctl\""));
}
END_TEST

/* A kernel without the x32 ABI answers every x32 call with ENOSYS: the
 * filter's x32 entry could never match a working call, and runc and crun
 * would compile it on every start.  It goes; x86 (i386 images) stays. */
START_TEST(no_x32_entry_without_x32_abi)
{
    _cleanup_(brig_json_freep) BrigJson *spec = harden_for_host(SCMP_ARCH_X86_64, true);
    const BrigJson *prof = brig_json_get_path(spec, "linux/seccomp");
    _cleanup_free_ char *archs = tu_compact(brig_json_get(prof, "architectures"));
    ck_assert_str_eq(archs, "[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\"]");
    _cleanup_free_ char *all = tu_compact(prof);
    ck_assert_ptr_nonnull(strstr(all, "\"socketcall\""));

    /* the same flag means nothing on a host of another family */
    _cleanup_(brig_json_freep) BrigJson *arm = harden_for_host(SCMP_ARCH_AARCH64, true);
    _cleanup_free_ char *archs2 =
        tu_compact(brig_json_get_path(arm, "linux/seccomp/architectures"));
    ck_assert_str_eq(archs2, "[\"SCMP_ARCH_AARCH64\",\"SCMP_ARCH_ARM\"]");
}
END_TEST

START_TEST(never_removes_a_profile)
{
    /* unconfined is allowed by the policy, the engine still sent a filter */
    Env env;
    env_init(&env, &cases[4]);
    const char *in = "{\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_LOG\"}}}";
    BrigReport rep = {0};
    _cleanup_free_ char *out = run_pass(&env, in, &rep);
    ck_assert_ptr_nonnull(strstr(out, "SCMP_ACT_LOG"));
    ck_assert_uint_eq(brig_report_count(&rep, BRIG_NOTE), 1);
    ck_assert_ptr_nonnull(strstr(rep.v[0].reason, "brig never removes a filter"));
    brig_report_clear(&rep);
    brig_policy_free(env.policy);
}
END_TEST

/* An engine profile brig cannot read as the runtime would: refused, and
 * the config left as it came. */
START_TEST(unreadable_engine_profile_refused)
{
    Env env;
    env_init(&env, &cases[0]);
    static const char *const docs[] = {
        "{\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{"
        "\"names\":[\"socket\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,"
        "\"value\":38,\"op\":\"SCMP_CMP_NE\"},{\"index\":0,\"value\":40,\"op\":"
        "\"SCMP_CMP_NE\"}]}]}}}",
        "{\"linux\":{\"seccomp\":{\"syscalls\":[]}}}",
        "{\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_NOPE\"}}}",
    };
    for (size_t i = 0; i < ELEMENTSOF(docs); i++) {
        BrigReport rep = {0};
        _cleanup_free_ char *out = run_pass(&env, docs[i], &rep);
        ck_assert_uint_eq(brig_report_count(&rep, BRIG_REFUSE), 1);
        ck_assert_ptr_nonnull(strstr(rep.v[0].reason, "cannot be combined"));
        _cleanup_(brig_json_freep) BrigJson *in = tu_parse(docs[i]), *o = tu_parse(out);
        ck_assert(brig_json_equal(in, o));
        brig_report_clear(&rep);
    }
    brig_policy_free(env.policy);
}
END_TEST

START_TEST(full_harden_twice)
{
    BrigCtx ctx;
    BrigHost host;
    BrigPolicy *pol;
    tu_ctx(&ctx, &host, &pol);
    _cleanup_free_ char *in = tu_read_data("pass_seccomp/small_replace_engine.in.json", NULL);
    char *out[2];
    const char *text = in;
    for (int i = 0; i < 2; i++) {
        _cleanup_(brig_json_freep) BrigJson *spec = tu_parse(text);
        BrigReport rep = {0};
        BrigError *err = NULL;
        ck_assert_msg(brig_harden(&ctx, spec, &rep, &err) == 0, "%s", err ? err->msg : "?");
        out[i] = brig_json_serialize(spec, BRIG_JSON_PRETTY, NULL);
        text = out[0];
        brig_report_clear(&rep);
    }
    ck_assert_msg(streq(out[0], out[1]), "a second brig_harden changed the output");
    /* the capabilities pass dropped CAP_CHOWN first: seccomp saw none */
    _cleanup_(brig_json_freep) BrigJson *spec = tu_parse(out[0]);
    _cleanup_free_ char *mount = tu_compact(brig_json_get_path(spec, "linux/seccomp"));
    ck_assert_ptr_nonnull(strstr(mount, "\"defaultErrnoRet\":38"));
    free(out[0]);
    free(out[1]);
    brig_policy_free(pol);
}
END_TEST

START_TEST(malformed_input)
{
    Env env;
    env_init(&env, &cases[0]);
    BrigReport rep = {0};
    BrigError *err = NULL;
    _cleanup_(brig_json_freep) BrigJson *s1 = tu_parse("{\"linux\":{\"seccomp\":\"unconfined\"}}");
    ck_assert_int_lt(pass_seccomp(&env.ctx, s1, &rep, &err), 0);
    ck_assert_str_eq(err->msg, "/linux/seccomp: expected an object, found string");
    brig_error_free(err);
    err = NULL;

    /* a policy naming a profile that does not validate fails closed */
    free(env.policy->seccomp_profile);
    env.policy->seccomp_profile = xstrdup(BRIG_TEST_DATA "/pass_seccomp/default_none.in.json");
    _cleanup_(brig_json_freep) BrigJson *s2 = tu_parse("{}");
    ck_assert_int_lt(pass_seccomp(&env.ctx, s2, &rep, &err), 0);
    ck_assert_ptr_nonnull(strstr(err->msg, "default_none.in.json: /ociVersion: unknown key"));
    ck_assert_ptr_nonnull(strstr(err->msg, "seccomp profile named by"));
    brig_error_free(err);
    brig_report_clear(&rep);
    brig_policy_free(env.policy);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("pass_seccomp");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, golden, 0, (int)ELEMENTSOF(cases));
    tcase_add_test(tc, reasons_and_summaries);
    tcase_add_test(tc, gated_groups_follow_bounding_set);
    tcase_add_test(tc, never_removes_a_profile);
    tcase_add_test(tc, host_family_only);
    tcase_add_test(tc, no_x32_entry_without_x32_abi);
    tcase_add_test(tc, full_harden_twice);
    tcase_add_test(tc, unreadable_engine_profile_refused);
    tcase_add_test(tc, malformed_input);
    suite_add_tcase(s, tc);
    return tu_run(s);
}
