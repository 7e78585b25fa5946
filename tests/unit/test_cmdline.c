/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Command lines as each runtime reads them (issue 14): exec --user and
 * --additional-gids per flavour, the flavour from the executable, weakening
 * global flags, restore, and update. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "runtime.h"
#include "testutil.h"

#define MAXV 16

/* ---- exec --user / -g ---- */

typedef struct UserCase {
    BrigFlavour fl;
    const char *argv[MAXV];
    const char *user; /* the --user brig sends; NULL: refused */
    const char *gids; /* the -g values kept, comma-joined ("" none) */
} UserCase;

static const UserCase user_cases[] = {
    /* 32-bit wrap: the runtimes keep the low 32 bits */
    {BRIG_RT_RUNC, {"exec", "--user", "4294967296", "ID", "id"}, "65534:65534", ""},
    {BRIG_RT_RUNC, {"exec", "--user", "65534:4294967296", "ID", "id"}, "65534:65534", ""},
    {BRIG_RT_RUNC, {"exec", "-u", "4294968296:4294968296", "ID"}, "1000:1000", ""},
    {BRIG_RT_CRUN, {"exec", "--user", "4294967296", "ID", "id"}, "65534:65534", ""},
    {BRIG_RT_CRUN, {"exec", "--user", "-4294967296:1", "ID", "id"}, "65534:1", ""},
    /* (uid_t)-1 is "unchanged" to setresuid: root stays root */
    {BRIG_RT_RUNC, {"exec", "--user", "-1", "ID"}, "65534:65534", ""},
    {BRIG_RT_CRUN, {"exec", "--user", "4294967295:4294967295", "ID"}, "65534:65534", ""},
    {BRIG_RT_RUNC, {"exec", "-g", "4294967296", "-g", "5", "ID"}, "65534:65534", "5"},
    {BRIG_RT_RUNC, {"exec", "-g", "+007", "ID"}, "65534:65534", "7"},
    {BRIG_RT_RUNC, {"exec", "-g", "-1", "ID"}, NULL, ""},
    {BRIG_RT_RUNC, {"exec", "-g", "0x10", "ID"}, NULL, ""},
    /* empty parts, spaces, crun's gid 0 default */
    {BRIG_RT_CRUN, {"exec", "--user=", "ID", "id"}, "65534:65534", ""},
    {BRIG_RT_CRUN, {"exec", "--user", ":", "ID", "id"}, "65534:65534", ""},
    {BRIG_RT_CRUN, {"exec", "--user", " 0", "ID", "id"}, "65534:65534", ""},
    {BRIG_RT_CRUN, {"exec", "--user", "1000", "ID", "id"}, "1000:65534", ""},
    {BRIG_RT_CRUN, {"exec", "--user", "1000:", "ID", "id"}, "1000:65534", ""},
    {BRIG_RT_CRUN, {"exec", "--user", "\t+1000:\n2000", "ID", "id"}, "1000:2000", ""},
    {BRIG_RT_CRUN, {"exec", "--user", "1000x", "ID", "id"}, NULL, ""},
    {BRIG_RT_CRUN, {"exec", "--user", "1000: 5 ", "ID", "id"}, NULL, ""},
    {BRIG_RT_CRUN, {"exec", "--user", "99999999999999999999", "ID"}, NULL, ""},
    {BRIG_RT_RUNC, {"exec", "--user", " 0", "ID", "id"}, NULL, ""},
    {BRIG_RT_RUNC, {"exec", "--user", ":", "ID", "id"}, NULL, ""},
    {BRIG_RT_RUNC, {"exec", "--user", "root", "ID", "id"}, NULL, ""},
    /* runc ignores an empty --user (the config's user): brig names one */
    {BRIG_RT_RUNC, {"exec", "--user=", "ID", "id"}, "65534:65534", ""},
    {BRIG_RT_RUNC, {"exec", "--user", "1000", "ID", "id"}, "1000:65534", ""},
    /* no --user: crun runs root, runc the config's user; brig names it */
    {BRIG_RT_CRUN, {"exec", "ID", "id"}, "65534:65534", ""},
    {BRIG_RT_RUNC, {"exec", "ID", "id"}, "65534:65534", ""},
    /* the last --user counts in both */
    {BRIG_RT_RUNC, {"exec", "-u", "1000:1000", "--user=0", "ID"}, "65534:65534", ""},
    {BRIG_RT_CRUN, {"exec", "-u", "0", "--user=1000:1000", "ID"}, "1000:1000", ""},
    /* --cgroup may not climb out of the container's cgroup */
    {BRIG_RT_CRUN, {"exec", "--cgroup", "../..", "ID"}, NULL, ""},
    {BRIG_RT_RUNC, {"exec", "--cgroup=pids:../x", "ID"}, NULL, ""},
    {BRIG_RT_CRUN, {"exec", "--cgroup", "x:..", "ID"}, NULL, ""},
    {BRIG_RT_RUNC, {"exec", "--cgroup", "sub/dir", "ID"}, "65534:65534", ""},
    /* unknown runtime: plain decimal only */
    {BRIG_RT_UNKNOWN, {"exec", "--user", "0:0", "ID"}, "65534:65534", ""},
    {BRIG_RT_UNKNOWN, {"exec", "--user", "1000", "ID"}, "1000:65534", ""},
    {BRIG_RT_UNKNOWN, {"exec", "--user", "+1000", "ID"}, NULL, ""},
    {BRIG_RT_UNKNOWN, {"exec", "--user", "01000:1", "ID"}, NULL, ""},
};

START_TEST(test_exec_user)
{
    const UserCase *c = &user_cases[_i];
    _cleanup_(brig_policy_freep) BrigPolicy *pol = brig_policy_new_default();
    const char *v[MAXV + 1] = {"brig"};
    size_t n = 1;
    for (size_t k = 0; c->argv[k]; k++)
        v[n++] = c->argv[k];
    BrigArgv a;
    BrigReport rep = {0};
    ck_assert_int_eq(brig_argv_parse((int)n, (char *const *)v, &a, NULL), 0);
    ck_assert_int_eq(brig_argv_harden_exec(&a, pol, c->fl, &rep, NULL), 0);
    size_t refused = brig_report_count(&rep, BRIG_REFUSE);
    const char *user = NULL;
    _cleanup_free_ char *gids = xstrdup("");
    for (int i = 2; i < a.id_idx; i++) {
        if (startswith(a.argv[i], "--user="))
            user = a.argv[i] + 7;
        if (streq(a.argv[i], "-g") || streq(a.argv[i], "--additional-gids")) {
            char *g = xasprintf("%s%s%s", gids, *gids ? "," : "", a.argv[++i]);
            free(gids);
            gids = g;
        }
    }
    if (!c->user) {
        ck_assert_msg(refused > 0, "case %d: not refused", _i);
    } else {
        ck_assert_msg(refused == 0, "case %d: refused: %s", _i, rep.n ? rep.v[0].reason : "");
        ck_assert_msg(streq(user, c->user), "case %d: sent --user=%s, want %s", _i,
                      user ? user : "(none)", c->user);
        ck_assert_msg(streq(gids, c->gids), "case %d: gids %s, want %s", _i, gids, c->gids);
    }
    ck_assert_ptr_nonnull(a.id);
    ck_assert_str_eq(a.argv[a.id_idx], "ID");
    brig_report_clear(&rep);
    brig_argv_done(&a);
}
END_TEST

/* A policy that allows root keeps what the runtime would run. */
START_TEST(test_exec_user_allow_root)
{
    _cleanup_(brig_policy_freep) BrigPolicy *pol = brig_policy_new_default();
    pol->allow_root = true;
    pol->uid = pol->gid = 0;
    const char *v[] = {"brig", "exec", "--user", "4294967296", "ID"};
    BrigArgv a;
    BrigReport rep = {0};
    ck_assert_int_eq(brig_argv_parse(ELEMENTSOF(v), (char *const *)v, &a, NULL), 0);
    ck_assert_int_eq(brig_argv_harden_exec(&a, pol, BRIG_RT_CRUN, &rep, NULL), 0);
    ck_assert_str_eq(a.argv[2], "--user=0:0");
    brig_report_clear(&rep);
    brig_argv_done(&a);
}
END_TEST

/* ---- flavour ---- */

static char tmpdir[] = "/tmp/brig-cmdline-XXXXXX";

static char *mkscript(const char *name, const char *body)
{
    char *p = xasprintf("%s/%s", tmpdir, name);
    FILE *f = fopen(p, "we");
    ck_assert_ptr_nonnull(f);
    fprintf(f, "#!/bin/sh\n%s", body);
    fclose(f);
    chmod(p, 0755);
    return p;
}

START_TEST(test_flavour)
{
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
    ck_assert_int_eq(brig_flavour_from_version("runc version 1.1.5\ncommit: x\n"), BRIG_RT_RUNC);
    ck_assert_int_eq(brig_flavour_from_version("crun version 1.8.1\n"), BRIG_RT_CRUN);
    ck_assert_int_eq(brig_flavour_from_version("youki version 0.3\n"), BRIG_RT_UNKNOWN);
    ck_assert_int_eq(brig_flavour_from_version(" runc version"), BRIG_RT_UNKNOWN);

    /* the name says runc, the program says crun: crun */
    _cleanup_free_ char *rt = mkscript("runc", "echo 'crun version 1.8.1'\n");
    _cleanup_free_ char *cache = xasprintf("%s/cache", tmpdir);
    ck_assert_int_eq(brig_runtime_flavour(rt, cache), BRIG_RT_CRUN);
    /* cached: the same file is not asked again (the cache answers even
     * though the script would now fail) ... */
    ck_assert_int_eq(brig_runtime_flavour(rt, cache), BRIG_RT_CRUN);
    /* ... and a file replaced in place is asked again */
    free(mkscript("runc", "echo 'runc version 1.1.5'\n"));
    ck_assert_int_eq(brig_runtime_flavour(rt, cache), BRIG_RT_RUNC);
    /* silent, hanging or missing: unknown */
    _cleanup_free_ char *quiet = mkscript("quiet", "exit 0\n");
    ck_assert_int_eq(brig_runtime_flavour(quiet, NULL), BRIG_RT_UNKNOWN);
    _cleanup_free_ char *missing = xasprintf("%s/none", tmpdir);
    ck_assert_int_eq(brig_runtime_flavour(missing, cache), BRIG_RT_UNKNOWN);
    _cleanup_free_ char *cmd = xasprintf("rm -rf %s", tmpdir);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/* ---- global and create flags, restore ---- */

typedef struct FlagCase {
    BrigFlavour fl;
    const char *argv[MAXV];
    const char *refused; /* pointer of the refusal, NULL: none */
    const char *grant;   /* a runtimeFlags grant that lets it through, or NULL */
} FlagCase;

static const FlagCase flag_cases[] = {
    {BRIG_RT_CRUN,
     {"--cgroup-manager=disabled", "create", "ID"},
     "/argv/--cgroup-manager",
     "cgroup-manager=disabled"},
    {BRIG_RT_CRUN,
     {"--cgroup-manager", "disabled", "exec", "ID", "id"},
     "/argv/--cgroup-manager",
     "cgroup-manager=disabled"},
    {BRIG_RT_CRUN,
     {"--cgroup-manager=disabled", "--systemd-cgroup", "update", "ID"},
     "/argv/--cgroup-manager",
     "cgroup-manager=disabled"},
    {BRIG_RT_CRUN, {"--cgroup-manager=cgroupfs", "create", "ID"}, NULL, NULL},
    {BRIG_RT_RUNC, {"create", "--no-pivot", "ID"}, "/argv/--no-pivot", "no-pivot"},
    {BRIG_RT_RUNC, {"run", "ID", "-no-pivot"}, "/argv/--no-pivot", "no-pivot"},
    {BRIG_RT_RUNC, {"create", "--no-pivot=false", "ID"}, NULL, NULL},
    {BRIG_RT_CRUN,
     {"create", "--no-new-keyring", "ID"},
     "/argv/--no-new-keyring",
     "no-new-keyring"},
    {BRIG_RT_RUNC, {"--criu", "/tmp/x", "checkpoint", "ID"}, "/argv/--criu", "criu"},
    {BRIG_RT_RUNC, {"--rootless=true", "create", "ID"}, "/argv/--rootless", "rootless"},
    {BRIG_RT_RUNC, {"--rootless", "false", "create", "ID"}, NULL, NULL},
    {BRIG_RT_CRUN, {"--rootless", "false", "create", "ID"}, "/argv/--rootless", "rootless"},
    /* the id is not a flag, a command after it is not either */
    {BRIG_RT_RUNC, {"exec", "ID", "--no-pivot"}, NULL, NULL},
    {BRIG_RT_RUNC, {"restore", "ID"}, "/argv/restore", NULL},
};

START_TEST(test_flags)
{
    const FlagCase *c = &flag_cases[_i];
    for (int pass = 0; pass < 2; pass++) {
        _cleanup_(brig_policy_freep) BrigPolicy *pol = brig_policy_new_default();
        if (pass == 1) {
            if (!c->grant)
                break;
            pol->runtime_flags = (strv_free(pol->runtime_flags), xcalloc(2, sizeof(char *)));
            pol->runtime_flags[0] = xstrdup(c->grant);
        }
        const char *v[MAXV + 1] = {"brig"};
        size_t n = 1;
        for (size_t k = 0; c->argv[k]; k++)
            v[n++] = c->argv[k];
        BrigArgv a;
        BrigReport rep = {0};
        ck_assert_int_eq(brig_argv_parse((int)n, (char *const *)v, &a, NULL), 0);
        a.flavour = c->fl;
        brig_argv_check_flags(&a, pol, &rep);
        if (c->refused && pass == 0) {
            ck_assert_msg(rep.n == 1, "case %d: %zu changes", _i, rep.n);
            ck_assert_int_eq(rep.v[0].kind, BRIG_REFUSE);
            ck_assert_str_eq(rep.v[0].pointer, c->refused);
            /* one line naming the flag and the grant */
            ck_assert_ptr_null(strchr(rep.v[0].reason, '\n'));
            if (c->grant)
                ck_assert_ptr_nonnull(strstr(rep.v[0].reason, c->grant));
        } else {
            ck_assert_msg(rep.n == 0, "case %d pass %d: %s", _i, pass,
                          rep.n ? rep.v[0].reason : "");
        }
        brig_report_clear(&rep);
        brig_argv_done(&a);
    }
}
END_TEST

START_TEST(test_restore)
{
    _cleanup_(brig_policy_freep) BrigPolicy *pol = brig_policy_new_default();
    const char *v[] = {"brig",
                       "restore",
                       "--lsm-profile",
                       "apparmor:unconfined",
                       "--lsm-mount-context=system_u:object_r:container_file_t:s0",
                       "ID"};
    BrigArgv a;
    BrigReport rep = {0};
    ck_assert_int_eq(brig_argv_parse(ELEMENTSOF(v), (char *const *)v, &a, NULL), 0);
    brig_argv_check_flags(&a, pol, &rep);
    ck_assert_uint_eq(rep.n, 3);
    ck_assert_str_eq(rep.v[0].pointer, "/argv/restore");
    ck_assert_ptr_nonnull(strstr(rep.v[0].reason, "\"restore\": true"));
    ck_assert_str_eq(rep.v[1].pointer, "/argv/--lsm-profile");
    ck_assert_str_eq(rep.v[2].pointer, "/argv/--lsm-mount-context");
    brig_report_clear(&rep);
    /* granted: only the label overrides remain refused */
    pol->restore = true;
    brig_argv_check_flags(&a, pol, &rep);
    ck_assert_uint_eq(rep.n, 2);
    ck_assert_uint_eq(brig_report_count(&rep, BRIG_REFUSE), 2);
    brig_report_clear(&rep);
    brig_argv_done(&a);
}
END_TEST

/* The grants parse strictly: a flag brig does not know is an error naming
 * the ones it does; rules accumulate them. */
START_TEST(test_policy_keys)
{
    BrigPolicyDoc *doc = NULL;
    BrigError *err = NULL;
    const char *bad = "{\"version\": 1, \"defaults\": {\"runtimeFlags\": [\"no-seccomp\"]}}";
    ck_assert_int_lt(brig_policy_parse(bad, strlen(bad), "p.json", &doc, &err), 0);
    ck_assert_ptr_nonnull(strstr(err->msg, "/defaults/runtimeFlags/0"));
    ck_assert_ptr_nonnull(strstr(err->msg, "cgroup-manager=disabled"));
    brig_error_free(err);
    err = NULL;
    const char *badr = "{\"version\": 1, \"defaults\": {\"restore\": \"yes\"}}";
    ck_assert_int_lt(brig_policy_parse(badr, strlen(badr), "p.json", &doc, &err), 0);
    brig_error_free(err);
    err = NULL;
    const char *ok = "{\"version\": 1, \"defaults\": {\"runtimeFlags\": [\"no-pivot\"]},"
                     "\"rules\": [{\"name\": \"r\", \"match\": {\"ids\": [\"x*\"]},"
                     "\"allow\": {\"runtimeFlags\": [\"criu\"], \"restore\": true}}]}";
    ck_assert_int_eq(brig_policy_parse(ok, strlen(ok), "p.json", &doc, &err), 0);
    BrigMatchInput in = {.id = "x1"};
    BrigPolicy *p = NULL;
    ck_assert_int_eq(brig_policy_resolve(doc, &in, &p, &err), 0);
    ck_assert_str_eq(p->runtime_flags[0], "no-pivot");
    ck_assert_str_eq(p->runtime_flags[1], "criu");
    ck_assert(p->restore);
    brig_policy_free(p);
    in.id = "y";
    ck_assert_int_eq(brig_policy_resolve(doc, &in, &p, &err), 0);
    ck_assert(!p->restore);
    brig_policy_free(p);
    brig_policy_doc_free(doc);
}
END_TEST

/* ---- update ---- */

typedef struct UpdateCase {
    BrigFlavour fl;
    const char *argv[MAXV];
    const char *stdin_json; /* fed on stdin when not NULL */
    size_t refusals;
} UpdateCase;

static const UpdateCase update_cases[] = {
    {BRIG_RT_RUNC, {"update", "--pids-limit", "-1", "ID"}, NULL, 1},
    {BRIG_RT_RUNC, {"update", "--pids-limit=0x7fffffff", "ID"}, NULL, 1},
    {BRIG_RT_RUNC, {"update", "ID", "--pids-limit", "5000"}, NULL, 1},
    {BRIG_RT_RUNC, {"update", "--pids-limit", "100", "--pids-limit", "-1", "ID"}, NULL, 2},
    {BRIG_RT_RUNC, {"update", "--pids-limit", "100", "--memory", "1g", "ID"}, NULL, 0},
    {BRIG_RT_CRUN, {"update", "--memory", "1g", "ID"}, NULL, 1},
    {BRIG_RT_CRUN, {"update", "--memory", "1,\"unified\":{}", "ID"}, NULL, 1},
    {BRIG_RT_CRUN, {"update", "--pids-limit", "0", "ID"}, NULL, 0},
    {BRIG_RT_RUNC, {"update", "--resources=-", "ID"}, "{\"pids\":{\"limit\":-1}}", 1},
    {BRIG_RT_RUNC, {"update", "-r", "-", "ID"}, "{\"pids\":{\"limit\":4096}}", 0},
    {BRIG_RT_RUNC, {"update", "-r", "-", "ID"}, "{\"pids\":{\"limit\":4097}}", 1},
    {BRIG_RT_RUNC, {"update", "-r", "-", "ID"}, "{\"pids\":{\"limit\":1e3}}", 1},
    {BRIG_RT_CRUN,
     {"update", "-r", "-", "ID"},
     "{\"devices\":[{\"allow\":true,\"access\":\"rwm\"}]}",
     1},
    {BRIG_RT_RUNC, {"update", "-r", "-", "ID"}, "{\"unified\":{\"pids.max\":\"max\"}}", 1},
    {BRIG_RT_RUNC, {"update", "-r", "-", "ID"}, "{\"Pids\":{\"limit\":-1}}", 1},
    {BRIG_RT_RUNC,
     {"update", "-r", "-", "ID"},
     "{\"pids\":{\"limit\":10},\"pids\":{\"limit\":-1}}",
     1},
    {BRIG_RT_RUNC,
     {"update", "-r", "-", "ID"},
     "{\"memory\":{\"limit\":1000000},\"cpu\":{\"shares\":2}}",
     0},
    /* the flags are ignored when --resources is given: its content counts */
    {BRIG_RT_RUNC,
     {"update", "--pids-limit", "5", "-r", "-", "ID"},
     "{\"pids\":{\"limit\":-1}}",
     1},
};

START_TEST(test_update)
{
    const UpdateCase *c = &update_cases[_i];
    _cleanup_(brig_policy_freep) BrigPolicy *pol = brig_policy_new_default();
    const char *v[MAXV + 1] = {"brig"};
    size_t n = 1;
    for (size_t k = 0; c->argv[k]; k++)
        v[n++] = c->argv[k];
    int saved = dup(0);
    if (c->stdin_json) {
        int p[2];
        ck_assert_int_eq(pipe(p), 0);
        ck_assert_int_eq(write(p[1], c->stdin_json, strlen(c->stdin_json)),
                         (ssize_t)strlen(c->stdin_json));
        close(p[1]);
        dup2(p[0], 0);
        close(p[0]);
    }
    BrigArgv a;
    BrigReport rep = {0};
    ck_assert_int_eq(brig_argv_parse((int)n, (char *const *)v, &a, NULL), 0);
    a.flavour = c->fl;
    ck_assert_int_eq(brig_argv_check_update(&a, pol, &rep, NULL), 0);
    ck_assert_msg(brig_report_count(&rep, BRIG_REFUSE) == c->refusals,
                  "case %d: %zu refusals, want %zu (%s)", _i, brig_report_count(&rep, BRIG_REFUSE),
                  c->refusals, rep.n ? rep.v[0].reason : "");
    if (c->stdin_json) {
        /* the runtime gets the very bytes brig checked, on its stdin */
        char buf[4096];
        ssize_t got = read(0, buf, sizeof(buf) - 1);
        ck_assert_int_eq(got, (ssize_t)strlen(c->stdin_json));
        buf[got] = '\0';
        ck_assert_str_eq(buf, c->stdin_json);
    }
    dup2(saved, 0);
    close(saved);
    brig_report_clear(&rep);
    brig_argv_done(&a);
}
END_TEST

/* getopt (crun) takes "--pids-l=-1" as --pids-limit, Go's flag package as
 * an unknown flag: brig's reading would miss it, so it is a hazard, which
 * brig_runtime_exec() refuses for anything but runc. */
START_TEST(test_update_getopt_hazard)
{
    const char *v[] = {"brig", "update", "--pids-l=-1", "ID"};
    BrigArgv a;
    ck_assert_int_eq(brig_argv_parse(ELEMENTSOF(v), (char *const *)v, &a, NULL), 0);
    ck_assert_str_eq(a.getopt_hazard, "--pids-l=-1");
    brig_argv_done(&a);
}
END_TEST

/* --resources FILE becomes "-" with the file's bytes on stdin: the runtime
 * cannot read a file changed after the check. */
START_TEST(test_update_file_handed_over)
{
    char path[] = "/tmp/brig-res-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    const char *json = "{\"pids\":{\"limit\":100}}";
    ck_assert_int_eq(write(fd, json, strlen(json)), (ssize_t)strlen(json));
    close(fd);
    _cleanup_free_ char *flag = xasprintf("--resources=%s", path);
    const char *v[] = {"brig", "update", flag, "ID"};
    int saved = dup(0);
    _cleanup_(brig_policy_freep) BrigPolicy *pol = brig_policy_new_default();
    BrigArgv a;
    BrigReport rep = {0};
    ck_assert_int_eq(brig_argv_parse(ELEMENTSOF(v), (char *const *)v, &a, NULL), 0);
    ck_assert_int_eq(brig_argv_check_update(&a, pol, &rep, NULL), 0);
    ck_assert_uint_eq(rep.n, 0);
    ck_assert_str_eq(a.argv[2], "--resources=-");
    unlink(path);
    char buf[256];
    ssize_t got = read(0, buf, sizeof(buf) - 1);
    ck_assert_int_eq(got, (ssize_t)strlen(json));
    dup2(saved, 0);
    close(saved);
    brig_argv_done(&a);
}
END_TEST

static Suite *cmdline_suite(void)
{
    Suite *s = suite_create("cmdline");
    TCase *tc = tcase_create("exec");
    tcase_add_loop_test(tc, test_exec_user, 0, ELEMENTSOF(user_cases));
    tcase_add_test(tc, test_exec_user_allow_root);
    suite_add_tcase(s, tc);
    tc = tcase_create("flavour");
    tcase_add_test(tc, test_flavour);
    suite_add_tcase(s, tc);
    tc = tcase_create("flags");
    tcase_add_loop_test(tc, test_flags, 0, ELEMENTSOF(flag_cases));
    tcase_add_test(tc, test_restore);
    tcase_add_test(tc, test_policy_keys);
    suite_add_tcase(s, tc);
    tc = tcase_create("update");
    tcase_add_loop_test(tc, test_update, 0, ELEMENTSOF(update_cases));
    tcase_add_test(tc, test_update_file_handed_over);
    tcase_add_test(tc, test_update_getopt_hazard);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return tu_run(cmdline_suite());
}
