/* trace.h: a readable dump of the laid-out pages (trace.c). */
#ifndef CVPDF_TRACE_H
#define CVPDF_TRACE_H

#include "paginate.h"

/* A readable dump of the laid-out pages (trace.c): lines, breaks, hyphens, glue, rules and
 * marks, in points with two decimals; for golden tests. */
int cv_trace(const cv_pages *pages, cv_buf *out);

#endif
