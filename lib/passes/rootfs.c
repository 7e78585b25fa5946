/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Root filesystem: read-only, so nothing the container runs can persist or
 * plant binaries; tmpfs at the conventional scratch directories keeps
 * ordinary programs working.  The tmpfs are nosuid,nodev, size-limited, and
 * world-writable with the sticky bit (mode=1777) for crun, and owned by the
 * container's user (uid=, gid=, read after the user pass ran) because runc
 * 1.1 chmods a tmpfs back to the mode of the directory it covers (0755 for
 * /run in most images), which mode=1777 alone would not survive.  Inside a
 * user namespace the ids are the container's, which is what the runtime
 * mounts with, and the kernel refuses a tmpfs owner the namespace does not
 * map: the user pass, which runs first, leaves the process mapped ids or
 * refuses the config; an owner that is still unmapped (this pass run alone)
 * is left out, and the tmpfs belongs to the container's root. */
#include <stdio.h>

#include "mounts.h"
#include "rootfs_path.h"

static const char *const scratch_dirs[] = {"/tmp", "/var/tmp", "/run"};

/* Destinations compare as the runtime resolves them inside the rootfs:
 * "tmp/", "/var//tmp", "/run/../tmp" are /tmp, /var/tmp, /tmp. */
static bool same_path(const char *dest, const char *dir)
{
    _cleanup_free_ char *n = pass_normalize_path(dest);
    return streq(n, dir);
}

/* True when dest lies strictly below dir.  /var/run counts as /run: it is a
 * symlink to it in every current distribution image. */
static bool is_below(const char *dest, const char *dir)
{
    _cleanup_free_ char *n = pass_normalize_path(dest);
    if (streq(dir, "/run") && startswith(n, "/var/run") && (n[8] == '\0' || n[8] == '/'))
        return true;
    size_t l = strlen(dir);
    return strncmp(n, dir, l) == 0 && n[l] == '/';
}

/* Mounts are made in array order, so the tmpfs must come before anything
 * mounted below it (a secret at /run/secrets, a volume at /tmp/x), or it
 * would hide them. */
static size_t tmpfs_position(const BrigJson *mounts, const char *dir)
{
    for (size_t i = 0; i < mounts->n; i++) {
        const char *d = brig_json_str(brig_json_get(mounts->kids[i], "destination"));
        if (d && is_below(d, dir))
            return i;
    }
    return mounts->n;
}

static bool has_mount_at(const BrigJson *mounts, const char *dest)
{
    const BrigJson *m;
    BRIG_JSON_FOREACH (m, mounts) {
        const char *d = brig_json_str(brig_json_get(m, "destination"));
        if (d && same_path(d, dest))
            return true;
    }
    return false;
}

/* How a tmpfs brig adds is made: owner and mode when known (has_owner,
 * has_mode), and whether the runtime seeds it with the image's content. */
typedef struct {
    uint64_t size, inodes, uid, gid;
    uint32_t mode;
    bool has_owner, has_mode, copyup;
} Tmpfs;

static BrigJson *tmpfs_mount(const char *dest, const Tmpfs *t)
{
    BrigJson *m = brig_json_new(BRIG_JSON_OBJECT);
    brig_json_set(m, "destination", brig_json_new_string(dest));
    brig_json_set(m, "type", brig_json_new_string("tmpfs"));
    brig_json_set(m, "source", brig_json_new_string("tmpfs"));
    BrigJson *opts = brig_json_new(BRIG_JSON_ARRAY);
    brig_json_append(opts, brig_json_new_string("nosuid"));
    brig_json_append(opts, brig_json_new_string("nodev"));
    if (t->has_mode) {
        _cleanup_free_ char *md = xasprintf("mode=%04o", (unsigned)t->mode);
        brig_json_append(opts, brig_json_new_string(md));
    }
    if (t->has_owner && (t->uid != 0 || t->gid != 0)) {
        _cleanup_free_ char *u = xasprintf("uid=%llu", (unsigned long long)t->uid);
        _cleanup_free_ char *g = xasprintf("gid=%llu", (unsigned long long)t->gid);
        brig_json_append(opts, brig_json_new_string(u));
        brig_json_append(opts, brig_json_new_string(g));
    }
    _cleanup_free_ char *sz = xasprintf("size=%llu", (unsigned long long)t->size);
    brig_json_append(opts, brig_json_new_string(sz));
    /* an empty file costs the kernel about 1 KiB that size= does not
     * count: without it, the kernel allows half of the RAM's pages */
    _cleanup_free_ char *ni = xasprintf("nr_inodes=%llu", (unsigned long long)t->inodes);
    brig_json_append(opts, brig_json_new_string(ni));
    /* runc 1.1 and crun 1.8 both copy what the image has at dest into the
     * new tmpfs, owners and modes kept (the runtime reads its own rootfs) */
    if (t->copyup)
        brig_json_append(opts, brig_json_new_string("tmpcopyup"));
    brig_json_set(m, "options", opts);
    return m;
}

/* The rootfs as the runtime reaches it: root.path, a relative one in the
 * bundle, which is the current directory for a runtime command without
 * --bundle; NULL offline when brig is not told where the bundle is. */
static char *rootfs_path(const BrigCtx *ctx, const BrigJson *spec)
{
    const char *p = brig_json_str(brig_json_get_path(spec, "root/path"));
    if (!p || !*p)
        return NULL;
    if (p[0] == '/')
        return xstrdup(p);
    const char *b = ctx->bundle ? ctx->bundle : ctx->container_id ? "." : NULL;
    return b ? xasprintf("%s/%s", b, p) : NULL;
}

/* Whether `dir` lies strictly below another of the policy's writable
 * paths: that one's copy holds it, with the image's owners and modes,
 * which is what a tmpfs of its own would be seeded with. */
static const char *covering_path(char *const *wps, const char *dir)
{
    for (char *const *w = wps; w && *w; w++)
        if (!streq(*w, dir) && mount_path_under(dir, *w))
            return *w;
    return NULL;
}

/* The destination of a mount in the config that `dir` lies below: what
 * the runtime copies up there is that mount's (a volume, brig's /run),
 * not the image's. */
static const char *mount_above(const BrigJson *mounts, const char *dir)
{
    /* /var/run is /run, as in every current image */
    _cleanup_free_ char *nd = mount_normalize(dir);
    const BrigJson *m;
    BRIG_JSON_FOREACH (m, mounts) {
        const char *d = brig_json_str(brig_json_get(m, "destination"));
        if (!d)
            continue;
        _cleanup_free_ char *n = mount_normalize(d);
        if (!streq(n, "/") && !streq(n, nd) && mount_path_under(nd, n))
            return d;
    }
    return NULL;
}

/* A writable path's tmpfs.  Over a directory the image has, it is seeded
 * with the image's content (copy-up), and is that much larger than
 * tmpfsSize, or the copy fails for lack of room (runc: "tmpcopyup: failed
 * to copy", ENOSPC).  Its owner:
 *  - for a process that runs as root: the image directory's owner, group
 *    and mode, as under plain runc (postgres refuses a data directory that
 *    is not its own; a daemon that starts as root and switches to its user
 *    finds the directory as it was packaged);
 *  - for a non-root process: the process's uid and gid, with the image's
 *    mode and the owner's rwx (it could not write there otherwise);
 *  - where the image has nothing: the process's, mode 0755 (runc makes the
 *    directory; an empty tmpfs would otherwise be 1777 under crun).
 * The image is read only through brig_open_in_root (rootfs_io.h).  When it
 * cannot be read (no bundle known offline), the tmpfs belongs to the
 * process's user and the runtime keeps the directory's mode, as before. */
static int writable_tmpfs(const BrigCtx *ctx, const char *rootfs, const char *dir, uint64_t uid,
                          uint64_t gid, const BrigUserns *ns, bool mapped, Tmpfs *t, char **ret_why,
                          BrigReport *rep, const BrigJson *spec)
{
    *t = (Tmpfs){.size = ctx->policy->tmpfs_size,
                 .inodes = ctx->policy->tmpfs_inodes,
                 .uid = uid,
                 .gid = gid,
                 .has_owner = true,
                 .copyup = true};
    *ret_why = NULL;
    if (!rootfs || !ctx->host || !ctx->host->image_dir)
        return 0;
    const char *over = mount_above(brig_json_get(spec, "mounts"), dir);
    if (over) {
        *ret_why = xasprintf(", owned by the container's user; it is below the mount at %s, "
                             "whose content the runtime copies and brig does not read",
                             over);
        return 0;
    }
    BrigImageDir img;
    BrigError *e = NULL;
    int r = ctx->host->image_dir(rootfs, dir, &img, &e);
    if (r == -E2BIG) {
        brig_report_refuse(rep, "/root/path", brig_json_get_path(spec, "root/path"),
                           "%s; %s grants it as a writable path (writablePaths), which the "
                           "runtime would copy into memory: brig does not copy that much up",
                           e ? e->msg : dir, brig_policy_source(ctx->policy));
        brig_error_free(e);
        return -1;
    }
    if (r == 0 && img.special[0]) {
        brig_report_refuse(rep, "/root/path", brig_json_get_path(spec, "root/path"),
                           "the image has a %s at %s/%s, which a copy-up cannot hold (runc 1.1 "
                           "fails on it: \"lchown ...: no such file or directory\"); %s grants "
                           "%s as a writable path (writablePaths): remove it from the image, or "
                           "grant a path that does not hold it",
                           img.special_kind, dir, img.special, brig_policy_source(ctx->policy),
                           dir);
        brig_error_free(e);
        return -1;
    }
    if (r < 0) {
        *ret_why = xasprintf("; the image could not be read there (%s): owned by the "
                             "container's user",
                             e ? e->msg : "?");
        brig_error_free(e);
        return 0;
    }
    brig_error_free(e);
    t->has_mode = true;
    if (!img.exists) {
        t->mode = 0755;
        t->copyup = false;
        *ret_why = xasprintf(": the image has no directory there; owned by the container's "
                             "user (%llu:%llu), mode 0755",
                             (unsigned long long)uid, (unsigned long long)gid);
        return 0;
    }
    t->size = sat_add(t->size, img.bytes);
    t->inodes = sat_add(t->inodes, img.entries);
    /* in a user namespace, the image's ids must be mapped there, or the
     * kernel refuses the mount: the container's root keeps it then */
    uint32_t host;
    bool img_mapped = !(ns->enabled && ns->has_uids && ns->has_gids) ||
                      (brig_idmap_to_host(&ns->uids, img.uid, &host) &&
                       brig_idmap_to_host(&ns->gids, img.gid, &host));
    if (uid == 0 && mapped && img_mapped) {
        t->uid = img.uid, t->gid = img.gid, t->mode = img.mode;
        *ret_why = xasprintf(", owned as the image has it (%u:%u mode %04o: the process runs "
                             "as root), %llu bytes and %llu inodes more than tmpfsSize and "
                             "tmpfsInodes for the copy",
                             img.uid, img.gid, img.mode, (unsigned long long)img.bytes,
                             (unsigned long long)img.entries);
    } else {
        t->mode = img.mode | 0700;
        *ret_why =
            xasprintf(", owned by the container's user (%llu:%llu; the image has "
                      "%u:%u), mode %04o, %llu bytes and %llu inodes more than "
                      "tmpfsSize and tmpfsInodes for the copy",
                      (unsigned long long)uid, (unsigned long long)gid, img.uid, img.gid, t->mode,
                      (unsigned long long)img.bytes, (unsigned long long)img.entries);
    }
    return 0;
}

/* The room a writable path's copy takes beyond the policy's bounds, as
 * writable_tmpfs gives it: the mounts pass bounds the tmpfs at `dest`
 * (normalised) by tmpfsSize and tmpfsInodes plus this, so that brig's own
 * tmpfs is kept, again at a second hardening.  Only for a path the policy
 * grants: a config's tmpfs elsewhere gets no room for what it copies up. */
void mount_copy_room(const BrigCtx *ctx, const BrigJson *spec, const char *dest,
                     uint64_t *ret_bytes, uint64_t *ret_inodes)
{
    *ret_bytes = *ret_inodes = 0;
    bool granted = false;
    for (char *const *w = ctx->policy->writable_paths; w && *w && !granted; w++)
        granted = same_path(dest, *w);
    if (!granted || !ctx->host || !ctx->host->image_dir)
        return;
    _cleanup_free_ char *rootfs = rootfs_path(ctx, spec);
    if (!rootfs || mount_above(brig_json_get(spec, "mounts"), dest))
        return;
    BrigImageDir img;
    BrigError *e = NULL;
    int r = ctx->host->image_dir(rootfs, dest, &img, &e);
    brig_error_free(e);
    if (r < 0 || !img.exists)
        return;
    *ret_bytes = img.bytes;
    *ret_inodes = img.entries;
}

int pass_rootfs(const BrigCtx *ctx, BrigJson *spec, BrigReport *rep, BrigError **err)
{
    int r = pass_check_type(spec, "root", BRIG_JSON_OBJECT, "", err);
    if (r < 0)
        return r;
    BrigJson *root = brig_json_get(spec, "root");
    if (root) {
        rootfs_check_path(ctx, root, rep);
        r = pass_check_type(root, "readonly", BRIG_JSON_BOOL, "/root", err);
        if (r < 0)
            return r;
        BrigJson *ro = brig_json_get(root, "readonly");
        /* writableRootfs is the last-resort grant: the root stays as asked */
        if (!brig_json_is_true(ro) && !ctx->policy->writable_rootfs) {
            BrigJson *nv = brig_json_new_bool(true);
            brig_report_fix(rep, "/root/readonly", ro, nv,
                            "the root filesystem is read-only under %s; tmpfs at /tmp, /var/tmp "
                            "and /run stay writable",
                            brig_policy_source(ctx->policy));
            brig_json_set(root, "readonly", nv);
        }
    }

    BrigJson *mounts = pass_ensure(spec, "mounts", BRIG_JSON_ARRAY, "", err);
    if (!mounts)
        return -EINVAL;
    const BrigJson *m;
    size_t i = 0;
    BRIG_JSON_FOREACH (m, mounts) {
        if (m->type != BRIG_JSON_OBJECT)
            return brig_error_set(err, EINVAL, "/mounts/%zu: expected an object, found %s", i,
                                  brig_json_type_name(m->type));
        PassPtr mb;
        const char *mptr = pass_ptr_index(&mb, "/mounts", i);
        r = pass_check_type(m, "destination", BRIG_JSON_STRING, mptr, err);
        if (r < 0)
            return r;
        i++;
    }
    uint64_t uid = 0, gid = 0;
    brig_json_to_uint64(brig_json_get_path(spec, "process/user/uid"), &uid);
    brig_json_to_uint64(brig_json_get_path(spec, "process/user/gid"), &gid);
    _cleanup_(brig_userns_clear) BrigUserns ns = {0};
    r = brig_userns_read(spec, &ns, err);
    if (r < 0)
        return r;
    uint32_t host;
    bool mapped = true;
    if (ns.enabled && ns.has_uids && ns.has_gids &&
        (uid > UINT32_MAX || gid > UINT32_MAX ||
         !brig_idmap_to_host(&ns.uids, (uint32_t)uid, &host) ||
         !brig_idmap_to_host(&ns.gids, (uint32_t)gid, &host)))
        uid = gid = 0, mapped = false;
    _cleanup_free_ char *rootfs = rootfs_path(ctx, spec);
    char *const *wps = ctx->policy->writable_paths;
    size_t n_wp = 0;
    for (char *const *w = wps; w && *w; w++)
        n_wp++;
    size_t n_dirs = ELEMENTSOF(scratch_dirs) + n_wp;
    _cleanup_free_ BrigJson **added = xcalloc(n_dirs, sizeof(BrigJson *));
    _cleanup_free_ char **why = xcalloc(n_dirs, sizeof(char *));
    for (size_t d = 0; d < n_dirs; d++) {
        bool wp = d >= ELEMENTSOF(scratch_dirs);
        const char *dir = wp ? wps[d - ELEMENTSOF(scratch_dirs)] : scratch_dirs[d];
        if (has_mount_at(mounts, dir) || (wp && covering_path(wps, dir)))
            continue;
        Tmpfs t = {.size = ctx->policy->tmpfs_size,
                   .inodes = ctx->policy->tmpfs_inodes,
                   .uid = uid,
                   .gid = gid,
                   .has_owner = true};
        if (wp) {
            if (writable_tmpfs(ctx, rootfs, dir, uid, gid, &ns, mapped, &t, &why[d], rep, spec) < 0)
                continue;
        } else {
            /* world-writable with the sticky bit for crun; runc 1.1 chmods
             * it back to the directory's mode, hence the owner */
            t.mode = 01777, t.has_mode = true;
        }
        added[d] = tmpfs_mount(dir, &t);
        brig_json_insert(mounts, tmpfs_position(mounts, dir), added[d]);
    }
    /* Reported once all are in place, so each pointer is the final index
     * (a later insertion before an earlier one would shift it). */
    for (size_t d = 0; d < n_dirs; d++) {
        for (size_t k = 0; added[d] && k < mounts->n; k++) {
            if (mounts->kids[k] != added[d])
                continue;
            PassPtr pb;
            const char *p = pass_ptr_index(&pb, "/mounts", k);
            if (d < ELEMENTSOF(scratch_dirs)) {
                brig_report_fix(rep, p, NULL, added[d],
                                "writable scratch space on a read-only root filesystem");
                continue;
            }
            const char *dir = wps[d - ELEMENTSOF(scratch_dirs)];
            _cleanup_free_ char *covers = NULL;
            for (char *const *w = wps; w && *w; w++) {
                if (streq(*w, dir) || !mount_path_under(*w, dir))
                    continue;
                char *c = xasprintf("%s%s%s", covers ? covers : "", covers ? ", " : "", *w);
                free(covers);
                covers = c;
            }
            brig_report_fix(rep, p, NULL, added[d],
                            "a writable path the policy grants (writablePaths): a tmpfs seeded "
                            "with the image's content%s%s%s%s",
                            why[d] ? why[d] : ", owned by the container's user",
                            covers ? "; it holds the writable paths below it (" : "",
                            covers ? covers : "", covers ? "), copied with it" : "");
        }
    }
    for (size_t d = 0; d < n_dirs; d++)
        free(why[d]);
    return 0;
}
