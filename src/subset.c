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

#include <hb-subset.h>
#include <hb.h>

#include "internal.h"

static const hb_tag_t drop_tables[] = {
    HB_TAG('G', 'S', 'U', 'B'), HB_TAG('G', 'P', 'O', 'S'), HB_TAG('G', 'D', 'E', 'F'),
    HB_TAG('B', 'A', 'S', 'E'), HB_TAG('J', 'S', 'T', 'F'), HB_TAG('M', 'A', 'T', 'H'),
    HB_TAG('k', 'e', 'r', 'n'), HB_TAG('D', 'S', 'I', 'G'), HB_TAG('v', 'h', 'e', 'a'),
    HB_TAG('v', 'm', 't', 'x'), HB_TAG('V', 'O', 'R', 'G'), HB_TAG('S', 'T', 'A', 'T'),
    HB_TAG('m', 'e', 't', 'a'), HB_TAG('n', 'a', 'm', 'e'), HB_TAG('h', 'd', 'm', 'x'),
    HB_TAG('L', 'T', 'S', 'H'), HB_TAG('V', 'D', 'M', 'X'), HB_TAG('g', 'a', 's', 'p'),
};

int cv_subset_face(cv_face *face, const uint32_t *gids, size_t n, cv_subset *out)
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
    hb_subset_input_set_flags(in, HB_SUBSET_FLAGS_NO_HINTING);
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
    free(s->codes);
    memset(s, 0, sizeof *s);
}
