#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# oomScoreAdj and rlimits (issue 13, row 9) with real runc and crun, seen
# from the host in /proc/PID/oom_score_adj and /proc/PID/limits.
#
# brig only ever lowers a limit or raises oom_score_adj, which needs no
# privilege.  What it keeps may need one: a negative oom_score_adj, or an
# rlimit above the runtime's own hard limit, takes CAP_SYS_RESOURCE, which
# some machines (this project's VMs) lack in their bounding set; the tests
# that start such a container skip there, saying so.

load helpers

setup() {
	require_busybox
	T="$BATS_TEST_TMPDIR"
	B="$T/bundle"
	POLICY="$T/policy.json"
	write_policy '{"version": 1, "audit": {"syslog": false}}'
}

teardown() {
	cleanup_containers
}

# What row 9 asked for: an OOM-proof container with real-time priority and
# unlimited locked memory.  jq cannot write 2^64-1 exactly (it goes through
# a double), so the JSON is spliced as text.
row9_bundle() {
	make_busybox_bundle "$B" sleep 3131 || return 1
	bundle_jq "$B" '.process.oomScoreAdj = -1000 | .process.rlimits = [
		{"type": "RLIMIT_RTPRIO", "hard": 99, "soft": 99},
		{"type": "RLIMIT_MEMLOCK", "hard": 1, "soft": 1},
		{"type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024}]'
	sed -i 's/"hard": 1,/"hard": 18446744073709551615,/; s/"soft": 1$/"soft": 18446744073709551615/' "$B/config.json"
	grep -q '"hard": 18446744073709551615,' "$B/config.json"
	grep -q '"soft": 18446744073709551615' "$B/config.json"
}

# limit PID NAME: "soft hard" from /proc/PID/limits ("Max locked memory").
limit() {
	awk -v n="$2" 'index($0, n) == 1 {
		rest = substr($0, length(n) + 1); split(rest, f, " "); print f[1], f[2] }' "/proc/$1/limits"
}

start() {
	local rt=$1 id=$2
	runtime_path "$rt" >/dev/null
	[[ $rt == crun ]] && ensure_crun_cgroups
	track_container "$rt" "$id"
	brig_p "$rt" create --bundle "$B" --pid-file "$B/pid" "$id" >"$T/out" 2>&1 &&
		brig_p "$rt" start "$id" >>"$T/out" 2>&1 || {
		cat "$T/out"
		return 1
	}
	PID="$(cat "$B/pid")"
	[[ $PID =~ ^[0-9]+$ ]]
}

stop() {
	"$(command -v "$1")" delete --force "$2" >/dev/null 2>&1 || true
}

has_cap_sys_resource() {
	local bnd
	bnd="$(awk '/^CapBnd:/ {print $2}' /proc/self/status)"
	(((0x$bnd >> 24) & 1))
}

check_row9_enforce() {
	local rt=$1 id
	id="$(new_container_id "$rt")"
	row9_bundle
	start "$rt" "$id"
	run cat "/proc/$PID/oom_score_adj"
	echo "oom_score_adj: $output"
	[ "$output" = 0 ]
	run limit "$PID" "Max realtime priority"
	echo "RTPRIO: $output"
	[ "$output" = "0 0" ]
	run limit "$PID" "Max locked memory"
	echo "MEMLOCK: $output"
	[ "$output" = "8388608 8388608" ]
	# below the ceiling: kept as asked
	run limit "$PID" "Max open files"
	[ "$output" = "1024 1024" ]
	jq -e '.process.oomScoreAdj == 0' "$B/config.json"
	stop "$rt" "$id"
}
@test "runc: row 9: oomScoreAdj -1000, RTPRIO 99, MEMLOCK unlimited start at 0, 0, 8 MiB" { check_row9_enforce runc; }
@test "crun: row 9: oomScoreAdj -1000, RTPRIO 99, MEMLOCK unlimited start at 0, 0, 8 MiB" { check_row9_enforce crun; }

@test "reject: the row 9 config is refused, every value listed, nothing starts" {
	runtime_path runc >/dev/null
	row9_bundle
	cp "$B/config.json" "$T/orig.json"
	write_policy '{"version": 1, "mode": "reject", "audit": {"syslog": false}}'
	local id
	id="$(new_container_id runc)"
	track_container runc "$id"
	# to a file: a container that did start would hold a pipe open
	local st=0
	brig_p runc create --bundle "$B" "$id" >"$T/out" 2>&1 || st=$?
	output="$(cat "$T/out")"
	echo "$output"
	[ "$st" -ne 0 ]
	[[ $output == *"/process/oomScoreAdj: an oom_score_adj of -1000"*"oomScoreAdjMin"* ]]
	[[ $output == *"/process/rlimits/0/hard: RLIMIT_RTPRIO hard limit 99 is above the ceiling of 0"* ]]
	[[ $output == *"/process/rlimits/1/hard: RLIMIT_MEMLOCK hard limit unlimited is above the ceiling of 8388608"* ]]
	run "$(command -v runc)" state "$id"
	[ "$status" -ne 0 ]
	cmp "$T/orig.json" "$B/config.json"
}

@test "an unknown rlimit name is refused before the runtime runs, in audit mode too" {
	make_busybox_bundle "$B" true
	bundle_jq "$B" '.process.rlimits = [{"type": "RLIMIT_NOFILES", "hard": 1, "soft": 1}]'
	write_policy '{"version": 1, "mode": "audit", "audit": {"syslog": false}}'
	run "$(brig_bin)" --brig-policy "$POLICY" check "$B"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == *'/process/rlimits/0/type: expected an rlimit name such as RLIMIT_NOFILE, found string "RLIMIT_NOFILES"'* ]]
}

# A rule for Kubernetes' Guaranteed pods (-997) and its sandboxes (-998):
# kept by brig; the start needs CAP_SYS_RESOURCE.
check_kubernetes_floor() {
	local rt=$1 id
	make_busybox_bundle "$B" sleep 3131
	bundle_jq "$B" '.process.oomScoreAdj = -997 | .annotations["io.kubernetes.cri.container-type"] = "container"'
	write_policy '{"version": 1, "audit": {"syslog": false},
		"trustedAnnotations": ["io.kubernetes.cri.container-type"],
		"rules": [{"name": "kubelet-qos", "match": {"annotations": {"io.kubernetes.cri.container-type": "*"}},
			"allow": {"oomScoreAdjMin": -998}}]}'
	# kept under the rule; raised to 0 by the same policy's defaults
	cp -r "$B" "$T/nomatch"
	bundle_jq "$T/nomatch" 'del(.annotations["io.kubernetes.cri.container-type"])'
	run "$(brig_bin)" --brig-policy "$POLICY" harden "$B"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(jq .process.oomScoreAdj "$B/config.json")" = -997 ]
	run "$(brig_bin)" --brig-policy "$POLICY" harden "$T/nomatch"
	[ "$status" -eq 0 ]
	[ "$(jq .process.oomScoreAdj "$T/nomatch/config.json")" = 0 ]
	has_cap_sys_resource || skip "starting with oom_score_adj -997 needs CAP_SYS_RESOURCE, which this machine's bounding set lacks"
	id="$(new_container_id "$rt")"
	start "$rt" "$id"
	[ "$(cat "/proc/$PID/oom_score_adj")" = -997 ]
	stop "$rt" "$id"
}
@test "runc: a rule with oomScoreAdjMin -998 keeps Kubernetes' -997" { check_kubernetes_floor runc; }
@test "crun: a rule with oomScoreAdjMin -998 keeps Kubernetes' -997" { check_kubernetes_floor crun; }

# A value above the floor is the container's to choose: kept, seen from the host.
check_positive_kept() {
	local rt=$1 id
	id="$(new_container_id "$rt")"
	make_busybox_bundle "$B" sleep 3131
	bundle_jq "$B" '.process.oomScoreAdj = 500'
	start "$rt" "$id"
	[ "$(cat "/proc/$PID/oom_score_adj")" = 500 ]
	stop "$rt" "$id"
}
@test "runc: oomScoreAdj 500 is kept" { check_positive_kept runc; }
@test "crun: oomScoreAdj 500 is kept" { check_positive_kept crun; }
