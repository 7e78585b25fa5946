#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Load: brig in front of runc when an engine starts many containers at once.
#
#  - 100 concurrent `brig create` on 100 bundles sharing one read-only
#    rootfs: every config is hardened, every container runs as 65534 in a
#    user namespace of its own (userNamespace auto, the default), each with
#    a distinct id range (host uid base+65534), none sees another's config
#    (each keeps its own hostname and env), and every range and view is
#    released at delete;
#  - 20 concurrent creates under one policy with an audit log: exactly one
#    whole JSON line per create.
#
# Wall times are printed as TAP comments.

bats_require_minimum_version 1.5.0
load helpers

N_CONTAINERS=${BRIG_CONCURRENCY:-100}
N_AUDIT=20

setup_file() {
	[[ $(id -u) -eq 0 ]] || return 0
	command -v runc >/dev/null || return 0
	busybox_path >/dev/null || return 0
	make_busybox_rootfs "$BATS_FILE_TMPDIR/rootfs" || return 0
	# Nobody may write the shared rootfs, not even one of the containers.
	chmod -R go-w "$BATS_FILE_TMPDIR/rootfs"
	mkdir -p "$BATS_FILE_TMPDIR/spec"
	(cd "$BATS_FILE_TMPDIR/spec" && runc spec) || return 0
}

setup() {
	require_root
	require_brig
	require_cmd jq nsenter
	runtime_path runc RUNC >/dev/null
	[[ -f $BATS_FILE_TMPDIR/spec/config.json ]] || skip "needs a static busybox and runc spec"
	ROOT="$BATS_TEST_TMPDIR/runc-root"
	mkdir -p "$ROOT"
	POLICY="$BATS_TEST_TMPDIR/policy.json"
}

teardown() {
	cleanup_containers
}

# make_bundles PREFIX N: bundles $BATS_TEST_TMPDIR/PREFIX-I, each naming its
# own hostname and env var, all on the shared rootfs read-only.
make_bundles() {
	local prefix=$1 n=$2 i
	for ((i = 1; i <= n; i++)); do
		mkdir -p "$BATS_TEST_TMPDIR/$prefix-$i"
	done
	# one jq per bundle would dominate the run on 2 cores: write them all
	# from one jq program
	jq -c --arg rootfs "$BATS_FILE_TMPDIR/rootfs" --arg prefix "$prefix" --argjson n "$n" '
		. as $spec | range(1; $n + 1) as $i |
		$spec
		| .root = {"path": $rootfs, "readonly": true}
		| .process.terminal = false
		| .process.args = ["sleep", "300"]
		| .hostname = "\($prefix)-host-\($i)"
		| .process.env += ["BRIG_CONC_ID=\($prefix)-\($i)"]
	' "$BATS_FILE_TMPDIR/spec/config.json" |
		{
			i=0
			while IFS= read -r line; do
				i=$((i + 1))
				printf '%s\n' "$line" >"$BATS_TEST_TMPDIR/$prefix-$i/config.json"
			done
		}
}

# now_ms: monotonic enough for wall-time figures
now_ms() {
	date +%s%3N
}

@test "$N_CONTAINERS concurrent creates on one shared read-only rootfs: all hardened, all run, no cross-talk" {
	local n=$N_CONTAINERS i brig t0 t1 t2 t3 t4
	brig="$(brig_bin)"
	# the bundles share one rootfs outside them: granted
	printf '{\n\t"version": 1,\n\t"defaults": {"rootfsAllowed": ["%s"]}\n}\n' "$BATS_FILE_TMPDIR/rootfs" >"$POLICY"
	make_bundles c "$n"
	declare -a ids
	for ((i = 1; i <= n; i++)); do
		ids[i]="brigconc-$$-$i"
		track_container runc "${ids[i]}" "$ROOT"
	done

	t0=$(now_ms)
	for ((i = 1; i <= n; i++)); do
		(
			BRIG_RUNTIME="$RUNC" timeout 300 "$brig" --root "$ROOT" --brig-policy "$POLICY" \
				create --bundle "$BATS_TEST_TMPDIR/c-$i" "${ids[i]}" \
				</dev/null >"$BATS_TEST_TMPDIR/c-$i.out" 2>&1 3>&-
			echo $? >"$BATS_TEST_TMPDIR/c-$i.rc"
		) &
	done
	wait
	t1=$(now_ms)

	local failed=0
	for ((i = 1; i <= n; i++)); do
		if [[ $(cat "$BATS_TEST_TMPDIR/c-$i.rc") != 0 ]]; then
			echo "create ${ids[i]} failed: $(cat "$BATS_TEST_TMPDIR/c-$i.out")"
			failed=$((failed + 1))
		fi
	done
	[ "$failed" -eq 0 ]

	# every config hardened, and still its own
	for ((i = 1; i <= n; i++)); do
		jq -e --arg h "c-host-$i" --arg e "BRIG_CONC_ID=c-$i" '
			(.annotations["io.brig.hardened"] | type == "string")
			and .hostname == $h
			and ([.process.env[] | select(startswith("BRIG_CONC_ID="))] == [$e])
			and .process.user.uid == 65534
			and .root.readonly == true
			and ([.linux.namespaces[] | select(.type == "user")] | length == 1)
			and .linux.uidMappings == [{containerID: 0, hostID: .linux.uidMappings[0].hostID, size: 65536}]
			and .linux.gidMappings == .linux.uidMappings
		' "$BATS_TEST_TMPDIR/c-$i/config.json" >/dev/null || {
			echo "config of ${ids[i]} is wrong:"
			jq '{annotations, hostname, env: .process.env, user: .process.user}' \
				"$BATS_TEST_TMPDIR/c-$i/config.json"
			return 1
		}
	done

	t2=$(now_ms)
	for ((i = 1; i <= n; i++)); do
		BRIG_RUNTIME="$RUNC" "$brig" --root "$ROOT" start "${ids[i]}" </dev/null \
			>"$BATS_TEST_TMPDIR/s-$i.out" 2>&1 3>&- &
	done
	wait
	t3=$(now_ms)

	# brig's key for this runtime root: its ranges and views are found by it
	local key
	key="$(printf %s "$ROOT" | sha256sum | cut -c1-16)"
	[ "$(grep -lx "$key/brigconc-$$-[0-9]*" /run/brig/userns/* 2>/dev/null | wc -l)" -eq "$n" ]

	# every one runs, as container uid 65534, which is host uid base+65534
	# of a range no other container has, with its own environment and
	# hostname
	local state pid st uid base
	declare -A bases=()
	for ((i = 1; i <= n; i++)); do
		state="$("$RUNC" --root "$ROOT" state "${ids[i]}")" || {
			echo "no state for ${ids[i]}: $(cat "$BATS_TEST_TMPDIR/s-$i.out")"
			return 1
		}
		st="$(jq -r .status <<<"$state")"
		pid="$(jq -r .pid <<<"$state")"
		[[ $st == running ]] || {
			echo "${ids[i]} is $st: $(cat "$BATS_TEST_TMPDIR/s-$i.out")"
			return 1
		}
		jq -e '.annotations["io.brig.hardened"] | type == "string"' <<<"$state" >/dev/null
		base="$(awk '$1 == 0 && $3 == 65536 {print $2}' "/proc/$pid/uid_map")"
		[[ $base =~ ^[0-9]+$ && $base -ge 100000 ]] || {
			echo "${ids[i]} (pid $pid) has uid_map $(cat "/proc/$pid/uid_map")"
			return 1
		}
		[[ -z ${bases[$base]:-} ]] || {
			echo "${ids[i]} and ${bases[$base]} share the range at $base"
			return 1
		}
		bases[$base]=${ids[i]}
		[ "$(jq -r '.linux.uidMappings[0].hostID' "$BATS_TEST_TMPDIR/c-$i/config.json")" = "$base" ]
		uid="$(awk '/^Uid:/ {print $2, $3, $4, $5}' "/proc/$pid/status")"
		local h=$((base + 65534))
		[[ $uid == "$h $h $h $h" ]] || {
			echo "${ids[i]} (pid $pid) runs as uid $uid, not $h"
			return 1
		}
		[ "$(tr '\0' '\n' <"/proc/$pid/environ" | grep '^BRIG_CONC_ID=')" = "BRIG_CONC_ID=c-$i" ]
		[ "$(nsenter -t "$pid" -u hostname)" = "c-host-$i" ]
	done

	for ((i = 1; i <= n; i++)); do
		BRIG_RUNTIME="$RUNC" "$brig" --root "$ROOT" delete --force "${ids[i]}" \
			</dev/null >/dev/null 2>&1 3>&- &
	done
	wait
	t4=$(now_ms)
	run "$RUNC" --root "$ROOT" list -q
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ "${#bases[@]}" -eq "$n" ]
	# every range released, every view unmounted and removed
	run grep -rlx -- "$key/brigconc-$$-[0-9]*" /run/brig/userns
	[ "$status" -eq 1 ]
	run grep -c " /run/brig/ct/$key/" /proc/self/mountinfo
	[ "$output" = 0 ]
	[ ! -e "/run/brig/ct/$key" ]
	echo "# concurrency: $n creates $((t1 - t0)) ms, $n starts $((t3 - t2)) ms, checks+deletes $((t4 - t3)) ms, total $((t4 - t0)) ms" >&3
}

@test "$N_AUDIT concurrent creates sharing an audit log: one whole JSON line per create" {
	local n=$N_AUDIT i brig log="$BATS_TEST_TMPDIR/audit.log" t0 t1
	brig="$(brig_bin)"
	cat >"$POLICY" <<-EOF
		{
			"version": 1,
			"audit": { "log": "$log" },
			"defaults": { "rootfsAllowed": ["$BATS_FILE_TMPDIR/rootfs"] }
		}
	EOF
	chmod 0644 "$POLICY"
	make_bundles a "$n"
	declare -a ids
	for ((i = 1; i <= n; i++)); do
		ids[i]="brigaudit-$$-$i"
		track_container runc "${ids[i]}" "$ROOT"
	done

	t0=$(now_ms)
	for ((i = 1; i <= n; i++)); do
		(
			BRIG_RUNTIME="$RUNC" timeout 300 "$brig" --root "$ROOT" --brig-policy "$POLICY" \
				create --bundle "$BATS_TEST_TMPDIR/a-$i" "${ids[i]}" \
				</dev/null >"$BATS_TEST_TMPDIR/a-$i.out" 2>&1 3>&-
			echo $? >"$BATS_TEST_TMPDIR/a-$i.rc"
		) &
	done
	wait
	t1=$(now_ms)
	for ((i = 1; i <= n; i++)); do
		[ "$(cat "$BATS_TEST_TMPDIR/a-$i.rc")" = 0 ] || {
			echo "create ${ids[i]} failed: $(cat "$BATS_TEST_TMPDIR/a-$i.out")"
			return 1
		}
	done

	# exactly n lines, each one complete JSON object, one per container
	[ "$(wc -l <"$log")" -eq "$n" ]
	# the file ends with a newline: no half-written last line
	[ "$(tail -c1 "$log" | od -An -c | tr -d ' ')" = '\n' ]
	local line ok=0
	while IFS= read -r line; do
		jq -e 'type == "object" and .command == "create" and .decision == "hardened"' \
			<<<"$line" >/dev/null || {
			echo "bad audit line: $line"
			return 1
		}
		ok=$((ok + 1))
	done <"$log"
	[ "$ok" -eq "$n" ]
	run bash -c "jq -r .id '$log' | sort"
	[ "$output" = "$(for ((i = 1; i <= n; i++)); do echo "${ids[i]}"; done | sort)" ]
	# and each line is about its own bundle
	for ((i = 1; i <= n; i++)); do
		[ "$(jq -r --arg id "${ids[i]}" 'select(.id == $id) | .bundle' "$log")" = \
			"$BATS_TEST_TMPDIR/a-$i" ]
	done
	echo "# concurrency: $n audited creates $((t1 - t0)) ms" >&3
}
