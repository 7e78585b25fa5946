#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Runtime mode end to end: brig in front of runc and of crun, with a busybox
# bundle.  Every check is written once and run for both runtimes.
#
#  - inside the container: no capabilities, no_new_privs, seccomp filter,
#    non-root identity, read-only root, writable /tmp, no mount;
#  - the lifecycle an engine drives (create/state/start/ps/exec/kill/delete),
#    plain and with the global flags containerd sends;
#  - `spec` is the real runtime's;
#  - the config on disk after create is hardened, and hardening it again
#    changes nothing.

load helpers

# What the proof container prints: one "key: value" line per fact.
PROOF_SCRIPT='
grep -E "^(CapEff|CapPrm|CapBnd|NoNewPrivs|Seccomp):" /proc/self/status
echo "uid: $(id -u)"
echo "gid: $(id -g)"
echo "groups: $(id -G)"
if touch /brig-probe 2>/tmp/err; then echo "rootwrite: ok"; else echo "rootwrite: failed: $(cat /tmp/err)"; fi
if echo hello >/tmp/probe && [ "$(cat /tmp/probe)" = hello ]; then echo "tmpwrite: ok"; else echo "tmpwrite: failed"; fi
for d in /var/tmp /run; do if echo hello >$d/probe; then echo "scratch $d: ok"; else echo "scratch $d: failed"; fi; done
if mount -t tmpfs none /mnt 2>/tmp/err; then echo "mount: ok"; else echo "mount: failed: $(cat /tmp/err)"; fi
if grep -q " /mnt " /proc/mounts; then echo "mnt-mounted: yes"; else echo "mnt-mounted: no"; fi
echo "proof: done"
'

# root with gid 0 as a supplementary group too (what Docker and containerd
# send), writable root filesystem, no_new_privs off, CAP_SYS_ADMIN in every set
WIDE_OPEN='.process.user = {"uid": 0, "gid": 0, "additionalGids": [0]}
	| .root.readonly = false
	| .process.noNewPrivileges = false
	| .process.capabilities |= with_entries(.value += ["CAP_SYS_ADMIN"])'

# Runs the proof container once per runtime for the whole file; each test
# then reads the saved output.
setup_file() {
	[[ $(id -u) -eq 0 ]] || return 0
	[[ -x $(brig_bin) ]] || return 0
	command -v jq >/dev/null || return 0
	busybox_path >/dev/null || return 0
	local rt dir
	for rt in runc crun; do
		command -v "$rt" >/dev/null || continue
		dir="$BATS_FILE_TMPDIR/proof-$rt"
		make_busybox_bundle "$dir" sh -c "$PROOF_SCRIPT" || continue
		# Start from a config that asks for more than runc spec's default,
		# so that every check below would fail without brig.
		bundle_jq "$dir" "$WIDE_OPEN" || continue
		local id
		id="$(new_container_id "proof-$rt")"
		BATS_TEST_TMPDIR="$BATS_FILE_TMPDIR" run_in_container "$rt" "$dir" "$id" \
			>"$dir.out" 2>&1
		echo $? >"$dir.status"
	done
}

teardown_file() {
	BATS_TEST_TMPDIR="$BATS_FILE_TMPDIR" cleanup_containers
}

setup() {
	require_busybox
	B="$BATS_TEST_TMPDIR/bundle"
}

teardown() {
	cleanup_containers
}

# Loads the proof output of runtime $1 into $output / $status.
load_proof() {
	runtime_path "$1" >/dev/null
	local dir="$BATS_FILE_TMPDIR/proof-$1"
	[[ -f $dir.status ]] || {
		echo "the $1 proof container did not run (bundle not built?)" >&2
		return 1
	}
	output="$(cat "$dir.out")"
	status="$(cat "$dir.status")"
	echo "--- $1 container output (exit $status):"
	echo "$output"
	[ "$status" -eq 0 ]
	grep -q '^proof: done$' <<<"$output"
}

# ---------------------------------------------------------------- the proof

check_no_capabilities() {
	load_proof "$1"
	local f v
	for f in CapEff CapPrm CapBnd; do
		v="$(status_field "$f")"
		[[ -n $v ]] || { echo "$f missing" >&2; return 1; }
		[[ $((16#$v)) -eq 0 ]] || { echo "$f is $v, want 0" >&2; return 1; }
	done
}
@test "runc: CapEff, CapPrm and CapBnd are 0 inside the container" { check_no_capabilities runc; }
@test "crun: CapEff, CapPrm and CapBnd are 0 inside the container" { check_no_capabilities crun; }

check_no_new_privs() {
	load_proof "$1"
	[ "$(status_field NoNewPrivs)" = 1 ]
}
@test "runc: NoNewPrivs is 1 inside the container" { check_no_new_privs runc; }
@test "crun: NoNewPrivs is 1 inside the container" { check_no_new_privs crun; }

check_seccomp_filter() {
	load_proof "$1"
	[ "$(status_field Seccomp)" = 2 ]
}
@test "runc: Seccomp is 2 (filter mode) inside the container" { check_seccomp_filter runc; }
@test "crun: Seccomp is 2 (filter mode) inside the container" { check_seccomp_filter crun; }

check_non_root() {
	load_proof "$1"
	local uid gid
	uid="$(status_field uid)"
	gid="$(status_field gid)"
	[[ $uid =~ ^[0-9]+$ && $gid =~ ^[0-9]+$ ]]
	[ "$uid" -ne 0 ]
	[ "$gid" -ne 0 ]
	# the input asked for gid 0 as a supplementary group: it is gone
	local groups
	groups="$(grep '^groups: ' <<<"$output" | cut -d' ' -f2-)"
	[[ -n $groups ]]
	[[ " $groups " != *" 0 "* ]] || { echo "groups still hold 0: $groups" >&2; return 1; }
}
@test "runc: id -u and id -g are not 0 inside the container" { check_non_root runc; }
@test "crun: id -u and id -g are not 0 inside the container" { check_non_root crun; }

check_readonly_root() {
	load_proof "$1"
	grep -q '^rootwrite: failed: .*Read-only file system' <<<"$output"
}
@test "runc: writing under / fails with Read-only file system" { check_readonly_root runc; }
@test "crun: writing under / fails with Read-only file system" { check_readonly_root crun; }

check_tmp_writable() {
	load_proof "$1"
	grep -q '^tmpwrite: ok$' <<<"$output"
}
# /run and /var/tmp are root-owned 0755 directories in the image; runc 1.1
# gives a tmpfs the mode of the directory it covers, so brig's tmpfs must be
# owned by the container user for these to be writable.
check_scratch_writable() {
	load_proof "$1"
	grep -q '^scratch /var/tmp: ok$' <<<"$output"
	grep -q '^scratch /run: ok$' <<<"$output"
}

@test "runc: writing under /tmp works" { check_tmp_writable runc; }
@test "runc: writing under /run and /var/tmp works" { check_scratch_writable runc; }
@test "crun: writing under /run and /var/tmp works" { check_scratch_writable crun; }
@test "crun: writing under /tmp works" { check_tmp_writable crun; }

check_no_mount() {
	load_proof "$1"
	grep -q '^mount: failed' <<<"$output"
	grep -q '^mnt-mounted: no$' <<<"$output"
}
@test "runc: mount -t tmpfs none /mnt fails" { check_no_mount runc; }
@test "crun: mount -t tmpfs none /mnt fails" { check_no_mount crun; }

# ---------------------------------------------------------------- lifecycle

# lifecycle RUNTIME STYLE: STYLE "plain" is `brig create --bundle B ID`;
# "containerd" adds the global flags and --pid-file the shim sends.
lifecycle() {
	local rt=$1 style=$2 rtpath id root="" out="$BATS_TEST_TMPDIR/create.out"
	local -a g=() rtg=() pidf=()
	runtime_path "$rt" rtpath >/dev/null
	[[ $rt == crun ]] && ensure_crun_cgroups
	make_busybox_bundle "$B" sleep 300
	id="$(new_container_id "$rt")"
	if [[ $style == containerd ]]; then
		root="$BATS_TEST_TMPDIR/root"
		mkdir -p "$root"
		g=(--root "$root" --log "$B/log.json" --log-format json)
		rtg=(--root "$root")
		pidf=(--pid-file "$B/init.pid")
	fi
	track_container "$rt" "$id" "$root"

	# create: detached, stdio to a file (the container keeps it open)
	brig_rt "$rt" "${g[@]}" create --bundle "$B" "${pidf[@]}" "$id" >"$out" 2>&1 || {
		cat "$out"
		return 1
	}
	[[ ! -s $out ]] || { echo "create printed:"; cat "$out"; return 1; }

	# state through brig: created, and the hardened annotation is there
	run brig_rt "$rt" "${g[@]}" state "$id"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(jq -r .id <<<"$output")" = "$id" ]
	[ "$(jq -r .status <<<"$output")" = created ]
	jq -e '.annotations["io.brig.hardened"] | type == "string" and startswith("brig/")' <<<"$output"
	local pid
	pid="$(jq -r .pid <<<"$output")"
	[[ $pid =~ ^[0-9]+$ && $pid -gt 0 ]]

	# the requested real runtime (with the requested root) owns it
	run "$rtpath" "${rtg[@]}" state "$id"
	[ "$status" -eq 0 ] || { echo "$rt ${rtg[*]} state $id: $output"; return 1; }
	if [[ $style == containerd ]]; then
		[ "$(cat "$B/init.pid")" = "$pid" ]
	fi

	run brig_rt "$rt" "${g[@]}" start "$id"
	[ "$status" -eq 0 ] || { echo "start: $output"; return 1; }
	[ -z "$output" ]
	wait_status running brig_rt "$rt" "${g[@]}" state "$id"

	run brig_rt "$rt" "${g[@]}" ps "$id"
	echo "ps: $output"
	[ "$status" -eq 0 ]
	grep -qw "$pid" <<<"$output"

	run brig_rt "$rt" "${g[@]}" exec "$id" id -u
	echo "exec id -u: $output"
	[ "$status" -eq 0 ]
	[[ $output =~ ^[0-9]+$ ]]
	[ "$output" -ne 0 ]

	run brig_rt "$rt" "${g[@]}" kill "$id" KILL
	[ "$status" -eq 0 ] || { echo "kill: $output"; return 1; }
	wait_status stopped brig_rt "$rt" "${g[@]}" state "$id"

	run brig_rt "$rt" "${g[@]}" delete --force "$id"
	[ "$status" -eq 0 ] || { echo "delete: $output"; return 1; }
	run brig_rt "$rt" "${g[@]}" state "$id"
	[ "$status" -ne 0 ]
	run "$rtpath" "${rtg[@]}" state "$id"
	[ "$status" -ne 0 ]

	if [[ $style == containerd ]]; then
		# nothing went wrong, so brig logged no error
		if [[ -f $B/log.json ]] && grep -q '"msg":"brig:' "$B/log.json"; then
			cat "$B/log.json"
			return 1
		fi
	fi
}
@test "runc: create, state, start, ps, exec, kill, delete" { lifecycle runc plain; }
@test "crun: create, state, start, ps, exec, kill, delete" { lifecycle crun plain; }
@test "runc: lifecycle with containerd's --root --log --log-format json" { lifecycle runc containerd; }
@test "crun: lifecycle with containerd's --root --log --log-format json" { lifecycle crun containerd; }

# Exec must not hand back what create took away (docker exec --privileged,
# --user 0, --cap).
exec_no_escalation() {
	local rt=$1 id out="$BATS_TEST_TMPDIR/create.out"
	runtime_path "$rt" >/dev/null
	[[ $rt == crun ]] && ensure_crun_cgroups
	make_busybox_bundle "$B" sleep 300
	id="$(new_container_id "$rt")"
	track_container "$rt" "$id"
	brig_rt "$rt" run --bundle "$B" --detach "$id" >"$out" 2>&1 || { cat "$out"; return 1; }
	wait_status running brig_rt "$rt" state "$id"

	run brig_rt "$rt" exec --user 0:0 "$id" id -u
	echo "exec --user 0:0 id -u: $output"
	[ "$status" -eq 0 ]
	[[ $output =~ ^[0-9]+$ ]]
	[ "$output" -ne 0 ]

	run brig_rt "$rt" exec --cap CAP_SYS_ADMIN "$id" grep -E '^Cap(Eff|Prm|Bnd):' /proc/self/status
	echo "exec --cap CAP_SYS_ADMIN: $output"
	[ "$status" -eq 0 ]
	local n
	n="$(grep -c ':[[:space:]]*0000000000000000$' <<<"$output")"
	[ "$n" -eq 3 ]

	# a process file asking for root and every capability
	local pf="$BATS_TEST_TMPDIR/process.json"
	jq '.process | .args = ["sh","-c","id -u; grep -E \"^(CapEff|NoNewPrivs):\" /proc/self/status"]
		| .user = {"uid":0,"gid":0}
		| .capabilities = {"bounding":["CAP_SYS_ADMIN"],"effective":["CAP_SYS_ADMIN"],"permitted":["CAP_SYS_ADMIN"]}
		| .noNewPrivileges = false' "$B/config.json" >"$pf"
	run brig_rt "$rt" exec --process "$pf" "$id"
	echo "exec --process (root, CAP_SYS_ADMIN): $output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" -ne 0 ]
	grep -q '^CapEff:[[:space:]]*0000000000000000$' <<<"$output"
	grep -q '^NoNewPrivs:[[:space:]]*1$' <<<"$output"
}
@test "runc: exec --user 0, --cap, --process cannot regain root or capabilities" { exec_no_escalation runc; }
@test "crun: exec --user 0, --cap, --process cannot regain root or capabilities" { exec_no_escalation crun; }

# ---------------------------------------------------------------- spec

check_spec() {
	local rt=$1 rtpath
	runtime_path "$rt" rtpath >/dev/null
	mkdir -p "$BATS_TEST_TMPDIR/via-brig" "$BATS_TEST_TMPDIR/plain"
	(cd "$BATS_TEST_TMPDIR/plain" && "$rtpath" spec)
	run bash -c "cd '$BATS_TEST_TMPDIR/via-brig' && BRIG_RUNTIME='$rtpath' '$(brig_bin)' spec"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	cmp "$BATS_TEST_TMPDIR/plain/config.json" "$BATS_TEST_TMPDIR/via-brig/config.json"
}
@test "runc: brig spec writes the same file as runc spec" { check_spec runc; }
@test "crun: brig spec writes the same file as crun spec" { check_spec crun; }

# ---------------------------------------------------------------- config on disk

# check_hardened_config RUNTIME: create through brig, then read config.json.
check_hardened_config() {
	local rt=$1 id out="$BATS_TEST_TMPDIR/create.out"
	runtime_path "$rt" >/dev/null
	[[ $rt == crun ]] && ensure_crun_cgroups
	make_busybox_bundle "$B" sleep 300
	# start from what an engine typically hands over: root with capabilities
	# and gid 0 among the supplementary groups (Docker, containerd)
	bundle_jq "$B" '.root.readonly = false | .process.noNewPrivileges = false
		| .process.user.additionalGids = [0, 10]'
	id="$(new_container_id "$rt")"
	track_container "$rt" "$id"
	brig_rt "$rt" create --bundle "$B" "$id" >"$out" 2>&1 || { cat "$out"; return 1; }

	local c="$B/config.json" failed=0
	check() { # DESCRIPTION JQ-EXPR
		if ! jq -e "$2" "$c" >/dev/null; then
			echo "not hardened: $1 ($2)"
			failed=1
		fi
	}
	check "non-root uid" '.process.user.uid != 0'
	check "non-root gid" '.process.user.gid != 0'
	check "no gid 0 in additionalGids" '[.process.user.additionalGids // [] | .[] | select(. == 0)] | length == 0'
	check "every capability set empty" \
		'[.process.capabilities // {} | .bounding, .effective, .inheritable, .permitted, .ambient | . // [] | length] | add == 0'
	check "noNewPrivileges" '.process.noNewPrivileges == true'
	check "read-only rootfs" '.root.readonly == true'
	local d
	for d in /tmp /var/tmp /run; do
		check "tmpfs at $d (nosuid,nodev)" \
			"[.mounts[] | select(.destination == \"$d\" and .type == \"tmpfs\" and (.options | index([\"nosuid\"])) and (.options | index([\"nodev\"])))] | length == 1"
	done
	check "seccomp filter set" '.linux.seccomp.defaultAction | type == "string" and . != "SCMP_ACT_ALLOW"'
	check "seccomp has rules" '(.linux.seccomp.syscalls // []) | length > 0'
	for d in pid ipc uts mount network cgroup; do
		check "private $d namespace" "[.linux.namespaces[] | select(.type == \"$d\" and (has(\"path\") | not))] | length == 1"
	done
	check "/proc/kcore masked" '.linux.maskedPaths | index(["/proc/kcore"])'
	check "/proc/sys read-only" '.linux.readonlyPaths | index(["/proc/sys"])'
	check "hardened annotation" '.annotations["io.brig.hardened"] | type == "string" and startswith("brig/")'
	check "pids limit" '.linux.resources.pids.limit | type == "number" and . > 0'
	[ "$failed" -eq 0 ]

	# Idempotence: hardening the result again changes nothing.
	local before after
	before="$(file_sum "$c")"
	run "$(brig_bin)" harden "$B"
	echo "$output"
	[ "$status" -eq 0 ]
	grep -q 'already hardened' <<<"${lines[-1]}"
	after="$(file_sum "$c")"
	[ "$before" = "$after" ]
}
@test "runc: config.json after create is hardened, and hardening again changes nothing" { check_hardened_config runc; }
@test "crun: config.json after create is hardened, and hardening again changes nothing" { check_hardened_config crun; }

# ---------------------------------------------------------------- engine inputs

# What the engine-config container prints, then it stays up for the host
# to look at it.  probe tries syscalls the engines' own profiles allow and
# brig's denies (io_uring_setup: Docker's; keyctl: Podman's).  The input's
# noNewPrivileges is set false, as docker run --security-opt
# no-new-privileges=false asks.
ENGINE_SCRIPT='
grep -E "^(CapEff|CapPrm|CapBnd|NoNewPrivs|Seccomp):" /proc/self/status
echo "uid: $(id -u)"
echo "groups: $(id -G)"
/bin/probe io_uring_setup keyctl
echo ready
exec sleep 300
'

# check_engine_config RUNTIME CONFIG: a config captured from Docker,
# containerd or Podman, through brig and the real runtime; every fix is
# observed inside the container and from the host.
check_engine_config() {
	local rt=$1 cfg=$2 id out="$BATS_TEST_TMPDIR/run.out" pid i probe
	runtime_path "$rt" >/dev/null
	[[ $rt == crun ]] && ensure_crun_cgroups
	probe="$(dirname "$(brig_bin)")/../../tests/integration/probe"
	[[ -x $probe ]] || skip "the static probe is not built (sanitizer build)"
	mkdir -p "$B"
	make_busybox_rootfs "$B/rootfs"
	cp "$probe" "$B/rootfs/bin/probe"
	adapt_engine_config "$BRIG_REPO/tests/data/configs/$cfg.json" "$B/config.json" "$B/rootfs" \
		sh -c "$ENGINE_SCRIPT"
	bundle_jq "$B" '.process.noNewPrivileges = false'
	local in_limit
	in_limit="$(jq -r '.linux.resources.pids.limit // 0' "$B/config.json")"
	# the input asks for what brig must take away
	jq -e '.process.user.uid == 0' "$B/config.json"
	id="$(new_container_id "$rt-$cfg")"
	track_container "$rt" "$id"
	brig_rt "$rt" run --detach --bundle "$B" "$id" >"$out" 2>&1 || { cat "$out"; return 1; }
	for ((i = 0; i < 100; i++)); do
		grep -q '^ready$' "$out" && break
		sleep 0.2
	done
	output="$(cat "$out")"
	echo "--- $rt $cfg container output:"
	echo "$output"
	grep -q '^ready$' <<<"$output"
	pid="$(brig_rt "$rt" state "$id" | jq -r .pid)"
	[[ $pid =~ ^[0-9]+$ && -d /proc/$pid ]]

	# inside: no capabilities, no_new_privs, a seccomp filter that denies
	# what the engine's profile allowed, no root, no group 0
	local f
	for f in CapEff CapPrm CapBnd; do
		[ "$((16#$(status_field "$f")))" -eq 0 ]
	done
	[ "$(status_field NoNewPrivs)" = 1 ]
	[ "$(status_field Seccomp)" = 2 ]
	[ "$(status_field uid)" -ne 0 ]
	local groups
	groups="$(grep '^groups: ' <<<"$output" | cut -d' ' -f2-)"
	[[ " $groups " != *" 0 "* ]] || { echo "groups hold 0: $groups"; return 1; }
	# allowed by the engine's profile, these reach the kernel and fail on
	# their arguments (EFAULT, EINVAL); brig's profile answers EPERM
	grep -q '^io_uring_setup: EPERM$' <<<"$output"
	grep -q '^keyctl: EPERM$' <<<"$output"

	# from the host: its real ids, its filter, its cgroup's pids.max
	local st
	st="$(cat "/proc/$pid/status")"
	echo "--- /proc/$pid/status:"
	grep -E '^(Uid|Gid|Groups|CapEff|NoNewPrivs|Seccomp):' <<<"$st"
	[[ " $(awk '/^Uid:/ {print $2, $3, $4, $5}' <<<"$st") " != *" 0 "* ]]
	[[ " $(awk '/^Gid:/ {print $2, $3, $4, $5}' <<<"$st") $(awk '/^Groups:/ {$1 = ""; print}' <<<"$st") " != *" 0 "* ]]
	[ "$(awk '/^Seccomp:/ {print $2}' <<<"$st")" = 2 ]
	local cg max
	cg="$(awk -F: '$2 == "pids" {print $3}' "/proc/$pid/cgroup")"
	if [[ -n $cg ]]; then
		max="$(cat "/sys/fs/cgroup/pids$cg/pids.max")"
	else
		max="$(cat "/sys/fs/cgroup$(awk -F: '$1 == "0" {print $3}' "/proc/$pid/cgroup")/pids.max")"
	fi
	echo "pids.max: $max (the input asked for ${in_limit})"
	[[ $max =~ ^[0-9]+$ && $max -gt 0 ]]
	# a positive limit the engine set is kept up to the policy's 4096
	if [[ $in_limit -gt 0 && $in_limit -le 4096 ]]; then
		[ "$max" -eq "$in_limit" ]
	elif [[ $in_limit -gt 4096 ]]; then
		[ "$max" -eq 4096 ]
	fi
	brig_rt "$rt" kill "$id" KILL || true
}
@test "runc: Docker's config (docker-plain) hardened, seen inside and from the host" { check_engine_config runc docker-plain; }
@test "crun: Docker's config (docker-plain) hardened, seen inside and from the host" { check_engine_config crun docker-plain; }
@test "runc: containerd's config (ctr-plain) hardened, seen inside and from the host" { check_engine_config runc ctr-plain; }
@test "crun: containerd's config (ctr-plain) hardened, seen inside and from the host" { check_engine_config crun ctr-plain; }
@test "runc: Podman's config (podman-default) hardened, seen inside and from the host" { check_engine_config runc podman-default; }
@test "crun: Podman's config (podman-default) hardened, seen inside and from the host" { check_engine_config crun podman-default; }
