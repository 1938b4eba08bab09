/* langid.h: the language of a document (langid.c): CJK by script, Traditional or Simplified
 * Chinese by the characters only one of them uses (hanvariant.inc, from ICU), anything else
 * by Compact Language Detector 2 (cld2.cc, its only client). */
#ifndef CVPDF_LANGID_H
#define CVPDF_LANGID_H

#include "util.h"

/* The language of text[0, len) as a BCP 47 tag into out[n] ("en", "de", "zh", "zh-TW", "ko",
 * "ar", "he", ...): "en" when nothing tells. */
void cv_langid(const char *text, size_t len, char *out, size_t n);
/* A paragraph of the source (between blank lines) in another language than the document's,
 * by CLD2: a German résumé's English project description. */
typedef struct cv_langspan {
    uint32_t start, end; /* bytes of the text */
    char lang[12];
} cv_langspan;
typedef CV_VEC(cv_langspan) cv_langspans;
/* The paragraphs of text[0, len) of at least a few words that CLD2 reliably finds in another
 * language than doc. Only paragraphs that may be in another language are asked (one with
 * letters beyond ASCII in an English document, one without in another): English paragraphs
 * of an English résumé cost nothing. -1 on OOM. */
int cv_langid_paragraphs(const char *text, size_t len, const char *doc, cv_langspans *out);
/* Counts the Han characters only Traditional (*trad) or only Simplified (*simp) Chinese uses. */
void cv_han_variant(const char *text, size_t len, size_t *trad, size_t *simp);

/* cld2.cc: CLD2's answer for the text, as a language code into out[n], with the share of the
 * text in it (percent) and CLD2's own reliability; -1 when it cannot tell (or on a failure). */
int cv_cld2_detect(const char *text, size_t len, char *out, size_t n, int *percent, bool *reliable);

#endif
