/* SPDX-License-Identifier: GPL-2.0-or-later */
/* brig seccomp show|pfc|bpf|explain|diff: the profile debugging toolbox.
 * See brig-seccomp(8). */
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "brig.h"
#include "bundle.h"
#include "caps.h"
#include "context.h"
#include "harden.h"
#include "sctool.h"
#include "seccomp_explain.h"

/* ---- shared helpers (record.c uses them too) ---- */

int sctool_copy_write(const SctoolCopy *c, BrigError **err)
{
    size_t len;
    _cleanup_free_ char *text = brig_json_serialize(c->spec, BRIG_JSON_PRETTY, &len);
    return brig_output_write(c->config, text, len, 0600, err);
}

int sctool_bounding_caps(const BrigJson *spec, uint64_t *ret, BrigError **err)
{
    const BrigJson *c;
    *ret = 0;
    BRIG_JSON_FOREACH (c, brig_json_get_path(spec, "process/capabilities/bounding")) {
        int n = brig_cap_from_name(brig_json_str(c));
        if (n < 0)
            return brig_error_set(err, EINVAL, "unknown capability %s in the bounding set",
                                  brig_json_str(c) ?: "(not a string)");
        *ret |= UINT64_C(1) << n;
    }
    return 0;
}

int sctool_harden_copy(const char *bundle, const BrigArgv *a, SctoolCopy *ret, BrigError **err)
{
    *ret = (SctoolCopy){0};
    _cleanup_free_ char *src = brig_bundle_config_path(bundle, NULL);
    _cleanup_(brig_json_freep) BrigJson *spec = NULL;
    int r = brig_file_load_json(src, NULL, &spec, err);
    if (r < 0)
        return r;
    /* the copy lives elsewhere: point it at the original rootfs, and judge
     * it as the container's bundle (root.path inside it, not outside the
     * copy's directory) */
    _cleanup_free_ char *absb = realpath(bundle, NULL);
    if (!absb)
        return brig_error_errno(err, errno, "%s", bundle);
    BrigJson *root = brig_json_get(spec, "root");
    const char *rp = brig_json_str(brig_json_get(root, "path"));
    if (rp && rp[0] != '/') {
        _cleanup_free_ char *abs_root = xasprintf("%s/%s", absb, rp);
        brig_json_set(root, "path", brig_json_new_string(abs_root));
    }
    char tmpl[] = "/tmp/brig-bundle-XXXXXX";
    if (!mkdtemp(tmpl))
        return brig_error_errno(err, errno, "mkdtemp");
    ret->dir = xstrdup(tmpl);
    ret->config = xasprintf("%s/config.json", tmpl);
    ret->spec = TAKE_PTR(spec);
    r = sctool_copy_write(ret, err);
    if (r < 0)
        return r;
    brig_json_free(ret->spec);
    ret->spec = NULL;

    _cleanup_(brig_policy_doc_freep) BrigPolicyDoc *doc = NULL;
    r = brig_policy_load(a->brig_policy, &doc, err);
    if (r < 0)
        return r;
    BrigHost host;
    brig_host_probe(&host);
    BrigHardenFile h = {.doc = doc, .host = &host, .path = ret->config, .bundle = absb};
    r = brig_harden_file(&h, err);
    if (r >= 0 && brig_harden_refused(&h)) {
        /* the first refusal, named: "see brig check" alone sends the user
         * looking for what brig already knows */
        const BrigChange *c = NULL;
        size_t n = brig_report_count(&h.rep, BRIG_REFUSE);
        for (size_t i = 0; i < h.rep.n && !c; i++)
            if (h.rep.v[i].kind == BRIG_REFUSE)
                c = &h.rep.v[i];
        r = brig_error_set(err, EPERM, "%s: the policy refuses this container: %s: %s%s", bundle,
                           c ? c->pointer : "?", c ? c->reason : "?",
                           n > 1 ? " (and more: brig check BUNDLE lists them)" : "");
    }
    if (r >= 0) {
        ret->profile = h.policy->seccomp_profile ? xstrdup(h.policy->seccomp_profile) : NULL;
        ret->unconfined = h.policy->seccomp_unconfined;
        const char *rt = doc->defaults->runtime ? doc->defaults->runtime : a->brig_runtime;
        ret->runtime = rt ? xstrdup(rt) : NULL;
    }
    brig_harden_file_done(&h);
    if (r < 0)
        return r;
    return brig_file_load_json(ret->config, NULL, &ret->spec, err);
}

void sctool_copy_done(SctoolCopy *c)
{
    if (c->config)
        unlink(c->config);
    if (c->dir)
        rmdir(c->dir);
    free(c->config);
    free(c->dir);
    free(c->profile);
    free(c->runtime);
    brig_json_free(c->spec);
    *c = (SctoolCopy){0};
}

/* ---- inputs: which profile, which capabilities ---- */

typedef struct {
    const char *profile_path, *caps, *arch, *bundle, *engine_path;
    BrigJson *loaded;        /* owned */
    const BrigJson *profile; /* brig form, maybe with includes/excludes */
    BrigJson *attached;      /* BUNDLE: linux.seccomp as brig attaches it (owned) */
    BrigJson *engine;        /* the engine's own profile: BUNDLE's config or --engine (owned) */
    bool engine_hardened;    /* BUNDLE's config was hardened already: no engine profile known */
    uint64_t mask;
    uint32_t arch_token;
} Inputs;

static void inputs_done(Inputs *in)
{
    brig_json_free(in->loaded);
    brig_json_free(in->attached);
    brig_json_free(in->engine);
}

/* The engine's profile: linux.seccomp of a config.json, or the file itself
 * when it is a seccomp object.  NULL (and 0) when the config has none. */
static int engine_profile_load(const char *path, bool *ret_hardened, BrigJson **ret,
                               BrigError **err)
{
    _cleanup_(brig_json_freep) BrigJson *doc = NULL;
    int r = brig_file_load_json(path, NULL, &doc, err);
    if (r < 0)
        return r;
    *ret = NULL;
    if (ret_hardened)
        *ret_hardened = brig_json_get_path(doc, "annotations/io.brig.hardened") != NULL;
    if (brig_json_get(doc, "defaultAction")) {
        *ret = TAKE_PTR(doc);
        return 0;
    }
    const BrigJson *s = brig_json_get_path(doc, "linux/seccomp");
    *ret = s ? brig_json_copy(s) : NULL;
    return 0;
}

static int inputs_load(Inputs *in, const BrigArgv *a, BrigError **err)
{
    int r;
    if (in->arch) {
        in->arch_token = brig_seccomp_arch_token(in->arch);
        if (!in->arch_token)
            return brig_error_set(err, EINVAL, "unknown architecture \"%s\"", in->arch);
    }
    if (in->caps && brig_caps_parse_list(in->caps, &in->mask) < 0)
        return brig_error_set(err, EINVAL, "--caps: unknown capability in \"%s\"", in->caps);
    if (in->engine_path && (r = engine_profile_load(in->engine_path, NULL, &in->engine, err)) < 0)
        return r;
    if (in->bundle) {
        if (!in->engine_path) {
            _cleanup_free_ char *cfg = brig_bundle_config_path(in->bundle, NULL);
            r = engine_profile_load(cfg, &in->engine_hardened, &in->engine, err);
            if (r < 0)
                return r;
            if (in->engine_hardened) { /* what it holds is brig's own result */
                brig_json_free(in->engine);
                in->engine = NULL;
            }
        }
        _cleanup_(sctool_copy_done) SctoolCopy c = {0};
        r = sctool_harden_copy(in->bundle, a, &c, err);
        if (r < 0)
            return r;
        if (!in->caps && (r = sctool_bounding_caps(c.spec, &in->mask, err)) < 0)
            return r;
        if (!in->profile_path && c.profile &&
            (r = brig_seccomp_load(c.profile, &in->loaded, err)) < 0)
            return r;
        const BrigJson *s = brig_json_get_path(c.spec, "linux/seccomp");
        in->attached = s ? brig_json_copy(s) : NULL;
    }
    if (in->profile_path) {
        brig_json_free(in->loaded);
        in->loaded = NULL;
        r = brig_seccomp_load(in->profile_path, &in->loaded, err);
        if (r < 0)
            return r;
    }
    if (in->loaded)
        in->profile = in->loaded;
    else if ((r = brig_seccomp_default(&in->profile, err)) < 0)
        return r;
    return 0;
}

/* The OCI object the runtime gets. */
static int inputs_resolved(const Inputs *in, BrigJson **ret, BrigError **err)
{
    if (in->attached && !in->caps && !in->profile_path) {
        *ret = brig_json_copy(in->attached);
        return 0;
    }
    return brig_seccomp_resolve(in->profile, in->mask, ret, err);
}

static char *caps_text(uint64_t mask)
{
    char *out = NULL;
    for (int n = 0; n <= BRIG_CAP_LAST; n++) {
        if (!(mask & (UINT64_C(1) << n)))
            continue;
        char *next = xasprintf("%s%s%s", out ? out : "", out ? "," : "", brig_cap_name(n));
        free(out);
        out = next;
    }
    return out ? out : xstrdup("none");
}

static void ctx_releasep(scmp_filter_ctx *c)
{
    if (*c)
        seccomp_release(*c);
}

static void usage(FILE *out)
{
    fprintf(
        out,
        "Usage: brig seccomp COMMAND [OPTIONS]\n"
        "  show    [BUNDLE] [--caps LIST] [--profile FILE]   effective OCI profile\n"
        "  pfc     [BUNDLE] [--caps LIST] [--profile FILE] [--arch A]   libseccomp "
        "pseudo-filter code\n"
        "  bpf     [BUNDLE] [...] [--arch A] [-o FILE]        raw BPF (hex, or binary to FILE)\n"
        "  explain SYSCALL [ARG...] [--bundle B] [--caps LIST] [--profile FILE] [--arch A]\n"
        "          [--engine FILE]   what the syscall gets, and which profile decided\n"
        "  diff    A B [--caps LIST]   A, B: a profile file or default[:CAPS]\n"
        "See brig-seccomp(8).\n");
}

/* ---- explain ---- */

static bool denies(uint32_t action)
{
    return (action & SECCOMP_RET_ACTION_FULL) != SECCOMP_RET_ALLOW &&
           (action & SECCOMP_RET_ACTION_FULL) != SECCOMP_RET_LOG;
}

static uint32_t sim_one(const BrigJson *oci, const BrigExplain *x, BrigError **err, int *ret)
{
    _cleanup_(brig_sim_freep) BrigSim *sim = NULL;
    *ret = brig_sim_new(oci, &sim, err);
    return *ret < 0 ? 0 : brig_sim_action(sim, x->arch, x->nr, x->args);
}

/* The engine's profile next to brig's: what each says, what the filter
 * brig attaches (the two combined, lib/seccomp_merge.c) does, and which
 * profile decided. */
static int explain_engine(const Inputs *in, const BrigExplain *x, BrigError **err)
{
    _cleanup_(brig_json_freep) BrigJson *brig = NULL, *combined = NULL;
    if (brig_seccomp_resolve(in->profile, in->mask, &brig, err) < 0)
        return BRIG_EXIT_USAGE;
    if (in->attached && !in->caps && !in->profile_path && !in->engine_path) {
        combined = brig_json_copy(in->attached); /* exactly what the runtime gets */
    } else {
        combined = brig_json_copy(brig);
        if (brig_seccomp_intersect(combined, in->engine, 0, NULL, err) < 0)
            return brig_error_prefix(err, "the engine's profile"), BRIG_EXIT_REFUSED;
    }
    int r;
    uint32_t ab = sim_one(brig, x, err, &r);
    if (r < 0)
        return BRIG_EXIT_USAGE;
    uint32_t ae = sim_one(in->engine, x, err, &r);
    if (r < 0)
        return brig_error_prefix(err, "the engine's profile"), BRIG_EXIT_REFUSED;
    uint32_t ac = sim_one(combined, x, err, &r);
    if (r < 0)
        return BRIG_EXIT_USAGE;
    _cleanup_free_ char *tb = brig_seccomp_action_text(ab), *te = brig_seccomp_action_text(ae),
                        *tc = brig_seccomp_action_text(ac);
    const char *who = !denies(ac)                ? "allowed: both profiles allow it"
                      : denies(ab) && denies(ae) ? "decided by both: each profile denies it"
                      : denies(ae) ? "decided by the engine's profile (brig's allows it)"
                      : denies(ab) ? "decided by brig's profile (the engine's allows it)"
                                   : "decided by neither alone: their argument tests combined";
    printf("  engine:  the engine's own profile says %s\n", te);
    printf("  brig:    brig's profile alone says %s\n", tb);
    printf("  result:  %s, %s\n", tc, who);
    /* the combined filter is never looser than either: if it were, say so */
    if (!denies(ac) && (denies(ab) || denies(ae))) {
        printf("  WARNING: the combined filter allows what a profile denies\n");
        return BRIG_EXIT_REFUSED;
    }
    return BRIG_EXIT_OK;
}

static int do_explain(const Inputs *in, char **rest, int n_rest, BrigError **err)
{
    if (n_rest < 1) {
        usage(stderr);
        return BRIG_EXIT_USAGE;
    }
    uint64_t args[6] = {0};
    int n_args = n_rest - 1;
    if (n_args > 6)
        return brig_error_set(err, EINVAL, "a system call has at most 6 arguments"),
               BRIG_EXIT_USAGE;
    for (int i = 0; i < n_args; i++)
        if (brig_seccomp_parse_arg(rest[1 + i], &args[i], err) < 0)
            return BRIG_EXIT_USAGE;
    /* the brig form, not the resolved object: comments and capability
     * gates are what a person debugging the profile needs */
    const BrigJson *prof = in->profile;
    _cleanup_(brig_explain_freep) BrigExplain *x = NULL;
    if (brig_seccomp_explain(prof, in->mask, rest[0], in->arch_token, args, (size_t)n_args, NULL,
                             &x, err) < 0)
        return BRIG_EXIT_USAGE;
    _cleanup_free_ char *ct = caps_text(in->mask);
    printf("%s(", x->syscall);
    for (size_t i = 0; i < x->n_args; i++)
        printf("%s0x%" PRIx64, i ? ", " : "", x->args[i]);
    printf(")  nr %d on %s, capabilities: %s\n", x->nr, brig_seccomp_arch_name(x->arch) ?: "?", ct);
    printf("  action:  %s%s\n", x->kernel_action,
           in->engine ? " under brig's profile; with the engine's, see result" : "");
    if (x->reason >= 0) {
        const BrigExplainEntry *e = &x->entries[x->reason];
        printf("  because: /syscalls/%zu %s%s%s\n", e->index, e->action, e->args ? " if " : "",
               e->args ? e->args : "");
        if (e->comment)
            printf("           \"%s\"\n", e->comment);
        if (streq(e->action, x->profile_action) == false)
            printf("           (the entry repeats the default action, which applies)\n");
    } else {
        printf("  because: no entry applies: the default action %s\n", x->profile_action);
    }
    if (x->n_entries) {
        printf("  entries naming %s:\n", x->syscall);
        for (size_t i = 0; i < x->n_entries; i++) {
            const BrigExplainEntry *e = &x->entries[i];
            printf("    %s /syscalls/%zu  %s%s%s", (ssize_t)i == x->reason ? "*" : " ", e->index,
                   e->action, e->args ? " if " : "", e->args ? e->args : "");
            if (e->gate)
                printf("  [%s]", e->gate);
            if (!e->applies)
                printf("  - off for these capabilities");
            else if (e->args && x->n_args == 0)
                printf("  - tests %s for all-zero arguments", e->args_match ? "hold" : "fail");
            else if (e->args)
                printf("  - tests %s", e->args_match ? "hold" : "fail");
            printf("\n");
        }
    }
    for (size_t i = 0; i < x->n_cap_effects; i++)
        printf("  %s %s\n", i ? "        " : "changes:", x->cap_effects[i]);
    printf("  checked: the compiled filter (libseccomp BPF, run on seccomp_data) returns %s%s\n",
           x->kernel_action, x->agree ? "" : "");
    if (in->engine_hardened) {
        printf(
            "  engine:  not known: the bundle's config was hardened already (io.brig.hardened),\n"
            "           so its profile is brig's result, not the engine's\n");
        if (in->attached && !in->caps && !in->profile_path) {
            int r;
            uint32_t act = sim_one(in->attached, x, err, &r);
            if (r < 0)
                return BRIG_EXIT_USAGE;
            _cleanup_free_ char *t = brig_seccomp_action_text(act);
            printf("  result:  %s, what the filter brig attaches to this bundle returns\n", t);
        }
    }
    if (in->engine) {
        int r = explain_engine(in, x, err);
        if (r != BRIG_EXIT_OK)
            return r;
    }
    if (!x->agree) {
        printf("  WARNING: the profile reading says %s; the kernel would do %s\n",
               x->profile_action, x->kernel_action);
        return BRIG_EXIT_REFUSED;
    }
    return BRIG_EXIT_OK;
}

/* ---- diff ---- */

static int diff_side(const char *spec, const Inputs *in, BrigJson **ret, BrigError **err)
{
    uint64_t mask = in->mask;
    if (streq(spec, "default") || startswith(spec, "default:")) {
        const BrigJson *def;
        int r = brig_seccomp_default(&def, err);
        if (r < 0)
            return r;
        if (spec[7] == ':' && brig_caps_parse_list(spec + 8, &mask) < 0)
            return brig_error_set(err, EINVAL, "%s: unknown capability", spec);
        return brig_seccomp_resolve(def, mask, ret, err);
    }
    _cleanup_(brig_json_freep) BrigJson *p = NULL;
    int r = brig_seccomp_load(spec, &p, err);
    if (r < 0)
        return r;
    return brig_seccomp_resolve(p, mask, ret, err);
}

static int cmp_str(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

/* How one resolved profile treats one syscall, as text that does not
 * depend on entry order (libseccomp's result does not either): the sorted
 * rules, or the default action. */
static char *treatment(const BrigJson *oci, const char *sys)
{
    const BrigJson *e;
    char *rules[64];
    size_t n = 0;
    BRIG_JSON_FOREACH (e, brig_json_get(oci, "syscalls")) {
        if (n == ELEMENTSOF(rules) || !brig_json_array_has_string(brig_json_get(e, "names"), sys))
            continue;
        _cleanup_free_ char *act = brig_seccomp_oci_action_text(
            brig_json_str(brig_json_get(e, "action")), brig_json_get(e, "errnoRet"));
        const BrigJson *args = brig_json_get(e, "args");
        _cleanup_free_ char *at = args && args->n ? brig_seccomp_args_text(args) : NULL;
        rules[n++] = xasprintf("%s%s%s", act, at ? " if " : "", at ? at : "");
    }
    if (n) {
        qsort(rules, n, sizeof(char *), cmp_str);
        char *out = NULL;
        for (size_t i = 0; i < n; i++) {
            char *next = xasprintf("%s%s%s", out ? out : "", out ? "; " : "", rules[i]);
            free(out);
            free(rules[i]);
            out = next;
        }
        return out;
    }
    _cleanup_free_ char *d = brig_seccomp_oci_action_text(
        brig_json_str(brig_json_get(oci, "defaultAction")), brig_json_get(oci, "defaultErrnoRet"));
    return xasprintf("%s (default)", d);
}

static bool allows(const char *t)
{
    return startswith(t, "ALLOW") || strstr(t, "; ALLOW");
}

static int do_diff(const Inputs *in, char **rest, int n_rest, BrigError **err)
{
    if (n_rest != 2) {
        usage(stderr);
        return BRIG_EXIT_USAGE;
    }
    _cleanup_(brig_json_freep) BrigJson *A = NULL, *B = NULL;
    if (diff_side(rest[0], in, &A, err) < 0 || diff_side(rest[1], in, &B, err) < 0)
        return BRIG_EXIT_USAGE;
    /* every name either side lists */
    _cleanup_(brig_json_freep) BrigJson *names = brig_json_new(BRIG_JSON_ARRAY);
    const BrigJson *sides[2] = {A, B}, *e, *n;
    for (int s = 0; s < 2; s++)
        BRIG_JSON_FOREACH (e, brig_json_get(sides[s], "syscalls"))
            BRIG_JSON_FOREACH (n, brig_json_get(e, "names"))
                if (brig_json_str(n) && !brig_json_array_has_string(names, brig_json_str(n)))
                    brig_json_append(names, brig_json_copy(n));
    size_t diffs = 0;
    static const char *const titles[] = {"only A allows", "only B allows",
                                         "both allow or both deny, differently"};
    for (int pass = 0; pass < 3; pass++) {
        bool header = false;
        BRIG_JSON_FOREACH (n, names) {
            const char *sys = brig_json_str(n);
            _cleanup_free_ char *ta = treatment(A, sys), *tb = treatment(B, sys);
            if (streq(ta, tb))
                continue;
            bool aa = allows(ta), ab = allows(tb);
            int kind = aa && !ab ? 0 : ab && !aa ? 1 : 2;
            if (kind != pass)
                continue;
            if (!header)
                printf("%s%s (A = %s, B = %s):\n", diffs ? "\n" : "", titles[pass], rest[0],
                       rest[1]);
            header = true;
            printf("  %-24s A: %s\n  %-24s B: %s\n", sys, ta, "", tb);
            diffs++;
        }
    }
    _cleanup_free_ char *da = treatment(A, "\x01"), *db = treatment(B, "\x01");
    if (!streq(da, db)) {
        printf("%sunlisted syscalls: A: %s, B: %s\n", diffs ? "\n" : "", da, db);
        diffs++;
    }
    if (!diffs)
        printf("no difference\n");
    return diffs ? BRIG_EXIT_REFUSED : BRIG_EXIT_OK;
}

/* ---- the command ---- */

int cmd_seccomp(int argc, char **argv, const BrigArgv *a, BrigError **err)
{
    static const struct option opts[] = {
        {"profile", required_argument, NULL, 'p'}, {"caps", required_argument, NULL, 'c'},
        {"arch", required_argument, NULL, 'a'},    {"output", required_argument, NULL, 'o'},
        {"bundle", required_argument, NULL, 'b'},  {"engine", required_argument, NULL, 'e'},
        {"help", no_argument, NULL, 'h'},          {0},
    };
    if (argc < 2) {
        usage(stderr);
        return BRIG_EXIT_USAGE;
    }
    const char *sub = argv[1];
    if (streq(sub, "-h") || streq(sub, "--help") || streq(sub, "help")) {
        usage(stdout);
        return BRIG_EXIT_OK;
    }
    _cleanup_(inputs_done) Inputs in = {0};
    const char *output = NULL;
    int c;
    optind = 1;
    /* permute: options may follow the syscall name and arguments, but a
     * negative number argument ("-1") is an argument, not an option */
    char **av = argv + 1;
    int ac = argc - 1;
    _cleanup_free_ char **rest = xcalloc((size_t)ac + 1, sizeof(char *));
    int n_rest = 0;
    for (int i = 1; i < ac; i++) {
        const char *s = av[i];
        if (s[0] == '-' && s[1] && !(s[1] >= '0' && s[1] <= '9')) {
            optind = i;
            int before = optind;
            c = getopt_long(ac, av, "+p:c:a:o:b:e:h", opts, NULL);
            switch (c) {
            case 'p':
                in.profile_path = optarg;
                break;
            case 'c':
                in.caps = optarg;
                break;
            case 'a':
                in.arch = optarg;
                break;
            case 'o':
                output = optarg;
                break;
            case 'b':
                in.bundle = optarg;
                break;
            case 'e':
                in.engine_path = optarg;
                break;
            case 'h':
                usage(stdout);
                return BRIG_EXIT_OK;
            default:
                usage(stderr);
                return BRIG_EXIT_USAGE;
            }
            i = optind > before ? optind - 1 : i;
            continue;
        }
        rest[n_rest++] = av[i];
    }

    bool explain = streq(sub, "explain"), diff = streq(sub, "diff");
    if (!explain && !diff && !streq(sub, "show") && !streq(sub, "pfc") && !streq(sub, "bpf")) {
        brig_error_set(err, EINVAL, "seccomp: unknown command \"%s\"", sub);
        return BRIG_EXIT_USAGE;
    }
    if (!explain && !diff) {
        if (n_rest > 1) {
            usage(stderr);
            return BRIG_EXIT_USAGE;
        }
        in.bundle = n_rest ? rest[0] : NULL;
    }
    if (diff) {
        if (in.caps && brig_caps_parse_list(in.caps, &in.mask) < 0) {
            brig_error_set(err, EINVAL, "--caps: unknown capability in \"%s\"", in.caps);
            return BRIG_EXIT_USAGE;
        }
        return do_diff(&in, rest, n_rest, err);
    }
    if (inputs_load(&in, a, err) < 0)
        return BRIG_EXIT_USAGE;
    if (explain && in.bundle && !in.attached && !in.profile_path) {
        printf("no seccomp filter: the policy lets this container run unconfined; every "
               "system call is allowed\n");
        return BRIG_EXIT_OK;
    }
    if (explain)
        return do_explain(&in, rest, n_rest, err);

    _cleanup_(brig_json_freep) BrigJson *oci = NULL;
    if (in.bundle && !in.attached && !in.caps && !in.profile_path) {
        printf("no seccomp filter: the policy lets this container run unconfined\n");
        return BRIG_EXIT_OK;
    }
    if (inputs_resolved(&in, &oci, err) < 0)
        return BRIG_EXIT_USAGE;
    if (streq(sub, "show")) {
        _cleanup_free_ char *text = brig_json_serialize(oci, BRIG_JSON_PRETTY, NULL);
        printf("%s\n", text);
        return BRIG_EXIT_OK;
    }
    _cleanup_(ctx_releasep) scmp_filter_ctx fc = NULL;
    if (brig_seccomp_compile(oci, in.arch_token ? in.arch_token : SCMP_ARCH_NATIVE, &fc, err) < 0)
        return BRIG_EXIT_USAGE;
    fflush(stdout);
    if (streq(sub, "pfc")) {
        int r = seccomp_export_pfc(fc, STDOUT_FILENO);
        if (r < 0) {
            brig_error_errno(err, -r, "libseccomp could not export the pseudo-filter code");
            return BRIG_EXIT_REFUSED;
        }
        return BRIG_EXIT_OK;
    }
    _cleanup_free_ struct sock_filter *prog = NULL;
    size_t n;
    if (brig_seccomp_export(fc, &prog, &n, err) < 0)
        return BRIG_EXIT_REFUSED;
    if (output) {
        if (brig_output_write(output, (const char *)prog, n * sizeof(*prog), 0644, err) < 0)
            return BRIG_EXIT_REFUSED;
        printf("%s: %zu instructions, %zu bytes\n", output, n, n * sizeof(*prog));
        return BRIG_EXIT_OK;
    }
    for (size_t i = 0; i < n; i++) {
        _cleanup_free_ char *t = brig_bpf_insn_text(&prog[i], i);
        printf("%04zu: code=0x%04x jt=%-3u jf=%-3u k=0x%08x  %s\n", i, prog[i].code, prog[i].jt,
               prog[i].jf, prog[i].k, t);
    }
    return BRIG_EXIT_OK;
}
