/* anchors.h: links inside the document (anchors.c): headings' slugs as GitHub makes them,
 * HTML ids and names, and the "#name" links that jump to them. */
#ifndef CVPDF_ANCHORS_H
#define CVPDF_ANCHORS_H

#include "context.h"
#include "model.h"

/* Appends GitHub's slug of a heading's text to out: lower case, only letters, marks, numbers,
 * '_', '-' and spaces kept, each space a '-' ("Skills & Tools" -> "skills--tools"). */
void cv_slug(const char *text, size_t len, cv_buf *out);

/* Gives every heading its slug (de-duplicated as GitHub does: "a", "a-1", "a-2"), after the
 * HTML ids and names already in model->anchors, then resolves every "#name" link into
 * model->link_dest, marking the anchors used; a link to no anchor is a warning at its
 * position. 0, -1 on OOM. */
int cv_anchors_resolve(cv_ctx *ctx, cv_model *model);

#endif
