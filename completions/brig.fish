# SPDX-License-Identifier: GPL-2.0-or-later
# fish completion for brig(8): brig's own commands and their options; any
# other command is the runtime's, completed as files.

set -l brig_cmds harden check explain learned policy apparmor doctor seccomp record trace-denials gc help
set -l runtime_cmds create run start exec kill delete state list ps pause resume events update checkpoint restore spec features

complete -c brig -n "not __fish_seen_subcommand_from $brig_cmds $runtime_cmds" -l brig-policy -r -F -d 'policy file'
complete -c brig -n "not __fish_seen_subcommand_from $brig_cmds $runtime_cmds" -l brig-runtime -r -F -d 'the real runtime'
complete -c brig -n "not __fish_seen_subcommand_from $brig_cmds $runtime_cmds" -l root -r -a '(__fish_complete_directories)' -d 'runtime state directory'
complete -c brig -n "not __fish_seen_subcommand_from $brig_cmds $runtime_cmds" -l log -r -F -d 'runtime log file'
complete -c brig -n "not __fish_seen_subcommand_from $brig_cmds $runtime_cmds" -l log-format -x -a 'text json'
complete -c brig -n "not __fish_seen_subcommand_from $brig_cmds $runtime_cmds" -l debug -d 'debug output'
complete -c brig -n "not __fish_seen_subcommand_from $brig_cmds $runtime_cmds" -l help -s h -d "brig's usage"
complete -c brig -n "not __fish_seen_subcommand_from $brig_cmds $runtime_cmds" -l version -d "brig's and the runtime's version"

complete -c brig -f -n "not __fish_seen_subcommand_from $brig_cmds $runtime_cmds" -a harden -d 'harden a bundle or config file offline'
complete -c brig -f -n "not __fish_seen_subcommand_from $brig_cmds $runtime_cmds" -a check -d 'list policy violations (CI gate)'
complete -c brig -f -n "not __fish_seen_subcommand_from $brig_cmds $runtime_cmds" -a explain -d 'what brig changed in a container, and why'
complete -c brig -f -n "not __fish_seen_subcommand_from $brig_cmds $runtime_cmds" -a policy -d 'show or validate a policy file'
complete -c brig -f -n "not __fish_seen_subcommand_from $brig_cmds $runtime_cmds" -a apparmor -d "show or load brig's AppArmor profile"
complete -c brig -f -n "not __fish_seen_subcommand_from $brig_cmds $runtime_cmds" -a doctor -d 'can this host enforce the policy?'
complete -c brig -f -n "not __fish_seen_subcommand_from $brig_cmds $runtime_cmds" -a seccomp -d 'show, export, explain or compare seccomp profiles'
complete -c brig -f -n "not __fish_seen_subcommand_from $brig_cmds $runtime_cmds" -a record -d 'record a minimal seccomp profile'
complete -c brig -f -n "not __fish_seen_subcommand_from $brig_cmds $runtime_cmds" -a trace-denials -d 'list the syscalls a profile denies'
complete -c brig -f -n "not __fish_seen_subcommand_from $brig_cmds $runtime_cmds" -a gc -d 'remove user-namespace views and id ranges of containers that are gone'
complete -c brig -f -n "not __fish_seen_subcommand_from $brig_cmds $runtime_cmds" -a help -d "brig's usage"
complete -c brig -f -n "not __fish_seen_subcommand_from $brig_cmds $runtime_cmds" -a "$runtime_cmds" -d 'runtime command'

complete -c brig -n '__fish_seen_subcommand_from harden' -l diff -d 'show before and after'
complete -c brig -n '__fish_seen_subcommand_from harden' -l dry-run -d 'change nothing'
complete -c brig -n '__fish_seen_subcommand_from harden check' -l process -d 'exec process file(s)'
complete -c brig -n '__fish_seen_subcommand_from harden check' -l brig-policy -r -F -d 'policy file'
complete -c brig -n '__fish_seen_subcommand_from check' -l format -x -a 'text json sarif junit'
complete -c brig -n '__fish_seen_subcommand_from check' -l fail-on -x -a 'error warning note never'
complete -c brig -n '__fish_seen_subcommand_from check' -l host -x -a 'this portable'
complete -c brig -f -n "not __fish_seen_subcommand_from $brig_cmds $runtime_cmds" -a learned -d 'the policy a container run in learn mode needs'
complete -c brig -n '__fish_seen_subcommand_from learned' -l match -x
complete -c brig -n '__fish_seen_subcommand_from learned' -l dir -r -a '(__fish_complete_directories)'
complete -c brig -n '__fish_seen_subcommand_from explain' -l root -r -a '(__fish_complete_directories)'
complete -c brig -n '__fish_seen_subcommand_from explain policy doctor' -l format -x -a 'text json'
complete -c brig -n '__fish_seen_subcommand_from policy' -l strict -d 'warnings are errors'
complete -c brig -f -n '__fish_seen_subcommand_from policy; and not __fish_seen_subcommand_from show validate' -a 'show validate'
complete -c brig -f -n '__fish_seen_subcommand_from apparmor; and not __fish_seen_subcommand_from show load' -a 'show load'
complete -c brig -f -n '__fish_seen_subcommand_from seccomp; and not __fish_seen_subcommand_from show pfc bpf explain diff' -a 'show pfc bpf explain diff'
complete -c brig -n '__fish_seen_subcommand_from seccomp' -l profile -r -F
complete -c brig -n '__fish_seen_subcommand_from seccomp' -l caps -x
complete -c brig -n '__fish_seen_subcommand_from seccomp' -l arch -x
complete -c brig -n '__fish_seen_subcommand_from seccomp' -l bundle -r -a '(__fish_complete_directories)'
complete -c brig -n '__fish_seen_subcommand_from seccomp' -l engine -r -F
complete -c brig -n '__fish_seen_subcommand_from seccomp record' -l output -s o -r -F
complete -c brig -n '__fish_seen_subcommand_from record trace-denials' -l runtime -x -a 'runc crun'
complete -c brig -n '__fish_seen_subcommand_from record trace-denials' -l quiet -s q
complete -c brig -n "__fish_seen_subcommand_from $brig_cmds" -l help -d 'help'
