/*
 * Helpers for test_fs.c and test_sysdiag.c: the indicator bundle the
 * generated dumps and sysdiagnoses are planted against, a private
 * TMPDIR so leftovers can be counted, and alert counting.
 */
#ifndef TH_TEST_FSDUMP_SUPPORT_H
#define TH_TEST_FSDUMP_SUPPORT_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <tracehound/tracehound.h>
#include "core/fsutil.h"

static const char fsd_bundle[] =
        "{\"type\": \"bundle\", \"id\": \"bundle--1\", \"objects\": ["
        "{\"type\": \"malware\", \"id\": \"malware--1\", \"name\": "
        "\"Pegasus\"},"
        "{\"type\": \"indicator\", \"id\": \"indicator--1\", \"pattern\": "
        "\"[process:name = 'bh']\"},"
        "{\"type\": \"indicator\", \"id\": \"indicator--2\", \"pattern\": "
        "\"[process:name = 'roleaccountd']\"},"
        "{\"type\": \"indicator\", \"id\": \"indicator--3\", \"pattern\": "
        "\"[process:name = 'msgacntd']\"},"
        "{\"type\": \"indicator\", \"id\": \"indicator--4\", \"pattern\": "
        "\"[app:id = 'com.spy.agent']\"},"
        "{\"type\": \"indicator\", \"id\": \"indicator--5\", \"pattern\": "
        "\"[file:path = "
        "'/private/var/db/com.apple.xpc.roleaccountd.staging/']\"},"
        "{\"type\": \"indicator\", \"id\": \"indicator--6\", \"pattern\": "
        "\"[domain-name:value = 'free247downloads.com']\"}]}";

/* Loads fsd_bundle from a file written in dir. */
static struct th_iocs *fsd_iocs(const char *dir)
{
	char *path = th_path_join(dir, "pegasus.stix2");
	struct th_iocs *iocs = NULL;
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	fputs(fsd_bundle, f);
	fclose(f);
	assert_int_equal(th_iocs_new(&iocs), TH_OK);
	assert_int_equal(th_iocs_load(iocs, path), TH_OK);
	assert_int_equal(th_iocs_total(iocs), 6);
	free(path);
	return iocs;
}

/* Entries in a folder (not recursive); -1 when it cannot be opened. */
static int fsd_count_dir(const char *dir)
{
	struct dirent *de;
	int n = 0;
	DIR *d = opendir(dir);

	if (!d)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

/* Alerts of `module` at `level` (-1: any level). */
static size_t fsd_alerts(const struct th_run *run, const char *module,
                         int level)
{
	const struct th_alert *a;
	size_t i, n = 0;

	for (i = 0; i < th_run_nalerts(run); i++) {
		a = th_run_alert_at(run, i);
		if (!strcmp(a->module, module) &&
		    (level < 0 || (int)a->level == level))
			n++;
	}
	return n;
}

/* Whether any alert message or matched value contains `needle`
 * followed by a quote (so "bhd'" but not "bh'" in "bhd"). */
static int fsd_alert_mentions(const struct th_run *run, const char *needle)
{
	const struct th_alert *a;
	size_t i;

	for (i = 0; i < th_run_nalerts(run); i++) {
		a = th_run_alert_at(run, i);
		if (strstr(a->message, needle) ||
		    (a->matched_value && strstr(a->matched_value, needle)))
			return 1;
	}
	return 0;
}

static const struct th_module_result *fsd_result(const struct th_run *run,
                                                 const char *slug)
{
	size_t i;

	for (i = 0; i < th_run_nresults(run); i++)
		if (!strcmp(th_run_result(run, i)->slug, slug))
			return th_run_result(run, i);
	return NULL;
}

/* Runs the modules on target with output into out. */
static struct th_run *fsd_run(const char *target, const char *source,
                              const char *out, const struct th_iocs *iocs,
                              int fast)
{
	struct th_run_options opt = {
	        .target = target,
	        .source = source,
	        .output_dir = out,
	        .iocs = iocs,
	        .jobs = 1,
	        .fast = fast,
	};
	struct th_run *run = NULL;

	if (th_run_new(&run, &opt) != TH_OK)
		fail_msg("th_run_new: %s", run ? th_run_error(run) : "?");
	assert_int_equal(th_run_execute(run), TH_OK);
	return run;
}

#endif
