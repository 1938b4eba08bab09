/* mojibake.c: text that is UTF-8 read as a single-byte code page, and its repair.
 *
 * "🚀" is the bytes F0 9F 9A 80; read as Mac Roman they become "üöÄ", as Windows-1252
 * "ðŸš€". Such text is recognised by mapping a run of non-ASCII characters back to the code
 * page's bytes and finding a valid multi-byte UTF-8 sequence whose character is plausible
 * (not a control, a private-use or an unassigned code point). Correct text almost never
 * does that: a lone "é" maps to a stray continuation byte, "naïve" and "Café" stay as they
 * are. Mac Roman is tried first (the encoding the user's résumé went through), then
 * Windows-1252, then Latin-1.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "cvpdf.h"

#include "breaks.h"
#include "mojibake.h"
#include "mojibake_tables.h"

static const struct {
    const char *name;
    const uint16_t *high;
} encodings[] = {{"Mac Roman", mac_roman_high}, {"Windows-1252", cp1252_high}, {"Latin-1", latin1_high}};

/* Each code page's upper half by code point (cp << 8 | byte), sorted once: every non-ASCII
 * character of a document is looked up in each of the three (a linear search of the tables
 * was a tenth of re-rendering a Chinese résumé). */
static uint32_t by_cp[3][128];
static uint8_t in_any[65536 / 8]; /* the code points of any of the tables, a bit each */
static pthread_once_t by_cp_once = PTHREAD_ONCE_INIT;

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static void sort_tables(void)
{
    for (int e = 0; e < 3; e++) {
        for (int b = 0; b < 128; b++) {
            by_cp[e][b] = (uint32_t)encodings[e].high[b] << 8 | (uint32_t)(0x80 + b);
            in_any[encodings[e].high[b] >> 3] |= (uint8_t)(1u << (encodings[e].high[b] & 7));
        }
        qsort(by_cp[e], 128, sizeof by_cp[e][0], cmp_u32);
    }
}

/* The code page byte of cp, or -1 (the lowest byte when two map to cp). */
static int to_byte(int enc, uint32_t cp)
{
    if (cp < 0x80)
        return (int)cp;
    if (cp > 0xFFFF)
        return -1;
    pthread_once(&by_cp_once, sort_tables);
    if (!(in_any[cp >> 3] >> (cp & 7) & 1))
        return -1;
    size_t lo = 0, hi = 128;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if ((by_cp[enc][mid] >> 8) < cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < 128 && (by_cp[enc][lo] >> 8) == cp ? (int)(by_cp[enc][lo] & 0xFF) : -1;
}

/* At text[i], a character sequence that is mojibake in some encoding: its byte length in the
 * text, the encoding and the character it stood for. 0 when none. */
static size_t match_at(const char *t, size_t len, size_t i, int *enc_out, uint32_t *orig)
{
    for (int e = 0; e < 3; e++) {
        unsigned char bytes[4];
        size_t pos = i;
        size_t n = 0, need = 0;
        uint32_t cp = cv_utf8_next(t, len, &pos);
        int b = to_byte(e, cp);
        if (b < 0xC2 || b > 0xF4)
            continue;
        need = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
        bytes[n++] = (unsigned char)b;
        while (n < need && pos < len) {
            uint32_t c = cv_utf8_next(t, len, &pos);
            int cb = to_byte(e, c);
            if (cb < 0x80 || cb > 0xBF)
                break;
            bytes[n++] = (unsigned char)cb;
        }
        if (n != need)
            continue;
        size_t q = 0;
        uint32_t dec = cv_utf8_next((const char *)bytes, n, &q);
        if (q != n || dec == 0xFFFD || !cv_char_is_plausible(dec))
            continue;
        *enc_out = e;
        *orig = dec;
        return pos - i;
    }
    return 0;
}

int cv_mojibake_scan(const char *t, size_t len, cv_mojibake_fn fn, void *user)
{
    int found = 0;
    size_t i = 0;
    while (i < len) {
        if ((unsigned char)t[i] < 0x80) {
            i++;
            continue;
        }
        int enc;
        uint32_t cp;
        size_t n = match_at(t, len, i, &enc, &cp);
        if (!n) {
            cv_utf8_next(t, len, &i);
            continue;
        }
        /* a segment: consecutive matches in the same encoding */
        size_t start = i;
        char fixed[256];
        size_t fl = 0;
        fl += (size_t)cv_utf8_put(cp, fixed + fl);
        i += n;
        for (;;) {
            int e2;
            uint32_t c2;
            size_t n2 = i < len ? match_at(t, len, i, &e2, &c2) : 0;
            if (!n2 || e2 != enc || fl + 4 >= sizeof fixed)
                break;
            fl += (size_t)cv_utf8_put(c2, fixed + fl);
            i += n2;
        }
        /* one character alone from two bytes beyond Latin (IPA, modifier letters, Greek to
         * N'Ko): French "’à" reads as Mac Roman D5 88, Armenian "Ո". Real mojibake of those
         * scripts comes in runs, and a lone one is text as written */
        if (fl == 2 && cp >= 0x250 && cp <= 0x7FF)
            continue;
        found++;
        if (fn)
            fn(user, start, i, encodings[enc].name, fixed, fl);
    }
    return found;
}

typedef struct fix_state {
    cv_buf *out;
    const char *t;
    size_t done;
} fix_state;

static void fix_one(void *user, size_t start, size_t end, const char *enc, const char *fixed, size_t fl)
{
    (void)enc;
    fix_state *f = user;
    cv_buf_add(f->out, f->t + f->done, start - f->done);
    cv_buf_add(f->out, fixed, fl);
    f->done = end;
}

int cv_mojibake_fix(const char *t, size_t len, cv_buf *out)
{
    fix_state f = {out, t, 0};
    int n = cv_mojibake_scan(t, len, fix_one, &f);
    cv_buf_add(out, t + f.done, len - f.done);
    return out->oom ? -1 : n;
}

cvpdf_status cvpdf_fix_encoding(const char *text, size_t len, char **out, size_t *out_len, int *fixed)
{
    if (!out || !out_len || (!text && len))
        return CVPDF_ERR_USAGE;
    cv_buf b = {0};
    int n = cv_mojibake_fix(text ? text : "", len, &b);
    if (n < 0) {
        cv_buf_free(&b);
        return CVPDF_ERR_NOMEM;
    }
    if (!b.p && !(b.p = malloc(1)))
        return CVPDF_ERR_NOMEM;
    *out = b.p;
    *out_len = b.len;
    if (fixed)
        *fixed = n;
    return CVPDF_OK;
}
