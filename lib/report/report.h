/*
 * Result writers: the MVT-compatible files of DESIGN.md "Outputs". Each
 * writer takes a folder and leaves a message in err on failure.
 */
#ifndef TH_REPORT_H
#define TH_REPORT_H

#include <stdint.h>
#include <stdio.h>
#include <sys/uio.h>
#include <jansson.h>
#include <tracehound/th_run.h>
#include "core/buf.h"
#include "core/err.h"
#include "core/fsutil.h"

/* --- <slug>.json, streamed: the file is created at the first record, so
 * a module with no records leaves no file (as MVT does). --- */
struct th_records_out {
	char *path;
	FILE *f;
	struct th_buf out; /* one record's text, written with one fwrite */
	int object;        /* one object instead of a list */
	int nomem;         /* the path could not be made: writes fail */
	size_t count;
};

void th_records_init(struct th_records_out *o, const char *dir,
                     const char *slug, int object);
/* Writes one record (not stolen). With dir NULL, only counts. */
enum th_status th_records_write(struct th_records_out *o, const json_t *rec,
                                struct th_err *err);
/* Writes records given as the text th_records_write would write for
 * each (th_json_append's bytes), straight from the caller's memory with
 * writev: for writers that serialise without building a json_t. */
enum th_status th_records_write_texts(struct th_records_out *o,
                                      const struct iovec *recs, size_t n,
                                      struct th_err *err);
/* Closes the list; frees the path. */
enum th_status th_records_close(struct th_records_out *o, struct th_err *err);

/* --- the timeline, kept compactly in memory and written sorted --- */
/* Events are kept in memory up to a limit; past it, sorted runs spill to
 * a private temp folder and are merged when the file is written, so a
 * timeline of any size costs bounded memory. */
struct th_timeline {
	struct tl_event *events;
	size_t n, cap;
	struct th_buf text; /* "module\0event\0description\0" runs */
	size_t seq;         /* events added so far: keeps sorts stable */
	size_t mem_max;     /* spill past this many bytes */
	struct th_tmpdir spill;
	size_t nruns;
	int spill_failed; /* events then stay in memory */
};

void th_timeline_init(struct th_timeline *tl);
/* Lowers the memory limit (tests use it to force spilling). */
void th_timeline_set_limit(struct th_timeline *tl, size_t bytes);
void th_timeline_free(struct th_timeline *tl);
/* TH_ERR_LIMIT: the event was dropped (longer than 1 MiB, or the
 * in-memory text is full after spilling failed);
 * TH_ERR_IO: it was kept, but spilling to the temp folder failed (once:
 * later events stay in memory); TH_ERR_NOMEM. */
enum th_status th_timeline_add(struct th_timeline *tl, int64_t t,
                               const char *module, const char *event,
                               const char *description);
/* timeline.csv: "UTC Timestamp","Plugin","Event","Description". */
enum th_status th_timeline_write(struct th_timeline *tl, const char *path,
                                 struct th_err *err);

/* --- CSV --- */
/* Appends `s` to b as a quoted CSV field ("" doubled). */
enum th_status th_csv_field(struct th_buf *b, const char *s);
/* Appends the fields as one CSV line ending in "\n". */
enum th_status th_csv_line(struct th_buf *b, const char *const *fields,
                           size_t n);

/* --- alerts --- */
/* The JSON form of an alert as alerts.json holds it. New reference. */
json_t *th_alert_to_json(const struct th_alert *a);
/* Writes a JSON list of alerts (all, or those of `module` when not NULL). */
enum th_status th_alerts_write_json(const struct th_alert *const *alerts,
                                    size_t n, const char *module,
                                    const char *path, struct th_err *err);
/* alerts_timeline.csv: "Event Time","Module","Message","Event". */
enum th_status th_alerts_write_timeline(const struct th_alert *const *alerts,
                                        size_t n, const char *path,
                                        struct th_err *err);

/* Appends v as jansson writes it with JSON_INDENT(4) | JSON_PRESERVE_ORDER
 * (the same bytes), much faster. TH_ERR_LIMIT past 512 levels. */
enum th_status th_json_append(struct th_buf *b, const json_t *v);

/* Writes `value` to path as indented JSON (MVT's indent of 4). */
enum th_status th_json_write_file(const json_t *value, const char *path,
                                  struct th_err *err);

/* --- info.json --- */
struct th_info {
	const char *target;
	const char *source;
	const char *command_line;
	const struct th_iocs *iocs;
	int64_t started;           /* µs UTC */
	const char *const *inputs; /* every input file, for hashes */
	size_t ninputs;
	int hashes; /* hash the inputs (on `jobs` threads; 0: all cores) */
	int jobs;
};

enum th_status th_info_write(const struct th_info *info, const char *path,
                             struct th_err *err);

/* SHA-256 of a file as 64 hex characters. TH_ERR_IO on failure. */
enum th_status th_sha256_file(const char *path, char out[65]);

#endif
