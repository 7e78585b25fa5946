/* SPDX-License-Identifier: GPL-2.0-or-later */
/* brig harden [--diff] [--dry-run] [--process] BUNDLE|FILE */
#include <getopt.h>
#include <stdio.h>
#include <sys/stat.h>

#include "brig.h"
#include "bundle.h"
#include "context.h"
#include "harden.h"

static void harden_usage(FILE *out)
{
    fprintf(out, "Usage: brig harden [--diff] [--dry-run] [--process] [--brig-policy FILE] "
                 "BUNDLE|FILE\n"
                 "  --diff          show each change as before/after\n"
                 "  --dry-run       change nothing, only report\n"
                 "  --process       FILE is an exec process file (runc exec --process), not a "
                 "config\n"
                 "  --brig-policy FILE   the policy (default: brig's, see brig(8))\n"
                 "Exit status: 0 hardened or already compliant, 1 refused, 2 usage or input "
                 "error.\n");
}

/* The members of a runtime-spec process object.  --process rewrites the file
 * it is given, so anything else (a config.json, {"foo": 1}) is refused
 * rather than given process keys it never had. */
static const char *const process_keys[] = {
    "terminal",
    "consoleSize",
    "user",
    "args",
    "commandLine",
    "env",
    "cwd",
    "capabilities",
    "rlimits",
    "noNewPrivileges",
    "apparmorProfile",
    "oomScoreAdj",
    "selinuxLabel",
    "ioPriority",
    "scheduler",
    "execCPUAffinity",
    NULL,
};

static int check_process_file(const char *target, const char *path, BrigError **err)
{
    struct stat st;
    if (stat(target, &st) == 0 && S_ISDIR(st.st_mode))
        return brig_error_set(err, EINVAL,
                              "harden --process: %s is a directory (a bundle); --process takes "
                              "an exec process file",
                              target);
    _cleanup_(brig_json_freep) BrigJson *j = NULL;
    int r = brig_file_load_json(path, NULL, &j, err);
    if (r < 0)
        return r;
    if (j->type != BRIG_JSON_OBJECT)
        return brig_error_set(err, EINVAL, "%s: not a process object: the top level is %s", path,
                              brig_json_type_name(j->type));
    const BrigJson *m;
    BRIG_JSON_FOREACH (m, j) {
        bool known = false;
        for (size_t i = 0; process_keys[i] && !known; i++)
            known = streq(m->key, process_keys[i]);
        if (!known)
            return brig_error_set(
                err, EINVAL, "%s: not a process object: \"%s\" is not a member of one%s", path,
                m->key, streq(m->key, "ociVersion") ? " (this is a config.json)" : "");
    }
    if (!brig_json_get(j, "cwd"))
        return brig_error_set(err, EINVAL,
                              "%s: not a process object: it has no \"cwd\", which the runtime "
                              "spec requires",
                              path);
    return 0;
}

int cmd_harden(int argc, char **argv, const BrigArgv *a, BrigError **err)
{
    static const struct option opts[] = {
        {"diff", no_argument, NULL, 'd'},    {"dry-run", no_argument, NULL, 'n'},
        {"process", no_argument, NULL, 'p'}, {"brig-policy", required_argument, NULL, 'P'},
        {"help", no_argument, NULL, 'h'},    {0},
    };
    bool diff = false, dry = false, process = false;
    const char *policy = a->brig_policy;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "dnph", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            diff = true;
            break;
        case 'n':
            dry = true;
            break;
        case 'p':
            process = true;
            break;
        case 'P':
            policy = optarg;
            break;
        case 'h':
            harden_usage(stdout);
            return BRIG_EXIT_OK;
        default:
            harden_usage(stderr);
            return BRIG_EXIT_USAGE;
        }
    }
    if (optind != argc - 1) {
        harden_usage(stderr);
        return BRIG_EXIT_USAGE;
    }
    _cleanup_free_ char *path = process ? xstrdup(argv[optind]) : cli_target_path(argv[optind]);
    if (process && check_process_file(argv[optind], path, err) < 0)
        return BRIG_EXIT_USAGE;
    _cleanup_(brig_policy_doc_freep) BrigPolicyDoc *doc = NULL;
    if (brig_policy_load_offline(policy, &doc, err) < 0)
        return BRIG_EXIT_USAGE;
    BrigHost host;
    brig_host_probe(&host);
    BrigHardenFile h = {
        .doc = doc, .host = &host, .path = path, .process = process, .dry_run = dry};
    if (brig_harden_file(&h, err) < 0) {
        brig_harden_file_done(&h);
        return BRIG_EXIT_USAGE;
    }
    print_report(stdout, &h.rep, diff);
    size_t refused = brig_report_count(&h.rep, BRIG_REFUSE);
    size_t fixes = brig_report_count(&h.rep, BRIG_FIX);
    if (refused)
        printf("%s: refused: %zu violation%s cannot be fixed without changing what the container "
               "does; nothing written\n",
               path, refused, refused == 1 ? "" : "s");
    else if (!h.changed)
        printf("%s: already hardened, nothing to change\n", path);
    else
        printf("%s: %zu change%s%s\n", path, fixes, fixes == 1 ? "" : "s",
               h.written ? ", written" : " (not written: dry run or non-enforce mode)");
    brig_harden_file_done(&h);
    return refused ? BRIG_EXIT_REFUSED : BRIG_EXIT_OK;
}
