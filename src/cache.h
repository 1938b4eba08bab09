/* cache.h: what renders share (cache.c): see cvpdf_cache in cvpdf.h. */
#ifndef CVPDF_CACHE_H
#define CVPDF_CACHE_H

#include "cvpdf.h"
#include "hyph.h"
#include "memo.h"
#include "shape.h"

/* The face (path, index), opened on first use and owned by the cache unless *owned; NULL if
 * it cannot be opened. */
cv_face *cv_cache_face(cvpdf_cache *c, const char *path, unsigned index, bool *owned);
/* A remembered fontconfig answer for key: 1 with path and index set, 0 when the answer was
 * "none", -1 when not known yet. */
int cv_cache_match(cvpdf_cache *c, const char *key, char *path, size_t path_size, unsigned *index);
void cv_cache_match_put(cvpdf_cache *c, const char *key, const char *path, unsigned index);
/* The language's hyphenation dictionary (NULL: none; errno ENOMEM: no memory), owned by the
 * cache unless *owned. */
cv_hyph *cv_cache_hyph(cvpdf_cache *c, const char *lang, const char *disk, bool *owned);
/* The memos of shaped runs, subsets and emoji that renders through the cache share. */
cv_memos *cv_cache_memos(cvpdf_cache *c);

#endif
