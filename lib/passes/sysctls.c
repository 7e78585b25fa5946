/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Sysctls: linux.sysctl keeps only the Kubernetes "safe" set (namespaced, and
 * isolated from other pods: the kubelet's allow-list as of Kubernetes 1.32)
 * and what the policy adds.  Policy entries are names or prefixes ending in
 * "*" ("net.ipv4.conf.*"), as in the kubelet's --allowed-unsafe-sysctls.
 *
 * Names are compared in dot form.  Kubernetes also accepts "/" as the
 * separator, and then a "." inside a component (an interface name such as
 * eno2.100) is literal: "net/ipv4/conf/eno2.100/rp_filter" is
 * "net.ipv4.conf.eno2/100.rp_filter".  A name with an empty component
 * ("a..b", a leading or trailing separator) is removed whatever the policy
 * says: runtimes turn the name into a path under /proc/sys, so
 * "net.ipv4.conf.x/../../../kernel/core_pattern" would otherwise match a
 * "net.*" grant and write the host's core_pattern.
 *
 * A namespaced sysctl is only isolated in a private namespace: net.* with the
 * host's network namespace, or kernel.shm_* and the other IPC ones with the
 * host's IPC namespace, would change the host, so they are removed even when
 * allowed. */
#include "passes.h"

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

/* The dot form of a Kubernetes sysctl name; NULL if a component is empty. */
static char *dot_form(const char *name)
{
    size_t first = strcspn(name, "./");
    bool slashes = name[first] == '/';
    char *out = xstrdup(name);
    for (char *c = out; *c; c++)
        if (slashes && (*c == '.' || *c == '/'))
            *c = *c == '.' ? '/' : '.';
    /* in dot form "." separates components; "/" is part of one */
    bool empty =
        out[0] == '\0' || out[0] == '.' || out[strlen(out) - 1] == '.' || strstr(out, "..") != NULL;
    /* runtimes also treat "/" as a path separator: refuse empty or ".."-like
     * components there too */
    for (const char *c = out; !empty && *c; c++)
        empty = (*c == '/' && (c == out || c[1] == '/' || c[1] == '.' || c[1] == '\0' ||
                               c[-1] == '.' || c[-1] == '/'));
    if (empty) {
        free(out);
        return NULL;
    }
    return out;
}

static bool policy_allows(const BrigPolicy *pol, const char *name)
{
    for (char **p = pol->sysctls_allowed; p && *p; p++) {
        size_t n = strlen(*p);
        if (n > 0 && (*p)[n - 1] == '*') {
            _cleanup_free_ char *pre = dot_form(*p);
            if (!pre)
                pre = xstrndup(*p, n - 1);
            else
                pre[strlen(pre) - 1] = '\0';
            if (startswith(name, pre))
                return true;
            continue;
        }
        _cleanup_free_ char *d = dot_form(*p);
        if (streq(d, name))
            return true;
    }
    return false;
}

/* Whether the spec has a private namespace of this type: an entry for it,
 * and none that is the host's as the namespaces pass judges it (by
 * identity: a bind mount of pid 1's, another host process's, "//" in the
 * path), whichever copy a runtime would take.  A path into another
 * container's is private. */
static bool private_ns(const BrigCtx *ctx, const BrigJson *spec, const char *type, unsigned bit)
{
    const BrigJson *ns, *nss = brig_json_get_path(spec, "linux/namespaces");
    bool found = false;
    BRIG_JSON_FOREACH (ns, nss) {
        if (!streq(brig_json_str(brig_json_get(ns, "type")), type))
            continue;
        const char *path = brig_json_str(brig_json_get(ns, "path"));
        if (path && pass_ns_is_host(ctx->host, (size_t)__builtin_ctz(bit), path))
            return false;
        found = true;
    }
    return found;
}

/* The namespace a sysctl needs to be private, or NULL when it has none
 * (then it is global and only the policy can allow it). */
static const char *needs_ns(const char *name)
{
    if (startswith(name, "net."))
        return "network";
    if (startswith(name, "kernel.shm") || startswith(name, "kernel.msg") ||
        streq(name, "kernel.sem") || startswith(name, "fs.mqueue."))
        return "ipc";
    return NULL;
}

typedef struct {
    const BrigCtx *ctx;
    BrigReport *rep;
    bool private_net, private_ipc;
} Walk;

static int keep_sysctl(BrigJson *e, size_t idx, void *data)
{
    const Walk *w = data;
    const BrigCtx *ctx = w->ctx;
    (void)idx;
    _cleanup_free_ char *name = dot_form(e->key);
    _cleanup_free_ char *why = NULL;
    const char *ns = name ? needs_ns(name) : NULL;
    if (!name) {
        why = xasprintf("\"%s\" is not a plain sysctl name (empty or \"..\" component), "
                        "which %s never allows",
                        e->key, brig_policy_source(ctx->policy));
    } else if (ns && !(streq(ns, "network") ? w->private_net : w->private_ipc)) {
        why = xasprintf("%s would change the host: the container shares the host's %s "
                        "namespace (%s)",
                        name, ns, brig_policy_source(ctx->policy));
    } else {
        bool ok = policy_allows(ctx->policy, name);
        for (size_t k = 0; !ok && k < ELEMENTSOF(safe); k++)
            ok = streq(name, safe[k]);
        if (ok)
            return 1;
        why = xasprintf("%s is neither in the Kubernetes safe set nor allowed by %s", name,
                        brig_policy_source(ctx->policy));
    }
    _cleanup_free_ char *tok = brig_json_pointer_token(e->key);
    _cleanup_free_ char *p = xasprintf("/linux/sysctl/%s", tok);
    brig_report_fix(w->rep, p, e, NULL, "%s", why);
    return 0;
}

int pass_sysctls(const BrigCtx *ctx, BrigJson *spec, BrigReport *rep, BrigError **err)
{
    int r = pass_check_type(spec, "linux", BRIG_JSON_OBJECT, "", err);
    if (r < 0)
        return r;
    BrigJson *linux_ = brig_json_get(spec, "linux");
    r = pass_check_type(linux_, "sysctl", BRIG_JSON_OBJECT, "/linux", err);
    if (r < 0)
        return r;
    BrigJson *sys = brig_json_get(linux_, "sysctl");
    const BrigJson *v;
    BRIG_JSON_FOREACH (v, sys) {
        if (v->type != BRIG_JSON_STRING) {
            _cleanup_free_ char *tok = brig_json_pointer_token(v->key);
            _cleanup_free_ char *d = pass_describe(v);
            return brig_error_set(err, EINVAL, "/linux/sysctl/%s: expected a string, found %s", tok,
                                  d);
        }
    }

    /* the namespaces are looked up once, not per sysctl: a config may
     * list 600k sysctls (and many namespaces) */
    Walk w = {ctx, rep, private_ns(ctx, spec, "network", BRIG_NS_NETWORK),
              private_ns(ctx, spec, "ipc", BRIG_NS_IPC)};
    brig_json_filter(sys, keep_sysctl, &w);
    return 0;
}
