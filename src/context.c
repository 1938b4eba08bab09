/* context.c: what every stage of a render shares: diagnostics with their source positions
 * (and the line table that finds them), the dependency callback, the stage timers. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "context.h"

void cv_emit(const cvpdf_options *opts, cvpdf_severity sev, cvpdf_code code, const char *file, int line, int col,
             const char *msg)
{
    if (!opts)
        return;
    if (opts->diag)
        opts->diag(opts->diag_user, sev, file, line, col, msg);
    if (opts->diag2) {
        cvpdf_diagnostic d = {sev, code, file, line, col, msg};
        opts->diag2(opts->diag2_user, &d);
    }
}

void cv_diag(cv_ctx *ctx, cvpdf_severity sev, cvpdf_code code, int line, int col, const char *fmt, ...)
{
    if ((ctx->quiet || ctx->oom) && sev != CVPDF_ERROR)
        return; /* (once memory ran out, warnings would be about what could not be made) */
    if (sev == CVPDF_WARNING)
        ctx->warnings++;
    if (!ctx->opts || (!ctx->opts->diag && !ctx->opts->diag2))
        return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    cv_utf8_trim(msg);
    cv_emit(ctx->opts, sev, code, ctx->name, line, col, msg);
}

const char *cvpdf_code_name(cvpdf_code code)
{
    switch (code) {
    case CVPDF_D_NONE: return "none";
    case CVPDF_D_INPUT_TOO_LARGE: return "input-too-large";
    case CVPDF_D_INVALID_UTF8: return "invalid-utf8";
    case CVPDF_D_NUL_BYTES: return "nul-bytes";
    case CVPDF_D_CONTROL_CHARS: return "control-chars";
    case CVPDF_D_RTL_LOGICAL_ORDER: return "rtl-logical-order";
    case CVPDF_D_MOJIBAKE: return "mojibake";
    case CVPDF_D_FRONTMATTER_INVALID: return "frontmatter-invalid";
    case CVPDF_D_FRONTMATTER_UNCLOSED: return "frontmatter-unclosed";
    case CVPDF_D_FRONTMATTER_VALUE: return "frontmatter-value";
    case CVPDF_D_LANG_MISMATCH: return "lang-mismatch";
    case CVPDF_D_EMPHASIS_LITERAL: return "emphasis-literal";
    case CVPDF_D_ITEM_SWALLOWED: return "item-swallowed";
    case CVPDF_D_LIST_RENUMBERED: return "list-renumbered";
    case CVPDF_D_HEADING_SKIPPED: return "heading-skipped";
    case CVPDF_D_SECTION_EMPTY: return "section-empty";
    case CVPDF_D_NESTED_TOO_DEEP: return "nested-too-deep";
    case CVPDF_D_HTML_DROPPED: return "html-dropped";
    case CVPDF_D_TEMPLATE_TAG: return "template-tag";
    case CVPDF_D_MATH_UNKNOWN: return "math-unknown";
    case CVPDF_D_LINK_NOT_CLICKABLE: return "link-not-clickable";
    case CVPDF_D_LINK_TARGET_MISSING: return "link-target-missing";
    case CVPDF_D_IMAGE_UNREADABLE: return "image-unreadable";
    case CVPDF_D_IMAGE_REMOTE: return "image-remote";
    case CVPDF_D_IMAGE_NO_SOURCE: return "image-no-source";
    case CVPDF_D_IMAGE_UNDECODABLE: return "image-undecodable";
    case CVPDF_D_SAFE_MODE_REFUSED: return "safe-mode-refused";
    case CVPDF_D_STYLE_KEY_UNKNOWN: return "style-key-unknown";
    case CVPDF_D_STYLE_VALUE_BAD: return "style-value-bad";
    case CVPDF_D_STYLE_NOT_FOUND: return "style-not-found";
    case CVPDF_D_STYLE_INVALID: return "style-invalid";
    case CVPDF_D_SET_SYNTAX: return "set-syntax";
    case CVPDF_D_FIT_VALUE_BAD: return "fit-value-bad";
    case CVPDF_D_FONT_MISSING: return "font-missing";
    case CVPDF_D_FONT_UNREADABLE: return "font-unreadable";
    case CVPDF_D_CHAR_UNCOVERED: return "char-uncovered";
    case CVPDF_D_EMOJI_LEFT_OUT: return "emoji-left-out";
    case CVPDF_D_WORD_CUT: return "word-cut";
    case CVPDF_D_BLOCK_IN_PIECES: return "block-in-pieces";
    case CVPDF_D_FIT_RESULT: return "fit-result";
    case CVPDF_D_FIT_OVERFLOW: return "fit-overflow";
    case CVPDF_D_PAGE_LIMIT: return "page-limit";
    case CVPDF_D_IO: return "io";
    case CVPDF_D_PDF_WRITER: return "pdf-writer";
    case CVPDF_D_RENDER_FAILED: return "render-failed";
    case CVPDF_D_TIMINGS: return "timings";
    case CVPDF_D_PDF_STANDARD: return "pdf-standard";
    }
    return "unknown";
}

void cv_dep(const cvpdf_options *opts, const char *path)
{
    if (opts && opts->dep && path && *path)
        opts->dep(opts->dep_user, path);
}

const char *const cv_stage_names[CV_T_N] = {"parse", "fonts", "shape", "break", "layout",
                                            "paginate", "subset", "write"};

int cv_stage(cv_ctx *ctx, int stage)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    uint64_t now = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
    int prev = ctx->stage;
    if (ctx->stage_mark)
        ctx->stage_ns[prev] += now - ctx->stage_mark;
    ctx->stage_mark = now;
    ctx->stage = stage;
    return prev;
}

int cv_lines_build(cv_lines *t, const char *src, size_t len)
{
    if (!src)
        len = 0;
    size_t n = 1;
    for (const char *p = src; len && (p = memchr(p, '\n', len - (size_t)(p - src))); p++)
        n++;
    t->start = malloc(n * sizeof *t->start);
    if (!t->start) {
        t->n = 0;
        return -1;
    }
    t->start[0] = 0;
    t->n = 1;
    for (size_t i = 0; i < len; i++)
        if (src[i] == '\n')
            t->start[t->n++] = i + 1;
    return 0;
}

void cv_lines_free(cv_lines *t)
{
    free(t->start);
    t->start = NULL;
    t->n = 0;
}

size_t cv_lines_offset(const cv_lines *t, int line)
{
    if (line < 1 || (size_t)line > t->n)
        return (size_t)-1;
    return t->start[line - 1];
}

void cv_lines_pos(const cv_lines *t, size_t off, int *line, int *col)
{
    /* the last line starting at or before off */
    size_t lo = 0, hi = t->n;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->start[mid] <= off)
            lo = mid;
        else
            hi = mid;
    }
    *line = (int)lo + 1;
    *col = t->n ? (int)(off - t->start[lo]) + 1 : (int)off + 1;
}

const char *cv_source_line(const cv_ctx *ctx, int line, size_t *n)
{
    const char *s = ctx->src;
    size_t len = ctx->src_len, p = s ? cv_lines_offset(&ctx->lines, line) : (size_t)-1;
    if (p == (size_t)-1 || (p >= len && line > 1))
        return NULL;
    const char *nl = p < len ? memchr(s + p, '\n', len - p) : NULL;
    size_t e = nl ? (size_t)(nl - s) : len;
    *n = e - p;
    return s + p;
}

/* Where `needle` first occurs in the source at or after (line, col): an exact position for a
 * diagnostic about a character inside a span (the line table gives both ends at once). */
void cv_locate(cv_ctx *ctx, int line, int col, const char *needle, size_t n, int *ol, int *oc)
{
    *ol = line;
    *oc = col;
    size_t p = ctx->src ? cv_lines_offset(&ctx->lines, line) : (size_t)-1;
    if (p == (size_t)-1)
        return;
    p += col > 0 ? (size_t)col - 1 : 0;
    size_t limit = p + 65536 < ctx->src_len ? p + 65536 : ctx->src_len;
    for (size_t q = p; q + n <= limit; q++) {
        if (!memcmp(ctx->src + q, needle, n)) {
            cv_lines_pos(&ctx->lines, q, ol, oc);
            return;
        }
    }
}
