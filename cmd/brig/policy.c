/* SPDX-License-Identifier: GPL-2.0-or-later */
/* brig policy show [--format text|json] [FILE]
 * brig policy validate [--strict] [--format text|json] FILE...
 *
 * validate answers "will containers start under this policy, and what does
 * it give away?": beyond the schema it loads every file the policy names
 * (a seccomp profile that is missing or has an unknown action would refuse
 * every container it applies to), warns about grants that undo the
 * isolation brig exists for, and about a file runtime mode would not trust.
 * --strict makes warnings errors. */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/stat.h>

#include "brig.h"
#include "caps.h"
#include "policy.h"
#include "seccomp.h"

static void policy_usage(FILE *out)
{
    fprintf(out, "Usage: brig policy show [--format text|json] [FILE]\n"
                 "       brig policy validate [--strict] [--format text|json] FILE...\n"
                 "show prints the effective defaults (the file's, or the built-in policy)\n"
                 "in the policy file schema; text adds a first comment line naming the\n"
                 "file and its digest, json prints the policy alone.\n"
                 "validate checks the schema, loads every file the policy names (seccomp\n"
                 "profiles) and warns about dangerous grants (uid 0, powerful capabilities,\n"
                 "host namespaces, sensitive host paths, no seccomp filter) and about a\n"
                 "file runtime mode would not trust; --strict makes warnings errors.\n"
                 "Exit status: 0 valid, 1 warnings under --strict, 2 invalid or usage error.\n"
                 "See brig-policy(5).\n");
}

typedef struct Warnings {
    char **v;
    size_t n;
} Warnings;

static _printf_(2, 3) void warn(Warnings *w, const char *fmt, ...)
{
    va_list ap;
    char *s = NULL;
    va_start(ap, fmt);
    if (vasprintf(&s, fmt, ap) < 0)
        abort();
    va_end(ap);
    w->v = xrealloc(w->v, (w->n + 2) * sizeof(char *));
    w->v[w->n++] = s;
    w->v[w->n] = NULL;
}

/* Capabilities that are a way out of the container or into the host's
 * kernel, in the CIS Docker Benchmark's and Kubernetes' reading. */
static const char *const dangerous_caps[] = {
    "CAP_SYS_ADMIN",
    "CAP_SYS_MODULE",
    "CAP_SYS_PTRACE",
    "CAP_SYS_RAWIO",
    "CAP_DAC_READ_SEARCH",
    "CAP_NET_ADMIN",
    "CAP_BPF",
    "CAP_PERFMON",
    "CAP_SYS_BOOT",
    "CAP_MAC_ADMIN",
    "CAP_MAC_OVERRIDE",
    "CAP_SYS_TIME",
    "CAP_SYSLOG",
    NULL,
};

static const char *const sensitive_paths[] = {
    "/",
    "/etc",
    "/proc",
    "/sys",
    "/dev",
    "/boot",
    "/usr",
    "/lib",
    "/root",
    "/home",
    "/var/run/docker.sock",
    "/run/docker.sock",
    "/run/containerd/containerd.sock",
    NULL,
};

/* A root filesystem shows the container every file below it.  A grant
 * that holds one of these (or is one) shows it the host's system files,
 * the engines' state (every container's rootfs and config, their sockets)
 * or the cluster's credentials; one below the first few shows it a part of
 * them. */
static const char *const rootfs_holds[] = {
    "/etc",
    "/usr",
    "/lib",
    "/boot",
    "/root",
    "/home",
    "/proc",
    "/sys",
    "/dev",
    "/run/docker.sock",
    "/run/docker",
    "/run/containerd",
    "/run/podman",
    "/run/crio",
    "/var/lib/docker",
    "/var/lib/containerd",
    "/var/lib/containers",
    "/var/lib/kubelet",
    "/etc/kubernetes",
    NULL,
};
static const char *const rootfs_below[] = {
    "/etc", "/proc", "/sys", "/dev", "/boot", "/root", "/home", "/var/lib/kubelet", NULL,
};

static bool path_under(const char *a, const char *b)
{
    size_t n = strlen(b);
    return streq(b, "/") ? a[0] == '/' : strncmp(a, b, n) == 0 && (a[n] == '\0' || a[n] == '/');
}

/* "//", "/./" and a trailing "/" folded (a grant has no ".."). */
static char *fold(const char *path)
{
    char *out = xmalloc(strlen(path) + 2), *o = out;
    for (const char *c = path; *c;) {
        while (*c == '/')
            c++;
        size_t k = strcspn(c, "/");
        if (k && !(k == 1 && c[0] == '.')) {
            *o++ = '/';
            memcpy(o, c, k);
            o += k;
        }
        c += k;
    }
    if (o == out)
        *o++ = '/';
    *o = '\0';
    return out;
}

static void judge_rootfs_allowed(const BrigPolicy *p, Warnings *w)
{
    const char *src = brig_policy_source(p);
    for (char **g = p->rootfs_allowed; g && *g; g++) {
        _cleanup_free_ char *n = fold(*g);
        const char *hit = NULL;
        for (size_t i = 0; rootfs_holds[i] && !hit; i++)
            if (path_under(rootfs_holds[i], n))
                hit = rootfs_holds[i];
        for (size_t i = 0; rootfs_below[i] && !hit; i++)
            if (path_under(n, rootfs_below[i]))
                hit = rootfs_below[i];
        if (hit && path_under(n, hit))
            warn(w,
                 "%s: rootfsAllowed %s lets a container's root filesystem be the host's %s (every "
                 "file below it visible in the container)",
                 src, *g, n);
        else if (hit)
            warn(w,
                 "%s: rootfsAllowed %s lets a container's root filesystem be anything below the "
                 "host's %s, %s too (every file below it visible in the container)",
                 src, *g, n, hit);
    }
}

static void judge(const BrigPolicy *p, Warnings *w, BrigError **err, int *ret)
{
    const char *src = brig_policy_source(p);
    if (p->seccomp_profile) {
        _cleanup_(brig_json_freep) BrigJson *prof = NULL;
        _cleanup_(brig_error_freep) BrigError *e = NULL;
        if (brig_seccomp_load(p->seccomp_profile, &prof, &e) < 0 && *ret == 0) {
            brig_error_set(err, e->status ? e->status : EINVAL,
                           "%s: seccompProfile: %s; every container it applies to would be "
                           "refused",
                           src, e->msg);
            *ret = -1;
        }
    }
    if (p->allow_root)
        warn(w, "%s: runs containers as root (user uid %u, gid %u)", src, p->uid, p->gid);
    for (size_t i = 0; dangerous_caps[i]; i++) {
        int n = brig_cap_from_name(dangerous_caps[i]);
        if (n >= 0 && p->caps_allowed & (UINT64_C(1) << n))
            warn(w, "%s: allows %s", src, dangerous_caps[i]);
    }
    static const char *const ns[] = {"pid", "ipc", "uts", "mount", "network", "cgroup"};
    for (size_t i = 0; i < ELEMENTSOF(ns); i++)
        if (p->host_namespaces & (1u << i))
            warn(w, "%s: shares the host's %s namespace", src, ns[i]);
    for (char **h = p->host_paths_ro; h && *h; h++)
        for (size_t i = 0; sensitive_paths[i]; i++)
            if (streq(*h, sensitive_paths[i]))
                warn(w, "%s: lets containers read the host's %s", src, *h);
    if (p->seccomp_unconfined)
        warn(w, "%s: runs containers without a seccomp filter (seccompProfile unconfined)", src);
    if (p->apparmor == BRIG_LSM_OFF)
        warn(w, "%s: apparmor mode off: containers never get an AppArmor profile", src);
    else if (p->apparmor_profile && streq(p->apparmor_profile, "unconfined"))
        warn(w, "%s: apparmor profile \"unconfined\": containers run without AppArmor", src);
    if (p->selinux == BRIG_LSM_OFF)
        warn(w, "%s: selinux mode off: containers never get an SELinux label", src);
    if (p->apparmor_load_fail_open)
        warn(w, "%s: runs containers unconfined when brig's AppArmor profile cannot be loaded",
             src);
    if (p->mode == BRIG_MODE_AUDIT)
        warn(w, "%s: mode audit: containers run as the engine asked, nothing is enforced", src);
    if (p->mode == BRIG_MODE_LEARN)
        warn(w, "%s: mode learn: containers run as the engine asked, observed for brig learned",
             src);
    if (p->writable_rootfs)
        warn(w, "%s: writableRootfs: containers keep a writable root filesystem", src);
    judge_rootfs_allowed(p, w);
}

/* Runtime mode trusts a policy only when root owns it and nobody else can
 * write it; offline validation accepts more, so it says what would fail. */
static void judge_file(const char *path, Warnings *w)
{
    struct stat st;
    if (stat(path, &st) < 0)
        return;
    if (st.st_uid != 0)
        warn(w, "%s: owned by uid %u: runtime mode refuses a policy root does not own", path,
             (unsigned)st.st_uid);
    else if (st.st_mode & S_IWGRP)
        warn(w, "%s: writable by its group (mode %04o): runtime mode refuses it", path,
             (unsigned)(st.st_mode & 07777));
}

int policy_check_files(const BrigPolicyDoc *doc, BrigError **err)
{
    Warnings w = {0};
    int bad = 0;
    judge(doc->defaults, &w, err, &bad);
    for (size_t i = 0; i < doc->n_rules && !bad; i++) {
        _cleanup_(brig_policy_freep) BrigPolicy *p = NULL;
        if (brig_policy_for_rule(doc, i, &p, err) < 0) {
            bad = -1;
            break;
        }
        judge(p, &w, err, &bad);
    }
    strv_free(w.v);
    return bad;
}

static int validate(const char *file, bool strict, bool json, BrigError **err)
{
    _cleanup_(brig_policy_doc_freep) BrigPolicyDoc *doc = NULL;
    if (brig_policy_load_offline(file, &doc, err) < 0)
        return BRIG_EXIT_USAGE;
    Warnings w = {0};
    int bad = 0;
    judge_file(file, &w);
    judge(doc->defaults, &w, err, &bad);
    for (size_t i = 0; i < doc->n_rules && !bad; i++) {
        _cleanup_(brig_policy_freep) BrigPolicy *p = NULL;
        if (brig_policy_for_rule(doc, i, &p, err) < 0)
            return BRIG_EXIT_USAGE;
        judge(p, &w, err, &bad);
    }
    if (bad) {
        strv_free(w.v);
        return BRIG_EXIT_USAGE;
    }
    int status = strict && w.n ? BRIG_EXIT_REFUSED : BRIG_EXIT_OK;
    if (json) {
        _cleanup_(brig_json_freep) BrigJson *o = brig_json_new(BRIG_JSON_OBJECT);
        brig_json_set(o, "file", brig_json_new_string(file));
        brig_json_set(o, "valid", brig_json_new_bool(status == BRIG_EXIT_OK));
        brig_json_set(o, "digest", brig_json_new_string(doc->digest));
        brig_json_set(o, "rules", brig_json_new_uint(doc->n_rules));
        BrigJson *arr = brig_json_new(BRIG_JSON_ARRAY);
        for (size_t i = 0; i < w.n; i++)
            brig_json_append(arr, brig_json_new_string(w.v[i]));
        brig_json_set(o, "warnings", arr);
        _cleanup_free_ char *s = brig_json_serialize(o, 0, NULL);
        printf("%s\n", s);
    } else {
        for (size_t i = 0; i < w.n; i++)
            printf("%s: %s\n", strict ? "error" : "warning", w.v[i]);
        _cleanup_free_ char *nw =
            w.n ? xasprintf(", %zu warning%s", w.n, w.n == 1 ? "" : "s") : xstrdup("");
        printf("%s: %s (%zu rule%s, %s%s)\n", file, status ? "invalid under --strict" : "valid",
               doc->n_rules, doc->n_rules == 1 ? "" : "s", doc->digest, nw);
    }
    strv_free(w.v);
    return status;
}

static int show(const BrigArgv *a, const char *file, bool json, BrigError **err)
{
    _cleanup_(brig_policy_doc_freep) BrigPolicyDoc *doc = NULL;
    if (brig_policy_load_offline(file ? file : a->brig_policy, &doc, err) < 0)
        return BRIG_EXIT_USAGE;
    _cleanup_(brig_json_freep) BrigJson *j = brig_policy_to_json(doc->defaults);
    BrigJson *audit = brig_json_new(BRIG_JSON_OBJECT);
    if (doc->audit_log)
        brig_json_set(audit, "log", brig_json_new_string(doc->audit_log));
    brig_json_set(audit, "syslog", brig_json_new_bool(doc->audit_syslog));
    brig_json_set(j, "audit", audit);
    BrigJson *trusted = brig_json_new(BRIG_JSON_ARRAY);
    for (char **t = doc->trusted_annotations; t && *t; t++)
        brig_json_append(trusted, brig_json_new_string(*t));
    brig_json_set(j, "trustedAnnotations", trusted);
    brig_json_set(j, "trustDockerImageRecord", brig_json_new_bool(doc->trust_docker_image_record));
    if (doc->docker_root)
        brig_json_set(j, "dockerRoot", brig_json_new_string(doc->docker_root));
    _cleanup_free_ char *out = brig_json_serialize(j, BRIG_JSON_PRETTY, NULL);
    if (!json)
        printf("# %s %s, %zu rule%s not shown (only the defaults are)\n",
               doc->path ? doc->path : "built-in default policy", doc->digest, doc->n_rules,
               doc->n_rules == 1 ? "" : "s");
    fputs(out, stdout);
    return BRIG_EXIT_OK;
}

int cmd_policy(int argc, char **argv, const BrigArgv *a, BrigError **err)
{
    static const struct option opts[] = {
        {"strict", no_argument, NULL, 's'},
        {"format", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {0},
    };
    static const char *const formats[] = {"text", "json", NULL};
    bool strict = false;
    const char *format = "text";
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "sf:h", opts, NULL)) != -1) {
        switch (c) {
        case 's':
            strict = true;
            break;
        case 'f':
            format = optarg;
            break;
        case 'h':
            policy_usage(stdout);
            return BRIG_EXIT_OK;
        default:
            policy_usage(stderr);
            return BRIG_EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        policy_usage(stderr);
        return BRIG_EXIT_USAGE;
    }
    int fmt = cli_format("policy", format, formats, err);
    if (fmt < 0)
        return BRIG_EXIT_USAGE;
    const char *sub = argv[optind++];
    int nfiles = argc - optind;
    if (streq(sub, "show")) {
        if (nfiles > 1 || strict) {
            brig_error_set(err, EINVAL, "policy show: expected at most one FILE%s",
                           strict ? " (--strict is for validate)" : "");
            return BRIG_EXIT_USAGE;
        }
        return show(a, nfiles ? argv[optind] : NULL, fmt == 1, err);
    }
    if (!streq(sub, "validate")) {
        brig_error_set(err, EINVAL, "policy: unknown subcommand \"%s\" (show or validate)", sub);
        return BRIG_EXIT_USAGE;
    }
    if (nfiles < 1) {
        brig_error_set(err, EINVAL, "policy validate: expected a FILE");
        return BRIG_EXIT_USAGE;
    }
    /* every file is judged; the status is the worst */
    int status = BRIG_EXIT_OK;
    for (int i = optind; i < argc; i++) {
        _cleanup_(brig_error_freep) BrigError *e = NULL;
        int s = validate(argv[i], strict, fmt == 1, &e);
        if (e && i + 1 < argc) {
            fprintf(stderr, "brig: %s\n", e->msg);
        } else if (e) {
            *err = TAKE_PTR(e);
        }
        if (s > status)
            status = s;
    }
    if (*err && status < BRIG_EXIT_USAGE)
        status = BRIG_EXIT_USAGE;
    return status;
}
