# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# Shared by tests/engines/userns-*.bats: every container in its own user
# namespace (issue 16, policy userNamespace "auto") through real engines,
# judged from the host.  The policy says "auto" itself, so the tests hold
# whatever brig's built-in default is.
#
# Load with:  load lib  then  load userns

# The policy the docs' snippets name, and the wrapper that passes it to
# brig for engines that take a runtime path without arguments (ctr,
# Podman): both from docs/engines.md, installed for the run.
UNS_POLICY=/etc/brig/userns.json
UNS_WRAPPER_DIR=/usr/local/lib/brig/userns
UNS_WRAPPER=$UNS_WRAPPER_DIR/brig
# Host directories the tests bind into containers: under /tmp, not bats'
# 0700 temporary directories, which the mapped ids cannot traverse.
UNS_PREFIX=wt-userns-engines

uns_install() {
	mkdir -p "$ENG_STATE"
	if [[ ! -e $UNS_POLICY ]]; then
		doc_snippet userns-policy.json >"$ENG_STATE/userns.json.new" || return 1
		"$ENG_BRIG" policy validate "$ENG_STATE/userns.json.new" >/dev/null || return 1
		install -D -m 0644 "$ENG_STATE/userns.json.new" "$UNS_POLICY"
		rm -f "$ENG_STATE/userns.json.new"
		touch "$ENG_STATE/userns.json.ours"
	fi
	jq -e '.defaults.userNamespace == "auto"' "$UNS_POLICY" >/dev/null || {
		echo "$UNS_POLICY does not say userNamespace auto" >&2
		return 1
	}
	mkdir -p "$UNS_WRAPPER_DIR"
	doc_snippet brig-userns-wrapper >"$UNS_WRAPPER" || return 1
	chmod 0755 "$UNS_WRAPPER"
}

uns_uninstall() {
	rm -f "$UNS_WRAPPER"
	rmdir "$UNS_WRAPPER_DIR" /usr/local/lib/brig 2>/dev/null || true
	[[ -f $ENG_STATE/userns.json.ours ]] || return 0
	rm -f "$UNS_POLICY" "$ENG_STATE/userns.json.ours"
	rmdir /etc/brig 2>/dev/null || true
}

# A host directory owned by 1000:1000 that the mapped ids can reach.
uns_volume() {
	local d
	d="$(mktemp -d "/tmp/$UNS_PREFIX.XXXXXX")" || return 1
	chmod 0755 "$d"
	mkdir "$d/vol"
	chown 1000:1000 "$d/vol"
	echo "$d"
}

# The host id container id 0 maps to, from the process's uid_map.
uns_base() {
	awk '$1 == 0 {print $2}' "/proc/$1/uid_map"
}

# Fails unless process PID is in a brig range: uid_map and gid_map are
# exactly "0 BASE 65536", BASE >= 100000, and every uid and gid of the
# process on the host is BASE+65534 (root asked for, 65534 given).
uns_assert_mapped() {
	local pid=$1 base um gm uids gids
	base="$(uns_base "$pid")"
	um="$(awk '{print $1, $2, $3}' "/proc/$pid/uid_map")"
	gm="$(awk '{print $1, $2, $3}' "/proc/$pid/gid_map")"
	uids="$(awk '/^Uid:/ {print $2, $3, $4, $5}' "/proc/$pid/status")"
	gids="$(awk '/^Gid:/ {print $2, $3, $4, $5}' "/proc/$pid/status")"
	local want=$((base + 65534))
	if [[ -z $base || $base -lt 100000 || $um != "0 $base 65536" || $gm != "0 $base 65536" ||
		$uids != "$want $want $want $want" || $gids != "$want $want $want $want" ]]; then
		echo "pid $pid: uid_map '$um', gid_map '$gm', host uids '$uids', gids '$gids'" >&2
		echo "  want maps '0 BASE 65536' with BASE >= 100000, ids BASE+65534" >&2
		return 1
	fi
}

# Fails if anything of container ID is left under /run/brig: a mount in
# the host's mountinfo, its directory, or an id range it holds.  Either
# layout: /run/brig/ct/ID, or /run/brig/ct/KEY/ID with range files naming
# "KEY/ID" (views keyed by runtime root).
uns_assert_gone() {
	local id=$1 left="" f
	left+="$(grep -E " /run/brig/ct/([0-9a-f]{16}/)?$id[/ ]" /proc/self/mountinfo || true)"
	f="$(find /run/brig/ct -mindepth 1 -maxdepth 2 -name "$id" 2>/dev/null || true)"
	[[ -z $f ]] || left+=$'\n'"$f exists: $(ls -A "$f")"
	f="$(grep -rlE -- "^([0-9a-f]{16}/)?$id\$" /run/brig/userns 2>/dev/null || true)"
	[[ -z $f ]] || left+=$'\n'"range still held: $f"
	[[ -z $left ]] && return 0
	echo "left under /run/brig for $id:" >&2
	echo "$left" >&2
	return 1
}

# Whether views of container ID are mounted (either layout).
uns_has_views() {
	grep -qE " /run/brig/ct/([0-9a-f]{16}/)?$1/" /proc/self/mountinfo
}

# Waits until nothing of ID is left (an engine removes a container
# asynchronously after its command returns), then asserts it.
uns_wait_gone() {
	_eng_wait "${2:-15}" uns_assert_gone "$1" 2>/dev/null
	uns_assert_gone "$1"
}

# The shim (or conmon) that is the parent of the container's init, checked
# by name: the tests kill only the processes of their own containers.
uns_parent_of() { # PID NAME-PATTERN
	local ppid comm
	ppid="$(awk '{print $4}' "/proc/$1/stat")"
	comm="$(cat "/proc/$ppid/comm")"
	[[ $comm =~ $2 ]] || {
		echo "the parent of $1 is $ppid ($comm), not $2" >&2
		return 1
	}
	echo "$ppid"
}

# The checks inside a mapped container (`sh -c "$UNS_PROOF"`): the image
# root-owned, the process 65534, /dev nodes, the tmpfs mounts, the sysctl
# Docker sets.  One "key: value" per fact.
UNS_PROOF='echo "passwd: $(stat -c %u:%g /etc/passwd)"
echo "root: $(stat -c %u /)"
echo "id: $(id -u):$(id -g)"
if echo x >/dev/null && head -c 4 /dev/zero | od -An -tx1 | grep -q "00 00 00 00" &&
	head -c 4 /dev/urandom >/dev/null; then echo "devnodes: ok"; else echo "devnodes: failed"; fi
if echo hi >/tmp/p && echo hi >/var/tmp/p && echo hi >/run/p; then echo "tmpfs: ok"; else echo "tmpfs: failed"; fi
if touch /probe 2>/dev/null; then echo "rootwrite: ok"; else echo "rootwrite: failed"; fi
echo "ping: $(cat /proc/sys/net/ipv4/ping_group_range | tr "\t" " ")"
echo "proof: done"'

# uns_field KEY: the value of "KEY: value" in $output.
uns_field() {
	sed -n "s/^$1: //p" <<<"$output" | head -n1
}

# Judges $output of UNS_PROOF run as the container's default user.
uns_assert_proof() {
	local ok=0
	grep -q '^proof: done' <<<"$output" || { echo "the proof did not finish" >&2; ok=1; }
	[[ $(uns_field passwd) == 0:0 ]] || { echo "/etc/passwd is $(uns_field passwd) inside, want 0:0" >&2; ok=1; }
	[[ $(uns_field root) == 0 ]] || { echo "/ is owned by $(uns_field root) inside, want 0" >&2; ok=1; }
	[[ $(uns_field id) == 65534:65534 ]] || { echo "runs as $(uns_field id), want 65534:65534" >&2; ok=1; }
	[[ $(uns_field devnodes) == ok ]] || { echo "/dev/null, /dev/zero or /dev/urandom do not work" >&2; ok=1; }
	[[ $(uns_field tmpfs) == ok ]] || { echo "/tmp, /var/tmp or /run are not writable" >&2; ok=1; }
	[[ $(uns_field rootwrite) == failed ]] || { echo "the root is writable" >&2; ok=1; }
	local ping
	ping="$(uns_field ping)"
	if [[ -n ${1:-} && ${ping//  / } != "$1" ]]; then
		echo "ping_group_range is '$ping', want '$1'" >&2
		ok=1
	fi
	[[ $ok -eq 0 ]] || echo "container output: $output" >&2
	return $ok
}

# The host-side probes of tests/escape/run that need no host mount table
# (that one maps a container's mounts to host paths, which the idmapped
# views under /run/brig make ambiguous): one JSON line per probe, as the
# battery's own.  Plus what a range adds: the process's host uid is none of
# the ids containers without one share (0, 65534).
uns_escape_host_probes() { # PID
	local pid=$1 ns c h st
	_p() { jq -cn --arg t "$1" --argjson ok "$2" --arg d "$3" \
		'{technique: $t, result: (if $ok then "succeeded" else "blocked" end), detail: $d}'; }
	for ns in pid net ipc uts mnt cgroup user; do
		c="$(stat -L -c %i "/proc/$pid/ns/$ns")"
		h="$(stat -L -c %i "/proc/$$/ns/$ns")"
		_p "host_ns_$ns" "$([[ $c == "$h" ]] && echo true || echo false)" "ns/$ns inode $c, host's $h"
	done
	st="$(cat "/proc/$pid/status")"
	local uids gids groups capeff nnp seccomp
	uids="$(awk '/^Uid:/ {print $2, $3, $4, $5}' <<<"$st")"
	gids="$(awk '/^Gid:/ {print $2, $3, $4, $5}' <<<"$st")"
	groups="$(awk '/^Groups:/ {$1 = ""; print}' <<<"$st")"
	capeff="$(awk '/^CapEff:/ {print $2}' <<<"$st")"
	nnp="$(awk '/^NoNewPrivs:/ {print $2}' <<<"$st")"
	seccomp="$(awk '/^Seccomp:/ {print $2}' <<<"$st")"
	_p host_uid_0 "$([[ " $uids " == *" 0 "* ]] && echo true || echo false)" "uids on the host: $uids"
	_p host_gid_0 "$([[ " $gids $groups " == *" 0 "* ]] && echo true || echo false)" "gids: $gids; groups:$groups"
	_p host_uid_shared "$([[ " $uids " == *" 65534 "* ]] && echo true || echo false)" "uids on the host: $uids"
	_p host_capabilities "$([[ $((16#$capeff)) -ne 0 ]] && echo true || echo false)" "CapEff $capeff"
	_p host_no_new_privs_off "$([[ $nnp == 1 ]] && echo false || echo true)" "NoNewPrivs $nnp"
	_p host_seccomp_off "$([[ $seccomp == 2 ]] && echo false || echo true)" "Seccomp $seccomp"
}

# uns_judge_battery OUTPUT N HOSTFILE: the battery reported all N techniques
# and finished, and neither it nor a host probe found anything open.
uns_judge_battery() {
	local out=$1 n=$2 host=$3 got open
	grep -q '"battery":"done"' <<<"$out" || { echo "the battery did not finish: $out" >&2; return 1; }
	got="$(grep -c '^{"technique"' <<<"$out")"
	[[ $got -eq $n ]] || { echo "the battery reported $got of $n techniques: $out" >&2; return 1; }
	[[ $(wc -l <"$host") -eq 13 ]] || { echo "host probes incomplete: $(cat "$host")" >&2; return 1; }
	open="$(grep '"result":"succeeded"' <<<"$out"$'\n'"$(cat "$host")" || true)"
	[[ -z $open ]] || { echo "open under brig with userNamespace auto:" >&2; echo "$open" >&2; return 1; }
}

# uns_layered_archive OUT REF N: a `docker save` archive (which docker load,
# podman load and ctr images import all read) of the busybox rootfs plus N
# one-file layers (/layers/I).  With enough layers the engines' overlay
# mount options no longer fit in a page and they mount with paths relative
# to their storage directory: Docker's and Podman's overlay drivers from
# about 70 layers, containerd's mount helper from about 50.
uns_layered_archive() {
	local out=$1 ref=$2 n=$3 w="$BATS_FILE_TMPDIR/layered" i d
	[[ -s $out ]] && return 0
	rm -rf "$w"
	mkdir -p "$w/l0"
	eng_rootfs "$BATS_FILE_TMPDIR/image-rootfs" || return 1
	tar -C "$BATS_FILE_TMPDIR/image-rootfs" --numeric-owner -cf "$w/l0/layer.tar" .
	local layers=("l0/layer.tar") diffs=("sha256:$(sha256sum "$w/l0/layer.tar" | cut -d' ' -f1)")
	for ((i = 1; i <= n; i++)); do
		d="$w/src$i/layers"
		mkdir -p "$d" "$w/l$i"
		echo "$i" >"$d/$i"
		tar -C "$w/src$i" --numeric-owner --owner=0 --group=0 -cf "$w/l$i/layer.tar" layers
		layers+=("l$i/layer.tar")
		diffs+=("sha256:$(sha256sum "$w/l$i/layer.tar" | cut -d' ' -f1)")
	done
	jq -cn --args '{architecture: "amd64", os: "linux",
		config: {Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"], Cmd: ["sh"]},
		rootfs: {type: "layers", diff_ids: $ARGS.positional}}' "${diffs[@]}" >"$w/config.json"
	jq -cn --arg ref "$ref" --args '[{Config: "config.json", RepoTags: [$ref], Layers: $ARGS.positional}]' \
		"${layers[@]}" >"$w/manifest.json"
	tar -C "$w" -cf "$out" manifest.json config.json "${layers[@]}"
	rm -rf "$w"
}

# uns_assert_relative_overlay ROOTFS: the overlay at ROOTFS was mounted
# with relative layer paths (else the layered test proves nothing).
uns_assert_relative_overlay() {
	local opts
	opts="$(awk -v m="$1" '$5 == m {for (i = 1; i <= NF; i++) if ($i == "-") {print $(i + 3); exit}}' /proc/self/mountinfo)"
	[[ $opts == *lowerdir=[!/]* ]] || {
		echo "the overlay at $1 has absolute lower layers ($(cut -c1-200 <<<"$opts")...): the test needs more layers" >&2
		return 1
	}
}
