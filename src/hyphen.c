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
#include "hyph.h"
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
    HyphenDict *dict; /* what the thread loaded, read once it is joined */
} load_job;

struct cv_hyph {
    pthread_mutex_t lock;
    bool tried;     /* dict is final */
    load_job *job;  /* a prefetch under way or finished, not yet joined */
    char path[512];
    HyphenDict *dict;
    uint32_t high[128]; /* an 8-bit dictionary's charset: the code point of bytes 0x80-0xFF */
};

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
    j->dict = hnj_hyphen_load(j->path);
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
    h->job = NULL;
    free(j);
    load_charset(h);
}

cv_hyph *cv_hyph_new(const char *lang)
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
    pthread_mutex_init(&h->lock, NULL);
    return h;
}

void cv_hyph_free(cv_hyph *h)
{
    if (!h)
        return;
    take_prefetch(h); /* a load nobody needed: waited for, then freed with the rest */
    if (h->dict)
        hnj_hyphen_free(h->dict);
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
        h->dict = hnj_hyphen_load(h->path);
        load_charset(h);
    }
    HyphenDict *d = h->dict;
    pthread_mutex_unlock(&h->lock);
    return d;
}

int cv_hyph_word(cv_hyph *h, const char *word, size_t len, uint8_t *points)
{
    memset(points, 0, len + 1);
    if (len < 5 || len > 200)
        return 0;
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
