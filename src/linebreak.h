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

/* The parameters of cvpdf's paragraphs, by their names in tex.web (and TeX's plain format's
 * values, which cvpdf keeps). */
#define CV_KP_PRETOLERANCE 100          /* \pretolerance: the first pass, without hyphens */
#define CV_KP_TOLERANCE 200             /* \tolerance: the second pass, with hyphens */
#define CV_KP_INF_BAD 10000             /* the final pass accepts any badness */
#define CV_KP_LINE_PENALTY 10           /* \linepenalty */
#define CV_KP_MAX_HYPHEN_RUN 2          /* hyphenated lines in a row, at most */
#define CV_KP_DOUBLE_HYPHEN_DEMERITS 10000 /* \doublehyphendemerits */
#define CV_KP_FINAL_HYPHEN_DEMERITS 5000   /* \finalhyphendemerits */
#define CV_KP_ADJ_DEMERITS 10000        /* \adjdemerits: neighbouring lines of distant fitness */
#define CV_KP_RAGGED_EMS 3              /* ragged right: \rightskip stretch, in ems of the text */
#define CV_KP_EMERGENCY_EMS 3           /* \emergencystretch of the final pass, in ems */
/* Penalties the items carry. */
#define CV_PEN_HYPHEN 50                /* \hyphenpenalty: at a hyphenation point */
#define CV_PEN_EXHYPHEN 50              /* \exhyphenpenalty: after a hyphen in the text */
#define CV_PEN_SLASH 100                /* after a slash or another break inside a word */
#define CV_PEN_EMERGENCY 1000           /* a cut inside a word wider than the line */

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
