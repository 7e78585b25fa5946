/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "passes.h"

int pass_check_type(const BrigJson *obj, const char *key, BrigJsonType type, const char *ptr,
                    BrigError **err)
{
    const BrigJson *v = brig_json_get(obj, key);
    if (v && v->type != type)
        return brig_error_set(err, EINVAL, "%s/%s: expected %s %s, found %s", ptr, key,
                              type == BRIG_JSON_ARRAY || type == BRIG_JSON_OBJECT ? "an" : "a",
                              brig_json_type_name(type), brig_json_type_name(v->type));
    return 0;
}

BrigJson *pass_ensure(BrigJson *obj, const char *key, BrigJsonType type, const char *ptr,
                      BrigError **err)
{
    if (pass_check_type(obj, key, type, ptr, err) < 0)
        return NULL;
    BrigJson *v = brig_json_get(obj, key);
    if (!v) {
        v = brig_json_new(type);
        brig_json_set(obj, key, v);
    }
    return v;
}

char *pass_describe(const BrigJson *v)
{
    switch (v->type) {
    case BRIG_JSON_STRING:
        if (v->len > 40)
            return xasprintf("a string of %zu bytes", v->len);
        return xasprintf("string \"%s\"", v->text);
    case BRIG_JSON_NUMBER:
        return xasprintf("number %s", v->text);
    case BRIG_JSON_BOOL:
        return xstrdup(v->boolean ? "true" : "false");
    default:
        return xstrdup(brig_json_type_name(v->type));
    }
}

static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return n > 0;
}

/* The namespaces of pid 1 and of brig itself (it runs in the host's), with
 * "//", "/./" and "/../" folded so "/proc/self/../1/ns/net" is caught:
 * /proc/{1,self,thread-self}[/task/TID]/ns/X. */
static bool is_host_path(const char *path)
{
    _cleanup_free_ char *n = pass_normalize_path(path);
    const char *p;
    if (startswith(n, "/proc/1/"))
        p = n + strlen("/proc/1");
    else if (startswith(n, "/proc/self/"))
        p = n + strlen("/proc/self");
    else if (startswith(n, "/proc/thread-self/"))
        p = n + strlen("/proc/thread-self");
    else
        return false;
    if (startswith(p, "/task/")) {
        const char *tid = p + strlen("/task/");
        const char *e = strchrnul(tid, '/');
        if (!all_digits(tid, (size_t)(e - tid)))
            return false;
        p = e;
    }
    return startswith(p, "/ns/");
}

/* Whether path is the host's namespace of kind r by identity: docker
 * --network=host names it /var/run/docker/netns/default, a bind mount of
 * pid 1's.  An unreadable path is left to the runtime, which fails on it. */
static bool is_host_ns_identity(const BrigHost *host, size_t r, const char *path)
{
    uint64_t dev, ino, hdev, hino;
    if (!host->ns_identity || !host->host_ns || host->host_ns(r, &hdev, &hino) < 0)
        return false;
    if (host->ns_identity(path, &dev, &ino) < 0)
        return false;
    return dev == hdev && ino == hino;
}

bool pass_ns_is_host(const BrigHost *host, size_t kind, const char *path)
{
    return is_host_path(path) || is_host_ns_identity(host, kind, path);
}

char *pass_normalize_path(const char *path)
{
    char *out = xmalloc(strlen(path) + 2);
    size_t o = 0;
    for (const char *p = path; *p;) {
        while (*p == '/')
            p++;
        const char *e = strchrnul(p, '/');
        size_t n = (size_t)(e - p);
        if (n == 2 && p[0] == '.' && p[1] == '.') {
            while (o > 0 && out[--o] != '/')
                ;
        } else if (n > 0 && !(n == 1 && p[0] == '.')) {
            out[o++] = '/';
            memcpy(out + o, p, n);
            o += n;
        }
        p = e;
    }
    if (o == 0)
        out[o++] = '/';
    out[o] = '\0';
    return out;
}

static const char *ptr_join(PassPtr *buf, const char *base, const char *tok, size_t tlen)
{
    size_t bl = strlen(base);
    if (bl + 1 + tlen + 1 > sizeof(buf->s))
        abort(); /* bases and tokens are brig's own, all short */
    memcpy(buf->s, base, bl);
    buf->s[bl] = '/';
    memcpy(buf->s + bl + 1, tok, tlen);
    buf->s[bl + 1 + tlen] = '\0';
    return buf->s;
}

const char *pass_ptr(PassPtr *buf, const char *base, const char *key)
{
    return ptr_join(buf, base, key, strlen(key));
}

const char *pass_ptr_index(PassPtr *buf, const char *base, size_t index)
{
    char digits[24], *d = digits + sizeof(digits);
    do
        *--d = (char)('0' + index % 10);
    while ((index /= 10) > 0);
    return ptr_join(buf, base, d, (size_t)(digits + sizeof(digits) - d));
}
