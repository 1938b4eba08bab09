/* math.h: TeX math (a subset) laid out with an OpenType MATH font (math.c). */
#ifndef CVPDF_MATH_H
#define CVPDF_MATH_H

#include "context.h"
#include "shape.h"

/* A glyph of a formula: x from its left edge, y up from its baseline. Its text (what it
 * extracts as: "P" for the italic 𝑃 it draws, "∩") is text[toff, toff + tlen) of the box. */
typedef struct cv_mglyph {
    uint32_t gid;
    cvu x, y, size;
    uint32_t toff, tlen;
} cv_mglyph;

/* A filled rectangle (a fraction bar, a radical's overbar), y up. */
typedef struct cv_mrule {
    cvu x0, y0, x1, y1;
} cv_mrule;

typedef struct cv_mathbox {
    CV_VEC(cv_mglyph) glyphs;
    CV_VEC(cv_mrule) rules;
    cvu w, h, d;        /* width, height above and depth below the baseline */
    cv_buf text;        /* the glyphs' texts, then the formula's linear form */
    size_t linear;      /* where the linear form starts in text ("P_comp ∩ P_comm") */
} cv_mathbox;

/* Lays out tex (TeX's math syntax, len bytes) in face (which has a MATH table) at size, in
 * display style or in text style. A command it does not know is a warning at line:col (the
 * formula's place) and is set as written. 0, -1 on OOM. */
int cv_math_layout(cv_ctx *ctx, const cv_face *face, const char *tex, size_t len, cvu size, bool display, int line,
                   int col, cv_mathbox *out);
void cv_mathbox_free(cv_mathbox *box);

#endif
