/*
 * Time conversions. Every time inside tracehound is int64 microseconds
 * since 1970-01-01 UTC (TH_TIME_NONE: unknown). Evidence uses other
 * epochs: Cocoa (seconds since 2001-01-01), WebKit/Chrome (microseconds
 * since 1601-01-01), Android (milliseconds since 1970).
 */
#ifndef TH_CORE_TIMECONV_H
#define TH_CORE_TIMECONV_H

#include <stdint.h>
#include <tracehound/th_run.h>

#define TH_TIME_STR_MAX 32 /* "YYYY-MM-DD HH:MM:SS.ffffff" and NUL */

/* Out-of-range or non-finite inputs give TH_TIME_NONE. */
int64_t th_time_from_unix(double seconds);
int64_t th_time_from_cocoa(double seconds);
int64_t th_time_from_webkit(int64_t micros_since_1601);
int64_t th_time_from_android_ms(int64_t millis);

/* Writes "YYYY-MM-DD HH:MM:SS.ffffff" (UTC); "" for TH_TIME_NONE. */
void th_time_format(int64_t t, char out[TH_TIME_STR_MAX]);

/* Parses "YYYY-MM-DD HH:MM:SS[.ffffff]" (UTC, as tracehound and MVT
 * write times) back to µs; TH_TIME_NONE when it is not such a time. */
int64_t th_time_parse(const char *s);

/* The current time. */
int64_t th_time_now(void);

#endif
