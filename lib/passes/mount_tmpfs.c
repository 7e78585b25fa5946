/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Every tmpfs is bounded: its pages live in the host's memory, and its
 * inodes in the kernel's (about 1 KiB each, which size= does not count:
 * 100000 empty files took 99.5 MB of slab in a tmpfs of size=64m).  A tmpfs
 * the config brings (docker run --tmpfs /x, Podman's, a bundle's, the
 * engines' /dev and /dev/shm) with no size, or size=0 or nr_inodes=0, which
 * the kernel reads as no bound, could take the host's memory.  So its
 * size and inodes are read as the kernel reads them (tmpfs_size.h: every
 * suffix, a % of the RAM, the last option winning, nr_blocks= as pages)
 * and, when missing, 0 or above the policy's tmpfsSize and tmpfsInodes,
 * set to them; a smaller bound is the engine's and kept.  A value brig
 * cannot read exactly is refused: judged as what it looks like, it could
 * be what the kernel wraps to no bound ("size=16e").  brig's own tmpfs
 * (rootfs.c) are judged the same way, a writable path's with room for the
 * image's copy (mount_copy_room). */
#include <stdio.h>

#include "../tmpfs_size.h"
#include "mounts.h"

static bool is_bound_option(const BrigJson *o, void *what)
{
    const char *t = brig_json_str(o);
    if (streq(what, "size"))
        return startswith(t, "size=") || startswith(t, "nr_blocks=");
    return startswith(t, "nr_inodes=");
}

static int keep_unbound(BrigJson *o, size_t idx, void *what)
{
    (void)idx;
    return !is_bound_option(o, what);
}

static bool fits_a_page(const BrigCtx *ctx, const BrigJson *opts, const char *dest, const char *op,
                        BrigReport *rep)
{
    size_t n = mount_options_length(opts);
    if (n <= MOUNT_DATA_MAX)
        return true;
    brig_report_refuse(rep, op, opts,
                       "the options of the tmpfs at %s take %zu bytes: the kernel reads only the "
                       "first 4095 bytes of a mount's options, so its bounds (tmpfsSize, "
                       "tmpfsInodes) could be cut off; %s allows at most %d",
                       dest, n, brig_policy_source(ctx->policy), MOUNT_DATA_MAX);
    return false;
}

/* How the kernel reads what the config gave, for the message: `what`
 * is "size" (v in bytes) or "inodes". */
static char *describe(const char *what, bool given, uint64_t v, const char *grant, uint64_t max)
{
    if (!given)
        return xasprintf("no %s given, which the kernel makes %s, now %s %" PRIu64, what,
                         streq(what, "size") ? "half of the RAM" : "half of the RAM's pages", grant,
                         max);
    if (v == 0)
        return xasprintf("%s 0, which the kernel reads as no bound, now %s %" PRIu64, what, grant,
                         max);
    return xasprintf("%s %" PRIu64 ", more than %s %" PRIu64, what, v, grant, max);
}

void mount_bound_tmpfs(const BrigCtx *ctx, const BrigJson *spec, BrigJson *m, size_t i,
                       BrigReport *rep)
{
    const BrigJson *opts = brig_json_get(m, "options");
    if (!streq(brig_json_str(brig_json_get(m, "type")), "tmpfs") ||
        brig_json_array_has_string(opts, "bind") || brig_json_array_has_string(opts, "rbind"))
        return;
    const char *d = brig_json_str(brig_json_get(m, "destination"));
    _cleanup_free_ char *dest = pass_normalize_path(d ? d : "");
    const BrigPolicy *pol = ctx->policy;
    uint64_t ps = ctx->host ? ctx->host->page_size : 0;
    uint64_t mem = ctx->host ? ctx->host->mem_total : 0;
    PassPtr pb, ob, ib;
    const char *p = pass_ptr_index(&pb, "/mounts", i);
    const char *op = pass_ptr(&ob, p, "options");

    BrigTmpfsBounds b = {0};
    bool has_size = false, has_inodes = false, copyup = false, bad = false;
    const BrigJson *o;
    size_t k = 0;
    BRIG_JSON_FOREACH (o, opts) {
        const char *t = brig_json_str(o);
        const char *ip = pass_ptr_index(&ib, op, k++);
        if (!t)
            continue;
        copyup |= streq(t, "tmpcopyup");
        /* fix_mount refused it already: one option that is several */
        if (strchr(t, ',')) {
            bad = true;
            continue;
        }
        /* shmem_parse_options splits the data at a comma only before a
         * non-digit: such an option is read as the end of the one before */
        if (*t >= '0' && *t <= '9') {
            brig_report_refuse(rep, ip, o,
                               "tmpfs option \"%s\" at %s starts with a digit: the kernel reads "
                               "it as part of the option before it; %s does not allow it",
                               t, dest, brig_policy_source(pol));
            bad = true;
            continue;
        }
        const char *why = NULL;
        int r = brig_tmpfs_option(t, mem, ps, &b, &why);
        if (r < 0) {
            brig_report_refuse(rep, ip, o,
                               "tmpfs option \"%s\" at %s cannot be read exactly: %s; brig bounds "
                               "every tmpfs (tmpfsSize, tmpfsInodes) and %s does not allow a bound "
                               "it cannot judge",
                               t, dest, why, brig_policy_source(pol));
            bad = true;
        } else if (r > 0) {
            has_size |= !startswith(t, "nr_inodes=");
            has_inodes |= startswith(t, "nr_inodes=");
        }
    }
    if (bad)
        return;

    uint64_t room_bytes = 0, room_inodes = 0;
    if (copyup)
        mount_copy_room(ctx, spec, dest, &room_bytes, &room_inodes);
    uint64_t max_bytes = sat_add(pol->tmpfs_size, room_bytes);
    uint64_t max_inodes = sat_add(pol->tmpfs_inodes, room_inodes);
    /* with no page size known (a test's host), no size option was read */
    uint64_t max_blocks = ps ? max_bytes / ps + (max_bytes % ps != 0) : 0;
    bool fix_size = b.blocks == 0 || b.blocks > max_blocks;
    bool fix_inodes = b.inodes == 0 || b.inodes > max_inodes;
    if (!fix_size && !fix_inodes) {
        fits_a_page(ctx, opts, dest, op, rep);
        return;
    }

    _cleanup_(brig_json_freep) BrigJson *nopts =
        opts ? brig_json_copy(opts) : brig_json_new(BRIG_JSON_ARRAY);
    _cleanup_free_ char *ws = NULL, *wi = NULL;
    if (fix_size) {
        brig_json_filter(nopts, keep_unbound, (void *)"size");
        _cleanup_free_ char *sz = xasprintf("size=%" PRIu64, max_bytes);
        brig_json_append(nopts, brig_json_new_string(sz));
        /* no page size: no size option was read, b.blocks is 0 */
        uint64_t bytes = !ps ? 0 : b.blocks > UINT64_MAX / ps ? UINT64_MAX : b.blocks * ps;
        ws = describe("size", has_size, bytes, "tmpfsSize", max_bytes);
    }
    if (fix_inodes) {
        brig_json_filter(nopts, keep_unbound, (void *)"inodes");
        _cleanup_free_ char *ni = xasprintf("nr_inodes=%" PRIu64, max_inodes);
        brig_json_append(nopts, brig_json_new_string(ni));
        wi = describe("inodes", has_inodes, b.inodes, "tmpfsInodes", max_inodes);
    }
    if (!fits_a_page(ctx, nopts, dest, op, rep))
        return;
    brig_report_fix(rep, op, opts, nopts,
                    "the tmpfs at %s takes the host's memory, so it is bounded: %s%s%s (%s)", dest,
                    ws ? ws : "", ws && wi ? "; " : "", wi ? wi : "", brig_policy_source(pol));
    brig_json_set(m, "options", TAKE_PTR(nopts));
}
