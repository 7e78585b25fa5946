/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "caps.h"
#include "seccomp_explain.h"

/* ---- a classic-BPF interpreter for seccomp programs ---- */

int brig_bpf_run(const struct sock_filter *prog, size_t n, const struct seccomp_data *d,
                 uint32_t *ret_action, BrigError **err)
{
    uint32_t A = 0, X = 0, M[BPF_MEMWORDS] = {0};
    /* seccomp programs only jump forward, so n steps bound the run */
    for (size_t pc = 0, steps = 0; pc < n && steps <= n; pc++, steps++) {
        const struct sock_filter *f = &prog[pc];
        uint32_t k = f->k, src = BPF_SRC(f->code) == BPF_X ? X : k;
        switch (BPF_CLASS(f->code)) {
        case BPF_LD:
        case BPF_LDX: {
            uint32_t v;
            switch (BPF_MODE(f->code)) {
            case BPF_ABS:
                /* the kernel's checker: aligned 32-bit words inside seccomp_data */
                if (BPF_SIZE(f->code) != BPF_W || k >= sizeof(*d) || k % 4)
                    return brig_error_set(err, EINVAL, "bpf %zu: bad load from offset %u", pc, k);
                memcpy(&v, (const char *)d + k, sizeof(v));
                break;
            case BPF_LEN:
                v = sizeof(*d);
                break;
            case BPF_IMM:
                v = k;
                break;
            case BPF_MEM:
                if (k >= BPF_MEMWORDS)
                    return brig_error_set(err, EINVAL, "bpf %zu: bad scratch slot %u", pc, k);
                v = M[k];
                break;
            default:
                return brig_error_set(err, EINVAL, "bpf %zu: unsupported load 0x%x", pc, f->code);
            }
            if (BPF_CLASS(f->code) == BPF_LD)
                A = v;
            else
                X = v;
            break;
        }
        case BPF_ST:
        case BPF_STX:
            if (k >= BPF_MEMWORDS)
                return brig_error_set(err, EINVAL, "bpf %zu: bad scratch slot %u", pc, k);
            M[k] = BPF_CLASS(f->code) == BPF_ST ? A : X;
            break;
        case BPF_ALU:
            switch (BPF_OP(f->code)) {
            case BPF_ADD:
                A += src;
                break;
            case BPF_SUB:
                A -= src;
                break;
            case BPF_MUL:
                A *= src;
                break;
            case BPF_DIV:
                if (!src)
                    return brig_error_set(err, EINVAL, "bpf %zu: division by zero", pc);
                A /= src;
                break;
            case BPF_MOD:
                if (!src)
                    return brig_error_set(err, EINVAL, "bpf %zu: division by zero", pc);
                A %= src;
                break;
            case BPF_AND:
                A &= src;
                break;
            case BPF_OR:
                A |= src;
                break;
            case BPF_XOR:
                A ^= src;
                break;
            case BPF_LSH:
                A = src < 32 ? A << src : 0;
                break;
            case BPF_RSH:
                A = src < 32 ? A >> src : 0;
                break;
            case BPF_NEG:
                A = -A;
                break;
            default:
                return brig_error_set(err, EINVAL, "bpf %zu: unsupported alu 0x%x", pc, f->code);
            }
            break;
        case BPF_JMP: {
            bool t;
            switch (BPF_OP(f->code)) {
            case BPF_JA:
                pc += k;
                continue;
            case BPF_JEQ:
                t = A == src;
                break;
            case BPF_JGT:
                t = A > src;
                break;
            case BPF_JGE:
                t = A >= src;
                break;
            case BPF_JSET:
                t = (A & src) != 0;
                break;
            default:
                return brig_error_set(err, EINVAL, "bpf %zu: unsupported jump 0x%x", pc, f->code);
            }
            pc += t ? f->jt : f->jf;
            break;
        }
        case BPF_RET:
            *ret_action = BPF_RVAL(f->code) == BPF_A ? A : k;
            return 0;
        case BPF_MISC:
            if (BPF_MISCOP(f->code) == BPF_TAX)
                X = A;
            else
                A = X;
            break;
        default:
            return brig_error_set(err, EINVAL, "bpf %zu: unsupported instruction 0x%x", pc,
                                  f->code);
        }
    }
    return brig_error_set(err, EINVAL, "bpf: the program ran off its end");
}

static const char *data_field(uint32_t k)
{
    static const char *const args[] = {"args[0] lo", "args[0] hi", "args[1] lo", "args[1] hi",
                                       "args[2] lo", "args[2] hi", "args[3] lo", "args[3] hi",
                                       "args[4] lo", "args[4] hi", "args[5] lo", "args[5] hi"};
    if (k == offsetof(struct seccomp_data, nr))
        return "nr";
    if (k == offsetof(struct seccomp_data, arch))
        return "arch";
    if (k == offsetof(struct seccomp_data, instruction_pointer) ||
        k == offsetof(struct seccomp_data, instruction_pointer) + 4)
        return "instruction_pointer";
    if (k >= offsetof(struct seccomp_data, args) && k < sizeof(struct seccomp_data)) {
        /* which half is "lo" depends on byte order */
        uint32_t i = (k - (uint32_t)offsetof(struct seccomp_data, args)) / 4;
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
        i ^= 1;
#endif
        return args[i];
    }
    return "?";
}

char *brig_bpf_insn_text(const struct sock_filter *f, size_t pc)
{
    static const char *const jmp[] = {[BPF_JA >> 4] = "ja",
                                      [BPF_JEQ >> 4] = "jeq",
                                      [BPF_JGT >> 4] = "jgt",
                                      [BPF_JGE >> 4] = "jge",
                                      [BPF_JSET >> 4] = "jset"};
    static const char *const alu[] = {
        [BPF_ADD >> 4] = "add", [BPF_SUB >> 4] = "sub", [BPF_MUL >> 4] = "mul",
        [BPF_DIV >> 4] = "div", [BPF_OR >> 4] = "or",   [BPF_AND >> 4] = "and",
        [BPF_LSH >> 4] = "lsh", [BPF_RSH >> 4] = "rsh", [BPF_NEG >> 4] = "neg",
        [BPF_MOD >> 4] = "mod", [BPF_XOR >> 4] = "xor"};
    const char *x = BPF_SRC(f->code) == BPF_X ? "x" : NULL;
    switch (BPF_CLASS(f->code)) {
    case BPF_LD:
    case BPF_LDX: {
        const char *reg = BPF_CLASS(f->code) == BPF_LD ? "ld" : "ldx";
        switch (BPF_MODE(f->code)) {
        case BPF_ABS:
            return xasprintf("%s [%u] (%s)", reg, f->k, data_field(f->k));
        case BPF_IMM:
            return xasprintf("%s #0x%x", reg, f->k);
        case BPF_MEM:
            return xasprintf("%s M[%u]", reg, f->k);
        case BPF_LEN:
            return xasprintf("%s len", reg);
        }
        break;
    }
    case BPF_ST:
        return xasprintf("st M[%u]", f->k);
    case BPF_STX:
        return xasprintf("stx M[%u]", f->k);
    case BPF_ALU:
        if ((BPF_OP(f->code) >> 4) < ELEMENTSOF(alu) && alu[BPF_OP(f->code) >> 4])
            return x ? xasprintf("%s x", alu[BPF_OP(f->code) >> 4])
                     : xasprintf("%s #0x%x", alu[BPF_OP(f->code) >> 4], f->k);
        break;
    case BPF_JMP:
        if (BPF_OP(f->code) == BPF_JA)
            return xasprintf("ja -> %zu", pc + 1 + f->k);
        if ((BPF_OP(f->code) >> 4) < ELEMENTSOF(jmp) && jmp[BPF_OP(f->code) >> 4]) {
            if (x)
                return xasprintf("%s x -> %zu : %zu", jmp[BPF_OP(f->code) >> 4], pc + 1 + f->jt,
                                 pc + 1 + f->jf);
            return xasprintf("%s #0x%x -> %zu : %zu", jmp[BPF_OP(f->code) >> 4], f->k,
                             pc + 1 + f->jt, pc + 1 + f->jf);
        }
        break;
    case BPF_RET: {
        if (BPF_RVAL(f->code) == BPF_A)
            return xstrdup("ret a");
        _cleanup_free_ char *t = brig_seccomp_action_text(f->k);
        return xasprintf("ret %s", t);
    }
    case BPF_MISC:
        return xstrdup(BPF_MISCOP(f->code) == BPF_TAX ? "tax" : "txa");
    }
    return xasprintf("(unknown 0x%04x)", f->code);
}

int brig_seccomp_export(scmp_filter_ctx fc, struct sock_filter **ret_prog, size_t *ret_n,
                        BrigError **err)
{
    _cleanup_close_ int fd = memfd_create("brig-bpf", MFD_CLOEXEC);
    if (fd < 0)
        return brig_error_errno(err, errno, "memfd_create");
    int r = seccomp_export_bpf(fc, fd);
    if (r < 0)
        return brig_error_errno(err, -r, "libseccomp could not export the filter");
    off_t len = lseek(fd, 0, SEEK_END);
    if (len < 0 || len % sizeof(struct sock_filter) || lseek(fd, 0, SEEK_SET) < 0)
        return brig_error_set(err, EIO, "exported filter has a bad size");
    _cleanup_free_ struct sock_filter *prog = xmalloc(len ? (size_t)len : 1);
    for (size_t got = 0; got < (size_t)len;) {
        ssize_t k = read(fd, (char *)prog + got, (size_t)len - got);
        if (k <= 0)
            return brig_error_errno(err, k < 0 ? errno : EIO, "reading the exported filter");
        got += (size_t)k;
    }
    *ret_n = (size_t)len / sizeof(struct sock_filter);
    *ret_prog = TAKE_PTR(prog);
    return 0;
}

static void ctx_releasep(scmp_filter_ctx *c)
{
    if (*c)
        seccomp_release(*c);
}

int brig_sim_new(const BrigJson *oci, BrigSim **ret, BrigError **err)
{
    _cleanup_(ctx_releasep) scmp_filter_ctx fc = NULL;
    int r = brig_seccomp_compile(oci, SCMP_ARCH_NATIVE, &fc, err);
    if (r < 0)
        return r;
    BrigSim *s = xcalloc(1, sizeof(*s));
    r = brig_seccomp_export(fc, &s->prog, &s->n, err);
    if (r < 0) {
        free(s);
        return r;
    }
    *ret = s;
    return 0;
}

void brig_sim_free(BrigSim *s)
{
    if (!s)
        return;
    free(s->prog);
    free(s);
}

uint32_t brig_sim_action(const BrigSim *s, uint32_t arch, int nr, const uint64_t args[6])
{
    /* x32 tasks report the x86-64 audit arch; their numbers carry
     * __X32_SYSCALL_BIT instead */
    struct seccomp_data d = {.nr = nr, .arch = arch == SCMP_ARCH_X32 ? SCMP_ARCH_X86_64 : arch};
    for (int i = 0; i < 6; i++)
        d.args[i] = args ? args[i] : 0;
    uint32_t act;
    /* libseccomp's output always runs to a RET; a program that does not is
     * treated as the kernel treats a bad filter: kill */
    if (brig_bpf_run(s->prog, s->n, &d, &act, NULL) < 0)
        return SECCOMP_RET_KILL_PROCESS;
    return act;
}

/* ---- actions as text ---- */

static char *errno_text(unsigned e)
{
    const char *n = strerrorname_np((int)e);
    return n ? xstrdup(n) : xasprintf("%u", e);
}

char *brig_seccomp_action_text(uint32_t action)
{
    uint32_t data = action & SECCOMP_RET_DATA;
    switch (action & SECCOMP_RET_ACTION_FULL) {
    case SECCOMP_RET_ALLOW:
        return xstrdup("ALLOW");
    case SECCOMP_RET_ERRNO: {
        _cleanup_free_ char *e = errno_text(data);
        return xasprintf("ERRNO(%s)", e);
    }
    case SECCOMP_RET_USER_NOTIF:
        return xstrdup("NOTIFY");
    case SECCOMP_RET_TRACE:
        return xasprintf("TRACE(%u)", data);
    case SECCOMP_RET_TRAP:
        return xstrdup("TRAP");
    case SECCOMP_RET_LOG:
        return xstrdup("LOG");
    case SECCOMP_RET_KILL_PROCESS:
        return xstrdup("KILL_PROCESS");
    case SECCOMP_RET_KILL_THREAD:
        return xstrdup("KILL_THREAD");
    }
    return xasprintf("0x%08x", action);
}

char *brig_seccomp_oci_action_text(const char *name, const BrigJson *errno_ret)
{
    uint64_t v = EPERM; /* runc's default for an ERRNO without a value */
    if (errno_ret)
        brig_json_to_uint64(errno_ret, &v);
    if (!name)
        return xstrdup("(missing)");
    if (streq(name, "SCMP_ACT_ERRNO")) {
        _cleanup_free_ char *e = errno_text((unsigned)v);
        return xasprintf("ERRNO(%s)", e);
    }
    if (streq(name, "SCMP_ACT_TRACE"))
        return xasprintf("TRACE(%" PRIu64 ")", v);
    if (streq(name, "SCMP_ACT_KILL"))
        return xstrdup("KILL_THREAD");
    return xstrdup(startswith(name, "SCMP_ACT_") ? name + 9 : name);
}

/* ---- symbolic arguments ---- */

static const struct {
    const char *name;
    uint64_t v;
} symbols[] = {
    {"CLONE_NEWTIME", 0x80},
    {"CLONE_VM", 0x100},
    {"CLONE_FS", 0x200},
    {"CLONE_FILES", 0x400},
    {"CLONE_SIGHAND", 0x800},
    {"CLONE_PIDFD", 0x1000},
    {"CLONE_PTRACE", 0x2000},
    {"CLONE_VFORK", 0x4000},
    {"CLONE_PARENT", 0x8000},
    {"CLONE_THREAD", 0x10000},
    {"CLONE_NEWNS", 0x20000},
    {"CLONE_SYSVSEM", 0x40000},
    {"CLONE_SETTLS", 0x80000},
    {"CLONE_PARENT_SETTID", 0x100000},
    {"CLONE_CHILD_CLEARTID", 0x200000},
    {"CLONE_CHILD_SETTID", 0x1000000},
    {"CLONE_NEWCGROUP", 0x2000000},
    {"CLONE_NEWUTS", 0x4000000},
    {"CLONE_NEWIPC", 0x8000000},
    {"CLONE_NEWUSER", 0x10000000},
    {"CLONE_NEWPID", 0x20000000},
    {"CLONE_NEWNET", 0x40000000},
    {"CLONE_IO", 0x80000000},
    {"SIGCHLD", 17},
    {"AF_UNSPEC", 0},
    {"AF_UNIX", 1},
    {"AF_LOCAL", 1},
    {"AF_INET", 2},
    {"AF_INET6", 10},
    {"AF_KEY", 15},
    {"AF_NETLINK", 16},
    {"AF_PACKET", 17},
    {"AF_BLUETOOTH", 31},
    {"AF_ALG", 38},
    {"AF_VSOCK", 40},
    {"AF_XDP", 44},
    {"SOCK_STREAM", 1},
    {"SOCK_DGRAM", 2},
    {"SOCK_RAW", 3},
    {"SOCK_SEQPACKET", 5},
    {"SOCK_NONBLOCK", 0x800},
    {"SOCK_CLOEXEC", 0x80000},
    {"PER_LINUX", 0},
    {"PER_LINUX32", 0x8},
    {"UNAME26", 0x20000},
    {"ADDR_NO_RANDOMIZE", 0x40000},
    {"FDPIC_FUNCPTRS", 0x80000},
    {"MMAP_PAGE_ZERO", 0x100000},
    {"ADDR_COMPAT_LAYOUT", 0x200000},
    {"READ_IMPLIES_EXEC", 0x400000},
    {"ADDR_LIMIT_32BIT", 0x800000},
    {"SHORT_INODE", 0x1000000},
    {"WHOLE_SECONDS", 0x2000000},
    {"STICKY_TIMEOUTS", 0x4000000},
    {"ADDR_LIMIT_3GB", 0x8000000},
};

int brig_seccomp_parse_arg(const char *text, uint64_t *ret, BrigError **err)
{
    _cleanup_free_ char *copy = xstrdup(text);
    char *save = NULL;
    uint64_t v = 0;
    bool any = false;
    for (char *tok = strtok_r(copy, "|", &save); tok; tok = strtok_r(NULL, "|", &save)) {
        char *end;
        errno = 0;
        unsigned long long n = strtoull(tok, &end, 0);
        if (tok[0] != '-' && !errno && end != tok && !*end) {
            v |= n;
            any = true;
            continue;
        }
        if (tok[0] == '-') { /* -1 and friends: the register holds the sign-extended value */
            long long s = strtoll(tok, &end, 0);
            if (!errno && end != tok && !*end) {
                v |= (uint64_t)s;
                any = true;
                continue;
            }
        }
        size_t i;
        for (i = 0; i < ELEMENTSOF(symbols); i++)
            if (strcasecmp(symbols[i].name, tok) == 0)
                break;
        if (i == ELEMENTSOF(symbols))
            return brig_error_set(err, EINVAL,
                                  "\"%s\": not a number or a known constant (CLONE_*, AF_*, "
                                  "SOCK_*, personality flags)",
                                  tok);
        v |= symbols[i].v;
        any = true;
    }
    if (!any)
        return brig_error_set(err, EINVAL, "empty argument");
    *ret = v;
    return 0;
}

/* ---- argument tests ---- */

typedef struct {
    unsigned idx;
    const char *op;
    uint64_t a, b;
} ArgTest;

static bool read_test(const BrigJson *t, ArgTest *ret)
{
    uint64_t idx = 0;
    *ret = (ArgTest){0};
    if (brig_json_to_uint64(brig_json_get(t, "index"), &idx) < 0 || idx > 5 ||
        brig_json_to_uint64(brig_json_get(t, "value"), &ret->a) < 0)
        return false;
    if (brig_json_get(t, "valueTwo"))
        brig_json_to_uint64(brig_json_get(t, "valueTwo"), &ret->b);
    ret->idx = (unsigned)idx;
    ret->op = brig_json_str(brig_json_get(t, "op"));
    return ret->op != NULL;
}

static bool test_holds(const ArgTest *t, uint64_t v)
{
    if (streq(t->op, "SCMP_CMP_NE"))
        return v != t->a;
    if (streq(t->op, "SCMP_CMP_LT"))
        return v < t->a;
    if (streq(t->op, "SCMP_CMP_LE"))
        return v <= t->a;
    if (streq(t->op, "SCMP_CMP_EQ"))
        return v == t->a;
    if (streq(t->op, "SCMP_CMP_GE"))
        return v >= t->a;
    if (streq(t->op, "SCMP_CMP_GT"))
        return v > t->a;
    if (streq(t->op, "SCMP_CMP_MASKED_EQ")) /* OCI: value is the mask */
        return (v & t->a) == t->b;
    return false;
}

char *brig_seccomp_args_text(const BrigJson *args)
{
    const BrigJson *t;
    char *out = NULL;
    BRIG_JSON_FOREACH (t, args) {
        ArgTest a;
        char *one;
        if (!read_test(t, &a))
            one = xstrdup("(malformed test)");
        else if (streq(a.op, "SCMP_CMP_MASKED_EQ"))
            one = xasprintf("arg%u & 0x%" PRIx64 " == 0x%" PRIx64, a.idx, a.a, a.b);
        else {
            static const struct {
                const char *op, *sym;
            } syms[] = {{"SCMP_CMP_NE", "!="}, {"SCMP_CMP_LT", "<"},  {"SCMP_CMP_LE", "<="},
                        {"SCMP_CMP_EQ", "=="}, {"SCMP_CMP_GE", ">="}, {"SCMP_CMP_GT", ">"}};
            const char *sym = a.op;
            for (size_t i = 0; i < ELEMENTSOF(syms); i++)
                if (streq(syms[i].op, a.op))
                    sym = syms[i].sym;
            one = xasprintf("arg%u %s 0x%" PRIx64, a.idx, sym, a.a);
        }
        char *next = xasprintf("%s%s%s", out ? out : "", out ? " && " : "", one);
        free(one);
        free(out);
        out = next;
    }
    return out;
}

static bool tests_hold(const BrigJson *args, const uint64_t v[6])
{
    const BrigJson *t;
    BRIG_JSON_FOREACH (t, args) {
        ArgTest a;
        if (!read_test(t, &a) || !test_holds(&a, v[a.idx]))
            return false;
    }
    return true;
}

/* libseccomp sorts the tests on one argument equality first (its
 * _db_chain_lt), so when a masked or plain equality test and a range test
 * both hold, the equality entry decides.  brig's profile is written to that
 * rule (docs/seccomp.md); the BPF run checks the reading every time. */
static bool equality_only(const BrigJson *args)
{
    const BrigJson *t;
    BRIG_JSON_FOREACH (t, args) {
        const char *op = brig_json_str(brig_json_get(t, "op"));
        if (!op || (!streq(op, "SCMP_CMP_EQ") && !streq(op, "SCMP_CMP_MASKED_EQ")))
            return false;
    }
    return true;
}

/* ---- explain ---- */

static char *gate_text(const BrigJson *e)
{
    char *out = NULL;
    static const char *const keys[] = {"includes", "excludes"};
    for (size_t k = 0; k < ELEMENTSOF(keys); k++) {
        const BrigJson *caps = brig_json_get(brig_json_get(e, keys[k]), "caps"), *c;
        if (!caps || !caps->n)
            continue;
        char *list = NULL;
        BRIG_JSON_FOREACH (c, caps) {
            char *next = xasprintf("%s%s%s", list ? list : "", list ? " or " : "",
                                   brig_json_str(c) ? brig_json_str(c) : "?");
            free(list);
            list = next;
        }
        char *next = xasprintf("%s%sonly %s %s", out ? out : "", out ? ", " : "",
                               k == 0 ? "with" : "without", list);
        free(list);
        free(out);
        out = next;
    }
    return out;
}

static uint64_t gate_caps(const BrigJson *profile, const char *sys)
{
    uint64_t m = 0;
    const BrigJson *e, *c;
    BRIG_JSON_FOREACH (e, brig_json_get(profile, "syscalls")) {
        if (!brig_json_array_has_string(brig_json_get(e, "names"), sys))
            continue;
        static const char *const keys[] = {"includes", "excludes"};
        for (size_t k = 0; k < ELEMENTSOF(keys); k++)
            BRIG_JSON_FOREACH (c, brig_json_get(brig_json_get(e, keys[k]), "caps")) {
                int n = brig_cap_from_name(brig_json_str(c));
                if (n >= 0)
                    m |= UINT64_C(1) << n;
            }
    }
    return m;
}

struct BrigSimCache {
    const BrigJson *profile;
    uint64_t *caps;
    BrigSim **sims;
    size_t n;
};

BrigSimCache *brig_sim_cache_new(const BrigJson *profile)
{
    BrigSimCache *c = xcalloc(1, sizeof(*c));
    c->profile = profile;
    return c;
}

void brig_sim_cache_free(BrigSimCache *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++)
        brig_sim_free(c->sims[i]);
    free(c->sims);
    free(c->caps);
    free(c);
}

static int kernel_action(const BrigJson *profile, uint64_t caps, uint32_t arch, int nr,
                         const uint64_t args[6], BrigSimCache *cache, uint32_t *ret,
                         BrigError **err)
{
    for (size_t i = 0; cache && cache->profile == profile && i < cache->n; i++)
        if (cache->caps[i] == caps) {
            *ret = brig_sim_action(cache->sims[i], arch, nr, args);
            return 0;
        }
    _cleanup_(brig_json_freep) BrigJson *oci = NULL;
    _cleanup_(brig_sim_freep) BrigSim *sim = NULL;
    int r = brig_seccomp_resolve(profile, caps, &oci, err);
    if (r < 0)
        return r;
    r = brig_sim_new(oci, &sim, err);
    if (r < 0)
        return r;
    *ret = brig_sim_action(sim, arch, nr, args);
    if (cache && cache->profile == profile) {
        cache->caps = xrealloc(cache->caps, (cache->n + 1) * sizeof(*cache->caps));
        cache->sims = xrealloc(cache->sims, (cache->n + 1) * sizeof(*cache->sims));
        cache->caps[cache->n] = caps;
        cache->sims[cache->n++] = TAKE_PTR(sim);
    }
    return 0;
}

int brig_seccomp_explain(const BrigJson *profile, uint64_t caps, const char *sys, uint32_t arch,
                         const uint64_t *args, size_t n_args, BrigSimCache *cache,
                         BrigExplain **ret, BrigError **err)
{
    _cleanup_(brig_explain_freep) BrigExplain *x = xcalloc(1, sizeof(*x));
    if (!arch)
        arch = seccomp_arch_native();
    x->arch = arch;
    x->n_args = n_args > 6 ? 6 : n_args;
    /* a 32-bit task's registers are 32 bits: the kernel hands the filter
     * zero-extended values, and libseccomp's filters for those ABIs only
     * compare the low word.  libseccomp counts x32 among them (its args
     * are C ints and longs of 32 bits), although an x32 task passes 64-bit
     * registers: the high word is ignored there, by design. */
    static const uint32_t narrow[] = {SCMP_ARCH_X86,  SCMP_ARCH_X32,    SCMP_ARCH_ARM,
                                      SCMP_ARCH_MIPS, SCMP_ARCH_MIPSEL, SCMP_ARCH_PPC,
                                      SCMP_ARCH_S390, SCMP_ARCH_PARISC};
    uint64_t width = UINT64_MAX;
    for (size_t i = 0; i < ELEMENTSOF(narrow); i++)
        if (narrow[i] == arch)
            width = UINT32_MAX;
    for (size_t i = 0; i < x->n_args; i++)
        x->args[i] = args[i] & width;

    char *end;
    long num = strtol(sys, &end, 0);
    if (*sys && !*end) { /* a raw number, e.g. one libseccomp does not know */
        x->nr = (int)num;
        char *name = seccomp_syscall_resolve_num_arch(arch, x->nr);
        x->syscall = name ? name : xasprintf("%ld", num);
    } else {
        x->nr = seccomp_syscall_resolve_name_arch(arch, sys);
        if (x->nr == __NR_SCMP_ERROR)
            return brig_error_set(err, EINVAL, "\"%s\" is not a system call libseccomp knows on %s",
                                  sys, brig_seccomp_arch_name(arch) ?: "this architecture");
        x->syscall = xstrdup(sys);
        /* libseccomp names some calls on multiplexing architectures (socket
         * on x86) by a negative pseudo-number even when the kernel has a
         * direct number too; the kernel only ever reports the direct one */
        for (int nr = 0; x->nr < 0 && nr < 1024; nr++) {
            _cleanup_free_ char *n = seccomp_syscall_resolve_num_arch(arch, nr);
            if (n && streq(n, sys))
                x->nr = nr;
        }
        if (x->nr < 0)
            return brig_error_set(err, EINVAL,
                                  "%s has no number of its own on %s: it is reached through a "
                                  "multiplexer (socketcall, ipc), whose arguments the filter "
                                  "cannot see; explain that syscall instead",
                                  sys, brig_seccomp_arch_name(arch) ?: "this architecture");
    }

    const char *def = brig_json_str(brig_json_get(profile, "defaultAction"));
    _cleanup_free_ char *def_text =
        brig_seccomp_oci_action_text(def, brig_json_get(profile, "defaultErrnoRet"));

    const BrigJson *e;
    size_t i = 0;
    ssize_t uncond = -1, eq = -1, other = -1, same_as_def = -1;
    BRIG_JSON_FOREACH (e, brig_json_get(profile, "syscalls")) {
        size_t idx = i++;
        if (!brig_json_array_has_string(brig_json_get(e, "names"), x->syscall))
            continue;
        uint64_t inc = 0, exc = 0;
        const BrigJson *c;
        BRIG_JSON_FOREACH (c, brig_json_get(brig_json_get(e, "includes"), "caps")) {
            int n = brig_cap_from_name(brig_json_str(c));
            inc |= n >= 0 ? UINT64_C(1) << n : 0;
        }
        BRIG_JSON_FOREACH (c, brig_json_get(brig_json_get(e, "excludes"), "caps")) {
            int n = brig_cap_from_name(brig_json_str(c));
            exc |= n >= 0 ? UINT64_C(1) << n : 0;
        }
        const BrigJson *targs = brig_json_get(e, "args");
        x->entries = xrealloc(x->entries, (x->n_entries + 1) * sizeof(*x->entries));
        BrigExplainEntry *en = &x->entries[x->n_entries];
        *en = (BrigExplainEntry){
            .index = idx,
            .comment = brig_json_str(brig_json_get(e, "comment")),
            .action = brig_seccomp_oci_action_text(brig_json_str(brig_json_get(e, "action")),
                                                   brig_json_get(e, "errnoRet")),
            .args = targs && targs->n ? brig_seccomp_args_text(targs) : NULL,
            .gate = gate_text(e),
            .applies = !(inc && !(inc & caps)) && !(exc & caps),
            .args_match = tests_hold(targs, x->args),
        };
        ssize_t me = (ssize_t)x->n_entries++;
        if (!en->applies || !en->args_match)
            continue;
        /* runc and brig skip a rule that repeats the default action */
        if (streq(en->action, def_text)) {
            if (same_as_def < 0)
                same_as_def = me;
            continue;
        }
        if (!en->args) {
            if (uncond < 0)
                uncond = me;
        } else if (equality_only(targs)) {
            if (eq < 0)
                eq = me;
        } else if (other < 0)
            other = me;
    }
    x->reason = uncond >= 0 ? uncond : eq >= 0 ? eq : other >= 0 ? other : same_as_def;
    x->profile_action = x->reason >= 0 && x->reason != same_as_def
                            ? xstrdup(x->entries[x->reason].action)
                            : xstrdup(def_text);

    uint32_t act;
    int r = kernel_action(profile, caps, arch, x->nr, x->args, cache, &act, err);
    if (r < 0)
        return r;
    x->kernel_action = brig_seccomp_action_text(act);
    x->agree = streq(x->kernel_action, x->profile_action);

    /* what each capability the profile mentions for this syscall would
     * change: the same question asked of the profile resolved with it
     * toggled */
    uint64_t gates = gate_caps(profile, x->syscall);
    for (int n = 0; n <= BRIG_CAP_LAST; n++) {
        uint64_t bit = UINT64_C(1) << n;
        if (!(gates & bit))
            continue;
        uint32_t other_act;
        r = kernel_action(profile, caps ^ bit, arch, x->nr, x->args, cache, &other_act, err);
        if (r < 0)
            return r;
        if (other_act == act)
            continue;
        _cleanup_free_ char *t = brig_seccomp_action_text(other_act);
        x->cap_effects = xrealloc(x->cap_effects, (x->n_cap_effects + 1) * sizeof(char *));
        x->cap_effects[x->n_cap_effects++] =
            xasprintf("%s %s: %s", caps & bit ? "without" : "with", brig_cap_name(n), t);
    }
    *ret = TAKE_PTR(x);
    return 0;
}

void brig_explain_free(BrigExplain *x)
{
    if (!x)
        return;
    free(x->syscall);
    for (size_t i = 0; i < x->n_entries; i++) {
        free(x->entries[i].action);
        free(x->entries[i].args);
        free(x->entries[i].gate);
    }
    free(x->entries);
    free(x->profile_action);
    free(x->kernel_action);
    for (size_t i = 0; i < x->n_cap_effects; i++)
        free(x->cap_effects[i]);
    free(x->cap_effects);
    free(x);
}
