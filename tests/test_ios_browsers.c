/* The browser modules (safari_history, safari_browser_state,
 * chrome_history, chrome_favicon, firefox_history, firefox_favicon,
 * webkit_resource_load_statistics, webkit_session_resource_log): on MVT's
 * fixture backup, on generated backups, on a synthetic filesystem dump
 * holding every browser's files, on records alone, and the helpers (the
 * registrable-domain rule, the session-data reader). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tracehound/tracehound.h>
#include "support.h"
#include "gen.h"
#include "core/fsutil.h"
#include "modules/module.h"
#include "modules/ios/blobs.h"
#include "modules/ios/evdb.h"

#define DEMO_IOCS TH_SOURCE_DIR "/demo/demo-iocs.stix2"
#define EVIL      "https://bun54l2b67.get1tn0w.free247downloads.com:30495/szev4hz"
#define CHROME                                                                 \
	"private/var/mobile/Containers/Data/Application/0A1B/Library/"         \
	"Application Support/Google/Chrome/Default/"

static const char *const mods[] = {"safari_history",
                                   "safari_browser_state",
                                   "chrome_history",
                                   "chrome_favicon",
                                   "firefox_history",
                                   "firefox_favicon",
                                   "webkit_resource_load_statistics",
                                   "webkit_session_resource_log"};

static struct th_run *run_on(const char *target, const char *source,
                             const char *out, const struct th_iocs *iocs)
{
	return t_run_modules(target, source, out, iocs, mods,
	                     sizeof(mods) / sizeof(mods[0]));
}

/* Stored in the fixture: BrowserState.db (one tab, no session data) and
 * Chrome's observations.db (google.com, gstatic.com); History.db,
 * Chrome's and Firefox's databases are listed but not stored. */
static void test_fixture(void **state)
{
	char *dir, *out = t_tmpdir();
	struct th_iocs *iocs;
	struct th_run *run;
	json_t *tabs, *rls, *t;

	(void)state;
	T_SHARED_OR_SKIP(dir, "fixtures/mvt/ios_backup");
	iocs = t_iocs_text(
	        "t.stix2",
	        "{\"type\": \"bundle\", \"id\": \"bundle--1\", \"objects\": ["
	        "{\"type\": \"indicator\", \"id\": \"indicator--1\", "
	        "\"pattern\": \"[domain-name:value = 'gstatic.com']\"},"
	        "{\"type\": \"indicator\", \"id\": \"indicator--2\", "
	        "\"pattern\": \"[domain-name:value = 'wikipedia.org']\"}]}");
	run = run_on(dir, NULL, out, iocs);
	assert_int_equal(t_result(run, "safari_browser_state")->records, 1);
	assert_int_equal(
	        t_result(run, "webkit_resource_load_statistics")->records, 2);
	assert_int_equal(t_result(run, "safari_history")->status,
	                 TH_ERR_NOTFOUND);
	assert_int_equal(t_result(run, "chrome_history")->status,
	                 TH_ERR_NOTFOUND);
	assert_int_equal(t_result(run, "firefox_history")->status,
	                 TH_ERR_NOTFOUND);
	assert_int_equal(t_result(run, "webkit_session_resource_log")->status,
	                 TH_ERR_NOTFOUND);
	assert_int_equal(t_alerts(run, "safari_browser_state",
	                          TH_LEVEL_CRITICAL, "en.wikipedia.org"),
	                 1);
	assert_int_equal(t_alerts(run, "webkit_resource_load_statistics",
	                          TH_LEVEL_CRITICAL, "'gstatic.com'"),
	                 1);
	assert_int_equal(t_alerts(run, NULL, -1, NULL), 2);
	tabs = t_load_json(out, "safari_browser_state.json");
	t = json_array_get(tabs, 0);
	assert_string_equal(t_str(t, "tab_title"), "NSO is bad");
	assert_string_equal(t_str(t, "last_viewed_timestamp"),
	                    "2021-09-29 08:56:46.156382");
	assert_int_equal(json_array_size(json_object_get(t, "session_data")),
	                 0);
	rls = t_load_json(out, "webkit_resource_load_statistics.json");
	t = json_array_get(rls, 1);
	assert_string_equal(t_str(t, "registrable_domain"), "gstatic.com");
	assert_string_equal(t_str(t, "domain"),
	                    "AppDomain-com.google.chrome.ios");
	assert_true(json_is_false(json_object_get(t, "had_user_interaction")));
	json_decref(rls);
	json_decref(tabs);
	th_run_free(run);
	th_iocs_free(iocs);
	t_tmpdir_free(out);
	free(dir);
}

static void backup_case(int infected)
{
	struct t_gen g = {.modules = mods,
	                  .nmodules = sizeof(mods) / sizeof(mods[0]),
	                  .seed = 5,
	                  .iocs = t_iocs_load(DEMO_IOCS)};
	struct th_run *run;

	t_gen_open(&g, infected);
	run = t_gen_exec(&g);
	assert_int_equal(t_result(run, "safari_history")->records,
	                 infected ? 9 : 7);
	assert_int_equal(t_alerts(run, "safari_history", TH_LEVEL_MEDIUM,
	                          "'http://yahoo.fr/' redirected in 4 ms"),
	                 infected);
	assert_int_equal(t_alerts(run, "safari_history", TH_LEVEL_CRITICAL,
	                          "'" EVIL "'"),
	                 infected);
	/* The look-alikes: same-site redirects (example.com, bbc.co.uk), a
	 * slow cross-site one, notfree247downloads.com. */
	assert_int_equal(t_alerts(run, NULL, -1, NULL), infected ? 2 : 0);
	t_gen_free(&g);
}

static void test_backup_infected(void **state)
{
	(void)state;
	backup_case(1);
}

static void test_backup_clean(void **state)
{
	(void)state;
	backup_case(0);
}

/* --- a filesystem dump with every browser --- */

/* Session data: 4 header bytes, then a binary plist. */
static char *session_blob(const char *url, size_t *len)
{
	plist_t root = plist_new_dict(), hist = plist_new_dict(),
	        list = plist_new_array(), e = plist_new_dict();
	char *bin = NULL, *out;
	uint32_t n = 0;

	plist_dict_set_item(e, "SessionHistoryEntryURL", plist_new_string(url));
	plist_dict_set_item(e, "SessionHistoryEntryOriginalURL",
	                    plist_new_string("http://yahoo.fr/"));
	plist_dict_set_item(e, "SessionHistoryEntryData",
	                    plist_new_data("abcdef", 6));
	plist_array_append_item(list, e);
	plist_dict_set_item(hist, "SessionHistoryEntries", list);
	plist_dict_set_item(root, "SessionHistory", hist);
	plist_to_bin(root, &bin, &n);
	out = malloc(n + 4);
	memcpy(out, "\0\0\0\1", 4);
	memcpy(out + 4, bin, n);
	*len = n + 4;
	plist_to_bin_free(bin);
	plist_free(root);
	return out;
}

static void put_browser_state(const char *root)
{
	size_t n;
	char *blob = session_blob(EVIL, &n), *h = t_hex(blob, n), sql[8192];

	snprintf(sql, sizeof(sql),
	         "CREATE TABLE tabs (id INTEGER PRIMARY KEY, uuid TEXT, title "
	         "TEXT, url TEXT, user_visible_url TEXT, last_viewed_time "
	         "REAL);"
	         "CREATE TABLE tab_sessions (id INTEGER PRIMARY KEY, tab_uuid "
	         "TEXT, session_data BLOB);"
	         "INSERT INTO tabs VALUES (1, 'u1', 'Yahoo', "
	         "'https://www.yahoo.fr/', 'https://www.yahoo.fr/', "
	         "684700000.5), (2, 'u2', 'News', 'https://news.example.com/', "
	         "NULL, 684700100);"
	         "INSERT INTO tab_sessions VALUES (1, 'u1', x'%s'), "
	         "(2, 'u2', x'00000001626164');",
	         h);
	t_put_sql(root, "private/var/mobile/Library/Safari/BrowserState.db",
	          sql);
	free(h);
	free(blob);
}

static void put_session_log(const char *root)
{
	plist_t r = plist_new_dict(), stats = plist_new_array(),
	        a = plist_new_dict(), b = plist_new_dict(),
	        to = plist_new_array();
	char *xml = NULL;
	uint32_t n = 0;

	plist_dict_set_item(a, "PrevalentResourceOrigin",
	                    plist_new_string("yahoo.fr"));
	plist_array_append_item(to, plist_new_string("free247downloads.com"));
	plist_dict_set_item(a, "topFrameUniqueRedirectsTo", to);
	plist_dict_set_item(a, "lastSeen", plist_new_date(684700000, 0));
	plist_dict_set_item(b, "PrevalentResourceOrigin",
	                    plist_new_string("notfree247downloads.com"));
	plist_dict_set_item(b, "hadUserInteraction", plist_new_bool(1));
	plist_array_append_item(stats, a);
	plist_array_append_item(stats, b);
	plist_dict_set_item(r, "browsingStatistics", stats);
	plist_to_xml(r, &xml, &n);
	t_put(root,
	      "private/var/mobile/Containers/Data/Application/0C0D/Library/"
	      "WebKit/"
	      "WebsiteData/ResourceLoadStatistics/"
	      "full_browsing_session_resourceLog.plist",
	      xml, n);
	plist_to_xml_free(xml);
	plist_free(r);
}

static char *make_dump(const char *tmp)
{
	char *root = th_path_join(tmp, "dump");

	t_put_sql(
	        root, CHROME "History",
	        "CREATE TABLE urls (id INTEGER PRIMARY KEY, url TEXT);"
	        "CREATE TABLE visits (id INTEGER PRIMARY KEY, url INTEGER, "
	        "visit_time INTEGER, from_visit INTEGER);"
	        "INSERT INTO urls VALUES (1, '" EVIL "'), (2, "
	        "'https://notfree247downloads.com/');"
	        "INSERT INTO visits VALUES (1, 1, 13305000000000000, 0), "
	        "(2, 2, 13305000100000000, 1), (3, 2, 13305000200000000, 0);");
	t_put_sql(
	        root, CHROME "Favicons",
	        "CREATE TABLE favicons (id INTEGER PRIMARY KEY, url TEXT);"
	        "CREATE TABLE icon_mapping (id INTEGER PRIMARY KEY, page_url "
	        "TEXT, icon_id INTEGER);"
	        "CREATE TABLE favicon_bitmaps (id INTEGER PRIMARY KEY, icon_id "
	        "INTEGER, last_updated INTEGER, last_requested INTEGER);"
	        "INSERT INTO favicons VALUES (1, "
	        "'https://free247downloads.com/favicon.ico'), (2, "
	        "'https://www.example.com/favicon.ico');"
	        "INSERT INTO icon_mapping VALUES (1, 'https://a.example.com/', "
	        "1), (2, 'https://www.example.com/', 2);"
	        "INSERT INTO favicon_bitmaps VALUES (1, 1, 0, "
	        "13305000000000000), (2, 2, 13305000000000001, 0);");
	t_put_sql(
	        root, "private/var/mobile/profile.profile/browser.db",
	        "CREATE TABLE history (id INTEGER PRIMARY KEY, url TEXT, title "
	        "TEXT);"
	        "CREATE TABLE visits (id INTEGER PRIMARY KEY, siteID INTEGER, "
	        "date INTEGER, type INTEGER, is_local INTEGER);"
	        "CREATE TABLE favicons (id INTEGER PRIMARY KEY, url TEXT, "
	        "width "
	        "INTEGER, height INTEGER, type INTEGER, date REAL);"
	        "CREATE TABLE favicon_sites (id INTEGER PRIMARY KEY, siteID "
	        "INTEGER, faviconID INTEGER);"
	        "INSERT INTO history VALUES (1, '" EVIL "', 'x'), (2, "
	        "'https://www.mozilla.org/', 'Mozilla');"
	        "INSERT INTO visits VALUES (1, 1, 1663000000000000, 1, 1), "
	        "(2, 2, 1663000100000000, 1, 1);"
	        "INSERT INTO favicons VALUES (1, "
	        "'https://www.mozilla.org/favicon.ico', 16, 16, 1, "
	        "1663000100);"
	        "INSERT INTO favicon_sites VALUES (1, 1, 1), (2, 2, 1);");
	t_put_sql(root,
	          "private/var/mobile/Containers/Data/Application/0C0D/Library/"
	          "WebKit/WebsiteData/ResourceLoadStatistics/observations.db",
	          "CREATE TABLE ObservedDomains (domainID INTEGER PRIMARY KEY, "
	          "registrableDomain TEXT, lastSeen REAL, hadUserInteraction "
	          "INTEGER);"
	          "INSERT INTO ObservedDomains VALUES (1, "
	          "'free247downloads.com', "
	          "1663000000, 0), (2, 'notfree247downloads.com', 1663000000, "
	          "1);");
	put_browser_state(root);
	put_session_log(root);
	return root;
}

static void test_fs_dump(void **state)
{
	char *tmp = t_tmpdir(), *root, *out, before[65], after[65];
	struct th_iocs *iocs = t_iocs_load(DEMO_IOCS);
	struct th_run *run;
	json_t *log, *tabs;

	(void)state;
	root = make_dump(tmp);
	out = th_path_join(tmp, "out");
	t_tree_hash(root, before);
	run = run_on(root, "ios-fs", out, iocs);
	assert_int_equal(t_result(run, "chrome_history")->records, 3);
	assert_int_equal(t_result(run, "chrome_favicon")->records, 2);
	assert_int_equal(t_result(run, "firefox_history")->records, 2);
	assert_int_equal(t_result(run, "firefox_favicon")->records, 2);
	assert_int_equal(t_result(run, "safari_browser_state")->records, 2);
	assert_int_equal(
	        t_result(run, "webkit_resource_load_statistics")->records, 2);
	assert_int_equal(t_result(run, "webkit_session_resource_log")->records,
	                 1);
	assert_int_equal(t_result(run, "safari_history")->status,
	                 TH_ERR_NOTFOUND);
	assert_int_equal(
	        t_alerts(run, "chrome_history", TH_LEVEL_CRITICAL, NULL), 1);
	assert_int_equal(t_alerts(run, "chrome_favicon", TH_LEVEL_CRITICAL,
	                          "favicon.ico"),
	                 1);
	assert_int_equal(
	        t_alerts(run, "firefox_history", TH_LEVEL_CRITICAL, NULL), 1);
	/* Both favicon rows point at the one icon; one visited EVIL. */
	assert_int_equal(
	        t_alerts(run, "firefox_favicon", TH_LEVEL_CRITICAL, NULL), 1);
	assert_int_equal(t_alerts(run, "safari_browser_state",
	                          TH_LEVEL_CRITICAL, "szev4hz"),
	                 1);
	assert_int_equal(t_alerts(run, "webkit_resource_load_statistics",
	                          TH_LEVEL_CRITICAL, NULL),
	                 1);
	assert_int_equal(t_alerts(run, "webkit_session_resource_log",
	                          TH_LEVEL_HIGH, "free247downloads.com"),
	                 1);
	assert_int_equal(t_alerts(run, NULL, -1, "notfree247"), 0);
	tabs = t_load_json(out, "safari_browser_state.json");
	assert_string_equal(
	        json_string_value(json_object_get(
	                json_array_get(json_object_get(json_array_get(tabs, 0),
	                                               "session_data"),
	                               0),
	                "entry_url")),
	        EVIL);
	log = t_load_json(out, "webkit_session_resource_log.json");
	assert_int_equal(json_object_size(log), 1);
	json_decref(log);
	json_decref(tabs);
	th_run_free(run);
	t_tree_hash(root, after);
	assert_string_equal(before, after);
	th_iocs_free(iocs);
	free(out);
	free(root);
	t_tmpdir_free(tmp);
}

/* Damaged and old-schema files: a message or a skip, never a crash. */
static void test_fs_damaged(void **state)
{
	char *tmp = t_tmpdir(), *root = th_path_join(tmp, "dump");
	struct th_run *run;

	(void)state;
	t_put(root, CHROME "History", "SQLite format 3", 15);
	t_put_sql(root, CHROME "Favicons", "CREATE TABLE favicons (id, url);");
	t_put_sql(
	        root, "private/var/mobile/profile.profile/browser.db",
	        "CREATE TABLE history (id INTEGER PRIMARY KEY, url TEXT);"
	        "CREATE TABLE visits (id INTEGER PRIMARY KEY, siteID INTEGER, "
	        "date INTEGER);"
	        "INSERT INTO history VALUES (1, 'https://a.example/');"
	        "INSERT INTO visits VALUES (1, 1, NULL), (2, 1, -5);");
	t_put_sql(
	        root, "private/var/mobile/Library/Safari/History.db",
	        "CREATE TABLE history_items (id INTEGER PRIMARY KEY, url TEXT);"
	        "CREATE TABLE history_visits (id INTEGER PRIMARY KEY, "
	        "history_item INTEGER, visit_time REAL);"
	        "INSERT INTO history_items VALUES (1, 'http://a.example/');"
	        "INSERT INTO history_visits VALUES (1, 1, 1e300);");
	t_put_sql(root, "private/var/mobile/Library/Safari/BrowserState.db",
	          "CREATE TABLE tabs (title TEXT, url TEXT);"
	          "INSERT INTO tabs VALUES (NULL, NULL);");
	t_put(root,
	      "private/var/mobile/Library/WebClips/W1/Storage/"
	      "full_browsing_session_resourceLog.plist",
	      "bplist00garbage", 15);
	run = run_on(root, "ios-fs", NULL, NULL);
	assert_int_equal(t_result(run, "chrome_history")->status,
	                 TH_ERR_FORMAT);
	assert_true(t_contains(t_result(run, "chrome_history")->message,
	                       "Chrome History"));
	assert_int_equal(t_result(run, "chrome_favicon")->status, TH_OK);
	assert_int_equal(t_result(run, "chrome_favicon")->records, 0);
	assert_int_equal(t_result(run, "firefox_history")->records, 2);
	assert_int_equal(t_result(run, "firefox_favicon")->records, 0);
	assert_int_equal(t_result(run, "safari_history")->records, 1);
	assert_int_equal(t_result(run, "safari_browser_state")->records, 1);
	assert_int_equal(t_result(run, "webkit_session_resource_log")->status,
	                 TH_ERR_FORMAT);
	th_run_free(run);
	free(root);
	t_tmpdir_free(tmp);
}

static void test_registrable(void **state)
{
	(void)state;
	assert_string_equal(th_domain_registrable("www.example.com"),
	                    "example.com");
	assert_string_equal(th_domain_registrable("example.com"),
	                    "example.com");
	assert_string_equal(th_domain_registrable("com"), "com");
	assert_string_equal(th_domain_registrable("news.bbc.co.uk"),
	                    "bbc.co.uk");
	assert_string_equal(th_domain_registrable("a.b.example.com.au"),
	                    "example.com.au");
	assert_string_equal(th_domain_registrable("co.uk"), "co.uk");
	assert_string_equal(th_domain_registrable("yahoo.fr"), "yahoo.fr");
	/* A generic label under a long top label is an ordinary name. */
	assert_string_equal(th_domain_registrable("x.co.com"), "co.com");
	assert_string_equal(th_domain_registrable("192.168.1.10"),
	                    "192.168.1.10");
	assert_string_equal(th_domain_registrable(""), "");
	assert_string_equal(th_domain_registrable("."), ".");
}

static void test_session_blob(void **state)
{
	json_t *list = json_array();
	struct th_err err = {0};
	size_t n;
	char *blob = session_blob("https://a.example/", &n);

	(void)state;
	assert_int_equal(th_safari_session_parse(blob, n, list, &err), TH_OK);
	assert_int_equal(json_array_size(list), 1);
	assert_int_equal(json_integer_value(json_object_get(
	                         json_array_get(list, 0), "data_length")),
	                 6);
	assert_int_equal(th_safari_session_parse(blob, 4, list, &err),
	                 TH_ERR_FORMAT);
	assert_int_not_equal(th_safari_session_parse(blob, n - 3, list, &err),
	                     TH_OK);
	assert_int_equal(json_array_size(list), 1);
	free(blob);
	json_decref(list);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_fixture),
	        cmocka_unit_test(test_backup_infected),
	        cmocka_unit_test(test_backup_clean),
	        cmocka_unit_test(test_fs_dump),
	        cmocka_unit_test(test_fs_damaged),
	        cmocka_unit_test(test_registrable),
	        cmocka_unit_test(test_session_blob),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
