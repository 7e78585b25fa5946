#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Faults: what an engine's bundle looks like after brig dies or the disk
# fills in the middle of a rewrite, and what a broken policy does to create.
#
#  - SIGKILL at a random moment of `brig harden`, many times: config.json is
#    always byte-for-byte the original or the fully hardened file, never a
#    mix or a truncation; a temp file a kill leaves behind is gone after the
#    next successful run on the bundle;
#  - a full filesystem: brig names ENOSPC in one line, exits non-zero, and
#    leaves the original byte-identical with no temp file;
#  - an explicit policy that is missing, corrupt, writable by others or owned
#    by another uid: `brig create` refuses in one line naming the file and
#    the fault, nothing reaches the runtime, the config is untouched.
#
# Figures (iterations, outcome counts) are printed as TAP comments.

bats_require_minimum_version 1.5.0
load helpers

KILL_ITERATIONS=${BRIG_KILL_ITERATIONS:-1000}
TEMP_GLOB='.config.json.brig-*'

# A Docker-sized config (what dockerd hands runc for `docker run busybox`).
source_config() {
	local c
	for c in "$BRIG_REPO/tests/data/configs/docker-plain.json" \
		"$BRIG_REPO/tests/data/configs/runc-spec.json"; do
		[[ -f $c ]] && {
			echo "$c"
			return 0
		}
	done
	return 1
}

# Forks the command, SIGKILLs it after a random delay, classifies what the
# bundle holds afterwards.  Byte comparison is stricter than comparing
# sha256 sums and needs no hashing in the loop.
write_killer() {
	cat >"$BATS_FILE_TMPDIR/killer.c" <<-'EOF'
		#define _GNU_SOURCE
		#include <dirent.h>
		#include <stdbool.h>
		#include <fcntl.h>
		#include <signal.h>
		#include <stdio.h>
		#include <stdlib.h>
		#include <string.h>
		#include <sys/random.h>
		#include <sys/stat.h>
		#include <sys/wait.h>
		#include <time.h>
		#include <unistd.h>

		static char *slurp(const char *path, size_t *len)
		{
		    int fd = open(path, O_RDONLY | O_CLOEXEC);
		    if (fd < 0) { perror(path); exit(2); }
		    struct stat st;
		    fstat(fd, &st);
		    char *b = malloc((size_t)st.st_size + 1);
		    ssize_t n = read(fd, b, (size_t)st.st_size);
		    close(fd);
		    if (n != st.st_size) { fprintf(stderr, "%s: short read\n", path); exit(2); }
		    *len = (size_t)n;
		    return b;
		}

		static void put(const char *dir, const char *data, size_t len)
		{
		    char tmp[4096], dst[4096];
		    snprintf(tmp, sizeof(tmp), "%s/.restore", dir);
		    snprintf(dst, sizeof(dst), "%s/config.json", dir);
		    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		    if (fd < 0 || write(fd, data, len) != (ssize_t)len || close(fd) < 0 ||
		        rename(tmp, dst) < 0) { perror("restore"); exit(2); }
		}

		/* Names of brig temp files in dir, as one string "\n"-separated. */
		static void temps(const char *dir, char *out, size_t size)
		{
		    DIR *d = opendir(dir);
		    struct dirent *de;
		    out[0] = '\0';
		    while ((de = readdir(d)))
		        if (!strncmp(de->d_name, ".config.json.brig-", 18)) {
		            strncat(out, de->d_name, size - strlen(out) - 2);
		            strcat(out, "\n");
		        }
		    closedir(d);
		}

		static long now_us(void)
		{
		    struct timespec ts;
		    clock_gettime(CLOCK_MONOTONIC, &ts);
		    return ts.tv_sec * 1000000L + ts.tv_nsec / 1000;
		}

		static pid_t spawn(char **cmd)
		{
		    pid_t pid = fork();
		    if (pid == 0) {
		        int null = open("/dev/null", O_WRONLY);
		        dup2(null, 1);
		        dup2(null, 2);
		        execv(cmd[0], cmd);
		        _exit(127);
		    }
		    return pid;
		}

		static int cmp_long(const void *a, const void *b)
		{
		    long x = *(const long *)a, y = *(const long *)b;
		    return x < y ? -1 : x > y;
		}

		/* killer time DIR ORIG CMD...: median wall time of an unkilled run, in us */
		/* killer kill N MAX_US DIR ORIG HARD CMD... */
		int main(int argc, char **argv)
		{
		    if (argc > 4 && !strcmp(argv[1], "time")) {
		        size_t olen;
		        char *orig = slurp(argv[3], &olen);
		        long t[9];
		        for (int i = 0; i < 9; i++) {
		            put(argv[2], orig, olen);
		            long t0 = now_us();
		            int st;
		            waitpid(spawn(argv + 4), &st, 0);
		            t[i] = now_us() - t0;
		            if (!WIFEXITED(st) || WEXITSTATUS(st)) { fprintf(stderr, "run failed\n"); return 2; }
		        }
		        qsort(t, 9, sizeof(long), cmp_long);
		        printf("%ld\n", t[4]);
		        return 0;
		    }
		    if (argc < 8 || strcmp(argv[1], "kill")) { fprintf(stderr, "usage\n"); return 2; }
		    long n = atol(argv[2]), max_us = atol(argv[3]);
		    const char *dir = argv[4];
		    size_t olen, hlen;
		    char *orig = slurp(argv[5], &olen), *hard = slurp(argv[6], &hlen);
		    char **cmd = argv + 7, cfg[4096];
		    snprintf(cfg, sizeof(cfg), "%s/config.json", dir);
		    static char before[1 << 20], after[1 << 20];
		    long killed = 0, exited = 0, n_orig = 0, n_hard = 0, n_other = 0, left = 0;
		    long killed_orig = 0, killed_hard = 0;
		    for (long i = 0; i < n; i++) {
		        put(dir, orig, olen);
		        temps(dir, before, sizeof(before));
		        unsigned int r;
		        if (getrandom(&r, sizeof(r), 0) != sizeof(r)) return 2;
		        struct timespec d = {0, (long)(r % (unsigned)(max_us + 1)) * 1000};
		        pid_t pid = spawn(cmd);
		        nanosleep(&d, NULL);
		        kill(pid, SIGKILL);
		        int st;
		        waitpid(pid, &st, 0);
		        bool sig = WIFSIGNALED(st);
		        killed += sig;
		        exited += !sig;
		        size_t len;
		        char *now = slurp(cfg, &len);
		        if (len == olen && !memcmp(now, orig, len)) {
		            n_orig++;
		            killed_orig += sig;
		        } else if (len == hlen && !memcmp(now, hard, len)) {
		            n_hard++;
		            killed_hard += sig;
		        } else {
		            n_other++;
		            fprintf(stderr, "iteration %ld: config.json is neither original nor hardened (%zu bytes)\n", i, len);
		        }
		        free(now);
		        temps(dir, after, sizeof(after));
		        /* a name present now and not before this run was left by it */
		        for (char *p = after, *e; *p; p = e + 1) {
		            e = strchr(p, '\n');
		            *e = '\0';
		            char pat[300];
		            snprintf(pat, sizeof(pat), "%s\n", p);
		            int had = strstr(before, pat) != NULL;
		            *e = '\n';
		            if (!had) { left++; break; }
		        }
		    }
		    printf("iterations=%ld killed=%ld exited=%ld original=%ld hardened=%ld other=%ld "
		           "killed_original=%ld killed_hardened=%ld temp_left=%ld max_us=%ld\n",
		           n, killed, exited, n_orig, n_hard, n_other, killed_orig, killed_hard, left, max_us);
		    return 0;
		}
	EOF
	cc -O1 -std=gnu11 -o "$BATS_FILE_TMPDIR/killer" "$BATS_FILE_TMPDIR/killer.c"
}

# A root-owned policy file with the built-in defaults, so the results do not
# depend on whatever /etc/brig/policy.json this host has.
write_policy() {
	local p=$1
	printf '{\n\t"version": 1\n}\n' >"$p"
	chmod 0644 "$p"
}

setup_file() {
	[[ $(id -u) -eq 0 ]] || return 0
	command -v cc >/dev/null || return 0
	write_killer
}

setup() {
	require_root
	require_brig
	require_cmd jq sha256sum
	CONFIG_SRC="$(source_config)" || skip "needs tests/data/configs/docker-plain.json"
	POLICY="$BATS_TEST_TMPDIR/policy.json"
	write_policy "$POLICY"
}

teardown() {
	cleanup_containers
	if [[ -n ${FULL_MNT:-} ]] && mountpoint -q "$FULL_MNT"; then
		umount "$FULL_MNT" || umount -l "$FULL_MNT"
	fi
}

# The fully hardened bytes of $CONFIG_SRC under $POLICY, into $1.
hardened_copy() {
	local d="$BATS_TEST_TMPDIR/ref"
	mkdir -p "$d"
	cp "$CONFIG_SRC" "$d/config.json"
	"$(brig_bin)" --brig-policy "$POLICY" harden "$d" >/dev/null
	cp "$d/config.json" "$1"
	# a second run must change nothing, or "the hardened file" is not one file
	"$(brig_bin)" --brig-policy "$POLICY" harden "$d" >/dev/null
	cmp -s "$d/config.json" "$1"
}

temp_count() {
	find "$1" -maxdepth 1 -name "$TEMP_GLOB" | wc -l
}

@test "SIGKILL during a rewrite: config.json is always the original or the hardened file" {
	[[ -x $BATS_FILE_TMPDIR/killer ]] || skip "needs cc to build the kill helper"
	local orig="$BATS_TEST_TMPDIR/orig.json" hard="$BATS_TEST_TMPDIR/hard.json"
	local b="$BATS_FILE_TMPDIR/killbundle"
	cp "$CONFIG_SRC" "$orig"
	hardened_copy "$hard"
	run ! cmp -s "$orig" "$hard"
	mkdir -p "$b"
	cp "$CONFIG_SRC" "$b/config.json"

	local brig
	brig="$(brig_bin)"
	# Under tools/sanitize: a process killed while LeakSanitizer stops it for
	# its exit-time check leaves "Unable to get registers" behind, which says
	# nothing about brig; leaks are checked by every other test.
	[[ -n ${ASAN_OPTIONS:-} ]] && local -x ASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=0"
	# The delay must span the whole rewrite wherever brig runs (a sanitizer
	# build is several times slower): 0-3 ms, or up to 1.5 times the median
	# run when that is longer.
	run "$BATS_FILE_TMPDIR/killer" time "$b" "$orig" "$brig" --brig-policy "$POLICY" harden "$b"
	[ "$status" -eq 0 ]
	local median=$output max_us=3000
	((median * 3 / 2 > max_us)) && max_us=$((median * 3 / 2))

	run "$BATS_FILE_TMPDIR/killer" kill "$KILL_ITERATIONS" "$max_us" "$b" "$orig" "$hard" \
		"$brig" --brig-policy "$POLICY" harden "$b"
	echo "$output"
	[ "$status" -eq 0 ]
	local line
	line="$(tail -n1 <<<"$output")"
	echo "# kill: median unkilled run ${median} us; $line" >&3
	echo "$line" >"$BATS_FILE_TMPDIR/kill-figures"
	declare -A f
	local kv
	for kv in $line; do f[${kv%%=*}]=${kv#*=}; done

	[ "${f[iterations]}" -eq "$KILL_ITERATIONS" ]
	# never a third state
	[ "${f[other]}" -eq 0 ]
	# the kills landed in different phases: before the rename and after it
	[ "${f[killed_original]}" -gt 0 ]
	[ "${f[hardened]}" -gt 0 ]
	[ "${f[killed]}" -gt 0 ]
	# and the sha256 view of the same fact, for the final state
	local sum
	sum="$(file_sum "$b/config.json")"
	[[ $sum == "$(file_sum "$orig")" || $sum == "$(file_sum "$hard")" ]]
}

@test "SIGKILL during a rewrite: the next successful run leaves no temp file" {
	local b="$BATS_FILE_TMPDIR/killbundle"
	[[ -d $b ]] || skip "needs the bundle of the SIGKILL test (run the whole file)"
	local left
	left="$(temp_count "$b")"
	echo "# temp files left by killed runs before the next run: $left" >&3
	# A temp file a killed brig left long ago, whatever the kills above did.
	local stale="$b/.config.json.brig-00000000deadbeef"
	echo '{"stale": true}' >"$stale"
	touch -d '1 hour ago' "$stale"
	cp "$CONFIG_SRC" "$b/config.json"

	run "$(brig_bin)" --brig-policy "$POLICY" harden "$b"
	[ "$status" -eq 0 ]
	run find "$b" -maxdepth 1 -name "$TEMP_GLOB"
	echo "left after the next run: $output"
	[ -z "$output" ]
	[ "$(temp_count "$b")" -eq 0 ]
}

# Mounts a tmpfs of $2 bytes at $1 (recorded for teardown).
mount_small_tmpfs() {
	FULL_MNT=$1
	mkdir -p "$FULL_MNT"
	mount -t tmpfs -o "size=$2,mode=0755" brig-full "$FULL_MNT"
}

@test "disk full: ENOSPC is named in one line, the original stays byte-identical, no temp file" {
	local size pages
	size=$(stat -c %s "$CONFIG_SRC")
	pages=$(((size + 4095) / 4096))
	# room for the original, not for a second copy of it
	mount_small_tmpfs "$BATS_TEST_TMPDIR/full" $((pages * 4096)) ||
		skip "cannot mount a tmpfs here"
	local b="$FULL_MNT/bundle"
	mkdir "$b"
	cp "$CONFIG_SRC" "$b/config.json"
	# the filesystem really is full: a second copy does not fit
	run ! cp "$CONFIG_SRC" "$FULL_MNT/probe"
	rm -f "$FULL_MNT/probe"
	local before
	before="$(file_sum "$b/config.json")"

	run --separate-stderr "$(brig_bin)" --brig-policy "$POLICY" harden "$b"
	echo "status $status stderr: $stderr"
	echo "# disk full (harden): $stderr" >&3
	[ "$status" -ne 0 ]
	[ "$(wc -l <<<"$stderr")" -eq 1 ]
	[[ $stderr == "brig: $b/config.json: "* ]]
	[[ $stderr == *"No space left on device"* ]]
	[ "$(file_sum "$b/config.json")" = "$before" ]
	[ "$(temp_count "$b")" -eq 0 ]
	[ "$(dir_listing "$b")" = "f config.json" ]
}

@test "disk full in runtime mode: create is refused with ENOSPC in the engine log, runtime never runs" {
	local size pages
	size=$(stat -c %s "$CONFIG_SRC")
	pages=$(((size + 4095) / 4096))
	mount_small_tmpfs "$BATS_TEST_TMPDIR/full" $((pages * 4096)) ||
		skip "cannot mount a tmpfs here"
	local b="$FULL_MNT/bundle" log="$BATS_TEST_TMPDIR/log.json" marker="$BATS_TEST_TMPDIR/ran"
	mkdir "$b"
	cp "$CONFIG_SRC" "$b/config.json"
	local fake="$BATS_TEST_TMPDIR/fake-runtime"
	printf '#!/bin/sh\ntouch %s\n' "$marker" >"$fake"
	chmod 0755 "$fake"
	local before
	before="$(file_sum "$b/config.json")"

	BRIG_RUNTIME="$fake" run --separate-stderr "$(brig_bin)" --brig-policy "$POLICY" \
		--log "$log" --log-format json create --bundle "$b" faults-full
	echo "status $status stderr: $stderr"
	[ "$status" -ne 0 ]
	[ "$(wc -l <<<"$stderr")" -eq 1 ]
	[[ $stderr == *"No space left on device"* ]]
	[ ! -e "$marker" ]
	[ "$(file_sum "$b/config.json")" = "$before" ]
	[ "$(temp_count "$b")" -eq 0 ]
	# the engine log holds exactly that message as one JSON line
	[ "$(wc -l <"$log")" -eq 1 ]
	[ "$(jq -r .level "$log")" = error ]
	[ "$(jq -r .msg "$log")" = "$stderr" ]
}

# --- policy fail closed, runtime mode create (brig check / policy validate
# are covered by policy.bats) -----------------------------------------------

# Tries `brig --brig-policy $1 create` of a busybox bundle with runc under a
# private --root and checks everything a fail-closed refusal implies.  $2 is
# a pattern the one-line message must match besides naming the file.
assert_create_fails_closed() {
	local policy=$1 want=$2
	local rt root b id log before
	runtime_path runc rt >/dev/null
	busybox_path >/dev/null || skip "needs a static busybox (busybox-static)"
	root="$BATS_TEST_TMPDIR/runc-root"
	b="$BATS_TEST_TMPDIR/bundle"
	log="$BATS_TEST_TMPDIR/engine-log.json"
	id="$(new_container_id policy)"
	mkdir -p "$root"
	[[ -f $b/config.json ]] || make_busybox_bundle "$b" sleep 30
	before="$(file_sum "$b/config.json")"
	track_container runc "$id" "$root"

	# stdio to files: were brig to let it through, the created container's
	# init would hold a pipe open and hang `run`.
	local out="$BATS_TEST_TMPDIR/create.out" errf="$BATS_TEST_TMPDIR/create.err"
	local status=0 stderr
	BRIG_RUNTIME="$rt" timeout 60 "$(brig_bin)" --root "$root" \
		--log "$log" --log-format json --brig-policy "$policy" create --bundle "$b" "$id" \
		</dev/null >"$out" 2>"$errf" 3>&- || status=$?
	stderr="$(cat "$errf")"
	echo "status $status stderr: $stderr"
	[ "$status" -ne 0 ]
	[ "$(wc -l <<<"$stderr")" -eq 1 ]
	[[ $stderr == "brig: "* ]]
	[[ $stderr == *"$policy"* ]]
	[[ $stderr =~ $want ]]
	# nothing ran: the runtime has no such container
	run "$rt" --root "$root" list -q
	[ "$status" -eq 0 ]
	run ! grep -qxF "$id" <<<"$output"
	run "$rt" --root "$root" state "$id"
	[ "$status" -ne 0 ]
	# the engine's config is untouched
	[ "$(file_sum "$b/config.json")" = "$before" ]
	# the engine log got the same message (containerd shows it to the user)
	[ "$(jq -r 'select(.level == "error") | .msg' "$log" | tail -n1)" = "$(tail -n1 <<<"$stderr")" ]
}

@test "policy fail closed: an explicit policy that does not exist refuses create" {
	assert_create_fails_closed "$BATS_TEST_TMPDIR/no-such-dir/policy.json" \
		"cannot be opened.*No such file or directory"
}

@test "policy fail closed: a corrupt policy refuses create" {
	local p="$BATS_TEST_TMPDIR/corrupt.json"
	printf '{\n\t"version": 1,\n\t"mode": "enforce",\n' >"$p"
	chmod 0644 "$p"
	assert_create_fails_closed "$p" "line [0-9]+"
}

@test "policy fail closed: a policy with an unknown key refuses create" {
	local p="$BATS_TEST_TMPDIR/unknown-key.json"
	printf '{\n\t"version": 1,\n\t"allowEverything": true\n}\n' >"$p"
	chmod 0644 "$p"
	assert_create_fails_closed "$p" "allowEverything"
}

@test "policy fail closed: a world-writable policy (0666) refuses create" {
	local p="$BATS_TEST_TMPDIR/ww.json"
	write_policy "$p"
	chmod 0666 "$p"
	assert_create_fails_closed "$p" "writable by everyone .mode 0666."
}

@test "policy fail closed: a policy owned by a non-root uid refuses create" {
	local p="$BATS_TEST_TMPDIR/owned.json"
	write_policy "$p"
	chown 1000:1000 "$p"
	assert_create_fails_closed "$p" "owned by uid 1000, not root"
}

@test "policy fail closed: a directory given as the policy refuses create" {
	local p="$BATS_TEST_TMPDIR/policy-dir"
	mkdir -p "$p"
	assert_create_fails_closed "$p" "not a regular file"
}

@test "policy fail closed: the same bundle runs once the policy is sound (control)" {
	# Without this, every refusal above could be a broken bundle.
	local rt root b id
	runtime_path runc rt >/dev/null
	busybox_path >/dev/null || skip "needs a static busybox (busybox-static)"
	root="$BATS_TEST_TMPDIR/runc-root"
	b="$BATS_TEST_TMPDIR/bundle"
	id="$(new_container_id policy-ok)"
	mkdir -p "$root"
	make_busybox_bundle "$b" sleep 30
	track_container runc "$id" "$root"
	# The created container's init holds its stdio until it is deleted, so
	# create must not write into a pipe `run` waits on.
	local out="$BATS_TEST_TMPDIR/create.out"
	local rc=0
	BRIG_RUNTIME="$rt" timeout 60 "$(brig_bin)" --root "$root" --brig-policy "$POLICY" \
		create --bundle "$b" "$id" </dev/null >"$out" 2>&1 3>&- || rc=$?
	cat "$out"
	[ "$rc" -eq 0 ]
	run "$rt" --root "$root" list -q
	grep -qxF "$id" <<<"$output"
}
