/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The host paths a mount reads: which a container may have.
 *
 * A path is judged as the host will resolve it.  It must be absolute (runc
 * and crun join a relative source to the bundle directory, which holds the
 * image's rootfs) and free of "..", is folded lexically, then resolved on
 * the host following only symlinks that root alone controls (hostpath.h);
 * meeting any other symlink is a refusal.  The decision is then made on the
 * real path AND on the path as written, so neither spelling can hide:
 *
 *  - a character or block device is refused unless the policy's "devices"
 *    grants that very device (type, major, minor);
 *  - a socket is refused unless "hostSockets" names it (read-only does not
 *    stop connect());
 *  - the per-container files and volumes the engines bind are allowed:
 *    those of THIS container ($ID from argv), pod ($POD) or sandbox
 *    ($SANDBOX), named volumes, and, read-only, another container's
 *    hostname/hosts/resolv.conf (a container sharing another's network gets
 *    that container's); another container's /dev/shm only when the config
 *    joins an existing IPC namespace;
 *  - "hostPathsReadOnly" allows a path and what is below it, read-only;
 *    /dev/shm is the host's own IPC when "hostNamespaces" grants ipc;
 *  - then brig's sensitive paths are refused: the host's root and system
 *    directories as such, and with everything below them /dev, /proc, /sys,
 *    the engines' sockets and data directories, the cluster's credentials;
 *    a path that contains one of them is refused too.
 *
 * $POD and $SANDBOX come from annotations, which whoever creates a container
 * may write; they count only where the engine, not the user, writes them:
 * for a container whose bundle is containerd's CRI namespace
 * (.../io.containerd.runtime.v2.task/k8s.io/<this id>, which Docker and
 * Podman containers never have; containerd overwrites its own keys), or when
 * the policy lists the key in "trustedAnnotations" (CRI-O).
 *
 * The grants and the sensitive list are the admin's: their symlinks are all
 * followed, and each is compared in both spellings. */
#include <stdio.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "mounts.h"

/* Sensitive as such; binding /etc/hosts or /usr/share/zoneinfo is ordinary. */
static const char *const exact[] = {
    "/", "/etc", "/boot", "/usr", "/lib", "/lib64", "/bin", "/sbin", "/root",
};

/* Sensitive with everything below: device nodes and kernel interfaces (any
 * file can reconfigure the host), engine sockets (root on the host to
 * whoever can talk to them), the engines' state (every container's rootfs
 * and config), the runtimes' and brig's own state (runc's and crun's
 * state.json of every container; brig's idmapped views of every
 * container's rootfs and binds, including another container's secrets,
 * its id ranges, learn data), the cluster-admin credentials of
 * control-plane nodes. */
static const char *const subtree[] = {
    "/dev",
    "/proc",
    "/sys",
    "/run/docker.sock",
    "/run/docker",
    "/run/containerd",
    "/run/podman",
    "/run/crio",
    "/run/containers",
    "/run/buildkit",
    "/run/cri-dockerd.sock",
    "/var/lib/docker",
    "/var/lib/containerd",
    "/var/lib/containers",
    "/var/lib/kubelet",
    "/var/lib/buildkit",
    "/run/runc",
    "/run/crun",
    "/run/brig",
    "/var/lib/brig",
    "/etc/kubernetes",
};

/* A path in both spellings: as written (folded) and real on this host. */
typedef struct {
    char *lex, *real;
} Spelled;

struct MountHost {
    const BrigCtx *ctx;
    MountIds ids;
    bool ready;
    Spelled exact[ELEMENTSOF(exact)], subtree[ELEMENTSOF(subtree)];
    const char *root_lex[MOUNT_N_ENGINE_DATA], *root_real[MOUNT_N_ENGINE_DATA]; /* of subtree */
    Spelled *ro, *sockets; /* the policy's grants */
    size_t n_ro, n_sockets;
    const char **nofollow; /* NULL-terminated; borrows the strings above */
    char *bundle;          /* the bundle directory's real path, or NULL */
};

char *mount_normalize(const char *path)
{
    bool abs = path[0] == '/';
    char *out = xmalloc(strlen(path) + 2), *o = out;
    for (const char *p = path; *p;) {
        while (*p == '/')
            p++;
        const char *e = strchrnul(p, '/');
        size_t n = (size_t)(e - p);
        if (n > 0 && !(n == 1 && p[0] == '.')) {
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

bool mount_path_under(const char *a, const char *b)
{
    size_t n = strlen(b);
    if (streq(b, "/"))
        return a[0] == '/';
    return strncmp(a, b, n) == 0 && (a[n] == '\0' || a[n] == '/');
}

static bool has_dotdot(const char *path)
{
    for (const char *p = path; (p = strstr(p, "..")); p += 2)
        if ((p == path || p[-1] == '/') && (p[2] == '\0' || p[2] == '/'))
            return true;
    return false;
}

MountHost *mount_host_new(const BrigCtx *ctx, const BrigJson *spec)
{
    MountHost *h = xcalloc(1, sizeof(*h));
    h->ctx = ctx;
    mount_ids_init(ctx, spec, &h->ids);
    return h;
}

const BrigCtx *mount_host_ctx(const MountHost *h)
{
    return h->ctx;
}

static void spelled_clear(Spelled *s)
{
    free(s->lex);
    free(s->real);
}

void mount_host_free(MountHost *h)
{
    if (!h)
        return;
    for (size_t i = 0; i < ELEMENTSOF(exact); i++)
        spelled_clear(&h->exact[i]);
    for (size_t i = 0; i < ELEMENTSOF(subtree); i++)
        spelled_clear(&h->subtree[i]);
    for (size_t i = 0; i < h->n_ro; i++)
        spelled_clear(&h->ro[i]);
    for (size_t i = 0; i < h->n_sockets; i++)
        spelled_clear(&h->sockets[i]);
    free(h->ro);
    free(h->sockets);
    free(h->nofollow);
    free(h->bundle);
    free(h);
}

static Spelled *lex_list(char *const *v, size_t *ret_n)
{
    size_t n = 0;
    while (v && v[n])
        n++;
    Spelled *s = xcalloc(n + 1, sizeof(*s));
    for (size_t i = 0; i < n; i++)
        s[i].lex = mount_normalize(v[i]);
    *ret_n = n;
    return s;
}

/* The admin's paths in both spellings, resolved at once (they share most
 * prefixes), and only for a config that mounts a host path at all; real =
 * lex when the host cannot say. */
static void mount_host_ready(MountHost *h)
{
    if (h->ready)
        return;
    h->ready = true;
    h->ro = lex_list(h->ctx->policy->host_paths_ro, &h->n_ro);
    h->sockets = lex_list(h->ctx->policy->host_sockets, &h->n_sockets);
    /* no --bundle is the current directory, as runc and crun read it; a
     * relative one is resolved from there by the host */
    const char *b = h->ctx->bundle ? h->ctx->bundle : ".";
    Spelled bundle = {.lex = b[0] == '/' ? mount_normalize(b) : xstrdup(b)};

    size_t n = ELEMENTSOF(exact) + ELEMENTSOF(subtree) + h->n_ro + h->n_sockets + 1, k = 0;
    _cleanup_free_ Spelled **all = xcalloc(n, sizeof(*all));
    for (size_t i = 0; i < ELEMENTSOF(exact); i++) {
        h->exact[i].lex = xstrdup(exact[i]);
        all[k++] = &h->exact[i];
    }
    for (size_t i = 0; i < ELEMENTSOF(subtree); i++) {
        h->subtree[i].lex = xstrdup(subtree[i]);
        all[k++] = &h->subtree[i];
    }
    for (size_t i = 0; i < h->n_ro; i++)
        all[k++] = &h->ro[i];
    for (size_t i = 0; i < h->n_sockets; i++)
        all[k++] = &h->sockets[i];
    all[k++] = &bundle;
    _cleanup_free_ const char **lex = xcalloc(k + 1, sizeof(*lex));
    _cleanup_free_ char **real = xcalloc(k + 1, sizeof(*real));
    for (size_t i = 0; i < k; i++)
        lex[i] = all[i]->lex;
    const BrigHost *host = h->ctx->host;
    if (host && host->resolve_paths_all)
        host->resolve_paths_all(lex, k, real);
    for (size_t i = 0; i < k; i++)
        all[i]->real = real[i] ? real[i] : xstrdup(all[i]->lex);

    /* every engine data directory is a sensitive subtree: spelled once */
    for (size_t i = 0; i < MOUNT_N_ENGINE_DATA; i++)
        for (size_t j = 0; j < ELEMENTSOF(subtree); j++)
            if (streq(mount_engine_data[i], subtree[j])) {
                h->root_lex[i] = h->subtree[j].lex;
                h->root_real[i] = h->subtree[j].real;
            }
    size_t f = 0;
    h->nofollow = xcalloc(2 * MOUNT_N_ENGINE_DATA + 2, sizeof(char *));
    for (size_t i = 0; i < MOUNT_N_ENGINE_DATA; i++) {
        h->nofollow[f++] = h->root_lex[i];
        h->nofollow[f++] = h->root_real[i];
    }
    /* The bundle holds the image's rootfs: nothing there is root's own. */
    h->bundle = bundle.real;
    if (h->bundle[0] == '/')
        h->nofollow[f++] = h->bundle;
    free(bundle.lex);
    h->nofollow[f] = NULL;
}

static bool either_under(const char *path, const Spelled *s)
{
    return mount_path_under(path, s->lex) || mount_path_under(path, s->real);
}

/* The sensitive path `p` is, is below or contains; NULL if none. */
static const char *sensitive(const MountHost *h, const char *p, const char **ret_rel)
{
    for (size_t i = 0; i < ELEMENTSOF(exact); i++)
        if (streq(p, h->exact[i].lex) || streq(p, h->exact[i].real)) {
            *ret_rel = "is";
            return exact[i];
        }
    for (size_t i = 0; i < ELEMENTSOF(subtree); i++)
        if (either_under(p, &h->subtree[i])) {
            *ret_rel =
                streq(p, h->subtree[i].lex) || streq(p, h->subtree[i].real) ? "is" : "is below";
            return subtree[i];
        }
    for (size_t i = 0; i < ELEMENTSOF(subtree); i++)
        if (mount_path_under(h->subtree[i].lex, p) || mount_path_under(h->subtree[i].real, p)) {
            *ret_rel = "contains";
            return subtree[i];
        }
    return NULL;
}

static bool device_granted(const BrigPolicy *pol, char type, uint64_t rdev)
{
    for (char **d = pol->devices; d && *d; d++) {
        BrigDeviceGrant g;
        if (brig_device_grant_parse(*d, &g) == 0 && g.type == type &&
            g.major == (int64_t)major(rdev) && (g.minor < 0 || g.minor == (int64_t)minor(rdev)))
            return true;
    }
    return false;
}

/* brig's own idmapped view for this very container (/run/brig/ct/KEY/ID/,
 * KEY 16 hex digits): what an exec's re-read of the hardened config names
 * (runc's inline exec).  Another container's views are refused with the
 * rest of /run/brig. */
static bool own_view(const char *id, const char *path)
{
    static const char prefix[] = "/run/brig/ct/";
    if (!id || !*id || !startswith(path, prefix))
        return false;
    const char *k = path + sizeof(prefix) - 1;
    if (strspn(k, "0123456789abcdef") != 16 || k[16] != '/')
        return false;
    size_t n = strlen(id);
    return strncmp(k + 17, id, n) == 0 && k[17 + n] == '/';
}

PathVerdict mount_judge_host_path(MountHost *h, const char *raw, const char *what, const char *dest,
                                  const char *ptr, const BrigJson *val, BrigReport *rep)
{
    const BrigCtx *ctx = h->ctx;
    const char *pol = brig_policy_source(ctx->policy);
    if (raw[0] != '/') {
        /* runc and crun join it to the bundle directory, where the image's
         * rootfs and whatever the bundle's author put there can redirect it */
        brig_report_refuse(rep, ptr, val,
                           "%s \"%s\" is not an absolute path: the runtime would resolve it in "
                           "the bundle directory, which the image and the bundle's author "
                           "control; %s allows only absolute host paths (mounted at %s)",
                           what, raw, pol, dest);
        return PATH_REFUSED;
    }
    if (has_dotdot(raw)) {
        /* the kernel resolves ".." after following symlinks */
        brig_report_refuse(rep, ptr, val,
                           "%s %s has a \"..\" component, which only the host's filesystem can "
                           "resolve (symlinks); %s does not allow mounting it at %s",
                           what, raw, pol, dest);
        return PATH_REFUSED;
    }
    mount_host_ready(h);
    _cleanup_free_ char *lex = mount_normalize(raw);
    _cleanup_free_ char *real = NULL;
    BrigHostPath hp = {0};
    if (ctx->host && ctx->host->resolve_path) {
        int r = ctx->host->resolve_path(lex, BRIG_RESOLVE_MISSING_OK, h->nofollow, &hp);
        if (r == -ELOOP && hp.untrusted_link) {
            brig_report_refuse(rep, ptr, val,
                               "%s %s goes through the symlink %s, which is not root's alone "
                               "(owned by root, in a directory only root can write, outside the "
                               "bundle and the engines' data directories): its target could "
                               "change after brig's check; %s does not allow mounting it at %s",
                               what, raw, hp.untrusted_link, pol, dest);
            brig_host_path_clear(&hp);
            return PATH_REFUSED;
        }
        if (r == 0)
            real = TAKE_PTR(hp.real);
    }
    if (!real)
        real = xstrdup(lex);
    bool exists = hp.exists;
    uint32_t mode = hp.mode;
    uint64_t rdev = hp.rdev;
    brig_host_path_clear(&hp);
    _cleanup_free_ char *shown =
        streq(real, lex) ? xstrdup(lex) : xasprintf("%s (on this host %s)", lex, real);

    if (exists && (S_ISCHR(mode) || S_ISBLK(mode))) {
        char t = S_ISCHR(mode) ? 'c' : 'b';
        if (device_granted(ctx->policy, t, rdev))
            return PATH_OK;
        brig_report_refuse(rep, ptr, val,
                           "%s %s is the host device %c %u:%u; %s does not grant it (policy "
                           "\"devices\": [\"%c %u:%u\"])",
                           what, shown, t, major(rdev), minor(rdev), pol, t, major(rdev),
                           minor(rdev));
        return PATH_REFUSED;
    }
    int ef = mount_engine_file(&h->ids, h->root_lex, h->root_real, real);
    if (ef >= 0)
        return ef ? PATH_READ_ONLY : PATH_OK;
    if (own_view(h->ids.id, real) && own_view(h->ids.id, lex))
        return PATH_OK;
    if (exists && S_ISSOCK(mode)) {
        for (size_t i = 0; i < h->n_sockets; i++)
            if (streq(real, h->sockets[i].real) || streq(lex, h->sockets[i].lex))
                return PATH_OK;
        brig_report_refuse(rep, ptr, val,
                           "%s %s is a socket: whoever can connect() to it commands the service "
                           "behind it, read-only or not; %s does not grant it (policy "
                           "\"hostSockets\")",
                           what, shown, pol);
        return PATH_REFUSED;
    }
    if ((ctx->policy->host_namespaces & BRIG_NS_IPC) &&
        (mount_path_under(real, "/dev/shm") || mount_path_under(real, "/dev/mqueue")))
        return PATH_OK; /* the host's IPC, which the policy shares */
    /* decided on the real path: a grant of /srv/data does not reach through
     * a symlink /srv/data/x -> /etc */
    for (size_t i = 0; i < h->n_ro; i++)
        if (mount_path_under(real, h->ro[i].real) || mount_path_under(real, h->ro[i].lex))
            return PATH_READ_ONLY;
    const char *rel = NULL;
    const char *s = sensitive(h, real, &rel);
    if (!s)
        s = sensitive(h, lex, &rel);
    if (!s)
        return PATH_OK;
    /* an engine's socket, even one that is not there on this host */
    bool sock = strlen(s) > 5 && streq(s + strlen(s) - 5, ".sock");
    brig_report_refuse(rep, ptr, val,
                       "%s %s %s the sensitive host path %s; %s does not allow mounting it at %s "
                       "(policy %s)",
                       what, shown, rel, s, pol, dest,
                       sock ? "\"hostSockets\" grants a socket"
                            : "\"hostPathsReadOnly\" grants a path read-only");
    return PATH_REFUSED;
}
