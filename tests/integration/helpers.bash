# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# Shared by every bats file under tests/ (integration, escape, engines).
# Load with:  load "$BATS_TEST_DIRNAME/../integration/helpers"
#
# Everything here is generic: it knows how to find brig, build a busybox
# bundle, run a container through brig with a chosen real runtime, and clean
# up every container it created, whatever state the test left it in.

BRIG_REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export BRIG_REPO

# The brig binary under test: $BRIG, else the meson build dir `build/`.
brig_bin() {
	echo "${BRIG:-$BRIG_REPO/build/cmd/brig/brig}"
}

# Fails (not skips) when brig is not built: a missing binary is a broken
# run, not a missing host feature.
require_brig() {
	local b
	b="$(brig_bin)"
	if [[ ! -x $b ]]; then
		echo "brig binary not found at $b: build it (meson setup build && ninja -C build) or set BRIG" >&2
		return 1
	fi
}

require_root() {
	[[ $(id -u) -eq 0 ]] || skip "needs root"
}

require_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || skip "needs $c (not on PATH)"
	done
}

# require_busybox: root, brig, jq and a static busybox (for
# make_busybox_bundle), or a skip naming what is missing.
require_busybox() {
	require_root
	require_brig
	require_cmd jq
	busybox_path >/dev/null || skip "needs a static busybox (busybox-static)"
}

# runtime_path NAME [VAR]: the absolute path of a real runtime (runc, crun)
# in VAR (default RUNTIME_PATH) and on stdout, or skip the test.  Call it
# in the test's own shell, never as "$(runtime_path ...)": a skip inside a
# command substitution only ends the subshell, and the test would go on
# with an empty path.
runtime_path() {
	local p
	if [[ $BASH_SUBSHELL -gt 0 ]]; then
		echo "runtime_path $1 called in a subshell, where a skip is lost: use 'runtime_path $1 VAR'" >&2
		return 1
	fi
	p="$(command -v "$1" 2>/dev/null)" || skip "needs $1 (not on PATH)"
	printf -v "${2:-RUNTIME_PATH}" '%s' "$p"
	echo "$p"
}

# The busybox binary to copy into bundles: must be static.
busybox_path() {
	local p
	for p in /bin/busybox /usr/bin/busybox; do
		if [[ -x $p ]] && ! ldd "$p" >/dev/null 2>&1; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

# crun on this kind of hybrid-cgroup host wants a hugetlb v1 hierarchy.
ensure_crun_cgroups() {
	[[ $(id -u) -eq 0 ]] || return 0
	[[ -d /sys/fs/cgroup ]] || return 0
	# cgroup v2 only: nothing to do
	[[ -e /sys/fs/cgroup/cgroup.controllers ]] && return 0
	mkdir -p /sys/fs/cgroup/hugetlb 2>/dev/null || true
	mountpoint -q /sys/fs/cgroup/hugetlb ||
		mount -t cgroup -o hugetlb cgroup /sys/fs/cgroup/hugetlb 2>/dev/null || true
}

# Writes a minimal rootfs with a static busybox and the identities the
# default policy uses (root and nobody/65534).
make_busybox_rootfs() {
	local rootfs=$1 bb d applet
	bb="$(busybox_path)" || {
		echo "static busybox not found (install busybox-static)" >&2
		return 1
	}
	for d in bin sbin usr/bin usr/sbin etc tmp var/tmp run proc sys dev mnt root; do
		mkdir -p "$rootfs/$d"
	done
	chmod 1777 "$rootfs/tmp" "$rootfs/var/tmp"
	cp "$bb" "$rootfs/bin/busybox"
	# Same links `busybox --install -s` makes, without needing a chroot.
	while read -r applet; do
		[[ -n $applet && $applet != bin/busybox ]] || continue
		ln -sf /bin/busybox "$rootfs/$applet"
	done < <("$rootfs/bin/busybox" --list-full)
	cat >"$rootfs/etc/passwd" <<-'EOF'
		root:x:0:0:root:/root:/bin/sh
		nobody:x:65534:65534:nobody:/nonexistent:/bin/false
	EOF
	cat >"$rootfs/etc/group" <<-'EOF'
		root:x:0:
		nobody:x:65534:
	EOF
}

# Prints its arguments as a JSON array of strings (jq would take an
# argument like -c after --args as its own option).
json_array() {
	local a json='[]'
	for a in "$@"; do
		json="$(jq -c --arg a "$a" '. + [$a]' <<<"$json")"
	done
	echo "$json"
}

# make_busybox_bundle DIR [CMD...]
# An OCI bundle from `runc spec` (or `crun spec` when runc is absent) with a
# busybox rootfs, process.terminal=false and the given command (default sh).
make_busybox_bundle() {
	local dir=$1
	shift
	[[ $# -gt 0 ]] || set -- sh
	mkdir -p "$dir"
	make_busybox_rootfs "$dir/rootfs" || return 1
	local spec_rt
	if command -v runc >/dev/null 2>&1; then
		spec_rt=runc
	elif command -v crun >/dev/null 2>&1; then
		spec_rt=crun
	else
		echo "neither runc nor crun on PATH: cannot write a spec" >&2
		return 1
	fi
	rm -f "$dir/config.json"
	(cd "$dir" && "$spec_rt" spec) || return 1
	local tmp="$dir/.config.json.new"
	jq --argjson args "$(json_array "$@")" '.process.terminal = false | .process.args = $args' \
		"$dir/config.json" >"$tmp" && mv "$tmp" "$dir/config.json"
}

# adapt_engine_config SRC DST ROOTFS CMD...
# A config captured from an engine (tests/data/configs), adapted the least
# needed to run outside that engine, as tests/escape/run does: our rootfs and
# command, no hooks (Docker's network hook calls back into dockerd), no
# bind whose source does not exist here (per-container files under the
# engine's state dir), namespaces joined by path become new ones, no rlimits
# (this VM's bounding set lacks CAP_SYS_RESOURCE), no LSM labels, a cgroup of
# its own.  Everything brig judges (user, groups, capabilities, seccomp,
# limits, mounts that exist) stays as the engine wrote it.
adapt_engine_config() {
	local src=$1 dst=$2 rootfs=$3
	shift 3
	jq --arg root "$rootfs" --argjson args "$(json_array "$@")" --arg cg "/brigtest/$$-$RANDOM" '
		.root = {path: $root, readonly: (.root.readonly // false)}
		| .process.args = $args | .process.terminal = false | .process.cwd = "/"
		| del(.process.rlimits) | del(.hooks) | del(.linux.seccomp.listenerPath)
		| del(.process.apparmorProfile) | del(.process.selinuxLabel) | del(.linux.mountLabel)
		| .mounts = (.mounts // [])
		| .linux.namespaces = [(.linux.namespaces // [])[] | del(.path)]
		| .linux.cgroupsPath = $cg
		' "$src" >"$dst.tmp" || return 1
	# drop binds whose source is missing on this host
	local keep="[]" i=0 n src_path
	n="$(jq '.mounts | length' "$dst.tmp")"
	for ((i = 0; i < n; i++)); do
		src_path="$(jq -r --argjson i "$i" '.mounts[$i] | if (.type // "") == "bind" or ((.options // []) | (index("bind") or index("rbind"))) then .source else "" end' "$dst.tmp")"
		[[ -z $src_path || -e $src_path ]] && keep="$(jq -c --argjson i "$i" '. + [$i]' <<<"$keep")"
	done
	jq --argjson keep "$keep" '.mounts = [.mounts | to_entries[] | select(.key as $k | $keep | index($k)) | .value]' \
		"$dst.tmp" >"$dst" && rm -f "$dst.tmp"
}

# Sets the process args of an existing bundle.
bundle_set_args() {
	local dir=$1
	shift
	local tmp="$dir/.config.json.new"
	jq --argjson args "$(json_array "$@")" '.process.args = $args' "$dir/config.json" >"$tmp" &&
		mv "$tmp" "$dir/config.json"
}

# Applies a jq filter to the bundle's config.json in place.
bundle_jq() {
	local dir=$1 filter=$2
	local tmp="$dir/.config.json.new"
	jq "$filter" "$dir/config.json" >"$tmp" && mv "$tmp" "$dir/config.json"
}

# Unique container ids, so parallel runs and leftovers never collide.
new_container_id() {
	echo "brigtest-${1:-c}-$$-${BATS_TEST_NUMBER:-0}-$RANDOM"
}

# Records a container for cleanup_containers: RUNTIME ID [ROOT]
track_container() {
	echo "$1 $2 ${3:-}" >>"${BATS_TEST_TMPDIR:-${BATS_RUN_TMPDIR:-/tmp}}/.brig-containers"
}

# Deletes every tracked container with the real runtime directly (not
# through brig, so cleanup works even when brig is broken), then lets
# `brig gc` take back what brig kept for them.  Both runtimes
# are tried: until brig's runtime choice is right, the container may belong
# to the other one.
cleanup_containers() {
	local list="${BATS_TEST_TMPDIR:-${BATS_RUN_TMPDIR:-/tmp}}/.brig-containers"
	[[ -f $list ]] || return 0
	local rt id root r p
	while read -r rt id root; do
		[[ -n $id ]] || continue
		for r in "$rt" runc crun; do
			p="$(command -v "$r" 2>/dev/null)" || continue
			if [[ -n $root ]]; then
				"$p" --root "$root" delete --force "$id" >/dev/null 2>&1 || true
			fi
			"$p" delete --force "$id" >/dev/null 2>&1 || true
		done
	done <"$list"
	rm -f "$list"
	# what brig keeps for a container (user-namespace views, an id range)
	# is taken back at a delete through brig; these deletes bypass it
	[[ -x $(brig_bin) ]] && "$(brig_bin)" gc >/dev/null 2>&1
	return 0
}

# run_in_container RUNTIME BUNDLE ID
# Runs the bundle to completion through brig in runtime mode with the given
# real runtime (name or path).  Output: the container's stdout+stderr.
run_in_container() {
	local rt=$1 bundle=$2 id=$3 rtpath
	rtpath="$(command -v "$rt")" || {
		echo "runtime $rt not found" >&2
		return 127
	}
	[[ $(basename "$rt") == crun ]] && ensure_crun_cgroups
	track_container "$rt" "$id"
	BRIG_RUNTIME="$rtpath" timeout 120 "$(brig_bin)" run --bundle "$bundle" "$id" </dev/null 3>&-
}

# brig_rt RUNTIME ARGS...: brig in runtime mode with BRIG_RUNTIME set.
brig_rt() {
	local rt=$1 rtpath
	shift
	rtpath="$(command -v "$rt")" || return 127
	BRIG_RUNTIME="$rtpath" timeout 120 "$(brig_bin)" "$@" </dev/null 3>&-
}

# wait_status STATUS CMD...: waits (up to ~10 s) until `CMD` (a state
# command) prints JSON whose .status is STATUS.
wait_status() {
	local want=$1 i out=""
	shift
	for ((i = 0; i < 100; i++)); do
		out="$("$@" 2>/dev/null | jq -r .status 2>/dev/null)"
		[[ $out == "$want" ]] && return 0
		sleep 0.1
	done
	echo "status is '$out', wanted '$want'" >&2
	return 1
}

# Value of a field from /proc/self/status lines in $output ("CapEff" -> "0000000000000000").
status_field() {
	local name=$1
	grep -E "^$name:" <<<"$output" | head -n1 | awk '{print $2}'
}

# sha256 of a file, or "-" when absent.
file_sum() {
	if [[ -f $1 && ! -L $1 ]]; then
		sha256sum "$1" | awk '{print $1}'
	else
		echo "-"
	fi
}

# A stable listing of a directory's direct entries (names and types).
dir_listing() {
	(cd "$1" && find . -mindepth 1 -maxdepth 1 -printf '%y %f\n' | LC_ALL=C sort)
}

# write_policy JSON: the test's policy file ($POLICY), root-owned and 0644 as
# brig requires of a policy it runs containers with.
write_policy() {
	printf '%s\n' "$1" >"$POLICY"
	chmod 0644 "$POLICY"
}

# brig_p RUNTIME ARGS...: brig with the test's policy ($POLICY) and the given
# real runtime, no stdin, bounded to 120 s (crun's cgroups made ready).
brig_p() {
	local rt=$1 rtpath
	shift
	rtpath="$(command -v "$rt")" || return 127
	[[ $(basename "$rtpath") == crun ]] && ensure_crun_cgroups
	BRIG_RUNTIME="$rtpath" timeout 120 "$(brig_bin)" --brig-policy "$POLICY" "$@" </dev/null 3>&-
}

# restore_dev_null: a config that maps host root (mapHostRoot, granted in
# userns.bats and userns-exec.bats) lets crun 1.8.1 chown the host's
# /dev/null, bound into the container, to the container's user
# (maybe_chown_std_streams, as root of a namespace that maps host root);
# every later user-namespaced container of any runtime then fails to open
# it.  Tests that grant it put it back.
restore_dev_null() {
	[[ $(stat -c '%u:%g %a' /dev/null) == "0:0 666" ]] && return 0
	echo "# /dev/null was $(stat -c '%u:%g %a' /dev/null): restored to 0:0 666" >&3
	chown 0:0 /dev/null && chmod 0666 /dev/null
}

# userns_setup NAME POLICY_JSON: setup() of a test of containers with a user
# namespace (userns*.bats): root, brig, jq, a static busybox and user
# namespaces, or a skip naming what is missing; T, the test's temporary
# directory; D, a fresh 0755 directory /tmp/brig-NAME.XXXXXX (the mapped ids
# reach nothing under bats' 0700 temporary directories) holding the bundle
# path B and the policy POLICY, written from POLICY_JSON; IDS, the ids
# userns_delete_ids deletes.
userns_setup() {
	require_busybox
	[[ -e /proc/self/ns/user ]] || skip "needs user namespaces (CONFIG_USER_NS)"
	T="$BATS_TEST_TMPDIR"
	D="$(mktemp -d "/tmp/brig-$1.XXXXXX")"
	chmod 0755 "$D"
	B="$D/bundle"
	POLICY="$D/policy.json"
	write_policy "$2"
	IDS=()
}

# userns_delete_ids: deletes (--force, through brig with either runtime)
# every container a test named in IDS.
userns_delete_ids() {
	local id
	for id in "${IDS[@]}"; do
		brig_p runc delete --force "$id" >/dev/null 2>&1 || true
		brig_p crun delete --force "$id" >/dev/null 2>&1 || true
	done
}

# require_busybox_runtime RUNTIME: what a busybox container through brig and
# RUNTIME needs (root, brig, jq, the runtime, a static busybox, namespaces; crun's
# cgroups), or a skip naming what is missing.
require_busybox_runtime() {
	require_root
	require_brig
	require_cmd jq "$1"
	busybox_path >/dev/null || skip "needs a static busybox (busybox-static)"
	[[ $1 == crun ]] && ensure_crun_cgroups
	[[ -e /proc/self/ns/pid ]] || skip "needs namespaces"
	return 0
}

# probe_bin [32]: the static probe (tests/integration/probe.c), or with 32
# its 32-bit build: built by meson next to brig (the 32-bit one when gcc
# -m32 -static links: gcc-multilib), else compiled here; fails when neither
# works.
probe_bin() {
	local name="probe${1:-}" p
	p="$(dirname "$(brig_bin)")/../../tests/integration/$name"
	if [[ -x $p ]]; then
		echo "$p"
		return 0
	fi
	p="$BATS_FILE_TMPDIR/$name"
	[[ -x $p ]] || cc -D_GNU_SOURCE ${1:+-m32} -static -O2 -o "$p" "$BATS_TEST_DIRNAME/probe.c" 2>/dev/null ||
		return 1
	echo "$p"
}

# pfield KEY: the value of the last "KEY: value" line of $output (the
# probe's answer: it prints last).
pfield() {
	grep -E "^$1:" <<<"$output" | tail -n1 | sed -E "s/^$1:[[:space:]]*//"
}

# host_pids_max PID: pids.max of the process's pids cgroup, read on the host
# (the cgroup v1 "pids" controller or the v2 unified hierarchy).
host_pids_max() {
	local pid=$1 rel
	rel="$(awk -F: '$2 == "pids" { print $3 }' "/proc/$pid/cgroup")"
	if [[ -n $rel ]]; then
		cat "/sys/fs/cgroup/pids$rel/pids.max"
	else
		rel="$(awk -F: '$1 == "0" { print $3 }' "/proc/$pid/cgroup")"
		cat "/sys/fs/cgroup$rel/pids.max"
	fi
}

# brig_created RUNTIME PREFIX: creates the bundle $B through brig (brig_p,
# the test's policy) as a new container named from PREFIX; sets ID and PID
# (its init, from the runtime's state).  Output goes to a file: the created
# container holds its stdio until it is started or deleted.
brig_created() {
	local rt=$1 rtpath
	runtime_path "$rt" rtpath >/dev/null
	ID="$(new_container_id "$2")"
	track_container "$rt" "$ID"
	brig_p "$rt" create --bundle "$B" "$ID" >"$BATS_TEST_TMPDIR/create.out" 2>&1 || {
		cat "$BATS_TEST_TMPDIR/create.out"
		return 1
	}
	PID="$("$rtpath" state "$ID" | jq -r .pid)"
	[[ $PID =~ ^[0-9]+$ && $PID -gt 0 ]]
}
