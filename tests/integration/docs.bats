#!/usr/bin/env bats
# The engine configuration in the README is the configuration the engine
# tests use: every `<!-- snippet: NAME -->` block in README.md must be
# byte-identical to the block of the same name in docs/engines.md (which
# tests/engines/ read) or, for containerd-brig.toml, to the deploy file.

setup() {
    repo=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
}

# block FILE NAME: the fenced block after the snippet marker
block() {
    awk -v want="<!-- snippet: $2 -->" '
        $0 == want { armed = 1; next }
        armed && /^```/ { if (inside) exit; inside = 1; next }
        inside { print }' "$1"
}

@test "README engine snippets are the ones the engine tests use" {
    names=$(sed -n 's/^<!-- snippet: \(.*\) -->$/\1/p' "$repo/README.md")
    [ -n "$names" ]
    n=0
    for name in $names; do
        readme=$(block "$repo/README.md" "$name")
        [ -n "$readme" ]
        if [ "$name" = containerd-brig.toml ]; then
            want=$(grep -v '^#' "$repo/deploy/kubernetes/containerd-brig.toml")
        else
            want=$(block "$repo/docs/engines.md" "$name")
        fi
        [ "$readme" = "$want" ] || { echo "README snippet $name differs"; diff <(echo "$readme") <(echo "$want"); return 1; }
        n=$((n + 1))
    done
    [ "$n" -ge 4 ]
}

# ---- the man pages agree with --help (issue 18) ----

# brig's own commands, as `brig --help` lists them
own_commands() {
	"$(brig_bin)" --help | sed -n "/^brig's own commands:/,/^$/p" | awk 'NR > 1 && NF { print $1 }'
}

# the page that documents a command's options
page_of() {
	case $1 in
	seccomp | record | trace-denials) echo "$repo/man/brig-seccomp.8.scd" ;;
	*) echo "$repo/man/brig.8.scd" ;;
	esac
}

@test "brig(8)'s SYNOPSIS names every command brig --help lists, and no other" {
	load helpers
	require_brig
	cmds="$(own_commands)"
	[ "$(wc -l <<<"$cmds")" -ge 9 ]
	synopsis="$(sed -n '/^# SYNOPSIS/,/^# DESCRIPTION/p' "$repo/man/brig.8.scd")"
	for c in $cmds; do
		grep -qE "^\*brig( $c)?\* ?(\*?$c\*?)?" <<<"$synopsis" && grep -qE "brig\*? \*?$c\b|\*brig $c\*" <<<"$synopsis" ||
			{ echo "brig(8) SYNOPSIS lacks $c"; return 1; }
	done
	# and every command the SYNOPSIS names is one brig knows
	for c in $(grep -oE '^\*brig [a-z-]+' <<<"$synopsis" | awk '{print $2}' | sort -u); do
		grep -qx "$c" <<<"$cmds" || { echo "brig(8) SYNOPSIS names $c, which brig --help does not list"; return 1; }
	done
}

@test "every option a command's --help names is in its man page, and brig(8)'s SYNOPSIS options are real" {
	load helpers
	require_brig
	for c in $(own_commands); do
		page="$(page_of "$c")"
		for o in $("$(brig_bin)" "$c" --help | grep -oE -- '--[a-z][a-z-]+' | sort -u); do
			grep -qF -- "$o" "$page" || { echo "$c --help names $o, $(basename "$page") does not"; return 1; }
		done
	done
	# the other way: each option in a SYNOPSIS line of brig's commands is one
	# the command's --help knows
	while read -r line; do
		c="$(grep -oE '^\*brig [a-z-]+' <<<"$line" | awk '{print $2}')"
		[ -n "$c" ] || continue
		help="$("$(brig_bin)" "$c" --help)"
		for o in $(grep -oE -- '--[a-z][a-z-]+' <<<"$line" | sort -u); do
			grep -qF -- "$o" <<<"$help" || { echo "brig(8): $c $o is not in brig $c --help"; return 1; }
		done
	done < <(sed -n '/^# SYNOPSIS/,/^# DESCRIPTION/p' "$repo/man/brig.8.scd")
}

@test "brig(8) and --help give the same runtime order, with --brig-runtime in it" {
	load helpers
	require_brig
	order="The policy's \"runtime\", --brig-runtime PATH, \$BRIG_RUNTIME, then runc and crun on PATH"
	"$(brig_bin)" --help | tr '\n' ' ' | tr -s ' ' | grep -qiF "$(tr '[:upper:]' '[:lower:]' <<<"${order:0:1}")${order:1}" ||
		"$(brig_bin)" --help | tr '\n' ' ' | tr -s ' ' | grep -qF "in order: the policy's \"runtime\", --brig-runtime PATH, \$BRIG_RUNTIME, then runc and crun on PATH"
	man_order="$(sed -n '/^## Finding the real runtime/,/^#/p' "$repo/man/brig.8.scd" | tr '\n' ' ' | tr -s ' ')"
	[[ $man_order == *"the policy's *runtime* setting, *--brig-runtime*, the *BRIG_RUNTIME* environment variable, then *runc* and *crun* on *PATH*"* ]]
	grep -q -- '--brig-runtime' <<<"$(sed -n '/^# ENVIRONMENT/,/^# FILES/p' "$repo/man/brig.8.scd")"
}

@test "brig(8)'s exit statuses are the ones brig uses" {
	load helpers
	require_brig
	exits="$(sed -n '/^# EXIT STATUS/,/^# ENVIRONMENT/p' "$repo/man/brig.8.scd")"
	for n in 0 1 2; do grep -qx "\*$n\*" <<<"$exits"; done
	# 2: usage; 1: findings; 0: nothing to report
	run "$(brig_bin)" check --no-such-option x
	[ "$status" -eq 2 ]
	run "$(brig_bin)" explain no-such-container-$$
	[ "$status" -eq 1 ]
	run "$(brig_bin)" check --help
	[ "$status" -eq 0 ]
}

@test "man pages name installed paths through the build prefix, and no file brig never reads as if it did" {
	run grep -nE '/usr/(local/)?share|/usr/(local/)?sbin/brig' "$repo"/man/*.scd
	[ "$status" -ne 0 ] || { echo "hard-coded paths: $output"; return 1; }
	grep -q '@DATADIR@' "$repo/man/brig.8.scd"
	grep -q '@SBINDIR@' "$repo/man/brig.8.scd"
	files="$(sed -n '/^# FILES/,/^# EXAMPLES/p' "$repo/man/brig.8.scd")"
	grep -q 'brig never reads them' <<<"$files"
	run grep -n 'brig.s seccomp profile (\*/' "$repo/man/brig.8.scd"
	[ "$status" -ne 0 ]
}

@test "every name in a NAME line has a page or a link page, and brig is in section 8" {
	[ -f "$repo/man/brig.8.scd" ]
	[ ! -e "$repo/man/brig.1.scd" ]
	for f in "$repo"/man/*.scd; do
		page="$(basename "$f" .scd)"
		section="${page##*.}"
		names="$(awk '/^# NAME/ { on = 1; next } on && /^# / { exit } on { printf "%s ", $0 }' "$f" |
			sed 's/ - .*//' | tr -d ',' | tr -s ' ' '\n' | grep -v '^$')"
		for n in $names; do
			[ "$n.$section" = "$page" ] && continue
			grep -qF "['$n.$section', '$page']" "$repo/man/meson.build" ||
				{ echo "$n (NAME line of $page) has no link page in man/meson.build"; return 1; }
		done
	done
}

@test "the shell completions know every brig command and option --help lists" {
	load helpers
	require_brig
	for c in $(own_commands); do
		for f in brig.bash _brig brig.fish; do
			grep -qw -- "$c" "$repo/completions/$f" || { echo "completions/$f lacks $c"; return 1; }
		done
		for o in $("$(brig_bin)" "$c" --help | grep -oE -- '--[a-z][a-z-]+' | sort -u); do
			[ "$o" = --json ] && continue # deprecated alias, not offered
			grep -qF -- "$o" "$repo/completions/brig.bash" || { echo "brig.bash lacks $c $o"; return 1; }
			grep -qF -- "'${o}[" "$repo/completions/_brig" || grep -qF -- "'${o}" "$repo/completions/_brig" ||
				{ echo "_brig lacks $c $o"; return 1; }
			grep -qF -- "-l ${o#--}" "$repo/completions/brig.fish" || { echo "brig.fish lacks $c $o"; return 1; }
		done
	done
	bash -n "$repo/completions/brig.bash"
	if command -v zsh >/dev/null; then zsh -n "$repo/completions/_brig"; fi
	if command -v fish >/dev/null; then fish -n "$repo/completions/brig.fish"; fi
}
