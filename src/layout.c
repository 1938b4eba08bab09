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
    int32_t image;  /* an image box (U+FFFC): model image index, adv × ih */
    cvu ih;
} bglyph;

#define FACE_IMAGE 0xFFFF

struct cv_layout {
    cv_ctx *ctx;
    const cv_model *model;   /* the document being laid out (its images and tables) */
    cv_fonts *fonts;
    const cv_style *st;
    char lang[32];
    bool cjk_doc;
    CV_VEC(bglyph) bg;
    cv_sglyphs sg;
    cv_shaper *shaper;
    CV_VEC(uint32_t) warned; /* code points already reported as uncovered */
    int uncovered_more;
    CV_VEC(cv_item) items;   /* the block being broken */
    cv_sizes breaks;
    cv_hyph *hyph;           /* lent by the caller (NULL: no hyphenation) */
    int emoji_dropped;       /* clusters left out by "emoji: none" */
    bool in_table;           /* laying out table cells: ragged, no keep flags */
    CV_VEC(uint64_t) used;   /* "fonts-report": (code point << 16 | face) of each first use */
    const char *word_text;   /* the last word measured by push_join_penalty */
    uint32_t word_ws, word_we;
};

cv_layout *cv_layout_new(cv_ctx *ctx, cv_fonts *fonts, const cv_style *st, const char *lang, cv_hyph *hyph)
{
    cv_layout *l = calloc(1, sizeof *l);
    if (!l)
        return NULL;
    l->ctx = ctx;
    l->fonts = fonts;
    l->st = st;
    l->hyph = hyph;
    if (!(l->shaper = cv_shaper_new())) {
        free(l);
        return NULL;
    }
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
    cv_shaper_free(l->shaper);
    free(l->warned.v);
    free(l->items.v);
    free(l->breaks.v);
    free(l->used.v);
    free(l);
}

void cv_vlist_free(cv_vlist *vl)
{
    free(vl->items.v);
    free(vl->glyphs.v);
    free(vl->boxes.v);
    free(vl->rules.v);
    for (size_t i = 0; i < vl->strings.n; i++)
        free(vl->strings.v[i]);
    free(vl->strings.v);
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
    if (heading)
        return CV_F_HEADING;
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
        size_t w = cv_utf8_size(cp);
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

/* Whether a cluster asks for emoji presentation: U+FE0F, a keycap, a flag, or a first
 * character that is emoji by default, without U+FE0E. Digits, '#', '*', '©' and the like
 * are text by default and stay text unless asked (UTS #51). */
static bool wants_emoji(const char *t, size_t a, size_t b)
{
    bool first = true, dflt = false, fe0f = false, fe0e = false, keycap = false;
    for (size_t i = a; i < b;) {
        uint32_t cp = cv_utf8_next(t, b, &i);
        if (cp == 0xFE0F)
            fe0f = true;
        else if (cp == 0xFE0E)
            fe0e = true;
        else if (cp == 0x20E3)
            keycap = true;
        else if (first)
            dflt = cv_char_is_emoji_presentation(cp);
        first = false;
    }
    return !fe0e && (fe0f || keycap || dflt);
}

#define FACE_DROPPED (-4)

static int pick_face_(cv_layout *l, const cv_block *blk, uint16_t style, const char *t, size_t a, size_t b,
                      int line, int col);

/* The face for the grapheme t[a, b), remembered for --fonts. */
static int pick_face(cv_layout *l, const cv_block *blk, uint16_t style, const char *t, size_t a, size_t b,
                     int line, int col)
{
    int id = pick_face_(l, blk, style, t, a, b, line, col);
    if (l->ctx->opts && l->ctx->opts->fonts_report) {
        size_t q = a;
        uint32_t cp = cv_utf8_next(t, b, &q);
        uint64_t key = (uint64_t)cp << 16 | (uint16_t)id;
        bool seen = false;
        for (size_t k = 0; k < l->used.n && !seen; k++)
            seen = l->used.v[k] >> 16 == cp;
        if (!seen && CV_PUSH(l->used, key))
            l->ctx->oom = true;
    }
    return id;
}

void cv_layout_fonts_report(const cv_layout *l, cv_buf *out)
{
    /* face by face, in the order they were first used */
    CV_VEC(int) faces;
    memset(&faces, 0, sizeof faces);
    for (size_t k = 0; k < l->used.n; k++) {
        int id = (int16_t)(l->used.v[k] & 0xFFFF);
        bool have = false;
        for (size_t f = 0; f < faces.n; f++)
            have |= faces.v[f] == id;
        if (!have && CV_PUSH(faces, id))
            return;
    }
    for (size_t f = 0; f < faces.n; f++) {
        int id = faces.v[f];
        unsigned index = 0;
        cv_face *face = cv_fonts_face(l->fonts, id);
        const char *path = cv_fonts_path(l->fonts, id, &index);
        size_t count = 0;
        for (size_t k = 0; k < l->used.n; k++)
            count += (int16_t)(l->used.v[k] & 0xFFFF) == id;
        if (face)
            cv_buf_printf(out, "%s (%s, face %u): %zu characters\n", cv_face_get_info(face)->psname, path, index, count);
        else
            cv_buf_printf(out, "%s: %zu characters\n", id == FACE_DROPPED ? "(left out: emoji: none)" : "(no face)", count);
        cv_buf_puts(out, "  ");
        size_t col = 0;
        for (size_t k = 0; k < l->used.n; k++) {
            if ((int16_t)(l->used.v[k] & 0xFFFF) != id)
                continue;
            uint32_t cp = (uint32_t)(l->used.v[k] >> 16);
            char u[4];
            if (cp < 0x20 || cp == 0x7F) { /* NOLINT(bugprone-branch-clone): controls, then spaces: the same form */
                cv_buf_printf(out, "U+%04X ", cp);
            } else if (cv_char_is_space(cp) || cv_char_is_ignorable(cp)) {
                cv_buf_printf(out, "U+%04X ", cp);
            } else {
                cv_buf_add(out, u, (size_t)cv_utf8_put(cp, u));
            }
            if (++col % 60 == 0)
                cv_buf_puts(out, "\n  ");
        }
        cv_buf_puts(out, "\n");
    }
    free(faces.v);
}

/* The face for the grapheme t[a, b) in a block with the given style. */
static int pick_face_(cv_layout *l, const cv_block *blk, uint16_t style, const char *t, size_t a, size_t b,
                     int line, int col)
{
    bool heading = blk->kind == CV_B_HEADING;
    size_t q = a;
    uint32_t cp = cv_utf8_next(t, b, &q);
    int primary = cv_fonts_role(l->fonts, style_role(style, heading));
    if (cv_char_is_space(cp) && cp != 0x3000)
        return primary;
    bool bold = (style & CV_S_BOLD) || heading;
    if (cp >= 0x80 && l->st->emoji != CV_EMOJI_MONO && wants_emoji(t, a, b)) {
        if (l->st->emoji == CV_EMOJI_NONE) {
            if (!l->emoji_dropped++) {
                int ol, oc;
                locate(l->ctx, line, col, t + a, b - a, &ol, &oc);
                cv_diag(l->ctx, CVPDF_WARNING, ol, oc, "emoji are left out (style emoji: none)");
            }
            return FACE_DROPPED;
        }
        int e = cv_fonts_role(l->fonts, CV_F_EMOJI);
        cv_face *ef = cv_fonts_face(l->fonts, e);
        if (ef && face_covers(ef, t, a, b))
            return e;
    }
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

/* The size of an image: its HTML width/height, else its pixels at 96 dpi (CSS pixels), scaled
 * down to the measure and the style's greatest height; an image inside text is scaled to the
 * line's height. */
static void image_box(const cv_layout *l, const cv_image *im, bool standalone, cvu measure, cvu em,
                      cvu *w, cvu *h)
{
    cvu px = CVU_PT * 3 / 4; /* a CSS pixel */
    cvu iw = (cvu)im->px_w * px, ih = (cvu)im->px_h * px;
    if (im->want_w && im->want_h) {
        iw = (cvu)im->want_w * px;
        ih = (cvu)im->want_h * px;
    } else if (im->want_w) {
        iw = (cvu)im->want_w * px;
        ih = iw * im->px_h / (im->px_w ? im->px_w : 1);
    } else if (im->want_h) {
        ih = (cvu)im->want_h * px;
        iw = ih * im->px_w / (im->px_h ? im->px_h : 1);
    }
    cvu maxh = standalone ? l->st->image_max_h : em * 6 / 5;
    if (ih > maxh) {
        iw = iw * maxh / ih;
        ih = maxh;
    }
    if (iw > measure) {
        ih = ih * measure / iw;
        iw = measure;
    }
    *w = iw > 0 ? iw : 1;
    *h = ih > 0 ? ih : 1;
}

/* Whether the block holds only images (and spaces): then each is shown at its own size. */
static bool only_images(const cv_block *blk)
{
    bool any = false;
    for (size_t i = 0; i < blk->len;) {
        size_t s = i;
        uint32_t cp = cv_utf8_next(blk->text, blk->len, &i);
        if (cp == 0xFFFC) {
            bool img = false;
            for (size_t k = 0; k < blk->spans.n; k++)
                if (blk->spans.v[k].start <= s && s < blk->spans.v[k].end && blk->spans.v[k].image >= 0)
                    img = true;
            if (!img)
                return false;
            any = true;
        } else if (!cv_char_is_space(cp) && cp != '\n') {
            return false;
        }
    }
    return any;
}

/* Itemize and shape block text into l->bg; px[p] receives the pen position at each byte
 * offset where a cluster starts (-1 inside a cluster). Returns the final pen position. */
static cvu shape_block(cv_layout *l, const cv_block *blk, cvu *px, uint8_t *gb, cvu measure)
{
    bool standalone = only_images(blk);
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
        if (sp && sp->start <= a && sp->image >= 0 && l->model &&
            (size_t)sp->image < l->model->images.n && a + 3 <= len) {
            /* an image: one box, standing for its U+FFFC */
            cvu iw, ih;
            image_box(l, &l->model->images.v[sp->image], standalone, measure, base, &iw, &ih);
            bglyph bgl = {0, FACE_IMAGE, (uint32_t)a, (uint32_t)a + 3, pen, 0, 0, iw, base,
                          st->text_color, link, false, true, 1, sp->image, ih};
            px[a] = pen;
            pen += iw;
            if (CV_PUSH(l->bg, bgl)) {
                l->ctx->oom = true;
                return pen;
            }
            a += 3;
            continue;
        }
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
        uint32_t color = blk->kind == CV_B_HEADING ? (blk->level == 2 ? st->accent_color : st->heading_color)
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
        int stage = cv_stage(l->ctx, CV_T_SHAPE);
        int shaped = cv_shape(l->shaper, f, size, t, len, a, b - a, l->lang, &l->sg);
        cv_stage(l->ctx, stage);
        if (shaped) {
            l->ctx->oom = true;
            return pen;
        }
        size_t first = l->bg.n;
        for (size_t k = 0; k < l->sg.n; k++) {
            cv_sglyph *s = &l->sg.v[k];
            bglyph bgl = {s->gid, (uint16_t)face, s->cluster, (uint32_t)b, pen, s->dx, s->dy + dy,
                          s->adv, size, color, link, (style & CV_S_STRIKE) != 0, false, 0, -1, 0};
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

/* ---- from clusters to boxes, glue and penalties ------------------------------------------
 *
 * The item list of a block, built from its shaped clusters:
 *   a run of spaces            glue (width w; justified: stretch w/2, shrink w/3), a break
 *                              where UAX #14 allows one after it;
 *   a break between two CJK    justified: glue (0, stretch 0.05 em); ragged: penalty 0;
 *   characters
 *   Han beside a Latin letter  glue ¼ em, shrinkable to ⅛ em, stretchable to ⅜ em (clreq);
 *   or digit, with no space
 *   a full-width punctuation   the box holds its ink; the blank half beside it is a glue
 *   mark                       that vanishes at a line start (opening marks) or a line end
 *                              (closing marks), and that is dropped when two marks meet
 *                              ("）。" takes 1½ em). The blanks are measured from the glyph,
 *                              so Traditional Chinese faces, whose marks are centred, get
 *                              quarter-em blanks on both sides;
 *   a hyphenation point        penalty 50 carrying the hyphen's width, flagged;
 *   a forced break             fil glue, penalty −∞ (also ends the paragraph);
 *   a stretch wider than the   penalties at its grapheme boundaries, with a warning: the
 *   measure with no break      only way a line could otherwise be overfull.
 */

enum { P_NONE, P_OPEN, P_CLOSE };

static bool is_cjk_punct(uint32_t cp)
{
    return (cp >= 0x3001 && cp <= 0x3003) || (cp >= 0x3008 && cp <= 0x3011) ||
           (cp >= 0x3014 && cp <= 0x301F) || (cp >= 0x2018 && cp <= 0x201F) || cp == 0xFF01 ||
           cp == 0xFF08 || cp == 0xFF09 || cp == 0xFF0C || cp == 0xFF0E || cp == 0xFF1A ||
           cp == 0xFF1B || cp == 0xFF1F || cp == 0xFF3B || cp == 0xFF3D || cp == 0xFF5B ||
           cp == 0xFF5D;
}

static bool is_latin_alnum(uint32_t cp)
{
    return (cp < 0x80 && ((cp | 32) - 'a' < 26 || cp - '0' < 10)) ||
           (cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7);
}

typedef struct clus {
    uint32_t cs, ce;  /* bytes */
    size_t g0, g1;    /* glyphs in l->bg */
    cvu w, size;
    uint32_t first, last; /* code points */
    uint16_t face;
    int punct;        /* P_OPEN / P_CLOSE when a full-width mark with a blank half */
    cvu blank;        /* its trimmable blank */
} clus;

static void punct_class(cv_layout *l, clus *c)
{
    c->punct = P_NONE;
    c->blank = 0;
    if (c->g1 != c->g0 + 1 || c->first != c->last || !is_cjk_punct(c->first))
        return;
    const bglyph *g = &l->bg.v[c->g0];
    cv_face *f = cv_fonts_face(l->fonts, g->face);
    int x0, x1;
    if (!f || c->w < c->size * 3 / 4 || !cv_face_ink(f, g->gid, &x0, &x1))
        return;
    int upem = cv_face_get_info(f)->upem;
    cvu left = (cvu)x0 * c->size / upem, right = c->w - (cvu)x1 * c->size / upem;
    cvu em = c->size;
    if (right >= em / 5 && right >= left) {
        c->punct = P_CLOSE;
        c->blank = left < em * 3 / 20 ? right : right < em / 4 ? right : em / 4;
    } else if (left >= em / 5 && left > right) {
        c->punct = P_OPEN;
        c->blank = right < em * 3 / 20 ? left : left < em / 4 ? left : em / 4;
    }
    if (c->blank > em / 2)
        c->blank = em / 2;
    if (c->blank < 0)
        c->blank = 0;
}

static int push_item(cv_layout *l, cv_item it)
{
    if (CV_PUSH(l->items, it)) {
        l->ctx->oom = true;
        return -1;
    }
    return 0;
}

static int push_glue(cv_layout *l, int role, cvu w, cvu st, cvu sh, uint32_t a, uint32_t b, bool breakable)
{
    if (!breakable && l->items.n && l->items.v[l->items.n - 1].kind == CV_I_BOX) {
        cv_item p = {.kind = CV_I_PENALTY, .penalty = CV_PEN_INF};
        if (push_item(l, p))
            return -1;
    }
    cv_item g = {.kind = CV_I_GLUE, .role = (uint8_t)role, .width = w, .stretch = st, .shrink = sh, .a = a, .b = b};
    return push_item(l, g);
}

static int push_penalty(cv_layout *l, int pen, uint32_t at)
{
    cv_item p = {.kind = CV_I_PENALTY, .penalty = pen, .a = at, .b = at};
    return push_item(l, p);
}

/* The hyphen glyph of a face at a size (shaped, so it is the face's own hyphen). */
static int hyphen_glyph(cv_layout *l, uint16_t face, cvu size, uint32_t *gid, cvu *w)
{
    cv_face *f = cv_fonts_face(l->fonts, face);
    if (!f)
        return -1;
    uint32_t g = cv_face_glyph(f, '-');
    if (!g)
        return -1;
    *gid = g;
    *w = (cvu)cv_face_advance(f, g) * size / cv_face_get_info(f)->upem;
    return 0;
}

/* Hyphenation points of the block: hy[p] = 1 where a word may take a hyphen before byte p.
 * Only whole words of letters (no digits, no inner punctuation, at most one capital, not in
 * code or a link), never the paragraph's last word. */
static void find_hyphens(cv_layout *l, const cv_block *blk, const uint8_t *brk, uint8_t *hy)
{
    size_t len = blk->len;
    const char *t = blk->text;
    memset(hy, 0, len + 1);
    if (!l->hyph)
        return;
    uint8_t pts[256];
    size_t last_word_start = 0;
    bool have_last = false;
    /* find the start of the last word, which is never hyphenated */
    for (size_t i = len; i > 0;) {
        uint32_t cp = cv_utf8_prev(t, i);
        size_t w = cv_utf8_size(cp);
        if (cv_char_is_letter(cp)) {
            size_t j = i - w;
            while (j > 0 && cv_char_is_letter(cv_utf8_prev(t, j))) {
                uint32_t c2 = cv_utf8_prev(t, j);
                j -= cv_utf8_size(c2);
            }
            last_word_start = j;
            have_last = true;
            break;
        }
        i = i >= w ? i - w : 0;
    }
    size_t seg = 0;
    size_t si = 0;
    for (size_t p = 1; p <= len; p++) {
        if (p < len && brk[p] == CV_BRK_NONE)
            continue;
        /* the segment [seg, p): its core word after leading and before trailing non-letters */
        size_t a = seg, b = p;
        seg = p;
        while (a < b) {
            size_t q = a;
            uint32_t cp = cv_utf8_next(t, b, &q);
            if (cv_char_is_letter(cp))
                break;
            a = q;
        }
        while (b > a && !cv_char_is_letter(cv_utf8_prev(t, b))) {
            uint32_t cp = cv_utf8_prev(t, b);
            b -= cv_utf8_size(cp);
        }
        if (b - a < 5 || b - a > 200 || (have_last && a >= last_word_start))
            continue;
        bool ok = true;
        int caps = 0;
        for (size_t q = a; q < b && ok;) {
            uint32_t cp = cv_utf8_next(t, b, &q);
            if (!cv_char_is_letter(cp) || cv_char_eaw(cp) == 'W' || cv_char_is_cjk_ideo(cp))
                ok = false;
            if (cp >= 'A' && cp <= 'Z')
                caps++;
        }
        /* the span style: no hyphens in code, links (URLs, e-mail) or acronyms */
        while (si + 1 < blk->spans.n && blk->spans.v[si].end <= a)
            si++;
        if (si < blk->spans.n && (blk->spans.v[si].style & (CV_S_CODE | CV_S_LINK)))
            ok = false;
        if (!ok || caps > 1)
            continue;
        int stage = cv_stage(l->ctx, CV_T_BREAK);
        int hyphenated = cv_hyph_word(l->hyph, t + a, b - a, pts);
        cv_stage(l->ctx, stage);
        if (hyphenated)
            continue;
        for (size_t k = 1; k < b - a; k++)
            if (pts[k])
                hy[a + k] = 1;
    }
}

/* The word around byte `at`: the run of non-space, non-CJK characters containing it. */
static void word_extent(const char *t, size_t len, size_t at, uint32_t *ws, uint32_t *we)
{
    size_t a = at, b = at;
    while (a > 0) {
        uint32_t cp = cv_utf8_prev(t, a);
        if (cv_char_is_space(cp) || cp == '\n' || cv_char_eaw(cp) == 'W' || cv_char_is_cjk_ideo(cp))
            break;
        a -= cv_utf8_size(cp);
    }
    while (b < len) {
        size_t q = b;
        uint32_t cp = cv_utf8_next(t, len, &q);
        if (cv_char_is_space(cp) || cp == '\n' || cv_char_eaw(cp) == 'W' || cv_char_is_cjk_ideo(cp))
            break;
        b = q;
    }
    *ws = (uint32_t)a;
    *we = (uint32_t)b;
}

/* A penalty inside a Latin word: a break there keeps the word whole for extraction. The
 * word's extent is reused while `at` stays inside it: an over-wide word has a break point at
 * every grapheme, and measuring it again for each would be quadratic. */
static int push_join_penalty(cv_layout *l, int pen, const char *t, size_t len, uint32_t at)
{
    cv_item p = {.kind = CV_I_PENALTY, .penalty = pen, .join = true, .a = at};
    if (!(l->word_we > l->word_ws && at > l->word_ws && at < l->word_we && l->word_text == t))
        word_extent(t, len, at, &l->word_ws, &l->word_we);
    l->word_text = t;
    p.ws = l->word_ws;
    p.b = l->word_we;
    return push_item(l, p);
}

/* Builds l->items for the block. Returns 0, or -1 on OOM. */
static int build_items(cv_layout *l, const cv_block *blk, const cvu *px, const uint8_t *gb,
                       const uint8_t *brk, const uint8_t *hy, const uint8_t *emerg, bool justify)
{
    const char *t = blk->text;
    size_t len = blk->len;
    l->items.n = 0;
    long open_box = -1;
    clus prev;
    memset(&prev, 0, sizeof prev);
    bool have_prev = false;
    cvu pending = 0;      /* a closing mark's trailing blank, not yet placed */
    uint32_t pending_at = 0;
    size_t gi = 0;
    uint32_t last_end = 0;
    while (gi < l->bg.n) {
        const bglyph *g = &l->bg.v[gi];
        clus c = {g->cluster, g->cend, gi, gi, 0, g->size, 0, 0, g->face, P_NONE, 0};
        while (gi < l->bg.n && l->bg.v[gi].cluster == c.cs) {
            c.w += l->bg.v[gi].adv;
            gi++;
        }
        c.g1 = gi;
        if (c.ce <= c.cs)
            c.ce = gi < l->bg.n ? l->bg.v[gi].cluster : (uint32_t)len;
        size_t q = c.cs;
        c.first = cv_utf8_next(t, len, &q);
        c.last = cv_utf8_prev(t, c.ce);
        /* forced breaks in the bytes no glyph covers */
        for (uint32_t k = last_end; k < c.cs; k++)
            if (t[k] == '\n') {
                pending = 0;
                cv_item fill = {.kind = CV_I_GLUE, .role = CV_G_FILL, .fil = true, .a = k, .b = k};
                if (push_item(l, fill) || push_penalty(l, -CV_PEN_INF, k))
                    return -1;
                have_prev = false;
                open_box = -1;
            }
        last_end = c.ce;
        if (cv_char_is_space(c.first) && c.first != 0xA0 && c.first != 0x3000 && c.first != 0x202F) {
            /* a run of spaces is one glue; a closing mark's blank before it is kept */
            if (pending) {
                cv_item k = {.kind = CV_I_KERN, .width = pending, .a = pending_at, .b = pending_at};
                if (push_item(l, k))
                    return -1;
                pending = 0;
            }
            cv_item *lg = l->items.n ? &l->items.v[l->items.n - 1] : NULL;
            if (lg && lg->kind == CV_I_GLUE && lg->role == CV_G_SPACE && lg->b == c.cs) {
                lg->width += c.w;
                lg->b = c.ce;
                if (justify) {
                    lg->stretch = lg->width / 2;
                    lg->shrink = lg->width / 3;
                }
            } else {
                bool breakable = brk[c.ce] != CV_BRK_NONE || c.ce >= len;
                if (push_glue(l, CV_G_SPACE, c.w, justify ? c.w / 2 : 0, justify ? c.w / 3 : 0,
                              c.cs, c.ce, breakable))
                    return -1;
            }
            /* a space that may not be broken after must still not become a breakpoint */
            if (brk[c.ce] == CV_BRK_NONE && c.ce < len) {
                cv_item *gl = &l->items.v[l->items.n - 1];
                if (l->items.n >= 2 && l->items.v[l->items.n - 2].kind == CV_I_BOX) {
                    cv_item moved = *gl;
                    *gl = (cv_item){.kind = CV_I_PENALTY, .penalty = CV_PEN_INF, .a = c.cs, .b = c.cs};
                    if (push_item(l, moved))
                        return -1;
                }
            }
            have_prev = false;
            open_box = -1;
            continue;
        }
        punct_class(l, &c);
        bool brk_here = have_prev && brk[c.cs] == CV_BRK_ALLOW;
        bool emitted = false;
        cvu em = c.size > prev.size || !have_prev ? c.size : prev.size;
        bool drop_left = false;
        if (have_prev && pending) {
            if (c.punct != P_NONE) {
                /* two marks meet: the first loses its blank half */
                if (brk_here && push_penalty(l, 0, c.cs))
                    return -1;
            } else if (push_glue(l, CV_G_PUNCT, pending, justify ? em / 20 : 0, pending / 2,
                                 pending_at, pending_at, brk_here)) {
                return -1;
            }
            pending = 0;
            emitted = true;
        } else if (have_prev) {
            bool hl = (cv_char_is_cjk_ideo(prev.last) && is_latin_alnum(c.first)) ||
                      (is_latin_alnum(prev.last) && cv_char_is_cjk_ideo(c.first));
            bool cjk = cv_char_eaw(prev.last) == 'W' || cv_char_eaw(c.first) == 'W' ||
                       cv_char_is_cjk_ideo(prev.last) || cv_char_is_cjk_ideo(c.first);
            if (hl && blk->kind != CV_B_CODE) {
                cvu hem = cv_char_is_cjk_ideo(c.first) ? c.size : prev.size;
                if (push_glue(l, CV_G_HANLATIN, hem / 4, justify ? hem / 8 : 0, hem / 8, c.cs, c.cs, brk_here))
                    return -1;
                emitted = true;
            } else if (brk_here && cjk) {
                if (justify) {
                    if (push_glue(l, CV_G_CJK, 0, em / 20, 0, c.cs, c.cs, true))
                        return -1;
                    l->items.v[l->items.n - 1].size = em;
                } else if (push_penalty(l, 0, c.cs)) {
                    return -1;
                }
                emitted = true;
            } else if (brk_here) {
                /* a break inside Latin text without a space: after a hyphen, a slash */
                if (push_join_penalty(l, prev.last == '-' || prev.last == 0x2010 ? 50 : 100, t, len, c.cs))
                    return -1;
                emitted = true;
            } else if (hy[c.cs] && l->items.n && l->items.v[l->items.n - 1].kind == CV_I_BOX) {
                uint32_t hg;
                cvu hw;
                if (!hyphen_glyph(l, prev.face, prev.size, &hg, &hw)) {
                    cv_item p = {.kind = CV_I_PENALTY, .penalty = 50, .flagged = true, .join = true,
                                 .width = hw, .a = c.cs, .face = prev.face, .gid = hg, .size = prev.size};
                    word_extent(t, len, c.cs, &p.ws, &p.b);
                    if (push_item(l, p))
                        return -1;
                    emitted = true;
                }
            } else if (emerg && emerg[c.cs] && gb[c.cs]) {
                if (blk->kind == CV_B_CODE ? push_penalty(l, 1000, c.cs) : push_join_penalty(l, 1000, t, len, c.cs))
                    return -1;
                l->items.v[l->items.n - 1].role = 1; /* an emergency cut */
                emitted = true;
            }
            if (prev.punct == P_OPEN && c.punct == P_OPEN)
                drop_left = true; /* "（「": the second loses its blank half */
        }
        (void)emitted;
        if (l->items.n == 0 || l->items.v[l->items.n - 1].kind != CV_I_BOX)
            open_box = -1;
        if (c.punct == P_OPEN && c.blank) {
            if (!drop_left && push_glue(l, CV_G_PUNCT, c.blank, justify ? em / 20 : 0, c.blank / 2, c.cs, c.cs,
                                        false))
                return -1;
            cv_item bx = {.kind = CV_I_BOX, .width = c.w - c.blank, .a = c.cs, .b = c.ce,
                          .pen0 = px[c.cs], .shift = -c.blank};
            if (push_item(l, bx))
                return -1;
            open_box = -1;
        } else if (c.punct == P_CLOSE && c.blank) {
            if (open_box >= 0) {
                l->items.v[open_box].width += c.w - c.blank;
                l->items.v[open_box].b = c.ce;
            } else {
                cv_item bx = {.kind = CV_I_BOX, .width = c.w - c.blank, .a = c.cs, .b = c.ce, .pen0 = px[c.cs]};
                if (push_item(l, bx))
                    return -1;
            }
            pending = c.blank;
            pending_at = c.ce;
            open_box = -1;
        } else if (open_box >= 0) {
            l->items.v[open_box].width += c.w;
            l->items.v[open_box].b = c.ce;
        } else {
            cv_item bx = {.kind = CV_I_BOX, .width = c.w, .a = c.cs, .b = c.ce, .pen0 = px[c.cs]};
            if (push_item(l, bx))
                return -1;
            open_box = (long)l->items.n - 1;
        }
        prev = c;
        have_prev = true;
    }
    for (uint32_t k = last_end; k < len; k++)
        if (t[k] == '\n') {
            cv_item fill = {.kind = CV_I_GLUE, .role = CV_G_FILL, .fil = true, .a = k, .b = k};
            if (push_item(l, fill) || push_penalty(l, -CV_PEN_INF, k))
                return -1;
        }
    /* the paragraph ends: \parfillskip and a forced break */
    cv_item fill = {.kind = CV_I_GLUE, .role = CV_G_FILL, .fil = true, .a = (uint32_t)len, .b = (uint32_t)len};
    if (push_item(l, fill) || push_penalty(l, -CV_PEN_INF, (uint32_t)len))
        return -1;
    return 0;
}

/* Index of the first glyph of l->bg whose cluster is at or after byte a. */
static size_t glyph_at(const cv_layout *l, uint32_t a)
{
    size_t lo = 0, hi = l->bg.n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (l->bg.v[mid].cluster < a)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static int push_lglyph(cv_layout *l, cv_vlist *out, const cv_block *blk, const bglyph *g, cvu x,
                       int mode)
{
    cv_lglyph lg = {.x = x, .dy = g->dy, .size = g->size, .gid = g->gid, .face = g->face,
                    .ncl = g->first ? g->ncl : 0, .color = g->color,
                    .text = g->first ? blk->text + g->cluster : NULL,
                    .tlen = g->first ? g->cend - g->cluster : 0, .mode = (uint8_t)mode,
                    .image = g->image, .iw = g->image >= 0 ? g->adv : 0, .ih = g->ih};
    if (g->image >= 0) {
        /* the image, and its alt text as invisible text over it for text extraction */
        lg.text = NULL;
        lg.tlen = 0;
        lg.ncl = 0;
        if (CV_PUSH(out->glyphs, lg)) {
            l->ctx->oom = true;
            return -1;
        }
        const char *alt = l->model->images.v[g->image].alt;
        if (alt && *alt) {
            size_t from = out->glyphs.n;
            if (cv_layout_text(l, alt, strlen(alt), g->size, g->color, out) < 0)
                return 0;
            for (size_t k = from; k < out->glyphs.n; k++) {
                out->glyphs.v[k].x = x;
                out->glyphs.v[k].mode = CV_GM_INVISIBLE;
            }
            /* squeezed invisible text loses letters and spaces in poppler (its duplicate-glyph
             * filter); the span carries the exact alt text for extractors that read it */
            if (out->glyphs.n > from) {
                out->glyphs.v[from].aspan = (uint16_t)(out->glyphs.n - from);
                out->glyphs.v[from].atext = alt;
                out->glyphs.v[from].alen = (uint32_t)strlen(alt);
            }
        }
        return 0;
    }
    if (CV_PUSH(out->glyphs, lg)) {
        l->ctx->oom = true;
        return -1;
    }
    return 0;
}

/* Sets the line of items [from, to) (to: the break item) into out. */
static int set_line(cv_layout *l, const cv_block *blk, size_t from, size_t to, cvu x0, cvu measure,
                    bool justify, bool first_line, uint32_t *carry_we, cv_vlist *out)
{
    const cv_item *it = l->items.v;
    const cv_item *brk_item = &it[to];
    bool hyph = brk_item->kind == CV_I_PENALTY && brk_item->flagged;
    bool join = brk_item->kind == CV_I_PENALTY && brk_item->join && brk_item->b > brk_item->a;
    cvu L = hyph ? brk_item->width : 0, Y = 0, Z = 0;
    bool fil = false;
    for (size_t k = from; k < to; k++) {
        if (it[k].kind == CV_I_BOX || it[k].kind == CV_I_KERN)
            L += it[k].width;
        else if (it[k].kind == CV_I_GLUE) {
            L += it[k].width;
            Y += it[k].stretch;
            Z += it[k].shrink;
            fil |= it[k].fil;
        }
    }
    /* the glue set: stretch only when justifying a line that does not end a paragraph, and
     * not beyond twice the stretch: a line that would gape (rigid words around it) is better
     * left ragged */
    cvu delta = measure - L;
    if (delta > 0 && (!justify || fil || Y <= 0 || delta > 2 * Y))
        delta = 0;
    if (delta < 0 && Z <= 0)
        delta = 0;
    if (delta < -Z)
        delta = -Z;
    cv_vitem line;
    memset(&line, 0, sizeof line);
    line.kind = CV_V_LINE;
    line.x0 = x0;
    line.g0 = out->glyphs.n;
    line.b0 = out->boxes.n;
    line.quote_depth = blk->quote_depth;
    line.hyphen = hyph;
    line.ratio = delta > 0 ? (int32_t)(delta * 1000 / Y) : delta < 0 ? (int32_t)(delta * 1000 / Z) : 0;
    cvu maxsize = block_size(l->st, blk);
    /* the list marker hangs left of the text */
    if (first_line && blk->marker[0]) {
        cv_vlist tmp;
        memset(&tmp, 0, sizeof tmp);
        /* the first-level bullet is the style's */
        const char *mk0 = !strcmp(blk->marker, "\xE2\x80\xA2") && l->st->bullet[0] ? l->st->bullet : blk->marker;
        /* glyphs keep a pointer to their text until the PDF is written: give it a home */
        char *mk = cv_strndup(mk0, strlen(mk0));
        if (!mk || CV_PUSH(out->strings, mk)) {
            free(mk);
            l->ctx->oom = true;
            return -1;
        }
        cvu w = cv_layout_text(l, mk, strlen(mk), l->st->body_size, l->st->text_color, &tmp);
        for (size_t k = 0; w >= 0 && k < tmp.glyphs.n; k++) {
            cv_lglyph g = tmp.glyphs.v[k];
            g.x += -l->st->marker_gap - w;
            if (CV_PUSH(out->glyphs, g))
                l->ctx->oom = true;
        }
        cv_vlist_free(&tmp);
    }
    size_t text_g0 = out->glyphs.n;
    uint32_t src_a = UINT32_MAX, src_b = 0;
    cvu x = 0, img_h = 0;
    for (size_t k = from; k < to; k++) {
        const cv_item *c = &it[k];
        if (c->kind == CV_I_BOX) {
            if (c->a < src_a)
                src_a = c->a;
            if (c->b > src_b)
                src_b = c->b;
            for (size_t gi = glyph_at(l, c->a); gi < l->bg.n && l->bg.v[gi].cluster < c->b; gi++) {
                const bglyph *g = &l->bg.v[gi];
                if (g->size > maxsize)
                    maxsize = g->size;
                if (g->image >= 0 && g->ih > img_h)
                    img_h = g->ih;
                /* the tail of a word hyphenated on the line before is drawn, not text */
                int mode = *carry_we && g->cluster < *carry_we ? CV_GM_PATH : CV_GM_TEXT;
                if (push_lglyph(l, out, blk, g, x + c->shift + (g->pen - c->pen0) + g->dx, mode))
                    return -1;
                /* link and strike boxes */
                if (g->link >= 0 || g->strike) {
                    cvu gx0 = x + c->shift + (g->pen - c->pen0), gx1 = gx0 + g->adv;
                    cv_lbox *pb = out->boxes.n > line.b0 ? &out->boxes.v[out->boxes.n - 1] : NULL;
                    int32_t key = g->link >= 0 ? g->link : -2;
                    if (pb && pb->link == key && pb->x1 >= gx0 - CVU_PT * 4)
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
            x += c->width;
        } else if (c->kind == CV_I_KERN) {
            x += c->width;
        } else if (c->kind == CV_I_GLUE) {
            cvu w = c->width;
            if (delta > 0 && Y > 0)
                w += c->stretch * delta / Y;
            else if (delta < 0 && Z > 0)
                w += c->shrink * delta / Z;
            /* between two CJK characters no more than 0.08 em: from about 0.1 em, text
             * extractors take the gap for a space and split the word */
            if (c->role == CV_G_CJK && w > c->size * 8 / 100)
                w = c->size * 8 / 100;
            x += w;
            if (c->role < 5 && !c->fil) {
                line.glue_n[c->role]++;
                line.glue_w[c->role] += w;
            }
        }
    }
    if (join) {
        /* a word broken again inside its carried tail needs no second invisible copy */
        bool inside_carry = *carry_we && brk_item->a < *carry_we;
        if (!inside_carry) {
            /* the head starts at the word's first glyph on this line */
            size_t hs = out->glyphs.n;
            while (hs > text_g0 && out->glyphs.v[hs - 1].mode == CV_GM_TEXT &&
                   (!out->glyphs.v[hs - 1].text || out->glyphs.v[hs - 1].text >= blk->text + brk_item->ws))
                hs--;
            /* the rest of the word, as invisible text right after its head */
            for (size_t gi = glyph_at(l, brk_item->a); gi < l->bg.n && l->bg.v[gi].cluster < brk_item->b; gi++)
                if (push_lglyph(l, out, blk, &l->bg.v[gi], x, CV_GM_INVISIBLE))
                    return -1;
            if (out->glyphs.n > hs) {
                out->glyphs.v[hs].aspan = (uint16_t)(out->glyphs.n - hs);
                out->glyphs.v[hs].atext = blk->text + brk_item->ws;
                out->glyphs.v[hs].alen = brk_item->b - brk_item->ws;
            }
            *carry_we = brk_item->b;
        }
    } else {
        *carry_we = 0;
    }
    if (hyph) {
        cv_lglyph hg = {.x = x, .size = brk_item->size, .gid = brk_item->gid, .face = brk_item->face,
                        .ncl = 1, .color = l->st->text_color, .mode = CV_GM_PATH, .image = -1};
        /* the hyphen takes the colour of the glyph before it */
        if (out->glyphs.n > text_g0)
            hg.color = out->glyphs.v[out->glyphs.n - 1].color;
        if (CV_PUSH(out->glyphs, hg)) {
            l->ctx->oom = true;
            return -1;
        }
        x += brk_item->width;
    }
    line.g1 = out->glyphs.n;
    line.b1 = out->boxes.n;
    line.width = x;
    line.height = maxsize * l->st->leading_num / l->st->leading_den;
    if (blk->kind == CV_B_HEADING || blk->kind == CV_B_CODE)
        line.height = maxsize * 13 / 10;
    line.ascent = (line.height - maxsize) / 2 + maxsize * 8 / 10;
    if (img_h) {
        /* an image stands on the baseline: the line grows to hold it, with a little air */
        cvu gap = maxsize / 5;
        if (img_h + gap > line.ascent) {
            line.height += img_h + gap - line.ascent;
            line.ascent = img_h + gap;
        }
    }
    /* centred and right-aligned lines (HTML align, <center>) */
    if (blk->align == CV_ALIGN_CENTER || blk->align == CV_ALIGN_RIGHT) {
        cvu room = measure - x;
        if (room > 0) {
            cvu shift = blk->align == CV_ALIGN_CENTER ? room / 2 : room;
            line.x0 += shift;
        }
    }
    if (src_a < src_b) {
        line.text = blk->text + src_a;
        line.tlen = src_b - src_a;
    }
    if (CV_PUSH(out->items, line)) {
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
    uint8_t *brk = malloc(len + 1), *gb = malloc(len + 1), *hy = malloc(len + 1), *em = calloc(len + 1, 1);
    int rc = -1;
    if (!px || !brk || !gb || !hy || !em) {
        l->ctx->oom = true;
        goto done;
    }
    int stage = cv_stage(l->ctx, CV_T_BREAK);
    int failed = cv_grapheme_breaks(blk->text, len, gb) || cv_line_breaks(blk->text, len, l->lang, brk);
    cv_stage(l->ctx, stage);
    if (failed)
        goto done;
    shape_block(l, blk, px, gb, measure);
    if (l->ctx->oom)
        goto done;
    bool plain_align = blk->align == CV_ALIGN_DEFAULT;
    bool justify = l->st->justify && blk->kind == CV_B_PARA && plain_align && !l->in_table;
    bool may_hyphenate = l->st->hyphenate && blk->kind == CV_B_PARA && plain_align;
    /* stretches wider than the measure with no break inside: mark their graphemes */
    bool too_wide = false;
    for (size_t s = 0, p = 1; p <= len; p++) {
        if (p < len && brk[p] == CV_BRK_NONE)
            continue;
        size_t e = p;
        while (e > s && (blk->text[e - 1] == ' ' || blk->text[e - 1] == '\n'))
            e--;
        cvu ps = -1, pe = -1;
        for (size_t k = s; k <= e && ps < 0; k++)
            ps = px[k];
        for (size_t k = e; k > s && pe < 0; k--)
            pe = px[k];
        if (ps >= 0 && pe >= 0 && pe - ps > measure) {
            for (size_t k = s + 1; k < e; k++)
                em[k] = 1;
            too_wide = true;
        }
        s = p;
    }
    size_t first_item = out->items.n;
    /* TeX's passes: without hyphens at the pretolerance, with hyphens at the tolerance,
     * and a final pass that accepts any badness (it never fails) */
    cv_kp_params kp = {100, 10, 2, 10000, 5000, 10000, justify ? 0 : 3 * block_size(l->st, blk), 0, false};
    memset(hy, 0, len + 1);
    int r = -1;
    for (int pass = 0; pass < 3; pass++) {
        if (pass == 1) {
            if (!may_hyphenate || !l->hyph)
                continue;
            find_hyphens(l, blk, brk, hy);
            kp.threshold = 200;
        }
        if (pass == 2) {
            kp.threshold = 10000;
            kp.final_pass = true;
            kp.emergency_stretch = 3 * block_size(l->st, blk);
        }
        /* cuts inside over-wide words only in the final pass: hyphenation comes first */
        if (build_items(l, blk, px, gb, brk, hy, pass == 2 && too_wide ? em : NULL, justify))
            goto done;
        int kp_stage = cv_stage(l->ctx, CV_T_BREAK);
        r = cv_knuth_plass(l->items.v, l->items.n, measure, &kp, &l->breaks);
        cv_stage(l->ctx, kp_stage);
        if (r <= 0)
            break;
    }
    if (r != 0) {
        l->ctx->oom = true;
        goto done;
    }
    size_t from = 0;
    uint32_t carry = 0;
    bool warned = false;
    for (size_t k = 0; k < l->breaks.n; k++) {
        size_t to = l->breaks.v[k];
        const cv_item *bi = &l->items.v[to];
        if (bi->kind == CV_I_PENALTY && bi->role == 1 && !warned && blk->kind != CV_B_CODE) {
            int ol, oc;
            size_t ws = bi->join ? bi->ws : bi->a;
            locate(l->ctx, blk->line, blk->col, blk->text + ws, bi->a - ws < 16 ? bi->a - ws : 16, &ol, &oc);
            cv_diag(l->ctx, CVPDF_WARNING, ol, oc,
                    "a word is wider than the line and is broken inside it without a hyphen");
            warned = true;
        }
        /* discardable items at a line start */
        while (from < to && (l->items.v[from].kind == CV_I_GLUE || l->items.v[from].kind == CV_I_KERN ||
                             (l->items.v[from].kind == CV_I_PENALTY && l->items.v[from].penalty > -CV_PEN_INF)))
            from++;
        if (set_line(l, blk, from, to, x0, measure, justify, k == 0, &carry, out))
            goto done;
        from = to + 1;
    }
    /* widows and orphans: a paragraph keeps its first two lines and its last two together */
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
    free(hy);
    free(em);
    return rc;
}

/* ---- tables ------------------------------------------------------------------------------
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
    shape_block(l, &b, px, gb, l->st->page_w);
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

static int layout_table(cv_layout *l, const cv_block *blk, cvu x0, cvu measure, cv_vlist *out)
{
    const cv_style *st = l->st;
    if (!l->model || blk->table < 0 || (size_t)blk->table >= l->model->tables.n)
        return 0;
    const cv_table *t = &l->model->tables.v[blk->table];
    int nc = t->ncols, nr = t->nrows;
    if (nc <= 0 || nr <= 0)
        return 0;
    cvu pad = st->cell_pad_x, vpad = st->cell_pad_y;
    cvu *minw = calloc((size_t)nc, sizeof *minw), *maxw = calloc((size_t)nc, sizeof *maxw);
    cvu *width = calloc((size_t)nc, sizeof *width);
    size_t *item0 = calloc((size_t)nc, sizeof *item0); /* each cell's first line in `cell` */
    cv_vlist cell;
    memset(&cell, 0, sizeof cell);
    int rc = -1;
    if (!minw || !maxw || !width || !item0) {
        l->ctx->oom = true;
        goto done;
    }
    for (int r = 0; r < nr; r++)
        for (int c = 0; c < nc; c++) {
            cvu a, b;
            if (cell_widths(l, &t->cells.v[(size_t)r * nc + c], &a, &b))
                goto done;
            if (a > minw[c])
                minw[c] = a;
            if (b > maxw[c])
                maxw[c] = b;
        }
    cvu avail = measure - 2 * pad * nc, smin = 0, smax = 0;
    if (avail < (cvu)nc * CVU_PT * 12)
        avail = (cvu)nc * CVU_PT * 12; /* very many columns: they will be narrow, not negative */
    for (int c = 0; c < nc; c++) {
        if (maxw[c] < minw[c])
            maxw[c] = minw[c];
        smin += minw[c];
        smax += maxw[c];
    }
    for (int c = 0; c < nc; c++) {
        if (smax <= avail)
            width[c] = maxw[c];
        else if (smin <= avail)
            width[c] = minw[c] + (smax > smin ? (maxw[c] - minw[c]) * (avail - smin) / (smax - smin) : 0);
        else
            width[c] = smin ? avail * minw[c] / smin : avail / nc;
        if (width[c] < CVU_PT * 8)
            width[c] = CVU_PT * 8;
    }
    cvu total = 0;
    for (int c = 0; c < nc; c++)
        total += width[c] + 2 * pad;
    l->in_table = true;
    bool first_row = true;
    for (int r = 0; r < nr; r++) {
        bool header = r < t->header_rows;
        /* an empty row (Markdown tables often have an empty header, for layout) is not shown */
        bool empty = true;
        for (int c = 0; c < nc; c++)
            empty &= t->cells.v[(size_t)r * nc + c].len == 0;
        if (empty)
            continue;
        cv_vitem row;
        memset(&row, 0, sizeof row);
        row.kind = CV_V_LINE;
        row.x0 = x0;
        row.table = blk->table + 1;
        row.table_header = header;
        row.keep_next = header;
        row.quote_depth = blk->quote_depth;
        row.g0 = out->glyphs.n;
        row.b0 = out->boxes.n;
        /* lay out each cell alone, then place its lines under the row's first baseline */
        cvu first_base = 0, row_h = 0;
        /* first pass: lay out the cells into `cell` and find the row's first baseline */
        cell.items.n = cell.glyphs.n = cell.boxes.n = cell.rules.n = 0;
        for (int c = 0; c < nc; c++) {
            item0[c] = cell.items.n;
            const cv_cell *ce = &t->cells.v[(size_t)r * nc + c];
            if (!ce->len)
                continue;
            cv_block b = cell_block(ce);
            if (layout_block(l, &b, 0, width[c], &cell))
                goto done;
            if (cell.items.n > item0[c]) {
                cvu a = vpad + cell.items.v[item0[c]].ascent;
                if (a > first_base)
                    first_base = a;
            }
        }
        cvu colx = 0;
        for (int c = 0; c < nc; colx += width[c] + 2 * pad, c++) {
            size_t end = c + 1 < nc ? item0[c + 1] : cell.items.n;
            cvu y = vpad; /* the top of this cell line, from the row's top */
            bool first = true;
            for (size_t k = item0[c]; k < end; k++) {
                const cv_vitem *li = &cell.items.v[k];
                if (li->kind != CV_V_LINE)
                    continue;
                /* the first lines of all cells share one baseline */
                cvu base = first ? first_base : y + li->ascent;
                first = false;
                for (size_t g = li->g0; g < li->g1; g++) {
                    cv_lglyph lg = cell.glyphs.v[g];
                    lg.x += colx + pad + li->x0;
                    lg.dy -= base - first_base;
                    if (CV_PUSH(out->glyphs, lg)) {
                        l->ctx->oom = true;
                        goto done;
                    }
                }
                for (size_t bx = li->b0; bx < li->b1; bx++) {
                    cv_lbox lb = cell.boxes.v[bx];
                    lb.x0 += colx + pad + li->x0;
                    lb.x1 += colx + pad + li->x0;
                    lb.top -= base - first_base;
                    lb.bottom -= base - first_base;
                    if (CV_PUSH(out->boxes, lb)) {
                        l->ctx->oom = true;
                        goto done;
                    }
                }
                y = base - li->ascent + li->height;
            }
            if (y + vpad > row_h)
                row_h = y + vpad;
        }
        if (row_h < first_base + vpad)
            row_h = first_base + vpad;
        row.g1 = out->glyphs.n;
        row.b1 = out->boxes.n;
        /* the row's text, cells joined by " | ", for traces */
        cv_buf rt = {0};
        for (int c = 0; c < nc; c++) {
            const cv_cell *ce = &t->cells.v[(size_t)r * nc + c];
            if (c)
                cv_buf_puts(&rt, " | ");
            cv_buf_add(&rt, ce->text, ce->len);
        }
        if (rt.oom || (rt.p && CV_PUSH(out->strings, rt.p))) {
            cv_buf_free(&rt);
            l->ctx->oom = true;
            goto done;
        }
        row.text = rt.p;
        row.tlen = (uint32_t)rt.len;
        row.height = row_h;
        row.ascent = first_base;
        row.width = total;
        row.r0 = out->rules.n;
        if (header && push_lrule(l, out, 0, 0, total, row_h, 0, st->table_header_fill, true))
            goto done;
        /* a rule above the first row, under the header, and under every row */
        cvu hair = CVU_R(1, 2);
        if (first_row && push_lrule(l, out, 0, 0, total, 0, hair * (header ? 2 : 1), st->table_rule_color, false))
            goto done;
        first_row = false;
        bool last_header = header && r + 1 == t->header_rows;
        if (push_lrule(l, out, 0, row_h, total, row_h, last_header || r + 1 == nr ? hair * 2 : hair,
                       st->table_rule_color, false))
            goto done;
        row.r1 = out->rules.n;
        if (CV_PUSH(out->items, row)) {
            l->ctx->oom = true;
            goto done;
        }
    }
    rc = 0;
done:
    l->in_table = false;
    free(minw);
    free(maxw);
    free(width);
    free(item0);
    cv_vlist_free(&cell);
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

/* A hairline rule item across [x0, x1] taking height, centred in it. */
static int push_rule(cv_vlist *out, cvu x0, cvu x1, cvu height, uint32_t color, bool keep_next)
{
    cv_vitem it;
    memset(&it, 0, sizeof it);
    it.kind = CV_V_RULE;
    it.height = height;
    it.x0 = x0;
    it.x1 = x1;
    it.thickness = CVU_R(1, 2);
    it.color = color;
    it.keep_next = keep_next;
    return CV_PUSH(out->items, it);
}

/* A heading keeps with at least two lines of what follows it, whatever blocks they are in. */
static void keep_after_headings(cv_vlist *out, const size_t *ends, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        int lines = 0;
        for (size_t j = ends[k]; j < out->items.n && lines < 2; j++) {
            if (out->items.v[j].kind == CV_V_LINE && ++lines == 2)
                break;
            out->items.v[j].keep_next = true;
        }
    }
}

int cv_layout_model(cv_layout *l, const cv_model *m, cv_vlist *out)
{
    const cv_style *st = l->st;
    l->model = m;
    CV_VEC(size_t) heading_ends;
    memset(&heading_ends, 0, sizeof heading_ends);
    cvu text_w = st->page_w - st->margin_l - st->margin_r;
    const cv_block *prev = NULL;
    /* the header block: a first level-1 heading is the name, a paragraph after it the contact
     * line; the style aligns them */
    size_t name_at = SIZE_MAX;
    for (size_t i = 0; i < m->blocks.n; i++)
        if (m->blocks.v[i].kind == CV_B_HEADING || m->blocks.v[i].kind == CV_B_PARA) {
            if (m->blocks.v[i].kind == CV_B_HEADING && m->blocks.v[i].level == 1)
                name_at = i;
            break;
        }
    for (size_t i = 0; i < m->blocks.n && !l->ctx->oom; i++) {
        cv_block hb = m->blocks.v[i];
        const cv_block *b = &hb;
        if (name_at != SIZE_MAX && hb.align == CV_ALIGN_DEFAULT) {
            if (i == name_at)
                hb.align = st->name_align;
            else if (i == name_at + 1 && hb.kind == CV_B_PARA)
                hb.align = st->contact_align;
        }
        if (hb.kind == CV_B_HEADING && hb.level == 2 && st->h2_upper) {
            /* capitals for section headings (ASCII letters: the byte offsets stay) */
            char *up = cv_strndup(hb.text, hb.len);
            if (!up || CV_PUSH(out->strings, up)) {
                free(up);
                return -1;
            }
            for (char *c = up; *c; c++)
                if (*c >= 'a' && *c <= 'z')
                    *c = (char)(*c - 32);
            hb.text = up;
        }
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
            if (push_rule(out, x0, st->page_w - st->margin_r, CVU_R(1, 1), st->rule_color, false))
                return -1;
            prev = &m->blocks.v[i];
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
        if (b->kind == CV_B_TABLE) {
            if (layout_table(l, b, x0, text_w - indent, out))
                return -1;
            prev = &m->blocks.v[i];
            continue;
        }
        if (layout_block(l, b, x0, text_w - indent, out))
            return -1;
        /* section headings carry a hairline rule under them */
        if (b->kind == CV_B_HEADING && b->level == 2 && st->h2_rule &&
            push_rule(out, x0, st->page_w - st->margin_r, CVU_R(2, 1),
                      st->accent_color == st->heading_color ? st->rule_color : st->accent_color, true))
            return -1;
        if (b->kind == CV_B_HEADING && CV_PUSH(heading_ends, out->items.n))
            l->ctx->oom = true;
        prev = &m->blocks.v[i];
    }
    keep_after_headings(out, heading_ends.v, heading_ends.n);
    free(heading_ends.v);
    return l->ctx->oom ? -1 : 0;
}

const char *cv_layout_name(const cv_layout *l, size_t *len)
{
    if (l->model)
        for (size_t i = 0; i < l->model->blocks.n; i++)
            if (l->model->blocks.v[i].kind == CV_B_HEADING) {
                if (l->model->blocks.v[i].level != 1)
                    break;
                *len = l->model->blocks.v[i].len;
                return l->model->blocks.v[i].text;
            }
    return NULL;
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
    if (cv_shape(l->shaper, f, size, text, len, 0, len, l->lang, &sg)) {
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
        cv_lglyph g = {.x = pen + sg.v[k].dx, .dy = sg.v[k].dy, .size = size, .gid = sg.v[k].gid,
                       .face = (uint16_t)id, .ncl = first ? (uint16_t)(m - k) : 0, .color = color,
                       .text = first ? text + sg.v[k].cluster : NULL,
                       .tlen = first ? cend - sg.v[k].cluster : 0, .mode = CV_GM_TEXT, .image = -1};
        pen += sg.v[k].adv;
        if (CV_PUSH(out->glyphs, g)) {
            free(sg.v);
            return -1;
        }
    }
    free(sg.v);
    return pen;
}
