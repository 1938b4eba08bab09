/* build.c: the cmark-gfm tree to cvpdf's document model (the only cmark-gfm client).
 *
 * The box builder is just another cmark renderer: block nodes become cv_blocks (paragraphs,
 * headings, code, rules, tables) that carry their list and quote nesting; inline nodes
 * become styled spans of the block's UTF-8 text. Raw HTML goes through html.c, which drives
 * the same builder through the cv_bld_* functions below, so Markdown and HTML meet in one
 * model. Nothing is dropped silently: an image that cannot be shown leaves its alt text and
 * a warning, an unsafe link stays text with a warning.
 *
 * An image that can be shown becomes U+FFFC (OBJECT REPLACEMENT CHARACTER) in the text with
 * a span naming it; layout makes it a box, a whole line when the paragraph holds nothing
 * else. A soft line break becomes a space, except between two East Asian wide characters,
 * where Chinese and Japanese put no space (clreq); that is decided when the block is
 * complete.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>

#include "internal.h"

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
    int container_align[16]; /* <div align> opened in one HTML block, closed in a later one */
    int containers;
    int last_heading;     /* for the check of skipped heading levels */
};

typedef struct cv_bld builder;

static int src_line(builder *b, int cm_line) { return cm_line ? cm_line + b->ctx->body_line - 1 : 0; }

static void add_span_text(builder *b, const char *s, size_t n, int32_t image)
{
    if (!n)
        return;
    uint32_t start = (uint32_t)b->text.len;
    cv_buf_add(&b->text, s, n);
    cv_span *last = b->spans.n ? &b->spans.v[b->spans.n - 1] : NULL;
    if (image < 0 && last && last->end == start && last->style == b->style && last->link == b->link &&
        last->image < 0 && last->line == b->node_line && last->col == b->node_col) {
        last->end = (uint32_t)b->text.len;
        return;
    }
    cv_span sp = {start, (uint32_t)b->text.len, b->style, b->link, image, b->node_line, b->node_col};
    if (CV_PUSH(b->spans, sp)) /* NOLINT(clang-analyzer-core.NullDereference): v is set whenever cap > n */
        b->ctx->oom = true;
}

static void add_text(builder *b, const char *s, size_t n) { add_span_text(b, s, n, -1); }

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

/* Trailing spaces and breaks are not content (HTML's collapsed white space leaves them). */
static void trim_end(builder *b)
{
    while (b->text.len && (b->text.p[b->text.len - 1] == ' ' || b->text.p[b->text.len - 1] == '\n')) {
        b->text.len--;
        b->text.p[b->text.len] = 0;
        while (b->spans.n && b->spans.v[b->spans.n - 1].start >= b->text.len)
            b->spans.n--;
        if (b->spans.n && b->spans.v[b->spans.n - 1].end > b->text.len)
            b->spans.v[b->spans.n - 1].end = (uint32_t)b->text.len;
    }
}

static void push_block(builder *b, cv_block *blk)
{
    blk->list_depth = b->list_depth;
    blk->quote_depth = b->quote_depth;
    memcpy(blk->marker, b->marker, sizeof blk->marker);
    b->marker[0] = 0;
    blk->tight = b->tight && !b->first_in_list;
    b->first_in_list = false;
    if (!blk->align)
        blk->align = b->align > 0 ? b->align : CV_ALIGN_DEFAULT;
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
    if (kind == CV_B_HEADING && !b->model->first_heading)
        b->model->first_heading = cv_strndup(t, len);
    push_block(b, &blk);
    reset_text(b);
}

/* ---- links ------------------------------------------------------------------------------ */

/* The link's target for the PDF, or NULL when it is shown as text only. http, https, mailto
 * and tel are clickable; a bare e-mail address gets mailto:. javascript:, file:, data: and
 * vbscript: are refused with a warning; relative targets and fragments stay text. */
static char *safe_target(builder *b, const char *url)
{
    while (*url == ' ')
        url++;
    static const char *ok[] = {"http://", "https://", "mailto:", "tel:"};
    for (size_t k = 0; k < sizeof ok / sizeof *ok; k++)
        if (!strncasecmp(url, ok[k], strlen(ok[k])))
            return cv_strndup(url, strlen(url));
    if (strchr(url, '@') && !strchr(url, ':') && !strchr(url, '/') && !strchr(url, ' ')) {
        char *m = malloc(strlen(url) + 8);
        if (m)
            sprintf(m, "mailto:%s", url);
        return m;
    }
    const char *colon = strchr(url, ':'), *slash = strchr(url, '/');
    if (colon && (!slash || colon < slash) && colon > url) {
        cv_diag(b->ctx, CVPDF_WARNING, b->node_line, b->node_col,
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
    trim_end(b);
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
        return;
    }
    list_state *ls = &b->lists[(b->html_lists - 1) % MAX_NESTING];
    static const char *bullets[] = {"\xE2\x80\xA2", "\xE2\x80\x93", "\xE2\x97\xA6"};
    if (ls->ordered)
        snprintf(b->marker, sizeof b->marker, "%d.", ls->next++);
    else
        snprintf(b->marker, sizeof b->marker, "%s", bullets[(b->list_depth - 1) % 3]);
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
        cv_diag(b->ctx, CVPDF_WARNING, b->node_line, b->node_col,
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
            cv_diag(b->ctx, CVPDF_WARNING, b->node_line, b->node_col, "image without a source; its alt text is shown");
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
    /* pad short rows and cut long ones: cells are row-major, ncols each */
    cv_table fixed = *t;
    memset(&fixed.cells, 0, sizeof fixed.cells);
    size_t k = 0;
    for (int r = 0; r < t->nrows && (size_t)r < b->row_lens.n; r++) {
        for (int c = 0; c < b->row_lens.v[r] && k < t->cells.n; c++, k++) {
            if (c < t->ncols) {
                if (CV_PUSH(fixed.cells, t->cells.v[k]))
                    b->ctx->oom = true;
            } else {
                free(t->cells.v[k].text);
                free(t->cells.v[k].spans.v);
            }
        }
        /* the cells this row already has (a short row, or cells that ran out) */
        int have = (int)(fixed.cells.n - (size_t)r * (size_t)t->ncols);
        for (int c = have; c < t->ncols; c++) {
            cv_cell e;
            memset(&e, 0, sizeof e);
            e.text = cv_strndup("", 0);
            if (!e.text || CV_PUSH(fixed.cells, e))
                b->ctx->oom = true;
        }
    }
    /* cells of a row that never ended */
    for (; k < t->cells.n; k++) {
        free(t->cells.v[k].text);
        free(t->cells.v[k].spans.v);
    }
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

void cv_bld_warn(builder *b, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    cv_diag(b->ctx, CVPDF_WARNING, b->node_line, b->node_col, "%s", msg);
}

/* ---- the cmark walk ----------------------------------------------------------------------- */

static void set_pos(builder *b, cmark_node *n)
{
    int l = cmark_node_get_start_line(n);
    if (l) {
        b->node_line = src_line(b, l);
        b->node_col = cmark_node_get_start_column(n);
    }
}

/* ---- checks: what CommonMark did that the writer probably did not mean --------------------- */

/* The source line `line` (1-based, of the whole file) and its length. */
static const char *source_line(builder *b, int line, size_t *n)
{
    const char *s = b->ctx->src;
    size_t len = b->ctx->src_len, p = 0;
    for (int l = 1; l < line && p < len; p++)
        if (s[p] == '\n')
            l++;
    if (p >= len && line > 1)
        return NULL;
    size_t e = p;
    while (e < len && s[e] != '\n')
        e++;
    *n = e - p;
    return s + p;
}

/* A text node holding "**" or "__" that is not an escape: emphasis that did not parse, and
 * prints literally. The node's literal is walked beside its source (from the node's start),
 * where an escaped \* takes two bytes; any other difference (an entity) ends the walk, so
 * the check never guesses. */
static void check_emphasis(builder *b, cmark_node *n)
{
    const char *lit = cmark_node_get_literal(n);
    if (!lit || (!strstr(lit, "**") && !strstr(lit, "__")) || !b->ctx->src)
        return;
    int line = src_line(b, cmark_node_get_start_line(n)), col = cmark_node_get_start_column(n);
    size_t len;
    const char *s = line ? source_line(b, line, &len) : NULL;
    if (!s || col < 1)
        return;
    size_t i = (size_t)col - 1;
    for (size_t k = 0; lit[k] && i < len; k++) {
        if (s[i] == '\\' && i + 1 < len && s[i + 1] == lit[k]) {
            i += 2; /* an escape: literal on purpose */
            continue;
        }
        if (s[i] != lit[k])
            return;
        if ((lit[k] == '*' || lit[k] == '_') && lit[k + 1] == lit[k] && i + 1 < len && s[i + 1] == lit[k]) {
            size_t q = i + 2;
            uint32_t after = q < len ? cv_utf8_next(s, len, &q) : 0;
            uint32_t before = i > 0 ? cv_utf8_prev(s, i) : 0;
            bool cjk = cv_char_eaw(after) == 'W' || cv_char_eaw(before) == 'W';
            cv_diag(b->ctx, CVPDF_WARNING, line, (int)i + 1,
                    "'%c%c' prints literally: this emphasis did not parse (%s)", lit[k], lit[k],
                    cjk ? "CommonMark does not see ** next to CJK punctuation as emphasis; write <b>…</b> instead"
                        : "no space may follow an opening ** or precede a closing **");
            return;
        }
        i++;
    }
}

/* A line inside a paragraph that starts like a list item: CommonMark made it paragraph text,
 * usually because it is indented further than a nested item may be. */
static void check_swallowed_items(builder *b, cmark_node *n)
{
    if (!b->ctx->src)
        return;
    int l0 = src_line(b, cmark_node_get_start_line(n)), l1 = src_line(b, cmark_node_get_end_line(n));
    for (int l = l0 + 1; l0 && l <= l1; l++) {
        size_t len;
        const char *s = source_line(b, l, &len);
        if (!s)
            break;
        size_t i = 0;
        while (i < len && (s[i] == ' ' || s[i] == '\t'))
            i++;
        size_t m = i;
        if (m < len && (s[m] == '*' || s[m] == '-' || s[m] == '+'))
            m++;
        else {
            while (m < len && s[m] >= '0' && s[m] <= '9' && m - i < 9)
                m++;
            if (m == i || m >= len || (s[m] != '.' && s[m] != ')'))
                continue;
            m++;
        }
        if (m >= len || (s[m] != ' ' && s[m] != '\t') || m + 1 >= len)
            continue;
        cv_diag(b->ctx, CVPDF_WARNING, l, (int)i + 1,
                "this line looks like a list item but is part of the paragraph above%s",
                i >= 4 ? " (indented too far to start a nested item: indent it like the items above, or less)"
                       : " (an ordered item other than 1. cannot interrupt a paragraph: leave a blank line before it)");
    }
}

/* The number written on an ordered list item. */
static int written_number(builder *b, cmark_node *item)
{
    size_t len;
    int l = src_line(b, cmark_node_get_start_line(item)), c = cmark_node_get_start_column(item);
    const char *s = l ? source_line(b, l, &len) : NULL;
    if (!s || c < 1 || (size_t)c > len)
        return -1;
    size_t i = (size_t)c - 1;
    while (i < len && (s[i] == ' ' || s[i] == '>'))
        i++;
    int v = 0, digits = 0;
    while (i < len && s[i] >= '0' && s[i] <= '9' && digits < 9) {
        v = v * 10 + (s[i] - '0');
        i++;
        digits++;
    }
    return digits ? v : -1;
}

static void walk_inlines(builder *b, cmark_node *parent, cv_html_stack *html)
{
    for (cmark_node *n = cmark_node_first_child(parent); n; n = cmark_node_next(n)) {
        int sl = b->node_line, sc = b->node_col;
        uint16_t saved = b->style;
        int32_t saved_link = b->link;
        bool restore = true;
        set_pos(b, n);
        const char *lit;
        switch (cmark_node_get_type(n)) {
        case CMARK_NODE_TEXT:
            check_emphasis(b, n);
            lit = cmark_node_get_literal(n);
            if (lit) {
                /* tabs and stray newlines inside text become spaces */
                for (const char *p = lit; *p;) {
                    size_t k = strcspn(p, "\t\n\r");
                    add_text(b, p, k);
                    p += k;
                    if (*p) {
                        add_text(b, " ", 1);
                        p++;
                    }
                }
            }
            break;
        case CMARK_NODE_SOFTBREAK: {
            uint32_t at = (uint32_t)b->text.len;
            add_text(b, " ", 1);
            if (CV_PUSH(b->softbreaks, at))
                b->ctx->oom = true;
            break;
        }
        case CMARK_NODE_LINEBREAK:
            add_text(b, "\n", 1);
            break;
        case CMARK_NODE_CODE:
            b->style |= CV_S_CODE;
            lit = cmark_node_get_literal(n);
            if (lit)
                add_text(b, lit, strlen(lit));
            break;
        case CMARK_NODE_HTML_INLINE:
            lit = cmark_node_get_literal(n);
            /* an inline tag's style lasts until its closing tag: not restored here */
            if (lit && cv_html_inline(b, lit, strlen(lit), html))
                b->ctx->oom = true;
            restore = false;
            break;
        case CMARK_NODE_EMPH:
            b->style |= CV_S_ITALIC;
            walk_inlines(b, n, html);
            break;
        case CMARK_NODE_STRONG:
            b->style |= CV_S_BOLD;
            walk_inlines(b, n, html);
            break;
        case CMARK_NODE_LINK:
            b->style |= CV_S_LINK;
            b->link = add_link(b, cmark_node_get_url(n));
            walk_inlines(b, n, html);
            break;
        case CMARK_NODE_IMAGE: {
            /* the alt text is the image's inline content, as plain text */
            cv_buf alt = {0};
            cmark_iter *it = cmark_iter_new(n);
            cmark_event_type ev;
            while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
                cmark_node *c = cmark_iter_get_node(it);
                if (ev == CMARK_EVENT_ENTER && (cmark_node_get_type(c) == CMARK_NODE_TEXT ||
                                                cmark_node_get_type(c) == CMARK_NODE_CODE)) {
                    const char *a = cmark_node_get_literal(c);
                    if (a)
                        cv_buf_puts(&alt, a);
                }
            }
            cmark_iter_free(it);
            const char *url = cmark_node_get_url(n);
            cv_bld_image(b, url ? url : "", alt.p ? alt.p : "", 0, 0, false);
            cv_buf_free(&alt);
            break;
        }
        case CMARK_NODE_FOOTNOTE_REFERENCE:
            lit = cmark_node_get_literal(n);
            if (lit) {
                b->style |= CV_S_SUP;
                add_text(b, lit, strlen(lit));
            }
            break;
        default: {
            const char *ty = cmark_node_get_type_string(n);
            if (ty && !strcmp(ty, "strikethrough"))
                b->style |= CV_S_STRIKE;
            walk_inlines(b, n, html);
            break;
        }
        }
        if (restore) {
            b->style = saved;
            b->link = saved_link;
        }
        b->node_line = sl;
        b->node_col = sc;
    }
}

/* A paragraph's inlines, with the inline HTML tags it opens closed at its end. */
static void paragraph_inlines(builder *b, cmark_node *n)
{
    cv_html_stack html;
    memset(&html, 0, sizeof html);
    uint16_t style = b->style;
    int32_t link = b->link;
    walk_inlines(b, n, &html);
    b->style = style;
    b->link = link;
    free(html.v);
}

static void walk_blocks(builder *b, cmark_node *parent, int depth);

static void block_pos(builder *b, cmark_node *n, int *line, int *col)
{
    *line = src_line(b, cmark_node_get_start_line(n));
    *col = cmark_node_get_start_column(n);
    b->node_line = *line;
    b->node_col = *col;
}

static void walk_table(builder *b, cmark_node *table)
{
    uint16_t ncols = cmark_gfm_extensions_get_table_columns(table);
    uint8_t *aligns = cmark_gfm_extensions_get_table_alignments(table);
    cv_bld_table(b, true);
    for (cmark_node *row = cmark_node_first_child(table); row; row = cmark_node_next(row)) {
        int line, col;
        block_pos(b, row, &line, &col);
        bool header = cmark_gfm_extensions_get_table_row_is_header(row);
        cv_bld_row(b, true, header);
        int ci = 0;
        for (cmark_node *cell = cmark_node_first_child(row); cell; cell = cmark_node_next(cell), ci++) {
            int a = CV_ALIGN_DEFAULT;
            if (aligns && ci < ncols)
                a = aligns[ci] == 'c' ? CV_ALIGN_CENTER : aligns[ci] == 'r' ? CV_ALIGN_RIGHT
                    : aligns[ci] == 'l' ? CV_ALIGN_LEFT : CV_ALIGN_DEFAULT;
            set_pos(b, cell);
            cv_bld_cell(b, true, header, a);
            uint16_t old = b->style;
            if (header)
                b->style |= CV_S_BOLD;
            paragraph_inlines(b, cell);
            b->style = old;
            cv_bld_cell(b, false, header, a);
        }
        cv_bld_row(b, false, header);
    }
    cv_bld_table(b, false);
}

/* An HTML block: a lone opening <div align=...> or <center> aligns the Markdown that
 * follows until its closing tag; anything else is rendered through html.c. */
static void html_block(builder *b, const char *lit)
{
    size_t n = strlen(lit);
    int c = cv_html_container(lit, n);
    if (c > 0) {
        if (b->containers < 16)
            b->container_align[b->containers] = b->align;
        b->containers++;
        if (c - 1 != CV_ALIGN_DEFAULT)
            b->align = c - 1;
        return;
    }
    if (c < 0) {
        if (b->containers > 0 && --b->containers < 16)
            b->align = b->container_align[b->containers];
        return;
    }
    if (cv_html_block(b, lit, n))
        b->ctx->oom = true;
}

static void walk_blocks(builder *b, cmark_node *parent, int depth)
{
    if (depth > MAX_NESTING) {
        cv_diag(b->ctx, CVPDF_WARNING, b->node_line, b->node_col,
                "blocks nested deeper than %d levels are not rendered", MAX_NESTING);
        return;
    }
    for (cmark_node *n = cmark_node_first_child(parent); n && !b->ctx->oom; n = cmark_node_next(n)) {
        int line, col;
        block_pos(b, n, &line, &col);
        switch (cmark_node_get_type(n)) {
        case CMARK_NODE_PARAGRAPH:
            paragraph_inlines(b, n);
            trim_end(b);
            check_swallowed_items(b, n);
            finish_block(b, CV_B_PARA, 0, line, col);
            break;
        case CMARK_NODE_HEADING: {
            int level = cmark_node_get_heading_level(n);
            paragraph_inlines(b, n);
            trim_end(b);
            if (b->last_heading && level > b->last_heading + 1)
                cv_diag(b->ctx, CVPDF_WARNING, line, col,
                        "heading level %d follows level %d: a level is skipped (the PDF's bookmarks nest by level)",
                        level, b->last_heading);
            b->last_heading = level;
            finish_block(b, CV_B_HEADING, level, line, col);
            break;
        }
        case CMARK_NODE_CODE_BLOCK: {
            const char *lit = cmark_node_get_literal(n);
            size_t l = lit ? strlen(lit) : 0;
            while (l && (lit[l - 1] == '\n' || lit[l - 1] == '\r'))
                l--;
            b->style = CV_S_CODE;
            /* expand tabs to 4-column stops so the code keeps its shape */
            int column = 0;
            for (size_t i = 0; i < l; i++) {
                if (lit[i] == '\t') {
                    int sp = 4 - column % 4;
                    add_text(b, "    ", (size_t)sp);
                    column += sp;
                } else if (lit[i] == '\r') {
                    continue;
                } else {
                    add_text(b, lit + i, 1);
                    column = lit[i] == '\n' ? 0 : column + 1;
                }
            }
            b->style = 0;
            finish_block(b, CV_B_CODE, 0, line, col);
            break;
        }
        case CMARK_NODE_HTML_BLOCK: {
            const char *lit = cmark_node_get_literal(n);
            if (lit)
                html_block(b, lit);
            break;
        }
        case CMARK_NODE_THEMATIC_BREAK:
            finish_block(b, CV_B_RULE, 0, line, col);
            break;
        case CMARK_NODE_BLOCK_QUOTE:
            b->quote_depth++;
            walk_blocks(b, n, depth + 1);
            b->quote_depth--;
            break;
        case CMARK_NODE_LIST: {
            bool ordered = cmark_node_get_list_type(n) == CMARK_ORDERED_LIST;
            int num = cmark_node_get_list_start(n);
            bool paren = cmark_node_get_list_delim(n) == CMARK_PAREN_DELIM;
            bool saved_tight = b->tight, saved_first = b->first_in_list;
            b->tight = cmark_node_get_list_tight(n);
            b->first_in_list = true;
            b->list_depth++;
            static const char *bullets[] = {"\xE2\x80\xA2", "\xE2\x80\x93", "\xE2\x97\xA6"};
            /* "1. 1. 1." is lazy numbering, meant to be counted: only written numbers that
             * differ among themselves and from the count are a surprise */
            bool renumbered = false;
            if (ordered) {
                int first = written_number(b, cmark_node_first_child(n));
                bool all_same = true;
                for (cmark_node *it = cmark_node_first_child(n); it; it = cmark_node_next(it))
                    all_same &= written_number(b, it) == first;
                renumbered = all_same;
            }
            for (cmark_node *item = cmark_node_first_child(n); item; item = cmark_node_next(item)) {
                if (ordered && !renumbered && item != cmark_node_first_child(n)) {
                    /* the number printed is the list's count, not the one written */
                    int w = written_number(b, item);
                    if (w >= 0 && w != num) {
                        cv_diag(b->ctx, CVPDF_WARNING, src_line(b, cmark_node_get_start_line(item)),
                                cmark_node_get_start_column(item),
                                "this item is written as %d%c but printed as %d%c: the list continues "
                                "(CommonMark numbers items from the first); renumber it, or separate the "
                                "lists with other text",
                                w, paren ? ')' : '.', num, paren ? ')' : '.');
                        renumbered = true;
                    }
                }
                if (ordered)
                    snprintf(b->marker, sizeof b->marker, "%d%c", num++, paren ? ')' : '.');
                else
                    snprintf(b->marker, sizeof b->marker, "%s", bullets[(b->list_depth - 1) % 3]);
                int il, ic;
                block_pos(b, item, &il, &ic);
                size_t before = b->model->blocks.n;
                walk_blocks(b, item, depth + 1);
                if (b->model->blocks.n == before) /* an empty item still shows its marker */
                    finish_block(b, CV_B_PARA, 0, il, ic);
            }
            b->list_depth--;
            b->tight = saved_tight;
            b->first_in_list = saved_first;
            break;
        }
        default: {
            const char *ty = cmark_node_get_type_string(n);
            if (ty && !strcmp(ty, "table")) {
                walk_table(b, n);
            } else if (cmark_node_first_child(n)) {
                walk_blocks(b, n, depth + 1);
            }
            break;
        }
        }
    }
}

static pthread_once_t ext_once = PTHREAD_ONCE_INIT;
static void register_extensions(void) { cmark_gfm_core_extensions_ensure_registered(); }

int cv_build(cv_ctx *ctx, const char *md, size_t len, const char *base_dir, cv_model *model)
{
    pthread_once(&ext_once, register_extensions);
    cmark_parser *p = cmark_parser_new(CMARK_OPT_UNSAFE);
    if (!p)
        return -1;
    static const char *exts[] = {"table", "autolink", "strikethrough"};
    for (size_t i = 0; i < 3; i++) {
        cmark_syntax_extension *e = cmark_find_syntax_extension(exts[i]);
        if (e)
            cmark_parser_attach_syntax_extension(p, e);
    }
    cmark_parser_feed(p, md, len);
    cmark_node *root = cmark_parser_finish(p);
    if (!root) {
        cmark_parser_free(p);
        return -1;
    }
    builder b;
    memset(&b, 0, sizeof b);
    b.ctx = ctx;
    b.model = model;
    b.base_dir = base_dir;
    b.link = -1;
    b.table = -1;
    walk_blocks(&b, root, 0);
    cv_bld_end_para(&b);
    /* a heading followed by a heading of its level or above (or nothing) heads an empty
     * section */
    for (size_t i = 0; i < model->blocks.n; i++) {
        const cv_block *h = &model->blocks.v[i];
        if (h->kind != CV_B_HEADING || h->level < 2)
            continue;
        const cv_block *nx = i + 1 < model->blocks.n ? &model->blocks.v[i + 1] : NULL;
        if (!nx || (nx->kind == CV_B_HEADING && nx->level <= h->level))
            cv_diag(ctx, CVPDF_WARNING, h->line, h->col, "section '%.60s' is empty", h->text);
    }
    cmark_node_free(root);
    cmark_parser_free(p);
    cv_buf_free(&b.text);
    free(b.spans.v);
    free(b.softbreaks.v);
    free(b.row_lens.v);
    if (b.text.oom)
        ctx->oom = true;
    return ctx->oom ? -1 : 0;
}

void cv_model_free(cv_model *m)
{
    for (size_t i = 0; i < m->blocks.n; i++) {
        free(m->blocks.v[i].text);
        free(m->blocks.v[i].spans.v);
    }
    free(m->blocks.v);
    for (size_t i = 0; i < m->links.n; i++)
        free(m->links.v[i]);
    free(m->links.v);
    for (size_t i = 0; i < m->images.n; i++) {
        free(m->images.v[i].src);
        free(m->images.v[i].alt);
        free(m->images.v[i].data);
    }
    free(m->images.v);
    for (size_t i = 0; i < m->tables.n; i++) {
        for (size_t k = 0; k < m->tables.v[i].cells.n; k++) {
            free(m->tables.v[i].cells.v[k].text);
            free(m->tables.v[i].cells.v[k].spans.v);
        }
        free(m->tables.v[i].cells.v);
    }
    free(m->tables.v);
    free(m->first_heading);
    memset(m, 0, sizeof *m);
}
