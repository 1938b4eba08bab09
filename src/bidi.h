/* bidi.h: the Unicode Bidirectional Algorithm (UAX #9) for a block's text (bidi.c, ICU's
 * ubidi: the library already linked for line breaking, with the bracket-pair rule N0 and
 * Unicode's current data; FriBidi would be a second copy of the same tables, and libraqm
 * wants to own itemization and shaping, which facepick.c and itemize.c do per cluster). */
#ifndef CVPDF_BIDI_H
#define CVPDF_BIDI_H

#include "util.h"

/* A paragraph's base direction: from its first strong character (auto), or as set by front
 * matter `dir:` or HTML `dir=`. */
enum { CV_DIR_AUTO = 0, CV_DIR_LTR = 1, CV_DIR_RTL = 2 };

/* Whether the text holds a right-to-left character or a bidi control: only then can a line
 * of a left-to-right paragraph need reordering. A fast scan, without ICU. */
bool cv_bidi_needed(const char *t, size_t len);
/* The direction of the first strong character (CV_DIR_LTR or CV_DIR_RTL), CV_DIR_AUTO when
 * the text has none. */
int cv_bidi_first_strong(const char *t, size_t len);
/* Counts the strong left-to-right and right-to-left characters of the text. */
void cv_bidi_count(const char *t, size_t len, size_t *ltr, size_t *rtl);
/* The resolved embedding level of every byte of text[0, len) into lv (every byte of a
 * character gets its level), for a paragraph of base direction dir (CV_DIR_LTR or RTL);
 * '\n' (a forced line break) separates lines, not paragraphs. 0, or -1 on failure. */
int cv_bidi_levels(const char *t, size_t len, int dir, uint8_t *lv);
/* Rule L2: the visual order of n pieces with the given levels; order[k] receives the index
 * of the piece shown k-th from the left. 0, or -1 on failure. */
int cv_bidi_reorder(const uint8_t *levels, size_t n, int32_t *order);
/* Whether cp is a right-to-left letter (bidi class R or AL). */
bool cv_char_is_rtl(uint32_t cp);

#endif
