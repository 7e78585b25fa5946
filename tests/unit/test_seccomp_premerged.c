/* SPDX-License-Identifier: GPL-2.0-or-later */
/* brig's pre-resolved profile intersected with Docker's and Podman's
 * default profiles at build time (tools/seccomp_preresolve.c --merge) must
 * be, byte for byte and in its report figures, what
 * brig_seccomp_intersect() computes at run time; and the seccomp pass must
 * find it for the configs those engines send. */
#include <stdio.h>

#include "json.h"
#include "seccomp.h"
#include "sha256.h"
#include "testutil.h"

static BrigJson *engine_profile(const char *config, BrigJson **ret_spec)
{
    size_t len;
    _cleanup_free_ char *rel = xasprintf("configs/%s", config);
    _cleanup_free_ char *buf = tu_read_data(rel, &len);
    BrigError *err = NULL;
    ck_assert_int_eq(brig_json_parse(buf, len, config, 0, ret_spec, &err), 0);
    BrigJson *engine = brig_json_get_path(*ret_spec, "linux/seccomp");
    ck_assert_ptr_nonnull(engine);
    return engine;
}

static void digest_of(const BrigJson *j, char digest[BRIG_DIGEST_LEN])
{
    size_t len;
    _cleanup_free_ char *compact = brig_json_serialize(j, 0, &len);
    brig_sha256_digest(compact, len, digest);
}

START_TEST(test_premerged_is_the_intersection)
{
    static const char *const configs[] = {"docker-plain.json", "podman-default.json"};
    for (size_t c = 0; c < ELEMENTSOF(configs); c++) {
        for (int x32_disabled = 0; x32_disabled < 2; x32_disabled++) {
            BrigJson *spec = NULL;
            const BrigJson *engine = engine_profile(configs[c], &spec);
            char digest[BRIG_DIGEST_LEN];
            digest_of(engine, digest);

            BrigJson *pre = NULL;
            BrigSeccompMerge pst = {0};
            ck_assert_msg(brig_seccomp_default_merged(0, SCMP_ARCH_X86_64, x32_disabled, digest,
                                                      &pre, &pst) == 1,
                          "%s: the build has no combination", configs[c]);

            /* the run-time path, from brig's profile resolved here (not
             * the pre-resolved tree: test_seccomp_tree.c proves those equal) */
            const BrigJson *def;
            BrigJson *want = NULL;
            BrigError *err = NULL;
            BrigSeccompMerge st = {0};
            ck_assert_int_eq(brig_seccomp_default(&def, &err), 0);
            ck_assert_int_eq(
                brig_seccomp_resolve_for_host(def, 0, SCMP_ARCH_X86_64, x32_disabled, &want, &err),
                0);
            ck_assert_int_eq(brig_seccomp_intersect(want, engine, SCMP_ARCH_X86_64, &st, &err), 0);

            size_t la, lb;
            _cleanup_free_ char *a = brig_json_serialize(pre, BRIG_JSON_PRETTY, &la);
            _cleanup_free_ char *b = brig_json_serialize(want, BRIG_JSON_PRETTY, &lb);
            ck_assert_msg(la == lb && memcmp(a, b, la) == 0, "%s x32_disabled=%d: differs",
                          configs[c], x32_disabled);
            ck_assert_uint_eq(pst.engine_stricter, st.engine_stricter);
            ck_assert_uint_eq(pst.both_tested, st.both_tested);
            ck_assert_uint_eq(pst.gave_up, st.gave_up);
            ck_assert_uint_eq(pst.names_added, st.names_added);
            ck_assert_uint_eq(pst.rules_added, st.rules_added);
            ck_assert_uint_eq(pst.archs_dropped, st.archs_dropped);
            ck_assert(pst.engine_default == st.engine_default);
            ck_assert(pst.spec_allow_dropped == st.spec_allow_dropped);
            brig_json_free(pre);
            brig_json_free(want);
            brig_json_free(spec);
        }
    }
}
END_TEST

START_TEST(test_other_profiles_are_merged_at_run_time)
{
    BrigJson *spec = NULL, *pre = NULL;
    BrigSeccompMerge st = {0};
    const BrigJson *engine = engine_profile("docker-capall.json", &spec);
    char digest[BRIG_DIGEST_LEN];
    digest_of(engine, digest);
    ck_assert_int_eq(brig_seccomp_default_merged(0, SCMP_ARCH_X86_64, false, digest, &pre, &st), 0);
    /* a combination exists only for brig's pre-resolved profile */
    BrigJson *dspec = NULL;
    digest_of(engine_profile("docker-plain.json", &dspec), digest);
    ck_assert_int_eq(
        brig_seccomp_default_merged(UINT64_C(1) << 10, SCMP_ARCH_X86_64, false, digest, &pre, &st),
        0);
    ck_assert_int_eq(brig_seccomp_default_merged(0, SCMP_ARCH_AARCH64, false, digest, &pre, &st),
                     0);
    ck_assert_ptr_null(pre);
    brig_json_free(spec);
    brig_json_free(dspec);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("seccomp_premerged");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_premerged_is_the_intersection);
    tcase_add_test(tc, test_other_profiles_are_merged_at_run_time);
    suite_add_tcase(s, tc);
    return tu_run(s);
}
