#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Every tmpfs is bounded, in bytes and in inodes, through real runtimes
# (runc and crun), judged from the host (/proc/PID/mountinfo) and from
# inside (ENOSPC).  Before: a config tmpfs with no size (docker run --tmpfs
# /x) or with size=0,nr_inodes=0 took 100 MiB and more of the host's
# memory under a 64 MiB tmpfsSize, and 100000 empty files in brig's /tmp
# took 99.5 MB of slab (no nr_inodes: the kernel's default is half of the
# RAM's pages).  And size=1% is read as the kernel reads it: kept at a
# tmpfsSize of exactly the kernel's 1% of the RAM, bounded one page below.

bats_require_minimum_version 1.5.0
load helpers

setup() {
	B="$BATS_TEST_TMPDIR/b"
	POLICY="$BATS_TEST_TMPDIR/policy.json"
}

teardown() {
	cleanup_containers
}

# policy MODE: 4 MiB and 1000 inodes, so the tests fill them quickly
policy() {
	write_policy "$(printf '{"version": 1, "mode": "%s", "defaults": {"tmpfsSize": 4194304, "tmpfsInodes": 1000}}' "$1")"
}

# bundle: a busybox bundle with config tmpfs mounts: /x as docker run
# --tmpfs writes it (no size), /z with size=0 and nr_inodes=0 (no bound to
# the kernel), /s with smaller bounds than the policy's, given last after a
# size=0 (the last one wins)
bundle() {
	make_busybox_bundle "$B" sleep 300
	mkdir -p "$B/rootfs/x" "$B/rootfs/z" "$B/rootfs/s"
	bundle_jq "$B" '.mounts += [
		{"destination": "/x", "type": "tmpfs", "source": "tmpfs", "options": ["rw", "nosuid", "nodev", "noexec"]},
		{"destination": "/z", "type": "tmpfs", "source": "tmpfs", "options": ["size=0", "nr_inodes=0"]},
		{"destination": "/s", "type": "tmpfs", "source": "tmpfs", "options": ["size=0", "size=1m", "nr_inodes=0x64"]}]'
}

# bounds PID DIR: "size=..,nr_inodes=.." of the tmpfs at DIR, from the
# host's view of the container's mounts
bounds() {
	awk -v d="$2" '$5 == d { for (i = 7; $i != "-"; i++); if ($(i + 1) == "tmpfs") print $(i + 3) }' \
		"/proc/$1/mountinfo" | tr ',' '\n' | grep -E '^(size|nr_inodes)=' | paste -sd,
}

# in RUNTIME CMD: runs CMD in the container through brig's exec
in_ctr() {
	local rt=$1
	shift
	brig_p "$rt" exec "$ID" sh -c "$1"
}

bounded() {
	local rt=$1
	require_busybox_runtime "$rt"
	bundle
	policy enforce
	brig_created "$rt" tmpfs
	# (a) no size: the policy's, in bytes and inodes
	[ "$(bounds "$PID" /x)" = "size=4096k,nr_inodes=1000" ]
	# (b) size=0, nr_inodes=0: the same
	[ "$(bounds "$PID" /z)" = "size=4096k,nr_inodes=1000" ]
	# a smaller bound is kept ("never looser"), the last size= counting
	[ "$(bounds "$PID" /s)" = "size=1024k,nr_inodes=100" ]
	# brig's own tmpfs, and the engine's /dev and /dev/shm
	[ "$(bounds "$PID" /tmp)" = "size=4096k,nr_inodes=1000" ]
	[ "$(bounds "$PID" /dev)" = "size=4096k,nr_inodes=1000" ]
	run brig_p "$rt" start "$ID"
	[ "$status" -eq 0 ]
	# 8 MiB written into 4 MiB: ENOSPC, at most 4 MiB taken
	run in_ctr "$rt" 'dd if=/dev/zero of=/x/big bs=1M count=8; du -k /x/big; rm /x/big'
	echo "$output"
	[[ $output == *"No space left on device"* ]]
	[ "$(grep -E '^[0-9]+\s+/' <<<"$output" | cut -f1)" -le 4096 ]
	run in_ctr "$rt" 'dd if=/dev/zero of=/z/big bs=1M count=8; du -k /z/big; rm /z/big'
	echo "$output"
	[[ $output == *"No space left on device"* ]]
	[ "$(grep -E '^[0-9]+\s+/' <<<"$output" | cut -f1)" -le 4096 ]
	# (c) more files than the inode bound: ENOSPC after 999 (the root
	# directory is the 1000th), in the config's tmpfs and in brig's /tmp
	# (printf, not ':', whose failed redirection would end the shell)
	local d
	for d in /x /tmp; do
		run in_ctr "$rt" "cd $d && i=0; while [ \$i -lt 2000 ]; do printf '' >f\$i || break; i=\$((i + 1)); done; echo created \$i"
		echo "$output"
		[[ $output == *"No space left on device"* ]]
		[[ $output == *"created 999"* ]]
	done
	# brig's /tmp still works for normal use once they are gone
	run in_ctr "$rt" 'rm -f /tmp/f* && head -c 1048576 /dev/zero >/tmp/data && mkdir /tmp/dir && echo ok >/tmp/dir/file && cat /tmp/dir/file && wc -c </tmp/data'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'ok\n1048576')" ]
}

@test "tmpfs bounds: a config tmpfs with no size, with size=0, and brig's /tmp are bounded in bytes and inodes (runc)" {
	bounded runc
}

@test "tmpfs bounds: a config tmpfs with no size, with size=0, and brig's /tmp are bounded in bytes and inodes (crun)" {
	bounded crun
}

# create_refused RUNTIME ID: a create through brig that must fail; its
# output (in $output) goes through a file, not a pipe: a container the
# runtime did create would hold the pipe open and hang the test
create_refused() {
	local st=0
	brig_p "$1" create --bundle "$B" "$2" >"$BATS_TEST_TMPDIR/refused.out" 2>&1 || st=$?
	output="$(cat "$BATS_TEST_TMPDIR/refused.out")"
	echo "$output"
	[ "$st" -ne 0 ]
}

refused() {
	local rt=$1 rtpath id
	require_busybox_runtime "$rt"
	runtime_path "$rt" rtpath >/dev/null
	bundle
	# reject mode: an unbounded tmpfs is a violation naming the grant
	policy reject
	id="$(new_container_id tmpfs)"
	track_container "$rt" "$id"
	create_refused "$rt" "$id"
	[[ $output == *"the tmpfs at /z takes the host's memory, so it is bounded: size 0, which the kernel reads as no bound, now tmpfsSize 4194304"* ]]
	[[ $output == *"tmpfsInodes 1000"* ]]
	run "$rtpath" state "$id"
	[ "$status" -ne 0 ]
	# a size brig cannot read exactly (16e is 2^64, 0 to the kernel): refused
	policy enforce
	bundle_jq "$B" '.mounts |= map(if .destination == "/z" then .options = ["size=16e"] else . end)'
	id="$(new_container_id tmpfs)"
	track_container "$rt" "$id"
	create_refused "$rt" "$id"
	[[ $output == *'tmpfs option "size=16e" at /z cannot be read exactly'* ]]
	run "$rtpath" state "$id"
	[ "$status" -ne 0 ]
}

@test "tmpfs bounds: reject mode refuses an unbounded tmpfs, and a size that wraps is refused (runc)" {
	refused runc
}

@test "tmpfs bounds: reject mode refuses an unbounded tmpfs, and a size that wraps is refused (crun)" {
	refused crun
}

# size=1% is read as the kernel reads it: 1% of the RAM (MemTotal, which is
# the kernel's totalram_pages), rounded up to pages.  With tmpfsSize exactly
# that, the config's 1% is kept and the host sees that size; one page less,
# and it becomes tmpfsSize.
percent() {
	local rt=$1 mem pages
	require_busybox_runtime "$rt"
	[[ $(getconf PAGESIZE) == 4096 ]] || skip "needs 4 KiB pages"
	make_busybox_bundle "$B" sleep 300
	mkdir -p "$B/rootfs/p"
	bundle_jq "$B" '.mounts += [{"destination": "/p", "type": "tmpfs", "source": "tmpfs", "options": ["size=1%", "nr_inodes=100"]}]'
	mem=$(($(awk '$1 == "MemTotal:" { print $2 }' /proc/meminfo) * 1024))
	pages=$(((mem / 100 + 4095) / 4096))
	# brig rewrites config.json in place: the second create starts from
	# the engine's
	cp "$B/config.json" "$BATS_TEST_TMPDIR/config.orig"
	write_policy "{\"version\": 1, \"defaults\": {\"tmpfsSize\": $((pages * 4096))}}"
	brig_created "$rt" tmpfs
	# kept as the config wrote it, and the kernel made it that size
	[ "$(jq -c '.mounts[] | select(.destination == "/p") | .options | map(select(test("^(size|nr_)")))' "$B/config.json")" = '["size=1%","nr_inodes=100"]' ]
	[ "$(bounds "$PID" /p)" = "size=$((pages * 4))k,nr_inodes=100" ]
	cleanup_containers
	cp "$BATS_TEST_TMPDIR/config.orig" "$B/config.json"
	write_policy "{\"version\": 1, \"defaults\": {\"tmpfsSize\": $(((pages - 1) * 4096))}}"
	brig_created "$rt" tmpfs
	[ "$(jq -c '.mounts[] | select(.destination == "/p") | .options | map(select(test("^(size|nr_)")))' "$B/config.json")" = "[\"nr_inodes=100\",\"size=$(((pages - 1) * 4096))\"]" ]
	[ "$(bounds "$PID" /p)" = "size=$(((pages - 1) * 4))k,nr_inodes=100" ]
}

@test "tmpfs bounds: size=1% is the kernel's 1% of the RAM, kept at tmpfsSize, bounded one page below (runc)" {
	percent runc
}

@test "tmpfs bounds: size=1% is the kernel's 1% of the RAM, kept at tmpfsSize, bounded one page below (crun)" {
	percent crun
}
