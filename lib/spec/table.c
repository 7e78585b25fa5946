/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The spec table (see table.h).  Sources: the runtime-spec's specs-go and
 * JSON schema up to v1.3 (fields runc 1.2+ or crun read that v1.2 lacks are
 * listed too: a runtime that grows them must not find them unjudged), and
 * what runc 1.1/1.2 and crun 1.8+ read from them.
 *
 * Owners fill their rows: a pass that starts judging a field changes its
 * decision here (docs/spec-fields.md follows; `tools/test` checks it). */
#include "table.h"

#include <string.h>

#include "../util.h"

#define ROW(p, s, d, b, w) {p, BRIG_SPEC_##s, BRIG_SPEC_##d, b, w}
#define KEEP(p, s, w) ROW(p, s, KEEP, NULL, w)
#define BY(p, s, pass, w) ROW(p, s, REWRITE, pass, w)
#define GRANT(p, s, w) ROW(p, s, GRANT, BRIG_SPEC_GRANT_FIELDS, w)

/* clang-format off */
const BrigSpecField brig_spec_fields[] = {
    ROW("", EXTENSIBLE, KEEP, NULL, "top level: keys without a row are extensions, kept as written"),
    KEEP("/ociVersion", VALUE, "informational"),

    KEEP("/process", OBJECT, "every key below is judged"),
    KEEP("/process/terminal", VALUE, "a pty from the engine's console socket"),
    KEEP("/process/consoleSize", OBJECT, "terminal size"),
    KEEP("/process/consoleSize/height", VALUE, "terminal size"),
    KEEP("/process/consoleSize/width", VALUE, "terminal size"),
    BY("/process/user", OBJECT, "user", "the identity the process runs as"),
    BY("/process/user/uid", VALUE, "user", "uid 0, in the container or on the host (through linux.uidMappings), becomes the policy's uid or the nearest mapped one unless granted (user); an unmapped uid refused"),
    BY("/process/user/gid", VALUE, "user", "gid 0, in the container or on the host (through linux.gidMappings), becomes the policy's gid or the nearest mapped one unless granted (user); a host system group (/etc/group, 1-999) becomes the policy's gid unless granted (hostGroups); an unmapped gid refused"),
    KEEP("/process/user/umask", VALUE, "file creation mask, no privilege"),
    BY("/process/user/additionalGids", VALUE, "user", "gid 0, in the container or on the host, removed; a host system group (/etc/group, 1-999) removed unless granted (hostGroups); an unmapped gid refused"),
    KEEP("/process/user/username", VALUE, "Windows only; Linux runtimes ignore it"),
    KEEP("/process/args", VALUE, "the command"),
    KEEP("/process/commandLine", VALUE, "Windows only; Linux runtimes ignore it"),
    BY("/process/env", VALUE, "env", "secrets noted, stripped or refused (envSecrets)"),
    KEEP("/process/cwd", VALUE, "resolved inside the container's root"),
    BY("/process/capabilities", OBJECT, "capabilities", "each set reduced to the policy's capabilities"),
    BY("/process/capabilities/bounding", VALUE, "capabilities", "reduced to the policy's capabilities (grant: capabilities)"),
    BY("/process/capabilities/effective", VALUE, "capabilities", "reduced to the policy's capabilities (grant: capabilities)"),
    BY("/process/capabilities/inheritable", VALUE, "capabilities", "reduced; a non-root user's kept capabilities added"),
    BY("/process/capabilities/permitted", VALUE, "capabilities", "reduced to the policy's capabilities (grant: capabilities)"),
    BY("/process/capabilities/ambient", VALUE, "capabilities", "reduced; a non-root user's kept capabilities added"),
    BY("/process/rlimits", OBJECTS, "limits", "each limit lowered to the policy's ceiling (rlimits)"),
    BY("/process/rlimits/*/type", VALUE, "limits", "only the RLIMIT_* names runc and crun both accept; others refused"),
    BY("/process/rlimits/*/hard", VALUE, "limits", "lowered to the ceiling (rlimits); negative (unlimited to crun, an error to runc) refused"),
    BY("/process/rlimits/*/soft", VALUE, "limits", "lowered to the ceiling (rlimits); negative (unlimited to crun, an error to runc) refused"),
    BY("/process/noNewPrivileges", VALUE, "no_new_privileges", "set to true"),
    BY("/process/apparmorProfile", VALUE, "apparmor", "brig's profile where the host enforces AppArmor"),
    BY("/process/oomScoreAdj", VALUE, "limits", "raised to the policy's floor (oomScoreAdjMin); outside -1000..1000 refused"),
    GRANT("/process/scheduler", OBJECT, "a real-time or deadline policy, applied by the runtime, can starve the host's CPUs"),
    KEEP("/process/scheduler/policy", VALUE, "under a granted scheduler"),
    KEEP("/process/scheduler/nice", VALUE, "under a granted scheduler"),
    KEEP("/process/scheduler/priority", VALUE, "under a granted scheduler"),
    KEEP("/process/scheduler/flags", VALUE, "under a granted scheduler"),
    KEEP("/process/scheduler/runtime", VALUE, "under a granted scheduler"),
    KEEP("/process/scheduler/deadline", VALUE, "under a granted scheduler"),
    KEEP("/process/scheduler/period", VALUE, "under a granted scheduler"),
    BY("/process/selinuxLabel", VALUE, "selinux", "container_t with a unique category pair where SELinux is on"),
    GRANT("/process/ioPriority", OBJECT, "the real-time I/O class, applied by the runtime, can starve the host's disks"),
    KEEP("/process/ioPriority/class", VALUE, "under a granted ioPriority"),
    KEEP("/process/ioPriority/priority", VALUE, "under a granted ioPriority"),
    KEEP("/process/execCPUAffinity", OBJECT, "CPUs inside the container's cpuset"),
    KEEP("/process/execCPUAffinity/initial", VALUE, "CPUs inside the container's cpuset"),
    KEEP("/process/execCPUAffinity/final", VALUE, "CPUs inside the container's cpuset"),

    KEEP("/root", OBJECT, "every key below is judged"),
    BY("/root/path", VALUE, "userns_views", "judged by rootfs where it leads (symlinks followed): inside the bundle (not the bundle itself), an engine's image in its storage (/var/lib/docker/overlay2/ID/merged, /var/lib/containers/storage/overlay/ID/merged, ...) or below rootfsAllowed, else refused; under userNamespace auto/require, then brig's idmapped view of it (/run/brig/ct/KEY/ID/rootfs)"),
    BY("/root/readonly", VALUE, "rootfs",
       "set to true unless writableRootfs; tmpfs added at /tmp, /var/tmp, /run and writablePaths"),

    KEEP("/hostname", VALUE, "the container's own UTS namespace"),
    KEEP("/domainname", VALUE, "the container's own UTS namespace"),

    BY("/mounts", OBJECTS, "mounts", "every key of every mount below is judged"),
    BY("/mounts/*/destination", VALUE, "mounts", "proc and sysfs only at /proc and /sys"),
    BY("/mounts/*/type", VALUE, "mounts", "bind, proc, sysfs, tmpfs, devpts, mqueue, cgroup, cgroup2; any other refused unless granted (mountTypes)"),
    BY("/mounts/*/source", VALUE, "mounts", "absolute, judged on the host's real path: devices (devices), sockets (hostSockets), /dev, /proc, /sys, engine data refused unless granted (hostPathsReadOnly); under userNamespace auto/require a bind's source becomes brig's idmapped view of it, after this judgement"),
    BY("/mounts/*/options", VALUE, "mounts", "an allow-list per type (mountOptions); overlay directories judged; nosuid,nodev on binds; propagation made private; every tmpfs bounded: size= and nr_inodes= missing, 0 or above tmpfsSize and tmpfsInodes set to them, read as the kernel reads them"),
    GRANT("/mounts/*/uidMappings", OBJECTS, "an id-mapped mount changes whose files the container owns"),
    KEEP("/mounts/*/uidMappings/*/containerID", VALUE, "under a granted mapping"),
    KEEP("/mounts/*/uidMappings/*/hostID", VALUE, "under a granted mapping"),
    KEEP("/mounts/*/uidMappings/*/size", VALUE, "under a granted mapping"),
    GRANT("/mounts/*/gidMappings", OBJECTS, "an id-mapped mount changes whose files the container owns"),
    KEEP("/mounts/*/gidMappings/*/containerID", VALUE, "under a granted mapping"),
    KEEP("/mounts/*/gidMappings/*/hostID", VALUE, "under a granted mapping"),
    KEEP("/mounts/*/gidMappings/*/size", VALUE, "under a granted mapping"),

    BY("/hooks", OBJECT, "hooks", "hooks run on the host as root: only hooks.allowed, or Docker's hook run by dockerd"),
    BY("/hooks/prestart", OBJECTS, "hooks", "only hooks.allowed, or Docker's hook run by dockerd"),
    KEEP("/hooks/prestart/*/path", VALUE, "judged by the hooks pass"),
    KEEP("/hooks/prestart/*/args", VALUE, "not logged: may carry tokens"),
    KEEP("/hooks/prestart/*/env", VALUE, "not logged: may carry tokens"),
    KEEP("/hooks/prestart/*/timeout", VALUE, "seconds"),
    BY("/hooks/createRuntime", OBJECTS, "hooks", "only hooks.allowed, or Docker's hook run by dockerd"),
    KEEP("/hooks/createRuntime/*/path", VALUE, "judged by the hooks pass"),
    KEEP("/hooks/createRuntime/*/args", VALUE, "not logged: may carry tokens"),
    KEEP("/hooks/createRuntime/*/env", VALUE, "not logged: may carry tokens"),
    KEEP("/hooks/createRuntime/*/timeout", VALUE, "seconds"),
    BY("/hooks/createContainer", OBJECTS, "hooks", "only hooks.allowed, or Docker's hook run by dockerd"),
    KEEP("/hooks/createContainer/*/path", VALUE, "judged by the hooks pass"),
    KEEP("/hooks/createContainer/*/args", VALUE, "not logged: may carry tokens"),
    KEEP("/hooks/createContainer/*/env", VALUE, "not logged: may carry tokens"),
    KEEP("/hooks/createContainer/*/timeout", VALUE, "seconds"),
    BY("/hooks/startContainer", OBJECTS, "hooks", "only hooks.allowed, or Docker's hook run by dockerd"),
    KEEP("/hooks/startContainer/*/path", VALUE, "judged by the hooks pass"),
    KEEP("/hooks/startContainer/*/args", VALUE, "not logged: may carry tokens"),
    KEEP("/hooks/startContainer/*/env", VALUE, "not logged: may carry tokens"),
    KEEP("/hooks/startContainer/*/timeout", VALUE, "seconds"),
    BY("/hooks/poststart", OBJECTS, "hooks", "only hooks.allowed, or Docker's hook run by dockerd"),
    KEEP("/hooks/poststart/*/path", VALUE, "judged by the hooks pass"),
    KEEP("/hooks/poststart/*/args", VALUE, "not logged: may carry tokens"),
    KEEP("/hooks/poststart/*/env", VALUE, "not logged: may carry tokens"),
    KEEP("/hooks/poststart/*/timeout", VALUE, "seconds"),
    BY("/hooks/poststop", OBJECTS, "hooks", "only hooks.allowed, or Docker's hook run by dockerd"),
    KEEP("/hooks/poststop/*/path", VALUE, "judged by the hooks pass"),
    KEEP("/hooks/poststop/*/args", VALUE, "not logged: may carry tokens"),
    KEEP("/hooks/poststop/*/env", VALUE, "not logged: may carry tokens"),
    KEEP("/hooks/poststop/*/timeout", VALUE, "seconds"),

    BY("/annotations", MAP, "annotations", "annotations the runtime acts on (run.oci.*, org.criu.config, ...) removed"),

    KEEP("/linux", OBJECT, "every key below is judged"),
    BY("/linux/uidMappings", OBJECTS, "user", "read as the kernel reads uid_map (340 ranges, no overlap or 32-bit wrap); a range with host uid 0 refused unless granted (mapHostRoot); under userNamespace auto/require, written as the container's own 65536-id range when absent"),
    BY("/linux/uidMappings/*/containerID", VALUE, "user", "first id inside; the process's uid is judged through it"),
    BY("/linux/uidMappings/*/hostID", VALUE, "user", "first id on the host; a range holding 0 refused unless granted (mapHostRoot); a range meeting brig's pool of per-container ranges (userNamespace) refused, but for this container's own"),
    BY("/linux/uidMappings/*/size", VALUE, "user", "number of ids; 0 refused"),
    BY("/linux/gidMappings", OBJECTS, "user", "read as the kernel reads gid_map (340 ranges, no overlap or 32-bit wrap); a range with host gid 0 refused unless granted (mapHostRoot); under userNamespace auto/require, written as the container's own 65536-id range when absent"),
    BY("/linux/gidMappings/*/containerID", VALUE, "user", "first id inside; the process's gids are judged through it"),
    BY("/linux/gidMappings/*/hostID", VALUE, "user", "first id on the host; a range holding 0 refused unless granted (mapHostRoot); a range meeting brig's pool of per-container ranges (userNamespace) refused, but for this container's own"),
    BY("/linux/gidMappings/*/size", VALUE, "user", "number of ids; 0 refused"),
    BY("/linux/sysctl", MAP, "sysctls", "only the Kubernetes safe set and the grant sysctls; net.ipv4.ping_group_range clamped to 0-65535 when brig adds a user namespace"),
    KEEP("/linux/resources", OBJECT, "every key below is judged"),
    BY("/linux/resources/devices", OBJECTS, "devices", "deny-all first; allow rules only for runc's default devices and those granted (devices)"),
    BY("/linux/resources/devices/*/allow", VALUE, "devices", "device cgroup rule"),
    BY("/linux/resources/devices/*/type", VALUE, "devices", "device cgroup rule"),
    BY("/linux/resources/devices/*/major", VALUE, "devices", "device cgroup rule"),
    BY("/linux/resources/devices/*/minor", VALUE, "devices", "device cgroup rule"),
    BY("/linux/resources/devices/*/access", VALUE, "devices", "device cgroup rule"),
    KEEP("/linux/resources/memory", OBJECT, "limits only ever confine the container's own cgroup"),
    KEEP("/linux/resources/memory/limit", VALUE, "memory limit"),
    KEEP("/linux/resources/memory/reservation", VALUE, "soft limit"),
    KEEP("/linux/resources/memory/swap", VALUE, "memory+swap limit"),
    KEEP("/linux/resources/memory/kernel", VALUE, "kernel memory limit (cgroup v1)"),
    KEEP("/linux/resources/memory/kernelTCP", VALUE, "kernel TCP buffer limit (cgroup v1)"),
    KEEP("/linux/resources/memory/swappiness", VALUE, "swap preference"),
    KEEP("/linux/resources/memory/disableOOMKiller", VALUE, "the container's own cgroup only"),
    KEEP("/linux/resources/memory/useHierarchy", VALUE, "cgroup v1 accounting"),
    KEEP("/linux/resources/memory/checkBeforeUpdate", VALUE, "update safety check"),
    KEEP("/linux/resources/cpu", OBJECT, "limits only ever confine the container's own cgroup"),
    KEEP("/linux/resources/cpu/shares", VALUE, "CPU weight"),
    KEEP("/linux/resources/cpu/quota", VALUE, "CFS quota"),
    KEEP("/linux/resources/cpu/burst", VALUE, "CFS burst"),
    KEEP("/linux/resources/cpu/period", VALUE, "CFS period"),
    KEEP("/linux/resources/cpu/realtimeRuntime", VALUE, "real-time budget; real-time scheduling needs a grant"),
    KEEP("/linux/resources/cpu/realtimePeriod", VALUE, "real-time period"),
    KEEP("/linux/resources/cpu/cpus", VALUE, "cpuset"),
    KEEP("/linux/resources/cpu/mems", VALUE, "memory nodes"),
    KEEP("/linux/resources/cpu/idle", VALUE, "SCHED_IDLE for the cgroup"),
    KEEP("/linux/resources/pids", OBJECT, "pids controller"),
    BY("/linux/resources/pids/limit", VALUE, "resources", "absent, 0 or negative becomes the policy's pidsLimit; a higher limit is lowered to it"),
    KEEP("/linux/resources/blockIO", OBJECT, "limits only ever confine the container's own cgroup"),
    KEEP("/linux/resources/blockIO/weight", VALUE, "I/O weight"),
    KEEP("/linux/resources/blockIO/leafWeight", VALUE, "I/O weight"),
    KEEP("/linux/resources/blockIO/weightDevice", OBJECTS, "per-device weight"),
    KEEP("/linux/resources/blockIO/weightDevice/*/major", VALUE, "device"),
    KEEP("/linux/resources/blockIO/weightDevice/*/minor", VALUE, "device"),
    KEEP("/linux/resources/blockIO/weightDevice/*/weight", VALUE, "weight"),
    KEEP("/linux/resources/blockIO/weightDevice/*/leafWeight", VALUE, "weight"),
    KEEP("/linux/resources/blockIO/throttleReadBpsDevice", OBJECTS, "per-device throttle"),
    KEEP("/linux/resources/blockIO/throttleReadBpsDevice/*/major", VALUE, "device"),
    KEEP("/linux/resources/blockIO/throttleReadBpsDevice/*/minor", VALUE, "device"),
    KEEP("/linux/resources/blockIO/throttleReadBpsDevice/*/rate", VALUE, "rate"),
    KEEP("/linux/resources/blockIO/throttleWriteBpsDevice", OBJECTS, "per-device throttle"),
    KEEP("/linux/resources/blockIO/throttleWriteBpsDevice/*/major", VALUE, "device"),
    KEEP("/linux/resources/blockIO/throttleWriteBpsDevice/*/minor", VALUE, "device"),
    KEEP("/linux/resources/blockIO/throttleWriteBpsDevice/*/rate", VALUE, "rate"),
    KEEP("/linux/resources/blockIO/throttleReadIOPSDevice", OBJECTS, "per-device throttle"),
    KEEP("/linux/resources/blockIO/throttleReadIOPSDevice/*/major", VALUE, "device"),
    KEEP("/linux/resources/blockIO/throttleReadIOPSDevice/*/minor", VALUE, "device"),
    KEEP("/linux/resources/blockIO/throttleReadIOPSDevice/*/rate", VALUE, "rate"),
    KEEP("/linux/resources/blockIO/throttleWriteIOPSDevice", OBJECTS, "per-device throttle"),
    KEEP("/linux/resources/blockIO/throttleWriteIOPSDevice/*/major", VALUE, "device"),
    KEEP("/linux/resources/blockIO/throttleWriteIOPSDevice/*/minor", VALUE, "device"),
    KEEP("/linux/resources/blockIO/throttleWriteIOPSDevice/*/rate", VALUE, "rate"),
    KEEP("/linux/resources/hugepageLimits", OBJECTS, "hugetlb limits"),
    KEEP("/linux/resources/hugepageLimits/*/pageSize", VALUE, "page size"),
    KEEP("/linux/resources/hugepageLimits/*/limit", VALUE, "limit"),
    KEEP("/linux/resources/network", OBJECT, "net_cls/net_prio (cgroup v1)"),
    KEEP("/linux/resources/network/classID", VALUE, "traffic class"),
    KEEP("/linux/resources/network/priorities", OBJECTS, "per-interface priority"),
    KEEP("/linux/resources/network/priorities/*/name", VALUE, "interface"),
    KEEP("/linux/resources/network/priorities/*/priority", VALUE, "priority"),
    KEEP("/linux/resources/rdma", MAP_OBJECTS, "RDMA limits per device"),
    KEEP("/linux/resources/rdma/*/hcaHandles", VALUE, "limit"),
    KEEP("/linux/resources/rdma/*/hcaObjects", VALUE, "limit"),
    GRANT("/linux/resources/unified", MAP, "raw cgroup v2 files: \"pids.max\": \"max\" would undo the pids limit"),
    KEEP("/linux/cgroupsPath", VALUE, "chosen by the engine"),
    BY("/linux/namespaces", OBJECTS, "namespaces", "private pid, ipc, uts, mount, network, cgroup unless granted (hostNamespaces); a user namespace added under userNamespace auto/require"),
    BY("/linux/namespaces/*/type", VALUE, "namespaces", "namespace kind"),
    BY("/linux/namespaces/*/path", VALUE, "namespaces", "joining the host's refused unless granted (hostNamespaces); joining a user namespace refused unless granted (mapHostRoot)"),
    BY("/linux/devices", OBJECTS, "devices", "only runc's default devices, with their own numbers, and those granted (devices)"),
    BY("/linux/devices/*/path", VALUE, "devices", "device node path"),
    BY("/linux/devices/*/type", VALUE, "devices", "c, b, u or p"),
    BY("/linux/devices/*/major", VALUE, "devices", "device number"),
    BY("/linux/devices/*/minor", VALUE, "devices", "device number"),
    BY("/linux/devices/*/fileMode", VALUE, "devices", "node mode"),
    BY("/linux/devices/*/uid", VALUE, "devices", "node owner"),
    BY("/linux/devices/*/gid", VALUE, "devices", "node group"),
    GRANT("/linux/netDevices", MAP_OBJECTS, "moves a host network interface into the container"),
    KEEP("/linux/netDevices/*/name", VALUE, "under a granted netDevices"),
    BY("/linux/seccomp", OBJECT, "seccomp", "brig's profile (or the policy's), resolved for the kept capabilities"),
    BY("/linux/seccomp/defaultAction", VALUE, "seccomp", "from brig's profile"),
    BY("/linux/seccomp/defaultErrnoRet", VALUE, "seccomp", "from brig's profile"),
    BY("/linux/seccomp/architectures", VALUE, "seccomp", "from brig's profile"),
    BY("/linux/seccomp/flags", VALUE, "seccomp", "from brig's profile"),
    KEEP("/linux/seccomp/listenerPath", VALUE, "the engine's seccomp-notify supervisor, kept"),
    KEEP("/linux/seccomp/listenerMetadata", VALUE, "for the supervisor"),
    BY("/linux/seccomp/syscalls", OBJECTS, "seccomp", "from brig's profile"),
    BY("/linux/seccomp/syscalls/*/names", VALUE, "seccomp", "from brig's profile"),
    BY("/linux/seccomp/syscalls/*/action", VALUE, "seccomp", "from brig's profile"),
    BY("/linux/seccomp/syscalls/*/errnoRet", VALUE, "seccomp", "from brig's profile"),
    BY("/linux/seccomp/syscalls/*/args", OBJECTS, "seccomp", "from brig's profile"),
    BY("/linux/seccomp/syscalls/*/args/*/index", VALUE, "seccomp", "from brig's profile"),
    BY("/linux/seccomp/syscalls/*/args/*/value", VALUE, "seccomp", "from brig's profile"),
    BY("/linux/seccomp/syscalls/*/args/*/valueTwo", VALUE, "seccomp", "from brig's profile"),
    BY("/linux/seccomp/syscalls/*/args/*/op", VALUE, "seccomp", "from brig's profile"),
    BY("/linux/rootfsPropagation", VALUE, "mounts", "shared propagation made private"),
    BY("/linux/maskedPaths", VALUE, "masked_paths", "Docker's and Podman's list at least"),
    BY("/linux/readonlyPaths", VALUE, "masked_paths", "Docker's and Podman's list at least"),
    BY("/linux/mountLabel", VALUE, "selinux", "matches the process label where SELinux is on"),
    GRANT("/linux/intelRdt", OBJECT, "writes the host's resctrl filesystem; a closID names a group other containers share"),
    KEEP("/linux/intelRdt/closID", VALUE, "under a granted intelRdt"),
    KEEP("/linux/intelRdt/l3CacheSchema", VALUE, "under a granted intelRdt"),
    KEEP("/linux/intelRdt/memBwSchema", VALUE, "under a granted intelRdt"),
    KEEP("/linux/intelRdt/schemata", VALUE, "under a granted intelRdt"),
    KEEP("/linux/intelRdt/enableMonitoring", VALUE, "under a granted intelRdt"),
    KEEP("/linux/intelRdt/enableCMT", VALUE, "under a granted intelRdt (spec 1.0-1.2)"),
    KEEP("/linux/intelRdt/enableMBM", VALUE, "under a granted intelRdt (spec 1.0-1.2)"),
    KEEP("/linux/memoryPolicy", OBJECT, "NUMA policy of the process, within its cpuset"),
    KEEP("/linux/memoryPolicy/mode", VALUE, "NUMA policy"),
    KEEP("/linux/memoryPolicy/nodes", VALUE, "NUMA nodes"),
    KEEP("/linux/memoryPolicy/flags", VALUE, "NUMA flags"),
    KEEP("/linux/personality", OBJECT, "execution domain (LINUX, LINUX32)"),
    KEEP("/linux/personality/domain", VALUE, "execution domain: LINUX32 changes what uname(2) says, no privilege"),
    GRANT("/linux/personality/flags", VALUE, "applied before the seccomp filter: ADDR_NO_RANDOMIZE turns off ASLR, which brig's profile refuses to personality(2) (runc 1.1 and crun 1.8 ignore flags; a runtime that applies them would not)"),
    KEEP("/linux/timeOffsets", MAP_OBJECTS, "clocks of the container's own time namespace"),
    KEEP("/linux/timeOffsets/*/secs", VALUE, "offset"),
    KEEP("/linux/timeOffsets/*/nanosecs", VALUE, "offset"),

    KEEP("/solaris", VALUE, "another platform: Linux runtimes ignore it"),
    KEEP("/windows", VALUE, "another platform: Linux runtimes ignore it"),
    KEEP("/vm", VALUE, "another platform: Linux runtimes ignore it"),
    KEEP("/zos", VALUE, "another platform: Linux runtimes ignore it"),
    KEEP("/freebsd", VALUE, "another platform: Linux runtimes ignore it"),
};
/* clang-format on */
const size_t brig_spec_n_fields = ELEMENTSOF(brig_spec_fields);

const BrigSpecField *brig_spec_find(const char *path)
{
    for (size_t i = 0; i < brig_spec_n_fields; i++)
        if (streq(brig_spec_fields[i].path, path))
            return &brig_spec_fields[i];
    return NULL;
}

/* Whether `path` lies below `base` ("" is above everything). */
static bool below(const char *path, const char *base)
{
    size_t n = strlen(base);
    return strncmp(path, base, n) == 0 && path[n] == '/';
}

size_t brig_spec_subtree_end(size_t i)
{
    size_t k = i + 1;
    while (k < brig_spec_n_fields && below(brig_spec_fields[k].path, brig_spec_fields[i].path))
        k++;
    return k;
}

const char *brig_spec_key(const BrigSpecField *f)
{
    const char *s = strrchr(f->path, '/');
    return s ? s + 1 : f->path;
}

bool brig_spec_is_child(size_t i, size_t k)
{
    const char *base = brig_spec_fields[i].path, *p = brig_spec_fields[k].path;
    if (!below(p, base))
        return false;
    p += strlen(base) + 1;
    /* an array's or a map's members sit one "*" further down */
    BrigSpecShape s = brig_spec_fields[i].shape;
    if (s == BRIG_SPEC_OBJECTS || s == BRIG_SPEC_MAP_OBJECTS) {
        if (!startswith(p, "*/"))
            return false;
        p += 2;
    }
    return !strchr(p, '/');
}

const char *brig_spec_shape_name(BrigSpecShape s)
{
    switch (s) {
    case BRIG_SPEC_VALUE:
        return "value";
    case BRIG_SPEC_OBJECT:
        return "object";
    case BRIG_SPEC_OBJECTS:
        return "array of objects";
    case BRIG_SPEC_MAP:
        return "map";
    case BRIG_SPEC_MAP_OBJECTS:
        return "map of objects";
    case BRIG_SPEC_EXTENSIBLE:
        return "object with extensions";
    }
    return "?";
}

const char *brig_spec_decision_name(BrigSpecDecision d)
{
    switch (d) {
    case BRIG_SPEC_KEEP:
        return "kept";
    case BRIG_SPEC_REWRITE:
        return "rewritten";
    case BRIG_SPEC_GRANT:
        return "refused unless granted";
    case BRIG_SPEC_REMOVE:
        return "removed";
    }
    return "?";
}
