/* diskcache.h: what renders keep between processes, in files (diskcache.c). */
#ifndef CVPDF_DISKCACHE_H
#define CVPDF_DISKCACHE_H

#include <stddef.h>

#include "memo.h"

/* The entry of kind ("subset", "hyph", "emoji") under key, from the directory dir (NULL:
 * none): 1 with *data (malloc'd, the caller's) of *len bytes, 0 when there is none (or it
 * is damaged, or from another build), -1 on OOM. */
int cv_disk_get(const char *dir, const char *kind, const void *key, size_t klen, unsigned char **data, size_t *len);
/* Stores data under key, atomically (a reader sees the whole entry or none): a failure only
 * loses the entry. */
void cv_disk_put(const char *dir, const char *kind, const void *key, size_t klen, const void *data, size_t len);
/* Adds path and its identity (size, modification time, inode, device; all -1 when it is not
 * there) to k: -1 when it is not there. */
int cv_disk_key_path(cv_key *k, const char *path);
/* Adds what identifies the file at path (its name, size, modification time, inode) and the
 * build (cvpdf's version and the libraries that make the entries) to k. -1 when the file
 * cannot be stat'ed (nothing of it is kept) or on OOM. */
int cv_disk_key_file(cv_key *k, const char *path);

#endif
