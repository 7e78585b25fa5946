/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The env pass: secrets in process.env found by name and by value; warn,
 * strip or reject per the policy; the value never reaches the report. */

#define PASS pass_env
#define DATA_DIR "pass_env"
#include "passtest.h"

/* Which policy a golden case runs under: by its name's prefix. */
static void golden_setup(Run *t, const char *name)
{
    if (startswith(name, "strip-"))
        t->policy->env_secrets = BRIG_SECRET_STRIP;
    else if (startswith(name, "reject-"))
        t->policy->env_secrets = BRIG_SECRET_REJECT;
}

static const char *const golden[] = {"podman-default", "secrets", "strip-secrets",
                                     "reject-secrets"};

START_TEST(test_golden)
{
    check_golden_with(golden[_i], golden_setup);
}
END_TEST

/* The secret parts of secrets.in.json: none may appear anywhere in a report. */
static const char *const secret_values[] = {
    "hunter2",           "AKIAIOSFODNN7EXAMPLE", "ASIAY34FZKBOKMUTVV7A", "b3BlbnNzaC1rZXktdjEAAAAA",
    "PRIVATE KEY",       "eyJhbGciOiJIUzI1NiJ9", "eyJzdWIiOiIxMjM0In0",  "ghp_0123456789",
    "xoxb-123456789012", "lowercase-works-too",
};

static char *serialize_report(const BrigReport *rep)
{
    _cleanup_(brig_json_freep) BrigJson *arr = brig_json_new(BRIG_JSON_ARRAY);
    for (size_t i = 0; i < rep->n; i++) {
        const BrigChange *c = &rep->v[i];
        BrigJson *o = brig_json_new(BRIG_JSON_OBJECT);
        brig_json_set(o, "kind", brig_json_new_string(brig_change_kind_name(c->kind)));
        brig_json_set(o, "pass", brig_json_new_string(c->pass));
        brig_json_set(o, "pointer", brig_json_new_string(c->pointer));
        brig_json_set(o, "before", brig_json_new_string(c->before ? c->before : ""));
        brig_json_set(o, "after", brig_json_new_string(c->after ? c->after : ""));
        brig_json_set(o, "reason", brig_json_new_string(c->reason));
        brig_json_append(arr, o);
    }
    return tu_compact(arr);
}

static const BrigSecretAction actions[] = {BRIG_SECRET_WARN, BRIG_SECRET_STRIP, BRIG_SECRET_REJECT};

/* Every detector fires, the exclusions hold, and under every action the whole
 * serialized report is free of every secret value. */
START_TEST(test_no_secret_in_report)
{
    static const char *const flagged[] = {
        "POSTGRES_PASSWORD", "AWS_ACCESS_KEY_ID", "DEBUG_BLOB", "SSH_KEY", "AUTH_HEADER", "GH",
        "SLACK_HOOK",        "api_key",
    };
    static const BrigChangeKind kinds[] = {BRIG_NOTE, BRIG_FIX, BRIG_REFUSE};
    Run t;
    run_init(&t);
    t.policy->env_secrets = actions[_i];
    _cleanup_free_ char *in = tu_read_data("pass_env/secrets.in.json", NULL);
    ck_assert_int_eq(run_pass(&t, in), 0);
    ck_assert_uint_eq(t.rep.n, ELEMENTSOF(flagged));
    ck_assert_uint_eq(brig_report_count(&t.rep, kinds[_i]), ELEMENTSOF(flagged));
    _cleanup_free_ char *all = serialize_report(&t.rep);
    for (size_t i = 0; i < ELEMENTSOF(secret_values); i++)
        ck_assert_msg(!strstr(all, secret_values[i]), "%s leaked: %s", secret_values[i], all);
    for (size_t i = 0; i < ELEMENTSOF(flagged); i++) {
        _cleanup_free_ char *needle = xasprintf("%s looks like a secret", flagged[i]);
        ck_assert_msg(strstr(all, needle), "%s not flagged", flagged[i]);
    }
    for (size_t i = 0; i < t.rep.n; i++) {
        ck_assert_ptr_null(t.rep.v[i].after);
        ck_assert(!t.rep.v[i].before || strstr(t.rep.v[i].before, "=<redacted>\""));
    }
    run_done(&t);
}
END_TEST

/* One variable per detector; the reason names the detector. */
START_TEST(test_detectors)
{
    static const struct {
        const char *entry, *why; /* why NULL: not a secret */
    } cases[] = {
        {"DB_PASSWD=x", "name contains PASSWD"},
        {"Gpg_Passphrase=x", "name contains PASSPHRASE"},
        {"CLIENT_SECRET=x", "name contains SECRET"},
        {"NPM_TOKEN=x", "name contains TOKEN"},
        {"STRIPE_APIKEY=x", "name contains APIKEY"},
        {"JWT_PRIVATE_KEY=x", "name contains PRIVATE_KEY"},
        {"MINIO_ACCESS_KEY=x", "name contains ACCESS_KEY"},
        {"DOCKER_CREDENTIALS=x", "name contains CREDENTIAL"},
        {"X=AKIAABCDEFGHIJKLMNOP", "AWS access key id"},
        {"X=akiaABCDEFGHIJKLMNOP", NULL},
        {"X=AKIAABCDEFGHIJKLMNO", NULL},
        {"X=-----BEGIN EC PRIVATE KEY-----", "PEM private key"},
        {"X=-----BEGIN CERTIFICATE-----", NULL},
        {"X=eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.", "JSON Web Token"},
        {"X=eyJhbGciOiJub25lIn0", NULL},
        {"X=github_pat_11ABCDEFG0123456789_abcdefghijklmnop", "GitHub token"},
        {"X=ghp_short", NULL},
        {"X=xoxp-1234567890-abc", "Slack token"},
        {"X=xoxz-1234567890-abc", NULL},
        {"SECRET_KEY_FILE=/run/secrets/k", NULL},
        {"SECRET_KEY_FILE=not a path", "name contains SECRET"},
        {"TOKENIZERS_PARALLELISM=true", NULL},
        {"PASSWORD=", NULL},
        {"PASSWORD", NULL},
        {"PATH=/usr/bin", NULL},
        {"HOME=/root", NULL},
    };
    for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
        Run t;
        run_init(&t);
        _cleanup_(brig_json_freep) BrigJson *s = tu_parse("{\"process\":{\"env\":[]}}");
        brig_json_append(brig_json_get_path(s, "process/env"),
                         brig_json_new_string(cases[i].entry));
        t.spec = TAKE_PTR(s);
        ck_assert_int_eq(run_pass(&t, NULL), 0);
        if (!cases[i].why) {
            ck_assert_msg(t.rep.n == 0, "%s flagged: %s", cases[i].entry,
                          t.rep.n ? t.rep.v[0].reason : "");
        } else {
            ck_assert_msg(t.rep.n == 1, "%s not flagged", cases[i].entry);
            ck_assert_msg(strstr(t.rep.v[0].reason, cases[i].why), "%s: %s", cases[i].entry,
                          t.rep.v[0].reason);
            ck_assert_str_eq(t.rep.v[0].pointer, "/process/env/0");
        }
        run_done(&t);
    }
}
END_TEST

/* Strip removes exactly the flagged entries and keeps the others in order;
 * warn and reject change nothing in the config. */
START_TEST(test_actions_on_config)
{
    const char *json = "{\"process\":{\"env\":[\"A=1\",\"TOKEN=t\",\"B=2\",\"PASSWORD=p\"]}}";
    Run t;
    run_init(&t);
    t.policy->env_secrets = BRIG_SECRET_STRIP;
    ck_assert_int_eq(run_pass(&t, json), 0);
    _cleanup_free_ char *out = tu_compact(t.spec);
    ck_assert_str_eq(out, "{\"process\":{\"env\":[\"A=1\",\"B=2\"]}}");
    /* input indices, highest first, so the removals replay in order */
    ck_assert_str_eq(t.rep.v[0].pointer, "/process/env/3");
    ck_assert_str_eq(t.rep.v[1].pointer, "/process/env/1");
    ck_assert_str_eq(t.rep.v[1].before, "\"TOKEN=<redacted>\"");
    ck_assert_str_eq(t.rep.v[1].reason, "TOKEN looks like a secret (name contains TOKEN); the "
                                        "built-in default policy strips it");
    run_done(&t);

    for (size_t a = 0; a < 2; a++) {
        run_init(&t);
        t.policy->env_secrets = a ? BRIG_SECRET_REJECT : BRIG_SECRET_WARN;
        _cleanup_(brig_json_freep) BrigJson *orig = tu_parse(json);
        ck_assert_int_eq(run_pass(&t, json), 0);
        ck_assert(brig_json_equal(orig, t.spec));
        ck_assert_uint_eq(t.rep.n, 2);
        run_done(&t);
    }
}
END_TEST

/* An exec --process file is a bare process object: same treatment, pointers
 * relative to the file, through brig_harden_process too. */
START_TEST(test_exec_process_file)
{
    Run t;
    run_init(&t);
    t.policy->env_secrets = BRIG_SECRET_STRIP;
    t.spec = tu_parse("{\"args\":[\"sh\"],\"env\":[\"VAULT_TOKEN=s.abc\",\"A=1\"]}");
    ck_assert_int_eq(process_env(&t.ctx, t.spec, "", &t.rep, &t.err), 0);
    ck_assert_uint_eq(t.rep.n, 1);
    ck_assert_str_eq(t.rep.v[0].pointer, "/env/0");
    _cleanup_free_ char *out = tu_compact(brig_json_get(t.spec, "env"));
    ck_assert_str_eq(out, "[\"A=1\"]");

    brig_report_clear(&t.rep);
    brig_json_free(t.spec);
    t.spec = tu_parse("{\"args\":[\"sh\"],\"user\":{\"uid\":1000,\"gid\":1000},"
                      "\"env\":[\"GITHUB_TOKEN=x\"]}");
    ck_assert_int_eq(brig_harden_process(&t.ctx, t.spec, &t.rep, &t.err), 0);
    const BrigChange *c = change_at(&t.rep, "/env/0");
    ck_assert_ptr_nonnull(c);
    ck_assert_str_eq(c->pass, "env");
    ck_assert_ptr_null(strstr(c->before, "=x"));
    ck_assert_uint_eq(brig_json_get(t.spec, "env")->n, 0);

    _cleanup_(brig_json_freep) BrigJson *bad = tu_parse("{\"env\":[1]}");
    ck_assert_int_lt(process_env(&t.ctx, bad, "", &t.rep, &t.err), 0);
    ck_assert_str_eq(t.err->msg, "/env/0: expected a \"NAME=VALUE\" string, found number");
    run_done(&t);
}
END_TEST

START_TEST(test_wrong_types)
{
    assert_error("{\"process\":[]}", "/process: expected an object, found array");
    assert_error("{\"process\":{\"env\":\"A=1\"}}",
                 "/process/env: expected an array, found string");
    assert_error("{\"process\":{\"env\":[\"A=1\",{\"B\":2}]}}",
                 "/process/env/1: expected a \"NAME=VALUE\" string, found object");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("pass_env");
    TCase *tc = tcase_create("env");
    tcase_add_loop_test(tc, test_golden, 0, ELEMENTSOF(golden));
    tcase_add_loop_test(tc, test_no_secret_in_report, 0, ELEMENTSOF(actions));
    tcase_add_test(tc, test_detectors);
    tcase_add_test(tc, test_actions_on_config);
    tcase_add_test(tc, test_exec_process_file);
    tcase_add_test(tc, test_wrong_types);
    suite_add_tcase(s, tc);
    return tu_run(s);
}
