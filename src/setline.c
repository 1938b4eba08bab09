/* setline.c: one line set from its items: the glue set (justified or ragged), each glyph
 * placed, link and strike boxes, the hyphen, the list marker, and the carried rest of a word
 * broken at the line's end. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout_int.h"

/* Index of the first glyph of l->bg whose cluster is at or after byte a. */
static size_t glyph_at(const cv_layout *l, uint32_t a)
{
    size_t lo = 0, hi = l->bg.n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (l->bg.v[mid].cluster < a)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static int push_lglyph(cv_layout *l, cv_vlist *out, const cv_block *blk, const bglyph *g, cvu x,
                       int mode)
{
    cv_lglyph lg = {.x = x, .dy = g->dy, .size = g->size, .gid = g->gid, .face = g->face,
                    .ncl = g->first ? g->ncl : 0, .color = g->color,
                    .text = g->first ? blk->text + g->cluster : NULL,
                    .tlen = g->first ? g->cend - g->cluster : 0, .mode = (uint8_t)mode,
                    .image = g->image, .iw = g->image >= 0 ? g->adv : 0, .ih = g->ih};
    if (g->image >= 0) {
        /* the image, and its alt text as invisible text over it for text extraction */
        lg.text = NULL;
        lg.tlen = 0;
        lg.ncl = 0;
        if (CV_PUSH(out->glyphs, lg)) {
            l->ctx->oom = true;
            return -1;
        }
        const char *alt = l->model->images.v[g->image].alt;
        if (alt && *alt) {
            size_t from = out->glyphs.n;
            if (cv_layout_text(l, alt, strlen(alt), g->size, g->color, out) < 0)
                return 0;
            for (size_t k = from; k < out->glyphs.n; k++) {
                out->glyphs.v[k].x = x;
                out->glyphs.v[k].mode = CV_GM_INVISIBLE;
            }
            /* squeezed invisible text loses letters and spaces in poppler (its duplicate-glyph
             * filter); the span carries the exact alt text for extractors that read it */
            if (out->glyphs.n > from) {
                out->glyphs.v[from].aspan = (uint16_t)(out->glyphs.n - from);
                out->glyphs.v[from].atext = alt;
                out->glyphs.v[from].alen = (uint32_t)strlen(alt);
            }
        }
        return 0;
    }
    if (CV_PUSH(out->glyphs, lg)) {
        l->ctx->oom = true;
        return -1;
    }
    return 0;
}

#define MAX_CARRY 1024

/* Sets the line of items [from, to) (to: the break item) into out. */
int cv_lay_set_line(cv_layout *l, const cv_block *blk, size_t from, size_t to, cvu x0, cvu measure,
                    bool justify, bool first_line, uint32_t *carry_we, cv_vlist *out)
{
    const cv_item *it = l->items.v;
    const cv_item *brk_item = &it[to];
    bool hyph = brk_item->kind == CV_I_PENALTY && brk_item->flagged;
    /* a word longer than MAX_CARRY (a digest, a very long URL) is not carried whole: its
     * pieces stay plain text on their lines, instead of its whole rest as invisible text and
     * every later line as outlines (hundreds of bytes a glyph) */
    bool join = brk_item->kind == CV_I_PENALTY && brk_item->join && brk_item->b > brk_item->a &&
                brk_item->b - brk_item->ws <= MAX_CARRY;
    cvu L = hyph ? brk_item->width : 0, Y = 0, Z = 0;
    bool fil = false;
    for (size_t k = from; k < to; k++) {
        if (it[k].kind == CV_I_BOX || it[k].kind == CV_I_KERN)
            L += it[k].width;
        else if (it[k].kind == CV_I_GLUE) {
            L += it[k].width;
            Y += it[k].stretch;
            Z += it[k].shrink;
            fil |= it[k].fil;
        }
    }
    /* the glue set: stretch only when justifying a line that does not end a paragraph, and
     * not beyond twice the stretch: a line that would gape (rigid words around it) is better
     * left ragged */
    cvu delta = measure - L;
    if (delta > 0 && (!justify || fil || Y <= 0 || delta > 2 * Y))
        delta = 0;
    if (delta < 0 && Z <= 0)
        delta = 0;
    if (delta < -Z)
        delta = -Z;
    cv_vitem line;
    memset(&line, 0, sizeof line);
    line.kind = CV_V_LINE;
    line.x0 = x0;
    line.g0 = out->glyphs.n;
    line.b0 = out->boxes.n;
    line.quote_depth = blk->quote_depth;
    line.hyphen = hyph;
    line.ratio = delta > 0 ? (int32_t)(delta * 1000 / Y) : delta < 0 ? (int32_t)(delta * 1000 / Z) : 0;
    cvu maxsize = cv_lay_block_size(l->st, blk);
    /* the list marker hangs left of the text */
    if (first_line && blk->marker[0]) {
        cv_vlist tmp;
        memset(&tmp, 0, sizeof tmp);
        /* the first-level bullet is the style's */
        const char *mk0 = !strcmp(blk->marker, "\xE2\x80\xA2") && l->st->bullet[0] ? l->st->bullet : blk->marker;
        /* glyphs keep a pointer to their text until the PDF is written: give it a home */
        char *mk = cv_strndup(mk0, strlen(mk0));
        if (!mk || CV_PUSH(out->strings, mk)) {
            free(mk);
            l->ctx->oom = true;
            return -1;
        }
        cvu w = cv_layout_text(l, mk, strlen(mk), l->st->body_size, l->st->text_color, &tmp);
        for (size_t k = 0; w >= 0 && k < tmp.glyphs.n; k++) {
            cv_lglyph g = tmp.glyphs.v[k];
            g.x += -l->st->marker_gap - w;
            if (CV_PUSH(out->glyphs, g))
                l->ctx->oom = true;
        }
        cv_vlist_free(&tmp);
    }
    size_t text_g0 = out->glyphs.n;
    uint32_t src_a = UINT32_MAX, src_b = 0;
    cvu x = 0, img_h = 0;
    for (size_t k = from; k < to; k++) {
        const cv_item *c = &it[k];
        if (c->kind == CV_I_BOX) {
            if (c->a < src_a)
                src_a = c->a;
            if (c->b > src_b)
                src_b = c->b;
            for (size_t gi = glyph_at(l, c->a); gi < l->bg.n && l->bg.v[gi].cluster < c->b; gi++) {
                const bglyph *g = &l->bg.v[gi];
                if (g->size > maxsize)
                    maxsize = g->size;
                if (g->image >= 0 && g->ih > img_h)
                    img_h = g->ih;
                /* the tail of a word hyphenated on the line before is drawn, not text */
                int mode = *carry_we && g->cluster < *carry_we ? CV_GM_PATH : CV_GM_TEXT;
                if (push_lglyph(l, out, blk, g, x + c->shift + (g->pen - c->pen0) + g->dx, mode))
                    return -1;
                /* link and strike boxes */
                if (g->link >= 0 || g->strike) {
                    cvu gx0 = x + c->shift + (g->pen - c->pen0), gx1 = gx0 + g->adv;
                    cv_lbox *pb = out->boxes.n > line.b0 ? &out->boxes.v[out->boxes.n - 1] : NULL;
                    int32_t key = g->link >= 0 ? g->link : -2;
                    if (pb && pb->link == key && pb->x1 >= gx0 - CVU_PT * 4)
                        pb->x1 = gx1;
                    else {
                        cv_lbox bx = {gx0, gx1, g->size * 8 / 10, -g->size * 2 / 10, key};
                        if (CV_PUSH(out->boxes, bx)) {
                            l->ctx->oom = true;
                            return -1;
                        }
                    }
                }
            }
            x += c->width;
        } else if (c->kind == CV_I_KERN) {
            x += c->width;
        } else if (c->kind == CV_I_GLUE) {
            cvu w = c->width;
            if (delta > 0 && Y > 0)
                w += c->stretch * delta / Y;
            else if (delta < 0 && Z > 0)
                w += c->shrink * delta / Z;
            /* between two CJK characters no more than 0.08 em: from about 0.1 em, text
             * extractors take the gap for a space and split the word */
            if (c->role == CV_G_CJK && w > c->size * 8 / 100)
                w = c->size * 8 / 100;
            x += w;
            if (c->role < 5 && !c->fil) {
                line.glue_n[c->role]++;
                line.glue_w[c->role] += w;
            }
        }
    }
    if (join) {
        /* a word broken again inside its carried tail needs no second invisible copy */
        bool inside_carry = *carry_we && brk_item->a < *carry_we;
        if (!inside_carry) {
            /* the head starts at the word's first glyph on this line */
            size_t hs = out->glyphs.n;
            while (hs > text_g0 && out->glyphs.v[hs - 1].mode == CV_GM_TEXT &&
                   (!out->glyphs.v[hs - 1].text || out->glyphs.v[hs - 1].text >= blk->text + brk_item->ws))
                hs--;
            /* the rest of the word, as invisible text right after its head */
            for (size_t gi = glyph_at(l, brk_item->a); gi < l->bg.n && l->bg.v[gi].cluster < brk_item->b; gi++)
                if (push_lglyph(l, out, blk, &l->bg.v[gi], x, CV_GM_INVISIBLE))
                    return -1;
            if (out->glyphs.n > hs) {
                out->glyphs.v[hs].aspan = (uint16_t)(out->glyphs.n - hs);
                out->glyphs.v[hs].atext = blk->text + brk_item->ws;
                out->glyphs.v[hs].alen = brk_item->b - brk_item->ws;
            }
            *carry_we = brk_item->b;
        }
    } else {
        *carry_we = 0;
    }
    if (hyph) {
        cv_lglyph hg = {.x = x, .size = brk_item->size, .gid = brk_item->gid, .face = brk_item->face,
                        .ncl = 1, .color = l->st->text_color, .mode = CV_GM_PATH, .image = -1};
        /* the hyphen takes the colour of the glyph before it */
        if (out->glyphs.n > text_g0)
            hg.color = out->glyphs.v[out->glyphs.n - 1].color;
        if (CV_PUSH(out->glyphs, hg)) {
            l->ctx->oom = true;
            return -1;
        }
        x += brk_item->width;
    }
    line.g1 = out->glyphs.n;
    line.b1 = out->boxes.n;
    line.width = x;
    line.height = maxsize * l->st->leading_num / l->st->leading_den;
    if (blk->kind == CV_B_HEADING || blk->kind == CV_B_CODE)
        line.height = maxsize * 13 / 10;
    line.ascent = (line.height - maxsize) / 2 + maxsize * 8 / 10;
    if (img_h) {
        /* an image stands on the baseline: the line grows to hold it, with a little air */
        cvu gap = maxsize / 5;
        if (img_h + gap > line.ascent) {
            line.height += img_h + gap - line.ascent;
            line.ascent = img_h + gap;
        }
    }
    /* centred and right-aligned lines (HTML align, <center>) */
    if (blk->align == CV_ALIGN_CENTER || blk->align == CV_ALIGN_RIGHT) {
        cvu room = measure - x;
        if (room > 0) {
            cvu shift = blk->align == CV_ALIGN_CENTER ? room / 2 : room;
            line.x0 += shift;
        }
    }
    if (src_a < src_b) {
        line.text = blk->text + src_a;
        line.tlen = src_b - src_a;
    }
    if (CV_PUSH(out->items, line)) {
        l->ctx->oom = true;
        return -1;
    }
    return 0;
}
