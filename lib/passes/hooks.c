/* SPDX-License-Identifier: GPL-2.0-or-later */
/* OCI hooks run on the host, as root, in the runtime's namespaces.  Only the
 * engine or the admin can add them (docker run cannot; Podman reads them from
 * hooks.d, Kubernetes through NRI or CDI), and engines depend on them:
 * Docker's networking has used a prestart hook that re-executes dockerd
 * (/proc/<pid>/exe libnetwork-setkey), NVIDIA's runtime hook sets up GPUs.
 * So by default every hook is kept and noted (path and argument count; the
 * arguments and environment are not logged, they may carry tokens).
 *
 * A policy with a hooks allow-list keeps only hooks whose path matches an
 * entry (fnmatch(3) with FNM_PATHNAME, so a "*" never matches across a
 * "/").  Beware a pattern for dockerd's "/proc/<pid>/exe": with a
 * wildcard for the pid it also matches the executable of a process inside
 * the container, which the hook would then run on the host as root. */
#include <fnmatch.h>

#include "passes.h"

static const char *const stages[] = {
    "prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop",
};

static bool allowed(const BrigPolicy *pol, const char *path)
{
    for (char **p = pol->hooks_allowed; p && *p; p++)
        if (fnmatch(*p, path, FNM_PATHNAME) == 0)
            return true;
    return false;
}

static int check_hook(const BrigJson *h, const char *ptr, BrigError **err)
{
    if (h->type != BRIG_JSON_OBJECT)
        return brig_error_set(err, EINVAL, "%s: expected an object, found %s", ptr,
                              brig_json_type_name(h->type));
    const BrigJson *path = brig_json_get(h, "path");
    if (!path || path->type != BRIG_JSON_STRING) {
        _cleanup_free_ char *d = path ? pass_describe(path) : xstrdup("nothing");
        return brig_error_set(err, EINVAL, "%s/path: expected a string, found %s", ptr, d);
    }
    static const char *const lists[] = {"args", "env"};
    for (size_t l = 0; l < ELEMENTSOF(lists); l++) {
        int r = pass_check_type(h, lists[l], BRIG_JSON_ARRAY, ptr, err);
        if (r < 0)
            return r;
        const BrigJson *e, *arr = brig_json_get(h, lists[l]);
        size_t i = 0;
        BRIG_JSON_FOREACH (e, arr) {
            if (e->type != BRIG_JSON_STRING)
                return brig_error_set(err, EINVAL, "%s/%s/%zu: expected a string, found %s", ptr,
                                      lists[l], i, brig_json_type_name(e->type));
            i++;
        }
    }
    return pass_check_type(h, "timeout", BRIG_JSON_NUMBER, ptr, err);
}

/* The hook as recorded in the report: everything but env, which may hold
 * credentials the hook needs. */
static BrigJson *loggable(const BrigJson *h)
{
    BrigJson *c = brig_json_copy(h);
    brig_json_remove(c, "env");
    return c;
}

int pass_hooks(const BrigCtx *ctx, BrigJson *spec, BrigReport *rep, BrigError **err)
{
    int r = pass_check_type(spec, "hooks", BRIG_JSON_OBJECT, "", err);
    if (r < 0)
        return r;
    BrigJson *hooks = brig_json_get(spec, "hooks");
    if (!hooks)
        return 0;
    for (size_t s = 0; s < ELEMENTSOF(stages); s++) {
        _cleanup_free_ char *sp = xasprintf("/hooks/%s", stages[s]);
        r = pass_check_type(hooks, stages[s], BRIG_JSON_ARRAY, "/hooks", err);
        if (r < 0)
            return r;
        const BrigJson *h, *arr = brig_json_get(hooks, stages[s]);
        size_t i = 0;
        BRIG_JSON_FOREACH (h, arr) {
            _cleanup_free_ char *p = xasprintf("%s/%zu", sp, i++);
            r = check_hook(h, p, err);
            if (r < 0)
                return r;
        }
    }

    /* Pointers index the input: kept hooks are noted first, then the
     * others are removed from the back, so each removal's index is still
     * valid when the changes are replayed in order. */
    const BrigPolicy *pol = ctx->policy;
    for (size_t s = 0; s < ELEMENTSOF(stages); s++) {
        BrigJson *arr = brig_json_get(hooks, stages[s]);
        for (size_t i = 0; arr && i < arr->n; i++) {
            const BrigJson *h = arr->kids[i], *args = brig_json_get(h, "args");
            const char *path = brig_json_str(brig_json_get(h, "path"));
            size_t nargs = args ? args->n : 0;
            if (pol->hooks_restricted && !allowed(pol, path))
                continue;
            _cleanup_free_ char *p = xasprintf("/hooks/%s/%zu", stages[s], i);
            brig_report_note(rep, p, "%s hook %s (%zu argument%s) runs on the host as root; %s %s",
                             stages[s], path, nargs, nargs == 1 ? "" : "s",
                             pol->hooks_restricted ? "allowed by"
                                                   : "kept: OCI hooks are logged, not removed, by",
                             brig_policy_source(pol));
        }
        _cleanup_free_ bool *drop = NULL;
        for (size_t i = arr ? arr->n : 0; pol->hooks_restricted && i > 0; i--) {
            const BrigJson *h = arr->kids[i - 1];
            const char *path = brig_json_str(brig_json_get(h, "path"));
            if (allowed(pol, path))
                continue;
            _cleanup_free_ char *p = xasprintf("/hooks/%s/%zu", stages[s], i - 1);
            _cleanup_(brig_json_freep) BrigJson *before = loggable(h);
            brig_report_fix(rep, p, before, NULL,
                            "%s hook %s would run on the host as root and is not in the hooks "
                            "allowed by %s",
                            stages[s], path, brig_policy_source(pol));
            if (!drop)
                drop = xcalloc(arr->n, sizeof(*drop));
            drop[i - 1] = true;
        }
        /* one compacting pass (removal one by one is quadratic) */
        if (drop)
            brig_json_filter(arr, brig_json_keep_unmarked, drop);
    }
    return 0;
}
