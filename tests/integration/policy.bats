#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The policy layer end to end, as root, with real runc: every mode against a
# fixable violation (root uid, capabilities) and an unfixable one (host pid
# namespace), a rule overriding the mode for one container, `brig check`
# exit codes and outputs, `brig policy show|validate`, fail-closed loading,
# and a per-container capability exception that lets a non-root process
# bind port 80.
#
# Policies go through the global flag: brig --brig-policy FILE COMMAND ...

load helpers
bats_require_minimum_version 1.5.0

setup() {
	require_root
	require_brig
	require_cmd jq sha256sum
	runtime_path runc RUNC >/dev/null
	busybox_path >/dev/null || skip "needs a static busybox (busybox-static)"
	T="$BATS_TEST_TMPDIR"
	B="$T/bundle"
	AUDIT="$T/audit.log"
	ID="$(new_container_id pol)"
	track_container runc "$ID"
}

teardown() {
	cleanup_containers
}

# write_policy NAME JSON: a root-owned 0644 policy file; prints its path.
write_policy() {
	local f="$T/$1.json"
	printf '%s\n' "$2" >"$f"
	chmod 0644 "$f"
	echo "$f"
}

# A policy with the audit log in this test's directory.
policy_mode() {
	write_policy "$1" "{\"version\": 1, \"mode\": \"$1\", \"audit\": {\"log\": \"$AUDIT\", \"syslog\": false}}"
}

# brig in runtime mode with runc and a policy: brig_run POLICY ARGS...
brig_run() {
	local p=$1
	shift
	BRIG_RUNTIME="$RUNC" timeout 120 "$(brig_bin)" --brig-policy "$p" "$@" </dev/null 3>&-
}

brig() {
	"$(brig_bin)" "$@" </dev/null 3>&-
}

# The bundle's command: print identity and capabilities, then a marker.
make_probe_bundle() {
	make_busybox_bundle "$B" sh -c 'id -u; grep -E "^Cap(Eff|Bnd)" /proc/self/status; echo PROBE-RAN'
}

host_pid() {
	bundle_jq "$B" '.linux.namespaces |= map(select(.type != "pid"))'
}

container_absent() {
	! "$RUNC" state "$1" >/dev/null 2>&1
}

last_audit() {
	[[ -s $AUDIT ]] || {
		echo "no audit log at $AUDIT" >&2
		return 1
	}
	tail -n 1 "$AUDIT"
}

# ------------------------------------------------------------------ enforce

@test "enforce: fixable violations are rewritten and the container runs hardened" {
	make_probe_bundle
	P="$(policy_mode enforce)"
	before="$(file_sum "$B/config.json")"
	run brig_run "$P" run --bundle "$B" "$ID"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "65534" ]
	[ "$(status_field CapEff)" = "0000000000000000" ]
	[ "$(status_field CapBnd)" = "0000000000000000" ]
	[[ $output == *PROBE-RAN* ]]
	[ "$(file_sum "$B/config.json")" != "$before" ]
	[ "$(jq .process.user.uid "$B/config.json")" = 65534 ]
	[ "$(jq -c .process.capabilities.bounding "$B/config.json")" = "[]" ]
	line="$(last_audit)"
	[ "$(jq -r .decision <<<"$line")" = hardened ]
	[ "$(jq -r .mode <<<"$line")" = enforce ]
	[ "$(jq -r .id <<<"$line")" = "$ID" ]
	[ "$(jq -r .runtime <<<"$line")" = "$RUNC" ]
	[ "$(jq -r .policy <<<"$line")" = "$P" ]
	[ "$(jq -r .policyDigest <<<"$line")" = "sha256:$(sha256sum "$P" | cut -d' ' -f1)" ]
	jq -e '.changes[] | select(.pointer == "/process/user/uid" and .before == 0 and .after == 65534)' <<<"$line"
}

@test "enforce: an unfixable violation (host pid namespace) is refused, nothing written or run" {
	make_probe_bundle
	host_pid
	P="$(policy_mode enforce)"
	before="$(file_sum "$B/config.json")"
	run brig_run "$P" run --bundle "$B" "$ID"
	echo "$output"
	[ "$status" -eq 1 ]
	[ "$output" = "brig: refused container $ID under $P (mode enforce, 1 violation): /linux/namespaces: the container would share the host's pid namespace, which $P does not allow" ]
	[ "$(file_sum "$B/config.json")" = "$before" ]
	container_absent "$ID"
	line="$(last_audit)"
	[ "$(jq -r .decision <<<"$line")" = refused ]
	[ "$(jq -r .runtime <<<"$line")" = null ]
	jq -e '.changes[] | select(.kind == "refuse" and .pointer == "/linux/namespaces")' <<<"$line"
}

# ------------------------------------------------------------------- reject

# Every violation `brig check` lists must appear in the one refusal line.
assert_lists_every_violation() {
	local p=$1 n ptr
	n="$(brig --brig-policy "$p" check --format json "$B" | jq '[.findings[] | select(.kind != "note")] | length')"
	[ "$n" -gt 1 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ $output == "brig: refused container $ID under $p (mode reject, $n violations):"* ]]
	local k=0
	while read -r ptr; do
		# numbered in report order: "): [1] /ptr: ...; [2] /ptr: ..."
		k=$((k + 1))
		if [ "$k" -eq 1 ]; then
			[[ $output == *"): [1] $ptr: "* ]]
		else
			[[ $output == *"; [$k] $ptr: "* ]]
		fi || {
			echo "violation $ptr missing from the message, or not as number $k" >&2
			return 1
		}
	done < <(brig --brig-policy "$p" check --format json "$B" | jq -r '.findings[] | select(.kind != "note") | .pointer')
}

@test "reject: fixable violations refuse the container, every one listed, config byte-identical" {
	make_probe_bundle
	P="$(policy_mode reject)"
	before="$(file_sum "$B/config.json")"
	run brig_run "$P" run --bundle "$B" "$ID"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ $output != *PROBE-RAN* ]]
	assert_lists_every_violation "$P"
	[[ $output == *"/process/user/uid: "* ]]
	[[ $output == *"/process/capabilities/bounding: "* ]]
	[ "$(file_sum "$B/config.json")" = "$before" ]
	container_absent "$ID"
	[ "$(jq -r .decision <<<"$(last_audit)")" = refused ]
}

@test "reject: fixable and unfixable violations together, all listed" {
	make_probe_bundle
	host_pid
	P="$(policy_mode reject)"
	before="$(file_sum "$B/config.json")"
	# create, not run: output to a file, because a runc init (if brig let one
	# start) would hold bats' pipe open
	status=0
	brig_run "$P" create --bundle "$B" "$ID" >"$T/create.out" 2>&1 || status=$?
	output="$(cat "$T/create.out")"
	mapfile -t lines <"$T/create.out"
	echo "$output"
	[ "$status" -eq 1 ]
	assert_lists_every_violation "$P"
	[[ $output == *"/linux/namespaces: the container would share the host's pid namespace"* ]]
	[[ $output == *"/process/user/uid: "* ]]
	[ "$(file_sum "$B/config.json")" = "$before" ]
	container_absent "$ID"
}

@test "reject: a compliant (already hardened) config runs unchanged" {
	make_probe_bundle
	PE="$(policy_mode enforce)"
	run brig --brig-policy "$PE" harden "$B"
	[ "$status" -eq 0 ]
	P="$(policy_mode reject)"
	before="$(file_sum "$B/config.json")"
	run brig_run "$P" run --bundle "$B" "$ID"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 65534 ]
	[[ $output == *PROBE-RAN* ]]
	[ "$(file_sum "$B/config.json")" = "$before" ]
	[ "$(jq -r .decision <<<"$(last_audit)")" = unchanged ]
}

# -------------------------------------------------------------------- audit

@test "audit: config byte-identical, container runs as configured, would-be changes logged" {
	make_probe_bundle
	host_pid
	P="$(policy_mode audit)"
	before="$(file_sum "$B/config.json")"
	run brig_run "$P" run --bundle "$B" "$ID"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 0 ] # still root: audit changes nothing
	[ "$(status_field CapEff)" != "0000000000000000" ]
	[[ $output == *PROBE-RAN* ]]
	[ "$(file_sum "$B/config.json")" = "$before" ]
	line="$(last_audit)"
	[ "$(wc -l <"$AUDIT")" -eq 1 ]
	[ "$(jq -r .decision <<<"$line")" = audited ]
	[ "$(jq -r .mode <<<"$line")" = audit ]
	[ "$(jq -r .runtime <<<"$line")" = "$RUNC" ]
	jq -e '.changes[] | select(.kind == "fix" and .pointer == "/process/user/uid" and .after == 65534)' <<<"$line"
	jq -e '.changes[] | select(.kind == "fix" and .pointer == "/process/capabilities/bounding" and .after == [])' <<<"$line"
	jq -e '.changes[] | select(.kind == "refuse" and .pointer == "/linux/namespaces")' <<<"$line"
	# exactly what enforce would do: the same list as brig check
	want="$(brig --brig-policy "$P" check --format json "$B" | jq -c '[.findings[] | .pointer]')"
	[ "$(jq -c '[.changes[] | .pointer]' <<<"$line")" = "$want" ]
}

# ------------------------------------------------------ per-container mode

@test "a rule overrides the mode for one container id" {
	make_probe_bundle
	host_pid
	P="$(write_policy modes "{\"version\": 1, \"mode\": \"enforce\",
		\"audit\": {\"log\": \"$AUDIT\", \"syslog\": false},
		\"rules\": [{\"name\": \"legacy\", \"match\": {\"ids\": [\"legacy-*\"]}, \"mode\": \"audit\"}]}")"
	before="$(file_sum "$B/config.json")"

	run brig_run "$P" run --bundle "$B" "$ID"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ $output == *"under $P (mode enforce, 1 violation)"* ]]
	container_absent "$ID"

	LEGACY="legacy-$ID"
	track_container runc "$LEGACY"
	run brig_run "$P" run --bundle "$B" "$LEGACY"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *PROBE-RAN* ]]
	[ "$(file_sum "$B/config.json")" = "$before" ]
	line="$(last_audit)"
	[ "$(jq -r .id <<<"$line")" = "$LEGACY" ]
	[ "$(jq -r .mode <<<"$line")" = audit ]
	[ "$(jq -r .policy <<<"$line")" = "$P (rule legacy)" ]
	[ "$(jq -r .decision <<<"$line")" = audited ]
}

# -------------------------------------------------------------- brig check

@test "brig check: exit 0 on a hardened config, 1 on violations, 2 on bad input" {
	make_probe_bundle
	P="$(policy_mode enforce)"

	run brig --brig-policy "$P" check "$B"
	echo "$output"
	[ "$status" -eq 1 ]
	# FILE:LINE:COLUMN: SEVERITY: [RULE] POINTER: REASON, as compilers print
	[[ "${lines[0]}" =~ ^$B/config.json:[0-9]+:[0-9]+:\ warning:\ \[user/uid\]\ /process/user/uid:\ uid\ 0\ is\ not\ allowed ]]
	n="$(grep -cE '^[^ ]+:[0-9]+:[0-9]+: (warning|error): ' <<<"$output")"
	[ "${lines[-1]}" = "$B/config.json: 0 errors, $n warnings ($P, mode enforce, host this)" ]

	run brig --brig-policy "$P" check --format json "$B"
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
	[ "$(jq -r .decision <<<"$output")" = violations ]
	[ "$(jq -r .file <<<"$output")" = "$B/config.json" ]
	[ "$(jq '[.findings[] | select(.kind != "note")] | length' <<<"$output")" -eq "$n" ]
	[ "$(jq -r .policyDigest <<<"$output")" = "sha256:$(sha256sum "$P" | cut -d' ' -f1)" ]

	# check never writes
	before="$(file_sum "$B/config.json")"
	run brig --brig-policy "$P" check "$B"
	[ "$(file_sum "$B/config.json")" = "$before" ]

	run brig --brig-policy "$P" harden "$B"
	[ "$status" -eq 0 ]
	run brig --brig-policy "$P" check "$B"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "$B/config.json: compliant" ]
	run brig --brig-policy "$P" check --format json "$B/config.json"
	[ "$status" -eq 0 ]
	[ "$(jq -r .decision <<<"$output")" = compliant ]

	# several files: 1 when any has violations, one JSON line each
	make_busybox_bundle "$T/raw" true
	run brig --brig-policy "$P" check --format json "$B" "$T/raw"
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 2 ]
	[ "$(jq -rs 'map(.decision) | join(",")' <<<"$output")" = "compliant,violations" ]

	# 2: missing file, malformed config, usage errors, bad policy
	run brig --brig-policy "$P" check "$T/nope"
	[ "$status" -eq 2 ]
	[[ $output == "brig: "*"$T/nope"* ]]
	printf '{"ociVersion": ' >"$T/bad.json"
	run brig --brig-policy "$P" check "$T/bad.json"
	[ "$status" -eq 2 ]
	[[ $output == "brig: $T/bad.json: line 1, column "* ]]
	run brig --brig-policy "$P" check
	[ "$status" -eq 2 ]
	run brig --brig-policy "$P" check --format xml "$B"
	[ "$status" -eq 2 ]
	[ "$output" = 'brig: check: unknown format "xml" (text, json, sarif or junit)' ]
	run brig --brig-policy "$T/missing-policy.json" check "$B"
	[ "$status" -eq 2 ]
	[[ $output == *"policy $T/missing-policy.json cannot be opened"* ]]
}

@test "brig check: the unfixable violation is reported as an error" {
	make_probe_bundle
	host_pid
	P="$(policy_mode enforce)"
	run brig --brig-policy "$P" check "$B"
	[ "$status" -eq 1 ]
	grep -qE "^$B/config.json:[0-9]+:[0-9]+: error: \[namespaces/namespaces\] /linux/namespaces: the container would share the host's pid namespace" <<<"$output"
}

# ------------------------------------------------------------- brig policy

@test "brig policy show: the built-in default, and a file" {
	[[ ! -e /etc/brig/policy.json ]] || skip "/etc/brig/policy.json exists on this host: the default is not the built-in one"
	run brig policy show
	echo "$output"
	[ "$status" -eq 0 ]
	[[ ${lines[0]} =~ ^#\ built-in\ default\ policy\ sha256:[0-9a-f]{64},\ 0\ rules ]]
	json="$(tail -n +2 <<<"$output")"
	[ "$(jq -r .mode <<<"$json")" = enforce ]
	[ "$(jq -c .defaults.user <<<"$json")" = '{"uid":65534,"gid":65534}' ]
	[ "$(jq -c .defaults.capabilities <<<"$json")" = '[]' ]
	[ "$(jq .defaults.pidsLimit <<<"$json")" = 4096 ]
	# the embedded default is restricted.json, byte for byte
	want="$(sha256sum "$BRIG_REPO/profiles/policy/restricted.json" | cut -d' ' -f1)"
	[[ ${lines[0]} == *"sha256:$want"* ]]

	P="$(write_policy shown '{"version": 1, "mode": "audit",
		"audit": {"log": "/var/log/x.log"},
		"trustedAnnotations": ["io.kubernetes.cri.image-name"],
		"defaults": {"user": {"uid": 1000}, "capabilities": ["CAP_KILL"], "hostNamespaces": ["ipc"],
			"apparmor": {"mode": "off"}},
		"rules": [{"name": "a", "match": {"ids": ["a"]}}]}')"
	run brig policy show "$P"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "# $P sha256:$(sha256sum "$P" | cut -d' ' -f1), 1 rule not shown (only the defaults are)" ]
	json="$(tail -n +2 <<<"$output")"
	[ "$(jq -r .mode <<<"$json")" = audit ]
	[ "$(jq -c .defaults.user <<<"$json")" = '{"uid":1000,"gid":1000}' ]
	[ "$(jq -c .defaults.capabilities <<<"$json")" = '["CAP_KILL"]' ]
	[ "$(jq -c .defaults.hostNamespaces <<<"$json")" = '["ipc"]' ]
	[ "$(jq -r .defaults.apparmor.mode <<<"$json")" = off ]
	[ "$(jq -c .audit <<<"$json")" = '{"log":"/var/log/x.log","syslog":false}' ]
	[ "$(jq -c .trustedAnnotations <<<"$json")" = '["io.kubernetes.cri.image-name"]' ]

	# --brig-policy is the default for show
	run brig --brig-policy "$P" policy show
	[ "$status" -eq 0 ]
	[[ ${lines[0]} == "# $P "* ]]

	# what show prints is itself a valid policy with the same effect
	tail -n +2 <<<"$output" >"$T/again.json"
	chmod 0644 "$T/again.json"
	run brig policy validate "$T/again.json"
	echo "$output"
	[ "$status" -eq 0 ]
	run brig policy show "$T/again.json"
	[ "$(tail -n +2 <<<"$output")" = "$json" ]
}

@test "brig policy validate: ok, and each failing class as one line naming file, line and key" {
	P="$(write_policy good '{"version": 1,
  "trustedAnnotations": ["io.kubernetes.cri.image-name"],
  "rules": [
    {"name": "a", "match": {"ids": ["a-*"]}},
    {"name": "b", "match": {"images": ["*/nginx:*"]}, "allow": {"capabilities": ["CAP_NET_BIND_SERVICE"]}}
  ]}')"
	run brig policy validate "$P"
	[ "$status" -eq 0 ]
	[ "$output" = "$P: valid (2 rules, sha256:$(sha256sum "$P" | cut -d' ' -f1))" ]

	for f in restricted baseline nginx-port-80; do
		cp "$BRIG_REPO/profiles/policy/$f.json" "$T/$f.json"
		chmod 0644 "$T/$f.json"
		run brig policy validate "$T/$f.json"
		echo "$output"
		[ "$status" -eq 0 ]
	done

	check_bad() {
		local name=$1 text=$2 want=$3 f
		f="$(write_policy "$name" "$text")"
		run brig policy validate "$f"
		echo "$name: $output"
		[ "$status" -eq 2 ]
		[ "${#lines[@]}" -eq 1 ]
		[ "$output" = "brig: $f: $want" ]
	}
	check_bad unknown-key '{"version": 1,
  "defaults": {
    "capabilites": []
  }
}' 'line 3: /defaults/capabilites: unknown key (expected one of: user, capabilities, tmpfsSize, tmpfsInodes, pidsLimit, envSecrets, seccompProfile, hooks, hostNamespaces, hostPathsReadOnly, sysctls, apparmor, selinux, specFields, runtimeFlags, restore, hostSockets, mountTypes, mountOptions, devices, mapHostRoot, oomScoreAdjMin, rlimits, writablePaths, writableRootfs, userNamespace, hostGroups, rootfsAllowed)'
	check_bad wrong-type '{"version": 1,
  "defaults": {"pidsLimit": "100"}}' 'line 2: /defaults/pidsLimit: expected an integer from 0 to 2147483647, found string "100"'
	check_bad unknown-cap '{"version": 1,
  "defaults": {"capabilities": [
    "CAP_NET_BIND_SERVICE", "CAP_NET_ADMINN"]}}' 'line 3: /defaults/capabilities/1: unknown capability "CAP_NET_ADMINN"'
	check_bad bad-glob '{"version": 1, "rules": [
  {"name": "a", "match": {"ids": ["web-["]}}]}' 'line 2: /rules/0/match/ids/0: bad glob "web-[" (unterminated [ or trailing \)'
	check_bad untrusted '{"version": 1, "rules": [
  {"name": "a", "match": {"annotations": {"team": "x"}}}]}' 'line 2: /rules/0/match/annotations/team: annotation "team" is not in "trustedAnnotations"; whoever creates a container chooses its annotations'
	check_bad dup-rule '{"version": 1, "rules": [
  {"name": "a", "match": {"ids": ["x"]}},
  {"name": "a", "match": {"ids": ["y"]}}]}' 'line 3: /rules/1/name: duplicate rule name "a"'
	check_bad dup-key '{"version": 1,
  "mode": "audit",
  "mode": "enforce"}' 'line 3: /mode: duplicate key'
	check_bad version '{"version": 2}' 'line 1: /version: version 2 is not supported (this brig reads 1)'
	check_bad no-version '{}' 'line 1: /version: missing (this brig reads version 1)'
	check_bad pids0 '{"version": 1, "defaults": {"pidsLimit": 0}}' 'line 1: /defaults/pidsLimit: must be at least 1 (a pids limit cannot be turned off)'
	check_bad truncated '{"version": 1,
  "defaults": {' 'line 3, column 1: unexpected end of the input: expected a string as an object key'

	run brig policy validate "$T/absent.json"
	[ "$status" -eq 2 ]
	[ "$output" = "brig: policy $T/absent.json cannot be opened; refusing to run containers without it: No such file or directory" ]
	chmod 0666 "$P"
	run brig policy validate "$P"
	[ "$status" -eq 2 ]
	[ "$output" = "brig: policy $P is writable by everyone (mode 0666); refusing to trust it" ]
	run brig policy validate
	[ "$status" -eq 2 ]
	run brig policy frobnicate
	[ "$status" -eq 2 ]
	[ "$output" = 'brig: policy: unknown subcommand "frobnicate" (show or validate)' ]
}

# ------------------------------------------------------------ fail closed

# assert_fails_closed POLICY MESSAGE: run refuses with MESSAGE, nothing runs.
assert_fails_closed() {
	local p=$1 want=$2 before
	before="$(file_sum "$B/config.json")"
	run brig_run "$p" run --bundle "$B" "$ID"
	echo "$output"
	[ "$status" -eq 1 ]
	[ "$output" = "brig: $want" ]
	[[ $output != *PROBE-RAN* ]]
	[ "$(file_sum "$B/config.json")" = "$before" ]
	container_absent "$ID"
	[[ ! -e $AUDIT ]]
}

@test "fail closed: a missing explicit policy file" {
	make_probe_bundle
	assert_fails_closed "$T/nope.json" \
		"policy $T/nope.json cannot be opened; refusing to run containers without it: No such file or directory"
}

@test "fail closed: a corrupt policy file" {
	make_probe_bundle
	P="$(write_policy corrupt "{\"version\": 1, \"audit\": {\"log\": \"$AUDIT\"},
  \"mode\": \"enforce\",,}")"
	assert_fails_closed "$P" "$P: line 2, column 21: expected a string as an object key, found ','"
}

@test "fail closed: an invalid policy (unknown key) and a world-writable one" {
	make_probe_bundle
	P="$(write_policy typo "{\"version\": 1, \"audit\": {\"log\": \"$AUDIT\"},
  \"mdoe\": \"audit\"}")"
	assert_fails_closed "$P" "$P: line 2: /mdoe: unknown key (expected one of: version, mode, runtime, audit, defaults, trustedAnnotations, trustDockerImageRecord, dockerRoot, rules)"

	P="$(policy_mode audit)"
	chmod 0666 "$P"
	assert_fails_closed "$P" "policy $P is writable by everyone (mode 0666); refusing to trust it"
	chmod 0644 "$P"
	chown 1000 "$P"
	assert_fails_closed "$P" "policy $P is owned by uid 1000, not root; refusing to trust it"
}

@test "fail closed only for starting: delete still works with a broken policy" {
	make_busybox_bundle "$B" sleep 100
	P="$(policy_mode enforce)"
	# runc init keeps the create's stdio: send it to a file, not bats' pipe
	brig_run "$P" create --bundle "$B" "$ID" >"$T/create.out" 2>&1
	"$RUNC" state "$ID" >/dev/null
	chmod 0666 "$P"
	run brig_run "$P" delete --force "$ID"
	echo "$output"
	[ "$status" -eq 0 ]
	container_absent "$ID"
}

# ------------------------------------- an exception for one container id

@test "rule exception end to end: web-* may bind port 80 as non-root, others may not" {
	make_busybox_bundle "$B" sh -c 'id -u; grep CapEff /proc/self/status; nc -l -p 80 & sleep 1; netstat -ltn; kill $! 2>/dev/null; wait; echo DONE'
	# runc's default spec asks for NET_BIND_SERVICE in every set brig keeps
	jq -e '.process.capabilities.bounding | index("CAP_NET_BIND_SERVICE")' "$B/config.json"
	cp -a "$B" "$T/other-bundle"
	P="$(write_policy web "{\"version\": 1, \"mode\": \"enforce\",
		\"audit\": {\"log\": \"$AUDIT\", \"syslog\": false},
		\"rules\": [{\"name\":\"web\",\"match\":{\"ids\":[\"web-*\"]},\"allow\":{\"capabilities\":[\"CAP_NET_BIND_SERVICE\"]}}]}")"

	WEB="web-$ID"
	track_container runc "$WEB"
	run brig_run "$P" run --bundle "$B" "$WEB"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 65534 ]
	[ "$(status_field CapEff)" = "0000000000000400" ]
	grep -qE '^tcp +[0-9]+ +[0-9]+ +[^ ]*:80 .*LISTEN' <<<"$output"
	[[ $output != *"Permission denied"* ]]
	[ "$(jq -c .process.capabilities.ambient "$B/config.json")" = '["CAP_NET_BIND_SERVICE"]' ]
	[ "$(jq -r .policy <<<"$(last_audit)")" = "$P (rule web)" ]

	OTHER="other-$ID"
	track_container runc "$OTHER"
	run brig_run "$P" run --bundle "$T/other-bundle" "$OTHER"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 65534 ]
	[ "$(status_field CapEff)" = "0000000000000000" ]
	[[ $output == *"nc: bind: Permission denied"* ]]
	run ! grep -qE ':80 .*LISTEN' <<<"$output"
	[ "$(jq -c .process.capabilities.bounding "$T/other-bundle/config.json")" = '[]' ]
	[ "$(jq -r .policy <<<"$(last_audit)")" = "$P" ]
}

@test "rule by image: only through a trusted annotation (nginx-port-80 profile)" {
	make_busybox_bundle "$B" sh -c 'id -u; grep CapEff /proc/self/status'
	# the shipped example, with its audit log moved into this test's directory
	jq --arg log "$AUDIT" '.audit.log = $log' "$BRIG_REPO/profiles/policy/nginx-port-80.json" >"$T/nginx.json"
	chmod 0644 "$T/nginx.json"
	P="$T/nginx.json"
	cp -a "$B" "$T/untrusted"
	bundle_jq "$B" '.annotations["io.kubernetes.cri.image-name"] = "registry.example/library/nginx:1.25"'
	# the same image under CRI-O's key, which this policy does not trust
	bundle_jq "$T/untrusted" '.annotations["io.kubernetes.cri-o.ImageName"] = "registry.example/library/nginx:1.25"'

	run brig_run "$P" run --bundle "$B" "$ID"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 101 ]
	[ "$(status_field CapEff)" = "0000000000000400" ]
	[ "$(jq -r .policy <<<"$(last_audit)")" = "$P (rule nginx-binds-80)" ]

	OTHER="untrusted-$ID"
	track_container runc "$OTHER"
	run brig_run "$P" run --bundle "$T/untrusted" "$OTHER"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 65534 ]
	[ "$(status_field CapEff)" = "0000000000000000" ]
	[ "$(jq -r .policy <<<"$(last_audit)")" = "$P" ]
}

# Runs a shell snippet with a private, empty /etc (a tmpfs in a private mount
# namespace), so /etc/brig/policy.json can be staged without touching the host.
# $BRIGB is the brig binary inside the snippet.
with_private_etc() {
	BRIGB="$(brig_bin)" unshare -m sh -c 'mount -t tmpfs brig-test /etc && mkdir /etc/brig && eval "$1"' sh "$1"
}

@test "default path /etc/brig/policy.json: absent = built-in, present = used, dangling symlink = fail closed" {
	require_cmd unshare
	make_probe_bundle
	P="$(policy_mode audit)"

	run with_private_etc '"$BRIGB" policy show'
	echo "$output"
	[ "$status" -eq 0 ]
	[[ ${lines[0]} == "# built-in default policy sha256:"* ]]

	run with_private_etc "cp '$P' /etc/brig/policy.json && \"\$BRIGB\" policy show"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ ${lines[0]} == "# /etc/brig/policy.json sha256:$(sha256sum "$P" | cut -d' ' -f1), 0 rules"* ]]
	[ "$(tail -n +2 <<<"$output" | jq -r .mode)" = audit ]

	# a ConfigMap-style link to a good file is followed
	run with_private_etc "ln -s '$P' /etc/brig/policy.json && \"\$BRIGB\" policy show"
	[ "$status" -eq 0 ]
	[[ ${lines[0]} == "# /etc/brig/policy.json sha256:"* ]]

	# a dangling link is a policy that cannot be read, not an absent one
	run with_private_etc 'ln -s /etc/brig/..data/policy.json /etc/brig/policy.json && "$BRIGB" policy show'
	echo "$output"
	[ "$status" -eq 2 ]
	[ "$output" = "brig: policy /etc/brig/policy.json cannot be opened; refusing to run containers without it: No such file or directory" ]

	before="$(file_sum "$B/config.json")"
	run with_private_etc "ln -s /nonexistent /etc/brig/policy.json && BRIG_RUNTIME='$RUNC' \"\$BRIGB\" run --bundle '$B' '$ID' </dev/null"
	echo "$output"
	[ "$status" -eq 1 ]
	[ "$output" = "brig: policy /etc/brig/policy.json cannot be opened; refusing to run containers without it: No such file or directory" ]
	[ "$(file_sum "$B/config.json")" = "$before" ]
	container_absent "$ID"
}

# ------------------------------------------------------------------- hooks

# hook_bundle: a prestart hook that would leave a marker on the host.
hook_bundle() {
	make_probe_bundle
	MARK="/tmp/PWNED-$ID"
	rm -f "$MARK"-*
	bundle_jq "$B" ".hooks = {prestart: [{path: \"/bin/sh\", args: [\"sh\", \"-c\", \"touch $MARK-\$\$\"]}]}"
}

marker_absent() {
	! compgen -G "$MARK-*" >/dev/null
}

# hooks_refused RUNTIME: by default the hook is refused, nothing runs on the host
hooks_refused() {
	local rt=$1 rtpath
	runtime_path "$rt" rtpath >/dev/null
	[[ $rt == crun ]] && ensure_crun_cgroups
	track_container "$rt" "$ID"
	hook_bundle
	P="$(policy_mode enforce)"
	run env BRIG_RUNTIME="$rtpath" timeout 120 "$(brig_bin)" --brig-policy "$P" run --bundle "$B" "$ID" </dev/null 3>&-
	echo "$output"
	[ "$status" -eq 1 ]
	[[ $output == *"/hooks/prestart/0: prestart hook /bin/sh would run on the host as root; $P does not grant it (\"hooks\": {\"allowed\": [\"/bin/sh\"]})"* ]]
	[[ $output != *PROBE-RAN* ]]
	marker_absent
	jq -e '.changes[] | select(.kind == "refuse" and .pointer == "/hooks/prestart/0")' <<<"$(last_audit)"
}

# hooks_granted RUNTIME: a policy granting /bin/sh lets the hook run
hooks_granted() {
	local rt=$1 rtpath
	runtime_path "$rt" rtpath >/dev/null
	[[ $rt == crun ]] && ensure_crun_cgroups
	track_container "$rt" "$ID"
	hook_bundle
	P="$(write_policy granted "{\"version\": 1, \"mode\": \"enforce\", \"audit\": {\"log\": \"$AUDIT\", \"syslog\": false}, \"defaults\": {\"hooks\": {\"allowed\": [\"/bin/sh\"]}}}")"
	run env BRIG_RUNTIME="$rtpath" timeout 120 "$(brig_bin)" --brig-policy "$P" run --bundle "$B" "$ID" </dev/null 3>&-
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *PROBE-RAN* ]]
	run ! marker_absent
	rm -f "$MARK"-*
}

@test "hooks: runc: a prestart hook is refused by default and never runs on the host" { hooks_refused runc; }
@test "hooks: crun: a prestart hook is refused by default and never runs on the host" { hooks_refused crun; }
@test "hooks: runc: a hook whose path the policy grants runs" { hooks_granted runc; }
@test "hooks: crun: a hook whose path the policy grants runs" { hooks_granted crun; }
