/* style.h: a document's style: page, sizes, spacing, colours, families (style.c). */
#ifndef CVPDF_STYLE_H
#define CVPDF_STYLE_H

#include "context.h"
#include "model.h"

typedef struct cv_style cv_style;

/* The style key "emoji". */
enum cv_emoji_mode { CV_EMOJI_COLOR, CV_EMOJI_MONO, CV_EMOJI_NONE };

struct cv_style {
    cvu page_w, page_h, margin_l, margin_r, margin_t, margin_b;
    cvu body_size, leading_num, leading_den; /* line height = size * num / den */
    cvu code_size;
    cvu h_size[6];
    cvu h_space_before[6], h_space_after[6];
    cvu para_space, list_indent, quote_indent, marker_gap;
    cvu footer_size;
    cvu footnote_size; /* the text of footnotes */
    uint32_t text_color, heading_color, accent_color, rule_color, link_color, muted_color;
    cvu image_max_h;   /* the tallest an image may be */
    cvu cell_pad_x, cell_pad_y;
    uint32_t table_rule_color, table_header_fill;
    uint32_t alert_color[6]; /* by enum cv_alert: an alert's bar and title (GitHub's colours) */
    bool justify;    /* paragraphs set flush on both sides (headings and code stay ragged) */
    bool smart;      /* typographic quotes, dashes and ellipses (smartpunct.c) */
    bool hyphenate;  /* when the language has patterns */
    bool h2_upper;   /* section headings in capitals */
    bool h2_rule;    /* a rule under section headings, in the accent colour */
    int name_align, contact_align; /* the header block: the first heading and the line after */
    bool page_numbers, footer_name;
    int emoji;       /* enum cv_emoji_mode */
    char font_body[64], font_heading[64], font_code[64], font_cjk[64], font_math[64];
    char bullet[16];
    /* what --fit-pages may shrink to */
    cvu fit_size_min, fit_leading_min, fit_para_min, fit_margin_min;
};

/* style.c */
bool cv_lang_is_cjk(const char *lang);
void cv_style_dump(const cv_style *st, cv_buf *out);
/* true/yes/on/1 → 1, false/no/off/0 → 0, anything else (or NULL) → -1. */
int cv_parse_bool(const char *v);
void cv_style_default(cv_style *st, const char *lang);
/* Sets one key; reports an unknown key or a bad value at file:line:col with what is allowed
 * (front matter: only keys close to a style key are reported) and returns -1. */
int cv_style_set(cv_ctx *ctx, cv_style *st, const char *key, const char *value, const char *file,
                 int line, int col, bool front_matter);
/* Applies styles_dir/NAME.yaml (or a path to a .yaml file): its keys, then its cjk: section
 * for CJK languages. -1 when it cannot be read, 1 when some keys were bad. */
int cv_style_load(cv_ctx *ctx, cv_style *st, const char *name, const char *styles_dir,
                  const char *lang, const char *from, int line, int col);

#endif
