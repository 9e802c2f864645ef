/*
 * Android 16 intrusion logs (shared reference/android.md 4): a folder or
 * .zip (zips may nest) of NDJSON .txt files, one {"<event type>": {...}}
 * object a line. The same event may appear in several files: each walk
 * hands every distinct event once.
 */
#ifndef TH_SOURCES_INTRUSION_LOGS_H
#define TH_SOURCES_INTRUSION_LOGS_H

#include <jansson.h>
#include <stdint.h>
#include "sources/android_fs.h"
#include "sources/source.h"

#define TH_ILOG_LINE_MAX   (1u << 20) /* longer lines are skipped */
#define TH_ILOG_NEST_MAX   3          /* zips inside zips */
#define TH_ILOG_EVENTS_MAX 50000000u  /* distinct events per walk */

struct th_ilogs;

/* Reads the members of `afs` under `prefix` ("" for all, or
 * "intrusion_logs/"); owns afs when `own`. `tz` ("UTC", "+02:00",
 * "-0530") says how device-local times are read; NULL: UTC. */
enum th_status th_ilogs_new(struct th_afs *afs, int own, const char *prefix,
                            const char *tz, struct th_ilogs **out,
                            struct th_err *err);
void th_ilogs_free(struct th_ilogs *il);

/* Calls fn for every distinct event of `type` ("dns_event") with the
 * event's inner object and the file it came from; fn returns nonzero to
 * stop. Malformed lines are counted (*bad, may be NULL), not fatal. */
enum th_status th_ilogs_each(struct th_ilogs *il, const char *type,
                             int (*fn)(void *ctx, json_t *event,
                                       const char *file),
                             void *ctx, size_t *bad, struct th_err *err);

/* An event's time in µs UTC: event_time in ms (a number or a decimal
 * string), or a "YYYY-MM-DD HH:MM:SS" device-local time read with the
 * timezone. TH_TIME_NONE when absent. */
int64_t th_ilogs_time(const struct th_ilogs *il, const json_t *event);

/* Parses one NDJSON line: the event type (a pointer into the returned
 * object's key) and its inner object. NULL when the line is not an
 * event. The caller decrefs the returned root. */
json_t *th_ilog_parse_line(const char *line, size_t len, const char **type,
                           json_t **event);

/* Parses a timezone ("UTC", "Z", "+02:00", "-0530", "UTC+2") into
 * minutes east of UTC; -1 when it is not one we understand. */
int th_ilog_tz_parse(const char *tz, int *minutes);

/* The container the logs are read from. */
struct th_afs *th_ilogs_afs(const struct th_ilogs *il);

/* The intrusion logs behind a source (an intrusion-logs source, or an
 * androidqf acquisition with intrusion_logs/), or NULL. */
struct th_ilogs *th_ilogs_of(struct th_source *src);

/* Whether a member under `prefix` looks like an intrusion log (first
 * line an event): a bid, TH_BID_NOMEM when it could not look. */
int th_ilogs_score(struct th_afs *afs, const char *prefix);

#endif
