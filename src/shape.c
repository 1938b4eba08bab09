/* shape.c: font faces and text shaping with HarfBuzz (its only client besides hb-subset in
 * subset.c).
 *
 * Font files are memory-mapped by hb_blob_create_from_file, so opening the 65,535-glyph CJK
 * collection costs a page-in of the tables actually read, not a copy. Shaping happens in
 * font units (the font's scale is its units per em) and is scaled once to cvu, so positions
 * do not depend on a size-dependent rounding inside HarfBuzz.
 */
#include <stdlib.h>
#include <string.h>

#include <hb-ot.h>
#include <hb.h>

#include "diskcache.h"
#include "shape.h"

/* Read-only once opened, so renders on several threads may share a face (cvpdf_cache): the
 * shaping buffer is the caller's (cv_shaper), and what is remembered of a face's use lives in
 * the memos of the stage that makes it (memo.c), not in the face. */
struct cv_face {
    hb_blob_t *blob;
    hb_face_t *face;
    hb_font_t *font;
    cv_face_info info;
    uint8_t latin1[32]; /* U+0000-00FF the face maps, a bit each: the coverage asked most */
    unsigned index;
    char path[]; /* the file, as opened */
};

/* The runs a face shaped, kept in the cache directory (see "the runs kept" below): per face
 * the render uses, whether its kept runs were read, and the runs it shaped that were not
 * there, to be added when the shaper is freed. */
#define MAX_JOURNALS 32
typedef struct journal {
    const cv_face *face;
    cv_buf fresh; /* records, as in the entry */
} journal;

struct cv_shaper {
    hb_buffer_t *buf;
    cv_memo *memo; /* the runs shaped, or NULL */
    const char *disk, *doc;
    journal j[MAX_JOURNALS];
    int nj;
};

static void journal_flush(cv_shaper *sh, journal *j);

cv_shaper *cv_shaper_new(cv_memo *memo, const char *disk, const char *doc)
{
    cv_shaper *sh = calloc(1, sizeof *sh);
    if (sh) {
        sh->memo = memo;
        sh->disk = memo && doc ? disk : NULL;
        sh->doc = doc;
    }
    if (sh && !hb_buffer_allocation_successful(sh->buf = hb_buffer_create())) {
        hb_buffer_destroy(sh->buf);
        free(sh);
        return NULL;
    }
    return sh;
}

void cv_shaper_free(cv_shaper *sh)
{
    if (!sh)
        return;
    for (int i = 0; i < sh->nj; i++) {
        journal_flush(sh, &sh->j[i]);
        cv_buf_free(&sh->j[i].fresh);
    }
    hb_buffer_destroy(sh->buf);
    free(sh);
}

static int16_t be16(const unsigned char *p) { return (int16_t)((p[0] << 8) | p[1]); }

cv_face *cv_face_open(const char *path, unsigned index)
{
    hb_blob_t *blob = hb_blob_create_from_file_or_fail(path);
    if (!blob)
        return NULL;
    size_t pl = strlen(path);
    cv_face *f = calloc(1, sizeof *f + pl + 1);
    if (!f) {
        hb_blob_destroy(blob);
        return NULL;
    }
    memcpy(f->path, path, pl + 1);
    f->index = index;
    f->blob = blob;
    f->face = hb_face_create(blob, index);
    f->info.nglyphs = hb_face_get_glyph_count(f->face);
    if (f->info.nglyphs == 0) {
        cv_face_free(f);
        return NULL;
    }
    f->font = hb_font_create(f->face);
    for (uint32_t cp = 0; cp < 256; cp++) {
        hb_codepoint_t g;
        if (hb_font_get_nominal_glyph(f->font, cp, &g) && g != 0)
            f->latin1[cp >> 3] |= (uint8_t)(1u << (cp & 7));
    }
    cv_face_info *in = &f->info;
    in->upem = (int)hb_face_get_upem(f->face);
    hb_font_set_scale(f->font, in->upem, in->upem);
    hb_position_t v;
    if (hb_ot_metrics_get_position(f->font, HB_OT_METRICS_TAG_HORIZONTAL_ASCENDER, &v))
        in->ascender = v;
    if (hb_ot_metrics_get_position(f->font, HB_OT_METRICS_TAG_HORIZONTAL_DESCENDER, &v))
        in->descender = v;
    if (hb_ot_metrics_get_position(f->font, HB_OT_METRICS_TAG_CAP_HEIGHT, &v))
        in->cap_height = v;
    else
        in->cap_height = in->ascender * 7 / 10;
    hb_blob_t *head = hb_face_reference_table(f->face, HB_TAG('h', 'e', 'a', 'd'));
    unsigned hl;
    const unsigned char *hd = (const unsigned char *)hb_blob_get_data(head, &hl);
    if (hl >= 44)
        for (int k = 0; k < 4; k++)
            in->bbox[k] = be16(hd + 36 + 2 * k);
    hb_blob_destroy(head);
    hb_blob_t *post = hb_face_reference_table(f->face, HB_TAG('p', 'o', 's', 't'));
    const unsigned char *pd = (const unsigned char *)hb_blob_get_data(post, &hl);
    if (hl >= 8)
        in->italic_angle = be16(pd + 4);
    hb_blob_destroy(post);
    hb_blob_t *cbdt = hb_face_reference_table(f->face, HB_TAG('C', 'B', 'D', 'T'));
    in->color = hb_blob_get_length(cbdt) > 0;
    hb_blob_destroy(cbdt);
    hb_blob_t *cff = hb_face_reference_table(f->face, HB_TAG('C', 'F', 'F', ' '));
    in->cff = hb_blob_get_length(cff) > 0;
    hb_blob_destroy(cff);
    unsigned int nl = sizeof in->psname;
    if (!hb_ot_name_get_utf8(f->face, HB_OT_NAME_ID_POSTSCRIPT_NAME, HB_LANGUAGE_INVALID, &nl,
                             in->psname) || !in->psname[0])
        strcpy(in->psname, "Font");
    /* a PostScript name is printable ASCII without delimiters */
    for (char *c = in->psname; *c; c++)
        if (*c <= ' ' || *c > '~' || strchr("()<>[]{}/%#", *c))
            *c = '-';
    return f;
}

void cv_face_free(cv_face *f)
{
    if (!f)
        return;
    hb_font_destroy(f->font);
    hb_face_destroy(f->face);
    hb_blob_destroy(f->blob);
    free(f);
}

bool cv_face_has(const cv_face *f, uint32_t cp)
{
    if (cp < 256)
        return (f->latin1[cp >> 3] >> (cp & 7)) & 1;
    hb_codepoint_t g;
    return hb_font_get_nominal_glyph(f->font, cp, &g) && g != 0;
}

const cv_face_info *cv_face_get_info(const cv_face *f) { return &f->info; }

const char *cv_face_path(const cv_face *f, unsigned *index)
{
    *index = f->index;
    return f->path;
}

int cv_face_advance(const cv_face *f, uint32_t gid)
{
    return (int)hb_font_get_glyph_h_advance(f->font, gid);
}

void *cv_face_hb(const cv_face *f) { return f->face; }

/* Outlines to PDF path operators. HarfBuzz gives quadratic segments for TrueType; PDF has
 * only cubic ones, so each becomes the equivalent cubic (control points at 2/3). */
typedef struct outline_ctx {
    cv_buf *b;
    float x, y;
} outline_ctx;

static void put_pt(cv_buf *b, float x, float y)
{
    cv_buf_fixed(b, (int64_t)(x * 65536.0f), 2);
    cv_buf_puts(b, " ");
    cv_buf_fixed(b, (int64_t)(y * 65536.0f), 2);
    cv_buf_puts(b, " ");
}

static void o_move(hb_draw_funcs_t *d, void *p, hb_draw_state_t *st, float x, float y, void *u)
{
    (void)d, (void)st, (void)u;
    outline_ctx *o = p;
    put_pt(o->b, x, y);
    cv_buf_puts(o->b, "m\n");
    o->x = x, o->y = y;
}

static void o_line(hb_draw_funcs_t *d, void *p, hb_draw_state_t *st, float x, float y, void *u)
{
    (void)d, (void)st, (void)u;
    outline_ctx *o = p;
    put_pt(o->b, x, y);
    cv_buf_puts(o->b, "l\n");
    o->x = x, o->y = y;
}

static void o_quad(hb_draw_funcs_t *d, void *p, hb_draw_state_t *st, float cx, float cy, float x,
                   float y, void *u)
{
    (void)d, (void)st, (void)u;
    outline_ctx *o = p;
    put_pt(o->b, o->x + 2.0f / 3.0f * (cx - o->x), o->y + 2.0f / 3.0f * (cy - o->y));
    put_pt(o->b, x + 2.0f / 3.0f * (cx - x), y + 2.0f / 3.0f * (cy - y));
    put_pt(o->b, x, y);
    cv_buf_puts(o->b, "c\n");
    o->x = x, o->y = y;
}

static void o_cubic(hb_draw_funcs_t *d, void *p, hb_draw_state_t *st, float c1x, float c1y,
                    float c2x, float c2y, float x, float y, void *u)
{
    (void)d, (void)st, (void)u;
    outline_ctx *o = p;
    put_pt(o->b, c1x, c1y);
    put_pt(o->b, c2x, c2y);
    put_pt(o->b, x, y);
    cv_buf_puts(o->b, "c\n");
    o->x = x, o->y = y;
}

static void o_close(hb_draw_funcs_t *d, void *p, hb_draw_state_t *st, void *u)
{
    (void)d, (void)st, (void)u;
    outline_ctx *o = p;
    cv_buf_puts(o->b, "h\n");
}

int cv_face_outline(const cv_face *f, uint32_t gid, cv_buf *out)
{
    hb_draw_funcs_t *df = hb_draw_funcs_create();
    hb_draw_funcs_set_move_to_func(df, o_move, NULL, NULL);
    hb_draw_funcs_set_line_to_func(df, o_line, NULL, NULL);
    hb_draw_funcs_set_quadratic_to_func(df, o_quad, NULL, NULL);
    hb_draw_funcs_set_cubic_to_func(df, o_cubic, NULL, NULL);
    hb_draw_funcs_set_close_path_func(df, o_close, NULL, NULL);
    outline_ctx o = {out, 0, 0};
    hb_font_get_glyph_shape(f->font, gid, df, &o);
    hb_draw_funcs_destroy(df);
    return out->oom ? -1 : 0;
}

bool cv_face_ink(const cv_face *f, uint32_t gid, int *x0, int *x1)
{
    hb_glyph_extents_t e;
    if (!hb_font_get_glyph_extents(f->font, gid, &e) || e.width == 0)
        return false;
    *x0 = e.x_bearing;
    *x1 = e.x_bearing + e.width;
    return true;
}

bool cv_face_box(const cv_face *f, uint32_t gid, int *x0, int *y0, int *x1, int *y1)
{
    hb_glyph_extents_t e;
    if (!hb_font_get_glyph_extents(f->font, gid, &e) || (e.width == 0 && e.height == 0))
        return false;
    *x0 = e.x_bearing;
    *x1 = e.x_bearing + e.width;
    *y1 = e.y_bearing;            /* (HarfBuzz: y_bearing is the top, height negative) */
    *y0 = e.y_bearing + e.height;
    return true;
}

bool cv_face_has_math(const cv_face *f) { return hb_ot_math_has_data(f->face); }

int cv_math_constant(const cv_face *f, cv_math_const c)
{
    static const hb_ot_math_constant_t map[CV_MC_N] = {
        HB_OT_MATH_CONSTANT_SCRIPT_PERCENT_SCALE_DOWN, HB_OT_MATH_CONSTANT_SCRIPT_SCRIPT_PERCENT_SCALE_DOWN,
        HB_OT_MATH_CONSTANT_AXIS_HEIGHT, HB_OT_MATH_CONSTANT_ACCENT_BASE_HEIGHT,
        HB_OT_MATH_CONSTANT_SUBSCRIPT_SHIFT_DOWN, HB_OT_MATH_CONSTANT_SUBSCRIPT_TOP_MAX,
        HB_OT_MATH_CONSTANT_SUBSCRIPT_BASELINE_DROP_MIN, HB_OT_MATH_CONSTANT_SUPERSCRIPT_SHIFT_UP,
        HB_OT_MATH_CONSTANT_SUPERSCRIPT_SHIFT_UP_CRAMPED, HB_OT_MATH_CONSTANT_SUPERSCRIPT_BOTTOM_MIN,
        HB_OT_MATH_CONSTANT_SUPERSCRIPT_BASELINE_DROP_MAX, HB_OT_MATH_CONSTANT_SUB_SUPERSCRIPT_GAP_MIN,
        HB_OT_MATH_CONSTANT_SUPERSCRIPT_BOTTOM_MAX_WITH_SUBSCRIPT, HB_OT_MATH_CONSTANT_SPACE_AFTER_SCRIPT,
        HB_OT_MATH_CONSTANT_UPPER_LIMIT_GAP_MIN, HB_OT_MATH_CONSTANT_UPPER_LIMIT_BASELINE_RISE_MIN,
        HB_OT_MATH_CONSTANT_LOWER_LIMIT_GAP_MIN, HB_OT_MATH_CONSTANT_LOWER_LIMIT_BASELINE_DROP_MIN,
        HB_OT_MATH_CONSTANT_FRACTION_NUMERATOR_SHIFT_UP, HB_OT_MATH_CONSTANT_FRACTION_NUMERATOR_DISPLAY_STYLE_SHIFT_UP,
        HB_OT_MATH_CONSTANT_FRACTION_DENOMINATOR_SHIFT_DOWN,
        HB_OT_MATH_CONSTANT_FRACTION_DENOMINATOR_DISPLAY_STYLE_SHIFT_DOWN,
        HB_OT_MATH_CONSTANT_FRACTION_NUMERATOR_GAP_MIN, HB_OT_MATH_CONSTANT_FRACTION_NUM_DISPLAY_STYLE_GAP_MIN,
        HB_OT_MATH_CONSTANT_FRACTION_RULE_THICKNESS, HB_OT_MATH_CONSTANT_FRACTION_DENOMINATOR_GAP_MIN,
        HB_OT_MATH_CONSTANT_FRACTION_DENOM_DISPLAY_STYLE_GAP_MIN, HB_OT_MATH_CONSTANT_RADICAL_VERTICAL_GAP,
        HB_OT_MATH_CONSTANT_RADICAL_DISPLAY_STYLE_VERTICAL_GAP, HB_OT_MATH_CONSTANT_RADICAL_RULE_THICKNESS,
        HB_OT_MATH_CONSTANT_RADICAL_EXTRA_ASCENDER, HB_OT_MATH_CONSTANT_DISPLAY_OPERATOR_MIN_HEIGHT,
        HB_OT_MATH_CONSTANT_DELIMITED_SUB_FORMULA_MIN_HEIGHT};
    return c < CV_MC_N ? (int)hb_ot_math_get_constant(f->font, map[c]) : 0;
}

int cv_math_italic(const cv_face *f, uint32_t gid) { return (int)hb_ot_math_get_glyph_italics_correction(f->font, gid); }

int cv_math_top_accent(const cv_face *f, uint32_t gid)
{
    /* HarfBuzz answers half the advance when the glyph has none */
    return (int)hb_ot_math_get_glyph_top_accent_attachment(f->font, gid);
}

int cv_math_variants(const cv_face *f, uint32_t gid, bool vertical, uint32_t *gids, int *sizes, int max)
{
    hb_ot_math_glyph_variant_t v[32];
    unsigned n = max > 32 ? 32 : (unsigned)max;
    hb_ot_math_get_glyph_variants(f->font, gid, vertical ? HB_DIRECTION_TTB : HB_DIRECTION_LTR, 0, &n, v);
    for (unsigned i = 0; i < n; i++) {
        gids[i] = v[i].glyph;
        sizes[i] = (int)v[i].advance;
    }
    return (int)n;
}

uint32_t cv_face_glyph(const cv_face *f, uint32_t cp)
{
    hb_codepoint_t g;
    return hb_font_get_nominal_glyph(f->font, cp, &g) ? g : 0;
}

/* ---- the shaping memo ----------------------------------------------------------------
 *
 * Shaping is in font units, so its result depends on the face, the language, the run and the
 * few characters around it that HarfBuzz looks at (HB_BUFFER_CONTEXT_LENGTH, 5 each side),
 * not on the size. The shaper's memo (memo.c) remembers the runs shaped: a document shapes
 * each distinct run once however often it repeats or is laid out again (--fit-pages tries
 * several sizes), and through a cvpdf_cache an edited résumé shapes only the paragraphs that
 * changed. */

#define SHAPE_CONTEXT 5
#define SHAPE_MAX_RUN 4096 /* longer runs are shaped each time */

typedef struct shaped_glyph {
    uint32_t gid, cluster; /* cluster: bytes from the run's start */
    int32_t adv, dx, dy;   /* font units */
} shaped_glyph;

/* What the memo holds for a run: its glyphs, in one block. */
typedef struct shaped_run {
    uint32_t n;
    shaped_glyph g[];
} shaped_run;

/* The key: the face, the language, then the run with its context, and where the run starts
 * and ends in it. */
static int shape_key(cv_key *k, const cv_face *f, const char *text, size_t text_len, size_t off, size_t len,
                     const char *lang, int how)
{
    size_t a = off, b = off + len;
    for (int i = 0; i < SHAPE_CONTEXT && a > 0; i++)
        do
            a--;
        while (a > 0 && ((unsigned char)text[a] & 0xC0) == 0x80);
    for (int i = 0; i < SHAPE_CONTEXT && b < text_len; i++)
        do
            b++;
        while (b < text_len && ((unsigned char)text[b] & 0xC0) == 0x80);
    uint32_t pre = (uint32_t)(off - a), run = (uint32_t)len | ((uint32_t)how << 30);
    cv_key_add_id(k, f);
    cv_key_add(k, lang ? lang : "", lang ? strlen(lang) + 1 : 1);
    cv_key_add(k, &pre, 4);
    cv_key_add(k, &run, 4);
    cv_key_add(k, text + a, b - a);
    return k->oom ? -1 : 0;
}

typedef struct emit_job {
    size_t off;
    cvu size;
    int upem;
    cv_sglyphs *out;
    int rc;
} emit_job;

static void emit(const shaped_glyph *g, uint32_t n, emit_job *j)
{
    for (uint32_t i = 0; i < n && !j->rc; i++) {
        cv_sglyph o = {g[i].gid, (uint32_t)j->off + g[i].cluster, (cvu)g[i].adv * j->size / j->upem,
                       (cvu)g[i].dx * j->size / j->upem, (cvu)g[i].dy * j->size / j->upem};
        if (CV_PUSH(*j->out, o))
            j->rc = -1;
    }
}

static void emit_remembered(void *value, void *user)
{
    const shaped_run *r = value;
    emit(r->g, r->n, user);
}

/* A right-to-left run comes from HarfBuzz in visual order, its clusters descending: it is put
 * back in logical order, so that pen positions grow with the text as in a left-to-right run
 * (a line is reordered only when it is set, setline.c) and a cluster's glyphs follow its
 * characters (the base before its marks, which the ToUnicode map pairs one to one). Each
 * glyph keeps where it is drawn: its offset is restated from its cluster's left edge. */
static void to_logical(shaped_glyph *g, unsigned n)
{
    for (unsigned i = 0; i < n;) { /* offsets from the cluster's left edge, in visual order */
        int32_t pen = 0;
        unsigned m = i;
        for (; m < n && g[m].cluster == g[i].cluster; m++) {
            g[m].dx += pen;
            pen += g[m].adv;
        }
        i = m;
    }
    for (unsigned i = 0, j = n ? n - 1 : 0; i < j; i++, j--) {
        shaped_glyph t = g[i];
        g[i] = g[j];
        g[j] = t;
    }
    for (unsigned i = 0; i < n;) { /* and back to offsets from the pen, in the new order */
        int32_t pen = 0;
        unsigned m = i;
        for (; m < n && g[m].cluster == g[i].cluster; m++) {
            g[m].dx -= pen;
            pen += g[m].adv;
        }
        i = m;
    }
}

/* ---- the runs kept between processes (diskcache.c) ------------------------------------
 * A fresh process pays for HarfBuzz's first use of each face (its layout tables read, its
 * shaping plans made): a sixth of a 25 ms run of a résumé. The runs a face shaped for a
 * document are kept in one entry per document (by its name) and face file (by identity,
 * diskcache.c), read into the memo when a render of the document first shapes with the
 * face, so that a run shaped by an earlier process is not shaped again; a render adds the
 * runs it shaped that were not there (an edit: a few). Per document, so that a résumé does
 * not read the runs of every other document shaped with Inter. An entry is a list of
 * records: the memo key after the face (u32 length, bytes), the glyph count (u32), the
 * glyphs; at most JOURNAL_MAX bytes, the oldest records dropped beyond, and a document whose
 * new runs alone take half of that (a long one, for which reading them back would cost about
 * what shaping does) keeps none. Runs are a pure function of their key, so the PDF is the
 * same with the entries as without them. */
#define JOURNAL_MAX ((size_t)1 << 20)
#define ID_LEN sizeof(uintptr_t)

static int journal_key(cv_key *k, const cv_shaper *sh, const cv_face *f)
{
    cv_key_add(k, "shape-2", 8);
    if (cv_disk_key_file(k, f->path))
        return -1;
    cv_key_add(k, &f->index, sizeof f->index);
    cv_key_add(k, sh->doc, strlen(sh->doc) + 1);
    return k->oom ? -1 : 0;
}

/* The record at p[*at, n): its key and run; false at the end or on a damaged record. */
static bool next_record(const unsigned char *p, size_t n, size_t *at, const unsigned char **key, uint32_t *klen,
                        const unsigned char **glyphs, uint32_t *ng)
{
    if (n - *at < 8)
        return false;
    memcpy(klen, p + *at, 4);
    if (*klen > n - *at - 8)
        return false;
    *key = p + *at + 4;
    memcpy(ng, p + *at + 4 + *klen, 4);
    size_t gl = (size_t)*ng * sizeof(shaped_glyph);
    if (*ng > SHAPE_MAX_RUN * 4 || gl > n - *at - 8 - *klen)
        return false;
    *glyphs = p + *at + 8 + *klen;
    *at += 8 + *klen + gl;
    return true;
}

/* Whether a kept record can be what shaping made: its clusters inside its run (the layout
 * indexes the run's bytes by them) and its glyphs in the face. The key after the face: the
 * language (NUL-terminated), the context's length and the run's (u32 each), the text. */
static bool record_ok(const cv_face *f, const unsigned char *key, uint32_t klen, const unsigned char *glyphs, uint32_t ng)
{
    const unsigned char *z = memchr(key, 0, klen);
    if (!z || (size_t)(z - key) + 1 + 8 > klen)
        return false;
    uint32_t run;
    memcpy(&run, z + 5, 4);
    uint32_t len = run & ((1u << 30) - 1);
    for (uint32_t i = 0; i < ng; i++) {
        shaped_glyph g;
        memcpy(&g, glyphs + (size_t)i * sizeof g, sizeof g);
        if (g.cluster >= len || g.gid >= f->info.nglyphs)
            return false;
    }
    return true;
}

/* Reads the face's kept runs for the document into the memo, once per memo (a marker under
 * the face and document says); a record that cannot be right ends the reading. */
static void journal_load(cv_shaper *sh, const cv_face *f)
{
    cv_key mark = {0};
    cv_key_add(&mark, "journal", 8);
    cv_key_add_id(&mark, f);
    cv_key_add(&mark, sh->doc, strlen(sh->doc) + 1);
    bool done = mark.oom || cv_memo_find(sh->memo, mark.p, mark.len, NULL, NULL);
    cv_key dk = {0};
    unsigned char *data = NULL;
    size_t n = 0;
    if (!done && !journal_key(&dk, sh, f) && cv_disk_get(sh->disk, "shape", dk.p, dk.len, &data, &n) == 1) {
        size_t at = 0;
        const unsigned char *kp, *gp;
        uint32_t kl, ng;
        cv_key k = {0};
        while (next_record(data, n, &at, &kp, &kl, &gp, &ng) && record_ok(f, kp, kl, gp, ng)) {
            shaped_run *r = malloc(sizeof *r + (ng ? ng : 1) * sizeof *r->g);
            k.len = 0;
            cv_key_add_id(&k, f);
            cv_key_add(&k, kp, kl);
            if (!r || k.oom) {
                free(r);
                break;
            }
            r->n = ng;
            memcpy(r->g, gp, (size_t)ng * sizeof *r->g);
            cv_memo_put(sh->memo, k.p, k.len, r, sizeof *r + ng * sizeof *r->g);
        }
        cv_buf_free(&k);
    }
    free(data);
    cv_buf_free(&dk);
    if (!done) {
        char *v = malloc(1);
        if (v)
            cv_memo_put(sh->memo, mark.p, mark.len, v, 1);
    }
    cv_buf_free(&mark);
}

/* The face's journal, read on first use; NULL without a cache directory (or beyond
 * MAX_JOURNALS faces). */
static journal *journal_of(cv_shaper *sh, const cv_face *f)
{
    if (!sh->disk)
        return NULL;
    for (int i = 0; i < sh->nj; i++)
        if (sh->j[i].face == f)
            return &sh->j[i];
    if (sh->nj == MAX_JOURNALS)
        return NULL;
    journal *j = &sh->j[sh->nj++];
    j->face = f;
    journal_load(sh, f);
    return j;
}

static void journal_add(journal *j, const cv_key *key, const shaped_run *r)
{
    if (j->fresh.oom)
        return;
    if (j->fresh.len > JOURNAL_MAX / 2) { /* a long document: none kept (journal_flush) */
        cv_buf_free(&j->fresh);
        j->fresh.oom = true;
        return;
    }
    uint32_t kl = (uint32_t)(key->len - ID_LEN);
    cv_buf_add(&j->fresh, &kl, 4);
    cv_buf_add(&j->fresh, key->p + ID_LEN, kl);
    cv_buf_add(&j->fresh, &r->n, 4);
    cv_buf_add(&j->fresh, r->g, (size_t)r->n * sizeof *r->g);
}

/* Adds the runs shaped to the face's entry (as it is now: another process may have added
 * some), the oldest dropped beyond JOURNAL_MAX. */
static void journal_flush(cv_shaper *sh, journal *j)
{
    if (!j->fresh.len || j->fresh.oom || j->fresh.len > JOURNAL_MAX / 2)
        return;
    cv_key dk = {0};
    unsigned char *old = NULL;
    size_t n = 0;
    if (journal_key(&dk, sh, j->face) || cv_disk_get(sh->disk, "shape", dk.p, dk.len, &old, &n) < 0) {
        cv_buf_free(&dk);
        return;
    }
    size_t at = 0, keep = 0;
    const unsigned char *kp, *gp;
    uint32_t kl, ng;
    while (old && n - keep + j->fresh.len > JOURNAL_MAX && next_record(old, n, &at, &kp, &kl, &gp, &ng))
        keep = at;
    cv_buf all = {0};
    if (old)
        cv_buf_add(&all, old + keep, n - keep);
    cv_buf_add(&all, j->fresh.p, j->fresh.len);
    if (!all.oom)
        cv_disk_put(sh->disk, "shape", dk.p, dk.len, all.p, all.len);
    cv_buf_free(&all);
    free(old);
    cv_buf_free(&dk);
}

int cv_shape(cv_shaper *sh, cv_face *f, cvu size, const char *text, size_t text_len, size_t off, size_t len,
             const char *lang, int how, cv_sglyphs *out)
{
    bool rtl = how & CV_SHAPE_RTL;
    emit_job job = {off, size, f->info.upem, out, 0};
    journal *jr = sh->memo ? journal_of(sh, f) : NULL;
    cv_key key = {0};
    bool keyed = sh->memo && len <= SHAPE_MAX_RUN && !shape_key(&key, f, text, text_len, off, len, lang, how);
    if (keyed && cv_memo_find(sh->memo, key.p, key.len, emit_remembered, &job)) {
        cv_buf_free(&key);
        return job.rc;
    }
    hb_buffer_t *b = sh->buf;
    hb_buffer_clear_contents(b);
    hb_buffer_add_utf8(b, text, (int)text_len, (unsigned)off, (int)len);
    hb_buffer_set_direction(b, rtl ? HB_DIRECTION_RTL : HB_DIRECTION_LTR);
    /* a bidi block's runs drop the glyphs of default ignorables (the zero-width non-joiner of
     * every Persian compound, bidi controls): drawn as blank glyphs at their neighbour's
     * place, they split the word in poppler; their text stays with their cluster */
    hb_buffer_set_flags(b, how & CV_SHAPE_BIDI ? HB_BUFFER_FLAG_REMOVE_DEFAULT_IGNORABLES : HB_BUFFER_FLAG_DEFAULT);
    hb_buffer_guess_segment_properties(b);
    if (lang)
        hb_buffer_set_language(b, hb_language_from_string(lang, -1));
    hb_shape(f->font, b, NULL, 0);
    if (!hb_buffer_allocation_successful(b)) {
        cv_buf_free(&key);
        return -1;
    }
    unsigned n;
    hb_glyph_info_t *gi = hb_buffer_get_glyph_infos(b, &n);
    hb_glyph_position_t *gp = hb_buffer_get_glyph_positions(b, &n);
    shaped_run *r = malloc(sizeof *r + (n ? n : 1) * sizeof *r->g);
    if (!r) {
        cv_buf_free(&key);
        return -1;
    }
    r->n = n;
    for (unsigned i = 0; i < n; i++)
        r->g[i] = (shaped_glyph){gi[i].codepoint, (uint32_t)(gi[i].cluster - off), gp[i].x_advance, gp[i].x_offset,
                                 gp[i].y_offset};
    if (rtl)
        to_logical(r->g, n);
    emit(r->g, n, &job);
    /* remembered if memory allows: a failure here costs only the reuse */
    if (keyed && !job.rc) {
        if (jr)
            journal_add(jr, &key, r);
        cv_memo_put(sh->memo, key.p, key.len, r, sizeof *r + n * sizeof *r->g);
    } else {
        free(r);
    }
    cv_buf_free(&key);
    return job.rc;
}
