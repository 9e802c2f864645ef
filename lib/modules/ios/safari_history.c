/* safari_history: every Safari visit (History.db, and each profile's),
 * checked against URL indicators, with the network-injection sign: an
 * http:// visit redirected within a second to another site. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "core/jsonutil.h"
#include "formats/url.h"
#include "modules/ios/evdb.h"
#include "modules/ios/ios_modules.h"

#define SAFARI_FS "private/var/mobile/Library/Safari/"
#define SAFARI_APPS                                                            \
	"private/var/mobile/Containers/Data/Application/*/Library/Safari/"

static const struct th_artifact artifacts[] = {
        {.backup_path = "Library/Safari/History.db",
         .fs_glob = SAFARI_FS "History.db"},
        {.backup_path = "Library/Safari/Profiles/*/History.db",
         .fs_glob = SAFARI_FS "Profiles/*/History.db"},
        {.fs_glob = SAFARI_APPS "History.db"},
        {.fs_glob = SAFARI_APPS "Profiles/*/History.db"},
        {0},
};

/* The visit a redirect led to, joined in so that the check can judge a
 * record alone (a results folder holds no database to look it up in). */
static enum th_status build_sql(sqlite3 *db, struct th_buf *sql)
{
	int redirects = th_sqlite_has_column(db, "history_visits",
	                                     "redirect_destination");
	enum th_status st;

	if (redirects < 0) /* SQLite could not look: not "no column" */
		return TH_ERR_NOMEM;
	st = th_buf_adds(sql,
	                 "SELECT history_items.id AS id, history_items.url "
	                 "AS url, history_visits.id AS visit_id, "
	                 "history_visits.visit_time AS timestamp");
	if (st == TH_OK)
		st = th_evdb_col(sql, db, "history_visits", "redirect_source",
		                 "redirect_source", 1);
	if (st == TH_OK)
		st = th_evdb_col(sql, db, "history_visits",
		                 "redirect_destination", "redirect_destination",
		                 1);
	if (st == TH_OK)
		st = th_buf_adds(sql, redirects ? ", di.url, d.visit_time"
		                                : ", NULL, NULL");
	if (st == TH_OK)
		st = th_buf_adds(sql, " FROM history_items JOIN history_visits "
		                      "ON history_visits.history_item = "
		                      "history_items.id");
	if (st == TH_OK && redirects)
		st = th_buf_adds(sql, " LEFT JOIN history_visits d ON d.id = "
		                      "history_visits.redirect_destination "
		                      "LEFT JOIN history_items di ON di.id = "
		                      "d.history_item");
	if (st == TH_OK)
		st = th_buf_adds(sql, " ORDER BY history_visits.visit_time");
	return st;
}

struct ctx {
	const char *db_name;
	char desc[8192];
};

static enum th_status fill(struct th_run *run, sqlite3_stmt *stmt, json_t *rec,
                           void *arg)
{
	struct ctx *c = arg;
	int64_t t = th_evdb_cocoa(stmt, 3);
	const char *url = th_evdb_text(stmt, 1);

	th_json_set_new(rec, "id", th_evdb_value(stmt, 0));
	th_json_set_new(rec, "url", th_evdb_value(stmt, 1));
	th_json_set_new(rec, "visit_id", th_evdb_value(stmt, 2));
	th_json_set_new(rec, "timestamp", th_evdb_value(stmt, 3));
	th_json_set_new(rec, "isodate", th_json_time(t));
	th_json_set_new(rec, "redirect_source", th_evdb_value(stmt, 4));
	th_json_set_new(rec, "redirect_destination", th_evdb_value(stmt, 5));
	th_json_set_new(rec, "safari_history_db", th_json_string(c->db_name));
	if (sqlite3_column_type(stmt, 6) != SQLITE_NULL) {
		th_json_set_new(rec, "redirect_destination_url",
		                th_evdb_value(stmt, 6));
		th_json_set_new(rec, "redirect_destination_timestamp",
		                th_evdb_value(stmt, 7));
	}
	snprintf(c->desc, sizeof(c->desc),
	         "Safari visit to %s (ID: %lld, Visit ID: %lld)", url,
	         (long long)sqlite3_column_int64(stmt, 0),
	         (long long)sqlite3_column_int64(stmt, 2));
	th_run_event(run, t, "safari_history", c->desc);
	return TH_OK;
}

static const struct th_evdb_need need[] = {
        {.table = "history_items"}, {.table = "history_visits"}, {0}};

static const struct th_evdb_select visits = {
        .need = need,
        .missing = "history tables",
        .build = build_sql,
        .fill = fill,
};

static enum th_status read_db(struct th_run *run, struct th_sqlite *db,
                              const struct th_file *file, void *arg)
{
	/* Each record names the History.db it came from. */
	struct ctx c = {.db_name = file->name};

	(void)arg;
	return th_evdb_select(run, db, file, &visits, &c);
}

static enum th_status safari_history_run(struct th_run *run)
{
	return th_evdb_each(run, artifacts, "Safari History.db", read_db, NULL);
}

/* The registrable domain of a URL's host into out; 0 when it has none. */
static int site_of(const char *url, char *out, size_t cap)
{
	char host[TH_HOST_MAX];

	if (!url ||
	    th_url_host(url, strlen(url), host, sizeof(host), NULL) != TH_OK)
		return 0;
	snprintf(out, cap, "%s", th_domain_registrable(host));
	return 1;
}

/* An http:// visit redirected to another site in under a second: what a
 * network injection (Pegasus's 2019-2021 Safari vector) leaves. */
static void check_injection(struct th_run *run, const json_t *rec, int64_t t)
{
	const char *url = th_rec_str(rec, "url"),
	           *dest = th_rec_str(rec, "redirect_destination_url");
	const json_t *t0 = json_object_get(rec, "timestamp"),
	             *t1 = json_object_get(rec,
	                                   "redirect_destination_timestamp");
	char from[TH_HOST_MAX], to[TH_HOST_MAX];
	double elapsed;

	if (!url || !dest || strncasecmp(url, "http://", 7) != 0 ||
	    !json_is_number(t0) || !json_is_number(t1))
		return;
	if (!site_of(url, from, sizeof(from)) ||
	    !site_of(dest, to, sizeof(to)) || strcmp(from, to) == 0)
		return;
	elapsed = json_number_value(t1) - json_number_value(t0);
	if (!isfinite(elapsed) || elapsed < 0 || elapsed >= 1.0)
		return;
	th_run_alert(run, TH_LEVEL_MEDIUM, t, rec, NULL, dest,
	             "http visit to '%s' redirected in %.0f ms to '%s' on "
	             "another site: a sign of network injection",
	             url, elapsed * 1000.0, dest);
}

static void safari_history_check(struct th_run *run, const json_t *rec)
{
	int64_t t = th_rec_time(rec, "isodate");

	check_injection(run, rec, t);
	/* The destination is a visit of its own, checked as its record. */
	th_rec_check(run, rec, "url", TH_MATCH_URL, TH_LEVEL_CRITICAL, t);
}

const struct th_module th_mod_safari_history = {
        .slug = "safari_history",
        .title = "Safari visits, and redirects that look like injection",
        .sources = TH_SRC_IOS_BACKUP | TH_SRC_IOS_FS,
        .shape = TH_RECORDS_LIST,
        .run = safari_history_run,
        .check = safari_history_check,
        .artifacts = artifacts,
};
