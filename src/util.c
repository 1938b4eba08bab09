/* util.c: growable arrays and buffers, a hash map, UTF-8, locale-free number formatting. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

int cv_grow(void **v, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t nc = *cap ? *cap : 8;
    while (nc < need) {
        if (nc > ((size_t)-1) / 2 / elem)
            return -1;
        nc *= 2;
    }
    void *p = realloc(*v, nc * elem);
    if (!p)
        return -1;
    *v = p;
    *cap = nc;
    return 0;
}

void cv_buf_add(cv_buf *b, const void *data, size_t len)
{
    if (b->oom)
        return;
    if (cv_grow((void **)&b->p, &b->cap, b->len + len + 1, 1)) {
        b->oom = true;
        return;
    }
    if (len) /* (data may be NULL then: an empty array) */
        memcpy(b->p + b->len, data, len);
    b->len += len;
    b->p[b->len] = 0;
}

void cv_buf_puts(cv_buf *b, const char *s) { cv_buf_add(b, s, strlen(s)); }

void cv_buf_printf(cv_buf *b, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->oom = true;
        return;
    }
    if ((size_t)n < sizeof tmp) {
        cv_buf_add(b, tmp, (size_t)n);
        return;
    }
    char *big = malloc((size_t)n + 1);
    if (!big) {
        b->oom = true;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    cv_buf_add(b, big, (size_t)n);
    free(big);
}

/* printf("%f") follows LC_NUMERIC, and a host program may have set a locale with a decimal
 * comma, which would corrupt the PDF; so numbers are formatted with integer arithmetic. */
void cv_buf_hex(cv_buf *b, uint32_t code, int digits)
{
    static const char hex[] = "0123456789ABCDEF";
    char d[8];
    if (digits > 8)
        digits = 8;
    for (int i = digits - 1; i >= 0; i--, code >>= 4)
        d[i] = hex[code & 15];
    cv_buf_add(b, d, (size_t)(digits > 0 ? digits : 0));
}

void cv_buf_fixed(cv_buf *b, int64_t v, int decimals)
{
    static const int64_t pow10[] = {1, 10, 100, 1000, 10000, 100000};
    if (decimals < 0)
        decimals = 0;
    if (decimals > 5)
        decimals = 5;
    int64_t scale = pow10[decimals];
    bool neg = v < 0;
    uint64_t a = neg ? (uint64_t)(-(v + 1)) + 1 : (uint64_t)v;
    /* round half away from zero */
    uint64_t q = (a * (uint64_t)scale + 32768) / 65536;
    uint64_t ip = q / (uint64_t)scale, fp = q % (uint64_t)scale;
    /* digits by hand: a page's content stream has a number for nearly every glyph, and
     * snprintf was a tenth of the writer's time */
    char tmp[48];
    int n = 0;
    if (neg && (ip || fp))
        tmp[n++] = '-';
    char rev[24];
    int r = 0;
    do
        rev[r++] = (char)('0' + ip % 10);
    while ((ip /= 10) && r < (int)sizeof rev);
    while (r)
        tmp[n++] = rev[--r];
    if (fp) {
        tmp[n++] = '.';
        for (int k = decimals - 1; k >= 0; k--) {
            tmp[n + k] = (char)('0' + fp % 10);
            fp /= 10;
        }
        n += decimals;
        while (tmp[n - 1] == '0') /* (the last digit of fp > 0 is not 0: stops there) */
            n--;
    }
    cv_buf_add(b, tmp, (size_t)n);
}

void cv_buf_read(cv_buf *b, void *f, size_t max)
{
    char chunk[8192];
    size_t n;
    while (b->len < max && (n = fread(chunk, 1, sizeof chunk, (FILE *)f)) > 0)
        cv_buf_add(b, chunk, n);
}

void cv_buf_free(cv_buf *b)
{
    free(b->p);
    memset(b, 0, sizeof *b);
}

char *cv_strndup(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = 0;
    }
    return p;
}

/* Eight bytes a step (the memo's keys include whole content streams of tens of KB: FNV-1a a
 * byte at a time was a twentieth of a re-render), each word mixed in by a multiplication
 * and the result finished as splitmix64's; little-endian loads, so the same on every
 * machine cvpdf is built for (the file /ID is made of it). */
static inline uint64_t load64le(const unsigned char *b)
{
    uint64_t w;
    memcpy(&w, b, sizeof w);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    w = __builtin_bswap64(w);
#endif
    return w;
}

static inline uint64_t mix64(uint64_t h, uint64_t w) { return ((h << 5 | h >> 59) ^ w) * 0xFF51AFD7ED558CCDull; }

uint64_t cv_hash_seeded(const void *p, size_t n, uint64_t seed)
{
    const unsigned char *b = p;
    uint64_t h = seed ^ (n * 0x9E3779B97F4A7C15ull);
    size_t i = 0;
    /* four lanes of 8 bytes: the multiplications do not wait on each other (the disk cache
     * checks whole entries of megabytes) */
    if (n >= 64) {
        uint64_t l[4] = {h, h ^ 0x243F6A8885A308D3ull, h ^ 0x13198A2E03707344ull, h ^ 0xA4093822299F31D0ull};
        for (; i + 32 <= n; i += 32)
            for (int k = 0; k < 4; k++)
                l[k] = mix64(l[k], load64le(b + i + 8 * k));
        h = mix64(mix64(mix64(l[0], l[1]), l[2]), l[3]);
    }
    for (; i + 8 <= n; i += 8)
        h = mix64(h, load64le(b + i));
    uint64_t w = 0;
    for (int k = 0; i + (size_t)k < n; k++)
        w |= (uint64_t)b[i + (size_t)k] << (8 * k);
    h = ((h << 5 | h >> 59) ^ w) * 0xFF51AFD7ED558CCDull;
    h ^= h >> 30;
    h *= 0xBF58476D1CE4E5B9ull;
    h ^= h >> 27;
    h *= 0x94D049BB133111EBull;
    return h ^ (h >> 31);
}

uint64_t cv_hash(const void *p, size_t n) { return cv_hash_seeded(p, n, 14695981039346656037ull); }

static size_t map_slot(uint64_t key, size_t cap)
{
    /* splitmix64's finaliser: code points and small ids are not random */
    uint64_t z = key + 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return (size_t)(z ^ (z >> 31)) & (cap - 1);
}

bool cv_map_get(const cv_map *m, uint64_t key, uint64_t *val)
{
    if (!m->cap)
        return false;
    for (size_t i = map_slot(key, m->cap); m->keys[i]; i = (i + 1) & (m->cap - 1))
        if (m->keys[i] == key + 1) {
            if (val)
                *val = m->vals[i];
            return true;
        }
    return false;
}

int cv_map_put(cv_map *m, uint64_t key, uint64_t val)
{
    if ((m->n + 1) * 2 > m->cap) {
        /* doubled at half full, so probes stay short */
        size_t nc = m->cap ? m->cap * 2 : 64;
        uint64_t *k = calloc(nc, sizeof *k), *v = malloc(nc * sizeof *v);
        if (!k || !v) {
            free(k);
            free(v);
            return -1;
        }
        for (size_t i = 0; i < m->cap; i++)
            if (m->keys[i]) {
                size_t j = map_slot(m->keys[i] - 1, nc);
                while (k[j])
                    j = (j + 1) & (nc - 1);
                k[j] = m->keys[i];
                v[j] = m->vals[i];
            }
        free(m->keys);
        free(m->vals);
        m->keys = k;
        m->vals = v;
        m->cap = nc;
    }
    size_t i = map_slot(key, m->cap);
    while (m->keys[i] && m->keys[i] != key + 1)
        i = (i + 1) & (m->cap - 1);
    if (!m->keys[i])
        m->n++;
    m->keys[i] = key + 1;
    m->vals[i] = val;
    return 0;
}

void cv_map_free(cv_map *m)
{
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof *m);
}

uint32_t cv_utf8_prev(const char *str, size_t i)
{
    const unsigned char *s = (const unsigned char *)str;
    if (i == 0)
        return 0;
    size_t p = i - 1;
    while (p > 0 && (s[p] & 0xC0) == 0x80 && i - p < 4)
        p--;
    size_t q = p;
    uint32_t cp = cv_utf8_next(str, i, &q);
    return q == i ? cp : 0xFFFD;
}

void cv_utf8_trim(char *s)
{
    size_t n = strlen(s), w = 0;
    for (size_t i = 0; i < n;) {
        size_t q = i;
        uint32_t cp = cv_utf8_next(s, n, &q);
        if (!cv_utf8_invalid(cp, i, q)) {
            memmove(s + w, s + i, q - i);
            w += q - i;
        }
        i = q;
    }
    s[w] = 0;
}

int cv_utf8_put(uint32_t cp, char *o)
{
    unsigned char *out = (unsigned char *)o;
    if (cp < 0x80) {
        out[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (unsigned char)(0xC0 | (cp >> 6));
        out[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (unsigned char)(0xE0 | (cp >> 12));
        out[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (unsigned char)(0xF0 | (cp >> 18));
    out[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}


bool cv_sorted_has(const uint32_t *v, size_t n, uint32_t cp)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid] == cp)
            return true;
        if (v[mid] < cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}
