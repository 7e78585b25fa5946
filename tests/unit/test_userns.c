/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The mapping reader against the kernel's own rules for uid_map (each one
 * checked on this kernel by writing the same lines to a new namespace's
 * uid_map): what it accepts maps ids as the kernel does, what the kernel
 * refuses it refuses, with the range named. */
#include "testutil.h"
#include "userns/mapping.h"

static int parse(const char *json, BrigIdMap *m, char **ret_msg)
{
    _cleanup_(brig_json_freep) BrigJson *j = tu_parse(json);
    BrigError *err = NULL;
    int r = brig_idmap_parse(j, "/m", m, &err);
    if (r < 0) {
        ck_assert_ptr_nonnull(err);
        *ret_msg = xstrdup(err->msg);
        brig_error_free(err);
    }
    return r;
}

static void refused(const char *json, const char *msg)
{
    BrigIdMap m;
    _cleanup_free_ char *got = NULL;
    ck_assert_msg(parse(json, &m, &got) < 0, "accepted: %s", json);
    ck_assert_str_eq(got, msg);
    ck_assert_ptr_null(m.v);
}

static void accepted(const char *json, size_t n)
{
    BrigIdMap m;
    _cleanup_free_ char *got = NULL;
    ck_assert_msg(parse(json, &m, &got) == 0, "%s: %s", json, got);
    ck_assert_uint_eq(m.n, n);
    brig_idmap_clear(&m);
}

#define R(c, h, n) "{\"containerID\":" #c ",\"hostID\":" #h ",\"size\":" #n "}"

START_TEST(test_kernel_rules)
{
    /* the edges the kernel accepts */
    accepted("[" R(0, 4294967294, 1) "]", 1);
    accepted("[" R(4294967294, 0, 1) "]", 1);
    accepted("[" R(0, 1, 4294967294) "]", 1);
    accepted("[" R(0, 0, 4294967295) "]", 1);
    accepted("[" R(0, 100, 10) "," R(10, 110, 10) "]", 2); /* adjacent is not overlapping */
    accepted("[]", 0);

    refused("[" R(0, 100, 0) "]", "/m/0: a size of 0 maps nothing; the kernel refuses this range");
    refused("[" R(0, 4294967295, 1) "]",
            "/m/0: id 4294967295 is the kernel's \"no id\" and cannot be mapped; the kernel "
            "refuses this range");
    refused("[" R(4294967295, 0, 1) "]",
            "/m/0: id 4294967295 is the kernel's \"no id\" and cannot be mapped; the kernel "
            "refuses this range");
    refused("[" R(0, 1, 4294967295) "]",
            "/m/0: hostID + size passes 4294967295; the kernel refuses this range");
    refused("[" R(2, 0, 4294967294) "]",
            "/m/0: containerID + size passes 4294967295; the kernel refuses this range");
    refused("[" R(0, 100, 10) "," R(5, 200, 10) "]",
            "/m/1: its container ids overlap those of /m/0; the kernel refuses overlapping ranges");
    refused("[" R(0, 100, 10) "," R(20, 105, 10) "]",
            "/m/1: its host ids overlap those of /m/0; the kernel refuses overlapping ranges");
    /* 32-bit wrap: 4294967296 is not 0 */
    refused("[" R(0, 4294967296, 1) "]",
            "/m/0/hostID: expected an unsigned 32-bit integer, found number 4294967296");
    refused("[" R(0, 1, 1.0) "]",
            "/m/0/size: expected an unsigned 32-bit integer, found number 1.0");
    refused("[{\"containerID\":0,\"hostID\":1}]", "/m/0/size: missing");
    refused("[{\"containerID\":\"0\",\"hostID\":1,\"size\":1}]",
            "/m/0/containerID: expected an unsigned 32-bit integer, found string \"0\"");
    refused("[0]", "/m/0: expected an object, found number");
}
END_TEST

/* The kernel takes 340 lines and refuses the 341st. */
START_TEST(test_extents)
{
    for (size_t n = 340; n <= 341; n++) {
        _cleanup_free_ char *json = xstrdup("[");
        for (size_t i = 0; i < n; i++) {
            char *next = xasprintf("%s%s{\"containerID\":%zu,\"hostID\":%zu,\"size\":1}", json,
                                   i ? "," : "", i * 10, 1000 + i * 10);
            free(json);
            json = next;
        }
        char *closed = xasprintf("%s]", json);
        free(json);
        json = closed;
        if (n == 340)
            accepted(json, 340);
        else
            refused(json, "/m: 341 ranges; the kernel takes at most 340 in a user namespace's map");
    }
}
END_TEST

START_TEST(test_lookup)
{
    BrigIdMap m;
    _cleanup_free_ char *e = NULL;
    ck_assert_int_eq(
        parse("[" R(0, 100000, 65534) "," R(65534, 0, 1) "," R(70000, 170000, 10) "]", &m, &e), 0);
    uint32_t h;
    ck_assert(brig_idmap_to_host(&m, 0, &h) && h == 100000);
    ck_assert(brig_idmap_to_host(&m, 65533, &h) && h == 165533);
    ck_assert(brig_idmap_to_host(&m, 65534, &h) && h == 0);
    ck_assert(!brig_idmap_to_host(&m, 65535, &h));
    ck_assert(brig_idmap_to_host(&m, 70009, &h) && h == 170009);
    ck_assert(!brig_idmap_to_host(&m, 70010, &h));
    ck_assert_int_eq(brig_idmap_find_host(&m, 0), 1);
    ck_assert_int_eq(brig_idmap_find_host(&m, 170005), 2);
    ck_assert_int_eq(brig_idmap_find_host(&m, 99999), -1);

    uint32_t id;
    ck_assert(brig_idmap_pick(&m, 1000, &id) && id == 1000);   /* mapped, host 101000 */
    ck_assert(brig_idmap_pick(&m, 65534, &id) && id == 65533); /* host 0: nearest below */
    ck_assert(brig_idmap_pick(&m, 69000, &id) && id == 65533);
    ck_assert(brig_idmap_pick(&m, 4000000000u, &id) && id == 70009);
    brig_idmap_clear(&m);

    /* container 0 is never a substitute; above when nothing is below */
    ck_assert_int_eq(parse("[" R(0, 0, 1) "," R(70000, 170000, 10) "]", &m, &e), 0);
    ck_assert(brig_idmap_pick(&m, 65534, &id) && id == 70000);
    brig_idmap_clear(&m);
    ck_assert_int_eq(parse("[" R(0, 100000, 1) "]", &m, &e), 0);
    ck_assert(!brig_idmap_pick(&m, 65534, &id));
    brig_idmap_clear(&m);
    /* a range starting at host 0 loses only its first id */
    ck_assert_int_eq(parse("[" R(1000, 0, 3) "]", &m, &e), 0);
    ck_assert(brig_idmap_pick(&m, 1000, &id) && id == 1001);
    brig_idmap_clear(&m);
}
END_TEST

static int read_ns(const char *json, BrigUserns *ns, char **ret_msg)
{
    _cleanup_(brig_json_freep) BrigJson *j = tu_parse(json);
    BrigError *err = NULL;
    int r = brig_userns_read(j, ns, &err);
    if (r < 0) {
        *ret_msg = xstrdup(err->msg);
        brig_error_free(err);
    }
    /* the path is borrowed from the tree: not looked at after this */
    ns->path = ns->path ? "(set)" : NULL;
    return r;
}

START_TEST(test_userns_read)
{
    BrigUserns ns;
    _cleanup_free_ char *e = NULL;
    ck_assert_int_eq(read_ns("{}", &ns, &e), 0);
    ck_assert(!ns.enabled);
    /* mappings without the namespace are not read at all */
    ck_assert_int_eq(read_ns("{\"linux\":{\"uidMappings\":[" R(0, 1, 0) "]}}", &ns, &e), 0);
    ck_assert(!ns.enabled && ns.uids.n == 0);
    ck_assert_int_eq(read_ns("{\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"user\"}],"
                             "\"uidMappings\":[" R(0, 1, 5) "],\"gidMappings\":[" R(0, 2, 5) "]}}",
                             &ns, &e),
                     0);
    ck_assert(ns.enabled && !ns.path && ns.index == 1 && ns.has_uids && ns.has_gids);
    ck_assert_uint_eq(ns.uids.v[0].host, 1);
    ck_assert_uint_eq(ns.gids.v[0].host, 2);
    brig_userns_clear(&ns);
    /* joined by path: mappings optional */
    ck_assert_int_eq(
        read_ns("{\"linux\":{\"namespaces\":[{\"type\":\"user\",\"path\":\"/x\"}]}}", &ns, &e), 0);
    ck_assert(ns.enabled && ns.path && !ns.has_uids && !ns.has_gids);
    brig_userns_clear(&ns);
    ck_assert_int_lt(
        read_ns("{\"linux\":{\"namespaces\":[{\"type\":\"user\"}],\"uidMappings\":null,"
                "\"gidMappings\":[" R(0, 2, 5) "]}}",
                &ns, &e),
        0);
    ck_assert_str_eq(e,
                     "/linux/uidMappings: a new user namespace needs a mapping, and this one has "
                     "none; runc refuses it and crun starts with the ids unmapped");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("userns");
    TCase *tc = tcase_create("userns");
    tcase_add_test(tc, test_kernel_rules);
    tcase_add_test(tc, test_extents);
    tcase_add_test(tc, test_lookup);
    tcase_add_test(tc, test_userns_read);
    suite_add_tcase(s, tc);
    return tu_run(s);
}
