/*
 * The module contract. A module is one file with a `const struct
 * th_module` and one row in registry.c. It pulls its artifact from the
 * run's source, turns it into records (th_run_record), timeline events
 * (th_run_event) and alerts (th_run_alert / th_run_check).
 *
 * Checks that look at a single record belong in `check`: the run calls
 * it for every record the module emits, and check-iocs calls it again on
 * records read back from a results folder, without the evidence.
 */
#ifndef TH_MODULES_MODULE_H
#define TH_MODULES_MODULE_H

#include <sys/uio.h>
#include <jansson.h>
#include <tracehound/th_run.h>
#include "sources/source.h"

/* How <slug>.json is shaped: MVT writes a list for most modules and one
 * object for a few (backup_info). */
enum th_records_shape { TH_RECORDS_LIST, TH_RECORDS_OBJECT };

struct th_run;

struct th_module {
	/* MVT's slug where MVT has the module. Two modules may share a slug
	 * only when they run on disjoint sources (MVT's iOS and Android
	 * "sms"): -m and check-iocs then select both. */
	const char *slug;
	const char *title; /* one line */
	unsigned sources;  /* TH_SRC_* bits */
	enum th_records_shape shape;
	/* Extracts records. TH_ERR_NOTFOUND: the artifact is absent (not an
	 * error: the module is reported as skipped). */
	enum th_status (*run)(struct th_run *run);
	/* Checks one record (may be NULL). */
	void (*check)(struct th_run *run, const json_t *record);
	/* What run() will ask the source for, ending with an all-NULL
	 * entry (may be NULL). Streaming sources (a sysdiagnose .tar.gz)
	 * read these in one pass before any module runs. */
	const struct th_artifact *artifacts;
};

/* The registry (registry.c). */
size_t th_modules_count(void);
const struct th_module *th_modules_at(size_t i);
const struct th_module *th_modules_find(const char *slug);

/* --- what a module may call during run/check --- */

struct th_source *th_run_source(struct th_run *run);
const struct th_iocs *th_run_iocs(const struct th_run *run);

/* Emits a record: streamed to <slug>.json, then passed to the module's
 * check. Steals the reference. For TH_RECORDS_OBJECT modules, call once
 * with the whole object. */
enum th_status th_run_record(struct th_run *run, json_t *record);

/* Emits records given as the exact text th_run_record would write for
 * each (th_json_append's bytes, e.g. th_flatjson_dump's), written
 * straight from the caller's memory: for a module with millions of
 * records where building each json_t is most of the cost. The module's
 * check is NOT called: the caller has made sure it would raise nothing,
 * and uses th_run_record for any record that may. */
enum th_status th_run_record_texts(struct th_run *run, const struct iovec *recs,
                                   size_t n);

/* Records a link seen in free text (an SMS, a chat, a shortcut) in
 * urls.json: {"url", "module", "source" (e.g. "sms 1234" or the
 * artifact), "timestamp"}. The URL is never fetched. Checking it
 * against indicators is the module's business (th_run_check). */
void th_run_url(struct th_run *run, const char *url, int64_t t,
                const char *source);

/* Whether the user asked to skip the slow checks (--fast). */
int th_run_fast(const struct th_run *run);

/* The most bytes to read of one artifact: the user's
 * --max-artifact-size, else `deflt` (the module's own limit). Read with
 * th_read_artifact (core/limits.h) so a hit names the option. */
size_t th_run_artifact_max(const struct th_run *run, uint64_t deflt);

/* A timeline event at `t` (µs UTC); ignored when t is TH_TIME_NONE. */
void th_run_event(struct th_run *run, int64_t t, const char *event,
                  const char *description);

/* Raises an alert. `record` is copied (may be NULL); `ioc` and `value`
 * may be NULL for heuristics. */
void th_run_alert(struct th_run *run, enum th_level level, int64_t t,
                  const json_t *record, const struct th_ioc *ioc,
                  const char *value, const char *fmt, ...)
        __attribute__((format(printf, 7, 8)));

/* Looks `value` up as `type`; on a hit raises an alert at `level` with a
 * standard message ("<what> '<value>' matches indicator '<ioc>' (Pegasus)")
 * and returns the indicator. NULL value or no hit: returns NULL. */
const struct th_ioc *th_run_check(struct th_run *run, enum th_match_type type,
                                  const char *value, enum th_level level,
                                  int64_t t, const json_t *record);

/* Says why the module could not run; returns `status`, so a module can
 * `return th_run_fail(run, TH_ERR_NOTFOUND, "no Info.plist in '%s'", d)`.
 * The message becomes the module's result message, shown to the user
 * ("skipped: ..." for TH_ERR_NOTFOUND, "error: ..." otherwise). */
enum th_status th_run_fail(struct th_run *run, enum th_status status,
                           const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

void th_run_log(struct th_run *run, enum th_log_level level, const char *fmt,
                ...) __attribute__((format(printf, 3, 4)));

/*
 * A part of the module's work that failed with `status` (an artifact
 * that cannot be read, a row that cannot be decoded): logs the message
 * as a warning and returns `status`, and the module goes on with the
 * rest. When `status` is TH_ERR_NOMEM the module's result becomes
 * TH_ERR_NOMEM at its end, whatever it returns: a run short of memory
 * must never look complete. Use it instead of th_run_log(TH_LOG_WARN)
 * wherever a status is at hand.
 */
enum th_status th_run_warn(struct th_run *run, enum th_status status,
                           const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/* Convenience for modules: a JSON string of a time, or JSON null when
 * t is TH_TIME_NONE. */
json_t *th_json_time(int64_t t);

#endif
