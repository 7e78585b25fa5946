/* SPDX-License-Identifier: GPL-2.0-or-later */
/* User-namespace mappings read as the kernel reads them.  runc and crun
 * write linux.uidMappings and gidMappings to /proc/PID/uid_map and gid_map
 * line by line, as given; what the kernel refuses there never starts, so a
 * mapping that passes here is exactly the one the container gets, and the
 * host id brig computes is the one the host sees. */
#include "mapping.h"

static const char *const fields[] = {"containerID", "hostID", "size"};

static int read_field(const BrigJson *range, const char *key, const char *ptr, uint32_t *ret,
                      BrigError **err)
{
    const BrigJson *v = brig_json_get(range, key);
    uint64_t u;
    /* Go leaves a missing field 0 and crun's parser may refuse it; a size
     * or id nobody wrote is refused rather than guessed. */
    if (!v)
        return brig_error_set(err, EINVAL, "%s/%s: missing", ptr, key);
    if (brig_json_to_uint64(v, &u) < 0 || u > UINT32_MAX) {
        if (v->type == BRIG_JSON_NUMBER || v->type == BRIG_JSON_STRING)
            return brig_error_set(
                err, EINVAL, "%s/%s: expected an unsigned 32-bit integer, found %s %s%.40s%s", ptr,
                key, brig_json_type_name(v->type), v->type == BRIG_JSON_STRING ? "\"" : "", v->text,
                v->type == BRIG_JSON_STRING ? "\"" : "");
        return brig_error_set(err, EINVAL, "%s/%s: expected an unsigned 32-bit integer, found %s",
                              ptr, key, brig_json_type_name(v->type));
    }
    *ret = (uint32_t)u;
    return 0;
}

static bool overlaps(uint32_t a, uint32_t b, uint32_t size_a, uint32_t size_b)
{
    /* ends are exclusive and fit in 64 bits */
    return (uint64_t)a < (uint64_t)b + size_b && (uint64_t)b < (uint64_t)a + size_a;
}

int brig_idmap_parse(const BrigJson *arr, const char *ptr, BrigIdMap *ret, BrigError **err)
{
    *ret = (BrigIdMap){0};
    if (arr->type != BRIG_JSON_ARRAY)
        return brig_error_set(err, EINVAL, "%s: expected an array, found %s", ptr,
                              brig_json_type_name(arr->type));
    /* counted first, so a huge array costs nothing more */
    if (arr->n > BRIG_IDMAP_MAX_EXTENTS)
        return brig_error_set(err, EINVAL,
                              "%s: %zu ranges; the kernel takes at most %d in a user namespace's "
                              "map",
                              ptr, arr->n, BRIG_IDMAP_MAX_EXTENTS);
    BrigIdMap m = {.v = xcalloc(arr->n ? arr->n : 1, sizeof(BrigIdRange)), .n = 0};
    for (size_t i = 0; i < arr->n; i++) {
        const BrigJson *e = arr->kids[i];
        _cleanup_free_ char *rp = xasprintf("%s/%zu", ptr, i);
        if (e->type != BRIG_JSON_OBJECT) {
            brig_idmap_clear(&m);
            return brig_error_set(err, EINVAL, "%s: expected an object, found %s", rp,
                                  brig_json_type_name(e->type));
        }
        uint32_t v[ELEMENTSOF(fields)];
        for (size_t f = 0; f < ELEMENTSOF(fields); f++)
            if (read_field(e, fields[f], rp, &v[f], err) < 0) {
                brig_idmap_clear(&m);
                return -EINVAL;
            }
        BrigIdRange r = {.inside = v[0], .host = v[1], .size = v[2]};
        const char *bad = NULL;
        if (r.size == 0)
            bad = "a size of 0 maps nothing";
        else if (r.inside == UINT32_MAX || r.host == UINT32_MAX)
            bad = "id 4294967295 is the kernel's \"no id\" and cannot be mapped";
        else if ((uint64_t)r.inside + r.size > UINT32_MAX)
            bad = "containerID + size passes 4294967295";
        else if ((uint64_t)r.host + r.size > UINT32_MAX)
            bad = "hostID + size passes 4294967295";
        if (bad) {
            brig_idmap_clear(&m);
            return brig_error_set(err, EINVAL, "%s: %s; the kernel refuses this range", rp, bad);
        }
        for (size_t k = 0; k < m.n; k++) {
            const BrigIdRange *o = &m.v[k];
            bool in = overlaps(r.inside, o->inside, r.size, o->size);
            if (in || overlaps(r.host, o->host, r.size, o->size)) {
                brig_idmap_clear(&m);
                return brig_error_set(err, EINVAL,
                                      "%s: its %s ids overlap those of %s/%zu; the kernel refuses "
                                      "overlapping ranges",
                                      rp, in ? "container" : "host", ptr, k);
            }
        }
        m.v[m.n++] = r;
    }
    *ret = m;
    return 0;
}

void brig_idmap_clear(BrigIdMap *m)
{
    free(m->v);
    *m = (BrigIdMap){0};
}

bool brig_idmap_to_host(const BrigIdMap *m, uint32_t id, uint32_t *ret_host)
{
    for (size_t i = 0; i < m->n; i++) {
        const BrigIdRange *r = &m->v[i];
        if (id >= r->inside && (uint64_t)id < (uint64_t)r->inside + r->size) {
            *ret_host = r->host + (id - r->inside);
            return true;
        }
    }
    return false;
}

ssize_t brig_idmap_find_host(const BrigIdMap *m, uint32_t host)
{
    for (size_t i = 0; i < m->n; i++)
        if (host >= m->v[i].host && (uint64_t)host < (uint64_t)m->v[i].host + m->v[i].size)
            return (ssize_t)i;
    return -1;
}

/* In one range, container ids c with c != 0 and host id != 0: the range
 * minus its first id when that id is container 0 or host 0 (an id is host 0
 * only at the range's start, since host ids rise with container ids from
 * r->host). */
static bool usable_span(const BrigIdRange *r, uint64_t *lo, uint64_t *hi)
{
    *lo = r->inside;
    *hi = (uint64_t)r->inside + r->size - 1;
    if (r->inside == 0 || r->host == 0)
        (*lo)++;
    return *lo <= *hi;
}

bool brig_idmap_pick(const BrigIdMap *m, uint32_t want, uint32_t *ret)
{
    bool below = false, above = false;
    uint64_t best_below = 0, best_above = 0;
    for (size_t i = 0; i < m->n; i++) {
        uint64_t lo, hi;
        if (!usable_span(&m->v[i], &lo, &hi))
            continue;
        if (lo <= want && want <= hi) {
            *ret = want;
            return true;
        }
        if (hi < want && (!below || hi > best_below)) {
            below = true;
            best_below = hi;
        } else if (lo > want && (!above || lo < best_above)) {
            above = true;
            best_above = lo;
        }
    }
    if (!below && !above)
        return false;
    *ret = (uint32_t)(below ? best_below : best_above);
    return true;
}

static const char *const map_keys[] = {"uidMappings", "gidMappings"};

int brig_userns_read(const BrigJson *spec, BrigUserns *ret, BrigError **err)
{
    *ret = (BrigUserns){0};
    const BrigJson *linux_ = brig_json_get(spec, "linux");
    if (!linux_ || linux_->type != BRIG_JSON_OBJECT)
        return 0;
    const BrigJson *nss = brig_json_get(linux_, "namespaces");
    size_t found = 0;
    for (size_t i = 0; nss && nss->type == BRIG_JSON_ARRAY && i < nss->n; i++) {
        const BrigJson *ns = nss->kids[i];
        if (!streq(brig_json_str(brig_json_get(ns, "type")), "user"))
            continue;
        if (found++ > 0)
            return brig_error_set(err, EINVAL,
                                  "/linux/namespaces/%zu: a second \"user\" namespace; runc and "
                                  "crun do not agree on which one counts",
                                  i);
        const BrigJson *path = brig_json_get(ns, "path");
        if (path && path->type != BRIG_JSON_STRING)
            return brig_error_set(err, EINVAL, "/linux/namespaces/%zu/path: expected a string", i);
        ret->enabled = true;
        ret->index = i;
        /* an empty path is a new namespace to both runtimes */
        ret->path = path && path->text[0] ? path->text : NULL;
    }
    if (!ret->enabled)
        return 0;

    BrigIdMap *maps[] = {&ret->uids, &ret->gids};
    bool *has[] = {&ret->has_uids, &ret->has_gids};
    for (size_t k = 0; k < ELEMENTSOF(map_keys); k++) {
        const BrigJson *a = brig_json_get(linux_, map_keys[k]);
        _cleanup_free_ char *p = xasprintf("/linux/%s", map_keys[k]);
        if (a && a->type == BRIG_JSON_NULL)
            a = NULL;
        if (a) {
            int r = brig_idmap_parse(a, p, maps[k], err);
            if (r < 0) {
                brig_userns_clear(ret);
                return r;
            }
            *has[k] = maps[k]->n > 0;
        }
        if (!*has[k] && !ret->path) {
            brig_userns_clear(ret);
            return brig_error_set(err, EINVAL,
                                  "%s: a new user namespace needs a mapping, and this one has "
                                  "none; runc refuses it and crun starts with the ids unmapped",
                                  p);
        }
    }
    return 0;
}

void brig_userns_clear(BrigUserns *u)
{
    brig_idmap_clear(&u->uids);
    brig_idmap_clear(&u->gids);
    *u = (BrigUserns){0};
}
