/* util.h: the small tools every stage uses: fixed-point lengths, growable arrays and
 * buffers, a hash map, UTF-8. No stage's data is here. */
#ifndef CVPDF_UTIL_H
#define CVPDF_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef int64_t cvu;
#define CVU_PT 65536
/* A length in points given as a rational: CVU_R(21, 2) is 10.5 pt. */
#define CVU_R(num, den) ((cvu)(num) * CVU_PT / (den))

/* ---- growable arrays ------------------------------------------------------------------ */

/* Grows *v (elements of size elem) to hold at least need; 0 on success, -1 on OOM. */
int cv_grow(void **v, size_t *cap, size_t need, size_t elem);
#define CV_VEC(T) struct { T *v; size_t n, cap; }
/* Appends x to a CV_VEC; evaluates to 0 on success, -1 on OOM. */
#define CV_PUSH(vec, x)                                                                       \
    ((((vec).n < (vec).cap && (vec).v) ||                                                     \
      cv_grow((void **)&(vec).v, &(vec).cap, (vec).n + 1, sizeof *(vec).v) == 0) && (vec).v    \
         ? ((vec).v[(vec).n++] = (x), 0)                                                       \
         : -1)

typedef struct cv_buf {
    char *p;
    size_t len, cap;
    bool oom;
} cv_buf;
void cv_buf_add(cv_buf *b, const void *data, size_t len);
void cv_buf_puts(cv_buf *b, const char *s);
void cv_buf_printf(cv_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends v/65536 with up to `decimals` decimals, without locale (no decimal commas). */
void cv_buf_fixed(cv_buf *b, int64_t v, int decimals);
/* code as `digits` upper-case hex digits (at most 8), without printf: glyph codes and UTF-16
 * text in the writer, one call per glyph or character */
void cv_buf_hex(cv_buf *b, uint32_t code, int digits);
void cv_buf_free(cv_buf *b);
/* Appends what the stream f (a FILE *) holds, up to about max bytes; closes nothing. */
void cv_buf_read(cv_buf *b, void *f, size_t max);

char *cv_strndup(const char *s, size_t n);

/* A fast, well-spread 64-bit hash of p[0, n) (tag names, memo keys, the file /ID), the same
 * on every machine; cv_hash with a fixed seed. */
uint64_t cv_hash_seeded(const void *p, size_t n, uint64_t seed);
uint64_t cv_hash(const void *p, size_t n);

/* A hash map from 64-bit keys to 64-bit values (open addressing): for sets and lookups that
 * grow with the input (code points seen, faces found), which a linear search would make
 * quadratic. Zeroed is empty. */
typedef struct cv_map {
    uint64_t *keys; /* key + 1; 0 marks a free slot */
    uint64_t *vals;
    size_t cap, n;
} cv_map;
/* Whether key is there; its value in *val (val may be NULL). */
bool cv_map_get(const cv_map *m, uint64_t key, uint64_t *val);
/* Sets key to val. 0, or -1 on OOM (the map is unchanged). key must not be UINT64_MAX. */
int cv_map_put(cv_map *m, uint64_t key, uint64_t val);
void cv_map_free(cv_map *m);

/* Whether the ascending table v[0, n) holds cp (a binary search). */
bool cv_sorted_has(const uint32_t *v, size_t n, uint32_t cp);

/* ---- UTF-8 ---------------------------------------------------------------------------- */

/* Decodes the code point at s[*i] (len bytes in all), advancing *i; invalid bytes give
 * U+FFFD and advance by one. */
/* (inline: called for nearly every byte of a document, by every stage) */
static inline uint32_t cv_utf8_next(const char *str, size_t len, size_t *i)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t p = *i;
    unsigned c = s[p];
    if (c < 0x80) {
        *i = p + 1;
        return c;
    }
    int n;
    uint32_t cp, min;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 1, cp = c & 0x1F, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 2, cp = c & 0x0F, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 3, cp = c & 0x07, min = 0x10000;
    } else {
        *i = p + 1;
        return 0xFFFD;
    }
    for (int k = 1; k <= n; k++) {
        if (p + (size_t)k >= len || (s[p + k] & 0xC0) != 0x80) {
            *i = p + 1;
            return 0xFFFD;
        }
        cp = (cp << 6) | (s[p + k] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        *i = p + 1;
        return 0xFFFD;
    }
    *i = p + (size_t)n + 1;
    return cp;
}
/* Whether cv_utf8_next's answer cp for the bytes s[i, q) stands for invalid bytes (which it
 * passes one at a time), not for a U+FFFD written in the text. */
static inline bool cv_utf8_invalid(uint32_t cp, size_t i, size_t q) { return cp == 0xFFFD && q == i + 1; }
/* Code point ending just before byte i (0 at the start). */
uint32_t cv_utf8_prev(const char *s, size_t i);
/* How many bytes cp takes in UTF-8. */
static inline size_t cv_utf8_size(uint32_t cp) { return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4; }
/* Removes in place the bytes of s that are not whole UTF-8 characters: what a message cut
 * by "%.60s" or a full buffer leaves of the last character (a diagnostic never carries half
 * a character). */
void cv_utf8_trim(char *s);
/* Writes cp as UTF-8 into out (4 bytes room); returns the byte count. */
int cv_utf8_put(uint32_t cp, char *out);

#endif
