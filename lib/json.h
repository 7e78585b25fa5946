/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* A lossless, mutable JSON tree.  brig must hand the runtime back everything
 * the engine wrote, so: object members keep their order, numbers keep their
 * exact source text (uint64 masks, -1, 1e3 all survive), and unknown fields
 * are ordinary nodes nobody touches. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

typedef enum {
    BRIG_JSON_NULL,
    BRIG_JSON_BOOL,
    BRIG_JSON_NUMBER,
    BRIG_JSON_STRING,
    BRIG_JSON_ARRAY,
    BRIG_JSON_OBJECT,
} BrigJsonType;

typedef struct BrigJson BrigJson;
struct BrigJson {
    BrigJsonType type : 8;
    bool boolean; /* BOOL */
    /* json.c's own (and seccomp.c's embedded trees'), never set elsewhere.
     * Ownership: key / text are not allocations of their own (they live in
     * the node's allocation, a parsed string member being one malloc, not
     * three, or in a block, or in read-only data); the node lives in a
     * block its tree's root heads (freed with that root, which has
     * block_head); kids is not an allocation of its own either (it lives
     * in a block: growing it moves it to the heap).  Plain: key / text has
     * no byte JSON must escape, so it is written out as it is. */
    bool key_inline : 1, text_inline : 1, in_block : 1, kids_borrowed : 1, block_head : 1,
        key_plain : 1, text_plain : 1;
    unsigned line;   /* 1-based line in the source when parsed with BRIG_JSON_LINES */
    char *key;       /* member name when the parent is an object, else NULL */
    char *text;      /* NUMBER: source text; STRING: value (NUL-terminated) */
    size_t len;      /* STRING: byte length of text */
    BrigJson **kids; /* ARRAY elements / OBJECT members, in order */
    size_t n, cap;
};

/* Nesting and size limits: a config.json is a few KiB; anything near these is
 * an attack or a bug, and yajl's generator itself stops at depth 128. */
#define BRIG_JSON_MAX_DEPTH 100
#define BRIG_JSON_MAX_SIZE (32u * 1024 * 1024)

enum {
    BRIG_JSON_LINES = 1 << 0, /* record line numbers (slower; for policy files) */
};

/* Parses buf; `name` (a file name) prefixes every error message. */
int brig_json_parse(const char *buf, size_t len, const char *name, unsigned flags, BrigJson **ret,
                    BrigError **err);

enum {
    BRIG_JSON_PRETTY = 1 << 0, /* tab-indented, one member per line */
};
/* Returns a NUL-terminated string (and its length in *ret_len if non-NULL). */
char *brig_json_serialize(const BrigJson *j, unsigned flags, size_t *ret_len);
/* The same with a first buffer of `hint` bytes (a fresh process pays for
 * every page a growing buffer touches), e.g. the size of the input. */
char *brig_json_serialize_sized(const BrigJson *j, unsigned flags, size_t hint, size_t *ret_len);
/* The same bytes handed to sink in pieces, through a buffer on the stack:
 * for a digest of a large tree, without building its text. */
void brig_json_serialize_to(const BrigJson *j, unsigned flags,
                            void (*sink)(void *ctx, const char *p, size_t n), void *ctx);

void brig_json_free(BrigJson *j);
/* A tree in one block, for code that lays one out itself (the embedded
 * seccomp profiles): returns the root, which heads an allocation with
 * `extra` further bytes at *ret_extra for the other nodes (in_block),
 * kids arrays (kids_borrowed) and text (key_inline, text_inline). */
BrigJson *brig_json_block_new(size_t extra, void **ret_extra);
static inline void brig_json_freep(BrigJson **j)
{
    brig_json_free(*j);
}

BrigJson *brig_json_new(BrigJsonType t);
BrigJson *brig_json_new_bool(bool b);
BrigJson *brig_json_new_string(const char *s);
BrigJson *brig_json_new_string_len(const char *s, size_t len); /* may hold NUL bytes */
BrigJson *brig_json_new_number(const char *text); /* text must be a valid JSON number */
BrigJson *brig_json_new_int(int64_t v);
BrigJson *brig_json_new_uint(uint64_t v);
BrigJson *brig_json_copy(const BrigJson *j);
bool brig_json_equal(const BrigJson *a, const BrigJson *b);
const char *brig_json_type_name(BrigJsonType t);

/* Object access.  get returns NULL when absent or when obj is not an object. */
BrigJson *brig_json_get(const BrigJson *obj, const char *key);
/* Slash-separated walk through objects ("process/capabilities/bounding"). */
BrigJson *brig_json_get_path(const BrigJson *root, const char *path);
/* Replaces an existing member in place (keeping its position) or appends;
 * takes ownership of val. */
void brig_json_set(BrigJson *obj, const char *key, BrigJson *val);
/* Removes and frees the member; returns whether it existed. */
bool brig_json_remove(BrigJson *obj, const char *key);

/* Array access.  append/insert take ownership. */
void brig_json_append(BrigJson *arr, BrigJson *val);
void brig_json_insert(BrigJson *arr, size_t idx, BrigJson *val);
/* One element: shifts the rest, so a loop of these is quadratic; to drop
 * many, use brig_json_filter(). */
void brig_json_delete_at(BrigJson *arr, size_t idx);

/* Removes, in one pass, the elements of an array or the members of an
 * object that `keep` turns down: keep(kid, idx, ctx) returns 1 to keep the
 * kid, 0 to drop it (it is freed once keep has returned), or a negative
 * value to stop there, every kid not yet seen being kept.  idx is the kid's
 * index before any removal, so a pass's report names the element as the
 * input held it.  Order is kept; time is linear in the number of kids,
 * however many are dropped (a delete_at per removal shifted the array each
 * time: 45 s for 600k annotations).  Returns keep's negative value, else
 * the number of kids dropped. */
typedef int (*BrigJsonKeepFn)(BrigJson *kid, size_t idx, void *ctx);
long brig_json_filter(BrigJson *container, BrigJsonKeepFn keep, void *ctx);
/* A keep function for a pass that decides first and removes afterwards
 * (e.g. to report from the back): ctx is a `bool drop[]` indexed like the
 * kids; a kid is kept unless drop[idx]. */
int brig_json_keep_unmarked(BrigJson *kid, size_t idx, void *drop);

/* Typed readers: NULL / false / negative when the type does not match. */
const char *brig_json_str(const BrigJson *j);
bool brig_json_is_true(const BrigJson *j);
int brig_json_to_uint64(const BrigJson *j, uint64_t *ret);
int brig_json_to_int64(const BrigJson *j, int64_t *ret);
/* True if arr is an array holding a string equal to s. */
bool brig_json_array_has_string(const BrigJson *arr, const char *s);

/* Escapes one JSON-pointer reference token (RFC 6901: ~ -> ~0, / -> ~1). */
char *brig_json_pointer_token(const char *key);

#define BRIG_JSON_FOREACH(child, parent)                                                           \
    for (size_t _i_##child = 0;                                                                    \
         (parent) && _i_##child < (parent)->n && ((child) = (parent)->kids[_i_##child], 1);        \
         _i_##child++)
