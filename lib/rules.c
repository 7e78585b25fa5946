/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Policy rules: which containers get which bounded exceptions.
 *
 * Annotations are written by whoever creates the container, so a rule may
 * only match on annotation keys the administrator listed in
 * "trustedAnnotations" (those the engine sets itself and users cannot
 * override on that node).  Every matching rule applies, in file order: list
 * grants accumulate, scalar settings and "mode" are replaced by later rules.
 * That makes the outcome independent of anything but the file. */
#include <fnmatch.h>

#include "docker_record.h"
#include "policy_internal.h"

/* Annotation keys engines use to record the image a container runs. */
static const char *const image_keys[] = {
    "io.kubernetes.cri.image-name",  /* containerd CRI */
    "io.kubernetes.cri-o.ImageName", /* CRI-O */
    "org.opencontainers.image.ref.name",
    NULL,
};

void brig_rule_clear(BrigRule *r)
{
    free(r->name);
    strv_free(r->ids);
    strv_free(r->images);
    strv_free(r->ann_keys);
    strv_free(r->ann_globs);
    brig_json_free(r->allow);
}

static bool trusted(const BrigPolicyDoc *doc, const char *key)
{
    for (char **t = doc->trusted_annotations; t && *t; t++)
        if (streq(*t, key))
            return true;
    return false;
}

static int parse_match(const PV *v, const BrigJson *m, const char *ptr, const BrigPolicyDoc *doc,
                       BrigRule *rule)
{
    static const char *const keys[] = {"ids", "images", "annotations", NULL};
    int r = pv_keys(v, m, ptr, keys);
    if (r < 0)
        return r;
    if (m->n == 0)
        return pv_fail(v, m, ptr,
                       "a rule must match on at least one of ids, images, annotations "
                       "(a rule for every container belongs in \"defaults\")");
    const BrigJson *e;
    _cleanup_free_ char *p = NULL;
    if ((e = brig_json_get(m, "ids"))) {
        p = xasprintf("%s/ids", ptr);
        if ((r = pv_strv(v, e, p, true, &rule->ids)) < 0)
            return r;
    }
    if ((e = brig_json_get(m, "images"))) {
        free(p);
        p = xasprintf("%s/images", ptr);
        if ((r = pv_strv(v, e, p, true, &rule->images)) < 0)
            return r;
        bool any = doc->trust_docker_image_record;
        for (const char *const *k = image_keys; *k && !any; k++)
            any = trusted(doc, *k);
        if (!any)
            return pv_fail(v, e, p,
                           "matching on images needs an image annotation in "
                           "\"trustedAnnotations\" (io.kubernetes.cri.image-name for "
                           "containerd CRI, io.kubernetes.cri-o.ImageName for CRI-O) or, "
                           "for Docker, \"trustDockerImageRecord\": true");
    }
    if ((e = brig_json_get(m, "annotations"))) {
        free(p);
        p = xasprintf("%s/annotations", ptr);
        if ((r = pv_type(v, e, p, BRIG_JSON_OBJECT)) < 0)
            return r;
        rule->ann_keys = xcalloc(e->n + 1, sizeof(char *));
        rule->ann_globs = xcalloc(e->n + 1, sizeof(char *));
        for (size_t i = 0; i < e->n; i++) {
            const BrigJson *a = e->kids[i];
            _cleanup_free_ char *tok = brig_json_pointer_token(a->key);
            _cleanup_free_ char *ap = xasprintf("%s/%s", p, tok);
            if ((r = pv_type(v, a, ap, BRIG_JSON_STRING)) < 0)
                return r;
            /* free-form keys, so pv_keys() does not see this object */
            for (size_t k = 0; k < i; k++)
                if (streq(e->kids[k]->key, a->key))
                    return pv_fail(v, a, ap, "duplicate key");
            if (!trusted(doc, a->key))
                return pv_fail(v, a, ap,
                               "annotation \"%s\" is not in \"trustedAnnotations\"; "
                               "whoever creates a container chooses its annotations",
                               a->key);
            if (!pv_glob_valid(a->text))
                return pv_fail(v, a, ap, "bad glob \"%s\" (unterminated [ or trailing \\)",
                               a->text);
            rule->ann_keys[i] = xstrdup(a->key);
            rule->ann_globs[i] = xstrdup(a->text);
        }
    }
    return 0;
}

int pv_rules(const PV *v, const BrigJson *rules, BrigPolicyDoc *doc)
{
    static const char *const keys[] = {"name", "match", "mode", "allow", "reason", NULL};
    int r = pv_type(v, rules, "/rules", BRIG_JSON_ARRAY);
    if (r < 0)
        return r;
    doc->rules = xcalloc(rules->n ? rules->n : 1, sizeof(BrigRule));
    for (size_t i = 0; i < rules->n; i++) {
        const BrigJson *j = rules->kids[i], *e;
        BrigRule *rule = &doc->rules[doc->n_rules++];
        _cleanup_free_ char *ptr = xasprintf("/rules/%zu", i);
        if ((r = pv_keys(v, j, ptr, keys)) < 0)
            return r;
        _cleanup_free_ char *np = xasprintf("%s/name", ptr), *mp = xasprintf("%s/match", ptr),
                            *op = xasprintf("%s/mode", ptr), *ap = xasprintf("%s/allow", ptr);
        e = brig_json_get(j, "name");
        if (!e)
            return pv_fail(v, j, np, "every rule needs a name (it appears in logs)");
        if ((r = pv_type(v, e, np, BRIG_JSON_STRING)) < 0)
            return r;
        rule->name = xstrdup(e->text);
        for (size_t k = 0; k + 1 < doc->n_rules; k++)
            if (streq(doc->rules[k].name, rule->name))
                return pv_fail(v, e, np, "duplicate rule name \"%s\"", rule->name);
        e = brig_json_get(j, "match");
        if (!e)
            return pv_fail(v, j, mp, "missing");
        if ((r = parse_match(v, e, mp, doc, rule)) < 0)
            return r;
        /* free text for the reader (brig learned says what needed the
         * grant); never interpreted */
        if ((e = brig_json_get(j, "reason"))) {
            _cleanup_free_ char *rp = xasprintf("%s/reason", ptr);
            if ((r = pv_type(v, e, rp, BRIG_JSON_STRING)) < 0)
                return r;
        }
        if ((e = brig_json_get(j, "mode"))) {
            if ((r = pv_mode(v, e, op, &rule->mode)) < 0)
                return r;
            rule->has_mode = true;
        }
        if ((e = brig_json_get(j, "allow"))) {
            /* validate now against a scratch policy; merged for real at resolve */
            BrigPolicy scratch = {0};
            r = pv_settings(v, e, ap, &scratch);
            free(scratch.seccomp_profile);
            free(scratch.apparmor_profile);
            strv_free(scratch.host_paths_ro);
            strv_free(scratch.host_sockets);
            strv_free(scratch.host_groups);
            strv_free(scratch.mount_types);
            strv_free(scratch.mount_options);
            strv_free(scratch.devices);
            strv_free(scratch.sysctls_allowed);
            strv_free(scratch.spec_fields);
            strv_free(scratch.hooks_allowed);
            strv_free(scratch.runtime_flags);
            strv_free(scratch.writable_paths);
            strv_free(scratch.rootfs_allowed);
            if (r < 0)
                return r;
            rule->allow = brig_json_copy(e);
        }
    }
    return 0;
}

static const char *annotation(const BrigJson *spec, const char *key)
{
    return brig_json_str(brig_json_get(brig_json_get(spec, "annotations"), key));
}

const char *brig_policy_image_name(const BrigPolicyDoc *doc, const BrigJson *spec)
{
    for (const char *const *k = image_keys; *k; k++) {
        const char *v = trusted(doc, *k) ? annotation(spec, *k) : NULL;
        if (v)
            return v;
    }
    return NULL;
}

static bool any_glob(char *const *globs, const char *s)
{
    for (; s && globs && *globs; globs++)
        if (fnmatch(*globs, s, 0) == 0)
            return true;
    return false;
}

/* An image rule matches the name from trusted annotations, or dockerd's
 * record of the container: the name the user gave or the image id. */
static bool rule_matches(const BrigPolicyDoc *doc, const BrigRule *rule, const BrigMatchInput *in,
                         const BrigDockerImage *dimg)
{
    if (rule->ids && !any_glob(rule->ids, in->id))
        return false;
    if (rule->images && !any_glob(rule->images, brig_policy_image_name(doc, in->spec)) &&
        !any_glob(rule->images, dimg->name) && !any_glob(rule->images, dimg->id))
        return false;
    for (size_t i = 0; rule->ann_keys && rule->ann_keys[i]; i++) {
        const char *v = annotation(in->spec, rule->ann_keys[i]);
        if (!v || fnmatch(rule->ann_globs[i], v, 0) != 0)
            return false;
    }
    return true;
}

int brig_policy_resolve(const BrigPolicyDoc *doc, const BrigMatchInput *in, BrigPolicy **ret,
                        BrigError **err)
{
    _cleanup_(brig_policy_freep) BrigPolicy *p = brig_policy_copy(doc->defaults);
    const char *where = doc->path ? doc->path : "the built-in default policy";
    _cleanup_free_ char *names = NULL;
    PV v = {.name = where, .err = err};
    _cleanup_(brig_docker_image_done) BrigDockerImage dimg = {0};
    bool images = false;
    for (size_t i = 0; i < doc->n_rules && !images; i++)
        images = doc->rules[i].images != NULL;
    if (images && doc->trust_docker_image_record && in->id) {
        /* a record that exists but cannot be trusted fails closed: a rule
         * may as well make its image's containers stricter */
        int r = brig_docker_image_read(doc->docker_root, in->id, &dimg, err);
        if (r < 0)
            return brig_error_prefix(err, "%s: trustDockerImageRecord", where);
    }
    for (size_t i = 0; i < doc->n_rules; i++) {
        const BrigRule *rule = &doc->rules[i];
        if (!rule_matches(doc, rule, in, &dimg))
            continue;
        if (rule->allow) {
            _cleanup_free_ char *ptr = xasprintf("/rules/%zu/allow", i);
            int r = pv_settings(&v, rule->allow, ptr, p);
            if (r < 0)
                return r;
        }
        if (rule->has_mode)
            p->mode = rule->mode;
        char *n = xasprintf("%s%s%s", names ? names : "", names ? ", " : "", rule->name);
        free(names);
        names = n;
    }
    strv_free(p->trusted_annotations);
    p->trusted_annotations = NULL;
    strv_extend(&p->trusted_annotations, doc->trusted_annotations);
    free(p->source);
    p->source = names ? xasprintf("%s (rule%s %s)", where, strchr(names, ',') ? "s" : "", names)
                      : xstrdup(where);
    *ret = TAKE_PTR(p);
    return 0;
}

int brig_policy_for_rule(const BrigPolicyDoc *doc, size_t idx, BrigPolicy **ret, BrigError **err)
{
    _cleanup_(brig_policy_freep) BrigPolicy *p = brig_policy_copy(doc->defaults);
    const char *where = doc->path ? doc->path : "the built-in default policy";
    PV v = {.name = where, .err = err};
    const BrigRule *rule = &doc->rules[idx];
    if (rule->allow) {
        _cleanup_free_ char *ptr = xasprintf("/rules/%zu/allow", idx);
        int r = pv_settings(&v, rule->allow, ptr, p);
        if (r < 0)
            return r;
    }
    if (rule->has_mode)
        p->mode = rule->mode;
    free(p->source);
    p->source = xasprintf("%s (rule %s)", where, rule->name);
    *ret = TAKE_PTR(p);
    return 0;
}
