/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* cmd/brig: the only code that prints or exits.  Each command returns its
 * exit status; errors come back as BrigError and main() reports them. */

#include <stdio.h>

#include "error.h"
#include "report.h"
#include "runtime.h"

/* Exit statuses: 0 ok; 1 refused / violations found / runtime failure;
 * 2 usage or input error (DESIGN: `brig check` gates pipelines on these). */
enum { BRIG_EXIT_OK = 0, BRIG_EXIT_REFUSED = 1, BRIG_EXIT_USAGE = 2 };

int cmd_harden(int argc, char **argv, const BrigArgv *a, BrigError **err);
int cmd_check(int argc, char **argv, const BrigArgv *a, BrigError **err);
int cmd_policy(int argc, char **argv, const BrigArgv *a, BrigError **err);
int cmd_runtime(BrigArgv *a, BrigError **err);

/* Prints the report, one change per line, or as a diff-style block. */
void print_report(FILE *out, const BrigReport *rep, bool diff);
