/* bidi.c: embedding levels and visual reordering (UAX #9) from ICU's ubidi (see bidi.h for
 * why ICU). Layout stays in logical order: lines are broken on the logical text, and only a
 * finished line is reordered (setline.c), as UAX #9 §3.4 prescribes. */
#include <stdlib.h>
#include <string.h>
#include <unicode/ubidi.h>
#include <unicode/uchar.h>

#include "bidi.h"

bool cv_bidi_needed(const char *t, size_t len)
{
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)t[i];
        if (c < 0xD6) { /* below U+0590 (or a continuation byte): skip the character */
            i++;
            continue;
        }
        size_t s = i;
        uint32_t cp = cv_utf8_next(t, len, &i);
        if (i == s)
            i++;
        if ((cp >= 0x590 && cp <= 0x8FF) || (cp >= 0xFB1D && cp <= 0xFDFF) || (cp >= 0xFE70 && cp <= 0xFEFF) ||
            (cp >= 0x10800 && cp <= 0x10FFF) || (cp >= 0x1E800 && cp <= 0x1EFFF) ||
            (cp >= 0x200E && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069))
            return true;
    }
    return false;
}

bool cv_char_is_rtl(uint32_t cp)
{
    UCharDirection d = u_charDirection((UChar32)cp);
    return d == U_RIGHT_TO_LEFT || d == U_RIGHT_TO_LEFT_ARABIC;
}

int cv_bidi_first_strong(const char *t, size_t len)
{
    for (size_t i = 0; i < len;) {
        UCharDirection d = u_charDirection((UChar32)cv_utf8_next(t, len, &i));
        if (d == U_LEFT_TO_RIGHT)
            return CV_DIR_LTR;
        if (d == U_RIGHT_TO_LEFT || d == U_RIGHT_TO_LEFT_ARABIC)
            return CV_DIR_RTL;
    }
    return CV_DIR_AUTO;
}

void cv_bidi_count(const char *t, size_t len, size_t *ltr, size_t *rtl)
{
    *ltr = *rtl = 0;
    for (size_t i = 0; i < len;) {
        UCharDirection d = u_charDirection((UChar32)cv_utf8_next(t, len, &i));
        *ltr += d == U_LEFT_TO_RIGHT;
        *rtl += d == U_RIGHT_TO_LEFT || d == U_RIGHT_TO_LEFT_ARABIC;
    }
}

static bool is_digit_at(const char *t, size_t len, size_t i) { return i < len && t[i] >= '0' && t[i] <= '9'; }

/* The length of a separator inside a number group at t[i] (a space, - – — . / ,) followed by
 * a digit, else 0. */
static size_t group_sep(const char *t, size_t len, size_t i)
{
    size_t w = 0;
    if (i < len && (t[i] == ' ' || t[i] == '-' || t[i] == '.' || t[i] == '/' || t[i] == ','))
        w = 1;
    else if (i + 2 < len && (unsigned char)t[i] == 0xE2 && (unsigned char)t[i + 1] == 0x80 &&
             ((unsigned char)t[i + 2] == 0x93 || (unsigned char)t[i + 2] == 0x94))
        w = 3;
    return w && is_digit_at(t, len, i + w) ? w : 0;
}

/* A number group at t[i]: a phone number (+971 50 123 4567), a range of years (2019–2023),
 * a decimal: digits in two or more runs, or after a '+'. Its end, or i when there is none.
 * UAX #9 reads "2019–2023" in a right-to-left paragraph as two numbers around a neutral dash
 * (shown "2023–2019") and a phone number as four; a higher-level protocol (UAX #9 HL) keeps
 * each such group one left-to-right isolate, as it is written and as extractors read it. */
static size_t number_group(const char *t, size_t len, size_t i)
{
    size_t j = i;
    bool plus = t[j] == '+';
    if (plus)
        j++;
    if (!is_digit_at(t, len, j) || (i > 0 && (is_digit_at(t, len, i - 1) || t[i - 1] == '+')))
        return i;
    int runs = 0;
    for (;;) {
        while (is_digit_at(t, len, j))
            j++;
        runs++;
        size_t w = group_sep(t, len, j);
        if (!w)
            break;
        j += w;
    }
    if (runs < 2 && !plus)
        return i;
    /* a percent sign goes with its number ("99.95%") */
    if (j < len && t[j] == '%')
        j++;
    return j;
}

int cv_bidi_levels(const char *t, size_t len, int dir, uint8_t *lv)
{
    if (len > INT32_MAX / 4)
        return -1;
    /* UTF-16 for ICU (with an isolate around each number group: two more units), and the
     * byte where each unit's character starts */
    UChar *u = malloc((2 * len + 2) * sizeof *u);
    uint32_t *at = malloc((2 * len + 2) * sizeof *at);
    UBiDi *bidi = NULL;
    int rc = -1;
    if (!u || !at)
        goto done;
    int32_t n = 0;
    size_t group_end = 0;
    for (size_t i = 0; i < len;) {
        size_t s = i;
        if (s == group_end && group_end) {
            u[n] = 0x2069; /* PDI */
            at[n++] = (uint32_t)s;
        }
        if (s >= group_end && (t[s] == '+' || is_digit_at(t, len, s))) {
            size_t e = number_group(t, len, s);
            if (e > s) {
                u[n] = 0x2066; /* LRI */
                at[n++] = (uint32_t)s;
                group_end = e;
            }
        }
        uint32_t cp = cv_utf8_next(t, len, &i);
        if (cp == '\n')
            cp = 0x2028; /* a forced break ends a line, not the paragraph */
        if (cp >= 0x10000) {
            u[n] = (UChar)(0xD7C0 + (cp >> 10));
            at[n++] = (uint32_t)s;
            u[n] = (UChar)(0xDC00 | (cp & 0x3FF));
        } else {
            u[n] = (UChar)cp;
        }
        at[n++] = (uint32_t)s;
    }
    if (group_end == len && group_end) {
        u[n] = 0x2069;
        at[n++] = (uint32_t)len;
    }
    UErrorCode st = U_ZERO_ERROR;
    bidi = ubidi_openSized(n, 0, &st);
    if (U_FAILURE(st))
        goto done;
    ubidi_setPara(bidi, u, n, dir == CV_DIR_RTL ? 1 : 0, NULL, &st);
    if (U_FAILURE(st))
        goto done;
    const UBiDiLevel *levels = ubidi_getLevels(bidi, &st);
    if (U_FAILURE(st))
        goto done;
    /* a character's level on each of its bytes */
    int32_t k = 0;
    for (size_t i = 0; i < len; i++) {
        while (k + 1 < n && at[k + 1] <= i)
            k++;
        lv[i] = n ? levels[k] : (uint8_t)(dir == CV_DIR_RTL);
    }
    rc = 0;
done:
    if (bidi)
        ubidi_close(bidi);
    free(u);
    free(at);
    return rc;
}

int cv_bidi_reorder(const uint8_t *levels, size_t n, int32_t *order)
{
    if (n > INT32_MAX)
        return -1;
    if (!n)
        return 0;
    ubidi_reorderVisual(levels, (int32_t)n, order);
    return 0;
}
