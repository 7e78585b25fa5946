#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# AppArmor enforcement on a real kernel: tests/vm/run boots Debian's kernel
# under qemu (software emulation, about 15 s for both boots) and checks what
# the kernel enforced on containers started through brig with runc and crun.

setup() {
    SRC=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
    BRIG=${BRIG:-$SRC/build/cmd/brig/brig}
    export BRIG
}

@test "brig-default is enforced by a real kernel (runc and crun), and absent when AppArmor is off" {
    command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 not installed"
    ls /boot/vmlinuz-*-amd64 >/dev/null 2>&1 || skip "no kernel image /boot/vmlinuz-*-amd64"
    [ -r "$(ls /boot/vmlinuz-*-amd64 | sort -V | tail -n 1)" ] || skip "kernel image not readable"
    [ -x "$BRIG" ] || skip "brig not built at $BRIG"
    run "$SRC/tests/vm/run"
    echo "$output"
    [ "$status" -ne 77 ] || skip "$(echo "$output" | grep SKIP)"
    [ "$status" -eq 0 ]
    [[ "$output" == *"all checks passed"* ]]
}
