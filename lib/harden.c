/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <fcntl.h>
#include <sys/stat.h>

#include "harden.h"
#include "audit.h"
#include "bundle.h"
#include "passes/passes.h"
#include "sha256.h"
#include "util.h"

/* Order matters: spec comes first, so that no pass reads a document whose keys runc and crun
 * would read differently; user comes next, since capabilities needs the final uid (a non-root
 * process keeps capabilities only through the ambient set) and rootfs makes its tmpfs owned by it
 * (inside a user namespace an owner must be a mapped id, which user guarantees); seccomp resolves
 * its capability-conditional groups against the capability set the capabilities pass leaves, and
 * the annotation, which records the outcome, comes last.  limits (oomScoreAdj, rlimits) depends on
 * nothing and nothing on it: it sits next to resources, the cgroup half of the same concern. */
const BrigPass brig_passes[] = {
    {"spec", pass_spec},
    {"user", pass_user},
    {"userns", pass_userns},
    {"capabilities", pass_capabilities},
    {"no_new_privileges", pass_no_new_privileges},
    {"rootfs", pass_rootfs},
    {"masked_paths", pass_masked_paths},
    {"namespaces", pass_namespaces},
    {"mounts", pass_mounts},
    {"userns_views", pass_userns_views},
    {"devices", pass_devices},
    {"sysctls", pass_sysctls},
    {"resources", pass_resources},
    {"limits", pass_limits},
    {"annotations", pass_annotations},
    {"hooks", pass_hooks},
    {"env", pass_env},
    {"seccomp", pass_seccomp},
    {"apparmor", pass_apparmor},
    {"selinux", pass_selinux},
    {"annotation", pass_annotation},
};
const size_t brig_n_passes = ELEMENTSOF(brig_passes);

int brig_harden(const BrigCtx *ctx, BrigJson *spec, BrigReport *rep, BrigError **err)
{
    if (spec->type != BRIG_JSON_OBJECT)
        return brig_error_set(err, EINVAL, "the config is a JSON %s, expected an object",
                              brig_json_type_name(spec->type));
    for (size_t i = 0; i < brig_n_passes; i++) {
        rep->pass = brig_passes[i].name;
        int r = brig_passes[i].fn(ctx, spec, rep, err);
        if (r < 0)
            return r; /* rep->pass names the pass that failed */
        rep->pass = NULL;
    }
    return 0;
}

int brig_harden_process(const BrigCtx *ctx, BrigJson *process, BrigReport *rep, BrigError **err)
{
    static const struct {
        const char *name;
        int (*fn)(const BrigCtx *, BrigJson *, const char *, BrigReport *, BrigError **);
    } steps[] = {
        {"spec", process_spec},
        {"user", process_user},
        {"capabilities", process_capabilities},
        {"no_new_privileges", process_no_new_privileges},
        {"limits", process_limits},
        {"env", process_env},
        {"apparmor", process_apparmor},
        {"selinux", process_selinux},
    };
    if (process->type != BRIG_JSON_OBJECT)
        return brig_error_set(err, EINVAL, "the process file is a JSON %s, expected an object",
                              brig_json_type_name(process->type));
    for (size_t i = 0; i < ELEMENTSOF(steps); i++) {
        rep->pass = steps[i].name;
        int r = steps[i].fn(ctx, process, "", rep, err);
        if (r < 0)
            return r;
        rep->pass = NULL;
    }
    return 0;
}

/* Input brig cannot read (not JSON, a wrong type, an unknown capability
 * name) is a violation like the others: recorded, with the pointer the
 * message starts with, so the audit log has it and audit mode can run the
 * container as it is (the runtime judges it); err keeps the message. */
static int invalid_input(BrigHardenFile *h, const char *pass, int r, BrigError **err)
{
    if (!h->policy) {
        /* the config did not parse: rules can match on the container id only */
        BrigMatchInput in = {.id = h->id};
        if (brig_policy_resolve(h->doc, &in, &h->policy, NULL) < 0)
            return r;
    }
    const char *msg = (*err)->msg, *sep = strstr(msg, ": ");
    _cleanup_free_ char *ptr = msg[0] == '/' && sep ? xstrndup(msg, (size_t)(sep - msg)) : NULL;
    h->rep.pass = pass;
    brig_report_refuse(&h->rep, ptr ? ptr : "", NULL, "invalid input: %s", ptr ? sep + 2 : msg);
    h->rep.pass = NULL;
    h->invalid = true;
    if (!h->engine)
        h->engine = brig_engine_hint(h->root, NULL);
    return r;
}

/* The image's config, kept beside a config brig rewrote in place at a
 * runtime create: ".NAME.brig-image-" and 16 hex digits of the rewrite's
 * sha256.  Under userNamespace auto the rewrite names that container's own
 * id range and views, which no other container may have: a second create
 * from the same bundle (`brig run` twice) hardens the image's config again
 * instead, as long as the file is still brig's unchanged rewrite.  A config
 * edited since has another hash and is hardened as it is.  Whoever could
 * plant the copy could write config.json itself, and it is judged in full
 * like any config. */
static char *image_path(const char *path, const char *name, const char *data, size_t len)
{
    uint8_t d[32];
    brig_sha256(data, len, d);
    const char *slash = strrchr(path, '/');
    int dir = slash ? (int)(slash - path + 1) : 0;
    return xasprintf("%.*s.%s.brig-image-%02x%02x%02x%02x%02x%02x%02x%02x", dir, path, name, d[0],
                     d[1], d[2], d[3], d[4], d[5], d[6], d[7]);
}

/* Keeps `data` (the config hardened) as the image's copy for the rewrite
 * `out`; best effort: without it, a second create is judged as written. */
static void keep_image(const BrigFile *f, const char *path, const char *data, size_t len,
                       const char *out, size_t out_len)
{
    brig_output_remove_kept(f->dirfd, f->name, ".brig-image-");
    _cleanup_free_ char *ip = image_path(path, f->name, out, out_len);
    const char *iname = strrchr(ip, '/') ? strrchr(ip, '/') + 1 : ip;
    BrigError *e = NULL;
    if (brig_output_write_at(f->dirfd, iname, data, len, 0600, &e) < 0)
        brig_error_free(e);
}

int brig_harden_file(BrigHardenFile *h, BrigError **err)
{
    _cleanup_(brig_file_freep) BrigFile *f = NULL;
    _cleanup_(brig_file_freep) BrigFile *img = NULL;
    _cleanup_(brig_json_freep) BrigJson *spec = NULL;
    int r = brig_file_load(h->path, BRIG_FILE_MAX_SIZE, &f, err);
    if (r < 0)
        return r;
    /* the input: the image's config when the file is brig's own rewrite */
    const BrigFile *in_file = f;
    if (h->keep_image && !h->process) {
        _cleanup_free_ char *ip = image_path(h->path, f->name, f->data, f->len);
        if (brig_file_load(ip, BRIG_FILE_MAX_SIZE, &img, NULL) == 0)
            in_file = img;
    }
    r = brig_json_parse(in_file->data, in_file->len, h->path, 0, &spec, err);
    if (r < 0)
        return invalid_input(h, "parse", r, err);

    /* Rules match on the config's annotations; an exec process file has
     * none, so exec matches on the container id alone. */
    BrigMatchInput in = {.id = h->id, .spec = h->process ? NULL : spec};
    r = brig_policy_resolve(h->doc, &in, &h->policy, err);
    if (r < 0)
        return r;
    h->engine = brig_engine_hint(h->root, h->process ? NULL : spec);

    BrigCtx ctx = {.policy = h->policy,
                   .host = h->host,
                   .container_id = h->id,
                   .bundle = h->bundle,
                   .exec = h->exec};
    h->rep.no_values = h->no_values;
    r = h->process ? brig_harden_process(&ctx, spec, &h->rep, err)
                   : brig_harden(&ctx, spec, &h->rep, err);
    if (r < 0) {
        invalid_input(h, h->rep.pass, r, err);
        return brig_error_prefix(err, "%s", h->path);
    }

    size_t len;
    /* the output is about the input's size: one buffer, not a doubling series */
    _cleanup_free_ char *out =
        brig_json_serialize_sized(spec, BRIG_JSON_PRETTY, f->len + f->len / 4 + 4096, &len);
    h->changed = len != f->len || memcmp(out, f->data, len) != 0;
    if (!h->changed) {
        h->result = TAKE_PTR(spec);
        return 0;
    }
    if (h->dry_run || h->policy->mode != BRIG_MODE_ENFORCE ||
        brig_report_count(&h->rep, BRIG_REFUSE) > 0)
        return 0;
    r = brig_file_replace(f, out, len, err);
    if (r < 0)
        return r;
    h->written = true;
    if (h->keep_image && !h->process)
        keep_image(f, h->path, in_file->data, in_file->len, out, len);
    h->result = TAKE_PTR(spec);
    return 0;
}

void brig_harden_file_done(BrigHardenFile *h)
{
    brig_policy_free(h->policy);
    h->policy = NULL;
    brig_json_free(h->result);
    h->result = NULL;
    brig_report_clear(&h->rep);
}

bool brig_harden_refused(const BrigHardenFile *h)
{
    switch (h->policy->mode) {
    case BRIG_MODE_ENFORCE:
        return brig_report_count(&h->rep, BRIG_REFUSE) > 0;
    case BRIG_MODE_REJECT:
        return brig_report_count(&h->rep, BRIG_REFUSE) + brig_report_count(&h->rep, BRIG_FIX) > 0;
    case BRIG_MODE_AUDIT:
    case BRIG_MODE_LEARN:
        return false;
    }
    return true;
}
