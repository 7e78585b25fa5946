/* SPDX-License-Identifier: GPL-2.0-or-later */
/* brig record -o OUT.json [--runtime R] BUNDLE
 * brig trace-denials [--runtime R] BUNDLE
 * Both run the container once under the real runtime with a seccomp-notify
 * profile and brig as the listener (lib/record.h, lib/supervisor.h).
 *
 * Exit status, apart from brig's own 1 (refused, failed) and 2 (usage, bad
 * input): 0 the container ran and exited 0; 3 it did not start (nothing
 * written); 4 it ran and exited non-zero or was killed (record still
 * writes the profile); 128+N brig was stopped by signal N (the container
 * is deleted, nothing written). */
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "brig.h"
#include "bundle.h"
#include "record.h"
#include "sctool.h"

typedef struct {
    const char *runtime, *output, *bundle;
    bool quiet;
} Opts;

static int parse(int argc, char **argv, bool record, Opts *o, void (*usage)(FILE *))
{
    static const struct option opts[] = {
        {"output", required_argument, NULL, 'o'},
        {"runtime", required_argument, NULL, 'r'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {0},
    };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:r:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'o':
            o->output = optarg;
            break;
        case 'r':
            o->runtime = optarg;
            break;
        case 'q':
            o->quiet = true;
            break;
        case 'h':
            usage(stdout);
            return BRIG_EXIT_OK;
        default:
            usage(stderr);
            return BRIG_EXIT_USAGE;
        }
    }
    if (optind != argc - 1 || (record && !o->output)) {
        usage(stderr);
        return BRIG_EXIT_USAGE;
    }
    o->bundle = argv[optind];
    return -1;
}

/* --runtime is judged before anything runs: a name brig does not run, a
 * relative path, or one PATH does not hold (absolute entries only) is the
 * operator's error. */
static int check_runtime(const Opts *o, BrigError **err)
{
    _cleanup_free_ char *rt = NULL;
    if (!o->runtime)
        return -1;
    return brig_runtime_lookup(o->runtime, NULL, &rt, err) < 0 ? BRIG_EXIT_USAGE : -1;
}

/* Runs the prepared copy under the runtime with brig listening. */
static int supervise(SctoolCopy *copy, BrigJson *profile, BrigSupervisor *sup, const Opts *o,
                     const char *what, int *ret_status, BrigError **err)
{
    _cleanup_free_ char *rt = NULL;
    int r = brig_runtime_lookup(o->runtime, copy->runtime, &rt, err);
    if (r < 0)
        return r;
    r = brig_supervisor_init(sup, err);
    if (r < 0)
        return r;
    brig_json_set(profile, "listenerPath", brig_json_new_string(sup->socket_path));
    BrigJson *lin = brig_json_get(copy->spec, "linux");
    if (!lin) {
        lin = brig_json_new(BRIG_JSON_OBJECT);
        brig_json_set(copy->spec, "linux", lin);
    }
    brig_json_set(lin, "seccomp", profile);
    /* the supervisor gives the container pipes, never brig's terminal */
    BrigJson *proc = brig_json_get(copy->spec, "process");
    if (proc && brig_json_get(proc, "terminal"))
        brig_json_set(proc, "terminal", brig_json_new_bool(false));
    r = sctool_copy_write(copy, err);
    if (r < 0)
        return r;
    _cleanup_free_ char *id = xasprintf("brig-%s-%d", what, (int)getpid());
    char *argv[] = {rt, (char *)"run", (char *)"--bundle", copy->dir, id, NULL};
    char *stop[] = {rt, (char *)"delete", (char *)"--force", id, NULL};
    sup->stop_argv = stop;
    r = brig_supervisor_run(sup, argv, ret_status, err);
    sup->stop_argv = NULL;
    return r;
}

/* The exit status after a run (see the top of this file), and why. */
static int run_outcome(const BrigSupervisor *sup, int status, const char *tool)
{
    if (sup->signal) {
        fprintf(stderr, "brig %s: stopped by %s: the container was deleted, nothing written\n",
                tool, sigabbrev_np(sup->signal) ?: "a signal");
        return 128 + sup->signal;
    }
    if (!sup->started) {
        fprintf(stderr,
                "brig %s: the container did not start (runtime exit status %d%s); nothing "
                "written\n",
                tool, status, sup->got_listener ? "" : ", before it loaded the seccomp filter");
        return BRIG_EXIT_NOT_STARTED;
    }
    return status == 0 ? BRIG_EXIT_OK : BRIG_EXIT_CONTAINER;
}

static void record_usage(FILE *out)
{
    fprintf(out, "Usage: brig record -o OUT.json [--runtime runc|crun] BUNDLE\n"
                 "Runs the container once, hardened as brig would run it, and writes a seccomp\n"
                 "profile allowing exactly the system calls it made.  See brig-seccomp(8).\n");
}

/* What brig's own profile would have done with each recorded call. */
typedef struct {
    const BrigSim *brig;
    char **denied; /* "name\tERRNO" once per pair */
    size_t n_denied;
} RecordSeen;

static void record_event(const BrigNotifEvent *ev, void *userdata)
{
    RecordSeen *rs = userdata;
    if (!rs->brig)
        return;
    uint32_t act = brig_sim_action(rs->brig, ev->arch, ev->nr, ev->args);
    if (act == SECCOMP_RET_ALLOW)
        return;
    _cleanup_free_ char *t = brig_seccomp_action_text(act);
    _cleanup_free_ char *key = xasprintf("%s\t%s", ev->syscall, t);
    for (size_t i = 0; i < rs->n_denied; i++)
        if (streq(rs->denied[i], key))
            return;
    rs->denied = xrealloc(rs->denied, (rs->n_denied + 1) * sizeof(char *));
    rs->denied[rs->n_denied++] = TAKE_PTR(key);
}

static void record_seen_done(RecordSeen *rs)
{
    for (size_t i = 0; i < rs->n_denied; i++)
        free(rs->denied[i]);
    free(rs->denied);
    rs->denied = NULL;
    rs->n_denied = 0;
}

static bool denied_by_brig(const RecordSeen *rs, const char *name)
{
    size_t l = strlen(name);
    for (size_t i = 0; i < rs->n_denied; i++)
        if (strncmp(rs->denied[i], name, l) == 0 && rs->denied[i][l] == '\t')
            return true;
    return false;
}

int cmd_record(int argc, char **argv, const BrigArgv *a, BrigError **err)
{
    Opts o = {0};
    int r = parse(argc, argv, true, &o, record_usage);
    if (r >= 0)
        return r;
    if ((r = check_runtime(&o, err)) >= 0)
        return r;
    if (brig_output_check(o.output, err) < 0)
        return BRIG_EXIT_USAGE;
    /* from here on a signal ends the run through the cleanup below */
    if (brig_supervisor_catch_signals(err) < 0)
        return BRIG_EXIT_REFUSED;
    _cleanup_(sctool_copy_done) SctoolCopy copy = {0};
    if (sctool_harden_copy(o.bundle, a, &copy, err) < 0)
        return brig_supervisor_caught() ? 128 + brig_supervisor_caught() : BRIG_EXIT_USAGE;
    /* the profile brig would attach, to keep its argument tests where the
     * workload's calls passed them and to say what it would have denied */
    _cleanup_(brig_json_freep) BrigJson *attached = NULL;
    _cleanup_(brig_sim_freep) BrigSim *brig_sim = NULL;
    const BrigJson *cur = brig_json_get_path(copy.spec, "linux/seccomp");
    if (cur) {
        attached = brig_json_copy(cur);
        if (brig_sim_new(attached, &brig_sim, err) < 0)
            return BRIG_EXIT_REFUSED;
    }
    RecordSeen seen = {.brig = brig_sim};
    BrigJson *np = NULL;
    if (brig_record_notify_profile(&np, err) < 0)
        return BRIG_EXIT_REFUSED;
    BrigSupervisor sup = {
        .mode = BRIG_SUPERVISE_RECORD, .on_event = record_event, .userdata = &seen};
    int status = 0;
    r = supervise(&copy, np, &sup, &o, "record", &status, err);
    if (r < 0) {
        brig_supervisor_done(&sup);
        return BRIG_EXIT_REFUSED;
    }
    int outcome = run_outcome(&sup, status, "record");
    if (outcome != BRIG_EXIT_OK && outcome != BRIG_EXIT_CONTAINER) {
        record_seen_done(&seen);
        brig_supervisor_done(&sup);
        return outcome;
    }
    _cleanup_free_ char **names = xcalloc(sup.n_counts + 1, sizeof(char *));
    _cleanup_free_ char **arches = xcalloc(sup.n_counts + 1, sizeof(char *));
    _cleanup_free_ char **keep = xcalloc(sup.n_counts + 1, sizeof(char *));
    size_t n = 0, na = 0, nk = 0;
    bool foreign = false;
    const char *native = brig_seccomp_arch_name(seccomp_arch_native());
    for (size_t i = 0; i < sup.n_counts; i++) {
        /* a name only: numbers libseccomp cannot name cannot be allowed */
        if (sup.counts[i].syscall[0] < '0' || sup.counts[i].syscall[0] > '9')
            names[n++] = sup.counts[i].syscall;
        arches[na++] = sup.counts[i].arch;
        foreign = foreign || !native || !streq(sup.counts[i].arch, native);
    }
    /* another ABI brings the socketcall collision back (docs/seccomp.md):
     * then plain ALLOWs only */
    for (size_t i = 0; attached && !foreign && i < n; i++)
        if (brig_record_conditional(attached, names[i]) && !denied_by_brig(&seen, names[i]))
            keep[nk++] = names[i];
    _cleanup_(brig_json_freep) BrigJson *out =
        brig_record_result_profile(names, n, arches, na, attached, keep, nk);
    _cleanup_free_ char *body = brig_json_serialize(out, BRIG_JSON_PRETTY, NULL);
    _cleanup_free_ char *text = xasprintf("%s\n", body);
    uint64_t total = sup.total;
    /* written beside the target and renamed: a symlink planted at -o
     * during the run is refused, its target untouched (lib/bundle.h) */
    if (brig_output_write(o.output, text, strlen(text), 0644, err) < 0) {
        record_seen_done(&seen);
        brig_supervisor_done(&sup);
        return BRIG_EXIT_REFUSED;
    }
    if (!o.quiet) {
        fprintf(stderr,
                "brig record: %zu system calls seen in %" PRIu64
                " notifications (+ write); container exit status %d; profile written to %s\n",
                n, total, status, o.output);
        for (size_t i = 0; i < nk; i++)
            fprintf(stderr, "brig record: %s keeps the argument tests of brig's profile\n",
                    keep[i]);
        for (size_t i = 0; i < seen.n_denied; i++) {
            char *tab = strchr(seen.denied[i], '\t');
            fprintf(stderr,
                    "brig record: brig's profile would deny %.*s (%s); the recorded profile "
                    "allows it\n",
                    (int)(tab - seen.denied[i]), seen.denied[i], tab + 1);
        }
    }
    record_seen_done(&seen);
    brig_supervisor_done(&sup); /* names and keep point into its counts */
    return outcome;
}

static void trace_usage(FILE *out)
{
    fprintf(out, "Usage: brig trace-denials [--runtime runc|crun] [--quiet] BUNDLE\n"
                 "Runs the container under the profile brig would attach, logging every system\n"
                 "call the profile denies (answered with the same errno) and a summary table.\n");
}

static void print_event(const BrigNotifEvent *ev, void *userdata)
{
    const Opts *o = userdata;
    if (o->quiet)
        return;
    /* one write per line, so it does not interleave with the container's
     * own stderr */
    char line[512];
    int len = snprintf(line, sizeof(line),
                       "brig trace: pid %d (%s) %s(0x%" PRIx64 ", 0x%" PRIx64 ", 0x%" PRIx64
                       ", 0x%" PRIx64 ", 0x%" PRIx64 ", 0x%" PRIx64 ") = %s%s\n",
                       (int)ev->pid, ev->comm, ev->syscall, ev->args[0], ev->args[1], ev->args[2],
                       ev->args[3], ev->args[4], ev->args[5],
                       ev->answer == BRIG_ANSWER_ERRNO && ev->answer_errno ? "-" : "",
                       brig_answer_text(ev->answer, ev->answer_errno));
    if (len > 0)
        (void)!write(STDERR_FILENO, line, (size_t)len < sizeof(line) ? (size_t)len : sizeof(line));
}

static int by_count(const void *x, const void *y)
{
    const BrigNotifCount *a = x, *b = y;
    if (a->count != b->count)
        return a->count < b->count ? 1 : -1;
    return strcmp(a->syscall, b->syscall);
}

int cmd_trace_denials(int argc, char **argv, const BrigArgv *a, BrigError **err)
{
    Opts o = {0};
    int r = parse(argc, argv, false, &o, trace_usage);
    if (r >= 0)
        return r;
    if ((r = check_runtime(&o, err)) >= 0)
        return r;
    if (brig_supervisor_catch_signals(err) < 0)
        return BRIG_EXIT_REFUSED;
    _cleanup_(sctool_copy_done) SctoolCopy copy = {0};
    if (sctool_harden_copy(o.bundle, a, &copy, err) < 0)
        return brig_supervisor_caught() ? 128 + brig_supervisor_caught() : BRIG_EXIT_USAGE;
    const BrigJson *orig = brig_json_get_path(copy.spec, "linux/seccomp");
    if (!orig) {
        brig_error_set(err, EINVAL, "%s: brig attaches no seccomp filter to this container",
                       o.bundle);
        return BRIG_EXIT_USAGE;
    }
    _cleanup_(brig_sim_freep) BrigSim *sim = NULL;
    BrigJson *tp = NULL;
    if (brig_sim_new(orig, &sim, err) < 0 || brig_trace_profile(orig, &tp, err) < 0)
        return BRIG_EXIT_REFUSED;
    BrigSupervisor sup = {
        .mode = BRIG_SUPERVISE_TRACE, .answer = sim, .on_event = print_event, .userdata = &o};
    int status = 0;
    r = supervise(&copy, tp, &sup, &o, "trace", &status, err);
    if (r < 0) {
        brig_supervisor_done(&sup);
        return BRIG_EXIT_REFUSED;
    }
    int outcome = run_outcome(&sup, status, "trace-denials");
    if (outcome != BRIG_EXIT_OK && outcome != BRIG_EXIT_CONTAINER) {
        brig_supervisor_done(&sup);
        return outcome;
    }
    if (sup.n_counts) /* qsort with a NULL base is undefined, even for 0 items */
        qsort(sup.counts, sup.n_counts, sizeof(*sup.counts), by_count);
    uint64_t denied = 0, logged = 0;
    for (size_t i = 0; i < sup.n_counts; i++)
        *(sup.counts[i].answer == BRIG_ANSWER_LOG ? &logged : &denied) += sup.counts[i].count;
    fprintf(stderr, "\nbrig trace-denials: %" PRIu64 " denied call%s, ", denied,
            denied == 1 ? "" : "s");
    if (logged)
        fprintf(stderr, "%" PRIu64 " logged and allowed, ", logged);
    fprintf(stderr, "container exit status %d\n", status);
    if (sup.n_counts)
        fprintf(stderr, "%-24s %-18s %-8s %8s  %s\n", "SYSCALL", "ARCH", "ANSWER", "COUNT",
                "PROCESSES");
    for (size_t i = 0; i < sup.n_counts; i++) {
        const BrigNotifCount *c = &sup.counts[i];
        fprintf(stderr, "%-24s %-18s %-8s %8" PRIu64 "  %s\n", c->syscall, c->arch,
                brig_answer_text(c->answer, c->answer_errno), c->count, c->comms);
    }
    brig_supervisor_done(&sup);
    return outcome;
}
