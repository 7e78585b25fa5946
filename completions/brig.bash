# SPDX-License-Identifier: GPL-2.0-or-later
# bash completion for brig(8): brig's own commands and their options; any
# other command is the runtime's, completed as files.

_brig() {
	local cur prev cmd i
	cur="${COMP_WORDS[COMP_CWORD]}"
	prev="${COMP_WORDS[COMP_CWORD - 1]}"
	cmd=""
	for ((i = 1; i < COMP_CWORD; i++)); do
		case "${COMP_WORDS[i]}" in
		--brig-policy | --brig-runtime | --root | --log | --log-format | --criu | --rootless) ((i++)) ;;
		-*) ;;
		*)
			cmd="${COMP_WORDS[i]}"
			break
			;;
		esac
	done

	case "$prev" in
	--brig-policy | --log | --criu | -o | --output | --profile | --engine | --process | --bundle | -b)
		COMPREPLY=($(compgen -f -- "$cur"))
		return
		;;
	--brig-runtime)
		COMPREPLY=($(compgen -c -- "$cur"))
		return
		;;
	--root)
		COMPREPLY=($(compgen -d -- "$cur"))
		return
		;;
	--format)
		case "$cmd" in
		check) COMPREPLY=($(compgen -W "text json sarif junit" -- "$cur")) ;;
		*) COMPREPLY=($(compgen -W "text json" -- "$cur")) ;;
		esac
		return
		;;
	--fail-on)
		COMPREPLY=($(compgen -W "error warning note never" -- "$cur"))
		return
		;;
	--host)
		COMPREPLY=($(compgen -W "this portable" -- "$cur"))
		return
		;;
	--runtime)
		COMPREPLY=($(compgen -W "runc crun" -- "$cur"))
		return
		;;
	esac

	if [[ -z $cmd ]]; then
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "--brig-policy --brig-runtime --root --log --log-format --debug --systemd-cgroup --help --version" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "harden check explain learned policy apparmor doctor seccomp record trace-denials gc help create run start exec kill delete state list ps pause resume events update checkpoint restore spec features" -- "$cur"))
		fi
		return
	fi

	local opts=""
	case "$cmd" in
	harden) opts="--diff --dry-run --process --brig-policy --help" ;;
	check) opts="--format --fail-on --host --process --brig-policy --help" ;;
	explain) opts="--root --format --help" ;;
	learned) opts="--match --dir --help" ;;
	policy) opts="--strict --format --help" ;;
	doctor) opts="--format --help" ;;
	seccomp) opts="--profile --caps --arch --output --bundle --engine --help" ;;
	record) opts="--output --runtime --quiet --help" ;;
	trace-denials) opts="--runtime --quiet --help" ;;
	apparmor) opts="--help" ;;
	help) COMPREPLY=($(compgen -W "harden check explain learned policy apparmor doctor seccomp record trace-denials gc" -- "$cur")); return ;;
	esac
	if [[ $cur == -* && -n $opts ]]; then
		COMPREPLY=($(compgen -W "$opts" -- "$cur"))
		return
	fi
	case "$cmd" in
	policy) [[ $prev == policy ]] && { COMPREPLY=($(compgen -W "show validate" -- "$cur")); return; } ;;
	apparmor) [[ $prev == apparmor ]] && { COMPREPLY=($(compgen -W "show load" -- "$cur")); return; } ;;
	seccomp) [[ $prev == seccomp ]] && { COMPREPLY=($(compgen -W "show pfc bpf explain diff" -- "$cur")); return; } ;;
	esac
	COMPREPLY=($(compgen -f -- "$cur"))
}
complete -F _brig brig
