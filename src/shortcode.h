/* shortcode.h: GitHub's emoji shortcodes (shortcode.c): ":rocket:" is 🚀. */
#ifndef CVPDF_SHORTCODE_H
#define CVPDF_SHORTCODE_H

#include <stddef.h>

/* When s[i] starts a shortcode GitHub knows (":name:", gemoji's names), its length, with
 * *emoji its UTF-8; else 0. */
size_t cv_shortcode_at(const char *s, size_t len, size_t i, const char **emoji);

#endif
