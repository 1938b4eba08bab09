/* threads.c: the library keeps no global mutable state: documents rendered at once on several
 * threads come out byte-identical to the same documents rendered one at a time. Prints one
 * "ok -"/"FAIL -" line and exits 1 on failure. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cvpdf.h"

#define THREADS 6

typedef struct job {
    const char *text;
    size_t len;
    unsigned char *pdf;
    size_t pdf_len;
    cvpdf_status st;
} job;

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *b = malloc(1 << 20);
    *len = b ? fread(b, 1, 1 << 20, f) : 0;
    fclose(f);
    return b;
}

static void *run(void *arg)
{
    job *j = arg;
    cvpdf_options *o = cvpdf_options_new();
    j->st = o ? cvpdf_render(o, "thread.md", j->text, j->len, &j->pdf, &j->pdf_len) : CVPDF_ERR_NOMEM;
    cvpdf_options_free(o);
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: threads A.md B.md\n");
        return 2;
    }
    size_t la, lb;
    char *a = slurp(argv[1], &la), *b = slurp(argv[2], &lb);
    if (!a || !b)
        return 2;
    /* one at a time */
    job ref[2] = {{a, la, NULL, 0, 0}, {b, lb, NULL, 0, 0}};
    run(&ref[0]);
    run(&ref[1]);
    /* all at once, alternating documents */
    job jobs[THREADS];
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++) {
        jobs[i] = (job){i % 2 ? b : a, i % 2 ? lb : la, NULL, 0, 0};
        pthread_create(&t[i], NULL, run, &jobs[i]);
    }
    int bad = ref[0].st || ref[1].st;
    for (int i = 0; i < THREADS; i++) {
        pthread_join(t[i], NULL);
        const job *r = &ref[i % 2];
        if (jobs[i].st || jobs[i].pdf_len != r->pdf_len || memcmp(jobs[i].pdf, r->pdf, r->pdf_len))
            bad = 1;
        cvpdf_buffer_free(jobs[i].pdf);
    }
    printf("%s - %d threads render %s and %s byte-identically to one thread\n", bad ? "FAIL" : "ok", THREADS,
           argv[1], argv[2]);
    cvpdf_buffer_free(ref[0].pdf);
    cvpdf_buffer_free(ref[1].pdf);
    free(a);
    free(b);
    return bad;
}
