/* pdfmeta.c: the document's metadata as PDF/UA-1 and PDF/A-2 want it (a libharu client):
 * the Info dictionary's dates, an XMP packet that says the same (title, author, language,
 * producer, dates) and names the standards followed (pdfuaid:part 1, and for PDF/A-2
 * pdfaid:part 2 with its conformance, plus the extension schema that PDF/A asks for to
 * describe pdfuaid), /ViewerPreferences /DisplayDocTitle, and for PDF/A an sRGB output
 * intent from an ICC profile Debian installs. The XMP stream is left uncompressed, so that
 * tools that know nothing of PDF can find it (ISO 19005-2 §6.6.2.1 recommends no filter). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pdf.h"

/* sRGB profiles Debian installs: ghostscript's (libgs-common), icc-profiles-free's, colord's */
static const char *const ICC[] = {
    "/usr/share/color/icc/ghostscript/srgb.icc",
    "/usr/share/color/icc/sRGB.icc",
    "/usr/share/color/icc/colord/sRGB.icc",
};

static void xml_text(cv_buf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': cv_buf_puts(b, "&amp;"); break;
        case '<': cv_buf_puts(b, "&lt;"); break;
        case '>': cv_buf_puts(b, "&gt;"); break;
        case '"': cv_buf_puts(b, "&quot;"); break;
        case '\n': cv_buf_puts(b, " "); break;
        default:
            if ((unsigned char)*s >= 0x20 || *s == '\t')
                cv_buf_add(b, s, 1);
        }
    }
}

static const char PDFUA_SCHEMA[] =
    "<rdf:Description rdf:about=\"\" xmlns:pdfaExtension=\"http://www.aiim.org/pdfa/ns/extension/\""
    " xmlns:pdfaSchema=\"http://www.aiim.org/pdfa/ns/schema#\" xmlns:pdfaProperty=\"http://www.aiim.org/pdfa/ns/property#\">\n"
    "<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType=\"Resource\">\n"
    "<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>\n"
    "<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>\n"
    "<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>\n"
    "<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType=\"Resource\">\n"
    "<pdfaProperty:name>part</pdfaProperty:name><pdfaProperty:valueType>Integer</pdfaProperty:valueType>"
    "<pdfaProperty:category>internal</pdfaProperty:category>"
    "<pdfaProperty:description>Part of ISO 14289 the file follows</pdfaProperty:description>\n"
    "</rdf:li></rdf:Seq></pdfaSchema:property>\n"
    "</rdf:li></rdf:Bag></pdfaExtension:schemas>\n"
    "</rdf:Description>\n";

static int xmp(HPDF_Doc pdf, const cv_docinfo *info, const struct tm *tm)
{
    cv_buf b = {0};
    cv_buf_puts(&b, "<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
                    "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
                    "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
                    "<rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\""
                    " xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\""
                    " xmlns:pdfuaid=\"http://www.aiim.org/pdfua/ns/id/\"");
    if (info->pdfa)
        cv_buf_puts(&b, " xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\"");
    cv_buf_puts(&b, ">\n<dc:format>application/pdf</dc:format>\n");
    if (info->title && *info->title) {
        cv_buf_puts(&b, "<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">");
        xml_text(&b, info->title);
        cv_buf_puts(&b, "</rdf:li></rdf:Alt></dc:title>\n");
    }
    if (info->author && *info->author) {
        cv_buf_puts(&b, "<dc:creator><rdf:Seq><rdf:li>");
        xml_text(&b, info->author);
        cv_buf_puts(&b, "</rdf:li></rdf:Seq></dc:creator>\n");
    }
    if (info->lang && *info->lang) {
        cv_buf_puts(&b, "<dc:language><rdf:Bag><rdf:li>");
        xml_text(&b, info->lang);
        cv_buf_puts(&b, "</rdf:li></rdf:Bag></dc:language>\n");
    }
    cv_buf_puts(&b, "<pdf:Producer>");
    xml_text(&b, info->producer);
    cv_buf_puts(&b, "</pdf:Producer>\n<xmp:CreatorTool>");
    xml_text(&b, info->producer);
    cv_buf_puts(&b, "</xmp:CreatorTool>\n");
    if (tm) {
        char d[32];
        strftime(d, sizeof d, "%Y-%m-%dT%H:%M:%SZ", tm);
        cv_buf_printf(&b, "<xmp:CreateDate>%s</xmp:CreateDate>\n<xmp:ModifyDate>%s</xmp:ModifyDate>\n", d, d);
    }
    cv_buf_puts(&b, "<pdfuaid:part>1</pdfuaid:part>\n");
    if (info->pdfa)
        cv_buf_printf(&b, "<pdfaid:part>2</pdfaid:part>\n<pdfaid:conformance>%c</pdfaid:conformance>\n",
                      info->pdfa == 'u' ? 'U' : 'B');
    cv_buf_puts(&b, "</rdf:Description>\n");
    if (info->pdfa)
        cv_buf_puts(&b, PDFUA_SCHEMA);
    cv_buf_puts(&b, "</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"r\"?>");
    if (b.oom) {
        cv_buf_free(&b);
        return -1;
    }
    HPDF_Dict meta = HPDF_DictStream_New(pdf->mmgr, pdf->xref);
    int rc = -1;
    if (meta) {
        meta->filter = HPDF_STREAM_FILTER_NONE;
        HPDF_Dict_AddName(meta, "Type", "Metadata");
        HPDF_Dict_AddName(meta, "Subtype", "XML");
        HPDF_Stream_Write(meta->stream, (const HPDF_BYTE *)b.p, (HPDF_UINT)b.len);
        HPDF_Dict_Add(pdf->catalog, "Metadata", meta);
        rc = 0;
    }
    cv_buf_free(&b);
    return rc;
}

/* The sRGB output intent of PDF/A. -1 when no profile is installed. */
static int output_intent(cv_ctx *ctx, HPDF_Doc pdf)
{
    FILE *f = NULL;
    const char *path = NULL;
    for (size_t k = 0; k < sizeof ICC / sizeof *ICC && !f; k++)
        if ((f = fopen(ICC[k], "rb")))
            path = ICC[k];
    if (!f) {
        cv_diag(ctx, CVPDF_ERROR, CVPDF_D_PDF_STANDARD, 0, 0,
                "PDF/A needs an sRGB ICC profile, and none is installed (%s; Debian package "
                "libgs-common or icc-profiles-free)", ICC[0]);
        return -1;
    }
    cv_buf b = {0};
    cv_buf_read(&b, f, 4u << 20);
    fclose(f);
    if (b.oom || b.len < 128) {
        bool oom = b.oom;
        cv_buf_free(&b);
        if (oom)
            ctx->oom = true;
        else
            cv_diag(ctx, CVPDF_ERROR, CVPDF_D_PDF_STANDARD, 0, 0, "%s is not an ICC profile", path);
        return -1;
    }
    HPDF_Dict icc = HPDF_DictStream_New(pdf->mmgr, pdf->xref);
    HPDF_Dict oi = HPDF_Dict_New(pdf->mmgr);
    HPDF_Array arr = HPDF_Array_New(pdf->mmgr);
    int rc = -1;
    if (icc && oi && arr) {
        icc->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
        HPDF_Dict_AddNumber(icc, "N", 3);
        HPDF_Stream_Write(icc->stream, (const HPDF_BYTE *)b.p, (HPDF_UINT)b.len);
        HPDF_Dict_AddName(oi, "Type", "OutputIntent");
        HPDF_Dict_AddName(oi, "S", "GTS_PDFA1");
        HPDF_Dict_Add(oi, "OutputConditionIdentifier", HPDF_String_New(pdf->mmgr, "sRGB IEC61966-2.1", NULL));
        HPDF_Dict_Add(oi, "Info", HPDF_String_New(pdf->mmgr, "sRGB IEC61966-2.1", NULL));
        HPDF_Dict_Add(oi, "DestOutputProfile", icc);
        HPDF_Array_Add(arr, oi);
        HPDF_Dict_Add(pdf->catalog, "OutputIntents", arr);
        rc = 0;
    }
    cv_buf_free(&b);
    return rc;
}

int cv_pdf_write_meta(cv_ctx *ctx, HPDF_Doc pdf, const cv_docinfo *info)
{
    struct tm tmv, *tm = NULL;
    if (info->date >= 0) {
        time_t t = (time_t)info->date;
        tm = gmtime_r(&t, &tmv);
    }
    if (tm) {
        /* "D:YYYYMMDDHHmmSSZ", as the XMP dates say (libharu's own adds a stray 00'00') */
        char d[32];
        strftime(d, sizeof d, "D:%Y%m%d%H%M%SZ", tm);
        HPDF_Dict_Add(pdf->info, "CreationDate", HPDF_String_New(pdf->mmgr, d, NULL));
        HPDF_Dict_Add(pdf->info, "ModDate", HPDF_String_New(pdf->mmgr, d, NULL));
    }
    HPDF_Dict vp = HPDF_Dict_New(pdf->mmgr);
    if (!vp)
        return -1;
    HPDF_Dict_AddBoolean(vp, "DisplayDocTitle", HPDF_TRUE);
    HPDF_Dict_Add(pdf->catalog, "ViewerPreferences", vp);
    if (xmp(pdf, info, tm)) {
        ctx->oom = true; /* (its only failure) */
        return -1;
    }
    return info->pdfa ? output_intent(ctx, pdf) : 0;
}
