/* image.h: reading and probing local images (image.c). */
#ifndef CVPDF_IMAGE_H
#define CVPDF_IMAGE_H

#include "context.h"
#include "model.h"

/* image.c: reads a local image (relative to base_dir) into img->data and sets its format and
 * pixel size. Remote, missing, irregular (directory, FIFO, device), oversized and
 * non-PNG/JPEG files are reported at line:col and give -1. */
int cv_image_load(cv_ctx *ctx, const char *base_dir, cv_image *img, int line, int col);
/* Safe mode: whether path (relative to base_dir) stays inside base_dir once resolved. */
bool cv_path_inside(const char *base_dir, const char *path);
int cv_image_probe(cv_image *img);

#endif
