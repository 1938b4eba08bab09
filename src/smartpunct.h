/* smartpunct.h: typographic punctuation (smartpunct.c): "quotes" as the language writes them,
 * apostrophes, -- and --- as dashes, ... as an ellipsis, as kramdown, pandoc and Typst set
 * them. Never inside code, a URL, an autolink or a Liquid or Hugo tag. */
#ifndef CVPDF_SMARTPUNCT_H
#define CVPDF_SMARTPUNCT_H

#include "context.h"
#include "model.h"

/* Rewrites every block's and cell's text (and spans) of model; a block's language is its own
 * when it has one, else lang. 0, -1 on OOM (the model is then unchanged where it failed). */
int cv_smart_punct(cv_model *model, const char *lang);

/* One text [0, len) with its spans, rewritten into *out_text (NUL-terminated, malloc'd) and
 * the spans' offsets moved. For tests. 0, -1 on OOM. */
int cv_smart_text(const char *text, uint32_t len, cv_span *spans, size_t nspans, const char *const *links,
                  size_t nlinks, const char *lang, char **out_text, uint32_t *out_len);

#endif
