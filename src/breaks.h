/* breaks.h: character properties and break opportunities (breaks.c, the only ICU
 * client). */
#ifndef CVPDF_BREAKS_H
#define CVPDF_BREAKS_H

#include "util.h"

enum { CV_BRK_NONE = 0, CV_BRK_ALLOW = 1, CV_BRK_MUST = 2 };
/* brk[i] for 0 <= i <= len tells whether a line may (or must) break before byte i. Applies
 * UAX #14 and the Chinese/Japanese line-start and line-end prohibitions. -1 on failure. */
int cv_line_breaks(const char *text, size_t len, const char *lang, uint8_t *brk);
/* gb[i] = 1 when a grapheme cluster (UAX #29) starts at byte i; gb[len] = 1. */
int cv_grapheme_breaks(const char *text, size_t len, uint8_t *gb);
/* East Asian width: 'W' wide or fullwidth, 'A' ambiguous, 'N' otherwise. */
char cv_char_eaw(uint32_t cp);
/* The name a script's Noto family carries ("Arabic" for Noto Sans Arabic), NULL for the
 * scripts the text and CJK faces cover (Latin, Greek, Cyrillic, Han) and shared characters. */
const char *cv_script_face_name(int script);
/* Thai, Lao, Myanmar, Khmer, Tai Tham, Tai Viet: written without spaces between words, broken
 * at the word boundaries of ICU's dictionaries. */
bool cv_char_is_dictionary_script(uint32_t cp);
/* The lower-case form of cp (simple case mapping), for the hyphenation patterns. */
uint32_t cv_char_lower(uint32_t cp);
/* Letters, marks, numbers and connectors (_): what a heading's slug keeps (GitHub's rules). */
bool cv_char_is_wordlike(uint32_t cp);
/* Punctuation and symbols (Unicode's P and S categories). */
bool cv_char_is_punct(uint32_t cp);
/* Hangul syllables and jamo: Korean, whose words are separated by spaces. */
bool cv_char_is_hangul(uint32_t cp);
/* Han ideographs, kana, hangul, bopomofo: the characters that take CJK spacing rules. */
bool cv_char_is_cjk_ideo(uint32_t cp);
/* The ICU script code of cp, 0 for characters shared by scripts (Common, Inherited), which
 * join the run they are in; kana and hangul count as Han. */
int cv_char_script(uint32_t cp);
/* Format/variation selectors/joiners that any face may lack without harm. */
bool cv_char_is_ignorable(uint32_t cp);
bool cv_char_is_space(uint32_t cp);
/* Prohibited at a line start or a line end (clreq/jlreq). */
bool cv_char_no_line_start(uint32_t cp);
bool cv_char_no_line_end(uint32_t cp);

/* Emoji presentation by default (UTS #51 Emoji_Presentation), and regional indicators. */
bool cv_char_is_emoji_presentation(uint32_t cp);

/* Not a control, private-use, surrogate, unassigned or lone combining character: what a
 * repaired mojibake sequence should decode to. */
bool cv_char_is_plausible(uint32_t cp);

/* Alphabetic (UAX #44 Alphabetic), for finding words to hyphenate. */
bool cv_char_is_letter(uint32_t cp);

#endif
