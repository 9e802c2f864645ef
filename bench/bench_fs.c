/*
 * th-bench, filesystem dumps and sysdiagnoses (issue 5): a generated
 * 2 GiB sysdiagnose read by check-sysdiagnose against `gzip -dc` on the
 * same archive in the same run, and a dump of 500,000 files read by
 * check-fs: wall time and peak memory of each.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "core/fsutil.h"
#include "gen_fs.h"

#define SYSDIAG_MB    2048
#define DUMP_FILES    500000
#define DUMP_TARGET_S 30.0
#define RSS_TARGET_MB 300.0

static int bench_sysdiag(const char *binary, const char *dir)
{
	struct th_gen_fs_opts opt = {.pad_mb = SYSDIAG_MB, .seed = 3};
	struct th_err err = {0};
	char path[4096], out[4096], log[4096];
	double t = th_bench_now(), gz = 0, wall = 0;
	long rss = 0;
	int st;

	snprintf(path, sizeof(path), "%s/%s.tar.gz", dir, TH_GEN_SYSDIAG_NAME);
	snprintf(out, sizeof(out), "%s/sd-results", dir);
	snprintf(log, sizeof(log), "%s/sd.log", dir);
	if (th_gen_sysdiagnose(path, &opt, &err) != TH_OK) {
		fprintf(stderr, "th-bench: %s\n", err.msg);
		return -1;
	}
	printf("generate sysdiag  %d MiB: %.1f s (not counted)\n", SYSDIAG_MB,
	       th_bench_now() - t);
	{
		char *gzip[] = {"gzip", "-dc", path, NULL};
		char *check[] = {(char *)binary,
		                 "check-sysdiagnose",
		                 "-q",
		                 "-o",
		                 out,
		                 path,
		                 NULL};

		if (th_bench_child(gzip, "/dev/null", &gz, &rss) != 0)
			return -1;
		st = th_bench_child(check, log, &wall, &rss);
	}
	if (st != 0 && st != 1)
		return -1;
	printf("gzip -dc          %.2f s\n", gz);
	printf("check-sysdiagnose %.2f s: %.2fx the speed of gzip -dc "
	       "(target >= 0.5x) %s\n",
	       wall, gz / wall, th_bench_verdict(gz / wall >= 0.5));
	printf("check-sysdiagnose peak memory: %.1f MB (target < %.0f MB) %s\n",
	       rss / 1024.0, RSS_TARGET_MB,
	       th_bench_verdict(rss / 1024.0 < RSS_TARGET_MB));
	unlink(path);
	return 0;
}

static int bench_dump(const char *binary, const char *dir)
{
	struct th_gen_fs_opts opt = {.files = DUMP_FILES, .seed = 5};
	struct th_err err = {0};
	char path[4096], out[4096], log[4096];
	double t = th_bench_now(), wall = 0;
	long rss = 0;
	int st;

	snprintf(path, sizeof(path), "%s/dump", dir);
	snprintf(out, sizeof(out), "%s/fs-results", dir);
	snprintf(log, sizeof(log), "%s/fs.log", dir);
	if (th_gen_fs(path, &opt, &err) != TH_OK) {
		fprintf(stderr, "th-bench: %s\n", err.msg);
		return -1;
	}
	printf("generate dump     %d files: %.1f s (not counted)\n", DUMP_FILES,
	       th_bench_now() - t);
	{
		char *check[] = {(char *)binary, "check-fs", "-q", "-o", out,
		                 path,           NULL};

		st = th_bench_child(check, log, &wall, &rss);
	}
	if (st != 0 && st != 1)
		return -1;
	printf("check-fs          wall time: %.2f s (target < %.0f s) %s\n",
	       wall, DUMP_TARGET_S, th_bench_verdict(wall < DUMP_TARGET_S));
	printf("check-fs          peak memory: %.1f MB (target < %.0f MB) %s\n",
	       rss / 1024.0, RSS_TARGET_MB,
	       th_bench_verdict(rss / 1024.0 < RSS_TARGET_MB));
	return 0;
}

int th_bench_fs(const char *binary)
{
	struct th_tmpdir tmp = {0};
	int rc;

	if (th_tmpdir_new(&tmp, NULL) != TH_OK)
		return -1;
	rc = bench_sysdiag(binary, tmp.path);
	if (rc == 0)
		rc = bench_dump(binary, tmp.path);
	if (rc != 0)
		fprintf(stderr, "th-bench: the filesystem/sysdiagnose runs "
		                "failed\n");
	th_tmpdir_free(&tmp);
	return rc;
}
