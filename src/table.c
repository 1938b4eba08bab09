/* table.c: tables laid out for the vertical list.
 *
 * Column widths as browsers do it (the automatic table layout of CSS 2.1 §17.5.2.2): each
 * column has a minimum (its widest unbreakable word) and a maximum (its widest line unbroken).
 * When the maxima fit the measure the columns take them; otherwise every column gets its
 * minimum and the rest of the measure is shared in proportion to max − min. Each cell is
 * then broken like a ragged paragraph at its column's width, and each row becomes a single
 * item of the vertical list (so a row never splits across pages), its cells' lines placed
 * on the row's first baseline. Header rows are shaded and repeat on every page the table
 * reaches (paginate.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout_int.h"

static cv_block cell_block(const cv_cell *c)
{
    cv_block b;
    memset(&b, 0, sizeof b);
    b.kind = CV_B_PARA;
    b.text = c->text;
    b.len = c->len;
    b.spans.v = c->spans.v;
    b.spans.n = c->spans.n;
    b.align = c->align;
    b.table = -1;
    b.line = c->line;
    b.col = c->col;
    return b;
}

/* A cell's narrowest and widest widths: its widest unbreakable stretch, its widest line. */
static int cell_widths(cv_layout *l, const cv_cell *c, cvu *minw, cvu *maxw)
{
    *minw = *maxw = 0;
    if (!c->len)
        return 0;
    cv_block b = cell_block(c);
    cvu *px = malloc((c->len + 1) * sizeof *px);
    uint8_t *brk = malloc(c->len + 1), *gb = malloc(c->len + 1);
    int rc = -1;
    if (!px || !brk || !gb || cv_grapheme_breaks(c->text, c->len, gb) ||
        cv_line_breaks(c->text, c->len, l->lang, brk)) {
        l->ctx->oom = !px || !brk || !gb;
        goto done;
    }
    cv_lay_keep_math(&b, brk);
    cv_lay_shape_block(l, &b, px, gb, l->st->page_w);
    cvu seg0 = 0, line0 = 0, last = 0;
    for (size_t p = 1; p <= c->len; p++) {
        if (p < c->len && px[p] < 0)
            continue;
        cvu x = px[p] >= 0 ? px[p] : last;
        last = x;
        /* trailing spaces do not count */
        size_t e = p;
        while (e > 0 && (c->text[e - 1] == ' ' || c->text[e - 1] == '\n'))
            e--;
        cvu xe = px[e] >= 0 ? px[e] : x;
        if (p == c->len || brk[p] != CV_BRK_NONE) {
            if (xe - seg0 > *minw)
                *minw = xe - seg0;
            seg0 = x;
        }
        if (p == c->len || brk[p] == CV_BRK_MUST) {
            if (xe - line0 > *maxw)
                *maxw = xe - line0;
            line0 = x;
        }
    }
    rc = 0;
done:
    free(px);
    free(brk);
    free(gb);
    return rc;
}

static int push_lrule(cv_layout *l, cv_vlist *out, cvu x0, cvu y0, cvu x1, cvu y1, cvu w, uint32_t color,
                      bool fill)
{
    cv_lrule r = {x0, y0, x1, y1, w, color, fill};
    if (CV_PUSH(out->rules, r)) {
        l->ctx->oom = true;
        return -1;
    }
    return 0;
}

/* A table being laid out: its columns' widths and the scratch list its cells are set in. */
typedef struct tabler {
    cv_layout *l;
    const cv_block *blk;
    const cv_table *t;
    int nc;
    cvu *width;
    cvu *colx;      /* each column's left edge */
    cvu total;      /* the table's width, padding included */
    size_t *item0, *item1; /* each cell's lines in `cell` */
    /* a cell spanning rows, by its first column: the row it ends on, the height its text
     * needs from its first row's top, and the height of its rows so far */
    int *span_end;
    cvu *span_need, *span_acc;
    cv_vlist cell;
    bool first_row;
} tabler;

static const cv_cell *at(const tabler *z, int r, int c) { return &z->t->cells.v[(size_t)r * (size_t)z->nc + (size_t)c]; }

/* The width a cell at column c spanning cs columns is set at. */
static cvu span_width(const tabler *z, int c, int cs)
{
    cvu w = 0, pad = z->l->st->cell_pad_x;
    for (int k = c; k < c + cs && k < z->nc; k++)
        w += z->width[k] + (k > c ? 2 * pad : 0);
    return w;
}

/* A width asked for (tenths of a percent of `of`, or CSS pixels), 0 for none. */
static cvu wanted(int pct, int px, cvu of)
{
    if (pct)
        return (cvu)((int64_t)of * pct / 1000);
    return px ? (cvu)px * CVU_PT * 3 / 4 : 0;
}

/* The columns' widths: CSS's automatic table layout, at least 8 pt each. A cell spanning
 * columns widens them evenly when they are too narrow for it; HTML widths (the table's, a
 * cell's in percent or pixels) fix a column, and a table asked to be wider than its content
 * shares the rest among the columns not fixed. */
static int column_widths(tabler *z, cvu measure)
{
    cv_layout *l = z->l;
    const cv_table *t = z->t;
    int nc = z->nc;
    cvu pad = l->st->cell_pad_x;
    cvu *minw = calloc((size_t)nc, sizeof *minw), *maxw = calloc((size_t)nc, sizeof *maxw);
    cvu *fix = calloc((size_t)nc, sizeof *fix);
    int rc = -1;
    if (!minw || !maxw || !fix) {
        l->ctx->oom = true;
        goto done;
    }
    cvu tw = wanted(t->width_pct, t->width_px, measure);
    if (tw > measure)
        tw = measure;
    cvu of = tw ? tw : measure;
    /* single columns first, then the spans over them */
    for (int pass = 0; pass < 2; pass++)
        for (int r = 0; r < t->nrows; r++)
            for (int c = 0; c < nc; c++) {
                const cv_cell *ce = at(z, r, c);
                int cs = ce->colspan > 0 ? ce->colspan : 1;
                if (ce->covered || (cs > 1) != (pass == 1))
                    continue;
                if (c + cs > nc)
                    cs = nc - c;
                cvu a, b;
                if (cell_widths(l, ce, &a, &b))
                    goto done;
                cvu want = wanted(ce->width_pct, ce->width_px, of);
                if (cs == 1) {
                    if (a > minw[c])
                        minw[c] = a;
                    if (b > maxw[c])
                        maxw[c] = b;
                    if (want > fix[c] + 2 * pad)
                        fix[c] = want - 2 * pad;
                    continue;
                }
                cvu smin = 2 * pad * (cs - 1), smax = smin;
                for (int k = c; k < c + cs; k++) {
                    smin += minw[k];
                    smax += maxw[k];
                }
                for (int k = c; k < c + cs; k++) {
                    if (a > smin)
                        minw[k] += (a - smin) / cs;
                    if (b > smax)
                        maxw[k] += (b - smax) / cs;
                }
            }
    cvu avail = of - 2 * pad * nc, smin = 0, smax = 0, sfix = 0;
    if (avail < (cvu)nc * CVU_PT * 12)
        avail = (cvu)nc * CVU_PT * 12; /* very many columns: they will be narrow, not negative */
    int nauto = 0;
    for (int c = 0; c < nc; c++) {
        if (maxw[c] < minw[c])
            maxw[c] = minw[c];
        if (fix[c]) {
            sfix += fix[c] > minw[c] ? fix[c] : minw[c];
            continue;
        }
        nauto++;
        smin += minw[c];
        smax += maxw[c];
    }
    cvu rest = avail - sfix > 0 ? avail - sfix : 0;
    cvu *width = z->width, sum = 0;
    for (int c = 0; c < nc; c++) {
        if (fix[c])
            width[c] = fix[c] > minw[c] ? fix[c] : minw[c];
        else if (smax <= rest)
            width[c] = maxw[c];
        else if (smin <= rest)
            width[c] = minw[c] + (smax > smin ? (maxw[c] - minw[c]) * (rest - smin) / (smax - smin) : 0);
        else
            width[c] = smin ? rest * minw[c] / smin : rest / (nauto ? nauto : 1);
        if (width[c] < CVU_PT * 8)
            width[c] = CVU_PT * 8;
        sum += width[c];
    }
    /* a table asked to be wider: the columns not fixed take the rest, by their widths */
    if (tw && sum < avail) {
        cvu extra = avail - sum, base = 0;
        for (int c = 0; c < nc; c++)
            base += nauto && fix[c] ? 0 : width[c];
        for (int c = 0; c < nc; c++)
            if (!nauto || !fix[c])
                width[c] += base ? (cvu)((int64_t)extra * width[c] / base) : extra / nc;
    }
    cvu x = 0;
    for (int c = 0; c < nc; c++) {
        z->colx[c] = x;
        x += width[c] + 2 * pad;
    }
    z->total = x;
    rc = 0;
done:
    free(minw);
    free(maxw);
    free(fix);
    return rc;
}

/* Lays out row r's cells alone into z->cell; returns the row's first baseline (from its top),
 * where the first lines of all its cells sit, or -1. */
static cvu layout_cells(tabler *z, int r)
{
    cv_layout *l = z->l;
    cvu vpad = l->st->cell_pad_y, first_base = 0;
    cv_vlist *cell = &z->cell;
    cell->items.n = cell->glyphs.n = cell->boxes.n = cell->rules.n = 0;
    for (int c = 0; c < z->nc; c++) {
        z->item0[c] = z->item1[c] = cell->items.n;
        const cv_cell *ce = at(z, r, c);
        if (!ce->len || ce->covered)
            continue;
        cv_block b = cell_block(ce);
        if (cv_lay_block(l, &b, 0, span_width(z, c, ce->colspan), cell))
            return -1;
        z->item1[c] = cell->items.n;
        if (cell->items.n > z->item0[c]) {
            cvu a = vpad + cell->items.v[z->item0[c]].ascent;
            if (a > first_base)
                first_base = a;
        }
    }
    return first_base;
}

/* The cells' lines placed into the row: each column's lines under the first baseline.
 * Returns the row's height, or -1. */
static cvu place_cells(tabler *z, int r, cvu first_base, cv_vlist *out)
{
    cv_layout *l = z->l;
    cvu pad = l->st->cell_pad_x, vpad = l->st->cell_pad_y, row_h = 0;
    const cv_vlist *cell = &z->cell;
    for (int c = 0; c < z->nc; c++) {
        cvu colx = z->colx[c];
        size_t end = z->item1[c];
        cvu y = vpad; /* the top of this cell line, from the row's top */
        bool first = true;
        size_t cell_g0 = out->glyphs.n;
        cvu text_end = 0; /* where its last line's text ends */
        for (size_t k = z->item0[c]; k < end; k++) {
            const cv_vitem *li = &cell->items.v[k];
            if (li->kind != CV_V_LINE)
                continue;
            /* the first lines of all cells share one baseline */
            cvu base = first ? first_base : y + li->ascent;
            first = false;
            for (size_t g = li->g0; g < li->g1; g++) {
                cv_lglyph lg = cell->glyphs.v[g];
                lg.x += colx + pad + li->x0;
                lg.cell = r * z->nc + c + 1;
                lg.dy -= base - first_base;
                if (CV_PUSH(out->glyphs, lg)) {
                    l->ctx->oom = true;
                    return -1;
                }
            }
            for (size_t bx = li->b0; bx < li->b1; bx++) {
                cv_lbox lb = cell->boxes.v[bx];
                lb.x0 += colx + pad + li->x0;
                lb.x1 += colx + pad + li->x0;
                lb.top -= base - first_base;
                lb.bottom -= base - first_base;
                if (CV_PUSH(out->boxes, lb)) {
                    l->ctx->oom = true;
                    return -1;
                }
            }
            y = base - li->ascent + li->height;
            text_end = colx + pad + li->x0 + li->width;
        }
        /* cells side by side read apart: a space after each one's text */
        if (c + 1 < z->nc && cv_lay_space_after(l, out, cell_g0, text_end)) {
            l->ctx->oom = true;
            return -1;
        }
        const cv_cell *ce = at(z, r, c);
        if (!ce->covered && ce->rowspan > 1) {
            /* a cell over rows: its rows together must hold it */
            z->span_end[c] = r + ce->rowspan - 1;
            z->span_need[c] = y + vpad;
            z->span_acc[c] = 0;
            continue;
        }
        if (y + vpad > row_h)
            row_h = y + vpad;
    }
    if (row_h < first_base + vpad)
        row_h = first_base + vpad;
    for (int c = 0; c < z->nc; c++)
        if (z->span_end[c] == r && z->span_need[c] - z->span_acc[c] > row_h)
            row_h = z->span_need[c] - z->span_acc[c];
    for (int c = 0; c < z->nc; c++)
        if (z->span_end[c] >= r) {
            z->span_acc[c] += row_h;
            if (z->span_end[c] == r)
                z->span_end[c] = -1;
        }
    return row_h;
}

/* The row's text, cells joined by " | ", for traces; kept in out's strings. NULL on OOM. */
static const char *row_text(tabler *z, int r, cv_vlist *out, uint32_t *tlen)
{
    cv_buf rt = {0};
    bool first = true;
    for (int c = 0; c < z->nc; c++) {
        const cv_cell *ce = at(z, r, c);
        if (ce->covered)
            continue;
        if (!first)
            cv_buf_puts(&rt, " | ");
        first = false;
        cv_buf_add(&rt, ce->text, ce->len);
    }
    if (rt.oom || (rt.p && CV_PUSH(out->strings, rt.p))) {
        cv_buf_free(&rt);
        z->l->ctx->oom = true;
        return NULL;
    }
    *tlen = (uint32_t)rt.len;
    return rt.p ? rt.p : "";
}

/* The row's shading (a header row) and rules: above the first row, under the header (double),
 * and under every row. */
static int row_rules(tabler *z, int r, bool header, cvu row_h, cv_vlist *out)
{
    const cv_style *st = z->l->st;
    cvu total = z->total, hair = CVU_R(1, 2);
    if (header && push_lrule(z->l, out, 0, 0, total, row_h, 0, st->table_header_fill, true))
        return -1;
    if (z->first_row && push_lrule(z->l, out, 0, 0, total, 0, hair * (header ? 2 : 1), st->table_rule_color, false))
        return -1;
    z->first_row = false;
    bool last_header = header && r + 1 == z->t->header_rows;
    cvu w = last_header || r + 1 == z->t->nrows ? hair * 2 : hair;
    /* the rule under the row, broken where a cell from above goes on down */
    for (int c = 0; c < z->nc;) {
        while (c < z->nc && r + 1 < z->t->nrows && at(z, r + 1, c)->covered && !at(z, r + 1, c)->rowspan)
            c++;
        int e = c;
        while (e < z->nc && !(r + 1 < z->t->nrows && at(z, r + 1, e)->covered && !at(z, r + 1, e)->rowspan))
            e++;
        if (e > c && push_lrule(z->l, out, z->colx[c], row_h, e < z->nc ? z->colx[e] : total, row_h, w,
                                st->table_rule_color, false))
            return -1;
        c = e;
    }
    return 0;
}

/* Row r as one item of the vertical list. */
static int layout_row(tabler *z, int r, cvu x0, cv_vlist *out)
{
    const cv_block *blk = z->blk;
    bool header = r < z->t->header_rows;
    cv_vitem row;
    memset(&row, 0, sizeof row);
    row.kind = CV_V_LINE;
    row.x0 = x0;
    row.table = blk->table + 1;
    row.table_header = header;
    row.keep_next = header;
    for (int c = 0; c < z->nc; c++) /* no page break inside cells spanning rows */
        if (r + 1 < z->t->nrows && at(z, r + 1, c)->covered && !at(z, r + 1, c)->rowspan)
            row.keep_next = true;
    row.quote_depth = blk->quote_depth;
    row.g0 = out->glyphs.n;
    row.b0 = out->boxes.n;
    cvu first_base = layout_cells(z, r);
    cvu row_h = first_base < 0 ? -1 : place_cells(z, r, first_base, out);
    if (row_h < 0)
        return -1;
    row.g1 = out->glyphs.n;
    row.b1 = out->boxes.n;
    const char *text = row_text(z, r, out, &row.tlen);
    if (!text)
        return -1;
    row.text = row.tlen ? text : NULL;
    row.height = row_h;
    row.ascent = first_base;
    row.width = z->total;
    row.r0 = out->rules.n;
    if (row_rules(z, r, header, row_h, out))
        return -1;
    row.r1 = out->rules.n;
    if (CV_PUSH(out->items, row)) {
        z->l->ctx->oom = true;
        return -1;
    }
    return 0;
}

int cv_lay_table(cv_layout *l, const cv_block *blk, cvu x0, cvu measure, cv_vlist *out)
{
    if (!l->model || blk->table < 0 || (size_t)blk->table >= l->model->tables.n)
        return 0;
    tabler z;
    memset(&z, 0, sizeof z);
    z.l = l;
    z.blk = blk;
    z.t = &l->model->tables.v[blk->table];
    z.nc = z.t->ncols;
    z.first_row = true;
    if (z.nc <= 0 || z.t->nrows <= 0)
        return 0;
    z.width = calloc((size_t)z.nc, sizeof *z.width);
    z.colx = calloc((size_t)z.nc, sizeof *z.colx);
    z.item0 = calloc((size_t)z.nc, sizeof *z.item0);
    z.item1 = calloc((size_t)z.nc, sizeof *z.item1);
    z.span_end = malloc((size_t)z.nc * sizeof *z.span_end);
    z.span_need = calloc((size_t)z.nc, sizeof *z.span_need);
    z.span_acc = calloc((size_t)z.nc, sizeof *z.span_acc);
    int rc = -1;
    if (z.span_end)
        for (int c = 0; c < z.nc; c++)
            z.span_end[c] = -1;
    if (!z.width || !z.colx || !z.item0 || !z.item1 || !z.span_end || !z.span_need || !z.span_acc) {
        l->ctx->oom = true;
        goto done;
    }
    if (column_widths(&z, measure))
        goto done;
    l->in_table = true;
    for (int r = 0; r < z.t->nrows; r++) {
        /* an empty row (Markdown tables often have an empty header, for layout) is not shown */
        bool empty = true;
        for (int c = 0; c < z.nc; c++)
            empty &= at(&z, r, c)->len == 0 && !at(&z, r, c)->covered;
        if (!empty && layout_row(&z, r, x0, out))
            goto done;
    }
    rc = 0;
done:
    l->in_table = false;
    free(z.width);
    free(z.colx);
    free(z.item0);
    free(z.item1);
    free(z.span_end);
    free(z.span_need);
    free(z.span_acc);
    cv_vlist_free(&z.cell);
    return rc;
}
