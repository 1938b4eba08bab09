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
#include "mathsrc.h"
#include "shortcode.h"

/* Blocks (quotes, lists) nest at most this deep; deeper ones are reported, not rendered. */
#define MAX_NESTING 100

typedef struct walker {
    cv_ctx *ctx;
    cv_bld *b;
    cv_model *model;
    cv_heading_check headings;
    const char *md;         /* the body as written (the formulas' TeX is read from it) */
    const cv_mathspans *maths; /* the formulas mathsrc.c took out */
    size_t at, at_line, at_bol; /* a cursor in md: offset, its line (1-based), that line's start */
    int notes;              /* footnote definitions met (cmark puts them last, in mark order) */
    cmark_node *note;       /* the definition being walked */
    CV_VEC(uint8_t) marked; /* per note number, whether a mark was met */
} walker;

/* The file line and column of body offset off: the cursor moves forward (formulas come in
 * order), so all of them cost one pass over the body. */
static void body_pos(walker *w, size_t off, int *line, int *col)
{
    if (off < w->at) {
        w->at = w->at_bol = 0;
        w->at_line = 1;
    }
    for (; w->at < off; w->at++)
        if (w->md[w->at] == '\n') {
            w->at_line++;
            w->at_bol = w->at + 1;
        }
    *line = (int)w->at_line + w->ctx->body_line - 1;
    *col = (int)(off - w->at_bol) + 1;
}

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

/* Whether text node n is an autolink's text (a URL or an address, which stays as typed). */
static bool in_autolink(cmark_node *n)
{
    cmark_node *p = cmark_node_parent(n);
    if (!p || cmark_node_get_type(p) != CMARK_NODE_LINK || cmark_node_first_child(p) != n)
        return false;
    const char *url = cmark_node_get_url(p), *lit = cmark_node_get_literal(n);
    if (!url || !lit)
        return false;
    if (!strncmp(url, "mailto:", 7) && strcmp(lit, url))
        url += 7;
    return !strcmp(url, lit) || strstr(lit, "://") || !strncmp(lit, "www.", 4);
}

/* Text with GitHub's emoji shortcodes (:rocket:) as the emoji they name. */
static void add_shortcodes(cv_bld *b, const char *s, size_t n)
{
    size_t from = 0;
    for (const char *c = memchr(s, ':', n); c; c = memchr(c + 1, ':', n - (size_t)(c + 1 - s))) {
        const char *emoji;
        size_t k = cv_shortcode_at(s, n, (size_t)(c - s), &emoji);
        if (!k)
            continue;
        cv_bld_add(b, s + from, (size_t)(c - s) - from);
        cv_bld_add(b, emoji, strlen(emoji));
        from = (size_t)(c - s) + k;
        c += k - 1;
        if (c + 1 >= s + n)
            break;
    }
    cv_bld_add(b, s + from, n - from);
}

/* The formula whose placeholder (mathsrc.h) starts at s[i], with the length of the
 * placeholder and its padding; NULL when s[i] starts none. */
static const cv_mathspan *placeholder(const walker *w, const char *s, size_t n, size_t i, size_t *plen)
{
    if (!w->maths || i + 4 > n || (unsigned char)s[i] != 0xF3 || ((unsigned char)s[i + 1] & 0xF0) != 0xB0)
        return NULL;
    size_t q = i;
    uint32_t cp = cv_utf8_next(s, n, &q);
    if (cp < CV_MATH_PUA || cp - CV_MATH_PUA >= w->maths->n)
        return NULL;
    const cv_mathspan *m = &w->maths->v[cp - CV_MATH_PUA];
    size_t pad = m->len > 4 ? m->len - 4 : 0, k = 0;
    while (k < pad && q + k < n && s[q + k] == 'x')
        k++;
    *plen = 4 + k;
    return m;
}

/* Text with its formulas and shortcodes. */
static void add_text_objects(walker *w, const char *s, size_t n, bool codes)
{
    size_t from = 0;
    for (size_t i = 0; i < n; i++) {
        size_t pl;
        const cv_mathspan *m = placeholder(w, s, n, i, &pl);
        if (!m)
            continue;
        if (codes)
            add_shortcodes(w->b, s + from, i - from);
        else
            cv_bld_add(w->b, s + from, i - from);
        int ml, mc;
        body_pos(w, m->toff, &ml, &mc);
        cv_bld_math(w->b, w->md + m->toff, m->tlen, m->display, ml, mc);
        i += pl - 1;
        from = i + 1;
    }
    if (codes)
        add_shortcodes(w->b, s + from, n - from);
    else
        cv_bld_add(w->b, s + from, n - from);
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
        if (lit && strchr(lit, '{'))
            cv_check_template(w->ctx, lit, src_line(w, cmark_node_get_start_line(n)), cmark_node_get_start_column(n));
        if (lit) {
            /* white space collapses as HTML's does (GitHub and Jekyll show a run of spaces
             * typed for padding as one); a no-break space (&nbsp;) is not white space */
            bool codes = !in_autolink(n);
            for (const char *p = lit; *p;) {
                size_t k = strcspn(p, " \t\n\r");
                add_text_objects(w, p, k, codes);
                p += k;
                if (*p) {
                    p += strspn(p, " \t\n\r");
                    cv_bld_text(b, " ", 1);
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
    case CMARK_NODE_FOOTNOTE_REFERENCE: {
        /* cmark numbers the notes in the order of their first marks */
        lit = cmark_node_get_literal(n);
        long k = lit ? strtol(lit, NULL, 10) : 0;
        if (k <= 0 || k > 65535)
            return true;
        while (w->marked.n <= (size_t)k)
            if (CV_PUSH(w->marked, 0)) {
                w->ctx->oom = true;
                return true;
            }
        cv_bld_note_ref(b, (int)k, !w->marked.v[k]);
        w->marked.v[k] = 1;
        return true;
    }
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
    const char *info = cmark_node_get_fence_info(n);
    if (info && !strncmp(info, "math", 4) && (!info[4] || info[4] == ' ')) {
        /* ```math (and $$ lines): a display formula */
        cv_bld_display_math(w->b, lit ? lit : "", l, line + 1, col); /* (its TeX starts under the fence) */
        return;
    }
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
        const char *ty = cmark_node_get_type_string(item);
        if (ty && !strcmp(ty, "tasklist")) { /* - [ ] and - [x]: a ballot box, empty or checked */
            snprintf(marker, sizeof marker, "%s",
                     cmark_gfm_extensions_get_tasklist_item_checked(item) ? "\xE2\x98\x91" : "\xE2\x98\x90");
            num++; /* (an ordered list still counts it, as a browser does) */
        } else if (ordered)
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

/* ---- kramdown's definition lists --------------------------------------------------------- */

/* Whether the line that starts with inline node first is a definition: ": text" as written
 * (an escaped "\:" is text). */
static bool def_line(walker *w, cmark_node *first)
{
    if (!first || cmark_node_get_type(first) != CMARK_NODE_TEXT)
        return false;
    const char *lit = cmark_node_get_literal(first);
    if (!lit || lit[0] != ':' || (lit[1] != ' ' && lit[1] != '\t'))
        return false;
    size_t len;
    int l = src_line(w, cmark_node_get_start_line(first)), c = cmark_node_get_start_column(first);
    const char *src = l ? cv_source_line(w->ctx, l, &len) : NULL;
    return !src || (c >= 1 && (size_t)c <= len && src[c - 1] == ':');
}

/* The paragraph's lines: the first inline node of each, and how many there are (at most max). */
static size_t para_lines(cmark_node *para, cmark_node **first, size_t max)
{
    size_t n = 0;
    bool start = true;
    for (cmark_node *c = cmark_node_first_child(para); c; c = cmark_node_next(c)) {
        if (cmark_node_get_type(c) == CMARK_NODE_SOFTBREAK) {
            start = true;
            continue;
        }
        if (start && n < max)
            first[n++] = c;
        start = false;
    }
    return n;
}

/* Moves the inlines of para from `from` up to (not including) `to` into a new paragraph and
 * walks it as a block: a term in bold, or a definition, indented under its term, its ": "
 * taken off. */
static void def_part(walker *w, cmark_node *para, cmark_node *from, cmark_node *to, bool term, bool join)
{
    cmark_node *p = cmark_node_new(CMARK_NODE_PARAGRAPH);
    if (!p) {
        w->ctx->oom = true;
        return;
    }
    for (cmark_node *c = from; c && c != to;) {
        cmark_node *nx = cmark_node_next(c);
        if (cmark_node_get_type(c) == CMARK_NODE_SOFTBREAK && (!nx || nx == to))
            cmark_node_free(c); /* the break that ended the part */
        else
            cmark_node_append_child(p, c);
        c = nx;
    }
    if (!term) {
        cmark_node *t = cmark_node_first_child(p);
        const char *lit = t ? cmark_node_get_literal(t) : NULL;
        if (lit) {
            size_t k = 1;
            while (lit[k] == ' ' || lit[k] == '\t')
                k++;
            char *rest = cv_strndup(lit + k, strlen(lit + k));
            if (!rest || !cmark_node_set_literal(t, rest))
                w->ctx->oom = true;
            free(rest);
        }
    }
    int line = src_line(w, cmark_node_get_start_line(from)), col = cmark_node_get_start_column(from);
    cv_bld_pos(w->b, line, col);
    cv_bld_list_state ls;
    uint16_t old = cv_bld_style(w->b, term ? CV_S_BOLD : 0);
    if (!term)
        ls = cv_bld_md_list(w->b, true);
    if (join)
        cv_bld_join(w->b);
    paragraph_inlines(w, p);
    cv_bld_trim(w->b);
    cv_bld_block(w->b, CV_B_PARA, 0, line, col);
    if (!term)
        cv_bld_md_list_end(w->b, ls);
    cv_bld_style(w->b, old);
    cmark_node_insert_before(para, p); /* the tree owns it again */
}

/* A paragraph of a definition list: "Term" lines, then ": definition" lines (a line that
 * follows a definition without a colon continues it). after_term: the paragraph before was
 * a term, so this one may start with a definition; defs_next: the next paragraph starts
 * with one, so this one may be terms only. Returns whether it was one (then it is walked). */
static bool deflist(walker *w, cmark_node *para, bool after_term, bool defs_next)
{
    enum { MAX_LINES = 4096 }; /* a longer paragraph is not a definition list */
    cmark_node *first[MAX_LINES];
    size_t n = para_lines(para, first, MAX_LINES);
    if (!n || n == MAX_LINES)
        return false;
    bool any = false;
    for (size_t i = 1; i < n; i++)
        any |= def_line(w, first[i]);
    bool starts_def = def_line(w, first[0]);
    if (!(starts_def ? after_term : any || defs_next))
        return false;
    for (size_t i = 0; i < n;) {
        bool d = def_line(w, first[i]);
        size_t j = i + 1;
        while (d && j < n && !def_line(w, first[j]))
            j++; /* a definition's continuation lines */
        /* the list's first term keeps the space before it; the rest follow on */
        def_part(w, para, first[i], j < n ? first[j] : NULL, !d, i > 0 || d);
        i = j;
    }
    return true;
}

/* GitHub's alerts: a block quote at the top level whose first line is only [!NOTE], [!TIP],
 * [!IMPORTANT], [!WARNING] or [!CAUTION] (any case). Returns the kind and takes that line out
 * of the quote (its paragraph too when nothing else is in it). */
static int alert_of(cmark_node *quote)
{
    static const char *names[] = {NULL, "[!note]", "[!tip]", "[!important]", "[!warning]", "[!caution]"};
    cmark_node *para = cmark_node_first_child(quote);
    if (!para || cmark_node_get_type(para) != CMARK_NODE_PARAGRAPH)
        return CV_ALERT_NONE;
    char first[16];
    size_t n = 0;
    cmark_node *c = cmark_node_first_child(para);
    /* cmark leaves "[", "!NOTE" and "]" as separate text nodes */
    for (; c && cmark_node_get_type(c) == CMARK_NODE_TEXT; c = cmark_node_next(c)) {
        const char *lit = cmark_node_get_literal(c);
        size_t k = lit ? strlen(lit) : 0;
        if (n + k >= sizeof first)
            return CV_ALERT_NONE;
        for (size_t i = 0; i < k; i++)
            first[n++] = (char)(lit[i] >= 'A' && lit[i] <= 'Z' ? lit[i] + 32 : lit[i]);
    }
    while (n && first[n - 1] == ' ')
        n--;
    first[n] = 0;
    if (c && cmark_node_get_type(c) != CMARK_NODE_SOFTBREAK && cmark_node_get_type(c) != CMARK_NODE_LINEBREAK)
        return CV_ALERT_NONE;
    int kind = CV_ALERT_NONE;
    for (int k = 1; k <= CV_ALERT_CAUTION; k++)
        if (!strcmp(first, names[k]))
            kind = k;
    if (kind == CV_ALERT_NONE)
        return kind;
    cmark_node *stop = c ? cmark_node_next(c) : NULL;
    for (cmark_node *x = cmark_node_first_child(para); x && x != stop;) {
        cmark_node *nx = cmark_node_next(x);
        cmark_node_free(x); /* (unlinks it) */
        x = nx;
    }
    if (!cmark_node_first_child(para))
        cmark_node_free(para);
    return kind;
}

/* An alert: its title ("Note", in English as GitHub shows it), then its blocks. */
static void walk_alert(walker *w, cmark_node *quote, int kind, int line, int col, int depth)
{
    static const char *titles[] = {"", "Note", "Tip", "Important", "Warning", "Caution"};
    cv_bld *b = w->b;
    cv_bld_quote(b, +1);
    cv_bld_alert(b, kind);
    uint16_t old = cv_bld_style(b, CV_S_BOLD);
    cv_bld_add(b, titles[kind], strlen(titles[kind]));
    cv_bld_style(b, old);
    cv_bld_block(b, CV_B_PARA, 0, line, col);
    walk_blocks(w, quote, depth + 1);
    cv_bld_alert(b, CV_ALERT_NONE);
    cv_bld_quote(b, -1);
}

static void walk_blocks(walker *w, cmark_node *parent, int depth)
{
    cv_bld *b = w->b;
    if (depth > MAX_NESTING) {
        cv_bld_warn(b, CVPDF_D_NESTED_TOO_DEEP, "blocks nested deeper than %d levels are not rendered", MAX_NESTING);
        return;
    }
    bool after_term = false; /* the paragraph before was (or ended) a definition list */
    for (cmark_node *n = cmark_node_first_child(parent); n && !w->ctx->oom; n = cmark_node_next(n)) {
        int line, col;
        block_pos(w, n, &line, &col);
        bool was_term = after_term;
        after_term = false;
        switch (cmark_node_get_type(n)) {
        case CMARK_NODE_PARAGRAPH: {
            cmark_node *nx = cmark_node_next(n);
            bool defs_next = nx && cmark_node_get_type(nx) == CMARK_NODE_PARAGRAPH &&
                             def_line(w, cmark_node_first_child(nx));
            if (deflist(w, n, was_term, defs_next)) {
                after_term = true;
                break;
            }
            cmark_node *only = cmark_node_first_child(n);
            const char *ol = only && !cmark_node_next(only) && cmark_node_get_type(only) == CMARK_NODE_TEXT
                                 ? cmark_node_get_literal(only) : NULL;
            size_t pl;
            const cv_mathspan *dm = ol ? placeholder(w, ol, strlen(ol), 0, &pl) : NULL;
            if (dm && dm->display && pl == strlen(ol)) {
                /* a paragraph of only $$...$$: a display formula */
                int ml, mc;
                body_pos(w, dm->toff, &ml, &mc);
                cv_bld_display_math(b, w->md + dm->toff, dm->tlen, ml, mc);
                break;
            }
            paragraph_inlines(w, n);
            cv_bld_trim(b);
            if (w->note && cmark_node_parent(n) == w->note && !cmark_node_next(n))
                cv_bld_note_back(b, w->notes); /* a note's last paragraph leads back to its mark */
            if (w->ctx->src)
                cv_check_swallowed_items(w->ctx, line, src_line(w, cmark_node_get_end_line(n)), col);
            cv_bld_block(b, CV_B_PARA, 0, line, col);
            break;
        }
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
        case CMARK_NODE_BLOCK_QUOTE: {
            int alert = cmark_node_get_type(parent) == CMARK_NODE_DOCUMENT ? alert_of(n) : CV_ALERT_NONE;
            if (alert) {
                walk_alert(w, n, alert, line, col, depth);
                break;
            }
            cv_bld_quote(b, +1);
            walk_blocks(w, n, depth + 1);
            cv_bld_quote(b, -1);
            break;
        }
        case CMARK_NODE_LIST:
            walk_list(w, n, depth);
            break;
        case CMARK_NODE_FOOTNOTE_DEFINITION: {
            /* note k: numbered like an ordered list's item, at the foot of its mark's page */
            int k = ++w->notes;
            char marker[24];
            snprintf(marker, sizeof marker, "%d.", k);
            cv_bld_note(b, k);
            cv_bld_list_state ls = cv_bld_md_list(b, true);
            cv_bld_marker(b, marker);
            cmark_node *outer = w->note;
            w->note = n;
            size_t before = w->model->blocks.n;
            walk_blocks(w, n, depth + 1);
            if (w->model->blocks.n == before) /* an empty note still shows its number */
                cv_bld_block(b, CV_B_PARA, 0, line, col);
            w->note = outer;
            cv_bld_md_list_end(b, ls);
            cv_bld_note(b, 0);
            break;
        }
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
    cmark_parser *p = cmark_parser_new(CMARK_OPT_UNSAFE | CMARK_OPT_FOOTNOTES);
    if (!p)
        return -1;
    static const char *exts[] = {"table", "autolink", "strikethrough", "tasklist"};
    for (size_t i = 0; i < sizeof exts / sizeof *exts; i++) {
        cmark_syntax_extension *e = cmark_find_syntax_extension(exts[i]);
        if (e)
            cmark_parser_attach_syntax_extension(p, e);
    }
    /* the formulas out first: their TeX is not Markdown */
    cv_mathspans maths;
    memset(&maths, 0, sizeof maths);
    char *scanned = NULL;
    size_t slen = 0;
    if (cv_math_scan(md, len, &scanned, &slen, &maths)) {
        free(maths.v);
        cmark_parser_free(p);
        return -1;
    }
    cmark_parser_feed(p, scanned ? scanned : md, scanned ? slen : len);
    cmark_node *root = cmark_parser_finish(p);
    cv_bld *b = root ? cv_bld_new(ctx, model, base_dir) : NULL;
    if (!b) {
        cmark_node_free(root);
        cmark_parser_free(p);
        free(scanned);
        free(maths.v);
        return -1;
    }
    walker w = {ctx, b, model, {0}, md, maths.n ? &maths : NULL, 0, 1, 0, 0, NULL, {0}};
    walk_blocks(&w, root, 0);
    if (cv_bld_finish(b))
        ctx->oom = true;
    cv_check_sections(ctx, model);
    cmark_node_free(root);
    cmark_parser_free(p);
    free(scanned);
    free(maths.v);
    free(w.marked.v);
    return ctx->oom ? -1 : 0;
}
