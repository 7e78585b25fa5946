/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Devices: the container sees and may open only the devices runc gives
 * every container (null, zero, full, random, urandom, tty, ptmx and its
 * pts; runc 1.1's specconv.AllowedDevices), plus what the policy's
 * "devices" grants.  /dev/console (c 5:1) is not among them: runc makes the
 * container's /dev/console a bind of its own pty, never the host's console.
 * An entry of linux.devices is kept only if its path AND its type/major/minor
 * are a default device's, or its type/major/minor are granted:
 * {"/dev/null", c 8:0} would be the first disk under a harmless name.
 *
 * The device cgroup (linux.resources.devices) applies its rules in order;
 * a deny-all is put first and every allow rule is removed except those for
 * a default or granted device (a granted device's rule is narrowed to the
 * grant's access letters).  A device still listed that a removed wider rule
 * ("a *:* rwm", docker --privileged) allowed gets an explicit rule with the
 * letters it had (without mknod: CAP_MKNOD is dropped).  Only allow rules
 * are removed or narrowed and only a deny-all and such restorations are
 * added, so the result never allows more than the input did.
 *
 * What the runtimes add by themselves, after these rules, and brig cannot
 * remove: runc 1.1 appends "c *:* m", "b *:* m", rwm for the six default
 * nodes whose path linux.devices does not list, "c 136:* rwm", "c 5:2 rwm"
 * and "c 10:200 rwm" (tun/tap, with no node); crun 1.8 appends the same
 * without tun/tap but with "c 5:1 rwm".  Those nodes are runtime-made
 * (mknod, which needs CAP_MKNOD, is gone), so an allow rule with no node
 * opens nothing; brig refuses binds of host device nodes (mounts pass). */
#include <stdio.h>

#include "passes.h"

typedef struct {
    const char *path; /* NULL: no node of its own (the pts range, a grant) */
    char type;
    int64_t major, minor; /* minor -1: any (the pts range) */
    unsigned access;      /* r=1, w=2, m=4: what may be kept */
} DefaultDev;

static const DefaultDev defaults[] = {
    {"/dev/null", 'c', 1, 3, 7},   {"/dev/zero", 'c', 1, 5, 7},    {"/dev/full", 'c', 1, 7, 7},
    {"/dev/random", 'c', 1, 8, 7}, {"/dev/urandom", 'c', 1, 9, 7}, {"/dev/tty", 'c', 5, 0, 7},
    {"/dev/ptmx", 'c', 5, 2, 7},   {NULL, 'c', 136, -1, 7},
};

static unsigned access_bits(const char *a)
{
    if (!a)
        return 7u;
    return (strchr(a, 'r') ? 1u : 0) | (strchr(a, 'w') ? 2u : 0) | (strchr(a, 'm') ? 4u : 0);
}

static const char *bits_letters(unsigned b)
{
    static const char *const names[8] = {"", "r", "w", "rw", "m", "rm", "wm", "rwm"};
    return names[b & 7u];
}

/* The default devices followed by the policy's grants. */
static DefaultDev *known_devices(const BrigPolicy *pol, size_t *ret_n)
{
    size_t n = 0;
    while (pol->devices && pol->devices[n])
        n++;
    DefaultDev *v = xcalloc(ELEMENTSOF(defaults) + n, sizeof(*v));
    memcpy(v, defaults, sizeof(defaults));
    size_t k = ELEMENTSOF(defaults);
    for (size_t i = 0; i < n; i++) {
        BrigDeviceGrant g;
        if (brig_device_grant_parse(pol->devices[i], &g) < 0)
            continue; /* validated at load */
        v[k++] = (DefaultDev){NULL, g.type, g.major, g.minor, access_bits(g.access)};
    }
    *ret_n = k;
    return v;
}

static int get_num(const BrigJson *obj, const char *key, const char *ptr, bool *ret_present,
                   int64_t *ret, BrigError **err)
{
    const BrigJson *v = brig_json_get(obj, key);
    *ret_present = v != NULL;
    *ret = -1;
    if (!v || v->type == BRIG_JSON_NULL)
        return 0;
    if (brig_json_to_int64(v, ret) < 0) {
        _cleanup_free_ char *d = pass_describe(v);
        return brig_error_set(err, EINVAL, "%s/%s: expected an integer, found %s", ptr, key, d);
    }
    return 0;
}

/* Checks the types of one linux.devices or linux.resources.devices entry. */
static int check_entry(const BrigJson *e, const char *ptr, bool rule, BrigError **err)
{
    if (e->type != BRIG_JSON_OBJECT)
        return brig_error_set(err, EINVAL, "%s: expected an object, found %s", ptr,
                              brig_json_type_name(e->type));
    int r = pass_check_type(e, rule ? "access" : "path", BRIG_JSON_STRING, ptr, err);
    if (r < 0)
        return r;
    r = pass_check_type(e, "type", BRIG_JSON_STRING, ptr, err);
    if (r < 0)
        return r;
    if (rule) {
        const BrigJson *a = brig_json_get(e, "allow");
        if (!a || a->type != BRIG_JSON_BOOL) {
            _cleanup_free_ char *d = a ? pass_describe(a) : xstrdup("nothing");
            return brig_error_set(err, EINVAL, "%s/allow: expected true or false, found %s", ptr,
                                  d);
        }
    }
    bool present;
    int64_t n;
    r = get_num(e, "major", ptr, &present, &n, err);
    if (r < 0)
        return r;
    return get_num(e, "minor", ptr, &present, &n, err);
}

static int check_array(const BrigJson *arr, const char *ptr, bool rule, BrigError **err)
{
    const BrigJson *e;
    size_t i = 0;
    BRIG_JSON_FOREACH (e, arr) {
        PassPtr pb;
        const char *p = pass_ptr_index(&pb, ptr, i++);
        int r = check_entry(e, p, rule, err);
        if (r < 0)
            return r;
    }
    return 0;
}

/* The known device (default or granted) a linux.devices entry (path
 * given) or a cgroup rule (path NULL) names, or NULL.  A default device
 * with a node must keep its path; a grant names a device, whatever its path.
 * A rule with a wildcard minor matches only a wildcard device. */
static const DefaultDev *which_known(const DefaultDev *kd, size_t nk, const BrigJson *e,
                                     const char *path)
{
    bool present;
    int64_t major, minor;
    const char *type = brig_json_str(brig_json_get(e, "type"));
    if (!type || (!streq(type, "c") && !streq(type, "b")))
        return NULL;
    if (get_num(e, "major", "", &present, &major, NULL) < 0 || !present || major < 0)
        return NULL;
    get_num(e, "minor", "", &present, &minor, NULL);
    for (size_t i = 0; i < nk; i++) {
        const DefaultDev *d = &kd[i];
        if (d->type != type[0] || d->major != major)
            continue;
        bool grant = i >= ELEMENTSOF(defaults);
        if (path && !grant) {
            if (d->path && streq(d->path, path) && d->minor == minor)
                return d;
        } else if (d->minor == -1 || (minor >= 0 && d->minor == minor)) {
            return d;
        }
    }
    return NULL;
}

static bool is_deny_all(const BrigJson *e)
{
    const char *type = brig_json_str(brig_json_get(e, "type"));
    const char *access = brig_json_str(brig_json_get(e, "access"));
    bool present;
    int64_t major, minor;
    get_num(e, "major", "", &present, &major, NULL);
    get_num(e, "minor", "", &present, &minor, NULL);
    return !brig_json_is_true(brig_json_get(e, "allow")) && (!type || streq(type, "a")) &&
           major == -1 && minor == -1 && access && strchr(access, 'r') && strchr(access, 'w') &&
           strchr(access, 'm');
}

/* An allow rule, decoded once: the device type it matches ('a': all), and
 * its access letters (r=1, w=2, m=4). */
typedef struct {
    bool allow;
    char type;
    int64_t major, minor;
    unsigned access;
} Rule;

/* The allow rules after the last deny-all: a deny-all resets the list
 * (cgroup v1 semantics, which runc emulates on v2), so only those count.
 * Decoded once per question instead of once per device. */
static size_t decode_rules(const BrigJson *rules, Rule *v)
{
    size_t n = 0;
    for (size_t i = 0; i < rules->n; i++) {
        const BrigJson *e = rules->kids[i];
        if (is_deny_all(e)) {
            n = 0;
            continue;
        }
        Rule *r = &v[n++];
        const char *type = brig_json_str(brig_json_get(e, "type"));
        bool present;
        r->allow = brig_json_is_true(brig_json_get(e, "allow"));
        r->type = !type || streq(type, "a") ? 'a' : type[0];
        get_num(e, "major", "", &present, &r->major, NULL);
        get_num(e, "minor", "", &present, &r->minor, NULL);
        r->access = access_bits(brig_json_str(brig_json_get(e, "access")));
    }
    return n;
}

/* Access letters the decoded rules grant device d, wildcards included. */
static unsigned granted(const Rule *v, size_t n, const DefaultDev *d)
{
    unsigned g = 0;
    for (size_t i = 0; i < n; i++)
        if (v[i].allow && (v[i].type == 'a' || v[i].type == d->type) &&
            (v[i].major == -1 || v[i].major == d->major) &&
            (v[i].minor == -1 || v[i].minor == d->minor))
            g |= v[i].access;
    return g;
}

static char *describe_rule(const BrigJson *e, bool with_access)
{
    bool present;
    int64_t major, minor;
    get_num(e, "major", "", &present, &major, NULL);
    get_num(e, "minor", "", &present, &minor, NULL);
    const char *type = brig_json_str(brig_json_get(e, "type"));
    const char *access = brig_json_str(brig_json_get(e, "access"));
    char ma[24] = "*", mi[24] = "*";
    if (major >= 0)
        snprintf(ma, sizeof(ma), "%lld", (long long)major);
    if (minor >= 0)
        snprintf(mi, sizeof(mi), "%lld", (long long)minor);
    return xasprintf("%s %s:%s%s%s", type ? type : "a", ma, mi, with_access ? " " : "",
                     with_access ? (access ? access : "rwm") : "");
}

/* Removes or narrows the allow rules that reach beyond the known devices;
 * backwards, so each recorded pointer is the input's index. */
static void narrow_rules(const BrigCtx *ctx, const DefaultDev *kd, size_t nk, BrigJson *rules,
                         BrigReport *rep)
{
    _cleanup_free_ bool *drop = NULL;
    for (size_t i = rules->n; i > 0; i--) {
        BrigJson *e = rules->kids[i - 1];
        if (!brig_json_is_true(brig_json_get(e, "allow")))
            continue;
        PassPtr pb;
        const char *p = pass_ptr_index(&pb, "/linux/resources/devices", i - 1);
        const DefaultDev *d = which_known(kd, nk, e, NULL);
        unsigned want = access_bits(brig_json_str(brig_json_get(e, "access")));
        unsigned keep = d ? want & d->access : 0;
        if (d && keep == want)
            continue;
        _cleanup_free_ char *desc = describe_rule(e, true);
        if (keep) {
            BrigJson *ne = brig_json_copy(e);
            brig_json_set(ne, "access", brig_json_new_string(bits_letters(keep)));
            brig_report_fix(rep, p, e, ne,
                            "device cgroup rule \"allow %s\" narrowed to the access %s grants "
                            "(\"%s\")",
                            desc, brig_policy_source(ctx->policy), bits_letters(keep));
            brig_json_free(rules->kids[i - 1]);
            rules->kids[i - 1] = ne;
            continue;
        }
        brig_report_fix(rep, p, e, NULL,
                        "device cgroup rule \"allow %s\" reaches beyond the devices runc gives "
                        "every container; %s grants no more (policy \"devices\")",
                        desc, brig_policy_source(ctx->policy));
        if (!drop)
            drop = xcalloc(rules->n, sizeof(*drop));
        drop[i - 1] = true;
    }
    /* removed in one pass: one at a time shifted the rules kept after each */
    if (drop)
        brig_json_filter(rules, brig_json_keep_unmarked, drop);
}

int pass_devices(const BrigCtx *ctx, BrigJson *spec, BrigReport *rep, BrigError **err)
{
    BrigJson *linux_ = pass_ensure(spec, "linux", BRIG_JSON_OBJECT, "", err);
    if (!linux_)
        return -EINVAL;
    int r = pass_check_type(linux_, "devices", BRIG_JSON_ARRAY, "/linux", err);
    if (r < 0)
        return r;
    BrigJson *devs = brig_json_get(linux_, "devices");
    r = check_array(devs, "/linux/devices", false, err);
    if (r < 0)
        return r;
    BrigJson *res = pass_ensure(linux_, "resources", BRIG_JSON_OBJECT, "/linux", err);
    if (!res)
        return -EINVAL;
    BrigJson *rules = pass_ensure(res, "devices", BRIG_JSON_ARRAY, "/linux/resources", err);
    if (!rules)
        return -EINVAL;
    r = check_array(rules, "/linux/resources/devices", true, err);
    if (r < 0)
        return r;

    size_t nk;
    _cleanup_free_ DefaultDev *kd = known_devices(ctx->policy, &nk);

    /* Backwards, so each recorded pointer is the input's index and stays
     * valid when the changes are replayed in order; removed afterwards in
     * one pass (linear however many go). */
    _cleanup_free_ bool *drop = NULL;
    for (size_t i = devs ? devs->n : 0; i > 0; i--) {
        const BrigJson *d = devs->kids[i - 1];
        const char *path = brig_json_str(brig_json_get(d, "path"));
        if (path && which_known(kd, nk, d, path))
            continue;
        PassPtr pb;
        const char *p = pass_ptr_index(&pb, "/linux/devices", i - 1);
        _cleanup_free_ char *desc = describe_rule(d, false);
        brig_report_fix(rep, p, d, NULL,
                        "device %s (%s) is not one runc gives every container; %s grants no "
                        "more (policy \"devices\": [\"%s\"])",
                        path ? path : "(no path)", desc, brig_policy_source(ctx->policy), desc);
        if (!drop)
            drop = xcalloc(devs->n, sizeof(*drop));
        drop[i - 1] = true;
    }
    if (drop)
        brig_json_filter(devs, brig_json_keep_unmarked, drop);

    /* runc 1.1 adds no rule for a default device linux.devices lists:
     * removing "allow a *:* rwm" (docker --privileged) would leave
     * /dev/null unopenable.  A known device the input allowed stays
     * allowed, by an explicit rule, so nothing widens. */
    _cleanup_free_ unsigned *was = xcalloc(nk, sizeof(unsigned));
    _cleanup_free_ Rule *dec = xcalloc(rules->n + 1, sizeof(*dec));
    size_t ndec = decode_rules(rules, dec);
    for (size_t k = 0; k < nk; k++)
        was[k] = granted(dec, ndec, &kd[k]);

    narrow_rules(ctx, kd, nk, rules, rep);

    ndec = decode_rules(rules, dec); /* rules only shrank: dec is big enough */
    for (size_t k = 0; k < nk; k++) {
        /* mknod ("m") is not given back: CAP_MKNOD is gone anyway */
        unsigned missing = was[k] & ~granted(dec, ndec, &kd[k]) & kd[k].access & 3u;
        if (!missing)
            continue;
        BrigJson *allow = brig_json_new(BRIG_JSON_OBJECT);
        char t[2] = {kd[k].type, '\0'};
        brig_json_set(allow, "allow", brig_json_new_bool(true));
        brig_json_set(allow, "type", brig_json_new_string(t));
        brig_json_set(allow, "major", brig_json_new_int(kd[k].major));
        if (kd[k].minor >= 0)
            brig_json_set(allow, "minor", brig_json_new_int(kd[k].minor));
        brig_json_set(allow, "access", brig_json_new_string(bits_letters(missing)));
        _cleanup_free_ char *p = xasprintf("/linux/resources/devices/%zu", rules->n);
        _cleanup_free_ char *desc = describe_rule(allow, true);
        brig_report_fix(rep, p, NULL, allow,
                        "keeps %s allowed after the wider rule that allowed it was removed", desc);
        brig_json_append(rules, allow);
    }

    if (rules->n > 0 && is_deny_all(rules->kids[0]))
        return 0;
    BrigJson *deny = brig_json_new(BRIG_JSON_OBJECT);
    brig_json_set(deny, "allow", brig_json_new_bool(false));
    brig_json_set(deny, "access", brig_json_new_string("rwm"));
    brig_report_fix(rep, "/linux/resources/devices/0", NULL, deny,
                    "the device cgroup starts from deny-all, so only rules that follow can allow "
                    "a device (%s)",
                    brig_policy_source(ctx->policy));
    brig_json_insert(rules, 0, deny);
    return 0;
}
