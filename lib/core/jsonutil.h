/* JSON helpers for strings that come from evidence. */
#ifndef TH_CORE_JSONUTIL_H
#define TH_CORE_JSONUTIL_H

#include <stddef.h>
#include <jansson.h>

/* A JSON string of s (NULL gives JSON null). Evidence strings may not be
 * valid UTF-8 and jansson refuses those: invalid bytes become U+FFFD. */
json_t *th_json_string(const char *s);
json_t *th_json_stringn(const char *s, size_t len);

/* How many strings the two above gave as JSON null, on this thread, for
 * want of memory: a run compares it before and after a module, so that
 * a record with a value lost does not pass for a complete one. */
unsigned long th_json_nomem_count(void);

#endif
