/* render.c: renders a Markdown résumé to PDF with libcvpdf, using only its public API
 * (cvpdf.h). Build it against an installed libcvpdf with pkg-config:
 *
 *     cc $(pkg-config --cflags cvpdf) render.c $(pkg-config --libs cvpdf) -o render
 *
 * (or `make` in this directory), then:
 *
 *     ./render resume.md resume.pdf
 *
 * Exit status: 0 when the PDF was written, 1 when it could not be, 2 on bad usage.
 */
#include <cvpdf.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Diagnostics arrive here during cvpdf_render: file is the name given to the render call,
 * line and col are 1-based (0 when unknown), msg is valid only during the call. */
static void on_diag(void *user, cvpdf_severity severity, const char *file, int line, int col,
                    const char *msg)
{
    (void)user; /* the pointer given to cvpdf_options_set_diagnostics: unused here */
    const char *kind = severity == CVPDF_ERROR ? "error" : severity == CVPDF_WARNING ? "warning" : "note";
    if (line > 0)
        fprintf(stderr, "%s:%d:%d: %s: %s\n", file, line, col, kind, msg);
    else
        fprintf(stderr, "%s: %s: %s\n", file, kind, msg);
}

/* Reads a whole file into a malloc'ed buffer; NULL (errno set) on failure. */
static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap)
            break;
        char *bigger = realloc(buf, cap *= 2);
        if (!bigger) {
            free(buf);
            buf = NULL;
        } else {
            buf = bigger;
        }
    }
    int failed = !buf || ferror(f);
    int saved = errno;
    fclose(f);
    if (failed) {
        free(buf);
        errno = saved ? saved : EIO;
        return NULL;
    }
    *len = n;
    return buf;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s INPUT.md OUTPUT.pdf\n", argv[0]);
        return 2;
    }
    const char *in = argv[1], *out = argv[2];

    size_t md_len;
    char *md = read_file(in, &md_len);
    if (!md) {
        fprintf(stderr, "%s: %s\n", in, strerror(errno));
        return 1;
    }

    /* Options start at their defaults: the front matter, then the built-in style, decide the
     * rest. Any key of cvpdf(5) could be set here, e.g. cvpdf_options_set(opts, "style",
     * "classic") or cvpdf_options_set(opts, "fit-pages", "1"). */
    cvpdf_options *opts = cvpdf_options_new();
    if (!opts) {
        fprintf(stderr, "out of memory\n");
        free(md);
        return 1;
    }
    cvpdf_options_set_diagnostics(opts, on_diag, NULL);

    /* Render into memory. The name labels diagnostics and resolves relative image paths. */
    unsigned char *pdf = NULL;
    size_t pdf_len = 0;
    cvpdf_status st = cvpdf_render(opts, in, md, md_len, &pdf, &pdf_len);
    free(md);
    cvpdf_options_free(opts);
    if (st != CVPDF_OK) {
        fprintf(stderr, "%s: %s\n", in, cvpdf_status_string(st));
        return 1;
    }

    /* Write the PDF (cvpdf_render_file would write it atomically instead). */
    FILE *f = fopen(out, "wb");
    int ok = f && fwrite(pdf, 1, pdf_len, f) == pdf_len;
    if (f && fclose(f) != 0)
        ok = 0;
    cvpdf_buffer_free(pdf);
    if (!ok) {
        fprintf(stderr, "%s: %s\n", out, strerror(errno));
        return 1;
    }
    printf("%s: %zu bytes, libcvpdf %s\n", out, pdf_len, cvpdf_version());
    return 0;
}
