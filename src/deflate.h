/* deflate.h: the zlib format (RFC 1950) of every compressed stream cvpdf writes (deflate.c). */
#ifndef CVPDF_DEFLATE_H
#define CVPDF_DEFLATE_H

#include <stddef.h>

#include "memo.h"

typedef struct cv_deflater cv_deflater;

/* A compressor for a run of streams; with a memo (may be NULL), a stream compressed before
 * (by any render sharing the memo) is copied instead of compressed again. NULL on OOM. */
cv_deflater *cv_deflater_new(cv_memo *memo);
void cv_deflater_free(cv_deflater *d);
/* p[0, n) compressed into *out (malloc'd, the caller's) of *out_len bytes. 0, or -1 when
 * memory runs out. */
int cv_deflate(cv_deflater *d, const void *p, size_t n, unsigned char **out, size_t *out_len);

#endif
