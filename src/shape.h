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

typedef struct cv_sglyph {
    uint32_t gid;
    uint32_t cluster; /* byte offset into the text of the first character of the cluster */
    cvu adv, dx, dy;
} cv_sglyph;
typedef CV_VEC(cv_sglyph) cv_sglyphs;

/* Scratch space for shaping (a HarfBuzz buffer): one per layout, never shared by threads. */
typedef struct cv_shaper cv_shaper;
/* memo: where shaped runs are remembered (a cvpdf_cache's, the render's), or NULL. */
cv_shaper *cv_shaper_new(cv_memo *memo);
void cv_shaper_free(cv_shaper *sh);
/* How cv_shape shapes a run: CV_SHAPE_RTL, right to left (mirrored brackets, RTL features),
 * its glyphs still in logical cluster order; CV_SHAPE_BIDI, in a block that is reordered:
 * default ignorables (ZWNJ, bidi controls) get no glyph. */
enum { CV_SHAPE_RTL = 1, CV_SHAPE_BIDI = 2 };
/* Shapes text[off, off+len) (the rest is context) at size, appending to out. */
int cv_shape(cv_shaper *sh, cv_face *face, cvu size, const char *text, size_t text_len, size_t off,
             size_t len, const char *lang, int how, cv_sglyphs *out);

#endif
