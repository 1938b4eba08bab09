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

/* repeat: a table's header row repeated at the top of a page, page furniture there */
static int place_line(const cv_vlist *vl, const cv_vitem *it, cvu top, cv_page *pg, const cv_style *st, bool repeat)
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
                       .tlen = g->tlen, .mode = g->mode, .tag = repeat ? CV_TAG_ARTIFACT : g->tag, .link = g->link, .cell = g->cell, .block = it->block, .image = g->image, .iw = g->iw,
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

static int place(const cv_vlist *vl, const cv_vitem *it, cvu top, cv_page *pg, const cv_style *st, bool repeat)
{
    switch (it->kind) {
    case CV_V_LINE:
        return place_line(vl, it, top, pg, st, repeat);
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

/* The footnotes: each note's items (contiguous, after the text's), its height, whether it is
 * placed yet, and whether it is too tall for a page's foot (then it goes at the end). */
typedef struct note_info {
    size_t first, end;
    cvu h;
    bool placed, deferred, here;
} note_info;

typedef struct pager {
    const cv_style *st;
    const cv_vlist *vl;
    cv_pages *out;
    cvu avail;
    note_info *notes;   /* by number, [1, nnotes] */
    size_t nnotes;
    CV_VEC(uint16_t) page_notes; /* the notes of the page being filled, in mark order */
} pager;

/* The gap over a page's footnotes, with a short rule in it. */
static cvu notes_gap(const pager *pg) { return pg->st->footnote_size; }

/* The notes line it marks that are not placed yet: their height (with the gap when they are
 * the page's first), and with add, they join the page. */
static cvu note_room(pager *pg, const cv_vitem *it, cvu page_notes_h, bool add)
{
    cvu h = 0;
    for (uint32_t r = it->ref0; r < it->ref1 && r < pg->vl->refs.n; r++) {
        uint16_t k = pg->vl->refs.v[r];
        if (k == 0 || k > pg->nnotes)
            continue;
        note_info *ni = &pg->notes[k];
        if (ni->placed || ni->deferred || ni->here || ni->end == ni->first)
            continue;
        h += ni->h;
        if (add) {
            ni->here = true;
            if (CV_PUSH(pg->page_notes, k))
                return -1;
        }
    }
    if (h && !page_notes_h)
        h += notes_gap(pg);
    return h;
}

/* Fills pages with the items seq[0, len) of the vertical list (the text; then the notes that
 * went to the end), each page's footnotes at its foot. */
static int fill(pager *pg, const size_t *seq, size_t len, bool text)
{
    const cv_style *st = pg->st;
    const cv_vlist *vl = pg->vl;
    cv_pages *out = pg->out;
    cvu avail = pg->avail;
    size_t i = 0;
    while (i < len || (text && out->pages.n == 0)) {
        /* drop spaces at the page top */
        while (i < len && vl->items.v[seq[i]].kind == CV_V_SPACE)
            i++;
        /* a table that runs on from the page before repeats its header rows first */
        size_t head0 = 0, head1 = 0;
        cvu y = 0;
        if (i < len && seq[i] > 0 && vl->items.v[seq[i]].table && !vl->items.v[seq[i]].table_header) {
            int32_t t = vl->items.v[seq[i]].table;
            size_t h = seq[i];
            while (h > 0 && vl->items.v[h - 1].table == t)
                h--;
            head0 = head1 = h;
            while (head1 < seq[i] && vl->items.v[head1].table_header)
                head1++;
            for (size_t k = head0; k < head1; k++)
                y += vl->items.v[k].height;
            if (y > avail / 3) /* a header that would crowd out its table is not repeated */
                head0 = head1 = 0, y = 0;
        }
        /* find how many items fit with the notes they mark, and the last allowed break */
        pg->page_notes.n = 0;
        cvu nh = 0, ok_nh = 0;
        size_t j = i, last_ok = i, ok_notes = 0;
        while (j < len) {
            const cv_vitem *it = &vl->items.v[seq[j]];
            cvu extra = text ? note_room(pg, it, nh, false) : 0;
            if (extra < 0)
                return -1;
            if (y + it->height + nh + extra > avail && j > i)
                break;
            if (extra && note_room(pg, it, nh, true) < 0)
                return -1;
            y += it->height;
            nh += extra;
            j++;
            if (!it->keep_next || j == len) {
                last_ok = j;
                ok_notes = pg->page_notes.n;
                ok_nh = nh;
            }
        }
        size_t end = j;
        if (j < len && last_ok > i) {
            end = last_ok;
            /* the notes of the lines that go to the next page go with them */
            for (size_t k = ok_notes; k < pg->page_notes.n; k++)
                pg->notes[pg->page_notes.v[k]].here = false;
            pg->page_notes.n = ok_notes;
            nh = ok_nh;
        }
        cv_page_plan plan = {out->placed.n, 0, 0, (size_t)-1, 0, 0};
        cvu top = st->margin_t;
        for (size_t k = head0; k < head1; k++) {
            if (push_placed(out, k, top))
                return -1;
            top += vl->items.v[k].height;
        }
        for (size_t k = i; k < end; k++) {
            if (push_placed(out, seq[k], top))
                return -1;
            top += vl->items.v[seq[k]].height;
        }
        plan.p1 = out->placed.n;
        plan.used = top - st->margin_t;
        /* the footnotes, from the foot of the page up */
        if (pg->page_notes.n) {
            cvu ny = st->margin_t + avail - nh + notes_gap(pg);
            plan.notes_rule = ny - notes_gap(pg) / 2;
            for (size_t q = 0; q < pg->page_notes.n; q++) {
                note_info *ni = &pg->notes[pg->page_notes.v[q]];
                for (size_t k = ni->first; k < ni->end; k++) {
                    if (push_placed(out, k, ny))
                        return -1;
                    ny += vl->items.v[k].height;
                }
                ni->placed = true;
                ni->here = false;
            }
        }
        plan.p2 = out->placed.n;
        if (CV_PUSH(out->pages, plan))
            return -1;
        if (end == i && i >= len)
            break;
        i = end;
    }
    return 0;
}

int cv_paginate(cv_ctx *ctx, const cv_style *st, const cv_vlist *vl, cv_pages *out)
{
    (void)ctx;
    out->vl = vl;
    out->st = st;
    out->width = st->page_w;
    out->height = st->page_h;
    pager pg;
    memset(&pg, 0, sizeof pg);
    pg.st = st;
    pg.vl = vl;
    pg.out = out;
    pg.avail = st->page_h - st->margin_t - st->margin_b;
    size_t n = vl->items.n;
    /* the text's items, then the notes' (the model puts the notes last) */
    size_t text_end = n;
    while (text_end > 0 && vl->items.v[text_end - 1].note)
        text_end--;
    for (size_t k = text_end; k < n; k++)
        if (vl->items.v[k].note > pg.nnotes)
            pg.nnotes = vl->items.v[k].note;
    size_t *seq = malloc((n ? n : 1) * sizeof *seq);
    pg.notes = calloc(pg.nnotes + 1, sizeof *pg.notes);
    int rc = -1;
    if (!seq || !pg.notes)
        goto done;
    for (size_t k = text_end; k < n; k++) {
        note_info *ni = &pg.notes[vl->items.v[k].note];
        if (ni->end == ni->first)
            ni->first = k;
        ni->end = k + 1;
        ni->h += vl->items.v[k].height;
    }
    for (size_t k = 1; k <= pg.nnotes; k++)
        pg.notes[k].deferred = pg.notes[k].h > pg.avail / 2;
    for (size_t k = 0; k < text_end; k++)
        seq[k] = k;
    if (fill(&pg, seq, text_end, true))
        goto done;
    /* the notes that did not go to a page's foot (too tall, or never marked on a line of the
     * text: in a table, in another note): at the end, in order */
    size_t len = 0;
    for (size_t k = 1; k <= pg.nnotes; k++)
        if (!pg.notes[k].placed)
            for (size_t q = pg.notes[k].first; q < pg.notes[k].end; q++)
                seq[len++] = q;
    if (len && fill(&pg, seq, len, false))
        goto done;
    rc = 0;
done:
    free(seq);
    free(pg.notes);
    free(pg.page_notes.v);
    return rc;
}

int cv_page_get(const cv_pages *pages, size_t p, cv_page *pg)
{
    pg->lines.n = pg->glyphs.n = pg->rules.n = pg->links.n = pg->marks.n = 0;
    const cv_page_plan *plan = &pages->pages.v[p];
    pg->used = plan->used;
    /* items come in order, but for the header rows a table repeats on the pages it runs onto:
     * a header row that stood on an earlier page is such a repeat */
    size_t before = 0;
    if (p > 0 && pages->pages.v[p - 1].p1 > pages->pages.v[p - 1].p0)
        before = pages->placed.v[pages->pages.v[p - 1].p1 - 1].item + 1;
    for (size_t k = plan->p0; k < plan->p2; k++) {
        const cv_placed *pl = &pages->placed.v[k];
        const cv_vitem *it = &pages->vl->items.v[pl->item];
        if (place(pages->vl, it, pl->top, pg, pages->st, it->table_header && pl->item < before))
            return -1;
    }
    if (plan->notes_rule) {
        /* the short rule over the footnotes: a quarter of the measure */
        const cv_style *st = pages->st;
        cv_prule r = {.x0 = st->margin_l, .y0 = plan->notes_rule, .x1 = st->margin_l + (st->page_w - st->margin_l - st->margin_r) / 4,
                      .y1 = plan->notes_rule, .width = CVU_R(1, 2), .color = st->rule_color};
        if (CV_PUSH(pg->rules, r))
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
                         .tlen = g->tlen, .mode = CV_GM_TEXT, .tag = CV_TAG_ARTIFACT, .image = -1};
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
