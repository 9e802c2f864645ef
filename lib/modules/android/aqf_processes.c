/* aqf_processes: androidqf's ps.txt (or processes.txt, or
 * processes.json), one record per process; names vs app-id and process
 * indicators. */
#include <stdlib.h>
#include <string.h>

#include "core/jsonutil.h"
#include "formats/getprop.h"
#include "modules/android/android_modules.h"
#include "modules/android/android_util.h"

#define PS_MAX ((size_t)64 << 20)

static void ps_check(struct th_run *run, const json_t *rec)
{
	const char *name = th_jstr(rec, "proc_name");

	/* gatekeeperd is a real Android daemon whose name collides with a
	 * Pegasus process name. */
	if (!name || !*name || strcmp(name, "gatekeeperd") == 0)
		return;
	if (!th_run_check(run, TH_MATCH_APP_ID, name, TH_LEVEL_CRITICAL,
	                  TH_TIME_NONE, rec))
		th_run_check(run, TH_MATCH_PROCESS, name, TH_LEVEL_CRITICAL,
		             TH_TIME_NONE, rec);
}

static json_t *int_or_string(const char *s)
{
	char *end;
	long long v;

	if (!s || !*s)
		return json_null();
	v = strtoll(s, &end, 10);
	return *end ? th_json_string(s) : json_integer((json_int_t)v);
}

struct ps_walk {
	struct th_run *run;
	enum th_status st;
};

static int on_row(void *ctx, const struct th_ps_row *row)
{
	struct ps_walk *w = ctx;
	json_t *rec = json_object();

	if (!rec) {
		w->st = TH_ERR_NOMEM;
		return 1;
	}
	th_jset(rec, "user", th_json_string(row->user));
	th_jset(rec, "pid", int_or_string(row->pid));
	th_jset(rec, "ppid", int_or_string(row->ppid));
	th_jset(rec, "label",
	        *row->label ? th_json_string(row->label) : json_null());
	th_jset(rec, "proc_name", th_json_string(row->name));
	w->st = th_run_record(w->run, rec);
	return w->st != TH_OK;
}

/* processes.json (newer androidqf): a JSON array of process objects,
 * kept as they are with "proc_name" added from "name" when absent. */
static enum th_status json_item(struct th_run *run, json_t *p)
{
	if (!json_is_object(p))
		return TH_OK;
	if (!json_object_get(p, "proc_name") && th_jstr(p, "name") &&
	    json_object_set(p, "proc_name", json_object_get(p, "name")) != 0)
		return TH_ERR_NOMEM;
	return th_run_record(run, json_incref(p));
}

static enum th_status ps_json(struct th_run *run)
{
	return th_android_json_array(run, "processes.json", PS_MAX, 1,
	                             json_item);
}

static enum th_status ps_run(struct th_run *run)
{
	struct ps_walk w = {run, TH_OK};
	struct th_err err = {0};
	char *data, *name = NULL;
	enum th_status st;
	size_t len;

	st = th_android_read(run, "ps.txt", PS_MAX, &data, &len, &name);
	if (st == TH_ERR_NOTFOUND)
		st = th_android_read(run, "processes.txt", PS_MAX, &data, &len,
		                     &name);
	if (st == TH_ERR_NOTFOUND)
		return ps_json(run);
	if (st != TH_OK)
		return st;
	st = th_ps_each(data, len, on_row, &w, &err);
	if (st != TH_OK)
		th_run_fail(run, st, "cannot read '%s': %s", name, err.msg);
	free(data);
	free(name);
	return st != TH_OK ? st : w.st;
}

static const struct th_artifact ps_artifacts[] = {
        {.android_glob = "ps.txt"},
        {.android_glob = "processes.txt"},
        {.android_glob = "processes.json"},
        {0},
};

const struct th_module th_mod_aqf_processes = {
        .slug = "aqf_processes",
        .title = "running processes (androidqf ps.txt)",
        .sources = TH_SRC_ANDROIDQF,
        .shape = TH_RECORDS_LIST,
        .run = ps_run,
        .check = ps_check,
        .artifacts = ps_artifacts,
};
