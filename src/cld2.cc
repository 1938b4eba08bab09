// cld2.cc: the client of Compact Language Detector 2 (Debian's libcld2): its tables are
// compiled into the library, so a detection loads no file and takes about a millisecond for
// a résumé; libexttextcat, the C alternative, reads 160 fingerprint files first (38 ms).
// C++ only because CLD2's interface is; nothing here throws into the C code around it.
#include <cstdio>
#include <cstring>
#include <new>

#include <cld2/public/compact_lang_det.h>

// (declared in langid.h, which is C)
extern "C" int cv_cld2_detect(const char *text, size_t len, char *out, size_t n, int *percent, bool *reliable);

extern "C" int cv_cld2_detect(const char *text, size_t len, char *out, size_t n, int *percent, bool *reliable)
{
    try {
        CLD2::Language top3[3];
        int pct[3];
        double score[3];
        int bytes = 0;
        bool rel = false;
        if (len > 1 << 20)
            len = 1 << 20; // enough to tell; CLD2 takes an int
        CLD2::Language l = CLD2::ExtDetectLanguageSummary(text, (int)len, true, NULL, 0, top3, pct, score, NULL,
                                                          &bytes, &rel);
        // the language of most of the text: CLD2's summary names a second language instead of
        // English when it has a fair share ("en 63%, de 36%" sums up as de)
        if (top3[0] != CLD2::UNKNOWN_LANGUAGE && top3[0] != CLD2::TG_UNKNOWN_LANGUAGE)
            l = top3[0];
        if (l == CLD2::UNKNOWN_LANGUAGE || l == CLD2::TG_UNKNOWN_LANGUAGE)
            return -1;
        const char *code = CLD2::LanguageCode(l);
        if (!code || !*code)
            return -1;
        // CLD2 keeps ISO 639 codes BCP 47 retired: iw for Hebrew, and writes zh-Hant
        if (!strcmp(code, "iw"))
            code = "he";
        else if (!strcmp(code, "zh-Hant"))
            code = "zh-TW";
        snprintf(out, n, "%s", code);
        *percent = pct[0];
        *reliable = rel;
        return 0;
    } catch (...) {
        return -1; // (std::bad_alloc): not knowing the language only costs its patterns
    }
}
