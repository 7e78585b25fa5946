/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Every tmpfs bounded (lib/tmpfs_size.c, lib/passes/mount_tmpfs.c): sizes
 * read as the kernel's shmem_parse_one reads them (every suffix, a % of
 * the RAM, octal and hexadecimal, the last option winning, nr_blocks= in
 * pages), a value that wraps refused; and the mounts pass bounds a tmpfs
 * with no size, size=0 or one above the policy, keeps a smaller one,
 * again at a second run. */
#include <stdio.h>

#include "passes/passes.h"
#include "testutil.h"
#include "tmpfs_size.h"
#include "util.h"

#define GIB (UINT64_C(1) << 30)

static char **strv_one(const char *s)
{
    char **v = xcalloc(2, sizeof(char *));
    v[0] = xstrdup(s);
    return v;
}

/* Reads `opts` (NULL-terminated) in order on an 8 GiB host of 4 KiB
 * pages; returns the first error. */
static int read_opts(const char *const *opts, BrigTmpfsBounds *b, const char **ret_why)
{
    *b = (BrigTmpfsBounds){0};
    for (; *opts; opts++) {
        int r = brig_tmpfs_option(*opts, 8 * GIB, 4096, b, ret_why);
        if (r < 0)
            return r;
    }
    return 0;
}

START_TEST(test_memparse)
{
    static const struct {
        const char *s;
        uint64_t v;
        const char *rest;
        int r;
    } cases[] = {
        {"0", 0, "", 0},
        {"1", 1, "", 0},
        {"4096", 4096, "", 0},
        {"1k", 1024, "", 0},
        {"1K", 1024, "", 0},
        {"65536k", 64 << 20, "", 0},
        {"1m", 1 << 20, "", 0},
        {"1M", 1 << 20, "", 0},
        {"1g", GIB, "", 0},
        {"1G", GIB, "", 0},
        {"1t", UINT64_C(1) << 40, "", 0},
        {"1T", UINT64_C(1) << 40, "", 0},
        {"1p", UINT64_C(1) << 50, "", 0},
        {"1P", UINT64_C(1) << 50, "", 0},
        {"1e", UINT64_C(1) << 60, "", 0},
        {"15E", UINT64_C(15) << 60, "", 0},
        /* C notation, as simple_strtoull(s, 0) reads it */
        {"0x10", 16, "", 0},
        {"0X1fk", 31 * 1024, "", 0},
        {"010", 8, "", 0},
        {"09", 0, "9", 0},
        {"0x", 0, "x", 0},
        {"0xg", 0, "xg", 0},
        /* no digit: 0, and the suffix still taken */
        {"", 0, "", 0},
        {"k", 0, "", 0},
        {"%", 0, "%", 0},
        {"-1", 0, "-1", 0},
        {" 1", 0, " 1", 0},
        {"1kb", 1024, "b", 0},
        {"1z", 1, "z", 0},
        {"18446744073709551615", UINT64_MAX, "", 0},
        /* wraps in the kernel: refused */
        {"16e", 0, "", -ERANGE},
        {"16384p", 0, "", -ERANGE},
        {"18446744073709551616", 0, "", -ERANGE},
        {"0x10000000000000000", 0, "", -ERANGE},
        {"17179869184g", 0, "", -ERANGE},
    };
    for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
        uint64_t v = 12345;
        const char *rest = NULL;
        int r = brig_memparse(cases[i].s, &v, &rest);
        ck_assert_msg(r == cases[i].r, "%s: %d", cases[i].s, r);
        if (r == 0) {
            ck_assert_msg(v == cases[i].v, "%s: %llu", cases[i].s, (unsigned long long)v);
            ck_assert_msg(streq(rest, cases[i].rest), "%s: rest %s", cases[i].s, rest);
        }
    }
}
END_TEST

START_TEST(test_options)
{
    static const struct {
        const char *opts[4];
        int r;
        uint64_t blocks, inodes;
    } cases[] = {
        {{"mode=1777", "uid=1", "huge=always"}, 0, 0, 0},
        {{"size=1"}, 0, 1, 0},
        {{"size=4096"}, 0, 1, 0},
        {{"size=4097"}, 0, 2, 0},
        {{"size=65536k"}, 0, 16384, 0},
        {{"size=64m"}, 0, 16384, 0},
        {{"size=1g"}, 0, 262144, 0},
        {{"size=1t"}, 0, UINT64_C(1) << 28, 0},
        {{"size=1p"}, 0, UINT64_C(1) << 38, 0},
        {{"size=1e"}, 0, UINT64_C(1) << 48, 0},
        {{"size=0"}, 0, 0, 0},
        {{"size=k"}, 0, 0, 0},
        {{"size=%"}, 0, 0, 0},
        /* a % of the RAM (8 GiB), in pages, rounded up */
        {{"size=50%"}, 0, 1048576, 0},
        {{"size=1%"}, 0, 20972, 0},
        {{"size=1k%"}, 0, 21474837, 0},
        {{"size=0%"}, 0, 0, 0},
        /* nr_blocks= is the size in pages; the last one wins */
        {{"nr_blocks=10"}, 0, 10, 0},
        {{"nr_blocks=1k"}, 0, 1024, 0},
        {{"size=1m", "size=0"}, 0, 0, 0},
        {{"size=0", "size=1m"}, 0, 256, 0},
        {{"size=1m", "nr_blocks=7"}, 0, 7, 0},
        {{"nr_blocks=7", "size=8k"}, 0, 2, 0},
        {{"nr_inodes=1k"}, 0, 0, 1024},
        {{"nr_inodes=0x10"}, 0, 0, 16},
        {{"nr_inodes=5", "nr_inodes=0"}, 0, 0, 0},
        {{"size=1m", "nr_inodes=100", "mode=755"}, 0, 256, 100},
        /* what the kernel refuses */
        {{"size="}, -EINVAL, 0, 0},
        {{"size=1kb"}, -EINVAL, 0, 0},
        {{"size=0.5%"}, -EINVAL, 0, 0},
        {{"size=-1"}, -EINVAL, 0, 0},
        {{"size=1%%"}, -EINVAL, 0, 0},
        {{"size=09"}, -EINVAL, 0, 0},
        {{"nr_blocks=1%"}, -EINVAL, 0, 0},
        {{"nr_inodes=50%"}, -EINVAL, 0, 0},
        {{"nr_inodes="}, -EINVAL, 0, 0},
        /* what it wraps */
        {{"size=16e"}, -ERANGE, 0, 0},
        {{"size=18446744073709551615"}, -ERANGE, 0, 0},
        {{"size=4503599627370496%"}, -ERANGE, 0, 0},
        {{"size=2251799813685248%"}, -ERANGE, 0, 0},
        {{"nr_inodes=16e"}, -ERANGE, 0, 0},
        {{"nr_blocks=99999999999999999999"}, -ERANGE, 0, 0},
    };
    for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
        BrigTmpfsBounds b;
        const char *why = NULL;
        int r = read_opts(cases[i].opts, &b, &why);
        ck_assert_msg(r == cases[i].r, "case %zu (%s): %d %s", i, cases[i].opts[0], r,
                      why ? why : "");
        if (r < 0) {
            ck_assert_ptr_nonnull(why);
            continue;
        }
        ck_assert_msg(b.blocks == cases[i].blocks && b.inodes == cases[i].inodes,
                      "case %zu (%s): %llu pages, %llu inodes", i, cases[i].opts[0],
                      (unsigned long long)b.blocks, (unsigned long long)b.inodes);
    }
    /* a % of a RAM size nobody gave, a page size that is none */
    BrigTmpfsBounds b = {0};
    const char *why = NULL;
    ck_assert_int_eq(brig_tmpfs_option("size=10%", 0, 4096, &b, &why), -ENODATA);
    ck_assert_int_eq(brig_tmpfs_option("size=1m", 8 * GIB, 0, &b, &why), -ENODATA);
    ck_assert_int_eq(brig_tmpfs_option("nr_inodes=5", 0, 0, &b, &why), 1);
    ck_assert_uint_eq(b.inodes, 5);
    /* 64 KiB pages (arm64, ppc64le): the size in those */
    ck_assert_int_eq(brig_tmpfs_option("size=64m", 8 * GIB, 65536, &b, &why), 1);
    ck_assert_uint_eq(b.blocks, 1024);
}
END_TEST

/* ---- the mounts pass ---- */

typedef struct {
    BrigCtx ctx;
    BrigHost host;
    BrigPolicy *pol;
    BrigReport rep;
    BrigJson *spec;
} Run;

static void run_init(Run *t)
{
    memset(t, 0, sizeof(*t));
    tu_ctx(&t->ctx, &t->host, &t->pol);
}

static void run_done(Run *t)
{
    brig_report_clear(&t->rep);
    brig_json_free(t->spec);
    brig_policy_free(t->pol);
}

/* One tmpfs at /x with `opts` (a JSON array's inside) through the mounts
 * pass; returns its options after, compact. */
static char *bound(Run *t, const char *opts)
{
    brig_report_clear(&t->rep);
    brig_json_free(t->spec);
    _cleanup_free_ char *json = xasprintf("{\"mounts\":[{\"destination\":\"/x\",\"type\":\"tmpfs\","
                                          "\"source\":\"tmpfs\",\"options\":[%s]}]}",
                                          opts);
    t->spec = tu_parse(json);
    BrigError *e = NULL;
    ck_assert_int_eq(pass_mounts(&t->ctx, t->spec, &t->rep, &e), 0);
    return tu_compact(brig_json_get(brig_json_get(t->spec, "mounts")->kids[0], "options"));
}

START_TEST(test_pass_bounds)
{
    static const struct {
        const char *in, *out; /* out NULL: kept as is */
    } cases[] = {
        /* docker run --tmpfs /x: no size, the kernel's half of the RAM */
        {"\"nosuid\",\"nodev\",\"noexec\"",
         "[\"nosuid\",\"nodev\",\"noexec\",\"size=67108864\",\"nr_inodes=65536\"]"},
        {"", "[\"size=67108864\",\"nr_inodes=65536\"]"},
        /* 0 is no bound */
        {"\"size=0\",\"nr_inodes=0\"", "[\"size=67108864\",\"nr_inodes=65536\"]"},
        {"\"size=k\",\"nr_inodes=1k\"", "[\"nr_inodes=1k\",\"size=67108864\"]"},
        /* the last one wins: every one is replaced */
        {"\"size=1m\",\"mode=1777\",\"size=0\",\"nr_blocks=5\",\"nr_blocks=0\",\"nr_inodes=9\"",
         "[\"mode=1777\",\"nr_inodes=9\",\"size=67108864\"]"},
        {"\"size=0\",\"size=1m\",\"nr_inodes=9\"", NULL},
        /* larger than the policy */
        {"\"size=64m\",\"nr_inodes=65537\"", "[\"size=64m\",\"nr_inodes=65536\"]"},
        {"\"size=65537k\",\"nr_inodes=64k\"", "[\"nr_inodes=64k\",\"size=67108864\"]"},
        {"\"nr_blocks=16385\",\"nr_inodes=1\"", "[\"nr_inodes=1\",\"size=67108864\"]"},
        {"\"size=1%\",\"nr_inodes=1\"", "[\"nr_inodes=1\",\"size=67108864\"]"},
        /* at or below it: kept ("never looser") */
        {"\"size=64m\",\"nr_inodes=64k\"", NULL},
        {"\"nr_blocks=16384\",\"nr_inodes=65536\"", NULL},
        {"\"size=0x4000000\",\"nr_inodes=010\"", NULL},
        {"\"size=1\",\"nr_inodes=1\"", NULL},
        /* Docker's and runc's /dev and /dev/shm */
        {"\"nosuid\",\"strictatime\",\"mode=755\",\"size=65536k\"",
         "[\"nosuid\",\"strictatime\",\"mode=755\",\"size=65536k\",\"nr_inodes=65536\"]"},
    };
    for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
        Run t;
        run_init(&t);
        _cleanup_free_ char *in = xasprintf("[%s]", cases[i].in);
        _cleanup_free_ char *out = bound(&t, cases[i].in);
        ck_assert_msg(brig_report_count(&t.rep, BRIG_REFUSE) == 0, "case %zu refused", i);
        if (!cases[i].out) {
            ck_assert_msg(t.rep.n == 0, "case %zu: %s", i, t.rep.n ? t.rep.v[0].reason : "");
            run_done(&t);
            continue;
        }
        ck_assert_msg(streq(out, cases[i].out), "case %zu: %s", i, out);
        ck_assert_uint_eq(t.rep.n, 1);
        ck_assert_str_eq(t.rep.v[0].pointer, "/mounts/0/options");
        const char *why = t.rep.v[0].reason;
        ck_assert_msg(strstr(why, "the tmpfs at /x takes the host's memory, so it is bounded"),
                      "%s", why);
        ck_assert(strstr(why, "tmpfsSize") || strstr(why, "tmpfsInodes"));
        /* a second run keeps it */
        Run u;
        run_init(&u);
        _cleanup_free_ char *inner = xstrndup(out + 1, strlen(out) - 2);
        _cleanup_free_ char *again = bound(&u, inner);
        ck_assert_str_eq(again, out);
        ck_assert_uint_eq(u.rep.n, 0);
        run_done(&u);
        run_done(&t);
    }
}
END_TEST

START_TEST(test_pass_messages)
{
    Run t;
    run_init(&t);
    _cleanup_free_ char *a = bound(&t, "\"size=0\"");
    const char *why = t.rep.v[0].reason;
    ck_assert_msg(
        strstr(why, "size 0, which the kernel reads as no bound, now tmpfsSize 67108864") &&
            strstr(why, "no inodes given, which the kernel makes half of the RAM's "
                        "pages, now tmpfsInodes 65536"),
        "%s", why);
    _cleanup_free_ char *b = bound(&t, "\"size=128m\",\"nr_inodes=1\"");
    why = t.rep.v[0].reason;
    ck_assert_msg(strstr(why, "size 134217728, more than tmpfsSize 67108864") &&
                      !strstr(why, "inodes"),
                  "%s", why);
    /* the policy's bounds, whatever they are */
    t.pol->tmpfs_size = 1 << 20;
    t.pol->tmpfs_inodes = 100;
    _cleanup_free_ char *c = bound(&t, "\"size=65536k\"");
    ck_assert_str_eq(c, "[\"size=1048576\",\"nr_inodes=100\"]");
    run_done(&t);
}
END_TEST

/* What cannot be read exactly is refused, naming the option. */
START_TEST(test_pass_refusals)
{
    static const char *const refused[] = {
        "size=16e",      "size=1kb", "size=", "nr_inodes=50%", "size=18446744073709551615",
        "nr_blocks=0.5",
    };
    for (size_t i = 0; i < ELEMENTSOF(refused); i++) {
        Run t;
        run_init(&t);
        _cleanup_free_ char *o = xasprintf("\"%s\"", refused[i]);
        _cleanup_free_ char *out = bound(&t, o);
        ck_assert_uint_eq(brig_report_count(&t.rep, BRIG_REFUSE), 1);
        ck_assert_uint_eq(brig_report_count(&t.rep, BRIG_FIX), 0);
        _cleanup_free_ char *want =
            xasprintf("tmpfs option \"%s\" at /x cannot be read exactly", refused[i]);
        ck_assert_msg(strstr(t.rep.v[0].reason, want) && strstr(t.rep.v[0].reason, "tmpfsSize"),
                      "%s", t.rep.v[0].reason);
        ck_assert_str_eq(t.rep.v[0].pointer, "/mounts/0/options/0");
        run_done(&t);
    }
    /* a % of a RAM brig was not told of */
    Run t;
    run_init(&t);
    t.host.mem_total = 0;
    _cleanup_free_ char *out = bound(&t, "\"size=10%\"");
    ck_assert_uint_eq(brig_report_count(&t.rep, BRIG_REFUSE), 1);
    ck_assert_ptr_nonnull(strstr(t.rep.v[0].reason, "whose size brig was not told"));
    /* an option starting with a digit, even granted, is the end of the
     * one before it to the kernel ("size=1,0" is size=1,0: garbage) */
    t.host.mem_total = 8 * GIB;
    strv_free(t.pol->mount_options);
    t.pol->mount_options = strv_one("0");
    _cleanup_free_ char *d = bound(&t, "\"size=1m\",\"0\"");
    ck_assert_uint_eq(brig_report_count(&t.rep, BRIG_REFUSE), 1);
    ck_assert_ptr_nonnull(strstr(t.rep.v[0].reason, "starts with a digit"));
    /* options past the first page of mount(2)'s data are dropped by the
     * kernel: a size= there, kept or brig's, would be no bound */
    _cleanup_free_ char *pad = xstrdup("");
    for (int k = 0; k < 400; k++) {
        char *n = xasprintf("%s\"mode=1777\",", pad);
        free(pad);
        pad = n;
    }
    _cleanup_free_ char *kept = xasprintf("%s\"inode64\",\"size=1m\",\"nr_inodes=9\"", pad);
    _cleanup_free_ char *f = bound(&t, kept);
    ck_assert_uint_eq(brig_report_count(&t.rep, BRIG_REFUSE), 1);
    ck_assert_msg(strstr(t.rep.v[0].reason, "the options of the tmpfs at /x take 4027 bytes: the "
                                            "kernel reads only the first 4095 bytes"),
                  "%s", t.rep.v[0].reason);
    _cleanup_free_ char *fixed = xasprintf("%s\"inode64\"", pad);
    _cleanup_free_ char *g = bound(&t, fixed);
    ck_assert_uint_eq(brig_report_count(&t.rep, BRIG_REFUSE), 1);
    /* 3839 bytes pass */
    _cleanup_free_ char *edge = xasprintf("\"mode=%03814d\",\"size=1m\",\"nr_inodes=9\"", 1);
    _cleanup_free_ char *h = bound(&t, edge);
    ck_assert_uint_eq(brig_report_count(&t.rep, BRIG_REFUSE), 0);
    _cleanup_free_ char *over = xasprintf("\"mode=%03815d\",\"size=1m\",\"nr_inodes=9\"", 1);
    _cleanup_free_ char *i2 = bound(&t, over);
    ck_assert_uint_eq(brig_report_count(&t.rep, BRIG_REFUSE), 1);
    /* with no page size known, a tmpfs with no size is still bounded */
    t.host.page_size = 0;
    _cleanup_free_ char *j = bound(&t, "\"nosuid\"");
    ck_assert_str_eq(j, "[\"nosuid\",\"size=67108864\",\"nr_inodes=65536\"]");
    t.host.page_size = 4096;
    /* a bind is no tmpfs, whatever its type says */
    _cleanup_free_ char *e = bound(&t, "\"rbind\"");
    ck_assert_ptr_null(strstr(e, "size="));
    run_done(&t);
}
END_TEST

static int fake_image_dir(const char *rootfs, const char *dir, BrigImageDir *ret, BrigError **err)
{
    (void)err;
    *ret = (BrigImageDir){0};
    if (streq(rootfs, "/bundle/rootfs") && streq(dir, "/data"))
        *ret = (BrigImageDir){
            .exists = true, .uid = 0, .gid = 0, .mode = 0755, .bytes = 1 << 20, .entries = 500};
    return 0;
}

/* A writable path's tmpfs has room for the image's copy, which the mounts
 * pass keeps, at a second hardening too; a config's tmpcopyup tmpfs
 * elsewhere gets no room. */
START_TEST(test_pass_writable_room)
{
    Run t;
    run_init(&t);
    t.host.image_dir = fake_image_dir;
    t.ctx.bundle = "/bundle";
    strv_free(t.pol->writable_paths);
    t.pol->writable_paths = strv_one("/data");
    const char *json = "{\"root\":{\"path\":\"rootfs\",\"readonly\":true},\"process\":{\"user\":"
                       "{\"uid\":0,\"gid\":0}},\"mounts\":[{\"destination\":\"/img\",\"type\":"
                       "\"tmpfs\",\"source\":\"tmpfs\",\"options\":[\"tmpcopyup\",\"size=65m\"]}]}";
    t.spec = tu_parse(json);
    BrigError *e = NULL;
    ck_assert_int_eq(pass_rootfs(&t.ctx, t.spec, &t.rep, &e), 0);
    ck_assert_int_eq(pass_mounts(&t.ctx, t.spec, &t.rep, &e), 0);
    const BrigJson *m;
    size_t seen = 0;
    BRIG_JSON_FOREACH (m, brig_json_get(t.spec, "mounts")) {
        const char *d = brig_json_str(brig_json_get(m, "destination"));
        _cleanup_free_ char *o = tu_compact(brig_json_get(m, "options"));
        if (streq(d, "/data")) {
            seen++;
            ck_assert_msg(strstr(o, "\"size=68157440\",\"nr_inodes=66036\""), "%s", o);
        } else if (streq(d, "/img")) {
            seen++;
            ck_assert_str_eq(o, "[\"tmpcopyup\",\"size=67108864\",\"nr_inodes=65536\"]");
        }
    }
    ck_assert_uint_eq(seen, 2);
    /* idempotent */
    _cleanup_free_ char *once = tu_compact(t.spec);
    Run u;
    run_init(&u);
    u.host.image_dir = fake_image_dir;
    u.ctx.bundle = "/bundle";
    strv_free(u.pol->writable_paths);
    u.pol->writable_paths = strv_one("/data");
    u.spec = tu_parse(once);
    ck_assert_int_eq(pass_rootfs(&u.ctx, u.spec, &u.rep, &e), 0);
    ck_assert_int_eq(pass_mounts(&u.ctx, u.spec, &u.rep, &e), 0);
    _cleanup_free_ char *twice = tu_compact(u.spec);
    ck_assert_str_eq(twice, once);
    ck_assert_uint_eq(u.rep.n, 0);
    run_done(&u);
    run_done(&t);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("tmpfs_bounds");
    TCase *tc = tcase_create("tmpfs_bounds");
    tcase_add_test(tc, test_memparse);
    tcase_add_test(tc, test_options);
    tcase_add_test(tc, test_pass_bounds);
    tcase_add_test(tc, test_pass_messages);
    tcase_add_test(tc, test_pass_refusals);
    tcase_add_test(tc, test_pass_writable_room);
    suite_add_tcase(s, tc);
    return tu_run(s);
}
