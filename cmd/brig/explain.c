/* SPDX-License-Identifier: GPL-2.0-or-later */
/* brig explain [--root R] [--format text|json] ID: what brig changed in a
 * container it created, and why.
 *
 * The config the engine wrote is overwritten at create, so brig keeps the
 * report (with the original values) in a record of its own:
 *
 *   /run/brig/explain/<root key>/<id>.json
 *
 * The root key is the first 16 hex digits of the SHA-256 of the runtime's
 * --root as the engine passed it (without trailing slashes; "" without
 * --root), so two engines that use the same container id (Docker's and
 * Kubernetes' containerd namespaces) do not overwrite each other's record.
 * The record is written at create (brig_output_write_at: a new file,
 * renamed into place; every directory on the way opened without following
 * symbolic links) and removed when
 * brig sees `delete` for the id pass through: brig execs the runtime and
 * never returns, so it is removed before the runtime runs. */
#include <fcntl.h>
#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>

#include "brig.h"
#include "bundle.h"
#include "config.h"
#include "findings.h"
#include "log.h"
#include "sha256.h"

#define EXPLAIN_DIR "/run/brig/explain"

/* The container id as a file name: runc allows [\w+.-]; anything that
 * could name another file gets no record. */
static bool id_usable(const char *id)
{
    if (!id || !*id || strlen(id) > 1024 || streq(id, ".") || streq(id, ".."))
        return false;
    return !strchr(id, '/');
}

static char *root_key(const char *root)
{
    _cleanup_free_ char *r = xstrdup(root ? root : "");
    size_t n = strlen(r);
    while (n > 1 && r[n - 1] == '/')
        r[--n] = '\0';
    uint8_t d[32];
    brig_sha256(r, n, d);
    char hex[17];
    for (int i = 0; i < 8; i++)
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
    return xstrdup(hex);
}

/* Opens (creating when asked) dir/name as a directory, never following a
 * symbolic link; -1 on failure. */
static int open_dir_at(int dfd, const char *name, bool create)
{
    if (create && mkdirat(dfd, name, 0700) < 0 && errno != EEXIST)
        return -1;
    return openat(dfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
}

/* The directory of the records for `root`; -1 when it does not exist (or
 * cannot be made). */
static int records_dir(const char *root, bool create)
{
    _cleanup_close_ int run = open("/run", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (run < 0)
        return -1;
    _cleanup_close_ int brig = open_dir_at(run, "brig", create);
    if (brig < 0)
        return -1;
    _cleanup_close_ int ex = open_dir_at(brig, "explain", create);
    if (ex < 0)
        return -1;
    _cleanup_free_ char *key = root_key(root);
    return open_dir_at(ex, key, create);
}

static BrigJson *value(const char *text)
{
    if (!text)
        return brig_json_new(BRIG_JSON_NULL);
    BrigJson *j = NULL;
    _cleanup_(brig_error_freep) BrigError *e = NULL;
    if (brig_json_parse(text, strlen(text), "value", 0, &j, &e) < 0)
        return brig_json_new_string(text);
    return j;
}

static BrigJson *record_json(const BrigArgv *a, const BrigHardenFile *h, const char *decision)
{
    BrigJson *o = brig_json_new(BRIG_JSON_OBJECT);
    char now[64];
    brig_log_time(now, sizeof(now));
    brig_json_set(o, "version", brig_json_new_uint(1));
    brig_json_set(o, "id", brig_json_new_string(a->id));
    brig_json_set(o, "root",
                  a->root ? brig_json_new_string(a->root) : brig_json_new(BRIG_JSON_NULL));
    brig_json_set(o, "command", brig_json_new_string(a->cmd));
    brig_json_set(o, "bundle",
                  a->bundle ? brig_json_new_string(a->bundle) : brig_json_new(BRIG_JSON_NULL));
    brig_json_set(o, "config", brig_json_new_string(h->path));
    brig_json_set(o, "time", brig_json_new_string(now));
    brig_json_set(o, "brigVersion", brig_json_new_string(BRIG_VERSION));
    brig_json_set(o, "engine", brig_json_new_string(h->engine ? h->engine : "direct"));
    brig_json_set(o, "policy", brig_json_new_string(brig_policy_source(h->policy)));
    brig_json_set(o, "policyDigest", brig_json_new_string(h->policy->digest));
    brig_json_set(o, "mode", brig_json_new_string(brig_mode_name(h->policy->mode)));
    brig_json_set(o, "decision", brig_json_new_string(decision));
    BrigJson *arr = brig_json_new(BRIG_JSON_ARRAY);
    for (size_t i = 0; i < h->rep.n; i++) {
        const BrigChange *c = &h->rep.v[i];
        BrigJson *x = brig_json_new(BRIG_JSON_OBJECT);
        _cleanup_free_ char *rule = brig_change_rule_id(c);
        brig_json_set(x, "kind", brig_json_new_string(brig_change_kind_name(c->kind)));
        brig_json_set(x, "rule", brig_json_new_string(rule));
        brig_json_set(x, "pointer", brig_json_new_string(c->pointer));
        if (c->kind != BRIG_NOTE) {
            brig_json_set(x, "before", value(c->before));
            brig_json_set(x, "after", value(c->after));
        }
        brig_json_set(x, "reason", brig_json_new_string(c->reason));
        brig_json_append(arr, x);
    }
    brig_json_set(o, "changes", arr);
    return o;
}

void explain_record_save(const BrigArgv *a, const BrigHardenFile *h, const char *decision)
{
    if (!id_usable(a->id) || !h->policy)
        return;
    _cleanup_close_ int dfd = records_dir(a->root, true);
    if (dfd < 0)
        return;
    _cleanup_(brig_json_freep) BrigJson *o = record_json(a, h, decision);
    size_t len;
    _cleanup_free_ char *text = brig_json_serialize(o, BRIG_JSON_PRETTY, &len);
    _cleanup_free_ char *name = xasprintf("%s.json", a->id);
    _cleanup_(brig_error_freep) BrigError *e = NULL;
    (void)brig_output_write_at(dfd, name, text, len, 0600, &e);
}

void explain_record_remove(const BrigArgv *a)
{
    if (!streq(a->cmd, "delete") || a->help || !id_usable(a->id))
        return;
    _cleanup_close_ int dfd = records_dir(a->root, false);
    if (dfd < 0)
        return;
    _cleanup_free_ char *name = xasprintf("%s.json", a->id);
    (void)unlinkat(dfd, name, 0);
}

/* ---- brig explain ---- */

static void explain_usage(FILE *out)
{
    fprintf(out, "Usage: brig explain [--root DIR] [--format text|json] ID\n"
                 "Shows what brig changed in container ID when it was created, and why, with\n"
                 "the values the engine had asked for.  brig keeps this record under\n" EXPLAIN_DIR
                 " from create until delete.\n"
                 "  --root DIR      the runtime root the engine uses (runc --root); without it,\n"
                 "                  the one record for ID under any root\n"
                 "  --format F      text (default) or json (the record itself)\n"
                 "A record whose container the runtime no longer has (no DIR/ID) is removed.\n"
                 "Exit status: 0 shown, 1 no record for ID, 2 usage error.\n");
}

static int load_record(int dfd, const char *id, BrigJson **ret, BrigError **err)
{
    _cleanup_free_ char *name = xasprintf("%s.json", id);
    _cleanup_close_ int fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
    if (fd < 0)
        return -errno;
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > 64 * 1024 * 1024)
        return brig_error_set(err, EINVAL, "the record of %s is not a regular file", id);
    _cleanup_free_ char *buf = xmalloc((size_t)st.st_size + 1);
    size_t len = 0;
    while (len < (size_t)st.st_size) {
        ssize_t n = read(fd, buf + len, (size_t)st.st_size - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        len += (size_t)n;
    }
    return brig_json_parse(buf, len, name, 0, ret, err);
}

/* A record whose container the runtime no longer has: runc and crun keep
 * a container's state in ROOT/ID, and a container that ended without a
 * `delete` through brig (a foreground `run`, a runtime called directly)
 * leaves its record behind.  Such a record is removed, not shown: it
 * would describe whatever container next takes the id.  Without a root
 * (the runtime's default) nothing is judged. */
static bool record_stale(int dfd, const char *id, const BrigJson *rec)
{
    const char *root = brig_json_str(brig_json_get(rec, "root"));
    if (!root)
        return false;
    _cleanup_free_ char *state = xasprintf("%s/%s", root, id);
    struct stat st;
    if (lstat(state, &st) == 0 || errno != ENOENT)
        return false;
    _cleanup_free_ char *name = xasprintf("%s.json", id);
    (void)unlinkat(dfd, name, 0);
    return true;
}

/* Without --root: every root's record of the id; more than one is an
 * error that lists them. */
static int find_record(const char *id, BrigJson **ret, BrigError **err)
{
    _cleanup_close_ int ex = open(EXPLAIN_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (ex < 0)
        return -ENOENT;
    _cleanup_close_ int scan = dup(ex);
    DIR *d = scan >= 0 ? fdopendir(TAKE_FD(scan)) : NULL;
    if (!d)
        return -ENOENT;
    BrigJson *found = NULL;
    _cleanup_free_ char *roots = NULL;
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        _cleanup_close_ int sub = open_dir_at(ex, de->d_name, false);
        BrigJson *j = NULL;
        _cleanup_(brig_error_freep) BrigError *e = NULL;
        if (sub < 0 || load_record(sub, id, &j, &e) < 0)
            continue;
        if (record_stale(sub, id, j)) {
            brig_json_free(j);
            continue;
        }
        const char *root = brig_json_str(brig_json_get(j, "root"));
        char *next =
            xasprintf("%s%s%s", roots ? roots : "", roots ? ", " : "", root ? root : "(no --root)");
        free(roots);
        roots = next;
        if (n++)
            brig_json_free(j);
        else
            found = j;
    }
    closedir(d);
    if (n > 1) {
        brig_json_free(found);
        return brig_error_set(
            err, EEXIST, "explain: %s exists under %zu runtime roots (%s): name one with --root",
            id, n, roots);
    }
    if (!n)
        return -ENOENT;
    *ret = found;
    return 0;
}

static void print_value(const char *label, const BrigJson *v)
{
    _cleanup_free_ char *s =
        v && v->type != BRIG_JSON_NULL ? brig_json_serialize(v, 0, NULL) : xstrdup("(absent)");
    printf("    %s %s\n", label, s);
}

static void print_record(const BrigJson *r)
{
    const char *root = brig_json_str(brig_json_get(r, "root"));
    printf("container %s (%s %s, bundle %s%s%s)\n", brig_json_str(brig_json_get(r, "id")),
           brig_json_str(brig_json_get(r, "command")), brig_json_str(brig_json_get(r, "time")),
           brig_json_str(brig_json_get(r, "bundle")) ?: ".", root ? ", root " : "",
           root ? root : "");
    const BrigJson *changes = brig_json_get(r, "changes"), *c;
    size_t fixes = 0, notes = 0, refused = 0;
    BRIG_JSON_FOREACH (c, changes) {
        const char *k = brig_json_str(brig_json_get(c, "kind"));
        fixes += streq(k, "fix");
        notes += streq(k, "note");
        refused += streq(k, "refuse");
    }
    printf("%s under %s (mode %s, %s): %zu change%s, %zu note%s\n",
           brig_json_str(brig_json_get(r, "decision")), brig_json_str(brig_json_get(r, "policy")),
           brig_json_str(brig_json_get(r, "mode")), brig_json_str(brig_json_get(r, "policyDigest")),
           fixes, fixes == 1 ? "" : "s", notes, notes == 1 ? "" : "s");
    BRIG_JSON_FOREACH (c, changes) {
        const char *k = brig_json_str(brig_json_get(c, "kind"));
        printf("\n%-6s %s  [%s]\n", k, brig_json_str(brig_json_get(c, "pointer")),
               brig_json_str(brig_json_get(c, "rule")));
        if (!streq(k, "note")) {
            print_value("was:", brig_json_get(c, "before"));
            if (streq(k, "fix"))
                print_value("now:", brig_json_get(c, "after"));
        }
        printf("    why: %s\n", brig_json_str(brig_json_get(c, "reason")));
    }
    (void)refused;
}

int cmd_explain(int argc, char **argv, const BrigArgv *a, BrigError **err)
{
    static const struct option opts[] = {
        {"root", required_argument, NULL, 'r'},
        {"format", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {0},
    };
    static const char *const formats[] = {"text", "json", NULL};
    const char *root = a->root, *format = "text";
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "r:f:h", opts, NULL)) != -1) {
        switch (c) {
        case 'r':
            root = optarg;
            break;
        case 'f':
            format = optarg;
            break;
        case 'h':
            explain_usage(stdout);
            return BRIG_EXIT_OK;
        default:
            explain_usage(stderr);
            return BRIG_EXIT_USAGE;
        }
    }
    int fmt = cli_format("explain", format, formats, err);
    if (fmt < 0)
        return BRIG_EXIT_USAGE;
    if (optind != argc - 1) {
        explain_usage(stderr);
        return BRIG_EXIT_USAGE;
    }
    const char *id = argv[optind];
    if (!id_usable(id)) {
        brig_error_set(err, EINVAL, "explain: \"%s\" is not a container id", id);
        return BRIG_EXIT_USAGE;
    }
    _cleanup_(brig_json_freep) BrigJson *rec = NULL;
    int r;
    if (root) {
        _cleanup_close_ int dfd = records_dir(root, false);
        r = dfd < 0 ? -ENOENT : load_record(dfd, id, &rec, err);
        if (r == 0 && record_stale(dfd, id, rec)) {
            brig_json_free(TAKE_PTR(rec));
            r = -ENOENT;
        }
    } else {
        r = find_record(id, &rec, err);
    }
    if (r == -ENOENT && !*err) {
        brig_error_set(err, ENOENT,
                       "explain: no record of container %s%s%s: brig keeps one from create to "
                       "delete, for containers it created as root",
                       id, root ? " under root " : "", root ? root : "");
        return BRIG_EXIT_REFUSED;
    }
    if (r < 0)
        return BRIG_EXIT_REFUSED;
    if (fmt == 1) {
        _cleanup_free_ char *s = brig_json_serialize(rec, BRIG_JSON_PRETTY, NULL);
        fputs(s, stdout);
    } else {
        print_record(rec);
    }
    return BRIG_EXIT_OK;
}
