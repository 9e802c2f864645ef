/*
 * The tracehound command end to end: exit codes and messages, the iocs,
 * match and modules commands, where indicators come from, and check on
 * unrecognised paths and on generated backups. Runs the built binary.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "support.h"
#include "core/fsutil.h"
#include "gen.h"
#include <tracehound/tracehound.h>

/* A tiny bundle: one domain tied to one malware. */
#define BUNDLE(name, domain)                                                   \
	"{\"type\": \"bundle\", \"id\": \"bundle--1\", \"objects\": ["         \
	"{\"type\": \"malware\", \"id\": \"malware--1\", \"name\": \"" name    \
	"\"}, {\"type\": \"indicator\", \"id\": \"indicator--1\", "            \
	"\"pattern\": \"[domain-name:value = '" domain "']\", "                \
	"\"pattern_type\": \"stix\"}, {\"type\": \"relationship\", "           \
	"\"id\": \"relationship--1\", \"relationship_type\": "                 \
	"\"indicates\", \"source_ref\": \"indicator--1\", "                    \
	"\"target_ref\": \"malware--1\"}]}"

/* Runs the binary with the NULL-terminated arguments and asserts its
 * exit status, and that stdout contains `out_has` and stderr `err_has`
 * (NULL: not checked). */
static void expect(int rc, const char *out_has, const char *err_has,
                   const char *arg, ...)
{
	struct t_out r;
	va_list ap;

	va_start(ap, arg);
	r = t_thv(arg, ap);
	va_end(ap);
	assert_int_equal(r.rc, rc);
	if (out_has)
		assert_true(t_contains(r.out, out_has));
	if (err_has)
		assert_true(t_contains(r.err, err_has));
	t_out_free(&r);
}

static json_t *parse(const char *text)
{
	json_error_t e;
	json_t *j = json_loads(text, 0, &e);

	if (!j)
		fail_msg("not JSON (%s): %s", e.text, text);
	return j;
}

/* Every test starts without the user's indicators or colours: an empty
 * XDG_DATA_HOME, no TRACEHOUND_IOCS. */
static char *xdg;

static int setup(void **state)
{
	xdg = t_tmpdir();
	if (!xdg)
		return -1;
	setenv("XDG_DATA_HOME", xdg, 1);
	setenv("NO_COLOR", "1", 1);
	unsetenv("TRACEHOUND_IOCS");
	return 0;
}

static int teardown(void **state)
{
	t_tmpdir_free(xdg);
	unsetenv("XDG_DATA_HOME");
	unsetenv("TRACEHOUND_IOCS");
	return 0;
}

static void test_version(void **state)
{
	struct t_out r = t_th("version", NULL);

	assert_int_equal(r.rc, 0);
	assert_true(t_contains(r.out, "tracehound " TH_VERSION));
	t_out_free(&r);
	expect(0, TH_VERSION, NULL, "--version", NULL);
}

static void test_help(void **state)
{
	struct t_out r = t_th("help", NULL);

	assert_int_equal(r.rc, 0);
	assert_true(t_contains(r.out, "check-backup"));
	assert_true(t_contains(r.out, "match"));
	t_out_free(&r);
	r = t_th("help", "match", NULL);
	assert_int_equal(r.rc, 0);
	assert_true(t_contains(r.out, "usage: tracehound match"));
	assert_true(t_contains(r.out, "--type"));
	assert_false(t_contains(r.out, "--hashes"));
	t_out_free(&r);
	r = t_th("check", "--help", NULL);
	assert_int_equal(r.rc, 0);
	assert_true(t_contains(r.out, "usage: tracehound check"));
	assert_true(t_contains(r.out, "--iocs"));
	t_out_free(&r);
	expect(2, NULL, "unknown command 'nosuch'", "help", "nosuch", NULL);
}

static void test_unknown_command(void **state)
{
	struct t_out r = t_th("frobnicate", NULL);

	assert_int_equal(r.rc, 2);
	assert_true(t_contains(r.err, "unknown command 'frobnicate'"));
	assert_true(t_contains(r.err, "see 'tracehound help'"));
	assert_string_equal(r.out, "");
	t_out_free(&r);
	expect(2, NULL, "usage: tracehound", NULL);
}

static void test_unknown_option(void **state)
{
	struct t_out r = t_th("iocs", "--bogus", NULL);

	assert_int_equal(r.rc, 2);
	assert_true(t_contains(r.err, "unknown option '--bogus'"));
	assert_true(t_contains(r.err, "see 'tracehound help iocs'"));
	t_out_free(&r);
	expect(2, NULL, "unknown option '-Z'", "check", "-Z", "/nonexistent",
	       NULL);
	/* An option another command has is still unknown here. */
	expect(2, NULL, "unknown option '--json'", "version", "--json", NULL);
	expect(2, NULL, "missing PATH", "check", NULL);
	expect(2, NULL, "invalid --jobs value 'many'", "check", "-j", "many",
	       "/nonexistent", NULL);
	expect(2, NULL, "option '--iocs' needs a value", "match", "--iocs",
	       NULL);
}

/* The file entry whose path ends with `name`, or NULL. */
static json_t *file_entry(json_t *root, const char *name)
{
	json_t *files = json_object_get(root, "files"), *f;
	const char *path;
	size_t i, n = strlen(name);

	json_array_foreach(files, i, f)
	{
		path = t_str(f, "path");
		if (path && strlen(path) >= n &&
		    strcmp(path + strlen(path) - n, name) == 0)
			return f;
	}
	return NULL;
}

static json_int_t by_type(json_t *f, const char *key)
{
	return json_integer_value(
	        json_object_get(json_object_get(f, "by_type"), key));
}

static size_t library_total(const char *dir)
{
	struct th_iocs *set;
	size_t total;

	assert_int_equal(th_iocs_new(&set), TH_OK);
	th_iocs_load(set, dir);
	total = th_iocs_total(set);
	th_iocs_free(set);
	return total;
}

static void test_iocs_json(void **state)
{
	json_t *root, *peg;
	char *dir;
	struct t_out r;

	T_SHARED_OR_SKIP(dir, "iocs");
	r = t_th("iocs", "--json", "-i", dir, NULL);
	assert_int_equal(r.rc, 0);
	root = parse(r.out);
	peg = file_entry(root, "amnesty_pegasus.stix2");
	assert_non_null(peg);
	assert_int_equal(by_type(peg, "domain-name:value"), 1438);
	assert_int_equal(by_type(peg, "process:name"), 81);
	assert_int_equal(by_type(peg, "email-addr:value"), 29);
	assert_int_equal(by_type(peg, "file:name"), 1);
	/* Only kinds with a count appear. */
	assert_null(json_object_get(json_object_get(peg, "by_type"),
	                            "ipv4-addr:value"));
	assert_int_equal(json_integer_value(json_object_get(peg, "indicators")),
	                 1549);
	assert_string_equal(json_string_value(json_array_get(
	                            json_object_get(peg, "collections"), 0)),
	                    "Pegasus");
	assert_int_equal(json_array_size(json_object_get(root, "files")), 17);
	assert_int_equal(json_integer_value(json_object_get(root, "total")),
	                 library_total(dir));
	assert_true(json_integer_value(json_object_get(root, "total")) > 5000);
	json_decref(root);
	t_out_free(&r);
	free(dir);
}

static void test_iocs_table(void **state)
{
	char *dir;
	struct t_out r;

	T_SHARED_OR_SKIP(dir, "iocs/amnesty_pegasus.stix2");
	r = t_th("iocs", "-i", dir, NULL);
	assert_int_equal(r.rc, 0);
	assert_true(t_contains(r.out, "amnesty_pegasus.stix2"));
	assert_true(t_contains(r.out, "Pegasus"));
	assert_true(t_contains(r.out, "domain-name:value 1438"));
	assert_true(t_contains(r.out, "total: "));
	t_out_free(&r);
	free(dir);
}

static void test_iocs_none(void **state)
{
	struct t_out r = t_th("iocs", "--json", NULL);
	json_t *root;

	assert_int_equal(r.rc, 0);
	root = parse(r.out);
	assert_int_equal(json_array_size(json_object_get(root, "files")), 0);
	assert_int_equal(json_integer_value(json_object_get(root, "total")), 0);
	assert_true(t_contains(r.err, "--iocs"));
	json_decref(root);
	t_out_free(&r);
}

static void test_iocs_bad_file(void **state)
{
	char *dir = t_tmpdir(), *good, *bad;
	struct t_out r;
	json_t *root;

	assert_non_null(dir);
	good = t_write_text(dir, "good.stix2", BUNDLE("TestSpy", "evil.test"));
	bad = t_write_text(dir, "broken.stix2", "{\"type\": \"bundle\", [");
	r = t_th("iocs", "--json", "-i", bad, "-i", good, NULL);
	assert_int_equal(r.rc, 0);
	assert_true(t_contains(r.err, "warning"));
	assert_true(t_contains(r.err, "broken.stix2"));
	root = parse(r.out);
	assert_int_equal(json_array_size(json_object_get(root, "files")), 1);
	assert_non_null(file_entry(root, "good.stix2"));
	assert_int_equal(json_integer_value(json_object_get(root, "total")), 1);
	json_decref(root);
	t_out_free(&r);
	/* Nothing loadable at all is an error. */
	expect(2, NULL, "broken.stix2", "iocs", "-i", bad, NULL);
	free(good);
	free(bad);
	t_tmpdir_free(dir);
}

static void test_match_hits(void **state)
{
	char *peg;
	struct t_out r;

	T_SHARED_OR_SKIP(peg, "iocs/amnesty_pegasus.stix2");
	r = t_th("match", "-i", peg, "free247downloads.com", NULL);
	assert_int_equal(r.rc, 1);
	assert_true(t_contains(r.out, "'free247downloads.com'"));
	assert_true(t_contains(r.out, "Pegasus"));
	t_out_free(&r);
	expect(1, NULL, NULL, "match", "-i", peg,
	       "bun54l2b67.get1tn0w.free247downloads.com", NULL);
	expect(1, NULL, NULL, "match", "-i", peg,
	       "https://get1tn0w.free247downloads.com:443/x?a=b", NULL);
	expect(0, "no match", NULL, "match", "-i", peg,
	       "notfree247downloads.com", NULL);
	/* Options after the values; one hit among misses is a hit. */
	r = t_th("match", "example.org", "fservernetd", "-i", peg, NULL);
	assert_int_equal(r.rc, 1);
	assert_true(t_contains(r.out, "process:name 'fservernetd'"));
	assert_true(t_contains(r.out, "example.org: no match"));
	t_out_free(&r);
	free(peg);
}

static void test_match_json(void **state)
{
	json_t *root, *hit;
	const char *file;
	char *peg;
	struct t_out r;

	T_SHARED_OR_SKIP(peg, "iocs/amnesty_pegasus.stix2");
	r = t_th("match", "--json", "-i", peg, "www.free247downloads.com",
	         "example.org", NULL);
	assert_int_equal(r.rc, 1);
	root = parse(r.out);
	assert_true(json_is_array(root));
	assert_int_equal(json_array_size(root), 1);
	hit = json_array_get(root, 0);
	assert_string_equal(t_str(hit, "value"), "www.free247downloads.com");
	assert_string_equal(t_str(hit, "type"), "domain-name:value");
	assert_string_equal(t_str(hit, "indicator"), "free247downloads.com");
	assert_string_equal(json_string_value(json_array_get(
	                            json_object_get(hit, "collections"), 0)),
	                    "Pegasus");
	file = t_str(hit, "file");
	assert_non_null(file);
	assert_true(t_contains(file, "amnesty_pegasus.stix2"));
	json_decref(root);
	t_out_free(&r);
	r = t_th("match", "--json", "-i", peg, "example.org", NULL);
	assert_int_equal(r.rc, 0);
	root = parse(r.out);
	assert_int_equal(json_array_size(root), 0);
	json_decref(root);
	t_out_free(&r);
	free(peg);
}

static void test_match_type(void **state)
{
	char *peg;
	struct t_out r;

	T_SHARED_OR_SKIP(peg, "iocs/amnesty_pegasus.stix2");
	expect(1, "as domain", NULL, "match", "--type", "domain", "-i", peg,
	       "free247downloads.com", NULL);
	expect(0, NULL, NULL, "match", "--type", "process", "-i", peg,
	       "free247downloads.com", NULL);
	r = t_th("match", "--type", "bogus", "-i", peg, "x", NULL);
	assert_int_equal(r.rc, 2);
	assert_true(t_contains(r.err, "unknown type 'bogus'"));
	assert_true(t_contains(r.err, "domain"));
	t_out_free(&r);
	/* No indicators at all: an error, not a silent "no match". */
	expect(2, NULL, "no indicators", "match", "free247downloads.com", NULL);
	free(peg);
}

static void test_env_and_user_dir(void **state)
{
	char *dir = t_tmpdir(), *user, *a, *env, *other;
	struct t_out r;
	size_t size;

	assert_non_null(dir);
	a = t_write_text(dir, "a.stix2", BUNDLE("EnvSpy", "env-only.test"));
	size = strlen(a) + 32;
	env = malloc(size);
	assert_non_null(env);
	snprintf(env, size, "::%s:", a);
	setenv("TRACEHOUND_IOCS", env, 1);
	expect(1, "EnvSpy", NULL, "match", "x.env-only.test", NULL);
	unsetenv("TRACEHOUND_IOCS");

	user = th_path_join(xdg, "tracehound/iocs");
	assert_int_equal(th_mkdir_p(user, 0, NULL), TH_OK);
	free(t_write_text(user, "u.stix2",
	                  BUNDLE("UserSpy", "user-only.test")));
	/* Only *.stix2 files count in the user's folder. */
	other = t_write_text(user, "o.json", BUNDLE("Other", "other.test"));
	r = t_th("match", "user-only.test", "other.test", NULL);
	assert_int_equal(r.rc, 1);
	assert_true(t_contains(r.out, "UserSpy"));
	assert_true(t_contains(r.out, "other.test: no match"));
	t_out_free(&r);
	r = t_th("iocs", "--json", NULL);
	assert_int_equal(r.rc, 0);
	assert_true(t_contains(r.out, "u.stix2"));
	assert_false(t_contains(r.out, "o.json"));
	t_out_free(&r);
	free(other);
	free(user);
	free(env);
	free(a);
	t_tmpdir_free(dir);
}

static void test_check_unrecognised(void **state)
{
	char *dir = t_tmpdir();
	struct t_out r;

	assert_non_null(dir);
	free(t_write_text(dir, "notes.txt", "nothing to see"));
	r = t_th("check", dir, NULL);
	assert_int_equal(r.rc, 2);
	assert_true(t_contains(r.err, "cannot check '"));
	assert_true(t_contains(r.err, "looked for"));
	assert_true(t_contains(r.err, "ios-backup"));
	assert_true(t_contains(r.err, "Manifest.db"));
	t_out_free(&r);
	expect(2, NULL, "cannot open '/nonexistent/evidence'", "check",
	       "/nonexistent/evidence", NULL);
	expect(2, NULL, "tracehound: ", "check-backup", dir, NULL);
	t_tmpdir_free(dir);
}

static void test_check_unknown_module(void **state)
{
	char *dir = t_tmpdir();
	struct t_out r;

	assert_non_null(dir);
	r = t_th("check", "-m", "nosuchmodule", dir, NULL);
	assert_int_equal(r.rc, 2);
	assert_true(t_contains(r.err, "unknown module 'nosuchmodule'"));
	assert_true(t_contains(r.err, "tracehound modules"));
	t_out_free(&r);
	t_tmpdir_free(dir);
}

static void test_modules(void **state)
{
	struct t_out r = t_th("modules", "--json", NULL);
	json_t *root;

	assert_int_equal(r.rc, 0);
	root = parse(r.out);
	assert_int_equal(json_array_size(root), th_module_count());
	assert_string_equal(t_str_at(root, 0, "slug"),
	                    th_module_info_at(0)->slug);
	json_decref(root);
	t_out_free(&r);
	r = t_th("modules", NULL);
	assert_int_equal(r.rc, 0);
	assert_true(t_contains(r.out, th_module_info_at(0)->slug));
	assert_true(t_contains(r.out, th_module_info_at(0)->title));
	t_out_free(&r);
}

/* A generated backup in a fresh folder (free both with t_tmpdir_free). */
static char *make_backup(int infected)
{
	char *dir = t_tmpdir();

	assert_non_null(dir);
	free(t_gen_backup(dir, "backup", infected, 0, TH_GEN_SEED_DEFAULT));
	return dir;
}

static size_t count_level(json_t *alerts, int high)
{
	const char *level;
	json_t *a;
	size_t i, n = 0;

	json_array_foreach(alerts, i, a)
	{
		level = t_str(a, "level");
		assert_non_null(level);
		if (high ==
		    (!strcmp(level, "high") || !strcmp(level, "critical")))
			n++;
	}
	return n;
}

static void check_json(const char *bk, const char *iocs, int infected)
{
	struct t_out r = t_th_on(bk, "check", "--json", "-i", iocs, bk, NULL);
	json_t *root;

	assert_int_equal(r.rc, infected ? 1 : 0);
	root = parse(r.out);
	assert_string_equal(t_str(root, "source"), "ios-backup");
	assert_true(json_array_size(json_object_get(root, "modules")) > 0);
	assert_int_equal(count_level(json_object_get(root, "alerts"), 1) > 0,
	                 infected);
	assert_string_equal(t_str(root, "verdict"),
	                    infected ? "suspicious"
	                    : count_level(json_object_get(root, "alerts"), 0)
	                            ? "review"
	                            : "clean");
	json_decref(root);
	t_out_free(&r);
}

static void test_check_backups(void **state)
{
	char *clean, *infected, *bk, *peg, *out, *log;
	struct t_out r;

	T_SHARED_OR_SKIP(peg, "iocs/amnesty_pegasus.stix2");
	clean = make_backup(0);
	infected = make_backup(1);
	bk = th_path_join(clean, "backup");
	check_json(bk, peg, 0);
	free(bk);
	bk = th_path_join(infected, "backup");
	check_json(bk, peg, 1);
	out = th_path_join(infected, "results");
	r = t_th("check", "-i", peg, "-o", out, bk, NULL);
	assert_int_equal(r.rc, 1);
	assert_true(t_contains(r.out, "Verdict: "));
	assert_true(t_contains(r.out, "signs of a possible infection"));
	assert_true(t_contains(r.out, out));
	assert_true(t_contains(r.out, "free247downloads.com"));
	assert_false(t_contains(r.out, "\033["));
	log = th_path_join(out, "command.log");
	assert_true(access(log, F_OK) == 0);
	free(log);
	t_out_free(&r);
	free(out);
	free(bk);
	free(peg);
	t_tmpdir_free(clean);
	t_tmpdir_free(infected);
}

static void test_check_heuristics_only(void **state)
{
	char *dir = make_backup(0), *bk = th_path_join(dir, "backup");
	struct t_out r = t_th("check", bk, NULL);

	assert_true(r.rc == 0 || r.rc == 1);
	assert_true(t_contains(r.err, "heuristics only"));
	assert_true(t_contains(r.out, "Verdict: "));
	t_out_free(&r);
	free(bk);
	t_tmpdir_free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_version),
	        cmocka_unit_test(test_help),
	        cmocka_unit_test(test_unknown_command),
	        cmocka_unit_test(test_unknown_option),
	        cmocka_unit_test_setup_teardown(test_iocs_json, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_iocs_table, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_iocs_none, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_iocs_bad_file, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_match_hits, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_match_json, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_match_type, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_env_and_user_dir, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_check_unrecognised, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_check_unknown_module,
	                                        setup, teardown),
	        cmocka_unit_test(test_modules),
	        cmocka_unit_test_setup_teardown(test_check_backups, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_check_heuristics_only,
	                                        setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
