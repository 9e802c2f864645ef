#include <jansson.h>
#include <stdint.h>
#include <string.h>

#include "core/array.h"
#include "core/fsutil.h"
#include "iocs/iocs_int.h"

/* Per-file lookups while the JSON tree is alive: keys point into it. */
struct stix2_ctx {
	struct th_stix2_file *f;
	const char *name;
	struct th_hmap malware;   /* malware id -> name */
	struct th_hmap report_of; /* object id -> first report's name */
	struct th_hmap rel_of;    /* indicator id -> malware name */
	struct th_hmap seen;      /* indicator ids already taken */
	struct th_hmap colls;     /* collection name -> index + 1 */
	const char *def_coll;     /* the file's default collection */
	const char *skip_why;     /* first reason an indicator was skipped */
	const char *skip_pat;
	const json_t **rels; /* relationship objects, in file order */
	const json_t **inds; /* indicator objects, in file order */
	size_t nrels, ninds;
};

void th_stix2_file_init(struct th_stix2_file *f)
{
	memset(f, 0, sizeof(*f));
	th_arena_init(&f->arena);
	f->opts.split_min = TH_STIX2_SPLIT_MIN;
}

void th_stix2_file_free(struct th_stix2_file *f)
{
	free(f->inds);
	free(f->colls);
	th_arena_free(&f->arena);
	memset(f, 0, sizeof(*f));
}

static const char *str_field(const json_t *o, const char *key, size_t *len)
{
	const json_t *v = json_object_get(o, key);

	if (!json_is_string(v))
		return NULL;
	if (len)
		*len = json_string_length(v);
	return json_string_value(v);
}

static enum th_status map_put(struct th_hmap *m, const char *key, size_t len,
                              const void *val)
{
	void *old;

	return th_hmap_put(m, 0, key, len, (void *)val, &old);
}

static const void *map_get(const struct th_hmap *m, const char *key, size_t len)
{
	return th_hmap_get(m, 0, key, len, th_hmap_hash(0, key, len));
}

static enum th_status take_report(struct stix2_ctx *c, const json_t *o)
{
	const char *name = str_field(o, "name", NULL), *ref;
	const json_t *refs = json_object_get(o, "object_refs"), *r;
	enum th_status st = TH_OK;
	size_t i;

	json_array_foreach(refs, i, r)
	{
		ref = json_string_value(r);
		if (ref && name && st == TH_OK)
			st = map_put(&c->report_of, ref, json_string_length(r),
			             name);
	}
	return st;
}

/*
 * One pass over the objects: malware names and report lists go into
 * maps at once; relationships and indicators are kept for later passes,
 * since they may come before the objects they point to. Each object's
 * "type" is looked up once: jansson's lookups are much of our own cost.
 */
static enum th_status sort_objects(struct stix2_ctx *c, const json_t *objs)
{
	const char *type, *id, *name;
	enum th_status st = TH_OK;
	const json_t *o;
	size_t i, idlen = 0;

	json_array_foreach(objs, i, o)
	{
		type = str_field(o, "type", NULL);
		if (!type)
			continue;
		if (!strcmp(type, "indicator")) {
			c->inds[c->ninds++] = o;
		} else if (!strcmp(type, "relationship")) {
			c->rels[c->nrels++] = o;
		} else if (!strcmp(type, "report")) {
			st = take_report(c, o);
		} else if (!strcmp(type, "malware")) {
			id = str_field(o, "id", &idlen);
			name = str_field(o, "name", NULL);
			if (id && name)
				st = map_put(&c->malware, id, idlen, name);
		}
		if (st != TH_OK)
			return st;
	}
	return TH_OK;
}

/* For every indicator, the malware its first "indicates" relationship
 * names. */
static enum th_status scan_relationships(struct stix2_ctx *c)
{
	const char *rtype, *src, *dst, *name;
	size_t i, srclen = 0, dstlen = 0;
	enum th_status st;

	for (i = 0; i < c->nrels; i++) {
		rtype = str_field(c->rels[i], "relationship_type", NULL);
		src = str_field(c->rels[i], "source_ref", &srclen);
		dst = str_field(c->rels[i], "target_ref", &dstlen);
		if (!rtype || strcmp(rtype, "indicates") || !src || !dst)
			continue;
		name = map_get(&c->malware, dst, dstlen);
		if (!name)
			continue;
		st = map_put(&c->rel_of, src, srclen, name);
		if (st != TH_OK)
			return st;
	}
	return TH_OK;
}

/* The index of a collection in f->colls, added on first use. */
static enum th_status collection(struct stix2_ctx *c, const char *name,
                                 size_t *idx)
{
	struct th_stix2_file *f = c->f;
	size_t len = strlen(name);
	const void *got = map_get(&c->colls, name, len);
	char *copy;

	if (got) {
		*idx = (size_t)(uintptr_t)got - 1;
		return TH_OK;
	}
	if (th_array_reserve(&f->colls, &f->cap_colls, f->ncolls,
	                     sizeof(*f->colls)) != TH_OK)
		return TH_ERR_NOMEM;
	copy = th_arena_strndup(&f->arena, name, len);
	if (!copy)
		return TH_ERR_NOMEM;
	*idx = f->ncolls;
	f->colls[f->ncolls++] = copy;
	/* The map stores index + 1: a value is never NULL. */
	return map_put(&c->colls, copy, len, (void *)(uintptr_t)f->ncolls);
}

static enum th_status add_indicator(struct stix2_ctx *c, const char *id,
                                    size_t idlen, enum th_ioc_kind kind,
                                    const char *val, size_t len)
{
	struct th_stix2_file *f = c->f;
	const char *coll = NULL;
	struct th_stix2_ind *ind;
	enum th_status st;
	size_t n;

	if (id)
		coll = map_get(&c->report_of, id, idlen);
	if (!coll && id)
		coll = map_get(&c->rel_of, id, idlen);
	if (f->ninds == f->cap_inds) {
		n = f->cap_inds ? f->cap_inds * 2 : 256;
		ind = realloc(f->inds, n * sizeof(*ind));
		if (!ind)
			return TH_ERR_NOMEM;
		f->inds = ind;
		f->cap_inds = n;
	}
	ind = &f->inds[f->ninds];
	ind->kind = kind;
	ind->len = len;
	ind->value = th_arena_strndup(&f->arena, val, len);
	if (!ind->value)
		return TH_ERR_NOMEM;
	st = collection(c, coll ? coll : c->def_coll, &ind->coll);
	if (st != TH_OK)
		return st;
	f->ninds++;
	f->indicators++;
	f->by_kind[kind]++;
	return TH_OK;
}

static enum th_status take_indicator(struct stix2_ctx *c, const json_t *o)
{
	char val[TH_IOC_VALUE_MAX + 1];
	const char *id, *pat, *why;
	size_t idlen = 0, patlen = 0, len;
	enum th_ioc_kind kind;
	enum th_status st;
	void *old = NULL;

	id = str_field(o, "id", &idlen);
	if (id) {
		/* Duplicated objects (same id) count once. */
		st = th_hmap_put(&c->seen, 0, id, idlen, (void *)id, &old);
		if (st != TH_OK || old)
			return st;
	}
	pat = str_field(o, "pattern", &patlen);
	why = pat ? th_ioc_pattern_parse(pat, patlen, &kind, val, &len)
	          : "indicator has no pattern";
	if (!why)
		return add_indicator(c, id, idlen, kind, val, len);
	c->f->skipped++;
	if (!c->skip_why) {
		c->skip_why = why;
		c->skip_pat = pat ? pat : "";
	}
	return TH_OK;
}

/* The objects array of a bundle, or NULL with the reason in *why. */
static const json_t *bundle_objects(const json_t *root, const char **why)
{
	const char *type = str_field(root, "type", NULL);
	const json_t *objs = json_object_get(root, "objects");

	*why = NULL;
	if (!json_is_object(root))
		*why = "the top level is not an object";
	else if (!type || strcmp(type, "bundle"))
		*why = "its type is not \"bundle\"";
	else if (!json_is_array(objs))
		*why = "it has no \"objects\" array";
	return *why ? NULL : objs;
}

/* "amnesty_pegasus" for ".../amnesty_pegasus.stix2". */
static const char *default_collection(struct th_arena *a, const char *path)
{
	const char *base = th_path_base(path), *dot = strrchr(base, '.');
	size_t len = dot && dot != base ? (size_t)(dot - base) : strlen(base);

	return th_arena_strndup(a, base, len);
}

static enum th_status note_skipped(struct stix2_ctx *c)
{
	struct th_stix2_file *f = c->f;
	char msg[TH_ERR_MSG_MAX];
	int n;

	if (!f->skipped)
		return TH_OK;
	n = snprintf(msg, sizeof(msg),
	             "'%s': %zu indicator%s skipped: %s: '%.120s%s'", c->name,
	             f->skipped, f->skipped == 1 ? "" : "s", c->skip_why,
	             c->skip_pat, strlen(c->skip_pat) > 120 ? "..." : "");
	if (n < 0)
		return TH_ERR_INTERNAL;
	f->skip_msg = th_arena_strndup(&f->arena, msg, strlen(msg));
	return f->skip_msg ? TH_OK : TH_ERR_NOMEM;
}

/* Reads the objects, held by `n` arrays in order. */
static enum th_status scan_bundle(struct stix2_ctx *c, json_t *const *parts,
                                  size_t n)
{
	size_t total = 0, i;
	enum th_status st = TH_OK;

	for (i = 0; i < n; i++)
		total += json_array_size(parts[i]);
	c->def_coll = default_collection(&c->f->arena, c->name);
	c->rels = malloc((total ? total : 1) * sizeof(*c->rels));
	c->inds = malloc((total ? total : 1) * sizeof(*c->inds));
	if (!c->def_coll || !c->rels || !c->inds)
		return TH_ERR_NOMEM;
	for (i = 0; st == TH_OK && i < n; i++)
		st = sort_objects(c, parts[i]);
	if (st == TH_OK)
		st = scan_relationships(c);
	for (i = 0; st == TH_OK && i < c->ninds; i++)
		st = take_indicator(c, c->inds[i]);
	if (st == TH_OK)
		st = note_skipped(c);
	return st;
}

static void ctx_free(struct stix2_ctx *c)
{
	free(c->rels);
	free(c->inds);
	th_hmap_free(&c->malware);
	th_hmap_free(&c->report_of);
	th_hmap_free(&c->rel_of);
	th_hmap_free(&c->seen);
	th_hmap_free(&c->colls);
}

/* Forgets what a failed file contributed: it loads nothing. */
static void drop_contents(struct th_stix2_file *f)
{
	f->ninds = 0;
	f->ncolls = 0;
	f->indicators = 0;
	f->skipped = 0;
	f->skip_msg = NULL;
	memset(f->by_kind, 0, sizeof(f->by_kind));
}

enum th_status th_stix2_file_parse(struct th_stix2_file *f, const char *name,
                                   const char *data, size_t len)
{
	struct stix2_ctx c = {.f = f, .name = name};
	struct th_stix2_json j = {0};
	json_t *objs;
	enum th_status st;
	const char *why;

	th_err_clear(&f->err);
	f->path = th_arena_strndup(&f->arena, name, strlen(name));
	if (!f->path)
		return th_err_set(&f->err, TH_ERR_NOMEM, "out of memory");
	if (len >= 3 && !memcmp(data, "\xef\xbb\xbf", 3)) {
		data += 3; /* a UTF-8 byte order mark */
		len -= 3;
	}
	st = th_stix2_json_load(&j, name, data, len, &f->opts, &f->err);
	if (st != TH_OK)
		goto out;
	objs = (json_t *)bundle_objects(j.root, &why);
	if (!objs) {
		st = th_err_set(&f->err, TH_ERR_FORMAT,
		                "cannot load '%s': not a STIX2 bundle: %s",
		                name, why);
		goto out;
	}
	st = j.nparts ? scan_bundle(&c, j.parts, j.nparts)
	              : scan_bundle(&c, &objs, 1);
	if (st != TH_OK)
		th_err_set(&f->err, st, "cannot load '%s': %s", name,
		           th_status_str(st));
out:
	if (st != TH_OK)
		drop_contents(f);
	ctx_free(&c);
	th_stix2_json_free(&j);
	return st;
}

enum th_status th_stix2_file_read(struct th_stix2_file *f, const char *path)
{
	enum th_status st;
	char *data = NULL;
	size_t len = 0;

	th_err_clear(&f->err);
	st = th_read_file(path, TH_STIX2_FILE_MAX, &data, &len, &f->err);
	if (st == TH_OK) {
		st = th_stix2_file_parse(f, path, data, len);
	} else {
		f->path = th_arena_strndup(&f->arena, path, strlen(path));
		if (!f->path)
			st = th_err_set(&f->err, TH_ERR_NOMEM, "out of memory");
	}
	free(data);
	return st;
}
