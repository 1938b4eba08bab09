/* smartpunct.c: typographic punctuation, after the languages are known (a German paragraph
 * of an English résumé takes „…“). A straight quote opens when what is before it is a space,
 * the start or opening punctuation and what follows is not a space, and closes after a
 * non-space (CommonMark's flanking idea, as cmark's smart option reads it); an apostrophe
 * between letters, or before a digit ('90s), is ’. Runs of hyphens become dashes as cmark
 * splits them (--- —, -- –, the longest homogeneous run first), three dots an ellipsis.
 * Code spans, autolinks and URL-like words are copied as written.
 *
 * The text is rebuilt span by span, so each span's offsets move with its own bytes; context
 * (the characters on either side) is read from the original text. One pass, linear.
 */
#include <stdlib.h>
#include <string.h>

#include "breaks.h"
#include "smartpunct.h"

typedef struct quotes {
    const char *open2, *close2, *open1, *close1;
} quotes;

/* CLDR's quotation marks for the languages a résumé is likely in. */
static quotes quotes_for(const char *lang)
{
    static const quotes en = {"\xE2\x80\x9C", "\xE2\x80\x9D", "\xE2\x80\x98", "\xE2\x80\x99"};
    static const quotes de = {"\xE2\x80\x9E", "\xE2\x80\x9C", "\xE2\x80\x9A", "\xE2\x80\x98"};
    static const quotes pl = {"\xE2\x80\x9E", "\xE2\x80\x9D", "\xE2\x80\x9A", "\xE2\x80\x99"};
    /* French: guillemets with a narrow no-break space inside */
    static const quotes fr = {"\xC2\xAB\xE2\x80\xAF", "\xE2\x80\xAF\xC2\xBB", "\xE2\x80\xB9\xE2\x80\xAF",
                              "\xE2\x80\xAF\xE2\x80\xBA"};
    static const quotes guil = {"\xC2\xAB", "\xC2\xBB", "\xE2\x80\x9C", "\xE2\x80\x9D"};
    static const quotes sv = {"\xE2\x80\x9D", "\xE2\x80\x9D", "\xE2\x80\x99", "\xE2\x80\x99"};
    static const quotes da = {"\xC2\xBB", "\xC2\xAB", "\xE2\x80\xBA", "\xE2\x80\xB9"};
    /* Hebrew: CLDR's ” … ” */
    static const quotes he = {"\xE2\x80\x9D", "\xE2\x80\x9D", "\xE2\x80\x99", "\xE2\x80\x99"};
    static const quotes cjk = {"\xE3\x80\x8C", "\xE3\x80\x8D", "\xE3\x80\x8E", "\xE3\x80\x8F"};
    char l[4] = {0};
    for (int i = 0; i < 3 && lang && lang[i] && lang[i] != '-' && lang[i] != '_'; i++)
        l[i] = (char)(lang[i] | 32);
    static const char *const de_like[] = {"de", "cs", "sk", "sl", "bg", "lt", "et", "is", "ka"};
    static const char *const pl_like[] = {"pl", "ro", "hu", "hr", "sr", "nl"};
    static const char *const guil_like[] = {"es", "it", "ru", "uk", "be", "el", "ca", "pt", "ar", "fa", "nb", "no", "hy", "az", "kk"};
    for (size_t i = 0; i < sizeof de_like / sizeof *de_like; i++)
        if (!strcmp(l, de_like[i]))
            return de;
    for (size_t i = 0; i < sizeof pl_like / sizeof *pl_like; i++)
        if (!strcmp(l, pl_like[i]) && strcmp(l, "nl"))
            return pl;
    for (size_t i = 0; i < sizeof guil_like / sizeof *guil_like; i++)
        if (!strcmp(l, guil_like[i]))
            return strcmp(l, "pt") || !lang[2] || (lang[3] | 32) != 'b' ? guil : en; /* pt-BR: “” */
    if (!strcmp(l, "fr"))
        return fr;
    if (!strcmp(l, "sv") || !strcmp(l, "fi"))
        return sv;
    if (!strcmp(l, "da"))
        return da;
    if (!strcmp(l, "he") || !strcmp(l, "iw") || !strcmp(l, "yi"))
        return he;
    /* Japanese and Traditional Chinese: corner brackets */
    if (!strcmp(l, "ja"))
        return cjk;
    if (!strcmp(l, "zh") && lang[2] && (strstr(lang + 2, "TW") || strstr(lang + 2, "tw") || strstr(lang + 2, "HK") ||
                                        strstr(lang + 2, "hk") || strstr(lang + 2, "Hant") || strstr(lang + 2, "MO")))
        return cjk;
    return en;
}

static bool is_space(uint32_t cp) { return cp == 0 || cp == ' ' || cp == '\n' || cp == '\t' || cv_char_is_space(cp); }

/* Opening punctuation before a quote makes it an opener: ("…"), [“…”], —“…”. */
static bool is_opening(uint32_t cp)
{
    return cp == '(' || cp == '[' || cp == '{' || cp == 0x2014 || cp == 0x2013 || cp == '-' || cp == '/' ||
           cp == 0x201C || cp == 0x2018 || cp == 0xAB || cp == 0x201E || cp == 0x300C;
}

static bool is_hebrew_letter(uint32_t cp) { return cp >= 0x05D0 && cp <= 0x05EA; }

static bool is_wordchar(uint32_t cp) { return cp && cv_char_is_wordlike(cp); }

typedef struct rewriter {
    const char *t;
    uint32_t len;
    quotes q;
    cv_buf out;
} rewriter;

/* Whether the word starting at i looks like a URL or an e-mail address (copied as written). */
static size_t url_word(const rewriter *r, uint32_t i, uint32_t end)
{
    uint32_t j = i;
    bool url = false;
    while (j < end && r->t[j] != ' ' && r->t[j] != '\n' && r->t[j] != '\t') {
        if ((r->t[j] == ':' && j + 2 < end && r->t[j + 1] == '/' && r->t[j + 2] == '/') || r->t[j] == '@')
            url = true;
        j++;
    }
    if (!url && end - i >= 4 && !strncmp(r->t + i, "www.", 4))
        url = true;
    return url ? j - i : 0;
}

static void put(rewriter *r, const char *s) { cv_buf_puts(&r->out, s); }

/* n hyphens as cmark's smart punctuation splits them. */
static void dashes(rewriter *r, uint32_t n)
{
    uint32_t em = 0, en = 0;
    if (n % 3 == 0)
        em = n / 3;
    else if (n % 2 == 0)
        en = n / 2;
    else if (n % 3 == 2)
        em = (n - 2) / 3, en = 1;
    else
        em = (n - 4) / 3, en = 2;
    while (em--)
        put(r, "\xE2\x80\x94");
    while (en--)
        put(r, "\xE2\x80\x93");
}

/* The bytes [s, e) of one span, rewritten. */
static void rewrite(rewriter *r, uint32_t s, uint32_t e)
{
    const char *t = r->t;
    for (uint32_t i = s; i < e;) {
        char c = t[i];
        uint32_t prev = i ? cv_utf8_prev(t, i) : 0;
        if (is_space(prev)) {
            size_t u = url_word(r, i, e);
            if (u) {
                cv_buf_add(&r->out, t + i, u);
                i += (uint32_t)u;
                continue;
            }
        }
        if (c == '{' && i + 1 < e && (t[i + 1] == '{' || t[i + 1] == '%')) {
            /* a Liquid or Hugo tag prints as written (check.c reports it): up to its close,
             * looked for within 200 bytes */
            char want = t[i + 1] == '%' ? '%' : '}';
            uint32_t j = i + 2, lim = e - i > 200 ? i + 200 : e;
            while (j + 1 < lim && !(t[j] == want && t[j + 1] == '}'))
                j++;
            if (j + 1 < lim) {
                cv_buf_add(&r->out, t + i, j + 2 - i);
                i = j + 2;
                continue;
            }
        }
        if (c == '-' && i + 1 < e && t[i + 1] == '-') {
            uint32_t j = i;
            while (j < e && t[j] == '-')
                j++;
            dashes(r, j - i);
            i = j;
            continue;
        }
        if (c == '.' && i + 2 < e && t[i + 1] == '.' && t[i + 2] == '.' && (i + 3 >= e || t[i + 3] != '.') &&
            (prev != '.')) {
            put(r, "\xE2\x80\xA6");
            i += 3;
            continue;
        }
        if (c == '"' || c == '\'') {
            size_t k = i + 1;
            uint32_t next = k < r->len ? cv_utf8_next(t, r->len, &k) : 0;
            if (is_hebrew_letter(prev) && is_hebrew_letter(next)) {
                cv_buf_add(&r->out, &c, 1); /* gershayim and geresh: צה"ל, ג'ירפה */
                i++;
                continue;
            }
            bool after_open = is_space(prev) || is_opening(prev);
            const char *o = c == '"' ? r->q.open2 : r->q.open1, *cl = c == '"' ? r->q.close2 : r->q.close1;
            /* an apostrophe: don't, l'équipe, '90s */
            bool apostrophe = c == '\'' && ((is_wordchar(prev) && is_wordchar(next)) || (after_open && next >= '0' && next <= '9'));
            if (apostrophe)
                put(r, "\xE2\x80\x99");
            else if (after_open && !is_space(next))
                put(r, o);
            else if (!is_space(prev))
                put(r, cl);
            else
                cv_buf_add(&r->out, &c, 1); /* spaces on both sides: left as typed */
            i++;
            continue;
        }
        cv_buf_add(&r->out, &c, 1);
        i++;
    }
}

/* Whether span sp is copied as written: code, or an autolink (its text is its target). */
static bool verbatim(const char *t, const cv_span *sp, const char *const *links, size_t nlinks)
{
    if (sp->style & CV_S_CODE)
        return true;
    if (sp->link < 0 || (size_t)sp->link >= nlinks || !links[sp->link])
        return false;
    const char *h = links[sp->link];
    size_t n = sp->end - sp->start;
    if (!strncmp(h, "mailto:", 7))
        h += 7;
    return strlen(h) == n && !memcmp(h, t + sp->start, n);
}

int cv_smart_text(const char *text, uint32_t len, cv_span *spans, size_t nspans, const char *const *links,
                  size_t nlinks, const char *lang, char **out_text, uint32_t *out_len)
{
    rewriter r = {text, len, quotes_for(lang), {0}};
    uint32_t at = 0;
    for (size_t k = 0; k < nspans; k++) {
        cv_span *sp = &spans[k];
        if (sp->start > at) /* (spans cover the text; a gap is copied) */
            cv_buf_add(&r.out, text + at, sp->start - at);
        uint32_t s = sp->start < at ? at : sp->start, e = sp->end;
        sp->start = (uint32_t)r.out.len;
        if (verbatim(text, sp, links, nlinks))
            cv_buf_add(&r.out, text + s, e > s ? e - s : 0);
        else if (e > s)
            rewrite(&r, s, e);
        sp->end = (uint32_t)r.out.len;
        at = e > at ? e : at;
    }
    if (len > at)
        cv_buf_add(&r.out, text + at, len - at);
    cv_buf_add(&r.out, "", 0);
    if (r.out.oom) {
        cv_buf_free(&r.out);
        return -1;
    }
    *out_len = (uint32_t)r.out.len;
    *out_text = r.out.p ? r.out.p : cv_strndup("", 0);
    return *out_text ? 0 : -1;
}

/* Whether text has anything to rewrite (most blocks have not: they stay untouched). */
static bool has_candidates(const char *t, uint32_t len)
{
    for (uint32_t i = 0; i < len; i++)
        if (t[i] == '"' || t[i] == '\'' || (t[i] == '-' && i + 1 < len && t[i + 1] == '-') ||
            (t[i] == '.' && i + 2 < len && t[i + 1] == '.' && t[i + 2] == '.'))
            return true;
    return false;
}

static int smart_one(char **text, uint32_t *len, cv_span *spans, size_t nspans, const cv_model *m, const char *lang)
{
    if (!has_candidates(*text, *len))
        return 0;
    char *nt;
    uint32_t nl;
    cv_span *copy = malloc((nspans ? nspans : 1) * sizeof *copy);
    if (!copy)
        return -1;
    memcpy(copy, spans, nspans * sizeof *copy);
    if (cv_smart_text(*text, *len, copy, nspans, (const char *const *)m->links.v, m->links.n, lang, &nt, &nl)) {
        free(copy);
        return -1;
    }
    memcpy(spans, copy, nspans * sizeof *copy);
    free(copy);
    free(*text);
    *text = nt;
    *len = nl;
    return 0;
}

int cv_smart_punct(cv_model *m, const char *lang)
{
    for (size_t i = 0; i < m->blocks.n; i++) {
        cv_block *b = &m->blocks.v[i];
        if (b->kind == CV_B_CODE || b->kind == CV_B_RULE || b->kind == CV_B_TABLE)
            continue;
        if (smart_one(&b->text, &b->len, b->spans.v, b->spans.n, m, b->lang[0] ? b->lang : lang))
            return -1;
    }
    for (size_t t = 0; t < m->tables.n; t++)
        for (size_t c = 0; c < m->tables.v[t].cells.n; c++) {
            cv_cell *cell = &m->tables.v[t].cells.v[c];
            if (smart_one(&cell->text, &cell->len, cell->spans.v, cell->spans.n, m, lang))
                return -1;
        }
    return 0;
}
