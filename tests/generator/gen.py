#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The spec generator: for every field of brig's spec table
(docs/spec-fields.md, which a unit test keeps equal to lib/spec/table.c) and
every spelling the runtimes accept for its key, it writes configs with
dangerous values, hardens each with brig, and runs under runc and crun each
distinct config brig lets start.  An oracle then looks from the host:

  - the container's uid and gid (all four of each) are not 0;
  - CapEff, CapPrm, CapBnd, CapAmb, CapInh hold no capability (the default
    policy allows none);
  - NoNewPrivs is 1 and Seccomp is 2;
  - every mount is a fresh kernel instance, the container's own rootfs, or
    one of the device nodes every container has: no host path is visible;
  - pids.max of its cgroup is a number, not "max".

Spellings: the exact key, Go's case-folded aliases (Capitalised, UPPER, the
letters U+017F, U+212A, U+0131 that Go folds onto s, k, i), a second copy
before and after a harmless one, and an unknown sibling key.  Every alias,
copy and unknown key must be refused; the exact key with a dangerous value
is either refused or rewritten so that the oracle holds.

Usage: gen.py --brig BRIG --rootfs DIR --work DIR [--budget SECONDS]
              [--runtime runc] [--runtime crun] [--seed N]
Prints one summary line: tried, refused, started, violations.  Exits 1 on
any violation, or when an alias/copy/unknown key was not refused."""

import argparse
import hashlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time

# the policy file every brig call uses (main writes it)
POLICY = None

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class Obj(list):
    """A JSON object as a list of (key, value): keys may repeat."""

    def get(self, key):
        for k, v in reversed(self):
            if k == key:
                return v
        return None

    def set(self, key, value):
        for i, (k, _) in enumerate(self):
            if k == key:
                self[i] = (key, value)
                return
        self.append((key, value))


def to_obj(j):
    if isinstance(j, dict):
        return Obj((k, to_obj(v)) for k, v in j.items())
    if isinstance(j, list):
        return [to_obj(v) for v in j]
    return j


def dump(j):
    if isinstance(j, Obj):
        return "{" + ",".join(json.dumps(k) + ":" + dump(v) for k, v in j) + "}"
    if isinstance(j, list):
        return "[" + ",".join(dump(v) for v in j) + "]"
    return json.dumps(j)


def copy(j):
    if isinstance(j, Obj):
        return Obj((k, copy(v)) for k, v in j)
    if isinstance(j, list):
        return [copy(v) for v in j]
    return j


# ---------------------------------------------------------------- the table

def table_rows():
    rows = []
    with open(os.path.join(REPO, "docs/spec-fields.md"), encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^\| `(/[^`]*)` \| ([^|]+) \| ([^|]+) \|", line)
            if m:
                rows.append((m.group(1), m.group(2).strip(), m.group(3).strip()))
    return rows


# Dangerous values by key name (the last token of a row); a row not named
# here gets the generic ones for its shape.
DANGER = {
    "uid": [0], "gid": [0], "additionalGids": [[0]], "umask": [0],
    "bounding": [["CAP_SYS_ADMIN", "CAP_SYS_MODULE"]],
    "effective": [["CAP_SYS_ADMIN"]], "permitted": [["CAP_SYS_ADMIN"]],
    "inheritable": [["CAP_SYS_ADMIN"]], "ambient": [["CAP_SYS_ADMIN"]],
    "noNewPrivileges": [False], "apparmorProfile": ["unconfined"],
    "oomScoreAdj": [-1000], "readonly": [False],
    "rlimits": [[{"type": "RLIMIT_NOFILE", "hard": 1048576, "soft": 1048576}]],
    "type": ["bind"], "source": ["/", "//etc", "/./dev/kmsg"],
    "destination": ["/host"], "options": [["rbind", "rw", "suid", "dev", "rshared"]],
    "limit": [0, -1], "path": ["/proc/1/ns/net"],
    "major": [7, 1], "minor": [0, 11], "allow": [True], "access": ["rwm"],
    "namespaces": [[{"type": "mount"}]], "maskedPaths": [[]], "readonlyPaths": [[]],
    "sysctl": [{"kernel.core_pattern": "|/tmp/x"}],
    "defaultAction": ["SCMP_ACT_ALLOW"], "syscalls": [[{"names": ["mount"], "action": "SCMP_ACT_ALLOW"}]],
    "rootfsPropagation": ["shared"], "unified": [{"pids.max": "max"}],
    "annotations": [{"run.oci.seccomp.receiver": "/tmp/x.sock"}],
    "cgroupsPath": ["/"],
}


# ... and by row, where the key name is ambiguous.
DANGER_ROW = {
    "/root/path": ["/", "/etc"],
    "/hooks/prestart/*/path": ["/bin/sh"],
    "/linux/devices/*/path": ["/dev/kmsg"],
    "/linux/devices/*/type": ["b"],
}


def danger(row, shape):
    if row in DANGER_ROW:
        return DANGER_ROW[row]
    key = row.rsplit("/", 1)[1]
    if key in DANGER:
        return DANGER[key]
    return {
        "object": [{}],
        "array of objects": [[{}]],
        "map": [{"x": "1"}],
        "map of objects": [{"x": {}}],
    }.get(shape, [0, "/", True])


# The shape of the container of each row, to build the path.
def instantiate(doc, row, value, spelling, rows_by_path):
    """Sets the value at row (tokens with "*") in doc, the last key spelled
    per `spelling`: (mode, alias) with mode exact|alias|dup_first|dup_last|
    unknown.  Returns False if the path cannot be built."""
    toks = row.split("/")[1:]
    cur = doc
    built = ""
    for t in toks[:-1]:
        built += "/" + t
        if t == "*":
            if isinstance(cur, Obj):  # a map of objects (Obj is a list too)
                if not cur:
                    cur.set("gen0", Obj())
                cur = cur[0][1]
            elif isinstance(cur, list):
                if not cur:
                    cur.append(Obj())
                cur = cur[-1] if isinstance(cur[-1], Obj) else None
            if cur is None:
                return False
            continue
        shape = rows_by_path.get(built)
        if not isinstance(cur, Obj):
            return False
        nxt = cur.get(t)
        if nxt is None:
            nxt = [] if shape in ("array of objects",) else Obj()
            if shape == "array of objects" and built == "/mounts":
                nxt = []
            cur.set(t, nxt)
        if shape == "array of objects" and isinstance(nxt, list) and built == "/mounts":
            # a mount of its own, so the others stay what runc spec wrote
            nxt.append(Obj([("destination", "/gen"), ("type", "tmpfs"), ("source", "tmpfs")]))
        cur = nxt
    if not isinstance(cur, Obj):
        return False
    key = toks[-1]
    mode, alias = spelling
    v = to_obj(value)
    if mode == "exact":
        cur.set(key, v)
    elif mode == "alias":
        cur.append((alias, v))
    elif mode == "dup_first":  # dangerous copy first (crun reads it)
        safe = cur.get(key)
        cur[:] = [kv for kv in cur if kv[0] != key]
        cur.append((key, v))
        cur.append((key, safe if safe is not None else copy(v)))
    elif mode == "dup_last":  # dangerous copy last (runc reads it)
        safe = cur.get(key)
        cur[:] = [kv for kv in cur if kv[0] != key]
        cur.append((key, safe if safe is not None else copy(v)))
        cur.append((key, v))
    elif mode == "unknown":
        cur.append((key + "X", v))
    return True


def spellings(key):
    out = [("exact", key)]
    for a in {key[:1].upper() + key[1:], key.upper(), key.lower()}:
        if a != key:
            out.append(("alias", a))
    for letter, folded in (("s", "\u017f"), ("k", "\u212a"), ("i", "\u0131")):
        if letter in key:
            out.append(("alias", key.replace(letter, folded, 1)))
    out += [("dup_first", key), ("dup_last", key), ("unknown", key)]
    return out


# ---------------------------------------------------------------- the oracle

FRESH = {"tmpfs", "proc", "sysfs", "devpts", "mqueue", "cgroup", "cgroup2"}
DEFAULT_DEVS = {"/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty"}


def mountinfo(path):
    out = []
    with open(path) as f:
        for line in f:
            a, b = line.split(" - ", 1)
            a, b = a.split(), b.split()
            out.append({"dev": a[2], "root": a[3], "mnt": a[4], "fstype": b[0]})
    return out


def unescape(p):
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), p)


def oracle(pid, allowed_dirs):
    problems = []
    status = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            status[k] = v.strip()
    for k in ("Uid", "Gid"):
        if "0" in status[k].split():
            problems.append(f"{k} {status[k]}")
    for k in ("CapEff", "CapPrm", "CapBnd", "CapAmb", "CapInh"):
        if int(status[k], 16) != 0:
            problems.append(f"{k} {status[k]}")
    if status.get("NoNewPrivs") != "1":
        problems.append(f"NoNewPrivs {status.get('NoNewPrivs')}")
    if status.get("Seccomp") != "2":
        problems.append(f"Seccomp {status.get('Seccomp')}")
    host = mountinfo("/proc/self/mountinfo")
    for m in mountinfo(f"/proc/{pid}/mountinfo"):
        if m["fstype"] in FRESH:
            continue
        root = unescape(m["root"])
        paths = []
        for h in host:
            hr = unescape(h["root"])
            if h["dev"] == m["dev"] and (root == hr or root.startswith(hr.rstrip("/") + "/")):
                p = unescape(h["mnt"]).rstrip("/") + "/" + root[len(hr):].lstrip("/")
                paths.append("/" + os.path.normpath(p).lstrip("/"))
        ok = any(p == d or p.startswith(d + "/") for p in paths for d in allowed_dirs)
        # the device nodes every container has, and /dev/null bound over a
        # masked path (crun masks that way)
        ok = ok or (paths and all(p in DEFAULT_DEVS for p in paths))
        if not ok:
            problems.append(f"mount {m['mnt']} ({m['fstype']}) shows host {paths or root}")
    pids = None
    with open(f"/proc/{pid}/cgroup") as f:
        for line in f:
            _, ctl, path = line.rstrip("\n").split(":", 2)
            if ctl == "pids":
                pids = f"/sys/fs/cgroup/pids{path}/pids.max"
            elif ctl == "" and pids is None and os.path.exists(f"/sys/fs/cgroup{path}/pids.max"):
                pids = f"/sys/fs/cgroup{path}/pids.max"
    try:
        with open(pids) as f:
            v = f.read().strip()
        if not v.isdigit():
            problems.append(f"pids.max {v}")
    except (OSError, TypeError):
        problems.append("pids.max unreadable")
    return problems


# ---------------------------------------------------------------- running

def run_one(rt, rtpath, brig, bundle, cid, allowed):
    """Runs the bundle through brig in runtime mode; returns (started, problems, note)."""
    env = dict(os.environ, BRIG_RUNTIME=rtpath)
    with open(os.path.join(bundle, "create.out"), "w") as out:
        r = subprocess.run([brig, "--brig-policy", POLICY, "create", "--bundle", bundle, cid], env=env,
                           stdin=subprocess.DEVNULL,
                           stdout=out, stderr=out, timeout=60)
    try:
        if r.returncode != 0:
            with open(os.path.join(bundle, "create.out")) as f:
                text = f.read()
            return False, [], text.strip().splitlines()[-1:] if text else []
        subprocess.run([rtpath, "start", cid], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=60)
        st = json.loads(subprocess.run([rtpath, "state", cid], capture_output=True, text=True,
                                       timeout=60).stdout or "{}")
        pid = st.get("pid", 0)
        if not pid or st.get("status") != "running":
            return False, [], [f"{rt}: status {st.get('status')}"]
        for _ in range(50):  # until the runtime's init has exec'd the command
            try:
                with open(f"/proc/{pid}/comm") as f:
                    if f.read().strip() == "sleep":
                        break
            except OSError:
                break
            time.sleep(0.02)
        try:
            return True, oracle(pid, allowed), []
        except OSError as e:
            return True, [], [f"{rt}: exited before the oracle looked ({e})"]
    finally:
        # through brig, as an engine deletes: brig takes back the container's
        # user-namespace views and id range once the runtime's delete is done
        subprocess.run([brig, "delete", "--force", cid], env=env, stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--brig", required=True)
    ap.add_argument("--rootfs", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--budget", type=float, default=150)
    ap.add_argument("--runtime", action="append", default=[])
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--self-test", action="store_true",
                    help="run the base config without brig: the oracle must object")
    args = ap.parse_args()
    t0 = time.monotonic()
    runtimes = [(rt, shutil.which(rt)) for rt in (args.runtime or ["runc", "crun"])]
    runtimes = [(rt, p) for rt, p in runtimes if p]
    rootfs = os.path.realpath(args.rootfs)
    os.makedirs(args.work, exist_ok=True)
    spec = os.path.join(args.work, "config.json")
    if os.path.exists(spec):
        os.unlink(spec)
    subprocess.run([runtimes[0][1], "spec", "--bundle", args.work], check=True)
    with open(spec, encoding="utf-8") as f:
        base = to_obj(json.load(f))
    base.get("process").set("terminal", False)
    base.get("process").set("args", ["sleep", "20"])
    base.get("root").set("path", rootfs)
    # every config shares one rootfs outside its bundle: the built-in policy
    # and a grant of that rootfs (rootfsAllowed), nothing else
    global POLICY
    POLICY = os.path.join(args.work, "policy.json")
    with open(POLICY, "w", encoding="utf-8") as f:
        json.dump({"version": 1, "defaults": {"rootfsAllowed": [rootfs]}}, f)
    os.chmod(POLICY, 0o644)

    if args.self_test:
        # the oracle's negative control: runc spec's config, not hardened
        b = os.path.join(args.work, "self")
        os.makedirs(b, exist_ok=True)
        base.get("mounts").append(to_obj({"destination": "/mnt", "type": "bind", "source": "/etc",
                                          "options": ["rbind", "ro"]}))
        with open(os.path.join(b, "config.json"), "w", encoding="utf-8") as f:
            f.write(dump(base))
        rt, rtpath = runtimes[0]
        cid = f"brig-gen-self-{os.getpid()}"
        subprocess.run([rtpath, "create", "--bundle", b, cid], stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, timeout=60)
        try:
            subprocess.run([rtpath, "start", cid], check=True, timeout=60)
            pid = json.loads(subprocess.run([rtpath, "state", cid], capture_output=True, text=True,
                                            timeout=60).stdout)["pid"]
            time.sleep(0.2)
            problems = oracle(pid, [rootfs])
        finally:
            subprocess.run([rtpath, "delete", "--force", cid], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, timeout=60)
        for p in problems:
            print(f"self-test: {p}")
        return 0 if problems else 1

    rows = table_rows()
    rows_by_path = {p: s for p, s, _ in rows}
    cases = []
    for path, shape, _ in rows:
        if path == "/ociVersion":
            continue
        key = path.rsplit("/", 1)[1]
        for sp in spellings(key):
            if sp[0] == "unknown" and path.count("/") == 1:
                continue  # a top-level key brig does not know is an extension, kept
            vals = danger(path, shape)
            for v in (vals if sp[0] == "exact" else vals[:1]):
                cases.append((path, shape, sp, v))
    random.Random(args.seed).shuffle(cases)
    # every alias, copy and unknown key first: they cost no runtime
    cases.sort(key=lambda c: c[2][0] == "exact")

    tried = refused = hardened = started = 0
    runs = {rt: 0 for rt, _ in runtimes}
    violations = []
    seen = set()
    skipped_budget = 0
    n = 0
    for path, shape, sp, v in cases:
        if time.monotonic() - t0 > args.budget:
            skipped_budget += 1
            continue
        doc = copy(base)
        if not instantiate(doc, path, v, sp, rows_by_path):
            continue
        n += 1
        bundle = os.path.join(args.work, f"c{n}")
        os.makedirs(bundle, exist_ok=True)
        text = dump(doc)
        with open(os.path.join(bundle, "config.json"), "w", encoding="utf-8") as f:
            f.write(text)
        tried += 1
        h = subprocess.run([args.brig, "harden", "--brig-policy", POLICY, bundle], capture_output=True,
                           text=True, timeout=60)
        if h.returncode != 0:
            refused += 1
            shutil.rmtree(bundle)
            continue
        hardened += 1
        what = f"{path} {sp[0]} {sp[1]!r} = {json.dumps(v)}"
        if sp[0] != "exact":
            violations.append(f"{what}: not refused (brig harden exit 0)")
            shutil.rmtree(bundle)
            continue
        with open(os.path.join(bundle, "config.json"), "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()
        if digest in seen:
            shutil.rmtree(bundle)
            continue
        seen.add(digest)
        any_started = False
        for rt, rtpath in runtimes:
            b2 = os.path.join(args.work, f"r{n}-{rt}")
            os.makedirs(b2, exist_ok=True)
            with open(os.path.join(b2, "config.json"), "w", encoding="utf-8") as f:
                f.write(text)
            ok, problems, note = run_one(rt, rtpath, args.brig, b2, f"brig-gen-{os.getpid()}-{n}-{rt}",
                                         [rootfs])
            runs[rt] += ok
            any_started |= ok
            for p in problems:
                violations.append(f"{what} under {rt}: {p}")
            if not ok and note and os.environ.get("BRIG_GEN_VERBOSE"):
                print(f"# {what} under {rt} did not start: {note[0]}", file=sys.stderr)
            shutil.rmtree(b2)
        started += any_started
        shutil.rmtree(bundle)

    for v in violations:
        print(f"VIOLATION {v}")
    print(f"generator: {len(rows)} table rows, {len(cases)} configs, {tried} tried, {refused} refused, "
          f"{hardened} hardened ({len(seen)} distinct), {started} started "
          f"({', '.join(f'{rt} {k}' for rt, k in runs.items())}), {skipped_budget} over budget, "
          f"{len(violations)} violations, {time.monotonic() - t0:.0f} s")
    return 1 if violations else 0


if __name__ == "__main__":
    sys.exit(main())
