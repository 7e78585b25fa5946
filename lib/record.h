/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Seccomp user notification for `brig record` and `brig trace-denials`.
 *
 * The OCI runtime-spec way: linux.seccomp.listenerPath names a unix socket;
 * after loading a filter with SCMP_ACT_NOTIFY rules the runtime connects to
 * it and sends the container state JSON with the listener fd (SCM_RIGHTS).
 * brig listens there, receives notifications (SECCOMP_IOCTL_NOTIF_RECV) and
 * answers each one:
 *   record: SECCOMP_USER_NOTIF_FLAG_CONTINUE (the call runs as if allowed),
 *           remembering the syscall;
 *   trace:  the errno the original profile returns for exactly that call
 *           (worked out by running the original filter's BPF over the
 *           notification's seccomp_data), so behaviour is unchanged. */

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "json.h"
#include "seccomp_explain.h"
#include "supervisor.h"

/* Whether `name` must never be a NOTIFY action: `write` (runc refuses
 * it) and what runc's Go init may call on its own before the listener has
 * the fd (signal return, futex, sleeps, allocation), which would hang the
 * create.  Recorded profiles allow them all (the runtime floor). */
bool brig_record_never_notified(const char *name);

/* NOTIFY on every syscall libseccomp knows for the host architecture,
 * except those brig_record_never_notified() names; default ALLOW (NOTIFY
 * cannot be the default).  Syscalls libseccomp does not know run
 * unrecorded. */
int brig_record_notify_profile(BrigJson **ret, BrigError **err);

/* The profile a recording produced: default ERRNO(ENOSYS), one ALLOW entry
 * with every name in `names` plus `write`.  A name also in `keep` takes the
 * entries `from` (a resolved OCI profile) has for it instead, argument
 * tests included: the caller puts a name there when `from` filters its
 * arguments and allowed every call the recording saw, so the recorded
 * profile keeps brig's namespace and socket-family checks. */
BrigJson *brig_record_result_profile(char *const *names, size_t n, char *const *arches,
                                     size_t n_arches, const BrigJson *from, char *const *keep,
                                     size_t n_keep);

/* Whether every entry of a resolved profile naming `sys` tests arguments
 * (and there is at least one). */
bool brig_record_conditional(const BrigJson *oci, const char *sys);

/* From a resolved OCI profile: every entry whose action is not ALLOW
 * becomes NOTIFY (same names and argument tests, so libseccomp orders the
 * tests as before), and every syscall libseccomp knows on the host
 * architecture that the profile does not list gets a NOTIFY entry (it
 * would have had the default action).  `write` keeps its treatment.
 * `exit_group`, when allowed without argument tests, is notified too, for
 * the supervisor to see the container's program run (it answers ALLOW). */
int brig_trace_profile(const BrigJson *oci, BrigJson **ret, BrigError **err);
