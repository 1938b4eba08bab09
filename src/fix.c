/* fix.c: the repairs cvpdf --fix makes, recorded by the checks as they find what they report
 * (a position, the bytes expected there, their replacement) and applied to the file at the
 * end. Every repair stays inside one line and is checked against the bytes it expects, so a
 * repair never lands on text other than the one it was made for; the rest of the file is
 * copied byte for byte. The diff is made from the same repairs: one hunk per changed line.
 */
#include <stdlib.h>
#include <string.h>

#include "fix.h"

void cv_fix_add(cv_ctx *ctx, cvpdf_code code, const char *what, int line, int col, const char *expect, size_t del,
                const char *ins)
{
    if (!ctx->fixes || line < 1 || col < 1)
        return;
    cv_fix f = {line, col, (uint32_t)del, cv_strndup(expect, del), cv_strndup(ins, strlen(ins)), code, what, false};
    if (!f.expect || !f.ins || CV_PUSH(ctx->fixes->v, f)) {
        free(f.expect);
        free(f.ins);
        ctx->oom = true;
    }
}

void cv_fixes_free(cv_fixes *f)
{
    for (size_t i = 0; i < f->v.n; i++) {
        free(f->v.v[i].expect);
        free(f->v.v[i].ins);
    }
    free(f->v.v);
    memset(f, 0, sizeof *f);
}

static int by_place(const void *a, const void *b)
{
    const cv_fix *x = a, *y = b;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    if (x->col != y->col)
        return x->col < y->col ? -1 : 1;
    /* (an insertion before a deletion at the same place; then the order found) */
    return x->del != y->del ? (x->del < y->del ? -1 : 1) : (x < y ? -1 : x > y);
}

/* Where each line starts; *n lines. NULL on OOM. */
static size_t *line_starts(const char *t, size_t len, size_t *n)
{
    size_t count = 1;
    for (size_t i = 0; i < len; i++)
        count += t[i] == '\n';
    size_t *s = malloc((count + 1) * sizeof *s);
    if (!s)
        return NULL;
    size_t k = 0;
    s[k++] = 0;
    for (size_t i = 0; i < len; i++)
        if (t[i] == '\n')
            s[k++] = i + 1;
    s[k] = len + 1; /* one past the last line's (missing) newline */
    *n = count;
    return s;
}

/* The line's text, with the applied repairs [f0, f1) made in it. */
static void repaired_line(const char *t, size_t ls, size_t le, const cv_fix *f, const size_t *off, size_t f0, size_t f1,
                          cv_buf *out)
{
    size_t at = ls;
    for (size_t k = f0; k < f1; k++) {
        if (off[k] == (size_t)-1)
            continue;
        cv_buf_add(out, t + at, off[k] - at);
        cv_buf_puts(out, f[k].ins);
        at = off[k] + f[k].del;
    }
    cv_buf_add(out, t + at, le - at);
}

int cv_fixes_apply(cv_fixes *fx, const char *text, size_t len, const char *orig, size_t orig_len, cv_buf *out,
                   cv_buf *diff, const char *name, int *applied)
{
    *applied = 0;
    cv_fix *f = fx->v.v;
    size_t n = fx->v.n, nlines = 0, olines = 0;
    if (n)
        qsort(f, n, sizeof *f, by_place);
    size_t *ls = line_starts(text, len, &nlines), *os = diff ? line_starts(orig, orig_len, &olines) : NULL;
    size_t *off = malloc((n ? n : 1) * sizeof *off); /* each repair's byte offset, -1: left out */
    if (!ls || !off || (diff && !os)) {
        free(ls);
        free(os);
        free(off);
        return -1;
    }
    size_t last = 0;
    for (size_t k = 0; k < n; k++) {
        off[k] = (size_t)-1;
        f[k].applied = false;
        if ((size_t)f[k].line > nlines)
            continue;
        size_t s = ls[f[k].line - 1], e = ls[f[k].line] - 1; /* the line, without its newline */
        size_t o = s + (size_t)f[k].col - 1;
        if (o < last || o > e || o + f[k].del > e || memcmp(text + o, f[k].expect, f[k].del))
            continue;
        off[k] = o;
        last = o + f[k].del;
        f[k].applied = true;
        (*applied)++;
    }
    /* the repaired text */
    size_t at = 0;
    for (size_t k = 0; k < n; k++) {
        if (off[k] == (size_t)-1)
            continue;
        cv_buf_add(out, text + at, off[k] - at);
        cv_buf_puts(out, f[k].ins);
        at = off[k] + f[k].del;
    }
    cv_buf_add(out, text + at, len - at);
    /* the diff: a hunk per changed line (the lines of orig and text correspond one to one),
     * the new side's numbers moved by the lines the repairs added */
    if (diff && olines == nlines) {
        long delta = 0;
        bool head = false;
        cv_buf nl = {0};
        size_t k = 0;
        for (size_t line = 1; line <= nlines; line++) {
            size_t j = k;
            while (j < n && (size_t)f[j].line == line)
                j++;
            size_t s = ls[line - 1], e = ls[line] - 1, o0 = os[line - 1], o1 = os[line] - 1;
            nl.len = 0;
            repaired_line(text, s, e, f, off, k, j, &nl);
            k = j;
            if (nl.len == o1 - o0 && !memcmp(nl.p ? nl.p : "", orig + o0, o1 - o0))
                continue;
            if (!head)
                cv_buf_printf(diff, "--- %s\n+++ %s\n", name, name);
            head = true;
            long added = 0;
            const char *np = nl.p ? nl.p : "";
            for (size_t i = 0; i < nl.len; i++)
                added += np[i] == '\n';
            cv_buf_printf(diff, "@@ -%zu +%ld,%ld @@\n-", line, (long)line + delta, added + 1);
            cv_buf_add(diff, orig + o0, o1 - o0);
            cv_buf_puts(diff, "\n+");
            for (size_t i = 0; i < nl.len; i++) {
                cv_buf_add(diff, np + i, 1);
                if (np[i] == '\n')
                    cv_buf_puts(diff, "+");
            }
            cv_buf_puts(diff, "\n");
            delta += added;
        }
        if (nl.oom)
            diff->oom = true;
        cv_buf_free(&nl);
    }
    free(ls);
    free(os);
    free(off);
    return out->oom || (diff && diff->oom) ? -1 : 0;
}
