#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# brig as Podman's runtime (Podman + conmon), configured with the
# "podman-containers.conf" snippet of docs/engines.md through a test-local
# CONTAINERS_CONF, so the machine's own containers.conf is untouched.

load lib

setup_file() {
	[[ $(id -u) -eq 0 ]] || skip "needs root"
	command -v podman >/dev/null || skip "needs podman (not installed)"
	command -v conmon >/dev/null || [[ -x /usr/libexec/podman/conmon ]] || skip "needs conmon"
	eng_install_brig
	eng_podman_setup || return 1
}

teardown_file() {
	local ids
	ids="$(podman ps -aq --filter label=brig-engines-test 2>/dev/null)"
	[[ -n $ids ]] && podman rm -f -t 0 $ids >/dev/null 2>&1
	podman rmi -f "$ENG_PODMAN_IMAGE" >/dev/null 2>&1
	true
}

prun() {
	run timeout 120 podman run --rm --label brig-engines-test --pull=never --network none "$@"
}

proof() { # PODMAN-RUN-FLAGS...
	prun "$@" "$ENG_PODMAN_IMAGE" sh -c "$ENG_PROOF"
	[[ $status -eq 0 ]] || {
		echo "podman run failed ($status): $output" >&2
		return 1
	}
	assert_confined
}

psleeper() {
	podman run -d --label brig-engines-test --pull=never --network none "$@" "$ENG_PODMAN_IMAGE" sleep 1000
}

@test "the snippet makes brig Podman's runtime" {
	local id
	id="$(psleeper)"
	run podman inspect -f '{{.OCIRuntime}}' "$id"
	podman rm -f -t 0 "$id" >/dev/null
	[[ $output == brig ]] || {
		echo "OCIRuntime is '$output', want brig" >&2
		return 1
	}
}

@test "podman run: no capabilities, no_new_privs, seccomp, non-root, read-only root" {
	proof
}

@test "podman --runtime /usr/local/sbin/brig run is confined" {
	run timeout 120 podman --runtime "$ENG_BRIG" run --rm --pull=never --network none \
		"$ENG_PODMAN_IMAGE" sh -c "$ENG_PROOF"
	[[ $status -eq 0 ]] || {
		echo "podman run failed ($status): $output" >&2
		return 1
	}
	assert_confined
}

@test "podman run --privileged is confined" {
	proof --privileged
}

@test "podman run --cap-add ALL --user 0 is confined" {
	proof --cap-add ALL --user 0
}

@test "podman run --security-opt seccomp=unconfined still gets a seccomp filter" {
	proof --security-opt seccomp=unconfined
}

@test "podman run --read-only is confined" {
	proof --read-only
}

@test "podman exec, exec --privileged, exec --user 0 are confined" {
	local id f
	id="$(psleeper)"
	for f in "" --privileged "--user 0" "--privileged --user 0"; do
		# shellcheck disable=SC2086
		run timeout 60 podman exec $f "$id" sh -c "$ENG_PROOF"
		[[ $status -eq 0 ]] || {
			echo "podman exec $f failed ($status): $output" >&2
			podman rm -f -t 0 "$id" >/dev/null
			return 1
		}
		assert_exec_confined || {
			echo "(podman exec $f)" >&2
			podman rm -f -t 0 "$id" >/dev/null
			return 1
		}
	done
	podman rm -f -t 0 "$id" >/dev/null
}

@test "podman stop, start, logs, wait with the exit code, rm" {
	local id
	id="$(podman run -d --label brig-engines-test --pull=never --network none "$ENG_PODMAN_IMAGE" \
		sh -c 'echo up-$(id -u); trap "exit 0" TERM; while :; do sleep 1; done')"
	_eng_wait 10 eval "podman logs $id 2>&1 | grep -q up-65534"
	run podman stop -t 5 "$id"
	[[ $status -eq 0 ]]
	run podman start "$id"
	[[ $status -eq 0 ]]
	run podman exec "$id" sh -c "$ENG_PROOF"
	assert_exec_confined
	run podman rm -f -t 0 "$id"
	[[ $status -eq 0 ]]
	id="$(podman run -d --label brig-engines-test --pull=never --network none "$ENG_PODMAN_IMAGE" sh -c 'exit 3')"
	run timeout 60 podman wait "$id"
	podman rm -f -t 0 "$id" >/dev/null
	[[ $status -eq 0 && $output == 3 ]] || {
		echo "podman wait: $status '$output', want 3" >&2
		return 1
	}
}

@test "refused: --pid host, brig's message in podman's output" {
	prun --pid host "$ENG_PODMAN_IMAGE" true
	assert_refused "pid namespace"
	# read from brig's JSON line: the message, not a JSON or logrus line
	[[ $output != *'"level"'* && $output != *'level=error'* ]] || {
		echo "podman shows the raw log line: $output" >&2
		return 1
	}
}

@test "refused: a bind mount of the container engine's socket" {
	local sock
	for sock in /run/containerd/containerd.sock /var/run/docker.sock /run/podman/podman.sock; do
		[[ -S $sock ]] && break
	done
	local made=""
	if [[ ! -S $sock ]]; then
		# no engine daemon here: a socket at podman's API path is enough, brig
		# refuses the mount by what the path is
		sock=/run/podman/podman.sock
		mkdir -p /run/podman
		python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$sock"
		made=$sock
	fi
	prun -v "$sock:/engine.sock" "$ENG_PODMAN_IMAGE" true
	local rc=$?
	[[ -z $made ]] || rm -f "$made"
	[[ $rc -eq 0 ]] || return $rc
	assert_refused "$(basename "$sock")"
}

# runtime_supports_json: conmon passes --log-format=json --log FILE only to
# a runtime whose name is in the list.  A recording runtime called "brig"
# shows what conmon sends with the documented snippet.
@test "with the snippet conmon passes --log-format=json --log to a runtime named brig" {
	local d="$BATS_TEST_TMPDIR/rt"
	mkdir -p "$d/capture"
	# named brig, as the snippet's runtime_supports_json entry expects
	cp "$ENG_DIR/capture-runtime" "$d/brig"
	# the shim runs with conmon's environment: hard-wire the capture dir
	sed -i "s|^dir=.*|dir=$d/capture|" "$d/brig"
	run timeout 120 podman --runtime "$d/brig" run --rm --pull=never --network none "$ENG_PODMAN_IMAGE" true
	[[ $status -eq 0 ]] || {
		echo "podman with the capture runtime failed: $output" >&2
		return 1
	}
	run grep "'create'" "$d/capture/argv.log"
	[[ $output == *"'--log-format=json' '--log' "* ]] || {
		echo "conmon's create argv: $output" >&2
		return 1
	}
}

@test "without brig in runtime_supports_json there is no --log (the snippet is needed)" {
	local d="$BATS_TEST_TMPDIR/rt"
	mkdir -p "$d/capture"
	cp "$ENG_DIR/capture-runtime" "$d/brig"
	sed -i "s|^dir=.*|dir=$d/capture|" "$d/brig"
	grep -v '^runtime_supports_json' "$CONTAINERS_CONF" >"$d/containers.conf"
	CONTAINERS_CONF="$d/containers.conf" run timeout 120 podman --runtime "$d/brig" run --rm \
		--pull=never --network none "$ENG_PODMAN_IMAGE" true
	[[ $status -eq 0 ]]
	run grep "'create'" "$d/capture/argv.log"
	[[ -n $output && $output != *"--log"* ]] || {
		echo "conmon's create argv: $output" >&2
		return 1
	}
}
