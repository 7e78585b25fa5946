#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# brig's own command line, as a person or a pipeline uses it (issue 18):
# the front door (usage, help, --version), GNU option order, one --format
# flag, `brig check` as a CI gate (SARIF checked against the SARIF 2.1.0
# schema, JUnit, rule ids, positions, severities, --fail-on, --host),
# honest offline tools (harden --process, policy validate, doctor) and
# `brig explain ID` for a container brig created, with runc and crun.

bats_require_minimum_version 1.5.0
load helpers

setup() {
	require_brig
	require_cmd jq python3
	T="$BATS_TEST_TMPDIR"
	BRIG="$(brig_bin)"
}

teardown() {
	cleanup_containers
}

# A policy file as runtime mode trusts it (root-owned, 0644).
policy() { # NAME JSON
	printf '%s\n' "$2" >"$T/$1.json"
	chmod 0644 "$T/$1.json"
	echo "$T/$1.json"
}

# A fake runtime that prints its arguments: what reaches the runtime.
fake_runtime() {
	cat >"$T/fake-rt" <<-'SH'
		#!/bin/sh
		echo "fake-rt: $*"
	SH
	chmod 0755 "$T/fake-rt"
	echo "$T/fake-rt"
}

# ------------------------------------------------------------ front door

@test "brig, brig help, --help and -h print brig's usage, not the runtime's" {
	run "$BRIG"
	[ "$status" -eq 0 ]
	local usage=$output
	[[ ${lines[0]} == "Usage: brig "* ]]
	for want in "brig's own commands:" "  check " "  explain " "  doctor " \
		"passed through unchanged" "--brig-runtime PATH" '$BRIG_RUNTIME' \
		"runc and crun on PATH" "the policy's \"runtime\""; do
		grep -qF -- "$want" <<<"$usage" || { echo "usage lacks: $want"; return 1; }
	done
	run ! grep -q "runc - Open Container Initiative runtime" <<<"$usage"
	for a in help --help -h; do
		run "$BRIG" "$a"
		[ "$status" -eq 0 ]
		[ "$output" = "$usage" ]
	done
}

@test "every brig command answers --help (before or after operands) and brig help CMD" {
	for c in harden check explain policy apparmor doctor seccomp record trace-denials; do
		run "$BRIG" "$c" --help
		echo "$c: $output"
		[ "$status" -eq 0 ]
		[[ ${lines[0]} == "Usage: brig "* ]]
		local h=$output
		run "$BRIG" help "$c"
		[ "$status" -eq 0 ]
		[ "$output" = "$h" ]
	done
	# a subcommand's --help is the command's help, not a file name
	run "$BRIG" policy show --help
	[ "$status" -eq 0 ]
	[[ ${lines[0]} == "Usage: brig policy show"* ]]
	run "$BRIG" check some-bundle --help
	[ "$status" -eq 0 ]
	[[ ${lines[0]} == "Usage: brig check"* ]]
}

@test "--version prints brig's version, and no error when no runtime is found" {
	[[ ! -e /etc/brig/policy.json ]] || skip "/etc/brig/policy.json exists here and may name a runtime"
	run env -u BRIG_RUNTIME PATH=/nonexistent "$BRIG" --version
	echo "$output"
	[ "$status" -eq 0 ]
	[[ ${lines[0]} == "brig version "* ]]
	[[ ${lines[1]} == "runtime: none found: no real runtime found"* ]]
	# with a runtime: brig's line, then the runtime's own
	rt="$(fake_runtime)"
	run env BRIG_RUNTIME="$rt" "$BRIG" --version
	[ "$status" -eq 0 ]
	[[ ${lines[0]} == "brig version "* ]]
	[ "${lines[1]}" = "fake-rt: --version" ]
}

@test "a command brig does not know reaches the runtime with its arguments" {
	rt="$(fake_runtime)"
	run env BRIG_RUNTIME="$rt" "$BRIG" frobnicate --x y
	[ "$status" -eq 0 ]
	[ "$output" = "fake-rt: frobnicate --x y" ]
	# `brig help create` is the runtime's help for create
	run env BRIG_RUNTIME="$rt" "$BRIG" help create
	[ "$output" = "fake-rt: help create" ]
}

@test "GNU option order: options after operands, -- ends options" {
	make_busybox_bundle "$T/b" true
	run "$BRIG" check "$T/b" --format json
	echo "$output"
	[ "$status" -eq 1 ]
	[ "$(jq -r .file <<<"$output")" = "$T/b/config.json" ]
	# after --, "--format" is an operand (a file that does not exist)
	run "$BRIG" check -- --format
	[ "$status" -eq 2 ]
	[[ $output == *"--format"* ]]
	run "$BRIG" harden "$T/b" --dry-run
	[ "$status" -eq 0 ]
	[[ ${lines[-1]} == *"(not written: dry run or non-enforce mode)" ]]
	run "$BRIG" doctor --format json
	jq -e '.checks | length > 0' <<<"$output"
	# the deprecated --json is the same as --format json
	run "$BRIG" doctor --json
	jq -e '.checks[0].status' <<<"$output"
	run "$BRIG" doctor --format xml
	[ "$status" -eq 2 ]
	[ "$output" = 'brig: doctor: unknown format "xml" (text or json)' ]
	run "$BRIG" apparmor show --help
	[ "$status" -eq 0 ]
	[[ ${lines[0]} == "Usage: brig apparmor show"* ]]
	# record's options after the bundle: an option, not a usage error
	run "$BRIG" record "$T/no-bundle" -o "$T/out.json"
	echo "$output"
	[[ $output != Usage:* ]]
	[[ $output == *"$T/no-bundle"* ]]
	[ ! -e "$T/out.json" ]
}

# ------------------------------------------------------------ brig check

@test "check --format sarif is valid SARIF 2.1.0 (schema-checked), with rule ids and regions" {
	python3 -c 'import jsonschema' 2>/dev/null || skip "needs python3-jsonschema"
	schema=/var/cache/brig-test/sarif/sarif-2.1.0.json
	[ -s "$schema" ] || skip "needs the SARIF 2.1.0 schema in $schema (tools/install-deps fetches it)"
	make_busybox_bundle "$T/b" true
	run "$BRIG" check --format sarif "$T/b" "$T/missing"
	[ "$status" -eq 2 ]
	"$BRIG" check --format sarif "$T/b" "$T/missing" >"$T/out.sarif" 2>/dev/null || true
	python3 - "$schema" "$T/out.sarif" <<-'PY'
		import json, sys, jsonschema
		schema = json.load(open(sys.argv[1]))
		doc = json.load(open(sys.argv[2]))
		v = jsonschema.validators.validator_for(schema)(schema)
		errs = list(v.iter_errors(doc))
		for e in errs[:10]:
		    print("schema:", e.message, list(e.path))
		assert not errs
		# the validator does judge: a wrong level is caught
		doc["runs"][0]["results"][0]["level"] = "warn"
		assert list(v.iter_errors(doc)), "schema accepted level 'warn'"
	PY
	jq -e '.version == "2.1.0" and .runs[0].tool.driver.name == "brig"' "$T/out.sarif"
	jq -e '.runs[0].invocations[0].executionSuccessful == false' "$T/out.sarif"
	jq -e '.runs[0].invocations[0].toolExecutionNotifications[0].level == "error"' "$T/out.sarif"
	# user/uid sits where the file has it
	line="$(grep -n '"uid"' "$T/b/config.json" | head -n1 | cut -d: -f1)"
	r="$(jq -c '.runs[0].results[] | select(.ruleId == "user/uid")' "$T/out.sarif")"
	[ "$(jq -r .level <<<"$r")" = warning ]
	[ "$(jq -r '.locations[0].physicalLocation.region.startLine' <<<"$r")" = "$line" ]
	[ "$(jq -r '.locations[0].physicalLocation.artifactLocation.uri' <<<"$r")" = "$T/b/config.json" ]
	# each ruleIndex points at its rule
	jq -e '.runs[0] as $r | all($r.results[]; $r.tool.driver.rules[.ruleIndex].id == .ruleId)' "$T/out.sarif"
	# a path is a URI reference: relative stays relative, a space is %20
	mkdir -p "$T/with space"
	cp "$T/b/config.json" "$T/with space/"
	cd "$T"
	run "$BRIG" check --format sarif "with space"
	[ "$(jq -r '.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri' <<<"$output")" = "with%20space/config.json" ]
}

@test "check --format junit is well-formed JUnit XML" {
	make_busybox_bundle "$T/b" true
	"$BRIG" harden "$T/b" >/dev/null
	make_busybox_bundle "$T/raw" true
	run "$BRIG" check --format junit "$T/b" "$T/raw" "$T/missing"
	[ "$status" -eq 2 ]
	"$BRIG" check --format junit "$T/b" "$T/raw" "$T/missing" >"$T/out.xml" 2>/dev/null || true
	python3 - "$T/out.xml" <<-'PY'
		import sys, xml.etree.ElementTree as ET
		root = ET.parse(sys.argv[1]).getroot()
		assert root.tag == "testsuites", root.tag
		suites = root.findall("testsuite")
		assert len(suites) == 3, len(suites)
		ok, raw, missing = suites
		assert ok.find("testcase").get("name") == "compliant"
		assert int(raw.get("failures")) > 0 and raw.find("testcase/failure") is not None
		assert missing.find("testcase/error") is not None
		assert int(root.get("errors")) == 1
	PY
}

@test "check: every operand is checked, the exit status is the worst; --fail-on picks the threshold" {
	make_busybox_bundle "$T/raw" true
	make_busybox_bundle "$T/ok" true
	"$BRIG" harden "$T/ok" >/dev/null
	run "$BRIG" check --format json "$T/missing" "$T/ok" "$T/raw"
	echo "$output"
	[ "$status" -eq 2 ]
	[ "$(jq -rs 'map(.decision) | join(",")' <<<"$(grep '^{' <<<"$output")")" = "error,compliant,violations" ]
	# warnings only (enforce fixes them): --fail-on error passes, warning fails
	run "$BRIG" check --fail-on error "$T/raw"
	[ "$status" -eq 0 ]
	run "$BRIG" check --fail-on warning "$T/raw"
	[ "$status" -eq 1 ]
	run "$BRIG" check --fail-on never "$T/raw"
	[ "$status" -eq 0 ]
	run "$BRIG" check --fail-on sometimes "$T/raw"
	[ "$status" -eq 2 ]
	# in reject mode the same fixes are refusals: errors
	P="$(policy reject '{"version": 1, "mode": "reject"}')"
	run "$BRIG" --brig-policy "$P" check --fail-on error --format json "$T/raw"
	[ "$status" -eq 1 ]
	jq -e '[.findings[] | select(.kind == "fix")] | all(.severity == "error")' <<<"$output"
	jq -e '.findings[] | select(.rule == "capabilities/bounding") | .line > 1 and .column > 1' <<<"$output"
}

@test "check --host portable: a host fact (AppArmor required, absent) is a note, not a failure" {
	make_busybox_bundle "$T/b" true
	"$BRIG" harden "$T/b" >/dev/null
	P="$(policy aareq '{"version": 1, "defaults": {"apparmor": {"mode": "require"}, "selinux": {"mode": "require"}}}')"
	run "$BRIG" check --host portable --format json --brig-policy "$P" "$T/b"
	echo "$output"
	[ "$status" -eq 0 ]
	jq -e '[.findings[] | select(.pass == "apparmor" or .pass == "selinux")] | length > 0 and all(.severity == "note")' <<<"$output"
	[ "$(jq -r .host <<<"$output")" = portable ]
	if [[ ! -e /sys/kernel/security/apparmor ]]; then
		# this host lacks AppArmor: judged as this host, it is refused
		run "$BRIG" check --host this --brig-policy "$P" "$T/b"
		[ "$status" -eq 1 ]
		grep -q ': error: \[apparmor/apparmorProfile\]' <<<"$output"
	fi
	run "$BRIG" check --host elsewhere "$T/b"
	[ "$status" -eq 2 ]
}

@test "check offline trusts a policy its caller owns; runtime mode does not, and says why" {
	require_root
	require_cmd setpriv
	d="$(mktemp -d /tmp/brig-ci.XXXXXX)"
	chmod 0755 "$d"
	make_busybox_bundle "$d/b" true
	printf '{"version": 1}\n' >"$d/p.json"
	chown -R 65534:65534 "$d"
	chmod 0644 "$d/p.json"
	run setpriv --reuid 65534 --regid 65534 --clear-groups "$BRIG" check --brig-policy "$d/p.json" "$d/b"
	echo "$output"
	rm_d() { rm -rf "$d"; }
	[ "$status" -eq 1 ] || { rm_d; return 1; }
	[[ ${lines[-1]} == "$d/b/config.json: 0 errors, "*" warnings ($d/p.json, mode enforce, host this)" ]] || { rm_d; return 1; }
	# root running it: a policy owned by someone else is refused, named right
	run "$BRIG" check --brig-policy "$d/p.json" "$d/b"
	[ "$output" = "brig: policy $d/p.json is owned by uid 65534, neither root nor you (uid 0); refusing to trust it" ] || { rm_d; return 1; }
	run env BRIG_RUNTIME="$(fake_runtime)" "$BRIG" --brig-policy "$d/p.json" create --bundle "$d/b" "x-$$"
	[ "$status" -eq 1 ] || { rm_d; return 1; }
	[ "$output" = "brig: policy $d/p.json is owned by uid 65534, not root; refusing to trust it" ] || { rm_d; return 1; }
	rm_d
}

# ------------------------------------------------------------ honest tools

@test "harden --process refuses anything that is not a process object" {
	make_busybox_bundle "$T/b" true
	sum="$(file_sum "$T/b/config.json")"
	run "$BRIG" harden --process "$T/b"
	[ "$status" -eq 2 ]
	[[ $output == *"is a directory (a bundle); --process takes an exec process file"* ]]
	run "$BRIG" harden --process "$T/b/config.json"
	[ "$status" -eq 2 ]
	[ "$output" = "brig: $T/b/config.json: not a process object: \"ociVersion\" is not a member of one (this is a config.json)" ]
	[ "$(file_sum "$T/b/config.json")" = "$sum" ]
	echo '{"foo": 1}' >"$T/foo.json"
	run "$BRIG" harden --process "$T/foo.json"
	[ "$status" -eq 2 ]
	[[ $output == *'not a process object: "foo" is not a member of one' ]]
	[ "$(cat "$T/foo.json")" = '{"foo": 1}' ]
	echo '{"args": ["sh"]}' >"$T/nocwd.json"
	run "$BRIG" harden --process "$T/nocwd.json"
	[ "$status" -eq 2 ]
	[[ $output == *'it has no "cwd"'* ]]
	# a real process file is checked, then hardened
	jq .process "$T/b/config.json" >"$T/proc.json"
	run "$BRIG" check --process --format json "$T/proc.json"
	[ "$status" -eq 1 ]
	line="$(grep -n '"uid"' "$T/proc.json" | head -n1 | cut -d: -f1)"
	jq -e ".findings[] | select(.pointer == \"/user/uid\") | .line == $line" <<<"$output"
	run "$BRIG" harden --process "$T/proc.json"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(jq .user.uid "$T/proc.json")" = 65534 ]
}

@test "policy validate loads the seccomp profiles a policy names" {
	P="$(policy missing "{\"version\": 1, \"defaults\": {\"seccompProfile\": \"$T/nope.json\"}}")"
	run "$BRIG" policy validate "$P"
	echo "$output"
	[ "$status" -eq 2 ]
	[[ $output == "brig: $P: seccompProfile: $T/nope.json"*"every container it applies to would be refused" ]]
	# doctor says so too: no container would start under it here
	run "$BRIG" --brig-policy "$P" doctor
	[ "$status" -eq 1 ]
	grep -qE "^\[FAIL\] policy +$P: seccompProfile: $T/nope.json" <<<"$output"
	echo '{"defaultAction": "SCMP_ACT_FOO", "syscalls": []}' >"$T/badprof.json"
	P="$(policy badact "{\"version\": 1, \"rules\": [{\"name\": \"r\", \"match\": {\"ids\": [\"x\"]}, \"allow\": {\"seccompProfile\": \"$T/badprof.json\"}}]}")"
	run "$BRIG" policy validate "$P"
	[ "$status" -eq 2 ]
	[[ $output == "brig: $P (rule r): seccompProfile: $T/badprof.json: /defaultAction: unknown action \"SCMP_ACT_FOO\""* ]]
	cp "$BRIG_REPO/profiles/seccomp/default.json" "$T/prof.json"
	P="$(policy good "{\"version\": 1, \"defaults\": {\"seccompProfile\": \"$T/prof.json\"}}")"
	run "$BRIG" policy validate "$P"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == "$P: valid (0 rules, sha256:"*")" ]]
}

@test "policy validate warns about dangerous grants; --strict makes them errors" {
	P="$(policy danger '{"version": 1, "defaults": {"user": {"uid": 0}, "capabilities": ["CAP_SYS_ADMIN"],
		"hostNamespaces": ["pid", "network"], "hostPathsReadOnly": ["/"], "seccompProfile": "unconfined"}}')"
	run "$BRIG" policy validate "$P"
	echo "$output"
	[ "$status" -eq 0 ]
	for want in "runs containers as root" "allows CAP_SYS_ADMIN" "shares the host's pid namespace" \
		"shares the host's network namespace" "lets containers read the host's /" \
		"without a seccomp filter"; do
		grep -q "^warning: $P: .*$want" <<<"$output" || { echo "missing warning: $want"; return 1; }
	done
	[[ ${lines[-1]} == "$P: valid (0 rules, sha256:"*", 6 warnings)" ]]
	run "$BRIG" policy validate --strict "$P"
	[ "$status" -eq 1 ]
	[[ ${lines[-1]} == "$P: invalid under --strict"* ]]
	run "$BRIG" policy validate "$P" --format json
	jq -e '.warnings | length == 6' <<<"$output"
	P="$(policy off '{"version": 1, "defaults": {"apparmor": {"mode": "off"}, "selinux": {"mode": "off"}}}')"
	run "$BRIG" policy validate "$P"
	grep -q "^warning: $P: apparmor mode off" <<<"$output"
	grep -q "^warning: $P: selinux mode off" <<<"$output"
	# the shipped restricted policy grants nothing dangerous
	cp "$BRIG_REPO/profiles/policy/restricted.json" "$T/r.json"
	chmod 0644 "$T/r.json"
	run "$BRIG" policy validate --strict "$T/r.json"
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "doctor checks the audit destinations and says warn for what auto skips" {
	P="$(policy auditdir "{\"version\": 1, \"audit\": {\"log\": \"$T/no/such/dir/audit.log\", \"syslog\": false}}")"
	run "$BRIG" --brig-policy "$P" doctor
	echo "$output"
	grep -q "^\[warn\] audit +log $T/no/such/dir/audit.log: directory $T/no/such/dir does not exist" <<<"$output" ||
		grep -qE "^\[warn\] audit +log $T/no/such/dir/audit.log: directory $T/no/such/dir does not exist" <<<"$output"
	run "$BRIG" --brig-policy "$P" doctor --format json
	jq -e '.checks[] | select(.check == "audit") | .status == "warn" and .ok == true' <<<"$output"
	if [[ ! -S /dev/log ]]; then
		run "$BRIG" doctor
		grep -qE '^\[warn\] audit +syslog: /dev/log is not a socket' <<<"$output"
	fi
	if [[ ! -e /sys/kernel/security/apparmor ]]; then
		run "$BRIG" doctor --format json
		jq -e '.checks[] | select(.check == "apparmor") | .status == "warn"' <<<"$output"
	fi
}

# ------------------------------------------------------------ brig explain

explain_round() { # RUNTIME
	local rt=$1 id root="$T/root-$1"
	require_root
	busybox_path >/dev/null || skip "needs a static busybox (busybox-static)"
	runtime_path "$rt" >/dev/null
	[[ $rt == crun ]] && ensure_crun_cgroups
	id="$(new_container_id explain)"
	make_busybox_bundle "$T/b-$rt" true
	track_container "$rt" "$id" "$root"
	# not `run`: the created container's init keeps its stdio open, and
	# bats would wait for a pipe that never closes
	brig_rt "$rt" --debug --root "$root" --log "$T/log.json" --log-format json \
		create --bundle "$T/b-$rt" "$id" >"$T/create.out" 2>&1 || {
		cat "$T/create.out"
		return 1
	}
	[ ! -s "$T/create.out" ]
	# one info line from brig in the engine's log, with --debug
	[ "$(grep -c '"msg":"brig: ' "$T/log.json")" -eq 1 ]
	grep '"msg":"brig: ' "$T/log.json" | jq -e ".level == \"info\" and (.msg | contains(\"brig explain $id\"))"

	run "$BRIG" explain "$id"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ ${lines[0]} == "container $id (create "*", bundle $T/b-$rt, root $root)" ]]
	grep -A3 -x 'fix    /process/user/uid  \[user/uid\]' <<<"$output" | grep -qx '    was: 0'
	grep -A3 -x 'fix    /process/user/uid  \[user/uid\]' <<<"$output" | grep -qx '    now: 65534'
	run "$BRIG" explain --root "$root" --format json "$id"
	jq -e '.changes[] | select(.pointer == "/process/capabilities/bounding") | .before | index("CAP_KILL")' <<<"$output"
	# the hardened config itself looks compliant now: explain is the record
	run "$BRIG" check "$T/b-$rt"
	[ "$status" -eq 0 ]

	run brig_rt "$rt" --root "$root" delete --force "$id"
	[ "$status" -eq 0 ]
	run "$BRIG" explain "$id"
	[ "$status" -eq 1 ]
	[[ $output == "brig: explain: no record of container $id"* ]]
}

@test "explain ID shows what brig changed and why, until delete (runc)" { explain_round runc; }
@test "explain ID shows what brig changed and why, until delete (crun)" { explain_round crun; }

@test "explain: two runtime roots with the same id keep separate records" {
	require_root
	rt="$(fake_runtime)"
	make_busybox_bundle "$T/b1" true
	make_busybox_bundle "$T/b2" true
	id="$(new_container_id same)"
	# the state directories runc and crun keep, which the fake runtime does not
	mkdir -p "$T/r1/$id" "$T/r2/$id"
	cp "$T/b1/config.json" "$T/b1/pristine.json"
	BRIG_RUNTIME="$rt" "$BRIG" --root "$T/r1" create --bundle "$T/b1" "$id" >/dev/null
	P="$(policy audit '{"version": 1, "mode": "audit"}')"
	BRIG_RUNTIME="$rt" "$BRIG" --brig-policy "$P" --root "$T/r2" create --bundle "$T/b2" "$id" >/dev/null
	run "$BRIG" explain "$id"
	[ "$status" -eq 1 ]
	[[ $output == *"exists under 2 runtime roots"*"$T/r1"*"name one with --root" || $output == *"exists under 2 runtime roots"*"$T/r2"*"name one with --root" ]]
	run "$BRIG" explain --root "$T/r2" "$id"
	[ "$status" -eq 0 ]
	[[ ${lines[1]} == "audited under $P (mode audit, "* ]]
	# delete under r1 removes r1's record only
	BRIG_RUNTIME="$rt" "$BRIG" --root "$T/r1" delete "$id" >/dev/null
	run "$BRIG" explain "$id"
	[ "$status" -eq 0 ]
	[[ ${lines[0]} == *"root $T/r2)" ]]
	BRIG_RUNTIME="$rt" "$BRIG" --root "$T/r2" delete "$id" >/dev/null
	run "$BRIG" explain "$id"
	[ "$status" -eq 1 ]

	# a container that ended without a delete through brig (a foreground
	# run, the runtime called directly) leaves a record, removed as stale
	# once the runtime has no state for it (the image's config again: the
	# first create rewrote this one for its own range and views)
	cp "$T/b1/pristine.json" "$T/b1/config.json"
	BRIG_RUNTIME="$rt" "$BRIG" --root "$T/r1" create --bundle "$T/b1" "$id" >/dev/null
	run "$BRIG" explain --root "$T/r1" "$id"
	[ "$status" -eq 0 ]
	rmdir "$T/r1/$id"
	run "$BRIG" explain --root "$T/r1" "$id"
	[ "$status" -eq 1 ]
	run "$BRIG" explain "$id"
	[ "$status" -eq 1 ]
	[ -z "$(find /run/brig/explain -name "$id.json")" ]
}
