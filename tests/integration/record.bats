#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# brig record and brig trace-denials with real runtimes (runc and crun):
# seccomp user notification through linux.seccomp.listenerPath.
#   - a recorded profile lets the recorded workload run again, under the
#     runtime it was recorded with, and denies (ENOSYS) a syscall the
#     workload never made;
#   - the denial tracer names the syscall that makes a program fail, answers
#     with the profile's own errno (behaviour unchanged), and leaves the
#     conditional ALLOW rules (clone without namespace flags) alone.

bats_require_minimum_version 1.5.0
load helpers
bats_require_minimum_version 1.5.0

WORKLOAD='echo hello; cat /etc/passwd >/dev/null; ls / >/dev/null; date >/dev/null; echo done'

record_and_replay() {
	local rt=$1 dir="$BATS_TEST_TMPDIR/b" rec="$BATS_TEST_TMPDIR/rec.json" id
	require_busybox_runtime "$rt"
	make_busybox_bundle "$dir" sh -c "$WORKLOAD"
	run timeout 120 "$(brig_bin)" record -o "$rec" --runtime "$rt" "$dir" </dev/null
	echo "$output"
	[ "$status" -eq 0 ]
	grep -q '^hello$' <<<"$output"
	grep -q '^done$' <<<"$output"
	grep -qE 'brig record: [0-9]+ system calls seen' <<<"$output"
	jq . "$rec"
	jq -e '.defaultAction == "SCMP_ACT_ERRNO" and .defaultErrnoRet == 38' "$rec"
	jq -e '.syscalls[0].action == "SCMP_ACT_ALLOW"' "$rec"
	local n
	n="$(jq '.syscalls[0].names | length' "$rec")"
	# a shell running four tools: tens of syscalls, not hundreds
	[ "$n" -gt 15 ] && [ "$n" -lt 120 ]
	for s in execve write openat exit_group; do
		jq -e --arg s "$s" '.syscalls[0].names | index($s)' "$rec" >/dev/null
	done
	# the shell forks: clone is recorded but keeps brig's namespace test
	jq -e '.syscalls[0].names | index("clone") | not' "$rec"
	jq -e '[.syscalls[] | select(.names == ["clone"] and .args != null)] | length >= 1' "$rec"
	grep -q "brig record: clone keeps the argument tests of brig's profile" <<<"$output"
	# (run replaces $output: after the checks of brig record's own output)
	for s in keyctl mount mkdir ptrace; do
		run ! jq -e --arg s "$s" '.syscalls[0].names | index($s)' "$rec"
	done
	# the toolbox reads the recorded profile too
	run "$(brig_bin)" seccomp explain mkdir --profile "$rec"
	grep -q '^  action:  ERRNO(ENOSYS)$' <<<"$output"
	run "$(brig_bin)" seccomp explain clone CLONE_NEWUSER --profile "$rec"
	grep -q '^  action:  ERRNO(EPERM)$' <<<"$output"

	# replay: the config as brig hardens it, with the recorded profile
	"$(brig_bin)" harden "$dir" >/dev/null
	jq --slurpfile p "$rec" '.linux.seccomp = $p[0]' "$dir/config.json" >"$dir/c.json"
	mv "$dir/c.json" "$dir/config.json"
	jq -e '.linux.seccomp.defaultErrnoRet == 38' "$dir/config.json"
	id="$(new_container_id "replay-$rt")"
	track_container "$rt" "$id"
	run timeout 120 "$rt" run --bundle "$dir" "$id" </dev/null
	echo "$output"
	[ "$status" -eq 0 ]
	grep -q '^hello$' <<<"$output"
	grep -q '^done$' <<<"$output"

	# a syscall the workload never made is refused with the default ENOSYS
	bundle_set_args "$dir" sh -c "$WORKLOAD; mkdir /tmp/x && echo mkdir-ok"
	id="$(new_container_id "replay2-$rt")"
	track_container "$rt" "$id"
	run timeout 120 "$rt" run --bundle "$dir" "$id" </dev/null
	echo "$output"
	[ "$status" -ne 0 ]
	grep -q '^done$' <<<"$output"
	grep -q 'Function not implemented' <<<"$output"
	! grep -q mkdir-ok <<<"$output"
}

@test "runc: brig record writes a minimal profile the workload runs under again" {
	record_and_replay runc
}

@test "crun: brig record writes a minimal profile the workload runs under again" {
	record_and_replay crun
}

trace_names_culprit() {
	local rt=$1 dir="$BATS_TEST_TMPDIR/t" probe
	require_busybox_runtime "$rt"
	probe="$(probe_bin)" || skip "no static probe (cc -static failed)"
	make_busybox_bundle "$dir" /bin/probe clone-fork getppid keyctl
	cp "$probe" "$dir/rootfs/bin/probe"
	run timeout 120 "$(brig_bin)" trace-denials --runtime "$rt" "$dir" </dev/null
	echo "$output"
	# the program fails as it would without tracing: keyctl gets EPERM;
	# brig says so with its own status 4, not the container's 1
	[ "$status" -eq 4 ]
	grep -qE 'container exit status 1$' <<<"$output"
	grep -q '^keyctl: EPERM$' <<<"$output"
	grep -q '^clone-fork: ok$' <<<"$output"
	grep -q '^getppid: ok$' <<<"$output"
	# the live line and the summary name it
	grep -qE '^brig trace: pid [0-9]+ \(probe\) keyctl\(0x0, ' <<<"$output"
	grep -qE '^brig trace-denials: 1 denied call, container exit status 1$' <<<"$output"
	grep -qE '^keyctl +SCMP_ARCH_X86_64 +EPERM +1  probe$' <<<"$output"
	# clone without namespace flags kept its conditional ALLOW: not notified
	run ! grep -qE '^clone ' <<<"$output"

	# a namespace clone is caught, answered EPERM, and counted
	bundle_set_args "$dir" /bin/probe clone-newns clone-fork unknown-1000 socket-vsock
	run timeout 120 "$(brig_bin)" trace-denials --runtime "$rt" "$dir" </dev/null
	echo "$output"
	grep -q '^clone-newns: EPERM$' <<<"$output"
	grep -q '^clone-fork: ok$' <<<"$output"
	grep -q '^unknown-1000: ENOSYS$' <<<"$output"
	grep -q '^socket-vsock: EPERM$' <<<"$output"
	grep -qE '^clone +SCMP_ARCH_X86_64 +EPERM +1  probe$' <<<"$output"
	grep -qE '^socket +SCMP_ARCH_X86_64 +EPERM +1  probe$' <<<"$output"
}

@test "runc: brig trace-denials names the syscall that makes a program fail" {
	trace_names_culprit runc
}

@test "crun: brig trace-denials names the syscall that makes a program fail" {
	trace_names_culprit crun
}

@test "runc: brig record says which recorded calls brig's own profile would deny" {
	require_busybox_runtime runc
	local dir="$BATS_TEST_TMPDIR/u" rec="$BATS_TEST_TMPDIR/u.json"
	make_busybox_bundle "$dir" sh -c 'unshare -U true; echo done'
	run timeout 120 "$(brig_bin)" record -o "$rec" --runtime runc "$dir" </dev/null
	echo "$output"
	[ "$status" -eq 0 ]
	grep -q "brig record: brig's profile would deny unshare (ERRNO(EPERM)); the recorded profile allows it" <<<"$output"
	# recorded as seen: a plain ALLOW, without brig's namespace test
	jq -e '.syscalls[0].names | index("unshare")' "$rec"
	! jq -e '[.syscalls[] | select(.names == ["unshare"])] | length > 0' "$rec"
}

@test "record and trace-denials: usage errors" {
	require_brig
	run "$(brig_bin)" record "$BATS_TEST_TMPDIR"
	[ "$status" -eq 2 ]
	grep -q 'Usage: brig record -o' <<<"$output"
	run "$(brig_bin)" trace-denials
	[ "$status" -eq 2 ]
	run "$(brig_bin)" record -o x.json "$BATS_TEST_TMPDIR/nonexistent"
	[ "$status" -eq 2 ]
	grep -q 'nonexistent' <<<"$output"
}

@test "record and trace-denials: --runtime skips relative PATH entries and runs only runc or crun" {
	require_busybox_runtime runc
	local dir="$BATS_TEST_TMPDIR/p" cwd="$BATS_TEST_TMPDIR/cwd" mark="$BATS_TEST_TMPDIR/planted-ran"
	make_busybox_bundle "$dir" sh -c 'echo hello'
	mkdir -p "$cwd"
	printf '#!/bin/sh\ntouch %s\nexit 0\n' "$mark" >"$cwd/runc"
	chmod 755 "$cwd/runc"
	cd "$cwd"
	PATH=".:$PATH" run timeout 120 "$(brig_bin)" record -o "$BATS_TEST_TMPDIR/r.json" --runtime runc "$dir" </dev/null
	echo "$output"
	[ "$status" -eq 0 ]
	[ ! -e "$mark" ]
	grep -q '^hello$' <<<"$output"
	PATH=".:$PATH" run timeout 120 "$(brig_bin)" trace-denials --runtime runc "$dir" </dev/null
	echo "$output"
	[ "$status" -eq 0 ]
	[ ! -e "$mark" ]
	# only ./runc on PATH: not found, not run
	PATH="." run "$(brig_bin)" record -o "$BATS_TEST_TMPDIR/r2.json" --runtime runc "$dir" </dev/null
	echo "$output"
	[ "$status" -ne 0 ]
	[ ! -e "$mark" ]
	[ ! -e "$BATS_TEST_TMPDIR/r2.json" ]
	grep -q 'relative and empty entries skipped' <<<"$output"
	# not a runtime brig knows
	run "$(brig_bin)" record -o "$BATS_TEST_TMPDIR/r3.json" --runtime docker "$dir" </dev/null
	echo "$output"
	[ "$status" -eq 2 ]
	grep -q -- '--runtime docker: brig runs containers with runc or crun only' <<<"$output"
	run "$(brig_bin)" trace-denials --runtime /bin/true "$dir" </dev/null
	[ "$status" -eq 2 ]
	grep -q 'neither runc nor crun' <<<"$output"
	run "$(brig_bin)" trace-denials --runtime ./runc "$dir" </dev/null
	[ "$status" -eq 2 ]
	[ ! -e "$mark" ]
}

@test "record: a symlink planted at -o is not followed, its target untouched (runc, crun)" {
	local rt dir="$BATS_TEST_TMPDIR/s" victim="$BATS_TEST_TMPDIR/victim" out="$BATS_TEST_TMPDIR/out.json"
	for rt in runc crun; do
		require_busybox_runtime "$rt"
	done
	make_busybox_bundle "$dir" sh -c 'echo hello'
	echo precious >"$victim"
	# planted before the run: refused at once, nothing runs
	ln -sfn "$victim" "$out"
	run timeout 120 "$(brig_bin)" record -o "$out" --runtime runc "$dir" </dev/null
	echo "$output"
	[ "$status" -eq 2 ]
	grep -q "$out: is a symbolic link; brig refuses to follow or replace it" <<<"$output"
	run ! grep -q '^hello$' <<<"$output"
	[ "$(cat "$victim")" = precious ]
	# planted while the container runs (the window the old fopen had)
	for rt in runc crun; do
		rm -f "$out"
		bundle_set_args "$dir" sh -c 'echo hello; sleep 2'
		(sleep 1 && ln -sfn "$victim" "$out") &
		run timeout 120 "$(brig_bin)" record -o "$out" --runtime "$rt" "$dir" </dev/null
		wait
		echo "$rt: $output"
		[ "$status" -eq 1 ]
		grep -q '^hello$' <<<"$output"
		grep -q "$out: is a symbolic link; brig refuses to follow or replace it" <<<"$output"
		[ "$(cat "$victim")" = precious ]
		[ -L "$out" ]
		# no temporary file left beside it
		[ "$(find "$BATS_TEST_TMPDIR" -maxdepth 1 -name '.out.json.brig-*' | wc -l)" -eq 0 ]
	done
}

# A container that attacks the terminal it is given (clears IXON and ISIG,
# stops output with TCXONC TCOOFF), floods its stdout and makes a denied
# call, with brig under a pty: brig must finish (the timeout fails the test
# if it hangs), leave the terminal's settings as they were, and relay the
# container's output.
tty_attack() {
	local rt=$1 dir="$BATS_TEST_TMPDIR/tty" t="$BATS_TEST_TMPDIR" probe
	require_busybox_runtime "$rt"
	require_cmd script stty
	probe="$(probe_bin)" || skip "no static probe (cc -static failed)"
	make_busybox_bundle "$dir" /bin/probe tty-attack flood keyctl
	cp "$probe" "$dir/rootfs/bin/probe"
	cat >"$t/inner.sh" <<-EOF
		#!/bin/bash
		stty -g >"$t/before"
		timeout -s KILL 60 "$(brig_bin)" trace-denials --runtime "$rt" "$dir"
		echo \$? >"$t/rc"
		stty -g >"$t/after"
	EOF
	chmod 755 "$t/inner.sh"
	run timeout -s KILL 100 script -qec "$t/inner.sh" "$t/typescript" </dev/null
	echo "script: $status"
	tail -c 2000 "$t/typescript" | tr -d 'x'
	[ "$status" -eq 0 ]
	# brig ended by itself (4: the program failed, keyctl got EPERM)
	[ "$(cat "$t/rc")" = 4 ]
	cmp "$t/before" "$t/after"
	# the container never had the terminal
	grep -aq '^tty-attack: ENOTTY' "$t/typescript"
	grep -aq '^keyctl: EPERM' "$t/typescript"
	grep -aq '^brig trace-denials: 1 denied call' "$t/typescript"
	# all of the 1 MiB flood was relayed
	[ "$(tr -cd 'x' <"$t/typescript" | wc -c)" -ge $((16 * 65535)) ]
}

@test "crun: a container cannot stop or reconfigure brig's terminal (pty, TCOOFF)" {
	tty_attack crun
}

@test "runc: a container cannot stop or reconfigure brig's terminal (pty, TCOOFF)" {
	tty_attack runc
}

# SIGINT/SIGTERM to brig record or trace-denials mid-run: the container is
# deleted through the runtime, no runtime process is left, and the hardened
# copy, the listener socket and its directory are gone; nothing is written.
signal_cleans_up() {
	local rt=$1 tool=$2 sig=$3 want=$4 t="$BATS_TEST_TMPDIR" dir="$BATS_TEST_TMPDIR/sig"
	local flood=${5:-} out="$BATS_TEST_TMPDIR/sig.json" pid id state bundle listener cpid i st
	local stdout="$t/log"
	require_busybox_runtime "$rt"
	make_busybox_bundle "$dir" sh -c 'echo started >&2; exec sleep 60'
	if [[ -n $flood ]]; then
		# brig's stdout is a FIFO nobody reads: its 64 KiB fill up, then
		# brig's own buffer, then the container's writes wait; brig must
		# still answer and stop
		bundle_set_args "$dir" sh -c 'echo started >&2; yes xxxxxxxxxxxxxxx | head -c 4194304; exec sleep 60'
		stdout="$t/unread"
		mkfifo "$stdout"
		exec 8<>"$stdout"
	fi
	# a background job starts with SIGINT ignored, which brig keeps: give
	# it the default, as a foreground command has
	if [[ $tool == record ]]; then
		env --default-signal=INT "$(brig_bin)" record -o "$out" --runtime "$rt" "$dir" \
			</dev/null 2>"$t/log" >"$stdout" &
	else
		env --default-signal=INT "$(brig_bin)" trace-denials --runtime "$rt" "$dir" \
			</dev/null 2>"$t/log" >"$stdout" &
	fi
	pid=$!
	id="brig-${tool%-denials}-$pid"
	track_container "$rt" "$id"
	for i in $(seq 300); do
		grep -q '^started$' "$t/log" && break
		sleep 0.1
	done
	cat "$t/log"
	grep -q '^started$' "$t/log"
	state="$("$rt" state "$id")"
	bundle="$(jq -r .bundle <<<"$state")"
	cpid="$(jq -r .pid <<<"$state")"
	listener="$(jq -r .linux.seccomp.listenerPath "$bundle/config.json")"
	[ -d "$bundle" ] && [ -S "$listener" ] && kill -0 "$cpid"
	[[ -z $flood ]] || sleep 1 # let the flood fill every buffer
	kill -"$sig" "$pid"
	for i in $(seq 400); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	st=0
	wait "$pid" || st=$?
	cat "$t/log"
	[ "$st" -eq "$want" ]
	grep -q "brig $tool: stopped by $sig: the container was deleted, nothing written" "$t/log"
	run "$rt" state "$id"
	[ "$status" -ne 0 ]
	run ! kill -0 "$cpid"
	run pgrep -f -- "$id"
	[ "$status" -ne 0 ]
	[ ! -e "$bundle" ]
	[ ! -e "$listener" ]
	[ ! -e "$(dirname "$listener")" ]
	[ ! -e "$out" ]
	if [[ -n $flood ]]; then
		exec 8<&-
	fi
}

@test "runc: SIGINT to brig record deletes the container and every temp file" {
	signal_cleans_up runc record INT 130
}

@test "crun: SIGINT to brig record deletes the container and every temp file" {
	signal_cleans_up crun record INT 130
}

@test "runc: SIGTERM to brig trace-denials deletes the container and every temp file" {
	signal_cleans_up runc trace-denials TERM 143
}

@test "crun: SIGTERM to brig trace-denials deletes the container and every temp file" {
	signal_cleans_up crun trace-denials TERM 143
}

@test "runc: a container flooding an unread stdout cannot block brig; SIGTERM still cleans up" {
	signal_cleans_up runc record TERM 143 flood
}

@test "crun: a container flooding an unread stdout cannot block brig; SIGTERM still cleans up" {
	signal_cleans_up crun trace-denials TERM 143 flood
}

@test "record: the container's whole output reaches a slow reader (runc, crun)" {
	local rt dir="$BATS_TEST_TMPDIR/slow"
	for rt in runc crun; do
		require_busybox_runtime "$rt"
	done
	make_busybox_bundle "$dir" true
	# 1 MiB keeps the container writing while the reader sleeps; 100 KiB
	# is all written before the runtime exits, held by brig and the pipe
	for size in 1048576 102400; do
		bundle_set_args "$dir" sh -c "yes xxxxxxxxxxxxxxx | head -c $size"
		for rt in runc crun; do
			run timeout 120 bash -c '"$1" record -q -o "$2" --runtime "$3" "$4" </dev/null 2>/dev/null | { sleep 3; wc -c; }' \
				_ "$(brig_bin)" "$BATS_TEST_TMPDIR/slow.json" "$rt" "$dir"
			echo "$rt $size: $output"
			[ "$status" -eq 0 ]
			[ "$output" -eq "$size" ]
		done
	done
}

# A profile's SCMP_ACT_LOG lets the call run (and is shown as logged), as
# the kernel would, rather than EPERM; the process name is printed escaped.
trace_log_action() {
	local rt=$1 dir="$BATS_TEST_TMPDIR/log" t="$BATS_TEST_TMPDIR" probe
	require_busybox_runtime "$rt"
	probe="$(probe_bin)" || skip "no static probe (cc -static failed)"
	make_busybox_bundle "$dir" /bin/probe comm-escape getppid keyctl
	cp "$probe" "$dir/rootfs/bin/probe"
	"$(brig_bin)" seccomp show | jq '(.syscalls[].names) |= map(select(. != "getppid"))
		| .syscalls += [{"names": ["getppid"], "action": "SCMP_ACT_LOG"}]' >"$t/log-profile.json"
	printf '{"version": 1, "defaults": {"seccompProfile": "%s"}}\n' "$t/log-profile.json" >"$t/policy.json"
	chmod 644 "$t/policy.json" "$t/log-profile.json"
	run timeout 120 "$(brig_bin)" --brig-policy "$t/policy.json" trace-denials --runtime "$rt" "$dir" </dev/null
	echo "$output"
	[ "$status" -eq 4 ]
	grep -q '^getppid: ok$' <<<"$output"
	grep -q '^keyctl: EPERM$' <<<"$output"
	grep -qE '^brig trace: pid [0-9]+ \(\\x1b\[31m\\x1b\]0;x\\x07\) getppid\(.*\) = \(logged\)$' <<<"$output"
	grep -qE '^brig trace-denials: 1 denied call, 1 logged and allowed, container exit status 1$' <<<"$output"
	grep -qE '^getppid +SCMP_ARCH_X86_64 +\(logged\) +1  ' <<<"$output"
	# no raw escape byte from the container in brig's own lines
	local traced="$output"
	run ! grep -aq $'^brig.*\e' <<<"$traced"
	run ! grep -aq $'^getppid .*\e' <<<"$traced"
}

@test "runc: trace-denials answers SCMP_ACT_LOG as the profile does; names are escaped" {
	trace_log_action runc
}

@test "crun: trace-denials answers SCMP_ACT_LOG as the profile does; names are escaped" {
	trace_log_action crun
}

# A container whose program never runs: nothing written, status 3.
not_started() {
	local rt=$1 dir="$BATS_TEST_TMPDIR/ns" out="$BATS_TEST_TMPDIR/ns.json"
	require_busybox_runtime "$rt"
	make_busybox_bundle "$dir" /nonexistent
	run timeout 120 "$(brig_bin)" record -o "$out" --runtime "$rt" "$dir" </dev/null
	echo "$output"
	[ "$status" -eq 3 ]
	grep -q 'brig record: the container did not start (runtime exit status 1, before it loaded the seccomp filter); nothing written' <<<"$output"
	[ ! -e "$out" ]
	run timeout 120 "$(brig_bin)" trace-denials --runtime "$rt" "$dir" </dev/null
	echo "$output"
	[ "$status" -eq 3 ]
	grep -q 'brig trace-denials: the container did not start' <<<"$output"
	run ! grep -q 'denied call' <<<"$output"
	# a program that cannot be executed, after the filter is loaded
	printf 'not a program\n' >"$dir/rootfs/bin/bad"
	chmod 755 "$dir/rootfs/bin/bad"
	bundle_set_args "$dir" /bin/bad
	run timeout 120 "$(brig_bin)" record -o "$out" --runtime "$rt" "$dir" </dev/null
	echo "$output"
	[ "$status" -eq 3 ]
	grep -q 'brig record: the container did not start (runtime exit status 1); nothing written' <<<"$output"
	[ ! -e "$out" ]
	run timeout 120 "$(brig_bin)" trace-denials --runtime "$rt" "$dir" </dev/null
	echo "$output"
	[ "$status" -eq 3 ]
	# a program that runs and fails is not "did not start": status 4, written
	bundle_set_args "$dir" sh -c 'exit 7'
	run timeout 120 "$(brig_bin)" record -o "$out" --runtime "$rt" "$dir" </dev/null
	echo "$output"
	[ "$status" -eq 4 ]
	grep -q 'container exit status 7' <<<"$output"
	[ -s "$out" ]
}

@test "runc: record and trace-denials write nothing when the container did not start" {
	not_started runc
}

@test "crun: record and trace-denials write nothing when the container did not start" {
	not_started crun
}

teardown() {
	cleanup_containers
}

# A bundle the policy refuses: record names the refusal (pointer and
# reason), not only "see brig check"; its rootfs in the bundle is judged as
# the bundle's, not as a path outside the temporary copy it runs from.
@test "record: a refused bundle is named with its first refusal; a rootfs in the bundle is not one" {
	local dir="$BATS_TEST_TMPDIR/b"
	require_busybox_runtime runc
	make_busybox_bundle "$dir" true
	bundle_jq "$dir" '.mounts += [{"destination": "/srv", "type": "bind", "source": "/etc", "options": ["rbind"]}]'
	run timeout 120 "$(brig_bin)" record -o "$BATS_TEST_TMPDIR/rec.json" --runtime runc "$dir" </dev/null
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == *"the policy refuses this container: /mounts/"*"/etc"* ]]
	[[ $output != *"/root/path"* ]]
	[ ! -e "$BATS_TEST_TMPDIR/rec.json" ]
}
