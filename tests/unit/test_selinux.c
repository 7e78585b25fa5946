/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lib/selinux.c: the lxc_contexts parser, context surgery, and MCS pair
 * reservations, including 50 processes reserving at once. */
#include <dirent.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "selinux.h"
#include "testutil.h"

static char tmpdir[] = "/tmp/brig-test-se.XXXXXX";

static void parse_ok(const char *text, const char *process, const char *file)
{
    BrigSelinuxContexts c = {0};
    BrigError *err = NULL;
    int r = brig_selinux_parse_contexts(text, "ctx", &c, &err);
    ck_assert_msg(r == 0, "%s: %s", text, err ? err->msg : "?");
    ck_assert_str_eq(c.process, process);
    ck_assert_str_eq(c.file, file);
    brig_selinux_contexts_done(&c);
}

static void parse_err(const char *text, const char *want)
{
    BrigSelinuxContexts c = {0};
    BrigError *err = NULL;
    ck_assert_int_lt(brig_selinux_parse_contexts(text, "ctx", &c, &err), 0);
    ck_assert_str_eq(err->msg, want);
    ck_assert_ptr_null(c.process);
    brig_error_free(err);
}

START_TEST(test_parse)
{
    /* container-selinux's file */
    parse_ok("process = \"system_u:system_r:container_t:s0\"\n"
             "file = \"system_u:object_r:container_file_t:s0\"\n"
             "ro_file=\"system_u:object_r:container_ro_file_t:s0\"\n"
             "kvm_process=\"system_u:system_r:container_kvm_t:s0\"\n"
             "init_process = \"system_u:system_r:container_init_t:s0\"\n",
             "system_u:system_r:container_t:s0", "system_u:object_r:container_file_t:s0");
    /* refpolicy's lxc_contexts: unquoted, comments, blank lines, CRLF, tabs */
    parse_ok("# lxc contexts\n\n"
             "process = system_u:system_r:svirt_lxc_net_t:s0\r\n"
             "content = system_u:object_r:virt_var_lib_t:s0\n"
             "\tfile\t=\tsystem_u:object_r:svirt_sandbox_file_t:s0   # files\n"
             "sandbox_kvm_process = system_u:system_r:svirt_qemu_net_t:s0\n",
             "system_u:system_r:svirt_lxc_net_t:s0", "system_u:object_r:svirt_sandbox_file_t:s0");
    /* the last definition counts */
    parse_ok("process = \"a:b:c:s0\"\nfile = \"d:e:f:s0\"\nprocess = \"x:y:z:s0\"\n", "x:y:z:s0",
             "d:e:f:s0");
    /* MLS ranges survive */
    parse_ok("process = \"u:r:t:s0-s0:c0.c1023\"\nfile = \"u:r:f:s0\"", "u:r:t:s0-s0:c0.c1023",
             "u:r:f:s0");

    parse_err("process = \"a:b:c:s0\"\n", "ctx: no file context");
    parse_err("file = \"a:b:c:s0\"\n", "ctx: no process context");
    parse_err("", "ctx: no process context");
    parse_err("process \"a:b:c:s0\"\n", "ctx:1: expected KEY = \"CONTEXT\"");
    parse_err("# c\n\nprocess = \"a:b:c:s0\nfile = x\n", "ctx:3: unbalanced quotes");
    parse_err("process = \"\"\nfile = x\n", "ctx:1: process: \"\" is not a context");
    parse_err("process = a b\nfile = x\n", "ctx:1: process: \"a b\" is not a context");
    /* an unknown key with odd content is not our business */
    parse_ok("weird = ::\nprocess = p:r:t:s0\nfile = f:r:t:s0\n", "p:r:t:s0", "f:r:t:s0");
}
END_TEST

START_TEST(test_load_file)
{
    _cleanup_free_ char *p = xasprintf("%s/contexts", tmpdir);
    FILE *f = fopen(p, "w");
    fputs("process = \"system_u:system_r:container_t:s0\"\n"
          "file = \"system_u:object_r:container_file_t:s0\"\n",
          f);
    fclose(f);
    BrigSelinuxContexts c = {0};
    BrigError *err = NULL;
    ck_assert_int_eq(brig_selinux_load_contexts(p, &c, &err), 0);
    ck_assert_str_eq(c.process, "system_u:system_r:container_t:s0");
    brig_selinux_contexts_done(&c);
    _cleanup_free_ char *missing = xasprintf("%s/none", tmpdir);
    ck_assert_int_lt(brig_selinux_load_contexts(missing, &c, &err), 0);
    brig_error_free(err);
}
END_TEST

/* The fallback contexts file, found the way libselinux finds it:
 * SELINUXTYPE= in ETC/config (the last one; "targeted" when unset), and
 * ETC/TYPE/contexts/lxc_contexts only if it is there. */
static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

START_TEST(test_policy_lxc_contexts)
{
    _cleanup_free_ char *etc = xasprintf("%s/etc-selinux", tmpdir);
    _cleanup_free_ char *config = xasprintf("%s/config", etc);
    ck_assert_int_eq(mkdir(etc, 0755), 0);
    /* no config: nothing */
    ck_assert_ptr_null(brig_selinux_policy_lxc_contexts(etc));

    for (const char *const *t = (const char *const[]){"default", "targeted", "mls", NULL}; *t;
         t++) {
        _cleanup_free_ char *dir = xasprintf("%s/%s/contexts", etc, *t);
        _cleanup_free_ char *parent = xasprintf("%s/%s", etc, *t);
        ck_assert_int_eq(mkdir(parent, 0755), 0);
        ck_assert_int_eq(mkdir(dir, 0755), 0);
    }
    _cleanup_free_ char *deflt = xasprintf("%s/default/contexts/lxc_contexts", etc);
    _cleanup_free_ char *mls = xasprintf("%s/mls/contexts/lxc_contexts", etc);
    write_file(deflt, "process = \"a:b:c:s0\"\n");
    write_file(mls, "process = \"a:b:c:s0\"\n");

    write_file(config, "# a comment\nSELINUX=permissive\n  SELINUXTYPE=default  \n");
    _cleanup_free_ char *p1 = brig_selinux_policy_lxc_contexts(etc);
    ck_assert_str_eq(p1, deflt);
    /* the last SELINUXTYPE= wins */
    write_file(config, "SELINUXTYPE=default\nSELINUXTYPE=mls\n");
    _cleanup_free_ char *p2 = brig_selinux_policy_lxc_contexts(etc);
    ck_assert_str_eq(p2, mls);
    /* unset: "targeted", which has no lxc_contexts here */
    write_file(config, "SELINUX=enforcing\n");
    ck_assert_ptr_null(brig_selinux_policy_lxc_contexts(etc));
    /* a type that would leave ETC is not taken: the default applies */
    write_file(config, "SELINUXTYPE=../default\n");
    ck_assert_ptr_null(brig_selinux_policy_lxc_contexts(etc));
}
END_TEST

START_TEST(test_context_fields)
{
    _cleanup_free_ char *a =
        brig_selinux_with_level("system_u:system_r:container_t:s0", "s0:c1,c2");
    ck_assert_str_eq(a, "system_u:system_r:container_t:s0:c1,c2");
    _cleanup_free_ char *b =
        brig_selinux_with_level("system_u:system_r:container_t:s0-s0:c0.c1023", "s0:c5,c9");
    ck_assert_str_eq(b, "system_u:system_r:container_t:s0:c5,c9");
    ck_assert_ptr_null(brig_selinux_with_level("system_u:system_r:container_t", "s0:c1,c2"));
    ck_assert_ptr_null(brig_selinux_with_level("garbage", "s0:c1,c2"));
    _cleanup_free_ char *t = brig_selinux_type("system_u:system_r:container_t:s0:c1,c2");
    ck_assert_str_eq(t, "container_t");
    ck_assert_ptr_null(brig_selinux_type("system_u:system_r:container_t"));
    ck_assert_ptr_null(brig_selinux_type("a:b::s0"));
}
END_TEST

static bool parse_level(const char *level, unsigned *x, unsigned *y)
{
    int end = 0;
    return sscanf(level, "s0:c%u,c%u%n", x, y, &end) == 2 && level[end] == '\0';
}

START_TEST(test_reserve_release)
{
    _cleanup_free_ char *dir = xasprintf("%s/mcs1/sub", tmpdir); /* parent created too */
    _cleanup_free_ char *parent = xasprintf("%s/mcs1", tmpdir);
    char *l1 = NULL, *l2 = NULL, *again = NULL;
    BrigError *err = NULL;
    ck_assert_int_eq(brig_mcs_reserve(dir, "ctr-a", &l1, &err), 0);
    ck_assert_int_eq(brig_mcs_reserve(dir, "ctr-b", &l2, &err), 0);
    unsigned x, y;
    ck_assert_msg(parse_level(l1, &x, &y), "%s", l1);
    ck_assert_uint_lt(x, y);
    ck_assert_uint_le(y, 1023);
    ck_assert_str_ne(l1, l2);
    /* a retried create keeps its pair */
    ck_assert_int_eq(brig_mcs_reserve(dir, "ctr-a", &again, &err), 0);
    ck_assert_str_eq(again, l1);
    /* the file holds the id, is private, and is named after the pair */
    _cleanup_free_ char *f1 = xasprintf("%s/%s", dir, l1 + 3);
    struct stat st;
    ck_assert_int_eq(stat(f1, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0600);
    ck_assert_int_eq(st.st_size, 5);
    struct stat dst;
    ck_assert_int_eq(stat(parent, &dst), 0);
    ck_assert_int_eq(dst.st_mode & 0777, 0700);

    /* delete releases exactly the container's pair */
    ck_assert_int_eq(brig_mcs_release(dir, "ctr-a", &err), 1);
    ck_assert_int_eq(stat(f1, &st), -1);
    _cleanup_free_ char *f2 = xasprintf("%s/%s", dir, l2 + 3);
    ck_assert_int_eq(stat(f2, &st), 0);
    ck_assert_int_eq(brig_mcs_release(dir, "ctr-a", &err), 0);
    /* an id that is a prefix of another's does not release it */
    ck_assert_int_eq(brig_mcs_release(dir, "ctr-", &err), 0);
    ck_assert_int_eq(stat(f2, &st), 0);
    ck_assert_int_eq(brig_mcs_release(dir, "ctr-b", &err), 1);
    /* a directory that does not exist yet holds nothing */
    _cleanup_free_ char *none = xasprintf("%s/never", tmpdir);
    ck_assert_int_eq(brig_mcs_release(none, "x", &err), 0);
    /* no id, no reservation */
    ck_assert_int_lt(brig_mcs_reserve(dir, NULL, &again, &err), 0);
    brig_error_free(err);
    free(l1);
    free(l2);
    free(again);
}
END_TEST

/* 50 brig processes creating containers at the same moment: 50 different
 * pairs, each file holding its own id. */
START_TEST(test_concurrent_unique)
{
    enum { N = 50 };
    _cleanup_free_ char *dir = xasprintf("%s/mcs-conc", tmpdir);
    int p[2];
    ck_assert_int_eq(pipe(p), 0);
    int go[2];
    ck_assert_int_eq(pipe(go), 0);
    pid_t pids[N];
    for (int i = 0; i < N; i++) {
        pids[i] = fork();
        ck_assert_int_ge(pids[i], 0);
        if (pids[i] == 0) {
            close(p[0]);
            close(go[1]);
            char c;
            /* start together: wait until the parent closes the pipe */
            while (read(go[0], &c, 1) > 0)
                ;
            char id[32], line[64];
            snprintf(id, sizeof(id), "container-%02d", i);
            char *level = NULL;
            BrigError *err = NULL;
            if (brig_mcs_reserve(dir, id, &level, &err) < 0)
                _exit(1);
            int n = snprintf(line, sizeof(line), "%s %s\n", id, level);
            _exit(write(p[1], line, (size_t)n) == n ? 0 : 1);
        }
    }
    close(p[1]);
    close(go[0]);
    close(go[1]);
    for (int i = 0; i < N; i++) {
        int st;
        ck_assert_int_eq(waitpid(pids[i], &st, 0), pids[i]);
        ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child %d failed", i);
    }
    FILE *f = fdopen(p[0], "r");
    char id[32], level[32];
    char seen[N][32];
    int n = 0;
    while (fscanf(f, "%31s %31s", id, level) == 2) {
        ck_assert_int_lt(n, N);
        for (int k = 0; k < n; k++)
            ck_assert_msg(!streq(seen[k], level), "pair %s handed out twice", level);
        snprintf(seen[n++], sizeof(seen[0]), "%s", level);
        /* the reservation names this container */
        _cleanup_free_ char *file = xasprintf("%s/%s", dir, level + 3);
        FILE *r = fopen(file, "r");
        ck_assert_ptr_nonnull(r);
        char who[32] = {0};
        ck_assert_ptr_nonnull(fgets(who, sizeof(who), r));
        fclose(r);
        ck_assert_str_eq(who, id);
    }
    fclose(f);
    ck_assert_int_eq(n, N);
    /* and the directory holds exactly those */
    DIR *d = opendir(dir);
    int files = 0;
    struct dirent *de;
    while ((de = readdir(d)))
        files += de->d_name[0] == 'c';
    closedir(d);
    ck_assert_int_eq(files, N);
    /* deleting them all empties it */
    for (int i = 0; i < N; i++) {
        char cid[32];
        snprintf(cid, sizeof(cid), "container-%02d", i);
        BrigError *err = NULL;
        ck_assert_int_eq(brig_mcs_release(dir, cid, &err), 1);
    }
    d = opendir(dir);
    files = 0;
    while ((de = readdir(d)))
        files += de->d_name[0] == 'c';
    closedir(d);
    ck_assert_int_eq(files, 0);
}
END_TEST

/* Pairs taken by others are skipped, never shared: with every pair whose
 * first category is below 3 taken, new pairs all lie above. */
START_TEST(test_skips_taken)
{
    _cleanup_free_ char *dir = xasprintf("%s/mcs-taken", tmpdir);
    char *lv = NULL;
    BrigError *err = NULL;
    ck_assert_int_eq(brig_mcs_reserve(dir, "first", &lv, &err), 0);
    free(lv);
    /* take every pair (x, y) with x < 3 */
    for (unsigned x = 0; x < 3; x++)
        for (unsigned y = x + 1; y <= 1023; y++) {
            _cleanup_free_ char *p = xasprintf("%s/c%u,c%u", dir, x, y);
            FILE *f = fopen(p, "wx");
            if (f) {
                fputs("other", f);
                fclose(f);
            }
        }
    for (int i = 0; i < 20; i++) {
        char id[16];
        snprintf(id, sizeof(id), "n%d", i);
        ck_assert_int_eq(brig_mcs_reserve(dir, id, &lv, &err), 0);
        unsigned x, y;
        ck_assert(parse_level(lv, &x, &y));
        ck_assert_uint_ge(x, 3);
        free(lv);
    }
}
END_TEST

int main(void)
{
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    Suite *s = suite_create("selinux");
    TCase *tc = tcase_create("selinux");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_parse);
    tcase_add_test(tc, test_load_file);
    tcase_add_test(tc, test_policy_lxc_contexts);
    tcase_add_test(tc, test_context_fields);
    tcase_add_test(tc, test_reserve_release);
    tcase_add_test(tc, test_concurrent_unique);
    tcase_add_test(tc, test_skips_taken);
    suite_add_tcase(s, tc);
    int r = tu_run(s);
    _cleanup_free_ char *cmd = xasprintf("rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
    return r;
}
