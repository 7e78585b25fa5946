# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# Engine helpers for tests/engines/*.bats: install brig where the engines
# look for it, start containerd/dockerd only when they are not already up
# (and stop only what was started here, by pid), configure Docker from the
# snippets in docs/engines.md, and make the busybox image once per engine.
#
# Load with:  load lib   (it loads ../integration/helpers.bash itself)

# shellcheck source=../integration/helpers.bash
source "$(dirname "${BASH_SOURCE[0]}")/../integration/helpers.bash"

ENG_DIR="$BRIG_REPO/tests/engines"
ENG_DOC="$BRIG_REPO/docs/engines.md"
# The fixed path every engine configuration in docs/engines.md names.
ENG_BRIG=/usr/local/sbin/brig
# The Docker CLI that matches the daemon (a newer client may be first on PATH).
if [[ -x /usr/bin/docker ]]; then DOCKER=/usr/bin/docker; else DOCKER=docker; fi
ENG_IMAGE=brig-engines-busybox:latest     # docker name
ENG_CTR_IMAGE=localhost/brig-engines-busybox:latest
ENG_PODMAN_IMAGE=localhost/brig-engines-busybox:latest
ENG_CTR_NS=brigtest
# State that must outlive one bats file (pids of daemons started here, the
# saved daemon.json) lives under /run so every file of a run sees it.
ENG_STATE=/run/brig-engine-tests
export DOCKER ENG_BRIG ENG_IMAGE ENG_CTR_IMAGE ENG_PODMAN_IMAGE ENG_CTR_NS

# What every identity check runs in the container: one "key: value" per fact.
ENG_PROOF='grep -E "^(CapEff|CapPrm|CapBnd|CapAmb|NoNewPrivs|Seccomp):" /proc/self/status
echo "uid: $(id -u)"
echo "gid: $(id -g)"
if touch /brig-probe 2>/tmp/.err; then echo "rootwrite: ok"; else echo "rootwrite: failed: $(cat /tmp/.err)"; fi
if echo hello >/tmp/probe 2>/dev/null && [ "$(cat /tmp/probe)" = hello ]; then echo "tmpwrite: ok"; else echo "tmpwrite: failed"; fi
echo "proof: done"'

# --------------------------------------------------------------- snippets

# doc_snippet NAME: prints the fenced block that follows the line
# `<!-- snippet: NAME -->` in docs/engines.md.  The tests configure the
# engines with exactly what the documentation tells users to paste.
doc_snippet() {
	local name=$1 out
	out="$(awk -v want="<!-- snippet: $name -->" '
		$0 == want { armed = 1; next }
		armed && /^```/ { if (inblock) exit; inblock = 1; next }
		inblock { print }
	' "$ENG_DOC")"
	if [[ -z $out ]]; then
		echo "snippet '$name' not found in $ENG_DOC" >&2
		return 1
	fi
	printf '%s\n' "$out"
}

# ------------------------------------------------------------------ brig

# Installs the brig under test at $ENG_BRIG (the path the snippets name).
# Fails, not skips, when brig is not built.
eng_install_brig() {
	require_brig || return 1
	local b
	b="$(brig_bin)"
	# install(1) writes a new inode: running containers' shims keep theirs
	install -D -m 0755 "$b" "$ENG_BRIG"
}

# ---------------------------------------------------------------- daemons

_eng_started() { # NAME PID: remember a daemon this run started
	mkdir -p "$ENG_STATE"
	echo "$2" >"$ENG_STATE/$1.pid"
}

_eng_wait() { # SECONDS CMD...
	local n=$(($1 * 4)) i
	shift
	for ((i = 0; i < n; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.25
	done
	return 1
}

# Starts containerd unless one answers on the default socket.
eng_start_containerd() {
	command -v containerd >/dev/null || skip "needs containerd (not installed)"
	command -v ctr >/dev/null || skip "needs ctr (not installed)"
	ctr version >/dev/null 2>&1 && return 0
	[[ $(id -u) -eq 0 ]] || skip "needs root to start containerd"
	containerd </dev/null &>/tmp/brig-engines-containerd.log 3>&- &
	_eng_started containerd $!
	_eng_wait 30 ctr version || {
		tail -20 /tmp/brig-engines-containerd.log >&2
		echo "containerd did not come up" >&2
		return 1
	}
}

dockerd_pid() {
	local p
	p="$(cat /run/docker.pid 2>/dev/null)"
	if [[ -n $p && -d /proc/$p ]]; then echo "$p"; else pgrep -x -o dockerd; fi
}

# Starts dockerd (on the running containerd) unless `docker info` works.
eng_start_dockerd() {
	command -v dockerd >/dev/null || skip "needs dockerd (Debian package docker.io is not installed)"
	$DOCKER info >/dev/null 2>&1 && return 0
	[[ $(id -u) -eq 0 ]] || skip "needs root to start dockerd"
	eng_start_containerd
	dockerd --iptables=false --bridge=none </dev/null &>/tmp/brig-engines-dockerd.log 3>&- &
	_eng_started dockerd $!
	_eng_wait 60 $DOCKER info || {
		tail -20 /tmp/brig-engines-dockerd.log >&2
		echo "dockerd did not come up" >&2
		return 1
	}
}

# Stops the daemons this run started (never one it found running).
eng_stop_started() {
	local name pid i
	for name in dockerd containerd; do
		[[ -f $ENG_STATE/$name.pid ]] || continue
		pid="$(cat "$ENG_STATE/$name.pid")"
		rm -f "$ENG_STATE/$name.pid"
		[[ -n $pid ]] || continue
		kill "$pid" 2>/dev/null || continue
		for ((i = 0; i < 80; i++)); do
			[[ -d /proc/$pid ]] || break
			sleep 0.25
		done
	done
}

# ------------------------------------------------------------- docker conf

# eng_docker_configure SNIPPET...: merges the daemon.json snippets from
# docs/engines.md into /etc/docker/daemon.json (the original is saved once
# and put back by eng_docker_restore) and reloads dockerd with SIGHUP.
# An argument that starts with "{" is JSON of the test's own, merged as is.
eng_docker_configure() {
	local json='{}' one cur pid want_default name
	for name in "$@"; do
		if [[ $name == "{"* ]]; then
			one=$name
		else
			one="$(doc_snippet "$name")" || return 1
		fi
		jq -e . >/dev/null <<<"$one" || {
			echo "snippet $name is not valid JSON" >&2
			return 1
		}
		json="$(jq -s '.[0] * .[1]' <(echo "$json") <(echo "$one"))"
	done
	mkdir -p /etc/docker "$ENG_STATE"
	if [[ ! -e $ENG_STATE/daemon.json.saved && ! -e $ENG_STATE/daemon.json.absent ]]; then
		if [[ -f /etc/docker/daemon.json ]]; then
			cp /etc/docker/daemon.json "$ENG_STATE/daemon.json.saved"
		else
			touch "$ENG_STATE/daemon.json.absent"
		fi
	fi
	cur='{}'
	[[ -f $ENG_STATE/daemon.json.saved ]] && cur="$(cat "$ENG_STATE/daemon.json.saved")"
	# The saved file plus the snippet (the snippet wins).  dockerd's reload
	# keeps the old default runtime when the key is absent, so a snippet
	# without one says "runc" explicitly.
	jq -s '.[0] * .[1] | ."default-runtime" //= "runc"' <(echo "$cur") <(echo "$json") \
		>/etc/docker/daemon.json.new && mv /etc/docker/daemon.json.new /etc/docker/daemon.json
	pid="$(dockerd_pid)" || {
		echo "dockerd is not running" >&2
		return 1
	}
	kill -HUP "$pid"
	want_default="$(jq -r '."default-runtime" // "runc"' /etc/docker/daemon.json)"
	_eng_wait 20 _eng_docker_has "$want_default" || {
		echo "dockerd did not pick up $* (default runtime: $($DOCKER info -f '{{.DefaultRuntime}}'))" >&2
		return 1
	}
}

_eng_docker_has() { # DEFAULT: brig listed and DEFAULT the default runtime
	local info
	info="$($DOCKER info -f '{{range $k, $v := .Runtimes}}{{$k}} {{end}}|{{.DefaultRuntime}}' 2>/dev/null)" || return 1
	[[ " ${info%|*} " == *" brig "* && ${info#*|} == "$1" ]]
}

# Puts the original daemon.json back (or removes ours) and reloads.
# dockerd's reload keeps the current default runtime when the file has no
# "default-runtime", so first reload with the original's (or runc) set
# explicitly, then put the original bytes back.
eng_docker_restore() {
	local pid cur='{}' def
	[[ -f $ENG_STATE/daemon.json.saved ]] && cur="$(cat "$ENG_STATE/daemon.json.saved")"
	[[ -f $ENG_STATE/daemon.json.saved || -f $ENG_STATE/daemon.json.absent ]] || return 0
	def="$(jq -r '."default-runtime" // "runc"' <<<"$cur")"
	jq --arg d "$def" '."default-runtime" = $d' <<<"$cur" >/etc/docker/daemon.json
	if pid="$(dockerd_pid)"; then
		kill -HUP "$pid" 2>/dev/null
		_eng_wait 20 _eng_docker_default_is "$def" ||
			echo "warning: dockerd's default runtime is still $($DOCKER info -f '{{.DefaultRuntime}}')" >&2
	fi
	if [[ -f $ENG_STATE/daemon.json.saved ]]; then
		cp "$ENG_STATE/daemon.json.saved" /etc/docker/daemon.json
		rm -f "$ENG_STATE/daemon.json.saved"
	else
		rm -f /etc/docker/daemon.json "$ENG_STATE/daemon.json.absent"
	fi
}

_eng_docker_default_is() {
	[[ $($DOCKER info -f '{{.DefaultRuntime}}' 2>/dev/null) == "$1" ]]
}

# ------------------------------------------------------------------ images

# The image's root filesystem: busybox, root and nobody, and a Debian-like
# layout (/tmp and /var/tmp 1777, /run 0755 owned by root).
eng_rootfs() {
	local dir=$1
	[[ -d $dir/bin ]] && return 0
	make_busybox_rootfs "$dir"
}

# Imports the busybox image into Docker once.
eng_image_docker() {
	$DOCKER image inspect "$ENG_IMAGE" >/dev/null 2>&1 && return 0
	local d="$BATS_FILE_TMPDIR/image-rootfs"
	eng_rootfs "$d" || return 1
	tar -C "$d" -c . | $DOCKER import - "$ENG_IMAGE" >/dev/null
}

# eng_oci_archive OUT [REF [CMD-JSON]]: an OCI image archive (oci-layout,
# index.json, blobs) of the same rootfs, built without Docker so the
# containerd tests need only containerd.  CMD-JSON is the image's Cmd
# (default ["sh"]).
eng_oci_archive() {
	local out=$1 ref=${2:-$ENG_CTR_IMAGE} cmd=${3:-'["sh"]'}
	[[ -s $out ]] && return 0
	local w="$BATS_FILE_TMPDIR/oci" d="$BATS_FILE_TMPDIR/image-rootfs"
	eng_rootfs "$d" || return 1
	rm -rf "$w"
	mkdir -p "$w/blobs/sha256"
	tar -C "$d" --sort=name --owner=0 --group=0 --numeric-owner -cf "$w/layer.tar" . || return 1
	local diffid layer lsize cfg csize man msize
	diffid="$(sha256sum "$w/layer.tar" | cut -d' ' -f1)"
	gzip -n -c "$w/layer.tar" >"$w/layer.tgz"
	layer="$(sha256sum "$w/layer.tgz" | cut -d' ' -f1)"
	lsize="$(stat -c %s "$w/layer.tgz")"
	mv "$w/layer.tgz" "$w/blobs/sha256/$layer"
	rm -f "$w/layer.tar"
	jq -cn --arg d "sha256:$diffid" --argjson cmd "$cmd" '{architecture: "amd64", os: "linux",
		config: {Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"], Cmd: $cmd},
		rootfs: {type: "layers", diff_ids: [$d]}}' >"$w/config.json"
	cfg="$(sha256sum "$w/config.json" | cut -d' ' -f1)"
	csize="$(stat -c %s "$w/config.json")"
	mv "$w/config.json" "$w/blobs/sha256/$cfg"
	jq -cn --arg c "sha256:$cfg" --argjson cs "$csize" --arg l "sha256:$layer" --argjson ls "$lsize" '{
		schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json",
		config: {mediaType: "application/vnd.oci.image.config.v1+json", digest: $c, size: $cs},
		layers: [{mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: $l, size: $ls}]}' >"$w/manifest.json"
	man="$(sha256sum "$w/manifest.json" | cut -d' ' -f1)"
	msize="$(stat -c %s "$w/manifest.json")"
	mv "$w/manifest.json" "$w/blobs/sha256/$man"
	jq -cn --arg m "sha256:$man" --argjson ms "$msize" --arg ref "$ref" '{schemaVersion: 2,
		manifests: [{mediaType: "application/vnd.oci.image.manifest.v1+json", digest: $m, size: $ms,
			annotations: {"io.containerd.image.name": $ref, "org.opencontainers.image.ref.name": ($ref | sub(".*:"; ""))}}]}' >"$w/index.json"
	echo '{"imageLayoutVersion":"1.0.0"}' >"$w/oci-layout"
	tar -C "$w" -cf "$out" oci-layout index.json blobs
}

# Imports the image into containerd's $ENG_CTR_NS namespace once.
eng_image_ctr() {
	ctr -n "$ENG_CTR_NS" images check "name==$ENG_CTR_IMAGE" 2>/dev/null | grep -q complete && return 0
	local a="$BATS_FILE_TMPDIR/image-ctr.tar"
	eng_oci_archive "$a" "$ENG_CTR_IMAGE" || return 1
	ctr -n "$ENG_CTR_NS" images import "$a" >/dev/null || return 1
	ctr -n "$ENG_CTR_NS" images check "name==$ENG_CTR_IMAGE" | grep -q complete
}

# eng_podman_setup [BRIG]: Podman's containers.conf from the snippet of
# docs/engines.md (its brig path replaced by BRIG when given) in
# CONTAINERS_CONF, and the image imported once.  Not brig's: this VM's
# bounding set lacks CAP_SYS_RESOURCE, so Podman's default rlimits (raised to
# the host maximum) fail in runc with or without brig; the conf lowers them,
# as docs/engines.md says.
eng_podman_setup() {
	local brig=${1:-} conf="$BATS_FILE_TMPDIR/containers.conf"
	{
		if [[ -n $brig ]]; then
			doc_snippet podman-containers.conf | sed "s|^brig = .*|brig = [\"$brig\"]|" || return 1
		else
			doc_snippet podman-containers.conf || return 1
		fi
		printf '\n[containers]\ndefault_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]\n'
	} >"$conf"
	[[ -z $brig ]] || grep -qF "brig = [\"$brig\"]" "$conf" || {
		echo "cannot point the snippet at $brig" >&2
		return 1
	}
	export CONTAINERS_CONF="$conf"
	if ! podman image exists "$ENG_PODMAN_IMAGE"; then
		eng_rootfs "$BATS_FILE_TMPDIR/image-rootfs"
		tar -C "$BATS_FILE_TMPDIR/image-rootfs" -c . | podman import -q - "$ENG_PODMAN_IMAGE" >/dev/null
	fi
}

# eng_ctr_remove_all PREFIX: kills and deletes every task and container of
# $ENG_CTR_NS whose id starts with PREFIX.
eng_ctr_remove_all() {
	local c
	for c in $(ctr -n "$ENG_CTR_NS" containers ls -q 2>/dev/null | grep "^$1"); do
		ctr -n "$ENG_CTR_NS" tasks kill -s KILL "$c" >/dev/null 2>&1
		ctr -n "$ENG_CTR_NS" tasks delete -f "$c" >/dev/null 2>&1
		ctr -n "$ENG_CTR_NS" containers delete "$c" >/dev/null 2>&1
	done
}

# ------------------------------------------------------------------ checks

# assert_confined: $output is the proof script's; every fact must hold.
# Prints what it saw on failure (bats shows it).
assert_confined() {
	local ok=0 v
	grep -q '^proof: done' <<<"$output" || {
		echo "the proof script did not finish; output:" >&2
		ok=1
	}
	v="$(status_field CapEff)"
	[[ $v == 0000000000000000 ]] || { echo "CapEff is '$v', want 0" >&2; ok=1; }
	v="$(status_field CapPrm)"
	[[ $v == 0000000000000000 ]] || { echo "CapPrm is '$v', want 0" >&2; ok=1; }
	v="$(status_field CapBnd)"
	[[ $v == 0000000000000000 ]] || { echo "CapBnd is '$v', want 0" >&2; ok=1; }
	v="$(status_field NoNewPrivs)"
	[[ $v == 1 ]] || { echo "NoNewPrivs is '$v', want 1" >&2; ok=1; }
	v="$(status_field Seccomp)"
	[[ $v == 2 ]] || { echo "Seccomp is '$v', want 2 (filter)" >&2; ok=1; }
	v="$(status_field uid)"
	[[ -n $v && $v != 0 ]] || { echo "uid is '$v', want non-root" >&2; ok=1; }
	v="$(status_field gid)"
	[[ -n $v && $v != 0 ]] || { echo "gid is '$v', want non-root" >&2; ok=1; }
	grep -q '^rootwrite: failed: .*Read-only file system' <<<"$output" ||
		{ echo "the root filesystem is not read-only: $(grep rootwrite <<<"$output")" >&2; ok=1; }
	grep -q '^tmpwrite: ok' <<<"$output" || { echo "/tmp is not writable" >&2; ok=1; }
	[[ $ok -eq 0 ]] || echo "container output: $output" >&2
	return $ok
}

# assert_exec_confined: the same for an exec'd process (no root-write and
# /tmp facts, which belong to the container).
assert_exec_confined() {
	local ok=0 v
	for v in CapEff CapPrm CapBnd; do
		[[ $(status_field $v) == 0000000000000000 ]] || { echo "$v is '$(status_field $v)', want 0" >&2; ok=1; }
	done
	[[ $(status_field NoNewPrivs) == 1 ]] || { echo "NoNewPrivs is '$(status_field NoNewPrivs)', want 1" >&2; ok=1; }
	[[ $(status_field Seccomp) == 2 ]] || { echo "Seccomp is '$(status_field Seccomp)', want 2" >&2; ok=1; }
	v="$(status_field uid)"
	[[ -n $v && $v != 0 ]] || { echo "uid is '$v', want non-root" >&2; ok=1; }
	[[ $ok -eq 0 ]] || echo "exec output: $output" >&2
	return $ok
}

# assert_refused WHAT: the engine failed and showed brig's message.
assert_refused() {
	local what=$1
	if [[ $status -eq 0 ]]; then
		echo "expected the engine to fail (brig refusing $what), it succeeded: $output" >&2
		return 1
	fi
	if ! grep -q 'brig: refused' <<<"$output"; then
		echo "the engine failed but its output does not carry brig's refusal:" >&2
		echo "$output" >&2
		return 1
	fi
	if ! grep -qi -- "$what" <<<"$output"; then
		echo "brig's refusal does not mention '$what': $output" >&2
		return 1
	fi
}
