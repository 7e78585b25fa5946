# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# The test bodies shared by docker.bats and docker-default-runtime.bats.
# Each file declares its @test lines calling these, so both runtimes
# selections run the very same checks.

case_info_lists_brig() {
	run $DOCKER info -f '{{range $k, $v := .Runtimes}}{{$k}}={{$v.Path}} {{end}}'
	[[ $status -eq 0 ]]
	[[ " $output " == *" brig=$ENG_BRIG "* ]] || {
		echo "docker info runtimes: $output" >&2
		return 1
	}
}

case_runtime_recorded() {
	local id
	id="$(start_sleeper)"
	run container_runtime "$id"
	$DOCKER rm -f "$id" >/dev/null
	[[ $output == brig ]] || {
		echo "container runtime is '$output', want brig" >&2
		return 1
	}
}

case_bundle_hardened() {
	local id cfg
	id="$(start_sleeper)"
	cfg="$(container_bundle_config "$id")"
	$DOCKER rm -f "$id" >/dev/null
	run jq -r '.annotations["io.brig.hardened"] // "absent"' <<<"$cfg"
	[[ $output == brig/* ]] || {
		echo "bundle config lacks brig's annotation: $output" >&2
		return 1
	}
	run jq -c '[.process.user.uid, .process.noNewPrivileges, .root.readonly, (.process.capabilities.bounding // [] | length)]' <<<"$cfg"
	[[ $output == '[65534,true,true,0]' ]] || {
		echo "bundle config: $output" >&2
		return 1
	}
}

case_exec() { # DOCKER-EXEC-FLAGS...
	local id
	id="$(start_sleeper)"
	run timeout 60 $DOCKER exec "$@" "$id" sh -c "$ENG_PROOF"
	$DOCKER rm -f "$id" >/dev/null
	[[ $status -eq 0 ]] || {
		echo "docker exec $* failed ($status): $output" >&2
		return 1
	}
	assert_exec_confined
}

case_exec_tty() {
	local id
	id="$(start_sleeper)"
	# script(1) gives docker a terminal, so exec gets --console-socket
	if command -v script >/dev/null; then
		run timeout 60 script -qec "$DOCKER exec -t $id id -u" /dev/null
	else
		run timeout 60 $DOCKER exec -t "$id" id -u </dev/null
	fi
	$DOCKER rm -f "$id" >/dev/null
	[[ $status -eq 0 ]] || {
		echo "docker exec -t failed ($status): $output" >&2
		return 1
	}
	[[ $(tr -d '\r' <<<"$output" | tail -n1) == 65534 ]]
}

case_run_tty() {
	if command -v script >/dev/null; then
		run timeout 60 script -qec "$DOCKER run --rm -t ${RT[*]} --network none $ENG_IMAGE id -u" /dev/null
	else
		run timeout 60 $DOCKER run --rm -t "${RT[@]}" --network none "$ENG_IMAGE" id -u </dev/null
	fi
	[[ $status -eq 0 ]] || {
		echo "docker run -t failed ($status): $output" >&2
		return 1
	}
	[[ $(tr -d '\r' <<<"$output" | tail -n1) == 65534 ]]
}

case_lifecycle() {
	local id
	id="$($DOCKER run -d --label brig-engines-test "${RT[@]}" --network none "$ENG_IMAGE" \
		sh -c 'echo started-$(id -u); trap "exit 0" TERM; while :; do sleep 1; done')"
	[[ -n $id ]]
	_eng_wait 10 eval "$DOCKER logs $id 2>&1 | grep -q started-65534" || {
		echo "logs: $($DOCKER logs "$id" 2>&1)" >&2
		return 1
	}
	run $DOCKER stop -t 5 "$id"
	[[ $status -eq 0 ]]
	[[ $($DOCKER inspect -f '{{.State.Status}} {{.State.ExitCode}}' "$id") == "exited 0" ]]
	run $DOCKER restart -t 5 "$id"
	[[ $status -eq 0 ]]
	[[ $($DOCKER inspect -f '{{.State.Running}}' "$id") == true ]]
	# the restarted container is hardened again
	run $DOCKER exec "$id" sh -c "$ENG_PROOF"
	assert_exec_confined
	_eng_wait 10 eval "[ \$($DOCKER logs $id 2>&1 | grep -c started-65534) -eq 2 ]" || {
		echo "logs after restart: $($DOCKER logs "$id" 2>&1)" >&2
		return 1
	}
	run $DOCKER pause "$id"
	[[ $status -eq 0 ]]
	run $DOCKER unpause "$id"
	[[ $status -eq 0 ]]
	run $DOCKER top "$id"
	[[ $status -eq 0 && $output == *sleep* ]]
	run $DOCKER update --pids-limit 200 "$id"
	[[ $status -eq 0 ]]
	run $DOCKER rm -f "$id"
	[[ $status -eq 0 ]]
	run $DOCKER inspect "$id"
	[[ $status -ne 0 ]]
}

case_wait_exit_code() {
	local id
	id="$($DOCKER run -d --label brig-engines-test "${RT[@]}" --network none "$ENG_IMAGE" sh -c 'exit 3')"
	run timeout 60 $DOCKER wait "$id"
	$DOCKER rm -f "$id" >/dev/null
	[[ $status -eq 0 && $output == 3 ]] || {
		echo "docker wait: status $status, output '$output', want 3" >&2
		return 1
	}
	# and `docker run` itself returns the container's code
	drun "$ENG_IMAGE" sh -c 'exit 7'
	[[ $status -eq 7 ]]
}

case_run_writable() { # DIR: writable by the container user (DESIGN §3)
	drun "$ENG_IMAGE" sh -c "echo ok >$1/brig-probe && cat $1/brig-probe"
	[[ $status -eq 0 && $output == ok ]] || {
		echo "$1 is not writable by the container user: $output" >&2
		return 1
	}
}

# docker run --tmpfs over an image directory (/mnt, 0755 root's): runc 1.1
# gives the tmpfs the directory's mode, so only an owner makes it writable;
# brig gives it to the container's user, as a user fixing a read-only
# directory expects.
case_engine_tmpfs_owned() {
	drun --tmpfs /mnt "$ENG_IMAGE" sh -c 'stat -c "%u:%g %a" /mnt; echo ok >/mnt/brig-probe && cat /mnt/brig-probe'
	[[ $status -eq 0 && ${lines[0]} == "65534:65534 "* && ${lines[1]} == ok ]] || {
		echo "docker run --tmpfs /mnt: want a tmpfs owned by 65534:65534 and writable: $output" >&2
		return 1
	}
}

# --- refusals: docker run fails and docker's own stderr carries brig's message

case_refuse_docker_sock() {
	[[ -S /var/run/docker.sock ]] || skip "needs /var/run/docker.sock"
	drun -v /var/run/docker.sock:/var/run/docker.sock "$ENG_IMAGE" true
	assert_refused "docker.sock"
}

case_refuse_pid_host() {
	run timeout 120 $DOCKER run --rm --label brig-engines-test "${RT[@]}" --pid=host "$ENG_IMAGE" true
	assert_refused "pid namespace"
}

case_refuse_ipc_host() {
	drun --ipc=host "$ENG_IMAGE" true
	assert_refused "ipc namespace"
}

case_refuse_uts_host() {
	drun --uts=host "$ENG_IMAGE" true
	assert_refused "uts namespace"
}

# Docker's --network=host is not a missing namespace but a path to the
# host's own (/var/run/docker/netns/default): it must be refused as well.
case_refuse_network_host() {
	run timeout 120 $DOCKER run --rm --label brig-engines-test "${RT[@]}" --network=host "$ENG_IMAGE" \
		sh -c 'readlink /proc/self/ns/net'
	if [[ $status -eq 0 ]]; then
		echo "docker run --network=host ran; container netns $output, host's $(readlink /proc/1/ns/net)" >&2
		return 1
	fi
	assert_refused "network namespace"
}

# `docker create` then `docker start`: the refusal comes at start, with brig's message.
case_refuse_on_start() {
	local name=brig-engines-refused-$$-$RANDOM log
	run timeout 120 $DOCKER create --label brig-engines-test "${RT[@]}" --name "$name" --pid=host "$ENG_IMAGE" true
	[[ $status -eq 0 ]]
	run timeout 120 $DOCKER start "$name"
	[[ $status -ne 0 ]]
	$DOCKER rm -f "$name" >/dev/null 2>&1
	grep -q 'brig: refused' <<<"$output" || {
		echo "docker start output lacks brig's message: $output" >&2
		return 1
	}
	# docker prints the msg of brig's JSON line verbatim: no JSON syntax leaks
	[[ $output != *'"level"'* ]]
}
