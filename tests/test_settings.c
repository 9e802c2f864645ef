/* androidqf's settings_*.txt (lib/formats/settings.c and the
 * aqf_settings module): the real fixture, every oddity settings.h
 * decides, and what the module makes of them. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "core/buf.h"
#include "core/fsutil.h"
#include "formats/settings.h"

/* Every setting as "key|value\n", NULs written as "\0" and other
 * control bytes as "\xNN", so one string comparison checks them all. */
struct seen {
	struct th_buf b;
	size_t count, stop_after;
	size_t last_value_len;
};

static void put_bytes(struct th_buf *b, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] == '\0')
			th_buf_adds(b, "\\0");
		else if ((unsigned char)s[i] < 0x20)
			th_buf_printf(b, "\\x%02x", (unsigned char)s[i]);
		else
			th_buf_addc(b, s[i]);
	}
}

static int on_setting(void *ctx, const char *key, size_t key_len,
                      const char *value, size_t value_len)
{
	struct seen *s = ctx;

	if (value_len > 64) {
		th_buf_printf(&s->b, "%zu-byte key|%zu-byte value\n", key_len,
		              value_len);
	} else {
		put_bytes(&s->b, key, key_len);
		th_buf_addc(&s->b, '|');
		put_bytes(&s->b, value, value_len);
		th_buf_addc(&s->b, '\n');
	}
	s->last_value_len = value_len;
	s->count++;
	return s->stop_after && s->count == s->stop_after;
}

static void seen_init(struct seen *s)
{
	memset(s, 0, sizeof(*s));
	th_buf_init(&s->b, (size_t)1 << 20);
}

static void test_settings_fixture(void **state)
{
	struct seen s;
	size_t len, bad = 99;
	char *path, *text;

	(void)state;
	T_SHARED_OR_SKIP(path, "fixtures/mvt/androidqf/settings_random.txt");
	text = t_slurp(path, &len);
	assert_non_null(text);
	seen_init(&s);
	assert_int_equal(th_settings_each(text, len, on_setting, &s, &bad),
	                 TH_OK);
	/* 9 lines, 9 settings, one of them with an empty value. */
	assert_int_equal(s.count, 9);
	assert_int_equal(bad, 0);
	assert_string_equal(th_buf_str(&s.b),
	                    "samsung_errorlog_agree|0\n"
	                    "package_verifier_enable|1\n"
	                    "package_verifier_user_consent|1\n"
	                    "navigationbar_hide_bar|1\n"
	                    "navigationbar_key_order|0\n"
	                    "navigationbar_pressure_user_level|3\n"
	                    "navigationbar_recently_used_color|\n"
	                    "navigationbar_unlock_with_home_button|0\n"
	                    "navigationbar_use_theme_default|0\n");
	th_buf_free(&s.b);
	free(text);
	free(path);
}

static void test_settings_oddities(void **state)
{
	static const char text[] =
	        "a=1\r\n"            /* CRLF */
	        "  b = x = y  \t\n"  /* blanks trimmed, '=' in value */
	        "empty=\n"           /* an empty value is a value */
	        "\n \t\r\n"          /* blank lines: not counted */
	        "no equals sign\n"   /* malformed */
	        "=orphan\n"          /* malformed: empty key */
	        "nul\0key=1\n"       /* malformed: NUL in the key */
	        "nulvalue=a\0b\n"    /* kept, with its length */
	        "bad\xff\xfe=\xff\n" /* bytes as they are */
	        "utf8_\xc3\xa9=\xe2\x82\xac\n"
	        "last=no newline";
	struct seen s;
	size_t bad = 0;

	(void)state;
	seen_init(&s);
	assert_int_equal(
	        th_settings_each(text, sizeof(text) - 1, on_setting, &s, &bad),
	        TH_OK);
	assert_string_equal(th_buf_str(&s.b), "a|1\n"
	                                      "b | x = y\n"
	                                      "empty|\n"
	                                      "nulvalue|a\\0b\n"
	                                      "bad\xff\xfe|\xff\n"
	                                      "utf8_\xc3\xa9|\xe2\x82\xac\n"
	                                      "last|no newline\n");
	assert_int_equal(s.count, 7);
	assert_int_equal(bad, 3);
	th_buf_free(&s.b);
}

/* A key of TH_SETTINGS_KEY_MAX bytes is a key; one byte more is not. A
 * 4 MiB value on one line is given whole. */
static void test_settings_long_lines(void **state)
{
	size_t vlen = (size_t)4 << 20, klen = TH_SETTINGS_KEY_MAX, n = 0;
	char *text = malloc(2 * (klen + 3) + vlen + 8);
	struct seen s;
	size_t bad = 0;

	(void)state;
	assert_non_null(text);
	memset(text + n, 'k', klen);
	n += klen;
	text[n++] = '=';
	memset(text + n, 'v', vlen);
	n += vlen;
	text[n++] = '\n';
	memset(text + n, 'K', klen + 1);
	n += klen + 1;
	memcpy(text + n, "=1\n", 3);
	n += 3;
	seen_init(&s);
	assert_int_equal(th_settings_each(text, n, on_setting, &s, &bad),
	                 TH_OK);
	assert_string_equal(th_buf_str(&s.b), "1024-byte key|4194304-byte "
	                                      "value\n");
	assert_int_equal(s.last_value_len, vlen);
	assert_int_equal(bad, 1);
	th_buf_free(&s.b);
	free(text);
}

static void test_settings_stop_and_usage(void **state)
{
	static const char text[] = "a=1\nb=2\nc=3\n";
	struct seen s;
	size_t bad = 7;

	(void)state;
	seen_init(&s);
	s.stop_after = 2;
	assert_int_equal(
	        th_settings_each(text, sizeof(text) - 1, on_setting, &s, NULL),
	        TH_OK);
	assert_string_equal(th_buf_str(&s.b), "a|1\nb|2\n");
	assert_int_equal(th_settings_each(NULL, 3, on_setting, &s, &bad),
	                 TH_ERR_USAGE);
	assert_int_equal(bad, 0);
	assert_int_equal(th_settings_each(NULL, 0, on_setting, &s, &bad),
	                 TH_OK);
	assert_int_equal(s.count, 2);
	th_buf_free(&s.b);
}

/* --- the module ---------------------------------------------------- */

static const char secure[] = "package_verifier_enable=0\r\n" /* unsafe, CRLF */
                             "accessibility_enabled=1\r\n"   /* unsafe */
                             "send_security_reports=1\r\n"   /* safe */
                             "no equals sign\r\n"
                             "=orphan\r\n"
                             "bad\xff=1\r\n"
                             "nulvalue=a\0b\r\n"
                             "mixed=a\0b\xff\r\n";
static const char global[] = "upload_apk_enable=0\n" /* unsafe */
                             "adb_install_need_confirm=1\n";

/* jansson refuses "\u0000" unless told: a value may hold one. */
static json_t *load_nul(const char *dir, const char *name)
{
	char *path = th_path_join(dir, name);
	json_t *j = json_load_file(path, JSON_ALLOW_NUL, NULL);

	assert_non_null(j);
	free(path);
	return j;
}

/* check-iocs reads the record back, NUL and all, and checks it again. */
static void recheck(const char *out)
{
	static const char *const mods[] = {"aqf_settings"};
	struct th_run_options opt = {
	        .target = out, .modules = mods, .nmodules = 1, .recheck = 1};
	const struct th_module_result *r;
	struct th_run *run = t_run_execute(&opt);

	r = t_result(run, "aqf_settings");
	assert_int_equal(r->status, TH_OK);
	assert_int_equal(r->records, 1);
	assert_int_equal(t_alerts(run, "aqf_settings", TH_LEVEL_MEDIUM, NULL),
	                 3);
	th_run_free(run);
}

static void test_settings_module(void **state)
{
	static const char *const mods[] = {"aqf_settings"};
	char *root = t_tmpdir(), *out, *dir;
	const struct th_module_result *r;
	json_t *all, *sec, *glob;
	struct th_run *run;

	(void)state;
	dir = th_path_join(root, "aqf");
	out = th_path_join(root, "out");
	t_put(dir, "settings_secure.txt", secure, sizeof(secure) - 1);
	t_put(dir, "settings_global.txt", global, sizeof(global) - 1);
	/* A namespace that is not UTF-8 is kept, repaired. */
	t_put(dir, "settings_\xff.txt", "k=v\n", 4);
	run = t_run_modules(dir, "androidqf", out, NULL, mods, 1);
	r = t_result(run, "aqf_settings");
	assert_int_equal(r->status, TH_OK);
	assert_int_equal(r->records, 1);
	assert_int_equal(t_alerts(run, "aqf_settings", TH_LEVEL_MEDIUM, NULL),
	                 3);
	assert_int_equal(t_alerts(run, "aqf_settings", TH_LEVEL_MEDIUM,
	                          "package_verifier_enable = 0"),
	                 1);
	assert_int_equal(t_alerts(run, "aqf_settings", TH_LEVEL_MEDIUM,
	                          "accessibility_enabled = 1"),
	                 1);
	assert_int_equal(t_alerts(run, "aqf_settings", TH_LEVEL_MEDIUM,
	                          "upload_apk_enable = 0' in global"),
	                 1);
	all = load_nul(out, "aqf_settings.json");
	assert_int_equal(json_object_size(all), 3);
	sec = json_object_get(all, "secure");
	glob = json_object_get(all, "global");
	assert_int_equal(json_object_size(sec), 6);
	assert_int_equal(json_object_size(glob), 2);
	assert_string_equal(t_str(sec, "package_verifier_enable"), "0");
	assert_string_equal(t_str(sec, "bad\xef\xbf\xbd"), "1");
	/* jansson keeps a NUL inside a string. */
	assert_int_equal(json_string_length(json_object_get(sec, "nulvalue")),
	                 3);
	assert_memory_equal(json_string_value(json_object_get(sec, "nulvalue")),
	                    "a\0b", 3);
	/* Repaired for its bad byte, the NUL kept as jansson keeps it. */
	assert_int_equal(json_string_length(json_object_get(sec, "mixed")), 6);
	assert_memory_equal(json_string_value(json_object_get(sec, "mixed")),
	                    "a\0b\xef\xbf\xbd", 6);
	assert_string_equal(t_str(json_object_get(all, "\xef\xbf\xbd"), "k"),
	                    "v");
	json_decref(all);
	th_run_free(run);
	recheck(out);
	free(dir);
	free(out);
	t_tmpdir_free(root);
}

struct warned {
	size_t limit;
	char line[512];
};

static void on_log(void *ctx, enum th_log_level level, const char *module,
                   const char *msg)
{
	struct warned *w = ctx;

	(void)module;
	if (level == TH_LOG_WARN && strstr(msg, "settings in all")) {
		w->limit++;
		snprintf(w->line, sizeof(w->line), "%s", msg);
	}
}

/* Two files of 60,000 keys: 100,000 are kept (the module's limit), the
 * rest said once, and what was read is still checked. */
static void test_settings_key_limit(void **state)
{
	static const char *const mods[] = {"aqf_settings"};
	char *root = t_tmpdir(), *out, *dir, name[32];
	struct th_run_options opt = {.modules = mods,
	                             .nmodules = 1,
	                             .source = "androidqf",
	                             .jobs = 1,
	                             .log = on_log};
	const struct th_module_result *r;
	struct warned w = {0};
	struct th_buf b;
	struct th_run *run;
	json_t *all, *kv;
	const char *ns;
	size_t i, keys = 0;
	int f;

	(void)state;
	dir = th_path_join(root, "aqf");
	out = th_path_join(root, "out");
	for (f = 0; f < 2; f++) {
		th_buf_init(&b, (size_t)8 << 20);
		for (i = 0; i < 60000; i++)
			th_buf_printf(&b, "k%c%06zu=1\n", 'a' + f, i);
		if (f == 0)
			th_buf_adds(&b, "package_verifier_enable=0\n");
		snprintf(name, sizeof(name), "settings_%c.txt", 'a' + f);
		t_put(dir, name, b.data, b.len);
		th_buf_free(&b);
	}
	opt.target = dir;
	opt.output_dir = out;
	opt.log_ctx = &w;
	run = t_run_execute(&opt);
	r = t_result(run, "aqf_settings");
	assert_int_equal(r->status, TH_OK);
	assert_int_equal(w.limit, 1);
	assert_non_null(strstr(w.line, "more than 100000 settings in all: "
	                               "the rest are ignored"));
	all = load_nul(out, "aqf_settings.json");
	json_object_foreach(all, ns, kv) keys += json_object_size(kv);
	assert_int_equal(keys, 100000);
	/* Files are read in name order: settings_a.txt whole (and
	 * checked), settings_b.txt up to the limit. */
	assert_int_equal(json_object_size(json_object_get(all, "a")), 60001);
	assert_int_equal(json_object_size(json_object_get(all, "b")), 39999);
	assert_non_null(strstr(w.line, "'settings_b.txt'"));
	assert_int_equal(t_alerts(run, "aqf_settings", TH_LEVEL_MEDIUM,
	                          "package_verifier_enable"),
	                 1);
	json_decref(all);
	th_run_free(run);
	free(dir);
	free(out);
	t_tmpdir_free(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_settings_fixture),
	        cmocka_unit_test(test_settings_oddities),
	        cmocka_unit_test(test_settings_long_lines),
	        cmocka_unit_test(test_settings_stop_and_usage),
	        cmocka_unit_test(test_settings_module),
	        cmocka_unit_test(test_settings_key_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
