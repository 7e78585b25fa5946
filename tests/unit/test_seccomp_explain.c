/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The BPF interpreter, symbolic arguments, and `explain` cross-checked
 * against the compiled filter for every syscall of every architecture of
 * the default profile, with the argument values its conditional entries
 * care about.  A last test loads the real filter and checks that the
 * interpreter agrees with the kernel. */
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "caps.h"
#include "seccomp_explain.h"
#include "testutil.h"

#define CAP(name) (UINT64_C(1) << brig_cap_from_name(name))
#define ALL_CAPS ((UINT64_C(1) << (BRIG_CAP_LAST + 1)) - 1)

static const BrigJson *default_profile(void)
{
    const BrigJson *p = NULL;
    BrigError *err = NULL;
    ck_assert_msg(brig_seccomp_default(&p, &err) == 0, "%s", err ? err->msg : "");
    return p;
}

START_TEST(bpf_interpreter)
{
    /* nr == 39 ? ERRNO(5) : (args[0] & 0xf0) ? KILL : ALLOW */
    struct sock_filter prog[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 39, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 5),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
        BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0xf0),
        BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0xff, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct seccomp_data d = {.nr = 39};
    uint32_t act = 0;
    ck_assert_int_eq(brig_bpf_run(prog, ELEMENTSOF(prog), &d, &act, NULL), 0);
    ck_assert_uint_eq(act, SECCOMP_RET_ERRNO | 5);
    d.nr = 1;
    ck_assert_int_eq(brig_bpf_run(prog, ELEMENTSOF(prog), &d, &act, NULL), 0);
    ck_assert_uint_eq(act, SECCOMP_RET_ALLOW);
    d.args[0] = 0x10;
    ck_assert_int_eq(brig_bpf_run(prog, ELEMENTSOF(prog), &d, &act, NULL), 0);
    ck_assert_uint_eq(act, SECCOMP_RET_KILL_PROCESS);

    /* the disassembly `brig seccomp bpf` prints */
    char *t = brig_bpf_insn_text(&prog[0], 0);
    ck_assert_str_eq(t, "ld [0] (nr)");
    free(t);
    t = brig_bpf_insn_text(&prog[1], 1);
    ck_assert_str_eq(t, "jeq #0x27 -> 2 : 3");
    free(t);
    t = brig_bpf_insn_text(&prog[2], 2);
    ck_assert_str_eq(t, "ret ERRNO(EIO)");
    free(t);

    /* loads the kernel would refuse, and a program without RET */
    struct sock_filter bad[] = {BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 2)};
    BrigError *err = NULL;
    ck_assert_int_lt(brig_bpf_run(bad, 1, &d, &act, &err), 0);
    brig_error_free(err);
    struct sock_filter off_end[] = {BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0)};
    ck_assert_int_lt(brig_bpf_run(off_end, 1, &d, &act, NULL), 0);
}
END_TEST

START_TEST(symbolic_args)
{
    uint64_t v;
    ck_assert_int_eq(brig_seccomp_parse_arg("CLONE_NEWUSER", &v, NULL), 0);
    ck_assert_uint_eq(v, 0x10000000);
    ck_assert_int_eq(brig_seccomp_parse_arg("clone_newns|CLONE_NEWPID|SIGCHLD", &v, NULL), 0);
    ck_assert_uint_eq(v, 0x20020011);
    ck_assert_int_eq(brig_seccomp_parse_arg("AF_VSOCK", &v, NULL), 0);
    ck_assert_uint_eq(v, 40);
    ck_assert_int_eq(brig_seccomp_parse_arg("0x8", &v, NULL), 0);
    ck_assert_uint_eq(v, 8);
    ck_assert_int_eq(brig_seccomp_parse_arg("-1", &v, NULL), 0);
    ck_assert_uint_eq(v, UINT64_MAX);
    BrigError *err = NULL;
    ck_assert_int_lt(brig_seccomp_parse_arg("CLONE_NEWBOGUS", &v, &err), 0);
    ck_assert_ptr_nonnull(strstr(err->msg, "CLONE_NEWBOGUS"));
    brig_error_free(err);
}
END_TEST

static BrigExplain *explain(const BrigJson *p, uint64_t caps, const char *sys, uint32_t arch,
                            const uint64_t *args, size_t n, BrigSimCache *cache)
{
    BrigExplain *x = NULL;
    BrigError *err = NULL;
    ck_assert_msg(brig_seccomp_explain(p, caps, sys, arch, args, n, cache, &x, &err) == 0, "%s: %s",
                  sys, err ? err->msg : "");
    return x;
}

START_TEST(explain_reasons)
{
    const BrigJson *p = default_profile();
    uint64_t a = 0x10000000; /* CLONE_NEWUSER */
    BrigExplain *x = explain(p, 0, "clone", SCMP_ARCH_X86_64, &a, 1, NULL);
    ck_assert_str_eq(x->kernel_action, "ERRNO(EPERM)");
    ck_assert(x->agree);
    ck_assert_int_ge(x->reason, 0);
    ck_assert_ptr_nonnull(x->entries[x->reason].comment);
    ck_assert_ptr_nonnull(x->entries[x->reason].args);
    /* the capability that would change it is named */
    bool admin = false;
    for (size_t i = 0; i < x->n_cap_effects; i++)
        admin = admin || strstr(x->cap_effects[i], "with CAP_SYS_ADMIN: ALLOW") != NULL;
    ck_assert(admin);
    brig_explain_free(x);

    x = explain(p, CAP("CAP_SYS_ADMIN"), "clone", SCMP_ARCH_X86_64, &a, 1, NULL);
    ck_assert_str_eq(x->kernel_action, "ALLOW");
    brig_explain_free(x);

    x = explain(p, 0, "1000", SCMP_ARCH_X86_64, NULL, 0, NULL);
    ck_assert_int_eq(x->reason, -1);
    ck_assert_str_eq(x->kernel_action, "ERRNO(ENOSYS)");
    brig_explain_free(x);

    x = explain(p, 0, "keyctl", SCMP_ARCH_X86_64, NULL, 0, NULL);
    ck_assert_str_eq(x->kernel_action, "ERRNO(EPERM)");
    ck_assert_int_ge(x->reason, 0);
    brig_explain_free(x);

    /* the high-bit trick is caught on both ABIs */
    uint64_t vs = 0x100000028;
    x = explain(p, 0, "socket", SCMP_ARCH_X86_64, &vs, 1, NULL);
    ck_assert_str_eq(x->kernel_action, "ERRNO(EPERM)");
    brig_explain_free(x);
    x = explain(p, 0, "socket", SCMP_ARCH_X86, &vs, 1, NULL);
    ck_assert_int_gt(x->nr, 0); /* the direct socket(2), not libseccomp's pseudo-number */
    ck_assert_str_eq(x->kernel_action, "ERRNO(EPERM)");
    brig_explain_free(x);
}
END_TEST

/* Values the conditional entries of the default profile test. */
static const uint64_t probe_values[] = {
    0,           1,          2,         8,       10,         16,         17,
    38,          40,         0x20000,   0x20008, 0x40000,    0xffffffff, 0x100000028,
    0x100000026, 0x11,       0x3d0f00,  0x20000, 0x4000000,  0x8000000,  0x10000000,
    0x20000000,  0x40000000, 0x2000000, 0x80,    0x80000000, 0x7e020000, UINT64_MAX,
};

START_TEST(explain_agrees_with_bpf)
{
    const BrigJson *p = default_profile();
    static const uint32_t arches[] = {SCMP_ARCH_X86_64, SCMP_ARCH_X86, SCMP_ARCH_X32,
                                      SCMP_ARCH_AARCH64, SCMP_ARCH_ARM};
    const uint64_t capsets[] = {0, CAP("CAP_SYS_ADMIN"), CAP("CAP_SYS_PTRACE") | CAP("CAP_BPF"),
                                ALL_CAPS};
    BrigSimCache *cache = brig_sim_cache_new(p);
    size_t checked = 0;
    for (size_t c = 0; c < ELEMENTSOF(capsets); c++)
        for (size_t a = 0; a < ELEMENTSOF(arches); a++) {
            uint32_t arch = arches[a];
            uint32_t base = arch == SCMP_ARCH_X32 ? 0x40000000 : 0;
            for (int nr = 0; nr < 1024; nr++) {
                char *name = seccomp_syscall_resolve_num_arch(arch, (int)base + nr);
                if (!name)
                    continue;
                for (size_t v = 0; v < ELEMENTSOF(probe_values); v++) {
                    BrigExplain *x = NULL;
                    BrigError *err = NULL;
                    uint64_t args[1] = {probe_values[v]};
                    int r =
                        brig_seccomp_explain(p, capsets[c], name, arch, args, 1, cache, &x, &err);
                    if (r < 0) { /* only multiplexed calls may be refused */
                        ck_assert_msg(strstr(err->msg, "multiplexer"), "%s", err->msg);
                        brig_error_free(err);
                        break;
                    }
                    ck_assert_msg(
                        x->agree, "%s(0x%llx) on %s caps 0x%llx: profile says %s, BPF says %s",
                        name, (unsigned long long)args[0], brig_seccomp_arch_name(arch),
                        (unsigned long long)capsets[c], x->profile_action, x->kernel_action);
                    checked++;
                    brig_explain_free(x);
                    /* syscalls without argument tests: one value is enough */
                    bool conditional = false;
                    const BrigJson *e;
                    BRIG_JSON_FOREACH (e, brig_json_get(p, "syscalls"))
                        if (brig_json_get(e, "args") &&
                            brig_json_array_has_string(brig_json_get(e, "names"), name))
                            conditional = true;
                    if (!conditional)
                        break;
                }
                free(name);
            }
        }
    brig_sim_cache_free(cache);
    ck_assert_uint_gt(checked, 5000);
}
END_TEST

/* The interpreter against the kernel itself: load the compiled default
 * filter in a child and compare errno for a few calls. */
START_TEST(bpf_matches_kernel)
{
    const BrigJson *p = default_profile();
    BrigJson *oci = NULL;
    BrigSim *sim = NULL;
    ck_assert_int_eq(brig_seccomp_resolve(p, 0, &oci, NULL), 0);
    ck_assert_int_eq(brig_sim_new(oci, &sim, NULL), 0);
    struct {
        long nr;
        uint64_t a0;
    } calls[] = {{SYS_keyctl, 0}, {SYS_socket, 40}, {SYS_socket, 0x100000028},
                 {SYS_clone3, 0}, {1000, 0},        {SYS_bpf, 0},
                 {SYS_mount, 0}};
    for (size_t i = 0; i < ELEMENTSOF(calls); i++) {
        uint32_t act =
            brig_sim_action(sim, SCMP_ARCH_X86_64, (int)calls[i].nr, (uint64_t[6]){calls[i].a0});
        ck_assert_uint_eq(act & SECCOMP_RET_ACTION_FULL, SECCOMP_RET_ERRNO);
        int want = (int)(act & SECCOMP_RET_DATA);
        int pipefd[2];
        ck_assert_int_eq(pipe(pipefd), 0);
        pid_t pid = fork();
        if (pid == 0) {
            scmp_filter_ctx fc = NULL;
            prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
            if (brig_seccomp_compile(oci, SCMP_ARCH_NATIVE, &fc, NULL) < 0 || seccomp_load(fc) < 0)
                _exit(100);
            errno = 0;
            long r = syscall(calls[i].nr, calls[i].a0, 0, 0, 0, 0);
            int e = r < 0 ? errno : 0;
            (void)!write(pipefd[1], &e, sizeof(e));
            _exit(0);
        }
        close(pipefd[1]);
        int got = -1, st;
        ck_assert_int_eq(read(pipefd[0], &got, sizeof(got)), sizeof(got));
        close(pipefd[0]);
        waitpid(pid, &st, 0);
        ck_assert_msg(got == want, "syscall %ld: kernel errno %d, interpreter %d", calls[i].nr, got,
                      want);
    }
    brig_sim_free(sim);
    brig_json_free(oci);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("seccomp_explain");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, bpf_interpreter);
    tcase_add_test(tc, symbolic_args);
    tcase_add_test(tc, explain_reasons);
    tcase_add_test(tc, explain_agrees_with_bpf);
    tcase_add_test(tc, bpf_matches_kernel);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return tu_run(suite());
}
