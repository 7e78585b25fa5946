#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# root.path from an allow-list (lib/passes/rootfs_path.c, issue 13): inside
# the bundle, an image an engine prepared in its storage, or a directory the
# policy grants in rootfsAllowed.  Before it, a bundle handed to brig could
# name any host directory but "/" and the top-level ones (/var/lib/kubelet,
# /run/containerd, /home/alice ...) and both runtimes ran with it as the
# root: the container read its files (here a "token" in a directory made for
# the test, which stands for another pod's).  Each test runs runc and crun
# and looks from the host.

load helpers

setup() {
	require_root
	require_brig
	require_cmd jq
	busybox_path >/dev/null || skip "needs a static busybox (busybox-static)"
	ensure_crun_cgroups
	# under userNamespace auto (the default) the mapped ids must reach the
	# rootfs: not below bats' 0700 temporary directories
	T="$(mktemp -d /tmp/brig-rootfs-allow.XXXXXX)"
	chmod 0755 "$T"
	B="$T/bundle"
	HOSTDIR="$T/host"
	POLICY="$T/policy.json"
	make_busybox_rootfs "$HOSTDIR"
	echo "another pod's token" >"$HOSTDIR/token"
	make_busybox_bundle "$B" cat /token
	cp "$B/config.json" "$T/pristine.json"
}

# root_path VALUE: the image's config with root.path VALUE (a create under
# userNamespace auto rewrites config.json for its own range and views)
root_path() {
	jq --arg p "$1" '.root.path = $p' "$T/pristine.json" >"$B/config.json"
}

teardown() {
	cleanup_containers
	[[ -n ${T:-} ]] && rm -rf "$T"
}

# create RT ARGS...: brig create into $status and $output.  Not `run`: a
# container brig let through would hold its pipe until it exits.
create() {
	local rt=$1
	shift
	status=0
	brig_p "$rt" create "$@" >"$T/out" 2>&1 || status=$?
	output="$(cat "$T/out")"
}

# refused RT ID: brig create was refused naming the grant and where
# root.path led, and the runtime has no such container.
refused() {
	local rt=$1 id=$2 want=${3:-$HOSTDIR}
	echo "$rt: status $status: $output"
	[ "$status" -ne 0 ]
	[[ $output == *"/root/path"* && $output == *"rootfsAllowed"* ]]
	[[ $output == *"the root filesystem is $want"* ]]
	[[ $output != *"another pod's token"* ]]
	run "$(command -v "$rt")" state "$id"
	[ "$status" -ne 0 ]
}

@test "root.path at a host directory outside the bundle is refused, nothing created (runc and crun)" {
	local rt id before
	write_policy '{"version": 1, "audit": {"syslog": false}}'
	before="$(dir_listing "$HOSTDIR")"
	for rt in runc crun; do
		command -v "$rt" >/dev/null || continue
		# absolute
		root_path "$HOSTDIR"
		id="$(new_container_id rfs)"
		track_container "$rt" "$id"
		create "$rt" --bundle "$B" "$id"
		refused "$rt" "$id"
		# a symlink in the bundle that leads there (crun follows it)
		ln -sfn "$HOSTDIR" "$B/hostlink"
		root_path hostlink
		id="$(new_container_id rfs)"
		track_container "$rt" "$id"
		create "$rt" --bundle "$B" "$id"
		refused "$rt" "$id"
		# a host directory as such, and below an engine's storage root but
		# not an image (Podman's per-container state)
		for p in /usr/lib /var/lib/containers/storage/overlay-containers; do
			root_path "$p"
			id="$(new_container_id rfs)"
			track_container "$rt" "$id"
			create "$rt" --bundle "$B" "$id"
			refused "$rt" "$id" "$(realpath -m "$p")"
		done
		# no --bundle: the current directory, as the runtime takes it
		root_path "$HOSTDIR"
		id="$(new_container_id rfs)"
		track_container "$rt" "$id"
		cd "$B"
		create "$rt" "$id"
		cd /
		refused "$rt" "$id"
	done
	# the runtime made none of its mount points in the host directory
	[[ $(dir_listing "$HOSTDIR") == "$before" ]]
}

@test "root.path at the bundle directory itself is refused (runc and crun)" {
	local rt id
	write_policy '{"version": 1, "audit": {"syslog": false}}'
	for rt in runc crun; do
		command -v "$rt" >/dev/null || continue
		root_path .
		id="$(new_container_id rfs)"
		track_container "$rt" "$id"
		create "$rt" --bundle "$B" "$id"
		echo "$rt: status $status: $output"
		[ "$status" -ne 0 ]
		[[ $output == *"the bundle directory $B itself"* ]]
		run "$(command -v "$rt")" state "$id"
		[ "$status" -ne 0 ]
	done
}

@test "root.path in the bundle and a host directory rootfsAllowed grants run (runc and crun)" {
	local rt id
	write_policy '{"version": 1, "audit": {"syslog": false}, "defaults": {"rootfsAllowed": ["'"$T"'"]}}'
	for rt in runc crun; do
		command -v "$rt" >/dev/null || continue
		# the usual relative rootfs, with the token copied in
		cp "$HOSTDIR/token" "$B/rootfs/token"
		root_path rootfs
		id="$(new_container_id rfs)"
		track_container "$rt" "$id"
		run brig_p "$rt" run --bundle "$B" "$id"
		echo "$rt (bundle): status $status: $output"
		[ "$status" -eq 0 ]
		[[ $output == *"another pod's token"* ]]
		# granted: judged as written before the user-namespace view (under
		# /run/brig) replaces it, which is not judged again
		root_path "$HOSTDIR"
		id="$(new_container_id rfs)"
		track_container "$rt" "$id"
		run brig_p "$rt" run --bundle "$B" "$id"
		echo "$rt (granted): status $status: $output"
		[ "$status" -eq 0 ]
		[[ $output == *"another pod's token"* ]]
	done
}

@test "runc's inline exec into a container whose root is brig's user-namespace view still runs" {
	local id
	runtime_path runc RUNC >/dev/null
	write_policy '{"version": 1, "audit": {"syslog": false}, "defaults": {"userNamespace": "auto"}}'
	cp "$HOSTDIR/token" "$B/rootfs/token"
	bundle_set_args "$B" sleep 60
	id="$(new_container_id rfs)"
	track_container runc "$id"
	create runc --bundle "$B" "$id"
	[ "$status" -eq 0 ]
	brig_p runc start "$id"
	# the config on disk now names brig's view (/run/brig/ct/...): the
	# exec hardens it again for its process, and must not judge that root
	[[ $(jq -r .root.path "$B/config.json") == /run/brig/* ]] ||
		skip "no user-namespace view was made here: $(jq -r .root.path "$B/config.json")"
	run brig_p runc exec "$id" cat /token
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *"another pod's token"* ]]
}

@test "policy validate: rootfsAllowed is checked, and a grant of / or a host system directory is warned about" {
	write_policy '{"version": 1, "defaults": {"rootfsAllowed": ["images"]}}'
	run "$(brig_bin)" policy validate "$POLICY"
	[ "$status" -eq 2 ]
	[[ $output == *"/defaults/rootfsAllowed/0: expected an absolute directory"* ]]
	write_policy '{"version": 1, "defaults": {"rootfsAllowed": ["/srv/images", "/", "/var/lib/kubelet/pods"]}}'
	run "$(brig_bin)" policy validate --strict "$POLICY"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ $output == *"rootfsAllowed / lets a container's root filesystem be anything below the host's /"* ]]
	[[ $output == *"rootfsAllowed /var/lib/kubelet/pods lets a container's root filesystem be the host's /var/lib/kubelet/pods"* ]]
	[[ $output != *"rootfsAllowed /srv/images"* ]]
}
