/* SPDX-License-Identifier: GPL-2.0-or-later */
/* harden_loop: what hardening one config costs, in CPU time.
 *
 * Three measurements, each N samples, median and p99:
 *
 *   cold   a forked child hardens the config once, as `brig run` does: the
 *          built-in policy is parsed, the host probed and the embedded
 *          seccomp profile parsed on first use, all inside the timing.
 *          This is the figure the budget (docs/performance.md) is about,
 *          because brig hardens exactly one config per process.
 *   warm   the same work repeated in one process, once the one-time costs
 *          are paid: the steady cost of the pipeline itself.
 *   exec   fork + exec of `BRIG harden [--dry-run] FILE`, CPU time and peak
 *          RSS from wait4(): everything, including the dynamic loader.
 *
 * cold and warm are also broken down by phase (load, parse, policy,
 * passes, seccomp, serialize, write, free), mirroring brig_harden_file();
 * the whole brig_harden_file() call is timed separately, so the breakdown
 * cannot drift from the real pipeline unnoticed.  Times are per-thread CPU
 * time (CLOCK_THREAD_CPUTIME_ID): a noisy machine preempts, but a preempted
 * thread is not charged.
 *
 * The config is copied to a scratch file (on tmpfs, like the bundles of
 * containerd and Docker under /run) and restored, untimed, before each
 * sample, so every sample hardens the engine's original bytes and writes
 * them with the real brig_file_replace(). */
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>

#include "audit.h"
#include "bundle.h"
#include "context.h"
#include "harden.h"
#include "seccomp.h"

enum {
    PH_SETUP, /* cold only: built-in policy + host probe, once per process */
    PH_PROBE, /* cold only: the host probe part of setup */
    PH_LOAD,
    PH_PARSE,
    PH_POLICY,
    PH_PASSES, /* every pass but seccomp */
    PH_SECCOMP,
    PH_SERIALIZE,
    PH_WRITE,
    PH_FREE,
    PH_TOTAL,
    PH_MAX,
};
static const char *const phase_names[PH_MAX] = {
    "setup",   "probe",     "load",  "parse", "policy", "passes",
    "seccomp", "serialize", "write", "free",  "total",
};

typedef struct {
    uint64_t *v; /* ns */
    size_t n;
} Samples;

static uint64_t cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Nearest-rank percentile, p in (0, 100]. */
static double pct_us(Samples *s, double p)
{
    if (s->n == 0)
        return 0;
    qsort(s->v, s->n, sizeof(*s->v), cmp_u64);
    size_t rank = (size_t)(p / 100.0 * (double)s->n + 0.999999);
    if (rank < 1)
        rank = 1;
    if (rank > s->n)
        rank = s->n;
    return (double)s->v[rank - 1] / 1000.0;
}

static void die(const char *what, BrigError *e)
{
    fprintf(stderr, "harden_loop: %s: %s\n", what, e ? e->msg : strerror(errno));
    exit(2);
}

static char *read_all(const char *path, size_t *ret_len)
{
    BrigError *e = NULL;
    BrigFile *f;
    if (brig_file_load(path, BRIG_FILE_MAX_SIZE, &f, &e) < 0)
        die(path, e);
    char *data = TAKE_PTR(f->data);
    *ret_len = f->len;
    brig_file_free(f);
    return data;
}

static void restore(const char *path, const char *data, size_t len)
{
    _cleanup_close_ int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0 || write(fd, data, len) != (ssize_t)len)
        die(path, NULL);
}

/* Whether the report keeps before/after values: as `brig create` decides
 * (only when the policy has an audit log; the built-in one logs to
 * syslog), or forced with -v / -l. */
static int values_mode = -1;

static bool no_values(const BrigPolicyDoc *doc)
{
    if (values_mode >= 0)
        return !values_mode;
    return !brig_audit_enabled(doc);
}

/* The pipeline of brig_harden_file(), one timestamp between phases.
 * Returns whether the config was written. */
static bool harden_phased(const BrigPolicyDoc *doc, const BrigHost *host, const char *path,
                          uint64_t ph[PH_MAX])
{
    BrigError *e = NULL;
    BrigFile *f = NULL;
    BrigJson *spec = NULL;
    BrigPolicy *pol = NULL;
    BrigReport rep = {.no_values = no_values(doc)};
    uint64_t t0 = cpu_ns(), t;

    if (brig_file_load(path, BRIG_FILE_MAX_SIZE, &f, &e) < 0)
        die(path, e);
    ph[PH_LOAD] = (t = cpu_ns()) - t0;

    if (brig_json_parse(f->data, f->len, path, 0, &spec, &e) < 0)
        die(path, e);
    ph[PH_PARSE] = cpu_ns() - t;
    t += ph[PH_PARSE];

    BrigMatchInput in = {.spec = spec};
    if (brig_policy_resolve(doc, &in, &pol, &e) < 0)
        die("policy", e);
    (void)brig_engine_hint(NULL, spec);
    ph[PH_POLICY] = cpu_ns() - t;
    t += ph[PH_POLICY];

    if (spec->type != BRIG_JSON_OBJECT)
        die("config is not an object", NULL);
    BrigCtx ctx = {.policy = pol, .host = host};
    ph[PH_PASSES] = ph[PH_SECCOMP] = 0;
    for (size_t i = 0; i < brig_n_passes; i++) {
        bool sc = streq(brig_passes[i].name, "seccomp");
        rep.pass = brig_passes[i].name;
        if (brig_passes[i].fn(&ctx, spec, &rep, &e) < 0)
            die(brig_passes[i].name, e);
        rep.pass = NULL;
        uint64_t now = cpu_ns();
        ph[sc ? PH_SECCOMP : PH_PASSES] += now - t;
        t = now;
    }

    size_t len;
    char *out = brig_json_serialize(spec, BRIG_JSON_PRETTY, &len);
    bool changed = len != f->len || memcmp(out, f->data, len) != 0;
    ph[PH_SERIALIZE] = cpu_ns() - t;
    t += ph[PH_SERIALIZE];

    bool write =
        changed && pol->mode == BRIG_MODE_ENFORCE && brig_report_count(&rep, BRIG_REFUSE) == 0;
    if (write && brig_file_replace(f, out, len, &e) < 0)
        die(path, e);
    ph[PH_WRITE] = cpu_ns() - t;
    t += ph[PH_WRITE];

    free(out);
    brig_json_free(spec);
    brig_policy_free(pol);
    brig_report_clear(&rep);
    brig_file_free(f);
    ph[PH_FREE] = cpu_ns() - t;
    ph[PH_TOTAL] = ph[PH_LOAD] + ph[PH_PARSE] + ph[PH_POLICY] + ph[PH_PASSES] + ph[PH_SECCOMP] +
                   ph[PH_SERIALIZE] + ph[PH_WRITE] + ph[PH_FREE];
    return write;
}

/* The real thing, timed as one block. */
static uint64_t harden_whole(const BrigPolicyDoc *doc, const BrigHost *host, const char *path)
{
    BrigError *e = NULL;
    BrigHardenFile h = {.doc = doc, .host = host, .path = path, .no_values = no_values(doc)};
    uint64_t t0 = cpu_ns();
    if (brig_harden_file(&h, &e) < 0)
        die(path, e);
    brig_harden_file_done(&h);
    return cpu_ns() - t0;
}

/* What cmd/ does before hardening: the policy (the built-in one here) and
 * the host's facts.  Returns the CPU time of the probe alone. */
static uint64_t setup(BrigPolicyDoc **ret_doc, BrigHost *ret_host)
{
    BrigError *e = NULL;
    if (brig_policy_builtin(ret_doc, &e) < 0)
        die("built-in policy", e);
    uint64_t t0 = cpu_ns();
    brig_host_probe(ret_host);
    return cpu_ns() - t0;
}

typedef struct {
    Samples whole;      /* brig_harden_file, plus setup when cold */
    Samples ph[PH_MAX]; /* phased mirror */
} Result;

static void result_init(Result *r, size_t n)
{
    r->whole.v = xcalloc(n, sizeof(uint64_t));
    r->whole.n = 0;
    for (int p = 0; p < PH_MAX; p++) {
        r->ph[p].v = xcalloc(n, sizeof(uint64_t));
        r->ph[p].n = 0;
    }
}

static void result_free(Result *r)
{
    free(r->whole.v);
    for (int p = 0; p < PH_MAX; p++)
        free(r->ph[p].v);
}

/* The work of one cold sample, in a freshly executed harden_loop (see
 * run_cold): setup, then one harden, phased or whole; the phases go to fd. */
static int cold_child(bool phased, int fd, const char *scratch)
{
    uint64_t ph[PH_MAX] = {0};
    BrigPolicyDoc *doc;
    BrigHost host;
    uint64_t t0 = cpu_ns();
    ph[PH_PROBE] = setup(&doc, &host);
    ph[PH_SETUP] = cpu_ns() - t0;
    if (phased) {
        harden_phased(doc, &host, scratch, ph);
        ph[PH_TOTAL] += ph[PH_SETUP];
    } else {
        ph[PH_TOTAL] = ph[PH_SETUP] + harden_whole(doc, &host, scratch);
    }
    return write(fd, ph, sizeof(ph)) == sizeof(ph) ? 0 : 3;
}

/* One freshly executed process per sample, as a brig process is: a new
 * address space whose heap, stack and code are all touched for the first
 * time, and the one-time costs paid again (a forked child would reuse the
 * parent's pages, copy-on-write).  Timing starts in main(), so exec itself
 * and libc's start-up are left to the exec measurement. */
static void run_cold(const char *scratch, const char *data, size_t len, size_t n, Result *r)
{
    for (size_t i = 0; i < 2 * n; i++) {
        bool phased = i % 2; /* alternate, so drift hits both alike */
        uint64_t ph[PH_MAX] = {0};
        int fds[2];
        restore(scratch, data, len);
        if (pipe2(fds, O_CLOEXEC) < 0)
            die("pipe", NULL);
        pid_t pid = fork();
        if (pid < 0)
            die("fork", NULL);
        if (pid == 0) {
            char fd[16], vm[8];
            snprintf(fd, sizeof(fd), "%d", fds[1]);
            snprintf(vm, sizeof(vm), "%d", values_mode);
            if (fcntl(fds[1], F_SETFD, 0) < 0)
                _exit(4);
            char *const av[] = {
                "harden_loop", "--cold-child", phased ? "p" : "w", fd, vm, (char *)scratch, NULL};
            execv("/proc/self/exe", av);
            _exit(5);
        }
        close(fds[1]);
        ssize_t got = read(fds[0], ph, sizeof(ph));
        close(fds[0]);
        int status;
        if (waitpid(pid, &status, 0) < 0 || got != sizeof(ph) || !WIFEXITED(status) ||
            WEXITSTATUS(status) != 0)
            die("cold child failed", NULL);
        if (phased)
            for (int p = 0; p < PH_MAX; p++)
                r->ph[p].v[r->ph[p].n++] = ph[p];
        else
            r->whole.v[r->whole.n++] = ph[PH_TOTAL];
    }
}

static void run_warm(const char *scratch, const char *data, size_t len, size_t n, size_t warmup,
                     Result *r)
{
    BrigPolicyDoc *doc;
    BrigHost host;
    setup(&doc, &host);
    for (size_t i = 0; i < 2 * (n + warmup); i++) {
        bool phased = i % 2;
        uint64_t ph[PH_MAX] = {0};
        restore(scratch, data, len);
        if (phased)
            harden_phased(doc, &host, scratch, ph);
        else
            ph[PH_TOTAL] = harden_whole(doc, &host, scratch);
        if (i < 2 * warmup)
            continue;
        if (phased)
            for (int p = 0; p < PH_MAX; p++)
                r->ph[p].v[r->ph[p].n++] = ph[p];
        else
            r->whole.v[r->whole.n++] = ph[PH_TOTAL];
    }
    brig_policy_doc_free(doc);
}

/* fork + exec of the brig binary; CPU (user + system) and peak RSS of the
 * child from wait4(). */
static void run_exec(const char *brig, char *const *argv, const char *scratch, const char *data,
                     size_t len, size_t n, Samples *cpu, Samples *rss)
{
    for (size_t i = 0; i < n; i++) {
        if (data)
            restore(scratch, data, len);
        pid_t pid = fork();
        if (pid < 0)
            die("fork", NULL);
        if (pid == 0) {
            int null = open("/dev/null", O_WRONLY);
            if (null >= 0) {
                dup2(null, 1);
                dup2(null, 2);
            }
            execv(brig, argv);
            _exit(127);
        }
        int status;
        struct rusage ru;
        if (wait4(pid, &status, 0, &ru) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) > 1) {
            fprintf(stderr, "harden_loop: %s %s exited %d\n", brig, argv[1],
                    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
            exit(2);
        }
        cpu->v[cpu->n++] = (uint64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000u +
                           (uint64_t)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000u;
        rss->v[rss->n++] = (uint64_t)ru.ru_maxrss * 1000u; /* KiB, scaled like ns -> "us" */
    }
}

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

static void usage(FILE *out)
{
    fprintf(out, "Usage: harden_loop [OPTIONS] CONFIG...\n"
                 "  -n N          samples per measurement (default 200)\n"
                 "  -w N          warm-up iterations for the warm loop (default 20)\n"
                 "  -m MODES      comma list of cold,warm,exec (default cold,warm)\n"
                 "  -b BRIG       brig binary for the exec mode\n"
                 "  -d DIR        scratch directory (default /dev/shm, a tmpfs)\n"
                 "  -p            print the per-phase breakdown (medians, us)\n"
                 "  -t            tab-separated output, one row per config and measurement\n"
                 "  -v, -l        the report keeps before/after values (-v), as `brig\n"
                 "                harden --diff` needs, or only pointers and reasons (-l);\n"
                 "                default: as `brig create`, values only for an audit log\n"
                 "                (the built-in policy logs to syslog)\n");
}

static uint64_t clock_overhead_ns(void)
{
    uint64_t t0 = cpu_ns();
    for (int i = 0; i < 1000; i++)
        (void)cpu_ns();
    return (cpu_ns() - t0) / 1000;
}

int main(int argc, char **argv)
{
    if (argc == 6 && streq(argv[1], "--cold-child")) {
        values_mode = atoi(argv[4]);
        return cold_child(streq(argv[2], "p"), atoi(argv[3]), argv[5]);
    }
    size_t n = 200, warmup = 20;
    const char *modes = "cold,warm", *brig = NULL, *dir = "/dev/shm";
    bool phases = false, tsv = false;
    int c;
    while ((c = getopt(argc, argv, "n:w:m:b:d:ptvlh")) != -1) {
        switch (c) {
        case 'n':
            n = strtoul(optarg, NULL, 10);
            break;
        case 'w':
            warmup = strtoul(optarg, NULL, 10);
            break;
        case 'm':
            modes = optarg;
            break;
        case 'b':
            brig = optarg;
            break;
        case 'd':
            dir = optarg;
            break;
        case 'p':
            phases = true;
            break;
        case 't':
            tsv = true;
            break;
        case 'v':
            values_mode = 1;
            break;
        case 'l':
            values_mode = 0;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    bool cold = strstr(modes, "cold"), warm = strstr(modes, "warm"), exec = strstr(modes, "exec");
    if (optind >= argc || n == 0 || (exec && !brig)) {
        usage(stderr);
        return 2;
    }
    _cleanup_free_ char *scratch = xasprintf("%s/brig-bench-%d.json", dir, (int)getpid());

    if (tsv)
        printf("config\tbytes\tmeasure\tmedian_us\tp99_us\n");
    else
        printf("# CPU time per config, microseconds (median / p99 of %zu samples); "
               "clock overhead %" PRIu64 " ns per reading\n",
               n, clock_overhead_ns());
    if (!tsv) {
        printf("%-38s %7s", "config", "KiB");
        if (cold)
            printf(" %16s", "cold med / p99");
        if (warm)
            printf(" %16s", "warm med / p99");
        if (exec)
            printf(" %16s %16s %9s", "exec-dry med/p99", "exec-write med", "maxRSS KiB");
        printf("\n");
    }
    Result *cres = xcalloc((size_t)(argc - optind), sizeof(Result));
    Result *wres = xcalloc((size_t)(argc - optind), sizeof(Result));

    /* exec baseline: the same binary, doing nothing but start and exit */
    Samples base_cpu = {xcalloc(n, sizeof(uint64_t)), 0},
            base_rss = {xcalloc(n, sizeof(uint64_t)), 0};
    if (exec) {
        char *const av[] = {(char *)brig, "harden", "--help", NULL};
        run_exec(brig, av, NULL, NULL, 0, n, &base_cpu, &base_rss);
    }

    for (int a = optind; a < argc; a++) {
        const char *cfg = argv[a];
        size_t len;
        _cleanup_free_ char *data = read_all(cfg, &len);
        Result *cr = &cres[a - optind], *wr = &wres[a - optind];
        result_init(cr, n);
        result_init(wr, n);
        if (cold)
            run_cold(scratch, data, len, n, cr);
        if (warm)
            run_warm(scratch, data, len, n, warmup, wr);
        Samples dcpu = {xcalloc(n, sizeof(uint64_t)), 0}, drss = {xcalloc(n, sizeof(uint64_t)), 0};
        Samples wcpu = {xcalloc(n, sizeof(uint64_t)), 0}, wrss = {xcalloc(n, sizeof(uint64_t)), 0};
        if (exec) {
            char *const dry[] = {(char *)brig, "harden", "--dry-run", scratch, NULL};
            char *const wri[] = {(char *)brig, "harden", scratch, NULL};
            run_exec(brig, dry, scratch, data, len, n, &dcpu, &drss);
            run_exec(brig, wri, scratch, data, len, n, &wcpu, &wrss);
        }
        if (tsv) {
            const char *name = base_name(cfg);
            if (cold)
                printf("%s\t%zu\tcold\t%.1f\t%.1f\n", name, len, pct_us(&cr->whole, 50),
                       pct_us(&cr->whole, 99));
            if (warm)
                printf("%s\t%zu\twarm\t%.1f\t%.1f\n", name, len, pct_us(&wr->whole, 50),
                       pct_us(&wr->whole, 99));
            if (exec) {
                printf("%s\t%zu\texec-dry\t%.1f\t%.1f\n", name, len, pct_us(&dcpu, 50),
                       pct_us(&dcpu, 99));
                printf("%s\t%zu\texec-write\t%.1f\t%.1f\n", name, len, pct_us(&wcpu, 50),
                       pct_us(&wcpu, 99));
                printf("%s\t%zu\tmaxrss_kib\t%.0f\t%.0f\n", name, len, pct_us(&wrss, 50),
                       pct_us(&wrss, 100));
            }
        } else {
            printf("%-38s %7.1f", base_name(cfg), (double)len / 1024);
            if (cold)
                printf(" %7.0f / %6.0f", pct_us(&cr->whole, 50), pct_us(&cr->whole, 99));
            if (warm)
                printf(" %7.0f / %6.0f", pct_us(&wr->whole, 50), pct_us(&wr->whole, 99));
            if (exec) {
                double rss = pct_us(&drss, 100);
                if (pct_us(&wrss, 100) > rss)
                    rss = pct_us(&wrss, 100);
                printf(" %7.0f / %6.0f %16.0f %9.0f", pct_us(&dcpu, 50), pct_us(&dcpu, 99),
                       pct_us(&wcpu, 50), rss);
            }
            printf("\n");
        }
        fflush(stdout);
        free(dcpu.v);
        free(drss.v);
        free(wcpu.v);
        free(wrss.v);
    }
    if (exec) {
        if (tsv)
            printf("(baseline: brig harden --help)\t0\texec-base\t%.1f\t%.1f\n",
                   pct_us(&base_cpu, 50), pct_us(&base_cpu, 99));
        else
            printf("exec baseline (`brig harden --help`: exec, loader, exit): %.0f / %.0f us, "
                   "maxRSS %.0f KiB\n",
                   pct_us(&base_cpu, 50), pct_us(&base_cpu, 99), pct_us(&base_rss, 100));
    }

    if (phases && (cold || warm)) {
        printf("\n# Phase medians, microseconds (phased runs; total is the median of the sum)\n");
        for (int w = 0; w < 2; w++) {
            if ((w == 0 && !cold) || (w == 1 && !warm))
                continue;
            printf("%-6s %-32s", w == 0 ? "cold" : "warm", "config");
            for (int p = w == 0 ? PH_SETUP : PH_LOAD; p < PH_MAX; p++)
                printf(" %9s", phase_names[p]);
            printf("\n");
            for (int a = optind; a < argc; a++) {
                Result *r = w == 0 ? &cres[a - optind] : &wres[a - optind];
                printf("%-6s %-32s", "", base_name(argv[a]));
                for (int p = w == 0 ? PH_SETUP : PH_LOAD; p < PH_MAX; p++)
                    printf(" %9.1f", pct_us(&r->ph[p], 50));
                printf("\n");
            }
        }
    }
    for (int a = 0; a < argc - optind; a++) {
        result_free(&cres[a]);
        result_free(&wres[a]);
    }
    free(cres);
    free(wres);
    free(base_cpu.v);
    free(base_rss.v);
    unlink(scratch);
    return 0;
}
