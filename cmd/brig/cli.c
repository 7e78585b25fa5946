/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Conventions shared by brig's own commands: one --format flag, bundle or
 * file operands. */
#include <sys/stat.h>

#include "brig.h"
#include "bundle.h"

char *cli_target_path(const char *target)
{
    struct stat st;
    if (stat(target, &st) == 0 && S_ISDIR(st.st_mode))
        return brig_bundle_config_path(target, NULL);
    return xstrdup(target);
}

int cli_format(const char *cmd, const char *value, const char *const *names, BrigError **err)
{
    size_t n = 0;
    for (; names[n]; n++)
        if (streq(value, names[n]))
            return (int)n;
    _cleanup_free_ char *list = xstrdup(names[0]);
    for (size_t i = 1; i < n; i++) {
        char *next = xasprintf("%s%s%s", list, i + 1 == n ? " or " : ", ", names[i]);
        free(list);
        list = next;
    }
    return brig_error_set(err, EINVAL, "%s: unknown format \"%s\" (%s)", cmd, value, list);
}
