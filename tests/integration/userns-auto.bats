#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Every container in its own user namespace (issue 16, policy
# userNamespace "auto"), through real runc and crun, judged from the host.
# The bundle is shaped like Docker's: tests/data/configs/docker-plain.json
# (its ping_group_range sysctl, its hostname/hosts/resolv.conf binds, root
# as the process) on an overlay rootfs mounted as Docker mounts
# overlay2's "merged", plus a volume owned by uid 1000.
#
# The engines themselves (tests/engines) are not run here: they belong to
# the session that owns dockerd and containerd.

load helpers

setup() {
	require_root
	require_brig
	require_cmd jq
	busybox_path >/dev/null || skip "needs a static busybox (busybox-static)"
	[[ -e /proc/self/ns/user ]] || skip "needs user namespaces (CONFIG_USER_NS)"
	T="$BATS_TEST_TMPDIR"
	# the mapped ids reach nothing under bats' 0700 temporary directories
	D="$(mktemp -d /tmp/brig-userns-auto.XXXXXX)"
	chmod 0755 "$D"
	POLICY="$D/policy.json"
	printf '%s\n' '{"version": 1, "audit": {"syslog": false}, "defaults": {"userNamespace": "auto"}}' >"$POLICY"
	chmod 0644 "$POLICY"
	IDS=()
}

teardown() {
	local id
	for id in "${IDS[@]}"; do
		brig_p runc delete --force "$id" >/dev/null 2>&1 || true
		brig_p crun delete --force "$id" >/dev/null 2>&1 || true
	done
	cleanup_containers
	"$(brig_bin)" gc >/dev/null 2>&1 || true
	if [[ -n ${D:-} && -d $D ]]; then
		local m
		for m in "$D"/*/merged; do
			mountpoint -q "$m" && umount "$m"
		done
		rm -rf "$D"
	fi
}

# docker_bundle NAME: $D/NAME/{config.json, merged (overlay), ...}
docker_bundle() {
	local b="$D/$1"
	mkdir -p "$b/lower" "$b/upper" "$b/work" "$b/merged" "$b/ctr" "$b/vol"
	make_busybox_rootfs "$b/lower" || return 1
	mount -t overlay overlay -o "lowerdir=$b/lower,upperdir=$b/upper,workdir=$b/work" "$b/merged"
	echo "nameserver 192.0.2.1" >"$b/ctr/resolv.conf"
	echo "$1" >"$b/ctr/hostname"
	echo "127.0.0.1 localhost" >"$b/ctr/hosts"
	chown 1000:1000 "$b/vol"
	jq --arg c "$b/ctr" '.mounts |= map(if .type == "bind" then .source = ($c + "/" + (.source | split("/") | last)) else . end)' \
		"$BRIG_REPO/tests/data/configs/docker-plain.json" >"$b/docker.json"
	adapt_engine_config "$b/docker.json" "$b/config.json" "$b/merged" sleep 300 || return 1
	local tmp="$b/config.json.tmp"
	jq --arg v "$b/vol" '.mounts += [{"destination": "/vol", "type": "bind", "source": $v, "options": ["rbind", "rw"]}]' \
		"$b/config.json" >"$tmp" && mv "$tmp" "$b/config.json"
	cp "$b/config.json" "$b/pristine.json"
}

# start RT NAME: create + start; $PID the init's host pid.
start() {
	local rt=$1 name=$2 id
	id="$(new_container_id ua)-$name"
	[[ $rt == crun ]] && ensure_crun_cgroups
	IDS+=("$id")
	track_container "$rt" "$id"
	brig_p "$rt" create --bundle "$D/$name" --pid-file "$D/$name/pid" "$id" >"$T/out" 2>&1 &&
		brig_p "$rt" start "$id" >>"$T/out" 2>&1 || {
		cat "$T/out"
		return 1
	}
	ID="$id"
	PID="$(cat "$D/$name/pid")"
}

uid_base() {
	awk '$1 == 0 {print $2}' "/proc/$1/uid_map"
}

host_uid() {
	awk '/^Uid:/ {print $2}' "/proc/$1/status"
}

no_mounts_left() {
	run grep -c " /run/brig/ct/$1" /proc/self/mountinfo
	[ "$output" = 0 ]
	[ ! -e "/run/brig/ct/$1" ]
	run grep -rlx -- "$1" /run/brig/userns
	[ "$status" -ne 0 ]
}

check_runtime() {
	local rt=$1 rtp
	runtime_path "$rt" rtp >/dev/null
	docker_bundle a
	docker_bundle b
	start "$rt" a
	local ida=$ID pida=$PID
	start "$rt" b
	local idb=$ID pidb=$PID
	# distinct ranges, at or above 100000
	local ba bb
	ba="$(uid_base "$pida")"
	bb="$(uid_base "$pidb")"
	[ "$ba" -ge 100000 ]
	[ "$bb" -ge 100000 ]
	[ "$ba" != "$bb" ]
	# the process: root asked for, 65534 inside, base+65534 on the host
	[ "$(host_uid "$pida")" = "$((ba + 65534))" ]
	[ "$(host_uid "$pidb")" = "$((bb + 65534))" ]
	# the image stays root's inside, and so do Docker's per-container files
	run brig_p "$rt" exec "$ida" stat -c %u /etc/passwd /etc/hostname /
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '0\n0\n0')" ]
	run brig_p "$rt" exec "$ida" cat /etc/hostname
	[ "$output" = a ]
	# a volume owned by uid 1000: written by uid 1000 inside, uid 1000 on disk
	run brig_p "$rt" exec --user 1000:1000 "$ida" touch /vol/by1000
	[ "$status" -eq 0 ]
	[ "$(stat -c %u:%g "$D/a/vol/by1000")" = 1000:1000 ]
	# ...and not by the process's own uid (65534)
	run brig_p "$rt" exec "$ida" touch /vol/by65534
	[ "$status" -ne 0 ]
	# Docker's ping_group_range, clamped to the mapping
	[ "$(jq -r '.linux.sysctl["net.ipv4.ping_group_range"]' "$D/a/config.json")" = "0 65535" ]
	# a delete of a running container (no --force) is refused by the
	# runtime: the range and views stay
	run brig_p "$rt" delete "$ida"
	[ "$status" -ne 0 ]
	[ -e "/run/brig/ct/$ida/state.json" ]
	brig_p "$rt" delete --force "$ida"
	brig_p "$rt" delete --force "$idb"
	no_mounts_left "$ida"
	no_mounts_left "$idb"
}

@test "userns auto: runc, Docker-shaped bundle: own range, root-owned image, volume owners, undone at delete" {
	check_runtime runc
}

@test "userns auto: crun, Docker-shaped bundle: own range, root-owned image, volume owners, undone at delete" {
	check_runtime crun
}

@test "userns auto: a container joining another's network namespace runs without one, with a note; require refuses it" {
	runtime_path runc rtp >/dev/null
	docker_bundle a
	start runc a
	local pida=$PID
	docker_bundle j
	local tmp="$D/j/c.tmp"
	jq --arg p "/proc/$pida/ns/net" '.linux.namespaces |= map(if .type == "network" then .path = $p else . end)' \
		"$D/j/pristine.json" >"$tmp" && mv "$tmp" "$D/j/config.json"
	cp "$D/j/config.json" "$D/j/joining.json"
	local idj
	idj="$(new_container_id j)"
	IDS+=("$idj")
	track_container runc "$idj"
	# the container's stdio is a file: it would hold a pipe open
	brig_p runc --debug --log "$D/j/log.json" create --bundle "$D/j" --pid-file "$D/j/pid" "$idj" >"$T/out" 2>&1
	run "$(brig_bin)" explain "$idj"
	[[ $output == *"without a user namespace of its own: it joins the network namespace /proc/$pida/ns/net"* ]]
	jq -e '.linux.namespaces | map(select(.type == "user")) | length == 0' "$D/j/config.json"
	cp "$D/j/joining.json" "$D/j/config.json"
	printf '%s\n' '{"version": 1, "audit": {"syslog": false}, "defaults": {"userNamespace": "require"}}' >"$POLICY"
	run brig_p runc create --bundle "$D/j" --pid-file "$D/j/pid2" "$(new_container_id j2)" 3>&- </dev/null
	[ "$status" -ne 0 ]
	[[ $output == *'userNamespace \"require\"'* || $output == *'userNamespace "require"'* ]]
}

@test "userns auto: brig gc keeps a create under way, and removes what a killed create left" {
	runtime_path runc rtp >/dev/null
	docker_bundle a
	# the "runtime" brig execs after making the views never returns: the
	# create is killed after every mount is in place
	cat >"$D/hang" <<-'EOS'
		#!/bin/sh
		exec sleep 600
	EOS
	chmod 0755 "$D/hang"
	local id
	id="$(new_container_id k)"
	BRIG_RUNTIME="$D/hang" "$(brig_bin)" --brig-policy "$POLICY" create --bundle "$D/a" "$id" </dev/null >/dev/null 2>&1 3>&- &
	local pid=$!
	local i
	for ((i = 0; i < 100; i++)); do
		[[ $(grep -c " /run/brig/ct/$id/" /proc/self/mountinfo) -ge 2 ]] && break
		sleep 0.1
	done
	[ "$(grep -c " /run/brig/ct/$id/" /proc/self/mountinfo)" -ge 2 ]
	# still running: gc leaves it alone
	"$(brig_bin)" gc
	[ -e "/run/brig/ct/$id/state.json" ]
	kill -9 "$pid"
	wait "$pid" || true
	"$(brig_bin)" gc
	no_mounts_left "$id"
}

@test "userns auto: kill -9 of brig at random points of the mount setup, then brig gc: nothing left" {
	runtime_path runc rtp >/dev/null
	docker_bundle a
	local i id pid ids=()
	for ((i = 0; i < 20; i++)); do
		cp "$D/a/pristine.json" "$D/a/config.json"
		id="$(new_container_id f)-$i"
		ids+=("$id")
		BRIG_RUNTIME="$(command -v true)" "$(brig_bin)" --brig-policy "$POLICY" create --bundle "$D/a" "$id" </dev/null >/dev/null 2>&1 3>&- &
		pid=$!
		sleep "0.00$((RANDOM % 10))"
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid" || true
	done
	"$(brig_bin)" gc
	for id in "${ids[@]}"; do
		no_mounts_left "$id"
	done
}

@test "userns auto: off by default; a rule turns it off per container" {
	runtime_path runc rtp >/dev/null
	run "$(brig_bin)" policy show
	[ "$status" -eq 0 ]
	[[ $output == *'"userNamespace": "off"'* ]]
	docker_bundle a
	printf '%s\n' '{"version": 1, "audit": {"syslog": false}, "defaults": {"userNamespace": "auto"},
		"rules": [{"name": "no-userns", "match": {"ids": ["brigtest-off-*"]}, "allow": {"userNamespace": "off"}}]}' >"$POLICY"
	IDS+=("brigtest-off-$$")
	track_container runc "brigtest-off-$$"
	brig_p runc create --bundle "$D/a" "brigtest-off-$$" >"$T/out" 2>&1
	jq -e '.linux.namespaces | map(select(.type == "user")) | length == 0' "$D/a/config.json"
	[ ! -e "/run/brig/ct/brigtest-off-$$" ]
}
