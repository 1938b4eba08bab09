/* mathsrc.h: where the math is in a Markdown file (mathsrc.c), found before cmark parses it. */
#ifndef CVPDF_MATHSRC_H
#define CVPDF_MATHSRC_H

#include "util.h"

/* A formula in the source: its bytes [off, off + len) with the delimiters, its TeX
 * [toff, toff + tlen). */
typedef struct cv_mathspan {
    size_t off, len, toff, tlen;
    bool display;
} cv_mathspan;
typedef CV_VEC(cv_mathspan) cv_mathspans;

/* The placeholder of formula k in the text cmark reads: U+F0000 + k (a private-use character
 * of plane 15, which no text uses), then 'x' up to the formula's length, so that columns after
 * it stay right. At most CV_MATH_MAX formulas. */
#define CV_MATH_MAX 65534
#define CV_MATH_PUA 0xF0000

/* Finds GitHub's math in md[0, len): $...$ (the opening $ not before a space, the closing not
 * after one nor before a digit: $5 and $10 are money), $$...$$, $`...`$, and lines of only
 * $$ around a display formula (made a ```math fence). Not in code spans, code blocks or
 * after a backslash. When there is any, *out (malloc'd, *out_len bytes) is the text with each
 * formula replaced by its placeholder; else *out is NULL. 0, -1 on OOM. */
int cv_math_scan(const char *md, size_t len, char **out, size_t *out_len, cv_mathspans *spans);

#endif
