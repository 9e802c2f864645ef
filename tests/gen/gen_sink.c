/* Where generated evidence goes: a folder, or a .tar.gz / .tar written
 * with libarchive (which can also write the unsafe members tests need). */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "core/fsutil.h"
#include "gen.h"
#include "gen_fs.h"

struct th_gen_sink {
	char *root;
	struct archive *a; /* NULL: a folder */
	char prefix[256];  /* "" or "folder/" */
	char path[4096];   /* the prefixed path being written */
};

void th_gen_sink_prefix(struct th_gen_sink *s, const char *prefix)
{
	snprintf(s->prefix, sizeof(s->prefix), "%s%s", prefix ? prefix : "",
	         prefix && *prefix ? "/" : "");
}

static const char *prefixed(struct th_gen_sink *s, const char *rel)
{
	snprintf(s->path, sizeof(s->path), "%s%s", s->prefix, rel);
	return s->path;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static enum th_status ar_error(struct th_gen_sink *s, struct th_err *err)
{
	return th_err_set(err, TH_ERR_IO, "cannot write '%s': %s", s->root,
	                  archive_error_string(s->a)
	                          ? archive_error_string(s->a)
	                          : "archive error");
}

static int open_archive(struct archive *a, const char *path, int gz)
{
	if (ends_with(path, ".zip")) {
		if (archive_write_set_format_zip(a) != ARCHIVE_OK)
			return ARCHIVE_FATAL;
	} else if (archive_write_set_format_pax_restricted(a) != ARCHIVE_OK ||
	           (gz && archive_write_add_filter_gzip(a) != ARCHIVE_OK) ||
	           (gz && archive_write_set_filter_option(a, "gzip",
	                                                  "compression-level",
	                                                  "1") != ARCHIVE_OK)) {
		return ARCHIVE_FATAL;
	}
	return archive_write_open_filename(a, path);
}

enum th_status th_gen_sink_open(const char *path, struct th_gen_sink **out,
                                struct th_err *err)
{
	struct th_gen_sink *s = calloc(1, sizeof(*s));
	int gz = ends_with(path, ".tar.gz") || ends_with(path, ".tgz");

	*out = NULL;
	if (!s || !(s->root = strdup(path))) {
		free(s);
		return th_err_set(err, TH_ERR_NOMEM, "out of memory");
	}
	if (gz || ends_with(path, ".tar") || ends_with(path, ".zip")) {
		s->a = archive_write_new();
		if (!s->a || open_archive(s->a, path, gz) != ARCHIVE_OK) {
			th_err_set(err, TH_ERR_IO, "cannot create '%s'", path);
			th_gen_sink_close(s, NULL);
			return TH_ERR_IO;
		}
	} else if (mkdir(path, 0755) != 0) {
		th_err_set(err, TH_ERR_IO, "cannot create '%s': %s", path,
		           strerror(errno));
		th_gen_sink_close(s, NULL);
		return TH_ERR_IO;
	}
	*out = s;
	return TH_OK;
}

int th_gen_sink_is_archive(const struct th_gen_sink *s)
{
	return s->a != NULL;
}

static enum th_status add_member(struct th_gen_sink *s, const char *name,
                                 unsigned type, const char *target,
                                 const void *data, size_t len, int64_t mtime,
                                 struct th_err *err)
{
	struct archive_entry *e = archive_entry_new();
	int r;

	if (!e)
		return th_err_set(err, TH_ERR_NOMEM, "out of memory");
	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, type);
	archive_entry_set_perm(e, type == AE_IFLNK ? 0777 : 0644);
	archive_entry_set_mtime(e, (time_t)mtime, 0);
	archive_entry_set_size(e, type == AE_IFREG ? (la_int64_t)len : 0);
	if (target)
		archive_entry_set_symlink(e, target);
	r = archive_write_header(s->a, e);
	if (r == ARCHIVE_OK && len &&
	    archive_write_data(s->a, data, len) != (la_ssize_t)len)
		r = ARCHIVE_FATAL;
	archive_entry_free(e);
	return r == ARCHIVE_OK ? TH_OK : ar_error(s, err);
}

/* The folder path of rel, with its parents made. */
static char *prepare(struct th_gen_sink *s, const char *rel, struct th_err *err)
{
	char *p = th_path_join(s->root, rel), *slash;

	if (!p) {
		th_err_set(err, TH_ERR_NOMEM, "out of memory");
		return NULL;
	}
	slash = strrchr(p, '/');
	*slash = '\0';
	if (th_mkdir_p(p, 0, err) != TH_OK) {
		free(p);
		return NULL;
	}
	*slash = '/';
	return p;
}

enum th_status th_gen_sink_file(struct th_gen_sink *s, const char *rel,
                                const void *data, size_t len, int64_t mtime,
                                struct th_err *err)
{
	struct timeval tv[2] = {{.tv_sec = (time_t)mtime},
	                        {.tv_sec = (time_t)mtime}};
	enum th_status st;
	char *p;

	rel = prefixed(s, rel);
	if (s->a)
		return add_member(s, rel, AE_IFREG, NULL, data, len, mtime,
		                  err);
	p = prepare(s, rel, err);
	if (!p)
		return err->status;
	st = th_gen_file_write(p, data, len, err);
	if (st == TH_OK)
		utimes(p, tv);
	free(p);
	return st;
}

enum th_status th_gen_sink_link(struct th_gen_sink *s, const char *rel,
                                const char *target, struct th_err *err)
{
	char *p;
	int r;

	rel = prefixed(s, rel);
	if (s->a)
		return add_member(s, rel, AE_IFLNK, target, NULL, 0,
		                  TH_GEN_BACKUP_TIME, err);
	p = prepare(s, rel, err);
	if (!p)
		return err->status;
	r = symlink(target, p);
	free(p);
	if (r != 0)
		return th_err_set(err, TH_ERR_IO, "cannot link '%s': %s", rel,
		                  strerror(errno));
	return TH_OK;
}

enum th_status th_gen_sink_raw(struct th_gen_sink *s, const char *name,
                               const char *text, struct th_err *err)
{
	if (!s->a)
		return TH_OK;
	return add_member(s, name, AE_IFREG, NULL, text, strlen(text),
	                  TH_GEN_BACKUP_TIME, err);
}

enum th_status th_gen_sink_close(struct th_gen_sink *s, struct th_err *err)
{
	enum th_status st = TH_OK;

	if (!s)
		return TH_OK;
	if (s->a) {
		if (archive_write_close(s->a) != ARCHIVE_OK && err)
			st = ar_error(s, err);
		archive_write_free(s->a);
	}
	free(s->root);
	free(s);
	return st;
}
