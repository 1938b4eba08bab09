/* sanitize.h: the input made safe to parse (sanitize.c). */
#ifndef CVPDF_SANITIZE_H
#define CVPDF_SANITIZE_H

#include "context.h"

/* Invalid UTF-8 (bad bytes, overlong forms, encoded surrogates) becomes U+FFFD, NUL too;
 * other control characters are removed; a lone CR ends a line as LF does; each kind is
 * reported at its first position with a count. *out stays NULL when the input is clean
 * (nothing is copied), else holds the cleaned text (*out_len bytes). 0, -1 on OOM. */
int cv_sanitize(cv_ctx *ctx, const char *s, size_t len, char **out, size_t *out_len);

#endif
