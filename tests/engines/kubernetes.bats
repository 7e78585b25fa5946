#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# What of the Kubernetes setup in deploy/kubernetes/ can be checked without
# a cluster: a containerd of its own (own root, state and socket, so the
# machine's containerd is untouched) started from `containerd config
# default` plus deploy/kubernetes/containerd-brig.toml verbatim, whose CRI
# plugin must load the brig runtime; and the manifests must agree with it.
# Running a pod needs a kubelet or crictl, a CNI plugin and the pause image:
# none exist here (docs/engines.md, "Use with Kubernetes").

load lib

K8S="$BRIG_REPO/deploy/kubernetes"
K8S_PAUSE=localhost/brig-engines-pause:latest
K8S_BRIDGE=brig-test0

cni_bin_dir() {
	local d
	for d in /usr/lib/cni /opt/cni/bin; do
		[[ -x $d/bridge && -x $d/host-local && -x $d/loopback ]] && { echo "$d"; return 0; }
	done
	echo /usr/lib/cni
}
# Debian's python3 (tomllib, python3-yaml), not whatever python3 is first on PATH
if [[ -x /usr/bin/python3 ]]; then PY=/usr/bin/python3; else PY=python3; fi

setup_file() {
	[[ $(id -u) -eq 0 ]] || skip "needs root"
	command -v containerd >/dev/null || skip "needs containerd (not installed)"
	command -v ctr >/dev/null || skip "needs ctr (not installed)"
	$PY -c 'import tomllib, yaml' 2>/dev/null || skip "needs python3 >= 3.11 with yaml (python3-yaml)"
	eng_install_brig
	# a short path: unix socket names are limited to 108 bytes
	K8S_TMP="$(mktemp -d /tmp/brig-k8s.XXXXXX)"
	export K8S_TMP
	# The node's config: containerd's defaults, relocated, with the pause
	# image made here (no registry) and a CNI bridge network of our own.
	containerd config default |
		sed -e "s#^root = .*#root = \"$K8S_TMP/root\"#" \
			-e "s#^state = .*#state = \"$K8S_TMP/state\"#" \
			-e "s#^  address = \"/run/containerd/containerd.sock\"#  address = \"$K8S_TMP/containerd.sock\"#" \
			-e "s#^\( *sandbox_image = \).*#\1\"$K8S_PAUSE\"#" \
			-e "s#^\( *bin_dir = \)\"/opt/cni/bin\"#\1\"$(cni_bin_dir)\"#" \
			-e "s#^\( *conf_dir = \)\"/etc/cni/net.d\"#\1\"$K8S_TMP/net.d\"#" \
			-e "s#^\( *restrict_oom_score_adj = \)false#\1true#" \
			>"$K8S_TMP/config.toml"
	# restrict_oom_score_adj: the sandbox asks for oomScoreAdj -998, which
	# needs CAP_SYS_RESOURCE, missing from this VM's bounding set (runc then
	# fails with "can't get final child's PID from pipe", brig or not).
	mkdir -p "$K8S_TMP/net.d"
	cat >"$K8S_TMP/net.d/10-brig-test.conflist" <<-EOF
		{"cniVersion": "0.4.0", "name": "brig-test", "plugins": [
		 {"type": "bridge", "bridge": "$K8S_BRIDGE", "isGateway": false, "ipMasq": false,
		  "ipam": {"type": "host-local", "dataDir": "$K8S_TMP/ipam",
		           "ranges": [[{"subnet": "10.254.254.0/24"}]]}},
		 {"type": "loopback"}]}
	EOF
	grep -q "^root = \"$K8S_TMP/root\"" "$K8S_TMP/config.toml" || {
		echo "could not relocate containerd's default config" >&2
		return 1
	}
	# the documented entry, appended as an admin would
	cat "$K8S/containerd-brig.toml" >>"$K8S_TMP/config.toml"
	containerd --config "$K8S_TMP/config.toml" </dev/null &>"$K8S_TMP/containerd.log" 3>&- &
	echo $! >"$K8S_TMP/pid"
	_eng_wait 30 ctr --address "$K8S_TMP/containerd.sock" version || {
		tail -20 "$K8S_TMP/containerd.log" >&2
		return 1
	}
	# the images pods use, in the CRI's namespace
	eng_oci_archive "$K8S_TMP/pause.tar" "$K8S_PAUSE" '["sleep", "2147483647"]' &&
		ctr --address "$K8S_TMP/containerd.sock" -n k8s.io images import "$K8S_TMP/pause.tar" >/dev/null &&
		eng_oci_archive "$K8S_TMP/image.tar" "$ENG_CTR_IMAGE" &&
		ctr --address "$K8S_TMP/containerd.sock" -n k8s.io images import "$K8S_TMP/image.tar" >/dev/null
}

teardown_file() {
	[[ -n ${K8S_TMP:-} && -f $K8S_TMP/pid ]] || return 0
	local pid i
	pid="$(cat "$K8S_TMP/pid")"
	kill "$pid" 2>/dev/null
	for ((i = 0; i < 40; i++)); do
		[[ -d /proc/$pid ]] || break
		sleep 0.25
	done
	umount -R "$K8S_TMP/state" "$K8S_TMP/root" 2>/dev/null
	ip link del "$K8S_BRIDGE" 2>/dev/null
	rm -rf "$K8S_TMP"
}

@test "containerd-brig.toml is valid TOML naming the runc shim and /usr/local/sbin/brig" {
	run $PY - "$K8S/containerd-brig.toml" <<-'EOF'
		import sys, tomllib
		t = tomllib.load(open(sys.argv[1], "rb"))
		rt = t["plugins"]["io.containerd.grpc.v1.cri"]["containerd"]["runtimes"]
		assert list(rt) == ["brig"], rt
		assert rt["brig"]["runtime_type"] == "io.containerd.runc.v2", rt
		assert rt["brig"]["options"] == {"BinaryName": "/usr/local/sbin/brig"}, rt
		print("ok")
	EOF
	[[ $status -eq 0 && $output == ok ]]
}

@test "containerd config dump with the entry shows the brig runtime" {
	run containerd --config "$K8S_TMP/config.toml" config dump
	[[ $status -eq 0 ]]
	run $PY -c '
import sys, tomllib
t = tomllib.loads(sys.stdin.read())
cri = t["plugins"]["io.containerd.grpc.v1.cri"]["containerd"]
b = cri["runtimes"]["brig"]
print(b["runtime_type"], b["options"]["BinaryName"], cri["default_runtime_name"])' <<<"$output"
	[[ $output == "io.containerd.runc.v2 /usr/local/sbin/brig runc" ]] || {
		echo "dump says: $output" >&2
		return 1
	}
}

@test "the CRI plugin of that containerd loads, with the brig runtime" {
	run ctr --address "$K8S_TMP/containerd.sock" plugins ls
	[[ $status -eq 0 ]]
	grep -E '^io\.containerd\.grpc\.v1 +cri +[^ ]+ +ok' <<<"$output" || {
		echo "cri plugin: $(grep cri <<<"$output")" >&2
		grep -i 'cri' "$K8S_TMP/containerd.log" | tail -5 >&2
		return 1
	}
	# the config the running CRI plugin logs at start
	run grep -o 'brig:{Type:io.containerd.runc.v2 [^}]*Options:map\[BinaryName:/usr/local/sbin/brig\]' \
		"$K8S_TMP/containerd.log"
	[[ $status -eq 0 ]] || {
		grep 'Start cri plugin' "$K8S_TMP/containerd.log" | head -c 2000 >&2
		return 1
	}
}

@test "the brig shim runs a container for that containerd (the path CRI takes)" {
	# CRI would start io.containerd.runc.v2 with BinaryName; ctr can start the
	# same shim with the same binary on this containerd.
	local id=brig-k8s-$$
	run timeout 120 ctr --address "$K8S_TMP/containerd.sock" -n k8s.io run --rm \
		--runtime io.containerd.runc.v2 --runc-binary /usr/local/sbin/brig \
		"$ENG_CTR_IMAGE" "$id" sh -c "$ENG_PROOF"
	[[ $status -eq 0 ]] || {
		echo "ctr run failed: $output" >&2
		return 1
	}
	assert_exec_confined
	grep -q '^rootwrite: failed: .*Read-only' <<<"$output"
}

@test "runtimeclass.yaml: RuntimeClass brig whose handler is the containerd runtime name" {
	run $PY - "$K8S/runtimeclass.yaml" "$K8S/containerd-brig.toml" <<-'EOF'
		import sys, tomllib, yaml
		docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
		assert len(docs) == 1, docs
		rc = docs[0]
		assert rc["apiVersion"] == "node.k8s.io/v1" and rc["kind"] == "RuntimeClass", rc
		handlers = list(tomllib.load(open(sys.argv[2], "rb"))["plugins"]["io.containerd.grpc.v1.cri"]["containerd"]["runtimes"])
		assert rc["handler"] in handlers, (rc["handler"], handlers)
		print(rc["metadata"]["name"], rc["handler"])
	EOF
	[[ $status -eq 0 && $output == "brig brig" ]] || {
		echo "$output" >&2
		return 1
	}
}

@test "pod-example.yaml asks for runtimeClassName brig" {
	run $PY -c '
import sys, yaml
p = yaml.safe_load(open(sys.argv[1]))
print(p["kind"], p["spec"]["runtimeClassName"])' "$K8S/pod-example.yaml"
	[[ $output == "Pod brig" ]]
}

@test "node-installer.yaml: DaemonSet installs to the BinaryName path and /etc/brig/policy.json" {
	run $PY - "$K8S/node-installer.yaml" "$K8S/containerd-brig.toml" <<-'EOF'
		import sys, tomllib, yaml, os
		docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
		ds = [d for d in docs if d["kind"] == "DaemonSet"]
		assert len(ds) == 1, [d["kind"] for d in docs]
		spec = ds[0]["spec"]["template"]["spec"]
		assert "runtimeClassName" not in spec, "the installer must not run through brig"
		host = {v["name"]: v["hostPath"]["path"] for v in spec["volumes"] if "hostPath" in v}
		# exactly the two host directories brig lives in, nothing broader
		assert sorted(host.values()) == ["/etc/brig", "/usr/local/sbin"], host
		binary = tomllib.load(open(sys.argv[2], "rb"))["plugins"]["io.containerd.grpc.v1.cri"]["containerd"]["runtimes"]["brig"]["options"]["BinaryName"]
		init = spec["initContainers"][0]
		mounts = {m["mountPath"]: host.get(m["name"]) for m in init["volumeMounts"]}
		script = init["command"][-1]
		# where the script's final rename lands on the host
		def on_host(p):
		    for mp, hp in mounts.items():
		        if hp and p.startswith(mp + "/"):
		            return hp + p[len(mp):]
		# the script calls its tools as "$bb TOOL" (the image holds busybox alone)
		def words(l):
		    w = l.split()
		    return w[1:] if w and w[0] == "$bb" else w
		dests = [on_host(words(l)[-1]) for l in script.splitlines() if words(l)[:2] == ["mv", "-f"]]
		assert binary in dests, (binary, dests)
		assert "/etc/brig/policy.json" in dests, dests
		sc = init["securityContext"]
		assert sc["allowPrivilegeEscalation"] is False and sc["capabilities"]["drop"] == ["ALL"], sc
		assert not sc.get("privileged"), sc
		print("ok")
	EOF
	[[ $status -eq 0 && $output == ok ]] || {
		echo "$output" >&2
		return 1
	}
}

@test "docs/engines.md shows containerd-brig.toml as it is" {
	# the TOML block of the Kubernetes section is the file without comments
	local doc file
	doc="$(awk '/^## Use with Kubernetes/{k=1} k && /```toml/{b=1; next} b && /```/{exit} b' "$ENG_DOC" | sed 's/^  //')"
	file="$(grep -v '^#' "$K8S/containerd-brig.toml")"
	[[ $doc == "$file" ]] || {
		diff <(echo "$doc") <(echo "$file") >&2
		return 1
	}
}

# --- pods through the CRI, as a kubelet would drive it (no crictl in Debian:
# tests/engines/cri-pod.py speaks the CRI's gRPC with python3-grpcio)

cri_pod() { # CRI-POD-FLAGS... -- CMD...
	$PY -c 'import grpc, grpc_tools' 2>/dev/null ||
		skip "needs python3-grpcio and python3-grpc-tools (for a CRI client; Debian has no crictl)"
	[[ -x $(cni_bin_dir)/bridge ]] || skip "needs the CNI plugins (containernetworking-plugins)"
	local logs
	logs="$(mktemp -d "$K8S_TMP/pod.XXXXXX")"
	run timeout 180 $PY "$ENG_DIR/cri-pod.py" --socket "$K8S_TMP/containerd.sock" \
		--image "$ENG_CTR_IMAGE" --log-dir "$logs" "$@"
}

@test "CRI: a pod with runtime handler brig is confined (sandbox and container through brig)" {
	cri_pod --handler brig -- sh -c "$ENG_PROOF"
	[[ $status -eq 0 ]] || {
		echo "pod failed ($status): $output" >&2
		return 1
	}
	assert_confined
}

@test "CRI: a privileged pod asking for uid 0 is confined" {
	cri_pod --handler brig --privileged --run-as-user 0 -- sh -c "$ENG_PROOF"
	[[ $status -eq 0 ]] || {
		echo "pod failed ($status): $output" >&2
		return 1
	}
	assert_confined
}

@test "CRI: the same pod under the default runc handler is not (the test can tell)" {
	cri_pod --handler runc --run-as-user 0 -- sh -c "$ENG_PROOF"
	[[ $status -eq 0 ]] || {
		echo "pod failed ($status): $output" >&2
		return 1
	}
	[[ $(status_field uid) == 0 && $(status_field CapEff) != 0000000000000000 ]]
}

@test "CRI: hostPID is refused, with brig's message in the CRI error" {
	cri_pod --handler brig --host-pid -- true
	assert_refused "pid namespace"
}

@test "CRI: a pod running as a fixed non-root uid keeps it, still confined" {
	cri_pod --handler brig --run-as-user 1000 -- sh -c "$ENG_PROOF"
	[[ $status -eq 0 ]] || {
		echo "pod failed ($status): $output" >&2
		return 1
	}
	assert_confined
	[[ $(status_field uid) == 1000 ]]
}
