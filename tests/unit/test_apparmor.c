/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lib/apparmor.c: rendering (golden files in tests/data/apparmor/), the
 * profiles list, the parser run, and loading once under the lock, with a
 * stand-in apparmor_parser so the tests need no AppArmor kernel.  The real
 * apparmor_parser checks every rendering when it is installed. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "apparmor.h"
#include "testutil.h"

static char tmpdir[] = "/tmp/brig-test-aa.XXXXXX";

static void write_file(const char *path, const char *text, mode_t mode)
{
    FILE *f = fopen(path, "w");
    ck_assert_msg(f != NULL, "%s", path);
    fputs(text, f);
    fclose(f);
    ck_assert_int_eq(chmod(path, mode), 0);
}

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "%s", path);
    char *buf = NULL;
    size_t cap = 0;
    ssize_t n = getdelim(&buf, &cap, '\0', f);
    fclose(f);
    if (n < 0) {
        free(buf);
        return xstrdup("");
    }
    return buf;
}

static char *render(unsigned inc)
{
    char *text = NULL;
    BrigError *err = NULL;
    ck_assert_int_eq(brig_apparmor_render(BRIG_APPARMOR_PROFILE, inc, &text, &err), 0);
    return text;
}

static void check_golden(const char *name, unsigned inc)
{
    _cleanup_free_ char *rel = xasprintf("apparmor/%s", name);
    _cleanup_free_ char *want = tu_read_data(rel, NULL);
    _cleanup_free_ char *got = render(inc);
    ck_assert_msg(streq(got, want), "%s differs from the rendering:\n%s", rel, got);
}

START_TEST(test_render_golden)
{
    check_golden("brig-default.full", BRIG_AA_ABI3 | BRIG_AA_TUNABLES | BRIG_AA_BASE);
    check_golden("brig-default.bare", 0);
}
END_TEST

START_TEST(test_render_includes)
{
    _cleanup_free_ char *abi = render(BRIG_AA_ABI3);
    ck_assert_ptr_nonnull(strstr(abi, "\nabi <abi/3.0>,\n"));
    ck_assert_ptr_null(strstr(abi, "#include"));
    /* abstractions/base without tunables/global would not parse: left out */
    _cleanup_free_ char *base = render(BRIG_AA_BASE);
    ck_assert_ptr_null(strstr(base, "abstractions/base"));
    _cleanup_free_ char *both = render(BRIG_AA_BASE | BRIG_AA_TUNABLES);
    ck_assert_ptr_nonnull(strstr(both, "  #include <abstractions/base>\n"));
    ck_assert_ptr_nonnull(strstr(both, "\n#include <tunables/global>\n"));
    /* no marker, no template comment survives */
    ck_assert_ptr_null(strstr(both, "@"));
    ck_assert_ptr_null(strstr(both, "##"));

    char *text = NULL;
    BrigError *err = NULL;
    ck_assert_int_eq(brig_apparmor_render("web-1", 0, &text, &err), 0);
    ck_assert_ptr_nonnull(strstr(text, "profile web-1 flags="));
    ck_assert_ptr_nonnull(strstr(text, "signal (send,receive) peer=web-1,"));
    ck_assert_ptr_nonnull(strstr(text, "ptrace (trace,read,tracedby,readby) peer=web-1,"));
    free(text);
    /* a name that would inject rules */
    ck_assert_int_lt(brig_apparmor_render("x { capability, }", 0, &text, &err), 0);
    ck_assert_int_eq(err->status, EINVAL);
    brig_error_free(err);
}
END_TEST

START_TEST(test_rules)
{
    /* what the profile must say, whatever else changes in the template */
    _cleanup_free_ char *t = render(0);
    static const char *const must[] = {
        "  deny mount,\n",
        "  deny umount,\n",
        "  deny pivot_root,\n",
        "  deny network alg,\n",
        "  deny /proc/sysrq-trigger rwklx,\n",
        "  deny /proc/kcore rwklx,\n",
        "  deny /proc/* wklx,\n",
        "  deny /proc/sys/[^k]** wklx,\n",
        "  deny /proc/sys/kernel/[^s]** wklx,\n",
        "  deny /sys/** wklx,\n",
        "  deny /sys/firmware/** rwklx,\n",
        "  deny /sys/kernel/security/** rwklx,\n",
        "  signal (receive) peer=unconfined,\n",
        "  signal (send,receive) peer=brig-default,\n",
        "  ptrace (trace,read,tracedby,readby) peer=brig-default,\n",
        "profile brig-default flags=(attach_disconnected,mediate_deleted) {\n",
    };
    for (size_t i = 0; i < ELEMENTSOF(must); i++)
        ck_assert_msg(strstr(t, must[i]) != NULL, "rendered profile lacks: %s", must[i]);
    /* no allow rule for ptrace or signals to any other peer */
    ck_assert_ptr_null(strstr(t, "signal (send) peer=unconfined"));
    ck_assert_ptr_null(strstr(t, "ptrace (trace) peer=unconfined"));
}
END_TEST

/* Runs the real apparmor_parser in preprocess-and-compile mode (-Q: no
 * kernel load, -K: no cache) over each rendering. */
START_TEST(test_parser_accepts)
{
    const char *parser = access("/sbin/apparmor_parser", X_OK) == 0 ? "/sbin/apparmor_parser"
                         : access("/usr/sbin/apparmor_parser", X_OK) == 0
                             ? "/usr/sbin/apparmor_parser"
                             : NULL;
    if (!parser) {
        tu_skip("test_parser_accepts: apparmor_parser is not installed");
        return;
    }
    unsigned variants[] = {0, BRIG_AA_ABI3, BRIG_AA_ABI3 | BRIG_AA_TUNABLES | BRIG_AA_BASE};
    unsigned host = brig_apparmor_probe_includes(BRIG_APPARMOR_ETC);
    static const char *const flags[] = {"-Q", "-K", NULL};
    for (size_t i = 0; i < ELEMENTSOF(variants); i++) {
        if ((variants[i] & host) != variants[i]) {
            tu_skip("test_parser_accepts: the includes of variant %#x are not on this host",
                    variants[i]);
            continue;
        }
        _cleanup_free_ char *t = render(variants[i]);
        BrigError *err = NULL;
        int r = brig_apparmor_parser_run(parser, flags, t, &err);
        ck_assert_msg(r == 0, "apparmor_parser rejects rendering %#x: %s", variants[i],
                      err ? err->msg : "?");
    }
    /* and it does reject a broken profile, so the check above means something */
    BrigError *err = NULL;
    ck_assert_int_lt(brig_apparmor_parser_run(parser, flags, "profile x { bogus rule, }\n", &err),
                     0);
    ck_assert_ptr_nonnull(strstr(err->msg, "failed"));
    brig_error_free(err);
}
END_TEST

START_TEST(test_is_loaded)
{
    _cleanup_free_ char *p = xasprintf("%s/profiles", tmpdir);
    write_file(p,
               "brig-default-old (enforce)\n"
               "/usr/bin/man (enforce)\n"
               "docker-default (complain)\n"
               "brig-default (enforce)\n",
               0644);
    bool loaded = false;
    BrigError *err = NULL;
    ck_assert_int_eq(brig_apparmor_is_loaded(p, "brig-default", &loaded, &err), 0);
    ck_assert(loaded);
    ck_assert_int_eq(brig_apparmor_is_loaded(p, "docker-default", &loaded, &err), 0);
    ck_assert(loaded);
    ck_assert_int_eq(brig_apparmor_is_loaded(p, "brig", &loaded, &err), 0);
    ck_assert(!loaded);
    ck_assert_int_eq(brig_apparmor_is_loaded(p, "man", &loaded, &err), 0);
    ck_assert(!loaded);
    write_file(p, "brig-default-old (enforce)\n", 0644);
    ck_assert_int_eq(brig_apparmor_is_loaded(p, "brig-default", &loaded, &err), 0);
    ck_assert(!loaded);
    _cleanup_free_ char *missing = xasprintf("%s/nope", tmpdir);
    ck_assert_int_lt(brig_apparmor_is_loaded(missing, "brig-default", &loaded, &err), 0);
    ck_assert_int_eq(err->status, ENOENT);
    brig_error_free(err);
}
END_TEST

START_TEST(test_state_and_names)
{
    ck_assert_str_eq(brig_apparmor_state(0), "enabled");
    ck_assert_ptr_nonnull(strstr(brig_apparmor_state(ECANCELED), "disabled at boot"));
    ck_assert_ptr_nonnull(strstr(brig_apparmor_state(ENOENT), "securityfs"));
    ck_assert_ptr_nonnull(strstr(brig_apparmor_state(ENOSYS), "not available"));
    ck_assert_ptr_nonnull(strstr(brig_apparmor_state(EBUSY), "another LSM"));
    ck_assert(brig_apparmor_name_valid("brig-default"));
    ck_assert(brig_apparmor_name_valid("a.b_c-1"));
    ck_assert(!brig_apparmor_name_valid("unconfined"));
    ck_assert(!brig_apparmor_name_valid(""));
    ck_assert(!brig_apparmor_name_valid("-x"));
    ck_assert(!brig_apparmor_name_valid("a b"));
    ck_assert(!brig_apparmor_name_valid("a\n}"));
    ck_assert(!brig_apparmor_name_valid("/usr/bin/x"));
}
END_TEST

/* A stand-in parser: records its argv and input, counts its runs, and
 * "loads" by listing the profile. */
static void fake_parser(const char *dir, bool fail)
{
    _cleanup_free_ char *p = xasprintf("%s/parser", dir);
    _cleanup_free_ char *s =
        fail ? xasprintf("#!/bin/sh\ncat >/dev/null\necho 'AppArmor parser error: bad rule' >&2\n"
                         "exit 1\n")
             : xasprintf("#!/bin/sh\necho \"$@\" >%s/argv\ncat >%s/input\nsleep 0.2\n"
                         "echo run >>%s/runs\necho 'brig-default (enforce)' >>%s/profiles\n",
                         dir, dir, dir, dir);
    write_file(p, s, 0755);
}

static BrigAppArmorEnv env_for(const char *dir, char **paths)
{
    paths[0] = xasprintf("%s/profiles", dir);
    paths[1] = xasprintf("%s/brig/apparmor.lock", dir); /* brig/ is created */
    paths[2] = xasprintf("%s/parser", dir);
    paths[3] = xasprintf("%s/etc", dir);
    return (BrigAppArmorEnv){
        .profiles_file = paths[0], .lock_file = paths[1], .parser = paths[2], .etc_dir = paths[3]};
}

static int count_lines(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    int n = 0, c;
    while ((c = fgetc(f)) != EOF)
        n += c == '\n';
    fclose(f);
    return n;
}

START_TEST(test_ensure_once_under_lock)
{
    _cleanup_free_ char *dir = xasprintf("%s/once", tmpdir);
    ck_assert_int_eq(mkdir(dir, 0700), 0);
    fake_parser(dir, false);
    char *paths[4];
    BrigAppArmorEnv env = env_for(dir, paths);
    write_file(env.profiles_file, "other (enforce)\n", 0644);

    /* 20 brig processes starting containers at once: one load */
    enum { N = 20 };
    pid_t pids[N];
    for (int i = 0; i < N; i++) {
        pids[i] = fork();
        ck_assert_int_ge(pids[i], 0);
        if (pids[i] == 0) {
            BrigError *err = NULL;
            bool loaded;
            _exit(brig_apparmor_ensure(&env, BRIG_APPARMOR_PROFILE, &loaded, &err) == 0 ? 0 : 1);
        }
    }
    for (int i = 0; i < N; i++) {
        int st;
        ck_assert_int_eq(waitpid(pids[i], &st, 0), pids[i]);
        ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child %d failed", i);
    }
    _cleanup_free_ char *runs = xasprintf("%s/runs", dir);
    ck_assert_int_eq(count_lines(runs), 1);
    _cleanup_free_ char *argv = xasprintf("%s/argv", dir);
    _cleanup_free_ char *args = read_all(argv);
    ck_assert_str_eq(args, "-Kr\n");
    /* the parser got the rendered profile on stdin */
    _cleanup_free_ char *input = xasprintf("%s/input", dir);
    _cleanup_free_ char *got = read_all(input);
    _cleanup_free_ char *want = render(0); /* dir/etc has no includes */
    ck_assert_str_eq(got, want);

    /* loaded already: no run, not reported as loaded by this call */
    bool loaded = true;
    BrigError *err = NULL;
    ck_assert_int_eq(brig_apparmor_ensure(&env, BRIG_APPARMOR_PROFILE, &loaded, &err), 0);
    ck_assert(!loaded);
    ck_assert_int_eq(count_lines(runs), 1);
    for (int i = 0; i < 4; i++)
        free(paths[i]);
}
END_TEST

START_TEST(test_ensure_failures)
{
    _cleanup_free_ char *dir = xasprintf("%s/fail", tmpdir);
    ck_assert_int_eq(mkdir(dir, 0700), 0);
    char *paths[4];
    BrigAppArmorEnv env = env_for(dir, paths);
    write_file(env.profiles_file, "", 0644);
    BrigError *err = NULL;
    bool loaded;

    /* the parser fails: its message reaches the error */
    fake_parser(dir, true);
    ck_assert_int_lt(brig_apparmor_ensure(&env, BRIG_APPARMOR_PROFILE, &loaded, &err), 0);
    ck_assert_ptr_nonnull(strstr(err->msg, "cannot load AppArmor profile \"brig-default\""));
    ck_assert_ptr_nonnull(strstr(err->msg, "AppArmor parser error: bad rule"));
    brig_error_free(err);
    err = NULL;

    /* the parser succeeds but the profile is not listed afterwards */
    write_file(paths[2], "#!/bin/sh\ncat >/dev/null\n", 0755);
    ck_assert_int_lt(brig_apparmor_ensure(&env, BRIG_APPARMOR_PROFILE, &loaded, &err), 0);
    ck_assert_ptr_nonnull(strstr(err->msg, "not listed"));
    brig_error_free(err);
    err = NULL;

    /* a profile that is not brig's is never rendered */
    ck_assert_int_lt(brig_apparmor_ensure(&env, "my-profile", &loaded, &err), 0);
    ck_assert_ptr_nonnull(strstr(err->msg, "\"my-profile\" is not loaded"));
    brig_error_free(err);
    err = NULL;

    /* no parser */
    free(paths[2]);
    paths[2] = xasprintf("%s/missing-parser", dir);
    env.parser = paths[2];
    ck_assert_int_lt(brig_apparmor_ensure(&env, BRIG_APPARMOR_PROFILE, &loaded, &err), 0);
    ck_assert_ptr_nonnull(strstr(err->msg, "cannot run"));
    brig_error_free(err);
    for (int i = 0; i < 4; i++)
        free(paths[i]);
}
END_TEST

START_TEST(test_probe_includes)
{
    _cleanup_free_ char *etc = xasprintf("%s/etc-probe", tmpdir);
    ck_assert_int_eq(brig_apparmor_probe_includes(etc), 0);
    _cleanup_free_ char *abi = xasprintf("%s/abi", etc), *tun = xasprintf("%s/tunables", etc),
                        *abs = xasprintf("%s/abstractions", etc);
    ck_assert_int_eq(mkdir(etc, 0700), 0);
    ck_assert_int_eq(mkdir(abi, 0700), 0);
    ck_assert_int_eq(mkdir(tun, 0700), 0);
    ck_assert_int_eq(mkdir(abs, 0700), 0);
    _cleanup_free_ char *f1 = xasprintf("%s/3.0", abi);
    write_file(f1, "", 0644);
    ck_assert_int_eq(brig_apparmor_probe_includes(etc), BRIG_AA_ABI3);
    _cleanup_free_ char *f2 = xasprintf("%s/global", tun), *f3 = xasprintf("%s/base", abs);
    write_file(f2, "", 0644);
    write_file(f3, "", 0644);
    ck_assert_int_eq(brig_apparmor_probe_includes(etc),
                     BRIG_AA_ABI3 | BRIG_AA_TUNABLES | BRIG_AA_BASE);
}
END_TEST

int main(void)
{
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    Suite *s = suite_create("apparmor");
    TCase *tc = tcase_create("apparmor");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_render_golden);
    tcase_add_test(tc, test_render_includes);
    tcase_add_test(tc, test_rules);
    tcase_add_test(tc, test_is_loaded);
    tcase_add_test(tc, test_state_and_names);
    tcase_add_test(tc, test_ensure_once_under_lock);
    tcase_add_test(tc, test_ensure_failures);
    tcase_add_test(tc, test_probe_includes);
    suite_add_tcase(s, tc);
    /* needs apparmor_parser and the host's includes (tests/unit/meson.build) */
    tc = tcase_create("host");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_parser_accepts);
    suite_add_tcase(s, tc);
    int r = tu_run(s);
    _cleanup_free_ char *cmd = xasprintf("rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
    return r;
}
