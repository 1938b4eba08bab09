/* cache.c: what renders can share (cvpdf_cache): opened faces, fontconfig's answers,
 * hyphenation dictionaries, and the memos of shaped runs, subsets and colour emoji. A server
 * or `cvpdf --watch` renders the same few documents again and again; with a cache, a render
 * no longer maps and parses font files, asks fontconfig or loads hyphenation patterns, and
 * makes again only what changed.
 *
 * Everything kept is a pure function of its key (a file, a font query, a language), so a
 * render's bytes are the same with a cache as without one. Each table is a memo (memo.c)
 * with its own lock; the objects handed out are read-only once made, so renders on several
 * threads may share one cache.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"

struct cvpdf_cache {
    cv_memo *faces;   /* "path\0index" -> cv_face, kept for the cache's life */
    cv_memo *matches; /* a fontconfig query -> its answer (match_blob) */
    cv_memo *hyphs;   /* a language -> its cv_hyph, kept for the cache's life */
    cv_memos memos;
};

/* fontconfig answers kept at most: a document of many rare characters (or a stream of
 * hostile ones to a server) must not grow the cache without bound */
#define MAX_MATCHES 4096

typedef struct match_blob {
    int found;
    unsigned index;
    char path[]; /* when found */
} match_blob;

static void free_face(void *f) { cv_face_free(f); }
static void free_hyph(void *h) { cv_hyph_free(h); }

cvpdf_cache *cvpdf_cache_new(void)
{
    cvpdf_cache *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->faces = cv_memo_new(0, 0, free_face);
    c->matches = cv_memo_new(MAX_MATCHES, 0, NULL);
    c->hyphs = cv_memo_new(0, 0, free_hyph);
    if (!c->faces || !c->matches || !c->hyphs || cv_memos_init(&c->memos)) {
        cvpdf_cache_free(c);
        return NULL;
    }
    return c;
}

void cvpdf_cache_free(cvpdf_cache *c)
{
    if (!c)
        return;
    /* the memos before the faces their keys name */
    cv_memos_free(&c->memos);
    cv_memo_free(c->matches);
    cv_memo_free(c->hyphs);
    cv_memo_free(c->faces);
    free(c);
}

cv_memos *cv_cache_memos(cvpdf_cache *c) { return &c->memos; }

typedef struct face_job {
    const char *path;
    unsigned index;
} face_job;

static void *open_face(void *user)
{
    const face_job *j = user;
    return cv_face_open(j->path, j->index);
}

cv_face *cv_cache_face(cvpdf_cache *c, const char *path, unsigned index, bool *owned)
{
    cv_key key = {0};
    cv_key_add(&key, path, strlen(path) + 1);
    cv_key_add(&key, &index, sizeof index);
    face_job j = {path, index};
    bool kept = true;
    /* a file that cannot be opened is not remembered: it may be installed later */
    cv_face *face = key.oom ? open_face(&j) : cv_memo_get(c->faces, key.p, key.len, open_face, &j, &kept);
    *owned = key.oom || !kept;
    cv_buf_free(&key);
    return face;
}

typedef struct match_job {
    char *path;
    size_t path_size;
    unsigned *index;
    int found;
} match_job;

static void read_match(void *value, void *user)
{
    const match_blob *b = value;
    match_job *j = user;
    j->found = b->found;
    if (b->found) {
        snprintf(j->path, j->path_size, "%s", b->path);
        *j->index = b->index;
    }
}

int cv_cache_match(cvpdf_cache *c, const char *key, char *path, size_t path_size, unsigned *index)
{
    match_job j = {path, path_size, index, -1};
    if (!cv_memo_find(c->matches, key, strlen(key), read_match, &j))
        return -1;
    return j.found;
}

void cv_cache_match_put(cvpdf_cache *c, const char *key, const char *path, unsigned index)
{
    size_t pl = path ? strlen(path) + 1 : 0;
    match_blob *b = malloc(sizeof *b + pl);
    if (!b)
        return; /* a failed allocation only means the answer is not remembered */
    b->found = path != NULL;
    b->index = index;
    if (path)
        memcpy(b->path, path, pl);
    cv_memo_put(c->matches, key, strlen(key), b, sizeof *b + pl);
}

typedef struct hyph_job {
    const char *lang, *disk;
    int err; /* errno after cv_hyph_new: ENOMEM is not "no patterns" */
} hyph_job;

static void *load_hyph(void *user)
{
    hyph_job *j = user;
    errno = 0;
    cv_hyph *h = cv_hyph_new(j->lang, j->disk);
    j->err = h ? 0 : errno;
    return h;
}

cv_hyph *cv_cache_hyph(cvpdf_cache *c, const char *lang, const char *disk, bool *owned)
{
    bool kept = true;
    hyph_job j = {lang, disk, 0};
    /* not remembered (out of memory): the caller owns it for this render; a language
     * without patterns (NULL) is looked for again next time, and so is one whose patterns
     * could not be had for want of memory (errno says ENOMEM then) */
    cv_hyph *h = cv_memo_get(c->hyphs, lang, strlen(lang), load_hyph, &j, &kept);
    *owned = !kept;
    errno = h ? 0 : j.err;
    return h;
}
