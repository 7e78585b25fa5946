/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "invariants.h"

#include <stdio.h>
#include <string.h>

#include "caps.h"
#include "tmpfs_size.h"
#include "util.h"

static uint64_t cap_mask(const BrigJson *set)
{
    uint64_t m = 0;
    const BrigJson *e;
    BRIG_JSON_FOREACH (e, set) {
        int n = brig_cap_from_name(brig_json_str(e));
        if (n >= 0)
            m |= UINT64_C(1) << n;
    }
    return m;
}

static bool has_userns(const BrigJson *spec)
{
    const BrigJson *ns;
    BRIG_JSON_FOREACH (ns, brig_json_get_path(spec, "linux/namespaces"))
        if (streq(brig_json_str(brig_json_get(ns, "type")), "user"))
            return true;
    return false;
}

/* The host id of a container id, read from the config's mapping directly
 * (not through lib/userns/mapping.c, which is what is under test); without a user
 * namespace (or a config: an exec process file) the id itself.  False when
 * the mapping does not map it. */
static bool host_id(const BrigJson *spec, const char *map, uint64_t id, uint64_t *ret)
{
    if (!spec || !has_userns(spec)) {
        *ret = id;
        return true;
    }
    const BrigJson *r;
    BRIG_JSON_FOREACH (r, brig_json_get_path(spec, map)) {
        uint64_t c, h, n;
        if (brig_json_to_uint64(brig_json_get(r, "containerID"), &c) < 0 ||
            brig_json_to_uint64(brig_json_get(r, "hostID"), &h) < 0 ||
            brig_json_to_uint64(brig_json_get(r, "size"), &n) < 0)
            continue;
        if (id >= c && id - c < n) {
            *ret = h + (id - c);
            return true;
        }
    }
    return false;
}

/* uid and gid as the host sees them; spec is NULL for a process file. */
static const char *check_ids(const BrigJson *out_proc, const BrigJson *spec,
                             const BrigPolicy *policy)
{
    static const struct {
        const char *key, *map;
    } ids[] = {{"user/uid", "linux/uidMappings"}, {"user/gid", "linux/gidMappings"}};
    for (size_t i = 0; i < ELEMENTSOF(ids); i++) {
        uint64_t id, host;
        if (brig_json_to_uint64(brig_json_get_path(out_proc, ids[i].key), &id) < 0)
            continue;
        if (!host_id(spec, ids[i].map, id, &host))
            return i == 0 ? "an unmapped uid survived" : "an unmapped gid survived";
        if (host == 0 && !policy->allow_root)
            return i == 0 ? "uid 0 survived (host uid 0)" : "gid 0 survived (host gid 0)";
    }
    return NULL;
}

const char *fuzz_check_tightened(const BrigJson *in_proc, const BrigJson *out_proc,
                                 const BrigPolicy *policy)
{
    return fuzz_check_process(in_proc, out_proc, NULL, policy);
}

const char *fuzz_check_process(const BrigJson *in_proc, const BrigJson *out_proc,
                               const BrigJson *spec, const BrigPolicy *policy)
{
    if (!out_proc)
        return in_proc ? "process disappeared" : NULL;
    if (!brig_json_is_true(brig_json_get(out_proc, "noNewPrivileges")))
        return "noNewPrivileges is not true";
    const char *why = check_ids(out_proc, spec, policy);
    if (why)
        return why;
    int64_t adj;
    if (brig_json_to_int64(brig_json_get(out_proc, "oomScoreAdj"), &adj) == 0 &&
        adj < policy->oom_score_adj_min)
        return "oomScoreAdj below the policy's floor survived";
    const BrigJson *rl;
    BRIG_JSON_FOREACH (rl, brig_json_get(out_proc, "rlimits")) {
        int k = brig_rlimit_from_name(brig_json_str(brig_json_get(rl, "type")));
        if (k < 0)
            return "an rlimit runc or crun would refuse survived";
        uint64_t hard = 0, soft = 0;
        brig_json_to_uint64(brig_json_get(rl, "hard"), &hard);
        brig_json_to_uint64(brig_json_get(rl, "soft"), &soft);
        if (hard > policy->rlimit_max[k] || soft > policy->rlimit_max[k])
            return "an rlimit above the policy's ceiling survived";
    }
    const BrigJson *ic = brig_json_get(in_proc, "capabilities");
    const BrigJson *oc = brig_json_get(out_proc, "capabilities");
    static const char *const sets[] = {"bounding", "effective", "permitted", "inheritable",
                                       "ambient"};
    uint64_t in_any = 0;
    for (size_t s = 0; s < 3; s++)
        in_any |= ic ? cap_mask(brig_json_get(ic, sets[s])) : ~UINT64_C(0);
    for (size_t s = 0; s < 5; s++) {
        uint64_t out = cap_mask(brig_json_get(oc, sets[s]));
        if (out & ~policy->caps_allowed)
            return "a capability the policy does not allow survived";
        if (out & ~in_any)
            return "a capability the input did not have was added";
    }
    return NULL;
}

/* ------------------------------------------------------------------ config */

static _Thread_local char msg[512];

#define FAIL(...)                                                                                  \
    do {                                                                                           \
        snprintf(msg, sizeof(msg), __VA_ARGS__);                                                   \
        return msg;                                                                                \
    } while (0)

bool fuzz_refused(const BrigReport *rep)
{
    return brig_report_count(rep, BRIG_REFUSE) > 0;
}

/* Folds "//", "/./", "..", a trailing "/" and /var/run (a link to /run) as
 * the kernel would on a plain host: the check's own reading, not brig's. */
static void fold(const char *path, char *out, size_t size)
{
    size_t o = 0;
    out[0] = '\0';
    for (const char *p = path; *p;) {
        while (*p == '/')
            p++;
        size_t n = strcspn(p, "/");
        if (n == 0 || (n == 1 && p[0] == '.')) {
            /* nothing */
        } else if (n == 2 && p[0] == '.' && p[1] == '.') {
            while (o > 0 && out[o - 1] != '/')
                o--;
            if (o > 0)
                o--;
        } else if (o + n + 2 < size) {
            out[o++] = '/';
            memcpy(out + o, p, n);
            o += n;
        }
        p += n;
    }
    if (o == 0)
        out[o++] = '/';
    out[o] = '\0';
    if (strncmp(out, "/var/run", 8) == 0 && (out[8] == '\0' || out[8] == '/'))
        memmove(out, out + 4, strlen(out + 4) + 1);
}

static bool under(const char *a, const char *b)
{
    size_t n = strlen(b);
    return streq(b, "/") || (strncmp(a, b, n) == 0 && (a[n] == '\0' || a[n] == '/'));
}

/* Host paths no container of the default policy may bind or overlay: as
 * such, or anything below, or anything above (a parent holds them). */
static const char *const never_exact[] = {"/",    "/etc",   "/dev", "/boot", "/usr",
                                          "/lib", "/lib64", "/bin", "/sbin", "/root"};
static const char *const never_below[] = {
    "/proc",
    "/sys",
    "/run/docker.sock",
    "/run/docker",
    "/run/containerd",
    "/run/crio",
    "/run/podman",
    "/run/containers",
    "/var/lib/docker",
    "/var/lib/containerd",
    "/var/lib/containers",
    "/var/lib/kubelet",
    "/etc/kubernetes",
    "/boot",
    "/root",
};
/* The engines' per-container files ("*" is one component; may go deeper). */
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

static bool matches_engine_file(const char *path)
{
    for (size_t i = 0; i < ELEMENTSOF(engine_files); i++) {
        const char *p = path, *q = engine_files[i];
        bool ok = true;
        while (*q && ok) {
            if (*p != '/' || *q != '/') {
                ok = false;
                break;
            }
            p++, q++;
            size_t pn = strcspn(p, "/"), qn = strcspn(q, "/");
            ok = pn > 0 && ((qn == 1 && q[0] == '*') || (pn == qn && !strncmp(p, q, pn)));
            p += pn, q += qn;
        }
        if (ok && (*p == '\0' || *p == '/'))
            return true;
    }
    return false;
}

static const char *sensitive(const char *raw, const BrigPolicy *policy, const BrigJson *opts)
{
    if (raw[0] != '/')
        return NULL; /* relative to the bundle; brig refuses ".." climbs */
    static _Thread_local char p[4096];
    fold(raw, p, sizeof(p));
    for (char **g = policy->host_paths_ro; g && *g; g++) {
        char gp[4096];
        fold(*g, gp, sizeof(gp));
        if (under(p, gp))
            return brig_json_array_has_string(opts, "ro") ? NULL : "a granted path not read-only";
    }
    if (matches_engine_file(p))
        return NULL;
    for (size_t i = 0; i < ELEMENTSOF(never_exact); i++)
        if (streq(p, never_exact[i]))
            return never_exact[i];
    for (size_t i = 0; i < ELEMENTSOF(never_below); i++)
        if (under(p, never_below[i]) || under(never_below[i], p))
            return never_below[i];
    return NULL;
}

static const char *check_mounts(const BrigJson *out, const BrigPolicy *policy)
{
    const BrigJson *m;
    size_t i = 0;
    BRIG_JSON_FOREACH (m, brig_json_get(out, "mounts")) {
        const char *type = brig_json_str(brig_json_get(m, "type"));
        const char *src = brig_json_str(brig_json_get(m, "source"));
        const char *dest = brig_json_str(brig_json_get(m, "destination"));
        const BrigJson *opts = brig_json_get(m, "options"), *o;
        bool bind = streq(type, "bind") || brig_json_array_has_string(opts, "bind") ||
                    brig_json_array_has_string(opts, "rbind");
        const char *s;
        if (bind && src && (s = sensitive(src, policy, opts)))
            FAIL("/mounts/%zu binds %s (sensitive: %s)", i, src, s);
        BRIG_JSON_FOREACH (o, opts) {
            const char *t = brig_json_str(o);
            if (!t)
                continue;
            if (streq(t, "shared") || streq(t, "rshared"))
                FAIL("/mounts/%zu keeps %s propagation", i, t);
            if (bind && (streq(t, "suid")))
                FAIL("/mounts/%zu: a bind keeps suid", i);
            if (streq(type, "overlay") &&
                (!strncmp(t, "lowerdir=", 9) || !strncmp(t, "upperdir=", 9) ||
                 !strncmp(t, "workdir=", 8))) {
                char list[4096];
                snprintf(list, sizeof(list), "%s", strchr(t, '=') + 1);
                char *save = NULL;
                for (char *d = strtok_r(list, ":", &save); d; d = strtok_r(NULL, ":", &save))
                    if ((s = sensitive(d, policy, opts)))
                        FAIL("/mounts/%zu: overlay %s (sensitive: %s)", i, t, s);
            }
        }
        if (bind && !brig_json_array_has_string(opts, "nosuid"))
            FAIL("/mounts/%zu: a bind without nosuid", i);
        if (streq(type, "devtmpfs"))
            FAIL("/mounts/%zu: devtmpfs", i);
        /* every tmpfs bounded, as the kernel reads its options on the
         * harness's host (4 KiB pages, 8 GiB; no image read, so no room
         * for a writable path's copy) */
        if (streq(type, "tmpfs") && !bind) {
            BrigTmpfsBounds b = {0};
            const char *why = NULL;
            BRIG_JSON_FOREACH (o, opts)
                if (brig_json_str(o) &&
                    brig_tmpfs_option(brig_json_str(o), UINT64_C(8) << 30, 4096, &b, &why) < 0)
                    FAIL("/mounts/%zu: tmpfs option %s kept (%s)", i, brig_json_str(o), why);
            if (b.blocks == 0 || b.blocks > (policy->tmpfs_size + 4095) / 4096)
                FAIL("/mounts/%zu: tmpfs of %llu pages (tmpfsSize %llu)", i,
                     (unsigned long long)b.blocks, (unsigned long long)policy->tmpfs_size);
            if (b.inodes == 0 || b.inodes > policy->tmpfs_inodes)
                FAIL("/mounts/%zu: tmpfs of %llu inodes (tmpfsInodes %llu)", i,
                     (unsigned long long)b.inodes, (unsigned long long)policy->tmpfs_inodes);
        }
        char d[4096];
        fold(dest ? dest : "", d, sizeof(d));
        if ((streq(type, "proc") && !streq(d, "/proc")) ||
            (streq(type, "sysfs") && !streq(d, "/sys")))
            FAIL("/mounts/%zu: %s at %s escapes the masked paths", i, type, dest);
        if (streq(type, "sysfs") && !brig_json_array_has_string(opts, "ro"))
            FAIL("/mounts/%zu: a writable sysfs", i);
        i++;
    }
    const char *prop = brig_json_str(brig_json_get_path(out, "linux/rootfsPropagation"));
    if (streq(prop, "shared") || streq(prop, "rshared"))
        FAIL("/linux/rootfsPropagation is %s", prop);
    return NULL;
}

static const char *check_namespaces(const BrigJson *out, const BrigPolicy *policy)
{
    static const char *const types[] = {"pid", "ipc", "uts", "mount", "network", "cgroup"};
    const BrigJson *nss = brig_json_get_path(out, "linux/namespaces"), *ns;
    for (size_t t = 0; t < ELEMENTSOF(types); t++) {
        bool host_ok = policy->host_namespaces & (1u << t), seen = false;
        BRIG_JSON_FOREACH (ns, nss) {
            if (!streq(brig_json_str(brig_json_get(ns, "type")), types[t]))
                continue;
            seen = true;
            const char *path = brig_json_str(brig_json_get(ns, "path"));
            char p[4096];
            fold(path ? path : "", p, sizeof(p));
            if (path && !host_ok &&
                (!strncmp(p, "/proc/1/", 8) || !strncmp(p, "/proc/self/", 11) ||
                 !strncmp(p, "/proc/thread-self/", 18)))
                FAIL("joins the host's %s namespace through %s", types[t], path);
        }
        if (!seen && !host_ok)
            FAIL("no private %s namespace", types[t]);
    }
    return NULL;
}

/* The default devices (type c): major, minor (-1: any); runc's set, so not
 * the host's console, c 5:1. */
static const int64_t default_devs[][2] = {{1, 3}, {1, 5}, {1, 7}, {1, 8},
                                          {1, 9}, {5, 0}, {5, 2}, {136, -1}};

static bool num(const BrigJson *e, const char *key, int64_t *ret)
{
    const BrigJson *v = brig_json_get(e, key);
    *ret = -1;
    return !v || v->type == BRIG_JSON_NULL || brig_json_to_int64(v, ret) == 0;
}

static bool default_dev(const BrigJson *e)
{
    int64_t ma, mi;
    if (!streq(brig_json_str(brig_json_get(e, "type")), "c") || !num(e, "major", &ma) ||
        !num(e, "minor", &mi))
        return false;
    for (size_t k = 0; k < ELEMENTSOF(default_devs); k++)
        if (ma == default_devs[k][0] && (mi == default_devs[k][1] || default_devs[k][1] == -1) &&
            (mi >= 0 || default_devs[k][1] == -1))
            return true;
    return false;
}

static const char *check_devices(const BrigJson *out)
{
    const BrigJson *e;
    size_t i = 0;
    BRIG_JSON_FOREACH (e, brig_json_get_path(out, "linux/devices")) {
        if (!default_dev(e))
            FAIL("/linux/devices/%zu is not a default device", i);
        i++;
    }
    const BrigJson *rules = brig_json_get_path(out, "linux/resources/devices");
    if (!rules || rules->n == 0)
        FAIL("no device cgroup rules: the runtime's default may allow every device");
    const BrigJson *first = rules->kids[0];
    int64_t ma, mi;
    const char *acc = brig_json_str(brig_json_get(first, "access"));
    const char *type = brig_json_str(brig_json_get(first, "type"));
    if (brig_json_is_true(brig_json_get(first, "allow")) || (type && !streq(type, "a")) ||
        !num(first, "major", &ma) || !num(first, "minor", &mi) || ma != -1 || mi != -1 ||
        (acc && (!strchr(acc, 'r') || !strchr(acc, 'w') || !strchr(acc, 'm'))))
        FAIL("/linux/resources/devices/0 is not a deny-all");
    i = 0;
    BRIG_JSON_FOREACH (e, rules) {
        if (brig_json_is_true(brig_json_get(e, "allow")) && !default_dev(e))
            FAIL("/linux/resources/devices/%zu allows more than the default devices", i);
        i++;
    }
    return NULL;
}

static const char *check_limits_and_filters(const BrigJson *out, const BrigPolicy *policy)
{
    int64_t limit = 0;
    const BrigJson *l = brig_json_get_path(out, "linux/resources/pids/limit");
    if (policy->pids_limit > 0 && (!l || brig_json_to_int64(l, &limit) < 0 || limit <= 0))
        FAIL("no pids limit (%s)", l ? l->text : "absent");
    const BrigJson *sc = brig_json_get_path(out, "linux/seccomp");
    const char *def = brig_json_str(brig_json_get(sc, "defaultAction"));
    if (!policy->seccomp_unconfined && (!def || streq(def, "SCMP_ACT_ALLOW")))
        FAIL("no seccomp filter (defaultAction %s)", def ? def : "absent");
    if (brig_json_get(out, "root") && !policy->writable_rootfs &&
        !brig_json_is_true(brig_json_get_path(out, "root/readonly")))
        FAIL("root filesystem left writable");
    static const char *const masked[] = {"/proc/kcore", "/proc/keys", "/proc/timer_list",
                                         "/sys/firmware"};
    for (size_t k = 0; k < ELEMENTSOF(masked); k++)
        if (!brig_json_array_has_string(brig_json_get_path(out, "linux/maskedPaths"), masked[k]))
            FAIL("%s is not masked", masked[k]);
    static const char *const ro[] = {"/proc/sys", "/proc/sysrq-trigger", "/proc/bus"};
    for (size_t k = 0; k < ELEMENTSOF(ro); k++)
        if (!brig_json_array_has_string(brig_json_get_path(out, "linux/readonlyPaths"), ro[k]))
            FAIL("%s is not read-only", ro[k]);
    return NULL;
}

static const char *check_sysctls_annotations(const BrigJson *out, const BrigPolicy *policy)
{
    static const char *const safe[] = {
        "kernel.shm_rmid_forced",
        "net.ipv4.ip_local_port_range",
        "net.ipv4.tcp_syncookies",
        "net.ipv4.ping_group_range",
        "net.ipv4.ip_unprivileged_port_start",
        "net.ipv4.ip_local_reserved_ports",
        "net.ipv4.tcp_keepalive_time",
        "net.ipv4.tcp_fin_timeout",
        "net.ipv4.tcp_keepalive_intvl",
        "net.ipv4.tcp_keepalive_probes",
        "net.ipv4.tcp_rmem",
        "net.ipv4.tcp_wmem",
    };
    /* crun annotations that change no privilege */
    static const char *const crun_safe[] = {
        "run.oci.seccomp_fail_unknown_syscall",
        "run.oci.systemd.subgroup",
        "run.oci.timens_offset",
        "run.oci.mount_context_type",
    };
    const BrigJson *e;
    if (!policy->sysctls_allowed || !policy->sysctls_allowed[0]) {
        BRIG_JSON_FOREACH (e, brig_json_get_path(out, "linux/sysctl")) {
            /* Kubernetes' slash form: "/" separates, "." is literal */
            char name[256];
            snprintf(name, sizeof(name), "%s", e->key);
            if (name[strcspn(name, "./")] == '/')
                for (char *c = name; *c; c++)
                    *c = *c == '/' ? '.' : *c == '.' ? '/' : *c;
            bool ok = false;
            for (size_t k = 0; k < ELEMENTSOF(safe) && !ok; k++)
                ok = streq(name, safe[k]);
            if (!ok)
                FAIL("sysctl %s is outside the safe set", e->key);
        }
    }
    BRIG_JSON_FOREACH (e, brig_json_get(out, "annotations")) {
        bool risky = !strncmp(e->key, "run.oci.", 8) || streq(e->key, "org.criu.config") ||
                     !strncmp(e->key, "org.systemd.property.", 21);
        for (size_t k = 0; k < ELEMENTSOF(crun_safe) && risky; k++)
            risky = !streq(e->key, crun_safe[k]);
        if (risky)
            FAIL("risky annotation %s kept", e->key);
    }
    return NULL;
}

const char *fuzz_check_spec(const BrigJson *in, const BrigJson *out, const BrigPolicy *policy)
{
    const char *why = fuzz_check_process(brig_json_get(in, "process"),
                                         brig_json_get(out, "process"), out, policy);
    if (why)
        return why;
    const BrigJson *gids = brig_json_get_path(out, "process/user/additionalGids"), *g;
    BRIG_JSON_FOREACH (g, gids) {
        uint64_t v = 1, host = 1;
        if (brig_json_to_uint64(g, &v) == 0 && !host_id(out, "linux/gidMappings", v, &host))
            return "an unmapped gid survived in additionalGids";
        if (!policy->allow_root && host == 0)
            return "gid 0 survived in additionalGids (host gid 0)";
    }
    if (has_userns(out) && !policy->map_host_root) {
        static const char *const maps[] = {"linux/uidMappings", "linux/gidMappings"};
        for (size_t m = 0; m < ELEMENTSOF(maps); m++) {
            const BrigJson *r;
            BRIG_JSON_FOREACH (r, brig_json_get_path(out, maps[m])) {
                uint64_t h = 1, n = 0;
                brig_json_to_uint64(brig_json_get(r, "hostID"), &h);
                brig_json_to_uint64(brig_json_get(r, "size"), &n);
                if (h == 0 && n > 0)
                    return "a user-namespace mapping of host id 0 survived";
            }
        }
        const BrigJson *ns;
        BRIG_JSON_FOREACH (ns, brig_json_get_path(out, "linux/namespaces")) {
            const char *path = brig_json_str(brig_json_get(ns, "path"));
            if (streq(brig_json_str(brig_json_get(ns, "type")), "user") && path && *path)
                return "a user namespace joined by path survived";
        }
    }
    if ((why = check_namespaces(out, policy)) || (why = check_mounts(out, policy)) ||
        (why = check_devices(out)) || (why = check_limits_and_filters(out, policy)) ||
        (why = check_sysctls_annotations(out, policy)))
        return why;
    return NULL;
}
