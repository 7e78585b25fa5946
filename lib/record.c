/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "record.h"

/* Highest syscall number tried when listing what libseccomp knows: every
 * architecture brig supports numbers its calls below this. */
#define MAX_NR 1024

static void add_name(BrigJson *names, const char *n)
{
    if (!brig_json_array_has_string(names, n))
        brig_json_append(names, brig_json_new_string(n));
}

static BrigJson *arches_of_native(void)
{
    BrigJson *a = brig_json_new(BRIG_JSON_ARRAY);
    const char *n = brig_seccomp_arch_name(seccomp_arch_native());
    if (n)
        brig_json_append(a, brig_json_new_string(n));
    return a;
}

/* What a runtime may call, on its own schedule, between loading the filter
 * and handing the listener its fd: runc 1.1 is Go, and its init takes
 * signals (the scheduler's SIGURG preemption, anything sent to it) that
 * end in rt_sigreturn, wakes threads with futex, sleeps and allocates.  A
 * NOTIFY on one of these in that window has no listener to answer it yet,
 * and runc init holds the notification fd itself, so the kernel never
 * fails it: the create hangs for good (seen under load: runc init blocked
 * in rt_sigreturn).  `write` is runc's own rule: it reports progress with
 * it after the filter is loaded and refuses NOTIFY on it. */
static const char *const never_notified[] = {
    "write",         "rt_sigreturn",   "futex",       "nanosleep", "clock_nanosleep",
    "sched_yield",   "rt_sigprocmask", "sigaltstack", "getpid",    "gettid",
    "tgkill",        "mmap",           "munmap",      "madvise",   "epoll_pwait",
    "clock_gettime", "exit",
};

bool brig_record_never_notified(const char *name)
{
    for (size_t i = 0; i < ELEMENTSOF(never_notified); i++)
        if (streq(never_notified[i], name))
            return true;
    return false;
}

int brig_record_notify_profile(BrigJson **ret, BrigError **err)
{
    _cleanup_(brig_json_freep) BrigJson *p = brig_json_new(BRIG_JSON_OBJECT);
    brig_json_set(p, "defaultAction", brig_json_new_string("SCMP_ACT_ALLOW"));
    brig_json_set(p, "architectures", arches_of_native());
    BrigJson *names = brig_json_new(BRIG_JSON_ARRAY);
    uint32_t native = seccomp_arch_native();
    for (int nr = 0; nr < MAX_NR; nr++) {
        _cleanup_free_ char *n = seccomp_syscall_resolve_num_arch(native, nr);
        if (n && !brig_record_never_notified(n))
            add_name(names, n);
    }
    if (!names->n) {
        brig_json_free(names);
        return brig_error_set(err, ENOSYS, "libseccomp knows no syscall on this architecture");
    }
    BrigJson *e = brig_json_new(BRIG_JSON_OBJECT);
    brig_json_set(e, "names", names);
    brig_json_set(e, "action", brig_json_new_string("SCMP_ACT_NOTIFY"));
    BrigJson *list = brig_json_new(BRIG_JSON_ARRAY);
    brig_json_append(list, e);
    brig_json_set(p, "syscalls", list);
    *ret = TAKE_PTR(p);
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

bool brig_record_conditional(const BrigJson *oci, const char *sys)
{
    const BrigJson *e, *a;
    size_t n = 0;
    BRIG_JSON_FOREACH (e, brig_json_get(oci, "syscalls")) {
        if (!brig_json_array_has_string(brig_json_get(e, "names"), sys))
            continue;
        if (!(a = brig_json_get(e, "args")) || a->type != BRIG_JSON_ARRAY || !a->n)
            return false;
        n++;
    }
    return n > 0;
}

static bool in_list(char *const *v, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (streq(v[i], s))
            return true;
    return false;
}

/* What the runtime's own init (Go's scheduler in runc, crun's exec path) may
 * call after the filter is loaded, at moments no single recording is sure
 * to see: a futex wake that happens in one run and not the next made a
 * replay crash in runc.  They are allowed in every recorded profile. */
static const char *const runtime_floor[] = {
    "futex",  "nanosleep",       "sched_yield",   "rt_sigreturn", "rt_sigprocmask", "sigaltstack",
    "getpid", "gettid",          "tgkill",        "mmap",         "munmap",         "madvise",
    "exit",   "exit_group",      "close",         "fstat",        "newfstatat",     "openat",
    "read",   "execve",          "clock_gettime", "epoll_pwait",  "fcntl",          "prctl",
    "capget", "clock_nanosleep",
};

BrigJson *brig_record_result_profile(char *const *names, size_t n, char *const *arches,
                                     size_t n_arches, const BrigJson *from, char *const *keep,
                                     size_t n_keep)
{
    BrigJson *p = brig_json_new(BRIG_JSON_OBJECT);
    brig_json_set(p, "defaultAction", brig_json_new_string("SCMP_ACT_ERRNO"));
    brig_json_set(p, "defaultErrnoRet", brig_json_new_uint(ENOSYS));
    BrigJson *a = arches_of_native();
    for (size_t i = 0; i < n_arches; i++)
        add_name(a, arches[i]);
    brig_json_set(p, "architectures", a);
    /* sorted, so two recordings of one workload compare with diff(1) */
    size_t total = n + 1 + ELEMENTSOF(runtime_floor);
    _cleanup_free_ char **v = xcalloc(total, sizeof(char *));
    memcpy(v, names, n * sizeof(char *));
    v[n] = (char *)"write"; /* never notified: runc refuses NOTIFY on it */
    for (size_t i = 0; i < ELEMENTSOF(runtime_floor); i++)
        v[n + 1 + i] = (char *)runtime_floor[i];
    qsort(v, total, sizeof(char *), cmp_str);
    n = total - 1;
    BrigJson *list = brig_json_new(BRIG_JSON_ARRAY);
    for (size_t i = 0; i <= n; i++)
        if (!in_list(keep, n_keep, v[i]) && (i == 0 || !streq(v[i], v[i - 1])))
            add_name(list, v[i]);
    BrigJson *e = brig_json_new(BRIG_JSON_OBJECT);
    brig_json_set(e, "names", list);
    brig_json_set(e, "action", brig_json_new_string("SCMP_ACT_ALLOW"));
    BrigJson *sys = brig_json_new(BRIG_JSON_ARRAY);
    brig_json_append(sys, e);
    /* the unconditioned ALLOW stays first: on x86 libseccomp needs
     * socketcall allowed before conditional socket rules (docs/seccomp.md) */
    for (size_t i = 0; i <= n; i++) {
        const BrigJson *f;
        if (!in_list(keep, n_keep, v[i]) || (i > 0 && streq(v[i], v[i - 1])))
            continue;
        BRIG_JSON_FOREACH (f, brig_json_get(from, "syscalls")) {
            if (!brig_json_array_has_string(brig_json_get(f, "names"), v[i]))
                continue;
            BrigJson *c = brig_json_copy(f);
            BrigJson *one = brig_json_new(BRIG_JSON_ARRAY);
            brig_json_append(one, brig_json_new_string(v[i]));
            brig_json_set(c, "names", one);
            brig_json_append(sys, c);
        }
    }
    brig_json_set(p, "syscalls", sys);
    return p;
}

int brig_trace_profile(const BrigJson *oci, BrigJson **ret, BrigError **err)
{
    if (!oci || oci->type != BRIG_JSON_OBJECT)
        return brig_error_set(err, EINVAL, "no seccomp profile to trace");
    const char *def = brig_json_str(brig_json_get(oci, "defaultAction"));
    if (!def || streq(def, "SCMP_ACT_ALLOW"))
        return brig_error_set(err, EINVAL,
                              "the profile allows every syscall it does not list (default %s): "
                              "nothing to trace",
                              def ? def : "missing");
    _cleanup_(brig_json_freep) BrigJson *p = brig_json_copy(oci);
    BrigJson *sys = brig_json_get(p, "syscalls"), *e;
    if (!sys) {
        sys = brig_json_new(BRIG_JSON_ARRAY);
        brig_json_set(p, "syscalls", sys);
    }
    _cleanup_(brig_json_freep) BrigJson *write_entries = brig_json_new(BRIG_JSON_ARRAY);
    BRIG_JSON_FOREACH (e, sys) {
        const char *act = brig_json_str(brig_json_get(e, "action"));
        if (!act || streq(act, "SCMP_ACT_ALLOW"))
            continue;
        BrigJson *names = brig_json_get(e, "names");
        for (size_t i = 0; names && i < names->n; i++)
            if (streq(brig_json_str(names->kids[i]), "write")) {
                /* keep write's own entry as it was */
                BrigJson *w = brig_json_copy(e);
                BrigJson *wn = brig_json_new(BRIG_JSON_ARRAY);
                brig_json_append(wn, brig_json_new_string("write"));
                brig_json_set(w, "names", wn);
                brig_json_append(write_entries, w);
                brig_json_delete_at(names, i--);
            }
        brig_json_set(e, "action", brig_json_new_string("SCMP_ACT_NOTIFY"));
        brig_json_remove(e, "errnoRet");
    }
    BRIG_JSON_FOREACH (e, write_entries)
        brig_json_append(sys, brig_json_copy(e));
    /* exit_group, allowed, is notified too (and answered as allowed): a
     * call from a process that is no longer the runtime is how the
     * supervisor knows the container's program started, whether or not it
     * makes a denied call (lib/supervisor.h) */
    bool exit_allowed = false;
    BRIG_JSON_FOREACH (e, sys) {
        const BrigJson *args = brig_json_get(e, "args");
        BrigJson *names = brig_json_get(e, "names");
        if (!streq(brig_json_str(brig_json_get(e, "action")), "SCMP_ACT_ALLOW") ||
            (args && args->type == BRIG_JSON_ARRAY && args->n))
            continue;
        for (size_t i = 0; names && i < names->n; i++)
            if (streq(brig_json_str(names->kids[i]), "exit_group")) {
                brig_json_delete_at(names, i--);
                exit_allowed = true;
            }
    }
    if (exit_allowed) {
        BrigJson *x = brig_json_new(BRIG_JSON_OBJECT), *xn = brig_json_new(BRIG_JSON_ARRAY);
        brig_json_append(xn, brig_json_new_string("exit_group"));
        brig_json_set(x, "names", xn);
        brig_json_set(x, "action", brig_json_new_string("SCMP_ACT_NOTIFY"));
        brig_json_append(sys, x);
    }
    /* drop entries left without names */
    for (size_t i = 0; i < sys->n; i++) {
        const BrigJson *n = brig_json_get(sys->kids[i], "names");
        if (n && n->type == BRIG_JSON_ARRAY && n->n == 0)
            brig_json_delete_at(sys, i--);
    }

    BrigJson *unlisted = brig_json_new(BRIG_JSON_ARRAY);
    uint32_t native = seccomp_arch_native();
    for (int nr = 0; nr < MAX_NR; nr++) {
        _cleanup_free_ char *n = seccomp_syscall_resolve_num_arch(native, nr);
        if (!n || streq(n, "write"))
            continue;
        bool listed = false;
        BRIG_JSON_FOREACH (e, brig_json_get(oci, "syscalls"))
            if (brig_json_array_has_string(brig_json_get(e, "names"), n)) {
                listed = true;
                break;
            }
        if (!listed)
            add_name(unlisted, n);
    }
    if (unlisted->n) {
        BrigJson *u = brig_json_new(BRIG_JSON_OBJECT);
        brig_json_set(u, "names", unlisted);
        brig_json_set(u, "action", brig_json_new_string("SCMP_ACT_NOTIFY"));
        brig_json_append(sys, u);
    } else {
        brig_json_free(unlisted);
    }
    brig_json_remove(p, "flags");
    *ret = TAKE_PTR(p);
    return 0;
}
