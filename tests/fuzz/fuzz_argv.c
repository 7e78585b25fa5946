/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The argv model: NUL-separated tokens in, and whatever parses must never
 * hand a --brig-* flag to the real runtime, and its indices must be sane.
 *
 * For exec, the hardened command line is read back the way each runtime
 * reads it, with a reference written here independently of
 * lib/exec_flags.c (libc strtol for crun, a Go strconv.Atoi/ParseInt model
 * for runc), and unless brig refused it:
 *  - exactly one --user reaches the runtime (no --process), spelt
 *    "UID:GID" in plain decimal, and neither id is 0 or (uint32_t)-1 as that
 *    runtime reads it;
 *  - every supplementary group is a plain decimal, not 0 or 4294967295;
 *  - the command after the id is untouched, and hardening twice changes
 *    nothing more.
 * For update (flag form), an accepted --pids-limit is a plain decimal from
 * 0 to the policy's limit. */
#include <limits.h>

#include "fuzz.h"
#include "runtime.h"
#include "util.h"

/* Go: optional sign, decimal digits, within int64 (base 10, no '_'). */
static bool go_parse(const char *s, int64_t *ret)
{
    const char *p = s;
    if (*p == '+' || *p == '-')
        p++;
    if (!*p || strspn(p, "0123456789") != strlen(p))
        return false;
    errno = 0;
    long long v = strtoll(s, NULL, 10);
    if (errno == ERANGE)
        return false;
    *ret = v;
    return true;
}

static bool plain_u32(const char *s, size_t len, uint32_t *ret)
{
    if (len == 0 || len > 10 || (s[0] == '0' && len > 1) || strspn(s, "0123456789") < len)
        return false;
    unsigned long long v = strtoull(s, NULL, 10);
    if (v > UINT32_MAX)
        return false;
    *ret = (uint32_t)v;
    return true;
}

/* The (uid, gid) runtime `fl` reads from --user v; false when it fails. */
static bool runtime_reads(BrigFlavour fl, const char *v, uint32_t *uid, uint32_t *gid)
{
    const char *colon = strchr(v, ':');
    if (fl == BRIG_RT_CRUN) {
        char *end;
        errno = 0;
        long u = strtol(v, &end, 10);
        if (errno == ERANGE || (*end && *end != ':'))
            return false;
        long g = 0;
        if (*end == ':') {
            g = strtol(end + 1, &end, 10);
            if (errno == ERANGE || *end)
                return false;
        }
        *uid = (uint32_t)u;
        *gid = (uint32_t)g;
        return true;
    }
    /* runc (and what brig sends an unknown runtime: plain decimal) */
    if (!colon)
        return false; /* brig always names the gid */
    _cleanup_free_ char *u = xstrndup(v, (size_t)(colon - v));
    int64_t a, b;
    if (!go_parse(u, &a) || !go_parse(colon + 1, &b))
        return false;
    *uid = (uint32_t)a;
    *gid = (uint32_t)b;
    return true;
}

static bool root_like(uint32_t id)
{
    return id == 0 || id == UINT32_MAX;
}

static void check_exec(const BrigArgv *orig, BrigFlavour fl)
{
    /* a fresh copy of the original command line for each flavour */
    char *argv[130];
    for (int i = 0; i < orig->argc; i++)
        argv[i] = orig->argv[i];
    BrigArgv a;
    if (brig_argv_parse(orig->argc, argv, &a, NULL) < 0)
        return;
    _cleanup_(brig_policy_freep) BrigPolicy *pol = brig_policy_new_default();
    BrigReport rep = {0};
    int old_tail = a.id_idx >= 0 ? a.argc - a.id_idx : 0;
    FUZZ_ASSERT(brig_argv_harden_exec(&a, pol, fl, &rep, NULL) == 0, "exec harden failed");
    bool refused = brig_report_count(&rep, BRIG_REFUSE) > 0;
    brig_report_clear(&rep);
    if (a.id_idx >= 0) {
        FUZZ_ASSERT(a.argc - a.id_idx == old_tail, "the command after the id changed length");
        for (int k = 0; k < old_tail; k++)
            FUZZ_ASSERT(streq(a.argv[a.id_idx + k], orig->argv[orig->id_idx + k]),
                        "token %d after the id changed", k);
    }
    if (!refused && a.id_idx >= 0) {
        int users = 0;
        for (int i = a.cmd_idx + 1; i < a.id_idx; i++) {
            const char *s = a.argv[i];
            if (streq(s, "--"))
                break;
            const char *name = s[0] == '-' ? s + 1 + (s[1] == '-') : NULL;
            if (!name || !*name)
                break;
            size_t nl = strcspn(name, "=");
            const char *val = name[nl] == '=' ? name + nl + 1 : NULL;
            _cleanup_free_ char *n = xstrndup(name, nl);
            bool takes = brig_flag_takes_value("exec", n);
            if (takes && !val && i + 1 < a.id_idx)
                val = a.argv[++i];
            if (streq(n, "user") || streq(n, "u")) {
                users++;
                const char *colon = val ? strchr(val, ':') : NULL;
                uint32_t u, g;
                FUZZ_ASSERT(colon && plain_u32(val, (size_t)(colon - val), &u) &&
                                plain_u32(colon + 1, strlen(colon + 1), &g),
                            "--user %s is not plain UID:GID", val ? val : "(none)");
                FUZZ_ASSERT(runtime_reads(fl, val, &u, &g), "%s cannot read --user %s",
                            brig_flavour_name(fl), val);
                FUZZ_ASSERT(!root_like(u) && !root_like(g), "%s runs --user %s as %u:%u",
                            brig_flavour_name(fl), val, u, g);
            }
            if (streq(n, "additional-gids") || streq(n, "g")) {
                uint32_t g;
                FUZZ_ASSERT(val && plain_u32(val, strlen(val), &g) && !root_like(g),
                            "supplementary group %s reaches the runtime", val ? val : "");
            }
        }
        FUZZ_ASSERT(a.process || users == 1, "%d --user flags sent (%s)", users,
                    brig_flavour_name(fl));
        /* idempotent */
        int n1 = a.argc;
        char **before = xcalloc((size_t)n1 + 1, sizeof(char *));
        for (int i = 0; i < n1; i++)
            before[i] = xstrdup(a.argv[i]);
        BrigReport rep2 = {0};
        FUZZ_ASSERT(brig_argv_harden_exec(&a, pol, fl, &rep2, NULL) == 0, "second harden");
        FUZZ_ASSERT(a.argc == n1, "second harden changed argc");
        for (int i = 0; i < n1; i++)
            FUZZ_ASSERT(streq(a.argv[i], before[i]), "second harden changed %s", before[i]);
        brig_report_clear(&rep2);
        strv_free(before);
    }
    brig_argv_done(&a);
}

static void check_update(BrigArgv *a)
{
    for (size_t i = 0; i < a->n_sflags; i++)
        if (streq(a->sflags[i].name, "resources"))
            return; /* would read stdin */
    _cleanup_(brig_policy_freep) BrigPolicy *pol = brig_policy_new_default();
    BrigReport rep = {0};
    a->flavour = BRIG_RT_RUNC;
    FUZZ_ASSERT(brig_argv_check_update(a, pol, &rep, NULL) == 0, "update check failed");
    if (brig_report_count(&rep, BRIG_REFUSE) == 0)
        for (size_t i = 0; i < a->n_sflags; i++) {
            const BrigFlagUse *u = &a->sflags[i];
            if (!streq(u->name, "pids-limit") || !u->value)
                continue;
            uint32_t v;
            FUZZ_ASSERT(streq(u->value, "0") || (plain_u32(u->value, strlen(u->value), &v) &&
                                                  v <= (uint32_t)pol->pids_limit),
                        "--pids-limit %s accepted", u->value);
        }
    brig_report_clear(&rep);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    char *buf = xmalloc(size + 1);
    memcpy(buf, data, size);
    buf[size] = '\0';
    char *argv[130] = {"brig"};
    int argc = 1;
    for (char *p = buf; p < buf + size && argc < 128; p += strlen(p) + 1)
        argv[argc++] = p;
    argv[argc] = NULL;

    BrigArgv a = {0};
    BrigError *err = NULL;
    if (brig_argv_parse(argc, argv, &a, &err) == 0) {
        FUZZ_ASSERT(a.argc <= argc && a.argv[a.argc] == NULL, "argv not terminated");
        FUZZ_ASSERT(a.cmd_idx < a.argc && a.id_idx < a.argc, "index out of range");
        FUZZ_ASSERT(!a.cmd || streq(a.argv[a.cmd_idx], a.cmd), "cmd index wrong");
        FUZZ_ASSERT(!a.id || streq(a.argv[a.id_idx], a.id), "id index wrong");
        for (int i = 1; i < (a.cmd_idx >= 0 ? a.cmd_idx : a.argc); i++)
            FUZZ_ASSERT(!startswith(a.argv[i], "--brig-") && !startswith(a.argv[i], "-brig-"),
                        "brig flag %s leaked to the runtime", a.argv[i]);
        for (size_t i = 0; i < a.n_sflags; i++)
            FUZZ_ASSERT(a.sflags[i].idx > a.cmd_idx && a.sflags[i].idx < a.argc &&
                            a.sflags[i].value_idx < a.argc,
                        "flag index out of range");
        if (streq(a.cmd, "exec") && !a.help) {
            static const BrigFlavour fl[] = {BRIG_RT_RUNC, BRIG_RT_CRUN, BRIG_RT_UNKNOWN};
            for (size_t k = 0; k < ELEMENTSOF(fl); k++)
                check_exec(&a, fl[k]);
        }
        if (streq(a.cmd, "update"))
            check_update(&a);
        brig_argv_done(&a);
    }
    brig_error_free(err);
    free(buf);
    return 0;
}
