#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Red team, user identities and user namespaces (docs/security.md,
# "Red-team findings"): attacks by whoever writes the config (a bundle,
# Podman's --uidmap/--gidmap, --group-add, a pod spec).  Each test runs the
# real runtimes through brig create/start and asserts from the host; each
# bypass test failed before the fix named in its comment.

bats_require_minimum_version 1.5.0

load helpers

setup() {
	require_busybox
	T="$BATS_TEST_TMPDIR"
	B="$T/bundle"
	POLICY="$T/policy.json"
}

teardown() {
	cleanup_containers
}

# The host's gid of a group it names, or skip.
host_gid() {
	local g
	g="$(getent group "$1" | cut -d: -f3)"
	[[ -n $g ]] || skip "needs a host group \"$1\""
	echo "$g"
}

# A host system group held as a supplementary group reached a bound file of
# that group: with --group-add shadow (additionalGids [42]) and a read-only
# bind of /etc/shadow (allowed: only /etc itself is sensitive), the "nobody"
# process read the host's password hashes, on runc and crun, with and
# without brig's user namespace (its views keep on-disk gids).  Fixed in
# the user pass: a gid or supplementary group that is one of the host's
# system groups (/etc/group, gid 1-999) is kept only when "hostGroups"
# grants it.
@test "a host system group in additionalGids or as the gid does not reach a bound file of that group" {
	local rt id gid userns pid base g
	gid="$(host_gid shadow)"
	[[ $(stat -c %g /etc/shadow) == "$gid" && $(stat -c %a /etc/shadow) == 640 ]] ||
		skip "needs /etc/shadow owned by group shadow, mode 0640"
	for userns in off auto; do
		write_policy '{"version": 1, "audit": {"syslog": false}, "defaults": {"userNamespace": "'$userns'"}}'
		for rt in runc crun; do
			command -v "$rt" >/dev/null || continue
			rm -rf "$B"
			make_busybox_bundle "$B" sh -c 'id; cat /mnt/shadow >/dev/null && echo READ-SHADOW'
			bundle_jq "$B" '.mounts += [{"destination": "/mnt/shadow", "type": "bind", "source": "/etc/shadow", "options": ["rbind", "ro"]}]
				| .process.user.additionalGids = ['"$gid"']'
			[[ $userns == off ]] && bundle_jq "$B" '.process.user.gid = '"$gid"
			id="$(new_container_id shadow)"
			track_container "$rt" "$id"
			# the container's stdio is a file: a pipe would be held open by
			# the created container until it exits
			brig_p "$rt" create --bundle "$B" "$id" >"$T/out" 2>&1 || {
				cat "$T/out"
				false
			}
			pid="$(brig_p "$rt" state "$id" | jq -r .pid)"
			# from the host: the process holds no host system group, either
			# as itself or through its namespace's map
			grep -E '^(Gid|Groups):' "/proc/$pid/status"
			base=0
			[[ $userns == auto ]] && base="$(awk '{print $2; exit}' "/proc/$pid/gid_map")"
			[[ $userns == off || $base -ge 65536 ]]
			for g in $(awk '/^Gid:/ {print $2} /^Groups:/ {for (i = 2; i <= NF; i++) print $i}' "/proc/$pid/status"); do
				[ "$g" != "$((base + gid))" ]
				[ "$g" != "$gid" ]
			done
			brig_p "$rt" start "$id"
			for _ in $(seq 50); do
				[[ $(brig_p "$rt" state "$id" | jq -r .status) == stopped ]] && break
				sleep 0.1
			done
			echo "$rt/$userns: $(cat "$T/out")"
			grep -q uid= "$T/out"
			run ! grep READ-SHADOW "$T/out"
			brig_p "$rt" delete --force "$id"
		done
	done
}

# The same group, granted by the policy, is kept: the refusal is the
# policy's, not a blanket one.
@test "hostGroups grants a host system group by name" {
	local rt id gid pid
	gid="$(host_gid shadow)"
	write_policy '{"version": 1, "audit": {"syslog": false}, "defaults": {"userNamespace": "off", "hostGroups": ["shadow"]}}'
	for rt in runc crun; do
		command -v "$rt" >/dev/null || continue
		rm -rf "$B"
		make_busybox_bundle "$B" sleep 30
		bundle_jq "$B" '.process.user.additionalGids = ['"$gid"']'
		id="$(new_container_id granted)"
		track_container "$rt" "$id"
		brig_p "$rt" create --bundle "$B" "$id" >"$T/out" 2>&1
		pid="$(brig_p "$rt" state "$id" | jq -r .pid)"
		grep -E "^Groups:.*\b$gid\b" "/proc/$pid/status"
		brig_p "$rt" delete --force "$id"
	done
}

# brig's idmapped view of a bind source mapped on-disk id 0 to the
# container's root: a container in a user namespace of its own (host ids
# from 65536 on), with uid 0 granted, created a file owned by host uid 0 in
# a root-owned host directory, on runc and crun.  A plain bind in the same
# namespace refuses that; the view gave host root's ownership back.  Fixed:
# the bind views map container ids 1-65535 only, unless the policy grants
# mapHostRoot; host root's files there show as the overflow id.
@test "userNamespace auto with uid 0 granted: container root does not write as host root through a bind's view" {
	local rt id dir="$T/rootdir" pid
	mkdir -p "$dir"
	chown 0:0 "$dir"
	chmod 0755 "$dir"
	echo host >"$dir/owned-by-root"
	chmod 0644 "$dir/owned-by-root"
	write_policy '{"version": 1, "audit": {"syslog": false}, "defaults": {"user": {"uid": 0}, "userNamespace": "auto"}}'
	for rt in runc crun; do
		command -v "$rt" >/dev/null || continue
		rm -rf "$B"
		make_busybox_bundle "$B" sh -c "echo pwned >/mnt/r/by-$rt; echo pwned >>/mnt/r/owned-by-root; cat /proc/self/uid_map; ls -ln /mnt/r"
		bundle_jq "$B" '.mounts += [{"destination": "/mnt/r", "type": "bind", "source": "'"$dir"'", "options": ["rbind", "rw"]}]'
		id="$(new_container_id rootview)"
		track_container "$rt" "$id"
		run brig_p "$rt" run --bundle "$B" "$id"
		echo "$rt: $status: $output"
		# it ran in a namespace of its own, not as host root
		[[ $output =~ 0\ +([0-9]+)\ +65536 ]]
		[ "${BASH_REMATCH[1]}" -ge 65536 ]
		# and wrote nothing as host root
		[ ! -e "$dir/by-$rt" ]
		[ "$(cat "$dir/owned-by-root")" = host ]
	done
}

# With mapHostRoot granted the admin asked for it: the view keeps host
# root's files root's inside (the previous behaviour, now opt-in).
@test "userNamespace auto with mapHostRoot: the bind's view maps on-disk root" {
	local rt id dir="$T/rootdir"
	mkdir -p "$dir"
	write_policy '{"version": 1, "audit": {"syslog": false}, "defaults": {"user": {"uid": 0}, "userNamespace": "auto", "mapHostRoot": true}}'
	for rt in runc crun; do
		command -v "$rt" >/dev/null || continue
		rm -rf "$B"
		make_busybox_bundle "$B" sh -c "echo ok >/mnt/r/by-$rt"
		bundle_jq "$B" '.mounts += [{"destination": "/mnt/r", "type": "bind", "source": "'"$dir"'", "options": ["rbind", "rw"]}]'
		id="$(new_container_id rootview-granted)"
		track_container "$rt" "$id"
		run brig_p "$rt" run --bundle "$B" "$id"
		echo "$rt: $status: $output"
		[ "$(stat -c %u "$dir/by-$rt")" = 0 ]
	done
	restore_dev_null
}

# brig's idmapped views of a running container (its rootfs, its binds,
# including Docker's per-container secrets only that container may have)
# sit under /run/brig/ct, and the runtimes' state (every container's
# config) under /run/runc and /run/crun: none was a sensitive path, and a
# second container that bound /run/brig/ct/KEY/VICTIM/rootfs read the
# victim's whole root filesystem (runc; seen with ls from inside).  Fixed:
# /run/brig, /var/lib/brig (learn data), /run/runc and /run/crun are
# sensitive subtrees (mount_paths.c), refused unless hostPathsReadOnly
# grants them.
@test "another container's views under /run/brig, and the runtimes' state, cannot be bound" {
	local rt victim view src id
	write_policy '{"version": 1, "audit": {"syslog": false}, "defaults": {"userNamespace": "auto"}}'
	for rt in runc crun; do
		command -v "$rt" >/dev/null || continue
		rm -rf "$B" "$T/victim"
		make_busybox_bundle "$T/victim" sleep 60
		victim="$(new_container_id victim)"
		track_container "$rt" "$victim"
		brig_p "$rt" create --bundle "$T/victim" "$victim" >"$T/out" 2>&1 || {
			cat "$T/out"
			false
		}
		view="$(compgen -G "/run/brig/ct/*/$victim")"
		[ -d "$view/rootfs/bin" ]
		for src in "$view/rootfs" "$view" /run/brig "/run/$rt/$victim" /var/lib/brig; do
			make_busybox_bundle "$B" ls /mnt/v
			bundle_jq "$B" '.mounts += [{"destination": "/mnt/v", "type": "bind", "source": "'"$src"'", "options": ["rbind", "ro"]}]'
			id="$(new_container_id thief)"
			track_container "$rt" "$id"
			run brig_p "$rt" run --bundle "$B" "$id"
			echo "$rt $src: $status: $output"
			[ "$status" -ne 0 ]
			[[ $output == *"sensitive host path"* ]]
			[[ $output != *bin* || $output == *refused* ]]
		done
		brig_p "$rt" delete --force "$victim"
	done
}

# Learn mode runs the container with the engine's seccomp profile turned
# into notifications, which brig's daemon answers as the profile would: a
# call the engine kills is killed (through a pidfd of the calling thread,
# taken before the daemon checks the notification is still live, so a pid
# reused since is never signalled), never let through.  Held; kept as a
# regression test (the container's exit status 137 is the daemon's SIGKILL:
# under learn the kernel only notifies).
@test "learn mode: a call the engine's profile kills is not let through" {
	local rt id
	write_policy '{"version": 1, "mode": "learn", "audit": {"syslog": false}}'
	for rt in runc crun; do
		command -v "$rt" >/dev/null || continue
		rm -rf "$B"
		make_busybox_bundle "$B" sh -c 'env uname; echo "uname exit $?"'
		bundle_jq "$B" '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64"],
			"syscalls": [{"names": ["uname"], "action": "SCMP_ACT_KILL"}]}'
		id="$(new_container_id learnkill)"
		track_container "$rt" "$id"
		run brig_p "$rt" run --bundle "$B" "$id"
		echo "$rt: $status: $output"
		[ "$status" -eq 137 ]
		[[ $output != *Linux* ]]
	done
}

# A config with a user namespace of its own (Podman's --uidmap, a bundle)
# could map onto the range brig holds for another running container: its
# process then had the victim's host ids (seen in /proc/PID/status: the
# victim's base+65534), its files and its RLIMIT_NPROC count.  Fixed: the
# user pass refuses a mapping that meets a range held in /run/brig/userns.
@test "a config mapping onto another container's held range is refused" {
	local rt victim vpid base id
	write_policy '{"version": 1, "audit": {"syslog": false}, "defaults": {"userNamespace": "auto"}}'
	for rt in runc crun; do
		command -v "$rt" >/dev/null || continue
		rm -rf "$B" "$T/victim"
		make_busybox_bundle "$T/victim" sleep 60
		victim="$(new_container_id victim)"
		track_container "$rt" "$victim"
		brig_p "$rt" create --bundle "$T/victim" "$victim" >"$T/out" 2>&1
		vpid="$(brig_p "$rt" state "$victim" | jq -r .pid)"
		base="$(awk '{print $2; exit}' "/proc/$vpid/uid_map")"
		[ "$base" -ge 65536 ]
		make_busybox_bundle "$B" sleep 60
		bundle_jq "$B" '.linux.namespaces += [{"type": "user"}]
			| .linux.uidMappings = [{"containerID": 0, "hostID": '"$base"', "size": 65536}]
			| .linux.gidMappings = [{"containerID": 0, "hostID": '"$base"', "size": 65536}]'
		id="$(new_container_id neighbour)"
		track_container "$rt" "$id"
		run brig_p "$rt" create --bundle "$B" "$id"
		echo "$rt: $status: $output"
		[ "$status" -ne 0 ]
		[[ $output == *"brig holds for another container"* ]]
		# nothing of the neighbour runs with the victim's ids
		run ! grep -lE "^Uid:.*\b$((base + 65534))\b" $(ls -d /proc/[0-9]*/status | grep -v "/proc/$vpid/")
		brig_p "$rt" delete --force "$victim"
	done
}
