/* trace.c: a readable dump of the laid-out pages, for golden tests (`cvpdf --trace`).
 *
 * One line per laid-out line: its baseline and left edge, its set width, the glue set ratio
 * (thousandths: + stretched, − shrunk), "hyphen" when it ends with a hyphenation hyphen, the
 * glue it holds by kind with their set widths (space, cjk: between CJK characters, hl: Han
 * beside Latin, punct: the blank half of a CJK mark), and its source text. Rules and outline
 * marks are listed too. Every number is fixed-point printed without floats, so a trace is
 * the same on every machine with the same fonts.
 */
#include <stdlib.h>
#include <string.h>

#include "trace.h"

static void pt(cv_buf *b, cvu v) { cv_buf_fixed(b, v, 2); }

static void text(cv_buf *b, const char *t, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        cv_buf_add(b, t[i] == '\n' ? "\xE2\x86\xB5" : &t[i], t[i] == '\n' ? 3 : 1);
}

/* A reordered line's words as they stand from left to right, each in its own (logical)
 * order: what UAX #9 made of the line, readable. A word ends at a space glyph or a gap. */
static void visual_words(cv_buf *b, const cv_page *pg, const cv_pline *l)
{
    size_t n = l->g1 - l->g0, m = 0;
    size_t *ord = malloc((n ? n : 1) * sizeof *ord);
    if (!ord) {
        b->oom = true;
        return;
    }
    /* the line's own text only: a list marker's lives elsewhere, and ordering by where text
     * lives in memory must not depend on the heap */
    for (size_t k = l->g0; k < l->g1; k++) {
        const cv_pglyph *g = &pg->glyphs.v[k];
        if (g->text && g->tlen && g->mode == CV_GM_TEXT && l->text && g->text >= l->text &&
            g->text < l->text + l->tlen)
            ord[m++] = k;
    }
    /* by x, then by text (insertion sort: a line has few glyphs) */
    for (size_t i = 1; i < m; i++)
        for (size_t j = i; j > 0; j--) {
            const cv_pglyph *a = &pg->glyphs.v[ord[j - 1]], *c = &pg->glyphs.v[ord[j]];
            if (a->x < c->x || (a->x == c->x && a->text <= c->text))
                break;
            size_t t = ord[j];
            ord[j] = ord[j - 1];
            ord[j - 1] = t;
        }
    cv_buf_puts(b, "\n    visual |");
    for (size_t i = 0; i < m;) {
        /* a word: glyphs up to a space, in text order */
        size_t j = i;
        while (j < m && pg->glyphs.v[ord[j]].text[0] != ' ')
            j++;
        for (size_t a = i + 1; a < j; a++)
            for (size_t c = a; c > i && pg->glyphs.v[ord[c - 1]].text > pg->glyphs.v[ord[c]].text; c--) {
                size_t t = ord[c];
                ord[c] = ord[c - 1];
                ord[c - 1] = t;
            }
        if (j > i)
            cv_buf_puts(b, " ");
        for (size_t a = i; a < j; a++)
            text(b, pg->glyphs.v[ord[a]].text, pg->glyphs.v[ord[a]].tlen);
        i = j < m ? j + 1 : j;
    }
    free(ord);
}


int cv_trace(const cv_pages *pages, cv_buf *out)
{
    static const char *roles[5] = {"space", "cjk", "hl", "punct", "fill"};
    cv_page page;
    memset(&page, 0, sizeof page);
    for (size_t p = 0; p < pages->pages.n; p++) {
        if (cv_page_get(pages, p, &page)) {
            cv_page_free(&page);
            return -1;
        }
        const cv_page *pg = &page;
        cv_buf_printf(out, "page %zu\n", p + 1);
        for (size_t k = 0; k < pg->marks.n; k++) {
            if (pg->marks.v[k].level)
                cv_buf_printf(out, "  mark h%d y=", pg->marks.v[k].level);
            else
                cv_buf_puts(out, "  anchor y=");
            pt(out, pg->marks.v[k].y);
            cv_buf_puts(out, " | ");
            text(out, pg->marks.v[k].text, pg->marks.v[k].tlen);
            cv_buf_puts(out, "\n");
        }
        for (size_t k = 0; k < pg->lines.n; k++) {
            const cv_pline *l = &pg->lines.v[k];
            cv_buf_puts(out, "  line y=");
            pt(out, l->y);
            cv_buf_puts(out, " x=");
            pt(out, l->x);
            cv_buf_puts(out, " w=");
            pt(out, l->width);
            cv_buf_printf(out, " r=%s%d.%03d", l->ratio < 0 ? "-" : "+", (l->ratio < 0 ? -l->ratio : l->ratio) / 1000,
                          (l->ratio < 0 ? -l->ratio : l->ratio) % 1000);
            if (l->hyphen)
                cv_buf_puts(out, " hyphen");
            for (int r = 0; r < 4; r++)
                if (l->glue_n[r]) {
                    cv_buf_printf(out, " %s=%u@", roles[r], l->glue_n[r]);
                    pt(out, l->glue_w[r] / l->glue_n[r]);
                }
            if (l->bidi)
                cv_buf_puts(out, l->bidi == 2 ? " rtl" : " bidi");
            if (l->lang)
                cv_buf_printf(out, " lang=%s", l->lang);
            cv_buf_puts(out, " | ");
            text(out, l->text, l->tlen);
            if (l->bidi)
                visual_words(out, pg, l);
            cv_buf_puts(out, "\n");
        }
        for (size_t k = 0; k < pg->rules.n; k++) {
            const cv_prule *r = &pg->rules.v[k];
            if (r->x0 == r->x1)
                continue; /* quote bars repeat every line; the lines say enough */
            if (r->fill) {
                cv_buf_puts(out, "  fill y=");
                pt(out, r->y0);
                cv_buf_puts(out, " h=");
                pt(out, r->y1 - r->y0);
                cv_buf_puts(out, " x=");
                pt(out, r->x0);
                cv_buf_puts(out, "..");
                pt(out, r->x1);
                cv_buf_puts(out, "\n");
                continue;
            }
            cv_buf_puts(out, "  rule y=");
            pt(out, r->y0);
            cv_buf_puts(out, " x=");
            pt(out, r->x0);
            cv_buf_puts(out, "..");
            pt(out, r->x1);
            cv_buf_puts(out, "\n");
        }
    }
    cv_page_free(&page);
    return out->oom ? -1 : 0;
}
