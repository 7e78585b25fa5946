/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <inttypes.h>
#include <stdio.h>

#include "bundle.h"
#include "caps.h"
#include "embedded_tree.h"
#include "seccomp.h"

/* profiles/seccomp/default.json, compiled at build time (tools/embed_tree.py). */
extern const BrigEmbeddedTree brig_seccomp_default_tree;

static const struct {
    const char *oci, *scmp;
    uint32_t token;
} arches[] = {
    {"SCMP_ARCH_X86", "x86", SCMP_ARCH_X86},
    {"SCMP_ARCH_X86_64", "x86_64", SCMP_ARCH_X86_64},
    {"SCMP_ARCH_X32", "x32", SCMP_ARCH_X32},
    {"SCMP_ARCH_ARM", "arm", SCMP_ARCH_ARM},
    {"SCMP_ARCH_AARCH64", "aarch64", SCMP_ARCH_AARCH64},
    {"SCMP_ARCH_MIPS", "mips", SCMP_ARCH_MIPS},
    {"SCMP_ARCH_MIPS64", "mips64", SCMP_ARCH_MIPS64},
    {"SCMP_ARCH_MIPS64N32", "mips64n32", SCMP_ARCH_MIPS64N32},
    {"SCMP_ARCH_MIPSEL", "mipsel", SCMP_ARCH_MIPSEL},
    {"SCMP_ARCH_MIPSEL64", "mipsel64", SCMP_ARCH_MIPSEL64},
    {"SCMP_ARCH_MIPSEL64N32", "mipsel64n32", SCMP_ARCH_MIPSEL64N32},
    {"SCMP_ARCH_PPC", "ppc", SCMP_ARCH_PPC},
    {"SCMP_ARCH_PPC64", "ppc64", SCMP_ARCH_PPC64},
    {"SCMP_ARCH_PPC64LE", "ppc64le", SCMP_ARCH_PPC64LE},
    {"SCMP_ARCH_S390", "s390", SCMP_ARCH_S390},
    {"SCMP_ARCH_S390X", "s390x", SCMP_ARCH_S390X},
    {"SCMP_ARCH_PARISC", "parisc", SCMP_ARCH_PARISC},
    {"SCMP_ARCH_PARISC64", "parisc64", SCMP_ARCH_PARISC64},
    {"SCMP_ARCH_RISCV64", "riscv64", SCMP_ARCH_RISCV64},
};

static const struct {
    const char *name;
    enum scmp_compare op;
} ops[] = {
    {"SCMP_CMP_NE", SCMP_CMP_NE},
    {"SCMP_CMP_LT", SCMP_CMP_LT},
    {"SCMP_CMP_LE", SCMP_CMP_LE},
    {"SCMP_CMP_EQ", SCMP_CMP_EQ},
    {"SCMP_CMP_GE", SCMP_CMP_GE},
    {"SCMP_CMP_GT", SCMP_CMP_GT},
    {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
};

/* The OCI action names runc and crun accept.  ERRNO and TRACE carry a
 * value (errnoRet); KILL is the thread-killing action of old. */
static const char *const action_names[] = {
    "SCMP_ACT_KILL",  "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD",
    "SCMP_ACT_TRAP",  "SCMP_ACT_ERRNO",        "SCMP_ACT_TRACE",
    "SCMP_ACT_ALLOW", "SCMP_ACT_LOG",          "SCMP_ACT_NOTIFY",
};

uint32_t brig_seccomp_arch_token(const char *name)
{
    for (size_t i = 0; name && i < ELEMENTSOF(arches); i++)
        if (streq(arches[i].oci, name) || streq(arches[i].scmp, name))
            return arches[i].token;
    return 0;
}

const char *brig_seccomp_arch_name(uint32_t token)
{
    for (size_t i = 0; i < ELEMENTSOF(arches); i++)
        if (arches[i].token == token)
            return arches[i].oci;
    return NULL;
}

bool brig_seccomp_arch_on_host(uint32_t arch, uint32_t native)
{
    /* The audit architectures each kernel presents to a seccomp filter: its
     * own and those of its compat ABIs. */
    static const uint32_t families[][4] = {
        {SCMP_ARCH_X86_64, SCMP_ARCH_X86, SCMP_ARCH_X32},
        {SCMP_ARCH_X32, SCMP_ARCH_X86_64, SCMP_ARCH_X86}, /* an x32 build on an x86_64 kernel */
        {SCMP_ARCH_AARCH64, SCMP_ARCH_ARM},
        {SCMP_ARCH_MIPS64, SCMP_ARCH_MIPS64N32, SCMP_ARCH_MIPS},
        {SCMP_ARCH_MIPS64N32, SCMP_ARCH_MIPS64, SCMP_ARCH_MIPS},
        {SCMP_ARCH_MIPSEL64, SCMP_ARCH_MIPSEL64N32, SCMP_ARCH_MIPSEL},
        {SCMP_ARCH_MIPSEL64N32, SCMP_ARCH_MIPSEL64, SCMP_ARCH_MIPSEL},
        {SCMP_ARCH_PPC64, SCMP_ARCH_PPC},
        {SCMP_ARCH_S390X, SCMP_ARCH_S390},
        {SCMP_ARCH_PARISC64, SCMP_ARCH_PARISC},
    };
    if (arch == native)
        return true;
    for (size_t f = 0; f < ELEMENTSOF(families); f++)
        if (families[f][0] == native)
            for (size_t k = 1; k < ELEMENTSOF(families[f]) && families[f][k]; k++)
                if (families[f][k] == arch)
                    return true;
    return false;
}

static bool known_action(const char *name)
{
    for (size_t i = 0; name && i < ELEMENTSOF(action_names); i++)
        if (streq(action_names[i], name))
            return true;
    return false;
}

static int op_from_name(const char *name, enum scmp_compare *ret)
{
    for (size_t i = 0; name && i < ELEMENTSOF(ops); i++)
        if (streq(ops[i].name, name)) {
            *ret = ops[i].op;
            return 0;
        }
    return -EINVAL;
}

/* errnoRet defaults to EPERM, as in runc: an ERRNO rule without a value
 * must still fail the call. */
static uint32_t action_value(const char *name, const BrigJson *value)
{
    uint64_t v = EPERM;
    if (value)
        brig_json_to_uint64(value, &v);
    if (streq(name, "SCMP_ACT_KILL") || streq(name, "SCMP_ACT_KILL_THREAD"))
        return SCMP_ACT_KILL_THREAD;
    if (streq(name, "SCMP_ACT_KILL_PROCESS"))
        return SCMP_ACT_KILL_PROCESS;
    if (streq(name, "SCMP_ACT_TRAP"))
        return SCMP_ACT_TRAP;
    if (streq(name, "SCMP_ACT_ERRNO"))
        return SCMP_ACT_ERRNO((uint16_t)v);
    if (streq(name, "SCMP_ACT_TRACE"))
        return SCMP_ACT_TRACE((uint16_t)v);
    if (streq(name, "SCMP_ACT_LOG"))
        return SCMP_ACT_LOG;
    if (streq(name, "SCMP_ACT_NOTIFY"))
        return SCMP_ACT_NOTIFY;
    return SCMP_ACT_ALLOW;
}

/* The whole tree as one allocation that its root heads: the nodes, then
 * every kids array, strings pointing into the read-only pool.  Freeing the
 * root frees it all (json.h: in_block, kids_borrowed); a member added to a
 * node moves that node's kids to the heap, so the tree is as mutable as a
 * parsed one.  One allocation of ~30 KiB instead of one per node and kids
 * array: a fresh process pays ~1.7 us per heap page it touches first. */
static BrigJson *embedded_tree(const BrigEmbeddedTree *t)
{
    void *mem;
    BrigJson *root = brig_json_block_new(
        (t->n_nodes - 1) * sizeof(BrigJson) + t->n_kids * sizeof(BrigJson *), &mem);
    BrigJson *rest = mem; /* nodes 1.. */
    BrigJson **kids = (BrigJson **)(rest + t->n_nodes - 1);
    for (uint32_t i = 0; i < t->n_kids; i++)
        kids[i] = t->kids[i] ? &rest[t->kids[i] - 1] : root;
    for (uint32_t i = 0; i < t->n_nodes; i++) {
        const BrigEmbeddedNode *e = &t->nodes[i];
        BrigJson *j = i ? &rest[i - 1] : root;
        *j = (BrigJson){
            .type = (BrigJsonType)e->type,
            .line = 1,
            .boolean = e->boolean,
            .key = e->key == BRIG_EMBEDDED_NONE ? NULL : (char *)t->pool + e->key,
            .text = e->text == BRIG_EMBEDDED_NONE ? NULL : (char *)t->pool + e->text,
            .len = e->len,
            .kids = e->n ? &kids[e->first] : NULL,
            .n = e->n,
            .cap = e->n,
            .key_inline = true,
            .text_inline = true,
            .in_block = i != 0,
            .kids_borrowed = true,
            .block_head = i == 0,
            .key_plain = e->plain & 1,
            .text_plain = (e->plain & 2) != 0,
        };
    }
    return root;
}

int brig_seccomp_default(const BrigJson **ret, BrigError **err)
{
    /* Parsing the embedded text was ~1.2M instructions and ~30 fresh heap
     * pages in every `brig create`, which hardens exactly one config: a
     * third of the budget (docs/performance.md).  The build compiles it
     * instead; tests/unit/test_seccomp_tree.c checks the tree equals a
     * parse of the same bytes. */
    static const BrigJson *cache; /* kept for the process */
    if (!cache)
        cache = embedded_tree(&brig_seccomp_default_tree);
    *ret = cache;
    return 0;
}

/* Drops names that no architecture left in the profile knows (the ARM
 * private calls on an x86 host): the runtime would skip them anyway, and a
 * profile brig writes must itself validate (brig seccomp bpf --profile). */
typedef struct {
    const uint32_t *tokens;
    size_t n;
} ArchSet;

static int keep_known_name(BrigJson *name, size_t idx, void *data)
{
    const ArchSet *as = data;
    const char *n = brig_json_str(name);
    (void)idx;
    /* a name no listed architecture has as a real call resolves to a
     * negative pseudo number everywhere (the same test
     * brig_seccomp_validate applies) */
    for (size_t t = 0; t < as->n && n; t++)
        if (seccomp_syscall_resolve_name_arch(as->tokens[t], n) >= 0)
            return 1;
    return 0;
}

/* Removal in one compacting pass, here and wherever entries go: one
 * delete_at per entry shifted the array each time. */
static int keep_entry_with_names(BrigJson *entry, size_t idx, void *data)
{
    BrigJson *names = brig_json_get(entry, "names");
    (void)idx;
    brig_json_filter(names, keep_known_name, data);
    return !names || names->n > 0;
}

void brig_seccomp_prune_names(BrigJson *prof)
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
    ArchSet as = {tokens, nt};
    brig_json_filter(sys, keep_entry_with_names, &as);
}

/* The architectures a filter on this host needs: the host's family,
 * less x32 where the kernel has no x32 ABI.  Without that entry an x32
 * call meets the filter's bad-architecture action (the task is killed)
 * instead of ENOSYS from the kernel: either way no x32 program can run
 * there, and the runtime compiles a third less (bench/price: -6 ms per
 * start with runc and with crun). */
static bool arch_needed(uint32_t arch, uint32_t native, bool x32_disabled)
{
    if (!brig_seccomp_arch_on_host(arch, native))
        return false;
    return !(arch == SCMP_ARCH_X32 && native == SCMP_ARCH_X86_64 && x32_disabled);
}

typedef struct {
    uint32_t native;
    bool x32_disabled;
} HostArch;

static int keep_needed_arch(BrigJson *a, size_t idx, void *data)
{
    const HostArch *h = data;
    (void)idx;
    return arch_needed(brig_seccomp_arch_token(brig_json_str(a)), h->native, h->x32_disabled);
}

/* runc and crun add every architecture a profile lists to the filter, and
 * libseccomp's work grows with each: brig's five made `runc run` ~30 ms
 * slower than no filter, against ~10 ms for the x86 family alone
 * (bench/start).  An architecture the host kernel cannot run never matches
 * (the kernel presents only its own and its compat ABIs), so it goes.  A
 * profile listing none of the host's family is left to the runtime. */
static void narrow(BrigJson *prof, uint32_t native, bool x32_disabled)
{
    BrigJson *archs = brig_json_get(prof, "architectures");
    const BrigJson *a;
    bool any = false;
    if (!native || !archs || archs->type != BRIG_JSON_ARRAY)
        return;
    BRIG_JSON_FOREACH (a, archs)
        any = any || arch_needed(brig_seccomp_arch_token(brig_json_str(a)), native, x32_disabled);
    if (!any)
        return;
    HostArch h = {native, x32_disabled};
    if (brig_json_filter(archs, keep_needed_arch, &h) > 0)
        brig_seccomp_prune_names(prof);
}

int brig_seccomp_resolve_for_host(const BrigJson *profile, uint64_t caps, uint32_t native,
                                  bool x32_disabled, BrigJson **ret, BrigError **err)
{
    int r = brig_seccomp_resolve(profile, caps, ret, err);
    if (r < 0)
        return r;
    narrow(*ret, native, x32_disabled);
    return 0;
}

static const BrigEmbeddedTree *preresolved(uint64_t caps, uint32_t native, bool x32_disabled)
{
    return caps == 0 && native == SCMP_ARCH_X86_64 ? brig_seccomp_preresolved[x32_disabled ? 1 : 0]
                                                   : NULL;
}

const char *brig_seccomp_default_resolved_digest(uint64_t caps, uint32_t native, bool x32_disabled)
{
    return preresolved(caps, native, x32_disabled) ? brig_seccomp_preresolved_digest[x32_disabled]
                                                   : NULL;
}

int brig_seccomp_default_resolved(uint64_t caps, uint32_t native, bool x32_disabled, BrigJson **ret,
                                  BrigError **err)
{
    /* The built-in policy keeps no capability, so nearly every container
     * gets the same profile: resolving and narrowing it in every `brig
     * create` was ~180 us of a fresh process (the default tree built,
     * ~500 names copied, each looked up in libseccomp).  The build does
     * it once (tools/seccomp_preresolve.c); test_seccomp_tree.c checks the
     * result equals the resolution done here. */
    const BrigEmbeddedTree *pre = preresolved(caps, native, x32_disabled);
    if (pre) {
        *ret = embedded_tree(pre);
        return 0;
    }
    const BrigJson *def;
    int r = brig_seccomp_default(&def, err);
    if (r < 0)
        return r;
    return brig_seccomp_resolve_for_host(def, caps, native, x32_disabled, ret, err);
}

int brig_seccomp_default_merged(uint64_t caps, uint32_t native, bool x32_disabled,
                                const char *engine_digest, BrigJson **ret,
                                BrigSeccompMerge *ret_stats)
{
    /* Docker and Podman send the same default profile to every container
     * they start with default capabilities: intersecting it with brig's
     * in every `brig create` was ~70 us.  test_seccomp_premerged.c checks
     * each entry equals the intersection computed here, byte for byte. */
    if (!preresolved(caps, native, x32_disabled))
        return 0;
    for (size_t i = 0; i < brig_seccomp_premerged_n; i++) {
        const BrigSeccompPremerged *m = &brig_seccomp_premerged[i];
        if (m->x32_disabled == x32_disabled && streq(m->engine_digest, engine_digest)) {
            *ret = embedded_tree(m->tree);
            *ret_stats = m->stats;
            return 1;
        }
    }
    return 0;
}

int brig_seccomp_load(const char *path, BrigJson **ret, BrigError **err)
{
    _cleanup_(brig_json_freep) BrigJson *p = NULL;
    int r = brig_file_load_json(path, NULL, &p, err);
    if (r < 0)
        return r;
    r = brig_seccomp_validate(p, path, err);
    if (r < 0)
        return r;
    *ret = TAKE_PTR(p);
    return 0;
}

/* ---- validation ---- */

static int check_caps(const BrigJson *cond, const char *name, const char *ptr, BrigError **err)
{
    const BrigJson *m, *c;
    if (cond->type != BRIG_JSON_OBJECT)
        return brig_error_set(err, EINVAL, "%s: %s: expected an object", name, ptr);
    BRIG_JSON_FOREACH (m, cond)
        if (!streq(m->key, "caps"))
            return brig_error_set(err, EINVAL,
                                  "%s: %s/%s: unknown key (only \"caps\" is supported)", name, ptr,
                                  m->key);
    const BrigJson *caps = brig_json_get(cond, "caps");
    if (!caps)
        return 0;
    if (caps->type != BRIG_JSON_ARRAY)
        return brig_error_set(err, EINVAL, "%s: %s/caps: expected an array", name, ptr);
    size_t i = 0;
    BRIG_JSON_FOREACH (c, caps) {
        if (brig_cap_from_name(brig_json_str(c)) < 0)
            return brig_error_set(err, EINVAL, "%s: %s/caps/%zu: unknown capability name %s%s%s",
                                  name, ptr, i, c->type == BRIG_JSON_STRING ? "\"" : "",
                                  c->type == BRIG_JSON_STRING ? c->text
                                                              : brig_json_type_name(c->type),
                                  c->type == BRIG_JSON_STRING ? "\"" : "");
        i++;
    }
    return 0;
}

static int check_args(const BrigJson *args, const char *name, const char *ptr, BrigError **err)
{
    const BrigJson *a, *m;
    bool seen[6] = {false};
    size_t i = 0;
    if (args->type != BRIG_JSON_ARRAY)
        return brig_error_set(err, EINVAL, "%s: %s: expected an array", name, ptr);
    BRIG_JSON_FOREACH (a, args) {
        uint64_t idx, v;
        enum scmp_compare op;
        if (a->type != BRIG_JSON_OBJECT)
            return brig_error_set(err, EINVAL, "%s: %s/%zu: expected an object", name, ptr, i);
        BRIG_JSON_FOREACH (m, a)
            if (!streq(m->key, "index") && !streq(m->key, "value") && !streq(m->key, "valueTwo") &&
                !streq(m->key, "op"))
                return brig_error_set(err, EINVAL, "%s: %s/%zu/%s: unknown key", name, ptr, i,
                                      m->key);
        if (brig_json_to_uint64(brig_json_get(a, "index"), &idx) < 0 || idx > 5)
            return brig_error_set(err, EINVAL, "%s: %s/%zu/index: expected an integer from 0 to 5",
                                  name, ptr, i);
        if (brig_json_to_uint64(brig_json_get(a, "value"), &v) < 0)
            return brig_error_set(
                err, EINVAL, "%s: %s/%zu/value: expected an unsigned 64-bit integer", name, ptr, i);
        if (brig_json_get(a, "valueTwo") &&
            brig_json_to_uint64(brig_json_get(a, "valueTwo"), &v) < 0)
            return brig_error_set(err, EINVAL,
                                  "%s: %s/%zu/valueTwo: expected an unsigned 64-bit integer", name,
                                  ptr, i);
        const char *opn = brig_json_str(brig_json_get(a, "op"));
        if (op_from_name(opn, &op) < 0)
            return brig_error_set(err, EINVAL, "%s: %s/%zu/op: unknown comparison \"%s\"", name,
                                  ptr, i, opn ? opn : "(missing)");
        /* runc makes several tests of one argument an OR of separate rules,
         * libseccomp refuses them in one rule (EINVAL) and crun passes them
         * to libseccomp as one: the same profile would mean three things. */
        if (seen[idx])
            return brig_error_set(err, EINVAL,
                                  "%s: %s/%zu: argument %" PRIu64
                                  " is tested twice in one entry; runtimes disagree on what that "
                                  "means, write one entry per test",
                                  name, ptr, i, idx);
        seen[idx] = true;
        i++;
    }
    return 0;
}

static int check_name(const char *sys, const uint32_t *tok, size_t n_tok, const char *name,
                      const char *ptr, BrigError **err)
{
    for (size_t t = 0; t < n_tok; t++)
        if (seccomp_syscall_resolve_name_arch(tok[t], sys) >= 0)
            return 0;
    char list[512] = "";
    size_t len = 0;
    for (size_t t = 0; t < n_tok && len < sizeof(list) - 40; t++)
        len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s", t ? ", " : "",
                                brig_seccomp_arch_name(tok[t]));
    return brig_error_set(err, EINVAL, "%s: %s: \"%s\" is not a system call libseccomp knows on %s",
                          name, ptr, sys, list);
}

static int check_entry(const BrigJson *e, size_t i, const uint32_t *tok, size_t n_tok,
                       const char *name, BrigError **err)
{
    const BrigJson *m, *n;
    char ptr[64];
    snprintf(ptr, sizeof(ptr), "/syscalls/%zu", i);
    if (e->type != BRIG_JSON_OBJECT)
        return brig_error_set(err, EINVAL, "%s: %s: expected an object", name, ptr);
    BRIG_JSON_FOREACH (m, e) {
        static const char *const keys[] = {"names",    "action",   "errnoRet", "args",
                                           "includes", "excludes", "comment"};
        bool ok = false;
        for (size_t k = 0; k < ELEMENTSOF(keys); k++)
            ok = ok || streq(keys[k], m->key);
        if (!ok)
            return brig_error_set(err, EINVAL, "%s: %s/%s: unknown key", name, ptr, m->key);
    }
    const char *action = brig_json_str(brig_json_get(e, "action"));
    if (!known_action(action))
        return brig_error_set(err, EINVAL, "%s: %s/action: unknown action \"%s\"", name, ptr,
                              action ? action : "(missing)");
    uint64_t v;
    const BrigJson *eret = brig_json_get(e, "errnoRet");
    if (eret && (brig_json_to_uint64(eret, &v) < 0 || v > 4095))
        return brig_error_set(err, EINVAL, "%s: %s/errnoRet: expected an errno from 0 to 4095",
                              name, ptr);
    if (eret && !streq(action, "SCMP_ACT_ERRNO") && !streq(action, "SCMP_ACT_TRACE"))
        return brig_error_set(err, EINVAL,
                              "%s: %s/errnoRet: only SCMP_ACT_ERRNO and SCMP_ACT_TRACE take one",
                              name, ptr);
    const BrigJson *names = brig_json_get(e, "names");
    if (!names || names->type != BRIG_JSON_ARRAY || names->n == 0)
        return brig_error_set(err, EINVAL, "%s: %s/names: expected a non-empty array of names",
                              name, ptr);
    size_t j = 0;
    BRIG_JSON_FOREACH (n, names) {
        char nptr[96];
        snprintf(nptr, sizeof(nptr), "%s/names/%zu", ptr, j++);
        const char *sys = brig_json_str(n);
        if (!sys)
            return brig_error_set(err, EINVAL, "%s: %s: expected a string", name, nptr);
        /* runc refuses NOTIFY on write: a supervisor that logs would block
         * on the process it is supposed to answer. */
        if (streq(action, "SCMP_ACT_NOTIFY") && streq(sys, "write"))
            return brig_error_set(err, EINVAL,
                                  "%s: %s: SCMP_ACT_NOTIFY on write would deadlock the supervisor",
                                  name, nptr);
        int r = check_name(sys, tok, n_tok, name, nptr, err);
        if (r < 0)
            return r;
    }
    const BrigJson *c;
    char sub[96];
    if ((c = brig_json_get(e, "args"))) {
        snprintf(sub, sizeof(sub), "%s/args", ptr);
        int r = check_args(c, name, sub, err);
        if (r < 0)
            return r;
    }
    if ((c = brig_json_get(e, "includes"))) {
        snprintf(sub, sizeof(sub), "%s/includes", ptr);
        int r = check_caps(c, name, sub, err);
        if (r < 0)
            return r;
    }
    if ((c = brig_json_get(e, "excludes"))) {
        snprintf(sub, sizeof(sub), "%s/excludes", ptr);
        int r = check_caps(c, name, sub, err);
        if (r < 0)
            return r;
    }
    if ((c = brig_json_get(e, "comment")) && c->type != BRIG_JSON_STRING)
        return brig_error_set(err, EINVAL, "%s: %s/comment: expected a string", name, ptr);
    return 0;
}

int brig_seccomp_validate(const BrigJson *profile, const char *name, BrigError **err)
{
    const BrigJson *m, *a, *e;
    if (profile->type != BRIG_JSON_OBJECT)
        return brig_error_set(err, EINVAL, "%s: expected a JSON object, found %s", name,
                              brig_json_type_name(profile->type));
    BRIG_JSON_FOREACH (m, profile) {
        static const char *const keys[] = {"defaultAction", "defaultErrnoRet", "architectures",
                                           "flags",         "listenerPath",    "listenerMetadata",
                                           "syscalls",      "comment"};
        bool ok = false;
        for (size_t k = 0; k < ELEMENTSOF(keys); k++)
            ok = ok || streq(keys[k], m->key);
        if (!ok)
            return brig_error_set(err, EINVAL, "%s: /%s: unknown key", name, m->key);
    }
    const char *def = brig_json_str(brig_json_get(profile, "defaultAction"));
    if (!known_action(def))
        return brig_error_set(err, EINVAL, "%s: /defaultAction: unknown action \"%s\"", name,
                              def ? def : "(missing)");
    /* runc refuses it: every syscall, runc's own included, would wait on a
     * supervisor that is not listening yet. */
    if (streq(def, "SCMP_ACT_NOTIFY"))
        return brig_error_set(
            err, EINVAL, "%s: /defaultAction: SCMP_ACT_NOTIFY cannot be the default action", name);
    uint64_t v;
    const BrigJson *dret = brig_json_get(profile, "defaultErrnoRet");
    if (dret && (brig_json_to_uint64(dret, &v) < 0 || v > 4095))
        return brig_error_set(err, EINVAL, "%s: /defaultErrnoRet: expected an errno from 0 to 4095",
                              name);

    uint32_t tok[ELEMENTSOF(arches)];
    size_t n_tok = 0, i = 0;
    const BrigJson *archs = brig_json_get(profile, "architectures");
    if (archs && archs->type != BRIG_JSON_ARRAY)
        return brig_error_set(err, EINVAL, "%s: /architectures: expected an array", name);
    BRIG_JSON_FOREACH (a, archs) {
        const char *an = brig_json_str(a);
        uint32_t t = an && startswith(an, "SCMP_ARCH_") ? brig_seccomp_arch_token(an) : 0;
        if (!t)
            return brig_error_set(err, EINVAL, "%s: /architectures/%zu: unknown architecture %s",
                                  name, i, an ? an : brig_json_type_name(a->type));
        if (n_tok < ELEMENTSOF(tok))
            tok[n_tok++] = t;
        i++;
    }
    if (n_tok == 0)
        tok[n_tok++] = seccomp_arch_native();

    const BrigJson *sys = brig_json_get(profile, "syscalls");
    if (sys && sys->type != BRIG_JSON_ARRAY)
        return brig_error_set(err, EINVAL, "%s: /syscalls: expected an array", name);
    i = 0;
    BRIG_JSON_FOREACH (e, sys) {
        int r = check_entry(e, i++, tok, n_tok, name, err);
        if (r < 0)
            return r;
    }
    return 0;
}

/* ---- resolution ---- */

static int caps_mask(const BrigJson *cond, uint64_t *ret)
{
    const BrigJson *c;
    *ret = 0;
    BRIG_JSON_FOREACH (c, brig_json_get(cond, "caps")) {
        int n = brig_cap_from_name(brig_json_str(c));
        if (n < 0)
            return -EINVAL;
        *ret |= UINT64_C(1) << n;
    }
    return 0;
}

static bool same_rule(const BrigJson *a, const BrigJson *b)
{
    static const char *const keys[] = {"action", "errnoRet", "args"};
    for (size_t k = 0; k < ELEMENTSOF(keys); k++) {
        const BrigJson *x = brig_json_get(a, keys[k]), *y = brig_json_get(b, keys[k]);
        if ((x == NULL) != (y == NULL) || (x && !brig_json_equal(x, y)))
            return false;
    }
    return true;
}

/* The names already in an output entry.  A profile lists ~400 names, most of
 * them in the one allow entry, so asking the entry itself (a linear scan per
 * name) made resolution quadratic and the largest cost of hardening a
 * container (bench/harden_loop: ~2.9M of 9.4M instructions).  Open
 * addressing over (entry, name); sized once for every name in the profile. */
typedef struct {
    const BrigJson *dst;
    const char *name;
} NameSlot;

typedef struct {
    NameSlot *slot;
    size_t mask;
} NameSet;

static uint64_t name_hash(const BrigJson *dst, const char *s)
{
    uint64_t h = 1469598103934665603u ^ (uint64_t)(uintptr_t)dst; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h ^ (h >> 29);
}

/* Adds (dst, name); returns false when it was already there. */
static bool name_set_add(NameSet *set, const BrigJson *dst, const char *name)
{
    for (size_t i = name_hash(dst, name) & set->mask;; i = (i + 1) & set->mask) {
        NameSlot *sl = &set->slot[i];
        if (!sl->name) {
            *sl = (NameSlot){dst, name};
            return true;
        }
        if (sl->dst == dst && streq(sl->name, name))
            return false;
    }
}

int brig_seccomp_resolve(const BrigJson *profile, uint64_t caps, BrigJson **ret, BrigError **err)
{
    if (profile->type != BRIG_JSON_OBJECT)
        return brig_error_set(err, EINVAL, "seccomp profile: expected a JSON object");
    _cleanup_(brig_json_freep) BrigJson *out = brig_json_new(BRIG_JSON_OBJECT);
    const BrigJson *m, *e, *nm;
    size_t total = 0;
    BRIG_JSON_FOREACH (m, profile) /* every copy of a duplicated "syscalls" */
        if (streq(m->key, "syscalls") && m->type == BRIG_JSON_ARRAY)
            BRIG_JSON_FOREACH (e, m)
                if ((nm = brig_json_get(e, "names")) && nm->type == BRIG_JSON_ARRAY)
                    total += nm->n;
    NameSet set = {.mask = 15};
    while (set.mask + 1 < 2 * total)
        set.mask = set.mask * 2 + 1;
    _cleanup_free_ NameSlot *slots = set.slot = xcalloc(set.mask + 1, sizeof(*set.slot));
    BRIG_JSON_FOREACH (m, profile) {
        if (streq(m->key, "comment"))
            continue;
        if (!streq(m->key, "syscalls")) {
            brig_json_set(out, m->key, brig_json_copy(m));
            continue;
        }
        if (m->type != BRIG_JSON_ARRAY)
            return brig_error_set(err, EINVAL, "seccomp profile: /syscalls: expected an array");
        BrigJson *list = brig_json_new(BRIG_JSON_ARRAY);
        brig_json_set(out, "syscalls", list);
        size_t i = 0;
        BRIG_JSON_FOREACH (e, m) {
            uint64_t inc = 0, exc = 0;
            const BrigJson *ic = brig_json_get(e, "includes"), *ec = brig_json_get(e, "excludes");
            const BrigJson *names = brig_json_get(e, "names");
            if (caps_mask(ic, &inc) < 0 || caps_mask(ec, &exc) < 0)
                return brig_error_set(err, EINVAL,
                                      "seccomp profile: /syscalls/%zu: unknown capability name", i);
            if (!names || names->type != BRIG_JSON_ARRAY)
                return brig_error_set(err, EINVAL,
                                      "seccomp profile: /syscalls/%zu/names: expected an array", i);
            i++;
            if ((inc && !(inc & caps)) || (exc & caps))
                continue;

            _cleanup_(brig_json_freep) BrigJson *rule = brig_json_new(BRIG_JSON_OBJECT);
            static const char *const keys[] = {"action", "errnoRet", "args"};
            for (size_t k = 0; k < ELEMENTSOF(keys); k++)
                if (brig_json_get(e, keys[k]))
                    brig_json_set(rule, keys[k], brig_json_copy(brig_json_get(e, keys[k])));

            BrigJson *dst = NULL, *t;
            BRIG_JSON_FOREACH (t, list)
                if (same_rule(t, rule)) {
                    dst = brig_json_get(t, "names");
                    break;
                }
            if (!dst) {
                /* names first, as runtimes and people read an entry */
                BrigJson *entry = brig_json_new(BRIG_JSON_OBJECT);
                dst = brig_json_new(BRIG_JSON_ARRAY);
                brig_json_set(entry, "names", dst);
                for (size_t k = 0; k < rule->n; k++)
                    brig_json_set(entry, rule->kids[k]->key, brig_json_copy(rule->kids[k]));
                brig_json_append(list, entry);
            }
            const BrigJson *n;
            BRIG_JSON_FOREACH (n, names)
                if (!brig_json_str(n) || name_set_add(&set, dst, brig_json_str(n)))
                    brig_json_append(dst, brig_json_copy(n));
        }
    }
    *ret = TAKE_PTR(out);
    return 0;
}

/* ---- compilation ---- */

static void ctx_releasep(scmp_filter_ctx *c)
{
    if (*c)
        seccomp_release(*c);
}

static int add_rules(scmp_filter_ctx fc, uint32_t arch, const BrigJson *e, size_t i,
                     uint32_t def_act, BrigError **err)
{
    const char *action = brig_json_str(brig_json_get(e, "action"));
    if (!known_action(action))
        return brig_error_set(err, EINVAL, "/syscalls/%zu/action: unknown action", i);
    uint32_t act = action_value(action, brig_json_get(e, "errnoRet"));
    if (act == def_act)
        return 0; /* libseccomp refuses a rule that repeats the default */

    const BrigJson *args = brig_json_get(e, "args"), *a;
    struct scmp_arg_cmp cmp[6];
    unsigned n_cmp = 0;
    bool split = false, seen[6] = {false};
    size_t j = 0;
    BRIG_JSON_FOREACH (a, args) {
        uint64_t idx = 0, v1 = 0, v2 = 0;
        enum scmp_compare op;
        if (brig_json_to_uint64(brig_json_get(a, "index"), &idx) < 0 || idx > 5 ||
            brig_json_to_uint64(brig_json_get(a, "value"), &v1) < 0 ||
            (brig_json_get(a, "valueTwo") &&
             brig_json_to_uint64(brig_json_get(a, "valueTwo"), &v2) < 0) ||
            op_from_name(brig_json_str(brig_json_get(a, "op")), &op) < 0 || n_cmp >= 6)
            return brig_error_set(err, EINVAL, "/syscalls/%zu/args/%zu: malformed comparison", i,
                                  j);
        split = split || seen[idx];
        seen[idx] = true;
        cmp[n_cmp++] =
            (struct scmp_arg_cmp){.arg = (unsigned)idx, .op = op, .datum_a = v1, .datum_b = v2};
        j++;
    }

    const BrigJson *n;
    BRIG_JSON_FOREACH (n, brig_json_get(e, "names")) {
        const char *sys = brig_json_str(n);
        /* not a syscall of this architecture: runc skips it too */
        if (!sys || (arch && seccomp_syscall_resolve_name_arch(arch, sys) < 0))
            continue;
        /* rules take the host's number (negative for a syscall the host
         * lacks); libseccomp translates it for each architecture */
        int nr = seccomp_syscall_resolve_name(sys);
        if (nr == __NR_SCMP_ERROR)
            continue;
        int r = 0;
        if (split)
            for (unsigned k = 0; k < n_cmp && r >= 0; k++)
                r = seccomp_rule_add_array(fc, act, nr, 1, &cmp[k]);
        else
            r = seccomp_rule_add_array(fc, act, nr, n_cmp, cmp);
        if (r < 0)
            return brig_error_errno(err, -r, "/syscalls/%zu: libseccomp refused the rule for %s", i,
                                    sys);
    }
    return 0;
}

int brig_seccomp_compile(const BrigJson *oci, uint32_t arch_token, scmp_filter_ctx *ret,
                         BrigError **err)
{
    const char *def = brig_json_str(brig_json_get(oci, "defaultAction"));
    if (!known_action(def))
        return brig_error_set(err, EINVAL, "/defaultAction: unknown action \"%s\"",
                              def ? def : "(missing)");
    uint32_t def_act = action_value(def, brig_json_get(oci, "defaultErrnoRet"));
    _cleanup_(ctx_releasep) scmp_filter_ctx fc = seccomp_init(def_act);
    if (!fc)
        return brig_error_set(err, EINVAL, "libseccomp refused the default action %s", def);

    uint32_t native = seccomp_arch_native();
    if (arch_token == SCMP_ARCH_NATIVE) {
        /* the filter runc loads: the host's architecture plus every one the
         * profile lists, so 32-bit and x32 processes are filtered too */
        const BrigJson *a;
        BRIG_JSON_FOREACH (a, brig_json_get(oci, "architectures")) {
            uint32_t t = brig_seccomp_arch_token(brig_json_str(a));
            int r = t ? seccomp_arch_add(fc, t) : -EINVAL;
            if (r < 0 && r != -EEXIST)
                return brig_error_errno(err, -r, "/architectures: libseccomp cannot add %s",
                                        brig_json_str(a) ? brig_json_str(a) : "a non-string");
        }
        arch_token = 0; /* names are checked per architecture by libseccomp */
    } else if (arch_token != native) {
        int r = seccomp_arch_add(fc, arch_token);
        if (r >= 0)
            r = seccomp_arch_remove(fc, native);
        if (r < 0)
            return brig_error_errno(err, -r, "libseccomp cannot build a filter for %s",
                                    brig_seccomp_arch_name(arch_token));
    }

    const BrigJson *e;
    size_t i = 0;
    BRIG_JSON_FOREACH (e, brig_json_get(oci, "syscalls")) {
        int r = add_rules(fc, arch_token, e, i++, def_act, err);
        if (r < 0)
            return r;
    }
    *ret = TAKE_PTR(fc);
    return 0;
}
