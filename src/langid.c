/* langid.c: the language of a document without `lang` (front matter) or --lang.
 *
 * Chinese, Japanese and Korean are told by script, as before: their share of Han, kana and
 * Hangul against Latin words. Chinese is Traditional when more of its characters are ones
 * only Traditional Chinese uses than only Simplified (hanvariant.inc: 2,851 and 2,561 of
 * them, from ICU's Hant-Hans transliterator), and gets zh-TW (the TC face, Taiwan's centred
 * punctuation). Any other document asks CLD2 (cld2.cc), which knows 83 languages from their
 * letters and words; its answer drives /Lang, the hyphenation patterns and the line breaking
 * locale. CLD2 costs about a millisecond for a two-page résumé and loads nothing.
 */
#include <stdio.h>
#include <string.h>

#include "langid.h"

#include "hanvariant.inc"

static bool in_table(const uint16_t *v, size_t n, uint32_t cp)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (v[mid] == cp)
            return true;
        if (v[mid] < cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

void cv_han_variant(const char *s, size_t len, size_t *trad, size_t *simp)
{
    *trad = *simp = 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp = cv_utf8_next(s, len, &i);
        if (cp < 0x3400 || cp >= 0xA000)
            continue;
        *trad += in_table(trad_only, sizeof trad_only / sizeof *trad_only, cp);
        *simp += in_table(simp_only, sizeof simp_only / sizeof *simp_only, cp);
    }
}

void cv_langid(const char *s, size_t len, char *out, size_t n)
{
    size_t letters = 0, han = 0, kana = 0, hangul = 0, other = 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp = cv_utf8_next(s, len, &i);
        if ((cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z'))
            letters++;
        else if ((cp >= 0x3040 && cp <= 0x30FF))
            kana++;
        else if (cp >= 0xAC00 && cp <= 0xD7AF)
            hangul++;
        else if ((cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF))
            han++;
        else if (cp >= 0xC0 && cp != 0xD7 && cp != 0xF7 && !(cp >= 0x2000 && cp <= 0x2BFF) && cp < 0xE000)
            other++; /* accented Latin, Cyrillic, Arabic, Hebrew, Thai, Devanagari... */
    }
    size_t cjk = han + kana + hangul;
    /* a CJK character carries about a word's worth of text: compare with Latin words */
    if (!(cjk * 5 < letters / 5 || cjk < 8)) {
        if (hangul > han + kana) {
            snprintf(out, n, "ko");
        } else if (kana * 10 > cjk) {
            snprintf(out, n, "ja");
        } else {
            size_t trad, simp;
            cv_han_variant(s, len, &trad, &simp);
            snprintf(out, n, trad > simp && trad >= 3 ? "zh-TW" : "zh");
        }
        return;
    }
    /* CLD2 for the rest, when it is sure enough; else English, as before it was asked */
    char code[16];
    int pct = 0;
    bool reliable = false;
    if ((letters || other) && !cv_cld2_detect(s, len, code, sizeof code, &pct, &reliable) &&
        (reliable || pct >= 60) && strcmp(code, "zh") && strcmp(code, "ja") && strcmp(code, "ko") &&
        strncmp(code, "zh-", 3)) {
        snprintf(out, n, "%s", code);
        return;
    }
    snprintf(out, n, "en");
}
