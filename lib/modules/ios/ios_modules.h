/* The iOS modules, one file each. */
#ifndef TH_MODULES_IOS_H
#define TH_MODULES_IOS_H

#include "modules/module.h"

extern const struct th_module th_mod_backup_info;
extern const struct th_module th_mod_manifest;
/* messages and browsers (msgweb) */
extern const struct th_module th_mod_sms;
extern const struct th_module th_mod_sms_attachments;
extern const struct th_module th_mod_shortcuts;
extern const struct th_module th_mod_whatsapp;
extern const struct th_module th_mod_whatsapp_contacts;
extern const struct th_module th_mod_safari_history;
extern const struct th_module th_mod_safari_browser_state;
extern const struct th_module th_mod_chrome_history;
extern const struct th_module th_mod_chrome_favicon;
extern const struct th_module th_mod_firefox_history;
extern const struct th_module th_mod_firefox_favicon;
extern const struct th_module th_mod_webkit_resource_load_statistics;
extern const struct th_module th_mod_webkit_session_resource_log;
/* filesystem dumps and sysdiagnose (fsdump) */
extern const struct th_module th_mod_shutdown_log;
extern const struct th_module th_mod_sysdiagnose_info;
extern const struct th_module th_mod_sysdiagnose_processes;
extern const struct th_module th_mod_sysdiagnose_crashes;
extern const struct th_module th_mod_sysdiagnose_installs;
extern const struct th_module th_mod_filesystem;
extern const struct th_module th_mod_netusage;
extern const struct th_module th_mod_webkit_indexeddb;
extern const struct th_module th_mod_webkit_local_storage;
extern const struct th_module th_mod_webkit_safari_view_service;
extern const struct th_module th_mod_cache_files;
extern const struct th_module th_mod_safari_favicon;
extern const struct th_module th_mod_ios_version_history;
extern const struct th_module th_mod_analytics;
extern const struct th_module th_mod_analytics_ios_versions;

/* system, apps and network usage (sysapps) */
extern const struct th_module th_mod_configuration_profiles;
extern const struct th_module th_mod_profile_events;
extern const struct th_module th_mod_calls;
extern const struct th_module th_mod_contacts;
extern const struct th_module th_mod_id_status_cache;
extern const struct th_module th_mod_interaction_c;
extern const struct th_module th_mod_locationd_clients;
extern const struct th_module th_mod_os_analytics_ad_daily;
extern const struct th_module th_mod_datausage;
extern const struct th_module th_mod_tcc;
extern const struct th_module th_mod_applications;
extern const struct th_module th_mod_calendar;
extern const struct th_module th_mod_global_preferences;
extern const struct th_module th_mod_triangulation;

#endif
