#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# writablePaths through real runtimes (runc and crun), judged from the host
# through /proc/PID/root: a tmpfs over an image directory owned by uid 100,
# mode 0700, holding files of several modes and owners, a hard link, a
# symlink, a subdirectory of another user and a file larger than tmpfsSize
# (what made mariadb's /var/lib/mysql fail under runc: ENOSPC in tmpcopyup).
#   - a root process gets the directory as the image has it (postgres
#     refuses a data directory that is not its own), every entry copied
#     with its owner, mode and content;
#   - a non-root process gets the directory as its own, and writes there;
#   - in a user namespace (userNamespace "auto"), the same in the
#     container's ids;
#   - a socket or FIFO in the image directory (runc 1.1's copy fails on it)
#     is refused before the runtime runs, naming the grant.

bats_require_minimum_version 1.5.0
load helpers

setup() {
	B="$BATS_TEST_TMPDIR/b"
	POLICY="$BATS_TEST_TMPDIR/policy.json"
}

teardown() {
	cleanup_containers
}

# image_dir: /data in the bundle's image, as a packaged data directory is.
image_dir() {
	local d="$B/rootfs/data"
	mkdir -p "$d/sub"
	head -c 3145728 /dev/urandom >"$d/big" # 3 MiB, tmpfsSize is 1 MiB
	echo f660 >"$d/f660"
	echo root-only >"$d/rootfile"
	echo other >"$d/other"
	echo sub >"$d/sub/x"
	ln "$d/f660" "$d/hardlink"
	ln -s f660 "$d/link"
	chown 100:101 "$d" "$d/big" "$d/f660" "$d/hardlink"
	chown -h 100:101 "$d/link"
	chown 0:0 "$d/rootfile"
	chown 200:201 "$d/other" "$d/sub" "$d/sub/x"
	chmod 0700 "$d"
	chmod 0644 "$d/big"
	chmod 0660 "$d/f660"
	chmod 0600 "$d/rootfile"
	chmod 0640 "$d/other"
	chmod 0750 "$d/sub"
	chmod 0444 "$d/sub/x"
}

# listing DIR: every entry below DIR with its type, owner, mode, size and
# content (link counts left out: a copy does not keep hard links; nor
# directory sizes, which are the filesystem's)
listing() {
	(cd "$1" && find . -mindepth 1 \( -type d -printf '%P d %U:%G %m\n' \) -o \
		-printf '%P %y %U:%G %m %s %l\n' | LC_ALL=C sort)
	(cd "$1" && find . -mindepth 1 -type f -exec sha256sum {} + | LC_ALL=C sort -k2)
}

# tmpfs_at PID DIR: the container has a tmpfs mounted at DIR
tmpfs_at() {
	awk -v d="$2" '$5 == d { for (i = 7; $i != "-"; i++); if ($(i + 1) == "tmpfs") f = 1 } END { exit !f }' \
		"/proc/$1/mountinfo"
}

root_process() {
	local rt=$1
	require_busybox_runtime "$rt"
	make_busybox_bundle "$B" sleep 300
	image_dir
	# host ids as written: no user namespace (userns_root_process below
	# has brig's, the default)
	write_policy '{"version": 1, "defaults": {"user": {"uid": 0, "gid": 0}, "tmpfsSize": 1048576, "writablePaths": ["/data"], "userNamespace": "off"}}'
	brig_created "$rt" wp
	tmpfs_at "$PID" /data
	# the directory as the image has it, not root's
	[ "$(stat -c '%u:%g %a' "/proc/$PID/root/data")" = "100:101 700" ]
	# and everything below it, with its content (3 MiB > tmpfsSize: room
	# was made for the copy)
	diff <(listing "$B/rootfs/data") <(listing "/proc/$PID/root/data")
	# the image is untouched: the copy is the container's
	[ "$(stat -c '%u:%g %a' "$B/rootfs/data")" = "100:101 700" ]
	# inodes: tmpfsInodes (65536) and one per name the copy makes (8)
	grep -E " /data .* - tmpfs .*nr_inodes=65544(,|$)" "/proc/$PID/mountinfo"
	run brig_rt "$rt" start "$ID"
	[ "$status" -eq 0 ]
	[ "$(brig_rt "$rt" state "$ID" | jq -r .status)" = running ]
}

@test "writablePaths, root process: the image directory's owner and mode, its content copied (runc)" {
	root_process runc
}

@test "writablePaths, root process: the image directory's owner and mode, its content copied (crun)" {
	root_process crun
}

# in a user namespace (userNamespace "auto"), the same, in the container's
# ids: the host sees them shifted by the range's base
userns_root_process() {
	local rt=$1 base
	require_busybox_runtime "$rt"
	[[ -e /proc/self/ns/user ]] || skip "needs user namespaces"
	make_busybox_bundle "$B" sleep 300
	image_dir
	write_policy '{"version": 1, "defaults": {"user": {"uid": 0, "gid": 0}, "tmpfsSize": 1048576, "writablePaths": ["/data"], "userNamespace": "auto"}}'
	brig_created "$rt" wp
	base="$(jq -r '.linux.uidMappings[0].hostID' "$B/config.json")"
	[[ $base =~ ^[0-9]+$ && $base -gt 0 ]]
	[ "$(jq -r '.linux.uidMappings[0].containerID' "$B/config.json")" = 0 ]
	tmpfs_at "$PID" /data
	[ "$(stat -c '%u:%g %a' "/proc/$PID/root/data")" = "$((base + 100)):$((base + 101)) 700" ]
	[ "$(stat -c '%u:%g %a' "/proc/$PID/root/data/other")" = "$((base + 200)):$((base + 201)) 640" ]
	[ "$(stat -c '%u:%g %a' "/proc/$PID/root/data/rootfile")" = "$base:$base 600" ]
	cmp "$B/rootfs/data/big" "/proc/$PID/root/data/big"
}

@test "writablePaths in a user namespace: the image directory's owner, in the container's ids (runc)" {
	userns_root_process runc
}

@test "writablePaths in a user namespace: the image directory's owner, in the container's ids (crun)" {
	userns_root_process crun
}

nonroot_process() {
	local rt=$1
	require_busybox_runtime "$rt"
	make_busybox_bundle "$B" sh -c 'echo mine >/data/new && exec sleep 300'
	image_dir
	# host ids as written: no user namespace
	write_policy '{"version": 1, "defaults": {"tmpfsSize": 1048576, "writablePaths": ["/data"], "userNamespace": "off"}}'
	brig_created "$rt" wp
	tmpfs_at "$PID" /data
	# the process's own (65534, brig's default user), the image's mode
	[ "$(stat -c '%u:%g %a' "/proc/$PID/root/data")" = "65534:65534 700" ]
	diff <(listing "$B/rootfs/data") <(listing "/proc/$PID/root/data")
	run brig_rt "$rt" start "$ID"
	[ "$status" -eq 0 ]
	local i
	for ((i = 0; i < 100; i++)); do
		[[ -s /proc/$PID/root/data/new ]] && break
		sleep 0.1
	done
	[ "$(cat "/proc/$PID/root/data/new")" = mine ]
	[ "$(stat -c '%u:%g' "/proc/$PID/root/data/new")" = "65534:65534" ]
	[[ ! -e $B/rootfs/data/new ]]
}

@test "writablePaths, non-root process: the directory is its own and it writes there (runc)" {
	nonroot_process runc
}

@test "writablePaths, non-root process: the directory is its own and it writes there (crun)" {
	nonroot_process crun
}

special_refused() {
	local rt=$1 rtpath id
	require_busybox_runtime "$rt"
	runtime_path "$rt" rtpath >/dev/null
	make_busybox_bundle "$B" sleep 300
	image_dir
	mkfifo "$B/rootfs/data/sub/pipe"
	write_policy '{"version": 1, "defaults": {"user": {"uid": 0, "gid": 0}, "writablePaths": ["/data"]}}'
	id="$(new_container_id wp)"
	track_container "$rt" "$id"
	run brig_p "$rt" create --bundle "$B" "$id"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == *"the image has a FIFO at /data/sub/pipe, which a copy-up cannot hold"* ]]
	[[ $output == *"grants /data as a writable path (writablePaths)"* ]]
	run "$rtpath" state "$id"
	[ "$status" -ne 0 ]
}

@test "writablePaths over a directory holding a FIFO is refused, naming the grant (runc)" {
	special_refused runc
}

@test "writablePaths over a directory holding a FIFO is refused, naming the grant (crun)" {
	special_refused crun
}
