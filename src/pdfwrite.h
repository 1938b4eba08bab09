/* pdfwrite.h: the PDF stage's entry point (pdf.c): pages to PDF bytes. */
#ifndef CVPDF_PDFWRITE_H
#define CVPDF_PDFWRITE_H

#include "fonts.h"
#include "model.h"
#include "paginate.h"

typedef struct cv_docinfo {
    const char *title, *author, *lang, *producer;
    long long date; /* -1: none */
    const char *const *links; /* NULL entries are not clickable; "#name" jumps inside */
    const int32_t *link_dest; /* per link, the anchor a "#name" one jumps to, or -1 */
    size_t nlinks;
    size_t nanchors;          /* the anchors link_dest counts in (layout marks the used ones) */
    const cv_image *images;
    size_t nimages;
    const cv_model *model;    /* its blocks and tables, for the structure tree */
    char pdfa;                /* PDF/A-2 conformance 'b' or 'u', or 0 */
} cv_docinfo;

int cv_pdf_write(cv_ctx *ctx, cv_fonts *fonts, const cv_pages *pages, const cv_docinfo *info,
                 unsigned char **out, size_t *out_len);

#endif
