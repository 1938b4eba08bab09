/* main.c: the cvpdf command: arguments, diagnostics on stderr, exit codes. Everything else is
 * the library's. Exit status: 0 rendered (warnings allowed), 1 not rendered, 2 bad usage. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cvpdf.h"

static const char usage[] =
    "Usage: cvpdf [OPTIONS] INPUT.md [-o OUTPUT.pdf]\n"
    "Typeset a résumé written in Markdown (with optional YAML front matter) into an A4 PDF.\n"
    "\n"
    "  -o, --output FILE   write the PDF to FILE (default: INPUT with .pdf; '-' for stdout)\n"
    "      --lang LANG     document language (BCP 47: en, zh, zh-TW, ja, ko, ...), overriding\n"
    "                      front matter 'lang' and detection\n"
    "      --fonts DIR     directory of the bundled fonts (default: $CVPDF_FONTS or the\n"
    "                      installed fonts directory)\n"
    "      --no-justify    set paragraphs ragged right (default: justified)\n"
    "      --no-hyphenate  do not hyphenate\n"
    "      --trace         write a text trace of the layout instead of a PDF (for tests)\n"
    "  -q, --quiet         do not print warnings\n"
    "  -h, --help          show this help and exit\n"
    "  -V, --version       show the version and exit\n"
    "\n"
    "INPUT '-' reads standard input. The PDF is written to a temporary file and renamed into\n"
    "place only on success. Diagnostics go to standard error as FILE:LINE:COL: warning: ...\n"
    "Exit status: 0 rendered, 1 could not render, 2 bad usage.\n"
    "Environment: SOURCE_DATE_EPOCH sets the document date (none by default, so the same input\n"
    "gives the same bytes).\n";

static int quiet;

static void on_diag(void *user, cvpdf_severity sev, const char *file, int line, int col,
                    const char *msg)
{
    (void)user;
    if (quiet && sev != CVPDF_ERROR)
        return;
    const char *what = sev == CVPDF_ERROR ? "error" : sev == CVPDF_WARNING ? "warning" : "note";
    if (line > 0)
        fprintf(stderr, "cvpdf: %s:%d:%d: %s: %s\n", file, line, col > 0 ? col : 1, what, msg);
    else
        fprintf(stderr, "cvpdf: %s: %s: %s\n", file, what, msg);
}

static char *default_output(const char *in)
{
    size_t n = strlen(in);
    const char *slash = strrchr(in, '/');
    const char *dot = strrchr(in, '.');
    if (dot && (!slash || dot > slash + 1))
        n = (size_t)(dot - in);
    char *out = malloc(n + 5);
    if (out) {
        memcpy(out, in, n);
        memcpy(out + n, ".pdf", 5);
    }
    return out;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'}, {"lang", required_argument, NULL, 'L'},
        {"fonts", required_argument, NULL, 'F'},  {"quiet", no_argument, NULL, 'q'},
        {"no-justify", no_argument, NULL, 'J'},   {"no-hyphenate", no_argument, NULL, 'H'},
        {"trace", no_argument, NULL, 'T'},
        {"help", no_argument, NULL, 'h'},         {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0}};
    const char *out = NULL, *lang = NULL, *fonts = NULL;
    int c, no_justify = 0, no_hyphenate = 0, trace = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:qhV", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 'L': lang = optarg; break;
        case 'F': fonts = optarg; break;
        case 'q': quiet = 1; break;
        case 'J': no_justify = 1; break;
        case 'H': no_hyphenate = 1; break;
        case 'T': trace = 1; break;
        case 'h': fputs(usage, stdout); return 0;
        case 'V': printf("cvpdf %s\n", cvpdf_version()); return 0;
        case ':':
            fprintf(stderr, "cvpdf: option '%s' needs an argument\nTry 'cvpdf --help'.\n", argv[optind - 1]);
            return 2;
        default:
            fprintf(stderr, "cvpdf: unknown option '%s'\nTry 'cvpdf --help'.\n", argv[optind - 1]);
            return 2;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "cvpdf: %s\nTry 'cvpdf --help'.\n",
                optind >= argc ? "no input file" : "one input file at a time");
        return 2;
    }
    const char *in = argv[optind];
    char *def = NULL;
    if (!out) {
        if (!strcmp(in, "-") || trace)
            out = "-";
        else if (!(out = def = default_output(in)))
            return 1;
    }
    cvpdf_options *opts = cvpdf_options_new();
    if (!opts) {
        free(def);
        return 1;
    }
    cvpdf_options_set_diagnostics(opts, on_diag, NULL);
    if ((lang && cvpdf_options_set(opts, "lang", lang)) ||
        (fonts && cvpdf_options_set(opts, "fonts-dir", fonts)) ||
        (no_justify && cvpdf_options_set(opts, "justify", "false")) ||
        (no_hyphenate && cvpdf_options_set(opts, "hyphenate", "false")) ||
        (trace && cvpdf_options_set(opts, "trace", "true"))) {
        cvpdf_options_free(opts);
        free(def);
        return 1;
    }
    cvpdf_status st = cvpdf_render_file(opts, in, out);
    cvpdf_options_free(opts);
    free(def);
    return st == CVPDF_OK ? 0 : st == CVPDF_ERR_USAGE ? 2 : 1;
}
