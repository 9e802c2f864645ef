/*
 * Parsers for the dumpsys sections the dumpsys_* modules read, one
 * function each over a section's text (as th_dumpsys_section gives it).
 * They know nothing of runs or indicators: each calls fn with one JSON
 * record at a time, in MVT's shape, and fn takes the reference (fn
 * returns nonzero to stop early). Unknown or malformed lines are
 * skipped; every count is bounded.
 *
 * All return TH_OK, TH_ERR_NOMEM, or TH_ERR_LIMIT when a section holds
 * more records than any real device writes (the records before the
 * limit were given).
 */
#ifndef TH_FORMATS_DUMPSYS_PARSE_H
#define TH_FORMATS_DUMPSYS_PARSE_H

#include <stddef.h>
#include <jansson.h>
#include <tracehound/th_status.h>

/* Takes the record; NULL when a parser could not allocate it (the
 * receiver then fails with TH_ERR_NOMEM). Nonzero stops the parse. */
typedef int (*th_record_fn)(void *ctx, json_t *record);

/* The shape every parser below has. */
typedef enum th_status (*th_section_each)(const char *text, size_t len,
                                          th_record_fn fn, void *ctx);

/* accessibility: {"package_name", "service", "enabled"} for every
 * installed service (before Android 14: "installed services:" and
 * "enabled services:" blocks) or enabled one (Android 14+: "Enabled
 * services:{{pkg/svc}, ...}"). */
enum th_status th_dumpsys_accessibility_each(const char *text, size_t len,
                                             th_record_fn fn, void *ctx);

/* package, "Activity Resolver Table:" Non-Data Actions:
 * {"intent", "package_name", "activity"}. */
enum th_status th_dumpsys_activities_each(const char *text, size_t len,
                                          th_record_fn fn, void *ctx);

/* package, "Receiver Resolver Table:" Non-Data Actions:
 * {"intent", "package_name", "receiver"}. */
enum th_status th_dumpsys_receivers_each(const char *text, size_t len,
                                         th_record_fn fn, void *ctx);

/* package, "Packages:": one record a package: {"package_name", "uid",
 * "version_name", "version_code", "timestamp", "first_install_time",
 * "last_update_time", "installer_package_name", "pkg_flags",
 * "permissions": [{"name", "granted", "type"}], "requested_permissions"}.
 */
enum th_status th_dumpsys_packages_each(const char *text, size_t len,
                                        th_record_fn fn, void *ctx);

/* appops: one record a package: {"package_name", "uid", "permissions":
 * [{"name", "access", "entries": [{"access", "type", "timestamp"}]}]}. */
enum th_status th_dumpsys_appops_each(const char *text, size_t len,
                                      th_record_fn fn, void *ctx);

/* batterystats "Daily from X to Y:" / "Update pkg vers=N": {"action",
 * "period_start", "period_end", "package_name", "version_code",
 * "occurrences"}; "action" is "uninstall" for vers=0 and "downgrade"
 * (with "previous_version_code") when a version is lower than the one
 * before it, in period order. Holds the section's updates in memory (a
 * few hundred on a real device; bounded). */
enum th_status th_dumpsys_battery_daily_each(const char *text, size_t len,
                                             th_record_fn fn, void *ctx);

/* batterystats "Battery History": {"time_elapsed", "event" (start_job,
 * end_job, wake, start_top, end_top), "uid", "package_name",
 * "service"}. */
enum th_status th_dumpsys_battery_history_each(const char *text, size_t len,
                                               th_record_fn fn, void *ctx);

/* dbinfo recent operations: {"isodate", "pid" (when given), "action",
 * "sql", "path"}. */
enum th_status th_dumpsys_dbinfo_each(const char *text, size_t len,
                                      th_record_fn fn, void *ctx);

/* platform_compat DOWNSCALED rawOverrides: {"package_name"}. */
enum th_status th_dumpsys_platform_compat_each(const char *text, size_t len,
                                               th_record_fn fn, void *ctx);

/* adb: the "debugging_manager" block as one record: its scalar keys
 * ("connected_to_adb", "last_key_received", ...), nested blocks as
 * objects ("adb_wifi"), "user_keys": [{"user", "fingerprint" (MD5 of
 * the decoded key, colon-separated upper-case hex), "key"}] and
 * "keystore": [{"key", "user", "fingerprint", "last_connection"}] from
 * the XML or binary (ABX) keystore. TH_ERR_NOTFOUND when the section
 * has no debugging_manager. */
enum th_status th_dumpsys_adb_each(const char *text, size_t len,
                                   th_record_fn fn, void *ctx);

/* "MD5 of base64 `b64`" as "AB:CD:...": 0 when b64 does not decode. */
int th_adb_key_fingerprint(const char *b64, size_t len, char out[48]);

#endif
