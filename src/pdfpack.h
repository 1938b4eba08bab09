/* pdfpack.h: a PDF as libharu writes it, rewritten with object streams and a
 * cross-reference stream (pdfpack.c). */
#ifndef CVPDF_PDFPACK_H
#define CVPDF_PDFPACK_H

#include "deflate.h"
#include "util.h"

/* Objects made as text rather than through libharu (the structure tree, pdftags.c): object
 * k is text[objs[k].a, objs[k].b), numbered after libharu's; RAW_REF followed by a raw
 * object's index (then " 0 R") refers to it. catalog is added to the document catalog. */
#define RAW_REF '\x01'
struct cv_rawobj {
    size_t a, b;
};
/* Stream data kept out of libharu (data[k], owned): a stream whose dictionary has
 * "/CvData k" is written with it, its /Length that data's. libharu copies each byte of a
 * stream four times on the way (into its stream, into the file's, out of it), a tenth of a
 * re-render; the compressed streams are here instead. */
struct cv_rawdata {
    unsigned char *p;
    size_t n;
};
typedef struct cv_pdfraw {
    cv_buf text;
    CV_VEC(struct cv_rawobj) objs;
    CV_VEC(struct cv_rawdata) data;
    char catalog[64];
} cv_pdfraw;

/* The file in[0, len) packed into *out (malloc'd, the caller frees), with raw's objects
 * (raw may be NULL). 0 on success, 1 when the file is not as libharu writes it (nothing
 * made: keep it as it is), -1 on OOM. */
int cv_pdf_pack(const unsigned char *in, size_t len, const cv_pdfraw *raw, cv_deflater *zip, unsigned char **out,
                size_t *out_len);

#endif
