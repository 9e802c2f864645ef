/*
 * triangulation: Operation Triangulation's pattern in a backup (Kaspersky,
 * 2023; shared reference/ios.md 6). BackupAgent (not the legitimate
 * BackupAgent2) using the network, in DataUsage or addaily's
 * netUsageBaseline, within 5 minutes of the births of SMS attachment
 * folders (the implant deletes the attachment but not its folder) and of
 * com.apple.ImageIO.plist, com.apple.locationd.StatusBarIconManager.plist
 * or com.apple.imservice.ids.FaceTime.plist. A real attachment file in a
 * folder cancels that folder. Medium; critical when BackupAgent is itself
 * a process indicator. Manifest rows are read in one pass, keeping only
 * the rows close to a BackupAgent time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonutil.h"
#include "core/timeconv.h"
#include "formats/plist_util.h"
#include "modules/ios/ios_modules.h"
#include "modules/ios/evdb.h"
#include "sources/ios_backup.h"

#define WINDOW      (INT64_C(300) * 1000000) /* 5 minutes, in µs */
#define TIMES_MAX   1024
#define CANDS_MAX   256
#define ATTACHMENTS "Library/SMS/Attachments/"
#define PREFS       "Library/Preferences/"
#define AGENT       "BackupAgent"

static const char *const pref_files[] = {
        "com.apple.ImageIO.plist",
        "com.apple.locationd.StatusBarIconManager.plist",
        "com.apple.imservice.ids.FaceTime.plist",
        NULL,
};

static const struct th_artifact tri_artifacts[] = {
        {.backup_domain = "WirelessDomain",
         .backup_path = "Library/Databases/DataUsage.sqlite"},
        {.backup_domain = "HomeDomain",
         .backup_path =
                 "Library/Preferences/com.apple.osanalytics.addaily.plist"},
        {0},
};

struct cand {
	char *path;
	int64_t birth;
	int cancelled;
};

struct tri {
	struct th_run *run;
	int64_t times[TIMES_MAX]; /* BackupAgent times, µs */
	size_t ntimes;
	struct cand folders[CANDS_MAX], prefs[CANDS_MAX];
	size_t nfolders, nprefs, dropped;
};

static void add_time(struct tri *t, int64_t v)
{
	if (v != TH_TIME_NONE && t->ntimes < TIMES_MAX)
		t->times[t->ntimes++] = v;
}

static int datausage_times(void *ctx, const struct th_file *f)
{
	struct tri *t = ctx;
	struct th_run *run = t->run;
	struct th_sqlite *db = NULL;
	sqlite3_stmt *stmt = NULL;
	struct th_err err = {0};
	enum th_status st;
	int rc = SQLITE_DONE;

	/* datausage reports a bad database; here it is only no data. */
	st = th_evdb_open(f, &db, &err);
	if (st != TH_OK) {
		if (st == TH_ERR_NOMEM)
			th_run_warn(run, st, "%s", err.msg);
		else
			th_run_log(run, TH_LOG_DEBUG, "%s", err.msg);
		return 0;
	}
	if (sqlite3_prepare_v2(
	            db->db,
	            "SELECT l.ZTIMESTAMP FROM ZLIVEUSAGE l JOIN ZPROCESS p ON "
	            "l.ZHASPROCESS = p.Z_PK WHERE p.ZPROCNAME = '" AGENT "' "
	            "UNION SELECT ZFIRSTTIMESTAMP FROM ZPROCESS WHERE "
	            "ZPROCNAME = '" AGENT "' UNION SELECT ZTIMESTAMP FROM "
	            "ZPROCESS WHERE ZPROCNAME = '" AGENT "'",
	            -1, &stmt, NULL) != SQLITE_OK)
		th_run_log(run, TH_LOG_DEBUG, "%s: %s: no data", f->name,
		           sqlite3_errmsg(db->db));
	while (stmt && (rc = sqlite3_step(stmt)) == SQLITE_ROW)
		if (sqlite3_column_type(stmt, 0) != SQLITE_NULL)
			add_time(t, th_time_from_cocoa(
			                    sqlite3_column_double(stmt, 0)));
	if (th_sqlite_nomem(db->db) && (!stmt || rc != SQLITE_DONE))
		th_run_warn(run, TH_ERR_NOMEM, "cannot read '%s': %s", f->name,
		            "out of memory");
	sqlite3_finalize(stmt);
	th_sqlite_close(db);
	return 0;
}

static int addaily_times(void *ctx, const struct th_file *f)
{
	struct tri *t = ctx;
	plist_t root = NULL, base, agent;
	struct th_err err = {0};
	enum th_status st = th_evplist_read(f, &root, &err);

	if (st != TH_OK) {
		if (st == TH_ERR_NOMEM)
			th_run_warn(t->run, st, "%s", err.msg);
		else
			th_run_log(t->run, TH_LOG_DEBUG, "%s", err.msg);
		return 0;
	}
	base = plist_get_node_type(root) == PLIST_DICT
	               ? plist_dict_get_item(root, "netUsageBaseline")
	               : NULL;
	agent = plist_get_node_type(base) == PLIST_DICT
	                ? plist_dict_get_item(base, AGENT)
	                : NULL;
	if (plist_get_node_type(agent) == PLIST_ARRAY)
		add_time(ctx,
		         th_plist_date_time(plist_array_get_item(agent, 0)));
	plist_free(root);
	return 0;
}

static int near_agent(const struct tri *t, int64_t when)
{
	size_t i;

	for (i = 0; i < t->ntimes; i++)
		if (when >= t->times[i] - WINDOW &&
		    when <= t->times[i] + WINDOW)
			return 1;
	return 0;
}

/* An attachment folder: a directory at least two levels below
 * Attachments ("Attachments/ab/11", "Attachments/ab/11/<GUID>"). */
static int is_attachment_folder(const char *rel, int64_t flags)
{
	const char *p;

	if (flags != 2 || strncmp(rel, ATTACHMENTS, strlen(ATTACHMENTS)))
		return 0;
	p = rel + strlen(ATTACHMENTS);
	return *p && strchr(p, '/') && p[strlen(p) - 1] != '/';
}

static int is_pref_file(const char *rel)
{
	size_t i;

	if (strncmp(rel, PREFS, strlen(PREFS)))
		return 0;
	for (i = 0; pref_files[i]; i++)
		if (strcmp(rel + strlen(PREFS), pref_files[i]) == 0)
			return 1;
	return 0;
}

static void keep(struct tri *t, struct cand *list, size_t *n,
                 const struct th_manifest_row *row)
{
	if (*n >= CANDS_MAX) {
		t->dropped++;
		return;
	}
	list[*n].path = strdup(row->relative_path);
	list[*n].birth = row->meta.birth;
	list[*n].cancelled = 0;
	if (list[*n].path)
		(*n)++;
	else
		th_run_warn(t->run, TH_ERR_NOMEM, "%s",
		            "cannot keep a Manifest row: out of memory");
}

static int on_row(void *ctx, const struct th_manifest_row *row)
{
	struct tri *t = ctx;

	if (!row->meta_ok || row->meta.birth == TH_TIME_NONE || !row->domain ||
	    strcmp(row->domain, "HomeDomain") != 0 || !row->relative_path ||
	    !near_agent(t, row->meta.birth))
		return 0;
	if (is_attachment_folder(row->relative_path, row->flags))
		keep(t, t->folders, &t->nfolders, row);
	else if (row->flags == 1 && is_pref_file(row->relative_path))
		keep(t, t->prefs, &t->nprefs, row);
	return 0;
}

static int found_file(void *ctx, const struct th_file *f)
{
	(void)f;
	*(int *)ctx = 1;
	return 1;
}

/* Whether a stored file lies anywhere under the folder: a glob of the
 * folder with fnmatch's special characters escaped, then "/ *". */
static int has_attachment(struct th_run *run, const char *folder)
{
	char glob[2048];
	size_t i, n = 0;
	int found = 0;
	struct th_err err = {0};
	struct th_artifact art = {.backup_domain = "HomeDomain"};
	enum th_status st;

	for (i = 0; folder[i] && n + 4 < sizeof(glob); i++) {
		if (strchr("*?[\\", folder[i]))
			glob[n++] = '\\';
		glob[n++] = folder[i];
	}
	if (folder[i])
		return 1; /* too long to check: do not accuse it */
	memcpy(glob + n, "/*", 3);
	art.backup_path = glob;
	st = th_source_find(th_run_source(run), &art, found_file, &found, &err);
	if (st != TH_OK)
		th_run_warn(run, st, "%s", err.msg);
	return found;
}

static int cmp_time(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static json_t *in_window(struct cand *list, size_t n, int64_t lo, int64_t hi)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; arr && i < n; i++)
		if (!list[i].cancelled && list[i].birth >= lo - WINDOW &&
		    list[i].birth <= hi + WINDOW)
			th_json_append_new(
			        arr,
			        json_pack("{s:o,s:o}", "path",
			                  th_json_string(list[i].path), "birth",
			                  th_json_time(list[i].birth)));
	return arr;
}

/* One record and alert for a cluster of BackupAgent times [lo, hi]. */
static enum th_status report(struct tri *t, int64_t lo, int64_t hi,
                             const struct th_ioc *ioc)
{
	json_t *folders = in_window(t->folders, t->nfolders, lo, hi),
	       *prefs = in_window(t->prefs, t->nprefs, lo, hi), *rec;

	if (!folders || !prefs || !json_array_size(folders) ||
	    !json_array_size(prefs)) {
		json_decref(folders);
		json_decref(prefs);
		return folders && prefs ? TH_OK : TH_ERR_NOMEM;
	}
	rec = json_pack("{s:o,s:o,s:o,s:o}", "isodate", th_json_time(lo),
	                "last_isodate", th_json_time(hi), "attachment_folders",
	                folders, "preference_files", prefs);
	if (!rec)
		return TH_ERR_NOMEM;
	th_run_event(t->run, lo, "triangulation",
	             "BackupAgent network use near SMS attachment folder "
	             "and preference file births");
	th_run_alert(t->run, ioc ? TH_LEVEL_CRITICAL : TH_LEVEL_MEDIUM, lo, rec,
	             ioc, ioc ? AGENT : NULL,
	             "Operation Triangulation pattern: BackupAgent used the "
	             "network within 5 minutes of the births of %zu empty SMS "
	             "attachment folder(s) and %zu of the ImageIO, "
	             "StatusBarIconManager and FaceTime preference files",
	             json_array_size(folders), json_array_size(prefs));
	return th_run_record(t->run, rec);
}

static enum th_status correlate(struct tri *t)
{
	const struct th_ioc *ioc =
	        th_run_iocs(t->run) ? th_iocs_match(th_run_iocs(t->run),
	                                            TH_MATCH_PROCESS, AGENT)
	                            : NULL;
	enum th_status st = TH_OK;
	size_t i, j;

	for (i = 0; i < t->nfolders; i++)
		t->folders[i].cancelled =
		        has_attachment(t->run, t->folders[i].path);
	qsort(t->times, t->ntimes, sizeof(t->times[0]), cmp_time);
	/* Times closer than the window make one cluster: one alert. */
	for (i = 0; i < t->ntimes && st == TH_OK; i = j) {
		for (j = i + 1;
		     j < t->ntimes && t->times[j] - t->times[j - 1] <= WINDOW;
		     j++)
			;
		st = report(t, t->times[i], t->times[j - 1], ioc);
	}
	return st;
}

static void free_cands(struct tri *t)
{
	size_t i;

	for (i = 0; i < t->nfolders; i++)
		free(t->folders[i].path);
	for (i = 0; i < t->nprefs; i++)
		free(t->prefs[i].path);
}

static enum th_status tri_run(struct th_run *run)
{
	struct th_backup *b = th_backup_of(th_run_source(run));
	struct th_err err = {0};
	enum th_status st;
	struct tri *t;
	int i;

	if (!b)
		return th_run_fail(run, TH_ERR_NOTFOUND, "%s",
		                   "the Triangulation check needs a backup");
	t = calloc(1, sizeof(*t));
	if (!t)
		return TH_ERR_NOMEM;
	t->run = run;
	/* Either artifact may be absent: that is no BackupAgent time. */
	for (i = 0; i < 2; i++) {
		st = th_source_find(th_run_source(run), &tri_artifacts[i],
		                    i ? addaily_times : datausage_times, t,
		                    &err);
		if (st != TH_OK && st != TH_ERR_NOTFOUND)
			th_run_warn(run, st, "%s", err.msg);
	}
	st = TH_OK;
	if (t->ntimes == 0)
		th_run_log(run, TH_LOG_INFO, "%s",
		           "no BackupAgent network use: nothing to correlate");
	else
		st = th_backup_each_row(b, on_row, t, &err);
	if (st != TH_OK)
		th_run_fail(run, st, "%s", err.msg);
	else if (t->ntimes)
		st = correlate(t);
	if (t->dropped)
		th_run_log(
		        run, TH_LOG_WARN,
		        "%zu Manifest rows near BackupAgent not kept (limit)",
		        t->dropped);
	free_cands(t);
	free(t);
	return st;
}

const struct th_module th_mod_triangulation = {
        .slug = "triangulation",
        .title = "Operation Triangulation's BackupAgent pattern",
        .sources = TH_SRC_IOS_BACKUP,
        .shape = TH_RECORDS_LIST,
        .run = tri_run,
        .artifacts = tri_artifacts,
};
