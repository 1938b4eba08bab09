/* main.c: the cvpdf command: arguments, diagnostics on stderr, exit codes. Everything else is
 * the library's. Exit status: 0 rendered (warnings allowed), 1 not rendered, 2 bad usage. */
#include <errno.h>
#include <unistd.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cvpdf.h"

static const char usage[] =
    "Usage: cvpdf [OPTIONS] INPUT.md [-o OUTPUT.pdf]\n"
    "       cvpdf [OPTIONS] INPUT.md... -o DIR/\n"
    "       cvpdf --watch [OPTIONS] INPUT.md [-o OUTPUT.pdf]\n"
    "Typeset a résumé written in Markdown (with optional YAML front matter) into an A4 PDF.\n"
    "\n"
    "  -o, --output FILE   write the PDF to FILE (default: INPUT with .pdf; '-' for stdout);\n"
    "                      with several inputs, a directory: DIR/NAME.pdf for each\n"
    "  -s, --style NAME    a built-in style (modern, classic, compact) or a style file\n"
    "      --set KEY=VALUE set a style key (cvpdf(5)); may be repeated\n"
    "      --fit-pages N   shrink, within the style's bounds, to fit N pages\n"
    "      --pdf-standard S  ua-1 (the default: a tagged PDF/UA-1 file), a-2b or a-2u\n"
    "                      (PDF/A-2 as well, for archives); a list: a-2u,ua-1\n"
    "      --lang LANG     document language (BCP 47: en, zh, zh-TW, ja, ko, ...), overriding\n"
    "                      front matter 'lang' and detection\n"
    "      --fonts-dir DIR directory of the bundled fonts (default: $CVPDF_FONTS or the\n"
    "                      installed fonts directory)\n"
    "      --no-justify    set paragraphs ragged right (default: justified)\n"
    "      --no-hyphenate  do not hyphenate\n"
    "      --trace         write a text trace of the layout instead of a PDF (for tests)\n"
    "      --show-style    print the style that applies, as YAML, instead of a PDF\n"
    "      --fonts         print which font each character was drawn with, instead of a PDF\n"
    "      --check         report problems (mojibake, emphasis that did not parse, list items\n"
    "                      swallowed by a paragraph, renumbered lists, ...) without writing a\n"
    "                      PDF; exit 0 when clean, 1 when there are warnings\n"
    "      --fix-encoding  write a repaired copy of INPUT (UTF-8 read as Mac Roman, Windows-1252\n"
    "                      or Latin-1) to -o OUTPUT; the input is never changed\n"
    "      --fix           write a copy of INPUT to -o OUTPUT with what --check finds and can\n"
    "                      repair repaired (mojibake, spaces inside **, an item indented too\n"
    "                      far, a list that continues the one before); the rest byte for byte\n"
    "      --diff          with --fix: print the change as a unified diff instead\n"
    "      --safe          for untrusted input: no files outside INPUT's directory, no\n"
    "                      images from raw HTML, at most 1 MB and 20 pages\n"
    "      --max-input SIZE  refuse an input larger than SIZE bytes (K and M suffixes;\n"
    "                      default 2M, 1M with --safe)\n"
    "      --watch         render again whenever INPUT, its images or its style file change,\n"
    "                      with a line on standard error for each render; stop with Ctrl-C\n"
    "      --cache-dir DIR keep font subsets, compiled hyphenation patterns, emoji images,\n"
    "                      shaped text and fontconfig's answers in DIR for the next run\n"
    "                      (default: $CVPDF_CACHE_DIR, else\n"
    "                      $XDG_CACHE_HOME/cvpdf or ~/.cache/cvpdf); the PDF is the same\n"
    "      --no-cache      keep nothing between runs\n"
    "      --timings       print the time each stage took (parse, fonts, shape, break, layout,\n"
    "                      paginate, subset, write) on standard error, even with -q\n"
    "  -q, --quiet         do not print warnings\n"
    "  -h, --help          show this help and exit\n"
    "  -V, --version       show the version and exit\n"
    "\n"
    "INPUT '-' reads standard input. The PDF is written to a temporary file and renamed into\n"
    "place only on success. Diagnostics go to standard error as FILE:LINE:COL: warning: ...\n"
    "Exit status: 0 rendered, 1 could not render, 2 bad usage.\n"
    "Environment: SOURCE_DATE_EPOCH sets the document date (none by default, so the same input\n"
    "gives the same bytes); CVPDF_CACHE_DIR the cache directory (empty: none).\n";

static int quiet;
static int warnings;

/* The cache directory (diskcache.c): the option, else $CVPDF_CACHE_DIR (empty: none), else
 * the XDG base directory's, $XDG_CACHE_HOME/cvpdf or $HOME/.cache/cvpdf. Nonzero on OOM. */
static int set_cache_dir(cvpdf_options *opts, const char *dir)
{
    char buf[4096];
    const char *env = getenv("CVPDF_CACHE_DIR"), *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    if (!dir && env)
        dir = env;
    if (!dir && xdg && xdg[0] == '/' && snprintf(buf, sizeof buf, "%s/cvpdf", xdg) < (int)sizeof buf)
        dir = buf;
    if (!dir && home && home[0] == '/' && snprintf(buf, sizeof buf, "%s/.cache/cvpdf", home) < (int)sizeof buf)
        dir = buf;
    return dir && *dir ? cvpdf_options_set(opts, "cache-dir", dir) != CVPDF_OK : 0;
}
static int timings;

static void on_diag(void *user, cvpdf_severity sev, const char *file, int line, int col,
                    const char *msg)
{
    (void)user;
    if (sev == CVPDF_WARNING)
        warnings++;
    if (quiet && sev != CVPDF_ERROR && !(timings && sev == CVPDF_NOTE && !strncmp(msg, "timings", 7)))
        return;
    const char *what = sev == CVPDF_ERROR ? "error" : sev == CVPDF_WARNING ? "warning" : "note";
    if (line > 0)
        fprintf(stderr, "cvpdf: %s:%d:%d: %s: %s\n", file, line, col > 0 ? col : 1, what, msg);
    else
        fprintf(stderr, "cvpdf: %s: %s: %s\n", file, what, msg);
}

static char *default_output(const char *in)
{
    size_t n = strlen(in);
    const char *slash = strrchr(in, '/');
    const char *dot = strrchr(in, '.');
    if (dot && (!slash || dot > slash + 1))
        n = (size_t)(dot - in);
    char *out = malloc(n + 5);
    if (out) {
        memcpy(out, in, n); /* NOLINT(bugprone-not-null-terminated-result): the next line ends it */
        memcpy(out + n, ".pdf", 5);
    }
    return out;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *b = malloc(cap);
    size_t r;
    while (b && (r = fread(b + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap) {
            char *nb = realloc(b, cap * 2);
            if (!nb) {
                free(b);
                b = NULL;
                break;
            }
            b = nb;
            cap *= 2;
        }
    }
    if (f != stdin)
        fclose(f);
    *len = n;
    return b;
}

/* --check: everything a render does, no PDF. */
static cvpdf_status check_file(const cvpdf_options *opts, const char *in)
{
    size_t len;
    char *md = read_file(in, &len);
    if (!md) {
        fprintf(stderr, "cvpdf: %s: error: cannot read: %s\n", in, strerror(errno));
        return CVPDF_ERR_IO;
    }
    unsigned char *pdf = NULL;
    size_t pdf_len = 0;
    cvpdf_status st = cvpdf_render(opts, strcmp(in, "-") ? in : "<stdin>", md, len, &pdf, &pdf_len);
    cvpdf_buffer_free(pdf);
    free(md);
    return st;
}

/* data to out ("-": standard output), through a temporary file beside it renamed into place. */
static int write_out(const char *out, const char *data, size_t n)
{
    if (!strcmp(out, "-"))
        return fwrite(data, 1, n, stdout) == n && !fflush(stdout) ? 0 : 1;
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.XXXXXX", out);
    int fd = mkstemp(tmp);
    FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
    if (!f || fwrite(data, 1, n, f) != n || fclose(f) || rename(tmp, out)) {
        fprintf(stderr, "cvpdf: %s: error: cannot write: %s\n", out, strerror(errno));
        if (fd >= 0)
            unlink(tmp);
        return 1;
    }
    return 0;
}

/* Whether out names the file in (another path to it too). */
static bool same_file(const char *in, const char *out)
{
    struct stat si, so;
    return strcmp(in, "-") && strcmp(out, "-") && stat(in, &si) == 0 && stat(out, &so) == 0 &&
           si.st_dev == so.st_dev && si.st_ino == so.st_ino;
}

/* --fix IN -o OUT (or --diff): the repairs --check knows, as a copy or as a diff. */
static int fix_file(const cvpdf_options *opts, const char *in, const char *out, bool diff)
{
    if (!in || (!out && !diff)) {
        fprintf(stderr, "cvpdf: --fix needs one INPUT and -o OUTPUT (or --diff)\n");
        return 2;
    }
    if (!diff && same_file(in, out)) {
        fprintf(stderr, "cvpdf: %s: error: --fix never changes its input; choose another -o\n", in);
        return 1;
    }
    size_t len;
    char *text = read_file(in, &len);
    if (!text) {
        fprintf(stderr, "cvpdf: %s: error: cannot read: %s\n", in, strerror(errno));
        return 1;
    }
    char *fixed = NULL, *d = NULL;
    size_t fl = 0, dl = 0;
    int n = 0;
    cvpdf_status st = cvpdf_fix(opts, strcmp(in, "-") ? in : "<stdin>", text, len, &fixed, &fl, diff ? &d : NULL,
                                diff ? &dl : NULL, &n);
    free(text);
    if (st != CVPDF_OK) {
        fprintf(stderr, "cvpdf: %s: error: cannot repair: %s\n", in, cvpdf_status_string(st));
        return 1;
    }
    int rc = diff ? write_out("-", d, dl) : write_out(out, fixed, fl);
    cvpdf_buffer_free(fixed);
    cvpdf_buffer_free(d);
    if (!rc)
        fprintf(stderr, "cvpdf: %s: %d repair%s%s\n", in, n, n == 1 ? "" : "s",
                n && !diff ? "; run cvpdf --check on the copy for what is left" : "");
    return rc;
}

/* --fix-encoding IN -o OUT: a repaired copy, written beside OUT and renamed into place. */
static int fix_encoding(const char *in, const char *out)
{
    if (!in || !out) {
        fprintf(stderr, "cvpdf: --fix-encoding needs one INPUT and -o OUTPUT\n");
        return 2;
    }
    if (same_file(in, out)) {
        fprintf(stderr, "cvpdf: %s: error: --fix-encoding never overwrites its input; choose another -o\n", in);
        return 1;
    }
    size_t len;
    char *text = read_file(in, &len);
    if (!text) {
        fprintf(stderr, "cvpdf: %s: error: cannot read: %s\n", in, strerror(errno));
        return 1;
    }
    char *fixed = NULL;
    size_t fl = 0;
    int n = 0;
    if (cvpdf_fix_encoding(text, len, &fixed, &fl, &n) != CVPDF_OK) {
        free(text);
        return 1;
    }
    free(text);
    int rc = write_out(out, fixed, fl);
    cvpdf_buffer_free(fixed);
    if (!rc)
        fprintf(stderr, "cvpdf: %s: repaired %d stretch%s of mojibake\n", in, n, n == 1 ? "" : "es");
    return rc;
}

/* --watch IN -o OUT: render, then wait for a change to any file the render read (the library's
 * dependency callback says which) and render again, until SIGINT or SIGTERM. Editors save by
 * writing a temporary file and renaming it over the original, so the directories holding the
 * files are watched (inotify) and their events matched by name. The signals are blocked and
 * read from a signalfd, so no handler runs and a signal never interrupts a render. */
typedef struct {
    char *path;      /* as the render opened it */
    char *dir;       /* its directory ("." for a bare name) */
    const char *base;
    int wd;          /* inotify watch of dir, -1 when it could not be watched */
    bool is_out;     /* the output or our temporary file for it: its events are our own */
} watch_dep;

typedef struct {
    watch_dep *v;
    size_t n, cap;
    bool oom;
} watch_deps;

static void watch_deps_free(watch_deps *d)
{
    for (size_t i = 0; i < d->n; i++) {
        free(d->v[i].path);
        free(d->v[i].dir);
    }
    free(d->v);
    memset(d, 0, sizeof *d);
}

/* The directory part of path: "." for a bare name, "/" at the root. NULL on OOM. */
static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    return !slash ? strdup(".") : slash == path ? strdup("/") : strndup(path, (size_t)(slash - path));
}

static void on_dep(void *user, const char *path)
{
    watch_deps *d = user;
    for (size_t i = 0; i < d->n; i++)
        if (!strcmp(d->v[i].path, path))
            return;
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 8;
        watch_dep *nv = realloc(d->v, cap * sizeof *nv);
        if (!nv) {
            d->oom = true;
            return;
        }
        d->v = nv;
        d->cap = cap;
    }
    const char *slash = strrchr(path, '/');
    watch_dep *e = &d->v[d->n];
    e->path = strdup(path);
    e->dir = dir_of(path);
    if (!e->path || !e->dir) {
        free(e->path);
        free(e->dir);
        d->oom = true;
        return;
    }
    e->base = e->path + (slash ? slash + 1 - path : 0);
    e->wd = -1;
    e->is_out = false;
    d->n++;
}

static bool same_dir(const char *a, const struct stat *b)
{
    struct stat sa;
    return stat(a, &sa) == 0 && sa.st_dev == b->st_dev && sa.st_ino == b->st_ino;
}

/* Watches the directories of deps, then drops the watches only old had. */
static void watch_update(int ifd, watch_deps *deps, const watch_deps *old, const char *out_dir,
                         const char *out_base, const char *in)
{
    const uint32_t mask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE |
                          IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR;
    struct stat so;
    bool have_out = stat(out_dir, &so) == 0;
    size_t ol = strlen(out_base);
    for (size_t i = 0; i < deps->n; i++) {
        watch_dep *e = &deps->v[i];
        e->wd = inotify_add_watch(ifd, e->dir, mask);
        if (e->wd < 0 && !strcmp(e->path, in))
            fprintf(stderr, "cvpdf: %s: warning: cannot watch the directory: %s\n", e->dir, strerror(errno));
        e->is_out = have_out && (!strcmp(e->base, out_base) ||
                                 (e->base[0] == '.' && !strncmp(e->base + 1, out_base, ol) && e->base[ol + 1] == '.')) &&
                    same_dir(e->dir, &so);
    }
    for (size_t i = 0; i < old->n; i++) {
        int wd = old->v[i].wd;
        bool kept = wd < 0;
        for (size_t j = 0; j < deps->n && !kept; j++)
            kept = deps->v[j].wd == wd;
        for (size_t j = 0; j < i && !kept; j++)
            kept = old->v[j].wd == wd; /* already removed */
        if (!kept)
            inotify_rm_watch(ifd, wd);
    }
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Reads the pending events; true when one concerns a dependency. */
static bool watch_read(int ifd, const watch_deps *deps)
{
    char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
    bool relevant = false;
    for (;;) {
        ssize_t n = read(ifd, buf, sizeof buf);
        if (n <= 0)
            return relevant; /* EAGAIN: drained */
        for (char *p = buf; p < buf + n;) {
            const struct inotify_event *ev = (const struct inotify_event *)p;
            p += sizeof *ev + ev->len;
            if (ev->mask & IN_Q_OVERFLOW) {
                relevant = true;
                continue;
            }
            for (size_t i = 0; i < deps->n; i++) {
                const watch_dep *e = &deps->v[i];
                if (e->wd != ev->wd || e->is_out)
                    continue;
                /* the directory itself went away or moved: render (and say so) and rewatch */
                if ((ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED)) ||
                    (ev->len && !strcmp(ev->name, e->base)))
                    relevant = true;
            }
        }
    }
}

/* Waits for a change, then for 100 ms without another (an editor's save is several events).
 * 1: render again; 0: SIGINT or SIGTERM; -1: error. */
static int watch_wait(int ifd, int sfd, const watch_deps *deps)
{
    long long deadline = -1;
    for (;;) {
        int timeout = -1;
        if (deadline >= 0) {
            long long left = deadline - now_ms();
            if (left <= 0)
                return 1;
            timeout = (int)left;
        }
        struct pollfd p[2] = {{.fd = ifd, .events = POLLIN}, {.fd = sfd, .events = POLLIN}};
        int r = poll(p, 2, timeout);
        if (r < 0 && errno != EINTR)
            return -1;
        if (r <= 0)
            continue;
        if (p[1].revents)
            return 0;
        if (p[0].revents & (POLLERR | POLLNVAL))
            return -1;
        if (watch_read(ifd, deps))
            deadline = now_ms() + 100;
    }
}

static int watch_file(cvpdf_options *opts, const char *in, const char *out)
{
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    int ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    int sfd = -1;
    if (ifd < 0 || sigprocmask(SIG_BLOCK, &sigs, NULL) || (sfd = signalfd(-1, &sigs, SFD_CLOEXEC)) < 0) {
        fprintf(stderr, "cvpdf: --watch: %s\n", strerror(errno));
        if (ifd >= 0)
            close(ifd);
        return 1;
    }
    const char *slash = strrchr(out, '/');
    char *out_dir = dir_of(out);
    const char *out_base = slash ? slash + 1 : out;
    watch_deps deps = {0}, old = {0};
    on_dep(&deps, in); /* watched from the start: a save during the first render is seen */
    watch_update(ifd, &deps, &old, out_dir ? out_dir : ".", out_base, in);
    /* one set of options for every render, with a cache keeping the fonts, the hyphenation
     * patterns and the last subsets loaded: a render after an edit takes milliseconds (without
     * a cache, rendering goes on as before) */
    cvpdf_cache *cache = cvpdf_cache_new();
    cvpdf_options_set_cache(opts, cache);
    cvpdf_options_set_dependencies(opts, on_dep, &deps);
    int rc = 0;
    for (;;) {
        old = deps;
        memset(&deps, 0, sizeof deps);
        long long t0 = now_ms();
        cvpdf_status st = cvpdf_render_file(opts, in, out);
        long long ms = now_ms() - t0;
        on_dep(&deps, in); /* even when it could not be opened: it may come back */
        if (deps.oom) {
            fprintf(stderr, "cvpdf: --watch: %s\n", strerror(ENOMEM));
            watch_deps_free(&old);
            rc = 1;
            break;
        }
        char when[16] = "";
        time_t now = time(NULL);
        struct tm tm;
        if (localtime_r(&now, &tm))
            strftime(when, sizeof when, "%H:%M:%S", &tm);
        struct stat so;
        long long size = stat(out, &so) == 0 ? (long long)so.st_size : 0;
        if (st != CVPDF_OK)
            fprintf(stderr, "cvpdf: %s: not rendered (%s) at %s; watching for changes\n", in,
                    cvpdf_status_string(st), when);
        else
            fprintf(stderr, "cvpdf: rendered %s (%lld %s) in %lld ms at %s\n", out,
                    size >= 10240 ? (size + 512) / 1024 : size, size >= 10240 ? "KB" : "bytes", ms, when);
        watch_update(ifd, &deps, &old, out_dir ? out_dir : ".", out_base, in);
        watch_deps_free(&old);
        bool watched = false;
        for (size_t i = 0; i < deps.n && !watched; i++)
            watched = deps.v[i].wd >= 0;
        if (!watched) {
            fprintf(stderr, "cvpdf: --watch: nothing left to watch\n");
            rc = 1;
            break;
        }
        int w = watch_wait(ifd, sfd, &deps);
        if (w <= 0) {
            if (w < 0) {
                fprintf(stderr, "cvpdf: --watch: %s\n", strerror(errno));
                rc = 1;
            }
            break;
        }
    }
    cvpdf_options_set_dependencies(opts, NULL, NULL);
    cvpdf_options_set_cache(opts, NULL);
    cvpdf_cache_free(cache);
    watch_deps_free(&deps);
    free(out_dir);
    close(sfd);
    close(ifd);
    return rc;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'}, {"lang", required_argument, NULL, 'L'},
        {"fonts-dir", required_argument, NULL, 'F'},  {"quiet", no_argument, NULL, 'q'},
        {"no-justify", no_argument, NULL, 'J'},   {"no-hyphenate", no_argument, NULL, 'H'},
        {"trace", no_argument, NULL, 'T'},       {"style", required_argument, NULL, 's'},
        {"set", required_argument, NULL, 'S'},    {"fit-pages", required_argument, NULL, 'P'},
        {"show-style", no_argument, NULL, 'Y'},   {"check", no_argument, NULL, 'C'},
        {"fix-encoding", no_argument, NULL, 'E'}, {"fonts", no_argument, NULL, 'U'},
        {"safe", no_argument, NULL, 'X'},         {"watch", no_argument, NULL, 'W'},
        {"timings", no_argument, NULL, 'M'},      {"max-input", required_argument, NULL, 'I'},
        {"fix", no_argument, NULL, 'R'},          {"diff", no_argument, NULL, 'D'},
        {"pdf-standard", required_argument, NULL, 'A'},
        {"cache-dir", required_argument, NULL, 'K'}, {"no-cache", no_argument, NULL, 'N'},
        {"help", no_argument, NULL, 'h'},         {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0}};
    const char *out = NULL, *lang = NULL, *fonts = NULL, *style = NULL, *fit = NULL, *max_input = NULL;
    const char *standard = NULL, *cache_dir = NULL;
    int no_cache = 0;
    const char *sets[64];
    int nsets = 0;
    int c, no_justify = 0, no_hyphenate = 0, trace = 0, show_style = 0, check = 0, fix = 0, fonts_used = 0, safe = 0, watch = 0;
    int repair = 0, diff = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:s:qhV", longopts, NULL)) != -1) {
        switch (c) {
        case 's': style = optarg; break;
        case 'P': fit = optarg; break;
        case 'A': standard = optarg; break;
        case 'K': cache_dir = optarg; break;
        case 'N': no_cache = 1; break;
        case 'S':
            if (nsets == 64) {
                fprintf(stderr, "cvpdf: at most 64 --set options\n");
                return 2;
            }
            sets[nsets++] = optarg;
            break;
        case 'o': out = optarg; break;
        case 'L': lang = optarg; break;
        case 'F': fonts = optarg; break;
        case 'q': quiet = 1; break;
        case 'J': no_justify = 1; break;
        case 'H': no_hyphenate = 1; break;
        case 'T': trace = 1; break;
        case 'Y': show_style = 1; break;
        case 'C': check = 1; break;
        case 'E': fix = 1; break;
        case 'R': repair = 1; break;
        case 'D': diff = repair = 1; break;
        case 'U': fonts_used = 1; break;
        case 'X': safe = 1; break;
        case 'W': watch = 1; break;
        case 'M': timings = 1; break;
        case 'I': max_input = optarg; break;
        case 'h': fputs(usage, stdout); return 0;
        case 'V': printf("cvpdf %s\n", cvpdf_version()); return 0;
        case ':':
            fprintf(stderr, "cvpdf: option '%s' needs an argument\nTry 'cvpdf --help'.\n", argv[optind - 1]);
            return 2;
        default:
            fprintf(stderr, "cvpdf: unknown option '%s'\nTry 'cvpdf --help'.\n", argv[optind - 1]);
            return 2;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "cvpdf: no input file\nTry 'cvpdf --help'.\n");
        return 2;
    }
    int ninputs = argc - optind;
    if (watch && (ninputs != 1 || !strcmp(argv[optind], "-") || fix || repair || check ||
                  (out ? !strcmp(out, "-") : trace || show_style || fonts_used))) {
        fprintf(stderr, "cvpdf: --watch needs one INPUT file and an output file, not standard input or output\n"
                        "Try 'cvpdf --help'.\n");
        return 2;
    }
    if (fix)
        return fix_encoding(ninputs == 1 ? argv[optind] : NULL, out);
    /* several inputs, or -o naming a directory: one PDF per input in that directory */
    bool to_dir = false;
    if (out && strcmp(out, "-")) {
        struct stat sb;
        size_t ol = strlen(out);
        to_dir = out[ol - 1] == '/' || (stat(out, &sb) == 0 && S_ISDIR(sb.st_mode));
    }
    if (ninputs > 1 && out && !to_dir) {
        fprintf(stderr, "cvpdf: with several inputs, -o must be a directory (end it with '/')\n");
        return 2;
    }
    if (fit) {
        char *end;
        long v = strtol(fit, &end, 10);
        if (*end || v < 1 || v > 1000) {
            fprintf(stderr, "cvpdf: --fit-pages needs a number of pages (1, 2, ...)\n");
            return 2;
        }
    }
    cvpdf_options *opts = cvpdf_options_new();
    if (!opts)
        return 1;
    if (max_input && cvpdf_options_set(opts, "max-input", max_input)) {
        fprintf(stderr, "cvpdf: --max-input needs a size in bytes (1048576, 1024K, 4M)\n");
        cvpdf_options_free(opts);
        return 2;
    }
    if (standard && cvpdf_options_set(opts, "pdf-standard", standard)) {
        fprintf(stderr, "cvpdf: --pdf-standard takes ua-1, a-2b or a-2u (or a list: a-2u,ua-1)\n");
        cvpdf_options_free(opts);
        return 2;
    }
    cvpdf_options_set_diagnostics(opts, on_diag, NULL);
    int bad = (lang && cvpdf_options_set(opts, "lang", lang)) ||
              (fonts && cvpdf_options_set(opts, "fonts-dir", fonts)) ||
              (style && cvpdf_options_set(opts, "style", style)) ||
              (fit && cvpdf_options_set(opts, "fit-pages", fit)) ||
              (no_justify && cvpdf_options_set(opts, "justify", "false")) ||
              (no_hyphenate && cvpdf_options_set(opts, "hyphenate", "false")) ||
              (trace && cvpdf_options_set(opts, "trace", "true")) ||
              (show_style && cvpdf_options_set(opts, "show-style", "true")) ||
              (check && cvpdf_options_set(opts, "check", "true")) ||
              (fonts_used && cvpdf_options_set(opts, "fonts-report", "true")) ||
              (safe && cvpdf_options_set(opts, "safe", "true")) ||
              (timings && cvpdf_options_set(opts, "timings", "true")) ||
              set_cache_dir(opts, no_cache ? "" : cache_dir);
    for (int i = 0; i < nsets && !bad; i++)
        bad = cvpdf_options_set(opts, "set", sets[i]) != CVPDF_OK;
    if (bad) {
        cvpdf_options_free(opts);
        return 1;
    }
    if (repair) {
        int rc = fix_file(opts, ninputs == 1 ? argv[optind] : NULL, out, diff);
        cvpdf_options_free(opts);
        return rc;
    }
    if (to_dir && mkdir(out, 0777) && errno != EEXIST) {
        fprintf(stderr, "cvpdf: %s: cannot create the directory: %s\n", out, strerror(errno));
        cvpdf_options_free(opts);
        return 1;
    }
    int status = 0;
    for (int i = optind; i < argc; i++) {
        const char *in = argv[i];
        char *path = NULL;
        const char *dst = out;
        if (to_dir) {
            /* DIR/NAME.pdf */
            const char *slash = strrchr(in, '/');
            char *name = default_output(slash ? slash + 1 : in);
            size_t dl = strlen(out);
            path = name ? malloc(dl + strlen(name) + 2) : NULL;
            if (path)
                sprintf(path, "%s%s%s", out, out[dl - 1] == '/' ? "" : "/", name);
            free(name);
            dst = path;
        } else if (!out) {
            dst = path = !strcmp(in, "-") || trace || show_style || check || fonts_used ? NULL : default_output(in);
            if (!dst && (!strcmp(in, "-") || trace || show_style || check || fonts_used))
                dst = "-";
        }
        if (!dst) {
            status = 1;
            continue;
        }
        if (watch) {
            status = watch_file(opts, in, dst);
            free(path);
            break;
        }
        cvpdf_status st = check ? check_file(opts, in) : cvpdf_render_file(opts, in, dst);
        if (st != CVPDF_OK)
            status = st == CVPDF_ERR_USAGE ? 2 : 1;
        else if (ninputs > 1)
            fprintf(stderr, "cvpdf: wrote %s\n", dst);
        free(path);
    }
    cvpdf_options_free(opts);
    if (check && status == 0 && warnings)
        return 1; /* --check: warnings are the answer */
    return status;
}
