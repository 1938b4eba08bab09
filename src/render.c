/* render.c: cvpdf_render, the pipeline from Markdown bytes to PDF bytes, in its steps:
 *
 *   parse     the input's limit, its bytes sanitized (sanitize.c), the line table, the front
 *             matter (yaml.c), the source checks (check.c), the language, the model
 *             (markdown.c, html.c through builder.c)
 *   prepare   the style (style.c), the hyphenation patterns (hyphen.c, loading on a thread of
 *             their own), the fonts (font.c)
 *   lay out   --fit-pages (fit.c), the vertical list (layout.c), the pages (paginate.c) and
 *             their footers
 *   output    what was asked for: the PDF (pdf.c), a trace (trace.c), the fonts report, a
 *             check without output, the style
 *
 * Every step reads what the steps before it made, which render holds; each returns a status,
 * and finish() frees everything whatever happened and reports the failure and the timers.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anchors.h"
#include "bidi.h"
#include "cache.h"
#include "check.h"
#include "fix.h"
#include "smartpunct.h"
#include "fit.h"
#include "fonts.h"
#include "hyph.h"
#include "langid.h"
#include "layout.h"
#include "markdown.h"
#include "paginate.h"
#include "pdfwrite.h"
#include "sanitize.h"
#include "style.h"
#include "trace.h"
#include "yamlmap.h"


/* Everything one render makes, freed by finish(). */
typedef struct render {
    const cvpdf_options *opts;
    cv_ctx ctx;
    const char *name;
    const char *md;     /* the source (sanitized when it needed it), len bytes */
    size_t len;
    char *clean;        /* the sanitized copy, when one was made */
    cv_memos own_memos; /* what is remembered, when there is no cache */
    cv_meta meta;
    size_t body;        /* where the Markdown starts, after the front matter */
    const char *lang;
    char lang_buf[16];  /* the detected language, when neither front matter nor --lang says */
    cv_model model;
    cv_style style;
    cv_hyph *hyph;
    bool hyph_owned;    /* false: lent by the cache */
    cv_langspans langspans; /* source paragraphs in another language */
    cv_hyphset more_hyph;   /* their patterns */
    cv_fonts *fonts;
    cv_layout *lay;
    cv_vlist vl;
    cv_pages pages;
    unsigned char **out;
    size_t *out_len;
    bool done;          /* the output is made before the last step (the style, asked for) */
    cvpdf_fit fit;      /* what --fit-pages did */
} render;

typedef struct langid_job {
    const char *md;
    size_t len;
    const char *given; /* the document's language when front matter or --lang says it */
    char *out;         /* else detected into out[n] */
    size_t n;
    cv_langspans *spans; /* the paragraphs in other languages */
    int rc;              /* -1: no memory for the spans */
    pthread_t thread;
} langid_job;

static void *langid_thread(void *arg)
{
    langid_job *j = arg;
    if (!j->given)
        cv_langid(j->md, j->len, j->out, j->n);
    j->rc = cv_langid_paragraphs(j->md, j->len, j->given ? j->given : j->out, j->spans);
    return NULL;
}

/* Each block in a paragraph of the source that is in another language takes that language. */
static void block_languages(render *r)
{
    const cv_langspans *ls = &r->langspans;
    if (!ls->n)
        return;
    for (size_t i = 0; i < r->model.blocks.n; i++) {
        cv_block *b = &r->model.blocks.v[i];
        if (b->line <= 0 || b->kind == CV_B_CODE)
            continue;
        size_t off = cv_lines_offset(&r->ctx.lines, b->line) + (size_t)(b->col > 0 ? b->col - 1 : 0);
        if (off < r->body)
            continue;
        off -= r->body;
        /* the spans are in order: a binary search */
        size_t lo = 0, hi = ls->n;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (ls->v[mid].end <= off)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo < ls->n && ls->v[lo].start <= off)
            snprintf(b->lang, sizeof b->lang, "%s", ls->v[lo].lang);
    }
}

/* A document without a level-1 heading shows its front matter's title (else its name) as
 * one, as Jekyll's page layout does. 0, -1 on OOM. */
static int front_title(render *r)
{
    const cv_model *m = &r->model;
    for (size_t i = 0; i < m->blocks.n; i++)
        if (m->blocks.v[i].kind == CV_B_HEADING && m->blocks.v[i].level == 1)
            return 0;
    const cv_kv *use = NULL;
    for (size_t i = 0; i < r->meta.keys.n; i++) {
        const cv_kv *kv = &r->meta.keys.v[i];
        if (kv->value && *kv->value && (!strcmp(kv->key, "title") || (!strcmp(kv->key, "name") && !use)))
            use = kv;
    }
    return use ? cv_model_title(&r->model, use->value, use->vline, use->vcol) : 0;
}

/* A Chinese document whose `lang` names one script variant written in the other ("zh-CN" in
 * Traditional characters): said, since its faces and punctuation follow the lang. */
static void check_variant(render *r, const char *md, size_t len)
{
    const char *l = r->lang;
    if (strncmp(l, "zh", 2) || (l[2] && l[2] != '-' && l[2] != '_'))
        return;
    char low[16];
    size_t k = 0;
    for (; l[k] && k + 1 < sizeof low; k++)
        low[k] = (char)(l[k] >= 'A' && l[k] <= 'Z' ? l[k] + 32 : l[k] == '_' ? '-' : l[k]);
    low[k] = 0;
    bool says_trad = strstr(low, "-tw") || strstr(low, "-hk") || strstr(low, "-mo") || strstr(low, "hant");
    size_t trad, simp;
    cv_han_variant(md, len, &trad, &simp);
    bool is_trad = trad > simp && trad >= 3, is_simp = simp > trad && simp >= 3;
    if (says_trad == is_trad || (!is_trad && !is_simp) || (says_trad && !is_simp))
        return;
    int line = 0, col = 0;
    for (size_t i = 0; i < r->meta.keys.n; i++)
        if (!strcmp(r->meta.keys.v[i].key, "lang") && !r->opts->lang)
            line = r->meta.keys.v[i].vline, col = r->meta.keys.v[i].vcol;
    cv_diag(&r->ctx, CVPDF_WARNING, CVPDF_D_LANG_MISMATCH, line, col,
            "lang '%s' says %s Chinese, but the text is written in %s characters (%zu only Traditional, %zu only "
            "Simplified): the faces and punctuation follow the lang",
            l, says_trad ? "Traditional" : "Simplified", is_trad ? "Traditional" : "Simplified", trad, simp);
}

/* The document's direction: front matter `dir: rtl|ltr` sets every paragraph's (HTML dir=
 * still wins); `auto`, or none, leaves each paragraph to its first strong character, and one
 * without any (a line of dates, a link) takes the document's majority. */
static void set_direction(render *r, const char *md, size_t len)
{
    const char *d = r->meta.dir;
    if (d && (!strcmp(d, "rtl") || !strcmp(d, "ltr"))) {
        r->model.dir = !strcmp(d, "rtl") ? CV_DIR_RTL : CV_DIR_LTR;
        r->model.dir_forced = true;
        return;
    }
    if (d && strcmp(d, "auto")) {
        int line = 1, col = 1;
        for (size_t i = 0; i < r->meta.keys.n; i++)
            if (!strcmp(r->meta.keys.v[i].key, "dir"))
                line = r->meta.keys.v[i].vline, col = r->meta.keys.v[i].vcol;
        cv_diag(&r->ctx, CVPDF_WARNING, CVPDF_D_FRONTMATTER_VALUE, line, col,
                "dir: '%s' is not rtl, ltr or auto; each paragraph takes its direction from its text", d);
    }
    size_t ltr, rtl;
    cv_bidi_count(md, len, &ltr, &rtl);
    r->model.dir = rtl > ltr ? CV_DIR_RTL : CV_DIR_LTR;
}

/* The style, in increasing priority: the built-in defaults, the style named in front matter
 * (else "modern"), the front matter's own keys, --style, --set (cvpdf(5)). */
static int resolve_style(cv_ctx *ctx, const cvpdf_options *opts, const cv_meta *meta, const char *lang,
                         cv_style *st)
{
    cv_style_default(st, lang);
    char sdbuf[PATH_MAX];
    const char *sd = cv_styles_dir(opts, sdbuf, sizeof sdbuf);
    const cv_kv *named = NULL;
    for (size_t i = 0; i < meta->keys.n; i++)
        if (!strcmp(meta->keys.v[i].key, "style"))
            named = &meta->keys.v[i];
    if (named && opts->safe && (strchr(named->value, '/') || strchr(named->value, '.')))
        cv_diag(ctx, CVPDF_WARNING, CVPDF_D_SAFE_MODE_REFUSED, named->vline, named->vcol,
                "safe mode: only the built-in styles (modern, classic, compact) can be named");
    else if (named)
        cv_style_load(ctx, st, named->value, sd, lang, ctx->name, named->vline, named->vcol);
    else if (cv_style_load(ctx, st, "modern", sd, lang, ctx->name, 0, 0) < 0)
        cv_diag(ctx, CVPDF_NOTE, CVPDF_D_STYLE_NOT_FOUND, 0, 0, "the built-in styles are not in %s; using the defaults", sd);
    for (size_t i = 0; i < meta->keys.n; i++) {
        const cv_kv *kv = &meta->keys.v[i];
        if (strchr(kv->key, '.'))
            continue;
        cv_style_set(ctx, st, kv->key, kv->value, ctx->name, kv->line, kv->col, true);
    }
    if (opts->style)
        cv_style_load(ctx, st, opts->style, sd, lang, "<command line>", 0, 0);
    for (size_t i = 0; i < opts->sets.n; i++) {
        const char *kv = opts->sets.v[i], *eq = strchr(kv, '=');
        char key[64];
        size_t kl = eq ? (size_t)(eq - kv) : strlen(kv);
        if (!eq || kl >= sizeof key) {
            cv_diag(ctx, CVPDF_WARNING, CVPDF_D_SET_SYNTAX, 0, 0, "--set '%s' is not KEY=VALUE; ignored", kv);
            continue;
        }
        memcpy(key, kv, kl);
        key[kl] = 0;
        const char *saved = ctx->name;
        ctx->name = "<command line>";
        cv_style_set(ctx, st, key, eq + 1, NULL, 0, 0, false);
        ctx->name = saved;
    }
    if (opts->justify >= 0)
        st->justify = opts->justify;
    if (opts->hyphenate >= 0)
        st->hyphenate = opts->hyphenate;
    return ctx->oom ? -1 : 0;
}

/* A buffer as the render's output. */
static cvpdf_status give(render *r, cv_buf *b)
{
    if (b->oom || (!b->p && !(b->p = malloc(1)))) {
        cv_buf_free(b);
        return CVPDF_ERR_NOMEM;
    }
    *r->out = (unsigned char *)b->p;
    *r->out_len = b->len;
    r->done = true;
    return CVPDF_OK;
}

/* The input, from its bytes to the model. */
static cvpdf_status parse(render *r)
{
    cv_ctx *ctx = &r->ctx;
    const cvpdf_options *opts = r->opts;
    /* bad bytes are reported where they are and replaced, before anything parses them */
    size_t clean_len = 0;
    if (cv_sanitize(ctx, r->md, r->len, &r->clean, &clean_len))
        return CVPDF_ERR_NOMEM;
    if (r->clean) {
        r->md = r->clean;
        r->len = clean_len;
        ctx->src = r->md;
        ctx->src_len = r->len;
    }
    if (cv_lines_build(&ctx->lines, r->md, r->len))
        return CVPDF_ERR_NOMEM;
    /* what is remembered during the render (shaped runs, subsets, emoji): the cache's memos,
     * or the render's own */
    if (opts->cache)
        ctx->memos = cv_cache_memos(opts->cache);
    else if (!cv_memos_init(&r->own_memos))
        ctx->memos = &r->own_memos;
    else
        return CVPDF_ERR_NOMEM;
    int body_line;
    r->body = cv_frontmatter(ctx, r->md, r->len, &r->meta, &body_line);
    ctx->body_line = body_line;
    ctx->body_off = r->body;
    if (ctx->oom)
        return CVPDF_ERR_NOMEM;
    cv_check_source(ctx);
    const char *md = r->md + r->body;
    size_t len = r->len - r->body;
    r->lang = opts->lang ? opts->lang : r->meta.lang;
    /* the language, when nothing says it, is found on a thread of its own while cmark parses
     * (CLD2's first call costs about a millisecond); without a thread, here */
    langid_job lj = {md, len, r->lang, r->lang_buf, sizeof r->lang_buf, &r->langspans, 0, 0};
    bool threaded = !pthread_create(&lj.thread, NULL, langid_thread, &lj);
    if (r->lang)
        check_variant(r, md, len);
    /* images are found relative to the Markdown file */
    char *base = NULL;
    const char *name = r->name;
    int built = 0;
    if (name && strcmp(name, "-") && strcmp(name, "<stdin>")) {
        const char *slash = strrchr(name, '/');
        base = slash ? cv_strndup(name, (size_t)(slash - name)) : cv_strndup(".", 1);
        built = base ? 0 : -1;
    }
    if (!built)
        built = cv_build(ctx, md, len, base ? base : ".", &r->model);
    free(base);
    if (threaded)
        pthread_join(lj.thread, NULL);
    else
        langid_thread(&lj);
    if (!r->lang)
        r->lang = r->lang_buf;
    if (built || lj.rc)
        return CVPDF_ERR_NOMEM;
    block_languages(r);
    set_direction(r, md, len);
    if (front_title(r) || cv_anchors_resolve(ctx, &r->model))
        return CVPDF_ERR_NOMEM;
    if (ctx->remote_images > 3)
        cv_diag(ctx, CVPDF_WARNING, CVPDF_D_IMAGE_REMOTE, 0, 0, "%d more images are not on this computer and are not fetched; their alt text is shown",
                ctx->remote_images - 3);
    return CVPDF_OK;
}

/* The style (or, asked for, only the style), the patterns, the fonts. */
static cvpdf_status prepare(render *r)
{
    cv_ctx *ctx = &r->ctx;
    const cvpdf_options *opts = r->opts;
    if (resolve_style(ctx, opts, &r->meta, r->lang, &r->style))
        return CVPDF_ERR_NOMEM;
    if (opts->show_style) {
        cv_buf sb = {0};
        cv_buf_printf(&sb, "# the style of %s (lang: %s)\n", ctx->name, r->lang);
        cv_style_dump(&r->style, &sb);
        return give(r, &sb);
    }
    if (r->style.smart && cv_smart_punct(&r->model, r->lang))
        return CVPDF_ERR_NOMEM;
    /* the patterns load beside the fonts and the first paragraphs; fitting changes sizes,
     * never whether to hyphenate, so one dictionary serves every --fit-pages trial */
    if (r->style.hyphenate) {
        cv_stage(ctx, CV_T_BREAK);
        errno = 0;
        r->hyph = opts->cache ? cv_cache_hyph(opts->cache, r->lang, ctx->disk, &r->hyph_owned) : cv_hyph_new(r->lang, ctx->disk);
        if (!r->hyph && errno == ENOMEM)
            return CVPDF_ERR_NOMEM; /* not "no patterns for the language" */
        cv_hyph_prefetch(r->hyph);
        /* the patterns of the other languages its paragraphs are in */
        for (size_t i = 0; i < r->langspans.n; i++) {
            cv_hyphset *hs = &r->more_hyph;
            const char *l = r->langspans.v[i].lang;
            bool have = false;
            for (size_t k = 0; k < hs->n; k++)
                have |= !strcmp(hs->lang[k], l);
            if (have || hs->n == CV_MAX_LANGS)
                continue;
            snprintf(hs->lang[hs->n], sizeof hs->lang[hs->n], "%s", l);
            hs->owned[hs->n] = true;
            errno = 0;
            hs->h[hs->n] = opts->cache ? cv_cache_hyph(opts->cache, l, ctx->disk, &hs->owned[hs->n]) : cv_hyph_new(l, ctx->disk);
            if (!hs->h[hs->n] && errno == ENOMEM)
                return CVPDF_ERR_NOMEM;
            hs->n++;
        }
        ctx->hyphs = &r->more_hyph;
    }
    cv_stage(ctx, CV_T_FONTS);
    char fdbuf[PATH_MAX];
    r->fonts = cv_fonts_new(ctx, cv_fonts_dir(opts, fdbuf, sizeof fdbuf), r->lang, &r->style);
    cv_stage(ctx, CV_T_LAYOUT);
    if (!r->fonts)
        return CVPDF_ERR_NOMEM;
    if (cv_fonts_role(r->fonts, CV_F_REGULAR) < 0)
        return CVPDF_ERR_FONT;
    return CVPDF_OK;
}

/* --fit-pages N, else front matter "fit: N" (0: none). */
static int fit_wanted(render *r)
{
    int fit = r->opts->fit_pages;
    const cv_kvs *keys = &r->meta.keys;
    for (size_t i = 0; !fit && i < keys->n; i++)
        if (!strcmp(keys->v[i].key, "fit")) {
            long v = strtol(keys->v[i].value, NULL, 10); /* (atoi's overflow is undefined) */
            fit = v > 0 && v <= 1000 ? (int)v : 0;
            if (!fit)
                cv_diag(&r->ctx, CVPDF_WARNING, CVPDF_D_FIT_VALUE_BAD, keys->v[i].vline, keys->v[i].vcol,
                        "front matter 'fit' must be a number of pages (1, 2, ...); ignored");
        }
    return fit;
}

/* The vertical list, the pages and their footers. */
static cvpdf_status lay_out(render *r)
{
    cv_ctx *ctx = &r->ctx;
    int fit = fit_wanted(r);
    if (fit > 0 && cv_fit_pages(ctx, r->fonts, r->hyph, &r->model, r->lang, &r->style, fit, &r->fit))
        return CVPDF_ERR_NOMEM;
    r->lay = cv_layout_new(ctx, r->fonts, &r->style, r->lang, r->hyph);
    if (!r->lay || cv_layout_model(r->lay, &r->model, &r->vl))
        return CVPDF_ERR_NOMEM;
    cv_stage(ctx, CV_T_PAGINATE);
    if (cv_paginate(ctx, &r->style, &r->vl, &r->pages))
        return CVPDF_ERR_NOMEM;
    /* the footers, now that the count is known */
    cv_pages *pg = &r->pages;
    for (size_t p = 0; p < pg->pages.n; p++)
        if (cv_layout_footer(r->lay, p, pg->pages.n, &pg->footers, &pg->pages.v[p].footer))
            return CVPDF_ERR_NOMEM;
    if (r->opts->safe && pg->pages.n > (size_t)r->opts->max_pages) {
        cv_diag(ctx, CVPDF_ERROR, CVPDF_D_PAGE_LIMIT, 0, 0, "safe mode: %zu pages, more than the %d allowed", pg->pages.n,
                r->opts->max_pages);
        return CVPDF_ERR_LIMIT;
    }
    if (cv_fonts_failed(r->fonts))
        return CVPDF_ERR_FONT;
    return CVPDF_OK;
}

/* What was asked for: the fonts report, a check (no output), a trace, or the PDF. */
static cvpdf_status output(render *r)
{
    cv_ctx *ctx = &r->ctx;
    const cvpdf_options *opts = r->opts;
    if (opts->fonts_report) {
        cv_buf fb = {0};
        cv_layout_fonts_report(r->lay, &fb);
        return give(r, &fb);
    }
    if (opts->check) {
        /* everything was laid out, every warning given: no PDF */
        cv_buf none = {0};
        return give(r, &none);
    }
    if (opts->trace) {
        cv_buf tb = {0};
        if (cv_trace(&r->pages, &tb)) {
            cv_buf_free(&tb);
            return CVPDF_ERR_NOMEM;
        }
        return give(r, &tb);
    }
    const cv_model *m = &r->model;
    const char *title = r->meta.title ? r->meta.title : m->first_heading;
    char stem[128];
    if (!title || !*title) {
        /* PDF/UA wants a title: the file's name without its directory and extension */
        const char *nm = ctx->name ? ctx->name : "";
        const char *base = strrchr(nm, '/') ? strrchr(nm, '/') + 1 : nm;
        size_t bl = strcspn(base, ".");
        snprintf(stem, sizeof stem, "%.*s", (int)(bl < sizeof stem ? bl : sizeof stem - 1), base);
        title = *stem && strcmp(stem, "-") ? stem : "Untitled";
    }
    const char *author = r->meta.author;
    /* a résumé's first level-1 heading is its author's name */
    for (size_t i = m->title_heading; !author && i < m->blocks.n; i++)
        if (m->blocks.v[i].kind == CV_B_HEADING) {
            if (m->blocks.v[i].level == 1)
                author = m->blocks.v[i].text;
            break;
        }
    char producer[64];
    snprintf(producer, sizeof producer, "cvpdf %s", CVPDF_VERSION_STRING);
    cv_docinfo info = {title, author, r->lang, producer, cv_date(opts), (const char *const *)m->links.v,
                       m->link_dest.v, m->links.n, m->anchors.n, m->images.v, m->images.n, m, opts->pdfa};
    cv_stage(ctx, CV_T_WRITE);
    if (cv_pdf_write(ctx, r->fonts, &r->pages, &info, r->out, r->out_len))
        return ctx->oom ? CVPDF_ERR_NOMEM : CVPDF_ERR_PDF;
    return CVPDF_OK;
}

/* Frees what the render made, reports why it failed and, asked, where the time went. */
static cvpdf_status finish(render *r, cvpdf_status st)
{
    cv_ctx *ctx = &r->ctx;
    if (st != CVPDF_ERR_NOMEM && ctx->oom) {
        /* an allocation failed on the way: whatever was made (or failed) is not what was asked */
        free(*r->out);
        *r->out = NULL;
        *r->out_len = 0;
        st = CVPDF_ERR_NOMEM;
    }
    cv_layout_free(r->lay);
    if (r->hyph_owned)
        cv_hyph_free(r->hyph);
    for (size_t k = 0; k < r->more_hyph.n; k++)
        if (r->more_hyph.owned[k])
            cv_hyph_free(r->more_hyph.h[k]);
    free(r->langspans.v);
    cv_pages_free(&r->pages);
    cv_vlist_free(&r->vl);
    cv_fonts_free(r->fonts);
    cv_memos_free(&r->own_memos);
    cv_model_free(&r->model);
    cv_meta_free(&r->meta);
    if (st != CVPDF_OK && st != CVPDF_ERR_FONT && st != CVPDF_ERR_LIMIT)
        cv_diag(ctx, CVPDF_ERROR, CVPDF_D_RENDER_FAILED, 0, 0, "cannot render: %s", cvpdf_status_string(st));
    free(r->clean);
    cv_lines_free(&ctx->lines);
    cv_stage(ctx, CV_T_WRITE); /* the clean-up above counts as writing */
    if (r->opts->timings && st == CVPDF_OK) {
        char line[256];
        int k = snprintf(line, sizeof line, "timings (ms):");
        uint64_t total = 0;
        for (int i = 0; i < CV_T_N; i++) {
            total += ctx->stage_ns[i];
            k += snprintf(line + k, sizeof line - (size_t)k, " %s %.2f", cv_stage_names[i], ctx->stage_ns[i] / 1e6);
        }
        snprintf(line + k, sizeof line - (size_t)k, " total %.2f", total / 1e6);
        cv_diag(ctx, CVPDF_NOTE, CVPDF_D_TIMINGS, 0, 0, "%s", line);
    }
    return st;
}

struct cvpdf_result {
    unsigned char *data;
    size_t len;
    int pages, warnings;
    cvpdf_fit fit;
    double font_size, leading, paragraph_spacing, margin_mm;
};

/* One render, its output in *pdf (*pdf_len bytes) and, when res is not NULL, what it made
 * and chose in res. */
static void init_render(render *r, const cvpdf_options *opts, const char *name, const char *md, size_t len,
                        unsigned char **out, size_t *out_len)
{
    memset(r, 0, sizeof *r);
    r->opts = opts;
    r->name = name;
    r->md = md;
    r->len = len;
    r->hyph_owned = true;
    r->out = out;
    r->out_len = out_len;
    cv_ctx *ctx = &r->ctx;
    ctx->opts = opts;
    ctx->disk = opts->cache_dir;
    ctx->name = name ? name : "-";
    ctx->src = md;
    ctx->src_len = len;
    cv_stage(ctx, CV_T_PARSE);
}

static cvpdf_status run(const cvpdf_options *opts, const char *name, const char *md, size_t len,
                        unsigned char **pdf, size_t *pdf_len, cvpdf_result *res)
{
    *pdf = NULL;
    *pdf_len = 0;
    cvpdf_options defaults;
    if (!opts) {
        cv_options_defaults(&defaults);
        opts = &defaults;
    }
    if (!md)
        md = "";
    /* a byte-order mark is not content */
    if (len >= 3 && !memcmp(md, "\xEF\xBB\xBF", 3)) {
        md += 3;
        len -= 3;
    }
    render r;
    init_render(&r, opts, name, md, len, pdf, pdf_len);
    cv_ctx *ctx = &r.ctx;
    size_t max_input = opts->max_input ? opts->max_input : opts->safe ? CV_MAX_INPUT_SAFE : CV_MAX_INPUT;
    if (len > max_input) {
        cv_diag(ctx, CVPDF_ERROR, CVPDF_D_INPUT_TOO_LARGE, 0, 0, "%sthe input has %zu bytes, more than the %zu allowed%s",
                opts->safe ? "safe mode: " : "", len, max_input,
                opts->safe ? "" : " (a résumé is a few kilobytes; --max-input raises the limit)");
        return CVPDF_ERR_LIMIT;
    }
    cvpdf_status st = parse(&r);
    if (st == CVPDF_OK)
        st = prepare(&r);
    if (st == CVPDF_OK && !r.done)
        st = lay_out(&r);
    if (st == CVPDF_OK && !r.done)
        st = output(&r);
    if (res) {
        const cv_style *s = &r.style;
        res->pages = (int)r.pages.pages.n;
        res->fit = r.fit;
        res->font_size = (double)s->body_size / CVU_PT;
        res->leading = s->leading_den ? (double)s->leading_num / (double)s->leading_den : 0;
        res->paragraph_spacing = (double)s->para_space / CVU_PT;
        res->margin_mm = (double)s->margin_l / CVU_PT * 25.4 / 72;
    }
    st = finish(&r, st);
    if (res)
        res->warnings = r.ctx.warnings;
    return st;
}

cvpdf_status cvpdf_render(const cvpdf_options *opts, const char *name, const char *md, size_t len,
                          unsigned char **pdf, size_t *pdf_len)
{
    if (!pdf || !pdf_len || (!md && len))
        return CVPDF_ERR_USAGE;
    return run(opts, name, md, len, pdf, pdf_len, NULL);
}

cvpdf_status cvpdf_render_result(const cvpdf_options *opts, const char *name, const char *md, size_t len,
                                 cvpdf_result **result)
{
    if (!result || (!md && len))
        return CVPDF_ERR_USAGE;
    *result = NULL;
    cvpdf_result *res = calloc(1, sizeof *res);
    if (!res)
        return CVPDF_ERR_NOMEM;
    cvpdf_status st = run(opts, name, md, len, &res->data, &res->len, res);
    if (st != CVPDF_OK) {
        cvpdf_result_free(res);
        return st;
    }
    *result = res;
    return CVPDF_OK;
}

const unsigned char *cvpdf_result_data(const cvpdf_result *r, size_t *len)
{
    if (len)
        *len = r ? r->len : 0;
    return r ? r->data : NULL;
}

unsigned char *cvpdf_result_take(cvpdf_result *r, size_t *len)
{
    unsigned char *d = r ? r->data : NULL;
    if (len)
        *len = r ? r->len : 0;
    if (r) {
        r->data = NULL;
        r->len = 0;
    }
    return d;
}

int cvpdf_result_pages(const cvpdf_result *r) { return r ? r->pages : 0; }

int cvpdf_result_warnings(const cvpdf_result *r) { return r ? r->warnings : 0; }

cvpdf_fit cvpdf_result_fit(const cvpdf_result *r, double *font_size, double *leading, double *paragraph_spacing,
                           double *margin_mm)
{
    if (font_size)
        *font_size = r ? r->font_size : 0;
    if (leading)
        *leading = r ? r->leading : 0;
    if (paragraph_spacing)
        *paragraph_spacing = r ? r->paragraph_spacing : 0;
    if (margin_mm)
        *margin_mm = r ? r->margin_mm : 0;
    return r ? r->fit : CVPDF_FIT_NONE;
}

void cvpdf_result_free(cvpdf_result *r)
{
    if (!r)
        return;
    free(r->data);
    free(r);
}

cvpdf_status cvpdf_fix(const cvpdf_options *opts, const char *name, const char *text, size_t len, char **out,
                       size_t *out_len, char **diff, size_t *diff_len, int *fixed)
{
    if (!out || !out_len || !fixed || (!text && len) || (diff && !diff_len))
        return CVPDF_ERR_USAGE;
    *out = NULL;
    *out_len = 0;
    *fixed = 0;
    if (diff) {
        *diff = NULL;
        *diff_len = 0;
    }
    cvpdf_options defaults;
    if (!opts) {
        cv_options_defaults(&defaults);
        opts = &defaults;
    }
    /* the encoding first: the other checks read the text as it was meant */
    char *enc = NULL;
    size_t elen = 0;
    int nenc = 0;
    cvpdf_status st = cvpdf_fix_encoding(text ? text : "", len, &enc, &elen, &nenc);
    if (st != CVPDF_OK)
        return st;
    size_t bom = elen >= 3 && !memcmp(enc, "\xEF\xBB\xBF", 3) ? 3 : 0;
    /* a parse, its warnings unsaid, collects the repairs the checks know */
    cv_fixes fx = {0};
    render r;
    unsigned char *none = NULL;
    size_t none_len = 0;
    init_render(&r, opts, name, enc + bom, elen - bom, &none, &none_len);
    r.ctx.fixes = &fx;
    r.ctx.quiet = 1;
    st = parse(&r);
    r.ctx.quiet = 1; /* (finish says nothing either: a failure is returned) */
    st = finish(&r, st);
    cv_buf o = {0}, d = {0};
    int applied = 0;
    if (st == CVPDF_OK) {
        cv_buf_add(&o, enc, bom);
        size_t obom = len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3) ? 3 : 0;
        if (cv_fixes_apply(&fx, enc + bom, elen - bom, text + obom, len - obom, &o, diff ? &d : NULL, name ? name : "-",
                           &applied))
            st = CVPDF_ERR_NOMEM;
    }
    if (st == CVPDF_OK) {
        if (nenc) {
            char msg[96];
            snprintf(msg, sizeof msg, "repaired: %d stretch%s of mojibake", nenc, nenc == 1 ? "" : "es");
            cv_emit(opts, CVPDF_NOTE, CVPDF_D_MOJIBAKE, name ? name : "-", 0, 0, msg);
        }
        for (size_t k = 0; k < fx.v.n; k++)
            if (fx.v.v[k].applied) {
                char msg[160];
                snprintf(msg, sizeof msg, "repaired: %s", fx.v.v[k].what);
                cv_emit(opts, CVPDF_NOTE, fx.v.v[k].code, name ? name : "-", fx.v.v[k].line, fx.v.v[k].col, msg);
            }
        *fixed = nenc + applied;
        *out = o.p ? o.p : cv_strndup("", 0);
        *out_len = o.len;
        o.p = NULL;
        if (diff) {
            *diff = d.p ? d.p : cv_strndup("", 0);
            *diff_len = d.len;
            d.p = NULL;
        }
        if (!*out || (diff && !*diff))
            st = CVPDF_ERR_NOMEM;
    }
    cv_buf_free(&o);
    cv_buf_free(&d);
    cv_fixes_free(&fx);
    cvpdf_buffer_free(enc);
    return st;
}
