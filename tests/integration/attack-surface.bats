#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# brig's own attack surface: each claim of docs/threat-model.md, tested.
# brig runs as root on paths, files and environment chosen by others; these
# tests play each of those others.
#
# A fake runtime stands in for runc where only what brig hands over matters
# (argv, fds, the config on disk): it is the helper `fdtool list`, which
# prints its open fds, so every runtime-mode test also checks fd hygiene.

bats_require_minimum_version 1.5.0
load helpers

write_tools() {
	# fdtool list            print "FD TARGET" for each open fd (as a runtime)
	# fdtool only FD... -- CMD  close every fd above 2 except FD..., exec CMD
	cat >"$BATS_FILE_TMPDIR/fdtool.c" <<-'EOF'
		#define _GNU_SOURCE
		#include <dirent.h>
		#include <stdio.h>
		#include <stdlib.h>
		#include <string.h>
		#include <unistd.h>

		int main(int argc, char **argv)
		{
		    if (argc >= 2 && !strcmp(argv[1], "list")) {
		        DIR *d = opendir("/proc/self/fd");
		        struct dirent *de;
		        if (!d) return 2;
		        while ((de = readdir(d))) {
		            if (de->d_name[0] == '.' || atoi(de->d_name) == dirfd(d)) continue;
		            char p[64], t[4096];
		            snprintf(p, sizeof(p), "/proc/self/fd/%s", de->d_name);
		            ssize_t n = readlink(p, t, sizeof(t) - 1);
		            t[n < 0 ? 0 : n] = '\0';
		            printf("fd %s %s\n", de->d_name, t);
		        }
		        closedir(d);
		        for (int i = 2; i < argc; i++) printf("arg %s\n", argv[i]);
		        return 0;
		    }
		    if (argc >= 4 && !strcmp(argv[1], "only")) {
		        int i = 2, keep[64], nk = 0;
		        for (; i < argc && strcmp(argv[i], "--"); i++) keep[nk++] = atoi(argv[i]);
		        if (i >= argc - 1) return 2;
		        for (int fd = 3; fd < 1024; fd++) {
		            int k = 0;
		            for (int j = 0; j < nk; j++) k |= keep[j] == fd;
		            if (!k) close(fd);
		        }
		        execv(argv[i + 1], argv + i + 1);
		        return 127;
		    }
		    return 2;
		}
	EOF
	cc -O1 -o "$BATS_FILE_TMPDIR/fdtool" "$BATS_FILE_TMPDIR/fdtool.c" || return 1
	# Makes brig's temp-file name predictable (getrandom returns zeros) and
	# leaves a mark when brig asked, so a test can plant that name first.
	cat >"$BATS_FILE_TMPDIR/zerorandom.c" <<-'EOF'
		#define _GNU_SOURCE
		#include <fcntl.h>
		#include <stdlib.h>
		#include <string.h>
		#include <sys/types.h>
		#include <unistd.h>

		ssize_t getrandom(void *buf, size_t len, unsigned int flags)
		{
		    (void)flags;
		    const char *mark = getenv("ZERORANDOM_MARK");
		    if (mark) close(open(mark, O_WRONLY | O_CREAT | O_CLOEXEC, 0600));
		    memset(buf, 0, len);
		    return (ssize_t)len;
		}
	EOF
	cc -O1 -shared -fPIC -o "$BATS_FILE_TMPDIR/zerorandom.so" "$BATS_FILE_TMPDIR/zerorandom.c"
}

setup_file() {
	[[ $(id -u) -eq 0 ]] || return 0
	command -v cc >/dev/null || return 0
	write_tools
}

setup() {
	require_root
	require_brig
	require_cmd jq
	[[ -x $BATS_FILE_TMPDIR/fdtool ]] || skip "needs cc to build the fd helper"
	FDTOOL="$BATS_FILE_TMPDIR/fdtool"
	# the fake runtime: a copy of fdtool that only lists
	FAKE="$BATS_TEST_TMPDIR/fake-runtime"
	printf '#!/bin/sh\nexec %s list "$@"\n' "$FDTOOL" >"$FAKE"
	chmod 0755 "$FAKE"
	B="$BATS_TEST_TMPDIR/bundle"
	mkdir -p "$B/rootfs"
	DOCKER_CFG="$BRIG_REPO/tests/data/configs/docker-privileged.json"
	[[ -f $DOCKER_CFG ]] || DOCKER_CFG="$BRIG_REPO/tests/data/configs/runc-spec.json"
	[[ -f $DOCKER_CFG ]] || skip "needs tests/data/configs"
	cp "$DOCKER_CFG" "$B/config.json"
	POLICY="$BATS_TEST_TMPDIR/policy.json"
	printf '{\n\t"version": 1\n}\n' >"$POLICY"
	chmod 0644 "$POLICY"
}

# brig_fake ARGS...: brig in runtime mode, the fake runtime behind it, run
# with only stdio open (bats keeps other fds open that brig must not see).
brig_fake() {
	BRIG_RUNTIME="$FAKE" run --separate-stderr timeout 60 "$FDTOOL" only -- "$(brig_bin)" "$@"
}

is_hardened() { # FILE
	jq -e '(.annotations["io.brig.hardened"] | type == "string")
		and .process.user.uid == 65534
		and .process.noNewPrivileges == true
		and ((.process.capabilities // {}) | [.[]?[]] | length == 0)
		and (.linux.seccomp | type == "object")' "$1" >/dev/null
}

# ---------------------------------------------------------------- the engine

@test "engine: a config.json that is a symlink is refused, its target untouched" {
	mv "$B/config.json" "$BATS_TEST_TMPDIR/real.json"
	ln -s "$BATS_TEST_TMPDIR/real.json" "$B/config.json"
	local before
	before="$(sha256sum <"$BATS_TEST_TMPDIR/real.json")"
	brig_fake --brig-policy "$POLICY" create --bundle "$B" as-symlink
	echo "status $status stdout $output stderr $stderr"
	[ "$status" -ne 0 ]
	[[ $stderr == *"config.json: is a symbolic link; brig refuses to follow it"* ]]
	[[ $output != *"fd 0"* ]] # the runtime never ran
	[ -L "$B/config.json" ]
	[ "$(sha256sum <"$BATS_TEST_TMPDIR/real.json")" = "$before" ]
	# the same in offline mode
	run "$(brig_bin)" --brig-policy "$POLICY" harden "$B"
	[ "$status" -ne 0 ]
	[ "$(sha256sum <"$BATS_TEST_TMPDIR/real.json")" = "$before" ]
}

@test "engine: a bundle directory that is a symlink is followed (the engine's choice)" {
	ln -s "$B" "$BATS_TEST_TMPDIR/bundle-link"
	brig_fake --brig-policy "$POLICY" create --bundle "$BATS_TEST_TMPDIR/bundle-link" via-link
	echo "status $status stdout $output stderr $stderr"
	[ "$status" -eq 0 ]
	[[ $output == *"fd 0"* ]]
	[ -L "$BATS_TEST_TMPDIR/bundle-link" ]
	[ -f "$B/config.json" ] && [ ! -L "$B/config.json" ]
	is_hardened "$B/config.json"
}

@test "engine: a --log path that is a symlink is not followed" {
	local victim="$BATS_TEST_TMPDIR/victim" log="$BATS_TEST_TMPDIR/log.json"
	echo "precious" >"$victim"
	ln -s "$victim" "$log"
	rm "$B/config.json" # makes create fail, so brig writes an error line
	brig_fake --log "$log" --log-format json --brig-policy "$POLICY" create --bundle "$B" log-link
	echo "status $status stderr $stderr"
	[ "$status" -ne 0 ]
	[[ $stderr == "brig: "*"no such file"* ]]
	[ "$(cat "$victim")" = precious ]
	[ -L "$log" ]
	# control: a plain log path gets exactly that line
	rm "$log"
	brig_fake --log "$log" --log-format json --brig-policy "$POLICY" create --bundle "$B" log-plain
	[ "$status" -ne 0 ]
	[ ! -L "$log" ]
	[ "$(jq -r .msg "$log")" = "$stderr" ]
}

@test "engine: a FIFO at the audit log path does not hang create, with or without a reader" {
	local audit="$BATS_TEST_TMPDIR/audit.log"
	printf '{\n\t"version": 1,\n\t"audit": {"log": "%s"}\n}\n' "$audit" >"$POLICY"
	mkfifo "$audit"
	# timeout 60 inside brig_fake: a hang fails the test
	brig_fake --brig-policy "$POLICY" create --bundle "$B" audit-fifo
	echo "status $status stderr $stderr"
	[ "$status" -eq 0 ]
	[[ $stderr == *"brig: warning: audit log: $audit: is not a regular file (a FIFO or socket)"* ]]
	is_hardened "$B/config.json"
	# a reader on the FIFO does not make brig write into it
	cp "$DOCKER_CFG" "$B/config.json"
	exec 7<>"$audit"
	brig_fake --brig-policy "$POLICY" create --bundle "$B" audit-fifo2
	echo "status $status stderr $stderr"
	[ "$status" -eq 0 ]
	[[ $stderr == *"brig: warning: audit log: $audit: is not a regular file"* ]]
	run timeout 2 bash -c 'dd if=/proc/self/fd/7 iflag=nonblock bs=64k count=1 status=none 2>/dev/null'
	exec 7<&-
	[ -z "$output" ]
	[ -p "$audit" ]
}

@test "engine: a pre-created temp file (predictable name) cannot redirect the write" {
	local victim="$BATS_TEST_TMPDIR/victim" mark="$BATS_TEST_TMPDIR/asked"
	echo "precious" >"$victim"
	ln -s "$victim" "$B/.config.json.brig-0000000000000000"
	# LD_PRELOAD needs a dynamically linked brig: the build's brig is a
	# static PIE, and builds brig-dynamic from the same code beside it
	local bin
	bin="$(dirname "$(brig_bin)")/brig-dynamic"
	[[ -x $bin ]] || bin="$(brig_bin)"
	file -L "$bin" | grep -q 'dynamically linked' ||
		skip "needs a dynamically linked brig for LD_PRELOAD ($bin is static; build with -Dtests=enabled)"
	local orig hard
	orig="$(file_sum "$B/config.json")"
	ZERORANDOM_MARK="$mark" LD_PRELOAD="$BATS_FILE_TMPDIR/zerorandom.so" \
		run --separate-stderr "$bin" --brig-policy "$POLICY" harden "$B"
	echo "status $status stderr $stderr"
	# the shim was used: brig asked for its random name and got zeros
	[ -e "$mark" ]
	# the victim is untouched whatever brig decided
	[ "$(cat "$victim")" = precious ]
	[ ! -L "$B/config.json" ]
	if [ "$status" -eq 0 ]; then
		is_hardened "$B/config.json"
	else
		[[ $stderr == *"File exists"* ]]
		[ "$(file_sum "$B/config.json")" = "$orig" ]
	fi
	# a planted symlink is either left as it was or removed, never followed
	if [ -L "$B/.config.json.brig-0000000000000000" ]; then
		[ "$(readlink "$B/.config.json.brig-0000000000000000")" = "$victim" ]
	fi
}

@test "engine: every fd brig opens is close-on-exec; only stdio reaches the runtime" {
	local log="$BATS_TEST_TMPDIR/engine-log.json" audit="$BATS_TEST_TMPDIR/audit.log"
	# an audit log in the policy, and a --log, so brig opens all it can
	printf '{\n\t"version": 1,\n\t"audit": {"log": "%s"}\n}\n' "$audit" >"$POLICY"
	brig_fake --root "$BATS_TEST_TMPDIR/root" --log "$log" --log-format json \
		--brig-policy "$POLICY" create --bundle "$B" --pid-file "$B/init.pid" fd-hygiene
	echo "status $status stdout $output stderr $stderr"
	[ "$status" -eq 0 ]
	[ "$(grep '^fd ' <<<"$output" | awk '{print $2}' | sort -n | tr '\n' ' ')" = "0 1 2 " ]
	# the runtime got the engine's argv, brig's own flags removed
	[[ $output == *"arg create"* && $output == *"arg fd-hygiene"* ]]
	[[ $output != *"brig-policy"* ]]
	[ -s "$audit" ]
	is_hardened "$B/config.json"
}

@test "engine: fds the caller passes (--preserve-fds, LISTEN_FDS) reach the runtime unchanged" {
	local passed="$BATS_TEST_TMPDIR/passed"
	echo data >"$passed"
	BRIG_RUNTIME="$FAKE" run --separate-stderr timeout 60 "$FDTOOL" only 5 -- \
		"$(brig_bin)" --brig-policy "$POLICY" create --preserve-fds 3 --bundle "$B" fd-pass \
		5<"$passed"
	echo "status $status stdout $output stderr $stderr"
	[ "$status" -eq 0 ]
	[ "$(grep '^fd ' <<<"$output" | awk '{print $2}' | sort -n | tr '\n' ' ')" = "0 1 2 5 " ]
	grep -qxF "fd 5 $passed" <<<"$output"
}

@test "engine: exec --process: the process file is hardened, no fd leaks" {
	local proc="$BATS_TEST_TMPDIR/process.json"
	jq '.process' "$DOCKER_CFG" >"$proc"
	brig_fake --brig-policy "$POLICY" exec --process "$proc" --detach some-container
	echo "status $status stdout $output stderr $stderr"
	[ "$status" -eq 0 ]
	[ "$(grep '^fd ' <<<"$output" | awk '{print $2}' | sort -n | tr '\n' ' ')" = "0 1 2 " ]
	jq -e '.user.uid == 65534 and .noNewPrivileges == true' "$proc" >/dev/null
}

# ----------------------------------------------------------- the environment

@test "environment: BRIG_RUNTIME pointing at brig itself is skipped; PATH's runc runs" {
	local bin="$BATS_TEST_TMPDIR/bin"
	mkdir -p "$bin"
	printf '#!/bin/sh\necho fake-runc-ran "$@"\n' >"$bin/runc"
	chmod 0755 "$bin/runc"
	ln -s "$(brig_bin)" "$BATS_TEST_TMPDIR/brig-link"
	local rt
	for rt in "$(brig_bin)" "$BATS_TEST_TMPDIR/brig-link"; do
		BRIG_RUNTIME="$rt" PATH="$bin:/usr/bin:/bin" run --separate-stderr timeout 20 \
			"$(brig_bin)" --brig-policy "$POLICY" state some-id
		echo "BRIG_RUNTIME=$rt: status $status stdout $output stderr $stderr"
		[ "$status" -eq 0 ]
		[ "$output" = "fake-runc-ran state some-id" ]
	done
	# and with nothing else to run, brig refuses instead of calling itself
	run --separate-stderr timeout 20 env BRIG_RUNTIME="$(brig_bin)" PATH="$BATS_TEST_TMPDIR/empty" \
		"$(brig_bin)" --brig-policy "$POLICY" state some-id
	echo "status $status stderr $stderr"
	[ "$status" -ne 0 ]
	[[ $stderr == *"brig itself"* ]]
}

@test "environment: BRIG_RUNTIME picks the runtime but does not skip hardening" {
	brig_fake --brig-policy "$POLICY" create --bundle "$B" env-runtime
	[ "$status" -eq 0 ]
	[[ $output == *"arg create"* ]]
	is_hardened "$B/config.json"
}

# Environment variables someone might hope brig reads.
POISON_ENV=(
	BRIG_POLICY=@PERMISSIVE@ BRIG_POLICY_FILE=@PERMISSIVE@ BRIG_POLICY_PATH=@PERMISSIVE@
	BRIG_MODE=audit BRIG_POLICY_MODE=audit BRIG_AUDIT=1 BRIG_DISABLE=1 BRIG_DISABLED=1
	BRIG_BYPASS=1 BRIG_SKIP=1 BRIG_INSECURE=1 BRIG_PRIVILEGED=1 BRIG_UNCONFINED=1
	BRIG_SECCOMP=unconfined BRIG_SECCOMP_PROFILE=unconfined BRIG_ALLOW_ROOT=1
	BRIG_UID=0 BRIG_CAPS=ALL BRIG_CAPABILITIES=ALL BRIG_DEBUG=1 BRIG_DRY_RUN=1
	BRIG_TRUSTED_ANNOTATIONS=io.brig.mode BRIG_CONFIG=@PERMISSIVE@
	XDG_CONFIG_HOME=@XDG@ HOME=@XDG@ BRIG_MCS_DIR=@XDG@
)

write_permissive() { # FILE: a policy that would let everything through
	cat >"$1" <<-'EOF'
		{
			"version": 1,
			"mode": "audit",
			"defaults": {
				"user": { "uid": 0, "gid": 0 },
				"capabilities": ["CAP_SYS_ADMIN", "CAP_NET_ADMIN", "CAP_SYS_PTRACE"],
				"seccompProfile": "unconfined"
			}
		}
	EOF
	chmod 0644 "$1"
}

@test "environment: no variable weakens the policy (harden and create)" {
	local perm="$BATS_TEST_TMPDIR/permissive.json" xdg="$BATS_TEST_TMPDIR/xdg"
	write_permissive "$perm"
	mkdir -p "$xdg/brig" "$xdg/.config/brig"
	cp "$perm" "$xdg/brig/policy.json"
	cp "$perm" "$xdg/.config/brig/policy.json"
	# the permissive policy is valid: with --brig-policy it does let root through
	local ctl="$BATS_TEST_TMPDIR/ctl"
	mkdir -p "$ctl"
	cp "$DOCKER_CFG" "$ctl/config.json"
	run "$(brig_bin)" --brig-policy "$perm" harden "$ctl"
	echo "$output"
	[ "$status" -eq 0 ]
	cmp -s "$DOCKER_CFG" "$ctl/config.json" # audit mode writes nothing

	local envs=() e
	for e in "${POISON_ENV[@]}"; do
		e="${e//@PERMISSIVE@/$perm}"
		envs+=("${e//@XDG@/$xdg}")
	done
	# offline, with the host's default policy: clean env vs poisoned env
	local clean="$BATS_TEST_TMPDIR/clean" dirty="$BATS_TEST_TMPDIR/dirty"
	mkdir -p "$clean" "$dirty"
	cp "$DOCKER_CFG" "$clean/config.json"
	cp "$DOCKER_CFG" "$dirty/config.json"
	env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "$(brig_bin)" harden "$clean" >/dev/null
	env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "${envs[@]}" "$(brig_bin)" harden "$dirty" >/dev/null
	cmp "$clean/config.json" "$dirty/config.json"
	if [[ ! -e /etc/brig/policy.json ]]; then
		is_hardened "$dirty/config.json"
	fi
	# runtime mode, same
	cp "$DOCKER_CFG" "$B/config.json"
	BRIG_RUNTIME="$FAKE" run env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "${envs[@]}" \
		BRIG_RUNTIME="$FAKE" "$FDTOOL" only -- "$(brig_bin)" create --bundle "$B" env-poison
	echo "$output"
	[ "$status" -eq 0 ]
	cmp "$clean/config.json" "$B/config.json"
}

# --------------------------------------------------------------- annotations

@test "annotations: io.brig.* and rule-looking annotations get the default treatment" {
	local plain="$BATS_TEST_TMPDIR/plain" ann="$BATS_TEST_TMPDIR/ann"
	mkdir -p "$plain" "$ann"
	cp "$DOCKER_CFG" "$plain/config.json"
	jq '.annotations = (.annotations // {}) + {
		"io.brig.mode": "audit",
		"io.brig.policy": "/tmp/permissive.json",
		"io.brig.hardened": "brig/0.1.0 policy=sha256:0000000000000000000000000000000000000000000000000000000000000000 mode=enforce",
		"io.brig.allowRoot": "true",
		"io.brig.capabilities": "CAP_SYS_ADMIN",
		"io.brig.seccomp": "unconfined",
		"io.brig.skip": "true",
		"io.brig.trustedAnnotations": "io.brig.mode",
		"brig.rules": "[{\"match\":{\"ids\":[\"*\"]},\"allow\":{\"capabilities\":[\"ALL\"]}}]",
		"io.kubernetes.cri.image-name": "docker.io/library/nginx:latest"
	}' "$DOCKER_CFG" >"$ann/config.json"
	run "$(brig_bin)" --brig-policy "$POLICY" harden "$plain"
	[ "$status" -eq 0 ]
	run "$(brig_bin)" --brig-policy "$POLICY" harden "$ann"
	echo "$output"
	[ "$status" -eq 0 ]
	is_hardened "$ann/config.json"
	# apart from the annotations themselves, byte-for-byte the same result
	diff <(jq -S 'del(.annotations)' "$plain/config.json") <(jq -S 'del(.annotations)' "$ann/config.json")
	# and brig's own marker is brig's, not the forged one
	[ "$(jq -r '.annotations["io.brig.hardened"]' "$ann/config.json")" = \
		"$(jq -r '.annotations["io.brig.hardened"]' "$plain/config.json")" ]
}

@test "annotations: only a key the policy trusts can select a rule" {
	local p="$BATS_TEST_TMPDIR/rules.json"
	cat >"$p" <<-'EOF'
		{
			"version": 1,
			"trustedAnnotations": ["example.com/tier"],
			"rules": [
				{
					"name": "web-tier",
					"match": { "annotations": { "example.com/tier": "web" } },
					"allow": { "capabilities": ["CAP_NET_BIND_SERVICE"] }
				}
			]
		}
	EOF
	chmod 0644 "$p"
	local base='.process.capabilities = {"bounding": ["CAP_NET_BIND_SERVICE"], "effective": ["CAP_NET_BIND_SERVICE"], "permitted": ["CAP_NET_BIND_SERVICE"]}'
	local d k
	for k in trusted untrusted none; do
		d="$BATS_TEST_TMPDIR/$k"
		mkdir -p "$d"
		case $k in
		trusted) jq "$base | .annotations = {\"example.com/tier\": \"web\"}" "$DOCKER_CFG" ;;
		untrusted) jq "$base | .annotations = {\"example.com/other\": \"web\", \"io.brig.tier\": \"web\"}" "$DOCKER_CFG" ;;
		none) jq "$base | .annotations = {}" "$DOCKER_CFG" ;;
		esac >"$d/config.json"
		run "$(brig_bin)" --brig-policy "$p" harden "$d"
		echo "$k: $output"
		[ "$status" -eq 0 ]
	done
	jq -e '.process.capabilities.bounding == ["CAP_NET_BIND_SERVICE"]' "$BATS_TEST_TMPDIR/trusted/config.json"
	jq -e '[.process.capabilities[]?[]] | length == 0' "$BATS_TEST_TMPDIR/untrusted/config.json"
	jq -e '[.process.capabilities[]?[]] | length == 0' "$BATS_TEST_TMPDIR/none/config.json"
}

# ------------------------------------------------------------------ the image

@test "image: brig never opens anything inside the rootfs" {
	require_cmd strace
	mkdir -p "$B/rootfs/etc"
	ln -s /etc/shadow "$B/rootfs/etc/passwd"
	mkfifo "$B/rootfs/etc/group"
	jq --arg r "$B/rootfs" '.root.path = $r' "$DOCKER_CFG" >"$B/config.json"
	BRIG_RUNTIME="$FAKE" run timeout 60 strace -f -qq -e trace=%file,%process -o "$BATS_TEST_TMPDIR/trace" \
		"$(brig_bin)" --brig-policy "$POLICY" create --bundle "$B" no-image-read
	echo "$output"
	[ "$status" -eq 0 ]
	# brig's syscalls end at the execve of the runtime; before that, no path
	# under the rootfs was touched
	run awk -v rt="$FAKE" '/execve\(/ && index($0, rt) {exit} {print}' "$BATS_TEST_TMPDIR/trace"
	[ -n "$output" ]
	grep -q 'config.json' <<<"$output"
	# the rootfs directory itself is resolved (the rootfs pass judges where
	# root.path leads: lstat of each component, nothing opened), but
	# nothing under it is touched
	run ! grep -F -e "$B/rootfs/" -e '"rootfs/' <<<"$output"
	run ! grep -E "(open|openat|openat2|readlink|readlinkat)\\([^\"]*\"$B/rootfs\"" <<<"$output"
	# and a rootfs that does not exist at all makes no difference
	jq '.root.path = "/nonexistent/rootfs"' "$DOCKER_CFG" >"$B/config.json"
	run "$(brig_bin)" --brig-policy "$POLICY" harden "$B"
	[ "$status" -eq 0 ]
	is_hardened "$B/config.json"
}
