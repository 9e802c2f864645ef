/* A large androidqf acquisition for th-bench: many packages, a large
 * dumpsys, a files.json of JSON lines. Written streaming: nothing is
 * held in memory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fsutil.h"
#include "gen_android.h"

static FILE *open_in(const char *dir, const char *name, struct th_err *err)
{
	char *p = th_path_join(dir, name);
	FILE *f = p ? fopen(p, "w") : NULL;

	if (!f)
		th_err_set(err, TH_ERR_IO, "cannot write '%s'", p ? p : name);
	free(p);
	return f;
}

static int finish(FILE *f, struct th_err *err)
{
	if (ferror(f) | (fclose(f) != 0)) {
		th_err_set(err, TH_ERR_IO, "%s",
		           "cannot write the acquisition");
		return -1;
	}
	return 0;
}

static int big_packages(const char *dir, size_t n, struct th_err *err)
{
	FILE *f = open_in(dir, "packages.json", err);
	size_t i;

	if (!f)
		return -1;
	fputs("[\n", f);
	for (i = 0; i < n; i++)
		fprintf(f,
		        "%s{\"name\": \"com.bench.app%zu\", \"installer\": "
		        "\"com.android.vending\", \"uid\": %zu, \"disabled\": "
		        "false, \"system\": false, \"third_party\": true, "
		        "\"files\": [{\"path\": \"/data/app/com.bench.app%zu/"
		        "base.apk\", \"sha256\": \"%064zx\", \"certificate\": "
		        "{\"Sha256\": \"%064zx\", \"SerialNumber\": "
		        "123456789012345678901234567890}}]}\n",
		        i ? "," : "", i, 10000 + i, i, i, i + 7);
	fputs("]\n", f);
	return finish(f, err);
}

static int big_dumpsys(const char *dir, size_t bytes, struct th_err *err)
{
	FILE *f = open_in(dir, "dumpsys.txt", err);
	static const char *const services[] = {"package",      "appops",
	                                       "batterystats", "dbinfo",
	                                       "activity",     "window"};
	size_t written = 0, s = 0, line = 0;

	if (!f)
		return -1;
	while (written < bytes) {
		if (line % 200000 == 0)
			written += (size_t)fprintf(f, "DUMP OF SERVICE %s:\n",
			                           services[s++ % 6]);
		written += (size_t)fprintf(
		        f,
		        "  Package [com.bench.app%zu] (%zx): userId=%zu "
		        "versionName=1.%zu\n",
		        line % 2000, line, 10000 + line % 2000, line % 97);
		line++;
	}
	return finish(f, err);
}

static int big_files(const char *dir, size_t n, struct th_err *err)
{
	FILE *f = open_in(dir, "files.json", err);
	size_t i;

	if (!f)
		return -1;
	for (i = 0; i < n; i++)
		fprintf(f,
		        "{\"path\": \"/sdcard/bench/%zu/file%zu.bin\", "
		        "\"size\": "
		        "%zu, \"mode\": \"-rw-rw----\", \"user_id\": 10000, "
		        "\"group_id\": 1015, \"changed_time\": %zu, "
		        "\"modified_time\": %zu, \"access_time\": %zu, "
		        "\"sha256\": \"\", \"md5\": \"\"}\n",
		        i / 1000, i, i % 65536, 1600000000 + i, 1600000000 + i,
		        1600000000 + i);
	return finish(f, err);
}

enum th_status th_gen_androidqf_big(const char *dir, size_t packages,
                                    size_t dumpsys_bytes, size_t files,
                                    struct th_err *err)
{
	if (th_mkdir_p(dir, 0, err) != TH_OK ||
	    big_packages(dir, packages, err) ||
	    big_dumpsys(dir, dumpsys_bytes, err) || big_files(dir, files, err))
		return err->status ? err->status : TH_ERR_IO;
	return TH_OK;
}
