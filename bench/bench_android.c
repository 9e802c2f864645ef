/*
 * th-bench, Android (issue 6): a generated androidqf acquisition with
 * 2,000 packages, a 200 MB dumpsys and 1,000,000 entries in files.json,
 * read by check-androidqf: wall time and peak memory.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "core/fsutil.h"
#include "gen_android.h"

#define AQF_PACKAGES  2000
#define AQF_DUMPSYS   ((size_t)200 << 20)
#define AQF_FILES     1000000
#define AQF_TARGET_S  5.0
#define AQF_TARGET_MB 300.0

static int measure(const char *binary, const char *dir, const char *out,
                   const char *log)
{
	char *argv[] = {(char *)binary, "check-androidqf", "-o",
	                (char *)out,    (char *)dir,       NULL};
	double wall = 0;
	long rss = 0;
	int st = th_bench_child(argv, log, &wall, &rss);

	if (st != 0 && st != 1) {
		fprintf(stderr, "th-bench: check-androidqf exited with %d\n",
		        st);
		return -1;
	}
	printf("check-androidqf   wall time: %.2f s (target < %.1f s) %s\n",
	       wall, AQF_TARGET_S, wall < AQF_TARGET_S ? "ok" : "MISSED");
	printf("check-androidqf   peak memory: %.1f MB (target < %.0f MB) %s\n",
	       rss / 1024.0, AQF_TARGET_MB,
	       rss / 1024.0 < AQF_TARGET_MB ? "ok" : "MISSED");
	return 0;
}

int th_bench_android(const char *binary)
{
	struct th_tmpdir tmp = {0};
	struct th_err err = {0};
	char *dir = NULL, *out = NULL, *log = NULL;
	double t;
	int rc = -1;

	if (th_tmpdir_new(&tmp, &err) != TH_OK ||
	    !(dir = th_path_join(tmp.path, "aqf")) ||
	    !(out = th_path_join(tmp.path, "results")) ||
	    !(log = th_path_join(tmp.path, "run.log")))
		goto out;
	t = th_bench_now();
	if (th_gen_androidqf_big(dir, AQF_PACKAGES, AQF_DUMPSYS, AQF_FILES,
	                         &err) != TH_OK) {
		fprintf(stderr, "th-bench: %s\n", err.msg);
		goto out;
	}
	printf("generate androidqf %d packages, %zu MB dumpsys, %d files: "
	       "%.2f s (not counted)\n",
	       AQF_PACKAGES, AQF_DUMPSYS >> 20, AQF_FILES, th_bench_now() - t);
	rc = measure(binary, dir, out, log);
out:
	free(dir);
	free(out);
	free(log);
	th_tmpdir_free(&tmp);
	return rc;
}
