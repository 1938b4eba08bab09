/* pdf.c: pages to PDF bytes through libharu's object layer (with pdfcontent.c and pdffont.c,
 * the only libharu clients).
 *
 * The steps, each a function below: collect the glyphs each face uses, subset and build the
 * fonts (pdffont.c); write each page (its content stream from pdfcontent.c, its images and
 * link annotations); the outline; the ToUnicode maps (complete only once every page has been
 * seen); the document info and the catalog's /Lang; then save. Pages are turned into display
 * lists one at a time (cv_page_get), so a long document's pages are never all held at once.
 * libharu's own text functions are never used (they re-encode text through a cmap).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "deflate.h"
#include "pdf.h"
#include "pdfpack.h"

typedef struct pdf_state {
    cv_ctx *ctx;
    HPDF_STATUS err, detail;
} pdf_state;

static void on_error(HPDF_STATUS error_no, HPDF_STATUS detail_no, void *user)
{
    pdf_state *st = user;
    if (error_no == HPDF_FAILD_TO_ALLOC_MEM) /* libharu's, or ours (pdffont.c says it so) */
        st->ctx->oom = true;
    if (!st->err) {
        st->err = error_no;
        st->detail = detail_no;
    }
}

/* The least resolution colour emoji are embedded at, for the largest size each is shown:
 * Noto Color Emoji's 109 ppem strike is reduced by whole factors, 3 for text up to 10.4 pt
 * (262 dpi at 10 pt), 2 up to 15.5 pt (302 dpi at 13 pt), the strike itself above. The strike
 * halved for every size, as before, made the English résumé 2 KB larger for no visible
 * difference in print. */
#define EMOJI_DPI 250

/* A PDF text string (bookmark titles, document info): printable ASCII as a literal string
 * (PDFDocEncoding agrees with ASCII there), anything else UTF-16BE with a byte-order mark,
 * twice the bytes written as hex. */
void *cv_pdf_text_string(HPDF_MMgr mm, const char *s, size_t len)
{
    size_t ul;
    /* newlines inside a heading become spaces in its bookmark */
    char *t = cv_strndup(s, len);
    if (!t) {
        HPDF_RaiseError(mm->error, HPDF_FAILD_TO_ALLOC_MEM, 0);
        return NULL;
    }
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
    if (!u) {
        HPDF_RaiseError(mm->error, HPDF_FAILD_TO_ALLOC_MEM, 0);
        return NULL;
    }
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
    cv_memo *memo;
    const char *disk;
    cv_face *face;
    const glyph_list *glyphs;
    pthread_t thread;
    bool started;
} subset_job;

static void *subset_one(void *arg)
{
    subset_job *j = arg;
    cv_subset sub;
    if (!cv_subset_face(j->memo, j->disk, j->face, j->glyphs->v, j->glyphs->n, &sub))
        cv_subset_free(&sub); /* the memo keeps it for cv_pdffont_new */
    return NULL;
}

/* The subsets of the outline faces, made at once on threads of their own: hb-subset of the
 * two weights of a CJK face is the longest step of a Chinese résumé. The memo remembers each
 * subset (subset.c), where cv_pdffont_new then finds it; the bytes are the same as made one
 * after the other. Nothing is made here when the memo holds them already (a cache). */
static void subset_ahead(cv_memo *memo, const char *disk, cv_fonts *fonts, const glyph_list *glyphs, int nf)
{
    if (!memo)
        return; /* nowhere to keep them */
    subset_job jobs[8];
    int nj = 0;
    for (int fi = 0; fi < nf && nj < 8; fi++) {
        cv_face *face = cv_fonts_face(fonts, fi);
        if (glyphs[fi].n && !cv_face_get_info(face)->color && !cv_subset_known(memo, face, glyphs[fi].v, glyphs[fi].n))
            jobs[nj++] = (subset_job){memo, disk, face, &glyphs[fi], 0, false};
    }
    if (nj < 2)
        return; /* nothing to overlap */
    for (int i = 0; i < nj; i++)
        jobs[i].started = !pthread_create(&jobs[i].thread, NULL, subset_one, &jobs[i]);
    for (int i = 0; i < nj; i++)
        if (jobs[i].started)
            pthread_join(jobs[i].thread, NULL);
}


/* A link to an anchor, on page `page`. */
typedef struct goto_link {
    size_t page;
    HPDF_Rect r;
    int32_t anchor;
    int32_t link;
} goto_link;

/* An outline entry, met on a page. */
typedef struct mark_at {
    size_t page;
    cv_pmark m;
} mark_at;

typedef struct writer {
    cv_ctx *ctx;
    HPDF_Doc pdf;
    pdf_state pst;
    cv_fonts *fonts;
    const cv_pages *pages;
    const cv_docinfo *info;
    int nf;
    struct cv_pdffont **pf;  /* per face, its PDF font */
    HPDF_Image *himg;        /* per image, loaded once; (HPDF_Image)-1 when it cannot be */
    const char **names;      /* per face, its resource name on the current page */
    glyph_list *face_glyphs; /* per face, the glyphs it draws, ascending */
    glyph_list *extras;      /* per colour face, the characters after the first of each emoji */
    cv_map *ppems;           /* per colour face, gid -> the largest ppem it is shown at */
    cv_page page;            /* the display list of the page being written */
    cv_buf content;
    cv_deflater *zip;        /* compresses every stream (deflate.c) */
    CV_VEC(HPDF_Page) hp;
    CV_VEC(mark_at) marks;
    size_t *anchor_page;     /* per anchor, the page its mark is on, or SIZE_MAX */
    cvu *anchor_y;           /* and its place, from the page's top */
    CV_VEC(goto_link) gotos; /* links inside the document, made once every page exists */
    cv_tags tags;            /* the structure tree */
    cv_pdfraw raw;           /* its objects, as text (pdftags.c) */
    cv_pagetags *pt;         /* per page, its marked content */
    CV_VEC(HPDF_Dict) annots; /* the link annotations (their pages: the tree's OBJR kids) */
} writer;

/* A synthetic face's glyphs are its base face's, drawn emboldened or slanted. */
static void resolve_synthetic(writer *w)
{
    for (size_t k = 0; k < w->page.glyphs.n; k++) {
        cv_pglyph *g = &w->page.glyphs.v[k];
        int synth;
        int base = cv_fonts_base(w->fonts, g->face, &synth);
        if (base != g->face && base >= 0) {
            g->face = (uint16_t)base;
            g->synth = (uint8_t)synth;
        }
    }
}


/* 1a. The glyphs each face uses (a bitmap over its glyph ids, so the set comes out sorted and
 * unique in linear time), and for colour faces the extra characters of multi-character emoji
 * and the size each emoji is shown at: one pass over the pages. */
static int collect_glyphs(writer *w)
{
    int nf = w->nf, rc = -1;
    uint8_t **seen = calloc((size_t)(nf ? nf : 1), sizeof *seen); /* NOLINT(bugprone-sizeof-expression) */
    unsigned *ng = calloc((size_t)(nf ? nf : 1), sizeof *ng);
    bool *color = calloc((size_t)(nf ? nf : 1), sizeof *color);
    if (!seen || !ng || !color)
        goto done;
    for (int fi = 0; fi < nf; fi++) {
        const cv_face_info *in = cv_face_get_info(cv_fonts_face(w->fonts, fi));
        ng[fi] = in->nglyphs;
        color[fi] = in->color;
        if (!(seen[fi] = calloc(ng[fi] ? ng[fi] : 1, 1)))
            goto done;
    }
    for (size_t p = 0; p < w->pages->pages.n; p++) {
        if (cv_page_get(w->pages, p, &w->page))
            goto done;
        resolve_synthetic(w);
        for (size_t k = 0; k < w->page.glyphs.n; k++) {
            const cv_pglyph *g = &w->page.glyphs.v[k];
            int fi = g->face;
            if (fi >= nf)
                continue;
            if (g->image < 0 && g->gid < ng[fi])
                seen[fi][g->gid] = 1;
            if (!color[fi])
                continue;
            if (g->tlen) {
                size_t q = 0;
                cv_utf8_next(g->text, g->tlen, &q);
                while (q < g->tlen) {
                    uint32_t cp = cv_utf8_next(g->text, g->tlen, &q);
                    bool have = false;
                    for (size_t e = 0; e < w->extras[fi].n; e++)
                        have |= w->extras[fi].v[e] == cp;
                    if (!have && CV_PUSH(w->extras[fi], cp))
                        goto done;
                }
            }
            if (g->image < 0) {
                /* each emoji at EMOJI_DPI at the largest size it is shown */
                uint64_t ppem = (uint64_t)((g->size * EMOJI_DPI + 72 * CVU_PT - 1) / (72 * CVU_PT)), had = 0;
                if ((!cv_map_get(&w->ppems[fi], g->gid, &had) || ppem > had) &&
                    cv_map_put(&w->ppems[fi], g->gid, ppem))
                    goto done;
            }
        }
    }
    for (int fi = 0; fi < nf; fi++)
        for (unsigned gid = 0; gid < ng[fi]; gid++)
            if (seen[fi][gid] && CV_PUSH(w->face_glyphs[fi], gid))
                goto done;
    rc = 0;
done:
    if (rc)
        w->ctx->oom = true; /* (every failure here is an allocation's) */
    for (int fi = 0; seen && fi < nf; fi++)
        free(seen[fi]);
    free(seen);
    free(ng);
    free(color);
    return rc;
}

/* 1b. Each face used, subset and built as a PDF font. */
static int build_fonts(writer *w)
{
    int ahead_stage = cv_stage(w->ctx, CV_T_SUBSET);
    cv_memos *ms = w->ctx->memos;
    subset_ahead(ms ? ms->subsets : NULL, w->ctx->disk, w->fonts, w->face_glyphs, w->nf);
    cv_stage(w->ctx, ahead_stage);
    for (int fi = 0; fi < w->nf; fi++) {
        const glyph_list *used = &w->face_glyphs[fi];
        if (!used->n)
            continue;
        cv_face *face = cv_fonts_face(w->fonts, fi);
        unsigned fidx = 0;
        const char *fpath = cv_fonts_path(w->fonts, fi, &fidx);
        int stage = cv_stage(w->ctx, CV_T_SUBSET);
        if (cv_face_get_info(face)->color && fpath) {
            int *ppems = calloc(used->n, sizeof *ppems);
            if (!ppems) {
                cv_stage(w->ctx, stage);
                w->ctx->oom = true;
                return -1;
            }
            for (size_t u = 0; u < used->n; u++) {
                uint64_t v = 0;
                if (cv_map_get(&w->ppems[fi], used->v[u], &v))
                    ppems[u] = (int)v;
            }
            w->pf[fi] = cv_pdffont_new_type3(w->pdf, ms ? ms->emoji : NULL, w->ctx->disk, face, fpath, fidx, used->v, ppems, used->n, w->extras[fi].v,
                                             w->extras[fi].n);
            free(ppems);
        } else {
            w->pf[fi] = cv_pdffont_new(w->pdf, ms ? ms->subsets : NULL, w->ctx->disk, face, used->v, used->n);
        }
        cv_stage(w->ctx, stage);
        if (!w->pf[fi]) {
            if (!w->ctx->oom)
                cv_diag(w->ctx, CVPDF_ERROR, CVPDF_D_FONT_UNREADABLE, 0, 0, "cannot embed font %s",
                        cv_face_get_info(face)->psname);
            return -1;
        }
    }
    return 0;
}

/* The images of the page, each decoded and embedded once however often it is shown. */
static void draw_images(writer *w, HPDF_Page page, cv_pagetags *tp)
{
    const cv_page *pg = &w->page;
    const cv_docinfo *info = w->info;
    HPDF_Stream stream = ((HPDF_PageAttr)page->attr)->stream;
    cv_buf tag = {0};
    for (size_t k = 0; k < pg->glyphs.n; k++) {
        const cv_pglyph *g = &pg->glyphs.v[k];
        if (g->image < 0 || (size_t)g->image >= info->nimages)
            continue;
        const cv_image *im = &info->images[g->image];
        /* a Figure with its alternative text, or (without one) an artifact */
        int32_t fig = cv_tags_figure(&w->tags, g, im->alt);
        if (fig == -2)
            w->ctx->oom = true;
        struct cv_figat fa = {k, fig};
        if (fig >= 0 && CV_PUSH(tp->figs, fa))
            w->ctx->oom = true;
        tag.len = 0;
        cv_pdf_open_marked(&tag, tp, fig, false);
        if (tag.oom) {
            w->ctx->oom = true;
            break;
        }
        HPDF_Stream_Write(stream, (const HPDF_BYTE *)tag.p, (HPDF_UINT)tag.len);
        if (!w->himg[g->image]) {
            HPDF_STATUS saved = w->pst.err;
            w->himg[g->image] = im->format == CV_IMG_PNG ? HPDF_LoadPngImageFromMem(w->pdf, im->data, (HPDF_UINT)im->len)
                                                         : HPDF_LoadJpegImageFromMem(w->pdf, im->data, (HPDF_UINT)im->len);
            if (!w->himg[g->image]) {
                /* a damaged file: its alt text is already on the page, invisibly */
                cv_diag(w->ctx, CVPDF_WARNING, CVPDF_D_IMAGE_UNDECODABLE, 0, 0, "image '%.200s' cannot be decoded; it is left out", im->src);
                w->pst.err = saved;
                HPDF_ResetError(w->pdf);
                w->himg[g->image] = (HPDF_Image)-1;
            }
        }
        if (w->himg[g->image] != (HPDF_Image)-1)
            HPDF_Page_DrawImage(page, w->himg[g->image], (HPDF_REAL)pt(g->x), (HPDF_REAL)pt(w->pages->height - g->y),
                                (HPDF_REAL)pt(g->iw), (HPDF_REAL)pt(g->ih));
        HPDF_Stream_WriteStr(stream, "EMC\n");
    }
    cv_buf_free(&tag);
}

/* A link annotation made: printable, described by its target (PDF/UA), and remembered for
 * the structure tree. */
static void add_annot(writer *w, HPDF_Annotation a, size_t page, int32_t link)
{
    if (!a)
        return;
    HPDF_LinkAnnot_SetBorderStyle(a, 0, 0, 0);
    HPDF_Dict_AddNumber(a, "F", 4);
    const char *target = link >= 0 && (size_t)link < w->info->nlinks ? w->info->links[link] : NULL;
    if (target)
        HPDF_Dict_Add(a, "Contents", cv_pdf_text_string(w->pdf->mmgr, target, strlen(target)));
    if (cv_tags_annot(&w->tags, link, (int32_t)w->annots.n, (uint32_t)page) == -2)
        w->ctx->oom = true;
    /* (HPDF_Annotation is a pointer: a vector of them is meant) */
    if (CV_PUSH(w->annots, a)) /* NOLINT(bugprone-sizeof-expression) */
        w->ctx->oom = true;
}

/* The page's link annotations, without borders. */
static void add_links(writer *w, HPDF_Page page)
{
    const cv_page *pg = &w->page;
    cvu h = w->pages->height;
    for (size_t k = 0; k < pg->links.n; k++) {
        const cv_plink *lk = &pg->links.v[k];
        if (lk->link < 0 || (size_t)lk->link >= w->info->nlinks)
            continue;
        const char *target = w->info->links[lk->link];
        if (target && target[0] == '#') {
            /* inside the document: its page may come later, so it is made at the end */
            int32_t a = w->info->link_dest ? w->info->link_dest[lk->link] : -1;
            goto_link g = {w->hp.n - 1,
                           {(HPDF_REAL)pt(lk->x0), (HPDF_REAL)pt(h - lk->y1), (HPDF_REAL)pt(lk->x1), (HPDF_REAL)pt(h - lk->y0)},
                           a, lk->link};
            if (a >= 0 && (size_t)a < w->info->nanchors && w->anchor_page[a] != SIZE_MAX && CV_PUSH(w->gotos, g)) {
                w->ctx->oom = true;
                return;
            }
            continue;
        }
        char *uri = link_uri(target);
        if (!uri && w->info->links[lk->link]) {
            w->ctx->oom = true; /* a clickable link whose URI could not be made */
            return;
        }
        if (!uri)
            continue;
        HPDF_Rect r = {(HPDF_REAL)pt(lk->x0), (HPDF_REAL)pt(h - lk->y1), (HPDF_REAL)pt(lk->x1),
                       (HPDF_REAL)pt(h - lk->y0)};
        HPDF_Annotation a = HPDF_Page_CreateURILinkAnnot(page, r, uri);
        free(uri);
        add_annot(w, a, w->hp.n - 1, lk->link);
    }
}

/* 2. Each page: its fonts' names, its images, its content stream, its links; the outline
 * entries it holds are kept for step 3. */
static int write_pages(writer *w)
{
    for (size_t p = 0; p < w->pages->pages.n; p++) {
        if (cv_page_get(w->pages, p, &w->page)) {
            w->ctx->oom = true;
            return -1;
        }
        resolve_synthetic(w);
        const cv_page *pg = &w->page;
        HPDF_Page page = HPDF_AddPage(w->pdf);
        if (!page)
            return -1; /* (libharu said why) */
        if (CV_PUSH(w->hp, page)) { /* NOLINT(bugprone-sizeof-expression): HPDF_Page is a pointer */
            w->ctx->oom = true;
            return -1;
        }
        HPDF_Page_SetWidth(page, (HPDF_REAL)pt(w->pages->width));
        HPDF_Page_SetHeight(page, (HPDF_REAL)pt(w->pages->height));
        for (int fi = 0; fi < w->nf; fi++)
            w->names[fi] = NULL;
        for (size_t k = 0; k < pg->glyphs.n; k++) {
            int fi = pg->glyphs.v[k].face;
            if (pg->glyphs.v[k].image < 0 && w->pf[fi] && !w->names[fi])
                w->names[fi] = HPDF_Page_GetLocalFontName(page, (HPDF_Font)w->pf[fi]->type0);
        }
        cv_pagetags *tp = &w->pt[p];
        tp->tags = &w->tags;
        tp->page = (uint32_t)p;
        draw_images(w, page, tp);
        w->content.len = 0;
        cv_pdf_content(&w->content, pg, w->pages->height, w->pf, w->names, w->fonts, tp);
        if (w->content.oom || tp->oom) {
            w->ctx->oom = true;
            return -1;
        }
        HPDF_PageAttr attr = (HPDF_PageAttr)page->attr;
        HPDF_Stream_Write(attr->stream, (const HPDF_BYTE *)w->content.p, (HPDF_UINT)w->content.len);
        add_links(w, page);
        if (w->ctx->oom)
            return -1;
        for (size_t k = 0; k < pg->marks.n; k++) {
            mark_at m = {p, pg->marks.v[k]};
            if (CV_PUSH(w->marks, m)) {
                w->ctx->oom = true;
                return -1;
            }
        }
    }
    return 0;
}

/* [page /XYZ left top null]: null keeps the reader's zoom, which libharu's
 * HPDF_Destination_SetXYZ cannot express. y from the page's top. */
static HPDF_Destination xyz_dest(writer *w, HPDF_Page page, cvu y)
{
    HPDF_Destination d = HPDF_Page_CreateDestination(page);
    if (d) {
        HPDF_Array_Clear(d);
        HPDF_Array_Add(d, page);
        HPDF_Array_AddName(d, "XYZ");
        HPDF_Array_AddNumber(d, 0);
        HPDF_Array_AddNumber(d, (HPDF_INT32)((w->pages->height - y) / CVU_PT));
        HPDF_Array_Add(d, HPDF_Null_New(w->pdf->mmgr));
    }
    return d;
}

/* Where each anchor's mark landed (the plans say, before any page is written). */
static int place_anchors(writer *w)
{
    size_t n = w->info->nanchors;
    w->anchor_page = malloc((n ? n : 1) * sizeof *w->anchor_page);
    w->anchor_y = malloc((n ? n : 1) * sizeof *w->anchor_y);
    if (!w->anchor_page || !w->anchor_y) {
        w->ctx->oom = true;
        return -1;
    }
    for (size_t a = 0; a < n; a++)
        w->anchor_page[a] = SIZE_MAX;
    const cv_pages *pg = w->pages;
    for (size_t p = 0; p < pg->pages.n; p++)
        for (size_t j = pg->pages.v[p].p0; j < pg->pages.v[p].p2; j++) {
            const cv_vitem *it = &pg->vl->items.v[pg->placed.v[j].item];
            if (it->kind == CV_V_MARK && !it->level && it->anchor >= 0 && (size_t)it->anchor < n &&
                w->anchor_page[it->anchor] == SIZE_MAX) {
                w->anchor_page[it->anchor] = p;
                w->anchor_y[it->anchor] = pg->placed.v[j].top;
            }
        }
    return 0;
}

/* The links inside the document, now that every page they may jump to exists. */
static void write_gotos(writer *w)
{
    for (size_t k = 0; k < w->gotos.n; k++) {
        const goto_link *g = &w->gotos.v[k];
        HPDF_Destination d = xyz_dest(w, w->hp.v[w->anchor_page[g->anchor]], w->anchor_y[g->anchor]);
        HPDF_Annotation a = d ? HPDF_Page_CreateLinkAnnot(w->hp.v[g->page], g->r, d) : NULL;
        add_annot(w, a, g->page, g->link);
    }
}

/* 3. The outline: headings nest by level. */
static void write_outline(writer *w)
{
    HPDF_Outline stack[7] = {0};
    int stack_level[7] = {0};
    int depth = 0;
    for (size_t k = 0; k < w->marks.n; k++) {
        const cv_pmark *m = &w->marks.v[k].m;
        if (!m->level)
            continue; /* a link target */
        HPDF_Page page = w->hp.v[w->marks.v[k].page];
        while (depth > 0 && stack_level[depth - 1] >= m->level)
            depth--;
        HPDF_Outline parent = depth ? stack[depth - 1] : NULL;
        HPDF_Outline o = HPDF_CreateOutline(w->pdf, parent, "", NULL);
        if (!o)
            continue;
        void *title = cv_pdf_text_string(w->pdf->mmgr, m->text, m->tlen);
        if (title)
            HPDF_Dict_Add(o, "Title", title);
        HPDF_Destination d = xyz_dest(w, page, m->y);
        if (d)
            HPDF_Outline_SetDestination(o, d);
        HPDF_Outline_SetOpened(o, HPDF_TRUE);
        if (depth < 7) {
            stack[depth] = o;
            stack_level[depth] = m->level;
            depth++;
        }
    }
}

/* 5. Document info and catalog. */
static int write_info(writer *w)
{
    HPDF_Doc pdf = w->pdf;
    const cv_docinfo *info = w->info;
    HPDF_SetInfoAttr(pdf, HPDF_INFO_PRODUCER, info->producer);
    HPDF_SetInfoAttr(pdf, HPDF_INFO_CREATOR, info->producer);
    if (info->title && *info->title)
        HPDF_Dict_Add(pdf->info, "Title", cv_pdf_text_string(pdf->mmgr, info->title, strlen(info->title)));
    if (info->author && *info->author)
        HPDF_Dict_Add(pdf->info, "Author", cv_pdf_text_string(pdf->mmgr, info->author, strlen(info->author)));
    if (info->lang && *info->lang)
        HPDF_Dict_Add(pdf->catalog, "Lang", HPDF_String_New(pdf->mmgr, info->lang, NULL));
    pdf->pdf_version = HPDF_VER_17;
    return cv_pdf_write_meta(w->ctx, pdf, info);
}

/* The write hook of a stream whose data is in w->raw.data (pdfpack.h): the filter, and
 * where the data is (its index + 1 in the dictionary's attr). */
static HPDF_STATUS write_spliced(HPDF_Dict d, HPDF_Stream s)
{
    char k[64];
    snprintf(k, sizeof k, "/Filter /FlateDecode\012/CvData %zu\012", (size_t)(uintptr_t)d->attr - 1);
    return HPDF_Stream_WriteStr(s, k);
}

/* libharu would compress each stream with zlib as it serialises it; each is compressed here
 * instead, before the save (deflate.c: libdeflate, in less than half the time, and only what
 * changed when a cache's memo holds the rest). The compressed data, and that of the streams
 * compressed already (font programs, images: their hook is set), is kept out of libharu
 * (w->raw.data), for pdfpack to write. 0, -1 on OOM. */
static int deflate_streams(writer *w)
{
    HPDF_List entries = w->pdf->xref->entries;
    unsigned char *raw = NULL;
    size_t cap = 0;
    int rc = 0;
    for (HPDF_UINT i = 0; i < entries->count && !rc; i++) {
        HPDF_XrefEntry e = HPDF_List_ItemAt(entries, i);
        HPDF_Obj_Header *h = e ? e->obj : NULL;
        if (!h || (h->obj_class & HPDF_OCLASS_ANY) != HPDF_OCLASS_DICT)
            continue;
        HPDF_Dict d = e->obj;
        /* (attr holds where the data went: only streams that use it for nothing else) */
        bool packed = d->write_fn == cv_pdf_flate_filter;
        if (!d->stream || d->attr || d->free_fn ||
            !(packed || ((d->filter & HPDF_STREAM_FILTER_FLATE_DECODE) && !d->write_fn)))
            continue;
        HPDF_UINT32 n = HPDF_Stream_Size(d->stream);
        if ((size_t)n + 1 > cap) {
            free(raw);
            cap = (size_t)n + 1;
            if (!(raw = malloc(cap))) {
                rc = -1;
                break;
            }
        }
        HPDF_UINT got = n;
        if (HPDF_Stream_Seek(d->stream, 0, HPDF_SEEK_SET) != HPDF_OK)
            break; /* (a memory stream always seeks) left to libharu's compression */
        HPDF_STATUS st = n ? HPDF_Stream_Read(d->stream, raw, &got) : HPDF_OK;
        if ((st != HPDF_OK && st != HPDF_STREAM_EOF) || got != n)
            break;
        unsigned char *z = NULL;
        size_t zn = n;
        if (packed && !(z = malloc(n ? n : 1))) {
            rc = -1;
            break;
        }
        if (packed)
            memcpy(z, raw, n);
        else if (cv_deflate(w->zip, raw, n, &z, &zn)) {
            rc = -1;
            break;
        }
        struct cv_rawdata rd = {z, zn};
        if (CV_PUSH(w->raw.data, rd)) {
            free(z);
            rc = -1;
            break;
        }
        HPDF_MemStream_FreeData(d->stream);
        d->filter = HPDF_STREAM_FILTER_NONE;
        d->write_fn = write_spliced;
        d->attr = (void *)(uintptr_t)w->raw.data.n;
    }
    free(raw);
    if (rc)
        w->ctx->oom = true;
    return rc;
}

/* The document, serialised into a buffer of ours. */
static int save(writer *w, unsigned char **out, size_t *out_len)
{
    if (w->ctx->oom || w->pst.err || deflate_streams(w) || HPDF_SaveToStream(w->pdf) != HPDF_OK)
        return -1;
    HPDF_UINT32 size = HPDF_GetStreamSize(w->pdf);
    unsigned char *buf = malloc(size ? size : 1);
    if (!buf) {
        w->ctx->oom = true;
        return -1;
    }
    HPDF_UINT32 got = 0;
    while (got < size) {
        HPDF_UINT32 n = size - got;
        HPDF_STATUS s = HPDF_ReadFromStream(w->pdf, buf + got, &n);
        got += n;
        if (s != HPDF_OK || n == 0)
            break;
    }
    if (got != size) {
        free(buf);
        return -1;
    }
    unsigned char *packed;
    size_t plen;
    int pr = cv_pdf_pack(buf, size, &w->raw, w->zip, &packed, &plen);
    if (pr < 0 || (pr > 0 && (w->raw.objs.n || w->raw.data.n))) {
        /* (without the packing, the structure tree would be lost: libharu's file is always
         * one it can pack) */
        free(buf);
        if (pr < 0)
            w->ctx->oom = true;
        return -1;
    }
    if (pr == 0) {
        free(buf);
        buf = packed;
        size = (HPDF_UINT32)plen;
    }
    *out = buf;
    *out_len = size;
    return 0;
}

int cv_pdf_write(cv_ctx *ctx, cv_fonts *fonts, const cv_pages *pages, const cv_docinfo *info,
                 unsigned char **out, size_t *out_len)
{
    *out = NULL;
    *out_len = 0;
    writer w;
    memset(&w, 0, sizeof w);
    w.ctx = ctx;
    w.pst.ctx = ctx;
    w.fonts = fonts;
    w.pages = pages;
    w.info = info;
    w.pdf = HPDF_New(on_error, &w.pst);
    if (!w.pdf) {
        ctx->oom = true;
        return -1;
    }
    int rc = -1;
    int nf = w.nf = cv_fonts_count(fonts);
    size_t nfa = (size_t)(nf ? nf : 1);
    /* (arrays of pointers: sizeof a pointer is meant) */
    w.pf = calloc(nfa, sizeof *w.pf);                                               /* NOLINT(bugprone-sizeof-expression) */
    w.himg = calloc(info->nimages ? info->nimages : 1, sizeof *w.himg);             /* NOLINT(bugprone-sizeof-expression) */
    w.names = calloc(nfa, sizeof *w.names);
    w.face_glyphs = calloc(nfa, sizeof *w.face_glyphs);
    w.extras = calloc(nfa, sizeof *w.extras);
    w.ppems = calloc(nfa, sizeof *w.ppems);
    w.pt = calloc(pages->pages.n ? pages->pages.n : 1, sizeof *w.pt);
    w.zip = cv_deflater_new(ctx->memos ? ctx->memos->deflated : NULL);
    if (!w.pf || !w.names || !w.himg || !w.face_glyphs || !w.extras || !w.ppems || !w.pt || !w.zip) {
        ctx->oom = true;
        goto done;
    }
    HPDF_SetCompressionMode(w.pdf, HPDF_COMP_ALL);
    static const cv_model empty;
    if (cv_tags_build(&w.tags, info->model ? info->model : &empty)) {
        ctx->oom = true;
        goto done;
    }
    if (place_anchors(&w) || collect_glyphs(&w) || build_fonts(&w) || write_pages(&w))
        goto done;
    write_gotos(&w);
    if (w.ctx->oom || cv_pdf_write_tags(w.pdf, &w.tags, w.hp.v, w.hp.n, w.pt, w.annots.v, w.annots.n, &w.raw)) {
        ctx->oom = true;
        goto done;
    }
    write_outline(&w);
    /* 4. ToUnicode maps, now that every page has registered its text */
    for (int fi = 0; fi < nf; fi++)
        if (w.pf[fi] && cv_pdffont_finish(w.pf[fi]))
            goto done;
    if (write_info(&w))
        goto done;
    rc = save(&w, out, out_len);
done:
    if (rc && w.pst.err && !ctx->oom)
        cv_diag(ctx, CVPDF_ERROR, CVPDF_D_PDF_WRITER, 0, 0, "PDF writer error 0x%04X (detail %u)", (unsigned)w.pst.err,
                (unsigned)w.pst.detail);
    for (int fi = 0; w.pf && fi < nf; fi++)
        cv_pdffont_free(w.pf[fi]);
    for (int fi = 0; fi < nf; fi++) {
        if (w.face_glyphs)
            free(w.face_glyphs[fi].v);
        if (w.extras)
            free(w.extras[fi].v);
        if (w.ppems)
            cv_map_free(&w.ppems[fi]);
    }
    free(w.pf);
    free(w.himg);
    free(w.names);
    free(w.face_glyphs);
    free(w.extras);
    free(w.ppems);
    free(w.hp.v);
    free(w.marks.v);
    free(w.anchor_page);
    free(w.anchor_y);
    free(w.gotos.v);
    for (size_t p = 0; w.pt && p < pages->pages.n; p++) {
        free(w.pt[p].mcids.v);
        free(w.pt[p].figs.v);
    }
    free(w.pt);
    free(w.annots.v);
    cv_tags_free(&w.tags);
    cv_buf_free(&w.raw.text);
    free(w.raw.objs.v);
    for (size_t k = 0; k < w.raw.data.n; k++)
        free(w.raw.data.v[k].p);
    free(w.raw.data.v);
    cv_page_free(&w.page);
    cv_buf_free(&w.content);
    cv_deflater_free(w.zip);
    HPDF_Free(w.pdf);
    return rc;
}
