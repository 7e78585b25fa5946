/* SPDX-License-Identifier: GPL-2.0-or-later */
/* brig harden [--diff] [--dry-run] [--process] BUNDLE|FILE
 * brig check [--format text|json] BUNDLE|FILE...  */
#include <getopt.h>
#include <stdio.h>
#include <sys/stat.h>

#include "audit.h"
#include "brig.h"
#include "bundle.h"
#include "context.h"
#include "harden.h"

static char *target_path(const char *target)
{
    struct stat st;
    if (stat(target, &st) == 0 && S_ISDIR(st.st_mode))
        return brig_bundle_config_path(target, NULL);
    return xstrdup(target);
}

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
    _cleanup_free_ char *path = target_path(argv[optind]);
    _cleanup_(brig_policy_doc_freep) BrigPolicyDoc *doc = NULL;
    if (brig_policy_load(a->brig_policy, &doc, err) < 0)
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

static void check_usage(FILE *out)
{
    fprintf(out, "Usage: brig check [--format text|json] BUNDLE|FILE...\n"
                 "Lists policy violations without changing anything.\n"
                 "Exit status: 0 compliant, 1 violations found, 2 usage or input error.\n");
}

int cmd_check(int argc, char **argv, const BrigArgv *a, BrigError **err)
{
    static const struct option opts[] = {
        {"format", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {0},
    };
    const char *format = "text";
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "+f:h", opts, NULL)) != -1) {
        switch (c) {
        case 'f':
            format = optarg;
            break;
        case 'h':
            check_usage(stdout);
            return BRIG_EXIT_OK;
        default:
            check_usage(stderr);
            return BRIG_EXIT_USAGE;
        }
    }
    if (!streq(format, "text") && !streq(format, "json")) {
        brig_error_set(err, EINVAL, "check: unknown format \"%s\" (text or json)", format);
        return BRIG_EXIT_USAGE;
    }
    if (optind >= argc) {
        check_usage(stderr);
        return BRIG_EXIT_USAGE;
    }
    _cleanup_(brig_policy_doc_freep) BrigPolicyDoc *doc = NULL;
    if (brig_policy_load(a->brig_policy, &doc, err) < 0)
        return BRIG_EXIT_USAGE;
    BrigHost host;
    brig_host_probe(&host);

    size_t total = 0;
    for (int i = optind; i < argc; i++) {
        _cleanup_free_ char *path = target_path(argv[i]);
        BrigHardenFile h = {.doc = doc, .host = &host, .path = path, .dry_run = true};
        if (brig_harden_file(&h, err) < 0) {
            brig_harden_file_done(&h);
            return BRIG_EXIT_USAGE;
        }
        size_t n = brig_report_count(&h.rep, BRIG_FIX) + brig_report_count(&h.rep, BRIG_REFUSE);
        total += n;
        if (streq(format, "json")) {
            BrigAuditEvent ev = {.command = "check",
                                 .bundle = path,
                                 .engine = "direct",
                                 .policy = h.policy,
                                 .decision = n ? "violations" : "compliant",
                                 .report = &h.rep};
            _cleanup_free_ char *line = brig_audit_format(&ev);
            fputs(line, stdout);
        } else {
            printf("%s:%s\n", path, n ? "" : " compliant");
            for (size_t k = 0; k < h.rep.n; k++) {
                const BrigChange *ch = &h.rep.v[k];
                if (ch->kind == BRIG_NOTE)
                    continue;
                printf("  %-7s %s: %s\n", ch->kind == BRIG_REFUSE ? "REFUSE" : "FIX", ch->pointer,
                       ch->reason);
            }
            if (n)
                printf("  %zu violation%s (%s, mode %s)\n", n, n == 1 ? "" : "s",
                       brig_policy_source(h.policy), brig_mode_name(h.policy->mode));
        }
        brig_harden_file_done(&h);
    }
    return total ? BRIG_EXIT_REFUSED : BRIG_EXIT_OK;
}
