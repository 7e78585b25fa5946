/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The argv model: NUL-separated tokens in, and whatever parses must never
 * hand a --brig-* flag to the real runtime, and its indices must be sane. */
#include "fuzz.h"
#include "runtime.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    char *buf = xmalloc(size + 1);
    memcpy(buf, data, size);
    buf[size] = '\0';
    char *argv[130] = {"brig"};
    int argc = 1;
    for (char *p = buf; p < buf + size && argc < 128; p += strlen(p) + 1)
        argv[argc++] = p;
    argv[argc] = NULL;

    BrigArgv a = {0};
    BrigError *err = NULL;
    if (brig_argv_parse(argc, argv, &a, &err) == 0) {
        FUZZ_ASSERT(a.argc <= argc && a.argv[a.argc] == NULL, "argv not terminated");
        FUZZ_ASSERT(a.cmd_idx < a.argc && a.id_idx < a.argc, "index out of range");
        FUZZ_ASSERT(!a.cmd || streq(a.argv[a.cmd_idx], a.cmd), "cmd index wrong");
        FUZZ_ASSERT(!a.id || streq(a.argv[a.id_idx], a.id), "id index wrong");
        for (int i = 1; i < (a.cmd_idx >= 0 ? a.cmd_idx : a.argc); i++)
            FUZZ_ASSERT(!startswith(a.argv[i], "--brig-") && !startswith(a.argv[i], "-brig-"),
                        "brig flag %s leaked to the runtime", a.argv[i]);
        brig_argv_done(&a);
    }
    brig_error_free(err);
    free(buf);
    return 0;
}
