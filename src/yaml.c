/* yaml.c: YAML for front matter and style files, read with libyaml (its only client).
 *
 * Both are small mappings: top-level keys with scalar values, and (in style files) sections
 * one level deep, flattened to "section.key". Every value keeps its source line and column,
 * so a bad key or value is reported where it was written.
 *
 * Front matter is Jekyll's: the file's first line is "---" and the block ends at the next
 * line "---" or "...". A malformed block is reported with its line and skipped, so the
 * résumé itself still renders.
 */
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "yamlmap.h"

void cv_kvs_free(cv_kvs *kv)
{
    for (size_t i = 0; i < kv->n; i++) {
        free(kv->v[i].key);
        free(kv->v[i].value);
    }
    free(kv->v);
    memset(kv, 0, sizeof *kv);
}

static int push_kv(cv_kvs *out, const char *prefix, const yaml_node_t *k, const yaml_node_t *v, int line_base)
{
    size_t pl = prefix ? strlen(prefix) + 1 : 0;
    cv_kv e;
    e.key = malloc(pl + k->data.scalar.length + 1);
    e.value = v->type == YAML_SCALAR_NODE ? cv_strndup((const char *)v->data.scalar.value, v->data.scalar.length)
                                          : cv_strndup("", 0);
    e.line = line_base + (int)k->start_mark.line;
    e.col = 1 + (int)k->start_mark.column;
    e.vline = line_base + (int)v->start_mark.line;
    e.vcol = 1 + (int)v->start_mark.column;
    if (!e.key || !e.value) {
        free(e.key);
        free(e.value);
        return -1;
    }
    if (prefix) {
        memcpy(e.key, prefix, pl - 1);
        e.key[pl - 1] = '.';
    }
    memcpy(e.key + pl, k->data.scalar.value, k->data.scalar.length);
    e.key[pl + k->data.scalar.length] = 0;
    if (CV_PUSH(*out, e)) {
        free(e.key);
        free(e.value);
        return -1;
    }
    /* cppcheck-suppress memleak ; CV_PUSH copied e into *out, which owns e.key and e.value now */
    return 0;
}

int cv_yaml_map(const char *src, size_t len, int line_base, cv_kvs *out, int *err_line, int *err_col,
                const char **err_msg)
{
    yaml_parser_t parser;
    yaml_document_t doc;
    *err_line = *err_col = 0;
    *err_msg = NULL;
    if (!yaml_parser_initialize(&parser))
        return -1;
    yaml_parser_set_input_string(&parser, (const unsigned char *)src, len);
    if (!yaml_parser_load(&parser, &doc)) {
        /* libyaml notices an unclosed bracket or quote only where the input ends; the user
         * needs the line where the construct began (its context mark) */
        yaml_mark_t mk = parser.context ? parser.context_mark : parser.problem_mark;
        *err_line = line_base + (int)mk.line;
        *err_col = 1 + (int)mk.column;
        *err_msg = parser.problem ? parser.problem : "syntax error";
        yaml_parser_delete(&parser);
        return -2;
    }
    int rc = 0;
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (root && root->type == YAML_MAPPING_NODE) {
        for (yaml_node_pair_t *pr = root->data.mapping.pairs.start; pr < root->data.mapping.pairs.top && !rc; pr++) {
            yaml_node_t *k = yaml_document_get_node(&doc, pr->key);
            yaml_node_t *v = yaml_document_get_node(&doc, pr->value);
            if (!k || !v || k->type != YAML_SCALAR_NODE)
                continue;
            if (v->type == YAML_MAPPING_NODE) {
                char *section = cv_strndup((const char *)k->data.scalar.value, k->data.scalar.length);
                if (!section)
                    rc = -1;
                for (yaml_node_pair_t *q = v->data.mapping.pairs.start; section && q < v->data.mapping.pairs.top && !rc; q++) {
                    yaml_node_t *k2 = yaml_document_get_node(&doc, q->key);
                    yaml_node_t *v2 = yaml_document_get_node(&doc, q->value);
                    if (k2 && v2 && k2->type == YAML_SCALAR_NODE)
                        rc = push_kv(out, section, k2, v2, line_base);
                }
                free(section);
            } else {
                rc = push_kv(out, NULL, k, v, line_base);
            }
        }
    } else if (root && !(root->type == YAML_SCALAR_NODE && root->data.scalar.length == 0)) {
        *err_line = line_base;
        *err_col = 1;
        *err_msg = "not a mapping of keys to values";
        rc = -2;
    }
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    return rc;
}

/* Length of the line at p (without its terminator) and the offset of the next line. */
static size_t line_end(const char *s, size_t len, size_t p, size_t *next)
{
    size_t e = p;
    while (e < len && s[e] != '\n')
        e++;
    *next = e < len ? e + 1 : e;
    if (e > p && s[e - 1] == '\r')
        e--;
    return e;
}

static bool is_fence(const char *s, size_t p, size_t e, const char *mark)
{
    while (e > p && (s[e - 1] == ' ' || s[e - 1] == '\t'))
        e--;
    return e - p == 3 && memcmp(s + p, mark, 3) == 0;
}

size_t cv_frontmatter(cv_ctx *ctx, const char *src, size_t len, cv_meta *meta, int *body_line)
{
    size_t next;
    *body_line = 1;
    size_t e = line_end(src, len, 0, &next);
    if (!is_fence(src, 0, e, "---"))
        return 0;
    size_t yaml_start = next, p = next;
    int line = 2;
    while (p < len) {
        size_t le = line_end(src, len, p, &next);
        if (is_fence(src, p, le, "---") || is_fence(src, p, le, "...")) {
            *body_line = line + 1;
            int el, ec;
            const char *msg;
            int rc = cv_yaml_map(src + yaml_start, p - yaml_start, 2, &meta->keys, &el, &ec, &msg);
            if (rc == -1) {
                ctx->oom = true;
            } else if (rc == -2) {
                cv_diag(ctx, CVPDF_WARNING, CVPDF_D_FRONTMATTER_INVALID, el, ec, "front matter is not valid YAML (%s); it is ignored", msg);
                cv_kvs_free(&meta->keys);
            }
            for (size_t i = 0; i < meta->keys.n; i++) {
                const cv_kv *kv = &meta->keys.v[i];
                char **slot = !strcmp(kv->key, "title")    ? &meta->title
                              : !strcmp(kv->key, "author") ? &meta->author
                              : !strcmp(kv->key, "lang")   ? &meta->lang
                              : !strcmp(kv->key, "dir")    ? &meta->dir
                                                           : NULL;
                if (slot && kv->value[0]) {
                    free(*slot);
                    *slot = cv_strndup(kv->value, strlen(kv->value));
                    if (!*slot)
                        ctx->oom = true;
                }
            }
            return next;
        }
        p = next;
        line++;
    }
    cv_diag(ctx, CVPDF_WARNING, CVPDF_D_FRONTMATTER_UNCLOSED, 1, 1, "front matter opened with '---' is never closed; the file is read as Markdown");
    return 0;
}

void cv_meta_free(cv_meta *meta)
{
    free(meta->title);
    free(meta->author);
    free(meta->lang);
    free(meta->dir);
    cv_kvs_free(&meta->keys);
    memset(meta, 0, sizeof *meta);
}
