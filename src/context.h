/* context.h: what every stage of one render sees: the options, the source with its line
 * table, diagnostics with positions, the dependency callback and the stage timers
 * (context.c). */
#ifndef CVPDF_CONTEXT_H
#define CVPDF_CONTEXT_H

#include "cvpdf.h"
#include "memo.h"
#include "util.h"

struct cvpdf_options {
    char *fonts_dir;
    char *lang;
    bool trace;      /* render a trace instead of a PDF */
    bool show_style; /* return the resolved style as YAML instead of a PDF */
    bool check;      /* lay out and report, but write no PDF */
    bool fonts_report; /* return which face each character got, instead of a PDF */
    bool safe;       /* untrusted input: see cvpdf.h */
    bool timings;    /* report the stage timers as a note */
    char pdfa;       /* "pdf-standard": 0, or PDF/A-2's conformance 'b' or 'u' */
    size_t max_input;  /* bytes; 0: CV_MAX_INPUT, CV_MAX_INPUT_SAFE in safe mode */
    int max_pages;     /* safe mode */
    int justify, hyphenate; /* -1: the style's choice */
    char *style, *styles_dir;
    CV_VEC(char *) sets;    /* "key=value", applied last */
    int fit_pages;          /* 0: no fitting */
    long long date; /* -1: none */
    cvpdf_diag_fn diag;
    void *diag_user;
    cvpdf_diagnostic_fn diag2; /* the same, with codes */
    void *diag2_user;
    cvpdf_cache *cache;     /* NULL: nothing is shared between renders */
    char *cache_dir;        /* "cache-dir": where entries are kept between processes (diskcache.c), or NULL */
    cvpdf_dep_fn dep;       /* every file a render reads: cv_dep */
    void *dep_user;
};

/* Every option unset (options.c): what cvpdf_options_new gives, and a render without options
 * uses. */
void cv_options_defaults(cvpdf_options *o);

#define CV_MAX_INPUT ((size_t)2 << 20)
#define CV_MAX_INPUT_SAFE ((size_t)1 << 20)

/* Where an option that is not set comes from (options.c): the fonts and styles directories
 * (the option, else $CVPDF_FONTS / $CVPDF_STYLES, else a source tree the program runs from,
 * else the installed ones; buf holds a found directory), the date (the option, else
 * $SOURCE_DATE_EPOCH, else -1: none). */
const char *cv_fonts_dir(const cvpdf_options *opts, char *buf, size_t size);
const char *cv_styles_dir(const cvpdf_options *opts, char *buf, size_t size);
long long cv_date(const cvpdf_options *opts);

/* The stages the timers report, in pipeline order. */
enum cv_stage_id {
    CV_T_PARSE,    /* sanitizing, front matter, cmark-gfm, the style */
    CV_T_FONTS,    /* fontconfig lookups and opening faces */
    CV_T_SHAPE,    /* HarfBuzz */
    CV_T_BREAK,    /* ICU break opportunities, hyphenation, Knuth-Plass */
    CV_T_LAYOUT,   /* the rest of turning blocks into lines */
    CV_T_PAGINATE,
    CV_T_SUBSET,   /* hb-subset and the colour emoji images */
    CV_T_WRITE,    /* PDF objects, compression, the file */
    CV_T_N
};
extern const char *const cv_stage_names[CV_T_N];

/* Where each line of a text starts, so that a position maps to its line and column (and
 * back) in logarithmic time: diagnostics about a long file must not rescan it from the start
 * each time. Lines end at '\n' (the source is sanitized: a lone CR is a '\n' by then). */
typedef struct cv_lines {
    size_t *start; /* start[k]: byte offset of line k + 1 */
    size_t n;      /* lines; at least 1 once built */
} cv_lines;
/* Builds the table for src[0, len). 0, or -1 on OOM. */
int cv_lines_build(cv_lines *t, const char *src, size_t len);
void cv_lines_free(cv_lines *t);
/* The byte offset where line `line` (1-based) starts, or (size_t)-1 when there is none. */
size_t cv_lines_offset(const cv_lines *t, int line);
/* The 1-based line and byte column of offset off. */
void cv_lines_pos(const cv_lines *t, size_t off, int *line, int *col);

typedef struct cv_ctx cv_ctx;

typedef struct cv_ctx {
    const cvpdf_options *opts;
    const char *name;    /* the input's name, for diagnostics */
    const char *src;     /* the whole input, for mapping positions */
    size_t src_len;
    cv_lines lines;      /* of src */
    cv_memos *memos;     /* what is remembered: the cache's, or the render's own */
    const char *disk;    /* the directory of what is kept between processes, or NULL */
    const struct cv_hyphset *hyphs; /* the patterns of paragraphs in other languages */
    int body_line;       /* source line where the Markdown body starts (after front matter) */
    size_t body_off;     /* byte offset of the body in src */
    int warnings;
    int quiet;           /* > 0: diagnostics are not delivered (trial layouts of --fit-pages) */
    int remote_images;   /* images not fetched, counted past the first few warnings */
    struct cv_fixes *fixes; /* cvpdf_fix: where the checks put the repairs they know (fix.h) */
    bool oom;
    /* the library's own stage timers (option "timings"): the time since stage_mark is charged
     * to `stage`; cv_stage switches, so nested stages are charged exclusively and the stages
     * add up to the whole render */
    int stage;
    uint64_t stage_mark;
    uint64_t stage_ns[CV_T_N];
} cv_ctx;

/* Charges the time since the last switch to the current stage and makes `stage` current;
 * returns the stage that was current, for switching back. */
int cv_stage(cv_ctx *ctx, int stage);

/* A diagnostic of the render, at line:col of its source (0: none), through the callbacks of
 * the options; the message never carries half a UTF-8 character. Warnings are counted. */
void cv_diag(cv_ctx *ctx, cvpdf_severity sev, cvpdf_code code, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
/* A finished message, to the options' callbacks (for what happens outside a render). */
void cv_emit(const cvpdf_options *opts, cvpdf_severity sev, cvpdf_code code, const char *file, int line, int col,
             const char *msg);
/* The source line `line` (1-based, of the whole file) and its length *n, without its '\n';
 * NULL when there is no such line. */
const char *cv_source_line(const cv_ctx *ctx, int line, size_t *n);
/* Where needle (n bytes) first occurs in the source at or after line:col, within 64 KB: the
 * exact position of a character inside a span, for a diagnostic (*ol, *oc; else line:col). */
void cv_locate(cv_ctx *ctx, int line, int col, const char *needle, size_t n, int *ol, int *oc);
/* Reports path, as about to be opened, to the dependency callback (cvpdf.h). */
void cv_dep(const cvpdf_options *opts, const char *path);

#endif
