#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/array.h"
#include "core/fsutil.h"
#include "core/timeconv.h"
#include "sources/android_fs.h"
#include "sources/android_fs_int.h"

int th_afs_name_safe(const char *name)
{
	const char *p = name;
	size_t len;

	if (!name || !*name || *name == '/')
		return 0;
	while (*p) {
		len = strcspn(p, "/");
		if (len == 2 && p[0] == '.' && p[1] == '.')
			return 0;
		p += len;
		if (*p == '/')
			p++;
	}
	return 1;
}

int th_afs_is_zip_file(const char *path)
{
	unsigned char b[4];
	int ok = 0;
	FILE *f = fopen(path, "rb");

	if (!f)
		return errno == ENOMEM ? -1 : 0;
	if (fread(b, 1, 4, f) == 4)
		ok = b[0] == 'P' && b[1] == 'K' && b[2] == 3 && b[3] == 4;
	fclose(f);
	return ok && th_is_file(path);
}

int th_afs_score_zip(const char *path, int (*score)(struct th_afs *a))
{
	struct th_afs *a = NULL;
	struct th_err e = {0};
	enum th_status st;
	int b = th_afs_is_zip_file(path);

	if (b <= 0)
		return b < 0 ? TH_BID_NOMEM : TH_BID_NONE;
	st = th_afs_open(path, &a, &e);
	if (st != TH_OK)
		return st == TH_ERR_NOMEM ? TH_BID_NOMEM : TH_BID_NONE;
	b = score(a);
	th_afs_free(a);
	return b;
}

void th_afs_each_input(const struct th_afs *a,
                       int (*fn)(void *ctx, const char *path), void *ctx)
{
	const struct th_afs_member *m;
	size_t i;

	if (th_afs_is_zip(a)) {
		fn(ctx, th_afs_path(a));
		return;
	}
	for (i = 0; (m = th_afs_at(a, i)) != NULL; i++)
		if (fn(ctx, m->raw))
			break;
}

enum th_status th_afs_add_member(struct th_afs *a, const char *name,
                                 const char *raw, int64_t size, int64_t mtime,
                                 struct th_err *err)
{
	struct th_afs_member *m;

	if (a->n >= TH_AFS_MEMBERS_MAX)
		return th_err_set(err, TH_ERR_LIMIT,
		                  "'%s' holds more than %d files", a->path,
		                  TH_AFS_MEMBERS_MAX);
	if (th_array_reserve(&a->m, &a->cap, a->n, sizeof(*a->m)) != TH_OK)
		return th_err_set(err, TH_ERR_NOMEM, "out of memory");
	m = &a->m[a->n];
	m->name = strdup(name);
	m->raw = strdup(raw);
	if (!m->name || !m->raw) {
		free(m->name);
		free(m->raw);
		return th_err_set(err, TH_ERR_NOMEM, "out of memory");
	}
	m->size = size;
	m->mtime = mtime;
	a->n++;
	return TH_OK;
}

/* --- folders --- */

static enum th_status walk_dir(struct th_afs *a, const char *dir,
                               const char *rel, int depth, struct th_err *err);

static enum th_status walk_entry(struct th_afs *a, const char *dir,
                                 const char *rel, const char *base, int depth,
                                 struct th_err *err)
{
	char *full = th_path_join(dir, base);
	char *r = *rel ? th_path_join(rel, base) : strdup(base);
	enum th_status st = TH_OK;
	struct stat sb;

	if (!full || !r) {
		st = th_err_set(err, TH_ERR_NOMEM, "out of memory");
	} else if (lstat(full, &sb) == 0) {
		/* Symbolic links are not followed: evidence may point
		 * anywhere. */
		if (S_ISDIR(sb.st_mode))
			st = walk_dir(a, full, r, depth + 1, err);
		else if (S_ISREG(sb.st_mode))
			st = th_afs_add_member(
			        a, r, full, (int64_t)sb.st_size,
			        th_time_from_unix((double)sb.st_mtime), err);
	}
	free(full);
	free(r);
	return st;
}

static enum th_status walk_dir(struct th_afs *a, const char *dir,
                               const char *rel, int depth, struct th_err *err)
{
	enum th_status st = TH_OK;
	struct dirent *de;
	DIR *d;

	if (depth > TH_AFS_DEPTH_MAX)
		return TH_OK;
	d = opendir(dir);
	/* An unreadable subfolder is skipped, but not for want of memory:
	 * the listing would then look complete. */
	if (!d && (depth == 0 || errno == ENOMEM))
		return th_err_errno(err, errno, "cannot open '%s'", dir);
	if (!d)
		return TH_OK;
	while (st == TH_OK && (de = readdir(d)) != NULL) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		st = walk_entry(a, dir, rel, de->d_name, depth, err);
	}
	closedir(d);
	return st;
}

enum th_status th_afs_open(const char *path, struct th_afs **out,
                           struct th_err *err)
{
	struct th_afs *a = calloc(1, sizeof(*a));
	enum th_status st;

	*out = NULL;
	if (!a || !(a->path = strdup(path))) {
		free(a);
		return th_err_set(err, TH_ERR_NOMEM, "out of memory");
	}
	if (th_is_dir(path)) {
		st = walk_dir(a, path, "", 0, err);
	} else {
		a->is_zip = 1;
		st = th_afs_zip_list(a, err);
		if (st == TH_OK)
			th_afs_zip_strip_top(a);
	}
	if (st != TH_OK) {
		th_afs_free(a);
		return st;
	}
	*out = a;
	return TH_OK;
}

void th_afs_use_options(struct th_afs *a, const struct th_source_options *opt)
{
	if (!opt)
		return;
	a->member_max = opt->max_artifact_size;
	a->budget = opt->budget;
}

void th_afs_inherit(struct th_afs *inner, const struct th_afs *outer)
{
	inner->member_max = outer->member_max;
	inner->budget = outer->budget;
}

void th_afs_free(struct th_afs *a)
{
	size_t i;

	if (!a)
		return;
	for (i = 0; i < a->n; i++) {
		free(a->m[i].name);
		free(a->m[i].raw);
	}
	free(a->m);
	th_tmpdir_free(&a->tmp);
	free(a->path);
	free(a);
}

int th_afs_is_zip(const struct th_afs *a)
{
	return a->is_zip;
}

const char *th_afs_path(const struct th_afs *a)
{
	return a->path;
}

size_t th_afs_count(const struct th_afs *a)
{
	return a->n;
}

size_t th_afs_unsafe(const struct th_afs *a)
{
	return a->unsafe;
}

const struct th_afs_member *th_afs_at(const struct th_afs *a, size_t i)
{
	return i < a->n ? &a->m[i] : NULL;
}

long th_afs_lookup(const struct th_afs *a, const char *name)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		if (strcmp(a->m[i].name, name) == 0)
			return (long)i;
	return -1;
}

enum th_status th_afs_read(struct th_afs *a, size_t i, size_t max, char **data,
                           size_t *len, struct th_err *err)
{
	*data = NULL;
	*len = 0;
	if (i >= a->n)
		return th_err_set(err, TH_ERR_NOTFOUND, "no such member");
	if (!a->is_zip)
		return th_read_file(a->m[i].raw, max, data, len, err);
	return th_afs_zip_read(a, i, max, data, len, err);
}

/* A temp file name for member i: serial number and a tame base name. */
static char *temp_name(struct th_afs *a, size_t i)
{
	const char *base = th_path_base(a->m[i].name);
	char name[96];
	size_t k, n;

	n = (size_t)snprintf(name, sizeof(name), "%u_", a->serial++);
	for (k = 0; base[k] && n + 1 < sizeof(name); k++)
		name[n++] =
		        (base[k] >= 'a' && base[k] <= 'z') ||
		                        (base[k] >= 'A' && base[k] <= 'Z') ||
		                        (base[k] >= '0' && base[k] <= '9') ||
		                        base[k] == '.' || base[k] == '-'
		                ? base[k]
		                : '_';
	name[n] = '\0';
	return th_path_join(a->tmp.path, name);
}

enum th_status th_afs_local(struct th_afs *a, size_t i, char **path, int *temp,
                            struct th_err *err)
{
	enum th_status st;

	*path = NULL;
	*temp = 0;
	if (i >= a->n)
		return th_err_set(err, TH_ERR_NOTFOUND, "no such member");
	if (!a->is_zip) {
		*path = strdup(a->m[i].raw);
		return *path ? TH_OK
		             : th_err_set(err, TH_ERR_NOMEM, "out of memory");
	}
	if (!a->tmp.path && (st = th_tmpdir_new(&a->tmp, err)) != TH_OK)
		return st;
	if (!(*path = temp_name(a, i)))
		return th_err_set(err, TH_ERR_NOMEM, "out of memory");
	st = th_afs_zip_extract(a, i, *path, err);
	if (st != TH_OK) {
		unlink(*path);
		free(*path);
		*path = NULL;
		return st;
	}
	*temp = 1;
	return TH_OK;
}

enum th_status th_afs_each(struct th_afs *a, const char *glob,
                           const char *prefix, th_file_fn fn, void *ctx,
                           struct th_err *err)
{
	struct th_file f = {0};
	enum th_status st = TH_OK;
	char *local, *shown;
	int temp, stop = 0;
	size_t i;

	for (i = 0; !stop && i < a->n; i++) {
		if (fnmatch(glob, a->m[i].name, 0) != 0)
			continue;
		st = th_afs_local(a, i, &local, &temp, err);
		if (st != TH_OK)
			return st;
		shown = prefix ? th_path_join(prefix, a->m[i].name) : NULL;
		if (prefix && !shown) {
			if (temp)
				unlink(local);
			free(local);
			return th_err_set(err, TH_ERR_NOMEM, "out of memory");
		}
		f.name = shown ? shown : a->m[i].name;
		f.local_path = local;
		stop = fn(ctx, &f);
		if (temp)
			unlink(local);
		free(local);
		free(shown);
	}
	return st;
}
