/* layout_int.h: what the files of the layout stage share (layout.c drives them): the layout's
 * state, the glyphs of the block being laid out, and the steps each file does for a block:
 *
 *   facepick.c  the face of each grapheme (role, CJK face, fallback, emoji), and --fonts
 *   itemize.c   runs of one face and style, shaped with HarfBuzz into l->bg, pen positions
 *   items.c     boxes, glue and penalties: spaces, CJK and Han-Latin spacing, punctuation
 *               blanks, hyphenation points, cuts in over-wide words
 *   block.c     a block broken into lines: Knuth-Plass's passes, long blocks in pieces,
 *               keep flags
 *   setline.c   one line set: glue, justification, glyphs, links, hyphens, markers
 *   table.c     tables: column widths, cells, rows
 *
 * No file outside the layout stage includes this header. */
#ifndef CVPDF_LAYOUT_INT_H
#define CVPDF_LAYOUT_INT_H

#include "bidi.h"
#include "breaks.h"
#include "layout.h"
#include "linebreak.h"
#include "math.h"
#include "shape.h"

/* A shaped glyph of the block being laid out. */
typedef struct bglyph {
    uint32_t gid;
    uint16_t face;
    uint32_t cluster, cend; /* the cluster's bytes [cluster, cend) */
    cvu pen, dx, dy, adv, size;
    uint32_t color;
    int32_t link;
    bool strike, first;
    uint16_t ncl;
    int32_t image;  /* an image box (U+FFFC): model image index, adv × ih; a formula
                     * (FACE_MATH): model math index, adv × ih above the baseline, idp below */
    cvu ih, idp;
} bglyph;

#define FACE_IMAGE 0xFFFF
#define FACE_MATH 0xFFFE

/* A formula laid out for a layout (math.c), at the size it was asked at. */
typedef struct lay_math {
    cv_mathbox box;
    cvu size;
    bool made, display;
    bool fallback;  /* no math font: its TeX is set as text */
} lay_math;

/* A stretch of a line being set, for its visual reordering (UAX #9 L2): a cluster's glyphs
 * out->glyphs[g0, g1) over [x0, x1) in logical order, or a gap (glue, no glyphs). */
typedef struct cv_bpiece {
    size_t g0, g1;
    cvu x0, x1, size;
    uint8_t level;  /* its embedding level; 0xFF: a gap without text, resolved from its neighbours */
    int32_t link;   /* a link box's key (-2 for a strike box), -1 for none */
} cv_bpiece;

struct cv_layout {
    cv_ctx *ctx;
    const cv_model *model;   /* the document being laid out (its images and tables) */
    cv_fonts *fonts;
    const cv_style *st;
    char lang[32];
    bool cjk_doc;
    CV_VEC(bglyph) bg;
    cv_sglyphs sg;
    cv_shaper *shaper;
    cv_map warned;           /* code points already reported as uncovered */
    int uncovered_more;      /* uncovered characters not reported one by one */
    CV_VEC(cv_item) items;   /* the block being broken */
    cv_sizes breaks;
    cv_hyph *hyph;           /* lent by the caller (NULL: no hyphenation) */
    int emoji_dropped;       /* clusters left out by "emoji: none" */
    bool in_table;           /* laying out table cells: ragged, no keep flags */
    CV_VEC(uint64_t) used;   /* "fonts-report": (code point << 16 | face) of each first use */
    cv_map used_seen;        /* the code points in `used` */
    const uint8_t *lv;       /* the block's embedding levels by byte (bidi.c); NULL when every
                              * byte is at level 0, the common case that needs no reordering */
    bool rtl;                /* the block's base direction is right-to-left */
    const char *block_lang;  /* the block's language when not the document's (the model's) */
    CV_VEC(cv_bpiece) pieces;/* the line being set, when lv is set */
    CV_VEC(lay_math) maths;  /* the model's formulas, as laid out (itemize.c) */
    const char *word_text;   /* the last word measured by push_join_penalty */
    uint32_t word_ws, word_we;
};

/* FACE_IMAGE: a glyph that is an image box; FACE_DROPPED: a cluster left out by "emoji: none". */
#define FACE_DROPPED (-4)

static inline cvu cv_lay_block_size(const cv_style *st, const cv_block *b)
{
    if (b->kind == CV_B_HEADING)
        return st->h_size[(b->level >= 1 && b->level <= 6 ? b->level : 6) - 1];
    if (b->kind == CV_B_CODE)
        return st->code_size;
    return b->note ? st->footnote_size : st->body_size;
}

/* What em[] (the cuts of the final pass) holds at a byte: a cut offered inside a stretch
 * wider than the measure, or a cut forced where a full line of a very wide one ends. */
enum { EM_NONE, EM_CUT, EM_GREEDY };

/* layout.c: the block's base direction (CV_DIR_LTR or CV_DIR_RTL): its own (HTML dir=), the
 * front matter's, its first strong character's, or the document's. */
int cv_lay_dir(const cv_layout *l, const cv_block *blk);

/* facepick.c: the face for the grapheme t[a, b) in a block with the given style (remembered
 * for --fonts); reports a character no face covers at its position in line:col's span. */
int cv_lay_pick_face(cv_layout *l, const cv_block *blk, uint16_t style, const char *t, size_t a, size_t b,
                     int line, int col);
/* itemize.c: itemizes and shapes the block's text into l->bg; px[p] receives the pen position
 * at each byte offset where a cluster starts (-1 inside a cluster). Returns the final pen
 * position. */
/* One line of text, no breaking, no reordering, each character in the regular face or a
 * fallback that has it: safe inside a block's layout (list markers, an image's alt text). */
cvu cv_lay_text_runs(cv_layout *l, const char *text, size_t len, cvu size, uint32_t color, cv_vlist *out);
/* Formula k of the model at size (display style or not), laid out once: NULL on OOM. */
const lay_math *cv_lay_math(cv_layout *l, size_t k, cvu size, bool display);
/* No line break next to a formula but where a space is (brk as cv_line_breaks gives it). */
void cv_lay_keep_math(const cv_block *blk, uint8_t *brk);
cvu cv_lay_shape_block(cv_layout *l, const cv_block *blk, cvu *px, uint8_t *gb, cvu measure);
/* items.c: hyphenation points of the block (hy[p] = 1: a hyphen may go before byte p), and
 * the block's item list in l->items (emerg: the final pass's cuts, or NULL). 0, -1 on OOM. */
void cv_lay_find_hyphens(cv_layout *l, const cv_block *blk, const uint8_t *brk, uint8_t *hy);
int cv_lay_build_items(cv_layout *l, const cv_block *blk, const cvu *px, const uint8_t *gb,
                       const uint8_t *brk, const uint8_t *hy, const uint8_t *emerg, bool justify);
/* A space glyph at x on the baseline of the last text glyph of out->glyphs[from..), in its
 * face (none when there is no such glyph): a gap that is no glue (after a list marker,
 * between table cells) then reads as a space in extractors that take only space glyphs for
 * spaces (pypdf). 0, or -1 on OOM. */
int cv_lay_space_after(cv_layout *l, cv_vlist *out, size_t from, cvu x);

/* setline.c: sets the line of items [from, to) (to: the break item) into out; carry_we is the
 * end of a word carried from the line before. 0, -1 on OOM. */
int cv_lay_set_line(cv_layout *l, const cv_block *blk, size_t from, size_t to, cvu x0, cvu measure,
                    bool justify, bool first_line, uint32_t *carry_we, cv_vlist *out);
/* block.c: breaks one block into lines and emits them. 0, -1 on OOM. */
int cv_lay_block(cv_layout *l, const cv_block *blk, cvu x0, cvu measure, cv_vlist *out);
/* table.c: lays out a table block, one vertical-list item a row. 0, -1 on OOM. */
int cv_lay_table(cv_layout *l, const cv_block *blk, cvu x0, cvu measure, cv_vlist *out);

#endif
