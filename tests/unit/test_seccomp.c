/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "caps.h"
#include "seccomp.h"
#include "testutil.h"

#define CAP(name) (UINT64_C(1) << brig_cap_from_name(name))
#define ALL_CAPS ((UINT64_C(1) << (BRIG_CAP_LAST + 1)) - 1)

static const uint32_t target_arches[] = {SCMP_ARCH_X86_64, SCMP_ARCH_X86, SCMP_ARCH_X32,
                                         SCMP_ARCH_AARCH64, SCMP_ARCH_ARM};

/* The syscalls nearly every program makes all the time: they must stay
 * unconditioned so the kernel's constant-action cache applies. */
static const char *const hot[] = {
    "read",       "write",    "futex",        "epoll_wait",     "epoll_pwait", "epoll_ctl",
    "mmap",       "munmap",   "brk",          "close",          "openat",      "fstat",
    "newfstatat", "statx",    "rt_sigreturn", "rt_sigprocmask", "nanosleep",   "clock_gettime",
    "getpid",     "getppid",  "poll",         "ppoll",          "recvmsg",     "sendmsg",
    "lseek",      "mprotect", "readv",        "writev",         "pread64",     "pwrite64",
};

/* Names whose treatment depends on CAP_SYS_ADMIN alone. */
static const char *const admin_gated[] = {
    "clone",       "clone3",     "unshare",       "setns",         "mount",           "umount",
    "umount2",     "pivot_root", "fsopen",        "fsconfig",      "fsmount",         "fspick",
    "move_mount",  "open_tree",  "mount_setattr", "fanotify_init", "lookup_dcookie",  "quotactl",
    "quotactl_fd", "swapon",     "swapoff",       "bpf",           "perf_event_open", "syslog",
};

static const BrigJson *default_profile(void)
{
    const BrigJson *p = NULL;
    BrigError *err = NULL;
    ck_assert_msg(brig_seccomp_default(&p, &err) == 0, "%s", err ? err->msg : "?");
    return p;
}

static BrigJson *resolved(uint64_t caps)
{
    BrigJson *out = NULL;
    BrigError *err = NULL;
    ck_assert_msg(brig_seccomp_resolve(default_profile(), caps, &out, &err) == 0, "%s",
                  err ? err->msg : "?");
    return out;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Everything the resolved profile says about one name, as one string:
 * "ACTION/errno/args|ACTION/errno/args|..." sorted, so that the order in
 * which resolve merged the entries does not matter. */
static char *treatment(const BrigJson *oci, const char *name)
{
    char *parts[64];
    size_t n = 0, len = 1;
    const BrigJson *e;
    BRIG_JSON_FOREACH (e, brig_json_get(oci, "syscalls")) {
        if (!brig_json_array_has_string(brig_json_get(e, "names"), name))
            continue;
        ck_assert_uint_lt(n, ELEMENTSOF(parts));
        const BrigJson *er = brig_json_get(e, "errnoRet"), *args = brig_json_get(e, "args");
        _cleanup_free_ char *a = args ? tu_compact(args) : xstrdup("-");
        parts[n] = xasprintf("%s/%s/%s|", brig_json_str(brig_json_get(e, "action")),
                             er ? er->text : "-", a);
        len += strlen(parts[n++]);
    }
    qsort(parts, n, sizeof(parts[0]), cmp_str);
    char *acc = xmalloc(len);
    acc[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        strcat(acc, parts[i]);
        free(parts[i]);
    }
    return acc;
}

static bool in_list(const char *const *list, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (streq(list[i], s))
            return true;
    return false;
}

START_TEST(default_validates)
{
    BrigError *err = NULL;
    const BrigJson *a = default_profile(), *b = default_profile();
    ck_assert_ptr_eq(a, b); /* parsed once */
    ck_assert_msg(brig_seccomp_validate(a, "default.json", &err) == 0, "%s", err ? err->msg : "?");
    ck_assert_str_eq(brig_json_str(brig_json_get(a, "defaultAction")), "SCMP_ACT_ERRNO");
    ck_assert_str_eq(brig_json_get(a, "defaultErrnoRet")->text, "38");
    const BrigJson *archs = brig_json_get(a, "architectures");
    ck_assert_uint_eq(archs->n, 5);
    for (size_t i = 0; i < ELEMENTSOF(target_arches); i++)
        ck_assert(brig_json_array_has_string(archs, brig_seccomp_arch_name(target_arches[i])));
}
END_TEST

START_TEST(names_resolve_per_arch)
{
    const BrigJson *e, *n;
    size_t total = 0, on_x86_64 = 0, on_aarch64 = 0;
    BRIG_JSON_FOREACH (e, brig_json_get(default_profile(), "syscalls"))
        BRIG_JSON_FOREACH (n, brig_json_get(e, "names")) {
            unsigned found = 0;
            for (size_t t = 0; t < ELEMENTSOF(target_arches); t++)
                if (seccomp_syscall_resolve_name_arch(target_arches[t], brig_json_str(n)) >= 0)
                    found++;
            ck_assert_msg(found > 0, "%s is unknown on every target architecture", n->text);
            on_x86_64 += seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86_64, n->text) >= 0;
            on_aarch64 += seccomp_syscall_resolve_name_arch(SCMP_ARCH_AARCH64, n->text) >= 0;
            total++;
        }
    ck_assert_uint_gt(total, 300);
    ck_assert_uint_gt(on_x86_64, 250);
    ck_assert_uint_gt(on_aarch64, 200);
    /* the arch-specific names really are arch-specific */
    ck_assert_int_lt(seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86_64, "socketcall"), 0);
    ck_assert_int_ge(seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86, "socketcall"), 0);
    ck_assert_int_ge(seccomp_syscall_resolve_name_arch(SCMP_ARCH_ARM, "set_tls"), 0);
    ck_assert_int_lt(seccomp_syscall_resolve_name_arch(SCMP_ARCH_AARCH64, "arch_prctl"), 0);
    /* every hot name exists on the two main architectures or on their 32-bit partner */
    for (size_t i = 0; i < ELEMENTSOF(hot); i++)
        ck_assert_msg(seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86_64, hot[i]) >= 0 ||
                          seccomp_syscall_resolve_name_arch(SCMP_ARCH_AARCH64, hot[i]) >= 0,
                      "%s", hot[i]);
}
END_TEST

START_TEST(admin_groups_differ_exactly)
{
    _cleanup_(brig_json_freep) BrigJson *none = resolved(0);
    _cleanup_(brig_json_freep) BrigJson *admin = resolved(CAP("CAP_SYS_ADMIN"));
    /* every name of the profile, once: the ones whose treatment changes with
     * CAP_SYS_ADMIN must be exactly the admin-gated groups */
    const char *seen[1024];
    size_t n_seen = 0, differing = 0;
    const BrigJson *e, *n;
    BRIG_JSON_FOREACH (e, brig_json_get(default_profile(), "syscalls"))
        BRIG_JSON_FOREACH (n, brig_json_get(e, "names")) {
            if (in_list(seen, n_seen, n->text))
                continue;
            ck_assert_uint_lt(n_seen, ELEMENTSOF(seen));
            seen[n_seen++] = n->text;
            _cleanup_free_ char *a = treatment(none, n->text), *b = treatment(admin, n->text);
            bool gated = in_list(admin_gated, ELEMENTSOF(admin_gated), n->text);
            ck_assert_msg(gated == !streq(a, b), "%s: without CAP_SYS_ADMIN %s, with %s", n->text,
                          a, b);
            differing += gated;
        }
    ck_assert_uint_eq(differing, ELEMENTSOF(admin_gated));

    _cleanup_free_ char *m0 = treatment(none, "mount"), *m1 = treatment(admin, "mount");
    ck_assert_str_eq(m0, "SCMP_ACT_ERRNO/1/-|");
    ck_assert_str_eq(m1, "SCMP_ACT_ALLOW/-/-|");
    _cleanup_free_ char *c0 = treatment(none, "clone3"), *c1 = treatment(admin, "clone3");
    ck_assert_str_eq(c0, "SCMP_ACT_ERRNO/38/-|");
    ck_assert_str_eq(c1, "SCMP_ACT_ALLOW/-/-|");
    _cleanup_free_ char *k0 = treatment(none, "clone");
    ck_assert_str_eq(k0, "SCMP_ACT_ALLOW/-/[{\"index\":0,\"value\":2114060288,\"valueTwo\":0,"
                         "\"op\":\"SCMP_CMP_MASKED_EQ\"}]|SCMP_ACT_ERRNO/1/[{\"index\":0,"
                         "\"value\":0,\"op\":\"SCMP_CMP_GE\"}]|");
    /* CAP_BPF alone opens bpf, and nothing else */
    _cleanup_(brig_json_freep) BrigJson *bpf = resolved(CAP("CAP_BPF"));
    _cleanup_free_ char *b0 = treatment(none, "bpf"), *b1 = treatment(bpf, "bpf");
    _cleanup_free_ char *u1 = treatment(bpf, "mount");
    ck_assert_str_eq(b0, "SCMP_ACT_ERRNO/1/-|");
    ck_assert_str_eq(b1, "SCMP_ACT_ALLOW/-/-|");
    ck_assert_str_eq(u1, "SCMP_ACT_ERRNO/1/-|");
    /* always denied whatever the capabilities */
    _cleanup_(brig_json_freep) BrigJson *all = resolved(ALL_CAPS);
    static const char *const never[] = {"keyctl",         "add_key",        "request_key",
                                        "io_uring_setup", "io_uring_enter", "kexec_load",
                                        "kexec_file_load"};
    for (size_t i = 0; i < ELEMENTSOF(never); i++) {
        _cleanup_free_ char *t = treatment(all, never[i]);
        ck_assert_msg(streq(t, "SCMP_ACT_ERRNO/1/-|"), "%s: %s", never[i], t);
    }
}
END_TEST

START_TEST(hot_set_unconditioned)
{
    uint64_t masks[] = {0, CAP("CAP_SYS_ADMIN"), ALL_CAPS};
    for (size_t m = 0; m < ELEMENTSOF(masks); m++) {
        _cleanup_(brig_json_freep) BrigJson *oci = resolved(masks[m]);
        for (size_t i = 0; i < ELEMENTSOF(hot); i++) {
            _cleanup_free_ char *t = treatment(oci, hot[i]);
            ck_assert_msg(streq(t, "SCMP_ACT_ALLOW/-/-|"), "%s: %s", hot[i], t);
        }
    }
}
END_TEST

START_TEST(resolve_is_plain_and_deterministic)
{
    _cleanup_(brig_json_freep) BrigJson *a = resolved(CAP("CAP_NET_BIND_SERVICE"));
    _cleanup_(brig_json_freep) BrigJson *b = resolved(CAP("CAP_NET_BIND_SERVICE"));
    _cleanup_free_ char *sa = tu_compact(a), *sb = tu_compact(b);
    ck_assert_str_eq(sa, sb);
    ck_assert_ptr_null(strstr(sa, "includes"));
    ck_assert_ptr_null(strstr(sa, "excludes"));
    ck_assert_ptr_null(strstr(sa, "comment"));
    /* a plain OCI object resolves to itself */
    BrigJson *again = NULL;
    BrigError *err = NULL;
    ck_assert_int_eq(brig_seccomp_resolve(a, ALL_CAPS, &again, &err), 0);
    _cleanup_free_ char *sc = tu_compact(again);
    ck_assert_str_eq(sa, sc);
    brig_json_free(again);
    /* merged: one entry per (action, errnoRet, args) */
    const BrigJson *e, *f;
    size_t i = 0;
    BRIG_JSON_FOREACH (e, brig_json_get(a, "syscalls")) {
        size_t j = 0;
        BRIG_JSON_FOREACH (f, brig_json_get(a, "syscalls")) {
            if (j > i) {
                _cleanup_free_ char *x = tu_compact(brig_json_get(e, "action")),
                                    *y = tu_compact(brig_json_get(f, "action"));
                _cleanup_free_ char *xa = brig_json_get(e, "args")
                                              ? tu_compact(brig_json_get(e, "args"))
                                              : xstrdup(""),
                                    *ya = brig_json_get(f, "args")
                                              ? tu_compact(brig_json_get(f, "args"))
                                              : xstrdup("");
                const BrigJson *xe = brig_json_get(e, "errnoRet"),
                               *ye = brig_json_get(f, "errnoRet");
                ck_assert(!(streq(x, y) && streq(xa, ya) &&
                            streq(xe ? xe->text : "", ye ? ye->text : "")));
            }
            j++;
        }
        i++;
    }
    ck_assert_uint_lt(i, 30);
}
END_TEST

static char *export_pfc(scmp_filter_ctx fc)
{
    FILE *f = tmpfile();
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(seccomp_export_pfc(fc, fileno(f)), 0);
    long n = ftell(f);
    ck_assert_int_gt(n, 0);
    char *buf = xmalloc((size_t)n + 1);
    rewind(f);
    ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

START_TEST(resolved_compiles_per_arch)
{
    _cleanup_(brig_json_freep) BrigJson *oci = resolved(0);
    for (size_t t = 0; t < ELEMENTSOF(target_arches); t++) {
        scmp_filter_ctx fc = NULL;
        BrigError *err = NULL;
        ck_assert_msg(brig_seccomp_compile(oci, target_arches[t], &fc, &err) == 0, "%s: %s",
                      brig_seccomp_arch_name(target_arches[t]), err ? err->msg : "?");
        _cleanup_close_ int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
        ck_assert_int_eq(seccomp_export_bpf(fc, fd), 0);
        _cleanup_free_ char *pfc = export_pfc(fc);
        ck_assert_ptr_nonnull(strstr(pfc, "action ERRNO(38);")); /* the default */
        ck_assert_ptr_nonnull(strstr(pfc, "filter for syscall \"mount\""));
        ck_assert_ptr_nonnull(strstr(pfc, "filter for syscall \"keyctl\""));
        if (target_arches[t] == SCMP_ARCH_X86_64 || target_arches[t] == SCMP_ARCH_AARCH64) {
            ck_assert_ptr_nonnull(strstr(pfc, "if ($a0.lo32 & 0xffffffff == 40)"));
            ck_assert_ptr_nonnull(strstr(pfc, "if ($a0.lo32 & 0x7e020000 == 0)"));
        }
        if (target_arches[t] == SCMP_ARCH_X86)
            ck_assert_ptr_nonnull(strstr(pfc, "filter for syscall \"socketcall\""));
        seccomp_release(fc);
    }
}
END_TEST

START_TEST(resolved_compiles_as_runc_loads_it)
{
    /* one filter for the host plus every listed architecture, rules added in
     * profile order: on x86 libseccomp maps the socket rules onto
     * socketcall(SYS_SOCKET), and they must not collide (EEXIST) */
    uint64_t masks[] = {0, CAP("CAP_SYS_ADMIN"), ALL_CAPS};
    for (size_t m = 0; m < ELEMENTSOF(masks); m++) {
        _cleanup_(brig_json_freep) BrigJson *oci = resolved(masks[m]);
        scmp_filter_ctx fc = NULL;
        BrigError *err = NULL;
        ck_assert_msg(brig_seccomp_compile(oci, SCMP_ARCH_NATIVE, &fc, &err) == 0, "%s",
                      err ? err->msg : "?");
        for (size_t t = 0; t < ELEMENTSOF(target_arches); t++)
            ck_assert_int_eq(seccomp_arch_exist(fc, target_arches[t]), 0);
        _cleanup_close_ int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
        ck_assert_int_eq(seccomp_export_bpf(fc, fd), 0);
        seccomp_release(fc);
    }
}
END_TEST

/* Loads the resolved default into a child and makes real system calls. */
static int child_checks(void)
{
    _cleanup_(brig_json_freep) BrigJson *oci = resolved(0);
    scmp_filter_ctx fc = NULL;
    BrigError *err = NULL;
    if (brig_seccomp_compile(oci, SCMP_ARCH_NATIVE, &fc, &err) < 0 || seccomp_load(fc) < 0)
        return 100;
#define EXPECT(n, call, want_errno)                                                                \
    do {                                                                                           \
        errno = 0;                                                                                 \
        long _r = (call);                                                                          \
        if ((want_errno) == 0 ? _r < 0 : (_r >= 0 || errno != (want_errno)))                       \
            return n;                                                                              \
        if (_r >= 0 && (want_errno) == 0 && n < 10)                                                \
            close((int)_r);                                                                        \
    } while (0)
    EXPECT(1, syscall(SYS_socket, AF_UNIX, SOCK_STREAM, 0), 0);
    EXPECT(2, syscall(SYS_socket, AF_INET, SOCK_DGRAM, 0), 0);
    EXPECT(11, syscall(SYS_socket, 40, SOCK_STREAM, 0), EPERM);
    EXPECT(12, syscall(SYS_socket, 38, SOCK_SEQPACKET, 0), EPERM);
    /* a high bit the kernel ignores (it reads an int) must not slip past */
    EXPECT(13, syscall(SYS_socket, 0x100000028UL, SOCK_STREAM, 0), EPERM);
    EXPECT(14, unshare(CLONE_NEWUSER), EPERM);
    EXPECT(15, unshare(CLONE_NEWNS), EPERM);
    EXPECT(16, unshare(CLONE_FILES), 0);
    EXPECT(17, syscall(SYS_clone3, NULL, 0), ENOSYS);
    EXPECT(18, mount("x", "/tmp", "tmpfs", 0, NULL), EPERM);
    EXPECT(19, syscall(SYS_keyctl, 0, 0, 0, 0, 0), EPERM);
    EXPECT(20, personality(0xffffffff), 0);
    EXPECT(21, personality(ADDR_NO_RANDOMIZE), EPERM);
    EXPECT(22, syscall(SYS_io_uring_setup, 1, NULL), EPERM);
    EXPECT(23, syscall(1000), ENOSYS); /* unknown: libc falls back on ENOSYS */
    EXPECT(24, syscall(SYS_bpf, 0, NULL, 0), EPERM);
    EXPECT(25, syscall(SYS_getpid), 0);
    pid_t p = fork(); /* clone without namespace flags */
    if (p < 0)
        return 26;
    if (p == 0)
        _exit(0);
    waitpid(p, NULL, 0);
    return 0;
}

START_TEST(loaded_filter_behaves)
{
    if (prctl(PR_GET_SECCOMP, 0, 0, 0, 0) < 0) {
        tu_skip("loaded_filter_behaves: the kernel has no seccomp filters");
        return;
    }
    pid_t p = fork();
    ck_assert_int_ge(p, 0);
    if (p == 0)
        _exit(child_checks());
    int st = 0;
    ck_assert_int_eq(waitpid(p, &st, 0), p);
    ck_assert_msg(WIFEXITED(st), "child died with status %d", st);
    ck_assert_msg(WEXITSTATUS(st) == 0, "check %d failed in the filtered child", WEXITSTATUS(st));
}
END_TEST

static void expect_invalid(const char *profile, const char *msg)
{
    _cleanup_(brig_json_freep) BrigJson *p = tu_parse(profile);
    BrigError *err = NULL;
    ck_assert_int_lt(brig_seccomp_validate(p, "bad.json", &err), 0);
    ck_assert_ptr_nonnull(err);
    ck_assert_str_eq(err->msg, msg);
    brig_error_free(err);
}

START_TEST(invalid_profiles)
{
    expect_invalid("{\"defaultAction\":\"SCMP_ACT_DENY\"}",
                   "bad.json: /defaultAction: unknown action \"SCMP_ACT_DENY\"");
    expect_invalid("{\"defaultAction\":\"SCMP_ACT_NOTIFY\"}",
                   "bad.json: /defaultAction: SCMP_ACT_NOTIFY cannot be the default action");
    expect_invalid("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":[\"SCMP_ARCH_Z80\"]}",
                   "bad.json: /architectures/0: unknown architecture SCMP_ARCH_Z80");
    expect_invalid("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":[\"SCMP_ARCH_X86_64\","
                   "\"SCMP_ARCH_AARCH64\"],\"syscalls\":[{\"names\":[\"read\"],\"action\":"
                   "\"SCMP_ACT_ALLOW\"},{\"names\":[\"write\",\"no_such_call\"],\"action\":"
                   "\"SCMP_ACT_ALLOW\"}]}",
                   "bad.json: /syscalls/1/names/1: \"no_such_call\" is not a system call "
                   "libseccomp knows on SCMP_ARCH_X86_64, SCMP_ARCH_AARCH64");
    /* a name of another architecture only */
    expect_invalid(
        "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":[\"SCMP_ARCH_AARCH64\"],"
        "\"syscalls\":[{\"names\":[\"arch_prctl\"],\"action\":\"SCMP_ACT_ALLOW\"}]}",
        "bad.json: /syscalls/0/names/0: \"arch_prctl\" is not a system call libseccomp "
        "knows on SCMP_ARCH_AARCH64");
    expect_invalid("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"socket\"],"
                   "\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":40,\"op\":"
                   "\"SCMP_CMP_NE\"},{\"index\":0,\"value\":38,\"op\":\"SCMP_CMP_NE\"}]}]}",
                   "bad.json: /syscalls/0/args/1: argument 0 is tested twice in one entry; "
                   "runtimes disagree on what that means, write one entry per test");
    expect_invalid("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"socket\"],"
                   "\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":6,\"value\":1,\"op\":"
                   "\"SCMP_CMP_EQ\"}]}]}",
                   "bad.json: /syscalls/0/args/0/index: expected an integer from 0 to 5");
    expect_invalid("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"socket\"],"
                   "\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":1,\"op\":"
                   "\"SCMP_CMP_SIMILAR\"}]}]}",
                   "bad.json: /syscalls/0/args/0/op: unknown comparison \"SCMP_CMP_SIMILAR\"");
    expect_invalid("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"mount\"],"
                   "\"action\":\"SCMP_ACT_ALLOW\",\"includes\":{\"caps\":[\"CAP_SYS_GOD\"]}}]}",
                   "bad.json: /syscalls/0/includes/caps/0: unknown capability name "
                   "\"CAP_SYS_GOD\"");
    expect_invalid("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"mount\"],"
                   "\"action\":\"SCMP_ACT_ALLOW\",\"includes\":{\"arches\":[\"amd64\"]}}]}",
                   "bad.json: /syscalls/0/includes/arches: unknown key (only \"caps\" is "
                   "supported)");
    expect_invalid("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[],"
                   "\"action\":\"SCMP_ACT_ALLOW\"}]}",
                   "bad.json: /syscalls/0/names: expected a non-empty array of names");
    expect_invalid("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],"
                   "\"action\":\"SCMP_ACT_ALLOW\",\"errnoRet\":1}]}",
                   "bad.json: /syscalls/0/errnoRet: only SCMP_ACT_ERRNO and SCMP_ACT_TRACE take "
                   "one");
    expect_invalid("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"write\"],"
                   "\"action\":\"SCMP_ACT_NOTIFY\"}]}",
                   "bad.json: /syscalls/0/names/0: SCMP_ACT_NOTIFY on write would deadlock the "
                   "supervisor");
    expect_invalid("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],"
                   "\"action\":\"SCMP_ACT_ALLOW\",\"minKernel\":\"4.8\"}]}",
                   "bad.json: /syscalls/0/minKernel: unknown key");
    expect_invalid("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"archMap\":[]}",
                   "bad.json: /archMap: unknown key");
}
END_TEST

START_TEST(compile_splits_repeated_argument_like_runc)
{
    /* Not valid for brig (validate refuses it) but engines send such
     * profiles; compile must do what runc does: OR of separate rules. */
    _cleanup_(brig_json_freep) BrigJson *p =
        tu_parse("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"personality\"],"
                 "\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":0,\"op\":"
                 "\"SCMP_CMP_EQ\"},{\"index\":0,\"value\":8,\"op\":\"SCMP_CMP_EQ\"}]}]}");
    scmp_filter_ctx fc = NULL;
    BrigError *err = NULL;
    ck_assert_msg(brig_seccomp_compile(p, SCMP_ARCH_X86_64, &fc, &err) == 0, "%s",
                  err ? err->msg : "?");
    _cleanup_free_ char *pfc = export_pfc(fc);
    ck_assert_ptr_nonnull(strstr(pfc, "if ($a0.lo32 == 0)"));
    ck_assert_ptr_nonnull(strstr(pfc, "if ($a0.lo32 == 8)"));
    ck_assert_ptr_nonnull(strstr(pfc, "action ERRNO(1);")); /* default without errnoRet: EPERM */
    seccomp_release(fc);
    /* a rule equal to the default is dropped, not an error */
    _cleanup_(brig_json_freep) BrigJson *q =
        tu_parse("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":38,\"syscalls\":[{"
                 "\"names\":[\"mbind\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":38}]}");
    ck_assert_int_eq(brig_seccomp_compile(q, SCMP_ARCH_X86_64, &fc, &err), 0);
    seccomp_release(fc);
    ck_assert_uint_eq(brig_seccomp_arch_token("aarch64"), SCMP_ARCH_AARCH64);
    ck_assert_uint_eq(brig_seccomp_arch_token("SCMP_ARCH_X86_64"), SCMP_ARCH_X86_64);
    ck_assert_uint_eq(brig_seccomp_arch_token("z80"), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("seccomp");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, default_validates);
    tcase_add_test(tc, names_resolve_per_arch);
    tcase_add_test(tc, admin_groups_differ_exactly);
    tcase_add_test(tc, hot_set_unconditioned);
    tcase_add_test(tc, resolve_is_plain_and_deterministic);
    tcase_add_test(tc, resolved_compiles_per_arch);
    tcase_add_test(tc, resolved_compiles_as_runc_loads_it);
    tcase_add_test(tc, invalid_profiles);
    tcase_add_test(tc, compile_splits_repeated_argument_like_runc);
    suite_add_tcase(s, tc);
    /* needs the kernel's seccomp filters (tests/unit/meson.build) */
    tc = tcase_create("host");
    tcase_add_test(tc, loaded_filter_behaves);
    suite_add_tcase(s, tc);
    return tu_run(s);
}
