#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The suite's own machinery: a skip is a skip, a lint catches assertions
# that cannot fail.  Each test runs a small bats file of its own.

load helpers
bats_require_minimum_version 1.5.0

# inner_bats BODY: runs a one-test bats file that loads helpers.bash, in a
# clean environment (the outer run's BATS_* variables would confuse it).
inner_bats() {
	local f="$BATS_TEST_TMPDIR/inner.bats"
	# (written with printf: bats would rewrite a test line of this file)
	printf 'load "%s/tests/integration/helpers"\n@%s "inner" {\n%s\n}\n' \
		"$BRIG_REPO" test "$1" >"$f"
	run env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME="${HOME:-/root}" bats --tap "$f"
	echo "$output"
}

@test "helpers: runtime_path skips the test when the runtime is missing" {
	inner_bats '	runtime_path no-such-runtime rt >/dev/null
	echo "went on with rt=[$rt]"; false'
	[ "$status" -eq 0 ]
	grep -qE '^ok 1 inner # skip .*needs no-such-runtime' <<<"$output"
}

@test "helpers: runtime_path in a command substitution fails instead of losing the skip" {
	inner_bats '	rt="$(runtime_path no-such-runtime)"
	echo "went on with rt=[$rt]"'
	[ "$status" -ne 0 ]
	grep -q '^not ok 1 inner' <<<"$output"
	run ! grep -q 'went on with' <<<"$output"
}

@test "lint-bats: a bare '!' mid-test is rejected, as the last command it is accepted" {
	local f="$BATS_TEST_TMPDIR/x.bats"
	printf '@test "a" {\n\t! false\n\ttrue\n}\n' >"$f"
	run "$BRIG_REPO/tools/lint-bats" "$f"
	echo "$output"
	[ "$status" -eq 1 ]
	grep -q "x.bats:2: bare" <<<"$output"
	printf '@test "a" {\n\tfor x in 1; do\n\t\t! false\n\tdone\n}\n' >"$f"
	run "$BRIG_REPO/tools/lint-bats" "$f"
	[ "$status" -eq 1 ]
	printf '@test "a" {\n\ttrue\n\t! false\n\n}\nf() {\n\t! false || return 1\n\ttrue\n}\n' >"$f"
	run "$BRIG_REPO/tools/lint-bats" "$f"
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "lint-bats: the repository's bats files pass" {
	run "$BRIG_REPO/tools/lint-bats"
	echo "$output"
	[ "$status" -eq 0 ]
}
