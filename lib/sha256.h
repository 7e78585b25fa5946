/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* FIPS 180-4 SHA-256, for policy digests (no crypto library on the hot path). */
void brig_sha256(const void *data, size_t len, uint8_t out[32]);
/* Writes "sha256:" + 64 lowercase hex digits + NUL (72 bytes) to out. */
void brig_sha256_digest(const void *data, size_t len, char out[72]);

/* The same, fed in pieces. */
typedef struct {
    uint32_t h[8];
    uint8_t buf[64];
    size_t n;
    uint64_t total;
} BrigSha256;
void brig_sha256_init(BrigSha256 *c);
void brig_sha256_update(BrigSha256 *c, const void *data, size_t len);
void brig_sha256_final(BrigSha256 *c, uint8_t out[32]);
void brig_sha256_final_digest(BrigSha256 *c, char out[72]);
