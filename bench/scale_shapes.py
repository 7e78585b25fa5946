#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Adversarial config shapes for bench/scale: one config per shape and size,
each grown from runc's spec along one axis only, with entries a pass has to
act on (remove, rewrite or report) rather than entries it skips, since a
removal that shifts the array is what made a pass quadratic (issue 13: 45 s
for 600k run.oci.* annotations).

Usage: scale_shapes.py RUNC_SPEC OUTDIR SIZE...   (SIZE in bytes)
Writes OUTDIR/<shape>-<size>.json and prints their names, one per line."""
import json
import sys


def annotations(c, n):
    # every other one is removed (run.oci.*), the rest kept: the worst case
    # for a shifting removal
    c["annotations"] = {("run.oci.handler.%07d" if k % 2 == 0 else "io.example.k%07d") % k: "x"
                        for k in range(n)}


def sysctls(c, n):
    c["linux"]["sysctl"] = {("kernel.bench%07d" if k % 2 == 0 else "net.ipv4.ping_group_range%07d")
                            % k: "1" for k in range(n)}


def env(c, n):
    # names that look like secrets (reported) among plain ones
    c["process"]["env"] = [("API_TOKEN_%07d=hunter2" if k % 2 == 0 else "PLAIN_%07d=value") % k
                           for k in range(n)]


def devices(c, n):
    c["linux"]["devices"] = [{"path": "/dev/bench%07d" % k, "type": "c", "major": 1,
                              "minor": 3, "fileMode": 438, "uid": 0, "gid": 0}
                             for k in range(n)]
    c["linux"].setdefault("resources", {})["devices"] = [
        {"allow": k % 2 == 0, "type": "c", "major": 1, "minor": 3, "access": "rwm"}
        for k in range(n)]


def mounts(c, n):
    for k in range(n):
        c["mounts"].append({"destination": "/data/%07d" % k, "type": "bind",
                            "source": "/srv/bench/%07d" % k,
                            "options": ["rbind", "rw", "suid", "dev", "exec", "rw", "suid"]})


def capabilities(c, n):
    names = ["CAP_SYS_ADMIN", "CAP_NET_RAW", "CAP_CHOWN", "CAP_SYS_PTRACE", "CAP_KILL"]
    caps = c["process"]["capabilities"]
    for s in ("bounding", "effective", "permitted", "inheritable", "ambient"):
        caps[s] = [names[k % len(names)] for k in range(n // 5)]


def seccomp(c, n):
    # an engine profile of many rules: conditional ones (args), plain
    # allows, and errno rules, as Docker's but much longer
    calls = ["read", "write", "openat", "close", "getcwd", "clone", "socket", "personality",
             "mmap", "futex", "sethostname", "ioctl", "fcntl", "prctl", "kill"]
    rules = []
    for k in range(n):
        name = calls[k % len(calls)]
        r = {"names": [name], "action": "SCMP_ACT_ALLOW"}
        if k % 3 == 1:
            r["args"] = [{"index": k % 6, "value": k, "op": "SCMP_CMP_EQ"}]
        elif k % 3 == 2:
            r["action"] = "SCMP_ACT_ERRNO"
            r["errnoRet"] = 1
        rules.append(r)
    c["linux"]["seccomp"] = {"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 38,
                             "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
                             "syscalls": rules}


def gids(c, n):
    c["process"]["user"]["additionalGids"] = [0 if k % 2 == 0 else k for k in range(n)]


def hooks(c, n):
    c["hooks"] = {"prestart": [{"path": "/usr/bin/hook%07d" % k, "args": ["hook", "x"]}
                               for k in range(n)]}


SHAPES = {"annotations": annotations, "sysctls": sysctls, "env": env, "devices": devices,
          "mounts": mounts, "capabilities": capabilities, "seccomp": seccomp, "gids": gids,
          "hooks": hooks}


def build(base, shape, n):
    c = json.loads(json.dumps(base))
    SHAPES[shape](c, n)
    return json.dumps(c, indent="\t") + "\n"


def main():
    src, out, sizes = sys.argv[1], sys.argv[2], [int(s) for s in sys.argv[3:]]
    base = json.load(open(src))
    only = [s for s in SHAPES if s in (__import__("os").environ.get("SHAPES") or s).split(",")]
    for shape in only:
        # entries per byte from a probe, then one step of correction
        per = (len(build(base, shape, 1000)) - len(build(base, shape, 0))) / 1000
        fixed = len(build(base, shape, 0))
        for size in sizes:
            n = max(1, int((size - fixed) / per))
            text = build(base, shape, n)
            name = "%s/%s-%d.json" % (out, shape, size)
            open(name, "w").write(text)
            print(name)


if __name__ == "__main__":
    main()
