/* subset.h: font subsetting (subset.c, the hb-subset client) and the CFF charset reader
 * (cff.c). */
#ifndef CVPDF_SUBSET_H
#define CVPDF_SUBSET_H

#include "shape.h"

enum cv_font_kind { CV_FK_TRUETYPE, CV_FK_CFF, CV_FK_CFF_CID };

typedef struct cv_subset {
    unsigned char *data; /* FontFile2 (whole sfnt) or FontFile3 (bare CFF): while it is made */
    size_t len;          /* its length, kept */
    unsigned char *zdata; /* data compressed, for /FlateDecode: what is embedded and remembered */
    size_t zlen;
    int kind;
    uint32_t *codes;     /* codes[i]: the PDF code (new GID or CID) of gids[i] */
} cv_subset;

/* The subset of face with glyphs gids[0, n) (ascending), from memo when it is there (memo may
 * be NULL), else from the disk cache in directory disk (NULL: none), else made (and kept in
 * both). 0; -2 out of memory; -1 another failure (a malformed font). */
int cv_subset_face(cv_memo *memo, const char *disk, cv_face *face, const uint32_t *gids, size_t n, cv_subset *out);
/* Whether memo holds the subset of exactly these glyphs of face. */
bool cv_subset_known(cv_memo *memo, cv_face *face, const uint32_t *gids, size_t n);
void cv_subset_free(cv_subset *s);

/* For a CFF table: *is_cid tells whether it is CID-keyed; when it is, cids[gid] receives the
 * CID of each of nglyphs glyphs. 0 on success, -1 on a malformed table. */
int cv_cff_charset(const unsigned char *cff, size_t len, unsigned nglyphs, bool *is_cid,
                   uint16_t *cids);

#endif
