/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* A JSON document compiled at build time (tools/embed_tree.py) into
 * index-linked records and one string pool: no parsing at run time and no
 * load-time relocations.  brig_seccomp_default() turns it into BrigJson
 * nodes on first use. */

#include <stdint.h>

#include "json.h"

#define BRIG_EMBEDDED_NONE UINT32_MAX /* no key / no text */

typedef struct BrigEmbeddedNode {
    uint8_t type;    /* BrigJsonType */
    uint8_t boolean; /* BOOL */
    uint8_t plain;   /* 1: the key, 2: the text has no byte JSON escapes */
    uint32_t key;    /* offset in the pool, or BRIG_EMBEDDED_NONE */
    uint32_t text;   /* offset in the pool, or BRIG_EMBEDDED_NONE */
    uint32_t len;    /* STRING: byte length */
    uint32_t first;  /* index of the first child in kids */
    uint32_t n;      /* number of children */
} BrigEmbeddedNode;

typedef struct BrigEmbeddedTree {
    const char *pool;
    const BrigEmbeddedNode *nodes; /* nodes[0] is the root */
    uint32_t n_nodes;
    const uint32_t *kids; /* node indexes */
    uint32_t n_kids;
} BrigEmbeddedTree;
