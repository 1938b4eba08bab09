/* html.h: the raw-HTML front end (html.c, the only libxml2 client). */
#ifndef CVPDF_HTML_H
#define CVPDF_HTML_H

#include "builder.h"

/* html.c (libxml2): renders an HTML block through the builder. */
int cv_html_block(cv_bld *b, const char *html, size_t len);
/* html.c: one inline tag fragment ("<b>", "</a>", "<br/>", "<img src=...>") through the
 * builder; inline tags open and close across fragments, so the caller keeps a stack. */
typedef struct cv_html_open {
    char name[12];
    uint16_t style;
    int32_t link;
} cv_html_open;
typedef struct cv_html_stack {
    CV_VEC(cv_html_open) open;
    cv_map count; /* hash of a tag name -> how many such tags are open, so that a closing tag
                   * nothing opened is dismissed without a search (30,000 of them were
                   * quadratic) */
} cv_html_stack;
void cv_html_stack_free(cv_html_stack *stack);
int cv_html_inline(cv_bld *b, const char *frag, size_t len, cv_html_stack *stack);
/* For an HTML block that only opens a container (<div align="center">, <center>) whose
 * Markdown content follows in later blocks: 1 + its enum cv_align. -1 when it only closes
 * one (</div>, </center>), 0 otherwise. */
int cv_html_container(const char *html, size_t len);

#endif
