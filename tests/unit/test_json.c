/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The JSON tree must give the runtime back exactly what the engine wrote:
 * real engine configs round-trip, numbers keep their text, key order and
 * unknown members survive, and malformed input fails with a position. */
#include <glob.h>
#include <inttypes.h>
#include <stdio.h>
#include <time.h>

#include "testutil.h"

static void assert_parse_error(const char *text, size_t len, unsigned flags, const char *want)
{
    BrigJson *j = NULL;
    BrigError *err = NULL;
    int r = brig_json_parse(text, len, "test", flags, &j, &err);
    ck_assert_msg(r < 0, "parsing [%s] should fail", text);
    ck_assert_ptr_null(j);
    ck_assert_ptr_nonnull(err);
    ck_assert_str_eq(err->msg, want);
    brig_error_free(err);
}

static void assert_error(const char *text, const char *want)
{
    assert_parse_error(text, strlen(text), 0, want);
    /* line-by-line feeding must not change what is reported */
    assert_parse_error(text, strlen(text), BRIG_JSON_LINES, want);
}

/* Serializes, reparses, and checks the tree and the bytes are stable. */
static void check_round_trip(const char *name, const char *text, size_t len)
{
    _cleanup_(brig_json_freep) BrigJson *a = NULL, *b = NULL, *c = NULL, *l = NULL;
    BrigError *err = NULL;
    ck_assert_msg(brig_json_parse(text, len, name, 0, &a, &err) == 0, "%s: %s", name,
                  err ? err->msg : "");
    ck_assert_msg(brig_json_parse(text, len, name, BRIG_JSON_LINES, &l, &err) == 0, "%s", name);
    ck_assert_msg(brig_json_equal(a, l), "%s: BRIG_JSON_LINES changes the tree", name);

    for (unsigned flags = 0; flags <= BRIG_JSON_PRETTY; flags += BRIG_JSON_PRETTY) {
        size_t l1, l2;
        _cleanup_free_ char *s1 = brig_json_serialize(a, flags, &l1);
        ck_assert_uint_eq(strlen(s1), l1);
        ck_assert_msg(brig_json_parse(s1, l1, name, 0, &b, &err) == 0, "%s reparse: %s", name,
                      err ? err->msg : "");
        ck_assert_msg(brig_json_equal(a, b), "%s: tree changed by a round trip (flags %u)", name,
                      flags);
        _cleanup_free_ char *s2 = brig_json_serialize(b, flags, &l2);
        ck_assert_msg(l1 == l2 && memcmp(s1, s2, l1) == 0, "%s: serialization not stable", name);
        brig_json_free(b);
        b = NULL;
    }
    c = brig_json_copy(a);
    ck_assert(brig_json_equal(a, c));
}

START_TEST(test_round_trip_configs)
{
    glob_t g;
    ck_assert_int_eq(glob(BRIG_TEST_DATA "/configs/*.json", 0, NULL, &g), 0);
    /* runc spec, runc spec --rootless, crun spec, three podman configs at least */
    ck_assert_uint_ge(g.gl_pathc, 6);
    for (size_t i = 0; i < g.gl_pathc; i++) {
        const char *rel = g.gl_pathv[i] + strlen(BRIG_TEST_DATA) + 1;
        size_t len;
        _cleanup_free_ char *text = tu_read_data(rel, &len);
        check_round_trip(rel, text, len);
    }
    globfree(&g);
}
END_TEST

START_TEST(test_round_trip_edge_files)
{
    glob_t g;
    ck_assert_int_eq(glob(BRIG_TEST_DATA "/json/*.json", 0, NULL, &g), 0);
    ck_assert_uint_ge(g.gl_pathc, 3);
    for (size_t i = 0; i < g.gl_pathc; i++) {
        const char *rel = g.gl_pathv[i] + strlen(BRIG_TEST_DATA) + 1;
        size_t len;
        _cleanup_free_ char *text = tu_read_data(rel, &len);
        check_round_trip(rel, text, len);
    }
    globfree(&g);
}
END_TEST

/* A compact document written the way yajl writes it comes back unchanged,
 * byte for byte: nothing is normalized on the way through. */
START_TEST(test_compact_is_identity)
{
    static const char *const docs[] = {
        "{\"b\":1,\"a\":[true,false,null],\"c\":{\"x-unknown\":{\"n\":1.50}}}",
        "[18446744073709551615,-1,1e3,1.50,0,-0,1E+2,2.5e-10,-9223372036854775808]",
        "\"just a string\"",
        "42",
        "[]",
        "{}",
    };
    for (size_t i = 0; i < ELEMENTSOF(docs); i++) {
        _cleanup_(brig_json_freep) BrigJson *j = tu_parse(docs[i]);
        _cleanup_free_ char *s = tu_compact(j);
        ck_assert_str_eq(s, docs[i]);
    }
}
END_TEST

START_TEST(test_numbers_keep_text)
{
    _cleanup_(brig_json_freep) BrigJson *j =
        tu_parse("[18446744073709551615, -1, 1e3, 1.50, 0, 18446744073709551616,"
                 " 9223372036854775807, 9223372036854775808, -9223372036854775808,"
                 " -9223372036854775809, -0, 1.0]");
    ck_assert_uint_eq(j->n, 12);
    static const char *const text[] = {
        "18446744073709551615",
        "-1",
        "1e3",
        "1.50",
        "0",
        "18446744073709551616",
        "9223372036854775807",
        "9223372036854775808",
        "-9223372036854775808",
        "-9223372036854775809",
        "-0",
        "1.0",
    };
    for (size_t i = 0; i < j->n; i++) {
        ck_assert_int_eq(j->kids[i]->type, BRIG_JSON_NUMBER);
        ck_assert_str_eq(j->kids[i]->text, text[i]);
    }

    uint64_t u = 1;
    int64_t s = 1;
    ck_assert_int_eq(brig_json_to_uint64(j->kids[0], &u), 0);
    ck_assert(u == UINT64_MAX);
    ck_assert_int_eq(brig_json_to_uint64(j->kids[1], &u), -EINVAL);
    ck_assert_int_eq(brig_json_to_int64(j->kids[1], &s), 0);
    ck_assert(s == -1);
    /* 1e3 is a thousand, but not an integer literal: a uid written that way
     * is refused rather than guessed at */
    ck_assert_int_eq(brig_json_to_uint64(j->kids[2], &u), -EINVAL);
    ck_assert_int_eq(brig_json_to_int64(j->kids[2], &s), -EINVAL);
    ck_assert_int_eq(brig_json_to_uint64(j->kids[3], &u), -EINVAL);
    ck_assert_int_eq(brig_json_to_uint64(j->kids[4], &u), 0);
    ck_assert(u == 0);
    ck_assert_int_eq(brig_json_to_uint64(j->kids[5], &u), -EINVAL); /* overflow */
    ck_assert_int_eq(brig_json_to_int64(j->kids[6], &s), 0);
    ck_assert(s == INT64_MAX);
    ck_assert_int_eq(brig_json_to_int64(j->kids[7], &s), -EINVAL);
    ck_assert_int_eq(brig_json_to_uint64(j->kids[7], &u), 0);
    ck_assert(u == UINT64_C(9223372036854775808));
    ck_assert_int_eq(brig_json_to_int64(j->kids[8], &s), 0);
    ck_assert(s == INT64_MIN);
    ck_assert_int_eq(brig_json_to_int64(j->kids[9], &s), -EINVAL);
    ck_assert_int_eq(brig_json_to_uint64(j->kids[10], &u), -EINVAL);
    ck_assert_int_eq(brig_json_to_int64(j->kids[10], &s), 0);
    ck_assert(s == 0);
    ck_assert_int_eq(brig_json_to_uint64(j->kids[11], &u), -EINVAL);

    _cleanup_free_ char *out = tu_compact(j);
    ck_assert_str_eq(out, "[18446744073709551615,-1,1e3,1.50,0,18446744073709551616,"
                          "9223372036854775807,9223372036854775808,-9223372036854775808,"
                          "-9223372036854775809,-0,1.0]");
}
END_TEST

START_TEST(test_number_readers_reject_non_numbers)
{
    uint64_t u = 7;
    int64_t s = 7;
    _cleanup_(brig_json_freep) BrigJson *str = brig_json_new_string("5");
    ck_assert_int_eq(brig_json_to_uint64(str, &u), -EINVAL);
    ck_assert_int_eq(brig_json_to_int64(str, &s), -EINVAL);
    ck_assert_int_eq(brig_json_to_uint64(NULL, &u), -EINVAL);
    ck_assert_int_eq(brig_json_to_int64(NULL, &s), -EINVAL);
    /* hand-made number nodes are not validated; the readers still must not
     * accept what strtoull would (blanks, '+', nothing at all) */
    static const char *const bad[] = {"", " 5", "+5", "5 ", "0x10", "-", "- 1"};
    for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
        _cleanup_(brig_json_freep) BrigJson *n = brig_json_new_number(bad[i]);
        ck_assert_msg(brig_json_to_uint64(n, &u) == -EINVAL, "uint64 accepted [%s]", bad[i]);
        ck_assert_msg(brig_json_to_int64(n, &s) == -EINVAL, "int64 accepted [%s]", bad[i]);
    }
    ck_assert(u == 7 && s == 7);

    _cleanup_(brig_json_freep) BrigJson *a = brig_json_new_uint(UINT64_MAX);
    _cleanup_(brig_json_freep) BrigJson *b = brig_json_new_int(INT64_MIN);
    ck_assert_str_eq(a->text, "18446744073709551615");
    ck_assert_str_eq(b->text, "-9223372036854775808");
    ck_assert_int_eq(brig_json_to_uint64(a, &u), 0);
    ck_assert(u == UINT64_MAX);
    ck_assert_int_eq(brig_json_to_int64(b, &s), 0);
    ck_assert(s == INT64_MIN);
}
END_TEST

START_TEST(test_duplicate_keys)
{
    _cleanup_(brig_json_freep) BrigJson *j = tu_parse("{\"b\":1,\"a\":2,\"b\":3,\"c\":4}");
    /* the tree keeps both copies (the policy parser reports duplicates)... */
    ck_assert_uint_eq(j->n, 4);
    /* ...the last one wins, as in Go's encoding/json, which runc uses... */
    ck_assert_str_eq(brig_json_get(j, "b")->text, "3");
    /* ...and only that one is written out: crun (yajl) would read the first
     * copy, which brig never looked at */
    _cleanup_free_ char *s0 = tu_compact(j);
    ck_assert_str_eq(s0, "{\"a\":2,\"b\":3,\"c\":4}");
    _cleanup_free_ char *p0 = brig_json_serialize(j, BRIG_JSON_PRETTY, NULL);
    ck_assert_str_eq(p0, "{\n\t\"a\": 2,\n\t\"b\": 3,\n\t\"c\": 4\n}\n");
    /* equality is over what a reader sees */
    _cleanup_(brig_json_freep) BrigJson *same = tu_parse(s0);
    ck_assert(brig_json_equal(j, same));
    ck_assert(brig_json_equal(same, j));
    _cleanup_(brig_json_freep) BrigJson *other = tu_parse("{\"b\":3,\"a\":2,\"b\":1,\"c\":4}");
    ck_assert(!brig_json_equal(j, other));
    /* nested and repeated more than twice */
    _cleanup_(brig_json_freep) BrigJson *n =
        tu_parse("{\"x\":{\"k\":1,\"k\":2,\"k\":3},\"y\":[{\"k\":false,\"k\":true}],\"x\":"
                 "{\"k\":4,\"z\":0,\"k\":5}}");
    _cleanup_free_ char *ns = tu_compact(n);
    ck_assert_str_eq(ns, "{\"y\":[{\"k\":true}],\"x\":{\"z\":0,\"k\":5}}");

    /* set replaces in place of the effective (last) copy and drops the
     * shadowed one, so no parser can pick the old value */
    brig_json_set(j, "b", brig_json_new_number("5"));
    _cleanup_free_ char *s1 = tu_compact(j);
    ck_assert_str_eq(s1, "{\"a\":2,\"b\":5,\"c\":4}");

    brig_json_set(j, "d", brig_json_new_bool(true));
    _cleanup_free_ char *s2 = tu_compact(j);
    ck_assert_str_eq(s2, "{\"a\":2,\"b\":5,\"c\":4,\"d\":true}");

    /* set takes ownership and renames a value that had another key */
    BrigJson *moved = brig_json_new_string("v");
    moved->key = xstrdup("old");
    brig_json_set(j, "a", moved);
    _cleanup_free_ char *s3 = tu_compact(j);
    ck_assert_str_eq(s3, "{\"a\":\"v\",\"b\":5,\"c\":4,\"d\":true}");
}
END_TEST

START_TEST(test_remove_all_copies)
{
    _cleanup_(brig_json_freep) BrigJson *j = tu_parse("{\"x\":1,\"y\":2,\"x\":3}");
    ck_assert(brig_json_remove(j, "x"));
    _cleanup_free_ char *s = tu_compact(j);
    ck_assert_str_eq(s, "{\"y\":2}");
    ck_assert(!brig_json_remove(j, "x"));
    ck_assert(!brig_json_remove(j, "nope"));
    _cleanup_(brig_json_freep) BrigJson *arr = tu_parse("[1]");
    ck_assert(!brig_json_remove(arr, "x"));
    ck_assert(!brig_json_remove(NULL, "x"));
}
END_TEST

START_TEST(test_key_order_and_unknown_fields)
{
    const char *text = "{\"zeta\":1,\"process\":{\"x-unknown\":{\"n\":1.50},\"args\":[\"sh\"]},"
                       "\"alpha\":{\"nested\":[{\"deep\":[1e3,null]}]}}";
    _cleanup_(brig_json_freep) BrigJson *j = tu_parse(text);
    ck_assert_str_eq(j->kids[0]->key, "zeta");
    ck_assert_str_eq(j->kids[1]->key, "process");
    ck_assert_str_eq(j->kids[2]->key, "alpha");
    _cleanup_free_ char *s = tu_compact(j);
    ck_assert_str_eq(s, text);
    ck_assert_str_eq(brig_json_get_path(j, "process/x-unknown/n")->text, "1.50");
}
END_TEST

START_TEST(test_unicode_and_escapes)
{
    _cleanup_(brig_json_freep) BrigJson *j =
        tu_parse("[\"\\u00e9\", \"a\\u0000b\", \"\\ud83d\\ude00\", \"\\\"\\\\\\/\\b\\f\\n\\r\\t\","
                 " \"\\u001f\\u007f\", \"caf\xc3\xa9\", \"\\uD83D\\uDE00\", \"\\\\ud800\"]");
    ck_assert_uint_eq(j->kids[0]->len, 2);
    ck_assert_str_eq(j->kids[0]->text, "\xc3\xa9");
    /* an escaped NUL is data, kept with its length */
    ck_assert_uint_eq(j->kids[1]->len, 3);
    ck_assert_mem_eq(j->kids[1]->text, "a\0b", 3);
    ck_assert_uint_eq(j->kids[2]->len, 4);
    ck_assert_str_eq(j->kids[2]->text, "\xf0\x9f\x98\x80");
    ck_assert_str_eq(j->kids[3]->text, "\"\\/\b\f\n\r\t");
    ck_assert_uint_eq(j->kids[4]->len, 2);
    ck_assert_str_eq(j->kids[5]->text, "caf\xc3\xa9");
    ck_assert_str_eq(j->kids[6]->text, "\xf0\x9f\x98\x80");
    /* an escaped backslash followed by "ud800" is not an escape */
    ck_assert_str_eq(j->kids[7]->text, "\\ud800");

    _cleanup_free_ char *s = tu_compact(j);
    ck_assert_str_eq(
        s, "[\"\xc3\xa9\",\"a\\u0000b\",\"\xf0\x9f\x98\x80\",\"\\\"\\\\/\\b\\f\\n\\r\\t\","
           "\"\\u001F\x7f\",\"caf\xc3\xa9\",\"\xf0\x9f\x98\x80\",\"\\\\ud800\"]");
    /* and the NUL survives a second trip */
    _cleanup_(brig_json_freep) BrigJson *again = tu_parse(s);
    ck_assert(brig_json_equal(j, again));

    /* strings with an embedded NUL compare by length, not strlen */
    _cleanup_(brig_json_freep) BrigJson *x = tu_parse("[\"a\\u0000b\",\"a\\u0000c\"]");
    ck_assert(!brig_json_equal(x->kids[0], x->kids[1]));
}
END_TEST

START_TEST(test_invalid_unicode)
{
    assert_error("[\"\xff\"]", "test: line 1, column 3: invalid UTF-8 in a string");
    /* stricter than yajl: no overlong forms, encoded surrogates or code
     * points past U+10FFFF */
    assert_error("[\"\xc0\xaf\"]", "test: line 1, column 3: invalid UTF-8 in a string");
    assert_error("[\"a\xed\xa0\x80\"]", "test: line 1, column 4: invalid UTF-8 in a string");
    assert_error("[\"\xf4\x90\x80\x80\"]", "test: line 1, column 3: invalid UTF-8 in a string");
    assert_error("[\"\xe2\x82\"]", "test: line 1, column 3: invalid UTF-8 in a string");
    assert_error("{\"a\":\n\"\\ud800\"}",
                 "test: line 2, column 2: unpaired UTF-16 surrogate \"\\ud800\" in a string");
    assert_error("[\"x\\ud800y\"]",
                 "test: line 1, column 4: unpaired UTF-16 surrogate \"\\ud800\" in a string");
    assert_error("[\"\\udc00\"]",
                 "test: line 1, column 3: unpaired UTF-16 surrogate \"\\udc00\" in a string");
    assert_error("[\"\\uD83D\\u0041\"]",
                 "test: line 1, column 3: unpaired UTF-16 surrogate \"\\uD83D\" in a string");
    assert_error("[\"\\ud83d\"]",
                 "test: line 1, column 3: unpaired UTF-16 surrogate \"\\ud83d\" in a string");
    assert_error("{\"a\\u0000\":1}", "test: line 1, column 2: object key contains a NUL character");
}
END_TEST

START_TEST(test_errors_have_positions)
{
    /* the position is that of the byte that could not be accepted */
    assert_error("{\n  \"a\": 1,\n  \"b\" 2\n}",
                 "test: line 3, column 7: expected ':' after an object key, found '2'");
    assert_error("{} x", "test: line 1, column 4: 'x' after the end of the document");
    assert_error("{}{}", "test: line 1, column 3: '{' after the end of the document");
    assert_error("{}\n\n[", "test: line 3, column 1: '[' after the end of the document");
    assert_error("[1,]", "test: line 1, column 4: expected a value, found ']'");
    assert_error("{\"a\":1", "test: line 1, column 7: unexpected end of the input: expected ',' "
                             "or '}' after an object member");
    assert_error("[\"a\\\x01\"]", "test: line 1, column 4: invalid escape in a string: a "
                                  "backslash before byte 0x01");
    assert_error("{\"a\":1,}", "test: line 1, column 8: expected a string as an object key, "
                               "found '}'");
    assert_error("// c\n{}", "test: line 1, column 1: comments are not allowed in JSON");
    assert_error("[\"a\nb\"]", "test: line 1, column 4: control character 0x0a in a string "
                               "(JSON needs it escaped)");
    assert_error("[01]", "test: line 1, column 3: expected ',' or ']' after an array element, "
                         "found '1'");
    assert_error("[1.]", "test: line 1, column 4: invalid number: expected a digit after the "
                         "decimal point");
    assert_error("[-]", "test: line 1, column 3: invalid number: expected a digit after '-'");
    assert_error("[1e+]", "test: line 1, column 5: invalid number: expected a digit in the "
                          "exponent");
    assert_error("tru", "test: line 1, column 4: unexpected end of the input inside a literal");
    assert_error("[trux]", "test: line 1, column 2: invalid literal: expected true, false or null");
    /* short inputs that start like a literal (found by fuzzing: the
     * literal was compared past the end of the input) */
    assert_error("t7", "test: line 1, column 1: invalid literal: expected true, false or null");
    assert_error("\r tue", "test: line 1, column 3: invalid literal: expected true, false or null");
    assert_error("\nn\"]", "test: line 2, column 1: invalid literal: expected true, false or null");
    assert_error("{\"q\":fu}}", "test: line 1, column 6: invalid literal: expected true, false or "
                                "null");
    assert_error("[1.", "test: line 1, column 4: unexpected end of the input inside a number");
    assert_error("-", "test: line 1, column 2: unexpected end of the input inside a number");
    assert_error("[1e", "test: line 1, column 4: unexpected end of the input inside a number");
    assert_error("[nul]", "test: line 1, column 2: invalid literal: expected true, false or null");
    assert_error("[x]", "test: line 1, column 2: expected a value, found 'x'");
    assert_error("{1:2}", "test: line 1, column 2: expected a string as an object key, found '1'");
    assert_error("[\"a\\x\"]", "test: line 1, column 4: invalid escape \\x in a string");
    assert_error("[\"\\u12G4\"]", "test: line 1, column 3: invalid \\u escape in a string: "
                                  "expected four hex digits");
    assert_error("[\"abc", "test: line 1, column 6: unexpected end of the input inside a string");
    assert_error("[\"abc\\", "test: line 1, column 7: unexpected end of the input inside a string");
    assert_error("\xef\xbb\xbf{}", "test: line 1, column 1: expected a value, found byte 0xef");
}
END_TEST

START_TEST(test_empty_input)
{
    assert_error("", "test: empty file, expected a JSON document");
    assert_error(" \n\t\r\n", "test: empty file, expected a JSON document");
    /* a NUL is not whitespace: that is a garbled file, not an empty one */
    assert_parse_error("\0", 1, 0, "test: line 1, column 1: expected a value, found byte 0x00");
}
END_TEST

static char *nested(size_t depth, char open, char close)
{
    char *s = xmalloc(2 * depth + 1);
    memset(s, open, depth);
    memset(s + depth, close, depth);
    s[2 * depth] = '\0';
    return s;
}

START_TEST(test_depth_limit)
{
    _cleanup_free_ char *ok = nested(BRIG_JSON_MAX_DEPTH, '[', ']');
    _cleanup_(brig_json_freep) BrigJson *j = tu_parse(ok);
    _cleanup_free_ char *back = tu_compact(j);
    ck_assert_str_eq(back, ok);

    _cleanup_free_ char *over = nested(BRIG_JSON_MAX_DEPTH + 1, '[', ']');
    assert_error(over, "test: line 1, column 101: nesting deeper than 100 levels");

    /* objects count the same */
    char obj[1024] = "";
    for (int i = 0; i <= BRIG_JSON_MAX_DEPTH; i++)
        strcat(obj, "{\"a\":");
    assert_error(obj, "test: line 1, column 501: nesting deeper than 100 levels");

    /* a hostile document stops at the limit instead of recursing through it */
    _cleanup_free_ char *huge = nested(100000, '[', ']');
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_error(huge, "test: line 1, column 101: nesting deeper than 100 levels");
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    ck_assert_msg(secs < 1.0, "100000-deep input took %.2fs", secs);
}
END_TEST

START_TEST(test_size_limit)
{
    size_t len = BRIG_JSON_MAX_SIZE + 1;
    _cleanup_free_ char *big = xmalloc(len + 1);
    memset(big, ' ', len);
    big[0] = '0';
    big[len] = '\0';
    BrigJson *j = NULL;
    BrigError *err = NULL;
    ck_assert_int_eq(brig_json_parse(big, len, "big.json", 0, &j, &err), -EFBIG);
    ck_assert_str_eq(err->msg, "big.json: 33554433 bytes is over the 32 MiB limit");
    ck_assert_ptr_null(j);
    brig_error_free(err);
    err = NULL;
    /* exactly at the limit is accepted */
    ck_assert_int_eq(brig_json_parse(big, len - 1, "big.json", 0, &j, &err), 0);
    ck_assert_str_eq(j->text, "0");
    brig_json_free(j);
}
END_TEST

START_TEST(test_line_numbers)
{
    const char *text = "{\n"
                       "\t\"a\": 1,\n"
                       "\t\"b\": [\n"
                       "\t\t2,\n"
                       "\t\t\"three\"\n"
                       "\t],\n"
                       "\t\"c\": {\"d\": true,\n"
                       "\n"
                       "\t\"e\": 12345\n"
                       "}}\n";
    BrigJson *j = NULL;
    BrigError *err = NULL;
    ck_assert_int_eq(brig_json_parse(text, strlen(text), "t", BRIG_JSON_LINES, &j, &err), 0);
    ck_assert_uint_eq(j->line, 1);
    ck_assert_uint_eq(brig_json_get(j, "a")->line, 2);
    ck_assert_uint_eq(brig_json_get(j, "b")->line, 3);
    ck_assert_uint_eq(brig_json_get(j, "b")->kids[0]->line, 4);
    ck_assert_uint_eq(brig_json_get(j, "b")->kids[1]->line, 5);
    ck_assert_uint_eq(brig_json_get(j, "c")->line, 7);
    ck_assert_uint_eq(brig_json_get_path(j, "c/d")->line, 7);
    /* a number is only complete once the lexer sees what follows it */
    ck_assert_uint_eq(brig_json_get_path(j, "c/e")->line, 9);
    ck_assert_str_eq(brig_json_get_path(j, "c/e")->text, "12345");
    brig_json_free(j);

    /* without the flag every node says line 1... */
    ck_assert_int_eq(brig_json_parse(text, strlen(text), "t", 0, &j, &err), 0);
    ck_assert_uint_eq(brig_json_get(j, "b")->kids[1]->line, 1);
    /* ...and copies keep the line */
    brig_json_free(j);
    ck_assert_int_eq(brig_json_parse(text, strlen(text), "t", BRIG_JSON_LINES, &j, &err), 0);
    _cleanup_(brig_json_freep) BrigJson *c = brig_json_copy(j);
    ck_assert_uint_eq(brig_json_get_path(c, "c/e")->line, 9);
    brig_json_free(j);
}
END_TEST

START_TEST(test_get_path)
{
    _cleanup_(brig_json_freep) BrigJson *j =
        tu_parse("{\"process\":{\"user\":{\"uid\":0}},\"arr\":[{\"x\":1}],\"\":{\"e\":2}}");
    ck_assert_str_eq(brig_json_get_path(j, "process/user/uid")->text, "0");
    ck_assert_ptr_eq(brig_json_get_path(j, ""), j);
    ck_assert_ptr_null(brig_json_get_path(j, "process/user/gid"));
    ck_assert_ptr_null(brig_json_get_path(j, "process/user/uid/deeper"));
    /* walks objects only, never array indexes */
    ck_assert_ptr_null(brig_json_get_path(j, "arr/0/x"));
    ck_assert_ptr_null(brig_json_get_path(NULL, "process"));
    ck_assert_int_eq(brig_json_get_path(j, "process/user")->type, BRIG_JSON_OBJECT);
    /* a key longer than any in an OCI config is not found rather than cut */
    char longkey[400];
    memset(longkey, 'k', sizeof(longkey) - 1);
    longkey[sizeof(longkey) - 1] = '\0';
    ck_assert_ptr_null(brig_json_get_path(j, longkey));
    ck_assert_ptr_null(brig_json_get(j, "nope"));
    ck_assert_ptr_null(brig_json_get(brig_json_get(j, "arr"), "x"));
    ck_assert_ptr_null(brig_json_get(NULL, "x"));
}
END_TEST

START_TEST(test_array_edit)
{
    _cleanup_(brig_json_freep) BrigJson *a = tu_parse("[1,2,3]");
    brig_json_insert(a, 0, brig_json_new_number("0"));
    brig_json_insert(a, 2, brig_json_new_string("mid"));
    brig_json_insert(a, 99, brig_json_new_number("9")); /* past the end appends */
    brig_json_append(a, brig_json_new(BRIG_JSON_NULL));
    _cleanup_free_ char *s1 = tu_compact(a);
    ck_assert_str_eq(s1, "[0,1,\"mid\",2,3,9,null]");
    brig_json_delete_at(a, 0);
    brig_json_delete_at(a, 5);
    brig_json_delete_at(a, 2);
    brig_json_delete_at(a, 17); /* out of range: nothing */
    _cleanup_free_ char *s2 = tu_compact(a);
    ck_assert_str_eq(s2, "[1,\"mid\",3,9]");
    for (int i = 0; i < 100; i++)
        brig_json_append(a, brig_json_new_int(i));
    ck_assert_uint_eq(a->n, 104);
    ck_assert_str_eq(a->kids[103]->text, "99");
    while (a->n)
        brig_json_delete_at(a, 0);
    _cleanup_free_ char *s3 = tu_compact(a);
    ck_assert_str_eq(s3, "[]");
}
END_TEST

typedef struct {
    size_t calls, stop_at;
    size_t seen[16];
} FilterCtx;

/* keeps odd numbers; stops (keeping the rest) at index stop_at */
static int keep_odd(BrigJson *kid, size_t idx, void *ctx)
{
    FilterCtx *f = ctx;
    if (f->calls < ELEMENTSOF(f->seen))
        f->seen[f->calls] = idx;
    f->calls++;
    if (idx == f->stop_at)
        return -5;
    int64_t v;
    ck_assert_int_eq(brig_json_to_int64(kid, &v), 0);
    return v % 2 != 0;
}

static int keep_none(BrigJson *kid, size_t idx, void *ctx)
{
    (void)kid, (void)idx;
    (*(size_t *)ctx)++;
    return 0;
}

START_TEST(test_filter)
{
    /* a parsed tree (kids in the parser's block) and a built one */
    _cleanup_(brig_json_freep) BrigJson *a = tu_parse("[0,1,2,3,4,5,6,7]");
    FilterCtx f = {.stop_at = SIZE_MAX};
    ck_assert_int_eq(brig_json_filter(a, keep_odd, &f), 4);
    ck_assert_uint_eq(f.calls, 8);
    for (size_t i = 0; i < 8; i++)
        ck_assert_uint_eq(f.seen[i], i); /* indexes as the input held them */
    _cleanup_free_ char *s1 = tu_compact(a);
    ck_assert_str_eq(s1, "[1,3,5,7]");
    brig_json_append(a, brig_json_new_int(9)); /* still a working array */
    _cleanup_free_ char *s2 = tu_compact(a);
    ck_assert_str_eq(s2, "[1,3,5,7,9]");

    /* stopping: decided kids dropped, the rest kept in order */
    _cleanup_(brig_json_freep) BrigJson *b = tu_parse("[0,1,2,3,4,5]");
    f = (FilterCtx){.stop_at = 3};
    ck_assert_int_eq(brig_json_filter(b, keep_odd, &f), -5);
    ck_assert_uint_eq(f.calls, 4);
    _cleanup_free_ char *s3 = tu_compact(b);
    ck_assert_str_eq(s3, "[1,3,4,5]");

    /* objects: members, in order */
    _cleanup_(brig_json_freep) BrigJson *o =
        tu_parse("{\"a\":1,\"b\":2,\"c\":3,\"d\":{\"x\":[4]}}");
    f = (FilterCtx){.stop_at = 3};
    ck_assert_int_eq(brig_json_filter(o, keep_odd, &f), -5);
    _cleanup_free_ char *s4 = tu_compact(o);
    ck_assert_str_eq(s4, "{\"a\":1,\"c\":3,\"d\":{\"x\":[4]}}");

    /* a large built array, every kid dropped: one call each (ASan and
     * valgrind see every freed kid) */
    _cleanup_(brig_json_freep) BrigJson *big = brig_json_new(BRIG_JSON_ARRAY);
    for (int i = 0; i < 200000; i++)
        brig_json_append(big, brig_json_new_string("element"));
    size_t calls = 0;
    ck_assert_int_eq(brig_json_filter(big, keep_none, &calls), 200000);
    ck_assert_uint_eq(calls, 200000);
    ck_assert_uint_eq(big->n, 0);
    _cleanup_free_ char *s5 = tu_compact(big);
    ck_assert_str_eq(s5, "[]");

    /* not a container: nothing */
    _cleanup_(brig_json_freep) BrigJson *str = brig_json_new_string("x");
    calls = 0;
    ck_assert_int_eq(brig_json_filter(str, keep_none, &calls), 0);
    ck_assert_int_eq(brig_json_filter(NULL, keep_none, &calls), 0);
    ck_assert_uint_eq(calls, 0);
}
END_TEST

START_TEST(test_copy_and_equal)
{
    _cleanup_(brig_json_freep) BrigJson *a =
        tu_parse("{\"s\":\"a\\u0000b\",\"n\":1.50,\"t\":true,\"z\":null,\"arr\":[{\"k\":[]}]}");
    _cleanup_(brig_json_freep) BrigJson *c = brig_json_copy(a);
    ck_assert(brig_json_equal(a, c));
    ck_assert_uint_eq(brig_json_get(c, "s")->len, 3);
    /* deep: changing the copy leaves the original alone */
    brig_json_append(brig_json_get_path(c, "arr")->kids[0]->kids[0], brig_json_new_int(1));
    ck_assert(!brig_json_equal(a, c));
    _cleanup_free_ char *s = tu_compact(a);
    ck_assert_str_eq(s,
                     "{\"s\":\"a\\u0000b\",\"n\":1.50,\"t\":true,\"z\":null,\"arr\":[{\"k\":[]}]}");
    ck_assert_ptr_null(brig_json_copy(NULL));

    struct {
        const char *x, *y;
        bool eq;
    } cases[] = {
        {"{\"a\":1,\"b\":2}", "{\"b\":2,\"a\":1}", false}, /* order is part of the document */
        {"1.0", "1", false},                               /* so is number spelling */
        {"[1,2]", "[1,2]", true},
        {"[1,2]", "[1,2,3]", false},
        {"{\"a\":1}", "{\"b\":1}", false},
        {"true", "false", false},
        {"{\"a\":1,\"a\":2}", "{\"a\":2}", true}, /* shadowed copies are never read */
        {"{\"a\":2,\"a\":1}", "{\"a\":2}", false},
        {"{\"a\":1,\"b\":0,\"a\":2}", "{\"b\":0,\"a\":2}", true},
        {"{\"a\":1,\"b\":0,\"a\":2}", "{\"a\":2,\"b\":0}", false},
        {"null", "null", true},
        {"\"x\"", "[\"x\"]", false},
        {"{}", "[]", false},
    };
    for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
        _cleanup_(brig_json_freep) BrigJson *x = tu_parse(cases[i].x);
        _cleanup_(brig_json_freep) BrigJson *y = tu_parse(cases[i].y);
        ck_assert_msg(brig_json_equal(x, y) == cases[i].eq, "%s vs %s", cases[i].x, cases[i].y);
    }
    ck_assert(brig_json_equal(NULL, NULL));
    ck_assert(!brig_json_equal(a, NULL));
}
END_TEST

START_TEST(test_readers)
{
    _cleanup_(brig_json_freep) BrigJson *j =
        tu_parse("{\"s\":\"v\",\"t\":true,\"f\":false,\"n\":1,\"a\":[\"x\",1,\"y\"]}");
    ck_assert_str_eq(brig_json_str(brig_json_get(j, "s")), "v");
    ck_assert_ptr_null(brig_json_str(brig_json_get(j, "n")));
    ck_assert_ptr_null(brig_json_str(NULL));
    ck_assert(brig_json_is_true(brig_json_get(j, "t")));
    ck_assert(!brig_json_is_true(brig_json_get(j, "f")));
    ck_assert(!brig_json_is_true(brig_json_get(j, "s")));
    ck_assert(!brig_json_is_true(NULL));
    ck_assert(brig_json_array_has_string(brig_json_get(j, "a"), "y"));
    ck_assert(!brig_json_array_has_string(brig_json_get(j, "a"), "1"));
    ck_assert(!brig_json_array_has_string(brig_json_get(j, "s"), "v"));
    ck_assert(!brig_json_array_has_string(NULL, "v"));
    ck_assert_str_eq(brig_json_type_name(BRIG_JSON_NULL), "null");
    ck_assert_str_eq(brig_json_type_name(BRIG_JSON_BOOL), "boolean");
    ck_assert_str_eq(brig_json_type_name(BRIG_JSON_NUMBER), "number");
    ck_assert_str_eq(brig_json_type_name(BRIG_JSON_STRING), "string");
    ck_assert_str_eq(brig_json_type_name(BRIG_JSON_ARRAY), "array");
    ck_assert_str_eq(brig_json_type_name(BRIG_JSON_OBJECT), "object");
    ck_assert_str_eq(brig_json_type_name((BrigJsonType)42), "?");
}
END_TEST

START_TEST(test_pointer_token)
{
    static const char *const cases[][2] = {
        {"a/b~c", "a~1b~0c"}, {"", ""},           {"~1", "~01"},
        {"//", "~1~1"},       {"plain", "plain"}, {"io.kubernetes.cri/x", "io.kubernetes.cri~1x"},
    };
    for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
        _cleanup_free_ char *t = brig_json_pointer_token(cases[i][0]);
        ck_assert_str_eq(t, cases[i][1]);
    }
}
END_TEST

START_TEST(test_pretty_format)
{
    _cleanup_(brig_json_freep) BrigJson *j = tu_parse("{\"a\":[1,{\"b\":null}],\"c\":\"d\"}");
    _cleanup_free_ char *s = brig_json_serialize(j, BRIG_JSON_PRETTY, NULL);
    ck_assert_str_eq(s, "{\n"
                        "\t\"a\": [\n"
                        "\t\t1,\n"
                        "\t\t{\n"
                        "\t\t\t\"b\": null\n"
                        "\t\t}\n"
                        "\t],\n"
                        "\t\"c\": \"d\"\n"
                        "}\n");

    /* empty containers stay on one line, as Go's MarshalIndent writes them */
    _cleanup_(brig_json_freep) BrigJson *e = tu_parse("{\"a\":[],\"b\":{},\"c\":[{}]}");
    _cleanup_free_ char *pe = brig_json_serialize(e, BRIG_JSON_PRETTY, NULL);
    ck_assert_str_eq(pe, "{\n\t\"a\": [],\n\t\"b\": {},\n\t\"c\": [\n\t\t{}\n\t]\n}\n");
    _cleanup_free_ char *ce = tu_compact(e);
    ck_assert_str_eq(ce, "{\"a\":[],\"b\":{},\"c\":[{}]}");
    _cleanup_(brig_json_freep) BrigJson *top = tu_parse("[]");
    _cleanup_free_ char *pt = brig_json_serialize(top, BRIG_JSON_PRETTY, NULL);
    _cleanup_(brig_json_freep) BrigJson *back = tu_parse(pt);
    ck_assert(brig_json_equal(top, back));
}
END_TEST

START_TEST(test_crlf_line_numbers)
{
    const char *text = "{\r\n\"a\": 1,\r\n\"b\":\r\n[true]\r\n}\r\n";
    BrigJson *j = NULL;
    BrigError *err = NULL;
    ck_assert_int_eq(brig_json_parse(text, strlen(text), "t", BRIG_JSON_LINES, &j, &err), 0);
    ck_assert_uint_eq(brig_json_get(j, "a")->line, 2);
    ck_assert_uint_eq(brig_json_get(j, "b")->line, 4);
    brig_json_free(j);
    assert_error("{\r\n\"a\": 1,\r\n\"b\" 2}",
                 "test: line 3, column 5: expected ':' after an object key, found '2'");
}
END_TEST

START_TEST(test_built_nodes_serialize)
{
    _cleanup_(brig_json_freep) BrigJson *o = brig_json_new(BRIG_JSON_OBJECT);
    brig_json_set(o, "s", brig_json_new_string("q\"\n"));
    brig_json_set(o, "b", brig_json_new_bool(false));
    brig_json_set(o, "n", brig_json_new_uint(65534));
    brig_json_set(o, "i", brig_json_new_int(-5));
    brig_json_set(o, "z", brig_json_new(BRIG_JSON_NULL));
    brig_json_set(o, "a", brig_json_new(BRIG_JSON_ARRAY));
    size_t len = 0;
    _cleanup_free_ char *s = brig_json_serialize(o, 0, &len);
    ck_assert_str_eq(s,
                     "{\"s\":\"q\\\"\\n\",\"b\":false,\"n\":65534,\"i\":-5,\"z\":null,\"a\":[]}");
    ck_assert_uint_eq(len, strlen(s));
    brig_json_free(NULL);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("json");
    TCase *tc = tcase_create("json");
    tcase_add_test(tc, test_round_trip_configs);
    tcase_add_test(tc, test_round_trip_edge_files);
    tcase_add_test(tc, test_compact_is_identity);
    tcase_add_test(tc, test_numbers_keep_text);
    tcase_add_test(tc, test_number_readers_reject_non_numbers);
    tcase_add_test(tc, test_duplicate_keys);
    tcase_add_test(tc, test_remove_all_copies);
    tcase_add_test(tc, test_key_order_and_unknown_fields);
    tcase_add_test(tc, test_unicode_and_escapes);
    tcase_add_test(tc, test_invalid_unicode);
    tcase_add_test(tc, test_errors_have_positions);
    tcase_add_test(tc, test_empty_input);
    tcase_add_test(tc, test_depth_limit);
    tcase_add_test(tc, test_size_limit);
    tcase_add_test(tc, test_line_numbers);
    tcase_add_test(tc, test_get_path);
    tcase_add_test(tc, test_array_edit);
    tcase_add_test(tc, test_filter);
    tcase_add_test(tc, test_copy_and_equal);
    tcase_add_test(tc, test_readers);
    tcase_add_test(tc, test_pointer_token);
    tcase_add_test(tc, test_pretty_format);
    tcase_add_test(tc, test_crlf_line_numbers);
    tcase_add_test(tc, test_built_nodes_serialize);
    suite_add_tcase(s, tc);
    return tu_run(s);
}
