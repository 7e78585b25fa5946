# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# The Docker checks, written once and run by docker.bats (`--runtime brig`,
# with the docs' daemon.json snippet "docker-daemon.json") and by
# docker-default-runtime.bats (no flag, with "docker-daemon-default.json",
# which makes brig Docker's default runtime).  $RT holds the runtime flag.

load lib

RT=()

docker_setup_file() { # SNIPPET...
	[[ $(id -u) -eq 0 ]] || skip "needs root"
	eng_install_brig
	eng_start_dockerd
	eng_docker_configure "$@"
	eng_image_docker
}

# The policy the docker-daemon-policy.json snippet names, installed for the
# run unless the machine has one already.
install_baseline_policy() {
	[[ -e /etc/brig/baseline.json ]] && return 0
	install -D -m 0644 "$BRIG_REPO/profiles/policy/baseline.json" /etc/brig/baseline.json
	touch "$ENG_STATE/baseline.json.ours"
}

remove_baseline_policy() {
	[[ -f $ENG_STATE/baseline.json.ours ]] || return 0
	rm -f /etc/brig/baseline.json "$ENG_STATE/baseline.json.ours"
	rmdir /etc/brig 2>/dev/null || true
}

docker_teardown_file() {
	# containers this file left behind (labelled at creation)
	local ids
	ids="$($DOCKER ps -aq --filter label=brig-engines-test 2>/dev/null)"
	[[ -n $ids ]] && $DOCKER rm -f $ids >/dev/null 2>&1
	remove_baseline_policy
	eng_docker_restore
	eng_stop_started
}

# docker_run ARGS... : `docker run --rm` through brig, the proof script by
# default when no command follows the image.
drun() {
	run timeout 120 $DOCKER run --rm --label brig-engines-test "${RT[@]}" --network none "$@"
}

proof_run() { # DOCKER-RUN-FLAGS...
	drun "$@" "$ENG_IMAGE" sh -c "$ENG_PROOF"
	[[ $status -eq 0 ]] || {
		echo "docker run failed ($status): $output" >&2
		return 1
	}
	assert_confined
}

# A long-running container for exec and lifecycle tests; prints its id.
start_sleeper() { # EXTRA-FLAGS...
	$DOCKER run -d --label brig-engines-test "${RT[@]}" --network none "$@" "$ENG_IMAGE" sleep 1000
}

# The runtime Docker recorded for a container.
container_runtime() {
	$DOCKER inspect -f '{{.HostConfig.Runtime}}' "$1"
}

# The config.json containerd handed the runtime, as brig rewrote it.
container_bundle_config() {
	local id
	id="$($DOCKER inspect -f '{{.Id}}' "$1")" || return 1
	cat "/run/containerd/io.containerd.runtime.v2.task/moby/$id/config.json"
}
