/* SPDX-License-Identifier: GPL-2.0-or-later */
/* MAC side effects, kept out of the passes: `brig apparmor show|load`, and
 * the runtime-mode hooks that read the SELinux contexts and reserve a
 * category pair before hardening, load brig's AppArmor profile after it,
 * and release the pair on delete. */
#include <getopt.h>
#include <stdio.h>

#include "apparmor.h"
#include "brig.h"
#include "bundle.h"
#include "selinux.h"

static void apparmor_usage(FILE *out)
{
    fprintf(out,
            "Usage: brig apparmor show [NAME]\n"
            "       brig apparmor load\n"
            "show prints brig's AppArmor profile rendered for this host (NAME\n"
            "defaults to %s); load loads it with apparmor_parser -Kr unless it is\n"
            "already loaded.\n",
            BRIG_APPARMOR_PROFILE);
}

int cmd_apparmor(int argc, char **argv, const BrigArgv *a, BrigError **err)
{
    static const struct option opts[] = {
        {"help", no_argument, NULL, 'h'},
        {0},
    };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'h') {
            apparmor_usage(stdout);
            return BRIG_EXIT_OK;
        }
        apparmor_usage(stderr);
        return BRIG_EXIT_USAGE;
    }
    /* the operands, options removed: "apparmor", then show|load [NAME] */
    argv += optind - 1;
    argc -= optind - 1;
    if (argc < 2) {
        apparmor_usage(stderr);
        return BRIG_EXIT_USAGE;
    }
    if (streq(argv[1], "show") && argc <= 3) {
        _cleanup_free_ char *text = NULL;
        const char *name = argc == 3 ? argv[2] : BRIG_APPARMOR_PROFILE;
        if (brig_apparmor_render(name, brig_apparmor_probe_includes(BRIG_APPARMOR_ETC), &text,
                                 err) < 0)
            return BRIG_EXIT_USAGE;
        fputs(text, stdout);
        return BRIG_EXIT_OK;
    }
    if (streq(argv[1], "load") && argc == 2) {
        int e = brig_apparmor_probe_errno();
        if (e != 0) {
            brig_error_set(err, e, "apparmor load: AppArmor on this host is %s",
                           brig_apparmor_state(e));
            return BRIG_EXIT_REFUSED;
        }
        bool loaded = false;
        if (brig_apparmor_ensure(NULL, BRIG_APPARMOR_PROFILE, &loaded, err) < 0)
            return BRIG_EXIT_REFUSED;
        printf("%s: %s\n", BRIG_APPARMOR_PROFILE, loaded ? "loaded" : "already loaded");
        return BRIG_EXIT_OK;
    }
    brig_error_set(err, EINVAL, "apparmor: expected \"show [NAME]\" or \"load\"");
    return BRIG_EXIT_USAGE;
}

/* The reservation directory is fixed: an environment variable naming
 * another would let two brig processes hand out the same MCS pair, and no
 * environment variable may weaken isolation.  Unit tests call the library
 * with a directory of their own. */
static const char *mcs_dir(void)
{
    return BRIG_MCS_DIR;
}

void mac_prepare(BrigHost *host, const BrigArgv *a, bool create, BrigMacState *st)
{
    *st = (BrigMacState){0};
    if (!host->selinux_enabled)
        return;
    _cleanup_free_ char *path = brig_selinux_contexts_path();
    BrigSelinuxContexts c = {0};
    _cleanup_(brig_error_freep) BrigError *e = NULL;
    /* Without contexts, or with labels the loaded policy rejects, the host
     * fields stay NULL and the pass notes (or, under require, refuses). */
    if (!path || brig_selinux_load_contexts(path, &c, &e) < 0)
        return;
    if (!create) {
        /* exec only compares types: the container's own label applies */
        st->process = TAKE_PTR(c.process);
        st->mount = TAKE_PTR(c.file);
    } else if (brig_mcs_reserve(mcs_dir(), a->id, &st->level, &e) == 0) {
        st->process = brig_selinux_with_level(c.process, st->level);
        st->mount = brig_selinux_with_level(c.file, st->level);
        st->reserved = true;
    }
    brig_selinux_contexts_done(&c);
    if (!brig_selinux_context_valid(st->process) || !brig_selinux_context_valid(st->mount))
        return;
    host->selinux_process = st->process;
    host->selinux_mount = st->mount;
}

/* fail-open: the profile could not be loaded, so the field must go, or the
 * runtime would refuse to start the container. */
static int drop_profile(const char *path, BrigError **err)
{
    _cleanup_(brig_file_freep) BrigFile *f = NULL;
    _cleanup_(brig_json_freep) BrigJson *spec = NULL;
    int r = brig_file_load_json(path, &f, &spec, err);
    if (r < 0)
        return r;
    BrigJson *proc = brig_json_get(spec, "process");
    if (!brig_json_remove(proc && brig_json_get(proc, "apparmorProfile") ? proc : spec,
                          "apparmorProfile"))
        return 0;
    size_t len;
    _cleanup_free_ char *out = brig_json_serialize(spec, BRIG_JSON_PRETTY, &len);
    return brig_file_replace(f, out, len, err);
}

void mac_after_harden(const BrigArgv *a, const char *path, bool process_file, BrigHardenFile *h,
                      BrigMacState *st)
{
    if (!path)
        return; /* inline exec: brig drops --apparmor, nothing to load */
    _cleanup_(brig_json_freep) BrigJson *parsed = NULL;
    _cleanup_(brig_error_freep) BrigError *e = NULL;
    /* The tree hardening left is what the file holds on every create that
     * enforces; only audit and reject (file untouched) read it back. */
    const BrigJson *spec = h->result;
    if (!spec) {
        if (brig_file_load_json(path, NULL, &parsed, &e) < 0)
            return; /* hardening just read it: the runtime will report the problem */
        spec = parsed;
    }
    const BrigJson *proc = process_file ? spec : brig_json_get(spec, "process");
    const char *ptr = process_file ? "/apparmorProfile" : "/process/apparmorProfile";

    const char *label = brig_json_str(brig_json_get(proc, "selinuxLabel"));
    st->used = st->level && label && strstr(label, st->level);

    const char *profile = brig_json_str(brig_json_get(proc, "apparmorProfile"));
    const char *brigs =
        h->policy->apparmor_profile ? h->policy->apparmor_profile : BRIG_APPARMOR_PROFILE;
    /* only the profile brig itself set: an engine's own profile is the
     * engine's to load (Docker loads docker-default) */
    if (!profile || !streq(profile, brigs))
        return;
    bool loaded = false;
    const char *prev = h->rep.pass;
    h->rep.pass = "apparmor";
    if (brig_apparmor_ensure(NULL, profile, &loaded, &e) == 0) {
        if (loaded)
            brig_report_note(&h->rep, ptr, "loaded AppArmor profile \"%s\"", profile);
    } else if (h->policy->apparmor_load_fail_open) {
        _cleanup_(brig_error_freep) BrigError *e2 = NULL;
        if (drop_profile(path, &e2) < 0)
            brig_report_refuse(&h->rep, ptr, NULL, "%s; and removing the profile failed: %s",
                               e->msg, e2->msg);
        else
            brig_report_note(&h->rep, ptr,
                             "%s; running without an AppArmor profile (%s fails open)", e->msg,
                             brig_policy_source(h->policy));
    } else {
        brig_report_refuse(&h->rep, ptr, NULL, "%s", e->msg);
    }
    h->rep.pass = prev;
}

void mac_finish(const BrigArgv *a, BrigMacState *st, bool refused)
{
    if (st->reserved && (refused || !st->used)) {
        _cleanup_(brig_error_freep) BrigError *e = NULL;
        (void)brig_mcs_release(mcs_dir(), a->id, &e);
    }
    free(st->process);
    free(st->mount);
    free(st->level);
    *st = (BrigMacState){0};
}

void mac_release(const BrigArgv *a)
{
    if (!streq(a->cmd, "delete") || !a->id || a->help)
        return;
    /* Errors are ignored: a pair that cannot be released must not keep the
     * engine from deleting its container. */
    _cleanup_(brig_error_freep) BrigError *e = NULL;
    (void)brig_mcs_release(mcs_dir(), a->id, &e);
}
