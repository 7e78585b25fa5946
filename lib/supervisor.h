/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The supervisor of `brig record` and `brig trace-denials`: runs the real
 * runtime, listens on linux.seccomp.listenerPath, answers each seccomp
 * notification, and relays the container's output.
 *
 * brig runs as root next to a container that may be hostile, so:
 *   - the runtime (and with it the container) gets /dev/null for stdin and
 *     pipes for stdout and stderr, in a session of its own: never brig's
 *     terminal, which a container could otherwise stop (TCOOFF), reconfigure
 *     or read, and no controlling terminal to reach through /dev/tty;
 *   - brig relays the pipes to its own stdout and stderr, writing only when
 *     poll(2) says the output can take it; a container that floods its
 *     output, or an operator's terminal that is stopped, holds up the
 *     container's writes, never the answers to notifications;
 *   - SIGINT, SIGTERM and SIGHUP end a run through one bounded path (see
 *     brig_supervisor_run); SIGPIPE is ignored (a closed output drops the
 *     relay, the run goes on). */

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"
#include "seccomp_explain.h"

typedef enum { BRIG_SUPERVISE_RECORD, BRIG_SUPERVISE_TRACE } BrigSuperviseMode;

/* How a notification was answered: as the profile's action would have
 * ended the call, as closely as the notification API allows. */
typedef enum {
    BRIG_ANSWER_ALLOW, /* ran (record; trace: ALLOW, a call notified only to see it) */
    BRIG_ANSWER_LOG,   /* ran: SCMP_ACT_LOG (the kernel's audit record is not written) */
    BRIG_ANSWER_ERRNO, /* failed with answer_errno: SCMP_ACT_ERRNO, or ENOSYS for TRACE
                        * (no tracer) and NOTIFY (no listener of the profile's own) */
    BRIG_ANSWER_KILL,  /* SCMP_ACT_KILL_PROCESS / KILL_THREAD: the process got SIGKILL */
    BRIG_ANSWER_TRAP,  /* SCMP_ACT_TRAP: the thread got SIGSYS, the call failed ENOSYS */
} BrigAnswer;

/* One notification, as handed to the caller's callback. */
typedef struct BrigNotifEvent {
    pid_t pid;
    const char *comm;    /* /proc/PID/comm, escaped (brig_escape) */
    const char *syscall; /* name, or the number as text */
    int nr;
    uint32_t arch;
    uint64_t args[6];
    BrigAnswer answer;
    int answer_errno; /* BRIG_ANSWER_ERRNO and _TRAP: the errno returned */
} BrigNotifEvent;

/* Text for an answer in brig's output: "EPERM", "(ran)", "(logged)",
 * "(killed)", "(SIGSYS)". */
const char *brig_answer_text(BrigAnswer answer, int answer_errno);

/* Totals per (syscall, arch, answer). */
typedef struct BrigNotifCount {
    char *syscall;
    char *arch;
    BrigAnswer answer;
    int answer_errno;
    uint64_t count;
    char *comms; /* "sh, probe" (first few distinct, escaped) */
} BrigNotifCount;

typedef struct BrigSupervisor {
    BrigSuperviseMode mode;
    const BrigSim *answer; /* trace: the original profile's filter */
    void (*on_event)(const BrigNotifEvent *ev, void *userdata);
    void *userdata;
    /* Run (stdio on /dev/null) to stop the container when a signal ends
     * the run: the runtime's "delete --force ID".  NULL: none. */
    char *const *stop_argv;
    /* state */
    char *dir, *socket_path;
    int listen_fd;
    dev_t runtime_dev;
    ino_t runtime_ino;
    /* results */
    BrigNotifCount *counts;
    size_t n_counts;
    uint64_t total;    /* notifications counted (trace: not the ALLOW answers) */
    bool got_listener; /* the runtime loaded the filter and handed it over */
    bool started;      /* a process that is not the runtime made a notified call */
    int signal;        /* the signal that ended the run, 0 = none */
} BrigSupervisor;

/* Catches SIGINT, SIGTERM and SIGHUP (no SA_RESTART, so a blocked write
 * returns EINTR) and ignores SIGPIPE, for the rest of the process; SIGINT
 * and SIGHUP stay ignored when they were (a background job, nohup).  Call
 * it before making anything a signal should clean up. */
int brig_supervisor_catch_signals(BrigError **err);
/* The first signal caught since then, 0 = none. */
int brig_supervisor_caught(void);

/* Creates a private directory and the listening socket in it. */
int brig_supervisor_init(BrigSupervisor *s, BrigError **err);
/* Starts argv (the runtime, argv[0] an absolute path), serves
 * notifications and relays output until the runtime has exited, every
 * listener has hung up and both pipes are at end of file, or 2 s after the
 * runtime exited, whichever is first; then what brig holds of the output
 * (at most 64 KiB per stream) is written out.  Returns the runtime's exit status
 * (128+signal when killed) in *ret_status.
 *
 * On a caught signal (s->signal is set): every listener is closed (calls
 * waiting on brig fail ENOSYS), stop_argv runs (killed after 10 s), the
 * runtime gets 5 s to exit and then SIGKILL, and stop_argv runs once more
 * so no container is left; at most about 25 s in all. */
int brig_supervisor_run(BrigSupervisor *s, char *const *argv, int *ret_status, BrigError **err);
/* Shared with the learn daemon (lib/learn/daemon.c). */
/* Receives the listener fd a runtime sends on an accepted connection to
 * linux.seccomp.listenerPath (the state JSON is read and dropped; extra fds
 * are closed).  Returns the fd, or -errno. */
int brig_listener_receive(int conn);
/* /proc/PID/comm, escaped (brig_escape): the name is the container's text. */
char *brig_proc_comm(pid_t pid);

/* Removes the socket and directory; frees everything. */
void brig_supervisor_done(BrigSupervisor *s);
