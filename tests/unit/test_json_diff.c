/* SPDX-License-Identifier: GPL-2.0-or-later */
/* brig_json_parse() against the yajl-callback parser it replaced
 * (tests/common/json_yajl_ref.c): the same inputs accepted, the same trees
 * built from them, duplicates and all.  Two freedoms: brig may refuse
 * strings that are UTF-8 only by yajl's loose check (overlong forms,
 * encoded surrogates, code points above U+10FFFF), saying "UTF-8", and a
 * string left open after the document ("{}\n\"abc"), which yajl takes for
 * the end of the input.
 *
 * Inputs: every JSON file in tests/data, profiles and tests/fuzz/corpus,
 * grammar corners written out below, byte and code point sweeps, and
 * seeded random mutations of the files and of the corners.
 *
 * Line numbers (BRIG_JSON_LINES) are compared and reported, but fail the
 * test only with JSON_DIFF_STRICT_LINES=1: yajl gave a top-level number
 * ending the input the line after the last, which nothing reads (a policy
 * file is an object). */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>

#include "json_yajl_ref.h"
#include "testutil.h"

/* ---- tallying ---- */

/* mismatches shown on stderr per test (all with JSON_DIFF_VERBOSE=1) */
#define MAX_SHOWN 20

static size_t max_shown(void)
{
    const char *v = getenv("JSON_DIFF_VERBOSE");
    return v && streq(v, "1") ? SIZE_MAX : MAX_SHOWN;
}

typedef struct {
    const char *name;
    size_t inputs, checks, mismatches, line_diffs, stricter_utf8, stricter_tail;
} Tally;

static void show(const char *what, const char *buf, size_t len, unsigned flags, RefDiffKind k,
                 const char *why)
{
    _cleanup_free_ char *esc = ref_c_escape(buf, len, 300);
    fprintf(stderr, "json_diff: %s (%zu bytes, flags %s): %s: %s\n    input: %s\n", what, len,
            flags & BRIG_JSON_LINES ? "LINES" : "0", ref_diff_kind_name(k), why, esc);
}

/* Both parsers on buf, with and without BRIG_JSON_LINES. */
static void check_input(Tally *t, const char *what, const char *buf, size_t len)
{
    t->inputs++;
    for (unsigned flags = 0; flags <= BRIG_JSON_LINES; flags += BRIG_JSON_LINES) {
        char why[600];
        RefDiffKind k = ref_json_diff(buf, len, flags, why, sizeof(why));
        t->checks++;
        switch (k) {
        case REF_DIFF_SAME:
            break;
        case REF_DIFF_STRICTER_UTF8:
            t->stricter_utf8++;
            break;
        case REF_DIFF_STRICTER_TAIL:
            t->stricter_tail++;
            break;
        case REF_DIFF_LINES:
            if (t->line_diffs++ < max_shown() / 4)
                show(what, buf, len, flags, k, why);
            break;
        default:
            if (t->mismatches++ < max_shown())
                show(what, buf, len, flags, k, why);
            break;
        }
    }
}

static void check_str(Tally *t, const char *what, const char *s)
{
    check_input(t, what, s, strlen(s));
}

static void finish(const Tally *t)
{
    fprintf(stderr,
            "json_diff: %s: %zu inputs, %zu checks, %zu mismatches, %zu line-number "
            "differences, %zu loose-UTF-8 refusals, %zu open-string-tail refusals\n",
            t->name, t->inputs, t->checks, t->mismatches, t->line_diffs, t->stricter_utf8,
            t->stricter_tail);
    ck_assert_msg(t->mismatches == 0, "%s: %zu of %zu checks disagree with yajl (see stderr)",
                  t->name, t->mismatches, t->checks);
    const char *strict = getenv("JSON_DIFF_STRICT_LINES");
    if (strict && streq(strict, "1"))
        ck_assert_msg(t->line_diffs == 0, "%s: %zu checks give other line numbers", t->name,
                      t->line_diffs);
}

/* ---- the files ---- */

typedef struct {
    char *path;
    char *buf;
    size_t len;
} DataFile;

static DataFile *files;
static size_t n_files;

static char *read_file(const char *path, size_t *ret_len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    char *buf = NULL;
    size_t len = 0, cap = 0, got;
    do {
        if (len + 4096 > cap) {
            cap = cap ? cap * 2 : 65536;
            buf = xrealloc(buf, cap);
        }
        got = fread(buf + len, 1, cap - len, f);
        len += got;
    } while (got > 0);
    fclose(f);
    *ret_len = len;
    return buf;
}

static int add_file(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
    size_t l = strlen(path);
    if (type != FTW_F || l < 5 || !streq(path + l - 5, ".json"))
        return 0;
    files = xrealloc(files, (n_files + 1) * sizeof(*files));
    DataFile *f = &files[n_files++];
    f->path = xstrdup(path);
    f->buf = read_file(path, &f->len);
    return 0;
}

static int cmp_file(const void *x, const void *y)
{
    return strcmp(((const DataFile *)x)->path, ((const DataFile *)y)->path);
}

/* Sorted, so that the seeded mutations hit the same files on every run. */
static void load_files(void)
{
    if (files)
        return;
    ck_assert_int_eq(nftw(BRIG_TEST_DATA, add_file, 16, FTW_PHYS), 0);
    ck_assert_int_eq(nftw(BRIG_PROFILES, add_file, 16, FTW_PHYS), 0);
    ck_assert_int_eq(nftw(BRIG_FUZZ_CORPUS, add_file, 16, FTW_PHYS), 0);
    ck_assert_uint_gt(n_files, 100);
    qsort(files, n_files, sizeof(*files), cmp_file);
}

START_TEST(test_files)
{
    Tally t = {.name = "files"};
    load_files();
    for (size_t i = 0; i < n_files; i++)
        check_input(&t, files[i].path, files[i].buf, files[i].len);
    finish(&t);
}
END_TEST

/* ---- grammar corners ---- */

/* sizeof, not strlen: NUL bytes inside count */
#define L(s) s, sizeof(s) - 1
#define T(s)                                                                                       \
    {                                                                                              \
        L(s)                                                                                       \
    }

static const struct {
    const char *s;
    size_t len;
} tricky[] = {
    /* nothing, whitespace, what is not whitespace */
    T(""),
    T(" "),
    T(" \t\r\n"),
    T("\n"),
    T("\r\n"),
    T("\f"),
    T("\v"),
    T("\f1"),
    T("1\v"),
    T("[1,\f2]"),
    T("{\"a\":\v1}"),
    T("\x00"),
    T("1\x00"),
    T("\x00"
      "1"),
    T("{}\x00"),
    T("[1,\x00 2]"),
    T("\xef\xbb\xbf{}"),
    T("\xef\xbb\xbf"),
    T("\xc2\xa0{}"),
    T("\r\n{\r\n\"a\":\r\n1\r\n}\r\n"),
    T("\r{}\r"),
    T("\r1\r"),
    /* literals */
    T("null"),
    T("true"),
    T("false"),
    T(" null "),
    T("nul"),
    T("tru"),
    T("fals"),
    T("n"),
    T("t"),
    T("f"),
    T("nulll"),
    T("truee"),
    T("falsex"),
    T("NULL"),
    T("True"),
    T("nan"),
    T("NaN"),
    T("Infinity"),
    T("-Infinity"),
    T("undefined"),
    T("[nul]"),
    T("[true false]"),
    T("[true,false,null]"),
    T("{\"a\":tru}"),
    T("{\"a\":nullx}"),
    T("[null1]"),
    T("[true\"a\"]"),
    /* numbers */
    T("0"),
    T("-0"),
    T("-0.0"),
    T("0e5"),
    T("0E5"),
    T("1E+2"),
    T("1e-2"),
    T("1e+"),
    T("1e"),
    T("1E"),
    T("1e01"),
    T("-"),
    T("+1"),
    T("01"),
    T("-01"),
    T("00"),
    T("1."),
    T("1.e5"),
    T(".5"),
    T("-.5"),
    T("1.5e3"),
    T("0.0"),
    T("-0.0e-0"),
    T("1e999"),
    T("-1e-999"),
    T("1e99999999999999999999"),
    T("123456789012345678901234567890"),
    T("18446744073709551615"),
    T("18446744073709551616"),
    T("-9223372036854775808"),
    T("-9223372036854775809"),
    T("1.7976931348623157e309"),
    T("0x10"),
    T("1_000"),
    T("1 2"),
    T("[1 2]"),
    T("[-]"),
    T("[1,-]"),
    T("[01]"),
    T("[1.]"),
    T("[.5]"),
    T("[1e]"),
    T("[-0]"),
    T("1e5.5"),
    T("--1"),
    T("1-"),
    T("1+"),
    T("0.e1"),
    T("1.5.5"),
    T("[1,2.5e-3,-4E+05,0]"),
    T("{\"a\":-0,\"b\":0e0}"),
    T("1\n"),
    T("1 "),
    T("-\n1"),
    T("1\n.5"),
    T("[1\n]"),
    T("[1\ne5]"),
    /* strings: escapes */
    T("\"\""),
    T("\"a\""),
    T("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\""),
    T("\"\\u0041\\u00e9\\u20AC\""),
    T("\"\\u0000\""),
    T("\"a\\u0000b\""),
    T("[\"\\u0000\",\"\\u0000\\u0000\"]"),
    T("{\"a\\u0000b\":1}"),
    T("{\"\\u0000\":1}"),
    T("{\"a\":\"\\u0000\"}"),
    T("\"\\ud83d\\ude00\""),
    T("\"\\uD83D\\uDE00\""),
    T("\"\\uD83d\\uDe00\""),
    T("\"\\ud800\""),
    T("\"\\udc00\""),
    T("\"\\udbff\""),
    T("\"\\udfff\""),
    T("\"\\ud800\\u0041\""),
    T("\"\\ud800\\ud800\""),
    T("\"\\ud800\\ud800\\udc00\""),
    T("\"\\udc00\\ud800\""),
    T("\"\\ud800x\""),
    T("\"\\ud800\\n\""),
    T("\"\\ud800\\\\udc00\""),
    T("\"\\\\ud800\""),
    T("\"\\\\\\ud800\""),
    T("{\"\\ud800\":1}"),
    T("{\"\\ud83d\\ude00\":1}"),
    T("\"\\uDBFF\\uDFFF\""),
    T("\"\\uFFFF\""),
    T("\"\\uFFFE\""),
    T("\"\\uD7FF\""),
    T("\"\\uE000\""),
    T("\"\\u12\""),
    T("\"\\u12G4\""),
    T("\"\\u\""),
    T("\"\\u"),
    T("\"\\u00"),
    T("\"\\ud800\\u"),
    T("\"\\ud800\\udc"),
    T("\"\\U0041\""),
    T("\"\\x41\""),
    T("\"\\a\""),
    T("\"\\'\""),
    T("\"\\0\""),
    T("\"\\ \""),
    T("\"\\"),
    T("\"abc"),
    T("\""),
    T("'a'"),
    T("[\"a\",\"b\",\"\"]"),
    /* strings: raw bytes */
    T("\"a\tb\""),
    T("\"a\nb\""),
    T("\"a\rb\""),
    T("\"\x01\""),
    T("\"\x1f\""),
    T("\"\x7f\""),
    T("\"\x00\""),
    T("\"a\x00"
      "b\""),
    T("{\"a\x00"
      "b\":1}"),
    T("\"\xc3\xa9\""),
    T("\"\xe2\x82\xac\""),
    T("\"\xf0\x9f\x98\x80\""),
    T("\"\xf4\x8f\xbf\xbf\""),
    T("\"\xef\xbf\xbf\""),
    T("\"\x80\""),
    T("\"\xbf\""),
    T("\"\xff\""),
    T("\"\xfe\""),
    T("\"\xc3\""),
    T("\"\xe2\x82\""),
    T("\"\xf0\x9f\x98\""),
    T("\"\xc3"),
    T("\"\xf0\x9f"),
    T("\"\xc0\xaf\""),
    T("\"\xc0\x80\""),
    T("\"\xc1\xbf\""),
    T("\"\xe0\x80\xaf\""),
    T("\"\xe0\x9f\xbf\""),
    T("\"\xf0\x80\x80\xaf\""),
    T("\"\xf0\x8f\xbf\xbf\""),
    T("\"\xed\xa0\x80\""),
    T("\"\xed\xbf\xbf\""),
    T("\"\xed\xa0\xbd\xed\xb8\x80\""),
    T("\"\xf4\x90\x80\x80\""),
    T("\"\xf5\x80\x80\x80\""),
    T("\"\xf7\xbf\xbf\xbf\""),
    T("\"\xf8\x88\x80\x80\x80\""),
    T("\"\xfc\x84\x80\x80\x80\x80\""),
    T("\"\xc3\x28\""),
    T("\"\xe2\x28\xa1\""),
    T("\"\xf0\x28\x8c\xbc\""),
    T("\"\xc3\xa9\xc0\xaf\""),
    T("\"\\u00e9\xc3\xa9\""),
    T("{\"\xc0\xaf\":1}"),
    T("{\"\xed\xa0\x80\":\"\xf4\x90\x80\x80\"}"),
    T("{\"\xff\":1}"),
    T("\xc3\xa9"),
    T("[\xc3\xa9]"),
    /* arrays and objects */
    T("[]"),
    T("{}"),
    T("[[]]"),
    T("[{}]"),
    T("{\"a\":[]}"),
    T("{\"a\":{}}"),
    T("["),
    T("]"),
    T("{"),
    T("}"),
    T("[1"),
    T("[1,"),
    T("{\"a\""),
    T("{\"a\":"),
    T("{\"a\":1"),
    T("{\"a\":1,"),
    T("[1,]"),
    T("[,1]"),
    T("[,]"),
    T("[1,,2]"),
    T("{\"a\":1,}"),
    T("{,}"),
    T("{,\"a\":1}"),
    T("{\"a\" 1}"),
    T("{\"a\":}"),
    T("{\"a\"}"),
    T("{1:2}"),
    T("{null:2}"),
    T("{\"a\":1 \"b\":2}"),
    T("{a:1}"),
    T("{\"a\"::1}"),
    T("[\"a\":1]"),
    T("{\"a\":1]"),
    T("[1}"),
    T("{\"a\":1,\"a\":2}"),
    T("{\"a\":1,\"b\":{\"a\":2,\"a\":3},\"a\":4}"),
    T("{\"a\":{\"x\":1},\"a\":[1],\"a\":null}"),
    T("{\"\":1}"),
    T("{\"\":1,\"\":2}"),
    T("{\"a\\nb\":1}"),
    T("{\"\\u00e9\":1}"),
    T("{\"\\\"\":1}"),
    T("{\"a/b~c\":1}"),
    T("[1,2,3,[4,[5,{\"x\":null}]]]"),
    T("[[],[[]],{},{\"\":{}}]"),
    T(","),
    T(":"),
    T("[:]"),
    /* more than one value, trailing garbage, comments */
    T("[1]]"),
    T("[1]}"),
    T("{}}"),
    T("{} {}"),
    T("[] []"),
    T("1 2"),
    T("\"a\" \"b\""),
    T("{}x"),
    T("{} x"),
    T("{}\n\n,"),
    T("[]//c"),
    T("// c\n{}"),
    T("/* c */{}"),
    T("{/* c */}"),
    T("[1/*c*/]"),
    T("[1//c\n]"),
    T("#{}"),
    T("{}#"),
    T("/"),
    T("{}/"),
    T("{}\""),
    T("{} \"abc"),
    T("{}\n\"a\\\""),
    T("1\""),
    T("\"a\"\""),
    T("{}\"a\""),
    T("{}\"\\u"),
    T("{}\"\x80"),
    /* line structure */
    T("[1]\n"),
    T("[\n1\n,\n2\n]"),
    T("{\"a\":\n1}"),
    T("{\"a\"\n:\n1\n}\n"),
    T("\n\n\n1"),
    T("\n\n\n1\n"),
    T("\"a\"\n"),
    T("[1,\n\n2]\n\n"),
    T("{\"a\":1}\r\n"),
    T("{\n\"a\":\n[\ntrue\n,\nfalse\n,\nnull\n,\n\"s\"\n,\n-1.5e3\n,\n{}\n]\n}"),
    T("[\n1]"),
    T("[1\n,2]"),
    T("{\"a\":1,\n\"b\"\n:\n2}"),
    T("\n{\"a\":\n{\"b\":\n[1,\n2]}}\n"),
};

START_TEST(test_tricky)
{
    Tally t = {.name = "tricky"};
    for (size_t i = 0; i < ELEMENTSOF(tricky); i++) {
        char what[32];
        snprintf(what, sizeof(what), "tricky[%zu]", i);
        check_input(&t, what, tricky[i].s, tricky[i].len);
    }
    finish(&t);
}
END_TEST

/* A string of n copies of s. */
static char *repeat(const char *s, size_t n)
{
    size_t l = strlen(s);
    char *r = xmalloc(l * n + 1);
    for (size_t i = 0; i < n; i++)
        memcpy(r + i * l, s, l);
    r[l * n] = '\0';
    return r;
}

/* n levels of containers: arrays, objects ({"a":...}), or alternating
 * from either; inner in the middle, and newlines between the parts when
 * lines is set. */
static char *nest(int kind, size_t n, const char *inner, bool closed, bool lines)
{
    size_t cap = n * 8 + strlen(inner) + 8, len = 0;
    char *b = xmalloc(cap);
    for (size_t i = 0; i < n; i++) {
        bool obj = kind == 1 || (kind == 2 && i % 2) || (kind == 3 && i % 2 == 0);
        len += (size_t)sprintf(b + len, "%s", obj ? "{\"a\":" : "[");
    }
    len += (size_t)sprintf(b + len, "%s%s%s", lines ? "\n" : "", inner, lines ? "\n" : "");
    for (size_t i = n; closed && i-- > 0;) {
        bool obj = kind == 1 || (kind == 2 && i % 2) || (kind == 3 && i % 2 == 0);
        b[len++] = obj ? '}' : ']';
    }
    b[len] = '\0';
    return b;
}

/* Nesting around the limit (BRIG_JSON_MAX_DEPTH containers): closed and
 * unclosed, holding nothing (an error in an object) or a value. */
START_TEST(test_depth)
{
    Tally t = {.name = "depth"};
    static const size_t depths[] = {1, 2, 49, 50, 51, 98, 99, 100, 101, 102, 200, 1000, 10000};
    static const char *const inner[] = {"", "1", "[]", "{}", "\"x\"", "[1,2]", "[[]]"};
    for (int kind = 0; kind < 4; kind++)
        for (size_t d = 0; d < ELEMENTSOF(depths); d++)
            for (size_t i = 0; i < ELEMENTSOF(inner); i++)
                for (int v = 0; v < 3; v++) {
                    _cleanup_free_ char *doc = nest(kind, depths[d], inner[i], v != 1, v == 2);
                    check_str(&t, "depth", doc);
                }
    /* depth 100, then a sibling that would be 101 */
    _cleanup_free_ char *o = repeat("[", 99), *c = repeat("]", 99);
    _cleanup_free_ char *doc = xasprintf("%s[],[[]]%s", o, c);
    check_str(&t, "depth sibling", doc);
    finish(&t);
}
END_TEST

/* Big documents: long strings and numbers, many members, the size limit. */
START_TEST(test_big)
{
    Tally t = {.name = "big"};
    _cleanup_free_ char *digits = repeat("1234567890", 1000);
    _cleanup_free_ char *num = xasprintf("-%s.%se-%s", digits, digits, digits);
    check_str(&t, "long number", num);
    _cleanup_free_ char *zeros = repeat("0", 5000);
    _cleanup_free_ char *small = xasprintf("0.%s1", zeros);
    check_str(&t, "long fraction", small);
    _cleanup_free_ char *esc = repeat("a\\n\\u00e9\\ud83d\\ude00\xc3\xa9\\\"", 20000);
    _cleanup_free_ char *str = xasprintf("\"%s\"", esc);
    check_str(&t, "long string", str);
    _cleanup_free_ char *key = xasprintf("{%s:1}", str);
    check_str(&t, "long key", key);
    _cleanup_free_ char *elems = repeat("1,\"a\",null,{},[],", 20000);
    _cleanup_free_ char *arr = xasprintf("[%s0]", elems);
    check_str(&t, "long array", arr);
    _cleanup_free_ char *members = repeat("\"a\":1,\"b\":[],\"a\":{\"a\":2},\n", 5000);
    _cleanup_free_ char *obj = xasprintf("{%s\"a\":3}", members);
    check_str(&t, "duplicate members", obj);

    /* exactly at the size limit, and one byte over */
    size_t n = BRIG_JSON_MAX_SIZE + 1;
    _cleanup_free_ char *pad = xmalloc(n);
    memset(pad, ' ', n);
    pad[0] = '1';
    check_input(&t, "size limit", pad, n - 1);
    check_input(&t, "size limit + 1", pad, n);
    finish(&t);
}
END_TEST

/* Every byte in every place: alone, as whitespace, in a string and a key,
 * after a backslash; every UTF-8 lead byte with continuation bytes at the
 * edges of the valid ranges; \u escapes at the code point boundaries. */
START_TEST(test_sweeps)
{
    Tally t = {.name = "sweeps"};
    /* every byte in place of the '?' of each template */
    static const struct {
        const char *what, *tmpl;
    } sweeps[] = {
        {"byte alone", "?"},
        {"byte between", "[1?2]"},
        {"byte before colon", "{\"a\"?:1}"},
        {"byte in string", "\"?\""},
        {"byte in key", "{\"?\":1}"},
        {"byte escaped", "\"\\?\""},
        {"byte after number", "1?"},
        {"byte in \\u", "\"\\u00?0\""},
    };
    for (unsigned c = 0; c < 256; c++) {
        for (size_t k = 0; k < ELEMENTSOF(sweeps); k++) {
            char b[16];
            size_t n = strlen(sweeps[k].tmpl);
            memcpy(b, sweeps[k].tmpl, n);
            b[strchr(sweeps[k].tmpl, '?') - sweeps[k].tmpl] = (char)c;
            check_input(&t, sweeps[k].what, b, n);
        }
    }

    static const unsigned char seconds[] = {0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90,
                                            0x9f, 0xa0, 0xbf, 0xc0, 0xff};
    static const char *const tails[] = {"", "\x80", "\xbf\xbf", "\x80\x80\x80", "\x41", "\x80\x41"};
    for (unsigned lead = 0xc0; lead < 0x100; lead++)
        for (size_t s = 0; s < ELEMENTSOF(seconds); s++)
            for (size_t k = 0; k < ELEMENTSOF(tails); k++) {
                char b[32];
                int n =
                    snprintf(b, sizeof(b), "[\"%c%c%s\"]", (char)lead, (char)seconds[s], tails[k]);
                /* %c of 0: the byte is there, snprintf counts it */
                check_input(&t, "utf-8", b, (size_t)n);
                n = snprintf(b, sizeof(b), "{\"%c%c%s\":0}", (char)lead, (char)seconds[s],
                             tails[k]);
                check_input(&t, "utf-8 key", b, (size_t)n);
            }

    static const char *const cps[] = {"0000", "0001", "001f", "001F", "0020", "0022", "005c",
                                      "007f", "0080", "07ff", "0800", "d7ff", "d800", "dbff",
                                      "dc00", "dfff", "e000", "fffd", "fffe", "ffff", "DBFF",
                                      "DC00", "dBfF", "0041", ""};
    for (size_t i = 0; i < ELEMENTSOF(cps); i++) {
        for (size_t k = 0; k < ELEMENTSOF(cps); k++) {
            _cleanup_free_ char *s = xasprintf("\"\\u%s\\u%s\"", cps[i], cps[k]);
            check_str(&t, "\\u pair", s);
            _cleanup_free_ char *m =
                xasprintf("{\"\\u%s\\u%s\":\"\\u%s\"}", cps[i], cps[k], cps[i]);
            check_str(&t, "\\u pair key", m);
        }
        _cleanup_free_ char *s = xasprintf("\"x\\u%sy\"", cps[i]);
        check_str(&t, "\\u", s);
        _cleanup_free_ char *e = xasprintf("\"\\\\u%s\"", cps[i]);
        check_str(&t, "\\\\u", e);
    }
    finish(&t);
}
END_TEST

/* ---- seeded mutations of the files ---- */

static uint64_t rng_state;

static uint64_t rng(void)
{
    /* splitmix64: small, and the same sequence everywhere */
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static size_t rnd(size_t n)
{
    return n ? (size_t)(rng() % n) : 0;
}

/* What a mutation puts in: JSON's structure, the escapes, the bytes the
 * grammar and UTF-8 checks turn on. */
static const char *const snippets[] = {
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "\"",
    "\\",
    " ",
    "\n",
    "\r\n",
    "\t",
    "\f",
    "\x00",
    "0",
    "-",
    "+",
    ".",
    "e",
    "E",
    "1e5",
    "-0",
    "01",
    "1.",
    "1e999",
    "null",
    "true",
    "false",
    "nul",
    "\\u",
    "\\u0000",
    "\\ud800",
    "\\udc00",
    "\\ud83d\\ude00",
    "\\n",
    "\\\"",
    "\\\\",
    "\\x",
    "\x7f",
    "\x80",
    "\xff",
    "\xc3\xa9",
    "\xc0\xaf",
    "\xed\xa0\x80",
    "\xf4\x90\x80\x80",
    "\xf0\x9f\x98",
    "\xef\xbb\xbf",
    "//",
    "/*",
    "*/",
    "\"\":",
    "\"a\":1,",
    "[[[[",
    "]]]]",
    "{\"a\":{\"a\":",
};

/* One to four edits of buf (in place, up to cap bytes); returns the new
 * length. */
static size_t mutate(char *buf, size_t len, size_t cap)
{
    size_t edits = 1 + rnd(4);
    for (size_t e = 0; e < edits; e++) {
        size_t at = rnd(len + 1);
        switch (rnd(8)) {
        case 0: /* flip a bit */
            if (len)
                buf[rnd(len)] ^= (char)(1u << rnd(8));
            break;
        case 1: /* any byte */
            if (len)
                buf[rnd(len)] = (char)rnd(256);
            break;
        case 2:   /* replace a byte by a snippet */
        case 3: { /* insert a snippet */
            size_t k = rnd(ELEMENTSOF(snippets));
            /* the snippet "\x00" is one NUL byte */
            size_t sl = snippets[k][0] ? strlen(snippets[k]) : 1;
            bool replace = at < len && rnd(2);
            if (len + sl > cap)
                break;
            memmove(buf + at + sl, buf + at + replace, len - at - replace);
            memcpy(buf + at, snippets[k], sl);
            len += sl - replace;
            break;
        }
        case 4: { /* delete a few bytes */
            size_t n = 1 + rnd(8);
            if (at + n > len)
                n = len - at;
            memmove(buf + at, buf + at + n, len - at - n);
            len -= n;
            break;
        }
        case 5: /* truncate */
            len = at;
            break;
        case 6: { /* duplicate a slice */
            size_t n = 1 + rnd(32);
            if (at + n > len)
                n = len - at;
            if (len + n > cap)
                break;
            memmove(buf + at + n, buf + at, len - at);
            len += n;
            break;
        }
        case 7: /* swap two bytes */
            if (len) {
                size_t a = rnd(len), b = rnd(len);
                char c = buf[a];
                buf[a] = buf[b];
                buf[b] = c;
            }
            break;
        }
    }
    return len;
}

#define N_MUTATIONS 20000
#define N_TRICKY_MUTATIONS 10000

START_TEST(test_mutations)
{
    Tally t = {.name = "mutations"};
    load_files();
    rng_state = 20240501;
    size_t cap = 0;
    for (size_t i = 0; i < n_files; i++)
        if (files[i].len > cap)
            cap = files[i].len;
    cap += 4096;
    _cleanup_free_ char *buf = xmalloc(cap);
    for (size_t v = 0; v < N_MUTATIONS; v++) {
        const DataFile *f = &files[rnd(n_files)];
        memcpy(buf, f->buf, f->len);
        size_t len = mutate(buf, f->len, cap);
        char what[64];
        snprintf(what, sizeof(what), "mutation %zu of %s", v,
                 strrchr(f->path, '/') ? strrchr(f->path, '/') + 1 : f->path);
        check_input(&t, what, buf, len);
    }
    /* the corners are short: every edit lands near something that matters */
    for (size_t v = 0; v < N_TRICKY_MUTATIONS; v++) {
        size_t i = rnd(ELEMENTSOF(tricky));
        memcpy(buf, tricky[i].s, tricky[i].len);
        size_t len = mutate(buf, tricky[i].len, cap);
        char what[64];
        snprintf(what, sizeof(what), "mutation %zu of tricky[%zu]", v, i);
        check_input(&t, what, buf, len);
    }
    finish(&t);
}
END_TEST

/* ---- the harness itself ---- */

/* The reference must be the old parser: spot checks of what it did. */
START_TEST(test_reference)
{
    static const struct {
        const char *s;
        size_t len;
        bool ok;
    } cases[] = {
        {L("{\"a\":1,\"a\":2}"), true},
        {L("\"\\u0000\""), true},
        {L("\"\xc0\xaf\""), true},         /* yajl: two bytes, lead 110xxxxx */
        {L("\"\xf4\x90\x80\x80\""), true}, /* yajl: four bytes, lead 11110xxx */
        {L("\"\xf8\x88\x80\x80\x80\""), false},
        {L("\"\x80\""), false},
        {L("{\"a\\u0000\":1}"), false},
        {L("\"\\ud800\""), false},
        {L("\"\\ud800\\u0041\""), false},
        {L("\"\\ud83d\\ude00\""), true},
        {L("[1,]"), false},
        {L("{}x"), false},
        {L("{} {}"), false},
        {L("/**/{}"), false},
        {L(""), false},
        {L("1"), true},
        {L("\"a\tb\""), false},
        /* yajl's bug: a string left open after the document is taken for
         * a token cut by the end of the buffer, and the end for fine */
        {L("{} \"abc"), true},
        {L("1\""), true},
        {L("{} \"abc\""), false},
    };
    for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
        BrigJson *j = NULL;
        int r = ref_json_parse_yajl(cases[i].s, cases[i].len, &j);
        ck_assert_msg((r == 0) == cases[i].ok, "reference on case %zu: %d", i, r);
        ck_assert_msg((j != NULL) == cases[i].ok, "reference tree on case %zu", i);
        brig_json_free(j);
    }

    _cleanup_(brig_json_freep) BrigJson *j = NULL;
    ck_assert_int_eq(ref_json_parse_yajl(L("{\"a\":1,\"b\":\"x\\u0000y\",\"a\":[true]}"), &j), 0);
    ck_assert_uint_eq(j->n, 3);
    ck_assert_str_eq(j->kids[0]->key, "a");
    ck_assert_str_eq(j->kids[0]->text, "1");
    ck_assert_uint_eq(j->kids[1]->len, 3);
    ck_assert_mem_eq(j->kids[1]->text, "x\0y", 4);
    ck_assert_str_eq(j->kids[2]->key, "a");
    ck_assert(j->kids[2]->kids[0]->boolean);

    /* depth: 100 containers parse, 101 do not */
    _cleanup_free_ char *o = repeat("[", 100), *c = repeat("]", 100);
    _cleanup_free_ char *d100 = xasprintf("%s%s", o, c), *d101 = xasprintf("[%s%s]", o, c);
    BrigJson *d = NULL;
    ck_assert_int_eq(ref_json_parse_yajl(d100, strlen(d100), &d), 0);
    brig_json_free(d);
    ck_assert_int_lt(ref_json_parse_yajl(d101, strlen(d101), &d), 0);

    /* lines as the old parser counted them, the last value finished by
     * yajl_complete_parse() included */
    _cleanup_(brig_json_freep) BrigJson *l = NULL;
    ck_assert_int_eq(
        ref_json_parse_yajl_flags(L("{\"a\":\n1,\n\"b\":[\ntrue]}"), BRIG_JSON_LINES, &l), 0);
    ck_assert_uint_eq(l->line, 1);
    ck_assert_uint_eq(l->kids[0]->line, 2);
    ck_assert_uint_eq(l->kids[1]->line, 3);
    ck_assert_uint_eq(l->kids[1]->kids[0]->line, 4);
    _cleanup_(brig_json_freep) BrigJson *n = NULL;
    ck_assert_int_eq(ref_json_parse_yajl_flags(L("1"), BRIG_JSON_LINES, &n), 0);
    ck_assert_uint_eq(n->line, 2);
    _cleanup_(brig_json_freep) BrigJson *z = NULL;
    ck_assert_int_eq(ref_json_parse_yajl(L("[1]"), &z), 0);
    ck_assert_uint_eq(z->kids[0]->line, 1); /* 1 everywhere without BRIG_JSON_LINES */
}
END_TEST

/* The comparator must see every kind of difference. */
START_TEST(test_comparator)
{
    static const char doc[] =
        "{\"a\":1,\"s\":\"x\\u0000y\",\"a\":[true,null,\"q\"],\"n\":1.0,\"o\":{\"k\":false}}";
    _cleanup_(brig_json_freep) BrigJson *a = NULL;
    ck_assert_int_eq(ref_json_parse_yajl(doc, strlen(doc), &a), 0);
    char why[256];
    ck_assert(ref_json_same(a, a, why, sizeof(why)));

    for (int k = 0; k < 12; k++) {
        _cleanup_(brig_json_freep) BrigJson *b = brig_json_copy(a);
        ck_assert(ref_json_same(a, b, why, sizeof(why)));
        switch (k) {
        case 0: /* a byte after the NUL */
            b->kids[1]->text[2] = 'z';
            break;
        case 1: /* the string cut at its NUL */
            b->kids[1]->len = 1;
            break;
        case 2: /* same value, other text */
            brig_json_set(b, "n", brig_json_new_number("1"));
            break;
        case 3: { /* duplicates in the other order */
            BrigJson *x = b->kids[0];
            b->kids[0] = b->kids[2];
            b->kids[2] = x;
            break;
        }
        case 4: /* a member less */
            brig_json_delete_at(b, 4);
            break;
        case 5: { /* a key renamed (a copy's keys are not allocations of their own) */
            BrigJson *o = brig_json_copy(b->kids[4]);
            brig_json_delete_at(b, 4);
            brig_json_set(b, "O", o);
            break;
        }
        case 6: /* a boolean flipped */
            b->kids[2]->kids[0]->boolean = false;
            break;
        case 7: /* another type */
            brig_json_delete_at(b->kids[2], 1);
            brig_json_insert(b->kids[2], 1, brig_json_new_bool(false));
            break;
        case 8: /* an array element with a key */
            b->kids[2]->kids[2]->key = xstrdup("q");
            break;
        case 9: /* a deep member */
            b->kids[4]->kids[0]->boolean = true;
            break;
        case 10: /* an element more */
            brig_json_append(b->kids[2], brig_json_new(BRIG_JSON_NULL));
            break;
        case 11: /* the first copy of a duplicate changed: brig_json_equal() cannot see it */
            brig_json_delete_at(b, 0);
            brig_json_insert(b, 0, brig_json_new_number("2"));
            b->kids[0]->key = xstrdup("a");
            ck_assert(brig_json_equal(a, b));
            break;
        }
        ck_assert_msg(!ref_json_same(a, b, why, sizeof(why)), "change %d not seen", k);
        ck_assert_msg(*why, "change %d: no reason", k);
        ck_assert_msg(!ref_json_same(b, a, why, sizeof(why)), "change %d not seen (reversed)", k);
    }

    /* line numbers are their own comparison */
    _cleanup_(brig_json_freep) BrigJson *b = brig_json_copy(a);
    b->kids[2]->kids[1]->line = 7;
    ck_assert(ref_json_same(a, b, why, sizeof(why)));
    ck_assert(!ref_json_same_lines(a, b, why, sizeof(why)));
    ck_assert_ptr_nonnull(strstr(why, "line"));

    /* which yajl acceptances are the open-string bug */
    ck_assert(ref_yajl_open_string_tail(L("{}\n\"abc")));
    ck_assert(ref_yajl_open_string_tail(L("1\v\"")));
    ck_assert(!ref_yajl_open_string_tail(L("{}")));
    ck_assert(!ref_yajl_open_string_tail(L("\"{}\"")));
    ck_assert(!ref_yajl_open_string_tail(L("{} x")));

    /* strict UTF-8 */
    ck_assert(ref_utf8_strict(L("a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf")));
    ck_assert(!ref_utf8_strict(L("\xc0\xaf")));
    ck_assert(!ref_utf8_strict(L("\xe0\x80\xaf")));
    ck_assert(!ref_utf8_strict(L("\xed\xa0\x80")));
    ck_assert(!ref_utf8_strict(L("\xf4\x90\x80\x80")));
    ck_assert(!ref_utf8_strict(L("\xf0\x8f\xbf\xbf")));
    ck_assert(!ref_utf8_strict(L("\xc3")));
    ck_assert(!ref_utf8_strict(L("\x80")));

    _cleanup_free_ char *esc = ref_c_escape(L("a\"\\\n\x80"
                                              "1\x00"),
                                            100);
    ck_assert_str_eq(esc, "\"a\\\"\\\\\\n\\x80\"\"1\\x00\"");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("json_diff");
    TCase *tc = tcase_create("json_diff");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, test_reference);
    tcase_add_test(tc, test_comparator);
    tcase_add_test(tc, test_tricky);
    tcase_add_test(tc, test_depth);
    tcase_add_test(tc, test_sweeps);
    tcase_add_test(tc, test_big);
    tcase_add_test(tc, test_files);
    tcase_add_test(tc, test_mutations);
    suite_add_tcase(s, tc);
    return tu_run(s);
}
