/* fit.h: fitting a document to a number of pages (fit.c). */
#ifndef CVPDF_FIT_H
#define CVPDF_FIT_H

#include "layout.h"

/* --fit-pages n: *st becomes the largest settings within its bounds that make the model fit
 * n pages, by bisection on one scale for all of them (deterministic and monotone), with a
 * note saying what was chosen or by how much it overflows; *outcome says which. 0, -1 on
 * failure. */
int cv_fit_pages(cv_ctx *ctx, cv_fonts *fonts, cv_hyph *hyph, const cv_model *model, const char *lang,
                 cv_style *st, int n, cvpdf_fit *outcome);

#endif
