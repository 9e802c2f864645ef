/*
 * androidqf's settings_<namespace>.txt: the output of `settings list
 * <namespace>`, one "key=value" line a setting. A pure parser over
 * (text, len), not NUL-terminated; keys and values are given as spans of
 * the text, never copied.
 *
 * How each oddity of hostile text is read:
 * - a line ends at "\n"; blanks (space, tab, "\r", "\v", "\f") at both
 *   ends of a line are dropped, as MVT's line.strip() does, so CRLF
 *   text reads as LF text;
 * - an empty or all-blank line is skipped, and not counted;
 * - the key is what comes before the first '=', the value all that
 *   follows (a value may hold '=' and blanks: settings are printed
 *   unquoted); an empty value is a value;
 * - a line without '=', one with an empty key ("=1"), and one whose key
 *   holds a NUL byte or is longer than TH_SETTINGS_KEY_MAX bytes are
 *   malformed: skipped and counted (a NUL would cut the key short where
 *   it becomes a C string; real keys are under 100 bytes);
 * - a value may hold NUL bytes and any bytes at all: it is given with
 *   its length, and making it a string is the caller's business;
 * - bytes are not checked for UTF-8 in keys either: a caller that needs
 *   UTF-8 repairs them (aqf_settings turns bad bytes into U+FFFD);
 * - a line, and so a value, may be as long as the text, and the lines
 *   as many: the caller bounds both (aqf_settings reads at most 64 MiB
 *   a file and keeps at most 100,000 settings).
 */
#ifndef TH_FORMATS_SETTINGS_H
#define TH_FORMATS_SETTINGS_H

#include <stddef.h>
#include "core/err.h"

#define TH_SETTINGS_KEY_MAX 1024

/* Called for each setting; return nonzero to stop (not an error). */
typedef int (*th_setting_fn)(void *ctx, const char *key, size_t key_len,
                             const char *value, size_t value_len);

/* Calls fn for every well-formed line of text[0..len), in order.
 * *malformed (may be NULL) gets the number of malformed lines skipped.
 * TH_ERR_USAGE when text is NULL with a length; else TH_OK. */
enum th_status th_settings_each(const char *text, size_t len, th_setting_fn fn,
                                void *ctx, size_t *malformed);

#endif
