/* facepick.c: the face of each grapheme cluster: the role's face (regular, bold, italic,
 * mono), then the language's CJK face, then any installed face that covers it (fontconfig).
 * Fullwidth characters, and ambiguous-width punctuation (“ ” — … ·) beside CJK text in a CJK
 * document, try the CJK face first so that they take its full-width forms. Emoji take the
 * colour face when their presentation asks for it. A cluster no face covers is reported and
 * drawn as the .notdef box (never a silent blank); its text still reaches the ToUnicode map. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout_int.h"

static int style_role(uint16_t style, bool heading)
{
    bool bold = (style & CV_S_BOLD) || heading;
    if (style & CV_S_CODE)
        return bold ? CV_F_MONOBOLD : CV_F_MONO;
    if (style & CV_S_ITALIC)
        return bold ? CV_F_BOLDITALIC : CV_F_ITALIC;
    if (heading)
        return CV_F_HEADING;
    return bold ? CV_F_BOLD : CV_F_REGULAR;
}

static bool face_covers(cv_face *f, const char *t, size_t a, size_t b)
{
    for (size_t i = a; i < b;) {
        uint32_t cp = cv_utf8_next(t, b, &i);
        if (!cv_face_has(f, cp) && !cv_char_is_ignorable(cp) && cp != '\n')
            return false;
    }
    return true;
}

/* Whether the nearest character before a or after b that is neither a space nor itself of
 * ambiguous width is CJK: both dashes of "年——2023" then take the same face. */
static bool cjk_neighbour(const char *t, size_t len, size_t a, size_t b)
{
    size_t i = a;
    while (i > 0) {
        uint32_t cp = cv_utf8_prev(t, i);
        size_t w = cv_utf8_size(cp);
        if (!cv_char_is_space(cp) && cv_char_eaw(cp) != 'A') {
            if (cv_char_is_cjk_ideo(cp) || cv_char_eaw(cp) == 'W')
                return true;
            break;
        }
        i = i >= w ? i - w : 0;
    }
    for (size_t j = b; j < len;) {
        uint32_t cp = cv_utf8_next(t, len, &j);
        if (!cv_char_is_space(cp) && cv_char_eaw(cp) != 'A')
            return cv_char_is_cjk_ideo(cp) || cv_char_eaw(cp) == 'W';
    }
    return false;
}

/* Whether a cluster asks for emoji presentation: U+FE0F, a keycap, a flag, or a first
 * character that is emoji by default, without U+FE0E. Digits, '#', '*', '©' and the like
 * are text by default and stay text unless asked (UTS #51). */
static bool wants_emoji(const char *t, size_t a, size_t b)
{
    bool first = true, dflt = false, fe0f = false, fe0e = false, keycap = false;
    for (size_t i = a; i < b;) {
        uint32_t cp = cv_utf8_next(t, b, &i);
        if (cp == 0xFE0F)
            fe0f = true;
        else if (cp == 0xFE0E)
            fe0e = true;
        else if (cp == 0x20E3)
            keycap = true;
        else if (first)
            dflt = cv_char_is_emoji_presentation(cp);
        first = false;
    }
    return !fe0e && (fe0f || keycap || dflt);
}

#define MAX_UNCOVERED 20

static int pick_face_(cv_layout *l, const cv_block *blk, uint16_t style, const char *t, size_t a, size_t b,
                      int line, int col);

/* The face for the grapheme t[a, b), remembered for --fonts. */
int cv_lay_pick_face(cv_layout *l, const cv_block *blk, uint16_t style, const char *t, size_t a, size_t b,
                     int line, int col)
{
    int id = pick_face_(l, blk, style, t, a, b, line, col);
    if (l->ctx->opts && l->ctx->opts->fonts_report) {
        size_t q = a;
        uint32_t cp = cv_utf8_next(t, b, &q);
        uint64_t key = (uint64_t)cp << 16 | (uint16_t)id;
        if (!cv_map_get(&l->used_seen, cp, NULL) &&
            (CV_PUSH(l->used, key) || cv_map_put(&l->used_seen, cp, 1)))
            l->ctx->oom = true;
    }
    return id;
}

void cv_layout_fonts_report(const cv_layout *l, cv_buf *out)
{
    /* face by face, in the order they were first used */
    CV_VEC(int) faces;
    memset(&faces, 0, sizeof faces);
    for (size_t k = 0; k < l->used.n; k++) {
        int id = (int16_t)(l->used.v[k] & 0xFFFF);
        bool have = false;
        for (size_t f = 0; f < faces.n; f++)
            have |= faces.v[f] == id;
        if (!have && CV_PUSH(faces, id)) {
            out->oom = true;
            free(faces.v);
            return;
        }
    }
    for (size_t f = 0; f < faces.n; f++) {
        int id = faces.v[f];
        unsigned index = 0;
        cv_face *face = cv_fonts_face(l->fonts, id);
        const char *path = cv_fonts_path(l->fonts, id, &index);
        size_t count = 0;
        for (size_t k = 0; k < l->used.n; k++)
            count += (int16_t)(l->used.v[k] & 0xFFFF) == id;
        int synth;
        cv_fonts_base(l->fonts, id, &synth);
        if (face)
            cv_buf_printf(out, "%s%s (%s, face %u): %zu characters\n", cv_face_get_info(face)->psname,
                          synth == (CV_SYNTH_BOLD | CV_SYNTH_OBLIQUE) ? " (synthetic bold and oblique: the family has neither)"
                          : synth == CV_SYNTH_BOLD                    ? " (synthetic bold: the family has no bold)"
                          : synth == CV_SYNTH_OBLIQUE                 ? " (synthetic oblique: the family has no italic)"
                                                                      : "",
                          path, index, count);
        else
            cv_buf_printf(out, "%s: %zu characters\n", id == FACE_DROPPED ? "(left out: emoji: none)" : "(no face)", count);
        cv_buf_puts(out, "  ");
        size_t col = 0;
        for (size_t k = 0; k < l->used.n; k++) {
            if ((int16_t)(l->used.v[k] & 0xFFFF) != id)
                continue;
            uint32_t cp = (uint32_t)(l->used.v[k] >> 16);
            char u[4];
            if (cp < 0x20 || cp == 0x7F) { /* NOLINT(bugprone-branch-clone): controls, then spaces: the same form */
                cv_buf_printf(out, "U+%04X ", cp);
            } else if (cv_char_is_space(cp) || cv_char_is_ignorable(cp)) {
                cv_buf_printf(out, "U+%04X ", cp);
            } else {
                cv_buf_add(out, u, (size_t)cv_utf8_put(cp, u));
            }
            if (++col % 60 == 0)
                cv_buf_puts(out, "\n  ");
        }
        cv_buf_puts(out, "\n");
    }
    free(faces.v);
}

/* The face for the grapheme t[a, b) in a block with the given style. */
static int pick_face_(cv_layout *l, const cv_block *blk, uint16_t style, const char *t, size_t a, size_t b,
                     int line, int col)
{
    bool heading = blk->kind == CV_B_HEADING;
    size_t q = a;
    uint32_t cp = cv_utf8_next(t, b, &q);
    int primary = cv_fonts_role(l->fonts, style_role(style, heading));
    if (cv_char_is_space(cp) && cp != 0x3000)
        return primary;
    bool bold = (style & CV_S_BOLD) || heading;
    /* (a keycap starts with an ASCII digit, '#' or '*': a cluster of more than one character
     * may ask for emoji whatever its first) */
    if ((cp >= 0x80 || q < b) && l->st->emoji != CV_EMOJI_MONO && wants_emoji(t, a, b)) {
        if (l->st->emoji == CV_EMOJI_NONE) {
            if (!l->emoji_dropped++) {
                int ol, oc;
                cv_locate(l->ctx, line, col, t + a, b - a, &ol, &oc);
                cv_diag(l->ctx, CVPDF_WARNING, CVPDF_D_EMOJI_LEFT_OUT, ol, oc, "emoji are left out (style emoji: none)");
            }
            return FACE_DROPPED;
        }
        int e = cv_fonts_role(l->fonts, CV_F_EMOJI);
        cv_face *ef = cv_fonts_face(l->fonts, e);
        if (ef && face_covers(ef, t, a, b))
            return e;
    }
    int cjk_role = bold ? CV_F_CJKBOLD : CV_F_CJK;
    char eaw = cv_char_eaw(cp);
    bool cjk_first = eaw == 'W' || (l->cjk_doc && eaw == 'A' && cjk_neighbour(t, blk->len, a, b));
    int order[2] = {primary, -1};
    if (cjk_first || cv_char_is_cjk_ideo(cp)) {
        int c = cv_fonts_role(l->fonts, cjk_role);
        order[0] = c;
        order[1] = primary;
    } else {
        order[1] = -2; /* resolved below, lazily: the CJK face is opened only when needed */
    }
    for (int k = 0; k < 2; k++) {
        int id = order[k];
        if (id == -2)
            id = cv_fonts_role(l->fonts, cjk_role);
        cv_face *f = cv_fonts_face(l->fonts, id);
        if (f && face_covers(f, t, a, b))
            return id;
    }
    /* the fallback: any face that has the base character, in the span's weight and slant
     * (its family's bold or italic, else made up) */
    int synth;
    int id = cv_fonts_fallback(l->fonts, cp, bold, (style & CV_S_ITALIC) != 0, &synth);
    if (id >= 0)
        return id;
    /* report each code point once, with its source position: the first MAX_UNCOVERED of them,
     * then only a count (a file of thousands of unassigned characters must not print, nor
     * search the source for, each one) */
    if (!cv_map_get(&l->warned, cp, NULL) && l->warned.n < MAX_UNCOVERED) {
        int ol, oc;
        cv_locate(l->ctx, line, col, t + a, b - a, &ol, &oc);
        cv_diag(l->ctx, CVPDF_WARNING, CVPDF_D_CHAR_UNCOVERED, ol, oc,
                "no installed font has U+%04X; it is drawn as a box (install a font that covers it)",
                (unsigned)cp);
        if (cv_map_put(&l->warned, cp, 1))
            l->ctx->oom = true;
    } else {
        l->uncovered_more++;
    }
    return primary >= 0 ? primary : cv_fonts_role(l->fonts, CV_F_REGULAR);
}
