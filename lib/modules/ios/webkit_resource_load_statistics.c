/* webkit_resource_load_statistics: the sites WebKit's tracking
 * prevention observed, per app (observations.db); they stay after the
 * history is wiped. Checked against domain indicators. */
#include <stdio.h>

#include "core/jsonutil.h"
#include "modules/ios/evdb.h"
#include "modules/ios/ios_modules.h"

#define RLS_PATH "Library/WebKit/WebsiteData/ResourceLoadStatistics/"
#define APPS     "private/var/mobile/Containers/Data/Application/*/"

static const struct th_artifact artifacts[] = {
        {.backup_path = RLS_PATH "observations.db",
         .fs_glob = APPS RLS_PATH "observations.db"},
        {.fs_glob = APPS "SystemData/com.apple.SafariViewService/Library/"
                         "WebKit/WebsiteData/observations.db"},
        {0},
};

struct ctx {
	const char *domain, *path;
};

static enum th_status fill(struct th_run *run, sqlite3_stmt *stmt, json_t *rec,
                           void *arg)
{
	struct ctx *c = arg;
	int64_t t = th_evdb_unix(stmt, 2);
	char desc[4096];

	th_json_set_new(rec, "domain_id", th_evdb_value(stmt, 0));
	th_json_set_new(rec, "registrable_domain", th_evdb_value(stmt, 1));
	th_json_set_new(rec, "last_seen", th_evdb_value(stmt, 2));
	th_json_set_new(rec, "had_user_interaction",
	                json_boolean(sqlite3_column_int64(stmt, 3) != 0));
	th_json_set_new(rec, "last_seen_isodate", th_json_time(t));
	th_json_set_new(rec, "domain", th_json_string(c->domain));
	th_json_set_new(rec, "path", th_json_string(c->path));
	snprintf(desc, sizeof(desc), "Webkit resource loaded from %s%s%s",
	         th_evdb_text(stmt, 1), *c->domain ? " by app in domain " : "",
	         c->domain);
	th_run_event(run, t, "visit", desc);
	return TH_OK;
}

static enum th_status build_sql(sqlite3 *db, struct th_buf *sql)
{
	enum th_status st;

	st = th_buf_adds(sql, "SELECT domainID, registrableDomain");
	if (st == TH_OK)
		st = th_evdb_col(sql, db, "ObservedDomains", "lastSeen",
		                 "lastSeen", 1);
	if (st == TH_OK)
		st = th_evdb_col(sql, db, "ObservedDomains",
		                 "hadUserInteraction", "hadUserInteraction", 1);
	if (st == TH_OK)
		st = th_buf_adds(sql,
		                 " FROM ObservedDomains ORDER BY domainID");
	return st;
}

static const struct th_evdb_need need[] = {{.table = "ObservedDomains"}, {0}};

static const struct th_evdb_select domains = {
        .need = need,
        .missing = "ObservedDomains table",
        .build = build_sql,
        .fill = fill,
};

static enum th_status read_db(struct th_run *run, struct th_sqlite *db,
                              const struct th_file *file, void *arg)
{
	/* MVT: the backup domain and relativePath, or the path in a dump. */
	struct ctx c = {.domain = file->domain ? file->domain : "",
	                .path = file->relative_path ? file->relative_path
	                                            : file->name};

	(void)arg;
	return th_evdb_select(run, db, file, &domains, &c);
}

static enum th_status rls_run(struct th_run *run)
{
	return th_evdb_each(run, artifacts, "WebKit observations.db", read_db,
	                    NULL);
}

static void rls_check(struct th_run *run, const json_t *rec)
{
	th_rec_check(run, rec, "registrable_domain", TH_MATCH_DOMAIN,
	             TH_LEVEL_CRITICAL, th_rec_time(rec, "last_seen_isodate"));
}

const struct th_module th_mod_webkit_resource_load_statistics = {
        .slug = "webkit_resource_load_statistics",
        .title = "sites WebKit observed (ResourceLoadStatistics)",
        .sources = TH_SRC_IOS_BACKUP | TH_SRC_IOS_FS,
        .shape = TH_RECORDS_LIST,
        .run = rls_run,
        .check = rls_check,
        .artifacts = artifacts,
};
