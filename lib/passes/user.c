/* SPDX-License-Identifier: GPL-2.0-or-later */
/* User: a process that asked for root runs as the policy's unprivileged
 * identity, and so does one that would be root on the host.  Without a user
 * namespace the two are the same ids; with one, the host's are what
 * linux.uidMappings and gidMappings make of the config's (lib/userns/mapping.c):
 * uid 65534 mapped to host uid 0 is root and is replaced.  Supplementary
 * group 0, in the container or on the host, is dropped, since group root
 * still owns writable files in most images.
 *
 * A mapping that includes host id 0 is refused unless the policy grants
 * mapHostRoot: whatever runs as that container id (a "nobody" process, a
 * setuid file in the image, the runtime's own setup) is host root, with
 * host root's access to every bind-mounted file.  A user namespace joined by
 * path is refused on the same grant: its mapping is not in the config, and
 * brig cannot judge what it cannot see.
 *
 * Inside a user namespace the substitute must be mapped, or the runtime
 * cannot switch to it (nor mount brig's tmpfs owned by it): the policy's id
 * when the mapping takes it to a host id other than 0, else the nearest
 * mapped id below it, else above it (never container id 0).  A mapping with
 * none keeps container root when that is not host root (runc spec
 * --rootless maps that one id only), and is refused otherwise.
 *
 * A gid or supplementary group that is one of the host's system groups, as
 * the host's files see it (through the config's mapping; brig's own views
 * keep on-disk ids), is not the policy's either: "shadow" reads a bound
 * /etc/shadow, "disk" a bound block device, "docker" the engine's socket.
 * Only the policy's gid and what "hostGroups" grants are kept; any other
 * host system group is dropped (a supplementary one) or replaced by the
 * policy's gid, an allow-list of the host's /etc/group rather than a list
 * of groups brig knows to be dangerous.
 *
 * At exec the process joins the running container's user namespace: its ids
 * are judged through the maps the kernel applies to it (ctx->host->
 * exec_userns, read by cmd/ from the container's init process), never
 * through a config file's. */
#include "passes.h"

static int read_id(const BrigJson *user, const char *key, const char *ptr, uint64_t *ret,
                   BrigError **err)
{
    const BrigJson *v = brig_json_get(user, key);
    *ret = 0;
    if (!v)
        return 0;
    if (brig_json_to_uint64(v, ret) < 0 || *ret > UINT32_MAX) {
        _cleanup_free_ char *what = pass_describe(v);
        return brig_error_set(err, EINVAL, "%s/%s: expected an unsigned 32-bit integer, found %s",
                              ptr, key, what);
    }
    return 0;
}

static void set_id(BrigJson *user, const char *key, const char *uptr, uint32_t to, BrigReport *rep,
                   const char *why)
{
    _cleanup_free_ char *p = xasprintf("%s/%s", uptr, key);
    BrigJson *nv = brig_json_new_uint(to);
    brig_report_fix(rep, p, brig_json_get(user, key), nv, "%s", why);
    brig_json_set(user, key, nv);
}

/* One of uid/gid: replaced when it is root, in the container (0, what the
 * process asked for) or on the host (through the mapping).  `map` is NULL
 * without a user namespace. */
/* A gid that is a host system group the policy does not grant: replaced
 * by the policy's gid (through the mapping, when that one is allowed). */
static void judge_group(const BrigCtx *ctx, BrigJson *user, const char *uptr, uint32_t id,
                        uint32_t host, const BrigIdMap *map, const char *map_ptr, BrigReport *rep)
{
    const BrigPolicy *pol = ctx->policy;
    const char *name = brig_host_group_refused(ctx->host, pol, host);
    if (!name)
        return;
    _cleanup_free_ char *through = map ? xasprintf(" through %s", map_ptr) : xstrdup("");
    uint32_t to = pol->gid, to_host = pol->gid;
    if (map && (!brig_idmap_pick(map, pol->gid, &to) || !brig_idmap_to_host(map, to, &to_host) ||
                to_host == 0 || brig_host_group_refused(ctx->host, pol, to_host))) {
        _cleanup_free_ char *p = xasprintf("%s/gid", uptr);
        brig_report_refuse(rep, p, brig_json_get(user, "gid"),
                           "gid %u is the host's group \"%s\" (%u)%s, which %s does not grant "
                           "(hostGroups would), and %s maps no other gid to run as",
                           id, name, host, through, brig_policy_source(pol), map_ptr);
        return;
    }
    _cleanup_free_ char *why =
        xasprintf("gid %u is the host's group \"%s\" (%u)%s, which %s does not grant "
                  "(hostGroups would); running as %u",
                  id, name, host, through, brig_policy_source(pol), to);
    set_id(user, "gid", uptr, to, rep, why);
}

static void judge_id(const BrigCtx *ctx, BrigJson *user, const char *key, const char *uptr,
                     uint32_t id, uint32_t want, const BrigIdMap *map, const char *map_ptr,
                     BrigReport *rep)
{
    const BrigPolicy *pol = ctx->policy;
    uint32_t host = id;
    if (map && !brig_idmap_to_host(map, id, &host)) {
        _cleanup_free_ char *p = xasprintf("%s/%s", uptr, key);
        brig_report_refuse(rep, p, brig_json_get(user, key),
                           "%s %u is not mapped by %s; the runtime could not switch to it", key, id,
                           map_ptr);
        return;
    }
    if (id != 0 && host != 0 && streq(key, "gid")) {
        judge_group(ctx, user, uptr, id, host, map, map_ptr, rep);
        return;
    }
    if ((id != 0 && host != 0) || pol->allow_root)
        return;
    if (!map) {
        _cleanup_free_ char *why = xasprintf("%s 0 is not allowed by %s; running as %u", key,
                                             brig_policy_source(pol), want);
        set_id(user, key, uptr, want, rep, why);
        return;
    }
    uint32_t to, to_host = 0;
    if (!brig_idmap_pick(map, want, &to)) {
        _cleanup_free_ char *p = xasprintf("%s/%s", uptr, key);
        if (host != 0) {
            /* a one-id mapping (runc spec --rootless): container root is the
             * only identity, and an unprivileged one on the host */
            brig_report_note(rep, p,
                             "%s 0 kept: %s maps no other id, and it is host %s %u, not root", key,
                             map_ptr, key, host);
            return;
        }
        brig_report_refuse(rep, p, brig_json_get(user, key),
                           "%s %u is host %s 0, which %s does not allow, and %s maps no other "
                           "id to run as",
                           key, id, key, brig_policy_source(pol), map_ptr);
        return;
    }
    brig_idmap_to_host(map, to, &to_host);
    _cleanup_free_ char *why =
        host == 0 ? xasprintf("%s %u is host %s 0 through %s, which %s does not allow; running as "
                              "%u (host %s %u)",
                              key, id, key, map_ptr, brig_policy_source(pol), to, key, to_host)
                  : xasprintf("%s 0 is not allowed by %s; running as %u, which %s maps (host %s "
                              "%u)",
                              key, brig_policy_source(pol), to, map_ptr, key, to_host);
    set_id(user, key, uptr, to, rep, why);
}

typedef struct {
    const BrigPolicy *pol;
    const BrigHost *host;
    const BrigIdMap *map; /* NULL without a user namespace */
    const char *map_ptr;  /* what names the map in messages */
    const char *uptr;     /* NULL: judge only, record nothing */
    BrigReport *rep;
} GidJudge;

/* Whether a supplementary gid stays: not when it is gid 0 in the container
 * or on the host, nor a host system group the policy does not grant.  One
 * the mapping does not map stays, refused: the runtime would fail on it. */
static int keep_gid(BrigJson *g, size_t idx, void *ctx)
{
    const GidJudge *j = ctx;
    uint64_t v = 1;
    brig_json_to_uint64(g, &v);
    uint32_t host = (uint32_t)v;
    if (j->map && !brig_idmap_to_host(j->map, (uint32_t)v, &host)) {
        if (j->uptr) {
            _cleanup_free_ char *p = xasprintf("%s/additionalGids/%zu", j->uptr, idx);
            brig_report_refuse(j->rep, p, g,
                               "gid %u is not mapped by %s; the runtime could not set it",
                               (unsigned)v, j->map_ptr);
        }
        return 1;
    }
    if (v != 0 && host != 0)
        return !brig_host_group_refused(j->host, j->pol, host);
    return j->pol->allow_root;
}

/* The dropped groups that are host system groups, for the message: "42
 * (\"shadow\"), 6 (\"disk\")", or NULL when only group 0 went. */
static char *dropped_groups(const GidJudge *j, const BrigJson *before, bool *ret_root)
{
    char *s = NULL;
    *ret_root = false;
    for (size_t i = 0; i < before->n; i++) {
        uint64_t v = 0;
        brig_json_to_uint64(before->kids[i], &v);
        uint32_t host = (uint32_t)v;
        if (j->map && !brig_idmap_to_host(j->map, (uint32_t)v, &host))
            continue;
        if (v == 0 || host == 0) {
            *ret_root |= !j->pol->allow_root;
            continue;
        }
        const char *name = brig_host_group_refused(j->host, j->pol, host);
        if (!name)
            continue;
        char *n = host == v ? xasprintf("%s%s%u (\"%s\")", s ? s : "", s ? ", " : "", host, name)
                            : xasprintf("%s%s%u (host %u, \"%s\")", s ? s : "", s ? ", " : "",
                                        (uint32_t)v, host, name);
        free(s);
        s = n;
    }
    return s;
}

static int additional_gids(const BrigCtx *ctx, BrigJson *user, const char *uptr,
                           const BrigUserns *ns, const char *gid_map_ptr, BrigReport *rep,
                           BrigError **err)
{
    const BrigPolicy *pol = ctx->policy;
    BrigJson *gids = brig_json_get(user, "additionalGids");
    if (!gids)
        return 0;
    for (size_t i = 0; i < gids->n; i++) {
        uint64_t g;
        if (brig_json_to_uint64(gids->kids[i], &g) < 0 || g > UINT32_MAX) {
            _cleanup_free_ char *what = pass_describe(gids->kids[i]);
            return brig_error_set(err, EINVAL,
                                  "%s/additionalGids/%zu: expected an unsigned 32-bit integer, "
                                  "found %s",
                                  uptr, i, what);
        }
    }
    GidJudge j = {.pol = pol,
                  .host = ctx->host,
                  .map = ns ? &ns->gids : NULL,
                  .map_ptr = gid_map_ptr,
                  .uptr = uptr,
                  .rep = rep};
    BrigJson *before = NULL;
    for (size_t i = 0; i < gids->n && !before; i++)
        if (keep_gid(gids->kids[i], i, &(GidJudge){.pol = pol, .host = ctx->host, .map = j.map}) ==
            0)
            before = brig_json_copy(gids);
    /* in one pass (removal one by one is quadratic); refusals of unmapped
     * gids are recorded in it */
    brig_json_filter(gids, keep_gid, &j);
    if (before) {
        _cleanup_free_ char *p = xasprintf("%s/additionalGids", uptr);
        bool root;
        _cleanup_free_ char *sys = dropped_groups(&j, before, &root);
        if (sys)
            brig_report_fix(rep, p, before, gids,
                            "supplementary groups that are the host's system groups, %s, are not "
                            "granted by %s (hostGroups would)%s",
                            sys, brig_policy_source(pol), root ? "; nor is group 0 allowed" : "");
        else
            brig_report_fix(rep, p, before, gids, "supplementary group 0%s is not allowed by %s",
                            j.map ? " on the host" : "", brig_policy_source(pol));
        brig_json_free(before);
    }
    return 0;
}

/* The maps' names in messages: the config's, or at exec the running
 * container's, as the kernel has them. */
static const char *const config_maps[2] = {"/linux/uidMappings", "/linux/gidMappings"};
static const char *const exec_maps[2] = {"the container's uid_map", "the container's gid_map"};

/* ns: the user namespace the process runs in, or NULL (none: its ids are
 * the host's); names: config_maps or exec_maps. */
static int process_user_in(const BrigCtx *ctx, BrigJson *proc, const char *ptr,
                           const BrigUserns *ns, const char *const names[2], BrigReport *rep,
                           BrigError **err)
{
    _cleanup_free_ char *uptr = xasprintf("%s/user", ptr);
    int r = pass_check_type(proc, "user", BRIG_JSON_OBJECT, ptr, err);
    if (r < 0)
        return r;
    /* created only if an id is set: inside a user namespace an absent uid
     * (0) may well be allowed, and then nothing changes */
    BrigJson *user = brig_json_get(proc, "user");
    _cleanup_(brig_json_freep) BrigJson *fresh = NULL;
    if (!user)
        user = fresh = brig_json_new(BRIG_JSON_OBJECT);
    const BrigPolicy *pol = ctx->policy;
    uint64_t uid, gid;
    r = read_id(user, "uid", uptr, &uid, err);
    if (r < 0)
        return r;
    r = read_id(user, "gid", uptr, &gid, err);
    if (r < 0)
        return r;
    r = pass_check_type(user, "additionalGids", BRIG_JSON_ARRAY, uptr, err);
    if (r < 0)
        return r;
    /* an absent uid or gid is 0 to the runtime: judged as such */
    judge_id(ctx, user, "uid", uptr, (uint32_t)uid, pol->uid, ns ? &ns->uids : NULL, names[0], rep);
    judge_id(ctx, user, "gid", uptr, (uint32_t)gid, pol->gid, ns ? &ns->gids : NULL, names[1], rep);
    if (fresh && fresh->n > 0)
        brig_json_set(proc, "user", TAKE_PTR(fresh));
    return additional_gids(ctx, user, uptr, ns, names[1], rep, err);
}

/* The running container's user namespace at exec (cmd/ reads it from the
 * kernel), NULL when there is none or this is not an exec. */
static const BrigUserns *exec_ns(const BrigCtx *ctx)
{
    const BrigUserns *ns = ctx->host ? ctx->host->exec_userns : NULL;
    return ns && ns->enabled ? ns : NULL;
}

/* An exec process file carries no mapping: its ids are judged through the
 * namespace the exec joins, the running container's. */
int process_user(const BrigCtx *ctx, BrigJson *proc, const char *ptr, BrigReport *rep,
                 BrigError **err)
{
    return process_user_in(ctx, proc, ptr, exec_ns(ctx), exec_maps, rep, err);
}

/* Host id 0 in a mapping, refused unless granted.  One refusal per map. */
static void judge_map(const BrigPolicy *pol, const BrigIdMap *map, const char *key,
                      const char *what, BrigReport *rep)
{
    ssize_t i = brig_idmap_find_host(map, 0);
    if (i < 0 || pol->map_host_root)
        return;
    const BrigIdRange *r = &map->v[i];
    _cleanup_free_ char *p = xasprintf("/linux/%s/%zd", key, i);
    brig_report_refuse(rep, p, NULL,
                       "maps container %s %u to host %s 0: whatever runs as it is host root to "
                       "every file it can reach; %s does not allow it (mapHostRoot would)",
                       what, r->inside, what, brig_policy_source(pol));
}

/* A config's own mapping into brig's pool of per-container ranges
 * (userNamespace): the process would have the host ids of the container
 * brig holds that range for, or will give it to next (its files, its
 * RLIMIT_NPROC count), which the per-container ranges exist to keep apart.
 * Only the range brig holds for this very container may be mapped (its own
 * config, hardened before).  Refused, with no grant: brig gives a
 * container without a namespace of its own one, and ids /etc/subuid lists
 * lie below the pool. */
static void judge_pool(const BrigCtx *ctx, const BrigIdMap *map, const char *key, BrigReport *rep)
{
    if (!ctx->host || !ctx->host->userns_pool_meets || ctx->host->exec_userns)
        return;
    for (size_t i = 0; i < map->n; i++) {
        const BrigIdRange *r = &map->v[i];
        uint64_t lo, hi;
        uint32_t held;
        if (ctx->host->userns_pool_meets(r->host, (uint64_t)r->host + r->size, ctx->container_id,
                                         &lo, &hi, &held) <= 0)
            continue;
        _cleanup_free_ char *p = xasprintf("/linux/%s/%zu", key, i);
        _cleanup_free_ char *who =
            held ? xasprintf("the range %u-%u brig holds for another container", held, held + 65535)
                 : xstrdup("ranges brig gives to other containers");
        brig_report_refuse(rep, p, NULL,
                           "maps onto host ids %u-%llu, inside brig's pool of per-container "
                           "ranges (%llu-%llu), meeting %s: the process would share that "
                           "container's host ids; leave the user namespace to brig "
                           "(userNamespace), or map ids outside the pool (it starts above every "
                           "range /etc/subuid and /etc/subgid list)",
                           r->host, (unsigned long long)r->host + r->size - 1,
                           (unsigned long long)lo, (unsigned long long)hi - 1, who);
        return;
    }
}

int pass_user(const BrigCtx *ctx, BrigJson *spec, BrigReport *rep, BrigError **err)
{
    int r = pass_check_type(spec, "process", BRIG_JSON_OBJECT, "", err);
    if (r < 0)
        return r;
    BrigJson *linux_ = brig_json_get(spec, "linux");
    if (linux_) {
        r = pass_check_type(spec, "linux", BRIG_JSON_OBJECT, "", err);
        if (r == 0)
            r = pass_check_type(linux_, "uidMappings", BRIG_JSON_ARRAY, "/linux", err);
        if (r == 0)
            r = pass_check_type(linux_, "gidMappings", BRIG_JSON_ARRAY, "/linux", err);
        if (r < 0)
            return r;
    }
    _cleanup_(brig_userns_clear) BrigUserns ns = {0};
    r = brig_userns_read(spec, &ns, err);
    if (r < 0)
        return r;
    const BrigPolicy *pol = ctx->policy;
    if (ns.enabled && ns.path && !pol->map_host_root) {
        const BrigJson *ent = brig_json_get(linux_, "namespaces")->kids[ns.index];
        _cleanup_free_ char *p = xasprintf("/linux/namespaces/%zu/path", ns.index);
        brig_report_refuse(rep, p, brig_json_get(ent, "path"),
                           "joins the user namespace %s, whose mapping is not in the config and "
                           "may include host root; %s does not allow it (mapHostRoot would)",
                           ns.path, brig_policy_source(pol));
    }
    if (ns.enabled) {
        judge_map(pol, &ns.uids, "uidMappings", "uid", rep);
        judge_map(pol, &ns.gids, "gidMappings", "gid", rep);
        judge_pool(ctx, &ns.uids, "uidMappings", rep);
        judge_pool(ctx, &ns.gids, "gidMappings", rep);
    }
    BrigJson *proc = brig_json_get(spec, "process");
    if (!proc)
        return 0;
    /* a joined namespace without mappings in the config: the ids cannot be
     * judged as the host sees them; refused above unless granted, and then
     * judged as they are written */
    bool mapped = ns.enabled && ns.has_uids && ns.has_gids;
    /* runc's inline exec runs config.json's process in the container's
     * namespace, whatever the file's mappings say now */
    if (ctx->host && ctx->host->exec_userns)
        return process_user_in(ctx, proc, "/process", exec_ns(ctx), exec_maps, rep, err);
    return process_user_in(ctx, proc, "/process", mapped ? &ns : NULL, config_maps, rep, err);
}
