/* model.h: the document model: blocks of styled UTF-8 spans, images, tables, links.
 * Made by the front ends (markdown.c, html.c) through the builder (builder.c); read by
 * layout. Freed with cv_model_free (model.c). */
#ifndef CVPDF_MODEL_H
#define CVPDF_MODEL_H

#include "util.h"

enum {
    CV_S_BOLD = 1,
    CV_S_ITALIC = 2,
    CV_S_CODE = 4,
    CV_S_STRIKE = 8,
    CV_S_LINK = 16,
    CV_S_SUP = 32,
    CV_S_SUB = 64,
    CV_S_UNDERLINE = 128
};

/* A run of a block's text [start, end) in one inline style. */
typedef struct cv_span {
    uint32_t start, end;
    uint16_t style;
    int32_t link;  /* index into cv_model.links, or -1 */
    int32_t image; /* index into cv_model.images for a U+FFFC object, or -1 */
    int line, col; /* source position of the span's first byte */
    int32_t math;  /* 1 + index into cv_model.maths for a U+FFFC formula, or 0 */
    uint16_t note; /* a footnote's mark: the note's number, else 0 */
} cv_span;

/* A formula: TeX source ($...$, $$...$$, ```math), laid out by math.c. */
typedef struct cv_math {
    char *tex;
    uint32_t len;
    bool display;
    int line, col;
} cv_math;

enum cv_block_kind { CV_B_PARA, CV_B_HEADING, CV_B_CODE, CV_B_RULE, CV_B_TABLE };
/* GitHub's alerts (> [!NOTE] ...): the kind of alert a block belongs to. */
enum cv_alert { CV_ALERT_NONE, CV_ALERT_NOTE, CV_ALERT_TIP, CV_ALERT_IMPORTANT, CV_ALERT_WARNING, CV_ALERT_CAUTION };
enum cv_align { CV_ALIGN_DEFAULT, CV_ALIGN_LEFT, CV_ALIGN_CENTER, CV_ALIGN_RIGHT };

typedef struct cv_block {
    int kind;
    int level;       /* heading level 1–6 */
    char *text;      /* UTF-8; '\n' is a forced line break */
    uint32_t len;
    CV_VEC(cv_span) spans; /* cover text in order */
    int list_depth;  /* enclosing list items */
    int quote_depth; /* enclosing block quotes */
    char marker[24]; /* list item marker ("•", "12.") on the item's first block, else "" */
    bool tight;      /* follows its predecessor without paragraph spacing (tight lists) */
    int align;       /* enum cv_align (HTML align, <center>) */
    uint8_t dir;     /* CV_DIR_* (bidi.h): HTML dir=, else auto; resolved by layout */
    char lang[12];   /* its language when not the document's (a paragraph CLD2 found in
                      * another), else "" */
    int32_t table;   /* CV_B_TABLE: index into cv_model.tables */
    uint8_t alert;   /* enum cv_alert: inside an alert, whose colour its innermost quote bar takes */
    bool alert_title;/* the alert's title line ("Note"), set in its colour */
    bool display;    /* a display formula alone: centred, in display style */
    uint16_t note;   /* footnote n's text (set at the foot of the page of its mark), else 0 */
    int line, col;   /* source position of the block */
} cv_block;

/* A place a link can jump to: a heading's slug (GitHub's rules) or an HTML id or name. */
typedef struct cv_anchor {
    char *name;
    uint32_t block;  /* the block it stands before */
    bool used;       /* some link jumps to it: layout marks its place */
} cv_anchor;

enum { CV_IMG_NONE, CV_IMG_PNG, CV_IMG_JPEG };

typedef struct cv_image {
    char *src;            /* as written */
    char *alt;            /* its text alternative (may be empty) */
    unsigned char *data;  /* the file, when it could be read */
    size_t len;
    int format;           /* CV_IMG_* */
    int px_w, px_h;       /* its pixel size */
    int want_w, want_h;   /* HTML width/height in CSS px, 0 when not given */
} cv_image;

/* A table cell: one paragraph of styled text ('\n' between its inner blocks). */
typedef struct cv_cell {
    char *text;
    uint32_t len;
    CV_VEC(cv_span) spans;
    int align;            /* enum cv_align */
    bool header;
    int line, col;
    int colspan, rowspan; /* HTML's colspan and rowspan (1: none) */
    bool covered;         /* a grid place another cell's span covers (it has no text) */
    int width_pct;        /* HTML width="30%", in tenths of a percent, else 0 */
    int width_px;         /* HTML width="200" (CSS pixels), else 0 */
} cv_cell;

typedef struct cv_table {
    int ncols, nrows;
    int header_rows;      /* leading rows that repeat on each page */
    CV_VEC(cv_cell) cells;  /* row-major, nrows × ncols: a spanning cell at its first place,
                             * covered places after it (missing cells are empty) */
    int width_pct, width_px; /* <table width> as for cells */
} cv_table;

typedef struct cv_model {
    CV_VEC(cv_block) blocks;
    CV_VEC(char *) links; /* link targets; NULL for one that is shown but not clickable;
                           * "#name" for one inside the document */
    CV_VEC(int32_t) link_dest; /* per link, the anchor it jumps to, or -1 (cv_anchors_resolve) */
    CV_VEC(cv_anchor) anchors; /* HTML ids and names, then (when resolved) heading slugs */
    CV_VEC(cv_image) images;
    CV_VEC(cv_table) tables;
    CV_VEC(cv_math) maths;
    char *first_heading;  /* text of the first heading, for the title */
    int dir;              /* the document's direction (CV_DIR_*): front matter `dir:`, else
                           * from its strong characters; a paragraph without one takes it */
    bool dir_forced;      /* front matter set it: every paragraph without HTML dir= takes it */
    bool title_heading;   /* its first block is the front matter's title, shown as Jekyll's
                           * page layout does (not the author's name) */
} cv_model;

void cv_model_free(cv_model *model);
/* Puts title before the first block as a level-1 heading written at line:col. 0, -1 on OOM. */
int cv_model_title(cv_model *model, const char *title, int line, int col);

#endif
