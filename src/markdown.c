/* markdown.c: the Markdown front end, cmark-gfm's tree to the document model (the only
 * cmark-gfm client).
 *
 * The walk is just another cmark renderer: block nodes become blocks of the builder
 * (builder.c) carrying their list and quote nesting; inline nodes become styled text. Raw
 * HTML goes to html.c, which feeds the same builder. What CommonMark did that the writer
 * probably did not mean (emphasis that did not parse, list items swallowed by a paragraph,
 * renumbered lists, skipped heading levels) is reported through check.c as the walk meets it.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>

#include "builder.h"
#include "check.h"
#include "html.h"
#include "markdown.h"

/* Blocks (quotes, lists) nest at most this deep; deeper ones are reported, not rendered. */
#define MAX_NESTING 100

typedef struct walker {
    cv_ctx *ctx;
    cv_bld *b;
    cv_model *model;
    cv_heading_check headings;
} walker;

/* A cmark line (of the body) as a line of the file. */
static int src_line(const walker *w, int cm_line) { return cm_line ? cm_line + w->ctx->body_line - 1 : 0; }

static void set_pos(walker *w, cmark_node *n)
{
    int l = cmark_node_get_start_line(n);
    if (l)
        cv_bld_pos(w->b, src_line(w, l), cmark_node_get_start_column(n));
}

/* The number written on an ordered list item, -1 when none can be read. */
static int written_number(walker *w, cmark_node *item)
{
    size_t len;
    int l = src_line(w, cmark_node_get_start_line(item)), c = cmark_node_get_start_column(item);
    const char *s = l ? cv_source_line(w->ctx, l, &len) : NULL;
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

/* ---- inlines ------------------------------------------------------------------------------ */

/* The image's alt text: its inline content, as plain text. */
static void image_alt(cmark_node *n, cv_buf *alt)
{
    cmark_iter *it = cmark_iter_new(n);
    cmark_event_type ev;
    while (it && (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *c = cmark_iter_get_node(it);
        if (ev == CMARK_EVENT_ENTER && (cmark_node_get_type(c) == CMARK_NODE_TEXT ||
                                        cmark_node_get_type(c) == CMARK_NODE_CODE)) {
            const char *a = cmark_node_get_literal(c);
            if (a)
                cv_buf_puts(alt, a);
        }
    }
    cmark_iter_free(it);
}

/* Adds style bits to the current style. */
static void add_style(cv_bld *b, uint16_t bits) { cv_bld_style(b, (uint16_t)(cv_bld_save(b).style | bits)); }

/* A leaf inline (or an image, whose children are its alt text). Returns whether the style it
 * leaves should be restored after it: an inline HTML tag's style lasts until its closing tag. */
static bool inline_leaf(walker *w, cmark_node *n, cv_html_stack *html)
{
    cv_bld *b = w->b;
    const char *lit;
    switch (cmark_node_get_type(n)) {
    case CMARK_NODE_TEXT:
        lit = cmark_node_get_literal(n);
        if (lit && w->ctx->src)
            cv_check_emphasis(w->ctx, lit, src_line(w, cmark_node_get_start_line(n)), cmark_node_get_start_column(n));
        if (lit) {
            /* tabs and stray newlines inside text become spaces */
            for (const char *p = lit; *p;) {
                size_t k = strcspn(p, "\t\n\r");
                cv_bld_add(b, p, k);
                p += k;
                if (*p) {
                    cv_bld_add(b, " ", 1);
                    p++;
                }
            }
        }
        return true;
    case CMARK_NODE_SOFTBREAK:
        cv_bld_softbreak(b);
        return true;
    case CMARK_NODE_LINEBREAK:
        cv_bld_add(b, "\n", 1);
        return true;
    case CMARK_NODE_CODE:
        add_style(b, CV_S_CODE);
        lit = cmark_node_get_literal(n);
        if (lit)
            cv_bld_add(b, lit, strlen(lit));
        return true;
    case CMARK_NODE_HTML_INLINE:
        lit = cmark_node_get_literal(n);
        if (lit && cv_html_inline(b, lit, strlen(lit), html))
            w->ctx->oom = true;
        return false;
    case CMARK_NODE_IMAGE: {
        cv_buf alt = {0};
        image_alt(n, &alt);
        if (alt.oom)
            w->ctx->oom = true;
        const char *url = cmark_node_get_url(n);
        cv_bld_image(b, url ? url : "", alt.p ? alt.p : "", 0, 0, false);
        cv_buf_free(&alt);
        return true;
    }
    case CMARK_NODE_FOOTNOTE_REFERENCE:
        lit = cmark_node_get_literal(n);
        if (lit) {
            add_style(b, CV_S_SUP);
            cv_bld_add(b, lit, strlen(lit));
        }
        return true;
    default:
        return true;
    }
}

/* A container inline opens: the style it adds to its content. */
static void inline_open(walker *w, cmark_node *n)
{
    switch (cmark_node_get_type(n)) {
    case CMARK_NODE_EMPH:
        add_style(w->b, CV_S_ITALIC);
        break;
    case CMARK_NODE_STRONG:
        add_style(w->b, CV_S_BOLD);
        break;
    case CMARK_NODE_LINK: {
        add_style(w->b, CV_S_LINK);
        const char *url = cmark_node_get_url(n);
        cv_bld_link(w->b, url ? url : "");
        break;
    }
    default: {
        const char *ty = cmark_node_get_type_string(n);
        if (ty && !strcmp(ty, "strikethrough"))
            add_style(w->b, CV_S_STRIKE);
        break;
    }
    }
}

/* The inlines under parent, in document order. An iteration with an explicit stack, not a
 * recursion: emphasis nested 30,000 deep (which cmark parses in linear time) must not exhaust
 * the C stack. cmark's iterator gives containers an enter and an exit event and leaves (text,
 * code, breaks, inline HTML) an enter only. A container saves the position and style it
 * changes and restores them at its exit; a leaf restores them at once, except an inline HTML
 * tag, whose style lasts until its closing tag (or its container's end). An image and a
 * footnote reference are taken whole at their enter: an image's children are its alt text. */
static void walk_inlines(walker *w, cmark_node *parent, cv_html_stack *html)
{
    CV_VEC(cv_bld_state) stack;
    memset(&stack, 0, sizeof stack);
    cmark_iter *it = cmark_iter_new(parent);
    if (!it) {
        w->ctx->oom = true;
        return;
    }
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *n = cmark_iter_get_node(it);
        if (n == parent)
            continue;
        if (ev == CMARK_EVENT_EXIT) {
            if (stack.n)
                cv_bld_restore(w->b, stack.v[--stack.n]);
            continue;
        }
        cv_bld_state f = cv_bld_save(w->b);
        set_pos(w, n);
        cmark_node_type ty = cmark_node_get_type(n);
        bool leaf = ty == CMARK_NODE_TEXT || ty == CMARK_NODE_SOFTBREAK || ty == CMARK_NODE_LINEBREAK ||
                    ty == CMARK_NODE_CODE || ty == CMARK_NODE_HTML_INLINE;
        bool whole = ty == CMARK_NODE_IMAGE || ty == CMARK_NODE_FOOTNOTE_REFERENCE;
        if (!leaf && !whole) {
            inline_open(w, n);
            if (CV_PUSH(stack, f)) {
                w->ctx->oom = true;
                break;
            }
            continue;
        }
        if (!inline_leaf(w, n, html)) {
            cv_bld_state now = cv_bld_save(w->b); /* an inline HTML tag: its style stays */
            f.style = now.style;
            f.link = now.link;
        }
        if (whole)
            cmark_iter_reset(it, n, CMARK_EVENT_EXIT); /* past its children and its exit */
        cv_bld_restore(w->b, f);
    }
    cmark_iter_free(it);
    free(stack.v);
}

/* A paragraph's inlines, with the inline HTML tags it opens closed at its end. */
static void paragraph_inlines(walker *w, cmark_node *n)
{
    cv_html_stack html;
    memset(&html, 0, sizeof html);
    cv_bld_state s = cv_bld_save(w->b);
    walk_inlines(w, n, &html);
    cv_bld_style(w->b, s.style);
    cv_bld_set_link(w->b, s.link);
    cv_html_stack_free(&html);
}

/* ---- blocks ------------------------------------------------------------------------------- */

static void walk_blocks(walker *w, cmark_node *parent, int depth);

static void block_pos(walker *w, cmark_node *n, int *line, int *col)
{
    *line = src_line(w, cmark_node_get_start_line(n));
    *col = cmark_node_get_start_column(n);
    cv_bld_pos(w->b, *line, *col);
}

static void walk_table(walker *w, cmark_node *table)
{
    cv_bld *b = w->b;
    uint16_t ncols = cmark_gfm_extensions_get_table_columns(table);
    uint8_t *aligns = cmark_gfm_extensions_get_table_alignments(table);
    cv_bld_table(b, true);
    for (cmark_node *row = cmark_node_first_child(table); row; row = cmark_node_next(row)) {
        int line, col;
        block_pos(w, row, &line, &col);
        bool header = cmark_gfm_extensions_get_table_row_is_header(row);
        cv_bld_row(b, true, header);
        int ci = 0;
        for (cmark_node *cell = cmark_node_first_child(row); cell; cell = cmark_node_next(cell), ci++) {
            int a = CV_ALIGN_DEFAULT;
            if (aligns && ci < ncols)
                a = aligns[ci] == 'c' ? CV_ALIGN_CENTER : aligns[ci] == 'r' ? CV_ALIGN_RIGHT
                    : aligns[ci] == 'l' ? CV_ALIGN_LEFT : CV_ALIGN_DEFAULT;
            set_pos(w, cell);
            cv_bld_cell(b, true, header, a);
            uint16_t old = cv_bld_save(b).style;
            if (header)
                add_style(b, CV_S_BOLD);
            paragraph_inlines(w, cell);
            cv_bld_style(b, old);
            cv_bld_cell(b, false, header, a);
        }
        cv_bld_row(b, false, header);
    }
    cv_bld_table(b, false);
}

/* An HTML block: a lone opening <div align=...> or <center> aligns the Markdown that
 * follows until its closing tag; anything else is rendered through html.c. */
static void html_block(walker *w, const char *lit)
{
    size_t n = strlen(lit);
    int c = cv_html_container(lit, n);
    if (c)
        cv_bld_container(w->b, c > 0, c > 0 ? c - 1 : CV_ALIGN_DEFAULT);
    else if (cv_html_block(w->b, lit, n))
        w->ctx->oom = true;
}

/* A code block's text, its tabs expanded to 4-column stops so the code keeps its shape. */
static void code_block(walker *w, cmark_node *n, int line, int col)
{
    const char *lit = cmark_node_get_literal(n);
    size_t l = lit ? strlen(lit) : 0;
    while (l && (lit[l - 1] == '\n' || lit[l - 1] == '\r'))
        l--;
    cv_bld_style(w->b, CV_S_CODE);
    int column = 0;
    for (size_t i = 0; i < l; i++) {
        if (lit[i] == '\t') {
            int sp = 4 - column % 4;
            cv_bld_add(w->b, "    ", (size_t)sp);
            column += sp;
        } else if (lit[i] != '\r') {
            cv_bld_add(w->b, lit + i, 1);
            column = lit[i] == '\n' ? 0 : column + 1;
        }
    }
    cv_bld_style(w->b, 0);
    cv_bld_block(w->b, CV_B_CODE, 0, line, col);
}

static void walk_list(walker *w, cmark_node *n, int depth)
{
    cv_bld *b = w->b;
    bool ordered = cmark_node_get_list_type(n) == CMARK_ORDERED_LIST;
    int num = cmark_node_get_list_start(n);
    bool paren = cmark_node_get_list_delim(n) == CMARK_PAREN_DELIM;
    cv_bld_list_state saved = cv_bld_md_list(b, cmark_node_get_list_tight(n));
    static const char *bullets[] = {"\xE2\x80\xA2", "\xE2\x80\x93", "\xE2\x97\xA6"};
    /* "1. 1. 1." is lazy numbering, meant to be counted: only written numbers that differ
     * among themselves and from the count are a surprise */
    bool renumbered = false;
    if (ordered) {
        int first = written_number(w, cmark_node_first_child(n));
        bool all_same = true;
        for (cmark_node *it = cmark_node_first_child(n); it; it = cmark_node_next(it))
            all_same &= written_number(w, it) == first;
        renumbered = all_same;
    }
    for (cmark_node *item = cmark_node_first_child(n); item; item = cmark_node_next(item)) {
        if (ordered && !renumbered && item != cmark_node_first_child(n)) {
            /* the number printed is the list's count, not the one written */
            int wn = written_number(w, item);
            if (wn >= 0 && wn != num) {
                cv_check_renumbered(w->ctx, src_line(w, cmark_node_get_start_line(item)),
                                    cmark_node_get_start_column(item), wn, num, paren ? ')' : '.');
                renumbered = true;
            }
        }
        char marker[24];
        if (ordered)
            snprintf(marker, sizeof marker, "%d%c", num++, paren ? ')' : '.');
        else
            snprintf(marker, sizeof marker, "%s", bullets[(cv_bld_list_depth(b) - 1) % 3]);
        cv_bld_marker(b, marker);
        int il, ic;
        block_pos(w, item, &il, &ic);
        size_t before = w->model->blocks.n;
        walk_blocks(w, item, depth + 1);
        if (w->model->blocks.n == before) /* an empty item still shows its marker */
            cv_bld_block(b, CV_B_PARA, 0, il, ic);
    }
    cv_bld_md_list_end(b, saved);
}

static void walk_blocks(walker *w, cmark_node *parent, int depth)
{
    cv_bld *b = w->b;
    if (depth > MAX_NESTING) {
        cv_bld_warn(b, CVPDF_D_NESTED_TOO_DEEP, "blocks nested deeper than %d levels are not rendered", MAX_NESTING);
        return;
    }
    for (cmark_node *n = cmark_node_first_child(parent); n && !w->ctx->oom; n = cmark_node_next(n)) {
        int line, col;
        block_pos(w, n, &line, &col);
        switch (cmark_node_get_type(n)) {
        case CMARK_NODE_PARAGRAPH:
            paragraph_inlines(w, n);
            cv_bld_trim(b);
            if (w->ctx->src)
                cv_check_swallowed_items(w->ctx, line, src_line(w, cmark_node_get_end_line(n)));
            cv_bld_block(b, CV_B_PARA, 0, line, col);
            break;
        case CMARK_NODE_HEADING: {
            int level = cmark_node_get_heading_level(n);
            paragraph_inlines(w, n);
            cv_bld_trim(b);
            cv_check_heading(w->ctx, &w->headings, level, line, col);
            cv_bld_block(b, CV_B_HEADING, level, line, col);
            break;
        }
        case CMARK_NODE_CODE_BLOCK:
            code_block(w, n, line, col);
            break;
        case CMARK_NODE_HTML_BLOCK: {
            const char *lit = cmark_node_get_literal(n);
            if (lit)
                html_block(w, lit);
            break;
        }
        case CMARK_NODE_THEMATIC_BREAK:
            cv_bld_block(b, CV_B_RULE, 0, line, col);
            break;
        case CMARK_NODE_BLOCK_QUOTE:
            cv_bld_quote(b, +1);
            walk_blocks(w, n, depth + 1);
            cv_bld_quote(b, -1);
            break;
        case CMARK_NODE_LIST:
            walk_list(w, n, depth);
            break;
        default: {
            const char *ty = cmark_node_get_type_string(n);
            if (ty && !strcmp(ty, "table"))
                walk_table(w, n);
            else if (cmark_node_first_child(n))
                walk_blocks(w, n, depth + 1);
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
    cv_bld *b = root ? cv_bld_new(ctx, model, base_dir) : NULL;
    if (!b) {
        cmark_node_free(root);
        cmark_parser_free(p);
        return -1;
    }
    walker w = {ctx, b, model, {0}};
    walk_blocks(&w, root, 0);
    if (cv_bld_finish(b))
        ctx->oom = true;
    cv_check_sections(ctx, model);
    cmark_node_free(root);
    cmark_parser_free(p);
    return ctx->oom ? -1 : 0;
}
