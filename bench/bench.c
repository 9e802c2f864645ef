/*
 * th-bench [BUILD]: the performance figures we promise, each printed with
 * its target and "ok" or "MISSED":
 *   - loading every indicator file in ../shared/iocs (best of 5);
 *   - domain lookups per second on one core (1,000,000 host names, half
 *     of them subdomains of real indicator domains);
 *   - `tracehound check-backup` on a generated 200,000-row backup: wall
 *     time and peak memory of the child process.
 * A missed target is a figure, not a failure: exit 0. Errors exit 2.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <tracehound/tracehound.h>
#include "bench.h"
#include "core/fsutil.h"
#include "core/pool.h"
#include "gen.h"

#define LOAD_RUNS      5
#define LOAD_TARGET_MS 150.0
#define NHOSTS         1000000
#define LOOKUP_RUNS    3
#define LOOKUP_TARGET  5e6
#define BACKUP_ROWS    200000
#define WALL_TARGET_S  1.5
#define RSS_TARGET_MB  150.0
#define PEGASUS        "iocs/amnesty_pegasus.stix2"

/* Loads the folder once; returns the load time in seconds, or < 0. */
static double load_once(const char *dir, struct th_iocs **out)
{
	struct th_iocs *iocs = NULL;
	double t0;
	enum th_status st;

	if (th_iocs_new(&iocs) != TH_OK)
		return -1;
	t0 = th_bench_now();
	st = th_iocs_load(iocs, dir);
	t0 = th_bench_now() - t0;
	if (st != TH_OK) {
		fprintf(stderr, "th-bench: cannot load '%s': %s\n", dir,
		        th_iocs_nerrors(iocs) ? th_iocs_error_at(iocs, 0)
		                              : th_status_str(st));
		th_iocs_free(iocs);
		return -1;
	}
	*out = iocs;
	return t0;
}

/* (a) Best of LOAD_RUNS; keeps the last set in *out for (b). */
static int bench_load(const char *dir, struct th_iocs **out)
{
	double best = 1e9, t;
	int i;

	for (i = 0; i < LOAD_RUNS; i++) {
		if (*out)
			th_iocs_free(*out);
		*out = NULL;
		t = load_once(dir, out);
		if (t < 0)
			return -1;
		if (t < best)
			best = t;
	}
	printf("indicator load    %zu files, %zu indicators: %.1f ms "
	       "(target < %.0f ms) %s\n",
	       th_iocs_nfiles(*out), th_iocs_total(*out), best * 1e3,
	       LOAD_TARGET_MS, th_bench_verdict(best * 1e3 < LOAD_TARGET_MS));
	return 0;
}

/* The domain-name values of a STIX2 file's indicators. */
static json_t *indicator_domains(const char *path)
{
	static const char key[] = "[domain-name:value='";
	json_t *root = json_load_file(path, 0, NULL), *obj, *out;
	const char *pat, *end;
	size_t i;

	out = json_array();
	json_array_foreach(json_object_get(root, "objects"), i, obj)
	{
		pat = json_string_value(json_object_get(obj, "pattern"));
		if (!pat || strncmp(pat, key, sizeof(key) - 1) != 0)
			continue;
		pat += sizeof(key) - 1;
		end = strchr(pat, '\'');
		if (end && end > pat)
			json_array_append_new(
			        out, json_stringn(pat, (size_t)(end - pat)));
	}
	json_decref(root);
	return out;
}

struct hosts {
	char *text;      /* NUL-separated names */
	size_t *offset;  /* NHOSTS starts into text */
	size_t expected; /* names built to hit */
};

/* Even rows: a made-up subdomain of a real indicator domain (a hit).
 * Odd rows: a made-up host under a made-up registrable domain. */
static int hosts_build(struct hosts *h, json_t *domains)
{
	size_t cap = (size_t)NHOSTS * 96, len = 0, i, nd;
	uint64_t rng = 42, r;
	int n;

	nd = json_array_size(domains);
	h->text = malloc(cap);
	h->offset = malloc(NHOSTS * sizeof(*h->offset));
	if (!h->text || !h->offset || nd == 0)
		return -1;
	for (i = 0; i < NHOSTS; i++) {
		r = th_gen_rand(&rng);
		h->offset[i] = len;
		if (i % 2 == 0)
			n = snprintf(h->text + len, cap - len, "c%x.%s",
			             (unsigned)(r & 0xffff),
			             json_string_value(json_array_get(
			                     domains, (size_t)(r >> 20) % nd)));
		else
			n = snprintf(h->text + len, cap - len,
			             "cdn%u.shop-%u.example.net",
			             (unsigned)(r & 0xff), (unsigned)(r >> 40));
		if (n < 0 || (size_t)n + 1 > cap - len)
			return -1;
		len += (size_t)n + 1;
	}
	h->expected = NHOSTS / 2;
	return 0;
}

static size_t lookup_all(const struct th_iocs *iocs, const struct hosts *h)
{
	size_t i, hits = 0;

	for (i = 0; i < NHOSTS; i++)
		if (th_iocs_match(iocs, TH_MATCH_DOMAIN,
		                  h->text + h->offset[i]))
			hits++;
	return hits;
}

/* (b) Lookups per second on this thread, best of LOOKUP_RUNS. */
static int bench_lookup(const struct th_iocs *iocs, const char *pegasus)
{
	struct hosts h = {0};
	json_t *domains = indicator_domains(pegasus);
	double best = 1e9, t;
	size_t hits = 0;
	int i, rc = -1;

	if (hosts_build(&h, domains) != 0) {
		fprintf(stderr,
		        "th-bench: cannot build host names from "
		        "'%s'\n",
		        pegasus);
		goto out;
	}
	for (i = 0; i < LOOKUP_RUNS; i++) {
		t = th_bench_now();
		hits = lookup_all(iocs, &h);
		t = th_bench_now() - t;
		best = t < best ? t : best;
	}
	printf("domain lookups    %d names, %zu hits: %.2f M/s on one core "
	       "(target >= %.0f M/s) %s\n",
	       NHOSTS, hits, NHOSTS / best / 1e6, LOOKUP_TARGET / 1e6,
	       th_bench_verdict(NHOSTS / best >= LOOKUP_TARGET));
	/* Every built hit must hit: a fast matcher that misses is a bug. */
	if (hits < h.expected)
		fprintf(stderr,
		        "th-bench: %zu of %zu indicator subdomains "
		        "did not match\n",
		        h.expected - hits, h.expected);
	else
		rc = 0;
out:
	json_decref(domains);
	free(h.text);
	free(h.offset);
	return rc;
}

static int generate(const char *backup)
{
	struct th_gen_backup_opts opt = {.rows = BACKUP_ROWS, .seed = 7};
	struct th_err err = {0};
	double t = th_bench_now();

	if (th_gen_backup(backup, &opt, &err) != TH_OK) {
		fprintf(stderr, "th-bench: %s\n", err.msg);
		return -1;
	}
	printf("generate backup   %d Manifest rows: %.2f s (not counted)\n",
	       BACKUP_ROWS, th_bench_now() - t);
	return 0;
}

/* (c) check-backup on a generated backup, in a private temp folder. */
static int bench_check(const char *binary)
{
	struct th_tmpdir tmp = {0};
	char *backup = NULL, *out = NULL, *log = NULL, *argv[6];
	double wall = 0;
	long rss = 0;
	int rc = -1, st;

	if (!th_is_file(binary)) {
		fprintf(stderr, "th-bench: cannot find '%s' (build it first)\n",
		        binary);
		return -1;
	}
	if (th_tmpdir_new(&tmp, NULL) != TH_OK ||
	    !(backup = th_path_join(tmp.path, "backup")) ||
	    !(out = th_path_join(tmp.path, "results")) ||
	    !(log = th_path_join(tmp.path, "run.log")) || generate(backup))
		goto out;
	argv[0] = (char *)binary;
	argv[1] = "check-backup";
	argv[2] = "-o";
	argv[3] = out;
	argv[4] = backup;
	argv[5] = NULL;
	st = th_bench_child(argv, log, &wall, &rss);
	if (st != 0 && st != 1) {
		fprintf(stderr, "th-bench: '%s check-backup' exited with %d:\n",
		        binary, st);
		th_bench_show_log(log);
		goto out;
	}
	printf("check-backup      wall time: %.2f s (target < %.1f s) %s\n",
	       wall, WALL_TARGET_S, th_bench_verdict(wall < WALL_TARGET_S));
	printf("check-backup      peak memory: %.1f MB (target < %.0f MB) "
	       "%s\n",
	       rss / 1024.0, RSS_TARGET_MB,
	       th_bench_verdict(rss / 1024.0 < RSS_TARGET_MB));
	rc = 0;
out:
	free(backup);
	free(out);
	free(log);
	th_tmpdir_free(&tmp);
	return rc;
}

static int bench_iocs(void)
{
	char *dir = th_path_join(TH_SHARED_DIR, "iocs");
	char *pegasus = th_path_join(TH_SHARED_DIR, PEGASUS);
	struct th_iocs *iocs = NULL;
	int rc = 0;

	if (!dir || !pegasus || !th_is_dir(dir) || !th_is_file(pegasus)) {
		printf("indicator load    skipped: %s is absent\n",
		       dir ? dir : "../shared/iocs");
		printf("domain lookups    skipped: no indicator domains\n");
		goto out;
	}
	rc = bench_load(dir, &iocs);
	if (rc == 0)
		rc = bench_lookup(iocs, pegasus);
out:
	if (iocs)
		th_iocs_free(iocs);
	free(dir);
	free(pegasus);
	return rc;
}

static int area_iocs(const char *binary)
{
	return bench_iocs();
}

/* The areas in the order they run; `th-bench BUILD [AREA...]` runs only
 * the areas named. */
static const struct {
	const char *name;
	int (*run)(const char *binary);
} areas[] = {
        {"iocs", area_iocs},           {"backup", bench_check},
        {"ios", th_bench_ios},         {"fs", th_bench_fs},
        {"android", th_bench_android},
};

static int wanted(int argc, char **argv, const char *name)
{
	int i;

	if (argc <= 2)
		return 1;
	for (i = 2; i < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	char *local = argc > 1 ? th_path_join(argv[1], "tracehound") : NULL;
	const char *binary = local && th_is_file(local) ? local : TH_BINARY;
	double load[1];
	size_t i;
	int rc = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	/* Other work on the machine skews every figure: say how much. */
	if (getloadavg(load, 1) != 1)
		load[0] = -1;
	printf("tracehound benchmark: %d cores, load average %.2f\n",
	       th_pool_cores(), load[0]);
	for (i = 0; i < sizeof(areas) / sizeof(areas[0]) && rc == 0; i++)
		if (wanted(argc, argv, areas[i].name))
			rc = areas[i].run(binary);
	if (rc == 0 && wanted(argc, argv, "crypto"))
		rc = th_bench_crypto();
	free(local);
	return rc == 0 ? 0 : 2;
}
