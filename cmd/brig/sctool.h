/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Shared by `brig seccomp` and `brig record` / `brig trace-denials`. */

#include "json.h"
#include "runtime.h"

/* A hardened copy of a bundle: a private directory holding the config as
 * brig would run it (root.path made absolute so the rootfs is the
 * original's).  The caller removes it with sctool_copy_done. */
typedef struct SctoolCopy {
    char *dir, *config;
    BrigJson *spec;  /* the hardened config */
    char *profile;   /* the policy's seccomp profile file, NULL = default */
    bool unconfined; /* the policy grants no filter */
    char *runtime;   /* the policy's runtime (absolute path), NULL = none named */
} SctoolCopy;

int sctool_harden_copy(const char *bundle, const BrigArgv *a, SctoolCopy *ret, BrigError **err);
/* Writes c->spec back to c->config. */
int sctool_copy_write(const SctoolCopy *c, BrigError **err);
void sctool_copy_done(SctoolCopy *c);

/* Capability mask of a config's bounding set. */
int sctool_bounding_caps(const BrigJson *spec, uint64_t *ret, BrigError **err);

int cmd_seccomp(int argc, char **argv, const BrigArgv *a, BrigError **err);
int cmd_record(int argc, char **argv, const BrigArgv *a, BrigError **err);
int cmd_trace_denials(int argc, char **argv, const BrigArgv *a, BrigError **err);
