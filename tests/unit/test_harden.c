/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The whole pass table over real engine configs and every golden input:
 * idempotent to the byte, never widens anything the input allowed, and
 * leaves unknown fields exactly as written.  The seccomp pass is someone
 * else's moving target, so nothing here looks inside linux.seccomp. */
#include <glob.h>
#include <stdio.h>

#include "caps.h"
#include "testutil.h"
#include "userns/mapping.h"

#define CAP(n) (UINT64_C(1) << (n))
#define ALL_CAPS ((CAP(BRIG_CAP_LAST) << 1) - 1)

typedef struct {
    char *name; /* relative to tests/data */
    char *text;
    size_t len;
    bool process; /* an exec --process file, not a config */
} Input;

static Input *inputs;
static size_t n_inputs;

static void add_glob(const char *pattern)
{
    char full[4096];
    snprintf(full, sizeof(full), "%s/%s", BRIG_TEST_DATA, pattern);
    glob_t g;
    if (glob(full, 0, NULL, &g) != 0)
        return;
    for (size_t i = 0; i < g.gl_pathc; i++) {
        const char *rel = g.gl_pathv[i] + strlen(BRIG_TEST_DATA) + 1;
        inputs = xrealloc(inputs, (n_inputs + 1) * sizeof(*inputs));
        Input *in = &inputs[n_inputs++];
        in->name = xstrdup(rel);
        in->text = tu_read_data(rel, &in->len);
        /* the engine-tests helper captures exec process files here too */
        _cleanup_(brig_json_freep) BrigJson *j = tu_parse(in->text);
        in->process = j->type == BRIG_JSON_OBJECT && !brig_json_get(j, "ociVersion") &&
                      brig_json_get(j, "args");
    }
    globfree(&g);
}

/* Real engine configs (docker-*.json and ctr-*.json join as they are
 * captured) and the golden input of every pass. */
static void load_inputs(void)
{
    if (inputs)
        return;
    add_glob("configs/*.json");
    add_glob("*/*.in.json");
}

typedef void (*PolicySetup)(BrigPolicy *p);

static void policy_default(BrigPolicy *p)
{
}

/* An exception-granting policy exercises the paths where something is kept. */
static void policy_lenient(BrigPolicy *p)
{
    p->caps_allowed = CAP(brig_cap_from_name("CAP_NET_BIND_SERVICE")) |
                      CAP(brig_cap_from_name("CAP_CHOWN")) | CAP(brig_cap_from_name("CAP_KILL"));
}

static void policy_allow_root(BrigPolicy *p)
{
    policy_lenient(p);
    p->allow_root = true;
}

static const struct {
    const char *name;
    PolicySetup fn;
} policies[] = {
    {"default", policy_default},
    {"lenient", policy_lenient},
    {"allow-root", policy_allow_root},
};

/* Hardens text (a config, or with process=true a process file); returns
 * pretty output, or NULL with *ret_err set. */
static char *harden_text(const char *name, const char *text, size_t len, bool process,
                         PolicySetup setup, BrigReport *rep, char **ret_err)
{
    BrigCtx ctx;
    BrigHost host;
    BrigPolicy *policy;
    tu_ctx(&ctx, &host, &policy);
    setup(policy);
    BrigJson *spec = NULL;
    BrigError *err = NULL;
    ck_assert_msg(brig_json_parse(text, len, name, 0, &spec, &err) == 0, "%s: %s", name,
                  err ? err->msg : "");
    char *out = NULL;
    int r =
        process ? brig_harden_process(&ctx, spec, rep, &err) : brig_harden(&ctx, spec, rep, &err);
    if (r < 0) {
        ck_assert_ptr_nonnull(err);
        *ret_err = xstrdup(err->msg);
        brig_error_free(err);
    } else {
        ck_assert_ptr_null(err);
        out = brig_json_serialize(spec, BRIG_JSON_PRETTY, NULL);
    }
    brig_json_free(spec);
    brig_policy_free(policy);
    return out;
}

/* crun reads the first copy of a duplicated key, runc and brig the last: a
 * hardened config must leave them nothing to disagree about. */
static void assert_no_duplicate_keys(const char *name, const BrigJson *j)
{
    if (j->type == BRIG_JSON_OBJECT)
        for (size_t i = 0; i < j->n; i++)
            for (size_t k = i + 1; k < j->n; k++)
                ck_assert_msg(!streq(j->kids[i]->key, j->kids[k]->key), "%s: duplicate key %s",
                              name, j->kids[i]->key);
    for (size_t i = 0; i < j->n; i++)
        assert_no_duplicate_keys(name, j->kids[i]);
}

static size_t count_refusals(const BrigReport *rep)
{
    size_t n = 0;
    for (size_t i = 0; i < rep->n; i++)
        n += rep->v[i].kind == BRIG_REFUSE && !startswith(rep->v[i].reason, "a second copy");
    return n;
}

START_TEST(test_idempotent)
{
    load_inputs();
    ck_assert_uint_ge(n_inputs, 20);
    size_t hardened = 0;
    for (size_t i = 0; i < n_inputs; i++)
        for (size_t p = 0; p < ELEMENTSOF(policies); p++) {
            BrigReport rep1 = {0}, rep2 = {0};
            _cleanup_free_ char *e1 = NULL, *e2 = NULL;
            _cleanup_free_ char *once = harden_text(inputs[i].name, inputs[i].text, inputs[i].len,
                                                    inputs[i].process, policies[p].fn, &rep1, &e1);
            if (!once) {
                /* malformed for some pass: that is reported, not half-done;
                 * every real engine config must harden */
                ck_assert_msg(!startswith(inputs[i].name, "configs/"), "%s (%s): %s",
                              inputs[i].name, policies[p].name, e1);
                if (p == 0)
                    fprintf(stderr, "harden: %s is refused as malformed: %s\n", inputs[i].name, e1);
                brig_report_clear(&rep1);
                continue;
            }
            _cleanup_free_ char *twice = harden_text(inputs[i].name, once, strlen(once),
                                                     inputs[i].process, policies[p].fn, &rep2, &e2);
            _cleanup_(brig_json_freep) BrigJson *tree = tu_parse(once);
            assert_no_duplicate_keys(inputs[i].name, tree);
            ck_assert_msg(twice, "%s (%s): second run failed: %s", inputs[i].name, policies[p].name,
                          e2);
            ck_assert_msg(streq(once, twice),
                          "%s (%s): not idempotent:\n--- once\n%s\n--- twice\n%s", inputs[i].name,
                          policies[p].name, once, twice);
            for (size_t k = 0; k < rep2.n; k++)
                ck_assert_msg(rep2.v[k].kind != BRIG_FIX, "%s (%s): second run fixed %s (%s): %s",
                              inputs[i].name, policies[p].name, rep2.v[k].pointer, rep2.v[k].pass,
                              rep2.v[k].reason);
            /* refusals are about the input's meaning, which the fixes keep;
             * but a second copy of a key is never written out */
            ck_assert_uint_eq(count_refusals(&rep1), count_refusals(&rep2));
            brig_report_clear(&rep1);
            brig_report_clear(&rep2);
            hardened++;
        }
    ck_assert_uint_ge(hardened, 20);
    fprintf(stderr, "harden: %zu inputs, %zu hardened runs checked\n", n_inputs, hardened);
}
END_TEST

/* A process file is checked as the process of a config. */
static BrigJson *as_config(BrigJson *j, bool process)
{
    if (!process)
        return j;
    BrigJson *w = brig_json_new(BRIG_JSON_OBJECT);
    brig_json_set(w, "process", j);
    return w;
}

static uint64_t caps_of(const BrigJson *spec, const char *set, bool *ret_present)
{
    const BrigJson *caps = brig_json_get_path(spec, "process/capabilities");
    if (ret_present)
        *ret_present = caps != NULL;
    if (!caps) /* runc keeps everything for a process without the object */
        return streq(set, "ambient") ? 0 : ALL_CAPS;
    const BrigJson *arr = brig_json_get(caps, set), *e;
    uint64_t m = 0;
    BRIG_JSON_FOREACH (e, arr) {
        int n = brig_cap_from_name(brig_json_str(e));
        ck_assert_int_ge(n, 0);
        m |= CAP(n);
    }
    return m;
}

static bool is_zero(const BrigJson *j)
{
    uint64_t v;
    return !j || (brig_json_to_uint64(j, &v) == 0 && v == 0);
}

/* Whether an id of the config's process (j: a uid or gid, NULL for absent)
 * is host id 0, through the config's user-namespace mapping when it has one. */
static bool host_zero(const BrigJson *spec, const BrigJson *j, bool gid)
{
    uint64_t v = 0;
    if (j && brig_json_to_uint64(j, &v) < 0)
        return false;
    BrigUserns ns;
    BrigError *err = NULL;
    ck_assert_int_eq(brig_userns_read(spec, &ns, &err), 0);
    uint32_t host = (uint32_t)v;
    bool mapped = ns.enabled && ns.has_uids && ns.has_gids;
    if (mapped && !brig_idmap_to_host(gid ? &ns.gids : &ns.uids, (uint32_t)v, &host))
        host = 1; /* unmapped: the runtime cannot run it at all */
    brig_userns_clear(&ns);
    return host == 0;
}

static bool same_mount(const BrigJson *a, const BrigJson *b)
{
    return streq(brig_json_str(brig_json_get(a, "destination")),
                 brig_json_str(brig_json_get(b, "destination"))) &&
           brig_json_equal(brig_json_get(a, "source"), brig_json_get(b, "source")) &&
           brig_json_equal(brig_json_get(a, "type"), brig_json_get(b, "type"));
}

static bool has_namespace(const BrigJson *nss, const BrigJson *want)
{
    const BrigJson *ns;
    BRIG_JSON_FOREACH (ns, nss)
        if (brig_json_equal(brig_json_get(ns, "type"), brig_json_get(want, "type")) &&
            brig_json_equal(brig_json_get(ns, "path"), brig_json_get(want, "path")))
            return true;
    return false;
}

static void check_not_wider(const char *name, const char *pol, const BrigJson *in,
                            const BrigJson *out, bool allow_root, bool refused)
{
    const BrigJson *iproc = brig_json_get(in, "process"), *oproc = brig_json_get(out, "process");
    if (iproc) {
        ck_assert_ptr_nonnull(oproc);
        uint64_t ib = caps_of(in, "bounding", NULL), ie = caps_of(in, "effective", NULL),
                 ip = caps_of(in, "permitted", NULL), ii = caps_of(in, "inheritable", NULL),
                 ia = caps_of(in, "ambient", NULL);
        bool present;
        uint64_t ob = caps_of(out, "bounding", &present), oe = caps_of(out, "effective", NULL),
                 op = caps_of(out, "permitted", NULL), oi = caps_of(out, "inheritable", NULL),
                 oa = caps_of(out, "ambient", NULL);
        ck_assert_msg(present, "%s (%s): capabilities left implicit", name, pol);
        ck_assert_msg((ob & ~ib) == 0, "%s (%s): bounding widened", name, pol);
        ck_assert_msg((oe & ~ie) == 0, "%s (%s): effective widened", name, pol);
        ck_assert_msg((op & ~ip) == 0, "%s (%s): permitted widened", name, pol);
        const BrigJson *ouid = brig_json_get_path(oproc, "user/uid");
        if (is_zero(ouid)) {
            ck_assert_msg((oi & ~ii) == 0 && (oa & ~ia) == 0, "%s (%s): root gained caps", name,
                          pol);
        } else {
            ck_assert_msg((oi & ~(ii | ie | ip)) == 0, "%s (%s): inheritable widened", name, pol);
            ck_assert_msg((oa & ~(ia | ie | ip)) == 0, "%s (%s): ambient widened", name, pol);
        }

        /* judged as the host sees them; a refused config never starts */
        if (!allow_root && !refused) {
            ck_assert_msg(!host_zero(out, brig_json_get_path(oproc, "user/uid"), false),
                          "%s: uid 0", name);
            ck_assert_msg(!host_zero(out, brig_json_get_path(oproc, "user/gid"), true), "%s: gid 0",
                          name);
            const BrigJson *g;
            BRIG_JSON_FOREACH (g, brig_json_get_path(oproc, "user/additionalGids"))
                ck_assert_msg(!host_zero(out, g, true), "%s: additional gid 0", name);
        }
        ck_assert_msg(brig_json_is_true(brig_json_get(oproc, "noNewPrivileges")),
                      "%s (%s): noNewPrivileges", name, pol);
    }
    if (brig_json_get(in, "root"))
        ck_assert_msg(brig_json_is_true(brig_json_get_path(out, "root/readonly")),
                      "%s (%s): root not read-only", name, pol);

    static const char *const lists[] = {"linux/maskedPaths", "linux/readonlyPaths"};
    for (size_t l = 0; l < ELEMENTSOF(lists); l++) {
        const BrigJson *e;
        BRIG_JSON_FOREACH (e, brig_json_get_path(in, lists[l]))
            ck_assert_msg(
                brig_json_array_has_string(brig_json_get_path(out, lists[l]), brig_json_str(e)),
                "%s (%s): %s lost %s", name, pol, lists[l], brig_json_str(e));
    }
    const BrigJson *ns;
    BRIG_JSON_FOREACH (ns, brig_json_get_path(in, "linux/namespaces"))
        ck_assert_msg(has_namespace(brig_json_get_path(out, "linux/namespaces"), ns),
                      "%s (%s): namespace %s lost", name, pol,
                      brig_json_str(brig_json_get(ns, "type")));
    const BrigJson *m, *om;
    BRIG_JSON_FOREACH (m, brig_json_get(in, "mounts")) {
        bool found = false;
        BRIG_JSON_FOREACH (om, brig_json_get(out, "mounts"))
            found = found || same_mount(m, om);
        ck_assert_msg(found, "%s (%s): mount at %s removed", name, pol,
                      brig_json_str(brig_json_get(m, "destination")));
    }
}

START_TEST(test_never_widens)
{
    load_inputs();
    size_t checked = 0;
    for (size_t i = 0; i < n_inputs; i++)
        for (size_t p = 0; p < ELEMENTSOF(policies); p++) {
            BrigReport rep = {0};
            _cleanup_free_ char *e = NULL;
            _cleanup_free_ char *out = harden_text(inputs[i].name, inputs[i].text, inputs[i].len,
                                                   inputs[i].process, policies[p].fn, &rep, &e);
            bool refused = brig_report_count(&rep, BRIG_REFUSE) > 0;
            brig_report_clear(&rep);
            if (!out)
                continue;
            _cleanup_(brig_json_freep) BrigJson *in =
                as_config(tu_parse(inputs[i].text), inputs[i].process);
            _cleanup_(brig_json_freep) BrigJson *o = as_config(tu_parse(out), inputs[i].process);
            check_not_wider(inputs[i].name, policies[p].name, in, o,
                            policies[p].fn == policy_allow_root, refused);
            checked++;
        }
    ck_assert_uint_ge(checked, 20);
}
END_TEST

/* Real configs under the default policy end with exactly the restricted
 * profile's process: no capabilities, uid/gid 65534, noNewPrivileges. */
START_TEST(test_real_configs_default_policy)
{
    load_inputs();
    for (size_t i = 0; i < n_inputs; i++) {
        if (!startswith(inputs[i].name, "configs/"))
            continue;
        BrigReport rep = {0};
        _cleanup_free_ char *e = NULL;
        _cleanup_free_ char *out = harden_text(inputs[i].name, inputs[i].text, inputs[i].len,
                                               inputs[i].process, policy_default, &rep, &e);
        ck_assert_msg(out, "%s: %s", inputs[i].name, e);
        ck_assert_msg(brig_report_count(&rep, BRIG_FIX) > 0, "%s: nothing to fix?", inputs[i].name);
        bool refused = brig_report_count(&rep, BRIG_REFUSE) > 0;
        brig_report_clear(&rep);
        _cleanup_(brig_json_freep) BrigJson *o = as_config(tu_parse(out), inputs[i].process);
        static const char *const sets[] = {"bounding", "effective", "permitted", "inheritable",
                                           "ambient"};
        for (size_t s = 0; s < ELEMENTSOF(sets); s++)
            ck_assert_msg(caps_of(o, sets[s], NULL) == 0, "%s: %s not empty", inputs[i].name,
                          sets[s]);
        /* host root, through a user namespace too (runc spec --rootless run
         * as root maps container 0 to host 0), only in a refused config */
        bool root = host_zero(o, brig_json_get_path(o, "process/user/uid"), false) ||
                    host_zero(o, brig_json_get_path(o, "process/user/gid"), true);
        ck_assert_msg(!root || refused, "%s: root", inputs[i].name);
        ck_assert(brig_json_is_true(brig_json_get_path(o, "process/noNewPrivileges")));
        if (inputs[i].process)
            continue;
        const BrigJson *ns;
        bool cgroup = false;
        BRIG_JSON_FOREACH (ns, brig_json_get_path(o, "linux/namespaces"))
            cgroup = cgroup || streq(brig_json_str(brig_json_get(ns, "type")), "cgroup");
        ck_assert_msg(cgroup, "%s: no cgroup namespace", inputs[i].name);
    }
}
END_TEST

#define UNKNOWN "{\"n\":1.50,\"deep\":[1e3,-1,{\"k\":\"\\u00e9\"}]}"

static void inject(BrigJson *obj)
{
    BrigJson *u = tu_parse(UNKNOWN);
    brig_json_set(obj, "x-unknown", u);
}

static void assert_unknown(const char *name, const BrigJson *obj, const char *where)
{
    const BrigJson *u = brig_json_get(obj, "x-unknown");
    ck_assert_msg(u, "%s: x-unknown in %s is gone", name, where);
    _cleanup_free_ char *s = tu_compact(u);
    ck_assert_msg(streq(s, "{\"n\":1.50,\"deep\":[1e3,-1,{\"k\":\"\xc3\xa9\"}]}"),
                  "%s: x-unknown in %s became %s", name, where, s);
}

START_TEST(test_unknown_fields_survive)
{
    load_inputs();
    size_t checked = 0;
    for (size_t i = 0; i < n_inputs; i++) {
        _cleanup_(brig_json_freep) BrigJson *in = NULL;
        BrigError *err = NULL;
        ck_assert_int_eq(brig_json_parse(inputs[i].text, inputs[i].len, "in", 0, &in, &err), 0);
        if (in->type != BRIG_JSON_OBJECT)
            continue;
        inject(in);
        BrigJson *proc = inputs[i].process ? in : brig_json_get(in, "process");
        if (proc && proc->type == BRIG_JSON_OBJECT) {
            if (proc != in)
                inject(proc);
            BrigJson *caps = brig_json_get(proc, "capabilities");
            if (caps && caps->type == BRIG_JSON_OBJECT)
                inject(caps);
            BrigJson *user = brig_json_get(proc, "user");
            if (user && user->type == BRIG_JSON_OBJECT)
                inject(user);
        }
        BrigJson *lin = brig_json_get(in, "linux");
        if (lin && lin->type == BRIG_JSON_OBJECT)
            inject(lin);
        BrigJson *root = brig_json_get(in, "root");
        if (root && root->type == BRIG_JSON_OBJECT)
            inject(root);
        BrigJson *mounts = brig_json_get(in, "mounts");
        if (mounts && mounts->type == BRIG_JSON_ARRAY && mounts->n > 0 &&
            mounts->kids[0]->type == BRIG_JSON_OBJECT)
            inject(mounts->kids[0]);

        _cleanup_free_ char *text = tu_compact(in);
        BrigReport rep = {0};
        _cleanup_free_ char *e = NULL;
        _cleanup_free_ char *out = harden_text(inputs[i].name, text, strlen(text),
                                               inputs[i].process, policy_default, &rep, &e);
        brig_report_clear(&rep);
        if (!out)
            continue;
        _cleanup_(brig_json_freep) BrigJson *o = as_config(tu_parse(out), inputs[i].process);
        const char *name = inputs[i].name;
        assert_unknown(name, inputs[i].process ? brig_json_get(o, "process") : o, "the top level");
        if (proc && proc->type == BRIG_JSON_OBJECT) {
            assert_unknown(name, brig_json_get(o, "process"), "process");
            const BrigJson *caps = brig_json_get(proc, "capabilities");
            if (caps && caps->type == BRIG_JSON_OBJECT)
                assert_unknown(name, brig_json_get_path(o, "process/capabilities"),
                               "process.capabilities");
            const BrigJson *user = brig_json_get(proc, "user");
            if (user && user->type == BRIG_JSON_OBJECT)
                assert_unknown(name, brig_json_get_path(o, "process/user"), "process.user");
        }
        if (lin && lin->type == BRIG_JSON_OBJECT)
            assert_unknown(name, brig_json_get(o, "linux"), "linux");
        if (root && root->type == BRIG_JSON_OBJECT)
            assert_unknown(name, brig_json_get(o, "root"), "root");
        if (mounts && mounts->type == BRIG_JSON_ARRAY && mounts->n > 0 &&
            mounts->kids[0]->type == BRIG_JSON_OBJECT) {
            /* find the same mount in the output (tmpfs may be inserted before it) */
            const BrigJson *om, *found = NULL;
            BRIG_JSON_FOREACH (om, brig_json_get(o, "mounts"))
                if (!found && same_mount(om, mounts->kids[0]))
                    found = om;
            ck_assert_msg(found, "%s: first mount gone", name);
            assert_unknown(name, found, "mounts[0]");
        }
        checked++;
    }
    ck_assert_uint_ge(checked, 20);
}
END_TEST

/* exec --process: the process object of every config, on its own. */
START_TEST(test_process_idempotent)
{
    load_inputs();
    for (size_t i = 0; i < n_inputs; i++) {
        _cleanup_(brig_json_freep) BrigJson *in = NULL;
        BrigError *err = NULL;
        ck_assert_int_eq(brig_json_parse(inputs[i].text, inputs[i].len, "in", 0, &in, &err), 0);
        BrigJson *proc = inputs[i].process ? in : brig_json_get(in, "process");
        if (!proc || proc->type != BRIG_JSON_OBJECT)
            continue;
        _cleanup_free_ char *once = NULL;
        for (int round = 0; round < 2; round++) {
            BrigCtx ctx;
            BrigHost host;
            BrigPolicy *policy;
            tu_ctx(&ctx, &host, &policy);
            BrigReport rep = {0};
            int r = brig_harden_process(&ctx, proc, &rep, &err);
            brig_policy_free(policy);
            if (r < 0) {
                ck_assert_msg(!startswith(inputs[i].name, "configs/"), "%s: %s", inputs[i].name,
                              err->msg);
                brig_error_free(err);
                err = NULL;
                brig_report_clear(&rep);
                break;
            }
            _cleanup_free_ char *s = tu_compact(proc);
            if (round == 0) {
                once = TAKE_PTR(s);
            } else {
                ck_assert_msg(streq(once, s), "%s: process not idempotent", inputs[i].name);
                ck_assert_uint_eq(brig_report_count(&rep, BRIG_FIX), 0);
            }
            brig_report_clear(&rep);
        }
    }
}
END_TEST

/* The refusal the spec pass recorded at `pointer` whose reason holds `needle`. */
static bool refused_at(const BrigReport *rep, const char *pointer, const char *needle)
{
    for (size_t i = 0; i < rep->n; i++)
        if (rep->v[i].kind == BRIG_REFUSE && streq(rep->v[i].pass, "spec") &&
            streq(rep->v[i].pointer, pointer) && strstr(rep->v[i].reason, needle))
            return true;
    return false;
}

static void dump_report(const char *what, const BrigReport *rep)
{
    for (size_t i = 0; i < rep->n; i++)
        fprintf(stderr, "%s: %s %s %s: %s\n", what, brig_change_kind_name(rep->v[i].kind),
                rep->v[i].pass, rep->v[i].pointer, rep->v[i].reason);
}

/* Hardens doc (a config, or a process file) and asserts the spec pass
 * refused `pointer` with a reason holding `needle`. */
static void assert_refused(const char *doc, bool process, const char *pointer, const char *needle)
{
    BrigReport rep = {0};
    _cleanup_free_ char *e = NULL;
    _cleanup_free_ char *out =
        harden_text("spec", doc, strlen(doc), process, policy_default, &rep, &e);
    if (!refused_at(&rep, pointer, needle))
        dump_report(doc, &rep);
    ck_assert_msg(out, "%s: %s", doc, e);
    ck_assert_msg(refused_at(&rep, pointer, needle), "%s: no refusal at %s (%s)", doc, pointer,
                  needle);
    brig_report_clear(&rep);
}

/* The first copy of each key says root, no noNewPrivileges, all
 * capabilities, writable root; the last copy is harmless.  runc would read
 * the last, crun the first: every field of the spec must be unique. */
START_TEST(test_duplicate_keys_refused)
{
    static const struct {
        const char *doc, *pointer;
    } cases[] = {
        {"{\"process\":{\"user\":{\"uid\":0},\"args\":[]},\"process\":{\"args\":[]}}", "/process"},
        {"{\"process\":{\"user\":{\"uid\":0,\"uid\":1000}}}", "/process/user/uid"},
        {"{\"process\":{\"noNewPrivileges\":false,\"noNewPrivileges\":true}}",
         "/process/noNewPrivileges"},
        {"{\"process\":{\"capabilities\":{\"bounding\":[\"CAP_SYS_ADMIN\"],\"bounding\":[]}}}",
         "/process/capabilities/bounding"},
        {"{\"root\":{\"path\":\"rootfs\",\"readonly\":false,\"readonly\":true}}", "/root/readonly"},
        {"{\"linux\":{\"namespaces\":[{\"type\":\"pid\",\"path\":\"/proc/1/ns/pid\",\"path\":"
         "\"/x\"}]}}",
         "/linux/namespaces/0/path"},
        {"{\"linux\":{\"maskedPaths\":[],\"maskedPaths\":[\"/proc/kcore\"]}}",
         "/linux/maskedPaths"},
        /* fields no pass reads: the rule is the table's, not a pass's */
        {"{\"hostname\":\"a\",\"hostname\":\"b\"}", "/hostname"},
        {"{\"process\":{\"args\":[\"sh\"],\"cwd\":\"/x\",\"cwd\":\"/\"}}", "/process/cwd"},
        {"{\"linux\":{\"resources\":{\"pids\":{\"limit\":100,\"limit\":0}}}}",
         "/linux/resources/pids/limit"},
        {"{\"linux\":{\"devices\":[{\"path\":\"/dev/null\",\"type\":\"c\",\"major\":1,"
         "\"minor\":3,\"minor\":11}]}}",
         "/linux/devices/0/minor"},
        {"{\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultAction\":"
         "\"SCMP_ACT_ALLOW\"}}}",
         "/linux/seccomp/defaultAction"},
        /* map keys: runc's map keeps the last, crun the first */
        {"{\"annotations\":{\"a\":\"1\",\"a\":\"2\"}}", "/annotations/a"},
        {"{\"linux\":{\"sysctl\":{\"kernel.shm_rmid_forced\":\"1\",\"kernel.shm_rmid_forced\":"
         "\"0\"}}}",
         "/linux/sysctl/kernel.shm_rmid_forced"},
    };
    for (size_t i = 0; i < ELEMENTSOF(cases); i++)
        assert_refused(cases[i].doc, false, cases[i].pointer, "a second copy of this key");

    /* a large map goes through the hash: the copy is found wherever it is */
    _cleanup_free_ char *big = xstrdup("{\"annotations\":{");
    for (int k = 0; k < 2000; k++) {
        char *n = xasprintf("%s\"k%d\":\"v\",", big, k);
        free(big);
        big = n;
    }
    char *n = xasprintf("%s\"k17\":\"w\"}}", big);
    free(big);
    big = n;
    assert_refused(big, false, "/annotations/k17", "a second copy of this key");
}
END_TEST

/* runc (Go) fills a struct field from any key equal to its name under case
 * folding, crun only from the exact key: an alias would reach runc without
 * being hardened, so it is refused wherever the spec has a field. */
START_TEST(test_case_folded_aliases_refused)
{
    static const struct {
        const char *path;  /* object to add the alias to ("" = top level) */
        const char *alias; /* key runc would read as a field of the spec */
        const char *value;
        const char *pointer; /* where the refusal points */
    } cases[] = {
        {"", "Process", "{\"args\":[\"sh\"],\"user\":{\"uid\":0}}", "/Process"},
        {"", "PROCESS", "{}", "/PROCESS"},
        {"", "proce\xc5\xbfs", "{}", "/proce\xc5\xbfs"}, /* U+017F long s */
        {"", "Root", "{\"path\":\"rootfs\"}", "/Root"},
        {"", "Linux", "{}", "/Linux"},
        {"", "Mounts", "[]", "/Mounts"},
        {"", "Annotations", "{}", "/Annotations"},
        {"", "HOSTNAME", "\"x\"", "/HOSTNAME"},
        {"process", "User", "{\"uid\":0}", "/process/User"},
        {"process", "NoNewPrivileges", "false", "/process/NoNewPrivileges"},
        {"process", "Capabilities", "{}", "/process/Capabilities"},
        {"process", "nonewprivileges", "false", "/process/nonewprivileges"},
        {"process/user", "UID", "0", "/process/user/UID"},
        {"process/user",
         "G\xc4\xb1"
         "d",
         "0",
         "/process/user/G\xc4\xb1"
         "d"}, /* U+0131 dotless i */
        {"process/user", "AdditionalGids", "[0]", "/process/user/AdditionalGids"},
        {"process/capabilities", "Bounding", "[\"CAP_SYS_ADMIN\"]",
         "/process/capabilities/Bounding"},
        {"process/capabilities", "AMBIENT", "[]", "/process/capabilities/AMBIENT"},
        {"root", "ReadOnly", "false", "/root/ReadOnly"},
        {"linux", "Namespaces", "[]", "/linux/Namespaces"},
        {"linux", "MaskedPaths", "[]", "/linux/MaskedPaths"},
        {"linux", "readOnlyPaths", "[]", "/linux/readOnlyPaths"},
        /* issue 13, row 2: the keys the per-field checks missed */
        {"linux/resources/pids", "Limit", "0", "/linux/resources/pids/Limit"},
        {"linux/resources/pids", "LIMIT", "0", "/linux/resources/pids/LIMIT"},
        {"linux",
         "mas\xe2\x84\xaa"
         "edPaths",
         "[]",
         "/linux/mas\xe2\x84\xaa"
         "edPaths"}, /* U+212A */
        {"linux/devices/0", "Major", "1", "/linux/devices/0/Major"},
        {"linux/devices/0", "Minor", "11", "/linux/devices/0/Minor"},
        {"linux/resources/devices/1", "Allow", "true", "/linux/resources/devices/1/Allow"},
        {"linux/resources/devices/1", "Major", "7", "/linux/resources/devices/1/Major"},
        {"linux/seccomp", "DefaultAction", "\"SCMP_ACT_ALLOW\"", "/linux/seccomp/DefaultAction"},
        {"hooks", "Prestart", "[]", "/hooks/Prestart"},
    };
    const char *base =
        "{\"ociVersion\":\"1.0.2\",\"process\":{\"user\":{\"uid\":1000,\"gid\":1000},"
        "\"args\":[\"sh\"],\"capabilities\":{\"bounding\":[]}},\"root\":{\"path\":"
        "\"rootfs\"},\"hooks\":{},\"linux\":{\"namespaces\":[{\"type\":\"pid\"}],"
        "\"resources\":{\"pids\":{\"limit\":100},\"devices\":[{\"allow\":false,"
        "\"access\":\"rwm\"},{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":3,"
        "\"access\":\"rwm\"}]},\"devices\":[{\"path\":\"/dev/null\",\"type\":\"c\","
        "\"major\":1,\"minor\":3}],\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ERRNO\"}}}";
    for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
        _cleanup_(brig_json_freep) BrigJson *j = tu_parse(base);
        BrigJson *obj = *cases[i].path ? brig_json_get_path(j, cases[i].path) : j;
        if (!obj) { /* an array element: path "linux/devices/0" */
            const char *slash = strrchr(cases[i].path, '/');
            _cleanup_free_ char *arr = xstrndup(cases[i].path, (size_t)(slash - cases[i].path));
            obj = brig_json_get_path(j, arr)->kids[atoi(slash + 1)];
        }
        ck_assert_ptr_nonnull(obj);
        brig_json_set(obj, cases[i].alias, tu_parse(cases[i].value));
        _cleanup_free_ char *text = tu_compact(j);
        assert_refused(text, false, cases[i].pointer, "runc reads this key as");
    }

    /* the exact message */
    const char *doc = "{\"process\":{\"args\":[\"sh\"]},\"Process\":{\"args\":[\"sh\"]}}";
    BrigReport rep = {0};
    _cleanup_free_ char *e = NULL;
    _cleanup_free_ char *out =
        harden_text("alias", doc, strlen(doc), false, policy_default, &rep, &e);
    ck_assert_ptr_nonnull(out);
    ck_assert_uint_ge(rep.n, 1);
    ck_assert_str_eq(rep.v[0].pointer, "/Process");
    ck_assert_str_eq(rep.v[0].reason,
                     "runc reads this key as \"process\" (Go matches field names regardless of "
                     "case) but crun reads only \"process\"; refusing a config that means "
                     "different things to different runtimes");
    brig_report_clear(&rep);

    /* exec process files too, with pointers into the file */
    assert_refused("{\"args\":[\"sh\"],\"user\":{\"uid\":1000},\"User\":{\"uid\":0}}", true,
                   "/User", "runc reads this key as \"user\"");
    assert_refused("{\"args\":[\"sh\"],\"user\":{\"uid\":1000,\"uid\":0}}", true, "/user/uid",
                   "a second copy");
}
END_TEST

/* Keys that merely look alike, and map keys, are nobody's alias; a key
 * the table does not know inside the spec's objects is refused, naming the
 * grant; at the top level it is an extension, kept. */
START_TEST(test_near_aliases_and_unknown_keys)
{
    const char *doc =
        "{\"ociVersion\":\"1.0.2\",\"processes\":1,\"x-Process\":2,\"proces\":3,"
        "\"process\":{\"args\":[\"sh\"],\"user\":{\"uid\":1000}},"
        "\"annotations\":{\"io.brig.hardened\":\"x\",\"IO.BRIG.HARDENED\":\"y\",\"a\":\"1\","
        "\"A\":\"2\"}}";
    BrigReport rep = {0};
    _cleanup_free_ char *e = NULL;
    _cleanup_free_ char *out =
        harden_text("near", doc, strlen(doc), false, policy_default, &rep, &e);
    ck_assert_msg(out, "%s", e);
    for (size_t i = 0; i < rep.n; i++)
        ck_assert_msg(!streq(rep.v[i].pass, "spec"), "%s: %s", rep.v[i].pointer, rep.v[i].reason);
    brig_report_clear(&rep);
    _cleanup_(brig_json_freep) BrigJson *o = tu_parse(out);
    /* annotation keys are a map: both spellings stay */
    ck_assert_str_eq(brig_json_str(brig_json_get_path(o, "annotations/IO.BRIG.HARDENED")), "y");
    ck_assert_str_eq(brig_json_str(brig_json_get_path(o, "annotations/A")), "2");
    ck_assert_str_eq(brig_json_str(brig_json_get_path(o, "annotations/a")), "1");
    ck_assert_int_eq((int)brig_json_get(o, "processes")->text[0], '1');

    assert_refused("{\"process\":{\"user\":{\"uid\":1000,\"uidx\":0}}}", false,
                   "/process/user/uidx", "\"specFields\": [\"/process/user/uidx\"] allows it");
    assert_refused("{\"process\":{\"Us\xc3\xa9r\":{}}}", false, "/process/Us\xc3\xa9r",
                   "has no \"Us\xc3\xa9r\" here");
    assert_refused("{\"mounts\":[{\"destination\":\"/a\"},{\"destination\":\"/b\",\"x\":1}]}",
                   false, "/mounts/1/x", "\"specFields\": [\"/mounts/*/x\"]");
    assert_refused("{\"linux\":{\"resources\":{\"rdma\":{\"mlx\":{\"hcaHandles\":1,\"q\":2}}}}}",
                   false, "/linux/resources/rdma/mlx/q",
                   "\"specFields\": [\"/linux/resources/rdma/*/q\"]");
    assert_refused("{\"linux\":{\"seccomp\":{\"syscalls\":[{\"names\":[\"x\"],\"args\":[{"
                   "\"index\":0,\"valueThree\":1}]}]}}}",
                   false, "/linux/seccomp/syscalls/0/args/0/valueThree", "has no");
    assert_refused("{\"hooks\":{\"prestart\":[{\"path\":\"/x\",\"when\":1}]}}", false,
                   "/hooks/prestart/0/when", "has no");
    assert_refused("{\"args\":[\"sh\"],\"x-vendor\":1}", true, "/x-vendor",
                   "\"specFields\": [\"/process/x-vendor\"]");
    /* rows refused unless granted */
    assert_refused("{\"linux\":{\"resources\":{\"unified\":{\"pids.max\":\"max\"}}}}", false,
                   "/linux/resources/unified/pids.max",
                   "\"specFields\": [\"/linux/resources/unified/*\"]");
    assert_refused("{\"process\":{\"scheduler\":{\"policy\":\"SCHED_FIFO\",\"priority\":99}}}",
                   false, "/process/scheduler", "refused unless the policy grants it");
}
END_TEST

/* specFields lets exactly what it names through, "*" matching one token. */
static void policy_grant_fields(BrigPolicy *p)
{
    static const char *const g[] = {"/linux/x-vendor", "/mounts/*/x-opt",
                                    "/linux/resources/unified/memory.high", "/process/scheduler"};
    p->spec_fields = (strv_free(p->spec_fields), xcalloc(ELEMENTSOF(g) + 1, sizeof(char *)));
    for (size_t i = 0; i < ELEMENTSOF(g); i++)
        p->spec_fields[i] = xstrdup(g[i]);
}

START_TEST(test_spec_fields_granted)
{
    const char *doc =
        "{\"process\":{\"args\":[\"sh\"],\"scheduler\":{\"policy\":\"SCHED_OTHER\"}},"
        "\"mounts\":[{\"destination\":\"/a\",\"x-opt\":1}],\"linux\":{\"x-vendor\":{\"a\":1},"
        "\"resources\":{\"unified\":{\"memory.high\":\"1G\",\"pids.max\":\"max\"}}}}";
    BrigReport rep = {0};
    _cleanup_free_ char *e = NULL;
    _cleanup_free_ char *out =
        harden_text("grant", doc, strlen(doc), false, policy_grant_fields, &rep, &e);
    ck_assert_msg(out, "%s", e);
    size_t spec_refusals = 0;
    for (size_t i = 0; i < rep.n; i++)
        spec_refusals += rep.v[i].kind == BRIG_REFUSE && streq(rep.v[i].pass, "spec");
    ck_assert_msg(spec_refusals == 1 && refused_at(&rep, "/linux/resources/unified/pids.max",
                                                   "refused unless the policy grants it"),
                  "%zu refusals", spec_refusals);
    brig_report_clear(&rep);
    /* an alias is never granted */
    const char *alias = "{\"linux\":{\"X-Vendor\":1,\"resources\":{\"pids\":{\"Limit\":0}}}}";
    out = (free(out),
           harden_text("grant", alias, strlen(alias), false, policy_grant_fields, &rep, &e));
    ck_assert(refused_at(&rep, "/linux/resources/pids/Limit", "runc reads this key as"));
    ck_assert(refused_at(&rep, "/linux/X-Vendor", "has no \"X-Vendor\""));
    brig_report_clear(&rep);
}
END_TEST

START_TEST(test_not_an_object)
{
    static const char *const docs[][2] = {
        {"[]", "the config is a JSON array, expected an object"},
        {"\"x\"", "the config is a JSON string, expected an object"},
        {"null", "the config is a JSON null, expected an object"},
    };
    for (size_t i = 0; i < ELEMENTSOF(docs); i++) {
        BrigReport rep = {0};
        _cleanup_free_ char *e = NULL;
        _cleanup_free_ char *out =
            harden_text("doc", docs[i][0], strlen(docs[i][0]), false, policy_default, &rep, &e);
        ck_assert_ptr_null(out);
        ck_assert_str_eq(e, docs[i][1]);
        ck_assert_uint_eq(rep.n, 0);
        brig_report_clear(&rep);
    }
    BrigCtx ctx;
    BrigHost host;
    BrigPolicy *policy;
    tu_ctx(&ctx, &host, &policy);
    BrigJson *arr = tu_parse("[1]");
    BrigReport rep = {0};
    BrigError *err = NULL;
    ck_assert_int_lt(brig_harden_process(&ctx, arr, &rep, &err), 0);
    ck_assert_str_eq(err->msg, "the process file is a JSON array, expected an object");
    brig_error_free(err);
    brig_json_free(arr);
    brig_policy_free(policy);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("harden");
    TCase *tc = tcase_create("harden");
    tcase_set_timeout(tc, 100);
    tcase_add_test(tc, test_idempotent);
    tcase_add_test(tc, test_never_widens);
    tcase_add_test(tc, test_real_configs_default_policy);
    tcase_add_test(tc, test_unknown_fields_survive);
    tcase_add_test(tc, test_process_idempotent);
    tcase_add_test(tc, test_not_an_object);
    tcase_add_test(tc, test_duplicate_keys_refused);
    tcase_add_test(tc, test_case_folded_aliases_refused);
    tcase_add_test(tc, test_near_aliases_and_unknown_keys);
    tcase_add_test(tc, test_spec_fields_granted);
    suite_add_tcase(s, tc);
    return tu_run(s);
}
