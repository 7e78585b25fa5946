/* SPDX-License-Identifier: GPL-2.0-or-later */
/* brig: argv dispatch.  Runtime mode (everything that is not one of brig's
 * own commands) hardens and execs the real runtime; the offline commands
 * serve people. */
#include <stdio.h>

#include "brig.h"
#include "config.h"
#include "log.h"
#include "sctool.h"

static const struct {
    const char *name;
    int (*fn)(int argc, char **argv, const BrigArgv *a, BrigError **err);
    const char *summary;
} commands[] = {
    {"harden", cmd_harden, "harden a bundle or config file offline"},
    {"check", cmd_check, "list policy violations without changing anything"},
    {"policy", cmd_policy, "show or validate a policy file"},
    {"apparmor", cmd_apparmor, "show or load brig's AppArmor profile"},
    {"doctor", cmd_doctor, "check whether this host can enforce the policy"},
    {"seccomp", cmd_seccomp, "show, export, explain or compare seccomp profiles"},
    {"record", cmd_record, "record a minimal seccomp profile from a real run"},
    {"trace-denials", cmd_trace_denials, "run a container and list the syscalls its profile denies"},
};

static void usage(FILE *out)
{
    fprintf(out, "Usage: brig [RUNTIME-GLOBAL-FLAGS] [--brig-policy FILE] COMMAND [ARGS...]\n\n"
                 "brig hardens OCI bundles and runs the real runtime (runc or crun).\n\n"
                 "brig's own commands:\n");
    for (size_t i = 0; i < ELEMENTSOF(commands); i++)
        fprintf(out, "  %-14s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\nEvery other command (create, run, exec, start, kill, delete, state, ...)\n"
                 "goes to the real runtime; create, run, restore and exec are hardened first.\n"
                 "See brig(1).\n");
}

int main(int argc, char **argv)
{
    BrigArgv a = {0};
    _cleanup_(brig_error_freep) BrigError *err = NULL;
    int status;

    if (brig_argv_parse(argc, argv, &a, &err) < 0) {
        status = BRIG_EXIT_USAGE;
        goto fail;
    }

    if (!a.cmd && a.help) {
        usage(stdout);
        status = BRIG_EXIT_OK;
        goto out;
    }
    for (size_t i = 0; a.cmd && i < ELEMENTSOF(commands); i++) {
        if (!streq(a.cmd, commands[i].name))
            continue;
        status = commands[i].fn(a.argc - a.cmd_idx, a.argv + a.cmd_idx, &a, &err);
        if (err)
            goto fail;
        goto out;
    }

    status = cmd_runtime(&a, &err);
    if (!err)
        goto out;

fail : {
    _cleanup_free_ char *msg = xasprintf("brig: %s", err->msg);
    fprintf(stderr, "%s\n", msg);
    brig_log_engine(a.log, a.log_format, "error", msg);
}
out:
    brig_argv_done(&a);
    return status;
}
