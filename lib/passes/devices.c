/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Devices: the container sees and may open only the devices every container
 * has (null, zero, full, random, urandom, tty, console, ptmx and its pts).
 * runc and crun create those nodes themselves, so listing them in
 * linux.devices is harmless; anything else there (docker --privileged lists
 * every host device) is removed.  An entry is kept only if its path AND its
 * type/major/minor are the default device's: {"/dev/null", c 8:0} would be
 * the first disk under a harmless name.
 *
 * The device cgroup (linux.resources.devices) applies its rules in order, and
 * without a leading deny-all some setups start from allow-all, so a deny-all
 * is put first and every allow rule except for the default devices is
 * removed, the mknod-only wildcards ("c *:* m") included: the capabilities
 * pass drops CAP_MKNOD, so they grant nothing a container can use.  Only
 * allow rules are ever removed and only a deny rule is added, so the result
 * can never allow more than the input did. */
#include <stdio.h>

#include "passes.h"

typedef struct {
    const char *path;
    int64_t major, minor; /* minor -1: any (the pts range) */
} DefaultDev;

static const DefaultDev defaults[] = {
    {"/dev/null", 1, 3},    {"/dev/zero", 1, 5},    {"/dev/full", 1, 7},
    {"/dev/random", 1, 8},  {"/dev/urandom", 1, 9}, {"/dev/tty", 5, 0},
    {"/dev/console", 5, 1}, {"/dev/ptmx", 5, 2},    {NULL, 136, -1},
};

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

/* Whether a (type, major, minor) names a default device; path NULL for
 * cgroup rules, which have none. */
static bool is_default(const BrigJson *e, const char *path)
{
    bool present;
    int64_t major, minor;
    if (!streq(brig_json_str(brig_json_get(e, "type")), "c"))
        return false;
    if (get_num(e, "major", "", &present, &major, NULL) < 0 || !present || major < 0)
        return false;
    get_num(e, "minor", "", &present, &minor, NULL);
    for (size_t i = 0; i < ELEMENTSOF(defaults); i++) {
        const DefaultDev *d = &defaults[i];
        if (d->major != major)
            continue;
        if (path) {
            if (streq(d->path, path) && d->minor == minor)
                return true;
        } else if (d->minor == -1 || d->minor == minor) {
            return true;
        }
    }
    return false;
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

/* An allow rule, decoded once: char-device matching and its access
 * letters (r=1, w=2, m=4). */
typedef struct {
    bool allow, chars; /* chars: type absent, "a" or "c" */
    int64_t major, minor;
    unsigned access;
} Rule;

/* The allow rules after the last deny-all: a deny-all resets the list
 * (cgroup v1 semantics, which runc emulates on v2), so only those count.
 * Decoded once per question instead of once per default device. */
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
        const char *access = brig_json_str(brig_json_get(e, "access"));
        bool present;
        r->allow = brig_json_is_true(brig_json_get(e, "allow"));
        r->chars = !type || streq(type, "a") || streq(type, "c");
        get_num(e, "major", "", &present, &r->major, NULL);
        get_num(e, "minor", "", &present, &r->minor, NULL);
        r->access = !access ? 7u
                            : (strchr(access, 'r') ? 1u : 0) | (strchr(access, 'w') ? 2u : 0) |
                                  (strchr(access, 'm') ? 4u : 0);
    }
    return n;
}

/* Access letters the decoded rules grant the default device d, wildcards
 * included. */
static unsigned granted(const Rule *v, size_t n, const DefaultDev *d)
{
    unsigned g = 0;
    for (size_t i = 0; i < n; i++)
        if (v[i].allow && v[i].chars && (v[i].major == -1 || v[i].major == d->major) &&
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

    /* Backwards, so each recorded pointer is the input's index and stays
     * valid when the changes are replayed in order. */
    for (size_t i = devs ? devs->n : 0; i > 0; i--) {
        const BrigJson *d = devs->kids[i - 1];
        const char *path = brig_json_str(brig_json_get(d, "path"));
        if (path && is_default(d, path))
            continue;
        PassPtr pb;
        const char *p = pass_ptr_index(&pb, "/linux/devices", i - 1);
        _cleanup_free_ char *desc = describe_rule(d, false);
        brig_report_fix(rep, p, d, NULL,
                        "device %s (%s) is not one every container has; %s allows no extra "
                        "devices",
                        path ? path : "(no path)", desc, brig_policy_source(ctx->policy));
        brig_json_delete_at(devs, i - 1);
    }

    /* runc 1.1 does not add the default devices' rules behind a config's
     * own: removing "allow a *:* rwm" (docker --privileged) would leave
     * /dev/null unopenable.  A default device the input allowed stays
     * allowed, by an explicit rule, so nothing widens. */
    unsigned was[ELEMENTSOF(defaults)];
    _cleanup_free_ Rule *dec = xcalloc(rules->n + 1, sizeof(*dec));
    size_t ndec = decode_rules(rules, dec);
    for (size_t k = 0; k < ELEMENTSOF(defaults); k++)
        was[k] = granted(dec, ndec, &defaults[k]);

    for (size_t i = rules->n; i > 0; i--) {
        const BrigJson *e = rules->kids[i - 1];
        if (!brig_json_is_true(brig_json_get(e, "allow")) || is_default(e, NULL))
            continue;
        PassPtr pb;
        const char *p = pass_ptr_index(&pb, "/linux/resources/devices", i - 1);
        _cleanup_free_ char *desc = describe_rule(e, true);
        brig_report_fix(rep, p, e, NULL,
                        "device cgroup rule \"allow %s\" reaches beyond the default devices; %s "
                        "allows no extra devices",
                        desc, brig_policy_source(ctx->policy));
        brig_json_delete_at(rules, i - 1);
    }

    ndec = decode_rules(rules, dec); /* rules only shrank: dec is big enough */
    for (size_t k = 0; k < ELEMENTSOF(defaults); k++) {
        /* mknod ("m") is not given back: CAP_MKNOD is gone anyway */
        unsigned missing = was[k] & ~granted(dec, ndec, &defaults[k]) & 3u;
        if (!missing)
            continue;
        const char *letters = missing == 3 ? "rw" : missing == 1 ? "r" : "w";
        BrigJson *allow = brig_json_new(BRIG_JSON_OBJECT);
        brig_json_set(allow, "allow", brig_json_new_bool(true));
        brig_json_set(allow, "type", brig_json_new_string("c"));
        brig_json_set(allow, "major", brig_json_new_int(defaults[k].major));
        if (defaults[k].minor >= 0)
            brig_json_set(allow, "minor", brig_json_new_int(defaults[k].minor));
        brig_json_set(allow, "access", brig_json_new_string(letters));
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
