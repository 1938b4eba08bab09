/* build.c: the cmark-gfm tree to cvpdf's document model (the only cmark-gfm client).
 *
 * The box builder is just another cmark renderer: block nodes become cv_blocks (paragraphs,
 * headings, code, rules) that carry their list and quote nesting; inline nodes become styled
 * spans of the block's UTF-8 text. Nothing is dropped silently: tables and raw HTML render
 * their text (a later version lays them out), images their alt text with a warning.
 *
 * A soft line break becomes a space, except between two East Asian wide characters, where
 * Chinese and Japanese put no space (clreq); that is decided when the block is complete.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>

#include "internal.h"

typedef struct builder {
    cv_ctx *ctx;
    cv_model *model;
    cv_buf text;
    CV_VEC(cv_span) spans;
    CV_VEC(uint32_t) softbreaks; /* offsets of spaces that soft breaks produced */
    uint16_t style;
    int32_t link;
    int list_depth, quote_depth;
    char marker[24];      /* pending marker for the next block */
    bool tight, first_in_list;
    int node_line, node_col; /* position of the innermost node with one */
} builder;

static int src_line(builder *b, int cm_line) { return cm_line ? cm_line + b->ctx->body_line - 1 : 0; }

static void add_text(builder *b, const char *s, size_t n)
{
    if (!n)
        return;
    uint32_t start = (uint32_t)b->text.len;
    cv_buf_add(&b->text, s, n);
    cv_span *last = b->spans.n ? &b->spans.v[b->spans.n - 1] : NULL;
    if (last && last->end == start && last->style == b->style && last->link == b->link &&
        last->line == b->node_line && last->col == b->node_col) {
        last->end = (uint32_t)b->text.len;
        return;
    }
    cv_span sp = {start, (uint32_t)b->text.len, b->style, b->link, b->node_line, b->node_col};
    if (CV_PUSH(b->spans, sp))
        b->ctx->oom = true;
}

/* Wide on both sides of a soft break: drop the space. */
static bool is_wide(uint32_t cp) { return cp && (cv_char_eaw(cp) == 'W' || cv_char_is_cjk_ideo(cp)); }

static void finish_block(builder *b, int kind, int level, int line, int col)
{
    cv_block blk;
    memset(&blk, 0, sizeof blk);
    /* resolve soft breaks between wide characters, compacting the text */
    char *t = b->text.p ? b->text.p : "";
    size_t len = b->text.len;
    if (b->softbreaks.n) {
        uint8_t *drop = calloc(len + 1, 1);
        if (!drop) {
            b->ctx->oom = true;
            return;
        }
        size_t ndrop = 0;
        for (size_t k = 0; k < b->softbreaks.n; k++) {
            uint32_t o = b->softbreaks.v[k];
            size_t nx = o + 1;
            uint32_t before = cv_utf8_prev(t, o);
            uint32_t after = nx < len ? cv_utf8_next(t, len, &nx) : 0;
            if (is_wide(before) && is_wide(after)) {
                drop[o] = 1;
                ndrop++;
            }
        }
        if (ndrop) {
            size_t *newpos = malloc((len + 1) * sizeof *newpos);
            if (!newpos) {
                free(drop);
                b->ctx->oom = true;
                return;
            }
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
            len = w;
            b->text.len = w;
            free(newpos);
        }
        free(drop);
    }
    blk.kind = kind;
    blk.level = level;
    blk.text = cv_strndup(t, len);
    blk.len = (uint32_t)len;
    if (!blk.text) {
        b->ctx->oom = true;
        return;
    }
    /* spans may have become empty by compaction */
    for (size_t k = 0; k < b->spans.n; k++)
        if (b->spans.v[k].end > b->spans.v[k].start && CV_PUSH(blk.spans, b->spans.v[k]))
            b->ctx->oom = true;
    blk.list_depth = b->list_depth;
    blk.quote_depth = b->quote_depth;
    memcpy(blk.marker, b->marker, sizeof blk.marker);
    b->marker[0] = 0;
    blk.tight = b->tight && !b->first_in_list;
    b->first_in_list = false;
    blk.line = line;
    blk.col = col;
    if (kind == CV_B_HEADING && !b->model->first_heading)
        b->model->first_heading = cv_strndup(t, len);
    if (CV_PUSH(b->model->blocks, blk)) {
        free(blk.text);
        free(blk.spans.v);
        b->ctx->oom = true;
    }
    b->text.len = 0;
    if (b->text.p)
        b->text.p[0] = 0;
    b->spans.n = 0;
    b->softbreaks.n = 0;
}

static int32_t add_link(builder *b, const char *url)
{
    char *u = cv_strndup(url ? url : "", url ? strlen(url) : 0);
    if (!u || CV_PUSH(b->model->links, u)) {
        free(u);
        b->ctx->oom = true;
        return -1;
    }
    return (int32_t)b->model->links.n - 1;
}

/* Decodes the few entities raw HTML in résumés uses; the rest stay as written. */
static size_t decode_entity(const char *s, size_t n, char *out, int *outlen)
{
    static const struct { const char *name; uint32_t cp; } ents[] = {
        {"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''},
        {"nbsp", 0xA0}, {"mdash", 0x2014}, {"ndash", 0x2013}, {"middot", 0xB7},
        {"copy", 0xA9}, {"reg", 0xAE}, {"trade", 0x2122}, {"hellip", 0x2026},
        {"bull", 0x2022}, {"emsp", 0x2003}, {"ensp", 0x2002}, {"thinsp", 0x2009},
    };
    size_t e = 1;
    while (e < n && e < 32 && s[e] != ';')
        e++;
    if (e >= n || s[e] != ';')
        return 0;
    uint32_t cp = 0;
    if (s[1] == '#') {
        bool hex = e > 2 && (s[2] == 'x' || s[2] == 'X');
        char *end;
        char num[16];
        size_t k = hex ? 3 : 2;
        if (e - k == 0 || e - k >= sizeof num)
            return 0;
        memcpy(num, s + k, e - k);
        num[e - k] = 0;
        unsigned long v = strtoul(num, &end, hex ? 16 : 10);
        if (*end || v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
            v = 0xFFFD;
        cp = (uint32_t)v;
    } else {
        for (size_t k = 0; k < sizeof ents / sizeof ents[0]; k++)
            if (strlen(ents[k].name) == e - 1 && !memcmp(s + 1, ents[k].name, e - 1))
                cp = ents[k].cp;
        if (!cp)
            return 0;
    }
    *outlen = cv_utf8_put(cp, out);
    return e + 1;
}

static bool tag_is(const char *s, size_t n, const char *name)
{
    size_t k = strlen(name);
    size_t p = (n > 1 && s[1] == '/') ? 2 : 1;
    return n > p + k - 1 && !strncasecmp(s + p, name, k) &&
           (p + k >= n || s[p + k] == '>' || s[p + k] == ' ' || s[p + k] == '/' ||
            s[p + k] == '\t' || s[p + k] == '\n' || s[p + k] == '\r');
}

/* The value of attribute `name` in tag s[0..n), into out. */
static bool tag_attr(const char *s, size_t n, const char *name, char *out, size_t outsz)
{
    size_t k = strlen(name);
    for (size_t i = 1; i + k + 1 < n; i++) {
        if ((s[i - 1] == ' ' || s[i - 1] == '\t' || s[i - 1] == '\n') &&
            !strncasecmp(s + i, name, k) && s[i + k] == '=') {
            size_t v = i + k + 1;
            char q = (s[v] == '"' || s[v] == '\'') ? s[v++] : 0;
            size_t e = v;
            while (e < n && (q ? s[e] != q : (s[e] != ' ' && s[e] != '>')))
                e++;
            size_t l = e - v < outsz - 1 ? e - v : outsz - 1;
            memcpy(out, s + v, l);
            out[l] = 0;
            return true;
        }
    }
    return false;
}

/* Raw HTML: its text content, tags removed, comments dropped, <br> and block tags as line
 * breaks, <img alt> as its alt text. (A later version parses it with a real HTML parser.) */
static void add_html(builder *b, const char *s, size_t n, bool block)
{
    static const char *breakers[] = {"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4",
                                     "h5", "h6", "center", "ul", "ol", "table", "hr"};
    size_t i = 0;
    bool any = false;
    while (i < n) {
        if (s[i] == '<') {
            if (n - i >= 4 && !memcmp(s + i, "<!--", 4)) {
                const char *end = NULL;
                for (size_t k = i + 4; k + 3 <= n; k++)
                    if (!memcmp(s + k, "-->", 3)) {
                        end = s + k + 3;
                        break;
                    }
                i = end ? (size_t)(end - s) : n;
                continue;
            }
            size_t e = i + 1;
            char q = 0;
            while (e < n && (q || s[e] != '>')) {
                if (!q && (s[e] == '"' || s[e] == '\''))
                    q = s[e];
                else if (q && s[e] == q)
                    q = 0;
                e++;
            }
            if (e >= n) { /* not a tag: a lone '<' */
                add_text(b, s + i, 1);
                i++;
                continue;
            }
            size_t tl = e + 1 - i;
            char alt[512];
            if (tag_is(s + i, tl, "img") && tag_attr(s + i, tl, "alt", alt, sizeof alt) &&
                alt[0]) {
                add_text(b, alt, strlen(alt));
            } else {
                for (size_t k = 0; k < sizeof breakers / sizeof breakers[0]; k++)
                    if (tag_is(s + i, tl, breakers[k])) {
                        if (any && b->text.len && b->text.p[b->text.len - 1] != '\n')
                            add_text(b, "\n", 1);
                        break;
                    }
            }
            i = e + 1;
            continue;
        }
        if (s[i] == '&') {
            char o[4];
            int ol;
            size_t used = decode_entity(s + i, n - i, o, &ol);
            if (used) {
                add_text(b, o, (size_t)ol);
                i += used;
                any = true;
                continue;
            }
        }
        size_t j = i;
        while (j < n && s[j] != '<' && s[j] != '&')
            j++;
        /* in a block, collapse the layout's newlines and indentation to single spaces */
        if (block) {
            for (size_t k = i; k < j; k++) {
                char c = s[k];
                if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
                    if (b->text.len && b->text.p[b->text.len - 1] != ' ' &&
                        b->text.p[b->text.len - 1] != '\n')
                        add_text(b, " ", 1);
                } else {
                    add_text(b, &s[k], 1);
                    any = true;
                }
            }
        } else {
            add_text(b, s + i, j - i);
            any = true;
        }
        i = j;
    }
    /* an HTML block's text ends without trailing whitespace or breaks */
    while (block && b->text.len && (b->text.p[b->text.len - 1] == ' ' || b->text.p[b->text.len - 1] == '\n')) {
        b->text.len--;
        b->text.p[b->text.len] = 0;
        if (b->spans.n && b->spans.v[b->spans.n - 1].end > b->text.len)
            b->spans.v[b->spans.n - 1].end = (uint32_t)b->text.len;
        if (b->spans.n && b->spans.v[b->spans.n - 1].end <= b->spans.v[b->spans.n - 1].start)
            b->spans.n--;
    }
}

static void set_pos(builder *b, cmark_node *n)
{
    int l = cmark_node_get_start_line(n);
    if (l) {
        b->node_line = src_line(b, l);
        b->node_col = cmark_node_get_start_column(n);
    }
}

static void walk_inlines(builder *b, cmark_node *parent)
{
    for (cmark_node *n = cmark_node_first_child(parent); n; n = cmark_node_next(n)) {
        int sl = b->node_line, sc = b->node_col;
        uint16_t saved = b->style;
        int32_t saved_link = b->link;
        set_pos(b, n);
        const char *lit;
        switch (cmark_node_get_type(n)) {
        case CMARK_NODE_TEXT:
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
            if (lit)
                add_html(b, lit, strlen(lit), false);
            break;
        case CMARK_NODE_EMPH:
            b->style |= CV_S_ITALIC;
            walk_inlines(b, n);
            break;
        case CMARK_NODE_STRONG:
            b->style |= CV_S_BOLD;
            walk_inlines(b, n);
            break;
        case CMARK_NODE_LINK:
            b->style |= CV_S_LINK;
            b->link = add_link(b, cmark_node_get_url(n));
            walk_inlines(b, n);
            break;
        case CMARK_NODE_IMAGE: {
            const char *url = cmark_node_get_url(n);
            cv_diag(b->ctx, CVPDF_WARNING, b->node_line, b->node_col,
                    "image '%s' is not embedded by this version; its alt text is shown",
                    url ? url : "");
            b->style |= CV_S_ITALIC;
            add_text(b, "[", 1);
            walk_inlines(b, n);
            add_text(b, "]", 1);
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
            walk_inlines(b, n);
            break;
        }
        }
        b->style = saved;
        b->link = saved_link;
        b->node_line = sl;
        b->node_col = sc;
    }
}

static void walk_blocks(builder *b, cmark_node *parent);

static void block_pos(builder *b, cmark_node *n, int *line, int *col)
{
    *line = src_line(b, cmark_node_get_start_line(n));
    *col = cmark_node_get_start_column(n);
    b->node_line = *line;
    b->node_col = *col;
}

static void walk_table(builder *b, cmark_node *table)
{
    for (cmark_node *row = cmark_node_first_child(table); row; row = cmark_node_next(row)) {
        int line, col;
        block_pos(b, row, &line, &col);
        bool header = cmark_gfm_extensions_get_table_row_is_header(row);
        uint16_t saved = b->style;
        if (header)
            b->style |= CV_S_BOLD;
        bool first = true;
        for (cmark_node *cell = cmark_node_first_child(row); cell; cell = cmark_node_next(cell)) {
            if (!first)
                add_text(b, " | ", 3); /* until tables get a grid, a visible separator */
            first = false;
            set_pos(b, cell);
            walk_inlines(b, cell);
        }
        b->style = saved;
        finish_block(b, CV_B_PARA, 0, line, col);
        b->model->blocks.v[b->model->blocks.n - 1].in_table = true;
        b->model->blocks.v[b->model->blocks.n - 1].header_row = header;
        b->model->blocks.v[b->model->blocks.n - 1].tight = !header;
    }
}

static void walk_blocks(builder *b, cmark_node *parent)
{
    for (cmark_node *n = cmark_node_first_child(parent); n && !b->ctx->oom; n = cmark_node_next(n)) {
        int line, col;
        block_pos(b, n, &line, &col);
        switch (cmark_node_get_type(n)) {
        case CMARK_NODE_PARAGRAPH:
            walk_inlines(b, n);
            finish_block(b, CV_B_PARA, 0, line, col);
            break;
        case CMARK_NODE_HEADING:
            walk_inlines(b, n);
            finish_block(b, CV_B_HEADING, cmark_node_get_heading_level(n), line, col);
            break;
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
                add_html(b, lit, strlen(lit), true);
            if (b->text.len)
                finish_block(b, CV_B_PARA, 0, line, col);
            break;
        }
        case CMARK_NODE_THEMATIC_BREAK:
            finish_block(b, CV_B_RULE, 0, line, col);
            break;
        case CMARK_NODE_BLOCK_QUOTE:
            b->quote_depth++;
            walk_blocks(b, n);
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
            for (cmark_node *item = cmark_node_first_child(n); item; item = cmark_node_next(item)) {
                if (ordered)
                    snprintf(b->marker, sizeof b->marker, "%d%c", num++, paren ? ')' : '.');
                else
                    snprintf(b->marker, sizeof b->marker, "%s", bullets[(b->list_depth - 1) % 3]);
                int il, ic;
                block_pos(b, item, &il, &ic);
                size_t before = b->model->blocks.n;
                walk_blocks(b, item);
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
                walk_blocks(b, n);
            }
            break;
        }
        }
    }
}

static pthread_once_t ext_once = PTHREAD_ONCE_INIT;
static void register_extensions(void) { cmark_gfm_core_extensions_ensure_registered(); }

int cv_build(cv_ctx *ctx, const char *md, size_t len, cv_model *model)
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
    b.link = -1;
    walk_blocks(&b, root);
    cmark_node_free(root);
    cmark_parser_free(p);
    cv_buf_free(&b.text);
    free(b.spans.v);
    free(b.softbreaks.v);
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
    free(m->first_heading);
    memset(m, 0, sizeof *m);
}
