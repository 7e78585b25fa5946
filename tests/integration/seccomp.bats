#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# brig's default seccomp profile in real containers, under runc and crun:
# the filter is loaded, ordinary tools (busybox and a dynamically linked
# Debian binary) work, and every denied class fails with its exact errno
# (tests/integration/probe.c).  Then the filter itself, not only the dropped
# capabilities, stops mount and unshare; and the `brig seccomp` toolbox
# (show, pfc, bpf, explain, diff) answers what the containers showed.

load helpers
bats_require_minimum_version 1.5.0

# Copies a dynamically linked host binary, its libraries and the loader
# into a rootfs (same paths), so the container runs real Debian code.
copy_dynamic() {
	local bin=$1 rootfs=$2 dest=$3 lib
	mkdir -p "$rootfs$(dirname "$dest")"
	cp -L "$bin" "$rootfs$dest"
	for lib in $(ldd "$bin" | grep -oE '/[^ ]+'); do
		mkdir -p "$rootfs$(dirname "$lib")"
		cp -L "$lib" "$rootfs$lib"
	done
}

TOOLS_SCRIPT='
grep -E "^Seccomp:" /proc/self/status
ls / >/dev/null && echo "ls: ok"
echo hi >/tmp/f && cat /tmp/f >/dev/null && echo "cat: ok"
tar cf /tmp/x.tar /bin/busybox 2>/dev/null && tar tf /tmp/x.tar >/dev/null && echo "tar: ok"
date >/dev/null && echo "date: ok"
wget --help 2>&1 | grep -q -i usage && echo "wget: ok"
/opt/ls -la /etc >/dev/null && /opt/ls -la /etc/passwd && echo "dynls: ok"
if unshare -U true 2>/dev/null; then echo "unshare: ok"; else echo "unshare: failed"; fi
if mount -t tmpfs x /mnt 2>/dev/null; then echo "mount: ok"; else echo "mount: failed"; fi
/bin/probe
'

setup_file() {
	[[ $(id -u) -eq 0 ]] || return 0
	[[ -x $(brig_bin) ]] || return 0
	command -v jq >/dev/null || return 0
	busybox_path >/dev/null || return 0
	local probe
	probe="$(probe_bin)" || probe=""
	local rt dir id
	for rt in runc crun; do
		command -v "$rt" >/dev/null || continue
		dir="$BATS_FILE_TMPDIR/tools-$rt"
		make_busybox_bundle "$dir" sh -c "$TOOLS_SCRIPT" || continue
		[[ -n $probe ]] && cp "$probe" "$dir/rootfs/bin/probe"
		copy_dynamic /bin/ls "$dir/rootfs" /opt/ls
		# ask for root and CAP_SYS_ADMIN: brig must take both away
		bundle_jq "$dir" '.process.user = {"uid": 0, "gid": 0}
			| .process.capabilities |= with_entries(.value += ["CAP_SYS_ADMIN"])' || continue
		id="$(new_container_id "seccomp-$rt")"
		BATS_TEST_TMPDIR="$BATS_FILE_TMPDIR" run_in_container "$rt" "$dir" "$id" \
			>"$dir.out" 2>&1
		echo $? >"$dir.status"
	done
}

teardown_file() {
	BATS_TEST_TMPDIR="$BATS_FILE_TMPDIR" cleanup_containers
}

load_output() {
	local rt=$1
	require_root
	require_brig
	require_cmd jq "$rt"
	busybox_path >/dev/null || skip "needs a static busybox (busybox-static)"
	local f="$BATS_FILE_TMPDIR/tools-$rt"
	[[ -f $f.status ]] || skip "the $rt container could not be set up"
	output="$(cat "$f.out")"
	[[ $(cat "$f.status") == 0 ]] || {
		echo "$output"
		return 1
	}
}

field() {
	grep -E "^$1:" <<<"$output" | head -n1 | sed -E "s/^$1:[[:space:]]*//"
}

check_tools() {
	load_output "$1"
	echo "$output"
	[[ $(field Seccomp) == 2 ]]
	for t in ls cat tar date wget dynls; do
		[[ $(field "$t") == ok ]]
	done
	[[ $(field unshare) == failed ]]
	[[ $(field mount) == failed ]]
}

check_probe() {
	load_output "$1"
	grep -q '^socket-unix:' <<<"$output" || skip "no static probe (cc -static failed)"
	echo "$output"
	# allowed
	[[ $(pfield socket-unix) == ok ]]
	[[ $(pfield socket-inet) == ok ]]
	[[ $(pfield clone-fork) == ok ]]
	[[ $(pfield unshare-files) == ok ]]
	[[ $(pfield personality-query) == ok ]]
	[[ $(pfield getppid) == ok ]]
	# denied, each with the errno the profile names
	[[ $(pfield mount) == EPERM ]]
	[[ $(pfield unshare-user) == EPERM ]]
	[[ $(pfield clone-newns) == EPERM ]]
	[[ $(pfield keyctl) == EPERM ]]
	[[ $(pfield bpf) == EPERM ]]
	[[ $(pfield io_uring_setup) == EPERM ]]
	[[ $(pfield socket-vsock) == EPERM ]]
	[[ $(pfield socket-alg) == EPERM ]]
	[[ $(pfield socket-vsock-highbit) == EPERM ]]
	[[ $(pfield personality-norandom) == EPERM ]]
	[[ $(pfield clone3) == ENOSYS ]]
	[[ $(pfield unknown-1000) == ENOSYS ]]
}

@test "runc: filter loaded, busybox tools and a dynamic Debian ls work, unshare and mount fail" {
	check_tools runc
}

@test "crun: filter loaded, busybox tools and a dynamic Debian ls work, unshare and mount fail" {
	check_tools crun
}

@test "runc: every denied class fails with its exact errno (probe)" {
	check_probe runc
}

@test "crun: every denied class fails with its exact errno (probe)" {
	check_probe crun
}

@test "the filter itself denies mount and unshare to a process holding CAP_SYS_ADMIN" {
	require_root
	require_brig
	require_cmd jq runc
	busybox_path >/dev/null || skip "needs a static busybox (busybox-static)"
	local dir="$BATS_TEST_TMPDIR/b" id
	make_busybox_bundle "$dir" sh -c 'grep ^Seccomp: /proc/self/status
		if mount -t tmpfs x /mnt 2>/dev/null; then echo "mount: ok"; else echo "mount: failed"; fi
		if unshare -U true 2>/dev/null; then echo "unshare: ok"; else echo "unshare: failed"; fi'
	run "$(brig_bin)" harden "$dir"
	[ "$status" -eq 0 ]
	# give the hardened config root and CAP_SYS_ADMIN back, keep its filter
	bundle_jq "$dir" '.process.user = {"uid": 0, "gid": 0}
		| .process.capabilities |= with_entries(.value = ["CAP_SYS_ADMIN"])'
	id="$(new_container_id filter)"
	track_container runc "$id"
	run timeout 120 runc run --bundle "$dir" "$id" </dev/null
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $(field Seccomp) == 2 ]]
	[[ $(field mount) == failed ]]
	[[ $(field unshare) == failed ]]

	# the same config without the filter: the capability alone allows both
	bundle_jq "$dir" 'del(.linux.seccomp)'
	id="$(new_container_id nofilter)"
	track_container runc "$id"
	run timeout 120 runc run --bundle "$dir" "$id" </dev/null
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $(field Seccomp) == 0 ]]
	[[ $(field mount) == ok ]]
	[[ $(field unshare) == ok ]]
}

# Most x86_64 kernels run no x32 calls (built without the ABI, or Debian's,
# which needs syscall.x32=y).  There brig's filter has no x32 entry: the
# runtime compiles a third less, and an x32 call, which the kernel would
# only answer with ENOSYS, gets the filter's bad-architecture action.
@test "x32: the written filter lists x32 exactly when the kernel runs x32 calls" {
	require_root
	require_brig
	require_cmd jq runc
	[[ $(uname -m) == x86_64 ]] || skip "x32 is an x86_64 ABI; this host is $(uname -m)"
	busybox_path >/dev/null || skip "needs a static busybox (busybox-static)"
	local probe
	probe="$(probe_bin)" || skip "no static probe (cc -static failed)"
	run "$probe" x32-getpid
	local host="$output"
	[[ $host == "x32-getpid: ok" || $host == "x32-getpid: ENOSYS" ]]
	local dir="$BATS_TEST_TMPDIR/b" id
	make_busybox_bundle "$dir" /bin/probe x32-getpid
	cp "$probe" "$dir/rootfs/bin/probe"
	"$(brig_bin)" harden "$dir" >/dev/null
	local archs
	archs="$(jq -c .linux.seccomp.architectures "$dir/config.json")"
	if [[ $host == *ok ]]; then
		[[ $archs == '["SCMP_ARCH_X86_64","SCMP_ARCH_X86","SCMP_ARCH_X32"]' ]]
	else
		[[ $archs == '["SCMP_ARCH_X86_64","SCMP_ARCH_X86"]' ]]
		# inside, the call cannot succeed: SIGSYS (exit 159) from the filter
		id="$(new_container_id x32)"
		run runc run --bundle "$dir" "$id"
		runc delete -f "$id" >/dev/null 2>&1 || true
		echo "$output"
		[ "$status" -eq 159 ]
	fi
}

# ---- the toolbox: brig seccomp show|pfc|bpf|explain|diff ----

@test "seccomp show: the resolved profile, the same one brig attaches to a bundle" {
	require_brig
	require_cmd jq
	run "$(brig_bin)" seccomp show
	[ "$status" -eq 0 ]
	jq -e '.defaultAction == "SCMP_ACT_ERRNO" and .defaultErrnoRet == 38' <<<"$output"
	# mount is denied without CAP_SYS_ADMIN, allowed with it
	jq -e '[.syscalls[] | select(.names | index("mount")) | .action] == ["SCMP_ACT_ERRNO"]' <<<"$output"
	# brig's own keys are resolved away
	run ! grep -qE '"(comment|includes|excludes)"' <<<"$output"
	run "$(brig_bin)" seccomp show --caps SYS_ADMIN
	[ "$status" -eq 0 ]
	jq -e '[.syscalls[] | select(.names | index("mount")) | .action] == ["SCMP_ACT_ALLOW"]' <<<"$output"

	busybox_path >/dev/null || skip "needs a static busybox (busybox-static)"
	local dir="$BATS_TEST_TMPDIR/b" nocaps
	make_busybox_bundle "$dir" true
	bundle_jq "$dir" '.process.capabilities |= with_entries(.value += ["CAP_SYS_ADMIN"])'
	# (the seccomp pass also narrows architectures to those the host runs)
	nocaps="$("$(brig_bin)" seccomp show | jq -S 'del(.architectures)')"
	run "$(brig_bin)" seccomp show "$dir"
	[ "$status" -eq 0 ]
	local shown="$output"
	# the policy drops CAP_SYS_ADMIN: the bundle gets the no-capability rules,
	# less the names none of the host's architectures has (the ARM private
	# calls on x86): those are the only difference
	local keep dropped
	keep="$(jq -c '[.syscalls[].names[]] | unique' <<<"$shown")"
	[[ "$(jq -S 'del(.architectures)' <<<"$shown")" == "$(jq -S --argjson keep "$keep" '
		.syscalls |= (map(.names |= map(select(. as $n | $keep | index($n)))) | map(select(.names | length > 0)))' <<<"$nocaps")" ]]
	dropped="$(jq -r --argjson keep "$keep" '[.syscalls[].names[] | select(. as $n | $keep | index($n) | not)] | unique | .[]' <<<"$nocaps")"
	[[ $(wc -l <<<"$dropped") -lt 40 ]]
	if [[ $(uname -m) == x86_64 ]]; then
		grep -q '^arm_fadvise64_64$' <<<"$dropped"
		run ! grep -qE '^(read|write|socket|clone|mount|openat)$' <<<"$dropped"
	fi
	# and exactly what `brig harden` writes
	"$(brig_bin)" harden "$dir" >/dev/null
	[[ "$(jq -S .linux.seccomp "$dir/config.json")" == "$(jq -S . <<<"$shown")" ]]
}

@test "seccomp pfc and bpf: libseccomp's pseudo-code and the raw filter" {
	require_brig
	run "$(brig_bin)" seccomp pfc --arch x86_64
	[ "$status" -eq 0 ]
	grep -q 'filter for syscall "keyctl"' <<<"$output"
	grep -q 'action ERRNO(1);' <<<"$output"
	grep -q 'action ERRNO(38);' <<<"$output"
	run "$(brig_bin)" seccomp bpf
	[ "$status" -eq 0 ]
	local n=${#lines[@]}
	[ "$n" -gt 100 ]
	grep -qE '^0000: code=0x0020 .*  ld \[4\] \(arch\)$' <<<"$output" # first: load the arch
	grep -q '  ret ERRNO(EPERM)$' <<<"$output"
	grep -q '  ret ERRNO(ENOSYS)$' <<<"$output"
	grep -q '  ret ALLOW$' <<<"$output"
	run "$(brig_bin)" seccomp bpf -o "$BATS_TEST_TMPDIR/f.bpf"
	[ "$status" -eq 0 ]
	[ "$(stat -c %s "$BATS_TEST_TMPDIR/f.bpf")" -eq $((n * 8)) ]
	run "$(brig_bin)" seccomp pfc --arch nosucharch
	[ "$status" -eq 2 ]
	grep -q 'unknown architecture' <<<"$output"
}

@test "seccomp explain: action, deciding entry and its comment, the capability that changes it" {
	require_brig
	run "$(brig_bin)" seccomp explain clone CLONE_NEWUSER
	echo "$output"
	[ "$status" -eq 0 ]
	grep -q '^  action:  ERRNO(EPERM)$' <<<"$output"
	grep -qE '^  because: /syscalls/[0-9]+ ERRNO\(EPERM\) if arg0 >= 0x0$' <<<"$output"
	grep -q 'clone with any namespace flag' <<<"$output"
	grep -q 'with CAP_SYS_ADMIN: ALLOW' <<<"$output"
	run "$(brig_bin)" seccomp explain clone 'CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD'
	grep -q '^  action:  ALLOW$' <<<"$output"
	run "$(brig_bin)" seccomp explain socket AF_VSOCK
	grep -q '^  action:  ERRNO(EPERM)$' <<<"$output"
	run "$(brig_bin)" seccomp explain socket 0x100000028 --arch x86
	grep -q '^  action:  ERRNO(EPERM)$' <<<"$output"
	run "$(brig_bin)" seccomp explain personality 0x8
	grep -q '^  action:  ALLOW$' <<<"$output"
	run "$(brig_bin)" seccomp explain 1000
	grep -q '^  action:  ERRNO(ENOSYS)$' <<<"$output"
	grep -q 'no entry applies: the default action' <<<"$output"
	run "$(brig_bin)" seccomp explain mount --caps CAP_SYS_ADMIN
	grep -q '^  action:  ALLOW$' <<<"$output"
	grep -q 'without CAP_SYS_ADMIN: ERRNO(EPERM)' <<<"$output"
	run "$(brig_bin)" seccomp explain nosuchcall
	[ "$status" -eq 2 ]
	grep -q 'not a system call libseccomp knows' <<<"$output"
	run "$(brig_bin)" seccomp explain clone CLONE_NEWBOGUS
	[ "$status" -eq 2 ]
}

@test "seccomp explain predicts what the probe saw inside the runc container" {
	load_output runc
	grep -q '^socket-unix:' <<<"$output" || skip "no static probe"
	local seen="$output" line class sys want got
	while read -r class sys; do
		# the probe prints last (the shell script has its own "mount:" line)
		want="$(grep -E "^$class:" <<<"$seen" | tail -n1 | sed -E 's/^[^:]+: //')"
		[[ $want == ok ]] && want=ALLOW || want="ERRNO($want)"
		# shellcheck disable=SC2086
		got="$("$(brig_bin)" seccomp explain $sys | sed -nE 's/^  action:  //p')"
		echo "$class: container $want, explain $got"
		[[ $got == "$want" ]]
	done <<-'EOF'
		mount mount
		unshare-user unshare CLONE_NEWUSER
		unshare-files unshare CLONE_FILES
		clone-newns clone CLONE_NEWNS|SIGCHLD
		clone-fork clone SIGCHLD
		clone3 clone3
		keyctl keyctl
		bpf bpf
		io_uring_setup io_uring_setup
		socket-unix socket AF_UNIX
		socket-vsock socket AF_VSOCK
		socket-alg socket AF_ALG
		socket-vsock-highbit socket 0x100000028
		personality-query personality 0xffffffff
		personality-norandom personality ADDR_NO_RANDOMIZE
		unknown-1000 1000
	EOF
}

@test "seccomp diff: what one profile allows that the other does not" {
	require_brig
	require_cmd jq
	run "$(brig_bin)" seccomp diff default default
	[ "$status" -eq 0 ]
	[[ $output == "no difference" ]]
	run "$(brig_bin)" seccomp diff default default:SYS_ADMIN
	echo "$output"
	[ "$status" -eq 1 ]
	grep -q '^only B allows' <<<"$output"
	grep -qE '^  mount +A: ERRNO\(EPERM\)$' <<<"$output"
	run ! grep -q '^only A allows' <<<"$output"
	# a file: the default minus keyctl's EPERM (falls to ENOSYS), plus ptrace allowed
	"$(brig_bin)" seccomp show >"$BATS_TEST_TMPDIR/a.json"
	jq '.syscalls |= map(.names -= ["keyctl"] | select(.names | length > 0))
		| .syscalls += [{"names": ["ptrace"], "action": "SCMP_ACT_ALLOW"}]' \
		"$BATS_TEST_TMPDIR/a.json" >"$BATS_TEST_TMPDIR/b.json"
	run "$(brig_bin)" seccomp diff default "$BATS_TEST_TMPDIR/b.json"
	echo "$output"
	[ "$status" -eq 1 ]
	grep -qE '^  ptrace +A: ERRNO\(EPERM\)$' <<<"$output"
	grep -qE '^  keyctl +A: ERRNO\(EPERM\)$' <<<"$output"
	grep -qE 'B: ERRNO\(ENOSYS\) \(default\)$' <<<"$output"
}

teardown() {
	cleanup_containers
}
