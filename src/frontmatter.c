/* frontmatter.c: Jekyll-style YAML front matter, read with libyaml (its only client).
 *
 * The block starts at the first byte with a line "---" and ends at the next line "---" or
 * "...". Top-level scalar keys are kept; title, author and lang are used now, the others are
 * stored for later stages (styles). A malformed block is reported with its line and skipped,
 * so the résumé itself still renders.
 */
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "internal.h"

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

static char *scalar_text(yaml_node_t *n)
{
    if (!n || n->type != YAML_SCALAR_NODE)
        return NULL;
    return cv_strndup((const char *)n->data.scalar.value, n->data.scalar.length);
}

static void keep(cv_meta *meta, char *key, char *value)
{
    if (!key || !value || CV_PUSH(meta->keys, key) || CV_PUSH(meta->values, value)) {
        free(key);
        free(value);
    }
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
            size_t yaml_end = p;
            *body_line = line + 1;
            yaml_parser_t parser;
            yaml_document_t doc;
            if (!yaml_parser_initialize(&parser)) {
                ctx->oom = true;
                return next;
            }
            yaml_parser_set_input_string(&parser, (const unsigned char *)src + yaml_start,
                                         yaml_end - yaml_start);
            if (!yaml_parser_load(&parser, &doc)) {
                /* libyaml notices an unclosed bracket or quote only where the input ends;
                 * the user needs the line where the construct began (its context mark) */
                yaml_mark_t mk = parser.context ? parser.context_mark : parser.problem_mark;
                cv_diag(ctx, CVPDF_WARNING, 2 + (int)mk.line, 1 + (int)mk.column,
                        "front matter is not valid YAML (%s%s%s); it is ignored",
                        parser.problem ? parser.problem : "syntax error",
                        parser.context ? " " : "", parser.context ? parser.context : "");
                yaml_parser_delete(&parser);
                return next;
            }
            yaml_node_t *root = yaml_document_get_root_node(&doc);
            if (root && root->type == YAML_MAPPING_NODE) {
                for (yaml_node_pair_t *pr = root->data.mapping.pairs.start;
                     pr < root->data.mapping.pairs.top; pr++) {
                    yaml_node_t *k = yaml_document_get_node(&doc, pr->key);
                    yaml_node_t *v = yaml_document_get_node(&doc, pr->value);
                    char *key = scalar_text(k), *val = scalar_text(v);
                    if (!key) {
                        free(val);
                        continue;
                    }
                    char **slot = !strcmp(key, "title")    ? &meta->title
                                  : !strcmp(key, "author") ? &meta->author
                                  : !strcmp(key, "lang")   ? &meta->lang
                                                           : NULL;
                    if (slot && val && *val) {
                        free(*slot);
                        *slot = val;
                        free(key);
                    } else if (slot) {
                        free(key);
                        free(val);
                    } else {
                        keep(meta, key, val ? val : cv_strndup("", 0));
                    }
                }
            } else if (root && !(root->type == YAML_SCALAR_NODE &&
                                 root->data.scalar.length == 0)) {
                cv_diag(ctx, CVPDF_WARNING, 2, 1,
                        "front matter is not a mapping of keys to values; it is ignored");
            }
            yaml_document_delete(&doc);
            yaml_parser_delete(&parser);
            return next;
        }
        p = next;
        line++;
    }
    cv_diag(ctx, CVPDF_WARNING, 1, 1,
            "front matter opened with '---' is never closed; the file is read as Markdown");
    return 0;
}

void cv_meta_free(cv_meta *meta)
{
    free(meta->title);
    free(meta->author);
    free(meta->lang);
    for (size_t i = 0; i < meta->keys.n; i++) {
        free(meta->keys.v[i]);
        free(meta->values.v[i]);
    }
    free(meta->keys.v);
    free(meta->values.v);
    memset(meta, 0, sizeof *meta);
}
