/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Prints docs/spec-fields.md from brig's spec table (lib/spec/table.c). */
#include <stdio.h>

#include "spec/table.h"
#include "util.h"

int main(void)
{
    _cleanup_free_ char *md = brig_spec_markdown();
    return fputs(md, stdout) == EOF || fflush(stdout) != 0 ? 1 : 0;
}
