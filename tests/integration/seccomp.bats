#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# brig's default seccomp profile in real containers, under runc and crun:
# the filter is loaded, ordinary tools work, and the denials hold (namespace
# creation, mount, AF_VSOCK/AF_ALG even with a high bit set, clone3 ENOSYS,
# io_uring, keyctl).  The last test shows that the filter itself, not only
# the dropped capabilities, stops mount and unshare.

load helpers

# A static probe making raw system calls, so libc cannot hide the errno.
PROBE_C='
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/personality.h>
#include <sys/syscall.h>
#define T(name, call) do { errno = 0; long r = (call); \
    printf("%s: %s\n", name, r < 0 ? strerrorname_np(errno) : "ok"); } while (0)
int main(void) {
    T("socket-unix", syscall(SYS_socket, 1, 1, 0));
    T("socket-inet", syscall(SYS_socket, 2, 2, 0));
    T("socket-vsock", syscall(SYS_socket, 40, 1, 0));
    T("socket-alg", syscall(SYS_socket, 38, 5, 0));
    T("socket-vsock-highbit", syscall(SYS_socket, 0x100000028UL, 1, 0));
    T("clone3", syscall(SYS_clone3, 0, 0));
    T("io_uring_setup", syscall(SYS_io_uring_setup, 1, 0));
    T("keyctl", syscall(SYS_keyctl, 0, 0, 0, 0, 0));
    T("bpf", syscall(SYS_bpf, 0, 0, 0));
    T("personality-query", personality(0xffffffff));
    T("personality-norandom", personality(ADDR_NO_RANDOMIZE));
    T("unknown-1000", syscall(1000));
    return 0;
}'

TOOLS_SCRIPT='
grep -E "^Seccomp:" /proc/self/status
ls / >/dev/null && echo "ls: ok"
echo hi >/tmp/f && cat /tmp/f >/dev/null && echo "cat: ok"
tar cf /tmp/x.tar /bin/busybox 2>/dev/null && tar tf /tmp/x.tar >/dev/null && echo "tar: ok"
date >/dev/null && echo "date: ok"
if unshare -U true 2>/dev/null; then echo "unshare: ok"; else echo "unshare: failed"; fi
if mount -t tmpfs x /mnt 2>/dev/null; then echo "mount: ok"; else echo "mount: failed"; fi
/bin/probe
'

setup_file() {
	[[ $(id -u) -eq 0 ]] || return 0
	[[ -x $(brig_bin) ]] || return 0
	command -v jq >/dev/null || return 0
	busybox_path >/dev/null || return 0
	local probe="$BATS_FILE_TMPDIR/probe"
	printf '%s\n' "$PROBE_C" >"$probe.c"
	cc -static -O2 -o "$probe" "$probe.c" 2>"$probe.err" || rm -f "$probe"
	local rt dir id
	for rt in runc crun; do
		command -v "$rt" >/dev/null || continue
		dir="$BATS_FILE_TMPDIR/tools-$rt"
		make_busybox_bundle "$dir" sh -c "$TOOLS_SCRIPT" || continue
		[[ -x $probe ]] && cp "$probe" "$dir/rootfs/bin/probe"
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
	for t in ls cat tar date; do
		[[ $(field "$t") == ok ]]
	done
	[[ $(field unshare) == failed ]]
	[[ $(field mount) == failed ]]
}

check_probe() {
	load_output "$1"
	grep -q '^socket-unix:' <<<"$output" || skip "no static probe (cc -static failed)"
	echo "$output"
	[[ $(field socket-unix) == ok ]]
	[[ $(field socket-inet) == ok ]]
	[[ $(field socket-vsock) == EPERM ]]
	[[ $(field socket-alg) == EPERM ]]
	[[ $(field socket-vsock-highbit) == EPERM ]]
	[[ $(field clone3) == ENOSYS ]]
	[[ $(field io_uring_setup) == EPERM ]]
	[[ $(field keyctl) == EPERM ]]
	[[ $(field bpf) == EPERM ]]
	[[ $(field personality-query) == ok ]]
	[[ $(field personality-norandom) == EPERM ]]
	[[ $(field unknown-1000) == ENOSYS ]]
}

@test "runc: filter loaded, busybox tools work, unshare and mount fail" {
	check_tools runc
}

@test "crun: filter loaded, busybox tools work, unshare and mount fail" {
	check_tools crun
}

@test "runc: socket families, clone3, io_uring, keyctl, personality, unknown syscalls" {
	check_probe runc
}

@test "crun: socket families, clone3, io_uring, keyctl, personality, unknown syscalls" {
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

teardown() {
	cleanup_containers
}
