/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The runc-compatible argv model (DESIGN §2), real-runtime discovery, execv.
 *
 * brig must read a command line exactly as the runtime will: if brig took
 * the bundle to be A while runc ran B, B would start unhardened.  So this is
 * a model of runc 1.1's parser, not a guess by position:
 *
 *  - Go's flag package decides what one token means: "-x" and "--x" are the
 *    same flag, "--x=v" carries its value, a value flag without "=" takes the
 *    next token verbatim (even "-weird" or "--"), a bool flag never takes the
 *    next token (only "--x=false"), "--" ends the flags and is consumed, a
 *    lone "-" or any word ends them and is kept.
 *  - urfave/cli parses the global flags with that, stopping at the
 *    subcommand; it handles --help, then --version, before any subcommand.
 *  - For a subcommand, urfave/cli first "reorders" the arguments so flags
 *    written after the container id come first, then parses them with Go's
 *    flag package.  runc's exec and ps opt out (SkipArgReorder): what follows
 *    the id is the command to run.
 *
 * The reordering modelled is urfave/cli >= 1.22.9, the one Debian's runc
 * 1.1.5 is built with (checked on this host: `runc create --bundle B ID --`
 * is accepted, which older versions reject).  Upstream's static runc 1.1
 * binaries pin 1.22.1, whose reordering moves every dash token to the front:
 * the two only differ on command lines that 1.22.1 rejects (an unknown
 * flag, or "--" after the id), so they never run different bundles.
 *
 * crun's value flags are in the tables too (they never contradict runc's),
 * so --config/-f is understood; a flag runc does not know is an error in
 * runc itself, so adding crun's cannot make brig and runc disagree on a
 * command line runc accepts. */
#include <fcntl.h>
#include <sys/stat.h>

#include "runtime.h"

enum { F_NONE, F_ROOT, F_LOG, F_LOG_FORMAT, F_BUNDLE, F_CONFIG, F_PROCESS, F_PID_FILE };

typedef struct FlagSpec {
    const char *names; /* comma-separated, as urfave/cli spells them: "bundle,b" */
    bool value;
    int field; /* F_*: the BrigArgv member the value fills */
} FlagSpec;

typedef struct CmdSpec {
    const char *name;
    bool skip_reorder; /* urfave's SkipArgReorder: runc's exec and ps */
    bool takes_id;
    const FlagSpec *flags; /* terminated by {NULL} */
} CmdSpec;

/* urfave/cli adds "help, h" to every command; crun's argp spells it "-?". */
#define HELP_FLAGS                                                                                 \
    {"help,h,?", false, F_NONE},                                                                   \
    {                                                                                              \
        "usage", false, F_NONE                                                                     \
    }

static const FlagSpec global_flags[] = {
    {"debug", false, F_NONE},
    {"log", true, F_LOG},
    {"log-format", true, F_LOG_FORMAT},
    {"root", true, F_ROOT},
    {"criu", true, F_NONE},
    {"systemd-cgroup", false, F_NONE},
    {"rootless", true, F_NONE},
    {"cgroup-manager", true, F_NONE}, /* crun */
    {"version,v,V", false, F_NONE},
    HELP_FLAGS,
    {NULL},
};

#define CREATE_FLAGS                                                                               \
    {"bundle,b", true, F_BUNDLE}, {"console-socket", true, F_NONE},                                \
        {"pid-file", true, F_PID_FILE}, {"preserve-fds", true, F_NONE},                            \
        {"config,f", true, F_CONFIG}, {"no-pivot", false, F_NONE},                                 \
        {"no-new-keyring", false, F_NONE}, {"no-subreaper", false, F_NONE}, HELP_FLAGS

static const FlagSpec create_flags[] = {CREATE_FLAGS, {NULL}};
static const FlagSpec run_flags[] = {
    CREATE_FLAGS, {"detach,d", false, F_NONE}, {"keep", false, F_NONE}, {NULL}};

static const FlagSpec restore_flags[] = {
    {"console-socket", true, F_NONE},
    {"image-path", true, F_NONE},
    {"work-path", true, F_NONE},
    {"manage-cgroups-mode", true, F_NONE},
    {"bundle,b", true, F_BUNDLE},
    {"pid-file", true, F_PID_FILE},
    {"empty-ns", true, F_NONE},
    {"lsm-profile", true, F_NONE},
    {"lsm-mount-context", true, F_NONE},
    {"tcp-established", false, F_NONE},
    {"ext-unix-sk", false, F_NONE},
    {"shell-job", false, F_NONE},
    {"file-locks", false, F_NONE},
    {"detach,d", false, F_NONE},
    {"no-subreaper", false, F_NONE},
    {"no-pivot", false, F_NONE},
    {"auto-dedup", false, F_NONE},
    {"lazy-pages", false, F_NONE},
    HELP_FLAGS,
    {NULL},
};

static const FlagSpec exec_flags[] = {
    {"console-socket", true, F_NONE},
    {"cwd", true, F_NONE},
    {"env,e", true, F_NONE},
    {"user,u", true, F_NONE},
    {"additional-gids,g", true, F_NONE},
    {"process,p", true, F_PROCESS},
    {"pid-file", true, F_PID_FILE},
    {"process-label", true, F_NONE},
    {"apparmor", true, F_NONE},
    {"cap,c", true, F_NONE},
    {"preserve-fds", true, F_NONE},
    {"cgroup", true, F_NONE},
    /* crun's --tty takes an optional value, which getopt only reads after "=" */
    {"tty,t", false, F_NONE},
    {"detach,d", false, F_NONE},
    {"no-new-privs", false, F_NONE},
    {"ignore-paused", false, F_NONE},
    HELP_FLAGS,
    {NULL},
};

static const FlagSpec checkpoint_flags[] = {
    {"image-path", true, F_NONE},
    {"work-path", true, F_NONE},
    {"parent-path", true, F_NONE},
    {"status-fd", true, F_NONE},
    {"page-server", true, F_NONE},
    {"manage-cgroups-mode", true, F_NONE},
    {"empty-ns", true, F_NONE},
    {"leave-running", false, F_NONE},
    {"tcp-established", false, F_NONE},
    {"ext-unix-sk", false, F_NONE},
    {"shell-job", false, F_NONE},
    {"lazy-pages", false, F_NONE},
    {"file-locks", false, F_NONE},
    {"pre-dump", false, F_NONE},
    {"auto-dedup", false, F_NONE},
    HELP_FLAGS,
    {NULL},
};

static const FlagSpec update_flags[] = {
    {"resources,r", true, F_NONE},
    {"blkio-weight", true, F_NONE},
    {"cpu-period", true, F_NONE},
    {"cpu-quota", true, F_NONE},
    {"cpu-share", true, F_NONE},
    {"cpu-rt-period", true, F_NONE},
    {"cpu-rt-runtime", true, F_NONE},
    {"cpuset-cpus", true, F_NONE},
    {"cpuset-mems", true, F_NONE},
    {"memory", true, F_NONE},
    {"memory-reservation", true, F_NONE},
    {"memory-swap", true, F_NONE},
    {"pids-limit", true, F_NONE},
    {"l3-cache-schema", true, F_NONE},
    {"mem-bw-schema", true, F_NONE},
    {"kernel-memory", true, F_NONE},     /* crun */
    {"kernel-memory-tcp", true, F_NONE}, /* crun */
    HELP_FLAGS,
    {NULL},
};

static const FlagSpec kill_flags[] = {
    {"all,a", false, F_NONE}, {"regex,r", false, F_NONE}, HELP_FLAGS, {NULL}};
static const FlagSpec delete_flags[] = {
    {"force,f", false, F_NONE}, {"regex,r", false, F_NONE}, HELP_FLAGS, {NULL}};
static const FlagSpec ps_flags[] = {{"format,f", true, F_NONE}, HELP_FLAGS, {NULL}};
static const FlagSpec events_flags[] = {
    {"interval", true, F_NONE}, {"stats", false, F_NONE}, HELP_FLAGS, {NULL}};
static const FlagSpec list_flags[] = {
    {"format,f", true, F_NONE}, {"quiet,q", false, F_NONE}, HELP_FLAGS, {NULL}};
static const FlagSpec spec_flags[] = {{"bundle,b", true, F_BUNDLE},
                                      {"file,f", true, F_NONE}, /* crun */
                                      {"rootless", false, F_NONE},
                                      HELP_FLAGS,
                                      {NULL}};
static const FlagSpec help_only_flags[] = {HELP_FLAGS, {NULL}};

static const CmdSpec commands[] = {
    {"create", false, true, create_flags},
    {"run", false, true, run_flags},
    {"restore", false, true, restore_flags},
    {"exec", true, true, exec_flags},
    {"checkpoint", false, true, checkpoint_flags},
    {"update", false, true, update_flags},
    {"kill", false, true, kill_flags},
    {"delete", false, true, delete_flags},
    {"ps", true, true, ps_flags},
    {"events", false, true, events_flags},
    {"state", false, true, help_only_flags},
    {"start", false, true, help_only_flags},
    {"pause", false, true, help_only_flags},
    {"resume", false, true, help_only_flags},
    {"list", false, false, list_flags},
    {"spec", false, false, spec_flags},
    {"features", false, false, help_only_flags},
    {"help", false, false, help_only_flags},
};

static const CmdSpec *cmd_lookup(const char *name)
{
    for (size_t i = 0; name && i < ELEMENTSOF(commands); i++)
        if (streq(commands[i].name, name))
            return &commands[i];
    return NULL;
}

static bool names_match(const char *names, const char *name, size_t len)
{
    for (const char *p = names; *p;) {
        size_t n = strcspn(p, ",");
        if (n == len && strncmp(p, name, len) == 0)
            return true;
        p += n + (p[n] == ',');
    }
    return false;
}

static const FlagSpec *flag_lookup(const FlagSpec *flags, const char *name, size_t len)
{
    for (const FlagSpec *f = flags; f && f->names; f++)
        if (names_match(f->names, name, len))
            return f;
    return NULL;
}

bool brig_flag_takes_value(const char *cmd, const char *name)
{
    const FlagSpec *flags = global_flags;
    if (cmd) {
        const CmdSpec *c = cmd_lookup(cmd);
        if (!c)
            return false;
        flags = c->flags;
    }
    const FlagSpec *f = name ? flag_lookup(flags, name, strlen(name)) : NULL;
    return f && f->value;
}

typedef enum {
    TOK_WORD, /* not a flag: ends flag parsing and stays an argument */
    TOK_END,  /* "--": ends flag parsing and is consumed */
    TOK_BAD,  /* "---x", "-=x": Go's flag package fails on it */
    TOK_FLAG,
} TokKind;

typedef struct Tok {
    TokKind kind;
    const char *name; /* not NUL-terminated at name_len */
    size_t name_len;
    const char *value; /* after "=", NULL when there was none */
} Tok;

/* One token as Go's flag.FlagSet.parseOne sees it. */
static Tok classify(const char *s)
{
    Tok t = {TOK_WORD};
    if (s[0] != '-' || s[1] == '\0')
        return t;
    const char *name = s + 1;
    if (*name == '-') {
        name++;
        if (*name == '\0')
            return (Tok){TOK_END};
    }
    if (*name == '\0' || *name == '-' || *name == '=')
        return (Tok){TOK_BAD};
    t.kind = TOK_FLAG;
    t.name = name;
    const char *eq = strchr(name, '=');
    t.name_len = eq ? (size_t)(eq - name) : strlen(name);
    t.value = eq ? eq + 1 : NULL;
    return t;
}

/* strconv.ParseBool; anything else makes runc fail, so -1 is never acted on. */
static int parse_bool(const char *v)
{
    static const char *const yes[] = {"1", "t", "T", "true", "TRUE", "True"};
    static const char *const no[] = {"0", "f", "F", "false", "FALSE", "False"};
    if (!v)
        return 1;
    for (size_t i = 0; i < ELEMENTSOF(yes); i++) {
        if (streq(v, yes[i]))
            return 1;
        if (streq(v, no[i]))
            return 0;
    }
    return -1;
}

static bool tok_is(const Tok *t, const char *names)
{
    return t->kind == TOK_FLAG && names_match(names, t->name, t->name_len);
}

static void add_use(BrigFlagUse **v, size_t *n, const FlagSpec *f, const char *value, int idx,
                    int value_idx)
{
    *v = xrealloc(*v, (*n + 1) * sizeof(**v));
    (*v)[(*n)++] = (BrigFlagUse){.name = xstrndup(f->names, strcspn(f->names, ",")),
                                 .value = value,
                                 .idx = idx,
                                 .value_idx = value_idx};
}

static void set_field(BrigArgv *a, int field, const char *v)
{
    /* runc treats an empty --bundle / --process as absent (`if x != ""`). */
    const char *nonempty = v && *v ? v : NULL;
    switch (field) {
    case F_ROOT:
        a->root = v;
        break;
    case F_LOG:
        a->log = v;
        break;
    case F_LOG_FORMAT:
        a->log_format = v;
        break;
    case F_BUNDLE:
        a->bundle = nonempty;
        break;
    case F_CONFIG:
        a->config = nonempty;
        break;
    case F_PROCESS:
        a->process = nonempty;
        break;
    case F_PID_FILE:
        a->pid_file = v;
        break;
    }
}

/* Parses the global flags of argv[1..] into a, copying every token but
 * brig's own into a->argv.  Returns the index in argv of the first token
 * after the global flags (the subcommand, if any). */
static int parse_global(int argc, char *const *argv, BrigArgv *a, BrigError **err)
{
    int i = 1;
    bool help = false, version = false;

    a->argv[a->argc++] = argv[0];
    while (i < argc) {
        Tok t = classify(argv[i]);
        if (t.kind == TOK_END) {
            a->argv[a->argc++] = argv[i++];
            break;
        }
        if (t.kind != TOK_FLAG)
            break;

        if (t.name_len >= 5 && strncmp(t.name, "brig-", 5) == 0) {
            bool policy = tok_is(&t, "brig-policy"), rt = tok_is(&t, "brig-runtime");
            if (!policy && !rt)
                return brig_error_set(err, EINVAL, "unknown option --%.*s", (int)t.name_len,
                                      t.name);
            const char *v = t.value;
            if (!v && i + 1 < argc)
                v = argv[++i];
            if (!v || !*v)
                return brig_error_set(err, EINVAL, "option --%.*s needs a value", (int)t.name_len,
                                      t.name);
            if (policy)
                a->brig_policy = v;
            else
                a->brig_runtime = v;
            i++;
            continue;
        }

        int tok_idx = a->argc;
        a->argv[a->argc++] = argv[i++];
        const FlagSpec *f = flag_lookup(global_flags, t.name, t.name_len);
        if (f && !f->value)
            add_use(&a->gflags, &a->n_gflags, f, t.value, tok_idx, t.value ? tok_idx : -1);
        if (f && f->value) {
            const char *v = t.value;
            int vidx = tok_idx;
            if (!v) {
                if (i >= argc)
                    break; /* "flag needs an argument": runc fails */
                v = argv[i];
                /* runc would take it as the value, but a --brig- flag there
                 * almost surely means the value was forgotten: refuse rather
                 * than guess which one was meant. */
                if (startswith(v, "--brig-") || startswith(v, "-brig-"))
                    return brig_error_set(err, EINVAL, "option --%.*s has no value before %s",
                                          (int)t.name_len, t.name, v);
                vidx = a->argc;
                a->argv[a->argc++] = argv[i++];
            }
            set_field(a, f->field, v);
            add_use(&a->gflags, &a->n_gflags, f, v, tok_idx, vidx);
        } else if (tok_is(&t, "help,h,?")) {
            help = parse_bool(t.value) == 1;
        } else if (tok_is(&t, "version,v,V")) {
            version = parse_bool(t.value) == 1;
        } else if (tok_is(&t, "debug")) {
            a->debug = parse_bool(t.value) == 1;
        }
        /* Unknown global flags are treated as bools: runc rejects them anyway,
         * and taking the next token as a value would hide the subcommand. */
    }
    a->help = help;
    a->version = version && !help;
    return i;
}

/* urfave/cli (>= 1.22.9) reorderArgs, on indices: known flags, and the token
 * after one if it is not itself a known flag, move to the front in order;
 * the rest follow; a "--" (outside a flag value) is moved to the head of the
 * rest and everything after it is kept in place.  Note that the token after
 * a bool flag moves too, exactly as urfave does. */
static void reorder(const FlagSpec *flags, char *const *args, const int *in, int n, int *out)
{
    _cleanup_free_ int *rest = xcalloc((size_t)n + 1, sizeof(int));
    int nf = 0, nr = 0;
    bool maybe_value = false;

    for (int k = 0; k < n; k++) {
        const char *s = args[in[k]];
        Tok t = classify(s);
        bool known = t.kind == TOK_FLAG && flag_lookup(flags, t.name, t.name_len);
        if (maybe_value && !known) {
            maybe_value = false;
            out[nf++] = in[k];
        } else if (streq(s, "--")) {
            memmove(rest + 1, rest, (size_t)nr * sizeof(int));
            rest[0] = in[k];
            nr++;
            for (k++; k < n; k++)
                rest[nr++] = in[k];
            break;
        } else if (known) {
            out[nf++] = in[k];
            maybe_value = t.value == NULL;
        } else {
            rest[nr++] = in[k];
        }
    }
    memcpy(out + nf, rest, (size_t)nr * sizeof(int));
}

/* Whether name[0..len) is a proper prefix of a known long flag: getopt_long
 * (crun's argp) accepts such abbreviations, Go's flag package does not. */
static bool is_long_prefix(const FlagSpec *flags, const char *name, size_t len)
{
    for (const FlagSpec *f = flags; f->names; f++)
        for (const char *p = f->names; *p;) {
            size_t n = strcspn(p, ",");
            if (n > 1 && len < n && strncmp(p, name, len) == 0)
                return true;
            p += n + (p[n] == ',');
        }
    return false;
}

/* crun parses with getopt_long, which reads some tokens differently from Go:
 * "-bundle" is -b with the value "undle", "-b=B" has the value "=B", "-db"
 * is -d -b, "--bund" is --bundle (all checked with crun 1.8 here).  Like
 * Go, it stops at the first word (crun rejects "create ID --bundle B").
 * Returns the first token in argv[from, to) that runc and crun would read
 * differently, NULL if none.  Engines never send such tokens;
 * brig_runtime_exec() refuses them for a runtime that is not runc. */
static const char *getopt_hazard(const FlagSpec *flags, char *const *argv, int from, int to)
{
    bool want_value = false;
    for (int i = from; i < to; i++) {
        const char *s = argv[i];
        if (want_value) {
            want_value = false;
            continue;
        }
        if (streq(s, "--") || s[0] != '-' || s[1] == '\0')
            return NULL;
        const char *name = s + 1 + (s[1] == '-');
        size_t len = strcspn(name, "=");
        const FlagSpec *f = flag_lookup(flags, name, len);
        if (s[1] == '-') {
            if (f)
                want_value = f->value && name[len] != '=';
            else if (len > 0 && is_long_prefix(flags, name, len))
                return s;
            continue;
        }
        if (len == 1 && name[1] == '\0') {
            want_value = f && f->value;
            continue;
        }
        if (f || flag_lookup(flags, name, 1))
            return s;
    }
    return NULL;
}

static int parse_subcommand(const CmdSpec *c, BrigArgv *a, BrigError **err)
{
    int n = a->argc - a->cmd_idx - 1;
    _cleanup_free_ int *seq = xcalloc((size_t)n + 1, sizeof(int));
    _cleanup_free_ int *in = xcalloc((size_t)n + 1, sizeof(int));
    for (int k = 0; k < n; k++)
        in[k] = a->cmd_idx + 1 + k;
    if (c->skip_reorder)
        memcpy(seq, in, (size_t)n * sizeof(int));
    else
        reorder(c->flags, a->argv, in, n, seq);

    int k = 0;
    while (k < n) {
        int tok_idx = seq[k];
        Tok t = classify(a->argv[seq[k]]);
        if (t.kind == TOK_BAD)
            return 0; /* runc fails on it: there is no container id */
        if (t.kind == TOK_END)
            k++;
        if (t.kind != TOK_FLAG)
            break;
        k++;
        const FlagSpec *f = flag_lookup(c->flags, t.name, t.name_len);
        if (!f) {
            /* An unknown flag is an error in runc, so reading it as a bool
             * cannot make brig disagree with a command line runc accepts.
             * brig's own flags are the exception: they must come first. */
            if (t.name_len >= 5 && strncmp(t.name, "brig-", 5) == 0)
                return brig_error_set(err, EINVAL,
                                      "option --%.*s must come before the subcommand \"%s\"",
                                      (int)t.name_len, t.name, c->name);
            continue;
        }
        if (!f->value) {
            if (tok_is(&t, "help,h,?") && parse_bool(t.value) == 1)
                a->help = true;
            add_use(&a->sflags, &a->n_sflags, f, t.value, tok_idx, t.value ? tok_idx : -1);
            continue;
        }
        const char *v = t.value;
        int vidx = tok_idx;
        if (!v) {
            if (k >= n)
                break; /* "flag needs an argument": runc fails */
            vidx = seq[k];
            v = a->argv[seq[k++]];
        }
        set_field(a, f->field, v);
        add_use(&a->sflags, &a->n_sflags, f, v, tok_idx, vidx);
    }
    if (c->takes_id && k < n) {
        a->id_idx = seq[k];
        a->id = a->argv[a->id_idx];
    }
    return 0;
}

int brig_argv_parse(int argc, char *const *argv, BrigArgv *ret, BrigError **err)
{
    BrigArgv a = {.cmd_idx = -1, .id_idx = -1};
    int r;

    a.argv = xcalloc((size_t)(argc > 0 ? argc : 0) + 1, sizeof(char *));
    a.owned = xcalloc(1, sizeof(char *));
    if (argc < 1) {
        *ret = a;
        return 0;
    }
    r = parse_global(argc, argv, &a, err);
    if (r < 0) {
        brig_argv_done(&a);
        return r;
    }
    int sub = a.argc;
    for (int i = r; i < argc; i++)
        a.argv[a.argc++] = argv[i];
    a.argv[a.argc] = NULL;

    if (sub < a.argc)
        a.cmd_idx = sub;
    a.getopt_hazard = getopt_hazard(global_flags, a.argv, 1, sub);
    /* runc answers --help and --version before looking at the subcommand. */
    if (sub < a.argc && !a.help && !a.version) {
        a.cmd = a.argv[sub];
        const CmdSpec *c = cmd_lookup(a.cmd);
        if (c) {
            r = parse_subcommand(c, &a, err);
            if (r < 0) {
                brig_argv_done(&a);
                return r;
            }
            /* Only where a misreading would harden or judge the wrong thing
             * (crun reads "update --pids=-1" as --pids-limit). */
            bool create = streq(a.cmd, "create") || streq(a.cmd, "run") || streq(a.cmd, "restore");
            if (!a.getopt_hazard && (create || streq(a.cmd, "exec") || streq(a.cmd, "update")))
                a.getopt_hazard = getopt_hazard(c->flags, a.argv, sub + 1, a.argc);
        }
    }
    *ret = a;
    return 0;
}

void brig_argv_done(BrigArgv *a)
{
    if (!a)
        return;
    free(a->argv);
    strv_free(a->owned);
    for (size_t i = 0; i < a->n_gflags; i++)
        free((char *)a->gflags[i].name);
    for (size_t i = 0; i < a->n_sflags; i++)
        free((char *)a->sflags[i].name);
    free(a->gflags);
    free(a->sflags);
    *a = (BrigArgv){.cmd_idx = -1, .id_idx = -1};
}

typedef struct SelfId {
    dev_t dev;
    ino_t ino;
} SelfId;

static bool is_self(const struct stat *st, const SelfId *self)
{
    return st->st_dev == self->dev && st->st_ino == self->ino;
}

/* 0: usable; 1: brig itself; <0: not an executable regular file. */
static int check_candidate(const char *path, const SelfId *self, BrigError **err)
{
    struct stat st;
    if (stat(path, &st) < 0)
        return brig_error_errno(err, errno, "runtime %s", path);
    if (!S_ISREG(st.st_mode))
        return brig_error_set(err, EINVAL, "runtime %s is not a regular file", path);
    if (access(path, X_OK) < 0)
        return brig_error_errno(err, errno, "runtime %s is not executable", path);
    return is_self(&st, self) ? 1 : 0;
}

/* $PATH, or the usual system directories when it is unset or empty. */
static const char *search_path(void)
{
    const char *path = getenv("PATH");
    return path && *path ? path : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
}

/* The one PATH search of brig: relative and empty entries are skipped, since
 * brig runs as root on behalf of engines and operators, and the cwd (or a
 * directory named relative to it) is not a place to find a runtime in; a
 * candidate that is brig itself is skipped too.  NULL if none. */
static char *path_search(const char *name, const SelfId *self)
{
    for (const char *p = search_path(); *p;) {
        size_t len = strcspn(p, ":");
        if (len > 0 && p[0] == '/') {
            _cleanup_free_ char *cand = xasprintf("%.*s/%s", (int)len, p, name);
            if (check_candidate(cand, self, NULL) == 0)
                return TAKE_PTR(cand);
        }
        p += len + (p[len] == ':');
    }
    return NULL;
}

/* An explicit choice (policy, --brig-runtime, $BRIG_RUNTIME) that is wrong
 * fails rather than falling back: the admin asked for that runtime. */
static int try_explicit(const char *what, const char *path, const SelfId *self, char **ret_path,
                        BrigError **err)
{
    if (path[0] != '/')
        return brig_error_set(err, EINVAL, "%s runtime \"%s\" is not an absolute path", what, path);
    int r = check_candidate(path, self, err);
    if (r < 0)
        return brig_error_prefix(err, "%s", what);
    if (r == 0)
        *ret_path = xstrdup(path);
    return r;
}

int brig_runtime_find(const char *explicit_path, char **ret_path, BrigError **err)
{
    static const char *const names[] = {"runc", "crun"};
    _cleanup_free_ char *skipped = xstrdup("");
    struct stat st;
    SelfId self;
    int r;

    *ret_path = NULL;
    /* Without this check brig could exec itself forever; fail closed. */
    if (stat("/proc/self/exe", &st) < 0)
        return brig_error_errno(err, errno, "cannot identify brig's own binary (/proc/self/exe)");
    self = (SelfId){st.st_dev, st.st_ino};

    if (explicit_path && *explicit_path) {
        r = try_explicit("configured", explicit_path, &self, ret_path, err);
        if (r <= 0)
            return r;
        free(skipped);
        skipped = xasprintf("the configured runtime %s (brig itself, skipped), ", explicit_path);
    }
    const char *env = getenv("BRIG_RUNTIME");
    _cleanup_free_ char *env_desc = NULL;
    if (env && *env) {
        r = try_explicit("$BRIG_RUNTIME", env, &self, ret_path, err);
        if (r <= 0)
            return r;
        env_desc = xasprintf("$BRIG_RUNTIME=%s (brig itself, skipped)", env);
    } else {
        env_desc = xstrdup("$BRIG_RUNTIME (unset)");
    }

    for (size_t n = 0; n < ELEMENTSOF(names); n++)
        if ((*ret_path = path_search(names[n], &self)))
            return 0;

    return brig_error_set(err, ENOENT,
                          "no real runtime found: tried %s%s, runc and crun on PATH=%s "
                          "(skipping brig itself); set BRIG_RUNTIME or \"runtime\" in the policy",
                          skipped, env_desc, search_path());
}

int brig_runtime_lookup(const char *name, const char *explicit_path, char **ret_path,
                        BrigError **err)
{
    *ret_path = NULL;
    if (!name || !*name)
        return brig_runtime_find(explicit_path, ret_path, err);
    struct stat st;
    if (stat("/proc/self/exe", &st) < 0)
        return brig_error_errno(err, errno, "cannot identify brig's own binary (/proc/self/exe)");
    SelfId self = {st.st_dev, st.st_ino};
    _cleanup_free_ char *found = NULL;
    if (strchr(name, '/')) {
        if (name[0] != '/')
            return brig_error_set(err, EINVAL,
                                  "--runtime %s: give an absolute path, or runc or crun to "
                                  "search PATH",
                                  name);
        int r = check_candidate(name, &self, err);
        if (r < 0)
            return r;
        if (r == 1)
            return brig_error_set(err, EINVAL, "--runtime %s is brig itself", name);
        found = xstrdup(name);
    } else {
        if (!streq(name, "runc") && !streq(name, "crun"))
            return brig_error_set(err, EINVAL,
                                  "--runtime %s: brig runs containers with runc or crun only "
                                  "(a name, searched on PATH, or an absolute path)",
                                  name);
        found = path_search(name, &self);
        if (!found)
            return brig_error_set(err, ENOENT,
                                  "--runtime %s: not found on PATH=%s (relative and empty "
                                  "entries skipped, and brig itself)",
                                  name, search_path());
    }
    /* Judged by what the executable says it is (--version), not the name
     * asked for: brig writes the runtime's config for runc and crun and
     * knows no other. */
    BrigFlavour f = brig_runtime_flavour(found, NULL);
    if (f != BRIG_RT_RUNC && f != BRIG_RT_CRUN)
        return brig_error_set(err, EINVAL,
                              "--runtime %s: %s is neither runc nor crun (by its --version)", name,
                              found);
    *ret_path = TAKE_PTR(found);
    return 0;
}

int brig_runtime_exec(const char *path, const BrigArgv *a, BrigError **err)
{
    if (a->argc < 1)
        return brig_error_set(err, EINVAL, "empty command line");
    /* the caller names the flavour (asked of the executable, never read
     * from its name); one that did not is not assumed to be runc */
    if (a->getopt_hazard && a->flavour != BRIG_RT_RUNC)
        return brig_error_set(err, EINVAL,
                              "refusing to run %s (%s): it would read \"%s\" differently from "
                              "runc, which brig's reading follows; spell every flag out in full "
                              "(--bundle B or --bundle=B; a one-letter flag alone, its "
                              "value as the next word: -b B)",
                              path, brig_flavour_name(a->flavour), a->getopt_hazard);
    /* argv[0] is the runtime's own path, not brig's name: runc and crun
     * re-exec /proc/self/exe so either would run, but crun picks a mode from
     * its argv[0] (krun), and ps, audit logs and the runtime's messages then
     * name the program actually running. */
    _cleanup_free_ char **v = xcalloc((size_t)a->argc + 1, sizeof(char *));
    v[0] = (char *)path;
    for (int i = 1; i < a->argc; i++)
        v[i] = a->argv[i];
    execv(path, v);
    return brig_error_errno(err, errno, "cannot execute the runtime %s", path);
}
