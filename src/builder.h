/* builder.h: the document builder (builder.c): what the Markdown front end (markdown.c)
 * and the HTML front end (html.c) both feed, so that Markdown and HTML meet in one model.
 *
 * Text accumulates, with its inline style and link, into the block being built until a call
 * ends the block (cv_bld_block, cv_bld_end_para, cv_bld_heading, cv_bld_rule) or a table
 * cell. The builder owns nothing it returns: blocks, cells, links and images go into the
 * model given to cv_bld_new, which the caller frees with cv_model_free. */
#ifndef CVPDF_BUILDER_H
#define CVPDF_BUILDER_H

#include "context.h"
#include "model.h"

typedef struct cv_bld cv_bld;

/* A builder filling model; base_dir: where relative image paths start. NULL on OOM. */
cv_bld *cv_bld_new(cv_ctx *ctx, cv_model *model, const char *base_dir);
/* Ends the open paragraph and frees the builder. -1 when an allocation failed on the way. */
int cv_bld_finish(cv_bld *b);

/* What an inline container saves and restores: the position of the innermost node that
 * has one (for diagnostics), the inline style and the link. */
typedef struct cv_bld_state {
    int line, col;
    uint16_t style;
    int32_t link;
} cv_bld_state;
cv_bld_state cv_bld_save(const cv_bld *b);
void cv_bld_restore(cv_bld *b, cv_bld_state s);
void cv_bld_pos(cv_bld *b, int line, int col);          /* the current node's position */

void cv_bld_add(cv_bld *b, const char *s, size_t n);    /* text as it is */
void cv_bld_text(cv_bld *b, const char *s, size_t n);   /* already whitespace-collapsed (HTML) */
void cv_bld_softbreak(cv_bld *b);                       /* a soft line break: a space, or none between CJK */
void cv_bld_break(cv_bld *b);                           /* a forced line break */
void cv_bld_trim(cv_bld *b);                            /* drops trailing spaces and breaks */
uint16_t cv_bld_style(cv_bld *b, uint16_t style);       /* sets inline style, returns the old */
int32_t cv_bld_link(cv_bld *b, const char *href);       /* starts a link (NULL: none), returns the old */
void cv_bld_set_link(cv_bld *b, int32_t link);          /* restores one */
/* Ends the text so far as a block of kind enum cv_block_kind (level: headings) that starts at
 * line:col. */
void cv_bld_block(cv_bld *b, int kind, int level, int line, int col);
void cv_bld_end_para(cv_bld *b);                        /* ends the current paragraph */
void cv_bld_heading(cv_bld *b, int level);              /* ends the current text as a heading */
int cv_bld_align(cv_bld *b, int align);                 /* sets alignment, returns the old */
int cv_bld_dir(cv_bld *b, int dir);                     /* sets direction (CV_DIR_*, -1 keeps), returns the old */
/* A container (<div align>, <center>) opened in one HTML block and closed in a later one:
 * align (enum cv_align) applies to every block until it closes. */
void cv_bld_container(cv_bld *b, bool open, int align);
void cv_bld_quote(cv_bld *b, int delta);
/* Lists: HTML's <ul>/<ol> count their own items (cv_bld_list, cv_bld_item); Markdown's lists
 * say tight or loose and set each item's marker themselves. */
void cv_bld_list(cv_bld *b, bool begin, bool ordered, int start);
void cv_bld_item(cv_bld *b);                            /* the next block is a list item */
typedef struct cv_bld_list_state {
    bool tight, first;
} cv_bld_list_state;
cv_bld_list_state cv_bld_md_list(cv_bld *b, bool tight); /* a Markdown list begins */
void cv_bld_md_list_end(cv_bld *b, cv_bld_list_state s);
int cv_bld_list_depth(const cv_bld *b);
void cv_bld_marker(cv_bld *b, const char *marker);      /* the next block's list marker */
void cv_bld_rule(cv_bld *b);
/* A place links can jump to ("#name"): an HTML id or name, before the block being built. */
void cv_bld_anchor(cv_bld *b, const char *name);
/* The blocks that follow belong to a GitHub alert (enum cv_alert; CV_ALERT_NONE ends it); the
 * first of them is its title. */
void cv_bld_alert(cv_bld *b, int alert);
/* The next block follows the one before without paragraph spacing. */
void cv_bld_join(cv_bld *b);
/* Footnotes: the mark of note n in the text (a superscript that links to the note; first:
 * the first mark, which the note links back to); the blocks that follow are note n's text
 * (0: the text again); a link back at the end of a note's last paragraph. */
void cv_bld_note_ref(cv_bld *b, int n, bool first);
void cv_bld_note(cv_bld *b, int n);
void cv_bld_note_back(cv_bld *b, int n);
/* A formula (TeX source, written from line:col; 0: the current node's place) in the text;
 * display: in display style. */
void cv_bld_math(cv_bld *b, const char *tex, size_t len, bool display, int line, int col);
/* A display formula as a block of its own, centred, written at line:col. */
void cv_bld_display_math(cv_bld *b, const char *tex, size_t len, int line, int col);
void cv_bld_image(cv_bld *b, const char *src, const char *alt, int w, int h, bool from_html);
void cv_bld_table(cv_bld *b, bool begin);
void cv_bld_row(cv_bld *b, bool begin, bool header);
void cv_bld_cell(cv_bld *b, bool begin, bool header, int align);
/* The open cell's colspan, rowspan and width (tenths of a percent, or CSS pixels; 0: none). */
void cv_bld_cell_size(cv_bld *b, int colspan, int rowspan, int width_pct, int width_px);
/* The open table's width. */
void cv_bld_table_width(cv_bld *b, int width_pct, int width_px);
void cv_bld_warn(cv_bld *b, cvpdf_code code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
