/* SPDX-License-Identifier: GPL-2.0-or-later */
/* brig harden [--diff] [--dry-run] BUNDLE|FILE */
#include <getopt.h>
#include <stdio.h>
#include <sys/stat.h>

#include "brig.h"
#include "bundle.h"
#include "context.h"
#include "harden.h"

static void harden_usage(FILE *out)
{
    fprintf(out, "Usage: brig harden [--diff] [--dry-run] [--process] BUNDLE|FILE\n"
                 "  --diff      show each change as before/after\n"
                 "  --dry-run   change nothing, only report\n"
                 "  --process   FILE is an exec process file, not a config\n");
}

int cmd_harden(int argc, char **argv, const BrigArgv *a, BrigError **err)
{
    static const struct option opts[] = {
        {"diff", no_argument, NULL, 'd'},
        {"dry-run", no_argument, NULL, 'n'},
        {"process", no_argument, NULL, 'p'},
        {"help", no_argument, NULL, 'h'},
        {0},
    };
    bool diff = false, dry = false, process = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "+dnph", opts, NULL)) != -1) {
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
    const char *target = argv[optind];
    struct stat st;
    _cleanup_free_ char *path = stat(target, &st) == 0 && S_ISDIR(st.st_mode)
                                    ? brig_bundle_config_path(target, NULL)
                                    : xstrdup(target);

    _cleanup_(brig_policy_freep) BrigPolicy *policy = brig_policy_new_default();
    BrigHost host;
    brig_host_probe(&host);
    BrigCtx ctx = {.policy = policy, .host = &host, .bundle = target};
    BrigReport rep = {0};
    bool changed = false;
    int r = brig_harden_file(&ctx, path, process, !dry, &rep, &changed, err);
    if (r < 0) {
        brig_report_clear(&rep);
        return BRIG_EXIT_USAGE;
    }
    print_report(stdout, &rep, diff);
    size_t refused = brig_report_count(&rep, BRIG_REFUSE);
    size_t fixes = brig_report_count(&rep, BRIG_FIX);
    if (refused)
        printf("%s: refused: %zu violation%s cannot be fixed without changing what the container "
               "does; nothing written\n",
               path, refused, refused == 1 ? "" : "s");
    else if (!changed)
        printf("%s: already hardened, nothing to change\n", path);
    else
        printf("%s: %zu change%s%s\n", path, fixes, fixes == 1 ? "" : "s",
               dry ? " (dry run, nothing written)" : ", written");
    brig_report_clear(&rep);
    return refused ? BRIG_EXIT_REFUSED : BRIG_EXIT_OK;
}
