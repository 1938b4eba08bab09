/* items.c: a block's shaped clusters to the boxes, glue and penalties that line breaking
 * (linebreak.c) chooses among.
 *
 * The item list of a block, built from its shaped clusters:
 *   a run of spaces            glue (width w; justified: stretch w/2, shrink w/3), a break
 *                              where UAX #14 allows one after it;
 *   a break between two CJK    justified: glue (0, stretch 0.05 em); ragged: penalty 0;
 *   characters, or two words   (Thai, Lao, Khmer, Myanmar: ICU's dictionary boundaries)
 *   of a script without spaces
 *   Han beside a Latin letter  glue ¼ em, shrinkable to ⅛ em, stretchable to ⅜ em (clreq);
 *   or digit, with no space    never beside Hangul (Korean spaces its words itself)
 *   a full-width punctuation   the box holds its ink; the blank half beside it is a glue
 *   mark                       that vanishes at a line start (opening marks) or a line end
 *                              (closing marks), and that is dropped when two marks meet
 *                              ("）。" takes 1½ em). The blanks are measured from the glyph,
 *                              so Traditional Chinese faces, whose marks are centred, get
 *                              quarter-em blanks on both sides;
 *   a hyphenation point        penalty 50 carrying the hyphen's width, flagged;
 *   a forced break             fil glue, penalty −∞ (also ends the paragraph);
 *   a stretch wider than the   penalties at its grapheme boundaries, with a warning: the
 *   measure with no break      only way a line could otherwise be overfull.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout_int.h"

enum { P_NONE, P_OPEN, P_CLOSE };

static bool is_cjk_punct(uint32_t cp)
{
    return (cp >= 0x3001 && cp <= 0x3003) || (cp >= 0x3008 && cp <= 0x3011) ||
           (cp >= 0x3014 && cp <= 0x301F) || (cp >= 0x2018 && cp <= 0x201F) || cp == 0xFF01 ||
           cp == 0xFF08 || cp == 0xFF09 || cp == 0xFF0C || cp == 0xFF0E || cp == 0xFF1A ||
           cp == 0xFF1B || cp == 0xFF1F || cp == 0xFF3B || cp == 0xFF3D || cp == 0xFF5B ||
           cp == 0xFF5D;
}

static bool is_latin_alnum(uint32_t cp)
{
    return (cp < 0x80 && ((cp | 32) - 'a' < 26 || cp - '0' < 10)) ||
           (cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7);
}

typedef struct clus {
    uint32_t cs, ce;  /* bytes */
    size_t g0, g1;    /* glyphs in l->bg */
    cvu w, size;
    uint32_t first, last; /* code points */
    uint16_t face;
    int punct;        /* P_OPEN / P_CLOSE when a full-width mark with a blank half */
    cvu blank;        /* its trimmable blank */
} clus;

static void punct_class(cv_layout *l, clus *c)
{
    c->punct = P_NONE;
    c->blank = 0;
    if (c->g1 != c->g0 + 1 || c->first != c->last || !is_cjk_punct(c->first))
        return;
    const bglyph *g = &l->bg.v[c->g0];
    cv_face *f = cv_fonts_face(l->fonts, g->face);
    int x0, x1;
    if (!f || c->w < c->size * 3 / 4 || !cv_face_ink(f, g->gid, &x0, &x1))
        return;
    int upem = cv_face_get_info(f)->upem;
    cvu left = (cvu)x0 * c->size / upem, right = c->w - (cvu)x1 * c->size / upem;
    cvu em = c->size;
    if (right >= em / 5 && right >= left) {
        c->punct = P_CLOSE;
        c->blank = left < em * 3 / 20 ? right : right < em / 4 ? right : em / 4;
    } else if (left >= em / 5 && left > right) {
        c->punct = P_OPEN;
        c->blank = right < em * 3 / 20 ? left : left < em / 4 ? left : em / 4;
    }
    if (c->blank > em / 2)
        c->blank = em / 2;
    if (c->blank < 0)
        c->blank = 0;
}

static int push_item(cv_layout *l, cv_item it)
{
    if (CV_PUSH(l->items, it)) {
        l->ctx->oom = true;
        return -1;
    }
    return 0;
}

static int push_glue(cv_layout *l, int role, cvu w, cvu st, cvu sh, uint32_t a, uint32_t b, bool breakable)
{
    if (!breakable && l->items.n && l->items.v[l->items.n - 1].kind == CV_I_BOX) { /* NOLINT(clang-analyzer-core.NullDereference): v is set while n > 0 */
        cv_item p = {.kind = CV_I_PENALTY, .penalty = CV_PEN_INF};
        if (push_item(l, p))
            return -1;
    }
    cv_item g = {.kind = CV_I_GLUE, .role = (uint8_t)role, .width = w, .stretch = st, .shrink = sh, .a = a, .b = b};
    return push_item(l, g);
}

static int push_penalty(cv_layout *l, int pen, uint32_t at)
{
    cv_item p = {.kind = CV_I_PENALTY, .penalty = pen, .a = at, .b = at};
    return push_item(l, p);
}

/* The hyphen glyph of a face at a size (shaped, so it is the face's own hyphen). */
static int hyphen_glyph(cv_layout *l, uint16_t face, cvu size, uint32_t *gid, cvu *w)
{
    cv_face *f = cv_fonts_face(l->fonts, face);
    if (!f)
        return -1;
    uint32_t g = cv_face_glyph(f, '-');
    if (!g)
        return -1;
    *gid = g;
    *w = (cvu)cv_face_advance(f, g) * size / cv_face_get_info(f)->upem;
    return 0;
}

/* Hyphenation points of the block: hy[p] = 1 where a word may take a hyphen before byte p.
 * Only whole words of letters (no digits, no inner punctuation, at most one capital, not in
 * code or a link), never the paragraph's last word. */
void cv_lay_find_hyphens(cv_layout *l, const cv_block *blk, const uint8_t *brk, uint8_t *hy)
{
    size_t len = blk->len;
    const char *t = blk->text;
    memset(hy, 0, len + 1);
    if (!l->hyph)
        return;
    uint8_t pts[256];
    size_t last_word_start = 0;
    bool have_last = false;
    /* find the start of the last word, which is never hyphenated */
    for (size_t i = len; i > 0;) {
        uint32_t cp = cv_utf8_prev(t, i);
        size_t w = cv_utf8_size(cp);
        if (cv_char_is_letter(cp)) {
            size_t j = i - w;
            while (j > 0 && cv_char_is_letter(cv_utf8_prev(t, j))) {
                uint32_t c2 = cv_utf8_prev(t, j);
                j -= cv_utf8_size(c2);
            }
            last_word_start = j;
            have_last = true;
            break;
        }
        i = i >= w ? i - w : 0;
    }
    size_t seg = 0;
    size_t si = 0;
    for (size_t p = 1; p <= len; p++) {
        if (p < len && brk[p] == CV_BRK_NONE)
            continue;
        /* the segment [seg, p): its core word after leading and before trailing non-letters */
        size_t a = seg, b = p;
        seg = p;
        while (a < b) {
            size_t q = a;
            uint32_t cp = cv_utf8_next(t, b, &q);
            if (cv_char_is_letter(cp))
                break;
            a = q;
        }
        while (b > a && !cv_char_is_letter(cv_utf8_prev(t, b))) {
            uint32_t cp = cv_utf8_prev(t, b);
            b -= cv_utf8_size(cp);
        }
        if (b - a < 5 || b - a > 200 || (have_last && a >= last_word_start))
            continue;
        bool ok = true;
        int caps = 0;
        for (size_t q = a; q < b && ok;) {
            uint32_t cp = cv_utf8_next(t, b, &q);
            if (!cv_char_is_letter(cp) || cv_char_eaw(cp) == 'W' || cv_char_is_cjk_ideo(cp))
                ok = false;
            if (cp >= 'A' && cp <= 'Z')
                caps++;
        }
        /* the span style: no hyphens in code, links (URLs, e-mail) or acronyms */
        while (si + 1 < blk->spans.n && blk->spans.v[si].end <= a)
            si++;
        if (si < blk->spans.n && (blk->spans.v[si].style & (CV_S_CODE | CV_S_LINK)))
            ok = false;
        if (!ok || caps > 1)
            continue;
        int stage = cv_stage(l->ctx, CV_T_BREAK);
        int hyphenated = cv_hyph_word(l->hyph, t + a, b - a, pts);
        cv_stage(l->ctx, stage);
        if (hyphenated)
            continue;
        for (size_t k = 1; k < b - a; k++)
            if (pts[k])
                hy[a + k] = 1;
    }
}

/* The word around byte `at`: the run of non-space, non-CJK characters containing it. */
static void word_extent(const char *t, size_t len, size_t at, uint32_t *ws, uint32_t *we)
{
    size_t a = at, b = at;
    while (a > 0) {
        uint32_t cp = cv_utf8_prev(t, a);
        if (cv_char_is_space(cp) || cp == '\n' || cv_char_eaw(cp) == 'W' || cv_char_is_cjk_ideo(cp))
            break;
        a -= cv_utf8_size(cp);
    }
    while (b < len) {
        size_t q = b;
        uint32_t cp = cv_utf8_next(t, len, &q);
        if (cv_char_is_space(cp) || cp == '\n' || cv_char_eaw(cp) == 'W' || cv_char_is_cjk_ideo(cp))
            break;
        b = q;
    }
    *ws = (uint32_t)a;
    *we = (uint32_t)b;
}

/* A penalty inside a Latin word: a break there keeps the word whole for extraction. The
 * word's extent is reused while `at` stays inside it: an over-wide word has a break point at
 * every grapheme, and measuring it again for each would be quadratic. */
static int push_join_penalty(cv_layout *l, int pen, const char *t, size_t len, uint32_t at)
{
    cv_item p = {.kind = CV_I_PENALTY, .penalty = pen, .join = true, .a = at};
    if (!(l->word_we > l->word_ws && at > l->word_ws && at < l->word_we && l->word_text == t))
        word_extent(t, len, at, &l->word_ws, &l->word_we);
    l->word_text = t;
    p.ws = l->word_ws;
    p.b = l->word_we;
    return push_item(l, p);
}

/* The state of a block's item list as its clusters arrive. */
typedef struct itemizer {
    cv_layout *l;
    const cv_block *blk;
    const cvu *px;
    const uint8_t *gb, *brk, *hy, *emerg;
    bool justify;
    const char *t;
    size_t len;
    long open_box;   /* the box the next cluster may join, or -1 */
    clus prev;       /* the cluster before, when have_prev */
    bool have_prev;
    cvu pending;     /* a closing mark's trailing blank, not yet placed */
    uint32_t pending_at;
} itemizer;

/* A forced break (a '\n' of the text, or the paragraph's end at len): fil glue, then -inf. */
static int forced_break(itemizer *z, uint32_t at)
{
    cv_item fill = {.kind = CV_I_GLUE, .role = CV_G_FILL, .fil = true, .a = at, .b = at};
    return push_item(z->l, fill) || push_penalty(z->l, -CV_PEN_INF, at) ? -1 : 0;
}

/* The next cluster of the block's glyphs, from glyph *gi. */
static clus next_cluster(itemizer *z, size_t *gi)
{
    const cv_layout *l = z->l;
    const bglyph *g = &l->bg.v[*gi];
    clus c = {g->cluster, g->cend, *gi, *gi, 0, g->size, 0, 0, g->face, P_NONE, 0};
    while (*gi < l->bg.n && l->bg.v[*gi].cluster == c.cs) {
        c.w += l->bg.v[*gi].adv;
        (*gi)++;
    }
    c.g1 = *gi;
    if (c.ce <= c.cs)
        c.ce = *gi < l->bg.n ? l->bg.v[*gi].cluster : (uint32_t)z->len;
    size_t q = c.cs;
    c.first = cv_utf8_next(z->t, z->len, &q);
    c.last = cv_utf8_prev(z->t, c.ce);
    return c;
}

/* A run of spaces: one glue (a closing mark's blank before it is kept as a kern), a break
 * where UAX #14 allows one after it. */
static int add_space(itemizer *z, const clus *c)
{
    cv_layout *l = z->l;
    if (z->pending) {
        cv_item k = {.kind = CV_I_KERN, .width = z->pending, .a = z->pending_at, .b = z->pending_at};
        if (push_item(l, k))
            return -1;
        z->pending = 0;
    }
    cv_item *lg = l->items.n ? &l->items.v[l->items.n - 1] : NULL;
    if (lg && lg->kind == CV_I_GLUE && lg->role == CV_G_SPACE && lg->b == c->cs) {
        lg->width += c->w;
        lg->b = c->ce;
        if (z->justify) {
            lg->stretch = lg->width / 2;
            lg->shrink = lg->width / 3;
        }
    } else {
        bool breakable = z->brk[c->ce] != CV_BRK_NONE || c->ce >= z->len;
        if (push_glue(l, CV_G_SPACE, c->w, z->justify ? c->w / 2 : 0, z->justify ? c->w / 3 : 0, c->cs, c->ce,
                      breakable))
            return -1;
    }
    /* a space that may not be broken after must still not become a breakpoint */
    if (z->brk[c->ce] == CV_BRK_NONE && c->ce < z->len) {
        cv_item *gl = &l->items.v[l->items.n - 1];
        if (l->items.n >= 2 && l->items.v[l->items.n - 2].kind == CV_I_BOX) {
            cv_item moved = *gl;
            *gl = (cv_item){.kind = CV_I_PENALTY, .penalty = CV_PEN_INF, .a = c->cs, .b = c->cs};
            if (push_item(l, moved))
                return -1;
        }
    }
    z->have_prev = false;
    z->open_box = -1;
    return 0;
}

/* What goes between the cluster before and c (no space between them): a closing mark's
 * blank, Han-Latin spacing, a CJK break, a break after a hyphen or slash, a hyphenation
 * point, a cut in an over-wide word. *drop_left: c is an opening mark after another, and
 * loses its blank half. */
static int between(itemizer *z, const clus *c, cvu em, bool *drop_left)
{
    cv_layout *l = z->l;
    const clus *prev = &z->prev;
    const char *t = z->t;
    size_t len = z->len;
    bool brk_here = z->brk[c->cs] == CV_BRK_ALLOW;
    bool justify = z->justify, code = z->blk->kind == CV_B_CODE;
    *drop_left = false;
    if (z->pending) {
        if (c->punct != P_NONE) {
            /* two marks meet: the first loses its blank half */
            if (brk_here && push_penalty(l, 0, c->cs))
                return -1;
        } else if (push_glue(l, CV_G_PUNCT, z->pending, justify ? em / 20 : 0, z->pending / 2, z->pending_at,
                             z->pending_at, brk_here)) {
            return -1;
        }
        z->pending = 0;
        return 0;
    }
    /* (not beside Hangul: Korean separates words with spaces, and a space inserted in
     * "10년차" or "Docker를" would change the text) */
    bool hl = (cv_char_is_cjk_ideo(prev->last) && !cv_char_is_hangul(prev->last) && is_latin_alnum(c->first)) ||
              (is_latin_alnum(prev->last) && cv_char_is_cjk_ideo(c->first) && !cv_char_is_hangul(c->first));
    /* (a word boundary of Thai and the other scripts without spaces is such a break too: a
     * break between words, not inside one, with the same small stretch) */
    bool cjk = cv_char_eaw(prev->last) == 'W' || cv_char_eaw(c->first) == 'W' || cv_char_is_cjk_ideo(prev->last) ||
               cv_char_is_cjk_ideo(c->first) ||
               (cv_char_is_dictionary_script(prev->last) && cv_char_is_dictionary_script(c->first));
    if (hl && !code) {
        cvu hem = cv_char_is_cjk_ideo(c->first) ? c->size : prev->size;
        if (push_glue(l, CV_G_HANLATIN, hem / 4, justify ? hem / 8 : 0, hem / 8, c->cs, c->cs, brk_here))
            return -1;
    } else if (brk_here && cjk) {
        if (justify) {
            if (push_glue(l, CV_G_CJK, 0, em / 20, 0, c->cs, c->cs, true))
                return -1;
            l->items.v[l->items.n - 1].size = em;
        } else if (push_penalty(l, 0, c->cs)) {
            return -1;
        }
    } else if (brk_here) {
        /* a break inside Latin text without a space: after a hyphen, a slash */
        int pen = prev->last == '-' || prev->last == 0x2010 ? CV_PEN_EXHYPHEN : CV_PEN_SLASH;
        if (push_join_penalty(l, pen, t, len, c->cs))
            return -1;
    } else if (z->hy[c->cs] && l->items.n && l->items.v[l->items.n - 1].kind == CV_I_BOX) {
        uint32_t hg;
        cvu hw;
        if (!hyphen_glyph(l, prev->face, prev->size, &hg, &hw)) {
            cv_item p = {.kind = CV_I_PENALTY, .penalty = CV_PEN_HYPHEN, .flagged = true, .join = true,
                         .width = hw, .a = c->cs, .face = prev->face, .gid = hg, .size = prev->size};
            word_extent(t, len, c->cs, &p.ws, &p.b);
            if (push_item(l, p))
                return -1;
        }
    } else if (z->emerg && z->emerg[c->cs] == EM_GREEDY && z->gb[c->cs]) {
        /* a full line of a very wide stretch ends here: a forced cut, without the fill glue
         * of a forced break, so that the line before it still counts as short */
        if (code ? push_penalty(l, -CV_PEN_INF, c->cs) : push_join_penalty(l, -CV_PEN_INF, t, len, c->cs))
            return -1;
        l->items.v[l->items.n - 1].role = 1; /* an emergency cut */
    } else if (z->emerg && z->emerg[c->cs] == EM_CUT && z->gb[c->cs]) {
        if (code ? push_penalty(l, CV_PEN_EMERGENCY, c->cs) : push_join_penalty(l, CV_PEN_EMERGENCY, t, len, c->cs))
            return -1;
        l->items.v[l->items.n - 1].role = 1; /* an emergency cut */
    }
    if (prev->punct == P_OPEN && c->punct == P_OPEN)
        *drop_left = true; /* "（「": the second loses its blank half */
    return 0;
}

/* The cluster's box: its own, or joined to the open box; a full-width mark holds only its
 * ink, its blank half a glue before it (opening) or pending after it (closing). */
static int add_box(itemizer *z, const clus *c, cvu em, bool drop_left)
{
    cv_layout *l = z->l;
    const cvu *px = z->px;
    if (l->items.n == 0 || l->items.v[l->items.n - 1].kind != CV_I_BOX)
        z->open_box = -1;
    if (c->punct == P_OPEN && c->blank) {
        if (!drop_left && push_glue(l, CV_G_PUNCT, c->blank, z->justify ? em / 20 : 0, c->blank / 2, c->cs, c->cs, false))
            return -1;
        cv_item bx = {.kind = CV_I_BOX, .width = c->w - c->blank, .a = c->cs, .b = c->ce, .pen0 = px[c->cs],
                      .shift = -c->blank};
        if (push_item(l, bx))
            return -1;
        z->open_box = -1;
    } else if (c->punct == P_CLOSE && c->blank) {
        if (z->open_box >= 0) {
            l->items.v[z->open_box].width += c->w - c->blank;
            l->items.v[z->open_box].b = c->ce;
        } else {
            cv_item bx = {.kind = CV_I_BOX, .width = c->w - c->blank, .a = c->cs, .b = c->ce, .pen0 = px[c->cs]};
            if (push_item(l, bx))
                return -1;
        }
        z->pending = c->blank;
        z->pending_at = c->ce;
        z->open_box = -1;
    } else if (z->open_box >= 0) {
        l->items.v[z->open_box].width += c->w;
        l->items.v[z->open_box].b = c->ce;
    } else {
        cv_item bx = {.kind = CV_I_BOX, .width = c->w, .a = c->cs, .b = c->ce, .pen0 = px[c->cs]};
        if (push_item(l, bx))
            return -1;
        z->open_box = (long)l->items.n - 1;
    }
    return 0;
}

/* Builds l->items for the block. Returns 0, or -1 on OOM. */
int cv_lay_build_items(cv_layout *l, const cv_block *blk, const cvu *px, const uint8_t *gb,
                       const uint8_t *brk, const uint8_t *hy, const uint8_t *emerg, bool justify)
{
    itemizer z;
    memset(&z, 0, sizeof z);
    z.l = l;
    z.blk = blk;
    z.px = px;
    z.gb = gb;
    z.brk = brk;
    z.hy = hy;
    z.emerg = emerg;
    z.justify = justify;
    z.t = blk->text;
    z.len = blk->len;
    z.open_box = -1;
    l->items.n = 0;
    size_t gi = 0;
    uint32_t last_end = 0;
    while (gi < l->bg.n) {
        clus c = next_cluster(&z, &gi);
        /* forced breaks in the bytes no glyph covers */
        for (uint32_t k = last_end; k < c.cs; k++)
            if (z.t[k] == '\n') {
                z.pending = 0;
                if (forced_break(&z, k))
                    return -1;
                z.have_prev = false;
                z.open_box = -1;
            }
        last_end = c.ce;
        if (cv_char_is_space(c.first) && c.first != 0xA0 && c.first != 0x3000 && c.first != 0x202F) {
            if (add_space(&z, &c))
                return -1;
            continue;
        }
        punct_class(l, &c);
        cvu em = c.size > z.prev.size || !z.have_prev ? c.size : z.prev.size;
        bool drop_left = false;
        if (z.have_prev && between(&z, &c, em, &drop_left))
            return -1;
        if (add_box(&z, &c, em, drop_left))
            return -1;
        z.prev = c;
        z.have_prev = true;
    }
    for (uint32_t k = last_end; k < z.len; k++)
        if (z.t[k] == '\n' && forced_break(&z, k))
            return -1;
    /* the paragraph ends: \parfillskip and a forced break */
    return forced_break(&z, (uint32_t)z.len);
}
