/* markdown.h: the Markdown front end: cmark-gfm's tree to the model (markdown.c, the only
 * cmark-gfm client). */
#ifndef CVPDF_MARKDOWN_H
#define CVPDF_MARKDOWN_H

#include "context.h"
#include "model.h"

/* base_dir: where relative image paths start (the Markdown file's directory), or NULL. */
int cv_build(cv_ctx *ctx, const char *md, size_t len, const char *base_dir, cv_model *model);

#endif
