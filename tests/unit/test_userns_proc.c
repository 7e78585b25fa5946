/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The user namespace an exec joins, read from the running container (issue
 * 13, rows 1 and 12, at exec): the runtimes' state files, /proc/PID/stat,
 * uid_map and gid_map in a fake proc directory, a reused pid, and the exec's
 * ids (inline flags and the process file) judged through the mapping as
 * create's are. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>

#include "passes/passes.h"
#include "runtime.h"
#include "testutil.h"
#include "userns/mapping.h"

static char dir[] = "/tmp/brig-userns-proc-XXXXXX";

static void put(const char *rel, const char *text)
{
    _cleanup_free_ char *p = xasprintf("%s/%s", dir, rel);
    /* parents first */
    for (char *s = strchr(p + strlen(dir) + 1, '/'); s; s = strchr(s + 1, '/')) {
        *s = '\0';
        (void)mkdir(p, 0755);
        *s = '/';
    }
    FILE *f = fopen(p, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

/* a stat line whose command name holds ") 1 2" (field 22 is 777) */
#define STAT(start)                                                                                \
    "42 (sl) 1 2) S 1 42 42 0 -1 4194560 100 0 0 0 0 0 0 0 20 0 1 0 " start                        \
    " 1000 100 18446744073709551615\n"

static void setup(void)
{
    strcpy(dir, "/tmp/brig-userns-proc-XXXXXX"); /* fresh per test, also with CK_FORK=no */
    ck_assert_ptr_nonnull(mkdtemp(dir));
    put("proc/self/ns/user", "brig's namespace");
    put("proc/42/stat", STAT("777"));
    put("proc/42/ns/user", "the container's");
    put("proc/42/uid_map", "         0     200000      65536\n");
    put("proc/42/gid_map", "         0     300000       1000\n      1000     400000          1\n");
}

static void teardown(void)
{
    _cleanup_free_ char *cmd = xasprintf("rm -rf %s", dir);
    ck_assert_int_eq(system(cmd), 0);
}

static char *proc_dir(void)
{
    return xasprintf("%s/proc", dir);
}

START_TEST(test_parse_proc)
{
    BrigIdMap m;
    BrigError *e = NULL;
    ck_assert_int_eq(brig_idmap_parse_proc("         0     200000      65536\n"
                                           "     65536          0          1\n",
                                           "m", &m, NULL),
                     0);
    ck_assert_uint_eq(m.n, 2);
    ck_assert_uint_eq(m.v[1].inside, 65536);
    ck_assert_uint_eq(m.v[1].host, 0);
    brig_idmap_clear(&m);
    /* a namespace nobody mapped has an empty map: every id unmapped */
    ck_assert_int_eq(brig_idmap_parse_proc("", "m", &m, NULL), 0);
    ck_assert_uint_eq(m.n, 0);
    brig_idmap_clear(&m);
    static const char *const bad[] = {"0 1\n",     "0 1 0\n",          "x 1 2\n",
                                      "0 1 2 3\n", "0 4294967295 1\n", "4294967296 0 1\n"};
    for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
        ck_assert_msg(brig_idmap_parse_proc(bad[i], "m", &m, &e) < 0, "accepted %s", bad[i]);
        ck_assert_str_eq(e->msg, "m: line 1 is not a mapping the kernel writes");
        ck_assert_ptr_null(m.v);
        brig_error_free(e);
        e = NULL;
    }
    /* more lines than the kernel ever writes */
    _cleanup_free_ char *many = xstrdup("");
    for (int i = 0; i <= BRIG_IDMAP_MAX_EXTENTS; i++) {
        char *n = xasprintf("%s%d %d 1\n", many, i, 1000 + i);
        free(many);
        many = n;
    }
    ck_assert_int_lt(brig_idmap_parse_proc(many, "m", &m, &e), 0);
    ck_assert_str_eq(e->msg, "m: line 341 is not a mapping the kernel writes");
    brig_error_free(e);
}
END_TEST

START_TEST(test_starttime)
{
    uint64_t t = 0;
    ck_assert_int_eq(brig_proc_stat_starttime(STAT("777"), &t), 0);
    ck_assert_uint_eq(t, 777);
    ck_assert_int_lt(brig_proc_stat_starttime("42 (sh) S 1 2 3\n", &t), 0);
    ck_assert_int_lt(brig_proc_stat_starttime("42 sh S\n", &t), 0);
}
END_TEST

START_TEST(test_of_process)
{
    _cleanup_free_ char *proc = proc_dir();
    BrigUserns ns;
    BrigError *e = NULL;
    ck_assert_int_eq(brig_userns_of_process(proc, 42, 777, &ns, &e), 0);
    ck_assert(ns.enabled && ns.has_uids && ns.has_gids);
    ck_assert_uint_eq(ns.uids.n, 1);
    ck_assert_uint_eq(ns.uids.v[0].host, 200000);
    ck_assert_uint_eq(ns.gids.n, 2);
    ck_assert_uint_eq(ns.gids.v[1].host, 400000);
    brig_userns_clear(&ns);

    /* the pid was reused: another start time */
    ck_assert_int_lt(brig_userns_of_process(proc, 42, 778, &ns, &e), 0);
    ck_assert_ptr_nonnull(strstr(e->msg, "/proc/42 started at tick 777, the container's init "
                                         "process at 778: the pid now belongs to another process"));
    ck_assert(!ns.enabled);
    brig_error_free(TAKE_PTR(e));

    /* gone */
    ck_assert_int_lt(brig_userns_of_process(proc, 43, 777, &ns, &e), 0);
    ck_assert_ptr_nonnull(strstr(e->msg, "the container's init process is gone"));
    brig_error_free(TAKE_PTR(e));

    /* brig's own namespace: no mapping to judge through */
    _cleanup_free_ char *mine = xasprintf("%s/self/ns/user", proc);
    _cleanup_free_ char *theirs = xasprintf("%s/42/ns/user", proc);
    ck_assert_int_eq(unlink(theirs), 0);
    ck_assert_int_eq(link(mine, theirs), 0);
    ck_assert_int_eq(brig_userns_of_process(proc, 42, 777, &ns, NULL), 0);
    ck_assert(!ns.enabled);
    ck_assert_uint_eq(ns.uids.n, 0);

    /* a malformed map is refused, naming the file */
    ck_assert_int_eq(unlink(theirs), 0);
    put("proc/42/ns/user", "the container's");
    put("proc/42/gid_map", "0 1\n");
    ck_assert_int_lt(brig_userns_of_process(proc, 42, 777, &ns, &e), 0);
    ck_assert_ptr_nonnull(strstr(e->msg, "/proc/42/gid_map: line 1 is not a mapping"));
    ck_assert_ptr_null(ns.uids.v);
    brig_error_free(e);
}
END_TEST

START_TEST(test_container_init)
{
    _cleanup_free_ char *root = xasprintf("%s/run", dir);
    int64_t pid;
    uint64_t start;
    BrigError *e = NULL;
    put("run/r1/state.json", "{\"id\":\"r1\",\"init_process_pid\":42,\"init_process_start\":777,"
                             "\"created\":\"2026-12-06T08:15:32Z\"}");
    ck_assert_int_eq(brig_container_init(root, "r1", false, &pid, &start, NULL), 0);
    ck_assert_int_eq(pid, 42);
    ck_assert_uint_eq(start, 777);
    put("run/c1/status", "{\"pid\":43,\"process-start-time\":888,\"bundle\":\"/b\"}");
    ck_assert_int_eq(brig_container_init(root, "c1", true, &pid, &start, NULL), 0);
    ck_assert_int_eq(pid, 43);
    ck_assert_uint_eq(start, 888);
    /* each runtime's own file only */
    ck_assert_int_lt(brig_container_init(root, "c1", false, &pid, &start, &e), 0);
    ck_assert_ptr_nonnull(strstr(e->msg, "/run/c1/state.json: not found: c1 is no container of "
                                         "this runtime under --root "));
    brig_error_free(TAKE_PTR(e));
    put("run/c2/status", "{\"pid\":0,\"process-start-time\":888}");
    ck_assert_int_lt(brig_container_init(root, "c2", true, &pid, &start, &e), 0);
    ck_assert_ptr_nonnull(strstr(e->msg, "no \"pid\""));
    brig_error_free(TAKE_PTR(e));
    put("run/r2/state.json", "{\"init_process_pid\":42}");
    ck_assert_int_lt(brig_container_init(root, "r2", false, &pid, &start, &e), 0);
    ck_assert_ptr_nonnull(strstr(e->msg, "no \"init_process_start\""));
    brig_error_free(TAKE_PTR(e));
    /* an id cannot climb out of the root */
    static const char *const ids[] = {"", ".", "..", "../r1", "a/b"};
    for (size_t i = 0; i < ELEMENTSOF(ids); i++) {
        ck_assert_int_lt(brig_container_init(root, ids[i], false, &pid, &start, &e), 0);
        brig_error_free(TAKE_PTR(e));
    }
}
END_TEST

/* ---- the exec's ids judged through the mapping ---- */

static void map_of(const char *uid_map, const char *gid_map, BrigUserns *ns)
{
    *ns = (BrigUserns){.enabled = true, .has_uids = true, .has_gids = true};
    ck_assert_int_eq(brig_idmap_parse_proc(uid_map, "u", &ns->uids, NULL), 0);
    ck_assert_int_eq(brig_idmap_parse_proc(gid_map, "g", &ns->gids, NULL), 0);
}

#define RT_TOOLS "0 1000 2000\n" /* runtime-tools' linux_uid_mappings: 65534 unmapped */
#define NOBODY_ROOT "0 100000 65534\n65534 0 1\n"
#define ROOTLESS "0 100000 1\n"

typedef struct ExecCase {
    const char *map;
    const char *argv[8];
    const char *user; /* the --user brig sends; NULL: refused */
    const char *gids; /* -g values kept */
} ExecCase;

static const ExecCase exec_cases[] = {
    /* root in the container becomes the nearest mapped id to 65534 */
    {RT_TOOLS, {"exec", "--user", "0:0", "ID", "id"}, "1999:1999", ""},
    {RT_TOOLS, {"exec", "ID", "id"}, "1999:1999", ""},
    {RT_TOOLS, {"exec", "--user", "4294967295", "ID"}, "1999:1999", ""},
    {RT_TOOLS, {"exec", "--user", "1000:1000", "-g", "0", "-g", "5", "ID"}, "1000:1000", "5"},
    /* an id the namespace does not map would fail in the runtime */
    {RT_TOOLS, {"exec", "--user", "65534:65534", "ID"}, NULL, ""},
    {RT_TOOLS, {"exec", "--user", "1000:1000", "-g", "3000", "ID"}, NULL, ""},
    /* a mapped "nobody" that is host root is moved off it, and so is its group */
    {NOBODY_ROOT, {"exec", "--user", "65534:65534", "ID"}, "65533:65533", ""},
    {NOBODY_ROOT,
     {"exec", "--user", "1000:1000", "-g", "65534", "-g", "7", "ID"},
     "1000:1000",
     "7"},
    {NOBODY_ROOT, {"exec", "ID"}, "65533:65533", ""},
    /* runc spec --rootless: container root (host 100000) is the only id */
    {ROOTLESS, {"exec", "--user", "0:0", "ID"}, "0:0", ""},
    {ROOTLESS, {"exec", "ID"}, "0:0", ""},
    /* a one-id map onto host root leaves nothing to run as */
    {"0 0 1\n", {"exec", "--user", "0:0", "ID"}, NULL, ""},
};

START_TEST(test_exec_flags)
{
    const ExecCase *c = &exec_cases[_i];
    static const BrigFlavour fls[] = {BRIG_RT_RUNC, BRIG_RT_CRUN};
    for (size_t f = 0; f < ELEMENTSOF(fls); f++) {
        if (fls[f] == BRIG_RT_CRUN) {
            bool g = false; /* crun has no -g */
            for (size_t k = 0; k < ELEMENTSOF(c->argv) && c->argv[k]; k++)
                g |= streq(c->argv[k], "-g");
            if (g)
                continue;
        }
        _cleanup_(brig_policy_freep) BrigPolicy *pol = brig_policy_new_default();
        _cleanup_(brig_userns_clear) BrigUserns ns;
        map_of(c->map, c->map, &ns);
        const char *v[10] = {"brig"};
        size_t n = 1;
        for (size_t k = 0; k < ELEMENTSOF(c->argv) && c->argv[k]; k++)
            v[n++] = c->argv[k];
        BrigArgv a;
        BrigReport rep = {0};
        ck_assert_int_eq(brig_argv_parse((int)n, (char *const *)v, &a, NULL), 0);
        ck_assert_int_eq(brig_argv_harden_exec_in(&a, pol, fls[f], &ns, NULL, &rep, NULL), 0);
        size_t refused = brig_report_count(&rep, BRIG_REFUSE);
        const char *user = NULL;
        _cleanup_free_ char *gids = xstrdup("");
        for (int i = 2; i < a.id_idx; i++) {
            if (startswith(a.argv[i], "--user="))
                user = a.argv[i] + 7;
            if (streq(a.argv[i], "-g")) {
                char *g = xasprintf("%s%s%s", gids, *gids ? "," : "", a.argv[++i]);
                free(gids);
                gids = g;
            }
        }
        if (!c->user)
            ck_assert_msg(refused > 0, "case %d: not refused", _i);
        else {
            ck_assert_msg(refused == 0, "case %d: refused: %s", _i, rep.n ? rep.v[0].reason : "");
            ck_assert_msg(user && streq(user, c->user), "case %d %s: sent --user=%s, want %s", _i,
                          brig_flavour_name(fls[f]), user ? user : "(none)", c->user);
            ck_assert_msg(streq(gids, c->gids), "case %d: gids %s, want %s", _i, gids, c->gids);
        }
        brig_report_clear(&rep);
        brig_argv_done(&a);
    }
}
END_TEST

/* No namespace (or brig's own): exactly the host-id judgement. */
START_TEST(test_exec_flags_no_userns)
{
    _cleanup_(brig_policy_freep) BrigPolicy *pol = brig_policy_new_default();
    BrigUserns none = {0};
    const char *v[] = {"brig", "exec", "--user", "0:0", "ID"};
    BrigArgv a;
    BrigReport rep = {0};
    ck_assert_int_eq(brig_argv_parse(ELEMENTSOF(v), (char *const *)v, &a, NULL), 0);
    ck_assert_int_eq(brig_argv_harden_exec_in(&a, pol, BRIG_RT_RUNC, &none, NULL, &rep, NULL), 0);
    ck_assert_str_eq(a.argv[2], "--user=65534:65534");
    brig_report_clear(&rep);
    brig_argv_done(&a);
}
END_TEST

static const char *shadow_group(uint32_t gid)
{
    return gid == 42 ? "shadow" : NULL;
}

/* A host system group on exec's command line (runc exec --user 1000:42
 * -g 42) is not kept unless granted (hostGroups), as at create. */
START_TEST(test_exec_flags_host_group)
{
    _cleanup_(brig_policy_freep) BrigPolicy *pol = brig_policy_new_default();
    BrigHost host = {.host_group = shadow_group};
    BrigUserns none = {0};
    const char *v[] = {"brig", "exec", "--user", "1000:42", "-g", "42", "-g", "7", "ID"};
    BrigArgv a;
    BrigReport rep = {0};
    ck_assert_int_eq(brig_argv_parse(ELEMENTSOF(v), (char *const *)v, &a, NULL), 0);
    ck_assert_int_eq(brig_argv_harden_exec_in(&a, pol, BRIG_RT_RUNC, &none, &host, &rep, NULL), 0);
    ck_assert_str_eq(a.argv[2], "--user=1000:65534");
    bool g42 = false, g7 = false;
    for (int i = 0; i + 1 < a.argc; i++)
        if (streq(a.argv[i], "-g") || streq(a.argv[i], "--additional-gids")) {
            g42 |= streq(a.argv[i + 1], "42");
            g7 |= streq(a.argv[i + 1], "7");
        }
    ck_assert(!g42);
    ck_assert(g7);
    ck_assert_uint_eq(brig_report_count(&rep, BRIG_REFUSE), 0);
    brig_report_clear(&rep);
    brig_argv_done(&a);

    /* granted: kept */
    strv_free(pol->host_groups);
    pol->host_groups = xcalloc(2, sizeof(char *));
    pol->host_groups[0] = xstrdup("shadow");
    ck_assert_int_eq(brig_argv_parse(ELEMENTSOF(v), (char *const *)v, &a, NULL), 0);
    ck_assert_int_eq(brig_argv_harden_exec_in(&a, pol, BRIG_RT_RUNC, &none, &host, &rep, NULL), 0);
    ck_assert_str_eq(a.argv[2], "--user=1000:42");
    brig_report_clear(&rep);
    brig_argv_done(&a);
}
END_TEST

/* The process file: judged through the running container's mapping. */
static char *process_user_of(const char *process, const BrigUserns *ns, size_t *ret_refused)
{
    BrigCtx ctx;
    BrigHost host;
    BrigPolicy *pol;
    tu_ctx(&ctx, &host, &pol);
    host.exec_userns = ns;
    _cleanup_(brig_json_freep) BrigJson *p = tu_parse(process);
    BrigReport rep = {0};
    ck_assert_int_eq(process_user(&ctx, p, "", &rep, NULL), 0);
    *ret_refused = brig_report_count(&rep, BRIG_REFUSE);
    brig_report_clear(&rep);
    brig_policy_free(pol);
    return tu_compact(brig_json_get(p, "user"));
}

START_TEST(test_process_file)
{
    _cleanup_(brig_userns_clear) BrigUserns rt = {0}, nobody = {0};
    map_of(RT_TOOLS, RT_TOOLS, &rt);
    map_of(NOBODY_ROOT, NOBODY_ROOT, &nobody);
    size_t refused;
    _cleanup_free_ char *a = process_user_of("{\"user\":{\"uid\":0,\"gid\":0}}", &rt, &refused);
    ck_assert_str_eq(a, "{\"uid\":1999,\"gid\":1999}");
    ck_assert_uint_eq(refused, 0);
    _cleanup_free_ char *b = process_user_of(
        "{\"user\":{\"uid\":65534,\"gid\":65534,\"additionalGids\":[65534,7]}}", &nobody, &refused);
    ck_assert_str_eq(b, "{\"uid\":65533,\"gid\":65533,\"additionalGids\":[7]}");
    ck_assert_uint_eq(refused, 0);
    _cleanup_free_ char *c = process_user_of("{\"user\":{\"uid\":65534,\"gid\":1}}", &rt, &refused);
    ck_assert_uint_eq(refused, 1);
    /* without a namespace: as before, host ids */
    _cleanup_free_ char *d = process_user_of("{\"user\":{\"uid\":0,\"gid\":0}}", NULL, &refused);
    ck_assert_str_eq(d, "{\"uid\":65534,\"gid\":65534}");
    BrigUserns own = {0};
    _cleanup_free_ char *e = process_user_of("{\"user\":{\"uid\":0,\"gid\":0}}", &own, &refused);
    ck_assert_str_eq(e, "{\"uid\":65534,\"gid\":65534}");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("userns_proc");
    TCase *tc = tcase_create("userns_proc");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_parse_proc);
    tcase_add_test(tc, test_starttime);
    tcase_add_test(tc, test_of_process);
    tcase_add_test(tc, test_container_init);
    tcase_add_loop_test(tc, test_exec_flags, 0, ELEMENTSOF(exec_cases));
    tcase_add_test(tc, test_exec_flags_no_userns);
    tcase_add_test(tc, test_exec_flags_host_group);
    tcase_add_test(tc, test_process_file);
    suite_add_tcase(s, tc);
    return tu_run(s);
}
