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

/* A line being set: the item it becomes, where the pen is, what it has seen. */
typedef struct setting {
    cv_layout *l;
    const cv_block *blk;
    cv_vlist *out;
    cv_vitem line;
    cvu delta, Y, Z;   /* the glue set: delta spread over stretch Y or shrink Z */
    cvu x;             /* the pen */
    cvu maxsize, img_h;
    size_t text_g0;    /* the line's first glyph after the marker */
    uint32_t src_a, src_b; /* the source bytes its boxes hold */
} setting;

static int oom(setting *s)
{
    s->l->ctx->oom = true;
    return -1;
}

/* The glue set of items [from, to): stretch only when justifying a line that does not end a
 * paragraph, and not beyond twice the stretch: a line that would gape (rigid words around it)
 * is better left ragged. */
static void glue_set(setting *s, const cv_item *it, size_t from, size_t to, cvu hyphen_w, cvu measure,
                     bool justify)
{
    cvu L = hyphen_w, Y = 0, Z = 0;
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
    cvu delta = measure - L;
    if (delta > 0 && (!justify || fil || Y <= 0 || delta > 2 * Y))
        delta = 0;
    if (delta < 0 && Z <= 0)
        delta = 0;
    if (delta < -Z)
        delta = -Z;
    s->delta = delta;
    s->Y = Y;
    s->Z = Z;
    s->line.ratio = delta > 0 ? (int32_t)(delta * 1000 / Y) : delta < 0 ? (int32_t)(delta * 1000 / Z) : 0;
}

/* The list marker, hanging left of the text. */
static int add_marker(setting *s)
{
    cv_layout *l = s->l;
    cv_vlist tmp;
    memset(&tmp, 0, sizeof tmp);
    /* the first-level bullet is the style's */
    const char *mk0 = !strcmp(s->blk->marker, "\xE2\x80\xA2") && l->st->bullet[0] ? l->st->bullet : s->blk->marker;
    /* glyphs keep a pointer to their text until the PDF is written: give it a home */
    char *mk = cv_strndup(mk0, strlen(mk0));
    if (!mk || CV_PUSH(s->out->strings, mk)) {
        free(mk);
        return oom(s);
    }
    cvu w = cv_layout_text(l, mk, strlen(mk), l->st->body_size, l->st->text_color, &tmp);
    for (size_t k = 0; w >= 0 && k < tmp.glyphs.n; k++) {
        cv_lglyph g = tmp.glyphs.v[k];
        g.x += -l->st->marker_gap - w;
        if (CV_PUSH(s->out->glyphs, g))
            l->ctx->oom = true;
    }
    cv_vlist_free(&tmp);
    return 0;
}

/* A link or strike box under glyph g at gx0: merged with the box before when they touch. */
static int add_box(setting *s, const bglyph *g, cvu gx0)
{
    cv_vlist *out = s->out;
    cvu gx1 = gx0 + g->adv;
    cv_lbox *pb = out->boxes.n > s->line.b0 ? &out->boxes.v[out->boxes.n - 1] : NULL;
    int32_t key = g->link >= 0 ? g->link : -2;
    if (pb && pb->link == key && pb->x1 >= gx0 - CVU_PT * 4) {
        pb->x1 = gx1;
        return 0;
    }
    cv_lbox bx = {gx0, gx1, g->size * 8 / 10, -g->size * 2 / 10, key};
    return CV_PUSH(out->boxes, bx) ? oom(s) : 0;
}

/* A box's glyphs at the pen; the tail of a word hyphenated on the line before is drawn, not
 * text. */
static int place_box(setting *s, const cv_item *c, uint32_t carry_we)
{
    cv_layout *l = s->l;
    if (c->a < s->src_a)
        s->src_a = c->a;
    if (c->b > s->src_b)
        s->src_b = c->b;
    for (size_t gi = glyph_at(l, c->a); gi < l->bg.n && l->bg.v[gi].cluster < c->b; gi++) {
        const bglyph *g = &l->bg.v[gi];
        if (g->size > s->maxsize)
            s->maxsize = g->size;
        if (g->image >= 0 && g->ih > s->img_h)
            s->img_h = g->ih;
        int mode = carry_we && g->cluster < carry_we ? CV_GM_PATH : CV_GM_TEXT;
        cvu gx = s->x + c->shift + (g->pen - c->pen0);
        if (push_lglyph(l, s->out, s->blk, g, gx + g->dx, mode))
            return -1;
        if ((g->link >= 0 || g->strike) && add_box(s, g, gx))
            return -1;
    }
    s->x += c->width;
    return 0;
}

/* A glue at its set width. */
static void place_glue(setting *s, const cv_item *c)
{
    cvu w = c->width;
    if (s->delta > 0 && s->Y > 0)
        w += c->stretch * s->delta / s->Y;
    else if (s->delta < 0 && s->Z > 0)
        w += c->shrink * s->delta / s->Z;
    /* between two CJK characters no more than 0.08 em: from about 0.1 em, text extractors
     * take the gap for a space and split the word */
    if (c->role == CV_G_CJK && w > c->size * 8 / 100)
        w = c->size * 8 / 100;
    s->x += w;
    if (c->role < 5 && !c->fil) {
        s->line.glue_n[c->role]++;
        s->line.glue_w[c->role] += w;
    }
}

/* A word broken at the line's end (brk, a join penalty): the rest of it as invisible text
 * right after its head, which an /ActualText span covers too. */
static int carry_word(setting *s, const cv_item *brk, uint32_t *carry_we)
{
    cv_layout *l = s->l;
    cv_vlist *out = s->out;
    /* a word broken again inside its carried tail needs no second invisible copy */
    if (*carry_we && brk->a < *carry_we)
        return 0;
    /* the head starts at the word's first glyph on this line */
    size_t hs = out->glyphs.n;
    while (hs > s->text_g0 && out->glyphs.v[hs - 1].mode == CV_GM_TEXT &&
           (!out->glyphs.v[hs - 1].text || out->glyphs.v[hs - 1].text >= s->blk->text + brk->ws))
        hs--;
    for (size_t gi = glyph_at(l, brk->a); gi < l->bg.n && l->bg.v[gi].cluster < brk->b; gi++)
        if (push_lglyph(l, out, s->blk, &l->bg.v[gi], s->x, CV_GM_INVISIBLE))
            return -1;
    if (out->glyphs.n > hs) {
        out->glyphs.v[hs].aspan = (uint16_t)(out->glyphs.n - hs);
        out->glyphs.v[hs].atext = s->blk->text + brk->ws;
        out->glyphs.v[hs].alen = brk->b - brk->ws;
    }
    *carry_we = brk->b;
    return 0;
}

/* The hyphen at a hyphenation break, drawn, in the colour of the glyph before it. */
static int add_hyphen(setting *s, const cv_item *brk)
{
    cv_vlist *out = s->out;
    cv_lglyph hg = {.x = s->x, .size = brk->size, .gid = brk->gid, .face = brk->face, .ncl = 1,
                    .color = s->l->st->text_color, .mode = CV_GM_PATH, .image = -1};
    if (out->glyphs.n > s->text_g0)
        hg.color = out->glyphs.v[out->glyphs.n - 1].color;
    if (CV_PUSH(out->glyphs, hg))
        return oom(s);
    s->x += brk->width;
    return 0;
}

/* The line's height and baseline (an image on it grows it), its alignment, its text. */
static int finish_line(setting *s, cvu measure)
{
    const cv_style *st = s->l->st;
    const cv_block *blk = s->blk;
    cv_vitem *line = &s->line;
    cvu maxsize = s->maxsize;
    line->g1 = s->out->glyphs.n;
    line->b1 = s->out->boxes.n;
    line->width = s->x;
    line->height = maxsize * st->leading_num / st->leading_den;
    if (blk->kind == CV_B_HEADING || blk->kind == CV_B_CODE)
        line->height = maxsize * 13 / 10;
    line->ascent = (line->height - maxsize) / 2 + maxsize * 8 / 10;
    if (s->img_h) {
        /* an image stands on the baseline: the line grows to hold it, with a little air */
        cvu gap = maxsize / 5;
        if (s->img_h + gap > line->ascent) {
            line->height += s->img_h + gap - line->ascent;
            line->ascent = s->img_h + gap;
        }
    }
    /* centred and right-aligned lines (HTML align, <center>) */
    if (blk->align == CV_ALIGN_CENTER || blk->align == CV_ALIGN_RIGHT) {
        cvu room = measure - s->x;
        if (room > 0)
            line->x0 += blk->align == CV_ALIGN_CENTER ? room / 2 : room;
    }
    if (s->src_a < s->src_b) {
        line->text = blk->text + s->src_a;
        line->tlen = s->src_b - s->src_a;
    }
    return CV_PUSH(s->out->items, *line) ? oom(s) : 0;
}

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
    setting s;
    memset(&s, 0, sizeof s);
    s.l = l;
    s.blk = blk;
    s.out = out;
    s.line.kind = CV_V_LINE;
    s.line.x0 = x0;
    s.line.g0 = out->glyphs.n;
    s.line.b0 = out->boxes.n;
    s.line.quote_depth = blk->quote_depth;
    s.line.hyphen = hyph;
    glue_set(&s, it, from, to, hyph ? brk_item->width : 0, measure, justify);
    s.maxsize = cv_lay_block_size(l->st, blk);
    if (first_line && blk->marker[0] && add_marker(&s))
        return -1;
    s.text_g0 = out->glyphs.n;
    s.src_a = UINT32_MAX;
    for (size_t k = from; k < to; k++) {
        const cv_item *c = &it[k];
        if (c->kind == CV_I_BOX) {
            if (place_box(&s, c, *carry_we))
                return -1;
        } else if (c->kind == CV_I_KERN) {
            s.x += c->width;
        } else if (c->kind == CV_I_GLUE) {
            place_glue(&s, c);
        }
    }
    if (join) {
        if (carry_word(&s, brk_item, carry_we))
            return -1;
    } else {
        *carry_we = 0;
    }
    if (hyph && add_hyphen(&s, brk_item))
        return -1;
    return finish_line(&s, measure);
}
