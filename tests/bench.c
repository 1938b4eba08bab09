/* bench.c: `make bench`. Renders content/en.md, content/zh.md and generated 10- and 100-page
 * documents and prints medians:
 *
 *   1. whole processes: the cvpdf command run RUNS times per document (wall time, user CPU
 *      time, peak memory from wait4, output size, pages), with the library's own stage
 *      timers (--timings) for where the time goes: with a cache directory an earlier run
 *      filled (--cache-dir: the subsets, compiled patterns and emoji kept), and without one
 *      (--no-cache: what a first run pays);
 *   2. in-process re-renders: the library, with a cvpdf_cache holding the fonts from a first
 *      render, rendering each document again (a server, or cvpdf --watch), and en.md after
 *      an edit (two versions one word apart, in turn).
 *
 * Usage: bench CVPDF [RUNS]  (run from the repository root). Timing is never asserted: the
 * figures are printed for the note and for comparing changes.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cvpdf.h"
#include "harness.h"

#define NSTAGES 8
static const char *const stages[NSTAGES] = {"parse", "fonts", "shape", "break", "layout", "paginate", "subset", "write"};

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* /Type /Page objects (not /Pages) in p[0, n). */
static int count_page_objects(const unsigned char *p, size_t n)
{
    int pages = 0;
    for (size_t i = 0; i + 11 < n; i++)
        if (!memcmp(p + i, "/Type /Page", 11) && p[i + 11] != 's')
            pages++;
    return pages;
}

/* Pages in a PDF: its page objects, in the file and in its compressed object streams
 * (cvpdf packs its dictionaries into /ObjStm streams). */
static int count_pages(const unsigned char *p, size_t n)
{
    int pages = count_page_objects(p, n);
    for (size_t i = 0; i + 11 < n; i++) {
        if (memcmp(p + i, "/Type/ObjStm", 12))
            continue;
        const unsigned char *len = NULL, *data = NULL;
        for (size_t j = i; j + 8 < n && !data; j++) {
            if (!len && !memcmp(p + j, "/Length ", 8))
                len = p + j + 8;
            if (!memcmp(p + j, "stream\r\n", 8))
                data = p + j + 8;
        }
        if (!len || !data)
            break;
        unsigned long zl = strtoul((const char *)len, NULL, 10);
        if (zl > n - (size_t)(data - p))
            break;
        for (unsigned long mul = 16; mul <= 1024; mul *= 4) {
            uLongf cap = zl * mul + 1024;
            unsigned char *out = malloc(cap);
            int z = out ? uncompress(out, &cap, data, zl) : Z_MEM_ERROR;
            if (z == Z_OK)
                pages += count_page_objects(out, cap);
            free(out);
            if (z != Z_BUF_ERROR)
                break;
        }
        i = (size_t)(data - p) + zl;
    }
    return pages;
}

/* "timings (ms): parse 0.41 fonts ... total 12.3" into t[] */
static void parse_timings(const char *line, double *t)
{
    const char *p = strstr(line, "timings (ms):");
    if (!p)
        return;
    for (int s = 0; s < NSTAGES; s++) {
        char key[24];
        snprintf(key, sizeof key, " %s ", stages[s]);
        const char *q = strstr(p, key);
        if (q)
            t[s] = strtod(q + strlen(key), NULL);
    }
}

/* A generated document of about `pages` pages: headings, paragraphs and lists. Every
 * paragraph carries its section's number, so no two are the same text (the face's shaping
 * memo would otherwise shape one paragraph for the whole document). */
static int generate(const char *path, int pages)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    static const char *const sentences[] = {
        "Led the design of a distributed training system that scaled sparse models to trillions of "
        "parameters in project %d, cutting the cost per step by an order of magnitude. ",
        "Built the serving stack behind %d million daily requests, with latency budgets kept by "
        "admission control, batching and careful placement across several data centres. ",
        "Mentored %d engineers through design reviews, on-call rotations and the first papers they "
        "published, and wrote the guides the team still uses. ",
    };
    fprintf(f, "# Benchmark Document\n\n");
    for (int i = 1; i <= pages * 5; i++) {
        fprintf(f, "## Section %d\n\n", i);
        for (int k = 0; k < 3; k++)
            fprintf(f, sentences[(i + k) % 3], i * 3 + k);
        fprintf(f, "\n\n- ");
        fprintf(f, sentences[i % 3], i + 7);
        fprintf(f, "\n- ");
        fprintf(f, sentences[(i + 1) % 3], i + 11);
        fprintf(f, "\n\n");
    }
    return fclose(f);
}

/* 20,000 source lines of text, as one paragraph or as 20,000 paragraphs: a long paragraph
 * must cost about what its lines cost apart (Knuth-Plass over the whole, source positions
 * for its checks), not grow with the square of its length. */
static int generate_lines(const char *path, bool split)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    for (int i = 0; i < 20000; i++)
        fprintf(f, "line %d of one long paragraph, with words to break and hyphenate between them\n%s", i,
                split ? "\n" : "");
    return fclose(f);
}

typedef struct row {
    const char *name, *path;
    const char *alt;   /* in-process: rendered in turn with this version (an edit) */
    int pages;
    double wall, user, rss_mb, size_kb, stage[NSTAGES];
    double warm, warm_stage[NSTAGES];
} row;

/* cache: the cache directory (filled by a first run, not counted), or NULL for --no-cache */
static int whole_process(const char *cvpdf, row *r, int runs, const char *tmp, const char *cache)
{
    double wall[64] = {0}, user[64] = {0}, rss[64] = {0}, st[NSTAGES][64] = {{0}};
    char out[512], err[512];
    snprintf(out, sizeof out, "%s/out.pdf", tmp);
    snprintf(err, sizeof err, "%s/stderr", tmp);
    for (int k = cache && r->path ? -1 : 0; k < runs; k++) {
        double t0 = now_ms();
        pid_t pid = fork();
        if (pid < 0)
            return -1;
        if (pid == 0) {
            int fd = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644), null = open("/dev/null", O_WRONLY);
            if (fd >= 0)
                dup2(fd, 2);
            if (null >= 0)
                dup2(null, 1);
            if (r->path && cache)
                execl(cvpdf, cvpdf, "-q", "--timings", "--cache-dir", cache, r->path, "-o", out, (char *)NULL);
            else if (r->path)
                execl(cvpdf, cvpdf, "-q", "--timings", "--no-cache", r->path, "-o", out, (char *)NULL);
            else /* the floor: starting the process and linking its libraries */
                execl(cvpdf, cvpdf, "--version", (char *)NULL);
            _exit(127);
        }
        int status;
        struct rusage ru;
        if (wait4(pid, &status, 0, &ru) < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
            fprintf(stderr, "bench: %s %s failed (see %s)\n", cvpdf, r->path, err);
            return -1;
        }
        if (k < 0)
            continue; /* the run that filled the cache directory */
        wall[k] = now_ms() - t0;
        user[k] = ru.ru_utime.tv_sec * 1e3 + ru.ru_utime.tv_usec / 1e3;
        rss[k] = ru.ru_maxrss / 1024.0;
        size_t n;
        char *e = read_file(err, &n);
        double t[NSTAGES] = {0};
        char *z = e ? realloc(e, n + 1) : NULL;
        if (z) {
            z[n] = 0;
            parse_timings(z, t);
            e = z;
        }
        free(e);
        for (int s = 0; s < NSTAGES; s++)
            st[s][k] = t[s];
    }
    size_t n;
    unsigned char *pdf = r->path ? (unsigned char *)read_file(out, &n) : NULL;
    if (pdf) {
        r->pages = count_pages(pdf, n);
        r->size_kb = n / 1024.0;
        free(pdf);
    } else if (r->path)
        return -1;
    r->wall = median(wall, runs);
    r->user = median(user, runs);
    r->rss_mb = median(rss, runs);
    for (int s = 0; s < NSTAGES; s++)
        r->stage[s] = median(st[s], runs);
    return 0;
}

static double *cur_stage;
static void on_diag(void *user, cvpdf_severity sev, const char *file, int line, int col, const char *msg)
{
    (void)user, (void)sev, (void)file, (void)line, (void)col;
    if (cur_stage)
        parse_timings(msg, cur_stage);
}

/* Renders again through the library, the fonts already loaded by a first render. */
static int in_process(cvpdf_cache *cache, row *r, int runs)
{
    size_t len, alen = 0;
    char *md = read_file(r->path, &len), *alt = r->alt ? read_file(r->alt, &alen) : NULL;
    cvpdf_options *o = cvpdf_options_new();
    if (!md || !o || (r->alt && !alt))
        return -1;
    cvpdf_options_set_cache(o, cache);
    cvpdf_options_set(o, "timings", "true");
    cvpdf_options_set_diagnostics(o, on_diag, NULL);
    double wall[3 * 64] = {0}, st[NSTAGES][3 * 64] = {{0}}; /* main asks for 3 * runs, runs <= 64 */
    int rc = 0;
    for (int k = -1; k < runs && !rc; k++) { /* k = -1: the first render, which fills the cache */
        double t[NSTAGES] = {0};
        cur_stage = t;
        unsigned char *pdf;
        size_t n;
        double t0 = now_ms();
        bool edited = alt && (k & 1);
        rc = cvpdf_render(o, r->path, edited ? alt : md, edited ? alen : len, &pdf, &n) != CVPDF_OK;
        double dt = now_ms() - t0;
        cvpdf_buffer_free(pdf);
        if (k >= 0) {
            wall[k] = dt;
            for (int s = 0; s < NSTAGES; s++)
                st[s][k] = t[s];
        }
    }
    cur_stage = NULL;
    if (!rc) {
        r->warm = median(wall, runs);
        for (int s = 0; s < NSTAGES; s++)
            r->warm_stage[s] = median(st[s], runs);
    }
    cvpdf_options_free(o);
    free(md);
    free(alt);
    return rc ? -1 : 0;
}

/* The document at from, one word changed (the first "specializing"), written to to: the
 * edit of an editor's live preview. */
static int edit_copy(const char *from, const char *to)
{
    size_t n;
    char *md = read_file(from, &n);
    char *at = md ? strstr(md, "specializing") : NULL;
    if (!at)
        return free(md), -1;
    at[8] = 's'; /* "specializing" -> "specialising" */
    FILE *f = fopen(to, "wb");
    int rc = f && fwrite(md, 1, n, f) == n ? 0 : -1;
    if (f && fclose(f))
        rc = -1;
    free(md);
    return rc;
}

static void print_processes(const char *title, row *rows, size_t nrows)
{
    printf("%s\n", title);
    printf("%-10s %5s %8s %8s %8s %8s |", "document", "pages", "wall ms", "user ms", "peak MB", "size KB");
    for (int s = 0; s < NSTAGES; s++)
        printf(" %8s", stages[s]);
    printf("\n");
    for (size_t i = 0; i < nrows; i++) {
        row *r = &rows[i];
        printf("%-10s %5d %8.1f %8.1f %8.1f %8.1f |", r->name, r->pages, r->wall, r->user, r->rss_mb, r->size_kb);
        for (int s = 0; s < NSTAGES; s++)
            printf(" %8.2f", r->stage[s]);
        printf("\n");
    }
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench CVPDF [RUNS]\n");
        return 2;
    }
    const char *cvpdf = argv[1];
    long rl = argc > 2 ? strtol(argv[2], NULL, 10) : 7;
    int runs = rl >= 1 && rl <= 64 ? (int)rl : 7;
    char tmp[] = "/tmp/cvpdf-bench.XXXXXX";
    if (!mkdtemp(tmp))
        return 1;
    char p10[600], p100[600], line[600], para[600], paras[600], edited[600], cache[600];
    snprintf(p10, sizeof p10, "%s/p10.md", tmp);
    snprintf(p100, sizeof p100, "%s/p100.md", tmp);
    snprintf(line, sizeof line, "%s/line.md", tmp);
    snprintf(para, sizeof para, "%s/para.md", tmp);
    snprintf(paras, sizeof paras, "%s/paras.md", tmp);
    snprintf(edited, sizeof edited, "%s/en-edited.md", tmp);
    snprintf(cache, sizeof cache, "%s/cache", tmp);
    FILE *lf = fopen(line, "w");
    if (!lf || fputs("# Name\n\nOne line of text.\n", lf) < 0 || fclose(lf) || generate(p10, 10) || generate(p100, 100) ||
        generate_lines(para, false) || generate_lines(paras, true) || edit_copy("content/en.md", edited))
        return 1;
    /* the résumés and the long documents first (the table's rows 0-3), then the floors, then
     * the long paragraph against its lines apart; each table once with the cache directory
     * and once without */
    enum { NROWS = 8 };
    row rows[2][NROWS], warm[6];
    memset(rows, 0, sizeof rows);
    memset(warm, 0, sizeof warm);
    const char *names[NROWS] = {"en.md", "zh.md", "10 pages", "100 pages", "1 line", "--version", "1 para", "20k paras"};
    const char *paths[NROWS] = {"content/en.md", "content/zh.md", p10, p100, line, NULL, para, paras};
    for (int m = 0; m < 2; m++)
        for (int i = 0; i < NROWS; i++)
            rows[m][i].name = names[i], rows[m][i].path = paths[i];
    /* in-process: the résumés, en.md after an edit, the long documents, the floor */
    const char *wnames[6] = {"en.md", "zh.md", "en edited", "10 pages", "100 pages", "1 line"};
    const char *wpaths[6] = {"content/en.md", "content/zh.md", "content/en.md", p10, p100, line};
    for (int i = 0; i < 6; i++)
        warm[i].name = wnames[i], warm[i].path = wpaths[i], warm[i].alt = i == 2 ? edited : NULL;
    int rc = 0;
    /* every process first: a child forked later would start with the peak memory this
     * process reaches rendering 100 pages, and report it as its own */
    for (int m = 0; m < 2 && !rc; m++)
        for (size_t i = 0; i < NROWS && !rc; i++)
            rc = whole_process(cvpdf, &rows[m][i], runs, tmp, m == 0 ? cache : NULL);
    cvpdf_cache *cc = cvpdf_cache_new();
    for (size_t i = 0; i < 6 && !rc; i++)
        rc = in_process(cc, &warm[i], runs * 3);
    cvpdf_cache_free(cc);
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    if (system(cmd)) { // NOLINT(cert-env33-c): removes the scratch directory this program made
    }
    if (rc)
        return 1;

    char title[200];
    snprintf(title, sizeof title,
             "whole process: the cvpdf command, median of %d runs on %ld cores, with a cache directory\n"
             "(--cache-dir, filled by one run before)", runs, sysconf(_SC_NPROCESSORS_ONLN));
    print_processes(title, rows[0], NROWS);
    print_processes("\nthe same, a first run: without a cache directory (--no-cache)", rows[1], NROWS);
    printf("100 pages / 10 pages: %.1fx the wall time; \"1 line\" and \"--version\" are the floors (a\n"
           "document of one line in the bundled faces: no fontconfig, no patterns; --version: starting\n"
           "the process and linking its libraries)\n",
           rows[0][3].wall / rows[0][2].wall);
    printf("1 para / 20k paras: %.2fx the wall time, %.2fx the peak memory (20,000 source lines as one\n"
           "paragraph, and as 20,000 paragraphs)\n",
           rows[0][6].wall / rows[0][7].wall, rows[0][6].rss_mb / rows[0][7].rss_mb);
    printf("\nin-process re-render: the library with a cvpdf_cache (fonts, patterns, subsets already\n"
           "loaded by a first render), median of %d renders; \"en edited\": en.md and a copy one word\n"
           "apart, in turn\n", runs * 3);
    printf("%-10s %8s |", "document", "wall ms");
    for (int s = 0; s < NSTAGES; s++)
        printf(" %8s", stages[s]);
    printf("\n");
    for (size_t i = 0; i < 6; i++) {
        row *r = &warm[i];
        printf("%-10s %8.2f |", r->name, r->warm);
        for (int s = 0; s < NSTAGES; s++)
            printf(" %8.2f", r->warm_stage[s]);
        printf("\n");
    }
    printf("# stage columns: milliseconds from the library's own timers (--timings); the whole-process\n"
           "# wall time also holds process start, dynamic linking and fontconfig's start-up\n");
    return 0;
}
