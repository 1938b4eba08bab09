/* file.c: cvpdf_render_file: reading the input, and writing the PDF so that a failure or a
 * killed run never leaves a partial or destroyed file. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "context.h"

static void io_error(const cvpdf_options *opts, const char *name, const char *what)
{
    char msg[512];
    snprintf(msg, sizeof msg, "%s: %s", what, strerror(errno));
    cv_emit(opts, CVPDF_ERROR, CVPDF_D_IO, name, 0, 0, msg);
}

/* As cvpdf_render says it. */
static cvpdf_status no_memory(const cvpdf_options *opts, const char *name)
{
    cv_emit(opts, CVPDF_ERROR, CVPDF_D_RENDER_FAILED, name, 0, 0, "cannot render: out of memory");
    return CVPDF_ERR_NOMEM;
}

static char *read_all(FILE *f, size_t *len)
{
    size_t cap = 65536, n = 0;
    char *b = malloc(cap);
    if (!b)
        return NULL;
    for (;;) {
        if (n == cap) {
            char *nb = cap < ((size_t)1 << 40) ? realloc(b, cap * 2) : NULL;
            if (!nb) {
                free(b);
                return NULL;
            }
            b = nb;
            cap *= 2;
        }
        size_t r = fread(b + n, 1, cap - n, f);
        n += r;
        if (r == 0) {
            if (ferror(f)) {
                free(b);
                return NULL;
            }
            break;
        }
    }
    *len = n;
    return b;
}

static int write_all(int fd, const unsigned char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

cvpdf_status cvpdf_render_file(const cvpdf_options *opts, const char *in_path, const char *out_path)
{
    if (!in_path || !out_path)
        return CVPDF_ERR_USAGE;
    bool from_stdin = !strcmp(in_path, "-"), to_stdout = !strcmp(out_path, "-");
    struct stat si, so;
    if (!from_stdin && !to_stdout && stat(in_path, &si) == 0 && stat(out_path, &so) == 0 &&
        si.st_dev == so.st_dev && si.st_ino == so.st_ino) {
        errno = EEXIST;
        io_error(opts, in_path, "refusing to overwrite the input with the output");
        return CVPDF_ERR_IO;
    }
    if (!from_stdin)
        cv_dep(opts, in_path);
    FILE *in = from_stdin ? stdin : fopen(in_path, "rb");
    if (!in) {
        io_error(opts, in_path, "cannot open");
        return CVPDF_ERR_IO;
    }
    if (!from_stdin && fstat(fileno(in), &si) == 0 && S_ISDIR(si.st_mode)) {
        fclose(in);
        errno = EISDIR;
        io_error(opts, in_path, "cannot read");
        return CVPDF_ERR_IO;
    }
    size_t len = 0;
    char *md = read_all(in, &len);
    int read_errno = errno;
    if (!from_stdin)
        fclose(in);
    if (!md && read_errno == ENOMEM)
        return no_memory(opts, from_stdin ? "<stdin>" : in_path);
    if (!md) {
        errno = read_errno;
        io_error(opts, in_path, "cannot read");
        return CVPDF_ERR_IO;
    }
    unsigned char *pdf = NULL;
    size_t pdf_len = 0;
    cvpdf_status st = cvpdf_render(opts, from_stdin ? "<stdin>" : in_path, md, len, &pdf, &pdf_len);
    free(md);
    if (st != CVPDF_OK)
        return st;
    if (to_stdout) {
        int rc = write_all(STDOUT_FILENO, pdf, pdf_len);
        free(pdf);
        if (rc) {
            io_error(opts, "<stdout>", "cannot write");
            return CVPDF_ERR_IO;
        }
        return CVPDF_OK;
    }
    if (stat(out_path, &so) == 0 && !S_ISREG(so.st_mode)) {
        /* a device or a pipe (/dev/stdout, a FIFO) is written in place: renaming over it
         * would replace the device node */
        if (S_ISDIR(so.st_mode)) {
            free(pdf);
            errno = EISDIR;
            io_error(opts, out_path, "cannot write");
            return CVPDF_ERR_IO;
        }
        int fd = open(out_path, O_WRONLY);
        int rc = fd < 0 ? -1 : write_all(fd, pdf, pdf_len);
        if (fd >= 0 && close(fd) && !rc)
            rc = -1;
        free(pdf);
        if (rc) {
            io_error(opts, out_path, "cannot write");
            return CVPDF_ERR_IO;
        }
        return CVPDF_OK;
    }
    /* write beside the target, then rename: readers never see a partial file, and a failure
     * leaves any previous PDF as it was. The file is first anonymous (O_TMPFILE): a process
     * killed while writing leaves nothing behind. It gets a name only once complete. */
    size_t ol = strlen(out_path);
    char *tmp = malloc(ol + 16), *dir = malloc(ol + 2);
    if (!tmp || !dir) {
        free(tmp);
        free(dir);
        free(pdf);
        return no_memory(opts, in_path);
    }
    const char *slash = strrchr(out_path, '/');
    size_t dl = slash ? (size_t)(slash - out_path) + 1 : 0;
    snprintf(tmp, ol + 16, "%.*s.%s.XXXXXX", (int)dl, out_path, out_path + dl);
    snprintf(dir, ol + 2, "%.*s", dl ? (int)dl : 1, dl ? out_path : ".");
    bool anonymous = false;
    int fd = -1;
#ifdef O_TMPFILE
    fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0644);
    anonymous = fd >= 0;
#endif
    if (fd < 0)
        fd = mkstemp(tmp);
    if (fd < 0) {
        io_error(opts, out_path, "cannot create");
        free(tmp);
        free(dir);
        free(pdf);
        return CVPDF_ERR_IO;
    }
    int rc = write_all(fd, pdf, pdf_len);
    free(pdf);
    if (!rc && !anonymous)
        rc = fchmod(fd, 0644);
    if (!rc)
        rc = fsync(fd) && errno != EINVAL ? -1 : 0;
    if (!rc && anonymous) {
        /* give the finished file a temporary name (linkat through /proc), then rename it */
        char proc[64];
        snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
        int tfd = mkstemp(tmp); /* reserve a unique name */
        if (tfd >= 0) {
            close(tfd);
            unlink(tmp);
            rc = linkat(AT_FDCWD, proc, AT_FDCWD, tmp, AT_SYMLINK_FOLLOW);
        } else {
            rc = -1;
        }
    }
    if (close(fd) && !rc)
        rc = -1;
    if (!rc)
        rc = rename(tmp, out_path);
    if (rc) {
        io_error(opts, out_path, "cannot write");
        unlink(tmp);
        free(tmp);
        free(dir);
        return CVPDF_ERR_IO;
    }
    free(tmp);
    free(dir);
    return CVPDF_OK;
}

