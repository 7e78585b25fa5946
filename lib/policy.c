/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "policy.h"
#include "sha256.h"

/* The built-in policy, spelled as the JSON a policy file would hold, so its
 * digest means the same thing as a file's. */
static const char builtin_policy_json[] = "{\"version\":1,\"mode\":\"enforce\"}";

BrigPolicy *brig_policy_new_default(void)
{
    BrigPolicy *p = xcalloc(1, sizeof(*p));
    p->mode = BRIG_MODE_ENFORCE;
    p->caps_allowed = 0;
    p->uid = 65534;
    p->gid = 65534;
    p->tmpfs_size = 64u * 1024 * 1024;
    p->pids_limit = 4096;
    brig_sha256_digest(builtin_policy_json, sizeof(builtin_policy_json) - 1, p->digest);
    return p;
}

void brig_policy_free(BrigPolicy *p)
{
    if (!p)
        return;
    free(p->path);
    free(p->runtime);
    free(p->seccomp_profile);
    strv_free(p->host_paths_ro);
    strv_free(p->sysctls_allowed);
    strv_free(p->hooks_allowed);
    free(p);
}

const char *brig_mode_name(BrigMode m)
{
    switch (m) {
    case BRIG_MODE_ENFORCE:
        return "enforce";
    case BRIG_MODE_REJECT:
        return "reject";
    case BRIG_MODE_AUDIT:
        return "audit";
    }
    return "?";
}

const char *brig_policy_source(const BrigPolicy *p)
{
    return p->path ? p->path : "built-in default policy";
}
