/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "sha256.h"

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void block_portable(uint32_t h[8], const uint8_t *p)
{
    uint32_t w[64];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
               (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
    for (int i = 0; i < 64; i++) {
        uint32_t t1 =
            k + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
        uint32_t t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        k = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e, h[5] += f, h[6] += g, h[7] += k;
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#include <immintrin.h>

/* The same compression with the x86 SHA extensions.  Every container start
 * digests the seccomp profile it replaces and the one it writes (~25 KiB,
 * the summary in the report): ~0.8M instructions, an eighth of a whole
 * `brig create`, in the portable code (bench/harden-cost), ~8x less here.
 * sha256rnds2 keeps the state as ABEF / CDGH halves; msg1/msg2 extend the
 * message schedule four words at a time. */
__attribute__((target("sha,sse4.1,ssse3"))) static void block_shani(uint32_t h[8], const uint8_t *p)
{
    const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
    __m128i dcba = _mm_loadu_si128((const __m128i *)&h[0]);
    __m128i hgfe = _mm_loadu_si128((const __m128i *)&h[4]);
    __m128i badc = _mm_shuffle_epi32(dcba, 0xB1);
    __m128i efgh = _mm_shuffle_epi32(hgfe, 0x1B);
    __m128i abef = _mm_alignr_epi8(badc, efgh, 8);
    __m128i cdgh = _mm_blend_epi16(efgh, badc, 0xF0);
    const __m128i abef0 = abef, cdgh0 = cdgh;
    __m128i w[4];
    for (int i = 0; i < 4; i++)
        w[i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16 * i)), bswap);
    for (int r = 0; r < 16; r++) {
        __m128i m = w[r & 3];
        if (r >= 4) {
            /* W[t..t+3] from the four previous groups */
            m = _mm_sha256msg1_epu32(w[r & 3], w[(r + 1) & 3]);
            m = _mm_add_epi32(m, _mm_alignr_epi8(w[(r + 3) & 3], w[(r + 2) & 3], 4));
            m = _mm_sha256msg2_epu32(m, w[(r + 3) & 3]);
            w[r & 3] = m;
        }
        __m128i wk = _mm_add_epi32(m, _mm_loadu_si128((const __m128i *)&K[4 * r]));
        cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk);
        abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(wk, 0x0E));
    }
    abef = _mm_add_epi32(abef, abef0);
    cdgh = _mm_add_epi32(cdgh, cdgh0);
    __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
    __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
    _mm_storeu_si128((__m128i *)&h[0], _mm_blend_epi16(feba, dchg, 0xF0));
    _mm_storeu_si128((__m128i *)&h[4], _mm_alignr_epi8(dchg, feba, 8));
}

/* glibc has already asked the CPU (at startup, for its own string
 * functions): each CPUID is a VM exit, ~8 us on the development VMs, and
 * the four below cost a brig process ~30 us (bench/README.md). */
#if __has_include(<sys/platform/x86.h>)
#include <sys/platform/x86.h>
static bool have_shani(void)
{
    return CPU_FEATURE_ACTIVE(SHA) && CPU_FEATURE_ACTIVE(SSE4_1) && CPU_FEATURE_ACTIVE(SSSE3);
}
#else
static bool have_shani(void)
{
    static int cached = -1;
    if (cached < 0) {
        unsigned a, b, c, d;
        bool sha = __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & (1u << 29));
        bool sse = __get_cpuid(1, &a, &b, &c, &d) && (c & (1u << 19)) && (c & (1u << 9));
        cached = sha && sse;
    }
    return cached;
}
#endif

static void block(uint32_t h[8], const uint8_t *p)
{
    if (have_shani())
        block_shani(h, p);
    else
        block_portable(h, p);
}
#else
static void block(uint32_t h[8], const uint8_t *p)
{
    block_portable(h, p);
}
#endif

void brig_sha256_init(BrigSha256 *c)
{
    static const uint32_t h0[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    memcpy(c->h, h0, sizeof(h0));
    c->n = 0;
    c->total = 0;
}

void brig_sha256_update(BrigSha256 *c, const void *data, size_t len)
{
    const uint8_t *p = data;
    c->total += len;
    if (c->n) {
        size_t take = 64 - c->n < len ? 64 - c->n : len;
        memcpy(c->buf + c->n, p, take);
        c->n += take;
        p += take;
        len -= take;
        if (c->n < 64)
            return;
        block(c->h, c->buf);
        c->n = 0;
    }
    for (; len >= 64; len -= 64, p += 64)
        block(c->h, p);
    memcpy(c->buf, p, len);
    c->n = len;
}

void brig_sha256_final(BrigSha256 *c, uint8_t out[32])
{
    uint8_t tail[128] = {0};
    memcpy(tail, c->buf, c->n);
    tail[c->n] = 0x80;
    size_t tl = c->n < 56 ? 64 : 128;
    uint64_t bits = c->total * 8;
    for (int i = 0; i < 8; i++)
        tail[tl - 1 - i] = (uint8_t)(bits >> (8 * i));
    block(c->h, tail);
    if (tl == 128)
        block(c->h, tail + 64);
    for (int i = 0; i < 8; i++) {
        out[4 * i] = (uint8_t)(c->h[i] >> 24);
        out[4 * i + 1] = (uint8_t)(c->h[i] >> 16);
        out[4 * i + 2] = (uint8_t)(c->h[i] >> 8);
        out[4 * i + 3] = (uint8_t)c->h[i];
    }
}

void brig_sha256_final_digest(BrigSha256 *c, char out[72])
{
    static const char hex[] = "0123456789abcdef";
    uint8_t d[32];
    brig_sha256_final(c, d);
    memcpy(out, "sha256:", 7);
    for (int i = 0; i < 32; i++) {
        out[7 + 2 * i] = hex[d[i] >> 4];
        out[8 + 2 * i] = hex[d[i] & 15];
    }
    out[71] = '\0';
}

void brig_sha256(const void *data, size_t len, uint8_t out[32])
{
    BrigSha256 c;
    brig_sha256_init(&c);
    brig_sha256_update(&c, data, len);
    brig_sha256_final(&c, out);
}

void brig_sha256_digest(const void *data, size_t len, char out[72])
{
    BrigSha256 c;
    brig_sha256_init(&c);
    brig_sha256_update(&c, data, len);
    brig_sha256_final_digest(&c, out);
}
