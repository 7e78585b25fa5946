#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Policy rules matching a Docker image (trustDockerImageRecord): dockerd
# sends the runtime no image name, brig reads dockerd's root-owned record of
# the container.  Configured with the docs' snippets "docker-daemon-images.json"
# and "docker-image-policy.json" (docs/engines.md).

load docker

POLICY=/etc/brig/docker-images.json
OTHER=brig-engines-other:latest

setup_file() {
	docker_setup_file docker-daemon.json docker-daemon-images.json
	if [[ ! -e $POLICY ]]; then
		mkdir -p /etc/brig
		doc_snippet docker-image-policy.json >"$POLICY"
		touch "$ENG_STATE/docker-images.json.ours"
	fi
	# the same content under another name: the rule must not follow it
	$DOCKER tag "$ENG_IMAGE" "$OTHER"
}

teardown_file() {
	$DOCKER rmi "$OTHER" >/dev/null 2>&1 || true
	if [[ -f $ENG_STATE/docker-images.json.ours ]]; then
		rm -f "$POLICY" "$ENG_STATE/docker-images.json.ours"
		rmdir /etc/brig 2>/dev/null || true
	fi
	docker_teardown_file
}

# Runs the proof in a container of IMAGE with --runtime brig-images, asking
# for NET_BIND_SERVICE only (one of Docker's default capabilities).
run_image() {
	run timeout 120 $DOCKER run --rm --label brig-engines-test --runtime brig-images --network none \
		--cap-drop ALL --cap-add NET_BIND_SERVICE "$1" sh -c "$ENG_PROOF"
	[[ $status -eq 0 ]] || {
		echo "docker run $1 failed ($status): $output" >&2
		return 1
	}
}

@test "a rule matching the image's name keeps the capability it grants" {
	local v
	run_image "$ENG_IMAGE"
	v="$(status_field CapEff)"
	# CAP_NET_BIND_SERVICE is bit 10
	[[ $v == 0000000000000400 ]] || {
		echo "CapEff $v under the image rule, want 0000000000000400: $output" >&2
		return 1
	}
	# the rest of the hardening still holds
	[[ $(status_field NoNewPrivs) == 1 && $(status_field uid) != 0 ]]
}

@test "the same content under another name does not match the rule" {
	local v
	run_image "$OTHER"
	v="$(status_field CapEff)"
	[[ $v == 0000000000000000 ]] || {
		echo "CapEff $v for $OTHER, want none: $output" >&2
		return 1
	}
}

@test "the record brig reads is dockerd's, root-owned, and names the image" {
	local id f
	id="$($DOCKER create --label brig-engines-test --runtime brig-images --network none "$ENG_IMAGE" true)"
	f=/var/lib/docker/containers/$id/config.v2.json
	[[ -f $f && ! -L $f && $(stat -c %u "$f") == 0 ]]
	[[ $(jq -r .Config.Image "$f") == "$ENG_IMAGE" ]]
	$DOCKER rm "$id" >/dev/null
}
