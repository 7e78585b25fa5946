/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdio.h>
#include <strings.h>

#include "caps.h"
#include "util.h"

static const char *const cap_names[BRIG_CAP_LAST + 1] = {
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_DAC_READ_SEARCH",
    "CAP_FOWNER",
    "CAP_FSETID",
    "CAP_KILL",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETPCAP",
    "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE",
    "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN",
    "CAP_NET_RAW",
    "CAP_IPC_LOCK",
    "CAP_IPC_OWNER",
    "CAP_SYS_MODULE",
    "CAP_SYS_RAWIO",
    "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",
    "CAP_SYS_ADMIN",
    "CAP_SYS_BOOT",
    "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE",
    "CAP_SYS_TIME",
    "CAP_SYS_TTY_CONFIG",
    "CAP_MKNOD",
    "CAP_LEASE",
    "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL",
    "CAP_SETFCAP",
    "CAP_MAC_OVERRIDE",
    "CAP_MAC_ADMIN",
    "CAP_SYSLOG",
    "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND",
    "CAP_AUDIT_READ",
    "CAP_PERFMON",
    "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE",
};

int brig_cap_from_name(const char *name)
{
    if (!name)
        return -1;
    for (int i = 0; i <= BRIG_CAP_LAST; i++)
        if (strcmp(cap_names[i], name) == 0)
            return i;
    return -1;
}

const char *brig_cap_name(int n)
{
    return n >= 0 && n <= BRIG_CAP_LAST ? cap_names[n] : NULL;
}

char *brig_caps_join(uint64_t mask)
{
    size_t len = 1;
    for (int n = 0; n <= BRIG_CAP_LAST; n++)
        if (mask & (UINT64_C(1) << n))
            len += strlen(cap_names[n]) + 2;
    char *out = xmalloc(len), *o = out;
    for (int n = 0; n <= BRIG_CAP_LAST; n++) {
        if (!(mask & (UINT64_C(1) << n)))
            continue;
        if (o != out)
            o = mempcpy(o, ", ", 2);
        o = stpcpy(o, cap_names[n]);
    }
    *o = '\0';
    return out;
}

int brig_caps_parse_list(const char *list, uint64_t *ret_mask)
{
    uint64_t mask = 0;
    _cleanup_free_ char *copy = xstrdup(list);
    char *save = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        /* "CAP_CHOWN, CAP_KILL" is how people write lists by hand */
        while (*tok == ' ' || *tok == '\t')
            tok++;
        for (size_t l = strlen(tok); l > 0 && (tok[l - 1] == ' ' || tok[l - 1] == '\t'); l--)
            tok[l - 1] = '\0';
        if (!*tok)
            continue;
        if (strcasecmp(tok, "ALL") == 0) {
            mask |= (UINT64_C(1) << (BRIG_CAP_LAST + 1)) - 1;
            continue;
        }
        char name[64];
        snprintf(name, sizeof(name), "%s%s", strncasecmp(tok, "CAP_", 4) == 0 ? "" : "CAP_", tok);
        for (char *p = name; *p; p++)
            if (*p >= 'a' && *p <= 'z')
                *p = (char)(*p - 'a' + 'A');
        int n = brig_cap_from_name(name);
        if (n < 0)
            return -EINVAL;
        mask |= UINT64_C(1) << n;
    }
    *ret_mask = mask;
    return 0;
}
