/* pdf.h: shared by the libharu clients, pdf.c (document, pages, links, outline),
 * pdfcontent.c (content streams) and pdffont.c (fonts). No other file includes hpdf.h. */
#ifndef CVPDF_PDF_H
#define CVPDF_PDF_H

#include <hpdf.h>

#include "emoji.h"
#include "pdfpack.h"
#include "pdfwrite.h"
#include "subset.h"
#include "tags.h"

/* One embedded face: a Type0 font over a subset CIDFont, with its ToUnicode map. */
struct cv_pdffont {
    HPDF_Dict type0;
    HPDF_Dict tounicode;
    cv_face *face;
    int kind;               /* enum cv_font_kind */
    uint32_t *gids;         /* the used glyphs, ascending */
    uint16_t *slot;         /* gid < nslot -> its index + 1 (0: not used), or NULL */
    uint32_t nslot;
    uint32_t *codes;        /* their PDF codes */
    int *widths;            /* their advances in millionths of an em (Type3: whole thousandths) */
    size_t n;
    const char **tu_text;   /* per used glyph: the text its code maps to (NULL: none yet) */
    uint32_t *tu_len;
    bool type3;             /* colour emoji: one-byte codes 1..n */
    /* Type3: blank zero-width glyphs, one per extra character of multi-character emoji
     * (flags, ZWJ sequences, skin tones), each mapped to that one character: MuPDF 1.21
     * reads a surrogate pair only as a whole mapping of its own */
    uint32_t *extra_cp, *extra_code;
    size_t nextra;
    /* TrueType: further codes for a glyph used with other text than its first (an Indic
     * conjunct in two syllables, a vowel sign's own form): each maps to its glyph through a
     * CIDToGIDMap and to its own text in the ToUnicode map */
    HPDF_Dict cid;
    HPDF_MMgr mm;
    HPDF_Xref xref;
    struct cv_altcode {
        uint32_t code;
        long k;
        const char *text;
        uint32_t len;
    } *alt;
    size_t nalt, alt_cap;
    uint32_t next_code;
};

/* The write hook of a stream whose data is compressed already (filter NONE): writes the
 * /Filter key libharu leaves out of a stream it does not compress itself. */
HPDF_STATUS cv_pdf_flate_filter(HPDF_Dict d, HPDF_Stream s);

/* Builds the font objects for the glyphs gids[0..n) (ascending, unique) of face.
 * Returns NULL on failure. */
struct cv_pdffont *cv_pdffont_new(HPDF_Doc pdf, cv_memo *subsets, const char *disk, cv_face *face, const uint32_t *gids,
                                  size_t n);
/* Colour bitmap glyphs (emoji) as a Type3 font: each glyph draws its image, each distinct
 * emoji stored once; at most 254 glyphs. NULL on failure. */
struct cv_pdffont *cv_pdffont_new_type3(HPDF_Doc pdf, cv_memo *emoji, const char *disk, cv_face *face, const char *path, unsigned index,
                                        const uint32_t *gids, const int *ppems, size_t n, const uint32_t *extra,
                                        size_t nextra);
/* The code of a Type3 font's blank glyph for cp, or 0. */
uint32_t cv_pdffont_extra(const struct cv_pdffont *f, uint32_t cp);
/* Index of gid among the font's glyphs, or -1. */
long cv_pdffont_find(const struct cv_pdffont *f, uint32_t gid);
/* Maps glyph k to text for copy and paste. false when it already maps to other text: the
 * caller marks this occurrence with /ActualText instead. */
bool cv_pdffont_map(struct cv_pdffont *f, long k, const char *text, uint32_t len);
/* The code that draws glyph k and reads as text into *code: its own code when that maps to
 * text or nothing yet, else (TrueType) a further code of its own for this text; false when
 * neither can (a CFF face: *code is its own), and the caller marks the occurrence with
 * /ActualText. */
bool cv_pdffont_code_for(struct cv_pdffont *f, long k, const char *text, uint32_t len, uint32_t *code);
/* Writes the ToUnicode map; call after all pages. */
int cv_pdffont_finish(struct cv_pdffont *f);
void cv_pdffont_free(struct cv_pdffont *f);

/* The marked content of one page as it is written: the structure tree its content goes
 * into, and per MCID (from 0, in the order they are given) the element it belongs to. */
typedef struct cv_pagetags {
    cv_tags *tags;
    uint32_t page;
    CV_VEC(int32_t) mcids;
    CV_VEC(struct cv_figat {
        size_t glyph; /* an image glyph of the page */
        int32_t elem; /* its Figure */
    }) figs;
    size_t next_fig;
    bool oom;
} cv_pagetags;

/* Opens marked content for element elem (the next MCID of the page), or an artifact when
 * elem < 0 (the page's footer when footer); the caller closes it with EMC. */
void cv_pdf_open_marked(cv_buf *b, cv_pagetags *pt, int32_t elem, bool footer);

/* pdfcontent.c: the content stream of one page into b: rules, outlines, then the text;
 * font_names[face] is the face's resource name on the page; every glyph is marked content
 * of its element in pt, or an artifact. */
void cv_pdf_content(cv_buf *b, const cv_page *pg, cvu page_h, struct cv_pdffont **fonts, const char **font_names,
                    cv_fonts *faces, cv_pagetags *pt);

/* pdftags.c: the structure tree t, with the ParentTree of the pages' marked content (pt[p]
 * for page p) and of the link annotations (those a Link holds), as raw objects into raw
 * (pdfpack.c numbers them), the catalog's /StructTreeRoot and /MarkInfo in raw->catalog;
 * the pages' /StructParents and /Tabs and the annotations' /StructParent set. 0, -1 on OOM. */
int cv_pdf_write_tags(HPDF_Doc pdf, cv_tags *t, HPDF_Page *pages, size_t npages, const cv_pagetags *pt,
                      HPDF_Dict *annots, size_t nannots, cv_pdfraw *raw);

/* pdfmeta.c: the Info dates, the XMP metadata (PDF/UA and PDF/A identification),
 * /ViewerPreferences, and for PDF/A (info->pdfa) the sRGB output intent. 0, -1 on failure
 * (a diagnostic says why). */
int cv_pdf_write_meta(cv_ctx *ctx, HPDF_Doc pdf, const cv_docinfo *info);

/* A PDF text string: ASCII as it is, else UTF-16BE with a byte-order mark (pdf.c). NULL on
 * OOM (libharu's error is raised). */
void *cv_pdf_text_string(HPDF_MMgr mm, const char *s, size_t len);

/* UTF-8 to UTF-16BE with a byte-order mark (PDF text strings); caller frees. */
unsigned char *cv_utf16be(const char *s, size_t len, bool bom, size_t *out_len);

#endif
