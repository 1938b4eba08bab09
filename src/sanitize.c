/* sanitize.c: the input's bytes made safe to parse, before anything else reads them. */
#include <stdlib.h>

#include "sanitize.h"

/* Invalid UTF-8 (bad bytes, overlong forms, encoded surrogates) becomes U+FFFD, NUL too;
 * other control characters are removed; a lone CR ends a line as LF does; each kind is reported at its first position with a count. *out stays NULL when the input is clean. */
int cv_sanitize(cv_ctx *ctx, const char *s, size_t len, char **out, size_t *out_len)
{
    *out = NULL;
    /* one pass; the copy starts at the first change, so clean input is never copied */
    bool dirty = false;
    cv_buf b = {0};
#define CHANGE(at)                                                                               \
    do {                                                                                         \
        if (!dirty) {                                                                            \
            cv_buf_add(&b, s, (at));                                                              \
            dirty = true;                                                                        \
        }                                                                                        \
    } while (0)
    int line = 1, col = 1;
    int bad = 0, nul = 0, ctl = 0;
    int nul_l = 0, nul_c = 0, ctl_l = 0, ctl_c = 0;
    bool in_bad = false;
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)s[i];
        size_t q = i;
        uint32_t cp = cv_utf8_next(s, len, &q);
        bool invalid = cv_utf8_invalid(cp, i, q);
        bool lone_cr = c == '\r' && (q >= len || s[q] != '\n');
        bool control = !invalid && c != 0 && ((cp < 0x20 && cp != '\n' && cp != '\t' && cp != '\r') || (cp >= 0x7F && cp < 0xA0));
        if (invalid) {
            /* each bad sequence (a run of invalid bytes) where it starts: the first ten, then a
             * count; every byte becomes U+FFFD */
            if (!in_bad && ++bad <= 10)
                cv_diag(ctx, CVPDF_WARNING, CVPDF_D_INVALID_UTF8, line, col, "invalid UTF-8 (byte 0x%02X), shown as U+FFFD (save the file as UTF-8)", c);
            CHANGE(i);
            cv_buf_add(&b, "\xEF\xBF\xBD", 3);
        } else if (c == 0) {
            if (!nul++)
                nul_l = line, nul_c = col;
            CHANGE(i);
            cv_buf_add(&b, "\xEF\xBF\xBD", 3);
        } else if (lone_cr) {
            CHANGE(i);
            cv_buf_add(&b, "\n", 1);
        } else if (control) {
            if (!ctl++)
                ctl_l = line, ctl_c = col;
            CHANGE(i); /* removed */
        } else {
            if (dirty)
                cv_buf_add(&b, s + i, q - i);
        }
        in_bad = invalid;
        if (c == '\n' || lone_cr) {
            line++;
            col = 1;
        } else {
            col += (int)(q - i);
        }
        i = q;
    }
#undef CHANGE
    if (bad > 10)
        cv_diag(ctx, CVPDF_WARNING, CVPDF_D_INVALID_UTF8, 0, 0, "%d more invalid UTF-8 sequences shown as U+FFFD", bad - 10);
    if (nul)
        cv_diag(ctx, CVPDF_WARNING, CVPDF_D_NUL_BYTES, nul_l, nul_c, "%d NUL byte%s shown as U+FFFD", nul, nul > 1 ? "s" : "");
    if (ctl)
        cv_diag(ctx, CVPDF_WARNING, CVPDF_D_CONTROL_CHARS, ctl_l, ctl_c, "%d control character%s removed (they print as nothing)", ctl, ctl > 1 ? "s" : "");
    if (b.oom) {
        cv_buf_free(&b);
        return -1;
    }
    if (dirty) {
        *out = b.p ? b.p : cv_strndup("", 0);
        *out_len = b.len;
        if (!*out)
            return -1;
    }
    return 0;
}

