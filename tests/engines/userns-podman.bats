#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Every container in its own user namespace (issue 16) under Podman +
# conmon: the "podman-containers.conf" snippet of docs/engines.md with its
# runtime path replaced by the "brig-userns-wrapper" script (the snippet
# policy, userNamespace "auto"), through a test-local CONTAINERS_CONF.  The
# rootfs is Podman's overlay storage.  Podman's default rlimits fail on this
# VM with or without brig (docs/engines.md): 1024 is set explicitly.

load lib
load userns

setup_file() {
	[[ $(id -u) -eq 0 ]] || skip "needs root"
	[[ -e /proc/self/ns/user ]] || skip "needs user namespaces (CONFIG_USER_NS)"
	command -v podman >/dev/null || skip "needs podman (not installed)"
	command -v conmon >/dev/null || [[ -x /usr/libexec/podman/conmon ]] || skip "needs conmon"
	eng_install_brig
	uns_install
	eng_podman_setup "$UNS_WRAPPER" || return 1
}

teardown_file() {
	local ids
	ids="$(podman ps -aq --filter label=wt-userns-engines 2>/dev/null)"
	[[ -n $ids ]] && podman rm -f -t 0 $ids >/dev/null 2>&1
	podman rmi -f "$ENG_PODMAN_IMAGE" >/dev/null 2>&1
	uns_uninstall
	rm -rf /tmp/"$UNS_PREFIX".*
	true
}

pstart() { # PODMAN-RUN-FLAGS... ; prints the full id
	podman run -d --label brig-engines-test --label wt-userns-engines --pull=never --network none \
		--ulimit nofile=1024:1024 --ulimit nproc=1024:1024 "$@" "$ENG_PODMAN_IMAGE" sleep 1000
}

ppid_of() { podman inspect -f '{{.State.Pid}}' "$1"; }

@test "podman: two containers, distinct ranges >= 100000, root-owned storage, base+65534 on the host, hostname/hosts, exec; nothing left after rm" {
	local a b pa pb
	a="$(pstart --hostname uns-one)"
	b="$(pstart)"
	pa="$(ppid_of "$a")"
	pb="$(ppid_of "$b")"
	[[ $(podman inspect -f '{{.OCIRuntime}}' "$a") == brig ]]
	uns_assert_mapped "$pa"
	uns_assert_mapped "$pb"
	[[ $(uns_base "$pa") != "$(uns_base "$pb")" ]] || { echo "both got base $(uns_base "$pa")" >&2; return 1; }
	run timeout 60 podman exec "$a" sh -c "$UNS_PROOF"
	[[ $status -eq 0 ]] || { echo "podman exec failed: $output" >&2; return 1; }
	uns_assert_proof
	# (with --network none Podman 4.3 binds no resolv.conf, with or without brig)
	run timeout 60 podman exec "$a" sh -c 'hostname; stat -c %u /etc/hostname /etc/hosts; grep -c uns-one /etc/hosts'
	[[ $status -eq 0 && $(tr '\n' ' ' <<<"$output") == "uns-one 0 0 1 " ]] || {
		echo "hostname/hosts inside: $output" >&2
		return 1
	}
	podman rm -f -t 0 "$a" "$b" >/dev/null
	uns_wait_gone "$a"
	uns_wait_gone "$b"
}

@test "podman: a bind-mounted directory owned by 1000 is writable by --user 1000, the file is 1000's on the host" {
	local d
	d="$(uns_volume)"
	run timeout 120 podman run --rm --label wt-userns-engines --pull=never --network none \
		--ulimit nofile=1024:1024 --ulimit nproc=1024:1024 --user 1000 -v "$d/vol:/vol" \
		"$ENG_PODMAN_IMAGE" sh -c 'id -u; stat -c %u /vol; echo hi >/vol/f && stat -c %u /vol/f'
	[[ $status -eq 0 && $(tr '\n' ' ' <<<"$output") == "1000 1000 1000 " ]] || {
		echo "podman run --user 1000 -v: $status: $output" >&2
		return 1
	}
	[[ $(stat -c %u "$d/vol/f") == 1000 ]] || { echo "on the host: $(stat -c %u:%g "$d/vol/f")" >&2; return 1; }
}

@test "podman: kill -9 of conmon and the init, podman rm -f, brig gc: nothing left under /run/brig" {
	local id pid mon
	id="$(pstart)"
	pid="$(ppid_of "$id")"
	uns_assert_mapped "$pid"
	mon="$(uns_parent_of "$pid" '^conmon$')"
	kill -9 "$mon" "$pid"
	_eng_wait 30 eval "[[ ! -d /proc/$pid ]]"
	timeout 60 podman rm -f -t 0 "$id" >/dev/null 2>&1 || true
	run "$ENG_BRIG" gc
	[[ $status -eq 0 ]] || { echo "brig gc: $output" >&2; return 1; }
	uns_wait_gone "$id"
}
