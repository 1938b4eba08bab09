/* fonts.h: the document's font set: roles, fallback (font.c, the only fontconfig
 * client). */
#ifndef CVPDF_FONTS_H
#define CVPDF_FONTS_H

#include "context.h"
#include "shape.h"
#include "style.h"

enum cv_role {
    CV_F_REGULAR, CV_F_BOLD, CV_F_ITALIC, CV_F_BOLDITALIC,
    CV_F_MONO, CV_F_MONOBOLD,
    CV_F_CJK, CV_F_CJKBOLD,
    CV_F_HEADING,
    CV_F_EMOJI,
    CV_F_MATH,   /* an OpenType MATH font, for $...$ */
    CV_F_NROLES
};

typedef struct cv_fonts cv_fonts;
/* The faces of a style's families for a language (bundled in fonts_dir, else fontconfig). */
cv_fonts *cv_fonts_new(cv_ctx *ctx, const char *fonts_dir, const char *lang, const cv_style *st);
/* The file and face index of a face. */
const char *cv_fonts_path(const cv_fonts *fonts, int id, unsigned *index);
/* Whether a family the style names could not be found (reported with its Debian package). */
bool cv_fonts_failed(const cv_fonts *fonts);
void cv_fonts_free(cv_fonts *fonts);
/* The face for a role, loaded on first use; -1 when it cannot be found (reported once). */
int cv_fonts_role(cv_fonts *fonts, int role);
/* A face that covers cp, searched through fontconfig (the Noto family of cp's script first,
 * serif or sans as the body face is), in the weight and slant asked for when its family has
 * them; -1 when none covers cp. *synth receives what the face lacks and must be made up when
 * drawn (CV_SYNTH_BOLD, CV_SYNTH_OBLIQUE), or 0. */
enum { CV_SYNTH_BOLD = 1, CV_SYNTH_OBLIQUE = 2 };
int cv_fonts_fallback(cv_fonts *fonts, uint32_t cp, bool bold, bool italic, int *synth);
cv_face *cv_fonts_face(cv_fonts *fonts, int id);
/* The real face a synthetic one (from cv_fonts_fallback) draws, and *synth what it makes up;
 * id itself, and 0, for a real face. */
int cv_fonts_base(const cv_fonts *fonts, int id, int *synth);
int cv_fonts_count(const cv_fonts *fonts);

#endif
