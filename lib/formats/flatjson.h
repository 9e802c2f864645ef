/*
 * A fast path for one JSON object per line (androidqf's files.json: a
 * million lines of flat objects). It reads only a narrow subset, the
 * one these files are made of: one object whose values are strings
 * without escapes, control or non-ASCII bytes, canonical integers of at
 * most 18 digits, true, false or null, with distinct keys. For text in
 * that subset, jansson would load the same values and write them back
 * as the same bytes, so th_flatjson_dump() gives exactly what
 * th_json_append() (report/jsonw.c) gives for jansson's tree, without
 * building it. Anything else is refused, and the caller hands the text
 * to jansson, which decides and says what is wrong.
 */
#ifndef TH_FORMATS_FLATJSON_H
#define TH_FORMATS_FLATJSON_H

#include <stddef.h>
#include <stdint.h>
#include <tracehound/th_status.h>

#define TH_FLATJSON_FIELDS_MAX 64
#define TH_FLATJSON_INT_DIGITS 18 /* longer integers may not fit int64 */

enum th_flatjson_type {
	TH_FLATJSON_STRING,
	TH_FLATJSON_INTEGER,
	TH_FLATJSON_LITERAL, /* true, false, null */
};

/* Pointers into the parsed text, which must outlive the object. A
 * string's val is its content, without the quotes; other values are
 * their token. */
struct th_flatjson_field {
	const char *key;
	size_t key_len;
	const char *val;
	size_t val_len;
	enum th_flatjson_type type;
};

struct th_flatjson {
	size_t n;
	struct th_flatjson_field f[TH_FLATJSON_FIELDS_MAX];
};

/* Parses `len` bytes (NUL not needed) as one object of the subset,
 * surrounded by JSON white space only. TH_ERR_FORMAT: not in the
 * subset; TH_ERR_LIMIT: more than TH_FLATJSON_FIELDS_MAX fields. No
 * message: a refusal is not an error, the caller falls back. */
enum th_status th_flatjson_parse(const char *s, size_t len,
                                 struct th_flatjson *out);

/* The field named `key`, or NULL. */
const struct th_flatjson_field *th_flatjson_get(const struct th_flatjson *o,
                                                const char *key);

/* An integer field's value. TH_ERR_FORMAT if the field is not one. */
enum th_status th_flatjson_int(const struct th_flatjson_field *f, int64_t *out);

/* Writes the object into out[0..cap) as jansson writes it with
 * JSON_INDENT(4) | JSON_PRESERVE_ORDER at the top level, and its length
 * to *len. No NUL is added. TH_ERR_LIMIT if it does not fit; at most
 * th_flatjson_dump_max(len) bytes for a text of len bytes. */
enum th_status th_flatjson_dump(const struct th_flatjson *o, char *out,
                                size_t cap, size_t *len);
size_t th_flatjson_dump_max(size_t text_len);

#endif
