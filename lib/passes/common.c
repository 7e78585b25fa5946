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
