/* check.c: source-level checks that run on every render (and alone with --check): text that
 * went through the wrong encoding. The Markdown checks (emphasis that did not parse, list
 * items swallowed by a paragraph, renumbered lists, skipped heading levels, empty sections)
 * are in build.c, which has the cmark nodes. */
#include <string.h>

#include "check.h"
#include "mojibake.h"

typedef struct moji {
    cv_ctx *ctx;
    const char *src;
    int last_line;
    int more;
} moji;

static void on_moji(void *user, size_t start, size_t end, const char *enc, const char *fixed, size_t fl)
{
    moji *m = user;
    int line, col;
    cv_lines_pos(&m->ctx->lines, start, &line, &col);
    if (line == m->last_line) { /* one warning a line is enough */
        m->more++;
        return;
    }
    m->last_line = line;
    cv_diag(m->ctx, CVPDF_WARNING, line, col,
            "'%.*s' looks like UTF-8 read as %s: it was probably '%.*s' (repair a copy with: cvpdf --fix-encoding FILE -o FIXED.md)",
            (int)(end - start), m->src + start, enc, (int)fl, fixed);
}

void cv_check_source(cv_ctx *ctx)
{
    moji m = {ctx, ctx->src, 0, 0};
    cv_mojibake_scan(ctx->src, ctx->src_len, on_moji, &m);
}
