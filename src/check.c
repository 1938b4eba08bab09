/* check.c: what a reader would find wrong in the source, reported at its line and column on
 * every render (and alone with --check): text that went through the wrong encoding, and what
 * CommonMark did that the writer probably did not mean: emphasis that did not parse, list
 * items swallowed by a paragraph, lists printed with other numbers than written, skipped
 * heading levels, empty sections. markdown.c calls these as its walk meets the nodes; none
 * of them needs cmark: they read the source through the line table. */
#include <stdio.h>
#include <string.h>

#include "breaks.h"

#include "check.h"
#include "fix.h"
#include "mojibake.h"

typedef struct moji {
    cv_ctx *ctx;
    int last_line;
} moji;

static void on_moji(void *user, size_t start, size_t end, const char *enc, const char *fixed, size_t fl)
{
    moji *m = user;
    int line, col;
    cv_lines_pos(&m->ctx->lines, start, &line, &col);
    if (line == m->last_line) /* one warning a line is enough */
        return;
    m->last_line = line;
    cv_diag(m->ctx, CVPDF_WARNING, CVPDF_D_MOJIBAKE, line, col,
            "'%.*s' looks like UTF-8 read as %s: it was probably '%.*s' (repair a copy with: cvpdf --fix-encoding FILE -o FIXED.md)",
            (int)(end - start), m->ctx->src + start, enc, (int)fl, fixed);
}

void cv_check_source(cv_ctx *ctx)
{
    moji m = {ctx, 0};
    cv_mojibake_scan(ctx->src, ctx->src_len, on_moji, &m);
}

/* ---- Markdown: what CommonMark did that the writer probably did not mean -------------- */

/* Liquid and Hugo tags in a text node: each reported once, at its column in the file. */
void cv_check_template(cv_ctx *ctx, const char *lit, int line, int col)
{
    /* a closing mark not found once is not found later either: each is searched for at most
     * once past every opening, so a line of 100,000 "{{" stays linear */
    bool none[4] = {false, false, false, false};
    static const char *closes[4] = {">}}", "%}}", "%}", "}}"};
    for (const char *p = lit ? strchr(lit, '{') : NULL; p; p = strchr(p + 1, '{')) {
        if (p[1] != '%' && p[1] != '{')
            continue;
        bool hugo = p[1] == '{' && (p[2] == '<' || p[2] == '%');
        int kind = hugo ? (p[2] == '<' ? 0 : 1) : p[1] == '%' ? 2 : 3;
        const char *close = none[kind] ? NULL : strstr(p + 2, closes[kind]);
        none[kind] = !close;
        if (!close && p[1] == '{' && !hugo)
            continue; /* "{{" alone is text ({{name}} is not always a template) */
        size_t n = close ? (size_t)(close - p) + (hugo ? 3 : 2) : strlen(p);
        /* its column in the file: the text node's start plus where it is in the line */
        int c = col;
        size_t len = 0;
        const char *src = line ? cv_source_line(ctx, line, &len) : NULL;
        /* (escapes and entities make the source longer than the text, never shorter) */
        size_t from = col >= 1 ? (size_t)(col - 1) + (size_t)(p - lit) : len;
        if (src && from < len) {
            const char *at = memchr(src + from, '{', len - from);
            while (at && (size_t)(at - src) + 1 < len && at[1] != p[1])
                at = memchr(at + 1, '{', len - (size_t)(at + 1 - src));
            if (at)
                c = (int)(at - src) + 1;
        }
        cv_diag(ctx, CVPDF_WARNING, CVPDF_D_TEMPLATE_TAG, line, c,
                "%s '%.*s' prints as written: %s would have processed it", hugo ? "Hugo shortcode" : "Liquid tag",
                (int)(n > 60 ? 60 : n), p, hugo ? "Hugo" : "Jekyll");
        p += n - 1;
    }
}

/* The repair of emphasis with spaces inside (** Team **), on a line where such emphasis was
 * reported: each ** or __ followed by spaces, with a closing pair of the same after it on the
 * line, loses the spaces after it and before its closer. Code spans are left alone. (A pair
 * with spaces inside never parses as emphasis, so only literal text changes.) */
static void fix_emphasis(cv_ctx *ctx, int line, const char *s, size_t len)
{
    if (!ctx->fixes)
        return;
    bool code = false;
    for (size_t i = 0; i + 2 < len; i++) {
        if (s[i] == '`')
            code = !code;
        char c = s[i];
        if (code || (c != '*' && c != '_') || s[i + 1] != c || (i && s[i - 1] == c) || (s[i + 2] != ' ' && s[i + 2] != '\t'))
            continue;
        size_t j = i + 2;
        while (j < len && (s[j] == ' ' || s[j] == '\t'))
            j++;
        /* the closing pair: the next two of c, not part of a longer run, before any code */
        size_t q = j;
        while (q + 1 < len && s[q] != '`' && !(s[q] == c && s[q + 1] == c))
            q++;
        if (q + 1 >= len || s[q] == '`' || (q + 2 < len && s[q + 2] == c) || j >= q)
            continue;
        size_t p = q;
        while (p > j && (s[p - 1] == ' ' || s[p - 1] == '\t'))
            p--;
        cv_fix_add(ctx, CVPDF_D_EMPHASIS_LITERAL, "spaces inside emphasis", line, (int)(i + 3), s + i + 2, j - i - 2, "");
        if (q > p)
            cv_fix_add(ctx, CVPDF_D_EMPHASIS_LITERAL, "spaces inside emphasis", line, (int)(p + 1), s + p, q - p, "");
        i = q + 1;
    }
}

/* A text node holding "**" or "__" that is not an escape: emphasis that did not parse, and
 * prints literally. The node's literal is walked beside its source (from the node's start),
 * where an escaped \* takes two bytes; any other difference (an entity) ends the walk, so
 * the check never guesses. */
void cv_check_emphasis(cv_ctx *ctx, const char *lit, int line, int col)
{
    if (!lit || (!strstr(lit, "**") && !strstr(lit, "__")) || !ctx->src)
        return;
    size_t len;
    const char *s = line ? cv_source_line(ctx, line, &len) : NULL;
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
            cv_diag(ctx, CVPDF_WARNING, CVPDF_D_EMPHASIS_LITERAL, line, (int)i + 1,
                    "'%c%c' prints literally: this emphasis did not parse (%s)", lit[k], lit[k],
                    cjk ? "CommonMark does not see ** next to CJK punctuation as emphasis; write <b>…</b> instead"
                        : "no space may follow an opening ** or precede a closing **");
            if (!cjk)
                fix_emphasis(ctx, line, s, len);
            return;
        }
        i++;
    }
}

/* A line inside a paragraph that starts like a list item: CommonMark made it paragraph text,
 * usually because it is indented further than a nested item may be. */
/* The repair of an item indented too far (line l, its marker at column i + 1, inside a
 * paragraph whose text starts at column pc + 1): the indent of the next item line that
 * nests under the paragraph's item (pc to pc + 3 spaces), else pc. */
static void fix_indent(cv_ctx *ctx, int l, const char *s, size_t i, int pc)
{
    if (!ctx->fixes || pc < 0 || memchr(s, '>', i))
        return;
    size_t want = (size_t)pc;
    for (int k = l + 1; k <= l + 50; k++) {
        size_t n;
        const char *t = cv_source_line(ctx, k, &n);
        if (!t)
            break;
        size_t d = 0;
        while (d < n && t[d] == ' ')
            d++;
        if (d < n && (t[d] == '*' || t[d] == '-' || t[d] == '+') && d + 1 < n && t[d + 1] == ' ' &&
            d >= (size_t)pc && d <= (size_t)pc + 3) {
            want = d;
            break;
        }
    }
    char sp[64];
    if (want >= sizeof sp || want == i)
        return;
    memset(sp, ' ', want);
    sp[want] = 0;
    cv_fix_add(ctx, CVPDF_D_ITEM_SWALLOWED, "an item indented too far", l, 1, s, i, sp);
}

void cv_check_swallowed_items(cv_ctx *ctx, int l0, int l1, int col)
{
    if (!ctx->src)
        return;
    for (int l = l0 + 1; l0 && l <= l1; l++) {
        size_t len;
        const char *s = cv_source_line(ctx, l, &len);
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
        cv_diag(ctx, CVPDF_WARNING, CVPDF_D_ITEM_SWALLOWED, l, (int)i + 1,
                "this line looks like a list item but is part of the paragraph above%s",
                i >= 4 ? " (indented too far to start a nested item: indent it like the items above, or less)"
                       : " (an ordered item other than 1. cannot interrupt a paragraph: leave a blank line before it)");
        if (i >= 4)
            fix_indent(ctx, l, s, i, col - 1);
        else if (!memchr(s, '>', i))
            cv_fix_add(ctx, CVPDF_D_ITEM_SWALLOWED, "an item that cannot interrupt a paragraph", l, 1, "", 0, "\n");
    }
}

void cv_check_renumbered(cv_ctx *ctx, int line, int col, int written, int printed, char delim)
{
    /* the repair, for a list that follows another after a blank line: an HTML comment
     * between them (CommonMark's way to end a list), at the item's indent */
    size_t n, pn;
    const char *s = ctx->fixes ? cv_source_line(ctx, line, &n) : NULL, *prev = s ? cv_source_line(ctx, line - 1, &pn) : NULL;
    bool blank = prev != NULL;
    for (size_t k = 0; prev && k < pn; k++)
        blank &= prev[k] == ' ' || prev[k] == '\t' || prev[k] == '\r';
    if (s && blank && col >= 1 && (size_t)col <= n && !memchr(s, '>', (size_t)col - 1) && col <= 40) {
        char ins[64];
        snprintf(ins, sizeof ins, "%.*s<!-- -->\n\n", col - 1, s);
        cv_fix_add(ctx, CVPDF_D_LIST_RENUMBERED, "a list that continued the one before", line, 1, "", 0, ins);
    }
    cv_diag(ctx, CVPDF_WARNING, CVPDF_D_LIST_RENUMBERED, line, col,
            "this item is written as %d%c but printed as %d%c: the list continues "
            "(CommonMark numbers items from the first); renumber it, or separate the "
            "lists with other text",
            written, delim, printed, delim);
}

void cv_check_heading(cv_ctx *ctx, cv_heading_check *state, int level, int line, int col)
{
    if (state->last && level > state->last + 1)
        cv_diag(ctx, CVPDF_WARNING, CVPDF_D_HEADING_SKIPPED, line, col,
                "heading level %d follows level %d: a level is skipped (the PDF's bookmarks nest by level)",
                level, state->last);
    state->last = level;
}

void cv_check_sections(cv_ctx *ctx, const cv_model *model)
{
    /* a heading followed by a heading of its level or above (or nothing) heads an empty
     * section */
    for (size_t i = 0; i < model->blocks.n; i++) {
        const cv_block *h = &model->blocks.v[i];
        if (h->kind != CV_B_HEADING || h->level < 2)
            continue;
        const cv_block *nx = i + 1 < model->blocks.n ? &model->blocks.v[i + 1] : NULL;
        if (!nx || (nx->kind == CV_B_HEADING && nx->level <= h->level))
            cv_diag(ctx, CVPDF_WARNING, CVPDF_D_SECTION_EMPTY, h->line, h->col, "section '%.60s' is empty", h->text);
    }
}
