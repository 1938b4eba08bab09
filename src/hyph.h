/* hyph.h: hyphenation points (hyphen.c, the only libhyphen client). */
#ifndef CVPDF_HYPH_H
#define CVPDF_HYPH_H

#include "util.h"

typedef struct cv_hyph cv_hyph;
/* The patterns for a language, or NULL when none are installed (errno ENOMEM: no memory);
 * compiled once and kept in the cache directory disk (diskcache.c; NULL: none). */
cv_hyph *cv_hyph_new(const char *lang, const char *disk);
void cv_hyph_free(cv_hyph *h);
/* Starts loading the patterns on a thread of their own, for the first word that needs them;
 * cv_hyph_free waits for it when no word did. */
void cv_hyph_prefetch(cv_hyph *h);
/* points[i] = 1 where a hyphen may go before byte i of word[0..len) (2 letters before, 3
 * after at least). */
int cv_hyph_word(cv_hyph *h, const char *word, size_t len, uint8_t *points);

/* The patterns of the languages of a document's paragraphs besides its own, for layout. */
#define CV_MAX_LANGS 8
typedef struct cv_hyphset {
    size_t n;
    char lang[CV_MAX_LANGS][12];
    cv_hyph *h[CV_MAX_LANGS]; /* NULL: no patterns for that language */
    bool owned[CV_MAX_LANGS];
} cv_hyphset;

#endif
