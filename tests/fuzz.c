/* fuzz.c: a libFuzzer target: any bytes as a Markdown document, rendered to a PDF in memory.
 * Crashes, hangs, leaks and sanitizer reports are findings; each fixed one is kept in
 * tests/fuzz-regressions/ and replayed by the test suite. Inputs whose length is odd render
 * through one cvpdf_cache kept for the whole run, so the memos of faces (shaped runs,
 * subsets, emoji) meet input after input, as in a server. */
#include <stddef.h>
#include <stdint.h>

#include "cvpdf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 64 * 1024)
        return 0; /* long inputs only slow the search; the stress suite covers size */
    cvpdf_options *o = cvpdf_options_new();
    if (!o)
        return 0;
    static cvpdf_cache *cache; /* lives as long as the process: reachable, not leaked */
    if (!cache)
        cache = cvpdf_cache_new();
    cvpdf_options_set(o, "safe", "true"); /* no file access from fuzzed input */
    if (size % 2)
        cvpdf_options_set_cache(o, cache);
    unsigned char *pdf = NULL;
    size_t len = 0;
    cvpdf_render(o, "fuzz.md", (const char *)data, size, &pdf, &len);
    cvpdf_buffer_free(pdf);
    cvpdf_options_free(o);
    return 0;
}
