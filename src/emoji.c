/* emoji.c: colour emoji bitmaps from FreeType (its only client).
 *
 * Noto Color Emoji keeps its glyphs as PNG strikes (CBDT), one size (109 ppem). FreeType
 * decodes them with FT_LOAD_COLOR into premultiplied BGRA; the PDF wants straight RGB and a
 * separate alpha channel (an SMask), so the colour is un-premultiplied here. The library and
 * face belong to one document (FreeType objects are not shared between threads).
 */
#include <stdlib.h>
#include <string.h>

#include <ft2build.h>
#include FT_FREETYPE_H

#include "internal.h"

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

int cv_emoji_render(cv_emoji *e, uint32_t gid, cv_bitmap *out)
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
    out->rgb = malloc(px * 3);
    out->alpha = malloc(px);
    if (!out->rgb || !out->alpha) {
        cv_bitmap_free(out);
        return -1;
    }
    for (int y = 0; y < out->h; y++) {
        const unsigned char *row = bm->buffer + (ptrdiff_t)y * bm->pitch;
        for (int x = 0; x < out->w; x++) {
            const unsigned char *p = row + 4 * x; /* B G R A, premultiplied */
            unsigned a = p[3];
            size_t i = (size_t)y * (size_t)out->w + (size_t)x;
            for (int c = 0; c < 3; c++) {
                unsigned v = p[2 - c];
                out->rgb[3 * i + c] = (unsigned char)(a ? (v * 255 + a / 2) / a > 255 ? 255 : (v * 255 + a / 2) / a : 0);
            }
            out->alpha[i] = (unsigned char)a;
        }
    }
    /* the 109 ppem strike is 800 dpi at 10 pt: halve it (alpha-weighted 2×2 boxes), still
     * about 400 dpi in print, a quarter of the bytes */
    if (out->ppem >= 96 && out->w >= 2 && out->h >= 2) {
        int w2 = out->w / 2, h2 = out->h / 2;
        for (int y = 0; y < h2; y++)
            for (int x = 0; x < w2; x++) {
                unsigned sa = 0, sc[3] = {0, 0, 0};
                for (int dy = 0; dy < 2; dy++)
                    for (int dx = 0; dx < 2; dx++) {
                        size_t i = (size_t)(2 * y + dy) * (size_t)out->w + (size_t)(2 * x + dx);
                        unsigned a = out->alpha[i];
                        sa += a;
                        for (int c = 0; c < 3; c++)
                            sc[c] += out->rgb[3 * i + c] * a;
                    }
                size_t o = (size_t)y * (size_t)w2 + (size_t)x;
                for (int c = 0; c < 3; c++)
                    out->rgb[3 * o + c] = (unsigned char)(sa ? (sc[c] + sa / 2) / sa : 0);
                out->alpha[o] = (unsigned char)((sa + 2) / 4);
            }
        out->w = w2;
        out->h = h2;
        out->left /= 2;
        out->top /= 2;
        out->ppem /= 2;
    }
    return 0;
}

void cv_bitmap_free(cv_bitmap *b)
{
    free(b->rgb);
    free(b->alpha);
    memset(b, 0, sizeof *b);
}
