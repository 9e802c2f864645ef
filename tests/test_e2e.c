/*
 * End to end: the tracehound binary on generated backups (infected and
 * clean) and on MVT's fixture backup, checked against the demo indicator
 * set (demo/demo-iocs.stix2).
 *
 * Golden files: the infected run's alerts.json, manifest_detected.json,
 * backup_info.json and timeline.csv are compared with the files in
 * tests/golden/ios_backup_infected/, after replacing the run's temporary
 * folder with "$TMP" and the source folder with "$SRC". When an output
 * changes on purpose, regenerate them and review the diff:
 *
 *     TH_UPDATE_GOLDEN=1 ctest -R test_e2e     (or run test_e2e directly)
 *     git diff tests/golden
 *
 * Every run hashes the evidence before and after: it must not change.
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

#include "support.h"
#include "gen.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/fsutil.h"

#define IOCS    TH_SOURCE_DIR "/demo/demo-iocs.stix2"
#define GOLDEN  TH_SOURCE_DIR "/tests/golden/ios_backup_infected"
#define FILLER  10
#define STAGING "/private/var/db/com.apple.xpc.roleaccountd.staging/"

static const char *const golden_files[] = {
        "alerts.json",
        "manifest_detected.json",
        "backup_info.json",
        "timeline.csv",
};

/* Rows that must never be the subject of an alert. */
static const char *const look_alikes[] = {
        "notfree247downloads",
        "roleaccountd.staging.old",
        "Library/Caches/bhd",
        "com.apple.ImageIO.plist",
};

/* Indicators come only from -i: no user folder, no environment list. */
static int setup(void **state)
{
	char *tmp = t_tmpdir(), *xdg;

	if (!tmp)
		return -1;
	xdg = th_path_join(tmp, "xdg");
	setenv("XDG_DATA_HOME", xdg, 1);
	unsetenv("TRACEHOUND_IOCS");
	setenv("NO_COLOR", "1", 1);
	free(xdg);
	*state = tmp;
	return 0;
}

static int teardown(void **state)
{
	t_tmpdir_free(*state);
	return 0;
}

static char *generate(const char *tmp, const char *name, int infected)
{
	return t_gen_backup(tmp, name, infected, FILLER, 1);
}

/* `tracehound check -i demo -o out evidence`; the evidence must come
 * out unchanged. Returns the exit status. */
static int check(const char *evidence, const char *out)
{
	struct t_out r = t_th_on(evidence, "check", "-i", IOCS, "-o", out,
	                         evidence, NULL);
	int rc = r.rc;

	if (rc != 0 && rc != 1)
		print_message("tracehound exited %d:\n%s", rc, r.err);
	t_out_free(&r);
	return rc;
}

/* The first alert whose JSON text contains every needle (and, when
 * `ioc` is set, whose matched indicator is that value). */
static json_t *find_alert(json_t *alerts, const char *ioc, const char *needle1,
                          const char *needle2)
{
	json_t *a, *value;
	char *text;
	size_t i;
	int ok;

	json_array_foreach(alerts, i, a)
	{
		value = json_object_get(json_object_get(a, "matched_indicator"),
		                        "value");
		if (ioc && (!json_is_string(value) ||
		            strcmp(json_string_value(value), ioc) != 0))
			continue;
		text = json_dumps(a, 0);
		ok = t_contains(text, needle1) &&
		     (!needle2 || t_contains(text, needle2));
		free(text);
		if (ok)
			return a;
	}
	return NULL;
}

static int is_high(json_t *alert)
{
	const char *level = t_str(alert, "level");

	return level && (!strcmp(level, "high") || !strcmp(level, "critical"));
}

static void assert_high_alert(json_t *alerts, const char *ioc,
                              const char *needle1, const char *needle2)
{
	json_t *a = find_alert(alerts, ioc, needle1, needle2);

	if (!a)
		fail_msg("no alert for '%s'%s%s", needle1,
		         ioc ? " matching indicator " : "", ioc ? ioc : "");
	if (!is_high(a))
		fail_msg("the alert for '%s' is not high or critical", needle1);
}

static void assert_no_look_alike(json_t *alerts)
{
	json_t *a;
	char *text;
	size_t i, j;

	json_array_foreach(alerts, i, a)
	{
		text = json_dumps(a, 0);
		for (j = 0; j < sizeof(look_alikes) / sizeof(*look_alikes); j++)
			if (t_contains(text, look_alikes[j]))
				fail_msg("alert on a look-alike: %s", text);
		if (t_contains(text, "com.apple.CrashReporter.plist") &&
		    t_contains(text, "HomeDomain"))
			fail_msg("alert on HomeDomain's CrashReporter: %s",
			         text);
		free(text);
	}
}

/* timeline.csv: MVT's header, then rows in time order. */
static void check_timeline(const char *out, size_t min_rows)
{
	static const char header[] =
	        "\"UTC Timestamp\",\"Plugin\",\"Event\",\"Description\"\n";
	char *path = th_path_join(out, "timeline.csv"), *csv, *line, *next;
	const char *prev = "";
	size_t rows = 0;

	csv = t_slurp(path, NULL);
	assert_non_null(csv);
	assert_memory_equal(csv, header, sizeof(header) - 1);
	for (line = csv + sizeof(header) - 1; *line; line = next) {
		next = strchr(line, '\n');
		assert_non_null(next);
		*next++ = '\0';
		assert_true(strlen(line) > 29 && line[0] == '"' &&
		            line[27] == '"');
		line[27] = '\0';
		if (strcmp(prev, line + 1) > 0)
			fail_msg("timeline.csv is not sorted: %s after %s",
			         line + 1, prev);
		prev = line + 1;
		rows++;
	}
	assert_true(rows >= min_rows);
	free(csv);
	free(path);
}

/* Replaces every `from` by `to`. */
static void replace_all(struct th_buf *b, const char *from, const char *to)
{
	struct th_buf out;
	const char *p = th_buf_str(b), *hit;

	th_buf_init(&out, (size_t)1 << 30);
	while ((hit = strstr(p, from)) != NULL) {
		th_buf_add(&out, p, (size_t)(hit - p));
		th_buf_adds(&out, to);
		p = hit + strlen(from);
	}
	th_buf_adds(&out, p);
	th_buf_free(b);
	*b = out;
}

/* Fails naming the first line where two texts differ. */
static void report_diff(const char *name, const char *want, const char *got)
{
	const char *wl = want, *gl = got;
	size_t line = 1;

	while (*want && *want == *got) {
		if (*want == '\n') {
			line++;
			wl = want + 1;
			gl = got + 1;
		}
		want++;
		got++;
	}
	fail_msg("%s differs from its golden file at line %zu:\n"
	         "  golden: %.*s\n  actual: %.*s\n"
	         "(if the change is intended: TH_UPDATE_GOLDEN=1, then review)",
	         name, line, (int)strcspn(wl, "\n"), wl, (int)strcspn(gl, "\n"),
	         gl);
}

static void compare_golden(const char *out, const char *tmp, const char *name)
{
	char *path = th_path_join(out, name), *gold_path, *gold, *data;
	struct th_buf actual;
	struct th_err err = {0};

	th_buf_init(&actual, (size_t)1 << 30);
	data = t_slurp(path, NULL);
	if (!data)
		fail_msg("%s was not written", name);
	th_buf_adds(&actual, data);
	replace_all(&actual, tmp, "$TMP");
	replace_all(&actual, TH_SOURCE_DIR, "$SRC");
	gold_path = th_path_join(GOLDEN, name);
	if (getenv("TH_UPDATE_GOLDEN") &&
	    !strcmp(getenv("TH_UPDATE_GOLDEN"), "1")) {
		th_mkdir_p(GOLDEN, 0, NULL);
		remove(gold_path);
		if (th_gen_file_write(gold_path, actual.data, actual.len,
		                      &err) != TH_OK)
			fail_msg("%s", err.msg);
		print_message("updated %s\n", gold_path);
	} else if (!(gold = t_slurp(gold_path, NULL))) {
		fail_msg(
		        "missing golden file %s (TH_UPDATE_GOLDEN=1 writes it)",
		        gold_path);
	} else {
		if (strcmp(gold, th_buf_str(&actual)) != 0)
			report_diff(name, gold, th_buf_str(&actual));
		free(gold);
	}
	th_buf_free(&actual);
	free(data);
	free(gold_path);
	free(path);
}

static void test_infected(void **state)
{
	char *tmp = *state, *backup = generate(tmp, "infected", 1);
	char *out = th_path_join(tmp, "out-infected");
	json_t *alerts, *v;
	size_t i;

	assert_int_equal(check(backup, out), 1);
	alerts = t_load_json(out, "alerts.json");
	assert_true(json_array_size(alerts) >= 3);
	assert_high_alert(alerts, NULL, "com.apple.CrashReporter.plist",
	                  "RootDomain");
	assert_high_alert(alerts, "free247downloads.com",
	                  "bun54l2b67.get1tn0w.free247downloads.com", NULL);
	assert_high_alert(alerts, STAGING, "com.apple.WebKit.Networking", NULL);
	assert_no_look_alike(alerts);
	v = t_load_json(out, "manifest.json");
	assert_int_equal(json_array_size(v),
	                 th_gen_backup_nplanted(1) + FILLER);
	json_decref(v);
	json_decref(t_load_json(out, "backup_info.json"));
	json_decref(t_load_json(out, "info.json"));
	json_decref(t_load_json(out, "manifest_detected.json"));
	check_timeline(out, th_gen_backup_nplanted(1) + FILLER);
	for (i = 0; i < sizeof(golden_files) / sizeof(*golden_files); i++)
		compare_golden(out, tmp, golden_files[i]);
	json_decref(alerts);
	free(out);
	free(backup);
}

static void test_clean(void **state)
{
	char *tmp = *state, *backup = generate(tmp, "clean", 0);
	char *out = th_path_join(tmp, "out-clean"), *path;
	json_t *alerts, *a, *v;
	size_t i;

	assert_int_equal(check(backup, out), 0);
	path = th_path_join(out, "alerts.json");
	if (th_is_file(path)) {
		alerts = t_load_json(out, "alerts.json");
		json_array_foreach(alerts, i, a) if (is_high(a))
		        fail_msg("high alert on a clean backup: %s",
		                 t_str(a, "message"));
		assert_no_look_alike(alerts);
		json_decref(alerts);
	}
	v = t_load_json(out, "manifest.json");
	assert_int_equal(json_array_size(v),
	                 th_gen_backup_nplanted(0) + FILLER);
	json_decref(v);
	json_decref(t_load_json(out, "info.json"));
	check_timeline(out, th_gen_backup_nplanted(0) + FILLER);
	free(path);
	free(out);
	free(backup);
}

/* MVT's fixture holds no trace of the demo set and nothing a heuristic
 * rates high, so the run finds nothing high: exit 0. */
static void test_mvt_fixture(void **state)
{
	char *tmp = *state, *fixture, *out;
	json_t *v;

	T_SHARED_OR_SKIP(fixture, "fixtures/mvt/ios_backup");
	out = th_path_join(tmp, "out-mvt");
	assert_int_equal(check(fixture, out), 0);
	v = t_load_json(out, "manifest.json");
	assert_int_equal(json_array_size(v), 3721);
	json_decref(v);
	json_decref(t_load_json(out, "backup_info.json"));
	free(fixture);
	free(out);
}

static void test_output_inside_evidence(void **state)
{
	char *tmp = *state, *backup = generate(tmp, "inside", 1);
	char *out = th_path_join(backup, "results");
	struct t_out r =
	        t_th_on(backup, "check", "-i", IOCS, "-o", out, backup, NULL);

	assert_int_equal(r.rc, 2);
	assert_false(th_is_dir(out));
	assert_true(r.err && strlen(r.err) > 0);
	t_out_free(&r);
	free(out);
	free(backup);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_infected, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_clean, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_mvt_fixture, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_output_inside_evidence,
	                                        setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
