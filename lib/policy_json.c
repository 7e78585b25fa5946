/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The effective policy written back in the policy file's schema, so
 * `brig policy show` output can itself be used as a policy file. */
#include "caps.h"
#include "policy.h"

static BrigJson *strv_json(char *const *v)
{
    BrigJson *a = brig_json_new(BRIG_JSON_ARRAY);
    for (; v && *v; v++)
        brig_json_append(a, brig_json_new_string(*v));
    return a;
}

BrigJson *brig_policy_to_json(const BrigPolicy *p)
{
    static const char *const ns[] = {"pid", "ipc", "uts", "mount", "network", "cgroup"};
    static const char *const secrets[] = {"warn", "strip", "reject"};
    BrigJson *root = brig_json_new(BRIG_JSON_OBJECT);
    brig_json_set(root, "version", brig_json_new_int(BRIG_POLICY_VERSION));
    brig_json_set(root, "mode", brig_json_new_string(brig_mode_name(p->mode)));
    if (p->runtime)
        brig_json_set(root, "runtime", brig_json_new_string(p->runtime));

    BrigJson *d = brig_json_new(BRIG_JSON_OBJECT);
    BrigJson *user = brig_json_new(BRIG_JSON_OBJECT);
    brig_json_set(user, "uid", brig_json_new_uint(p->uid));
    brig_json_set(user, "gid", brig_json_new_uint(p->gid));
    brig_json_set(d, "user", user);
    BrigJson *caps = brig_json_new(BRIG_JSON_ARRAY);
    for (int n = 0; n <= BRIG_CAP_LAST; n++)
        if (p->caps_allowed & (UINT64_C(1) << n))
            brig_json_append(caps, brig_json_new_string(brig_cap_name(n)));
    brig_json_set(d, "capabilities", caps);
    brig_json_set(d, "tmpfsSize", brig_json_new_uint(p->tmpfs_size));
    brig_json_set(d, "tmpfsInodes", brig_json_new_uint(p->tmpfs_inodes));
    brig_json_set(d, "pidsLimit", brig_json_new_int(p->pids_limit));
    brig_json_set(d, "mapHostRoot", brig_json_new_bool(p->map_host_root));
    static const char *const userns[] = {"off", "auto", "require"};
    brig_json_set(d, "userNamespace", brig_json_new_string(userns[p->userns]));
    brig_json_set(d, "oomScoreAdjMin", brig_json_new_int(p->oom_score_adj_min));
    BrigJson *rl = brig_json_new(BRIG_JSON_OBJECT);
    for (int i = 0; i < BRIG_RLIMIT_COUNT; i++)
        brig_json_set(rl, brig_rlimit_name(i),
                      p->rlimit_max[i] == BRIG_RLIMIT_UNLIMITED
                          ? brig_json_new_string("unlimited")
                          : brig_json_new_uint(p->rlimit_max[i]));
    brig_json_set(d, "rlimits", rl);
    brig_json_set(d, "envSecrets", brig_json_new_string(secrets[p->env_secrets]));
    brig_json_set(d, "seccompProfile",
                  brig_json_new_string(p->seccomp_unconfined ? "unconfined"
                                       : p->seccomp_profile  ? p->seccomp_profile
                                                             : "default"));
    if (p->hooks_restricted) {
        BrigJson *h = brig_json_new(BRIG_JSON_OBJECT);
        brig_json_set(h, "allowed", strv_json(p->hooks_allowed));
        brig_json_set(d, "hooks", h);
    }
    BrigJson *nss = brig_json_new(BRIG_JSON_ARRAY);
    for (size_t i = 0; i < ELEMENTSOF(ns); i++)
        if (p->host_namespaces & (1u << i))
            brig_json_append(nss, brig_json_new_string(ns[i]));
    brig_json_set(d, "hostNamespaces", nss);
    brig_json_set(d, "hostPathsReadOnly", strv_json(p->host_paths_ro));
    brig_json_set(d, "hostSockets", strv_json(p->host_sockets));
    brig_json_set(d, "hostGroups", strv_json(p->host_groups));
    brig_json_set(d, "mountTypes", strv_json(p->mount_types));
    brig_json_set(d, "mountOptions", strv_json(p->mount_options));
    brig_json_set(d, "devices", strv_json(p->devices));
    brig_json_set(d, "sysctls", strv_json(p->sysctls_allowed));
    brig_json_set(d, "specFields", strv_json(p->spec_fields));
    brig_json_set(d, "runtimeFlags", strv_json(p->runtime_flags));
    brig_json_set(d, "restore", brig_json_new_bool(p->restore));
    brig_json_set(d, "writablePaths", strv_json(p->writable_paths));
    brig_json_set(d, "rootfsAllowed", strv_json(p->rootfs_allowed));
    brig_json_set(d, "writableRootfs", brig_json_new_bool(p->writable_rootfs));
    static const char *const lsm[] = {"auto", "require", "off"};
    BrigJson *aa = brig_json_new(BRIG_JSON_OBJECT);
    brig_json_set(aa, "mode", brig_json_new_string(lsm[p->apparmor]));
    brig_json_set(aa, "profile",
                  brig_json_new_string(p->apparmor_profile ? p->apparmor_profile : "brig-default"));
    brig_json_set(aa, "keepEngineProfile", brig_json_new_bool(p->apparmor_keep_engine));
    brig_json_set(aa, "allowUnconfinedOnLoadFailure",
                  brig_json_new_bool(p->apparmor_load_fail_open));
    brig_json_set(d, "apparmor", aa);
    BrigJson *se = brig_json_new(BRIG_JSON_OBJECT);
    brig_json_set(se, "mode", brig_json_new_string(lsm[p->selinux]));
    brig_json_set(d, "selinux", se);
    brig_json_set(root, "defaults", d);
    return root;
}
