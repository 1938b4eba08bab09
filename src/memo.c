/* memo.c: the memo (memo.h): an open-addressing hash table of byte keys (FNV-1a), with
 * linear probing and backward-shift deletion, and a queue of insertions that says which
 * entry is the oldest when the limits are reached. One mutex guards it all: lookups are
 * short, and the values handed out are copied under the lock. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "memo.h"

typedef struct entry {
    uint64_t hash; /* 0: a free slot */
    uint64_t seq;  /* when it was put */
    char *key;
    size_t klen;
    void *value;
    size_t size;
} entry;

typedef struct order {
    uint64_t hash, seq;
} order;

struct cv_memo {
    pthread_mutex_t lock;
    entry *slot;
    size_t nslots, n, bytes;
    size_t max_entries, max_bytes;
    void (*free_value)(void *);
    uint64_t seq;
    order *queue; /* insertions, oldest first, as a ring: head, count, capacity */
    size_t qhead, qn, qcap;
};

static uint64_t hash_key(const void *key, size_t klen)
{
    uint64_t h = cv_hash(key, klen);
    return h ? h : 1; /* 0 marks a free slot */
}

cv_memo *cv_memo_new(size_t max_entries, size_t max_bytes, void (*free_value)(void *))
{
    cv_memo *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    if (pthread_mutex_init(&m->lock, NULL)) {
        free(m);
        return NULL;
    }
    m->max_entries = max_entries;
    m->max_bytes = max_bytes;
    m->free_value = free_value ? free_value : free;
    return m;
}

void cv_memo_free(cv_memo *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->nslots; i++)
        if (m->slot[i].hash) {
            free(m->slot[i].key);
            m->free_value(m->slot[i].value);
        }
    free(m->slot);
    free(m->queue);
    pthread_mutex_destroy(&m->lock);
    free(m);
}

/* The slot holding key, or the free slot where it would go. */
static size_t probe(const cv_memo *m, uint64_t h, const void *key, size_t klen)
{
    size_t i = h & (m->nslots - 1);
    while (m->slot[i].hash && !(m->slot[i].hash == h && m->slot[i].klen == klen && !memcmp(m->slot[i].key, key, klen)))
        i = (i + 1) & (m->nslots - 1);
    return i;
}

/* Empties slot i and moves up the entries after it that probing would no longer reach. */
static void remove_slot(cv_memo *m, size_t i)
{
    free(m->slot[i].key);
    m->free_value(m->slot[i].value);
    m->bytes -= m->slot[i].size;
    m->n--;
    size_t mask = m->nslots - 1, j = i;
    for (;;) {
        m->slot[i].hash = 0;
        for (;;) {
            j = (j + 1) & mask;
            if (!m->slot[j].hash)
                return;
            size_t home = m->slot[j].hash & mask;
            /* j's entry may move to i when i lies cyclically in [home, j) */
            if (i <= j ? (home <= i || home > j) : (home <= i && home > j))
                break;
        }
        m->slot[i] = m->slot[j];
        i = j;
    }
}

/* Removes the oldest entry (the queue's head, when it is still there). */
static void evict_oldest(cv_memo *m)
{
    while (m->qn) {
        order o = m->queue[m->qhead];
        m->qhead = (m->qhead + 1) % m->qcap;
        m->qn--;
        for (size_t i = o.hash & (m->nslots - 1); m->slot[i].hash; i = (i + 1) & (m->nslots - 1))
            if (m->slot[i].hash == o.hash && m->slot[i].seq == o.seq) {
                remove_slot(m, i);
                return;
            }
    }
}

/* Room for one more entry in the table and the queue (doubled at half full). -1 on OOM. */
static int grow(cv_memo *m)
{
    if (m->qn == m->qcap) {
        size_t nc = m->qcap ? m->qcap * 2 : 64;
        order *q = malloc(nc * sizeof *q);
        if (!q)
            return -1;
        for (size_t k = 0; k < m->qn; k++)
            q[k] = m->queue[(m->qhead + k) % m->qcap];
        free(m->queue);
        m->queue = q;
        m->qhead = 0;
        m->qcap = nc;
    }
    if ((m->n + 1) * 2 <= m->nslots)
        return 0;
    size_t ns = m->nslots ? m->nslots * 2 : 64;
    entry *t = calloc(ns, sizeof *t);
    if (!t)
        return -1;
    for (size_t i = 0; i < m->nslots; i++)
        if (m->slot[i].hash) {
            size_t j = m->slot[i].hash & (ns - 1);
            while (t[j].hash)
                j = (j + 1) & (ns - 1);
            t[j] = m->slot[i];
        }
    free(m->slot);
    m->slot = t;
    m->nslots = ns;
    return 0;
}

int cv_memo_find(cv_memo *m, const void *key, size_t klen, void (*use)(void *value, void *user), void *user)
{
    uint64_t h = hash_key(key, klen);
    int found = 0;
    pthread_mutex_lock(&m->lock);
    if (m->nslots) {
        size_t i = probe(m, h, key, klen);
        if (m->slot[i].hash) {
            if (use)
                use(m->slot[i].value, user);
            found = 1;
        }
    }
    pthread_mutex_unlock(&m->lock);
    return found;
}

/* With the lock held: puts value under key (known absent). 0, -1 on OOM. */
static int put_locked(cv_memo *m, uint64_t h, const void *key, size_t klen, void *value, size_t size)
{
    while (m->n && ((m->max_entries && m->n >= m->max_entries) || (m->max_bytes && m->bytes + size > m->max_bytes)))
        evict_oldest(m);
    char *k = malloc(klen ? klen : 1);
    if (!k || grow(m)) {
        free(k);
        return -1;
    }
    memcpy(k, key, klen);
    size_t i = probe(m, h, key, klen);
    m->slot[i] = (entry){h, ++m->seq, k, klen, value, size};
    m->n++;
    m->bytes += size;
    m->queue[(m->qhead + m->qn++) % m->qcap] = (order){h, m->seq};
    return 0;
}

void cv_memo_put(cv_memo *m, const void *key, size_t klen, void *value, size_t size)
{
    uint64_t h = hash_key(key, klen);
    pthread_mutex_lock(&m->lock);
    bool there = m->nslots && m->slot[probe(m, h, key, klen)].hash;
    if (there || put_locked(m, h, key, klen, value, size))
        m->free_value(value);
    pthread_mutex_unlock(&m->lock);
}

void *cv_memo_get(cv_memo *m, const void *key, size_t klen, void *(*make)(void *user), void *user, bool *kept)
{
    uint64_t h = hash_key(key, klen);
    void *v = NULL;
    *kept = true;
    pthread_mutex_lock(&m->lock);
    size_t i = m->nslots ? probe(m, h, key, klen) : 0;
    if (m->nslots && m->slot[i].hash)
        v = m->slot[i].value;
    else if ((v = make(user)) && put_locked(m, h, key, klen, v, 0))
        *kept = false; /* made, but not remembered: the caller's to free */
    pthread_mutex_unlock(&m->lock);
    return v;
}

int cv_memos_init(cv_memos *ms)
{
    /* shaped runs: a few hundred bytes each; subsets: a CJK weight's is about 100 KB
     * compressed; emoji: a few KB each; compressed streams: a page's content stream is
     * 10-40 KB with its key, a document's few hundred KB */
    ms->shapes = cv_memo_new(32768, (size_t)32 << 20, NULL);
    ms->subsets = cv_memo_new(32, (size_t)64 << 20, NULL);
    ms->emoji = cv_memo_new(1024, (size_t)32 << 20, NULL);
    ms->deflated = cv_memo_new(4096, (size_t)32 << 20, NULL);
    if (!ms->shapes || !ms->subsets || !ms->emoji || !ms->deflated) {
        cv_memos_free(ms);
        return -1;
    }
    return 0;
}

void cv_memos_free(cv_memos *ms)
{
    cv_memo_free(ms->shapes);
    cv_memo_free(ms->subsets);
    cv_memo_free(ms->emoji);
    cv_memo_free(ms->deflated);
    memset(ms, 0, sizeof *ms);
}
