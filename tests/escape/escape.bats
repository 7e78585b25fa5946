#!/usr/bin/env bats
# The escape matrix (tests/escape/run) as a test: every config brig lets
# start must block every technique, under runc and under crun.

setup_file() {
    repo=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
    export repo
    [ -x "$repo/build/tests/escape/escape" ] || skip "escape battery not built (ninja -C build)"
    mkdir -p /sys/fs/cgroup/hugetlb
    mountpoint -q /sys/fs/cgroup/hugetlb || mount -t cgroup -o hugetlb cgroup /sys/fs/cgroup/hugetlb
}

@test "escape battery: runc — brig blocks every technique in every config it starts" {
    command -v runc >/dev/null || skip "runc is not installed"
    run "$repo/tests/escape/run" --runtime runc
    echo "$output"
    [ "$status" -eq 0 ]
    # the comparison must be real: plain runc lets some techniques through
    echo "$output" | grep -E '^runc-spec +plain +[1-9][0-9]* of [0-9]+ succeeded'
    echo "$output" | grep -E '^runc-spec +brig +0 of [0-9]+ succeeded'
}

@test "escape battery: crun — brig blocks every technique in every config it starts" {
    command -v crun >/dev/null || skip "crun is not installed"
    run "$repo/tests/escape/run" --runtime crun
    echo "$output"
    [ "$status" -eq 0 ]
    echo "$output" | grep -E '^runc-spec +brig +0 of [0-9]+ succeeded'
}
