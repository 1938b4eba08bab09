/* pdf.c: pages to PDF bytes through libharu's object layer.
 *
 * Order: collect the glyphs each face uses, subset and build the fonts (pdffont.c), write
 * each page's content stream, its link annotations and the outline, then the ToUnicode maps
 * (complete only once every page has been seen), the document info and the catalog's /Lang.
 *
 * Text is drawn glyph-exact: each glyph sits where layout put it. Within a TJ array a glyph
 * advances by its /W width, so a number before it makes up the difference between that and
 * the shaped position (kerning); rounding never accumulates because every correction is
 * computed from the absolute position. A cluster of several glyphs, or a glyph whose code
 * already maps to other text, is wrapped in /ActualText so copy and paste stays exact.
 * libharu's own text functions are never used (they re-encode text through a cmap).
 * Numbers are printed with integer arithmetic: a host's locale cannot put commas in them.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "pdf.h"

typedef struct pdf_state {
    cv_ctx *ctx;
    HPDF_STATUS err, detail;
} pdf_state;

static void on_error(HPDF_STATUS error_no, HPDF_STATUS detail_no, void *user)
{
    pdf_state *st = user;
    if (!st->err) {
        st->err = error_no;
        st->detail = detail_no;
    }
}

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

static void put_actual_text(cv_buf *b, const char *text, uint32_t len)
{
    size_t ul;
    unsigned char *u = cv_utf16be(text, len, true, &ul);
    if (!u) {
        b->oom = true;
        return;
    }
    cv_buf_puts(b, "/Span<</ActualText<");
    for (size_t k = 0; k < ul; k++)
        cv_buf_printf(b, "%02X", u[k]);
    cv_buf_puts(b, ">>>BDC\n");
    free(u);
}

/* Registers the ToUnicode text of a cluster's glyphs; true when that cannot carry the
 * cluster's text exactly, so the caller adds /ActualText. A cluster of as many glyphs as
 * characters maps one to one (an emoji and its variation selector); otherwise the first
 * glyph takes the whole text (a ligature), but never several characters with an astral one
 * among them: MuPDF 1.21 splits such a string into lone surrogates. */
static bool map_cluster(struct cv_pdffont *f, const cv_pglyph *g, size_t ncl)
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
    if (ncl == ncp && ncl > 1) {
        size_t i = 0;
        for (size_t k = 0; k < ncl; k++) {
            size_t s = i;
            cv_utf8_next(t, len, &i);
            long kk = cv_pdffont_find(f, g[k].gid);
            if (kk < 0 || !cv_pdffont_map(f, kk, t + s, (uint32_t)(i - s)))
                lossy = true;
        }
        return lossy;
    }
    long k0 = cv_pdffont_find(f, g->gid);
    size_t first = 0;
    cv_utf8_next(t, len, &first);
    size_t take = astral && ncp > 1 ? first : len;
    if (k0 < 0 || !cv_pdffont_map(f, k0, t, (uint32_t)take))
        lossy = true;
    return lossy || take < len || ncl > 1;
}

/* How far (1/100 pt) a glyph may sit from where the widths put it before a TJ number moves
 * it: positions are kept in 1/65536 pt and widths to a millionth of an em, so without slack
 * every few glyphs would carry a correction of a thousandth of a point. */
#define TJ_SLACK (CVU_PT / 100)

/* The least resolution colour emoji are embedded at, for the largest size each is shown:
 * Noto Color Emoji's 109 ppem strike is reduced by whole factors, 3 for text up to 10.4 pt
 * (262 dpi at 10 pt), 2 up to 15.5 pt (302 dpi at 13 pt), the strike itself above. The strike
 * halved for every size, as before, made the English résumé 2 KB larger for no visible
 * difference in print. */
#define EMOJI_DPI 250

/* A glyph code as `digits` hex digits, without printf (one call per glyph showed in profiles) */
static void put_hex(cv_buf *b, uint32_t code, int digits)
{
    static const char hex[] = "0123456789ABCDEF";
    char d[8];
    for (int i = digits - 1; i >= 0; i--, code >>= 4)
        d[i] = hex[code & 15];
    cv_buf_add(b, d, (size_t)digits);
}

/* Ends a TJ array, closing a run of glyph codes. */
static void end_tj(cv_buf *b, bool *hex)
{
    cv_buf_puts(b, *hex ? ">]TJ\n" : "]TJ\n");
    *hex = false;
}

/* The content stream of one page: rules, then glyphs drawn as outlines (the visible hyphen
 * and tail of a hyphenated word), then one text object with all the text. */
static void page_content(cv_buf *b, const cv_page *pg, cvu page_h, struct cv_pdffont **fonts,
                         const char **font_names, cv_fonts *faces)
{
    uint32_t cur_stroke = 0xFFFFFFFF;
    cvu cur_w = -1;
    /* fills first (table shading), then rules over them */
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
    if (!any_text)
        return;
    cv_buf_puts(b, "BT\n");
    int cur_face = -1;
    cvu cur_size = -1, pen = 0, line_y = -1;
    uint32_t cur_fill = 0xFFFFFFFF;
    bool in_tj = false;
    bool hex = false; /* inside a <...> run of glyph codes */
    size_t span_left = 0; /* glyphs left in a hyphenated word's /ActualText span */
    for (size_t i = 0; i < pg->glyphs.n;) {
        const cv_pglyph *g = &pg->glyphs.v[i];
        if (g->mode == CV_GM_PATH || g->image >= 0) {
            i++;
            continue;
        }
        if (g->aspan && !span_left) {
            if (in_tj)
                end_tj(b, &hex);
            in_tj = false;
            put_actual_text(b, g->atext, g->alen);
            span_left = g->aspan;
        }
        struct cv_pdffont *f = fonts[g->face];
        /* a cluster: ncl glyphs from i */
        size_t ncl = g->ncl ? g->ncl : 1;
        if (i + ncl > pg->glyphs.n)
            ncl = pg->glyphs.n - i;
        bool actual = f && g->tlen && map_cluster(f, pg->glyphs.v + i, ncl) && !span_left;
        bool invisible = g->mode == CV_GM_INVISIBLE;
        bool restate = g->face != cur_face || g->size != cur_size || g->y != line_y ||
                       g->color != cur_fill || actual || invisible;
        if (restate && in_tj) {
            end_tj(b, &hex);
            in_tj = false;
        }
        if (g->color != cur_fill) {
            put_color(b, g->color, false);
            cur_fill = g->color;
        }
        if (g->face != cur_face || g->size != cur_size) {
            cv_buf_printf(b, "/%s ", font_names[g->face]);
            put_num(b, g->size);
            cv_buf_puts(b, " Tf\n");
            cur_face = g->face;
            cur_size = g->size;
        }
        if (invisible) {
            /* the rest of a hyphenated word: text for extractors, neither seen nor wide
             * (render mode 3, 1% horizontal scale), right where the head ends */
            cv_buf_puts(b, "3 Tr 1 Tz 1 0 0 1 ");
            put_point(b, g->x, g->y, page_h);
            cv_buf_puts(b, " Tm[");
            size_t j = i;
            for (; j < pg->glyphs.n && pg->glyphs.v[j].mode == CV_GM_INVISIBLE &&
                   pg->glyphs.v[j].face == g->face && pg->glyphs.v[j].size == g->size;
                 j++) {
                const cv_pglyph *h = &pg->glyphs.v[j];
                long kk = f ? cv_pdffont_find(f, h->gid) : -1;
                if (h->tlen && kk >= 0)
                    cv_pdffont_map(f, kk, h->text, h->tlen);
                cv_buf_printf(b, f && f->type3 ? "<%02X>" : "<%04X>", kk >= 0 ? f->codes[kk] : 0);
            }
            cv_buf_puts(b, "]TJ 0 Tr 100 Tz\n");
            line_y = -1; /* the next glyph restates its position */
            if (span_left) {
                span_left = span_left > j - i ? span_left - (j - i) : 0;
                if (!span_left)
                    cv_buf_puts(b, "EMC\n");
            }
            i = j;
            continue;
        }
        if (actual)
            put_actual_text(b, g->text, g->tlen);
        for (size_t k = i; k < i + ncl; k++) {
            const cv_pglyph *h = &pg->glyphs.v[k];
            long kk = f ? cv_pdffont_find(f, h->gid) : -1;
            uint32_t code = kk >= 0 ? f->codes[kk] : 0;
            int width = kk >= 0 ? f->widths[kk] : 0;
            if (!in_tj || h->y != line_y) {
                if (in_tj)
                    end_tj(b, &hex);
                cv_buf_puts(b, "1 0 0 1 ");
                put_point(b, h->x, h->y, page_h);
                cv_buf_puts(b, " Tm[");
                in_tj = true;
                hex = false;
                pen = h->x;
                line_y = h->y;
            }
            /* The viewer places each glyph at the end of the one before (pen, from the
             * widths in the font); only kerning, justification and drift of more than
             * TJ_SLACK need a TJ number, positive to the left in thousandths of the size. */
            cvu diff = h->x - pen;
            if (diff > TJ_SLACK || diff < -TJ_SLACK) {
                /* in tenths of a thousandth of an em, rounded (0.001 pt at 10 pt): the word
                 * spaces of a justified line come out the same number */
                int64_t tenths = -(diff * 10000 + (diff >= 0 ? h->size / 2 : -h->size / 2)) / h->size;
                cv_buf_puts(b, hex ? "> " : " ");
                cv_buf_fixed(b, tenths * 65536 / 10, 1);
                cv_buf_puts(b, " ");
                hex = false;
                pen -= (cvu)(tenths * h->size / 10000);
            }
            if (!hex)
                cv_buf_puts(b, "<");
            hex = true;
            put_hex(b, code, f && f->type3 ? 2 : 4);
            pen += (cvu)((int64_t)width * h->size / 1000000);
            if (f && f->type3 && k == i && h->tlen) {
                /* an emoji's other characters, as zero-width blank glyphs */
                size_t q = 0;
                cv_utf8_next(h->text, h->tlen, &q);
                while (q < h->tlen) {
                    uint32_t xc = cv_pdffont_extra(f, cv_utf8_next(h->text, h->tlen, &q));
                    if (xc)
                        put_hex(b, xc, 2);
                }
            }
        }
        if (actual) {
            end_tj(b, &hex);
            cv_buf_puts(b, "EMC\n");
            in_tj = false;
        }
        i += ncl;
        if (span_left) {
            span_left = span_left > ncl ? span_left - ncl : 0;
            if (!span_left) {
                if (in_tj)
                    end_tj(b, &hex);
                in_tj = false;
                cv_buf_puts(b, "EMC\n");
            }
        }
    }
    if (in_tj)
        end_tj(b, &hex);
    if (span_left)
        cv_buf_puts(b, "EMC\n");
    cv_buf_puts(b, "ET\n");
}

/* A PDF text string (bookmark titles, document info): printable ASCII as a literal string
 * (PDFDocEncoding agrees with ASCII there), anything else UTF-16BE with a byte-order mark,
 * twice the bytes written as hex. */
static void *text_string(HPDF_MMgr mm, const char *s, size_t len)
{
    size_t ul;
    /* newlines inside a heading become spaces in its bookmark */
    char *t = cv_strndup(s, len);
    if (!t)
        return NULL;
    bool ascii = true;
    for (size_t i = 0; i < len; i++) {
        if (t[i] == '\n')
            t[i] = ' ';
        ascii &= t[i] >= 0x20 && t[i] < 0x7F;
    }
    if (ascii) {
        HPDF_String str = HPDF_String_New(mm, t, NULL);
        free(t);
        return str;
    }
    unsigned char *u = cv_utf16be(t, len, true, &ul);
    free(t);
    if (!u)
        return NULL;
    HPDF_Binary bin = HPDF_Binary_New(mm, u, (HPDF_UINT)ul);
    free(u);
    return bin;
}

/* A URI for a link annotation, ASCII only: other bytes are percent-encoded. Which targets
 * may be clickable was decided by build.c; NULL means none. */
static char *link_uri(const char *url)
{
    if (!url)
        return NULL;
    cv_buf b = {0};
    for (const unsigned char *p = (const unsigned char *)url; *p; p++) {
        if (*p > 0x20 && *p < 0x7F && *p != '\\' && *p != '(' && *p != ')')
            cv_buf_add(&b, p, 1);
        else
            cv_buf_printf(&b, "%%%02X", *p);
    }
    if (b.oom) {
        cv_buf_free(&b);
        return NULL;
    }
    return b.p;
}

static double pt(cvu v) { return (double)v / CVU_PT; }

typedef CV_VEC(uint32_t) glyph_list;

typedef struct subset_job {
    cv_face *face;
    const glyph_list *glyphs;
    pthread_t thread;
    bool started;
} subset_job;

static void *subset_one(void *arg)
{
    subset_job *j = arg;
    cv_subset sub;
    if (!cv_subset_face(j->face, j->glyphs->v, j->glyphs->n, &sub))
        cv_subset_free(&sub); /* the face's memo keeps it for cv_pdffont_new */
    return NULL;
}

/* The subsets of the outline faces, made at once on threads of their own: hb-subset of the
 * two weights of a CJK face is the longest step of a Chinese résumé. Each face remembers its
 * subset (subset.c), where cv_pdffont_new then finds it; the bytes are the same as made one
 * after the other. Nothing is made here when the faces remember them already (a cache). */
static void subset_ahead(cv_fonts *fonts, const glyph_list *glyphs, int nf)
{
    subset_job jobs[8];
    int nj = 0;
    for (int fi = 0; fi < nf && nj < 8; fi++) {
        cv_face *face = cv_fonts_face(fonts, fi);
        if (glyphs[fi].n && !cv_face_get_info(face)->color && !cv_subset_known(face, glyphs[fi].v, glyphs[fi].n))
            jobs[nj++] = (subset_job){face, &glyphs[fi], 0, false};
    }
    if (nj < 2)
        return; /* nothing to overlap */
    for (int i = 0; i < nj; i++)
        jobs[i].started = !pthread_create(&jobs[i].thread, NULL, subset_one, &jobs[i]);
    for (int i = 0; i < nj; i++)
        if (jobs[i].started)
            pthread_join(jobs[i].thread, NULL);
}

int cv_pdf_write(cv_ctx *ctx, cv_fonts *fonts, const cv_pages *pages, const cv_docinfo *info,
                 unsigned char **out, size_t *out_len)
{
    *out = NULL;
    *out_len = 0;
    pdf_state pst = {ctx, 0, 0};
    HPDF_Doc pdf = HPDF_New(on_error, &pst);
    if (!pdf)
        return -1;
    int rc = -1;
    int nf = cv_fonts_count(fonts);
    /* (arrays of pointers: sizeof a pointer is meant) */
    struct cv_pdffont **pf = calloc((size_t)(nf ? nf : 1), sizeof *pf);          /* NOLINT(bugprone-sizeof-expression) */
    HPDF_Image *himg = calloc(info->nimages ? info->nimages : 1, sizeof *himg); /* NOLINT(bugprone-sizeof-expression) */
    const char **names = calloc((size_t)(nf ? nf : 1), sizeof *names);
    glyph_list *face_glyphs = NULL; /* per face, the glyphs it draws, ascending */
    cv_buf content = {0};
    if (!pf || !names || !himg)
        goto done;
    HPDF_SetCompressionMode(pdf, HPDF_COMP_ALL);

    /* 1. fonts: the glyphs each face uses (a bitmap over its glyph ids, so the set comes out
     * sorted and unique in linear time), subset once */
    face_glyphs = calloc((size_t)(nf ? nf : 1), sizeof *face_glyphs);
    if (!face_glyphs)
        goto done;
    for (int fi = 0; fi < nf; fi++) {
        unsigned ng = cv_face_get_info(cv_fonts_face(fonts, fi))->nglyphs;
        uint8_t *seen = calloc(ng ? ng : 1, 1);
        if (!seen)
            goto done;
        bool any = false;
        for (size_t p = 0; p < pages->pages.n; p++)
            for (size_t k = 0; k < pages->pages.v[p].glyphs.n; k++) {
                const cv_pglyph *g = &pages->pages.v[p].glyphs.v[k];
                if (g->face == fi && g->image < 0 && g->gid < ng)
                    seen[g->gid] = any = true;
            }
        for (unsigned gid = 0; any && gid < ng; gid++)
            if (seen[gid] && CV_PUSH(face_glyphs[fi], gid)) {
                free(seen);
                goto done;
            }
        free(seen);
    }
    int ahead_stage = cv_stage(ctx, CV_T_SUBSET);
    subset_ahead(fonts, face_glyphs, nf);
    cv_stage(ctx, ahead_stage);
    for (int fi = 0; fi < nf; fi++) {
        const glyph_list *used = &face_glyphs[fi];
        if (!used->n)
            continue;
        cv_face *face = cv_fonts_face(fonts, fi);
        unsigned fidx = 0;
        const char *fpath = cv_fonts_path(fonts, fi, &fidx);
        if (cv_face_get_info(face)->color && fpath) {
            /* the characters after the first of each multi-character emoji */
            CV_VEC(uint32_t) extra;
            memset(&extra, 0, sizeof extra);
            for (size_t p = 0; p < pages->pages.n; p++)
                for (size_t k = 0; k < pages->pages.v[p].glyphs.n; k++) {
                    const cv_pglyph *g = &pages->pages.v[p].glyphs.v[k];
                    if (g->face != fi || !g->tlen)
                        continue;
                    size_t q = 0;
                    cv_utf8_next(g->text, g->tlen, &q);
                    while (q < g->tlen) {
                        uint32_t cp = cv_utf8_next(g->text, g->tlen, &q);
                        bool have = false;
                        for (size_t e = 0; e < extra.n; e++)
                            have |= extra.v[e] == cp;
                        if (!have && CV_PUSH(extra, cp))
                            ctx->oom = true;
                    }
                }
            /* each emoji at EMOJI_DPI at the largest size it is shown */
            int *ppems = calloc(used->n, sizeof *ppems);
            if (!ppems) {
                free(extra.v);
                goto done;
            }
            for (size_t p = 0; p < pages->pages.n; p++)
                for (size_t k = 0; k < pages->pages.v[p].glyphs.n; k++) {
                    const cv_pglyph *g = &pages->pages.v[p].glyphs.v[k];
                    if (g->face != fi || g->image >= 0)
                        continue;
                    int ppem = (int)((g->size * EMOJI_DPI + 72 * CVU_PT - 1) / (72 * CVU_PT));
                    for (size_t u = 0; u < used->n; u++)
                        if (used->v[u] == g->gid && ppem > ppems[u])
                            ppems[u] = ppem;
                }
            int stage = cv_stage(ctx, CV_T_SUBSET);
            pf[fi] = cv_pdffont_new_type3(pdf, face, fpath, fidx, used->v, ppems, used->n, extra.v, extra.n);
            cv_stage(ctx, stage);
            free(ppems);
            free(extra.v);
        } else {
            int stage = cv_stage(ctx, CV_T_SUBSET);
            pf[fi] = cv_pdffont_new(pdf, face, used->v, used->n);
            cv_stage(ctx, stage);
        }
        if (!pf[fi]) {
            cv_diag(ctx, CVPDF_ERROR, 0, 0, "cannot embed font %s",
                    cv_face_get_info(cv_fonts_face(fonts, fi))->psname);
            goto done;
        }
    }

    /* 2. pages */
    CV_VEC(HPDF_Page) hp;
    memset(&hp, 0, sizeof hp);
    for (size_t p = 0; p < pages->pages.n; p++) {
        const cv_page *pg = &pages->pages.v[p];
        HPDF_Page page = HPDF_AddPage(pdf);
        if (!page || CV_PUSH(hp, page)) { /* NOLINT(bugprone-sizeof-expression): a vector of HPDF_Page pointers */
            free(hp.v);
            goto done;
        }
        HPDF_Page_SetWidth(page, (HPDF_REAL)pt(pages->width));
        HPDF_Page_SetHeight(page, (HPDF_REAL)pt(pages->height));
        for (int fi = 0; fi < nf; fi++)
            names[fi] = NULL;
        for (size_t k = 0; k < pg->glyphs.n; k++) {
            int fi = pg->glyphs.v[k].face;
            if (pg->glyphs.v[k].image < 0 && pf[fi] && !names[fi])
                names[fi] = HPDF_Page_GetLocalFontName(page, (HPDF_Font)pf[fi]->type0);
        }
        /* images, each decoded and embedded once however often it is shown */
        for (size_t k = 0; k < pg->glyphs.n; k++) {
            const cv_pglyph *g = &pg->glyphs.v[k];
            if (g->image < 0 || (size_t)g->image >= info->nimages)
                continue;
            const cv_image *im = &info->images[g->image];
            if (!himg[g->image]) {
                HPDF_STATUS saved = pst.err;
                himg[g->image] = im->format == CV_IMG_PNG
                                     ? HPDF_LoadPngImageFromMem(pdf, im->data, (HPDF_UINT)im->len)
                                     : HPDF_LoadJpegImageFromMem(pdf, im->data, (HPDF_UINT)im->len);
                if (!himg[g->image]) {
                    /* a damaged file: its alt text is already on the page, invisibly */
                    cv_diag(ctx, CVPDF_WARNING, 0, 0, "image '%.200s' cannot be decoded; it is left out", im->src);
                    pst.err = saved;
                    HPDF_ResetError(pdf);
                    himg[g->image] = (HPDF_Image)-1;
                }
            }
            if (himg[g->image] != (HPDF_Image)-1)
                HPDF_Page_DrawImage(page, himg[g->image], (HPDF_REAL)pt(g->x),
                                    (HPDF_REAL)pt(pages->height - g->y), (HPDF_REAL)pt(g->iw),
                                    (HPDF_REAL)pt(g->ih));
        }
        content.len = 0;
        page_content(&content, pg, pages->height, pf, names, fonts);
        if (content.oom) {
            free(hp.v);
            goto done;
        }
        HPDF_PageAttr attr = (HPDF_PageAttr)page->attr;
        HPDF_Stream_Write(attr->stream, (const HPDF_BYTE *)content.p, (HPDF_UINT)content.len);
        for (size_t k = 0; k < pg->links.n; k++) {
            const cv_plink *lk = &pg->links.v[k];
            if (lk->link < 0 || (size_t)lk->link >= info->nlinks)
                continue;
            char *uri = link_uri(info->links[lk->link]);
            if (!uri)
                continue;
            HPDF_Rect r = {(HPDF_REAL)pt(lk->x0), (HPDF_REAL)pt(pages->height - lk->y1),
                           (HPDF_REAL)pt(lk->x1), (HPDF_REAL)pt(pages->height - lk->y0)};
            HPDF_Annotation a = HPDF_Page_CreateURILinkAnnot(page, r, uri);
            free(uri);
            if (a)
                HPDF_LinkAnnot_SetBorderStyle(a, 0, 0, 0);
        }
    }

    /* 3. the outline: headings nest by level */
    HPDF_Outline stack[7] = {0};
    int stack_level[7] = {0};
    int depth = 0;
    for (size_t p = 0; p < pages->pages.n; p++) {
        for (size_t k = 0; k < pages->pages.v[p].marks.n; k++) {
            const cv_pmark *m = &pages->pages.v[p].marks.v[k];
            while (depth > 0 && stack_level[depth - 1] >= m->level)
                depth--;
            HPDF_Outline parent = depth ? stack[depth - 1] : NULL;
            HPDF_Outline o = HPDF_CreateOutline(pdf, parent, "", NULL);
            if (!o)
                continue;
            void *title = text_string(pdf->mmgr, m->text, m->tlen);
            if (title)
                HPDF_Dict_Add(o, "Title", title);
            HPDF_Destination d = HPDF_Page_CreateDestination(hp.v[p]);
            if (d) {
                /* [page /XYZ left top null]: null keeps the reader's zoom, which libharu's
                 * HPDF_Destination_SetXYZ cannot express */
                HPDF_Array_Clear(d);
                HPDF_Array_Add(d, hp.v[p]);
                HPDF_Array_AddName(d, "XYZ");
                HPDF_Array_AddNumber(d, 0);
                HPDF_Array_AddNumber(d, (HPDF_INT32)((pages->height - m->y) / CVU_PT));
                HPDF_Array_Add(d, HPDF_Null_New(pdf->mmgr));
                HPDF_Outline_SetDestination(o, d);
            }
            HPDF_Outline_SetOpened(o, HPDF_TRUE);
            if (depth < 7) {
                stack[depth] = o;
                stack_level[depth] = m->level;
                depth++;
            }
        }
    }
    free(hp.v);

    /* 4. ToUnicode maps, now that every page has registered its text */
    for (int fi = 0; fi < nf; fi++)
        if (pf[fi] && cv_pdffont_finish(pf[fi]))
            goto done;

    /* 5. document info and catalog */
    HPDF_SetInfoAttr(pdf, HPDF_INFO_PRODUCER, info->producer);
    HPDF_SetInfoAttr(pdf, HPDF_INFO_CREATOR, info->producer);
    if (info->title && *info->title)
        HPDF_Dict_Add(pdf->info, "Title", text_string(pdf->mmgr, info->title, strlen(info->title)));
    if (info->author && *info->author)
        HPDF_Dict_Add(pdf->info, "Author", text_string(pdf->mmgr, info->author, strlen(info->author)));
    if (info->date >= 0) {
        time_t t = (time_t)info->date;
        struct tm tm;
        if (gmtime_r(&t, &tm)) {
            HPDF_Date d = {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                           tm.tm_sec, 'Z', 0, 0};
            HPDF_SetInfoDateAttr(pdf, HPDF_INFO_CREATION_DATE, d);
            HPDF_SetInfoDateAttr(pdf, HPDF_INFO_MOD_DATE, d);
        }
    }
    if (info->lang && *info->lang)
        HPDF_Dict_Add(pdf->catalog, "Lang", HPDF_String_New(pdf->mmgr, info->lang, NULL));
    pdf->pdf_version = HPDF_VER_17;

    if (pst.err || HPDF_SaveToStream(pdf) != HPDF_OK)
        goto done;
    HPDF_UINT32 size = HPDF_GetStreamSize(pdf);
    unsigned char *buf = malloc(size ? size : 1);
    if (!buf)
        goto done;
    HPDF_UINT32 got = 0;
    while (got < size) {
        HPDF_UINT32 n = size - got;
        HPDF_STATUS s = HPDF_ReadFromStream(pdf, buf + got, &n);
        got += n;
        if (s != HPDF_OK || n == 0)
            break;
    }
    if (got != size) {
        free(buf);
        goto done;
    }
    *out = buf;
    *out_len = size;
    rc = 0;
done:
    if (rc && pst.err)
        cv_diag(ctx, CVPDF_ERROR, 0, 0, "PDF writer error 0x%04X (detail %u)", (unsigned)pst.err,
                (unsigned)pst.detail);
    for (int fi = 0; fi < nf; fi++)
        cv_pdffont_free(pf ? pf[fi] : NULL);
    free(pf);
    free(himg);
    free(names);
    for (int fi = 0; face_glyphs && fi < nf; fi++)
        free(face_glyphs[fi].v);
    free(face_glyphs);
    cv_buf_free(&content);
    HPDF_Free(pdf);
    return rc;
}
