/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The engines' own per-container files, which a container may have although
 * they sit in the engines' data directories: those of THIS container, pod or
 * sandbox (mount_paths.c says how they are judged, and why $POD and
 * $SANDBOX come only from where the engine writes them). */
#include <stdio.h>

#include "mounts.h"

/* Where the engines keep what containers and images wrote: no symlink
 * below is followed, whoever owns it. */
const char *const mount_engine_data[MOUNT_N_ENGINE_DATA] = {
    "/var/lib/docker", "/var/lib/containerd", "/run/containerd",   "/var/lib/containers",
    "/run/containers", "/var/lib/kubelet",    "/var/lib/buildkit",
};

enum {
    EF_BELOW = 1 << 0,    /* and everything below */
    EF_RO = 1 << 1,       /* read-only */
    EF_IPC_JOIN = 1 << 2, /* only for a config that joins an IPC namespace */
};

/* The engines' per-container files, relative to their data directory;
 * "*" is one path component, $ID/$POD/$SANDBOX this container's. */
static const struct {
    const char *root, *tail;
    unsigned flags;
} engine_files[] = {
    {"/var/lib/docker", "containers/$ID/hostname", 0},
    {"/var/lib/docker", "containers/$ID/hosts", 0},
    {"/var/lib/docker", "containers/$ID/resolv.conf", 0},
    {"/var/lib/docker", "containers/$ID/mounts", EF_BELOW}, /* its shm, its secrets */
    {"/var/lib/docker", "containers/$ID/shm", EF_BELOW},    /* before Docker 1.13 */
    {"/var/lib/docker", "containers/*/hostname", EF_RO},
    {"/var/lib/docker", "containers/*/hosts", EF_RO},
    {"/var/lib/docker", "containers/*/resolv.conf", EF_RO},
    {"/var/lib/docker", "containers/*/mounts/shm", EF_IPC_JOIN},
    {"/var/lib/docker", "volumes/*/_data", EF_BELOW},
    {"/var/lib/kubelet", "pods/$POD/*", EF_BELOW},
    {"/var/lib/containerd", "io.containerd.grpc.v1.cri/sandboxes/$SANDBOX/*", EF_BELOW},
    {"/run/containerd", "io.containerd.grpc.v1.cri/sandboxes/$SANDBOX/*", EF_BELOW},
    {"/var/lib/containers", "storage/overlay-containers/$ID/userdata/*", EF_BELOW},
    {"/run/containers", "storage/overlay-containers/$ID/userdata/*", EF_BELOW},
    {"/var/lib/containers", "storage/overlay-containers/*/userdata/hostname", EF_RO},
    {"/var/lib/containers", "storage/overlay-containers/*/userdata/hosts", EF_RO},
    {"/var/lib/containers", "storage/overlay-containers/*/userdata/resolv.conf", EF_RO},
    {"/run/containers", "storage/overlay-containers/*/userdata/hostname", EF_RO},
    {"/run/containers", "storage/overlay-containers/*/userdata/hosts", EF_RO},
    {"/run/containers", "storage/overlay-containers/*/userdata/resolv.conf", EF_RO},
    {"/var/lib/containers", "storage/overlay-containers/*/userdata/shm", EF_IPC_JOIN},
    {"/var/lib/containers", "storage/volumes/*/_data", EF_BELOW},
};

static const char *annotation(const BrigJson *spec, const char *key)
{
    return brig_json_str(brig_json_get(brig_json_get(spec, "annotations"), key));
}

static bool trusted_key(const BrigPolicy *p, const char *key)
{
    for (char **t = p->trusted_annotations; t && *t; t++)
        if (streq(*t, key))
            return true;
    return false;
}

/* containerd's CRI plugin runs every pod in its "k8s.io" namespace, and the
 * shim names the bundle after it; a Docker (moby) or Podman bundle never
 * sits there. */
static bool cri_bundle(const BrigCtx *ctx)
{
    if (!ctx->bundle || !ctx->container_id || strchr(ctx->container_id, '/'))
        return false;
    _cleanup_free_ char *b = mount_normalize(ctx->bundle);
    _cleanup_free_ char *tail =
        xasprintf("/io.containerd.runtime.v2.task/k8s.io/%s", ctx->container_id);
    size_t bl = strlen(b), tl = strlen(tail);
    return bl > tl && streq(b + bl - tl, tail);
}

static const char *id_annotation(const BrigCtx *ctx, const BrigJson *spec, bool cri,
                                 const char *key)
{
    const char *v = annotation(spec, key);
    if (!v || !*v || strchr(v, '/') || streq(v, ".") || streq(v, ".."))
        return NULL;
    return cri || trusted_key(ctx->policy, key) ? v : NULL;
}

void mount_ids_init(const BrigCtx *ctx, const BrigJson *spec, MountIds *ret)
{
    *ret = (MountIds){0};
    const char *id = ctx->container_id;
    ret->id = id && *id && !strchr(id, '/') && !streq(id, ".") && !streq(id, "..") ? id : NULL;
    bool cri = cri_bundle(ctx);
    ret->pod = id_annotation(ctx, spec, cri, "io.kubernetes.cri.sandbox-uid");
    if (!ret->pod)
        ret->pod = id_annotation(ctx, spec, false, "io.kubernetes.pod.uid");
    ret->sandbox = id_annotation(ctx, spec, cri, "io.kubernetes.cri.sandbox-id");
    const BrigJson *ns;
    BRIG_JSON_FOREACH (ns, brig_json_get(brig_json_get(spec, "linux"), "namespaces"))
        if (streq(brig_json_str(brig_json_get(ns, "type")), "ipc") &&
            brig_json_str(brig_json_get(ns, "path")))
            ret->ipc_join = true;
}

/* Matches the rest of a path below an engine root against a tail pattern. */
static bool tail_match(const MountIds *h, const char *rest, const char *pattern, bool below)
{
    while (*pattern) {
        size_t pn = strcspn(pattern, "/"), n = strcspn(rest, "/");
        if (n == 0 || (n == 1 && rest[0] == '.') || (n == 2 && rest[0] == '.' && rest[1] == '.'))
            return false;
        const char *want = NULL;
        if (pn == 3 && startswith(pattern, "$ID"))
            want = h->id;
        else if (pn == 4 && startswith(pattern, "$POD"))
            want = h->pod;
        else if (pn == 8 && startswith(pattern, "$SANDBOX"))
            want = h->sandbox;
        if (pn == 1 && pattern[0] == '*') {
            /* any one component */
        } else if (pattern[0] == '$') {
            if (!want || strlen(want) != n || strncmp(rest, want, n) != 0)
                return false;
        } else if (pn != n || strncmp(rest, pattern, n) != 0) {
            return false;
        }
        rest += n, pattern += pn;
        if (*pattern == '/')
            pattern++;
        if (*pattern && *rest != '/')
            return false;
        if (*pattern)
            rest++;
    }
    return *rest == '\0' || (below && *rest == '/');
}

int mount_engine_file(const MountIds *h, const char *const *root_lex, const char *const *root_real,
                      const char *real)
{
    for (size_t i = 0; i < ELEMENTSOF(engine_files); i++) {
        if ((engine_files[i].flags & EF_IPC_JOIN) && !h->ipc_join)
            continue;
        size_t k = 0;
        while (k + 1 < MOUNT_N_ENGINE_DATA && !streq(mount_engine_data[k], engine_files[i].root))
            k++;
        const char *spellings[2] = {root_lex[k], root_real[k]};
        for (size_t s = 0; s < 2; s++) {
            size_t n = strlen(spellings[s]);
            if (mount_path_under(real, spellings[s]) && real[n] == '/' &&
                tail_match(h, real + n + 1, engine_files[i].tail, engine_files[i].flags & EF_BELOW))
                return engine_files[i].flags & EF_RO ? 1 : 0;
        }
    }
    return -1;
}
