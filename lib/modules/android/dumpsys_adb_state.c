/* dumpsys_adb_state: the adb service's trusted user keys (MD5
 * fingerprints of the decoded keys) and keystore. With an androidqf
 * acquisition, trusted keys other than the acquiring host's are worth a
 * look: someone else's computer was allowed to debug the phone. */
#include <stdlib.h>
#include <string.h>

#include "core/fsutil.h"
#include "modules/android/android_modules.h"
#include "modules/android/android_util.h"
#include "modules/android/dumpsys_glue.h"

#define ACQ_MAX ((size_t)1 << 20)

static void adb_check(struct th_run *run, const json_t *rec)
{
	const json_t *k;
	size_t i;

	json_array_foreach(json_object_get(rec, "user_keys"), i, k) th_run_log(
	        run, TH_LOG_DEBUG,
	        "trusted adb key for user '%s' with fingerprint "
	        "'%s'",
	        th_jstr(k, "user") ? th_jstr(k, "user") : "",
	        th_jstr(k, "fingerprint") ? th_jstr(k, "fingerprint") : "");
}

struct acq_read {
	json_t *acq;
	struct th_err err;
};

static int on_acq(void *ctx, const struct th_file *f)
{
	struct acq_read *r = ctx;
	char *data = NULL;
	size_t len;

	if (th_read_file(f->local_path, ACQ_MAX, &data, &len, &r->err) == TH_OK)
		r->acq = json_loadb(data, len, 0, NULL);
	free(data);
	return 1;
}

/* Whether any string in acquisition.json (at any depth up to 4) holds
 * the key or its fingerprint. */
static int acq_has(const json_t *v, const char *key, const char *fp, int depth)
{
	const char *s, *k;
	const json_t *c;
	size_t i;

	if ((s = json_string_value(v)))
		return (key && *key && strstr(s, key)) ||
		       (fp && *fp && strcmp(s, fp) == 0);
	if (depth > 4)
		return 0;
	json_object_foreach((json_t *)v, k,
	                    c) if (acq_has(c, key, fp, depth + 1)) return 1;
	json_array_foreach(v, i,
	                   c) if (acq_has(c, key, fp, depth + 1)) return 1;
	return 0;
}

static void foreign_keys(struct th_run *run, const json_t *rec)
{
	static const struct th_artifact acq_art = {.android_glob =
	                                                   "acquisition.json"};
	struct acq_read r = {0};
	struct th_err err = {0};
	json_t *acq;
	const json_t *k;
	size_t i;

	if (!(th_source_kinds(th_run_source(run)) & TH_SRC_ANDROIDQF))
		return;
	/* Without acquisition.json no key can be told foreign; short of
	 * memory, the module must not look complete. */
	if (th_source_find(th_run_source(run), &acq_art, on_acq, &r, &err) ==
	    TH_ERR_NOMEM)
		th_run_warn(run, TH_ERR_NOMEM, "%s", err.msg);
	else if (r.err.status == TH_ERR_NOMEM)
		th_run_warn(run, TH_ERR_NOMEM, "%s", r.err.msg);
	acq = r.acq;
	if (!json_is_object(acq)) {
		json_decref(acq);
		return;
	}
	json_array_foreach(json_object_get(rec, "user_keys"), i, k)
	{
		if (acq_has(acq, th_jstr(k, "key"), th_jstr(k, "fingerprint"),
		            0))
			continue;
		th_run_alert(run, TH_LEVEL_LOW, TH_TIME_NONE, rec, NULL,
		             th_jstr(k, "fingerprint"),
		             "adb trusts key '%s' of '%s', which is not the "
		             "acquiring computer's",
		             th_jstr(k, "fingerprint")
		                     ? th_jstr(k, "fingerprint")
		                     : "",
		             th_jstr(k, "user") ? th_jstr(k, "user") : "");
	}
	json_decref(acq);
}

static void adb_event(struct th_run *run, const json_t *rec)
{
	foreign_keys(run, rec);
}

static enum th_status adb_run(struct th_run *run)
{
	return th_dsm_run(run, "adb", th_dumpsys_adb_each, adb_event);
}

static const struct th_artifact adb_artifacts[] = {
        {.android_glob = "acquisition.json"},
        {0},
};

const struct th_module th_mod_dumpsys_adb_state = {
        .slug = "dumpsys_adb_state",
        .title = "trusted adb keys (dumpsys adb)",
        .sources = TH_SRC_BUGREPORT | TH_SRC_ANDROIDQF,
        .shape = TH_RECORDS_LIST,
        .run = adb_run,
        .check = adb_check,
        .artifacts = adb_artifacts,
};
