/*
 * Streamed reading of evidence archives (.tar, .tar.gz, .tgz, .zip)
 * through libarchive, in one pass. Member paths are never trusted: each
 * is normalised ("./a//b" -> "a/b") and a member whose path is absolute
 * or climbs with "..", a device, FIFO or socket, or a link whose target
 * leaves the archive's root is refused (counted, never handed on).
 */
#ifndef TH_FORMATS_ARCHIVE_H
#define TH_FORMATS_ARCHIVE_H

#include <stddef.h>
#include <stdint.h>
#include "core/err.h"

/* Longest member path we accept (longer ones are refused). */
#define TH_ARCHIVE_PATH_MAX 4096

enum th_member_type { TH_MEMBER_FILE, TH_MEMBER_DIR, TH_MEMBER_LINK };

/* One member, valid only during the callback. */
struct th_member {
	const char *path; /* normalised, relative, no trailing '/' */
	enum th_member_type type;
	int64_t mtime; /* µs UTC, TH_TIME_NONE when unknown */
	int64_t size;  /* as the header says; -1 unknown */
};

/* Why members were refused, for one warning naming the archive. */
struct th_archive_stats {
	size_t members;
	size_t refused;
	char first_refused[256]; /* the first refused path, quoted as is */
};

struct th_archive;

/* Return 0 to go on, nonzero to stop the walk (not an error). The
 * callback may call th_archive_extract or th_archive_read on the member
 * it was given. */
typedef int (*th_member_fn)(void *ctx, struct th_archive *ar,
                            const struct th_member *m);

/*
 * Calls fn for every accepted member of the archive at `path`, in
 * archive order, at most `max_members` of them (0: no limit; more is
 * TH_ERR_LIMIT). `stats` (may be NULL) is filled. TH_ERR_IO (cannot
 * open), TH_ERR_FORMAT (not an archive, or damaged: the message names
 * the archive), TH_ERR_NOMEM.
 */
enum th_status th_archive_each(const char *path, size_t max_members,
                               th_member_fn fn, void *ctx,
                               struct th_archive_stats *stats,
                               struct th_err *err);

/* Writes the current member's data to a new file `dest` (0600, must not
 * exist), at most `max` bytes (more is TH_ERR_LIMIT; the partial file is
 * removed). Each chunk is charged to `w` (core/budget.h; may be NULL)
 * before it is written; a refusal is TH_ERR_LIMIT with the budget's
 * message in err->msg. TH_ERR_IO, TH_ERR_FORMAT, TH_ERR_LIMIT. */
struct th_budget_write;
enum th_status th_archive_extract(struct th_archive *ar, const char *dest,
                                  int64_t max, struct th_budget_write *w,
                                  struct th_err *err);

/* Reads the current member's data into a malloc'ed, NUL-terminated
 * buffer of at most `max` bytes (TH_ERR_LIMIT beyond). */
enum th_status th_archive_read(struct th_archive *ar, size_t max, char **data,
                               size_t *len, struct th_err *err);

struct archive;

/*
 * The status of a libarchive call on `a` that failed: TH_ERR_NOMEM when
 * an allocation failed in it, else `otherwise`. libarchive reports some
 * failed allocations (zlib's inflateInit2 for a zip member) as a generic
 * error, so errno, left at ENOMEM by the failed malloc, is looked at
 * too: the caller sets errno to 0 before the call.
 */
enum th_status th_archive_failed(struct archive *a, enum th_status otherwise);

/* Whether a file name looks like an archive we read (by extension). */
int th_archive_name_ok(const char *path);

/* Normalises an untrusted member path into out (size cap). Returns 0,
 * or -1 when the path is absolute, climbs with "..", is empty or too
 * long. Exposed for the fuzzer and tests. */
int th_archive_path_clean(const char *in, char *out, size_t cap);

/* Whether a symbolic link at relative `path` whose target is `target`
 * stays inside the root (absolute targets never do). */
int th_archive_link_inside(const char *path, const char *target);

#endif
