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
	free(t_write_text(fx->results, "manifest.json", mvt_manifest));
	fx->ioc_file = t_write_text(fx->dir, "test.stix2", iocs);
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

static void test_mvt_folder_rechecked(void **state)
{
	struct fixture *fx = *state;
	json_t *alerts, *a;
	struct t_out r = t_th_on(fx->results, "check-iocs", "-i", fx->ioc_file,
	                         "-o", fx->out, fx->results, NULL);

	assert_int_equal(r.rc, 1);
	assert_true(t_contains(r.out, "evil-example.net"));
	alerts = t_load_json(fx->out, "alerts.json");
	assert_true(json_is_array(alerts));
	/* The look-alike (notevil-example.net) gives nothing. */
	assert_int_equal(json_array_size(alerts), 1);
	a = json_array_get(alerts, 0);
	assert_string_equal(t_str(a, "level"), "high");
	assert_string_equal(
	        t_str(json_object_get(a, "matched_indicator"), "value"),
	        "evil-example.net");
	assert_string_equal(t_str(a, "event_time"),
	                    "2021-07-01 10:00:00.000000");
	json_decref(alerts);
	t_out_free(&r);
}

static void test_no_indicators_no_alert(void **state)
{
	struct fixture *fx = *state;
	struct t_out r;

	unsetenv("TRACEHOUND_IOCS");
	setenv("XDG_DATA_HOME", fx->dir, 1);
	r = t_th("check-iocs", "-q", fx->results, NULL);
	assert_int_equal(r.rc, 0);
	assert_true(t_contains(r.out, "manifest"));
	t_out_free(&r);
}

static void test_truncated_file_is_reported(void **state)
{
	struct fixture *fx = *state;
	struct t_out r;

	free(t_write_text(fx->results, "manifest.json", "[{\"domain\": \"x\""));
	r = t_th("check-iocs", "-i", fx->ioc_file, fx->results, NULL);
	assert_int_equal(r.rc, 0);
	assert_true(t_contains(r.err, "manifest.json"));
	assert_true(t_contains(r.err, "truncated"));
	t_out_free(&r);
}

static void test_not_a_folder(void **state)
{
	struct fixture *fx = *state;
	struct t_out r = t_th("check-iocs", fx->ioc_file, NULL);

	assert_int_equal(r.rc, 2);
	assert_true(t_contains(r.err, "not a results folder"));
	t_out_free(&r);
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
