/* options.c: the public API's options, statuses and buffers, and where an option's value
 * comes from when it is not set: the directories of the fonts and styles, the date. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "context.h"
#include "style.h"

#ifndef CVPDF_FONTDIR
#define CVPDF_FONTDIR "/usr/local/share/cvpdf/fonts"
#endif
#ifndef CVPDF_STYLEDIR
#define CVPDF_STYLEDIR "/usr/local/share/cvpdf/styles"
#endif

const char *cvpdf_version(void) { return CVPDF_VERSION_STRING; }

const char *cvpdf_status_string(cvpdf_status s)
{
    switch (s) {
    case CVPDF_OK: return "success";
    case CVPDF_ERR_IO: return "input/output error";
    case CVPDF_ERR_NOMEM: return "out of memory";
    case CVPDF_ERR_FONT: return "font error";
    case CVPDF_ERR_PDF: return "PDF writer error";
    case CVPDF_ERR_USAGE: return "bad argument";
    case CVPDF_ERR_LIMIT: return "over a limit";
    }
    return "unknown error";
}

void cv_options_defaults(cvpdf_options *o)
{
    *o = (cvpdf_options){.date = -1, .justify = -1, .hyphenate = -1, .max_pages = 20};
}

cvpdf_options *cvpdf_options_new(void)
{
    cvpdf_options *o = malloc(sizeof *o);
    if (o)
        cv_options_defaults(o);
    return o;
}

void cvpdf_options_free(cvpdf_options *o)
{
    if (!o)
        return;
    free(o->fonts_dir);
    free(o->lang);
    free(o->style);
    free(o->styles_dir);
    free(o->cache_dir);
    for (size_t i = 0; i < o->sets.n; i++)
        free(o->sets.v[i]);
    free(o->sets.v);
    free(o);
}

static cvpdf_status set_str(char **slot, const char *v)
{
    char *c = v ? cv_strndup(v, strlen(v)) : NULL;
    if (v && !c)
        return CVPDF_ERR_NOMEM;
    free(*slot);
    *slot = c;
    return CVPDF_OK;
}

cvpdf_status cvpdf_options_set(cvpdf_options *o, const char *key, const char *value)
{
    if (!o || !key)
        return CVPDF_ERR_USAGE;
    if (!strcmp(key, "fonts-dir"))
        return set_str(&o->fonts_dir, value);
    if (!strcmp(key, "lang"))
        return set_str(&o->lang, value);
    if (!strcmp(key, "trace") || !strcmp(key, "justify") || !strcmp(key, "hyphenate") ||
        !strcmp(key, "show-style") || !strcmp(key, "check") || !strcmp(key, "fonts-report") ||
        !strcmp(key, "safe") || !strcmp(key, "timings")) {
        int v = cv_parse_bool(value);
        if (v < 0)
            return CVPDF_ERR_USAGE;
        if (!strcmp(key, "trace"))
            o->trace = v;
        else if (!strcmp(key, "show-style"))
            o->show_style = v;
        else if (!strcmp(key, "check"))
            o->check = v;
        else if (!strcmp(key, "fonts-report"))
            o->fonts_report = v;
        else if (!strcmp(key, "safe"))
            o->safe = v;
        else if (!strcmp(key, "timings"))
            o->timings = v;
        else if (!strcmp(key, "justify"))
            o->justify = v;
        else
            o->hyphenate = v;
        return CVPDF_OK;
    }
    if (!strcmp(key, "style"))
        return set_str(&o->style, value);
    if (!strcmp(key, "styles-dir"))
        return set_str(&o->styles_dir, value);
    if (!strcmp(key, "cache-dir"))
        return set_str(&o->cache_dir, value && *value ? value : NULL);
    if (!strcmp(key, "set")) {
        char *c = value ? cv_strndup(value, strlen(value)) : NULL;
        if (!c || CV_PUSH(o->sets, c)) {
            free(c);
            return CVPDF_ERR_NOMEM;
        }
        return CVPDF_OK;
    }
    if (!strcmp(key, "pdf-standard")) {
        /* Typst's names: ua-1 (always so here), a-2b, a-2u; comma-separated */
        char pdfa = 0;
        const char *p = value;
        while (p && *p) {
            size_t n = strcspn(p, ",");
            if (n == 4 && !strncmp(p, "ua-1", 4))
                ;
            else if (n == 4 && !strncmp(p, "a-2b", 4))
                pdfa = pdfa ? pdfa : 'b';
            else if (n == 4 && !strncmp(p, "a-2u", 4))
                pdfa = 'u';
            else
                return CVPDF_ERR_USAGE;
            p += n + (p[n] == ',');
        }
        if (!value || !*value)
            return CVPDF_ERR_USAGE;
        o->pdfa = pdfa;
        return CVPDF_OK;
    }
    if (!strcmp(key, "fit-pages")) {
        char *end;
        long v = value ? strtol(value, &end, 10) : 0;
        if (!value || *end || v < 0 || v > 1000)
            return CVPDF_ERR_USAGE;
        o->fit_pages = (int)v;
        return CVPDF_OK;
    }
    if (!strcmp(key, "max-input")) {
        if (!value || *value < '0' || *value > '9')
            return CVPDF_ERR_USAGE;
        char *end;
        unsigned long long v = strtoull(value, &end, 10);
        unsigned long long mul = *end == 'K' || *end == 'k' ? 1024 : *end == 'M' || *end == 'm' ? 1024 * 1024 : 1;
        if ((mul > 1 && end[1]) || (mul == 1 && *end) || v > ((unsigned long long)1 << 40) / mul)
            return CVPDF_ERR_USAGE;
        o->max_input = (size_t)(v * mul);
        return CVPDF_OK;
    }
    if (!strcmp(key, "date")) {
        char *end;
        long long v = value ? strtoll(value, &end, 10) : -1;
        if (value && (*end || v < 0))
            return CVPDF_ERR_USAGE;
        o->date = v;
        return CVPDF_OK;
    }
    return CVPDF_ERR_USAGE;
}

void cvpdf_options_set_cache(cvpdf_options *o, cvpdf_cache *cache)
{
    if (o)
        o->cache = cache;
}

void cvpdf_options_set_diagnostics(cvpdf_options *o, cvpdf_diag_fn fn, void *user)
{
    if (!o)
        return;
    o->diag = fn;
    o->diag_user = user;
}

void cvpdf_options_set_diagnostic_handler(cvpdf_options *o, cvpdf_diagnostic_fn fn, void *user)
{
    if (!o)
        return;
    o->diag2 = fn;
    o->diag2_user = user;
}

void cvpdf_options_set_dependencies(cvpdf_options *o, cvpdf_dep_fn fn, void *user)
{
    if (!o)
        return;
    o->dep = fn;
    o->dep_user = user;
}

void cvpdf_buffer_free(void *buf) { free(buf); }

static long long env_date(void)
{
    const char *e = getenv("SOURCE_DATE_EPOCH");
    if (!e || !*e)
        return -1;
    char *end;
    long long v = strtoll(e, &end, 10);
    return (*end || v < 0) ? -1 : v;
}

/* The directory of the bundled fonts or of the built-in styles (sub: "fonts" or "styles"): the
 * option ("fonts-dir", "styles-dir"), else the environment (CVPDF_FONTS, CVPDF_STYLES), else the
 * one the build baked in, $(DATADIR)/fonts or /styles, where `make install` puts them. Except
 * that a program run from a cvpdf source tree (./cvpdf, build/BUILD/cvpdf, the test programs in
 * build/, examples/render: its executable, after /proc/self/exe, in a directory with the tree's
 * cvpdf.pc.in, or one or two levels below one) uses that tree's fonts/ and styles/. So the one
 * build `make install` installs also runs from the checkout, with no environment variable, and
 * never with the styles of an older installed copy; an installed program (no cvpdf.pc.in beside
 * or above it) or one without /proc uses the baked directory, as before. buf holds a found
 * directory. */
static const char *data_dir(const char *opt, const char *env, const char *sub, const char *baked,
                            char *buf, size_t size)
{
    const char *d = opt ? opt : getenv(env);
    if (d && *d)
        return d;
    ssize_t n = readlink("/proc/self/exe", buf, size);
    if (n <= 0 || (size_t)n >= size)
        return baked;
    buf[n] = '\0';
    for (int up = 0; up < 3; up++) {
        char *slash = strrchr(buf, '/');
        if (!slash || slash == buf)
            break;
        *slash = '\0';
        size_t room = size - (size_t)(slash - buf);
        struct stat sb;
        if (snprintf(slash, room, "/cvpdf.pc.in") >= (int)room)
            break;
        int tree = stat(buf, &sb) == 0 && S_ISREG(sb.st_mode);
        if (tree && snprintf(slash, room, "/%s", sub) < (int)room && stat(buf, &sb) == 0 && S_ISDIR(sb.st_mode))
            return buf;
        *slash = '\0';
    }
    return baked;
}

const char *cv_fonts_dir(const cvpdf_options *o, char *buf, size_t size)
{
    return data_dir(o->fonts_dir, "CVPDF_FONTS", "fonts", CVPDF_FONTDIR, buf, size);
}

const char *cv_styles_dir(const cvpdf_options *o, char *buf, size_t size)
{
    return data_dir(o->styles_dir, "CVPDF_STYLES", "styles", CVPDF_STYLEDIR, buf, size);
}

long long cv_date(const cvpdf_options *o) { return o->date >= 0 ? o->date : env_date(); }
