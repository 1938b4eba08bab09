/* font.c: the document's font set: the bundled Latin and monospaced faces from fonts/, the
 * CJK face of the document's language from fontconfig, and a per-character fallback search
 * through fontconfig (the only fontconfig client).
 *
 * Faces are opened lazily, the first time a role or a fallback needs them, and each distinct
 * (file, face index) is opened once; the face id is its index in this set, and it becomes one
 * PDF font. The CJK collection is looked up by family name ("Noto Sans CJK SC"), never by
 * face index: in Debian's NotoSansCJK-Regular.ttc the SC face is not index 0.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <fontconfig/fontconfig.h>

#include "cache.h"
#include "breaks.h"
#include "diskcache.h"
#include "fonts.h"
#include "style.h"

typedef struct face_slot {
    char *path;
    unsigned index;
    cv_face *face;
    bool owned; /* false: the cache's, or (synthetic) its base slot's */
    int base;   /* a synthetic bold or oblique of slot `base` (its face): -1 for a real face */
    int synth;  /* CV_SYNTH_* */
} face_slot;

struct cv_fonts {
    cv_ctx *ctx;
    char *dir;
    char lang[32];
    char family[CV_F_NROLES][64]; /* the family each role uses */
    bool failed;
    CV_VEC(face_slot) faces;
    int role_id[CV_F_NROLES];
    bool role_tried[CV_F_NROLES];
    cv_map fallback; /* code point -> 1 + face id (0: none covers it) */
    cv_map styled;   /* (face id << 2 | bold | italic << 1) -> 1 + its sibling's id (0: none) */
    cv_map scripts;  /* script -> 1 + the face of its Noto family (0: none installed) */
    int searches;    /* fontconfig searches for a character no open face covers */
};

/* The families bundled in fonts/: regular, bold, italic, bold italic. */
static const struct bundled {
    const char *family;
    const char *files[4];
} bundled[] = {
    {"Inter", {"Inter-Regular.otf", "Inter-SemiBold.otf", "Inter-Italic.otf", "Inter-SemiBoldItalic.otf"}},
    {"Noto Serif", {"NotoSerif-Regular.ttf", "NotoSerif-Bold.ttf", "NotoSerif-Italic.ttf", "NotoSerif-BoldItalic.ttf"}},
    {"Noto Sans Mono", {"NotoSansMono-Regular.ttf", "NotoSansMono-Bold.ttf", "NotoSansMono-Regular.ttf", "NotoSansMono-Bold.ttf"}},
};

/* Which Debian package provides a family, for the error when it is missing. */
static const char *debian_package(const char *family)
{
    static const char *map[][2] = {
        {"Noto Sans CJK", "fonts-noto-cjk"}, {"Noto Serif CJK", "fonts-noto-cjk"},
        {"Noto Sans Mono CJK", "fonts-noto-cjk"}, {"Noto Sans", "fonts-noto-core"},
        {"Noto Serif", "fonts-noto-core"}, {"DejaVu Math", "fonts-dejavu-extra"}, {"DejaVu", "fonts-dejavu-core"},
        {"TeX Gyre Termes Math", "fonts-texgyre-math"}, {"TeX Gyre Pagella Math", "fonts-texgyre-math"},
        {"Liberation", "fonts-liberation2"}, {"TeX Gyre", "fonts-texgyre"},
        {"EB Garamond", "fonts-ebgaramond"}, {"Lato", "fonts-lato"}, {"Inter", "fonts-inter"},
        {"Fira Code", "fonts-firacode"}, {"Symbola", "fonts-symbola"}, {"IPAex", "fonts-ipaexfont"},
        {"WenQuanYi", "fonts-wqy-microhei"}, {"AR PL", "fonts-arphic-ukai"},
    };
    for (size_t i = 0; i < sizeof map / sizeof *map; i++)
        if (!strncasecmp(family, map[i][0], strlen(map[i][0])))
            return map[i][1];
    return NULL;
}

/* fontconfig starts (reading its configuration and caches, about 10 ms) only when a family
 * or a character needs it: a document in the bundled faces alone never waits for it. */
static pthread_once_t fc_once = PTHREAD_ONCE_INIT;
static bool fc_ok;
static void fc_init(void) { fc_ok = FcInit(); }
static bool fc_ready(void)
{
    pthread_once(&fc_once, fc_init);
    return fc_ok;
}

/* ---- fontconfig's answers, kept between processes (diskcache.c) -------------------------
 * Even when every face is known, asking fontconfig means starting it: parsing its XML
 * configuration and mapping its caches, about 5 ms of a 30 ms run. Its answers (a family's
 * file, the face for a character) are kept in the cache directory under a fingerprint of
 * what fontconfig read: each configuration file and font directory it reports (fonts
 * installed or removed change a directory's modification time, which is how fontconfig
 * itself notices them), the places a user's configuration or fonts would appear, and the
 * environment it reads. The fingerprint is written when fontconfig has started; a later
 * process stats those paths (a few dozen) and, when nothing changed, answers from the
 * entries without starting fontconfig. */

/* the fingerprint's key: the environment fontconfig's answers depend on */
static void fc_env_key(cv_key *k)
{
    static const char *const vars[] = {"FONTCONFIG_FILE", "FONTCONFIG_PATH", "FONTCONFIG_SYSROOT", "HOME",
                                       "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "LC_ALL", "LC_CTYPE",
                                       "LANG"};
    cv_key_add(k, "fcstate-1", 10);
    for (size_t i = 0; i < sizeof vars / sizeof *vars; i++) {
        const char *v = getenv(vars[i]);
        cv_key_add(k, v ? v : "\x01", v ? strlen(v) + 1 : 2);
    }
}

/* Where a user's configuration or fonts would appear (watched whether or not they exist). */
static void fc_user_paths(cv_buf *b)
{
    const char *home = getenv("HOME"), *xc = getenv("XDG_CONFIG_HOME"), *xd = getenv("XDG_DATA_HOME");
    char p[4096];
    static const char *const sys[] = {"/etc/fonts", "/etc/fonts/conf.d", "/etc/fonts/fonts.conf", "/usr/share/fonts",
                                      "/usr/local/share/fonts"};
    for (size_t i = 0; i < sizeof sys / sizeof *sys; i++)
        (void)cv_disk_key_path(b, sys[i]);
    if (xc && *xc) {
        snprintf(p, sizeof p, "%s/fontconfig", xc);
        (void)cv_disk_key_path(b, p);
        snprintf(p, sizeof p, "%s/fontconfig/conf.d", xc);
        (void)cv_disk_key_path(b, p);
    }
    if (xd && *xd) {
        snprintf(p, sizeof p, "%s/fonts", xd);
        (void)cv_disk_key_path(b, p);
    }
    if (home && *home) {
        static const char *const rel[] = {"", "/.config", "/.config/fontconfig", "/.config/fontconfig/conf.d",
                                          "/.fonts", "/.fonts.conf", "/.fonts.conf.d", "/.local/share",
                                          "/.local/share/fonts"};
        for (size_t i = 0; i < sizeof rel / sizeof *rel; i++) {
            snprintf(p, sizeof p, "%s%s", home, rel[i]);
            (void)cv_disk_key_path(b, p);
        }
    }
}

/* The fingerprint of fontconfig as it started: the paths above, then every file and
 * directory it reports. */
static void fc_fingerprint(cv_buf *b)
{
    fc_user_paths(b);
    FcStrList *l[2] = {FcConfigGetConfigFiles(NULL), FcConfigGetFontDirs(NULL)};
    for (int k = 0; k < 2; k++) {
        FcChar8 *s;
        while (l[k] && (s = FcStrListNext(l[k])))
            (void)cv_disk_key_path(b, (const char *)s);
        if (l[k])
            FcStrListDone(l[k]);
    }
}

/* A fingerprint still true: each path as it was. */
static bool fc_fingerprint_holds(const unsigned char *p, size_t n)
{
    cv_buf now = {0};
    size_t i = 0;
    bool ok = true;
    while (ok && i < n) {
        const unsigned char *z = memchr(p + i, 0, n - i);
        if (!z || (size_t)(z - p) + 1 + 5 * sizeof(long long) > n)
            return false;
        now.len = 0;
        (void)cv_disk_key_path(&now, (const char *)(p + i));
        size_t rec = (size_t)(z - p) + 1 - i + 5 * sizeof(long long);
        ok = !now.oom && now.len == rec && !memcmp(now.p, p + i, rec);
        i += rec;
    }
    cv_buf_free(&now);
    return ok;
}

/* The fingerprint's hash for this process and cache directory, or 0 when none is known
 * (then the answers are asked of fontconfig, and kept once it has started). */
static pthread_mutex_t fcfp_lock = PTHREAD_MUTEX_INITIALIZER;
static char fcfp_dir[4096];
static uint64_t fcfp_hash;
static bool fcfp_checked;

static uint64_t fc_state(const char *disk)
{
    if (!disk)
        return 0;
    pthread_mutex_lock(&fcfp_lock);
    if (!fcfp_checked || strcmp(fcfp_dir, disk)) {
        snprintf(fcfp_dir, sizeof fcfp_dir, "%s", disk);
        fcfp_checked = true;
        fcfp_hash = 0;
        cv_key key = {0};
        fc_env_key(&key);
        unsigned char *data = NULL;
        size_t len = 0;
        if (!key.oom && cv_disk_get(disk, "fcstate", key.p, key.len, &data, &len) == 1 && fc_fingerprint_holds(data, len))
            fcfp_hash = cv_hash(data, len) | 1;
        free(data);
        if (!fcfp_hash && fc_ready()) { /* nothing kept, or something changed: fontconfig starts */
            cv_buf fp = {0};
            fc_fingerprint(&fp);
            if (!fp.oom) {
                cv_disk_put(disk, "fcstate", key.p, key.len, fp.p, fp.len);
                fcfp_hash = cv_hash(fp.p, fp.len) | 1;
            }
            cv_buf_free(&fp);
        }
        cv_buf_free(&key);
    }
    uint64_t h = fcfp_hash;
    pthread_mutex_unlock(&fcfp_lock);
    return h;
}

/* A kept answer for key: 1 with path and index, 0 for "none", -1 when not known (the
 * render's cache first, then the cache directory). */
static int kept_answer(cv_fonts *f, const char *key, char *path, size_t path_size, unsigned *index)
{
    cvpdf_cache *cache = f->ctx->opts->cache;
    int found = cache ? cv_cache_match(cache, key, path, path_size, index) : -1;
    uint64_t st = found < 0 ? fc_state(f->ctx->disk) : 0;
    if (!st)
        return found;
    cv_key k = {0};
    cv_key_add(&k, &st, sizeof st);
    cv_key_add(&k, key, strlen(key) + 1);
    unsigned char *data = NULL;
    size_t len = 0;
    if (!k.oom && cv_disk_get(f->ctx->disk, "fc", k.p, k.len, &data, &len) == 1 && len >= 5 &&
        (data[0] == 0 || (data[0] == 1 && len - 5 < path_size && !memchr(data + 5, 0, len - 5)))) {
        found = data[0];
        if (found) {
            memcpy(index, data + 1, 4);
            memcpy(path, data + 5, len - 5);
            path[len - 5] = '\0';
        }
        if (cache)
            cv_cache_match_put(cache, key, found ? path : NULL, *index);
    }
    free(data);
    cv_buf_free(&k);
    return found;
}

/* Keeps an answer fontconfig gave (path NULL: none). */
static void keep_answer(cv_fonts *f, const char *key, const char *path, unsigned index)
{
    cvpdf_cache *cache = f->ctx->opts->cache;
    if (cache)
        cv_cache_match_put(cache, key, path, index);
    uint64_t st = fc_state(f->ctx->disk);
    if (!st)
        return;
    cv_key k = {0};
    cv_key_add(&k, &st, sizeof st);
    cv_key_add(&k, key, strlen(key) + 1);
    cv_buf v = {0};
    unsigned char found = path != NULL;
    cv_buf_add(&v, &found, 1);
    cv_buf_add(&v, &index, 4);
    if (path)
        cv_buf_add(&v, path, strlen(path));
    if (!k.oom && !v.oom)
        cv_disk_put(f->ctx->disk, "fc", k.p, k.len, v.p, v.len);
    cv_buf_free(&k);
    cv_buf_free(&v);
}

static const char *cjk_family(const char *lang, const char *base, char *out, size_t n);

cv_fonts *cv_fonts_new(cv_ctx *ctx, const char *dir, const char *lang, const cv_style *st)
{
    cv_fonts *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->ctx = ctx;
    f->dir = cv_strndup(dir, strlen(dir));
    snprintf(f->lang, sizeof f->lang, "%s", lang ? lang : "en");
    const char *body = st ? st->font_body : "Inter", *code = st ? st->font_code : "Noto Sans Mono";
    const char *head = st ? st->font_heading : "Inter";
    for (int r = CV_F_REGULAR; r <= CV_F_BOLDITALIC; r++)
        snprintf(f->family[r], sizeof f->family[r], "%s", body);
    snprintf(f->family[CV_F_MONO], 64, "%s", code);
    snprintf(f->family[CV_F_MONOBOLD], 64, "%s", code);
    snprintf(f->family[CV_F_HEADING], 64, "%s", head);
    cjk_family(f->lang, st ? st->font_cjk : "Noto Sans CJK", f->family[CV_F_CJK], 64);
    snprintf(f->family[CV_F_EMOJI], 64, "Noto Color Emoji");
    snprintf(f->family[CV_F_MATH], 64, "%s", st ? st->font_math : "DejaVu Math TeX Gyre");
    snprintf(f->family[CV_F_CJKBOLD], 64, "%s", f->family[CV_F_CJK]);
    for (int r = 0; r < CV_F_NROLES; r++)
        f->role_id[r] = -1;
    if (!f->dir) {
        free(f);
        return NULL;
    }
    return f;
}

void cv_fonts_free(cv_fonts *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->faces.n; i++) {
        if (f->faces.v[i].owned)
            cv_face_free(f->faces.v[i].face);
        free(f->faces.v[i].path);
    }
    free(f->faces.v);
    cv_map_free(&f->fallback);
    cv_map_free(&f->styled);
    cv_map_free(&f->scripts);
    free(f->dir);
    free(f);
}

/* The id of (path, index), opening it if new; -1 if it cannot be opened. */
static int face_id(cv_fonts *f, const char *path, unsigned index)
{
    for (size_t i = 0; i < f->faces.n; i++)
        if (f->faces.v[i].base < 0 && f->faces.v[i].index == index && !strcmp(f->faces.v[i].path, path))
            return (int)i;
    cvpdf_cache *cache = f->ctx->opts->cache;
    bool owned = true;
    errno = 0;
    cv_face *face = cache ? cv_cache_face(cache, path, index, &owned) : cv_face_open(path, index);
    if (!face) {
        if (errno == ENOMEM) /* not a missing font: no memory to open it */
            f->ctx->oom = true;
        return -1;
    }
    face_slot s = {cv_strndup(path, strlen(path)), index, face, owned, -1, 0};
    if (!s.path || CV_PUSH(f->faces, s)) {
        free(s.path);
        if (s.owned)
            cv_face_free(face);
        f->ctx->oom = true;
        return -1;
    }
    return (int)f->faces.n - 1;
}

/* The CJK family for the language: base ("Noto Sans CJK") plus the region, Simplified Chinese
 * unless the language says otherwise. A base that names its region is kept. */
static const char *cjk_family(const char *lang, const char *base, char *out, size_t n)
{
    char l[32];
    size_t i;
    for (i = 0; i < sizeof l - 1 && lang[i]; i++)
        l[i] = (char)(lang[i] >= 'A' && lang[i] <= 'Z' ? lang[i] + 32 : lang[i] == '_' ? '-' : lang[i]);
    l[i] = 0;
    const char *region = "SC";
    if (!strncmp(l, "ja", 2))
        region = "JP";
    else if (!strncmp(l, "ko", 2))
        region = "KR";
    else if (!strcmp(l, "zh-hk") || !strcmp(l, "zh-mo") || !strncmp(l, "zh-hant-hk", 10))
        region = "HK";
    else if (!strcmp(l, "zh-tw") || !strncmp(l, "zh-hant", 7))
        region = "TC";
    size_t bl = strlen(base);
    bool has_region = bl > 3 && base[bl - 3] == ' ' &&
                      (!strcmp(base + bl - 2, "SC") || !strcmp(base + bl - 2, "TC") || !strcmp(base + bl - 2, "HK") ||
                       !strcmp(base + bl - 2, "JP") || !strcmp(base + bl - 2, "KR"));
    if (has_region || strncmp(base, "Noto", 4))
        snprintf(out, n, "%s", base);
    else
        snprintf(out, n, "%.58s %s", base, region);
    return out;
}

/* fontconfig's file for a family in a weight and slant: 1 with path/index (and the weight
 * and slant of the face it found, when asked), 0 for none. */
static int fc_query(const char *family, bool bold, bool italic, char *path, size_t path_size, unsigned *index,
                    int *weight, int *slant);

/* fc_query's answer for the family, kept (kept_answer) */
static int fc_query_kept(cv_fonts *f, const char *family, bool bold, bool italic, char *path, size_t path_size,
                         unsigned *index)
{
    char key[160];
    snprintf(key, sizeof key, "family %d %d %s", bold, italic, family);
    int found = kept_answer(f, key, path, path_size, index);
    if (found < 0) {
        found = fc_query(family, bold, italic, path, path_size, index, NULL, NULL);
        if (found >= 0)
            keep_answer(f, key, found ? path : NULL, *index);
    }
    return found;
}

static int fc_find(cv_fonts *f, const char *family, bool bold, bool italic)
{
    char path[4096];
    unsigned index = 0;
    int found = fc_query_kept(f, family, bold, italic, path, sizeof path, &index);
    if (found < 0) {
        f->ctx->oom = true;
        return -1;
    }
    return found ? face_id(f, path, index) : -1;
}

static int fc_query(const char *family, bool bold, bool italic, char *path, size_t path_size, unsigned *index,
                    int *weight, int *slant)
{
    if (!fc_ready())
        return 0;
    FcPattern *pat = FcPatternCreate();
    if (!pat)
        return -1;
    FcPatternAddString(pat, FC_FAMILY, (const FcChar8 *)family);
    FcPatternAddInteger(pat, FC_WEIGHT, bold ? FC_WEIGHT_BOLD : FC_WEIGHT_REGULAR);
    FcPatternAddInteger(pat, FC_SLANT, italic ? FC_SLANT_ITALIC : FC_SLANT_ROMAN);
    FcConfigSubstitute(NULL, pat, FcMatchPattern);
    FcDefaultSubstitute(pat);
    FcResult res;
    FcPattern *m = FcFontMatch(NULL, pat, &res);
    FcPatternDestroy(pat);
    int found = 0;
    FcChar8 *file, *fam;
    int idx = 0;
    /* fontconfig always answers with something; accept only the family asked for */
    if (m && FcPatternGetString(m, FC_FILE, 0, &file) == FcResultMatch) {
        bool same = false;
        for (int k = 0; FcPatternGetString(m, FC_FAMILY, k, &fam) == FcResultMatch; k++)
            if (!strcasecmp((const char *)fam, family))
                same = true;
        FcPatternGetInteger(m, FC_INDEX, 0, &idx);
        if (same && strlen((const char *)file) < path_size) {
            strcpy(path, (const char *)file); /* NOLINT(clang-analyzer-security.insecureAPI.strcpy): length checked */
            *index = (unsigned)idx;
            found = 1;
            if (weight && FcPatternGetInteger(m, FC_WEIGHT, 0, weight) != FcResultMatch)
                *weight = FC_WEIGHT_REGULAR;
            if (slant && FcPatternGetInteger(m, FC_SLANT, 0, slant) != FcResultMatch)
                *slant = FC_SLANT_ROMAN;
        }
    }
    if (m)
        FcPatternDestroy(m);
    return found;
}

static int role_find(cv_fonts *f, int role);

int cv_fonts_role(cv_fonts *f, int role)
{
    if (role >= 0 && role < CV_F_NROLES && f->role_tried[role])
        return f->role_id[role];
    int stage = cv_stage(f->ctx, CV_T_FONTS);
    int id = role_find(f, role);
    cv_stage(f->ctx, stage);
    return id;
}

static int role_find(cv_fonts *f, int role)
{
    if (role < 0 || role >= CV_F_NROLES)
        return -1;
    if (f->role_tried[role])
        return f->role_id[role];
    f->role_tried[role] = true;
    const char *fam = f->family[role];
    /* the variant: 0 regular, 1 bold, 2 italic, 3 bold italic */
    int var = role == CV_F_BOLD || role == CV_F_MONOBOLD || role == CV_F_CJKBOLD || role == CV_F_HEADING ? 1
              : role == CV_F_ITALIC ? 2 : role == CV_F_BOLDITALIC ? 3 : 0;
    int id = -1;
    for (size_t i = 0; i < sizeof bundled / sizeof *bundled && id < 0; i++) {
        if (strcasecmp(bundled[i].family, fam))
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", f->dir, bundled[i].files[var]);
        id = face_id(f, path, 0);
        if (id < 0 && !f->ctx->oom) {
            cv_diag(f->ctx, CVPDF_ERROR, CVPDF_D_FONT_UNREADABLE, 0, 0, "cannot open the bundled font %s", path);
            f->failed = true;
        }
        f->role_id[role] = id;
        return id;
    }
    if (role == CV_F_EMOJI) {
        id = fc_find(f, fam, false, false);
        if (id < 0)
            cv_diag(f->ctx, CVPDF_WARNING, CVPDF_D_FONT_MISSING, 0, 0,
                    "font family '%s' is not installed (Debian package fonts-noto-color-emoji); emoji are drawn in monochrome",
                    fam);
        f->role_id[role] = id;
        return id;
    }
    id = fc_find(f, fam, var == 1 || var == 3, var >= 2);
    if (id < 0 && var >= 2) /* no italic: the upright face, slanted text is not faked */
        id = fc_find(f, fam, var == 3, false);
    if (id < 0 && !f->ctx->oom) {
        const char *pkg = debian_package(fam);
        bool cjk = role == CV_F_CJK || role == CV_F_CJKBOLD || role == CV_F_MATH; /* (warnings: there is a way on) */
        cv_diag(f->ctx, cjk ? CVPDF_WARNING : CVPDF_ERROR, CVPDF_D_FONT_MISSING, 0, 0,
                "font family '%s' is not installed (%s%s)", fam, pkg ? "Debian package " : "find its Debian package with: apt-cache search ",
                pkg ? pkg : fam);
        if (!cjk)
            f->failed = true;
    }
    f->role_id[role] = id;
    return id;
}

bool cv_fonts_failed(const cv_fonts *f) { return f->failed; }

const char *cv_fonts_path(const cv_fonts *f, int id, unsigned *index)
{
    if (id < 0 || (size_t)id >= f->faces.n)
        return NULL;
    *index = f->faces.v[id].index;
    return f->faces.v[id].path;
}

static int fallback_find(cv_fonts *f, uint32_t cp);

/* The face of face id's family in the weight and slant asked for, -1 when the family has
 * none (fontconfig answers with the nearest face; only a real bold or italic one is taken). */
static int styled_sibling(cv_fonts *f, int id, bool bold, bool italic, uint32_t cp)
{
    if (!fc_ready())
        return -1;
    int count = 0, found = -1;
    FcPattern *q = FcFreeTypeQuery((const FcChar8 *)f->faces.v[id].path, f->faces.v[id].index, NULL, &count);
    FcChar8 *fam;
    char path[4096];
    unsigned idx = 0;
    int weight = 0, slant = 0;
    if (q && FcPatternGetString(q, FC_FAMILY, 0, &fam) == FcResultMatch &&
        fc_query((const char *)fam, bold, italic, path, sizeof path, &idx, &weight, &slant) > 0 &&
        (!bold || weight >= FC_WEIGHT_DEMIBOLD) && (!italic || slant != FC_SLANT_ROMAN)) {
        int cand = face_id(f, path, idx);
        if (cand >= 0 && cand != id && cv_face_has(f->faces.v[cand].face, cp))
            found = cand;
    }
    if (q)
        FcPatternDestroy(q);
    return found;
}

/* The synthetic variant of face id (its id, made on first use): the same face, drawn
 * emboldened or slanted (pdfcontent.c). */
static int synthetic(cv_fonts *f, int id, int synth)
{
    for (size_t i = 0; i < f->faces.n; i++)
        if (f->faces.v[i].base == id && f->faces.v[i].synth == synth)
            return (int)i;
    face_slot s = {cv_strndup(f->faces.v[id].path, strlen(f->faces.v[id].path)), f->faces.v[id].index,
                   f->faces.v[id].face, false, id, synth};
    if (!s.path || CV_PUSH(f->faces, s)) {
        free(s.path);
        f->ctx->oom = true;
        return id;
    }
    return (int)f->faces.n - 1;
}

int cv_fonts_base(const cv_fonts *f, int id, int *synth)
{
    *synth = 0;
    if (id < 0 || (size_t)id >= f->faces.n || f->faces.v[id].base < 0)
        return id;
    *synth = f->faces.v[id].synth;
    return f->faces.v[id].base;
}

int cv_fonts_fallback(cv_fonts *f, uint32_t cp, bool bold, bool italic, int *synth)
{
    *synth = 0;
    uint64_t known;
    int id;
    int stage = cv_stage(f->ctx, CV_T_FONTS);
    if (cv_map_get(&f->fallback, cp, &known))
        id = (int)known - 1;
    else
        id = fallback_find(f, cp);
    if (id >= 0 && (bold || italic)) {
        /* the family's bold or italic face, found once for each face and style */
        uint64_t key = (uint64_t)id << 2 | (bold ? 1 : 0) | (italic ? 2 : 0), sib;
        int sid;
        if (cv_map_get(&f->styled, key, &sib)) {
            sid = (int)sib - 1;
        } else {
            sid = styled_sibling(f, id, bold, italic, cp);
            if (sid < 0 && bold && italic) /* bold italic: at least the bold, slanted */
                sid = styled_sibling(f, id, true, false, cp);
            if (cv_map_put(&f->styled, key, (uint64_t)sid + 1))
                f->ctx->oom = true;
        }
        if (sid >= 0 && !cv_face_has(f->faces.v[sid].face, cp))
            sid = -1;
        bool sib_italic = false;
        if (sid >= 0) {
            const cv_face_info *in = cv_face_get_info(f->faces.v[sid].face);
            sib_italic = in->italic_angle != 0;
            id = sid;
        }
        *synth = (bold && sid < 0 ? CV_SYNTH_BOLD : 0) | (italic && !sib_italic ? CV_SYNTH_OBLIQUE : 0);
        if (*synth)
            id = synthetic(f, id, *synth);
    }
    cv_stage(f->ctx, stage);
    return id;
}

static int fc_cover(cv_fonts *f, uint32_t cp);

/* A search through fontconfig takes about 0.1 ms; a document whose characters no font has
 * (unassigned or private-use code points) would make one for each. After this many, only
 * the faces already open are tried. Real documents need a few: each search opens a face
 * that covers the rest of its script. */
#define MAX_SEARCHES 1024

/* The Noto family of cp's script, serif or sans as the body face is ("Noto Sans Arabic"),
 * when installed: it matches the text faces better than fontconfig's first face with the
 * character (DejaVu Sans, for Arabic and Hebrew), and has a bold. Found once per script. */
static int script_face(cv_fonts *f, uint32_t cp)
{
    int script = cv_char_script(cp);
    const char *name = cv_script_face_name(script);
    if (!name)
        return -1;
    uint64_t known;
    if (cv_map_get(&f->scripts, (uint64_t)script, &known))
        return (int)known - 1;
    bool serif = strstr(f->family[CV_F_REGULAR], "Serif") != NULL;
    static const char *kinds[2][2] = {{"Noto Sans", "Noto Serif"}, {"Noto Naskh", "Noto Sans"}};
    bool arabic = !strcmp(name, "Arabic");
    int id = -1;
    for (int k = 0; k < 2 && id < 0; k++) {
        char fam[64], path[4096];
        unsigned index = 0;
        snprintf(fam, sizeof fam, "%s %s", arabic && serif ? kinds[1][k] : kinds[0][serif ? 1 - k : k], name);
        if (fc_query_kept(f, fam, false, false, path, sizeof path, &index) > 0)
            id = face_id(f, path, index);
    }
    if (cv_map_put(&f->scripts, (uint64_t)script, (uint64_t)id + 1))
        f->ctx->oom = true;
    return id;
}

static int fallback_find(cv_fonts *f, uint32_t cp)
{
    /* the script's own family first, then a face already open may cover it */
    int id = script_face(f, cp);
    if (id >= 0 && !cv_face_has(f->faces.v[id].face, cp))
        id = -1;
    /* (not the colour emoji face: a character gets it only when it asks for emoji presentation,
     * facepick.c, not for having met an emoji first) */
    for (size_t i = 0; i < f->faces.n && id < 0; i++)
        if (cv_face_has(f->faces.v[i].face, cp) && !cv_face_get_info(f->faces.v[i].face)->color)
            id = (int)i;
    /* the budget counts lookups in the cache too: a render finds the same faces with a cache
     * as without */
    if (id < 0 && f->searches < MAX_SEARCHES) {
        f->searches++;
        char key[64], path[4096];
        unsigned index = 0;
        snprintf(key, sizeof key, "char %X %.40s", (unsigned)cp, f->lang);
        int found = kept_answer(f, key, path, sizeof path, &index);
        if (found > 0)
            id = face_id(f, path, index);
        else if (found < 0) {
            id = fc_cover(f, cp);
            if (!f->ctx->oom) /* (an answer cut short by a failed allocation is not kept) */
                keep_answer(f, key, id >= 0 ? f->faces.v[id].path : NULL, id >= 0 ? f->faces.v[id].index : 0);
        }
    }
    if (cv_map_put(&f->fallback, cp, (uint64_t)id + 1))
        f->ctx->oom = true;
    return id;
}

/* The first face in fontconfig's order for the language that has an outline glyph for cp. */
static int fc_cover(cv_fonts *f, uint32_t cp)
{
    int id = -1;
    if (fc_ready()) {
        FcPattern *pat = FcPatternCreate();
        FcCharSet *cs = FcCharSetCreate();
        if (pat && cs) {
            FcCharSetAddChar(cs, cp);
            FcPatternAddCharSet(pat, FC_CHARSET, cs);
            FcPatternAddBool(pat, FC_OUTLINE, FcTrue);
            FcPatternAddString(pat, FC_LANG, (const FcChar8 *)f->lang);
            FcConfigSubstitute(NULL, pat, FcMatchPattern);
            FcDefaultSubstitute(pat);
            FcResult res;
            FcFontSet *set = FcFontSort(NULL, pat, FcFalse, NULL, &res);
            for (int k = 0; set && k < set->nfont && id < 0; k++) {
                FcPattern *p = set->fonts[k];
                FcCharSet *pcs;
                FcBool color = FcFalse, outline = FcTrue;
                FcChar8 *file, *fmt;
                int index = 0;
                if (FcPatternGetCharSet(p, FC_CHARSET, 0, &pcs) != FcResultMatch ||
                    !FcCharSetHasChar(pcs, cp))
                    continue;
                FcPatternGetBool(p, FC_COLOR, 0, &color);
                FcPatternGetBool(p, FC_OUTLINE, 0, &outline);
                /* bitmap and colour faces cannot be embedded as outline fonts */
                if (color || !outline)
                    continue;
                if (FcPatternGetString(p, FC_FONTFORMAT, 0, &fmt) == FcResultMatch &&
                    strcmp((const char *)fmt, "TrueType") && strcmp((const char *)fmt, "CFF"))
                    continue;
                if (FcPatternGetString(p, FC_FILE, 0, &file) != FcResultMatch)
                    continue;
                FcPatternGetInteger(p, FC_INDEX, 0, &index);
                int cand = face_id(f, (const char *)file, (unsigned)index);
                if (cand >= 0 && cv_face_has(f->faces.v[cand].face, cp))
                    id = cand;
            }
            if (set)
                FcFontSetDestroy(set);
        }
        if (cs)
            FcCharSetDestroy(cs);
        if (pat)
            FcPatternDestroy(pat);
    }
    return id;
}

cv_face *cv_fonts_face(cv_fonts *f, int id)
{
    return id >= 0 && (size_t)id < f->faces.n ? f->faces.v[id].face : NULL;
}

int cv_fonts_count(const cv_fonts *f) { return (int)f->faces.n; }
