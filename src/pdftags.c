/* pdftags.c: the structure tree (tags.c) as PDF objects: one structure element per element
 * that holds content (a table's empty cells too, so its grid stays whole), the ParentTree
 * from each page's marked content and each link annotation back to its element, the IDTree
 * of the notes' IDs, the catalog's /StructTreeRoot and /MarkInfo, and the pages'
 * /StructParents and /Tabs (ISO 32000-1 §14.7, §14.8; PDF/UA-1 §7.1).
 *
 * A document has an element for every paragraph, item and cell, and libharu keeps some
 * 700 bytes for each dictionary (a 128-byte buffer for each key): a 500-page file took
 * 80 MB more. So the tree is written here as the text of its objects (cv_pdfraw), which
 * pdfpack.c numbers after libharu's and packs into the object streams; only the pages'
 * and annotations' own keys go through libharu. An element's references to other raw
 * objects are written as RAW_REF and the object's index, and pdfpack.c makes them numbers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pdf.h"

/* Large documents' arrays stay readable by readers with implementation limits (ISO 32000-1
 * Annex C: 8,191 array elements for some): an element with more kids (a document of
 * 50,000 headings) has them grouped into NonStruct elements, "solely for grouping"
 * (§14.8.4.2), and the number and name trees get leaves. */
#define MAX_KIDS 8000

static uint32_t obj_num(const void *obj) { return ((const HPDF_Obj_Header *)obj)->obj_id & 0x00FFFFFF; }

static bool written(const cv_tags *t, int32_t e)
{
    const cv_selem *el = &t->elems.v[e];
    if (el->has_content || e == 0)
        return true;
    return (!strcmp(el->type, "TD") || !strcmp(el->type, "TH")) && el->parent >= 0 &&
           t->elems.v[el->parent].has_content;
}

/* A reference to raw object k */
static void raw_ref(cv_buf *b, uint32_t k) { cv_buf_printf(b, "%c%u 0 R", RAW_REF, (unsigned)k); }

/* Raw object k's text begins: it runs to raw_end. */
static void raw_begin(cv_pdfraw *raw, uint32_t k)
{
    while (raw->objs.n <= k) {
        struct cv_rawobj z = {0, 0};
        if (CV_PUSH(raw->objs, z)) {
            raw->text.oom = true;
            return;
        }
    }
    raw->objs.v[k].a = raw->text.len;
}

static void raw_end(cv_pdfraw *raw, uint32_t k)
{
    if (k < raw->objs.n)
        raw->objs.v[k].b = raw->text.len;
}

/* A PDF string: ASCII without parentheses or backslashes as a literal, else UTF-16BE hex. */
static void put_string(cv_buf *b, const char *s)
{
    bool plain = true;
    for (const char *c = s; *c; c++)
        plain &= *c >= 0x20 && *c < 0x7F && *c != '(' && *c != ')' && *c != '\\';
    if (plain) {
        cv_buf_printf(b, "(%s)", s);
        return;
    }
    size_t ul;
    unsigned char *u = cv_utf16be(s, strlen(s), true, &ul);
    if (!u) {
        b->oom = true;
        return;
    }
    cv_buf_puts(b, "<");
    for (size_t k = 0; k < ul; k++)
        cv_buf_hex(b, u[k], 2);
    cv_buf_puts(b, ">");
    free(u);
}

typedef struct kid {
    int32_t elem;   /* a raw object (an element, a group), else -1 */
    int32_t mcid;   /* marked content on page `page`, else -1 */
    uint32_t page;
    int32_t annot;  /* an OBJR of annotation `annot`, else -1 */
} kid;

typedef CV_VEC(kid) kids;

/* A NonStruct group of kids [start, start + n) of the writer's gkids. */
typedef struct group {
    uint32_t holder, pg;
    size_t start, n;
} group;

typedef struct writer {
    cv_pdfraw *raw;
    HPDF_Page *pages;
    size_t npages;
    HPDF_Dict *annots;
    size_t nannots;
    int32_t **owner;      /* per page, per MCID: the raw object holding it */
    const size_t *nmcid;
    int32_t *annot_owner; /* per annotation */
    kids gkids;           /* the kids of groups */
    CV_VEC(group) groups; /* raw objects first_group, first_group + 1, ... */
    uint32_t first_group;
} writer;

static void own(writer *w, const kid *k, int32_t holder)
{
    if (k->annot >= 0) {
        if ((size_t)k->annot < w->nannots)
            w->annot_owner[k->annot] = holder;
    } else if (k->elem < 0 && k->mcid >= 0 && k->page < w->npages && (size_t)k->mcid < w->nmcid[k->page]) {
        w->owner[k->page][k->mcid] = holder;
    }
}

static void put_kid(writer *w, cv_buf *b, const kid *k, uint32_t pg)
{
    if (k->elem >= 0)
        raw_ref(b, (uint32_t)k->elem);
    else if (k->annot >= 0)
        cv_buf_printf(b, "<</Type/OBJR/Obj %u 0 R/Pg %u 0 R>>", obj_num(w->annots[k->annot]),
                      obj_num(w->pages[k->page]));
    else if (k->page == pg)
        cv_buf_printf(b, "%d", (int)k->mcid);
    else
        cv_buf_printf(b, "<</Type/MCR/Pg %u 0 R/MCID %d>>", obj_num(w->pages[k->page]), (int)k->mcid);
}

/* The /K of raw object `holder` from src's kids [start, start + n): directly, or through
 * NonStruct groups of MAX_KIDS (groups of groups when need be), written after the
 * elements. pg: the page of the holder's /Pg (integer MCIDs are on it). */
static int put_kids(writer *w, uint32_t holder, uint32_t pg, const kids *src, size_t start, size_t n)
{
    cv_buf *b = &w->raw->text;
    cv_buf_puts(b, "/K[");
    if (n <= MAX_KIDS) {
        for (size_t k = 0; k < n; k++) {
            kid x = src->v[start + k];
            if (k)
                cv_buf_puts(b, " ");
            put_kid(w, b, &x, pg);
            own(w, &x, (int32_t)holder);
        }
        cv_buf_puts(b, "]");
        return 0;
    }
    size_t per = MAX_KIDS;
    while ((n + per - 1) / per > MAX_KIDS)
        per *= MAX_KIDS;
    for (size_t a = 0; a < n; a += per) {
        size_t cnt = n - a < per ? n - a : per;
        group g = {0, pg, w->gkids.n, cnt};
        for (size_t k = 0; k < cnt; k++) {
            kid x = src->v[start + a + k]; /* (src may be gkids: read before it grows) */
            if (CV_PUSH(w->gkids, x))
                return -1;
        }
        uint32_t num = w->first_group + (uint32_t)w->groups.n;
        g.holder = holder;
        if (CV_PUSH(w->groups, g))
            return -1;
        if (a)
            cv_buf_puts(b, " ");
        raw_ref(b, num);
    }
    cv_buf_puts(b, "]");
    return 0;
}

typedef struct note_id {
    const char *id;
    uint32_t elem;
} note_id;

static int by_id(const void *a, const void *b)
{
    const note_id *x = a, *y = b;
    return strcmp(x->id, y->id);
}

/* The ParentTree's value for page p: the holder of each of its MCIDs. */
static void page_array(writer *w, cv_buf *b, size_t p)
{
    cv_buf_puts(b, "[");
    for (size_t k = 0; k < w->nmcid[p]; k++) {
        if (k)
            cv_buf_puts(b, " ");
        if (w->owner[p][k] >= 0)
            raw_ref(b, (uint32_t)w->owner[p][k]);
        else
            cv_buf_puts(b, "null");
    }
    cv_buf_puts(b, "]");
}

/* An element's object. */
static int put_elem(writer *w, const cv_tags *t, const int32_t *raw_of, size_t e, uint32_t root, kids *items,
                    note_id *ids, size_t *nids)
{
    cv_buf *b = &w->raw->text;
    const cv_selem *el = &t->elems.v[e];
    uint32_t self = (uint32_t)raw_of[e];
    raw_begin(w->raw, self);
    cv_buf_printf(b, "<</S/%s/P ", el->type);
    raw_ref(b, el->parent >= 0 ? (uint32_t)raw_of[el->parent] : root);
    uint32_t pg = UINT32_MAX; /* its first page, where its MCIDs need no MCR */
    for (size_t k = 0; k < el->kids.n && pg == UINT32_MAX; k++)
        if (el->kids.v[k].elem < 0 && el->kids.v[k].annot < 0 && el->kids.v[k].page < w->npages)
            pg = el->kids.v[k].page;
    if (pg != UINT32_MAX)
        cv_buf_printf(b, "/Pg %u 0 R", obj_num(w->pages[pg]));
    items->n = 0;
    for (size_t k = 0; k < el->kids.n; k++) {
        const cv_skid *kd = &el->kids.v[k];
        kid it = {-1, -1, kd->page, -1};
        if (kd->elem >= 0)
            it.elem = raw_of[kd->elem];
        else if (kd->annot >= 0)
            it.annot = kd->annot;
        else
            it.mcid = kd->mcid;
        if ((kd->elem >= 0 && it.elem < 0) || (kd->elem < 0 && kd->page >= w->npages))
            continue; /* (an element not written; a page that does not exist) */
        if (CV_PUSH(*items, it))
            return -1;
    }
    if (put_kids(w, self, pg, items, 0, items->n))
        return -1;
    if (el->lang) {
        cv_buf_puts(b, "/Lang");
        put_string(b, el->lang);
    }
    if (!strcmp(el->type, "Note") && el->alt) {
        cv_buf_puts(b, "/ID");
        put_string(b, el->alt);
        ids[(*nids)++] = (note_id){el->alt, self};
    } else if (el->alt) {
        cv_buf_puts(b, "/Alt");
        put_string(b, el->alt);
    }
    if (el->scope_column || el->colspan || el->rowspan) {
        cv_buf_puts(b, "/A<</O/Table");
        if (el->scope_column)
            cv_buf_puts(b, "/Scope/Column");
        if (el->colspan)
            cv_buf_printf(b, "/ColSpan %u", (unsigned)el->colspan);
        if (el->rowspan)
            cv_buf_printf(b, "/RowSpan %u", (unsigned)el->rowspan);
        cv_buf_puts(b, ">>");
    }
    cv_buf_puts(b, ">>");
    raw_end(w->raw, self);
    return 0;
}

/* A number or name tree of nkeys pairs in leaves of MAX_KIDS / 2, from raw object `at`:
 * the pairs in the root itself when they fit, else a root of /Kids. Returns the objects
 * it took. put writes pair i (its key and value), key_of gives key i's text for /Limits. */
typedef void (*put_pair)(writer *w, cv_buf *b, size_t i, void *arg);

static uint32_t put_tree(writer *w, uint32_t at, size_t nkeys, const char *kind, put_pair put, put_pair key, void *arg)
{
    cv_buf *b = &w->raw->text;
    size_t per = MAX_KIDS / 2, leaves = (nkeys + per - 1) / per;
    raw_begin(w->raw, at);
    cv_buf_puts(b, "<<");
    if (leaves > 1) {
        cv_buf_puts(b, "/Kids[");
        for (size_t l = 0; l < leaves; l++) {
            if (l)
                cv_buf_puts(b, " ");
            raw_ref(b, at + 1 + (uint32_t)l);
        }
        cv_buf_puts(b, "]>>");
        raw_end(w->raw, at);
    }
    for (size_t l = 0; l < (leaves > 1 ? leaves : 1); l++) {
        size_t a = l * per, z = nkeys - a < per ? nkeys : a + per;
        if (leaves > 1) {
            raw_begin(w->raw, at + 1 + (uint32_t)l);
            cv_buf_puts(b, "<</Limits[");
            key(w, b, a, arg);
            cv_buf_puts(b, " ");
            key(w, b, z - 1, arg);
            cv_buf_puts(b, "]");
        }
        cv_buf_printf(b, "/%s[", kind);
        for (size_t i = a; i < z; i++) {
            if (i > a)
                cv_buf_puts(b, " ");
            put(w, b, i, arg);
        }
        cv_buf_puts(b, "]>>");
        raw_end(w->raw, leaves > 1 ? at + 1 + (uint32_t)l : at);
    }
    return 1 + (leaves > 1 ? (uint32_t)leaves : 0);
}

/* The ParentTree's keys: the pages, then the annotations that have a holder. */
typedef struct ptkeys {
    size_t *key; /* per pair, its key: < npages a page, else npages + annotation */
} ptkeys;

static void pt_key(writer *w, cv_buf *b, size_t i, void *arg)
{
    (void)w;
    cv_buf_printf(b, "%zu", ((ptkeys *)arg)->key[i]);
}

static void pt_pair(writer *w, cv_buf *b, size_t i, void *arg)
{
    size_t k = ((ptkeys *)arg)->key[i];
    cv_buf_printf(b, "%zu ", k);
    if (k < w->npages)
        page_array(w, b, k);
    else
        raw_ref(b, (uint32_t)w->annot_owner[k - w->npages]);
}

static void id_key(writer *w, cv_buf *b, size_t i, void *arg)
{
    (void)w;
    put_string(b, ((note_id *)arg)[i].id);
}

static void id_pair(writer *w, cv_buf *b, size_t i, void *arg)
{
    (void)w;
    put_string(b, ((note_id *)arg)[i].id);
    raw_ref(b, ((note_id *)arg)[i].elem);
}

int cv_pdf_write_tags(HPDF_Doc pdf, cv_tags *t, HPDF_Page *pages, size_t npages, const cv_pagetags *pt,
                      HPDF_Dict *annots, size_t nannots, cv_pdfraw *raw)
{
    (void)pdf;
    size_t n = t->elems.n;
    int rc = -1;
    cv_buf *b = &raw->text;
    int32_t *raw_of = malloc((n ? n : 1) * sizeof *raw_of);
    note_id *ids = calloc(n ? n : 1, sizeof *ids);
    size_t nids = 0;
    kids items = {0};
    ptkeys keys = {malloc((npages + nannots + 1) * sizeof *keys.key)};
    writer w;
    memset(&w, 0, sizeof w);
    w.raw = raw;
    w.pages = pages;
    w.npages = npages;
    w.annots = annots;
    w.nannots = nannots;
    w.owner = calloc(npages ? npages : 1, sizeof *w.owner);
    w.annot_owner = malloc((nannots ? nannots : 1) * sizeof *w.annot_owner);
    size_t *nmcid = calloc(npages ? npages : 1, sizeof *nmcid);
    w.nmcid = nmcid;
    if (!n || !raw_of || !ids || !keys.key || !w.owner || !w.annot_owner || !nmcid)
        goto done; /* (a tree always has its Document) */
    for (size_t k = 0; k < nannots; k++)
        w.annot_owner[k] = -1;
    for (size_t p = 0; p < npages; p++) {
        nmcid[p] = pt[p].mcids.n;
        w.owner[p] = malloc((nmcid[p] ? nmcid[p] : 1) * sizeof *w.owner[p]);
        if (!w.owner[p])
            goto done;
        for (size_t k = 0; k < nmcid[p]; k++)
            w.owner[p][k] = -1;
    }
    /* raw object 0 is the StructTreeRoot (written last, when the trees' numbers are known),
     * then the elements written, in order, the groups, the ParentTree, the IDTree */
    uint32_t next = 1;
    for (size_t e = 0; e < n; e++)
        raw_of[e] = written(t, (int32_t)e) ? (int32_t)next++ : -1;
    w.first_group = next;
    raw_begin(raw, 0);
    raw_end(raw, 0);
    for (size_t e = 0; e < n; e++)
        if (raw_of[e] >= 0 && put_elem(&w, t, raw_of, e, 0, &items, ids, &nids))
            goto done;
    for (size_t g = 0; g < w.groups.n; g++) {
        group gr = w.groups.v[g];
        uint32_t self = w.first_group + (uint32_t)g;
        raw_begin(raw, self);
        cv_buf_puts(b, "<</S/NonStruct/P ");
        raw_ref(b, gr.holder);
        if (gr.pg != UINT32_MAX)
            cv_buf_printf(b, "/Pg %u 0 R", obj_num(pages[gr.pg]));
        if (put_kids(&w, self, gr.pg, &w.gkids, gr.start, gr.n))
            goto done;
        cv_buf_puts(b, ">>");
        raw_end(raw, self);
    }
    /* the ParentTree: per page (its /StructParents) the holder of each MCID, then per link
     * annotation (its /StructParent) the holder of its OBJR */
    size_t nkeys = 0;
    for (size_t p = 0; p < npages; p++)
        keys.key[nkeys++] = p;
    for (size_t k = 0; k < nannots; k++)
        if (w.annot_owner[k] >= 0)
            keys.key[nkeys++] = npages + k;
    uint32_t tree = w.first_group + (uint32_t)w.groups.n;
    uint32_t idtree = tree + put_tree(&w, tree, nkeys, "Nums", pt_pair, pt_key, &keys);
    if (nids) {
        qsort(ids, nids, sizeof *ids, by_id);
        put_tree(&w, idtree, nids, "Names", id_pair, id_key, ids);
    }
    raw_begin(raw, 0);
    cv_buf_printf(b, "<</Type/StructTreeRoot/K %c%u 0 R/ParentTree %c%u 0 R/ParentTreeNextKey %zu", RAW_REF,
                  (unsigned)raw_of[0], RAW_REF, (unsigned)tree, npages + nannots);
    if (nids)
        cv_buf_printf(b, "/IDTree %c%u 0 R", RAW_REF, (unsigned)idtree);
    cv_buf_puts(b, ">>");
    raw_end(raw, 0);
    for (size_t p = 0; p < npages; p++) {
        HPDF_Dict_AddNumber(pages[p], "StructParents", (HPDF_INT32)p);
        HPDF_Dict_AddName(pages[p], "Tabs", "S");
    }
    for (size_t k = 0; k < nannots; k++)
        if (w.annot_owner[k] >= 0)
            HPDF_Dict_AddNumber(annots[k], "StructParent", (HPDF_INT32)(npages + k));
    snprintf(raw->catalog, sizeof raw->catalog, "/StructTreeRoot %c0 0 R/MarkInfo<</Marked true>>", RAW_REF);
    rc = b->oom ? -1 : 0;
done:
    for (size_t p = 0; w.owner && p < npages; p++)
        free(w.owner[p]);
    free(w.owner);
    free(w.annot_owner);
    free(nmcid);
    free(items.v);
    free(w.gkids.v);
    free(w.groups.v);
    free(keys.key);
    free(raw_of);
    free(ids);
    return rc;
}
