/* tags.h: the logical structure of a document, for a tagged PDF (tags.c).
 *
 * The structure tree is made from the model before any page is written: a Document, and in
 * it, in the blocks' order, headings, paragraphs, code, lists (L > LI > Lbl, LBody), block
 * quotes, tables (Table > TR > TH/TD) and footnotes (Note). As the PDF writer goes through
 * the pages it asks which element each glyph's content belongs to (cv_tags_target): links
 * (Link) and images (Figure) become elements inside it when first met, and each run of
 * marked content is recorded in its element (cv_tags_mark), so every element's kids come
 * out in reading order. The tree knows nothing of PDF objects: pdftags.c writes it. */
#ifndef CVPDF_TAGS_H
#define CVPDF_TAGS_H

#include "model.h"
#include "paginate.h"

/* A kid of a structure element: an element, marked content on a page, or an annotation. */
typedef struct cv_skid {
    int32_t elem;  /* >= 0: a child element */
    int32_t mcid;  /* elem < 0, annot < 0: marked content `mcid` of page `page` */
    int32_t annot; /* >= 0: the writer's annotation `annot`, on page `page` (an OBJR) */
    uint32_t page;
} cv_skid;

typedef struct cv_selem {
    char type[12];       /* its structure type: "P", "H2", "LI", "TD", "Link", ... */
    int32_t parent;      /* -1 for the Document */
    const char *lang;    /* its language when not the document's, or NULL */
    const char *alt;     /* a Figure's alternative text; a Note's ID */
    uint16_t colspan, rowspan; /* TD, TH: when more than 1 */
    bool scope_column;   /* TH: heads its column */
    bool has_content;    /* it or an element in it holds marked content */
    CV_VEC(cv_skid) kids;
} cv_selem;

typedef struct cv_tags {
    CV_VEC(cv_selem) elems;   /* [0] is the Document */
    int32_t *leaf;            /* per block, the element its lines' text belongs to, or -1 */
    int32_t *label;           /* per block, its list item's Lbl (the marker), or -1 */
    int32_t **cells;          /* per table, per cell (row-major), its TH/TD, or -1 */
    size_t *ncells;           /* per table, its cells */
    int32_t *table_of;        /* per block, the table it is, or -1 */
    size_t nblocks, ntables;
    int32_t *links;           /* per link of the model, its Link element once met, or -1 */
    size_t nlinks;
    int32_t figure;           /* the Figure last made (its alt text's glyphs follow it) */
    char (*note_ids)[16];     /* the Notes' IDs, "note-N" */
} cv_tags;

/* Builds the tree of model's blocks into *t (emptied first). 0, -1 on OOM. */
int cv_tags_build(cv_tags *t, const cv_model *model);
void cv_tags_free(cv_tags *t);

/* The element the content of glyph g belongs to (a Link made in it when g is the first of
 * its link), or -1 when g is an artifact (page furniture, a repeated table header, a
 * hyphenation hyphen). -2 on OOM. */
int32_t cv_tags_target(cv_tags *t, const cv_pglyph *g);
/* A Figure for image glyph g, in the element its content would go to; -1 when the image
 * has no alternative text (it is then an artifact), -2 on OOM. */
int32_t cv_tags_figure(cv_tags *t, const cv_pglyph *g, const char *alt);
/* Records marked content `mcid` of page `page` as the next kid of elem. 0, -1 on OOM. */
int cv_tags_mark(cv_tags *t, int32_t elem, uint32_t page, int32_t mcid);
/* Records annotation `annot` (on page `page`) of link `link` in its Link element; returns
 * that element, -1 when the link has none (its text was never met), -2 on OOM. */
int32_t cv_tags_annot(cv_tags *t, int32_t link, int32_t annot, uint32_t page);

#endif
