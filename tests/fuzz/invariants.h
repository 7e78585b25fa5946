/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "json.h"
#include "policy.h"

/* Returns NULL when out_proc is a tightening of in_proc under policy, else
 * what is wrong. */
const char *fuzz_check_tightened(const BrigJson *in_proc, const BrigJson *out_proc,
                                 const BrigPolicy *policy);
