/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* cmd/brig: the only code that prints or exits.  Each command returns its
 * exit status; errors come back as BrigError and main() reports them. */

#include <stdio.h>

#include "error.h"
#include "harden.h"
#include "report.h"
#include "runtime.h"

/* Exit statuses: 0 ok; 1 refused / violations found / runtime failure;
 * 2 usage or input error (DESIGN: `brig check` gates pipelines on these).
 * record and trace-denials add 3 (the container did not start) and 4 (it
 * ran and failed), and 128+N when a signal N stopped them. */
enum {
    BRIG_EXIT_OK = 0,
    BRIG_EXIT_REFUSED = 1,
    BRIG_EXIT_USAGE = 2,
    BRIG_EXIT_NOT_STARTED = 3,
    BRIG_EXIT_CONTAINER = 4,
};

int cmd_harden(int argc, char **argv, const BrigArgv *a, BrigError **err);
int cmd_check(int argc, char **argv, const BrigArgv *a, BrigError **err);
int cmd_policy(int argc, char **argv, const BrigArgv *a, BrigError **err);
int cmd_runtime(BrigArgv *a, BrigError **err);
int cmd_apparmor(int argc, char **argv, const BrigArgv *a, BrigError **err);
int cmd_doctor(int argc, char **argv, const BrigArgv *a, BrigError **err);
int cmd_explain(int argc, char **argv, const BrigArgv *a, BrigError **err);
int cmd_learned(int argc, char **argv, const BrigArgv *a, BrigError **err);

/* learn.c: at a create in learn mode, the config at `path` keeps what the
 * engine asked for and gets the learn profile, with a learn daemon
 * listening (lib/learn/learn.h); h->rep is what enforce would have done. */
int learn_setup(const BrigArgv *a, const char *path, BrigHardenFile *h, const char *runtime,
                BrigError **err);

/* policy.c: loads every file a policy names (seccomp profiles), in the
 * defaults and in each rule; <0 with the first that would refuse every
 * container it applies to. */
int policy_check_files(const BrigPolicyDoc *doc, BrigError **err);

/* cli.c: a bundle directory names its config.json; anything else is a file. */
char *cli_target_path(const char *target);
/* The index of value in the NULL-terminated names (the first is the
 * default), or <0 with "CMD: unknown format" in err. */
int cli_format(const char *cmd, const char *value, const char *const *names, BrigError **err);

/* explain.c: the record `brig explain ID` reads, written at create and
 * removed at delete (before the runtime is exec'd: brig does not come
 * back).  Both are best effort: a record is never a reason to fail. */
void explain_record_save(const BrigArgv *a, const BrigHardenFile *h, const char *decision);
void explain_record_remove(const BrigArgv *a);

/* Runtime-mode MAC hooks (mac.c): prepare fills the host's SELinux labels
 * (reserving a category pair at create) before hardening; after_harden loads
 * brig's AppArmor profile when the hardened file names it, recording a
 * refusal in h->rep if that fails; finish releases an unused pair; release
 * frees the container's pair on delete. */
typedef struct BrigMacState {
    char *process, *mount, *level;
    bool reserved, used;
} BrigMacState;
void mac_prepare(BrigHost *host, const BrigArgv *a, bool create, BrigMacState *st);
void mac_after_harden(const BrigArgv *a, const char *path, bool process_file, BrigHardenFile *h,
                      BrigMacState *st);
void mac_finish(const BrigArgv *a, BrigMacState *st, bool refused);
void mac_release(const BrigArgv *a);

/* Runtime-mode user-namespace hooks (userns.c): prepare gives the host the
 * callbacks the userns pass calls at create; finish undoes the views and
 * range of a container refused or not hardened.  userns_delete, for a
 * delete of a container brig holds views or a range for, runs the runtime
 * as a child and undoes them once the runtime's delete succeeded or its
 * state is gone; it returns the exit status to leave with, or -1 when brig
 * holds nothing for the container (the runtime is then exec'd). */
void userns_prepare(BrigHost *host, const BrigArgv *a, const char *runtime, bool create);
void userns_finish(const BrigArgv *a, const BrigHardenFile *h, bool refused);
int userns_delete(const BrigArgv *a, const char *runtime);
/* Replaces a stdio fd that is the host's /dev/null by brig's own null
 * device node (crun 1.8.1 chowns stdio to a user-namespaced container). */
void userns_private_null(void);
int cmd_gc(int argc, char **argv, const BrigArgv *a, BrigError **err);

/* Prints the report, one change per line, or as a diff-style block. */
void print_report(FILE *out, const BrigReport *rep, bool diff);
