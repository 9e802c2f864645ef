/* aqf_settings: androidqf's settings_<namespace>.txt files ("key=value"
 * lines) as one object {namespace: {key: value}} (MVT's shape); values
 * that weaken the device's protections are medium alerts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonutil.h"
#include "formats/settings.h"
#include "modules/android/android_modules.h"
#include "modules/android/android_util.h"

#define SETTINGS_MAX ((size_t)64 << 20)
#define NS_MAX       64
/* A phone has a few hundred settings a namespace. The record is one
 * object held whole (MVT's shape), so a file of millions of keys is cut
 * here rather than grown to gigabytes (5 million keys took 1 GiB). */
#define KEYS_MAX 100000

struct unsafe_setting {
	const char *key;
	const char *safe;
	const char *what;
};

static const struct unsafe_setting unsafe[] = {
        {"package_verifier_enable", "1", "disabled Google Play Protect"},
        {"package_verifier_state", "1", "disabled APK package verification"},
        {"package_verifier_user_consent", "1", "disabled Google Play Protect"},
        {"verifier_verify_adb_installs", "1",
         "disabled verification of apps installed by adb"},
        {"upload_apk_enable", "1",
         "disabled Google Play Protect's upload of unknown apps"},
        {"adb_install_need_confirm", "1",
         "disabled the confirmation of apps installed by adb"},
        {"send_security_reports", "1",
         "disabled the sending of security reports"},
        {"samsung_errorlog_agree", "1",
         "disabled the sending of error logs to Samsung"},
        {"send_action_app_error", "1",
         "disabled the sending of app error reports"},
        {"accessibility_enabled", "0", "enabled accessibility services"},
};

static void settings_check(struct th_run *run, const json_t *rec)
{
	const char *ns, *v;
	json_t *kv;
	size_t i;

	json_object_foreach((json_t *)rec, ns, kv)
	{
		for (i = 0; i < sizeof(unsafe) / sizeof(unsafe[0]); i++) {
			v = th_jstr(kv, unsafe[i].key);
			if (!v || strcmp(v, unsafe[i].safe) == 0)
				continue;
			th_run_alert(run, TH_LEVEL_MEDIUM, TH_TIME_NONE, NULL,
			             NULL, unsafe[i].key,
			             "unsafe setting '%s = %s' in %s (%s)",
			             unsafe[i].key, v, ns, unsafe[i].what);
		}
	}
}

/* "settings_secure.txt" -> "secure". */
static void namespace_of(const char *name, char ns[NS_MAX])
{
	const char *b = strrchr(name, '/'), *dot;
	size_t n;

	b = b ? b + 1 : name;
	b += strncmp(b, "settings_", 9) == 0 ? 9 : 0;
	dot = strrchr(b, '.');
	n = dot ? (size_t)(dot - b) : strlen(b);
	if (n >= NS_MAX)
		n = NS_MAX - 1;
	memcpy(ns, b, n);
	ns[n] = '\0';
}

struct walk {
	struct th_run *run;
	json_t *all;
	json_t *kv;  /* the settings of the file being read */
	size_t keys; /* read in all files */
	enum th_status st;
	char name[256]; /* the file that ran out of memory */
};

/* obj[key] = v (stolen), the key made valid UTF-8 first: a key that is
 * not UTF-8 is kept with U+FFFD rather than dropped by jansson. Only
 * memory can fail then. */
static enum th_status set_repaired(json_t *obj, const char *key, size_t key_len,
                                   json_t *v)
{
	json_t *k = th_json_stringn(key, key_len);
	int rc;

	/* th_json_stringn gives JSON null when memory ran out. */
	if (!json_is_string(k) || !v || json_is_null(v)) {
		json_decref(k);
		json_decref(v);
		return TH_ERR_NOMEM;
	}
	rc = json_object_setn_new(obj, json_string_value(k),
	                          json_string_length(k), v);
	json_decref(k);
	return rc == 0 ? TH_OK : TH_ERR_NOMEM;
}

static int on_setting(void *ctx, const char *key, size_t key_len,
                      const char *value, size_t value_len)
{
	struct walk *w = ctx;

	if (w->keys == KEYS_MAX) {
		w->st = TH_ERR_LIMIT;
		return 1;
	}
	w->keys++;
	w->st = set_repaired(w->kv, key, key_len,
	                     th_json_stringn(value, value_len));
	return w->st != TH_OK;
}

static int on_file(void *ctx, const char *name, char *data, size_t len)
{
	struct walk *w = ctx;
	char ns[NS_MAX];
	size_t bad = 0;

	namespace_of(name, ns);
	w->kv = json_object();
	w->st = w->kv ? TH_OK : TH_ERR_NOMEM;
	if (w->kv)
		th_settings_each(data, len, on_setting, w, &bad);
	if (bad)
		th_run_log(w->run, TH_LOG_DEBUG,
		           "'%s': %zu lines are not settings", name, bad);
	/* Past the limit, what was read stays and the rest is said. */
	if (w->st == TH_ERR_LIMIT)
		th_run_warn(w->run, TH_ERR_LIMIT,
		            "'%s': more than %d settings in all: the rest are "
		            "ignored",
		            name, KEYS_MAX);
	if (w->st == TH_OK || w->st == TH_ERR_LIMIT)
		w->st = set_repaired(w->all, ns, strlen(ns), w->kv) == TH_OK
		                ? w->st
		                : TH_ERR_NOMEM;
	else
		json_decref(w->kv);
	w->kv = NULL;
	if (w->st == TH_ERR_NOMEM)
		snprintf(w->name, sizeof(w->name), "%s", name);
	return w->st != TH_OK;
}

static enum th_status settings_run(struct th_run *run)
{
	struct walk w = {.run = run, .all = json_object(), .st = TH_OK};
	enum th_status st;

	if (!w.all)
		return TH_ERR_NOMEM;
	st = th_android_each(run, "settings_*.txt", SETTINGS_MAX, on_file, &w);
	if (st == TH_OK && w.st == TH_ERR_NOMEM)
		st = th_run_fail(run, w.st,
		                 "cannot store the settings of '%s': %s",
		                 w.name, th_status_str(w.st));
	if (st != TH_OK) {
		json_decref(w.all);
		return st;
	}
	return th_run_record(run, w.all);
}

static const struct th_artifact settings_artifacts[] = {
        {.android_glob = "settings_*.txt"},
        {0},
};

const struct th_module th_mod_aqf_settings = {
        .slug = "aqf_settings",
        .title = "system, secure and global settings (androidqf)",
        .sources = TH_SRC_ANDROIDQF,
        .shape = TH_RECORDS_OBJECT,
        .run = settings_run,
        .check = settings_check,
        .artifacts = settings_artifacts,
};
