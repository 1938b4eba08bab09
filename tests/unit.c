/* unit.c: unit tests of cvpdf's internal modules. Prints one "ok - name" or "FAIL - name"
 * line per check and a final "N passed, N failed" line (the format tests/run.sh reads). */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bidi.h"
#include "breaks.h"
#include "check.h"
#include "context.h"
#include "emoji.h"
#include "hyph.h"
#include "langid.h"
#include "linebreak.h"
#include "markdown.h"
#include "memo.h"
#include "mojibake.h"
#include "shape.h"
#include "smartpunct.h"
#include "math.h"
#include "mathsrc.h"
#include "shortcode.h"
#include "anchors.h"
#include "style.h"
#include "tags.h"
#include "util.h"
#include "yamlmap.h"
#include "harness.h"

static int passed, failed;

static void test_fixed(void)
{
    cv_buf b = {0};
    cv_buf_fixed(&b, CVU_R(21, 2), 3);
    cv_buf_puts(&b, " ");
    cv_buf_fixed(&b, -CVU_R(1, 4), 3);
    cv_buf_puts(&b, " ");
    cv_buf_fixed(&b, CVU_R(12, 1), 3);
    cv_buf_puts(&b, " ");
    cv_buf_fixed(&b, 1, 3); /* 1/65536 rounds to 0 */
    CHECK("fixed-point numbers print without locale", !strcmp(b.p, "10.5 -0.25 12 0"));
    cv_buf_free(&b);
}

static void test_utf8(void)
{
    const char s[] = "a\xC3\xA9\xE4\xB8\xAD\xF0\x9F\x9A\x80\xFF";
    size_t i = 0, n = sizeof s - 1;
    uint32_t cps[6] = {0};
    int k = 0;
    while (i < n && k < 6)
        cps[k++] = cv_utf8_next(s, n, &i);
    CHECK("utf8 decodes 1-4 byte sequences",
          k == 5 && cps[0] == 'a' && cps[1] == 0xE9 && cps[2] == 0x4E2D && cps[3] == 0x1F680);
    CHECK("utf8 invalid byte is U+FFFD", cps[4] == 0xFFFD);
    const char trunc[] = "\xE4\xB8";
    i = 0;
    CHECK("utf8 truncated sequence is U+FFFD", cv_utf8_next(trunc, 2, &i) == 0xFFFD && i == 1);
    CHECK("utf8 prev finds the previous code point", cv_utf8_prev(s, 10) == 0x1F680);
    char out[4];
    CHECK("utf8 encodes astral", cv_utf8_put(0x1F680, out) == 4 && !memcmp(out, "\xF0\x9F\x9A\x80", 4));
}

/* Offset of the first occurrence of needle in s. */
static size_t at(const char *s, const char *needle) { return (size_t)(strstr(s, needle) - s); }

static void test_breaks(void)
{
    uint8_t brk[256];
    const char *zh = "经验，成为行业（主流）选型";
    size_t n = strlen(zh);
    CHECK("line breaks run on Chinese", cv_line_breaks(zh, n, "zh", brk) == 0);
    CHECK("no break before a full-width comma", brk[at(zh, "，")] == CV_BRK_NONE);
    CHECK("break allowed after a full-width comma", brk[at(zh, "成")] == CV_BRK_ALLOW);
    CHECK("no break after an opening bracket", brk[at(zh, "主")] == CV_BRK_NONE);
    CHECK("no break before a closing bracket", brk[at(zh, "）")] == CV_BRK_NONE);
    CHECK("break between two Han characters", brk[at(zh, "验")] == CV_BRK_ALLOW);
    const char *dash = "2021年——2023年";
    n = strlen(dash);
    cv_line_breaks(dash, n, "zh", brk);
    CHECK("never break inside a doubled dash", brk[at(dash, "——") + 3] == CV_BRK_NONE);
    const char *en = "Built a 560B MoE model.\nNext";
    n = strlen(en);
    cv_line_breaks(en, n, "en", brk);
    CHECK("break after a space", brk[at(en, "MoE")] == CV_BRK_ALLOW);
    CHECK("no break inside a word", brk[at(en, "oE")] == CV_BRK_NONE);
    CHECK("a newline is a mandatory break", brk[at(en, "Next")] == CV_BRK_MUST);
    const char *flag = "China \xF0\x9F\x87\xA8\xF0\x9F\x87\xB3 flag";
    n = strlen(flag);
    uint8_t gb[64];
    CHECK("a flag emoji does not crash line breaking", cv_line_breaks(flag, n, "en", brk) == 0);
    cv_grapheme_breaks(flag, n, gb);
    CHECK("a flag is one grapheme", gb[6] == 1 && gb[10] == 0 && gb[14] == 1);
    CHECK("middle dot may not start a line", cv_char_no_line_start(0xB7));
    CHECK("opening corner bracket may not end a line", cv_char_no_line_end(0x300C));
    CHECK("Han is CJK, Latin is not", cv_char_is_cjk_ideo(0x4E2D) && !cv_char_is_cjk_ideo('A'));
    CHECK("full-width comma is wide", cv_char_eaw(0xFF0C) == 'W');
}

static int diag_line;
static void on_diag(void *u, cvpdf_severity s, const char *f, int line, int col, const char *m)
{
    (void)u, (void)s, (void)f, (void)col, (void)m;
    diag_line = line;
}

static void test_frontmatter(void)
{
    cvpdf_options o = {.date = -1, .justify = -1, .hyphenate = -1, .diag = on_diag};
    cv_ctx ctx = {0};
    ctx.opts = &o;
    ctx.name = "t.md";
    cv_meta m = {0};
    int bl;
    const char *src = "---\ntitle: 简历\nlang: zh\nlayout: page\n---\n# Name\n";
    size_t off = cv_frontmatter(&ctx, src, strlen(src), &m, &bl);
    CHECK("front matter: body offset", off == at(src, "# Name"));
    CHECK("front matter: body line", bl == 6);
    CHECK("front matter: title and lang", m.title && !strcmp(m.title, "简历") && m.lang && !strcmp(m.lang, "zh"));
    CHECK("front matter: every key kept with its line", m.keys.n == 3 && !strcmp(m.keys.v[2].key, "layout") && !strcmp(m.keys.v[2].value, "page") && m.keys.v[2].line == 4);
    cv_meta_free(&m);
    const char *bad = "---\r\ntitle: ok\r\nfoo: [unclosed\r\n...\r\nBody\r\n";
    diag_line = 0;
    off = cv_frontmatter(&ctx, bad, strlen(bad), &m, &bl);
    CHECK("malformed front matter is reported with a line", diag_line >= 3 && ctx.warnings == 1);
    CHECK("malformed front matter is skipped (CRLF, '...' close)", off == at(bad, "Body"));
    cv_meta_free(&m);
    const char *none = "# Title\n---\n";
    CHECK("no front matter without a leading fence", cv_frontmatter(&ctx, none, strlen(none), &m, &bl) == 0);
    cv_meta_free(&m);
}

static void test_build(void)
{
    cvpdf_options o = {.date = -1, .justify = -1, .hyphenate = -1};
    cv_ctx ctx = {0};
    ctx.opts = &o;
    ctx.body_line = 1;
    cv_model m = {0};
    const char *md = "1. one\n2. two\n\n1. three\n\n中文\n换行\n\nLatin\nwrap\n";
    CHECK("build runs", cv_build(&ctx, md, strlen(md), NULL, &m) == 0);
    CHECK("a list continues across a blank line and a restarted number",
          m.blocks.n == 5 && !strcmp(m.blocks.v[2].marker, "3."));
    CHECK("a soft break between Han characters is no space", m.blocks.n == 5 && !strcmp(m.blocks.v[3].text, "中文换行"));
    CHECK("a soft break between Latin words is a space", m.blocks.n == 5 && !strcmp(m.blocks.v[4].text, "Latin wrap"));
    cv_model_free(&m);
}

/* The structure tree from the blocks: lists nest as written, a numbered item has its label,
 * a bullet none, an item's first paragraph is its LBody's own text unless more follows,
 * quotes, tables and headings numbered as they nest (H1 then H3 becomes H2). */
static const char *elem_path(const cv_tags *t, int32_t e, char *buf, size_t n)
{
    char tmp[256] = "";
    for (; e >= 0; e = t->elems.v[e].parent) {
        char part[256];
        snprintf(part, sizeof part, "%s%s%s", t->elems.v[e].type, tmp[0] ? "/" : "", tmp);
        snprintf(tmp, sizeof tmp, "%s", part);
    }
    snprintf(buf, n, "%s", tmp);
    return buf;
}

static void test_tags(void)
{
    cvpdf_options o = {.date = -1, .justify = -1, .hyphenate = -1};
    cv_ctx ctx = {0};
    ctx.opts = &o;
    ctx.body_line = 1;
    cv_model m = {0};
    const char *md = "# Name\n\n### Skills\n\n- one\n  - 1. deep\n- two\n\n  more\n- three\n\n> quoted\n\n"
                     "| a | b |\n|---|---|\n| c | d |\n";
    CHECK("tags: build runs", cv_build(&ctx, md, strlen(md), NULL, &m) == 0);
    cv_tags t;
    CHECK("tags: the tree is made", cv_tags_build(&t, &m) == 0);
    char p[256];
    size_t nb = m.blocks.n;
    CHECK("tags: a heading under H1 is H2", nb > 1 && !strcmp(elem_path(&t, t.leaf[1], p, sizeof p), "Document/H2"));
    CHECK("tags: an item with a list in it: a P, then the list",
          nb > 2 && !strcmp(elem_path(&t, t.leaf[2], p, sizeof p), "Document/L/LI/LBody/P"));
    CHECK("tags: an item of one paragraph is its LBody's text",
          nb > 6 && !strcmp(elem_path(&t, t.leaf[6], p, sizeof p), "Document/L/LI/LBody"));
    CHECK("tags: a bullet has no label", nb > 2 && t.label[2] < 0);
    CHECK("tags: a nested numbered item, with its label",
          nb > 3 && !strcmp(elem_path(&t, t.leaf[3], p, sizeof p), "Document/L/LI/LBody/L/LI/LBody") && t.label[3] >= 0 &&
              !strcmp(elem_path(&t, t.label[3], p, sizeof p), "Document/L/LI/LBody/L/LI/Lbl"));
    CHECK("tags: an item of two paragraphs has a P for each",
          nb > 5 && !strcmp(elem_path(&t, t.leaf[4], p, sizeof p), "Document/L/LI/LBody/P") &&
              !strcmp(elem_path(&t, t.leaf[5], p, sizeof p), "Document/L/LI/LBody/P") && t.leaf[4] != t.leaf[5]);
    CHECK("tags: a quote after the list", nb > 7 && !strcmp(elem_path(&t, t.leaf[7], p, sizeof p), "Document/BlockQuote/P"));
    CHECK("tags: a table's cells", t.ntables == 1 && t.cells[0] && t.ncells[0] == 4 &&
          !strcmp(elem_path(&t, t.cells[0][0], p, sizeof p), "Document/Table/TR/TH") &&
          !strcmp(elem_path(&t, t.cells[0][3], p, sizeof p), "Document/Table/TR/TD"));
    cv_tags_free(&t);
    cv_model_free(&m);
}

/* A host program may run under a locale with a decimal comma; the PDF's numbers must not
 * change. make check builds de_DE.UTF-8 into CVPDF_LOCPATH with localedef. */
static void test_locale(void)
{
    const char *md = "# Name\n\nSome *text* with [a link](https://example.org) and 10.5 pt.\n";
    unsigned char *a = NULL, *b = NULL;
    size_t al = 0, bl = 0;
    const char *lp = getenv("CVPDF_LOCPATH");
    if (lp)
        setenv("LOCPATH", lp, 1);
    bool comma = setlocale(LC_ALL, "de_DE.UTF-8") && !strcmp(localeconv()->decimal_point, ",");
    CHECK("a decimal-comma locale is available to the test", comma);
    cvpdf_status s1 = cvpdf_render(NULL, "t.md", md, strlen(md), &a, &al);
    setlocale(LC_ALL, "C");
    cvpdf_status s2 = cvpdf_render(NULL, "t.md", md, strlen(md), &b, &bl);
    CHECK("rendering under a decimal-comma locale gives the same bytes",
          s1 == CVPDF_OK && s2 == CVPDF_OK && al == bl && !memcmp(a, b, al));
    cvpdf_buffer_free(a);
    cvpdf_buffer_free(b);
}

/* Colour emoji are reduced by whole factors to the resolution asked for, and remembered by
 * their face. Debian's fonts-noto-color-emoji is a build dependency (scripts/deps.sh). */
static void test_emoji(void)
{
    const char *path = getenv("CVPDF_EMOJI_FONT");
    if (!path)
        path = "/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf";
    cv_face *face = cv_face_open(path, 0);
    CHECK("the colour emoji face opens", face != NULL);
    if (!face)
        return;
    uint32_t gid = cv_face_glyph(face, 0x1F3C6); /* trophy */
    cv_emoji *e = cv_emoji_open(path, 0);
    cv_bitmap full, at35, at46;
    int r0 = e ? cv_emoji_render(e, gid, 0, &full) : -1;
    int r1 = e ? cv_emoji_render(e, gid, 35, &at35) : -1;
    int r2 = e ? cv_emoji_render(e, gid, 46, &at46) : -1;
    CHECK("emoji render at the strike and reduced", gid && !r0 && !r1 && !r2);
    if (!r0 && !r1 && !r2) {
        CHECK("the strike as it is: 109 ppem, every pixel", full.ppem == 109 && full.pw == full.w && full.ph == full.h);
        /* 35 ppem asked: 3×3 boxes (36.3 ppem, not below what was asked) */
        CHECK("35 ppem asked: whole 3x3 boxes", at35.pw == (full.w + 2) / 3 && at35.ph == (full.h + 2) / 3 &&
                                                    at35.w == at35.pw * 3 && at35.h == at35.ph * 3);
        CHECK("46 ppem asked: 2x2 boxes", at46.pw == (full.w + 1) / 2 && at46.w == at46.pw * 2);
        CHECK("a reduced emoji stays where the strike is", at35.left == full.left && at35.top == full.top &&
                                                              at35.ppem == full.ppem);
        unsigned long ink0 = 0, ink3 = 0;
        for (int i = 0; i < full.w * full.h; i++)
            ink0 += full.alpha[i];
        for (int i = 0; i < at35.pw * at35.ph; i++)
            ink3 += at35.alpha[i] * 9ul;
        CHECK("a reduced emoji keeps its ink (within 1%)", ink3 > ink0 * 99 / 100 && ink3 < ink0 * 101 / 100);
        cv_bitmap_free(&full);
        cv_bitmap_free(&at35);
        cv_bitmap_free(&at46);
    }
    cv_emoji_close(e);
    /* the second time, the memo answers: nothing is opened */
    cv_emoji *e1 = NULL, *e2 = NULL;
    cv_emoji_image a, b;
    cv_memo *memo = cv_memo_new(16, 0, NULL);
    int g1 = cv_emoji_get(memo, NULL, face, path, 0, &e1, gid, 35, &a);
    int g2 = cv_emoji_get(memo, NULL, face, path, 0, &e2, gid, 35, &b);
    cv_memo_free(memo);
    CHECK("an encoded emoji is remembered", !g1 && !g2 && e1 && !e2 && a.rgb_len == b.rgb_len &&
                                                            !memcmp(a.rgb, b.rgb, a.rgb_len) && a.alpha_len == b.alpha_len);
    if (!g1)
        cv_emoji_image_free(&a);
    if (!g2)
        cv_emoji_image_free(&b);
    cv_emoji_close(e1);
    cv_face_free(face);
}

static void count_use(void *value, void *user) { *(int *)user = *(int *)value; }
static void *make_int(void *user)
{
    int *v = malloc(sizeof *v);
    if (v)
        *v = *(int *)user;
    return v;
}

/* The memo: what is put is found, the oldest go first past the limits (by count and by
 * bytes), and entries moved by deletions stay findable. */
static void test_memo(void)
{
    cv_memo *m = cv_memo_new(100, 0, NULL);
    CHECK("memo: made", m != NULL);
    if (!m)
        return;
    for (int i = 0; i < 1000; i++) {
        int *v = malloc(sizeof *v);
        *v = i;
        char key[16];
        int n = snprintf(key, sizeof key, "k%d", i);
        cv_memo_put(m, key, (size_t)n, v, sizeof *v);
    }
    int found = 0, right = 0;
    for (int i = 0; i < 1000; i++) {
        char key[16];
        int n = snprintf(key, sizeof key, "k%d", i), v = -1;
        if (cv_memo_find(m, key, (size_t)n, count_use, &v)) {
            found++;
            right += v == i && i >= 900;
        }
    }
    CHECK("memo: at most 100 entries, the newest 100 (deletions keep the rest reachable)", found == 100 && right == 100);
    int one = 1, two = 2, got = 0;
    int *v = malloc(sizeof *v);
    *v = 7;
    cv_memo_put(m, "k999", 4, v, sizeof *v); /* there already: freed, not replaced */
    cv_memo_find(m, "k999", 4, count_use, &got);
    CHECK("memo: a key put twice keeps its first value", got == 999);
    bool kept = false;
    int *a = cv_memo_get(m, "made", 4, make_int, &one, &kept), *b = cv_memo_get(m, "made", 4, make_int, &two, &kept);
    CHECK("memo: get makes once, then finds", a && a == b && *a == 1 && kept);
    cv_memo_free(m);
    m = cv_memo_new(0, 100, NULL);
    for (int i = 0; i < 10; i++) {
        char *blob = calloc(1, 30);
        char key[4] = {'b', (char)('0' + i), 0, 0};
        cv_memo_put(m, key, 2, blob, 30);
    }
    int left = 0;
    for (int i = 0; i < 10; i++) {
        char key[4] = {'b', (char)('0' + i), 0, 0};
        int dummy;
        left += cv_memo_find(m, key, 2, count_use, &dummy) ? 1 << i : 0;
    }
    CHECK("memo: at most 100 bytes: the newest three of 30", left == (1 << 7 | 1 << 8 | 1 << 9));
    cv_memo_free(m);
}

/* The shaping memo keys a run with the characters around it: an Arabic letter joins its
 * neighbours, so the same letter alone and inside a word are different glyphs, memo or not.
 * DejaVu Sans (fonts-dejavu-core, scripts/deps.sh) has Arabic. */
static void test_shape_memo(void)
{
    const char *path = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
    cv_face *memo = cv_face_open(path, 0), *fresh1 = cv_face_open(path, 0), *fresh2 = cv_face_open(path, 0);
    cv_memo *runs = cv_memo_new(64, 0, NULL);
    cv_shaper *sh = cv_shaper_new(runs, NULL, NULL), *plain = cv_shaper_new(NULL, NULL, NULL);
    CHECK("shaping memo: DejaVu Sans opens", memo && fresh1 && fresh2 && sh && plain);
    if (!memo || !fresh1 || !fresh2 || !sh || !plain)
        goto done;
    const char *word = "\xD8\xA8\xD8\xA8\xD8\xA8", *alone = "\xD8\xA8"; /* beh beh beh; beh */
    cv_sglyphs a = {0}, b = {0}, c = {0}, d = {0}, e = {0};
    int rc = cv_shape(sh, memo, CVU_PT * 10, word, 6, 2, 2, "ar", 0, &a) |   /* the middle beh */
             cv_shape(sh, memo, CVU_PT * 10, alone, 2, 0, 2, "ar", 0, &b) |  /* beh alone, after it */
             cv_shape(sh, memo, CVU_PT * 12, word, 6, 2, 2, "ar", 0, &e) |   /* again, from the memo */
             cv_shape(plain, fresh1, CVU_PT * 10, word, 6, 2, 2, "ar", 0, &c) |
             cv_shape(plain, fresh2, CVU_PT * 10, alone, 2, 0, 2, "ar", 0, &d);
    CHECK("shaping memo: the runs shape", !rc && a.n == 1 && b.n == 1 && c.n == 1 && d.n == 1 && e.n == 1);
    if (!rc && a.n == 1 && b.n == 1 && c.n == 1 && d.n == 1 && e.n == 1) {
        CHECK("shaping memo: a medial and an isolated beh differ", c.v[0].gid != d.v[0].gid);
        CHECK("shaping memo: with the memo, each as without it", a.v[0].gid == c.v[0].gid && b.v[0].gid == d.v[0].gid);
        CHECK("shaping memo: a remembered run at another size scales (cluster kept)",
              e.v[0].gid == a.v[0].gid && e.v[0].cluster == 2 && e.v[0].adv == c.v[0].adv * 12 / 10);
    }
    free(a.v);
    free(b.v);
    free(c.v);
    free(d.v);
    free(e.v);
done:
    cv_shaper_free(sh);
    cv_shaper_free(plain);
    cv_memo_free(runs);
    cv_face_free(memo);
    cv_face_free(fresh1);
    cv_face_free(fresh2);
}

/* Embedding levels (UAX #9 with the number groups kept whole) and rule L2. */
static void test_bidi(void)
{
    const char *t = "ab \xD7\x90\xD7\x91 cd"; /* a b, alef bet, c d */
    uint8_t lv[64];
    CHECK("bidi: Hebrew inside English is level 1, the rest 0",
          !cv_bidi_levels(t, strlen(t), CV_DIR_LTR, lv) && lv[0] == 0 && lv[2] == 0 && lv[3] == 1 && lv[4] == 1 &&
              lv[6] == 1 && lv[7] == 0 && lv[8] == 0);
    /* "alef 2019–2023": the range stays one left-to-right group (level 2), its dash too */
    const char *r = "\xD7\x90 2019\xE2\x80\x93" "2023";
    CHECK("bidi: a year range in a right-to-left paragraph is one number group",
          !cv_bidi_levels(r, strlen(r), CV_DIR_RTL, lv) && lv[0] == 1 && lv[3] == 2 && lv[7] == 2 && lv[10] == 2);
    /* without the group rule the dash would be level 1 between two numbers */
    const char *p = "\xD7\x90 +971 50 123";
    CHECK("bidi: a phone number is one group",
          !cv_bidi_levels(p, strlen(p), CV_DIR_RTL, lv) && lv[3] == 2 && lv[7] == 2 && lv[10] == 2);
    uint8_t levels[4] = {0, 1, 1, 0};
    int32_t order[4];
    CHECK("bidi: L2 reverses the level-1 pieces", !cv_bidi_reorder(levels, 4, order) && order[0] == 0 &&
                                                       order[1] == 2 && order[2] == 1 && order[3] == 3);
    CHECK("bidi: first strong", cv_bidi_first_strong("12 \xD7\x90 a", 6) == CV_DIR_RTL &&
                                    cv_bidi_first_strong("12 -", 4) == CV_DIR_AUTO);
    CHECK("bidi: needed only for right-to-left text", cv_bidi_needed(t, strlen(t)) && !cv_bidi_needed("abc \xE4\xB8\xAD", 7));
}

/* A right-to-left run is shaped right to left (brackets mirror) and comes back in logical
 * order: clusters ascending. */
static void test_shape_rtl(void)
{
    const char *path = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
    cv_face *f = cv_face_open(path, 0);
    cv_shaper *sh = cv_shaper_new(NULL, NULL, NULL);
    CHECK("shape rtl: DejaVu Sans opens", f && sh);
    if (f && sh) {
        const char *t = "(\xD8\xA8\xD8\xA8)"; /* (beh beh) */
        cv_sglyphs a = {0}, b = {0};
        int rc = cv_shape(sh, f, CVU_PT * 10, t, 6, 0, 6, "ar", CV_SHAPE_RTL | CV_SHAPE_BIDI, &a) |
                 cv_shape(sh, f, CVU_PT * 10, t, 6, 0, 6, "ar", 0, &b);
        bool ascending = !rc && a.n == 4;
        for (size_t k = 1; ascending && k < a.n; k++)
            ascending = a.v[k].cluster > a.v[k - 1].cluster;
        CHECK("shape rtl: clusters in logical order", ascending);
        CHECK("shape rtl: the opening parenthesis is mirrored", !rc && a.n == 4 && b.n == 4 && a.v[0].gid == b.v[3].gid &&
                                                                   a.v[3].gid == b.v[0].gid);
        free(a.v);
        free(b.v);
    }
    cv_shaper_free(sh);
    cv_face_free(f);
}

/* Patterns load when the first word needs them, and only for a language that has them. */
static void test_hyphen(void)
{
    cv_hyph *en = cv_hyph_new("en", NULL), *none = cv_hyph_new("xx", NULL);
    uint8_t pts[32];
    CHECK("hyphenation: English has patterns, xx none", en && !none);
    CHECK("hyphenation: points in 'typesetting'", en && !cv_hyph_word(en, "typesetting", 11, pts) && pts[4] + pts[5] + pts[6] + pts[7] > 0);
    cv_hyph_free(en);
    /* 8-bit dictionaries: German's is ISO8859-1, Russian's KOI8-R; words reach them converted */
    cv_hyph *de = cv_hyph_new("de", NULL), *ru = cv_hyph_new("ru", NULL), *fr = cv_hyph_new("fr", NULL);
    CHECK("hyphenation: German, Russian and French have patterns (hyphen-de, -ru, -fr)", de && ru && fr);
    if (de && ru && fr) {
        const char *ub = "\xC3\x9C" "berblick"; /* Überblick: Über-blick */
        CHECK("hyphenation: 'Überblick' (ISO8859-1 patterns, a capital umlaut) breaks after 'Über'",
              !cv_hyph_word(de, ub, strlen(ub), pts) && pts[5] && !pts[3] && !pts[4]);
        const char *rw = "\xD0\xBF\xD1\x80\xD0\xB8\xD0\xBB\xD0\xBE\xD0\xB6\xD0\xB5\xD0\xBD\xD0\xB8\xD0\xB9"; /* приложений */
        CHECK("hyphenation: 'приложений' (KOI8-R patterns) breaks after 'при'", !cv_hyph_word(ru, rw, strlen(rw), pts) && pts[6]);
        const char *fw = "d\xC3\xA9veloppement"; /* développement: dé-ve-lop-pe-ment */
        CHECK("hyphenation: 'développement' (UTF-8 patterns) breaks after 'dé'", !cv_hyph_word(fr, fw, strlen(fw), pts) && pts[3]);
    }
    cv_hyph_free(de);
    cv_hyph_free(ru);
    cv_hyph_free(fr);
}

/* The language of a text: by script for CJK, by character for Traditional Chinese, by CLD2
 * for the rest; and Korean keeps its words whole. */
static void test_langid(void)
{
    char l[16];
    const char *de = "Ich habe neun Jahre Erfahrung in der Softwareentwicklung und arbeite gern im Team.";
    cv_langid(de, strlen(de), l, sizeof l);
    CHECK("langid: German", !strcmp(l, "de"));
    const char *he = "\xD7\x90\xD7\xA0\xD7\x99 \xD7\x9E\xD7\xA4\xD7\xAA\xD7\x97\xD7\xAA \xD7\xAA\xD7\x95\xD7\x9B\xD7\xA0\xD7\x94 \xD7\x91\xD7\x9B\xD7\x99\xD7\xA8\xD7\x94 \xD7\xA2\xD7\x9D \xD7\xA0\xD7\x99\xD7\xA1\xD7\x99\xD7\x95\xD7\x9F \xD7\xA9\xD7\x9C \xD7\xA9\xD7\x91\xD7\xA2 \xD7\xA9\xD7\xA0\xD7\x99\xD7\x9D";
    cv_langid(he, strlen(he), l, sizeof l);
    CHECK("langid: Hebrew is he (CLD2's iw)", !strcmp(l, "he"));
    const char *en = "I have built distributed systems for nine years and enjoy working in a team.";
    cv_langid(en, strlen(en), l, sizeof l);
    CHECK("langid: English", !strcmp(l, "en"));
    const char *tw = "\xE6\x93\x81\xE6\x9C\x89\xE5\x85\xAB\xE5\xB9\xB4\xE5\xBE\x8C\xE7\xAB\xAF\xE9\x96\x8B\xE7\x99\xBC\xE7\xB6\x93\xE9\xA9\x97\xEF\xBC\x8C\xE7\x86\x9F\xE6\x82\x89\xE8\xB3\x87\xE6\x96\x99\xE5\xBA\xAB"; /* 擁有八年後端開發經驗，熟悉資料庫 */
    size_t trad, simp;
    cv_han_variant(tw, strlen(tw), &trad, &simp);
    cv_langid(tw, strlen(tw), l, sizeof l);
    CHECK("langid: Traditional Chinese is zh-TW", trad >= 3 && simp == 0 && !strcmp(l, "zh-TW"));
    const char *cn = "\xE6\x8B\xA5\xE6\x9C\x89\xE5\x85\xAB\xE5\xB9\xB4\xE5\x90\x8E\xE7\xAB\xAF\xE5\xBC\x80\xE5\x8F\x91\xE7\xBB\x8F\xE9\xAA\x8C\xEF\xBC\x8C\xE7\x86\x9F\xE6\x82\x89\xE6\x95\xB0\xE6\x8D\xAE\xE5\xBA\x93"; /* 拥有八年后端开发经验，熟悉数据库 */
    cv_langid(cn, strlen(cn), l, sizeof l);
    CHECK("langid: Simplified Chinese is zh", !strcmp(l, "zh"));
    /* 10년차 Docker를: no break inside either, one between the words */
    const char *ko = "10\xEB\x85\x84\xEC\xB0\xA8 Docker\xEB\xA5\xBC";
    uint8_t brk[32];
    CHECK("breaks: Korean words stay whole (keep-all)",
          !cv_line_breaks(ko, strlen(ko), "ko", brk) && !brk[2] && !brk[5] && brk[9] && !brk[15]);
}

/* Typographic punctuation: one text with its spans; the span offsets move with the text. */
static char *smart(const char *t, const char *lang, cv_span *sp, size_t n)
{
    char *out = NULL;
    uint32_t len = 0;
    cv_span whole = {0, (uint32_t)strlen(t), 0, -1, -1, 1, 1, 0, 0};
    if (!sp) {
        sp = &whole;
        n = 1;
    }
    return cv_smart_text(t, (uint32_t)strlen(t), sp, n, NULL, 0, lang, &out, &len) ? NULL : out;
}

static void test_smartpunct(void)
{
    struct {
        const char *in, *lang, *want;
    } c[] = {
        {"She said \"it's done\".", "en", "She said \xE2\x80\x9Cit\xE2\x80\x99s done\xE2\x80\x9D."},
        {"'single' and '90s", "en", "\xE2\x80\x98single\xE2\x80\x99 and \xE2\x80\x99" "90s"},
        {"Er sagte \"hallo\".", "de-DE", "Er sagte \xE2\x80\x9Ehallo\xE2\x80\x9C."},
        {"Il a dit \"oui\".", "fr", "Il a dit \xC2\xAB\xE2\x80\xAFoui\xE2\x80\xAF\xC2\xBB."},
        {"Он сказал \"да\".", "ru", "Он сказал \xC2\xABда\xC2\xBB."},
        {"\"\xE4\xBD\xA0\xE5\xA5\xBD\"", "zh-TW", "\xE3\x80\x8C\xE4\xBD\xA0\xE5\xA5\xBD\xE3\x80\x8D"},
        {"2021--2025 a---b c----d x-y", "en", "2021\xE2\x80\x93" "2025 a\xE2\x80\x94" "b c\xE2\x80\x93\xE2\x80\x93" "d x-y"},
        {"wait... no.... ok", "en", "wait\xE2\x80\xA6 no.... ok"},
        {"see https://a.org/x--y...z and www.b.com/\"q\" or a--b@c.org", "en",
         "see https://a.org/x--y...z and www.b.com/\"q\" or a--b@c.org"},
        {"a \" b", "en", "a \" b"},
        {"{{< figure src=\"x\" >}} and \"q\"", "en", "{{< figure src=\"x\" >}} and \xE2\x80\x9Cq\xE2\x80\x9D"},
        /* Hebrew: ” … ”, and the gershayim of צה"ל stays */
        {"\"\xD7\x92\xD7\x9C\" \xD7\xA6\xD7\x94\"\xD7\x9C", "he", "\xE2\x80\x9D\xD7\x92\xD7\x9C\xE2\x80\x9D \xD7\xA6\xD7\x94\"\xD7\x9C"},
    };
    for (size_t i = 0; i < sizeof c / sizeof *c; i++) {
        char *got = smart(c[i].in, c[i].lang, NULL, 0);
        char name[96];
        snprintf(name, sizeof name, "smartpunct: %.60s (%s)", c[i].in, c[i].lang);
        CHECK(name, got && !strcmp(got, c[i].want));
        if (got && strcmp(got, c[i].want))
            printf("#   got  %s\n#   want %s\n", got, c[i].want);
        free(got);
    }
    /* a code span is copied as written, and the spans after it move: "a" `"x"--` "b" */
    const char *t = "\"a\" \"x\"-- \"b\"";
    cv_span sp[3] = {{0, 4, 0, -1, -1, 1, 1, 0, 0}, {4, 9, CV_S_CODE, -1, -1, 1, 5, 0, 0}, {9, 13, 0, -1, -1, 1, 10, 0, 0}};
    char *got = smart(t, "en", sp, 3);
    CHECK("smartpunct: code copied, spans moved",
          got && !strcmp(got, "\xE2\x80\x9C" "a\xE2\x80\x9D \"x\"-- \xE2\x80\x9C" "b\xE2\x80\x9D") && sp[0].end == 8 &&
              sp[1].start == 8 && sp[1].end == 13 && sp[2].start == 13 && sp[2].end == 21);
    free(got);
}

/* GitHub's shortcodes: known names only, closed by a colon. */
static void test_shortcodes(void)
{
    const char *e = NULL;
    CHECK("shortcode: :rocket:", cv_shortcode_at("a :rocket: b", 12, 2, &e) == 8 && !strcmp(e, "\xF0\x9F\x9A\x80"));
    CHECK("shortcode: :+1: and :-1:", cv_shortcode_at(":+1:", 4, 0, &e) == 4 && cv_shortcode_at(":-1:", 4, 0, &e) == 4);
    CHECK("shortcode: unknown, unclosed, empty, upper case",
          !cv_shortcode_at(":octocat:", 9, 0, &e) && !cv_shortcode_at(":smile", 6, 0, &e) && !cv_shortcode_at("::", 2, 0, &e) &&
              !cv_shortcode_at(":Smile:", 7, 0, &e));
    /* the first and the last name of the table are found (the bisection's ends) */
    CHECK("shortcode: table ends", cv_shortcode_at(":+1:", 4, 0, &e) && cv_shortcode_at(":zzz:", 5, 0, &e));
}

/* Where GitHub's math is in a Markdown source, and what stays text. */
static void test_mathsrc(void)
{
    struct {
        const char *in;
        int n;          /* formulas found */
        const char *tex; /* the first one's TeX */
    } c[] = {
        {"overlap ($P_{comp} \\cap P_{comm}$) strategies", 1, "P_{comp} \\cap P_{comm}"},
        {"costs $5 and $10 a day", 0, NULL},
        {"from $20,000 to $30,000", 0, NULL},
        {"a $ b $ c", 0, NULL},
        {"escaped \\$x\\$ and `$y$` in code", 0, NULL},
        {"inline $`a_1`$ form", 1, "a_1"},
        {"```\n$x$\n```\n", 0, NULL},
        {"<div>$x$</div>\n", 0, NULL},
        {"one $$\\sum x$$ display", 1, "\\sum x"},
        {"$$\nE = mc^2\n$$\n", 0, NULL}, /* (a ```math fence, no placeholder) */
        {"$a$ and $b$", 2, "a"},
    };
    for (size_t i = 0; i < sizeof c / sizeof *c; i++) {
        cv_mathspans sp;
        memset(&sp, 0, sizeof sp);
        char *out = NULL;
        size_t ol = 0;
        int rc = cv_math_scan(c[i].in, strlen(c[i].in), &out, &ol, &sp);
        char name[96];
        snprintf(name, sizeof name, "mathsrc: %.60s", c[i].in);
        bool ok = rc == 0 && (int)sp.n == c[i].n &&
                  (!c[i].tex || (sp.n && sp.v[0].tlen == strlen(c[i].tex) && !memcmp(c[i].in + sp.v[0].toff, c[i].tex, sp.v[0].tlen)));
        /* a placeholder as long as its formula (4 bytes or more): the columns after it stay */
        if (ok && sp.n && sp.v[0].len >= 4)
            ok = ol == strlen(c[i].in);
        CHECK(name, ok);
        free(out);
        free(sp.v);
    }
    cv_mathspans sp;
    memset(&sp, 0, sizeof sp);
    char *out = NULL;
    size_t ol = 0;
    const char *d = "$$\nE = mc^2\n$$\n";
    CHECK("mathsrc: $$ lines become a math fence",
          !cv_math_scan(d, strlen(d), &out, &ol, &sp) && out && !strcmp(out, "```math\nE = mc^2\n```\n"));
    free(out);
    free(sp.v);
}

/* The layout of a few formulas with the MATH font. */
static void test_math_layout(void)
{
    cv_face *f = cv_face_open("/usr/share/fonts/truetype/dejavu/DejaVuMathTeXGyre.ttf", 0);
    CHECK("math: DejaVu Math TeX Gyre opens, with a MATH table", f && cv_face_has_math(f));
    if (!f)
        return;
    cv_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    cvu pt = CVU_PT;
    cv_mathbox b;
    /* a fraction: the numerator above the bar, the denominator below, centred */
    cv_math_layout(&ctx, f, "\\frac{a}{b}", 10, 10 * pt, false, 1, 1, &b);
    CHECK("math: \\frac: numerator up, denominator down, a bar between",
          b.glyphs.n == 2 && b.rules.n == 1 && b.glyphs.v[0].y > b.rules.v[0].y1 && b.glyphs.v[1].y < b.rules.v[0].y0 &&
              b.h > 0 && b.d > 0);
    CHECK("math: \\frac in text style: its parts at the script size", b.glyphs.v[0].size < 10 * pt);
    CHECK("math: linear form a/b", !strcmp(b.text.p + b.linear, "a/b"));
    cv_mathbox_free(&b);
    /* scripts: the superscript raised, the subscript lowered, both smaller, after the base */
    cv_math_layout(&ctx, f, "x_i^2", 5, 10 * pt, false, 1, 1, &b);
    CHECK("math: x_i^2: the sub down, the sup up, right of x",
          b.glyphs.n == 3 && b.glyphs.v[1].y < 0 && b.glyphs.v[2].y > 0 && b.glyphs.v[1].x > 0 && b.glyphs.v[2].x > 0 &&
              b.glyphs.v[1].size < 10 * pt);
    /* the italic x extracts as x */
    CHECK("math: the italic 𝑥 extracts as x", b.glyphs.v[0].tlen == 1 && b.text.p[b.glyphs.v[0].toff] == 'x');
    cv_mathbox_free(&b);
    /* display style: a bigger sum, its limits above and below */
    cv_mathbox t, d;
    cv_math_layout(&ctx, f, "\\sum_{i=1}^n", 12, 10 * pt, false, 1, 1, &t);
    cv_math_layout(&ctx, f, "\\sum_{i=1}^n", 12, 10 * pt, true, 1, 1, &d);
    CHECK("math: the display sum is taller, its limits over and under it",
          d.h + d.d > t.h + t.d && d.glyphs.n == 5 && d.glyphs.v[4].y > 0 && d.glyphs.v[1].y < 0 &&
              t.glyphs.v[4].x > t.glyphs.v[0].x);
    CHECK("math: linear ∑_(i = 1)^n", !strcmp(d.text.p + d.linear, "\xE2\x88\x91_(i = 1)^n"));
    cv_mathbox_free(&t);
    cv_mathbox_free(&d);
    /* \\left( \\right) grow with what they hold */
    cv_mathbox small, tall;
    cv_math_layout(&ctx, f, "\\left(x\\right)", 15, 10 * pt, true, 1, 1, &small);
    cv_math_layout(&ctx, f, "\\left(\\frac{a}{b}\\right)", 25, 10 * pt, true, 1, 1, &tall);
    CHECK("math: \\left( grows around a fraction", tall.h + tall.d > small.h + small.d && tall.glyphs.v[2].gid != small.glyphs.v[1].gid);
    cv_mathbox_free(&small);
    cv_mathbox_free(&tall);
    /* a radical: its bar over the body */
    cv_math_layout(&ctx, f, "\\sqrt{x}", 8, 10 * pt, false, 1, 1, &b);
    CHECK("math: \\sqrt: a bar over x", b.rules.n == 1 && b.rules.v[0].y0 > 0 && b.rules.v[0].x0 <= b.glyphs.v[0].x);
    cv_mathbox_free(&b);
    /* braces nested deeper than anyone writes: no crash, the rest as text */
    char deep[400];
    memset(deep, '{', 200);
    memset(deep + 200, '}', 199);
    deep[399] = 0;
    CHECK("math: 200 nested braces lay out", !cv_math_layout(&ctx, f, deep, strlen(deep), 10 * pt, false, 1, 1, &b));
    cv_mathbox_free(&b);
    cv_face_free(f);
}

/* GitHub's slugs. */
static void test_slug(void)
{
    struct {
        const char *in, *want;
    } c[] = {{"Skills & Tools", "skills--tools"}, {"C++ and Go!", "c-and-go"}, {"\xC3\x9C" "ber uns", "\xC3\xBC" "ber-uns"},
             {"snake_case name", "snake_case-name"}, {"2021 \xE2\x80\x93 2025", "2021--2025"},
             {"\xE6\x8A\x80\xE8\x83\xBD", "\xE6\x8A\x80\xE8\x83\xBD"}, {"\xF0\x9F\x9A\x80 Summary", "-summary"}};
    for (size_t i = 0; i < sizeof c / sizeof *c; i++) {
        cv_buf b = {0};
        cv_slug(c[i].in, strlen(c[i].in), &b);
        cv_buf_add(&b, "", 0);
        char name[96];
        snprintf(name, sizeof name, "slug: %s -> %s", c[i].in, c[i].want);
        CHECK(name, b.p && !strcmp(b.p, c[i].want));
        cv_buf_free(&b);
    }
}

int main(void)
{
    test_fixed();
    test_utf8();
    test_breaks();
    test_frontmatter();
    test_build();
    test_tags();
    test_locale();
    test_emoji();
    test_memo();
    test_shape_memo();
    test_bidi();
    test_shape_rtl();
    test_hyphen();
    test_langid();
    test_smartpunct();
    test_slug();
    test_shortcodes();
    test_mathsrc();
    test_math_layout();
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
