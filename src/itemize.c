/* itemize.c: a block's text into runs of one face, size and style, shaped once each with
 * HarfBuzz (shape.c) into the block's glyphs; px[p], the pen position at each byte offset
 * that starts a cluster, gives the width of any stretch of text. Images are boxes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout_int.h"

/* The size of an image: its HTML width/height, else its pixels at 96 dpi (CSS pixels), scaled
 * down to the measure and the style's greatest height; an image inside text is scaled to the
 * line's height. */
static void image_box(const cv_layout *l, const cv_image *im, bool standalone, cvu measure, cvu em,
                      cvu *w, cvu *h)
{
    cvu px = CVU_PT * 3 / 4; /* a CSS pixel */
    cvu iw = (cvu)im->px_w * px, ih = (cvu)im->px_h * px;
    if (im->want_w && im->want_h) {
        iw = (cvu)im->want_w * px;
        ih = (cvu)im->want_h * px;
    } else if (im->want_w) {
        iw = (cvu)im->want_w * px;
        ih = iw * im->px_h / (im->px_w ? im->px_w : 1);
    } else if (im->want_h) {
        ih = (cvu)im->want_h * px;
        iw = ih * im->px_w / (im->px_h ? im->px_h : 1);
    }
    cvu maxh = standalone ? l->st->image_max_h : em * 6 / 5;
    if (ih > maxh) {
        iw = iw * maxh / ih;
        ih = maxh;
    }
    if (iw > measure) {
        ih = ih * measure / iw;
        iw = measure;
    }
    *w = iw > 0 ? iw : 1;
    *h = ih > 0 ? ih : 1;
}

const lay_math *cv_lay_math(cv_layout *l, size_t k, cvu size, bool display)
{
    const cv_model *m = l->model;
    if (!m || k >= m->maths.n)
        return NULL;
    while (l->maths.n < m->maths.n) {
        lay_math z;
        memset(&z, 0, sizeof z);
        if (CV_PUSH(l->maths, z)) {
            l->ctx->oom = true;
            return NULL;
        }
    }
    lay_math *lm = &l->maths.v[k];
    if (lm->made && lm->size == size && lm->display == display)
        return lm;
    cv_mathbox_free(&lm->box);
    lm->made = true;
    lm->size = size;
    lm->display = display;
    lm->fallback = false;
    const cv_math *mt = &m->maths.v[k];
    int id = cv_fonts_role(l->fonts, CV_F_MATH);
    cv_face *face = id >= 0 ? cv_fonts_face(l->fonts, id) : NULL;
    if (!face || !cv_face_has_math(face)) {
        /* no math font: the TeX as written, in the text face (its width measured here) */
        lm->fallback = true;
        cv_vlist tmp;
        memset(&tmp, 0, sizeof tmp);
        cvu w = cv_lay_text_runs(l, mt->tex, mt->len, size, 0, &tmp);
        cv_vlist_free(&tmp);
        lm->box.w = w > 0 ? w : 0;
        lm->box.h = size * 8 / 10;
        lm->box.d = size * 2 / 10;
        return lm;
    }
    if (cv_math_layout(l->ctx, face, mt->tex, mt->len, size, display, mt->line, mt->col, &lm->box))
        return NULL;
    return lm;
}

void cv_lay_keep_math(const cv_block *blk, uint8_t *brk)
{
    for (size_t k = 0; k < blk->spans.n; k++) {
        const cv_span *sp = &blk->spans.v[k];
        if (!sp->math || sp->end < sp->start + 3)
            continue;
        uint32_t a = sp->start, e = sp->start + 3;
        /* "($x$)", "$x$-based": the formula is a word with what touches it */
        if (a > 0 && blk->text[a - 1] != ' ' && blk->text[a - 1] != '\n' && brk[a] != CV_BRK_MUST)
            brk[a] = CV_BRK_NONE;
        if (e < blk->len && blk->text[e] != ' ' && blk->text[e] != '\n' && brk[e] != CV_BRK_MUST)
            brk[e] = CV_BRK_NONE;
    }
}

/* Whether the block holds only images (and spaces): then each is shown at its own size. */
static bool only_images(const cv_block *blk)
{
    bool any = false;
    for (size_t i = 0; i < blk->len;) {
        size_t s = i;
        uint32_t cp = cv_utf8_next(blk->text, blk->len, &i);
        if (cp == 0xFFFC) {
            bool img = false;
            for (size_t k = 0; k < blk->spans.n; k++)
                if (blk->spans.v[k].start <= s && s < blk->spans.v[k].end && blk->spans.v[k].image >= 0)
                    img = true;
            if (!img)
                return false;
            any = true;
        } else if (!cv_char_is_space(cp) && cp != '\n') {
            return false;
        }
    }
    return any;
}

/* Itemize and shape block text into l->bg; px[p] receives the pen position at each byte
 * offset where a cluster starts (-1 inside a cluster). Returns the final pen position. */
cvu cv_lay_shape_block(cv_layout *l, const cv_block *blk, cvu *px, uint8_t *gb, cvu measure)
{
    bool standalone = only_images(blk);
    const cv_style *st = l->st;
    const char *t = blk->text;
    size_t len = blk->len;
    l->bg.n = 0;
    for (size_t i = 0; i <= len; i++)
        px[i] = -1;
    cvu pen = 0;
    cvu base = cv_lay_block_size(st, blk);
    size_t si = 0; /* current span */
    size_t a = 0;
    while (a < len) {
        /* skip forced breaks: they have no glyph */
        if (t[a] == '\n') {
            px[a] = pen;
            a++;
            continue;
        }
        while (si + 1 < blk->spans.n && blk->spans.v[si].end <= a)
            si++;
        const cv_span *sp = blk->spans.n ? &blk->spans.v[si] : NULL;
        uint16_t style = sp && sp->start <= a ? sp->style : 0;
        int32_t link = sp && sp->start <= a ? sp->link : -1;
        size_t span_end = sp && sp->start <= a ? sp->end : len;
        if (span_end > len)
            span_end = len;
        int sline = sp ? sp->line : blk->line, scol = sp ? sp->col : blk->col;
        if (!sline)
            sline = blk->line, scol = blk->col;
        if (sp && sp->start <= a && sp->math && a + 3 <= len) {
            /* a formula: one box, standing for its U+FFFC */
            const lay_math *lm = cv_lay_math(l, (size_t)sp->math - 1, base, blk->display);
            if (!lm)
                return pen;
            bglyph bgl = {0, FACE_MATH, (uint32_t)a, (uint32_t)a + 3, pen, 0, 0, lm->box.w, base,
                          st->text_color, link, false, true, 1, sp->math - 1, lm->box.h, lm->box.d};
            px[a] = pen;
            pen += lm->box.w;
            if (CV_PUSH(l->bg, bgl)) {
                l->ctx->oom = true;
                return pen;
            }
            a += 3;
            continue;
        }
        if (sp && sp->start <= a && sp->image >= 0 && l->model &&
            (size_t)sp->image < l->model->images.n && a + 3 <= len) {
            /* an image: one box, standing for its U+FFFC */
            cvu iw, ih;
            image_box(l, &l->model->images.v[sp->image], standalone, measure, base, &iw, &ih);
            bglyph bgl = {0, FACE_IMAGE, (uint32_t)a, (uint32_t)a + 3, pen, 0, 0, iw, base,
                          st->text_color, link, false, true, 1, sp->image, ih, 0};
            px[a] = pen;
            pen += iw;
            if (CV_PUSH(l->bg, bgl)) {
                l->ctx->oom = true;
                return pen;
            }
            a += 3;
            continue;
        }
        /* the run: graphemes of one face within one span, up to a forced break */
        size_t g = a + 1;
        while (g < len && !gb[g])
            g++;
        int face = cv_lay_pick_face(l, blk, style, t, a, g, sline, scol);
        size_t q = a;
        int script = cv_char_script(cv_utf8_next(t, len, &q));
        size_t b = g;
        while (b < span_end && t[b] != '\n') {
            size_t e = b + 1;
            while (e < len && !gb[e])
                e++;
            if (e > span_end)
                break;
            q = b;
            int sc = cv_char_script(cv_utf8_next(t, len, &q));
            if ((sc && script && sc != script) || (l->lv && l->lv[b] != l->lv[a]) ||
                cv_lay_pick_face(l, blk, style, t, b, e, sline, scol) != face)
                break;
            if (!script)
                script = sc;
            b = e;
        }
        cv_face *f = cv_fonts_face(l->fonts, face);
        cvu size = base;
        cvu dy = 0;
        if (style & CV_S_SUP) {
            size = base * 7 / 10;
            dy = base * 33 / 100;
        } else if (style & CV_S_SUB) {
            size = base * 7 / 10;
            dy = -base * 15 / 100;
        }
        uint32_t color = blk->alert_title ? st->alert_color[blk->alert]
                         : blk->kind == CV_B_HEADING ? (blk->level == 2 ? st->accent_color : st->heading_color)
                         : (style & CV_S_LINK)     ? st->link_color
                                                   : st->text_color;
        if (!f) {
            /* no usable face at all (fonts missing): reported by font.c; skip the run */
            for (size_t k = a; k < b; k++)
                if (px[k] < 0 && gb[k])
                    px[k] = pen;
            a = b;
            continue;
        }
        l->sg.n = 0;
        int stage = cv_stage(l->ctx, CV_T_SHAPE);
        int shaped = cv_shape(l->shaper, f, size, t, len, a, b - a, l->lang,
                              l->lv ? CV_SHAPE_BIDI | (l->lv[a] & 1 ? CV_SHAPE_RTL : 0) : 0, &l->sg);
        cv_stage(l->ctx, stage);
        if (shaped) {
            l->ctx->oom = true;
            return pen;
        }
        size_t first = l->bg.n;
        for (size_t k = 0; k < l->sg.n; k++) {
            cv_sglyph *s = &l->sg.v[k];
            bglyph bgl = {s->gid, (uint16_t)face, s->cluster, (uint32_t)b, pen, s->dx, s->dy + dy,
                          s->adv, size, color, link, (style & CV_S_STRIKE) != 0, false, 0, -1, 0, 0};
            if (px[s->cluster] < 0)
                px[s->cluster] = pen;
            pen += s->adv;
            if (CV_PUSH(l->bg, bgl)) {
                l->ctx->oom = true;
                return pen;
            }
        }
        /* cluster extents and first-glyph flags (LTR: clusters ascend) */
        for (size_t k = first; k < l->bg.n; k++) {
            bglyph *x = &l->bg.v[k];
            size_t m = k + 1;
            while (m < l->bg.n && l->bg.v[m].cluster == x->cluster)
                m++;
            if (k == first || l->bg.v[k - 1].cluster != x->cluster) {
                x->first = true;
                x->ncl = (uint16_t)(m - k);
                x->cend = m < l->bg.n ? l->bg.v[m].cluster : (uint32_t)b;
            }
        }
        a = b;
    }
    px[len] = pen;
    return pen;
}
