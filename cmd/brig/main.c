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
    {"check", cmd_check, "list policy violations without changing anything (CI gate)"},
    {"gc", cmd_gc, "remove user-namespace views and id ranges of containers that are gone"},
    {"explain", cmd_explain, "show what brig changed in a container it created, and why"},
    {"learned", cmd_learned, "print the policy a container run in learn mode needs"},
    {"policy", cmd_policy, "show or validate a policy file"},
    {"apparmor", cmd_apparmor, "show or load brig's AppArmor profile"},
    {"doctor", cmd_doctor, "check whether this host can enforce the policy"},
    {"seccomp", cmd_seccomp, "show, export, explain or compare seccomp profiles"},
    {"record", cmd_record, "record a minimal seccomp profile from a real run"},
    {"trace-denials", cmd_trace_denials,
     "run a container and list the syscalls its profile denies"},
};

/* brig's usage, not the runtime's: a person typing `brig` or `brig --help`
 * wants to know what brig is and how it picks the runtime.  Engines never
 * ask for it (they call --version and features). */
static void usage(FILE *out)
{
    fprintf(out, "Usage: brig [RUNTIME-GLOBAL-FLAGS] [--brig-policy FILE] [--brig-runtime PATH]\n"
                 "            COMMAND [ARGS...]\n\n"
                 "brig hardens OCI bundles and runs the real runtime (runc or crun).\n\n"
                 "brig's own commands:\n");
    for (size_t i = 0; i < ELEMENTSOF(commands); i++)
        fprintf(out, "  %-14s %s\n", commands[i].name, commands[i].summary);
    fprintf(out,
            "\nRuntime commands, hardened first, then run by the real runtime:\n"
            "  create, run, restore (the bundle's config.json), exec (the process)\n"
            "Runtime commands passed through unchanged:\n"
            "  start, state, kill, delete, list, ps, pause, resume, events, update,\n"
            "  checkpoint, spec, features, and any other command brig does not know\n\n"
            "brig's flags (before COMMAND; removed before the runtime sees argv):\n"
            "  --brig-policy FILE    the policy (default " BRIG_POLICY_DEFAULT_PATH " if present,\n"
            "                        else the built-in default)\n"
            "  --brig-runtime PATH   the real runtime\n\n"
            "The real runtime is, in order: the policy's \"runtime\", --brig-runtime PATH,\n"
            "$BRIG_RUNTIME, then runc and crun on PATH (never brig itself).\n"
            "Runtime global flags (--root, --log, --log-format, --debug, --systemd-cgroup)\n"
            "pass through to it.\n\n"
            "brig COMMAND --help     a brig command's help\n"
            "brig --version          brig's version, then the runtime's\n"
            "See brig(8).\n");
}

static int find_command(const char *name)
{
    for (size_t i = 0; name && i < ELEMENTSOF(commands); i++)
        if (streq(name, commands[i].name))
            return (int)i;
    return -1;
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

    /* `brig` alone, `brig --help`, `brig help`: brig's usage.  `brig help
     * CMD` is CMD's help, brig's own or the runtime's (`runc help CMD`). */
    bool help_cmd = a.cmd && streq(a.cmd, "help");
    if (a.argc <= 1 || (!a.cmd && a.help) || (help_cmd && a.cmd_idx + 1 >= a.argc)) {
        usage(stdout);
        status = BRIG_EXIT_OK;
        goto out;
    }
    if (help_cmd) {
        int k = find_command(a.argv[a.cmd_idx + 1]);
        if (k >= 0) {
            char *hargv[] = {a.argv[a.cmd_idx + 1], (char *)"--help", NULL};
            status = commands[k].fn(2, hargv, &a, &err);
            if (err)
                goto fail;
            goto out;
        }
    }
    int k = find_command(a.cmd);
    if (k >= 0) {
        status = commands[k].fn(a.argc - a.cmd_idx, a.argv + a.cmd_idx, &a, &err);
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
