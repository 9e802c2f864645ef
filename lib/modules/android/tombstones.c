/* tombstones: native crash reports a bugreport copies from
 * /data/tombstones, as text or protobuf. A crashing process can be an
 * exploit that went wrong: process names are checked against
 * indicators, and a crash of a process running as root, system or shell
 * is worth a look. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/fsutil.h"
#include "core/jsonutil.h"
#include "core/limits.h"
#include "core/timeconv.h"
#include "formats/tombstone.h"
#include "modules/android/android_modules.h"
#include "modules/android/android_util.h"

#define TOMBSTONE_MAX  ((size_t)64 << 20)
#define TOMBSTONE_GLOB "FS/data/tombstones/tombstone_*"

static void tomb_check(struct th_run *run, const json_t *rec)
{
	const char *name = th_jstr(rec, "process_name"), *cmd, *base;
	int64_t t = th_jtime(rec, "timestamp");
	int64_t uid = th_jint(rec, "uid", -1);

	if (th_run_check(run, TH_MATCH_PROCESS, name, TH_LEVEL_CRITICAL, t,
	                 rec))
		return;
	cmd = json_string_value(
	        json_array_get(json_object_get(rec, "command_line"), 0));
	if (cmd) {
		base = strrchr(cmd, '/');
		base = base ? base + 1 : cmd;
		if (*base && th_run_check(run, TH_MATCH_PROCESS, base,
		                          TH_LEVEL_CRITICAL, t, rec))
			return;
	}
	if (uid == 0 || uid == 1000 || uid == 2000)
		th_run_alert(run, TH_LEVEL_MEDIUM, t, rec, NULL, name,
		             "crash of process '%s' running as uid %lld (%s) "
		             "in tombstone '%s'",
		             name ? name : "?", (long long)uid,
		             uid == 0      ? "root"
		             : uid == 1000 ? "system"
		                           : "shell",
		             th_jstr(rec, "file_name")
		                     ? th_jstr(rec, "file_name")
		                     : "?");
}

static void tomb_event(struct th_run *run, const json_t *rec)
{
	const json_t *sig = json_object_get(rec, "signal_info");
	char desc[768];

	snprintf(desc, sizeof(desc),
	         "Crash in '%s' process running as UID '%lld' in file '%s' "
	         "Crash type '%s' with code '%s'",
	         th_jstr(rec, "process_name") ? th_jstr(rec, "process_name")
	                                      : "",
	         (long long)th_jint(rec, "uid", -1),
	         th_jstr(rec, "file_name") ? th_jstr(rec, "file_name") : "",
	         th_jstr(sig, "name") ? th_jstr(sig, "name") : "",
	         th_jstr(sig, "code_name") ? th_jstr(sig, "code_name") : "");
	th_run_event(run, th_jtime(rec, "timestamp"), "Tombstone", desc);
}

struct walk {
	struct th_run *run;
	enum th_status st;
	size_t count;
};

static void add_file_facts(json_t *rec, const struct th_file *f)
{
	struct stat sb;
	int64_t t = TH_TIME_NONE;

	if (stat(f->local_path, &sb) == 0)
		t = th_time_from_unix((double)sb.st_mtime);
	th_jset(rec, "file_name", th_json_string(th_path_base(f->name)));
	th_jset(rec, "file_timestamp", th_json_time(t));
}

static int on_tombstone(void *ctx, const struct th_file *f)
{
	struct walk *w = ctx;
	struct th_err err = {0};
	char *data = NULL;
	size_t len;
	json_t *rec = NULL;
	enum th_status st;

	w->count++;
	st = th_read_artifact(f->local_path, f->name,
	                      th_run_artifact_max(w->run, TOMBSTONE_MAX), &data,
	                      &len, &err);
	if (st == TH_OK)
		st = th_tombstone_parse((unsigned char *)data, len, &rec, &err);
	if (st != TH_OK) {
		th_run_warn(w->run, st, "cannot read '%s': %s", f->name,
		            err.msg);
		free(data);
		return 0;
	}
	free(data);
	add_file_facts(rec, f);
	tomb_event(w->run, rec);
	w->st = th_run_record(w->run, rec);
	return w->st != TH_OK;
}

static const struct th_artifact tomb_artifacts[] = {
        {.android_glob = TOMBSTONE_GLOB},
        {0},
};

static enum th_status tomb_run(struct th_run *run)
{
	struct walk w = {run, TH_OK, 0};
	struct th_err err = {0};
	enum th_status st;

	st = th_source_find(th_run_source(run), &tomb_artifacts[0],
	                    on_tombstone, &w, &err);
	if (st != TH_OK && st != TH_ERR_NOTFOUND)
		return th_run_fail(run, st, "%s", err.msg);
	if (!w.count)
		return th_run_fail(run, TH_ERR_NOTFOUND,
		                   "no tombstones in "
		                   "FS/data/tombstones");
	return w.st;
}

const struct th_module th_mod_tombstones = {
        .slug = "tombstones",
        .title = "native crash reports (bugreport FS/data/tombstones)",
        .sources = TH_SRC_BUGREPORT,
        .shape = TH_RECORDS_LIST,
        .run = tomb_run,
        .check = tomb_check,
        .artifacts = tomb_artifacts,
};
