/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Seccomp: linux.seccomp becomes brig's default profile (or the policy's),
 * resolved against the capabilities the container keeps, so a syscall
 * group opens only when the capability the kernel would check anyway is
 * kept.  Where the engine sent a profile of its own (Docker and Podman
 * always do), the filter denies whatever either profile denies
 * (brig_seccomp_intersect): brig is never looser than the engine, so a
 * profile stricter than brig's (runtime-tools' denies getcwd) stays as
 * strict.  The engine's seccomp-notify listener is kept: its NOTIFY rules
 * survive where brig allows the call, and a supervisor only adds checks. */
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

static void digest_of(const BrigJson *prof, char digest[BRIG_DIGEST_LEN])
{
    BrigSha256 sha;
    brig_sha256_init(&sha);
    brig_json_serialize_to(prof, 0, hash_piece, &sha);
    brig_sha256_final_digest(&sha, digest);
}

/* A profile is 10-30 KiB of JSON: the report (and `brig harden --diff`)
 * shows what identifies it instead: its default, its size and a digest to
 * compare with a known profile.  known_digest NULL: hashed here; "": none
 * (a combined profile is identified by the digests of its two sources,
 * which the caller adds: hashing it again cost ~15 us a container). */
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
        if (*known_digest)
            brig_json_set(s, "digest", brig_json_new_string(known_digest));
        return s;
    }
    char digest[BRIG_DIGEST_LEN];
    digest_of(prof, digest);
    brig_json_set(s, "digest", brig_json_new_string(digest));
    return s;
}

/* "; the engine's rules decide 12 syscalls, ..." */
static char *merge_text(const BrigSeccompMerge *m)
{
    char buf[512];
    size_t n = 0;
    buf[0] = '\0';
#define ADD(...) n += (size_t)snprintf(buf + n, n < sizeof(buf) ? sizeof(buf) - n : 0, __VA_ARGS__)
    if (m->engine_stricter)
        ADD("; the engine's rules decide %zu syscall%s", m->engine_stricter,
            m->engine_stricter == 1 ? "" : "s");
    if (m->both_tested)
        ADD("; %zu tested by both, allowed where both allow", m->both_tested);
    if (m->gave_up)
        ADD("; %zu denied outright (no exact combined form)", m->gave_up);
    if (m->engine_default)
        ADD("; the engine's default action");
    if (m->archs_dropped)
        ADD("; %zu architecture%s the engine does not cover dropped", m->archs_dropped,
            m->archs_dropped == 1 ? "" : "s");
    if (m->spec_allow_dropped)
        ADD("; SECCOMP_FILTER_FLAG_SPEC_ALLOW dropped (it turns a mitigation off)");
#undef ADD
    return xstrdup(buf);
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

    /* brig's own profile, written by an earlier run: nothing to combine */
    if (cur && brig_json_equal(cur, want))
        return 0;
    BrigSeccompMerge merged = {0};
    bool merge = cur && cur->n > 0;
    /* the summaries serialize and hash profiles, so only for a reader of
     * the values; the build hashed the pre-resolved profile already */
    char brig_digest[BRIG_DIGEST_LEN] = "";
    const char *known = loaded ? NULL
                               : brig_seccomp_default_resolved_digest(caps, ctx->host->seccomp_arch,
                                                                      ctx->host->x32_disabled);
    if (!rep->no_values && merge) {
        if (known)
            snprintf(brig_digest, sizeof(brig_digest), "%s", known);
        else
            digest_of(want, brig_digest);
    }
    /* the engine's digest names its profile in the report, and finds the
     * combination the build made already when brig's profile is the
     * pre-resolved one and the engine's a default the build knows */
    char engine_digest[BRIG_DIGEST_LEN] = "";
    bool premerged = false;
    if (merge && known) {
        digest_of(cur, engine_digest);
        BrigJson *pre = NULL;
        if (brig_seccomp_default_merged(caps, ctx->host->seccomp_arch, ctx->host->x32_disabled,
                                        engine_digest, &pre, &merged) > 0) {
            brig_json_free(want);
            want = pre;
            premerged = true;
        }
    }
    if (merge && !premerged) {
        BrigError *why = NULL;
        r = brig_seccomp_intersect(want, cur, ctx->host->seccomp_arch, &merged, &why);
        if (r < 0) {
            /* not read as the runtime would read it: refused, like any
             * input brig cannot judge (the config is left as it came) */
            brig_report_refuse(rep, "/linux/seccomp", NULL,
                               "the engine's seccomp profile cannot be combined with the %s "
                               "profile: %s",
                               profile_name, why->msg);
            brig_error_free(why);
            return 0;
        }
    }

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
    _cleanup_(brig_json_freep) BrigJson *after = rep->no_values ? NULL
                                                                : summary(want, profile_name,
                                                                          merge           ? ""
                                                                          : kept_listener ? NULL
                                                                                          : known);
    _cleanup_(brig_json_freep) BrigJson *before =
        rep->no_values || !cur ? NULL : summary(cur, NULL, *engine_digest ? engine_digest : NULL);
    if (after)
        brig_json_set(after, "capabilities", brig_json_new_string(ct));
    if (after && merge) {
        BrigJson *src = brig_json_new(BRIG_JSON_OBJECT);
        brig_json_set(src, "brig", brig_json_new_string(brig_digest));
        brig_json_set(src, "engine", brig_json_copy(brig_json_get(before, "digest")));
        brig_json_set(after, "combinedFrom", src);
    }
    if (!cur) {
        brig_report_fix(rep, "/linux/seccomp", NULL, after,
                        "no seccomp filter: the container could make every system call; set the "
                        "%s profile, resolved for %s (%s)",
                        profile_name, ct, brig_policy_source(pol));
    } else {
        const BrigJson *rules = brig_json_get(cur, "syscalls");
        const char *def = brig_json_str(brig_json_get(cur, "defaultAction"));
        _cleanup_free_ char *how = merge_text(&merged);
        brig_report_fix(rep, "/linux/seccomp", before, after,
                        "combined the engine's seccomp profile (%zu rules, default %s) with the %s "
                        "profile, resolved for %s (%s): a call either denies is denied%s%s",
                        rules && rules->type == BRIG_JSON_ARRAY ? rules->n : (size_t)0,
                        def ? def : "unset", profile_name, ct, brig_policy_source(pol), how,
                        kept_listener ? "; kept the engine's seccomp-notify listener" : "");
    }
    brig_json_set(linux_, "seccomp", TAKE_PTR(want));
    return 0;
}
