/* aqf_settings: androidqf's settings_<namespace>.txt files ("key=value"
 * lines) as one object {namespace: {key: value}} (MVT's shape); values
 * that weaken the device's protections are medium alerts. */
#include <stdlib.h>
#include <string.h>

#include "core/jsonutil.h"
#include "modules/android/android_modules.h"
#include "modules/android/android_util.h"

#define SETTINGS_MAX ((size_t)64 << 20)
#define NS_MAX       64

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

static int on_file(void *ctx, const char *name, char *data, size_t len)
{
	json_t *all = ctx, *kv = json_object();
	char ns[NS_MAX], *line = data, *end, *eq;

	namespace_of(name, ns);
	while (kv && line < data + len) {
		end = memchr(line, '\n', (size_t)(data + len - line));
		if (!end)
			end = data + len;
		*end = '\0';
		if (end > line && end[-1] == '\r')
			end[-1] = '\0';
		eq = strchr(line, '=');
		if (eq && eq > line) {
			*eq = '\0';
			/* A key that is not UTF-8 is dropped by jansson. */
			json_object_set_new(kv, line, th_json_string(eq + 1));
		}
		line = end + 1;
	}
	if (kv)
		json_object_set_new(all, ns, kv);
	return 0;
}

static enum th_status settings_run(struct th_run *run)
{
	json_t *all = json_object();
	enum th_status st;

	if (!all)
		return TH_ERR_NOMEM;
	st = th_android_each(run, "settings_*.txt", SETTINGS_MAX, on_file, all);
	if (st != TH_OK) {
		json_decref(all);
		return st;
	}
	return th_run_record(run, all);
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
