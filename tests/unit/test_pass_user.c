/* SPDX-License-Identifier: GPL-2.0-or-later */
/* User pass: uid 0 and gid 0 become the policy's unprivileged identity, gid 0
 * leaves additionalGids, and ids that are not unsigned 32-bit integers are
 * errors naming the field and the value found. */
#include "golden.h"

static void setup_policy(const char *name, BrigPolicy *p)
{
    if (strstr(name, "allow-root"))
        p->allow_root = true;
    if (strstr(name, "maphostroot"))
        p->map_host_root = true;
    if (strstr(name, "policy-uid-1234")) {
        p->uid = 1234;
        p->gid = 1234;
    }
}

START_TEST(test_golden)
{
    ck_assert_uint_ge(golden_run_dir("user", pass_user, setup_policy), 20);
}
END_TEST

START_TEST(test_errors)
{
    golden_assert_error(pass_user, "{\"process\":{\"user\":{\"uid\":\"0\"}}}",
                        "/process/user/uid: expected an unsigned 32-bit integer, found string "
                        "\"0\"");
    golden_assert_error(pass_user, "{\"process\":{\"user\":{\"uid\":-1}}}",
                        "/process/user/uid: expected an unsigned 32-bit integer, found number -1");
    golden_assert_error(pass_user, "{\"process\":{\"user\":{\"uid\":4294967296}}}",
                        "/process/user/uid: expected an unsigned 32-bit integer, found number "
                        "4294967296");
    /* 0.0 and 0e0 are zero to Go, but brig does not guess: refused */
    golden_assert_error(pass_user, "{\"process\":{\"user\":{\"uid\":1000,\"gid\":0.0}}}",
                        "/process/user/gid: expected an unsigned 32-bit integer, found number 0.0");
    golden_assert_error(pass_user, "{\"process\":{\"user\":{\"uid\":0e0}}}",
                        "/process/user/uid: expected an unsigned 32-bit integer, found number 0e0");
    golden_assert_error(pass_user, "{\"process\":{\"user\":{\"uid\":null}}}",
                        "/process/user/uid: expected an unsigned 32-bit integer, found null");
    golden_assert_error(pass_user, "{\"process\":{\"user\":{\"uid\":true}}}",
                        "/process/user/uid: expected an unsigned 32-bit integer, found true");
    golden_assert_error(pass_user,
                        "{\"process\":{\"user\":{\"uid\":\"0000000000000000000000000000000000000000"
                        "000000\"}}}",
                        "/process/user/uid: expected an unsigned 32-bit integer, found a string of "
                        "46 bytes");
    golden_assert_error(
        pass_user, "{\"process\":{\"user\":{\"uid\":1,\"gid\":1,\"additionalGids\":[5,\"0\"]}}}",
        "/process/user/additionalGids/1: expected an unsigned 32-bit integer, "
        "found string \"0\"");
    golden_assert_error(pass_user, "{\"process\":{\"user\":{\"additionalGids\":0}}}",
                        "/process/user/additionalGids: expected an array, found number");
    golden_assert_error(pass_user, "{\"process\":{\"user\":[]}}",
                        "/process/user: expected an object, found array");
    golden_assert_error(pass_user, "{\"process\":[]}", "/process: expected an object, found array");
}
END_TEST

START_TEST(test_report)
{
    BrigReport rep = {0};
    _cleanup_free_ char *out = golden_run_inline(
        pass_user, "{\"process\":{\"user\":{\"uid\":0,\"gid\":0,\"additionalGids\":[0,10]}}}", NULL,
        &rep);
    ck_assert_str_eq(out, "{\"process\":{\"user\":{\"uid\":65534,\"gid\":65534,"
                          "\"additionalGids\":[10]}}}");
    ck_assert_uint_eq(rep.n, 3);
    _cleanup_free_ char *src = golden_policy_source();
    _cleanup_free_ char *why_uid = xasprintf("uid 0 is not allowed by %s; running as 65534", src);
    _cleanup_free_ char *why_gid = xasprintf("gid 0 is not allowed by %s; running as 65534", src);
    _cleanup_free_ char *why_sup = xasprintf("supplementary group 0 is not allowed by %s", src);
    ck_assert_str_eq(rep.v[0].pointer, "/process/user/uid");
    ck_assert_str_eq(rep.v[0].before, "0");
    ck_assert_str_eq(rep.v[0].after, "65534");
    ck_assert_str_eq(rep.v[0].reason, why_uid);
    ck_assert_str_eq(rep.v[1].pointer, "/process/user/gid");
    ck_assert_str_eq(rep.v[1].reason, why_gid);
    ck_assert_str_eq(rep.v[2].pointer, "/process/user/additionalGids");
    ck_assert_str_eq(rep.v[2].before, "[0,10]");
    ck_assert_str_eq(rep.v[2].after, "[10]");
    ck_assert_str_eq(rep.v[2].reason, why_sup);
    brig_report_clear(&rep);

    /* an absent uid is root to the runtime: recorded as added, not changed */
    _cleanup_free_ char *out2 = golden_run_inline(pass_user, "{\"process\":{}}", NULL, &rep);
    ck_assert_str_eq(out2, "{\"process\":{\"user\":{\"uid\":65534,\"gid\":65534}}}");
    ck_assert_uint_eq(rep.n, 2);
    ck_assert_ptr_null(rep.v[0].before);
    brig_report_clear(&rep);
}
END_TEST

/* A config's user namespace, judged from the host: the refusals name the
 * range, the grant, and the policy; substitutes lie inside the mapping. */
static size_t refusals(const BrigReport *rep)
{
    return brig_report_count(rep, BRIG_REFUSE);
}

static const BrigChange *find(const BrigReport *rep, BrigChangeKind kind, const char *pointer)
{
    for (size_t i = 0; i < rep->n; i++)
        if (rep->v[i].kind == kind && streq(rep->v[i].pointer, pointer))
            return &rep->v[i];
    return NULL;
}

#define USERNS(extra)                                                                              \
    "{\"process\":{\"user\":" extra "},\"linux\":{\"namespaces\":[{\"type\":\"user\"}],"
#define MAP(c, h, n) "{\"containerID\":" #c ",\"hostID\":" #h ",\"size\":" #n "}"

static void set_map_host_root(const char *name, BrigPolicy *p)
{
    (void)name;
    p->map_host_root = true;
}

START_TEST(test_userns_report)
{
    _cleanup_free_ char *src = golden_policy_source();
    BrigReport rep = {0};
    /* row 1 of issue 13: container 65534 is host root */
    _cleanup_free_ char *out = golden_run_inline(
        pass_user,
        USERNS("{\"uid\":65534,\"gid\":65534}") "\"uidMappings\":[" MAP(0, 100000, 65534) "," MAP(
            65534, 0, 1) "],\"gidMappings\":[" MAP(0, 100000, 65536) "]}}",
        NULL, &rep);
    ck_assert_uint_eq(refusals(&rep), 1);
    const BrigChange *c = find(&rep, BRIG_REFUSE, "/linux/uidMappings/1");
    ck_assert_ptr_nonnull(c);
    _cleanup_free_ char *want = xasprintf(
        "maps container uid 65534 to host uid 0: whatever runs as it is host root to every file it "
        "can reach; %s does not allow it (mapHostRoot would)",
        src);
    ck_assert_str_eq(c->reason, want);
    /* the process is moved off host root all the same, inside the mapping */
    c = find(&rep, BRIG_FIX, "/process/user/uid");
    ck_assert_ptr_nonnull(c);
    ck_assert_str_eq(c->after, "65533");
    _cleanup_free_ char *why =
        xasprintf("uid 65534 is host uid 0 through /linux/uidMappings, which "
                  "%s does not allow; running as 65533 (host uid 165533)",
                  src);
    ck_assert_str_eq(c->reason, why);
    ck_assert_ptr_null(find(&rep, BRIG_FIX, "/process/user/gid"));
    brig_report_clear(&rep);

    /* granted: the mapping is kept, the process still moves */
    _cleanup_free_ char *out2 = golden_run_inline(
        pass_user,
        USERNS("{\"uid\":65534,\"gid\":65534}") "\"uidMappings\":[" MAP(0, 100000, 65534) "," MAP(
            65534, 0, 1) "],\"gidMappings\":[" MAP(0, 100000, 65536) "]}}",
        set_map_host_root, &rep);
    ck_assert_uint_eq(refusals(&rep), 0);
    ck_assert_ptr_nonnull(strstr(out2, "\"uid\":65533"));
    brig_report_clear(&rep);

    /* no id to run as: a single range that is host root */
    _cleanup_free_ char *out3 =
        golden_run_inline(pass_user,
                          USERNS("{\"uid\":0,\"gid\":0}") "\"uidMappings\":[" MAP(
                              0, 0, 1) "],\"gidMappings\":[" MAP(0, 100000, 1) "]}}",
                          set_map_host_root, &rep);
    c = find(&rep, BRIG_REFUSE, "/process/user/uid");
    ck_assert_ptr_nonnull(c);
    _cleanup_free_ char *why3 = xasprintf(
        "uid 0 is host uid 0, which %s does not allow, and /linux/uidMappings maps no other id to "
        "run as",
        src);
    ck_assert_str_eq(c->reason, why3);
    brig_report_clear(&rep);

    /* a one-id mapping: container root, host 100000, is all there is */
    _cleanup_free_ char *out5 =
        golden_run_inline(pass_user,
                          USERNS("{\"uid\":0,\"gid\":0}") "\"uidMappings\":[" MAP(
                              0, 100000, 1) "],\"gidMappings\":[" MAP(0, 100000, 1) "]}}",
                          NULL, &rep);
    ck_assert_uint_eq(refusals(&rep), 0);
    c = find(&rep, BRIG_NOTE, "/process/user/uid");
    ck_assert_ptr_nonnull(c);
    ck_assert_str_eq(c->reason, "uid 0 kept: /linux/uidMappings maps no other id, and it is host "
                                "uid 100000, not root");
    ck_assert_ptr_nonnull(strstr(out5, "\"uid\":0"));
    brig_report_clear(&rep);
    /* container root with 65534 mapped: 65534, as without a user namespace */
    _cleanup_free_ char *out6 =
        golden_run_inline(pass_user,
                          USERNS("{\"uid\":0,\"gid\":0}") "\"uidMappings\":[" MAP(
                              0, 100000, 65536) "],\"gidMappings\":[" MAP(0, 100000, 65536) "]}}",
                          NULL, &rep);
    c = find(&rep, BRIG_FIX, "/process/user/uid");
    ck_assert_ptr_nonnull(c);
    _cleanup_free_ char *why6 = xasprintf(
        "uid 0 is not allowed by %s; running as 65534, which /linux/uidMappings maps (host uid "
        "165534)",
        src);
    ck_assert_str_eq(c->reason, why6);
    brig_report_clear(&rep);

    /* joined by path */
    _cleanup_free_ char *out4 = golden_run_inline(
        pass_user,
        "{\"process\":{\"user\":{\"uid\":1}},\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{"
        "\"type\":\"user\",\"path\":\"/run/userns/x\"}]}}",
        NULL, &rep);
    c = find(&rep, BRIG_REFUSE, "/linux/namespaces/1/path");
    ck_assert_ptr_nonnull(c);
    _cleanup_free_ char *why4 =
        xasprintf("joins the user namespace /run/userns/x, whose mapping is not in the config and "
                  "may include host root; %s does not allow it (mapHostRoot would)",
                  src);
    ck_assert_str_eq(c->reason, why4);
    brig_report_clear(&rep);
}
END_TEST

START_TEST(test_userns_errors)
{
    golden_assert_error(pass_user, USERNS("{}") "\"gidMappings\":[" MAP(0, 1, 1) "]}}",
                        "/linux/uidMappings: a new user namespace needs a mapping, and this one "
                        "has none; runc refuses it and crun starts with the ids unmapped");
    golden_assert_error(pass_user,
                        USERNS("{}") "\"uidMappings\":[" MAP(0, 1, 1) "],\"gidMappings\":[]}}",
                        "/linux/gidMappings: a new user namespace needs a mapping, and this one "
                        "has none; runc refuses it and crun starts with the ids unmapped");
    golden_assert_error(
        pass_user, "{\"linux\":{\"namespaces\":[{\"type\":\"user\"},{\"type\":\"user\"}]}}",
        "/linux/namespaces/1: a second \"user\" namespace; runc and crun do not agree on which "
        "one counts");
    golden_assert_error(
        pass_user,
        USERNS("{}") "\"uidMappings\":[" MAP(0, 1, 0) "],\"gidMappings\":[" MAP(0, 1, 1) "]}}",
        "/linux/uidMappings/0: a size of 0 maps nothing; the kernel refuses this "
        "range");
    golden_assert_error(pass_user, USERNS("{}") "\"uidMappings\":{}}}",
                        "/linux/uidMappings: expected an array, found object");
    golden_assert_error(
        pass_user,
        USERNS("{}") "\"uidMappings\":[" MAP(0, 1, 1) "],\"gidMappings\":[{\"containerID\":0,"
                                                      "\"hostID\":-1,\"size\":1}]}}",
        "/linux/gidMappings/0/hostID: expected an unsigned 32-bit integer, found number -1");
}
END_TEST

/* A host whose /etc/group names 6 "disk" and 42 "shadow" as system groups. */
static const char *fake_group(uint32_t gid)
{
    return gid == 6 ? "disk" : gid == 42 ? "shadow" : NULL;
}

/* pass_user on `json` with that host, `grant` in hostGroups (or none);
 * returns the output, compact. */
static char *run_groups(const char *json, const char *grant, BrigReport *rep)
{
    BrigCtx ctx;
    BrigHost host;
    BrigPolicy *policy;
    tu_ctx(&ctx, &host, &policy);
    host.host_group = fake_group;
    if (grant) {
        strv_free(policy->host_groups);
        policy->host_groups = xcalloc(2, sizeof(char *));
        policy->host_groups[0] = xstrdup(grant);
    }
    BrigJson *spec = tu_parse(json);
    BrigError *err = NULL;
    ck_assert_int_eq(pass_user(&ctx, spec, rep, &err), 0);
    char *out = brig_json_serialize(spec, 0, NULL);
    brig_json_free(spec);
    brig_policy_free(policy);
    return out;
}

/* A host system group, as gid or supplementary group, is not kept unless
 * granted: "shadow" read a bound /etc/shadow (redteam-userns.bats). */
START_TEST(test_host_groups)
{
    _cleanup_free_ char *src = golden_policy_source();
    BrigReport rep = {0};
    _cleanup_free_ char *out = run_groups(
        "{\"process\":{\"user\":{\"uid\":1000,\"gid\":42,\"additionalGids\":[6,1000,42,0,7]}}}",
        NULL, &rep);
    ck_assert_str_eq(out, "{\"process\":{\"user\":{\"uid\":1000,\"gid\":65534,"
                          "\"additionalGids\":[1000,7]}}}");
    const BrigChange *c = find(&rep, BRIG_FIX, "/process/user/gid");
    ck_assert_ptr_nonnull(c);
    _cleanup_free_ char *why = xasprintf("gid 42 is the host's group \"shadow\" (42), which %s "
                                         "does not grant (hostGroups would); running as 65534",
                                         src);
    ck_assert_str_eq(c->reason, why);
    c = find(&rep, BRIG_FIX, "/process/user/additionalGids");
    ck_assert_ptr_nonnull(c);
    _cleanup_free_ char *why2 =
        xasprintf("supplementary groups that are the host's system groups, 6 (\"disk\"), 42 "
                  "(\"shadow\"), are not granted by %s (hostGroups would); nor is group 0 allowed",
                  src);
    ck_assert_str_eq(c->reason, why2);
    brig_report_clear(&rep);

    /* granted by name or by gid */
    _cleanup_free_ char *g1 =
        run_groups("{\"process\":{\"user\":{\"uid\":1000,\"gid\":42,\"additionalGids\":[42]}}}",
                   "shadow", &rep);
    ck_assert_str_eq(g1,
                     "{\"process\":{\"user\":{\"uid\":1000,\"gid\":42,\"additionalGids\":[42]}}}");
    ck_assert_uint_eq(rep.n, 0);
    _cleanup_free_ char *g2 =
        run_groups("{\"process\":{\"user\":{\"uid\":1000,\"gid\":1000,\"additionalGids\":[42,6]}}}",
                   "6", &rep);
    ck_assert_str_eq(g2,
                     "{\"process\":{\"user\":{\"uid\":1000,\"gid\":1000,\"additionalGids\":[6]}}}");
    brig_report_clear(&rep);

    /* judged as the host sees it: container gid 65534 is host "shadow" */
    _cleanup_free_ char *m = run_groups(
        USERNS("{\"uid\":1000,\"gid\":65534,\"additionalGids\":[5]}") "\"uidMappings\":[" MAP(
            0, 100000,
            65536) "],\"gidMappings\":[" MAP(0, 100000,
                                             5) "," MAP(5, 6, 1) "," MAP(6, 100006,
                                                                         65528) "," MAP(65534, 42,
                                                                                        1) "]}}",
        NULL, &rep);
    /* the policy's gid is that very group: nothing to run as */
    c = find(&rep, BRIG_REFUSE, "/process/user/gid");
    ck_assert_ptr_nonnull(c);
    _cleanup_free_ char *why3 = xasprintf(
        "gid 65534 is the host's group \"shadow\" (42) through /linux/gidMappings, which %s does "
        "not grant (hostGroups would), and /linux/gidMappings maps no other gid to run as",
        src);
    ck_assert_str_eq(c->reason, why3);
    c = find(&rep, BRIG_FIX, "/process/user/additionalGids");
    ck_assert_ptr_nonnull(c);
    ck_assert_ptr_nonnull(strstr(c->reason, "5 (host 6, \"disk\")"));
    brig_report_clear(&rep);

    /* the policy's own gid, and gids the host does not name, stay */
    _cleanup_free_ char *k = run_groups(
        "{\"process\":{\"user\":{\"uid\":1000,\"gid\":65534,\"additionalGids\":[43,999]}}}", NULL,
        &rep);
    ck_assert_uint_eq(rep.n, 0);
    brig_report_clear(&rep);
}
END_TEST

/* brig's pool is 131072-2147483647; it holds 196608-262143 for another
 * container and 262144-327679 for "mine" */
static int fake_pool(uint64_t start, uint64_t end, const char *id, uint64_t *ret_lo,
                     uint64_t *ret_hi, uint32_t *ret_held)
{
    if (!(start < 0x80000000u && 131072 < end))
        return 0;
    if (id && streq(id, "mine") && start == 262144 && end == 327680)
        return 0;
    *ret_lo = 131072, *ret_hi = 0x80000000u;
    *ret_held = start < 262144 && 196608 < end ? 196608 : 0;
    return 1;
}

static size_t map_refusals(BrigCtx *ctx, const char *uid_map, const char *gid_map, BrigReport *rep)
{
    BrigError *err = NULL;
    _cleanup_free_ char *text =
        xasprintf(USERNS("{\"uid\":1000,\"gid\":1000}") "\"uidMappings\":[%s],"
                                                        "\"gidMappings\":[%s]}}",
                  uid_map, gid_map);
    BrigJson *spec = tu_parse(text);
    brig_report_clear(rep);
    ck_assert_int_eq(pass_user(ctx, spec, rep, &err), 0);
    brig_json_free(spec);
    return brig_report_count(rep, BRIG_REFUSE);
}

/* A config mapping into brig's pool of per-container ranges is refused:
 * onto a range another container holds (its process had the victim's
 * host ids), and onto one no container holds yet (brig gives it to the next
 * one); the range brig holds for this container itself passes, and ids
 * below the pool do. */
START_TEST(test_pool_ranges)
{
    BrigCtx ctx;
    BrigHost host;
    BrigPolicy *policy;
    tu_ctx(&ctx, &host, &policy);
    host.userns_pool_meets = fake_pool;
    BrigReport rep = {0};
    ck_assert_uint_eq(map_refusals(&ctx, MAP(0, 1000, 65536), MAP(0, 200000, 65536), &rep), 1);
    const BrigChange *c = find(&rep, BRIG_REFUSE, "/linux/gidMappings/0");
    ck_assert_ptr_nonnull(c);
    ck_assert_str_eq(c->reason,
                     "maps onto host ids 200000-265535, inside brig's pool of per-container ranges "
                     "(131072-2147483647), meeting the range 196608-262143 brig holds for another "
                     "container: the process would share that container's host ids; leave the "
                     "user namespace to brig (userNamespace), or map ids outside the pool (it "
                     "starts above every range /etc/subuid and /etc/subgid list)");
    /* held by nobody yet */
    ck_assert_uint_eq(map_refusals(&ctx, MAP(0, 1000000, 65536), MAP(0, 1000, 65536), &rep), 1);
    c = find(&rep, BRIG_REFUSE, "/linux/uidMappings/0");
    ck_assert_ptr_nonnull(c);
    ck_assert_ptr_nonnull(strstr(c->reason, "meeting ranges brig gives to other containers"));
    /* one id into the pool is enough */
    ck_assert_uint_eq(map_refusals(&ctx, MAP(0, 65537, 65536), MAP(0, 1000, 65536), &rep), 1);
    /* below the pool */
    ck_assert_uint_eq(map_refusals(&ctx, MAP(0, 65536, 65536), MAP(0, 65536, 65536), &rep), 0);
    /* this container's own range */
    ctx.container_id = "mine";
    ck_assert_uint_eq(map_refusals(&ctx, MAP(0, 262144, 65536), MAP(0, 262144, 65536), &rep), 0);
    ctx.container_id = "other";
    ck_assert_uint_eq(map_refusals(&ctx, MAP(0, 262144, 65536), MAP(0, 262144, 65536), &rep), 2);
    brig_report_clear(&rep);
    brig_policy_free(policy);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("pass_user");
    TCase *tc = tcase_create("pass_user");
    tcase_add_test(tc, test_golden);
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_report);
    tcase_add_test(tc, test_userns_report);
    tcase_add_test(tc, test_userns_errors);
    tcase_add_test(tc, test_host_groups);
    tcase_add_test(tc, test_pool_ranges);
    suite_add_tcase(s, tc);
    return tu_run(s);
}
