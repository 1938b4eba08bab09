/* breaks.c: line-break opportunities, grapheme clusters and character properties from ICU
 * (its only client).
 *
 * ICU implements current Unicode (UAX #14 and #29); Debian's libunibreak 1.1 is Unicode 6 and
 * aborts on regional-indicator flags. On top of UAX #14 we apply the line-start and line-end
 * prohibitions of clreq and jlreq in full, because UAX #14 leaves some of them to tailoring
 * (for example U+00B7 middle dot and the Japanese iteration marks), and we ask ICU for its
 * "strict" rules in Chinese and Japanese so small kana and the prolonged sound mark never
 * start a line.
 */
#include <pthread.h>
#include <string.h>
#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/utext.h>

#include "breaks.h"

/* clreq §3.1.7 and jlreq §3.1.7 (cl-02, cl-03, cl-04, cl-05, cl-06, cl-07, cl-08, cl-09,
 * cl-10, cl-11 and the small kana). */
static const uint32_t no_start[] = {
    0x0021, 0x0025, 0x0029, 0x002C, 0x002E, 0x003A, 0x003B, 0x003F, 0x005D, 0x007D,
    0x00B7, 0x2019, 0x201D, 0x2025, 0x2026, 0x2030, 0x2103, 0x2116,
    0x3001, 0x3002, 0x3005, 0x3009, 0x300B, 0x300D, 0x300F, 0x3011, 0x3015, 0x3017, 0x3019,
    0x301B, 0x301C, 0x301E, 0x301F, 0x303B, 0x3041, 0x3043, 0x3045, 0x3047, 0x3049, 0x3063,
    0x3083, 0x3085, 0x3087, 0x308E, 0x3095, 0x3096, 0x309D, 0x309E, 0x30A0, 0x30A1, 0x30A3,
    0x30A5, 0x30A7, 0x30A9, 0x30C3, 0x30E3, 0x30E5, 0x30E7, 0x30EE, 0x30F5, 0x30F6, 0x30FB,
    0x30FC, 0x30FD, 0x30FE, 0x31F0, 0x31F1, 0x31F2, 0x31F3, 0x31F4, 0x31F5, 0x31F6, 0x31F7,
    0x31F8, 0x31F9, 0x31FA, 0x31FB, 0x31FC, 0x31FD, 0x31FE, 0x31FF, 0xFE50, 0xFE51, 0xFE52,
    0xFE54, 0xFE55, 0xFE56, 0xFE57, 0xFF01, 0xFF05, 0xFF09, 0xFF0C, 0xFF0E, 0xFF1A, 0xFF1B,
    0xFF1F, 0xFF3D, 0xFF5D, 0xFF60, 0xFF61, 0xFF63, 0xFF64, 0xFF65, 0xFF67, 0xFF68, 0xFF69,
    0xFF6A, 0xFF6B, 0xFF6C, 0xFF6D, 0xFF6E, 0xFF6F, 0xFF70,
};
static const uint32_t no_end[] = {
    0x0028, 0x005B, 0x007B, 0x2018, 0x201C, 0x3008, 0x300A, 0x300C, 0x300E, 0x3010,
    0x3014, 0x3016, 0x3018, 0x301A, 0x301D, 0xFF08, 0xFF3B, 0xFF5B, 0xFF5F, 0xFF62,
};

/* (both tables skip the ideographs and the letters, U+3400-FE4F, asked about most) */
bool cv_char_no_line_start(uint32_t cp)
{
    return !(cp >= 0x3400 && cp < 0xFE50) && cv_sorted_has(no_start, sizeof no_start / sizeof *no_start, cp);
}
bool cv_char_no_line_end(uint32_t cp)
{
    return !(cp >= 0x3400 && cp < 0xFE50) && cv_sorted_has(no_end, sizeof no_end / sizeof *no_end, cp);
}

char cv_char_eaw(uint32_t cp)
{
    if (cp < 0x80) /* (ASCII is narrow, or neutral for controls) */
        return 'N';
    if (cp >= 0x4E00 && cp <= 0x9FFF) /* (the unified ideographs are wide) */
        return 'W';
    int w = u_getIntPropertyValue((UChar32)cp, UCHAR_EAST_ASIAN_WIDTH);
    return (w == U_EA_WIDE || w == U_EA_FULLWIDTH) ? 'W' : w == U_EA_AMBIGUOUS ? 'A' : 'N';
}

bool cv_char_is_cjk_ideo(uint32_t cp)
{
    if (cp < 0x2EA) /* (before the first Bopomofo letters, U+02EA: no CJK script) */
        return false;
    if (cp >= 0x4E00 && cp <= 0x9FFF) /* (the unified ideographs, Han) */
        return true;
    UErrorCode st = U_ZERO_ERROR;
    UScriptCode sc = uscript_getScript((UChar32)cp, &st);
    return sc == USCRIPT_HAN || sc == USCRIPT_HIRAGANA || sc == USCRIPT_KATAKANA ||
           sc == USCRIPT_HANGUL || sc == USCRIPT_BOPOMOFO || cp == 0x3005 || cp == 0x30FC;
}

int cv_char_script(uint32_t cp)
{
    if (cp >= 0x4E00 && cp <= 0x9FFF)
        return USCRIPT_HAN;
    UErrorCode st = U_ZERO_ERROR;
    UScriptCode sc = uscript_getScript((UChar32)cp, &st);
    if (U_FAILURE(st) || sc == USCRIPT_COMMON || sc == USCRIPT_INHERITED || sc == USCRIPT_UNKNOWN)
        return 0;
    /* Han, kana and hangul are shaped together in a CJK face */
    if (sc == USCRIPT_HIRAGANA || sc == USCRIPT_KATAKANA || sc == USCRIPT_HANGUL ||
        sc == USCRIPT_BOPOMOFO)
        return USCRIPT_HAN;
    return (int)sc;
}

bool cv_char_is_letter(uint32_t cp) { return u_isalpha((UChar32)cp); }

bool cv_char_is_emoji_presentation(uint32_t cp)
{
    return u_hasBinaryProperty((UChar32)cp, UCHAR_EMOJI_PRESENTATION) || (cp >= 0x1F1E6 && cp <= 0x1F1FF);
}

bool cv_char_is_plausible(uint32_t cp)
{
    int t = u_charType((UChar32)cp);
    return t != U_CONTROL_CHAR && t != U_PRIVATE_USE_CHAR && t != U_SURROGATE && t != U_UNASSIGNED &&
           t != U_NON_SPACING_MARK && t != U_ENCLOSING_MARK && t != U_FORMAT_CHAR;
}

bool cv_char_is_ignorable(uint32_t cp)
{
    if (cp < 0xAD) /* (the first default-ignorable character is U+00AD, the soft hyphen) */
        return false;
    return u_hasBinaryProperty((UChar32)cp, UCHAR_DEFAULT_IGNORABLE_CODE_POINT) ||
           u_hasBinaryProperty((UChar32)cp, UCHAR_VARIATION_SELECTOR) ||
           (cp >= 0x1F3FB && cp <= 0x1F3FF); /* skin tone modifiers, drawn by emoji faces */
}

bool cv_char_is_space(uint32_t cp)
{
    return cp == ' ' || cp == 0xA0 || cp == 0x3000 || (cp >= 0x2000 && cp <= 0x200A) ||
           cp == 0x202F || cp == 0x205F;
}

const char *cv_script_face_name(int script)
{
    /* Latin, Greek, Cyrillic are the text faces' own; Han the CJK face's */
    if (!script || script == USCRIPT_LATIN || script == USCRIPT_GREEK || script == USCRIPT_CYRILLIC ||
        script == USCRIPT_HAN)
        return NULL;
    return uscript_getName((UScriptCode)script); /* "Arabic", "Hebrew", "Devanagari", ... */
}

bool cv_char_is_dictionary_script(uint32_t cp)
{
    return (cp >= 0x0E00 && cp <= 0x0EFF) || (cp >= 0x1000 && cp <= 0x109F) || (cp >= 0x1780 && cp <= 0x17FF) ||
           (cp >= 0x1A20 && cp <= 0x1AAF) || (cp >= 0xAA60 && cp <= 0xAADF);
}

uint32_t cv_char_lower(uint32_t cp) { return (uint32_t)u_tolower((UChar32)cp); }

bool cv_char_is_wordlike(uint32_t cp)
{
    return (U_GET_GC_MASK((UChar32)cp) & (U_GC_L_MASK | U_GC_M_MASK | U_GC_N_MASK | U_GC_PC_MASK)) != 0;
}

bool cv_char_is_punct(uint32_t cp) { return (U_GET_GC_MASK((UChar32)cp) & (U_GC_P_MASK | U_GC_S_MASK)) != 0; }

bool cv_char_is_hangul(uint32_t cp)
{
    return (cp >= 0x1100 && cp <= 0x11FF) || (cp >= 0x3130 && cp <= 0x318F) || (cp >= 0xA960 && cp <= 0xA97F) ||
           (cp >= 0xAC00 && cp <= 0xD7FF);
}

/* The iterators: 0 the graphemes, 1-4 the lines of an English (any other), Chinese, Japanese,
 * Korean text */
enum { IT_CHAR, IT_LINE, IT_LINE_ZH, IT_LINE_JA, IT_LINE_KO, IT_N };
static const char *const it_locale[IT_N] = {"en", "en", "zh@lb=strict", "ja@lb=strict", "ko"};

static int line_kind(const char *lang)
{
    if (lang && (!strncmp(lang, "zh", 2)))
        return IT_LINE_ZH;
    if (lang && !strncmp(lang, "ja", 2))
        return IT_LINE_JA;
    if (lang && !strncmp(lang, "ko", 2))
        return IT_LINE_KO;
    return IT_LINE;
}

/* ubrk_open builds an iterator from ICU's rule data each time, a twentieth of a re-render
 * through a cache; one of each kind is opened once for the process (ICU's memory, like its
 * own caches) and cloned for each text, which shares the rules. A template that cannot be
 * made leaves each call to open its own. */
static pthread_mutex_t it_lock = PTHREAD_MUTEX_INITIALIZER;
static UBreakIterator *it_template[IT_N];

static UBreakIterator *open_iterator(int kind, UErrorCode *st)
{
    UBreakIteratorType type = kind == IT_CHAR ? UBRK_CHARACTER : UBRK_LINE;
    pthread_mutex_lock(&it_lock);
    if (!it_template[kind]) {
        UErrorCode ts = U_ZERO_ERROR;
        UBreakIterator *t = ubrk_open(type, it_locale[kind], NULL, 0, &ts);
        if (U_SUCCESS(ts))
            it_template[kind] = t;
        else if (t)
            ubrk_close(t);
    }
    UBreakIterator *bi = it_template[kind] ? ubrk_clone(it_template[kind], st) : NULL;
    pthread_mutex_unlock(&it_lock);
    return bi || U_FAILURE(*st) ? bi : ubrk_open(type, it_locale[kind], NULL, 0, st);
}

int cv_line_breaks(const char *text, size_t len, const char *lang, uint8_t *brk)
{
    memset(brk, CV_BRK_NONE, len + 1);
    if (!len)
        return 0;
    UErrorCode st = U_ZERO_ERROR;
    UText *ut = utext_openUTF8(NULL, text, (int64_t)len, &st);
    UBreakIterator *bi = open_iterator(line_kind(lang), &st);
    if (U_FAILURE(st)) {
        if (bi)
            ubrk_close(bi);
        utext_close(ut);
        return -1;
    }
    ubrk_setUText(bi, ut, &st);
    for (int32_t p = ubrk_next(bi); p != UBRK_DONE && U_SUCCESS(st); p = ubrk_next(bi)) {
        if ((size_t)p > len)
            break;
        int rs = ubrk_getRuleStatus(bi);
        brk[p] = (rs >= UBRK_LINE_HARD && rs < UBRK_LINE_HARD_LIMIT) ? CV_BRK_MUST : CV_BRK_ALLOW;
    }
    ubrk_close(bi);
    utext_close(ut);
    if (U_FAILURE(st))
        return -1;
    bool keep_all = lang && !strncmp(lang, "ko", 2);
    /* the prohibitions: never before a no-start character nor after a no-end one. A break
     * opportunity at i follows any spaces; look past them to the characters that would end
     * and start the lines. */
    for (size_t i = 1; i < len; i++) {
        if (brk[i] != CV_BRK_ALLOW)
            continue;
        size_t q = i;
        uint32_t next = cv_utf8_next(text, len, &q);
        size_t b = i;
        uint32_t prev = 0;
        while (b > 0) {
            prev = cv_utf8_prev(text, b);
            if (prev != ' ')
                break;
            b -= 1;
        }
        if (cv_char_no_line_start(next) || cv_char_no_line_end(prev))
            brk[i] = CV_BRK_NONE;
        /* Korean breaks between words, at spaces (CSS word-break: keep-all): never inside
         * a word of Hangul, nor between it and the Latin letters, digits, Hanja or particles
         * around it ("Docker를", "10년차"); in a Korean document not inside Hanja either
         * ("學歷") */
        if (b == i && !cv_char_is_space(next) && !cv_char_is_space(prev) &&
            (cv_char_is_hangul(prev) || cv_char_is_hangul(next) ||
             (keep_all && (cv_char_is_cjk_ideo(prev) || cv_char_is_cjk_ideo(next)))))
            brk[i] = CV_BRK_NONE;
        /* never inside a doubled dash or ellipsis (clreq 3.1.8) */
        if ((next == 0x2014 && prev == 0x2014) || (next == 0x2026 && prev == 0x2026) ||
            (next == 0x2E3A && prev == 0x2E3A))
            brk[i] = CV_BRK_NONE;
    }
    return 0;
}

int cv_grapheme_breaks(const char *text, size_t len, uint8_t *gb)
{
    memset(gb, 0, len + 1);
    gb[0] = 1;
    gb[len] = 1;
    if (!len)
        return 0;
    /* ASCII alone: every character is a cluster but CR LF (UAX #29 GB3: ASCII has no
     * extenders, joiners or prepended marks), without an iterator */
    size_t i = 0;
    while (i < len && (unsigned char)text[i] < 0x80)
        i++;
    if (i == len) {
        for (size_t k = 1; k < len; k++)
            gb[k] = !(text[k - 1] == '\r' && text[k] == '\n');
        return 0;
    }
    UErrorCode st = U_ZERO_ERROR;
    UText *ut = utext_openUTF8(NULL, text, (int64_t)len, &st);
    UBreakIterator *bi = open_iterator(IT_CHAR, &st);
    if (U_FAILURE(st)) {
        if (bi)
            ubrk_close(bi);
        utext_close(ut);
        return -1;
    }
    ubrk_setUText(bi, ut, &st);
    for (int32_t p = ubrk_next(bi); p != UBRK_DONE; p = ubrk_next(bi))
        if ((size_t)p <= len)
            gb[p] = 1;
    ubrk_close(bi);
    utext_close(ut);
    return U_FAILURE(st) ? -1 : 0;
}
