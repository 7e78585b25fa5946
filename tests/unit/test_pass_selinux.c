/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pass_selinux / process_selinux: host state x policy x what the engine
 * wrote, with injected host labels. */
#include "passes/passes.h"
#include "testutil.h"

#define PROC "system_u:system_r:container_t:s0:c12,c345"
#define FILE_ "system_u:object_r:container_file_t:s0:c12,c345"

typedef struct Case {
    const char *name;
    bool enabled; /* SELinux on */
    bool labels;  /* cmd/ found valid container labels */
    BrigLsmMode mode;
    const char *in;    /* process.selinuxLabel, NULL = absent */
    const char *want;  /* afterwards */
    const char *mount; /* linux.mountLabel afterwards */
    BrigChangeKind kind;
    int fixes, notes, refusals;
} Case;

static const Case cases[] = {
    {"on/auto/absent", true, true, BRIG_LSM_AUTO, NULL, PROC, FILE_, BRIG_FIX, 2, 0, 0},
    {"on/auto/spc", true, true, BRIG_LSM_AUTO, "system_u:system_r:spc_t:s0", PROC, FILE_, BRIG_FIX,
     2, 0, 0},
    {"on/auto/unconfined", true, true, BRIG_LSM_AUTO, "unconfined_u:unconfined_r:unconfined_t:s0",
     PROC, FILE_, BRIG_FIX, 2, 0, 0},
    /* the engine's own container label (its MCS pair matches its relabeling) */
    {"on/auto/engine", true, true, BRIG_LSM_AUTO, "system_u:system_r:container_t:s0:c1,c2",
     "system_u:system_r:container_t:s0:c1,c2", NULL, BRIG_FIX, 0, 0, 0},
    /* ... but only with one pair of distinct categories */
    {"on/auto/engine-range", true, true, BRIG_LSM_AUTO,
     "system_u:system_r:container_t:s0-s0:c0.c1023", PROC, FILE_, BRIG_FIX, 2, 0, 0},
    {"on/auto/engine-no-pair", true, true, BRIG_LSM_AUTO, "system_u:system_r:container_t:s0", PROC,
     FILE_, BRIG_FIX, 2, 0, 0},
    {"on/auto/engine-one-cat", true, true, BRIG_LSM_AUTO, "system_u:system_r:container_t:s0:c5",
     PROC, FILE_, BRIG_FIX, 2, 0, 0},
    {"on/auto/engine-same-cat", true, true, BRIG_LSM_AUTO, "system_u:system_r:container_t:s0:c5,c5",
     PROC, FILE_, BRIG_FIX, 2, 0, 0},
    {"on/auto/engine-three", true, true, BRIG_LSM_AUTO, "system_u:system_r:container_t:s0:c1,c2,c3",
     PROC, FILE_, BRIG_FIX, 2, 0, 0},
    {"on/auto/engine-dot", true, true, BRIG_LSM_AUTO, "system_u:system_r:container_t:s0:c1.c2",
     PROC, FILE_, BRIG_FIX, 2, 0, 0},
    {"on/auto/engine-big", true, true, BRIG_LSM_AUTO, "system_u:system_r:container_t:s0:c1,c1024",
     PROC, FILE_, BRIG_FIX, 2, 0, 0},
    {"on/auto/engine-s1", true, true, BRIG_LSM_AUTO, "system_u:system_r:container_t:s1:c1,c2", PROC,
     FILE_, BRIG_FIX, 2, 0, 0},
    {"on/require/absent", true, true, BRIG_LSM_REQUIRE, NULL, PROC, FILE_, BRIG_FIX, 2, 0, 0},
    {"on/off/absent", true, true, BRIG_LSM_OFF, NULL, NULL, NULL, BRIG_FIX, 0, 0, 0},
    {"on/off/spc", true, true, BRIG_LSM_OFF, "system_u:system_r:spc_t:s0",
     "system_u:system_r:spc_t:s0", NULL, BRIG_FIX, 0, 0, 0},
    /* on, but no valid container context */
    {"nolabel/auto", true, false, BRIG_LSM_AUTO, NULL, NULL, NULL, BRIG_NOTE, 0, 1, 0},
    {"nolabel/require", true, false, BRIG_LSM_REQUIRE, NULL, NULL, NULL, BRIG_REFUSE, 0, 0, 1},
    /* off: never set (runc and crun fail on a label they cannot apply) */
    {"off/auto", false, false, BRIG_LSM_AUTO, NULL, NULL, NULL, BRIG_NOTE, 0, 1, 0},
    {"off/auto/engine", false, false, BRIG_LSM_AUTO, "system_u:system_r:spc_t:s0",
     "system_u:system_r:spc_t:s0", NULL, BRIG_NOTE, 0, 1, 0},
    {"off/require", false, false, BRIG_LSM_REQUIRE, NULL, NULL, NULL, BRIG_REFUSE, 0, 0, 1},
    {"off/off", false, false, BRIG_LSM_OFF, NULL, NULL, NULL, BRIG_FIX, 0, 0, 0},
};

static void setup(const Case *c, BrigCtx *ctx, BrigHost *host, BrigPolicy **pol)
{
    tu_ctx(ctx, host, pol);
    host->selinux_enabled = c->enabled;
    host->selinux_process = c->labels ? PROC : NULL;
    host->selinux_mount = c->labels ? FILE_ : NULL;
    (*pol)->selinux = c->mode;
}

START_TEST(test_table)
{
    const Case *c = &cases[_i];
    BrigCtx ctx;
    BrigHost host;
    BrigPolicy *pol;
    setup(c, &ctx, &host, &pol);
    BrigJson *spec = tu_parse("{\"process\":{\"args\":[\"sh\"]},\"linux\":{\"namespaces\":[]}}");
    if (c->in)
        brig_json_set(brig_json_get(spec, "process"), "selinuxLabel", brig_json_new_string(c->in));
    BrigReport rep = {0};
    BrigError *err = NULL;
    ck_assert_int_eq(pass_selinux(&ctx, spec, &rep, &err), 0);
    const char *got = brig_json_str(brig_json_get_path(spec, "process/selinuxLabel"));
    const char *mount = brig_json_str(brig_json_get_path(spec, "linux/mountLabel"));
    ck_assert_msg(streq(got, c->want) || (!got && !c->want), "%s: label %s", c->name,
                  got ? got : "(absent)");
    ck_assert_msg(streq(mount, c->mount) || (!mount && !c->mount), "%s: mount label %s", c->name,
                  mount ? mount : "(absent)");
    ck_assert_msg((int)brig_report_count(&rep, BRIG_FIX) == c->fixes, "%s: fixes", c->name);
    ck_assert_msg((int)brig_report_count(&rep, BRIG_NOTE) == c->notes, "%s: notes", c->name);
    ck_assert_msg((int)brig_report_count(&rep, BRIG_REFUSE) == c->refusals, "%s: refusals",
                  c->name);
    if (c->refusals)
        ck_assert_ptr_nonnull(strstr(rep.v[0].reason, "requires SELinux"));
    tu_assert_idempotent(pass_selinux, &ctx, spec);
    brig_report_clear(&rep);
    brig_json_free(spec);
    brig_policy_free(pol);
}
END_TEST

START_TEST(test_exec_file)
{
    static const Case on = {"exec", true, true, BRIG_LSM_AUTO};
    BrigCtx ctx;
    BrigHost host;
    BrigPolicy *pol;
    setup(&on, &ctx, &host, &pol);
    BrigReport rep = {0};
    BrigError *err = NULL;

    /* no label: runs under the container's, left alone */
    BrigJson *p = tu_parse("{\"args\":[\"sh\"]}");
    ck_assert_int_eq(brig_harden_process(&ctx, p, &rep, &err), 0);
    ck_assert_ptr_null(brig_json_get(p, "selinuxLabel"));
    brig_json_free(p);
    brig_report_clear(&rep);

    /* docker exec --privileged style override to spc_t: removed */
    p = tu_parse("{\"args\":[\"sh\"],\"selinuxLabel\":\"system_u:system_r:spc_t:s0\"}");
    ck_assert_int_eq(brig_harden_process(&ctx, p, &rep, &err), 0);
    ck_assert_ptr_null(brig_json_get(p, "selinuxLabel"));
    bool found = false;
    for (size_t i = 0; i < rep.n; i++)
        found |= streq(rep.v[i].pointer, "/selinuxLabel") && rep.v[i].kind == BRIG_FIX;
    ck_assert(found);
    brig_json_free(p);
    brig_report_clear(&rep);

    /* the container type with the engine's categories: kept */
    p = tu_parse("{\"selinuxLabel\":\"system_u:system_r:container_t:s0:c1,c2\"}");
    ck_assert_int_eq(process_selinux(&ctx, p, "", &rep, &err), 0);
    ck_assert_str_eq(brig_json_str(brig_json_get(p, "selinuxLabel")),
                     "system_u:system_r:container_t:s0:c1,c2");
    ck_assert_uint_eq(rep.n, 0);
    brig_json_free(p);

    /* wrong types are malformed input */
    p = tu_parse("{\"process\":{\"selinuxLabel\":1}}");
    ck_assert_int_lt(pass_selinux(&ctx, p, &rep, &err), 0);
    ck_assert_str_eq(err->msg, "/process/selinuxLabel: expected a string, found number");
    brig_error_free(err);
    err = NULL;
    brig_json_free(p);
    p = tu_parse("{\"process\":{},\"linux\":{\"mountLabel\":[]}}");
    ck_assert_int_lt(pass_selinux(&ctx, p, &rep, &err), 0);
    ck_assert_str_eq(err->msg, "/linux/mountLabel: expected a string, found array");
    brig_error_free(err);
    brig_json_free(p);
    brig_report_clear(&rep);
    brig_policy_free(pol);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("pass_selinux");
    TCase *tc = tcase_create("pass_selinux");
    tcase_add_loop_test(tc, test_table, 0, (int)ELEMENTSOF(cases));
    tcase_add_test(tc, test_exec_file);
    suite_add_tcase(s, tc);
    return tu_run(s);
}
