/* SPDX-License-Identifier: GPL-2.0-or-later */
/* TEMPORARY minimal parser; replaced by the full urfave/cli-compatible model. */
#include "runtime.h"

int brig_argv_parse(int argc, char *const *argv, BrigArgv *ret, BrigError **err)
{
    *ret = (BrigArgv){.cmd_idx = -1, .id_idx = -1};
    ret->argc = argc;
    ret->argv = xcalloc((size_t)argc + 1, sizeof(char *));
    for (int i = 0; i < argc; i++)
        ret->argv[i] = argv[i];
    if (argc > 1) {
        ret->cmd_idx = 1;
        ret->cmd = argv[1];
    }
    return 0;
}

void brig_argv_done(BrigArgv *a)
{
    free(a->argv);
}

int brig_runtime_find(const char *explicit_path, char **ret_path, BrigError **err)
{
    *ret_path = xstrdup("/usr/sbin/runc");
    return 0;
}

int brig_runtime_exec(const char *path, const BrigArgv *a, BrigError **err)
{
    execv(path, a->argv);
    return brig_error_errno(err, errno, "cannot execute %s", path);
}
