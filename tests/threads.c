/* threads.c: the library's state shared between threads is its locked process-wide templates
 * (ICU's break iterators, fontconfig's fingerprint) and what a cvpdf_cache holds: documents
 * rendered at once on several threads come out byte-identical to the same documents rendered
 * one at a time; renders sharing one cvpdf_cache, on several threads and again and again, come
 * out byte-identical to renders without one; and so do renders sharing a cache directory
 * (diskcache.c), with and without a cvpdf_cache, the first round filling it from every thread
 * at once. Prints an "ok -"/"FAIL -" line for each and exits 1 on a failure. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cvpdf.h"
#include "harness.h"

#define THREADS 6

typedef struct job {
    const char *text;
    size_t len;
    unsigned char *pdf;
    size_t pdf_len;
    cvpdf_status st;
    cvpdf_cache *cache; /* NULL: none */
    const char *disk;   /* the "cache-dir" option, or NULL */
} job;

static void *run(void *arg)
{
    job *j = arg;
    cvpdf_options *o = cvpdf_options_new();
    if (o)
        cvpdf_options_set_cache(o, j->cache);
    if (o && j->disk && cvpdf_options_set(o, "cache-dir", j->disk)) {
        cvpdf_options_free(o);
        o = NULL;
    }
    j->st = o ? cvpdf_render(o, "thread.md", j->text, j->len, &j->pdf, &j->pdf_len) : CVPDF_ERR_NOMEM;
    cvpdf_options_free(o);
    return NULL;
}

/* Renders jobs[0..n) on n threads and compares each with ref[i % 2]. */
static int run_all(job *jobs, int n, const job *ref)
{
    pthread_t t[THREADS];
    for (int i = 0; i < n; i++)
        pthread_create(&t[i], NULL, run, &jobs[i]);
    int bad = 0;
    for (int i = 0; i < n; i++) {
        pthread_join(t[i], NULL);
        const job *r = &ref[i % 2];
        if (jobs[i].st || jobs[i].pdf_len != r->pdf_len || memcmp(jobs[i].pdf, r->pdf, r->pdf_len))
            bad = 1;
        cvpdf_buffer_free(jobs[i].pdf);
        jobs[i].pdf = NULL;
    }
    return bad;
}

/* threads --cache FILE...: each file rendered without a cache, then twice through one cache
 * shared by all the files (so later files meet faces, fallbacks and memos of earlier ones),
 * must give the same bytes. */
static int cache_all(int n, char **files)
{
    cvpdf_cache *cache = cvpdf_cache_new();
    cvpdf_options *plain = cvpdf_options_new(), *cached = cvpdf_options_new();
    if (!cache || !plain || !cached)
        return 2;
    cvpdf_options_set_cache(cached, cache);
    int bad = 0;
    for (int round = 0; round < 2; round++)
        for (int i = 0; i < n; i++) {
            size_t len;
            char *md = read_file(files[i], &len);
            unsigned char *p1 = NULL, *p2 = NULL;
            size_t l1 = 0, l2 = 0;
            cvpdf_status s1 = md ? cvpdf_render(plain, files[i], md, len, &p1, &l1) : CVPDF_ERR_IO;
            cvpdf_status s2 = md ? cvpdf_render(cached, files[i], md, len, &p2, &l2) : CVPDF_ERR_IO;
            if (s1 != s2 || l1 != l2 || (l1 && memcmp(p1, p2, l1))) {
                bad = 1;
                printf("# %s: %s with a cache (round %d)\n", files[i], s1 != s2 ? "another status" : "other bytes", round + 1);
            }
            cvpdf_buffer_free(p1);
            cvpdf_buffer_free(p2);
            free(md);
        }
    printf("%s - %d files through one cvpdf_cache, twice, byte-identical to no cache\n", bad ? "FAIL" : "ok", n);
    cvpdf_options_free(plain);
    cvpdf_options_free(cached);
    cvpdf_cache_free(cache);
    return bad;
}

int main(int argc, char **argv)
{
    if (argc > 2 && !strcmp(argv[1], "--cache"))
        return cache_all(argc - 2, argv + 2);
    if (argc < 3) {
        fprintf(stderr, "usage: threads A.md B.md\n");
        return 2;
    }
    size_t la, lb;
    char *a = read_file(argv[1], &la), *b = read_file(argv[2], &lb);
    if (!a || !b)
        return 2;
    /* one at a time */
    job ref[2] = {{a, la, NULL, 0, 0, NULL, NULL}, {b, lb, NULL, 0, 0, NULL, NULL}};
    run(&ref[0]);
    run(&ref[1]);
    /* all at once, alternating documents */
    job jobs[THREADS];
    for (int i = 0; i < THREADS; i++)
        jobs[i] = (job){i % 2 ? b : a, i % 2 ? lb : la, NULL, 0, 0, NULL, NULL};
    int bad = ref[0].st || ref[1].st || run_all(jobs, THREADS, ref);
    printf("%s - %d threads render %s and %s byte-identically to one thread\n", bad ? "FAIL" : "ok", THREADS,
           argv[1], argv[2]);
    /* sharing one cache: the first round fills it from several threads at once, the later
     * rounds take faces, patterns, subsets and emoji from it */
    cvpdf_cache *cache = cvpdf_cache_new();
    int bad_cache = !cache;
    for (int round = 0; round < 3 && !bad_cache; round++) {
        for (int i = 0; i < THREADS; i++)
            jobs[i] = (job){i % 2 ? b : a, i % 2 ? lb : la, NULL, 0, 0, cache, NULL};
        bad_cache = run_all(jobs, THREADS, ref);
    }
    cvpdf_cache_free(cache);
    printf("%s - %d threads sharing a cvpdf_cache, 3 rounds, render %s and %s byte-identically to no cache\n",
           bad_cache ? "FAIL" : "ok", THREADS, argv[1], argv[2]);
    bad |= bad_cache;
    /* a cache directory: an empty one, filled by every thread at once, then read (half of
     * the renders through a cvpdf_cache as well) */
    char dir[] = "/tmp/cvpdf-threads.XXXXXX";
    int bad_disk = !mkdtemp(dir);
    for (int round = 0; round < 3 && !bad_disk; round++) {
        cvpdf_cache *dc = round == 2 ? cvpdf_cache_new() : NULL;
        for (int i = 0; i < THREADS; i++)
            jobs[i] = (job){i % 2 ? b : a, i % 2 ? lb : la, NULL, 0, 0, i < THREADS / 2 ? dc : NULL, dir};
        bad_disk = run_all(jobs, THREADS, ref);
        cvpdf_cache_free(dc);
    }
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd)) { // NOLINT(cert-env33-c): removes the scratch directory this program made
    }
    printf("%s - %d threads sharing a cache directory, 3 rounds, render %s and %s byte-identically to no cache\n",
           bad_disk ? "FAIL" : "ok", THREADS, argv[1], argv[2]);
    bad |= bad_disk;
    cvpdf_buffer_free(ref[0].pdf);
    cvpdf_buffer_free(ref[1].pdf);
    free(a);
    free(b);
    return bad;
}
