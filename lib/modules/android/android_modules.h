/* The Android modules, one file each (androidqf, bugreport, backup and
 * intrusion-log evidence). */
#ifndef TH_MODULES_ANDROID_H
#define TH_MODULES_ANDROID_H

#include "modules/module.h"

/* androidqf */
extern const struct th_module th_mod_aqf_packages;
extern const struct th_module th_mod_aqf_processes;
extern const struct th_module th_mod_aqf_get_prop;
extern const struct th_module th_mod_aqf_settings;
extern const struct th_module th_mod_aqf_files;
extern const struct th_module th_mod_aqf_log_timestamps;
extern const struct th_module th_mod_root_binaries;
extern const struct th_module th_mod_mounts;

/* bugreport */
extern const struct th_module th_mod_bugreport_timestamps;

/* dumpsys sections (bugreport, androidqf) and tombstones */
extern const struct th_module th_mod_dumpsys_accessibility;
extern const struct th_module th_mod_dumpsys_activities;
extern const struct th_module th_mod_dumpsys_appops;
extern const struct th_module th_mod_dumpsys_battery_daily;
extern const struct th_module th_mod_dumpsys_battery_history;
extern const struct th_module th_mod_dumpsys_dbinfo;
extern const struct th_module th_mod_dumpsys_get_prop;
extern const struct th_module th_mod_dumpsys_packages;
extern const struct th_module th_mod_dumpsys_platform_compat;
extern const struct th_module th_mod_dumpsys_receivers;
extern const struct th_module th_mod_dumpsys_adb_state;
extern const struct th_module th_mod_tombstones;

/* backup (.ab) */
extern const struct th_module th_mod_android_sms;

/* intrusion logs */
extern const struct th_module th_mod_dns_event;
extern const struct th_module th_mod_connect_event;
extern const struct th_module th_mod_security_event;

#endif
