/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Docker image rules: dockerd's record of a container, trusted only when it
 * is root's, and the policy's opt-in (trustDockerImageRecord). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "caps.h"
#include "docker_record.h"
#include "policy.h"
#include "testutil.h"
#include "util.h"

#define ID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define IMG_ID "sha256:1111111111111111111111111111111111111111111111111111111111111111"

static char root[] = "/tmp/brig-docker-record-XXXXXX";

static void write_file(const char *path, const char *text, mode_t mode)
{
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
    ck_assert_int_eq(chmod(path, mode), 0);
}

/* DOCKER_ROOT/containers/ID/config.v2.json as dockerd writes it (0600, root). */
static void make_record(const char *id, const char *json)
{
    ck_assert_ptr_nonnull(mkdtemp(root));
    _cleanup_free_ char *c = xasprintf("%s/containers", root);
    _cleanup_free_ char *d = xasprintf("%s/%s", c, id);
    _cleanup_free_ char *f = xasprintf("%s/config.v2.json", d);
    ck_assert_int_eq(chmod(root, 0710), 0);
    ck_assert_int_eq(mkdir(c, 0710), 0);
    ck_assert_int_eq(mkdir(d, 0710), 0);
    write_file(f, json, 0600);
}

static void rm_root(void)
{
    _cleanup_free_ char *cmd = xasprintf("rm -rf '%s'", root);
    ck_assert_int_eq(system(cmd), 0);
    strcpy(root, "/tmp/brig-docker-record-XXXXXX");
}

static const char *const record = "{\"ID\": \"" ID "\", \"Image\": \"" IMG_ID "\", "
                                  "\"Config\": {\"Image\": \"brig-compat/nginx:bookworm\", "
                                  "\"Cmd\": [\"nginx\"]}, \"Name\": \"/web\"}";

static int read_rec(const char *id, BrigDockerImage *img, char **ret_msg)
{
    BrigError *err = NULL;
    int r = brig_docker_image_read(root, id, img, &err);
    if (ret_msg)
        *ret_msg = err ? xstrdup(err->msg) : NULL;
    brig_error_free(err);
    return r;
}

static void need_root(void)
{
    if (geteuid() != 0)
        tu_skip("the record must be root's: needs root to create one");
}

START_TEST(reads_name_and_id)
{
    need_root();
    if (geteuid() != 0)
        return;
    make_record(ID, record);
    _cleanup_(brig_docker_image_done) BrigDockerImage img = {0};
    ck_assert_int_eq(read_rec(ID, &img, NULL), 1);
    ck_assert_str_eq(img.name, "brig-compat/nginx:bookworm");
    ck_assert_str_eq(img.id, IMG_ID);
    rm_root();
}
END_TEST

START_TEST(not_a_docker_container)
{
    need_root();
    if (geteuid() != 0)
        return;
    make_record(ID, record);
    BrigDockerImage img = {0};
    /* not 64 hex digits: never a path, never a record */
    ck_assert_int_eq(read_rec("../../../etc", &img, NULL), 0);
    ck_assert_int_eq(read_rec("web-1", &img, NULL), 0);
    ck_assert_int_eq(
        read_rec("0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef", &img, NULL),
        0);
    /* a well-formed id dockerd does not know: another engine's container */
    ck_assert_int_eq(
        read_rec("f123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", &img, NULL),
        0);
    ck_assert_ptr_null(img.name);
    rm_root();
}
END_TEST

/* Each way a record stops being root's alone fails closed, with a message. */
START_TEST(untrusted_records_refused)
{
    need_root();
    if (geteuid() != 0)
        return;
    static const struct {
        const char *what, *cmd, *msg;
    } cases[] = {
        {"file owned by a user", "chown 1000 \"$R/containers/" ID "/config.v2.json\"",
         "owned by uid 1000"},
        {"group-writable file", "chmod 0620 \"$R/containers/" ID "/config.v2.json\"",
         "writable by group or others"},
        {"symlinked file",
         "mv \"$R/containers/" ID "/config.v2.json\" \"$R/real\" && "
         "ln -s ../../real \"$R/containers/" ID "/config.v2.json\"",
         "config.v2.json"},
        {"symlinked container directory",
         "mv \"$R/containers/" ID "\" \"$R/elsewhere\" && ln -s ../elsewhere \"$R/containers/" ID
         "\"",
         "a symlink or not a directory"},
        {"user-owned container directory", "chown 1000 \"$R/containers/" ID "\"",
         "owned by uid 1000"},
        {"world-writable containers directory", "chmod 0777 \"$R/containers\"",
         "writable by group or others"},
        {"a FIFO",
         "rm \"$R/containers/" ID "/config.v2.json\" && mkfifo -m 0600 \"$R/containers/" ID
         "/config.v2.json\"",
         "config.v2.json"},
    };
    for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
        make_record(ID, record);
        ck_assert_int_eq(setenv("R", root, 1), 0);
        ck_assert_msg(system(cases[i].cmd) == 0, "%s: %s failed", cases[i].what, cases[i].cmd);
        BrigDockerImage img = {0};
        _cleanup_free_ char *msg = NULL;
        ck_assert_msg(read_rec(ID, &img, &msg) < 0, "%s was trusted", cases[i].what);
        ck_assert_msg(msg && strstr(msg, cases[i].msg), "%s: message \"%s\" lacks \"%s\"",
                      cases[i].what, msg ? msg : "(none)", cases[i].msg);
        rm_root();
    }
}
END_TEST

START_TEST(record_of_another_container_refused)
{
    need_root();
    if (geteuid() != 0)
        return;
    make_record(ID, "{\"ID\": \"ffff\", \"Config\": {\"Image\": \"x\"}}");
    BrigDockerImage img = {0};
    _cleanup_free_ char *msg = NULL;
    ck_assert_int_lt(read_rec(ID, &img, &msg), 0);
    ck_assert_ptr_nonnull(strstr(msg, "names container \"ffff\""));
    rm_root();
}
END_TEST

static BrigPolicyDoc *doc_for(const char *extra)
{
    _cleanup_free_ char *text =
        xasprintf("{\"version\": 1, %s \"dockerRoot\": \"%s\", \"rules\": [{\"name\": \"web\", "
                  "\"match\": {\"images\": [\"brig-compat/nginx:*\"]}, "
                  "\"allow\": {\"capabilities\": [\"CAP_NET_BIND_SERVICE\"]}}]}",
                  extra, root);
    BrigPolicyDoc *doc = NULL;
    BrigError *err = NULL;
    int r = brig_policy_parse(text, strlen(text), "p.json", &doc, &err);
    if (r < 0) {
        ck_assert_ptr_null(doc);
        ck_assert_ptr_nonnull(strstr(err->msg, "trustDockerImageRecord"));
        brig_error_free(err);
        return NULL;
    }
    return doc;
}

START_TEST(rule_matches_docker_image)
{
    need_root();
    if (geteuid() != 0)
        return;
    make_record(ID, record);
    /* without the opt-in an image rule has no source on Docker: refused */
    ck_assert_ptr_null(doc_for(""));
    _cleanup_(brig_policy_doc_freep) BrigPolicyDoc *doc =
        doc_for("\"trustDockerImageRecord\": true,");
    ck_assert_ptr_nonnull(doc);
    ck_assert(doc->trust_docker_image_record);
    uint64_t bind = 1ULL << brig_cap_from_name("CAP_NET_BIND_SERVICE");

    BrigMatchInput in = {.id = ID};
    _cleanup_(brig_policy_freep) BrigPolicy *p = NULL;
    BrigError *err = NULL;
    ck_assert_int_eq(brig_policy_resolve(doc, &in, &p, &err), 0);
    ck_assert_uint_eq(p->caps_allowed & bind, bind);

    /* another container id: no record, no match */
    BrigMatchInput other = {.id =
                                "f123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"};
    _cleanup_(brig_policy_freep) BrigPolicy *q = NULL;
    ck_assert_int_eq(brig_policy_resolve(doc, &other, &q, &err), 0);
    ck_assert_uint_eq(q->caps_allowed & bind, 0);

    /* a record that is not root's alone: the container is refused */
    ck_assert_int_eq(setenv("R", root, 1), 0);
    ck_assert_int_eq(system("chown 1000 \"$R/containers/" ID "/config.v2.json\""), 0);
    BrigPolicy *bad = NULL;
    ck_assert_int_lt(brig_policy_resolve(doc, &in, &bad, &err), 0);
    ck_assert_ptr_null(bad);
    ck_assert_ptr_nonnull(strstr(err->msg, "trustDockerImageRecord"));
    brig_error_free(err);
    rm_root();
}
END_TEST

START_TEST(docker_root_must_be_absolute)
{
    static const char text[] = "{\"version\": 1, \"dockerRoot\": \"var/lib/docker\"}";
    BrigPolicyDoc *doc = NULL;
    BrigError *err = NULL;
    ck_assert_int_lt(brig_policy_parse(text, strlen(text), "p.json", &doc, &err), 0);
    ck_assert_ptr_nonnull(strstr(err->msg, "/dockerRoot"));
    brig_error_free(err);
    err = NULL;
    static const char text2[] = "{\"version\": 1, \"trustDockerImageRecord\": \"yes\"}";
    ck_assert_int_lt(brig_policy_parse(text2, strlen(text2), "p.json", &doc, &err), 0);
    ck_assert_ptr_nonnull(strstr(err->msg, "/trustDockerImageRecord"));
    brig_error_free(err);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("docker_record");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, docker_root_must_be_absolute);
    suite_add_tcase(s, tc);
    TCase *host = tcase_create("host");
    tcase_add_test(host, reads_name_and_id);
    tcase_add_test(host, not_a_docker_container);
    tcase_add_test(host, untrusted_records_refused);
    tcase_add_test(host, record_of_another_container_refused);
    tcase_add_test(host, rule_matches_docker_image);
    suite_add_tcase(s, host);
    return tu_run(s);
}
