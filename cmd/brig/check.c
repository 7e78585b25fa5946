/* SPDX-License-Identifier: GPL-2.0-or-later */
/* brig check [--format text|json|sarif|junit] [--fail-on LEVEL] [--host this|portable]
 *            [--process] BUNDLE|FILE...
 *
 * A gate for pipelines: every operand is checked (one that cannot be read
 * does not hide the others), each finding has a stable rule id, a severity
 * and the line and column of the field in the input, and the exit status is
 * the worst of all: 0 clean, 1 a finding at or above --fail-on, 2 an input
 * or usage error. */
#include <getopt.h>
#include <stdio.h>

#include "brig.h"
#include "bundle.h"
#include "caps.h"
#include "config.h"
#include "context.h"
#include "findings.h"
#include "harden.h"
#include "seccomp.h"

enum { FMT_TEXT, FMT_JSON, FMT_SARIF, FMT_JUNIT };
static const char *const formats[] = {"text", "json", "sarif", "junit", NULL};
enum { FAIL_NEVER = BRIG_SEVERITY_ERROR + 1 };

typedef struct Finding {
    char *rule;
    BrigSeverity severity;
    const BrigChange *change;
    unsigned line, col;
} Finding;

typedef struct FileResult {
    char *path;
    char *error; /* could not be checked */
    BrigHardenFile h;
    Finding *f;
    size_t n;
} FileResult;

typedef struct Check {
    const BrigPolicyDoc *doc;
    const char *host_name;
    bool portable;
    int fail_on;
    FileResult *files;
    size_t n_files;
} Check;

static void check_usage(FILE *out)
{
    fprintf(
        out,
        "Usage: brig check [--format text|json|sarif|junit] [--fail-on error|warning|note|never]\n"
        "                  [--host this|portable] [--process] [--brig-policy FILE] "
        "BUNDLE|FILE...\n"
        "Lists policy violations without changing anything; every operand is checked.\n"
        "  --format F      text (default), json (one object per file), sarif (SARIF 2.1.0),\n"
        "                  junit (JUnit XML)\n"
        "  --fail-on L     lowest severity that fails the check (default warning)\n"
        "  --host H        this: judge against this machine (default); portable: a host\n"
        "                  with no AppArmor or SELinux whose absence is not a failure, the\n"
        "                  same on every machine (for CI)\n"
        "  --process       the files are exec process files, not configs\n"
        "  --brig-policy FILE   the policy (default: brig's, see brig(8))\n"
        "Severity: error = refused under the policy's mode, warning = enforce rewrites it,\n"
        "note = informational.\n"
        "Exit status: 0 nothing at or above --fail-on, 1 findings at or above it,\n"
        "2 usage or input error (the worst over all operands).\n");
}

/* The same facts on every machine, those of a typical node rather than
 * of the CI runner: brig's own capability table, seccomp on an x86_64
 * kernel that runs no x32 calls (the distributions' default), no LSM (a
 * requirement of one is then a note, see check_file), no namespace
 * identities (a namespace path is not judged as the host's). */
static void portable_host(BrigHost *h)
{
    *h = (BrigHost){
        .last_cap = BRIG_CAP_LAST,
        .apparmor_errno = ENOENT,
        .seccomp = true,
        .seccomp_arch = SCMP_ARCH_X86_64,
        .x32_disabled = true,
        .page_size = 4096, /* and no RAM size: a tmpfs "size=N%" is not judged */
    };
}

static void check_file(Check *ck, const BrigHost *host, const char *target, bool process)
{
    FileResult *fr = &ck->files[ck->n_files++];
    fr->path = process ? xstrdup(target) : cli_target_path(target);
    _cleanup_(brig_error_freep) BrigError *e = NULL;
    _cleanup_(brig_file_freep) BrigFile *src = NULL;
    fr->h = (BrigHardenFile){
        .doc = ck->doc, .host = host, .path = fr->path, .process = process, .dry_run = true};
    if (brig_file_load(fr->path, BRIG_FILE_MAX_SIZE, &src, &e) < 0 ||
        brig_harden_file(&fr->h, &e) < 0) {
        fr->error = xstrdup(e->msg);
        return;
    }
    const BrigReport *rep = &fr->h.rep;
    fr->f = xcalloc(rep->n + 1, sizeof(*fr->f));
    for (size_t i = 0; i < rep->n; i++) {
        Finding *f = &fr->f[fr->n++];
        f->change = &rep->v[i];
        f->rule = brig_change_rule_id(f->change);
        f->severity = brig_change_severity(f->change, fr->h.policy->mode);
        /* The host's LSM is a fact of the machine, not of the config: on a
         * portable host a requirement it cannot meet is only noted. */
        if (ck->portable &&
            (streq(f->change->pass, "apparmor") || streq(f->change->pass, "selinux")))
            f->severity = BRIG_SEVERITY_NOTE;
        brig_json_locate(src->data, src->len, f->change->pointer, &f->line, &f->col);
    }
}

static int file_status(const Check *ck, const FileResult *fr)
{
    if (fr->error)
        return BRIG_EXIT_USAGE;
    for (size_t i = 0; i < fr->n; i++)
        if ((int)fr->f[i].severity >= ck->fail_on)
            return BRIG_EXIT_REFUSED;
    return BRIG_EXIT_OK;
}

static size_t count_sev(const FileResult *fr, BrigSeverity s)
{
    size_t n = 0;
    for (size_t i = 0; i < fr->n; i++)
        n += fr->f[i].severity == s;
    return n;
}

/* ---- text: "FILE:LINE:COL: SEVERITY: [RULE] POINTER: REASON", as compilers
 * print, so editors and CI log viewers link to the place. */
static void print_text(const Check *ck)
{
    for (size_t k = 0; k < ck->n_files; k++) {
        const FileResult *fr = &ck->files[k];
        if (fr->error)
            continue; /* on stderr, as every brig error */
        size_t shown = 0;
        for (size_t i = 0; i < fr->n; i++) {
            const Finding *f = &fr->f[i];
            if (f->severity == BRIG_SEVERITY_NOTE && ck->fail_on > BRIG_SEVERITY_NOTE)
                continue;
            printf("%s:%u:%u: %s: [%s] %s: %s\n", fr->path, f->line, f->col,
                   brig_severity_name(f->severity), f->rule, f->change->pointer, f->change->reason);
            shown++;
        }
        size_t errs = count_sev(fr, BRIG_SEVERITY_ERROR),
               warns = count_sev(fr, BRIG_SEVERITY_WARNING);
        if (!shown && !errs && !warns)
            printf("%s: compliant\n", fr->path);
        else
            printf("%s: %zu error%s, %zu warning%s (%s, mode %s, host %s)\n", fr->path, errs,
                   errs == 1 ? "" : "s", warns, warns == 1 ? "" : "s",
                   brig_policy_source(fr->h.policy), brig_mode_name(fr->h.policy->mode),
                   ck->host_name);
    }
}

/* before/after are compact JSON; a value that does not parse (never, in
 * practice) is kept as a string. */
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

static const char *decision(const Check *ck, const FileResult *fr)
{
    if (fr->error)
        return "error";
    return file_status(ck, fr) ? "violations" : "compliant";
}

/* ---- json: one object per operand, one per line (JSON Lines). */
static void print_json(const Check *ck)
{
    for (size_t k = 0; k < ck->n_files; k++) {
        const FileResult *fr = &ck->files[k];
        _cleanup_(brig_json_freep) BrigJson *o = brig_json_new(BRIG_JSON_OBJECT);
        brig_json_set(o, "file", brig_json_new_string(fr->path));
        brig_json_set(o, "decision", brig_json_new_string(decision(ck, fr)));
        brig_json_set(o, "host", brig_json_new_string(ck->host_name));
        if (fr->error) {
            brig_json_set(o, "error", brig_json_new_string(fr->error));
        } else {
            brig_json_set(o, "policy", brig_json_new_string(brig_policy_source(fr->h.policy)));
            brig_json_set(o, "policyDigest", brig_json_new_string(fr->h.policy->digest));
            brig_json_set(o, "mode", brig_json_new_string(brig_mode_name(fr->h.policy->mode)));
        }
        BrigJson *arr = brig_json_new(BRIG_JSON_ARRAY);
        for (size_t i = 0; i < fr->n; i++) {
            const Finding *f = &fr->f[i];
            BrigJson *x = brig_json_new(BRIG_JSON_OBJECT);
            brig_json_set(x, "rule", brig_json_new_string(f->rule));
            brig_json_set(x, "severity", brig_json_new_string(brig_severity_name(f->severity)));
            brig_json_set(x, "kind", brig_json_new_string(brig_change_kind_name(f->change->kind)));
            brig_json_set(x, "pass", brig_json_new_string(f->change->pass));
            brig_json_set(x, "pointer", brig_json_new_string(f->change->pointer));
            brig_json_set(x, "line", brig_json_new_uint(f->line));
            brig_json_set(x, "column", brig_json_new_uint(f->col));
            brig_json_set(x, "reason", brig_json_new_string(f->change->reason));
            if (f->change->kind != BRIG_NOTE) {
                brig_json_set(x, "before", value(f->change->before));
                brig_json_set(x, "after", value(f->change->after));
            }
            brig_json_append(arr, x);
        }
        brig_json_set(o, "findings", arr);
        _cleanup_free_ char *s = brig_json_serialize(o, 0, NULL);
        printf("%s\n", s);
    }
}

/* ---- SARIF 2.1.0 (OASIS), what code-scanning services ingest. */
static BrigJson *sarif_message(const char *text)
{
    BrigJson *m = brig_json_new(BRIG_JSON_OBJECT);
    brig_json_set(m, "text", brig_json_new_string(text));
    return m;
}

/* A path as a URI reference (RFC 3986): relative operands stay relative,
 * which is what code-scanning services resolve against the repository;
 * bytes outside the unreserved set and "/" are percent-encoded. */
static BrigJson *sarif_uri(const char *path)
{
    size_t n = strlen(path);
    _cleanup_free_ char *u = xmalloc(3 * n + 1);
    char *o = u;
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("-._~/", *p))
            *o++ = (char)*p;
        else
            o += sprintf(o, "%%%02X", *p);
    }
    *o = '\0';
    BrigJson *a = brig_json_new(BRIG_JSON_OBJECT);
    brig_json_set(a, "uri", brig_json_new_string(u));
    return a;
}

static void print_sarif(const Check *ck)
{
    _cleanup_(brig_json_freep) BrigJson *doc = brig_json_new(BRIG_JSON_OBJECT);
    brig_json_set(doc, "$schema",
                  brig_json_new_string("https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/"
                                       "schemas/sarif-schema-2.1.0.json"));
    brig_json_set(doc, "version", brig_json_new_string("2.1.0"));
    BrigJson *runs = brig_json_new(BRIG_JSON_ARRAY);
    BrigJson *run = brig_json_new(BRIG_JSON_OBJECT);
    BrigJson *tool = brig_json_new(BRIG_JSON_OBJECT);
    BrigJson *driver = brig_json_new(BRIG_JSON_OBJECT);
    brig_json_set(driver, "name", brig_json_new_string("brig"));
    brig_json_set(driver, "version", brig_json_new_string(BRIG_VERSION));
    BrigJson *rules = brig_json_new(BRIG_JSON_ARRAY);
    BrigJson *results = brig_json_new(BRIG_JSON_ARRAY);
    BrigJson *notes = brig_json_new(BRIG_JSON_ARRAY);
    bool ok = true;

    for (size_t k = 0; k < ck->n_files; k++) {
        const FileResult *fr = &ck->files[k];
        if (fr->error) {
            ok = false;
            BrigJson *n = brig_json_new(BRIG_JSON_OBJECT);
            brig_json_set(n, "level", brig_json_new_string("error"));
            brig_json_set(n, "message", sarif_message(fr->error));
            BrigJson *locs = brig_json_new(BRIG_JSON_ARRAY);
            BrigJson *loc = brig_json_new(BRIG_JSON_OBJECT);
            BrigJson *phys = brig_json_new(BRIG_JSON_OBJECT);
            brig_json_set(phys, "artifactLocation", sarif_uri(fr->path));
            brig_json_set(loc, "physicalLocation", phys);
            brig_json_append(locs, loc);
            brig_json_set(n, "locations", locs);
            brig_json_append(notes, n);
            continue;
        }
        for (size_t i = 0; i < fr->n; i++) {
            const Finding *f = &fr->f[i];
            size_t idx = 0;
            const BrigJson *r;
            bool have = false;
            BRIG_JSON_FOREACH (r, rules) {
                if (streq(brig_json_str(brig_json_get(r, "id")), f->rule)) {
                    have = true;
                    break;
                }
                idx++;
            }
            if (!have) {
                BrigJson *rule = brig_json_new(BRIG_JSON_OBJECT);
                brig_json_set(rule, "id", brig_json_new_string(f->rule));
                _cleanup_free_ char *d =
                    xasprintf("brig pass \"%s\": %s", f->change->pass, strchr(f->rule, '/') + 1);
                brig_json_set(rule, "shortDescription", sarif_message(d));
                brig_json_append(rules, rule);
            }
            BrigJson *res = brig_json_new(BRIG_JSON_OBJECT);
            brig_json_set(res, "ruleId", brig_json_new_string(f->rule));
            brig_json_set(res, "ruleIndex", brig_json_new_uint(idx));
            brig_json_set(res, "level", brig_json_new_string(brig_severity_name(f->severity)));
            brig_json_set(res, "kind", brig_json_new_string("fail"));
            _cleanup_free_ char *msg = xasprintf("%s: %s", f->change->pointer, f->change->reason);
            brig_json_set(res, "message", sarif_message(msg));
            BrigJson *locs = brig_json_new(BRIG_JSON_ARRAY);
            BrigJson *loc = brig_json_new(BRIG_JSON_OBJECT);
            BrigJson *phys = brig_json_new(BRIG_JSON_OBJECT);
            brig_json_set(phys, "artifactLocation", sarif_uri(fr->path));
            BrigJson *region = brig_json_new(BRIG_JSON_OBJECT);
            brig_json_set(region, "startLine", brig_json_new_uint(f->line));
            brig_json_set(region, "startColumn", brig_json_new_uint(f->col));
            brig_json_set(phys, "region", region);
            brig_json_set(loc, "physicalLocation", phys);
            BrigJson *logical = brig_json_new(BRIG_JSON_ARRAY);
            BrigJson *ll = brig_json_new(BRIG_JSON_OBJECT);
            brig_json_set(ll, "fullyQualifiedName", brig_json_new_string(f->change->pointer));
            brig_json_set(ll, "kind", brig_json_new_string("member"));
            brig_json_append(logical, ll);
            brig_json_set(loc, "logicalLocations", logical);
            brig_json_append(locs, loc);
            brig_json_set(res, "locations", locs);
            BrigJson *props = brig_json_new(BRIG_JSON_OBJECT);
            brig_json_set(props, "kind",
                          brig_json_new_string(brig_change_kind_name(f->change->kind)));
            brig_json_set(props, "policy", brig_json_new_string(brig_policy_source(fr->h.policy)));
            brig_json_set(props, "mode", brig_json_new_string(brig_mode_name(fr->h.policy->mode)));
            brig_json_set(res, "properties", props);
            brig_json_append(results, res);
        }
    }
    brig_json_set(driver, "rules", rules);
    brig_json_set(tool, "driver", driver);
    brig_json_set(run, "tool", tool);
    BrigJson *invs = brig_json_new(BRIG_JSON_ARRAY);
    BrigJson *inv = brig_json_new(BRIG_JSON_OBJECT);
    brig_json_set(inv, "executionSuccessful", brig_json_new_bool(ok));
    brig_json_set(inv, "toolExecutionNotifications", notes);
    BrigJson *iprops = brig_json_new(BRIG_JSON_OBJECT);
    brig_json_set(iprops, "host", brig_json_new_string(ck->host_name));
    brig_json_set(iprops, "policyDigest", brig_json_new_string(ck->doc->digest));
    brig_json_set(inv, "properties", iprops);
    brig_json_append(invs, inv);
    brig_json_set(run, "invocations", invs);
    /* brig counts columns in characters */
    brig_json_set(run, "columnKind", brig_json_new_string("unicodeCodePoints"));
    brig_json_set(run, "results", results);
    brig_json_append(runs, run);
    brig_json_set(doc, "runs", runs);
    _cleanup_free_ char *s = brig_json_serialize(doc, BRIG_JSON_PRETTY, NULL);
    fputs(s, stdout);
}

/* ---- JUnit XML, for CI dashboards: a test suite per operand, a test case
 * per finding (failed when at or above --fail-on), one passing case for a
 * compliant file, an <error> for one that could not be checked. */
static void xml_puts(const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&':
            fputs("&amp;", stdout);
            break;
        case '<':
            fputs("&lt;", stdout);
            break;
        case '>':
            fputs("&gt;", stdout);
            break;
        case '"':
            fputs("&quot;", stdout);
            break;
        default:
            /* XML 1.0 has no representation for most control bytes */
            if ((unsigned char)*s < 0x20 && *s != '\t' && *s != '\n' && *s != '\r')
                fputc('?', stdout);
            else
                fputc(*s, stdout);
        }
    }
}

/* Notes are not tests a dashboard should count, unless they fail. */
static bool junit_case(const Check *ck, const Finding *f)
{
    return f->severity != BRIG_SEVERITY_NOTE || ck->fail_on <= BRIG_SEVERITY_NOTE;
}

static size_t junit_cases(const Check *ck, const FileResult *fr)
{
    size_t n = 0;
    for (size_t i = 0; i < fr->n; i++)
        n += junit_case(ck, &fr->f[i]);
    return n;
}

static void print_junit(const Check *ck)
{
    size_t tests = 0, failures = 0, errors = 0;
    for (size_t k = 0; k < ck->n_files; k++) {
        const FileResult *fr = &ck->files[k];
        size_t nc = junit_cases(ck, fr);
        tests += fr->error || !nc ? 1 : nc;
        errors += fr->error != NULL;
        for (size_t i = 0; i < fr->n; i++)
            failures += (int)fr->f[i].severity >= ck->fail_on;
    }
    printf("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    printf("<testsuites name=\"brig check\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\">\n",
           tests, failures, errors);
    for (size_t k = 0; k < ck->n_files; k++) {
        const FileResult *fr = &ck->files[k];
        size_t nf = 0, nc = junit_cases(ck, fr);
        for (size_t i = 0; i < fr->n; i++)
            nf += (int)fr->f[i].severity >= ck->fail_on;
        printf("  <testsuite name=\"");
        xml_puts(fr->path);
        printf("\" tests=\"%zu\" failures=\"%zu\" errors=\"%d\">\n", fr->error || !nc ? 1 : nc, nf,
               fr->error ? 1 : 0);
        if (fr->error) {
            printf(
                "    <testcase classname=\"brig.check\" name=\"load\">\n      <error message=\"");
            xml_puts(fr->error);
            printf("\"/>\n    </testcase>\n");
        } else if (!nc) {
            printf("    <testcase classname=\"brig.check\" name=\"compliant\"/>\n");
        }
        for (size_t i = 0; i < fr->n; i++) {
            const Finding *f = &fr->f[i];
            if (!junit_case(ck, f))
                continue;
            printf("    <testcase classname=\"brig.check.");
            xml_puts(f->change->pass);
            printf("\" name=\"");
            xml_puts(f->rule);
            printf(" ");
            xml_puts(f->change->pointer);
            printf("\" file=\"");
            xml_puts(fr->path);
            printf("\" line=\"%u\"", f->line);
            if ((int)f->severity < ck->fail_on) {
                printf(">\n      <system-out>%s: ", brig_severity_name(f->severity));
                xml_puts(f->change->reason);
                printf("</system-out>\n    </testcase>\n");
                continue;
            }
            printf(">\n      <failure type=\"%s\" message=\"", brig_severity_name(f->severity));
            xml_puts(f->change->reason);
            printf("\">%s:%u:%u: ", "", f->line, f->col);
            xml_puts(f->change->pointer);
            printf("</failure>\n    </testcase>\n");
        }
        printf("  </testsuite>\n");
    }
    printf("</testsuites>\n");
}

int cmd_check(int argc, char **argv, const BrigArgv *a, BrigError **err)
{
    static const struct option opts[] = {
        {"format", required_argument, NULL, 'f'},
        {"fail-on", required_argument, NULL, 'F'},
        {"host", required_argument, NULL, 'H'},
        {"process", no_argument, NULL, 'p'},
        {"brig-policy", required_argument, NULL, 'P'},
        {"help", no_argument, NULL, 'h'},
        {0},
    };
    const char *format = "text", *fail_on = "warning", *host_arg = "this";
    const char *policy = a->brig_policy;
    bool process = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "f:ph", opts, NULL)) != -1) {
        switch (c) {
        case 'f':
            format = optarg;
            break;
        case 'F':
            fail_on = optarg;
            break;
        case 'H':
            host_arg = optarg;
            break;
        case 'p':
            process = true;
            break;
        case 'P':
            policy = optarg;
            break;
        case 'h':
            check_usage(stdout);
            return BRIG_EXIT_OK;
        default:
            check_usage(stderr);
            return BRIG_EXIT_USAGE;
        }
    }
    int fmt = cli_format("check", format, formats, err);
    if (fmt < 0)
        return BRIG_EXIT_USAGE;
    int threshold = streq(fail_on, "never") ? FAIL_NEVER : brig_severity_from_name(fail_on);
    if (threshold < 0) {
        brig_error_set(err, EINVAL, "check: --fail-on \"%s\" (error, warning, note or never)",
                       fail_on);
        return BRIG_EXIT_USAGE;
    }
    if (!streq(host_arg, "this") && !streq(host_arg, "portable")) {
        brig_error_set(err, EINVAL, "check: --host \"%s\" (this or portable)", host_arg);
        return BRIG_EXIT_USAGE;
    }
    if (optind >= argc) {
        check_usage(stderr);
        return BRIG_EXIT_USAGE;
    }
    _cleanup_(brig_policy_doc_freep) BrigPolicyDoc *doc = NULL;
    if (brig_policy_load_offline(policy, &doc, err) < 0)
        return BRIG_EXIT_USAGE;
    BrigHost host;
    bool portable = streq(host_arg, "portable");
    if (portable)
        portable_host(&host);
    else
        brig_host_probe(&host);

    Check ck = {.doc = doc, .host_name = host_arg, .portable = portable, .fail_on = threshold};
    ck.files = xcalloc((size_t)(argc - optind), sizeof(*ck.files));
    for (int i = optind; i < argc; i++)
        check_file(&ck, &host, argv[i], process);

    switch (fmt) {
    case FMT_TEXT:
        print_text(&ck);
        break;
    case FMT_JSON:
        print_json(&ck);
        break;
    case FMT_SARIF:
        print_sarif(&ck);
        break;
    case FMT_JUNIT:
        print_junit(&ck);
        break;
    }
    fflush(stdout);

    int status = BRIG_EXIT_OK;
    for (size_t k = 0; k < ck.n_files; k++) {
        FileResult *fr = &ck.files[k];
        int s = file_status(&ck, fr);
        if (s > status)
            status = s;
        /* also in the document (json, sarif, junit), and always on stderr */
        if (fr->error)
            fprintf(stderr, "brig: %s\n", fr->error);
        for (size_t i = 0; i < fr->n; i++)
            free(fr->f[i].rule);
        free(fr->f);
        free(fr->error);
        free(fr->path);
        brig_harden_file_done(&fr->h);
    }
    free(ck.files);
    return status;
}
