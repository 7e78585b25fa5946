/* SPDX-License-Identifier: GPL-2.0-or-later */
/* brig_json_serialize() writes JSON itself (lib/json.c) for speed, and must
 * write exactly what yajl_gen wrote before: compares the two, compact and
 * pretty, over the files given (the engine configs, the seccomp profile)
 * and a set of awkward documents.  Exit status 1 on the first difference. */
#include <dirent.h>
#include <stdio.h>
#include <sys/stat.h>
#include <yajl/yajl_gen.h>

#include "bundle.h"
#include "json.h"

/* yajl's generator, driven the way lib/json.c drove it before; shadowed
 * (duplicate) members are dropped by serializing a copy where
 * brig_json_set() removed them. */
static void yajl_emit(yajl_gen g, const BrigJson *j)
{
    switch (j->type) {
    case BRIG_JSON_NULL:
        yajl_gen_null(g);
        break;
    case BRIG_JSON_BOOL:
        yajl_gen_bool(g, j->boolean);
        break;
    case BRIG_JSON_NUMBER:
        yajl_gen_number(g, j->text, strlen(j->text));
        break;
    case BRIG_JSON_STRING:
        yajl_gen_string(g, (const unsigned char *)j->text, j->len);
        break;
    case BRIG_JSON_ARRAY:
    case BRIG_JSON_OBJECT:
        if (j->n == 0) {
            yajl_gen_number(g, j->type == BRIG_JSON_ARRAY ? "[]" : "{}", 2);
        } else if (j->type == BRIG_JSON_ARRAY) {
            yajl_gen_array_open(g);
            for (size_t i = 0; i < j->n; i++)
                yajl_emit(g, j->kids[i]);
            yajl_gen_array_close(g);
        } else {
            yajl_gen_map_open(g);
            for (size_t i = 0; i < j->n; i++) {
                const char *k = j->kids[i]->key ? j->kids[i]->key : "";
                /* last copy of a key wins: skip this one if a later one exists */
                bool later = false;
                for (size_t m = i + 1; m < j->n && !later; m++)
                    later = streq(j->kids[m]->key ? j->kids[m]->key : "", k);
                if (later)
                    continue;
                yajl_gen_string(g, (const unsigned char *)k, strlen(k));
                yajl_emit(g, j->kids[i]);
            }
            yajl_gen_map_close(g);
        }
        break;
    }
}

static char *with_yajl(const BrigJson *j, bool pretty)
{
    yajl_gen g = yajl_gen_alloc(NULL);
    if (pretty) {
        yajl_gen_config(g, yajl_gen_beautify, 1);
        yajl_gen_config(g, yajl_gen_indent_string, "\t");
    }
    yajl_emit(g, j);
    const unsigned char *out;
    size_t len;
    yajl_gen_get_buf(g, &out, &len);
    char *s = xstrndup((const char *)out, len);
    yajl_gen_free(g);
    return s;
}

static int check(const char *name, const char *text, size_t len)
{
    BrigError *err = NULL;
    BrigJson *j = NULL;
    if (brig_json_parse(text, len, name, 0, &j, &err) < 0) {
        fprintf(stderr, "serialize_check: %s\n", err->msg);
        return 1;
    }
    int bad = 0;
    for (int pretty = 0; pretty <= 1; pretty++) {
        size_t n;
        char *a = brig_json_serialize(j, pretty ? BRIG_JSON_PRETTY : 0, &n);
        char *b = with_yajl(j, pretty);
        if (n != strlen(b) || memcmp(a, b, n) != 0) {
            size_t at = 0;
            while (a[at] && a[at] == b[at])
                at++;
            fprintf(stderr, "serialize_check: %s (%s): differs from yajl_gen at byte %zu\n", name,
                    pretty ? "pretty" : "compact", at);
            bad = 1;
        }
        free(a);
        free(b);
    }
    brig_json_free(j);
    return bad;
}

int main(int argc, char **argv)
{
    static const char *const awkward[] = {
        "{}",
        "[]",
        "0",
        "\"\"",
        "null",
        "[true,false,null,-0,1e3,1.50,18446744073709551615]",
        "{\"a\":{},\"b\":[],\"c\":[{}],\"d\":[[]],\"e\":{\"f\":{\"g\":[1,{\"h\":null}]}}}",
        "{\"s\":\"tab\\tnl\\ncr\\rff\\fbs\\bq\\\"bsl\\\\sl/ /\\u0001\\u001f\\u007f\\u0000x\"}",
        "{\"\\u00e9t\\u00e9\":\"\\ud83d\\ude00 caf\\u00e9 \xe2\x82\xac\"}",
        "{\"k\":1,\"k\":2,\"j\":{\"x\":1,\"x\":[3]},\"k\":3}",
        "{\"\":\"\",\"\\n\":\"\\\"\"}",
    };
    int bad = 0;
    size_t docs = 0;
    for (size_t i = 0; i < ELEMENTSOF(awkward); i++, docs++)
        bad |= check(awkward[i], awkward[i], strlen(awkward[i]));
    for (int a = 1; a < argc; a++) {
        struct stat st;
        DIR *d = stat(argv[a], &st) == 0 && S_ISDIR(st.st_mode) ? opendir(argv[a]) : NULL;
        struct dirent *de;
        /* a directory: every *.json in it */
        while (d ? (de = readdir(d)) != NULL : true) {
            _cleanup_free_ char *path = NULL;
            if (d) {
                size_t l = strlen(de->d_name);
                if (l < 5 || strcmp(de->d_name + l - 5, ".json") != 0)
                    continue;
                path = xasprintf("%s/%s", argv[a], de->d_name);
            } else {
                path = xstrdup(argv[a]);
            }
            BrigError *err = NULL;
            BrigFile *f = NULL;
            if (brig_file_load(path, BRIG_FILE_MAX_SIZE, &f, &err) < 0) {
                fprintf(stderr, "serialize_check: %s\n", err->msg);
                return 1;
            }
            bad |= check(path, f->data, f->len);
            docs++;
            brig_file_free(f);
            if (!d)
                break;
        }
        if (d)
            closedir(d);
    }
    if (!bad)
        printf("serialize_check: %zu documents, compact and pretty, identical to yajl_gen\n", docs);
    return bad;
}
