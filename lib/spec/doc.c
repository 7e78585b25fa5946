/* SPDX-License-Identifier: GPL-2.0-or-later */
/* docs/spec-fields.md, printed from the table: the doc cannot drift from
 * what the spec pass enforces (tests/unit/test_spec.c compares them). */
#include <stdio.h>

#include "table.h"

#include "../util.h"

static const char header[] =
    "# Runtime-spec fields and what brig decides about them\n"
    "\n"
    "<!-- Generated from lib/spec/table.c by `build/lib/spec-fields > docs/spec-fields.md`;\n"
    "     do not edit: the unit test `spec` fails when this file and the table differ. -->\n"
    "\n"
    "Every field of the OCI runtime-spec (up to v1.3) that runc 1.1/1.2 or crun 1.8+ read,\n"
    "in `config.json` and in an exec process file (the rows under `/process`), with brig's\n"
    "decision. The `spec` pass runs before every other pass and reads each key of the\n"
    "document as the runtimes will:\n"
    "\n"
    "- a key that has no row here, inside `process`, `root`, `linux`, a mount, a device, a\n"
    "  hook or `seccomp`, is **refused**: a runtime may act on it. The policy grant\n"
    "  `specFields` lets one through by JSON pointer, `*` matching any one array index or\n"
    "  map key: `\"specFields\": [\"/linux/foo\", \"/mounts/*/x-opt\"]`. A top-level key without\n"
    "  a row is an extension and is kept as written;\n"
    "- a key that Go's encoding/json (runc) would read as a field but that is not spelled\n"
    "  exactly like it (`Limit`, `PROCESS`, `proce\xc5\xbfs` with U+017F, `\xe2\x84\xaa` U+212A "
    "for\n"
    "  k, U+0130/U+0131 for i) is refused, and so is a second copy of a field or of a map\n"
    "  key: runc reads the last copy, crun the first. No grant allows these;\n"
    "- a row marked *refused unless granted* is refused unless `specFields` names it (for\n"
    "  a map, its keys one by one: `/linux/resources/unified/memory.high`).\n"
    "\n"
    "Audit mode runs the container and logs each of these refusals; enforce and reject\n"
    "refuse it. A row's decision names the pass that rewrites the field (see brig(8) and\n"
    "docs/security.md) or the grant that allows it (brig-policy(5)). What brig does with\n"
    "the runtime's command-line flags is in [spec-flags.md](spec-flags.md).\n"
    "\n"
    "| Field | Shape | Decision | By | Why |\n"
    "|---|---|---|---|---|\n";

char *brig_spec_markdown(void)
{
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    if (!f)
        abort();
    fputs(header, f);
    for (size_t i = 0; i < brig_spec_n_fields; i++) {
        const BrigSpecField *r = &brig_spec_fields[i];
        fprintf(f, "| `%s` | %s | %s | %s | %s |\n", *r->path ? r->path : "(top level)",
                brig_spec_shape_name(r->shape), brig_spec_decision_name(r->decision),
                r->by ? r->by : "", r->why);
    }
    if (fclose(f) != 0)
        abort();
    return out;
}
