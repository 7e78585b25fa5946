/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Records in the config itself that brig hardened it, with brig's version and
 * the policy digest, so `runc state` and `docker inspect` tooling can tell a
 * hardened container from one that bypassed brig.  Recorded as a note, not a
 * fix: it is brig's own mark, never a violation. */
#include "config.h"
#include "passes.h"

#define BRIG_ANNOTATION "io.brig.hardened"

int pass_annotation(const BrigCtx *ctx, BrigJson *spec, BrigReport *rep, BrigError **err)
{
    BrigJson *ann = pass_ensure(spec, "annotations", BRIG_JSON_OBJECT, "", err);
    if (!ann)
        return -EINVAL;
    _cleanup_free_ char *value = xasprintf("brig/%s policy=%s mode=%s", BRIG_VERSION,
                                           ctx->policy->digest, brig_mode_name(ctx->policy->mode));
    const BrigJson *cur = brig_json_get(ann, BRIG_ANNOTATION);
    if (streq(brig_json_str(cur), value))
        return 0;
    brig_json_set(ann, BRIG_ANNOTATION, brig_json_new_string(value));
    brig_report_note(rep, "/annotations/io.brig.hardened", "%s", value);
    return 0;
}
