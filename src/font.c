/* font.c: the document's font set: the bundled Latin and monospaced faces from fonts/, the
 * CJK face of the document's language from fontconfig, and a per-character fallback search
 * through fontconfig (the only fontconfig client).
 *
 * Faces are opened lazily, the first time a role or a fallback needs them, and each distinct
 * (file, face index) is opened once; the face id is its index in this set, and it becomes one
 * PDF font. The CJK collection is looked up by family name ("Noto Sans CJK SC"), never by
 * face index: in Debian's NotoSansCJK-Regular.ttc the SC face is not index 0.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fontconfig/fontconfig.h>

#include "internal.h"

typedef struct face_slot {
    char *path;
    unsigned index;
    cv_face *face;
} face_slot;

typedef struct fb_entry {
    uint32_t cp;
    int id;
} fb_entry;

struct cv_fonts {
    cv_ctx *ctx;
    char *dir;
    char lang[32];
    CV_VEC(face_slot) faces;
    int role_id[CV_F_NROLES];
    bool role_tried[CV_F_NROLES];
    CV_VEC(fb_entry) fallback;
};

static const char *role_files[CV_F_NROLES] = {
    "Inter-Regular.otf", "Inter-SemiBold.otf", "Inter-Italic.otf", "Inter-SemiBoldItalic.otf",
    "NotoSansMono-Regular.ttf", "NotoSansMono-Bold.ttf", NULL, NULL,
};

static pthread_once_t fc_once = PTHREAD_ONCE_INIT;
static bool fc_ok;
static void fc_init(void) { fc_ok = FcInit(); }

cv_fonts *cv_fonts_new(cv_ctx *ctx, const char *dir, const char *lang)
{
    cv_fonts *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->ctx = ctx;
    f->dir = cv_strndup(dir, strlen(dir));
    snprintf(f->lang, sizeof f->lang, "%s", lang ? lang : "en");
    for (int r = 0; r < CV_F_NROLES; r++)
        f->role_id[r] = -1;
    if (!f->dir) {
        free(f);
        return NULL;
    }
    pthread_once(&fc_once, fc_init);
    return f;
}

void cv_fonts_free(cv_fonts *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->faces.n; i++) {
        cv_face_free(f->faces.v[i].face);
        free(f->faces.v[i].path);
    }
    free(f->faces.v);
    free(f->fallback.v);
    free(f->dir);
    free(f);
}

/* The id of (path, index), opening it if new; -1 if it cannot be opened. */
static int face_id(cv_fonts *f, const char *path, unsigned index)
{
    for (size_t i = 0; i < f->faces.n; i++)
        if (f->faces.v[i].index == index && !strcmp(f->faces.v[i].path, path))
            return (int)i;
    cv_face *face = cv_face_open(path, index);
    if (!face)
        return -1;
    face_slot s = {cv_strndup(path, strlen(path)), index, face};
    if (!s.path || CV_PUSH(f->faces, s)) {
        free(s.path);
        cv_face_free(face);
        f->ctx->oom = true;
        return -1;
    }
    return (int)f->faces.n - 1;
}

/* The CJK family for the language: Simplified Chinese unless the language says otherwise. */
static const char *cjk_family(const char *lang)
{
    char l[32];
    size_t i;
    for (i = 0; lang[i] && i < sizeof l - 1; i++)
        l[i] = (char)(lang[i] >= 'A' && lang[i] <= 'Z' ? lang[i] + 32 : lang[i] == '_' ? '-' : lang[i]);
    l[i] = 0;
    if (!strncmp(l, "ja", 2))
        return "Noto Sans CJK JP";
    if (!strncmp(l, "ko", 2))
        return "Noto Sans CJK KR";
    if (!strcmp(l, "zh-hk") || !strcmp(l, "zh-mo") || !strncmp(l, "zh-hant-hk", 10))
        return "Noto Sans CJK HK";
    if (!strcmp(l, "zh-tw") || !strncmp(l, "zh-hant", 7))
        return "Noto Sans CJK TC";
    return "Noto Sans CJK SC";
}

static int fc_find(cv_fonts *f, const char *family, bool bold)
{
    if (!fc_ok)
        return -1;
    FcPattern *pat = FcPatternCreate();
    if (!pat)
        return -1;
    FcPatternAddString(pat, FC_FAMILY, (const FcChar8 *)family);
    FcPatternAddInteger(pat, FC_WEIGHT, bold ? FC_WEIGHT_BOLD : FC_WEIGHT_REGULAR);
    FcPatternAddInteger(pat, FC_SLANT, FC_SLANT_ROMAN);
    FcConfigSubstitute(NULL, pat, FcMatchPattern);
    FcDefaultSubstitute(pat);
    FcResult res;
    FcPattern *m = FcFontMatch(NULL, pat, &res);
    FcPatternDestroy(pat);
    int id = -1;
    FcChar8 *file, *fam;
    int index = 0;
    /* fontconfig always answers with something; accept only the family asked for */
    if (m && FcPatternGetString(m, FC_FILE, 0, &file) == FcResultMatch) {
        bool same = false;
        for (int k = 0; FcPatternGetString(m, FC_FAMILY, k, &fam) == FcResultMatch; k++)
            if (!strcmp((const char *)fam, family))
                same = true;
        FcPatternGetInteger(m, FC_INDEX, 0, &index);
        if (same)
            id = face_id(f, (const char *)file, (unsigned)index);
    }
    if (m)
        FcPatternDestroy(m);
    return id;
}

int cv_fonts_role(cv_fonts *f, int role)
{
    if (role < 0 || role >= CV_F_NROLES)
        return -1;
    if (f->role_tried[role])
        return f->role_id[role];
    f->role_tried[role] = true;
    int id = -1;
    if (role_files[role]) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", f->dir, role_files[role]);
        id = face_id(f, path, 0);
        if (id < 0)
            cv_diag(f->ctx, CVPDF_ERROR, 0, 0, "cannot open font %s", path);
    } else {
        const char *fam = cjk_family(f->lang);
        id = fc_find(f, fam, role == CV_F_CJKBOLD);
        if (id < 0)
            cv_diag(f->ctx, CVPDF_WARNING, 0, 0,
                    "font family '%s' is not installed (Debian package fonts-noto-cjk)", fam);
    }
    f->role_id[role] = id;
    return id;
}

int cv_fonts_fallback(cv_fonts *f, uint32_t cp, bool bold)
{
    (void)bold;
    for (size_t i = 0; i < f->fallback.n; i++)
        if (f->fallback.v[i].cp == cp)
            return f->fallback.v[i].id;
    /* a face already open may cover it */
    int id = -1;
    for (size_t i = 0; i < f->faces.n && id < 0; i++)
        if (cv_face_has(f->faces.v[i].face, cp))
            id = (int)i;
    if (id < 0 && fc_ok) {
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
    fb_entry e = {cp, id};
    if (CV_PUSH(f->fallback, e))
        f->ctx->oom = true;
    return id;
}

cv_face *cv_fonts_face(cv_fonts *f, int id)
{
    return id >= 0 && (size_t)id < f->faces.n ? f->faces.v[id].face : NULL;
}

int cv_fonts_count(const cv_fonts *f) { return (int)f->faces.n; }
