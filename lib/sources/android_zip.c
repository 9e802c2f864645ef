/* The zip side of the acquisition container: listing, reading and
 * extracting members through libarchive, in place. */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/budget.h"
#include "core/buf.h"
#include "core/limits.h"
#include "core/timeconv.h"
#include "formats/archive.h"
#include "sources/android_fs.h"
#include "sources/android_fs_int.h"

static struct archive *zip_open(const char *path, struct th_err *err)
{
	struct archive *ar = archive_read_new();

	if (!ar) {
		th_err_set(err, TH_ERR_NOMEM, "out of memory");
		return NULL;
	}
	archive_read_support_format_zip(ar);
	errno = 0;
	if (archive_read_open_filename(ar, path, 65536) != ARCHIVE_OK) {
		th_err_set(err, th_archive_failed(ar, TH_ERR_FORMAT),
		           "cannot read '%s': %s", path,
		           archive_error_string(ar) ? archive_error_string(ar)
		                                    : "not a zip file");
		archive_read_free(ar);
		return NULL;
	}
	return ar;
}

enum th_status th_afs_zip_list(struct th_afs *a, struct th_err *err)
{
	struct archive_entry *e;
	struct archive *ar = zip_open(a->path, err);
	enum th_status st = TH_OK;
	const char *name;
	int r;

	if (!ar)
		return err->status;
	errno = 0;
	while (st == TH_OK &&
	       (r = archive_read_next_header(ar, &e)) == ARCHIVE_OK) {
		name = archive_entry_pathname(e);
		if (archive_entry_filetype(e) != AE_IFREG)
			continue;
		if (!th_afs_name_safe(name)) {
			a->unsafe++;
			continue;
		}
		st = th_afs_add_member(
		        a, name, name,
		        archive_entry_size_is_set(e)
		                ? (int64_t)archive_entry_size(e)
		                : -1,
		        archive_entry_mtime_is_set(e)
		                ? th_time_from_unix(
		                          (double)archive_entry_mtime(e))
		                : TH_TIME_NONE,
		        err);
	}
	if (st == TH_OK && r != ARCHIVE_EOF)
		st = th_err_set(err, th_archive_failed(ar, TH_ERR_FORMAT),
		                "cannot read '%s': %s", a->path,
		                archive_error_string(ar)
		                        ? archive_error_string(ar)
		                        : "damaged zip");
	archive_read_free(ar);
	return st;
}

/* androidqf zips its folder: when every member sits under one top
 * folder, names are made relative to it. */
void th_afs_zip_strip_top(struct th_afs *a)
{
	const char *slash;
	size_t i, len;

	if (a->n == 0 || !(slash = strchr(a->m[0].name, '/')))
		return;
	len = (size_t)(slash - a->m[0].name) + 1;
	for (i = 0; i < a->n; i++)
		if (strncmp(a->m[i].name, a->m[0].name, len) != 0)
			return;
	for (i = 0; i < a->n; i++)
		memmove(a->m[i].name, a->m[i].name + len,
		        strlen(a->m[i].name + len) + 1);
	a->prefix_len = len;
}

/* Positions `ar` on the member stored as `raw`. */
static enum th_status zip_seek(struct archive *ar, const char *raw,
                               const char *path, struct th_err *err)
{
	struct archive_entry *e;
	int r;

	errno = 0;
	while ((r = archive_read_next_header(ar, &e)) == ARCHIVE_OK)
		if (strcmp(archive_entry_pathname(e), raw) == 0)
			return TH_OK;
	return th_err_set(err,
	                  r == ARCHIVE_EOF
	                          ? TH_ERR_FORMAT
	                          : th_archive_failed(ar, TH_ERR_FORMAT),
	                  "cannot read '%s' in '%s': %s", raw, path,
	                  r == ARCHIVE_EOF ? "member vanished"
	                                   : archive_error_string(ar));
}

/* Copies the current member of `ar` to fd (fd >= 0: each chunk charged
 * to bw first) or into a malloc'ed buffer, at most max bytes. */
static enum th_status zip_copy(struct archive *ar, const char *raw, int fd,
                               struct th_budget_write *bw, size_t max,
                               char **data, size_t *len, struct th_err *err)
{
	struct th_buf b;
	char chunk[65536];
	size_t total = 0;
	la_ssize_t n;

	th_buf_init(&b, max);
	errno = 0;
	while ((n = archive_read_data(ar, chunk, sizeof(chunk))) > 0) {
		total += (size_t)n;
		if (total > max) {
			th_buf_free(&b);
			return th_limit_artifact_hit(err, raw, max);
		}
		if (bw && th_budget_more(bw, (uint64_t)n, err) != TH_OK) {
			th_buf_free(&b);
			return TH_ERR_LIMIT;
		}
		if (fd >= 0 ? write(fd, chunk, (size_t)n) != n
		            : th_buf_add(&b, chunk, (size_t)n) != TH_OK) {
			th_buf_free(&b);
			return fd >= 0 ? th_err_errno(err, errno,
			                              "cannot copy '%s'", raw)
			               : th_err_set(err, TH_ERR_NOMEM,
			                            "cannot copy '%s': out of "
			                            "memory",
			                            raw);
		}
	}
	if (n < 0) {
		th_buf_free(&b);
		return th_err_set(err, th_archive_failed(ar, TH_ERR_FORMAT),
		                  "cannot read '%s': %s", raw,
		                  archive_error_string(ar));
	}
	if (fd < 0 && !(*data = th_buf_take(&b, len)))
		return th_err_set(err, TH_ERR_NOMEM, "out of memory");
	return TH_OK;
}

/* Reads a member whose size the zip states into one exact buffer (a
 * doubling buffer would take twice a large dumpsys). A member longer
 * than stated is an error. */
static enum th_status zip_read_sized(struct archive *ar,
                                     const struct th_afs_member *m, char **data,
                                     size_t *len, struct th_err *err)
{
	size_t want = (size_t)m->size, got = 0;
	char *buf = malloc(want + 1), extra;
	la_ssize_t n = 0;

	if (!buf)
		return th_err_set(err, TH_ERR_NOMEM, "out of memory");
	errno = 0;
	while (got < want &&
	       (n = archive_read_data(ar, buf + got, want - got)) > 0)
		got += (size_t)n;
	if (n >= 0 && got == want)
		n = archive_read_data(ar, &extra, 1);
	if (n != 0 || got != want) {
		free(buf);
		return th_err_set(err,
		                  n < 0 ? th_archive_failed(ar, TH_ERR_FORMAT)
		                        : TH_ERR_FORMAT,
		                  "cannot read '%s': %s", m->raw,
		                  n < 0 ? archive_error_string(ar)
		                        : "size differs from the zip's");
	}
	buf[want] = '\0';
	*data = buf;
	*len = want;
	return TH_OK;
}

enum th_status th_afs_zip_read(struct th_afs *a, size_t i, size_t max,
                               char **data, size_t *len, struct th_err *err)
{
	struct archive *ar;
	enum th_status st;

	if (!(ar = zip_open(a->path, err)))
		return err->status;
	st = zip_seek(ar, a->m[i].raw, a->path, err);
	if (st == TH_OK && a->m[i].size >= 0 && (uint64_t)a->m[i].size <= max)
		st = zip_read_sized(ar, &a->m[i], data, len, err);
	else if (st == TH_OK)
		st = zip_copy(ar, a->m[i].raw, -1, NULL, max, data, len, err);
	archive_read_free(ar);
	return st;
}

/* A member whose zip entry states its size is refused by that claim
 * before anything is inflated, and never inflated past it: a deflate
 * bomb costs nothing, whether its headers are honest or lie. */
static enum th_status extract_bounded(struct archive *ar,
                                      const struct th_afs_member *m, int fd,
                                      struct th_budget_write *bw, size_t max,
                                      struct th_err *err)
{
	enum th_status st;

	if (m->size < 0)
		return zip_copy(ar, m->raw, fd, bw, max, NULL, NULL, err);
	if ((uint64_t)m->size > max)
		return th_limit_artifact_hit(err, m->raw, max);
	st = zip_copy(ar, m->raw, fd, bw, (size_t)m->size, NULL, NULL, err);
	if (st == TH_ERR_LIMIT && !bw->refused)
		st = th_err_set(err, TH_ERR_FORMAT,
		                "cannot read '%s': longer than the zip says "
		                "(%lld bytes)",
		                m->raw, (long long)m->size);
	return st;
}

/* Charged to the run's extraction budget before anything is written:
 * by the member's stated size when the zip states it. */
enum th_status th_afs_zip_extract(struct th_afs *a, size_t i, const char *path,
                                  struct th_err *err)
{
	size_t max = th_limit_artifact(a->member_max, TH_AFS_EXTRACT_MAX);
	struct th_budget_write bw;
	struct archive *ar = NULL;
	enum th_status st;
	int fd;

	/* Over the artifact limit by its claim: that limit names it. */
	if (a->m[i].size >= 0 && (uint64_t)a->m[i].size > max)
		return th_limit_artifact_hit(err, a->m[i].raw, max);
	st = th_budget_begin(&bw, a->budget, a->tmp.path, a->m[i].raw,
	                     a->m[i].size, err);
	if (st != TH_OK)
		return st;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		th_budget_end(&bw, 0);
		return th_err_errno(err, errno, "cannot create '%s'", path);
	}
	if (!(ar = zip_open(a->path, err)))
		st = err->status;
	else
		st = zip_seek(ar, a->m[i].raw, a->path, err);
	if (st == TH_OK)
		st = extract_bounded(ar, &a->m[i], fd, &bw, max, err);
	if (ar)
		archive_read_free(ar);
	if (close(fd) != 0 && st == TH_OK)
		st = th_err_errno(err, errno, "cannot write '%s'", path);
	th_budget_end(&bw, st == TH_OK);
	return st;
}

enum th_status th_afs_head(struct th_afs *a, size_t i, char *buf, size_t cap,
                           size_t *len, struct th_err *err)
{
	struct archive *ar;
	enum th_status st;
	la_ssize_t n = 0;
	FILE *f;

	*len = 0;
	if (i >= a->n)
		return th_err_set(err, TH_ERR_NOTFOUND, "no such member");
	if (!a->is_zip) {
		if (!(f = fopen(a->m[i].raw, "rb")))
			return th_err_errno(err, errno, "cannot open '%s'",
			                    a->m[i].raw);
		*len = fread(buf, 1, cap, f);
		fclose(f);
		return TH_OK;
	}
	if (!(ar = zip_open(a->path, err)))
		return err->status;
	st = zip_seek(ar, a->m[i].raw, a->path, err);
	errno = 0;
	while (st == TH_OK && *len < cap &&
	       (n = archive_read_data(ar, buf + *len, cap - *len)) > 0)
		*len += (size_t)n;
	if (st == TH_OK && n < 0)
		st = th_err_set(err, th_archive_failed(ar, TH_ERR_FORMAT),
		                "cannot read '%s': %s", a->m[i].raw,
		                archive_error_string(ar));
	archive_read_free(ar);
	return st;
}
