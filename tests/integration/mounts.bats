#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Mounts and devices as allow-lists (issue 13, rows 3 to 8), through brig in
# front of the real runc and crun.  A refused config must leave no container
# behind (the runtime's own `state` says so); an accepted one is looked at
# from the host: the container process's mountinfo, the device nodes in its
# /dev, its device cgroup.

load helpers

setup() {
	require_busybox
	B="$BATS_TEST_TMPDIR/bundle"
	make_busybox_bundle "$B" sleep 60
	POLICY="$BATS_TEST_TMPDIR/policy.json"
	write_policy '{}'
}

teardown() {
	cleanup_containers
}

# write_policy DEFAULTS-JSON: a root-owned policy with these defaults.
write_policy() {
	jq -n --argjson d "$1" '{version: 1, defaults: $d}' >"$POLICY"
	chmod 0644 "$POLICY"
}

add_mount() {
	bundle_jq "$B" ".mounts += [$1]"
}

# refused RUNTIME NEEDLE: create through brig fails, says NEEDLE, and the
# runtime never created the container.
refused() {
	local rt=$1 needle=$2 rtpath id
	runtime_path "$rt" rtpath >/dev/null
	[[ $rt == crun ]] && ensure_crun_cgroups
	id="$(new_container_id mnt)"
	track_container "$rt" "$id"
	run brig_rt "$rt" --brig-policy "$POLICY" create --bundle "$B" "$id"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == *"$needle"* ]]
	run "$rtpath" state "$id"
	[ "$status" -ne 0 ]
}

# created RUNTIME: create through brig succeeds; sets ID and PID.
created() {
	local rt=$1 rtpath
	runtime_path "$rt" rtpath >/dev/null
	[[ $rt == crun ]] && ensure_crun_cgroups
	ID="$(new_container_id mnt)"
	track_container "$rt" "$ID"
	# the created container holds its stdio until it is started or deleted:
	# a file, not the pipe `run` would wait on
	brig_rt "$rt" --brig-policy "$POLICY" create --bundle "$B" "$ID" \
		>"$BATS_TEST_TMPDIR/create.out" 2>&1 || {
		cat "$BATS_TEST_TMPDIR/create.out"
		return 1
	}
	PID="$("$rtpath" state "$ID" | jq -r .pid)"
	[[ $PID =~ ^[0-9]+$ && $PID -gt 0 ]]
}

# ---------------------------------------------------------------- row 3

row3() {
	local rt=$1
	add_mount '{"destination": "/disk", "type": "ext4", "source": "//dev/loop0"}'
	refused "$rt" 'filesystem type "ext4" (at /disk) is not one brig allows'
	refused "$rt" '(policy "mountTypes": ["ext4"])'
	# granting the type does not grant the disk
	[[ -b /dev/loop0 ]] || skip "needs /dev/loop0 for the granted-type half"
	write_policy '{"mountTypes": ["ext4"]}'
	refused "$rt" 'mount source /dev/loop0 is the host device b 7:0'
	bundle_jq "$B" '.mounts[-1].source = "/./dev/loop0"'
	refused "$rt" 'is the host device b 7:0'
}
@test "runc: ext4 of //dev/loop0 is refused, granted type or not (row 3)" { row3 runc; }
@test "crun: ext4 of //dev/loop0 is refused, granted type or not (row 3)" { row3 crun; }

# ---------------------------------------------------------------- row 4

row4() {
	local rt=$1 d="$BATS_TEST_TMPDIR/ov"
	mkdir -p "$d/u" "$d/w" "$d/l"
	add_mount "{\"destination\": \"/ov\", \"type\": \"overlay\", \"source\": \"overlay\",
		\"options\": [\"lowerdir=$d/l\", \"lowerdir+=/etc\", \"upperdir=$d/u\", \"workdir=$d/w\"]}"
	refused "$rt" 'filesystem type "overlay" (at /ov) is not one brig allows'
	write_policy '{"mountTypes": ["overlay"]}'
	refused "$rt" 'overlay directory /etc is the sensitive host path /etc'
	bundle_jq "$B" '.mounts[-1].options[1] = "datadir+=/etc"'
	refused "$rt" 'overlay directory /etc is the sensitive host path /etc'
	bundle_jq "$B" ".mounts[-1].options[1] = \"lowerdir=$d/l:/etc\""
	refused "$rt" 'overlay directory /etc is the sensitive host path /etc'
	# granted and every directory harmless: it starts, and the host's /etc
	# is not what the container sees there
	bundle_jq "$B" ".mounts[-1].options = [\"lowerdir=$d/l\", \"upperdir=$d/u\", \"workdir=$d/w\"]"
	created "$rt"
	grep -E ' /ov .* - overlay ' "/proc/$PID/mountinfo"
	run grep -E "lowerdir=/etc|lowerdir=[^ ]*:/etc" "/proc/$PID/mountinfo"
	[ "$status" -ne 0 ]
}
@test "runc: overlay with lowerdir+=/etc or datadir+=/etc is refused (row 4)" { row4 runc; }
@test "crun: overlay with lowerdir+=/etc or datadir+=/etc is refused (row 4)" { row4 crun; }

# ---------------------------------------------------------------- row 5

row5() {
	local rt=$1
	ln -s / "$B/hostroot"
	ln -s / "$B/rootfs/hostroot"
	add_mount '{"destination": "/h", "type": "bind", "source": "hostroot", "options": ["rbind"]}'
	refused "$rt" 'bind source "hostroot" is not an absolute path'
	bundle_jq "$B" ".mounts[-1].source = \"$B/hostroot/etc\""
	refused "$rt" "goes through the symlink $B/hostroot, which is not root's alone"
	bundle_jq "$B" ".mounts[-1].source = \"$B/rootfs/hostroot\""
	refused "$rt" "goes through the symlink $B/rootfs/hostroot"
}
@test "runc: a bind through a symlink of the bundle or image is refused (row 5)" { row5 runc; }
@test "crun: a bind through a symlink of the bundle or image is refused (row 5)" { row5 crun; }

# ---------------------------------------------------------------- row 6

row6() {
	local rt=$1 t
	for t in binfmt_misc debugfs tracefs securityfs; do
		bundle_jq "$B" "del(.mounts[] | select(.destination == \"/k\"))"
		add_mount "{\"destination\": \"/k\", \"type\": \"$t\", \"source\": \"$t\"}"
		refused "$rt" "filesystem type \"$t\" (at /k) is not one brig allows"
	done
}
@test "runc: binfmt_misc, debugfs, tracefs, securityfs are refused (row 6)" { row6 runc; }
@test "crun: binfmt_misc, debugfs, tracefs, securityfs are refused (row 6)" { row6 crun; }

# ---------------------------------------------------------------- row 7

row7_binds() {
	local rt=$1
	add_mount '{"destination": "/kmsg", "type": "bind", "source": "/dev/kmsg", "options": ["bind"]}'
	refused "$rt" 'bind source /dev/kmsg is the host device c 1:11'
	# a device node elsewhere is judged by its number, not its path
	mknod "$BATS_TEST_TMPDIR/harmless" c 1 11
	bundle_jq "$B" ".mounts[-1].source = \"$BATS_TEST_TMPDIR/harmless\""
	refused "$rt" 'is the host device c 1:11'
	bundle_jq "$B" '.mounts[-1].source = "//dev/./pts/ptmx"'
	refused "$rt" 'is the host device c 5:2'
}
@test "runc: binds of host device nodes are refused (row 7)" { row7_binds runc; }
@test "crun: binds of host device nodes are refused (row 7)" { row7_binds crun; }

# Every character device node in the container's /dev, as MAJOR:MINOR.
container_dev_nodes() {
	find "/proc/$1/root/dev" -xdev -type c -printf '%p ' -exec stat -c '%t %T' {} \; |
		while read -r p ma mi; do echo "$p $((16#$ma)):$((16#$mi))"; done
}

row7_console() {
	local rt=$1 nodes line cg
	bundle_jq "$B" '.linux.devices += [{"path": "/dev/console", "type": "c", "major": 5, "minor": 1}]
		| .linux.resources.devices += [{"allow": true, "type": "c", "major": 5, "minor": 1, "access": "rwm"}]'
	created "$rt"
	nodes="$(container_dev_nodes "$PID")"
	echo "$nodes"
	# only the nodes runc gives every container (ptmx is the devpts one)
	while read -r line; do
		[[ -z $line ]] && continue
		[[ ${line##* } =~ ^(1:3|1:5|1:7|1:8|1:9|5:0|5:2|136:[0-9]+)$ ]] || {
			echo "unexpected device node: $line"
			return 1
		}
	done <<<"$nodes"
	run grep -E ' 5:1$' <<<"$nodes"
	[ "$status" -ne 0 ]
	jq -e '[.linux.devices[] | select(.major == 5 and .minor == 1)] | length == 0' "$B/config.json"
	jq -e '[.linux.resources.devices[] | select(.allow and .major == 5 and .minor == 1)] | length == 0' \
		"$B/config.json"
	# runc's cgroup (v1 devices controller) does not allow the host console;
	# crun 1.8 adds "c 5:1 rwm" by itself (docs/security.md), with no node
	cg="$(awk -F: '$2 == "devices" {print $3}' "/proc/$PID/cgroup")"
	if [[ $rt == runc && -n $cg && -r /sys/fs/cgroup/devices$cg/devices.list ]]; then
		cat "/sys/fs/cgroup/devices$cg/devices.list"
		run grep -E '^c 5:1 ' "/sys/fs/cgroup/devices$cg/devices.list"
		[ "$status" -ne 0 ]
	fi
}
@test "runc: /dev/console c 5:1 is neither created nor allowed (row 7)" { row7_console runc; }
@test "crun: /dev/console c 5:1 is not created (row 7)" { row7_console crun; }

# ---------------------------------------------------------------- row 8

row8() {
	local rt=$1
	bundle_jq "$B" '.annotations["io.kubernetes.cri.sandbox-uid"] = "00000000-aaaa"'
	add_mount '{"destination": "/t", "type": "bind", "options": ["rbind", "ro"],
		"source": "/var/lib/kubelet/pods/11111111-bbbb/volumes/kubernetes.io~projected/kube-api-access/token"}'
	refused "$rt" 'is below the sensitive host path /var/lib/kubelet'
	# naming the pod in an annotation is not enough: whoever creates the
	# container writes annotations
	bundle_jq "$B" '.annotations["io.kubernetes.cri.sandbox-uid"] = "11111111-bbbb"'
	refused "$rt" 'is below the sensitive host path /var/lib/kubelet'
	bundle_jq "$B" '.mounts[-1].source = "/var/lib/docker/containers/0123456789abcdef/config.v2.json"'
	refused "$rt" 'is below the sensitive host path /var/lib/docker'
}
@test "runc: another pod's or container's files are refused (row 8)" { row8 runc; }
@test "crun: another pod's or container's files are refused (row 8)" { row8 crun; }

# ---------------------------------------------------------------- controls

accepted_bind() {
	local rt=$1 d="$BATS_TEST_TMPDIR/data"
	mkdir -p "$d"
	add_mount "{\"destination\": \"/data\", \"type\": \"bind\", \"source\": \"$d\", \"options\": [\"rbind\", \"suid\", \"dev\"]}"
	created "$rt"
	line="$(awk '$5 == "/data"' "/proc/$PID/mountinfo")"
	echo "$line"
	[[ $line == *nosuid* && $line == *nodev* ]]
}
@test "runc: an ordinary host directory is bound, nosuid,nodev" { accepted_bind runc; }
@test "crun: an ordinary host directory is bound, nosuid,nodev" { accepted_bind crun; }

@test "policy: a socket under hostPathsReadOnly is a validation error" {
	require_cmd python3
	local s="$BATS_TEST_TMPDIR/svc.sock"
	python3 -c 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$s"
	write_policy "{\"hostPathsReadOnly\": [\"$s\"]}"
	run "$(brig_bin)" policy validate "$POLICY"
	echo "$output"
	[ "$status" -eq 2 ]
	[[ $output == *"$s is a socket: a read-only bind does not stop connect()"* ]]
	write_policy "{\"hostSockets\": [\"$s\"]}"
	run "$(brig_bin)" policy validate "$POLICY"
	[ "$status" -eq 0 ]
}
