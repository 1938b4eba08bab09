/* emoji.h: colour emoji bitmaps (emoji.c, the only FreeType client). */
#ifndef CVPDF_EMOJI_H
#define CVPDF_EMOJI_H

#include "memo.h"
#include "util.h"

typedef struct cv_emoji cv_emoji;
typedef struct cv_face cv_face; /* shape.c */
typedef struct cv_bitmap {
    /* the strike's box: w×h pixels at ppem, its origin offset left/top; the samples are
     * pw×ph pixels over that box (fewer when resampled) */
    int w, h, left, top, ppem, pw, ph;
    unsigned char *rgb, *alpha; /* straight (not premultiplied) colour; alpha */
} cv_bitmap;
cv_emoji *cv_emoji_open(const char *path, unsigned index);
void cv_emoji_close(cv_emoji *e);
/* The glyph's bitmap, resampled to ppem pixels an em when the strike is finer (0: as is). */
int cv_emoji_render(cv_emoji *e, uint32_t gid, int ppem, cv_bitmap *out);
void cv_bitmap_free(cv_bitmap *b);
/* One emoji as the data of two PDF image streams, pw×ph samples of 8 bits: the colour
 * (DeviceRGB) and its SMask (DeviceGray), each zlib-compressed (/FlateDecode). A pure function
 * of the face, gid and ppem, so it is remembered (memo.c). */
typedef struct cv_emoji_image {
    int w, h, left, top, ppem, pw, ph; /* as cv_bitmap */
    unsigned char *rgb, *alpha;
    size_t rgb_len, alpha_len;
} cv_emoji_image;
int cv_emoji_encode(cv_emoji *e, uint32_t gid, int ppem, cv_emoji_image *out);
void cv_emoji_image_free(cv_emoji_image *im);
/* The encoded emoji from memo (may be NULL), else from the disk cache in directory disk
 * (NULL: none), else made (opening *e on first need; the caller closes it) and kept in both.
 * 0; -1 when there is none; -2 out of memory (as cv_emoji_render and cv_emoji_encode). */
int cv_emoji_get(cv_memo *memo, const char *disk, cv_face *face, const char *path, unsigned index, cv_emoji **e,
                 uint32_t gid, int ppem, cv_emoji_image *out);

#endif
