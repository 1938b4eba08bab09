/* tags.c: the structure tree of a tagged PDF, from the model's blocks (see tags.h).
 *
 * The blocks are flat: each knows how deep in lists and block quotes it stands and whether
 * it starts a list item (its marker). The containers are rebuilt from that with a stack, as
 * a Markdown reader would nest them: a block quote per quote level, and per list level an
 * L, its current LI (with the Lbl its marker is drawn in) and that item's LBody. Headings
 * are numbered as they nest (an H4 right under an H2 becomes an H3): PDF/UA forbids a
 * skipped level, and the source's numbering often skips one for its size. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tags.h"

enum { K_QUOTE, K_L, K_LI, K_LBODY, K_NOTE };

typedef struct frame {
    int kind, depth;
    int32_t elem;
} frame;

typedef struct builder {
    cv_tags *t;
    frame *stack;
    size_t n, cap;
    bool oom;
} builder;

static int32_t new_elem(cv_tags *t, const char *type, int32_t parent)
{
    cv_selem e;
    memset(&e, 0, sizeof e);
    snprintf(e.type, sizeof e.type, "%s", type);
    e.parent = parent;
    if (CV_PUSH(t->elems, e))
        return -1;
    int32_t id = (int32_t)(t->elems.n - 1);
    if (parent >= 0) {
        cv_skid k = {id, -1, -1, 0};
        if (CV_PUSH(t->elems.v[parent].kids, k))
            return -1;
    }
    return id;
}

static int32_t top(const builder *b) { return b->n ? b->stack[b->n - 1].elem : 0; }

static int32_t push(builder *b, int kind, int depth, const char *type)
{
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 16;
        frame *s = realloc(b->stack, cap * sizeof *s);
        if (!s) {
            b->oom = true;
            return -1;
        }
        b->stack = s;
        b->cap = cap;
    }
    int32_t e = new_elem(b->t, type, top(b));
    if (e < 0) {
        b->oom = true;
        return -1;
    }
    b->stack[b->n++] = (frame){kind, depth, e};
    return e;
}

static int quote_depth(const builder *b)
{
    int q = 0;
    for (size_t k = 0; k < b->n; k++)
        q += b->stack[k].kind == K_QUOTE;
    return q;
}

/* The containers block blk goes into, opened or closed; its list item's Lbl into *label. */
static void open_for(builder *b, const cv_block *blk, int32_t *label)
{
    int d = blk->list_depth, q = blk->quote_depth;
    *label = -1;
    if (blk->note) {
        /* a footnote's blocks: a Note at the top level, its text inside */
        if (!(b->n == 1 && b->stack[0].kind == K_NOTE && b->stack[0].depth == blk->note)) {
            b->n = 0;
            int32_t e = push(b, K_NOTE, blk->note, "Note");
            if (e >= 0)
                b->t->elems.v[e].alt = b->t->note_ids[blk->note - 1];
        }
        return;
    }
    /* close what this block is outside of */
    while (b->n) {
        const frame *f = &b->stack[b->n - 1];
        if (f->kind == K_NOTE || (f->kind == K_QUOTE && quote_depth(b) > q) || (f->kind != K_QUOTE && f->depth > d))
            b->n--;
        else
            break;
    }
    while (quote_depth(b) < q && !b->oom)
        push(b, K_QUOTE, 0, "BlockQuote");
    if (d <= 0)
        return;
    const frame *f = b->n ? &b->stack[b->n - 1] : NULL;
    if (blk->marker[0] || !f || f->kind != K_LBODY || f->depth != d) {
        /* a new item at depth d (or text at that depth outside any item) */
        if (f && f->depth == d && f->kind == K_LBODY)
            b->n -= 2; /* the item before ends */
        f = b->n ? &b->stack[b->n - 1] : NULL;
        if (!f || f->kind != K_L || f->depth != d)
            push(b, K_L, d, "L");
        int32_t li = push(b, K_LI, d, "LI");
        if (li >= 0 && strpbrk(blk->marker, "0123456789")) { /* (a bullet is an artifact) */
            *label = new_elem(b->t, "Lbl", li);
            if (*label < 0)
                b->oom = true;
        }
        push(b, K_LBODY, d, "LBody");
    }
}

static int table_elems(builder *b, const cv_model *m, const cv_block *blk, int32_t parent)
{
    cv_tags *t = b->t;
    if (blk->table < 0 || (size_t)blk->table >= m->tables.n)
        return 0;
    const cv_table *tb = &m->tables.v[blk->table];
    size_t ncells = (size_t)tb->ncols * (size_t)tb->nrows;
    int32_t *cells = malloc((ncells ? ncells : 1) * sizeof *cells);
    if (!cells)
        return -1;
    t->cells[blk->table] = cells;
    t->ncells[blk->table] = ncells;
    for (size_t k = 0; k < ncells; k++)
        cells[k] = -1;
    int32_t table = new_elem(t, "Table", parent);
    if (table < 0)
        return -1;
    for (int r = 0; r < tb->nrows; r++) {
        /* rows without text are not shown (table.c), nor tagged */
        bool empty = true;
        for (int c = 0; c < tb->ncols; c++) {
            const cv_cell *ce = &tb->cells.v[(size_t)r * tb->ncols + c];
            empty &= ce->len == 0 && !ce->covered;
        }
        if (empty)
            continue;
        int32_t tr = new_elem(t, "TR", table);
        if (tr < 0)
            return -1;
        for (int c = 0; c < tb->ncols; c++) {
            size_t k = (size_t)r * tb->ncols + c;
            const cv_cell *ce = &tb->cells.v[k];
            if (ce->covered)
                continue;
            bool th = ce->header || r < tb->header_rows;
            int32_t e = new_elem(t, th ? "TH" : "TD", tr);
            if (e < 0)
                return -1;
            cv_selem *el = &t->elems.v[e];
            el->scope_column = th;
            el->colspan = (uint16_t)(ce->colspan > 1 ? ce->colspan : 0);
            el->rowspan = (uint16_t)(ce->rowspan > 1 ? ce->rowspan : 0);
            cells[k] = e;
        }
    }
    return 0;
}

int cv_tags_build(cv_tags *t, const cv_model *m)
{
    memset(t, 0, sizeof *t);
    builder b = {t, NULL, 0, 0, false};
    size_t nb = m->blocks.n;
    t->nblocks = nb;
    t->ntables = m->tables.n;
    t->nlinks = m->links.n;
    t->figure = -1;
    t->leaf = malloc((nb ? nb : 1) * sizeof *t->leaf);
    t->label = malloc((nb ? nb : 1) * sizeof *t->label);
    t->cells = calloc(t->ntables ? t->ntables : 1, sizeof *t->cells);
    t->ncells = calloc(t->ntables ? t->ntables : 1, sizeof *t->ncells);
    t->table_of = malloc((nb ? nb : 1) * sizeof *t->table_of);
    t->links = malloc((t->nlinks ? t->nlinks : 1) * sizeof *t->links);
    uint16_t notes = 0;
    for (size_t i = 0; i < nb; i++)
        if (m->blocks.v[i].note > notes)
            notes = m->blocks.v[i].note;
    t->note_ids = calloc(notes ? notes : 1, sizeof *t->note_ids);
    if (!t->leaf || !t->label || !t->cells || !t->ncells || !t->table_of || !t->links || !t->note_ids || new_elem(t, "Document", -1) != 0)
        goto fail;
    for (uint16_t n = 0; n < notes; n++)
        snprintf(t->note_ids[n], sizeof t->note_ids[n], "note-%u", (unsigned)n + 1);
    for (size_t k = 0; k < t->nlinks; k++)
        t->links[k] = -1;
    int level = 0; /* the last heading's level in the tree */
    for (size_t i = 0; i < nb; i++) {
        const cv_block *blk = &m->blocks.v[i];
        t->leaf[i] = t->label[i] = -1;
        t->table_of[i] = blk->kind == CV_B_TABLE ? blk->table : -1;
        open_for(&b, blk, &t->label[i]);
        if (b.oom)
            goto fail;
        int32_t parent = top(&b);
        int32_t e = -2;
        char type[12];
        switch (blk->kind) {
        case CV_B_HEADING: {
            int lv = blk->level < 1 ? 1 : blk->level > 6 ? 6 : blk->level;
            if (lv > level + 1)
                lv = level + 1;
            level = lv;
            snprintf(type, sizeof type, "H%d", lv);
            e = new_elem(t, type, parent);
            break;
        }
        case CV_B_CODE:
            e = new_elem(t, "Code", parent);
            break;
        case CV_B_TABLE:
            if (table_elems(&b, m, blk, parent))
                goto fail;
            continue;
        case CV_B_RULE:
            continue; /* a thematic break is drawn, not read */
        default:
            /* a list item's first paragraph is its LBody's own text: one element fewer an
             * item (each is an object of its own in the file) */
            e = blk->list_depth > 0 && blk->marker[0] ? parent : new_elem(t, "P", parent);
            break;
        }
        if (e < 0)
            goto fail;
        t->leaf[i] = e;
        t->elems.v[e].lang = blk->lang[0] ? blk->lang : NULL;
    }
    /* an LBody (or a Note) that holds its first paragraph and more (a nested list, a second
     * paragraph) gets a P for that text, first in it: content is recorded after the
     * elements made here, and must read before them */
    for (size_t i = 0; i < nb; i++) {
        int32_t lb = t->leaf[i];
        if (lb < 0 || (strcmp(t->elems.v[lb].type, "LBody") && strcmp(t->elems.v[lb].type, "Note")))
            continue;
        bool more = false;
        for (size_t k = 0; k < t->elems.v[lb].kids.n; k++)
            more |= t->elems.v[lb].kids.v[k].elem >= 0;
        if (!more)
            continue;
        int32_t p = new_elem(t, "P", lb);
        if (p < 0)
            goto fail;
        cv_selem *el = &t->elems.v[lb];
        cv_skid k = el->kids.v[el->kids.n - 1];
        memmove(el->kids.v + 1, el->kids.v, (el->kids.n - 1) * sizeof *el->kids.v);
        el->kids.v[0] = k;
        t->elems.v[p].lang = el->lang;
        el->lang = NULL;
        t->leaf[i] = p;
    }
    free(b.stack);
    return 0;
fail:
    free(b.stack);
    cv_tags_free(t);
    return -1;
}

void cv_tags_free(cv_tags *t)
{
    for (size_t k = 0; k < t->elems.n; k++)
        free(t->elems.v[k].kids.v);
    free(t->elems.v);
    free(t->leaf);
    free(t->label);
    for (size_t k = 0; t->cells && k < t->ntables; k++)
        free(t->cells[k]);
    free(t->cells);
    free(t->ncells);
    free(t->table_of);
    free(t->links);
    free(t->note_ids);
    memset(t, 0, sizeof *t);
}

/* The element g's content goes to, before links: its block's, its cell's or its list
 * item's label; -1 for none (an artifact). */
static int32_t base_of(const cv_tags *t, const cv_pglyph *g)
{
    if (g->tag == CV_TAG_ARTIFACT || !g->block || g->block > t->nblocks)
        return -1;
    size_t b = g->block - 1;
    if (g->tag == CV_TAG_LABEL)
        return t->label[b];
    if (g->cell) {
        int32_t tb = t->table_of[b];
        if (tb < 0 || (size_t)tb >= t->ntables || !t->cells[tb] || (size_t)g->cell > t->ncells[tb])
            return -1;
        return t->cells[tb][g->cell - 1];
    }
    return t->leaf[b];
}

int32_t cv_tags_target(cv_tags *t, const cv_pglyph *g)
{
    int32_t base = base_of(t, g);
    if (base < 0)
        return -1;
    if (g->tag == CV_TAG_ALT && t->figure >= 0)
        return t->figure;
    if (g->link <= 0 || (size_t)g->link > t->nlinks)
        return base;
    int32_t *lk = &t->links[g->link - 1];
    if (*lk < 0)
        *lk = new_elem(t, "Link", base);
    return *lk >= 0 ? *lk : -2;
}

int32_t cv_tags_figure(cv_tags *t, const cv_pglyph *g, const char *alt)
{
    cv_pglyph h = *g;
    h.tag = CV_TAG_CONTENT;
    t->figure = -1;
    if (!alt || !*alt)
        return -1;
    int32_t parent = cv_tags_target(t, &h);
    if (parent < 0)
        return parent;
    int32_t e = new_elem(t, "Figure", parent);
    if (e < 0)
        return -2;
    t->elems.v[e].alt = alt;
    t->figure = e;
    return e;
}

int cv_tags_mark(cv_tags *t, int32_t elem, uint32_t page, int32_t mcid)
{
    cv_skid k = {-1, mcid, -1, page};
    if (CV_PUSH(t->elems.v[elem].kids, k))
        return -1;
    for (int32_t e = elem; e >= 0 && !t->elems.v[e].has_content; e = t->elems.v[e].parent)
        t->elems.v[e].has_content = true;
    return 0;
}

int32_t cv_tags_annot(cv_tags *t, int32_t link, int32_t annot, uint32_t page)
{
    if (link < 0 || (size_t)link >= t->nlinks || t->links[link] < 0)
        return -1;
    cv_skid k = {-1, -1, annot, page};
    if (CV_PUSH(t->elems.v[t->links[link]].kids, k))
        return -2;
    return t->links[link];
}
