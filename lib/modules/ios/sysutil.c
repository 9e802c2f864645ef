/* Helpers shared by the iOS system, app and network-usage modules. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonutil.h"
#include "core/timeconv.h"
#include "formats/plist_util.h"
#include "modules/ios/sysutil.h"

struct walk {
	struct th_run *run;
	th_sys_file_fn fn;
	void *ctx;
	size_t found, bad;
	enum th_status stop;
	struct th_err last; /* the last bad file's message, not yet shown */
};

static int on_file(void *ctx, const struct th_file *f)
{
	struct walk *w = ctx;
	struct th_err err = {0};
	enum th_status st;

	w->found++;
	st = w->fn(w->run, f, w->ctx, &err);
	if (st == TH_ERR_NOMEM) {
		w->stop = st;
	} else if (st != TH_OK) {
		/* Shown when the walk ends: as the module's error if no
		 * file could be read, else as a warning. */
		if (w->last.status != TH_OK)
			th_run_log(w->run, TH_LOG_WARN, "%s", w->last.msg);
		th_err_copy(&w->last, &err);
		if (w->last.status == TH_OK)
			w->last.status = st;
		w->bad++;
	}
	return w->stop != TH_OK;
}

static int art_end(const struct th_artifact *a)
{
	return !a->backup_domain && !a->backup_path && !a->fs_glob &&
	       !a->sysdiag_glob && !a->android_glob;
}

enum th_status th_sys_each_file(struct th_run *run,
                                const struct th_artifact *arts,
                                const char *what, th_sys_file_fn fn, void *ctx)
{
	struct walk w = {.run = run, .fn = fn, .ctx = ctx, .stop = TH_OK};
	struct th_err err = {0};
	enum th_status st;

	for (; !art_end(arts) && w.stop == TH_OK; arts++) {
		st = th_source_find(th_run_source(run), arts, on_file, &w,
		                    &err);
		if (st != TH_OK && st != TH_ERR_NOTFOUND)
			th_run_log(run, TH_LOG_WARN, "cannot look for %s: %s",
			           what, err.msg);
	}
	if (w.stop != TH_OK)
		return w.stop;
	if (!w.found)
		return th_run_fail(run, TH_ERR_NOTFOUND,
		                   "no %s in the evidence", what);
	if (w.bad == w.found)
		return th_run_fail(run, w.last.status, "%s", w.last.msg);
	if (w.bad)
		th_run_log(run, TH_LOG_WARN, "%s", w.last.msg);
	return TH_OK;
}

/* Prefixes err's message with the artifact's name (the messages of the
 * readers name the local file, a hashed name in backups). */
static enum th_status name_err(struct th_err *err, enum th_status st,
                               const char *name, const char *suffix)
{
	char msg[TH_ERR_MSG_MAX];

	snprintf(msg, sizeof(msg), "%s", err->msg);
	return th_err_set(err, st, "%s: %s%s", name, msg, suffix);
}

static int in_list(const char *const *list, const char *name)
{
	for (; list && *list; list++)
		if (strcmp(*list, name) == 0)
			return 1;
	return 0;
}

/* Text if the blob is printable UTF-8-ish (call numbers are stored as
 * blobs), else base64 through libplist's data node. */
static json_t *blob_json(const void *p, int n)
{
	const unsigned char *b = p;
	json_t *out = NULL;
	struct th_err err = {0};
	plist_t node;
	int i;

	for (i = 0; i < n; i++)
		if (b[i] < 0x20 || b[i] == 0x7f)
			break;
	if (i == n)
		return th_json_stringn(p, (size_t)n);
	node = plist_new_data(p, (uint64_t)n);
	if (node && th_plist_to_json(node, 0, &out, &err) != TH_OK)
		out = NULL;
	plist_free(node);
	return out ? out : json_null();
}

static json_t *time_json(sqlite3_stmt *stmt, int i, int cocoa)
{
	double v;

	if (sqlite3_column_type(stmt, i) == SQLITE_TEXT)
		return th_json_string(
		        (const char *)sqlite3_column_text(stmt, i));
	v = sqlite3_column_double(stmt, i);
	return th_json_time(cocoa ? th_time_from_cocoa(v)
	                          : th_time_from_unix(v));
}

static json_t *col_json(sqlite3_stmt *stmt, int i, const struct th_sys_query *q,
                        const char *name)
{
	int type = sqlite3_column_type(stmt, i);

	if (type == SQLITE_NULL)
		return json_null();
	if (in_list(q->cocoa, name))
		return time_json(stmt, i, 1);
	if (in_list(q->unix_secs, name))
		return time_json(stmt, i, 0);
	switch (type) {
	case SQLITE_INTEGER:
		return json_integer(sqlite3_column_int64(stmt, i));
	case SQLITE_FLOAT:
		return json_real(sqlite3_column_double(stmt, i));
	case SQLITE_BLOB:
		return blob_json(sqlite3_column_blob(stmt, i),
		                 sqlite3_column_bytes(stmt, i));
	default:
		return th_json_stringn(
		        (const char *)sqlite3_column_text(stmt, i),
		        (size_t)sqlite3_column_bytes(stmt, i));
	}
}

static json_t *row_json(sqlite3_stmt *stmt, const struct th_sys_query *q)
{
	json_t *rec = json_object(), *v;
	const char *name;
	int i, n = sqlite3_column_count(stmt);

	for (i = 0; rec && i < n; i++) {
		name = sqlite3_column_name(stmt, i);
		v = name ? col_json(stmt, i, q, name) : NULL;
		if (!v || json_object_set_new(rec, name, v) != 0) {
			json_decref(rec);
			return NULL;
		}
	}
	return rec;
}

static sqlite3_stmt *prepare_first(sqlite3 *db, const char *const *sql)
{
	sqlite3_stmt *stmt = NULL;

	for (; *sql; sql++)
		if (sqlite3_prepare_v2(db, *sql, -1, &stmt, NULL) == SQLITE_OK)
			return stmt;
	return NULL;
}

static enum th_status emit_rows(struct th_run *run, const struct th_file *f,
                                struct th_sqlite *db, sqlite3_stmt *stmt,
                                const struct th_sys_query *q, size_t *count,
                                struct th_err *err)
{
	enum th_status st = TH_OK;
	json_t *rec;
	int rc;

	while (st == TH_OK && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		rec = row_json(stmt, q);
		if (!rec)
			return TH_ERR_NOMEM;
		if (q->seen)
			q->seen(q->ctx, rec);
		if (q->events)
			q->events(run, rec);
		(*count)++;
		st = th_run_record(run, rec);
	}
	if (st == TH_OK && rc != SQLITE_DONE) {
		st = th_sqlite_error(db, err);
		name_err(err, st, f->name, " (rows read before it kept)");
	}
	return st;
}

enum th_status th_sys_sql_records_db(struct th_run *run,
                                     const struct th_file *f,
                                     struct th_sqlite *db,
                                     const struct th_sys_query *q,
                                     size_t *count, struct th_err *err)
{
	sqlite3_stmt *stmt;
	enum th_status st;

	stmt = prepare_first(db->db, q->sql);
	if (!stmt) {
		th_run_log(run, TH_LOG_DEBUG,
		           "%s: no known table (%s): no data", f->name,
		           sqlite3_errmsg(db->db));
		return TH_OK;
	}
	st = emit_rows(run, f, db, stmt, q, count, err);
	sqlite3_finalize(stmt);
	return st;
}

enum th_status th_sys_sql_open(const struct th_file *f, struct th_sqlite **db,
                               struct th_err *err)
{
	enum th_status st;

	*db = NULL;
	st = th_sqlite_open(f->local_path, db, err);
	if (st != TH_OK)
		name_err(err, st, f->name, "");
	return st;
}

enum th_status th_sys_sql_records(struct th_run *run, const struct th_file *f,
                                  const struct th_sys_query *q, size_t *count,
                                  struct th_err *err)
{
	struct th_sqlite *db = NULL;
	enum th_status st;

	st = th_sys_sql_open(f, &db, err);
	if (st != TH_OK)
		return st;
	st = th_sys_sql_records_db(run, f, db, q, count, err);
	th_sqlite_close(db);
	return st;
}

enum th_status th_sys_plist(const struct th_file *f, plist_t *out,
                            struct th_err *err)
{
	enum th_status st;

	*out = NULL;
	st = th_plist_read_file(f->local_path, out, err);
	if (st != TH_OK)
		name_err(err, st, f->name, "");
	return st;
}

const char *th_sys_str(const json_t *rec, const char *key)
{
	return json_string_value(json_object_get(rec, key));
}

int64_t th_sys_time(const json_t *rec, const char *key)
{
	const char *s = th_sys_str(rec, key);

	return s ? th_time_parse(s) : TH_TIME_NONE;
}

void th_sys_set(json_t *rec, const char *key, json_t *v)
{
	if (v)
		json_object_set_new(rec, key, v);
}

void th_sys_time_events(struct th_run *run, const json_t *rec,
                        const char *const *keys, const char *desc)
{
	int64_t seen[16];
	size_t n = 0, i;
	int64_t t;

	for (; *keys; keys++) {
		t = th_sys_time(rec, *keys);
		if (t == TH_TIME_NONE)
			continue;
		for (i = 0; i < n && seen[i] != t; i++)
			;
		if (i < n)
			continue;
		if (n < sizeof(seen) / sizeof(seen[0]))
			seen[n++] = t;
		th_run_event(run, t, *keys, desc);
	}
}

json_t *th_sys_plist_json(struct th_run *run, plist_t node, const char *what)
{
	struct th_err err = {0};
	json_t *out = NULL;

	if (th_plist_to_json(node, 0, &out, &err) != TH_OK) {
		th_run_log(run, TH_LOG_WARN, "%s: %s", what, err.msg);
		return NULL;
	}
	return out;
}

const char *th_sys_show(const json_t *rec, const char *key, char *buf,
                        size_t size)
{
	const json_t *v = json_object_get(rec, key);

	if (json_is_string(v))
		snprintf(buf, size, "%s", json_string_value(v));
	else if (json_is_integer(v))
		snprintf(buf, size, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		snprintf(buf, size, "%g", json_real_value(v));
	else if (json_is_boolean(v))
		snprintf(buf, size, "%s", json_is_true(v) ? "True" : "False");
	else
		snprintf(buf, size, "None");
	return buf;
}

void th_sys_dict_each(plist_t dict,
                      int (*fn)(void *ctx, const char *key, plist_t value),
                      void *ctx)
{
	plist_dict_iter it = NULL;
	plist_t v = NULL;
	char *key;
	int stop = 0;

	if (!dict || plist_get_node_type(dict) != PLIST_DICT)
		return;
	plist_dict_new_iter(dict, &it);
	while (it && !stop) {
		key = NULL;
		v = NULL;
		plist_dict_next_item(dict, it, &key, &v);
		if (!v) {
			free(key);
			break;
		}
		stop = fn(ctx, key ? key : "", v);
		free(key);
	}
	free(it);
}

double th_sys_plist_num(plist_t node, int *ok)
{
	uint64_t u = 0;
	uint8_t b = 0;
	double d = 0;

	*ok = 1;
	switch (node ? plist_get_node_type(node) : PLIST_NONE) {
	case PLIST_UINT:
		plist_get_uint_val(node, &u);
		/* libplist keeps negative integers as their two's complement */
		return (double)(int64_t)u;
	case PLIST_REAL:
		plist_get_real_val(node, &d);
		return d;
	case PLIST_BOOLEAN:
		plist_get_bool_val(node, &b);
		return b ? 1 : 0;
	default:
		*ok = 0;
		return 0;
	}
}
