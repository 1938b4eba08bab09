/* hyphen.c: hyphenation points from libhyphen (its only client) with Debian's TeX-derived
 * pattern files (Liang's algorithm), e.g. /usr/share/hyphen/hyph_en_US.dic from hyphen-en-us.
 *
 * The dictionary is chosen from the document language ("en" → hyph_en_US, "de-CH" →
 * hyph_de_CH, ...). libhyphen indexes its result by character, so points are mapped back to
 * byte offsets here. At least 2 letters stay before a hyphen and 3 after it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hyphen.h>

#include "internal.h"

#ifndef CVPDF_HYPHENDIR
#define CVPDF_HYPHENDIR "/usr/share/hyphen"
#endif

struct cv_hyph {
    HyphenDict *dict;
};

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
    static const char *defaults[][2] = {{"en", "US"}, {"de", "DE"}, {"fr", "FR"}, {"es", "ES"},
                                        {"it", "IT"}, {"nl", "NL"}, {"pt", "PT"}, {"ru", "RU"}};
    if (!r[0])
        for (size_t k = 0; k < sizeof defaults / sizeof *defaults; k++)
            if (!strcmp(l, defaults[k][0]))
                strcpy(r, defaults[k][1]);
    char path[512];
    HyphenDict *d = NULL;
    if (r[0]) {
        snprintf(path, sizeof path, "%s/hyph_%s_%s.dic", CVPDF_HYPHENDIR, l, r);
        d = hnj_hyphen_load(path);
    }
    if (!d) {
        snprintf(path, sizeof path, "%s/hyph_%s.dic", CVPDF_HYPHENDIR, l);
        d = hnj_hyphen_load(path);
    }
    if (!d)
        return NULL;
    cv_hyph *h = malloc(sizeof *h);
    if (!h) {
        hnj_hyphen_free(d);
        return NULL;
    }
    h->dict = d;
    return h;
}

void cv_hyph_free(cv_hyph *h)
{
    if (!h)
        return;
    hnj_hyphen_free(h->dict);
    free(h);
}

int cv_hyph_word(cv_hyph *h, const char *word, size_t len, uint8_t *points)
{
    memset(points, 0, len + 1);
    if (len < 5 || len > 200)
        return 0;
    /* patterns are lower case */
    char lower[256];
    for (size_t i = 0; i < len; i++)
        lower[i] = (char)(word[i] >= 'A' && word[i] <= 'Z' ? word[i] + 32 : word[i]);
    lower[len] = 0;
    char hyphens[256 + 5];
    char **rep = NULL;
    int *pos = NULL, *cut = NULL;
    if (hnj_hyphen_hyphenate3(h->dict, lower, (int)len, hyphens, NULL, &rep, &pos, &cut, 2, 3, 2, 3))
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
        for (size_t j = 0; j < len; j++)
            free(rep[j]);
        free(rep);
    }
    free(pos);
    free(cut);
    return 0;
}
