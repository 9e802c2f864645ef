#include <stdio.h>
#include <string.h>

#include "modules/module.h"
#include "modules/ios/ios_modules.h"
#include "modules/android/android_modules.h"

/* One row per module. The order is the order modules run and print. */
static const struct th_module *const modules[] = {
        &th_mod_backup_info,
        &th_mod_manifest,
        &th_mod_aqf_packages,
        &th_mod_aqf_processes,
        &th_mod_aqf_get_prop,
        &th_mod_aqf_settings,
        &th_mod_aqf_files,
        &th_mod_aqf_log_timestamps,
        &th_mod_root_binaries,
        &th_mod_mounts,
        &th_mod_bugreport_timestamps,
        &th_mod_dumpsys_accessibility,
        &th_mod_dumpsys_activities,
        &th_mod_dumpsys_appops,
        &th_mod_dumpsys_battery_daily,
        &th_mod_dumpsys_battery_history,
        &th_mod_dumpsys_dbinfo,
        &th_mod_dumpsys_get_prop,
        &th_mod_dumpsys_packages,
        &th_mod_dumpsys_platform_compat,
        &th_mod_dumpsys_receivers,
        &th_mod_dumpsys_adb_state,
        &th_mod_tombstones,
        &th_mod_android_sms,
        &th_mod_dns_event,
        &th_mod_connect_event,
        &th_mod_security_event,
        &th_mod_sms,
        &th_mod_sms_attachments,
        &th_mod_shortcuts,
        &th_mod_whatsapp,
        &th_mod_whatsapp_contacts,
        &th_mod_safari_history,
        &th_mod_safari_browser_state,
        &th_mod_chrome_history,
        &th_mod_chrome_favicon,
        &th_mod_firefox_history,
        &th_mod_firefox_favicon,
        &th_mod_webkit_resource_load_statistics,
        &th_mod_webkit_session_resource_log,
        &th_mod_shutdown_log,
        &th_mod_sysdiagnose_info,
        &th_mod_sysdiagnose_processes,
        &th_mod_sysdiagnose_crashes,
        &th_mod_sysdiagnose_installs,
        &th_mod_filesystem,
        &th_mod_netusage,
        &th_mod_webkit_indexeddb,
        &th_mod_webkit_local_storage,
        &th_mod_webkit_safari_view_service,
        &th_mod_cache_files,
        &th_mod_safari_favicon,
        &th_mod_ios_version_history,
        &th_mod_analytics,
        &th_mod_analytics_ios_versions,
        &th_mod_configuration_profiles,
        &th_mod_profile_events,
        &th_mod_calls,
        &th_mod_contacts,
        &th_mod_id_status_cache,
        &th_mod_interaction_c,
        &th_mod_locationd_clients,
        &th_mod_os_analytics_ad_daily,
        &th_mod_datausage,
        &th_mod_tcc,
        &th_mod_applications,
        &th_mod_calendar,
        &th_mod_global_preferences,
        &th_mod_triangulation,
};

#define NMODULES (sizeof(modules) / sizeof(modules[0]))

size_t th_modules_count(void)
{
	return NMODULES;
}

const struct th_module *th_modules_at(size_t i)
{
	return i < NMODULES ? modules[i] : NULL;
}

const struct th_module *th_modules_find(const char *slug)
{
	size_t i;

	for (i = 0; i < NMODULES; i++)
		if (strcmp(modules[i]->slug, slug) == 0)
			return modules[i];
	return NULL;
}

/* The public view of the registry, for `tracehound modules`. */
static const char *const source_names[] = {
        "ios-backup", "ios-fs",         "sysdiagnose",    "androidqf",
        "bugreport",  "android-backup", "intrusion-logs",
};

static struct th_module_info module_infos[NMODULES];
static char module_sources[NMODULES][160];

size_t th_module_count(void)
{
	return NMODULES;
}

const struct th_module_info *th_module_info_at(size_t i)
{
	size_t b, len = 0;
	char *s;

	if (i >= NMODULES)
		return NULL;
	s = module_sources[i];
	s[0] = '\0';
	for (b = 0; b < sizeof(source_names) / sizeof(source_names[0]); b++) {
		if (!(modules[i]->sources & (1u << b)))
			continue;
		len += (size_t)snprintf(s + len,
		                        sizeof(module_sources[i]) - len, "%s%s",
		                        len ? ", " : "", source_names[b]);
		if (len >= sizeof(module_sources[i]))
			break;
	}
	module_infos[i].slug = modules[i]->slug;
	module_infos[i].title = modules[i]->title;
	module_infos[i].sources = s;
	return &module_infos[i];
}
