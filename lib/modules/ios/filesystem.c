/* filesystem: every file and folder of a dump with its mtime, checked
 * against file indicators, and (unless --fast) each path component
 * against process names: spyware often sits in a folder named after
 * its process. */
#include <stdio.h>
#include <string.h>

#include "core/jsonutil.h"
#include "core/timeconv.h"
#include "modules/ios/fsmod.h"
#include "modules/ios/ios_modules.h"
#include "sources/ios_fs.h"

#define COMPONENT_MAX 256

static enum th_status run_filesystem(struct th_run *run)
{
	struct th_source *src = th_run_source(run);
	struct th_tree *t = th_fs_tree(src);
	const char *warning = th_fs_warning(src);
	enum th_status st = TH_OK;
	json_t *rec;
	size_t i;

	if (!t)
		return th_run_fail(run, TH_ERR_NOTFOUND,
		                   "not a filesystem dump");
	if (warning)
		th_run_log(run, TH_LOG_WARN, "%s", warning);
	for (i = 0; i < t->n && st == TH_OK; i++) {
		rec = json_object();
		if (!rec)
			return TH_ERR_NOMEM;
		th_fsmod_set_str(rec, "path", th_tree_path(t, i));
		th_json_set_new(rec, "modified", th_json_time(t->e[i].mtime));
		th_run_event(run, t->e[i].mtime, "entry_modified",
		             th_tree_path(t, i));
		st = th_run_record(run, rec);
	}
	return st;
}

static void check_filesystem(struct th_run *run, const json_t *rec)
{
	const char *path = th_rec_str(rec, "path");
	const char *mod = th_rec_str(rec, "modified");
	int64_t t = mod ? th_time_parse(mod) : TH_TIME_NONE;
	char abs[4096];
	size_t len;

	if (!path || !*path)
		return;
	/* Indicators name device paths ("/private/var/..."). */
	snprintf(abs, sizeof(abs), "%s%s", path[0] == '/' ? "" : "/", path);
	if (th_run_check(run, TH_MATCH_FILE_PATH, abs, TH_LEVEL_HIGH, t, rec))
		return;
	/* A folder indicator is written with its trailing '/'. */
	len = strlen(abs);
	if (len + 2 <= sizeof(abs)) {
		abs[len] = '/';
		abs[len + 1] = '\0';
		if (th_run_check(run, TH_MATCH_FILE_PATH, abs, TH_LEVEL_HIGH, t,
		                 rec))
			return;
	}
	if (!th_run_fast(run))
		th_fsmod_check_components(run, rec, path, COMPONENT_MAX, NULL,
		                          TH_LEVEL_HIGH, t);
}

const struct th_module th_mod_filesystem = {
        .slug = "filesystem",
        .title = "every file and folder of a filesystem dump (path, mtime)",
        .sources = TH_SRC_IOS_FS,
        .shape = TH_RECORDS_LIST,
        .run = run_filesystem,
        .check = check_filesystem,
        .artifacts = NULL,
};
