/* emoji.c: colour emoji bitmaps from FreeType (its only client).
 *
 * Noto Color Emoji keeps its glyphs as PNG strikes (CBDT), one size (109 ppem). FreeType
 * decodes them with FT_LOAD_COLOR into premultiplied BGRA; the PDF wants straight RGB and a
 * separate alpha channel (an SMask), so the colour is un-premultiplied here. The library and
 * face belong to one document (FreeType objects are not shared between threads).
 *
 * cv_emoji_encode turns one glyph into the bytes of its two PDF image streams (colour and
 * SMask), already Flate-compressed, at the resolution asked for (EMOJI_DPI at the largest
 * size the emoji is shown, pdf.c), reduced from the strike by whole boxes of pixels.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <ft2build.h>
#include FT_FREETYPE_H

#include "deflate.h"
#include "diskcache.h"
#include "emoji.h"
#include "shape.h"

struct cv_emoji {
    FT_Library lib;
    FT_Face face;
};

cv_emoji *cv_emoji_open(const char *path, unsigned index)
{
    cv_emoji *e = calloc(1, sizeof *e);
    if (!e)
        return NULL;
    if (FT_Init_FreeType(&e->lib)) {
        free(e);
        return NULL;
    }
    if (FT_New_Face(e->lib, path, (FT_Long)index, &e->face) || !FT_HAS_COLOR(e->face) ||
        e->face->num_fixed_sizes < 1) {
        cv_emoji_close(e);
        return NULL;
    }
    /* the largest strike: the sharpest print */
    int best = 0;
    for (int i = 1; i < e->face->num_fixed_sizes; i++)
        if (e->face->available_sizes[i].y_ppem > e->face->available_sizes[best].y_ppem)
            best = i;
    if (FT_Select_Size(e->face, best)) {
        cv_emoji_close(e);
        return NULL;
    }
    return e;
}

void cv_emoji_close(cv_emoji *e)
{
    if (!e)
        return;
    if (e->face)
        FT_Done_Face(e->face);
    if (e->lib)
        FT_Done_FreeType(e->lib);
    free(e);
}

/* Reduces w×h straight-alpha pixels by k in each direction: each output pixel is the
 * alpha-weighted mean of a k×k box (beyond the bitmap's edge, transparent). Whole boxes keep
 * the art's flat colours flat, which compresses far better than a fractional resampling. */
static void box_reduce(const unsigned char *rgb, const unsigned char *alpha, int w, int h, int k,
                       unsigned char *orgb, unsigned char *oalpha)
{
    int pw = (w + k - 1) / k, ph = (h + k - 1) / k;
    for (int oy = 0; oy < ph; oy++)
        for (int ox = 0; ox < pw; ox++) {
            unsigned long sa = 0, sc[3] = {0, 0, 0};
            for (int y = oy * k; y < oy * k + k && y < h; y++)
                for (int x = ox * k; x < ox * k + k && x < w; x++) {
                    size_t i = (size_t)y * (size_t)w + (size_t)x;
                    unsigned a = alpha[i];
                    sa += a;
                    for (int c = 0; c < 3; c++)
                        sc[c] += (unsigned long)rgb[3 * i + c] * a;
                }
            size_t o = (size_t)oy * (size_t)pw + (size_t)ox;
            for (int c = 0; c < 3; c++)
                orgb[3 * o + c] = (unsigned char)(sa ? (sc[c] + sa / 2) / sa : 0);
            oalpha[o] = (unsigned char)((sa + (unsigned long)(k * k) / 2) / (unsigned long)(k * k));
        }
}

int cv_emoji_render(cv_emoji *e, uint32_t gid, int ppem, cv_bitmap *out)
{
    memset(out, 0, sizeof *out);
    if (FT_Load_Glyph(e->face, gid, FT_LOAD_COLOR))
        return -1;
    FT_Bitmap *bm = &e->face->glyph->bitmap;
    if (bm->pixel_mode != FT_PIXEL_MODE_BGRA || !bm->width || !bm->rows)
        return -1;
    out->w = (int)bm->width;
    out->h = (int)bm->rows;
    out->left = e->face->glyph->bitmap_left;
    out->top = e->face->glyph->bitmap_top;
    out->ppem = e->face->size->metrics.y_ppem;
    size_t px = (size_t)out->w * (size_t)out->h;
    unsigned char *rgb = malloc(px * 3), *alpha = malloc(px);
    if (!rgb || !alpha) {
        free(rgb);
        free(alpha);
        return -2;
    }
    for (int y = 0; y < out->h; y++) {
        const unsigned char *row = bm->buffer + (ptrdiff_t)y * bm->pitch;
        for (int x = 0; x < out->w; x++) {
            const unsigned char *p = row + 4 * x; /* B G R A, premultiplied */
            unsigned a = p[3];
            size_t i = (size_t)y * (size_t)out->w + (size_t)x;
            for (int c = 0; c < 3; c++) {
                unsigned v = p[2 - c];
                rgb[3 * i + c] = (unsigned char)(a ? (v * 255 + a / 2) / a > 255 ? 255 : (v * 255 + a / 2) / a : 0);
            }
            alpha[i] = (unsigned char)a;
        }
    }
    /* fewer pixels when the strike is finer than asked (109 ppem is 785 dpi at 10 pt): whole
     * k×k boxes, k the largest that still gives ppem; the box then covers pw·k × ph·k strike
     * pixels, transparent beyond the bitmap */
    int k = ppem > 0 ? out->ppem / ppem : 1;
    out->pw = (out->w + k - 1) / k;
    out->ph = (out->h + k - 1) / k;
    if (k < 2) {
        out->rgb = rgb;
        out->alpha = alpha;
        return 0;
    }
    size_t opx = (size_t)out->pw * (size_t)out->ph;
    out->rgb = malloc(opx * 3);
    out->alpha = malloc(opx);
    if (!out->rgb || !out->alpha) {
        free(rgb);
        free(alpha);
        cv_bitmap_free(out);
        return -2;
    }
    box_reduce(rgb, alpha, out->w, out->h, k, out->rgb, out->alpha);
    out->w = out->pw * k;
    out->h = out->ph * k;
    free(rgb);
    free(alpha);
    return 0;
}

void cv_bitmap_free(cv_bitmap *b)
{
    free(b->rgb);
    free(b->alpha);
    memset(b, 0, sizeof *b);
}

/* ---- encoding for PDF ------------------------------------------------------------------- */

/* Deflate at the default level (deflate.c): zlib's level 9 saved 261 bytes on the English
 * résumé's seven emoji and cost 4 ms of a 50 ms render. Emoji art is flat colour with
 * antialiased edges: PNG row filters (tried) made it larger on all but 2 of 34 test emoji,
 * and cost three times the time. */
static int deflate_plane(cv_deflater *zip, const unsigned char *data, size_t len, unsigned char **out, size_t *out_len)
{
    return cv_deflate(zip, data, len, out, out_len) ? -2 : 0; /* (fails only for want of memory) */
}

int cv_emoji_encode(cv_emoji *e, uint32_t gid, int ppem, cv_emoji_image *out)
{
    memset(out, 0, sizeof *out);
    cv_bitmap bm;
    int rc = cv_emoji_render(e, gid, ppem, &bm);
    if (rc)
        return rc;
    out->w = bm.w;
    out->h = bm.h;
    out->pw = bm.pw;
    out->ph = bm.ph;
    out->left = bm.left;
    out->top = bm.top;
    out->ppem = bm.ppem;
    size_t px = (size_t)bm.pw * (size_t)bm.ph;
    cv_deflater *zip = cv_deflater_new(NULL);
    rc = !zip || deflate_plane(zip, bm.rgb, px * 3, &out->rgb, &out->rgb_len) ||
                 deflate_plane(zip, bm.alpha, px, &out->alpha, &out->alpha_len)
             ? -2
             : 0;
    cv_deflater_free(zip);
    cv_bitmap_free(&bm);
    if (rc)
        cv_emoji_image_free(out);
    return rc;
}

/* Encoded emoji are remembered (memo.c) under their face, glyph and size, each as one block:
 * the image's header, then its colour and alpha planes. */
static int emoji_key(cv_key *k, const cv_face *face, uint32_t gid, int ppem)
{
    cv_key_add_id(k, face);
    cv_key_add(k, &gid, sizeof gid);
    cv_key_add(k, &ppem, sizeof ppem);
    return k->oom ? -1 : 0;
}

typedef struct copy_job {
    cv_emoji_image *out;
    int rc;
} copy_job;

static void copy_out(void *value, void *user)
{
    const cv_emoji_image *from = value;
    const unsigned char *planes = (const unsigned char *)(from + 1);
    copy_job *j = user;
    cv_emoji_image *to = j->out;
    *to = *from;
    to->rgb = malloc(from->rgb_len ? from->rgb_len : 1);
    to->alpha = malloc(from->alpha_len ? from->alpha_len : 1);
    if (!to->rgb || !to->alpha) {
        cv_emoji_image_free(to);
        j->rc = -1;
        return;
    }
    memcpy(to->rgb, planes, from->rgb_len);
    memcpy(to->alpha, planes + from->rgb_len, from->alpha_len);
    j->rc = 0;
}

/* The key in the disk cache: the font file by identity, its index, the glyph and size. */
static int disk_key(cv_key *k, const char *path, unsigned index, uint32_t gid, int ppem)
{
    cv_key_add(k, "emoji-1", 8);
    if (cv_disk_key_file(k, path))
        return -1;
    cv_key_add(k, &index, sizeof index);
    cv_key_add(k, &gid, sizeof gid);
    cv_key_add(k, &ppem, sizeof ppem);
    return k->oom ? -1 : 0;
}

int cv_emoji_get(cv_memo *memo, const char *disk, cv_face *face, const char *path, unsigned index, cv_emoji **e,
                 uint32_t gid, int ppem, cv_emoji_image *out)
{
    memset(out, 0, sizeof *out);
    cv_key key = {0};
    bool keyed = memo && !emoji_key(&key, face, gid, ppem);
    copy_job job = {out, 1};
    if (keyed && cv_memo_find(memo, key.p, key.len, copy_out, &job) && job.rc <= 0) {
        cv_buf_free(&key);
        return job.rc ? -2 : 0;
    }
    cv_key dkey = {0};
    bool dkeyed = disk && !disk_key(&dkey, path, index, gid, ppem);
    unsigned char *got = NULL;
    size_t got_len = 0;
    int dr = dkeyed ? cv_disk_get(disk, "emoji", dkey.p, dkey.len, &got, &got_len) : 0;
    if (dr == 1) {
        cv_emoji_image hd;
        bool ok = got_len >= sizeof hd;
        if (ok)
            memcpy(&hd, got, sizeof hd);
        if (ok && hd.rgb_len <= got_len && hd.alpha_len == got_len - sizeof hd - hd.rgb_len) {
            copy_out(got, &job);
            if (!job.rc && keyed)
                cv_memo_put(memo, key.p, key.len, got, got_len);
            else
                free(got);
            cv_buf_free(&key);
            cv_buf_free(&dkey);
            return job.rc ? -2 : 0;
        }
    }
    free(got);
    if (dr < 0) {
        cv_buf_free(&key);
        cv_buf_free(&dkey);
        return -2;
    }
    int rc = 0;
    if (!*e) {
        errno = 0;
        if (!(*e = cv_emoji_open(path, index)))
            rc = errno == ENOMEM ? -2 : -1; /* (malloc's errno: no memory, not no emoji) */
    }
    if (!rc)
        rc = cv_emoji_encode(*e, gid, ppem, out);
    if (rc) {
        cv_buf_free(&key);
        cv_buf_free(&dkey);
        return rc;
    }
    /* remembered if memory allows */
    size_t size = sizeof *out + out->rgb_len + out->alpha_len;
    cv_emoji_image *blob = keyed || dkeyed ? malloc(size) : NULL;
    if (blob) {
        memcpy(blob, out, sizeof *out); /* (its padding too, zero: the blob is written to disk) */
        blob->rgb = blob->alpha = NULL;
        unsigned char *planes = (unsigned char *)(blob + 1);
        memcpy(planes, out->rgb, out->rgb_len);
        memcpy(planes + out->rgb_len, out->alpha, out->alpha_len);
        if (dkeyed)
            cv_disk_put(disk, "emoji", dkey.p, dkey.len, blob, size);
        if (keyed)
            cv_memo_put(memo, key.p, key.len, blob, size);
        else
            free(blob);
    }
    cv_buf_free(&key);
    cv_buf_free(&dkey);
    return 0;
}

void cv_emoji_image_free(cv_emoji_image *im)
{
    free(im->rgb);
    free(im->alpha);
    memset(im, 0, sizeof *im);
}
