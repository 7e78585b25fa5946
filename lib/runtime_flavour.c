/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Which runtime is behind a path: runc, crun, or one brig does not know.
 *
 * runc (Go's flag package, strconv) and crun (argp, strtol) read the same
 * command line differently: crun runs `exec --user 65534` with gid 0 and an
 * exec without --user as root, runc keeps the config's.  So brig must know
 * which of the two it hands argv to, and a file's name says nothing: a
 * "runc" that is a copy of, or a link to, crun is crun.  The executable is
 * asked (`PATH --version`, whose first line is "runc version ..." or "crun
 * version ..."), and the answer is cached under /run/brig keyed by what
 * identifies the file's content: device, inode, size, mtime and ctime, so a
 * binary replaced in place (new ctime) is asked again.  Engines run brig for
 * every start, kill and delete; the cache makes the question one stat. */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "bundle.h"
#include "runtime.h"

const char *brig_flavour_name(BrigFlavour f)
{
    switch (f) {
    case BRIG_RT_RUNC:
        return "runc";
    case BRIG_RT_CRUN:
        return "crun";
    default:
        return "unknown";
    }
}

BrigFlavour brig_flavour_from_version(const char *out)
{
    if (!out)
        return BRIG_RT_UNKNOWN;
    /* only the first line counts: crun prints its features after it */
    if (startswith(out, "runc version "))
        return BRIG_RT_RUNC;
    if (startswith(out, "crun version "))
        return BRIG_RT_CRUN;
    return BRIG_RT_UNKNOWN;
}

static BrigFlavour flavour_from_word(const char *w)
{
    if (startswith(w, "runc\n"))
        return BRIG_RT_RUNC;
    if (startswith(w, "crun\n"))
        return BRIG_RT_CRUN;
    if (startswith(w, "unknown\n"))
        return BRIG_RT_UNKNOWN;
    return BRIG_RT_UNSET;
}

/* Runs `path --version` with stdin and stderr on /dev/null and reads at most
 * 4 KiB of its stdout, for at most 5 s; the child is killed after that. */
static BrigFlavour ask(const char *path)
{
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0)
        return BRIG_RT_UNKNOWN;
    pid_t pid = fork();
    if (pid < 0) {
        close(p[0]);
        close(p[1]);
        return BRIG_RT_UNKNOWN;
    }
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR | O_CLOEXEC);
        if (null < 0 || dup2(null, 0) < 0 || dup2(p[1], 1) < 0 || dup2(null, 2) < 0)
            _exit(127);
        char *const argv[] = {(char *)path, (char *)"--version", NULL};
        execv(path, argv);
        _exit(127);
    }
    close(p[1]);
    char buf[4096];
    size_t len = 0;
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        long left =
            5000 - ((now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000);
        struct pollfd pfd = {.fd = p[0], .events = POLLIN};
        if (left <= 0 || len >= sizeof(buf) - 1)
            break;
        int n = poll(&pfd, 1, (int)left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        ssize_t r = read(p[0], buf + len, sizeof(buf) - 1 - len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        len += (size_t)r;
    }
    buf[len] = '\0';
    close(p[0]);
    kill(pid, SIGKILL); /* our own child; already gone in the usual case */
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    return brig_flavour_from_version(buf);
}

BrigFlavour brig_runtime_flavour(const char *path, const char *cache_dir)
{
    struct stat st;
    if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
        return BRIG_RT_UNKNOWN;
    _cleanup_free_ char *name = NULL;
    _cleanup_close_ int dfd = -1;
    if (cache_dir) {
        /* a cache anyone else could write would let them pick the flavour */
        (void)mkdir(cache_dir, 0700);
        dfd = open(cache_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        struct stat dst;
        if (dfd >= 0 && (fstat(dfd, &dst) < 0 || dst.st_uid != geteuid() ||
                         (dst.st_mode & (S_IWGRP | S_IWOTH)))) {
            close(dfd);
            dfd = -1;
        }
        name = xasprintf("%llx-%llx-%llx-%lld.%09ld-%lld.%09ld", (unsigned long long)st.st_dev,
                         (unsigned long long)st.st_ino, (unsigned long long)st.st_size,
                         (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
                         (long long)st.st_ctim.tv_sec, st.st_ctim.tv_nsec);
    }
    if (dfd >= 0) {
        _cleanup_close_ int fd = brig_open_regular(dfd, name, O_RDONLY, 0, NULL);
        char w[16] = {0};
        if (fd >= 0 && read(fd, w, sizeof(w) - 1) > 0) {
            BrigFlavour f = flavour_from_word(w);
            if (f != BRIG_RT_UNSET)
                return f;
        }
    }
    BrigFlavour f = ask(path);
    if (dfd >= 0) {
        /* written whole beside it, then renamed (lib/bundle.h): a reader
         * never sees half a word; a failure only costs the next call a fork */
        _cleanup_free_ char *w = xasprintf("%s\n", brig_flavour_name(f));
        (void)brig_output_write_at(dfd, name, w, strlen(w), 0600, NULL);
    }
    return f;
}
