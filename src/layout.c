/* layout.c: blocks of styled text to a vertical list of lines.
 *
 * For each block:
 *  1. itemize: walk grapheme clusters (UAX #29) and give each a face: the role's face
 *     (regular, bold, italic, mono), then the language's CJK face, then any installed face
 *     that covers it (fontconfig). Fullwidth characters, and ambiguous-width punctuation
 *     (“ ” — … ·) beside CJK text in a CJK document, try the CJK face first so that they take
 *     its full-width forms. A cluster no face covers is reported and drawn as the .notdef box
 *     (never a silent blank); its text still reaches the ToUnicode map.
 *  2. shape each run of one face and size once with HarfBuzz; px[p], the pen position at
 *     each byte offset that starts a cluster, gives the width of any stretch of text.
 *  3. break lines first-fit at the opportunities breaks.c allows (UAX #14 plus clreq/jlreq);
 *     a stretch wider than the measure with no opportunity is cut at a grapheme boundary
 *     with a warning, so no line is ever wider than the measure. (Knuth–Plass replaces
 *     first-fit in a later version; the items this file emits stay the same.)
 *  4. emit CV_V_LINE items with glyph positions relative to the line's left edge, plus the
 *     spaces, rules and outline marks between blocks, with keep-with-next flags so headings
 *     stay with what follows and paragraphs leave no single first or last line behind.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* A shaped glyph of the block being laid out. */
typedef struct bglyph {
    uint32_t gid;
    uint16_t face;
    uint32_t cluster, cend; /* the cluster's bytes [cluster, cend) */
    cvu pen, dx, dy, adv, size;
    uint32_t color;
    int32_t link;
    bool strike, first;
    uint16_t ncl;
} bglyph;

struct cv_layout {
    cv_ctx *ctx;
    cv_fonts *fonts;
    const cv_style *st;
    char lang[32];
    bool cjk_doc;
    CV_VEC(bglyph) bg;
    cv_sglyphs sg;
    CV_VEC(uint32_t) warned; /* code points already reported as uncovered */
    int uncovered_more;
};

void cv_style_default(cv_style *st, const char *lang)
{
    memset(st, 0, sizeof *st);
    bool cjk = lang && (!strncmp(lang, "zh", 2) || !strncmp(lang, "ja", 2) || !strncmp(lang, "ko", 2));
    st->page_w = CVU_R(595276, 1000); /* A4: 210 × 297 mm */
    st->page_h = CVU_R(841890, 1000);
    st->margin_l = st->margin_r = CVU_R(5102, 100); /* 18 mm */
    st->margin_t = CVU_R(4535, 100);                /* 16 mm */
    st->margin_b = CVU_R(5102, 100);
    st->body_size = CVU_R(10, 1);
    st->leading_num = cjk ? 16 : 14; /* CJK text needs more air between lines (clreq: 1.5–2) */
    st->leading_den = 10;
    st->code_size = CVU_R(88, 10);
    static const int hs[6] = {220, 130, 110, 105, 100, 100};
    static const int hb[6] = {0, 140, 100, 80, 70, 70};
    static const int ha[6] = {40, 50, 30, 20, 20, 20};
    for (int i = 0; i < 6; i++) {
        st->h_size[i] = CVU_R(hs[i], 10);
        st->h_space_before[i] = CVU_R(hb[i], 10);
        st->h_space_after[i] = CVU_R(ha[i], 10);
    }
    st->para_space = CVU_R(5, 1);
    st->list_indent = CVU_R(14, 1);
    st->quote_indent = CVU_R(12, 1);
    st->marker_gap = CVU_R(5, 1);
    st->footer_size = CVU_R(8, 1);
    st->text_color = 0x1A1A1A;
    st->heading_color = 0x111111;
    st->rule_color = 0x8C8C8C;
    st->link_color = 0x1F4E79;
    st->muted_color = 0x666666;
}

cv_layout *cv_layout_new(cv_ctx *ctx, cv_fonts *fonts, const cv_style *st, const char *lang)
{
    cv_layout *l = calloc(1, sizeof *l);
    if (!l)
        return NULL;
    l->ctx = ctx;
    l->fonts = fonts;
    l->st = st;
    snprintf(l->lang, sizeof l->lang, "%s", lang ? lang : "en");
    l->cjk_doc = !strncmp(l->lang, "zh", 2) || !strncmp(l->lang, "ja", 2) || !strncmp(l->lang, "ko", 2);
    return l;
}

void cv_layout_free(cv_layout *l)
{
    if (!l)
        return;
    if (l->uncovered_more)
        cv_diag(l->ctx, CVPDF_WARNING, 0, 0,
                "%d more characters no installed font covers were drawn as boxes",
                l->uncovered_more);
    free(l->bg.v);
    free(l->sg.v);
    free(l->warned.v);
    free(l);
}

void cv_vlist_free(cv_vlist *vl)
{
    free(vl->items.v);
    free(vl->glyphs.v);
    free(vl->boxes.v);
    memset(vl, 0, sizeof *vl);
}

/* Where `needle` first occurs in the source at or after (line, col): an exact position for a
 * diagnostic about a character inside a span. */
static void locate(cv_ctx *ctx, int line, int col, const char *needle, size_t n, int *ol, int *oc)
{
    *ol = line;
    *oc = col;
    if (!ctx->src || line <= 0)
        return;
    size_t p = 0;
    int l = 1;
    while (p < ctx->src_len && l < line) {
        if (ctx->src[p] == '\n')
            l++;
        p++;
    }
    p += col > 0 ? (size_t)col - 1 : 0;
    size_t limit = p + 65536 < ctx->src_len ? p + 65536 : ctx->src_len;
    for (size_t q = p; q + n <= limit; q++) {
        if (!memcmp(ctx->src + q, needle, n)) {
            for (size_t k = p; k < q; k++) {
                if (ctx->src[k] == '\n') {
                    l++;
                    col = 1;
                } else {
                    col++;
                }
            }
            *ol = l;
            *oc = col > 0 ? col : 1;
            return;
        }
    }
}

static int style_role(uint16_t style, bool heading)
{
    bool bold = (style & CV_S_BOLD) || heading;
    if (style & CV_S_CODE)
        return bold ? CV_F_MONOBOLD : CV_F_MONO;
    if (style & CV_S_ITALIC)
        return bold ? CV_F_BOLDITALIC : CV_F_ITALIC;
    return bold ? CV_F_BOLD : CV_F_REGULAR;
}

static bool face_covers(cv_face *f, const char *t, size_t a, size_t b)
{
    for (size_t i = a; i < b;) {
        uint32_t cp = cv_utf8_next(t, b, &i);
        if (!cv_face_has(f, cp) && !cv_char_is_ignorable(cp) && cp != '\n')
            return false;
    }
    return true;
}

/* Whether the nearest character before a or after b that is neither a space nor itself of
 * ambiguous width is CJK: both dashes of "年——2023" then take the same face. */
static bool cjk_neighbour(const char *t, size_t len, size_t a, size_t b)
{
    size_t i = a;
    while (i > 0) {
        uint32_t cp = cv_utf8_prev(t, i);
        size_t w = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
        if (!cv_char_is_space(cp) && cv_char_eaw(cp) != 'A') {
            if (cv_char_is_cjk_ideo(cp) || cv_char_eaw(cp) == 'W')
                return true;
            break;
        }
        i = i >= w ? i - w : 0;
    }
    for (size_t j = b; j < len;) {
        uint32_t cp = cv_utf8_next(t, len, &j);
        if (!cv_char_is_space(cp) && cv_char_eaw(cp) != 'A')
            return cv_char_is_cjk_ideo(cp) || cv_char_eaw(cp) == 'W';
    }
    return false;
}

/* The face for the grapheme t[a, b) in a block with the given style. */
static int pick_face(cv_layout *l, const cv_block *blk, uint16_t style, const char *t, size_t a, size_t b,
                     int line, int col)
{
    bool heading = blk->kind == CV_B_HEADING;
    size_t q = a;
    uint32_t cp = cv_utf8_next(t, b, &q);
    int primary = cv_fonts_role(l->fonts, style_role(style, heading));
    if (cv_char_is_space(cp) && cp != 0x3000)
        return primary;
    bool bold = (style & CV_S_BOLD) || heading;
    int cjk_role = bold ? CV_F_CJKBOLD : CV_F_CJK;
    char eaw = cv_char_eaw(cp);
    bool cjk_first = eaw == 'W' || (l->cjk_doc && eaw == 'A' && cjk_neighbour(t, blk->len, a, b));
    int order[2] = {primary, -1};
    if (cjk_first || cv_char_is_cjk_ideo(cp)) {
        int c = cv_fonts_role(l->fonts, cjk_role);
        order[0] = c;
        order[1] = primary;
    } else {
        order[1] = -2; /* resolved below, lazily: the CJK face is opened only when needed */
    }
    for (int k = 0; k < 2; k++) {
        int id = order[k];
        if (id == -2)
            id = cv_fonts_role(l->fonts, cjk_role);
        cv_face *f = cv_fonts_face(l->fonts, id);
        if (f && face_covers(f, t, a, b))
            return id;
    }
    /* the fallback: any face that has the base character */
    int id = cv_fonts_fallback(l->fonts, cp, bold);
    if (id >= 0)
        return id;
    /* report each code point once, with its source position */
    bool seen = false;
    for (size_t k = 0; k < l->warned.n; k++)
        seen |= l->warned.v[k] == cp;
    if (!seen) {
        int ol, oc;
        locate(l->ctx, line, col, t + a, b - a, &ol, &oc);
        cv_diag(l->ctx, CVPDF_WARNING, ol, oc,
                "no installed font has U+%04X; it is drawn as a box (install a font that covers it)",
                (unsigned)cp);
        if (CV_PUSH(l->warned, cp))
            l->ctx->oom = true;
    } else {
        l->uncovered_more++;
    }
    return primary >= 0 ? primary : cv_fonts_role(l->fonts, CV_F_REGULAR);
}

static cvu block_size(const cv_style *st, const cv_block *b)
{
    if (b->kind == CV_B_HEADING)
        return st->h_size[(b->level >= 1 && b->level <= 6 ? b->level : 6) - 1];
    if (b->kind == CV_B_CODE)
        return st->code_size;
    return st->body_size;
}

/* Itemize and shape block text into l->bg; px[p] receives the pen position at each byte
 * offset where a cluster starts (-1 inside a cluster). Returns the final pen position. */
static cvu shape_block(cv_layout *l, const cv_block *blk, cvu *px, uint8_t *gb)
{
    const cv_style *st = l->st;
    const char *t = blk->text;
    size_t len = blk->len;
    l->bg.n = 0;
    for (size_t i = 0; i <= len; i++)
        px[i] = -1;
    cvu pen = 0;
    cvu base = block_size(st, blk);
    size_t si = 0; /* current span */
    size_t a = 0;
    while (a < len) {
        /* skip forced breaks: they have no glyph */
        if (t[a] == '\n') {
            px[a] = pen;
            a++;
            continue;
        }
        while (si + 1 < blk->spans.n && blk->spans.v[si].end <= a)
            si++;
        const cv_span *sp = blk->spans.n ? &blk->spans.v[si] : NULL;
        uint16_t style = sp && sp->start <= a ? sp->style : 0;
        int32_t link = sp && sp->start <= a ? sp->link : -1;
        size_t span_end = sp && sp->start <= a ? sp->end : len;
        if (span_end > len)
            span_end = len;
        int sline = sp ? sp->line : blk->line, scol = sp ? sp->col : blk->col;
        if (!sline)
            sline = blk->line, scol = blk->col;
        /* the run: graphemes of one face within one span, up to a forced break */
        size_t g = a + 1;
        while (g < len && !gb[g])
            g++;
        int face = pick_face(l, blk, style, t, a, g, sline, scol);
        size_t q = a;
        int script = cv_char_script(cv_utf8_next(t, len, &q));
        size_t b = g;
        while (b < span_end && t[b] != '\n') {
            size_t e = b + 1;
            while (e < len && !gb[e])
                e++;
            if (e > span_end)
                break;
            q = b;
            int sc = cv_char_script(cv_utf8_next(t, len, &q));
            if ((sc && script && sc != script) || pick_face(l, blk, style, t, b, e, sline, scol) != face)
                break;
            if (!script)
                script = sc;
            b = e;
        }
        cv_face *f = cv_fonts_face(l->fonts, face);
        cvu size = base;
        cvu dy = 0;
        if (style & CV_S_SUP) {
            size = base * 7 / 10;
            dy = base * 33 / 100;
        } else if (style & CV_S_SUB) {
            size = base * 7 / 10;
            dy = -base * 15 / 100;
        }
        uint32_t color = blk->kind == CV_B_HEADING ? st->heading_color
                         : (style & CV_S_LINK)     ? st->link_color
                                                   : st->text_color;
        if (!f) {
            /* no usable face at all (fonts missing): reported by font.c; skip the run */
            for (size_t k = a; k < b; k++)
                if (px[k] < 0 && gb[k])
                    px[k] = pen;
            a = b;
            continue;
        }
        l->sg.n = 0;
        if (cv_shape(f, size, t, len, a, b - a, l->lang, &l->sg)) {
            l->ctx->oom = true;
            return pen;
        }
        size_t first = l->bg.n;
        for (size_t k = 0; k < l->sg.n; k++) {
            cv_sglyph *s = &l->sg.v[k];
            bglyph bgl = {s->gid, (uint16_t)face, s->cluster, (uint32_t)b, pen, s->dx, s->dy + dy,
                          s->adv, size, color, link, (style & CV_S_STRIKE) != 0, false, 0};
            if (px[s->cluster] < 0)
                px[s->cluster] = pen;
            pen += s->adv;
            if (CV_PUSH(l->bg, bgl)) {
                l->ctx->oom = true;
                return pen;
            }
        }
        /* cluster extents and first-glyph flags (LTR: clusters ascend) */
        for (size_t k = first; k < l->bg.n; k++) {
            bglyph *x = &l->bg.v[k];
            size_t m = k + 1;
            while (m < l->bg.n && l->bg.v[m].cluster == x->cluster)
                m++;
            if (k == first || l->bg.v[k - 1].cluster != x->cluster) {
                x->first = true;
                x->ncl = (uint16_t)(m - k);
                x->cend = m < l->bg.n ? l->bg.v[m].cluster : (uint32_t)b;
            }
        }
        a = b;
    }
    px[len] = pen;
    return pen;
}

static bool is_trailing_space(char c) { return c == ' ' || c == '\n'; }

/* A line of block glyphs [a, b) of the text into the vertical list. */
static int emit_line(cv_layout *l, const cv_block *blk, const cvu *px, size_t a, size_t b,
                     cvu x0, cvu lh, bool first_line, cv_vlist *out, cvu *marker_w)
{
    const cv_style *st = l->st;
    (void)st;
    cvu maxsize = block_size(l->st, blk);
    cvu origin = px[a] >= 0 ? px[a] : 0;
    cv_vitem it;
    memset(&it, 0, sizeof it);
    it.kind = CV_V_LINE;
    it.x0 = x0;
    it.g0 = out->glyphs.n;
    it.b0 = out->boxes.n;
    it.quote_depth = blk->quote_depth;
    /* the list marker hangs left of the text */
    if (first_line && blk->marker[0]) {
        cv_vlist tmp;
        memset(&tmp, 0, sizeof tmp);
        cvu w = cv_layout_text(l, blk->marker, strlen(blk->marker), l->st->body_size,
                               l->st->text_color, &tmp);
        if (w >= 0) {
            for (size_t k = 0; k < tmp.glyphs.n; k++) {
                cv_lglyph g = tmp.glyphs.v[k];
                g.x += -l->st->marker_gap - w;
                if (CV_PUSH(out->glyphs, g))
                    l->ctx->oom = true;
            }
            *marker_w = w;
        }
        cv_vlist_free(&tmp);
    }
    for (size_t k = 0; k < l->bg.n; k++) {
        bglyph *g = &l->bg.v[k];
        if (g->cluster < a || g->cluster >= b)
            continue;
        if (g->size > maxsize)
            maxsize = g->size;
        cv_lglyph lg = {g->pen - origin + g->dx, g->dy, g->size, g->gid, g->face,
                        g->first ? g->ncl : 0, g->color,
                        g->first ? blk->text + g->cluster : NULL,
                        g->first ? g->cend - g->cluster : 0};
        if (CV_PUSH(out->glyphs, lg)) {
            l->ctx->oom = true;
            return -1;
        }
        /* link and strike boxes: extend the previous box when contiguous */
        if (g->link >= 0 || g->strike) {
            cvu gx0 = g->pen - origin, gx1 = gx0 + g->adv;
            cv_lbox *pb = out->boxes.n > it.b0 ? &out->boxes.v[out->boxes.n - 1] : NULL;
            int32_t key = g->link >= 0 ? g->link : -2;
            if (pb && pb->link == key && pb->x1 >= gx0 - 1)
                pb->x1 = gx1;
            else {
                cv_lbox bx = {gx0, gx1, g->size * 8 / 10, -g->size * 2 / 10, key};
                if (CV_PUSH(out->boxes, bx)) {
                    l->ctx->oom = true;
                    return -1;
                }
            }
        }
    }
    it.g1 = out->glyphs.n;
    it.b1 = out->boxes.n;
    (void)lh;
    it.height = maxsize * l->st->leading_num / l->st->leading_den;
    if (blk->kind == CV_B_HEADING || blk->kind == CV_B_CODE)
        it.height = maxsize * 13 / 10;
    /* half-leading above an em box whose baseline sits at 0.8 em */
    it.ascent = (it.height - maxsize) / 2 + maxsize * 8 / 10;
    if (CV_PUSH(out->items, it)) {
        l->ctx->oom = true;
        return -1;
    }
    return 0;
}

static int push_space(cv_layout *l, cv_vlist *out, cvu h, bool keep)
{
    cv_vitem it;
    memset(&it, 0, sizeof it);
    it.kind = CV_V_SPACE;
    it.height = h;
    it.keep_next = keep;
    if (CV_PUSH(out->items, it)) {
        l->ctx->oom = true;
        return -1;
    }
    return 0;
}

/* Break and emit one block's lines. */
static int layout_block(cv_layout *l, const cv_block *blk, cvu x0, cvu measure, cv_vlist *out)
{
    size_t len = blk->len;
    cvu *px = malloc((len + 1) * sizeof *px);
    uint8_t *brk = malloc(len + 1), *gb = malloc(len + 1);
    int rc = -1;
    if (!px || !brk || !gb) {
        l->ctx->oom = true;
        goto done;
    }
    if (cv_grapheme_breaks(blk->text, len, gb) || cv_line_breaks(blk->text, len, l->lang, brk))
        goto done;
    shape_block(l, blk, px, gb);
    if (l->ctx->oom)
        goto done;
    size_t first_item = out->items.n;
    size_t start = 0;
    size_t last_fit = 0;
    bool first_line = true;
    bool warned = false;
    cvu marker_w = 0;
    /* an empty block (an empty list item) is still one line, to carry its marker */
    if (len == 0) {
        rc = emit_line(l, blk, px, 0, 0, x0, 0, true, out, &marker_w);
        goto done;
    }
    size_t p = 1;
    while (start < len) {
        /* the next candidate: a break opportunity or the end */
        while (p < len && (brk[p] == CV_BRK_NONE || px[p] < 0))
            p++;
        size_t e = p;
        while (e > start && is_trailing_space(blk->text[e - 1]))
            e--;
        cvu w = (px[e] >= 0 ? px[e] : px[p]) - px[start];
        if (w <= measure) {
            last_fit = p;
            if (p >= len || brk[p] == CV_BRK_MUST) {
                if (emit_line(l, blk, px, start, e, x0, 0, first_line, out, &marker_w))
                    goto done;
                first_line = false;
                start = p;
                last_fit = start;
                p = start + 1;
                continue;
            }
            p++;
            continue;
        }
        if (last_fit > start) {
            size_t le = last_fit;
            while (le > start && is_trailing_space(blk->text[le - 1]))
                le--;
            if (emit_line(l, blk, px, start, le, x0, 0, first_line, out, &marker_w))
                goto done;
            first_line = false;
            start = last_fit;
            p = start + 1;
            continue;
        }
        /* nothing fits: cut at the last grapheme boundary that does (at least one cluster) */
        size_t q = start + 1, cut = 0;
        for (; q < e; q++)
            if (gb[q] && px[q] >= 0) {
                if (px[q] - px[start] > measure)
                    break;
                cut = q;
            }
        if (!cut) {
            cut = start + 1;
            while (cut < len && (!gb[cut] || px[cut] < 0))
                cut++;
        }
        if (!warned && blk->kind != CV_B_CODE) {
            int ol, oc;
            locate(l->ctx, blk->line, blk->col, blk->text + start, cut - start < 16 ? cut - start : 16, &ol, &oc);
            cv_diag(l->ctx, CVPDF_WARNING, ol, oc,
                    "a word is wider than the line and is broken inside it");
            warned = true;
        }
        if (emit_line(l, blk, px, start, cut, x0, 0, first_line, out, &marker_w))
            goto done;
        first_line = false;
        start = cut;
        p = start + 1;
    }
    /* widows and orphans: a paragraph of two or more lines keeps its first two lines and its
     * last two together */
    size_t nlines = out->items.n - first_item;
    if (nlines >= 2 && blk->kind != CV_B_CODE) {
        out->items.v[first_item].keep_next = true;
        out->items.v[out->items.n - 2].keep_next = true;
    }
    if (blk->kind == CV_B_HEADING)
        for (size_t k = first_item; k < out->items.n; k++)
            out->items.v[k].keep_next = true;
    rc = 0;
done:
    free(px);
    free(brk);
    free(gb);
    return rc;
}

static cvu space_before(const cv_style *st, const cv_block *b, const cv_block *prev)
{
    if (!prev)
        return 0;
    if (b->kind == CV_B_HEADING)
        return st->h_space_before[b->level - 1];
    if (prev->kind == CV_B_HEADING)
        return st->h_space_after[prev->level - 1];
    if (b->kind == CV_B_RULE || prev->kind == CV_B_RULE)
        return st->para_space;
    if (b->tight)
        return st->para_space / 4;
    return st->para_space;
}

int cv_layout_model(cv_layout *l, const cv_model *m, cv_vlist *out)
{
    const cv_style *st = l->st;
    cvu text_w = st->page_w - st->margin_l - st->margin_r;
    const cv_block *prev = NULL;
    for (size_t i = 0; i < m->blocks.n && !l->ctx->oom; i++) {
        const cv_block *b = &m->blocks.v[i];
        cvu sp = space_before(st, b, prev);
        if (prev && push_space(l, out, sp, prev->kind == CV_B_HEADING))
            return -1;
        cvu indent = b->list_depth * st->list_indent + b->quote_depth * st->quote_indent;
        if (b->kind == CV_B_CODE)
            indent += st->quote_indent;
        if (indent > text_w / 2)
            indent = text_w / 2; /* deep nesting still leaves half the measure */
        cvu x0 = st->margin_l + indent;
        if (b->kind == CV_B_RULE) {
            cv_vitem it;
            memset(&it, 0, sizeof it);
            it.kind = CV_V_RULE;
            it.height = CVU_R(1, 1);
            it.x0 = x0;
            it.x1 = st->page_w - st->margin_r;
            it.thickness = CVU_R(1, 2);
            it.color = st->rule_color;
            if (CV_PUSH(out->items, it))
                return -1;
            prev = b;
            continue;
        }
        if (b->kind == CV_B_HEADING) {
            cv_vitem mk;
            memset(&mk, 0, sizeof mk);
            mk.kind = CV_V_MARK;
            mk.level = b->level;
            mk.text = b->text;
            mk.tlen = b->len;
            mk.keep_next = true;
            if (CV_PUSH(out->items, mk))
                return -1;
        }
        if (layout_block(l, b, x0, text_w - indent, out))
            return -1;
        if (b->kind == CV_B_HEADING && b->level == 2) {
            /* section headings carry a hairline rule under them */
            cv_vitem it;
            memset(&it, 0, sizeof it);
            it.kind = CV_V_RULE;
            it.height = CVU_R(2, 1);
            it.x0 = x0;
            it.x1 = st->page_w - st->margin_r;
            it.thickness = CVU_R(1, 2);
            it.color = st->rule_color;
            it.keep_next = true;
            if (CV_PUSH(out->items, it))
                return -1;
        }
        prev = b;
    }
    return l->ctx->oom ? -1 : 0;
}

cvu cv_layout_text(cv_layout *l, const char *text, size_t len, cvu size, uint32_t color,
                   cv_vlist *out)
{
    int id = cv_fonts_role(l->fonts, CV_F_REGULAR);
    cv_face *f = cv_fonts_face(l->fonts, id);
    if (!f)
        return -1;
    cv_sglyphs sg;
    memset(&sg, 0, sizeof sg);
    if (cv_shape(f, size, text, len, 0, len, l->lang, &sg)) {
        free(sg.v);
        return -1;
    }
    cvu pen = 0;
    for (size_t k = 0; k < sg.n; k++) {
        bool first = k == 0 || sg.v[k - 1].cluster != sg.v[k].cluster;
        size_t m = k + 1;
        while (m < sg.n && sg.v[m].cluster == sg.v[k].cluster)
            m++;
        uint32_t cend = m < sg.n ? sg.v[m].cluster : (uint32_t)len;
        cv_lglyph g = {pen + sg.v[k].dx, sg.v[k].dy, size, sg.v[k].gid, (uint16_t)id,
                       first ? (uint16_t)(m - k) : 0, color, first ? text + sg.v[k].cluster : NULL,
                       first ? cend - sg.v[k].cluster : 0};
        pen += sg.v[k].adv;
        if (CV_PUSH(out->glyphs, g)) {
            free(sg.v);
            return -1;
        }
    }
    free(sg.v);
    return pen;
}
