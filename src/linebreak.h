/* linebreak.h: Knuth-Plass line breaking over boxes, glue and penalties (linebreak.c). */
#ifndef CVPDF_LINEBREAK_H
#define CVPDF_LINEBREAK_H

#include "util.h"

enum cv_item_kind { CV_I_BOX, CV_I_GLUE, CV_I_PENALTY, CV_I_KERN };
#define CV_PEN_INF 10000

/* What a glue stands for; justification treats them differently. */
enum cv_glue_role { CV_G_SPACE, CV_G_CJK, CV_G_HANLATIN, CV_G_PUNCT, CV_G_FILL };

typedef struct cv_item {
    uint8_t kind;
    uint8_t role;       /* glue: enum cv_glue_role */
    bool flagged;       /* penalty: a hyphenation point */
    bool join;          /* penalty: inside a word (hyphenation, after "-" or "/", an emergency
                         * cut): a break here sends the word's rest to this line's text */
    bool fil;           /* glue: infinite stretch */
    int32_t penalty;    /* penalty: cost; >= CV_PEN_INF forbids, <= -CV_PEN_INF forces */
    cvu width, stretch, shrink;
    /* layout payload */
    uint32_t a, b;      /* box: its clusters' bytes; penalty: the hyphen point, and b the
                         * word's end; glue: the bytes it stands for */
    uint32_t ws;        /* flagged penalty: the word's start */
    cvu pen0, shift;    /* box: pen position of byte a; glyph origin offset */
    uint16_t face;      /* flagged penalty: the hyphen glyph */
    uint32_t gid;
    cvu size;
} cv_item;

typedef struct cv_kp_params {
    int threshold;      /* the largest badness accepted (INF_BAD 10000 accepts any) */
    int line_penalty;
    int max_hyphen_run; /* hyphenated lines in a row, at most */
    int64_t double_hyphen_demerits, final_hyphen_demerits, adj_demerits;
    cvu rightskip_stretch; /* ragged right: stretch at each line end */
    cvu emergency_stretch; /* counted in badness only (TeX's \emergencystretch) */
    bool final_pass;    /* never give up: take the least bad break even when none fits */
} cv_kp_params;

typedef CV_VEC(size_t) cv_sizes;
/* Chooses breaks (item indices, the last being the paragraph's final forced break).
 * 0 on success, 1 when no breaks fit the threshold, -1 on OOM. */
int cv_knuth_plass(const cv_item *items, size_t n, cvu measure, const cv_kp_params *p,
                   cv_sizes *breaks);

#endif
