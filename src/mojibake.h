/* mojibake.h: UTF-8 read as Mac Roman, Windows-1252 or Latin-1 (mojibake.c). */
#ifndef CVPDF_MOJIBAKE_H
#define CVPDF_MOJIBAKE_H

#include "util.h"

/* Called for each damaged stretch text[start, end): the code page it went through and the
 * UTF-8 it stood for. */
typedef void (*cv_mojibake_fn)(void *user, size_t start, size_t end, const char *encoding,
                               const char *fixed, size_t fixed_len);
int cv_mojibake_scan(const char *text, size_t len, cv_mojibake_fn fn, void *user);
/* Appends text with every damaged stretch repaired; returns how many, -1 on OOM. */
int cv_mojibake_fix(const char *text, size_t len, cv_buf *out);

#endif
