/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdio.h>

#include "brig.h"

void print_report(FILE *out, const BrigReport *rep, bool diff)
{
    for (size_t i = 0; i < rep->n; i++) {
        const BrigChange *c = &rep->v[i];
        if (!diff) {
            fprintf(out, "%-6s %-16s %s: %s\n", brig_change_kind_name(c->kind), c->pass, c->pointer,
                    c->reason);
            continue;
        }
        fprintf(out, "%s  [%s, %s]\n", c->pointer, c->pass, brig_change_kind_name(c->kind));
        if (c->kind == BRIG_FIX) {
            fprintf(out, "  - %s\n  + %s\n", c->before ? c->before : "(absent)",
                    c->after ? c->after : "(absent)");
        } else if (c->kind == BRIG_REFUSE && c->before) {
            fprintf(out, "  ! %s\n", c->before);
        }
        fprintf(out, "  # %s\n", c->reason);
    }
}
