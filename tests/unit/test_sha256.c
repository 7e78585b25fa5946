/* SPDX-License-Identifier: GPL-2.0-or-later */
/* SHA-256: the FIPS 180-4 test vectors, the same digest whatever the
 * pieces it is fed in, and the streamed digest of a serialization (the
 * seccomp summary's) equal to that of its text. */
#include <stdio.h>

#include "sha256.h"
#include "testutil.h"
#include "util.h"

static void digest_of(const char *data, size_t len, char out[72])
{
    brig_sha256_digest(data, len, out);
}

START_TEST(test_vectors)
{
    char d[72];
    digest_of("", 0, d);
    ck_assert_str_eq(d, "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    digest_of("abc", 3, d);
    ck_assert_str_eq(d, "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    digest_of(two, strlen(two), d);
    ck_assert_str_eq(d, "sha256:248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    size_t n = 1000000;
    _cleanup_free_ char *a = xmalloc(n);
    memset(a, 'a', n);
    digest_of(a, n, d);
    ck_assert_str_eq(d, "sha256:cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}
END_TEST

START_TEST(test_pieces)
{
    /* every length around the 55/56/64-byte padding edges, every split */
    char data[200];
    for (size_t i = 0; i < sizeof(data); i++)
        data[i] = (char)(i * 7 + 3);
    for (size_t len = 0; len <= sizeof(data); len++) {
        char whole[72];
        digest_of(data, len, whole);
        for (size_t cut = 0; cut <= len; cut += len < 130 ? 1 : 17) {
            for (size_t cut2 = cut; cut2 <= len; cut2 += 29) {
                BrigSha256 c;
                char got[72];
                brig_sha256_init(&c);
                brig_sha256_update(&c, data, cut);
                brig_sha256_update(&c, data + cut, cut2 - cut);
                brig_sha256_update(&c, data + cut2, len - cut2);
                brig_sha256_final_digest(&c, got);
                ck_assert_msg(streq(got, whole), "len %zu split at %zu, %zu", len, cut, cut2);
            }
        }
    }
}
END_TEST

static void feed(void *ctx, const char *p, size_t n)
{
    brig_sha256_update(ctx, p, n);
}

START_TEST(test_streamed_serialization)
{
    /* a tree whose text is many times the stream's 4 KiB buffer, with a
     * string longer than that buffer */
    _cleanup_(brig_json_freep) BrigJson *j = brig_json_new(BRIG_JSON_ARRAY);
    for (int i = 0; i < 3000; i++)
        brig_json_append(j, brig_json_new_string(i % 3 ? "some \"text\"\n" : "x"));
    char big[9000];
    memset(big, 'b', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    brig_json_append(j, brig_json_new_string(big));
    for (unsigned flags = 0; flags <= BRIG_JSON_PRETTY; flags += BRIG_JSON_PRETTY) {
        size_t len;
        _cleanup_free_ char *text = brig_json_serialize(j, flags, &len);
        char want[72], got[72];
        digest_of(text, len, want);
        BrigSha256 c;
        brig_sha256_init(&c);
        brig_json_serialize_to(j, flags, feed, &c);
        brig_sha256_final_digest(&c, got);
        ck_assert_str_eq(got, want);
        /* and a first buffer of any size gives the same text */
        for (size_t hint = 1; hint < 70000; hint *= 7) {
            size_t l2;
            _cleanup_free_ char *t2 = brig_json_serialize_sized(j, flags, hint, &l2);
            ck_assert_uint_eq(l2, len);
            ck_assert_str_eq(t2, text);
        }
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("sha256");
    TCase *tc = tcase_create("sha256");
    tcase_add_test(tc, test_vectors);
    tcase_add_test(tc, test_pieces);
    tcase_add_test(tc, test_streamed_serialization);
    suite_add_tcase(s, tc);
    return tu_run(s);
}
