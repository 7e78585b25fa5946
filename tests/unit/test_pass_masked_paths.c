/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Masked and read-only paths are only ever added to, never removed or
 * reordered, and cover at least Docker's defaults. */
#include "golden.h"

START_TEST(test_golden)
{
    ck_assert_uint_ge(golden_run_dir("masked_paths", pass_masked_paths, NULL), 5);
}
END_TEST

START_TEST(test_errors)
{
    golden_assert_error(pass_masked_paths, "{\"linux\":[]}",
                        "/linux: expected an object, found array");
    golden_assert_error(pass_masked_paths, "{\"linux\":{\"maskedPaths\":\"/proc/kcore\"}}",
                        "/linux/maskedPaths: expected an array, found string");
    golden_assert_error(pass_masked_paths,
                        "{\"linux\":{\"maskedPaths\":[],\"readonlyPaths\":[\"/proc/sys\",null]}}",
                        "/linux/readonlyPaths/1: expected a path string, found null");
}
END_TEST

/* Docker's lists (moby oci/defaults.go, as facts): all must be present after. */
START_TEST(test_covers_docker)
{
    static const char *const docker_masked[] = {
        "/proc/asound",
        "/proc/acpi",
        "/proc/kcore",
        "/proc/keys",
        "/proc/latency_stats",
        "/proc/timer_list",
        "/proc/timer_stats",
        "/proc/sched_debug",
        "/proc/scsi",
        "/sys/firmware",
        "/sys/devices/virtual/powercap",
    };
    static const char *const docker_ro[] = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
                                            "/proc/sysrq-trigger"};
    BrigReport rep = {0};
    _cleanup_free_ char *out = golden_run_inline(pass_masked_paths, "{}", NULL, &rep);
    _cleanup_(brig_json_freep) BrigJson *j = tu_parse(out);
    for (size_t i = 0; i < ELEMENTSOF(docker_masked); i++)
        ck_assert_msg(brig_json_array_has_string(brig_json_get_path(j, "linux/maskedPaths"),
                                                 docker_masked[i]),
                      "%s not masked", docker_masked[i]);
    for (size_t i = 0; i < ELEMENTSOF(docker_ro); i++)
        ck_assert_msg(
            brig_json_array_has_string(brig_json_get_path(j, "linux/readonlyPaths"), docker_ro[i]),
            "%s not read-only", docker_ro[i]);
    /* one report entry per added path, pointing at where it landed */
    ck_assert_uint_eq(rep.n, brig_json_get_path(j, "linux/maskedPaths")->n +
                                 brig_json_get_path(j, "linux/readonlyPaths")->n);
    ck_assert_str_eq(rep.v[0].pointer, "/linux/maskedPaths/0");
    ck_assert_ptr_null(rep.v[0].before);
    brig_report_clear(&rep);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("pass_masked_paths");
    TCase *tc = tcase_create("pass_masked_paths");
    tcase_add_test(tc, test_golden);
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_covers_docker);
    suite_add_tcase(s, tc);
    return tu_run(s);
}
