/* Package and setting lists the Android heuristics use (shared
 * reference/android.md), NULL-terminated. */
#ifndef TH_MODULES_ANDROID_LISTS_H
#define TH_MODULES_ANDROID_LISTS_H

extern const char *const th_android_root_packages[];
extern const char *const th_android_security_packages[];
extern const char *const th_android_update_packages[];
extern const char *const th_android_sideload_installers[];
extern const char *const th_android_store_installers[];

#endif
