/* pdffont.c: our own Type0 (Identity-H) fonts as libharu objects.
 *
 * libharu's font API maps text through a cmap itself, which would throw away shaping, and
 * cannot embed CFF; so the font dictionaries are built here from libharu's object layer
 * (verified recipe: ../shared/DESIGN.md §3):
 *   TrueType (glyf)       CIDFontType2 + FontFile2, CIDToGIDMap Identity, code = new GID
 *   name-keyed CFF        CIDFontType0 + FontFile3/CIDFontType0C, code = new GID
 *   CID-keyed CFF         CIDFontType0 + FontFile3/CIDFontType0C, code = the glyph's CID
 * Every code gets a ToUnicode entry with the text of the cluster it starts (a ligature maps
 * to all its letters; astral characters as surrogate pairs), so text copies back exactly.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pdf.h"

unsigned char *cv_utf16be(const char *s, size_t len, bool bom, size_t *out_len)
{
    unsigned char *o = malloc(len * 4 + 2 + 1);
    if (!o)
        return NULL;
    size_t n = 0;
    if (bom) {
        o[n++] = 0xFE;
        o[n++] = 0xFF;
    }
    for (size_t i = 0; i < len;) {
        uint32_t cp = cv_utf8_next(s, len, &i);
        if (cp >= 0x10000) {
            uint32_t v = cp - 0x10000, hi = 0xD800 + (v >> 10), lo = 0xDC00 + (v & 0x3FF);
            o[n++] = (unsigned char)(hi >> 8);
            o[n++] = (unsigned char)hi;
            o[n++] = (unsigned char)(lo >> 8);
            o[n++] = (unsigned char)lo;
        } else {
            o[n++] = (unsigned char)(cp >> 8);
            o[n++] = (unsigned char)cp;
        }
    }
    *out_len = n;
    return o;
}

/* An allocation of ours failed: said through libharu's error handler, as libharu says its own
 * (pdf.c makes it CVPDF_ERR_NOMEM) */
static void no_memory(HPDF_Error e) { HPDF_RaiseError(e, HPDF_FAILD_TO_ALLOC_MEM, 0); }

/* A subset tag (six capitals) derived from the font and its glyphs, so output is stable. */
static void subset_tag(const char *psname, const uint32_t *gids, size_t n, char tag[7])
{
    uint64_t h = 1469598103934665603ULL;
    for (const char *p = psname; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ULL;
    for (size_t i = 0; i < n; i++)
        h = (h ^ gids[i]) * 1099511628211ULL;
    for (int k = 0; k < 6; k++) {
        tag[k] = (char)('A' + h % 26);
        h /= 26;
    }
    tag[6] = 0;
}

static int scale1000(int v, int upem) { return (int)(((long)v * 1000 + (v >= 0 ? upem / 2 : -upem / 2)) / upem); }
/* A width for /W: font units to millionths of an em (thousandths of the PDF's 1/1000 em),
 * rounded: exact enough that text runs need no corrections between glyphs (TJ_SLACK, pdf.c),
 * which keeps the TJ numbers of a line (its word spaces) alike, and the stream compressible. */
static int scale_w(int v, int upem)
{
    return (int)(((long long)v * 1000000 + (v >= 0 ? upem / 2 : -upem / 2)) / upem);
}

/* The CIDFont's /W array, written by hand: libharu writes numbers as integers or as floats,
 * and a width rounded to a whole 1/1000 em makes every glyph after it a little off, which
 * the content stream would have to correct glyph by glyph (scale_w). The text is kept in the
 * dict's attr and freed with it. */
static HPDF_STATUS write_w(HPDF_Dict d, HPDF_Stream s)
{
    return d->attr ? HPDF_Stream_WriteStr(s, (const char *)d->attr) : HPDF_OK;
}

static void free_w(HPDF_Dict d)
{
    free(d->attr);
    d->attr = NULL;
}

/* For a stream whose data is compressed already: libharu drops the /Filter key of a stream
 * it does not compress itself, so the key is written by this hook. */
HPDF_STATUS cv_pdf_flate_filter(HPDF_Dict d, HPDF_Stream s)
{
    (void)d;
    return HPDF_Stream_WriteStr(s, "/Filter /FlateDecode\012");
}

/* The index of the glyphs by gid, for cv_pdffont_find (a lookup for each glyph drawn: a
 * binary search was 4 % of a re-render). Without memory, the search stays. */
static void index_gids(struct cv_pdffont *f)
{
    if (!f->n || f->n >= 0xFFFF)
        return;
    f->nslot = f->gids[f->n - 1] + 1;
    if (!(f->slot = calloc(f->nslot, sizeof *f->slot)))
        return;
    for (size_t i = 0; i < f->n; i++)
        f->slot[f->gids[i]] = (uint16_t)(i + 1);
}

struct cv_pdffont *cv_pdffont_new(HPDF_Doc pdf, cv_memo *subsets, const char *disk, cv_face *face, const uint32_t *gids,
                                  size_t n)
{
    struct cv_pdffont *f = calloc(1, sizeof *f);
    if (!f) {
        no_memory(&pdf->error);
        return NULL;
    }
    f->face = face;
    f->n = n;
    f->gids = malloc((n ? n : 1) * sizeof *f->gids);
    f->widths = malloc((n ? n : 1) * sizeof *f->widths);
    f->tu_text = calloc(n ? n : 1, sizeof *f->tu_text);
    f->tu_len = calloc(n ? n : 1, sizeof *f->tu_len);
    if (!f->gids || !f->widths || !f->tu_text || !f->tu_len) {
        no_memory(&pdf->error);
        goto fail;
    }
    memcpy(f->gids, gids, n * sizeof *gids);
    index_gids(f);
    const cv_face_info *in = cv_face_get_info(face);
    for (size_t i = 0; i < n; i++)
        f->widths[i] = scale_w(cv_face_advance(face, gids[i]), in->upem);

    cv_subset sub;
    int subset_rc = cv_subset_face(subsets, disk, face, gids, n, &sub);
    if (subset_rc == -2)
        no_memory(&pdf->error);
    if (subset_rc)
        goto fail;
    f->kind = sub.kind;
    f->codes = sub.codes;
    sub.codes = NULL;

    HPDF_MMgr mm = pdf->mmgr;
    HPDF_Xref xref = pdf->xref;
    char tag[7], base[96];
    subset_tag(in->psname, gids, n, tag);
    snprintf(base, sizeof base, "%s+%s", tag, in->psname);

    /* the font program */
    HPDF_Dict file = HPDF_DictStream_New(mm, xref);
    if (!file) {
        cv_subset_free(&sub);
        goto fail;
    }
    /* already compressed (and remembered with the subset): libharu must not compress again */
    file->filter = HPDF_STREAM_FILTER_NONE;
    file->write_fn = cv_pdf_flate_filter;
    if (sub.kind == CV_FK_TRUETYPE)
        HPDF_Dict_AddNumber(file, "Length1", (HPDF_INT32)sub.len);
    else
        HPDF_Dict_AddName(file, "Subtype", "CIDFontType0C");
    HPDF_Stream_Write(file->stream, sub.zdata, (HPDF_UINT)sub.zlen);
    cv_subset_free(&sub);

    HPDF_Dict desc = HPDF_Dict_New(mm);
    HPDF_Xref_Add(xref, desc);
    HPDF_Dict_AddName(desc, "Type", "FontDescriptor");
    HPDF_Dict_AddName(desc, "FontName", base);
    int flags = 4; /* symbolic: glyphs are addressed by code, not a standard encoding */
    if (in->italic_angle)
        flags |= 64;
    HPDF_Dict_AddNumber(desc, "Flags", flags);
    HPDF_Array bbox = HPDF_Array_New(mm);
    HPDF_Dict_Add(desc, "FontBBox", bbox);
    for (int k = 0; k < 4; k++)
        HPDF_Array_AddNumber(bbox, scale1000(in->bbox[k], in->upem));
    HPDF_Dict_AddNumber(desc, "ItalicAngle", in->italic_angle);
    HPDF_Dict_AddNumber(desc, "Ascent", scale1000(in->ascender, in->upem));
    HPDF_Dict_AddNumber(desc, "Descent", scale1000(in->descender, in->upem));
    HPDF_Dict_AddNumber(desc, "CapHeight", scale1000(in->cap_height, in->upem));
    HPDF_Dict_AddNumber(desc, "StemV", 80);
    HPDF_Dict_Add(desc, f->kind == CV_FK_TRUETYPE ? "FontFile2" : "FontFile3", file);

    HPDF_Dict cid = HPDF_Dict_New(mm);
    HPDF_Xref_Add(xref, cid);
    HPDF_Dict_AddName(cid, "Type", "Font");
    HPDF_Dict_AddName(cid, "Subtype", f->kind == CV_FK_TRUETYPE ? "CIDFontType2" : "CIDFontType0");
    HPDF_Dict_AddName(cid, "BaseFont", base);
    HPDF_Dict sysinfo = HPDF_Dict_New(mm);
    HPDF_Dict_Add(cid, "CIDSystemInfo", sysinfo);
    HPDF_Dict_Add(sysinfo, "Registry", HPDF_String_New(mm, "Adobe", NULL));
    HPDF_Dict_Add(sysinfo, "Ordering", HPDF_String_New(mm, "Identity", NULL));
    HPDF_Dict_AddNumber(sysinfo, "Supplement", 0);
    HPDF_Dict_Add(cid, "FontDescriptor", desc);
    if (f->kind == CV_FK_TRUETYPE)
        HPDF_Dict_AddName(cid, "CIDToGIDMap", "Identity");
    f->cid = cid;
    f->mm = mm;
    f->xref = xref;
    for (size_t i = 0; i < n; i++)
        if (f->codes[i] >= f->next_code)
            f->next_code = f->codes[i] + 1;
    HPDF_Dict_AddNumber(cid, "DW", 1000);
    /* W: [code [w]] entries sorted by code, consecutive codes grouped */
    size_t *order = malloc((n ? n : 1) * sizeof *order);
    if (!order) {
        no_memory(&pdf->error);
        goto fail;
    }
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    for (size_t i = 1; i < n; i++) { /* insertion sort by code: n is small and nearly sorted */
        size_t v = order[i], j = i;
        while (j > 0 && f->codes[order[j - 1]] > f->codes[v]) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = v;
    }
    cv_buf w = {0};
    cv_buf_puts(&w, "/W [");
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && f->codes[order[j]] == f->codes[order[j - 1]] + 1 && j - i < 1000)
            j++;
        cv_buf_printf(&w, "%u [", (unsigned)f->codes[order[i]]);
        for (size_t k = i; k < j; k++) {
            if (k > i)
                cv_buf_puts(&w, " ");
            cv_buf_fixed(&w, (int64_t)f->widths[order[k]] * 65536 / 1000, 3); /* exact to 0.001 */
        }
        cv_buf_puts(&w, "]");
        /* the same code twice (two glyphs sharing a CID cannot happen, but be safe) */
        while (j < n && f->codes[order[j]] == f->codes[order[j - 1]])
            j++;
        i = j;
    }
    cv_buf_puts(&w, "]\012");
    free(order);
    if (w.oom) {
        cv_buf_free(&w);
        no_memory(&pdf->error);
        goto fail;
    }
    cid->attr = w.p;
    cid->write_fn = write_w;
    cid->free_fn = free_w;

    f->tounicode = HPDF_DictStream_New(mm, xref);
    if (!f->tounicode)
        goto fail;
    f->tounicode->filter = HPDF_STREAM_FILTER_FLATE_DECODE;

    f->type0 = HPDF_Dict_New(mm);
    HPDF_Xref_Add(xref, f->type0);
    HPDF_Dict_AddName(f->type0, "Type", "Font");
    HPDF_Dict_AddName(f->type0, "Subtype", "Type0");
    HPDF_Dict_AddName(f->type0, "BaseFont", base);
    HPDF_Dict_AddName(f->type0, "Encoding", "Identity-H");
    HPDF_Array desc_fonts = HPDF_Array_New(mm);
    HPDF_Dict_Add(f->type0, "DescendantFonts", desc_fonts);
    HPDF_Array_Add(desc_fonts, cid);
    HPDF_Dict_Add(f->type0, "ToUnicode", f->tounicode);
    if (pdf->error.error_no)
        goto fail;
    return f;
fail:
    cv_pdffont_free(f);
    return NULL;
}

uint32_t cv_pdffont_extra(const struct cv_pdffont *f, uint32_t cp)
{
    for (size_t i = 0; i < f->nextra; i++)
        if (f->extra_cp[i] == cp)
            return f->extra_code[i];
    return 0;
}

/* An image XObject whose stream is data as it is (already Flate-compressed). NULL on
 * failure. */
static HPDF_Dict emoji_image(HPDF_Doc pdf, const unsigned char *data, size_t len, int w, int h, bool rgb,
                             HPDF_Dict smask)
{
    HPDF_MMgr mm = pdf->mmgr;
    HPDF_Dict img = HPDF_DictStream_New(mm, pdf->xref);
    if (!img)
        return NULL;
    img->filter = HPDF_STREAM_FILTER_NONE; /* not compressed again, whatever the mode */
    img->write_fn = cv_pdf_flate_filter;
    HPDF_Dict_AddName(img, "Type", "XObject");
    HPDF_Dict_AddName(img, "Subtype", "Image");
    HPDF_Dict_AddNumber(img, "Width", w);
    HPDF_Dict_AddNumber(img, "Height", h);
    HPDF_Dict_AddName(img, "ColorSpace", rgb ? "DeviceRGB" : "DeviceGray");
    HPDF_Dict_AddNumber(img, "BitsPerComponent", 8);
    if (smask)
        HPDF_Dict_Add(img, "SMask", smask);
    if (HPDF_Stream_Write(img->stream, data, (HPDF_UINT)len) != HPDF_OK)
        return NULL;
    return img;
}

struct cv_pdffont *cv_pdffont_new_type3(HPDF_Doc pdf, cv_memo *emoji, const char *disk, cv_face *face, const char *path, unsigned index,
                                        const uint32_t *gids, const int *ppems, size_t n, const uint32_t *extra,
                                        size_t nextra)
{
    if (n > 200)
        n = 200; /* one-byte codes; a résumé has a few dozen emoji at most */
    if (n + nextra > 253)
        nextra = 253 - n;
    struct cv_pdffont *f = calloc(1, sizeof *f);
    cv_emoji *em = NULL; /* opened only when an emoji is not in the memo */
    if (!f) {
        no_memory(&pdf->error);
        goto fail;
    }
    f->face = face;
    f->n = n;
    f->type3 = true;
    f->gids = malloc((n ? n : 1) * sizeof *f->gids);
    f->codes = malloc((n ? n : 1) * sizeof *f->codes);
    f->widths = malloc((n ? n : 1) * sizeof *f->widths);
    f->tu_text = calloc(n ? n : 1, sizeof *f->tu_text);
    f->tu_len = calloc(n ? n : 1, sizeof *f->tu_len);
    if (!f->gids || !f->codes || !f->widths || !f->tu_text || !f->tu_len) {
        no_memory(&pdf->error);
        goto fail;
    }
    const cv_face_info *in = cv_face_get_info(face);
    HPDF_MMgr mm = pdf->mmgr;
    HPDF_Xref xref = pdf->xref;
    HPDF_Dict procs = HPDF_Dict_New(mm), xobjects = HPDF_Dict_New(mm), res = HPDF_Dict_New(mm);
    HPDF_Array diffs = HPDF_Array_New(mm), widths = HPDF_Array_New(mm);
    HPDF_Dict_Add(res, "XObject", xobjects);
    HPDF_Array_AddNumber(diffs, 1);
    for (size_t i = 0; i < n; i++)
        f->gids[i] = gids[i];
    index_gids(f);
    for (size_t i = 0; i < n; i++) {
        f->codes[i] = (uint32_t)i + 1;
        f->widths[i] = scale1000(cv_face_advance(face, gids[i]), in->upem) * 1000;
        char gname[24], iname[24];
        snprintf(gname, sizeof gname, "e%zu", i + 1);
        snprintf(iname, sizeof iname, "I%zu", i + 1);
        HPDF_Array_AddName(diffs, gname);
        HPDF_Array_AddNumber(widths, f->widths[i] / 1000);
        cv_buf b = {0};
        cv_buf_printf(&b, "%d 0 d0\n", f->widths[i] / 1000);
        cv_emoji_image bm;
        int emoji_rc = cv_emoji_get(emoji, disk, face, path, index, &em, gids[i], ppems[i], &bm);
        if (emoji_rc == -2) {
            cv_buf_free(&b);
            no_memory(&pdf->error);
            goto fail;
        }
        if (!emoji_rc) {
            HPDF_Dict mask = emoji_image(pdf, bm.alpha, bm.alpha_len, bm.pw, bm.ph, false, NULL);
            HPDF_Dict img = mask ? emoji_image(pdf, bm.rgb, bm.rgb_len, bm.pw, bm.ph, true, mask) : NULL;
            if (img) {
                HPDF_Dict_Add(xobjects, iname, img);
                /* the bitmap in glyph space (1000 units an em): ppem pixels make an em */
                cvu k = (cvu)1000 * CVU_PT / bm.ppem;
                cv_buf_puts(&b, "q ");
                cv_buf_fixed(&b, k * bm.w, 2);
                cv_buf_puts(&b, " 0 0 ");
                cv_buf_fixed(&b, k * bm.h, 2);
                cv_buf_puts(&b, " ");
                cv_buf_fixed(&b, k * bm.left, 2);
                cv_buf_puts(&b, " ");
                cv_buf_fixed(&b, k * (bm.top - bm.h), 2);
                cv_buf_printf(&b, " cm /%s Do Q\n", iname);
            }
            cv_emoji_image_free(&bm);
        }
        HPDF_Dict proc = HPDF_DictStream_New(mm, xref);
        if (!proc || b.oom) {
            if (b.oom)
                no_memory(&pdf->error);
            cv_buf_free(&b);
            goto fail;
        }
        proc->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
        HPDF_Stream_Write(proc->stream, (const HPDF_BYTE *)b.p, (HPDF_UINT)b.len);
        cv_buf_free(&b);
        HPDF_Dict_Add(procs, gname, proc);
    }
    /* the blank glyphs for the extra characters of multi-character emoji */
    f->extra_cp = malloc((nextra ? nextra : 1) * sizeof *f->extra_cp);
    f->extra_code = malloc((nextra ? nextra : 1) * sizeof *f->extra_code);
    if (!f->extra_cp || !f->extra_code) {
        no_memory(&pdf->error);
        goto fail;
    }
    f->nextra = nextra;
    HPDF_Dict blank = nextra ? HPDF_DictStream_New(mm, xref) : NULL;
    if (nextra && !blank)
        goto fail;
    if (blank)
        HPDF_Stream_WriteStr(blank->stream, "0 0 d0\n");
    for (size_t i = 0; i < nextra; i++) {
        char gname[24];
        snprintf(gname, sizeof gname, "x%zu", i + 1);
        f->extra_cp[i] = extra[i];
        f->extra_code[i] = (uint32_t)(n + 1 + i);
        HPDF_Array_AddName(diffs, gname);
        HPDF_Array_AddNumber(widths, 0);
        HPDF_Dict_Add(procs, gname, blank);
    }
    /* poppler guesses a Type3 font's size from its glyph named m, taking 0.6 em as the
     * width of an m: a blank m 600 units wide keeps the emoji at the text's size */
    HPDF_Dict m = HPDF_DictStream_New(mm, xref);
    if (!m)
        goto fail;
    HPDF_Stream_WriteStr(m->stream, "600 0 d0\n");
    HPDF_Dict_Add(procs, "m", m);
    HPDF_Array_AddName(diffs, "m");
    HPDF_Array_AddNumber(widths, 600);

    f->tounicode = HPDF_DictStream_New(mm, xref);
    if (!f->tounicode)
        goto fail;
    f->tounicode->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
    HPDF_Dict enc = HPDF_Dict_New(mm);
    HPDF_Dict_AddName(enc, "Type", "Encoding");
    HPDF_Dict_Add(enc, "Differences", diffs);
    HPDF_Array matrix = HPDF_Array_New(mm), bbox = HPDF_Array_New(mm);
    HPDF_Array_AddReal(matrix, 0.001f);
    HPDF_Array_AddNumber(matrix, 0);
    HPDF_Array_AddNumber(matrix, 0);
    HPDF_Array_AddReal(matrix, 0.001f);
    HPDF_Array_AddNumber(matrix, 0);
    HPDF_Array_AddNumber(matrix, 0);
    HPDF_Array_AddNumber(bbox, 0);
    HPDF_Array_AddNumber(bbox, -300);
    HPDF_Array_AddNumber(bbox, 1300);
    HPDF_Array_AddNumber(bbox, 1000);
    f->type0 = HPDF_Dict_New(mm);
    HPDF_Xref_Add(xref, f->type0);
    HPDF_Dict_AddName(f->type0, "Type", "Font");
    HPDF_Dict_AddName(f->type0, "Subtype", "Type3");
    HPDF_Dict_Add(f->type0, "FontBBox", bbox);
    HPDF_Dict_Add(f->type0, "FontMatrix", matrix);
    HPDF_Dict_Add(f->type0, "CharProcs", procs);
    HPDF_Dict_Add(f->type0, "Encoding", enc);
    HPDF_Dict_AddNumber(f->type0, "FirstChar", 1);
    HPDF_Dict_AddNumber(f->type0, "LastChar", (HPDF_INT32)(n + nextra + 1));
    HPDF_Dict_Add(f->type0, "Widths", widths);
    HPDF_Dict_Add(f->type0, "Resources", res);
    HPDF_Dict_Add(f->type0, "ToUnicode", f->tounicode);
    cv_emoji_close(em);
    if (pdf->error.error_no)
        goto fail_noclose;
    return f;
fail:
    cv_emoji_close(em);
fail_noclose:
    cv_pdffont_free(f);
    return NULL;
}

long cv_pdffont_find(const struct cv_pdffont *f, uint32_t gid)
{
    if (f->slot)
        return gid < f->nslot ? (long)f->slot[gid] - 1 : -1;
    size_t lo = 0, hi = f->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (f->gids[mid] == gid)
            return (long)mid;
        if (f->gids[mid] < gid)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

bool cv_pdffont_map(struct cv_pdffont *f, long k, const char *text, uint32_t len)
{
    if (!f->tu_text[k]) {
        f->tu_text[k] = text;
        f->tu_len[k] = len;
        return true;
    }
    return f->tu_len[k] == len && !memcmp(f->tu_text[k], text, len);
}

#define MAX_ALT_CODES 4096

bool cv_pdffont_code_for(struct cv_pdffont *f, long k, const char *text, uint32_t len, uint32_t *code)
{
    *code = f->codes[k];
    if (cv_pdffont_map(f, k, text, len))
        return true;
    if (f->kind != CV_FK_TRUETYPE || f->type3 || !len)
        return false;
    for (size_t i = 0; i < f->nalt; i++)
        if (f->alt[i].k == k && f->alt[i].len == len && !memcmp(f->alt[i].text, text, len)) {
            *code = f->alt[i].code;
            return true;
        }
    if (f->nalt >= MAX_ALT_CODES || f->next_code > 0xFFFF)
        return false;
    if (f->nalt == f->alt_cap) {
        size_t cap = f->alt_cap ? f->alt_cap * 2 : 16;
        struct cv_altcode *v = realloc(f->alt, cap * sizeof *v);
        if (!v)
            return false; /* (the occurrence gets /ActualText instead) */
        f->alt = v;
        f->alt_cap = cap;
    }
    f->alt[f->nalt] = (struct cv_altcode){f->next_code++, k, text, len};
    *code = f->alt[f->nalt++].code;
    return true;
}

/* The further codes: their widths appended to /W, and the CIDToGIDMap that takes each to
 * its glyph (every other code is its glyph's id, as Identity said). */
static int finish_alt(struct cv_pdffont *f)
{
    if (!f->nalt)
        return 0;
    cv_buf w = {0};
    const char *old = f->cid->attr;
    size_t ol = old ? strlen(old) : 0;
    if (ol >= 2 && old[ol - 1] == '\012' && old[ol - 2] == ']')
        ol -= 2;
    cv_buf_add(&w, old ? old : "/W [", old ? ol : 4);
    for (size_t i = 0; i < f->nalt; i++) {
        cv_buf_printf(&w, " %u [", (unsigned)f->alt[i].code);
        cv_buf_fixed(&w, (int64_t)f->widths[f->alt[i].k] * 65536 / 1000, 3);
        cv_buf_puts(&w, "]");
    }
    cv_buf_puts(&w, "]\012");
    if (w.oom) {
        cv_buf_free(&w);
        return -1;
    }
    free(f->cid->attr);
    f->cid->attr = w.p;
    size_t ncodes = f->next_code;
    unsigned char *map = malloc(2 * ncodes);
    HPDF_Dict st = map ? HPDF_DictStream_New(f->mm, f->xref) : NULL;
    if (!st) {
        free(map);
        return -1;
    }
    for (size_t c = 0; c < ncodes; c++) {
        map[2 * c] = (unsigned char)(c >> 8);
        map[2 * c + 1] = (unsigned char)c;
    }
    for (size_t i = 0; i < f->nalt; i++) {
        uint32_t gid = f->codes[f->alt[i].k];
        map[2 * f->alt[i].code] = (unsigned char)(gid >> 8);
        map[2 * f->alt[i].code + 1] = (unsigned char)gid;
    }
    st->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
    int rc = HPDF_Stream_Write(st->stream, map, (HPDF_UINT)(2 * ncodes)) == HPDF_OK ? 0 : -1;
    free(map);
    HPDF_Dict_RemoveElement(f->cid, "CIDToGIDMap");
    if (!rc && HPDF_Dict_Add(f->cid, "CIDToGIDMap", st) != HPDF_OK)
        rc = -1;
    return rc;
}

/* One bfchar entry (code → UTF-16BE text), in blocks of at most 100 as the CMap format asks. */
static int put_bfchar(cv_buf *b, bool one_byte, uint32_t code, const char *text, size_t len, size_t *done,
                      size_t count)
{
    if (*done % 100 == 0)
        cv_buf_printf(b, "%zu beginbfchar\n", count - *done < 100 ? count - *done : 100);
    size_t ul;
    unsigned char *u = cv_utf16be(text, len, false, &ul);
    if (!u)
        return -1;
    cv_buf_puts(b, "<");
    cv_buf_hex(b, code, one_byte ? 2 : 4);
    cv_buf_puts(b, "> <");
    for (size_t k = 0; k < ul && k < 512; k++)
        cv_buf_hex(b, u[k], 2);
    cv_buf_puts(b, ">\n");
    free(u);
    ++*done;
    if (*done % 100 == 0 || *done == count)
        cv_buf_puts(b, "endbfchar\n");
    return 0;
}

int cv_pdffont_finish(struct cv_pdffont *f)
{
    cv_buf b = {0};
    cv_buf_puts(&b, "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
                    "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
                    "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n");
    cv_buf_puts(&b, f->type3 ? "1 begincodespacerange\n<00> <FF>\nendcodespacerange\n"
                             : "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
    size_t count = f->nextra + f->nalt, done = 0;
    for (size_t i = 0; i < f->n; i++)
        count += f->tu_text[i] && f->tu_len[i] ? 1 : 0;
    int rc = finish_alt(f);
    for (size_t i = 0; i < f->nextra && !rc; i++) {
        char u8[4];
        int ul8 = cv_utf8_put(f->extra_cp[i], u8);
        rc = put_bfchar(&b, f->type3, f->extra_code[i], u8, (size_t)ul8, &done, count);
    }
    for (size_t i = 0; i < f->n && !rc; i++)
        if (f->tu_text[i] && f->tu_len[i])
            rc = put_bfchar(&b, f->type3, f->codes[i], f->tu_text[i], f->tu_len[i], &done, count);
    for (size_t i = 0; i < f->nalt && !rc; i++)
        rc = put_bfchar(&b, false, f->alt[i].code, f->alt[i].text, f->alt[i].len, &done, count);
    cv_buf_puts(&b, "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    if (rc || b.oom)
        no_memory(f->tounicode->error);
    if (!rc)
        rc = b.oom ? -1 : (HPDF_Stream_Write(f->tounicode->stream, (const HPDF_BYTE *)b.p, (HPDF_UINT)b.len) == HPDF_OK ? 0 : -1);
    cv_buf_free(&b);
    return rc;
}

void cv_pdffont_free(struct cv_pdffont *f)
{
    if (!f)
        return;
    free(f->gids);
    free(f->slot);
    free(f->codes);
    free(f->widths);
    free(f->tu_text);
    free(f->tu_len);
    free(f->extra_cp);
    free(f->extra_code);
    free(f->alt);
    free(f);
}
