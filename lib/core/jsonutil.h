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

/* Counts one more value lost for want of memory (a builder whose
 * allocation failed, a set or append that failed), for the same check. */
void th_json_nomem_note(void);

/* json_object_set_new and json_array_append_new (v stolen) that count a
 * failure, or a NULL v (its builder failed), with th_json_nomem_note;
 * a key that is not UTF-8 (jansson refuses it) is not counted. Return
 * 0, or -1 when the value was not stored. */
int th_json_set_new(json_t *obj, const char *key, json_t *v);
int th_json_append_new(json_t *arr, json_t *v);

/* json_dumps, NULL when any part could not be written. jansson 2.14's
 * dumper drops a failed write of an object key and goes on, so its
 * json_dumps may return text with a key missing; this one does not.
 * Free with free(). */
char *th_json_dumps(const json_t *v, size_t flags);

#endif
