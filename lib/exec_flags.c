/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Inline `exec` flags get the treatment the process file gets (DESIGN §3
 * "Exec"): `runc exec --cap CAP_SYS_ADMIN -u 0 ID sh` must not regain what
 * create took away.
 *
 * Only the flags between "exec" and the container id are looked at: exec
 * is not reordered (runc's SkipArgReorder), so everything after the id is
 * the command to run and is never touched.  Tokens are removed or replaced
 * one for one; nothing else in argv moves except by the removed count. */
#include <ctype.h>
#include <stdio.h>
#include <strings.h>

#include "caps.h"
#include "context.h"
#include "runtime.h"
#include "userns/mapping.h"

typedef struct ExecFlag {
    int start;         /* index of the flag token */
    int ntok;          /* 1 ("--cap=X", "--tty") or 2 ("--cap X") */
    char name[32];     /* without dashes, "=value" cut */
    const char *value; /* NULL for a bool without "=" */
} ExecFlag;

/* Reads the flag at argv[i] the way Go's flag package does; false at the end
 * of the flags (a word, "--", bad syntax, or a value flag missing its value). */
static bool read_flag(const BrigArgv *a, int i, int end, ExecFlag *f)
{
    const char *s = a->argv[i];
    if (s[0] != '-' || s[1] == '\0')
        return false;
    const char *name = s + 1 + (s[1] == '-');
    if (*name == '\0' || *name == '-' || *name == '=')
        return false;
    size_t len = strcspn(name, "=");
    if (len >= sizeof(f->name))
        len = sizeof(f->name) - 1; /* longer than any known flag: stays unknown */
    *f = (ExecFlag){.start = i, .ntok = 1, .value = name[len] == '=' ? name + len + 1 : NULL};
    memcpy(f->name, name, len);
    f->name[len] = '\0';
    if (!f->value && brig_flag_takes_value("exec", f->name)) {
        if (i + 1 >= end)
            return false;
        f->value = a->argv[i + 1];
        f->ntok = 2;
    }
    return true;
}

static bool flag_is(const ExecFlag *f, const char *lng, const char *shrt)
{
    return streq(f->name, lng) || (shrt && streq(f->name, shrt));
}

/* How each runtime reads one id of --user / --additional-gids; false when
 * the runtime would fail on it (then brig refuses: rewriting it into a valid
 * id would run what the runtime would not).  The result is what the kernel
 * gets: the runtimes keep 32 bits of a wider number. */

/* Go's strconv.Atoi / ParseInt(s, 10, 64): optional sign, decimal digits,
 * nothing else (no space, no "0x"), within int64; runc then casts to
 * uint32, so 4294967296 is 0 and -1 is 4294967295. */
static bool go_atoi(const char *s, size_t len, uint32_t *ret, bool *ret_negative)
{
    size_t i = 0;
    bool neg = false;
    if (len > 0 && (s[0] == '+' || s[0] == '-'))
        neg = s[i++] == '-';
    if (i == len)
        return false;
    unsigned __int128 v = 0;
    for (; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (unsigned)(s[i] - '0');
        if (v > ((unsigned __int128)1 << 63))
            return false;
    }
    if (!neg && v > (unsigned __int128)INT64_MAX)
        return false;
    uint64_t u = (uint64_t)v;
    *ret = (uint32_t)(neg ? (uint64_t)0 - u : u);
    if (ret_negative)
        *ret_negative = neg && u != 0;
    return true;
}

/* crun's strtol(s, &end, 10): leading white space, a sign, digits, stopping
 * at the first other byte; no digits at all is 0 ("" and ":" are root).
 * ERANGE (beyond long) makes crun fail.  *ret_end is where it stopped (s when
 * there were no digits, as strtol sets it). */
static bool c_strtol(const char *s, uint32_t *ret, const char **ret_end)
{
    const char *p = s;
    while (*p == ' ' || (*p >= '\t' && *p <= '\r'))
        p++;
    bool neg = false;
    if (*p == '+' || *p == '-')
        neg = *p++ == '-';
    if (*p < '0' || *p > '9') {
        *ret = 0;
        *ret_end = s;
        return true;
    }
    unsigned __int128 v = 0;
    for (; *p >= '0' && *p <= '9'; p++) {
        v = v * 10 + (unsigned)(*p - '0');
        if (v > ((unsigned __int128)1 << 63))
            return false;
    }
    if (!neg && v > (unsigned __int128)INT64_MAX)
        return false;
    uint64_t u = (uint64_t)v;
    *ret = (uint32_t)(neg ? (uint64_t)0 - u : u);
    *ret_end = p;
    return true;
}

/* What --user VALUE means to the runtime.  has_gid false: the runtime takes
 * the gid from elsewhere (runc: the config's; brig then names the policy's). */
typedef struct UserSpec {
    bool set; /* false: the runtime ignores the flag (runc with "") */
    uint32_t uid, gid;
    bool has_gid;
} UserSpec;

static bool canonical_id(const char *s, size_t len, uint32_t *ret)
{
    if (len == 0 || len > 10 || (s[0] == '0' && len > 1) || strspn(s, "0123456789") < len)
        return false;
    uint64_t v = strtoull(s, NULL, 10);
    if (v > UINT32_MAX)
        return false;
    *ret = (uint32_t)v;
    return true;
}

static bool parse_user(BrigFlavour fl, const char *v, UserSpec *ret)
{
    *ret = (UserSpec){0};
    const char *colon = strchr(v, ':');
    size_t ulen = colon ? (size_t)(colon - v) : strlen(v);
    switch (fl) {
    case BRIG_RT_RUNC:
        if (!*v)
            return true; /* context.String("user") == "": no override */
        ret->set = true;
        if (colon && !go_atoi(colon + 1, strlen(colon + 1), &ret->gid, NULL))
            return false;
        ret->has_gid = colon != NULL;
        return go_atoi(v, ulen, &ret->uid, NULL);
    case BRIG_RT_CRUN: {
        const char *end;
        ret->set = ret->has_gid = true; /* crun allocates the user zeroed: gid 0 */
        if (!c_strtol(v, &ret->uid, &end))
            return false;
        if (*end == '\0')
            return true;
        if (*end != ':' || !c_strtol(end + 1, &ret->gid, &end))
            return false;
        return *end == '\0';
    }
    default:
        /* a runtime brig does not know: only what every parser reads alike */
        ret->set = true;
        ret->has_gid = colon != NULL;
        return canonical_id(v, ulen, &ret->uid) &&
               (!colon || canonical_id(colon + 1, strlen(colon + 1), &ret->gid));
    }
}

/* uid/gid 0 is root; (uint32_t)-1 is "leave unchanged" to setresuid(2),
 * which keeps the runtime's own root. */
static bool root_like(uint32_t id)
{
    return id == 0 || id == UINT32_MAX;
}

typedef struct Rewriter {
    BrigArgv *a;
    const BrigPolicy *policy;
    BrigFlavour flavour;
    BrigReport *rep;
    UserSpec user; /* the last --user, as the runtime reads it */
    const char *user_raw;
    int user_count;
    bool user_bad;
    int user_at; /* the slot in out reserved for brig's --user */
    char **out;  /* the new argv */
    int n;
    bool apply;           /* enforce mode: change argv; otherwise only record */
    const BrigUserns *ns; /* the container's user namespace, NULL: ids are the host's */
    const BrigHost *host; /* the host's system groups; NULL: none known */
} Rewriter;

/* How an id of the exec is judged inside the container's user namespace,
 * as the user pass judges create's: root in the container or on the host
 * becomes the policy's id if the namespace maps it to a host id other than
 * 0, else the nearest such id; an id the namespace does not map is refused
 * (the runtime could not switch to it). */
typedef enum { ID_KEEP, ID_REPLACE, ID_UNMAPPED, ID_NO_SUBSTITUTE } IdVerdict;

static IdVerdict judge_mapped(const BrigIdMap *map, const BrigPolicy *p, uint32_t id, uint32_t want,
                              bool chosen, uint32_t *ret_to, uint32_t *ret_host)
{
    uint32_t host = 0;
    bool mapped = brig_idmap_to_host(map, id, &host);
    *ret_host = host;
    if (mapped && ((id != 0 && host != 0) || p->allow_root))
        return ID_KEEP;
    /* an id brig names (the caller gave none) is the policy's, made a
     * mapped one like a substitute */
    if (!mapped && !root_like(id) && !chosen)
        return p->allow_root ? ID_KEEP : ID_UNMAPPED;
    if (p->allow_root && !chosen)
        return ID_KEEP; /* (uint32_t)-1, root_like: as without a namespace */
    if (brig_idmap_pick(map, want, ret_to)) {
        brig_idmap_to_host(map, *ret_to, ret_host);
        return ID_REPLACE;
    }
    /* a one-id namespace (runc spec --rootless): container root, when it is
     * not host root, is the only identity there is */
    uint32_t root_host;
    if ((id == 0 || chosen) && brig_idmap_to_host(map, 0, &root_host) && root_host != 0) {
        *ret_to = 0;
        *ret_host = root_host;
        return id == 0 ? ID_KEEP : ID_REPLACE;
    }
    return ID_NO_SUBSTITUTE;
}

static void keep(Rewriter *w, const ExecFlag *f)
{
    for (int k = 0; k < f->ntok; k++)
        w->out[w->n++] = w->a->argv[f->start + k];
}

static void record(Rewriter *w, const char *flag, const char *before, const char *after,
                   const char *reason)
{
    _cleanup_free_ char *ptr = xasprintf("/argv/--%s", flag);
    _cleanup_(brig_json_freep) BrigJson *b = before ? brig_json_new_string(before) : NULL;
    _cleanup_(brig_json_freep) BrigJson *af = after ? brig_json_new_string(after) : NULL;
    brig_report_fix(w->rep, ptr, b, af, "%s", reason);
}

static char *own(BrigArgv *a, char *s)
{
    size_t n = 0;
    while (a->owned && a->owned[n])
        n++;
    a->owned = xrealloc(a->owned, (n + 2) * sizeof(char *));
    a->owned[n] = s;
    a->owned[n + 1] = NULL;
    return s;
}

/* Replaces the flag's value, keeping its spelling ("-u 0" stays two tokens,
 * "--user=0" one). */
static void replace_value(Rewriter *w, const ExecFlag *f, const char *value)
{
    if (!w->apply) {
        keep(w, f);
        return;
    }
    if (f->ntok == 2) {
        w->out[w->n++] = w->a->argv[f->start];
        w->out[w->n++] = own(w->a, xstrdup(value));
    } else {
        const char *tok = w->a->argv[f->start];
        size_t prefix = (size_t)(f->value - tok);
        w->out[w->n++] = own(w->a, xasprintf("%.*s%s", (int)prefix, tok, value));
    }
}

static void drop(Rewriter *w, const ExecFlag *f)
{
    if (!w->apply)
        keep(w, f);
}

static void do_cap(Rewriter *w, const ExecFlag *f)
{
    const char *v = f->value;
    /* Spelling is the runtime's business ("sys_admin" may fail there); the
     * policy decision must not depend on it. */
    _cleanup_free_ char *full =
        strncasecmp(v, "CAP_", 4) == 0 ? xstrdup(v) : xasprintf("CAP_%s", v);
    for (char *p = full; *p; p++)
        *p = (char)toupper((unsigned char)*p);
    int n = brig_cap_from_name(full);
    if (n >= 0 && (w->policy->caps_allowed >> n) & 1) {
        keep(w, f);
        return;
    }
    _cleanup_free_ char *why = n < 0 ? xasprintf("unknown capability \"%s\" removed", v)
                                     : xasprintf("capability %s is not allowed by %s", full,
                                                 brig_policy_source(w->policy));
    record(w, "cap", v, NULL, why);
    drop(w, f);
}

static void refuse_value(Rewriter *w, const ExecFlag *f, const char *flag, const char *why)
{
    _cleanup_free_ char *ptr = xasprintf("/argv/--%s", flag);
    _cleanup_(brig_json_freep) BrigJson *v = brig_json_new_string(f->value);
    brig_report_refuse(w->rep, ptr, v, "%s", why);
}

/* Every --user is read as the runtime reads it; the last one counts (Go's
 * flag package and crun's option loop both overwrite).  All are removed and
 * the outcome sent once, explicit, after the loop. */
static void do_user(Rewriter *w, const ExecFlag *f)
{
    UserSpec u;
    if (!parse_user(w->flavour, f->value, &u)) {
        _cleanup_free_ char *why =
            w->flavour == BRIG_RT_RUNC || w->flavour == BRIG_RT_CRUN
                ? xasprintf("%s would refuse --user \"%s\"; write UID:GID in decimal",
                            brig_flavour_name(w->flavour), f->value)
                : xasprintf("--user \"%s\": brig cannot tell how this runtime reads it "
                            "(neither runc nor crun by its --version); write UID:GID in plain "
                            "decimal, or name runc or crun in the policy's \"runtime\"",
                            f->value);
        refuse_value(w, f, "user", why);
        w->user_bad = true;
        return;
    }
    w->user = u;
    w->user_raw = f->value;
    w->user_count++;
    drop(w, f);
}

/* runc: -g N, an int64 in decimal, negative refused, kept as 32 bits.
 * crun 1.8 has no such flag (argp fails on it). */
static void do_gid(Rewriter *w, const ExecFlag *f)
{
    uint32_t g;
    bool neg = false;
    bool ok = w->flavour == BRIG_RT_RUNC ? go_atoi(f->value, strlen(f->value), &g, &neg) && !neg
                                         : canonical_id(f->value, strlen(f->value), &g);
    if (!ok) {
        _cleanup_free_ char *why =
            xasprintf("--additional-gids \"%s\" is not a group id %s reads the way brig does; "
                      "write it in plain decimal",
                      f->value, brig_flavour_name(w->flavour));
        refuse_value(w, f, "additional-gids", why);
        return;
    }
    _cleanup_free_ char *canon = xasprintf("%u", g);
    if (w->ns) {
        uint32_t host = 0;
        bool mapped = brig_idmap_to_host(&w->ns->gids, g, &host);
        if (!mapped && !root_like(g) && !w->policy->allow_root) {
            _cleanup_free_ char *why = xasprintf(
                "supplementary group %u is not mapped by the container's gid_map; the runtime "
                "could not set it",
                g);
            refuse_value(w, f, "additional-gids", why);
            return;
        }
        if (mapped && host == 0 && g != 0 && !w->policy->allow_root) {
            _cleanup_free_ char *why =
                xasprintf("supplementary group %u is host gid 0 through the container's gid_map, "
                          "which %s does not allow",
                          g, brig_policy_source(w->policy));
            record(w, "additional-gids", f->value, NULL, why);
            drop(w, f);
            return;
        }
    }
    uint32_t hg = g;
    if (w->ns)
        (void)brig_idmap_to_host(&w->ns->gids, g, &hg);
    const char *sys =
        root_like(g) || hg == 0 ? NULL : brig_host_group_refused(w->host, w->policy, hg);
    if (sys) {
        _cleanup_free_ char *why =
            xasprintf("supplementary group %u is the host's group \"%s\" (%u), which %s does not "
                      "grant (hostGroups would)",
                      g, sys, hg, brig_policy_source(w->policy));
        record(w, "additional-gids", f->value, NULL, why);
        drop(w, f);
        return;
    }
    if (!w->policy->allow_root && root_like(g)) {
        _cleanup_free_ char *why =
            xasprintf("supplementary group %s (the runtime reads %u) is not allowed by %s",
                      f->value, g, brig_policy_source(w->policy));
        record(w, "additional-gids", f->value, NULL, why);
        drop(w, f);
        return;
    }
    if (streq(canon, f->value)) {
        keep(w, f);
        return;
    }
    _cleanup_free_ char *why =
        xasprintf("\"%s\" is group %s to the runtime; brig sends it as such", f->value, canon);
    record(w, "additional-gids", f->value, canon, why);
    replace_value(w, f, canon);
}

/* The container's AppArmor profile and SELinux label are brig's choice at
 * create; whoever calls exec does not get to pick another one. */
/* --cgroup [CONTROLLERS:]PATH puts the process in a cgroup below the
 * container's.  crun 1.8 appends PATH to the container's cgroup unchecked,
 * and runc 1.1 only checks that the result starts with the container's path
 * as a string ("../ID-x" passes), so a ".." component could take the process
 * out of the container's pids and device limits. */
static bool has_dotdot(const char *path)
{
    for (const char *c = path; *c;) {
        size_t n = strcspn(c, "/");
        if (n == 2 && c[0] == '.' && c[1] == '.')
            return true;
        c += n + (c[n] == '/');
    }
    return false;
}

static void do_cgroup(Rewriter *w, const ExecFlag *f)
{
    /* runc reads "CONTROLLERS:PATH", crun the whole value as the path */
    const char *colon = strchr(f->value, ':');
    bool dotdot = has_dotdot(f->value) || (colon && has_dotdot(colon + 1));
    if (!dotdot) {
        keep(w, f);
        return;
    }
    refuse_value(w, f, "cgroup",
                 "--cgroup with \"..\" would put the process outside the container's cgroup "
                 "(and its limits); no policy grants it");
}

static void do_lsm_override(Rewriter *w, const ExecFlag *f, const char *flag)
{
    _cleanup_free_ char *why =
        streq(f->value, "unconfined")
            ? xasprintf("an unconfined exec is not allowed by %s", brig_policy_source(w->policy))
            : xasprintf("an exec may not override the container's %s (policy %s)",
                        streq(flag, "apparmor") ? "AppArmor profile" : "process label",
                        brig_policy_source(w->policy));
    record(w, flag, f->value, NULL, why);
    drop(w, f);
}

/* Records why the exec runs as id (why NULL: a --user given as it is sent
 * needs none, one repeated or spelled otherwise is noted) and, when
 * applying, sends id as the last --user. */
static bool send_user(Rewriter *w, bool given, const char *id, const char *why)
{
    _cleanup_free_ char *explicit = NULL;
    if (!why && given && (w->user_count > 1 || !streq(w->user_raw, id)))
        why = explicit = xasprintf("--user \"%s\" is sent as the explicit %s the runtime would run",
                                   w->user_raw, id);
    if (why)
        record(w, "user", given ? w->user_raw : NULL, id, why);
    if (!w->apply)
        return false;
    w->out[w->user_at] = own(w->a, xasprintf("--user=%s", id));
    return true;
}

/* finish_user inside the container's user namespace: uid and gid judged
 * through its maps (judge_mapped), and sent as one explicit pair. */
static bool finish_user_mapped(Rewriter *w, bool given, uint32_t uid, uint32_t gid)
{
    const BrigPolicy *p = w->policy;
    const BrigIdMap *maps[2] = {&w->ns->uids, &w->ns->gids};
    uint32_t ids[2] = {uid, gid}, wants[2] = {p->uid, p->gid}, hosts[2] = {0, 0};
    static const char *const names[2] = {"uid", "gid"};
    bool changed = false;
    for (size_t k = 0; k < 2; k++) {
        uint32_t to = ids[k];
        bool chosen = !given || (k == 1 && !w->user.has_gid);
        IdVerdict v = judge_mapped(maps[k], p, ids[k], wants[k], chosen, &to, &hosts[k]);
        if (v == ID_REPLACE && chosen && to == ids[k])
            v = ID_KEEP;
        if (v == ID_UNMAPPED || v == ID_NO_SUBSTITUTE) {
            _cleanup_(brig_json_freep) BrigJson *val =
                given ? brig_json_new_string(w->user_raw) : NULL;
            if (v == ID_UNMAPPED)
                brig_report_refuse(w->rep, "/argv/--user", val,
                                   "%s %u is not mapped by the container's %s_map; the runtime "
                                   "could not switch to it",
                                   names[k], ids[k], names[k]);
            else
                brig_report_refuse(w->rep, "/argv/--user", val,
                                   "%s %u is root in the container or on the host, which %s does "
                                   "not allow, and the container's %s_map maps no other id to "
                                   "run as",
                                   names[k], ids[k], brig_policy_source(p), names[k]);
            return false;
        }
        changed |= v == ID_REPLACE;
        ids[k] = to;
    }
    const char *sys = hosts[1] ? brig_host_group_refused(w->host, p, hosts[1]) : NULL;
    if (sys) {
        _cleanup_(brig_json_freep) BrigJson *val = given ? brig_json_new_string(w->user_raw) : NULL;
        brig_report_refuse(w->rep, "/argv/--user", val,
                           "gid %u is the host's group \"%s\" (%u) through the container's "
                           "gid_map, which %s does not grant (hostGroups would)",
                           ids[1], sys, hosts[1], brig_policy_source(p));
        return false;
    }
    _cleanup_free_ char *id = xasprintf("%u:%u", ids[0], ids[1]);
    _cleanup_free_ char *why = NULL;
    if (!given)
        why = xasprintf("an exec without --user runs as root (crun) or as the config's user "
                        "(runc); %s names the identity, in the container's user namespace: %s "
                        "(host %u:%u)",
                        brig_policy_source(p), id, hosts[0], hosts[1]);
    else if (changed)
        why = xasprintf("--user \"%s\" is root in the container or on the host (through the "
                        "container's user namespace), which %s does not allow; running as %s "
                        "(host %u:%u)",
                        w->user_raw, brig_policy_source(p), id, hosts[0], hosts[1]);
    return send_user(w, given, id, why);
}

/* The identity the exec runs as, always sent explicitly as the last
 * --user: the runtimes' defaults differ (runc: the config's user; crun: uid
 * 0 and, for "--user N", gid 0), and an explicit pair reads alike in both. */
static bool finish_user(Rewriter *w)
{
    const BrigPolicy *p = w->policy;
    if (w->user_bad)
        return false;
    bool given = w->user_count > 0 && w->user.set;
    if (!given && (w->a->process || p->allow_root))
        return false; /* the process file decides; or root is allowed anyway */
    uint32_t uid = given ? w->user.uid : p->uid;
    uint32_t gid = given && w->user.has_gid ? w->user.gid : p->gid;
    bool rooted = false;
    if (w->ns)
        return finish_user_mapped(w, given, uid, gid);
    if (!p->allow_root && root_like(uid))
        uid = p->uid, rooted = true;
    if (!p->allow_root && root_like(gid))
        gid = p->gid, rooted = true;
    const char *sys = root_like(gid) ? NULL : brig_host_group_refused(w->host, p, gid);
    uint32_t sys_gid = gid;
    if (sys)
        gid = p->gid;
    _cleanup_free_ char *id = xasprintf("%u:%u", uid, gid);
    _cleanup_free_ char *why = NULL;
    if (!given)
        why = xasprintf("an exec without --user runs as root (crun) or as the config's user "
                        "(runc); %s names the identity: %s",
                        brig_policy_source(p), id);
    else if (rooted)
        why = xasprintf("--user \"%s\" is %u:%u%s to %s: root is not allowed by %s; running as %s",
                        w->user_raw, w->user.uid, w->user.gid,
                        w->user.has_gid ? "" : " (no gid given)", brig_flavour_name(w->flavour),
                        brig_policy_source(p), id);
    else if (sys)
        why = xasprintf("--user \"%s\": gid %u is the host's group \"%s\", which %s does not "
                        "grant (hostGroups would); running as %s",
                        w->user_raw, sys_gid, sys, brig_policy_source(p), id);
    return send_user(w, given, id, why);
}

int brig_argv_harden_exec(BrigArgv *a, const BrigPolicy *policy, BrigFlavour flavour,
                          BrigReport *rep, BrigError **err)
{
    return brig_argv_harden_exec_in(a, policy, flavour, NULL, NULL, rep, err);
}

int brig_argv_harden_exec_in(BrigArgv *a, const BrigPolicy *policy, BrigFlavour flavour,
                             const BrigUserns *ns, const BrigHost *host, BrigReport *rep,
                             BrigError **err)
{
    if (!streq(a->cmd, "exec") || a->cmd_idx < 0)
        return 0;
    Rewriter w = {.a = a,
                  .ns = ns && ns->enabled ? ns : NULL,
                  .host = host,
                  .policy = policy,
                  .flavour = flavour,
                  .rep = rep,
                  .out = xcalloc((size_t)a->argc + 3, sizeof(char *)),
                  .apply = policy->mode == BRIG_MODE_ENFORCE};
    int end = a->id_idx >= 0 ? a->id_idx : a->argc;
    bool nnp = false;

    for (int i = 0; i <= a->cmd_idx; i++)
        w.out[w.n++] = a->argv[i];
    /* --user and --no-new-privs go first, so the engine's own flags keep
     * their order and a "--" before the id stays the last flag token; the
     * engine's --user tokens are all removed, so the position of brig's
     * cannot make another one "the last". */
    w.user_at = w.n++;
    int nnp_at = w.n++;

    int i = a->cmd_idx + 1;
    ExecFlag f;
    while (i < end && read_flag(a, i, end, &f)) {
        i += f.ntok;
        if (flag_is(&f, "cap", "c"))
            do_cap(&w, &f);
        else if (flag_is(&f, "user", "u"))
            do_user(&w, &f);
        else if (flag_is(&f, "additional-gids", "g"))
            do_gid(&w, &f);
        else if (flag_is(&f, "apparmor", NULL))
            do_lsm_override(&w, &f, "apparmor");
        else if (flag_is(&f, "process-label", NULL))
            do_lsm_override(&w, &f, "process-label");
        else if (flag_is(&f, "cgroup", NULL))
            do_cgroup(&w, &f);
        else if (flag_is(&f, "no-new-privs", NULL)) {
            /* "--no-new-privs=false" is what turns it off; make it plain. */
            bool off = f.value &&
                       (streq(f.value, "false") || streq(f.value, "0") || streq(f.value, "f") ||
                        streq(f.value, "F") || streq(f.value, "FALSE") || streq(f.value, "False"));
            if (off) {
                record(&w, "no-new-privs", f.value, "true",
                       "no_new_privs is required for every process");
                if (w.apply)
                    w.out[w.n++] = own(a, xstrdup("--no-new-privs"));
                else
                    keep(&w, &f);
                nnp = true;
            } else {
                keep(&w, &f);
                nnp = true;
            }
        } else
            keep(&w, &f);
    }

    bool user_sent = finish_user(&w);
    if (!nnp) {
        _cleanup_free_ char *why = xasprintf("no_new_privs is required for every process by %s",
                                             brig_policy_source(policy));
        record(&w, "no-new-privs", NULL, "true", why);
    }
    if (!nnp && w.apply)
        w.out[nnp_at] = own(a, xstrdup("--no-new-privs"));
    else {
        memmove(&w.out[nnp_at], &w.out[nnp_at + 1], (size_t)(w.n - nnp_at - 1) * sizeof(char *));
        w.n--;
    }
    if (!user_sent) {
        memmove(&w.out[w.user_at], &w.out[w.user_at + 1],
                (size_t)(w.n - w.user_at - 1) * sizeof(char *));
        w.n--;
    }

    int shift = w.n - i; /* new index of the first untouched token, minus its old one */
    for (; i < a->argc; i++)
        w.out[w.n++] = a->argv[i];
    w.out[w.n] = NULL;
    if (a->id_idx >= 0)
        a->id_idx += shift;
    free(a->argv);
    a->argv = w.out;
    a->argc = w.n;
    return 0;
}
