/* hyphen.c: hyphenation points from libhyphen (its only client) with Debian's TeX-derived
 * pattern files (Liang's algorithm), e.g. /usr/share/hyphen/hyph_en_US.dic from hyphen-en-us.
 *
 * The dictionary is chosen from the document language ("en" → hyph_en_US, "de-CH" →
 * hyph_de_CH, ...). libhyphen indexes its result by character, so points are mapped back to
 * byte offsets here. At least 2 letters stay before a hyphen and 3 after it. A dictionary
 * states its charset on its first line: 46 of Debian's are UTF-8, the others 8-bit
 * (ISO8859-1 for German, KOI8-R for Russian, ISO8859-2, -7, -13): a word is converted to it
 * through a table made once from iconv when the dictionary loads.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hyphen.h>
#include <iconv.h>

#include "breaks.h"
#include "diskcache.h"
#include "hyph.h"
#include "memo.h"
#include "util.h"

#ifndef CVPDF_HYPHENDIR
#define CVPDF_HYPHENDIR "/usr/share/hyphen"
#endif

/* Loading the English patterns (libhyphen parses the text file into its own tables) takes
 * longer than laying out a two-page résumé, so it happens beside the layout: cv_hyph_prefetch
 * starts it on a thread of its own, and the first word that needs the dictionary joins that
 * thread and takes what it loaded. A dictionary nobody needed is waited for when it is freed:
 * no thread outlives the render (or the cache) that started it, so a program may unload the
 * library, fork or exit right after a render. A dictionary may be shared by renders on
 * several threads (through a cvpdf_cache): its lock guards the loading, and it is read-only
 * after. */
typedef struct load_job {
    pthread_t thread;
    char path[512];
    char disk[512];
    HyphenDict *dict; /* what the thread loaded, read once it is joined */
    void *arena;      /* when it was read from the disk cache: the one block it is in */
} load_job;

struct cv_hyph {
    pthread_mutex_t lock;
    bool tried;     /* dict is final */
    load_job *job;  /* a prefetch under way or finished, not yet joined */
    char path[512];
    char disk[512]; /* the cache directory (diskcache.c), or "" */
    HyphenDict *dict;
    void *arena;    /* dict's block when it came from the disk cache (else libhyphen's own) */
    cv_memo *words; /* word -> its points (len + 1 bytes): a résumé repeats its words, and a
                     * re-render through a cache all of them; NULL without memory */
    uint32_t high[128]; /* an 8-bit dictionary's charset: the code point of bytes 0x80-0xFF */
};

/* ---- the compiled patterns, kept on disk ---------------------------------------------------
 * libhyphen compiles its text file into an automaton each time it loads (8 ms for English,
 * 2.2 s for German's 292,000 states); the automaton is kept in the disk cache instead and
 * read back into one block, pointers rebuilt. The entry's key has the pattern file's
 * identity and the structures' sizes (the automaton is this machine's). Layout, each level
 * of the dictionary in turn: its HyphenDict; nohyphen (a length, -1 for none, and the
 * bytes); its HyphenState array; per state the match and repl strings (the same way) and
 * its HyphenTrans array. Every index is checked as it is read. */

/* s as its length (-1: NULL) and bytes; count > 1: that many strings one after the other, each
 * with its NUL (a dictionary's NOHYPHEN list: nohyphenl is the number of its commas, one less
 * than its strings), all but the last NUL counted */
static void ser_str(cv_buf *b, const char *s, int count)
{
    size_t n = 0;
    for (int k = 0; s && k < count; k++)
        n += strlen(s + n) + 1;
    int32_t len = s ? (int32_t)(n ? n - 1 : 0) : -1;
    cv_buf_add(b, &len, sizeof len);
    if (s)
        cv_buf_add(b, s, (size_t)len);
}

static void serialize(cv_buf *b, const HyphenDict *d)
{
    int32_t levels = 0;
    for (const HyphenDict *x = d; x; x = x->nextlevel)
        levels++;
    cv_buf_add(b, &levels, sizeof levels);
    /* each structure copied field by field into a zeroed one: their padding (which libhyphen
     * leaves as malloc gave it) is written as zeros, so an entry is the same bytes each time */
    for (const HyphenDict *x = d; x; x = x->nextlevel) {
        HyphenDict dz;
        memset(&dz, 0, sizeof dz);
        dz.lhmin = x->lhmin, dz.rhmin = x->rhmin, dz.clhmin = x->clhmin, dz.crhmin = x->crhmin;
        dz.nohyphenl = x->nohyphenl, dz.num_states = x->num_states, dz.utf8 = x->utf8;
        memcpy(dz.cset, x->cset, sizeof dz.cset);
        cv_buf_add(b, &dz, sizeof dz);
        ser_str(b, x->nohyphen, x->nohyphenl + 1);
        for (int i = 0; i < x->num_states; i++) {
            HyphenState sz;
            memset(&sz, 0, sizeof sz);
            /* (libhyphen sets these only for a state with a replacement; it reads them then) */
            if (x->states[i].repl)
                sz.replindex = x->states[i].replindex, sz.replcut = x->states[i].replcut;
            sz.fallback_state = x->states[i].fallback_state, sz.num_trans = x->states[i].num_trans;
            cv_buf_add(b, &sz, sizeof sz);
        }
        for (int i = 0; i < x->num_states; i++) {
            ser_str(b, x->states[i].match, 1);
            ser_str(b, x->states[i].repl, 1);
            for (int t = 0; t < x->states[i].num_trans; t++) {
                HyphenTrans tz;
                memset(&tz, 0, sizeof tz);
                tz.ch = x->states[i].trans[t].ch, tz.new_state = x->states[i].trans[t].new_state;
                cv_buf_add(b, &tz, sizeof tz);
            }
        }
    }
}

/* A reader of the entry that also lays out the block: with to == NULL it only measures. */
typedef struct reader {
    const unsigned char *p, *end;
    unsigned char *to;
    size_t used;
    bool bad;
} reader;

static const void *take(reader *r, size_t n)
{
    if (r->bad || (size_t)(r->end - r->p) < n) {
        r->bad = true;
        return NULL;
    }
    const void *at = r->p;
    r->p += n;
    return at;
}

/* n bytes of the block, aligned for any of the structures */
static void *place(reader *r, const void *from, size_t n)
{
    size_t at = (r->used + 15) & ~(size_t)15;
    r->used = at + n;
    if (!r->to || !from)
        return NULL;
    memcpy(r->to + at, from, n);
    return r->to + at;
}

/* A string, NUL-terminated in the block; *strings: how many NUL-terminated strings it holds */
static char *des_str(reader *r, int *strings)
{
    const int32_t *np = take(r, sizeof *np);
    int32_t n;
    *strings = 0;
    if (!np)
        return NULL;
    memcpy(&n, np, sizeof n);
    if (n < 0)
        return NULL;
    const char *s = take(r, (size_t)n);
    if (!s)
        return NULL;
    *strings = 1;
    for (int32_t k = 0; k < n; k++)
        *strings += !s[k];
    char *c = place(r, s, (size_t)n + 1);
    if (c)
        c[n] = '\0';
    return c;
}

static HyphenDict *deserialize(reader *r)
{
    const int32_t *lp = take(r, sizeof *lp);
    int32_t levels = 0;
    if (lp)
        memcpy(&levels, lp, sizeof levels);
    if (levels < 1 || levels > 2)
        r->bad = true; /* libhyphen makes one level, or two for COMPOUND patterns */
    HyphenDict *first = NULL, *prev = NULL;
    for (int32_t l = 0; l < levels && !r->bad; l++) {
        const HyphenDict *dp = take(r, sizeof *dp);
        if (!dp)
            break;
        HyphenDict d;
        memcpy(&d, dp, sizeof d);
        HyphenDict *to = place(r, &d, sizeof d);
        int strings;
        char *nohyphen = des_str(r, &strings);
        /* (hyphenate3 walks nohyphenl + 1 strings: they must all be there) */
        if (nohyphen && (d.nohyphenl < 0 || d.nohyphenl + 1 > strings))
            r->bad = true;
        if (d.num_states < 1 || d.num_states > 50000000) {
            r->bad = true;
            break;
        }
        size_t ns = (size_t)d.num_states;
        const HyphenState *sp = take(r, ns * sizeof *sp);
        HyphenState *states = place(r, sp, ns * sizeof *sp);
        for (size_t i = 0; i < ns && !r->bad; i++) {
            HyphenState st;
            memcpy(&st, sp + i, sizeof st);
            int ms, rs;
            char *match = des_str(r, &ms), *repl = des_str(r, &rs);
            if (st.num_trans < 0 || st.fallback_state < -1 || st.fallback_state >= d.num_states) {
                r->bad = true;
                break;
            }
            const HyphenTrans *tp = take(r, (size_t)st.num_trans * sizeof *tp);
            HyphenTrans *trans = place(r, tp, (size_t)st.num_trans * sizeof *tp);
            for (int t = 0; tp && t < st.num_trans; t++) {
                HyphenTrans tr;
                memcpy(&tr, tp + t, sizeof tr);
                if (tr.new_state < 0 || tr.new_state >= d.num_states)
                    r->bad = true;
            }
            if (states) {
                states[i].match = match;
                states[i].repl = repl;
                states[i].trans = trans;
            }
        }
        if (to) {
            to->nohyphen = nohyphen;
            to->states = states;
            to->nextlevel = NULL;
            if (prev)
                prev->nextlevel = to;
            else
                first = to;
            prev = to;
        }
    }
    if (r->p != r->end)
        r->bad = true;
    return first;
}

/* The dictionary at path: from the disk cache (*arena: its block) or compiled by libhyphen
 * (then kept there). */
static HyphenDict *load(const char *path, const char *disk, void **arena)
{
    *arena = NULL;
    cv_key key = {0};
    static const int32_t layout[] = {(int32_t)sizeof(HyphenDict), (int32_t)sizeof(HyphenState),
                                     (int32_t)sizeof(HyphenTrans), 1};
    cv_key_add(&key, "hyph", 5);
    cv_key_add(&key, layout, sizeof layout);
    bool keyed = *disk && !cv_disk_key_file(&key, path);
    unsigned char *data = NULL;
    size_t len = 0;
    if (keyed && cv_disk_get(disk, "hyph", key.p, key.len, &data, &len) == 1) {
        reader r = {data, data + len, NULL, 0, false};
        deserialize(&r);
        if (!r.bad && (r.to = malloc(r.used ? r.used : 1))) {
            reader w = {data, data + len, r.to, 0, false};
            HyphenDict *d = deserialize(&w);
            if (!w.bad && d) {
                free(data);
                cv_buf_free(&key);
                *arena = w.to;
                return d;
            }
            free(w.to);
        }
        free(data);
    }
    HyphenDict *d = hnj_hyphen_load(path);
    if (d && keyed) {
        cv_buf b = {0};
        serialize(&b, d);
        if (!b.oom)
            cv_disk_put(disk, "hyph", key.p, key.len, b.p, b.len);
        cv_buf_free(&b);
    }
    cv_buf_free(&key);
    return d;
}

static void free_dict(HyphenDict *d, void *arena)
{
    if (arena)
        free(arena);
    else if (d)
        hnj_hyphen_free(d);
}

/* With h's lock held, once the dictionary is loaded: its 8-bit charset's upper half. */
static void load_charset(cv_hyph *h)
{
    if (!h->dict || h->dict->utf8)
        return;
    iconv_t cd = iconv_open("UTF-32LE", h->dict->cset);
    if (cd == (iconv_t)-1)
        return; /* unknown charset: only ASCII words are hyphenated */
    for (int b = 0x80; b < 0x100; b++) {
        char in = (char)b;
        unsigned char out[4] = {0};
        char *ip = &in, *op = (char *)out;
        size_t il = 1, ol = 4;
        iconv(cd, NULL, NULL, NULL, NULL);
        if (iconv(cd, &ip, &il, &op, &ol) != (size_t)-1 && ol == 0)
            h->high[b - 0x80] = (uint32_t)out[0] | (uint32_t)out[1] << 8 | (uint32_t)out[2] << 16 | (uint32_t)out[3] << 24;
    }
    iconv_close(cd);
}

static void *prefetch(void *arg)
{
    load_job *j = arg;
    j->dict = load(j->path, j->disk, &j->arena);
    return NULL;
}

void cv_hyph_prefetch(cv_hyph *h)
{
    if (!h)
        return;
    pthread_mutex_lock(&h->lock);
    if (!h->tried && !h->job) {
        load_job *j = calloc(1, sizeof *j);
        if (j) {
            memcpy(j->path, h->path, sizeof j->path);
            memcpy(j->disk, h->disk, sizeof j->disk);
            if (!pthread_create(&j->thread, NULL, prefetch, j))
                h->job = j;
            else
                free(j); /* no thread: the first word loads it */
        }
    }
    pthread_mutex_unlock(&h->lock);
}

/* With h's lock held: joins the prefetch and takes its dictionary. */
static void take_prefetch(cv_hyph *h)
{
    load_job *j = h->job;
    if (!j)
        return;
    pthread_join(j->thread, NULL);
    h->tried = true;
    h->dict = j->dict;
    h->arena = j->arena;
    h->job = NULL;
    free(j);
    load_charset(h);
}

cv_hyph *cv_hyph_new(const char *lang, const char *disk)
{
    char l[8] = {0}, r[8] = {0};
    size_t i = 0;
    for (; lang && lang[i] && lang[i] != '-' && lang[i] != '_' && i < 3; i++)
        l[i] = (char)(lang[i] >= 'A' && lang[i] <= 'Z' ? lang[i] + 32 : lang[i]);
    if (lang && (lang[i] == '-' || lang[i] == '_'))
        for (size_t k = 0; lang[i + 1 + k] && k < 2; k++)
            r[k] = (char)(lang[i + 1 + k] >= 'a' && lang[i + 1 + k] <= 'z' ? lang[i + 1 + k] - 32 : lang[i + 1 + k]);
    if (!l[0])
        return NULL;
    /* the language's default region when none is given */
    static const char *defaults[][2] = {{"en", "US"}, {"de", "DE"}, {"fr", "FR"}, {"es", "ES"}, {"it", "IT"},
                                        {"nl", "NL"}, {"pt", "PT"}, {"ru", "RU"}, {"pl", "PL"}, {"sv", "SE"},
                                        {"ca", "ES"}, {"gl", "ES"}, {"bg", "BG"}, {"id", "ID"}, {"uk", "UA"},
                                        {"cs", "CZ"}, {"sk", "SK"}, {"hu", "HU"}, {"ro", "RO"}, {"hr", "HR"},
                                        {"sl", "SI"}, {"lt", "LT"}, {"el", "GR"}, {"da", "DK"}};
    if (!r[0])
        for (size_t k = 0; k < sizeof defaults / sizeof *defaults; k++)
            if (!strcmp(l, defaults[k][0]))
                strcpy(r, defaults[k][1]); /* NOLINT(clang-analyzer-security.insecureAPI.strcpy): 2 letters */
    char path[512];
    bool found = false;
    if (r[0]) {
        snprintf(path, sizeof path, "%s/hyph_%s_%s.dic", CVPDF_HYPHENDIR, l, r);
        found = !access(path, R_OK);
    }
    if (!found) {
        snprintf(path, sizeof path, "%s/hyph_%s.dic", CVPDF_HYPHENDIR, l);
        found = !access(path, R_OK);
    }
    if (!found)
        return NULL;
    cv_hyph *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    memcpy(h->path, path, sizeof path);
    h->words = cv_memo_new(16384, (size_t)2 << 20, NULL);
    if (disk && strlen(disk) < sizeof h->disk)
        memcpy(h->disk, disk, strlen(disk) + 1);
    pthread_mutex_init(&h->lock, NULL);
    return h;
}

void cv_hyph_free(cv_hyph *h)
{
    if (!h)
        return;
    take_prefetch(h); /* a load nobody needed: waited for, then freed with the rest */
    free_dict(h->dict, h->arena);
    cv_memo_free(h->words);
    pthread_mutex_destroy(&h->lock);
    free(h);
}

/* The dictionary, loaded on first use; NULL when the file cannot be read. */
static HyphenDict *dict(cv_hyph *h)
{
    pthread_mutex_lock(&h->lock);
    take_prefetch(h);
    if (!h->tried) {
        h->tried = true;
        h->dict = load(h->path, h->disk, &h->arena);
        load_charset(h);
    }
    HyphenDict *d = h->dict;
    pthread_mutex_unlock(&h->lock);
    return d;
}

typedef struct points_job {
    uint8_t *points;
    size_t len;
} points_job;

static void copy_points(void *value, void *user)
{
    points_job *j = user;
    memcpy(j->points, value, j->len + 1);
}

static int hyph_word(cv_hyph *h, const char *word, size_t len, uint8_t *points);

int cv_hyph_word(cv_hyph *h, const char *word, size_t len, uint8_t *points)
{
    memset(points, 0, len + 1);
    if (len < 5 || len > 200)
        return 0;
    points_job j = {points, len};
    if (h->words && cv_memo_find(h->words, word, len, copy_points, &j))
        return 0;
    int rc = hyph_word(h, word, len, points);
    uint8_t *v = !rc && h->words ? malloc(len + 1) : NULL;
    if (v) { /* (without memory, only the reuse is lost) */
        memcpy(v, points, len + 1);
        cv_memo_put(h->words, word, len, v, len + 1 + len);
    }
    return rc;
}

static int hyph_word(cv_hyph *h, const char *word, size_t len, uint8_t *points)
{
    HyphenDict *d = dict(h);
    if (!d)
        return -1;
    /* patterns are lower case, in the dictionary's charset (an 8-bit one: a byte each) */
    char lower[256 * 4 + 1];
    size_t ll = 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp = cv_char_lower(cv_utf8_next(word, len, &i));
        if (d->utf8 || cp < 0x80) {
            ll += (size_t)cv_utf8_put(cp, lower + ll);
            continue;
        }
        int b = 0;
        while (b < 128 && h->high[b] != cp)
            b++;
        if (b == 128)
            return 0; /* a letter the patterns cannot hold: not hyphenated */
        lower[ll++] = (char)(0x80 + b);
    }
    lower[ll] = 0;
    char hyphens[256 * 4 + 5];
    char **rep = NULL;
    int *pos = NULL, *cut = NULL;
    if (hnj_hyphen_hyphenate3(d, lower, (int)ll, hyphens, NULL, &rep, &pos, &cut, 2, 3, 2, 3))
        return -1;
    /* hyphens[k] is for the k-th character: a point after it when odd */
    size_t byte = 0;
    size_t nchars = 0;
    for (size_t i = 0; i < len;) {
        cv_utf8_next(word, len, &i);
        nchars++;
    }
    size_t k = 0;
    for (size_t i = 0; i < len; k++) {
        cv_utf8_next(word, len, &i);
        byte = i;
        /* non-standard (replacement) hyphenation, as in German "Schiffahrt", is not used */
        bool replaced = rep && rep[k];
        if ((hyphens[k] & 1) && !replaced && k + 1 >= 2 && nchars - (k + 1) >= 3 && byte < len)
            points[byte] = 1;
    }
    if (rep) {
        for (size_t j = 0; j < ll; j++)
            free(rep[j]);
        free(rep);
    }
    free(pos);
    free(cut);
    return 0;
}
