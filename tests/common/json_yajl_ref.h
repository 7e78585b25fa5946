/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The yajl-callback parser brig_json_parse() was until it got a parser of
 * its own (lib/json.c at c9243b0), kept for the tests only: differential
 * tests (tests/unit/test_json_diff.c, tests/fuzz/fuzz_json_diff.c) hold
 * the new parser to the trees this one builds and to the inputs it
 * accepts. */

#include <stdbool.h>
#include <stddef.h>

#include "json.h"

/* Parses buf as the old brig_json_parse(buf, len, name, 0, ...) did:
 * returns 0 and the tree in *ret, or -1 (nothing in *ret). */
int ref_json_parse_yajl(const char *buf, size_t len, BrigJson **ret);
/* The same with brig_json_parse()'s flags (BRIG_JSON_LINES: fed a line at
 * a time, with the line numbers the old parser recorded). */
int ref_json_parse_yajl_flags(const char *buf, size_t len, unsigned flags, BrigJson **ret);

/* Field by field, duplicate members included (brig_json_equal() looks
 * past shadowed members): type, key, boolean, string bytes, number text,
 * children in order.  Returns true when equal, else false with the path
 * of the first difference and what differs in why. */
bool ref_json_same(const BrigJson *a, const BrigJson *b, char *why, size_t whylen);
/* The same, line numbers included. */
bool ref_json_same_lines(const BrigJson *a, const BrigJson *b, char *why, size_t whylen);

/* Whether s holds only well-formed UTF-8 in the strict (RFC 3629) sense:
 * no overlong forms, no encoded surrogates, nothing above U+10FFFF, all of
 * which yajl's lexer lets through. */
bool ref_utf8_strict(const char *s, size_t len);
/* Whether a key or string anywhere in the tree fails ref_utf8_strict(). */
bool ref_json_has_loose_utf8(const BrigJson *j);

typedef enum {
    REF_DIFF_SAME,          /* same verdict, same tree (lines aside) */
    REF_DIFF_STRICTER_UTF8, /* brig refuses loose UTF-8 yajl lets through: allowed */
    REF_DIFF_STRICTER_TAIL, /* brig refuses a string left open after the document: allowed */
    REF_DIFF_LINES,         /* same tree, different line numbers */
    REF_DIFF_TREE,          /* both accept, different trees */
    REF_DIFF_BRIG_ACCEPTS,  /* brig accepts what yajl rejects */
    REF_DIFF_BRIG_REJECTS,  /* brig rejects what yajl accepts (no UTF-8 excuse) */
    REF_DIFF_BAD_ERROR,     /* brig failed without a message, or left a tree */
} RefDiffKind;

/* Whether buf, which yajl accepts, goes on after its value with a string
 * that is never closed ("{} \"abc"): yajl's trailing-garbage check lexes
 * one more token, the lexer asks for more input, and yajl_complete_parse()
 * takes that for the end. */
bool ref_yajl_open_string_tail(const char *buf, size_t len);

/* Parses buf with brig_json_parse(flags) and with the reference and
 * compares.  brig may reject what yajl accepts only for strings that are
 * not strictly UTF-8, and then its message must say "UTF-8"
 * (REF_DIFF_STRICTER_UTF8), or for a string left open after the document
 * (REF_DIFF_STRICTER_TAIL, a yajl bug).  Those two and REF_DIFF_SAME are
 * agreement; anything else is a mismatch, described in why. */
RefDiffKind ref_json_diff(const char *buf, size_t len, unsigned flags, char *why, size_t whylen);
const char *ref_diff_kind_name(RefDiffKind k);

/* buf in C string-literal form ("{\"a\":\x80}"), at most max input bytes
 * (then "..."); returns a new string. */
char *ref_c_escape(const char *buf, size_t len, size_t max);
