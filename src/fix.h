/* fix.h: mechanical repairs of the source (fix.c), for cvpdf --fix: the checks (check.c) that
 * know the repair of what they found add it here while the document is parsed; nothing else
 * in the file changes. */
#ifndef CVPDF_FIX_H
#define CVPDF_FIX_H

#include "context.h"

/* Replaces the `del` bytes at line:col (which must read `expect`) by `ins`. */
typedef struct cv_fix {
    int line, col;
    uint32_t del;
    char *expect, *ins;
    cvpdf_code code; /* what it repairs */
    const char *what;/* in words, for the note */
    bool applied;    /* set by cv_fixes_apply */
} cv_fix;
typedef struct cv_fixes {
    CV_VEC(cv_fix) v;
} cv_fixes;

/* Records a repair when ctx collects them (ctx->fixes), else does nothing. */
void cv_fix_add(cv_ctx *ctx, cvpdf_code code, const char *what, int line, int col, const char *expect, size_t del,
                const char *ins);
void cv_fixes_free(cv_fixes *f);

/* Applies the repairs to text (the file the lines count in): those whose bytes are not where
 * they were found, or that overlap one applied before, are left out. The repaired text into
 * *out; with diff, a unified diff into it too, from orig (the file before text was made from
 * it, line for line: the encoding repaired) to *out. *applied counts them. 0, -1 on OOM. */
int cv_fixes_apply(cv_fixes *f, const char *text, size_t len, const char *orig, size_t orig_len, cv_buf *out,
                   cv_buf *diff, const char *name, int *applied);

#endif
