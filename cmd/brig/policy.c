/* SPDX-License-Identifier: GPL-2.0-or-later */
/* brig policy show [FILE] | brig policy validate FILE */
#include <stdio.h>

#include "brig.h"
#include "policy.h"

int cmd_policy(int argc, char **argv, const BrigArgv *a, BrigError **err)
{
    if (argc < 2 || streq(argv[1], "--help") || streq(argv[1], "-h")) {
        fprintf(argc < 2 ? stderr : stdout,
                "Usage: brig policy show [FILE]\n"
                "       brig policy validate FILE\n"
                "show prints the effective defaults (the file's, or the built-in policy)\n"
                "in the policy file schema; see brig-policy(5).\n");
        return argc < 2 ? BRIG_EXIT_USAGE : BRIG_EXIT_OK;
    }
    const char *sub = argv[1];
    if (!streq(sub, "show") && !streq(sub, "validate")) {
        brig_error_set(err, EINVAL, "policy: unknown subcommand \"%s\" (show or validate)", sub);
        return BRIG_EXIT_USAGE;
    }
    if (argc > 3 || (streq(sub, "validate") && argc != 3)) {
        brig_error_set(err, EINVAL, "policy %s: expected %s", sub,
                       streq(sub, "validate") ? "one FILE" : "at most one FILE");
        return BRIG_EXIT_USAGE;
    }
    const char *file = argc == 3 ? argv[2] : a->brig_policy;
    _cleanup_(brig_policy_doc_freep) BrigPolicyDoc *doc = NULL;
    if (brig_policy_load(file, &doc, err) < 0)
        return BRIG_EXIT_USAGE;
    if (streq(sub, "validate")) {
        printf("%s: valid (%zu rule%s, %s)\n", file, doc->n_rules, doc->n_rules == 1 ? "" : "s",
               doc->digest);
        return BRIG_EXIT_OK;
    }
    _cleanup_(brig_json_freep) BrigJson *j = brig_policy_to_json(doc->defaults);
    BrigJson *audit = brig_json_new(BRIG_JSON_OBJECT);
    if (doc->audit_log)
        brig_json_set(audit, "log", brig_json_new_string(doc->audit_log));
    brig_json_set(audit, "syslog", brig_json_new_bool(doc->audit_syslog));
    brig_json_set(j, "audit", audit);
    BrigJson *trusted = brig_json_new(BRIG_JSON_ARRAY);
    for (char **t = doc->trusted_annotations; t && *t; t++)
        brig_json_append(trusted, brig_json_new_string(*t));
    brig_json_set(j, "trustedAnnotations", trusted);
    _cleanup_free_ char *out = brig_json_serialize(j, BRIG_JSON_PRETTY, NULL);
    printf("# %s %s, %zu rule%s not shown (only the defaults are)\n",
           doc->path ? doc->path : "built-in default policy", doc->digest, doc->n_rules,
           doc->n_rules == 1 ? "" : "s");
    fputs(out, stdout);
    return BRIG_EXIT_OK;
}
