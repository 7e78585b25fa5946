/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Policy files: every validation message verbatim (an operator reads them
 * when containers stop starting), loading and its fail-closed rules, rule
 * matching, the embedded default, and the show/parse round trip. */
#include <sys/socket.h>
#include <sys/un.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "caps.h"
#include "policy.h"
#include "sha256.h"
#include "testutil.h"

extern const char brig_policy_default_json[];
extern const size_t brig_policy_default_json_len;

#define CAP(name) (UINT64_C(1) << brig_cap_from_name(name))

/* The error message for `text` parsed as "p.json", or NULL when it parses. */
static char *perr(const char *text)
{
    BrigPolicyDoc *doc = NULL;
    BrigError *err = NULL;
    int r = brig_policy_parse(text, strlen(text), "p.json", &doc, &err);
    if (r == 0) {
        ck_assert_ptr_null(err);
        brig_policy_doc_free(doc);
        return NULL;
    }
    ck_assert_int_lt(r, 0);
    ck_assert_ptr_nonnull(err);
    ck_assert_ptr_null(doc);
    char *msg = xstrdup(err->msg);
    brig_error_free(err);
    return msg;
}

#define ERR_EQ(text, expected)                                                                     \
    do {                                                                                           \
        _cleanup_free_ char *_m = perr(text);                                                      \
        ck_assert_msg(_m != NULL, "policy unexpectedly valid:\n%s", text);                         \
        ck_assert_str_eq(_m, expected);                                                            \
    } while (0)

#define VALID(text)                                                                                \
    do {                                                                                           \
        _cleanup_free_ char *_m = perr(text);                                                      \
        ck_assert_msg(_m == NULL, "unexpected error: %s", _m);                                     \
    } while (0)

static BrigPolicyDoc *parse_ok(const char *text)
{
    BrigPolicyDoc *doc = NULL;
    BrigError *err = NULL;
    int r = brig_policy_parse(text, strlen(text), "p.json", &doc, &err);
    ck_assert_msg(r == 0, "parse failed: %s", err ? err->msg : "?");
    return doc;
}

#define SETTINGS_KEYS                                                                              \
    "user, capabilities, tmpfsSize, tmpfsInodes, pidsLimit, envSecrets, seccompProfile, "          \
    "hooks, hostNamespaces, hostPathsReadOnly, sysctls, apparmor, selinux, specFields, "           \
    "runtimeFlags, "                                                                               \
    "restore, hostSockets, mountTypes, mountOptions, devices, "                                    \
    "mapHostRoot, oomScoreAdjMin, rlimits, writablePaths, writableRootfs, userNamespace, "         \
    "hostGroups, rootfsAllowed"

/* ---- unknown keys ---- */

START_TEST(unknown_key_top)
{
    ERR_EQ("{\n"
           "  \"version\": 1,\n"
           "  \"modes\": \"audit\"\n"
           "}\n",
           "p.json: line 3: /modes: unknown key (expected one of: version, mode, runtime, audit, "
           "defaults, trustedAnnotations, trustDockerImageRecord, dockerRoot, rules)");
}
END_TEST

START_TEST(unknown_key_defaults)
{
    ERR_EQ("{\n"
           "  \"version\": 1,\n"
           "  \"defaults\": {\n"
           "    \"capabilities\": [],\n"
           "    \"pidslimit\": 10\n"
           "  }\n"
           "}\n",
           "p.json: line 5: /defaults/pidslimit: unknown key (expected one of: " SETTINGS_KEYS ")");
}
END_TEST

/* A socket granted read-only is still a socket: connect() needs no write
 * permission on the mount, so the grant is refused at load (issue 13). */
START_TEST(socket_grants)
{
    char dir[] = "/tmp/brig-policy-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    _cleanup_free_ char *sock = xasprintf("%s/s.sock", dir);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock);
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    close(fd);
    _cleanup_free_ char *ro =
        xasprintf("{\"version\": 1,\n\"defaults\": {\"hostPathsReadOnly\": [\"%s\"]}}", sock);
    _cleanup_free_ char *want = xasprintf(
        "p.json: line 2: /defaults/hostPathsReadOnly/0: %s is a socket: a read-only bind does not "
        "stop connect(), which is all a socket is for; grant it under \"hostSockets\" if the "
        "container may talk to it",
        sock);
    ERR_EQ(ro, want);
    _cleanup_free_ char *ok =
        xasprintf("{\"version\": 1, \"defaults\": {\"hostSockets\": [\"%s\"]}}", sock);
    VALID(ok);
    _cleanup_free_ char *notsock =
        xasprintf("{\"version\": 1,\n\"defaults\": {\"hostSockets\": [\"%s\"]}}", dir);
    _cleanup_free_ char *want2 = xasprintf(
        "p.json: line 2: /defaults/hostSockets/0: %s is not a socket; a host directory or file is "
        "granted under \"hostPathsReadOnly\"",
        dir);
    ERR_EQ(notsock, want2);
    unlink(sock);
    rmdir(dir);
}
END_TEST

/* mountTypes, mountOptions, devices: checked shapes */
START_TEST(mount_grants)
{
    VALID("{\"version\": 1, \"defaults\": {\"mountTypes\": [\"overlay\"], \"mountOptions\": "
          "[\"redirect_dir=\", \"idmap\"], \"devices\": [\"c 10:229\", \"b 7:* r\", \"c 1:3 "
          "rwm\"]}}");
    ERR_EQ("{\"version\": 1,\n\"defaults\": {\"mountOptions\": [\"size=1m,huge=always\"]}}",
           "p.json: line 2: /defaults/mountOptions/0: expected a mount option, found "
           "\"size=1m,huge=always\"");
    ERR_EQ("{\"version\": 1,\n\"defaults\": {\"mountTypes\": [\"\"]}}",
           "p.json: line 2: /defaults/mountTypes/0: expected a filesystem type, found \"\"");
    static const char *const bad[] = {"c 10",     "x 1:3",  "c 1:3 rwx",   "c *:3",
                                      "c 1:3 rr", "c 1:3 ", "c 99999999:1"};
    for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
        _cleanup_free_ char *t =
            xasprintf("{\"version\": 1, \"defaults\": {\"devices\": [\"%s\"]}}", bad[i]);
        _cleanup_free_ char *m = perr(t);
        ck_assert_msg(m && strstr(m, "expected \"TYPE MAJOR:MINOR [ACCESS]\""), "%s: %s", bad[i],
                      m ? m : "valid");
    }
    BrigDeviceGrant g;
    ck_assert_int_eq(brig_device_grant_parse("c 136:*", &g), 0);
    ck_assert_int_eq(g.minor, -1);
    ck_assert_str_eq(g.access, "rw");
    ck_assert_int_eq(brig_device_grant_parse("b 7:0 mr", &g), 0);
    ck_assert_str_eq(g.access, "rm");
}
END_TEST

/* specFields: JSON pointers, accumulated over rules like the other lists */
START_TEST(spec_fields)
{
    ERR_EQ(
        "{\n"
        "  \"version\": 1,\n"
        "  \"defaults\": {\"specFields\": [\"/linux/a\", \"linux/b\"]}\n"
        "}\n",
        "p.json: line 3: /defaults/specFields/1: expected a JSON pointer such as \"/linux/foo\", "
        "found \"linux/b\"");
    BrigPolicyDoc *doc = parse_ok("{\"version\": 1, \"defaults\": {\"specFields\": "
                                  "[\"/linux/a\"]}, \"rules\": [{\"name\": \"r\", \"match\": "
                                  "{\"ids\": [\"c\"]}, \"allow\": {\"specFields\": "
                                  "[\"/mounts/*/x\"]}}]}");
    BrigMatchInput in = {.id = "c"};
    BrigPolicy *p = NULL;
    BrigError *err = NULL;
    ck_assert_int_eq(brig_policy_resolve(doc, &in, &p, &err), 0);
    ck_assert_str_eq(p->spec_fields[0], "/linux/a");
    ck_assert_str_eq(p->spec_fields[1], "/mounts/*/x");
    ck_assert_ptr_null(p->spec_fields[2]);
    brig_policy_free(p);
    brig_policy_doc_free(doc);
}
END_TEST

START_TEST(unknown_key_user)
{
    ERR_EQ("{\n"
           "  \"version\": 1,\n"
           "  \"defaults\": {\n"
           "    \"user\": {\n"
           "      \"uid\": 1000,\n"
           "      \"name\": \"app\"\n"
           "    }\n"
           "  }\n"
           "}\n",
           "p.json: line 6: /defaults/user/name: unknown key (expected one of: uid, gid)");
}
END_TEST

START_TEST(unknown_key_rule)
{
    ERR_EQ("{\n"
           "  \"version\": 1,\n"
           "  \"rules\": [\n"
           "    {\n"
           "      \"name\": \"a\",\n"
           "      \"match\": {\"ids\": [\"a\"]},\n"
           "      \"grant\": {}\n"
           "    }\n"
           "  ]\n"
           "}\n",
           "p.json: line 7: /rules/0/grant: unknown key (expected one of: name, match, mode, "
           "allow, reason)");
}
END_TEST

START_TEST(unknown_key_match)
{
    ERR_EQ("{\n"
           "  \"version\": 1,\n"
           "  \"rules\": [\n"
           "    {\"name\": \"a\", \"match\": {\"ids\": [\"x\"]}},\n"
           "    {\n"
           "      \"name\": \"b\",\n"
           "      \"match\": {\n"
           "        \"id\": [\"web-*\"]\n"
           "      }\n"
           "    }\n"
           "  ]\n"
           "}\n",
           "p.json: line 8: /rules/1/match/id: unknown key (expected one of: ids, images, "
           "annotations)");
}
END_TEST

START_TEST(unknown_key_allow)
{
    ERR_EQ("{\n"
           "  \"version\": 1,\n"
           "  \"rules\": [{\n"
           "    \"name\": \"a\",\n"
           "    \"match\": {\"ids\": [\"a\"]},\n"
           "    \"allow\": {\n"
           "      \"privileged\": true\n"
           "    }\n"
           "  }]\n"
           "}\n",
           "p.json: line 7: /rules/0/allow/privileged: unknown key (expected one of: " SETTINGS_KEYS
           ")");
}
END_TEST

START_TEST(unknown_key_audit)
{
    ERR_EQ("{\n"
           "  \"version\": 1,\n"
           "  \"audit\": {\n"
           "    \"file\": \"/var/log/x\"\n"
           "  }\n"
           "}\n",
           "p.json: line 4: /audit/file: unknown key (expected one of: log, syslog)");
}
END_TEST

START_TEST(unknown_key_lsm)
{
    ERR_EQ("{\n"
           "  \"version\": 1,\n"
           "  \"defaults\": {\n"
           "    \"apparmor\": {\n"
           "      \"mode\": \"auto\",\n"
           "      \"name\": \"x\"\n"
           "    }\n"
           "  }\n"
           "}\n",
           "p.json: line 6: /defaults/apparmor/name: unknown key (expected one of: mode, profile, "
           "keepEngineProfile, allowUnconfinedOnLoadFailure)");
    ERR_EQ("{\n"
           "  \"version\": 1,\n"
           "  \"defaults\": {\n"
           "    \"selinux\": {\n"
           "      \"profile\": \"x\"\n"
           "    }\n"
           "  }\n"
           "}\n",
           "p.json: line 5: /defaults/selinux/profile: unknown key (expected one of: mode)");
    ERR_EQ("{\"version\": 1,\n"
           "\"defaults\": {\"hooks\": {\"allow\": []}}}",
           "p.json: line 2: /defaults/hooks/allow: unknown key (expected one of: allowed)");
}
END_TEST

/* ---- wrong types ---- */

START_TEST(wrong_types_top)
{
    ERR_EQ("[]", "p.json: line 1: /: expected an object, found array");
    ERR_EQ("{\n\"version\": \"1\"}",
           "p.json: line 2: /version: expected an integer from 0 to 1000, found string \"1\"");
    ERR_EQ("{\"version\": 1,\n\"mode\": true}",
           "p.json: line 2: /mode: expected one of enforce, reject, audit, learn, found true");
    ERR_EQ("{\"version\": 1,\n\"runtime\": 5}",
           "p.json: line 2: /runtime: expected a string, found number 5");
    ERR_EQ("{\"version\": 1,\n\n\"audit\": []}",
           "p.json: line 3: /audit: expected an object, found array");
    ERR_EQ("{\"version\": 1,\n\"audit\": {\"log\": null}}",
           "p.json: line 2: /audit/log: expected a string, found null");
    ERR_EQ("{\"version\": 1,\n\"audit\": {\"syslog\": \"yes\"}}",
           "p.json: line 2: /audit/syslog: expected a boolean, found string \"yes\"");
    ERR_EQ("{\"version\": 1,\n\"defaults\": \"restricted\"}",
           "p.json: line 2: /defaults: expected an object, found string \"restricted\"");
    ERR_EQ("{\"version\": 1,\n\"trustedAnnotations\": \"a\"}",
           "p.json: line 2: /trustedAnnotations: expected an array, found string \"a\"");
    ERR_EQ("{\"version\": 1,\n\"trustedAnnotations\": [\n\"a\",\n7]}",
           "p.json: line 4: /trustedAnnotations/1: expected a string, found number 7");
    ERR_EQ("{\"version\": 1,\n\"rules\": {}}",
           "p.json: line 2: /rules: expected an array, found object");
    ERR_EQ("{\"version\": 1,\n\"rules\": [\n\"web\"]}",
           "p.json: line 3: /rules/0: expected an object, found string \"web\"");
}
END_TEST

START_TEST(wrong_types_settings)
{
#define D(body) "{\"version\": 1,\n\"defaults\": {\n" body "}}"
    ERR_EQ(D("\"user\": 1000"), "p.json: line 3: /defaults/user: expected an object, found number "
                                "1000");
    ERR_EQ(D("\"user\": {\"uid\": \"1000\"}"),
           "p.json: line 3: /defaults/user/uid: expected an integer from 0 to 4294967294, found "
           "string \"1000\"");
    ERR_EQ(D("\"user\": {\"uid\": -1}"),
           "p.json: line 3: /defaults/user/uid: expected an integer from 0 to 4294967294, found "
           "number -1");
    ERR_EQ(D("\"user\": {\"uid\": 4294967295}"),
           "p.json: line 3: /defaults/user/uid: expected an integer from 0 to 4294967294, found "
           "number 4294967295");
    ERR_EQ(D("\"user\": {\"uid\": 1.5}"),
           "p.json: line 3: /defaults/user/uid: expected an integer from 0 to 4294967294, found "
           "number 1.5");
    ERR_EQ(D("\"user\": {\"uid\": 1, \"gid\": false}"),
           "p.json: line 3: /defaults/user/gid: expected an integer from 0 to 4294967294, found "
           "false");
    ERR_EQ(D("\"user\": {\"gid\": 1}"), "p.json: line 3: /defaults/user: \"uid\" is required");
    /* gid 0 would make brig keep root altogether */
    ERR_EQ(D("\"user\": {\"uid\": 1000,\n\"gid\": 0}"),
           "p.json: line 4: /defaults/user/gid: gid 0 needs uid 0 (root is kept only as a whole)");
    VALID(D("\"user\": {\"uid\": 0, \"gid\": 1000}"));
    ERR_EQ(D("\"capabilities\": \"CAP_CHOWN\""),
           "p.json: line 3: /defaults/capabilities: expected an array, found string \"CAP_CHOWN\"");
    ERR_EQ(D("\"capabilities\": [\n\"CAP_CHOWN\",\n{}]"),
           "p.json: line 5: /defaults/capabilities/1: expected a string, found object");
    ERR_EQ(D("\"tmpfsSize\": \"64m\""),
           "p.json: line 3: /defaults/tmpfsSize: expected an integer from 0 to 1099511627776, "
           "found string \"64m\"");
    ERR_EQ(D("\"pidsLimit\": -1"), "p.json: line 3: /defaults/pidsLimit: expected an integer from "
                                   "0 to 2147483647, found number -1");
    ERR_EQ(D("\"envSecrets\": 1"),
           "p.json: line 3: /defaults/envSecrets: expected one of warn, strip, reject, found "
           "number 1");
    ERR_EQ(D("\"seccompProfile\": []"),
           "p.json: line 3: /defaults/seccompProfile: expected a string, found array");
    ERR_EQ(D("\"hooks\": []"), "p.json: line 3: /defaults/hooks: expected an object, found array");
    ERR_EQ(D("\"hooks\": {\"allowed\": \"/usr/bin/hook\"}"),
           "p.json: line 3: /defaults/hooks/allowed: expected an array, found string "
           "\"/usr/bin/hook\"");
    ERR_EQ(D("\"hostNamespaces\": \"pid\""),
           "p.json: line 3: /defaults/hostNamespaces: expected an array, found string \"pid\"");
    ERR_EQ(D("\"hostPathsReadOnly\": [1]"),
           "p.json: line 3: /defaults/hostPathsReadOnly/0: expected a string, found number 1");
    ERR_EQ(D("\"sysctls\": [true]"),
           "p.json: line 3: /defaults/sysctls/0: expected a string, found true");
    ERR_EQ(D("\"apparmor\": \"off\""),
           "p.json: line 3: /defaults/apparmor: expected an object, found string \"off\"");
    ERR_EQ(D("\"apparmor\": {\"mode\": \"on\"}"),
           "p.json: line 3: /defaults/apparmor/mode: expected one of auto, require, off, found "
           "string \"on\"");
    ERR_EQ(D("\"apparmor\": {\"profile\": \"a b\"}"),
           "p.json: line 3: /defaults/apparmor/profile: expected an AppArmor profile name, found "
           "\"a b\"");
    ERR_EQ(D("\"apparmor\": {\"profile\": \"\"}"),
           "p.json: line 3: /defaults/apparmor/profile: expected an AppArmor profile name, found "
           "\"\"");
    ERR_EQ(D("\"apparmor\": {\"keepEngineProfile\": \"yes\"}"),
           "p.json: line 3: /defaults/apparmor/keepEngineProfile: expected a boolean, found "
           "string \"yes\"");
    ERR_EQ(D("\"apparmor\": {\"allowUnconfinedOnLoadFailure\": 1}"),
           "p.json: line 3: /defaults/apparmor/allowUnconfinedOnLoadFailure: expected a boolean, "
           "found number 1");
    ERR_EQ(D("\"selinux\": {\"mode\": \"enforcing\"}"),
           "p.json: line 3: /defaults/selinux/mode: expected one of auto, require, off, found "
           "string \"enforcing\"");
#undef D
}
END_TEST

START_TEST(wrong_types_rules)
{
#define R(body) "{\"version\": 1,\n\"rules\": [{\n" body "}]}"
    ERR_EQ(R("\"name\": 5, \"match\": {\"ids\": [\"a\"]}"),
           "p.json: line 3: /rules/0/name: expected a string, found number 5");
    ERR_EQ(R("\"name\": \"a\", \"match\": [\"a\"]"),
           "p.json: line 3: /rules/0/match: expected an object, found array");
    ERR_EQ(R("\"name\": \"a\", \"match\": {\"ids\": \"web-*\"}"),
           "p.json: line 3: /rules/0/match/ids: expected an array, found string \"web-*\"");
    ERR_EQ(R("\"name\": \"a\", \"match\": {\"annotations\": [\"x\"]}"),
           "p.json: line 3: /rules/0/match/annotations: expected an object, found array");
    ERR_EQ("{\"version\": 1, \"trustedAnnotations\": [\"team\"],\n\"rules\": [{\n"
           "\"name\": \"a\", \"match\": {\"annotations\": {\"team\": 1}}}]}",
           "p.json: line 3: /rules/0/match/annotations/team: expected a string, found number 1");
    ERR_EQ(R("\"name\": \"a\", \"match\": {\"ids\": [\"a\"]},\n\"mode\": \"off\""),
           "p.json: line 4: /rules/0/mode: expected one of enforce, reject, audit, learn, found "
           "string "
           "\"off\"");
    ERR_EQ(R("\"name\": \"a\", \"match\": {\"ids\": [\"a\"]},\n\"allow\": true"),
           "p.json: line 4: /rules/0/allow: expected an object, found true");
    ERR_EQ(R("\"name\": \"a\", \"match\": {\"ids\": [\"a\"]},\n\"allow\": {\"capabilities\": "
             "[\"CAP_SYS_ADMN\"]}"),
           "p.json: line 4: /rules/0/allow/capabilities/0: unknown capability \"CAP_SYS_ADMN\"");
#undef R
}
END_TEST

/* ---- bad values ---- */

START_TEST(bad_globs)
{
    ERR_EQ("{\"version\": 1, \"rules\": [{\"name\": \"a\",\n"
           "\"match\": {\"ids\": [\"ok-*\",\n\"web-[\"]}}]}",
           "p.json: line 3: /rules/0/match/ids/1: bad glob \"web-[\" (unterminated [ or trailing "
           "\\)");
    ERR_EQ("{\"version\": 1, \"rules\": [{\"name\": \"a\",\n"
           "\"match\": {\"ids\": [\"web-\\\\\"]}}]}",
           "p.json: line 2: /rules/0/match/ids/0: bad glob \"web-\\\" (unterminated [ or trailing "
           "\\)");
    ERR_EQ("{\"version\": 1, \"trustedAnnotations\": [\"io.kubernetes.cri.image-name\"],\n"
           "\"rules\": [{\"name\": \"a\",\n"
           "\"match\": {\"images\": [\"nginx:[1\"]}}]}",
           "p.json: line 3: /rules/0/match/images/0: bad glob \"nginx:[1\" (unterminated [ or "
           "trailing \\)");
    ERR_EQ("{\"version\": 1, \"trustedAnnotations\": [\"example.com/team\"],\n"
           "\"rules\": [{\"name\": \"a\", \"match\": {\"annotations\": {\n"
           "\"example.com/team\": \"[!blue\"}}}]}",
           "p.json: line 3: /rules/0/match/annotations/example.com~1team: bad glob \"[!blue\" "
           "(unterminated [ or trailing \\)");
    /* well-formed classes and escapes are accepted */
    VALID("{\"version\": 1, \"rules\": [{\"name\": \"a\", \"match\": {\"ids\": "
          "[\"web-[0-9]*\", \"[]]x\", \"a\\\\*\", \"[!a]\"]}}]}");
}
END_TEST

START_TEST(unknown_capability)
{
#define D(body) "{\"version\": 1,\n\"defaults\": {\"capabilities\": [\n" body "]}}"
    ERR_EQ(D("\"CAP_NET_BIND_SERVICE\",\n\"CAP_FOO\""),
           "p.json: line 4: /defaults/capabilities/1: unknown capability \"CAP_FOO\"");
    /* exact OCI spelling only: no list syntax, no "ALL", no case folding */
    ERR_EQ(D("\"CAP_CHOWN,CAP_KILL\""),
           "p.json: line 3: /defaults/capabilities/0: unknown capability \"CAP_CHOWN,CAP_KILL\"");
    ERR_EQ(D("\"ALL\""), "p.json: line 3: /defaults/capabilities/0: unknown capability \"ALL\"");
    ERR_EQ(D("\"\""), "p.json: line 3: /defaults/capabilities/0: unknown capability \"\"");
    ERR_EQ(D("\"cap_chown\""),
           "p.json: line 3: /defaults/capabilities/0: unknown capability \"cap_chown\"");
    ERR_EQ(D("\"NET_RAW\""),
           "p.json: line 3: /defaults/capabilities/0: unknown capability \"NET_RAW\"");
    _cleanup_(brig_policy_doc_freep) BrigPolicyDoc *doc =
        parse_ok(D("\"CAP_CHECKPOINT_RESTORE\", \"CAP_CHOWN\""));
    ck_assert_uint_eq(doc->defaults->caps_allowed,
                      CAP("CAP_CHECKPOINT_RESTORE") | CAP("CAP_CHOWN"));
#undef D
}
END_TEST

START_TEST(bad_enums_and_paths)
{
#define D(body) "{\"version\": 1,\n\"defaults\": {\n" body "}}"
    ERR_EQ(D("\"hostNamespaces\": [\"pid\",\n\"user\"]"),
           "p.json: line 4: /defaults/hostNamespaces/1: expected one of pid, ipc, uts, mount, "
           "network, cgroup, found string \"user\"");
    ERR_EQ(D("\"envSecrets\": \"drop\""),
           "p.json: line 3: /defaults/envSecrets: expected one of warn, strip, reject, found "
           "string \"drop\"");
    ERR_EQ(D("\"seccompProfile\": \"profiles/x.json\""),
           "p.json: line 3: /defaults/seccompProfile: expected \"default\", \"unconfined\" or an "
           "absolute path, found \"profiles/x.json\"");
    ERR_EQ(D("\"hooks\": {\"allowed\": [\"/usr/bin/*\",\n\"nvidia-hook\"]}"),
           "p.json: line 4: /defaults/hooks/allowed/1: expected an absolute path, found "
           "\"nvidia-hook\"");
    /* a pattern that can match /proc/<pid>/exe would grant a container's
     * own executable as a host hook */
    static const char *const proc_globs[] = {"/proc/*/exe", "/proc/1234/exe", "/*/*/exe",
                                             "/p?oc/*/exe", "/[p]roc/*/exe",  "/proc*"};
    for (size_t i = 0; i < ELEMENTSOF(proc_globs); i++) {
        _cleanup_free_ char *doc =
            xasprintf(D("\"hooks\": {\"allowed\": [\"/usr/bin/x\", \"%s\"]}"), proc_globs[i]);
        _cleanup_free_ char *want =
            xasprintf("p.json: line 3: /defaults/hooks/allowed/1: \"%s\" can match a path under "
                      "/proc, where a container's own processes are; grant hooks by their "
                      "files' paths",
                      proc_globs[i]);
        ERR_EQ(doc, want);
    }
    ERR_EQ(
        D("\"hooks\": {\"allowed\": [\"/usr/bin/[a-\"]}"),
        "p.json: line 3: /defaults/hooks/allowed/0: bad glob \"/usr/bin/[a-\" (unterminated [ or "
        "trailing \\)");
    ERR_EQ(D("\"hostPathsReadOnly\": [\"/srv\", \"etc/ssl\"]"),
           "p.json: line 3: /defaults/hostPathsReadOnly/1: expected an absolute path, found "
           "\"etc/ssl\"");
    ERR_EQ(D("\"rootfsAllowed\": [\"/srv/images\", \"images\"]"),
           "p.json: line 3: /defaults/rootfsAllowed/1: expected an absolute directory without "
           "\"..\" parts, found \"images\"");
    ERR_EQ(D("\"rootfsAllowed\": [\"/srv/images/../..\"]"),
           "p.json: line 3: /defaults/rootfsAllowed/0: expected an absolute directory without "
           "\"..\" parts, found \"/srv/images/../..\"");
    ERR_EQ(D("\"rootfsAllowed\": \"/srv\""),
           "p.json: line 3: /defaults/rootfsAllowed: expected an array, found string \"/srv\"");
    VALID(D("\"rootfsAllowed\": [\"/srv/images\", \"/srv//x/./y/\", \"/srv/..x\"]"));
    ERR_EQ(D("\"tmpfsSize\": 4095"), "p.json: line 3: /defaults/tmpfsSize: must be at least 4096 "
                                     "bytes");
    ERR_EQ(D("\"tmpfsSize\": 1099511627777"),
           "p.json: line 3: /defaults/tmpfsSize: expected an integer from 0 to 1099511627776, "
           "found number 1099511627777");
    ERR_EQ(D("\"pidsLimit\": 0"), "p.json: line 3: /defaults/pidsLimit: must be at least 1 (a "
                                  "pids limit cannot be turned off)");
    ERR_EQ(D("\"pidsLimit\": 2147483648"),
           "p.json: line 3: /defaults/pidsLimit: expected an integer from 0 to 2147483647, found "
           "number 2147483648");
#undef D
    ERR_EQ("{\"version\": 1,\n\"mode\": \"permissive\"}",
           "p.json: line 2: /mode: expected one of enforce, reject, audit, learn, found string "
           "\"permissive\"");
    ERR_EQ("{\"version\": 1,\n\"runtime\": \"runc\"}",
           "p.json: line 2: /runtime: expected an absolute path, found \"runc\"");
    ERR_EQ("{\"version\": 1,\n\"audit\": {\n\"log\": \"audit.log\"}}",
           "p.json: line 3: /audit/log: expected an absolute path, found \"audit.log\"");

    /* the boundaries themselves are fine */
    _cleanup_(brig_policy_doc_freep) BrigPolicyDoc *doc =
        parse_ok("{\"version\": 1, \"defaults\": {\"tmpfsSize\": 4096, \"pidsLimit\": 1, "
                 "\"envSecrets\": \"strip\", \"seccompProfile\": \"/etc/brig/x.json\"}}");
    ck_assert_uint_eq(doc->defaults->tmpfs_size, 4096);
    ck_assert_int_eq(doc->defaults->pids_limit, 1);
    ck_assert_int_eq(doc->defaults->env_secrets, BRIG_SECRET_STRIP);
    ck_assert_str_eq(doc->defaults->seccomp_profile, "/etc/brig/x.json");
    ck_assert(!doc->defaults->seccomp_unconfined);
}
END_TEST

START_TEST(version)
{
    ERR_EQ("{\n\"mode\": \"audit\"\n}", "p.json: line 1: /version: missing (this brig reads "
                                        "version 1)");
    ERR_EQ("{\"mode\": \"audit\",\n\"version\": 2}",
           "p.json: line 2: /version: version 2 is not supported (this brig reads 1)");
    ERR_EQ("{\"version\": 0}", "p.json: line 1: /version: version 0 is not supported (this brig "
                               "reads 1)");
    ERR_EQ("{\"version\": 1001}",
           "p.json: line 1: /version: expected an integer from 0 to 1000, found number 1001");
    VALID("{\"version\": 1}");
}
END_TEST

/* ---- rules ---- */

START_TEST(rule_structure)
{
    ERR_EQ("{\"version\": 1, \"rules\": [\n"
           "{\"match\": {\"ids\": [\"a\"]}}]}",
           "p.json: line 2: /rules/0/name: every rule needs a name (it appears in logs)");
    ERR_EQ("{\"version\": 1, \"rules\": [\n"
           "{\"name\": \"web\", \"match\": {\"ids\": [\"a\"]}},\n"
           "{\"name\": \"db\", \"match\": {\"ids\": [\"b\"]}},\n"
           "{\"name\": \"web\", \"match\": {\"ids\": [\"c\"]}}]}",
           "p.json: line 4: /rules/2/name: duplicate rule name \"web\"");
    ERR_EQ("{\"version\": 1, \"rules\": [\n"
           "{\"name\": \"web\"}]}",
           "p.json: line 2: /rules/0/match: missing");
    ERR_EQ("{\"version\": 1, \"rules\": [\n"
           "{\"name\": \"web\",\n\"match\": {}}]}",
           "p.json: line 3: /rules/0/match: a rule must match on at least one of ids, images, "
           "annotations (a rule for every container belongs in \"defaults\")");
}
END_TEST

START_TEST(rule_trust)
{
    ERR_EQ("{\"version\": 1, \"rules\": [{\"name\": \"a\", \"match\": {\"annotations\": {\n"
           "\"team\": \"blue\"}}}]}",
           "p.json: line 2: /rules/0/match/annotations/team: annotation \"team\" is not in "
           "\"trustedAnnotations\"; whoever creates a container chooses its annotations");
    /* another key being trusted does not help */
    ERR_EQ("{\"version\": 1, \"trustedAnnotations\": [\"owner\"],\n"
           "\"rules\": [{\"name\": \"a\", \"match\": {\"annotations\": {\n"
           "\"owner\": \"*\",\n\"team\": \"blue\"}}}]}",
           "p.json: line 4: /rules/0/match/annotations/team: annotation \"team\" is not in "
           "\"trustedAnnotations\"; whoever creates a container chooses its annotations");
    ERR_EQ("{\"version\": 1, \"trustedAnnotations\": [\"team\"],\n"
           "\"rules\": [{\"name\": \"a\", \"match\": {\n\"images\": [\"*/nginx:*\"]}}]}",
           "p.json: line 3: /rules/0/match/images: matching on images needs an image annotation "
           "in \"trustedAnnotations\" (io.kubernetes.cri.image-name for containerd CRI, "
           "io.kubernetes.cri-o.ImageName for CRI-O) or, for Docker, \"trustDockerImageRecord\": "
           "true");
    /* the order of keys in the file does not matter */
    VALID("{\"version\": 1, \"rules\": [{\"name\": \"a\", \"match\": {\"images\": [\"x\"]}}],\n"
          "\"trustedAnnotations\": [\"io.kubernetes.cri-o.ImageName\"]}");
}
END_TEST

START_TEST(duplicate_keys)
{
    ERR_EQ("{\n"
           "  \"version\": 1,\n"
           "  \"mode\": \"audit\",\n"
           "  \"mode\": \"enforce\"\n"
           "}\n",
           "p.json: line 4: /mode: duplicate key");
    ERR_EQ("{\"version\": 1, \"defaults\": {\n"
           "\"capabilities\": [\"CAP_CHOWN\"],\n"
           "\"pidsLimit\": 5,\n"
           "\"capabilities\": []}}",
           "p.json: line 4: /defaults/capabilities: duplicate key");
    ERR_EQ("{\"version\": 1, \"rules\": [{\"name\": \"a\",\n"
           "\"match\": {\"ids\": [\"a\"]},\n"
           "\"name\": \"b\"}]}",
           "p.json: line 3: /rules/0/name: duplicate key");
    /* annotation keys are free-form, still not twice */
    ERR_EQ("{\"version\": 1, \"trustedAnnotations\": [\"team\"],\n"
           "\"rules\": [{\"name\": \"a\", \"match\": {\"annotations\": {\n"
           "\"team\": \"blue\",\n\"team\": \"*\"}}}]}",
           "p.json: line 4: /rules/0/match/annotations/team: duplicate key");
}
END_TEST

START_TEST(truncated_json)
{
    ERR_EQ("{\n  \"version\": 1,\n  \"defaults\": {\n",
           "p.json: line 4, column 1: unexpected end of the input: expected a string as an object "
           "key");
    ERR_EQ("{\n  \"version\": 1,\n  \"defaults\": {\"pidsLimit\": 1",
           "p.json: line 3, column 30: unexpected end of the input: expected ',' or '}' after an "
           "object member");
    ERR_EQ("{\"version\": 1,\n\"mode\": enforce}",
           "p.json: line 2, column 9: expected a value, found 'e'");
    /* the column is that of the offending byte */
    ERR_EQ("{\"version\": 1,}",
           "p.json: line 1, column 15: expected a string as an object key, found '}'");
    ERR_EQ("", "p.json: empty file, expected a JSON document");
}
END_TEST

START_TEST(error_checks_before_values)
{
    /* pv_keys runs first: an unknown key is reported even when version is missing */
    ERR_EQ("{\"bogus\": 1}",
           "p.json: line 1: /bogus: unknown key (expected one of: version, "
           "mode, runtime, audit, defaults, trustedAnnotations, trustDockerImageRecord, "
           "dockerRoot, rules)");
    /* a JSON-pointer token escapes ~ and / */
    ERR_EQ("{\"version\": 1,\n\"a/b~c\": 1}",
           "p.json: line 2: /a~1b~0c: unknown key (expected one of: version, mode, runtime, audit, "
           "defaults, trustedAnnotations, trustDockerImageRecord, dockerRoot, rules)");
}
END_TEST

/* ---- loading ---- */

/* Policy files must be owned by root: these tests need to create such files. */
#define REQUIRE_ROOT()                                                                             \
    do {                                                                                           \
        if (geteuid() != 0) {                                                                      \
            tu_skip("%s: needs root (policy files must be owned by root)", __func__);              \
            return;                                                                                \
        }                                                                                          \
    } while (0)

static char tmpdir[64];

static void mk_tmpdir(void)
{
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/brig-test-policy.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void rm_tmpdir(void)
{
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    ck_assert_int_eq(system(cmd), 0);
}

static char *write_tmp(const char *name, const char *text, mode_t mode)
{
    char *path = xasprintf("%s/%s", tmpdir, name);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    ck_assert_int_eq(fchmod(fd, mode), 0);
    close(fd);
    return path;
}

static char *load_err(const char *path)
{
    BrigPolicyDoc *doc = NULL;
    BrigError *err = NULL;
    int r = brig_policy_load(path, &doc, &err);
    if (r == 0) {
        brig_policy_doc_free(doc);
        return NULL;
    }
    ck_assert_ptr_null(doc);
    ck_assert_ptr_nonnull(err);
    char *m = xstrdup(err->msg);
    brig_error_free(err);
    return m;
}

static const char *const simple = "{\"version\": 1, \"mode\": \"audit\"}\n";

START_TEST(load_explicit)
{
    REQUIRE_ROOT();
    mk_tmpdir();
    _cleanup_free_ char *p = write_tmp("p.json", simple, 0644);
    _cleanup_(brig_policy_doc_freep) BrigPolicyDoc *doc = NULL;
    BrigError *err = NULL;
    ck_assert_int_eq(brig_policy_load(p, &doc, &err), 0);
    ck_assert_str_eq(doc->path, p);
    ck_assert_str_eq(doc->defaults->path, p);
    ck_assert_int_eq(doc->defaults->mode, BRIG_MODE_AUDIT);
    char digest[BRIG_DIGEST_LEN];
    brig_sha256_digest(simple, strlen(simple), digest);
    ck_assert_str_eq(doc->digest, digest);
    ck_assert_str_eq(doc->defaults->digest, digest);
    ck_assert(startswith(digest, "sha256:"));

    /* parse errors carry the path as the name */
    _cleanup_free_ char *bad = write_tmp("bad.json", "{\"version\": 1,\n\"mode\": \"x\"}", 0600);
    _cleanup_free_ char *m = load_err(bad);
    _cleanup_free_ char *want = xasprintf(
        "%s: line 2: /mode: expected one of enforce, reject, audit, learn, found string \"x\"",
        bad);
    ck_assert_str_eq(m, want);
    rm_tmpdir();
}
END_TEST

START_TEST(load_missing)
{
    mk_tmpdir();
    _cleanup_free_ char *p = xasprintf("%s/nope.json", tmpdir);
    _cleanup_free_ char *m = load_err(p);
    _cleanup_free_ char *want = xasprintf("policy %s cannot be opened; refusing to run containers "
                                          "without it: No such file or directory",
                                          p);
    ck_assert_str_eq(m, want);
    /* a missing directory component too */
    _cleanup_free_ char *p2 = xasprintf("%s/no/such.json", tmpdir);
    _cleanup_free_ char *m2 = load_err(p2);
    ck_assert_ptr_nonnull(strstr(m2, "cannot be opened; refusing to run containers"));
    rm_tmpdir();
}
END_TEST

START_TEST(load_permissions)
{
    REQUIRE_ROOT();
    mk_tmpdir();
    /* each message names the actual fault: the owner, or the write bits */
    _cleanup_free_ char *gw = write_tmp("gw.json", simple, 0664);
    _cleanup_free_ char *m = load_err(gw);
    _cleanup_free_ char *want =
        xasprintf("policy %s is writable by its group (mode 0664); refusing to trust it", gw);
    ck_assert_str_eq(m, want);

    _cleanup_free_ char *ow = write_tmp("ow.json", simple, 0646);
    _cleanup_free_ char *m2 = load_err(ow);
    ck_assert_ptr_nonnull(strstr(m2, "is writable by everyone (mode 0646); refusing to trust it"));

    _cleanup_free_ char *ww = write_tmp("ww.json", simple, 0666);
    _cleanup_free_ char *m3 = load_err(ww);
    ck_assert_ptr_nonnull(strstr(m3, "is writable by everyone (mode 0666)"));

    _cleanup_free_ char *user = write_tmp("user.json", simple, 0644);
    ck_assert_int_eq(chown(user, 1000, 1000), 0);
    _cleanup_free_ char *m4 = load_err(user);
    _cleanup_free_ char *want4 =
        xasprintf("policy %s is owned by uid 1000, not root; refusing to trust it", user);
    ck_assert_str_eq(m4, want4);

    /* offline (check, harden, policy validate) trusts root and the caller,
     * and refuses only a world-writable file */
    BrigPolicyDoc *doc = NULL;
    BrigError *e = NULL;
    ck_assert_int_eq(brig_policy_load_offline(gw, &doc, &e), 0);
    brig_policy_doc_free(TAKE_PTR(doc));
    ck_assert_int_lt(brig_policy_load_offline(ww, &doc, &e), 0);
    ck_assert_ptr_nonnull(strstr(e->msg, "is writable by everyone (mode 0666)"));
    brig_error_free(TAKE_PTR(e));
    ck_assert_int_lt(brig_policy_load_offline(user, &doc, &e), 0);
    _cleanup_free_ char *want5 =
        xasprintf("policy %s is owned by uid 1000, neither root nor you (uid 0); refusing to "
                  "trust it",
                  user);
    ck_assert_str_eq(e->msg, want5);
    brig_error_free(TAKE_PTR(e));

    /* read-only for everyone, setgid bits etc. are not writability */
    _cleanup_free_ char *ro = write_tmp("ro.json", simple, 0400);
    _cleanup_free_ char *m5 = load_err(ro);
    ck_assert_ptr_null(m5);
    rm_tmpdir();
}
END_TEST

START_TEST(load_symlink_and_dir)
{
    REQUIRE_ROOT();
    mk_tmpdir();
    _cleanup_free_ char *target = write_tmp("target.json", simple, 0644);
    _cleanup_free_ char *link = xasprintf("%s/link.json", tmpdir);
    ck_assert_int_eq(symlink(target, link), 0);
    _cleanup_(brig_policy_doc_freep) BrigPolicyDoc *doc = NULL;
    BrigError *err = NULL;
    ck_assert_int_eq(brig_policy_load(link, &doc, &err), 0);
    ck_assert_int_eq(doc->defaults->mode, BRIG_MODE_AUDIT);
    ck_assert_str_eq(doc->path, link);

    /* what counts is the target: a link to a group-writable file is refused */
    _cleanup_free_ char *gw = write_tmp("gw.json", simple, 0664);
    _cleanup_free_ char *link2 = xasprintf("%s/link2.json", tmpdir);
    ck_assert_int_eq(symlink(gw, link2), 0);
    _cleanup_free_ char *m = load_err(link2);
    ck_assert_ptr_nonnull(strstr(m, "mode 0664"));

    _cleanup_free_ char *d = xasprintf("%s/dir.json", tmpdir);
    ck_assert_int_eq(mkdir(d, 0755), 0);
    _cleanup_free_ char *m2 = load_err(d);
    _cleanup_free_ char *want = xasprintf("policy %s is not a regular file", d);
    ck_assert_str_eq(m2, want);

    _cleanup_free_ char *fifo = xasprintf("%s/fifo.json", tmpdir);
    ck_assert_int_eq(mkfifo(fifo, 0644), 0);
    _cleanup_free_ char *m3 = load_err(fifo);
    _cleanup_free_ char *want3 = xasprintf("policy %s is not a regular file", fifo);
    ck_assert_str_eq(m3, want3);

    _cleanup_free_ char *empty = write_tmp("empty.json", "", 0644);
    _cleanup_free_ char *m4 = load_err(empty);
    ck_assert_msg(startswith(m4, empty), "%s", m4);
    rm_tmpdir();
}
END_TEST

START_TEST(load_builtin)
{
    _cleanup_(brig_policy_doc_freep) BrigPolicyDoc *doc = NULL;
    BrigError *err = NULL;
    ck_assert_int_eq(brig_policy_builtin(&doc, &err), 0);
    ck_assert_ptr_null(doc->path);
    ck_assert_ptr_null(doc->defaults->path);
    const BrigPolicy *p = doc->defaults;
    ck_assert_int_eq(p->mode, BRIG_MODE_ENFORCE);
    ck_assert_uint_eq(p->caps_allowed, 0);
    ck_assert_uint_eq(p->uid, 65534);
    ck_assert_uint_eq(p->gid, 65534);
    ck_assert(!p->allow_root);
    ck_assert_uint_eq(p->tmpfs_size, 64u * 1024 * 1024);
    ck_assert_int_eq(p->pids_limit, 4096);
    ck_assert_ptr_null(p->seccomp_profile);
    ck_assert(!p->seccomp_unconfined);
    ck_assert_uint_eq(p->host_namespaces, 0);
    ck_assert_ptr_null(p->host_paths_ro[0]);
    ck_assert_ptr_null(p->sysctls_allowed[0]);
    ck_assert(!p->hooks_restricted);
    ck_assert_int_eq(p->env_secrets, BRIG_SECRET_WARN);
    ck_assert_int_eq(p->apparmor, BRIG_LSM_AUTO);
    ck_assert_str_eq(p->apparmor_profile, "brig-default");
    ck_assert_int_eq(p->selinux, BRIG_LSM_AUTO);
    ck_assert_uint_eq(doc->n_rules, 0);
    ck_assert(doc->audit_syslog);
    ck_assert_ptr_null(doc->audit_log);
    ck_assert_str_eq(brig_policy_source(p), "the built-in default policy");
    ck_assert(!p->map_host_root);
    ck_assert_int_eq(p->oom_score_adj_min, 0);
    ck_assert_uint_eq(p->rlimit_max[brig_rlimit_from_name("RLIMIT_RTPRIO")], 0);
    ck_assert_uint_eq(p->rlimit_max[brig_rlimit_from_name("RLIMIT_NICE")], 0);
    ck_assert_uint_eq(p->rlimit_max[brig_rlimit_from_name("RLIMIT_MEMLOCK")], 8388608);
    ck_assert_uint_eq(p->rlimit_max[brig_rlimit_from_name("RLIMIT_MSGQUEUE")], 819200);
    ck_assert_uint_eq(p->rlimit_max[brig_rlimit_from_name("RLIMIT_NOFILE")], 1048576);
    ck_assert_uint_eq(p->rlimit_max[brig_rlimit_from_name("RLIMIT_NPROC")], 4194304);
    ck_assert_uint_eq(p->rlimit_max[brig_rlimit_from_name("RLIMIT_CORE")], BRIG_RLIMIT_UNLIMITED);

    _cleanup_(brig_policy_freep) BrigPolicy *d = brig_policy_new_default();
    ck_assert_str_eq(d->digest, p->digest);
}
END_TEST

START_TEST(builtin_is_restricted_json)
{
    size_t len;
    _cleanup_free_ char *file = tu_read_data("../../profiles/policy/restricted.json", &len);
    ck_assert_uint_eq(brig_policy_default_json_len, len);
    ck_assert_int_eq(memcmp(brig_policy_default_json, file, len), 0);
    _cleanup_(brig_policy_doc_freep) BrigPolicyDoc *doc = NULL;
    BrigError *err = NULL;
    ck_assert_int_eq(brig_policy_builtin(&doc, &err), 0);
    char digest[BRIG_DIGEST_LEN];
    brig_sha256_digest(file, len, digest);
    ck_assert_str_eq(doc->digest, digest);
}
END_TEST

START_TEST(shipped_profiles_validate)
{
    static const char *const names[] = {"restricted", "baseline", "nginx-port-80"};
    for (size_t i = 0; i < ELEMENTSOF(names); i++) {
        _cleanup_free_ char *rel = xasprintf("../../profiles/policy/%s.json", names[i]);
        size_t len;
        _cleanup_free_ char *buf = tu_read_data(rel, &len);
        _cleanup_(brig_policy_doc_freep) BrigPolicyDoc *doc = NULL;
        BrigError *err = NULL;
        int r = brig_policy_parse(buf, len, rel, &doc, &err);
        ck_assert_msg(r == 0, "%s: %s", names[i], err ? err->msg : "?");
    }
    /* baseline: Docker's default capability set, root kept */
    size_t len;
    _cleanup_free_ char *buf = tu_read_data("../../profiles/policy/baseline.json", &len);
    _cleanup_(brig_policy_doc_freep) BrigPolicyDoc *doc = NULL;
    BrigError *err = NULL;
    ck_assert_int_eq(brig_policy_parse(buf, len, "baseline", &doc, &err), 0);
    ck_assert(doc->defaults->allow_root);
    ck_assert_uint_eq(__builtin_popcountll(doc->defaults->caps_allowed), 13);
    ck_assert(doc->defaults->caps_allowed & CAP("CAP_NET_BIND_SERVICE"));
    ck_assert(!(doc->defaults->caps_allowed & CAP("CAP_NET_RAW")));
}
END_TEST

/* ---- rule matching ---- */

static const char *const rules_policy =
    "{\n"
    "  \"version\": 1,\n"
    "  \"mode\": \"enforce\",\n"
    "  \"trustedAnnotations\": [\"io.kubernetes.cri.image-name\", \"example.com/team\"],\n"
    "  \"defaults\": {\"capabilities\": [\"CAP_CHOWN\"], \"hostPathsReadOnly\": [\"/srv\"]},\n"
    "  \"rules\": [\n"
    "    {\"name\": \"web\", \"match\": {\"ids\": [\"web-*\", \"www\"]},\n"
    "     \"allow\": {\"capabilities\": [\"CAP_NET_BIND_SERVICE\"], \"user\": {\"uid\": 101},\n"
    "                \"hostPathsReadOnly\": [\"/etc/ssl\"]}},\n"
    "    {\"name\": \"nginx\", \"match\": {\"images\": [\"*/library/nginx:*\"]},\n"
    "     \"allow\": {\"capabilities\": [\"CAP_SETUID\"], \"user\": {\"uid\": 0, \"gid\": 0}}},\n"
    "    {\"name\": \"blue\", \"match\": {\"ids\": [\"web-*\"],\n"
    "       \"annotations\": {\"example.com/team\": \"blue-*\"}},\n"
    "     \"mode\": \"audit\",\n"
    "     \"allow\": {\"capabilities\": [\"CAP_KILL\"], \"user\": {\"uid\": 2000, \"gid\": 3000},\n"
    "                \"hostNamespaces\": [\"network\"], \"seccompProfile\": \"unconfined\"}},\n"
    "    {\"name\": \"late-reject\", \"match\": {\"ids\": [\"web-9\"]}, \"mode\": \"reject\"}\n"
    "  ]\n"
    "}\n";

static BrigPolicyDoc *rules_doc(void)
{
    BrigPolicyDoc *doc = NULL;
    BrigError *err = NULL;
    if (geteuid() == 0) {
        mk_tmpdir();
        _cleanup_free_ char *p = write_tmp("rules.json", rules_policy, 0644);
        int r = brig_policy_load(p, &doc, &err);
        ck_assert_msg(r == 0, "%s", err ? err->msg : "?");
    } else {
        doc = parse_ok(rules_policy);
    }
    return doc;
}

static BrigPolicy *resolve(const BrigPolicyDoc *doc, const char *id, const char *spec_text)
{
    _cleanup_(brig_json_freep) BrigJson *spec = spec_text ? tu_parse(spec_text) : NULL;
    BrigMatchInput in = {.id = id, .spec = spec};
    BrigPolicy *p = NULL;
    BrigError *err = NULL;
    int r = brig_policy_resolve(doc, &in, &p, &err);
    ck_assert_msg(r == 0, "%s", err ? err->msg : "?");
    return p;
}

static char *expected_source(const BrigPolicyDoc *doc, const char *rules)
{
    const char *f = doc->path ? doc->path : "the built-in default policy";
    return rules ? xasprintf("%s (%s)", f, rules) : xstrdup(f);
}

START_TEST(match_none)
{
    _cleanup_(brig_policy_doc_freep) BrigPolicyDoc *doc = rules_doc();
    _cleanup_(brig_policy_freep) BrigPolicy *p = resolve(doc, "db-1", "{}");
    ck_assert_uint_eq(p->caps_allowed, CAP("CAP_CHOWN"));
    ck_assert_uint_eq(p->uid, 65534);
    ck_assert_int_eq(p->mode, BRIG_MODE_ENFORCE);
    _cleanup_free_ char *src = expected_source(doc, NULL);
    ck_assert_str_eq(brig_policy_source(p), src);
    /* no id, no spec: still the defaults */
    _cleanup_(brig_policy_freep) BrigPolicy *q = resolve(doc, NULL, NULL);
    ck_assert_uint_eq(q->caps_allowed, CAP("CAP_CHOWN"));
    if (doc->path)
        rm_tmpdir();
}
END_TEST

START_TEST(match_id_glob)
{
    _cleanup_(brig_policy_doc_freep) BrigPolicyDoc *doc = rules_doc();
    static const char *const hits[] = {"web-1", "web-", "www"};
    for (size_t i = 0; i < ELEMENTSOF(hits); i++) {
        _cleanup_(brig_policy_freep) BrigPolicy *p = resolve(doc, hits[i], "{}");
        ck_assert_uint_eq(p->caps_allowed, CAP("CAP_CHOWN") | CAP("CAP_NET_BIND_SERVICE"));
        ck_assert_uint_eq(p->uid, 101);
        ck_assert_uint_eq(p->gid, 101); /* gid defaults to uid */
        ck_assert(!p->allow_root);
        ck_assert_ptr_nonnull(p->host_paths_ro[0]);
        ck_assert_str_eq(p->host_paths_ro[0], "/srv");
        ck_assert_str_eq(p->host_paths_ro[1], "/etc/ssl");
        ck_assert_ptr_null(p->host_paths_ro[2]);
        _cleanup_free_ char *src = expected_source(doc, "rule web");
        ck_assert_str_eq(brig_policy_source(p), src);
    }
    static const char *const misses[] = {"web", "wwww", "xweb-1", "WEB-1"};
    for (size_t i = 0; i < ELEMENTSOF(misses); i++) {
        _cleanup_(brig_policy_freep) BrigPolicy *p = resolve(doc, misses[i], "{}");
        ck_assert_msg(p->caps_allowed == CAP("CAP_CHOWN"), "%s matched", misses[i]);
    }
    if (doc->path)
        rm_tmpdir();
}
END_TEST

START_TEST(match_image)
{
    _cleanup_(brig_policy_doc_freep) BrigPolicyDoc *doc = rules_doc();
    _cleanup_(brig_policy_freep) BrigPolicy *p =
        resolve(doc, "k8s-abc",
                "{\"annotations\": {\"io.kubernetes.cri.image-name\": "
                "\"registry.example/library/nginx:1.25\"}}");
    ck_assert_uint_eq(p->caps_allowed, CAP("CAP_CHOWN") | CAP("CAP_SETUID"));
    ck_assert_uint_eq(p->uid, 0);
    ck_assert(p->allow_root);
    _cleanup_free_ char *src = expected_source(doc, "rule nginx");
    ck_assert_str_eq(brig_policy_source(p), src);

    /* the same image under a key the admin did not trust does not count */
    _cleanup_(brig_policy_freep) BrigPolicy *q =
        resolve(doc, "k8s-abc",
                "{\"annotations\": {\"io.kubernetes.cri-o.ImageName\": "
                "\"registry.example/library/nginx:1.25\"}}");
    ck_assert_uint_eq(q->caps_allowed, CAP("CAP_CHOWN"));
    _cleanup_(brig_json_freep) BrigJson *spec =
        tu_parse("{\"annotations\": {\"io.kubernetes.cri-o.ImageName\": \"x\", "
                 "\"io.kubernetes.cri.image-name\": \"y\"}}");
    ck_assert_str_eq(brig_policy_image_name(doc, spec), "y");
    _cleanup_(brig_policy_freep) BrigPolicy *r = resolve(
        doc, "k8s-abc", "{\"annotations\": {\"io.kubernetes.cri.image-name\": \"nginx:1.25\"}}");
    ck_assert_uint_eq(r->caps_allowed, CAP("CAP_CHOWN"));
    if (doc->path)
        rm_tmpdir();
}
END_TEST

START_TEST(match_annotation_and_criteria)
{
    _cleanup_(brig_policy_doc_freep) BrigPolicyDoc *doc = rules_doc();
    const char *blue = "{\"annotations\": {\"example.com/team\": \"blue-42\"}}";
    const char *red = "{\"annotations\": {\"example.com/team\": \"red-1\"}}";
    /* ids AND annotations: both must hold; web and blue both apply */
    _cleanup_(brig_policy_freep) BrigPolicy *p = resolve(doc, "web-1", blue);
    ck_assert_uint_eq(p->caps_allowed,
                      CAP("CAP_CHOWN") | CAP("CAP_NET_BIND_SERVICE") | CAP("CAP_KILL"));
    ck_assert_uint_eq(p->uid, 2000); /* replaced by the later rule */
    ck_assert_uint_eq(p->gid, 3000);
    ck_assert_int_eq(p->mode, BRIG_MODE_AUDIT);
    ck_assert_uint_eq(p->host_namespaces, BRIG_NS_NETWORK);
    ck_assert(p->seccomp_unconfined);
    _cleanup_free_ char *src = expected_source(doc, "rules web, blue");
    ck_assert_str_eq(brig_policy_source(p), src);

    _cleanup_(brig_policy_freep) BrigPolicy *q = resolve(doc, "web-1", red);
    ck_assert_uint_eq(q->caps_allowed, CAP("CAP_CHOWN") | CAP("CAP_NET_BIND_SERVICE"));
    ck_assert_int_eq(q->mode, BRIG_MODE_ENFORCE);
    ck_assert(!q->seccomp_unconfined);

    _cleanup_(brig_policy_freep) BrigPolicy *r = resolve(doc, "db-1", blue);
    ck_assert_uint_eq(r->caps_allowed, CAP("CAP_CHOWN"));

    /* annotation missing entirely */
    _cleanup_(brig_policy_freep) BrigPolicy *s = resolve(doc, "web-1", "{}");
    ck_assert_int_eq(s->mode, BRIG_MODE_ENFORCE);

    /* three rules: mode replaced in file order, last one wins */
    _cleanup_(brig_policy_freep) BrigPolicy *t = resolve(doc, "web-9", blue);
    ck_assert_int_eq(t->mode, BRIG_MODE_REJECT);
    ck_assert_uint_eq(t->uid, 2000); /* late-reject has no allow: user stays */
    _cleanup_free_ char *src2 = expected_source(doc, "rules web, blue, late-reject");
    ck_assert_str_eq(brig_policy_source(t), src2);
    if (doc->path)
        rm_tmpdir();
}
END_TEST

START_TEST(merge_lists_and_scalars)
{
    _cleanup_(brig_policy_doc_freep) BrigPolicyDoc *doc = parse_ok(
        "{\"version\": 1,\n"
        "\"defaults\": {\"sysctls\": [\"net.core.somaxconn\"], \"hooks\": {\"allowed\": "
        "[\"/a\"]},\n"
        "  \"pidsLimit\": 100, \"envSecrets\": \"reject\", \"apparmor\": {\"mode\": "
        "\"require\"}},\n"
        "\"rules\": [\n"
        " {\"name\": \"one\", \"match\": {\"ids\": [\"c*\"]}, \"allow\": {\n"
        "   \"seccompProfile\": \"unconfined\", \"pidsLimit\": 5, \"sysctls\": "
        "[\"net.ipv4.*\"],\n"
        "   \"hooks\": {\"allowed\": [\"/b\"]}, \"hostNamespaces\": [\"uts\"], "
        "\"envSecrets\": \"strip\"}},\n"
        " {\"name\": \"two\", \"match\": {\"ids\": [\"c1\"]}, \"allow\": {\n"
        "   \"seccompProfile\": \"/etc/brig/p.json\", \"sysctls\": [\"net.core.somaxconn\"],\n"
        "   \"hostNamespaces\": [\"ipc\"], \"apparmor\": {\"mode\": \"off\"}}},\n"
        " {\"name\": \"three\", \"match\": {\"ids\": [\"c1\"]}, \"allow\": {\n"
        "   \"seccompProfile\": \"default\", \"tmpfsSize\": 8192}}\n"
        "]}");
    _cleanup_(brig_policy_freep) BrigPolicy *p = resolve(doc, "c1", NULL);
    /* scalars: the last rule that sets one wins */
    ck_assert(!p->seccomp_unconfined);
    ck_assert_ptr_null(p->seccomp_profile);
    ck_assert_int_eq(p->pids_limit, 5);
    ck_assert_uint_eq(p->tmpfs_size, 8192);
    ck_assert_int_eq(p->env_secrets, BRIG_SECRET_STRIP);
    ck_assert_int_eq(p->apparmor, BRIG_LSM_OFF);
    /* lists: accumulated, without duplicates */
    ck_assert_str_eq(p->sysctls_allowed[0], "net.core.somaxconn");
    ck_assert_str_eq(p->sysctls_allowed[1], "net.ipv4.*");
    ck_assert_ptr_null(p->sysctls_allowed[2]);
    ck_assert(p->hooks_restricted);
    ck_assert_str_eq(p->hooks_allowed[0], "/a");
    ck_assert_str_eq(p->hooks_allowed[1], "/b");
    ck_assert_ptr_null(p->hooks_allowed[2]);
    ck_assert_uint_eq(p->host_namespaces, BRIG_NS_UTS | BRIG_NS_IPC);

    _cleanup_(brig_policy_freep) BrigPolicy *q = resolve(doc, "c2", NULL);
    ck_assert(q->seccomp_unconfined);
    ck_assert_int_eq(q->pids_limit, 5);
    ck_assert_uint_eq(q->tmpfs_size, 64u * 1024 * 1024);
    ck_assert_int_eq(q->apparmor, BRIG_LSM_REQUIRE);
    ck_assert_uint_eq(q->host_namespaces, BRIG_NS_UTS);
}
END_TEST

START_TEST(resolve_does_not_mutate)
{
    _cleanup_(brig_policy_doc_freep) BrigPolicyDoc *doc = rules_doc();
    _cleanup_(brig_json_freep) BrigJson *before = brig_policy_to_json(doc->defaults);
    const char *blue = "{\"annotations\": {\"example.com/team\": \"blue-42\", "
                       "\"io.kubernetes.cri.image-name\": \"registry.example/library/nginx:1\"}}";
    _cleanup_(brig_policy_freep) BrigPolicy *a = resolve(doc, "web-9", blue);
    _cleanup_(brig_policy_freep) BrigPolicy *b = resolve(doc, "web-9", blue);
    _cleanup_(brig_json_freep) BrigJson *after = brig_policy_to_json(doc->defaults);
    ck_assert(brig_json_equal(before, after));
    ck_assert_uint_eq(doc->defaults->caps_allowed, CAP("CAP_CHOWN"));
    ck_assert_ptr_null(doc->defaults->host_paths_ro[1]);
    ck_assert_ptr_null(doc->defaults->source);
    ck_assert_uint_eq(doc->n_rules, 4);
    /* resolving twice gives the same answer: nothing accumulated in the doc */
    _cleanup_(brig_json_freep) BrigJson *ja = brig_policy_to_json(a);
    _cleanup_(brig_json_freep) BrigJson *jb = brig_policy_to_json(b);
    ck_assert(brig_json_equal(ja, jb));
    ck_assert_str_eq(a->source, b->source);
    ck_assert_ptr_null(a->host_paths_ro[2]);
    /* the copy owns its memory: freeing it leaves the doc intact */
    brig_policy_free(TAKE_PTR(a));
    ck_assert_str_eq(doc->defaults->host_paths_ro[0], "/srv");
    if (doc->path)
        rm_tmpdir();
}
END_TEST

/* ---- round trip ---- */

static void assert_round_trip(const BrigPolicy *p)
{
    _cleanup_(brig_json_freep) BrigJson *j = brig_policy_to_json(p);
    _cleanup_free_ char *text = brig_json_serialize(j, BRIG_JSON_PRETTY, NULL);
    BrigPolicyDoc *doc = NULL;
    BrigError *err = NULL;
    int r = brig_policy_parse(text, strlen(text), "show", &doc, &err);
    ck_assert_msg(r == 0, "brig_policy_to_json output does not parse: %s\n%s", err ? err->msg : "?",
                  text);
    const BrigPolicy *q = doc->defaults;
    ck_assert_int_eq(q->mode, p->mode);
    ck_assert_uint_eq(q->caps_allowed, p->caps_allowed);
    ck_assert_uint_eq(q->uid, p->uid);
    ck_assert_uint_eq(q->gid, p->gid);
    ck_assert_int_eq(q->allow_root, p->allow_root);
    ck_assert_uint_eq(q->tmpfs_size, p->tmpfs_size);
    ck_assert_int_eq(q->pids_limit, p->pids_limit);
    ck_assert_int_eq(q->seccomp_unconfined, p->seccomp_unconfined);
    ck_assert_int_eq(!q->seccomp_profile, !p->seccomp_profile);
    if (p->seccomp_profile)
        ck_assert_str_eq(q->seccomp_profile, p->seccomp_profile);
    ck_assert_int_eq(!q->runtime, !p->runtime);
    if (p->runtime)
        ck_assert_str_eq(q->runtime, p->runtime);
    ck_assert_uint_eq(q->host_namespaces, p->host_namespaces);
    ck_assert_int_eq(q->hooks_restricted, p->hooks_restricted);
    ck_assert_int_eq(q->env_secrets, p->env_secrets);
    ck_assert_int_eq(q->apparmor, p->apparmor);
    ck_assert_str_eq(q->apparmor_profile, p->apparmor_profile);
    ck_assert_int_eq(q->apparmor_keep_engine, p->apparmor_keep_engine);
    ck_assert_int_eq(q->apparmor_load_fail_open, p->apparmor_load_fail_open);
    ck_assert_int_eq(q->selinux, p->selinux);
    ck_assert_int_eq(q->map_host_root, p->map_host_root);
    ck_assert_int_eq(q->oom_score_adj_min, p->oom_score_adj_min);
    for (int i = 0; i < BRIG_RLIMIT_COUNT; i++)
        ck_assert_uint_eq(q->rlimit_max[i], p->rlimit_max[i]);
    char **lists[][2] = {{q->host_paths_ro, p->host_paths_ro},
                         {q->sysctls_allowed, p->sysctls_allowed},
                         {q->hooks_allowed, p->hooks_allowed}};
    for (size_t l = 0; l < ELEMENTSOF(lists); l++) {
        size_t i = 0;
        for (; lists[l][1] && lists[l][1][i]; i++) {
            ck_assert_ptr_nonnull(lists[l][0]);
            ck_assert_ptr_nonnull(lists[l][0][i]);
            ck_assert_str_eq(lists[l][0][i], lists[l][1][i]);
        }
        ck_assert(!lists[l][0] || !lists[l][0][i]);
    }
    /* and printing it again gives the same JSON */
    _cleanup_(brig_json_freep) BrigJson *j2 = brig_policy_to_json(q);
    ck_assert(brig_json_equal(j, j2));
    brig_policy_doc_free(doc);
}

START_TEST(round_trip)
{
    _cleanup_(brig_policy_doc_freep) BrigPolicyDoc *builtin = NULL;
    BrigError *err = NULL;
    ck_assert_int_eq(brig_policy_builtin(&builtin, &err), 0);
    assert_round_trip(builtin->defaults);

    _cleanup_(brig_policy_doc_freep) BrigPolicyDoc *full =
        parse_ok("{\"version\": 1, \"mode\": \"reject\", \"runtime\": \"/usr/sbin/runc\",\n"
                 "\"defaults\": {\n"
                 "  \"user\": {\"uid\": 1000, \"gid\": 1001},\n"
                 "  \"capabilities\": [\"CAP_NET_RAW\", \"CAP_CHOWN\", \"CAP_BPF\"],\n"
                 "  \"tmpfsSize\": 1048576, \"pidsLimit\": 77, \"envSecrets\": \"reject\",\n"
                 "  \"seccompProfile\": \"/etc/brig/seccomp.json\",\n"
                 "  \"hooks\": {\"allowed\": [\"/usr/bin/nvidia-hook\", \"/sbin/x\"]},\n"
                 "  \"hostNamespaces\": [\"cgroup\", \"pid\"],\n"
                 "  \"hostPathsReadOnly\": [\"/etc/ssl/certs\"],\n"
                 "  \"sysctls\": [\"net.core.somaxconn\"],\n"
                 "  \"apparmor\": {\"mode\": \"require\", \"profile\": \"my-prof\",\n"
                 "     \"keepEngineProfile\": false, \"allowUnconfinedOnLoadFailure\": true},\n"
                 "  \"selinux\": {\"mode\": \"off\"}\n"
                 "}}");
    ck_assert_int_eq(full->defaults->apparmor, BRIG_LSM_REQUIRE);
    ck_assert_int_eq(full->defaults->selinux, BRIG_LSM_OFF);
    ck_assert(full->defaults->hooks_restricted);
    ck_assert_uint_eq(full->defaults->host_namespaces, BRIG_NS_CGROUP | BRIG_NS_PID);
    assert_round_trip(full->defaults);

    _cleanup_(brig_policy_doc_freep) BrigPolicyDoc *empty_hooks = parse_ok(
        "{\"version\": 1, \"defaults\": {\"hooks\": {\"allowed\": []}, \"user\": {\"uid\": 0}, "
        "\"seccompProfile\": \"unconfined\", \"envSecrets\": \"strip\"}}");
    ck_assert(empty_hooks->defaults->hooks_restricted);
    ck_assert(empty_hooks->defaults->allow_root);
    assert_round_trip(empty_hooks->defaults);

    /* a resolved policy (rules merged) prints as a plain policy too */
    _cleanup_(brig_policy_doc_freep) BrigPolicyDoc *doc = parse_ok(rules_policy);
    _cleanup_(brig_policy_freep) BrigPolicy *p =
        resolve(doc, "web-1", "{\"annotations\": {\"example.com/team\": \"blue-1\"}}");
    assert_round_trip(p);
}
END_TEST

/* The limits and the user-namespace grant: validated, defaulted even in a
 * file that does not name them, replaced per rlimit by rules. */
START_TEST(limits_and_userns)
{
    /* a file without them keeps the restricted values */
    _cleanup_(brig_policy_doc_freep) BrigPolicyDoc *bare = parse_ok("{\"version\": 1}");
    ck_assert_uint_eq(bare->defaults->rlimit_max[brig_rlimit_from_name("RLIMIT_RTPRIO")], 0);
    ck_assert_uint_eq(bare->defaults->rlimit_max[brig_rlimit_from_name("RLIMIT_MEMLOCK")], 8388608);
    ck_assert_int_eq(bare->defaults->oom_score_adj_min, 0);

    _cleanup_(brig_policy_doc_freep) BrigPolicyDoc *doc = parse_ok(
        "{\"version\": 1,\n"
        "\"defaults\": {\"rlimits\": {\"RLIMIT_NOFILE\": 65536, \"RLIMIT_CORE\": 0}},\n"
        "\"rules\": [\n"
        " {\"name\": \"k8s\", \"match\": {\"ids\": [\"k*\"]}, \"allow\": {\n"
        "   \"oomScoreAdjMin\": -998, \"rlimits\": {\"RLIMIT_MEMLOCK\": \"unlimited\"}}},\n"
        " {\"name\": \"podman-uidmap\", \"match\": {\"ids\": [\"k2\"]}, \"allow\": {\n"
        "   \"mapHostRoot\": true, \"rlimits\": {\"RLIMIT_NOFILE\": 1024}}}\n"
        "]}");
    _cleanup_(brig_policy_freep) BrigPolicy *p = resolve(doc, "k1", NULL);
    ck_assert_int_eq(p->oom_score_adj_min, -998);
    ck_assert(!p->map_host_root);
    ck_assert_uint_eq(p->rlimit_max[brig_rlimit_from_name("RLIMIT_MEMLOCK")],
                      BRIG_RLIMIT_UNLIMITED);
    ck_assert_uint_eq(p->rlimit_max[brig_rlimit_from_name("RLIMIT_NOFILE")], 65536);
    ck_assert_uint_eq(p->rlimit_max[brig_rlimit_from_name("RLIMIT_CORE")], 0);
    ck_assert_uint_eq(p->rlimit_max[brig_rlimit_from_name("RLIMIT_RTPRIO")], 0);
    assert_round_trip(p);
    _cleanup_(brig_policy_freep) BrigPolicy *q = resolve(doc, "k2", NULL);
    ck_assert(q->map_host_root);
    ck_assert_uint_eq(q->rlimit_max[brig_rlimit_from_name("RLIMIT_NOFILE")], 1024);
    _cleanup_(brig_policy_freep) BrigPolicy *o = resolve(doc, "other", NULL);
    ck_assert_int_eq(o->oom_score_adj_min, 0);
    ck_assert_uint_eq(o->rlimit_max[brig_rlimit_from_name("RLIMIT_MEMLOCK")], 8388608);

    ERR_EQ("{\"version\": 1,\n\"defaults\": {\"rlimits\": {\"RLIMIT_nofile\": 1}}}",
           "p.json: line 2: /defaults/rlimits/RLIMIT_nofile: unknown rlimit \"RLIMIT_nofile\" "
           "(expected one of: RLIMIT_AS, RLIMIT_CORE, RLIMIT_CPU, RLIMIT_DATA, RLIMIT_FSIZE, "
           "RLIMIT_LOCKS, RLIMIT_MEMLOCK, RLIMIT_MSGQUEUE, RLIMIT_NICE, RLIMIT_NOFILE, "
           "RLIMIT_NPROC, RLIMIT_RSS, RLIMIT_RTPRIO, RLIMIT_RTTIME, RLIMIT_SIGPENDING, "
           "RLIMIT_STACK)");
    ERR_EQ("{\"version\": 1,\n\"defaults\": {\"rlimits\": {\"RLIMIT_CORE\": -1}}}",
           "p.json: line 2: /defaults/rlimits/RLIMIT_CORE: expected an integer from 0 to "
           "18446744073709551615 or \"unlimited\", found number -1");
    ERR_EQ("{\"version\": 1,\n\"defaults\": {\"rlimits\": {\"RLIMIT_CORE\": \"infinity\"}}}",
           "p.json: line 2: /defaults/rlimits/RLIMIT_CORE: expected an integer from 0 to "
           "18446744073709551615 or \"unlimited\", found string \"infinity\"");
    ERR_EQ("{\"version\": 1,\n\"defaults\": {\"rlimits\": [\"RLIMIT_CORE\"]}}",
           "p.json: line 2: /defaults/rlimits: expected an object, found array");
    ERR_EQ("{\"version\": 1,\n\"defaults\": {\"rlimits\": {\"RLIMIT_CORE\": 1,\n"
           "\"RLIMIT_CORE\": 2}}}",
           "p.json: line 3: /defaults/rlimits/RLIMIT_CORE: duplicate key");
    ERR_EQ("{\"version\": 1,\n\"defaults\": {\"oomScoreAdjMin\": -1001}}",
           "p.json: line 2: /defaults/oomScoreAdjMin: expected an integer from -1000 to 1000, "
           "found number -1001");
    ERR_EQ("{\"version\": 1,\n\"defaults\": {\"oomScoreAdjMin\": \"-997\"}}",
           "p.json: line 2: /defaults/oomScoreAdjMin: expected an integer from -1000 to 1000, "
           "found string \"-997\"");
    ERR_EQ("{\"version\": 1,\n\"defaults\": {\"mapHostRoot\": 1}}",
           "p.json: line 2: /defaults/mapHostRoot: expected a boolean, found number 1");
    VALID("{\"version\": 1, \"defaults\": {\"rlimits\": {}, \"oomScoreAdjMin\": 1000}}");
    /* hostGroups: names or decimal gids, nothing a group line could not hold */
    VALID("{\"version\": 1, \"defaults\": {\"hostGroups\": [\"shadow\", \"42\"]}}");
    ERR_EQ("{\"version\": 1,\n\"defaults\": {\"hostGroups\": [\"a:b\"]}}",
           "p.json: line 2: /defaults/hostGroups/0: expected a host group's name or its gid in "
           "decimal (1 or more), found \"a:b\"");
    ERR_EQ("{\"version\": 1,\n\"defaults\": {\"hostGroups\": [\"042\"]}}",
           "p.json: line 2: /defaults/hostGroups/0: expected a host group's name or its gid in "
           "decimal (1 or more), found \"042\"");
    ERR_EQ("{\"version\": 1,\n\"defaults\": {\"hostGroups\": [42]}}",
           "p.json: line 2: /defaults/hostGroups/0: expected a string, found number 42");
}
END_TEST

static Suite *policy_suite(void)
{
    Suite *s = suite_create("policy");
    TCase *tc = tcase_create("validate");
    tcase_add_test(tc, unknown_key_top);
    tcase_add_test(tc, unknown_key_defaults);
    tcase_add_test(tc, spec_fields);
    tcase_add_test(tc, socket_grants);
    tcase_add_test(tc, mount_grants);
    tcase_add_test(tc, unknown_key_user);
    tcase_add_test(tc, unknown_key_rule);
    tcase_add_test(tc, unknown_key_match);
    tcase_add_test(tc, unknown_key_allow);
    tcase_add_test(tc, unknown_key_audit);
    tcase_add_test(tc, unknown_key_lsm);
    tcase_add_test(tc, wrong_types_top);
    tcase_add_test(tc, wrong_types_settings);
    tcase_add_test(tc, wrong_types_rules);
    tcase_add_test(tc, bad_globs);
    tcase_add_test(tc, unknown_capability);
    tcase_add_test(tc, bad_enums_and_paths);
    tcase_add_test(tc, version);
    tcase_add_test(tc, rule_structure);
    tcase_add_test(tc, rule_trust);
    tcase_add_test(tc, duplicate_keys);
    tcase_add_test(tc, truncated_json);
    tcase_add_test(tc, error_checks_before_values);
    suite_add_tcase(s, tc);

    tc = tcase_create("load");
    tcase_add_test(tc, load_explicit);
    tcase_add_test(tc, load_missing);
    tcase_add_test(tc, load_permissions);
    tcase_add_test(tc, load_symlink_and_dir);
    tcase_add_test(tc, load_builtin);
    tcase_add_test(tc, builtin_is_restricted_json);
    tcase_add_test(tc, shipped_profiles_validate);
    suite_add_tcase(s, tc);

    tc = tcase_create("rules");
    tcase_add_test(tc, match_none);
    tcase_add_test(tc, match_id_glob);
    tcase_add_test(tc, match_image);
    tcase_add_test(tc, match_annotation_and_criteria);
    tcase_add_test(tc, merge_lists_and_scalars);
    tcase_add_test(tc, resolve_does_not_mutate);
    tcase_add_test(tc, limits_and_userns);
    tcase_add_test(tc, round_trip);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return tu_run(policy_suite());
}
