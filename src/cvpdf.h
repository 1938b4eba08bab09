/* cvpdf.h: the public interface of libcvpdf, a typesetter for résumés written in Markdown.
 *
 * The only header a client includes. All types are opaque; every object a function returns
 * is freed by the matching *_free function, and a rendered PDF buffer by cvpdf_buffer_free.
 *
 * Threads. The library keeps no global mutable state: independent options and renders may
 * run on different threads at once, and a cvpdf_cache may be shared by all of them. A render
 * may start threads of its own: one that loads the hyphenation patterns beside the layout,
 * and one for each font subset of a document with several faces; every one of them has
 * ended when the render returns (a prefetch of patterns for a cache's dictionary is ended
 * by cvpdf_cache_free at the latest).
 *
 * Environment. CVPDF_FONTS and CVPDF_STYLES name the directories of the bundled fonts and
 * the built-in styles when the options "fonts-dir" and "styles-dir" do not; SOURCE_DATE_EPOCH
 * gives the document's date when the option "date" does not (else it has none, and the same
 * input gives the same bytes). A program run from a cvpdf source tree (found through
 * /proc/self/exe) uses that tree's fonts and styles. fontconfig reads its own environment
 * (FONTCONFIG_FILE, FONTCONFIG_PATH) and configuration; nothing else is read.
 */
#ifndef CVPDF_H
#define CVPDF_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The version of this header; cvpdf_version() gives the library's. */
#define CVPDF_VERSION_MAJOR 0
#define CVPDF_VERSION_MINOR 1
#define CVPDF_VERSION_PATCH 0
#define CVPDF_VERSION_STRING "0.1.0"
/* MAJOR * 10000 + MINOR * 100 + PATCH, for comparisons: #if CVPDF_VERSION_NUMBER >= 100 */
#define CVPDF_VERSION_NUMBER (CVPDF_VERSION_MAJOR * 10000 + CVPDF_VERSION_MINOR * 100 + CVPDF_VERSION_PATCH)

#if defined(CVPDF_BUILDING) && defined(__GNUC__)
#define CVPDF_API __attribute__((visibility("default")))
#else
#define CVPDF_API
#endif

/* Results of the render calls. */
typedef enum {
    CVPDF_OK = 0,
    CVPDF_ERR_IO,      /* the input could not be read or the output not written */
    CVPDF_ERR_NOMEM,   /* an allocation failed */
    CVPDF_ERR_FONT,    /* a required font could not be found or loaded */
    CVPDF_ERR_PDF,     /* the PDF writer failed */
    CVPDF_ERR_USAGE,   /* a bad argument (NULL pointer, unknown option) */
    CVPDF_ERR_LIMIT    /* the input is over a limit (size, pages): see "max-input", "safe" */
} cvpdf_status;

typedef enum { CVPDF_NOTE, CVPDF_WARNING, CVPDF_ERROR } cvpdf_severity;

/* What a diagnostic is about: a stable code, so that a program can act on it without
 * parsing its English message. The numbers never change; new codes are added. */
typedef enum {
    CVPDF_D_NONE = 0,
    /* the input's bytes */
    CVPDF_D_INPUT_TOO_LARGE = 100,   /* over "max-input" (an error: nothing is rendered) */
    CVPDF_D_INVALID_UTF8 = 101,      /* bad bytes, shown as U+FFFD */
    CVPDF_D_NUL_BYTES = 102,         /* shown as U+FFFD */
    CVPDF_D_CONTROL_CHARS = 103,     /* removed */
    CVPDF_D_RTL_LOGICAL_ORDER = 104, /* no longer issued: right-to-left text is reordered (UAX #9) */
    CVPDF_D_MOJIBAKE = 105,          /* UTF-8 read as a single-byte code page */
    CVPDF_D_FRONTMATTER_INVALID = 110,  /* not valid YAML: ignored */
    CVPDF_D_FRONTMATTER_UNCLOSED = 111, /* '---' never closed: read as Markdown */
    CVPDF_D_FRONTMATTER_VALUE = 112,    /* a value front matter cannot use (dir: sideways) */
    CVPDF_D_LANG_MISMATCH = 113,        /* the text is in another language or script variant
                                         * than its 'lang' says (zh-CN written in Traditional) */
    /* Markdown and HTML as written */
    CVPDF_D_EMPHASIS_LITERAL = 200,  /* ** or __ that did not parse, printed */
    CVPDF_D_ITEM_SWALLOWED = 201,    /* a line like a list item, in a paragraph */
    CVPDF_D_LIST_RENUMBERED = 202,   /* an item printed with another number than written */
    CVPDF_D_HEADING_SKIPPED = 203,   /* a heading level skipped */
    CVPDF_D_SECTION_EMPTY = 204,     /* a heading with nothing under it */
    CVPDF_D_NESTED_TOO_DEEP = 205,   /* blocks or HTML past the nesting limit: not rendered */
    CVPDF_D_HTML_DROPPED = 206,      /* <script>, <style>: not rendered */
    CVPDF_D_TEMPLATE_TAG = 207,      /* a Liquid or Hugo tag the site generator would have run */
    CVPDF_D_MATH_UNKNOWN = 208,      /* a TeX command in math that is not known: set as written */
    CVPDF_D_LINK_NOT_CLICKABLE = 210, /* an unsafe or unknown link scheme: shown as text */
    CVPDF_D_LINK_TARGET_MISSING = 211, /* "#name" that no heading or HTML id has */
    CVPDF_D_IMAGE_UNREADABLE = 220,  /* missing, not a file, too large, not PNG or JPEG */
    CVPDF_D_IMAGE_REMOTE = 221,      /* not on this computer, not fetched */
    CVPDF_D_IMAGE_NO_SOURCE = 222,
    CVPDF_D_IMAGE_UNDECODABLE = 223, /* a damaged file: left out */
    CVPDF_D_SAFE_MODE_REFUSED = 230, /* a file "safe" does not read (an image, a style) */
    /* the style and the fonts */
    CVPDF_D_STYLE_KEY_UNKNOWN = 300,
    CVPDF_D_STYLE_VALUE_BAD = 301,
    CVPDF_D_STYLE_NOT_FOUND = 302,
    CVPDF_D_STYLE_INVALID = 303,     /* a style file that is not valid YAML */
    CVPDF_D_SET_SYNTAX = 304,        /* a "set" that is not KEY=VALUE */
    CVPDF_D_FIT_VALUE_BAD = 305,     /* front matter 'fit' that is not a number of pages */
    CVPDF_D_FONT_MISSING = 310,      /* a family not installed (its Debian package named) */
    CVPDF_D_FONT_UNREADABLE = 311,   /* a font that cannot be opened or embedded */
    CVPDF_D_CHAR_UNCOVERED = 312,    /* a character no installed font has: drawn as a box */
    CVPDF_D_EMOJI_LEFT_OUT = 313,    /* style emoji: none */
    /* typesetting */
    CVPDF_D_WORD_CUT = 400,          /* a word wider than the line, cut without a hyphen */
    CVPDF_D_BLOCK_IN_PIECES = 401,   /* a block over 64 KB, broken into lines piece by piece */
    CVPDF_D_FIT_RESULT = 402,        /* what "fit-pages" chose (a note) */
    CVPDF_D_FIT_OVERFLOW = 403,      /* "fit-pages" could not fit within the style's bounds */
    /* limits and failures */
    CVPDF_D_PAGE_LIMIT = 500,        /* over safe mode's pages (an error) */
    CVPDF_D_IO = 501,                /* a file could not be read or written (an error) */
    CVPDF_D_PDF_WRITER = 502,        /* the PDF writer failed (an error) */
    CVPDF_D_RENDER_FAILED = 503,     /* why a render failed (an error; its status's words) */
    CVPDF_D_TIMINGS = 504,           /* the stage timers, with "timings" (a note) */
    CVPDF_D_PDF_STANDARD = 505       /* a "pdf-standard" that cannot be met here (an error) */
} cvpdf_code;

/* The code's stable name ("invalid-utf8", "char-uncovered"), or "unknown". */
CVPDF_API const char *cvpdf_code_name(cvpdf_code code);

/* A diagnostic: file is the name given to the render call; line and col are 1-based source
 * positions (col counts bytes, as compilers do), 0 when unknown. msg is valid only during the
 * call. */
typedef void (*cvpdf_diag_fn)(void *user, cvpdf_severity severity, const char *file, int line,
                              int col, const char *msg);

/* The same with its code, for cvpdf_options_set_diagnostic_handler; valid only during the
 * call. */
typedef struct cvpdf_diagnostic {
    cvpdf_severity severity;
    cvpdf_code code;
    const char *file;
    int line, col;
    const char *message;
} cvpdf_diagnostic;
typedef void (*cvpdf_diagnostic_fn)(void *user, const cvpdf_diagnostic *d);

/* A dependency: a file a render read or tried to read, as a compiler's -MD lists them (see
 * cvpdf_options_set_dependencies). path is as it was opened (relative paths stay relative to
 * the working directory), valid only during the call. */
typedef void (*cvpdf_dep_fn)(void *user, const char *path);

typedef struct cvpdf_options cvpdf_options;

/* The library's version, "0.1.0" (CVPDF_VERSION_STRING of the header it was built with). */
CVPDF_API const char *cvpdf_version(void);
CVPDF_API const char *cvpdf_status_string(cvpdf_status status);

/* Options: NULL on allocation failure. Free with cvpdf_options_free. */
CVPDF_API cvpdf_options *cvpdf_options_new(void);
CVPDF_API void cvpdf_options_free(cvpdf_options *opts);

/* Sets an option by name; returns CVPDF_ERR_USAGE for an unknown key or a bad value (the
 * option is then unchanged), CVPDF_ERR_NOMEM when it cannot be stored. Boolean values are
 * "true"/"false" (also yes/no, on/off, 1/0). Keys:
 *   "fonts-dir"    directory of the bundled fonts (default: $CVPDF_FONTS, else the build's)
 *   "styles-dir"   directory of the built-in styles (default: $CVPDF_STYLES, else the build's)
 *   "lang"         document language (BCP 47), overriding front matter and detection
 *   "style"        a built-in style (modern, classic, compact) or a path to a .yaml style
 *                  file, applied over the front matter's (cvpdf(5))
 *   "set"          "KEY=VALUE": one style key (cvpdf(5)), applied last; repeatable
 *   "pdf-standard" "ua-1" (the default: tagged, PDF/UA-1), "a-2b" or "a-2u": PDF/A-2 as
 *                  well (an sRGB output intent, XMP identification); a list ("a-2u,ua-1")
 *                  is the same as its strongest
 *   "fit-pages"    "N" (0-1000): shrink within the style's bounds to fit N pages; 0: no
 *   "cache-dir"    a directory where renders keep what they make the same every time (font
 *                  subsets, compiled hyphenation patterns, colour emoji, shaped runs,
 *                  fontconfig's answers) for the next
 *                  process; made when missing, shared safely by concurrent renders, at most
 *                  128 MB (the oldest entries go first). Output is byte-identical with and
 *                  without it. Default: none (the cvpdf command uses $CVPDF_CACHE_DIR or
 *                  $XDG_CACHE_HOME/cvpdf); "" for none
 *   "date"         creation date as seconds since the epoch (default: $SOURCE_DATE_EPOCH,
 *                  else no date, so output is reproducible)
 *   "justify"      boolean: paragraphs flush on both sides (default: the style's)
 *   "hyphenate"    boolean (default: on where the language has patterns, not for CJK)
 *   "trace"        boolean: the render returns a text trace of the layout instead of a PDF
 *   "check"        boolean: lay out and report every warning, but return no PDF (an empty
 *                  buffer)
 *   "show-style"   boolean: return the style that applies, as YAML, instead of a PDF
 *   "fonts-report" boolean: return which face drew each character, as text, instead of a PDF
 *   "timings"      boolean: report the time each stage took as a note (CVPDF_D_TIMINGS)
 *   "safe"         boolean: for untrusted input (uploads): images only from files inside the
 *                  document's directory (no absolute paths, no "..", no symlinks out, none
 *                  from raw HTML), front matter names only built-in styles, at most 1 MB of
 *                  input (unless "max-input" says otherwise) and 20 pages (CVPDF_ERR_LIMIT
 *                  beyond)
 *   "max-input"    the largest input rendered, in bytes, with an optional K or M suffix
 *                  (default 2M, 1M with "safe"; "0": the default); a larger one is refused
 *                  with CVPDF_ERR_LIMIT before anything is parsed. Memory grows with the
 *                  input: about 200 bytes a character, so the default keeps a render under
 *                  about 500 MB. */
CVPDF_API cvpdf_status cvpdf_options_set(cvpdf_options *opts, const char *key, const char *value);

/* A cache of what renders can share: opened font faces, fontconfig's answers, hyphenation
 * patterns and recent font subsets. For a program that renders more than once (a server, an
 * editor's preview, cvpdf --watch): attach one to the options with cvpdf_options_set_cache and
 * every render through them reuses it, on any number of threads at once. Output is
 * byte-identical with and without a cache. It grows with the distinct fonts and languages
 * used, not with the documents; free it after the last render that uses it. NULL on
 * allocation failure. */
typedef struct cvpdf_cache cvpdf_cache;
CVPDF_API cvpdf_cache *cvpdf_cache_new(void);
CVPDF_API void cvpdf_cache_free(cvpdf_cache *cache);
/* cache may be NULL (the default): each render loads what it needs and frees it. */
CVPDF_API void cvpdf_options_set_cache(cvpdf_options *opts, cvpdf_cache *cache);

/* Diagnostics go to fn (default: none). */
CVPDF_API void cvpdf_options_set_diagnostics(cvpdf_options *opts, cvpdf_diag_fn fn, void *user);
/* Diagnostics, with their codes, go to fn too (default: none); either or both may be set. */
CVPDF_API void cvpdf_options_set_diagnostic_handler(cvpdf_options *opts, cvpdf_diagnostic_fn fn, void *user);

/* Every file a render reads goes to fn during the render (default: none), for watching them
 * or writing make dependencies: the input of cvpdf_render_file, each style file (built-in
 * styles from the styles directory too) and each local image, once per time it is opened;
 * fonts are not reported. A file that was looked for and missing (an image not there yet) is
 * reported too, so a watcher can wait for it to appear. */
CVPDF_API void cvpdf_options_set_dependencies(cvpdf_options *opts, cvpdf_dep_fn fn, void *user);

/* Renders len bytes of Markdown (UTF-8, optionally with YAML front matter) into a PDF held in
 * *pdf (*pdf_len bytes), which the caller frees with cvpdf_buffer_free. name labels
 * diagnostics and resolves relative paths ("-" for stdin). On failure *pdf is NULL. */
CVPDF_API cvpdf_status cvpdf_render(const cvpdf_options *opts, const char *name,
                                    const char *markdown, size_t len, unsigned char **pdf,
                                    size_t *pdf_len);

/* What a render made and what it chose, for a program that wants more than the bytes: the
 * output (the PDF, or the trace, style or report asked for), the number of pages, the
 * warnings given, and the settings --fit-pages arrived at. Freed with cvpdf_result_free. */
typedef struct cvpdf_result cvpdf_result;
typedef enum {
    CVPDF_FIT_NONE,     /* not asked ("fit-pages" 0 and no front matter 'fit') */
    CVPDF_FIT_AS_STYLED, /* it fitted as styled: nothing shrunk */
    CVPDF_FIT_SHRUNK,   /* it fitted once shrunk to the settings given */
    CVPDF_FIT_OVERFLOW  /* it does not fit within the style's bounds: rendered at the smallest */
} cvpdf_fit;
/* As cvpdf_render, with the result in *result (NULL on failure). */
CVPDF_API cvpdf_status cvpdf_render_result(const cvpdf_options *opts, const char *name, const char *markdown,
                                           size_t len, cvpdf_result **result);
/* The output: *len bytes, owned by the result. */
CVPDF_API const unsigned char *cvpdf_result_data(const cvpdf_result *result, size_t *len);
/* The output, taken from the result (freed with cvpdf_buffer_free); the result keeps none. */
CVPDF_API unsigned char *cvpdf_result_take(cvpdf_result *result, size_t *len);
/* Pages laid out (also with "trace" and "check"; 0 for "show-style"). */
CVPDF_API int cvpdf_result_pages(const cvpdf_result *result);
/* Warnings given (whether or not a diagnostics callback was set). */
CVPDF_API int cvpdf_result_warnings(const cvpdf_result *result);
/* What fitting did, and the settings used (in points, the leading as a multiple of the font
 * size, the left margin in millimetres); any pointer may be NULL. */
CVPDF_API cvpdf_fit cvpdf_result_fit(const cvpdf_result *result, double *font_size, double *leading,
                                     double *paragraph_spacing, double *margin_mm);
CVPDF_API void cvpdf_result_free(cvpdf_result *result);

/* Reads in_path and writes out_path. The PDF goes to a temporary file beside out_path that is
 * renamed into place only on success: a failure never leaves a partial or destroyed file. */
CVPDF_API cvpdf_status cvpdf_render_file(const cvpdf_options *opts, const char *in_path,
                                         const char *out_path);

CVPDF_API void cvpdf_buffer_free(void *buf);

/* Repairs text that is UTF-8 read as Mac Roman, Windows-1252 or Latin-1 ("üöÄ" back to the
 * emoji it was). *out (freed with cvpdf_buffer_free) gets the repaired text, *fixed how many
 * stretches were repaired. */
CVPDF_API cvpdf_status cvpdf_fix_encoding(const char *text, size_t len, char **out, size_t *out_len,
                                          int *fixed);

/* Repairs what the checks of a render find and know how to repair, leaving every other byte
 * as it was: mojibake (as cvpdf_fix_encoding), spaces inside ** or __ (** Team ** becomes
 * **Team**), a list item indented too far to nest (re-indented like the items after it), an
 * ordered item that cannot interrupt a paragraph (a blank line before it), a list that
 * continued the one before it (an HTML comment between them, so each numbers as written).
 * Each repair is a note (CVPDF_NOTE) at its line:col through the options' callbacks. *out
 * gets the repaired text; with diff non-NULL, *diff a unified diff of the change (both freed
 * with cvpdf_buffer_free); *fixed counts the repairs. */
CVPDF_API cvpdf_status cvpdf_fix(const cvpdf_options *opts, const char *name, const char *text, size_t len,
                                 char **out, size_t *out_len, char **diff, size_t *diff_len, int *fixed);

#ifdef __cplusplus
}
#endif
#endif
