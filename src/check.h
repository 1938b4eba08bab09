/* check.h: checks of the source itself, reported at their line and column (check.c). */
#ifndef CVPDF_CHECK_H
#define CVPDF_CHECK_H

#include "context.h"

/* check.c: warnings about the source itself (mojibake), at their line and column. */
void cv_check_source(cv_ctx *ctx);

#endif
