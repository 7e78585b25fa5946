#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Never looser than the engine (issue 13, row 10): when the config carries
# the engine's own seccomp profile, the filter brig attaches denies what
# either profile denies.  Proven in real containers under runc and crun
# with the static probe (tests/integration/probe.c), which makes raw system
# calls and prints the errno the kernel returned:
#   - runtime-tools' linux_seccomp denies getcwd: it stays denied, while
#     brig's own denials (AF_VSOCK, keyctl) hold too;
#   - Docker's default profile has no name_to_handle_at: denied, although
#     brig's profile alone allows it (the same test shows it does);
#   - 32-bit x86 (probe32): socketcall(SYS_SOCKET), whose arguments the
#     filter cannot read, is denied; the direct socket call is filtered by
#     family.

load helpers

# runtime-tools' validation/linux_seccomp: everything allowed but getcwd.
RUNTIME_TOOLS_PROFILE='{"defaultAction": "SCMP_ACT_ALLOW",
	"architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
	"syscalls": [{"names": ["getcwd"], "action": "SCMP_ACT_ERRNO"}]}'

SCRIPT='
/bin/probe getcwd getppid socket-inet socket-vsock keyctl name_to_handle_at
[ -x /bin/probe32 ] && /bin/probe32 socket-inet socket-vsock socket-alg socketcall-inet socketcall-vsock socketcall-alg | sed "s/^/32:/"
true
'

# One container per runtime and engine profile, run once for the file.
setup_file() {
	[[ $(id -u) -eq 0 ]] || return 0
	[[ -x $(brig_bin) ]] || return 0
	command -v jq >/dev/null || return 0
	busybox_path >/dev/null || return 0
	local probe probe32 rt dir id kind
	probe="$(probe_bin)" || return 0
	probe32="$(probe_bin 32)" || probe32=""
	for rt in runc crun; do
		command -v "$rt" >/dev/null || continue
		for kind in runtime-tools docker none; do
			dir="$BATS_FILE_TMPDIR/$kind-$rt"
			make_busybox_bundle "$dir" sh -c "$SCRIPT" || continue
			cp "$probe" "$dir/rootfs/bin/probe"
			[[ -n $probe32 ]] && cp "$probe32" "$dir/rootfs/bin/probe32"
			case $kind in
			runtime-tools)
				bundle_jq "$dir" ".linux.seccomp = $RUNTIME_TOOLS_PROFILE" || continue
				;;
			docker)
				bundle_jq "$dir" ".linux.seccomp = $(jq -c .linux.seccomp \
					"$BRIG_REPO/tests/data/configs/docker-plain.json")" || continue
				;;
			none)
				bundle_jq "$dir" 'del(.linux.seccomp)' || continue
				;;
			esac
			id="$(new_container_id "scengine-$rt")"
			BATS_TEST_TMPDIR="$BATS_FILE_TMPDIR" run_in_container "$rt" "$dir" "$id" \
				>"$dir.out" 2>&1
			echo $? >"$dir.status"
		done
	done
}

teardown_file() {
	BATS_TEST_TMPDIR="$BATS_FILE_TMPDIR" cleanup_containers
}

# load KIND RUNTIME: the container's output into $output
load_run() {
	local kind=$1 rt=$2
	require_root
	require_brig
	require_cmd jq "$rt"
	busybox_path >/dev/null || skip "needs a static busybox (busybox-static)"
	local f="$BATS_FILE_TMPDIR/$kind-$rt"
	[[ -f $f.status ]] || skip "the $rt container could not be set up (no static probe?)"
	output="$(cat "$f.out")"
	echo "$output"
	[[ $(cat "$f.status") == 0 ]]
}

check_runtime_tools() {
	load_run runtime-tools "$1"
	# the engine's denial stays
	[[ $(pfield getcwd) == EPERM ]]
	# brig's stay too
	[[ $(pfield socket-vsock) == EPERM ]]
	[[ $(pfield keyctl) == EPERM ]]
	# what both allow works
	[[ $(pfield getppid) == ok ]]
	[[ $(pfield socket-inet) == ok ]]
	# the config the runtime read: getcwd in a denying entry
	run jq -r '.linux.seccomp.syscalls[] | select(.names | index("getcwd")) | .action' \
		"$BATS_FILE_TMPDIR/runtime-tools-$1/config.json"
	[[ $output == SCMP_ACT_ERRNO ]]
}

@test "runc: runtime-tools' profile denies getcwd; under brig getcwd stays denied" {
	check_runtime_tools runc
}

@test "crun: runtime-tools' profile denies getcwd; under brig getcwd stays denied" {
	check_runtime_tools crun
}

check_docker() {
	# brig's profile alone allows name_to_handle_at (its zero-sized buffer
	# gets EOVERFLOW from the kernel itself)
	load_run none "$1"
	[[ $(pfield name_to_handle_at) == EOVERFLOW ]]
	[[ $(pfield getcwd) == ok ]]
	# Docker's does not list it: with Docker's profile, the filter says EPERM
	load_run docker "$1"
	[[ $(pfield name_to_handle_at) == EPERM ]]
	[[ $(pfield getcwd) == ok ]]
	[[ $(pfield socket-inet) == ok ]]
	[[ $(pfield socket-vsock) == EPERM ]]
}

@test "runc: with Docker's profile, name_to_handle_at is denied as Docker denies it" {
	check_docker runc
}

@test "crun: with Docker's profile, name_to_handle_at is denied as Docker denies it" {
	check_docker crun
}

check_socketcall() {
	load_run runtime-tools "$1"
	grep -q '^32:' <<<"$output" || skip "no 32-bit probe (gcc -m32 -static needs gcc-multilib)"
	# the direct socket call: filtered by family
	[[ $(pfield 32:socket-inet) == ok ]]
	[[ $(pfield 32:socket-vsock) == EPERM ]]
	[[ $(pfield 32:socket-alg) == EPERM ]]
	# socketcall: its arguments are out of the filter's reach, so it is shut
	[[ $(pfield 32:socketcall-inet) == EPERM ]]
	[[ $(pfield 32:socketcall-vsock) == EPERM ]]
	[[ $(pfield 32:socketcall-alg) == EPERM ]]
}

@test "runc: 32-bit x86 cannot reach AF_VSOCK or AF_ALG through socketcall" {
	check_socketcall runc
}

@test "crun: 32-bit x86 cannot reach AF_VSOCK or AF_ALG through socketcall" {
	check_socketcall crun
}

# brig seccomp explain says which profile decided: a bundle whose config
# carries runtime-tools' profile, explained before it is hardened.
@test "seccomp explain: which profile decided, for a bundle with the engine's profile" {
	require_brig
	require_cmd jq
	local b="$BATS_TEST_TMPDIR/b"
	mkdir -p "$b/rootfs"
	jq ".linux.seccomp = $RUNTIME_TOOLS_PROFILE" "$BRIG_REPO/tests/data/configs/runc-spec.json" \
		>"$b/config.json"
	run "$(brig_bin)" seccomp explain getcwd --bundle "$b"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *"engine:  the engine's own profile says ERRNO(EPERM)"* ]]
	[[ $output == *"brig:    brig's profile alone says ALLOW"* ]]
	[[ $output == *"result:  ERRNO(EPERM), decided by the engine's profile (brig's allows it)"* ]]
	run "$(brig_bin)" seccomp explain socket AF_VSOCK SOCK_STREAM --bundle "$b"
	echo "$output"
	[[ $output == *"result:  ERRNO(EPERM), decided by brig's profile (the engine's allows it)"* ]]
	run "$(brig_bin)" seccomp explain read --bundle "$b"
	[[ $output == *"result:  ALLOW, allowed: both profiles allow it"* ]]
	# the bundle is not changed
	run jq -r '.linux.seccomp.defaultAction' "$b/config.json"
	[[ $output == SCMP_ACT_ALLOW ]]
	# --engine: Docker's profile and brig's both deny keyctl
	run "$(brig_bin)" seccomp explain keyctl --engine "$BRIG_REPO/tests/data/configs/docker-plain.json"
	echo "$output"
	[[ $output == *"result:  ERRNO(EPERM), decided by both: each profile denies it"* ]]
	# once hardened, the config holds brig's result: no engine profile to name
	"$(brig_bin)" harden "$b" >/dev/null
	run "$(brig_bin)" seccomp explain getcwd --bundle "$b"
	echo "$output"
	[[ $output == *"engine:  not known"* ]]
	[[ $output == *"action:  ERRNO(EPERM)"* ]] || [[ $output == *"checked:"* ]]
}
