/* manifest: every Files row of Manifest.db with its MBFile metadata, one
 * timeline event per distinct timestamp, and checks on the paths. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/fsutil.h"
#include "core/jsonutil.h"
#include "core/timeconv.h"
#include "modules/ios/ios_modules.h"
#include "sources/ios_backup.h"

#define HOST_MAX       253
#define CRASH_REPORTER "com.apple.CrashReporter.plist"

struct walk {
	struct th_run *run;
	enum th_status st;
	size_t bad;
	char first_bad[512];
	char desc[4096];
};

/* MVT writes mode with Python's oct(): "0o100644". */
static json_t *json_mode(int64_t mode)
{
	char buf[32];

	if (mode < 0)
		return json_null();
	snprintf(buf, sizeof(buf), "0o%llo", (unsigned long long)mode);
	return json_string(buf);
}

static json_t *json_int_or_null(int64_t v)
{
	return v < 0 ? json_null() : json_integer((json_int_t)v);
}

/* Our own keys: no UTF-8 check. A value lost for want of memory is
 * counted (th_json_nomem_note), so the module fails at its end. */
static void set(json_t *rec, const char *key, json_t *v)
{
	if (!v || json_object_set_new_nocheck(rec, key, v) != 0)
		th_json_nomem_note();
}

static json_t *make_record(const struct th_manifest_row *row)
{
	const struct th_mbfile *m = &row->meta;
	json_t *rec = json_object(), *created, *modified, *changed;

	if (!rec)
		return NULL;
	set(rec, "file_id", th_json_string(row->file_id));
	set(rec, "domain", th_json_string(row->domain));
	set(rec, "relative_path", th_json_string(row->relative_path));
	set(rec, "flags", json_integer((json_int_t)row->flags));
	if (!row->meta_ok) {
		/* MVT's shape when the metadata cannot be read. */
		set(rec, "created", json_string(""));
		return rec;
	}
	/* The three times are often equal: format each distinct one once. */
	created = th_json_time(m->birth);
	modified = m->last_modified == m->birth
	                   ? json_incref(created)
	                   : th_json_time(m->last_modified);
	changed = m->last_status_change == m->last_modified
	                  ? json_incref(modified)
	                  : th_json_time(m->last_status_change);
	set(rec, "created", created);
	set(rec, "modified", modified);
	set(rec, "status_changed", changed);
	set(rec, "mode", json_mode(m->mode));
	set(rec, "owner", json_int_or_null(m->user_id));
	set(rec, "size", json_int_or_null(m->size));
	return rec;
}

/* One event per distinct time, as MVT: "M-CB" says which of modified,
 * (accessed: never known), changed and born fall on it. */
static void emit_events(struct walk *w, const struct th_manifest_row *row)
{
	const struct th_mbfile *m = &row->meta;
	const int64_t t[3] = {m->birth, m->last_modified,
	                      m->last_status_change};
	char macb[5];
	int i;

	snprintf(w->desc, sizeof(w->desc), "%s - %s", row->relative_path,
	         row->domain);
	for (i = 0; i < 3; i++) {
		if (t[i] == TH_TIME_NONE || (i > 0 && t[i] == t[0]) ||
		    (i > 1 && t[i] == t[1]))
			continue;
		macb[0] = t[i] == m->last_modified ? 'M' : '-';
		macb[1] = '-';
		macb[2] = t[i] == m->last_status_change ? 'C' : '-';
		macb[3] = t[i] == m->birth ? 'B' : '-';
		macb[4] = '\0';
		th_run_event(w->run, t[i], macb, w->desc);
	}
}

static int on_row(void *ctx, const struct th_manifest_row *row)
{
	struct walk *w = ctx;
	json_t *rec;

	if (!row->meta_ok && w->bad++ == 0)
		snprintf(w->first_bad, sizeof(w->first_bad), "%s: %s",
		         row->file_id, row->meta_error);
	rec = make_record(row);
	if (!rec) {
		w->st = TH_ERR_NOMEM;
		return 1;
	}
	if (row->meta_ok)
		emit_events(w, row);
	w->st = th_run_record(w->run, rec);
	return w->st != TH_OK;
}

static enum th_status manifest_run(struct th_run *run)
{
	struct th_backup *b = th_backup_of(th_run_source(run));
	struct walk w = {.run = run, .st = TH_OK};
	struct th_err err = {0};
	enum th_status st;

	if (!b)
		return TH_ERR_NOTFOUND;
	st = th_backup_each_row(b, on_row, &w, &err);
	if (st != TH_OK)
		th_run_fail(run, st, "%s", err.msg);
	if (w.bad)
		th_run_log(run, TH_LOG_WARN,
		           "%zu Manifest rows have unreadable metadata "
		           "(first: %s)",
		           w.bad, w.first_bad);
	return st != TH_OK ? st : w.st;
}

/* --- checks --------------------------------------------------------- */

static int64_t record_time(const json_t *rec)
{
	int64_t t;

	t = th_time_parse(json_string_value(json_object_get(rec, "modified")));
	if (t == TH_TIME_NONE)
		t = th_time_parse(
		        json_string_value(json_object_get(rec, "created")));
	return t;
}

/* A path part that could be a host: a dot, and a last label of at
 * least two letters ("free247downloads.com", not "Cookies.db2"). */
static int looks_like_host(const char *p, size_t n)
{
	size_t dot, i;

	for (dot = n; dot > 0 && p[dot - 1] != '.'; dot--)
		;
	if (dot < 2 || n - dot < 2)
		return 0;
	for (i = dot; i < n; i++)
		if (!isalpha((unsigned char)p[i]))
			return 0;
	return 1;
}

/* Looks value up; on a hit raises the alert with the record's time
 * (parsed only then: most records never hit). */
static int check_one(struct th_run *run, enum th_match_type type,
                     const char *value, const json_t *rec)
{
	if (!th_iocs_match(th_run_iocs(run), type, value))
		return 0;
	th_run_check(run, type, value, TH_LEVEL_HIGH, record_time(rec), rec);
	return 1;
}

/* Splits the path on '_' and '/' (WebKit names storage folders
 * "https_host_0") and looks every host-like part up as a domain. */
static void check_hosts(struct th_run *run, const char *rel, const json_t *rec)
{
	char host[HOST_MAX + 1];
	const char *p = rel, *e;
	size_t n;

	while (*p) {
		n = strcspn(p, "_/");
		e = p + n;
		if (n > 0 && n <= HOST_MAX && looks_like_host(p, n)) {
			memcpy(host, p, n);
			host[n] = '\0';
			if (check_one(run, TH_MATCH_DOMAIN, host, rec))
				return;
		}
		p = *e ? e + 1 : e;
	}
}

static void manifest_check(struct th_run *run, const json_t *rec)
{
	const char *rel, *domain;
	char *path;
	size_t len;

	rel = json_string_value(json_object_get(rec, "relative_path"));
	domain = json_string_value(json_object_get(rec, "domain"));
	if (!rel || !*rel)
		return;
	if (domain && strcmp(domain, "RootDomain") == 0 &&
	    strcmp(th_path_base(rel), CRASH_REPORTER) == 0)
		th_run_alert(run, TH_LEVEL_HIGH, record_time(rec), rec, NULL,
		             rel,
		             "crash reporting was tampered with: %s in "
		             "RootDomain (a Pegasus trace)",
		             CRASH_REPORTER);
	if (!th_run_iocs(run))
		return;
	len = strlen(rel);
	path = malloc(len + 2);
	if (!path) {
		th_run_warn(run, TH_ERR_NOMEM, "cannot check '%s': %s", rel,
		            "out of memory");
		return;
	}
	path[0] = '/';
	memcpy(path + 1, rel, len + 1);
	if (!check_one(run, TH_MATCH_FILE_PATH, path, rec))
		check_hosts(run, rel, rec);
	free(path);
}

const struct th_module th_mod_manifest = {
        .slug = "manifest",
        .title = "files listed in the backup's Manifest.db",
        .sources = TH_SRC_IOS_BACKUP,
        .shape = TH_RECORDS_LIST,
        .run = manifest_run,
        .check = manifest_check,
};
