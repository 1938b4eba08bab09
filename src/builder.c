/* builder.c: the document builder, which both front ends feed: markdown.c walking cmark-gfm's
 * tree and html.c walking libxml2's. It keeps the text and styled spans of the block being
 * built, the list, quote, alignment and table state around it, and emits cv_blocks, cells,
 * links and images into the model. Nothing is dropped silently: an image that cannot be
 * shown leaves its alt text and a warning, an unsafe link stays text with a warning.
 *
 * An image that can be shown becomes U+FFFC (OBJECT REPLACEMENT CHARACTER) in the text with
 * a span naming it; layout makes it a box, a whole line when the paragraph holds nothing
 * else. A soft line break becomes a space, except between two East Asian wide characters,
 * where Chinese and Japanese put no space (clreq); that is decided when the block is
 * complete.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "breaks.h"
#include "builder.h"
#include "image.h"

#define MAX_NESTING 100

typedef struct list_state {
    bool ordered, paren, tight, first;
    int next;
} list_state;

struct cv_bld {
    cv_ctx *ctx;
    cv_model *model;
    const char *base_dir;
    cv_buf text;
    CV_VEC(cv_span) spans;
    CV_VEC(uint32_t) softbreaks; /* offsets of spaces that soft breaks produced */
    uint16_t style;
    int32_t link;
    int list_depth, quote_depth;
    char marker[24];      /* pending marker for the next block */
    bool tight, first_in_list;
    int align;            /* enum cv_align for the blocks being built */
    int dir;              /* CV_DIR_* (bidi.h) from HTML dir=, for the blocks being built */
    int node_line, node_col; /* position of the innermost node with one */
    list_state lists[MAX_NESTING]; /* HTML lists */
    int html_lists;
    /* a table being built */
    int32_t table;        /* index into model->tables, -1 outside */
    int row_cells;        /* cells in the current row */
    CV_VEC(int) row_lens; /* cells in each finished row of the table */
    int nested_tables;    /* tables inside a cell: their cells are text of the outer cell */
    bool in_cell, row_header;
    int cell_align;
    int cell_colspan, cell_rowspan, cell_wpct, cell_wpx; /* the open cell's HTML attributes */
    int container_align[16]; /* <div align> opened in one HTML block, closed in a later one */
    int containers;
    int alert;            /* enum cv_alert of the blocks being built */
    bool alert_title;     /* the next block is an alert's title */
    bool join_next;       /* the next block follows the one before without a gap (an
                           * alert's title, a definition's term) */
    uint16_t note;        /* the blocks being built are footnote `note`'s text */
    uint16_t note_ref;    /* the text being added is the mark of footnote note_ref */
};

typedef struct cv_bld builder;


static void add_span_obj(builder *b, const char *s, size_t n, int32_t image, int32_t math)
{
    if (!n)
        return;
    uint32_t start = (uint32_t)b->text.len;
    cv_buf_add(&b->text, s, n);
    cv_span *last = b->spans.n ? &b->spans.v[b->spans.n - 1] : NULL;
    if (image < 0 && !math && last && last->end == start && last->style == b->style && last->link == b->link &&
        last->image < 0 && !last->math && last->note == b->note_ref && last->line == b->node_line &&
        last->col == b->node_col) {
        last->end = (uint32_t)b->text.len;
        return;
    }
    cv_span sp = {start, (uint32_t)b->text.len, b->style, b->link, image, b->node_line, b->node_col, math, b->note_ref};
    if (CV_PUSH(b->spans, sp)) /* NOLINT(clang-analyzer-core.NullDereference): v is set whenever cap > n */
        b->ctx->oom = true;
}

static void add_span_text(builder *b, const char *s, size_t n, int32_t image) { add_span_obj(b, s, n, image, 0); }
static void add_text(builder *b, const char *s, size_t n) { add_span_obj(b, s, n, -1, 0); }

/* Wide on both sides of a soft break: drop the space. */
static bool is_wide(uint32_t cp) { return cp && (cv_char_eaw(cp) == 'W' || cv_char_is_cjk_ideo(cp)); }

/* Resolves soft breaks between wide characters, compacting the text and the spans. */
static bool compact_softbreaks(builder *b)
{
    char *t = b->text.p ? b->text.p : "";
    size_t len = b->text.len;
    if (!b->softbreaks.n)
        return true;
    uint8_t *drop = calloc(len + 1, 1);
    size_t *newpos = malloc((len + 1) * sizeof *newpos);
    if (!drop || !newpos) {
        free(drop);
        free(newpos);
        b->ctx->oom = true;
        return false;
    }
    size_t ndrop = 0;
    for (size_t k = 0; k < b->softbreaks.n; k++) {
        uint32_t o = b->softbreaks.v[k];
        if (o >= len || t[o] != ' ')
            continue;
        size_t nx = o + 1;
        uint32_t before = cv_utf8_prev(t, o);
        uint32_t after = nx < len ? cv_utf8_next(t, len, &nx) : 0;
        if (is_wide(before) && is_wide(after)) {
            drop[o] = 1;
            ndrop++;
        }
    }
    if (ndrop) {
        size_t w = 0;
        for (size_t i = 0; i <= len; i++) {
            newpos[i] = w;
            if (i < len && !drop[i])
                t[w++] = t[i];
        }
        t[w] = 0;
        for (size_t k = 0; k < b->spans.n; k++) {
            b->spans.v[k].start = (uint32_t)newpos[b->spans.v[k].start];
            b->spans.v[k].end = (uint32_t)newpos[b->spans.v[k].end];
        }
        b->text.len = w;
    }
    free(drop);
    free(newpos);
    b->softbreaks.n = 0;
    return true;
}

static void reset_text(builder *b)
{
    b->text.len = 0;
    if (b->text.p)
        b->text.p[0] = 0;
    b->spans.n = 0;
    b->softbreaks.n = 0;
}

/* Trailing spaces (and with breaks, forced breaks) are not content (HTML's collapsed white
 * space leaves them). */
static void trim_tail(builder *b, bool breaks)
{
    while (b->text.len && (b->text.p[b->text.len - 1] == ' ' || (breaks && b->text.p[b->text.len - 1] == '\n'))) {
        b->text.len--;
        b->text.p[b->text.len] = 0;
        while (b->spans.n && b->spans.v[b->spans.n - 1].start >= b->text.len)
            b->spans.n--;
        if (b->spans.n && b->spans.v[b->spans.n - 1].end > b->text.len)
            b->spans.v[b->spans.n - 1].end = (uint32_t)b->text.len;
    }
}

static void trim_end(builder *b) { trim_tail(b, true); }

static void push_block(builder *b, cv_block *blk)
{
    blk->list_depth = b->list_depth;
    blk->quote_depth = b->quote_depth;
    memcpy(blk->marker, b->marker, sizeof blk->marker);
    b->marker[0] = 0;
    blk->tight = (b->tight && !b->first_in_list) || b->join_next;
    b->join_next = false;
    b->first_in_list = false;
    if (!blk->align)
        blk->align = b->align > 0 ? b->align : CV_ALIGN_DEFAULT;
    blk->dir = (uint8_t)b->dir;
    blk->alert = (uint8_t)b->alert;
    blk->note = b->note;
    blk->alert_title = b->alert_title;
    b->join_next = b->alert_title;
    b->alert_title = false;
    if (CV_PUSH(b->model->blocks, *blk)) {
        free(blk->text);
        free(blk->spans.v);
        b->ctx->oom = true;
    }
}

static void finish_block(builder *b, int kind, int level, int line, int col)
{
    if (!compact_softbreaks(b))
        return;
    if (b->in_cell) {
        /* inside a table cell, blocks are lines of the cell */
        if (b->text.len && b->text.p[b->text.len - 1] != '\n')
            add_text(b, "\n", 1);
        return;
    }
    cv_block blk;
    memset(&blk, 0, sizeof blk);
    char *t = b->text.p ? b->text.p : "";
    size_t len = b->text.len;
    blk.kind = kind;
    blk.level = level;
    blk.table = -1;
    blk.text = cv_strndup(t, len);
    blk.len = (uint32_t)len;
    if (!blk.text) {
        b->ctx->oom = true;
        return;
    }
    for (size_t k = 0; k < b->spans.n; k++)
        if (b->spans.v[k].end > b->spans.v[k].start && CV_PUSH(blk.spans, b->spans.v[k]))
            b->ctx->oom = true;
    blk.line = line;
    blk.col = col;
    if (kind == CV_B_HEADING && !b->model->first_heading && !(b->model->first_heading = cv_strndup(t, len)))
        b->ctx->oom = true;
    push_block(b, &blk);
    reset_text(b);
}

/* ---- links ------------------------------------------------------------------------------ */

/* The link's target for the PDF, or NULL when it is shown as text only. http, https, mailto
 * and tel are clickable; a bare e-mail address gets mailto:; a fragment (#skills) jumps
 * inside the document when an anchor of that name is found (anchors.c). javascript:, file:,
 * data: and vbscript: are refused with a warning; relative targets stay text. */
static char *safe_target(builder *b, const char *url)
{
    while (*url == ' ')
        url++;
    if (url[0] == '#' && url[1]) {
        char *u = cv_strndup(url, strlen(url));
        if (!u)
            b->ctx->oom = true;
        return u;
    }
    static const char *ok[] = {"http://", "https://", "mailto:", "tel:"};
    for (size_t k = 0; k < sizeof ok / sizeof *ok; k++)
        if (!strncasecmp(url, ok[k], strlen(ok[k]))) {
            char *u = cv_strndup(url, strlen(url));
            if (!u)
                b->ctx->oom = true;
            return u;
        }
    if (strchr(url, '@') && !strchr(url, ':') && !strchr(url, '/') && !strchr(url, ' ')) {
        char *m = malloc(strlen(url) + 8);
        if (m)
            sprintf(m, "mailto:%s", url);
        else
            b->ctx->oom = true;
        return m;
    }
    const char *colon = strchr(url, ':'), *slash = strchr(url, '/');
    if (colon && (!slash || colon < slash) && colon > url) {
        cv_diag(b->ctx, CVPDF_WARNING, CVPDF_D_LINK_NOT_CLICKABLE, b->node_line, b->node_col,
                "link target '%.80s' is shown as text, not made clickable (only http, https, mailto and tel are)",
                url);
    }
    return NULL;
}

static int32_t add_link(builder *b, const char *url)
{
    char *u = safe_target(b, url ? url : "");
    if (CV_PUSH(b->model->links, u)) {
        free(u);
        b->ctx->oom = true;
        return -1;
    }
    return (int32_t)b->model->links.n - 1;
}

/* ---- the interface html.c drives --------------------------------------------------------- */

void cv_bld_text(builder *b, const char *s, size_t n)
{
    /* collapsed HTML white space: none at a paragraph's start or after a break or a space */
    if (n && s[0] == ' ' && (!b->text.len || b->text.p[b->text.len - 1] == ' ' || b->text.p[b->text.len - 1] == '\n')) {
        s++;
        n--;
    }
    add_text(b, s, n);
}

void cv_bld_break(builder *b)
{
    /* spaces before a break are not content; a break after a break is (<br><br> leaves an
     * empty line, as a browser shows it), except in a table cell, whose lines are its
     * paragraphs: an empty line there would make extractors read the table across, line by
     * line, instead of cell by cell */
    trim_tail(b, b->in_cell);
    add_text(b, "\n", 1);
}

uint16_t cv_bld_style(builder *b, uint16_t style)
{
    uint16_t old = b->style;
    b->style = style;
    return old;
}

int32_t cv_bld_link(builder *b, const char *href)
{
    int32_t old = b->link;
    b->link = href ? add_link(b, href) : -1;
    return old;
}

void cv_bld_set_link(builder *b, int32_t link) { b->link = link; }

void cv_bld_end_para(builder *b)
{
    trim_end(b);
    if (b->text.len)
        finish_block(b, CV_B_PARA, 0, b->node_line, b->node_col);
    else
        reset_text(b);
}

void cv_bld_heading(builder *b, int level)
{
    trim_end(b);
    if (b->text.len)
        finish_block(b, CV_B_HEADING, level, b->node_line, b->node_col);
}

int cv_bld_align(builder *b, int align)
{
    int old = b->align;
    if (align >= 0) /* -1 keeps the inherited alignment */
        b->align = align;
    return old;
}

int cv_bld_dir(builder *b, int dir)
{
    int old = b->dir;
    if (dir >= 0) /* -1 keeps the inherited direction */
        b->dir = dir;
    return old;
}

void cv_bld_quote(builder *b, int delta)
{
    b->quote_depth += delta;
    if (b->quote_depth < 0)
        b->quote_depth = 0;
}

void cv_bld_list(builder *b, bool begin, bool ordered, int start)
{
    if (begin) {
        if (b->html_lists < MAX_NESTING)
            b->lists[b->html_lists] = (list_state){ordered, false, true, true, start};
        b->html_lists++;
        b->list_depth++;
    } else if (b->html_lists > 0) {
        b->html_lists--;
        b->list_depth--;
    }
}

void cv_bld_item(builder *b)
{
    if (!b->html_lists) {
        /* an <li> outside a list still shows as an item */
        snprintf(b->marker, sizeof b->marker, "\xE2\x80\xA2");
    } else {
        list_state *ls = &b->lists[(b->html_lists - 1) % MAX_NESTING];
        static const char *bullets[] = {"\xE2\x80\xA2", "\xE2\x80\x93", "\xE2\x97\xA6"};
        if (ls->ordered)
            snprintf(b->marker, sizeof b->marker, "%d.", ls->next++);
        else
            snprintf(b->marker, sizeof b->marker, "%s", bullets[(b->list_depth - 1) % 3]);
    }
    if (b->in_cell) {
        /* a cell's lines are its blocks: an item's marker starts its line, a no-break space
         * after it, nested items indented by an em space a level */
        if (b->text.len && b->text.p[b->text.len - 1] != '\n')
            add_text(b, "\n", 1);
        for (int d = 1; d < b->list_depth && d < 8; d++)
            add_text(b, "\xE2\x80\x83", 3);
        add_text(b, b->marker, strlen(b->marker));
        add_text(b, "\xC2\xA0", 2);
        b->marker[0] = 0;
    }
}

void cv_bld_anchor(builder *b, const char *name)
{
    if (!name || !*name)
        return;
    /* it stands before the block being built (a table's, inside a cell) */
    cv_anchor a = {cv_strndup(name, strlen(name)), (uint32_t)b->model->blocks.n, false};
    if (!a.name || CV_PUSH(b->model->anchors, a)) {
        free(a.name);
        b->ctx->oom = true;
    }
}

void cv_bld_join(builder *b) { b->join_next = true; }

void cv_bld_note_ref(builder *b, int n, bool first)
{
    char num[16], name[24];
    snprintf(num, sizeof num, "%d", n);
    if (first) { /* the note's way back */
        snprintf(name, sizeof name, "fnref-%d", n);
        cv_bld_anchor(b, name);
    }
    snprintf(name, sizeof name, "#fn-%d", n);
    uint16_t old = b->style;
    int32_t old_link = b->link;
    b->link = add_link(b, name);
    b->style = (uint16_t)(old | CV_S_SUP | CV_S_LINK);
    b->note_ref = (uint16_t)n;
    add_text(b, num, strlen(num));
    b->note_ref = 0;
    b->style = old;
    b->link = old_link;
}

void cv_bld_note(builder *b, int n)
{
    cv_bld_end_para(b);
    b->note = (uint16_t)n;
    if (n) {
        char name[24];
        snprintf(name, sizeof name, "fn-%d", n);
        cv_bld_anchor(b, name);
    }
}

void cv_bld_note_back(builder *b, int n)
{
    char name[24];
    snprintf(name, sizeof name, "#fnref-%d", n);
    int32_t old_link = b->link;
    uint16_t old = b->style;
    add_text(b, " ", 1);
    b->link = add_link(b, name);
    b->style = (uint16_t)(old | CV_S_LINK);
    add_text(b, "\xE2\x86\xA9", 3); /* ↩ */
    b->style = old;
    b->link = old_link;
}

void cv_bld_math(builder *b, const char *tex, size_t len, bool display, int line, int col)
{
    cv_math m = {cv_strndup(tex, len), (uint32_t)len, display, line ? line : b->node_line, line ? col : b->node_col};
    if (!m.tex || CV_PUSH(b->model->maths, m)) {
        free(m.tex);
        b->ctx->oom = true;
        return;
    }
    add_span_obj(b, "\xEF\xBF\xBC", 3, -1, (int32_t)b->model->maths.n);
}

void cv_bld_display_math(builder *b, const char *tex, size_t len, int line, int col)
{
    cv_bld_end_para(b);
    int old = cv_bld_align(b, CV_ALIGN_CENTER);
    cv_bld_pos(b, line, col);
    cv_bld_math(b, tex, len, true, line, col);
    finish_block(b, CV_B_PARA, 0, line, col);
    if (b->model->blocks.n && !b->in_cell)
        b->model->blocks.v[b->model->blocks.n - 1].display = true;
    cv_bld_align(b, old);
}

void cv_bld_alert(builder *b, int alert)
{
    b->alert = alert;
    b->alert_title = alert != CV_ALERT_NONE;
}

void cv_bld_rule(builder *b)
{
    cv_bld_end_para(b);
    if (b->in_cell)
        return;
    finish_block(b, CV_B_RULE, 0, b->node_line, b->node_col);
}

void cv_bld_image(builder *b, const char *src, const char *alt, int w, int h, bool from_html)
{
    bool safe = b->ctx->opts && b->ctx->opts->safe;
    if (safe && *src && strncmp(src, "http:", 5) && strncmp(src, "https:", 6) &&
        (from_html || src[0] == '/' || strstr(src, "..") || !strncmp(src, "file:", 5) ||
         !cv_path_inside(b->base_dir, src))) {
        cv_diag(b->ctx, CVPDF_WARNING, CVPDF_D_SAFE_MODE_REFUSED, b->node_line, b->node_col,
                "safe mode: image '%.120s' is not read (%s); its alt text is shown", src,
                from_html ? "no images from raw HTML" : "only files inside the document's directory");
        src = "";
    }
    cv_image img;
    memset(&img, 0, sizeof img);
    img.src = cv_strndup(src, strlen(src));
    img.alt = cv_strndup(alt, strlen(alt));
    img.want_w = w;
    img.want_h = h;
    if (!img.src || !img.alt) {
        free(img.src);
        free(img.alt);
        b->ctx->oom = true;
        return;
    }
    if (!*src || cv_image_load(b->ctx, b->base_dir, &img, b->node_line, b->node_col)) {
        /* not shown: its alt text stands in */
        if (!*src && !safe)
            cv_diag(b->ctx, CVPDF_WARNING, CVPDF_D_IMAGE_NO_SOURCE, b->node_line, b->node_col, "image without a source; its alt text is shown");
        uint16_t old = b->style;
        b->style |= CV_S_ITALIC;
        add_text(b, alt, strlen(alt));
        b->style = old;
        free(img.src);
        free(img.alt);
        return;
    }
    if (CV_PUSH(b->model->images, img)) {
        free(img.src);
        free(img.alt);
        free(img.data);
        b->ctx->oom = true;
        return;
    }
    add_span_text(b, "\xEF\xBF\xBC", 3, (int32_t)b->model->images.n - 1);
}

/* Frees a cell's text. */
static void drop_cell(cv_cell *c)
{
    free(c->text);
    free(c->spans.v);
}

/* Places the cells of t, row by row (b->row_lens), on the grid of `fixed` as HTML's table
 * model does: each at the first column its row has free, taking colspan × rowspan places
 * (the places it covers are marked covered); a row short of cells is padded with empty ones.
 * Every cell of t is either moved into fixed or freed. -1 on OOM. */
static int grid(builder *b, cv_table *t, cv_table *fixed)
{
    enum { MAX_COLSPAN = 100, MAX_COLS = 1000 };
    int rc = 0;
    int nrows = t->nrows, ncols = 0;
    /* the columns first: how wide the grid is */
    int *occ = calloc(MAX_COLS, sizeof *occ); /* per column, the rows a span from above still covers */
    if (!occ || nrows <= 0) {
        free(occ);
        for (size_t q = 0; q < t->cells.n; q++)
            drop_cell(&t->cells.v[q]);
        return -1;
    }
    size_t k = 0;
    for (int r = 0; r < nrows && (size_t)r < b->row_lens.n; r++) {
        int c = 0;
        for (int i = 0; i < b->row_lens.v[r] && k < t->cells.n; i++, k++) {
            cv_cell *ce = &t->cells.v[k];
            if (ce->colspan > MAX_COLSPAN)
                ce->colspan = MAX_COLSPAN;
            if (ce->rowspan > nrows - r)
                ce->rowspan = nrows - r;
            while (c < MAX_COLS && occ[c] > 0)
                c++;
            if (c + ce->colspan > MAX_COLS)
                ce->colspan = MAX_COLS - c > 0 ? MAX_COLS - c : 0;
            for (int q = 0; q < ce->colspan; q++)
                occ[c + q] = ce->rowspan;
            c += ce->colspan;
            if (c > ncols)
                ncols = c;
        }
        for (int q = 0; q < MAX_COLS; q++) {
            if (occ[q] > 1 && q + 1 > ncols)
                ncols = q + 1;
            if (occ[q] > 0)
                occ[q]--;
        }
    }
    free(occ);
    if (ncols < 1)
        ncols = 1;
    /* then the places */
    size_t places = (size_t)(unsigned)nrows * (size_t)(unsigned)ncols;
    cv_cell *g = rc ? NULL : calloc(places, sizeof *g);
    bool *taken = rc ? NULL : calloc(places, sizeof *taken);
    if (!g || !taken)
        rc = -1;
    k = 0;
    for (int r = 0; r < nrows && (size_t)r < b->row_lens.n && !rc; r++) {
        int c = 0;
        for (int i = 0; i < b->row_lens.v[r] && k < t->cells.n; i++, k++) {
            cv_cell *ce = &t->cells.v[k];
            while (c < ncols && taken[(size_t)r * ncols + c])
                c++;
            if (c >= ncols || ce->colspan <= 0) {
                drop_cell(ce);
                continue;
            }
            if (c + ce->colspan > ncols)
                ce->colspan = ncols - c;
            for (int y = 0; y < ce->rowspan; y++)
                for (int x = 0; x < ce->colspan; x++) {
                    size_t at = (size_t)(r + y) * ncols + (size_t)(c + x);
                    taken[at] = true;
                    g[at].covered = y || x;
                    g[at].colspan = 1;
                    g[at].rowspan = y ? 0 : 1; /* (0: covered from a row above) */
                    g[at].header = ce->header;
                }
            g[(size_t)r * ncols + c] = *ce;
            c += ce->colspan;
        }
    }
    /* cells of rows that were cut, or of no row */
    for (; k < t->cells.n; k++)
        drop_cell(&t->cells.v[k]);
    for (size_t at = 0; g && at < places && !rc; at++) {
        if (!g[at].text && !(g[at].text = cv_strndup("", 0)))
            rc = -1;
        if (!g[at].colspan)
            g[at].colspan = g[at].rowspan = 1;
    }
    if (!rc) {
        fixed->cells.v = g;
        fixed->cells.n = fixed->cells.cap = places;
        fixed->ncols = ncols;
        g = NULL;
    } else if (g) {
        for (size_t at = 0; at < places; at++)
            drop_cell(&g[at]);
    }
    free(g);
    free(taken);
    return rc;
}

void cv_bld_cell_size(builder *b, int colspan, int rowspan, int width_pct, int width_px)
{
    if (!b->in_cell || b->nested_tables > 0)
        return;
    b->cell_colspan = colspan > 0 ? colspan : 1;
    b->cell_rowspan = rowspan > 0 ? rowspan : 1;
    b->cell_wpct = width_pct;
    b->cell_wpx = width_px;
}

void cv_bld_table_width(builder *b, int width_pct, int width_px)
{
    if (b->table < 0 || b->nested_tables > 0)
        return;
    b->model->tables.v[b->table].width_pct = width_pct;
    b->model->tables.v[b->table].width_px = width_px;
}

void cv_bld_table(builder *b, bool begin)
{
    if (begin) {
        if (b->table >= 0) { /* a table inside a table: its cells become text */
            b->nested_tables++;
            return;
        }
        cv_bld_end_para(b);
        cv_table t;
        memset(&t, 0, sizeof t);
        if (CV_PUSH(b->model->tables, t)) {
            b->ctx->oom = true;
            return;
        }
        b->table = (int32_t)b->model->tables.n - 1;
        b->row_cells = 0;
        return;
    }
    if (b->table < 0)
        return;
    if (b->nested_tables > 0) {
        b->nested_tables--;
        return;
    }
    if (b->in_cell) /* a cell left open: close it */
        cv_bld_cell(b, false, false, 0);
    cv_table *t = &b->model->tables.v[b->table];
    int32_t ti = b->table;
    b->table = -1;
    /* cells of a row that never ended (malformed HTML) make a last row of their own */
    size_t counted = 0;
    for (size_t r = 0; r < b->row_lens.n; r++)
        counted += (size_t)b->row_lens.v[r];
    if (t->cells.n > counted) {
        int extra = (int)(t->cells.n - counted);
        if (CV_PUSH(b->row_lens, extra))
            b->ctx->oom = true;
        else {
            t->nrows++;
            if (extra > t->ncols)
                t->ncols = extra;
        }
    }
    if (!t->nrows || !t->ncols)
        return;
    cv_table fixed = *t;
    memset(&fixed.cells, 0, sizeof fixed.cells);
    if (grid(b, t, &fixed))
        b->ctx->oom = true;
    free(t->cells.v);
    *t = fixed;
    b->row_lens.n = 0;
    cv_block blk;
    memset(&blk, 0, sizeof blk);
    blk.kind = CV_B_TABLE;
    blk.table = ti;
    blk.text = cv_strndup("", 0);
    blk.line = b->node_line;
    blk.col = b->node_col;
    if (!blk.text) {
        b->ctx->oom = true;
        return;
    }
    push_block(b, &blk);
}

void cv_bld_row(builder *b, bool begin, bool header)
{
    if (b->table < 0 || b->nested_tables > 0) {
        if (!begin && b->text.len && b->text.p[b->text.len - 1] != ' ')
            add_text(b, " ", 1); /* rows of a nested table, inline */
        return;
    }
    if (b->in_cell) /* a cell left open: close it */
        cv_bld_cell(b, false, false, 0);
    cv_table *t = &b->model->tables.v[b->table];
    if (begin) {
        b->row_cells = 0;
        b->row_header = header;
        return;
    }
    if (b->row_cells == 0)
        return;
    if (header && t->header_rows == t->nrows)
        t->header_rows++;
    if (b->row_cells > t->ncols)
        t->ncols = b->row_cells;
    if (CV_PUSH(b->row_lens, b->row_cells))
        b->ctx->oom = true;
    t->nrows++;
}

void cv_bld_cell(builder *b, bool begin, bool header, int align)
{
    if (b->table < 0) {
        /* a cell outside a table: its text, spaced */
        if (!begin)
            add_text(b, " ", 1);
        return;
    }
    if (b->nested_tables > 0) { /* a cell of a nested table: spaced text */
        if (b->text.len && b->text.p[b->text.len - 1] != ' ')
            add_text(b, " ", 1);
        return;
    }
    if (begin) {
        if (b->in_cell) /* a cell left open: close it */
            cv_bld_cell(b, false, false, 0);
        cv_bld_end_para(b);
        b->in_cell = true;
        b->cell_align = align;
        b->cell_colspan = b->cell_rowspan = 1;
        b->cell_wpct = b->cell_wpx = 0;
        b->row_header = b->row_header || header;
        return;
    }
    if (!b->in_cell)
        return;
    compact_softbreaks(b);
    trim_end(b);
    cv_cell c;
    memset(&c, 0, sizeof c);
    c.text = cv_strndup(b->text.p ? b->text.p : "", b->text.len);
    c.len = (uint32_t)b->text.len;
    for (size_t k = 0; k < b->spans.n; k++)
        if (b->spans.v[k].end > b->spans.v[k].start && CV_PUSH(c.spans, b->spans.v[k]))
            b->ctx->oom = true;
    c.align = b->cell_align;
    c.header = header || b->row_header;
    c.line = b->node_line;
    c.col = b->node_col;
    c.colspan = b->cell_colspan > 0 ? b->cell_colspan : 1;
    c.rowspan = b->cell_rowspan > 0 ? b->cell_rowspan : 1;
    c.width_pct = b->cell_wpct;
    c.width_px = b->cell_wpx;
    cv_table *t = &b->model->tables.v[b->table];
    if (!c.text || CV_PUSH(t->cells, c)) {
        free(c.text);
        free(c.spans.v);
        b->ctx->oom = true;
    }
    b->row_cells++;
    b->in_cell = false;
    reset_text(b);
}

void cv_bld_warn(builder *b, cvpdf_code code, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    cv_diag(b->ctx, CVPDF_WARNING, code, b->node_line, b->node_col, "%s", msg);
}

/* ---- the interface markdown.c drives ------------------------------------------------------ */

cv_bld *cv_bld_new(cv_ctx *ctx, cv_model *model, const char *base_dir)
{
    builder *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    b->ctx = ctx;
    b->model = model;
    b->base_dir = base_dir;
    b->link = -1;
    b->table = -1;
    return b;
}

int cv_bld_finish(cv_bld *b)
{
    cv_bld_end_para(b);
    bool oom = b->text.oom;
    cv_buf_free(&b->text);
    free(b->spans.v);
    free(b->softbreaks.v);
    free(b->row_lens.v);
    free(b);
    return oom ? -1 : 0;
}

void cv_bld_pos(cv_bld *b, int line, int col)
{
    b->node_line = line;
    b->node_col = col;
}

cv_bld_state cv_bld_save(const cv_bld *b)
{
    cv_bld_state s = {b->node_line, b->node_col, b->style, b->link};
    return s;
}

void cv_bld_restore(cv_bld *b, cv_bld_state s)
{
    b->node_line = s.line;
    b->node_col = s.col;
    b->style = s.style;
    b->link = s.link;
}

void cv_bld_add(cv_bld *b, const char *s, size_t n) { add_text(b, s, n); }

void cv_bld_softbreak(cv_bld *b)
{
    uint32_t at = (uint32_t)b->text.len;
    add_text(b, " ", 1);
    if (CV_PUSH(b->softbreaks, at))
        b->ctx->oom = true;
}

void cv_bld_trim(cv_bld *b) { trim_end(b); }

void cv_bld_block(cv_bld *b, int kind, int level, int line, int col) { finish_block(b, kind, level, line, col); }

cv_bld_list_state cv_bld_md_list(cv_bld *b, bool tight)
{
    cv_bld_list_state s = {b->tight, b->first_in_list};
    b->tight = tight;
    b->first_in_list = true;
    b->list_depth++;
    return s;
}

void cv_bld_md_list_end(cv_bld *b, cv_bld_list_state s)
{
    b->list_depth--;
    b->tight = s.tight;
    b->first_in_list = s.first;
}

int cv_bld_list_depth(const cv_bld *b) { return b->list_depth; }

void cv_bld_marker(cv_bld *b, const char *marker) { snprintf(b->marker, sizeof b->marker, "%s", marker); }

void cv_bld_container(cv_bld *b, bool open, int align)
{
    if (open) {
        if (b->containers < 16)
            b->container_align[b->containers] = b->align;
        b->containers++;
        if (align != CV_ALIGN_DEFAULT)
            b->align = align;
    } else if (b->containers > 0 && --b->containers < 16) {
        b->align = b->container_align[b->containers];
    }
}
