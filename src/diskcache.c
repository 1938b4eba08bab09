/* diskcache.c: files a render keeps for the next process: the subsets of faces (a CJK
 * weight's is a third of a Chinese résumé's time, subset.c), hyphenation patterns compiled
 * (libhyphen parses the English patterns in 8 ms and the German ones in 2.2 s, each run;
 * hyphen.c), encoded colour emoji (emoji.c), the runs each face shaped (shape.c) and
 * fontconfig's answers (font.c). A whole process took 35-45 ms; these were two thirds of it.
 * This file only stores and finds entries; each client says what its entries hold.
 *
 * Each entry is one file, named by a hash of its key and holding the key itself, so that a
 * hash collision is a miss, not a wrong answer; its data has a checksum, so a damaged file
 * is a miss too. Keys name the files an entry was made from by identity (path, size,
 * modification time, inode) and the build that made it (the file of cvpdf's own code, by
 * identity as well, and the versions of the libraries that make entries), so an upgraded
 * font, library or cvpdf makes new entries rather than reading old ones. An entry is a pure
 * function of its key: the PDF is the same byte for byte with the cache, without it, warm
 * or cold.
 *
 * Safe under concurrent runs: an entry is written to a temporary file of its own and
 * renamed into place (atomic in POSIX), so a reader sees a whole entry or none; two writers
 * of one entry write the same bytes. The directory holds at most MAX_BYTES: a write beyond
 * that removes the oldest entries.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <freetype/freetype.h>
#include <hb.h>
#include <libdeflate.h>

#include "cvpdf.h"
#include "diskcache.h"

#define MAGIC "cvpdf-c1"
#define HEAD (8 + 4 * 8)
#define MAX_ENTRY ((size_t)256 << 20)
#define MAX_BYTES ((long long)128 << 20)

static uint64_t get64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int k = 0; k < 8; k++)
        v |= (uint64_t)p[k] << (8 * k);
    return v;
}

static void put64(unsigned char *p, uint64_t v)
{
    for (int k = 0; k < 8; k++)
        p[k] = (unsigned char)(v >> (8 * k));
}

static int entry_path(char *buf, size_t size, const char *dir, const char *kind, const void *key, size_t klen)
{
    int n = snprintf(buf, size, "%s/%s-%016llx%016llx", dir, kind, (unsigned long long)cv_hash(key, klen),
                     (unsigned long long)cv_hash_seeded(key, klen, 0x5EED));
    return n > 0 && (size_t)n < size ? 0 : -1;
}

/* All n bytes read into p (writing: from it), through short counts and signals; -1 on an
 * error or an early end. */
static int io_all(int fd, unsigned char *p, size_t n, bool writing)
{
    while (n) {
        ssize_t r = writing ? write(fd, p, n) : read(fd, p, n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        p += r;
        n -= (size_t)r;
    }
    return 0;
}

static int read_all(int fd, unsigned char *p, size_t n) { return io_all(fd, p, n, false); }
/* (write only reads the bytes: the cast is write's own view of them) */
static int write_all(int fd, const void *p, size_t n) { return io_all(fd, (unsigned char *)p, n, true); }

int cv_disk_get(const char *dir, const char *kind, const void *key, size_t klen, unsigned char **data, size_t *len)
{
    *data = NULL;
    *len = 0;
    char path[4096];
    if (!dir || entry_path(path, sizeof path, dir, kind, key, klen))
        return 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    struct stat sb;
    unsigned char head[HEAD];
    int rc = 0;
    if (fstat(fd, &sb) || !S_ISREG(sb.st_mode) || sb.st_size < HEAD || (uint64_t)sb.st_size > MAX_ENTRY + klen + HEAD ||
        read_all(fd, head, HEAD) || memcmp(head, MAGIC, 8) || get64(head + 8) != klen ||
        get64(head + 16) != (uint64_t)sb.st_size - HEAD - klen) {
        close(fd);
        return 0;
    }
    size_t n = (size_t)get64(head + 16);
    unsigned char *kb = malloc(klen ? klen : 1), *buf = malloc(n + 1);
    if (!kb || !buf) {
        free(kb);
        free(buf);
        close(fd);
        return -1;
    }
    if (!read_all(fd, kb, klen) && !memcmp(kb, key, klen) && !read_all(fd, buf, n) &&
        get64(head + 24) == cv_hash(buf, n)) {
        *data = buf;
        *len = n;
        rc = 1;
    } else {
        free(buf);
    }
    free(kb);
    close(fd);
    return rc;
}

/* mkdir -p of dir's last two levels (~/.cache may not be there yet) */
static void make_dir(const char *dir)
{
    if (!mkdir(dir, 0700) || errno == EEXIST)
        return;
    char parent[4096];
    snprintf(parent, sizeof parent, "%s", dir);
    char *slash = strrchr(parent, '/');
    if (!slash || slash == parent)
        return;
    *slash = '\0';
    mkdir(parent, 0700);
    mkdir(dir, 0700);
}

typedef struct old_entry {
    struct timespec mtime;
    long long size;
    char name[256];
} old_entry;

static int cmp_old(const void *a, const void *b)
{
    const old_entry *x = a, *y = b;
    if (x->mtime.tv_sec != y->mtime.tv_sec)
        return x->mtime.tv_sec < y->mtime.tv_sec ? -1 : 1;
    if (x->mtime.tv_nsec != y->mtime.tv_nsec)
        return x->mtime.tv_nsec < y->mtime.tv_nsec ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* Whether name is an entry's: KIND-<32 hex digits>. The directory may hold other files (the
 * default, ~/.cache/cvpdf, is also where tests/deb.sh keeps its Debian root): only entries
 * are counted and removed. */
static bool entry_name(const char *name)
{
    const char *dash = strchr(name, '-');
    if (!dash || dash == name || strlen(dash + 1) != 32)
        return false;
    for (const char *c = name; c < dash; c++)
        if (*c < 'a' || *c > 'z')
            return false;
    for (const char *c = dash + 1; *c; c++)
        if (!((*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'f')))
            return false;
    return true;
}

/* Keeps the entries under MAX_BYTES ($CVPDF_CACHE_MAX bytes when set), the oldest going
 * first (to 3/4 of it); removes the temporary files of writers that died an hour ago. */
static void trim(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    long long max = MAX_BYTES;
    const char *env = getenv("CVPDF_CACHE_MAX");
    if (env && *env) {
        char *end;
        long long v = strtoll(env, &end, 10);
        if (!*end && v > 0)
            max = v;
    }
    time_t now = time(NULL);
    old_entry *v = NULL;
    size_t n = 0, cap = 0;
    long long total = 0;
    struct dirent *e;
    /* cppcheck-suppress readdirCalled ; a DIR of this call's own: readdir is thread-safe so (readdir_r is deprecated) */
    while ((e = readdir(d))) {
        struct stat sb;
        if (!strncmp(e->d_name, ".tmp-", 5) && !fstatat(dirfd(d), e->d_name, &sb, AT_SYMLINK_NOFOLLOW) &&
            S_ISREG(sb.st_mode) && sb.st_mtime < now - 3600) {
            unlinkat(dirfd(d), e->d_name, 0);
            continue;
        }
        if (!entry_name(e->d_name) || strlen(e->d_name) >= sizeof v->name)
            continue;
        if (fstatat(dirfd(d), e->d_name, &sb, AT_SYMLINK_NOFOLLOW) || !S_ISREG(sb.st_mode))
            continue;
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 64;
            old_entry *nv = realloc(v, nc * sizeof *nv);
            if (!nv)
                break;
            v = nv, cap = nc;
        }
        v[n].mtime = sb.st_mtim;
        v[n].size = (long long)sb.st_size;
        memcpy(v[n].name, e->d_name, strlen(e->d_name) + 1);
        total += v[n++].size;
    }
    if (total > max) {
        qsort(v, n, sizeof *v, cmp_old);
        for (size_t i = 0; i < n && total > max / 4 * 3; i++)
            if (!unlinkat(dirfd(d), v[i].name, 0))
                total -= v[i].size;
    }
    free(v);
    closedir(d);
}

void cv_disk_put(const char *dir, const char *kind, const void *key, size_t klen, const void *data, size_t len)
{
    char path[4096], tmp[4096 + 32];
    if (!dir || len > MAX_ENTRY || entry_path(path, sizeof path, dir, kind, key, klen))
        return;
    make_dir(dir);
    snprintf(tmp, sizeof tmp, "%s/.tmp-XXXXXX", dir);
    int fd = mkstemp(tmp);
    if (fd < 0)
        return;
    unsigned char head[HEAD] = MAGIC; /* (the 8 magic bytes, no NUL: HEAD has room for the rest) */
    put64(head + 8, klen);
    put64(head + 16, len);
    put64(head + 24, cv_hash(data, len));
    put64(head + 32, 0);
    bool ok = !write_all(fd, head, HEAD) && !write_all(fd, key, klen) && !write_all(fd, data, len);
    ok = !close(fd) && ok;
    if (!ok || rename(tmp, path)) {
        unlink(tmp);
        return;
    }
    trim(dir);
}

/* A file's name and identity: size, modification time to the nanosecond, inode and device,
 * all -1 when it is not there (then -1). */
int cv_disk_key_path(cv_key *k, const char *path)
{
    struct stat sb;
    bool there = path && !stat(path, &sb);
    if (path)
        cv_key_add(k, path, strlen(path) + 1);
    long long id[5] = {-1, -1, -1, -1, -1};
    if (there)
        id[0] = (long long)sb.st_size, id[1] = (long long)sb.st_mtim.tv_sec, id[2] = (long long)sb.st_mtim.tv_nsec,
        id[3] = (long long)sb.st_ino, id[4] = (long long)sb.st_dev;
    cv_key_add(k, id, sizeof id);
    return there ? 0 : -1;
}

/* The build, found once per process (stats and no allocation, so that it cannot fail for
 * want of memory): the identity of the file holding this code (libcvpdf.so, or a program
 * linked with the static library), then the libraries' versions. */
static pthread_once_t build_once = PTHREAD_ONCE_INIT;
static unsigned char build_bytes[5 * sizeof(long long) + 160];
static size_t build_len; /* 0: not found */

static void find_build(void)
{
    Dl_info di;
    struct stat sb;
    /* (the main program's name is as it was started, maybe found on $PATH: the link to it) */
    if (!dladdr((void *)cv_disk_key_file, &di) || !di.dli_fname ||
        stat(strchr(di.dli_fname, '/') ? di.dli_fname : "/proc/self/exe", &sb))
        return;
    long long id[5] = {(long long)sb.st_size, (long long)sb.st_mtim.tv_sec, (long long)sb.st_mtim.tv_nsec,
                       (long long)sb.st_ino, (long long)sb.st_dev};
    memcpy(build_bytes, id, sizeof id);
    size_t room = sizeof build_bytes - sizeof id;
    int n = snprintf((char *)build_bytes + sizeof id, room, "%s|hb %s|ft %d.%d.%d|deflate %s", CVPDF_VERSION_STRING,
                     hb_version_string(), FREETYPE_MAJOR, FREETYPE_MINOR, FREETYPE_PATCH, LIBDEFLATE_VERSION_STRING);
    if (n > 0 && (size_t)n < room)
        build_len = sizeof id + (size_t)n + 1;
}

int cv_disk_key_file(cv_key *k, const char *path)
{
    pthread_once(&build_once, find_build);
    if (!build_len)
        return -1;
    cv_key_add(k, build_bytes, build_len);
    if (cv_disk_key_path(k, path))
        return -1;
    return k->oom ? -1 : 0;
}
