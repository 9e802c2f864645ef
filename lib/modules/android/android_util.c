#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/fsutil.h"
#include "core/jsonutil.h"
#include "core/limits.h"
#include "core/timeconv.h"
#include "modules/android/android_util.h"

struct read_one {
	struct th_run *run;
	size_t max;
	char *data, *name;
	size_t len;
	enum th_status st;
	int (*fn)(void *ctx, const char *name, char *data, size_t len);
	void *ctx;
	size_t seen;
};

/* Reads one artifact within the run's limit; a failure is logged, and
 * one over the limit is named with the option that raises it. */
static enum th_status read_art(struct read_one *r, const struct th_file *f,
                               char **data, size_t *len, struct th_err *err)
{
	enum th_status st;

	st = th_read_artifact(f->local_path, f->name,
	                      th_run_artifact_max(r->run, r->max), data, len,
	                      err);
	if (st == TH_ERR_LIMIT)
		th_run_warn(r->run, st, "%s", err->msg);
	else if (st != TH_OK)
		th_run_warn(r->run, st, "cannot read '%s': %s", f->name,
		            err->msg);
	return st;
}

static int on_one(void *ctx, const struct th_file *f)
{
	struct read_one *r = ctx;
	struct th_err err = {0};

	r->seen++;
	r->st = read_art(r, f, &r->data, &r->len, &err);
	if (r->st != TH_OK)
		return 1;
	r->name = strdup(f->name);
	if (!r->name) {
		r->st = TH_ERR_NOMEM;
		free(r->data);
		r->data = NULL;
	}
	return 1;
}

enum th_status th_android_read(struct th_run *run, const char *glob, size_t max,
                               char **data, size_t *len, char **name)
{
	struct th_artifact art = {.android_glob = glob};
	struct read_one r = {.run = run, .max = max, .st = TH_OK};
	struct th_err err = {0};
	enum th_status st;

	*data = NULL;
	*len = 0;
	st = th_source_find(th_run_source(run), &art, on_one, &r, &err);
	if (st != TH_OK && st != TH_ERR_NOTFOUND)
		return th_run_fail(run, st, "%s", err.msg);
	if (r.seen == 0)
		return th_run_fail(run, TH_ERR_NOTFOUND, "no %s", glob);
	if (r.st != TH_OK) {
		free(r.name);
		return th_run_fail(run, r.st, "cannot read %s", glob);
	}
	*data = r.data;
	*len = r.len;
	if (name)
		*name = r.name;
	else
		free(r.name);
	return TH_OK;
}

static int on_each(void *ctx, const struct th_file *f)
{
	struct read_one *r = ctx;
	struct th_err err = {0};
	char *data = NULL;
	size_t len = 0;
	int stop;

	r->seen++;
	if (read_art(r, f, &data, &len, &err) != TH_OK)
		return 0;
	stop = r->fn(r->ctx, f->name, data, len);
	free(data);
	return stop;
}

enum th_status th_android_each(struct th_run *run, const char *glob, size_t max,
                               int (*fn)(void *ctx, const char *name,
                                         char *data, size_t len),
                               void *ctx)
{
	struct th_artifact art = {.android_glob = glob};
	struct read_one r = {.run = run, .max = max, .fn = fn, .ctx = ctx};
	struct th_err err = {0};
	enum th_status st;

	st = th_source_find(th_run_source(run), &art, on_each, &r, &err);
	if (st != TH_OK && st != TH_ERR_NOTFOUND)
		return th_run_fail(run, st, "%s", err.msg);
	if (r.seen == 0)
		return th_run_fail(run, TH_ERR_NOTFOUND, "no %s", glob);
	return TH_OK;
}

const char *th_jstr(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

int64_t th_jint(const json_t *obj, const char *key, int64_t def)
{
	const json_t *v = json_object_get(obj, key);
	const char *s;
	char *end;
	long long n;

	if (json_is_integer(v))
		return (int64_t)json_integer_value(v);
	if (json_is_real(v))
		return (int64_t)json_real_value(v);
	if (!(s = json_string_value(v)) || !*s)
		return def;
	errno = 0;
	n = strtoll(s, &end, 10);
	return errno || *end ? def : (int64_t)n;
}

void th_jset(json_t *rec, const char *key, json_t *v)
{
	th_json_set_new(rec, key, v);
}

int64_t th_jtime(const json_t *rec, const char *key)
{
	return th_time_parse(th_jstr(rec, key ? key : "timestamp"));
}

#define BIGINT_DIGITS 18 /* longer integers may not fit in int64 */

/* Copies data, quoting integer literals too long for jansson. */
static char *quote_bigints(const char *d, size_t len, size_t *out_len)
{
	struct th_buf b;
	enum th_status st = TH_OK;
	size_t i = 0, j;
	int in_str = 0;

	/* Quoting adds 2 bytes to 19 digits or more, so the bound always
	 * holds the result: a failed add is a failed allocation. */
	th_buf_init(&b, len + len / 4 + 64);
	while (i < len && st == TH_OK) {
		if (in_str) {
			j = i + strcspn(d + i, "\\\"");
			if (j > len)
				j = len;
		} else {
			j = i;
		}
		if (in_str && j > i) {
			st = th_buf_add(&b, d + i, j - i);
			i = j;
			continue;
		}
		if (in_str && d[i] == '\\' && i + 1 < len) {
			st = th_buf_add(&b, d + i, 2);
			i += 2;
			continue;
		}
		if (d[i] == '"')
			in_str = !in_str;
		if (!in_str && d[i] >= '0' && d[i] <= '9' &&
		    (j = strspn(d + i, "0123456789")) > BIGINT_DIGITS &&
		    (i == 0 || strchr(":[, \t\r\n", d[i - 1]))) {
			if ((st = th_buf_addc(&b, '"')) == TH_OK &&
			    (st = th_buf_add(&b, d + i, j)) == TH_OK)
				st = th_buf_addc(&b, '"');
			i += j;
			continue;
		}
		st = th_buf_addc(&b, d[i++]);
	}
	if (st != TH_OK) {
		th_buf_free(&b);
		return NULL;
	}
	return th_buf_take(&b, out_len);
}

json_t *th_json_load_lenient(const char *data, size_t len)
{
	json_t *j = json_loadb(data, len, 0, NULL);
	size_t qlen = 0;
	char *q;

	if (j)
		return j;
	q = quote_bigints(data, len, &qlen);
	if (!q) {
		th_json_nomem_note();
		return NULL;
	}
	j = json_loadb(q, qlen, 0, NULL);
	free(q);
	return j;
}

enum th_status th_android_json_array(struct th_run *run, const char *glob,
                                     size_t max, int lenient,
                                     enum th_status (*fn)(struct th_run *run,
                                                          json_t *item))
{
	unsigned long lost = th_json_nomem_count();
	enum th_status st;
	json_t *root, *v;
	char *data, *name = NULL;
	size_t len, i;

	st = th_android_read(run, glob, max, &data, &len, &name);
	if (st != TH_OK)
		return st;
	root = lenient ? th_json_load_lenient(data, len)
	               : json_loadb(data, len, 0, NULL);
	free(data);
	if (!root && th_json_nomem_count() != lost) {
		st = th_run_fail(run, TH_ERR_NOMEM, "cannot read '%s': %s",
		                 name, th_status_str(TH_ERR_NOMEM));
		free(name);
		return st;
	}
	if (!json_is_array(root)) {
		json_decref(root);
		st = th_run_fail(run, TH_ERR_FORMAT,
		                 "cannot read '%s': not a JSON array", name);
		free(name);
		return st;
	}
	free(name);
	json_array_foreach(root, i, v)
	{
		if ((st = fn(run, v)) != TH_OK)
			break;
	}
	json_decref(root);
	return st;
}
