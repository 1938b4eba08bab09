/* mathsrc.c: GitHub's math delimiters, found in the source before cmark reads it. Inside
 * $...$ the TeX is not Markdown: "a_1 + b_1" is no emphasis and "\{" keeps its backslash, so
 * a formula must be taken out before cmark sees it. Each becomes a placeholder of the same
 * length (a private-use character naming it, then 'x's) that cmark passes through as text,
 * so the columns cmark reports after it stay right; markdown.c puts the formula back.
 *
 * One pass over the lines: fenced code and HTML blocks are skipped whole, code spans and
 * backslash escapes inside a line; a line of only $$ opens a display formula that a later
 * line of only $$ closes, and the two become a ```math fence around it.
 */
#include <stdlib.h>
#include <string.h>

#include "mathsrc.h"

typedef struct scan {
    const char *s;
    size_t len;
    cv_buf out;
    size_t copied; /* s[0, copied) is in out */
    cv_mathspans *spans;
    bool any;
} scan;

static void copy_to(scan *sc, size_t at)
{
    if (at > sc->copied) {
        cv_buf_add(&sc->out, sc->s + sc->copied, at - sc->copied);
        sc->copied = at;
    }
}

/* Formula [off, off + n) with its TeX [t, t + tn): its placeholder replaces it. */
static void formula(scan *sc, size_t off, size_t n, size_t t, size_t tn, bool display)
{
    if (sc->spans->n >= CV_MATH_MAX)
        return;
    cv_mathspan m = {off, n, t, tn, display};
    if (CV_PUSH(*sc->spans, m)) {
        sc->out.oom = true;
        return;
    }
    copy_to(sc, off);
    char u[4];
    cv_utf8_put(CV_MATH_PUA + (uint32_t)(sc->spans->n - 1), u);
    cv_buf_add(&sc->out, u, 4);
    for (size_t k = 4; k < n; k++)
        cv_buf_add(&sc->out, "x", 1);
    sc->copied = off + n;
    sc->any = true;
}

static bool blank(const char *s, size_t a, size_t b)
{
    for (size_t i = a; i < b; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
            return false;
    return true;
}

/* Where a line's content starts: after block quote markers, list markers and indentation. */
static size_t content_start(const char *s, size_t a, size_t b)
{
    size_t i = a;
    for (;;) {
        while (i < b && (s[i] == ' ' || s[i] == '\t'))
            i++;
        if (i < b && s[i] == '>') {
            i++;
            continue;
        }
        size_t m = i;
        if (m < b && (s[m] == '-' || s[m] == '*' || s[m] == '+') && m + 1 < b && s[m + 1] == ' ') {
            i = m + 2;
            continue;
        }
        while (m < b && s[m] >= '0' && s[m] <= '9' && m - i < 9)
            m++;
        if (m > i && m + 1 < b && (s[m] == '.' || s[m] == ')') && s[m + 1] == ' ') {
            i = m + 2;
            continue;
        }
        return i;
    }
}

/* A fence line (``` or ~~~, three or more): its character and length, else 0. */
static size_t fence(const char *s, size_t i, size_t b, char *c)
{
    if (i >= b || (s[i] != '`' && s[i] != '~'))
        return 0;
    size_t k = i;
    while (k < b && s[k] == s[i])
        k++;
    if (k - i < 3)
        return 0;
    *c = s[i];
    return k - i;
}

/* Inline formulas of the line [a, b). */
static void inline_math(scan *sc, size_t a, size_t b)
{
    const char *s = sc->s;
    for (size_t i = a; i < b;) {
        char c = s[i];
        if (c == '\\') {
            i += 2;
            continue;
        }
        if (c == '`') {
            size_t r = i;
            while (r < b && s[r] == '`')
                r++;
            size_t run = r - i, j = r;
            /* the closing run of the same length */
            size_t close = 0;
            while (j < b) {
                if (s[j] == '`') {
                    size_t e = j;
                    while (e < b && s[e] == '`')
                        e++;
                    if (e - j == run) {
                        close = j;
                        break;
                    }
                    j = e;
                } else {
                    j++;
                }
            }
            if (!close) {
                i = r;
                continue;
            }
            size_t end = close + run;
            if (i > a && s[i - 1] == '$' && end < b && s[end] == '$' && !(i >= a + 2 && s[i - 2] == '\\')) {
                /* $`...`$: its TeX is the code span's text */
                size_t t = r, te = close;
                if (te > t + 1 && s[t] == ' ' && s[te - 1] == ' ')
                    t++, te--;
                formula(sc, i - 1, end + 1 - (i - 1), t, te - t, false);
                i = end + 1;
                continue;
            }
            i = end;
            continue;
        }
        if (c == '<' && i + 5 < b && (!strncmp(s + i + 1, "http", 4) || !strncmp(s + i + 1, "mailto", 6))) {
            const char *gt = memchr(s + i, '>', b - i);
            i = gt ? (size_t)(gt - s) + 1 : b;
            continue;
        }
        if (c != '$') {
            i++;
            continue;
        }
        if (i + 1 < b && s[i + 1] == '$') {
            /* $$...$$ on one line */
            size_t j = i + 2;
            while (j + 1 < b && !(s[j] == '$' && s[j + 1] == '$'))
                j += s[j] == '\\' ? 2 : 1;
            if (j + 1 < b && j > i + 2 && !blank(s, i + 2, j)) {
                formula(sc, i, j + 2 - i, i + 2, j - (i + 2), true);
                i = j + 2;
            } else {
                i += 2;
            }
            continue;
        }
        /* $...$: no space after the opening $, none before the closing one, which no digit
         * follows */
        if (i + 1 >= b || s[i + 1] == ' ' || s[i + 1] == '\t' || s[i + 1] == '`') {
            i++; /* ($` starts $`...`$, which the code span's side takes) */
            continue;
        }
        size_t j = i + 1;
        size_t close = 0;
        while (j < b) {
            if (s[j] == '\\') {
                j += 2;
                continue;
            }
            if (s[j] == '$') {
                if (s[j - 1] != ' ' && s[j - 1] != '\t' && !(j + 1 < b && s[j + 1] >= '0' && s[j + 1] <= '9'))
                    close = j;
                break; /* the next $ closes or nothing does ($5 and $10) */
            }
            j++;
        }
        if (close) {
            formula(sc, i, close + 1 - i, i + 1, close - i - 1, false);
            i = close + 1;
        } else {
            i = j + 1 > i + 1 ? j : i + 1;
            if (i < b && s[i] == '$')
                i++;
        }
    }
}

/* The line of only $$ that closes a display formula opened before `from`, before a blank line
 * ends the paragraph: 1 + where it starts, else 0. */
static size_t closing(const char *s, size_t len, size_t from)
{
    for (size_t a = from; a < len;) {
        const char *nl = memchr(s + a, '\n', len - a);
        size_t b = nl ? (size_t)(nl - s) : len;
        if (blank(s, a, b))
            return 0;
        size_t e = b;
        while (e > a && (s[e - 1] == '\r' || s[e - 1] == ' ' || s[e - 1] == '\t'))
            e--;
        size_t i = content_start(s, a, e);
        if (e == i + 2 && s[i] == '$' && s[i + 1] == '$')
            return a + 1;
        a = nl ? b + 1 : len;
    }
    return 0;
}

int cv_math_scan(const char *s, size_t len, char **out, size_t *out_len, cv_mathspans *spans)
{
    scan sc = {s, len, {0}, 0, spans, false};
    *out = NULL;
    *out_len = 0;
    if (!memchr(s, '$', len))
        return 0;
    char fc = 0;
    size_t flen = 0;   /* an open code fence */
    bool html = false; /* in an HTML block, to its blank line */
    size_t dollar = 0; /* in a $$ formula: 1 + where the line that closes it starts */
    for (size_t a = 0; a < len;) {
        const char *nl = memchr(s + a, '\n', len - a);
        size_t b = nl ? (size_t)(nl - s) : len, next = nl ? b + 1 : len;
        size_t e = b;
        while (e > a && (s[e - 1] == '\r' || s[e - 1] == ' ' || s[e - 1] == '\t'))
            e--;
        size_t i = content_start(s, a, e);
        char c;
        size_t f = fence(s, i, e, &c);
        if (dollar) {
            if (a == dollar - 1) { /* the closing $$ line found ahead */
                copy_to(&sc, i);
                cv_buf_puts(&sc.out, "```");
                sc.copied = i + 2;
                dollar = 0;
            }
        } else if (flen) {
            if (f >= flen && c == fc && blank(s, i + f, e))
                flen = 0;
        } else if (f) {
            fc = c;
            flen = f;
        } else if (html) {
            html = !blank(s, a, b);
        } else if (i < e && s[i] == '<' && i + 1 < e &&
                   ((s[i + 1] >= 'a' && s[i + 1] <= 'z') || (s[i + 1] >= 'A' && s[i + 1] <= 'Z') || s[i + 1] == '/' ||
                    s[i + 1] == '!')) {
            html = true;
        } else if (e == i + 2 && s[i] == '$' && s[i + 1] == '$' && (dollar = closing(s, len, next))) {
            /* a line of only $$, and another before the paragraph ends: a ```math fence */
            copy_to(&sc, i);
            cv_buf_puts(&sc.out, "```math");
            sc.copied = i + 2;
            sc.any = true;
        } else {
            inline_math(&sc, i, e);
        }
        a = next;
    }
    if (!sc.any) {
        bool oom = sc.out.oom; /* (read before the free clears it) */
        cv_buf_free(&sc.out);
        return oom ? -1 : 0;
    }
    copy_to(&sc, len);
    if (sc.out.oom) {
        cv_buf_free(&sc.out);
        return -1;
    }
    *out = sc.out.p;
    *out_len = sc.out.len;
    return 0;
}
