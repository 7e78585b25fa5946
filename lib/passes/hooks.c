/* SPDX-License-Identifier: GPL-2.0-or-later */
/* OCI hooks run on the host, as root, in the runtime's namespaces, so
 * whoever writes config.json could run any host program as root.  A hook is
 * therefore refused unless the policy's hooks allow-list grants its path
 * (fnmatch(3) with FNM_PATHNAME, so a "*" never matches across a "/"; the
 * policy refuses patterns that can match under /proc, where a container's
 * own processes are).  Kept hooks are noted (path and argument count; the
 * arguments and environment are not logged, they may carry tokens).
 *
 * One built-in exception: Docker 20.10's networking prestart hook,
 * /proc/<pid>/exe libnetwork-setkey, re-executes dockerd.  It is kept only
 * when the host says process <pid> is the Docker daemon (BrigHost
 * is_dockerd: the same file as a root-owned dockerd binary, uid 0, the
 * host's pid namespace); a container's process at that pid is not. */
#include <fnmatch.h>

#include <stdlib.h>

#include "passes.h"

static const char *const stages[] = {
    "prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop",
};

/* A path with "//", "." or ".." components is refused whatever the
 * patterns: "/usr/lib/../../proc/1/exe" matches a pattern for /usr/lib in
 * spelling and is another file in fact. */
static bool normal_path(const char *path)
{
    if (path[0] != '/')
        return false;
    for (const char *c = path + 1;; c++) {
        const char *e = strchrnul(c, '/');
        size_t n = (size_t)(e - c);
        if ((n == 0 && *e) || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
            return false;
        if (!*e)
            return true;
        c = e;
    }
}

static bool allowed(const BrigPolicy *pol, const char *path)
{
    if (!normal_path(path))
        return false;
    for (char **p = pol->hooks_allowed; p && *p; p++)
        if (fnmatch(*p, path, FNM_PATHNAME) == 0)
            return true;
    return false;
}

/* Docker's networking hook: prestart, path /proc/<pid>/exe, args[0]
 * libnetwork-setkey (dockerd reads its argv[0] to pick the re-exec
 * entry point; 20.10 writes ["libnetwork-setkey", "-exec-root=...", id,
 * network controller id]), and <pid> the Docker daemon as the host sees
 * it. */
static bool docker_hook(const BrigCtx *ctx, size_t stage, const BrigJson *h, const char *path)
{
    if (stage != 0 || !ctx->host || !ctx->host->is_dockerd || strncmp(path, "/proc/", 6) != 0 ||
        path[6] < '1' || path[6] > '9')
        return false;
    char *end;
    errno = 0;
    long pid = strtol(path + 6, &end, 10);
    if (errno || !streq(end, "/exe"))
        return false;
    const BrigJson *args = brig_json_get(h, "args");
    if (!args || args->n < 1 || !streq(brig_json_str(args->kids[0]), "libnetwork-setkey"))
        return false;
    return ctx->host->is_dockerd(pid);
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

    /* A refusal leaves the config as it is: enforce and reject both stop
     * the container, audit logs it. */
    const BrigPolicy *pol = ctx->policy;
    const char *src = brig_policy_source(pol);
    for (size_t s = 0; s < ELEMENTSOF(stages); s++) {
        BrigJson *arr = brig_json_get(hooks, stages[s]);
        for (size_t i = 0; arr && i < arr->n; i++) {
            const BrigJson *h = arr->kids[i], *args = brig_json_get(h, "args");
            const char *path = brig_json_str(brig_json_get(h, "path"));
            size_t nargs = args ? args->n : 0;
            _cleanup_free_ char *p = xasprintf("/hooks/%s/%zu", stages[s], i);
            if (allowed(pol, path)) {
                brig_report_note(rep, p,
                                 "%s hook %s (%zu argument%s) runs on the host as root; allowed "
                                 "by %s",
                                 stages[s], path, nargs, nargs == 1 ? "" : "s", src);
            } else if (docker_hook(ctx, s, h, path)) {
                brig_report_note(rep, p,
                                 "%s hook %s (%zu argument%s) runs on the host as root; kept: "
                                 "Docker's networking hook, the process is the host's dockerd",
                                 stages[s], path, nargs, nargs == 1 ? "" : "s");
            } else {
                _cleanup_(brig_json_freep) BrigJson *val = loggable(h);
                brig_report_refuse(rep, p, val,
                                   "%s hook %s would run on the host as root; %s does not "
                                   "grant it (\"hooks\": {\"allowed\": [\"%s\"]})",
                                   stages[s], path, src, path);
            }
        }
    }
    return 0;
}
