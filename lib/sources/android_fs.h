/*
 * An Android acquisition container: a folder, or a .zip read in place
 * through libarchive (never unpacked to disk). Members are listed once at
 * open with names relative to the acquisition root (a zip's single top
 * folder is removed, as androidqf zips its folder); a member a module
 * needs as a file is extracted alone into a private temporary folder.
 * Shared by the androidqf, bugreport and intrusion-logs sources.
 */
#ifndef TH_SOURCES_ANDROID_FS_H
#define TH_SOURCES_ANDROID_FS_H

#include <stddef.h>
#include <stdint.h>
#include "core/err.h"
#include "sources/source.h"

#define TH_AFS_MEMBERS_MAX 2000000 /* members listed before giving up */
#define TH_AFS_DEPTH_MAX   24      /* folder levels walked */
#define TH_AFS_EXTRACT_MAX ((int64_t)4 << 30) /* one member, in bytes */

struct th_afs_member {
	char *name;    /* relative to the root, '/'-separated */
	char *raw;     /* zip: the stored name; folder: the full path */
	int64_t size;  /* bytes; -1 unknown */
	int64_t mtime; /* µs UTC, or TH_TIME_NONE */
};

struct th_afs;

/* Opens a folder or a zip file. Zip members with unsafe names (absolute,
 * "..") are left out and counted (th_afs_unsafe). TH_ERR_IO,
 * TH_ERR_FORMAT (not a zip), TH_ERR_NOMEM, TH_ERR_LIMIT. Free with
 * th_afs_free. */
enum th_status th_afs_open(const char *path, struct th_afs **out,
                           struct th_err *err);
void th_afs_free(struct th_afs *a);

/* The run's settings for reading members (opt may be NULL: none): the
 * user's --max-artifact-size replaces the limits on extracting and
 * mapping one member (0: keep each caller's own), and the run's
 * extraction budget (core/budget.h) is charged for every member copied
 * to the private temporary folder. */
void th_afs_use_options(struct th_afs *a, const struct th_source_options *opt);

/* A nested archive (a bugreport.zip in an androidqf, a zip in intrusion
 * logs) keeps the limits of the one holding it: the member limit and
 * the budget of `outer` are set on `inner`. */
void th_afs_inherit(struct th_afs *inner, const struct th_afs *outer);

int th_afs_is_zip(const struct th_afs *a);
const char *th_afs_path(const struct th_afs *a);
size_t th_afs_count(const struct th_afs *a);
size_t th_afs_unsafe(const struct th_afs *a);
const struct th_afs_member *th_afs_at(const struct th_afs *a, size_t i);

/* The index of member `name`, or -1. */
long th_afs_lookup(const struct th_afs *a, const char *name);

/* Reads member i whole (at most max bytes, else TH_ERR_LIMIT) into a
 * malloc'ed NUL-terminated buffer the caller frees. */
enum th_status th_afs_read(struct th_afs *a, size_t i, size_t max, char **data,
                           size_t *len, struct th_err *err);

/* Reads at most cap bytes from the start of member i into buf. */
enum th_status th_afs_head(struct th_afs *a, size_t i, char *buf, size_t cap,
                           size_t *len, struct th_err *err);

/* A readable file holding member i: the member itself in a folder, else
 * a private temporary copy (*temp set: the caller unlinks it). *path is
 * malloc'ed. */
enum th_status th_afs_local(struct th_afs *a, size_t i, char **path, int *temp,
                            struct th_err *err);

/* A member mapped read-only into memory, followed by at least one NUL
 * byte (text parsers may rely on it). A zip member is first copied to
 * the private temporary folder (and unlinked at once: the mapping keeps
 * it). */
struct th_afs_map {
	const char *text;
	size_t len;
	void *base;
	size_t maplen;
};

/* Maps member i (at most max bytes, else TH_ERR_LIMIT). */
enum th_status th_afs_map_member(struct th_afs *a, size_t i, size_t max,
                                 struct th_afs_map *m, struct th_err *err);
/* Drops the resident pages (a large dumpsys need not stay in memory
 * between modules); the text stays readable, paged in again on use. */
void th_afs_map_release(struct th_afs_map *m);
void th_afs_unmap(struct th_afs_map *m);

/* Calls fn for every member whose name matches fnmatch(3) `glob`
 * (without FNM_PATHNAME), with `prefix` prepended to th_file.name.
 * Returns TH_OK when fn stopped the walk or it ended. */
enum th_status th_afs_each(struct th_afs *a, const char *glob,
                           const char *prefix, th_file_fn fn, void *ctx,
                           struct th_err *err);

/* Whether `path` is a zip file (by its magic): 1 or 0, -1 when it
 * could not look for want of memory. */
int th_afs_is_zip_file(const char *path);

/* What `score` says of the zip file at `path`, opened for it (closed
 * after), or TH_BID_NONE when it is not a readable zip: a source's bid
 * on a file. TH_BID_NOMEM when an allocation failed while looking
 * (`score` may return it too). */
int th_afs_score_zip(const char *path, int (*score)(struct th_afs *a));

/* A source's each_input on `a`: the zip itself, or each member file of
 * the folder until fn returns nonzero. */
void th_afs_each_input(const struct th_afs *a,
                       int (*fn)(void *ctx, const char *path), void *ctx);

/* Whether a stored archive member name is safe to use: not absolute, no
 * ".." component, no NUL, not empty. */
int th_afs_name_safe(const char *name);

#endif
