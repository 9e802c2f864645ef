#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/array.h"
#include "core/fsutil.h"
#include "core/pool.h"
#include "iocs/iocs_int.h"

enum th_status th_iocs_new(struct th_iocs **out)
{
	struct th_iocs *iocs = calloc(1, sizeof(*iocs));

	*out = iocs;
	if (!iocs)
		return TH_ERR_NOMEM;
	th_arena_init(&iocs->arena);
	th_hmap_init(&iocs->index);
	return TH_OK;
}

void th_iocs_free(struct th_iocs *iocs)
{
	if (!iocs)
		return;
	th_hmap_free(&iocs->index);
	th_arena_free(&iocs->arena);
	free(iocs->files);
	free(iocs->errors);
	free(iocs);
}

size_t th_iocs_nerrors(const struct th_iocs *iocs)
{
	return iocs->nerrors;
}

const char *th_iocs_error_at(const struct th_iocs *iocs, size_t i)
{
	return i < iocs->nerrors ? iocs->errors[i] : NULL;
}

size_t th_iocs_nfiles(const struct th_iocs *iocs)
{
	return iocs->nfiles;
}

const struct th_ioc_file *th_iocs_file(const struct th_iocs *iocs, size_t i)
{
	return i < iocs->nfiles ? &iocs->files[i]->pub : NULL;
}

size_t th_iocs_total(const struct th_iocs *iocs)
{
	return iocs->total;
}

const struct th_ioc *th_iocs_find(const struct th_iocs *iocs, unsigned tag,
                                  const char *s, size_t len)
{
	return th_hmap_get(&iocs->index, tag, s, len,
	                   th_hmap_hash(tag, s, len));
}

static enum th_status add_error(struct th_iocs *iocs, const char *msg)
{
	char *copy = th_arena_strndup(&iocs->arena, msg, strlen(msg));
	size_t cap = iocs->cap_errors ? iocs->cap_errors * 2 : 16;
	char **p;

	if (!copy)
		return TH_ERR_NOMEM;
	if (iocs->nerrors == iocs->cap_errors) {
		p = realloc(iocs->errors, cap * sizeof(*p));
		if (!p)
			return TH_ERR_NOMEM;
		iocs->errors = p;
		iocs->cap_errors = cap;
	}
	iocs->errors[iocs->nerrors++] = copy;
	return TH_OK;
}

/* Keeps an error of our own; returns `status` unless memory ran out. */
static enum th_status add_errorf(struct th_iocs *iocs, enum th_status status,
                                 const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

static enum th_status add_errorf(struct th_iocs *iocs, enum th_status status,
                                 const char *fmt, ...)
{
	char msg[TH_ERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return add_error(iocs, msg) == TH_OK ? status : TH_ERR_NOMEM;
}

/* Adds a source to an indicator unless it already lists it. */
static enum th_status add_source(struct th_iocs *iocs, struct th_ioc_rec *rec,
                                 const struct th_ioc_source *src)
{
	struct th_ioc_source *arr;
	size_t i, cap;

	/* By content: the same file loaded twice is one source. */
	for (i = 0; i < rec->pub.nsources; i++)
		if (!strcmp(rec->pub.sources[i].collection, src->collection) &&
		    !strcmp(rec->pub.sources[i].file, src->file))
			return TH_OK;
	if (rec->pub.nsources >= TH_IOC_SOURCES_MAX)
		return TH_OK;
	if (rec->pub.nsources == rec->cap) {
		/* Arena memory: the old array is left behind, which is at
		 * most as much again as the live ones. */
		cap = rec->cap * 2;
		arr = th_arena_alloc(&iocs->arena, cap * sizeof(*arr));
		if (!arr)
			return TH_ERR_NOMEM;
		memcpy(arr, rec->pub.sources, rec->cap * sizeof(*arr));
		rec->pub.sources = arr;
		rec->cap = cap;
	}
	((struct th_ioc_source *)rec->pub.sources)[rec->pub.nsources++] = *src;
	return TH_OK;
}

static enum th_status new_rec(struct th_iocs *iocs,
                              const struct th_stix2_ind *ind,
                              const struct th_ioc_source *src)
{
	struct th_ioc_rec *rec = th_arena_alloc(&iocs->arena, sizeof(*rec));
	enum th_status st;
	void *old;

	if (!rec)
		return TH_ERR_NOMEM;
	rec->pub.value = ind->value;
	rec->pub.kind = ind->kind;
	rec->one = *src;
	rec->pub.sources = &rec->one;
	rec->pub.nsources = 1;
	rec->cap = 1;
	st = th_hmap_put(&iocs->index, ind->kind, ind->value, ind->len, rec,
	                 &old);
	if (st != TH_OK)
		return st;
	iocs->total++;
	if (ind->kind == TH_IOC_FILE_PATH && ind->len > iocs->max_path)
		iocs->max_path = ind->len;
	if (ind->kind == TH_IOC_PROCESS && ind->len > 16)
		st = th_hmap_put(&iocs->index, TH_TAG_PROCESS16, ind->value, 16,
		                 rec, &old);
	return st;
}

static enum th_status add_ind(struct th_iocs *iocs,
                              const struct th_stix2_ind *ind,
                              const struct th_ioc_source *src)
{
	struct th_ioc_rec *rec;

	rec = (struct th_ioc_rec *)th_iocs_find(iocs, ind->kind, ind->value,
	                                        ind->len);
	if (rec)
		return add_source(iocs, rec, src);
	return new_rec(iocs, ind, src);
}

static enum th_status add_file_rec(struct th_iocs *iocs,
                                   struct th_stix2_file *f,
                                   struct th_file_rec **out)
{
	struct th_file_rec *fr = th_arena_alloc(&iocs->arena, sizeof(*fr));
	const char **colls = NULL;

	if (f->ncolls)
		colls = th_arena_alloc(&iocs->arena,
		                       f->ncolls * sizeof(*colls));
	if (!fr || (f->ncolls && !colls))
		return TH_ERR_NOMEM;
	if (th_array_reserve(&iocs->files, &iocs->cap_files, iocs->nfiles,
	                     sizeof(*iocs->files)) != TH_OK)
		return TH_ERR_NOMEM;
	if (f->ncolls)
		memcpy(colls, f->colls, f->ncolls * sizeof(*colls));
	fr->pub.path = f->path;
	fr->pub.ncollections = f->ncolls;
	fr->pub.collections = colls;
	fr->pub.indicators = f->indicators;
	fr->pub.skipped = f->skipped;
	memcpy(fr->pub.by_kind, f->by_kind, sizeof(fr->pub.by_kind));
	fr->base = th_path_base(f->path);
	iocs->files[iocs->nfiles++] = fr;
	*out = fr;
	return TH_OK;
}

/* Moves a parsed file into the set: its error, or its indicators. */
static enum th_status merge(struct th_iocs *iocs, struct th_stix2_file *f)
{
	struct th_ioc_source src;
	struct th_file_rec *fr;
	enum th_status st;
	size_t i;

	if (f->err.status != TH_OK) {
		st = add_error(iocs, f->err.msg);
		return st != TH_OK ? st : f->err.status;
	}
	/* The set now owns the file's strings. */
	th_arena_splice(&iocs->arena, &f->arena);
	st = add_file_rec(iocs, f, &fr);
	if (st == TH_OK && f->skip_msg)
		st = add_error(iocs, f->skip_msg);
	for (i = 0; st == TH_OK && i < f->ninds; i++) {
		src.collection = f->colls[f->inds[i].coll];
		src.file = fr->pub.path;
		src.file_name = fr->base;
		st = add_ind(iocs, &f->inds[i], &src);
	}
	return st;
}

enum th_status th_iocs_load_buffer(struct th_iocs *iocs, const char *name,
                                   const char *data, size_t len)
{
	struct th_stix2_file f;
	enum th_status st;

	th_stix2_file_init(&f);
	th_stix2_file_parse(&f, name, data, len);
	st = merge(iocs, &f);
	th_stix2_file_free(&f);
	return st;
}

static enum th_status load_file(struct th_iocs *iocs, const char *path)
{
	struct th_stix2_file f;
	enum th_status st;

	th_stix2_file_init(&f);
	th_stix2_file_read(&f, path);
	st = merge(iocs, &f);
	th_stix2_file_free(&f);
	return st;
}

/* --- folders --- */

struct dir_entry {
	char *path;
	off_t size;
	struct th_stix2_file file;
};

struct dir_job {
	struct dir_entry *entries; /* sorted by name */
	size_t *order;             /* largest first: the threads end together */
};

static void parse_job(void *ctx, size_t i)
{
	struct dir_job *job = ctx;
	struct dir_entry *e = &job->entries[job->order[i]];

	th_stix2_file_read(&e->file, e->path);
}

static int wanted(const char *name)
{
	size_t n = strlen(name);

	if (name[0] == '.')
		return 0;
	return (n > 6 && !strcmp(name + n - 6, ".stix2")) ||
	       (n > 5 && !strcmp(name + n - 5, ".json"));
}

static int cmp_path(const void *a, const void *b)
{
	return strcmp(((const struct dir_entry *)a)->path,
	              ((const struct dir_entry *)b)->path);
}

struct dir_list {
	struct dir_entry *e;
	size_t n, cap;
};

/* Adds dir/name when it is a regular file. */
static enum th_status add_entry(struct dir_list *l, const char *dir,
                                const char *name)
{
	struct dir_entry *e;
	struct stat sb;

	if (th_array_reserve(&l->e, &l->cap, l->n, sizeof(*l->e)) != TH_OK)
		return TH_ERR_NOMEM;
	e = &l->e[l->n];
	e->path = th_path_join(dir, name);
	if (!e->path)
		return TH_ERR_NOMEM;
	if (stat(e->path, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		free(e->path);
		return TH_OK;
	}
	e->size = sb.st_size;
	th_stix2_file_init(&e->file);
	/* Files are parsed in parallel already: not in pieces too. */
	e->file.opts.split_min = SIZE_MAX;
	l->n++;
	return TH_OK;
}

/* Every *.stix2 and *.json regular file in dir, sorted by name. */
static enum th_status list_dir(struct th_iocs *iocs, const char *dir,
                               struct dir_list *l)
{
	enum th_status st = TH_OK;
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d)
		return add_errorf(iocs,
		                  errno == ENOMEM ? TH_ERR_NOMEM : TH_ERR_IO,
		                  "cannot open '%s': %s", dir, strerror(errno));
	while (st == TH_OK && (de = readdir(d)) != NULL) {
		if (!wanted(de->d_name))
			continue;
		if (l->n == TH_IOCS_DIR_MAX)
			st = add_errorf(iocs, TH_ERR_LIMIT,
			                "cannot load '%s': more than %d "
			                "indicator files",
			                dir, TH_IOCS_DIR_MAX);
		else
			st = add_entry(l, dir, de->d_name);
	}
	closedir(d);
	if (l->n)
		qsort(l->e, l->n, sizeof(*l->e), cmp_path);
	return st;
}

/* Job order: the largest files first (insertion sort: few files). */
static void order_by_size(const struct dir_entry *e, size_t *order, size_t n)
{
	size_t i, j, k;

	for (i = 0; i < n; i++) {
		k = i;
		for (j = i; j > 0 && e[order[j - 1]].size < e[k].size; j--)
			order[j] = order[j - 1];
		order[j] = k;
	}
}

/*
 * Reading and parsing (jansson's work, most of the time spent) runs on
 * every core; merging into the set then runs in name order, so the set
 * is the same whatever the threads did.
 */
static enum th_status load_dir(struct th_iocs *iocs, const char *dir)
{
	struct dir_list l = {0};
	struct dir_job job = {0};
	enum th_status st, first;
	size_t i;

	first = list_dir(iocs, dir, &l);
	if (first == TH_OK && l.n) {
		job.entries = l.e;
		job.order = malloc(l.n * sizeof(*job.order));
		if (!job.order)
			first = TH_ERR_NOMEM;
	}
	if (first == TH_OK && l.n) {
		order_by_size(l.e, job.order, l.n);
		/* jansson seeds its hash on first use; do it here, before
		 * the threads, rather than trust its builtins to race well.
		 * A no-op when already seeded. */
		json_object_seed(0);
		th_pool_for(0, l.n, parse_job, &job);
		for (i = 0; i < l.n; i++) {
			st = merge(iocs, &l.e[i].file);
			if (first == TH_OK)
				first = st;
			if (st == TH_ERR_NOMEM)
				break;
		}
	}
	for (i = 0; i < l.n; i++) {
		th_stix2_file_free(&l.e[i].file);
		free(l.e[i].path);
	}
	free(l.e);
	free(job.order);
	return first;
}

enum th_status th_iocs_load(struct th_iocs *iocs, const char *path)
{
	if (th_is_dir(path))
		return load_dir(iocs, path);
	return load_file(iocs, path);
}
