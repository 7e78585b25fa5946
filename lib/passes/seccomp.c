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
    char *out = NULL;
    for (int n = 0; n <= BRIG_CAP_LAST; n++) {
        if (!(mask & (UINT64_C(1) << n)))
            continue;
        char *next = xasprintf("%s%s%s", out ? out : "", out ? ", " : "", brig_cap_name(n));
        free(out);
        out = next;
    }
    return out ? out : xstrdup("no capabilities");
}

/* A profile is 10-30 KiB of JSON: the report (and `brig harden --diff`)
 * shows what identifies it instead: its default, its size and a digest to
 * compare with a known profile. */
static BrigJson *summary(const BrigJson *prof, const char *name)
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
    size_t len;
    _cleanup_free_ char *text = brig_json_serialize(prof, 0, &len);
    char digest[BRIG_DIGEST_LEN];
    brig_sha256_digest(text, len, digest);
    brig_json_set(s, "digest", brig_json_new_string(digest));
    return s;
}

/* runc and crun add every architecture a profile lists to the filter, and
 * libseccomp's work grows with each: brig's five made `runc run` ~30 ms
 * slower than no filter, against ~10 ms for the x86 family alone
 * (bench/start).  An architecture the host kernel cannot run never matches
 * (the kernel presents only its own and its compat ABIs), so it goes.  A
 * profile listing none of the host's family is left to the runtime. */
/* Drops names that no architecture left in the profile knows (the ARM
 * private calls on an x86 host): the runtime would skip them anyway, and a
 * profile brig writes must itself validate (brig seccomp bpf --profile). */
static void prune_names(BrigJson *prof)
{
    const BrigJson *archs = brig_json_get(prof, "architectures");
    BrigJson *sys = brig_json_get(prof, "syscalls");
    uint32_t tokens[8];
    size_t nt = 0;
    const BrigJson *a;
    BRIG_JSON_FOREACH (a, archs)
        if (nt < ELEMENTSOF(tokens) && (tokens[nt] = brig_seccomp_arch_token(brig_json_str(a))))
            nt++;
    if (!nt || !sys)
        return;
    for (size_t e = sys->n; e > 0; e--) {
        BrigJson *names = brig_json_get(sys->kids[e - 1], "names");
        for (size_t i = names ? names->n : 0; i > 0; i--) {
            const char *n = brig_json_str(names->kids[i - 1]);
            bool known = false;
            /* a name no listed architecture has as a real call resolves to
             * a negative pseudo number everywhere (the same test
             * brig_seccomp_validate applies) */
            for (size_t t = 0; t < nt && !known && n; t++)
                known = seccomp_syscall_resolve_name_arch(tokens[t], n) >= 0;
            if (!known)
                brig_json_delete_at(names, i - 1);
        }
        if (names && names->n == 0)
            brig_json_delete_at(sys, e - 1);
    }
}

/* The architectures a filter on this host needs: the host's family,
 * less x32 where the kernel has no x32 ABI.  Without that entry an x32
 * call meets the filter's bad-architecture action (the task is killed)
 * instead of ENOSYS from the kernel: either way no x32 program can run
 * there, and the runtime compiles a third less (bench/price: -6 ms per
 * start with runc and with crun). */
static bool arch_needed(const BrigHost *host, uint32_t arch)
{
    if (!brig_seccomp_arch_on_host(arch, host->seccomp_arch))
        return false;
    return !(arch == SCMP_ARCH_X32 && host->seccomp_arch == SCMP_ARCH_X86_64 && host->x32_disabled);
}

static void narrow_architectures(BrigJson *prof, const BrigHost *host)
{
    BrigJson *archs = brig_json_get(prof, "architectures");
    const BrigJson *a;
    bool any = false;
    if (!host->seccomp_arch || !archs || archs->type != BRIG_JSON_ARRAY)
        return;
    BRIG_JSON_FOREACH (a, archs)
        any = any || arch_needed(host, brig_seccomp_arch_token(brig_json_str(a)));
    bool narrowed = false;
    for (size_t i = archs->n; any && i > 0; i--)
        if (!arch_needed(host, brig_seccomp_arch_token(brig_json_str(archs->kids[i - 1])))) {
            brig_json_delete_at(archs, i - 1);
            narrowed = true;
        }
    if (narrowed)
        prune_names(prof);
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
    const BrigJson *profile;
    const char *profile_name = pol->seccomp_profile ? pol->seccomp_profile : "brig default";
    if (pol->seccomp_profile) {
        r = brig_seccomp_load(pol->seccomp_profile, &loaded, err);
        if (r < 0)
            return brig_error_prefix(err, "seccomp profile named by %s", brig_policy_source(pol));
        profile = loaded;
    } else {
        r = brig_seccomp_default(&profile, err);
        if (r < 0)
            return r;
    }

    uint64_t caps;
    r = bounding_mask(spec, &caps, err);
    if (r < 0)
        return r;
    _cleanup_(brig_json_freep) BrigJson *want = NULL;
    r = brig_seccomp_resolve(profile, caps, &want, err);
    if (r < 0)
        return r;
    narrow_architectures(want, ctx->host);

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
    /* the summaries serialize and hash both profiles: only for a reader */
    _cleanup_(brig_json_freep) BrigJson *after = rep->no_values ? NULL : summary(want, profile_name);
    if (after)
        brig_json_set(after, "capabilities", brig_json_new_string(ct));
    if (!cur) {
        brig_report_fix(rep, "/linux/seccomp", NULL, after,
                        "no seccomp filter: the container could make every system call; set the "
                        "%s profile, resolved for %s (%s)",
                        profile_name, ct, brig_policy_source(pol));
    } else {
        _cleanup_(brig_json_freep) BrigJson *before = rep->no_values ? NULL : summary(cur, NULL);
        const BrigJson *rules = brig_json_get(cur, "syscalls");
        brig_report_fix(rep, "/linux/seccomp", before, after,
                        "replaced the engine's seccomp profile (%zu rules, default %s) with the %s "
                        "profile, resolved for %s (%s)%s",
                        rules && rules->type == BRIG_JSON_ARRAY ? rules->n : (size_t)0,
                        brig_json_str(brig_json_get(cur, "defaultAction"))
                            ? brig_json_str(brig_json_get(cur, "defaultAction"))
                            : "unset",
                        profile_name, ct, brig_policy_source(pol),
                        kept_listener ? "; kept the engine's seccomp-notify listener" : "");
    }
    brig_json_set(linux_, "seccomp", TAKE_PTR(want));
    return 0;
}
