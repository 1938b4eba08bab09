/* pdfcontent.c: the content stream of one page, from its display list (cv_page_get).
 *
 * Rules and fills first, then the glyphs drawn as outlines (the visible hyphen and tail of a
 * hyphenated word), then one text object with all the text. Text is drawn glyph-exact: each
 * glyph sits where layout put it. Within a TJ array a glyph advances by its /W width, so a
 * number before it makes up the difference between that and the shaped position (kerning);
 * rounding never accumulates because every correction is computed from the absolute
 * position. A cluster of several glyphs, or a glyph whose code already maps to other text, is
 * wrapped in /ActualText so copy and paste stays exact. Numbers are printed with integer
 * arithmetic: a host's locale cannot put commas in them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bidi.h"
#include "pdf.h"

static void put_num(cv_buf *b, cvu v) { cv_buf_fixed(b, v, 3); }

/* A point in PDF coordinates (y up) from a page position (y down). */
static void put_point(cv_buf *b, cvu x, cvu y_down, cvu page_h)
{
    put_num(b, x);
    cv_buf_puts(b, " ");
    put_num(b, page_h - y_down);
}

static void put_color(cv_buf *b, uint32_t c, bool stroke)
{
    for (int k = 2; k >= 0; k--) {
        cv_buf_fixed(b, (int64_t)((c >> (8 * k)) & 0xFF) * 65536 / 255, 3);
        cv_buf_puts(b, " ");
    }
    cv_buf_puts(b, stroke ? "RG\n" : "rg\n");
}

/* reversed: the text's UTF-16 units in reverse order, pairs kept (see draw_text) */
static void put_actual_text(cv_buf *b, const char *text, uint32_t len, bool reversed, const char *prefix)
{
    size_t ul;
    unsigned char *u = cv_utf16be(text, len, true, &ul);
    if (!u) {
        b->oom = true;
        return;
    }
    cv_buf_puts(b, prefix);
    cv_buf_puts(b, "/ActualText<");
    size_t k = 0;
    if (reversed) { /* the BOM first, then the units from the last */
        cv_buf_hex(b, (uint32_t)u[0] << 8 | u[1], 4);
        for (size_t j = ul; j >= 4; j -= 2)
            cv_buf_hex(b, (uint32_t)u[j - 2] << 8 | u[j - 1], 4);
        k = ul;
    }
    for (; k < ul; k++)
        cv_buf_hex(b, u[k], 2);
    cv_buf_puts(b, ">>>BDC\n");
    free(u);
}

/* A cluster of several characters that starts with a right-to-left letter (lam-alef). */
static bool rtl_ligature(const char *t, uint32_t len)
{
    size_t q = 0;
    return len && cv_char_is_rtl(cv_utf8_next(t, len, &q)) && q < len;
}

/* A cluster of several glyphs for several characters (an Indic syllable with its reordered
 * vowel sign or reph, a Thai sara am, a letter and its marks). Glyphs are written in the
 * order they are drawn, and extractors that read the ToUnicode map (MuPDF, pdfminer, pypdf)
 * join their texts in that order, so:
 *   - each glyph that is its character's own glyph, in the characters' order: each maps to
 *     its character (exact: no /ActualText needed);
 *   - else, with at least as many characters as glyphs: the text is cut in that order, the
 *     first glyph taking what the others leave (the conjunct "प्र" on the i-matra drawn
 *     before it, then "ि" on the conjunct), so the glyphs read "प्रि" together;
 *   - else (more glyphs than characters): each glyph that is a character's own maps to it.
 * A glyph already mapped to other text gets a further code of its own (TrueType faces,
 * cv_pdffont_code_for). codes[k] receives each glyph's code. Returns 0 when the map says the
 * text exactly, 1 when /ActualText should say it too, -1 when the caller must fall back to
 * mapping the whole text on the first glyph. */
static int map_by_glyph(struct cv_pdffont *f, const cv_pglyph *g, size_t ncl, const char *t, size_t len,
                        uint32_t *codes)
{
    uint32_t cps[16];
    size_t off[17], ncp = 0;
    for (size_t i = 0; i < len && ncp < 16;) {
        off[ncp] = i;
        cps[ncp++] = cv_utf8_next(t, len, &i);
    }
    off[ncp] = len;
    long kk[16];
    bool in_order = ncl == ncp;
    for (size_t k = 0; k < ncl; k++) {
        kk[k] = cv_pdffont_find(f, g[k].gid);
        if (kk[k] < 0)
            return -1;
        in_order &= cv_face_glyph(f->face, cps[k < ncp ? k : 0]) == g[k].gid;
    }
    if (in_order) {
        bool exact = true;
        for (size_t k = 0; k < ncl; k++) {
            exact &= cv_pdffont_code_for(f, kk[k], t + off[k], (uint32_t)(off[k + 1] - off[k]), &codes[k]);
        }
        return exact ? 0 : 1;
    }
    if (ncp >= ncl) {
        size_t first = ncp - ncl + 1; /* the characters the first glyph takes */
        for (size_t k = 0; k < ncl; k++) {
            size_t c0 = k ? first + k - 1 : 0, c1 = k ? first + k : first;
            if (!cv_pdffont_code_for(f, kk[k], t + off[c0], (uint32_t)(off[c1] - off[c0]), &codes[k]))
                return -1;
        }
        return 1;
    }
    bool used[16] = {false};
    for (size_t k = 0; k < ncl; k++)
        for (size_t c = 0; c < ncp; c++)
            if (!used[c] && cv_face_glyph(f->face, cps[c]) == g[k].gid) {
                cv_pdffont_code_for(f, kk[k], t + off[c], (uint32_t)(off[c + 1] - off[c]), &codes[k]);
                used[c] = true;
                break;
            }
    for (size_t c = 0; c < ncp; c++)
        if (!used[c])
            return -1;
    return 1;
}

/* Registers the ToUnicode text of a cluster's glyphs; true when that cannot carry the
 * cluster's text exactly, so the caller adds /ActualText. A cluster of as many glyphs as
 * characters maps one to one (an emoji and its variation selector); otherwise the first
 * glyph takes the whole text (a ligature), but never several characters with an astral one
 * among them: MuPDF 1.21 splits such a string into lone surrogates. */
static bool map_cluster(struct cv_pdffont *f, const cv_pglyph *g, size_t ncl, uint32_t *codes)
{
    if (f->type3) {
        /* the emoji's glyph maps to its first character, blank glyphs carry the rest */
        size_t q = 0;
        cv_utf8_next(g->text, g->tlen, &q);
        long k0 = cv_pdffont_find(f, g->gid);
        if (k0 >= 0)
            cv_pdffont_map(f, k0, g->text, (uint32_t)q);
        /* always /ActualText: poppler places a Type3 glyph's text on a line of its own
         * otherwise */
        return true;
    }
    const char *t = g->text;
    size_t len = g->tlen, ncp = 0;
    bool astral = false;
    for (size_t i = 0; i < len;) {
        astral |= cv_utf8_next(t, len, &i) >= 0x10000;
        ncp++;
    }
    bool lossy = false;
    if (ncl > 1 && ncp > 1 && !astral && ncl <= 16 && ncp <= 16) {
        int m = map_by_glyph(f, g, ncl, t, len, codes);
        if (m >= 0)
            return m > 0 || rtl_ligature(t, (uint32_t)len);
    }
    if (ncl == ncp && ncl > 1) {
        size_t i = 0;
        for (size_t k = 0; k < ncl; k++) {
            size_t s = i;
            cv_utf8_next(t, len, &i);
            long kk = cv_pdffont_find(f, g[k].gid);
            uint32_t scratch;
            if (kk < 0 || !cv_pdffont_code_for(f, kk, t + s, (uint32_t)(i - s), k < 16 ? &codes[k] : &scratch))
                lossy = true;
        }
        return lossy || rtl_ligature(t, (uint32_t)len);
    }
    long k0 = cv_pdffont_find(f, g->gid);
    size_t first = 0;
    cv_utf8_next(t, len, &first);
    size_t take = astral && ncp > 1 ? first : len;
    /* (a glyph already mapped to other text: a further code of its own, in TrueType faces) */
    if (k0 < 0 || !cv_pdffont_code_for(f, k0, t, (uint32_t)take, &codes[0]))
        lossy = true;
    /* a right-to-left cluster of several characters (lam-alef, a letter and its marks):
     * poppler reverses its characters with the line, and places a mark drawn after its base
     * wrongly, so its text is stated as /ActualText, reversed, which poppler reverses back;
     * MuPDF reads the ToUnicode map in order */
    return lossy || take < len || ncl > 1 || rtl_ligature(t, (uint32_t)len);
}

/* How far (1/100 pt) a glyph may sit from where the widths put it before a TJ number moves
 * it: positions are kept in 1/65536 pt and widths to a millionth of an em, so without slack
 * every few glyphs would carry a correction of a thousandth of a point. */
#define TJ_SLACK (CVU_PT / 100)

/* The marked-content sequences a page may have: its ParentTree array is one of libharu's,
 * which hold at most 32,767 items */
#define MAX_MCIDS 32000


/* Ends a TJ array, closing a run of glyph codes. */
static void end_tj(cv_buf *b, bool *hex)
{
    cv_buf_puts(b, *hex ? ">]TJ\n" : "]TJ\n");
    *hex = false;
}

/* Fills first (table shading), then the rules over them. */
static void draw_rules(cv_buf *b, const cv_page *pg, cvu page_h)
{
    uint32_t cur_stroke = 0xFFFFFFFF;
    cvu cur_w = -1;
    uint32_t cur_fill_rect = 0xFFFFFFFF;
    for (size_t i = 0; i < pg->rules.n; i++) {
        const cv_prule *r = &pg->rules.v[i];
        if (!r->fill)
            continue;
        if (r->color != cur_fill_rect) {
            put_color(b, r->color, false);
            cur_fill_rect = r->color;
        }
        put_point(b, r->x0, r->y1, page_h);
        cv_buf_puts(b, " ");
        put_num(b, r->x1 - r->x0);
        cv_buf_puts(b, " ");
        put_num(b, r->y1 - r->y0);
        cv_buf_puts(b, " re f\n");
    }
    for (size_t i = 0; i < pg->rules.n; i++) {
        const cv_prule *r = &pg->rules.v[i];
        if (r->fill)
            continue;
        if (r->color != cur_stroke) {
            put_color(b, r->color, true);
            cur_stroke = r->color;
        }
        if (r->width != cur_w) {
            put_num(b, r->width);
            cv_buf_puts(b, " w\n");
            cur_w = r->width;
        }
        put_point(b, r->x0, r->y0, page_h);
        cv_buf_puts(b, " m ");
        put_point(b, r->x1, r->y1, page_h);
        cv_buf_puts(b, " l S\n");
    }
}

/* The glyphs drawn as outlines, which no extractor reads. Returns whether the page has any
 * glyph left for the text object. */
static bool draw_outlines(cv_buf *b, const cv_page *pg, cvu page_h, cv_fonts *faces)
{
    bool any_text = false;
    const cv_pglyph *prev = NULL; /* the glyph before, when in the same run of outlines */
    for (size_t i = 0; i < pg->glyphs.n; i++) {
        const cv_pglyph *g = &pg->glyphs.v[i];
        if (g->image >= 0)
            continue; /* drawn by the caller */
        if (g->mode != CV_GM_PATH) {
            any_text = true;
            continue;
        }
        cv_face *face = cv_fonts_face(faces, g->face);
        if (!face)
            continue;
        int upem = cv_face_get_info(face)->upem;
        if (prev && prev->face == g->face && prev->size == g->size && prev->color == g->color &&
            prev->y == g->y && g->x >= prev->x) {
            /* the next glyph of the same word: the space is in font units already */
            cv_buf_puts(b, "1 0 0 1 ");
            cv_buf_fixed(b, (int64_t)(g->x - prev->x) * upem * 65536 / g->size, 2);
            cv_buf_puts(b, " 0 cm\n");
        } else {
            if (prev)
                cv_buf_puts(b, "Q\n");
            cv_buf_puts(b, "q\n");
            put_color(b, g->color, false);
            /* font units to points: scale size/upem, printed ×1000 (then × 0.001, applied to
             * the outline first) so that five decimals keep six significant digits */
            cv_buf_fixed(b, g->size * 1000 / upem, 5);
            cv_buf_puts(b, " 0 0 ");
            cv_buf_fixed(b, g->size * 1000 / upem, 5);
            cv_buf_puts(b, " ");
            put_point(b, g->x, g->y, page_h);
            cv_buf_puts(b, " cm 0.001 0 0 0.001 0 0 cm\n");
        }
        cv_face_outline(face, g->gid, b);
        cv_buf_puts(b, "f\n");
        prev = g;
    }
    if (prev)
        cv_buf_puts(b, "Q\n");
    return any_text;
}

/* The text object's state as glyphs are written: the font, size and colour set, the open TJ
 * array and where the viewer's pen is in it, and the glyphs left in a hyphenated word's
 * /ActualText span. */
typedef struct text_run {
    cv_buf *b;
    cvu page_h;
    struct cv_pdffont **fonts;
    const char **font_names;
    int face;
    cvu size, pen, line_y;
    uint32_t fill;
    bool in_tj;
    bool at_pen; /* the TJ array is closed, but the text position is still pen on line_y */
    bool hex; /* inside a <...> run of glyph codes */
    size_t span_left;
    int synth; /* CV_SYNTH_* in force: fill and stroke (2 Tr), a slanted Tm */
    int32_t open; /* the element whose marked content is open; -1 an artifact, -3 none */
    bool close_after_span; /* the open /ActualText span ends the element's sequence too */
} text_run;

static void close_tj(text_run *t)
{
    if (t->in_tj)
        end_tj(t->b, &t->hex);
    t->in_tj = false;
    t->at_pen = false;
}

/* Closes the TJ array for an operator that may not stand in it (a marked-content tag), the
 * next glyph going on from where the array left the pen. */
static void pause_tj(text_run *t)
{
    if (!t->in_tj)
        return; /* (the pen stays where it is known to be, or unknown) */
    close_tj(t);
    t->at_pen = true;
}

/* Opens an /ActualText span. Inside an element's marked content, that content ends with
 * the span (the element's next glyphs open a sequence of their own): poppler's structure
 * reader (pdfinfo -struct-text) loses what follows a span nested in an MCID's sequence. */
static void begin_span(text_run *t, const char *text, uint32_t len, bool reversed)
{
    put_actual_text(t->b, text, len, reversed, "/Span<<");
    t->close_after_span = t->open >= 0;
}

/* The /ActualText span ends (and the element's sequence it ended, see begin_span). */
static void end_span(text_run *t)
{
    pause_tj(t);
    cv_buf_puts(t->b, t->close_after_span ? "EMC\nEMC\n" : "EMC\n");
    if (t->close_after_span)
        t->open = -3;
    t->close_after_span = false;
}

/* n glyphs of an /ActualText span written: the span ends with its last. */
static void span_done(text_run *t, size_t n)
{
    if (!t->span_left)
        return;
    t->span_left = t->span_left > n ? t->span_left - n : 0;
    if (!t->span_left)
        end_span(t);
}

/* The rest of a hyphenated word from glyph i: text for extractors, neither seen nor wide
 * (render mode 3, 1% horizontal scale), right where the head ends. Returns the glyph after. */
static size_t text_invisible(text_run *t, const cv_page *pg, size_t i)
{
    cv_buf *b = t->b;
    const cv_pglyph *g = &pg->glyphs.v[i];
    struct cv_pdffont *f = t->fonts[g->face];
    cv_buf_puts(b, "3 Tr 1 Tz 1 0 0 1 ");
    put_point(b, g->x, g->y, t->page_h);
    cv_buf_puts(b, " Tm[");
    size_t j = i;
    for (; j < pg->glyphs.n && pg->glyphs.v[j].mode == CV_GM_INVISIBLE && pg->glyphs.v[j].face == g->face &&
           pg->glyphs.v[j].size == g->size;
         j++) {
        const cv_pglyph *h = &pg->glyphs.v[j];
        long kk = f ? cv_pdffont_find(f, h->gid) : -1;
        if (h->tlen && kk >= 0)
            cv_pdffont_map(f, kk, h->text, h->tlen);
        cv_buf_puts(b, "<");
        cv_buf_hex(b, f && kk >= 0 ? f->codes[kk] : 0, f && f->type3 ? 2 : 4);
        cv_buf_puts(b, ">");
    }
    cv_buf_puts(b, "]TJ 0 Tr 100 Tz\n");
    t->line_y = -1; /* the next glyph restates its position */
    span_done(t, j - i);
    return j;
}

/* One glyph of a cluster into the TJ array (opened at its position when needed). */
static void text_glyph(text_run *t, const cv_pglyph *h, struct cv_pdffont *f, bool first, uint32_t alt)
{
    cv_buf *b = t->b;
    long kk = f ? cv_pdffont_find(f, h->gid) : -1;
    uint32_t code = alt != UINT32_MAX ? alt : kk >= 0 ? f->codes[kk] : 0;
    int width = kk >= 0 ? f->widths[kk] : 0;
    cvu slack = TJ_SLACK;
    if (!t->in_tj && t->at_pen && h->y == t->line_y) {
        cv_buf_puts(b, "[");
        t->in_tj = true;
        t->hex = false;
        slack = 0; /* where a Tm would have put it, as before the font changed */
    } else if (!t->in_tj || h->y != t->line_y) {
        if (t->in_tj)
            end_tj(b, &t->hex);
        /* a made-up oblique: 12 degrees of slant (tan 12° = 0.2126) */
        cv_buf_puts(b, t->synth & CV_SYNTH_OBLIQUE ? "1 0 0.2126 1 " : "1 0 0 1 ");
        put_point(b, h->x, h->y, t->page_h);
        cv_buf_puts(b, " Tm[");
        t->in_tj = true;
        t->hex = false;
        t->pen = h->x;
        t->line_y = h->y;
    }
    /* The viewer places each glyph at the end of the one before (pen, from the widths in the
     * font); only kerning, justification and drift of more than TJ_SLACK need a TJ number,
     * positive to the left in thousandths of the size. */
    cvu diff = h->x - t->pen;
    if (diff > slack || diff < -slack) {
        /* in tenths of a thousandth of an em, rounded (0.001 pt at 10 pt): the word spaces of
         * a justified line come out the same number */
        int64_t tenths = -(diff * 10000 + (diff >= 0 ? h->size / 2 : -h->size / 2)) / h->size;
        cv_buf_puts(b, t->hex ? "> " : " ");
        cv_buf_fixed(b, tenths * 65536 / 10, 1);
        cv_buf_puts(b, " ");
        t->hex = false;
        t->pen -= (cvu)(tenths * h->size / 10000);
    }
    if (!t->hex)
        cv_buf_puts(b, "<");
    t->hex = true;
    cv_buf_hex(b, code, f && f->type3 ? 2 : 4);
    t->pen += (cvu)((int64_t)width * h->size / 1000000);
    if (f && f->type3 && first && h->tlen) {
        /* an emoji's other characters, as zero-width blank glyphs */
        size_t q = 0;
        cv_utf8_next(h->text, h->tlen, &q);
        while (q < h->tlen) {
            uint32_t xc = cv_pdffont_extra(f, cv_utf8_next(h->text, h->tlen, &q));
            if (xc)
                cv_buf_hex(b, xc, 2);
        }
    }
}

/* The text object: every glyph that is text, visible or not. */
static void draw_text(cv_buf *b, const cv_page *pg, cvu page_h, struct cv_pdffont **fonts, const char **font_names,
                      cv_pagetags *pt)
{
    cv_buf_puts(b, "BT\n");
    text_run t = {b, page_h, fonts, font_names, -1, -1, 0, -1, 0xFFFFFFFF, false, false, false, 0, 0, -3, false};
    bool footer = false;
    for (size_t i = 0; i < pg->glyphs.n;) {
        const cv_pglyph *g = &pg->glyphs.v[i];
        if (g->image >= 0) {
            /* the alternative text after an image goes into its Figure */
            while (pt->next_fig < pt->figs.n && pt->figs.v[pt->next_fig].glyph < i)
                pt->next_fig++;
            if (pt->next_fig < pt->figs.n && pt->figs.v[pt->next_fig].glyph == i)
                pt->tags->figure = pt->figs.v[pt->next_fig].elem;
            i++;
            continue;
        }
        if (g->mode == CV_GM_PATH) {
            i++;
            continue;
        }
        /* each run of glyphs of one element is marked content of its own (never inside an
         * /ActualText span, which ends within its line) */
        if (!t.span_left) {
            int32_t e = cv_tags_target(pt->tags, g);
            if (e == -2) {
                pt->oom = true;
                e = -1;
            }
            bool foot = e == -1 && !g->block;
            if (e != t.open || foot != footer) {
                pause_tj(&t);
                if (t.open != -3)
                    cv_buf_puts(b, "EMC\n");
                cv_pdf_open_marked(b, pt, e, foot);
                t.open = e;
                footer = foot;
            }
        }
        if (g->aspan && !t.span_left) {
            pause_tj(&t);
            begin_span(&t, g->atext, g->alen, false);
            t.span_left = g->aspan;
        }
        struct cv_pdffont *f = fonts[g->face];
        /* a cluster: ncl glyphs from i */
        size_t ncl = g->ncl ? g->ncl : 1;
        if (i + ncl > pg->glyphs.n)
            ncl = pg->glyphs.n - i;
        uint32_t codes[16]; /* each glyph's code: its own, or a further one for its text */
        for (size_t k = 0; k < 16; k++)
            codes[k] = UINT32_MAX;
        bool actual = f && g->tlen && map_cluster(f, pg->glyphs.v + i, ncl, codes) && !t.span_left;
        bool invisible = g->mode == CV_GM_INVISIBLE;
        /* a new line, invisible text or a slant starts from a Tm; a change of font, colour or
         * a marked span only closes the TJ array and goes on from the pen: extractors that
         * compare a Tm with where the text before ended (pypdf) read a space otherwise, in
         * "bold." and before a hyphen */
        if (g->y != t.line_y || invisible || (g->synth & CV_SYNTH_OBLIQUE) != (t.synth & CV_SYNTH_OBLIQUE))
            close_tj(&t);
        else if (g->face != t.face || g->size != t.size || g->color != t.fill || actual || g->synth != t.synth)
            pause_tj(&t);
        if (g->color != t.fill || (g->synth & CV_SYNTH_BOLD && !(t.synth & CV_SYNTH_BOLD))) {
            put_color(b, g->color, false);
            if (g->synth & CV_SYNTH_BOLD)
                put_color(b, g->color, true); /* the stroke that emboldens, in the same colour */
            t.fill = g->color;
        }
        if ((g->synth & CV_SYNTH_BOLD) != (t.synth & CV_SYNTH_BOLD)) {
            /* a made-up bold: the outline stroked as well as filled, 3% of the size wide */
            if (g->synth & CV_SYNTH_BOLD) {
                cv_buf_puts(b, "2 Tr ");
                put_num(b, g->size * 3 / 100);
                cv_buf_puts(b, " w\n");
            } else {
                cv_buf_puts(b, "0 Tr\n");
            }
        }
        t.synth = g->synth;
        if (g->face != t.face || g->size != t.size) {
            cv_buf_printf(b, "/%s ", font_names[g->face]);
            put_num(b, g->size);
            cv_buf_puts(b, " Tf\n");
            t.face = g->face;
            t.size = g->size;
        }
        if (invisible) {
            i = text_invisible(&t, pg, i);
            t.synth &= ~CV_SYNTH_BOLD; /* (it ends with 0 Tr) */
            continue;
        }
        if (actual)
            begin_span(&t, g->text, g->tlen, rtl_ligature(g->text, g->tlen));
        for (size_t k = i; k < i + ncl; k++)
            text_glyph(&t, &pg->glyphs.v[k], f, k == i, k - i < 16 ? codes[k - i] : UINT32_MAX);
        if (actual)
            end_span(&t);
        i += ncl;
        span_done(&t, ncl);
    }
    close_tj(&t);
    if (t.span_left)
        end_span(&t);
    if (t.open != -3)
        cv_buf_puts(b, "EMC\n");
    if (t.synth & CV_SYNTH_BOLD)
        cv_buf_puts(b, "0 Tr\n");
    cv_buf_puts(b, "ET\n");
}

void cv_pdf_open_marked(cv_buf *b, cv_pagetags *pt, int32_t elem, bool footer)
{
    if (elem < 0) {
        cv_buf_puts(b, footer ? "/Artifact<</Type/Pagination/Subtype/Footer>>BDC\n" : "/Artifact BMC\n");
        return;
    }
    int32_t mcid = (int32_t)pt->mcids.n;
    if (mcid >= MAX_MCIDS) {
        /* (a page of tens of thousands of runs, hostile input: the rest of it goes untagged,
         * as the ParentTree's array for the page could not hold it) */
        cv_buf_puts(b, "/Artifact BMC\n");
        return;
    }
    if (CV_PUSH(pt->mcids, elem) || cv_tags_mark(pt->tags, elem, pt->page, mcid))
        pt->oom = true;
    cv_buf_printf(b, "/%s<</MCID %d>>BDC\n", pt->tags->elems.v[elem].type, (int)mcid);
}

void cv_pdf_content(cv_buf *b, const cv_page *pg, cvu page_h, struct cv_pdffont **fonts, const char **font_names,
                    cv_fonts *faces, cv_pagetags *pt)
{
    /* rules, fills and a broken word's drawn tail are page furniture: the text says it all */
    size_t at = b->len;
    cv_buf_puts(b, "/Artifact BMC\n");
    size_t body = b->len;
    draw_rules(b, pg, page_h);
    bool text = draw_outlines(b, pg, page_h, faces);
    if (b->len == body)
        b->len = at; /* nothing drawn: no empty artifact */
    else
        cv_buf_puts(b, "EMC\n");
    if (text)
        draw_text(b, pg, page_h, fonts, font_names, pt);
}
