/* oom.c: allocation-failure injection. Every allocation libcvpdf's own code makes is counted,
 * and the Nth fails: for every N (or a deterministic sample of them) a real résumé is rendered
 * through the public API, without a cache, through a new cache, through a warm one and with
 * cvpdf_render_file (whose PDF must then be all there, or no file at all). Each
 * render must end in CVPDF_ERR_NOMEM with one clean "out of memory" error, or in CVPDF_OK
 * with the very bytes and diagnostics of the render without failures (the failure only cost a
 * memo), never another status, a crash, a sanitizer report, a hang or a leak.
 *
 * The mechanism: the test is linked with -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,
 * --wrap=free,--wrap=pthread_create,--wrap=pthread_join, which redirects only the references
 * made by the objects of this link, that is cvpdf's own code (and this file): the outside
 * libraries (cmark-gfm, HarfBuzz, ICU, libharu, fontconfig...) keep the real allocator.
 * __wrap_* count each allocation of an armed render (a thread creation counts as one: it
 * fails with EAGAIN) and fail the Nth; every block is tracked, so after a render (and the
 * cache it used, freed) no block allocated during it may remain. Threads (the hyphenation
 * prefetch, the subsets made ahead in pdf.c) run to completion inside pthread_create, so the
 * count is the same every run and each N fails the same allocation as it did the last time.
 * Through a cache, the render after the failed one must give the good bytes again: a failure
 * must leave no half-made memo behind.
 *
 * libharu is not counted. Given our allocator through HPDF_NewEx, its failures surface in
 * places that cannot fail cleanly without checking every object pdffont.c makes (a NULL dict
 * passed on, a freed one used), and libharu records its own allocation failures with
 * HPDF_SetError, which the error handler never hears of, so they read as writer errors.
 *
 * Each N runs in a child process forked from a parent that has rendered the document once (so
 * fontconfig and the libraries' one-time set-up are done, and the warm cache is there), up to
 * --jobs at a time. A child that crashes, hangs (--timeout) or prints a sanitizer report fails.
 *
 *   oom [--jobs J] [--timeout S] [--modes nocache,cache,warm,file] [--all | --sample F,S]
 *       [--opt KEY=VALUE] [--sites] FILE.md ...
 *
 * Options apply to the files after them: --all tries every N from 1 to A (the allocations of
 * the render), --sample F,S tries 1..F then every S-th up to A, and always A itself; --opt
 * KEY=VALUE (repeatable) sets a cvpdf_options_set option of the renders (fit-pages=1,
 * trace=true); --sites lists where each failure that ended in CVPDF_OK was made.
 * `oom --only N --mode M FILE.md` runs one N in-process and says where the failed allocation
 * was made and, for a leak, where each leaked block was (for debugging). The last line is
 * "oom: N passed, N failed". */
#define _GNU_SOURCE
#include <errno.h>
#include <execinfo.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sanitizer/common_interface_defs.h>
#include <sanitizer/lsan_interface.h>

#include "cvpdf.h"
#include "harness.h"

/* the linker's --wrap names these __real_X and __wrap_X: reserved, and required */
/* NOLINTBEGIN(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp) */

/* ---- the allocator ---------------------------------------------------------------------- */

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t m);
void *__real_realloc(void *p, size_t n);
void __real_free(void *p);
int __real_pthread_create(pthread_t *t, const pthread_attr_t *a, void *(*fn)(void *), void *arg);
int __real_pthread_join(pthread_t t, void **ret);

static pthread_mutex_t alloc_lock = PTHREAD_MUTEX_INITIALIZER;
static bool armed;           /* counting (and failing) the allocations of the render under test */
static uint64_t nalloc;      /* allocations counted since armed */
static uint64_t fail_at;     /* 0: none fails */
static bool failed;          /* the failure was injected */
static unsigned gen;         /* blocks are tagged with the generation they were made in */
static void *fail_stack[24]; /* where the failed allocation was made */
static int fail_depth;
static uint64_t trace_seq;   /* --only: print where allocation trace_seq is made */

typedef struct block {
    void *p;
    size_t size;
    uint64_t seq; /* the allocation's number in its armed render, 0 outside one */
    unsigned gen;
} block;
static block *tab; /* open addressing, linear probing, deletion by backward shift */
static size_t tab_cap, tab_n;

static size_t slot_of(const void *p, size_t cap)
{
    uint64_t h = (uint64_t)(uintptr_t)p;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    return (size_t)h & (cap - 1);
}

static void tab_put(void *p, size_t size, uint64_t seq, unsigned g);

static void tab_grow(void)
{
    block *old = tab;
    size_t oc = tab_cap;
    tab_cap = oc ? oc * 2 : 1 << 16;
    tab = __real_calloc(tab_cap, sizeof *tab);
    if (!tab) {
        fprintf(stderr, "oom: the test's own table cannot grow\n");
        abort();
    }
    tab_n = 0;
    for (size_t i = 0; i < oc; i++)
        if (old[i].p)
            tab_put(old[i].p, old[i].size, old[i].seq, old[i].gen);
    __real_free(old);
}

static void tab_put(void *p, size_t size, uint64_t seq, unsigned g)
{
    if ((tab_n + 1) * 2 > tab_cap)
        tab_grow();
    size_t i = slot_of(p, tab_cap);
    while (tab[i].p && tab[i].p != p)
        i = (i + 1) & (tab_cap - 1);
    if (!tab[i].p)
        tab_n++;
    tab[i] = (block){p, size, seq, g};
}

/* Removes p; false when it was not a tracked block (made by an outside library). */
static bool tab_del(void *p, block *out)
{
    if (!tab_cap)
        return false;
    size_t i = slot_of(p, tab_cap);
    while (tab[i].p && tab[i].p != p)
        i = (i + 1) & (tab_cap - 1);
    if (!tab[i].p)
        return false;
    if (out)
        *out = tab[i];
    tab[i].p = NULL;
    tab_n--;
    /* backward shift: entries after i that were displaced past it move back */
    size_t j = i;
    for (;;) {
        j = (j + 1) & (tab_cap - 1);
        if (!tab[j].p)
            break;
        size_t k = slot_of(tab[j].p, tab_cap);
        if ((j > i && (k <= i || k > j)) || (j < i && (k <= i && k > j))) {
            tab[i] = tab[j];
            tab[j].p = NULL;
            i = j;
        }
    }
    return true;
}

static void print_stack(void *const *frames, int n)
{
    for (int i = 0; i < n; i++) {
        char buf[512];
        __sanitizer_symbolize_pc(frames[i], "%p %F %L", buf, sizeof buf);
        if (strstr(buf, "__wrap_") || strstr(buf, "count_one") || strstr(buf, "backtrace") || strstr(buf, "libc.so") ||
            strstr(buf, "_start"))
            continue;
        fprintf(stderr, "#   %s\n", buf);
    }
}

/* One more allocation (or thread) of the armed render: true when this one is to fail. */
static bool count_one(uint64_t *seq)
{
    *seq = 0;
    if (!armed)
        return false;
    *seq = ++nalloc;
    if (*seq == trace_seq) {
        fprintf(stderr, "# allocation %llu is made at:\n", (unsigned long long)*seq);
        void *fr[24];
        print_stack(fr, backtrace(fr, 24));
    }
    if (*seq != fail_at)
        return false;
    failed = true;
    fail_depth = backtrace(fail_stack, 24);
    errno = ENOMEM; /* as malloc says it */
    return true;
}

void *__wrap_malloc(size_t n)
{
    pthread_mutex_lock(&alloc_lock);
    uint64_t seq;
    void *p = count_one(&seq) ? NULL : __real_malloc(n);
    if (p)
        tab_put(p, n, seq, gen);
    pthread_mutex_unlock(&alloc_lock);
    return p;
}

void *__wrap_calloc(size_t n, size_t m)
{
    pthread_mutex_lock(&alloc_lock);
    uint64_t seq;
    void *p = count_one(&seq) ? NULL : __real_calloc(n, m);
    if (p)
        tab_put(p, n * m, seq, gen);
    pthread_mutex_unlock(&alloc_lock);
    return p;
}

void *__wrap_realloc(void *old, size_t n)
{
    pthread_mutex_lock(&alloc_lock);
    uint64_t seq;
    void *p = NULL;
    if (!count_one(&seq)) {
        block b = {0};
        bool tracked = old && tab_del(old, &b);
        p = __real_realloc(old, n);
        if (p)
            tab_put(p, n, seq ? seq : b.seq, tracked ? b.gen : gen);
        else if (tracked)
            tab_put(old, b.size, b.seq, b.gen); /* (a real failure: the block stays) */
    }
    pthread_mutex_unlock(&alloc_lock);
    return p;
}

void __wrap_free(void *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&alloc_lock);
    tab_del(p, NULL); /* not found: a block an outside library made (libhyphen's, say) */
    pthread_mutex_unlock(&alloc_lock);
    __real_free(p);
}

/* Threads run to completion here, on the caller's thread: the allocations come in the same
 * order every run. Their ids are small numbers, which no real pthread_t is. */
#define MAX_INLINE 64
static void *inline_ret[MAX_INLINE + 1];
static unsigned inline_n;

int __wrap_pthread_create(pthread_t *t, const pthread_attr_t *a, void *(*fn)(void *), void *arg)
{
    pthread_mutex_lock(&alloc_lock);
    uint64_t seq;
    bool fail = count_one(&seq);
    pthread_mutex_unlock(&alloc_lock);
    if (fail)
        return EAGAIN;
    (void)a;
    unsigned id = inline_n++ % MAX_INLINE + 1;
    inline_ret[id] = fn(arg);
    *t = (pthread_t)id;
    return 0;
}

int __wrap_pthread_join(pthread_t t, void **ret)
{
    if ((uintptr_t)t <= MAX_INLINE) {
        if (ret)
            *ret = inline_ret[(uintptr_t)t];
        return 0;
    }
    return __real_pthread_join(t, ret);
}

/* Blocks of generation >= g still allocated. */
static size_t live_since(unsigned g, int show)
{
    size_t n = 0;
    pthread_mutex_lock(&alloc_lock);
    for (size_t i = 0; i < tab_cap; i++)
        if (tab[i].p && tab[i].gen >= g) {
            if (n < (size_t)show)
                fprintf(stderr, "#   leaked: %zu bytes, allocation %llu%s\n", tab[i].size,
                        (unsigned long long)tab[i].seq, tab[i].seq ? "" : " (outside the armed render)");
            n++;
        }
    pthread_mutex_unlock(&alloc_lock);
    return n;
}

/* ---- diagnostics, without allocating ---------------------------------------------------- */

#define MAX_DIAGS 2048
typedef struct diag {
    int sev, line, col;
    char msg[240];
} diag;
typedef struct diags {
    diag d[MAX_DIAGS];
    int n, dropped;
} diags;
static diags cur; /* the render under way */

static void on_diag(void *user, cvpdf_severity sev, const char *file, int line, int col, const char *msg)
{
    diags *ds = user;
    if (ds->n == MAX_DIAGS) {
        ds->dropped++;
        return;
    }
    diag *d = &ds->d[ds->n++];
    d->sev = sev;
    d->line = line;
    d->col = col;
    snprintf(d->msg, sizeof d->msg, "%s", msg);
}

static bool same_diag(const diag *a, const diag *b)
{
    return a->sev == b->sev && a->line == b->line && a->col == b->col && !strcmp(a->msg, b->msg);
}

static const char *sev_name(int s) { return s == CVPDF_ERROR ? "error" : s == CVPDF_WARNING ? "warning" : "note"; }

/* ---- one document ----------------------------------------------------------------------- */

/* nocache: cvpdf_render without a cache; cache: through a new cache; warm: through a cache a
 * render of the document went through before; file: cvpdf_render_file, no cache */
enum { M_NOCACHE, M_CACHE, M_WARM, M_FILE, M_N };
static const char *const mode_names[M_N] = {"nocache", "cache", "warm", "file"};

typedef struct doc {
    const char *path;
    char *md;
    size_t len;
    unsigned char *good;   /* the render without failures */
    size_t good_len;
    diags *good_diags;
    cvpdf_cache *warm;     /* warm mode: rendered through once in the parent */
} doc;

static int verbose;
static double timeout_s = 300;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static const char *opt[16]; /* --opt KEY=VALUE: options of the renders (fit-pages=1, trace=true...) */
static int nopts;

static bool to_file; /* render with cvpdf_render_file, and read back what it wrote */

/* Renders d, the allocation fail_at failing (0: none), with cache (may be NULL). */
static cvpdf_status render(const doc *d, cvpdf_cache *cache, uint64_t fail, unsigned char **pdf, size_t *len,
                           uint64_t *count)
{
    char out[64];
    snprintf(out, sizeof out, "/tmp/cvpdf-oom.%d.pdf", (int)getpid());
    if (to_file)
        unlink(out);
    cvpdf_options *o = cvpdf_options_new();
    if (!o) {
        fprintf(stderr, "oom: no options\n");
        exit(3);
    }
    for (int i = 0; i < nopts; i++) {
        char key[64];
        const char *eq = strchr(opt[i], '=');
        snprintf(key, sizeof key, "%.*s", eq ? (int)(eq - opt[i]) : 63, opt[i]);
        if (cvpdf_options_set(o, key, eq ? eq + 1 : NULL)) {
            fprintf(stderr, "oom: bad option %s\n", opt[i]);
            exit(2);
        }
    }
    cvpdf_options_set_diagnostics(o, on_diag, &cur);
    cvpdf_options_set_cache(o, cache);
    cur.n = cur.dropped = 0;
    pthread_mutex_lock(&alloc_lock);
    nalloc = 0;
    fail_at = fail;
    failed = false;
    armed = true;
    pthread_mutex_unlock(&alloc_lock);
    cvpdf_status st = to_file ? cvpdf_render_file(o, d->path, out) : cvpdf_render(o, d->path, d->md, d->len, pdf, len);
    pthread_mutex_lock(&alloc_lock);
    armed = false;
    if (count)
        *count = nalloc;
    pthread_mutex_unlock(&alloc_lock);
    if (to_file) {
        /* what is there must be the whole PDF, and nothing after a failure */
        *len = 0;
        *pdf = access(out, F_OK) ? NULL : (unsigned char *)read_file(out, len);
        unlink(out);
    }
    cvpdf_options_free(o);
    return st;
}

static char why[4096]; /* the reason a check failed */
static char site[600]; /* where the failed allocation was made, in short */
static bool show_sites; /* --sites: say where each failure that gave CVPDF_OK was */
static int whyf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int whyf(const char *fmt, ...)
{
    size_t k = strlen(why);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why + k, sizeof why - k, fmt, ap);
    va_end(ap);
    return 1;
}

/* The result of a render with a failure must be the good one, or a clean NOMEM. */
static int check_result(const doc *d, cvpdf_status st, const unsigned char *pdf, size_t len, bool *nomem)
{
    int bad = 0;
    *nomem = st == CVPDF_ERR_NOMEM;
    if (st == CVPDF_OK) {
        if (len != d->good_len || !pdf || memcmp(pdf, d->good, len))
            bad |= whyf("CVPDF_OK but the PDF differs from the good render (%zu bytes, not %zu); ", len, d->good_len);
        bool same = cur.n == d->good_diags->n;
        for (int i = 0; same && i < cur.n; i++)
            same = same_diag(&cur.d[i], &d->good_diags->d[i]);
        if (!same)
            bad |= whyf("CVPDF_OK but the diagnostics differ from the good render's (%d, not %d); ", cur.n,
                        d->good_diags->n);
    } else if (st == CVPDF_ERR_NOMEM) {
        if (pdf || len)
            bad |= whyf("NOMEM but *pdf is set; ");
        int oom_errors = 0;
        for (int i = 0; i < cur.n; i++) {
            const diag *g = &cur.d[i];
            if (g->sev == CVPDF_ERROR && !strcmp(g->msg, "cannot render: out of memory")) {
                oom_errors++;
                continue;
            }
            bool known = false;
            for (int k = 0; !known && k < d->good_diags->n; k++)
                known = same_diag(g, &d->good_diags->d[k]);
            if (!known)
                bad |= whyf("misleading diagnostic: %d:%d: %s: %s; ", g->line, g->col, sev_name(g->sev), g->msg);
        }
        if (oom_errors != 1)
            bad |= whyf("%d \"cannot render: out of memory\" errors, not one; ", oom_errors);
    } else {
        bad |= whyf("status %d (%s), neither CVPDF_OK nor CVPDF_ERR_NOMEM; ", st, cvpdf_status_string(st));
    }
    if (bad && verbose)
        for (int i = 0; i < cur.n; i++)
            fprintf(stderr, "#   diagnostic: %d:%d: %s: %s\n", cur.d[i].line, cur.d[i].col, sev_name(cur.d[i].sev),
                    cur.d[i].msg);
    return bad;
}

/* One N in mode m (in a child, or in-process with --only). Returns 0 when it passed; *nomem
 * tells which way; *count the allocations of the render (for the counting pass). */
static int run_one(doc *d, int m, uint64_t n, bool *nomem, uint64_t *count)
{
    why[0] = 0;
    unsigned g0 = ++gen;
    to_file = m == M_FILE;
    cvpdf_cache *cache = m == M_CACHE ? cvpdf_cache_new() : m == M_WARM ? d->warm : NULL;
    if ((m == M_CACHE || m == M_WARM) && !cache) {
        whyf("no cache");
        return 1;
    }
    unsigned char *pdf = NULL;
    size_t len = 0;
    cvpdf_status st = render(d, cache, n, &pdf, &len, count);
    bool hit = failed; /* (the render after it, below, fails nothing) */
    int bad = 0;
    if (n && !hit)
        bad |= whyf("allocation %llu was never made (the count is not deterministic); ", (unsigned long long)n);
    bad |= check_result(d, st, pdf, len, nomem);
    cvpdf_buffer_free(pdf);
    if (cache) {
        /* what the failed render left in the cache must serve the next render as well */
        pdf = NULL;
        len = 0;
        st = render(d, cache, 0, &pdf, &len, NULL);
        if (st != CVPDF_OK || !pdf || len != d->good_len || memcmp(pdf, d->good, len))
            bad |= whyf("the render after it, through the same cache, differs (status %d, %zu bytes); ", st, len);
        cvpdf_buffer_free(pdf);
        cvpdf_cache_free(cache);
        if (m == M_WARM)
            d->warm = NULL;
    }
    size_t leaked = live_since(g0, 0);
    if (leaked) {
        bad |= whyf("%zu blocks allocated during the render outlive it; ", leaked);
        live_since(g0, 20);
        if (verbose)
            __lsan_do_recoverable_leak_check();
    }
    site[0] = 0;
    if ((bad || show_sites) && hit && fail_depth) {
        /* the failed allocation's callers, in short, for the summary */
        size_t k = 0;
        for (int i = 0, shown = 0; i < fail_depth && shown < 4; i++) {
            char buf[512];
            __sanitizer_symbolize_pc(fail_stack[i], "%f %s:%l", buf, sizeof buf);
            if (strstr(buf, "__wrap_") || strstr(buf, "count_one") || strstr(buf, "backtrace") ||
                !strstr(buf, "/src/"))
                continue;
            char *sp = strchr(buf, ' '), *slash = strrchr(buf, '/');
            if (sp && slash)
                memmove(sp + 1, slash + 1, strlen(slash + 1) + 1);
            k += (size_t)snprintf(site + k, sizeof site - k, "%s%s", shown ? " < " : "", buf);
            if (k >= sizeof site)
                k = sizeof site - 1;
            shown++;
        }
        if (bad)
            whyf("[allocation %llu at %s]", (unsigned long long)n, site);
    }
    if (bad && hit && fail_depth) {
        fprintf(stderr, "# the failed allocation %llu was made at:\n", (unsigned long long)n);
        print_stack(fail_stack, fail_depth);
    }
    return bad;
}

/* ---- the runs ----------------------------------------------------------------------------- */

static int jobs = 2;
static unsigned long long total_pass, total_fail, total_nomem, total_ok;

typedef struct child {
    pid_t pid;
    uint64_t n;
    char log[64];
} child;

/* Which Ns to try of 1..a: all, or 1..first then every stride-th, and a. */
static bool wanted(uint64_t n, uint64_t a, uint64_t first, uint64_t stride)
{
    return !stride || n <= first || (n - first) % stride == 0 || n == a;
}

static void show_log(const char *path, int lines)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    char buf[1024];
    for (int i = 0; i < lines && fgets(buf, sizeof buf, f); i++)
        fprintf(stdout, "#   %s", buf);
    fclose(f);
}

/* Forks a child that runs N (0: the counting pass) and writes its verdict to a pipe. */
static pid_t spawn(doc *d, int m, uint64_t n, const char *log, int *rfd)
{
    int p[2];
    if (pipe(p))
        return -1;
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        close(p[0]);
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd >= 0) {
            dup2(fd, 2);
            close(fd);
        }
        alarm((unsigned)timeout_s);
        bool nomem = false;
        uint64_t count = 0;
        int bad = run_one(d, m, n, &nomem, &count);
        char msg[sizeof why + sizeof site + 64];
        int k = snprintf(msg, sizeof msg, "%d %d %llu\t%s\t%s", bad, nomem, (unsigned long long)count, site, why);
        if (write(p[1], msg, (size_t)k) < 0)
            _exit(4);
        _exit(0);
    }
    close(p[1]);
    *rfd = p[0];
    return pid;
}

/* Reads the verdict of a child that ended with status ws; returns 0 when it passed. */
static int verdict(int rfd, int ws, bool *nomem, uint64_t *count, char *reason, size_t rsize, char *where,
                   size_t wsize)
{
    char msg[sizeof why + sizeof site + 64];
    where[0] = 0;
    ssize_t k = read(rfd, msg, sizeof msg - 1);
    close(rfd);
    msg[k > 0 ? k : 0] = 0;
    if (WIFSIGNALED(ws)) {
        int sig = WTERMSIG(ws);
        snprintf(reason, rsize, "%s", sig == SIGALRM ? "hang (timeout)" : strsignal(sig));
        return 1;
    }
    if (!WIFEXITED(ws) || WEXITSTATUS(ws) || k <= 0) {
        snprintf(reason, rsize, "crash or sanitizer report (exit status %d)", WIFEXITED(ws) ? WEXITSTATUS(ws) : -1);
        return 1;
    }
    char *p = msg;
    int bad = (int)strtol(p, &p, 10), nm = (int)strtol(p, &p, 10);
    unsigned long long c = strtoull(p, &p, 10);
    *nomem = nm;
    *count = c;
    char *t1 = strchr(msg, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
    if (t2) {
        *t2 = 0;
        snprintf(where, wsize, "%s", t1 + 1);
    }
    snprintf(reason, rsize, "%s", t2 ? t2 + 1 : "");
    return bad;
}

static int run_mode(doc *d, int m, uint64_t first, uint64_t stride)
{
    double t0 = now();
    char log[64];
    snprintf(log, sizeof log, "/tmp/cvpdf-oom.%d.count.log", (int)getpid());
    int rfd;
    pid_t pid = spawn(d, m, 0, log, &rfd);
    int ws;
    if (pid < 0 || waitpid(pid, &ws, 0) < 0) {
        perror("oom: fork");
        exit(3);
    }
    bool nomem;
    uint64_t a = 0;
    char reason[sizeof why], where[sizeof site];
    if (verdict(rfd, ws, &nomem, &a, reason, sizeof reason, where, sizeof where)) {
        printf("FAIL - oom: %s %s: the render without failures: %s\n", d->path, mode_names[m], reason);
        show_log(log, 60);
        unlink(log);
        total_fail++;
        return 1;
    }
    unlink(log);
    child kids[64];
    int nk = 0, fails = 0, shown = 0;
    uint64_t tried = 0, n_nomem = 0, n_ok = 0;
    int fds[64];
    uint64_t next = 1;
    while (next <= a || nk) {
        while (nk < jobs && next <= a) {
            uint64_t n = next++;
            if (!wanted(n, a, first, stride))
                continue;
            child *c = &kids[nk];
            c->n = n;
            snprintf(c->log, sizeof c->log, "/tmp/cvpdf-oom.%d.%llu.log", (int)getpid(), (unsigned long long)n);
            c->pid = spawn(d, m, n, c->log, &fds[nk]);
            if (c->pid < 0) {
                perror("oom: fork");
                exit(3);
            }
            nk++;
        }
        if (!nk)
            break;
        pid_t w = waitpid(-1, &ws, 0);
        if (w < 0) {
            perror("oom: waitpid");
            exit(3);
        }
        int i = 0;
        while (i < nk && kids[i].pid != w)
            i++;
        if (i == nk)
            continue;
        uint64_t count = 0;
        int bad = verdict(fds[i], ws, &nomem, &count, reason, sizeof reason, where, sizeof where);
        tried++;
        if (bad) {
            fails++;
            printf("FAIL - oom: %s %s N=%llu: %s\n", d->path, mode_names[m], (unsigned long long)kids[i].n, reason);
            if (shown++ < 5)
                show_log(kids[i].log, 40);
        } else if (nomem) {
            n_nomem++;
        } else {
            n_ok++;
            if (show_sites)
                printf("# OK: %s %s N=%llu: %s\n", d->path, mode_names[m], (unsigned long long)kids[i].n, where);
        }
        unlink(kids[i].log);
        kids[i] = kids[nk - 1];
        fds[i] = fds[nk - 1];
        nk--;
    }
    double t = now() - t0;
    total_pass += tried - (uint64_t)fails;
    total_fail += (uint64_t)fails;
    total_nomem += n_nomem;
    total_ok += n_ok;
    printf("%s - oom: %s %s: A=%llu, %llu of them failed in turn: %llu NOMEM, %llu OK (a memo skipped), %d failed, "
           "%.1f s\n",
           fails ? "FAIL" : "ok", d->path, mode_names[m], (unsigned long long)a, (unsigned long long)tried,
           (unsigned long long)n_nomem, (unsigned long long)n_ok, fails, t);
    fflush(stdout);
    return fails;
}

static void unprepare(doc *d);

static int prepare(doc *d, const char *path)
{
    memset(d, 0, sizeof *d);
    d->path = path;
    to_file = false;
    d->md = read_file(path, &d->len);
    if (!d->md) {
        printf("FAIL - oom: cannot read %s\n", path);
        return -1;
    }
    /* once unarmed, for the libraries' one-time set-up; then the good render */
    unsigned char *pdf = NULL;
    size_t len;
    render(d, NULL, 0, &pdf, &len, NULL);
    cvpdf_buffer_free(pdf);
    cvpdf_status st = render(d, NULL, 0, &d->good, &d->good_len, NULL);
    d->good_diags = malloc(sizeof *d->good_diags);
    if (d->good_diags)
        *d->good_diags = cur;
    if (st != CVPDF_OK || !d->good_diags) {
        printf("FAIL - oom: %s does not render: %s\n", path, cvpdf_status_string(st));
        unprepare(d);
        return -1;
    }
    return 0;
}

static void warm_up(doc *d)
{
    d->warm = cvpdf_cache_new();
    to_file = false;
    unsigned char *pdf = NULL;
    size_t len = 0;
    cvpdf_status st = render(d, d->warm, 0, &pdf, &len, NULL);
    if (st != CVPDF_OK || len != d->good_len || memcmp(pdf, d->good, len)) {
        printf("FAIL - oom: %s: the render through a cache differs from the one without\n", d->path);
        total_fail++;
    }
    cvpdf_buffer_free(pdf);
}

static void unprepare(doc *d)
{
    cvpdf_cache_free(d->warm);
    cvpdf_buffer_free(d->good);
    free(d->good_diags);
    free(d->md);
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    void *fr[4];
    backtrace(fr, 4); /* loads what backtrace needs, before any render */
    bool modes[M_N] = {true, true, true, true};
    uint64_t first = 0, stride = 0, only = 0;
    int only_mode = -1, ndocs = 0;
    double t0 = now();
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--jobs") && i + 1 < argc) {
            jobs = (int)strtol(argv[++i], NULL, 10);
            if (jobs < 1 || jobs > 64)
                jobs = 1;
        } else if (!strcmp(a, "--timeout") && i + 1 < argc) {
            timeout_s = strtod(argv[++i], NULL);
        } else if (!strcmp(a, "--all")) {
            first = stride = 0;
        } else if (!strcmp(a, "--sample") && i + 1 < argc) {
            char *end;
            unsigned long long f = strtoull(argv[++i], &end, 10), s = 0;
            if (*end == ',')
                s = strtoull(end + 1, &end, 10);
            if (*end || !s) {
                fprintf(stderr, "oom: --sample FIRST,STRIDE\n");
                return 2;
            }
            first = f;
            stride = s;
        } else if (!strcmp(a, "--modes") && i + 1 < argc) {
            const char *v = argv[++i];
            for (int m = 0; m < M_N; m++) {
                size_t l = strlen(mode_names[m]);
                modes[m] = false;
                for (const char *p = v; *p; p += strcspn(p, ",") + (p[strcspn(p, ",")] == ','))
                    modes[m] |= strcspn(p, ",") == l && !strncmp(p, mode_names[m], l);
            }
        } else if (!strcmp(a, "--only") && i + 1 < argc) {
            only = strtoull(argv[++i], NULL, 10);
        } else if (!strcmp(a, "--mode") && i + 1 < argc) {
            for (int m = 0; m < M_N; m++)
                if (!strcmp(argv[i + 1], mode_names[m]))
                    only_mode = m;
            i++;
        } else if (!strcmp(a, "--trace-alloc") && i + 1 < argc) {
            trace_seq = strtoull(argv[++i], NULL, 10);
        } else if (!strcmp(a, "--opt") && i + 1 < argc) {
            if (nopts < 16)
                opt[nopts++] = argv[++i];
        } else if (!strcmp(a, "--sites")) {
            show_sites = true;
        } else if (!strcmp(a, "-v")) {
            verbose = 1;
        } else if (a[0] == '-') {
            fprintf(stderr, "usage: oom [--jobs J] [--timeout S] [--modes nocache,cache,warm,file] "
                            "[--all | --sample FIRST,STRIDE] [--opt KEY=VALUE] [--sites] FILE.md ...\n"
                            "       oom --only N --mode nocache|cache|warm|file [--trace-alloc K] [-v] FILE.md\n");
            return 2;
        } else {
            doc d;
            ndocs++;
            if (prepare(&d, a)) {
                total_fail++;
                continue;
            }
            if (only || only_mode >= 0) {
                int m = only_mode >= 0 ? only_mode : M_NOCACHE;
                if (m == M_WARM)
                    warm_up(&d);
                verbose = 1;
                bool nomem;
                uint64_t count = 0;
                int bad = run_one(&d, m, only, &nomem, &count);
                printf("%s %s N=%llu: %s%s (%llu allocations)\n", a, mode_names[m], (unsigned long long)only,
                       bad ? "FAIL: " : nomem ? "NOMEM" : "OK", why, (unsigned long long)count);
                bad ? total_fail++ : total_pass++;
            } else {
                for (int m = 0; m < M_N; m++) {
                    if (!modes[m])
                        continue;
                    if (m == M_WARM)
                        warm_up(&d);
                    run_mode(&d, m, first, stride);
                }
            }
            unprepare(&d);
        }
    }
    if (!ndocs) {
        fprintf(stderr, "oom: no documents\n");
        return 2;
    }
    printf("oom: %llu passed, %llu failed (%llu NOMEM, %llu OK), %.0f s\n", total_pass, total_fail, total_nomem,
           total_ok, now() - t0);
    return total_fail ? 1 : 0;
}
/* NOLINTEND(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp) */
