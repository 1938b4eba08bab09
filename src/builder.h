/* builder.h: the document builder (builder.c): what the Markdown front end (markdown.c)
 * and the HTML front end (html.c) both feed, so that Markdown and HTML meet in one model. */
#ifndef CVPDF_BUILDER_H
#define CVPDF_BUILDER_H

#include "context.h"
#include "model.h"

typedef struct cv_bld cv_bld;
void cv_bld_text(cv_bld *b, const char *s, size_t n);   /* already whitespace-collapsed */
void cv_bld_break(cv_bld *b);                           /* a forced line break */
uint16_t cv_bld_style(cv_bld *b, uint16_t style);       /* sets inline style, returns the old */
int32_t cv_bld_link(cv_bld *b, const char *href);       /* starts a link (NULL: none) */
void cv_bld_set_link(cv_bld *b, int32_t link);          /* restores one */
void cv_bld_end_para(cv_bld *b);                        /* ends the current paragraph */
void cv_bld_heading(cv_bld *b, int level);              /* ends the current text as a heading */
int cv_bld_align(cv_bld *b, int align);                 /* sets alignment, returns the old */
void cv_bld_quote(cv_bld *b, int delta);
void cv_bld_list(cv_bld *b, bool begin, bool ordered, int start);
void cv_bld_item(cv_bld *b);                            /* the next block is a list item */
void cv_bld_rule(cv_bld *b);
void cv_bld_image(cv_bld *b, const char *src, const char *alt, int w, int h, bool from_html);
void cv_bld_table(cv_bld *b, bool begin);
void cv_bld_row(cv_bld *b, bool begin, bool header);
void cv_bld_cell(cv_bld *b, bool begin, bool header, int align);
void cv_bld_warn(cv_bld *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
