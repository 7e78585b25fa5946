/* SPDX-License-Identifier: GPL-2.0-or-later */
/* From learn data to the smallest policy under which the container runs
 * under enforce.  Every grant is a rule of its own with a "reason" naming
 * what the container did that needed it, so an operator can read the
 * policy and cut what they do not want.  Grants that would undo the
 * isolation itself are never written: the container is reported as one
 * that cannot run under enforce, with the operation that needed them. */
#include <linux/capability.h>
#include <stdio.h>

#include "../caps.h"
#include "learn.h"
#include "../record.h"
#include "../seccomp.h"
#include "../seccomp_explain.h"

const int brig_learn_forbidden_caps[] = {
    CAP_SYS_ADMIN, CAP_NET_ADMIN, CAP_SYS_PTRACE, CAP_DAC_READ_SEARCH, CAP_SYS_MODULE, -1,
};

static bool forbidden(int cap)
{
    for (const int *f = brig_learn_forbidden_caps; *f >= 0; f++)
        if (*f == cap)
            return true;
    return false;
}

void brig_learned_done(BrigLearned *l)
{
    brig_json_free(l->policy);
    brig_json_free(l->seccomp);
    strv_free(l->blockers);
    *l = (BrigLearned){0};
}

static void block(BrigLearned *l, char *msg)
{
    size_t n = 0;
    while (l->blockers && l->blockers[n])
        n++;
    l->blockers = xrealloc(l->blockers, (n + 2) * sizeof(char *));
    l->blockers[n] = msg;
    l->blockers[n + 1] = NULL;
}

static const char *str(const BrigJson *o, const char *key)
{
    const char *s = brig_json_str(brig_json_get(o, key));
    return s ? s : "?";
}

/* "chown(\"/data/f\") by sh (pid 12)" */
static char *who(const BrigJson *e)
{
    int64_t pid = 0;
    brig_json_to_int64(brig_json_get(e, "pid"), &pid);
    return xasprintf("%s by %s (pid %lld)", str(e, "op"), str(e, "comm"), (long long)pid);
}

static void rule(BrigJson *rules, const char *id_glob, const char *name, const char *reason,
                 BrigJson *allow)
{
    BrigJson *r = brig_json_new(BRIG_JSON_OBJECT);
    brig_json_set(r, "name", brig_json_new_string(name));
    BrigJson *m = brig_json_new(BRIG_JSON_OBJECT), *ids = brig_json_new(BRIG_JSON_ARRAY);
    brig_json_append(ids, brig_json_new_string(id_glob));
    brig_json_set(m, "ids", ids);
    brig_json_set(r, "match", m);
    brig_json_set(r, "reason", brig_json_new_string(reason));
    brig_json_set(r, "allow", allow);
    brig_json_append(rules, r);
}

static BrigJson *one(const char *key, BrigJson *value)
{
    BrigJson *a = brig_json_new(BRIG_JSON_OBJECT);
    brig_json_set(a, key, value);
    return a;
}

static BrigJson *strv1(const char *s)
{
    BrigJson *a = brig_json_new(BRIG_JSON_ARRAY);
    brig_json_append(a, brig_json_new_string(s));
    return a;
}

static bool below(const char *path, const char *dir)
{
    if (streq(dir, "/"))
        return true;
    size_t l = strlen(dir);
    return strncmp(path, dir, l) == 0 && (path[l] == '\0' || path[l] == '/');
}

/* JSON pointer token back to its text (RFC 6901: ~1 is /, ~0 is ~). */
static char *unescape_token(const char *t)
{
    char *out = xmalloc(strlen(t) + 1), *o = out;
    for (; *t; t++) {
        if (t[0] == '~' && t[1] == '1')
            *o++ = '/', t++;
        else if (t[0] == '~' && t[1] == '0')
            *o++ = '~', t++;
        else
            *o++ = *t;
    }
    *o = '\0';
    return out;
}

/* What enforce refused (the container would not start) or changed in a
 * way a grant undoes. */
static void enforce_grants(const BrigJson *data, BrigJson *rules, const char *id_glob,
                           BrigLearned *l)
{
    const BrigJson *e;
    BRIG_JSON_FOREACH (e, brig_json_get(data, "enforce")) {
        const char *kind = str(e, "kind"), *ptr = str(e, "pointer"), *why = str(e, "reason");
        if (startswith(ptr, "/linux/sysctl/")) {
            _cleanup_free_ char *key = unescape_token(ptr + strlen("/linux/sysctl/"));
            _cleanup_free_ char *name = xasprintf("learned: sysctl %s", key);
            _cleanup_free_ char *reason =
                xasprintf("the engine set sysctl %s, which enforce %s: %s", key,
                          streq(kind, "refuse") ? "refuses" : "removes", why);
            rule(rules, id_glob, name, reason, one("sysctls", strv1(key)));
        } else if (streq(kind, "refuse")) {
            /* anything else enforce refuses is a grant of another kind
             * (host namespace, host path, device, hook, runtime flag):
             * brig learned writes none of them */
            block(l, xasprintf("%s: %s (enforce refuses it; brig learned grants no host "
                               "namespace, host path, device, hook or runtime flag)",
                               ptr, why));
        }
    }
}

static void cap_grants(const BrigJson *data, BrigJson *rules, const char *id_glob, BrigLearned *l,
                       uint64_t *ret_caps)
{
    const BrigJson *e;
    BRIG_JSON_FOREACH (e, brig_json_get(data, "capabilities")) {
        const char *name = str(e, "name");
        int cap = brig_cap_from_name(name);
        _cleanup_free_ char *w = who(e);
        if (cap < 0) {
            block(l, xasprintf("%s: unknown capability in the learn data", name));
            continue;
        }
        if (forbidden(cap)) {
            block(l, xasprintf("%s: needed by %s; brig never grants it (it undoes the "
                               "container's isolation)",
                               name, w));
            continue;
        }
        *ret_caps |= UINT64_C(1) << cap;
        _cleanup_free_ char *rn = xasprintf("learned: %s", name);
        _cleanup_free_ char *reason = xasprintf("%s", w);
        rule(rules, id_glob, rn, reason, one("capabilities", strv1(name)));
    }
}

static bool listed_below(const BrigJson *list, const char *path)
{
    const BrigJson *e;
    BRIG_JSON_FOREACH (e, list) {
        const char *c = brig_json_str(e);
        if (c && below(path, c))
            return true;
    }
    return false;
}

static bool has_rule(const BrigJson *rules, const char *name)
{
    const BrigJson *r;
    BRIG_JSON_FOREACH (r, rules)
        if (streq(str(r, "name"), name))
            return true;
    return false;
}

/* Whether `dir` is strictly below one of the candidate directories. */
static bool below_another(const char *const *dirs, size_t n, const char *dir)
{
    for (size_t i = 0; i < n; i++)
        if (!streq(dirs[i], dir) && below(dir, dirs[i]))
            return true;
    return false;
}

/* A tmpfs at each directory it writes in, except those it made itself
 * (below a tmpfs, what it makes is its own), and those below another such
 * directory: that tmpfs is a copy of the image's subtree, which holds them
 * with the owners and modes the image gives them, as a tmpfs of their own
 * would (the rootfs pass gives a root process the image directory's owner).
 * The outer rule's reason names what it covers. */
static void write_grants(const BrigJson *data, BrigJson *rules, const char *id_glob)
{
    const BrigJson *writes = brig_json_get(data, "writes"), *e;
    const BrigJson *created = brig_json_get(data, "created");
    size_t n = 0, cap = writes && writes->type == BRIG_JSON_ARRAY ? writes->n : 0;
    _cleanup_free_ const char **dirs = xcalloc(cap + 1, sizeof(char *));
    _cleanup_free_ const BrigJson **first = xcalloc(cap + 1, sizeof(BrigJson *));
    BRIG_JSON_FOREACH (e, writes) {
        const char *dir = str(e, "dir");
        if (streq(dir, "/")) {
            /* a tmpfs cannot be mounted over / itself: the last resort */
            if (has_rule(rules, "learned: writable root filesystem"))
                continue;
            _cleanup_free_ char *w = who(e);
            _cleanup_free_ char *reason =
                xasprintf("%s writes in the root directory itself, where no tmpfs can go", w);
            rule(rules, id_glob, "learned: writable root filesystem", reason,
                 one("writableRootfs", brig_json_new_bool(true)));
            continue;
        }
        if (listed_below(created, dir))
            continue;
        bool seen = false;
        for (size_t i = 0; i < n && !seen; i++)
            seen = streq(dirs[i], dir);
        if (!seen && n < cap) {
            dirs[n] = dir;
            first[n++] = e;
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (below_another(dirs, n, dirs[i]))
            continue;
        _cleanup_free_ char *covered = NULL;
        size_t n_covered = 0;
        for (size_t k = 0; k < n; k++) {
            if (k == i || !below(dirs[k], dirs[i]))
                continue;
            if (++n_covered > 3)
                continue;
            char *c = xasprintf("%s%s%s", covered ? covered : "", covered ? ", " : "", dirs[k]);
            free(covered);
            covered = c;
        }
        _cleanup_free_ char *rn = xasprintf("learned: writable %s", dirs[i]);
        _cleanup_free_ char *w = who(first[i]);
        _cleanup_free_ char *more =
            n_covered > 3 ? xasprintf(" and %zu more", n_covered - 3) : xstrdup("");
        _cleanup_free_ char *reason =
            covered ? xasprintf("%s writes in %s, and in %s%s below it, which its copy holds", w,
                                dirs[i], covered, more)
                    : xasprintf("%s writes in %s", w, dirs[i]);
        rule(rules, id_glob, rn, reason, one("writablePaths", strv1(dirs[i])));
    }
}

/* A file of the image it writes keeps its owner (a copied-up tmpfs keeps
 * owners); written by another uid than the one it runs as under enforce,
 * that takes CAP_DAC_OVERRIDE. */
static void overwrite_grant(const BrigJson *data, BrigJson *rules, const char *id_glob, bool root)
{
    uint64_t uid = 65534;
    brig_json_to_uint64(brig_json_get(data, "enforceUid"), &uid);
    if (root)
        uid = 0;
    const BrigJson *e;
    BRIG_JSON_FOREACH (e, brig_json_get(data, "overwrites")) {
        uint64_t owner = 0, mode = 0;
        brig_json_to_uint64(brig_json_get(e, "owner"), &owner);
        brig_json_to_uint64(brig_json_get(e, "mode"), &mode);
        if (owner == uid || (mode & 02) || has_rule(rules, "learned: CAP_DAC_OVERRIDE"))
            continue;
        _cleanup_free_ char *w = who(e);
        _cleanup_free_ char *reason =
            xasprintf("%s writes %s, which the image has owned by uid %llu mode %04llo (it "
                      "runs as uid %llu)",
                      w, str(e, "path"), (unsigned long long)owner, (unsigned long long)mode,
                      (unsigned long long)uid);
        rule(rules, id_glob, "learned: CAP_DAC_OVERRIDE", reason,
             one("capabilities", strv1("CAP_DAC_OVERRIDE")));
    }
}

/* Whether the identity passes a check: the kernel uses the owner's bits
 * for the owner, the group's for a member, the others' for the rest. */
static bool dac_permits(uint64_t uid, uint64_t gid, const BrigJson *groups, const BrigJson *e)
{
    uint64_t owner = 0, group = 0, mode = 0, need = 7;
    brig_json_to_uint64(brig_json_get(e, "owner"), &owner);
    brig_json_to_uint64(brig_json_get(e, "group"), &group);
    brig_json_to_uint64(brig_json_get(e, "mode"), &mode);
    brig_json_to_uint64(brig_json_get(e, "need"), &need);
    bool member = gid == group;
    const BrigJson *g;
    BRIG_JSON_FOREACH (g, groups) {
        uint64_t v;
        if (brig_json_to_uint64(g, &v) == 0 && v == group)
            member = true;
    }
    uint64_t bits = uid == owner ? (mode >> 6) & 7 : member ? (mode >> 3) & 7 : mode & 7;
    return (bits & need) == need;
}

/* "openat(\"/etc/x\") by sh (pid 1) reads /etc/x, which the image has owned
 * by uid 0 gid 0 mode 0600" */
static char *access_text(const BrigJson *e)
{
    uint64_t owner = 0, group = 0, mode = 0;
    brig_json_to_uint64(brig_json_get(e, "owner"), &owner);
    brig_json_to_uint64(brig_json_get(e, "group"), &group);
    brig_json_to_uint64(brig_json_get(e, "mode"), &mode);
    _cleanup_free_ char *w = who(e);
    return xasprintf("%s %s %s, which the image has owned by uid %llu gid %llu mode %04llo", w,
                     str(e, "what"), str(e, "path"), (unsigned long long)owner,
                     (unsigned long long)group, (unsigned long long)mode);
}

/* The permission checks a root caller passed (observe.c), judged for the
 * identity the process has under enforce.  A check that only root's own
 * uid or gid passes (a file of root's, 0600) keeps uid 0, when it ran as
 * root: root's uid without capabilities reaches root's files only,
 * CAP_DAC_OVERRIDE every file.  A check that needs another user's rights
 * takes CAP_DAC_OVERRIDE, which then passes root's files too, so no uid 0
 * is kept for them.  Returns whether the process runs as root. */
/* Whether a grant of writablePaths names exactly `path`. */
static bool writable_path(const BrigJson *rules, const char *path)
{
    const BrigJson *r, *p;
    BRIG_JSON_FOREACH (r, rules)
        BRIG_JSON_FOREACH (p, brig_json_get(brig_json_get(r, "allow"), "writablePaths"))
            if (streq(brig_json_str(p), path))
                return true;
    return false;
}

/* A check under enforce.  The tmpfs of a writable path belongs to a
 * non-root process, with its owner's rwx (lib/passes/rootfs.c); to a root
 * one it is as the image has it, as is everything copied into it. */
static bool enforce_permits(const BrigJson *rules, uint64_t uid, uint64_t gid,
                            const BrigJson *groups, const BrigJson *e)
{
    if (uid != 0 && writable_path(rules, str(e, "path")))
        return true;
    return dac_permits(uid, gid, groups, e);
}

static bool access_grants(const BrigJson *data, BrigJson *rules, const char *id_glob, bool root)
{
    const BrigJson *acc = brig_json_get(data, "access");
    uint64_t uid = 65534, gid = 65534;
    brig_json_to_uint64(brig_json_get(data, "enforceUid"), &uid);
    brig_json_to_uint64(brig_json_get(data, "enforceGid"), &gid);
    const BrigJson *groups = brig_json_get(data, "enforceGroups");
    if (root)
        uid = gid = 0;
    const BrigJson *e, *for_root = NULL, *for_cap = NULL;
    BRIG_JSON_FOREACH (e, acc) {
        if (enforce_permits(rules, uid, gid, groups, e))
            continue;
        if (!root && enforce_permits(rules, 0, 0, groups, e)) {
            if (!for_root)
                for_root = e;
        } else if (!for_cap) {
            for_cap = e;
        }
    }
    if (for_cap || (for_root && !brig_json_is_true(brig_json_get(data, "ranAsRoot")))) {
        if (!for_cap)
            for_cap = for_root;
        _cleanup_free_ char *t = access_text(for_cap);
        _cleanup_free_ char *reason = xasprintf(
            "%s: as uid %llu gid %llu under enforce it would fail the kernel's permission check", t,
            (unsigned long long)uid, (unsigned long long)gid);
        if (!has_rule(rules, "learned: CAP_DAC_OVERRIDE"))
            rule(rules, id_glob, "learned: CAP_DAC_OVERRIDE", reason,
                 one("capabilities", strv1("CAP_DAC_OVERRIDE")));
        return root;
    }
    if (!for_root)
        return root;
    _cleanup_free_ char *t = access_text(for_root);
    _cleanup_free_ char *reason =
        xasprintf("%s: only root's uid or gid passes that check (root's uid without capabilities "
                  "is a smaller grant than CAP_DAC_OVERRIDE)",
                  t);
    BrigJson *u = brig_json_new(BRIG_JSON_OBJECT);
    brig_json_set(u, "uid", brig_json_new_uint(0));
    brig_json_set(u, "gid", brig_json_new_uint(0));
    rule(rules, id_glob, "learned: root", reason, one("user", u));
    return true;
}

/* Root is kept only for a program that switches to users of its own
 * choosing (a daemon dropping privileges): started as the policy's
 * non-root user it would run as that user, not as the one it chose, and
 * the files of that user in the image would not be its own. */
static bool user_grant(const BrigJson *data, BrigJson *rules, const char *id_glob)
{
    if (!brig_json_is_true(brig_json_get(data, "ranAsRoot")))
        return false;
    const BrigJson *sw = brig_json_get(data, "uidSwitches");
    if (!sw || sw->type != BRIG_JSON_ARRAY || sw->n == 0)
        return false;
    _cleanup_free_ char *w = who(sw->kids[0]);
    _cleanup_free_ char *reason =
        xasprintf("started as root and switched to uid %s itself (%s): it chooses its own user",
                  str(sw->kids[0], "uid"), w);
    BrigJson *u = brig_json_new(BRIG_JSON_OBJECT);
    brig_json_set(u, "uid", brig_json_new_uint(0));
    brig_json_set(u, "gid", brig_json_new_uint(0));
    rule(rules, id_glob, "learned: root", reason, one("user", u));
    return true;
}

/* The default profile, resolved for the capabilities granted, must allow
 * every call it denied for none; otherwise the recorded profile. */
static int seccomp_grant(const BrigJson *data, uint64_t caps, BrigJson *rules, const char *id_glob,
                         const char *seccomp_path, BrigLearned *l, BrigError **err)
{
    const BrigJson *nd = brig_json_get(data, "notDefault"), *e;
    if (!nd || nd->type != BRIG_JSON_ARRAY || nd->n == 0)
        return 0;
    _cleanup_(brig_json_freep) BrigJson *def = NULL;
    int r = brig_seccomp_default_resolved(caps, seccomp_arch_native(), false, &def, err);
    if (r < 0)
        return r;
    _cleanup_(brig_sim_freep) BrigSim *sim = NULL;
    r = brig_sim_new(def, &sim, err);
    if (r < 0)
        return r;
    _cleanup_free_ char *denied = NULL;
    _cleanup_(brig_json_freep) BrigJson *dn = brig_json_new(BRIG_JSON_ARRAY);
    BRIG_JSON_FOREACH (e, nd) {
        uint64_t arch = 0, args[6] = {0};
        int64_t nr = -1;
        brig_json_to_uint64(brig_json_get(e, "arch"), &arch);
        brig_json_to_int64(brig_json_get(e, "nr"), &nr);
        const BrigJson *a = brig_json_get(e, "args");
        for (size_t i = 0; a && a->type == BRIG_JSON_ARRAY && i < a->n && i < 6; i++)
            brig_json_to_uint64(a->kids[i], &args[i]);
        uint32_t act = brig_sim_action(sim, (uint32_t)arch, (int)nr, args);
        if ((act & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_ALLOW)
            continue;
        if (brig_json_array_has_string(dn, str(e, "syscall")))
            continue;
        brig_json_append(dn, brig_json_new_string(str(e, "syscall")));
        int64_t pid = 0;
        brig_json_to_int64(brig_json_get(e, "pid"), &pid);
        char *n = xasprintf("%s%s%s by %s (pid %lld)", denied ? denied : "", denied ? ", " : "",
                            str(e, "syscall"), str(e, "comm"), (long long)pid);
        free(denied);
        denied = n;
    }
    if (!denied)
        return 0;
    /* the recorded profile: what the container called, brig's argument
     * tests kept where the default filters a call's arguments, except for
     * the calls those tests denied (they would deny them again) */
    const BrigJson *sys = brig_json_get(data, "syscalls");
    size_t n = sys ? sys->n : 0;
    _cleanup_free_ char **names = xcalloc(n + 1, sizeof(char *));
    _cleanup_free_ char **keep = xcalloc(n + 1, sizeof(char *));
    size_t nk = 0;
    for (size_t i = 0; i < n; i++) {
        names[i] = (char *)brig_json_str(sys->kids[i]);
        if (brig_record_conditional(def, names[i]) && !brig_json_array_has_string(dn, names[i]))
            keep[nk++] = names[i];
    }
    l->seccomp = brig_record_result_profile(names, n, NULL, 0, def, keep, nk);
    _cleanup_free_ char *reason = xasprintf(
        "brig's default profile denies what it called: %s; this profile allows what it called "
        "during learning",
        denied);
    rule(rules, id_glob, "learned: seccomp profile", reason,
         one("seccompProfile", brig_json_new_string(seccomp_path)));
    return 0;
}

int brig_learned_policy(const BrigJson *data, const char *id_glob, const char *seccomp_path,
                        BrigLearned *ret, BrigError **err)
{
    *ret = (BrigLearned){0};
    uint64_t v = 0;
    if (!data || data->type != BRIG_JSON_OBJECT ||
        brig_json_to_uint64(brig_json_get(data, "version"), &v) < 0 || v != BRIG_LEARN_VERSION)
        return brig_error_set(err, EINVAL, "not learn data of version %d", BRIG_LEARN_VERSION);
    if (!brig_json_is_true(brig_json_get(data, "ran")))
        return brig_error_set(err, ENOENT,
                              "container %s never ran its program in learn mode (it did not "
                              "start, or no process of its made a system call brig saw): nothing "
                              "to learn from",
                              str(data, "id"));
    _cleanup_(brig_learned_done) BrigLearned l = {0};
    _cleanup_(brig_json_freep) BrigJson *pol = brig_json_new(BRIG_JSON_OBJECT);
    brig_json_set(pol, "version", brig_json_new_int(1));
    brig_json_set(pol, "mode", brig_json_new_string("enforce"));
    BrigJson *rules = brig_json_new(BRIG_JSON_ARRAY);
    brig_json_set(pol, "rules", rules);
    uint64_t caps = 0;
    enforce_grants(data, rules, id_glob, &l);
    cap_grants(data, rules, id_glob, &l, &caps);
    bool root = user_grant(data, rules, id_glob);
    write_grants(data, rules, id_glob);
    /* learn data of before the permission checks were recorded: only its
     * overwrites tell */
    if (brig_json_get(data, "access"))
        root = access_grants(data, rules, id_glob, root);
    else
        overwrite_grant(data, rules, id_glob, root);
    (void)root;
    if (!l.blockers) {
        int r = seccomp_grant(data, caps, rules, id_glob, seccomp_path, &l, err);
        if (r < 0)
            return r;
        l.policy = TAKE_PTR(pol);
    }
    *ret = l;
    l = (BrigLearned){0};
    return 0;
}
