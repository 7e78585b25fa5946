/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "apparmor.h"
#include "bundle.h"
#include "config.h"
#if HAVE_APPARMOR
#include <sys/apparmor.h>
#endif

extern const char brig_apparmor_template[];
extern const size_t brig_apparmor_template_len;

static bool file_exists(const char *dir, const char *rel)
{
    _cleanup_free_ char *p = xasprintf("%s/%s", dir, rel);
    return access(p, F_OK) == 0;
}

unsigned brig_apparmor_probe_includes(const char *etc_dir)
{
    unsigned inc = 0;
    if (file_exists(etc_dir, "abi/3.0"))
        inc |= BRIG_AA_ABI3;
    if (file_exists(etc_dir, "tunables/global"))
        inc |= BRIG_AA_TUNABLES;
    if (file_exists(etc_dir, "abstractions/base"))
        inc |= BRIG_AA_BASE;
    return inc;
}

int brig_apparmor_probe_errno(void)
{
#if HAVE_APPARMOR
    /* A kernel without AppArmor has no module directory: one stat answers
     * what aa_is_enabled() takes six system calls to (it opens "enabled"
     * and "available" twice each), in every `brig create`. */
    if (access("/sys/module/apparmor", F_OK) < 0 && errno == ENOENT)
        return ENOSYS;
    errno = 0;
    if (aa_is_enabled() == 1)
        return 0;
    return errno ? errno : ENOSYS;
#else
    return ENOSYS;
#endif
}

const char *brig_apparmor_state(int aa_errno)
{
    switch (aa_errno) {
    case 0:
        return "enabled";
    case ENOSYS:
        return "not available (kernel without AppArmor, or brig built without libapparmor)";
    case ECANCELED:
        return "available but disabled at boot";
    case ENOENT:
        return "enabled but securityfs is not mounted at /sys/kernel/security";
    case EBUSY:
        return "in the kernel but another LSM holds the shared interfaces";
    case EACCES:
    case EPERM:
        return "unknown: no permission to read the AppArmor state";
    case ENOMEM:
        return "unknown: out of memory while checking";
    default:
        return "unknown state";
    }
}

bool brig_apparmor_name_valid(const char *name)
{
    if (!name || !*name || strlen(name) > 200 || streq(name, "unconfined"))
        return false;
    for (const char *p = name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '_' || *p == '.' || *p == '-'))
            return false;
    return name[0] != '-' && name[0] != '.';
}

static void append(char **buf, size_t *len, const char *s, size_t n)
{
    *buf = xrealloc(*buf, *len + n + 1);
    memcpy(*buf + *len, s, n);
    *len += n;
    (*buf)[*len] = '\0';
}

int brig_apparmor_render(const char *name, unsigned includes, char **ret, BrigError **err)
{
    static const struct {
        const char *marker;
        unsigned needs;
    } markers[] = {
        {"@ABI3@", BRIG_AA_ABI3},
        {"@TUNABLES@", BRIG_AA_TUNABLES},
        /* abstractions/base uses tunables variables: without them it does not parse */
        {"@BASE@", BRIG_AA_BASE | BRIG_AA_TUNABLES},
    };
    if (!brig_apparmor_name_valid(name))
        return brig_error_set(err, EINVAL, "\"%s\" is not a usable AppArmor profile name",
                              name ? name : "");
    char *out = xstrdup("");
    size_t len = 0;
    const char *p = brig_apparmor_template, *end = p + brig_apparmor_template_len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *eol = nl ? nl + 1 : end;
        /* "##" lines document the template itself */
        bool keep = !((size_t)(eol - p) >= 2 && p[0] == '#' && p[1] == '#');
        for (size_t i = 0; i < ELEMENTSOF(markers); i++) {
            size_t ml = strlen(markers[i].marker);
            if ((size_t)(eol - p) >= ml && memcmp(p, markers[i].marker, ml) == 0) {
                keep = (includes & markers[i].needs) == markers[i].needs;
                p += ml;
                break;
            }
        }
        while (keep && p < eol) {
            const char *at = memmem(p, (size_t)(eol - p), "@NAME@", 6);
            if (!at) {
                append(&out, &len, p, (size_t)(eol - p));
                break;
            }
            append(&out, &len, p, (size_t)(at - p));
            append(&out, &len, name, strlen(name));
            p = at + 6;
        }
        p = eol;
    }
    *ret = out;
    return 0;
}

int brig_apparmor_is_loaded(const char *profiles_file, const char *name, bool *ret, BrigError **err)
{
    _cleanup_free_ char *mode = NULL;
    int r = brig_apparmor_profile_mode(profiles_file, name, &mode, err);
    if (r == 0)
        *ret = mode != NULL;
    return r;
}

int brig_apparmor_profile_mode(const char *profiles_file, const char *name, char **ret_mode,
                               BrigError **err)
{
    _cleanup_close_ int fd = open(profiles_file, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return brig_error_errno(err, errno, "cannot read the loaded AppArmor profiles (%s)",
                                profiles_file);
    FILE *f = fdopen(fd, "r");
    if (!f)
        return brig_error_errno(err, errno, "%s", profiles_file);
    TAKE_FD(fd);
    _cleanup_free_ char *line = NULL;
    size_t cap = 0, nl = strlen(name);
    ssize_t n;
    *ret_mode = NULL;
    /* "NAME (enforce)": the name is everything before the last " (" */
    while ((n = getline(&line, &cap, f)) > 0) {
        char *mode = strrchr(line, '(');
        if (mode && mode > line && mode[-1] == ' ' && (size_t)(mode - 1 - line) == nl &&
            memcmp(line, name, nl) == 0) {
            *ret_mode = xstrndup(mode + 1, strcspn(mode + 1, ")\n"));
            break;
        }
    }
    fclose(f);
    return 0;
}

static char *find_parser(void)
{
    static const char *const fixed[] = {"/sbin/apparmor_parser", "/usr/sbin/apparmor_parser"};
    for (size_t i = 0; i < ELEMENTSOF(fixed); i++)
        if (access(fixed[i], X_OK) == 0)
            return xstrdup(fixed[i]);
    const char *path = getenv("PATH");
    if (!path)
        return NULL;
    _cleanup_free_ char *copy = xstrdup(path);
    char *save = NULL;
    for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
        if (dir[0] != '/')
            continue; /* a relative PATH entry would depend on brig's cwd */
        char *p = xasprintf("%s/apparmor_parser", dir);
        if (access(p, X_OK) == 0)
            return p;
        free(p);
    }
    return NULL;
}

static int write_all(int fd, const char *s, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, s, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -errno;
        s += w;
        n -= (size_t)w;
    }
    return 0;
}

int brig_apparmor_parser_run(const char *parser, const char *const *flags, const char *text,
                             BrigError **err)
{
    int in[2], errp[2];
    if (pipe2(in, O_CLOEXEC) < 0)
        return brig_error_errno(err, errno, "pipe");
    if (pipe2(errp, O_CLOEXEC) < 0) {
        int e = errno;
        close(in[0]);
        close(in[1]);
        return brig_error_errno(err, e, "pipe");
    }
    const char *argv[16] = {parser};
    size_t n = 1;
    for (size_t i = 0; flags && flags[i] && n < ELEMENTSOF(argv) - 1; i++)
        argv[n++] = flags[i];
    argv[n] = NULL;

    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        close(in[0]), close(in[1]), close(errp[0]), close(errp[1]);
        return brig_error_errno(err, e, "fork");
    }
    if (pid == 0) {
        /* dup2 clears O_CLOEXEC on the copies only; stdout goes with stderr
         * so the parser never writes into the container's stdio */
        if (dup2(in[0], STDIN_FILENO) < 0 || dup2(errp[1], STDOUT_FILENO) < 0 ||
            dup2(errp[1], STDERR_FILENO) < 0)
            _exit(127);
        signal(SIGPIPE, SIG_DFL);
        execv(parser, (char *const *)argv);
        _exit(127);
    }
    close(in[0]);
    close(errp[1]);
    /* brig may run with SIGPIPE ignored or not: a parser that exits early
     * must give EPIPE here, not kill brig */
    void (*old)(int) = signal(SIGPIPE, SIG_IGN);
    int wr = write_all(in[1], text, strlen(text));
    close(in[1]);
    signal(SIGPIPE, old);

    char msg[4096];
    size_t len = 0;
    for (;;) {
        ssize_t r = read(errp[0], msg + len, sizeof(msg) - 1 - len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        len += (size_t)r;
        if (len == sizeof(msg) - 1) {
            /* keep draining so the parser never blocks on a full pipe */
            char sink[512];
            while (read(errp[0], sink, sizeof(sink)) > 0)
                ;
            break;
        }
    }
    msg[len] = '\0';
    close(errp[0]);
    while (len > 0 && (msg[len - 1] == '\n' || msg[len - 1] == ' '))
        msg[--len] = '\0';
    for (char *c = msg; *c; c++)
        if (*c == '\n')
            *c = ' '; /* one line for the engine's log */

    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return brig_error_errno(err, errno, "waitpid");
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && wr == 0)
        return 0;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127 && len == 0)
        return brig_error_set(err, ENOENT, "cannot run %s", parser);
    return brig_error_set(
        err, EIO, "%s %s failed (%s%d)%s%s", parser, flags && flags[0] ? flags[0] : "",
        WIFEXITED(status) ? "exit status " : "signal ",
        WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status), len ? ": " : "", msg);
}

static int lock_open(const char *path, BrigError **err)
{
    /* /run/brig may not exist yet; its parent is root's */
    _cleanup_free_ char *dir = xstrdup(path);
    char *slash = strrchr(dir, '/');
    if (slash && slash != dir) {
        *slash = '\0';
        if (mkdir(dir, 0700) < 0 && errno != EEXIST)
            return brig_error_errno(err, errno, "cannot create %s", dir);
    }
    int fd = brig_open_regular(AT_FDCWD, path, O_RDWR | O_CREAT, 0600, err);
    if (fd < 0)
        return brig_error_prefix(err, "cannot open the lock");
    while (flock(fd, LOCK_EX) < 0) {
        if (errno != EINTR) {
            int e = errno;
            close(fd);
            return brig_error_errno(err, e, "cannot lock %s", path);
        }
    }
    return fd;
}

int brig_apparmor_ensure(const BrigAppArmorEnv *env, const char *name, bool *ret_loaded,
                         BrigError **err)
{
    static const BrigAppArmorEnv none = {0};
    if (!env)
        env = &none;
    const char *profiles = env->profiles_file ? env->profiles_file : BRIG_APPARMOR_PROFILES;
    const char *lock = env->lock_file ? env->lock_file : BRIG_APPARMOR_LOCK;
    const char *etc = env->etc_dir ? env->etc_dir : BRIG_APPARMOR_ETC;
    bool loaded = false;
    if (ret_loaded)
        *ret_loaded = false;

    /* The common case, the profile already loaded, takes no lock. */
    int r = brig_apparmor_is_loaded(profiles, name, &loaded, err);
    if (r < 0 || loaded)
        return r;
    if (!streq(name, BRIG_APPARMOR_PROFILE))
        return brig_error_set(err, ENOENT,
                              "AppArmor profile \"%s\" is not loaded, and brig only loads its "
                              "own profile \"%s\"",
                              name, BRIG_APPARMOR_PROFILE);

    _cleanup_close_ int fd = lock_open(lock, err);
    if (fd < 0)
        return fd;
    /* Another brig may have loaded it while this one waited for the lock. */
    r = brig_apparmor_is_loaded(profiles, name, &loaded, err);
    if (r < 0 || loaded)
        return r;

    _cleanup_free_ char *text = NULL;
    r = brig_apparmor_render(name, brig_apparmor_probe_includes(etc), &text, err);
    if (r < 0)
        return r;
    _cleanup_free_ char *parser = env->parser ? xstrdup(env->parser) : find_parser();
    if (!parser)
        return brig_error_set(
            err, ENOENT, "cannot load AppArmor profile \"%s\": apparmor_parser not found", name);
    /* -K: no cache (a stale cache could load an old rendering); -r: replace */
    static const char *const flags[] = {"-Kr", NULL};
    r = brig_apparmor_parser_run(parser, flags, text, err);
    if (r < 0)
        return brig_error_prefix(err, "cannot load AppArmor profile \"%s\"", name);
    r = brig_apparmor_is_loaded(profiles, name, &loaded, err);
    if (r < 0)
        return r;
    if (!loaded)
        return brig_error_set(err, EIO,
                              "AppArmor profile \"%s\" is not listed in %s after loading it", name,
                              profiles);
    if (ret_loaded)
        *ret_loaded = true;
    return 0;
}
