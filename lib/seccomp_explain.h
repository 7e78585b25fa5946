/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Debugging a seccomp profile: what a system call (with arguments) gets
 * and why.  Two readings are kept apart on purpose:
 *   - the profile reading: which entries of the brig profile name the
 *     syscall, which of them apply for the capability set, which argument
 *     tests hold;
 *   - the kernel reading: the filter libseccomp compiles from the resolved
 *     profile, exported as classic BPF and run here over a seccomp_data,
 *     exactly what the kernel would run.  It is the truth; the profile
 *     reading says why, and any disagreement is reported. */

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "json.h"
#include "seccomp.h"

/* Runs a seccomp classic-BPF program over one seccomp_data, as the kernel's
 * seccomp checker does (loads only from seccomp_data, forward jumps).
 * Fails on an instruction seccomp would have refused to load. */
int brig_bpf_run(const struct sock_filter *prog, size_t n, const struct seccomp_data *d,
                 uint32_t *ret_action, BrigError **err);

/* One instruction as text, jump targets absolute: "ld [4] (arch)",
 * "jeq #0x3b -> 12 : 13", "ret ERRNO(EPERM)". */
char *brig_bpf_insn_text(const struct sock_filter *f, size_t pc);

/* The BPF libseccomp generates for a filter (seccomp_export_bpf). */
int brig_seccomp_export(scmp_filter_ctx fc, struct sock_filter **ret_prog, size_t *ret_n,
                        BrigError **err);

/* A compiled filter ready to be asked: the whole filter the runtime loads
 * (every architecture of the profile). */
typedef struct BrigSim {
    struct sock_filter *prog;
    size_t n;
} BrigSim;

int brig_sim_new(const BrigJson *oci, BrigSim **ret, BrigError **err);
void brig_sim_free(BrigSim *s);
static inline void brig_sim_freep(BrigSim **s)
{
    brig_sim_free(*s);
}
/* The kernel's action (SECCOMP_RET_*|data) for a call on `arch` (a
 * SCMP_ARCH_* token, which is the AUDIT_ARCH value the kernel reports). */
uint32_t brig_sim_action(const BrigSim *s, uint32_t arch, int nr, const uint64_t args[6]);

/* "ALLOW", "ERRNO(EPERM)", "NOTIFY", "KILL_PROCESS"... for a kernel action. */
char *brig_seccomp_action_text(uint32_t action);
/* The same for an OCI entry or default ("SCMP_ACT_ERRNO" + errnoRet). */
char *brig_seccomp_oci_action_text(const char *name, const BrigJson *errno_ret);

/* Parses one argument for explain: a number in any C base, or symbols
 * joined by '|' (CLONE_NEWUSER|CLONE_NEWNS, AF_VSOCK, ADDR_NO_RANDOMIZE). */
int brig_seccomp_parse_arg(const char *text, uint64_t *ret, BrigError **err);

/* One entry of the profile that names the syscall. */
typedef struct BrigExplainEntry {
    size_t index;        /* /syscalls/<index> in the profile as given */
    const char *comment; /* borrowed from the profile, may be NULL */
    char *action;        /* text, e.g. "ERRNO(EPERM)" */
    char *args;          /* the argument tests as text, NULL when none */
    char *gate;          /* the capability condition as text, NULL when none */
    bool applies;        /* the capability condition holds */
    bool args_match;     /* the tests hold for the arguments asked about */
} BrigExplainEntry;

typedef struct BrigExplain {
    char *syscall;
    uint32_t arch;
    int nr; /* on arch */
    uint64_t args[6];
    size_t n_args;             /* how many the user gave; the rest are 0 */
    BrigExplainEntry *entries; /* every entry naming the syscall */
    size_t n_entries;
    ssize_t reason;       /* index into entries of the entry that decides, -1: default */
    char *profile_action; /* what the profile reading says */
    char *kernel_action;  /* what the compiled filter returns */
    bool agree;
    char **cap_effects; /* "with CAP_SYS_ADMIN: ALLOW (/syscalls/12)" */
    size_t n_cap_effects;
} BrigExplain;

/* Compiled filters of one profile per capability set, so asking many
 * questions of one profile compiles it once per set.  The profile must
 * outlive the cache. */
typedef struct BrigSimCache BrigSimCache;
BrigSimCache *brig_sim_cache_new(const BrigJson *profile);
void brig_sim_cache_free(BrigSimCache *c);
static inline void brig_sim_cache_freep(BrigSimCache **c)
{
    brig_sim_cache_free(*c);
}

/* Explains `sys` (a name, or a number) with `args` under a brig profile
 * resolved for `caps`; `cache` may be NULL. */
int brig_seccomp_explain(const BrigJson *profile, uint64_t caps, const char *sys, uint32_t arch,
                         const uint64_t *args, size_t n_args, BrigSimCache *cache,
                         BrigExplain **ret, BrigError **err);
void brig_explain_free(BrigExplain *x);
static inline void brig_explain_freep(BrigExplain **x)
{
    brig_explain_free(*x);
}

/* Text of one argument test list, e.g. "arg0 & 0xffffffff == 38". */
char *brig_seccomp_args_text(const BrigJson *args);
