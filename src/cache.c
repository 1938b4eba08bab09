/* cache.c: what renders can share (cvpdf_cache): opened faces, fontconfig's answers and
 * hyphenation dictionaries. A server or `cvpdf --watch` renders the same few documents again
 * and again; with a cache, a render no longer maps and parses font files, asks fontconfig or
 * loads hyphenation patterns, and each face keeps its recent subsets (subset.c), so only the
 * layout and the PDF itself are made again.
 *
 * Everything kept is a pure function of its key (a file, a font query, a language), so a
 * render's bytes are the same with a cache as without one. One lock guards the tables; the
 * objects handed out are read-only once made (a face's subset memo has its own lock), so
 * renders on several threads may share one cache.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"

typedef struct cached_face {
    char *path;
    unsigned index;
    cv_face *face;
} cached_face;

typedef struct cached_match {
    char *key;
    char *path; /* NULL: fontconfig has no answer */
    unsigned index;
} cached_match;

typedef struct cached_hyph {
    char *lang;
    cv_hyph *hyph; /* NULL: no patterns for the language */
} cached_hyph;

struct cvpdf_cache {
    pthread_mutex_t lock;
    CV_VEC(cached_face) faces;
    CV_VEC(cached_match) matches;
    CV_VEC(cached_hyph) hyphs;
};

static void clear_matches(cvpdf_cache *c)
{
    for (size_t i = 0; i < c->matches.n; i++) {
        free(c->matches.v[i].key);
        free(c->matches.v[i].path);
    }
    c->matches.n = 0;
}

cvpdf_cache *cvpdf_cache_new(void)
{
    cvpdf_cache *c = calloc(1, sizeof *c);
    if (c && pthread_mutex_init(&c->lock, NULL)) {
        free(c);
        return NULL;
    }
    return c;
}

void cvpdf_cache_free(cvpdf_cache *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->faces.n; i++) {
        cv_face_free(c->faces.v[i].face);
        free(c->faces.v[i].path);
    }
    clear_matches(c);
    for (size_t i = 0; i < c->hyphs.n; i++) {
        cv_hyph_free(c->hyphs.v[i].hyph);
        free(c->hyphs.v[i].lang);
    }
    free(c->faces.v);
    free(c->matches.v);
    free(c->hyphs.v);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

cv_face *cv_cache_face(cvpdf_cache *c, const char *path, unsigned index)
{
    pthread_mutex_lock(&c->lock);
    cv_face *face = NULL;
    for (size_t i = 0; i < c->faces.n && !face; i++)
        if (c->faces.v[i].index == index && !strcmp(c->faces.v[i].path, path))
            face = c->faces.v[i].face;
    /* a file that cannot be opened is not remembered: it may be installed later */
    if (!face && (face = cv_face_open(path, index))) {
        cached_face e = {cv_strndup(path, strlen(path)), index, face};
        if (!e.path || CV_PUSH(c->faces, e)) {
            free(e.path);
            cv_face_free(face);
            face = NULL;
        }
    }
    pthread_mutex_unlock(&c->lock);
    return face;
}

int cv_cache_match(cvpdf_cache *c, const char *key, char *path, size_t path_size, unsigned *index)
{
    int r = -1;
    pthread_mutex_lock(&c->lock);
    for (size_t i = 0; i < c->matches.n; i++)
        if (!strcmp(c->matches.v[i].key, key)) {
            r = c->matches.v[i].path != NULL;
            if (r) {
                snprintf(path, path_size, "%s", c->matches.v[i].path);
                *index = c->matches.v[i].index;
            }
            break;
        }
    pthread_mutex_unlock(&c->lock);
    return r;
}

/* fontconfig answers kept at most: a document of many rare characters (or a stream of
 * hostile ones to a server) must not grow the cache, or its linear search, without bound */
#define MAX_MATCHES 4096

void cv_cache_match_put(cvpdf_cache *c, const char *key, const char *path, unsigned index)
{
    cached_match e = {cv_strndup(key, strlen(key)), path ? cv_strndup(path, strlen(path)) : NULL, index};
    pthread_mutex_lock(&c->lock);
    if (c->matches.n >= MAX_MATCHES)
        clear_matches(c);
    bool known = false;
    for (size_t i = 0; i < c->matches.n && !known; i++)
        known = !strcmp(c->matches.v[i].key, key);
    /* a failed allocation only means the answer is not remembered */
    if (known || !e.key || (path && !e.path) || CV_PUSH(c->matches, e)) {
        free(e.key);
        free(e.path);
    }
    pthread_mutex_unlock(&c->lock);
}

cv_hyph *cv_cache_hyph(cvpdf_cache *c, const char *lang, bool *owned)
{
    *owned = false;
    pthread_mutex_lock(&c->lock);
    cv_hyph *h = NULL;
    bool known = false;
    for (size_t i = 0; i < c->hyphs.n && !known; i++)
        if (!strcmp(c->hyphs.v[i].lang, lang)) {
            known = true;
            h = c->hyphs.v[i].hyph;
        }
    if (!known) {
        cached_hyph e = {cv_strndup(lang, strlen(lang)), cv_hyph_new(lang)};
        h = e.hyph;
        /* not remembered (out of memory): the caller owns it for this render */
        if (!e.lang || CV_PUSH(c->hyphs, e)) {
            free(e.lang);
            *owned = true;
        }
    }
    pthread_mutex_unlock(&c->lock);
    return h;
}
