/* render.c: the public API: options, and the pipeline from Markdown bytes to PDF bytes. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cache.h"
#include "check.h"
#include "fonts.h"
#include "hyph.h"
#include "layout.h"
#include "markdown.h"
#include "mojibake.h"
#include "paginate.h"
#include "pdfwrite.h"
#include "style.h"
#include "trace.h"
#include "yamlmap.h"

#ifndef CVPDF_VERSION
#define CVPDF_VERSION "0.1.0"
#endif
#ifndef CVPDF_FONTDIR
#define CVPDF_FONTDIR "/usr/local/share/cvpdf/fonts"
#endif
#ifndef CVPDF_STYLEDIR
#define CVPDF_STYLEDIR "/usr/local/share/cvpdf/styles"
#endif

const char *cvpdf_version(void) { return CVPDF_VERSION; }

const char *cvpdf_status_string(cvpdf_status s)
{
    switch (s) {
    case CVPDF_OK: return "success";
    case CVPDF_ERR_IO: return "input/output error";
    case CVPDF_ERR_NOMEM: return "out of memory";
    case CVPDF_ERR_FONT: return "font error";
    case CVPDF_ERR_PDF: return "PDF writer error";
    case CVPDF_ERR_USAGE: return "bad argument";
    case CVPDF_ERR_LIMIT: return "over a limit";
    }
    return "unknown error";
}

cvpdf_options *cvpdf_options_new(void)
{
    cvpdf_options *o = calloc(1, sizeof *o);
    if (o) {
        o->date = -1;
        o->justify = o->hyphenate = -1;
        o->max_pages = 20;
    }
    return o;
}

void cvpdf_options_free(cvpdf_options *o)
{
    if (!o)
        return;
    free(o->fonts_dir);
    free(o->lang);
    free(o->style);
    free(o->styles_dir);
    for (size_t i = 0; i < o->sets.n; i++)
        free(o->sets.v[i]);
    free(o->sets.v);
    free(o);
}

static cvpdf_status set_str(char **slot, const char *v)
{
    char *c = v ? cv_strndup(v, strlen(v)) : NULL;
    if (v && !c)
        return CVPDF_ERR_NOMEM;
    free(*slot);
    *slot = c;
    return CVPDF_OK;
}

cvpdf_status cvpdf_options_set(cvpdf_options *o, const char *key, const char *value)
{
    if (!o || !key)
        return CVPDF_ERR_USAGE;
    if (!strcmp(key, "fonts-dir"))
        return set_str(&o->fonts_dir, value);
    if (!strcmp(key, "lang"))
        return set_str(&o->lang, value);
    if (!strcmp(key, "trace") || !strcmp(key, "justify") || !strcmp(key, "hyphenate") ||
        !strcmp(key, "show-style") || !strcmp(key, "check") || !strcmp(key, "fonts-report") ||
        !strcmp(key, "safe") || !strcmp(key, "timings")) {
        int v = cv_parse_bool(value);
        if (v < 0)
            return CVPDF_ERR_USAGE;
        if (!strcmp(key, "trace"))
            o->trace = v;
        else if (!strcmp(key, "show-style"))
            o->show_style = v;
        else if (!strcmp(key, "check"))
            o->check = v;
        else if (!strcmp(key, "fonts-report"))
            o->fonts_report = v;
        else if (!strcmp(key, "safe"))
            o->safe = v;
        else if (!strcmp(key, "timings"))
            o->timings = v;
        else if (!strcmp(key, "justify"))
            o->justify = v;
        else
            o->hyphenate = v;
        return CVPDF_OK;
    }
    if (!strcmp(key, "style"))
        return set_str(&o->style, value);
    if (!strcmp(key, "styles-dir"))
        return set_str(&o->styles_dir, value);
    if (!strcmp(key, "set")) {
        char *c = value ? cv_strndup(value, strlen(value)) : NULL;
        if (!c || CV_PUSH(o->sets, c)) {
            free(c);
            return CVPDF_ERR_NOMEM;
        }
        return CVPDF_OK;
    }
    if (!strcmp(key, "fit-pages")) {
        char *end;
        long v = value ? strtol(value, &end, 10) : 0;
        if (!value || *end || v < 0 || v > 1000)
            return CVPDF_ERR_USAGE;
        o->fit_pages = (int)v;
        return CVPDF_OK;
    }
    if (!strcmp(key, "max-input")) {
        if (!value || *value < '0' || *value > '9')
            return CVPDF_ERR_USAGE;
        char *end;
        unsigned long long v = strtoull(value, &end, 10);
        unsigned long long mul = *end == 'K' || *end == 'k' ? 1024 : *end == 'M' || *end == 'm' ? 1024 * 1024 : 1;
        if ((mul > 1 && end[1]) || (mul == 1 && *end) || v > ((unsigned long long)1 << 40) / mul)
            return CVPDF_ERR_USAGE;
        o->max_input = (size_t)(v * mul);
        return CVPDF_OK;
    }
    if (!strcmp(key, "date")) {
        char *end;
        long long v = value ? strtoll(value, &end, 10) : -1;
        if (value && (*end || v < 0))
            return CVPDF_ERR_USAGE;
        o->date = v;
        return CVPDF_OK;
    }
    return CVPDF_ERR_USAGE;
}

void cvpdf_options_set_cache(cvpdf_options *o, cvpdf_cache *cache)
{
    if (o)
        o->cache = cache;
}

void cvpdf_options_set_diagnostics(cvpdf_options *o, cvpdf_diag_fn fn, void *user)
{
    if (!o)
        return;
    o->diag = fn;
    o->diag_user = user;
}

void cvpdf_options_set_dependencies(cvpdf_options *o, cvpdf_dep_fn fn, void *user)
{
    if (!o)
        return;
    o->dep = fn;
    o->dep_user = user;
}

void cvpdf_buffer_free(void *buf) { free(buf); }

/* The language of a document without `lang`: from its share of Han, kana and hangul. */
static const char *detect_lang(const char *s, size_t len)
{
    size_t letters = 0, han = 0, kana = 0, hangul = 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp = cv_utf8_next(s, len, &i);
        if ((cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z'))
            letters++;
        else if ((cp >= 0x3040 && cp <= 0x30FF))
            kana++;
        else if (cp >= 0xAC00 && cp <= 0xD7AF)
            hangul++;
        else if ((cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF))
            han++;
    }
    size_t cjk = han + kana + hangul;
    /* a CJK character carries about a word's worth of text: compare with Latin words */
    if (cjk * 5 < letters / 5 || cjk < 8)
        return "en";
    if (hangul > han + kana)
        return "ko";
    if (kana * 10 > cjk)
        return "ja";
    return "zh";
}

static long long env_date(void)
{
    const char *e = getenv("SOURCE_DATE_EPOCH");
    if (!e || !*e)
        return -1;
    char *end;
    long long v = strtoll(e, &end, 10);
    return (*end || v < 0) ? -1 : v;
}

/* The directory of the bundled fonts or of the built-in styles (sub: "fonts" or "styles"): the
 * option ("fonts-dir", "styles-dir"), else the environment (CVPDF_FONTS, CVPDF_STYLES), else the
 * one the build baked in, $(DATADIR)/fonts or /styles, where `make install` puts them. Except
 * that a program run from a cvpdf source tree (./cvpdf, build/BUILD/cvpdf, the test programs in
 * build/, examples/render: its executable, after /proc/self/exe, in a directory with the tree's
 * cvpdf.pc.in, or one or two levels below one) uses that tree's fonts/ and styles/. So the one
 * build `make install` installs also runs from the checkout, with no environment variable, and
 * never with the styles of an older installed copy; an installed program (no cvpdf.pc.in beside
 * or above it) or one without /proc uses the baked directory, as before. buf holds a found
 * directory. */
static const char *data_dir(const char *opt, const char *env, const char *sub, const char *baked,
                            char *buf, size_t size)
{
    const char *d = opt ? opt : getenv(env);
    if (d && *d)
        return d;
    ssize_t n = readlink("/proc/self/exe", buf, size);
    if (n <= 0 || (size_t)n >= size)
        return baked;
    buf[n] = '\0';
    for (int up = 0; up < 3; up++) {
        char *slash = strrchr(buf, '/');
        if (!slash || slash == buf)
            break;
        *slash = '\0';
        size_t room = size - (size_t)(slash - buf);
        struct stat sb;
        if (snprintf(slash, room, "/cvpdf.pc.in") >= (int)room)
            break;
        int tree = stat(buf, &sb) == 0 && S_ISREG(sb.st_mode);
        if (tree && snprintf(slash, room, "/%s", sub) < (int)room && stat(buf, &sb) == 0 && S_ISDIR(sb.st_mode))
            return buf;
        *slash = '\0';
    }
    return baked;
}

/* The style, in increasing priority: the built-in defaults, the style named in front matter
 * (else "modern"), the front matter's own keys, --style, --set (cvpdf(5)). */
static int resolve_style(cv_ctx *ctx, const cvpdf_options *opts, const cv_meta *meta, const char *lang,
                         cv_style *st)
{
    cv_style_default(st, lang);
    char sdbuf[PATH_MAX];
    const char *sd = data_dir(opts->styles_dir, "CVPDF_STYLES", "styles", CVPDF_STYLEDIR, sdbuf, sizeof sdbuf);
    const cv_kv *named = NULL;
    for (size_t i = 0; i < meta->keys.n; i++)
        if (!strcmp(meta->keys.v[i].key, "style"))
            named = &meta->keys.v[i];
    if (named && opts->safe && (strchr(named->value, '/') || strchr(named->value, '.')))
        cv_diag(ctx, CVPDF_WARNING, named->vline, named->vcol,
                "safe mode: only the built-in styles (modern, classic, compact) can be named");
    else if (named)
        cv_style_load(ctx, st, named->value, sd, lang, ctx->name, named->vline, named->vcol);
    else if (cv_style_load(ctx, st, "modern", sd, lang, ctx->name, 0, 0) < 0)
        cv_diag(ctx, CVPDF_NOTE, 0, 0, "the built-in styles are not in %s; using the defaults", sd);
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
            cv_diag(ctx, CVPDF_WARNING, 0, 0, "--set '%s' is not KEY=VALUE; ignored", kv);
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

/* The style at fraction f (0..1024) of the way from its --fit-pages bounds to its own values:
 * font size (and, in proportion, headings and code), leading, paragraph spacing, margins. */
static void fit_scale(const cv_style *full, int f, cv_style *out)
{
    *out = *full;
    cvu size_min = full->fit_size_min < full->body_size ? full->fit_size_min : full->body_size;
    out->body_size = size_min + (full->body_size - size_min) * f / 1024;
    for (int i = 0; i < 6; i++) {
        out->h_size[i] = full->h_size[i] * out->body_size / full->body_size;
        out->h_space_before[i] = full->h_space_before[i] * out->body_size / full->body_size;
        out->h_space_after[i] = full->h_space_after[i] * out->body_size / full->body_size;
    }
    out->code_size = full->code_size * out->body_size / full->body_size;
    cvu lmin = full->fit_leading_min < full->leading_num ? full->fit_leading_min : full->leading_num;
    out->leading_num = lmin + (full->leading_num - lmin) * f / 1024;
    cvu pmin = full->fit_para_min < full->para_space ? full->fit_para_min : full->para_space;
    out->para_space = pmin + (full->para_space - pmin) * f / 1024;
    cvu mmin = full->fit_margin_min;
    cvu *m[4] = {&out->margin_t, &out->margin_b, &out->margin_l, &out->margin_r};
    const cvu fm[4] = {full->margin_t, full->margin_b, full->margin_l, full->margin_r};
    for (int k = 0; k < 4; k++) {
        cvu lo = mmin < fm[k] ? mmin : fm[k];
        *m[k] = lo + (fm[k] - lo) * f / 1024;
    }
}

/* Pages the model takes in a style, and how far its last pages run past `limit` pages. */
static int count_pages(cv_ctx *ctx, cv_fonts *fonts, cv_hyph *hyph, const cv_model *model, const char *lang,
                       const cv_style *st, int limit, cvu *overflow)
{
    cv_layout *lay = cv_layout_new(ctx, fonts, st, lang, hyph);
    cv_vlist vl;
    memset(&vl, 0, sizeof vl);
    cv_pages pages;
    memset(&pages, 0, sizeof pages);
    int n = -1;
    if (lay && !cv_layout_model(lay, model, &vl)) {
        int stage = cv_stage(ctx, CV_T_PAGINATE);
        if (!cv_paginate(ctx, st, &vl, &pages)) {
            n = (int)pages.pages.n;
            *overflow = 0;
            for (size_t p = (size_t)limit; p < pages.pages.n; p++)
                *overflow += pages.pages.v[p].used;
        }
        cv_stage(ctx, stage);
    }
    cv_layout_free(lay);
    cv_vlist_free(&vl);
    cv_pages_free(&pages);
    return n;
}

/* --fit-pages N: the largest settings within the style's bounds that make the document fit N
 * pages, by bisection on one scale for all of them (so it is deterministic and monotone), then
 * a note saying what was chosen, or by how much it overflows. */
static int fit_pages(cv_ctx *ctx, cv_fonts *fonts, cv_hyph *hyph, const cv_model *model, const char *lang,
                     cv_style *st, int n)
{
    cv_style full = *st, trial;
    cvu over;
    ctx->quiet++;
    int at_full = count_pages(ctx, fonts, hyph, model, lang, &full, n, &over);
    int rc = 0;
    if (at_full < 0) {
        rc = -1;
    } else if (at_full <= n) {
        ctx->quiet--;
        cv_diag(ctx, CVPDF_NOTE, 0, 0, "fits %d page%s as styled (%d); nothing shrunk", n, n > 1 ? "s" : "", at_full);
        return 0;
    } else {
        fit_scale(&full, 0, &trial);
        cvu over0;
        int at_min = count_pages(ctx, fonts, hyph, model, lang, &trial, n, &over0);
        if (at_min < 0) {
            rc = -1;
        } else if (at_min > n) {
            *st = trial;
            ctx->quiet--;
            cv_diag(ctx, CVPDF_WARNING, 0, 0,
                    "cannot fit %d page%s within the style's bounds: at the smallest settings it takes %d pages, "
                    "running %d pt past page %d; rendering those settings",
                    n, n > 1 ? "s" : "", at_min, (int)(over0 / CVU_PT), n);
            ctx->quiet++;
        } else {
            int lo = 0, hi = 1024; /* lo fits, hi does not */
            while (hi - lo > 8) {
                int mid = (lo + hi) / 2;
                fit_scale(&full, mid, &trial);
                int p = count_pages(ctx, fonts, hyph, model, lang, &trial, n, &over);
                if (p < 0) {
                    rc = -1;
                    break;
                }
                if (p <= n)
                    lo = mid;
                else
                    hi = mid;
            }
            fit_scale(&full, lo, st);
            ctx->quiet--;
            cv_buf b = {0};
            cv_buf_puts(&b, "font-size ");
            cv_buf_fixed(&b, st->body_size, 1);
            cv_buf_printf(&b, "pt, leading %d.%02d, paragraph-spacing ", (int)(st->leading_num / 100),
                          (int)(st->leading_num % 100));
            cv_buf_fixed(&b, st->para_space, 1);
            cv_buf_puts(&b, "pt, margins ");
            cv_buf_fixed(&b, st->margin_l * 2540 / 7200, 1);
            cv_buf_puts(&b, "mm");
            cv_diag(ctx, CVPDF_NOTE, 0, 0, "fitted to %d page%s: %s", n, n > 1 ? "s" : "", b.p ? b.p : "");
            cv_buf_free(&b);
            ctx->quiet++;
        }
    }
    ctx->quiet--;
    return rc;
}

/* Invalid UTF-8 (bad bytes, overlong forms, encoded surrogates) becomes U+FFFD, NUL too;
 * other control characters are removed; a lone CR ends a line as LF does; each kind is reported at its first position with a count. Right-to-left text is laid
 * out in logical order by this version: said once. *out stays NULL when the input is clean. */
static int sanitize(cv_ctx *ctx, const char *s, size_t len, char **out, size_t *out_len)
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
    int bad = 0, nul = 0, ctl = 0, rtl = 0;
    int nul_l = 0, nul_c = 0, ctl_l = 0, ctl_c = 0, rtl_l = 0, rtl_c = 0;
    bool in_bad = false;
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)s[i];
        size_t q = i;
        uint32_t cp = cv_utf8_next(s, len, &q);
        bool invalid = cp == 0xFFFD && !(q - i == 3 && !memcmp(s + i, "\xEF\xBF\xBD", 3));
        bool lone_cr = c == '\r' && (q >= len || s[q] != '\n');
        bool control = !invalid && c != 0 && ((cp < 0x20 && cp != '\n' && cp != '\t' && cp != '\r') || (cp >= 0x7F && cp < 0xA0));
        if (invalid) {
            /* each bad sequence (a run of invalid bytes) where it starts: the first ten, then a
             * count; every byte becomes U+FFFD */
            if (!in_bad && ++bad <= 10)
                cv_diag(ctx, CVPDF_WARNING, line, col, "invalid UTF-8 (byte 0x%02X), shown as U+FFFD (save the file as UTF-8)", c);
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
            if ((cp >= 0x0590 && cp <= 0x08FF) || (cp >= 0xFB1D && cp <= 0xFDFF) || (cp >= 0xFE70 && cp <= 0xFEFF)) {
                if (!rtl++)
                    rtl_l = line, rtl_c = col;
            }
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
        cv_diag(ctx, CVPDF_WARNING, 0, 0, "%d more invalid UTF-8 sequences shown as U+FFFD", bad - 10);
    if (nul)
        cv_diag(ctx, CVPDF_WARNING, nul_l, nul_c, "%d NUL byte%s shown as U+FFFD", nul, nul > 1 ? "s" : "");
    if (ctl)
        cv_diag(ctx, CVPDF_WARNING, ctl_l, ctl_c, "%d control character%s removed (they print as nothing)", ctl, ctl > 1 ? "s" : "");
    if (rtl)
        cv_diag(ctx, CVPDF_WARNING, rtl_l, rtl_c,
                "right-to-left text (Arabic, Hebrew) is set in logical order by this version, not visual order");
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

cvpdf_status cvpdf_render(const cvpdf_options *opts, const char *name, const char *md,
                          size_t len, unsigned char **pdf, size_t *pdf_len)
{
    if (!pdf || !pdf_len || (!md && len))
        return CVPDF_ERR_USAGE;
    *pdf = NULL;
    *pdf_len = 0;
    cvpdf_options defaults = {.date = -1, .justify = -1, .hyphenate = -1};
    if (!opts)
        opts = &defaults;
    if (!md)
        md = "";
    /* a byte-order mark is not content */
    if (len >= 3 && !memcmp(md, "\xEF\xBB\xBF", 3)) {
        md += 3;
        len -= 3;
    }
    cv_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.opts = opts;
    ctx.name = name ? name : "-";
    ctx.src = md;
    ctx.src_len = len;
    cv_stage(&ctx, CV_T_PARSE);
    size_t max_input = opts->max_input ? opts->max_input : opts->safe ? CV_MAX_INPUT_SAFE : CV_MAX_INPUT;
    if (len > max_input) {
        cv_diag(&ctx, CVPDF_ERROR, 0, 0, "%sthe input has %zu bytes, more than the %zu allowed%s",
                opts->safe ? "safe mode: " : "", len, max_input,
                opts->safe ? "" : " (a résumé is a few kilobytes; --max-input raises the limit)");
        return CVPDF_ERR_LIMIT;
    }
    /* bad bytes are reported where they are and replaced, before anything parses them */
    char *clean = NULL;
    size_t clean_len = 0;
    if (sanitize(&ctx, md, len, &clean, &clean_len))
        return CVPDF_ERR_NOMEM;
    if (clean) {
        md = clean;
        len = clean_len;
        ctx.src = md;
        ctx.src_len = len;
    }

    cvpdf_status st = CVPDF_ERR_NOMEM;
    if (cv_lines_build(&ctx.lines, md, len)) {
        free(clean);
        return CVPDF_ERR_NOMEM;
    }
    cv_meta meta;
    memset(&meta, 0, sizeof meta);
    cv_model model;
    memset(&model, 0, sizeof model);
    cv_vlist vl;
    memset(&vl, 0, sizeof vl);
    cv_pages pages;
    memset(&pages, 0, sizeof pages);
    cv_fonts *fonts = NULL;
    cv_layout *lay = NULL;
    cv_hyph *hyph = NULL;
    bool hyph_owned = true; /* false: lent by the cache */
    /* what is remembered during the render (shaped runs, subsets, emoji): the cache's memos,
     * or the render's own */
    cv_memos own_memos;
    memset(&own_memos, 0, sizeof own_memos);
    if (opts->cache)
        ctx.memos = cv_cache_memos(opts->cache);
    else if (!cv_memos_init(&own_memos))
        ctx.memos = &own_memos;
    else
        goto done;

    int body_line;
    size_t body = cv_frontmatter(&ctx, md, len, &meta, &body_line);
    ctx.body_line = body_line;
    ctx.body_off = body;
    if (ctx.oom)
        goto done;
    cv_check_source(&ctx);
    const char *lang = opts->lang ? opts->lang : meta.lang ? meta.lang : detect_lang(md + body, len - body);
    /* images are found relative to the Markdown file */
    char *base = NULL;
    if (name && strcmp(name, "-") && strcmp(name, "<stdin>")) {
        const char *slash = strrchr(name, '/');
        base = slash ? cv_strndup(name, (size_t)(slash - name)) : cv_strndup(".", 1);
    }
    int built = cv_build(&ctx, md + body, len - body, base ? base : ".", &model);
    free(base);
    if (built)
        goto done;
    if (ctx.remote_images > 3)
        cv_diag(&ctx, CVPDF_WARNING, 0, 0, "%d more images are not on this computer and are not fetched; their alt text is shown",
                ctx.remote_images - 3);

    cv_style style;
    if (resolve_style(&ctx, opts, &meta, lang, &style))
        goto done;
    if (opts->show_style) {
        cv_buf sb = {0};
        cv_buf_printf(&sb, "# the style of %s (lang: %s)\n", ctx.name, lang);
        cv_style_dump(&style, &sb);
        if (sb.oom) {
            cv_buf_free(&sb);
            goto done;
        }
        *pdf = (unsigned char *)sb.p;
        *pdf_len = sb.len;
        st = CVPDF_OK;
        goto done;
    }
    /* the patterns load beside the fonts and the first paragraphs; fit_scale changes sizes,
     * never whether to hyphenate, so one dictionary serves every --fit-pages trial */
    if (style.hyphenate) {
        cv_stage(&ctx, CV_T_BREAK);
        hyph = opts->cache ? cv_cache_hyph(opts->cache, lang, &hyph_owned) : cv_hyph_new(lang);
        cv_hyph_prefetch(hyph);
    }
    cv_stage(&ctx, CV_T_FONTS);
    char fdbuf[PATH_MAX];
    fonts = cv_fonts_new(&ctx, data_dir(opts->fonts_dir, "CVPDF_FONTS", "fonts", CVPDF_FONTDIR, fdbuf, sizeof fdbuf),
                         lang, &style);
    cv_stage(&ctx, CV_T_LAYOUT);
    if (!fonts)
        goto done;
    if (cv_fonts_role(fonts, CV_F_REGULAR) < 0) {
        st = CVPDF_ERR_FONT;
        goto done;
    }
    /* fit to N pages: from --fit-pages, else front matter "fit: N" */
    int fit = opts->fit_pages;
    for (size_t i = 0; !fit && i < meta.keys.n; i++)
        if (!strcmp(meta.keys.v[i].key, "fit")) {
            long v = strtol(meta.keys.v[i].value, NULL, 10); /* (atoi's overflow is undefined) */
            fit = v > 0 && v <= 1000 ? (int)v : 0;
            if (fit <= 0 || fit > 1000) {
                cv_diag(&ctx, CVPDF_WARNING, meta.keys.v[i].vline, meta.keys.v[i].vcol,
                        "front matter 'fit' must be a number of pages (1, 2, ...); ignored");
                fit = 0;
            }
        }
    if (fit > 0 && fit_pages(&ctx, fonts, hyph, &model, lang, &style, fit))
        goto done;
    lay = cv_layout_new(&ctx, fonts, &style, lang, hyph);
    if (!lay || cv_layout_model(lay, &model, &vl))
        goto done;
    cv_stage(&ctx, CV_T_PAGINATE);
    if (cv_paginate(&ctx, &style, &vl, &pages))
        goto done;
    /* the footers, now that the count is known */
    for (size_t p = 0; p < pages.pages.n; p++)
        if (cv_layout_footer(lay, p, pages.pages.n, &pages.footers, &pages.pages.v[p].footer))
            goto done;
    if (opts->safe && pages.pages.n > (size_t)opts->max_pages) {
        cv_diag(&ctx, CVPDF_ERROR, 0, 0, "safe mode: %zu pages, more than the %d allowed", pages.pages.n,
                opts->max_pages);
        st = CVPDF_ERR_LIMIT;
        goto done;
    }
    if (cv_fonts_failed(fonts)) {
        st = CVPDF_ERR_FONT;
        goto done;
    }

    const char *title = meta.title ? meta.title : model.first_heading;
    const char *author = meta.author;
    if (!author && model.blocks.n) {
        /* a résumé's first level-1 heading is its author's name */
        for (size_t i = 0; i < model.blocks.n; i++)
            if (model.blocks.v[i].kind == CV_B_HEADING) {
                if (model.blocks.v[i].level == 1)
                    author = model.blocks.v[i].text;
                break;
            }
    }
    if (opts->fonts_report) {
        cv_buf fb = {0};
        cv_layout_fonts_report(lay, &fb);
        if (fb.oom || (!fb.p && !(fb.p = malloc(1)))) {
            cv_buf_free(&fb);
            goto done;
        }
        *pdf = (unsigned char *)fb.p;
        *pdf_len = fb.len;
        st = CVPDF_OK;
        goto done;
    }
    if (opts->check) {
        /* everything was laid out, every warning given: no PDF */
        *pdf = malloc(1);
        *pdf_len = 0;
        st = *pdf ? CVPDF_OK : CVPDF_ERR_NOMEM;
        goto done;
    }
    if (opts->trace) {
        cv_buf tb = {0};
        if (cv_trace(&pages, &tb)) {
            cv_buf_free(&tb);
            goto done;
        }
        *pdf = (unsigned char *)tb.p;
        *pdf_len = tb.len;
        st = CVPDF_OK;
        goto done;
    }
    char producer[64];
    snprintf(producer, sizeof producer, "cvpdf %s", CVPDF_VERSION);
    cv_docinfo info = {title, author, lang, producer, opts->date >= 0 ? opts->date : env_date(),
                       (const char *const *)model.links.v, model.links.n, model.images.v,
                       model.images.n};
    cv_stage(&ctx, CV_T_WRITE);
    if (cv_pdf_write(&ctx, fonts, &pages, &info, pdf, pdf_len)) {
        st = ctx.oom ? CVPDF_ERR_NOMEM : CVPDF_ERR_PDF;
        goto done;
    }
    st = CVPDF_OK;
done:
    cv_layout_free(lay);
    if (hyph_owned)
        cv_hyph_free(hyph);
    cv_pages_free(&pages);
    cv_vlist_free(&vl);
    cv_fonts_free(fonts);
    cv_memos_free(&own_memos);
    cv_model_free(&model);
    cv_meta_free(&meta);
    if (st != CVPDF_OK && st != CVPDF_ERR_FONT && st != CVPDF_ERR_LIMIT)
        cv_diag(&ctx, CVPDF_ERROR, 0, 0, "cannot render: %s", cvpdf_status_string(st));
    free(clean);
    cv_lines_free(&ctx.lines);
    cv_stage(&ctx, CV_T_WRITE); /* the clean-up above counts as writing */
    if (opts->timings && st == CVPDF_OK) {
        char line[256];
        int k = snprintf(line, sizeof line, "timings (ms):");
        uint64_t total = 0;
        for (int i = 0; i < CV_T_N; i++) {
            total += ctx.stage_ns[i];
            k += snprintf(line + k, sizeof line - (size_t)k, " %s %.2f", cv_stage_names[i], ctx.stage_ns[i] / 1e6);
        }
        snprintf(line + k, sizeof line - (size_t)k, " total %.2f", total / 1e6);
        cv_diag(&ctx, CVPDF_NOTE, 0, 0, "%s", line);
    }
    return st;
}

static void io_error(const cvpdf_options *opts, const char *name, const char *what)
{
    if (opts && opts->diag) {
        char msg[512];
        snprintf(msg, sizeof msg, "%s: %s", what, strerror(errno));
        opts->diag(opts->diag_user, CVPDF_ERROR, name, 0, 0, msg);
    }
}

static char *read_all(FILE *f, size_t *len)
{
    size_t cap = 65536, n = 0;
    char *b = malloc(cap);
    if (!b)
        return NULL;
    for (;;) {
        if (n == cap) {
            char *nb = cap < ((size_t)1 << 40) ? realloc(b, cap * 2) : NULL;
            if (!nb) {
                free(b);
                return NULL;
            }
            b = nb;
            cap *= 2;
        }
        size_t r = fread(b + n, 1, cap - n, f);
        n += r;
        if (r == 0) {
            if (ferror(f)) {
                free(b);
                return NULL;
            }
            break;
        }
    }
    *len = n;
    return b;
}

static int write_all(int fd, const unsigned char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

cvpdf_status cvpdf_render_file(const cvpdf_options *opts, const char *in_path, const char *out_path)
{
    if (!in_path || !out_path)
        return CVPDF_ERR_USAGE;
    bool from_stdin = !strcmp(in_path, "-"), to_stdout = !strcmp(out_path, "-");
    struct stat si, so;
    if (!from_stdin && !to_stdout && stat(in_path, &si) == 0 && stat(out_path, &so) == 0 &&
        si.st_dev == so.st_dev && si.st_ino == so.st_ino) {
        errno = EEXIST;
        io_error(opts, in_path, "refusing to overwrite the input with the output");
        return CVPDF_ERR_IO;
    }
    if (!from_stdin)
        cv_dep(opts, in_path);
    FILE *in = from_stdin ? stdin : fopen(in_path, "rb");
    if (!in) {
        io_error(opts, in_path, "cannot open");
        return CVPDF_ERR_IO;
    }
    if (!from_stdin && fstat(fileno(in), &si) == 0 && S_ISDIR(si.st_mode)) {
        fclose(in);
        errno = EISDIR;
        io_error(opts, in_path, "cannot read");
        return CVPDF_ERR_IO;
    }
    size_t len = 0;
    char *md = read_all(in, &len);
    int read_errno = errno;
    if (!from_stdin)
        fclose(in);
    if (!md) {
        errno = read_errno;
        io_error(opts, in_path, "cannot read");
        return CVPDF_ERR_IO;
    }
    unsigned char *pdf = NULL;
    size_t pdf_len = 0;
    cvpdf_status st = cvpdf_render(opts, from_stdin ? "<stdin>" : in_path, md, len, &pdf, &pdf_len);
    free(md);
    if (st != CVPDF_OK)
        return st;
    if (to_stdout) {
        int rc = write_all(STDOUT_FILENO, pdf, pdf_len);
        free(pdf);
        if (rc) {
            io_error(opts, "<stdout>", "cannot write");
            return CVPDF_ERR_IO;
        }
        return CVPDF_OK;
    }
    if (stat(out_path, &so) == 0 && !S_ISREG(so.st_mode)) {
        /* a device or a pipe (/dev/stdout, a FIFO) is written in place: renaming over it
         * would replace the device node */
        if (S_ISDIR(so.st_mode)) {
            free(pdf);
            errno = EISDIR;
            io_error(opts, out_path, "cannot write");
            return CVPDF_ERR_IO;
        }
        int fd = open(out_path, O_WRONLY);
        int rc = fd < 0 ? -1 : write_all(fd, pdf, pdf_len);
        if (fd >= 0 && close(fd) && !rc)
            rc = -1;
        free(pdf);
        if (rc) {
            io_error(opts, out_path, "cannot write");
            return CVPDF_ERR_IO;
        }
        return CVPDF_OK;
    }
    /* write beside the target, then rename: readers never see a partial file, and a failure
     * leaves any previous PDF as it was. The file is first anonymous (O_TMPFILE): a process
     * killed while writing leaves nothing behind. It gets a name only once complete. */
    size_t ol = strlen(out_path);
    char *tmp = malloc(ol + 16), *dir = malloc(ol + 2);
    if (!tmp || !dir) {
        free(tmp);
        free(dir);
        free(pdf);
        return CVPDF_ERR_NOMEM;
    }
    const char *slash = strrchr(out_path, '/');
    size_t dl = slash ? (size_t)(slash - out_path) + 1 : 0;
    snprintf(tmp, ol + 16, "%.*s.%s.XXXXXX", (int)dl, out_path, out_path + dl);
    snprintf(dir, ol + 2, "%.*s", dl ? (int)dl : 1, dl ? out_path : ".");
    bool anonymous = false;
    int fd = -1;
#ifdef O_TMPFILE
    fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0644);
    anonymous = fd >= 0;
#endif
    if (fd < 0)
        fd = mkstemp(tmp);
    if (fd < 0) {
        io_error(opts, out_path, "cannot create");
        free(tmp);
        free(dir);
        free(pdf);
        return CVPDF_ERR_IO;
    }
    int rc = write_all(fd, pdf, pdf_len);
    free(pdf);
    if (!rc && !anonymous)
        rc = fchmod(fd, 0644);
    if (!rc)
        rc = fsync(fd) && errno != EINVAL ? -1 : 0;
    if (!rc && anonymous) {
        /* give the finished file a temporary name (linkat through /proc), then rename it */
        char proc[64];
        snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
        int tfd = mkstemp(tmp); /* reserve a unique name */
        if (tfd >= 0) {
            close(tfd);
            unlink(tmp);
            rc = linkat(AT_FDCWD, proc, AT_FDCWD, tmp, AT_SYMLINK_FOLLOW);
        } else {
            rc = -1;
        }
    }
    if (close(fd) && !rc)
        rc = -1;
    if (!rc)
        rc = rename(tmp, out_path);
    if (rc) {
        io_error(opts, out_path, "cannot write");
        unlink(tmp);
        free(tmp);
        free(dir);
        return CVPDF_ERR_IO;
    }
    free(tmp);
    free(dir);
    return CVPDF_OK;
}

cvpdf_status cvpdf_fix_encoding(const char *text, size_t len, char **out, size_t *out_len, int *fixed)
{
    if (!out || !out_len || (!text && len))
        return CVPDF_ERR_USAGE;
    cv_buf b = {0};
    int n = cv_mojibake_fix(text ? text : "", len, &b);
    if (n < 0) {
        cv_buf_free(&b);
        return CVPDF_ERR_NOMEM;
    }
    if (!b.p && !(b.p = malloc(1)))
        return CVPDF_ERR_NOMEM;
    *out = b.p;
    *out_len = b.len;
    if (fixed)
        *fixed = n;
    return CVPDF_OK;
}
