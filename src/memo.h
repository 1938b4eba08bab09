/* memo.h: one memo for everything cvpdf remembers (memo.c): a thread-safe map from byte
 * keys to values it owns, with the oldest entries going first when it holds too many or
 * too much.
 *
 * What is remembered is always a pure function of its key (a run shaped by a face, a
 * subset of a face's glyphs, an emoji at a size, a fontconfig answer, an opened face), so
 * output never depends on whether something was remembered; a failed allocation while
 * remembering only costs the reuse. */
#ifndef CVPDF_MEMO_H
#define CVPDF_MEMO_H

#include "util.h"

typedef struct cv_memo cv_memo;

/* A memo of at most max_entries entries and max_bytes bytes of values (0: no limit); values
 * are freed with free_value (NULL: free). NULL on OOM. */
cv_memo *cv_memo_new(size_t max_entries, size_t max_bytes, void (*free_value)(void *value));
void cv_memo_free(cv_memo *m);

/* When key is there, calls use(value, user) with the memo locked (use copies what it needs;
 * NULL: only asks) and returns 1; else 0. */
int cv_memo_find(cv_memo *m, const void *key, size_t klen, void (*use)(void *value, void *user), void *user);
/* Stores value (size bytes) under key and takes it over; when the key is there already (put
 * by another thread) or memory runs out, value is freed instead. */
void cv_memo_put(cv_memo *m, const void *key, size_t klen, void *value, size_t size);
/* The value under key, made by make(user) under the lock when it is not there (for what
 * must be made once and shared: an opened face). make may return NULL (not remembered: it
 * may succeed later). *kept is false when the value was made but could not be remembered
 * (out of memory): then the caller owns it. A value lives as long as the memo unless it is
 * evicted: give such memos no limits. */
void *cv_memo_get(cv_memo *m, const void *key, size_t klen, void *(*make)(void *user), void *user, bool *kept);

/* Builds keys: a growable byte string. */
typedef cv_buf cv_key;
static inline void cv_key_add(cv_key *k, const void *p, size_t n) { cv_buf_add(k, p, n); }
/* An object's identity (a face) in a key: its address, which names it for as long as it
 * lives; a memo whose keys name objects is freed before them. */
static inline void cv_key_add_id(cv_key *k, const void *object)
{
    uintptr_t id = (uintptr_t)object;
    cv_key_add(k, &id, sizeof id);
}

/* The memos renders share (a cvpdf_cache owns one set; a render without a cache makes its
 * own): the runs each face shaped (shape.c), the subsets of faces (subset.c), the encoded
 * colour emoji (emoji.c), the compressed streams under their data (deflate.c). */
typedef struct cv_memos {
    cv_memo *shapes, *subsets, *emoji, *deflated;
} cv_memos;
/* 0, -1 on OOM (nothing made). */
int cv_memos_init(cv_memos *ms);
void cv_memos_free(cv_memos *ms);

#endif
