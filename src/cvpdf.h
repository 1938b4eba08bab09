/* cvpdf.h: the public interface of libcvpdf, a typesetter for résumés written in Markdown.
 *
 * The only header a client includes. All types are opaque; every object a function returns
 * is freed by the matching *_free function, and a rendered PDF buffer by cvpdf_buffer_free.
 * The library keeps no global mutable state: independent options/renders may run on
 * different threads at once.
 */
#ifndef CVPDF_H
#define CVPDF_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

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

/* A diagnostic: file is the name given to the render call; line and col are 1-based source
 * positions (col counts bytes, as compilers do), 0 when unknown. msg is valid only during the
 * call. */
typedef void (*cvpdf_diag_fn)(void *user, cvpdf_severity severity, const char *file, int line,
                              int col, const char *msg);

/* A dependency: a file a render read or tried to read, as a compiler's -MD lists them (see
 * cvpdf_options_set_dependencies). path is as it was opened (relative paths stay relative to
 * the working directory), valid only during the call. */
typedef void (*cvpdf_dep_fn)(void *user, const char *path);

typedef struct cvpdf_options cvpdf_options;

/* "0.1.0" */
CVPDF_API const char *cvpdf_version(void);
CVPDF_API const char *cvpdf_status_string(cvpdf_status status);

/* Options: NULL on allocation failure. Free with cvpdf_options_free. */
CVPDF_API cvpdf_options *cvpdf_options_new(void);
CVPDF_API void cvpdf_options_free(cvpdf_options *opts);

/* Sets an option by name; returns CVPDF_ERR_USAGE for an unknown key. Keys:
 *   "fonts-dir"   directory of the bundled fonts (default: $CVPDF_FONTS, else the build's)
 *   "lang"        document language (BCP 47), overriding front matter and detection
 *   "date"        creation date as seconds since the epoch (default: $SOURCE_DATE_EPOCH,
 *                 else no date, so output is reproducible)
 *   "justify"     "true"/"false": paragraphs flush on both sides (default: the style's)
 *   "hyphenate"   "true"/"false" (default: on where the language has patterns, not for CJK)
 *   "trace"       "true": cvpdf_render returns a text trace of the layout instead of a PDF
 *   "check"       "true": lay out and report every warning, but return no PDF (an empty buffer)
 *   "style", "set" (KEY=VALUE, repeatable), "fit-pages", "styles-dir", "show-style": cvpdf(5)
 *   "safe"        "true": for untrusted input (uploads): images only from files inside the
 *                 document's directory (no absolute paths, no "..", no symlinks out, none
 *                 from raw HTML), front matter names only built-in styles, at most 1 MB of
 *                 input (unless "max-input" says otherwise) and 20 pages (CVPDF_ERR_LIMIT
 *                 beyond)
 *   "max-input"   the largest input rendered, in bytes, with an optional K or M suffix
 *                 (default 2M, 1M with "safe"; "0": the default); a larger one is refused
 *                 with CVPDF_ERR_LIMIT before anything is parsed. Memory grows with the
 *                 input: about 200 bytes a character, so the default keeps a render under
 *                 about 500 MB. */
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

#ifdef __cplusplus
}
#endif
#endif
