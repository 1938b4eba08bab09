/* anchors.c: links inside the document. GitHub and Jekyll (kramdown's GFM parser) give each
 * heading an id made from its text, so a résumé's "[Skills](#skills)" jumps to its section;
 * HTML's <a id> and <a name> (html.c) are targets too. Every lookup goes through a hash map:
 * a document of many headings and many links stays linear.
 */
#include <stdlib.h>
#include <string.h>

#include "anchors.h"
#include "breaks.h"

/* cv_map keys must not be UINT64_MAX */
static uint64_t key_of(const char *s, size_t n) { return cv_hash(s, n) >> 1; }

void cv_slug(const char *text, size_t len, cv_buf *out)
{
    for (size_t i = 0; i < len;) {
        size_t at = i;
        uint32_t cp = cv_utf8_next(text, len, &i);
        if (cp == ' ') {
            cv_buf_add(out, "-", 1);
        } else if (cp == '-' || cp == '_') {
            cv_buf_add(out, text + at, 1);
        } else if (cv_char_is_wordlike(cp) && !cv_utf8_invalid(cp, at, i)) {
            char u[4];
            int k = cv_utf8_put(cv_char_lower(cp), u);
            cv_buf_add(out, u, (size_t)k);
        }
    }
}

static int hex_digit(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* The name a "#..." link asks for: percent-decoded (a Chinese heading's link is often written
 * %E6%8A%80...). */
static void decode_fragment(const char *f, cv_buf *out)
{
    for (size_t i = 0; f[i]; i++) {
        int hi, lo;
        if (f[i] == '%' && (hi = hex_digit(f[i + 1])) >= 0 && (lo = hex_digit(f[i + 2])) >= 0) {
            char c = (char)(hi * 16 + lo);
            cv_buf_add(out, &c, 1);
            i += 2;
        } else {
            cv_buf_add(out, f + i, 1);
        }
    }
}

typedef struct names {
    cv_map at; /* name -> anchor index */
    cv_model *m;
} names;

static int32_t find(const names *nm, const char *s, size_t n)
{
    uint64_t v;
    if (!cv_map_get(&nm->at, key_of(s, n), &v))
        return -1;
    const char *have = nm->m->anchors.v[v].name;
    return strlen(have) == n && !memcmp(have, s, n) ? (int32_t)v : -1;
}

/* Adds anchor index i to the names unless its name is taken (the first one wins, as in a
 * browser). */
static int add_name(names *nm, size_t i)
{
    const char *s = nm->m->anchors.v[i].name;
    if (find(nm, s, strlen(s)) >= 0)
        return 0;
    return cv_map_put(&nm->at, key_of(s, strlen(s)), i);
}

/* github-slugger's de-duplication: a slug seen before gets "-1", "-2", ... after it, counted
 * per original slug, and the result is itself taken. */
static int heading_slugs(names *nm, cv_map *seen)
{
    cv_model *m = nm->m;
    cv_buf s = {0}, t = {0};
    for (size_t b = 0; b < m->blocks.n; b++) {
        const cv_block *blk = &m->blocks.v[b];
        if (blk->kind != CV_B_HEADING)
            continue;
        s.len = 0;
        cv_slug(blk->text, blk->len, &s);
        cv_buf_add(&s, "", 0);
        if (s.oom)
            goto fail;
        const char *slug = s.p ? s.p : "";
        uint64_t k0 = key_of(slug, s.len), count = 0;
        t.len = 0;
        cv_buf_add(&t, slug, s.len);
        while (!t.oom && cv_map_get(seen, key_of(t.p ? t.p : "", t.len), NULL)) {
            cv_map_get(seen, k0, &count);
            count++;
            if (cv_map_put(seen, k0, count))
                goto fail;
            t.len = 0;
            cv_buf_printf(&t, "%s-%llu", slug, (unsigned long long)count);
        }
        cv_buf_add(&t, "", 0);
        if (t.oom || cv_map_put(seen, key_of(t.p ? t.p : "", t.len), 0))
            goto fail;
        cv_anchor a = {cv_strndup(t.p ? t.p : "", t.len), (uint32_t)b, false};
        if (!a.name || CV_PUSH(m->anchors, a)) {
            free(a.name);
            goto fail;
        }
        if (add_name(nm, m->anchors.n - 1))
            goto fail;
    }
    cv_buf_free(&s);
    cv_buf_free(&t);
    return 0;
fail:
    cv_buf_free(&s);
    cv_buf_free(&t);
    return -1;
}

/* Where each link is first written, for its warning. */
static void link_positions(const cv_model *m, int *pos)
{
    for (size_t b = 0; b < m->blocks.n; b++)
        for (size_t k = 0; k < m->blocks.v[b].spans.n; k++) {
            const cv_span *sp = &m->blocks.v[b].spans.v[k];
            if (sp->link >= 0 && (size_t)sp->link < m->links.n && !pos[2 * sp->link]) {
                pos[2 * sp->link] = sp->line;
                pos[2 * sp->link + 1] = sp->col;
            }
        }
    for (size_t t = 0; t < m->tables.n; t++)
        for (size_t c = 0; c < m->tables.v[t].cells.n; c++)
            for (size_t k = 0; k < m->tables.v[t].cells.v[c].spans.n; k++) {
                const cv_span *sp = &m->tables.v[t].cells.v[c].spans.v[k];
                if (sp->link >= 0 && (size_t)sp->link < m->links.n && !pos[2 * sp->link]) {
                    pos[2 * sp->link] = sp->line;
                    pos[2 * sp->link + 1] = sp->col;
                }
            }
}

static int resolve_links(cv_ctx *ctx, names *nm)
{
    cv_model *m = nm->m;
    int *pos = NULL; /* per link, line and column, found at the first warning */
    cv_buf want = {0}, low = {0};
    m->link_dest.n = 0;
    for (size_t i = 0; i < m->links.n; i++)
        if (CV_PUSH(m->link_dest, -1))
            return -1;
    for (size_t i = 0; i < m->links.n; i++) {
        const char *href = m->links.v[i];
        if (!href || href[0] != '#')
            continue;
        want.len = low.len = 0;
        decode_fragment(href + 1, &want);
        cv_buf_add(&want, "", 0);
        const char *w = want.p ? want.p : "";
        int32_t a = find(nm, w, want.len);
        if (a < 0) {
            /* GitHub finds "#Skills" too: its ids are the lower-case slugs */
            for (size_t k = 0; k < want.len;) {
                char u[4];
                uint32_t cp = cv_utf8_next(w, want.len, &k);
                cv_buf_add(&low, u, (size_t)cv_utf8_put(cv_char_lower(cp), u));
            }
            cv_buf_add(&low, "", 0);
            a = low.oom ? -1 : find(nm, low.p ? low.p : "", low.len);
        }
        if (want.oom || low.oom)
            goto fail;
        if (a >= 0) {
            m->link_dest.v[i] = a;
            m->anchors.v[a].used = true;
            continue;
        }
        if (!pos) {
            if (!(pos = calloc(2 * m->links.n, sizeof *pos)))
                goto fail;
            link_positions(m, pos);
        }
        cv_diag(ctx, CVPDF_WARNING, CVPDF_D_LINK_TARGET_MISSING, pos[2 * i], pos[2 * i + 1],
                "link to '%.80s' jumps nowhere: no heading or HTML id of that name; it is shown as text", href);
    }
    free(pos);
    cv_buf_free(&want);
    cv_buf_free(&low);
    return 0;
fail:
    free(pos);
    cv_buf_free(&want);
    cv_buf_free(&low);
    return -1;
}

int cv_anchors_resolve(cv_ctx *ctx, cv_model *m)
{
    names nm = {{0}, m};
    cv_map seen = {0};
    int rc = -1;
    /* an anchor after the last block stands at the end of the last one */
    for (size_t i = 0; i < m->anchors.n; i++)
        if (m->anchors.v[i].block >= m->blocks.n)
            m->anchors.v[i].block = m->blocks.n ? (uint32_t)m->blocks.n - 1 : 0;
    for (size_t i = 0; i < m->anchors.n; i++)
        if (add_name(&nm, i))
            goto out;
    if (heading_slugs(&nm, &seen) || resolve_links(ctx, &nm))
        goto out;
    if (!m->blocks.n) /* nowhere to stand */
        for (size_t i = 0; i < m->anchors.n; i++)
            m->anchors.v[i].used = false;
    rc = 0;
out:
    cv_map_free(&nm.at);
    cv_map_free(&seen);
    return rc;
}
