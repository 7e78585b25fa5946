/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Mounts: an allow-list of filesystem types and of options per type; no
 * sensitive host path bound in (mount_paths.c judges every host path a
 * mount reads); binds are nosuid,nodev; no mount propagates to the host.
 *
 * A mount is a bind when its type is "bind" or it has a "bind" or "rbind"
 * option (runc decides by the option and ignores the type; crun also takes
 * the type).  A bind's type must be "bind", "none" or absent.  Fresh kernel
 * instances: proc, sysfs, tmpfs, devpts, mqueue, cgroup and cgroup2, the
 * types Docker, Podman, containerd's CRI, `runc spec` and `crun spec`
 * write.  Any other type (ext4, overlay, nfs, binfmt_misc, debugfs,
 * tracefs, securityfs, devtmpfs, ...) is refused unless the policy's
 * "mountTypes" grants it; a granted type's absolute source is judged as a
 * host path (a block device then needs a "devices" grant), and a granted
 * overlay has every directory option judged as a bind source would be, or
 * it is refused.  proc and sysfs must sit at /proc and /sys, because
 * maskedPaths and readonlyPaths only cover those.
 *
 * Options: each type has its allow-list (below); anything else, and any
 * option holding a comma (runc joins options with commas into mount(2)'s
 * data, so one such option is several), is refused unless "mountOptions"
 * grants it.  Shared propagation becomes private; sysfs becomes read-only.
 *
 * Refused, not fixed: dropping or rewriting a bind changes what the
 * container does (a docker.sock client without its socket is no container
 * at all). */
#include <stdio.h>

#include "mounts.h"

/* How, not what, is mounted: flags runc and crun both read.  Left out, so
 * refused unless granted: "rrw", "rsuid", "rdev" (they clear, below the
 * mount, the ro/nosuid/nodev brig sets on it), "remount", "mand",
 * "idmap"/"ridmap" (the user-namespace pass's business), crun's
 * "copy-symlink". */
static const char *const common_opts[] = {
    "ro",          "rw",          "nosuid",       "suid",          "nodev",
    "dev",         "noexec",      "exec",         "atime",         "noatime",
    "relatime",    "norelatime",  "strictatime",  "nostrictatime", "diratime",
    "nodiratime",  "lazytime",    "nolazytime",   "sync",          "async",
    "dirsync",     "silent",      "loud",         "defaults",      "nosymfollow",
    "symfollow",   "private",     "rprivate",     "slave",         "rslave",
    "unbindable",  "runbindable", "shared",       "rshared",       "rro",
    "rnosuid",     "rnodev",      "rnoexec",      "rexec",         "rnoatime",
    "ratime",      "rrelatime",   "rnorelatime",  "rstrictatime",  "rnostrictatime",
    "rnodiratime", "rdiratime",   "rnosymfollow", "rsymfollow",    NULL,
};

typedef enum {
    T_BIND,
    T_PROC,
    T_SYSFS,
    T_TMPFS,
    T_DEVPTS,
    T_MQUEUE,
    T_CGROUP,
    T_CGROUP2,
    T_OVERLAY, /* granted */
    T_OTHER,   /* granted */
} MountKind;

/* Per type, beyond common_opts; "key=" takes any value. */
static const struct {
    const char *type;
    MountKind kind;
    const char *dest; /* the only destination the masking passes cover, or NULL */
    const char *const *opts;
} known[] = {
    {"proc", T_PROC, "/proc", (const char *const[]){"hidepid=", "subset=", "gid=", NULL}},
    {"sysfs", T_SYSFS, "/sys", (const char *const[]){NULL}},
    {"tmpfs", T_TMPFS, NULL,
     (const char *const[]){"size=", "mode=", "uid=", "gid=", "nr_inodes=", "nr_blocks=", "inode64",
                           "inode32", "huge=", "tmpcopyup", NULL}},
    {"devpts", T_DEVPTS, NULL,
     (const char *const[]){"newinstance", "ptmxmode=", "mode=", "gid=", "uid=", "max=", NULL}},
    {"mqueue", T_MQUEUE, NULL, (const char *const[]){NULL}},
    {"cgroup", T_CGROUP, NULL, (const char *const[]){NULL}},
    {"cgroup2", T_CGROUP2, NULL, (const char *const[]){"nsdelegate", "memory_recursiveprot", NULL}},
};

static const char *const bind_opts[] = {"bind", "rbind", NULL};

/* Directory options are judged one by one; the rest only say how. */
static const char *const overlay_opts[] = {
    "lowerdir=",
    "upperdir=",
    "workdir=",
    "lowerdir+=",
    "datadir+=",
    "userxattr",
    "volatile",
    "index=off",
    "metacopy=off",
    "redirect_dir=off",
    "redirect_dir=nofollow",
    "xino=off",
    "xino=auto",
    "xino=on",
    "uuid=off",
    "uuid=null",
    NULL,
};

size_t mount_options_length(const BrigJson *opts)
{
    size_t n = 0;
    const BrigJson *o;
    BRIG_JSON_FOREACH (o, opts)
        n += strlen(brig_json_str(o) ? brig_json_str(o) : "") + 1;
    return n ? n - 1 : 0;
}

static bool opt_in(const char *const *list, const char *o)
{
    for (; list && *list; list++) {
        size_t n = strlen(*list);
        if ((*list)[n - 1] == '=' ? strncmp(o, *list, n) == 0 : streq(o, *list))
            return true;
    }
    return false;
}

static bool opt_granted(const BrigPolicy *pol, const char *o)
{
    return opt_in((const char *const *)pol->mount_options, o);
}

static bool type_granted(const BrigPolicy *pol, const char *type)
{
    for (char **t = pol->mount_types; t && *t; t++)
        if (streq(*t, type))
            return true;
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

static int keep_other_option(BrigJson *o, size_t idx, void *off)
{
    (void)idx;
    return !streq(o->text, off);
}

/* Makes `on` effective: drops every `off` (in one pass: an options array
 * may repeat it many times) and appends `on` unless present. */
static bool force_flag(BrigJson *opts, const char *on, const char *off)
{
    if (flag_set(opts, on, off))
        return false;
    brig_json_filter(opts, keep_other_option, (void *)off);
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

/* Judges every directory of an overlay option.  lowerdir= is a list split
 * at ':' where "\:" is a colon and "\\" a backslash, as overlayfs reads
 * it; a backslash anywhere else (upperdir=, workdir=, the "+=" forms, which
 * name one directory each) is read differently by kernel versions, so it is
 * refused, as is a ':' in a one-directory form. */
static PathVerdict overlay_option(MountHost *h, const char *o, const char *dest, const char *op,
                                  const BrigJson *val, BrigReport *rep)
{
    static const char *const dirs[] = {
        "lowerdir=", "upperdir=", "workdir=", "lowerdir+=", "datadir+="};
    const char *key = NULL;
    for (size_t j = 0; j < ELEMENTSOF(dirs) && !key; j++)
        if (startswith(o, dirs[j]))
            key = dirs[j];
    if (!key)
        return PATH_OK;
    const char *v = o + strlen(key);
    bool list = streq(key, "lowerdir=");
    if ((!list && strpbrk(v, "\\:")) || !*v) {
        brig_report_refuse(rep, op, val,
                           "overlay option \"%s\" names no single directory brig can judge (an "
                           "escape or a ':' in a one-directory option, or nothing); %s does not "
                           "allow it",
                           o, brig_policy_source(mount_host_ctx(h)->policy));
        return PATH_REFUSED;
    }
    _cleanup_free_ char *buf = xmalloc(strlen(v) + 1);
    PathVerdict worst = PATH_OK;
    for (const char *p = v;;) {
        char *b = buf;
        for (; *p && *p != ':'; p++) {
            if (*p == '\\' && p[1])
                p++;
            *b++ = *p;
        }
        *b = '\0';
        /* "::" separates data-only layers: an empty entry names nothing */
        if (*buf) {
            PathVerdict pv = mount_judge_host_path(h, buf, "overlay directory", dest, op, val, rep);
            if (pv == PATH_REFUSED)
                return pv;
            if (pv == PATH_READ_ONLY)
                worst = pv;
        }
        if (!*p++)
            break;
    }
    return worst;
}

static void refuse_option(const BrigCtx *ctx, const char *type, const char *o, const char *op,
                          const BrigJson *val, BrigReport *rep)
{
    if (strchr(o, ','))
        brig_report_refuse(rep, op, val,
                           "mount option \"%s\" holds a comma: runc joins options with commas, "
                           "so it would be read as several; %s does not allow it",
                           o, brig_policy_source(ctx->policy));
    else
        brig_report_refuse(rep, op, val,
                           "mount option \"%s\" is not one brig allows for type %s; %s does not "
                           "grant it (policy \"mountOptions\": [\"%.*s\"])",
                           o, type, brig_policy_source(ctx->policy),
                           strchr(o, '=') ? (int)(strchr(o, '=') - o + 1) : (int)strlen(o), o);
}

/* Judges the type and returns its kind; records a refusal and returns -1
 * for a type that is not allowed. */
static int mount_kind(const BrigCtx *ctx, const char *type, bool bind, const char *p,
                      const BrigJson *m, const char *dest, BrigReport *rep, size_t *ret_known)
{
    PassPtr pb;
    const char *tp = pass_ptr(&pb, p, "type");
    const BrigJson *tv = brig_json_get(m, "type");
    const char *pol = brig_policy_source(ctx->policy);
    if (bind) {
        if (!type || !*type || streq(type, "bind") || streq(type, "none") ||
            type_granted(ctx->policy, type))
            return T_BIND;
        brig_report_refuse(rep, tp, tv,
                           "a bind mount at %s of type \"%s\": runc ignores the type of a bind, "
                           "crun hands it to mount(2); only \"bind\" and \"none\" are allowed "
                           "unless %s grants the type (policy \"mountTypes\")",
                           dest, type, pol);
        return -1;
    }
    if (!type || !*type) {
        brig_report_refuse(rep, p, m,
                           "the mount at %s has no type and no bind option; %s does not allow it",
                           dest, pol);
        return -1;
    }
    for (size_t k = 0; k < ELEMENTSOF(known); k++)
        if (streq(type, known[k].type)) {
            *ret_known = k;
            return (int)known[k].kind;
        }
    if (!type_granted(ctx->policy, type)) {
        const char *why = streq(type, "devtmpfs")      ? ": it holds every host device"
                          : streq(type, "binfmt_misc") ? ": its handlers run for the whole host"
                          : streq(type, "overlay")     ? ": its directories are host paths"
                                                       : "";
        brig_report_refuse(rep, tp, tv,
                           "filesystem type \"%s\" (at %s) is not one brig allows%s; %s does not "
                           "grant it (policy \"mountTypes\": [\"%s\"])",
                           type, dest, why, pol, type);
        return -1;
    }
    return streq(type, "overlay") ? T_OVERLAY : T_OTHER;
}

/* Judges types, options and host paths of one mount; returns whether its
 * host paths must be read-only. */
static bool judge_mount(MountHost *h, const BrigJson *m, size_t i, bool *ret_bind, BrigReport *rep)
{
    const BrigCtx *ctx = mount_host_ctx(h);
    PassPtr pb, sb, ob, ib;
    const char *p = pass_ptr_index(&pb, "/mounts", i);
    const char *type = brig_json_str(brig_json_get(m, "type"));
    const char *src = brig_json_str(brig_json_get(m, "source"));
    const char *dest = brig_json_str(brig_json_get(m, "destination"));
    const BrigJson *opts = brig_json_get(m, "options");
    bool bind = streq(type, "bind") || brig_json_array_has_string(opts, "bind") ||
                brig_json_array_has_string(opts, "rbind");
    *ret_bind = bind;
    if (!dest)
        dest = "?";
    size_t k = 0;
    int kind = mount_kind(ctx, type, bind, p, m, dest, rep, &k);
    if (kind < 0)
        return false;

    bool ro = false;
    const char *const *extra = kind == T_BIND      ? bind_opts
                               : kind == T_OVERLAY ? overlay_opts
                               : kind == T_OTHER   ? NULL
                                                   : known[k].opts;
    const BrigJson *o;
    size_t n = 0;
    BRIG_JSON_FOREACH (o, opts) {
        const char *op = pass_ptr_index(&ib, pass_ptr(&ob, p, "options"), n++);
        bool ok =
            !strchr(o->text, ',') && (opt_in(common_opts, o->text) || opt_in(extra, o->text) ||
                                      opt_granted(ctx->policy, o->text));
        if (!ok) {
            refuse_option(ctx, kind == T_BIND ? "bind" : type, o->text, op, o, rep);
            continue;
        }
        if (kind == T_OVERLAY) {
            PathVerdict v = overlay_option(h, o->text, dest, op, o, rep);
            ro |= v == PATH_READ_ONLY;
        }
    }

    /* what the kernel would not read is not judged: a path cut at the page
     * (an overlay's lowerdir) is another path, an option past it (proc's
     * hidepid=) is none.  A bind's options are flags, not data; a tmpfs's
     * are judged with its bounds (mount_tmpfs.c). */
    size_t len = mount_options_length(opts);
    if (kind != T_BIND && kind != T_TMPFS && len > MOUNT_DATA_MAX)
        brig_report_refuse(rep, pass_ptr(&ob, p, "options"), opts,
                           "the options of the %s mount at %s take %zu bytes: the kernel reads "
                           "only the first 4095 bytes of a mount's options and drops the rest "
                           "unread; %s allows at most %d",
                           type, dest, len, brig_policy_source(ctx->policy), MOUNT_DATA_MAX);

    const char *sp = pass_ptr(&sb, p, "source");
    const BrigJson *sv = brig_json_get(m, "source");
    if (kind == T_BIND) {
        if (!src) {
            brig_report_refuse(rep, p, m,
                               "the bind mount at %s has no source; %s does not allow it", dest,
                               brig_policy_source(ctx->policy));
            return false;
        }
        ro |= mount_judge_host_path(h, src, "bind source", dest, sp, sv, rep) == PATH_READ_ONLY;
    } else if (kind == T_OTHER && src &&
               (src[0] == '/' || src[0] == '.' || (strchr(src, '/') && !strchr(src, ':')))) {
        /* a granted filesystem reads its source: a block device, an image
         * (relative, mount(2) would resolve it in the bundle: refused);
         * "server:/export" and the like are not host paths */
        ro |= mount_judge_host_path(h, src, "mount source", dest, sp, sv, rep) == PATH_READ_ONLY;
    } else if (kind != T_OVERLAY && kind != T_OTHER && known[k].dest) {
        _cleanup_free_ char *nd = pass_normalize_path(dest);
        if (!streq(nd, known[k].dest))
            brig_report_refuse(rep, pass_ptr(&sb, p, "destination"),
                               brig_json_get(m, "destination"),
                               "a %s mount at %s instead of %s escapes maskedPaths and "
                               "readonlyPaths; %s does not allow it",
                               type, dest, known[k].dest, brig_policy_source(ctx->policy));
    }
    return ro;
}

static void fix_mount(MountHost *h, BrigJson *m, size_t i, BrigReport *rep)
{
    const BrigCtx *ctx = mount_host_ctx(h);
    PassPtr pb, sb;
    const char *p = pass_ptr_index(&pb, "/mounts", i);
    const char *type = brig_json_str(brig_json_get(m, "type"));
    const char *src = brig_json_str(brig_json_get(m, "source"));
    const char *dest = brig_json_str(brig_json_get(m, "destination"));
    BrigJson *opts = brig_json_get(m, "options");
    bool bind = false;
    bool need_ro = judge_mount(h, m, i, &bind, rep);

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
        _cleanup_free_ char *w = xasprintf("%s lets %s be mounted read-only only",
                                           brig_policy_source(ctx->policy), src ? src : "it");
        add_reason(&why, w);
    }
    /* Docker and Kubernetes mount sysfs read-only; only --privileged asks for
     * a writable one, and nothing in a least-privilege container writes it. */
    if (streq(type, "sysfs") && !bind && force_flag(nopts, "ro", "rw"))
        add_reason(&why, "sysfs is read-only: writing it reconfigures the host's kernel");
    if (bind) {
        _cleanup_free_ char *nd = pass_normalize_path(dest ? dest : "");
        if (force_flag(nopts, "nosuid", "suid"))
            add_reason(&why, "nosuid: set-uid binaries from the host must not gain privileges");
        /* A bind at /dev or below is usually a granted device node (/dev/fuse)
         * that is useless with nodev; the device cgroup, which the devices
         * pass narrows, still decides what can be opened. */
        if (!mount_path_under(nd, "/dev") && force_flag(nopts, "nodev", "dev"))
            add_reason(&why, "nodev: device nodes on a host filesystem must not be usable");
    }
    if (!why)
        return;
    const char *op = pass_ptr(&sb, p, "options");
    brig_report_fix(rep, op, opts, nopts, "%s (%s)", why, brig_policy_source(ctx->policy));
    brig_json_set(m, "options", TAKE_PTR(nopts));
}

/* Engine tmpfs mounts (docker run --tmpfs, Podman's, a Kubernetes emptyDir
 * with medium Memory) name no owner, so they belong to root, and runc 1.1
 * gives a tmpfs over an existing image directory that directory's mode
 * (0755 and root's for /var/lib/nginx).  Once the user pass has made the
 * process non-root, the user's own fix for a read-only image directory
 * (--tmpfs /var/lib/nginx) would still not be writable: such a tmpfs is
 * given to the process's uid and gid.  One that names an owner (uid= or
 * gid=) is the engine's choice and kept; brig's own scratch tmpfs (the
 * rootfs pass) already name one.  Inside a user namespace the ids are the
 * container's, as the runtime mounts with them; unmapped ones (the user
 * pass not run) are left alone, as the kernel would refuse them.  /dev and
 * below are not scratch space: /dev is the engines' tmpfs of device nodes
 * (mode 755), which the container's user must not be able to rearrange. */
static void own_engine_tmpfs(const BrigCtx *ctx, const BrigJson *spec, BrigJson *m, size_t i,
                             BrigReport *rep)
{
    uint64_t uid = 0, gid = 0;
    const char *d = brig_json_str(brig_json_get(m, "destination"));
    if (!d)
        return;
    _cleanup_free_ char *dest = pass_normalize_path(d);
    if (!streq(brig_json_str(brig_json_get(m, "type")), "tmpfs") ||
        mount_path_under(dest, "/dev") ||
        brig_json_to_uint64(brig_json_get_path(spec, "process/user/uid"), &uid) < 0 || uid == 0 ||
        uid > UINT32_MAX)
        return;
    if (brig_json_to_uint64(brig_json_get_path(spec, "process/user/gid"), &gid) < 0 ||
        gid > UINT32_MAX)
        gid = 0;
    BrigJson *opts = brig_json_get(m, "options");
    const BrigJson *o;
    BRIG_JSON_FOREACH (o, opts) {
        const char *t = brig_json_str(o);
        if (t && (streq(t, "bind") || streq(t, "rbind") || startswith(t, "uid=") ||
                  startswith(t, "gid=")))
            return;
    }
    _cleanup_(brig_userns_clear) BrigUserns ns = {0};
    uint32_t host;
    if (brig_userns_read(spec, &ns, NULL) < 0 ||
        (ns.enabled && ns.has_uids && ns.has_gids &&
         (!brig_idmap_to_host(&ns.uids, (uint32_t)uid, &host) ||
          !brig_idmap_to_host(&ns.gids, (uint32_t)gid, &host))))
        return;
    _cleanup_(brig_json_freep) BrigJson *nopts =
        opts ? brig_json_copy(opts) : brig_json_new(BRIG_JSON_ARRAY);
    _cleanup_free_ char *u = xasprintf("uid=%" PRIu64, uid), *g = xasprintf("gid=%" PRIu64, gid);
    brig_json_append(nopts, brig_json_new_string(u));
    brig_json_append(nopts, brig_json_new_string(g));
    PassPtr pb, ob;
    const char *op = pass_ptr(&ob, pass_ptr_index(&pb, "/mounts", i), "options");
    brig_report_fix(rep, op, opts, nopts,
                    "the tmpfs at %s is owned by the container's user (%" PRIu64 ":%" PRIu64
                    "), who could not write it otherwise (%s)",
                    dest, uid, gid, brig_policy_source(ctx->policy));
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

    _cleanup_(mount_host_freep) MountHost *h = mount_host_new(ctx, spec);
    i = 0;
    BRIG_JSON_FOREACH (m, mounts)
        fix_mount(h, m, i++, rep);
    i = 0;
    BRIG_JSON_FOREACH (m, mounts)
        own_engine_tmpfs(ctx, spec, m, i++, rep);
    i = 0;
    BRIG_JSON_FOREACH (m, mounts)
        mount_bound_tmpfs(ctx, spec, m, i++, rep);

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
