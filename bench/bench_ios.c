/*
 * The large iOS backup of issue 3: 300,000 Manifest rows, an sms.db of
 * 1,000,000 messages (a tenth with links), a Safari History.db of
 * 500,000 visits and a DataUsage.sqlite of 5,000 processes, checked with
 * every indicator file of ../shared/iocs loaded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "core/buf.h"
#include "core/fsutil.h"
#include "gen.h"

#define MANIFEST_ROWS 300000
#define SMS_MESSAGES  1000000
#define SAFARI_VISITS 500000
#define PROCESSES     5000
#define WALL_TARGET_S 10.0
#define RSS_TARGET_MB 300.0

/* The stored file of (domain, path) in a generated backup. */
static char *stored_path(const char *backup, const char *domain,
                         const char *path)
{
	char id[41], sub[3], *dir, *file;

	th_gen_file_id(domain, path, id);
	memcpy(sub, id, 2);
	sub[2] = '\0';
	dir = th_path_join(backup, sub);
	file = dir ? th_path_join(dir, id) : NULL;
	free(dir);
	return file;
}

/* Replaces the planted sms.db and History.db with large ones. */
static int grow_databases(const char *backup, struct th_err *err)
{
	char *sms = stored_path(backup, "HomeDomain", "Library/SMS/sms.db");
	char *web =
	        stored_path(backup, "HomeDomain", "Library/Safari/History.db");
	int rc = -1;

	if (sms && web && unlink(sms) == 0 && unlink(web) == 0 &&
	    th_gen_sms_db_file(sms, SMS_MESSAGES, err) == TH_OK &&
	    th_gen_safari_history_file(web, SAFARI_VISITS, err) == TH_OK)
		rc = 0;
	free(sms);
	free(web);
	return rc;
}

static int grow_datausage(const char *backup, struct th_err *err)
{
	char *path = stored_path(backup, "WirelessDomain",
	                         "Library/Databases/DataUsage.sqlite");
	struct th_buf img;
	int rc = -1;

	th_buf_init(&img, (size_t)1 << 30);
	if (path && unlink(path) == 0 &&
	    th_gen_datausage(PROCESSES, &img, err) == TH_OK &&
	    th_gen_file_write(path, img.data, img.len, err) == TH_OK)
		rc = 0;
	th_buf_free(&img);
	free(path);
	return rc;
}

static int generate(const char *backup)
{
	struct th_gen_backup_opts opt = {
	        .rows = MANIFEST_ROWS - th_gen_backup_nplanted(0), .seed = 11};
	struct th_err err = {0};
	double t = th_bench_now();

	if (th_gen_backup(backup, &opt, &err) != TH_OK ||
	    grow_databases(backup, &err) || grow_datausage(backup, &err)) {
		fprintf(stderr, "th-bench: %s\n",
		        err.msg[0] ? err.msg : "cannot build the large backup");
		return -1;
	}
	printf("generate backup   %d rows, %d messages, %d visits, %d "
	       "processes: %.1f s (not counted)\n",
	       MANIFEST_ROWS, SMS_MESSAGES, SAFARI_VISITS, PROCESSES,
	       th_bench_now() - t);
	return 0;
}

static int measure(const char *binary, const char *backup, const char *out,
                   const char *log)
{
	char *argv[] = {(char *)binary,
	                "check",
	                "-q",
	                "-i",
	                TH_SHARED_DIR "/iocs",
	                "-o",
	                (char *)out,
	                (char *)backup,
	                NULL};
	double wall = 0;
	long rss = 0;
	int st;

	st = th_bench_child(argv, log, &wall, &rss);
	if (st != 0 && st != 1) {
		fprintf(stderr,
		        "th-bench: check of the large backup exited "
		        "with %d:\n",
		        st);
		th_bench_show_log(log);
		return -1;
	}
	printf("check large iOS   wall time: %.2f s (target < %.0f s) %s\n",
	       wall, WALL_TARGET_S, th_bench_verdict(wall < WALL_TARGET_S));
	printf("check large iOS   peak memory: %.1f MB (target < %.0f MB) %s\n",
	       rss / 1024.0, RSS_TARGET_MB,
	       th_bench_verdict(rss / 1024.0 < RSS_TARGET_MB));
	return 0;
}

int th_bench_ios(const char *binary)
{
	struct th_tmpdir tmp = {0};
	char *backup = NULL, *out = NULL, *log = NULL;
	int rc = -1;

	if (!th_is_dir(TH_SHARED_DIR "/iocs")) {
		printf("check large iOS   skipped: ../shared/iocs is absent\n");
		return 0;
	}
	if (th_tmpdir_new(&tmp, NULL) == TH_OK &&
	    (backup = th_path_join(tmp.path, "backup")) &&
	    (out = th_path_join(tmp.path, "results")) &&
	    (log = th_path_join(tmp.path, "run.log")) && !generate(backup))
		rc = measure(binary, backup, out, log);
	free(backup);
	free(out);
	free(log);
	/* TH_BENCH_KEEP=1 keeps the generated evidence, for profiling. */
	if (getenv("TH_BENCH_KEEP") && tmp.path)
		printf("kept              %s\n", tmp.path);
	else
		th_tmpdir_free(&tmp);
	return rc;
}
