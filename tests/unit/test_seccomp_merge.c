/* SPDX-License-Identifier: GPL-2.0-or-later */
/* brig_seccomp_intersect: the combined filter is never looser than either
 * profile.  Checked the way the kernel would answer: each profile and the
 * result are compiled by libseccomp and run as BPF (brig_sim) over every
 * syscall either names, with argument values taken from every test in
 * either profile and around them.  Engines: the real Docker and Podman
 * configs, a runtime-tools style profile that denies getcwd, hand-made
 * corner cases, and seeded random profiles. */
#include <stdio.h>
#include <time.h>

#include "seccomp.h"
#include "seccomp_explain.h"
#include "testutil.h"

/* Millions of simulated calls take ~20 s here and would take most of an
 * hour under valgrind (tools/sanitize): there, a tenth of them. */
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define THINNING (RUNNING_ON_VALGRIND ? 10 : 1)
#else
#define THINNING 1
#endif

static int kernel_rank(uint32_t action)
{
    switch (action & SECCOMP_RET_ACTION_FULL) {
    case SECCOMP_RET_ALLOW:
        return 0;
    case SECCOMP_RET_LOG:
        return 1;
    case SECCOMP_RET_TRACE:
    case SECCOMP_RET_USER_NOTIF:
        return 2;
    default:
        return 3;
    }
}

static BrigJson *brig_profile(uint64_t caps)
{
    BrigJson *p = NULL;
    BrigError *err = NULL;
    ck_assert_msg(brig_seccomp_default_resolved(caps, SCMP_ARCH_X86_64, true, &p, &err) == 0, "%s",
                  err ? err->msg : "?");
    return p;
}

static BrigJson *intersect(const BrigJson *brig, const BrigJson *engine, BrigSeccompMerge *st)
{
    BrigJson *r = brig_json_copy(brig);
    BrigError *err = NULL;
    ck_assert_msg(brig_seccomp_intersect(r, engine, SCMP_ARCH_X86_64, st, &err) == 0, "%s",
                  err ? err->msg : "?");
    return r;
}

typedef struct {
    uint64_t v[256];
    size_t n;
} Values;

static void values_add(Values *vs, uint64_t v)
{
    for (size_t i = 0; i < vs->n; i++)
        if (vs->v[i] == v)
            return;
    if (vs->n < ELEMENTSOF(vs->v))
        vs->v[vs->n++] = v;
}

static void values_from(Values *vs, const BrigJson *prof)
{
    const BrigJson *e, *a;
    BRIG_JSON_FOREACH (e, brig_json_get(prof, "syscalls")) {
        BRIG_JSON_FOREACH (a, brig_json_get(e, "args")) {
            uint64_t v = 0, w = 0;
            brig_json_to_uint64(brig_json_get(a, "value"), &v);
            brig_json_to_uint64(brig_json_get(a, "valueTwo"), &w);
            values_add(vs, v);
            values_add(vs, v + 1);
            values_add(vs, v - 1);
            values_add(vs, w);
            values_add(vs, w | (UINT64_C(1) << 40));
            values_add(vs, v & w);
            values_add(vs, w ^ 1);
        }
    }
}

static void names_from(const BrigJson *prof, const char ***names, size_t *n)
{
    const BrigJson *e, *nm;
    BRIG_JSON_FOREACH (e, brig_json_get(prof, "syscalls"))
        BRIG_JSON_FOREACH (nm, brig_json_get(e, "names")) {
            *names = xrealloc(*names, (*n + 1) * sizeof(**names));
            (*names)[(*n)++] = nm->text;
        }
}

/* Every call the result allows, both allow; every action it takes is at
 * least as strict as either's.  Returns how many calls were compared. */
static size_t check_never_looser(const BrigJson *b, const BrigJson *e, const BrigJson *r)
{
    BrigError *err = NULL;
    _cleanup_(brig_sim_freep) BrigSim *sb = NULL, *se = NULL, *sr = NULL;
    ck_assert_msg(brig_sim_new(b, &sb, &err) == 0, "%s", err ? err->msg : "?");
    if (brig_sim_new(e, &se, &err) < 0 && seccomp_api_get() < 5) {
        /* under valgrind libseccomp cannot probe the kernel (API level 0)
         * and refuses LOG and NOTIFY: nothing to compare against */
        brig_error_free(err);
        return 0;
    }
    ck_assert_msg(se, "%s", err ? err->msg : "?");
    ck_assert_msg(brig_sim_new(r, &sr, &err) == 0, "%s", err ? err->msg : "?");
    Values vs = {0};
    static const uint64_t base[] = {0,          1,          2,       8,       9,
                                    10,         16,         38,      40,      0x100000028,
                                    0x7e020000, 0x10000000, 0x20000, 0x20008, 0xffffffff,
                                    UINT64_MAX, 0x80000000, 17};
    for (size_t i = 0; i < ELEMENTSOF(base); i++)
        values_add(&vs, base[i]);
    values_from(&vs, b);
    values_from(&vs, e);
    _cleanup_free_ const char **names = NULL;
    size_t n_names = 0;
    names_from(b, &names, &n_names);
    names_from(e, &names, &n_names);
    static const char *const extra[] = {"getcwd",     "sethostname", "openat2", "pidfd_open",
                                        "socketcall", "mount",       "bpf"};
    size_t checked = 0;
    static const uint32_t archs[] = {SCMP_ARCH_X86_64, SCMP_ARCH_X86};
    for (size_t ai = 0; ai < ELEMENTSOF(archs); ai++)
        for (size_t i = 0; i < n_names + ELEMENTSOF(extra); i++) {
            const char *name = i < n_names ? names[i] : extra[i - n_names];
            int nr = seccomp_syscall_resolve_name_arch(archs[ai], name);
            /* on x86 libseccomp names the direct socket call (359) by a
             * pseudo number: ask the kernel's number */
            if (nr < 0 && archs[ai] == SCMP_ARCH_X86 && streq(name, "socket"))
                nr = 359;
            if (nr < 0)
                continue;
            for (size_t v = ai % THINNING; v < vs.n; v += THINNING)
                for (int k = 0; k < 3; k++) {
                    static const uint64_t a2[] = {0, 9, 0x100000009};
                    uint64_t args[6] = {vs.v[v], vs.v[(v * 7 + 3) % vs.n], a2[k], 0, 0, 0};
                    uint32_t xb = brig_sim_action(sb, archs[ai], nr, args),
                             xe = brig_sim_action(se, archs[ai], nr, args),
                             xr = brig_sim_action(sr, archs[ai], nr, args);
                    int rb = kernel_rank(xb), re = kernel_rank(xe), rr = kernel_rank(xr);
                    ck_assert_msg(rr >= rb && rr >= re,
                                  "%s(0x%llx, 0x%llx, 0x%llx) arch 0x%x: brig %s, engine %s, "
                                  "combined %s",
                                  name, (unsigned long long)args[0], (unsigned long long)args[1],
                                  (unsigned long long)args[2], archs[ai],
                                  brig_seccomp_action_text(xb), brig_seccomp_action_text(xe),
                                  brig_seccomp_action_text(xr));
                    checked++;
                }
        }
    return checked;
}

static void check_idempotent(const BrigJson *b, const BrigJson *r)
{
    _cleanup_(brig_json_freep) BrigJson *again = intersect(b, r, NULL);
    _cleanup_free_ char *x = tu_compact(r), *y = tu_compact(again);
    size_t i = 0;
    while (x[i] && x[i] == y[i])
        i++;
    size_t from = i > 120 ? i - 120 : 0;
    ck_assert_msg(!x[i] && !y[i], "not idempotent at byte %zu:\n%.240s\n%.240s", i, x + from,
                  y + from);
}

static uint32_t act_of(const BrigJson *prof, const char *name, uint64_t a0, uint64_t a2)
{
    BrigError *err = NULL;
    _cleanup_(brig_sim_freep) BrigSim *s = NULL;
    ck_assert_msg(brig_sim_new(prof, &s, &err) == 0, "%s", err ? err->msg : "?");
    uint64_t args[6] = {a0, 1, a2, 0, 0, 0};
    return brig_sim_action(s, SCMP_ARCH_X86_64,
                           seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86_64, name), args);
}

static const char *const engine_configs[] = {
    "docker-plain.json",  "docker-capall.json",         "podman-default.json",
    "podman-capall.json", "podman-nonroot-capadd.json",
};

START_TEST(real_engines)
{
    _cleanup_free_ char *path = xasprintf("configs/%s", engine_configs[_i]);
    _cleanup_free_ char *text = tu_read_data(path, NULL);
    _cleanup_(brig_json_freep) BrigJson *spec = tu_parse(text);
    const BrigJson *e = brig_json_get_path(spec, "linux/seccomp");
    ck_assert_ptr_nonnull(e);
    static const uint64_t caps_sets[] = {0, UINT64_C(1) << 21 /* CAP_SYS_ADMIN */};
    for (size_t c = 0; c < ELEMENTSOF(caps_sets); c++) {
        _cleanup_(brig_json_freep) BrigJson *b = brig_profile(caps_sets[c]);
        BrigSeccompMerge st;
        _cleanup_(brig_json_freep) BrigJson *r = intersect(b, e, &st);
        size_t n = check_never_looser(b, e, r);
        ck_assert_uint_gt(n, 10000 / THINNING);
        fprintf(stderr, "seccomp_merge: %s: %zu calls compared\n", engine_configs[_i], n);
        check_idempotent(b, r);
        /* what containers need still works */
        ck_assert_uint_eq(act_of(r, "socket", 2, 0), SECCOMP_RET_ALLOW);  /* AF_INET */
        ck_assert_uint_eq(act_of(r, "socket", 1, 0), SECCOMP_RET_ALLOW);  /* AF_UNIX */
        ck_assert_uint_eq(act_of(r, "socket", 10, 6), SECCOMP_RET_ALLOW); /* AF_INET6 */
        ck_assert_uint_eq(act_of(r, "personality", 0xffffffff, 0), SECCOMP_RET_ALLOW);
        ck_assert_uint_eq(act_of(r, "clone", 0x11, 0), SECCOMP_RET_ALLOW); /* SIGCHLD|... */
        ck_assert_uint_eq(act_of(r, "getcwd", 0, 0), SECCOMP_RET_ALLOW);
        /* and brig's denials hold */
        ck_assert_uint_ne(act_of(r, "socket", 40, 0), SECCOMP_RET_ALLOW);
        ck_assert_uint_ne(act_of(r, "socket", 0x100000026, 0), SECCOMP_RET_ALLOW);
        ck_assert_uint_ne(act_of(r, "keyctl", 0, 0), SECCOMP_RET_ALLOW);
        if (!caps_sets[c])
            ck_assert_uint_ne(act_of(r, "clone", 0x10000000, 0), SECCOMP_RET_ALLOW);
        /* Docker's: sethostname is not on its list */
        if (strstr(engine_configs[_i], "docker-plain"))
            ck_assert_uint_eq(act_of(r, "sethostname", 0, 0), SECCOMP_RET_ERRNO | 1);
        /* Podman's: the audit netlink socket */
        if (strstr(engine_configs[_i], "podman-default"))
            ck_assert_uint_ne(act_of(r, "socket", 16, 9), SECCOMP_RET_ALLOW);
    }
}
END_TEST

/* runtime-tools' linux_seccomp kind of profile: an allow-list that has no
 * sethostname, openat2, pidfd_*, and denies getcwd */
START_TEST(getcwd_stays_denied)
{
    _cleanup_(brig_json_freep) BrigJson *e =
        tu_parse("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"SCMP_ARCH_X86_64\","
                 "\"SCMP_ARCH_X86\"],\"syscalls\":[{\"names\":[\"getcwd\"],\"action\":"
                 "\"SCMP_ACT_ERRNO\"}]}");
    _cleanup_(brig_json_freep) BrigJson *b = brig_profile(0);
    BrigSeccompMerge st;
    _cleanup_(brig_json_freep) BrigJson *r = intersect(b, e, &st);
    ck_assert_uint_eq(act_of(r, "getcwd", 0, 0), SECCOMP_RET_ERRNO | 1);
    ck_assert_uint_eq(act_of(r, "read", 0, 0), SECCOMP_RET_ALLOW);
    ck_assert_uint_eq(st.engine_stricter, 1);
    check_never_looser(b, e, r);
    check_idempotent(b, r);
    /* the engine's default-deny list: what it does not list stays denied */
    _cleanup_(brig_json_freep) BrigJson *e2 = tu_parse(
        "{\"defaultAction\":\"SCMP_ACT_KILL\",\"syscalls\":[{\"names\":[\"read\",\"write\","
        "\"exit_group\",\"getcwd\"],\"action\":\"SCMP_ACT_ALLOW\"}]}");
    _cleanup_(brig_json_freep) BrigJson *r2 = intersect(b, e2, &st);
    ck_assert_uint_eq(act_of(r2, "read", 0, 0), SECCOMP_RET_ALLOW);
    ck_assert_uint_eq(act_of(r2, "getcwd", 0, 0), SECCOMP_RET_ALLOW);
    ck_assert_uint_ne(act_of(r2, "sethostname", 0, 0), SECCOMP_RET_ALLOW);
    ck_assert_uint_ne(act_of(r2, "openat2", 0, 0), SECCOMP_RET_ALLOW);
    ck_assert_uint_ne(act_of(r2, "pidfd_open", 0, 0), SECCOMP_RET_ALLOW);
    /* the engine listed no architectures: the native one is left */
    _cleanup_free_ char *archs = tu_compact(brig_json_get(r2, "architectures"));
    ck_assert_str_eq(archs, "[\"SCMP_ARCH_X86_64\"]");
    check_never_looser(b, e2, r2);
    check_idempotent(b, r2);
}
END_TEST

/* Hand-made engines for each way two profiles meet. */
static const char *const corner_engines[] = {
    /* tests on two arguments, deny and allow: libseccomp checks arg2 first */
    "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":38,\"syscalls\":["
    "{\"names\":[\"socket\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":22,\"args\":["
    "{\"index\":0,\"value\":16,\"op\":\"SCMP_CMP_EQ\"},{\"index\":2,\"value\":9,\"op\":"
    "\"SCMP_CMP_EQ\"}]},"
    "{\"names\":[\"socket\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":2,\"value\":9,"
    "\"op\":\"SCMP_CMP_NE\"}]},"
    "{\"names\":[\"socket\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":16,"
    "\"op\":\"SCMP_CMP_NE\"}]},"
    "{\"names\":[\"read\",\"write\",\"clone\",\"personality\"],\"action\":\"SCMP_ACT_ALLOW\"}]}",
    /* ranges, Docker's old socket rules (bypassable on their own) */
    "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":["
    "{\"names\":[\"socket\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":38,"
    "\"op\":\"SCMP_CMP_LT\"}]},"
    "{\"names\":[\"socket\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":39,"
    "\"op\":\"SCMP_CMP_EQ\"}]},"
    "{\"names\":[\"socket\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":40,"
    "\"op\":\"SCMP_CMP_GT\"}]},"
    "{\"names\":[\"personality\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,"
    "\"value\":8,\"op\":\"SCMP_CMP_LE\"}]},"
    "{\"names\":[\"clone\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,"
    "\"value\":4294967295,\"valueTwo\":17,\"op\":\"SCMP_CMP_MASKED_EQ\"}]}]}",
    /* a blocklist with conditional denials and a logging default */
    "{\"defaultAction\":\"SCMP_ACT_LOG\",\"syscalls\":["
    "{\"names\":[\"socket\",\"clone\",\"personality\"],\"action\":\"SCMP_ACT_ERRNO\","
    "\"errnoRet\":13,\"args\":[{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_EQ\"}]},"
    "{\"names\":[\"getcwd\",\"sethostname\"],\"action\":\"SCMP_ACT_KILL_PROCESS\"},"
    "{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\"}]}",
    /* supervised and traced calls, a catch-all of its own */
    "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"listenerPath\":\"/run/x.sock\",\"syscalls\":["
    "{\"names\":[\"read\",\"write\",\"mkdir\"],\"action\":\"SCMP_ACT_ALLOW\"},"
    "{\"names\":[\"getcwd\",\"socket\"],\"action\":\"SCMP_ACT_NOTIFY\"},"
    "{\"names\":[\"personality\"],\"action\":\"SCMP_ACT_TRACE\"},"
    "{\"names\":[\"clone\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,"
    "\"value\":256,\"valueTwo\":0,\"op\":\"SCMP_CMP_MASKED_EQ\"}]},"
    "{\"names\":[\"clone\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":95,\"args\":[{"
    "\"index\":0,\"value\":0,\"op\":\"SCMP_CMP_GE\"}]}]}",
    /* NE and ranges on one argument, tests on several */
    "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
    "{\"names\":[\"socket\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":0,"
    "\"value\":10,\"op\":\"SCMP_CMP_GE\"},{\"index\":1,\"value\":3,\"op\":\"SCMP_CMP_NE\"}]},"
    "{\"names\":[\"personality\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":0,"
    "\"value\":8,\"op\":\"SCMP_CMP_NE\"}]},"
    "{\"names\":[\"clone\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":1,"
    "\"value\":0,\"op\":\"SCMP_CMP_EQ\"}]}]}",
};

START_TEST(corner_cases)
{
    _cleanup_(brig_json_freep) BrigJson *e = tu_parse(corner_engines[_i]);
    static const uint64_t caps_sets[] = {0, UINT64_C(1) << 21};
    for (size_t c = 0; c < ELEMENTSOF(caps_sets); c++) {
        _cleanup_(brig_json_freep) BrigJson *b = brig_profile(caps_sets[c]);
        _cleanup_(brig_json_freep) BrigJson *r = intersect(b, e, NULL);
        check_never_looser(b, e, r);
        check_idempotent(b, r);
    }
}
END_TEST

static uint64_t rng_state;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* seeded random engines over the syscalls brig tests and a few others */
START_TEST(random_engines)
{
    static const char *const pool[] = {"socket", "clone", "personality", "unshare", "getcwd",
                                       "read",   "write", "sethostname", "mount",   "openat"};
    static const char *const acts[] = {"SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_ALLOW",
                                       "SCMP_ACT_KILL",  "SCMP_ACT_LOG",   "SCMP_ACT_ALLOW"};
    static const char *const opn[] = {"SCMP_CMP_EQ",       "SCMP_CMP_NE", "SCMP_CMP_LT",
                                      "SCMP_CMP_LE",       "SCMP_CMP_GT", "SCMP_CMP_GE",
                                      "SCMP_CMP_MASKED_EQ"};
    static const uint64_t vals[] = {0, 1, 2, 8, 9, 16, 38, 40, 0x7e020000, 0xffffffff};
    _cleanup_(brig_json_freep) BrigJson *b0 = brig_profile(0);
    _cleanup_(brig_json_freep) BrigJson *b1 = brig_profile(UINT64_C(1) << 21);
    size_t total = 0;
    for (int seed = 1; seed <= 40 / THINNING; seed++) {
        rng_state = (uint64_t)seed * UINT64_C(0x9e3779b97f4a7c15);
        BrigJson *e = brig_json_new(BRIG_JSON_OBJECT);
        brig_json_set(e, "defaultAction", brig_json_new_string(acts[rnd() % 4]));
        BrigJson *sys = brig_json_new(BRIG_JSON_ARRAY);
        for (int k = (int)(rnd() % 10); k >= 0; k--) {
            BrigJson *en = brig_json_new(BRIG_JSON_OBJECT), *nm = brig_json_new(BRIG_JSON_ARRAY);
            brig_json_append(nm, brig_json_new_string(pool[rnd() % ELEMENTSOF(pool)]));
            brig_json_set(en, "names", nm);
            brig_json_set(en, "action", brig_json_new_string(acts[rnd() % ELEMENTSOF(acts)]));
            BrigJson *args = brig_json_new(BRIG_JSON_ARRAY);
            bool used[3] = {0};
            for (int a = (int)(rnd() % 3); a > 0; a--) {
                int idx = (int)(rnd() % 3);
                if (used[idx])
                    continue;
                used[idx] = true;
                BrigJson *c = brig_json_new(BRIG_JSON_OBJECT);
                brig_json_set(c, "index", brig_json_new_uint((uint64_t)idx));
                brig_json_set(c, "value", brig_json_new_uint(vals[rnd() % ELEMENTSOF(vals)]));
                brig_json_set(c, "valueTwo", brig_json_new_uint(vals[rnd() % 4]));
                brig_json_set(c, "op", brig_json_new_string(opn[rnd() % ELEMENTSOF(opn)]));
                brig_json_append(args, c);
            }
            if (args->n)
                brig_json_set(en, "args", args);
            else
                brig_json_free(args);
            brig_json_append(sys, en);
        }
        brig_json_set(e, "syscalls", sys);
        const BrigJson *b = seed % 2 ? b0 : b1;
        BrigJson *r = intersect(b, e, NULL);
        if (getenv("DUMP_ENGINE")) {
            FILE *f = fopen(getenv("DUMP_ENGINE"), "w");
            fputs(tu_compact(e), f);
            fclose(f);
        }
        total += check_never_looser(b, e, r);
        check_idempotent(b, r);
        brig_json_free(r);
        brig_json_free(e);
    }
    if (seccomp_api_get() >= 5)
        ck_assert_uint_gt(total, 100000 / THINNING / THINNING);
    fprintf(stderr, "seccomp_merge: %zu calls compared over %d random engines\n", total,
            40 / THINNING);
}
END_TEST

START_TEST(refusals)
{
    static const char *const bad[] = {
        /* one argument tested twice: runc reads an OR, crun refuses */
        "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"socket\"],"
        "\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":38,\"op\":"
        "\"SCMP_CMP_NE\"},{\"index\":0,\"value\":40,\"op\":\"SCMP_CMP_NE\"}]}]}",
        "{\"defaultAction\":\"SCMP_ACT_BOGUS\"}",
        "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],"
        "\"action\":\"SCMP_ACT_WHATEVER\"}]}",
        "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"flags\":[\"SECCOMP_FILTER_FLAG_NEW\"]}",
        "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],"
        "\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":6,\"value\":1,\"op\":"
        "\"SCMP_CMP_EQ\"}]}]}",
    };
    _cleanup_(brig_json_freep) BrigJson *b = brig_profile(0);
    for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
        _cleanup_(brig_json_freep) BrigJson *e = tu_parse(bad[i]);
        _cleanup_(brig_json_freep) BrigJson *r = brig_json_copy(b);
        BrigError *err = NULL;
        ck_assert_msg(brig_seccomp_intersect(r, e, SCMP_ARCH_X86_64, NULL, &err) < 0, "accepted %s",
                      bad[i]);
        brig_error_free(err);
    }
    /* SPEC_ALLOW is dropped, the others kept; architectures: what both list */
    _cleanup_(brig_json_freep) BrigJson *e =
        tu_parse("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":[\"SCMP_ARCH_X86_64\"],"
                 "\"flags\":[\"SECCOMP_FILTER_FLAG_SPEC_ALLOW\",\"SECCOMP_FILTER_FLAG_LOG\"]}");
    BrigSeccompMerge st;
    _cleanup_(brig_json_freep) BrigJson *r = intersect(b, e, &st);
    ck_assert(st.spec_allow_dropped);
    _cleanup_free_ char *flags = tu_compact(brig_json_get(r, "flags"));
    ck_assert_str_eq(flags, "[\"SECCOMP_FILTER_FLAG_LOG\"]");
    _cleanup_free_ char *archs = tu_compact(brig_json_get(r, "architectures"));
    ck_assert_str_eq(archs, "[\"SCMP_ARCH_X86_64\"]");
    /* a default that allows nothing: only what both allow is left */
    ck_assert_uint_eq(act_of(r, "read", 0, 0), SECCOMP_RET_ERRNO | 1);
}
END_TEST

/* 600k names in the engine's profile: one pass, not one per name */
START_TEST(linear)
{
    BrigJson *e = brig_json_new(BRIG_JSON_OBJECT);
    brig_json_set(e, "defaultAction", brig_json_new_string("SCMP_ACT_ERRNO"));
    BrigJson *sys = brig_json_new(BRIG_JSON_ARRAY);
    for (int k = 0; k < 200000; k++) {
        BrigJson *en = brig_json_new(BRIG_JSON_OBJECT), *nm = brig_json_new(BRIG_JSON_ARRAY);
        char name[32];
        snprintf(name, sizeof(name), "bogus_%d", k);
        brig_json_append(nm, brig_json_new_string(name));
        brig_json_append(nm, brig_json_new_string(k % 2 ? "read" : "write"));
        brig_json_set(en, "names", nm);
        brig_json_set(en, "action", brig_json_new_string("SCMP_ACT_ERRNO"));
        brig_json_set(en, "errnoRet", brig_json_new_uint((uint64_t)(k % 5000)));
        brig_json_append(sys, en);
    }
    brig_json_set(e, "syscalls", sys);
    _cleanup_(brig_json_freep) BrigJson *b = brig_profile(0);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    _cleanup_(brig_json_freep) BrigJson *r = intersect(b, e, NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    ck_assert_msg(s < 5, "%.1f s", s);
    ck_assert_uint_ne(act_of(r, "read", 0, 0), SECCOMP_RET_ALLOW);
    brig_json_free(e);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("seccomp_merge");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 240);
    tcase_add_loop_test(tc, real_engines, 0, ELEMENTSOF(engine_configs));
    tcase_add_test(tc, getcwd_stays_denied);
    tcase_add_loop_test(tc, corner_cases, 0, ELEMENTSOF(corner_engines));
    tcase_add_test(tc, random_engines);
    tcase_add_test(tc, refusals);
    tcase_add_test(tc, linear);
    suite_add_tcase(s, tc);
    return tu_run(s);
}
