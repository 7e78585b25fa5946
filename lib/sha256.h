/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* FIPS 180-4 SHA-256, for policy digests (no crypto library on the hot path). */
void brig_sha256(const void *data, size_t len, uint8_t out[32]);
/* Writes "sha256:" + 64 lowercase hex digits + NUL (72 bytes) to out. */
void brig_sha256_digest(const void *data, size_t len, char out[72]);
