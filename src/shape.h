/* shape.h: font faces and shaping (shape.c, the HarfBuzz client). */
#ifndef CVPDF_SHAPE_H
#define CVPDF_SHAPE_H

#include "memo.h"
#include "util.h"

typedef struct cv_face cv_face;

typedef struct cv_face_info {
    int upem;
    int ascender, descender, cap_height; /* font units; descender negative */
    int bbox[4];
    int italic_angle;   /* degrees */
    bool cff;           /* outlines in a CFF table (else glyf) */
    bool color;         /* colour bitmap glyphs (CBDT): embedded as images in a Type3 font */
    unsigned nglyphs;
    char psname[64];
} cv_face_info;

/* Opens face `index` of a font file (mapped, not copied). NULL on failure (errno ENOMEM when
 * for want of memory). */
cv_face *cv_face_open(const char *path, unsigned index);
/* The file the face was opened from, and its index in it. */
const char *cv_face_path(const cv_face *f, unsigned *index);
void cv_face_free(cv_face *face);
bool cv_face_has(const cv_face *face, uint32_t cp);
const cv_face_info *cv_face_get_info(const cv_face *face);
int cv_face_advance(const cv_face *face, uint32_t gid); /* font units */
void *cv_face_hb(const cv_face *face);                  /* the hb_face_t, for subset.c */
/* Appends the glyph's outline as PDF path operators (m l c h) in font units. */
int cv_face_outline(const cv_face *face, uint32_t gid, cv_buf *out);
/* Horizontal ink extent of a glyph in font units; false for a blank glyph. */
bool cv_face_ink(const cv_face *face, uint32_t gid, int *x0, int *x1);
/* The nominal glyph of cp, 0 when the face has none. */
uint32_t cv_face_glyph(const cv_face *face, uint32_t cp);

/* ---- the OpenType MATH table (for math.c) ---------------------------------------------- */

/* The constants math.c uses, in font units (the two percentages as numbers). */
typedef enum {
    CV_MC_SCRIPT_PERCENT, CV_MC_SCRIPTSCRIPT_PERCENT, CV_MC_AXIS_HEIGHT, CV_MC_ACCENT_BASE_HEIGHT,
    CV_MC_SUB_SHIFT_DOWN, CV_MC_SUB_TOP_MAX, CV_MC_SUB_BASELINE_DROP_MIN, CV_MC_SUP_SHIFT_UP,
    CV_MC_SUP_SHIFT_UP_CRAMPED, CV_MC_SUP_BOTTOM_MIN, CV_MC_SUP_BASELINE_DROP_MAX, CV_MC_SUBSUP_GAP_MIN,
    CV_MC_SUP_BOTTOM_MAX_WITH_SUB, CV_MC_SPACE_AFTER_SCRIPT, CV_MC_UPPER_LIMIT_GAP_MIN,
    CV_MC_UPPER_LIMIT_RISE_MIN, CV_MC_LOWER_LIMIT_GAP_MIN, CV_MC_LOWER_LIMIT_DROP_MIN,
    CV_MC_FRAC_NUM_SHIFT_UP, CV_MC_FRAC_NUM_DISPLAY_SHIFT_UP, CV_MC_FRAC_DEN_SHIFT_DOWN,
    CV_MC_FRAC_DEN_DISPLAY_SHIFT_DOWN, CV_MC_FRAC_NUM_GAP_MIN, CV_MC_FRAC_NUM_DISPLAY_GAP_MIN,
    CV_MC_FRAC_RULE, CV_MC_FRAC_DEN_GAP_MIN, CV_MC_FRAC_DEN_DISPLAY_GAP_MIN, CV_MC_RADICAL_GAP,
    CV_MC_RADICAL_DISPLAY_GAP, CV_MC_RADICAL_RULE, CV_MC_RADICAL_EXTRA_ASCENDER, CV_MC_DISPLAY_OP_MIN_HEIGHT,
    CV_MC_DELIMITED_SUB_FORMULA_MIN_HEIGHT, CV_MC_N
} cv_math_const;

/* Whether the face has a MATH table. */
bool cv_face_has_math(const cv_face *face);
int cv_math_constant(const cv_face *face, cv_math_const c);
/* The glyph's italic correction and top accent attachment (INT32_MIN: none), font units. */
int cv_math_italic(const cv_face *face, uint32_t gid);
int cv_math_top_accent(const cv_face *face, uint32_t gid);
/* The glyph's larger variants (vertical or horizontal), smallest first: up to max glyphs into
 * gids, their advances (heights for vertical ones) into sizes; returns how many. */
int cv_math_variants(const cv_face *face, uint32_t gid, bool vertical, uint32_t *gids, int *sizes, int max);
/* The glyph's ink box in font units (y up); false for a blank glyph. */
bool cv_face_box(const cv_face *face, uint32_t gid, int *x0, int *y0, int *x1, int *y1);

typedef struct cv_sglyph {
    uint32_t gid;
    uint32_t cluster; /* byte offset into the text of the first character of the cluster */
    cvu adv, dx, dy;
} cv_sglyph;
typedef CV_VEC(cv_sglyph) cv_sglyphs;

/* Scratch space for shaping (a HarfBuzz buffer): one per layout, never shared by threads. */
typedef struct cv_shaper cv_shaper;
/* memo: where shaped runs are remembered (a cvpdf_cache's, the render's), or NULL; disk: the
 * cache directory the runs of the document named doc are also kept in between processes
 * (diskcache.c), or NULL. */
cv_shaper *cv_shaper_new(cv_memo *memo, const char *disk, const char *doc);
void cv_shaper_free(cv_shaper *sh);
/* How cv_shape shapes a run: CV_SHAPE_RTL, right to left (mirrored brackets, RTL features),
 * its glyphs still in logical cluster order; CV_SHAPE_BIDI, in a block that is reordered:
 * default ignorables (ZWNJ, bidi controls) get no glyph. */
enum { CV_SHAPE_RTL = 1, CV_SHAPE_BIDI = 2 };
/* Shapes text[off, off+len) (the rest is context) at size, appending to out. */
int cv_shape(cv_shaper *sh, cv_face *face, cvu size, const char *text, size_t text_len, size_t off,
             size_t len, const char *lang, int how, cv_sglyphs *out);

#endif
