/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <fcntl.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <syslog.h>
#include <yajl/yajl_gen.h>

#include "audit.h"
#include "bundle.h"
#include "log.h"

/* Bytes of the UTF-8 sequence starting at p, or 0 when it is malformed
 * (overlong, surrogate, past U+10FFFF, truncated). */
static size_t seq_len(const unsigned char *p)
{
    unsigned lo = 0x80, hi = 0xbf;
    size_t n;
    if (p[0] < 0x80)
        return 1;
    if (p[0] >= 0xc2 && p[0] <= 0xdf)
        n = 2;
    else if (p[0] >= 0xe0 && p[0] <= 0xef) {
        n = 3;
        lo = p[0] == 0xe0 ? 0xa0 : 0x80;
        hi = p[0] == 0xed ? 0x9f : 0xbf;
    } else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
        n = 4;
        lo = p[0] == 0xf0 ? 0x90 : 0x80;
        hi = p[0] == 0xf4 ? 0x8f : 0xbf;
    } else
        return 0;
    if (p[1] < lo || p[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if ((p[i] & 0xc0) != 0x80)
            return 0;
    return n;
}

/* Bundle paths and messages quote bytes chosen by others; yajl copies them
 * verbatim, and a line that is not UTF-8 is not JSON, so each bad byte
 * becomes U+FFFD. */
static void kv(yajl_gen g, const char *k, const char *v)
{
    yajl_gen_string(g, (const unsigned char *)k, strlen(k));
    if (!v) {
        yajl_gen_null(g);
        return;
    }
    _cleanup_free_ char *clean = xmalloc(strlen(v) * 3 + 1);
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *)v; *p;) {
        size_t l = seq_len(p);
        if (l == 0) {
            memcpy(clean + o, "\xef\xbf\xbd", 3);
            o += 3;
            p++;
        } else {
            memcpy(clean + o, p, l);
            o += l;
            p += l;
        }
    }
    yajl_gen_string(g, (const unsigned char *)clean, o);
}

/* before/after are already compact JSON text produced by brig's own
 * serializer; yajl_gen_number emits text verbatim, which embeds them as
 * JSON values instead of strings-of-JSON that every reader must re-parse. */
static void kv_raw(yajl_gen g, const char *k, const char *json)
{
    yajl_gen_string(g, (const unsigned char *)k, strlen(k));
    if (json)
        yajl_gen_number(g, json, strlen(json));
    else
        yajl_gen_null(g);
}

char *brig_audit_format(const BrigAuditEvent *ev)
{
    char now[64];
    brig_log_time(now, sizeof(now));
    yajl_gen g = yajl_gen_alloc(NULL);
    if (!g)
        abort();
    yajl_gen_map_open(g);
    kv(g, "time", now);
    kv(g, "command", ev->command);
    kv(g, "id", ev->id);
    kv(g, "bundle", ev->bundle);
    kv(g, "engine", ev->engine);
    kv(g, "mode", brig_mode_name(ev->policy->mode));
    kv(g, "policy", brig_policy_source(ev->policy));
    kv(g, "policyDigest", ev->policy->digest);
    kv(g, "decision", ev->decision);
    yajl_gen_string(g, (const unsigned char *)"changes", 7);
    yajl_gen_array_open(g);
    for (size_t i = 0; ev->report && i < ev->report->n; i++) {
        const BrigChange *c = &ev->report->v[i];
        yajl_gen_map_open(g);
        kv(g, "kind", brig_change_kind_name(c->kind));
        kv(g, "pass", c->pass);
        kv(g, "pointer", c->pointer);
        kv_raw(g, "before", c->before);
        kv_raw(g, "after", c->after);
        kv(g, "reason", c->reason);
        yajl_gen_map_close(g);
    }
    yajl_gen_array_close(g);
    kv(g, "runtime", ev->runtime);
    yajl_gen_map_close(g);
    const unsigned char *buf;
    size_t len;
    yajl_gen_get_buf(g, &buf, &len);
    char *line = xasprintf("%.*s\n", (int)len, (const char *)buf);
    yajl_gen_free(g);
    return line;
}

static ssize_t send_to(int type, const char *socket_path, struct iovec *iov, int n)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(socket_path) >= sizeof(sa.sun_path))
        return -ENAMETOOLONG;
    strcpy(sa.sun_path, socket_path);
    _cleanup_close_ int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
        return -errno;
    struct msghdr mh = {.msg_iov = iov, .msg_iovlen = (size_t)n};
    ssize_t r = sendmsg(fd, &mh, MSG_NOSIGNAL);
    return r < 0 ? -errno : r;
}

int brig_syslog_send(const char *socket_path, int priority, const char *msg, size_t len)
{
    /* What syslog(3) sends, less the timestamp: syslog(3) formats local
     * time, and tzset() reads /etc/localtime in every brig process that
     * logs (a create, each time); journald and rsyslog's imuxsock stamp
     * messages on arrival and ignore a sender's stamp anyway. */
    char head[64];
    int hl = snprintf(head, sizeof(head), "<%d>brig[%d]: ", LOG_AUTHPRIV | priority, (int)getpid());
    struct iovec iov[3] = {{head, (size_t)hl}, {(void *)msg, len}, {(void *)"", 1}};
    ssize_t r = send_to(SOCK_DGRAM, socket_path, iov, 2);
    /* a stream socket takes NUL-terminated messages (as glibc sends them) */
    if (r == -EPROTOTYPE)
        r = send_to(SOCK_STREAM, socket_path, iov, 3);
    return r < 0 ? (int)r : 0;
}

bool brig_audit_enabled(const BrigPolicyDoc *doc)
{
    return doc->audit_log || doc->audit_syslog;
}

int brig_audit_write(const BrigPolicyDoc *doc, const BrigAuditEvent *ev, BrigError **err)
{
    if (!brig_audit_enabled(doc))
        return 0;
    _cleanup_free_ char *line = brig_audit_format(ev);
    int r = 0;
    /* as syslog(3) would, a syslog daemon that is not there is no error */
    if (doc->audit_syslog)
        (void)brig_syslog_send(BRIG_SYSLOG_SOCKET,
                               streq(ev->decision, "refused") ? LOG_WARNING : LOG_INFO, line,
                               strlen(line) - 1);
    if (doc->audit_log) {
        /* a FIFO or symlink planted at the path must neither hang nor
         * redirect every create (lib/bundle.h) */
        _cleanup_close_ int fd =
            brig_open_regular(AT_FDCWD, doc->audit_log, O_WRONLY | O_APPEND | O_CREAT, 0600, err);
        if (fd < 0)
            return brig_error_prefix(err, "audit log");
        size_t len = strlen(line);
        ssize_t n = write(fd, line, len);
        if (n < 0)
            r = brig_error_errno(err, errno, "audit log %s", doc->audit_log);
        else if ((size_t)n != len)
            r = brig_error_set(err, EIO, "audit log %s: short write", doc->audit_log);
    }
    return r;
}

const char *brig_engine_hint(const char *root, const BrigJson *spec)
{
    const BrigJson *ann = brig_json_get(spec, "annotations");
    if (brig_json_get(ann, "io.kubernetes.cri.container-type") ||
        brig_json_get(ann, "io.kubernetes.cri-o.ContainerType"))
        return "kubernetes";
    if (streq(brig_json_str(brig_json_get(ann, "io.container.manager")), "libpod"))
        return "podman";
    if (root && (strstr(root, "/moby") || strstr(root, "/docker")))
        return "docker";
    if (root && strstr(root, "/containerd"))
        return "containerd";
    return "direct";
}
