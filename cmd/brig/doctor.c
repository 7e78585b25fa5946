/* SPDX-License-Identifier: GPL-2.0-or-later */
/* brig doctor [--format text|json]: what this host offers (seccomp,
 * AppArmor, SELinux, the real runtime, cgroups, user namespaces, the policy,
 * the audit destinations), then point by point whether the policy's
 * defaults can be enforced here.  Each point is ok, warn (works, but
 * something the policy asks for is skipped or lost: an `auto` LSM the host
 * lacks, audit lines with nowhere to go) or fail.  Exit 0 when nothing
 * fails, 1 otherwise: provisioning scripts gate on it. */
#include <fcntl.h>
#include <getopt.h>
#include <linux/magic.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>

#include "apparmor.h"
#include "audit.h"
#include "brig.h"
#include "config.h"
#include "context.h"
#include "selinux.h"
#include BRIG_LIBSECCOMP_H

typedef struct Doctor {
    BrigJson *facts;  /* object: what was found */
    BrigJson *checks; /* array of {check, status, ok, detail} */
    bool ok;
} Doctor;

enum { OK, WARN, FAIL };

static void fact(Doctor *d, const char *key, BrigJson *v)
{
    brig_json_set(d->facts, key, v);
}

static _printf_(4, 0) void vcheck3(Doctor *d, const char *name, int status, const char *fmt,
                                   va_list ap)
{
    static const char *const names[] = {"ok", "warn", "fail"};
    char *detail = NULL;
    if (vasprintf(&detail, fmt, ap) < 0)
        abort();
    BrigJson *c = brig_json_new(BRIG_JSON_OBJECT);
    brig_json_set(c, "check", brig_json_new_string(name));
    brig_json_set(c, "status", brig_json_new_string(names[status]));
    /* "ok" stays for readers of the first format: a warning is not a failure */
    brig_json_set(c, "ok", brig_json_new_bool(status != FAIL));
    brig_json_set(c, "detail", brig_json_new_string(detail));
    brig_json_append(d->checks, c);
    free(detail);
    d->ok = d->ok && status != FAIL;
}

static _printf_(4, 5) void check3(Doctor *d, const char *name, int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vcheck3(d, name, status, fmt, ap);
    va_end(ap);
}

static _printf_(4, 5) void check(Doctor *d, const char *name, bool ok, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vcheck3(d, name, ok ? OK : FAIL, fmt, ap);
    va_end(ap);
}

/* The audit log: a file whose directory must exist (brig creates the file,
 * never a directory) and be writable, and syslog through /dev/log.  brig
 * runs containers when its audit lines cannot be written, so these are
 * warnings: the decisions are lost, nothing is refused. */
static void audit_checks(Doctor *d, const BrigPolicyDoc *doc)
{
    BrigJson *au = brig_json_new(BRIG_JSON_OBJECT);
    brig_json_set(au, "log",
                  doc->audit_log ? brig_json_new_string(doc->audit_log)
                                 : brig_json_new(BRIG_JSON_NULL));
    brig_json_set(au, "syslog", brig_json_new_bool(doc->audit_syslog));
    struct stat st;
    bool devlog = stat(BRIG_SYSLOG_SOCKET, &st) == 0 && S_ISSOCK(st.st_mode);
    brig_json_set(au, "devlog", brig_json_new_bool(devlog));
    fact(d, "audit", au);
    if (!doc->audit_log && !doc->audit_syslog) {
        check3(d, "audit", WARN,
               "the policy keeps no audit log: brig's decisions are not recorded");
        return;
    }
    if (doc->audit_syslog && !devlog)
        check3(d, "audit", WARN,
               "syslog: %s is not a socket (no syslog daemon): audit lines sent there are lost",
               BRIG_SYSLOG_SOCKET);
    else if (doc->audit_syslog)
        check3(d, "audit", OK, "syslog through %s", BRIG_SYSLOG_SOCKET);
    if (doc->audit_log) {
        _cleanup_free_ char *dir = xstrdup(doc->audit_log);
        char *slash = strrchr(dir, '/');
        if (slash)
            *(slash == dir ? slash + 1 : slash) = '\0';
        bool have = slash && stat(dir, &st) == 0 && S_ISDIR(st.st_mode);
        if (!have)
            check3(d, "audit", WARN, "log %s: directory %s does not exist: audit lines are lost",
                   doc->audit_log, slash ? dir : "(relative path)");
        else if (access(dir, W_OK) < 0 &&
                 (access(doc->audit_log, W_OK) < 0 || stat(doc->audit_log, &st) < 0))
            check3(d, "audit", WARN, "log %s: %s is not writable here: audit lines are lost",
                   doc->audit_log, dir);
        else
            check3(d, "audit", OK, "log %s", doc->audit_log);
    }
}

/* First line of `runtime --version`, with stdout through a pipe. */
static char *runtime_version(const char *runtime)
{
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0)
        return NULL;
    pid_t pid = fork();
    if (pid < 0) {
        close(p[0]);
        close(p[1]);
        return NULL;
    }
    if (pid == 0) {
        int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
        if (dup2(p[1], STDOUT_FILENO) < 0 || (devnull >= 0 && dup2(devnull, STDERR_FILENO) < 0) ||
            (devnull >= 0 && dup2(devnull, STDIN_FILENO) < 0))
            _exit(127);
        execl(runtime, runtime, "--version", (char *)NULL);
        _exit(127);
    }
    close(p[1]);
    char buf[512];
    size_t len = 0;
    ssize_t r;
    while (len < sizeof(buf) - 1 && (r = read(p[0], buf + len, sizeof(buf) - 1 - len)) != 0) {
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            break;
        len += (size_t)r;
    }
    close(p[0]);
    buf[len] = '\0';
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    char *nl = strchr(buf, '\n');
    if (nl)
        *nl = '\0';
    return len ? xstrdup(buf) : NULL;
}

static const char *cgroup_version(void)
{
    struct statfs fs;
    if (statfs("/sys/fs/cgroup", &fs) < 0)
        return "none";
    if (fs.f_type == CGROUP2_SUPER_MAGIC)
        return "v2";
    if (fs.f_type == TMPFS_MAGIC) {
        struct statfs u;
        return statfs("/sys/fs/cgroup/unified", &u) == 0 && u.f_type == CGROUP2_SUPER_MAGIC
                   ? "hybrid"
                   : "v1";
    }
    return "unknown";
}

static long read_long(const char *path)
{
    _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    char buf[32] = {0};
    if (fd < 0 || read(fd, buf, sizeof(buf) - 1) <= 0)
        return -1;
    return strtol(buf, NULL, 10);
}

static void lsm_checks(Doctor *d, const BrigHost *host, const BrigPolicy *p)
{
    static const char *const modes[] = {"auto", "require", "off"};
    /* AppArmor */
    BrigJson *aa = brig_json_new(BRIG_JSON_OBJECT);
    brig_json_set(aa, "state", brig_json_new_string(brig_apparmor_state(host->apparmor_errno)));
    brig_json_set(aa, "enabled", brig_json_new_bool(host->apparmor_enabled));
    bool loaded = false;
    const char *name = p->apparmor_profile ? p->apparmor_profile : BRIG_APPARMOR_PROFILE;
    _cleanup_(brig_error_freep) BrigError *e = NULL;
    if (host->apparmor_enabled)
        (void)brig_apparmor_is_loaded(BRIG_APPARMOR_PROFILES, name, &loaded, &e);
    brig_json_set(aa, "profile", brig_json_new_string(name));
    brig_json_set(aa, "loaded", brig_json_new_bool(loaded));
    bool parser = access("/sbin/apparmor_parser", X_OK) == 0 ||
                  access("/usr/sbin/apparmor_parser", X_OK) == 0;
    brig_json_set(aa, "parser", brig_json_new_bool(parser));
    fact(d, "apparmor", aa);
    if (p->apparmor == BRIG_LSM_OFF)
        check(d, "apparmor", true, "policy turns AppArmor off");
    else if (!host->apparmor_enabled)
        check3(d, "apparmor", p->apparmor == BRIG_LSM_REQUIRE ? FAIL : WARN,
               "policy says %s; AppArmor is %s%s", modes[p->apparmor],
               brig_apparmor_state(host->apparmor_errno),
               p->apparmor == BRIG_LSM_REQUIRE ? ": every container would be refused"
                                               : ": containers run without a profile");
    else if (!loaded && !streq(name, BRIG_APPARMOR_PROFILE))
        check(d, "apparmor", false, "profile \"%s\" named by the policy is not loaded", name);
    else
        check(d, "apparmor", loaded || parser || p->apparmor_load_fail_open, "profile \"%s\" %s",
              name,
              loaded   ? "is loaded"
              : parser ? "will be loaded at the first container"
                       : "is not loaded and apparmor_parser is missing");

    /* SELinux */
    BrigJson *se = brig_json_new(BRIG_JSON_OBJECT);
    brig_json_set(se, "enabled", brig_json_new_bool(host->selinux_enabled));
    _cleanup_free_ char *ctxpath = brig_selinux_contexts_path();
    BrigSelinuxContexts c = {0};
    _cleanup_(brig_error_freep) BrigError *ce = NULL;
    bool valid = false;
    if (ctxpath) {
        brig_json_set(se, "contexts", brig_json_new_string(ctxpath));
        if (brig_selinux_load_contexts(ctxpath, &c, &ce) == 0) {
            brig_json_set(se, "process", brig_json_new_string(c.process));
            brig_json_set(se, "file", brig_json_new_string(c.file));
            valid = brig_selinux_context_valid(c.process) && brig_selinux_context_valid(c.file);
        }
    }
    brig_json_set(se, "valid", brig_json_new_bool(valid));
    fact(d, "selinux", se);
    if (p->selinux == BRIG_LSM_OFF)
        check(d, "selinux", true, "policy turns SELinux off");
    else if (!host->selinux_enabled || !valid)
        check3(d, "selinux", p->selinux == BRIG_LSM_REQUIRE ? FAIL : WARN, "policy says %s; %s%s",
               modes[p->selinux],
               !host->selinux_enabled ? "SELinux is not enabled"
               : !ctxpath             ? "no container contexts file"
               : ce                   ? ce->msg
                                      : "the container contexts are not valid in the loaded policy",
               p->selinux == BRIG_LSM_REQUIRE ? ": every container would be refused"
                                              : ": containers run without a label");
    else
        check(d, "selinux", true, "containers get %s with a unique category pair", c.process);
    brig_selinux_contexts_done(&c);
}

static void print_text(const Doctor *d)
{
    const BrigJson *m, *c;
    BRIG_JSON_FOREACH (m, d->facts) {
        _cleanup_free_ char *v =
            m->type == BRIG_JSON_STRING ? xstrdup(m->text) : brig_json_serialize(m, 0, NULL);
        printf("%-10s %s\n", m->key, v);
    }
    printf("\n");
    BRIG_JSON_FOREACH (c, d->checks) {
        const char *st = brig_json_str(brig_json_get(c, "status"));
        printf("[%s] %-9s %s\n",
               streq(st, "ok")     ? " ok "
               : streq(st, "warn") ? "warn"
                                   : "FAIL",
               brig_json_str(brig_json_get(c, "check")), brig_json_str(brig_json_get(c, "detail")));
    }
    size_t warns = 0;
    BRIG_JSON_FOREACH (c, d->checks)
        warns += streq(brig_json_str(brig_json_get(c, "status")), "warn");
    printf("\n%s",
           d->ok ? "this host can enforce the policy" : "this host cannot enforce the policy");
    if (warns)
        printf(" (%zu warning%s)", warns, warns == 1 ? "" : "s");
    printf("\n");
}

static void doctor_usage(FILE *out)
{
    fprintf(out, "Usage: brig [--brig-policy FILE] doctor [--format text|json]\n"
                 "Reports what this host offers and whether it can enforce the policy, each\n"
                 "point ok, warn (works, but something is skipped or lost: an `auto` LSM the\n"
                 "host lacks, audit lines with nowhere to go) or fail.\n"
                 "  --format F      text (default) or json; --json is a deprecated alias of\n"
                 "                  --format json\n"
                 "Exit status: 0 nothing fails, 1 something fails, 2 usage error.\n");
}

int cmd_doctor(int argc, char **argv, const BrigArgv *a, BrigError **err)
{
    static const struct option opts[] = {
        {"format", required_argument, NULL, 'f'},
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {0},
    };
    static const char *const formats[] = {"text", "json", NULL};
    const char *format = "text";
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "f:h", opts, NULL)) != -1) {
        switch (c) {
        case 'f':
            format = optarg;
            break;
        case 'j':
            format = "json";
            break;
        case 'h':
            doctor_usage(stdout);
            return BRIG_EXIT_OK;
        default:
            doctor_usage(stderr);
            return BRIG_EXIT_USAGE;
        }
    }
    if (optind < argc) {
        brig_error_set(err, EINVAL, "doctor: unknown argument \"%s\"", argv[optind]);
        return BRIG_EXIT_USAGE;
    }
    int fmt = cli_format("doctor", format, formats, err);
    if (fmt < 0)
        return BRIG_EXIT_USAGE;
    bool json = fmt == 1;
    _cleanup_(brig_json_freep) BrigJson *facts = brig_json_new(BRIG_JSON_OBJECT);
    _cleanup_(brig_json_freep) BrigJson *checks = brig_json_new(BRIG_JSON_ARRAY);
    Doctor d = {.facts = facts, .checks = checks, .ok = true};
    BrigHost host;
    brig_host_probe(&host);

    /* policy first: the other checks read it */
    _cleanup_(brig_policy_doc_freep) BrigPolicyDoc *doc = NULL;
    _cleanup_(brig_error_freep) BrigError *perr = NULL;
    int pr = brig_policy_load(a->brig_policy, &doc, &perr);
    BrigJson *pol = brig_json_new(BRIG_JSON_OBJECT);
    const char *ppath = doc ? doc->path : a->brig_policy; /* NULL: the built-in default */
    brig_json_set(pol, "path", ppath ? brig_json_new_string(ppath) : brig_json_new(BRIG_JSON_NULL));
    brig_json_set(pol, "valid", brig_json_new_bool(pr == 0));
    if (pr == 0) {
        brig_json_set(pol, "digest", brig_json_new_string(doc->digest));
        brig_json_set(pol, "mode", brig_json_new_string(brig_mode_name(doc->defaults->mode)));
    }
    fact(&d, "policy", pol);
    _cleanup_(brig_error_freep) BrigError *ferr = NULL;
    if (pr < 0)
        check(&d, "policy", false, "%s: no container would start", perr->msg);
    else if (policy_check_files(doc, &ferr) < 0)
        check(&d, "policy", false, "%s", ferr->msg);
    else
        check(&d, "policy", true, "%s (%s)", doc->path ? doc->path : "built-in default policy",
              brig_mode_name(doc->defaults->mode));

    /* seccomp */
    unsigned api = seccomp_api_get();
    BrigJson *sc = brig_json_new(BRIG_JSON_OBJECT);
    brig_json_set(sc, "filter", brig_json_new_bool(host.seccomp));
    brig_json_set(sc, "api", brig_json_new_uint(api));
    /* API level 5 is the first with SECCOMP_RET_USER_NOTIF (brig's recorder) */
    brig_json_set(sc, "notify", brig_json_new_bool(api >= 5));
    fact(&d, "seccomp", sc);
    bool need_seccomp = pr < 0 || !doc->defaults->seccomp_unconfined;
    check(&d, "seccomp", host.seccomp || !need_seccomp, "%s; libseccomp API level %u%s",
          host.seccomp ? "kernel has seccomp filters" : "kernel has no seccomp filters", api,
          api >= 5 ? " (user notification: yes)" : " (user notification: no, no recording)");

    /* runtime */
    _cleanup_free_ char *runtime = NULL;
    _cleanup_(brig_error_freep) BrigError *rerr = NULL;
    const char *explicit =
        pr == 0 && doc->defaults->runtime ? doc->defaults->runtime : a->brig_runtime;
    BrigJson *rt = brig_json_new(BRIG_JSON_OBJECT);
    if (brig_runtime_find(explicit, &runtime, &rerr) == 0) {
        _cleanup_free_ char *ver = runtime_version(runtime);
        brig_json_set(rt, "path", brig_json_new_string(runtime));
        brig_json_set(rt, "version",
                      ver ? brig_json_new_string(ver) : brig_json_new(BRIG_JSON_NULL));
        check(&d, "runtime", ver != NULL, "%s: %s", runtime,
              ver ? ver : "does not answer --version");
    } else {
        check(&d, "runtime", false, "%s", rerr->msg);
    }
    fact(&d, "runtime", rt);

    fact(&d, "cgroup", brig_json_new_string(cgroup_version()));
    long userns = read_long("/proc/sys/user/max_user_namespaces");
    fact(&d, "userns", brig_json_new_int(userns));

    if (pr == 0) {
        lsm_checks(&d, &host, doc->defaults);
        audit_checks(&d, doc);
    }

    if (json) {
        _cleanup_(brig_json_freep) BrigJson *out = brig_json_new(BRIG_JSON_OBJECT);
        brig_json_set(out, "facts", brig_json_copy(facts));
        brig_json_set(out, "checks", brig_json_copy(checks));
        brig_json_set(out, "ok", brig_json_new_bool(d.ok));
        _cleanup_free_ char *s = brig_json_serialize(out, BRIG_JSON_PRETTY, NULL);
        printf("%s\n", s);
    } else {
        print_text(&d);
    }
    return d.ok ? BRIG_EXIT_OK : BRIG_EXIT_REFUSED;
}
