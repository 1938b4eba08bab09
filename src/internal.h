/* internal.h: the data structures that flow between cvpdf's stages.
 *
 * The pipeline, each stage reading only what the stages left of it produced:
 *
 *   source ─▶ frontmatter.c (cv_meta) ─▶ build.c (cv_model: blocks of styled UTF-8 spans)
 *          ─▶ layout.c (cv_vlist: lines of positioned glyphs, spaces, rules, marks;
 *             shaping via shape.c, break opportunities via breaks.c, faces via font.c)
 *          ─▶ paginate.c (cv_pages: absolute display lists)
 *          ─▶ pdf.c + pdffont.c (libharu objects; fonts subset by subset.c) ─▶ bytes
 *
 * Lengths are fixed-point (cvu, 1/65536 pt, TeX's scaled point) so that layout is identical
 * on every machine; floats appear only when a number is printed into the PDF.
 * Each outside library has one client file: libyaml frontmatter.c, cmark-gfm build.c,
 * ICU breaks.c, HarfBuzz shape.c, hb-subset subset.c, fontconfig font.c, libharu pdf*.c.
 */
#ifndef CVPDF_INTERNAL_H
#define CVPDF_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cvpdf.h"

typedef int64_t cvu;
#define CVU_PT 65536
/* A length in points given as a rational: CVU_R(21, 2) is 10.5 pt. */
#define CVU_R(num, den) ((cvu)(num) * CVU_PT / (den))

/* ---- growable arrays ------------------------------------------------------------------ */

/* Grows *v (elements of size elem) to hold at least need; 0 on success, -1 on OOM. */
int cv_grow(void **v, size_t *cap, size_t need, size_t elem);
#define CV_VEC(T) struct { T *v; size_t n, cap; }
/* Appends x to a CV_VEC; evaluates to 0 on success, -1 on OOM. */
#define CV_PUSH(vec, x)                                                                       \
    (((vec).n < (vec).cap ||                                                                  \
      cv_grow((void **)&(vec).v, &(vec).cap, (vec).n + 1, sizeof *(vec).v) == 0)              \
         ? ((vec).v[(vec).n++] = (x), 0)                                                       \
         : -1)

typedef struct cv_buf {
    char *p;
    size_t len, cap;
    bool oom;
} cv_buf;
void cv_buf_add(cv_buf *b, const void *data, size_t len);
void cv_buf_puts(cv_buf *b, const char *s);
void cv_buf_printf(cv_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends v/65536 with up to `decimals` decimals, without locale (no decimal commas). */
void cv_buf_fixed(cv_buf *b, int64_t v, int decimals);
void cv_buf_free(cv_buf *b);

char *cv_strndup(const char *s, size_t n);

/* A hash map from 64-bit keys to 64-bit values (open addressing): for sets and lookups that
 * grow with the input (code points seen, faces found), which a linear search would make
 * quadratic. Zeroed is empty. */
typedef struct cv_map {
    uint64_t *keys; /* key + 1; 0 marks a free slot */
    uint64_t *vals;
    size_t cap, n;
} cv_map;
/* Whether key is there; its value in *val (val may be NULL). */
bool cv_map_get(const cv_map *m, uint64_t key, uint64_t *val);
/* Sets key to val. 0, or -1 on OOM (the map is unchanged). key must not be UINT64_MAX. */
int cv_map_put(cv_map *m, uint64_t key, uint64_t val);
void cv_map_free(cv_map *m);

/* ---- UTF-8 ---------------------------------------------------------------------------- */

/* Decodes the code point at s[*i] (len bytes in all), advancing *i; invalid bytes give
 * U+FFFD and advance by one. */
uint32_t cv_utf8_next(const char *s, size_t len, size_t *i);
/* Code point ending just before byte i (0 at the start). */
uint32_t cv_utf8_prev(const char *s, size_t i);
/* How many bytes cp takes in UTF-8. */
static inline size_t cv_utf8_size(uint32_t cp) { return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4; }
/* Removes in place the bytes of s that are not whole UTF-8 characters: what a message cut
 * by "%.60s" or a full buffer leaves of the last character (a diagnostic never carries half
 * a character). */
void cv_utf8_trim(char *s);
/* Writes cp as UTF-8 into out (4 bytes room); returns the byte count. */
int cv_utf8_put(uint32_t cp, char *out);

/* ---- the render context and diagnostics ---------------------------------------------- */

struct cvpdf_options {
    char *fonts_dir;
    char *lang;
    bool trace;      /* render a trace instead of a PDF */
    bool show_style; /* return the resolved style as YAML instead of a PDF */
    bool check;      /* lay out and report, but write no PDF */
    bool fonts_report; /* return which face each character got, instead of a PDF */
    bool safe;       /* untrusted input: see cvpdf.h */
    bool timings;    /* report the stage timers as a note */
    size_t max_input;  /* bytes; 0: CV_MAX_INPUT, CV_MAX_INPUT_SAFE in safe mode */
    int max_pages;     /* safe mode */
    int justify, hyphenate; /* -1: the style's choice */
    char *style, *styles_dir;
    CV_VEC(char *) sets;    /* "key=value", applied last */
    int fit_pages;          /* 0: no fitting */
    long long date; /* -1: none */
    cvpdf_diag_fn diag;
    void *diag_user;
    cvpdf_cache *cache;     /* NULL: nothing is shared between renders */
    cvpdf_dep_fn dep;       /* every file a render reads: cv_dep */
    void *dep_user;
};

#define CV_MAX_INPUT ((size_t)2 << 20)
#define CV_MAX_INPUT_SAFE ((size_t)1 << 20)

/* The stages the timers report, in pipeline order. */
enum cv_stage_id {
    CV_T_PARSE,    /* sanitizing, front matter, cmark-gfm, the style */
    CV_T_FONTS,    /* fontconfig lookups and opening faces */
    CV_T_SHAPE,    /* HarfBuzz */
    CV_T_BREAK,    /* ICU break opportunities, hyphenation, Knuth-Plass */
    CV_T_LAYOUT,   /* the rest of turning blocks into lines */
    CV_T_PAGINATE,
    CV_T_SUBSET,   /* hb-subset and the colour emoji images */
    CV_T_WRITE,    /* PDF objects, compression, the file */
    CV_T_N
};
extern const char *const cv_stage_names[CV_T_N];

/* Where each line of a text starts, so that a position maps to its line and column (and
 * back) in logarithmic time: diagnostics about a long file must not rescan it from the start
 * each time. Lines end at '\n' (the source is sanitized: a lone CR is a '\n' by then). */
typedef struct cv_lines {
    size_t *start; /* start[k]: byte offset of line k + 1 */
    size_t n;      /* lines; at least 1 once built */
} cv_lines;
/* Builds the table for src[0, len). 0, or -1 on OOM. */
int cv_lines_build(cv_lines *t, const char *src, size_t len);
void cv_lines_free(cv_lines *t);
/* The byte offset where line `line` (1-based) starts, or (size_t)-1 when there is none. */
size_t cv_lines_offset(const cv_lines *t, int line);
/* The 1-based line and byte column of offset off. */
void cv_lines_pos(const cv_lines *t, size_t off, int *line, int *col);

typedef struct cv_ctx {
    const cvpdf_options *opts;
    const char *name;    /* the input's name, for diagnostics */
    const char *src;     /* the whole input, for mapping positions */
    size_t src_len;
    cv_lines lines;      /* of src */
    int body_line;       /* source line where the Markdown body starts (after front matter) */
    size_t body_off;     /* byte offset of the body in src */
    int warnings;
    int quiet;           /* > 0: diagnostics are not delivered (trial layouts of --fit-pages) */
    int remote_images;   /* images not fetched, counted past the first few warnings */
    bool oom;
    /* the library's own stage timers (option "timings"): the time since stage_mark is charged
     * to `stage`; cv_stage switches, so nested stages are charged exclusively and the stages
     * add up to the whole render */
    int stage;
    uint64_t stage_mark;
    uint64_t stage_ns[CV_T_N];
} cv_ctx;

/* Charges the time since the last switch to the current stage and makes `stage` current;
 * returns the stage that was current, for switching back. */
int cv_stage(cv_ctx *ctx, int stage);

void cv_diag(cv_ctx *ctx, cvpdf_severity sev, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Reports path, as about to be opened, to the dependency callback (cvpdf.h). */
void cv_dep(const cvpdf_options *opts, const char *path);

/* ---- YAML: front matter and style files (yaml.c, libyaml) -------------------------------- */

typedef struct cv_kv {
    char *key;          /* "key", or "section.key" one level down */
    char *value;
    int line, col;      /* where the key is */
    int vline, vcol;    /* where the value is */
} cv_kv;
typedef CV_VEC(cv_kv) cv_kvs;

/* Parses a YAML mapping whose first line is file line line_base. 0 on success, -1 on OOM,
 * -2 on malformed YAML with its position and a message in *err_*. */
int cv_yaml_map(const char *src, size_t len, int line_base, cv_kvs *out, int *err_line, int *err_col,
                const char **err_msg);
void cv_kvs_free(cv_kvs *kv);

typedef struct cv_meta {
    char *title, *author, *lang;
    cv_kvs keys; /* every key, for the style (font-size: 10pt, style: modern, fit: 1, ...) */
} cv_meta;

/* Splits off a leading YAML front matter block of src[0..len). Returns the byte offset of the
 * Markdown body and sets *body_line to its first line number. Malformed YAML is reported and
 * ignored. */
size_t cv_frontmatter(cv_ctx *ctx, const char *src, size_t len, cv_meta *meta, int *body_line);
void cv_meta_free(cv_meta *meta);

/* ---- the document model (build.c, cmark-gfm) ----------------------------------------- */

enum {
    CV_S_BOLD = 1,
    CV_S_ITALIC = 2,
    CV_S_CODE = 4,
    CV_S_STRIKE = 8,
    CV_S_LINK = 16,
    CV_S_SUP = 32,
    CV_S_SUB = 64,
    CV_S_UNDERLINE = 128
};

/* A run of a block's text [start, end) in one inline style. */
typedef struct cv_span {
    uint32_t start, end;
    uint16_t style;
    int32_t link;  /* index into cv_model.links, or -1 */
    int32_t image; /* index into cv_model.images for a U+FFFC object, or -1 */
    int line, col; /* source position of the span's first byte */
} cv_span;

enum cv_block_kind { CV_B_PARA, CV_B_HEADING, CV_B_CODE, CV_B_RULE, CV_B_TABLE };
enum cv_align { CV_ALIGN_DEFAULT, CV_ALIGN_LEFT, CV_ALIGN_CENTER, CV_ALIGN_RIGHT };

typedef struct cv_block {
    int kind;
    int level;       /* heading level 1–6 */
    char *text;      /* UTF-8; '\n' is a forced line break */
    uint32_t len;
    CV_VEC(cv_span) spans; /* cover text in order */
    int list_depth;  /* enclosing list items */
    int quote_depth; /* enclosing block quotes */
    char marker[24]; /* list item marker ("•", "12.") on the item's first block, else "" */
    bool tight;      /* follows its predecessor without paragraph spacing (tight lists) */
    int align;       /* enum cv_align (HTML align, <center>) */
    int32_t table;   /* CV_B_TABLE: index into cv_model.tables */
    int line, col;   /* source position of the block */
} cv_block;

enum { CV_IMG_NONE, CV_IMG_PNG, CV_IMG_JPEG };

typedef struct cv_image {
    char *src;            /* as written */
    char *alt;            /* its text alternative (may be empty) */
    unsigned char *data;  /* the file, when it could be read */
    size_t len;
    int format;           /* CV_IMG_* */
    int px_w, px_h;       /* its pixel size */
    int want_w, want_h;   /* HTML width/height in CSS px, 0 when not given */
} cv_image;

/* A table cell: one paragraph of styled text ('\n' between its inner blocks). */
typedef struct cv_cell {
    char *text;
    uint32_t len;
    CV_VEC(cv_span) spans;
    int align;            /* enum cv_align */
    bool header;
    int line, col;
} cv_cell;

typedef struct cv_table {
    int ncols, nrows;
    int header_rows;      /* leading rows that repeat on each page */
    CV_VEC(cv_cell) cells;  /* row-major, nrows × ncols (missing cells are empty) */
} cv_table;

/* image.c: reads a local image (relative to base_dir) into img->data and sets its format and
 * pixel size. Remote, missing, irregular (directory, FIFO, device), oversized and
 * non-PNG/JPEG files are reported at line:col and give -1. */
int cv_image_load(cv_ctx *ctx, const char *base_dir, cv_image *img, int line, int col);
/* Safe mode: whether path (relative to base_dir) stays inside base_dir once resolved. */
bool cv_path_inside(const char *base_dir, const char *path);
int cv_image_probe(cv_image *img);

typedef struct cv_model {
    CV_VEC(cv_block) blocks;
    CV_VEC(char *) links; /* link targets; NULL for one that is shown but not clickable */
    CV_VEC(cv_image) images;
    CV_VEC(cv_table) tables;
    char *first_heading;  /* text of the first heading, for the title */
} cv_model;

/* base_dir: where relative image paths start (the Markdown file's directory), or NULL. */
int cv_build(cv_ctx *ctx, const char *md, size_t len, const char *base_dir, cv_model *model);
void cv_model_free(cv_model *model);

/* The builder's interface for the raw-HTML walker (html.c); build.c implements it. */
typedef struct cv_bld cv_bld;
void cv_bld_text(cv_bld *b, const char *s, size_t n);   /* already whitespace-collapsed */
void cv_bld_break(cv_bld *b);                           /* a forced line break */
uint16_t cv_bld_style(cv_bld *b, uint16_t style);       /* sets inline style, returns the old */
int32_t cv_bld_link(cv_bld *b, const char *href);       /* starts a link (NULL: none) */
void cv_bld_set_link(cv_bld *b, int32_t link);          /* restores one */
void cv_bld_end_para(cv_bld *b);                        /* ends the current paragraph */
void cv_bld_heading(cv_bld *b, int level);              /* ends the current text as a heading */
int cv_bld_align(cv_bld *b, int align);                 /* sets alignment, returns the old */
void cv_bld_quote(cv_bld *b, int delta);
void cv_bld_list(cv_bld *b, bool begin, bool ordered, int start);
void cv_bld_item(cv_bld *b);                            /* the next block is a list item */
void cv_bld_rule(cv_bld *b);
void cv_bld_image(cv_bld *b, const char *src, const char *alt, int w, int h, bool from_html);
void cv_bld_table(cv_bld *b, bool begin);
void cv_bld_row(cv_bld *b, bool begin, bool header);
void cv_bld_cell(cv_bld *b, bool begin, bool header, int align);
void cv_bld_warn(cv_bld *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* html.c (libxml2): renders an HTML block through the builder. */
int cv_html_block(cv_bld *b, const char *html, size_t len);
/* html.c: one inline tag fragment ("<b>", "</a>", "<br/>", "<img src=...>") through the
 * builder; inline tags open and close across fragments, so the caller keeps a stack. */
typedef struct cv_html_open {
    char name[12];
    uint16_t style;
    int32_t link;
} cv_html_open;
typedef struct cv_html_stack {
    CV_VEC(cv_html_open) open;
    cv_map count; /* hash of a tag name -> how many such tags are open, so that a closing tag
                   * nothing opened is dismissed without a search (30,000 of them were
                   * quadratic) */
} cv_html_stack;
void cv_html_stack_free(cv_html_stack *stack);
int cv_html_inline(cv_bld *b, const char *frag, size_t len, cv_html_stack *stack);
/* For an HTML block that only opens a container (<div align="center">, <center>) whose
 * Markdown content follows in later blocks: 1 + its enum cv_align. -1 when it only closes
 * one (</div>, </center>), 0 otherwise. */
int cv_html_container(const char *html, size_t len);

/* ---- characters and break opportunities (breaks.c, ICU) ------------------------------- */

enum { CV_BRK_NONE = 0, CV_BRK_ALLOW = 1, CV_BRK_MUST = 2 };
/* brk[i] for 0 <= i <= len tells whether a line may (or must) break before byte i. Applies
 * UAX #14 and the Chinese/Japanese line-start and line-end prohibitions. -1 on failure. */
int cv_line_breaks(const char *text, size_t len, const char *lang, uint8_t *brk);
/* gb[i] = 1 when a grapheme cluster (UAX #29) starts at byte i; gb[len] = 1. */
int cv_grapheme_breaks(const char *text, size_t len, uint8_t *gb);
/* East Asian width: 'W' wide or fullwidth, 'A' ambiguous, 'N' otherwise. */
char cv_char_eaw(uint32_t cp);
/* Han ideographs, kana, hangul, bopomofo: the characters that take CJK spacing rules. */
bool cv_char_is_cjk_ideo(uint32_t cp);
/* The ICU script code of cp, 0 for characters shared by scripts (Common, Inherited), which
 * join the run they are in; kana and hangul count as Han. */
int cv_char_script(uint32_t cp);
/* Format/variation selectors/joiners that any face may lack without harm. */
bool cv_char_is_ignorable(uint32_t cp);
bool cv_char_is_space(uint32_t cp);
/* Prohibited at a line start or a line end (clreq/jlreq). */
bool cv_char_no_line_start(uint32_t cp);
bool cv_char_no_line_end(uint32_t cp);

/* Emoji presentation by default (UTS #51 Emoji_Presentation), and regional indicators. */
bool cv_char_is_emoji_presentation(uint32_t cp);

/* ---- colour emoji bitmaps (emoji.c, FreeType) ------------------------------------------- */

typedef struct cv_emoji cv_emoji;
typedef struct cv_face cv_face; /* shape.c */
typedef struct cv_bitmap {
    /* the strike's box: w×h pixels at ppem, its origin offset left/top; the samples are
     * pw×ph pixels over that box (fewer when resampled) */
    int w, h, left, top, ppem, pw, ph;
    unsigned char *rgb, *alpha; /* straight (not premultiplied) colour; alpha */
} cv_bitmap;
cv_emoji *cv_emoji_open(const char *path, unsigned index);
void cv_emoji_close(cv_emoji *e);
/* The glyph's bitmap, resampled to ppem pixels an em when the strike is finer (0: as is). */
int cv_emoji_render(cv_emoji *e, uint32_t gid, int ppem, cv_bitmap *out);
void cv_bitmap_free(cv_bitmap *b);
/* One emoji as the data of two PDF image streams, pw×ph samples of 8 bits: the colour
 * (DeviceRGB) and its SMask (DeviceGray), each zlib-compressed (/FlateDecode). A pure function
 * of the face, gid and ppem, so it is remembered with the face (cv_emoji_memo). */
typedef struct cv_emoji_image {
    int w, h, left, top, ppem, pw, ph; /* as cv_bitmap */
    unsigned char *rgb, *alpha;
    size_t rgb_len, alpha_len;
} cv_emoji_image;
int cv_emoji_encode(cv_emoji *e, uint32_t gid, int ppem, cv_emoji_image *out);
void cv_emoji_image_free(cv_emoji_image *im);
/* The encoded emoji from the face's memo, or made (opening *e on first need; the caller
 * closes it) and remembered. */
int cv_emoji_get(cv_face *face, const char *path, unsigned index, cv_emoji **e, uint32_t gid, int ppem,
                 cv_emoji_image *out);

/* Not a control, private-use, surrogate, unassigned or lone combining character: what a
 * repaired mojibake sequence should decode to. */
bool cv_char_is_plausible(uint32_t cp);

/* ---- mojibake (mojibake.c): UTF-8 read as Mac Roman, Windows-1252 or Latin-1 --------------- */

/* Called for each damaged stretch text[start, end): the code page it went through and the
 * UTF-8 it stood for. */
typedef void (*cv_mojibake_fn)(void *user, size_t start, size_t end, const char *encoding,
                               const char *fixed, size_t fixed_len);
int cv_mojibake_scan(const char *text, size_t len, cv_mojibake_fn fn, void *user);
/* Appends text with every damaged stretch repaired; returns how many, -1 on OOM. */
int cv_mojibake_fix(const char *text, size_t len, cv_buf *out);

/* check.c: warnings about the source itself (mojibake), at their line and column. */
void cv_check_source(cv_ctx *ctx);

/* Alphabetic (UAX #44 Alphabetic), for finding words to hyphenate. */
bool cv_char_is_letter(uint32_t cp);

/* ---- hyphenation (hyphen.c, libhyphen) ------------------------------------------------- */

typedef struct cv_hyph cv_hyph;
/* The patterns for a language, or NULL when none are installed. */
cv_hyph *cv_hyph_new(const char *lang);
void cv_hyph_free(cv_hyph *h);
/* Starts loading the patterns on a thread of their own, for the first word that needs them. */
void cv_hyph_prefetch(cv_hyph *h);
/* points[i] = 1 where a hyphen may go before byte i of word[0..len) (2 letters before, 3
 * after at least). */
int cv_hyph_word(cv_hyph *h, const char *word, size_t len, uint8_t *points);

/* ---- line breaking (linebreak.c) ------------------------------------------------------- */

enum cv_item_kind { CV_I_BOX, CV_I_GLUE, CV_I_PENALTY, CV_I_KERN };
#define CV_PEN_INF 10000

/* What a glue stands for; justification treats them differently. */
enum cv_glue_role { CV_G_SPACE, CV_G_CJK, CV_G_HANLATIN, CV_G_PUNCT, CV_G_FILL };

typedef struct cv_item {
    uint8_t kind;
    uint8_t role;       /* glue: enum cv_glue_role */
    bool flagged;       /* penalty: a hyphenation point */
    bool join;          /* penalty: inside a word (hyphenation, after "-" or "/", an emergency
                         * cut): a break here sends the word's rest to this line's text */
    bool fil;           /* glue: infinite stretch */
    int32_t penalty;    /* penalty: cost; >= CV_PEN_INF forbids, <= -CV_PEN_INF forces */
    cvu width, stretch, shrink;
    /* layout payload */
    uint32_t a, b;      /* box: its clusters' bytes; penalty: the hyphen point, and b the
                         * word's end; glue: the bytes it stands for */
    uint32_t ws;        /* flagged penalty: the word's start */
    cvu pen0, shift;    /* box: pen position of byte a; glyph origin offset */
    uint16_t face;      /* flagged penalty: the hyphen glyph */
    uint32_t gid;
    cvu size;
} cv_item;

typedef struct cv_kp_params {
    int threshold;      /* the largest badness accepted (INF_BAD 10000 accepts any) */
    int line_penalty;
    int max_hyphen_run; /* hyphenated lines in a row, at most */
    int64_t double_hyphen_demerits, final_hyphen_demerits, adj_demerits;
    cvu rightskip_stretch; /* ragged right: stretch at each line end */
    cvu emergency_stretch; /* counted in badness only (TeX's \emergencystretch) */
    bool final_pass;    /* never give up: take the least bad break even when none fits */
} cv_kp_params;

typedef CV_VEC(size_t) cv_sizes;
/* Chooses breaks (item indices, the last being the paragraph's final forced break).
 * 0 on success, 1 when no breaks fit the threshold, -1 on OOM. */
int cv_knuth_plass(const cv_item *items, size_t n, cvu measure, const cv_kp_params *p,
                   cv_sizes *breaks);

/* ---- faces and shaping (shape.c, HarfBuzz) -------------------------------------------- */

typedef struct cv_face cv_face;

typedef struct cv_face_info {
    int upem;
    int ascender, descender, cap_height; /* font units; descender negative */
    int bbox[4];
    int italic_angle;   /* degrees */
    bool cff;           /* outlines in a CFF table (else glyf) */
    bool color;         /* colour bitmap glyphs (CBDT): embedded as images in a Type3 font */
    unsigned nglyphs;
    char psname[64];
} cv_face_info;

/* Opens face `index` of a font file (mapped, not copied). NULL on failure. */
cv_face *cv_face_open(const char *path, unsigned index);
void cv_face_free(cv_face *face);
bool cv_face_has(const cv_face *face, uint32_t cp);
const cv_face_info *cv_face_get_info(const cv_face *face);
int cv_face_advance(const cv_face *face, uint32_t gid); /* font units */
void *cv_face_hb(const cv_face *face);                  /* the hb_face_t, for subset.c */
/* Appends the glyph's outline as PDF path operators (m l c h) in font units. */
int cv_face_outline(const cv_face *face, uint32_t gid, cv_buf *out);
/* Horizontal ink extent of a glyph in font units; false for a blank glyph. */
bool cv_face_ink(const cv_face *face, uint32_t gid, int *x0, int *x1);
/* The nominal glyph of cp, 0 when the face has none. */
uint32_t cv_face_glyph(const cv_face *face, uint32_t cp);

typedef struct cv_sglyph {
    uint32_t gid;
    uint32_t cluster; /* byte offset into the text of the first character of the cluster */
    cvu adv, dx, dy;
} cv_sglyph;
typedef CV_VEC(cv_sglyph) cv_sglyphs;

/* Scratch space for shaping (a HarfBuzz buffer): one per layout, never shared by threads. */
typedef struct cv_shaper cv_shaper;
cv_shaper *cv_shaper_new(void);
void cv_shaper_free(cv_shaper *sh);
/* Shapes text[off, off+len) (the rest is context) at size, appending to out. */
int cv_shape(cv_shaper *sh, cv_face *face, cvu size, const char *text, size_t text_len, size_t off,
             size_t len, const char *lang, cv_sglyphs *out);
/* What a face remembers of its use, so renders sharing it through a cvpdf_cache make each
 * thing once: the runs it shaped (shape.c), its recent subsets (subset.c) and its encoded
 * colour emoji (emoji.c). Locked
 * until cv_face_memo_unlock. */
typedef struct cv_subset_memo cv_subset_memo;
typedef struct cv_emoji_memo cv_emoji_memo;
typedef struct cv_shape_memo cv_shape_memo;
typedef struct cv_face_memos {
    cv_subset_memo *subsets;
    cv_emoji_memo *emoji;
    cv_shape_memo *shapes; /* shape.c: the runs shaped, in font units */
} cv_face_memos;
cv_face_memos *cv_face_memo_lock(cv_face *face);
void cv_face_memo_unlock(cv_face *face);
void cv_subset_memo_free(cv_subset_memo *memo);
void cv_emoji_memo_free(cv_emoji_memo *memo);
void cv_shape_memo_free(cv_shape_memo *memo);

/* ---- the font set (font.c, fontconfig) ----------------------------------------------- */

enum cv_emoji_mode { CV_EMOJI_COLOR, CV_EMOJI_MONO, CV_EMOJI_NONE };

typedef struct cv_style cv_style;

enum cv_role {
    CV_F_REGULAR, CV_F_BOLD, CV_F_ITALIC, CV_F_BOLDITALIC,
    CV_F_MONO, CV_F_MONOBOLD,
    CV_F_CJK, CV_F_CJKBOLD,
    CV_F_HEADING,
    CV_F_EMOJI,
    CV_F_NROLES
};

typedef struct cv_fonts cv_fonts;
/* The faces of a style's families for a language (bundled in fonts_dir, else fontconfig). */
cv_fonts *cv_fonts_new(cv_ctx *ctx, const char *fonts_dir, const char *lang, const cv_style *st);
/* The file and face index of a face. */
const char *cv_fonts_path(const cv_fonts *fonts, int id, unsigned *index);
/* Whether a family the style names could not be found (reported with its Debian package). */
bool cv_fonts_failed(const cv_fonts *fonts);
void cv_fonts_free(cv_fonts *fonts);
/* The face for a role, loaded on first use; -1 when it cannot be found (reported once). */
int cv_fonts_role(cv_fonts *fonts, int role);
/* A face that covers cp, searched through fontconfig; -1 when none does. */
int cv_fonts_fallback(cv_fonts *fonts, uint32_t cp, bool bold);
cv_face *cv_fonts_face(cv_fonts *fonts, int id);
int cv_fonts_count(const cv_fonts *fonts);

/* ---- what renders share (cache.c): see cvpdf_cache in cvpdf.h ------------------------- */

/* The face (path, index), opened on first use and owned by the cache; NULL if it cannot be
 * opened. */
cv_face *cv_cache_face(cvpdf_cache *c, const char *path, unsigned index);
/* A remembered fontconfig answer for key: 1 with path and index set, 0 when the answer was
 * "none", -1 when not known yet. */
int cv_cache_match(cvpdf_cache *c, const char *key, char *path, size_t path_size, unsigned *index);
void cv_cache_match_put(cvpdf_cache *c, const char *key, const char *path, unsigned index);
/* The language's hyphenation dictionary (NULL: none), owned by the cache unless *owned. */
cv_hyph *cv_cache_hyph(cvpdf_cache *c, const char *lang, bool *owned);

/* ---- layout (layout.c): blocks to a vertical list of lines ----------------------------- */

struct cv_style {
    cvu page_w, page_h, margin_l, margin_r, margin_t, margin_b;
    cvu body_size, leading_num, leading_den; /* line height = size * num / den */
    cvu code_size;
    cvu h_size[6];
    cvu h_space_before[6], h_space_after[6];
    cvu para_space, list_indent, quote_indent, marker_gap;
    cvu footer_size;
    uint32_t text_color, heading_color, accent_color, rule_color, link_color, muted_color;
    cvu image_max_h;   /* the tallest an image may be */
    cvu cell_pad_x, cell_pad_y;
    uint32_t table_rule_color, table_header_fill;
    bool justify;    /* paragraphs set flush on both sides (headings and code stay ragged) */
    bool hyphenate;  /* when the language has patterns */
    bool h2_upper;   /* section headings in capitals */
    bool h2_rule;    /* a rule under section headings, in the accent colour */
    int name_align, contact_align; /* the header block: the first heading and the line after */
    bool page_numbers, footer_name;
    int emoji;       /* enum cv_emoji_mode */
    char font_body[64], font_heading[64], font_code[64], font_cjk[64];
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

/* How a glyph reaches the PDF. A hyphenated word must extract whole ("collaborated", not
 * "collab-" and "orated"), in extractors with and without /ActualText support (MuPDF 1.21
 * has none): its head stays text and is followed by the rest of the word as invisible text
 * squeezed to no width; the visible hyphen and tail are drawn as outlines, which no
 * extractor reads. */
enum cv_glyph_mode { CV_GM_TEXT, CV_GM_INVISIBLE, CV_GM_PATH };

/* A glyph placed on a line: x from the line's left edge, dy from the baseline (up). */
typedef struct cv_lglyph {
    cvu x, dy, size;
    uint32_t gid;
    uint16_t face;
    uint16_t ncl;      /* on a cluster's first glyph: glyphs in the cluster; else 0 */
    uint32_t color;
    const char *text;  /* the cluster's source text (first glyph only) */
    uint32_t tlen;
    uint8_t mode;      /* enum cv_glyph_mode */
    int32_t image;     /* >= 0: not a glyph but image `image` of the model, iw × ih, its
                        * bottom on the baseline */
    cvu iw, ih;
    /* On the first glyph of a hyphenated word's head: the head and its invisible tail (aspan
     * glyphs) are also marked /ActualText atext[0..alen), for extractors that prefer it */
    uint16_t aspan;
    const char *atext;
    uint32_t alen;
} cv_lglyph;

/* A rule or a filled rectangle of a line item (table borders and header shading): x from
 * the item's left edge, y down from its top. */
typedef struct cv_lrule {
    cvu x0, y0, x1, y1, width;
    uint32_t color;
    bool fill;
} cv_lrule;

typedef struct cv_lbox {
    cvu x0, x1, top, bottom; /* relative to the line's left edge and baseline (up) */
    int32_t link;
} cv_lbox;

enum cv_vkind { CV_V_LINE, CV_V_SPACE, CV_V_RULE, CV_V_MARK };

typedef struct cv_vitem {
    int kind;
    cvu height;      /* vertical advance */
    cvu ascent;      /* LINE: baseline below the item's top */
    cvu x0, x1;      /* LINE: left edge; RULE: extent; */
    cvu thickness;   /* RULE */
    uint32_t color;  /* RULE */
    size_t g0, g1;   /* LINE: glyphs [g0, g1) */
    size_t b0, b1;   /* LINE: link boxes [b0, b1) */
    int quote_depth; /* LINE: bars to draw at the left */
    bool keep_next;  /* no page break between this item and the next */
    int level;       /* MARK: outline level; title in text/tlen */
    const char *text;/* MARK: the title; LINE: its source text, for traces */
    uint32_t tlen;
    cvu width;       /* LINE: the set width */
    int32_t ratio;   /* LINE: glue set ratio in thousandths (+ stretched, - shrunk) */
    bool hyphen;     /* LINE: ends with a hyphenation hyphen */
    uint16_t glue_n[5]; /* LINE: glue by enum cv_glue_role, and their set widths, for traces */
    cvu glue_w[5];
    size_t r0, r1;   /* LINE: its rules and fills */
    int32_t table;   /* LINE: a table row: 1 + the table's index, else 0 */
    bool table_header; /* a header row, repeated at the top of each page the table runs onto */
} cv_vitem;

typedef struct cv_vlist {
    CV_VEC(cv_vitem) items;
    CV_VEC(cv_lglyph) glyphs;
    CV_VEC(cv_lbox) boxes;
    CV_VEC(cv_lrule) rules;
    CV_VEC(char *) strings; /* text the items point into that no earlier stage owns */
} cv_vlist;

typedef struct cv_layout cv_layout;
/* hyph: the document language's hyphenation dictionary, owned by the caller and shared by
 * every layout of one render (the --fit-pages trials too), or NULL */
cv_layout *cv_layout_new(cv_ctx *ctx, cv_fonts *fonts, const cv_style *st, const char *lang, cv_hyph *hyph);
void cv_layout_free(cv_layout *lay);
/* The model is kept for its images and tables. */
int cv_layout_model(cv_layout *lay, const cv_model *model, cv_vlist *out);
/* Lays out one line of plain text (no breaking) in the regular face; appends glyphs to out
 * and returns its width, or -1. */
cvu cv_layout_text(cv_layout *lay, const char *text, size_t len, cvu size, uint32_t color,
                   cv_vlist *out);
void cv_vlist_free(cv_vlist *vl);
/* Which face each character got (with "fonts-report" on), as text. */
void cv_layout_fonts_report(const cv_layout *lay, cv_buf *out);
/* The document's name (its first level-1 heading), for a footer; NULL when none. */
const char *cv_layout_name(const cv_layout *lay, size_t *len);

/* ---- pages (paginate.c) --------------------------------------------------------------- */

typedef struct cv_pglyph {
    cvu x, y; /* baseline position from the page's top-left, y downwards */
    cvu size;
    uint32_t gid;
    uint16_t face, ncl;
    uint32_t color;
    const char *text;
    uint32_t tlen;
    uint8_t mode;   /* enum cv_glyph_mode */
    int32_t image;  /* as in cv_lglyph */
    cvu iw, ih;
    uint16_t aspan; /* as in cv_lglyph */
    const char *atext;
    uint32_t alen;
} cv_pglyph;

typedef struct cv_prule {
    cvu x0, y0, x1, y1, width;
    uint32_t color;
    bool fill;      /* a filled rectangle with corners (x0, y0) and (x1, y1) */
} cv_prule;

typedef struct cv_plink {
    cvu x0, y0, x1, y1; /* y downwards */
    int32_t link;
} cv_plink;

typedef struct cv_pmark {
    int level;
    cvu y;
    const char *text;
    uint32_t tlen;
} cv_pmark;

/* A line as placed, for traces. */
typedef struct cv_pline {
    cvu x, y, width;
    int32_t ratio;
    bool hyphen;
    const char *text;
    uint32_t tlen;
    uint16_t glue_n[5];
    cvu glue_w[5];
} cv_pline;


typedef struct cv_page {
    cvu used;        /* the height its content takes */
    CV_VEC(cv_pline) lines;
    CV_VEC(cv_pglyph) glyphs;
    CV_VEC(cv_prule) rules;
    CV_VEC(cv_plink) links;
    CV_VEC(cv_pmark) marks;
} cv_page;

typedef struct cv_pages {
    CV_VEC(cv_page) pages;
    CV_VEC(char *) strings; /* text the pages point into that no earlier stage owns */
    cvu width, height;
} cv_pages;

/* A readable dump of the laid-out pages (trace.c): lines, breaks, hyphens, glue, rules and
 * marks, in points with two decimals; for golden tests. */
int cv_trace(const cv_pages *pages, cv_buf *out);

int cv_paginate(cv_ctx *ctx, cv_layout *lay, const cv_style *st, const cv_vlist *vl,
                cv_pages *out);
void cv_pages_free(cv_pages *pages);

/* ---- subsetting (subset.c, hb-subset) and CFF (cff.c) --------------------------------- */

enum cv_font_kind { CV_FK_TRUETYPE, CV_FK_CFF, CV_FK_CFF_CID };

typedef struct cv_subset {
    unsigned char *data; /* FontFile2 (whole sfnt) or FontFile3 (bare CFF): while it is made */
    size_t len;          /* its length, kept */
    unsigned char *zdata; /* data zlib-compressed, for /FlateDecode: what is embedded and remembered */
    size_t zlen;
    int kind;
    uint32_t *codes;     /* codes[i]: the PDF code (new GID or CID) of gids[i] */
} cv_subset;

int cv_subset_face(cv_face *face, const uint32_t *gids, size_t n, cv_subset *out);
/* Whether the face remembers the subset of exactly these glyphs. */
bool cv_subset_known(cv_face *face, const uint32_t *gids, size_t n);
void cv_subset_free(cv_subset *s);

/* For a CFF table: *is_cid tells whether it is CID-keyed; when it is, cids[gid] receives the
 * CID of each of nglyphs glyphs. 0 on success, -1 on a malformed table. */
int cv_cff_charset(const unsigned char *cff, size_t len, unsigned nglyphs, bool *is_cid,
                   uint16_t *cids);

/* ---- the PDF (pdf.c, pdffont.c: libharu) ---------------------------------------------- */

typedef struct cv_docinfo {
    const char *title, *author, *lang, *producer;
    long long date; /* -1: none */
    const char *const *links; /* NULL entries are not clickable */
    size_t nlinks;
    const cv_image *images;
    size_t nimages;
} cv_docinfo;

int cv_pdf_write(cv_ctx *ctx, cv_fonts *fonts, const cv_pages *pages, const cv_docinfo *info,
                 unsigned char **out, size_t *out_len);

/* pdffont.c: the font objects of one face, built after the pages are laid out. */
typedef struct cv_pdffont cv_pdffont;
typedef struct cv_pdfdoc cv_pdfdoc; /* the libharu document, seen as opaque by callers */

#endif
