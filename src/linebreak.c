/* linebreak.c: Knuth–Plass total-fit line breaking (Knuth & Plass, "Breaking Paragraphs into
 * Lines", 1981), following TeX's implementation in tex.web §813–§890.
 *
 * A paragraph is a list of boxes (fixed width), glue (width, stretch, shrink, or infinite
 * "fil" stretch) and penalties (a cost for breaking there, possibly with a width: the hyphen
 * of a discretionary break). A legal breakpoint is a glue that follows a box, or a penalty
 * below CV_PEN_INF. Among all sequences of breakpoints whose lines have badness at most the
 * threshold, the one with the fewest total demerits wins:
 *   demerits = (line_penalty + badness)² ± penalty², plus double_hyphen_demerits for two
 *   hyphenated lines in a row, final_hyphen_demerits for a hyphen on the second-last line,
 *   adj_demerits when neighbouring lines differ by more than one fitness class.
 * Active nodes are kept per (position, fitness class, consecutive hyphenated lines), so the
 * limit on hyphenated lines in a row is exact rather than only discouraged.
 *
 * Ragged-right text uses TeX's \rightskip idea: every line gets extra stretch at its end
 * (rightskip_stretch) and its inner glue does not stretch, so badness measures how far a line
 * falls short and the chosen lines come out even.
 *
 * The final pass adds TeX's \emergencystretch to every line: when no set of breaks is good,
 * badness still ranks the bad ones instead of calling them all "infinitely bad".
 *
 * Everything is integer arithmetic on scaled points (cvu), as in TeX, so results are the same
 * on every machine.
 */
#include <stdlib.h>
#include <string.h>

#include "linebreak.h"

#define AWFUL ((int64_t)1 << 60)

/* tex.web §108: badness of stretching or shrinking by t when the total is s, about
 * 100(t/s)³, in integer arithmetic. */
static int badness(cvu t, cvu s)
{
    if (t == 0)
        return 0;
    if (s <= 0)
        return CV_KP_INF_BAD;
    int64_t r;
    if (t <= 7230584)
        r = t * 297 / s;
    else if (s >= 1663497)
        r = t / (s / 297);
    else
        r = t;
    if (r > 1290)
        return CV_KP_INF_BAD;
    return (int)((r * r * r + 0x20000) / 0x40000);
}

typedef struct kp_node {
    size_t pos;      /* index of the break item; (size_t)-1 for the paragraph start */
    int line;        /* lines up to this break */
    int fitness;     /* 0 very loose, 1 loose, 2 decent, 3 tight */
    int hyph_run;    /* hyphenated lines in a row ending here */
    cvu tw, ty, tz, tf; /* totals at the start of the next line */
    int64_t demerits;
    long prev;       /* index in the node pool, -1 for none */
    bool active;
    bool flagged;    /* the break is a hyphen */
} kp_node;

typedef struct kp_sums {
    cvu w, y, z, f;
} kp_sums;

/* Totals after a break at pos: the discardable glue, kerns and penalties that follow are
 * dropped at the start of the next line (tex.web §837). */
static kp_sums after_break(const cv_item *it, size_t n, const kp_sums *sums, size_t pos)
{
    size_t j = pos == (size_t)-1 ? 0 : pos + 1;
    while (j < n && (it[j].kind == CV_I_GLUE || it[j].kind == CV_I_KERN ||
                     (it[j].kind == CV_I_PENALTY && it[j].penalty > -CV_PEN_INF)))
        j++;
    return sums[j];
}

int cv_knuth_plass(const cv_item *it, size_t n, cvu measure, const cv_kp_params *p,
                   cv_sizes *breaks)
{
    breaks->n = 0;
    kp_sums *sums = malloc((n + 1) * sizeof *sums);
    CV_VEC(kp_node) pool;
    memset(&pool, 0, sizeof pool);
    CV_VEC(long) active; /* indices of active nodes in pool */
    memset(&active, 0, sizeof active);
    int rc = -1;
    if (!sums)
        return -1;
    kp_sums s = {0, 0, 0, 0};
    for (size_t i = 0; i < n; i++) {
        sums[i] = s;
        if (it[i].kind == CV_I_BOX || it[i].kind == CV_I_KERN) {
            s.w += it[i].width;
        } else if (it[i].kind == CV_I_GLUE) {
            s.w += it[i].width;
            if (it[i].fil)
                s.f += 1;
            else
                s.y += it[i].stretch;
            s.z += it[i].shrink;
        }
    }
    sums[n] = s;

    kp_sums a0 = after_break(it, n, sums, (size_t)-1);
    kp_node start = {(size_t)-1, 0, 2, 0, a0.w, a0.y, a0.z, a0.f, 0, -1, true, false};
    if (CV_PUSH(pool, start) || CV_PUSH(active, 0L))
        goto done;

    long final_node = -1;
    for (size_t i = 0; i < n && active.n; i++) {
        const cv_item *x = &it[i];
        bool legal = (x->kind == CV_I_GLUE && i > 0 && it[i - 1].kind == CV_I_BOX) ||
                     (x->kind == CV_I_PENALTY && x->penalty < CV_PEN_INF);
        if (!legal)
            continue;
        int pen = x->kind == CV_I_PENALTY ? x->penalty : 0;
        cvu pw = x->kind == CV_I_PENALTY ? x->width : 0;
        bool flagged = x->kind == CV_I_PENALTY && x->flagged;
        /* the best way to reach this break, per fitness class and hyphen run */
        int64_t best_d[4][3];
        long best_from[4][3];
        for (int c = 0; c < 4; c++)
            for (int h = 0; h < 3; h++)
                best_d[c][h] = AWFUL, best_from[c][h] = -1;
        bool any = false;
        long last_active = -1;
        int last_bad = 0, last_fit = 2;
        size_t keep = 0;
        for (size_t k = 0; k < active.n; k++) {
            long ai = active.v[k];
            kp_node *a = &pool.v[ai];
            cvu L = sums[i].w - a->tw + pw;
            cvu Y = sums[i].y - a->ty + p->rightskip_stretch + p->emergency_stretch;
            cvu Z = sums[i].z - a->tz;
            cvu F = sums[i].f - a->tf;
            int b, fit;
            bool overfull = false;
            if (L < measure) {
                if (F > 0) {
                    b = 0;
                } else {
                    b = badness(measure - L, Y);
                }
                fit = b > 99 ? 0 : b > 12 ? 1 : 2;
            } else if (L > measure) {
                if (L - measure > Z) {
                    overfull = true;
                    b = CV_KP_INF_BAD + 1;
                } else {
                    b = badness(L - measure, Z);
                }
                fit = b > 12 ? 3 : 2;
            } else {
                b = 0;
                fit = 2;
            }
            bool deactivate = overfull || pen <= -CV_PEN_INF;
            if (!overfull && b <= p->threshold) {
                int hrun = flagged ? a->hyph_run + 1 : 0;
                if (hrun <= p->max_hyphen_run && hrun < 3) {
                    int64_t d = p->line_penalty + b;
                    d = d >= 10000 ? 100000000 : d * d;
                    if (pen > 0)
                        d += (int64_t)pen * pen;
                    else if (pen > -CV_PEN_INF)
                        d -= (int64_t)pen * pen;
                    if (flagged && a->flagged)
                        d += p->double_hyphen_demerits;
                    else if (pen <= -CV_PEN_INF && a->flagged)
                        d += p->final_hyphen_demerits;
                    if (abs(fit - a->fitness) > 1)
                        d += p->adj_demerits;
                    d += a->demerits;
                    if (d < best_d[fit][hrun]) {
                        best_d[fit][hrun] = d;
                        best_from[fit][hrun] = ai;
                        any = true;
                    }
                }
            }
            if (deactivate) {
                a->active = false;
                last_active = ai;
                last_bad = b;
                last_fit = fit;
            } else {
                active.v[keep++] = ai;
            }
        }
        active.n = keep;
        /* the final pass never lets the paragraph become unbreakable: the break that would
         * have been lost is taken anyway (tex.web §854, artificial demerits) */
        if (!any && !active.n && p->final_pass && last_active >= 0) {
            (void)last_bad;
            best_d[last_fit][0] = pool.v[last_active].demerits;
            best_from[last_fit][0] = last_active;
            any = true;
        }
        if (!any)
            continue;
        kp_sums ab = after_break(it, n, sums, i);
        for (int c = 0; c < 4; c++)
            for (int h = 0; h < 3; h++) {
                if (best_from[c][h] < 0)
                    continue;
                kp_node nn = {i, pool.v[best_from[c][h]].line + 1, c, h, ab.w, ab.y, ab.z, ab.f,
                              best_d[c][h], best_from[c][h], true, flagged};
                if (CV_PUSH(pool, nn))
                    goto done;
                long ni = (long)pool.n - 1;
                if (pen <= -CV_PEN_INF && i == n - 1) {
                    if (final_node < 0 || nn.demerits < pool.v[final_node].demerits)
                        final_node = ni;
                } else if (CV_PUSH(active, ni)) {
                    goto done;
                }
            }
    }
    if (final_node < 0) {
        rc = 1; /* no feasible breaks at this threshold */
        goto done;
    }
    /* the breaks, first to last */
    size_t count = 0;
    for (long k = final_node; k >= 0 && pool.v[k].pos != (size_t)-1; k = pool.v[k].prev)
        count++;
    if (cv_grow((void **)&breaks->v, &breaks->cap, count, sizeof *breaks->v))
        goto done;
    breaks->n = count;
    size_t w = count;
    for (long k = final_node; k >= 0 && pool.v[k].pos != (size_t)-1; k = pool.v[k].prev)
        breaks->v[--w] = pool.v[k].pos;
    rc = 0;
done:
    free(sums);
    free(pool.v);
    free(active.v);
    return rc;
}
