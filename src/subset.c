/* subset.c: font subsetting with hb-subset (its only client).
 *
 * Only the glyphs a document uses are embedded, renumbered densely (about six times smaller
 * than keeping the original glyph indices), without hinting and without the layout tables a
 * PDF viewer never reads (text is already shaped). The PDF code of a glyph is its new index,
 * except in a CID-keyed CFF font, which is addressed by CID: the subset's own charset says
 * which (cff.c).
 */
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include <hb-subset.h>
#include <hb.h>

#include "subset.h"

static const hb_tag_t drop_tables[] = {
    HB_TAG('G', 'S', 'U', 'B'), HB_TAG('G', 'P', 'O', 'S'), HB_TAG('G', 'D', 'E', 'F'),
    HB_TAG('B', 'A', 'S', 'E'), HB_TAG('J', 'S', 'T', 'F'), HB_TAG('M', 'A', 'T', 'H'),
    HB_TAG('k', 'e', 'r', 'n'), HB_TAG('D', 'S', 'I', 'G'), HB_TAG('v', 'h', 'e', 'a'),
    HB_TAG('v', 'm', 't', 'x'), HB_TAG('V', 'O', 'R', 'G'), HB_TAG('S', 'T', 'A', 'T'),
    HB_TAG('m', 'e', 't', 'a'), HB_TAG('n', 'a', 'm', 'e'), HB_TAG('h', 'd', 'm', 'x'),
    HB_TAG('L', 'T', 'S', 'H'), HB_TAG('V', 'D', 'M', 'X'), HB_TAG('g', 'a', 's', 'p'),
};

static const hb_tag_t cff_only_drop[] = {
    HB_TAG('c', 'm', 'a', 'p'), HB_TAG('O', 'S', '/', '2'), HB_TAG('p', 'o', 's', 't'),
    HB_TAG('h', 'm', 't', 'x'), HB_TAG('h', 'h', 'e', 'a'),
};

/* A face remembers its last few subsets: a render through a cvpdf_cache that uses the same
 * glyphs as an earlier one (the same résumé again, or an edit that added no new character)
 * copies the subset instead of making it, which for a CJK face is most of a render. */
#define MEMO_SIZE 4

typedef struct memo_entry {
    uint32_t *gids;
    size_t n;
    cv_subset sub;
} memo_entry;

struct cv_subset_memo {
    memo_entry e[MEMO_SIZE];
    size_t next; /* the entry to replace next */
};

void cv_subset_memo_free(cv_subset_memo *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < MEMO_SIZE; i++) {
        free(m->e[i].gids);
        cv_subset_free(&m->e[i].sub);
    }
    free(m);
}

static int copy_subset(const cv_subset *from, size_t n, cv_subset *to)
{
    memset(to, 0, sizeof *to);
    to->zdata = malloc(from->zlen ? from->zlen : 1);
    to->codes = malloc((n ? n : 1) * sizeof *to->codes); /* NOLINT(clang-analyzer-optin.portability.UnixAPI): never 0 */
    if (!to->zdata || !to->codes) {
        cv_subset_free(to);
        return -1;
    }
    memcpy(to->zdata, from->zdata, from->zlen);
    to->zlen = from->zlen;
    memcpy(to->codes, from->codes, n * sizeof *to->codes);
    to->len = from->len;
    to->kind = from->kind;
    return 0;
}

static int make_subset(cv_face *face, const uint32_t *gids, size_t n, cv_subset *out);

/* The memo's entry for exactly these glyphs, or NULL (with the face's memo locked). */
static const memo_entry *memo_find(const cv_subset_memo *m, const uint32_t *gids, size_t n)
{
    for (size_t i = 0; m && i < MEMO_SIZE; i++)
        if (m->e[i].gids && m->e[i].n == n && !memcmp(m->e[i].gids, gids, n * sizeof *gids))
            return &m->e[i];
    return NULL;
}

bool cv_subset_known(cv_face *face, const uint32_t *gids, size_t n)
{
    bool known = memo_find(cv_face_memo_lock(face)->subsets, gids, n) != NULL;
    cv_face_memo_unlock(face);
    return known;
}

int cv_subset_face(cv_face *face, const uint32_t *gids, size_t n, cv_subset *out)
{
    const memo_entry *hit = memo_find(cv_face_memo_lock(face)->subsets, gids, n);
    int rc = hit ? copy_subset(&hit->sub, n, out) : 1;
    cv_face_memo_unlock(face);
    if (rc <= 0)
        return rc;
    if (make_subset(face, gids, n, out))
        return -1;
    /* remembered if memory allows: a failure here costs only the reuse */
    cv_subset_memo **mp = &cv_face_memo_lock(face)->subsets;
    if (!*mp)
        *mp = calloc(1, sizeof **mp);
    if (*mp) {
        memo_entry *e = &(*mp)->e[(*mp)->next];
        uint32_t *g = malloc((n ? n : 1) * sizeof *g);
        cv_subset copy;
        if (g && !copy_subset(out, n, &copy)) {
            free(e->gids);
            cv_subset_free(&e->sub);
            memcpy(g, gids, n * sizeof *g);
            e->gids = g;
            e->n = n;
            e->sub = copy;
            (*mp)->next = ((*mp)->next + 1) % MEMO_SIZE;
        } else
            free(g);
    }
    cv_face_memo_unlock(face);
    return 0;
}

static int make_subset(cv_face *face, const uint32_t *gids, size_t n, cv_subset *out)
{
    memset(out, 0, sizeof *out);
    hb_face_t *hf = cv_face_hb(face);
    hb_subset_input_t *in = hb_subset_input_create_or_fail();
    if (!in)
        return -1;
    hb_set_t *gs = hb_subset_input_glyph_set(in);
    hb_set_add(gs, 0);
    for (size_t i = 0; i < n; i++)
        hb_set_add(gs, gids[i]);
    hb_set_t *drop = hb_subset_input_set(in, HB_SUBSET_SETS_DROP_TABLE_TAG);
    for (size_t i = 0; i < sizeof drop_tables / sizeof *drop_tables; i++)
        hb_set_add(drop, drop_tables[i]);
    /* a CFF face is embedded as its bare CFF table: the rest need not be subset at all (with a
     * 65,535-glyph CJK face, the cmap alone is most of the work) */
    if (cv_face_get_info(face)->cff)
        for (size_t i = 0; i < sizeof cff_only_drop / sizeof *cff_only_drop; i++)
            hb_set_add(drop, cff_only_drop[i]);
    /* CFF charstrings with their subroutines inlined: for the few hundred glyphs of a résumé
     * the subroutine tables cost more than they save (en.pdf 61.1 -> 58.4 KB, zh.pdf 89.7 ->
     * 85.9 KB), and the outlines are the same */
    hb_subset_input_set_flags(in, HB_SUBSET_FLAGS_NO_HINTING | HB_SUBSET_FLAGS_DESUBROUTINIZE);
    int rc = -1;
    hb_face_t *sub = NULL;
    hb_blob_t *blob = NULL;
    hb_subset_plan_t *plan = hb_subset_plan_create_or_fail(hf, in);
    if (!plan)
        goto done;
    sub = hb_subset_plan_execute_or_fail(plan);
    if (!sub)
        goto done;
    const hb_map_t *map = hb_subset_plan_old_to_new_glyph_mapping(plan);
    out->codes = calloc(n ? n : 1, sizeof *out->codes);
    if (!out->codes)
        goto done;
    for (size_t i = 0; i < n; i++) {
        hb_codepoint_t g = hb_map_get(map, gids[i]);
        out->codes[i] = g == HB_MAP_VALUE_INVALID ? 0 : g;
    }
    bool cff = cv_face_get_info(face)->cff;
    blob = cff ? hb_face_reference_table(sub, HB_TAG('C', 'F', 'F', ' ')) : hb_face_reference_blob(sub);
    unsigned len;
    const char *data = hb_blob_get_data(blob, &len);
    if (!len)
        goto done;
    out->data = malloc(len);
    if (!out->data)
        goto done;
    memcpy(out->data, data, len);
    out->len = len;
    out->kind = cff ? CV_FK_CFF : CV_FK_TRUETYPE;
    if (cff) {
        unsigned ng = hb_face_get_glyph_count(sub);
        uint16_t *cids = calloc(ng ? ng : 1, sizeof *cids);
        bool is_cid = false;
        if (!cids || cv_cff_charset(out->data, out->len, ng, &is_cid, cids)) {
            free(cids);
            goto done;
        }
        if (is_cid) {
            out->kind = CV_FK_CFF_CID;
            for (size_t i = 0; i < n; i++)
                out->codes[i] = out->codes[i] < ng ? cids[out->codes[i]] : 0;
        }
        free(cids);
    }
    /* compressed as libharu would (zlib's default level), once for every render that reuses it */
    uLongf zn = compressBound((uLong)out->len);
    out->zdata = malloc(zn);
    if (!out->zdata || compress2(out->zdata, &zn, out->data, (uLong)out->len, Z_DEFAULT_COMPRESSION) != Z_OK)
        goto done;
    out->zlen = zn;
    free(out->data); /* only the compressed bytes are embedded (len stays, for /Length1) */
    out->data = NULL;
    rc = 0;
done:
    if (rc)
        cv_subset_free(out);
    hb_blob_destroy(blob);
    hb_face_destroy(sub);
    hb_subset_plan_destroy(plan);
    hb_subset_input_destroy(in);
    return rc;
}

void cv_subset_free(cv_subset *s)
{
    free(s->data);
    free(s->zdata);
    free(s->codes);
    memset(s, 0, sizeof *s);
}
