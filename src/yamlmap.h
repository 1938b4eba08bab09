/* yamlmap.h: YAML mappings and the front matter (yaml.c, the only libyaml client). */
#ifndef CVPDF_YAMLMAP_H
#define CVPDF_YAMLMAP_H

#include "context.h"

typedef struct cv_kv {
    char *key;          /* "key", or "section.key" one level down */
    char *value;
    int line, col;      /* where the key is */
    int vline, vcol;    /* where the value is */
} cv_kv;
typedef CV_VEC(cv_kv) cv_kvs;

/* Parses a YAML mapping whose first line is file line line_base. 0 on success, -1 on OOM,
 * -2 on malformed YAML with its position and a message in *err_*. */
int cv_yaml_map(const char *src, size_t len, int line_base, cv_kvs *out, int *err_line, int *err_col,
                const char **err_msg);
void cv_kvs_free(cv_kvs *kv);

typedef struct cv_meta {
    char *title, *author, *lang;
    char *dir; /* rtl, ltr or auto: the document's direction (bidi.h) */
    cv_kvs keys; /* every key, for the style (font-size: 10pt, style: modern, fit: 1, ...) */
} cv_meta;

/* Splits off a leading YAML front matter block of src[0..len). Returns the byte offset of the
 * Markdown body and sets *body_line to its first line number. Malformed YAML is reported and
 * ignored. */
size_t cv_frontmatter(cv_ctx *ctx, const char *src, size_t len, cv_meta *meta, int *body_line);
void cv_meta_free(cv_meta *meta);

#endif
