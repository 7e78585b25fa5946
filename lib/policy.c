/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Policy files: strict parsing and validation.  Every error names the file,
 * the line and the JSON pointer of the offending key, because the person
 * reading it is an operator whose containers just stopped starting. */
#include <fcntl.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/stat.h>

#include "bundle.h"
#include "caps.h"
#include "policy.h"
#include "policy_internal.h"
#include "sha256.h"

extern const char brig_policy_default_json[];
extern const size_t brig_policy_default_json_len;

/* ---- the effective policy ---- */

static char **strv_copy(char *const *v)
{
    size_t n = 0;
    while (v && v[n])
        n++;
    char **c = xcalloc(n + 1, sizeof(char *));
    for (size_t i = 0; i < n; i++)
        c[i] = xstrdup(v[i]);
    return c;
}

BrigPolicy *brig_policy_copy(const BrigPolicy *p)
{
    BrigPolicy *c = xmalloc(sizeof(*c));
    *c = *p;
    c->path = p->path ? xstrdup(p->path) : NULL;
    c->source = p->source ? xstrdup(p->source) : NULL;
    c->runtime = p->runtime ? xstrdup(p->runtime) : NULL;
    c->seccomp_profile = p->seccomp_profile ? xstrdup(p->seccomp_profile) : NULL;
    c->apparmor_profile = p->apparmor_profile ? xstrdup(p->apparmor_profile) : NULL;
    c->host_paths_ro = strv_copy(p->host_paths_ro);
    c->host_sockets = strv_copy(p->host_sockets);
    c->host_groups = strv_copy(p->host_groups);
    c->mount_types = strv_copy(p->mount_types);
    c->mount_options = strv_copy(p->mount_options);
    c->devices = strv_copy(p->devices);
    c->trusted_annotations = strv_copy(p->trusted_annotations);
    c->sysctls_allowed = strv_copy(p->sysctls_allowed);
    c->spec_fields = strv_copy(p->spec_fields);
    c->hooks_allowed = strv_copy(p->hooks_allowed);
    c->runtime_flags = strv_copy(p->runtime_flags);
    c->writable_paths = strv_copy(p->writable_paths);
    c->rootfs_allowed = strv_copy(p->rootfs_allowed);
    return c;
}

BrigPolicy *brig_policy_new_default(void)
{
    _cleanup_(brig_policy_doc_freep) BrigPolicyDoc *doc = NULL;
    BrigError *err = NULL;
    /* The embedded default is validated by the unit tests; failing here
     * would be a build defect, not a runtime condition. */
    if (brig_policy_builtin(&doc, &err) < 0)
        abort();
    return brig_policy_copy(doc->defaults);
}

void brig_policy_free(BrigPolicy *p)
{
    if (!p)
        return;
    free(p->path);
    free(p->source);
    free(p->runtime);
    free(p->seccomp_profile);
    free(p->apparmor_profile);
    strv_free(p->host_paths_ro);
    strv_free(p->host_sockets);
    strv_free(p->host_groups);
    strv_free(p->mount_types);
    strv_free(p->mount_options);
    strv_free(p->devices);
    strv_free(p->trusted_annotations);
    strv_free(p->sysctls_allowed);
    strv_free(p->spec_fields);
    strv_free(p->hooks_allowed);
    strv_free(p->runtime_flags);
    strv_free(p->writable_paths);
    strv_free(p->rootfs_allowed);
    free(p);
}

const char *brig_mode_name(BrigMode m)
{
    switch (m) {
    case BRIG_MODE_ENFORCE:
        return "enforce";
    case BRIG_MODE_REJECT:
        return "reject";
    case BRIG_MODE_AUDIT:
        return "audit";
    case BRIG_MODE_LEARN:
        return "learn";
    }
    return "?";
}

const char *brig_policy_source(const BrigPolicy *p)
{
    if (p->source)
        return p->source;
    return p->path ? p->path : "the built-in default policy";
}

void brig_policy_doc_free(BrigPolicyDoc *d)
{
    if (!d)
        return;
    free(d->path);
    brig_policy_free(d->defaults);
    strv_free(d->trusted_annotations);
    free(d->docker_root);
    free(d->audit_log);
    for (size_t i = 0; i < d->n_rules; i++)
        brig_rule_clear(&d->rules[i]);
    free(d->rules);
    free(d);
}

/* ---- validation helpers ---- */

int pv_fail(const PV *v, const BrigJson *node, const char *ptr, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    _cleanup_free_ char *msg = NULL;
    if (vasprintf(&msg, fmt, ap) < 0)
        abort();
    va_end(ap);
    if (node && node->line)
        return brig_error_set(v->err, EINVAL, "%s: line %u: %s: %s", v->name, node->line,
                              *ptr ? ptr : "/", msg);
    return brig_error_set(v->err, EINVAL, "%s: %s: %s", v->name, *ptr ? ptr : "/", msg);
}

char *pv_describe(const BrigJson *j)
{
    switch (j->type) {
    case BRIG_JSON_STRING:
        return xasprintf("string \"%.40s\"", j->text);
    case BRIG_JSON_NUMBER:
        return xasprintf("number %s", j->text);
    case BRIG_JSON_BOOL:
        return xstrdup(j->boolean ? "true" : "false");
    default:
        return xstrdup(brig_json_type_name(j->type));
    }
}

int pv_type(const PV *v, const BrigJson *j, const char *ptr, BrigJsonType t)
{
    if (j->type == t)
        return 0;
    _cleanup_free_ char *d = pv_describe(j);
    return pv_fail(v, j, ptr, "expected %s %s, found %s",
                   t == BRIG_JSON_ARRAY || t == BRIG_JSON_OBJECT ? "an" : "a",
                   brig_json_type_name(t), d);
}

/* Rejects unknown keys: a typo in a security policy must not be silently
 * ignored (it would leave the default in force without anyone noticing). */
int pv_keys(const PV *v, const BrigJson *obj, const char *ptr, const char *const *allowed)
{
    int r = pv_type(v, obj, ptr, BRIG_JSON_OBJECT);
    if (r < 0)
        return r;
    for (size_t i = 0; i < obj->n; i++) {
        const BrigJson *m = obj->kids[i];
        bool ok = false;
        for (const char *const *a = allowed; *a && !ok; a++)
            ok = streq(*a, m->key);
        _cleanup_free_ char *tok = brig_json_pointer_token(m->key);
        _cleanup_free_ char *p = xasprintf("%s/%s", ptr, tok);
        if (!ok) {
            _cleanup_free_ char *list = xstrdup("");
            for (const char *const *a = allowed; *a; a++) {
                char *n = xasprintf("%s%s%s", list, *list ? ", " : "", *a);
                free(list);
                list = n;
            }
            return pv_fail(v, m, p, "unknown key (expected one of: %s)", list);
        }
        /* reported at the second occurrence, where the operator edits */
        for (size_t k = 0; k < i; k++)
            if (streq(obj->kids[k]->key, m->key))
                return pv_fail(v, m, p, "duplicate key");
    }
    return 0;
}

/* fnmatch() treats a malformed pattern as a literal; an operator who wrote
 * "web-[" meant something else, so such patterns are refused. */
static bool glob_valid(const char *g)
{
    for (const char *p = g; *p; p++) {
        if (*p == '\\') {
            if (!*++p)
                return false;
        } else if (*p == '[') {
            const char *q = p + 1;
            if (*q == '!' || *q == '^')
                q++;
            if (*q == ']')
                q++;
            while (*q && *q != ']')
                q++;
            if (!*q)
                return false;
            p = q;
        }
    }
    return true;
}

int pv_strv(const PV *v, const BrigJson *j, const char *ptr, bool globs, char ***ret)
{
    int r = pv_type(v, j, ptr, BRIG_JSON_ARRAY);
    if (r < 0)
        return r;
    char **out = xcalloc(j->n + 1, sizeof(char *));
    for (size_t i = 0; i < j->n; i++) {
        _cleanup_free_ char *p = xasprintf("%s/%zu", ptr, i);
        r = pv_type(v, j->kids[i], p, BRIG_JSON_STRING);
        if (r == 0 && globs && !glob_valid(j->kids[i]->text))
            r = pv_fail(v, j->kids[i], p, "bad glob \"%s\" (unterminated [ or trailing \\)",
                        j->kids[i]->text);
        if (r < 0) {
            strv_free(out);
            return r;
        }
        out[i] = xstrdup(j->kids[i]->text);
    }
    strv_free(*ret);
    *ret = out;
    return 0;
}

bool pv_glob_valid(const char *g)
{
    return glob_valid(g);
}

static int pv_uint(const PV *v, const BrigJson *j, const char *ptr, uint64_t max, uint64_t *ret)
{
    uint64_t u;
    if (j->type != BRIG_JSON_NUMBER || brig_json_to_uint64(j, &u) < 0 || u > max) {
        _cleanup_free_ char *d = pv_describe(j);
        return pv_fail(v, j, ptr, "expected an integer from 0 to %llu, found %s",
                       (unsigned long long)max, d);
    }
    *ret = u;
    return 0;
}

static int pv_enum(const PV *v, const BrigJson *j, const char *ptr, const char *const *names,
                   int *ret)
{
    if (j->type == BRIG_JSON_STRING)
        for (int i = 0; names[i]; i++)
            if (streq(names[i], j->text)) {
                *ret = i;
                return 0;
            }
    _cleanup_free_ char *d = pv_describe(j), *list = xstrdup("");
    for (int i = 0; names[i]; i++) {
        char *n = xasprintf("%s%s%s", list, i ? ", " : "", names[i]);
        free(list);
        list = n;
    }
    return pv_fail(v, j, ptr, "expected one of %s, found %s", list, d);
}

int pv_mode(const PV *v, const BrigJson *j, const char *ptr, BrigMode *ret)
{
    static const char *const modes[] = {"enforce", "reject", "audit", "learn", NULL};
    int m;
    int r = pv_enum(v, j, ptr, modes, &m);
    if (r == 0)
        *ret = (BrigMode)m;
    return r;
}

static const char *const ns_names[] = {"pid", "ipc", "uts", "mount", "network", "cgroup", NULL};

static int pv_lsm(const PV *v, const BrigJson *m, const char *ptr, BrigPolicy *pol)
{
    static const char *const modes[] = {"auto", "require", "off", NULL};
    static const char *const akeys[] = {"mode", "profile", "keepEngineProfile",
                                        "allowUnconfinedOnLoadFailure", NULL};
    static const char *const skeys[] = {"mode", NULL};
    bool aa = streq(m->key, "apparmor");
    int r = pv_keys(v, m, ptr, aa ? akeys : skeys);
    const BrigJson *e;
    _cleanup_free_ char *mp = xasprintf("%s/mode", ptr), *pp = xasprintf("%s/profile", ptr),
                        *kp = xasprintf("%s/keepEngineProfile", ptr),
                        *fp = xasprintf("%s/allowUnconfinedOnLoadFailure", ptr);
    if (r == 0 && (e = brig_json_get(m, "mode"))) {
        int mode = BRIG_LSM_AUTO;
        r = pv_enum(v, e, mp, modes, &mode);
        if (aa)
            pol->apparmor = (BrigLsmMode)mode;
        else
            pol->selinux = (BrigLsmMode)mode;
    }
    if (r == 0 && (e = brig_json_get(m, "profile"))) {
        r = pv_type(v, e, pp, BRIG_JSON_STRING);
        if (r == 0 && (!e->text[0] || strpbrk(e->text, " \t\n\"")))
            r = pv_fail(v, e, pp, "expected an AppArmor profile name, found \"%s\"", e->text);
        if (r == 0) {
            free(pol->apparmor_profile);
            pol->apparmor_profile = xstrdup(e->text);
        }
    }
    if (r == 0 && (e = brig_json_get(m, "keepEngineProfile")) &&
        (r = pv_type(v, e, kp, BRIG_JSON_BOOL)) == 0)
        pol->apparmor_keep_engine = e->boolean;
    if (r == 0 && (e = brig_json_get(m, "allowUnconfinedOnLoadFailure")) &&
        (r = pv_type(v, e, fp, BRIG_JSON_BOOL)) == 0)
        pol->apparmor_load_fail_open = e->boolean;
    return r;
}

/* Runtime flags that weaken isolation whatever config.json says; each is
 * refused unless "runtimeFlags" names it (runtime_checks.c says why). */
const char *const brig_runtime_flag_grants[] = {
    "cgroup-manager=disabled", "no-pivot", "no-new-keyring", "criu", "rootless", NULL,
};

/* A writable path is a tmpfs the runtime mounts inside the rootfs: absolute,
 * already in normal form (what the mount's destination will be, so the
 * operator reads what brig mounts), not the root itself (that is
 * writableRootfs) and not below the kernel's and runtime's own trees, whose
 * mounts the container must not cover. */
static bool ends(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && streq(s + n - k, suffix);
}

static int pv_writable_paths(const PV *v, const BrigJson *m, const char *p, BrigPolicy *pol)
{
    static const char *const kernel_trees[] = {"/proc", "/sys", "/dev", NULL};
    _cleanup_strv_ char **more = NULL;
    int r = pv_strv(v, m, p, false, &more);
    for (size_t i = 0; r == 0 && more[i]; i++) {
        _cleanup_free_ char *ep = xasprintf("%s/%zu", p, i);
        const char *s = more[i];
        bool normal = s[0] == '/' && s[1] && !strstr(s, "//") && !strstr(s, "/./") &&
                      !strstr(s, "/../") && !ends(s, "/") && !ends(s, "/.") && !ends(s, "/..") &&
                      !strpbrk(s, ",\n\t");
        if (!normal) {
            r = pv_fail(v, m->kids[i], ep,
                        "expected an absolute path in normal form other than / (no //, . or .. "
                        "parts, no trailing /, no comma), found \"%s\"; a writable root is "
                        "\"writableRootfs\"",
                        s);
            break;
        }
        /* nested paths in one list are a mistake to point out: the outer
         * tmpfs is a copy of the image's subtree and holds the inner one
         * (across rules, which may match different containers, the rootfs
         * pass keeps the outer one) */
        for (size_t j = 0; j < i && r == 0; j++) {
            const char *o = more[j], *in = s;
            if (!streq(o, s) && strncmp(s, o, strlen(o)) != 0)
                o = s, in = more[j];
            size_t l = strlen(o);
            if (streq(o, in))
                r = pv_fail(v, m->kids[i], ep, "%s is listed twice", s);
            else if (strncmp(in, o, l) == 0 && in[l] == '/')
                r = pv_fail(v, m->kids[i], ep,
                            "%s is below %s, also listed: the tmpfs at %s is a copy of the "
                            "image's %s and holds %s, with the owners and modes the image gives "
                            "it; list only %s",
                            in, o, o, o, in, o);
        }
        for (const char *const *k = kernel_trees; *k && r == 0; k++) {
            size_t l = strlen(*k);
            if (strncmp(s, *k, l) == 0 && (s[l] == '\0' || s[l] == '/'))
                r = pv_fail(v, m->kids[i], ep,
                            "%s is the kernel's or the runtime's (%s), not the image's: it cannot "
                            "be a writable path",
                            s, *k);
        }
    }
    if (r == 0)
        strv_extend(&pol->writable_paths, more);
    return r;
}

/* A directory a root filesystem may be at or below: absolute and without
 * "..", which only the host's filesystem can resolve (symlinks); the rootfs
 * pass compares it as written and where its symlinks lead. */
static int pv_rootfs_allowed(const PV *v, const BrigJson *m, const char *p, BrigPolicy *pol)
{
    _cleanup_strv_ char **more = NULL;
    int r = pv_strv(v, m, p, false, &more);
    for (size_t i = 0; r == 0 && more[i]; i++) {
        const char *s = more[i];
        bool dotdot = false;
        for (const char *c = s; *c; c = strchrnul(c, '/'), c += *c == '/')
            dotdot |= c[0] == '.' && c[1] == '.' && (c[2] == '/' || !c[2]);
        if (s[0] != '/' || dotdot) {
            _cleanup_free_ char *ep = xasprintf("%s/%zu", p, i);
            r = pv_fail(v, m->kids[i], ep,
                        "expected an absolute directory without \"..\" parts, found \"%s\"", s);
        }
    }
    if (r == 0)
        strv_extend(&pol->rootfs_allowed, more);
    return r;
}

/* ---- settings: the shape shared by "defaults" and a rule's "allow" ---- */

/* Whether hook pattern `g` (absolute) can match a path under /proc: its
 * first component matches "proc" (a literal, "*", "p?oc", "[p]roc", ...). */
static bool matches_proc(const char *g)
{
    const char *e = strchrnul(g + 1, '/');
    _cleanup_free_ char *first = xstrndup(g + 1, (size_t)(e - g - 1));
    return fnmatch(first, "proc", 0) == 0;
}

int pv_settings(const PV *v, const BrigJson *obj, const char *ptr, BrigPolicy *pol)
{
    /* clang-format off */
    static const char *const keys[] = {
        "user",  "capabilities",   "tmpfsSize", "tmpfsInodes", "pidsLimit", "envSecrets", "seccompProfile",
        "hooks", "hostNamespaces", "hostPathsReadOnly", "sysctls",   "apparmor",   "selinux",
        "specFields", "runtimeFlags", "restore", "hostSockets", "mountTypes", "mountOptions",
        "devices", "mapHostRoot", "oomScoreAdjMin", "rlimits", "writablePaths", "writableRootfs",
        "userNamespace", "hostGroups", "rootfsAllowed",
        NULL,
    };
    /* clang-format on */
    int r = pv_keys(v, obj, ptr, keys);
    if (r < 0)
        return r;
    const BrigJson *m;
    BRIG_JSON_FOREACH (m, obj) {
        _cleanup_free_ char *p = xasprintf("%s/%s", ptr, m->key);
        if (streq(m->key, "user")) {
            static const char *const ukeys[] = {"uid", "gid", NULL};
            r = pv_keys(v, m, p, ukeys);
            const BrigJson *uid = brig_json_get(m, "uid"), *gid = brig_json_get(m, "gid");
            uint64_t u = pol->uid, g = pol->gid;
            if (r == 0 && !uid)
                r = pv_fail(v, m, p, "\"uid\" is required");
            if (r == 0) {
                _cleanup_free_ char *up = xasprintf("%s/uid", p);
                r = pv_uint(v, uid, up, UINT32_MAX - 1, &u);
            }
            if (r == 0 && gid) {
                _cleanup_free_ char *gp = xasprintf("%s/gid", p);
                r = pv_uint(v, gid, gp, UINT32_MAX - 1, &g);
            } else if (r == 0) {
                g = u;
            }
            /* allow_root below keys on either id; gid 0 alone would keep
             * uid 0 as well, which is not what "uid": 1000 says */
            if (r == 0 && g == 0 && u != 0) {
                _cleanup_free_ char *gp = xasprintf("%s/gid", p);
                r = pv_fail(v, gid, gp, "gid 0 needs uid 0 (root is kept only as a whole)");
            }
            pol->uid = (uint32_t)u;
            pol->gid = (uint32_t)g;
            pol->allow_root = u == 0 || g == 0;
        } else if (streq(m->key, "capabilities")) {
            _cleanup_strv_ char **names = NULL;
            r = pv_strv(v, m, p, false, &names);
            for (size_t i = 0; r == 0 && names[i]; i++) {
                /* exact OCI names only: brig_caps_parse_list() would also take
                 * "ALL", "" and lower case, too loose for a grant */
                int n = brig_cap_from_name(names[i]);
                if (n < 0) {
                    _cleanup_free_ char *ep = xasprintf("%s/%zu", p, i);
                    r = pv_fail(v, m->kids[i], ep, "unknown capability \"%s\"", names[i]);
                } else {
                    pol->caps_allowed |= UINT64_C(1) << n;
                }
            }
        } else if (streq(m->key, "tmpfsSize")) {
            r = pv_uint(v, m, p, UINT64_C(1) << 40, &pol->tmpfs_size);
            if (r == 0 && pol->tmpfs_size < 4096)
                r = pv_fail(v, m, p, "must be at least 4096 bytes");
        } else if (streq(m->key, "tmpfsInodes")) {
            /* an engine's /dev holds a few dozen nodes and links; the
             * kernel takes at most ULONG_MAX / 1024 */
            r = pv_uint(v, m, p, UINT64_C(1) << 32, &pol->tmpfs_inodes);
            if (r == 0 && pol->tmpfs_inodes < 64)
                r = pv_fail(v, m, p, "must be at least 64 (an engine's /dev holds a few dozen)");
        } else if (streq(m->key, "pidsLimit")) {
            uint64_t u = (uint64_t)pol->pids_limit;
            r = pv_uint(v, m, p, INT32_MAX, &u);
            if (r == 0 && u == 0)
                r = pv_fail(v, m, p, "must be at least 1 (a pids limit cannot be turned off)");
            pol->pids_limit = (int64_t)u;
        } else if (streq(m->key, "envSecrets")) {
            static const char *const acts[] = {"warn", "strip", "reject", NULL};
            int a = (int)pol->env_secrets;
            r = pv_enum(v, m, p, acts, &a);
            pol->env_secrets = (BrigSecretAction)a;
        } else if (streq(m->key, "seccompProfile")) {
            r = pv_type(v, m, p, BRIG_JSON_STRING);
            if (r == 0 && !streq(m->text, "default") && !streq(m->text, "unconfined") &&
                m->text[0] != '/')
                r = pv_fail(v, m, p,
                            "expected \"default\", \"unconfined\" or an absolute path, found "
                            "\"%s\"",
                            m->text);
            if (r == 0) {
                free(pol->seccomp_profile);
                pol->seccomp_profile = m->text[0] == '/' ? xstrdup(m->text) : NULL;
                pol->seccomp_unconfined = streq(m->text, "unconfined");
            }
        } else if (streq(m->key, "hooks")) {
            static const char *const hkeys[] = {"allowed", NULL};
            r = pv_keys(v, m, p, hkeys);
            const BrigJson *a = brig_json_get(m, "allowed");
            if (r == 0 && a) {
                _cleanup_free_ char *ap = xasprintf("%s/allowed", p);
                _cleanup_strv_ char **more = NULL;
                /* fnmatch(3) patterns on a hook's path, which OCI says is absolute */
                r = pv_strv(v, a, ap, true, &more);
                for (size_t i = 0; r == 0 && more[i]; i++)
                    if (more[i][0] != '/') {
                        _cleanup_free_ char *ep = xasprintf("%s/%zu", ap, i);
                        r = pv_fail(v, a->kids[i], ep, "expected an absolute path, found \"%s\"",
                                    more[i]);
                    } else if (matches_proc(more[i])) {
                        /* /proc/<pid>/exe is any process's executable,
                         * a container's own too, run on the host as root */
                        _cleanup_free_ char *ep = xasprintf("%s/%zu", ap, i);
                        r = pv_fail(v, a->kids[i], ep,
                                    "\"%s\" can match a path under /proc, where a container's own "
                                    "processes are; grant hooks by their files' paths",
                                    more[i]);
                    }
                if (r == 0) {
                    strv_extend(&pol->hooks_allowed, more);
                    pol->hooks_restricted = true;
                }
            }
        } else if (streq(m->key, "hostNamespaces")) {
            r = pv_type(v, m, p, BRIG_JSON_ARRAY);
            for (size_t i = 0; r == 0 && i < m->n; i++) {
                _cleanup_free_ char *ep = xasprintf("%s/%zu", p, i);
                int n;
                r = pv_enum(v, m->kids[i], ep, ns_names, &n);
                if (r == 0)
                    pol->host_namespaces |= 1u << n;
            }
        } else if (streq(m->key, "hostPathsReadOnly") || streq(m->key, "hostSockets")) {
            bool sockets = streq(m->key, "hostSockets");
            _cleanup_strv_ char **more = NULL;
            r = pv_strv(v, m, p, false, &more);
            for (size_t i = 0; r == 0 && more[i]; i++) {
                _cleanup_free_ char *ep = xasprintf("%s/%zu", p, i);
                struct stat st;
                if (more[i][0] != '/')
                    r = pv_fail(v, m->kids[i], ep, "expected an absolute path, found \"%s\"",
                                more[i]);
                /* Followed like the mounts pass follows a grant: what the
                 * path names on this host is what the admin meant. */
                else if (!sockets && stat(more[i], &st) == 0 && S_ISSOCK(st.st_mode))
                    r = pv_fail(v, m->kids[i], ep,
                                "%s is a socket: a read-only bind does not stop connect(), which "
                                "is all a socket is for; grant it under \"hostSockets\" if the "
                                "container may talk to it",
                                more[i]);
                else if (sockets && stat(more[i], &st) == 0 && !S_ISSOCK(st.st_mode))
                    r = pv_fail(v, m->kids[i], ep,
                                "%s is not a socket; a host directory or file is granted under "
                                "\"hostPathsReadOnly\"",
                                more[i]);
            }
            if (r == 0)
                strv_extend(sockets ? &pol->host_sockets : &pol->host_paths_ro, more);
        } else if (streq(m->key, "hostGroups")) {
            _cleanup_strv_ char **more = NULL;
            r = pv_strv(v, m, p, false, &more);
            for (size_t i = 0; r == 0 && more[i]; i++) {
                _cleanup_free_ char *ep = xasprintf("%s/%zu", p, i);
                /* a name as /etc/group spells one, or a gid in plain decimal */
                const char *s = more[i];
                bool digits = s[0] && strspn(s, "0123456789") == strlen(s);
                if (!s[0] || strpbrk(s, ": \t\n,") || (digits && (s[0] == '0' || strlen(s) > 10)))
                    r = pv_fail(v, m->kids[i], ep,
                                "expected a host group's name or its gid in decimal (1 or more), "
                                "found \"%s\"",
                                s);
            }
            if (r == 0)
                strv_extend(&pol->host_groups, more);
        } else if (streq(m->key, "mountTypes") || streq(m->key, "mountOptions")) {
            bool types = streq(m->key, "mountTypes");
            _cleanup_strv_ char **more = NULL;
            r = pv_strv(v, m, p, false, &more);
            for (size_t i = 0; r == 0 && more[i]; i++) {
                _cleanup_free_ char *ep = xasprintf("%s/%zu", p, i);
                /* runc joins options with commas into mount(2)'s data: a
                 * comma would make one grant into several */
                if (!more[i][0] || strpbrk(more[i], types ? ",= \t\n" : ", \t\n"))
                    r = pv_fail(v, m->kids[i], ep, "expected a %s, found \"%s\"",
                                types ? "filesystem type" : "mount option", more[i]);
            }
            if (r == 0)
                strv_extend(types ? &pol->mount_types : &pol->mount_options, more);
        } else if (streq(m->key, "devices")) {
            _cleanup_strv_ char **more = NULL;
            r = pv_strv(v, m, p, false, &more);
            for (size_t i = 0; r == 0 && more[i]; i++) {
                BrigDeviceGrant g;
                if (brig_device_grant_parse(more[i], &g) < 0) {
                    _cleanup_free_ char *ep = xasprintf("%s/%zu", p, i);
                    r = pv_fail(v, m->kids[i], ep,
                                "expected \"TYPE MAJOR:MINOR [ACCESS]\" with TYPE c or b, MINOR a "
                                "number or *, ACCESS letters of rwm (e.g. \"c 10:229 rw\"), found "
                                "\"%s\"",
                                more[i]);
                }
            }
            if (r == 0)
                strv_extend(&pol->devices, more);
        } else if (streq(m->key, "apparmor") || streq(m->key, "selinux")) {
            r = pv_lsm(v, m, p, pol);
        } else if (streq(m->key, "runtimeFlags")) {
            _cleanup_strv_ char **more = NULL;
            r = pv_strv(v, m, p, false, &more);
            for (size_t i = 0; r == 0 && more[i]; i++) {
                int k;
                _cleanup_free_ char *ep = xasprintf("%s/%zu", p, i);
                r = pv_enum(v, m->kids[i], ep, brig_runtime_flag_grants, &k);
            }
            if (r == 0)
                strv_extend(&pol->runtime_flags, more);
        } else if (streq(m->key, "writablePaths")) {
            r = pv_writable_paths(v, m, p, pol);
        } else if (streq(m->key, "rootfsAllowed")) {
            r = pv_rootfs_allowed(v, m, p, pol);
        } else if (streq(m->key, "writableRootfs")) {
            r = pv_type(v, m, p, BRIG_JSON_BOOL);
            if (r == 0)
                pol->writable_rootfs = m->boolean;
        } else if (streq(m->key, "restore")) {
            r = pv_type(v, m, p, BRIG_JSON_BOOL);
            if (r == 0)
                pol->restore = m->boolean;

        } else if (streq(m->key, "userNamespace")) {
            static const char *const modes[] = {"off", "auto", "require", NULL};
            int mode = BRIG_USERNS_OFF;
            r = pv_enum(v, m, p, modes, &mode);
            if (r == 0)
                pol->userns = (BrigUsernsMode)mode;
        } else if (streq(m->key, "mapHostRoot")) {
            r = pv_type(v, m, p, BRIG_JSON_BOOL);
            if (r == 0)
                pol->map_host_root = m->boolean;
        } else if (streq(m->key, "oomScoreAdjMin")) {
            int64_t i;
            /* the kernel's range for oom_score_adj */
            if (m->type != BRIG_JSON_NUMBER || brig_json_to_int64(m, &i) < 0 || i < -1000 ||
                i > 1000) {
                _cleanup_free_ char *d = pv_describe(m);
                r = pv_fail(v, m, p, "expected an integer from -1000 to 1000, found %s", d);
            } else {
                pol->oom_score_adj_min = (int32_t)i;
            }
        } else if (streq(m->key, "rlimits")) {
            r = pv_rlimits(v, m, p, pol);
        } else if (streq(m->key, "sysctls")) {
            _cleanup_strv_ char **more = NULL;
            r = pv_strv(v, m, p, false, &more);
            if (r == 0)
                strv_extend(&pol->sysctls_allowed, more);
        } else if (streq(m->key, "specFields")) {
            _cleanup_strv_ char **more = NULL;
            r = pv_strv(v, m, p, false, &more);
            for (size_t i = 0; r == 0 && more[i]; i++)
                if (more[i][0] != '/') {
                    _cleanup_free_ char *ep = xasprintf("%s/%zu", p, i);
                    r = pv_fail(v, m->kids[i], ep,
                                "expected a JSON pointer such as \"/linux/foo\", found \"%s\"",
                                more[i]);
                }
            if (r == 0)
                strv_extend(&pol->spec_fields, more);
        }
        if (r < 0)
            return r;
    }
    return 0;
}

static bool parse_num(const char **p, int64_t *ret)
{
    const char *s = *p;
    int64_t n = 0;
    if (*s < '0' || *s > '9')
        return false;
    for (; *s >= '0' && *s <= '9'; s++) {
        n = n * 10 + (*s - '0');
        if (n > 0xfffff) /* the kernel's majors and minors are 12 and 20 bits */
            return false;
    }
    *p = s;
    *ret = n;
    return true;
}

int brig_device_grant_parse(const char *s, BrigDeviceGrant *ret)
{
    BrigDeviceGrant g = {0};
    if ((s[0] != 'c' && s[0] != 'b') || s[1] != ' ')
        return -EINVAL;
    g.type = s[0];
    s += 2;
    if (!parse_num(&s, &g.major) || *s++ != ':')
        return -EINVAL;
    if (*s == '*') {
        g.minor = -1;
        s++;
    } else if (!parse_num(&s, &g.minor)) {
        return -EINVAL;
    }
    unsigned bits = 3; /* "rw": mknod is CAP_MKNOD's, which no default keeps */
    if (*s == ' ') {
        s++;
        bits = 0;
        for (; *s; s++) {
            unsigned b = *s == 'r' ? 1u : *s == 'w' ? 2u : *s == 'm' ? 4u : 0u;
            if (!b || (bits & b))
                return -EINVAL;
            bits |= b;
        }
    }
    if (*s || !bits)
        return -EINVAL;
    char *a = g.access;
    if (bits & 1)
        *a++ = 'r';
    if (bits & 2)
        *a++ = 'w';
    if (bits & 4)
        *a++ = 'm';
    *a = '\0';
    *ret = g;
    return 0;
}

void strv_extend(char ***v, char *const *more)
{
    size_t n = 0, k = 0;
    while (*v && (*v)[n])
        n++;
    while (more && more[k])
        k++;
    *v = xrealloc(*v, (n + k + 1) * sizeof(char *));
    for (size_t i = 0; i < k; i++) {
        bool dup = false;
        for (size_t j = 0; j < n && !dup; j++)
            dup = streq((*v)[j], more[i]);
        if (!dup)
            (*v)[n++] = xstrdup(more[i]);
    }
    (*v)[n] = NULL;
}

/* ---- the document ---- */

int brig_policy_parse(const char *buf, size_t len, const char *name, BrigPolicyDoc **ret,
                      BrigError **err)
{
    static const char *const keys[] = {"version",
                                       "mode",
                                       "runtime",
                                       "audit",
                                       "defaults",
                                       "trustedAnnotations",
                                       "trustDockerImageRecord",
                                       "dockerRoot",
                                       "rules",
                                       NULL};
    _cleanup_(brig_json_freep) BrigJson *j = NULL;
    int r = brig_json_parse(buf, len, name, BRIG_JSON_LINES, &j, err);
    if (r < 0)
        return r;
    PV v = {.name = name, .err = err};
    r = pv_keys(&v, j, "", keys);
    if (r < 0)
        return r;

    const BrigJson *ver = brig_json_get(j, "version");
    uint64_t version;
    if (!ver)
        return pv_fail(&v, j, "/version", "missing (this brig reads version %d)",
                       BRIG_POLICY_VERSION);
    r = pv_uint(&v, ver, "/version", 1000, &version);
    if (r < 0)
        return r;
    if (version != BRIG_POLICY_VERSION)
        return pv_fail(&v, ver, "/version", "version %llu is not supported (this brig reads %d)",
                       (unsigned long long)version, BRIG_POLICY_VERSION);

    _cleanup_(brig_policy_doc_freep) BrigPolicyDoc *doc = xcalloc(1, sizeof(*doc));
    BrigPolicy *p = doc->defaults = xcalloc(1, sizeof(BrigPolicy));
    /* The restricted profile's values, before the file's defaults apply. */
    p->mode = BRIG_MODE_ENFORCE;
    p->uid = p->gid = 65534;
    p->tmpfs_size = 64u * 1024 * 1024;
    p->tmpfs_inodes = 65536;
    p->pids_limit = 4096;
    pv_default_limits(p);
    p->env_secrets = BRIG_SECRET_WARN;
    p->apparmor = BRIG_LSM_AUTO;
    p->apparmor_profile = xstrdup("brig-default");
    p->apparmor_keep_engine = true;
    p->selinux = BRIG_LSM_AUTO;
    p->userns = BRIG_USERNS_AUTO;

    const BrigJson *m;
    if ((m = brig_json_get(j, "mode")) && (r = pv_mode(&v, m, "/mode", &p->mode)) < 0)
        return r;
    if ((m = brig_json_get(j, "runtime"))) {
        if ((r = pv_type(&v, m, "/runtime", BRIG_JSON_STRING)) < 0)
            return r;
        if (m->text[0] != '/')
            return pv_fail(&v, m, "/runtime", "expected an absolute path, found \"%s\"", m->text);
        p->runtime = xstrdup(m->text);
    }
    if ((m = brig_json_get(j, "audit"))) {
        static const char *const akeys[] = {"log", "syslog", NULL};
        if ((r = pv_keys(&v, m, "/audit", akeys)) < 0)
            return r;
        const BrigJson *l = brig_json_get(m, "log"), *s = brig_json_get(m, "syslog");
        if (l && (r = pv_type(&v, l, "/audit/log", BRIG_JSON_STRING)) < 0)
            return r;
        if (l && l->text[0] != '/')
            return pv_fail(&v, l, "/audit/log", "expected an absolute path, found \"%s\"", l->text);
        if (s && (r = pv_type(&v, s, "/audit/syslog", BRIG_JSON_BOOL)) < 0)
            return r;
        doc->audit_log = l ? xstrdup(l->text) : NULL;
        doc->audit_syslog = s && s->boolean;
    }
    if ((m = brig_json_get(j, "defaults")) && (r = pv_settings(&v, m, "/defaults", p)) < 0)
        return r;
    doc->trusted_annotations = xcalloc(1, sizeof(char *));
    if ((m = brig_json_get(j, "trustedAnnotations")) &&
        (r = pv_strv(&v, m, "/trustedAnnotations", false, &doc->trusted_annotations)) < 0)
        return r;
    if ((m = brig_json_get(j, "trustDockerImageRecord"))) {
        if ((r = pv_type(&v, m, "/trustDockerImageRecord", BRIG_JSON_BOOL)) < 0)
            return r;
        doc->trust_docker_image_record = m->boolean;
    }
    if ((m = brig_json_get(j, "dockerRoot"))) {
        if ((r = pv_type(&v, m, "/dockerRoot", BRIG_JSON_STRING)) < 0)
            return r;
        if (m->text[0] != '/')
            return pv_fail(&v, m, "/dockerRoot", "expected an absolute path, found \"%s\"",
                           m->text);
        doc->docker_root = xstrdup(m->text);
    }
    if ((m = brig_json_get(j, "rules")) && (r = pv_rules(&v, m, doc)) < 0)
        return r;

    brig_sha256_digest(buf, len, doc->digest);
    memcpy(p->digest, doc->digest, sizeof(p->digest));
    *ret = TAKE_PTR(doc);
    return 0;
}

int brig_policy_builtin(BrigPolicyDoc **ret, BrigError **err)
{
    return brig_policy_parse(brig_policy_default_json, brig_policy_default_json_len,
                             "built-in default policy", ret, err);
}

/* Who may control the policy: in runtime mode only root, since the policy
 * decides what every container may do.  Offline (check, harden, policy
 * validate) the answer concerns only the person asking, so a policy they
 * own themselves (a CI checkout) is fine; one that anyone may rewrite is
 * not.  The message names the actual fault, owner or mode bits. */
static int policy_trusted(const char *path, const struct stat *st, bool offline, BrigError **err)
{
    uid_t me = getuid();
    mode_t mode = st->st_mode & 07777;
    if (st->st_uid != 0 && !offline)
        return brig_error_set(err, EPERM,
                              "policy %s is owned by uid %u, not root; refusing to trust it", path,
                              (unsigned)st->st_uid);
    if (st->st_uid != 0 && st->st_uid != me)
        return brig_error_set(err, EPERM,
                              "policy %s is owned by uid %u, neither root nor you (uid %u); "
                              "refusing to trust it",
                              path, (unsigned)st->st_uid, (unsigned)me);
    if (mode & S_IWOTH || (!offline && mode & S_IWGRP))
        return brig_error_set(err, EPERM,
                              "policy %s is writable by %s (mode %04o); refusing to trust it", path,
                              mode & S_IWOTH ? "everyone" : "its group", (unsigned)mode);
    return 0;
}

static int policy_load(const char *explicit_path, bool offline, BrigPolicyDoc **ret,
                       BrigError **err);

int brig_policy_load(const char *explicit_path, BrigPolicyDoc **ret, BrigError **err)
{
    return policy_load(explicit_path, false, ret, err);
}

int brig_policy_load_offline(const char *explicit_path, BrigPolicyDoc **ret, BrigError **err)
{
    return policy_load(explicit_path, true, ret, err);
}

static int policy_load(const char *explicit_path, bool offline, BrigPolicyDoc **ret,
                       BrigError **err)
{
    const char *path = explicit_path ? explicit_path : BRIG_POLICY_DEFAULT_PATH;
    /* Policies are often symlinks (Kubernetes ConfigMaps are), so the name is
     * followed; what must hold is that only root can change what it points to. */
    _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        /* Only a policy that is not there at all means "use the default": a
         * dangling symlink (a ConfigMap mid-update, a typo in its target)
         * is a policy the admin meant to have, so it fails closed. */
        int e = errno;
        struct stat lst;
        if (e == ENOENT && !explicit_path && lstat(path, &lst) < 0 && errno == ENOENT)
            return brig_policy_builtin(ret, err);
        return brig_error_errno(err, e,
                                "policy %s cannot be opened; refusing to run "
                                "containers without it",
                                path);
    }
    struct stat st;
    if (fstat(fd, &st) < 0)
        return brig_error_errno(err, errno, "policy %s", path);
    if (!S_ISREG(st.st_mode))
        return brig_error_set(err, EINVAL, "policy %s is not a regular file", path);
    int r = policy_trusted(path, &st, offline, err);
    if (r < 0)
        return r;
    if (st.st_size > 4 * 1024 * 1024)
        return brig_error_set(err, EFBIG, "policy %s is over 4 MiB", path);
    _cleanup_free_ char *buf = xmalloc((size_t)st.st_size + 1);
    size_t len = 0;
    for (;;) {
        ssize_t n = read(fd, buf + len, (size_t)st.st_size - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return brig_error_errno(err, errno, "policy %s cannot be read", path);
        if (n == 0 || (len += (size_t)n) == (size_t)st.st_size)
            break;
    }
    BrigPolicyDoc *doc;
    r = brig_policy_parse(buf, len, path, &doc, err);
    if (r < 0)
        return r;
    doc->path = xstrdup(path);
    doc->defaults->path = xstrdup(path);
    *ret = doc;
    return 0;
}
