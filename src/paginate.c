/* paginate.c: the vertical list to pages: each page a plan of the items it places, made into
 * a display list of absolutely placed glyphs, rules, links and outline marks on demand.
 *
 * Greedy with look-back: items fill a page until one does not fit; the page then ends at the
 * last place where a break is allowed (after an item without keep_next), so a heading is
 * never the last thing on a page and a paragraph leaves no single line behind. A run of kept
 * items taller than a page is broken where it overflows. Space items vanish at a page top.
 * The footers ("n / N", the name) are lines of the layout's, made once the count is known.
 */
#include <stdlib.h>
#include <string.h>

#include "paginate.h"

static int place_line(const cv_vlist *vl, const cv_vitem *it, cvu top, cv_page *pg, const cv_style *st)
{
    cvu base = top + it->ascent;
    cv_pline pl = {it->x0, base, it->width, it->ratio, it->hyphen, it->text, it->tlen, {0}, {0},
                   (uint8_t)(it->rtl ? 2 : it->bidi ? 1 : 0), pg->glyphs.n, pg->glyphs.n + (it->g1 - it->g0), it->lang};
    memcpy(pl.glue_n, it->glue_n, sizeof pl.glue_n);
    memcpy(pl.glue_w, it->glue_w, sizeof pl.glue_w);
    if (CV_PUSH(pg->lines, pl))
        return -1;
    for (size_t k = it->g0; k < it->g1; k++) {
        const cv_lglyph *g = &vl->glyphs.v[k];
        cv_pglyph p = {.x = it->x0 + g->x, .y = base - g->dy, .size = g->size, .gid = g->gid,
                       .face = g->face, .ncl = g->ncl, .color = g->color, .text = g->text,
                       .tlen = g->tlen, .mode = g->mode, .image = g->image, .iw = g->iw,
                       .ih = g->ih, .aspan = g->aspan, .atext = g->atext, .alen = g->alen, .lang = it->lang};
        if (CV_PUSH(pg->glyphs, p))
            return -1;
    }
    for (size_t k = it->b0; k < it->b1; k++) {
        const cv_lbox *b = &vl->boxes.v[k];
        if (b->link >= 0) {
            cv_plink lk = {it->x0 + b->x0, base - b->top, it->x0 + b->x1, base - b->bottom, b->link};
            if (CV_PUSH(pg->links, lk))
                return -1;
        } else {
            /* strikethrough at about the x-height's middle */
            cvu y = base - (b->top - b->bottom) * 3 / 10;
            cv_prule r = {.x0 = it->x0 + b->x0, .y0 = y, .x1 = it->x0 + b->x1, .y1 = y,
                          .width = (b->top - b->bottom) / 16, .color = st->text_color};
            if (CV_PUSH(pg->rules, r))
                return -1;
        }
    }
    /* the item's own rules and fills (table borders and shading) */
    for (size_t k = it->r0; k < it->r1; k++) {
        const cv_lrule *lr = &vl->rules.v[k];
        cv_prule r = {.x0 = it->x0 + lr->x0, .y0 = top + lr->y0, .x1 = it->x0 + lr->x1,
                      .y1 = top + lr->y1, .width = lr->width, .color = lr->color, .fill = lr->fill};
        if (CV_PUSH(pg->rules, r))
            return -1;
    }
    /* block quote bars, one per depth, spanning the line */
    for (int d = 0; d < it->quote_depth; d++) {
        cvu x = st->margin_l + d * st->quote_indent + st->quote_indent / 4;
        if (it->rtl)
            x = st->page_w - x; /* the bars of a right-to-left quote stand at its right */
        bool alert = it->bar_color && d == it->quote_depth - 1;
        cv_prule r = {.x0 = x, .y0 = top, .x1 = x, .y1 = top + it->height, .width = alert ? CVU_R(5, 2) : CVU_R(3, 2),
                      .color = alert ? it->bar_color : 0xBBBBBB};
        if (CV_PUSH(pg->rules, r))
            return -1;
    }
    return 0;
}

static int place(const cv_vlist *vl, const cv_vitem *it, cvu top, cv_page *pg, const cv_style *st)
{
    switch (it->kind) {
    case CV_V_LINE:
        return place_line(vl, it, top, pg, st);
    case CV_V_RULE: {
        cvu y = top + it->height / 2;
        cv_prule r = {.x0 = it->x0, .y0 = y, .x1 = it->x1, .y1 = y, .width = it->thickness,
                      .color = it->color};
        return CV_PUSH(pg->rules, r);
    }
    case CV_V_MARK: {
        cv_pmark m = {it->level, it->anchor, top, it->text, it->tlen};
        return CV_PUSH(pg->marks, m);
    }
    default:
        return 0;
    }
}

static int push_placed(cv_pages *out, size_t item, cvu top)
{
    cv_placed pl = {item, top};
    return CV_PUSH(out->placed, pl);
}

int cv_paginate(cv_ctx *ctx, const cv_style *st, const cv_vlist *vl, cv_pages *out)
{
    (void)ctx;
    out->vl = vl;
    out->st = st;
    out->width = st->page_w;
    out->height = st->page_h;
    cvu avail = st->page_h - st->margin_t - st->margin_b;
    size_t n = vl->items.n;
    size_t i = 0;
    while (i < n || out->pages.n == 0) {
        /* drop spaces at the page top */
        while (i < n && vl->items.v[i].kind == CV_V_SPACE)
            i++;
        /* a table that runs on from the page before repeats its header rows first */
        size_t head0 = 0, head1 = 0;
        cvu y = 0;
        if (i < n && i > 0 && vl->items.v[i].table && !vl->items.v[i].table_header) {
            int32_t t = vl->items.v[i].table;
            size_t h = i;
            while (h > 0 && vl->items.v[h - 1].table == t)
                h--;
            head0 = head1 = h;
            while (head1 < i && vl->items.v[head1].table_header)
                head1++;
            for (size_t k = head0; k < head1; k++)
                y += vl->items.v[k].height;
            if (y > avail / 3) /* a header that would crowd out its table is not repeated */
                head0 = head1 = 0, y = 0;
        }
        /* find how many items fit, and the last allowed break among them */
        size_t j = i, last_ok = i;
        while (j < n) {
            const cv_vitem *it = &vl->items.v[j];
            if (y + it->height > avail && j > i)
                break;
            y += it->height;
            j++;
            if (!it->keep_next || j == n)
                last_ok = j;
        }
        size_t end = j;
        if (j < n && last_ok > i)
            end = last_ok;
        cv_page_plan pg = {out->placed.n, 0, 0, (size_t)-1};
        cvu top = st->margin_t;
        for (size_t k = head0; k < head1; k++) {
            if (push_placed(out, k, top))
                return -1;
            top += vl->items.v[k].height;
        }
        for (size_t k = i; k < end; k++) {
            if (push_placed(out, k, top))
                return -1;
            top += vl->items.v[k].height;
        }
        pg.p1 = out->placed.n;
        pg.used = top - st->margin_t;
        if (CV_PUSH(out->pages, pg))
            return -1;
        if (end == i && i >= n)
            break;
        i = end;
    }
    return 0;
}

int cv_page_get(const cv_pages *pages, size_t p, cv_page *pg)
{
    pg->lines.n = pg->glyphs.n = pg->rules.n = pg->links.n = pg->marks.n = 0;
    const cv_page_plan *plan = &pages->pages.v[p];
    pg->used = plan->used;
    for (size_t k = plan->p0; k < plan->p1; k++) {
        const cv_placed *pl = &pages->placed.v[k];
        if (place(pages->vl, &pages->vl->items.v[pl->item], pl->top, pg, pages->st))
            return -1;
    }
    if (plan->footer == (size_t)-1)
        return 0;
    /* the footer line, its baseline in the middle of the bottom margin */
    const cv_vlist *fv = &pages->footers;
    const cv_vitem *it = &fv->items.v[plan->footer];
    const cv_style *st = pages->st;
    cvu base = st->page_h - st->margin_b / 2;
    for (size_t k = it->g0; k < it->g1; k++) {
        const cv_lglyph *g = &fv->glyphs.v[k];
        cv_pglyph pgl = {.x = it->x0 + g->x, .y = base - g->dy, .size = g->size, .gid = g->gid,
                         .face = g->face, .ncl = g->ncl, .color = g->color, .text = g->text,
                         .tlen = g->tlen, .mode = CV_GM_TEXT, .image = -1};
        if (CV_PUSH(pg->glyphs, pgl))
            return -1;
    }
    return 0;
}

void cv_page_free(cv_page *p)
{
    free(p->lines.v);
    free(p->glyphs.v);
    free(p->rules.v);
    free(p->links.v);
    free(p->marks.v);
    memset(p, 0, sizeof *p);
}

void cv_pages_free(cv_pages *ps)
{
    free(ps->pages.v);
    free(ps->placed.v);
    cv_vlist_free(&ps->footers);
    memset(ps, 0, sizeof *ps);
}
