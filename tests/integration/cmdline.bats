#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Command lines through the real runtimes (issue 14): every row of the
# issue's table, with runc and with crun where both apply.  Identities are
# read from inside the container (/proc/self/status: what the kernel gave the
# process), limits from the host's cgroup files.
#
#  1  exec --user 4294967296, --user 65534:4294967296, -g 4294967296
#  2  exec --user=, --user :, --user " 0", --user N (crun: gid 0)
#  3  a runtime named runc that is crun (symlink, copy)
#  4  crun run --config cfg.json from another directory
#  5  crun --cgroup-manager=disabled (and the other weakening flags)
#  6  update --pids-limit -1, --resources with -1, devices
#  7  restore --lsm-profile; restore itself refused by default
# Rows 8 and 9 (kept AppArmor profiles and SELinux labels) need the kernel to
# decide: tests/vm.  Row 10 (run.oci.systemd.subgroup) needs systemd, which
# this host has not: test_pass_annotations checks the value.

load helpers

setup() {
	require_busybox
	B="$BATS_TEST_TMPDIR/bundle"
}

teardown() {
	cleanup_containers
}

# start RUNTIME: a detached `sleep` container through brig; sets $id.
start() {
	local rt=$1 out="$BATS_TEST_TMPDIR/create.out"
	runtime_path "$rt" >/dev/null
	[[ $rt == crun ]] && ensure_crun_cgroups
	make_busybox_bundle "$B" sleep 300
	id="$(new_container_id "$rt")"
	track_container "$rt" "$id"
	brig_rt "$rt" run --bundle "$B" --detach "$id" >"$out" 2>&1 || {
		cat "$out"
		return 1
	}
	wait_status running brig_rt "$rt" state "$id"
}

# ids RUNTIME EXEC-FLAGS...: runs `exec FLAGS ID` printing "uid gid groups"
# as the kernel has them, into $output; $status is exec's.
ids() {
	local rt=$1
	shift
	run brig_rt "$rt" exec "$@" "$id" sh -c \
		'set -- $(grep -E "^Uid:" /proc/self/status); u=$2
		 set -- $(grep -E "^Gid:" /proc/self/status); g=$2
		 echo "$u $g $(grep -E "^Groups:" /proc/self/status | cut -f2-)"'
	echo "exec $* -> status $status: $output"
}

# No root: uid, gid and every supplementary group are neither 0 nor -1
# (unless exec was refused, which is as good).
assert_not_root() {
	[ "$status" -eq 0 ] || return 0
	local u g groups x
	read -r u g groups <<<"${lines[-1]}"
	[[ $u =~ ^[0-9]+$ && $g =~ ^[0-9]+$ ]]
	[ "$u" -ne 0 ]
	[ "$g" -ne 0 ]
	for x in $groups; do
		[ "$x" -ne 0 ]
	done
}

# ---------------------------------------------------------------- rows 1, 2

exec_wrap() {
	start "$1"
	local spec
	for spec in 4294967296 65534:4294967296 4294967296:4294967296 -1 0:4294967295 \
		-4294967296 +0 00; do
		ids "$1" --user "$spec"
		assert_not_root
		ids "$1" "--user=$spec"
		assert_not_root
	done
	# runc reads -g; crun 1.8 has no such flag and fails
	ids "$1" -g 4294967296 -g 0
	assert_not_root
	if [[ $1 == runc ]]; then
		[ "$status" -eq 0 ]
	fi
}
@test "runc: exec --user/-g values that wrap to 0 run as nobody (row 1)" { exec_wrap runc; }
@test "crun: exec --user/-g values that wrap to 0 run as nobody (row 1)" { exec_wrap crun; }

exec_empty_parts() {
	start "$1"
	local spec
	for spec in "" ":" " 0" "0 " "1000" "1000:" ":1000" " +0:0" $'\t0'; do
		ids "$1" "--user=$spec"
		assert_not_root
		ids "$1" -u "$spec"
		assert_not_root
	done
	# a plain user without a gid: crun would give gid 0
	ids "$1" --user 1000
	[ "$status" -eq 0 ]
	[[ ${lines[-1]} == "1000 65534"* ]]
	# no --user at all
	ids "$1"
	[ "$status" -eq 0 ]
	[[ ${lines[-1]} == "65534 65534"* ]]
}
@test "runc: exec --user with empty parts, spaces or no gid is never root (row 2)" { exec_empty_parts runc; }
@test "crun: exec --user with empty parts, spaces or no gid is never root (row 2)" { exec_empty_parts crun; }

# ---------------------------------------------------------------- row 3

@test "a runtime named runc that is crun (symlink or copy) is read as crun (row 3)" {
	local crun
	runtime_path crun crun >/dev/null
	ensure_crun_cgroups
	make_busybox_bundle "$B" sleep 300
	cp "$B/config.json" "$BATS_TEST_TMPDIR/pristine.json"
	local d="$BATS_TEST_TMPDIR/rt" how
	for how in link copy; do
		rm -rf "$d"
		mkdir -p "$d"
		if [[ $how == link ]]; then ln -s "$crun" "$d/runc"; else cp "$crun" "$d/runc"; fi
		# the first run left config.json holding its own range and views
		# (userNamespace auto), which another container may not have
		cp "$BATS_TEST_TMPDIR/pristine.json" "$B/config.json"
		id="$(new_container_id alias)"
		track_container crun "$id"
		BRIG_RUNTIME="$d/runc" "$(brig_bin)" run --bundle "$B" --detach "$id" </dev/null
		wait_status running "$crun" state "$id"
		run env BRIG_RUNTIME="$d/runc" "$(brig_bin)" exec "$id" id
		echo "$how: $output"
		[ "$status" -eq 0 ]
		[[ $output == "uid=65534"*"gid=65534"* ]]
		run env BRIG_RUNTIME="$d/runc" "$(brig_bin)" exec --user 1000 "$id" id -g
		[ "$status" -eq 0 ]
		[ "$output" -ne 0 ]
		"$crun" delete --force "$id"
	done
}

# ---------------------------------------------------------------- row 4

@test "crun run --config cfg.json from another directory runs the hardened file (row 4)" {
	runtime_path crun >/dev/null
	ensure_crun_cgroups
	make_busybox_bundle "$B" sh
	local cwd="$BATS_TEST_TMPDIR/cwd" wide
	mkdir -p "$cwd"
	wide='.process.user = {"uid": 0, "gid": 0}
		| .process.args = ["sh", "-c", "id -u; grep CapEff /proc/self/status"]
		| .process.capabilities |= with_entries(.value += ["CAP_SYS_ADMIN"])
		| .root.path = "'"$B"'/rootfs"'
	jq "$wide" "$B/config.json" >"$cwd/cfg.json"
	# a decoy in the bundle, which crun does not read
	cp "$cwd/cfg.json" "$B/cfg.json"
	id="$(new_container_id cfg)"
	track_container crun "$id"
	run bash -c "cd '$cwd' && BRIG_RUNTIME='$(command -v crun)' '$(brig_bin)' run --bundle '$B' --config cfg.json '$id' </dev/null"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" -ne 0 ]
	grep -q '^CapEff:[[:space:]]*0000000000000000$' <<<"$output"
	# the file crun read is the one brig hardened
	[ "$(jq -r .process.user.uid "$cwd/cfg.json")" -ne 0 ]
}

# ---------------------------------------------------------------- row 5

@test "crun --cgroup-manager=disabled is refused, naming the flag and the grant (row 5)" {
	local crun
	runtime_path crun crun >/dev/null
	ensure_crun_cgroups
	make_busybox_bundle "$B" sleep 300
	id="$(new_container_id cgm)"
	track_container crun "$id"
	run brig_rt crun --cgroup-manager=disabled run --bundle "$B" --detach "$id"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == *"--cgroup-manager=disabled"*'"runtimeFlags": ["cgroup-manager=disabled"]'* ]]
	run "$crun" state "$id"
	[ "$status" -ne 0 ]
	# the same through getopt's other spellings
	run brig_rt crun --cgroup-manager disabled run --bundle "$B" --detach "$id"
	[ "$status" -ne 0 ]
	run brig_rt crun --cgroup-man=disabled run --bundle "$B" --detach "$id"
	[ "$status" -ne 0 ]
	run "$crun" state "$id"
	[ "$status" -ne 0 ]
}

weakening_create_flags() {
	runtime_path "$1" >/dev/null
	[[ $1 == crun ]] && ensure_crun_cgroups
	make_busybox_bundle "$B" true
	local f
	for f in --no-pivot --no-new-keyring; do
		id="$(new_container_id weak)"
		track_container "$1" "$id"
		run brig_rt "$1" create "$f" --bundle "$B" "$id"
		echo "$f: $output"
		[ "$status" -ne 0 ]
		[[ $output == *"$f"*'"runtimeFlags": ["'"${f#--}"'"]'* ]]
	done
}
@test "runc: create --no-pivot and --no-new-keyring are refused unless granted" { weakening_create_flags runc; }
@test "crun: create --no-pivot and --no-new-keyring are refused unless granted" { weakening_create_flags crun; }

@test "runtimeFlags grants --no-new-keyring (policy file)" {
	runtime_path runc >/dev/null
	make_busybox_bundle "$B" true
	local pol="$BATS_TEST_TMPDIR/policy.json"
	echo '{"version": 1, "defaults": {"runtimeFlags": ["no-new-keyring"]}}' >"$pol"
	id="$(new_container_id grant)"
	track_container runc "$id"
	run brig_rt runc --brig-policy "$pol" run --no-new-keyring --bundle "$B" "$id"
	echo "$output"
	[ "$status" -eq 0 ]
}

# ---------------------------------------------------------------- row 6

# pids_max RUNTIME: pids.max of container $id's cgroup, read on the host.
pids_max() {
	host_pids_max "$(brig_rt "$1" state "$id" | jq -r .pid)"
}

update_pids() {
	start "$1"
	[ "$(pids_max "$1")" = 4096 ]
	run brig_rt "$1" update --pids-limit -1 "$id"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == *"pids limit"* ]]
	[ "$(pids_max "$1")" = 4096 ]
	run brig_rt "$1" update --pids-limit 5000 "$id"
	[ "$status" -ne 0 ]
	[ "$(pids_max "$1")" = 4096 ]
	# getopt (crun) reads an abbreviation as --pids-limit; Go does not
	run brig_rt "$1" update --pids-l=-1 "$id"
	[ "$status" -ne 0 ]
	[ "$(pids_max "$1")" = 4096 ]
	# what containerd sends: --resources=- with JSON on stdin
	run bash -c "echo '{\"pids\":{\"limit\":-1}}' | BRIG_RUNTIME='$(command -v "$1")' '$(brig_bin)' update --resources=- '$id'"
	echo "$output"
	[ "$status" -ne 0 ]
	[ "$(pids_max "$1")" = 4096 ]
	# devices: crun applies them on update, so brig refuses them; runc
	# ignores them there, so they pass (containerd's CRI sends them)
	run bash -c "echo '{\"devices\":[{\"allow\":true,\"access\":\"rwm\"}]}' | BRIG_RUNTIME='$(command -v "$1")' '$(brig_bin)' update -r - '$id'"
	echo "devices: $status $output"
	if [[ $1 == crun ]]; then [ "$status" -ne 0 ]; fi
	[ "$(pids_max "$1")" = 4096 ]
	# the device cgroup as the host sees it: still not "a *:* rwm"
	local pid dp
	pid="$(brig_rt "$1" state "$id" | jq -r .pid)"
	dp="$(grep -E '^[0-9]+:devices:' "/proc/$pid/cgroup" | cut -d: -f3)"
	if [[ -n $dp ]]; then
		run cat "/sys/fs/cgroup/devices$dp/devices.list"
		echo "devices.list: $output"
		[[ $output != *"a *:* rwm"* ]]
	fi
	# allowed updates reach the runtime, from flags, stdin and a file
	run brig_rt "$1" update --pids-limit 100 "$id"
	[ "$status" -eq 0 ]
	[ "$(pids_max "$1")" = 100 ]
	run bash -c "echo '{\"pids\":{\"limit\":200}}' | BRIG_RUNTIME='$(command -v "$1")' '$(brig_bin)' update --resources=- '$id'"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(pids_max "$1")" = 200 ]
	echo '{"pids":{"limit":300}}' >"$BATS_TEST_TMPDIR/res.json"
	run brig_rt "$1" update -r "$BATS_TEST_TMPDIR/res.json" "$id"
	[ "$status" -eq 0 ]
	[ "$(pids_max "$1")" = 300 ]
}
@test "runc: update may not lift or raise the pids limit (row 6)" { update_pids runc; }
@test "crun: update may not lift or raise the pids limit (row 6)" { update_pids crun; }

# ---------------------------------------------------------------- row 7

restore_refused() {
	runtime_path "$1" >/dev/null
	make_busybox_bundle "$B" true
	id="$(new_container_id restore)"
	run brig_rt "$1" restore --bundle "$B" --image-path "$BATS_TEST_TMPDIR/none" \
		--lsm-profile apparmor:unconfined "$id"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == *'"restore": true'* ]]
	[[ $output == *"--lsm-profile=apparmor:unconfined"* ]]
	# granted, the label override is still refused
	local pol="$BATS_TEST_TMPDIR/policy.json"
	echo '{"version": 1, "defaults": {"restore": true}}' >"$pol"
	run brig_rt "$1" --brig-policy "$pol" restore --bundle "$B" --image-path "$BATS_TEST_TMPDIR/none" \
		--lsm-mount-context system_u:object_r:container_file_t:s0 "$id"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == *"--lsm-mount-context"* ]]
	[[ $output != *'"restore": true'* ]]
}
@test "runc: restore is refused by default, --lsm-profile always (row 7)" { restore_refused runc; }
@test "crun: restore is refused by default, --lsm-profile always (row 7)" { restore_refused crun; }

# ---------------------------------------------------------------- found in the sources

# crun 1.8 appends exec's --cgroup to the container's cgroup unchecked (crun
# alone runs `exec --cgroup ../.. ID` in the root pids cgroup); runc 1.1 only
# compares string prefixes.  brig refuses a ".." component.
exec_cgroup_escape() {
	start "$1"
	local pid want spec
	pid="$(brig_rt "$1" state "$id" | jq -r .pid)"
	want="$(grep -E '^[0-9]+:pids:' "/proc/$pid/cgroup" | cut -d: -f3)"
	[[ -n $want ]] || skip "no cgroup v1 pids hierarchy"
	for spec in ../.. pids:../.. "../${id##*/}x"; do
		run brig_rt "$1" exec --cgroup "$spec" "$id" true
		echo "--cgroup $spec: $status $output"
		[ "$status" -ne 0 ]
		[[ $output == *"--cgroup"* ]]
	done
	# a plain exec stays in the container's cgroup, as the host sees it
	local st=0
	brig_rt "$1" exec --detach --pid-file "$BATS_TEST_TMPDIR/e.pid" "$id" sleep 30 \
		>/dev/null 2>&1 || st=$?
	[ "$st" -eq 0 ]
	[ "$(grep -E '^[0-9]+:pids:' "/proc/$(cat "$BATS_TEST_TMPDIR/e.pid")/cgroup" | cut -d: -f3)" = "$want" ]
}
@test "runc: exec --cgroup with .. is refused" { exec_cgroup_escape runc; }
@test "crun: exec --cgroup with .. is refused (crun alone would leave the container's cgroup)" { exec_cgroup_escape crun; }

# runc runs an inline exec from the bundle's config.json as it is on disk at
# exec time (runc alone, after the file is changed, runs the exec as root
# with CAP_SYS_ADMIN): brig hardens that file again before the exec.
@test "runc: an inline exec after config.json was changed runs hardened" {
	start runc
	jq '.process.user = {"uid": 0, "gid": 0}
		| .process.noNewPrivileges = false
		| .process.capabilities |= with_entries(.value += ["CAP_SYS_ADMIN"])' \
		"$B/config.json" >"$B/c.new"
	mv "$B/c.new" "$B/config.json"
	run brig_rt runc exec "$id" sh -c 'id -u; grep -E "^(CapEff|NoNewPrivs):" /proc/self/status'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" -ne 0 ]
	grep -q '^CapEff:[[:space:]]*0000000000000000$' <<<"$output"
	grep -q '^NoNewPrivs:[[:space:]]*1$' <<<"$output"
	[ "$(jq -r .process.user.uid "$B/config.json")" -ne 0 ]
}
