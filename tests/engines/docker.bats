#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# brig as Docker's runtime, selected with --runtime brig: dockerd configured with the
# "docker-daemon.json" snippet of docs/engines.md.  The checks live in
# docker-cases.bash and are shared with the other docker*.bats file.

load docker
load docker-cases

setup_file() {
	docker_setup_file docker-daemon.json docker-daemon-policy.json
	install_baseline_policy
}

teardown_file() {
	docker_teardown_file
}

setup() {
	RT=(--runtime brig)
}

@test "docker info lists the brig runtime" {
	case_info_lists_brig
}

@test "the container's runtime is brig" {
	case_runtime_recorded
}

@test "docker run: no capabilities, no_new_privs, seccomp, non-root, read-only root" {
	proof_run
}

@test "docker run --privileged is confined" {
	proof_run --privileged
}

@test "docker run --cap-add ALL is confined" {
	proof_run --cap-add ALL
}

@test "docker run -u 0 runs as non-root" {
	proof_run -u 0
}

@test "docker run --cap-add ALL -u 0 --privileged is confined" {
	proof_run --cap-add ALL -u 0 --privileged
}

@test "docker run --security-opt seccomp=unconfined still gets a seccomp filter" {
	proof_run --security-opt seccomp=unconfined
}

@test "docker run --security-opt no-new-privileges=false keeps no_new_privs" {
	proof_run --security-opt no-new-privileges=false
}

@test "docker run --read-only is confined" {
	proof_run --read-only
}

@test "docker run --tmpfs /tmp is confined, /tmp writable" {
	proof_run --tmpfs /tmp
}

@test "docker run --read-only --tmpfs /tmp is confined" {
	proof_run --read-only --tmpfs /tmp
}

@test "the bundle containerd hands brig is rewritten (annotation, uid, nnp, ro root, no caps)" {
	case_bundle_hardened
}

@test "/var/tmp is writable by the container user" {
	case_run_writable /var/tmp
}

@test "/run is writable by the container user" {
	case_run_writable /run
}

@test "docker run --tmpfs over an image directory is owned by the container user" {
	case_engine_tmpfs_owned
}

@test "docker run -t (console socket) works" {
	case_run_tty
}

@test "docker exec is confined" {
	case_exec
}

@test "docker exec --privileged is confined" {
	case_exec --privileged
}

@test "docker exec -u 0 runs as non-root" {
	case_exec -u 0
}

@test "docker exec --privileged -u 0 is confined" {
	case_exec --privileged -u 0
}

@test "docker exec -t (console socket) works, as non-root" {
	case_exec_tty
}

@test "docker logs, stop, restart (hardened again), pause, top, update, rm" {
	case_lifecycle
}

@test "docker wait prints the exit code; docker run returns it" {
	case_wait_exit_code
}

@test "refused: -v /var/run/docker.sock, with brig's message in docker's stderr" {
	case_refuse_docker_sock
}

@test "refused: --pid=host, with brig's message in docker's stderr" {
	case_refuse_pid_host
}

@test "refused: --ipc=host" {
	case_refuse_ipc_host
}

@test "refused: --uts=host" {
	case_refuse_uts_host
}

@test "refused: --network=host (a path to the host's netns)" {
	case_refuse_network_host
}

@test "refused at docker start of a created container" {
	case_refuse_on_start
}

@test "runtimeArgs --brig-policy: the brig-baseline runtime applies baseline.json (root allowed, nnp kept)" {
	run timeout 120 $DOCKER run --rm --label brig-engines-test --runtime brig-baseline --network none \
		"$ENG_IMAGE" sh -c "$ENG_PROOF"
	[[ $status -eq 0 ]] || {
		echo "docker run --runtime brig-baseline failed ($status): $output" >&2
		return 1
	}
	# the policy reached brig (root and some capabilities allowed) ...
	[[ $(status_field uid) == 0 ]] || { echo "uid $(status_field uid), want 0 under baseline: $output" >&2; return 1; }
	[[ $(status_field CapEff) != 0000000000000000 ]] || { echo "no capabilities under baseline: $output" >&2; return 1; }
	# ... and it still hardens (and --brig-policy never reached runc, or it would have failed)
	[[ $(status_field NoNewPrivs) == 1 ]]
	grep -q '^rootwrite: failed: .*Read-only' <<<"$output"
}
