/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Secrets in process.env.  The environment of a container is readable by
 * anyone who can inspect it (docker inspect, /proc/<pid>/environ from the
 * host, crash dumps, child processes), so credentials belong in files.  A
 * variable is suspect by its NAME (a case-insensitive substring such as
 * PASSWORD or TOKEN) or by its VALUE (the shape of an AWS access key id, a PEM
 * private key, a JWT, a GitHub or Slack token).  The policy decides: warn
 * (keep, note), strip (remove) or reject (refuse the container).
 *
 * Names that match but hold no secret, not flagged:
 *   - an empty value;
 *   - a value that is an absolute file path: the *_FILE convention of the
 *     official images (POSTGRES_PASSWORD_FILE=/run/secrets/db) and
 *     GOOGLE_APPLICATION_CREDENTIALS=/key.json point at the secret;
 *   - TOKENIZER* (TOKENIZERS_PARALLELISM of Hugging Face's tokenizers).
 * Value detectors apply whatever the name.
 *
 * The value never reaches the report: records carry "NAME=<redacted>". */
#include <ctype.h>
#include <strings.h>

#include "passes.h"

static const char *const secret_words[] = {
    "PASSWORD", "PASSWD", "PASSPHRASE",  "SECRET",     "TOKEN",
    "API_KEY",  "APIKEY", "PRIVATE_KEY", "ACCESS_KEY", "CREDENTIAL",
};

static bool is_upper_alnum(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool is_b64url(char c)
{
    return isalnum((unsigned char)c) || c == '-' || c == '_';
}

static size_t span(const char *s, bool (*ok)(char))
{
    size_t n = 0;
    while (s[n] && ok(s[n]))
        n++;
    return n;
}

static bool is_alnum(char c)
{
    return isalnum((unsigned char)c);
}

static bool is_alnum_us(char c)
{
    return isalnum((unsigned char)c) || c == '_';
}

static bool is_alnum_dash(char c)
{
    return isalnum((unsigned char)c) || c == '-';
}

static bool is_path_char(char c)
{
    return isalnum((unsigned char)c) || strchr("._-/+@:", c);
}

static bool aws_key_id(const char *v)
{
    for (const char *p = v; (p = strstr(p, "A")); p++) {
        if (!startswith(p, "AKIA") && !startswith(p, "ASIA"))
            continue;
        if (p > v && is_upper_alnum(p[-1]))
            continue;
        size_t n = 0;
        while (n < 16 && is_upper_alnum(p[4 + n]))
            n++;
        if (n == 16 && !is_upper_alnum(p[20]))
            return true;
    }
    return false;
}

static bool jwt(const char *v)
{
    for (const char *p = v; (p = strstr(p, "eyJ")); p++) {
        size_t a = span(p, is_b64url);
        if (p[a] != '.' || !startswith(p + a + 1, "eyJ"))
            continue;
        size_t b = span(p + a + 1, is_b64url);
        if (p[a + 1 + b] == '.')
            return true;
    }
    return false;
}

static bool github_token(const char *v)
{
    static const char *const prefixes[] = {"ghp_", "gho_", "ghu_", "ghs_", "ghr_"};
    for (size_t i = 0; i < ELEMENTSOF(prefixes); i++)
        for (const char *p = v; (p = strstr(p, prefixes[i])); p++)
            if (span(p + 4, is_alnum) >= 36)
                return true;
    for (const char *p = v; (p = strstr(p, "github_pat_")); p++)
        if (span(p + 11, is_alnum_us) >= 22)
            return true;
    return false;
}

static bool slack_token(const char *v)
{
    for (const char *p = v; (p = strstr(p, "xox")); p++)
        if (p[3] && strchr("abposr", p[3]) && p[4] == '-' && span(p + 5, is_alnum_dash) >= 10)
            return true;
    return false;
}

static bool private_key(const char *v)
{
    const char *b = strstr(v, "-----BEGIN ");
    return b && strstr(b, "PRIVATE KEY-----");
}

static bool name_has(const char *name, size_t len, const char *word)
{
    size_t w = strlen(word);
    for (size_t i = 0; i + w <= len; i++)
        if (strncasecmp(name + i, word, w) == 0)
            return true;
    return false;
}

/* Returns a description of what looks secret, or NULL. */
static const char *detect(const char *entry, char **ret_word)
{
    const char *eq = strchr(entry, '=');
    size_t nlen = eq ? (size_t)(eq - entry) : strlen(entry);
    const char *value = eq ? eq + 1 : "";
    *ret_word = NULL;

    if (aws_key_id(value))
        return "value shaped like an AWS access key id";
    if (private_key(value))
        return "value holding a PEM private key";
    if (jwt(value))
        return "value shaped like a JSON Web Token";
    if (github_token(value))
        return "value shaped like a GitHub token";
    if (slack_token(value))
        return "value shaped like a Slack token";

    if (value[0] == '\0' || name_has(entry, nlen, "TOKENIZER"))
        return NULL;
    if (value[0] == '/' && span(value, is_path_char) == strlen(value))
        return NULL;
    for (size_t i = 0; i < ELEMENTSOF(secret_words); i++)
        if (name_has(entry, nlen, secret_words[i])) {
            *ret_word = xstrdup(secret_words[i]);
            return "name";
        }
    return NULL;
}

int process_env(const BrigCtx *ctx, BrigJson *proc, const char *ptr, BrigReport *rep,
                BrigError **err)
{
    int r = pass_check_type(proc, "env", BRIG_JSON_ARRAY, ptr, err);
    if (r < 0)
        return r;
    BrigJson *env = brig_json_get(proc, "env");
    const BrigJson *e;
    size_t k = 0;
    BRIG_JSON_FOREACH (e, env) {
        if (e->type != BRIG_JSON_STRING)
            return brig_error_set(err, EINVAL,
                                  "%s/env/%zu: expected a \"NAME=VALUE\" string, found %s", ptr, k,
                                  brig_json_type_name(e->type));
        k++;
    }

    /* Pointers index the input; stripping goes from the back so each
     * removal's index stays valid when the changes are replayed in order. */
    const BrigPolicy *pol = ctx->policy;
    bool strip = pol->env_secrets == BRIG_SECRET_STRIP;
    size_t n = env ? env->n : 0;
    _cleanup_free_ bool *drop = NULL;
    for (size_t step = 0; step < n; step++) {
        size_t i = strip ? n - 1 - step : step;
        const char *entry = env->kids[i]->text;
        _cleanup_free_ char *word = NULL;
        const char *what = detect(entry, &word);
        if (!what)
            continue;
        _cleanup_free_ char *name = xstrndup(entry, strcspn(entry, "="));
        _cleanup_free_ char *why = word ? xasprintf("name contains %s", word) : xstrdup(what);
        _cleanup_free_ char *redacted = xasprintf("%s=<redacted>", name);
        _cleanup_(brig_json_freep) BrigJson *hidden = brig_json_new_string(redacted);
        _cleanup_free_ char *p = xasprintf("%s/env/%zu", ptr, i);
        switch (pol->env_secrets) {
        case BRIG_SECRET_WARN:
            brig_report_note(rep, p,
                             "%s looks like a secret (%s); kept, as %s only warns; pass secrets "
                             "in files instead",
                             name, why, brig_policy_source(pol));
            break;
        case BRIG_SECRET_STRIP:
            brig_report_fix(rep, p, hidden, NULL, "%s looks like a secret (%s); %s strips it", name,
                            why, brig_policy_source(pol));
            if (!drop)
                drop = xcalloc(n, sizeof(*drop));
            drop[i] = true;
            break;
        case BRIG_SECRET_REJECT:
            brig_report_refuse(rep, p, hidden,
                               "%s looks like a secret (%s); %s refuses secrets in the "
                               "environment",
                               name, why, brig_policy_source(pol));
            break;
        }
    }
    /* removed in one pass afterwards: one at a time shifted the array
     * each time (quadratic in the number of variables) */
    if (drop)
        brig_json_filter(env, brig_json_keep_unmarked, drop);
    return 0;
}

int pass_env(const BrigCtx *ctx, BrigJson *spec, BrigReport *rep, BrigError **err)
{
    int r = pass_check_type(spec, "process", BRIG_JSON_OBJECT, "", err);
    if (r < 0)
        return r;
    BrigJson *proc = brig_json_get(spec, "process");
    return proc ? process_env(ctx, proc, "/process", rep, err) : 0;
}
