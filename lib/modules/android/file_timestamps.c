/* aqf_log_timestamps and bugreport_timestamps: the modification times of
 * the files of an acquisition's logs/ folder and of a bugreport's
 * members, as records and timeline events. */
#include <string.h>

#include "core/jsonutil.h"
#include "modules/android/android_modules.h"
#include "modules/android/android_util.h"
#include "sources/androidqf.h"
#include "sources/bugreport.h"

static enum th_status emit_members(struct th_run *run, struct th_afs *a,
                                   const char *prefix)
{
	const struct th_afs_member *m;
	enum th_status st = TH_OK;
	size_t i, n = 0, plen = strlen(prefix);
	json_t *rec;

	for (i = 0; st == TH_OK && (m = th_afs_at(a, i)) != NULL; i++) {
		if (strncmp(m->name, prefix, plen) != 0 ||
		    m->mtime == TH_TIME_NONE)
			continue;
		if (!(rec = json_object()))
			return TH_ERR_NOMEM;
		th_jset(rec, "file", th_json_string(m->name));
		th_jset(rec, "timestamp", th_json_time(m->mtime));
		th_jset(rec, "size",
		        m->size < 0 ? json_null() : json_integer(m->size));
		th_run_event(run, m->mtime, "file_timestamp", m->name);
		st = th_run_record(run, rec);
		n++;
	}
	if (st == TH_OK && n == 0)
		return th_run_fail(run, TH_ERR_NOTFOUND, "no %s files",
		                   *prefix ? prefix : "timestamped");
	return st;
}

static enum th_status logs_run(struct th_run *run)
{
	struct th_afs *a = th_aqf_afs_of(th_run_source(run));

	if (!a)
		return th_run_fail(run, TH_ERR_NOTFOUND,
		                   "not an androidqf "
		                   "acquisition");
	return emit_members(run, a, "logs/");
}

static enum th_status bugreport_run(struct th_run *run)
{
	struct th_br *br = th_br_of(th_run_source(run));

	if (!br)
		return th_run_fail(run, TH_ERR_NOTFOUND, "no bugreport");
	return emit_members(run, th_br_afs(br), "");
}

const struct th_module th_mod_aqf_log_timestamps = {
        .slug = "aqf_log_timestamps",
        .title = "times of the acquisition's log files (androidqf logs/)",
        .sources = TH_SRC_ANDROIDQF,
        .shape = TH_RECORDS_LIST,
        .run = logs_run,
};

const struct th_module th_mod_bugreport_timestamps = {
        .slug = "bugreport_timestamps",
        .title = "times of the bugreport's files",
        .sources = TH_SRC_BUGREPORT,
        .shape = TH_RECORDS_LIST,
        .run = bugreport_run,
};
