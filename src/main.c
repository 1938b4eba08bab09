/* main.c: the cvpdf command: arguments, diagnostics on stderr, exit codes. Everything else is
 * the library's. Exit status: 0 rendered (warnings allowed), 1 not rendered, 2 bad usage. */
#include <errno.h>
#include <unistd.h>
#include <getopt.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cvpdf.h"

static const char usage[] =
    "Usage: cvpdf [OPTIONS] INPUT.md [-o OUTPUT.pdf]\n"
    "       cvpdf [OPTIONS] INPUT.md... -o DIR/\n"
    "Typeset a résumé written in Markdown (with optional YAML front matter) into an A4 PDF.\n"
    "\n"
    "  -o, --output FILE   write the PDF to FILE (default: INPUT with .pdf; '-' for stdout);\n"
    "                      with several inputs, a directory: DIR/NAME.pdf for each\n"
    "  -s, --style NAME    a built-in style (modern, classic, compact) or a style file\n"
    "      --set KEY=VALUE set a style key (cvpdf(5)); may be repeated\n"
    "      --fit-pages N   shrink, within the style's bounds, to fit N pages\n"
    "      --lang LANG     document language (BCP 47: en, zh, zh-TW, ja, ko, ...), overriding\n"
    "                      front matter 'lang' and detection\n"
    "      --fonts-dir DIR directory of the bundled fonts (default: $CVPDF_FONTS or the\n"
    "                      installed fonts directory)\n"
    "      --no-justify    set paragraphs ragged right (default: justified)\n"
    "      --no-hyphenate  do not hyphenate\n"
    "      --trace         write a text trace of the layout instead of a PDF (for tests)\n"
    "      --show-style    print the style that applies, as YAML, instead of a PDF\n"
    "      --fonts         print which font each character was drawn with, instead of a PDF\n"
    "      --check         report problems (mojibake, emphasis that did not parse, list items\n"
    "                      swallowed by a paragraph, renumbered lists, ...) without writing a\n"
    "                      PDF; exit 0 when clean, 1 when there are warnings\n"
    "      --fix-encoding  write a repaired copy of INPUT (UTF-8 read as Mac Roman, Windows-1252\n"
    "                      or Latin-1) to -o OUTPUT; the input is never changed\n"
    "      --safe          for untrusted input: no files outside INPUT's directory, no\n"
    "                      images from raw HTML, at most 1 MB and 20 pages\n"
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
static int warnings;

static void on_diag(void *user, cvpdf_severity sev, const char *file, int line, int col,
                    const char *msg)
{
    (void)user;
    if (sev == CVPDF_WARNING)
        warnings++;
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

static char *read_file(const char *path, size_t *len)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *b = malloc(cap);
    size_t r;
    while (b && (r = fread(b + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap) {
            char *nb = realloc(b, cap * 2);
            if (!nb) {
                free(b);
                b = NULL;
                break;
            }
            b = nb;
            cap *= 2;
        }
    }
    if (f != stdin)
        fclose(f);
    *len = n;
    return b;
}

/* --check: everything a render does, no PDF. */
static cvpdf_status check_file(const cvpdf_options *opts, const char *in)
{
    size_t len;
    char *md = read_file(in, &len);
    if (!md) {
        fprintf(stderr, "cvpdf: %s: error: cannot read: %s\n", in, strerror(errno));
        return CVPDF_ERR_IO;
    }
    unsigned char *pdf = NULL;
    size_t pdf_len = 0;
    cvpdf_status st = cvpdf_render(opts, strcmp(in, "-") ? in : "<stdin>", md, len, &pdf, &pdf_len);
    cvpdf_buffer_free(pdf);
    free(md);
    return st;
}

/* --fix-encoding IN -o OUT: a repaired copy, written beside OUT and renamed into place. */
static int fix_encoding(const char *in, const char *out)
{
    if (!in || !out || !strcmp(out, "-") ? (!in || !out) : false) {
        fprintf(stderr, "cvpdf: --fix-encoding needs one INPUT and -o OUTPUT\n");
        return 2;
    }
    struct stat si, so;
    if (strcmp(in, "-") && strcmp(out, "-") && stat(in, &si) == 0 && stat(out, &so) == 0 &&
        si.st_dev == so.st_dev && si.st_ino == so.st_ino) {
        fprintf(stderr, "cvpdf: %s: error: --fix-encoding never overwrites its input; choose another -o\n", in);
        return 1;
    }
    size_t len;
    char *text = read_file(in, &len);
    if (!text) {
        fprintf(stderr, "cvpdf: %s: error: cannot read: %s\n", in, strerror(errno));
        return 1;
    }
    char *fixed = NULL;
    size_t fl = 0;
    int n = 0;
    if (cvpdf_fix_encoding(text, len, &fixed, &fl, &n) != CVPDF_OK) {
        free(text);
        return 1;
    }
    free(text);
    int rc = 0;
    if (!strcmp(out, "-")) {
        rc = fwrite(fixed, 1, fl, stdout) == fl ? 0 : 1;
    } else {
        char tmp[4096];
        snprintf(tmp, sizeof tmp, "%s.XXXXXX", out);
        int fd = mkstemp(tmp);
        FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
        if (!f || fwrite(fixed, 1, fl, f) != fl || fclose(f) || rename(tmp, out)) {
            fprintf(stderr, "cvpdf: %s: error: cannot write: %s\n", out, strerror(errno));
            if (fd >= 0)
                unlink(tmp);
            rc = 1;
        }
    }
    cvpdf_buffer_free(fixed);
    if (!rc)
        fprintf(stderr, "cvpdf: %s: repaired %d stretch%s of mojibake\n", in, n, n == 1 ? "" : "es");
    return rc;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'}, {"lang", required_argument, NULL, 'L'},
        {"fonts-dir", required_argument, NULL, 'F'},  {"quiet", no_argument, NULL, 'q'},
        {"no-justify", no_argument, NULL, 'J'},   {"no-hyphenate", no_argument, NULL, 'H'},
        {"trace", no_argument, NULL, 'T'},       {"style", required_argument, NULL, 's'},
        {"set", required_argument, NULL, 'S'},    {"fit-pages", required_argument, NULL, 'P'},
        {"show-style", no_argument, NULL, 'Y'},   {"check", no_argument, NULL, 'C'},
        {"fix-encoding", no_argument, NULL, 'E'}, {"fonts", no_argument, NULL, 'U'},
        {"safe", no_argument, NULL, 'X'},
        {"help", no_argument, NULL, 'h'},         {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0}};
    const char *out = NULL, *lang = NULL, *fonts = NULL, *style = NULL, *fit = NULL;
    const char *sets[64];
    int nsets = 0;
    int c, no_justify = 0, no_hyphenate = 0, trace = 0, show_style = 0, check = 0, fix = 0, fonts_used = 0, safe = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:s:qhV", longopts, NULL)) != -1) {
        switch (c) {
        case 's': style = optarg; break;
        case 'P': fit = optarg; break;
        case 'S':
            if (nsets == 64) {
                fprintf(stderr, "cvpdf: at most 64 --set options\n");
                return 2;
            }
            sets[nsets++] = optarg;
            break;
        case 'o': out = optarg; break;
        case 'L': lang = optarg; break;
        case 'F': fonts = optarg; break;
        case 'q': quiet = 1; break;
        case 'J': no_justify = 1; break;
        case 'H': no_hyphenate = 1; break;
        case 'T': trace = 1; break;
        case 'Y': show_style = 1; break;
        case 'C': check = 1; break;
        case 'E': fix = 1; break;
        case 'U': fonts_used = 1; break;
        case 'X': safe = 1; break;
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
    if (optind >= argc) {
        fprintf(stderr, "cvpdf: no input file\nTry 'cvpdf --help'.\n");
        return 2;
    }
    int ninputs = argc - optind;
    if (fix)
        return fix_encoding(ninputs == 1 ? argv[optind] : NULL, out);
    /* several inputs, or -o naming a directory: one PDF per input in that directory */
    bool to_dir = false;
    if (out && strcmp(out, "-")) {
        struct stat sb;
        size_t ol = strlen(out);
        to_dir = out[ol - 1] == '/' || (stat(out, &sb) == 0 && S_ISDIR(sb.st_mode));
    }
    if (ninputs > 1 && out && !to_dir) {
        fprintf(stderr, "cvpdf: with several inputs, -o must be a directory (end it with '/')\n");
        return 2;
    }
    if (fit) {
        char *end;
        long v = strtol(fit, &end, 10);
        if (*end || v < 1 || v > 1000) {
            fprintf(stderr, "cvpdf: --fit-pages needs a number of pages (1, 2, ...)\n");
            return 2;
        }
    }
    cvpdf_options *opts = cvpdf_options_new();
    if (!opts)
        return 1;
    cvpdf_options_set_diagnostics(opts, on_diag, NULL);
    int bad = (lang && cvpdf_options_set(opts, "lang", lang)) ||
              (fonts && cvpdf_options_set(opts, "fonts-dir", fonts)) ||
              (style && cvpdf_options_set(opts, "style", style)) ||
              (fit && cvpdf_options_set(opts, "fit-pages", fit)) ||
              (no_justify && cvpdf_options_set(opts, "justify", "false")) ||
              (no_hyphenate && cvpdf_options_set(opts, "hyphenate", "false")) ||
              (trace && cvpdf_options_set(opts, "trace", "true")) ||
              (show_style && cvpdf_options_set(opts, "show-style", "true")) ||
              (check && cvpdf_options_set(opts, "check", "true")) ||
              (fonts_used && cvpdf_options_set(opts, "fonts-report", "true")) ||
              (safe && cvpdf_options_set(opts, "safe", "true"));
    for (int i = 0; i < nsets && !bad; i++)
        bad = cvpdf_options_set(opts, "set", sets[i]) != CVPDF_OK;
    if (bad) {
        cvpdf_options_free(opts);
        return 1;
    }
    if (to_dir && mkdir(out, 0777) && errno != EEXIST) {
        fprintf(stderr, "cvpdf: %s: cannot create the directory: %s\n", out, strerror(errno));
        cvpdf_options_free(opts);
        return 1;
    }
    int status = 0;
    for (int i = optind; i < argc; i++) {
        const char *in = argv[i];
        char *path = NULL;
        const char *dst = out;
        if (to_dir) {
            /* DIR/NAME.pdf */
            const char *slash = strrchr(in, '/');
            char *name = default_output(slash ? slash + 1 : in);
            size_t dl = strlen(out);
            path = name ? malloc(dl + strlen(name) + 2) : NULL;
            if (path)
                sprintf(path, "%s%s%s", out, out[dl - 1] == '/' ? "" : "/", name);
            free(name);
            dst = path;
        } else if (!out) {
            dst = path = !strcmp(in, "-") || trace || show_style || check || fonts_used ? NULL : default_output(in);
            if (!dst && (!strcmp(in, "-") || trace || show_style || check || fonts_used))
                dst = "-";
        }
        if (!dst) {
            status = 1;
            continue;
        }
        cvpdf_status st = check ? check_file(opts, in) : cvpdf_render_file(opts, in, dst);
        if (st != CVPDF_OK)
            status = st == CVPDF_ERR_USAGE ? 2 : 1;
        else if (ninputs > 1)
            fprintf(stderr, "cvpdf: wrote %s\n", dst);
        free(path);
    }
    cvpdf_options_free(opts);
    if (check && status == 0 && warnings)
        return 1; /* --check: warnings are the answer */
    return status;
}
