/* deflate.c: compression of the streams (content, fonts, images, cross-reference and object
 * streams), the one client of libdeflate. libdeflate compresses a whole buffer at once, which
 * is all a PDF writer needs, in less than half of zlib's time for a slightly smaller result
 * (a page's content stream: 0.76 ms and 9,854 bytes at level 6, against zlib's 1.67 ms and
 * 9,983 bytes; the compression had been a quarter of an in-process re-render).
 *
 * A writer re-rendering the same document through a cvpdf_cache would compress the same
 * font programs, CMaps and unchanged pages again; the memo keeps each output under its
 * input, so that only what changed is compressed. The output is a pure function of the
 * input, so the bytes are the same with the memo as without it.
 */
#include <stdlib.h>
#include <string.h>

#include <libdeflate.h>

#include "deflate.h"

/* level 6: each step up to 9 costs about half the time again for 1-2 % */
#define LEVEL 6
/* streams shorter than this are compressed again rather than looked up */
#define MEMO_MIN 256

struct cv_deflater {
    struct libdeflate_compressor *c;
    cv_memo *memo;
};

typedef struct packed {
    size_t len;
    unsigned char data[];
} packed;

cv_deflater *cv_deflater_new(cv_memo *memo)
{
    cv_deflater *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->memo = memo;
    return d;
}

void cv_deflater_free(cv_deflater *d)
{
    if (!d)
        return;
    libdeflate_free_compressor(d->c);
    free(d);
}

typedef struct copy_job {
    unsigned char *out;
    size_t len;
} copy_job;

static void copy_out(void *value, void *user)
{
    const packed *v = value;
    copy_job *j = user;
    j->out = malloc(v->len ? v->len : 1);
    if (j->out) {
        memcpy(j->out, v->data, v->len);
        j->len = v->len;
    }
}

int cv_deflate(cv_deflater *d, const void *p, size_t n, unsigned char **out, size_t *out_len)
{
    *out = NULL;
    *out_len = 0;
    bool memo = d->memo && n >= MEMO_MIN;
    if (memo) {
        copy_job j = {0};
        if (cv_memo_find(d->memo, p, n, copy_out, &j)) {
            if (!j.out)
                return -1;
            *out = j.out;
            *out_len = j.len;
            return 0;
        }
    }
    if (!d->c && !(d->c = libdeflate_alloc_compressor(LEVEL)))
        return -1;
    size_t bound = libdeflate_zlib_compress_bound(d->c, n);
    unsigned char *z = malloc(bound ? bound : 1);
    if (!z)
        return -1;
    size_t zn = libdeflate_zlib_compress(d->c, p, n, z, bound);
    if (!zn) { /* (cannot happen with the bound's room) */
        free(z);
        return -1;
    }
    if (memo) {
        packed *v = malloc(sizeof *v + zn);
        if (v) { /* (without memory, only the reuse is lost) */
            v->len = zn;
            memcpy(v->data, z, zn);
            cv_memo_put(d->memo, p, n, v, sizeof *v + zn + n);
        }
    }
    *out = z;
    *out_len = zn;
    return 0;
}
