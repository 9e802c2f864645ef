/* Small file-system helpers with bounded reads and explicit errors. */
#ifndef TH_CORE_FSUTIL_H
#define TH_CORE_FSUTIL_H

#include <stddef.h>
#include <stdint.h>
#include "core/err.h"

/* Joins a and b with one '/': a malloc'ed string, or NULL (no memory). */
char *th_path_join(const char *a, const char *b);

/* The part after the last '/' (the whole string if none). No copy. */
const char *th_path_base(const char *path);

int th_is_dir(const char *path);
int th_is_file(const char *path);

/* Reads a whole regular file of at most `max` bytes into a malloc'ed,
 * NUL-terminated buffer. TH_ERR_IO, TH_ERR_LIMIT (too big), NOMEM. */
enum th_status th_read_file(const char *path, size_t max, char **data,
                            size_t *len, struct th_err *err);

/* mkdir -p with mode 0755 (0700 when private is set). */
enum th_status th_mkdir_p(const char *path, int private_dir,
                          struct th_err *err);

/* Whether `path` is `dir` or inside it, after resolving both (symlinks
 * included; a path that does not exist yet is resolved by its parent):
 * 1 or 0, and -1 when it could not tell for want of memory (true as a
 * boolean: a caller that only refuses stays on the safe side). */
int th_path_inside(const char *path, const char *dir);

/* A private temporary folder (mode 0700 under $TMPDIR or /tmp), removed
 * with everything in it by th_tmpdir_free. */
struct th_tmpdir {
	char *path;
};
enum th_status th_tmpdir_new(struct th_tmpdir *t, struct th_err *err);
void th_tmpdir_free(struct th_tmpdir *t);

/* Removes a tree without following symbolic links. Depth-bounded. */
void th_remove_tree(const char *path);

#endif
