#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The runtime oracle for command lines (issue 14): random spellings of exec's
# user/group flags, update's pids limit and the global flags are run through
# brig against the real runc and crun, and the outcome is read from where it
# counts: the process's uid, gid and groups as the kernel has them, pids.max
# and the exec'd process's cgroup from the host.  Whatever the spelling, brig
# either refuses or the result is within the policy.
#
# Bounded: BRIG_CMDLINE_RUNS spellings per test (default 30) and at most
# BRIG_CMDLINE_SECS seconds each (default 60).  The seed is printed; set
# BRIG_CMDLINE_SEED to replay a failure.

load helpers

setup() {
	require_busybox
	B="$BATS_TEST_TMPDIR/bundle"
	RUNS=${BRIG_CMDLINE_RUNS:-30}
	SECS=${BRIG_CMDLINE_SECS:-60}
	SEED=${BRIG_CMDLINE_SEED:-$$}
	RANDOM=$SEED
	echo "# seed $SEED" >&3
}

teardown() {
	cleanup_containers
}

start() {
	local rt=$1 out="$BATS_TEST_TMPDIR/create.out"
	runtime_path "$rt" >/dev/null
	[[ $rt == crun ]] && ensure_crun_cgroups
	make_busybox_bundle "$B" sleep 600
	id="$(new_container_id "$rt")"
	track_container "$rt" "$id"
	brig_rt "$rt" run --bundle "$B" --detach "$id" >"$out" 2>&1 || {
		cat "$out"
		return 1
	}
	wait_status running brig_rt "$rt" state "$id"
}

pick() {
	local a=("$@")
	echo "${a[RANDOM % ${#a[@]}]}"
}

# Ids as each runtime might read them: wraps, signs, spaces, empty parts.
IDS=(0 00 +0 -0 4294967296 4294967295 -1 -4294967296 " 0" "0 " $'\t0' "" 0x0 1e3 1000 65534 7
	8589934592 18446744073709551616 99999999999999999999 +1000 0001000)

user_value() {
	local u g
	u="$(pick "${IDS[@]}")"
	case $((RANDOM % 4)) in
	0) echo "$u" ;;
	1) echo "$u:" ;;
	2) echo ":$(pick "${IDS[@]}")" ;;
	*)
		g="$(pick "${IDS[@]}")"
		echo "$u:$g"
		;;
	esac
}

# One flag with a value, in one of the spellings Go or getopt accept.
spell() {
	local long=$1 short=$2 v=$3
	case $((RANDOM % 5)) in
	0) printf '%s\0%s\0' "--$long" "$v" ;;
	1) printf '%s\0' "--$long=$v" ;;
	2) printf '%s\0%s\0' "-$short" "$v" ;;
	3) printf '%s\0' "-$short=$v" ;;
	*) printf '%s\0%s\0' "-$long" "$v" ;;
	esac
}

random_exec() {
	local rt=$1 n deadline flags f
	start "$rt"
	deadline=$((SECONDS + SECS))
	for ((n = 0; n < RUNS && SECONDS < deadline; n++)); do
		flags=()
		while IFS= read -r -d '' f; do flags+=("$f"); done < <(
			k=$((RANDOM % 3 + 1))
			for ((j = 0; j < k; j++)); do
				case $((RANDOM % 3)) in
				0 | 1) spell user u "$(user_value)" ;;
				*) spell additional-gids g "$(pick "${IDS[@]}")" ;;
				esac
			done
		)
		run brig_rt "$rt" exec "${flags[@]}" "$id" sh -c \
			'set -- $(grep -E "^Uid:" /proc/self/status); u=$2
			 set -- $(grep -E "^Gid:" /proc/self/status); g=$2
			 echo "ids $u $g $(grep -E "^Groups:" /proc/self/status | cut -f2-)"'
		printf '# %s exec' "$rt" >&3
		printf ' [%s]' "${flags[@]}" >&3
		echo " -> $status ${lines[-1]:-}" >&3
		[ "$status" -eq 0 ] || continue
		local tag u g groups x
		read -r tag u g groups <<<"${lines[-1]}"
		[ "$tag" = ids ]
		[ "$u" -ne 0 ] && [ "$u" -ne 4294967295 ]
		[ "$g" -ne 0 ] && [ "$g" -ne 4294967295 ]
		for x in $groups; do [ "$x" -ne 0 ]; done
	done
}
@test "runc: random exec --user/-g spellings never run as root" { random_exec runc; }
@test "crun: random exec --user/-g spellings never run as root" { random_exec crun; }

# pids_max RUNTIME: pids.max of container $id's cgroup, read on the host.
pids_max() {
	host_pids_max "$(brig_rt "$1" state "$id" | jq -r .pid)"
}

random_update() {
	local rt=$1 n deadline v args max
	start "$rt"
	deadline=$((SECONDS + SECS))
	local VALS=(-1 0 -0 100 4096 4097 0x10 010 1_0 "" " 5" +5 99999999999 1e3 -2 max 2147483648
		"100,\"unified\":{\"pids.max\":\"max\"}")
	for ((n = 0; n < RUNS && SECONDS < deadline; n++)); do
		v="$(pick "${VALS[@]}")"
		args=()
		while IFS= read -r -d '' f; do args+=("$f"); done < <(spell pids-limit pids-limit "$v")
		if ((RANDOM % 3 == 0)); then
			run brig_rt "$rt" update "$id" "${args[@]}"
		elif ((RANDOM % 2 == 0)); then
			run bash -c "echo '{\"pids\":{\"limit\":$v}}' | BRIG_RUNTIME='$(command -v "$rt")' '$(brig_bin)' update -r - '$id'"
		else
			run brig_rt "$rt" update "${args[@]}" "$id"
		fi
		max="$(pids_max "$rt")"
		echo "# $rt update [$v] -> $status, pids.max $max" >&3
		[[ $max =~ ^[0-9]+$ ]]
		[ "$max" -ge 1 ] && [ "$max" -le 4096 ]
	done
}
@test "runc: random update --pids-limit spellings keep pids.max within the policy" { random_update runc; }
@test "crun: random update --pids-limit spellings keep pids.max within the policy" { random_update crun; }

# Global flags: a weakening one is refused, or the exec'd process is in the
# container's cgroup as the host sees it.
random_global() {
	local rt=$1 n deadline g pf pid want got
	start "$rt"
	want="$(grep -E ':pids:|^0::' "/proc/$(brig_rt "$rt" state "$id" | jq -r .pid)/cgroup" | head -n1 | cut -d: -f3)"
	deadline=$((SECONDS + SECS))
	local GS=("--cgroup-manager=disabled" "--cgroup-manager disabled" "--cgroup-man=disabled"
		"-cgroup-manager=disabled" "--cgroup-manager=cgroupfs" "--rootless=true" "--rootless false"
		"--debug" "--systemd-cgroup --cgroup-manager=disabled")
	for ((n = 0; n < RUNS && SECONDS < deadline; n++)); do
		g="$(pick "${GS[@]}")"
		pf="$BATS_TEST_TMPDIR/exec-$n.pid"
		# not `run`: it would wait for the detached process to close its
		# stdout, and a process that exited is in the root cgroup
		local st=0
		# shellcheck disable=SC2086
		brig_rt "$rt" $g exec --detach --pid-file "$pf" "$id" sleep 30 \
			>/dev/null 2>"$BATS_TEST_TMPDIR/exec.err" || st=$?
		echo "# $rt [$g] exec -> $st $(tail -n1 "$BATS_TEST_TMPDIR/exec.err" | cut -c1-200)" >&3
		[ "$st" -eq 0 ] || continue
		pid="$(cat "$pf")"
		echo "#   pid $pid $(grep -E '^State:' "/proc/$pid/status" 2>&1)" >&3
		# a process that already exited would show the root cgroup
		run grep -E '^State:[[:space:]]*[ZX]' "/proc/$pid/status"
		[ "$status" -ne 0 ]
		got="$(grep -E ':pids:|^0::' "/proc/$pid/cgroup" | head -n1 | cut -d: -f3)"
		echo "#   cgroup $got (container $want)" >&3
		[ "$got" = "$want" ]
	done
}
@test "runc: random global flags never take an exec out of the container's cgroup" { random_global runc; }
@test "crun: random global flags never take an exec out of the container's cgroup" { random_global crun; }
