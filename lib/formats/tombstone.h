/*
 * Android tombstones (native crash reports in /data/tombstones): the
 * text form and the protobuf form (tombstone_NN.pb), decoded by our own
 * bounded reader of the protobuf wire format. Both give one JSON record
 * in MVT's shape: "build_fingerprint", "revision", "arch", "timestamp"
 * (UTC, "YYYY-MM-DD HH:MM:SS.ffffff"), "process_uptime", "command_line"
 * (list), "pid", "tid", "uid", "process_name", "binary_path",
 * "selinux_label", "signal_info" {"number", "name", "code",
 * "code_name"}, "cause", "abort_message". Absent fields are null.
 */
#ifndef TH_FORMATS_TOMBSTONE_H
#define TH_FORMATS_TOMBSTONE_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "core/err.h"

/* Parses a text tombstone. *out is a new record (caller decrefs).
 * TH_ERR_FORMAT (message in err) when it holds neither a pid line nor a
 * build fingerprint; TH_ERR_NOMEM. */
enum th_status th_tombstone_parse_text(const char *text, size_t len,
                                       json_t **out, struct th_err *err);

/* Parses a protobuf tombstone, likewise. TH_ERR_FORMAT on a malformed
 * wire stream (truncated field, varint over 10 bytes, a length past the
 * buffer, a group), TH_ERR_LIMIT past the count bounds. */
enum th_status th_tombstone_parse_proto(const unsigned char *data, size_t len,
                                        json_t **out, struct th_err *err);

/* Text when it looks like one (starts with the "*** ***" banner or a
 * "Build fingerprint:" line), else protobuf. */
enum th_status th_tombstone_parse(const unsigned char *data, size_t len,
                                  json_t **out, struct th_err *err);

/* "2023-04-12 12:32:40.518290770+0200" (fraction and offset optional) to
 * µs UTC; TH_TIME_NONE when it is not such a time. */
int64_t th_tombstone_time(const char *s);

/* A record with every field null (for the protobuf reader). */
json_t *th_tombstone_empty(void);

#endif
