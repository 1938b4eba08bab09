/* paginate.h: pages (paginate.c): the vertical list cut into pages.
 *
 * A page is a plan: which items of the layout's vertical list it places, and where (a table's
 * header rows repeated at its top included), plus its footer line. The glyphs stay in the
 * vertical list; cv_page_get turns a plan into the display list of one page (absolute
 * positions, rules, links, marks) when the PDF writer or the trace needs it, so a document's
 * glyphs are held once, not again for its pages. */
#ifndef CVPDF_PAGINATE_H
#define CVPDF_PAGINATE_H

#include "layout.h"

typedef struct cv_pglyph {
    cvu x, y; /* baseline position from the page's top-left, y downwards */
    cvu size;
    uint32_t gid;
    uint16_t face, ncl;
    uint32_t color;
    const char *text;
    uint32_t tlen;
    uint8_t mode;   /* enum cv_glyph_mode */
    uint8_t tag;    /* as in cv_lglyph; CV_TAG_ARTIFACT too in a repeated table header */
    int32_t link, cell; /* as in cv_lglyph */
    uint32_t block; /* as in cv_vitem */
    uint8_t synth;  /* CV_SYNTH_* (fonts.h): made-up bold or oblique, set by the PDF writer */
    const char *lang; /* its line's language when not the document's, else NULL */
    int32_t image;  /* as in cv_lglyph */
    cvu iw, ih;
    uint16_t aspan; /* as in cv_lglyph */
    const char *atext;
    uint32_t alen;
} cv_pglyph;

typedef struct cv_prule {
    cvu x0, y0, x1, y1, width;
    uint32_t color;
    bool fill;      /* a filled rectangle with corners (x0, y0) and (x1, y1) */
} cv_prule;

typedef struct cv_plink {
    cvu x0, y0, x1, y1; /* y downwards */
    int32_t link;
} cv_plink;

typedef struct cv_pmark {
    int level;      /* 0: a link target, anchor `anchor`, its name in text */
    int32_t anchor;
    cvu y;
    const char *text;
    uint32_t tlen;
} cv_pmark;

/* A line as placed, for traces. */
typedef struct cv_pline {
    cvu x, y, width;
    int32_t ratio;
    bool hyphen;
    const char *text;
    uint32_t tlen;
    uint16_t glue_n[5];
    cvu glue_w[5];
    uint8_t bidi;     /* 0: left to right only; 1: reordered in a left-to-right paragraph;
                       * 2: of a right-to-left paragraph */
    size_t g0, g1;    /* its glyphs in the page's list */
    const char *lang; /* its language when not the document's */
} cv_pline;


/* The display list of one page, made by cv_page_get. */
typedef struct cv_page {
    cvu used;        /* the height its content takes */
    CV_VEC(cv_pline) lines;
    CV_VEC(cv_pglyph) glyphs;
    CV_VEC(cv_prule) rules;
    CV_VEC(cv_plink) links;
    CV_VEC(cv_pmark) marks;
} cv_page;
void cv_page_free(cv_page *page);

/* An item of the vertical list placed with its top at y = top (from the page's top edge). */
typedef struct cv_placed {
    size_t item;
    cvu top;
} cv_placed;

typedef struct cv_page_plan {
    size_t p0, p1;   /* its items: placed[p0, p1) */
    cvu used;        /* the height they take */
    size_t footer;   /* its footer line: an item of footers, or (size_t)-1 */
    size_t p2;       /* its footnotes: placed[p1, p2), at the foot of the page */
    cvu notes_rule;  /* where the short rule over them stands (y from the top), 0: none */
} cv_page_plan;

typedef struct cv_pages {
    CV_VEC(cv_page_plan) pages;
    CV_VEC(cv_placed) placed;
    const cv_vlist *vl;   /* the vertical list placed (the layout's) */
    const cv_style *st;
    cv_vlist footers;     /* one line a page, centred in the bottom margin (cv_layout_footer) */
    cvu width, height;
} cv_pages;

/* Cuts vl into pages; vl and st must outlive out. */
int cv_paginate(cv_ctx *ctx, const cv_style *st, const cv_vlist *vl, cv_pages *out);
/* The display list of page p, into out (emptied first). 0, -1 on OOM. */
int cv_page_get(const cv_pages *pages, size_t p, cv_page *out);
void cv_pages_free(cv_pages *pages);

#endif
