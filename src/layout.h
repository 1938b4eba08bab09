/* layout.h: layout: the model's blocks to a vertical list of lines of positioned glyphs,
 * spaces, rules and marks (layout.c and the files it drives). */
#ifndef CVPDF_LAYOUT_H
#define CVPDF_LAYOUT_H

#include "fonts.h"
#include "hyph.h"
#include "model.h"
#include "style.h"

/* How a glyph reaches the PDF. A word broken at a hyphenation point is real text on both
 * lines, its drawn hyphen an artifact: every extractor reads "collab-" / "orated", which
 * they (and ATS parsers) join, and a tagged PDF's structure reads the word whole. A word
 * broken without a hyphen (after an explicit hyphen or a slash: a compound, a URL) must
 * extract whole, in extractors with and without /ActualText support (only poppler and
 * MuPDF.js read it): its head stays text and is followed by the rest of the word as
 * invisible text squeezed to no width; its tail is drawn as outlines, which no extractor
 * reads. */
enum cv_glyph_mode { CV_GM_TEXT, CV_GM_INVISIBLE, CV_GM_PATH };

/* What a glyph is in the document's structure (tags.h): content of its block, a list
 * marker (Lbl), an image's alternative text (in its Figure), or page furniture. */
enum cv_glyph_tag { CV_TAG_CONTENT, CV_TAG_ARTIFACT, CV_TAG_LABEL, CV_TAG_ALT };

/* A glyph placed on a line: x from the line's left edge, dy from the baseline (up). */
typedef struct cv_lglyph {
    cvu x, dy, size;
    uint32_t gid;
    uint16_t face;
    uint16_t ncl;      /* on a cluster's first glyph: glyphs in the cluster; else 0 */
    uint32_t color;
    const char *text;  /* the cluster's source text (first glyph only) */
    uint32_t tlen;
    uint8_t mode;      /* enum cv_glyph_mode */
    uint8_t tag;       /* enum cv_glyph_tag */
    int32_t link;      /* 1 + the model's link it is the text of, 0 for none */
    int32_t cell;      /* in a table row: 1 + its cell (row-major in the table), else 0 */
    int32_t image;     /* >= 0: not a glyph but image `image` of the model, iw × ih, its
                        * bottom on the baseline */
    cvu iw, ih;
    /* On the first glyph of a hyphenated word's head: the head and its invisible tail (aspan
     * glyphs) are also marked /ActualText atext[0..alen), for extractors that prefer it */
    uint16_t aspan;
    const char *atext;
    uint32_t alen;
} cv_lglyph;

/* A rule or a filled rectangle of a line item (table borders and header shading): x from
 * the item's left edge, y down from its top. */
typedef struct cv_lrule {
    cvu x0, y0, x1, y1, width;
    uint32_t color;
    bool fill;
} cv_lrule;

typedef struct cv_lbox {
    cvu x0, x1, top, bottom; /* relative to the line's left edge and baseline (up) */
    int32_t link;
} cv_lbox;

enum cv_vkind { CV_V_LINE, CV_V_SPACE, CV_V_RULE, CV_V_MARK };

typedef struct cv_vitem {
    int kind;
    cvu height;      /* vertical advance */
    cvu ascent;      /* LINE: baseline below the item's top */
    cvu x0, x1;      /* LINE: left edge; RULE: extent; */
    cvu thickness;   /* RULE */
    uint32_t color;  /* RULE */
    size_t g0, g1;   /* LINE: glyphs [g0, g1) */
    size_t b0, b1;   /* LINE: link boxes [b0, b1) */
    int quote_depth; /* LINE: bars to draw at the left (the right when rtl) */
    uint32_t bar_color; /* LINE: the innermost bar's colour (an alert's), 0 for the usual grey */
    bool rtl;        /* LINE: of a right-to-left paragraph */
    bool bidi;       /* LINE: set in visual order (UAX #9), its glyphs moved from logical order */
    const char *lang;/* LINE: its language when not the document's (a span /Lang), else NULL */
    bool keep_next;  /* no page break between this item and the next */
    int level;       /* MARK: outline level, title in text/tlen; 0: a link target, anchor
                      * `anchor` of the model, its name in text/tlen */
    int32_t anchor;
    const char *text;/* MARK: the title; LINE: its source text, for traces */
    uint32_t tlen;
    cvu width;       /* LINE: the set width */
    int32_t ratio;   /* LINE: glue set ratio in thousandths (+ stretched, - shrunk) */
    bool hyphen;     /* LINE: ends with a hyphenation hyphen */
    uint16_t glue_n[5]; /* LINE: glue by enum cv_glue_role, and their set widths, for traces */
    cvu glue_w[5];
    size_t r0, r1;   /* LINE: its rules and fills */
    int32_t table;   /* LINE: a table row: 1 + the table's index, else 0 */
    bool table_header; /* a header row, repeated at the top of each page the table runs onto */
    uint16_t note;   /* of footnote `note`'s text: set at the foot of the page of its first mark */
    uint32_t block;  /* 1 + the model's block it comes from, 0 for none (a footer) */
    uint32_t ref0, ref1; /* LINE: the notes it marks, refs[ref0, ref1) of the list */
} cv_vitem;

typedef struct cv_vlist {
    CV_VEC(cv_vitem) items;
    CV_VEC(cv_lglyph) glyphs;
    CV_VEC(cv_lbox) boxes;
    CV_VEC(cv_lrule) rules;
    CV_VEC(char *) strings; /* text the items point into that no earlier stage owns */
    CV_VEC(uint16_t) refs;  /* the notes lines mark (cv_vitem.ref0) */
} cv_vlist;

typedef struct cv_layout cv_layout;
/* hyph: the document language's hyphenation dictionary, owned by the caller and shared by
 * every layout of one render (the --fit-pages trials too), or NULL */
cv_layout *cv_layout_new(cv_ctx *ctx, cv_fonts *fonts, const cv_style *st, const char *lang, cv_hyph *hyph);
void cv_layout_free(cv_layout *lay);
/* The model is kept for its images and tables. */
int cv_layout_model(cv_layout *lay, const cv_model *model, cv_vlist *out);
/* Lays out one line of plain text (no breaking) in the regular face; appends glyphs to out
 * and returns its width, or -1. */
cvu cv_layout_text(cv_layout *lay, const char *text, size_t len, cvu size, uint32_t color,
                   cv_vlist *out);
void cv_vlist_free(cv_vlist *vl);
/* Which face each character got (with "fonts-report" on), as text. */
void cv_layout_fonts_report(const cv_layout *lay, cv_buf *out);
/* The document's name (its first level-1 heading), for a footer; NULL when none. */
const char *cv_layout_name(const cv_layout *lay, size_t *len);
/* The footer line of page `page` of npages ("n / N", the name, or both, as the style says),
 * as an item of out whose glyphs are centred on the page (x0) and sit on its baseline;
 * *item is its index, or (size_t)-1 when the style wants no footer. 0, -1 on OOM. */
int cv_layout_footer(cv_layout *lay, size_t page, size_t npages, cv_vlist *out, size_t *item);

#endif
