/* paginate.h: pages: the vertical list cut into pages of absolutely placed glyphs, rules,
 * links and marks (paginate.c). */
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
    int level;
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
} cv_pline;


typedef struct cv_page {
    cvu used;        /* the height its content takes */
    CV_VEC(cv_pline) lines;
    CV_VEC(cv_pglyph) glyphs;
    CV_VEC(cv_prule) rules;
    CV_VEC(cv_plink) links;
    CV_VEC(cv_pmark) marks;
} cv_page;

typedef struct cv_pages {
    CV_VEC(cv_page) pages;
    CV_VEC(char *) strings; /* text the pages point into that no earlier stage owns */
    cvu width, height;
} cv_pages;

int cv_paginate(cv_ctx *ctx, cv_layout *lay, const cv_style *st, const cv_vlist *vl,
                cv_pages *out);
void cv_pages_free(cv_pages *pages);

#endif
