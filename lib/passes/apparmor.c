/* SPDX-License-Identifier: GPL-2.0-or-later */
/* AppArmor: process.apparmorProfile names brig's profile when, and only
 * when, the host enforces AppArmor: runc and crun fail to start a container
 * whose profile they cannot apply, so on any other host the field is left
 * alone and the gap is recorded (or, under `apparmor: require`, refused).
 * Loading the profile is a side effect and happens in cmd/, after hardening.
 *
 *   policy     host enforces   config has          result
 *   off        any             any                 untouched
 *   auto       no              any                 untouched, note
 *   require    no              any                 refused
 *   auto/req.  yes             absent, "", or      brig's profile
 *                              "unconfined"
 *   auto/req.  yes             another profile     kept if keepEngineProfile
 *                                                  and the kernel has it loaded
 *                                                  in enforce mode, else brig's
 * A profile in complain mode, one loaded with flags=(unconfined) (Ubuntu
 * 24.04 ships "runc", "crun" and "unprivileged_userns" so), one not loaded,
 * or one whose name ends in "unconfined" confines nothing that matters: the
 * kernel's list (BrigHost.apparmor_mode) decides, never the name.
 * A lone exec process file without a profile runs under the container's
 * (which brig set at create), so there only overrides are replaced. */
#include "../apparmor.h"
#include "passes.h"

int process_apparmor(const BrigCtx *ctx, BrigJson *proc, const char *ptr, BrigReport *rep,
                     BrigError **err)
{
    const BrigPolicy *pol = ctx->policy;
    bool exec_file = !*ptr;
    if (pol->apparmor == BRIG_LSM_OFF)
        return 0;
    int r = pass_check_type(proc, "apparmorProfile", BRIG_JSON_STRING, ptr, err);
    if (r < 0)
        return r;
    _cleanup_free_ char *fptr = xasprintf("%s/apparmorProfile", ptr);
    BrigJson *cur = brig_json_get(proc, "apparmorProfile");
    const char *have = cur ? brig_json_str(cur) : NULL;

    if (!ctx->host->apparmor_enabled) {
        const char *state =
            brig_apparmor_state(ctx->host->apparmor_errno ? ctx->host->apparmor_errno : ENOSYS);
        if (pol->apparmor == BRIG_LSM_REQUIRE)
            brig_report_refuse(rep, fptr, cur,
                               "%s requires AppArmor, and AppArmor on this host is %s",
                               brig_policy_source(pol), state);
        else
            brig_report_note(rep, fptr, "no AppArmor profile set: AppArmor on this host is %s",
                             state);
        return 0;
    }

    const char *want = pol->apparmor_profile ? pol->apparmor_profile : BRIG_APPARMOR_PROFILE;
    if (!brig_apparmor_name_valid(want))
        return brig_error_set(err, EINVAL, "%s: \"%s\" is not a usable AppArmor profile name",
                              brig_policy_source(pol), want);
    bool unset = !have || !*have;
    if (streq(have, want) || (unset && exec_file))
        return 0;
    size_t hl = unset ? 0 : strlen(have);
    bool named_unconfined = hl >= 10 && streq(have + hl - 10, "unconfined");
    _cleanup_free_ char *mode = NULL;
    if (!unset && !named_unconfined && pol->apparmor_keep_engine) {
        mode = ctx->host->apparmor_mode ? ctx->host->apparmor_mode(have) : NULL;
        if (streq(mode, "enforce")) {
            brig_report_note(rep, fptr,
                             "kept the engine's AppArmor profile \"%s\", loaded in enforce "
                             "mode (%s keeps engine profiles)",
                             have, brig_policy_source(pol));
            return 0;
        }
    }
    _cleanup_free_ char *why =
        unset              ? xstrdup("no AppArmor profile: the container would run unconfined")
        : named_unconfined ? xasprintf("\"%s\" names an unconfined profile", have)
        : !pol->apparmor_keep_engine ? xstrdup("the policy does not keep engine-chosen profiles")
        : mode
            ? xasprintf("the engine's profile \"%s\" is loaded in %s mode, not enforce", have, mode)
            : xasprintf("the engine's profile \"%s\" is not loaded in the kernel", have);
    BrigJson *val = brig_json_new_string(want);
    brig_report_fix(rep, fptr, cur, val, "%s", why);
    brig_json_set(proc, "apparmorProfile", val);
    return 0;
}

int pass_apparmor(const BrigCtx *ctx, BrigJson *spec, BrigReport *rep, BrigError **err)
{
    int r = pass_check_type(spec, "process", BRIG_JSON_OBJECT, "", err);
    if (r < 0)
        return r;
    BrigJson *proc = brig_json_get(spec, "process");
    if (!proc) {
        /* nothing to confine yet, but a required LSM must still be present */
        if (ctx->policy->apparmor == BRIG_LSM_REQUIRE && !ctx->host->apparmor_enabled)
            brig_report_refuse(rep, "/process", NULL,
                               "%s requires AppArmor, and AppArmor on this host is %s",
                               brig_policy_source(ctx->policy),
                               brig_apparmor_state(
                                   ctx->host->apparmor_errno ? ctx->host->apparmor_errno : ENOSYS));
        return 0;
    }
    return process_apparmor(ctx, proc, "/process", rep, err);
}
