#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# userNamespace "auto" on an overlay rootfs mounted the way engines mount
# one whose options would not fit in a page: layer paths relative to the
# storage directory, from a process that changed into it (Docker's and
# Podman's overlay drivers: lowerdir=l/ID:..., upperdir=ID/diff; containerd:
# lower N/fs relative to the snapshots directory, the upper absolute).
# mountinfo shows the paths as written; brig must find them.  The engines
# themselves: tests/engines/userns-docker.bats (an image of 90 layers).

load helpers

setup() {
	userns_setup userns-overlay '{"version": 1, "audit": {"syslog": false}, "defaults": {"userNamespace": "auto"}}'
	# the overlays stand for an engine's storage, here under $D: granted
	write_policy '{"version": 1, "audit": {"syslog": false}, "defaults": {"userNamespace": "auto", "rootfsAllowed": ["'"$D"'"]}}'
}

teardown() {
	userns_delete_ids
	cleanup_containers
	if [[ -n ${D:-} && -d $D ]]; then
		local m
		for m in "$D"/store/*/merged "$D"/snap/merged; do
			mountpoint -q "$m" 2>/dev/null && umount "$m"
		done
		rm -rf "$D"
	fi
}

# A bundle whose rootfs is ROOTFS (already mounted).
bundle_on() {
	local b="$D/bundle"
	mkdir -p "$b"
	(cd "$b" && runc spec) || return 1
	jq --arg r "$1" '.root = {path: $r, readonly: true} | .process.terminal = false
		| .process.args = ["sleep", "300"] | .linux.cgroupsPath = "/brigtest/ovl-\(now | floor)"' \
		"$b/config.json" >"$b/c.json" && mv "$b/c.json" "$b/config.json"
}

# run_mapped RT: create + start through brig; checks the process from the
# host and the layers from inside.
run_mapped() {
	local rt=$1 id pid base
	[[ $rt == crun ]] && ensure_crun_cgroups
	id="$(new_container_id ovl)"
	IDS+=("$id")
	track_container "$rt" "$id"
	brig_p "$rt" create --bundle "$D/bundle" --pid-file "$D/pid" "$id" >"$T/out" 2>&1 &&
		brig_p "$rt" start "$id" >>"$T/out" 2>&1 || {
		cat "$T/out"
		return 1
	}
	pid="$(cat "$D/pid")"
	base="$(awk '$1 == 0 {print $2}' "/proc/$pid/uid_map")"
	[[ $base -ge 100000 ]] || {
		echo "not mapped: uid_map $(cat "/proc/$pid/uid_map"); brig said: $(cat "$T/out")" >&2
		return 1
	}
	run brig_p "$rt" exec "$id" sh -c 'stat -c %u /etc/passwd /top; cat /top /low'
	[[ $status -eq 0 && $(tr '\n' ' ' <<<"$output") == "0 0 top low " ]] || {
		echo "inside: $output" >&2
		return 1
	}
	brig_p "$rt" delete --force "$id" >/dev/null
}

# Docker's and Podman's shape: everything relative to the storage directory.
docker_shaped() {
	local s="$D/store" id=0123abcd
	mkdir -p "$s/l" "$s/lowerlayer/diff" "$s/$id/diff" "$s/$id/work" "$s/$id/merged"
	make_busybox_rootfs "$s/lowerlayer/diff" || return 1
	echo low >"$s/lowerlayer/diff/low"
	echo top >"$s/$id/diff/top"
	ln -s ../lowerlayer/diff "$s/l/SHORTLINKA"
	(cd "$s" && mount -t overlay overlay -o "lowerdir=l/SHORTLINKA,upperdir=$id/diff,workdir=$id/work" "$id/merged")
	grep -q " $s/$id/merged .*lowerdir=l/SHORTLINKA,upperdir=$id/diff" /proc/self/mountinfo
	bundle_on "$s/$id/merged"
}

# containerd's shape: lowers relative to the snapshots directory, upper absolute.
containerd_shaped() {
	local s="$D/snap"
	mkdir -p "$s/snapshots/1/fs" "$s/snapshots/2/fs" "$s/snapshots/2/work" "$s/merged"
	make_busybox_rootfs "$s/snapshots/1/fs" || return 1
	echo low >"$s/snapshots/1/fs/low"
	echo top >"$s/snapshots/2/fs/top"
	(cd "$s/snapshots" && mount -t overlay overlay \
		-o "upperdir=$s/snapshots/2/fs,workdir=$s/snapshots/2/work,lowerdir=1/fs" "$s/merged")
	bundle_on "$s/merged"
}

@test "auto on an overlay with Docker's relative layer paths: mapped, root-owned, every layer there (runc)" {
	docker_shaped
	run_mapped runc
}

@test "auto on an overlay with Docker's relative layer paths: mapped, root-owned, every layer there (crun)" {
	command -v crun >/dev/null || skip "needs crun"
	docker_shaped
	run_mapped crun
}

@test "auto on an overlay with containerd's relative lower paths: mapped (runc)" {
	containerd_shaped
	run_mapped runc
}

@test "auto on an overlay with relative paths that resolve nowhere: runs unmapped with a note, require refuses" {
	local s="$D/store" id=0123abcd
	docker_shaped
	# the storage directory moved away under the mount: nothing resolves
	mv "$s/l" "$s/l.gone"
	local cid
	cid="$(new_container_id ovl)"
	IDS+=("$cid")
	track_container runc "$cid"
	# (not `run`: the created container's init would hold its pipe open)
	brig_p runc create --bundle "$D/bundle" "$cid" >"$T/out" 2>&1 || { cat "$T/out"; return 1; }
	run "$(brig_bin)" explain "$cid"
	brig_p runc delete --force "$cid" >/dev/null 2>&1 || true
	[[ $output == *"relative layer paths"* ]] || { echo "explain: $output" >&2; return 1; }
	write_policy '{"version": 1, "audit": {"syslog": false}, "defaults": {"userNamespace": "require", "rootfsAllowed": ["'"$D"'"]}}'
	cid="$(new_container_id ovl)"
	IDS+=("$cid")
	local rc=0
	brig_p runc create --bundle "$D/bundle" "$cid" >"$T/out" 2>&1 || rc=$?
	[[ $rc -ne 0 ]] && grep -q "relative layer paths" "$T/out" || {
		echo "require: $rc $(cat "$T/out")" >&2
		return 1
	}
}
