/*
 * A check: pick (or force) an evidence source for a path, run the modules
 * that support it against the loaded indicators, and write the results.
 */
#ifndef TH_RUN_H
#define TH_RUN_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "th_iocs.h"
#include "th_status.h"

/* Alert levels, lowest first. */
enum th_level {
	TH_LEVEL_INFO,
	TH_LEVEL_LOW,
	TH_LEVEL_MEDIUM,
	TH_LEVEL_HIGH,
	TH_LEVEL_CRITICAL
};

/* "info", "low", "medium", "high", "critical". Static. */
const char *th_level_name(enum th_level level);

/* Times are microseconds since 1970-01-01 UTC; this means "no time". */
#define TH_TIME_NONE INT64_MIN

enum th_log_level { TH_LOG_DEBUG, TH_LOG_INFO, TH_LOG_WARN, TH_LOG_ERROR };

/* Receives every log line of a run (`module` may be NULL). The library
 * never prints: the caller decides what to show and where. */
typedef void (*th_log_fn)(void *ctx, enum th_log_level level,
                          const char *module, const char *message);

struct th_run_options {
	const char *target;         /* the evidence path (read only) */
	const char *source;         /* force this source by name; NULL: bid */
	const char *output_dir;     /* write result files here; NULL: none */
	const char *const *modules; /* run only these slugs; NULL: all */
	size_t nmodules;
	const struct th_iocs *iocs; /* may be NULL: heuristics only */
	int hashes; /* SHA-256 of every input file into info.json */
	int jobs;   /* worker threads; 0: one per core */
	const char *command_line; /* recorded in command.log and info.json */
	int recheck; /* target is a results folder (ours or MVT's): re-run
	                each module's checks on its <slug>.json, with no
	                evidence (check-iocs) */
	th_log_fn log;
	void *log_ctx;
	/* Encrypted evidence (iOS backup, Android .ab): the password, or the
	 * derived key when the caller has it (key_len 0: none). Not copied:
	 * the caller keeps them alive during th_run_new and th_run_execute,
	 * and wipes them after. Never logged or written. */
	const char *password;
	const unsigned char *key;
	size_t key_len;
	int fast;             /* skip the slow checks (--fast) */
	const char *timezone; /* device-local times in evidence (--timezone) */
	/* The most bytes read of one artifact (--max-artifact-size); 0:
	 * each reader's default. */
	uint64_t max_artifact_size;
	/* The most bytes written in all into the run's private temp
	 * folders (archive members, decrypted files) (--max-extract); 0:
	 * 16 GiB. */
	uint64_t max_extract;
};

/* One alert. Strings and `record` are owned by the run. */
struct th_alert {
	enum th_level level;
	const char *module;
	const char *message;
	int64_t event_time;        /* TH_TIME_NONE when unknown */
	const json_t *record;      /* the record that raised it, or NULL */
	const struct th_ioc *ioc;  /* the indicator hit, or NULL */
	const char *matched_value; /* what was looked up, or NULL */
};

/* How one module went. */
struct th_module_result {
	const char *slug;
	size_t records;
	size_t alerts;
	enum th_status status; /* TH_ERR_NOTFOUND: artifact absent */
	const char *message;   /* why it failed or was skipped, or NULL */
};

struct th_run;

/*
 * Opens the evidence at opt->target with the forced or best-bidding
 * source and prepares the output folder. On failure *out is still a run
 * whose th_run_error() says what went wrong (free it); TH_ERR_NOTFOUND
 * means no source recognised the path. Options are copied.
 */
enum th_status th_run_new(struct th_run **out,
                          const struct th_run_options *opt);

/* Runs every selected module, then writes the result files. A module
 * that fails is recorded in its result and the others still run. */
enum th_status th_run_execute(struct th_run *run);

void th_run_free(struct th_run *run);

const char *th_run_error(const struct th_run *run);
/* The source's name, or "results" when re-checking a results folder. */
const char *th_run_source_name(const struct th_run *run);

size_t th_run_nresults(const struct th_run *run);
const struct th_module_result *th_run_result(const struct th_run *run,
                                             size_t i);
size_t th_run_nalerts(const struct th_run *run);
const struct th_alert *th_run_alert_at(const struct th_run *run, size_t i);

/* Highest level among the alerts, or -1 when there are none. */
int th_run_max_level(const struct th_run *run);

/* The registries, for `tracehound modules` and "not recognised". */
struct th_module_info {
	const char *slug;
	const char *title;
	const char *sources; /* "ios-backup, ios-fs" */
};
size_t th_module_count(void);
const struct th_module_info *th_module_info_at(size_t i);

struct th_source_info {
	const char *name;      /* "ios-backup" */
	const char *looks_for; /* "a folder with Manifest.db and Info.plist" */
};
size_t th_source_count(void);
const struct th_source_info *th_source_info_at(size_t i);

/* Parses a size given by a user: "64M", "2G", "512k", "1TiB" or plain
 * bytes (units are powers of 1024). TH_ERR_USAGE on anything else, on
 * zero and on overflow. */
enum th_status th_size_parse(const char *s, uint64_t *out);

/* The library's version string. */
const char *th_version(void);

#endif
