/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Root filesystem: read-only, so nothing the container runs can persist or
 * plant binaries; tmpfs at the conventional scratch directories keeps
 * ordinary programs working.  The tmpfs are nosuid,nodev, size-limited, and
 * world-writable with the sticky bit (mode=1777), which works for any uid the
 * user pass chose and inside user namespaces, where uid= options would need
 * a mapped id. */
#include "passes.h"

static const char *const scratch_dirs[] = {"/tmp", "/var/tmp", "/run"};

/* Compares mount destinations ignoring trailing slashes ("/tmp/" == "/tmp"). */
static bool same_path(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    while (la > 1 && a[la - 1] == '/')
        la--;
    while (lb > 1 && b[lb - 1] == '/')
        lb--;
    return la == lb && strncmp(a, b, la) == 0;
}

static bool has_mount_at(const BrigJson *mounts, const char *dest)
{
    const BrigJson *m;
    BRIG_JSON_FOREACH (m, mounts) {
        const char *d = brig_json_str(brig_json_get(m, "destination"));
        if (d && same_path(d, dest))
            return true;
    }
    return false;
}

static BrigJson *tmpfs_mount(const char *dest, uint64_t size)
{
    BrigJson *m = brig_json_new(BRIG_JSON_OBJECT);
    brig_json_set(m, "destination", brig_json_new_string(dest));
    brig_json_set(m, "type", brig_json_new_string("tmpfs"));
    brig_json_set(m, "source", brig_json_new_string("tmpfs"));
    BrigJson *opts = brig_json_new(BRIG_JSON_ARRAY);
    brig_json_append(opts, brig_json_new_string("nosuid"));
    brig_json_append(opts, brig_json_new_string("nodev"));
    brig_json_append(opts, brig_json_new_string("mode=1777"));
    _cleanup_free_ char *sz = xasprintf("size=%llu", (unsigned long long)size);
    brig_json_append(opts, brig_json_new_string(sz));
    brig_json_set(m, "options", opts);
    return m;
}

int pass_rootfs(const BrigCtx *ctx, BrigJson *spec, BrigReport *rep, BrigError **err)
{
    int r = pass_check_type(spec, "root", BRIG_JSON_OBJECT, "", err);
    if (r < 0)
        return r;
    BrigJson *root = brig_json_get(spec, "root");
    if (root) {
        r = pass_check_type(root, "readonly", BRIG_JSON_BOOL, "/root", err);
        if (r < 0)
            return r;
        BrigJson *ro = brig_json_get(root, "readonly");
        if (!brig_json_is_true(ro)) {
            BrigJson *nv = brig_json_new_bool(true);
            brig_report_fix(rep, "/root/readonly", ro, nv,
                            "the root filesystem is read-only under %s; tmpfs at /tmp, /var/tmp "
                            "and /run stay writable",
                            brig_policy_source(ctx->policy));
            brig_json_set(root, "readonly", nv);
        }
    }

    BrigJson *mounts = pass_ensure(spec, "mounts", BRIG_JSON_ARRAY, "", err);
    if (!mounts)
        return -EINVAL;
    const BrigJson *m;
    size_t i = 0;
    BRIG_JSON_FOREACH (m, mounts) {
        if (m->type != BRIG_JSON_OBJECT)
            return brig_error_set(err, EINVAL, "/mounts/%zu: expected an object, found %s", i,
                                  brig_json_type_name(m->type));
        r = pass_check_type(m, "destination", BRIG_JSON_STRING, "/mounts", err);
        if (r < 0)
            return r;
        i++;
    }
    for (size_t d = 0; d < ELEMENTSOF(scratch_dirs); d++) {
        if (has_mount_at(mounts, scratch_dirs[d]))
            continue;
        BrigJson *nm = tmpfs_mount(scratch_dirs[d], ctx->policy->tmpfs_size);
        _cleanup_free_ char *p = xasprintf("/mounts/%zu", mounts->n);
        brig_report_fix(rep, p, NULL, nm, "writable scratch space on a read-only root filesystem");
        brig_json_append(mounts, nm);
    }
    return 0;
}
