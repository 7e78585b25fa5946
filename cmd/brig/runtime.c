/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Runtime mode: harden what create/run/restore/exec hand the runtime, log the
 * decision, then execv the real runtime with the engine's argv. */
#include <stdio.h>
#include <sys/stat.h>

#include "audit.h"
#include "brig.h"
#include "bundle.h"
#include "config.h"
#include "context.h"
#include "harden.h"
#include "log.h"
#include "userns/mapping.h"

static bool is_create_like(const char *cmd)
{
    return streq(cmd, "create") || streq(cmd, "run") || streq(cmd, "restore");
}

/* One line naming every violation, for the engine's log and the user:
 * containerd shows only the last error line of the log. */
static char *refusal_message(const BrigArgv *a, const BrigHardenFile *h)
{
    const BrigPolicy *p = h->policy;
    bool reject = p->mode == BRIG_MODE_REJECT;
    size_t n = 0, k = 0;
    for (size_t i = 0; i < h->rep.n; i++)
        n += h->rep.v[i].kind == BRIG_REFUSE || (reject && h->rep.v[i].kind == BRIG_FIX);
    char *msg =
        xasprintf("refused %s %s under %s (mode %s, %zu violation%s):",
                  streq(a->cmd, "exec") ? "exec in container" : "container", a->id ? a->id : "",
                  brig_policy_source(p), brig_mode_name(p->mode), n, n == 1 ? "" : "s");
    for (size_t i = 0; i < h->rep.n; i++) {
        const BrigChange *c = &h->rep.v[i];
        if (!(c->kind == BRIG_REFUSE || (reject && c->kind == BRIG_FIX)))
            continue;
        /* Reasons may contain "; " themselves, so several violations are
         * numbered: "[1] /ptr: reason; [2] /ptr: reason" splits cleanly. */
        char num[24] = "";
        if (n > 1)
            snprintf(num, sizeof(num), " [%zu]", k + 1);
        char *next = xasprintf("%s%s%s %s: %s", msg, k ? ";" : "", num, c->pointer, c->reason);
        k++;
        free(msg);
        msg = next;
    }
    return msg;
}

static const char *decision(const BrigHardenFile *h, bool refused)
{
    if (refused)
        return "refused";
    if (h->policy->mode == BRIG_MODE_AUDIT)
        return "audited";
    if (h->policy->mode == BRIG_MODE_LEARN)
        return "learning";
    return h->written || brig_report_count(&h->rep, BRIG_FIX) ? "hardened" : "unchanged";
}

/* Which parser will read argv: asked of the executable (runtime_flavour.c),
 * cached in /run/brig/flavour.  Asked only when a decision needs it, and for
 * create only once the config is hardened: a create refused on its config
 * never runs the runtime, not even for --version. */
static void need_flavour(BrigArgv *a, const char *runtime)
{
    if (a->flavour != BRIG_RT_UNSET)
        return;
    (void)mkdir("/run/brig", 0700);
    a->flavour = brig_runtime_flavour(runtime, "/run/brig/flavour");
}

/* runc runs an inline exec (no --process) from the bundle's config.json as
 * it is on disk at exec time (exec.go: chdir to the bundle from its state,
 * loadSpec): user, capabilities, no_new_privs, labels.  brig hardened that
 * file at create; it is hardened again here, so a file changed since then is
 * not what the exec runs with.  The bundle is the "bundle=" label of runc's
 * state (ROOT/ID/state.json); NULL when there is none to read, and then
 * runc itself fails on the id. */
static char *runc_exec_config(const BrigArgv *a)
{
    const char *root = a->root && *a->root ? a->root : "/run/runc";
    size_t n = a->id ? strlen(a->id) : 0;
    /* runc's own id rule, so the id cannot climb out of root */
    if (n == 0 || n > 1024 || streq(a->id, ".") || streq(a->id, "..") ||
        strspn(a->id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_+-.") != n)
        return NULL;
    _cleanup_free_ char *state = xasprintf("%s/%s/state.json", root, a->id);
    _cleanup_(brig_file_freep) BrigFile *f = NULL;
    if (brig_file_load(state, BRIG_FILE_MAX_SIZE, &f, NULL) < 0)
        return NULL;
    _cleanup_(brig_json_freep) BrigJson *j = NULL;
    if (brig_json_parse(f->data, f->len, state, 0, &j, NULL) < 0)
        return NULL;
    const BrigJson *labels = brig_json_get(brig_json_get(j, "config"), "labels");
    for (size_t i = 0; labels && labels->type == BRIG_JSON_ARRAY && i < labels->n; i++) {
        const char *l = brig_json_str(labels->kids[i]);
        if (startswith(l, "bundle=") && l[7] == '/')
            return brig_bundle_config_path(l + 7, NULL);
    }
    return NULL;
}

/* The user namespace an exec joins, from the running container's init
 * process (lib/userns_proc.c): its ids, not the host's nor what a config
 * file says, are what the exec's user is judged through.  Fails closed
 * under runc and crun when the state or the process cannot be read: the
 * ids could then not be judged as the host sees them (and the runtime would
 * fail on the id too).  A runtime that is neither keeps its state where
 * brig cannot know: its ids are judged as host ids, as before (docs/
 * threat-model.md). */
static int exec_userns(const BrigArgv *a, BrigUserns *ret, BrigError **err)
{
    *ret = (BrigUserns){0};
    if (a->flavour != BRIG_RT_RUNC && a->flavour != BRIG_RT_CRUN)
        return 0;
    bool crun = a->flavour == BRIG_RT_CRUN;
    const char *root = a->root && *a->root ? a->root : crun ? "/run/crun" : "/run/runc";
    int64_t pid;
    uint64_t start;
    int r = brig_container_init(root, a->id, crun, &pid, &start, err);
    if (r == 0)
        r = brig_userns_of_process("/proc", pid, start, ret, err);
    if (r < 0)
        return brig_error_prefix(err,
                                 "refused exec in container %s: brig judges the exec's ids in the "
                                 "container's user namespace and cannot read it",
                                 a->id ? a->id : "");
    return 0;
}

static void audit(const BrigArgv *a, const BrigPolicyDoc *doc, const BrigHardenFile *h,
                  const char *decision, const char *runtime)
{
    BrigAuditEvent ev = {
        .command = a->cmd,
        .id = a->id,
        .bundle = a->bundle,
        .engine = h->engine,
        .policy = h->policy,
        .decision = decision,
        .report = &h->rep,
        .runtime = runtime,
    };
    _cleanup_(brig_error_freep) BrigError *aerr = NULL;
    /* An audit log that cannot be written does not stop a container the
     * policy allows; it is reported on stderr, which the engine keeps. */
    if (brig_audit_write(doc, &ev, &aerr) < 0)
        fprintf(stderr, "brig: warning: %s\n", aerr->msg);
}

static int harden_for_runtime(BrigArgv *a, const BrigPolicyDoc *doc, const char *runtime,
                              BrigError **err)
{
    bool create = is_create_like(a->cmd);
    bool argv_only = !create && !streq(a->cmd, "exec"); /* update, checkpoint */
    int r = 0;
    BrigHost host;
    brig_host_probe(&host);
    BrigMacState mac;
    mac_prepare(&host, a, create, &mac);
    userns_prepare(&host, a, runtime, create);
    _cleanup_(brig_userns_clear) BrigUserns exec_ns = {0};
    if (streq(a->cmd, "exec")) {
        need_flavour(a, runtime);
        r = exec_userns(a, &exec_ns, err);
        if (r < 0) {
            mac_finish(a, &mac, true);
            return r;
        }
        host.exec_userns = &exec_ns;
    }
    bool runc_inline = streq(a->cmd, "exec") && !a->process && a->flavour == BRIG_RT_RUNC;
    _cleanup_free_ char *path = create        ? brig_bundle_config_path(a->bundle, a->config)
                                : argv_only   ? NULL
                                : a->process  ? xstrdup(a->process)
                                : runc_inline ? runc_exec_config(a)
                                              : NULL;
    BrigHardenFile h = {
        .doc = doc,
        .host = &host,
        .path = path,
        .id = a->id,
        .bundle = a->bundle,
        .root = a->root,
        .process = !create && !runc_inline,
        .keep_image = create,
        .exec = streq(a->cmd, "exec"),
        /* before/after values are for the audit log and, at create, the
         * record `brig explain` reads */
        .no_values = !create && !brig_audit_enabled(doc),
    };
    if (path) {
        r = brig_harden_file(&h, err);
        /* Malformed input is a violation like the others: logged, and under
         * audit the container runs as the engine wrote it (the runtime
         * judges what brig could not read). */
        if (r < 0 && h.invalid) {
            if (h.policy->mode == BRIG_MODE_AUDIT || h.policy->mode == BRIG_MODE_LEARN) {
                brig_error_free(TAKE_PTR(*err));
                r = 0;
            } else {
                audit(a, doc, &h, "refused", NULL);
            }
        }
    } else {
        /* inline exec: no file, rules match on the container id */
        BrigMatchInput in = {.id = a->id};
        r = brig_policy_resolve(doc, &in, &h.policy, err);
        h.engine = brig_engine_hint(a->root, NULL);
    }
    /* the flags are judged before exec's rewrite moves their tokens */
    if (r == 0 && !brig_harden_refused(&h))
        need_flavour(a, runtime);
    if (r == 0)
        brig_argv_check_flags(a, h.policy, &h.rep);
    if (r == 0)
        r = brig_argv_check_update(a, h.policy, &h.rep, err);
    if (r == 0 && streq(a->cmd, "exec"))
        r = brig_argv_harden_exec_in(a, h.policy, a->flavour, &exec_ns, &host, &h.rep, err);
    if (r < 0) {
        mac_finish(a, &mac, true);
        userns_finish(a, &h, true);
        brig_harden_file_done(&h);
        return r;
    }
    if (!brig_harden_refused(&h) && !argv_only)
        mac_after_harden(a, path, !create && !runc_inline, &h, &mac);
    bool refused = brig_harden_refused(&h);
    /* learn: the engine's config, observed (the report is what enforce
     * would have done, kept with what the container does) */
    if (!refused && create && h.policy->mode == BRIG_MODE_LEARN && path) {
        r = learn_setup(a, path, &h, runtime, err);
        if (r < 0) {
            mac_finish(a, &mac, true);
            audit(a, doc, &h, "refused", NULL);
            brig_harden_file_done(&h);
            return r;
        }
    }
    mac_finish(a, &mac, refused);
    userns_finish(a, &h, refused);
    const char *dec = decision(&h, refused);
    audit(a, doc, &h, dec, refused ? NULL : runtime);
    if (refused) {
        _cleanup_free_ char *msg = refusal_message(a, &h);
        r = brig_error_set(err, EPERM, "%s", msg);
    } else if (create) {
        explain_record_save(a, &h, dec);
        if (a->debug) {
            _cleanup_free_ char *msg = xasprintf(
                "brig: %s container %s under %s (mode %s, %zu change%s); brig explain %s shows "
                "them",
                dec, a->id ? a->id : "", brig_policy_source(h.policy),
                brig_mode_name(h.policy->mode), brig_report_count(&h.rep, BRIG_FIX),
                brig_report_count(&h.rep, BRIG_FIX) == 1 ? "" : "s", a->id ? a->id : "ID");
            brig_log_engine(a->log, a->log_format, "info", msg);
        }
    }
    brig_harden_file_done(&h);
    return r;
}

int cmd_runtime(BrigArgv *a, BrigError **err)
{
    /* `create --help` only prints help in runc: nothing to harden.  update
     * and checkpoint have only their command line to judge. */
    bool harden = !a->help && (is_create_like(a->cmd) || streq(a->cmd, "exec") ||
                               streq(a->cmd, "update") || streq(a->cmd, "checkpoint"));

    /* The policy names the real runtime, so every command loads it; only
     * the commands that start something fail closed on a bad policy, so
     * that kill and delete keep working while an operator fixes it. */
    _cleanup_(brig_policy_doc_freep) BrigPolicyDoc *doc = NULL;
    _cleanup_(brig_error_freep) BrigError *perr = NULL;
    /* The built-in policy names no runtime: a pass-through command (state,
     * kill, delete, every few seconds from an engine) with no policy file
     * skips parsing it. */
    bool need_policy =
        harden || a->brig_policy || access(BRIG_POLICY_DEFAULT_PATH, F_OK) == 0 || errno != ENOENT;
    if (need_policy && brig_policy_load(a->brig_policy, &doc, &perr) < 0 && harden) {
        *err = TAKE_PTR(perr);
        return BRIG_EXIT_REFUSED;
    }
    const char *explicit = doc && doc->defaults->runtime ? doc->defaults->runtime : a->brig_runtime;

    _cleanup_free_ char *runtime = NULL;
    bool version = a->version && !a->cmd;
    if (version) {
        printf("brig version %s\n", BRIG_VERSION);
        fflush(stdout);
    }
    if (brig_runtime_find(explicit, &runtime, err) < 0) {
        /* brig's own version is an answer even on a host without a runtime */
        if (!version)
            return BRIG_EXIT_REFUSED;
        printf("runtime: none found: %s\n", (*err)->msg);
        brig_error_free(TAKE_PTR(*err));
        return BRIG_EXIT_OK;
    }
    if (harden && harden_for_runtime(a, doc, runtime, err) < 0)
        return BRIG_EXIT_REFUSED;
    if (a->getopt_hazard)
        need_flavour(a, runtime);
    mac_release(a);
    explain_record_remove(a);
    int st = userns_delete(a, runtime);
    if (st >= 0)
        return st;
    if (is_create_like(a->cmd) || streq(a->cmd, "exec"))
        userns_private_null();
    brig_runtime_exec(runtime, a, err);
    return BRIG_EXIT_REFUSED;
}
