#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The spec generator (tests/generator/gen.py): for every field of brig's
# spec table and every spelling runc or crun accept for its key, configs
# with dangerous values; each is hardened by brig and, when brig lets it
# start, run under runc and crun and judged from the host (uid, gid,
# capabilities, NoNewPrivs, Seccomp, mounts, pids.max).  Every alias,
# second copy and unknown key must be refused, and no started container may
# break the oracle.  Budget: BRIG_GEN_BUDGET seconds (default 170).

load helpers

setup() {
	require_brig
	require_root
	require_cmd python3 jq
	local rt found=0
	for rt in runc crun; do
		command -v "$rt" >/dev/null && found=1
	done
	[[ $found -eq 1 ]] || skip "needs runc or crun"
	ensure_crun_cgroups
	W="$BATS_TEST_TMPDIR/gen"
	mkdir -p "$W"
	make_busybox_rootfs "$W/rootfs"
}

@test "generator: the oracle objects to runc spec's config run without brig" {
	run python3 "$BRIG_REPO/tests/generator/gen.py" --brig "$(brig_bin)" \
		--rootfs "$W/rootfs" --work "$W/work" --self-test
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *"self-test: Uid 0"* ]]
	[[ $output == *"self-test: CapBnd "* ]]
	[[ $output == *"self-test: Seccomp 0"* ]]
	[[ $output == *"self-test: pids.max max"* ]]
	[[ $output == *"self-test: mount /mnt"*"/etc"* ]]
}

@test "generator: every field and spelling of the spec table, through runc and crun: 0 violations" {
	run timeout 600 python3 "$BRIG_REPO/tests/generator/gen.py" --brig "$(brig_bin)" \
		--rootfs "$W/rootfs" --work "$W/work" --budget "${BRIG_GEN_BUDGET:-170}"
	echo "$output"
	local summary
	summary="$(grep '^generator: ' <<<"$output")"
	echo "# $summary" >&3
	[ "$status" -eq 0 ]
	[[ $summary == *" 0 violations"* ]]
	# it tried something, and something started under a real runtime
	[[ $summary =~ ,\ ([0-9]+)\ tried ]] && [ "${BASH_REMATCH[1]}" -gt 500 ]
	[[ $summary =~ ,\ ([0-9]+)\ started ]] && [ "${BASH_REMATCH[1]}" -gt 20 ]
}
