/* block.c: one block broken into lines: Knuth-Plass's three passes (tex.web's
 * pretolerance, tolerance, and a final pass with emergency stretch that never fails), cuts in
 * over-wide words, long blocks taken in pieces, and the keep flags of widows, orphans and
 * headings. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout_int.h"

/* A stretch with no break inside wider than this many measures (a digest, a URL, or 50,000
 * letters of nonsense) is offered a cut at every grapheme only in its first two measures,
 * where Knuth-Plass fits its start to the line it begins on; from there it is cut greedily
 * into full lines. The lines in its middle are full either way, and weighing a line's worth
 * of cuts at every one of its graphemes would cost hundreds of times its length. Narrower
 * stretches keep every grapheme as a cut. */
#define WIDE_MEASURES 4

/* em[] for the stretch [s, e), whose start is at pen position ps. */
static void mark_wide_cuts(const cvu *px, const uint8_t *gb, size_t s, size_t e, cvu ps, cvu measure, uint8_t *em)
{
    size_t cut = 0;  /* the last forced cut, 0 while still in the first two measures */
    size_t last = s; /* the last boundary seen */
    for (size_t k = s + 1; k < e; k++) {
        if (!gb[k] || px[k] < 0)
            continue;
        if (!cut) {
            if (px[k] - ps < 2 * measure) {
                em[k] = EM_CUT;
            } else {
                em[k] = EM_GREEDY;
                cut = k;
            }
        } else if (last > cut && px[k] - px[cut] > measure) {
            em[last] = EM_GREEDY;
            cut = last;
        }
        last = k;
    }
    /* the rest after the last forced cut may still be wider than a line */
    if (cut && px[e] >= 0 && px[e] - px[cut] > measure && last > cut)
        em[last] = EM_GREEDY;
}

/* Break and emit the lines of one block, or of one piece of a long one. */
static int layout_piece(cv_layout *l, const cv_block *blk, cvu x0, cvu measure, cv_vlist *out)
{
    size_t len = blk->len;
    cvu *px = malloc((len + 1) * sizeof *px);
    uint8_t *brk = malloc(len + 1), *gb = malloc(len + 1), *hy = malloc(len + 1), *em = calloc(len + 1, 1);
    uint8_t *lv = NULL;
    cv_hyph *doc_hyph = l->hyph; /* put back when the block is done */
    int rc = -1;
    if (!px || !brk || !gb || !hy || !em) {
        l->ctx->oom = true;
        goto done;
    }
    int stage = cv_stage(l->ctx, CV_T_BREAK);
    int failed = cv_grapheme_breaks(blk->text, len, gb) || cv_line_breaks(blk->text, len, l->lang, brk);
    if (!failed && l->model && l->model->maths.n)
        cv_lay_keep_math(blk, brk);
    /* embedding levels, only for a block that can need them: a left-to-right block without a
     * right-to-left character is all level 0 */
    int dir = cv_lay_dir(l, blk);
    if (!failed && (dir == CV_DIR_RTL || cv_bidi_needed(blk->text, len))) {
        lv = malloc(len + 1);
        failed = !lv || cv_bidi_levels(blk->text, len, dir, lv);
    }
    cv_stage(l->ctx, stage);
    if (failed)
        goto done;
    l->lv = lv;
    l->rtl = dir == CV_DIR_RTL;
    /* a paragraph in another language hyphenates by its patterns (none: not at all) */
    if (l->block_lang && l->ctx->hyphs) {
        const cv_hyphset *hs = l->ctx->hyphs;
        l->hyph = NULL;
        for (size_t k = 0; k < hs->n; k++)
            if (!strcmp(hs->lang[k], l->block_lang))
                l->hyph = hs->h[k];
    }
    cv_lay_shape_block(l, blk, px, gb, measure);
    if (l->ctx->oom)
        goto done;
    bool plain_align = blk->align == CV_ALIGN_DEFAULT;
    bool justify = l->st->justify && blk->kind == CV_B_PARA && plain_align && !l->in_table;
    /* (no hyphens in a right-to-left paragraph: Arabic and Hebrew do not hyphenate, and a
     * hyphen in an embedded English word would sit at the line's visual end) */
    bool may_hyphenate = l->st->hyphenate && blk->kind == CV_B_PARA && plain_align && !l->rtl;
    /* stretches wider than the measure with no break inside: mark their graphemes */
    bool too_wide = false;
    for (size_t s = 0, p = 1; p <= len; p++) {
        if (p < len && brk[p] == CV_BRK_NONE)
            continue;
        size_t e = p;
        while (e > s && (blk->text[e - 1] == ' ' || blk->text[e - 1] == '\n'))
            e--;
        cvu ps = -1, pe = -1;
        for (size_t k = s; k <= e && ps < 0; k++)
            ps = px[k];
        for (size_t k = e; k > s && pe < 0; k--)
            pe = px[k];
        if (ps >= 0 && pe >= 0 && pe - ps > WIDE_MEASURES * measure) {
            mark_wide_cuts(px, gb, s, e, ps, measure, em);
            too_wide = true;
        } else if (ps >= 0 && pe >= 0 && pe - ps > measure) {
            for (size_t k = s + 1; k < e; k++)
                em[k] = EM_CUT;
            too_wide = true;
        }
        s = p;
    }
    size_t first_item = out->items.n;
    /* TeX's passes: without hyphens at the pretolerance, with hyphens at the tolerance,
     * and a final pass that accepts any badness (it never fails) */
    cvu em_size = cv_lay_block_size(l->st, blk);
    cv_kp_params kp = {.threshold = CV_KP_PRETOLERANCE,
                       .line_penalty = CV_KP_LINE_PENALTY,
                       .max_hyphen_run = CV_KP_MAX_HYPHEN_RUN,
                       .double_hyphen_demerits = CV_KP_DOUBLE_HYPHEN_DEMERITS,
                       .final_hyphen_demerits = CV_KP_FINAL_HYPHEN_DEMERITS,
                       .adj_demerits = CV_KP_ADJ_DEMERITS,
                       .rightskip_stretch = justify ? 0 : CV_KP_RAGGED_EMS * em_size,
                       .emergency_stretch = 0,
                       .final_pass = false};
    memset(hy, 0, len + 1);
    int r = -1;
    for (int pass = 0; pass < 3; pass++) {
        if (pass == 1) {
            if (!may_hyphenate || !l->hyph)
                continue;
            cv_lay_find_hyphens(l, blk, brk, hy);
            kp.threshold = CV_KP_TOLERANCE;
        }
        if (pass == 2) {
            kp.threshold = CV_KP_INF_BAD;
            kp.final_pass = true;
            kp.emergency_stretch = CV_KP_EMERGENCY_EMS * em_size;
        }
        /* cuts inside over-wide words only in the final pass: hyphenation comes first */
        if (cv_lay_build_items(l, blk, px, gb, brk, hy, pass == 2 && too_wide ? em : NULL, justify))
            goto done;
        int kp_stage = cv_stage(l->ctx, CV_T_BREAK);
        r = cv_knuth_plass(l->items.v, l->items.n, measure, &kp, &l->breaks);
        cv_stage(l->ctx, kp_stage);
        if (r <= 0)
            break;
    }
    if (r != 0) {
        l->ctx->oom = true;
        goto done;
    }
    size_t from = 0;
    uint32_t carry = 0;
    bool warned = false;
    for (size_t k = 0; k < l->breaks.n; k++) {
        size_t to = l->breaks.v[k];
        const cv_item *bi = &l->items.v[to];
        if (bi->kind == CV_I_PENALTY && bi->role == 1 && !warned && blk->kind != CV_B_CODE) {
            int ol, oc;
            size_t ws = bi->join ? bi->ws : bi->a;
            cv_locate(l->ctx, blk->line, blk->col, blk->text + ws, bi->a - ws < 16 ? bi->a - ws : 16, &ol, &oc);
            cv_diag(l->ctx, CVPDF_WARNING, CVPDF_D_WORD_CUT, ol, oc,
                    "a word is wider than the line and is broken inside it without a hyphen");
            warned = true;
        }
        /* discardable items at a line start; but a code line's indentation, after a line
         * break of its own, is the code's */
        while (from < to && (l->items.v[from].kind == CV_I_GLUE || l->items.v[from].kind == CV_I_KERN ||
                             (l->items.v[from].kind == CV_I_PENALTY && l->items.v[from].penalty > -CV_PEN_INF))) {
            const cv_item *d = &l->items.v[from];
            if (blk->kind == CV_B_CODE && d->kind == CV_I_GLUE && d->b > d->a &&
                (d->a == 0 || blk->text[d->a - 1] == '\n'))
                break;
            from++;
        }
        if (cv_lay_set_line(l, blk, from, to, x0, measure, justify, k == 0, &carry, out))
            goto done;
        from = to + 1;
    }
    /* widows and orphans: a paragraph keeps its first two lines and its last two together */
    size_t nlines = out->items.n - first_item;
    if (nlines >= 2 && blk->kind != CV_B_CODE) {
        out->items.v[first_item].keep_next = true;
        out->items.v[out->items.n - 2].keep_next = true;
    }
    if (blk->kind == CV_B_HEADING)
        for (size_t k = first_item; k < out->items.n; k++)
            out->items.v[k].keep_next = true;
    rc = 0;
done:
    l->hyph = doc_hyph;
    l->lv = NULL;
    l->rtl = false;
    free(lv);
    free(px);
    free(brk);
    free(gb);
    free(hy);
    free(em);
    return rc;
}

/* A block longer than this is broken into lines piece by piece: what a block's layout holds
 * (pen positions, glyphs, items, Knuth-Plass's nodes: hundreds of bytes a character) then
 * stays bounded, however long a paragraph is. No résumé has a paragraph of 64 KB; the seam
 * ends a line early and is reported. */
#define BLOCK_PIECE 65536

/* Where the piece of text[a, len) ends: after at most BLOCK_PIECE bytes, at the last line
 * break or space (which the seam replaces), else at a grapheme boundary where a line may
 * start and end (CJK line-start and line-end rules). *next is where the next piece starts. */
static size_t piece_end(const char *t, size_t len, size_t a, size_t *next)
{
    size_t limit = a + BLOCK_PIECE;
    if (limit >= len)
        return *next = len;
    for (size_t k = limit; k > limit - 4096 && k > a; k--)
        if (t[k] == '\n' || t[k] == ' ') {
            *next = k + 1;
            return k;
        }
    /* no space near: a grapheme boundary, found in a small window around the limit */
    size_t w0 = limit - 1024, w1 = limit + 64 < len ? limit + 64 : len;
    uint8_t gb[1024 + 64 + 1];
    if (!cv_grapheme_breaks(t + w0, w1 - w0, gb))
        for (size_t k = limit; k > w0 + 64; k--) {
            if (!gb[k - w0])
                continue;
            size_t q = k;
            uint32_t next_cp = cv_utf8_next(t, len, &q), prev_cp = cv_utf8_prev(t, k);
            if (!cv_char_no_line_start(next_cp) && !cv_char_no_line_end(prev_cp))
                return *next = k;
        }
    /* a UTF-8 character boundary at least */
    size_t k = limit;
    while (k > a + 1 && ((unsigned char)t[k] & 0xC0) == 0x80)
        k--;
    return *next = k;
}

int cv_lay_block(cv_layout *l, const cv_block *blk, cvu x0, cvu measure, cv_vlist *out)
{
    if (blk->len <= BLOCK_PIECE)
        return layout_piece(l, blk, x0, measure, out);
    cv_diag(l->ctx, CVPDF_WARNING, CVPDF_D_BLOCK_IN_PIECES, blk->line, blk->col,
            "a block of %u KB is broken into lines in pieces of at most %d KB: a line ends early at each seam",
            (unsigned)(blk->len / 1024), BLOCK_PIECE / 1024);
    cv_block piece = *blk;
    memset(&piece.spans, 0, sizeof piece.spans);
    int rc = 0;
    for (size_t a = 0, next; a < blk->len && !rc; a = next) {
        size_t b = piece_end(blk->text, blk->len, a, &next);
        piece.text = blk->text + a;
        piece.len = (uint32_t)(b - a);
        if (a)
            piece.marker[0] = 0; /* the list marker goes with the first line only */
        /* the spans over the piece, from its start */
        piece.spans.n = 0;
        for (size_t k = 0; k < blk->spans.n; k++) {
            cv_span sp = blk->spans.v[k];
            if (sp.end <= a || sp.start >= b)
                continue;
            sp.start = (uint32_t)((sp.start > a ? sp.start : a) - a);
            sp.end = (uint32_t)((sp.end < b ? sp.end : b) - a);
            if (CV_PUSH(piece.spans, sp)) {
                l->ctx->oom = true;
                rc = -1;
                break;
            }
        }
        if (!rc && b > a)
            rc = layout_piece(l, &piece, x0, measure, out);
    }
    free(piece.spans.v);
    return rc;
}
