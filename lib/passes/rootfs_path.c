/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Where the root filesystem may be: an allow-list (DESIGN §3a).
 *
 * The rootfs is shown to the container whatever it holds (read-only, it
 * still shows every file), so a bundle that names /var/lib/kubelet,
 * /run/containerd or /home/alice as its root gave the container other
 * pods' tokens and the engines' sockets.  It is allowed only where an
 * engine puts an image:
 *
 *  - strictly inside the bundle (a relative root.path, or an absolute one
 *    that leads there): containerd (ctr, CRI) and hand-made bundles.  Never
 *    the bundle directory itself, which holds config.json.  The bundle
 *    directory comes from argv, which the engine writes, not the author of
 *    the container; whoever could put a config.json in a host directory
 *    to make it a bundle is root there already;
 *  - an image Docker or Podman/CRI-O prepared in its storage, in exactly the
 *    shape the storage driver gives a container's root (below);
 *  - below a directory the policy grants in "rootfsAllowed" (an engine with
 *    another data root, podman --rootfs).
 *
 * Judged where the runtime arrives: crun follows symlinks in root.path
 * (runc refuses a symlinked root), a relative one is the bundle's, so the
 * path is resolved following every symlink, as crun would.  The host's "/"
 * and its top-level directories are refused even when granted, and an
 * absolute path with ".." (after a symlink, ".." is not where the lexical
 * reading says) or a relative one that climbs out of the bundle too.
 * Found by tests/generator (the top-level directories) and by hand (the
 * rest: issue 13). */
#include <stdio.h>

#include "mounts.h"
#include "rootfs_path.h"

/* The container roots the storage drivers make, below the storage root:
 * ID is one path component of 64 lowercase hex digits, the random id the
 * driver gives the container's read-write layer.  Recorded from dockerd
 * 20.10 (overlay2) and Podman 4.3 (overlay) on this kind of machine
 * (tests/data/configs); the other drivers' shapes are those their sources
 * mount a layer at.  Nothing else below the storage roots is an image:
 * volumes, containers/<id> (config.v2.json, hostname), the overlay "l"
 * links, a layer's diff. */
static const char *const docker_shapes[] = {
    "overlay2/ID/merged", "fuse-overlayfs/ID/merged",
    "vfs/dir/ID",         "btrfs/subvolumes/ID",
    "zfs/graph/ID",       NULL,
};
static const char *const storage_shapes[] = {
    "overlay/ID/merged", "vfs/dir/ID", "btrfs/subvolumes/ID", "zfs/graph/ID", NULL,
};

typedef struct {
    const char *root;
    const char *const *shapes;
    bool remap; /* dockerd --userns-remap keeps its data under ROOT/UID.GID/ */
} Storage;

static const Storage storages[] = {
    {"/var/lib/docker", docker_shapes, true},
    {"/var/lib/containers/storage", storage_shapes, false},
};

static bool all_of(const char *p, size_t n, const char *set)
{
    for (size_t i = 0; i < n; i++)
        if (!strchr(set, p[i]) || !p[i])
            return false;
    return n > 0;
}

static bool is_id(const char *p, size_t n)
{
    return n == 64 && all_of(p, n, "0123456789abcdef");
}

/* "100000.100000": dockerd's directory for a remapped root. */
static bool is_remap(const char *p, size_t n)
{
    const char *dot = memchr(p, '.', n);
    return dot && all_of(p, (size_t)(dot - p), "0123456789") &&
           all_of(dot + 1, n - (size_t)(dot - p) - 1, "0123456789");
}

/* Whether `rest` (components, no leading "/") is `shape`, component for
 * component. */
static bool shape_is(const char *rest, const char *shape)
{
    for (;;) {
        size_t n = strcspn(rest, "/"), k = strcspn(shape, "/");
        if (k == 2 && strncmp(shape, "ID", 2) == 0 ? !is_id(rest, n)
                                                   : n != k || strncmp(rest, shape, n) != 0)
            return false;
        rest += n, shape += k;
        if (!*rest || !*shape)
            return !*rest && !*shape;
        rest++, shape++;
    }
}

static bool storage_image(const char *real, const char *root, const Storage *st)
{
    size_t l = strlen(root);
    if (strncmp(real, root, l) != 0 || real[l] != '/')
        return false;
    const char *rest = real + l + 1;
    for (int pass = 0; pass < 2; pass++) {
        for (const char *const *s = st->shapes; *s; s++)
            if (shape_is(rest, *s))
                return true;
        size_t n = strcspn(rest, "/");
        if (!st->remap || !is_remap(rest, n) || !rest[n])
            return false;
        rest += n + 1;
    }
    return false;
}

static bool top_level(const char *p)
{
    return p[0] == '/' && !strchr(p + 1, '/');
}

static void refuse_root(BrigReport *rep, const BrigJson *path, const char *what, const char *p)
{
    brig_report_refuse(rep, "/root/path", path,
                       "the root filesystem is %s%s, not an image in the bundle or an "
                       "engine's storage",
                       what, p);
}

/* The paths judged, resolved at once: root.path where the runtime takes
 * it, the bundle, the storage roots, then the grants. */
enum { R_ROOT, R_BUNDLE, R_STORAGE, R_GRANTS = R_STORAGE + ELEMENTSOF(storages) };

typedef struct {
    const char *s, *n; /* root.path as written, and folded (absolute form) */
    const char *b;     /* the bundle directory as given, NULL unknown */
    char **lex, **real;
    size_t n_all;
} Where;

/* Inside the bundle: its real path, or without a host to ask (tests) a
 * relative root.path as written.  Returns 1 inside, 0 not, -1 the bundle
 * itself (refused). */
static int in_bundle(const Where *w, const BrigJson *path, BrigReport *rep)
{
    const char *r = w->real[R_ROOT], *bd = w->real[R_BUNDLE];
    bool abs = bd[0] == '/';
    if (abs ? streq(r, bd) : w->s[0] != '/' && !w->n[1]) {
        brig_report_refuse(rep, "/root/path", path,
                           "the root filesystem is the bundle directory %s itself, which holds "
                           "config.json; the image is a directory in it (\"rootfs\")",
                           abs ? bd : w->b);
        return -1;
    }
    /* "--bundle /" (crun's --config names the file elsewhere) would make
     * every host directory one "in the bundle" */
    return abs ? !streq(bd, "/") && mount_path_under(r, bd) : w->s[0] != '/';
}

static bool in_storage_or_granted(const Where *w)
{
    const char *r = w->real[R_ROOT];
    for (size_t i = 0; i < ELEMENTSOF(storages); i++)
        if (storage_image(r, w->lex[R_STORAGE + i], &storages[i]) ||
            storage_image(r, w->real[R_STORAGE + i], &storages[i]))
            return true;
    for (size_t i = R_GRANTS; i < w->n_all; i++)
        if (mount_path_under(r, w->lex[i]) || mount_path_under(r, w->real[i]))
            return true;
    return false;
}

static void judge(const BrigCtx *ctx, const Where *w, const BrigJson *path, BrigReport *rep)
{
    const char *r = w->real[R_ROOT], *pol = brig_policy_source(ctx->policy);
    if (top_level(r) || streq(r, "/")) {
        refuse_root(rep, path, "through a symlink, the host's ", r);
        return;
    }
    int in = w->b ? in_bundle(w, path, rep) : 0;
    if (in != 0 || in_storage_or_granted(w))
        return;
    if (!w->b) {
        brig_report_note(rep, "/root/path",
                         "the root filesystem %s is not an image in an engine's storage nor "
                         "below a directory %s grants in rootfsAllowed; whether it is in the "
                         "bundle, which brig is not told, is judged at create",
                         r, pol);
        return;
    }
    _cleanup_free_ char *how =
        streq(r, w->n) ? xstrdup("") : xasprintf(" (root.path \"%s\" leads there)", w->s);
    /* a config.json hardened by an earlier create names brig's view of
     * that container's rootfs: say so, the fix is the image's path */
    const char *view = startswith(r, "/run/brig/") ? "; it is brig's user-namespace view of "
                                                     "another container's rootfs, written into "
                                                     "config.json by an earlier create: give "
                                                     "the image's root.path again"
                                                   : "";
    brig_report_refuse(rep, "/root/path", path,
                       "the root filesystem is %s%s, which is not inside the bundle (%s), not "
                       "an image an engine prepared in its storage (%s/overlay2/ID/merged, "
                       "%s/overlay/ID/merged, ...) and not below a directory %s grants in "
                       "rootfsAllowed%s",
                       r, how, w->real[R_BUNDLE], storages[0].root, storages[1].root, pol, view);
}

void rootfs_check_path(const BrigCtx *ctx, const BrigJson *root, BrigReport *rep)
{
    const BrigJson *path = brig_json_get(root, "path");
    const char *s = brig_json_str(path);
    /* runc's inline exec runs with the process of the bundle's config.json,
     * hardened again; its root was judged at create and is, under
     * userNamespace auto, brig's view of it, which the exec does not use */
    if (!s || ctx->exec)
        return;
    bool dotdot = false;
    for (const char *p = s; *p; p = strchrnul(p, '/'), p += *p == '/')
        dotdot |= p[0] == '.' && p[1] == '.' && (p[2] == '/' || !p[2]);
    _cleanup_free_ char *n = pass_normalize_path(s);
    if (dotdot) {
        refuse_root(rep, path,
                    s[0] == '/' ? "a path with \"..\", " : "a directory outside the bundle",
                    s[0] == '/' ? s : "");
        return;
    }
    if (s[0] == '/' && top_level(n)) {
        refuse_root(rep, path, "the host's ", n);
        return;
    }
    /* The bundle as the runtime takes it: --bundle, else the current
     * directory, a relative one from there.  Offline, brig knows where it
     * is only from an absolute path, and does not guess. */
    const char *b = ctx->bundle ? ctx->bundle : ctx->container_id ? "." : NULL;
    if (b && !ctx->container_id && b[0] != '/')
        b = NULL;
    if (!b && s[0] != '/') {
        /* in the bundle as written, wherever it is; only where a symlink
         * leads is left to create (no note: brig check lists what enforce
         * would do, and at create this passes) */
        if (!n[1])
            brig_report_refuse(rep, "/root/path", path,
                               "the root filesystem \"%s\" is the bundle directory itself, which "
                               "holds config.json; the image is a directory in it (\"rootfs\")",
                               s);
        return;
    }
    char *const *grants = ctx->policy->rootfs_allowed;
    size_t n_grants = 0;
    while (grants && grants[n_grants])
        n_grants++;
    Where w = {.s = s, .n = n, .b = b, .n_all = R_GRANTS + n_grants};
    w.lex = xcalloc(w.n_all, sizeof(char *));
    w.real = xcalloc(w.n_all, sizeof(char *));
    w.lex[R_ROOT] = s[0] == '/'   ? xstrdup(n)
                    : b[0] == '/' ? xasprintf("%s%s", streq(b, "/") ? "" : b, n)
                                  : xasprintf("%s/%s", b, n + 1);
    w.lex[R_BUNDLE] = xstrdup(b ? b : "/"); /* unknown: not looked at */
    for (size_t i = 0; i < ELEMENTSOF(storages); i++)
        w.lex[R_STORAGE + i] = xstrdup(storages[i].root);
    for (size_t i = 0; i < n_grants; i++)
        w.lex[R_GRANTS + i] = pass_normalize_path(grants[i]);
    /* every symlink followed, as crun does; as written without a host to
     * ask (tests) */
    if (ctx->host && ctx->host->resolve_paths_all)
        ctx->host->resolve_paths_all((const char *const *)w.lex, w.n_all, w.real);
    for (size_t i = 0; i < w.n_all; i++)
        if (!w.real[i])
            w.real[i] = w.lex[i][0] == '/' ? pass_normalize_path(w.lex[i]) : xstrdup(w.lex[i]);
    judge(ctx, &w, path, rep);
    for (size_t i = 0; i < w.n_all; i++) {
        free(w.lex[i]);
        free(w.real[i]);
    }
    free(w.lex);
    free(w.real);
}
