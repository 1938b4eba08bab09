/* check.h: checks of the source itself, reported at their line and column (check.c). */
#ifndef CVPDF_CHECK_H
#define CVPDF_CHECK_H

#include "context.h"
#include "model.h"

/* check.c: warnings about the source itself (mojibake), at their line and column. */
void cv_check_source(cv_ctx *ctx);

/* A text node holding "**" or "__" that is not an escape (its literal lit starts at
 * line:col): emphasis that did not parse, and prints literally. */
void cv_check_emphasis(cv_ctx *ctx, const char *lit, int line, int col);
/* Liquid tags ({% include x %}, {{ page.title }}) and Hugo shortcodes ({{< x >}}) in a text
 * node at line:col: the site generator would have run them; here they print as written. */
void cv_check_template(cv_ctx *ctx, const char *lit, int line, int col);
/* Lines l0+1..l1 of a paragraph that start like a list item. */
void cv_check_swallowed_items(cv_ctx *ctx, int l0, int l1, int col);
/* An ordered item written as `written` and printed as `printed`. */
void cv_check_renumbered(cv_ctx *ctx, int line, int col, int written, int printed, char delim);
/* Headings in document order: a skipped level. */
typedef struct cv_heading_check {
    int last;
} cv_heading_check;
void cv_check_heading(cv_ctx *ctx, cv_heading_check *state, int level, int line, int col);
/* Sections without content. */
void cv_check_sections(cv_ctx *ctx, const cv_model *model);

#endif
