/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The default policy's decisions, observed on what brig_harden() writes for
 * whole configs, through the same invariant checker the harden fuzzer uses
 * (tests/fuzz/invariants.c).  Nothing here names a pass or a table inside
 * one, so these tests hold across rewrites of the passes; they exist because
 * mutants of those tables (tools/mutate) survived the per-pass suites. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "harden.h"
#include "invariants.h"
#include "policy.h"
#include "spec/table.h"
#include "testutil.h"

typedef struct {
    BrigCtx ctx;
    BrigHost host;
    BrigPolicy *policy;
    BrigReport rep;
    BrigJson *in, *out;
} Hardened;

/* Hardens text with the built-in policy; the result and its report stay in h. */
static void harden(Hardened *h, const char *text)
{
    memset(h, 0, sizeof(*h));
    tu_ctx(&h->ctx, &h->host, &h->policy);
    h->in = tu_parse(text);
    h->out = brig_json_copy(h->in);
    BrigError *err = NULL;
    int r = brig_harden(&h->ctx, h->out, &h->rep, &err);
    ck_assert_msg(r == 0, "harden failed: %s", err ? err->msg : "?");
}

static void hardened_done(Hardened *h)
{
    brig_report_clear(&h->rep);
    brig_json_free(h->in);
    brig_json_free(h->out);
    brig_policy_free(h->policy);
}

/* A reason of a refusal, for messages; "" if none. */
static const char *refusal(const Hardened *h)
{
    for (size_t i = 0; i < h->rep.n; i++)
        if (h->rep.v[i].kind == BRIG_REFUSE)
            return h->rep.v[i].reason;
    return "";
}

/* A config with one mount and everything else a runtime needs. */
static char *with_mount(const char *mount_json)
{
    return xasprintf("{\"ociVersion\":\"1.0.2\",\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\"},"
                     "\"root\":{\"path\":\"rootfs\"},\"mounts\":[%s],"
                     "\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"ipc\"},"
                     "{\"type\":\"uts\"},{\"type\":\"mount\"},{\"type\":\"network\"}]}}",
                     mount_json);
}

/* Every engine-socket and engine-state path, and the host's own system
 * directories, bound into a container: refused. */
START_TEST(test_sensitive_binds_refused)
{
    static const char *const sources[] = {
        "/run/containerd/containerd.sock",
        "/var/run/containerd/containerd.sock",
        "/run/containerd",
        "/run/crio/crio.sock",
        "/run/podman/podman.sock",
        "/var/lib/containerd",
        "/var/lib/containerd/io.containerd.content.v1.content",
        "/run/docker.sock",
        "/var/lib/docker",
        "/root",
        "/boot",
        "/etc",
        "/",
        "/proc/sys",
        "/sys",
    };
    for (size_t i = 0; i < ELEMENTSOF(sources); i++) {
        _cleanup_free_ char *m =
            xasprintf("{\"destination\":\"/x\",\"type\":\"bind\",\"source\":\"%s\","
                      "\"options\":[\"rbind\",\"ro\"]}",
                      sources[i]);
        _cleanup_free_ char *cfg = with_mount(m);
        Hardened h;
        harden(&h, cfg);
        ck_assert_msg(fuzz_refused(&h.rep), "a bind of %s was accepted", sources[i]);
        hardened_done(&h);
    }
}
END_TEST

/* Every directory of an overlay is a host path: lowerdir, upperdir (the one
 * the container writes to) and workdir. */
START_TEST(test_overlay_dirs_refused)
{
    static const char *const opts[] = {
        "\"lowerdir=/etc\",\"upperdir=/srv/u\",\"workdir=/srv/w\"",
        "\"lowerdir=/srv/l\",\"upperdir=/etc\",\"workdir=/srv/w\"",
        "\"lowerdir=/srv/l\",\"upperdir=/srv/u\",\"workdir=/etc\"",
        "\"lowerdir=/srv/l:/var/lib/containerd\",\"upperdir=/srv/u\",\"workdir=/srv/w\"",
    };
    for (size_t i = 0; i < ELEMENTSOF(opts); i++) {
        _cleanup_free_ char *m = xasprintf(
            "{\"destination\":\"/x\",\"type\":\"overlay\",\"source\":\"overlay\",\"options\":[%s]}",
            opts[i]);
        _cleanup_free_ char *cfg = with_mount(m);
        Hardened h;
        harden(&h, cfg);
        ck_assert_msg(fuzz_refused(&h.rep), "overlay [%s] was accepted", opts[i]);
        hardened_done(&h);
    }
    /* and the same overlay of harmless directories runs, once the policy
     * grants the type (mountTypes) */
    _cleanup_free_ char *cfg =
        with_mount("{\"destination\":\"/x\",\"type\":\"overlay\",\"source\":\"overlay\","
                   "\"options\":[\"lowerdir=/srv/l\",\"upperdir=/srv/u\",\"workdir=/srv/w\"]}");
    Hardened h;
    harden(&h, cfg);
    ck_assert_msg(fuzz_refused(&h.rep), "overlay was accepted without a mountTypes grant");
    hardened_done(&h);
    memset(&h, 0, sizeof(h));
    tu_ctx(&h.ctx, &h.host, &h.policy);
    h.policy->mount_types = (strv_free(h.policy->mount_types), xcalloc(2, sizeof(char *)));
    h.policy->mount_types[0] = xstrdup("overlay");
    h.in = tu_parse(cfg);
    h.out = brig_json_copy(h.in);
    BrigError *err = NULL;
    ck_assert_int_eq(brig_harden(&h.ctx, h.out, &h.rep, &err), 0);
    ck_assert_msg(!fuzz_refused(&h.rep), "a harmless overlay was refused: %s", refusal(&h));
    const char *why = fuzz_check_spec(h.in, h.out, h.policy);
    ck_assert_msg(!why, "%s", why);
    hardened_done(&h);
}
END_TEST

/* shared and rshared, on a mount or the root: mounts made inside would reach
 * the host.  None survives, whichever spelling. */
START_TEST(test_no_shared_propagation)
{
    static const char *const props[] = {"shared", "rshared"};
    for (size_t i = 0; i < ELEMENTSOF(props); i++) {
        _cleanup_free_ char *m = xasprintf("{\"destination\":\"/x\",\"type\":\"bind\","
                                           "\"source\":\"/srv/x\",\"options\":[\"rbind\",\"%s\"]}",
                                           props[i]);
        _cleanup_free_ char *cfg0 = with_mount(m);
        /* the root's propagation too */
        _cleanup_free_ char *cfg =
            xasprintf("%.*s,\"rootfsPropagation\":\"%s\"}}", (int)strlen(cfg0) - 2, cfg0, props[i]);
        Hardened h;
        harden(&h, cfg);
        ck_assert_msg(!fuzz_refused(&h.rep), "%s: refused: %s", props[i], refusal(&h));
        const char *why = fuzz_check_spec(h.in, h.out, h.policy);
        ck_assert_msg(!why, "%s: %s", props[i], why);
        const BrigJson *opts = brig_json_get_path(h.out, "mounts");
        ck_assert_uint_ge(opts->n, 1);
        hardened_done(&h);
    }
}
END_TEST

/* Every captured engine config: refused, or hardened so that every
 * invariant holds.  And the checker can fail: the unhardened input breaks at
 * least one invariant. */
START_TEST(test_real_configs)
{
    _cleanup_free_ char *dir = xasprintf("%s/configs", BRIG_TEST_DATA);
    DIR *d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    struct dirent *e;
    size_t checked = 0, refused = 0;
    while ((e = readdir(d))) {
        size_t nl = strlen(e->d_name);
        if (nl < 5 || !streq(e->d_name + nl - 5, ".json") || strstr(e->d_name, "-process") ||
            strstr(e->d_name, "rootless"))
            continue;
        _cleanup_free_ char *rel = xasprintf("configs/%s", e->d_name);
        _cleanup_free_ char *text = tu_read_data(rel, NULL);
        Hardened h;
        harden(&h, text);
        const char *raw = fuzz_check_spec(h.in, h.in, h.policy);
        ck_assert_msg(raw != NULL, "%s: the unhardened config passes every invariant?", rel);
        if (fuzz_refused(&h.rep)) {
            refused++;
        } else {
            const char *why = fuzz_check_spec(h.in, h.out, h.policy);
            ck_assert_msg(!why, "%s: %s", rel, why);
            checked++;
        }
        hardened_done(&h);
    }
    closedir(d);
    ck_assert_uint_ge(checked, 8);
    ck_assert_uint_ge(refused, 2);
}
END_TEST

/* What the fixes are, on the engines' own configs. */
START_TEST(test_engine_fixes)
{
    _cleanup_free_ char *docker = tu_read_data("configs/docker-plain.json", NULL);
    Hardened h;
    harden(&h, docker);
    ck_assert(!fuzz_refused(&h.rep));
    /* Docker's profile is replaced by brig's (it allows what brig denies) */
    const char *before = brig_json_str(brig_json_get_path(h.in, "linux/seccomp/defaultAction"));
    ck_assert_str_eq(before, "SCMP_ACT_ERRNO");
    ck_assert(!brig_json_equal(brig_json_get_path(h.in, "linux/seccomp"),
                               brig_json_get_path(h.out, "linux/seccomp")));
    /* gid 0 leaves additionalGids; a pids limit appears */
    const BrigJson *g, *gids = brig_json_get_path(h.out, "process/user/additionalGids");
    BRIG_JSON_FOREACH (g, gids)
        ck_assert_str_ne(g->text, "0");
    int64_t limit = 0;
    ck_assert_int_eq(
        brig_json_to_int64(brig_json_get_path(h.out, "linux/resources/pids/limit"), &limit), 0);
    ck_assert_int_gt(limit, 0);
    hardened_done(&h);

    /* noNewPrivileges false, a pids limit of -1 */
    _cleanup_free_ char *cfg = xasprintf(
        "{\"ociVersion\":\"1.0.2\",\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\","
        "\"noNewPrivileges\":false,\"user\":{\"uid\":0,\"gid\":0,\"additionalGids\":[0,10]}},"
        "\"root\":{\"path\":\"rootfs\",\"readonly\":false},"
        "\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"ipc\"},"
        "{\"type\":\"uts\"},{\"type\":\"mount\"},{\"type\":\"network\"}],"
        "\"resources\":{\"pids\":{\"limit\":-1}}}}");
    harden(&h, cfg);
    ck_assert(!fuzz_refused(&h.rep));
    const char *why = fuzz_check_spec(h.in, h.out, h.policy);
    ck_assert_msg(!why, "%s", why);
    ck_assert(brig_json_is_true(brig_json_get_path(h.out, "process/noNewPrivileges")));
    hardened_done(&h);

    /* docker --pid=host: refused, not silently given a private one */
    _cleanup_free_ char *hostns = tu_read_data("configs/docker-hostns.json", NULL);
    harden(&h, hostns);
    ck_assert(fuzz_refused(&h.rep));
    ck_assert_ptr_nonnull(strstr(refusal(&h), "pid namespace"));
    hardened_done(&h);
}
END_TEST

/* The checker itself: each invariant, broken alone, is reported. */
START_TEST(test_checker_catches_each_invariant)
{
    _cleanup_free_ char *docker = tu_read_data("configs/docker-plain.json", NULL);
    Hardened h;
    harden(&h, docker);
    ck_assert_ptr_null(fuzz_check_spec(h.in, h.out, h.policy));
    static const struct {
        const char *path, *json, *needle;
    } breaks[] = {
        {"process/noNewPrivileges", "false", "noNewPrivileges"},
        {"linux/resources/pids/limit", "-1", "pids limit"},
        {"linux/seccomp", "{\"defaultAction\":\"SCMP_ACT_ALLOW\"}", "seccomp"},
        {"linux/namespaces",
         "[{\"type\":\"ipc\"},{\"type\":\"uts\"},{\"type\":\"mount\"},"
         "{\"type\":\"network\"},{\"type\":\"cgroup\"}]",
         "pid namespace"},
        {"linux/rootfsPropagation", "\"rshared\"", "rshared"},
        {"linux/devices", "[{\"path\":\"/dev/sda\",\"type\":\"b\",\"major\":8,\"minor\":0}]",
         "default device"},
        {"linux/resources/devices", "[{\"allow\":true,\"access\":\"rwm\"}]", "deny-all"},
        {"mounts",
         "[{\"destination\":\"/x\",\"type\":\"bind\",\"source\":\"/run/crio\","
         "\"options\":[\"rbind\",\"nosuid\",\"nodev\"]}]",
         "sensitive"},
        {"mounts", "[{\"destination\":\"/x\",\"type\":\"tmpfs\",\"source\":\"tmpfs\"}]",
         "tmpfs of 0 pages"},
        {"mounts",
         "[{\"destination\":\"/x\",\"type\":\"tmpfs\",\"source\":\"tmpfs\","
         "\"options\":[\"size=1m\",\"nr_inodes=9\",\"size=0\"]}]",
         "tmpfs of 0 pages"},
        {"mounts",
         "[{\"destination\":\"/x\",\"type\":\"tmpfs\",\"source\":\"tmpfs\","
         "\"options\":[\"size=1m\"]}]",
         "tmpfs of 0 inodes"},
        {"mounts",
         "[{\"destination\":\"/x\",\"type\":\"tmpfs\",\"source\":\"tmpfs\","
         "\"options\":[\"size=16e\",\"nr_inodes=9\"]}]",
         "tmpfs option size=16e kept"},
        {"process/user/additionalGids", "[0]", "additionalGids"},
        {"linux/sysctl", "{\"kernel.core_pattern\":\"|/x\"}", "sysctl"},
        {"annotations", "{\"run.oci.handler\":\"krun\"}", "annotation"},
        {"root/readonly", "false", "writable"},
        {"process/oomScoreAdj", "-1000", "oomScoreAdj"},
        {"process/rlimits", "[{\"type\":\"RLIMIT_RTPRIO\",\"hard\":99,\"soft\":0}]", "ceiling"},
        {"process/rlimits", "[{\"type\":\"RLIMIT_FOO\",\"hard\":0,\"soft\":0}]", "rlimit"},
    };
    for (size_t i = 0; i < ELEMENTSOF(breaks); i++) {
        _cleanup_(brig_json_freep) BrigJson *bad = brig_json_copy(h.out);
        char parent[128];
        snprintf(parent, sizeof(parent), "%s", breaks[i].path);
        char *slash = strrchr(parent, '/');
        BrigJson *obj = bad;
        const char *key = breaks[i].path;
        if (slash) {
            *slash = '\0';
            obj = (BrigJson *)brig_json_get_path(bad, parent);
            key = slash + 1;
        }
        ck_assert_msg(obj != NULL, "%s: no parent in docker-plain", breaks[i].path);
        brig_json_set(obj, key, tu_parse(breaks[i].json));
        const char *why = fuzz_check_spec(h.in, bad, h.policy);
        ck_assert_msg(why && strstr(why, breaks[i].needle), "%s=%s: %s", breaks[i].path,
                      breaks[i].json, why ? why : "not caught");
    }
    /* ids judged as the host sees them: a user namespace whose mapping
     * makes the process's uid host root, or that maps host root at all */
    static const struct {
        const char *uid_map, *needle;
    } userns[] = {
        {"[{\"containerID\":0,\"hostID\":100000,\"size\":65534},"
         "{\"containerID\":65534,\"hostID\":0,\"size\":1}]",
         "host uid 0"},
        {"[{\"containerID\":0,\"hostID\":0,\"size\":1},"
         "{\"containerID\":1,\"hostID\":100001,\"size\":65535}]",
         "mapping of host id 0"},
        {"[{\"containerID\":0,\"hostID\":100000,\"size\":1000}]", "unmapped uid"},
    };
    for (size_t i = 0; i < ELEMENTSOF(userns); i++) {
        _cleanup_(brig_json_freep) BrigJson *bad = brig_json_copy(h.out);
        BrigJson *lx = (BrigJson *)brig_json_get(bad, "linux");
        BrigJson *ns = brig_json_new(BRIG_JSON_OBJECT);
        brig_json_set(ns, "type", brig_json_new_string("user"));
        brig_json_append((BrigJson *)brig_json_get(lx, "namespaces"), ns);
        brig_json_set(lx, "uidMappings", tu_parse(userns[i].uid_map));
        brig_json_set(lx, "gidMappings",
                      tu_parse("[{\"containerID\":0,\"hostID\":100000,\"size\":65536}]"));
        const char *why = fuzz_check_spec(h.in, bad, h.policy);
        ck_assert_msg(why && strstr(why, userns[i].needle), "%s: %s", userns[i].uid_map,
                      why ? why : "not caught");
    }
    hardened_done(&h);
}
END_TEST

/* A refused config is left as the engine wrote it: the runtime is never
 * started on it, and a half-hardened file would hide what was asked. */
START_TEST(test_refused_file_untouched)
{
    char dir[] = "/tmp/brig-test-decisions.XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    _cleanup_free_ char *path = xasprintf("%s/config.json", dir);
    _cleanup_free_ char *text = tu_read_data("configs/docker-hostns.json", NULL);
    FILE *f = fopen(path, "we");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    ck_assert_int_eq(fclose(f), 0);

    BrigPolicyDoc *doc = NULL;
    BrigError *err = NULL;
    ck_assert_int_eq(brig_policy_builtin(&doc, &err), 0);
    BrigHost host = {
        .last_cap = 40, .seccomp = true, .mem_total = UINT64_C(8) << 30, .page_size = 4096};
    BrigHardenFile h = {.doc = doc, .host = &host, .path = path, .id = "c1", .bundle = dir};
    ck_assert_int_eq(brig_harden_file(&h, &err), 0);
    ck_assert(brig_harden_refused(&h));
    ck_assert(!h.written);
    size_t len;
    _cleanup_free_ char *after = NULL;
    {
        FILE *g = fopen(path, "re");
        ck_assert_ptr_nonnull(g);
        fseek(g, 0, SEEK_END);
        len = (size_t)ftell(g);
        fseek(g, 0, SEEK_SET);
        after = xmalloc(len + 1);
        ck_assert_uint_eq(fread(after, 1, len, g), len);
        after[len] = '\0';
        fclose(g);
    }
    ck_assert_msg(streq(after, text), "the refused config was rewritten");
    brig_harden_file_done(&h);
    brig_policy_doc_free(doc);
    unlink(path);
    rmdir(dir);
}
END_TEST

/* Whether some node of j matches the row path from token `p` on ("*" is
 * any array index or object key). */
static bool has_path(const BrigJson *j, const char *p)
{
    if (*p == '\0')
        return true;
    if (*p != '/' || !j || (j->type != BRIG_JSON_OBJECT && j->type != BRIG_JSON_ARRAY))
        return false;
    p++;
    size_t n = strcspn(p, "/");
    const BrigJson *k;
    BRIG_JSON_FOREACH (k, j) {
        bool match = n == 1 && p[0] == '*';
        if (!match && j->type == BRIG_JSON_OBJECT)
            match = strlen(k->key) == n && strncmp(k->key, p, n) == 0;
        if (match && has_path(k, p + n))
            return true;
    }
    return false;
}

static void load_seeds(const char *dir, BrigJson **seeds, size_t *n, size_t max)
{
    DIR *d = opendir(dir);
    ck_assert_msg(d != NULL, "cannot open %s", dir);
    struct dirent *e;
    while ((e = readdir(d)) && *n < max) {
        size_t nl = strlen(e->d_name);
        if (nl < 5 || !streq(e->d_name + nl - 5, ".json"))
            continue;
        _cleanup_free_ char *path = xasprintf("%s/%s", dir, e->d_name);
        FILE *f = fopen(path, "re");
        ck_assert_ptr_nonnull(f);
        char *buf = NULL;
        size_t cap = 0;
        ssize_t len = getdelim(&buf, &cap, '\0', f);
        fclose(f);
        BrigJson *j = NULL;
        BrigError *err = NULL;
        if (len > 0 && brig_json_parse(buf, (size_t)len, path, 0, &j, &err) == 0)
            seeds[(*n)++] = j;
        brig_error_free(err);
        free(buf);
    }
    closedir(d);
}

/* The harden fuzzer's seeds (and the engine configs it also starts from)
 * reach every field the spec table marks as decided: a field no seed sets
 * is one the fuzzer is unlikely to ever try. */
START_TEST(test_seeds_cover_decided_fields)
{
    BrigJson *seeds[256];
    size_t n = 0;
    load_seeds(BRIG_FUZZ_CORPUS "/harden", seeds, &n, ELEMENTSOF(seeds));
    load_seeds(BRIG_TEST_DATA "/configs", seeds, &n, ELEMENTSOF(seeds));
    ck_assert_uint_ge(n, 10);
    size_t decided = 0;
    for (size_t i = 0; i < brig_spec_n_fields; i++) {
        const BrigSpecField *f = &brig_spec_fields[i];
        if (f->decision == BRIG_SPEC_KEEP)
            continue;
        decided++;
        bool found = false;
        for (size_t k = 0; k < n && !found; k++)
            found = has_path(seeds[k], f->path);
        ck_assert_msg(found, "no seed in tests/fuzz/corpus/harden sets %s (%s)", f->path, f->why);
    }
    ck_assert_uint_ge(decided, 20);
    for (size_t k = 0; k < n; k++)
        brig_json_free(seeds[k]);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("decisions");
    TCase *tc = tcase_create("decisions");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_sensitive_binds_refused);
    tcase_add_test(tc, test_overlay_dirs_refused);
    tcase_add_test(tc, test_no_shared_propagation);
    tcase_add_test(tc, test_real_configs);
    tcase_add_test(tc, test_engine_fixes);
    tcase_add_test(tc, test_checker_catches_each_invariant);
    tcase_add_test(tc, test_refused_file_untouched);
    tcase_add_test(tc, test_seeds_cover_decided_fields);
    suite_add_tcase(s, tc);
    return tu_run(s);
}
