/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Shared between policy.c (document validation) and rules.c (matching). */

#include "policy.h"

typedef struct PV {
    const char *name; /* file name for messages */
    BrigError **err;
} PV;

struct BrigRule {
    char *name;
    char **ids;       /* globs on the container id */
    char **images;    /* globs on the image name from trusted annotations */
    char **ann_keys;  /* annotation keys ... */
    char **ann_globs; /* ... and the globs their values must match */
    bool has_mode;
    BrigMode mode;
    BrigJson *allow; /* validated "allow" object, merged at resolve time */
};

int pv_fail(const PV *v, const BrigJson *node, const char *ptr, const char *fmt, ...)
    _printf_(4, 5);
/* A JSON value as a message names it: its type, and a short string or a number's text. */
char *pv_describe(const BrigJson *j);
int pv_type(const PV *v, const BrigJson *j, const char *ptr, BrigJsonType t);
int pv_keys(const PV *v, const BrigJson *obj, const char *ptr, const char *const *allowed);
int pv_strv(const PV *v, const BrigJson *j, const char *ptr, bool globs, char ***ret);
int pv_mode(const PV *v, const BrigJson *j, const char *ptr, BrigMode *ret);
int pv_settings(const PV *v, const BrigJson *obj, const char *ptr, BrigPolicy *pol);
bool pv_glob_valid(const char *g);
int pv_rules(const PV *v, const BrigJson *rules, BrigPolicyDoc *doc);
void brig_rule_clear(BrigRule *r);
void strv_extend(char ***v, char *const *more);
/* policy_limits.c: the built-in rlimit ceilings and OOM floor, and the
 * "rlimits" setting. */
void pv_default_limits(BrigPolicy *p);
int pv_rlimits(const PV *v, const BrigJson *obj, const char *ptr, BrigPolicy *pol);
