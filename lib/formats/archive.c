#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/budget.h"
#include "core/timeconv.h"
#include "formats/archive.h"

#define BLOCK_SIZE (1u << 20)
#define COPY_CHUNK (1u << 16)
#define LINK_DEPTH 256 /* path components a link target may walk */

struct th_archive {
	struct archive *a;
	const char *path; /* the archive, for messages */
};

enum th_status th_archive_failed(struct archive *a, enum th_status otherwise)
{
	if (errno == ENOMEM || (a && archive_errno(a) == ENOMEM))
		return TH_ERR_NOMEM;
	return otherwise;
}

int th_archive_name_ok(const char *path)
{
	static const char *const exts[] = {".tar", ".tar.gz", ".tgz", ".zip"};
	size_t n = strlen(path), i, e;

	for (i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
		e = strlen(exts[i]);
		if (n > e && strcasecmp(path + n - e, exts[i]) == 0)
			return 1;
	}
	return 0;
}

/* Appends one component; -1 on "..", overflow. "." and "" are dropped. */
static int add_component(const char *c, size_t len, char *out, size_t cap,
                         size_t *o)
{
	if (len == 0 || (len == 1 && c[0] == '.'))
		return 0;
	if (len == 2 && c[0] == '.' && c[1] == '.')
		return -1;
	if (*o + len + 2 > cap)
		return -1;
	if (*o)
		out[(*o)++] = '/';
	memcpy(out + *o, c, len);
	*o += len;
	out[*o] = '\0';
	return 0;
}

int th_archive_path_clean(const char *in, char *out, size_t cap)
{
	const char *p = in, *slash;
	size_t o = 0;

	if (!in || cap == 0 || in[0] == '/' || in[0] == '\\')
		return -1;
	out[0] = '\0';
	while (*p) {
		slash = strchr(p, '/');
		if (!slash)
			slash = p + strlen(p);
		if (add_component(p, (size_t)(slash - p), out, cap, &o) != 0)
			return -1;
		p = *slash ? slash + 1 : slash;
	}
	return o ? 0 : -1;
}

/* Whether a symbolic link at `path` pointing to `target` stays inside
 * the root: the target is walked from the link's folder, component by
 * component, and must never climb above the root. */
int th_archive_link_inside(const char *path, const char *target)
{
	const char *p = target, *slash;
	long depth = 0;
	size_t len, steps = 0;

	if (!target || !*target || target[0] == '/')
		return 0;
	for (p = path; (slash = strchr(p, '/')) != NULL; p = slash + 1)
		depth++;
	for (p = target; *p && steps++ < LINK_DEPTH;
	     p = *slash ? slash + 1 : slash) {
		slash = strchr(p, '/');
		if (!slash)
			slash = p + strlen(p);
		len = (size_t)(slash - p);
		if (len == 2 && p[0] == '.' && p[1] == '.')
			depth--;
		else if (len && !(len == 1 && p[0] == '.'))
			depth++;
		if (depth < 0)
			return 0;
	}
	return steps <= LINK_DEPTH;
}

static void refuse(struct th_archive_stats *st, const char *path)
{
	if (st->refused++ == 0)
		snprintf(st->first_refused, sizeof(st->first_refused), "%s",
		         path ? path : "(no name)");
}

/* Fills m from the entry; 0 accepted, -1 refused. */
static int classify(struct archive_entry *e, char *clean, size_t cap,
                    struct th_member *m)
{
	const char *name = archive_entry_pathname(e);
	const char *hard = archive_entry_hardlink(e);
	mode_t type = archive_entry_filetype(e);

	if (!name || th_archive_path_clean(name, clean, cap) != 0)
		return -1;
	m->path = clean;
	m->mtime = archive_entry_mtime_is_set(e)
	                   ? th_time_from_unix((double)archive_entry_mtime(e))
	                   : TH_TIME_NONE;
	m->size = archive_entry_size_is_set(e) ? archive_entry_size(e) : -1;
	if (hard) {
		char tmp[TH_ARCHIVE_PATH_MAX];

		m->type = TH_MEMBER_LINK;
		return th_archive_path_clean(hard, tmp, sizeof(tmp));
	}
	if (type == AE_IFREG) {
		m->type = TH_MEMBER_FILE;
		return 0;
	}
	if (type == AE_IFDIR) {
		m->type = TH_MEMBER_DIR;
		return 0;
	}
	if (type == AE_IFLNK) {
		m->type = TH_MEMBER_LINK;
		return th_archive_link_inside(clean, archive_entry_symlink(e))
		               ? 0
		               : -1;
	}
	return -1; /* devices, FIFOs, sockets */
}

static enum th_status open_reader(const char *path, struct archive **out,
                                  struct th_err *err)
{
	struct archive *a = archive_read_new();

	*out = NULL;
	if (!a)
		return th_err_set(err, TH_ERR_NOMEM, "out of memory");
	/* Only the formats evidence comes in: less parser surface. */
	archive_read_support_filter_gzip(a);
	archive_read_support_filter_bzip2(a);
	archive_read_support_filter_xz(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_gnutar(a);
	archive_read_support_format_zip(a);
	errno = 0;
	if (archive_read_open_filename(a, path, BLOCK_SIZE) != ARCHIVE_OK) {
		enum th_status st = th_archive_failed(a, TH_ERR_FORMAT);

		th_err_set(err, st, "cannot read '%s': %s", path,
		           archive_error_string(a) ? archive_error_string(a)
		                                   : "not an archive");
		archive_read_free(a);
		return st;
	}
	*out = a;
	return TH_OK;
}

static enum th_status walk(struct th_archive *ar, size_t max_members,
                           th_member_fn fn, void *ctx,
                           struct th_archive_stats *st, struct th_err *err)
{
	struct archive_entry *e;
	struct th_member m;
	char *buf = malloc(TH_ARCHIVE_PATH_MAX);
	int r;

	if (!buf)
		return th_err_set(err, TH_ERR_NOMEM, "out of memory");
	errno = 0;
	while ((r = archive_read_next_header(ar->a, &e)) == ARCHIVE_OK ||
	       r == ARCHIVE_WARN) {
		if (max_members && st->members >= max_members) {
			free(buf);
			return th_err_set(err, TH_ERR_LIMIT,
			                  "cannot read '%s': more than %zu "
			                  "members",
			                  ar->path, max_members);
		}
		st->members++;
		if (classify(e, buf, TH_ARCHIVE_PATH_MAX, &m) != 0) {
			refuse(st, archive_entry_pathname(e));
			continue;
		}
		if (fn(ctx, ar, &m))
			break;
		errno = 0;
	}
	free(buf);
	if (r == ARCHIVE_FATAL)
		return th_err_set(err, th_archive_failed(ar->a, TH_ERR_FORMAT),
		                  "cannot read '%s': %s", ar->path,
		                  archive_error_string(ar->a)
		                          ? archive_error_string(ar->a)
		                          : "damaged archive");
	return TH_OK;
}

enum th_status th_archive_each(const char *path, size_t max_members,
                               th_member_fn fn, void *ctx,
                               struct th_archive_stats *stats,
                               struct th_err *err)
{
	struct th_archive_stats local;
	struct th_archive ar = {.path = path};
	enum th_status st;

	if (!stats)
		stats = &local;
	memset(stats, 0, sizeof(*stats));
	st = open_reader(path, &ar.a, err);
	if (st != TH_OK)
		return st;
	st = walk(&ar, max_members, fn, ctx, stats, err);
	archive_read_free(ar.a);
	return st;
}

static enum th_status data_error(struct th_archive *ar, struct th_err *err)
{
	const char *why = archive_error_string(ar->a);

	return th_err_set(err, th_archive_failed(ar->a, TH_ERR_FORMAT),
	                  "cannot read '%s': %s", ar->path,
	                  why ? why : "damaged member");
}

enum th_status th_archive_extract(struct th_archive *ar, const char *dest,
                                  int64_t max, struct th_budget_write *w,
                                  struct th_err *err)
{
	char *chunk = malloc(COPY_CHUNK);
	enum th_status st = TH_OK;
	int64_t total = 0;
	la_ssize_t n;
	int fd;

	if (!chunk)
		return th_err_set(err, TH_ERR_NOMEM, "out of memory");
	fd = open(dest, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	          0600);
	if (fd < 0) {
		free(chunk);
		return th_err_errno(err, errno, "cannot write '%s'", dest);
	}
	errno = 0;
	while (st == TH_OK &&
	       (n = archive_read_data(ar->a, chunk, COPY_CHUNK)) != 0) {
		if (n < 0)
			st = data_error(ar, err);
		else if ((total += n) > max)
			st = th_err_set(err, TH_ERR_LIMIT,
			                "cannot extract '%s': larger than %lld "
			                "bytes",
			                dest, (long long)max);
		else if (w && th_budget_more(w, (uint64_t)n, err) != TH_OK)
			st = TH_ERR_LIMIT;
		else if (write(fd, chunk, (size_t)n) != n)
			st = th_err_errno(err, errno, "cannot write '%s'",
			                  dest);
	}
	if (close(fd) != 0 && st == TH_OK)
		st = th_err_errno(err, errno, "cannot write '%s'", dest);
	if (st != TH_OK)
		unlink(dest);
	free(chunk);
	return st;
}

enum th_status th_archive_read(struct th_archive *ar, size_t max, char **data,
                               size_t *len, struct th_err *err)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap + 1), *nb;
	la_ssize_t r;

	*data = NULL;
	*len = 0;
	if (!buf)
		return th_err_set(err, TH_ERR_NOMEM, "out of memory");
	errno = 0;
	while ((r = archive_read_data(ar->a, buf + n, cap - n)) > 0) {
		n += (size_t)r;
		if (n < cap)
			continue;
		if (cap >= max) {
			free(buf);
			return th_err_set(
			        err, TH_ERR_LIMIT,
			        "cannot read a member of '%s': larger "
			        "than %zu bytes",
			        ar->path, max);
		}
		cap = cap * 2 > max ? max : cap * 2;
		nb = realloc(buf, cap + 1);
		if (!nb) {
			free(buf);
			return th_err_set(err, TH_ERR_NOMEM, "out of memory");
		}
		buf = nb;
	}
	if (r < 0) {
		free(buf);
		return data_error(ar, err);
	}
	buf[n] = '\0';
	*data = buf;
	*len = n;
	return TH_OK;
}
