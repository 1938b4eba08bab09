/* api.c: the public interface as a program uses it (only cvpdf.h): version macros, a
 * render's result (pages, warnings, what --fit-pages chose), diagnostics with stable codes,
 * refusals by limit. Prints "ok - ..." or "FAIL - ..." per check and "N passed, N failed".
 *
 * Usage: api EN.md (run from the repository root, where the fonts are found). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cvpdf.h"
#include "harness.h"

static int passed, failed;

/* The diagnostics of a render, by code. */
typedef struct seen {
    int n;
    cvpdf_code code[64];
    int line[64], col[64];
    cvpdf_severity sev[64];
} seen;

static void on_diag(void *user, const cvpdf_diagnostic *d)
{
    seen *s = user;
    if (s->n < 64) {
        s->code[s->n] = d->code;
        s->line[s->n] = d->line;
        s->col[s->n] = d->col;
        s->sev[s->n] = d->severity;
        s->n++;
    }
}

static int find(const seen *s, cvpdf_code code)
{
    for (int i = 0; i < s->n; i++)
        if (s->code[i] == code)
            return i;
    return -1;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: api EN.md\n");
        return 2;
    }
    char v[32];
    snprintf(v, sizeof v, "%d.%d.%d", CVPDF_VERSION_MAJOR, CVPDF_VERSION_MINOR, CVPDF_VERSION_PATCH);
    CHECK("version: the macros spell CVPDF_VERSION_STRING", !strcmp(v, CVPDF_VERSION_STRING));
    CHECK("version: the library is the header's", !strcmp(cvpdf_version(), CVPDF_VERSION_STRING));
    CHECK("version: CVPDF_VERSION_NUMBER orders versions",
          CVPDF_VERSION_NUMBER == CVPDF_VERSION_MAJOR * 10000 + CVPDF_VERSION_MINOR * 100 + CVPDF_VERSION_PATCH);

    size_t len;
    char *md = read_file(argv[1], &len);
    CHECK("the résumé reads", md != NULL);
    if (!md)
        return 1;
    cvpdf_options *o = cvpdf_options_new();
    seen s = {0};
    cvpdf_options_set_diagnostic_handler(o, on_diag, &s);
    cvpdf_result *r = NULL;
    cvpdf_status st = cvpdf_render_result(o, argv[1], md, len, &r);
    size_t n = 0;
    const unsigned char *pdf = cvpdf_result_data(r, &n);
    CHECK("result: renders", st == CVPDF_OK && r && pdf && n > 1000 && !memcmp(pdf, "%PDF-", 5));
    CHECK("result: the page count (2 for the English résumé)", cvpdf_result_pages(r) == 2);
    int warnings = 0;
    for (int i = 0; i < s.n; i++)
        warnings += s.sev[i] == CVPDF_WARNING;
    CHECK("result: warnings counted as the handler saw them", cvpdf_result_warnings(r) == warnings);
    double size = 0, leading = 0, para = 0, margin = 0;
    CHECK("result: no fitting asked", cvpdf_result_fit(r, &size, &leading, &para, &margin) == CVPDF_FIT_NONE);
    CHECK("result: the settings used (modern: 10.5 pt, leading > 1, margins > 10 mm)",
          size > 9 && size < 12 && leading > 1 && leading < 2 && para > 0 && margin > 10 && margin < 30);
    /* the same bytes as cvpdf_render, and the take hands them over */
    unsigned char *plain = NULL;
    size_t plain_len = 0;
    cvpdf_render(o, argv[1], md, len, &plain, &plain_len);
    size_t tl = 0;
    unsigned char *taken = cvpdf_result_take(r, &tl);
    CHECK("result: the bytes of cvpdf_render", taken && plain && tl == plain_len && !memcmp(taken, plain, tl));
    CHECK("result: taken, it keeps none", cvpdf_result_data(r, &n) == NULL && n == 0);
    cvpdf_buffer_free(taken);
    cvpdf_buffer_free(plain);
    cvpdf_result_free(r);

    /* fitting: the choices are the caller's to read */
    cvpdf_options_set(o, "fit-pages", "1");
    st = cvpdf_render_result(o, argv[1], md, len, &r);
    double fsize = 0, fmargin = 0;
    cvpdf_fit fit = cvpdf_result_fit(r, &fsize, NULL, NULL, &fmargin);
    CHECK("fit: one page asked, shrunk to fit (or at the bounds)", st == CVPDF_OK && (fit == CVPDF_FIT_SHRUNK || fit == CVPDF_FIT_OVERFLOW));
    CHECK("fit: the pages say so", fit != CVPDF_FIT_SHRUNK || cvpdf_result_pages(r) == 1);
    CHECK("fit: the font shrank, the margins did not grow", fsize < size && fmargin <= margin);
    cvpdf_result_free(r);
    cvpdf_options_set(o, "fit-pages", "5");
    st = cvpdf_render_result(o, argv[1], md, len, &r);
    CHECK("fit: five pages fit as styled", st == CVPDF_OK && cvpdf_result_fit(r, NULL, NULL, NULL, NULL) == CVPDF_FIT_AS_STYLED);
    cvpdf_result_free(r);
    cvpdf_options_set(o, "fit-pages", "0");

    /* codes: a bad byte at 1:7, reported with its code, and nothing else about it */
    memset(&s, 0, sizeof s);
    const char bad[] = "valid \xff text\n";
    st = cvpdf_render_result(o, "bad.md", bad, sizeof bad - 1, &r);
    int k = find(&s, CVPDF_D_INVALID_UTF8);
    CHECK("codes: invalid UTF-8 has its code, at 1:7, a warning",
          st == CVPDF_OK && k >= 0 && s.line[k] == 1 && s.col[k] == 7 && s.sev[k] == CVPDF_WARNING);
    CHECK("codes: and its stable name", !strcmp(cvpdf_code_name(CVPDF_D_INVALID_UTF8), "invalid-utf8"));
    cvpdf_result_free(r);

    /* a refusal by limit: CVPDF_ERR_LIMIT, an error with its code, no result */
    memset(&s, 0, sizeof s);
    cvpdf_options_set(o, "max-input", "1K");
    char big[2048];
    memset(big, 'a', sizeof big);
    r = (cvpdf_result *)1;
    st = cvpdf_render_result(o, "big.md", big, sizeof big, &r);
    k = find(&s, CVPDF_D_INPUT_TOO_LARGE);
    CHECK("limit: over max-input is CVPDF_ERR_LIMIT, with no result", st == CVPDF_ERR_LIMIT && r == NULL);
    CHECK("limit: an error with its code", k >= 0 && s.sev[k] == CVPDF_ERROR);
    CHECK("limit: max-input takes K and M, refuses junk",
          cvpdf_options_set(o, "max-input", "2M") == CVPDF_OK && cvpdf_options_set(o, "max-input", "2X") == CVPDF_ERR_USAGE &&
              cvpdf_options_set(o, "max-input", "x") == CVPDF_ERR_USAGE);

    /* repairs: the text repaired, a note per repair with its code and place, a diff */
    memset(&s, 0, sizeof s);
    const char broken[] = "Intro\n\n- ** Bold ** item\n";
    char *fixed = NULL, *diff = NULL;
    size_t fl = 0, dl = 0;
    int nfix = -1;
    st = cvpdf_fix(o, "f.md", broken, sizeof broken - 1, &fixed, &fl, &diff, &dl, &nfix);
    k = find(&s, CVPDF_D_EMPHASIS_LITERAL);
    CHECK("fix: ** Bold ** repaired, the rest as it was",
          st == CVPDF_OK && fixed && fl == strlen("Intro\n\n- **Bold** item\n") && !memcmp(fixed, "Intro\n\n- **Bold** item\n", fl));
    CHECK("fix: two repairs, noted at 3:5 with their code", nfix == 2 && k >= 0 && s.sev[k] == CVPDF_NOTE && s.line[k] == 3 && s.col[k] == 5);
    CHECK("fix: the diff", diff && strstr(diff, "@@ -3 +3,1 @@\n-- ** Bold ** item\n+- **Bold** item\n"));
    cvpdf_buffer_free(fixed);
    cvpdf_buffer_free(diff);
    CHECK("fix: usage errors", cvpdf_fix(o, "f.md", broken, 3, NULL, &fl, NULL, NULL, &nfix) == CVPDF_ERR_USAGE);

    /* every code has a distinct name */
    static const cvpdf_code all[] = {
        CVPDF_D_NONE, CVPDF_D_INPUT_TOO_LARGE, CVPDF_D_INVALID_UTF8, CVPDF_D_NUL_BYTES, CVPDF_D_CONTROL_CHARS,
        CVPDF_D_RTL_LOGICAL_ORDER, CVPDF_D_MOJIBAKE, CVPDF_D_FRONTMATTER_INVALID, CVPDF_D_FRONTMATTER_UNCLOSED,
        CVPDF_D_FRONTMATTER_VALUE, CVPDF_D_LANG_MISMATCH,
        CVPDF_D_EMPHASIS_LITERAL, CVPDF_D_ITEM_SWALLOWED, CVPDF_D_LIST_RENUMBERED, CVPDF_D_HEADING_SKIPPED,
        CVPDF_D_SECTION_EMPTY, CVPDF_D_NESTED_TOO_DEEP, CVPDF_D_HTML_DROPPED, CVPDF_D_TEMPLATE_TAG, CVPDF_D_MATH_UNKNOWN,
        CVPDF_D_LINK_NOT_CLICKABLE, CVPDF_D_LINK_TARGET_MISSING,
        CVPDF_D_IMAGE_UNREADABLE, CVPDF_D_IMAGE_REMOTE, CVPDF_D_IMAGE_NO_SOURCE, CVPDF_D_IMAGE_UNDECODABLE,
        CVPDF_D_SAFE_MODE_REFUSED, CVPDF_D_STYLE_KEY_UNKNOWN, CVPDF_D_STYLE_VALUE_BAD, CVPDF_D_STYLE_NOT_FOUND,
        CVPDF_D_STYLE_INVALID, CVPDF_D_SET_SYNTAX, CVPDF_D_FIT_VALUE_BAD, CVPDF_D_FONT_MISSING,
        CVPDF_D_FONT_UNREADABLE, CVPDF_D_CHAR_UNCOVERED, CVPDF_D_EMOJI_LEFT_OUT, CVPDF_D_WORD_CUT,
        CVPDF_D_BLOCK_IN_PIECES, CVPDF_D_FIT_RESULT, CVPDF_D_FIT_OVERFLOW, CVPDF_D_PAGE_LIMIT, CVPDF_D_IO,
        CVPDF_D_PDF_WRITER, CVPDF_D_RENDER_FAILED, CVPDF_D_TIMINGS};
    size_t na = sizeof all / sizeof *all;
    int distinct = 1;
    for (size_t i = 0; i < na; i++)
        for (size_t j = i + 1; j < na; j++)
            distinct &= strcmp(cvpdf_code_name(all[i]), cvpdf_code_name(all[j])) != 0;
    int named = 1;
    for (size_t i = 0; i < na; i++)
        named &= strcmp(cvpdf_code_name(all[i]), "unknown") != 0;
    CHECK("codes: every code has a name of its own", distinct && named);
    CHECK("codes: an unknown number is \"unknown\"", !strcmp(cvpdf_code_name((cvpdf_code)9999), "unknown"));

    cvpdf_options_free(o);
    free(md);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
