/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Runtime mode: harden what create/run/restore/exec hand the runtime, then
 * execv the real runtime with the engine's argv. */
#include <stdio.h>

#include "brig.h"
#include "bundle.h"
#include "config.h"
#include "context.h"
#include "harden.h"

static bool is_create_like(const char *cmd)
{
    return streq(cmd, "create") || streq(cmd, "run") || streq(cmd, "restore");
}

/* One line naming every refusal, for the engine's log and the user. */
static char *refusal_message(const BrigArgv *a, const BrigPolicy *policy, const BrigReport *rep)
{
    size_t n = brig_report_count(rep, BRIG_REFUSE), k = 0;
    char *msg = xasprintf("refused container %s under %s (%zu violation%s):", a->id ? a->id : "",
                          brig_policy_source(policy), n, n == 1 ? "" : "s");
    for (size_t i = 0; i < rep->n; i++) {
        if (rep->v[i].kind != BRIG_REFUSE)
            continue;
        char *next =
            xasprintf("%s%s %s: %s", msg, k++ ? ";" : "", rep->v[i].pointer, rep->v[i].reason);
        free(msg);
        msg = next;
    }
    return msg;
}

int cmd_runtime(const BrigArgv *a, BrigError **err)
{
    bool create = is_create_like(a->cmd);
    bool exec_ = streq(a->cmd, "exec") && a->process;

    if (create || exec_) {
        _cleanup_(brig_policy_freep) BrigPolicy *policy = brig_policy_new_default();
        BrigHost host;
        brig_host_probe(&host);
        _cleanup_free_ char *path =
            create ? brig_bundle_config_path(a->bundle, a->config) : xstrdup(a->process);
        BrigCtx ctx = {.policy = policy, .host = &host, .container_id = a->id, .bundle = a->bundle};
        BrigReport rep = {0};
        int r = brig_harden_file(&ctx, path, exec_, true, &rep, NULL, err);
        if (r == 0 && brig_report_count(&rep, BRIG_REFUSE) > 0) {
            _cleanup_free_ char *msg = refusal_message(a, policy, &rep);
            r = brig_error_set(err, EPERM, "%s", msg);
        }
        brig_report_clear(&rep);
        if (r < 0)
            return BRIG_EXIT_REFUSED;
    }

    _cleanup_free_ char *runtime = NULL;
    if (brig_runtime_find(a->brig_runtime, &runtime, err) < 0)
        return BRIG_EXIT_REFUSED;
    if (a->version && !a->cmd) {
        printf("brig version %s\n", BRIG_VERSION);
        fflush(stdout);
    }
    brig_runtime_exec(runtime, a, err);
    return BRIG_EXIT_REFUSED;
}
