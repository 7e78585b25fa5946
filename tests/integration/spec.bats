#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Keys as the runtimes read them (issue 13, row 2) and the spec table's
# allow-list, through real runc and crun, judged from the host: a config
# whose keys runc reads differently from crun (a case-folded alias or a
# second copy) or that holds a key brig's table does not know never starts;
# the same config without the trick starts with the limit it asked for.
# And audit mode: malformed input is logged, and the container still runs.

load helpers

setup() {
	require_brig
	require_root
	require_cmd jq
	B="$BATS_TEST_TMPDIR/bundle"
	make_busybox_bundle "$B" sleep 30
	ID="$(new_container_id spec)"
	POLICY="$BATS_TEST_TMPDIR/policy.json"
}

teardown() {
	cleanup_containers
}

# start RUNTIME [BRIG-FLAGS...]: creates and starts $ID through brig; prints
# the container's pid (the host's view), or brig's error.  The container's
# stdio is a file, so a caller's $(...) does not wait for it to exit.
start_through_brig() {
	local rt=$1 out="$BATS_TEST_TMPDIR/create.out"
	shift
	if [[ $rt == crun ]]; then ensure_crun_cgroups; fi
	track_container "$rt" "$ID"
	cp "$B/config.json" "$BATS_TEST_TMPDIR/config.before"
	if ! brig_rt "$rt" "$@" create --bundle "$B" "$ID" >"$out" 2>&1; then
		cat "$out"
		return 1
	fi
	# config.json now holds this container's own range and views
	# (userNamespace auto), which the next container of the test may not
	# have: the config as it was before, byte for byte (the runtime read
	# the hardened one at create)
	cp "$BATS_TEST_TMPDIR/config.before" "$B/config.json"
	if ! "$(command -v "$rt")" start "$ID" >"$out" 2>&1; then
		echo "$rt start $ID failed:" >&2
		cat "$out" >&2
		return 1
	fi
	"$(command -v "$rt")" state "$ID" | jq -r .pid
}

# The container must not exist, in any state, for either runtime.
never_started() {
	local r
	for r in runc crun; do
		command -v "$r" >/dev/null || continue
		run "$r" state "$ID"
		[ "$status" -ne 0 ]
	done
}

# Replaces the first `"limit": 100` with the given text in config.json (jq
# cannot write a duplicate key, and the order of copies matters).
config_sub() {
	sed -i "s|$1|$2|" "$B/config.json"
	grep -q -- "$2" "$B/config.json"
}

pids_alias_refused() {
	local rt=$1
	runtime_path "$rt" >/dev/null
	bundle_jq "$B" '.linux.resources.pids = {"limit": 100}'
	# the control: without the trick it starts, with the limit it asked for
	local pid
	pid="$(start_through_brig "$rt")"
	[ "$(host_pids_max "$pid")" = 100 ]
	"$(command -v "$rt")" delete --force "$ID"

	# "Limit" after "limit": runc reads the last, 0, and leaves pids.max at max
	ID="$(new_container_id spec)"
	config_sub '"limit": 100' '"limit": 100, "Limit": 0'
	run start_through_brig "$rt"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == *'/linux/resources/pids/Limit: runc reads this key as \"limit\"'* ||
		$output == *'/linux/resources/pids/Limit: runc reads this key as "limit"'* ]]
	never_started

	# an exact second copy: runc reads the last, crun the first
	config_sub '"limit": 100, "Limit": 0' '"limit": 100, "limit": 0'
	run start_through_brig "$rt"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == *"/linux/resources/pids/limit: a second copy of this key"* ]]
	never_started
}

@test "issue 13 row 2: pids {limit: 100, Limit: 0} never starts (runc)" {
	pids_alias_refused runc
}

@test "issue 13 row 2: pids {limit: 100, Limit: 0} never starts (crun)" {
	pids_alias_refused crun
}

# /dev/null declared as c 1:3 with "Minor": 11 (/dev/kmsg to runc), and a
# device-cgroup rule whose "Major"/"Allow" would open a loop device.
devices_alias_refused() {
	local rt=$1 key
	runtime_path "$rt" >/dev/null
	for key in Major Minor Allow; do
		ID="$(new_container_id spec)"
		make_busybox_bundle "$B" sleep 30
		case $key in
		Minor) bundle_jq "$B" '.linux.devices = [{"path": "/dev/null", "type": "c", "major": 1, "minor": 3, "Minor": 11, "fileMode": 438, "uid": 0, "gid": 0}]' ;;
		Major) bundle_jq "$B" '.linux.resources.devices += [{"allow": true, "type": "b", "major": 1, "Major": 7, "minor": 0, "access": "rw"}]' ;;
		Allow) bundle_jq "$B" '.linux.resources.devices += [{"allow": false, "Allow": true, "type": "b", "major": 7, "minor": 0, "access": "rw"}]' ;;
		esac
		run start_through_brig "$rt"
		echo "$key: $output"
		[ "$status" -ne 0 ]
		[[ $output == *"/$key: runc reads this key as"* ]]
		never_started
	done
}

@test "issue 13 row 2: devices with Major/Minor/Allow never start (runc)" {
	devices_alias_refused runc
}

@test "issue 13 row 2: devices with Major/Minor/Allow never start (crun)" {
	devices_alias_refused crun
}

@test "a key the spec table does not know is refused, naming the grant; specFields allows it" {
	runtime_path runc >/dev/null
	bundle_jq "$B" '.linux["x-future"] = {"hostThing": true}'
	run start_through_brig runc
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == *'/linux/x-future: brig'"'"'s table of runtime-spec fields has no "x-future" here'* ]]
	[[ $output == *'"specFields": ["/linux/x-future"] allows it'* ]]
	never_started

	cat >"$POLICY" <<-'EOF'
		{"version": 1, "defaults": {"specFields": ["/linux/x-future"]}}
	EOF
	chmod 0644 "$POLICY"
	local pid
	pid="$(start_through_brig runc --brig-policy "$POLICY")"
	[ -n "$pid" ]
	awk '/^Uid:/ {exit !($2 != 0)}' "/proc/$pid/status"
}

@test "audit mode: malformed input is logged, and the container runs" {
	runtime_path runc >/dev/null
	local log="$BATS_TEST_TMPDIR/audit.log"
	cat >"$POLICY" <<-EOF
		{"version": 1, "mode": "audit", "audit": {"log": "$log"}}
	EOF
	chmod 0644 "$POLICY"
	# runc 1.1 warns about an unknown capability and ignores it: the
	# container is created, and the log line names the runtime brig ran
	bundle_jq "$B" '.process.capabilities.bounding += ["CAP_BOGUS"]'
	local pid
	pid="$(start_through_brig runc --brig-policy "$POLICY")"
	cat "$log"
	[ -n "$pid" ]
	[ "$(wc -l <"$log")" -eq 1 ]
	jq -e --arg id "$ID" '.id == $id and .decision == "audited" and (.runtime | test("runc$"))' "$log"
	jq -e '[.changes[] | select(.kind == "refuse" and .pass == "capabilities"
		and (.pointer | test("^/process/capabilities/bounding/[0-9]+$"))
		and (.reason | contains("invalid input: unknown capability name \"CAP_BOGUS\"")))] | length == 1' "$log"

	# an alias the spec pass refuses: audited, and the container starts
	make_busybox_bundle "$B" sleep 30
	ID="$(new_container_id spec)"
	bundle_jq "$B" '.process.NoNewPrivileges = false'
	rm -f "$log"
	pid="$(start_through_brig runc --brig-policy "$POLICY")"
	[ -n "$pid" ]
	grep -q '/process/NoNewPrivileges' "$log"
	jq -e '.decision == "audited"' "$log"

	# enforce: the same malformed input is refused, and logged too
	cat >"$POLICY" <<-EOF
		{"version": 1, "mode": "enforce", "audit": {"log": "$log"}}
	EOF
	rm -f "$log"
	make_busybox_bundle "$B" sleep 30
	ID="$(new_container_id spec)"
	bundle_jq "$B" '.process.capabilities.bounding += ["CAP_BOGUS"]'
	run start_through_brig runc --brig-policy "$POLICY"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == *CAP_BOGUS* ]]
	jq -e '.decision == "refused" and .runtime == null' "$log"
	grep -q 'CAP_BOGUS' "$log"
	never_started
}

@test "exec --process: an alias or unknown key in the process file is refused; the process never runs (runc)" {
	runtime_path runc >/dev/null
	local pid proc="$BATS_TEST_TMPDIR/process.json"
	pid="$(start_through_brig runc)"
	[ -n "$pid" ]
	# runc would read "User" as user (uid 0); crun and brig ignore it
	jq -n '{args: ["sh", "-c", "id -u"], env: ["PATH=/bin:/usr/bin"], cwd: "/", user: {uid: 1000, gid: 1000}, User: {uid: 0, gid: 0}}' >"$proc"
	run brig_rt runc exec --process "$proc" "$ID"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == *'/User: runc reads this key as "user"'* ]]
	[[ $output != *$'\n'0* && $output != 0 ]]
	jq -n '{args: ["sh", "-c", "id -u"], env: ["PATH=/bin:/usr/bin"], cwd: "/", user: {uid: 1000, gid: 1000}, "x-future": 1}' >"$proc"
	run brig_rt runc exec --process "$proc" "$ID"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == *'"specFields": ["/process/x-future"] allows it'* ]]
	# the control: the same file without the trick runs, as uid 1000
	jq -n '{args: ["sh", "-c", "id -u"], env: ["PATH=/bin:/usr/bin"], cwd: "/", user: {uid: 1000, gid: 1000}}' >"$proc"
	run brig_rt runc exec --process "$proc" "$ID"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = 1000 ]
}

# linux.personality: the domain is kept (crun applies LINUX32, read from the
# host in /proc/PID/personality); flags are refused unless specFields grants
# them: ADDR_NO_RANDOMIZE is what brig's seccomp profile refuses to
# personality(2) inside, and a runtime applies the config's flags before the
# filter.  (runc 1.1 and crun 1.8 ignore flags; brig does not judge them.)
@test "linux.personality: LINUX32 is kept; flags are refused unless specFields grants them" {
	runtime_path crun >/dev/null
	bundle_jq "$B" '.linux.personality = {"domain": "LINUX32"}'
	local pid
	pid="$(start_through_brig crun)"
	[ "$(cat "/proc/$pid/personality")" = 00000008 ]
	crun delete --force "$ID"

	ID="$(new_container_id spec)"
	bundle_jq "$B" '.linux.personality = {"domain": "LINUX", "flags": ["ADDR_NO_RANDOMIZE"]}'
	run start_through_brig crun
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == *'/linux/personality/flags:'*'"specFields": ["/linux/personality/flags"]'* ]]
	never_started

	cat >"$POLICY" <<-'EOF'
		{"version": 1, "defaults": {"specFields": ["/linux/personality/flags"]}}
	EOF
	chmod 0644 "$POLICY"
	ID="$(new_container_id spec)"
	pid="$(start_through_brig crun --brig-policy "$POLICY")"
	[ -n "$pid" ]
}
