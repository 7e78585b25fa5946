#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Every container in its own user namespace (issue 16) through Docker, with
# runc and with crun: dockerd configured with the "docker-daemon-userns.json"
# snippet of docs/engines.md (a runtime entry passing the snippet policy
# "userns-policy.json", userNamespace "auto"), and the same entry with
# --brig-runtime crun.  Everything is judged from the host.

load lib
load userns

UNS_CRUN_JSON='{"runtimes": {"brig-userns-crun": {"path": "/usr/local/sbin/brig",
	"runtimeArgs": ["--brig-policy", "/etc/brig/userns.json", "--brig-runtime", "/usr/bin/crun"]}}}'
UNS_NET=wt-userns-engines-net
UNS_ESC_IMAGE=wt-userns-engines-escape:latest
UNS_LAYERED=wt-userns-engines-layered:latest

setup_file() {
	[[ $(id -u) -eq 0 ]] || skip "needs root"
	[[ -e /proc/self/ns/user ]] || skip "needs user namespaces (CONFIG_USER_NS)"
	eng_install_brig
	eng_start_dockerd
	uns_install
	eng_docker_configure docker-daemon.json docker-daemon-userns.json "$UNS_CRUN_JSON"
	eng_image_docker
	ensure_crun_cgroups
}

teardown_file() {
	local ids
	ids="$($DOCKER ps -aq --filter label=wt-userns-engines 2>/dev/null)"
	[[ -n $ids ]] && $DOCKER rm -f $ids >/dev/null 2>&1
	$DOCKER network rm "$UNS_NET" >/dev/null 2>&1
	$DOCKER image rm "$UNS_ESC_IMAGE" "$UNS_LAYERED" >/dev/null 2>&1
	eng_docker_restore
	uns_uninstall
	rm -rf /tmp/"$UNS_PREFIX".*
	eng_stop_started
}

# The runtime entry for "runc" or "crun"; skips when crun is missing.
rt_entry() {
	case $1 in
	runc) RTNAME=brig-userns ;;
	crun)
		[[ -x /usr/bin/crun ]] || skip "needs /usr/bin/crun"
		RTNAME=brig-userns-crun
		;;
	esac
}

dname() { echo "$UNS_PREFIX-$BATS_TEST_NUMBER-$RANDOM"; }

# A detached container through $RTNAME; prints its full id.
dstart() { # DOCKER-RUN-FLAGS... -- CMD...
	local flags=()
	while [[ $# -gt 0 && $1 != -- ]]; do
		flags+=("$1")
		shift
	done
	shift
	[[ " ${flags[*]} " == *" --network "* ]] || flags+=(--network none)
	$DOCKER run -d --label brig-engines-test --label wt-userns-engines --name "$(dname)" \
		--runtime "$RTNAME" "${flags[@]}" "$ENG_IMAGE" "$@"
}

dpid() { $DOCKER inspect -f '{{.State.Pid}}' "$1"; }

# --------------------------------------------------------------- the cases

# Two running containers: distinct ranges, the image root-owned inside, the
# process base+65534 on the host, Docker's hostname/hosts/resolv.conf,
# exec, cp and a healthcheck; nothing left once they are removed.
case_two_containers() {
	local a b pa pb ba bb
	a="$(dstart --hostname uns-one --health-cmd 'stat /etc/passwd' --health-interval 1s -- sleep 1000)"
	b="$(dstart -- sleep 1000)"
	pa="$(dpid "$a")"
	pb="$(dpid "$b")"
	uns_assert_mapped "$pa"
	uns_assert_mapped "$pb"
	ba="$(uns_base "$pa")"
	bb="$(uns_base "$pb")"
	[[ $ba != "$bb" ]] || { echo "both containers got base $ba" >&2; return 1; }

	# the image, Docker's files, the process (docker exec), /dev, tmpfs, sysctl
	run timeout 60 $DOCKER exec "$a" sh -c "$UNS_PROOF"
	[[ $status -eq 0 ]] || { echo "docker exec failed: $output" >&2; return 1; }
	uns_assert_proof "0 65535"
	run timeout 60 $DOCKER exec "$a" sh -c 'hostname; stat -c %u /etc/hostname /etc/hosts /etc/resolv.conf;
		grep -q localhost /etc/hosts && echo hosts-ok; cat /etc/resolv.conf >/dev/null && echo resolv-ok'
	[[ $status -eq 0 && $(tr '\n' ' ' <<<"$output") == "uns-one 0 0 0 hosts-ok resolv-ok " ]] || {
		echo "hostname/hosts/resolv.conf inside: $output" >&2
		return 1
	}
	# an exec'd process joins the range: base+65534 on the host
	run timeout 60 $DOCKER exec "$a" sh -c 'cat /proc/self/uid_map; grep ^Uid: /proc/self/status'
	[[ $(awk 'NR == 1 {print $1, $2, $3}' <<<"$output") == "0 $ba 65536" ]] || {
		echo "exec: $output" >&2
		return 1
	}

	# docker cp out of the image, and into a running container's /tmp
	# (dockerd writes through its own mount of the rootfs)
	run timeout 60 $DOCKER cp "$a:/etc/passwd" -
	[[ $status -eq 0 && $output == *"root:x:0:0:"* ]] || { echo "docker cp out: $output" >&2; return 1; }

	# the healthcheck is an exec through the runtime
	_eng_wait 30 eval "[[ \$($DOCKER inspect -f '{{.State.Health.Status}}' $a) == healthy ]]" || {
		$DOCKER inspect -f '{{json .State.Health}}' "$a" >&2
		return 1
	}

	$DOCKER rm -f "$a" "$b" >/dev/null
	uns_wait_gone "$a"
	uns_wait_gone "$b"
}

# A host directory owned by 1000, bound in: writable by -u 1000, the file is
# 1000's on the host; an engine tmpfs is the container user's.
case_volume() {
	local d
	d="$(uns_volume)"
	run timeout 120 $DOCKER run --rm --label brig-engines-test --label wt-userns-engines \
		--runtime "$RTNAME" --network none -u 1000 -v "$d/vol:/vol" --tmpfs /scratch "$ENG_IMAGE" \
		sh -c 'id -u; stat -c %u /vol; echo hi >/vol/f && stat -c %u /vol/f; echo x >/scratch/x && echo tmpfs-ok'
	[[ $status -eq 0 && $(tr '\n' ' ' <<<"$output") == "1000 1000 1000 tmpfs-ok " ]] || {
		echo "docker run -u 1000 -v: $status: $output" >&2
		return 1
	}
	[[ $(stat -c %u "$d/vol/f") == 1000 && $(cat "$d/vol/f") == hi ]] || {
		echo "on the host: $(stat -c '%u:%g %n' "$d/vol/f")" >&2
		return 1
	}
	# docker cp into a volume: dockerd writes as host root; a bind's view
	# leaves host root unmapped (mapHostRoot is not granted), so the
	# container sees the overflow id and can still read the file
	echo from-cp >"$d/cp-in"
	local id
	id="$(dstart -v "$d/vol:/vol" -- sleep 1000)"
	run timeout 60 $DOCKER cp "$d/cp-in" "$id:/vol/cp-in"
	[[ $status -eq 0 ]] || { echo "docker cp in: $output" >&2; return 1; }
	run timeout 60 $DOCKER exec "$id" sh -c 'cat /vol/cp-in; stat -c %u /vol/cp-in'
	[[ $(tr '\n' ' ' <<<"$output") == "from-cp 65534 " ]] || { echo "after docker cp in: $output" >&2; return 1; }
	$DOCKER rm -f "$id" >/dev/null
	uns_wait_gone "$id"
	rm -rf "$d"
}

# kill -9 of the container's shim and of its init (what an engine crash
# leaves), then docker rm -f and brig gc: nothing left under /run/brig.
case_kill9_gc() {
	local id pid shim
	id="$(dstart -- sleep 1000)"
	pid="$(dpid "$id")"
	uns_assert_mapped "$pid"
	uns_has_views "$id" || {
		echo "no views of $id are mounted while it runs" >&2
		return 1
	}
	shim="$(uns_parent_of "$pid" '^containerd-shim')"
	kill -9 "$shim" "$pid"
	_eng_wait 30 eval "[[ ! -d /proc/$pid ]]"
	timeout 60 $DOCKER rm -f "$id" >/dev/null 2>&1 || true
	echo "# after kill -9 and docker rm -f: $(uns_assert_gone "$id" 2>&1 | tr '\n' ' ' | cut -c1-300)" >&3
	run "$ENG_BRIG" gc
	echo "# brig gc: $output" >&3
	[[ $status -eq 0 ]] || { echo "brig gc: $output" >&2; return 1; }
	uns_wait_gone "$id"
}

# Docker's --network container:X joins a namespace by path: under auto the
# container runs without a namespace of its own (docs/userns.md).
case_network_container() {
	local a b pb
	a="$(dstart -- sleep 1000)"
	b="$(dstart --network "container:$a" -- sleep 1000)" || true
	[[ -n $b ]] || { echo "docker run --network container: failed" >&2; return 1; }
	pb="$(dpid "$b")"
	[[ $(awk '{print $1, $2}' "/proc/$pb/uid_map") == "0 0" ]] || {
		echo "the joining container got a mapping: $(cat "/proc/$pb/uid_map")" >&2
		return 1
	}
	[[ $(awk '/^Uid:/ {print $2}' "/proc/$pb/status") == 65534 ]]
	uns_assert_mapped "$(dpid "$a")"
	$DOCKER rm -f "$b" "$a" >/dev/null
	uns_wait_gone "$a"
	uns_wait_gone "$b"
}

# A bridge network (this dockerd runs with --bridge=none, so Docker's default
# network is a user-defined bridge here): Docker's hook moves an interface
# into a network namespace owned by the container's user namespace, and two
# mapped containers (distinct ranges) talk over TCP.
case_bridge() {
	$DOCKER network inspect "$UNS_NET" >/dev/null 2>&1 ||
		$DOCKER network create --driver bridge --subnet 10.231.77.0/24 "$UNS_NET" >/dev/null ||
		skip "cannot create a Docker bridge network here"
	local a ip pa ba
	a="$(dstart --network "$UNS_NET" -- sh -c 'echo hello-from-a | nc -l -p 7777')"
	pa="$(dpid "$a")"
	uns_assert_mapped "$pa"
	ba="$(uns_base "$pa")"
	ip="$($DOCKER inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$a")"
	run timeout 120 $DOCKER run --rm --label brig-engines-test --label wt-userns-engines \
		--runtime "$RTNAME" --network "$UNS_NET" "$ENG_IMAGE" \
		sh -c "awk '\$1 == 0 {print \$2}' /proc/self/uid_map; ip -o -4 addr show eth0; nc -w 5 $ip 7777"
	local s=$status o=$output
	$DOCKER rm -f "$a" >/dev/null
	[[ $s -eq 0 ]] || { echo "docker run on a bridge network: $o" >&2; return 1; }
	local base
	base="$(head -n1 <<<"$o")"
	[[ $base -ge 100000 && $base != "$ba" ]] || { echo "not mapped apart: $o" >&2; return 1; }
	grep -q 'inet 10\.231\.77\.' <<<"$o" || { echo "no address on eth0: $o" >&2; return 1; }
	grep -q '^hello-from-a' <<<"$o" || { echo "no answer from $ip:7777: $o" >&2; return 1; }
	uns_wait_gone "$a"
}

# An image of 75 layers: overlay2 mounts it with paths relative to its
# storage directory (lowerdir=l/...), which is how mountinfo shows them.
case_layered() {
	if ! $DOCKER image inspect "$UNS_LAYERED" >/dev/null 2>&1; then
		uns_layered_archive "$BATS_FILE_TMPDIR/layered.tar" "$UNS_LAYERED" 75
		$DOCKER load -q -i "$BATS_FILE_TMPDIR/layered.tar" >/dev/null
	fi
	local id pid
	id="$($DOCKER run -d --label brig-engines-test --label wt-userns-engines --name "$(dname)" \
		--runtime "$RTNAME" --network none "$UNS_LAYERED" sleep 1000)"
	uns_assert_relative_overlay "$($DOCKER inspect -f '{{.GraphDriver.Data.MergedDir}}' "$id")"
	pid="$(dpid "$id")"
	uns_assert_mapped "$pid"
	run timeout 60 $DOCKER exec "$id" sh -c 'stat -c %u /etc/passwd /layers/1 /layers/75; cat /layers/45'
	$DOCKER rm -f "$id" >/dev/null
	[[ $(tr '\n' ' ' <<<"$output") == "0 0 0 45 " ]] || { echo "inside: $output" >&2; return 1; }
	uns_wait_gone "$id"
}

# The escape battery (tests/escape/escape.c) in a mapped container: every
# technique blocked inside, and the host-side facts of tests/escape/run
# (namespaces, ids, capabilities, no_new_privs, seccomp) from the host.
case_escape() {
	local esc="$BRIG_REPO/build/tests/escape/escape"
	[[ -x $esc ]] || skip "escape battery not built ($esc)"
	if ! $DOCKER image inspect "$UNS_ESC_IMAGE" >/dev/null 2>&1; then
		local r="$BATS_FILE_TMPDIR/escape-rootfs"
		rm -rf "$r"
		make_busybox_rootfs "$r" || return 1
		install -m 0755 "$esc" "$r/escape"
		install -m 4755 -o root -g root "$esc" "$r/escape-suid"
		tar -C "$r" -c . | $DOCKER import - "$UNS_ESC_IMAGE" >/dev/null
	fi
	local n out
	n="$("$esc" --list | wc -l)"
	if [[ ${1:-} == --compare ]]; then
		# the battery is real: under plain runc, as root, techniques get through
		battery runc
		out=$output
		run grep -c '"result":"succeeded"' <<<"$out"$'\n'"$(cat "$BATS_TEST_TMPDIR/host")"
		[[ $output -ge 1 ]] || { echo "nothing succeeded under plain runc: $out" >&2; return 1; }
		echo "# plain runc: $output techniques and probes succeeded" >&3
	fi
	battery "$RTNAME"
	out=$output
	uns_judge_battery "$out" "$n" "$BATS_TEST_TMPDIR/host"
	echo "# $RTNAME: 0 of $((n + 13)) succeeded" >&3
}

# battery RUNTIME: the battery held in a container, its log in $output and
# the host probes in $BATS_TEST_TMPDIR/host; the container removed.
battery() {
	local id pid i
	id="$($DOCKER run -d --label brig-engines-test --label wt-userns-engines --name "$(dname)" \
		--runtime "$1" --network none "$UNS_ESC_IMAGE" /escape --hold)"
	for ((i = 0; i < 300; i++)); do
		$DOCKER logs "$id" 2>/dev/null | grep -q '"battery":"done"' && break
		sleep 0.2
	done
	pid="$(dpid "$id")"
	uns_escape_host_probes "$pid" >"$BATS_TEST_TMPDIR/host"
	run $DOCKER logs "$id"
	$DOCKER rm -f "$id" >/dev/null
	uns_wait_gone "$id"
}

# ------------------------------------------------------------------ tests

@test "docker (runc): two containers, distinct ranges >= 100000, root-owned image, base+65534 on the host, hostname/hosts/resolv.conf, exec, cp, healthcheck" {
	rt_entry runc
	case_two_containers
}

@test "docker (crun): two containers, distinct ranges >= 100000, root-owned image, base+65534 on the host, hostname/hosts/resolv.conf, exec, cp, healthcheck" {
	rt_entry crun
	case_two_containers
}

@test "docker (runc): a bind-mounted directory owned by 1000 is writable by -u 1000, the file is 1000's on the host; --tmpfs; docker cp into a volume" {
	rt_entry runc
	case_volume
}

@test "docker (crun): a bind-mounted directory owned by 1000 is writable by -u 1000, the file is 1000's on the host; --tmpfs; docker cp into a volume" {
	rt_entry crun
	case_volume
}

@test "docker (runc): kill -9 of the shim and the init, docker rm -f, brig gc: nothing left under /run/brig" {
	rt_entry runc
	case_kill9_gc
}

@test "docker (crun): kill -9 of the shim and the init, docker rm -f, brig gc: nothing left under /run/brig" {
	rt_entry crun
	case_kill9_gc
}

@test "docker (runc): --network container:X runs without a namespace of its own, the other keeps its range" {
	rt_entry runc
	case_network_container
}

@test "docker (runc): a bridge network works in a mapped container" {
	rt_entry runc
	case_bridge
}

@test "docker (crun): a bridge network works in a mapped container" {
	rt_entry crun
	case_bridge
}

@test "docker (runc): an image of 75 layers (overlay2 mounts it with relative paths) is mapped" {
	rt_entry runc
	case_layered
}

@test "docker (crun): an image of 75 layers (overlay2 mounts it with relative paths) is mapped" {
	rt_entry crun
	case_layered
}

@test "docker (runc): the escape battery is all blocked in a mapped container" {
	rt_entry runc
	case_escape --compare
}

@test "docker (crun): the escape battery is all blocked in a mapped container" {
	rt_entry crun
	case_escape
}
