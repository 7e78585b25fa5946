/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Mounts: no sensitive host path is bound into the container, binds are
 * nosuid,nodev, and no mount propagates back to the host.
 *
 * What counts as a host path: the source of a bind (type "bind", or a "bind"
 * or "rbind" option, as runc and crun decide), the lowerdir/upperdir/workdir
 * of an overlay, and a block device given to any other filesystem.  proc,
 * sysfs, tmpfs, devpts, mqueue and cgroup mounts are fresh kernel instances,
 * not host paths; but proc and sysfs must sit at /proc and /sys, because
 * maskedPaths and readonlyPaths only cover those (a second proc at /p would
 * leave /p/sysrq-trigger writable), and devtmpfs is every host device.
 *
 * Paths are compared lexically ("//", "/./", trailing "/" are folded; /var/run
 * is /run on every FHS 3 system); an absolute path with a ".." is refused, as
 * the kernel resolves ".." after symlinks.  The host's filesystem is never
 * read, so a symlink on the host pointing at /etc is not seen: that is the
 * admin's own host, not something a container can plant.
 *
 * Refused, not fixed: dropping or rewriting a bind changes what the container
 * does (a docker.sock client without its socket is no container at all).
 * The engines keep each container's own resolv.conf, hosts, shm and volumes
 * under their state directories; those per-container subtrees are allowed
 * (engine_files below), the state directories themselves are not. */
#include <stdio.h>

#include "passes.h"

/* Sensitive as such; binding /etc/hosts or /usr/share/zoneinfo is ordinary. */
static const char *const exact[] = {
    "/", "/etc", "/dev", "/boot", "/usr", "/lib", "/lib64", "/bin", "/sbin", "/root",
};

/* Sensitive with everything below: kernel interfaces (any file can
 * reconfigure the host), engine sockets (root on the host to whoever can talk
 * to them), the engines' state (every container's rootfs and config), and
 * the cluster-admin credentials and CA key of control-plane nodes. */
static const char *const subtree[] = {
    "/proc",
    "/sys",
    "/run/docker.sock",
    "/run/docker",
    "/run/containerd",
    "/run/podman",
    "/run/crio",
    "/run/containers",
    "/var/lib/docker",
    "/var/lib/containerd",
    "/var/lib/containers",
    "/var/lib/kubelet",
    "/etc/kubernetes",
};

/* Per-container files the engines bind themselves; "*" is one path component,
 * and the match may continue below.  The id is not checked against the
 * container's: Docker and Podman give a container that joins another's
 * network that container's hosts and resolv.conf. */
static const char *const engine_files[] = {
    "/var/lib/docker/containers/*/*",
    "/var/lib/docker/volumes/*/_data",
    "/var/lib/kubelet/pods/*/*",
    "/var/lib/containerd/io.containerd.grpc.v1.cri/sandboxes/*/*",
    "/run/containerd/io.containerd.grpc.v1.cri/sandboxes/*/*",
    "/var/lib/containers/storage/overlay-containers/*/userdata/*",
    "/run/containers/storage/overlay-containers/*/userdata/*",
    "/var/lib/containers/storage/volumes/*/_data",
};

/* Filesystems the runtime mounts fresh, with the only destination at which
 * the masking passes cover them (NULL: anywhere). */
static const struct {
    const char *type, *dest;
} pseudo_fs[] = {
    {"proc", "/proc"}, {"sysfs", "/sys"}, {"tmpfs", NULL},   {"devpts", NULL},
    {"mqueue", NULL},  {"cgroup", NULL},  {"cgroup2", NULL}, {"shm", NULL},
};

/* Folds "//", "/./", ".." and trailing slashes without touching the
 * filesystem.  Relative paths stay relative; a ".." that climbs above a
 * relative start is kept, so the caller can tell it escapes. */
static char *normalize(const char *path)
{
    bool abs = path[0] == '/';
    size_t len = strlen(path);
    char *out = xmalloc(len + 2), *o = out;
    size_t keep = 0; /* leading ".." components of a relative path, never popped */
    for (const char *p = path; *p;) {
        while (*p == '/')
            p++;
        const char *e = strchrnul(p, '/');
        size_t n = (size_t)(e - p);
        if (n == 0 || (n == 1 && p[0] == '.')) {
            /* nothing */
        } else if (n == 2 && p[0] == '.' && p[1] == '.') {
            if (o - out > (ptrdiff_t)keep) {
                while (o > out && o[-1] != '/')
                    o--;
                if (o > out)
                    o--;
            } else if (!abs) {
                o += sprintf(o, "%s..", o > out ? "/" : "");
                keep = (size_t)(o - out);
            }
        } else {
            if (abs || o > out)
                *o++ = '/';
            memcpy(o, p, n);
            o += n;
        }
        p = e;
    }
    if (o == out && abs)
        *o++ = '/';
    *o = '\0';
    if (streq(out, "/var/run") || startswith(out, "/var/run/"))
        memmove(out, out + 4, strlen(out + 4) + 1);
    return out;
}

static bool has_dotdot(const char *path)
{
    for (const char *p = path; (p = strstr(p, "..")); p += 2)
        if ((p == path || p[-1] == '/') && (p[2] == '\0' || p[2] == '/'))
            return true;
    return false;
}

/* a == b or a is below b; both normalized and absolute. */
static bool path_under(const char *a, const char *b)
{
    size_t n = strlen(b);
    if (streq(b, "/"))
        return true;
    return strncmp(a, b, n) == 0 && (a[n] == '\0' || a[n] == '/');
}

/* Whether path matches the component pattern (and maybe continues below). */
static bool pattern_prefix(const char *path, const char *pattern)
{
    while (*pattern) {
        if (*path != '/' || *pattern != '/')
            return false;
        path++, pattern++;
        size_t pn = strcspn(pattern, "/"), n = strcspn(path, "/");
        if (n == 0 || (!(pn == 1 && pattern[0] == '*') && (pn != n || strncmp(path, pattern, n))))
            return false;
        path += n, pattern += pn;
    }
    return *path == '\0' || *path == '/';
}

/* Returns the sensitive path src is, is below, or contains; NULL if none. */
static const char *sensitive_path(const char *src, bool *ret_contains)
{
    for (size_t i = 0; i < ELEMENTSOF(engine_files); i++)
        if (pattern_prefix(src, engine_files[i]))
            return NULL;
    *ret_contains = false;
    for (size_t i = 0; i < ELEMENTSOF(exact); i++)
        if (streq(src, exact[i]))
            return exact[i];
    for (size_t i = 0; i < ELEMENTSOF(subtree); i++)
        if (path_under(src, subtree[i]))
            return subtree[i];
    *ret_contains = true;
    for (size_t i = 0; i < ELEMENTSOF(subtree); i++)
        if (path_under(subtree[i], src))
            return subtree[i];
    return NULL;
}

static bool granted_ro(const BrigPolicy *pol, const char *src)
{
    for (char **p = pol->host_paths_ro; p && *p; p++) {
        _cleanup_free_ char *g = normalize(*p);
        if (g[0] == '/' && path_under(src, g))
            return true;
    }
    return false;
}

/* The last of two opposite flags wins, as in mount(8) and runc. */
static bool flag_set(const BrigJson *opts, const char *on, const char *off)
{
    bool set = false;
    const BrigJson *o;
    BRIG_JSON_FOREACH (o, opts) {
        if (streq(o->text, on))
            set = true;
        else if (streq(o->text, off))
            set = false;
    }
    return set;
}

/* Makes `on` effective: drops every `off` and appends `on` unless present. */
static bool force_flag(BrigJson *opts, const char *on, const char *off)
{
    if (flag_set(opts, on, off))
        return false;
    for (size_t i = opts->n; i > 0; i--)
        if (streq(opts->kids[i - 1]->text, off))
            brig_json_delete_at(opts, i - 1);
    if (!brig_json_array_has_string(opts, on))
        brig_json_append(opts, brig_json_new_string(on));
    return true;
}

static void add_reason(char **r, const char *what)
{
    char *n = xasprintf("%s%s%s", *r ? *r : "", *r ? "; " : "", what);
    free(*r);
    *r = n;
}

static int check_mount(const BrigJson *m, size_t i, BrigError **err)
{
    static const char *const strs[] = {"destination", "source", "type"};
    PassPtr pb;
    const char *p = pass_ptr_index(&pb, "/mounts", i);
    if (m->type != BRIG_JSON_OBJECT)
        return brig_error_set(err, EINVAL, "%s: expected an object, found %s", p,
                              brig_json_type_name(m->type));
    for (size_t k = 0; k < ELEMENTSOF(strs); k++) {
        int r = pass_check_type(m, strs[k], BRIG_JSON_STRING, p, err);
        if (r < 0)
            return r;
    }
    int r = pass_check_type(m, "options", BRIG_JSON_ARRAY, p, err);
    if (r < 0)
        return r;
    const BrigJson *o, *opts = brig_json_get(m, "options");
    size_t k = 0;
    BRIG_JSON_FOREACH (o, opts) {
        if (o->type != BRIG_JSON_STRING) {
            _cleanup_free_ char *d = pass_describe(o);
            return brig_error_set(err, EINVAL, "%s/options/%zu: expected a string, found %s", p, k,
                                  d);
        }
        k++;
    }
    return 0;
}

/* Checks one host path; records a refusal and returns true if it is sensitive
 * and not granted.  *ret_need_ro is set when a policy grant requires "ro". */
static bool refuse_host_path(const BrigCtx *ctx, const char *raw, const char *what,
                             const char *dest, const char *ptr, const BrigJson *val,
                             BrigReport *rep, bool *ret_need_ro)
{
    _cleanup_free_ char *src = normalize(raw);
    if (raw[0] == '/' && has_dotdot(raw)) {
        /* The runtime hands an absolute source to mount(2) as it is, and the
         * kernel resolves ".." after following symlinks: /var/lock/../x is
         * /run/x on hosts where /var/lock links to /run/lock.  Only the
         * host's filesystem could tell, so such a path is not accepted. */
        brig_report_refuse(rep, ptr, val,
                           "%s %s has a \"..\" component, which only the host's filesystem can "
                           "resolve (symlinks); %s does not allow mounting it at %s",
                           what, raw, brig_policy_source(ctx->policy), dest);
        return true;
    }
    if (src[0] != '/') {
        /* Relative to the bundle, which runtimes join and clean lexically:
         * harmless unless it climbs out of it. */
        if (!streq(src, "..") && !startswith(src, "../"))
            return false;
        if (!ctx->bundle || ctx->bundle[0] != '/') {
            brig_report_refuse(rep, ptr, val,
                               "%s %s climbs out of the bundle and the bundle directory is not "
                               "known, so the host path cannot be checked (%s)",
                               what, raw, brig_policy_source(ctx->policy));
            return true;
        }
        _cleanup_free_ char *j = xasprintf("%s/%s", ctx->bundle, src);
        free(src);
        src = normalize(j);
    }
    if (granted_ro(ctx->policy, src)) {
        *ret_need_ro = true;
        return false;
    }
    bool contains = false;
    const char *s = sensitive_path(src, &contains);
    if (!s)
        return false;
    const char *rel = contains ? "contains" : streq(src, s) ? "is" : "is below";
    brig_report_refuse(rep, ptr, val,
                       "%s %s %s the sensitive host path %s; %s does not allow mounting it at %s",
                       what, src, rel, s, brig_policy_source(ctx->policy), dest);
    return true;
}

static void check_overlay(const BrigCtx *ctx, const BrigJson *opts, const char *p, const char *dest,
                          BrigReport *rep, bool *need_ro)
{
    static const char *const keys[] = {"lowerdir=", "upperdir=", "workdir="};
    const BrigJson *o;
    size_t k = 0;
    BRIG_JSON_FOREACH (o, opts) {
        for (size_t j = 0; j < ELEMENTSOF(keys); j++) {
            if (!startswith(o->text, keys[j]))
                continue;
            _cleanup_free_ char *list = xstrdup(o->text + strlen(keys[j]));
            PassPtr ob, ib;
            const char *op = pass_ptr_index(&ib, pass_ptr(&ob, p, "options"), k);
            char *save = NULL;
            for (char *d = strtok_r(list, ":", &save); d; d = strtok_r(NULL, ":", &save))
                if (refuse_host_path(ctx, d, "overlay directory", dest, op, o, rep, need_ro))
                    break;
        }
        k++;
    }
}

static void fix_mount(const BrigCtx *ctx, BrigJson *m, size_t i, BrigReport *rep)
{
    PassPtr pb, sb;
    const char *p = pass_ptr_index(&pb, "/mounts", i);
    const char *type = brig_json_str(brig_json_get(m, "type"));
    const char *src = brig_json_str(brig_json_get(m, "source"));
    const char *dest = brig_json_str(brig_json_get(m, "destination"));
    BrigJson *opts = brig_json_get(m, "options");
    bool bind = streq(type, "bind") || brig_json_array_has_string(opts, "bind") ||
                brig_json_array_has_string(opts, "rbind");
    bool need_ro = false;
    if (!dest)
        dest = "?";

    if (bind && src) {
        const char *sp = pass_ptr(&sb, p, "source");
        refuse_host_path(ctx, src, "bind source", dest, sp, brig_json_get(m, "source"), rep,
                         &need_ro);
    } else if (streq(type, "overlay")) {
        check_overlay(ctx, opts, p, dest, rep, &need_ro);
    } else if (streq(type, "devtmpfs")) {
        const char *tp = pass_ptr(&sb, p, "type");
        brig_report_refuse(rep, tp, brig_json_get(m, "type"),
                           "devtmpfs at %s would expose every host device; %s does not allow it",
                           dest, brig_policy_source(ctx->policy));
    } else if (type) {
        bool pseudo = false;
        for (size_t k = 0; k < ELEMENTSOF(pseudo_fs); k++) {
            if (!streq(type, pseudo_fs[k].type))
                continue;
            pseudo = true;
            _cleanup_free_ char *nd = normalize(dest);
            const char *dp = pass_ptr(&sb, p, "destination");
            if (pseudo_fs[k].dest && !streq(nd, pseudo_fs[k].dest))
                brig_report_refuse(rep, dp, brig_json_get(m, "destination"),
                                   "a %s mount at %s instead of %s escapes maskedPaths and "
                                   "readonlyPaths; %s does not allow it",
                                   type, dest, pseudo_fs[k].dest, brig_policy_source(ctx->policy));
        }
        const char *sp = pass_ptr(&sb, p, "source");
        if (!pseudo && startswith(src, "/dev/"))
            brig_report_refuse(rep, sp, brig_json_get(m, "source"),
                               "mounts the host block device %s (type %s) at %s; %s does not "
                               "allow it",
                               src, type, dest, brig_policy_source(ctx->policy));
    }

    /* Option fixes, recorded as one change of the options array. */
    _cleanup_(brig_json_freep) BrigJson *nopts =
        opts ? brig_json_copy(opts) : brig_json_new(BRIG_JSON_ARRAY);
    _cleanup_free_ char *why = NULL;
    for (size_t k = 0; k < nopts->n; k++) {
        const char *o = nopts->kids[k]->text;
        if (!streq(o, "shared") && !streq(o, "rshared"))
            continue;
        /* Shared propagation would let mounts made inside show up on the
         * host; slave (host to container only) is kept. */
        bool rec = o[0] == 'r';
        _cleanup_free_ char *w =
            xasprintf("%s propagation replaced by %s: mounts made in the "
                      "container must not reach the host",
                      rec ? "rshared" : "shared", rec ? "rprivate" : "private");
        brig_json_free(nopts->kids[k]);
        nopts->kids[k] = brig_json_new_string(rec ? "rprivate" : "private");
        add_reason(&why, w);
    }
    if (need_ro && force_flag(nopts, "ro", "rw")) {
        _cleanup_free_ char *w =
            xasprintf("%s lets %s be bound read-only only", brig_policy_source(ctx->policy), src);
        add_reason(&why, w);
    }
    /* Docker and Kubernetes mount sysfs read-only; only --privileged asks for
     * a writable one, and nothing in a least-privilege container writes it. */
    if (streq(type, "sysfs") && force_flag(nopts, "ro", "rw"))
        add_reason(&why, "sysfs is read-only: writing it reconfigures the host's kernel");
    if (bind) {
        _cleanup_free_ char *nd = normalize(dest);
        if (force_flag(nopts, "nosuid", "suid"))
            add_reason(&why, "nosuid: set-uid binaries from the host must not gain privileges");
        /* A bind at /dev or below is usually a device node (/dev/fuse,
         * /dev/kvm) that is useless with nodev; the device cgroup, which the
         * devices pass narrows, still decides what can be opened. */
        if (!path_under(nd, "/dev") && force_flag(nopts, "nodev", "dev"))
            add_reason(&why, "nodev: device nodes on a host filesystem must not be usable");
    }
    if (!why)
        return;
    const char *op = pass_ptr(&sb, p, "options");
    brig_report_fix(rep, op, opts, nopts, "%s (%s)", why, brig_policy_source(ctx->policy));
    brig_json_set(m, "options", TAKE_PTR(nopts));
}

int pass_mounts(const BrigCtx *ctx, BrigJson *spec, BrigReport *rep, BrigError **err)
{
    int r = pass_check_type(spec, "mounts", BRIG_JSON_ARRAY, "", err);
    if (r < 0)
        return r;
    r = pass_check_type(spec, "linux", BRIG_JSON_OBJECT, "", err);
    if (r < 0)
        return r;
    BrigJson *mounts = brig_json_get(spec, "mounts");
    BrigJson *m;
    size_t i = 0;
    BRIG_JSON_FOREACH (m, mounts) {
        r = check_mount(m, i++, err);
        if (r < 0)
            return r;
    }
    BrigJson *linux_ = brig_json_get(spec, "linux");
    r = pass_check_type(linux_, "rootfsPropagation", BRIG_JSON_STRING, "/linux", err);
    if (r < 0)
        return r;

    i = 0;
    BRIG_JSON_FOREACH (m, mounts)
        fix_mount(ctx, m, i++, rep);

    BrigJson *prop = brig_json_get(linux_, "rootfsPropagation");
    if (streq(brig_json_str(prop), "shared") || streq(brig_json_str(prop), "rshared")) {
        BrigJson *nv = brig_json_new_string("rprivate");
        brig_report_fix(rep, "/linux/rootfsPropagation", prop, nv,
                        "shared root propagation would let mounts made in the container reach "
                        "the host (%s)",
                        brig_policy_source(ctx->policy));
        brig_json_set(linux_, "rootfsPropagation", nv);
    }
    return 0;
}
