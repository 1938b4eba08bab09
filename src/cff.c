/* cff.c: just enough of a CFF reader (Adobe TN #5176) to map glyph indices to CIDs.
 *
 * A CID-keyed CFF font (Noto Sans CJK) embedded as /CIDFontType0C is addressed by CID, and
 * after subsetting the glyph index of a CID is not the CID any more; the CFF charset table
 * says which CID each glyph has. Name-keyed CFF fonts (Inter) are addressed by glyph index.
 */
#include <string.h>

#include "subset.h"

typedef struct rd {
    const unsigned char *p;
    size_t len;
} rd;

static long u(const rd *r, size_t off, int n)
{
    if (off + (size_t)n > r->len)
        return -1;
    long v = 0;
    for (int k = 0; k < n; k++)
        v = (v << 8) | r->p[off + k];
    return v;
}

/* Skips an INDEX at off; returns the offset after it (or 0 when malformed). With first set,
 * first and first_len receive the first object's extent. */
static size_t index_skip(const rd *r, size_t off, size_t *first, size_t *first_len)
{
    long count = u(r, off, 2);
    if (count < 0)
        return 0;
    if (count == 0)
        return off + 2;
    long osz = u(r, off + 2, 1);
    if (osz < 1 || osz > 4)
        return 0;
    size_t offs = off + 3;
    size_t data = offs + (size_t)(count + 1) * (size_t)osz - 1; /* offsets are 1-based */
    long o0 = u(r, offs, (int)osz), o1 = u(r, offs + (size_t)osz, (int)osz);
    long olast = u(r, offs + (size_t)count * (size_t)osz, (int)osz);
    if (o0 < 0 || o1 < o0 || olast < o1)
        return 0;
    if (first) {
        *first = data + (size_t)o0;
        *first_len = (size_t)(o1 - o0);
    }
    size_t end = data + (size_t)olast;
    return end <= r->len ? end : 0;
}

int cv_cff_charset(const unsigned char *cff, size_t len, unsigned nglyphs, bool *is_cid,
                   uint16_t *cids)
{
    rd r = {cff, len};
    *is_cid = false;
    long hdr = u(&r, 2, 1);
    if (hdr < 4)
        return -1;
    size_t off = index_skip(&r, (size_t)hdr, NULL, NULL); /* Name INDEX */
    size_t top = 0, top_len = 0; /* an empty Top DICT INDEX leaves them */
    if (!off || !index_skip(&r, off, &top, &top_len))
        return -1;
    /* the Top DICT: operands, then an operator */
    long operands[48];
    int nop = 0;
    long charset = 0;
    for (size_t i = top; i < top + top_len && i < len;) {
        unsigned b0 = cff[i];
        if (b0 <= 21) {
            unsigned op = b0;
            i++;
            if (b0 == 12) {
                if (i >= len)
                    return -1;
                op = 1200 + cff[i++];
            }
            if (op == 1230) /* ROS: the font is CID-keyed */
                *is_cid = true;
            if (op == 15 && nop > 0)
                charset = operands[nop - 1];
            nop = 0;
            continue;
        }
        long v;
        if (b0 == 28) {
            v = (int16_t)u(&r, i + 1, 2);
            i += 3;
        } else if (b0 == 29) {
            v = (int32_t)u(&r, i + 1, 4);
            i += 5;
        } else if (b0 == 30) { /* a real: skip its nibbles */
            i++;
            while (i < len && (cff[i] & 0x0F) != 0x0F && (cff[i] & 0xF0) != 0xF0)
                i++;
            i++;
            v = 0;
        } else if (b0 >= 32 && b0 <= 246) {
            v = (long)b0 - 139;
            i++;
        } else if (b0 >= 247 && b0 <= 250) {
            v = ((long)b0 - 247) * 256 + u(&r, i + 1, 1) + 108;
            i += 2;
        } else if (b0 >= 251 && b0 <= 254) {
            v = -((long)b0 - 251) * 256 - u(&r, i + 1, 1) - 108;
            i += 2;
        } else {
            return -1;
        }
        if (nop < 48)
            operands[nop++] = v;
    }
    if (!*is_cid)
        return 0;
    if (charset <= 2) /* predefined charsets are for name-keyed fonts only */
        return -1;
    memset(cids, 0, nglyphs * sizeof *cids);
    size_t p = (size_t)charset;
    long fmt = u(&r, p, 1);
    p++;
    unsigned gid = 1;
    if (fmt == 0) {
        for (; gid < nglyphs; gid++, p += 2) {
            long c = u(&r, p, 2);
            if (c < 0)
                return -1;
            cids[gid] = (uint16_t)c;
        }
    } else if (fmt == 1 || fmt == 2) {
        int nl = fmt == 1 ? 1 : 2;
        while (gid < nglyphs) {
            long first = u(&r, p, 2), left = u(&r, p + 2, nl);
            if (first < 0 || left < 0)
                return -1;
            p += 2 + (size_t)nl;
            for (long k = 0; k <= left && gid < nglyphs; k++)
                cids[gid++] = (uint16_t)(first + k);
        }
    } else {
        return -1;
    }
    return 0;
}
