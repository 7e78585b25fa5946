/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pass_apparmor / process_apparmor: every host state x policy setting x
 * what the engine wrote, with injected host facts. */
#include "apparmor.h"
#include "passes/passes.h"
#include "testutil.h"

typedef struct Case {
    const char *name;
    int host_errno; /* 0: AppArmor enforced; else aa_is_enabled()'s errno */
    BrigLsmMode mode;
    bool keep_engine;
    const char *in;   /* process.apparmorProfile, NULL = absent */
    const char *want; /* afterwards, NULL = absent */
    BrigChangeKind kind;
    int n_changes; /* 0: none recorded */
} Case;

static const Case cases[] = {
    /* host enforces AppArmor */
    {"on/auto/absent", 0, BRIG_LSM_AUTO, true, NULL, "brig-default", BRIG_FIX, 1},
    {"on/auto/empty", 0, BRIG_LSM_AUTO, true, "", "brig-default", BRIG_FIX, 1},
    {"on/auto/unconfined", 0, BRIG_LSM_AUTO, true, "unconfined", "brig-default", BRIG_FIX, 1},
    {"on/auto/engine-kept", 0, BRIG_LSM_AUTO, true, "docker-default", "docker-default", BRIG_NOTE,
     1},
    {"on/auto/engine-replaced", 0, BRIG_LSM_AUTO, false, "docker-default", "brig-default", BRIG_FIX,
     1},
    {"on/auto/already", 0, BRIG_LSM_AUTO, false, "brig-default", "brig-default", BRIG_FIX, 0},
    /* kept only when the kernel has it loaded in enforce mode (fake_mode) */
    {"on/auto/engine-complain", 0, BRIG_LSM_AUTO, true, "complain-prof", "brig-default", BRIG_FIX,
     1},
    {"on/auto/engine-flags-unconfined", 0, BRIG_LSM_AUTO, true, "runc", "brig-default", BRIG_FIX,
     1},
    {"on/auto/engine-kill", 0, BRIG_LSM_AUTO, true, "kill-prof", "brig-default", BRIG_FIX, 1},
    {"on/auto/engine-not-loaded", 0, BRIG_LSM_AUTO, true, "ghost", "brig-default", BRIG_FIX, 1},
    {"on/auto/engine-named-unconfined", 0, BRIG_LSM_AUTO, true, "my-unconfined", "brig-default",
     BRIG_FIX, 1},
    {"on/require/absent", 0, BRIG_LSM_REQUIRE, true, NULL, "brig-default", BRIG_FIX, 1},
    {"on/require/unconfined", 0, BRIG_LSM_REQUIRE, true, "unconfined", "brig-default", BRIG_FIX, 1},
    {"on/require/engine-kept", 0, BRIG_LSM_REQUIRE, true, "docker-default", "docker-default",
     BRIG_NOTE, 1},
    {"on/off/absent", 0, BRIG_LSM_OFF, true, NULL, NULL, BRIG_FIX, 0},
    {"on/off/unconfined", 0, BRIG_LSM_OFF, true, "unconfined", "unconfined", BRIG_FIX, 0},
    /* host without AppArmor, for each reason aa_is_enabled() gives */
    {"enosys/auto/absent", ENOSYS, BRIG_LSM_AUTO, true, NULL, NULL, BRIG_NOTE, 1},
    {"ecanceled/auto/absent", ECANCELED, BRIG_LSM_AUTO, true, NULL, NULL, BRIG_NOTE, 1},
    {"enoent/auto/absent", ENOENT, BRIG_LSM_AUTO, true, NULL, NULL, BRIG_NOTE, 1},
    {"ebusy/auto/absent", EBUSY, BRIG_LSM_AUTO, true, NULL, NULL, BRIG_NOTE, 1},
    {"eacces/auto/absent", EACCES, BRIG_LSM_AUTO, true, NULL, NULL, BRIG_NOTE, 1},
    /* the engine's field is the runtime's business there: never touched */
    {"enosys/auto/unconfined", ENOSYS, BRIG_LSM_AUTO, true, "unconfined", "unconfined", BRIG_NOTE,
     1},
    {"enosys/auto/engine", ENOSYS, BRIG_LSM_AUTO, false, "docker-default", "docker-default",
     BRIG_NOTE, 1},
    {"enosys/require/absent", ENOSYS, BRIG_LSM_REQUIRE, true, NULL, NULL, BRIG_REFUSE, 1},
    {"ecanceled/require/absent", ECANCELED, BRIG_LSM_REQUIRE, true, NULL, NULL, BRIG_REFUSE, 1},
    {"enoent/require/unconfined", ENOENT, BRIG_LSM_REQUIRE, true, "unconfined", "unconfined",
     BRIG_REFUSE, 1},
    {"enosys/off/absent", ENOSYS, BRIG_LSM_OFF, true, NULL, NULL, BRIG_FIX, 0},
    {"ecanceled/off/absent", ECANCELED, BRIG_LSM_OFF, true, NULL, NULL, BRIG_FIX, 0},
};

/* The kernel's profiles list, as /sys/kernel/security/apparmor/profiles
 * would say: Ubuntu's "runc" is loaded with flags=(unconfined). */
static char *fake_mode(const char *name)
{
    static const char *const list[][2] = {
        {"docker-default", "enforce"}, {"brig-default", "enforce"}, {"complain-prof", "complain"},
        {"runc", "unconfined"},        {"kill-prof", "kill"},       {"my-unconfined", "enforce"},
    };
    for (size_t i = 0; i < ELEMENTSOF(list); i++)
        if (streq(name, list[i][0]))
            return xstrdup(list[i][1]);
    return NULL;
}

static void setup(const Case *c, BrigCtx *ctx, BrigHost *host, BrigPolicy **pol)
{
    tu_ctx(ctx, host, pol);
    host->apparmor_mode = fake_mode;
    host->apparmor_enabled = c->host_errno == 0;
    host->apparmor_errno = c->host_errno;
    (*pol)->apparmor = c->mode;
    (*pol)->apparmor_keep_engine = c->keep_engine;
}

static BrigJson *config(const char *profile, bool process_file)
{
    BrigJson *proc = tu_parse("{\"args\":[\"sh\"],\"cwd\":\"/\"}");
    if (profile)
        brig_json_set(proc, "apparmorProfile", brig_json_new_string(profile));
    if (process_file)
        return proc;
    BrigJson *spec = tu_parse("{\"ociVersion\":\"1.0.2\"}");
    brig_json_set(spec, "process", proc);
    return spec;
}

static void run_case(const Case *c, BrigJson *spec, bool process_file)
{
    BrigCtx ctx;
    BrigHost host;
    BrigPolicy *pol;
    setup(c, &ctx, &host, &pol);
    BrigReport rep = {0};
    BrigError *err = NULL;
    int r = process_file ? process_apparmor(&ctx, spec, "", &rep, &err)
                         : pass_apparmor(&ctx, spec, &rep, &err);
    ck_assert_msg(r == 0, "%s: %s", c->name, err ? err->msg : "?");
    brig_report_clear(&rep);
    brig_policy_free(pol);
}

START_TEST(test_table)
{
    const Case *c = &cases[_i];
    BrigCtx ctx;
    BrigHost host;
    BrigPolicy *pol;
    setup(c, &ctx, &host, &pol);
    BrigJson *spec = config(c->in, false);
    BrigReport rep = {0};
    BrigError *err = NULL;
    ck_assert_int_eq(pass_apparmor(&ctx, spec, &rep, &err), 0);

    const char *got = brig_json_str(brig_json_get_path(spec, "process/apparmorProfile"));
    ck_assert_msg(streq(got, c->want) || (!got && !c->want), "%s: got %s, want %s", c->name,
                  got ? got : "(absent)", c->want ? c->want : "(absent)");
    ck_assert_msg((int)rep.n == c->n_changes, "%s: %zu changes recorded, want %d", c->name, rep.n,
                  c->n_changes);
    if (c->n_changes) {
        ck_assert_msg(rep.v[0].kind == c->kind, "%s: recorded a %s", c->name,
                      brig_change_kind_name(rep.v[0].kind));
        ck_assert_str_eq(rep.v[0].pointer, "/process/apparmorProfile");
        ck_assert_str_eq(rep.v[0].pass, "brig");
    }
    if (c->kind == BRIG_NOTE && c->host_errno)
        ck_assert_ptr_nonnull(strstr(rep.v[0].reason, brig_apparmor_state(c->host_errno)));
    if (c->kind == BRIG_REFUSE) {
        ck_assert_ptr_nonnull(strstr(rep.v[0].reason, "requires AppArmor"));
        ck_assert_ptr_nonnull(strstr(rep.v[0].reason, brig_apparmor_state(c->host_errno)));
    }
    tu_assert_idempotent(pass_apparmor, &ctx, spec);
    brig_report_clear(&rep);
    brig_json_free(spec);
    brig_policy_free(pol);
}
END_TEST

/* An exec process file without a profile runs under the container's: only
 * an explicit override is replaced. */
START_TEST(test_exec_file)
{
    static const Case on = {"exec", 0, BRIG_LSM_AUTO, true, NULL, NULL, BRIG_FIX, 0};
    BrigJson *p = config(NULL, true);
    run_case(&on, p, true);
    ck_assert_ptr_null(brig_json_get(p, "apparmorProfile"));
    brig_json_free(p);

    p = config("unconfined", true);
    run_case(&on, p, true);
    ck_assert_str_eq(brig_json_str(brig_json_get(p, "apparmorProfile")), "brig-default");
    brig_json_free(p);

    p = config("docker-default", true);
    run_case(&on, p, true);
    ck_assert_str_eq(brig_json_str(brig_json_get(p, "apparmorProfile")), "docker-default");
    brig_json_free(p);

    static const Case nokeep = {"exec", 0, BRIG_LSM_AUTO, false, NULL, NULL, BRIG_FIX, 0};
    p = config("docker-default", true);
    run_case(&nokeep, p, true);
    ck_assert_str_eq(brig_json_str(brig_json_get(p, "apparmorProfile")), "brig-default");
    brig_json_free(p);

    /* through the whole exec pipeline too */
    BrigCtx ctx;
    BrigHost host;
    BrigPolicy *pol;
    setup(&on, &ctx, &host, &pol);
    p = config("unconfined", true);
    BrigReport rep = {0};
    BrigError *err = NULL;
    ck_assert_int_eq(brig_harden_process(&ctx, p, &rep, &err), 0);
    ck_assert_str_eq(brig_json_str(brig_json_get(p, "apparmorProfile")), "brig-default");
    bool found = false;
    for (size_t i = 0; i < rep.n; i++)
        found |= streq(rep.v[i].pass, "apparmor") && streq(rep.v[i].pointer, "/apparmorProfile");
    ck_assert(found);
    brig_report_clear(&rep);
    brig_json_free(p);
    brig_policy_free(pol);
}
END_TEST

START_TEST(test_policy_profile_and_errors)
{
    static const Case on = {"named", 0, BRIG_LSM_AUTO, false, NULL, NULL, BRIG_FIX, 0};
    BrigCtx ctx;
    BrigHost host;
    BrigPolicy *pol;
    setup(&on, &ctx, &host, &pol);
    free(pol->apparmor_profile);
    pol->apparmor_profile = xstrdup("site-containers");
    BrigJson *spec = config("unconfined", false);
    BrigReport rep = {0};
    BrigError *err = NULL;
    ck_assert_int_eq(pass_apparmor(&ctx, spec, &rep, &err), 0);
    ck_assert_str_eq(brig_json_str(brig_json_get_path(spec, "process/apparmorProfile")),
                     "site-containers");
    ck_assert_str_eq(rep.v[0].before, "\"unconfined\"");
    ck_assert_str_eq(rep.v[0].after, "\"site-containers\"");
    brig_report_clear(&rep);
    brig_json_free(spec);

    /* a wrong type is malformed input */
    spec = tu_parse("{\"process\":{\"apparmorProfile\":7}}");
    ck_assert_int_lt(pass_apparmor(&ctx, spec, &rep, &err), 0);
    ck_assert_str_eq(err->msg, "/process/apparmorProfile: expected a string, found number");
    brig_error_free(err);
    err = NULL;
    brig_json_free(spec);

    /* no process: nothing to set, but a required LSM is still checked */
    spec = tu_parse("{\"ociVersion\":\"1.0.2\"}");
    host.apparmor_enabled = false;
    host.apparmor_errno = ENOSYS;
    pol->apparmor = BRIG_LSM_REQUIRE;
    ck_assert_int_eq(pass_apparmor(&ctx, spec, &rep, &err), 0);
    ck_assert_uint_eq(brig_report_count(&rep, BRIG_REFUSE), 1);
    ck_assert_ptr_null(brig_json_get(spec, "process"));
    brig_report_clear(&rep);
    brig_json_free(spec);
    brig_policy_free(pol);
}
END_TEST

/* The pass sits in the pipeline: a full harden on an enforcing host names
 * the profile, on a host without AppArmor it does not. */
START_TEST(test_in_pipeline)
{
    for (int on = 0; on < 2; on++) {
        BrigCtx ctx;
        BrigHost host;
        BrigPolicy *pol;
        tu_ctx(&ctx, &host, &pol);
        host.apparmor_enabled = on;
        host.apparmor_errno = on ? 0 : ENOSYS;
        BrigJson *spec = tu_parse("{\"ociVersion\":\"1.0.2\",\"process\":{\"args\":[\"sh\"],"
                                  "\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0}},"
                                  "\"root\":{\"path\":\"rootfs\"},\"linux\":{}}");
        BrigReport rep = {0};
        BrigError *err = NULL;
        ck_assert_msg(brig_harden(&ctx, spec, &rep, &err) == 0, "%s", err ? err->msg : "");
        const char *p = brig_json_str(brig_json_get_path(spec, "process/apparmorProfile"));
        if (on)
            ck_assert_str_eq(p, "brig-default");
        else
            ck_assert_ptr_null(p);
        brig_report_clear(&rep);
        brig_json_free(spec);
        brig_policy_free(pol);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("pass_apparmor");
    TCase *tc = tcase_create("pass_apparmor");
    tcase_add_loop_test(tc, test_table, 0, (int)ELEMENTSOF(cases));
    tcase_add_test(tc, test_exec_file);
    tcase_add_test(tc, test_policy_profile_and_errors);
    tcase_add_test(tc, test_in_pipeline);
    suite_add_tcase(s, tc);
    return tu_run(s);
}
