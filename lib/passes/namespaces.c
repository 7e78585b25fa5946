/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Namespaces: a container gets its own pid, ipc, uts, mount, network and
 * cgroup namespaces.  A missing cgroup namespace is added (it only hides the
 * host's cgroup paths).  The others are refused rather than added: a config
 * without them was asked to share the host's (docker --pid=host,
 * --network=host), and silently giving it a private one would change what
 * the container does.  Joining another container's namespace by path is
 * kept (pods share their sandbox's network); joining pid 1's is the host's. */
#include "passes.h"

/* Same order as the BRIG_NS_* bits in policy.h. */
static const char *const required[] = {"pid", "ipc", "uts", "mount", "network", "cgroup"};

static BrigJson *find_ns(const BrigJson *nss, const char *type)
{
    BrigJson *ns;
    BRIG_JSON_FOREACH (ns, nss)
        if (streq(brig_json_str(brig_json_get(ns, "type")), type))
            return ns;
    return NULL;
}

int pass_namespaces(const BrigCtx *ctx, BrigJson *spec, BrigReport *rep, BrigError **err)
{
    BrigJson *linux_ = pass_ensure(spec, "linux", BRIG_JSON_OBJECT, "", err);
    if (!linux_)
        return -EINVAL;
    BrigJson *nss = pass_ensure(linux_, "namespaces", BRIG_JSON_ARRAY, "/linux", err);
    if (!nss)
        return -EINVAL;
    const BrigJson *ns;
    size_t i = 0;
    BRIG_JSON_FOREACH (ns, nss) {
        if (ns->type != BRIG_JSON_OBJECT || !brig_json_str(brig_json_get(ns, "type")))
            return brig_error_set(
                err, EINVAL, "/linux/namespaces/%zu: expected an object with a \"type\" string", i);
        const BrigJson *path = brig_json_get(ns, "path");
        if (path && path->type != BRIG_JSON_STRING)
            return brig_error_set(err, EINVAL, "/linux/namespaces/%zu/path: expected a string", i);
        i++;
    }

    for (size_t r = 0; r < ELEMENTSOF(required); r++) {
        const BrigJson *cur = find_ns(nss, required[r]);
        bool host_ok = ctx->policy->host_namespaces & (1u << r);
        if (cur) {
            /* Every entry of the type, not only the first: a runtime that
             * took the second of two would otherwise join the host's. */
            for (size_t k = 0; k < nss->n && !host_ok; k++) {
                const BrigJson *ns_k = nss->kids[k];
                const char *path = brig_json_str(brig_json_get(ns_k, "path"));
                if (!streq(brig_json_str(brig_json_get(ns_k, "type")), required[r]) || !path ||
                    !pass_ns_is_host(ctx->host, r, path))
                    continue;
                _cleanup_free_ char *p = xasprintf("/linux/namespaces/%zu/path", k);
                brig_report_refuse(rep, p, brig_json_get(ns_k, "path"),
                                   "joins the host's %s namespace (%s), which %s does not allow",
                                   required[r], path, brig_policy_source(ctx->policy));
            }
            continue;
        }
        if (host_ok) {
            brig_report_note(rep, "/linux/namespaces",
                             "shares the host's %s namespace, allowed by %s", required[r],
                             brig_policy_source(ctx->policy));
            continue;
        }
        if (streq(required[r], "cgroup")) {
            BrigJson *nv = brig_json_new(BRIG_JSON_OBJECT);
            brig_json_set(nv, "type", brig_json_new_string("cgroup"));
            _cleanup_free_ char *p = xasprintf("/linux/namespaces/%zu", nss->n);
            brig_report_fix(rep, p, NULL, nv,
                            "a private cgroup namespace hides the host's "
                            "cgroup hierarchy");
            brig_json_append(nss, nv);
            continue;
        }
        brig_report_refuse(rep, "/linux/namespaces", NULL,
                           "the container would share the host's %s namespace, which %s does not "
                           "allow",
                           required[r], brig_policy_source(ctx->policy));
    }
    return 0;
}
