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
#include "runtime.h"

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

/* Go's strconv.Atoi accepts a sign and leading zeros: "+0" and "00" are root
 * to runc as much as "0" is.  crun reads the same digits with strtol. */
static bool is_root_id(const char *s, size_t len)
{
    if (len == 4 && strncmp(s, "root", 4) == 0)
        return true;
    size_t i = 0;
    if (len > 0 && (s[0] == '+' || s[0] == '-'))
        i++;
    if (i == len)
        return false;
    for (; i < len; i++)
        if (s[i] != '0')
            return false;
    return true;
}

typedef struct Rewriter {
    BrigArgv *a;
    const BrigPolicy *policy;
    BrigReport *rep;
    char **out; /* the new argv */
    int n;
    bool apply; /* enforce mode: change argv; otherwise only record */
} Rewriter;

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

static void do_user(Rewriter *w, const ExecFlag *f)
{
    const char *v = f->value, *colon = strchr(v, ':');
    size_t ulen = colon ? (size_t)(colon - v) : strlen(v);
    bool uroot = is_root_id(v, ulen);
    bool groot = colon && is_root_id(colon + 1, strlen(colon + 1));
    if (w->policy->allow_root || (!uroot && !groot)) {
        keep(w, f);
        return;
    }
    _cleanup_free_ char *uid = uroot ? xasprintf("%u", w->policy->uid) : xstrndup(v, ulen);
    _cleanup_free_ char *gid = !colon  ? NULL
                               : groot ? xasprintf("%u", w->policy->gid)
                                       : xstrdup(colon + 1);
    _cleanup_free_ char *nv = gid ? xasprintf("%s:%s", uid, gid) : xstrdup(uid);
    _cleanup_free_ char *why = xasprintf("%s 0 is not allowed by %s; running as %s",
                                         uroot ? "uid" : "gid", brig_policy_source(w->policy), nv);
    record(w, "user", v, nv, why);
    replace_value(w, f, nv);
}

static void do_gid(Rewriter *w, const ExecFlag *f)
{
    if (w->policy->allow_root || !is_root_id(f->value, strlen(f->value))) {
        keep(w, f);
        return;
    }
    _cleanup_free_ char *why =
        xasprintf("supplementary group 0 is not allowed by %s", brig_policy_source(w->policy));
    record(w, "additional-gids", f->value, NULL, why);
    drop(w, f);
}

/* The container's AppArmor profile and SELinux label are brig's choice at
 * create; whoever calls exec does not get to pick another one. */
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

int brig_argv_harden_exec(BrigArgv *a, const BrigPolicy *policy, bool runtime_defaults_root,
                          BrigReport *rep, BrigError **err)
{
    if (!streq(a->cmd, "exec") || a->cmd_idx < 0)
        return 0;
    Rewriter w = {.a = a,
                  .policy = policy,
                  .rep = rep,
                  .out = xcalloc((size_t)a->argc + 3, sizeof(char *)),
                  .apply = policy->mode == BRIG_MODE_ENFORCE};
    int end = a->id_idx >= 0 ? a->id_idx : a->argc;
    bool nnp = false, user_seen = false;

    for (int i = 0; i <= a->cmd_idx; i++)
        w.out[w.n++] = a->argv[i];
    /* --no-new-privs goes first so every index after it shifts by one, and
     * the engine's own flags keep their order. */
    int nnp_at = w.n++;

    int i = a->cmd_idx + 1;
    ExecFlag f;
    while (i < end && read_flag(a, i, end, &f)) {
        i += f.ntok;
        if (flag_is(&f, "cap", "c"))
            do_cap(&w, &f);
        else if (flag_is(&f, "user", "u")) {
            do_user(&w, &f);
            user_seen = true;
        } else if (flag_is(&f, "additional-gids", "g"))
            do_gid(&w, &f);
        else if (flag_is(&f, "apparmor", NULL))
            do_lsm_override(&w, &f, "apparmor");
        else if (flag_is(&f, "process-label", NULL))
            do_lsm_override(&w, &f, "process-label");
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

    /* crun runs an inline exec without --user as uid 0, whatever the
     * config says (runc uses the config's user); name the identity. */
    if (!user_seen && runtime_defaults_root && !a->process && !policy->allow_root) {
        _cleanup_free_ char *id = xasprintf("%u:%u", policy->uid, policy->gid);
        _cleanup_free_ char *why =
            xasprintf("this runtime runs exec as root unless told otherwise; %s runs it as %s",
                      brig_policy_source(policy), id);
        record(&w, "user", NULL, id, why);
        if (w.apply)
            w.out[w.n++] = own(a, xasprintf("--user=%s", id));
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
