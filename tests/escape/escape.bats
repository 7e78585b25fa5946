#!/usr/bin/env bats
# The escape matrix (tests/escape/run) as a test: every config brig lets
# start must block every technique, under runc and under crun.

setup_file() {
    repo=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
    export repo
    [ -x "$repo/build/tests/escape/escape" ] || skip "escape battery not built (ninja -C build)"
    mkdir -p /sys/fs/cgroup/hugetlb
    mountpoint -q /sys/fs/cgroup/hugetlb || mount -t cgroup -o hugetlb cgroup /sys/fs/cgroup/hugetlb
}

# matrix RUNTIME: the whole matrix under one runtime, then what must hold
# in its table.  The run itself fails on any technique open under brig and
# on any partial battery (every run is "S of M", M = the whole battery plus
# the host-side probes).
matrix() {
	local rt=$1
	command -v "$rt" >/dev/null || skip "$rt is not installed"
	run "$repo/tests/escape/run" --runtime "$rt"
	echo "$output"
	[ "$status" -eq 0 ]
	# the comparison must be real: plain runc/crun lets techniques through,
	# seen from inside and from the host
	echo "$output" | grep -E '^runc-spec +plain +[1-9][0-9]* of [0-9]+ succeeded .*host_uid_0.*pids_unlimited'
	echo "$output" | grep -E '^runc-spec +brig +0 of [0-9]+ succeeded$'
	# ...among them a host uid of its own: plain, the process is a host
	# identity (root); under brig (userNamespace auto, the default) it is
	# base+65534 of a range no other container holds, never below 100000
	echo "$output" | grep -E '^docker-plain +plain +[1-9][0-9]* of [0-9]+ succeeded .*host_uid_shared'
	# engine configs start and block everything
	local c
	for c in docker-plain ctr-plain podman-default; do
		echo "$output" | grep -E "^$c +brig +0 of [0-9]+ succeeded\$"
	done
	# the host's pid namespace is seen from the host, and brig refuses it
	echo "$output" | grep -E '^docker-hostns +plain +[1-9][0-9]* of [0-9]+ succeeded .*host_ns_pid'
	echo "$output" | grep -E '^docker-hostns +brig +refused$'
	# a bind of the host's /etc is seen from the host's mountinfo
	echo "$output" | grep -E '^bind-host-etc +plain +[1-9][0-9]* of [0-9]+ succeeded .*host_mount_sensitive'
	echo "$output" | grep -E '^bind-host-etc +brig +refused$'
}

@test "escape battery: runc — brig blocks every technique in every config it starts" {
	matrix runc
}

@test "escape battery: crun — brig blocks every technique in every config it starts" {
	matrix crun
}
