/*
 * Property lists from evidence: parsing with limits (binary plists get a
 * bounded pre-scan of our own before libplist sees them), typed getters
 * that treat a missing key or a wrong type as "absent", and conversion to
 * JSON for module records.
 */
#ifndef TH_FORMATS_PLIST_UTIL_H
#define TH_FORMATS_PLIST_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include <plist/plist.h>
#include "core/err.h"

struct th_plist_limits {
	size_t max_bytes;   /* input size */
	unsigned max_depth; /* container nesting */
	uint64_t max_nodes; /* nodes once shared references are expanded */
	uint64_t max_expanded_bytes; /* string and data bytes, expanded */
};

/* 128 MiB, depth 64, 2 million nodes, 256 MiB expanded. */
extern const struct th_plist_limits th_plist_default_limits;

/*
 * Parses a binary ("bplist00") or XML plist from memory into a new tree
 * (free with plist_free). Binary input is pre-scanned: trailer, offset
 * table, every object and reference in range, dictionary keys are
 * strings, no reference cycle, depth and expanded size within `lim`
 * (NULL: the defaults). XML input is bounded in size and nesting.
 * TH_ERR_FORMAT, TH_ERR_LIMIT, TH_ERR_NOMEM, with a message that does
 * not name the input (the caller adds it).
 */
enum th_status th_plist_parse(const void *data, size_t len,
                              const struct th_plist_limits *lim, plist_t *out,
                              struct th_err *err);

/* Reads and parses a plist file with the default limits. Messages name
 * the file: "cannot parse 'Info.plist': ...". TH_ERR_IO as well. */
enum th_status th_plist_read_file(const char *path, plist_t *out,
                                  struct th_err *err);

/* Typed getters on a dictionary. Missing key, wrong type or a non-dict
 * give "absent": NULL or 0, never a crash. Returned pointers belong to
 * the plist. */
const char *th_plist_dict_str(plist_t dict, const char *key);
int th_plist_dict_int(plist_t dict, const char *key, int64_t *out);
int th_plist_dict_bool(plist_t dict, const char *key, int *out);
/* A date (µs since 1970 UTC). */
int th_plist_dict_date(plist_t dict, const char *key, int64_t *out);
const uint8_t *th_plist_dict_data(plist_t dict, const char *key, size_t *len);

/* A date node's time in µs since 1970 UTC, or TH_TIME_NONE. */
int64_t th_plist_date_time(plist_t node);

/*
 * Converts a plist tree to JSON: strings (invalid UTF-8 replaced by
 * U+FFFD), integers, reals (non-finite: null), booleans, dates as
 * "YYYY-MM-DD HH:MM:SS.ffffff" UTC, data as base64, UIDs as integers,
 * arrays and objects. Nesting deeper than `max_depth` (0: 64) is
 * TH_ERR_LIMIT. The caller owns *out.
 */
enum th_status th_plist_to_json(plist_t node, unsigned max_depth, json_t **out,
                                struct th_err *err);

#endif
