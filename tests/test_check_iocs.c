/*
 * check-iocs: a results folder (ours or MVT's) re-checked against the
 * indicators loaded now, without the evidence.
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
#include "core/fsutil.h"

/* A manifest.json as MVT writes it (its field names, its indent). */
static const char mvt_manifest[] =
        "[\n"
        "    {\n"
        "        \"file_id\": \"0f1b0f21e2a0ec4e1ea1b5a0b2a6d8e3a1b2c3d4\",\n"
        "        \"domain\": \"AppDomain-com.apple.mobilesafari\",\n"
        "        \"relative_path\": \"Library/WebKit/WebsiteData/LocalStorage/"
        "https_a.evil-example.net_0.localstorage\",\n"
        "        \"flags\": 1,\n"
        "        \"created\": \"2021-07-01 10:00:00.000000\",\n"
        "        \"modified\": \"2021-07-01 10:00:00.000000\",\n"
        "        \"status_changed\": \"2021-07-01 10:00:00.000000\",\n"
        "        \"mode\": \"0o100644\",\n"
        "        \"owner\": 501,\n"
        "        \"size\": 4096\n"
        "    },\n"
        "    {\n"
        "        \"file_id\": \"1f1b0f21e2a0ec4e1ea1b5a0b2a6d8e3a1b2c3d4\",\n"
        "        \"domain\": \"AppDomain-com.apple.mobilesafari\",\n"
        "        \"relative_path\": \"Library/WebKit/WebsiteData/LocalStorage/"
        "https_a.notevil-example.net_0.localstorage\",\n"
        "        \"flags\": 1,\n"
        "        \"created\": \"2021-07-02 10:00:00.000000\",\n"
        "        \"modified\": \"2021-07-02 10:00:00.000000\",\n"
        "        \"status_changed\": \"2021-07-02 10:00:00.000000\",\n"
        "        \"mode\": \"0o100644\",\n"
        "        \"owner\": 501,\n"
        "        \"size\": 4096\n"
        "    }\n"
        "]\n";

static const char iocs[] =
        "{\"type\": \"bundle\", \"id\": \"bundle--1\", \"objects\": ["
        "{\"type\": \"malware\", \"id\": \"malware--1\", \"name\": \"Test\"},"
        "{\"type\": \"indicator\", \"id\": \"indicator--1\", "
        "\"pattern\": \"[domain-name:value = 'evil-example.net']\"},"
        "{\"type\": \"relationship\", \"id\": \"relationship--1\", "
        "\"relationship_type\": \"indicates\", "
        "\"source_ref\": \"indicator--1\", \"target_ref\": \"malware--1\"}"
        "]}";

static char *write_file(const char *dir, const char *name, const char *text)
{
	char *path = th_path_join(dir, name);
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

struct fixture {
	char *dir;
	char *results;
	char *ioc_file;
	char *out;
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	fx->dir = t_tmpdir();
	fx->results = th_path_join(fx->dir, "results");
	th_mkdir_p(fx->results, 0, NULL);
	free(write_file(fx->results, "manifest.json", mvt_manifest));
	fx->ioc_file = write_file(fx->dir, "test.stix2", iocs);
	fx->out = th_path_join(fx->dir, "out");
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	t_tmpdir_free(fx->dir);
	free(fx->results);
	free(fx->ioc_file);
	free(fx->out);
	free(fx);
	return 0;
}

static json_t *load_alerts(const char *out)
{
	char *path = th_path_join(out, "alerts.json");
	json_t *j = json_load_file(path, 0, NULL);

	free(path);
	return j;
}

static void test_mvt_folder_rechecked(void **state)
{
	struct fixture *fx = *state;
	char *argv[] = {TH_BINARY, "check-iocs", "-i",        fx->ioc_file,
	                "-o",      fx->out,      fx->results, NULL};
	char before[65], after[65], *out = NULL, *err = NULL;
	json_t *alerts, *a;
	int rc;

	t_tree_hash(fx->results, before);
	rc = t_run(argv, &out, &err);
	t_tree_hash(fx->results, after);
	assert_int_equal(rc, 1);
	assert_string_equal(before, after);
	assert_true(t_contains(out, "evil-example.net"));
	alerts = load_alerts(fx->out);
	assert_true(json_is_array(alerts));
	/* The look-alike (notevil-example.net) gives nothing. */
	assert_int_equal(json_array_size(alerts), 1);
	a = json_array_get(alerts, 0);
	assert_string_equal(json_string_value(json_object_get(a, "level")),
	                    "high");
	assert_string_equal(
	        json_string_value(json_object_get(
	                json_object_get(a, "matched_indicator"), "value")),
	        "evil-example.net");
	assert_string_equal(json_string_value(json_object_get(a, "event_time")),
	                    "2021-07-01 10:00:00.000000");
	json_decref(alerts);
	free(out);
	free(err);
}

static void test_no_indicators_no_alert(void **state)
{
	struct fixture *fx = *state;
	char *argv[] = {TH_BINARY, "check-iocs", "-q", fx->results, NULL};
	char *out = NULL;

	unsetenv("TRACEHOUND_IOCS");
	setenv("XDG_DATA_HOME", fx->dir, 1);
	assert_int_equal(t_run(argv, &out, NULL), 0);
	assert_true(t_contains(out, "manifest"));
	free(out);
}

static void test_truncated_file_is_reported(void **state)
{
	struct fixture *fx = *state;
	char *argv[] = {TH_BINARY,    "check-iocs", "-i",
	                fx->ioc_file, fx->results,  NULL};
	char *out = NULL, *err = NULL;

	free(write_file(fx->results, "manifest.json", "[{\"domain\": \"x\""));
	assert_int_equal(t_run(argv, &out, &err), 0);
	assert_true(t_contains(err, "manifest.json"));
	assert_true(t_contains(err, "truncated"));
	free(out);
	free(err);
}

static void test_not_a_folder(void **state)
{
	struct fixture *fx = *state;
	char *argv[] = {TH_BINARY, "check-iocs", fx->ioc_file, NULL};
	char *err = NULL;

	assert_int_equal(t_run(argv, NULL, &err), 2);
	assert_true(t_contains(err, "not a results folder"));
	free(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_mvt_folder_rechecked,
	                                        setup, teardown),
	        cmocka_unit_test_setup_teardown(test_no_indicators_no_alert,
	                                        setup, teardown),
	        cmocka_unit_test_setup_teardown(test_truncated_file_is_reported,
	                                        setup, teardown),
	        cmocka_unit_test_setup_teardown(test_not_a_folder, setup,
	                                        teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
