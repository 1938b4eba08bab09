/* pdfpack.c: libharu's file made compact. libharu writes every object on its own with a
 * classic cross-reference table, and each stream's /Length as an object of its own; a
 * tagged PDF has hundreds of small objects (a structure element each), which took 20 % of
 * a résumé's bytes. Here the objects other than streams are packed into compressed object
 * streams indexed by a cross-reference stream (ISO 32000-1 §7.5.7, §7.5.8; allowed in PDF/A-2
 * and PDF/UA-1), stream lengths become direct numbers, and the trailer gains the file
 * identifier (/ID) that PDF/A asks for, derived from the bytes so that a file stays the same
 * run to run. Nothing is parsed beyond what libharu is known to write: objects "N 0 obj" at
 * the offsets of its table, each ending at the next; a stream object ends in "endstream".
 * Anything unexpected leaves the file as libharu wrote it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pdfpack.h"

typedef struct obj {
    size_t off, end;     /* its bytes in the input, "N 0 obj" to the next object */
    size_t body, body_end; /* the value, without "N 0 obj" and "endobj" */
    bool stream, length, used;
    long length_ref;     /* a stream's indirect /Length object, or -1 */
    size_t dict_end;     /* a stream: where its dictionary ends (after ">>") */
} obj;

static bool is_ws(unsigned char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0; }

static long number_at(const unsigned char *p, size_t len, size_t *i)
{
    while (*i < len && is_ws(p[*i]))
        (*i)++;
    if (*i >= len || p[*i] < '0' || p[*i] > '9')
        return -1;
    long v = 0;
    while (*i < len && p[*i] >= '0' && p[*i] <= '9' && v < 100000000000L)
        v = v * 10 + (p[(*i)++] - '0');
    return v;
}

/* The end of the string that starts at p[i] (a literal "(...)" with its escapes and nested
 * parentheses, or a hexadecimal "<...>"), at most len. */
static size_t skip_string(const unsigned char *p, size_t len, size_t i)
{
    if (p[i] != '(') {
        while (i < len && p[i] != '>')
            i++;
        return i < len ? i + 1 : len;
    }
    int paren = 1;
    for (i++; i < len && paren; i++) {
        if (p[i] == '\\')
            i++;
        else if (p[i] == '(')
            paren++;
        else if (p[i] == ')')
            paren--;
    }
    return i < len ? i : len;
}

/* The end of the dictionary that starts at p[i] ("<<"), strings and nesting skipped; 0 when
 * it does not close. */
static size_t dict_end(const unsigned char *p, size_t len, size_t i)
{
    int depth = 0;
    while (i < len) {
        if (p[i] == '<' && i + 1 < len && p[i + 1] == '<') {
            depth++;
            i += 2;
        } else if (p[i] == '>' && i + 1 < len && p[i + 1] == '>') {
            i += 2;
            if (--depth == 0)
                return i;
        } else if (p[i] == '(' || p[i] == '<') {
            i = skip_string(p, len, i);
        } else {
            i++;
        }
    }
    return 0;
}

static int by_off(const void *a, const void *b)
{
    const obj *const *x = a, *const *y = b;
    return (*x)->off < (*y)->off ? -1 : (*x)->off > (*y)->off;
}

/* Finds key ("/Length") at the top of the dictionary p[a, b) (not inside a nested one). */
static size_t find_key(const unsigned char *p, size_t a, size_t b, const char *key)
{
    size_t kl = strlen(key);
    int depth = 0;
    for (size_t i = a; i + kl <= b; i++) {
        if (p[i] == '(' || (p[i] == '<' && p[i + 1] != '<')) {
            i = skip_string(p, b, i) - 1; /* (the loop steps past its end) */
            continue;
        }
        if (p[i] == '<' && p[i + 1] == '<')
            depth++, i++;
        else if (p[i] == '>' && p[i + 1] == '>')
            depth--, i++;
        else if (depth == 1 && !memcmp(p + i, key, kl) && (i + kl == b || is_ws(p[i + kl])))
            return i;
    }
    return 0;
}


static int put(cv_buf *b, const void *p, size_t n)
{
    cv_buf_add(b, p, n);
    return b->oom ? -1 : 0;
}


/* Where each object of the table is; the root and info objects from the trailer. */
/* (*oom: it failed for want of memory, not for the file's form) */
static obj *read_table(const unsigned char *p, size_t len, size_t *nobj, long *root, long *info, size_t *xref_at,
                       bool *oom)
{
    size_t s = len > 64 ? len - 64 : 0, sx = 0;
    for (size_t i = s; i + 9 <= len; i++)
        if (!memcmp(p + i, "startxref", 9))
            sx = i + 9;
    if (!sx)
        return NULL;
    long xo = number_at(p, len, &sx);
    if (xo < 0 || (size_t)xo + 4 > len || memcmp(p + xo, "xref", 4))
        return NULL;
    size_t i = (size_t)xo + 4;
    long first = number_at(p, len, &i), n = number_at(p, len, &i);
    if (first != 0 || n <= 1 || n > 10000000)
        return NULL;
    obj *o = calloc((size_t)n, sizeof *o);
    if (!o) {
        *oom = true;
        return NULL;
    }
    for (long k = 0; k < n; k++) {
        long off = number_at(p, len, &i);
        long gen = number_at(p, len, &i);
        while (i < len && is_ws(p[i]))
            i++;
        if (off < 0 || gen < 0 || i >= len || (p[i] != 'n' && p[i] != 'f'))
            goto bad;
        o[k].used = p[i] == 'n' && k > 0;
        if (o[k].used && (gen != 0 || (size_t)off >= (size_t)xo))
            goto bad;
        o[k].off = (size_t)off;
        o[k].length_ref = -1;
        i++;
    }
    /* the trailer's /Root and /Info */
    *root = *info = -1;
    for (; i + 5 < len; i++) {
        if (!memcmp(p + i, "/Root", 5)) {
            size_t j = i + 5;
            *root = number_at(p, len, &j);
        } else if (!memcmp(p + i, "/Info", 5)) {
            size_t j = i + 5;
            *info = number_at(p, len, &j);
        } else if ((i + 8 <= len && !memcmp(p + i, "/Encrypt", 8)) || !memcmp(p + i, "/ID", 3)) {
            goto bad; /* (never written here: unencrypted, no identifier) */
        }
    }
    if (*root <= 0 || *root >= n)
        goto bad;
    *nobj = (size_t)n;
    *xref_at = (size_t)xo;
    return o;
bad:
    free(o);
    return NULL;
}

/* Each object's extent, whether it is a stream, and its /Length. 0; 1 when the file is not
 * as libharu writes it; -1 on OOM. */
static int read_objects(const unsigned char *p, obj *o, size_t n, size_t xref_at)
{
    obj **ord = malloc(n * sizeof *ord); /* NOLINT(bugprone-sizeof-expression): pointers are meant */
    if (!ord)
        return -1;
    int rc = 1;
    size_t m = 0;
    for (size_t k = 0; k < n; k++)
        if (o[k].used)
            ord[m++] = &o[k];
    qsort(ord, m, sizeof *ord, by_off); /* NOLINT(bugprone-sizeof-expression) */
    for (size_t k = 0; k < m; k++) {
        obj *b = ord[k];
        b->end = k + 1 < m ? ord[k + 1]->off : xref_at;
        size_t i = b->off;
        long num = number_at(p, b->end, &i), gen = number_at(p, b->end, &i);
        if (num != (long)(b - o) || gen != 0 || i + 4 > b->end || memcmp(p + i + 1, "obj", 3))
            goto done;
        i += 4;
        while (i < b->end && is_ws(p[i]))
            i++;
        size_t e = b->end;
        while (e > i && is_ws(p[e - 1]))
            e--;
        if (e < i + 6 || memcmp(p + e - 6, "endobj", 6))
            goto done;
        e -= 6;
        while (e > i && is_ws(p[e - 1]))
            e--;
        b->body = i;
        b->body_end = e;
        b->stream = e >= i + 9 && !memcmp(p + e - 9, "endstream", 9);
        if (b->stream) {
            b->dict_end = p[i] == '<' ? dict_end(p, e, i) : 0;
            if (!b->dict_end)
                goto done;
            size_t at = find_key(p, i, b->dict_end, "/Length");
            if (at) {
                size_t j = at + 7;
                long ref = number_at(p, b->dict_end, &j);
                size_t j2 = j;
                long g = number_at(p, b->dict_end, &j2);
                while (j2 < b->dict_end && is_ws(p[j2]))
                    j2++;
                if (ref > 0 && (size_t)ref < n && g == 0 && j2 < b->dict_end && p[j2] == 'R')
                    b->length_ref = ref;
            }
        }
    }
    /* an object that is only a stream's length becomes a number in its dictionary */
    for (size_t k = 0; k < n; k++) {
        long r = o[k].length_ref;
        if (r < 0)
            continue;
        obj *lo = &o[r];
        size_t j = lo->body;
        if (!lo->used || lo->stream || number_at(p, lo->body_end, &j) < 0 || j != lo->body_end)
            goto done;
        lo->length = true;
    }
    rc = 0;
done:
    free(ord);
    return rc;
}

#define PER_STREAM 200

/* Text with raw references made object numbers (raw object k is object base + k). */
static int put_body(cv_buf *b, const char *t, size_t len, size_t base)
{
    size_t i = 0;
    while (i < len) {
        const char *m = memchr(t + i, RAW_REF, len - i);
        size_t e = m ? (size_t)(m - t) : len;
        cv_buf_add(b, t + i, e - i);
        if (!m)
            break;
        size_t k = 0;
        for (e++; e < len && t[e] >= '0' && t[e] <= '9'; e++)
            k = k * 10 + (size_t)(t[e] - '0');
        cv_buf_printf(b, "%zu", base + k);
        i = e;
    }
    return b->oom ? -1 : 0;
}

int cv_pdf_pack(const unsigned char *in, size_t len, const cv_pdfraw *raw, cv_deflater *zip, unsigned char **out,
                size_t *out_len)
{
    size_t n = 0, xref_at = 0;
    long root, info;
    *out = NULL;
    *out_len = 0;
    bool short_of_memory = false;
    obj *o = read_table(in, len, &n, &root, &info, &xref_at, &short_of_memory);
    if (!o)
        return short_of_memory ? -1 : 1;
    int rc = 1;
    cv_buf b = {0}, os = {0}, hdr = {0};
    size_t *newoff = NULL;
    uint32_t *in_stm = NULL, *at_stm = NULL;
    unsigned char *z = NULL;
    int ro = read_objects(in, o, n, xref_at);
    if (ro < 0)
        goto oom;
    if (ro > 0)
        goto done;
    size_t nraw = raw ? raw->objs.n : 0;
    size_t packed = nraw;
    for (size_t k = 1; k < n; k++)
        packed += o[k].used && !o[k].stream && !o[k].length;
    size_t nstm = (packed + PER_STREAM - 1) / PER_STREAM;
    /* libharu's objects, the raw ones, the object streams, the cross-reference stream */
    size_t total = n + nraw + nstm + 1;
    newoff = calloc(total, sizeof *newoff);
    in_stm = calloc(total, sizeof *in_stm);
    at_stm = calloc(total, sizeof *at_stm);
    if (!newoff || !in_stm || !at_stm)
        goto oom;
    /* the header as libharu wrote it (version and binary comment) */
    size_t first_obj = xref_at;
    for (size_t k = 1; k < n; k++)
        if (o[k].used && o[k].off < first_obj)
            first_obj = o[k].off;
    if (put(&b, in, first_obj))
        goto oom;
    /* the streams, their lengths direct */
    for (size_t k = 1; k < n; k++) {
        const obj *s = &o[k];
        if (!s->used || !s->stream)
            continue;
        newoff[k] = b.len;
        cv_buf_printf(&b, "%zu 0 obj\n", k);
        size_t cd = raw && raw->data.n ? find_key(in, s->body, s->dict_end, "/CvData") : 0;
        if (cd) {
            /* the data kept out of libharu: the dictionary without /CvData and /Length, then
             * its own length and the data */
            size_t j = cd + 7;
            long idx = number_at(in, s->dict_end, &j);
            size_t la = find_key(in, s->body, s->dict_end, "/Length");
            if (idx < 0 || (size_t)idx >= raw->data.n || !la)
                goto done; /* (not as this file writes it) */
            size_t le = la + 7;
            number_at(in, s->dict_end, &le);
            number_at(in, s->dict_end, &le);
            while (le < s->dict_end && is_ws(in[le]))
                le++;
            le += le < s->dict_end && in[le] == 'R';
            /* the two keys, in the order they stand */
            size_t a0 = la < cd ? la : cd, a1 = la < cd ? le : j, b0 = la < cd ? cd : la, b1 = la < cd ? j : le;
            const struct cv_rawdata *d = &raw->data.v[idx];
            if (a1 > b0 || b1 > s->dict_end - 2)
                goto done;
            if (put(&b, in + s->body, a0 - s->body) || put(&b, in + a1, b0 - a1) || put(&b, in + b1, s->dict_end - 2 - b1))
                goto oom;
            cv_buf_printf(&b, "/Length %zu>>\nstream\r\n", d->n);
            if (put(&b, d->p, d->n) || put(&b, "\nendstream", 10))
                goto oom;
        } else if (s->length_ref >= 0) {
            size_t at = find_key(in, s->body, s->dict_end, "/Length");
            const obj *lo = &o[s->length_ref];
            /* "/Length N 0 R" becomes "/Length <its value>" */
            size_t j = at + 7;
            number_at(in, s->dict_end, &j);
            number_at(in, s->dict_end, &j);
            while (j < s->dict_end && is_ws(in[j]))
                j++;
            j++; /* the R */
            if (put(&b, in + s->body, at + 7 - s->body) || put(&b, " ", 1) ||
                put(&b, in + lo->body, lo->body_end - lo->body) || put(&b, in + j, s->body_end - j))
                goto oom;
        } else if (put(&b, in + s->body, s->body_end - s->body)) {
            goto oom;
        }
        if (put(&b, "\nendobj\n", 8))
            goto oom;
    }
    /* the other objects, PER_STREAM to an object stream */
    size_t k = 1;
    for (size_t st = 0; st < nstm; st++) {
        size_t stm = n + nraw + st, cnt = 0;
        os.len = hdr.len = 0;
        for (; k < n + nraw && cnt < PER_STREAM; k++) {
            if (k < n && (!o[k].used || o[k].stream || o[k].length))
                continue;
            cv_buf_printf(&hdr, "%zu %zu ", k, os.len);
            if (k >= n) {
                const struct cv_rawobj *r = &raw->objs.v[k - n];
                if (put_body(&os, raw->text.p + r->a, r->b - r->a, n))
                    goto oom;
            } else {
                const obj *s = &o[k];
                size_t bl = s->body_end - s->body;
                if ((long)k == root && raw && raw->catalog[0] && bl >= 2 && !memcmp(in + s->body_end - 2, ">>", 2)) {
                    /* the catalog, with the structure tree's entries */
                    if (put(&os, in + s->body, bl - 2) || put_body(&os, raw->catalog, strlen(raw->catalog), n) ||
                        put(&os, ">>", 2))
                        goto oom;
                } else if (put(&os, in + s->body, bl)) {
                    goto oom;
                }
            }
            if (put(&os, "\n", 1))
                goto oom;
            in_stm[k] = (uint32_t)stm;
            at_stm[k] = (uint32_t)cnt++;
        }
        if (put(&hdr, os.p, os.len))
            goto oom;
        size_t zl;
        if (cv_deflate(zip, hdr.p, hdr.len, &z, &zl))
            goto oom;
        newoff[stm] = b.len;
        cv_buf_printf(&b, "%zu 0 obj\n<</Type/ObjStm/N %zu/First %zu/Filter/FlateDecode/Length %zu>>\nstream\r\n", stm,
                      cnt, hdr.len - os.len, zl);
        if (put(&b, z, zl) || put(&b, "\nendstream\nendobj\n", 18))
            goto oom;
        free(z);
        z = NULL;
    }
    /* the cross-reference stream: type 0 free, 1 at an offset, 2 in an object stream */
    size_t xr = total - 1;
    newoff[xr] = b.len;
    os.len = 0;
    for (size_t q = 0; q < total; q++) {
        unsigned char row[7];
        int type = q == 0 ? 0 : q < n && !o[q].used ? 0 : q < n && o[q].length ? 0 : in_stm[q] ? 2 : 1;
        uint32_t f2 = type == 1 ? (uint32_t)newoff[q] : type == 2 ? in_stm[q] : 0;
        uint32_t f3 = type == 2 ? at_stm[q] : q == 0 ? 0xFFFF : 0;
        row[0] = (unsigned char)type;
        for (int s = 0; s < 4; s++)
            row[1 + s] = (unsigned char)(f2 >> (24 - 8 * s));
        row[5] = (unsigned char)(f3 >> 8);
        row[6] = (unsigned char)f3;
        if (put(&os, row, 7))
            goto oom;
    }
    size_t zl;
    if (cv_deflate(zip, os.p, os.len, &z, &zl))
        goto oom;
    uint64_t h1 = cv_hash_seeded(in, len, 0xCBF29CE484222325ULL), h2 = cv_hash_seeded(in, len, 0x84222325CBF29CE4ULL);
    cv_buf_printf(&b, "%zu 0 obj\n<</Type/XRef/Size %zu/W[1 4 2]/Root %ld 0 R", xr, total, root);
    if (info > 0 && (size_t)info < n)
        cv_buf_printf(&b, "/Info %ld 0 R", info);
    cv_buf_printf(&b, "/ID[<%016llX%016llX><%016llX%016llX>]/Filter/FlateDecode/Length %zu>>\nstream\r\n",
                  (unsigned long long)h1, (unsigned long long)h2, (unsigned long long)h1, (unsigned long long)h2, zl);
    if (put(&b, z, zl) || put(&b, "\nendstream\nendobj\n", 18))
        goto oom;
    cv_buf_printf(&b, "startxref\n%zu\n%%%%EOF\n", newoff[xr]);
    if (b.oom)
        goto oom;
    *out = (unsigned char *)b.p;
    *out_len = b.len;
    b.p = NULL;
    rc = 0;
    goto done;
oom:
    rc = -1;
done:
    free(z);
    free(o);
    free(newoff);
    free(in_stm);
    free(at_stm);
    cv_buf_free(&b);
    cv_buf_free(&os);
    cv_buf_free(&hdr);
    return rc;
}
