/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What reaches the runtime outside config.json: global flags, create and
 * restore flags, and `update`.  config.json is hardened field by field; a
 * flag can undo that from the command line (crun --cgroup-manager=disabled
 * runs the container with no device cgroup and no pids limit; `update
 * --pids-limit -1` lifts the limit brig set), so these are allow-listed too.
 *
 * Flags that weaken isolation, and why (runc 1.1, crun 1.8 sources):
 *   --cgroup-manager=disabled (crun, global)  no cgroup: no device cgroup,
 *        no pids/memory limit; refused whatever the value's position
 *   --no-pivot (create/run/restore)  chroot instead of pivot_root: the
 *        host's root stays reachable in the mount namespace
 *   --no-new-keyring (create/run)  the container shares the caller's
 *        session keyring
 *   --criu PATH (runc, global)  runs that program as root for checkpoint
 *        and restore
 *   --rootless (global)  runc: "true" ignores cgroup errors; crun 1.8
 *        stores its value as the state --root, which brig reads elsewhere
 * Each is one line of refusal naming the flag and the "runtimeFlags" grant. */
#include <fcntl.h>
#include <stdio.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "runtime.h"

static bool granted(const BrigPolicy *p, const char *grant)
{
    for (char **g = p->runtime_flags; g && *g; g++)
        if (streq(*g, grant))
            return true;
    return false;
}

/* A bool flag is on unless written "--x=false" (Go's ParseBool); crun
 * refuses "--x=anything", so reading it as on is never looser. */
static bool bool_on(const BrigFlagUse *u)
{
    static const char *const no[] = {"0", "f", "F", "false", "FALSE", "False"};
    for (size_t i = 0; u->value && i < ELEMENTSOF(no); i++)
        if (streq(u->value, no[i]))
            return false;
    return true;
}

static void refuse_flag(BrigReport *rep, const BrigPolicy *p, const BrigFlagUse *u,
                        const char *grant, const char *why)
{
    _cleanup_free_ char *ptr = xasprintf("/argv/--%s", u->name);
    _cleanup_(brig_json_freep) BrigJson *v = u->value ? brig_json_new_string(u->value) : NULL;
    brig_report_refuse(
        rep, ptr, v, "--%s%s%s %s; %s grants it only with \"runtimeFlags\": [\"%s\"]", u->name,
        u->value ? "=" : "", u->value ? u->value : "", why, brig_policy_source(p), grant);
}

void brig_argv_check_flags(const BrigArgv *a, const BrigPolicy *p, BrigReport *rep)
{
    for (size_t i = 0; i < a->n_gflags; i++) {
        const BrigFlagUse *u = &a->gflags[i];
        if (streq(u->name, "cgroup-manager") && streq(u->value, "disabled") &&
            !granted(p, "cgroup-manager=disabled"))
            refuse_flag(rep, p, u, "cgroup-manager=disabled",
                        "runs the container without cgroups: no device cgroup and no pids "
                        "or memory limit");
        else if (streq(u->name, "criu") && !granted(p, "criu"))
            refuse_flag(rep, p, u, "criu", "runs another program as root for checkpoint/restore");
        else if (streq(u->name, "rootless") && !granted(p, "rootless")) {
            if (a->flavour != BRIG_RT_RUNC)
                refuse_flag(rep, p, u, "rootless",
                            "is read by crun 1.8 as the state directory (--root), by runc as a "
                            "cgroup mode: brig cannot tell which applies");
            else if (!streq(u->value, "false") && !streq(u->value, "auto"))
                refuse_flag(rep, p, u, "rootless",
                            "makes runc ignore errors setting the container's cgroup limits");
        }
    }
    bool create = streq(a->cmd, "create") || streq(a->cmd, "run") || streq(a->cmd, "restore");
    for (size_t i = 0; create && i < a->n_sflags; i++) {
        const BrigFlagUse *u = &a->sflags[i];
        if (streq(u->name, "no-pivot") && bool_on(u) && !granted(p, "no-pivot"))
            refuse_flag(rep, p, u, "no-pivot",
                        "keeps the host's root reachable (chroot instead of pivot_root)");
        else if (streq(u->name, "no-new-keyring") && bool_on(u) && !granted(p, "no-new-keyring"))
            refuse_flag(rep, p, u, "no-new-keyring",
                        "shares the caller's session keyring with the container");
    }
    if (!streq(a->cmd, "restore"))
        return;
    if (!p->restore)
        brig_report_refuse(rep, "/argv/restore", NULL,
                           "restoring a checkpoint is not allowed by %s: the image restores "
                           "the process's uid, capabilities and seccomp state, which brig "
                           "never sees; grant it with \"restore\": true",
                           brig_policy_source(p));
    for (size_t i = 0; i < a->n_sflags; i++) {
        const BrigFlagUse *u = &a->sflags[i];
        if (streq(u->name, "lsm-profile") || streq(u->name, "lsm-mount-context")) {
            _cleanup_free_ char *ptr = xasprintf("/argv/--%s", u->name);
            _cleanup_(brig_json_freep) BrigJson *v = brig_json_new_string(u->value);
            brig_report_refuse(rep, ptr, v,
                               "--%s=%s replaces the MAC label brig chose for the container; "
                               "no policy grants it",
                               u->name, u->value);
        }
    }
}

/* ---- update ---- */

/* A number both runtimes read alike: runc's flag package takes "0x10",
 * "010" (octal) and "1_0"; crun pastes the text into JSON unchecked, so
 * "1,\"unified\":{...}" would add keys.  Only plain decimal passes. */
static bool plain_int(const char *s, int64_t *ret)
{
    const char *p = s;
    if (*p == '-')
        p++;
    if (!*p || (p[0] == '0' && p[1]) || strspn(p, "0123456789") != strlen(p) || strlen(p) > 18)
        return false;
    *ret = strtoll(s, NULL, 10);
    return !(s[0] == '-' && *ret == 0);
}

static void check_pids(BrigReport *rep, const BrigPolicy *p, const char *ptr, int64_t v,
                       const char *text)
{
    _cleanup_(brig_json_freep) BrigJson *j = brig_json_new_string(text);
    if (v < 0)
        brig_report_refuse(rep, ptr, j, "update may not turn the pids limit off (%s; %s sets %lld)",
                           text, brig_policy_source(p), (long long)p->pids_limit);
    else if (p->pids_limit > 0 && v > p->pids_limit)
        brig_report_refuse(rep, ptr, j,
                           "update may not raise the pids limit to %lld, above %lld (%s)",
                           (long long)v, (long long)p->pids_limit, brig_policy_source(p));
}

/* The update flags whose value crun writes into JSON as a number. */
static bool numeric_flag(const char *name)
{
    static const char *const n[] = {
        "blkio-weight",  "cpu-period",         "cpu-quota",     "cpu-share",
        "cpu-rt-period", "cpu-rt-runtime",     "kernel-memory", "kernel-memory-tcp",
        "memory",        "memory-reservation", "memory-swap",   "pids-limit",
    };
    for (size_t i = 0; i < ELEMENTSOF(n); i++)
        if (streq(name, n[i]))
            return true;
    return false;
}

static int check_update_flags(const BrigArgv *a, const BrigPolicy *p, BrigReport *rep)
{
    for (size_t i = 0; i < a->n_sflags; i++) {
        const BrigFlagUse *u = &a->sflags[i];
        if (streq(u->name, "resources") || streq(u->name, "help") || !u->value)
            continue;
        _cleanup_free_ char *ptr = xasprintf("/argv/--%s", u->name);
        /* runc keeps the last, crun sends both as duplicate JSON keys and
         * its parser keeps the first: refuse rather than pick one */
        for (size_t k = 0; k < i; k++)
            if (streq(a->sflags[k].name, u->name)) {
                _cleanup_(brig_json_freep) BrigJson *j = brig_json_new_string(u->value);
                brig_report_refuse(rep, ptr, j,
                                   "--%s is given twice; runc uses the last, crun the first",
                                   u->name);
                break;
            }
        int64_t v = 0;
        bool num = plain_int(u->value, &v);
        if (numeric_flag(u->name) && !num &&
            (a->flavour != BRIG_RT_RUNC || streq(u->name, "pids-limit"))) {
            _cleanup_(brig_json_freep) BrigJson *j = brig_json_new_string(u->value);
            brig_report_refuse(rep, ptr, j,
                               "--%s \"%s\" is not a plain decimal number, which %s would not "
                               "read the way brig does",
                               u->name, u->value, brig_flavour_name(a->flavour));
            continue;
        }
        if (streq(u->name, "pids-limit"))
            check_pids(rep, p, ptr, v, u->value);
    }
    return 0;
}

/* Keys in --resources brig lets an update change; a key outside, or one
 * spelt in another case (Go's decoder folds case, crun's does not), is
 * refused.  "unified" writes any cgroup file (pids.max too) and is refused;
 * "devices" is refused for crun, which applies it on update, and let
 * through for runc, which ignores it there (update sets SkipDevices):
 * containerd's CRI plugin sends the container's whole resources object. */
static const char *const res_keys[] = {"memory",  "cpu",  "blockIO", "pids", "hugepageLimits",
                                       "network", "rdma", "devices", NULL};
static const char *const memory_keys[] = {"limit",
                                          "reservation",
                                          "swap",
                                          "kernel",
                                          "kernelTCP",
                                          "swappiness",
                                          "disableOOMKiller",
                                          "useHierarchy",
                                          "checkBeforeUpdate",
                                          NULL};
static const char *const cpu_keys[] = {
    "shares",         "quota", "burst", "period", "realtimeRuntime",
    "realtimePeriod", "cpus",  "mems",  "idle",   NULL};
static const char *const blkio_keys[] = {"weight",
                                         "leafWeight",
                                         "weightDevice",
                                         "throttleReadBpsDevice",
                                         "throttleWriteBpsDevice",
                                         "throttleReadIOPSDevice",
                                         "throttleWriteIOPSDevice",
                                         NULL};
static const char *const pids_keys[] = {"limit", NULL};

static bool in_list(const char *const *l, const char *k)
{
    for (; *l; l++)
        if (streq(*l, k))
            return true;
    return false;
}

static bool check_object(const BrigJson *o, const char *ptr, const char *const *keys,
                         BrigReport *rep)
{
    if (o->type != BRIG_JSON_OBJECT) {
        brig_report_refuse(rep, ptr, o, "expected an object");
        return false;
    }
    bool ok = true;
    for (size_t i = 0; i < o->n; i++) {
        const char *k = o->kids[i]->key;
        _cleanup_free_ char *tok = brig_json_pointer_token(k);
        _cleanup_free_ char *kp = xasprintf("%s/%s", ptr, tok);
        for (size_t j = 0; j < i; j++)
            if (strcasecmp(o->kids[j]->key, k) == 0) {
                brig_report_refuse(rep, kp, NULL,
                                   "\"%s\" appears twice; runc keeps the last, crun the first", k);
                ok = false;
            }
        if (!in_list(keys, k)) {
            brig_report_refuse(rep, kp, NULL,
                               "update may not change \"%s\" (brig allows memory, cpu, blockIO, "
                               "pids, hugepageLimits, network and rdma, with the runtime-spec's "
                               "exact keys)",
                               k);
            ok = false;
        }
    }
    return ok;
}

static void check_resources(const BrigJson *res, const BrigPolicy *p, BrigFlavour fl,
                            BrigReport *rep)
{
    const char *base = "/argv/--resources";
    if (!check_object(res, base, res_keys, rep))
        return;
    const BrigJson *dev = brig_json_get(res, "devices");
    if (dev && dev->type != BRIG_JSON_NULL && fl != BRIG_RT_RUNC)
        brig_report_refuse(rep, "/argv/--resources/devices", NULL,
                           "update may not change the device cgroup: %s applies it, and the "
                           "devices the container may use are decided at create",
                           brig_flavour_name(fl));
    static const struct {
        const char *key;
        const char *const *keys;
    } sub[] = {
        {"memory", memory_keys}, {"cpu", cpu_keys}, {"blockIO", blkio_keys}, {"pids", pids_keys}};
    for (size_t i = 0; i < ELEMENTSOF(sub); i++) {
        const BrigJson *o = brig_json_get(res, sub[i].key);
        _cleanup_free_ char *ptr = xasprintf("%s/%s", base, sub[i].key);
        if (o && o->type != BRIG_JSON_NULL)
            check_object(o, ptr, sub[i].keys, rep);
    }
    const BrigJson *lim = brig_json_get(brig_json_get(res, "pids"), "limit");
    if (!lim)
        return;
    int64_t v;
    if (lim->type != BRIG_JSON_NUMBER || brig_json_to_int64(lim, &v) < 0) {
        brig_report_refuse(rep, "/argv/--resources/pids/limit", lim, "expected an integer");
        return;
    }
    _cleanup_free_ char *text = xasprintf("%lld", (long long)v);
    check_pids(rep, p, "/argv/--resources/pids/limit", v, text);
}

static int read_all(int fd, const char *what, char **ret, size_t *ret_len, BrigError **err)
{
    size_t cap = 4096, len = 0;
    _cleanup_free_ char *buf = xmalloc(cap);
    for (;;) {
        if (len == cap) {
            if (cap >= (1u << 20))
                return brig_error_set(err, EFBIG, "update --resources %s is over 1 MiB", what);
            cap *= 2;
            buf = xrealloc(buf, cap);
        }
        ssize_t n = read(fd, buf + len, cap - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return brig_error_errno(err, errno, "update --resources %s cannot be read", what);
        if (n == 0)
            break;
        len += (size_t)n;
    }
    *ret_len = len;
    *ret = TAKE_PTR(buf);
    return 0;
}

/* The bytes brig checked become the runtime's stdin, and every
 * --resources value "-": the runtime cannot read another file, nor a file
 * changed after the check. */
static int hand_over(BrigArgv *a, const char *buf, size_t len, BrigError **err)
{
    _cleanup_close_ int fd = memfd_create("brig-update-resources", MFD_CLOEXEC);
    if (fd < 0)
        return brig_error_errno(err, errno, "memfd_create");
    for (size_t off = 0; off < len;) {
        ssize_t n = write(fd, buf + off, len - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return brig_error_errno(err, errno, "writing the update resources");
        off += (size_t)n;
    }
    if (lseek(fd, 0, SEEK_SET) < 0 || dup2(fd, 0) < 0)
        return brig_error_errno(err, errno, "handing the update resources to the runtime");
    for (size_t i = 0; i < a->n_sflags; i++) {
        const BrigFlagUse *u = &a->sflags[i];
        if (!streq(u->name, "resources") || !u->value || streq(u->value, "-"))
            continue;
        char *tok = a->argv[u->value_idx];
        char *nv =
            u->value_idx == u->idx ? xasprintf("%.*s-", (int)(u->value - tok), tok) : xstrdup("-");
        size_t n = 0;
        while (a->owned && a->owned[n])
            n++;
        a->owned = xrealloc(a->owned, (n + 2) * sizeof(char *));
        a->owned[n] = nv;
        a->owned[n + 1] = NULL;
        a->argv[u->value_idx] = nv;
    }
    return 0;
}

int brig_argv_check_update(BrigArgv *a, const BrigPolicy *p, BrigReport *rep, BrigError **err)
{
    if (!streq(a->cmd, "update"))
        return 0;
    const char *res = NULL;
    for (size_t i = 0; i < a->n_sflags; i++)
        if (streq(a->sflags[i].name, "resources"))
            res = a->sflags[i].value; /* the last wins in both runtimes */
    if (!res || !*res)                /* runc then reads the flags; crun fails on "" */
        return check_update_flags(a, p, rep);

    _cleanup_free_ char *buf = NULL;
    size_t len = 0;
    int r;
    if (streq(res, "-")) {
        r = read_all(0, "(stdin)", &buf, &len, err);
    } else {
        /* both runtimes open it relative to their cwd, which is brig's */
        _cleanup_close_ int fd = open(res, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        struct stat st;
        if (fd < 0)
            return brig_error_errno(err, errno, "update --resources %s", res);
        if (fstat(fd, &st) < 0 || S_ISDIR(st.st_mode))
            return brig_error_set(err, EINVAL, "update --resources %s is not a file", res);
        r = read_all(fd, res, &buf, &len, err);
    }
    if (r < 0)
        return r;
    _cleanup_(brig_json_freep) BrigJson *j = NULL;
    _cleanup_(brig_error_freep) BrigError *perr = NULL;
    if (brig_json_parse(buf, len, "update --resources", 0, &j, &perr) < 0)
        brig_report_refuse(rep, "/argv/--resources", NULL, "%s", perr->msg);
    else
        check_resources(j, p, a->flavour, rep);
    return hand_over(a, buf, len, err);
}
