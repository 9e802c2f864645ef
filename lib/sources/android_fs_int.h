/* The container's insides, shared by android_fs.c (folders, the
 * public calls) and android_zip.c (zips). */
#ifndef TH_SOURCES_ANDROID_FS_INT_H
#define TH_SOURCES_ANDROID_FS_INT_H

#include "core/fsutil.h"
#include "sources/android_fs.h"

struct th_afs {
	char *path;
	int is_zip;
	size_t prefix_len; /* zip: length of the stripped top folder */
	struct th_afs_member *m;
	size_t n, cap;
	size_t unsafe;
	struct th_tmpdir tmp;
	unsigned serial;
	uint64_t member_max; /* --max-artifact-size; 0: each caller's own */
	struct th_budget *budget; /* the run's --max-extract, or NULL */
};

enum th_status th_afs_add_member(struct th_afs *a, const char *name,
                                 const char *raw, int64_t size, int64_t mtime,
                                 struct th_err *err);

/* Zips (android_zip.c). */
enum th_status th_afs_zip_list(struct th_afs *a, struct th_err *err);
void th_afs_zip_strip_top(struct th_afs *a);
enum th_status th_afs_zip_read(struct th_afs *a, size_t i, size_t max,
                               char **data, size_t *len, struct th_err *err);
enum th_status th_afs_zip_extract(struct th_afs *a, size_t i, const char *path,
                                  struct th_err *err);

#endif
