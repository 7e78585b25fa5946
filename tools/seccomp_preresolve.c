/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Build step: brig's default seccomp profile resolved for no capabilities
 * (what the built-in policy keeps) and narrowed for an x86_64 host, with
 * and without x32, written as JSON for tools/embed_tree.py.  It runs the
 * same brig_seccomp_resolve() and brig_seccomp_narrow() as brig, linked
 * without the pre-resolved trees it produces.
 *
 * Usage: seccomp_preresolve WITH_X32.json WITHOUT_X32.json */
#include <stdio.h>

#include "seccomp.h"

static int write_one(const char *path, bool x32_disabled)
{
    const BrigJson *def;
    BrigJson *want = NULL;
    BrigError *err = NULL;
    if (brig_seccomp_default(&def, &err) < 0 || brig_seccomp_resolve(def, 0, &want, &err) < 0) {
        fprintf(stderr, "seccomp_preresolve: %s\n", err ? err->msg : "failed");
        return 1;
    }
    brig_seccomp_narrow(want, SCMP_ARCH_X86_64, x32_disabled);
    size_t len;
    char *text = brig_json_serialize(want, BRIG_JSON_PRETTY, &len);
    FILE *f = fopen(path, "w");
    int bad = !f || fwrite(text, 1, len, f) != len;
    if (f && fclose(f) != 0)
        bad = 1;
    if (bad)
        fprintf(stderr, "seccomp_preresolve: cannot write %s\n", path);
    free(text);
    brig_json_free(want);
    return bad;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: seccomp_preresolve WITH_X32.json WITHOUT_X32.json\n");
        return 2;
    }
    return write_one(argv[1], false) || write_one(argv[2], true);
}
