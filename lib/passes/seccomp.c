/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Seccomp: linux.seccomp becomes brig's default profile (or the policy's),
 * resolved against the capabilities the container keeps, so a syscall
 * group opens only when the capability the kernel would check anyway is
 * kept.  The engine's own profile (Docker's, Podman's) is replaced: it was
 * written for a container that may keep CAP_SYS_ADMIN, and conditions in it
 * on capabilities were already resolved against the engine's view of them.
 * Its seccomp-notify listener is kept, as an engine (or a tracing tool) set
 * it up for a reason and it only ever adds a supervisor. */
#include <stdio.h>

#include "../caps.h"
#include "../seccomp.h"
#include "../sha256.h"
#include "passes.h"

static int bounding_mask(const BrigJson *spec, uint64_t *ret, BrigError **err)
{
    const BrigJson *c;
    size_t i = 0;
    *ret = 0;
    /* The capabilities pass has run: a process always has a bounding set
     * now.  Without a process there is nothing to run; resolve for none. */
    BRIG_JSON_FOREACH (c, brig_json_get_path(spec, "process/capabilities/bounding")) {
        int n = brig_cap_from_name(brig_json_str(c));
        if (n < 0)
            return brig_error_set(err, EINVAL,
                                  "/process/capabilities/bounding/%zu: unknown capability name", i);
        *ret |= UINT64_C(1) << n;
        i++;
    }
    return 0;
}

static char *caps_text(uint64_t mask)
{
    return mask ? brig_caps_join(mask) : xstrdup("no capabilities");
}

static void hash_piece(void *ctx, const char *p, size_t n)
{
    brig_sha256_update(ctx, p, n);
}

/* A profile is 10-30 KiB of JSON: the report (and `brig harden --diff`)
 * shows what identifies it instead: its default, its size and a digest to
 * compare with a known profile. */
static BrigJson *summary(const BrigJson *prof, const char *name, const char *known_digest)
{
    BrigJson *s = brig_json_new(BRIG_JSON_OBJECT);
    if (name)
        brig_json_set(s, "profile", brig_json_new_string(name));
    static const char *const keys[] = {"defaultAction", "defaultErrnoRet", "listenerPath"};
    for (size_t k = 0; k < ELEMENTSOF(keys); k++) {
        const BrigJson *v = brig_json_get(prof, keys[k]);
        if (v)
            brig_json_set(s, keys[k], brig_json_copy(v));
    }
    const BrigJson *sys = brig_json_get(prof, "syscalls"), *e;
    size_t names = 0;
    BRIG_JSON_FOREACH (e, sys) {
        const BrigJson *n = brig_json_get(e, "names");
        names += n && n->type == BRIG_JSON_ARRAY ? n->n : 0;
    }
    brig_json_set(s, "rules", brig_json_new_uint(sys && sys->type == BRIG_JSON_ARRAY ? sys->n : 0));
    brig_json_set(s, "names", brig_json_new_uint(names));
    if (known_digest) {
        brig_json_set(s, "digest", brig_json_new_string(known_digest));
        return s;
    }
    BrigSha256 sha;
    brig_sha256_init(&sha);
    brig_json_serialize_to(prof, 0, hash_piece, &sha);
    char digest[BRIG_DIGEST_LEN];
    brig_sha256_final_digest(&sha, digest);
    brig_json_set(s, "digest", brig_json_new_string(digest));
    return s;
}

int pass_seccomp(const BrigCtx *ctx, BrigJson *spec, BrigReport *rep, BrigError **err)
{
    const BrigPolicy *pol = ctx->policy;
    BrigJson *linux_ = pass_ensure(spec, "linux", BRIG_JSON_OBJECT, "", err);
    if (!linux_)
        return -EINVAL;
    int r = pass_check_type(linux_, "seccomp", BRIG_JSON_OBJECT, "/linux", err);
    if (r < 0)
        return r;
    BrigJson *cur = brig_json_get(linux_, "seccomp");

    if (!ctx->host->seccomp) {
        brig_report_note(rep, "/linux/seccomp",
                         "the kernel has no seccomp filters: no profile can be applied");
        return 0;
    }
    if (pol->seccomp_unconfined) {
        if (cur)
            brig_report_note(rep, "/linux/seccomp",
                             "%s lets this container run without a seccomp filter, but the "
                             "engine's profile is kept: brig never removes a filter",
                             brig_policy_source(pol));
        else
            brig_report_note(rep, "/linux/seccomp", "no seccomp filter: an exception granted by %s",
                             brig_policy_source(pol));
        return 0;
    }

    _cleanup_(brig_json_freep) BrigJson *loaded = NULL;
    const char *profile_name = pol->seccomp_profile ? pol->seccomp_profile : "brig default";
    if (pol->seccomp_profile) {
        r = brig_seccomp_load(pol->seccomp_profile, &loaded, err);
        if (r < 0)
            return brig_error_prefix(err, "seccomp profile named by %s", brig_policy_source(pol));
    }

    uint64_t caps;
    r = bounding_mask(spec, &caps, err);
    if (r < 0)
        return r;
    /* runc and crun build the filter for every architecture listed: only
     * the host's family stays */
    _cleanup_(brig_json_freep) BrigJson *want = NULL;
    r = loaded ? brig_seccomp_resolve_for_host(loaded, caps, ctx->host->seccomp_arch,
                                               ctx->host->x32_disabled, &want, err)
               : brig_seccomp_default_resolved(caps, ctx->host->seccomp_arch,
                                               ctx->host->x32_disabled, &want, err);
    if (r < 0)
        return r;

    bool kept_listener = false;
    static const char *const listener_keys[] = {"listenerPath", "listenerMetadata"};
    for (size_t k = 0; k < ELEMENTSOF(listener_keys); k++) {
        const BrigJson *v = brig_json_get(cur, listener_keys[k]);
        if (v && !brig_json_get(want, listener_keys[k])) {
            brig_json_set(want, listener_keys[k], brig_json_copy(v));
            kept_listener = true;
        }
    }
    if (cur && brig_json_equal(cur, want))
        return 0;

    _cleanup_free_ char *ct = caps_text(caps);
    /* the summaries serialize and hash both profiles, so only for a reader
     * of the values; the build hashed the pre-resolved profile already */
    const char *known = loaded || kept_listener
                            ? NULL
                            : brig_seccomp_default_resolved_digest(caps, ctx->host->seccomp_arch,
                                                                   ctx->host->x32_disabled);
    _cleanup_(brig_json_freep) BrigJson *after =
        rep->no_values ? NULL : summary(want, profile_name, known);
    if (after)
        brig_json_set(after, "capabilities", brig_json_new_string(ct));
    if (!cur) {
        brig_report_fix(rep, "/linux/seccomp", NULL, after,
                        "no seccomp filter: the container could make every system call; set the "
                        "%s profile, resolved for %s (%s)",
                        profile_name, ct, brig_policy_source(pol));
    } else {
        _cleanup_(brig_json_freep) BrigJson *before =
            rep->no_values ? NULL : summary(cur, NULL, NULL);
        const BrigJson *rules = brig_json_get(cur, "syscalls");
        const char *def = brig_json_str(brig_json_get(cur, "defaultAction"));
        brig_report_fix(rep, "/linux/seccomp", before, after,
                        "replaced the engine's seccomp profile (%zu rules, default %s) with the %s "
                        "profile, resolved for %s (%s)%s",
                        rules && rules->type == BRIG_JSON_ARRAY ? rules->n : (size_t)0,
                        def ? def : "unset", profile_name, ct, brig_policy_source(pol),
                        kept_listener ? "; kept the engine's seccomp-notify listener" : "");
    }
    brig_json_set(linux_, "seccomp", TAKE_PTR(want));
    return 0;
}
