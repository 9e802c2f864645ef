/*
 * Helpers for test_fs.c and test_sysdiag.c: the indicator bundle the
 * generated dumps and sysdiagnoses are planted against, the folders of
 * a test with a private TMPDIR so leftovers can be counted, and runs.
 */
#ifndef TH_TEST_FSDUMP_SUPPORT_H
#define TH_TEST_FSDUMP_SUPPORT_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <tracehound/tracehound.h>
#include "support.h"
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

/* Loads fsd_bundle from a file written in dir (kept: the CLI tests
 * pass it with -i). */
static struct th_iocs *fsd_iocs(const char *dir)
{
	char *path = t_write_text(dir, "pegasus.stix2", fsd_bundle);
	struct th_iocs *iocs = t_iocs_load(path);

	assert_int_equal(th_iocs_total(iocs), 6);
	free(path);
	return iocs;
}

/* A test's folders: base (removed at the end) holding the target, the
 * results (out) and a private TMPDIR (tmp) so leftovers can be counted. */
struct fsd_env {
	char *base, *tmp, *target, *out, *old_tmpdir;
	struct th_iocs *iocs;
};

/* Makes the folders and points TMPDIR at tmp; the caller writes the
 * target (<base>/<name>). */
static void fsd_env_open(struct fsd_env *e, const char *name)
{
	struct th_err err = {0};
	const char *old = getenv("TMPDIR");

	memset(e, 0, sizeof(*e));
	e->base = t_tmpdir();
	assert_non_null(e->base);
	e->old_tmpdir = old ? strdup(old) : NULL;
	e->tmp = th_path_join(e->base, "tmp");
	e->target = th_path_join(e->base, name);
	e->out = th_path_join(e->base, "out");
	assert_int_equal(th_mkdir_p(e->tmp, 1, &err), TH_OK);
	/* Every private temp folder of the run goes here, to be counted. */
	setenv("TMPDIR", e->tmp, 1);
	e->iocs = fsd_iocs(e->base);
}

static void fsd_env_close(struct fsd_env *e)
{
	if (e->old_tmpdir)
		setenv("TMPDIR", e->old_tmpdir, 1);
	else
		unsetenv("TMPDIR");
	th_iocs_free(e->iocs);
	t_tmpdir_free(e->base);
	free(e->tmp);
	free(e->target);
	free(e->out);
	free(e->old_tmpdir);
}

/* No archive member escaped next to the target (nor, with `absolute`,
 * to the generator's absolute path). */
static void fsd_assert_no_escape(const struct fsd_env *e, int absolute)
{
	char *escape = th_path_join(e->base, "escape");

	assert_int_equal(access(escape, F_OK), -1);
	if (absolute)
		assert_int_equal(access("/tmp/th_gen_absolute_escape", F_OK),
		                 -1);
	free(escape);
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

/* Whether any alert message or matched value contains `needle`
 * (callers add a quote: "bhd'" but not "bh'" in "bhd"). */
static int fsd_alert_mentions(const struct th_run *run, const char *needle)
{
	return t_alerts_in(run, NULL, -1, needle, T_ANY_TEXT) > 0;
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

	return t_run_execute(&opt);
}

#endif
