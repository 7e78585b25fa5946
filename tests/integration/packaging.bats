#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Packaging (issue 18): what `meson install` puts where (brig(8), link
# pages, completions, paths that follow the prefix); the quick start
# (tools/demo installs only what it needs, runs itself through sudo when
# not root, says what to do when there is no sudo); and the Kubernetes
# node installer's scripts, run in a bundle built as its image recipe says.

bats_require_minimum_version 1.5.0
load helpers

setup() {
	require_brig
	T="$BATS_TEST_TMPDIR"
}

teardown() {
	cleanup_containers
	[[ -z ${SUDO_T:-} ]] || rm -rf "$SUDO_T"
}

@test "meson install: brig(8), link pages for NAME-line names, completions, prefix paths" {
	build="$(dirname "$(dirname "$(dirname "$(brig_bin)")")")"
	[[ -f $build/build.ninja ]] || skip "brig was not built with meson here ($build)"
	command -v scdoc >/dev/null || skip "needs scdoc (man pages are not built without it)"
	prefix="$(meson introspect --buildoptions "$build" | jq -r '.[] | select(.name == "prefix") | .value')"
	datadir="$(meson introspect --buildoptions "$build" | jq -r '.[] | select(.name == "datadir") | .value')"
	mandir="$(meson introspect --buildoptions "$build" | jq -r '.[] | select(.name == "mandir") | .value')"
	run meson install -C "$build" --no-rebuild --destdir "$T/dest"
	echo "$output" | tail -5
	[ "$status" -eq 0 ]
	root="$T/dest$prefix"
	[ -f "$root/$mandir/man8/brig.8" ]
	[ -f "$root/$mandir/man8/brig-seccomp.8" ]
	[ -f "$root/$mandir/man5/brig-policy.5" ]
	[ ! -e "$root/$mandir/man1/brig.1" ]
	[ "$(cat "$root/$mandir/man8/brig-record.8")" = ".so man8/brig-seccomp.8" ]
	[ "$(cat "$root/$mandir/man8/brig-trace-denials.8")" = ".so man8/brig-seccomp.8" ]
	# paths in the page are this build's
	grep -qF "$prefix/$datadir/brig/" "$root/$mandir/man8/brig.8"
	run grep -c '@DATADIR@\|@SBINDIR@' "$root/$mandir/man8/brig.8"
	[ "$output" = 0 ]
	[ -f "$root/$datadir/bash-completion/completions/brig" ]
	[ -f "$root/$datadir/zsh/site-functions/_brig" ]
	[ -f "$root/$datadir/fish/vendor_completions.d/brig.fish" ]
	# the bash completion completes brig's commands and check's formats
	run bash -c "source '$root/$datadir/bash-completion/completions/brig'
		COMP_WORDS=(brig ch); COMP_CWORD=1; _brig; echo \"\${COMPREPLY[*]}\"
		COMP_WORDS=(brig check --format ''); COMP_CWORD=3; _brig; echo \"\${COMPREPLY[*]}\""
	[ "${lines[0]}" = "check checkpoint" ]
	[ "${lines[1]}" = "text json sarif junit" ]
}

@test "tools/demo installs only what the demo needs; tools/test installs the rest" {
	# shellcheck disable=SC1090
	demo=($(bash -c "source <(sed -n '/^DEMO_PACKAGES=(/,/^)/p' '$BRIG_REPO/tools/install-deps'); echo \${DEMO_PACKAGES[*]}"))
	all=($(bash -c "source <(sed -n '/^PACKAGES=(/,/^)/p' '$BRIG_REPO/tools/install-deps' | grep -v '^\s*#'); echo \${PACKAGES[*]}"))
	echo "demo: ${demo[*]}"
	[ "${#demo[@]}" -ge 8 ] && [ "${#demo[@]}" -le 12 ]
	for heavy in qemu-system-x86 linux-image-amd64 podman docker.io clang valgrind; do
		run ! grep -qw "$heavy" <<<"${demo[*]}"
	done
	# every demo package is in the full list, which tools/test installs
	for p in "${demo[@]}"; do grep -qw -- "$p" <<<"${all[*]}" || { echo "$p not in PACKAGES"; return 1; }; done
	grep -q 'tools/install-deps --demo' "$BRIG_REPO/tools/demo"
	grep -qE '^\s+if ! tools/install-deps; then' "$BRIG_REPO/tools/test"
	# the README's quick start is these two commands, without sudo
	block="$(awk '/^## Quick start/ { on = 1 } on && /^```sh/ { inb = 1; next } inb && /^```/ { exit } inb' "$BRIG_REPO/README.md")"
	[ "$block" = "$(printf 'tools/demo\ntools/test')" ]
}

@test "tools/demo and tools/test run themselves through sudo when not root, and say so when there is none" {
	require_root
	require_cmd setpriv
	# somewhere the unprivileged user can reach (the bats tmpdir may not be)
	T="$(mktemp -d /tmp/brig-sudo.XXXXXX)"
	mkdir -p "$T/bin"
	cat >"$T/bin/sudo" <<-EOF
		#!/bin/sh
		echo "sudo \$*" >"$T/sudo.log"
	EOF
	chmod 0755 "$T/bin/sudo" "$T/bin"
	chmod 0777 "$T"
	SUDO_T="$T"
	for tool in demo test; do
		rm -f "$T/sudo.log"
		run setpriv --reuid 65534 --regid 65534 --clear-groups env PATH="$T/bin:/usr/bin:/bin" \
			"$BRIG_REPO/tools/$tool" --no-deps
		echo "$tool: $output"
		[ "$status" -eq 0 ]
		[ "$(cat "$T/sudo.log")" = "sudo -- $BRIG_REPO/tools/$tool --no-deps" ]
		# no sudo: a message saying what to do, nothing else runs
		run setpriv --reuid 65534 --regid 65534 --clear-groups env PATH="/usr/bin:/bin" \
			"$BRIG_REPO/tools/$tool" --no-deps
		if command -v sudo >/dev/null 2>&1 && [[ $(command -v sudo) == /usr/bin/* || $(command -v sudo) == /bin/* ]]; then
			skip "sudo is installed in /usr/bin here: the no-sudo case cannot be shown"
		fi
		[ "$status" -eq 1 ]
		[[ $output == *"must run as root"*"sudo is not installed: log in as root and run"* ]]
	done
	rm -rf "$T"
}

# The image recipe in node-installer.yaml, as a bundle: /bin/busybox,
# /brig, /policy.json and nothing else; the pod's mounts as binds.
@test "the node installer's script works in a bundle built as its image recipe says" {
	require_root
	require_cmd python3
	python3 -c 'import yaml' 2>/dev/null || skip "needs python3-yaml"
	runtime_path runc rt >/dev/null
	bb="$(busybox_path)" || skip "needs a static busybox (busybox-static)"
	file -L "$(brig_bin)" | grep -q 'static' || skip "brig is not linked statically here (static_exe)"
	y="$BRIG_REPO/deploy/kubernetes/node-installer.yaml"
	python3 - "$y" "$T/cmd.json" <<-'PY'
		import json, sys, yaml
		docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
		ds = next(d for d in docs if d["kind"] == "DaemonSet")
		spec = ds["spec"]["template"]["spec"]
		init = spec["initContainers"][0]
		out = {"command": init["command"], "caps": init["securityContext"]["capabilities"]["add"],
		       "ro": init["securityContext"]["readOnlyRootFilesystem"],
		       "uid": init["securityContext"]["runAsUser"],
		       "mounts": {m["name"]: m["mountPath"] for m in init["volumeMounts"]},
		       "pause": spec["containers"][0]["command"]}
		json.dump(out, open(sys.argv[2], "w"))
	PY
	B="$T/bundle"
	mkdir -p "$B/rootfs/bin" "$B/rootfs/proc" "$B/rootfs/dev" "$B/rootfs/host/usr/local/sbin" \
		"$B/rootfs/host/etc/brig" "$B/rootfs/config" "$T/host/sbin" "$T/host/etc-brig" "$T/config"
	cp "$bb" "$B/rootfs/bin/busybox"
	cp "$(brig_bin)" "$B/rootfs/brig"
	cp "$BRIG_REPO/profiles/policy/restricted.json" "$B/rootfs/policy.json"
	: >"$T/config/policy.json" # the ConfigMap's empty default
	(cd "$B" && "$rt" spec)
	caps="$(jq -c '[.caps[] | "CAP_" + .]' "$T/cmd.json")"
	jq --argjson cmd "$(jq -c .command "$T/cmd.json")" --argjson caps "$caps" \
		--argjson ro "$(jq .ro "$T/cmd.json")" --argjson uid "$(jq .uid "$T/cmd.json")" \
		--arg sbin "$T/host/sbin" --arg etc "$T/host/etc-brig" --arg config "$T/config" \
		--arg msbin "$(jq -r '.mounts["host-sbin"]' "$T/cmd.json")" \
		--arg metc "$(jq -r '.mounts["host-etc-brig"]' "$T/cmd.json")" \
		--arg mconfig "$(jq -r '.mounts.config' "$T/cmd.json")" '
		.process.terminal = false | .process.args = $cmd | .root.readonly = $ro |
		.process.user = {uid: $uid, gid: 0} | .process.noNewPrivileges = true |
		.process.capabilities = {bounding: $caps, effective: $caps, permitted: $caps} |
		.mounts += [
			{destination: $msbin, type: "bind", source: $sbin, options: ["rbind", "rw"]},
			{destination: $metc, type: "bind", source: $etc, options: ["rbind", "rw"]},
			{destination: $mconfig, type: "bind", source: $config, options: ["rbind", "ro"]}]' \
		"$B/config.json" >"$B/config.new" && mv "$B/config.new" "$B/config.json"
	id="$(new_container_id installer)"
	track_container runc "$id"
	run timeout 60 "$rt" run --bundle "$B" "$id" </dev/null
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[-1]}" = "brig installed, policy from /policy.json" ]
	cmp "$(brig_bin)" "$T/host/sbin/brig"
	cmp "$BRIG_REPO/profiles/policy/restricted.json" "$T/host/etc-brig/policy.json"
	[ "$(stat -c %a "$T/host/sbin/brig")" = 755 ]
	[ "$(stat -c %a "$T/host/etc-brig/policy.json")" = 644 ]
	[ -z "$(ls -A "$T/host/sbin" | grep -v '^brig$')" ]
	"$rt" delete --force "$id" >/dev/null 2>&1 || true

	# a ConfigMap policy wins, and a broken one stops the install before
	# anything is replaced
	printf '{"version": 1, "mode": "audit"}\n' >"$T/config/policy.json"
	run timeout 60 "$rt" run --bundle "$B" "$id" </dev/null
	[ "$status" -eq 0 ]
	[ "${lines[-1]}" = "brig installed, policy from /config/policy.json" ]
	cmp "$T/config/policy.json" "$T/host/etc-brig/policy.json"
	"$rt" delete --force "$id" >/dev/null 2>&1 || true
	printf '{"version": 1, "mode": "audi"}\n' >"$T/config/policy.json"
	run timeout 60 "$rt" run --bundle "$B" "$id" </dev/null
	[ "$status" -ne 0 ]
	[[ $output == *"/config/policy.json"*"mode"* ]]
	[ "$(jq -r .mode "$T/host/etc-brig/policy.json")" = audit ]
	"$rt" delete --force "$id" >/dev/null 2>&1 || true

	# the pause container's command needs only /bin/busybox too
	[ "$(jq -r '.pause[0]' "$T/cmd.json")" = /bin/busybox ]
	run ! grep -qE '(^|[;&] *)(sleep|cp|mv|mkdir|install|chmod) ' <<<"$(jq -r '.command[-1], .pause[-1]' "$T/cmd.json")"
}
