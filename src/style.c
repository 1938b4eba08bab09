/* style.c: styles: the built-in defaults, style files (styles/NAME.yaml), and the keys that
 * front matter, --style and --set may set. Documented in cvpdf(5).
 *
 * Every key is in one table with its type, so parsing, diagnostics ("allowed: ...") and the
 * manual agree. Values are read without locale: "10.5pt", "18mm", "0.75in", "1.4", "#1f4e79".
 * A style file may carry a `cjk:` section, applied after its other keys for Chinese,
 * Japanese and Korean documents (leading, no hyphenation, the CJK face).
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "style.h"
#include "yamlmap.h"

#define MIN_MARGIN ((cvu)15 * CVU_PT * 7200 / 2540) /* 15 mm */

enum kt { T_LEN, T_MARGINS, T_PERCENT, T_COLOR, T_BOOL, T_ALIGN, T_FONT, T_PAPER, T_CASE, T_STR, T_EMOJI };

typedef struct key_def {
    const char *name;
    int type;
    size_t off;
    const char *help; /* allowed values, for diagnostics */
} key_def;

#define F(field) offsetof(cv_style, field)
static const key_def keys[] = {
    {"paper", T_PAPER, 0, "a4, letter"},
    {"margin", T_MARGINS, 0, "a length: 18mm, 0.7in, 50pt"},
    {"margin-top", T_LEN, F(margin_t), "a length"},
    {"margin-bottom", T_LEN, F(margin_b), "a length"},
    {"margin-left", T_LEN, F(margin_l), "a length"},
    {"margin-right", T_LEN, F(margin_r), "a length"},
    {"font-body", T_FONT, F(font_body), "a font family (Inter, Noto Serif, or any installed family)"},
    {"font-heading", T_FONT, F(font_heading), "a font family"},
    {"font-code", T_FONT, F(font_code), "a font family"},
    {"font-cjk", T_FONT, F(font_cjk), "Noto Sans CJK, Noto Serif CJK (the region follows the language)"},
    {"font-math", T_FONT, F(font_math), "a font with an OpenType MATH table: DejaVu Math TeX Gyre, TeX Gyre Termes Math, ..."},
    {"font-size", T_LEN, F(body_size), "a length: 10pt"},
    {"code-size", T_LEN, F(code_size), "a length"},
    {"leading", T_PERCENT, F(leading_num), "a line height as a multiple of the font size: 1.4"},
    {"name-size", T_LEN, F(h_size[0]), "a length"},
    {"h1-size", T_LEN, F(h_size[0]), "a length"},
    {"h2-size", T_LEN, F(h_size[1]), "a length"},
    {"h3-size", T_LEN, F(h_size[2]), "a length"},
    {"h4-size", T_LEN, F(h_size[3]), "a length"},
    {"footnote-size", T_LEN, F(footnote_size), "a length: the text of footnotes"},
    {"section-space", T_LEN, F(h_space_before[1]), "a length: the space above a section heading"},
    {"paragraph-spacing", T_LEN, F(para_space), "a length"},
    {"list-indent", T_LEN, F(list_indent), "a length"},
    {"bullet", T_STR, F(bullet), "the list bullet: a short string"},
    {"text-color", T_COLOR, F(text_color), "#rrggbb"},
    {"heading-color", T_COLOR, F(heading_color), "#rrggbb"},
    {"accent-color", T_COLOR, F(accent_color), "#rrggbb: section headings and their rules"},
    {"link-color", T_COLOR, F(link_color), "#rrggbb"},
    {"rule-color", T_COLOR, F(rule_color), "#rrggbb"},
    {"muted-color", T_COLOR, F(muted_color), "#rrggbb: page numbers"},
    {"alert-note-color", T_COLOR, F(alert_color[CV_ALERT_NOTE]), "#rrggbb: > [!NOTE] alerts"},
    {"alert-tip-color", T_COLOR, F(alert_color[CV_ALERT_TIP]), "#rrggbb: > [!TIP] alerts"},
    {"alert-important-color", T_COLOR, F(alert_color[CV_ALERT_IMPORTANT]), "#rrggbb: > [!IMPORTANT] alerts"},
    {"alert-warning-color", T_COLOR, F(alert_color[CV_ALERT_WARNING]), "#rrggbb: > [!WARNING] alerts"},
    {"alert-caution-color", T_COLOR, F(alert_color[CV_ALERT_CAUTION]), "#rrggbb: > [!CAUTION] alerts"},
    {"section-case", T_CASE, F(h2_upper), "none, upper"},
    {"section-rule", T_BOOL, F(h2_rule), "true, false"},
    {"name-align", T_ALIGN, F(name_align), "left, center, right"},
    {"contact-align", T_ALIGN, F(contact_align), "left, center, right"},
    {"justify", T_BOOL, F(justify), "true, false"},
    {"smart-punctuation", T_BOOL, F(smart), "true, false: \"quotes\" as the language writes them, -- and --- as dashes, ... as …"},
    {"hyphenate", T_BOOL, F(hyphenate), "true, false"},
    {"page-numbers", T_BOOL, F(page_numbers), "true, false"},
    {"footer-name", T_BOOL, F(footer_name), "true, false"},
    {"image-max-height", T_LEN, F(image_max_h), "a length"},
    {"emoji", T_EMOJI, F(emoji), "color (Noto Color Emoji), mono (a monochrome face), none (left out, with a warning)"},
    {"fit-font-size-min", T_LEN, F(fit_size_min), "a length: the smallest font size --fit-pages may use"},
    {"fit-leading-min", T_PERCENT, F(fit_leading_min), "a multiple: the tightest leading --fit-pages may use"},
    {"fit-paragraph-spacing-min", T_LEN, F(fit_para_min), "a length"},
    {"fit-margin-min", T_LEN, F(fit_margin_min), "a length (at least 15mm is kept)"},
};
#undef F

/* keys front matter has for other purposes: never reported */
static const char *front_matter_own[] = {"title", "author", "lang", "dir", "style", "fit", "layout", "permalink"};

void cv_style_default(cv_style *st, const char *lang)
{
    memset(st, 0, sizeof *st);
    st->page_w = CVU_R(595276, 1000); /* A4: 210 × 297 mm */
    st->page_h = CVU_R(841890, 1000);
    st->margin_l = st->margin_r = CVU_R(5102, 100); /* 18 mm */
    st->margin_t = CVU_R(4535, 100);                /* 16 mm */
    st->margin_b = CVU_R(5102, 100);
    st->body_size = CVU_R(10, 1);
    st->leading_num = cv_lang_is_cjk(lang) ? 160 : 140; /* CJK needs more air (clreq: 1.5–2) */
    st->leading_den = 100;
    st->code_size = CVU_R(88, 10);
    static const int hs[6] = {220, 130, 110, 105, 100, 100};
    static const int hb[6] = {0, 140, 100, 80, 70, 70};
    static const int ha[6] = {40, 50, 30, 20, 20, 20};
    for (int i = 0; i < 6; i++) {
        st->h_size[i] = CVU_R(hs[i], 10);
        st->h_space_before[i] = CVU_R(hb[i], 10);
        st->h_space_after[i] = CVU_R(ha[i], 10);
    }
    st->para_space = CVU_R(5, 1);
    st->list_indent = CVU_R(14, 1);
    st->quote_indent = CVU_R(12, 1);
    st->marker_gap = CVU_R(5, 1);
    st->footer_size = CVU_R(8, 1);
    st->footnote_size = CVU_R(17, 2);
    st->text_color = 0x1A1A1A;
    st->heading_color = 0x111111;
    st->accent_color = 0x111111;
    st->rule_color = 0x8C8C8C;
    st->link_color = 0x1F4E79;
    st->muted_color = 0x666666;
    /* GitHub's */
    st->alert_color[CV_ALERT_NONE] = 0xBBBBBB;
    st->alert_color[CV_ALERT_NOTE] = 0x0969DA;
    st->alert_color[CV_ALERT_TIP] = 0x1A7F37;
    st->alert_color[CV_ALERT_IMPORTANT] = 0x8250DF;
    st->alert_color[CV_ALERT_WARNING] = 0x9A6700;
    st->alert_color[CV_ALERT_CAUTION] = 0xCF222E;
    st->image_max_h = CVU_R(180, 1);
    /* LaTeX's \\tabcolsep: a 12 pt gutter, which pdftotext needs to read columns apart */
    st->cell_pad_x = CVU_R(6, 1);
    st->cell_pad_y = CVU_R(5, 2);
    st->table_rule_color = 0xC8C8C8;
    st->table_header_fill = 0xF0F0F0;
    st->justify = true;
    st->smart = true;
    st->hyphenate = !cv_lang_is_cjk(lang);
    st->h2_rule = true;
    st->page_numbers = true;
    snprintf(st->font_body, sizeof st->font_body, "Inter");
    snprintf(st->font_heading, sizeof st->font_heading, "Inter");
    snprintf(st->font_code, sizeof st->font_code, "Noto Sans Mono");
    snprintf(st->font_cjk, sizeof st->font_cjk, "Noto Sans CJK");
    snprintf(st->font_math, sizeof st->font_math, "DejaVu Math TeX Gyre");
    snprintf(st->bullet, sizeof st->bullet, "\xE2\x80\xA2");
    st->fit_size_min = CVU_R(9, 1);
    st->fit_leading_min = cv_lang_is_cjk(lang) ? 140 : 120;
    st->fit_para_min = CVU_R(2, 1);
    st->fit_margin_min = MIN_MARGIN;
}

/* A length: a number with pt (the default), mm, cm, in or px. */
static int parse_len(const char *v, cvu *out)
{
    char *end;
    /* integer and decimal parts read by hand: strtod would follow the locale */
    long ip = strtol(v, &end, 10);
    if (end == v && *v != '.')
        return -1;
    cvu frac = 0, scale = 1;
    if (*end == '.') {
        end++;
        while (*end >= '0' && *end <= '9') {
            if (scale < 100000) {
                frac = frac * 10 + (*end - '0');
                scale *= 10;
            }
            end++;
        }
    }
    if (ip < 0 || ip > 10000)
        return -1;
    cvu pt = (cvu)ip * CVU_PT + frac * CVU_PT / scale;
    while (*end == ' ')
        end++;
    if (!*end || !strcasecmp(end, "pt"))
        *out = pt;
    else if (!strcasecmp(end, "mm"))
        *out = pt * 7200 / 2540;
    else if (!strcasecmp(end, "cm"))
        *out = pt * 72000 / 2540;
    else if (!strcasecmp(end, "in"))
        *out = pt * 72;
    else if (!strcasecmp(end, "px"))
        *out = pt * 3 / 4;
    else
        return -1;
    return 0;
}

int cv_parse_bool(const char *v)
{
    if (!v)
        return -1;
    static const char *yes[] = {"true", "yes", "on", "1"}, *no[] = {"false", "no", "off", "0"};
    for (size_t i = 0; i < 4; i++) {
        if (!strcasecmp(v, yes[i]))
            return 1;
        if (!strcasecmp(v, no[i]))
            return 0;
    }
    return -1;
}

static int parse_color(const char *v, uint32_t *out)
{
    size_t n = strlen(v);
    if (v[0] != '#' || (n != 7 && n != 4) || strspn(v + 1, "0123456789abcdefABCDEF") != n - 1)
        return -1;
    unsigned long c = strtoul(v + 1, NULL, 16);
    if (n == 4)
        c = ((c & 0xF00) << 12 | (c & 0xF00) << 8) | ((c & 0x0F0) << 8 | (c & 0x0F0) << 4) | ((c & 0x00F) << 4 | (c & 0x00F));
    *out = (uint32_t)c;
    return 0;
}

/* Levenshtein distance, for "did you mean ...?" */
static int distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 40 || lb > 40)
        return 99;
    int d[41][41];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = (int)i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = (int)j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            int c = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            if (d[i - 1][j] + 1 < c)
                c = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < c)
                c = d[i][j - 1] + 1;
            d[i][j] = c;
        }
    return d[la][lb];
}

static void report(cv_ctx *ctx, cvpdf_code code, const char *file, int line, int col, const char *fmt, const char *a,
                   const char *b)
{
    const char *saved = ctx->name;
    if (file)
        ctx->name = file;
    cv_diag(ctx, CVPDF_WARNING, code, line, col, fmt, a, b);
    ctx->name = saved;
}

int cv_style_set(cv_ctx *ctx, cv_style *st, const char *key, const char *value, const char *file,
                 int line, int col, bool front_matter)
{
    const key_def *k = NULL;
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
        if (!strcmp(keys[i].name, key))
            k = &keys[i];
    if (!k) {
        if (front_matter) {
            /* front matter also serves Jekyll and others: only a near miss is reported */
            for (size_t i = 0; i < sizeof front_matter_own / sizeof *front_matter_own; i++)
                if (!strcmp(key, front_matter_own[i]))
                    return 0;
            for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
                if (distance(key, keys[i].name) <= 2) {
                    report(ctx, CVPDF_D_STYLE_KEY_UNKNOWN, file, line, col, "unknown style key '%s'; did you mean '%s'? (see cvpdf(5))", key,
                           keys[i].name);
                    return -1;
                }
            return 0;
        }
        const char *best = NULL;
        int bd = 99;
        for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
            int d = distance(key, keys[i].name);
            if (d < bd)
                bd = d, best = keys[i].name;
        }
        if (bd <= 3)
            report(ctx, CVPDF_D_STYLE_KEY_UNKNOWN, file, line, col, "unknown style key '%s'; did you mean '%s'? (the keys are in cvpdf(5))", key, best);
        else
            report(ctx, CVPDF_D_STYLE_KEY_UNKNOWN, file, line, col, "unknown style key '%s'%s (the keys are in cvpdf(5))", key, "");
        return -1;
    }
    char *base = (char *)st;
    int ok = 0;
    cvu len;
    uint32_t color;
    int b;
    switch (k->type) {
    case T_LEN:
        ok = parse_len(value, &len) == 0 && len > 0;
        if (ok)
            *(cvu *)(base + k->off) = len;
        break;
    case T_MARGINS:
        ok = parse_len(value, &len) == 0;
        if (ok)
            st->margin_t = st->margin_b = st->margin_l = st->margin_r = len;
        break;
    case T_PERCENT: {
        cvu v;
        /* a plain number read as points gives the multiple in 1/65536 */
        ok = parse_len(value, &v) == 0 && strspn(value, "0123456789.") == strlen(value);
        int pc = (int)((v * 100 + CVU_PT / 2) / CVU_PT);
        ok = ok && pc >= 80 && pc <= 400;
        if (ok)
            *(int64_t *)(base + k->off) = pc;
        break;
    }
    case T_COLOR:
        ok = parse_color(value, &color) == 0;
        if (ok)
            *(uint32_t *)(base + k->off) = color;
        break;
    case T_BOOL:
        b = cv_parse_bool(value);
        ok = b >= 0;
        if (ok)
            *(bool *)(base + k->off) = b;
        break;
    case T_CASE:
        ok = !strcasecmp(value, "upper") || !strcasecmp(value, "none");
        if (ok)
            *(bool *)(base + k->off) = !strcasecmp(value, "upper");
        break;
    case T_ALIGN: {
        int a = !strcasecmp(value, "left") ? CV_ALIGN_LEFT : !strcasecmp(value, "center") || !strcasecmp(value, "centre") ? CV_ALIGN_CENTER
              : !strcasecmp(value, "right") ? CV_ALIGN_RIGHT : -1;
        ok = a >= 0;
        if (ok)
            *(int *)(base + k->off) = a;
        break;
    }
    case T_FONT:
    case T_STR:
        ok = value[0] && strlen(value) < 64;
        if (ok)
            snprintf(base + k->off, k->type == T_STR ? sizeof st->bullet : sizeof st->font_body, "%s", value);
        break;
    case T_EMOJI: {
        int m = !strcasecmp(value, "color") || !strcasecmp(value, "colour") ? CV_EMOJI_COLOR
                : !strcasecmp(value, "mono") ? CV_EMOJI_MONO : !strcasecmp(value, "none") ? CV_EMOJI_NONE : -1;
        ok = m >= 0;
        if (ok)
            *(int *)(base + k->off) = m;
        break;
    }
    case T_PAPER:
        if (!strcasecmp(value, "a4")) {
            st->page_w = CVU_R(595276, 1000);
            st->page_h = CVU_R(841890, 1000);
            ok = 1;
        } else if (!strcasecmp(value, "letter")) {
            st->page_w = CVU_R(612, 1);
            st->page_h = CVU_R(792, 1);
            ok = 1;
        }
        break;
    }
    if (!ok) {
        report(ctx, CVPDF_D_STYLE_VALUE_BAD, file, line, col, "style key '%s': bad value; allowed: %s", key, k->help);
        return -1;
    }
    /* margins never shrink below 15 mm: printers and the page's safe area need them (computed as
     * parse_len computes "15mm", so 15mm itself passes) */
    cvu min_margin = MIN_MARGIN;
    if (k->type == T_MARGINS || !strncmp(k->name, "margin", 6)) {
        if (st->margin_t < min_margin || st->margin_b < min_margin || st->margin_l < min_margin || st->margin_r < min_margin) {
            report(ctx, CVPDF_D_STYLE_VALUE_BAD, file, line, col, "style key '%s': margins below 15mm are raised to 15mm%s", key, "");
            if (st->margin_t < min_margin) st->margin_t = min_margin;
            if (st->margin_b < min_margin) st->margin_b = min_margin;
            if (st->margin_l < min_margin) st->margin_l = min_margin;
            if (st->margin_r < min_margin) st->margin_r = min_margin;
        }
    }
    return 0;
}

int cv_style_load(cv_ctx *ctx, cv_style *st, const char *name, const char *dir, const char *lang,
                  const char *from, int line, int col)
{
    char path[4096];
    bool is_path = strchr(name, '/') || (strlen(name) > 5 && !strcmp(name + strlen(name) - 5, ".yaml"));
    if (is_path)
        snprintf(path, sizeof path, "%s", name);
    else
        snprintf(path, sizeof path, "%s/%s.yaml", dir, name);
    cv_dep(ctx->opts, path);
    FILE *f = fopen(path, "rb");
    if (!f) {
        report(ctx, CVPDF_D_STYLE_NOT_FOUND, from, line, col, "style '%s' not found (built-in styles: classic, modern, compact; or a path to a .yaml file)%s",
               name, "");
        return -1;
    }
    cv_buf b = {0};
    cv_buf_read(&b, f, 1u << 20);
    fclose(f);
    if (b.oom) {
        cv_buf_free(&b);
        ctx->oom = true;
        return -1;
    }
    cv_kvs kv;
    memset(&kv, 0, sizeof kv);
    int el, ec;
    const char *msg;
    int rc = cv_yaml_map(b.p ? b.p : "", b.len, 1, &kv, &el, &ec, &msg);
    cv_buf_free(&b);
    if (rc) {
        if (rc == -2)
            report(ctx, CVPDF_D_STYLE_INVALID, path, el, ec, "style file is not valid YAML (%s)%s", msg, "");
        else
            ctx->oom = true;
        cv_kvs_free(&kv);
        return -1;
    }
    bool cjk = cv_lang_is_cjk(lang);
    int bad = 0;
    /* the file's own keys, then its cjk section for CJK documents */
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < kv.n; i++) {
            const cv_kv *e = &kv.v[i];
            bool section = !strncmp(e->key, "cjk.", 4);
            if (!strcmp(e->key, "name") || !strcmp(e->key, "description"))
                continue;
            if (pass == 0 && !section && strchr(e->key, '.')) {
                report(ctx, CVPDF_D_STYLE_KEY_UNKNOWN, path, e->line, e->col, "unknown section in '%s' (the only section is cjk:)%s", e->key, "");
                bad++;
                continue;
            }
            if ((pass == 0 && !section) || (pass == 1 && section && cjk))
                if (cv_style_set(ctx, st, section ? e->key + 4 : e->key, e->value, path, e->line, e->col, false))
                    bad++;
        }
    cv_kvs_free(&kv);
    return bad ? 1 : 0;
}

bool cv_lang_is_cjk(const char *lang)
{
    return lang && (!strncasecmp(lang, "zh", 2) || !strncasecmp(lang, "ja", 2) || !strncasecmp(lang, "ko", 2));
}

/* The resolved style as YAML, every key of the table (what --show-style prints). */
void cv_style_dump(const cv_style *st, cv_buf *out)
{
    const char *base = (const char *)st;
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
        const key_def *k = &keys[i];
        if (k->type == T_MARGINS || !strcmp(k->name, "h1-size"))
            continue; /* the four margins and name-size say it */
        cv_buf_printf(out, "%s: ", k->name);
        switch (k->type) {
        case T_LEN:
            cv_buf_fixed(out, *(const cvu *)(base + k->off), 2);
            cv_buf_puts(out, "pt");
            break;
        case T_PERCENT: {
            cvu v = *(const cvu *)(base + k->off);
            cv_buf_printf(out, "%d.%02d", (int)(v / 100), (int)(v % 100));
            break;
        }
        case T_COLOR:
            cv_buf_printf(out, "\"#%06x\"", (unsigned)*(const uint32_t *)(base + k->off));
            break;
        case T_BOOL:
            cv_buf_puts(out, *(const bool *)(base + k->off) ? "true" : "false");
            break;
        case T_CASE:
            cv_buf_puts(out, *(const bool *)(base + k->off) ? "upper" : "none");
            break;
        case T_ALIGN: {
            int a = *(const int *)(base + k->off);
            cv_buf_puts(out, a == CV_ALIGN_CENTER ? "center" : a == CV_ALIGN_RIGHT ? "right" : "left");
            break;
        }
        case T_FONT:
        case T_STR:
            cv_buf_printf(out, "\"%s\"", base + k->off);
            break;
        case T_PAPER:
            cv_buf_puts(out, st->page_w == CVU_R(612, 1) ? "letter" : "a4");
            break;
        case T_EMOJI: {
            int m = *(const int *)(base + k->off);
            cv_buf_puts(out, m == CV_EMOJI_MONO ? "mono" : m == CV_EMOJI_NONE ? "none" : "color");
            break;
        }
        }
        cv_buf_puts(out, "\n");
    }
}
