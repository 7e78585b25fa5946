#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Three services of the compatibility corpus, nginx, memcached and
# postgresql (docs/compat.md), through real
# Docker, each step of tools/compat/run checked: the command line a user
# types for plain runc serves under runc; under brig's default policy it does
# not; a learn run; `brig learned ID`; the same command line under enforce
# with the learned policy (daemon.json runtimeArgs ["--brig-policy", FILE]);
# the health probe from the host in the container's network namespace.
# Images are built with mmdebstrap once and cached in /var/cache/brig-compat
# (about two minutes each, both at once, the first time on a machine).

load lib

setup_file() {
	[[ $(id -u) -eq 0 ]] || skip "needs root"
	command -v mmdebstrap >/dev/null || skip "needs mmdebstrap (tools/install-deps installs it)"
	command -v nsenter >/dev/null || skip "needs nsenter (util-linux)"
	eng_install_brig
	eng_start_dockerd
	eng_docker_configure docker-daemon.json
	export BRIG_COMPAT_RESULTS="$BATS_FILE_TMPDIR/results"
	export BRIG_COMPAT_PROBE_TIMEOUT=20
	local cache=${BRIG_COMPAT_CACHE:-/var/cache/brig-compat}
	if ! "$BRIG_REPO/tools/compat/run" --build-only nginx memcached postgresql; then
		skip "could not build the corpus images with mmdebstrap (is a Debian archive reachable?); see $cache/*.build.log"
	fi
}

teardown_file() {
	local ids
	ids="$($DOCKER ps -aq --filter label=brig-engines-test 2>/dev/null)"
	[[ -n $ids ]] && $DOCKER rm -f $ids >/dev/null 2>&1
	eng_docker_restore
	eng_stop_started
}

# compat SERVICE: every step for SERVICE; the result is $R (JSON) and its
# learned policy $P.
compat() {
	run timeout 600 "$BRIG_REPO/tools/compat/run" --no-table "$1"
	echo "$output" >&2
	[[ $status -eq 0 ]] || {
		echo "tools/compat/run $1 failed ($status)" >&2
		return 1
	}
	R="$BRIG_COMPAT_RESULTS/$1.json"
	P="$BRIG_COMPAT_RESULTS/$1.policy.json"
	jq . "$R" >&2
}

step_ok() { # STEP: the probe answered
	jq -e ".$1.ok == true" "$R" >/dev/null || {
		echo "step $1 did not serve: $(jq -c ".$1" "$R")" >&2
		return 1
	}
}

@test "nginx: read-only root under the default policy; learned tmpfs paths, not a writable root, serve under enforce" {
	compat nginx
	step_ok runc
	run jq -r '.default.ok, .default.detail' "$R"
	[[ ${lines[0]} == false && ${lines[1]} == *"Read-only file system"* ]] || {
		echo "nginx under the default policy: want the read-only root's error, got: $output" >&2
		return 1
	}
	step_ok learn
	[[ -s $P ]] || { echo "brig learned wrote no policy: $(jq -r .learned_error "$R")" >&2; return 1; }
	# tmpfs at the paths it writes (/var/lib/nginx), never a writable root
	jq -e '[.rules[]?.allow.writablePaths // empty | .[]] | any(. == "/var/lib/nginx" or startswith("/var/lib/nginx/"))' "$P"
	jq -e '[.rules[]?.allow.writableRootfs // empty, .defaults.writableRootfs // empty] | all(. != true)' "$P"
	jq -e 'all(.rules[]?; (.reason // "") | length > 0)' "$P"
	step_ok enforce
}

@test "memcached: serves under the default policy, in learn mode, and under its learned policy" {
	compat memcached
	step_ok runc
	step_ok default
	step_ok learn
	[[ -s $P ]] || { echo "brig learned wrote no policy: $(jq -r .learned_error "$R")" >&2; return 1; }
	jq -e '[.rules[]?.allow.writableRootfs // empty, .defaults.writableRootfs // empty] | all(. != true)' "$P"
	step_ok enforce
	jq -e '.enforce.detail == "set/get ok"' "$R"
}

@test "postgresql: its data directory is one learned writable path, owned as the image has it, and serves under enforce" {
	compat postgresql
	step_ok runc
	step_ok learn
	[[ -s $P ]] || { echo "brig learned wrote no policy: $(jq -r .learned_error "$R")" >&2; return 1; }
	# the data directory, and nothing below it: its copy holds the rest
	jq -e '[.rules[]?.allow.writablePaths // empty | .[]] | index("/var/lib/postgresql/15/main") != null' "$P"
	jq -e '[.rules[]?.allow.writablePaths // empty | .[] | select(startswith("/var/lib/postgresql/15/main/"))] == []' "$P"
	jq -e '[.rules[]?.allow.writableRootfs // empty, .defaults.writableRootfs // empty] | all(. != true)' "$P"
	# postgres refuses a data directory it does not own ("must not be owned
	# by root"): serving says the tmpfs kept the image's owner, uid 100
	step_ok enforce
}

@test "nginx: the user's own --tmpfs /var/lib/nginx works under the default policy" {
	local img=brig-compat/nginx:bookworm id pid
	"$BRIG_REPO/tools/compat/run" --import-only nginx
	id="$($DOCKER run -d --label brig-engines-test --runtime brig --network none \
		--tmpfs /var/lib/nginx --tmpfs /var/log/nginx "$img" nginx -g 'daemon off;')"
	pid="$($DOCKER inspect -f '{{.State.Pid}}' "$id")"
	run nsenter -t "$pid" -n python3 "$BRIG_REPO/tools/compat/probe" http:80 "$pid" 20
	local logs
	logs="$($DOCKER logs "$id" 2>&1 | tail -5)"
	$DOCKER rm -f "$id" >/dev/null
	[[ $status -eq 0 ]] || {
		echo "nginx with --tmpfs /var/lib/nginx did not serve: $output; logs: $logs" >&2
		return 1
	}
}
