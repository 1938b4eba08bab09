/* harness.h: what the C test programs share (each tests/NAME.c is a program of its own).
 *
 * CHECK(name, cond) prints one "ok - NAME" or "FAIL - NAME (file:line)" line, the lines
 * tests/run.sh counts, and counts the check in the including file's `passed` and `failed`.
 * read_file reads a whole file. */
#ifndef CVPDF_TESTS_HARNESS_H
#define CVPDF_TESTS_HARNESS_H

#include <stdio.h>
#include <stdlib.h>

#define CHECK(name, cond)                                                                     \
    do {                                                                                      \
        if (cond) {                                                                           \
            passed++;                                                                         \
            printf("ok - %s\n", name);                                                        \
        } else {                                                                              \
            failed++;                                                                         \
            printf("FAIL - %s (%s:%d)\n", name, __FILE__, __LINE__);                          \
        }                                                                                     \
    } while (0)

/* The file at path, malloc'ed, *len bytes; NULL when it cannot be opened or memory runs out. */
static inline char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t cap = 0, n = 0, r;
    do {
        if (n == cap) {
            char *nb = realloc(buf, cap = cap ? cap * 2 : 65536);
            if (!nb) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = nb;
        }
        r = fread(buf + n, 1, cap - n, f);
        n += r;
    } while (r);
    fclose(f);
    *len = n;
    return buf;
}

#endif
