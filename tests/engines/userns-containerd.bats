#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Every container in its own user namespace (issue 16) under containerd
# without Docker: `ctr run --runtime io.containerd.runc.v2` with the shim's
# BinaryName (--runc-binary) the "brig-userns-wrapper" script of
# docs/engines.md, which passes the snippet policy (userNamespace "auto").
# The rootfs is a snapshot of containerd's overlayfs snapshotter.

load lib
load userns

setup_file() {
	[[ $(id -u) -eq 0 ]] || skip "needs root"
	[[ -e /proc/self/ns/user ]] || skip "needs user namespaces (CONFIG_USER_NS)"
	eng_install_brig
	eng_start_containerd
	uns_install
	eng_image_ctr
}

teardown_file() {
	eng_ctr_remove_all "$UNS_PREFIX-"
	uns_uninstall
	rm -rf /tmp/"$UNS_PREFIX".*
	eng_stop_started
}

cid() { echo "$UNS_PREFIX-$BATS_TEST_NUMBER-$RANDOM"; }

# The private containerd of the engine-crash test, if a failure left it.
teardown() {
	[[ -n ${CTD_PID:-} && -d /proc/$CTD_PID ]] || return 0
	kill "$CTD_PID"
	_eng_wait 30 eval "[[ ! -d /proc/$CTD_PID ]]" || true
}

# A running container through the wrapper; prints its id.
csleeper() {
	local id
	id="$(cid)"
	ctr -n "$ENG_CTR_NS" run -d --runtime io.containerd.runc.v2 --runc-binary "$UNS_WRAPPER" "$@" \
		"$ENG_CTR_IMAGE" "$id" sleep 1000 >/dev/null || return 1
	echo "$id"
}

cpid() {
	ctr -n "$ENG_CTR_NS" tasks ls | awk -v id="$1" '$1 == id {print $2}'
}

cremove() {
	ctr -n "$ENG_CTR_NS" tasks kill -s KILL "$1" >/dev/null 2>&1 || true
	_eng_wait 10 ctr -n "$ENG_CTR_NS" tasks delete "$1" ||
		ctr -n "$ENG_CTR_NS" tasks delete -f "$1" >/dev/null 2>&1 || true
	ctr -n "$ENG_CTR_NS" containers delete "$1" >/dev/null 2>&1 || true
}

cexec() { # ID [EXEC-FLAGS...] -- CMD...
	local id=$1 flags=()
	shift
	while [[ $# -gt 0 && $1 != -- ]]; do
		flags+=("$1")
		shift
	done
	shift
	run timeout 60 ctr -n "$ENG_CTR_NS" tasks exec --exec-id "e$RANDOM" "${flags[@]}" "$id" "$@"
}

@test "ctr: two tasks, distinct ranges >= 100000, root-owned snapshot, base+65534 on the host, exec; nothing left after delete" {
	local a b pa pb
	a="$(csleeper)"
	b="$(csleeper)"
	pa="$(cpid "$a")"
	pb="$(cpid "$b")"
	uns_assert_mapped "$pa"
	uns_assert_mapped "$pb"
	[[ $(uns_base "$pa") != "$(uns_base "$pb")" ]] || { echo "both got base $(uns_base "$pa")" >&2; return 1; }
	cexec "$a" -- sh -c "$UNS_PROOF"
	[[ $status -eq 0 ]] || { echo "ctr tasks exec failed: $output" >&2; return 1; }
	uns_assert_proof
	cremove "$a"
	cremove "$b"
	uns_wait_gone "$a"
	uns_wait_gone "$b"
}

@test "ctr: a bind-mounted directory owned by 1000 is writable by exec --user 1000, the file is 1000's on the host" {
	local d id
	d="$(uns_volume)"
	id="$(csleeper --mount "type=bind,src=$d/vol,dst=/vol,options=rbind:rw")"
	cexec "$id" --user 1000 -- sh -c 'id -u; stat -c %u /vol; echo hi >/vol/f && stat -c %u /vol/f'
	local s=$status o=$output
	cremove "$id"
	[[ $s -eq 0 && $(tr '\n' ' ' <<<"$o") == "1000 1000 1000 " ]] || { echo "exec --user 1000: $s: $o" >&2; return 1; }
	[[ $(stat -c %u "$d/vol/f") == 1000 ]] || { echo "on the host: $(stat -c %u:%g "$d/vol/f")" >&2; return 1; }
	uns_wait_gone "$id"
}

@test "ctr: kill -9 of the shim and the init, tasks delete, brig gc: nothing left under /run/brig" {
	local id pid shim
	id="$(csleeper)"
	pid="$(cpid "$id")"
	uns_assert_mapped "$pid"
	shim="$(uns_parent_of "$pid" '^containerd-shim')"
	kill -9 "$shim" "$pid"
	_eng_wait 30 eval "[[ ! -d /proc/$pid ]]"
	# containerd cleans up after a dead shim itself (the shim's delete runs
	# the runtime's delete --force, through brig): the task may be gone
	ctr -n "$ENG_CTR_NS" tasks delete -f "$id" >/dev/null 2>&1 || true
	ctr -n "$ENG_CTR_NS" containers delete "$id" >/dev/null 2>&1 || true
	echo "# after kill -9 and ctr's cleanup: $(uns_assert_gone "$id" 2>&1 | tr '\n' ' ' | cut -c1-300)" >&3
	run "$ENG_BRIG" gc
	echo "# brig gc: $output" >&3
	[[ $status -eq 0 ]] || { echo "brig gc: $output" >&2; return 1; }
	uns_wait_gone "$id"
}

# An engine crash in full: kill -9 of containerd itself (an instance of this
# test's own: its root, state and sockets, so the machine's containerd is
# not touched), of the task's shim and of its init.  brig gc then finds the
# init dead and leaves nothing under /run/brig; the restarted containerd
# cleans up after the dead shim (its delete runs the runtime's delete
# --force, through brig) without tripping over what gc already removed.
@test "ctr: kill -9 of containerd itself, the shim and the init; brig gc leaves nothing; the restarted containerd deletes the task" {
	local dir="/run/$UNS_PREFIX-ctd" root="/var/lib/$UNS_PREFIX-ctd" ctd id pid shim a
	rm -rf "$dir" "$root"
	mkdir -p "$dir"
	cat >"$dir/config.toml" <<-EOT
		version = 2
		root = "$root"
		state = "$dir/state"
		disabled_plugins = ["io.containerd.grpc.v1.cri"]
		[grpc]
		  address = "$dir/containerd.sock"
		[ttrpc]
		  address = "$dir/containerd.sock.ttrpc"
		[debug]
		  address = "$dir/debug.sock"
	EOT
	C=(ctr --address "$dir/containerd.sock" -n "$ENG_CTR_NS")
	start_ctd() {
		containerd --config "$dir/config.toml" </dev/null &>>"$dir/log" 3>&- &
		ctd=$!
		CTD_PID=$ctd
		_eng_wait 30 "${C[@]}" version || {
			tail -20 "$dir/log" >&2
			return 1
		}
	}
	start_ctd
	a="$BATS_FILE_TMPDIR/image-ctr.tar"
	eng_oci_archive "$a" "$ENG_CTR_IMAGE"
	"${C[@]}" images import "$a" >/dev/null
	id="$(cid)"
	"${C[@]}" run -d --runtime io.containerd.runc.v2 --runc-binary "$UNS_WRAPPER" \
		"$ENG_CTR_IMAGE" "$id" sleep 1000 >/dev/null
	pid="$("${C[@]}" tasks ls | awk -v id="$id" '$1 == id {print $2}')"
	uns_assert_mapped "$pid"
	uns_has_views "$id"
	shim="$(uns_parent_of "$pid" '^containerd-shim')"
	kill -9 "$ctd" "$shim" "$pid"
	_eng_wait 30 eval "[[ ! -d /proc/$pid && ! -d /proc/$ctd ]]"
	wait "$ctd" 2>/dev/null || true
	# nothing of the engine runs: only brig gc can clean up
	run "$ENG_BRIG" gc
	echo "# brig gc: $output" >&3
	[[ $status -eq 0 ]] || { echo "brig gc: $output" >&2; return 1; }
	uns_wait_gone "$id"
	# the restarted engine: the task is deleted, through brig, without error
	start_ctd
	_eng_wait 30 eval "! ${C[*]} tasks ls -q | grep -qx $id" ||
		"${C[@]}" tasks delete -f "$id"
	"${C[@]}" containers delete "$id"
	run "$ENG_BRIG" gc
	[[ $status -eq 0 ]] || { echo "brig gc after the restart: $output" >&2; return 1; }
	uns_wait_gone "$id"
	kill "$ctd"
	_eng_wait 30 eval "[[ ! -d /proc/$ctd ]]"
	rm -rf "$dir" "$root"
}
