#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# brig under containerd without Docker: `ctr run --runc-binary brig`, in the
# containerd namespace $ENG_CTR_NS, with an image built here (no registry).
# The shim is containerd's io.containerd.runc.v2, the same Kubernetes uses.

load lib

setup_file() {
	[[ $(id -u) -eq 0 ]] || skip "needs root"
	eng_install_brig
	eng_start_containerd
	eng_image_ctr
}

teardown_file() {
	eng_ctr_remove_all brig-eng-
	ctr -n "$ENG_CTR_NS" images rm "$ENG_CTR_IMAGE" >/dev/null 2>&1
	eng_stop_started
}

cid() { echo "brig-eng-$BATS_TEST_NUMBER-$$-$RANDOM"; }

# ctr_run [CTR-RUN-FLAGS...] -- CMD...
ctr_run() {
	local flags=()
	while [[ $# -gt 0 && $1 != -- ]]; do
		flags+=("$1")
		shift
	done
	shift
	run timeout 120 ctr -n "$ENG_CTR_NS" run --rm --runc-binary "$ENG_BRIG" "${flags[@]}" \
		"$ENG_CTR_IMAGE" "$(cid)" "$@"
}

# A running container; prints its id.
ctr_sleeper() {
	local id
	id="$(cid)"
	ctr -n "$ENG_CTR_NS" run -d --runc-binary "$ENG_BRIG" "$@" "$ENG_CTR_IMAGE" "$id" sleep 1000 >/dev/null || return 1
	echo "$id"
}

ctr_remove() {
	ctr -n "$ENG_CTR_NS" tasks kill -s KILL "$1" >/dev/null 2>&1
	_eng_wait 10 ctr -n "$ENG_CTR_NS" tasks delete "$1" ||
		ctr -n "$ENG_CTR_NS" tasks delete -f "$1" >/dev/null 2>&1
	ctr -n "$ENG_CTR_NS" containers delete "$1" >/dev/null 2>&1 || true
}

@test "ctr run: no capabilities, no_new_privs, seccomp, non-root, read-only root" {
	ctr_run -- sh -c "$ENG_PROOF"
	[[ $status -eq 0 ]] || {
		echo "ctr run failed ($status): $output" >&2
		return 1
	}
	assert_confined
}

@test "ctr run --privileged is confined" {
	ctr_run --privileged -- sh -c "$ENG_PROOF"
	[[ $status -eq 0 ]] || {
		echo "ctr run --privileged failed ($status): $output" >&2
		return 1
	}
	assert_confined
}

@test "ctr run --cap-add CAP_SYS_ADMIN --allow-new-privs is confined" {
	ctr_run --cap-add CAP_SYS_ADMIN --allow-new-privs -- sh -c "$ENG_PROOF"
	[[ $status -eq 0 ]] || {
		echo "ctr run failed ($status): $output" >&2
		return 1
	}
	assert_confined
}

@test "ctr run --seccomp (containerd's default profile) still gets brig's confinement" {
	ctr_run --seccomp -- sh -c "$ENG_PROOF"
	[[ $status -eq 0 ]] || {
		echo "ctr run failed ($status): $output" >&2
		return 1
	}
	assert_confined
}

@test "ctr run: the exit code comes back" {
	ctr_run -- sh -c 'exit 5'
	[[ $status -eq 5 ]] || {
		echo "status $status, want 5: $output" >&2
		return 1
	}
}

@test "ctr task exec is confined (and --user 0 does not give root)" {
	local id
	id="$(ctr_sleeper)"
	run timeout 60 ctr -n "$ENG_CTR_NS" tasks exec --exec-id e1 "$id" sh -c "$ENG_PROOF"
	local s1=$status o1=$output
	run timeout 60 ctr -n "$ENG_CTR_NS" tasks exec --user 0 --exec-id e2 "$id" sh -c "$ENG_PROOF"
	local s2=$status o2=$output
	ctr_remove "$id"
	output=$o1
	[[ $s1 -eq 0 ]] || { echo "exec failed: $o1" >&2; return 1; }
	assert_exec_confined
	output=$o2
	[[ $s2 -eq 0 ]] || { echo "exec --user 0 failed: $o2" >&2; return 1; }
	assert_exec_confined
}

@test "ctr tasks: ps, pause, resume, kill, delete through brig" {
	local id
	id="$(ctr_sleeper)"
	run ctr -n "$ENG_CTR_NS" tasks ps "$id"
	[[ $status -eq 0 && $(wc -l <<<"$output") -ge 2 ]]
	run ctr -n "$ENG_CTR_NS" tasks pause "$id"
	[[ $status -eq 0 ]]
	run ctr -n "$ENG_CTR_NS" tasks ls
	grep -E "^$id +[0-9]+ +PAUSED" <<<"$output"
	run ctr -n "$ENG_CTR_NS" tasks resume "$id"
	[[ $status -eq 0 ]]
	# sleep is pid 1 and has no TERM handler: KILL
	run ctr -n "$ENG_CTR_NS" tasks kill -s KILL "$id"
	[[ $status -eq 0 ]]
	_eng_wait 10 eval "ctr -n $ENG_CTR_NS tasks ls | grep -Eq '^$id +[0-9]+ +STOPPED'"
	run ctr -n "$ENG_CTR_NS" tasks delete "$id"
	[[ $status -eq 0 ]]
	run ctr -n "$ENG_CTR_NS" containers delete "$id"
	[[ $status -eq 0 ]]
}

@test "the bundle containerd hands brig is rewritten" {
	local id cfg
	id="$(ctr_sleeper)"
	cfg="$(cat "/run/containerd/io.containerd.runtime.v2.task/$ENG_CTR_NS/$id/config.json")"
	ctr_remove "$id"
	run jq -c '[(.annotations["io.brig.hardened"] // "absent" | startswith("brig/")), .process.user.uid, .process.noNewPrivileges, .root.readonly]' <<<"$cfg"
	[[ $output == '[true,65534,true,true]' ]] || {
		echo "config: $output" >&2
		return 1
	}
}

@test "refused: host pid namespace (--with-ns pid:/proc/1/ns/pid), with brig's message" {
	ctr_run --with-ns pid:/proc/1/ns/pid -- true
	assert_refused "pid namespace"
}

@test "refused: a bind mount of containerd.sock, with brig's message" {
	[[ -S /run/containerd/containerd.sock ]] || skip "needs /run/containerd/containerd.sock"
	ctr_run --mount type=bind,src=/run/containerd/containerd.sock,dst=/c.sock,options=rbind:rw -- true
	assert_refused "containerd.sock"
}
