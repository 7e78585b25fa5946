/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Capability names: the OCI spelling in configs is exact ("CAP_CHOWN"), the
 * lists people type (policy files, exec --cap) are forgiving. */
#include <linux/capability.h>

#include "caps.h"
#include "testutil.h"

#define BIT(n) (UINT64_C(1) << (n))
#define ALL ((UINT64_C(1) << (BRIG_CAP_LAST + 1)) - 1)

START_TEST(test_names_round_trip)
{
    for (int n = 0; n <= BRIG_CAP_LAST; n++) {
        const char *name = brig_cap_name(n);
        ck_assert_ptr_nonnull(name);
        ck_assert(startswith(name, "CAP_"));
        ck_assert_int_eq(brig_cap_from_name(name), n);
    }
    ck_assert_ptr_null(brig_cap_name(-1));
    ck_assert_ptr_null(brig_cap_name(BRIG_CAP_LAST + 1));
    ck_assert_ptr_null(brig_cap_name(64));
}
END_TEST

/* The numbers are the kernel's ABI: check them against the build host's
 * header for every capability it knows. */
START_TEST(test_numbers_match_kernel)
{
    ck_assert_int_eq(brig_cap_from_name("CAP_CHOWN"), CAP_CHOWN);
    ck_assert_int_eq(brig_cap_from_name("CAP_NET_BIND_SERVICE"), CAP_NET_BIND_SERVICE);
    ck_assert_int_eq(brig_cap_from_name("CAP_NET_RAW"), CAP_NET_RAW);
    ck_assert_int_eq(brig_cap_from_name("CAP_SYS_ADMIN"), CAP_SYS_ADMIN);
    ck_assert_int_eq(brig_cap_from_name("CAP_MKNOD"), CAP_MKNOD);
    ck_assert_int_eq(brig_cap_from_name("CAP_AUDIT_WRITE"), CAP_AUDIT_WRITE);
    ck_assert_int_eq(brig_cap_from_name("CAP_SETFCAP"), CAP_SETFCAP);
    ck_assert_int_eq(brig_cap_from_name("CAP_AUDIT_READ"), CAP_AUDIT_READ);
#ifdef CAP_PERFMON
    ck_assert_int_eq(brig_cap_from_name("CAP_PERFMON"), CAP_PERFMON);
    ck_assert_int_eq(brig_cap_from_name("CAP_BPF"), CAP_BPF);
#endif
#ifdef CAP_CHECKPOINT_RESTORE
    ck_assert_int_eq(brig_cap_from_name("CAP_CHECKPOINT_RESTORE"), CAP_CHECKPOINT_RESTORE);
    ck_assert_int_eq(BRIG_CAP_LAST, CAP_LAST_CAP);
#endif
}
END_TEST

START_TEST(test_config_names_are_exact)
{
    /* runc looks names up exactly; so must brig, or it would accept a config
     * the runtime then rejects (or read a different set than runc does) */
    ck_assert_int_eq(brig_cap_from_name("cap_chown"), -1);
    ck_assert_int_eq(brig_cap_from_name("CHOWN"), -1);
    ck_assert_int_eq(brig_cap_from_name("CAP_CHOWN "), -1);
    ck_assert_int_eq(brig_cap_from_name("CAP_FOO"), -1);
    ck_assert_int_eq(brig_cap_from_name(""), -1);
    ck_assert_int_eq(brig_cap_from_name(NULL), -1);
    ck_assert_int_eq(brig_cap_from_name("ALL"), -1);
}
END_TEST

START_TEST(test_parse_list)
{
    static const struct {
        const char *list;
        uint64_t mask;
    } ok[] = {
        {"", 0},
        {"CAP_CHOWN", BIT(0)},
        {"chown", BIT(0)},
        {"NET_BIND_SERVICE", BIT(10)},
        {"cap_net_raw,CAP_KILL", BIT(13) | BIT(5)},
        {"Cap_Sys_Admin", BIT(21)},
        {"CAP_CHOWN, CAP_KILL", BIT(0) | BIT(5)},
        {" CAP_CHOWN ,\tkill\t", BIT(0) | BIT(5)},
        {"CAP_CHOWN,,CAP_CHOWN,", BIT(0)},
        {"ALL", ALL},
        {"all", ALL},
        {"chown,ALL", ALL},
        {"checkpoint_restore", BIT(40)},
    };
    for (size_t i = 0; i < ELEMENTSOF(ok); i++) {
        uint64_t m = 0xdead;
        ck_assert_msg(brig_caps_parse_list(ok[i].list, &m) == 0, "[%s] refused", ok[i].list);
        ck_assert_msg(m == ok[i].mask, "[%s]: %#llx != %#llx", ok[i].list, (unsigned long long)m,
                      (unsigned long long)ok[i].mask);
    }
    ck_assert_uint_eq(__builtin_popcountll(ALL), 41);
}
END_TEST

START_TEST(test_parse_list_unknown)
{
    static const char *const bad[] = {
        "CAP_FOO",
        "CAP_CHOWN,CAP_FOO",
        "CAP_",
        "CAPCHOWN",
        "CAP_ALL",
        "CAP_CHOWN;CAP_KILL",
        "CAP_CHOWN CAP_KILL",
        "CAP_SYS_ADMINXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
        "12",
    };
    for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
        uint64_t m = 0xdead;
        ck_assert_msg(brig_caps_parse_list(bad[i], &m) == -EINVAL, "[%s] accepted", bad[i]);
        /* the output is untouched on failure */
        ck_assert(m == 0xdead);
    }
}
END_TEST

START_TEST(test_join)
{
    _cleanup_free_ char *none = brig_caps_join(0);
    ck_assert_str_eq(none, "");
    _cleanup_free_ char *one = brig_caps_join(UINT64_C(1) << 21);
    ck_assert_str_eq(one, "CAP_SYS_ADMIN");
    _cleanup_free_ char *two = brig_caps_join(UINT64_C(1) | UINT64_C(1) << BRIG_CAP_LAST);
    _cleanup_free_ char *want = xasprintf("CAP_CHOWN, %s", brig_cap_name(BRIG_CAP_LAST));
    ck_assert_str_eq(two, want);
    /* every capability: each name once, in number order */
    _cleanup_free_ char *all = brig_caps_join(~UINT64_C(0));
    const char *p = all;
    for (int n = 0; n <= BRIG_CAP_LAST; n++) {
        ck_assert_msg(strncmp(p, brig_cap_name(n), strlen(brig_cap_name(n))) == 0, "at %d", n);
        p += strlen(brig_cap_name(n));
        if (n < BRIG_CAP_LAST) {
            ck_assert(strncmp(p, ", ", 2) == 0);
            p += 2;
        }
    }
    ck_assert_str_eq(p, "");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("caps");
    TCase *tc = tcase_create("caps");
    tcase_add_test(tc, test_names_round_trip);
    tcase_add_test(tc, test_numbers_match_kernel);
    tcase_add_test(tc, test_config_names_are_exact);
    tcase_add_test(tc, test_parse_list);
    tcase_add_test(tc, test_parse_list_unknown);
    tcase_add_test(tc, test_join);
    suite_add_tcase(s, tc);
    return tu_run(s);
}
