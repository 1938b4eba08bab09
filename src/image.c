/* image.c: reading local images safely and learning their size.
 *
 * A résumé's image is a path relative to its Markdown file. Before reading, the path must be a
 * regular file (a directory, a FIFO or a device is refused: opening is non-blocking and the
 * type is checked on the open descriptor, so a FIFO can never hang the render) of bounded
 * size. Only PNG and JPEG are accepted, told by their signatures, and their pixel size is
 * read from the headers (PNG IHDR, JPEG SOFn); decoding is the PDF writer's business.
 * Remote images (http:, https:, data:) are not fetched.
 */
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image.h"

#define MAX_IMAGE_BYTES (20u << 20)

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The pixel size of a JPEG from its first SOFn marker. */
static int jpeg_size(const unsigned char *d, size_t n, int *w, int *h)
{
    size_t p = 2;
    while (p + 9 < n) {
        if (d[p] != 0xFF) {
            p++;
            continue;
        }
        unsigned m = d[p + 1];
        if (m == 0xFF) {
            p++;
            continue;
        }
        if (m == 0xD8 || m == 0x01 || (m >= 0xD0 && m <= 0xD7)) {
            p += 2;
            continue;
        }
        size_t seg = (size_t)d[p + 2] << 8 | d[p + 3];
        /* SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC) */
        if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
            *h = d[p + 5] << 8 | d[p + 6];
            *w = d[p + 7] << 8 | d[p + 8];
            return *w > 0 && *h > 0 ? 0 : -1;
        }
        if (seg < 2)
            return -1;
        p += 2 + seg;
    }
    return -1;
}

int cv_image_probe(cv_image *img)
{
    const unsigned char *d = img->data;
    size_t n = img->len;
    if (n >= 24 && !memcmp(d, "\x89PNG\r\n\x1a\n", 8) && !memcmp(d + 12, "IHDR", 4)) {
        img->format = CV_IMG_PNG;
        img->px_w = (int)be32(d + 16);
        img->px_h = (int)be32(d + 20);
        return img->px_w > 0 && img->px_h > 0 && img->px_w < 100000 && img->px_h < 100000 ? 0 : -1;
    }
    if (n >= 4 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF) {
        img->format = CV_IMG_JPEG;
        return jpeg_size(d, n, &img->px_w, &img->px_h);
    }
    return -1;
}

int cv_image_load(cv_ctx *ctx, const char *base_dir, cv_image *img, int line, int col)
{
    const char *src = img->src;
    if (!strncmp(src, "http://", 7) || !strncmp(src, "https://", 8) || !strncmp(src, "data:", 5) ||
        !strncmp(src, "//", 2)) {
        /* badges come by the dozen: the first few are named, the rest counted */
        if (++ctx->remote_images <= 3)
            cv_diag(ctx, CVPDF_WARNING, CVPDF_D_IMAGE_REMOTE, line, col,
                    "image '%.120s' is not on this computer and is not fetched; its alt text is shown", src);
        return -1;
    }
    if (!strncmp(src, "file://", 7))
        src += 7;
    char path[4096];
    if (src[0] == '/' || !base_dir || !*base_dir)
        snprintf(path, sizeof path, "%s", src);
    else
        snprintf(path, sizeof path, "%s/%s", base_dir, src);
    /* drop a query or fragment (photo.jpg?v=2) */
    char *q = strpbrk(path, "?#");
    if (q && q > path)
        *q = 0;
    cv_dep(ctx->opts, path);
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    struct stat st;
    const char *why = NULL;
    if (fd < 0)
        why = strerror(errno);
    else if (fstat(fd, &st) || !S_ISREG(st.st_mode))
        why = "not a regular file";
    else if ((unsigned long long)st.st_size > MAX_IMAGE_BYTES)
        why = "larger than 20 MB";
    if (!why) {
        img->len = (size_t)st.st_size; /* NOLINT(clang-analyzer-core.uninitialized.Assign): why is set unless fstat filled st */
        img->data = malloc(img->len ? img->len : 1);
        if (!img->data) {
            close(fd);
            ctx->oom = true;
            return -1;
        }
        size_t got = 0;
        while (img->data && got < img->len) {
            ssize_t r = read(fd, img->data + got, img->len - got);
            if (r < 0 && errno == EINTR)
                continue;
            if (r <= 0)
                break;
            got += (size_t)r;
        }
        if (!img->data || got != img->len)
            why = "cannot be read";
        else if (cv_image_probe(img))
            why = "not a PNG or JPEG image";
    }
    if (fd >= 0)
        close(fd);
    if (why) {
        cv_diag(ctx, CVPDF_WARNING, CVPDF_D_IMAGE_UNREADABLE, line, col, "image '%.200s': %s; its alt text is shown", path, why);
        free(img->data);
        img->data = NULL;
        img->len = 0;
        img->format = 0;
        return -1;
    }
    return 0;
}

bool cv_path_inside(const char *base_dir, const char *path)
{
    char full[4096], rbase[4096], rfull[4096];
    snprintf(full, sizeof full, "%s/%s", base_dir && *base_dir ? base_dir : ".", path);
    if (!realpath(base_dir && *base_dir ? base_dir : ".", rbase))
        return false;
    if (!realpath(full, rfull))
        return true; /* a missing file: reading it will fail and say so */
    size_t n = strlen(rbase);
    return !strncmp(rfull, rbase, n) && (rfull[n] == '/' || rfull[n] == 0);
}
