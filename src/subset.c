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

#include "deflate.h"
#include "diskcache.h"
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

/* Subsets are remembered (memo.c) under their face and glyphs: a render through a
 * cvpdf_cache that uses the same glyphs as an earlier one (the same résumé again, or an edit
 * that added no new character) copies the subset instead of making it, which for a CJK face
 * is most of a render; within one render, the subsets made ahead on threads of their own
 * (pdf.c) are found here. The memo holds each as one block: the header, the codes, the
 * compressed font program. */
typedef struct subset_blob {
    int kind;
    size_t len, zlen, n;
    /* then uint32_t codes[n], unsigned char zdata[zlen] */
} subset_blob;

static int subset_key(cv_key *k, const cv_face *face, const uint32_t *gids, size_t n)
{
    cv_key_add_id(k, face);
    cv_key_add(k, gids, n * sizeof *gids);
    return k->oom ? -1 : 0;
}

typedef struct copy_job {
    cv_subset *out;
    int rc;
} copy_job;

static void copy_out(void *value, void *user)
{
    const subset_blob *b = value;
    copy_job *j = user;
    cv_subset *to = j->out;
    memset(to, 0, sizeof *to);
    const uint32_t *codes = (const uint32_t *)(b + 1);
    to->zdata = malloc(b->zlen ? b->zlen : 1);
    to->codes = malloc((b->n ? b->n : 1) * sizeof *to->codes);
    if (!to->zdata || !to->codes) {
        cv_subset_free(to);
        j->rc = -1;
        return;
    }
    memcpy(to->codes, codes, b->n * sizeof *codes);
    memcpy(to->zdata, codes + b->n, b->zlen);
    to->zlen = b->zlen;
    to->len = b->len;
    to->kind = b->kind;
    j->rc = 0;
}

static int make_subset(cv_face *face, const uint32_t *gids, size_t n, cv_subset *out);

bool cv_subset_known(cv_memo *memo, cv_face *face, const uint32_t *gids, size_t n)
{
    cv_key key = {0};
    bool known = memo && !subset_key(&key, face, gids, n) && cv_memo_find(memo, key.p, key.len, NULL, NULL);
    cv_buf_free(&key);
    return known;
}

/* The key of the subset in the disk cache: the face's file by identity (diskcache.c), its
 * index and the glyphs. */
static int disk_key(cv_key *k, const cv_face *face, const uint32_t *gids, size_t n)
{
    unsigned index;
    const char *path = cv_face_path(face, &index);
    cv_key_add(k, "subset-1", 9);
    if (cv_disk_key_file(k, path))
        return -1;
    cv_key_add(k, &index, sizeof index);
    cv_key_add(k, gids, n * sizeof *gids);
    return k->oom ? -1 : 0;
}

/* A disk entry that is the blob of n glyphs: its size adds up. */
static bool blob_ok(const unsigned char *p, size_t len, size_t n)
{
    subset_blob b;
    if (len < sizeof b)
        return false;
    memcpy(&b, p, sizeof b);
    return b.n == n && b.zlen == len - sizeof b - n * sizeof(uint32_t) && b.kind >= CV_FK_TRUETYPE &&
           b.kind <= CV_FK_CFF_CID;
}

int cv_subset_face(cv_memo *memo, const char *disk, cv_face *face, const uint32_t *gids, size_t n, cv_subset *out)
{
    memset(out, 0, sizeof *out);
    cv_key key = {0}, dkey = {0};
    bool keyed = memo && !subset_key(&key, face, gids, n);
    copy_job job = {out, 1};
    if (keyed && cv_memo_find(memo, key.p, key.len, copy_out, &job) && job.rc <= 0) {
        cv_buf_free(&key);
        return job.rc ? -2 : 0;
    }
    bool dkeyed = disk && !disk_key(&dkey, face, gids, n);
    unsigned char *got = NULL;
    size_t got_len = 0;
    int dr = dkeyed ? cv_disk_get(disk, "subset", dkey.p, dkey.len, &got, &got_len) : 0;
    subset_blob *b = NULL;
    size_t size = 0;
    if (dr == 1 && blob_ok(got, got_len, n)) {
        b = (subset_blob *)got; /* (malloc'd: aligned for the blob) */
        size = got_len;
        copy_out(b, &job);
        if (job.rc) {
            free(b);
            cv_buf_free(&key);
            cv_buf_free(&dkey);
            return -2;
        }
    } else {
        free(got);
        int rc = dr < 0 ? -2 : make_subset(face, gids, n, out);
        if (rc) {
            cv_buf_free(&key);
            cv_buf_free(&dkey);
            return rc;
        }
        /* remembered if memory allows: a failure here costs only the reuse */
        size = sizeof(subset_blob) + n * sizeof *out->codes + out->zlen;
        b = keyed || dkeyed ? malloc(size) : NULL;
        if (b) {
            memset(b, 0, sizeof *b); /* (its padding too: the blob is written to disk) */
            b->kind = out->kind;
            b->len = out->len;
            b->zlen = out->zlen;
            b->n = n;
            uint32_t *codes = (uint32_t *)(b + 1);
            memcpy(codes, out->codes, n * sizeof *codes);
            memcpy(codes + n, out->zdata, out->zlen);
            if (dkeyed)
                cv_disk_put(disk, "subset", dkey.p, dkey.len, b, size);
        }
    }
    if (b && keyed)
        cv_memo_put(memo, key.p, key.len, b, size);
    else
        free(b);
    cv_buf_free(&key);
    cv_buf_free(&dkey);
    return 0;
}

static int make_subset(cv_face *face, const uint32_t *gids, size_t n, cv_subset *out)
{
    memset(out, 0, sizeof *out);
    hb_face_t *hf = cv_face_hb(face);
    hb_subset_input_t *in = hb_subset_input_create_or_fail();
    if (!in)
        return -2;
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
    int rc = -2; /* out of memory (HarfBuzz's "or_fail" fail only so), unless said otherwise */
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
    if (!len) {
        rc = -1;
        goto done;
    }
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
            if (cids)
                rc = -1; /* a malformed table, not a failed allocation */
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
    /* compressed once for every render that reuses it */
    cv_deflater *zip = cv_deflater_new(NULL);
    int zr = zip ? cv_deflate(zip, out->data, out->len, &out->zdata, &out->zlen) : -1;
    cv_deflater_free(zip);
    if (zr)
        goto done;
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
