#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Bad input, for `brig harden` and for runtime-mode `create`: each case must
# give a non-zero exit and ONE line of error naming the file and the fault,
# leave config.json byte-identical and the bundle without stray files, and
# (runtime mode with --log F --log-format json) land in F as one JSON line.
# Also: on success, runtime mode prints nothing.

load helpers

setup() {
	require_brig
	require_cmd jq sha256sum
	B="$BATS_TEST_TMPDIR/bundle"
	mkdir -p "$B/rootfs"
	ID="$(new_container_id cli)"
	# brig must never start a container in these tests; if it does, remove it
	track_container runc "$ID" "$BATS_TEST_TMPDIR/root"
	track_container crun "$ID" "$BATS_TEST_TMPDIR/root"
}

teardown() {
	cleanup_containers
}

# A valid config as the runtime writes it.
write_spec() {
	local rt
	rt="$(command -v runc || command -v crun)" || skip "needs runc or crun to write a spec"
	rm -f "$B/config.json"
	(cd "$B" && "$rt" spec)
	bundle_jq "$B" '.process.terminal = false'
}

# ---------------------------------------------------------------- the cases
# Each prepares $B and sets FAULT (extended regex, matched case-insensitively
# against the message) and NAMES (a string the message must contain).

case_malformed() {
	printf '{"ociVersion": "1.0.2", "process": nope}\n' >"$B/config.json"
	NAMES=config.json FAULT='lexical|invalid|parse|syntax|unexpected'
}

case_truncated() {
	write_spec
	local n
	n=$(($(stat -c %s "$B/config.json") / 2))
	head -c "$n" "$B/config.json" >"$B/half" && mv "$B/half" "$B/config.json"
	NAMES=config.json FAULT='premature|eof|truncat|incomplete|end of'
}

case_deep() {
	{
		head -c 100000 /dev/zero | tr '\0' '['
		head -c 100000 /dev/zero | tr '\0' ']'
	} >"$B/config.json"
	NAMES=config.json FAULT='nest|deep|depth'
}

case_huge() {
	# valid JSON, 100 MiB of it
	{
		printf '{"ociVersion": "1.0.2", "pad": "'
		head -c $((100 * 1024 * 1024)) /dev/zero | tr '\0' 'x'
		printf '"}\n'
	} >"$B/config.json"
	NAMES=config.json FAULT='large|big|size|exceed|limit'
}

case_caps_all() {
	write_spec
	bundle_jq "$B" '.process.capabilities = "ALL"'
	NAMES=config.json FAULT='capabilities.*(object|type|expected|string)'
}

case_uid_string() {
	write_spec
	bundle_jq "$B" '.process.user.uid = "0"'
	NAMES=config.json FAULT='uid.*(integer|number|type|expected|string)'
}

case_unknown_cap() {
	write_spec
	bundle_jq "$B" '.process.capabilities.bounding += ["CAP_BOGUS"]'
	NAMES=config.json FAULT='CAP_BOGUS'
}

case_no_bundle() {
	rm -rf "$B"
	NAMES="$B" FAULT='no such|not exist|not found|missing'
}

case_no_config() {
	rm -f "$B/config.json"
	NAMES=config.json FAULT='no such|not exist|not found|missing'
}

case_symlink() {
	write_spec
	mv "$B/config.json" "$BATS_TEST_TMPDIR/real.json"
	ln -s "$BATS_TEST_TMPDIR/real.json" "$B/config.json"
	NAMES=config.json FAULT='symbolic link|symlink'
}

case_directory() {
	rm -f "$B/config.json"
	mkdir "$B/config.json"
	NAMES=config.json FAULT='directory|not a regular file'
}

# Runtime mode only: BRIG_RUNTIME empty and no runc/crun on PATH.
case_no_runtime() {
	write_spec
	NAMES='' FAULT='runtime|runc|crun'
	NO_RUNTIME=1
}

# ---------------------------------------------------------------- checks

# Snapshots what must not change: config.json (or, for a symlink, its
# target) and the bundle's listing.
snapshot() {
	SUM_BEFORE="$(file_sum "$B/config.json")"
	REAL_BEFORE="$(file_sum "$BATS_TEST_TMPDIR/real.json")"
	LIST_BEFORE=""
	[[ -d $B ]] && LIST_BEFORE="$(dir_listing "$B")"
	return 0
}

assert_unchanged() {
	[ "$(file_sum "$B/config.json")" = "$SUM_BEFORE" ] || {
		echo "config.json changed"
		return 1
	}
	[ "$(file_sum "$BATS_TEST_TMPDIR/real.json")" = "$REAL_BEFORE" ] || {
		echo "the symlink's target changed"
		return 1
	}
	if [[ -d $B ]]; then
		local now
		now="$(dir_listing "$B")"
		[ "$now" = "$LIST_BEFORE" ] || {
			echo "bundle listing changed (temp files left?):"
			diff <(echo "$LIST_BEFORE") <(echo "$now") || true
			return 1
		}
	else
		[[ -z $LIST_BEFORE ]]
	fi
	[[ -L $B/config.json ]] || [[ ! -e $BATS_TEST_TMPDIR/real.json ]] || {
		echo "the symlink was replaced"
		return 1
	}
}

# Checks $status/$output of a failed brig run: non-zero, exactly one line,
# "brig: " prefix, names the file and the fault.
assert_one_line_error() {
	echo "exit $status, output:"
	echo "$output"
	[ "$status" -ne 0 ]
	[ "${#lines[@]}" -eq 1 ] || {
		echo "expected one line, got ${#lines[@]}"
		return 1
	}
	[[ ${lines[0]} == "brig: "* ]] || {
		echo "no 'brig: ' prefix"
		return 1
	}
	if [[ -n $NAMES ]]; then
		[[ ${lines[0]} == *"$NAMES"* ]] || {
			echo "message does not name $NAMES"
			return 1
		}
	fi
	grep -Eqi -- "$FAULT" <<<"${lines[0]}" || {
		echo "message does not name the fault (/$FAULT/)"
		return 1
	}
}

harden_rejects() {
	NO_RUNTIME=""
	"$1"
	snapshot
	run "$(brig_bin)" harden "$B"
	assert_one_line_error
	assert_unchanged
}

# The runtime environment for a case: the real runtime, or none at all.
runtime_env() {
	if [[ -n $NO_RUNTIME ]]; then
		mkdir -p "$BATS_TEST_TMPDIR/emptybin"
		ENVV=(env "BRIG_RUNTIME=" "PATH=$BATS_TEST_TMPDIR/emptybin")
	else
		local rt
		rt="$(command -v runc || command -v crun)" || skip "needs runc or crun"
		ENVV=(env "BRIG_RUNTIME=$rt")
	fi
}

create_rejects() {
	NO_RUNTIME=""
	"$1"
	snapshot
	runtime_env
	run "${ENVV[@]}" "$(brig_bin)" create --bundle "$B" "$ID" </dev/null
	assert_one_line_error
	assert_unchanged
	no_container_created
}

create_rejects_logged() {
	NO_RUNTIME=""
	"$1"
	snapshot
	runtime_env
	local root="$BATS_TEST_TMPDIR/root" log="$BATS_TEST_TMPDIR/log.json"
	mkdir -p "$root"
	run "${ENVV[@]}" "$(brig_bin)" --root "$root" --log "$log" --log-format json \
		create --bundle "$B" --pid-file "$BATS_TEST_TMPDIR/init.pid" "$ID" </dev/null
	assert_one_line_error
	assert_unchanged
	no_container_created
	[ ! -e "$BATS_TEST_TMPDIR/init.pid" ]

	echo "log file:"
	cat "$log"
	[ "$(grep -c . "$log")" -eq 1 ]
	jq -e . "$log" >/dev/null
	[ "$(jq -r .level "$log")" = error ]
	local msg t
	msg="$(jq -r .msg "$log")"
	[[ $msg == "brig: "* ]]
	[ "$msg" = "${lines[0]}" ]
	t="$(jq -r .time "$log")"
	[[ $t =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$ ]]
}

no_container_created() {
	local r
	for r in runc crun; do
		command -v "$r" >/dev/null || continue
		! "$r" state "$ID" >/dev/null 2>&1 || {
			echo "$r has a container $ID"
			return 1
		}
		! "$r" --root "$BATS_TEST_TMPDIR/root" state "$ID" >/dev/null 2>&1 || {
			echo "$r has a container $ID under --root"
			return 1
		}
	done
}

# ---------------------------------------------------------------- brig harden

@test "harden: malformed JSON" { harden_rejects case_malformed; }
@test "harden: truncated JSON" { harden_rejects case_truncated; }
@test "harden: JSON nested 100000 deep" { harden_rejects case_deep; }
@test "harden: a 100 MiB config" { harden_rejects case_huge; }
@test "harden: capabilities is the string ALL" { harden_rejects case_caps_all; }
@test "harden: uid is the string 0" { harden_rejects case_uid_string; }
@test "harden: unknown capability name" { harden_rejects case_unknown_cap; }
@test "harden: no bundle directory" { harden_rejects case_no_bundle; }
@test "harden: no config.json" { harden_rejects case_no_config; }
@test "harden: config.json is a symlink" { harden_rejects case_symlink; }
@test "harden: config.json is a directory" { harden_rejects case_directory; }

# ---------------------------------------------------------------- runtime create

@test "create: malformed JSON" { create_rejects case_malformed; }
@test "create: truncated JSON" { create_rejects case_truncated; }
@test "create: JSON nested 100000 deep" { create_rejects case_deep; }
@test "create: a 100 MiB config" { create_rejects case_huge; }
@test "create: capabilities is the string ALL" { create_rejects case_caps_all; }
@test "create: uid is the string 0" { create_rejects case_uid_string; }
@test "create: unknown capability name" { create_rejects case_unknown_cap; }
@test "create: no bundle directory" { create_rejects case_no_bundle; }
@test "create: no config.json" { create_rejects case_no_config; }
@test "create: config.json is a symlink" { create_rejects case_symlink; }
@test "create: config.json is a directory" { create_rejects case_directory; }
@test "create: no real runtime found" { create_rejects case_no_runtime; }

@test "create --log F --log-format json: malformed JSON" { create_rejects_logged case_malformed; }
@test "create --log F --log-format json: truncated JSON" { create_rejects_logged case_truncated; }
@test "create --log F --log-format json: JSON nested 100000 deep" { create_rejects_logged case_deep; }
@test "create --log F --log-format json: a 100 MiB config" { create_rejects_logged case_huge; }
@test "create --log F --log-format json: capabilities is the string ALL" { create_rejects_logged case_caps_all; }
@test "create --log F --log-format json: uid is the string 0" { create_rejects_logged case_uid_string; }
@test "create --log F --log-format json: unknown capability name" { create_rejects_logged case_unknown_cap; }
@test "create --log F --log-format json: no bundle directory" { create_rejects_logged case_no_bundle; }
@test "create --log F --log-format json: no config.json" { create_rejects_logged case_no_config; }
@test "create --log F --log-format json: config.json is a symlink" { create_rejects_logged case_symlink; }
@test "create --log F --log-format json: config.json is a directory" { create_rejects_logged case_directory; }
@test "create --log F --log-format json: no real runtime found" { create_rejects_logged case_no_runtime; }

# ---------------------------------------------------------------- success

@test "harden: success leaves no temp files and reports what it wrote" {
	write_spec
	local list_before
	list_before="$(dir_listing "$B")"
	run "$(brig_bin)" harden "$B"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ ${lines[-1]} == *"config.json"*"written"* ]]
	[ "$(dir_listing "$B")" = "$list_before" ]
}

@test "harden --dry-run changes nothing" {
	write_spec
	local sum
	sum="$(file_sum "$B/config.json")"
	run "$(brig_bin)" harden --dry-run "$B"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ ${lines[-1]} == *"dry run"* ]]
	[ "$(file_sum "$B/config.json")" = "$sum" ]
}

@test "harden: usage errors exit 2" {
	run "$(brig_bin)" harden
	[ "$status" -eq 2 ]
	run "$(brig_bin)" harden --no-such-flag "$B"
	[ "$status" -eq 2 ]
}

# run_true RUNTIME [GLOBAL-FLAGS...]: a container running `true` through brig.
run_true() {
	local rt=$1
	shift
	require_root
	busybox_path >/dev/null || skip "needs a static busybox (busybox-static)"
	runtime_path "$rt" >/dev/null
	rm -rf "$B"
	make_busybox_bundle "$B" true
	local list_before kept
	list_before="$(dir_listing "$B")"
	cp "$B/config.json" "$BATS_TEST_TMPDIR/config.image"
	run brig_rt "$rt" "$@" run --bundle "$B" "$ID"
	echo "exit $status, output: '$output'"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	# no temp file: only the image's config, kept beside the rewrite (a
	# second create from the unchanged rewrite starts from it), byte for byte
	kept="$(cd "$B" && compgen -G '.config.json.brig-image-*')"
	[[ $kept =~ ^\.config\.json\.brig-image-[0-9a-f]{16}$ ]]
	cmp "$BATS_TEST_TMPDIR/config.image" "$B/$kept"
	[ "$(dir_listing "$B" | grep -vx "f $kept")" = "$list_before" ]
	# and it was hardened on the way
	jq -e '.annotations["io.brig.hardened"]' "$B/config.json"
}

@test "runtime mode: on success brig prints nothing and leaves no temp files (runc)" {
	run_true runc
}

@test "runtime mode: on success brig prints nothing and leaves no temp files (crun)" {
	ensure_crun_cgroups
	run_true crun
}

@test "create --log F --log-format text (and no --log-format): one logrus text line" {
	NO_RUNTIME=""
	case_malformed
	snapshot
	runtime_env
	local log="$BATS_TEST_TMPDIR/log.txt" fmt
	for fmt in text default; do
		rm -f "$log"
		local -a ff=(--log-format text)
		[[ $fmt == default ]] && ff=()
		run "${ENVV[@]}" "$(brig_bin)" --log "$log" "${ff[@]}" create --bundle "$B" "$ID" </dev/null
		assert_one_line_error
		echo "log ($fmt):"
		cat "$log"
		[ "$(grep -c . "$log")" -eq 1 ]
		grep -Eq '^time="[0-9]{4}-[0-9]{2}-[0-9]{2}T[^"]+" level=error msg="brig: .*config\.json' "$log"
	done
	assert_unchanged
}

@test "runtime mode: a log file that cannot be opened does not change the error" {
	NO_RUNTIME=""
	case_malformed
	snapshot
	runtime_env
	run "${ENVV[@]}" "$(brig_bin)" --log "$BATS_TEST_TMPDIR/no/such/dir/log.json" --log-format json \
		create --bundle "$B" "$ID" </dev/null
	assert_one_line_error
	[ "$status" -eq 1 ] || [ "$status" -eq 2 ]
	local first=$status
	run "${ENVV[@]}" "$(brig_bin)" --log /dev/full --log-format json create --bundle "$B" "$ID" </dev/null
	assert_one_line_error
	[ "$status" -eq "$first" ]
	assert_unchanged
}

@test "runtime mode: brig's own --brig-runtime flag picks the runtime and is not passed on" {
	local crun_path
	runtime_path crun crun_path >/dev/null
	runtime_path runc >/dev/null
	mkdir -p "$BATS_TEST_TMPDIR/empty"
	# `crun spec` and `runc spec` differ, so the output says which one ran
	(cd "$BATS_TEST_TMPDIR/empty" && "$crun_path" spec && mv config.json ../crun.json)
	run bash -c "cd '$BATS_TEST_TMPDIR/empty' && BRIG_RUNTIME=\$(command -v runc) '$(brig_bin)' --brig-runtime '$crun_path' spec"
	echo "$output"
	[ "$status" -eq 0 ]
	cmp "$BATS_TEST_TMPDIR/crun.json" "$BATS_TEST_TMPDIR/empty/config.json"
}

@test "runtime mode: --version prints brig's version, then the runtime's" {
	local rt
	runtime_path runc rt >/dev/null
	run env BRIG_RUNTIME="$rt" "$(brig_bin)" --version
	echo "$output"
	[ "$status" -eq 0 ]
	[[ ${lines[0]} == "brig version "* ]]
	grep -q '^runc version' <<<"$output"
}
