#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# User namespaces judged from the host (issue 13, rows 1 and 12), with real
# runc and crun: a container's process is checked where it counts, in
# /proc/PID/status on the host.
# - row 1: a mapping that makes the "nobody" process host root (Podman's
#   --uidmap can write one) runs as host uid 0 under the plain runtime;
#   through brig it is refused and nothing starts;
# - row 12: configs with user namespaces (runtime-tools' linux_uid_mappings,
#   `runc spec --rootless`) start under enforce as they do under the plain
#   runtime, the process at the mapped host uid, brig's tmpfs owned by a
#   mapped id.
#
# The bundle lives in a fresh 0755 directory: the mapped ids must be able to
# reach the rootfs (bats' own temporary directories are 0700).

load helpers

setup() {
	userns_setup userns '{"version": 1, "audit": {"syslog": false}}'
}

teardown() {
	cleanup_containers
	restore_dev_null
	[[ -n ${D:-} && -d $D ]] && rm -rf "$D"
}

# A busybox bundle that sleeps, with a user namespace and the given mapping
# (JSON arrays) for uids and gids, and the process's user (JSON object).
userns_bundle() {
	local uidmap=$1 gidmap=$2 user=$3
	make_busybox_bundle "$B" sleep 3131 || return 1
	bundle_jq "$B" ".linux.namespaces += [{\"type\": \"user\"}]
		| .linux.uidMappings = $uidmap | .linux.gidMappings = $gidmap
		| .process.user = $user"
}

# start RUNTIME ID [brig|plain]: create and start detached; the host pid in
# $PID.  Output (the container's too) goes to $T/out.
start() {
	local rt=$1 id=$2 how=${3:-brig} rtp
	runtime_path "$rt" rtp >/dev/null
	[[ $rt == crun ]] && ensure_crun_cgroups
	track_container "$rt" "$id"
	if [[ $how == plain ]]; then
		"$rtp" create --bundle "$B" --pid-file "$B/pid" "$id" </dev/null >"$T/out" 2>&1 3>&- &&
			"$rtp" start "$id" >>"$T/out" 2>&1
	else
		brig_p "$rt" create --bundle "$B" --pid-file "$B/pid" "$id" >"$T/out" 2>&1 &&
			brig_p "$rt" start "$id" >>"$T/out" 2>&1
	fi || {
		cat "$T/out"
		return 1
	}
	PID="$(cat "$B/pid")"
	[[ $PID =~ ^[0-9]+$ ]]
}

# host_ids PID: "UID GID" as the host sees the process (the real ids).
host_ids() {
	awk '/^Uid:/ {u = $2} /^Gid:/ {g = $2} END {print u, g}' "/proc/$1/status"
}

# stop RUNTIME ID: through the real runtime, so a broken brig cannot hide it.
stop() {
	"$(command -v "$1")" delete --force "$2" >/dev/null 2>&1 || true
}

# ----------------------------------------------------------------- row 12

# runtime-tools validation/linux_uid_mappings: container 0.. = host 1000..,
# 2000 uids and 3000 gids, the generator's user 0:0.  65534 is not mapped,
# which is why substituting it failed the start: the substitute is now the
# nearest mapped id below it, 1999 (host 2999) and gid 2999 (host 3999).
check_runtime_tools_mapping() {
	local rt=$1 id
	id="$(new_container_id "$rt")"
	userns_bundle '[{"containerID": 0, "hostID": 1000, "size": 2000}]' \
		'[{"containerID": 0, "hostID": 1000, "size": 3000}]' '{"uid": 0, "gid": 0}'
	start "$rt" "$id"
	run host_ids "$PID"
	echo "host ids of $PID: $output"
	[ "$output" = "2999 3999" ]
	[ "$(jq -c .process.user "$B/config.json")" = '{"uid":1999,"gid":2999}' ]
	jq -e '.root.readonly == true' "$B/config.json"
	stop "$rt" "$id"
}
@test "runc: a runtime-tools uid/gid mapping starts under enforce, as mapped ids 1999:2999 (host 2999:3999)" { check_runtime_tools_mapping runc; }
@test "crun: a runtime-tools uid/gid mapping starts under enforce, as mapped ids 1999:2999 (host 2999:3999)" { check_runtime_tools_mapping crun; }

# `runc spec --rootless` as uid 100000 writes a one-id mapping and shares the
# host's network; that (and its read-only bind of /sys) is granted here, the
# user namespace is what is under test.
check_rootless_spec() {
	local rt=$1 id
	id="$(new_container_id "$rt")"
	mkdir -p "$B"
	make_busybox_rootfs "$B/rootfs"
	cp "$BRIG_REPO/tests/data/configs/runc-spec-rootless-uid100000.json" "$B/config.json"
	bundle_jq "$B" '.process.terminal = false | .process.args = ["sleep", "3131"]'
	write_policy '{"version": 1, "audit": {"syslog": false},
		"defaults": {"hostNamespaces": ["network"], "hostPathsReadOnly": ["/sys"]}}'
	start "$rt" "$id"
	run host_ids "$PID"
	echo "host ids of $PID: $output"
	[ "$output" = "100000 100000" ]
	# the one mapped id is container root, host 100000: kept; brig's tmpfs
	# are owned by it (no uid=/gid= options for 0:0)
	[ "$(jq -c .process.user "$B/config.json")" = '{"uid":0,"gid":0}' ]
	jq -e '[.mounts[] | select(.destination == "/tmp") | .options[] | select(startswith("uid="))] == []' "$B/config.json"
	stop "$rt" "$id"
}
@test "runc: runc spec --rootless (uid 100000) starts under enforce; host uid 100000" { check_rootless_spec runc; }
@test "crun: runc spec --rootless (uid 100000) starts under enforce; host uid 100000" { check_rootless_spec crun; }

# A non-root process in a 65536-id namespace: brig's /tmp is owned by it
# (uid=1000 is a mapped id, so the mount works) and writable.
check_tmpfs_owner() {
	local rt=$1 id
	id="$(new_container_id "$rt")"
	userns_bundle '[{"containerID": 0, "hostID": 60000, "size": 65536}]' \
		'[{"containerID": 0, "hostID": 60000, "size": 65536}]' '{"uid": 1000, "gid": 1000}'
	bundle_jq "$B" '.process.args = ["sh", "-c", "stat -c %u:%g /tmp; echo hi >/tmp/f && cat /tmp/f"]'
	runtime_path "$rt" >/dev/null
	[[ $rt == crun ]] && ensure_crun_cgroups
	track_container "$rt" "$id"
	run brig_p "$rt" run --bundle "$B" "$id"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "1000:1000" ]
	[ "${lines[1]}" = "hi" ]
	jq -e '[.mounts[] | select(.destination == "/tmp") | .options[]] | index("uid=1000") != null' "$B/config.json"
}
@test "runc: brig's tmpfs is owned by the mapped non-root user and writable" { check_tmpfs_owner runc; }
@test "crun: brig's tmpfs is owned by the mapped non-root user and writable" { check_tmpfs_owner crun; }

# ------------------------------------------------------------------ row 1

NOBODY_IS_ROOT_UIDS='[{"containerID": 0, "hostID": 60000, "size": 65534}, {"containerID": 65534, "hostID": 0, "size": 1}]'

check_nobody_is_host_root() {
	local rt=$1 id plain
	userns_bundle "$NOBODY_IS_ROOT_UIDS" "$NOBODY_IS_ROOT_UIDS" '{"uid": 65534, "gid": 65534}'
	cp "$B/config.json" "$T/config.orig.json"

	# the plain runtime runs "nobody" as host root: the attack is real
	plain="$(new_container_id "$rt")"
	start "$rt" "$plain" plain
	run host_ids "$PID"
	echo "plain $rt: host ids of $PID: $output"
	[ "$output" = "0 0" ]
	stop "$rt" "$plain"
	rm -f "$B/pid"

	# through brig: refused, naming the grant; nothing starts
	cp "$T/config.orig.json" "$B/config.json"
	id="$(new_container_id "$rt")"
	track_container "$rt" "$id"
	[[ $rt == crun ]] && ensure_crun_cgroups
	# to a file: a container that did start would hold a pipe open
	local st=0
	brig_p "$rt" create --bundle "$B" --pid-file "$B/pid" "$id" >"$T/out" 2>&1 || st=$?
	output="$(cat "$T/out")"
	echo "$output"
	[ "$st" -ne 0 ]
	[[ $output == *"/linux/uidMappings/1: maps container uid 65534 to host uid 0"*"mapHostRoot would"* ]]
	[[ $output == *"/linux/gidMappings/1: maps container gid 65534 to host gid 0"* ]]
	run "$(command -v "$rt")" state "$id"
	[ "$status" -ne 0 ]
	[ ! -e "$B/pid" ]
	# and no process runs the container's command anywhere on the host
	run pgrep -f '^sleep 3131$'
	[ "$status" -ne 0 ]
	# enforce changed nothing on disk for a refused container
	cmp "$T/config.orig.json" "$B/config.json"
}
@test "runc: row 1: a mapping that makes nobody host root is refused; nothing starts" { check_nobody_is_host_root runc; }
@test "crun: row 1: a mapping that makes nobody host root is refused; nothing starts" { check_nobody_is_host_root crun; }

# The grant keeps the mapping, but the process still moves off host root, to
# the nearest mapped id: 65533, host uid 125533.
check_granted_mapping_moves_process() {
	local rt=$1 id
	id="$(new_container_id "$rt")"
	userns_bundle "$NOBODY_IS_ROOT_UIDS" "$NOBODY_IS_ROOT_UIDS" '{"uid": 65534, "gid": 65534}'
	write_policy '{"version": 1, "audit": {"syslog": false}, "defaults": {"mapHostRoot": true}}'
	start "$rt" "$id"
	run host_ids "$PID"
	echo "host ids of $PID: $output"
	[ "$output" = "125533 125533" ]
	[ "$(jq -c .process.user "$B/config.json")" = '{"uid":65533,"gid":65533}' ]
	stop "$rt" "$id"
}
@test "runc: with mapHostRoot the mapping runs, the process at host uid 125533, not 0" { check_granted_mapping_moves_process runc; }
@test "crun: with mapHostRoot the mapping runs, the process at host uid 125533, not 0" { check_granted_mapping_moves_process crun; }

# Kernel rules, read before any runtime sees them: an overlap is refused as
# invalid input, under audit too.
@test "overlapping ranges are refused before the runtime runs, in every mode" {
	userns_bundle '[{"containerID": 0, "hostID": 60000, "size": 10}, {"containerID": 5, "hostID": 70000, "size": 10}]' \
		'[{"containerID": 0, "hostID": 60000, "size": 65536}]' '{"uid": 1, "gid": 1}'
	local mode
	for mode in enforce audit; do
		write_policy "{\"version\": 1, \"mode\": \"$mode\", \"audit\": {\"syslog\": false}}"
		run "$(brig_bin)" --brig-policy "$POLICY" check "$B"
		echo "$mode: $output"
		[ "$status" -ne 0 ]
		[[ $output == *"/linux/uidMappings/1: its container ids overlap those of /linux/uidMappings/0"* ]]
	done
}
