/* The message modules (sms, sms_attachments, whatsapp, whatsapp_contacts,
 * shortcuts) through the run API: on MVT's fixture backup, on generated
 * infected and clean backups, on records alone as check-iocs feeds them,
 * and on damaged artifacts. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <tracehound/tracehound.h>
#include "support.h"
#include "gen.h"
#include "core/fsutil.h"
#include "modules/module.h"
#include "modules/ios/blobs.h"

#define DEMO_IOCS TH_SOURCE_DIR "/demo/demo-iocs.stix2"

static const char bundle[] =
        "{\"type\": \"bundle\", \"id\": \"bundle--1\", \"objects\": ["
        "{\"type\": \"malware\", \"id\": \"malware--1\", \"name\": \"Test\"},"
        "{\"type\": \"indicator\", \"id\": \"indicator--1\", \"pattern\": "
        "\"[domain-name:value = 'example.org']\"},"
        "{\"type\": \"indicator\", \"id\": \"indicator--2\", \"pattern\": "
        "\"[file:name = 'evil.gif']\"},"
        "{\"type\": \"relationship\", \"id\": \"relationship--1\", "
        "\"relationship_type\": \"indicates\", \"source_ref\": "
        "\"indicator--1\", \"target_ref\": \"malware--1\"},"
        "{\"type\": \"relationship\", \"id\": \"relationship--2\", "
        "\"relationship_type\": \"indicates\", \"source_ref\": "
        "\"indicator--2\", \"target_ref\": \"malware--1\"}]}";

static const char *const mods[] = {"sms", "sms_attachments", "whatsapp",
                                   "whatsapp_contacts", "shortcuts"};

static struct th_run *run_on(const char *target, const char *out,
                             const struct th_iocs *iocs)
{
	return t_run_modules(target, "ios-backup", out, iocs, mods,
	                     sizeof(mods) / sizeof(mods[0]));
}

/* The result of the iOS module `slug` (the Android "sms" shares it). */
static const struct th_module_result *result(const struct th_run *run,
                                             const char *slug)
{
	const struct th_module_result *r, *found = NULL;
	size_t i;

	for (i = 0; i < th_run_nresults(run); i++) {
		r = th_run_result(run, i);
		if (strcmp(r->slug, slug) == 0 &&
		    !(r->message && t_contains(r->message, "does not run on")))
			found = r;
	}
	if (!found)
		fail_msg("no result for %s", slug);
	return found;
}

/* The fixture's sms.db holds one message (handle "apple"), no attachment
 * table; ChatStorage.sqlite 3 messages, one with a link; ContactsV2 two
 * contacts; no Shortcuts.sqlite is stored. Counted with sqlite3. */
static void test_fixture(void **state)
{
	struct t_ev ev;
	struct th_iocs *iocs = t_iocs_text("test.stix2", bundle);
	json_t *sms, *wa, *contacts, *urls, *m;
	struct th_run *run;

	(void)state;
	t_ev_shared(&ev, "fixtures/mvt/ios_backup");
	run = run_on(ev.dir, ev.out, iocs);
	assert_int_equal(result(run, "sms")->records, 1);
	assert_int_equal(result(run, "sms_attachments")->status, TH_OK);
	assert_int_equal(result(run, "sms_attachments")->records, 0);
	assert_int_equal(result(run, "whatsapp")->records, 3);
	assert_int_equal(result(run, "whatsapp_contacts")->records, 2);
	assert_int_equal(result(run, "shortcuts")->status, TH_ERR_NOTFOUND);
	assert_int_equal(t_alerts(run, "sms", TH_LEVEL_CRITICAL,
	                          "'https://badbadbad.example.org/'"),
	                 1);
	assert_int_equal(t_alerts(run, "whatsapp", TH_LEVEL_CRITICAL,
	                          "'https://example.org/news'"),
	                 1);
	assert_int_equal(t_alerts(run, NULL, -1, NULL), 2);

	sms = t_load_json(ev.out, "sms.json");
	m = json_array_get(sms, 0);
	assert_string_equal(t_str(m, "isodate"), "2019-08-29 23:13:30.539788");
	assert_string_equal(t_str(m, "isodate_read"),
	                    "2019-08-29 23:13:30.539900");
	assert_string_equal(t_str(m, "direction"), "received");
	assert_string_equal(t_str(m, "phone_number"), "apple");
	assert_string_equal(t_str(m, "guid"),
	                    "FDC6EC94-9D5A-434D-90FA-BF170E10A311");
	assert_int_equal(json_array_size(json_object_get(m, "links")), 1);
	assert_true(json_is_null(json_object_get(m, "attributedBody")));

	wa = t_load_json(ev.out, "whatsapp.json");
	assert_int_equal(json_array_size(wa), 3);
	m = json_array_get(wa, 1);
	assert_string_equal(t_str(m, "isodate"), "2025-08-28 18:53:20.000000");
	assert_string_equal(json_string_value(json_array_get(
	                            json_object_get(m, "links"), 0)),
	                    "https://example.org/news");
	assert_string_equal(t_str(json_array_get(wa, 0), "ZTEXT"), "Hi");

	contacts = t_load_json(ev.out, "whatsapp_contacts.json");
	m = json_array_get(contacts, 0);
	assert_string_equal(t_str(m, "full_name"), "Alice Example");
	assert_string_equal(t_str(m, "disappearing_mode_label"), "24 hours");
	assert_true(
	        json_is_true(json_object_get(m, "disappearing_mode_is_on")));
	assert_string_equal(t_str(m, "disappearing_mode_timestamp"),
	                    "2025-07-23 21:46:40.000000");
	m = json_array_get(contacts, 1);
	assert_string_equal(t_str(m, "disappearing_mode_label"), "off");
	assert_true(json_is_null(json_object_get(m, "user_name")));

	urls = t_load_json(ev.out, "urls.json");
	assert_int_equal(json_array_size(urls), 2);
	assert_string_equal(t_str(json_array_get(urls, 0), "source"), "sms 3");
	json_decref(urls);
	json_decref(contacts);
	json_decref(wa);
	json_decref(sms);
	th_run_free(run);
	th_iocs_free(iocs);
	t_ev_close(&ev);
}

static char *gen(const char *tmp, int infected)
{
	return t_gen_backup(tmp, "backup", infected, 50, 3);
}

/* This file's modules on a generated backup, with the demo indicators. */
static struct th_run *gen_run(struct t_gen *g, int infected)
{
	*g = (struct t_gen){.source = "ios-backup",
	                    .modules = mods,
	                    .nmodules = sizeof(mods) / sizeof(mods[0]),
	                    .rows = 50,
	                    .seed = 3,
	                    .iocs = t_iocs_load(DEMO_IOCS)};
	t_gen_open(g, infected);
	return t_gen_exec(g);
}

/* No look-alike is ever the subject of an alert. */
static void assert_no_lookalike(const struct th_run *run)
{
	static const char *const quiet[] = {"notfree247", "support.apple.com",
	                                    "IMG_0042", "IMG_0099"};
	size_t i;

	for (i = 0; i < sizeof(quiet) / sizeof(*quiet); i++)
		assert_int_equal(t_alerts(run, NULL, -1, quiet[i]), 0);
}

static void test_infected(void **state)
{
	struct t_gen g;
	struct th_run *run;

	(void)state;
	run = gen_run(&g, 1);
	assert_int_equal(result(run, "sms")->records, 7);
	assert_int_equal(result(run, "sms_attachments")->records, 3);
	assert_int_equal(t_alerts(run, "sms", TH_LEVEL_CRITICAL,
	                          "free247downloads.com/track/84a1"),
	                 1);
	assert_int_equal(
	        t_alerts(run, "sms", TH_LEVEL_HIGH, "threat notification"), 1);
	assert_int_equal(t_alerts(run, "sms_attachments", TH_LEVEL_MEDIUM,
	                          "5B2C1F2E.gif-1"),
	                 1);
	assert_int_equal(t_alerts(run, "sms", -1, NULL), 2);
	assert_int_equal(t_alerts(run, "sms_attachments", -1, NULL), 1);
	assert_no_lookalike(run);
	t_gen_free(&g);
}

static void test_clean(void **state)
{
	struct t_gen g;
	struct th_run *run;

	(void)state;
	run = gen_run(&g, 0);
	assert_int_equal(result(run, "sms")->records, 4);
	assert_int_equal(result(run, "sms_attachments")->records, 2);
	assert_int_equal(t_alerts(run, NULL, -1, NULL), 0);
	t_gen_free(&g);
}

/* Runs module `slug`'s check on one record, as check-iocs does. */
static size_t check_one(const char *slug, const char *json)
{
	const struct th_module *m = NULL;
	char *tmp = t_tmpdir(), *dir = gen(tmp, 0);
	struct th_iocs *iocs = t_iocs_text("test.stix2", bundle);
	struct th_run_options opt = {.target = dir, .iocs = iocs};
	struct th_run *run = NULL;
	json_error_t e;
	json_t *rec = json_loads(json, 0, &e);
	size_t i, n;

	for (i = 0; i < th_modules_count(); i++)
		if (strcmp(th_modules_at(i)->slug, slug) == 0 &&
		    (th_modules_at(i)->sources & 1u))
			m = th_modules_at(i);
	assert_non_null(m);
	assert_non_null(rec);
	assert_int_equal(th_run_new(&run, &opt), TH_OK);
	m->check(run, rec);
	n = th_run_nalerts(run);
	json_decref(rec);
	th_run_free(run);
	th_iocs_free(iocs);
	free(dir);
	t_tmpdir_free(tmp);
	return n;
}

static void test_check_records(void **state)
{
	(void)state;
	/* MVT records: no "links" key needed, the text is read. */
	assert_int_equal(check_one("sms", "{\"text\": \"go to "
	                                  "http://www.example.org/x now\", "
	                                  "\"isodate\": \"2021-01-01 "
	                                  "00:00:00.000000\"}"),
	                 1);
	assert_int_equal(check_one("sms", "{\"text\": \"go to "
	                                  "http://notexample.org/x now\"}"),
	                 0);
	assert_int_equal(check_one("sms", "{\"text\": \"ALERT: State-sponsored "
	                                  "attackers may be targeting your "
	                                  "iPhone\"}"),
	                 1);
	assert_int_equal(check_one("sms_attachments",
	                           "{\"filename\": \"/var/tmp/a/b.gif-1\", "
	                           "\"direction\": \"received\"}"),
	                 1);
	assert_int_equal(check_one("sms_attachments",
	                           "{\"filename\": \"/var/tmp/a/b.gif-1\", "
	                           "\"direction\": \"sent\"}"),
	                 0);
	assert_int_equal(check_one("sms_attachments",
	                           "{\"filename\": \"/var/tmp/a/b.gif-10\", "
	                           "\"direction\": \"received\"}"),
	                 0);
	assert_int_equal(
	        check_one("sms_attachments",
	                  "{\"filename\": \"~/Library/SMS/x/evil.gif\", "
	                  "\"direction\": \"sent\"}"),
	        1);
	assert_int_equal(
	        check_one("whatsapp",
	                  "{\"ZTEXT\": \"\", \"ZMEDIAURL\": "
	                  "\"https://mmg.whatsapp.net/d/f/x.enc\", "
	                  "\"ZMATCHEDTEXT\": \"https://a.example.org/\"}"),
	        1);
	assert_int_equal(check_one("whatsapp", "{\"ZTEXT\": \"hi\", \"links\": "
	                                       "[\"https://example.com/\"]}"),
	                 0);
	assert_int_equal(check_one("shortcuts",
	                           "{\"action_urls\": [\"https://example.org/"
	                           "p\"], \"isodate\": \"\"}"),
	                 1);
	assert_int_equal(check_one("shortcuts", "{\"action_urls\": null}"), 0);
}

/* Replaces the stored sms.db of a generated backup. */
static void put_sms_db(const char *dir, const void *data, size_t len)
{
	char *p = t_backup_file(dir, "HomeDomain", "Library/SMS/sms.db");
	FILE *f = fopen(p, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
	free(p);
}

static void put_sms_sql(const char *dir, const char *sql)
{
	struct th_buf img;
	struct th_err err = {0};

	th_buf_init(&img, (size_t)1 << 26);
	assert_int_equal(th_gen_sqlite_image(sql, &img, &err), TH_OK);
	put_sms_db(dir, img.data, img.len);
	th_buf_free(&img);
}

static void test_damaged(void **state)
{
	char *tmp = t_tmpdir(), *dir = gen(tmp, 0);
	struct th_run *run;

	(void)state;
	/* No output folder: a run with no event at all trips a NULL qsort
	 * in the timeline writer (reported to its owner). */
	put_sms_db(dir, "this is not a database", 22);
	run = run_on(dir, NULL, NULL);
	assert_int_equal(result(run, "sms")->status, TH_ERR_FORMAT);
	assert_true(t_contains(result(run, "sms")->message, "sms.db"));
	assert_int_equal(result(run, "sms_attachments")->status, TH_ERR_FORMAT);
	assert_int_equal(result(run, "whatsapp")->status, TH_ERR_NOTFOUND);
	th_run_free(run);

	/* An old schema: no handle, no date_read, no attachment tables;
	 * and a column name that is not UTF-8 (left out of records). */
	put_sms_sql(dir,
	            "CREATE TABLE message (ROWID INTEGER PRIMARY KEY, "
	            "text TEXT, date INTEGER, \"bad\xff\" TEXT);"
	            "INSERT INTO message (ROWID, text, date) VALUES (1, 'see "
	            "https://free247downloads.com/', 600000000),"
	            "(2, NULL, NULL);");
	run = run_on(dir, NULL, NULL);
	assert_int_equal(result(run, "sms")->status, TH_OK);
	assert_int_equal(result(run, "sms")->records, 2);
	assert_int_equal(result(run, "sms_attachments")->status, TH_OK);
	assert_int_equal(result(run, "sms_attachments")->records, 0);
	th_run_free(run);

	/* A database with none of the tables. */
	put_sms_sql(dir, "CREATE TABLE other (x);");
	run = run_on(dir, NULL, NULL);
	assert_int_equal(result(run, "sms")->status, TH_OK);
	assert_int_equal(result(run, "sms")->records, 0);
	th_run_free(run);
	free(dir);
	t_tmpdir_free(tmp);
}

/* --- a filesystem dump: old WhatsApp schemas, a shortcut with links --- */

/* ZDATA of a shortcut that opens a link on an indicator domain. */
static char *shortcut_hex(void)
{
	plist_t root = plist_new_array(), act = plist_new_dict(),
	        params = plist_new_dict();
	char *bin = NULL, *hex;
	uint32_t n = 0;

	plist_dict_set_item(params, "WFURLActionURL",
	                    plist_new_string("https://cdn.example.org/p.js"));
	plist_dict_set_item(act, "WFWorkflowActionIdentifier",
	                    plist_new_string("is.workflow.actions.openurl"));
	plist_dict_set_item(act, "WFWorkflowActionParameters", params);
	plist_array_append_item(root, act);
	plist_to_bin(root, &bin, &n);
	hex = t_hex(bin, n);
	plist_to_bin_free(bin);
	plist_free(root);
	return hex;
}

static char *make_dump(const char *tmp)
{
	char *root = th_path_join(tmp, "dump"), *hex = shortcut_hex(),
	     sql[4096];

	t_put_sql(root,
	          "private/var/mobile/Containers/Shared/AppGroup/A1/"
	          "ChatStorage.sqlite",
	          "CREATE TABLE ZWAMESSAGE (Z_PK INTEGER PRIMARY KEY, ZTEXT "
	          "TEXT, "
	          "ZMESSAGEDATE REAL);"
	          "INSERT INTO ZWAMESSAGE VALUES (1, 'look "
	          "https://mmg.whatsapp.net/v/t62/x.enc and "
	          "https://x.example.org/a', 650000000), (2, NULL, NULL);");
	t_put_sql(
	        root,
	        "private/var/mobile/Containers/Shared/AppGroup/A1/"
	        "ContactsV2.sqlite",
	        "CREATE TABLE ZWAADDRESSBOOKCONTACT (Z_PK INTEGER PRIMARY KEY, "
	        "ZFULLNAME BLOB, ZPHONENUMBERSTATUS INTEGER);"
	        "INSERT INTO ZWAADDRESSBOOKCONTACT VALUES (1, "
	        "CAST('Zo\xc3\xab' AS BLOB), 2);");
	snprintf(
	        sql, sizeof(sql),
	        "CREATE TABLE ZSHORTCUT (Z_PK INTEGER PRIMARY KEY, ZNAME TEXT, "
	        "ZCREATIONDATE REAL, ZMODIFICATIONDATE REAL);"
	        "CREATE TABLE ZSHORTCUTACTIONS (Z_PK INTEGER PRIMARY KEY, "
	        "ZSHORTCUT INTEGER, ZDATA BLOB);"
	        "INSERT INTO ZSHORTCUT VALUES (1, 'Open', 650000000, "
	        "650000100), (2, 'Broken', 650000000, NULL);"
	        "INSERT INTO ZSHORTCUTACTIONS VALUES (1, 1, x'%s'), "
	        "(2, 2, x'626164');",
	        hex);
	t_put_sql(root, "private/var/mobile/Library/Shortcuts/Shortcuts.sqlite",
	          sql);
	free(hex);
	return root;
}

static void test_fs_dump(void **state)
{
	char *tmp = t_tmpdir(), *root = make_dump(tmp), *out;
	struct th_iocs *iocs = t_iocs_text("test.stix2", bundle);
	struct th_run *run;
	json_t *wa, *contacts, *c, *sc, *urls;

	(void)state;
	out = th_path_join(tmp, "out");
	run = t_run_modules(root, "ios-fs", out, iocs, mods,
	                    sizeof(mods) / sizeof(*mods));
	assert_int_equal(result(run, "whatsapp")->records, 2);
	assert_int_equal(result(run, "whatsapp_contacts")->records, 1);
	assert_int_equal(result(run, "shortcuts")->records, 2);
	assert_int_equal(result(run, "sms")->status, TH_ERR_NOTFOUND);
	assert_int_equal(
	        t_alerts(run, "whatsapp", TH_LEVEL_CRITICAL, "x.example.org"),
	        1);
	assert_int_equal(t_alerts(run, "shortcuts", TH_LEVEL_CRITICAL,
	                          "cdn.example.org"),
	                 1);
	assert_int_equal(t_alerts(run, NULL, -1, NULL), 2);
	wa = t_load_json(out, "whatsapp.json");
	/* WhatsApp's own media host is not a link worth recording. */
	assert_int_equal(json_array_size(json_object_get(json_array_get(wa, 0),
	                                                 "links")),
	                 1);
	assert_string_equal(t_str(json_array_get(wa, 1), "ZTEXT"), "");
	contacts = t_load_json(out, "whatsapp_contacts.json");
	c = json_array_get(contacts, 0);
	assert_string_equal(t_str(c, "full_name"), "Zo\xc3\xab");
	assert_int_equal(json_integer_value(json_object_get(c, "phone_status")),
	                 2);
	assert_true(
	        json_is_null(json_object_get(c, "disappearing_mode_label")));
	sc = t_load_json(out, "shortcuts.json");
	assert_int_equal(json_integer_value(json_object_get(
	                         json_array_get(sc, 0), "parsed_actions")),
	                 1);
	assert_true(json_is_null(
	        json_object_get(json_array_get(sc, 1), "action_urls")));
	urls = t_load_json(out, "urls.json");
	assert_int_equal(json_array_size(urls), 2);
	json_decref(urls);
	json_decref(sc);
	json_decref(contacts);
	json_decref(wa);
	th_run_free(run);
	th_iocs_free(iocs);
	free(out);
	free(root);
	t_tmpdir_free(tmp);
}

/* Shortcut actions: links in nested parameters, bad plists refused. */
static void test_shortcut_actions(void **state)
{
	plist_t root = plist_new_array(), act = plist_new_dict(),
	        params = plist_new_dict(), inner = plist_new_array();
	json_t *urls = json_array();
	struct th_err err = {0};
	char *bin = NULL;
	uint32_t len = 0;
	size_t n = 0;

	(void)state;
	plist_array_append_item(
	        inner, plist_new_string("open https://a.example.org/x"));
	plist_dict_set_item(params, "WFURLActionURL",
	                    plist_new_string("https://b.example.net/"));
	plist_dict_set_item(params, "Nested", inner);
	plist_dict_set_item(act, "WFWorkflowActionIdentifier",
	                    plist_new_string("is.workflow.actions.openurl"));
	plist_dict_set_item(act, "WFWorkflowActionParameters", params);
	plist_array_append_item(root, act);
	plist_array_append_item(root, plist_new_string("not an action"));
	plist_to_bin(root, &bin, &len);
	assert_int_equal(th_shortcut_actions_parse(bin, len, urls, &n, &err),
	                 TH_OK);
	assert_int_equal(n, 1);
	assert_int_equal(json_array_size(urls), 2);
	assert_int_not_equal(
	        th_shortcut_actions_parse("bplist00", 8, urls, &n, &err),
	        TH_OK);
	assert_int_not_equal(th_shortcut_actions_parse("", 0, urls, &n, &err),
	                     TH_OK);
	plist_to_bin_free(bin);
	plist_free(root);
	json_decref(urls);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_fixture),
	        cmocka_unit_test(test_infected),
	        cmocka_unit_test(test_clean),
	        cmocka_unit_test(test_check_records),
	        cmocka_unit_test(test_damaged),
	        cmocka_unit_test(test_fs_dump),
	        cmocka_unit_test(test_shortcut_actions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
