/* The dumpsys splitter (lib/formats/dumpsys.c) and the section parsers
 * (lib/formats/dumpsys_*.c) on MVT's dumpsys samples, whose records were
 * counted by hand, and on hand-written hostile or edge-case text. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "formats/dumpsys.h"
#include "formats/dumpsys_parse.h"

#define DATA "fixtures/mvt/android_data/"

static int collect(void *ctx, json_t *rec)
{
	json_array_append_new((json_t *)ctx, rec);
	return 0;
}

/* Runs `parse` over a fixture file; the records, or NULL (skipped). */
static json_t *parse_file(const char *rel, th_section_each parse)
{
	char *path = t_shared(rel), *text;
	size_t len;
	json_t *out;

	if (!path)
		return NULL;
	text = t_slurp(path, &len);
	free(path);
	assert_non_null(text);
	out = json_array();
	assert_int_equal(parse(text, len, collect, out), TH_OK);
	free(text);
	return out;
}

#define PARSE_OR_SKIP(var, file, fn)                                           \
	do {                                                                   \
		(var) = parse_file(DATA file, fn);                             \
		if (!(var)) {                                                  \
			print_message("skipped: ../shared is absent\n");       \
			skip();                                                \
		}                                                              \
	} while (0)

/* --- the splitter --- */

static void test_split_dumpstate(void **state)
{
	struct th_dumpsys *d = NULL;
	struct th_err err = {0};
	const char *body, *name;
	size_t len, blen, nlen;
	char *path, *text;
	int block;

	(void)state;
	T_SHARED_OR_SKIP(path, DATA "bugreport/dumpstate.txt");
	text = t_slurp(path, &len);
	assert_non_null(text);
	assert_int_equal(th_dumpsys_index(text, len, &d, &err), TH_OK);
	/* AAS, appops, appwidget, package, platform_compat. */
	assert_int_equal(th_dumpsys_count(d), 5);
	assert_true(th_dumpsys_at(d, 1, &name, &nlen, &block));
	assert_int_equal(nlen, 6);
	assert_memory_equal(name, "appops", 6);
	assert_false(block);
	assert_int_equal(th_dumpsys_section(d, "AAS", &body, &blen), TH_OK);
	assert_int_equal(blen, 0); /* the footer follows at once */
	assert_int_equal(th_dumpsys_section(d, "appops", &body, &blen), TH_OK);
	assert_true(blen > 100);
	assert_memory_equal(body, "Current AppOps Service state:", 29);
	assert_null(memchr(body, '\0', blen));
	assert_false(t_contains(body, "DUMP OF SERVICE appwidget") &&
	             (size_t)(strstr(body, "DUMP OF SERVICE appwidget") -
	                      body) < blen);
	assert_int_equal(th_dumpsys_section(d, "accessibility", &body, &blen),
	                 TH_ERR_NOTFOUND);
	th_dumpsys_free(d);
	free(text);
	free(path);
}

static void test_split_blocks(void **state)
{
	static const char text[] =
	        "== dumpstate: 2024-01-01 ==\r\n"
	        "------ SYSTEM PROPERTIES (getprop) ------\r\n"
	        "[ro.a]: [1]\r\n"
	        "[ro.b]: [2]\r\n"
	        "------ 0.05s was the duration of 'SYSTEM PROPERTIES' ------\n"
	        "------ DUMPSYS (/system/bin/dumpsys) ------\n"
	        "DUMP OF SERVICE CRITICAL package:\n"
	        "crit\n"
	        "----------------------------\n" /* short: not an end */
	        "more\n"
	        "------------------------------------------------------------"
	        "-------------------\n"
	        "DUMP OF SERVICE adb:\n"
	        "adb body\n"
	        "------ 1.0s was the duration of 'DUMPSYS' ------\n"
	        "------ APP ACTIVITIES (/system/bin/dumpsys activity) ------\n"
	        "tail";
	struct th_dumpsys *d = NULL;
	struct th_err err = {0};
	const char *body;
	size_t blen;

	(void)state;
	assert_int_equal(th_dumpsys_index(text, sizeof(text) - 1, &d, &err),
	                 TH_OK);
	assert_int_equal(th_dumpsys_block(d, "SYSTEM PROPERTIES", &body, &blen),
	                 TH_OK);
	assert_int_equal(blen, strlen("[ro.a]: [1]\r\n[ro.b]: [2]\r\n"));
	/* A name with a blank is a block title for th_dumpsys_section. */
	assert_int_equal(
	        th_dumpsys_section(d, "SYSTEM PROPERTIES", &body, &blen),
	        TH_OK);
	assert_int_equal(th_dumpsys_block(d, "SYSTEM", &body, &blen),
	                 TH_ERR_NOTFOUND);
	assert_int_equal(th_dumpsys_section(d, "package", &body, &blen), TH_OK);
	assert_int_equal(blen, strlen("crit\n----------------------------\n"
	                              "more\n"));
	assert_int_equal(th_dumpsys_section(d, "adb", &body, &blen), TH_OK);
	assert_int_equal(blen, 9);
	assert_memory_equal(body, "adb body\n", 9);
	assert_int_equal(th_dumpsys_block(d, "APP ACTIVITIES", &body, &blen),
	                 TH_OK);
	assert_int_equal(blen, 4);
	/* Only the title before " (command)" matches. */
	assert_int_equal(th_dumpsys_block(d, "APP", &body, &blen),
	                 TH_ERR_NOTFOUND);
	th_dumpsys_free(d);

	assert_int_equal(th_dumpsys_index("", 0, &d, &err), TH_OK);
	assert_int_equal(th_dumpsys_count(d), 0);
	assert_int_equal(th_dumpsys_section(d, "adb", &body, &blen),
	                 TH_ERR_NOTFOUND);
	th_dumpsys_free(d);
}

/* Memory grows with sections, not lines: a million lines, two sections. */
static void test_split_many_lines(void **state)
{
	size_t n = 1000000, i, len = 0;
	char *text = malloc(n * 8 + 64);
	struct th_dumpsys *d = NULL;
	struct th_err err = {0};
	const char *body;
	size_t blen;

	(void)state;
	assert_non_null(text);
	len += (size_t)sprintf(text, "DUMP OF SERVICE a:\n");
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(text + len, 9, "line %02zu\n", i % 100);
	len += (size_t)sprintf(text + len, "DUMP OF SERVICE b:\nx\n");
	assert_int_equal(th_dumpsys_index(text, len, &d, &err), TH_OK);
	assert_int_equal(th_dumpsys_count(d), 2);
	assert_int_equal(th_dumpsys_section(d, "a", &body, &blen), TH_OK);
	assert_int_equal(blen, n * 8);
	th_dumpsys_free(d);
	free(text);
}

/* Past 100,000 sections the text is not dumpsys: a clear limit error. */
static void test_split_too_many(void **state)
{
	static const char header[] = "DUMP OF SERVICE x:\n";
	size_t n = 100001, i, hl = sizeof(header) - 1;
	char *text = malloc(n * hl);
	struct th_dumpsys *d = NULL;
	struct th_err err = {0};

	(void)state;
	assert_non_null(text);
	for (i = 0; i < n; i++)
		memcpy(text + i * hl, header, hl);
	assert_int_equal(th_dumpsys_index(text, n * hl, &d, &err),
	                 TH_ERR_LIMIT);
	assert_null(d);
	assert_true(t_contains(err.msg, "sections"));
	assert_int_equal(th_dumpsys_index(text, (n - 1) * hl, &d, &err), TH_OK);
	assert_int_equal(th_dumpsys_count(d), n - 1);
	th_dumpsys_free(d);
	free(text);
}

/* --- section parsers --- */

static void test_accessibility_old(void **state)
{
	static const char text[] = "  installed services: {\n"
	                           "    0 : com.evil/com.evil.Svc\n"
	                           "    1 : com.good/.Svc\n"
	                           "  }\n"
	                           "  enabled services: {\n"
	                           "    0 : com.evil/com.evil.Svc\n"
	                           "  }\n";
	json_t *r;
	size_t i;

	(void)state;
	PARSE_OR_SKIP(r, "dumpsys_accessibility.txt",
	              th_dumpsys_accessibility_each);
	assert_int_equal(json_array_size(r), 4);
	assert_string_equal(t_str_at(r, 0, "package_name"),
	                    "com.android.settings");
	assert_string_equal(t_str_at(r, 1, "service"),
	                    "com.samsung.accessibility/.universalswitch."
	                    "UniversalSwitchService");
	for (i = 0; i < 4; i++)
		assert_true(json_is_false(
		        json_object_get(json_array_get(r, i), "enabled")));
	json_decref(r);

	r = json_array();
	assert_int_equal(th_dumpsys_accessibility_each(text, sizeof(text) - 1,
	                                               collect, r),
	                 TH_OK);
	assert_int_equal(json_array_size(r), 2);
	assert_true(
	        json_is_true(json_object_get(json_array_get(r, 0), "enabled")));
	assert_true(json_is_false(
	        json_object_get(json_array_get(r, 1), "enabled")));
	json_decref(r);
}

static void test_accessibility_v14(void **state)
{
	static const char text[] =
	        "     Enabled services:{{a.b/a.b.S}, {c.d/.T}, {}, {{x}}\n";
	json_t *r;

	(void)state;
	PARSE_OR_SKIP(r, "dumpsys_accessibility_v14_or_later.txt",
	              th_dumpsys_accessibility_each);
	assert_int_equal(json_array_size(r), 1);
	assert_string_equal(t_str_at(r, 0, "package_name"),
	                    "com.malware.accessibility");
	assert_string_equal(t_str_at(r, 0, "service"),
	                    "com.malware.service.malwareservice");
	assert_true(
	        json_is_true(json_object_get(json_array_get(r, 0), "enabled")));
	json_decref(r);

	r = json_array();
	assert_int_equal(th_dumpsys_accessibility_each(text, sizeof(text) - 1,
	                                               collect, r),
	                 TH_OK);
	assert_int_equal(json_array_size(r), 3); /* a.b, c.d, x */
	assert_string_equal(t_str_at(r, 1, "service"), ".T");
	json_decref(r);
}

static void test_resolver_tables(void **state)
{
	json_t *r;

	(void)state;
	PARSE_OR_SKIP(r, "dumpsys_packages.txt", th_dumpsys_activities_each);
	assert_int_equal(json_array_size(r), 4);
	assert_string_equal(t_str_at(r, 0, "intent"),
	                    "com.samsung.android.intent.SOCIAL_UPDATES_FEED_"
	                    "VIEW");
	assert_string_equal(t_str_at(r, 0, "package_name"),
	                    "com.samsung.android.app.social");
	assert_string_equal(t_str_at(r, 0, "activity"),
	                    "com.samsung.android.app.social/.feed."
	                    "FeedsActivity");
	json_decref(r);

	PARSE_OR_SKIP(r, "dumpsys_packages.txt", th_dumpsys_receivers_each);
	assert_int_equal(json_array_size(r), 4);
	assert_string_equal(t_str_at(r, 0, "intent"),
	                    "com.android.storagemanager.automatic.SHOW_"
	                    "NOTIFICATION");
	assert_non_null(t_str_at(r, 3, "receiver"));
	assert_null(t_str_at(r, 3, "activity"));
	json_decref(r);
}

static void test_packages(void **state)
{
	json_t *r, *p;

	(void)state;
	PARSE_OR_SKIP(r, "dumpsys_packages.txt", th_dumpsys_packages_each);
	assert_int_equal(json_array_size(r), 2);
	assert_string_equal(t_str_at(r, 0, "package_name"),
	                    "com.samsung.android.provider.filterprovider");
	assert_string_equal(t_str_at(r, 0, "uid"), "1000");
	assert_string_equal(t_str_at(r, 0, "version_name"), "5.0.07");
	assert_string_equal(t_str_at(r, 0, "version_code"), "500700000");
	assert_string_equal(t_str_at(r, 0, "timestamp"), "2008-12-31 16:00:00");
	assert_string_equal(t_str_at(r, 0, "last_update_time"),
	                    "2008-12-31 16:00:00");
	p = json_array_get(r, 0);
	assert_int_equal(json_array_size(json_object_get(p, "permissions")), 4);
	assert_int_equal(
	        json_array_size(json_object_get(p, "requested_permissions")),
	        0);
	p = json_array_get(r, 1);
	assert_string_equal(t_str_at(r, 1, "package_name"),
	                    "com.sec.android.app.DataCreate");
	assert_string_equal(t_str_at(r, 1, "uid"), "10143");
	/* 1 declared + 20 install + 13 runtime permissions; 11 requested. */
	assert_int_equal(json_array_size(json_object_get(p, "permissions")),
	                 34);
	assert_string_equal(
	        t_str_at(json_object_get(p, "permissions"), 33, "type"),
	        "runtime");
	assert_true(json_is_false(json_object_get(
	        json_array_get(json_object_get(p, "permissions"), 33),
	        "granted")));
	assert_int_equal(
	        json_array_size(json_object_get(p, "requested_permissions")),
	        11);
	assert_true(json_is_true(json_object_get(
	        json_array_get(json_object_get(p, "permissions"), 1),
	        "granted")));
	json_decref(r);
}

static void test_appops(void **state)
{
	json_t *r, *p, *perms;
	size_t i, j, entries = 0;

	(void)state;
	PARSE_OR_SKIP(r, "dumpsys_appops.txt", th_dumpsys_appops_each);
	assert_int_equal(json_array_size(r), 13);
	assert_string_equal(t_str_at(r, 0, "package_name"),
	                    "com.android.phone");
	assert_string_equal(t_str_at(r, 0, "uid"), "0");
	json_array_foreach(r, i, p)
	{
		perms = json_object_get(p, "permissions");
		for (j = 0; j < json_array_size(perms); j++)
			entries += json_array_size(json_object_get(
			        json_array_get(perms, j), "entries"));
	}
	assert_int_equal(entries, 23);
	p = json_array_get(r, 7); /* com.facebook.katana, uid u0a103 */
	assert_string_equal(t_str_at(r, 7, "package_name"),
	                    "com.facebook.katana");
	assert_string_equal(t_str_at(r, 7, "uid"), "u0a103");
	perms = json_object_get(p, "permissions");
	assert_string_equal(t_str_at(perms, 1, "name"), "WRITE_SMS");
	assert_string_equal(t_str_at(perms, 1, "access"), "ignore");
	p = json_object_get(json_array_get(perms, 1), "entries");
	assert_int_equal(json_array_size(p), 3);
	assert_string_equal(t_str_at(p, 0, "access"), "Reject");
	assert_string_equal(t_str_at(p, 0, "type"), "fg-s");
	assert_string_equal(t_str_at(p, 0, "timestamp"),
	                    "2021-05-19 22:02:52.054000");
	json_decref(r);
}

static void test_battery(void **state)
{
	static const char text[] =
	        "  Daily from 2022-01-01-00-00-00 to 2022-01-02-00-00-00:\n"
	        "      Update a.b vers=10\n"
	        "      Update c.d vers=5\n"
	        "  Daily from 2022-01-02-00-00-00 to 2022-01-03-00-00-00:\n"
	        "      Update a.b vers=9\n"
	        "      Update c.d vers=0\n"
	        "      Update c.d vers=4\n"
	        "      Update e.f vers=x1\n"
	        "      Update broken\n";
	json_t *r;

	(void)state;
	PARSE_OR_SKIP(r, "dumpsys_battery.txt", th_dumpsys_battery_daily_each);
	assert_int_equal(json_array_size(r), 3);
	assert_string_equal(t_str_at(r, 0, "package_name"),
	                    "com.facebook.services");
	assert_string_equal(t_str_at(r, 0, "period_start"),
	                    "2022-08-16 15:56:39");
	assert_string_equal(t_str_at(r, 0, "action"), "update");
	assert_int_equal(json_integer_value(json_object_get(
	                         json_array_get(r, 0), "occurrences")),
	                 6);
	assert_int_equal(json_integer_value(json_object_get(
	                         json_array_get(r, 1), "version_code")),
	                 315814651);
	json_decref(r);

	r = json_array();
	assert_int_equal(th_dumpsys_battery_daily_each(text, sizeof(text) - 1,
	                                               collect, r),
	                 TH_OK);
	assert_int_equal(json_array_size(r), 6);
	assert_string_equal(t_str_at(r, 2, "action"), "downgrade"); /* a.b 9 */
	assert_int_equal(
	        json_integer_value(json_object_get(json_array_get(r, 2),
	                                           "previous_version_code")),
	        10);
	assert_string_equal(t_str_at(r, 3, "action"), "uninstall");
	/* After an uninstall the old version is forgotten. */
	assert_string_equal(t_str_at(r, 4, "action"), "update");
	assert_string_equal(t_str_at(r, 5, "version_code"), "x1");
	json_decref(r);

	PARSE_OR_SKIP(r, "dumpsys_battery.txt",
	              th_dumpsys_battery_history_each);
	assert_int_equal(json_array_size(r), 5);
	assert_string_equal(t_str_at(r, 0, "event"), "start_job");
	assert_string_equal(t_str_at(r, 0, "uid"), "u0a94");
	assert_string_equal(t_str_at(r, 0, "package_name"),
	                    "com.samsung.android.app.reminder");
	assert_string_equal(t_str_at(r, 0, "time_elapsed"), "+47s645ms");
	assert_string_equal(t_str_at(r, 1, "event"), "end_job");
	assert_string_equal(t_str_at(r, 2, "event"), "start_top");
	assert_string_equal(t_str_at(r, 2, "package_name"), "com.whatsapp");
	assert_string_equal(t_str_at(r, 3, "event"), "end_top");
	assert_string_equal(t_str_at(r, 4, "package_name"),
	                    "com.sec.android.app.launcher");
	json_decref(r);
}

static void test_dbinfo_compat(void **state)
{
	json_t *r;

	(void)state;
	PARSE_OR_SKIP(r, "dumpsys_dbinfo.txt", th_dumpsys_dbinfo_each);
	assert_int_equal(json_array_size(r), 5);
	assert_string_equal(t_str_at(r, 0, "isodate"),
	                    "2023-07-27 12:21:44.097");
	assert_string_equal(t_str_at(r, 0, "pid"), "0");
	assert_string_equal(t_str_at(r, 0, "action"), "executeForCursorWindow");
	assert_string_equal(t_str_at(r, 0, "sql"), "PRAGMA database_list;");
	assert_string_equal(t_str_at(r, 3, "pid"), "8817");
	assert_string_equal(t_str_at(r, 4, "action"), "prepare");
	assert_string_equal(t_str_at(r, 4, "path"),
	                    "/data/user/0/com.wssyncmldm/databases/idmsdk.db");
	json_decref(r);

	PARSE_OR_SKIP(r, "dumpsys_platform_compat.txt",
	              th_dumpsys_platform_compat_each);
	assert_int_equal(json_array_size(r), 2);
	assert_string_equal(t_str_at(r, 0, "package_name"),
	                    "org.torproject.torbrowser");
	assert_string_equal(t_str_at(r, 1, "package_name"),
	                    "org.article19.circulo.next");
	json_decref(r);
}

static void test_adb(void **state)
{
	json_t *r, *rec, *keys;

	(void)state;
	PARSE_OR_SKIP(r, "dumpsys_adb.txt", th_dumpsys_adb_each);
	assert_int_equal(json_array_size(r), 1);
	rec = json_array_get(r, 0);
	assert_string_equal(t_str_at(r, 0, "connected_to_adb"), "true");
	keys = json_object_get(rec, "user_keys");
	assert_int_equal(json_array_size(keys), 1);
	assert_string_equal(t_str_at(keys, 0, "user"), "user@linux");
	/* The fingerprint adb itself printed as last_key_received. */
	assert_string_equal(t_str_at(keys, 0, "fingerprint"),
	                    t_str_at(r, 0, "last_key_received"));
	assert_int_equal(json_array_size(json_object_get(rec, "keystore")), 1);
	json_decref(r);

	PARSE_OR_SKIP(r, "dumpsys_adb_wifi.txt", th_dumpsys_adb_each);
	rec = json_array_get(r, 0);
	assert_int_equal(json_array_size(json_object_get(rec, "user_keys")), 1);
	assert_string_equal(
	        json_string_value(json_object_get(
	                json_object_get(rec, "adb_wifi"), "enabled")),
	        "false");
	json_decref(r);

	PARSE_OR_SKIP(r, "dumpsys_adb_xml.txt", th_dumpsys_adb_each);
	rec = json_array_get(r, 0);
	keys = json_object_get(rec, "keystore");
	assert_int_equal(json_array_size(keys), 1);
	assert_string_equal(t_str_at(keys, 0, "user"), "user@laptop");
	assert_string_equal(t_str_at(keys, 0, "last_connection"),
	                    "2021-08-09 09:37:09.898000");
	assert_string_equal(
	        t_str_at(json_object_get(rec, "user_keys"), 0, "user"),
	        "user@laptop");
	json_decref(r);

	r = json_array();
	assert_int_equal(th_dumpsys_adb_each("no manager\n", 11, collect, r),
	                 TH_ERR_NOTFOUND);
	json_decref(r);
}

/* Hostile text: truncated lines, nesting, NULs; nothing may crash and
 * every parser must return. */
static void test_hostile(void **state)
{
	static const char *const texts[] = {
	        "  Uid 0:\n    Package x:\n      OP (allow):\n          "
	        "Access: [\n",
	        "  Uid \n    Package \n      \n          Reject:",
	        "debugging_manager={\n a={\n b={\n c={\n d={\n e={\n f={\n "
	        "g={\n h={\n i={\n user_keys=QAAAA user\n\n keystore=QAAAA",
	        "Packages:\n  Package [\n  Package [x] (1):\n    userId=\n"
	        "    install permissions:\n      :\n",
	        "Receiver Resolver Table:\n  Non-Data Actions:\n      a:\n"
	        "        x\n        \n",
	        "Battery History (x):\n +job=\n -job=u:\n +running "
	        "+wake_lock=u:*walarm*:\n +top=\n -top=u\n",
	        "  Daily from x:\n  Daily from a to b:\n Update  vers=\n",
	        "Connection pool for :\n Most recently executed operations:\n"
	        "        [2023-07-27 12:21:44.097] [Pid:(\n"
	        "        [2023-07-27 12:21:44.097] x sql=\"\n",
	        "ChangeId(168419799; name=DOWNSCALED; rawOverrides={",
	        "installed services: {\n :\n",
	        "Enabled services:{{{{{",
	};
	static const th_section_each parsers[] = {
	        th_dumpsys_accessibility_each,   th_dumpsys_activities_each,
	        th_dumpsys_receivers_each,       th_dumpsys_packages_each,
	        th_dumpsys_appops_each,          th_dumpsys_battery_daily_each,
	        th_dumpsys_battery_history_each, th_dumpsys_dbinfo_each,
	        th_dumpsys_platform_compat_each, th_dumpsys_adb_each,
	};
	size_t i, j;
	json_t *r;

	(void)state;
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		for (j = 0; j < sizeof(parsers) / sizeof(parsers[0]); j++) {
			r = json_array();
			parsers[j](texts[i], strlen(texts[i]), collect, r);
			json_decref(r);
		}
	r = json_array();
	assert_int_equal(
	        th_dumpsys_appops_each(texts[0], strlen(texts[0]), collect, r),
	        TH_OK);
	assert_int_equal(json_array_size(r), 1);
	json_decref(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_split_dumpstate),
	        cmocka_unit_test(test_split_blocks),
	        cmocka_unit_test(test_split_many_lines),
	        cmocka_unit_test(test_split_too_many),
	        cmocka_unit_test(test_accessibility_old),
	        cmocka_unit_test(test_accessibility_v14),
	        cmocka_unit_test(test_resolver_tables),
	        cmocka_unit_test(test_packages),
	        cmocka_unit_test(test_appops),
	        cmocka_unit_test(test_battery),
	        cmocka_unit_test(test_dbinfo_compat),
	        cmocka_unit_test(test_adb),
	        cmocka_unit_test(test_hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
