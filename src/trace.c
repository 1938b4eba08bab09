/* trace.c: a readable dump of the laid-out pages, for golden tests (`cvpdf --trace`).
 *
 * One line per laid-out line: its baseline and left edge, its set width, the glue set ratio
 * (thousandths: + stretched, − shrunk), "hyphen" when it ends with a hyphenation hyphen, the
 * glue it holds by kind with their set widths (space, cjk: between CJK characters, hl: Han
 * beside Latin, punct: the blank half of a CJK mark), and its source text. Rules and outline
 * marks are listed too. Every number is fixed-point printed without floats, so a trace is
 * the same on every machine with the same fonts.
 */
#include <string.h>

#include "trace.h"

static void pt(cv_buf *b, cvu v) { cv_buf_fixed(b, v, 2); }

static void text(cv_buf *b, const char *t, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        cv_buf_add(b, t[i] == '\n' ? "\xE2\x86\xB5" : &t[i], t[i] == '\n' ? 3 : 1);
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
            cv_buf_printf(out, "  mark h%d y=", pg->marks.v[k].level);
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
            cv_buf_puts(out, " | ");
            text(out, l->text, l->tlen);
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
