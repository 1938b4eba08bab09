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

/* A formula at x: its glyphs in the math face, each extracting as what it stands for, the
 * whole marked with its linear form (/ActualText); its rules (fraction bars) go to the line,
 * y from the baseline for now (finish_line moves them under the line's top). */
static int push_math(cv_layout *l, cv_vlist *out, const bglyph *g, cvu x)
{
    const lay_math *lm = (size_t)g->image < l->maths.n ? &l->maths.v[g->image] : NULL;
    const cv_math *mt = &l->model->maths.v[g->image];
    if (!lm || lm->fallback) {
        size_t from = out->glyphs.n;
        if (cv_lay_text_runs(l, mt->tex, mt->len, g->size, g->color, out) < 0)
            return -1;
        for (size_t k = from; k < out->glyphs.n; k++)
            out->glyphs.v[k].x += x;
        return 0;
    }
    const cv_mathbox *b = &lm->box;
    /* glyphs keep a pointer to their text until the PDF is written: give it a home */
    char *text = cv_strndup(b->text.p ? b->text.p : "", b->text.len);
    if (!text || CV_PUSH(out->strings, text)) {
        free(text);
        l->ctx->oom = true;
        return -1;
    }
    int face = cv_fonts_role(l->fonts, CV_F_MATH);
    size_t first = out->glyphs.n;
    /* left to right: an /ActualText span reaches from its first glyph to the end of its last
     * (poppler), and a fraction's or a radical's parts come out in the order they stand */
    size_t *order = malloc((b->glyphs.n ? b->glyphs.n : 1) * sizeof *order);
    if (!order) {
        l->ctx->oom = true;
        return -1;
    }
    for (size_t k = 0; k < b->glyphs.n; k++) {
        size_t j = k;
        while (j > 0 && b->glyphs.v[order[j - 1]].x > b->glyphs.v[k].x) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = k;
    }
    for (size_t q = 0; q < b->glyphs.n; q++) {
        const cv_mglyph *m = &b->glyphs.v[order[q]];
        cv_lglyph lg = {.x = x + m->x, .dy = g->dy + m->y, .size = m->size, .gid = m->gid, .face = (uint16_t)face,
                        .ncl = 1, .color = g->color, .text = m->tlen ? text + m->toff : NULL, .tlen = m->tlen,
                        .mode = CV_GM_TEXT, .link = g->link >= 0 ? g->link + 1 : 0, .image = -1};
        if (CV_PUSH(out->glyphs, lg)) {
            free(order);
            l->ctx->oom = true;
            return -1;
        }
    }
    free(order);
    if (out->glyphs.n > first) {
        out->glyphs.v[first].aspan = (uint16_t)(out->glyphs.n - first > 0xFFFF ? 0xFFFF : out->glyphs.n - first);
        out->glyphs.v[first].atext = text + b->linear;
        out->glyphs.v[first].alen = (uint32_t)strlen(text + b->linear);
    }
    for (size_t k = 0; k < b->rules.n; k++) {
        const cv_mrule *r = &b->rules.v[k];
        cv_lrule lr = {x + r->x0, -r->y1, x + r->x1, -r->y0, 0, g->color, true};
        if (CV_PUSH(out->rules, lr)) {
            l->ctx->oom = true;
            return -1;
        }
    }
    return 0;
}

static int push_lglyph(cv_layout *l, cv_vlist *out, const cv_block *blk, const bglyph *g, cvu x,
                       int mode)
{
    if (g->face == FACE_MATH)
        return push_math(l, out, g, x);
    cv_lglyph lg = {.x = x, .dy = g->dy, .size = g->size, .gid = g->gid, .face = g->face,
                    .ncl = g->first ? g->ncl : 0, .color = g->color,
                    .text = g->first ? blk->text + g->cluster : NULL,
                    .tlen = g->first ? g->cend - g->cluster : 0, .mode = (uint8_t)mode,
                    .link = g->link >= 0 ? g->link + 1 : 0, .image = g->image,
                    .iw = g->image >= 0 ? g->adv : 0, .ih = g->ih};
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
            if (cv_lay_text_runs(l, alt, strlen(alt), g->size, g->color, out) < 0)
                return 0;
            for (size_t k = from; k < out->glyphs.n; k++) {
                out->glyphs.v[k].x = x;
                out->glyphs.v[k].mode = CV_GM_INVISIBLE;
                out->glyphs.v[k].tag = CV_TAG_ALT;
                out->glyphs.v[k].link = lg.link;
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
    cvu maxsize, img_h, img_d; /* the tallest object on the line, the deepest below it */
    bool has_refs;     /* its block marks footnotes */
    size_t text_g0;    /* the line's first glyph after the marker */
    size_t marker_g0;  /* the marker's first glyph */
    cvu marker_w;
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
    /* a right-to-left item's number reads "12." from the right: its visual form is ".12"
     * (and "12)" shows as "(12", the parenthesis mirrored) */
    size_t ml = strlen(mk);
    if (l->rtl && ml > 1 && (mk[ml - 1] == '.' || mk[ml - 1] == ')')) {
        char p = mk[ml - 1] == ')' ? '(' : '.';
        memmove(mk + 1, mk, ml - 1);
        mk[0] = p;
    }
    s->marker_g0 = s->out->glyphs.n;
    /* a number is the item's label (Lbl), a bullet only decoration (an artifact) */
    bool numbered = strpbrk(mk, "0123456789") != NULL;
    /* (a footnote's number at the note's size) */
    cvu w = cv_lay_text_runs(l, mk, strlen(mk), s->blk->note ? l->st->footnote_size : l->st->body_size,
                             l->st->text_color, &tmp);
    s->marker_w = w > 0 ? w : 0;
    for (size_t k = 0; w >= 0 && k < tmp.glyphs.n; k++) {
        cv_lglyph g = tmp.glyphs.v[k];
        g.x += -l->st->marker_gap - w;
        g.tag = numbered ? CV_TAG_LABEL : CV_TAG_ARTIFACT;
        if (CV_PUSH(s->out->glyphs, g))
            l->ctx->oom = true;
    }
    /* a space glyph after it, where the gap begins: "1. Qian", not "1.Qian", in extractors
     * that take only space glyphs for spaces (pypdf) */
    if (w >= 0 && cv_lay_space_after(l, s->out, s->marker_g0, -l->st->marker_gap))
        l->ctx->oom = true;
    cv_vlist_free(&tmp);
    return 0;
}

int cv_lay_space_after(cv_layout *l, cv_vlist *out, size_t from, cvu x)
{
    for (size_t k = out->glyphs.n; k-- > from;) {
        const cv_lglyph *g = &out->glyphs.v[k];
        cv_face *f = g->image < 0 && g->mode == CV_GM_TEXT ? cv_fonts_face(l->fonts, g->face) : NULL;
        uint32_t gid = f && !cv_face_get_info(f)->color ? cv_face_glyph(f, ' ') : 0;
        if (!gid)
            continue;
        cv_lglyph sp = {.x = x, .dy = g->dy, .size = g->size, .gid = gid, .face = g->face, .ncl = 1,
                        .color = g->color, .text = " ", .tlen = 1, .mode = CV_GM_TEXT, .tag = g->tag,
                        .link = g->link, .cell = g->cell, .image = -1};
        return CV_PUSH(out->glyphs, sp);
    }
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
/* The footnotes the box [a, b) marks, into the line's refs (each once a line). */
static int note_refs(setting *s, uint32_t a, uint32_t b)
{
    const cv_block *blk = s->blk;
    cv_vlist *out = s->out;
    for (size_t k = 0; k < blk->spans.n; k++) {
        const cv_span *sp = &blk->spans.v[k];
        if (!sp->note || sp->end <= a || sp->start >= b)
            continue;
        bool have = false;
        for (size_t r = s->line.ref0; r < out->refs.n; r++)
            have |= out->refs.v[r] == sp->note;
        if (!have && CV_PUSH(out->refs, sp->note))
            return oom(s);
    }
    return 0;
}

static int place_box(setting *s, const cv_item *c, uint32_t carry_we)
{
    cv_layout *l = s->l;
    if (s->has_refs && note_refs(s, c->a, c->b))
        return -1;
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
        if (g->face == FACE_MATH && g->idp > s->img_d)
            s->img_d = g->idp;
        int mode = carry_we && g->cluster < carry_we ? CV_GM_PATH : CV_GM_TEXT;
        cvu gx = s->x + c->shift + (g->pen - c->pen0);
        size_t at = s->out->glyphs.n;
        if (push_lglyph(l, s->out, s->blk, g, gx + g->dx, mode))
            return -1;
        if (l->lv) {
            /* a cluster's first glyph starts a piece, the rest extend it */
            if (g->first || !l->pieces.n || l->pieces.v[l->pieces.n - 1].level == 0xFF) {
                cv_bpiece p = {at, s->out->glyphs.n, gx, gx + g->adv, g->size, l->lv[g->cluster],
                               g->link >= 0 ? g->link : g->strike ? -2 : -1};
                if (CV_PUSH(l->pieces, p))
                    return oom(s);
            } else {
                cv_bpiece *p = &l->pieces.v[l->pieces.n - 1];
                p->g1 = s->out->glyphs.n;
                if (gx + g->adv > p->x1)
                    p->x1 = gx + g->adv;
            }
        } else if ((g->link >= 0 || g->strike) && add_box(s, g, gx)) {
            return -1;
        }
    }
    s->x += c->width;
    return 0;
}

/* The face a space glyph is set in: its own, unless that draws no outlines (an emoji, an
 * image, a formula) or has no space; then the face of the text before it on the line. -1:
 * none (a line that starts with an emoji). */
static int space_face(setting *s, const bglyph *g, uint32_t *gid)
{
    cv_layout *l = s->l;
    if (g->face != FACE_IMAGE && g->face != FACE_MATH && g->gid) {
        cv_face *f = cv_fonts_face(l->fonts, g->face);
        if (f && !cv_face_get_info(f)->color) {
            *gid = g->gid;
            return g->face;
        }
    }
    for (size_t k = s->out->glyphs.n; k-- > s->text_g0;) {
        const cv_lglyph *p = &s->out->glyphs.v[k];
        if (p->image >= 0 || p->mode != CV_GM_TEXT)
            continue;
        cv_face *f = cv_fonts_face(l->fonts, p->face);
        if (!f || cv_face_get_info(f)->color)
            continue;
        *gid = cv_face_glyph(f, ' ');
        return *gid ? p->face : -1;
    }
    return -1;
}

/* The spaces of the text [a, b) as space glyphs from x0: extractors that do not guess word
 * breaks from gaps (pypdf, Ghostscript's txtwrite, PDFBox at a change of font) read the
 * words apart, and MuPDF finds a gap between words drawn right to left. Each space is
 * there (several in code); the glue's set width stays the gap, the next glyph's position
 * making up the difference. */
static int add_spaces(setting *s, cvu x0, uint32_t a, uint32_t b)
{
    cv_layout *l = s->l;
    size_t gi = glyph_at(l, a);
    cvu pen0 = gi < l->bg.n ? l->bg.v[gi].pen : 0;
    for (; gi < l->bg.n && l->bg.v[gi].cluster < b; gi++) {
        const bglyph *g = &l->bg.v[gi];
        if (!g->first || s->blk->text[g->cluster] != ' ')
            continue;
        uint32_t gid;
        int face = space_face(s, g, &gid);
        if (face < 0)
            continue;
        cv_lglyph lg = {.x = x0 + (g->pen - pen0), .dy = g->dy, .size = g->size, .gid = gid, .face = (uint16_t)face,
                        .ncl = 1, .color = g->color, .text = s->blk->text + g->cluster, .tlen = 1,
                        .mode = CV_GM_TEXT, .link = g->link >= 0 ? g->link + 1 : 0, .image = -1};
        if (CV_PUSH(s->out->glyphs, lg))
            return oom(s);
    }
    return 0;
}

/* A gap of the line [x0, x1) from the text [a, b) (none: a == b): its spaces, and in a
 * reordered line a piece. */
static int add_gap(setting *s, cvu x0, cvu x1, uint32_t a, uint32_t b)
{
    cv_layout *l = s->l;
    cv_bpiece p = {s->out->glyphs.n, s->out->glyphs.n, x0, x1, 0, b > a && l->lv ? l->lv[a] : 0xFF, -1};
    if (b > a && add_spaces(s, x0, a, b))
        return -1;
    p.g1 = s->out->glyphs.n;
    return l->lv && CV_PUSH(l->pieces, p) ? oom(s) : 0;
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
    if (add_gap(s, s->x, s->x + w, c->a, c->b))
        return;
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
                    .color = s->l->st->text_color, .text = "-", .tlen = 1, .mode = CV_GM_TEXT,
                    .tag = CV_TAG_ARTIFACT, .image = -1};
    if (out->glyphs.n > s->text_g0)
        hg.color = out->glyphs.v[out->glyphs.n - 1].color;
    if (CV_PUSH(out->glyphs, hg))
        return oom(s);
    s->x += brk->width;
    return 0;
}

/* The line in visual order (UAX #9 L2): its pieces reversed by level, each moved to where the
 * pieces left of it end; its link and strike boxes from the pieces where they now are.
 * Glyphs added after the last piece (a carried word's invisible rest, a hyphen) move with
 * it. */
static int reorder(setting *s)
{
    cv_layout *l = s->l;
    cv_vlist *out = s->out;
    size_t n = l->pieces.n;
    if (!n)
        return 0;
    cv_bpiece *p = l->pieces.v;
    p[n - 1].g1 = out->glyphs.n;
    /* a gap without text (a kern, Han-Latin glue) takes the lower level beside it */
    uint8_t base = l->rtl ? 1 : 0, odd = 0;
    for (size_t k = 0; k < n; k++) {
        if (p[k].level == 0xFF) {
            uint8_t a = 0xFF, b = 0xFF;
            for (size_t j = k; j-- > 0 && a == 0xFF;)
                a = p[j].level;
            for (size_t j = k + 1; j < n && b == 0xFF; j++)
                b = p[j].level;
            p[k].level = a < b ? a : b;
            if (p[k].level == 0xFF)
                p[k].level = base;
        }
        odd |= p[k].level & 1;
    }
    if (odd) {
        uint8_t *lev = malloc(n);
        int32_t *order = malloc(n * sizeof *order);
        cv_bpiece *vis = malloc(n * sizeof *vis);
        if (!lev || !order || !vis) {
            free(lev);
            free(order);
            free(vis);
            return oom(s);
        }
        for (size_t k = 0; k < n; k++)
            lev[k] = p[k].level;
        int bad = cv_bidi_reorder(lev, n, order);
        cvu vx = p[0].x0;
        for (size_t k = 0; k < n && !bad; k++) {
            cv_bpiece q = p[order[k]];
            cvu d = vx - q.x0;
            for (size_t g = q.g0; g < q.g1; g++)
                out->glyphs.v[g].x += d;
            q.x1 += d;
            q.x0 = vx;
            vx = q.x1;
            vis[k] = q;
        }
        if (!bad)
            memcpy(p, vis, n * sizeof *p);
        free(lev);
        free(order);
        free(vis);
        if (bad)
            return oom(s);
    }
    /* the boxes, left to right, merged where they touch as add_box merges them */
    for (size_t k = 0; k < n; k++) {
        if (p[k].link == -1 || p[k].g1 == p[k].g0)
            continue;
        cv_lbox *pb = out->boxes.n > s->line.b0 ? &out->boxes.v[out->boxes.n - 1] : NULL;
        if (pb && pb->link == p[k].link && pb->x1 >= p[k].x0 - CVU_PT * 4 && pb->x0 <= p[k].x0) {
            pb->x1 = p[k].x1;
            continue;
        }
        cv_lbox bx = {p[k].x0, p[k].x1, p[k].size * 8 / 10, -p[k].size * 2 / 10, p[k].link};
        if (CV_PUSH(out->boxes, bx))
            return oom(s);
    }
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
    line->r1 = s->out->rules.n;
    line->ref1 = (uint32_t)s->out->refs.n;
    line->width = s->x;
    line->height = maxsize * st->leading_num / st->leading_den;
    if (blk->kind == CV_B_HEADING || blk->kind == CV_B_CODE)
        line->height = maxsize * 13 / 10;
    line->ascent = (line->height - maxsize) / 2 + maxsize * 8 / 10;
    if (s->img_d) {
        /* a formula's depth (a denominator, a subscript) grows the line below */
        cvu gap = maxsize / 10, below = line->height - line->ascent;
        if (s->img_d + gap > below)
            line->height += s->img_d + gap - below;
    }
    if (s->img_h) {
        /* an image stands on the baseline: the line grows to hold it, with a little air */
        cvu gap = maxsize / 5;
        if (s->img_h + gap > line->ascent) {
            line->height += s->img_h + gap - line->ascent;
            line->ascent = s->img_h + gap;
        }
    }
    for (size_t k = line->r0; k < line->r1; k++) { /* a formula's rules: from the baseline to the top */
        s->out->rules.v[k].y0 += line->ascent;
        s->out->rules.v[k].y1 += line->ascent;
    }
    /* centred and right-aligned lines (HTML align, <center>); a right-to-left paragraph's
     * lines end flush right, and its marker hangs right of them */
    cvu room = measure - s->x, shift = 0;
    if (room > 0 && (blk->align == CV_ALIGN_CENTER || blk->align == CV_ALIGN_RIGHT ||
                     (s->l->rtl && blk->align == CV_ALIGN_DEFAULT)))
        shift = blk->align == CV_ALIGN_CENTER ? room / 2 : room;
    line->x0 += shift;
    line->rtl = s->l->rtl;
    line->bidi = s->l->lv != NULL;
    line->lang = s->l->block_lang;
    if (s->l->rtl)
        for (size_t k = s->marker_g0; k < s->text_g0; k++)
            s->out->glyphs.v[k].x += s->marker_w + 2 * st->marker_gap + measure - shift;
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
    bool join = brk_item->kind == CV_I_PENALTY && brk_item->join && !hyph && brk_item->b > brk_item->a &&
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
    s.line.r0 = s.line.r1 = out->rules.n;
    s.line.ref0 = s.line.ref1 = (uint32_t)out->refs.n;
    for (size_t k = 0; k < blk->spans.n && !s.has_refs; k++)
        s.has_refs = blk->spans.v[k].note != 0;
    s.line.quote_depth = blk->quote_depth;
    s.line.bar_color = blk->alert ? l->st->alert_color[blk->alert] : 0;
    s.line.hyphen = hyph;
    glue_set(&s, it, from, to, hyph ? brk_item->width : 0, measure, justify);
    s.maxsize = cv_lay_block_size(l->st, blk);
    s.marker_g0 = out->glyphs.n;
    if (first_line && blk->marker[0] && add_marker(&s))
        return -1;
    s.text_g0 = out->glyphs.n;
    s.src_a = UINT32_MAX;
    l->pieces.n = 0;
    for (size_t k = from; k < to; k++) {
        const cv_item *c = &it[k];
        if (c->kind == CV_I_BOX) {
            if (place_box(&s, c, *carry_we))
                return -1;
        } else if (c->kind == CV_I_KERN) {
            if (add_gap(&s, s.x, s.x + c->width, c->a, c->a))
                return -1;
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
    /* a line that ends at a word space ends with a space glyph: readers that join a
     * paragraph's lines (a tagged PDF's structure, pdfinfo -struct-text) keep its words apart */
    if (brk_item->kind == CV_I_GLUE && brk_item->role == CV_G_SPACE && brk_item->b > brk_item->a &&
        blk->text[brk_item->a] == ' ' && add_spaces(&s, s.x, brk_item->a, brk_item->a + 1))
        return -1;
    if (l->ctx->oom)
        return -1;
    if (l->lv && reorder(&s))
        return -1;
    return finish_line(&s, measure);
}
