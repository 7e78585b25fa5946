/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Learn mode's two ends: at create, the config gets the learn profile and
 * a learn daemon listens (lib/learn/); `brig learned ID` prints the policy
 * the learn data calls for. */
#include <getopt.h>
#include <stdio.h>

#include "brig.h"
#include "bundle.h"
#include "learn/learn.h"

int learn_setup(const BrigArgv *a, const char *path, BrigHardenFile *h, const char *runtime,
                BrigError **err)
{
    _cleanup_(brig_file_freep) BrigFile *f = NULL;
    _cleanup_(brig_json_freep) BrigJson *spec = NULL;
    int r = brig_file_load_json(path, &f, &spec, err);
    if (r < 0)
        return r;
    BrigJson *lin = brig_json_get(spec, "linux");
    if (!lin) {
        lin = brig_json_new(BRIG_JSON_OBJECT);
        brig_json_set(spec, "linux", lin);
    }
    if (lin->type != BRIG_JSON_OBJECT)
        return brig_error_set(err, EINVAL, "%s: /linux: expected an object", path);
    const BrigJson *engine = brig_json_get(lin, "seccomp");
    _cleanup_(brig_json_freep) BrigJson *profile = NULL;
    r = brig_learn_profile(engine, &profile, err);
    if (r < 0)
        return brig_error_prefix(err, "learn mode: %s", path);
    /* where the engine mounts something, writes are not the image's */
    const BrigJson *mounts = brig_json_get(spec, "mounts"), *m;
    size_t n = mounts && mounts->type == BRIG_JSON_ARRAY ? mounts->n : 0;
    _cleanup_free_ char **dests = xcalloc(n + 1, sizeof(char *));
    size_t k = 0;
    BRIG_JSON_FOREACH (m, n ? mounts : NULL) {
        const char *d = brig_json_str(brig_json_get(m, "destination"));
        if (d && d[0] == '/')
            dests[k++] = (char *)d;
    }
    /* enforce keeps a non-root uid and gives root the policy's; the same
     * for the gid, and it drops supplementary gid 0 */
    uint64_t uid = 0, gid = 0;
    brig_json_to_uint64(brig_json_get_path(spec, "process/user/uid"), &uid);
    brig_json_to_uint64(brig_json_get_path(spec, "process/user/gid"), &gid);
    const BrigJson *ag = brig_json_get_path(spec, "process/user/additionalGids"), *g;
    size_t ng = ag && ag->type == BRIG_JSON_ARRAY ? ag->n : 0;
    _cleanup_free_ uint32_t *groups = xcalloc(ng + 1, sizeof(uint32_t));
    size_t kg = 0;
    BRIG_JSON_FOREACH (g, ng ? ag : NULL) {
        uint64_t v;
        if (brig_json_to_uint64(g, &v) == 0 && v != 0 && v <= UINT32_MAX)
            groups[kg++] = (uint32_t)v;
    }
    /* ids the daemon reads from the host are the container's through its
     * user namespace, when the engine gave it one */
    _cleanup_(brig_userns_clear) BrigUserns ns = {0};
    if (brig_userns_read(spec, &ns, NULL) < 0)
        ns = (BrigUserns){0};
    bool mapped = ns.enabled && ns.has_uids && ns.has_gids;
    BrigLearnSetup s = {
        .uid = uid == 0 ? h->policy->uid : (uint32_t)uid,
        .gid = gid == 0 ? h->policy->gid : (uint32_t)gid,
        .groups = groups,
        .ngroups = kg,
        .uid_map = mapped ? &ns.uids : NULL,
        .gid_map = mapped ? &ns.gids : NULL,
        .id = a->id,
        .runtime = runtime,
        .engine = engine,
        .mounts = dests,
        .enforce = &h->rep,
    };
    _cleanup_free_ char *sock = NULL;
    _cleanup_(brig_error_freep) BrigError *e = NULL;
    r = brig_learn_start(&s, &sock, &e);
    if (r < 0 && e && (e->status == ECHILD || e->status == ETIMEDOUT)) {
        /* a learn run never holds the engine up: without a daemon, the
         * container runs as the engine asked, unobserved, and says so */
        brig_report_note(&h->rep, "/linux/seccomp",
                         "learn mode: %s; the container runs as the engine asked, not "
                         "observed (brig learned has nothing for it)",
                         e->msg);
        return 0;
    }
    if (r < 0) {
        *err = TAKE_PTR(e);
        return brig_error_prefix(err, "learn mode");
    }
    brig_json_set(profile, "listenerPath", brig_json_new_string(sock));
    brig_json_set(lin, "seccomp", TAKE_PTR(profile));
    size_t len;
    _cleanup_free_ char *out = brig_json_serialize(spec, BRIG_JSON_PRETTY, &len);
    return brig_file_replace(f, out, len, err);
}

static void usage(FILE *out)
{
    fprintf(out, "Usage: brig learned [--match GLOB] [--dir DIR] ID\n\n"
                 "Prints the smallest policy (version 1) under which container ID, run once in\n"
                 "learn mode, runs under enforce: each grant a rule with a \"reason\".\n"
                 "Exits 1, writing no policy, when it needs a grant brig never gives\n"
                 "(CAP_SYS_ADMIN, CAP_NET_ADMIN, CAP_SYS_PTRACE, CAP_DAC_READ_SEARCH,\n"
                 "CAP_SYS_MODULE, a host namespace, unconfined), naming the operation.\n\n"
                 "  --match GLOB   container ids the rules match (default: every container)\n"
                 "  --dir DIR      learn data directory (default " BRIG_LEARN_DIR ")\n"
                 "A recorded seccomp profile, when brig's default denies what it called, is\n"
                 "written to DIR/ID.seccomp.json and named in the policy.  See docs/learn.md.\n");
}

int cmd_learned(int argc, char **argv, const BrigArgv *a, BrigError **err)
{
    (void)a;
    static const struct option opts[] = {
        {"match", required_argument, NULL, 'm'},
        {"dir", required_argument, NULL, 'd'},
        {"help", no_argument, NULL, 'h'},
        {0},
    };
    const char *glob = "*", *dir = BRIG_LEARN_DIR;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "m:d:h", opts, NULL)) != -1) {
        switch (c) {
        case 'm':
            glob = optarg;
            break;
        case 'd':
            dir = optarg;
            break;
        case 'h':
            usage(stdout);
            return BRIG_EXIT_OK;
        default:
            usage(stderr);
            return BRIG_EXIT_USAGE;
        }
    }
    if (optind != argc - 1) {
        usage(stderr);
        return BRIG_EXIT_USAGE;
    }
    const char *id = argv[optind];
    if (!brig_learn_id_valid(id)) {
        brig_error_set(err, EINVAL, "learned: \"%s\" is not a container id", id);
        return BRIG_EXIT_USAGE;
    }
    _cleanup_free_ char *path = xasprintf("%s/%s.json", dir, id);
    _cleanup_free_ char *sc_path = xasprintf("%s/%s.seccomp.json", dir, id);
    _cleanup_(brig_json_freep) BrigJson *data = NULL;
    if (brig_file_load_json(path, NULL, &data, err) < 0) {
        brig_error_prefix(err, "learned: no learn data for %s (was it created in learn mode?)", id);
        return BRIG_EXIT_REFUSED;
    }
    _cleanup_(brig_learned_done) BrigLearned l = {0};
    if (brig_learned_policy(data, glob, sc_path, &l, err) < 0) {
        brig_error_prefix(err, "learned: %s", path);
        return BRIG_EXIT_USAGE;
    }
    if (!brig_json_is_true(brig_json_get(data, "complete")))
        fprintf(stderr,
                "brig learned: warning: container %s has not finished (or its learn "
                "daemon did not): this covers what it did so far\n",
                id);
    if (l.blockers) {
        fprintf(stderr,
                "brig learned: container %s cannot run under enforce without a grant brig never "
                "gives; no policy written:\n",
                id);
        for (char **b = l.blockers; *b; b++)
            fprintf(stderr, "  %s\n", *b);
        return BRIG_EXIT_REFUSED;
    }
    if (l.seccomp) {
        size_t len;
        _cleanup_free_ char *out = brig_json_serialize(l.seccomp, BRIG_JSON_PRETTY, &len);
        if (brig_output_write(sc_path, out, len, 0644, err) < 0)
            return BRIG_EXIT_REFUSED;
    }
    size_t len;
    _cleanup_free_ char *out = brig_json_serialize(l.policy, BRIG_JSON_PRETTY, &len);
    fwrite(out, 1, len, stdout);
    if (len && out[len - 1] != '\n')
        fputc('\n', stdout);
    return fflush(stdout) == 0 ? BRIG_EXIT_OK : BRIG_EXIT_REFUSED;
}
