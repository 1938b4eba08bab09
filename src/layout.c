/* layout.c: the model's blocks to a vertical list of lines, spaces, rules and outline marks
 * (cv_vlist): the driver of the layout stage.
 *
 * For each block, in order: the space before it (paragraph spacing, tight lists, heading
 * spacing), its indent (lists, quotes, code), an outline mark for a heading, then its lines
 * from block.c (or table.c for a table), and the rule under a section heading. Within a
 * block, the files named in layout_int.h do the work: a face for each grapheme (facepick.c),
 * runs shaped with HarfBuzz (itemize.c), boxes, glue and penalties (items.c), Knuth-Plass
 * line breaking over them (block.c, linebreak.c), each line set (setline.c). Keep-with-next
 * flags make headings stay with two lines of what follows and paragraphs leave no single
 * first or last line behind; paginate.c honours them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout_int.h"

cv_layout *cv_layout_new(cv_ctx *ctx, cv_fonts *fonts, const cv_style *st, const char *lang, cv_hyph *hyph)
{
    cv_layout *l = calloc(1, sizeof *l);
    if (!l)
        return NULL;
    l->ctx = ctx;
    l->fonts = fonts;
    l->st = st;
    l->hyph = hyph;
    if (!(l->shaper = cv_shaper_new(ctx->memos ? ctx->memos->shapes : NULL, ctx->disk, ctx->name))) {
        free(l);
        return NULL;
    }
    snprintf(l->lang, sizeof l->lang, "%s", lang ? lang : "en");
    l->cjk_doc = !strncmp(l->lang, "zh", 2) || !strncmp(l->lang, "ja", 2) || !strncmp(l->lang, "ko", 2);
    return l;
}

void cv_layout_free(cv_layout *l)
{
    if (!l)
        return;
    if (l->uncovered_more)
        cv_diag(l->ctx, CVPDF_WARNING, CVPDF_D_CHAR_UNCOVERED, 0, 0,
                "%d more characters no installed font covers were drawn as boxes",
                l->uncovered_more);
    free(l->bg.v);
    free(l->sg.v);
    cv_shaper_free(l->shaper);
    cv_map_free(&l->warned);
    cv_map_free(&l->used_seen);
    free(l->items.v);
    free(l->breaks.v);
    free(l->pieces.v);
    free(l->used.v);
    for (size_t i = 0; i < l->maths.n; i++)
        cv_mathbox_free(&l->maths.v[i].box);
    free(l->maths.v);
    free(l);
}

void cv_vlist_free(cv_vlist *vl)
{
    free(vl->items.v);
    free(vl->glyphs.v);
    free(vl->boxes.v);
    free(vl->rules.v);
    free(vl->refs.v);
    for (size_t i = 0; i < vl->strings.n; i++)
        free(vl->strings.v[i]);
    free(vl->strings.v);
    memset(vl, 0, sizeof *vl);
}

int cv_lay_dir(const cv_layout *l, const cv_block *blk)
{
    if (blk->dir == CV_DIR_LTR || blk->dir == CV_DIR_RTL)
        return blk->dir;
    if (blk->kind == CV_B_CODE)
        return CV_DIR_LTR; /* code reads left to right whatever its comments hold */
    if (l->model && l->model->dir_forced)
        return l->model->dir;
    int d = cv_bidi_first_strong(blk->text, blk->len);
    if (d == CV_DIR_AUTO)
        d = l->model && l->model->dir == CV_DIR_RTL ? CV_DIR_RTL : CV_DIR_LTR;
    return d;
}

static int push_space(cv_layout *l, cv_vlist *out, cvu h, bool keep)
{
    cv_vitem it;
    memset(&it, 0, sizeof it);
    it.kind = CV_V_SPACE;
    it.height = h;
    it.keep_next = keep;
    if (CV_PUSH(out->items, it)) {
        l->ctx->oom = true;
        return -1;
    }
    return 0;
}

static cvu space_before(const cv_style *st, const cv_block *b, const cv_block *prev)
{
    if (!prev)
        return 0;
    if (b->kind == CV_B_HEADING)
        return st->h_space_before[b->level - 1];
    if (prev->kind == CV_B_HEADING)
        return st->h_space_after[prev->level - 1];
    if (b->kind == CV_B_RULE || prev->kind == CV_B_RULE)
        return st->para_space;
    if (b->tight)
        return st->para_space / 4;
    return st->para_space;
}

/* A hairline rule item across [x0, x1] taking height, centred in it. */
static int push_rule(cv_vlist *out, cvu x0, cvu x1, cvu height, uint32_t color, bool keep_next)
{
    cv_vitem it;
    memset(&it, 0, sizeof it);
    it.kind = CV_V_RULE;
    it.height = height;
    it.x0 = x0;
    it.x1 = x1;
    it.thickness = CVU_R(1, 2);
    it.color = color;
    it.keep_next = keep_next;
    return CV_PUSH(out->items, it);
}

/* A heading keeps with at least two lines of what follows it, whatever blocks they are in. */
static void keep_after_headings(cv_vlist *out, const size_t *ends, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        int lines = 0;
        for (size_t j = ends[k]; j < out->items.n && lines < 2; j++) {
            if (out->items.v[j].kind == CV_V_LINE && ++lines == 2)
                break;
            out->items.v[j].keep_next = true;
        }
    }
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* The anchors links jump to, as (block << 32 | anchor) in block order: each marks its place
 * before its block. NULL when none (or on OOM, with ctx->oom set). */
static uint64_t *used_anchors(cv_layout *l, const cv_model *m, size_t *n)
{
    *n = 0;
    uint64_t *v = NULL;
    for (size_t i = 0; i < m->anchors.n; i++)
        *n += m->anchors.v[i].used;
    if (!*n || !(v = malloc(*n * sizeof *v))) {
        l->ctx->oom |= *n != 0;
        *n = 0;
        return NULL;
    }
    size_t k = 0;
    for (size_t i = 0; i < m->anchors.n; i++)
        if (m->anchors.v[i].used)
            v[k++] = (uint64_t)m->anchors.v[i].block << 32 | i;
    qsort(v, k, sizeof *v, cmp_u64);
    return v;
}

/* Items [items0, ..) came from block i (b): they say so, and which footnote they set. */
static void mark_items(cv_vlist *out, size_t items0, const cv_block *b, size_t i)
{
    for (size_t k = items0; k < out->items.n; k++) {
        out->items.v[k].note = b->note;
        out->items.v[k].block = (uint32_t)i + 1;
    }
}

int cv_layout_model(cv_layout *l, const cv_model *m, cv_vlist *out)
{
    const cv_style *st = l->st;
    l->model = m;
    CV_VEC(size_t) heading_ends;
    memset(&heading_ends, 0, sizeof heading_ends);
    cvu text_w = st->page_w - st->margin_l - st->margin_r;
    const cv_block *prev = NULL;
    size_t nanchors = 0, next_anchor = 0;
    uint64_t *anchors = used_anchors(l, m, &nanchors);
    /* the header block: a first level-1 heading is the name, a paragraph after it the contact
     * line; the style aligns them */
    size_t name_at = SIZE_MAX;
    for (size_t i = 0; i < m->blocks.n; i++)
        if (m->blocks.v[i].kind == CV_B_HEADING || m->blocks.v[i].kind == CV_B_PARA) {
            if (m->blocks.v[i].kind == CV_B_HEADING && m->blocks.v[i].level == 1)
                name_at = i;
            break;
        }
    for (size_t i = 0; i < m->blocks.n && !l->ctx->oom; i++) {
        cv_block hb = m->blocks.v[i];
        const cv_block *b = &hb;
        bool style_align = false; /* the style's, which means "start" or "end" */
        if (name_at != SIZE_MAX && hb.align == CV_ALIGN_DEFAULT) {
            if (i == name_at)
                hb.align = st->name_align, style_align = true;
            else if (i == name_at + 1 && hb.kind == CV_B_PARA)
                hb.align = st->contact_align, style_align = true;
        }
        if (hb.kind == CV_B_HEADING && hb.level == 2 && st->h2_upper) {
            /* capitals for section headings (ASCII letters: the byte offsets stay) */
            char *up = cv_strndup(hb.text, hb.len);
            if (!up || CV_PUSH(out->strings, up)) {
                free(up);
                goto fail;
            }
            for (char *c = up; *c; c++)
                if (*c >= 'a' && *c <= 'z')
                    *c = (char)(*c - 32);
            hb.text = up;
        }
        cvu sp = space_before(st, b, prev);
        size_t items0 = out->items.n; /* (a note's items are marked as its own below) */
        if (prev && prev->note == b->note && push_space(l, out, sp, prev->kind == CV_B_HEADING))
            goto fail;
        for (; next_anchor < nanchors && anchors[next_anchor] >> 32 <= i; next_anchor++) {
            const cv_anchor *a = &m->anchors.v[anchors[next_anchor] & 0xFFFFFFFFu];
            cv_vitem mk;
            memset(&mk, 0, sizeof mk);
            mk.kind = CV_V_MARK;
            mk.anchor = (int32_t)(anchors[next_anchor] & 0xFFFFFFFFu);
            mk.text = a->name;
            mk.tlen = (uint32_t)strlen(a->name);
            mk.keep_next = true; /* the place stays with what it names */
            if (CV_PUSH(out->items, mk))
                goto fail;
        }
        cvu indent = b->list_depth * st->list_indent + b->quote_depth * st->quote_indent;
        if (b->kind == CV_B_CODE)
            indent += st->quote_indent;
        if (indent > text_w / 2)
            indent = text_w / 2; /* deep nesting still leaves half the measure */
        /* a right-to-left block is indented from the right */
        hb.dir = (uint8_t)cv_lay_dir(l, b);
        bool rtl = hb.dir == CV_DIR_RTL && b->kind != CV_B_CODE;
        if (rtl && style_align && hb.align == CV_ALIGN_LEFT)
            hb.align = CV_ALIGN_DEFAULT; /* a right-to-left name starts at the right */
        else if (rtl && style_align && hb.align == CV_ALIGN_RIGHT)
            hb.align = CV_ALIGN_LEFT;
        cvu x0 = st->margin_l + (rtl ? 0 : indent);
        if (b->kind == CV_B_RULE) {
            if (push_rule(out, x0, st->page_w - st->margin_r, CVU_R(1, 1), st->rule_color, false))
                goto fail;
            mark_items(out, items0, b, i);
            prev = &m->blocks.v[i];
            continue;
        }
        if (b->kind == CV_B_HEADING) {
            cv_vitem mk;
            memset(&mk, 0, sizeof mk);
            mk.kind = CV_V_MARK;
            mk.level = b->level;
            mk.text = b->text;
            mk.tlen = b->len;
            mk.keep_next = true;
            if (CV_PUSH(out->items, mk))
                goto fail;
        }
        if (b->kind == CV_B_TABLE) {
            if (cv_lay_table(l, b, x0, text_w - indent, out))
                goto fail;
            mark_items(out, items0, b, i);
            prev = &m->blocks.v[i];
            continue;
        }
        l->block_lang = m->blocks.v[i].lang[0] ? m->blocks.v[i].lang : NULL;
        int laid = cv_lay_block(l, b, x0, text_w - indent, out);
        l->block_lang = NULL;
        if (laid)
            goto fail;
        /* section headings carry a hairline rule under them */
        if (b->kind == CV_B_HEADING && b->level == 2 && st->h2_rule &&
            push_rule(out, x0, st->page_w - st->margin_r - (rtl ? indent : 0), CVU_R(2, 1),
                      st->accent_color == st->heading_color ? st->rule_color : st->accent_color, true))
            goto fail;
        if (b->kind == CV_B_HEADING && CV_PUSH(heading_ends, out->items.n))
            l->ctx->oom = true;
        mark_items(out, items0, b, i);
        prev = &m->blocks.v[i];
    }
    keep_after_headings(out, heading_ends.v, heading_ends.n);
    free(heading_ends.v);
    free(anchors);
    return l->ctx->oom ? -1 : 0;
fail:
    l->ctx->oom = true; /* (every failure here is an allocation's) */
    free(heading_ends.v);
    free(anchors);
    return -1;
}

const char *cv_layout_name(const cv_layout *l, size_t *len)
{
    if (l->model && !l->model->title_heading) /* a page's title is not its author's name */
        for (size_t i = 0; i < l->model->blocks.n; i++)
            if (l->model->blocks.v[i].kind == CV_B_HEADING) {
                if (l->model->blocks.v[i].level != 1)
                    break;
                *len = l->model->blocks.v[i].len;
                return l->model->blocks.v[i].text;
            }
    return NULL;
}

/* Text beyond ASCII (a footer's name in Arabic or Chinese): laid out as a paragraph of one
 * line, so that each character gets a face that has it and right-to-left text its order,
 * then scaled from the body size to size. */
static cvu layout_text_any(cv_layout *l, const char *text, size_t len, cvu size, uint32_t color, cv_vlist *out)
{
    cv_block b;
    memset(&b, 0, sizeof b);
    b.kind = CV_B_PARA;
    b.text = (char *)text; /* NOLINT(clang-analyzer-*): only read */
    b.len = (uint32_t)len;
    b.align = CV_ALIGN_LEFT;
    cv_vlist tmp;
    memset(&tmp, 0, sizeof tmp);
    const cv_model *m = l->model;
    cvu body = l->st->body_size;
    cvu w = -1;
    if (!cv_lay_block(l, &b, 0, l->st->page_w * 8, &tmp) && tmp.items.n == 1 && tmp.items.v[0].kind == CV_V_LINE) {
        const cv_vitem *it = &tmp.items.v[0];
        w = it->width * size / body;
        for (size_t k = it->g0; k < it->g1 && w >= 0; k++) {
            cv_lglyph g = tmp.glyphs.v[k];
            g.x = (it->x0 + g.x) * size / body;
            g.dy = g.dy * size / body;
            g.size = g.size * size / body;
            g.color = color;
            if (CV_PUSH(out->glyphs, g)) {
                l->ctx->oom = true;
                w = -1;
            }
        }
    }
    l->model = m;
    cv_vlist_free(&tmp);
    return w;
}

cvu cv_layout_text(cv_layout *l, const char *text, size_t len, cvu size, uint32_t color,
                   cv_vlist *out)
{
    int id = cv_fonts_role(l->fonts, CV_F_REGULAR);
    /* in the regular face alone when it has every character and none is right to left (a
     * bullet, a page number) */
    cv_face *rf = cv_fonts_face(l->fonts, id);
    bool plain = rf && !cv_bidi_needed(text, len);
    for (size_t i = 0; i < len && plain;) {
        uint32_t cp = cv_utf8_next(text, len, &i);
        plain = cp < 0x80 || cv_face_has(rf, cp);
    }
    if (!plain)
        return layout_text_any(l, text, len, size, color, out);
    return cv_lay_text_runs(l, text, len, size, color, out);
}

/* One run of text in face id, shaped, at pen. */
static int text_run(cv_layout *l, int id, const char *text, size_t s, size_t e, cvu size, uint32_t color, cvu *pen,
                    cv_vlist *out)
{
    cv_face *f = cv_fonts_face(l->fonts, id);
    if (!f)
        return -1;
    cv_sglyphs sg;
    memset(&sg, 0, sizeof sg);
    if (cv_shape(l->shaper, f, size, text, e, s, e, l->lang, 0, &sg)) {
        free(sg.v);
        l->ctx->oom = true;
        return -1;
    }
    for (size_t k = 0; k < sg.n; k++) {
        bool first = k == 0 || sg.v[k - 1].cluster != sg.v[k].cluster;
        size_t m = k + 1;
        while (m < sg.n && sg.v[m].cluster == sg.v[k].cluster)
            m++;
        uint32_t cend = m < sg.n ? sg.v[m].cluster : (uint32_t)e;
        cv_lglyph g = {.x = *pen + sg.v[k].dx, .dy = sg.v[k].dy, .size = size, .gid = sg.v[k].gid,
                       .face = (uint16_t)id, .ncl = first ? (uint16_t)(m - k) : 0, .color = color,
                       .text = first ? text + sg.v[k].cluster : NULL,
                       .tlen = first ? cend - sg.v[k].cluster : 0, .mode = CV_GM_TEXT, .image = -1};
        *pen += sg.v[k].adv;
        if (CV_PUSH(out->glyphs, g)) {
            free(sg.v);
            l->ctx->oom = true;
            return -1;
        }
    }
    free(sg.v);
    return 0;
}

cvu cv_lay_text_runs(cv_layout *l, const char *text, size_t len, cvu size, uint32_t color, cv_vlist *out)
{
    int reg = cv_fonts_role(l->fonts, CV_F_REGULAR);
    cv_face *rf = cv_fonts_face(l->fonts, reg);
    if (!rf)
        return -1;
    cvu pen = 0;
    size_t run = 0;
    int run_id = reg;
    for (size_t i = 0; i < len;) {
        size_t at = i;
        uint32_t cp = cv_utf8_next(text, len, &i);
        int id = reg, synth = 0;
        if (cp >= 0x80 && !cv_face_has(rf, cp) && !cv_char_is_ignorable(cp)) {
            id = cv_fonts_fallback(l->fonts, cp, false, false, &synth);
            if (id < 0)
                id = reg; /* .notdef: the character is reported where the block has it */
        }
        if (id != run_id && at > run) {
            if (text_run(l, run_id, text, run, at, size, color, &pen, out))
                return -1;
            run = at;
        }
        run_id = id;
    }
    if (len > run && text_run(l, run_id, text, run, len, size, color, &pen, out))
        return -1;
    return pen;
}

int cv_layout_footer(cv_layout *l, size_t page, size_t npages, cv_vlist *out, size_t *item)
{
    *item = (size_t)-1;
    const cv_style *st = l->st;
    size_t name_len = 0;
    const char *name = st->footer_name ? cv_layout_name(l, &name_len) : NULL;
    if (!((npages > 1 && st->page_numbers) || name))
        return 0;
    char num[200];
    int len;
    int nl = (int)(name_len < 120 ? name_len : 120);
    /* "Name · 1 / 2": the name helps when pages part; numbers only when there are pages */
    if (name && npages > 1 && st->page_numbers)
        len = snprintf(num, sizeof num, "%.*s \xC2\xB7 %zu / %zu", nl, name, page + 1, npages);
    else if (name)
        len = snprintf(num, sizeof num, "%.*s", nl, name);
    else
        len = snprintf(num, sizeof num, "%zu / %zu", page + 1, npages);
    /* glyphs keep a pointer to their text until the PDF is written: give it a home */
    char *keep = cv_strndup(num, (size_t)len);
    if (!keep || CV_PUSH(out->strings, keep)) {
        free(keep);
        return -1;
    }
    cv_vitem it;
    memset(&it, 0, sizeof it);
    it.kind = CV_V_LINE;
    it.g0 = out->glyphs.n;
    cvu w = cv_layout_text(l, keep, (size_t)len, st->footer_size, st->muted_color, out);
    if (w < 0)
        return -1;
    it.g1 = out->glyphs.n;
    it.x0 = (st->page_w - w) / 2;
    it.width = w;
    if (CV_PUSH(out->items, it))
        return -1;
    *item = out->items.n - 1;
    return 0;
}
