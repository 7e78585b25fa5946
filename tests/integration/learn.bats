#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Learn mode and brig learned through real runtimes (runc and crun):
#   - a busybox container that writes into an image directory and chowns a
#     file as root runs in learn mode as the engine asked; its learn data
#     survives delete; brig learned prints a policy (tmpfs at /data, not a
#     writable root; CAP_CHOWN; no root) under which the same command line
#     runs under enforce, judged from the host: a tmpfs at /data in the
#     container's mountinfo, uid 65534 in its status, the image untouched;
#   - a container that calls mount: brig learned refuses, names
#     CAP_SYS_ADMIN and the operation, and prints no policy;
#   - under an engine's seccomp profile (Docker's), what it denies stays
#     denied while learning, with its errno, and is not learnt from;
#   - a call brig's default profile denies (unshare -U): the recorded
#     profile is written and named, and the command that fails under the
#     default policy runs under the learned one;
#   - root reading a 0640 file of another user's: CAP_DAC_OVERRIDE with the
#     path, owner and mode as its reason; the command fails under the
#     default policy and runs under the learned one, not as root;
#   - root reading a 0600 file of root's: uid 0 kept, no capability; the
#     netlink raw socket of `ip link` is no reason for CAP_NET_RAW;
#   - a learn daemon that cannot get ready (its learn data cannot be
#     written) holds nothing up: the container runs unobserved, and the
#     audit log says so;
#   - a create that fails before the runtime hands over a listener: the
#     learn daemon exits with it, and does not linger;
#   - in a user namespace the engine asked for (uid 0 is host 60000), ids
#     are learnt as the container names them: root is root, its file is
#     root's, its switch is to uid 33.

bats_require_minimum_version 1.5.0
load helpers

# Docker's default capability set: the engine's ask that learn mode keeps.
DOCKER_CAPS='["CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_FSETID","CAP_FOWNER","CAP_MKNOD","CAP_NET_RAW","CAP_SETGID","CAP_SETUID","CAP_SETFCAP","CAP_SETPCAP","CAP_NET_BIND_SERVICE","CAP_SYS_CHROOT","CAP_KILL","CAP_AUDIT_WRITE"]'
WORK='mkdir -p /data/new && echo hi >/data/new/x && echo hi >/data/f && chown 1:1 /data/f && echo ok >/data/done && exec sleep 300'
LEARN_DIR=/var/lib/brig/learn

setup() {
	IDS=()
}

teardown() {
	cleanup_containers
	local id
	for id in "${IDS[@]}"; do
		rm -f "$LEARN_DIR/$id.json" "$LEARN_DIR/$id.seccomp.json"
	done
}

# A bundle as Docker would hand it over: writable root, Docker's caps, an
# image directory /data with content.
docker_like_bundle() {
	local dir=$1
	shift
	make_busybox_bundle "$dir" "$@"
	mkdir -p "$dir/rootfs/data/sub"
	echo img >"$dir/rootfs/data/sub/img"
	local tmp="$dir/.c"
	jq --argjson c "$DOCKER_CAPS" \
		'.root.readonly = false | .process.capabilities = {bounding: $c, effective: $c, permitted: $c}' \
		"$dir/config.json" >"$tmp" && mv "$tmp" "$dir/config.json"
}

# wait_for N CMD...: up to N tenths of a second until CMD succeeds.
wait_for() {
	local n=$1 i
	shift
	for ((i = 0; i < n; i++)); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

learn_then_enforce() {
	local rt=$1 b="$BATS_TEST_TMPDIR/b" pol="$BATS_TEST_TMPDIR/learn.json"
	local learned="$BATS_TEST_TMPDIR/learned.json" id id2 pid
	require_busybox_runtime "$rt"
	docker_like_bundle "$b" sh -c "$WORK"
	cp -a "$b/rootfs" "$BATS_TEST_TMPDIR/clean-rootfs"
	cp "$b/config.json" "$BATS_TEST_TMPDIR/engine-config.json"
	echo '{"version": 1, "mode": "learn"}' >"$pol"

	id="$(new_container_id learn)"
	IDS+=("$id")
	track_container "$rt" "$id"
	# the container's stdio is create's: a file, so nothing waits on it
	brig_rt "$rt" --brig-policy "$pol" create --bundle "$b" "$id" >"$BATS_TEST_TMPDIR/out1" 2>&1 ||
		{ cat "$BATS_TEST_TMPDIR/out1"; false; }
	# the engine's config is kept; only the seccomp filter notifies brig
	jq -e '.root.readonly == false and (.process.user.uid == 0)' "$b/config.json"
	jq -e '.linux.seccomp.listenerPath | startswith("/run/brig/learn/")' "$b/config.json"
	run brig_rt "$rt" start "$id"
	[ "$status" -eq 0 ]
	wait_for 100 test -e "$b/rootfs/data/done"
	# learned while it runs (flushed every 2 s)
	wait_for 100 jq -e '.capabilities | map(.name) | index("CAP_CHOWN")' "$LEARN_DIR/$id.json"
	run brig_rt "$rt" kill "$id" KILL
	wait_status stopped brig_rt "$rt" state "$id"
	run brig_rt "$rt" delete "$id"
	[ "$status" -eq 0 ]
	# the learn data survives delete, and is complete once its last process is gone
	wait_for 100 jq -e '.complete == true' "$LEARN_DIR/$id.json"
	jq . "$LEARN_DIR/$id.json"
	[[ "$(stat -c %a "$LEARN_DIR/$id.json")" == 600 ]]

	run "$(brig_bin)" learned "$id"
	echo "$output"
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" >"$learned"
	# tmpfs at the image directory, never a writable root, CAP_CHOWN with
	# its reason, no root (a chown does not need uid 0)
	jq -e '[.rules[].allow.writablePaths // empty | .[]] == ["/data"]' "$learned"
	jq -e '[.rules[].allow.writableRootfs // empty] == []' "$learned"
	jq -e '[.rules[].allow.capabilities // empty | .[]] == ["CAP_CHOWN"]' "$learned"
	jq -e '.rules[] | select(.allow.capabilities) | .reason | test("chown\\(\"/data/f\", 1, 1\\)")' "$learned"
	jq -e '[.rules[].allow.user // empty] == []' "$learned"
	jq -e 'all(.rules[]; (.reason | length) > 0)' "$learned"
	run "$(brig_bin)" policy validate "$learned"
	echo "$output"
	[ "$status" -eq 0 ]

	# the same command line under enforce with that policy, on a fresh image
	rm -rf "$b/rootfs"
	cp -a "$BATS_TEST_TMPDIR/clean-rootfs" "$b/rootfs"
	cp "$BATS_TEST_TMPDIR/engine-config.json" "$b/config.json"
	id2="$(new_container_id enforce)"
	IDS+=("$id2")
	track_container "$rt" "$id2"
	brig_rt "$rt" --brig-policy "$learned" create --bundle "$b" "$id2" >"$BATS_TEST_TMPDIR/out2" 2>&1 ||
		{ cat "$BATS_TEST_TMPDIR/out2"; false; }
	jq -e '.root.readonly == true' "$b/config.json"
	run brig_rt "$rt" start "$id2"
	[ "$status" -eq 0 ]
	pid="$(brig_rt "$rt" state "$id2" | jq -r .pid)"
	[[ $pid -gt 0 ]]
	# it got through every step of the command: sleep is what it execs last
	wait_for 100 grep -qx sleep "/proc/$pid/comm"
	# judged from the host: a tmpfs at /data, a process that is not root,
	# in a user namespace of its own (userNamespace auto, the default):
	# container uid N is host uid base+N
	local mi base
	base="$(awk '$1 == 0 && $3 == 65536 {print $2}' "/proc/$pid/uid_map")"
	[[ $base -ge 100000 ]]
	mi="$(awk '$5 == "/data"' "/proc/$pid/mountinfo")"
	echo "$mi"
	[[ $mi == *" - tmpfs "*"uid=$((base + 65534)),gid=$((base + 65534))"* ]]
	grep -E "^Uid:[[:space:]]+$((base + 65534))[[:space:]]" "/proc/$pid/status"
	grep -E '^CapEff:[[:space:]]+0000000000000001$' "/proc/$pid/status"
	# the writes landed on the tmpfs, not in the image
	[[ ! -e $b/rootfs/data/f ]]
	[[ ! -e $b/rootfs/data/new ]]
	[[ "$(stat -c %u:%g "/proc/$pid/root/data/f")" == "$((base + 1)):$((base + 1))" ]]
	# the image's content was copied up
	[[ "$(cat "/proc/$pid/root/data/sub/img")" == img ]]
}

learn_mount_refused() {
	local rt=$1 b="$BATS_TEST_TMPDIR/m" pol="$BATS_TEST_TMPDIR/learn.json" id
	require_busybox_runtime "$rt"
	make_busybox_bundle "$b" sh -c 'mount -t tmpfs none /mnt; echo tried'
	echo '{"version": 1, "mode": "learn"}' >"$pol"
	id="$(new_container_id mount)"
	IDS+=("$id")
	track_container "$rt" "$id"
	run brig_rt "$rt" --brig-policy "$pol" run --bundle "$b" "$id"
	echo "$output"
	[[ $output == *tried* ]]
	wait_for 100 jq -e '.complete == true' "$LEARN_DIR/$id.json"
	run --separate-stderr "$(brig_bin)" learned "$id"
	echo "$output"
	echo "$stderr"
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[[ $stderr == *"cannot run under enforce"* ]]
	[[ $stderr == *"CAP_SYS_ADMIN: needed by mount(\"/mnt\") by mount (pid "* ]]
}

learn_recorded_profile() {
	local rt=$1 b="$BATS_TEST_TMPDIR/u" pol="$BATS_TEST_TMPDIR/learn.json" learned="$BATS_TEST_TMPDIR/learned.json" id id2 id3
	require_busybox_runtime "$rt"
	command -v unshare >/dev/null && unshare -U true 2>/dev/null || skip "needs user namespaces (unshare -U) on this host"
	make_busybox_bundle "$b" sh -c 'unshare -U true && echo userns-ok'
	cp "$b/config.json" "$BATS_TEST_TMPDIR/engine-config.json"
	echo '{"version": 1, "mode": "learn"}' >"$pol"
	id="$(new_container_id userns)"
	IDS+=("$id")
	track_container "$rt" "$id"
	run brig_rt "$rt" --brig-policy "$pol" run --bundle "$b" "$id"
	[[ $output == *userns-ok* ]]
	wait_for 100 jq -e '.complete == true' "$LEARN_DIR/$id.json"
	run --separate-stderr "$(brig_bin)" learned "$id"
	echo "$output"
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" >"$learned"
	# brig's default profile denies unshare(CLONE_NEWUSER): the recorded
	# profile, written beside the learn data and named with its reason
	jq -e --arg p "$LEARN_DIR/$id.seccomp.json" '[.rules[].allow.seccompProfile // empty] == [$p]' "$learned"
	jq -e '.rules[] | select(.allow.seccompProfile) | .reason | test("unshare by unshare")' "$learned"
	jq -e '.syscalls[0].names | index("unshare")' "$LEARN_DIR/$id.seccomp.json"
	# under the default policy the command fails; under the learned one it runs
	cp "$BATS_TEST_TMPDIR/engine-config.json" "$b/config.json"
	id2="$(new_container_id userns-default)"
	track_container "$rt" "$id2"
	run brig_rt "$rt" run --bundle "$b" "$id2"
	[[ $output != *userns-ok* ]]
	cp "$BATS_TEST_TMPDIR/engine-config.json" "$b/config.json"
	id3="$(new_container_id userns-learned)"
	track_container "$rt" "$id3"
	run brig_rt "$rt" --brig-policy "$learned" run --bundle "$b" "$id3"
	echo "$output"
	[[ $output == *userns-ok* ]]
}

@test "learn: runc: a call brig's default profile denies gets the recorded profile, which runs it" {
	learn_recorded_profile runc
}

@test "learn: crun: a call brig's default profile denies gets the recorded profile, which runs it" {
	learn_recorded_profile crun
}

learn_engine_profile() {
	local rt=$1 b="$BATS_TEST_TMPDIR/d" pol="$BATS_TEST_TMPDIR/learn.json" id
	require_busybox_runtime "$rt"
	mkdir -p "$b"
	make_busybox_rootfs "$b/rootfs"
	adapt_engine_config "$BRIG_REPO/tests/data/configs/docker-plain.json" "$b/config.json" "$b/rootfs" \
		sh -c 'unshare -U true; echo unshare=$?; echo hi >/etc/x && chown 1:1 /etc/x && echo chown-ok'
	jq -e '.linux.seccomp.defaultAction == "SCMP_ACT_ERRNO"' "$b/config.json"
	echo '{"version": 1, "mode": "learn"}' >"$pol"
	id="$(new_container_id docker)"
	IDS+=("$id")
	track_container "$rt" "$id"
	run brig_rt "$rt" --brig-policy "$pol" run --bundle "$b" "$id"
	echo "$output"
	# Docker's profile denies unshare(CLONE_NEWUSER) without CAP_SYS_ADMIN:
	# still denied while learning, with Docker's errno; the rest runs
	[[ $output == *"unshare=1"* ]]
	[[ $output == *"Operation not permitted"* ]]
	[[ $output == *chown-ok* ]]
	wait_for 100 jq -e '.complete == true' "$LEARN_DIR/$id.json"
	# what the engine denied is not learnt from; what ran is
	jq -e '.syscalls | index("unshare") | not' "$LEARN_DIR/$id.json"
	jq -e '.capabilities | map(.name) == ["CAP_CHOWN"]' "$LEARN_DIR/$id.json"
	jq -e '.writes | map(.dir) == ["/etc"]' "$LEARN_DIR/$id.json"
}

@test "learn: runc: the engine's seccomp profile still decides while learning" {
	learn_engine_profile runc
}

@test "learn: crun: the engine's seccomp profile still decides while learning" {
	learn_engine_profile crun
}

@test "learn: runc: learned policy runs the same command under enforce on a tmpfs, not as root" {
	learn_then_enforce runc
}

@test "learn: crun: learned policy runs the same command under enforce on a tmpfs, not as root" {
	learn_then_enforce crun
}

@test "learn: runc: a container that mounts gets no policy; brig learned names the operation" {
	learn_mount_refused runc
}

@test "learn: crun: a container that mounts gets no policy; brig learned names the operation" {
	learn_mount_refused crun
}

# learn_run RT BUNDLE NAME: runs the bundle in learn mode to its end, then
# prints its learned policy into $BATS_TEST_TMPDIR/NAME.json ($LEARN_OUT:
# what the container printed, $LEARN_ID: its id).
learn_run() {
	local rt=$1 b=$2 name=$3 pol="$BATS_TEST_TMPDIR/learn.json" id
	echo '{"version": 1, "mode": "learn"}' >"$pol"
	id="$(new_container_id "$name")"
	IDS+=("$id")
	track_container "$rt" "$id"
	run brig_rt "$rt" --brig-policy "$pol" run --bundle "$b" "$id"
	echo "$output"
	[ "$status" -eq 0 ]
	LEARN_OUT=$output
	wait_for 100 jq -e '.complete == true' "$LEARN_DIR/$id.json"
	LEARN_ID=$id
	run --separate-stderr "$(brig_bin)" learned "$id"
	echo "$output"
	echo "$stderr"
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/$name.json"
}

# run_policy RT BUNDLE CONFIG NAME [POLICY]: the engine's config again,
# run under POLICY (default: brig's built-in one).
run_policy() {
	local rt=$1 b=$2 conf=$3 name=$4 id
	shift 4
	cp "$conf" "$b/config.json"
	id="$(new_container_id "$name")"
	track_container "$rt" "$id"
	if [[ $# -gt 0 ]]; then
		run brig_rt "$rt" --brig-policy "$1" run --bundle "$b" "$id"
	else
		run brig_rt "$rt" run --bundle "$b" "$id"
	fi
	echo "$output"
}

learn_dac_override() {
	local rt=$1 b="$BATS_TEST_TMPDIR/dac" learned="$BATS_TEST_TMPDIR/dac.json"
	require_busybox_runtime "$rt"
	docker_like_bundle "$b" sh -c 'cat /etc/app/conf; grep -E "^(Uid|CapEff):" /proc/self/status'
	mkdir -p "$b/rootfs/etc/app"
	echo conf-secret >"$b/rootfs/etc/app/conf"
	chown 1000:1000 "$b/rootfs/etc/app/conf"
	chmod 0640 "$b/rootfs/etc/app/conf"
	cp "$b/config.json" "$BATS_TEST_TMPDIR/engine-config.json"
	learn_run "$rt" "$b" dac
	[[ $output != *CAP_DAC_READ_SEARCH* ]]
	jq -e '[.rules[].allow.capabilities // empty | .[]] == ["CAP_DAC_OVERRIDE"]' "$learned"
	jq -e '.rules[] | select(.allow.capabilities) | .reason |
		test("openat\\(\"/etc/app/conf\"\\) by cat \\(pid [0-9]+\\) reads /etc/app/conf, which the image has owned by uid 1000 gid 1000 mode 0640: as uid 65534 gid 65534 under enforce")' "$learned"
	jq -e '[.rules[].allow.user // empty] == []' "$learned"
	# the default policy: the read fails; the learned one: it runs, as
	# uid 65534 with CAP_DAC_OVERRIDE only (the kernel's own status)
	run_policy "$rt" "$b" "$BATS_TEST_TMPDIR/engine-config.json" dac-default
	[[ $output == *"Permission denied"* ]]
	[[ $output != *conf-secret* ]]
	run_policy "$rt" "$b" "$BATS_TEST_TMPDIR/engine-config.json" dac-learned "$learned"
	[ "$status" -eq 0 ]
	[[ $output == *conf-secret* ]]
	[[ $output =~ Uid:[[:space:]]+65534[[:space:]] ]]
	[[ $output =~ CapEff:[[:space:]]+0000000000000002 ]]
}

learn_root_file_keeps_uid0() {
	local rt=$1 b="$BATS_TEST_TMPDIR/key" learned="$BATS_TEST_TMPDIR/key.json"
	require_busybox_runtime "$rt"
	docker_like_bundle "$b" sh -c 'cat /etc/app/key; ip link >/dev/null && echo netlink-ok; grep -E "^(Uid|CapEff):" /proc/self/status'
	mkdir -p "$b/rootfs/etc/app"
	echo key-secret >"$b/rootfs/etc/app/key"
	chown 0:0 "$b/rootfs/etc/app/key"
	chmod 0600 "$b/rootfs/etc/app/key"
	cp "$b/config.json" "$BATS_TEST_TMPDIR/engine-config.json"
	learn_run "$rt" "$b" key
	[[ $LEARN_OUT == *netlink-ok* ]]
	# it opened a socket (ip's netlink one) and that asks for no capability
	jq -e '.syscalls | index("socket")' "$LEARN_DIR/$LEARN_ID.json"
	jq -e '.capabilities | map(.name) | index("CAP_NET_RAW") | not' "$LEARN_DIR/$LEARN_ID.json"
	jq -e '[.rules[].allow.capabilities // empty] == []' "$learned"
	jq -e '[.rules[].allow.user // empty] == [{"uid": 0, "gid": 0}]' "$learned"
	jq -e '.rules[] | select(.allow.user) | .reason |
		test("reads /etc/app/key, which the image has owned by uid 0 gid 0 mode 0600: only root.s uid or gid passes")' "$learned"
	run_policy "$rt" "$b" "$BATS_TEST_TMPDIR/engine-config.json" key-default
	[[ $output != *key-secret* ]]
	run_policy "$rt" "$b" "$BATS_TEST_TMPDIR/engine-config.json" key-learned "$learned"
	[ "$status" -eq 0 ]
	[[ $output == *key-secret* ]]
	[[ $output == *netlink-ok* ]]
	[[ $output =~ Uid:[[:space:]]+0[[:space:]] ]]
	[[ $output =~ CapEff:[[:space:]]+0000000000000000 ]]
}

learn_daemon_not_ready() {
	local rt=$1 b="$BATS_TEST_TMPDIR/nr" pol="$BATS_TEST_TMPDIR/learn-audit.json" id
	require_busybox_runtime "$rt"
	make_busybox_bundle "$b" sh -c 'echo ran-unobserved'
	jq -n --arg log "$BATS_TEST_TMPDIR/audit.log" '{version: 1, mode: "learn", audit: {log: $log}}' >"$pol"
	id="$(new_container_id notready)"
	IDS+=("$id")
	track_container "$rt" "$id"
	# where its learn data goes, a directory: the daemon cannot write it
	mkdir -p "$LEARN_DIR/$id.json"
	run brig_rt "$rt" --brig-policy "$pol" run --bundle "$b" "$id"
	rmdir "$LEARN_DIR/$id.json"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *ran-unobserved* ]]
	jq -e '.linux.seccomp.listenerPath == null' "$b/config.json"
	cat "$BATS_TEST_TMPDIR/audit.log"
	jq -e -s --arg id "$id" 'map(select(.id == $id)) | .[0].changes |
		any(.reason | test("learn mode: the learn daemon could not write its learn data in /var/lib/brig/learn; the container runs as the engine asked, not observed"))' \
		"$BATS_TEST_TMPDIR/audit.log"
}

@test "learn: runc: a learn daemon that cannot get ready holds nothing up; the audit log says so" {
	learn_daemon_not_ready runc
}

@test "learn: crun: a learn daemon that cannot get ready holds nothing up; the audit log says so" {
	learn_daemon_not_ready crun
}

learn_failed_create() {
	local rt=$1 b="$BATS_TEST_TMPDIR/fc" pol="$BATS_TEST_TMPDIR/learn.json" id sock
	require_busybox_runtime "$rt"
	make_busybox_bundle "$b" true
	# a bind whose source does not exist: the runtime fails in the rootfs,
	# before it loads the filter
	bundle_jq "$b" '.mounts += [{"destination": "/mnt", "type": "bind", "source": "/nonexistent-brig-learn-src", "options": ["rbind"]}]'
	echo '{"version": 1, "mode": "learn"}' >"$pol"
	id="$(new_container_id failed)"
	IDS+=("$id")
	track_container "$rt" "$id"
	run brig_rt "$rt" --brig-policy "$pol" create --bundle "$b" "$id"
	echo "$output"
	[ "$status" -ne 0 ]
	sock="$(jq -r .linux.seccomp.listenerPath "$b/config.json")"
	[[ $sock == /run/brig/learn/*.sock ]]
	# the daemon unlinks its socket when it exits: within seconds, not 300 s
	wait_for 50 test ! -e "$sock"
}

@test "learn: runc: a create that fails before the listener is handed over ends the learn daemon" {
	learn_failed_create runc
}

@test "learn: crun: a create that fails before the listener is handed over ends the learn daemon" {
	learn_failed_create crun
}

learn_userns_ids() {
	local rt=$1 b="$BATS_TEST_TMPDIR/uns" data
	require_busybox_runtime "$rt"
	docker_like_bundle "$b" sh -c 'cat /etc/app/key; su -s /bin/sh www -c "id -u"'
	echo 'www:x:33:33:www:/:/bin/sh' >>"$b/rootfs/etc/passwd"
	mkdir -p "$b/rootfs/etc/app"
	echo key-secret >"$b/rootfs/etc/app/key"
	chmod 0600 "$b/rootfs/etc/app/key"
	chown -R 60000:60000 "$b/rootfs"
	# the runtime reaches the rootfs as the container's root (host 60000)
	local d="$b"
	while [[ $d != / ]]; do
		chmod o+x "$d"
		d="$(dirname "$d")"
	done
	bundle_jq "$b" '.linux.namespaces += [{"type": "user"}] |
		.linux.uidMappings = [{"containerID": 0, "hostID": 60000, "size": 65536}] |
		.linux.gidMappings = [{"containerID": 0, "hostID": 60000, "size": 65536}]'
	learn_run "$rt" "$b" uns
	[[ $LEARN_OUT == *key-secret* ]]
	[[ $LEARN_OUT == *33* ]]
	data="$LEARN_DIR/$LEARN_ID.json"
	# its root is the container's root, and the file it read is root's
	jq -e '.ranAsRoot == true' "$data"
	jq -e '.uidSwitches | map(.uid) == ["33"]' "$data"
	jq -e '.access | map(select(.path == "/etc/app/key")) | .[0].owner == 0' "$data"
	jq -e '.rules[] | select(.allow.user) | .reason | test("switched to uid 33 itself")' "$BATS_TEST_TMPDIR/uns.json"
}

@test "learn: runc: in the engine's user namespace, ids are learnt as the container names them" {
	learn_userns_ids runc
}

@test "learn: crun: in the engine's user namespace, ids are learnt as the container names them" {
	learn_userns_ids crun
}

@test "learn: runc: root reading another user's 0640 file gets CAP_DAC_OVERRIDE, which runs it" {
	learn_dac_override runc
}

@test "learn: crun: root reading another user's 0640 file gets CAP_DAC_OVERRIDE, which runs it" {
	learn_dac_override crun
}

@test "learn: runc: root reading root's 0600 file keeps uid 0; a netlink raw socket needs no CAP_NET_RAW" {
	learn_root_file_keeps_uid0 runc
}

@test "learn: crun: root reading root's 0600 file keeps uid 0; a netlink raw socket needs no CAP_NET_RAW" {
	learn_root_file_keeps_uid0 crun
}

@test "learned: an id without learn data, and a bad id, are errors" {
	require_brig
	run "$(brig_bin)" learned "no-such-container-$$"
	[ "$status" -eq 1 ]
	[[ $output == *"no learn data for no-such-container-$$"* ]]
	run "$(brig_bin)" learned "../etc/passwd"
	[ "$status" -eq 2 ]
	[[ $output == *"is not a container id"* ]]
}
