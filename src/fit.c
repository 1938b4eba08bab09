/* fit.c: --fit-pages N: the largest font size, leading, paragraph spacing and margins within
 * the style's fit-*-min bounds that make the document fit N pages, found by laying it out and
 * paginating it at trial settings. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fit.h"
#include "paginate.h"

/* The style at fraction f (0..1024) of the way from its --fit-pages bounds to its own values:
 * font size (and, in proportion, headings and code), leading, paragraph spacing, margins. */
static void fit_scale(const cv_style *full, int f, cv_style *out)
{
    *out = *full;
    cvu size_min = full->fit_size_min < full->body_size ? full->fit_size_min : full->body_size;
    out->body_size = size_min + (full->body_size - size_min) * f / 1024;
    for (int i = 0; i < 6; i++) {
        out->h_size[i] = full->h_size[i] * out->body_size / full->body_size;
        out->h_space_before[i] = full->h_space_before[i] * out->body_size / full->body_size;
        out->h_space_after[i] = full->h_space_after[i] * out->body_size / full->body_size;
    }
    out->code_size = full->code_size * out->body_size / full->body_size;
    cvu lmin = full->fit_leading_min < full->leading_num ? full->fit_leading_min : full->leading_num;
    out->leading_num = lmin + (full->leading_num - lmin) * f / 1024;
    cvu pmin = full->fit_para_min < full->para_space ? full->fit_para_min : full->para_space;
    out->para_space = pmin + (full->para_space - pmin) * f / 1024;
    cvu mmin = full->fit_margin_min;
    cvu *m[4] = {&out->margin_t, &out->margin_b, &out->margin_l, &out->margin_r};
    const cvu fm[4] = {full->margin_t, full->margin_b, full->margin_l, full->margin_r};
    for (int k = 0; k < 4; k++) {
        cvu lo = mmin < fm[k] ? mmin : fm[k];
        *m[k] = lo + (fm[k] - lo) * f / 1024;
    }
}

/* Pages the model takes in a style, and how far its last pages run past `limit` pages. */
static int count_pages(cv_ctx *ctx, cv_fonts *fonts, cv_hyph *hyph, const cv_model *model, const char *lang,
                       const cv_style *st, int limit, cvu *overflow)
{
    cv_layout *lay = cv_layout_new(ctx, fonts, st, lang, hyph);
    cv_vlist vl;
    memset(&vl, 0, sizeof vl);
    cv_pages pages;
    memset(&pages, 0, sizeof pages);
    int n = -1;
    if (lay && !cv_layout_model(lay, model, &vl)) {
        int stage = cv_stage(ctx, CV_T_PAGINATE);
        if (!cv_paginate(ctx, st, &vl, &pages)) {
            n = (int)pages.pages.n;
            *overflow = 0;
            for (size_t p = (size_t)limit; p < pages.pages.n; p++)
                *overflow += pages.pages.v[p].used;
        }
        cv_stage(ctx, stage);
    }
    cv_layout_free(lay);
    cv_vlist_free(&vl);
    cv_pages_free(&pages);
    return n;
}

/* --fit-pages N: the largest settings within the style's bounds that make the document fit N
 * pages, by bisection on one scale for all of them (so it is deterministic and monotone), then
 * a note saying what was chosen, or by how much it overflows. */
int cv_fit_pages(cv_ctx *ctx, cv_fonts *fonts, cv_hyph *hyph, const cv_model *model, const char *lang,
                 cv_style *st, int n, cvpdf_fit *outcome)
{
    cv_style full = *st, smallest;
    cvu over, over_min = 0;
    int at_min = -1, lo = 0, rc = 0; /* lo: a scale that fits */
    /* the trials say nothing: only what was chosen is reported */
    ctx->quiet++;
    int at_full = count_pages(ctx, fonts, hyph, model, lang, &full, n, &over);
    if (at_full > n) {
        fit_scale(&full, 0, &smallest);
        at_min = count_pages(ctx, fonts, hyph, model, lang, &smallest, n, &over_min);
        for (int hi = 1024; at_min >= 0 && at_min <= n && hi - lo > 8;) {
            cv_style trial;
            int mid = (lo + hi) / 2;
            fit_scale(&full, mid, &trial);
            int p = count_pages(ctx, fonts, hyph, model, lang, &trial, n, &over);
            if (p < 0) {
                rc = -1;
                break;
            }
            if (p <= n)
                lo = mid;
            else
                hi = mid;
        }
    }
    ctx->quiet--;
    if (at_full < 0 || (at_full > n && at_min < 0))
        return -1;
    if (at_full <= n) {
        *outcome = CVPDF_FIT_AS_STYLED;
        cv_diag(ctx, CVPDF_NOTE, CVPDF_D_FIT_RESULT, 0, 0, "fits %d page%s as styled (%d); nothing shrunk", n, n > 1 ? "s" : "", at_full);
        return 0;
    }
    if (at_min > n) {
        *st = smallest;
        *outcome = CVPDF_FIT_OVERFLOW;
        cv_diag(ctx, CVPDF_WARNING, CVPDF_D_FIT_OVERFLOW, 0, 0,
                "cannot fit %d page%s within the style's bounds: at the smallest settings it takes %d pages, "
                "running %d pt past page %d; rendering those settings",
                n, n > 1 ? "s" : "", at_min, (int)(over_min / CVU_PT), n);
        return 0;
    }
    fit_scale(&full, lo, st);
    *outcome = CVPDF_FIT_SHRUNK;
    cv_buf b = {0};
    cv_buf_puts(&b, "font-size ");
    cv_buf_fixed(&b, st->body_size, 1);
    cv_buf_printf(&b, "pt, leading %d.%02d, paragraph-spacing ", (int)(st->leading_num / 100), (int)(st->leading_num % 100));
    cv_buf_fixed(&b, st->para_space, 1);
    cv_buf_puts(&b, "pt, margins ");
    cv_buf_fixed(&b, st->margin_l * 2540 / 7200, 1);
    cv_buf_puts(&b, "mm");
    cv_diag(ctx, CVPDF_NOTE, CVPDF_D_FIT_RESULT, 0, 0, "fitted to %d page%s: %s", n, n > 1 ? "s" : "", b.p ? b.p : "");
    cv_buf_free(&b);
    return rc;
}
