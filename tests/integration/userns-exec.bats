#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# exec in a container with its own user namespace (issue 13, rows 1 and 12,
# at exec): the exec joins the container's namespace, so its uid, gid and
# groups are judged through the mapping the kernel applies to the running
# container (read by brig from its init process's uid_map and gid_map), as
# create's are.  Checked from the host: /proc/PID/status of the exec'd
# process, under runc and crun.
# - 0..65535 -> host 65536..: `exec --user 0:0` and a process file with uid
#   0 run as the policy's 65534, host 131070;
# - runtime-tools' 2000-id mapping (65534 unmapped): they run as 1999, host
#   2999 (judged as host ids, 65534 was sent and the runtime failed);
# - a granted mapping under which 65534 is host root: `exec --user 65534`
#   runs as 65533, host 125533 (judged as host ids, it ran as host root);
# - no user namespace: as before, host 65534;
# - a state whose start time is not the process's (a reused pid): refused.

load helpers

setup() {
	userns_setup userns-exec '{"version": 1, "audit": {"syslog": false}}'
}

teardown() {
	cleanup_containers
	restore_dev_null
	[[ -n ${D:-} && -d $D ]] && rm -rf "$D"
}

# start RUNTIME UIDMAP GIDMAP USER: a sleeping busybox container, through
# brig, with a user namespace (UIDMAP "" for none); its id in $ID.
start() {
	local rt=$1 uidmap=$2 gidmap=$3 user=$4
	runtime_path "$rt" >/dev/null
	[[ $rt == crun ]] && ensure_crun_cgroups
	make_busybox_bundle "$B" sleep 3133
	if [[ -n $uidmap ]]; then
		bundle_jq "$B" ".linux.namespaces += [{\"type\": \"user\"}]
			| .linux.uidMappings = $uidmap | .linux.gidMappings = $gidmap"
	fi
	bundle_jq "$B" ".process.user = $user"
	ID="$(new_container_id "$rt")"
	track_container "$rt" "$ID"
	brig_p "$rt" run --detach --bundle "$B" "$ID" >"$T/out" 2>&1 || {
		cat "$T/out"
		return 1
	}
}

# exec_ids RUNTIME EXEC-ARGS...: `exec --detach --pid-file P ARGS... ID sleep`
# through brig; "UID GID GROUPS" of the exec'd process as the host sees it in
# $output, exec's status in $status.
exec_ids() {
	local rt=$1 pf="$T/exec.pid"
	shift
	rm -f "$pf"
	# to a file: the detached process would hold a pipe open
	status=0
	brig_p "$rt" exec --detach --pid-file "$pf" "$@" >"$T/exec.out" 2>&1 || status=$?
	output="$(cat "$T/exec.out")"
	echo "exec $*: status $status: $output"
	[[ $status -eq 0 ]] || return 0
	local pid
	pid="$(cat "$pf")"
	output="$(awk '/^Uid:/ {u = $2} /^Gid:/ {g = $2} /^Groups:/ {$1 = ""; gr = $0} END {print u, g gr}' "/proc/$pid/status")"
	echo "host ids of exec'd $pid: $output"
	kill "$pid" 2>/dev/null || true
}

# exec_runs_as WANT RUNTIME EXEC-ARGS...: exec_ids, which must succeed with
# the host ids WANT ("UID GID [GROUPS]").
exec_runs_as() {
	local want=$1
	shift
	exec_ids "$@"
	[ "$status" -eq 0 ] && [ "$output" = "$want" ]
}

# a process file: the config's hardened process, with this user and command
process_file() {
	jq --argjson u "$1" '.process | .user = $u | .args = ["sleep", "3134"] | .terminal = false' \
		"$B/config.json" >"$T/process.json"
}

MAP_65536='[{"containerID": 0, "hostID": 65536, "size": 65536}]'
MAP_RT_TOOLS='[{"containerID": 0, "hostID": 1000, "size": 2000}]'
MAP_NOBODY_ROOT='[{"containerID": 0, "hostID": 60000, "size": 65534}, {"containerID": 65534, "hostID": 0, "size": 1}]'

check_mapped_root() {
	local rt=$1
	start "$rt" "$MAP_65536" "$MAP_65536" '{"uid": 1000, "gid": 1000}'
	exec_runs_as "131070 131070" "$rt" --user 0:0 "$ID" sleep 3134
	process_file '{"uid": 0, "gid": 0, "additionalGids": [0, 5]}'
	exec_runs_as "131070 131070 65541" "$rt" --process "$T/process.json" "$ID"
	jq -e '.user == {"uid": 65534, "gid": 65534, "additionalGids": [5]}' "$T/process.json"
}
@test "runc: exec --user 0:0 and a process file with uid 0 in a 65536.. namespace run as host 131070" { check_mapped_root runc; }
@test "crun: exec --user 0:0 and a process file with uid 0 in a 65536.. namespace run as host 131070" { check_mapped_root crun; }

check_rt_tools() {
	local rt=$1
	start "$rt" "$MAP_RT_TOOLS" "$MAP_RT_TOOLS" '{"uid": 1000, "gid": 1000}'
	exec_runs_as "2999 2999" "$rt" --user 0:0 "$ID" sleep 3134
	# no --user: the policy's identity, made a mapped one
	exec_runs_as "2999 2999" "$rt" "$ID" sleep 3134
	process_file '{"uid": 0, "gid": 0}'
	exec_runs_as "2999 2999" "$rt" --process "$T/process.json" "$ID"
	# an id the namespace does not map is refused by brig, named
	exec_ids "$rt" --user 65534:65534 "$ID" sleep 3134
	[ "$status" -ne 0 ]
	[[ $output == *"uid 65534 is not mapped by the container's uid_map"* ]]
}
@test "runc: exec as root where 65534 is unmapped runs as the nearest mapped id, host 2999" { check_rt_tools runc; }
@test "crun: exec as root where 65534 is unmapped runs as the nearest mapped id, host 2999" { check_rt_tools crun; }

check_nobody_root() {
	local rt=$1
	write_policy '{"version": 1, "audit": {"syslog": false}, "defaults": {"mapHostRoot": true}}'
	start "$rt" "$MAP_NOBODY_ROOT" "$MAP_NOBODY_ROOT" '{"uid": 1000, "gid": 1000}'
	exec_runs_as "125533 125533" "$rt" --user 65534:65534 "$ID" sleep 3134
	process_file '{"uid": 65534, "gid": 65534}'
	exec_runs_as "125533 125533" "$rt" --process "$T/process.json" "$ID"
}
@test "runc: with mapHostRoot, exec as the nobody that is host root runs as host 125533, not 0" { check_nobody_root runc; }
@test "crun: with mapHostRoot, exec as the nobody that is host root runs as host 125533, not 0" { check_nobody_root crun; }

check_no_userns() {
	local rt=$1
	# no user namespace at all: brig's own (userNamespace auto, the
	# default) is turned off
	write_policy '{"version": 1, "audit": {"syslog": false}, "defaults": {"userNamespace": "off"}}'
	start "$rt" "" "" '{"uid": 1000, "gid": 1000}'
	exec_runs_as "65534 65534" "$rt" --user 0:0 "$ID" sleep 3134
	exec_runs_as "1000 1000" "$rt" --user 1000:1000 "$ID" sleep 3134
	process_file '{"uid": 0, "gid": 0}'
	exec_runs_as "65534 65534" "$rt" --process "$T/process.json" "$ID"
}
@test "runc: exec into a container without a user namespace (userNamespace off) judges host ids, as before" { check_no_userns runc; }
@test "crun: exec into a container without a user namespace (userNamespace off) judges host ids, as before" { check_no_userns crun; }

# Under the default (userNamespace auto) the container has brig's user
# namespace: an exec lands in the container's own range, as the init does.
check_auto_userns() {
	local rt=$1 base pid
	start "$rt" "" "" '{"uid": 1000, "gid": 1000}'
	pid="$(brig_p "$rt" state "$ID" | jq -r .pid)"
	base="$(awk '$1 == 0 && $3 == 65536 {print $2}' "/proc/$pid/uid_map")"
	[[ $base -ge 100000 ]]
	exec_runs_as "$((base + 65534)) $((base + 65534))" "$rt" --user 0:0 "$ID" sleep 3134
	exec_runs_as "$((base + 1000)) $((base + 1000))" "$rt" --user 1000:1000 "$ID" sleep 3134
}
@test "runc: exec into a container with brig's user namespace (the default) runs in its range" { check_auto_userns runc; }
@test "crun: exec into a container with brig's user namespace (the default) runs in its range" { check_auto_userns crun; }

# The state names a pid; the start time it records is what makes it this
# container's.  A state whose start time is not the process's (what a pid
# reused by another process looks like) is refused, and nothing runs.
check_reused_pid() {
	local rt=$1 f key
	start "$rt" "$MAP_65536" "$MAP_65536" '{"uid": 1000, "gid": 1000}'
	if [[ $rt == runc ]]; then
		f="/run/runc/$ID/state.json" key=init_process_start
	else
		f="/run/crun/$ID/status" key=process-start-time
	fi
	cp "$f" "$T/state.orig"
	jq --arg k "$key" '.[$k] += 1' "$T/state.orig" >"$f"
	exec_ids "$rt" --user 1000:1000 "$ID" sleep 3134
	cp "$T/state.orig" "$f"
	[ "$status" -ne 0 ]
	[[ $output == *"refused exec in container $ID"*"the pid now belongs to another process"* ]]
	[ ! -e "$T/exec.pid" ]
	# and with the state as the runtime wrote it, the same exec runs
	exec_runs_as "66536 66536" "$rt" --user 1000:1000 "$ID" sleep 3134
}
@test "runc: a state whose start time is not its pid's is refused" { check_reused_pid runc; }
@test "crun: a state whose start time is not its pid's is refused" { check_reused_pid crun; }
