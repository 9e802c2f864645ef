/*
 * What test_extract_budget.c and test_extract_cli.c build: iOS dump
 * archives of many crash reports of one size, and an androidqf zip with
 * a nested bugreport.zip and backup.ab. Test code only; include after
 * cmocka.h and support.h.
 */
#ifndef TH_TEST_EXTRACT_FIXTURE_H
#define TH_TEST_EXTRACT_FIXTURE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fsutil.h"
#include "gen_android.h"
#include "gen_fs.h"
#include "hostile/hostile.h"

#define KIB ((uint64_t)1 << 10)
#define MB  ((uint64_t)1 << 20)

#define CRASHES "private/var/mobile/Library/Logs/CrashReporter/"

/* A crash report of exactly `size` bytes: a JSON header, then filler. */
static inline char *ips(int n, size_t size)
{
	char *text = malloc(size);
	int len;

	assert_non_null(text);
	len = snprintf(text, size,
	               "{\"app_name\":\"app%d\",\"bug_type\":\"109\","
	               "\"timestamp\":\"2023-01-0%d 10:00:00.00 +0000\"}\n",
	               n, 1 + n % 9);
	memset(text + len, 'x', size - (size_t)len - 1);
	text[size - 1] = '\n';
	return text;
}

/* An iOS dump archive (.tar.gz or .zip, by name) of `n` crash reports
 * of `size` bytes each, crash_000.ips first. */
static inline void crash_dump(const char *path, int n, size_t size)
{
	struct th_gen_sink *s = NULL;
	struct th_err err = {0};
	char rel[128], *text;
	int i;

	assert_int_equal(th_gen_sink_open(path, &s, &err), TH_OK);
	for (i = 0; i < n; i++) {
		snprintf(rel, sizeof(rel), CRASHES "crash_%03d.ips", i);
		text = ips(i, size);
		assert_int_equal(th_gen_sink_file(s, rel, text, size,
		                                  1672567200 + i, &err),
		                 TH_OK);
		free(text);
	}
	assert_int_equal(th_gen_sink_close(s, &err), TH_OK);
}

static inline uint64_t file_size(const char *dir, const char *name)
{
	char *p = th_path_join(dir, name);
	size_t len = 0;
	char *data = t_slurp(p, &len);

	assert_non_null(data);
	free(data);
	free(p);
	return len;
}

/* <dir>/aqf: a generated acquisition; <dir>/aqf.zip: some of its files,
 * stored, with the nested bugreport.zip and backup.ab. Returns the zip's
 * path. */
static inline char *aqf_zip(const char *dir)
{
	static const char *const files[] = {"acquisition.json", "getprop.txt",
	                                    "packages.json",    "dumpsys.txt",
	                                    "bugreport.zip",    "backup.ab"};
	char *gen = th_path_join(dir, "aqf"), *zip, *p, *data;
	struct th_hostile_zip *z = NULL;
	struct th_err err = {0};
	size_t i, len;

	assert_int_equal(th_gen_androidqf(gen, 1, &err), TH_OK);
	zip = th_path_join(dir, "aqf.zip");
	assert_int_equal(th_hostile_zip_open(zip, &z, &err), TH_OK);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		p = th_path_join(gen, files[i]);
		data = t_slurp(p, &len);
		assert_non_null(data);
		assert_int_equal(
		        th_hostile_zip_add(z, files[i], data, len, &err),
		        TH_OK);
		free(data);
		free(p);
	}
	assert_int_equal(th_hostile_zip_close(z, &err), TH_OK);
	free(gen);
	return zip;
}

#endif
