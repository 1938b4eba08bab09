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

#include "breaks.h"
#include "langid.h"

#include "hanvariant.inc"

void cv_han_variant(const char *s, size_t len, size_t *trad, size_t *simp)
{
    *trad = *simp = 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp = cv_utf8_next(s, len, &i);
        if (cp < 0x3400 || cp >= 0xA000)
            continue;
        *trad += cv_sorted_has(trad_only, sizeof trad_only / sizeof *trad_only, cp);
        *simp += cv_sorted_has(simp_only, sizeof simp_only / sizeof *simp_only, cp);
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

/* Whether two BCP 47 tags share their primary language ("de" and "de-CH"). */
static bool same_language(const char *a, const char *b)
{
    size_t i = 0;
    for (; a[i] && a[i] != '-' && a[i] != '_' && b[i] && b[i] != '-' && b[i] != '_'; i++)
        if ((a[i] | 32) != (b[i] | 32))
            return false;
    return (!a[i] || a[i] == '-' || a[i] == '_') && (!b[i] || b[i] == '-' || b[i] == '_');
}

#define PARA_MIN 120 /* bytes: CLD2 is unreliable on less */

int cv_langid_paragraphs(const char *s, size_t len, const char *doc, cv_langspans *out)
{
    out->n = 0;
    bool english = same_language(doc, "en");
    if (same_language(doc, "zh") || same_language(doc, "ja") || same_language(doc, "ko"))
        return 0;
    for (size_t a = 0; a < len;) {
        /* the paragraph: up to a blank line */
        size_t b = a;
        while (b < len && !(s[b] == '\n' && (b + 1 >= len || s[b + 1] == '\n' || s[b + 1] == '\r')))
            b++;
        size_t next = b;
        while (next < len && (s[next] == '\n' || s[next] == '\r'))
            next++;
        if (b - a >= PARA_MIN) {
            size_t letters = 0, beyond = 0;
            for (size_t i = a; i < b;) {
                uint32_t cp = cv_utf8_next(s, b, &i);
                if (cp < 0x80)
                    letters += ((cp | 32) - 'a') < 26;
                else if (cv_char_is_letter(cp))
                    beyond++;
            }
            char code[12];
            int pct = 0;
            bool reliable = false;
            if ((english ? beyond >= 3 : beyond == 0 && letters >= 40) &&
                !cv_cld2_detect(s + a, b - a, code, sizeof code, &pct, &reliable) && reliable && pct >= 70 &&
                !same_language(code, doc) && strcmp(code, "un")) {
                cv_langspan sp = {(uint32_t)a, (uint32_t)b, {0}};
                snprintf(sp.lang, sizeof sp.lang, "%s", code);
                if (CV_PUSH(*out, sp))
                    return -1;
            }
        }
        a = next > b ? next : b + 1;
    }
    return 0;
}
