/* SPDX-License-Identifier: GPL-2.0-or-later */
/* User namespace (policy userNamespace: auto, require): a container the
 * engine gave no user namespace gets its own, mapping container ids 0-65535
 * to a range of host ids no other running container has (lib/userns/).  An
 * escaped process is then an id that owns nothing on the host and shares
 * nothing with its neighbours.
 *
 * pass_userns runs after the user pass: the views map container id N to
 * on-disk id N, so for every file the container reaches through them its
 * uid 0 is host root's, and ids are judged as they are written (uid 0 still
 * becomes the policy's 65534, which the mapping holds; brig's tmpfs owners
 * follow it).  The idmapped views (what
 * keeps the image root-owned inside, and volumes' files their on-disk
 * owners) are made by the host's userns_setup; pass_userns_views, after the
 * mounts pass has judged the real bind sources, points root.path and the
 * bind sources at them.
 *
 * A container that cannot be mapped runs without one under auto, with a
 * note saying why, and is refused under require:
 *  - it joins a namespace by path: that namespace belongs to the user
 *    namespace of whoever made it (another container, a pod sandbox, the
 *    host), and mounting sysfs or proc from a different one fails;
 *  - it shares a host namespace (a hostNamespaces grant), the same way;
 *  - it mounts a file system other than a bind, proc, sysfs, tmpfs, devpts,
 *    mqueue or cgroup (a granted overlay of host directories, a disk);
 *  - a view cannot be made (a file system that cannot be idmapped).
 * Only enforce changes anything: in reject and audit modes the config is
 * judged as written, and the pass only notes what enforce would do. */
#include <stdio.h>

#include "passes.h"

static const char *const shared[] = {"pid", "ipc", "uts", "mount", "network"};

static bool is_bind(const BrigJson *m)
{
    if (streq(brig_json_str(brig_json_get(m, "type")), "bind"))
        return true;
    const BrigJson *o;
    BRIG_JSON_FOREACH (o, brig_json_get(m, "options"))
        if (streq(brig_json_str(o), "bind") || streq(brig_json_str(o), "rbind"))
            return true;
    return false;
}

/* File systems the container's runtime mounts from inside a user namespace
 * of brig's: the kernel lets it (FS_USERNS_MOUNT) and they name no host
 * path.  Any other type the policy grants (an overlay of host directories,
 * a disk) would either be refused by the kernel or reach host files as the
 * overflow id, unmapped. */
static const char *const ns_types[] = {"proc",   "sysfs",  "tmpfs",  "devpts",
                                       "mqueue", "cgroup", "cgroup2"};

static bool ns_mountable(const BrigJson *m)
{
    if (is_bind(m))
        return true;
    const char *t = brig_json_str(brig_json_get(m, "type"));
    for (size_t i = 0; t && i < ELEMENTSOF(ns_types); i++)
        if (streq(t, ns_types[i]))
            return true;
    return false;
}

/* Why the container cannot get a namespace of its own, or NULL. */
static char *cannot_map(const BrigJson *spec, const BrigJson *linux_)
{
    const BrigJson *nss = brig_json_get(linux_, "namespaces");
    const BrigJson *ns;
    BRIG_JSON_FOREACH (ns, nss) {
        const char *path = brig_json_str(brig_json_get(ns, "path"));
        if (path)
            return xasprintf("it joins the %s namespace %s, which belongs to the user namespace "
                             "of whoever made it: mounts in a namespace of its own would fail",
                             brig_json_str(brig_json_get(ns, "type")), path);
    }
    for (size_t i = 0; i < ELEMENTSOF(shared); i++) {
        bool found = false;
        BRIG_JSON_FOREACH (ns, nss)
            found |= streq(brig_json_str(brig_json_get(ns, "type")), shared[i]);
        if (!found)
            return xasprintf("it shares the host's %s namespace", shared[i]);
    }
    const BrigJson *m;
    BRIG_JSON_FOREACH (m, brig_json_get(spec, "mounts"))
        if (!ns_mountable(m)) {
            const char *t = brig_json_str(brig_json_get(m, "type"));
            const char *d = brig_json_str(brig_json_get(m, "destination"));
            return xasprintf("it mounts a file system of type \"%s\" at %s, which brig cannot "
                             "idmap and a user namespace could not mount or reach as its "
                             "owners",
                             t ? t : "(none)", d ? d : "?");
        }
    return NULL;
}

static void skip(const BrigCtx *ctx, BrigReport *rep, const char *why)
{
    const BrigPolicy *pol = ctx->policy;
    if (pol->userns == BRIG_USERNS_REQUIRE)
        brig_report_refuse(rep, "/linux/namespaces", NULL,
                           "the container cannot have a user namespace of its own: %s; %s "
                           "requires one (userNamespace \"require\")",
                           why, brig_policy_source(pol));
    else
        brig_report_note(rep, "/linux/namespaces", "runs without a user namespace of its own: %s",
                         why);
}

/* The files an engine makes for this very container (Docker's and Podman's
 * hostname, hosts, resolv.conf): host root's on disk, and root's inside as
 * they are without a user namespace, which their views may keep since
 * they are this container's alone.  Any other bind source keeps host
 * root's files out of the container root's reach (lib/userns/view.h). */
static bool own_engine_file(const char *id, const char *src)
{
    /* prefix before the id, suffix after it */
    static const char *const dirs[][2] = {
        {"/var/lib/docker/containers/", "/"},
        {"/var/lib/containers/storage/overlay-containers/", "/userdata/"},
        {"/run/containers/storage/overlay-containers/", "/userdata/"},
    };
    static const char *const names[] = {"hostname", "hosts", "resolv.conf", ".containerenv"};
    if (!id || !*id || strchr(id, '/') || streq(id, ".") || streq(id, ".."))
        return false;
    for (size_t d = 0; d < ELEMENTSOF(dirs); d++)
        for (size_t k = 0; k < ELEMENTSOF(names); k++) {
            _cleanup_free_ char *p = xasprintf("%s%s%s%s", dirs[d][0], id, dirs[d][1], names[k]);
            if (streq(src, p))
                return true;
        }
    return false;
}

static BrigJson *one_range(uint32_t base)
{
    BrigJson *arr = brig_json_new(BRIG_JSON_ARRAY), *r = brig_json_new(BRIG_JSON_OBJECT);
    brig_json_set(r, "containerID", brig_json_new_uint(0));
    brig_json_set(r, "hostID", brig_json_new_uint(base));
    brig_json_set(r, "size", brig_json_new_uint(65536));
    brig_json_append(arr, r);
    return arr;
}

/* Docker sets net.ipv4.ping_group_range to "0 2147483647": gids the new
 * namespace does not map, which the kernel refuses to write.  Clamped to
 * the mapping (0-65535). */
static void clamp_ping(BrigJson *linux_, BrigReport *rep)
{
    BrigJson *sys = brig_json_get(linux_, "sysctl");
    const BrigJson *v = brig_json_get(sys, "net.ipv4.ping_group_range");
    const char *s = brig_json_str(v);
    unsigned long long lo, hi;
    int end = 0;
    if (!s || sscanf(s, "%llu %llu%n", &lo, &hi, &end) != 2 || s[end] || hi <= 65535)
        return;
    if (lo > 65535) {
        brig_report_fix(rep, "/linux/sysctl/net.ipv4.ping_group_range", v, NULL,
                        "gids %llu-%llu are outside the container's user namespace (0-65535)", lo,
                        hi);
        brig_json_remove(sys, "net.ipv4.ping_group_range");
        return;
    }
    _cleanup_free_ char *nv = xasprintf("%llu 65535", lo);
    BrigJson *n = brig_json_new_string(nv);
    brig_report_fix(rep, "/linux/sysctl/net.ipv4.ping_group_range", v, n,
                    "gids above 65535 are outside the container's user namespace");
    brig_json_set(sys, "net.ipv4.ping_group_range", n);
}

int pass_userns(const BrigCtx *ctx, BrigJson *spec, BrigReport *rep, BrigError **err)
{
    const BrigPolicy *pol = ctx->policy;
    if (pol->userns == BRIG_USERNS_OFF)
        return 0;
    BrigJson *linux_ = pass_ensure(spec, "linux", BRIG_JSON_OBJECT, "", err);
    if (!linux_)
        return -EINVAL;
    int r = pass_check_type(linux_, "namespaces", BRIG_JSON_ARRAY, "/linux", err);
    if (r < 0)
        return r;
    _cleanup_(brig_userns_clear) BrigUserns ns = {0};
    r = brig_userns_read(spec, &ns, err);
    if (r < 0)
        return r;
    if (ns.enabled) /* the engine's own: judged by the user pass */
        return 0;
    _cleanup_free_ char *why = cannot_map(spec, linux_);
    if (why) {
        skip(ctx, rep, why);
        return 0;
    }
    if (pol->mode != BRIG_MODE_ENFORCE) {
        brig_report_note(rep, "/linux/namespaces",
                         "enforce would give the container a user namespace of its own");
        return 0;
    }
    if (!ctx->host->userns_setup) {
        brig_report_note(rep, "/linux/namespaces",
                         "a user namespace of its own is given at create, with an id range "
                         "held for the container");
        return 0;
    }
    BrigJson *root = brig_json_get(spec, "root");
    const char *rootfs = brig_json_str(brig_json_get(root, "path"));
    if (!rootfs) {
        skip(ctx, rep, "root.path is not set");
        return 0;
    }
    const BrigJson *mounts = brig_json_get(spec, "mounts");
    _cleanup_free_ const char **binds = xcalloc(mounts ? mounts->n + 1 : 1, sizeof(char *));
    size_t n = 0;
    const BrigJson *m;
    BRIG_JSON_FOREACH (m, mounts) {
        const char *src = brig_json_str(brig_json_get(m, "source"));
        if (is_bind(m) && src && src[0] == '/')
            binds[n++] = src;
    }
    _cleanup_free_ bool *keep_root = xcalloc(n + 1, sizeof(bool));
    for (size_t i = 0; i < n; i++)
        keep_root[i] = pol->map_host_root || own_engine_file(ctx->container_id, binds[i]);
    keep_root[n] = pol->map_host_root;
    uint32_t base;
    _cleanup_free_ char *fail = NULL;
    if (ctx->host->userns_setup(rootfs, binds, n, keep_root, &base, &fail) < 0) {
        skip(ctx, rep, fail ? fail : "no id range could be held");
        return 0;
    }
    BrigJson *nss = pass_ensure(linux_, "namespaces", BRIG_JSON_ARRAY, "/linux", err);
    BrigJson *u = brig_json_new(BRIG_JSON_OBJECT);
    brig_json_set(u, "type", brig_json_new_string("user"));
    PassPtr pp;
    brig_report_fix(rep, pass_ptr_index(&pp, "/linux/namespaces", nss->n), NULL, u,
                    "a user namespace of its own: container ids 0-65535 are host ids %u-%u, "
                    "which no other running container has (userNamespace in %s)",
                    base, base + 65535, brig_policy_source(pol));
    brig_json_append(nss, u);
    BrigJson *um = one_range(base), *gm = one_range(base);
    brig_report_fix(rep, "/linux/uidMappings", brig_json_get(linux_, "uidMappings"), um,
                    "the container's id range");
    brig_json_set(linux_, "uidMappings", um);
    brig_report_fix(rep, "/linux/gidMappings", brig_json_get(linux_, "gidMappings"), gm,
                    "the container's id range");
    brig_json_set(linux_, "gidMappings", gm);
    clamp_ping(linux_, rep);
    return 0;
}

int pass_userns_views(const BrigCtx *ctx, BrigJson *spec, BrigReport *rep, BrigError **err)
{
    if (!ctx->host->userns_view || ctx->policy->userns == BRIG_USERNS_OFF)
        return 0;
    BrigJson *root = brig_json_get(spec, "root");
    const char *rootfs = brig_json_str(brig_json_get(root, "path"));
    const char *view = rootfs ? ctx->host->userns_view(rootfs) : NULL;
    if (!view)
        return 0; /* no setup happened */
    BrigJson *nv = brig_json_new_string(view);
    brig_report_fix(rep, "/root/path", brig_json_get(root, "path"), nv,
                    "an idmapped view of the rootfs: files host root owns are root's inside");
    brig_json_set(root, "path", nv);
    BrigJson *mounts = brig_json_get(spec, "mounts");
    BrigJson *m;
    size_t i = 0;
    BRIG_JSON_FOREACH (m, mounts) {
        const char *src = brig_json_str(brig_json_get(m, "source"));
        const char *bv = src && is_bind(m) ? ctx->host->userns_view(src) : NULL;
        PassPtr pp;
        char ptr[160];
        snprintf(ptr, sizeof(ptr), "%s/source", pass_ptr_index(&pp, "/mounts", i));
        i++;
        if (!bv) {
            if (src && is_bind(m))
                brig_report_note(rep, ptr,
                                 "no idmapped view of %s: its files show as the overflow id "
                                 "inside",
                                 src);
            continue;
        }
        BrigJson *sv = brig_json_new_string(bv);
        brig_report_fix(rep, ptr, brig_json_get(m, "source"), sv,
                        "an idmapped view of %s: files keep their on-disk owners inside", src);
        brig_json_set(m, "source", sv);
    }
    return 0;
}
