/*
 * A JSON writer for records, byte for byte what jansson writes with
 * JSON_INDENT(4) | JSON_PRESERVE_ORDER, without jansson's callback per
 * token: on a million-message sms.db, serialising records was a quarter
 * of the run. Reals go through jansson, so their digits stay identical.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"

#define INDENT    4
#define DEPTH_MAX 512

static enum th_status put_indent(struct th_buf *b, int depth)
{
	static const char spaces[] = "                                ";
	size_t n = (size_t)depth * INDENT, k;
	enum th_status st = th_buf_addc(b, '\n');

	while (st == TH_OK && n > 0) {
		k = n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1;
		st = th_buf_add(b, spaces, k);
		n -= k;
	}
	return st;
}

/* Control characters as jansson writes them. */
static enum th_status put_escape(struct th_buf *b, unsigned char c)
{
	char u[8];

	switch (c) {
	case '"':
		return th_buf_add(b, "\\\"", 2);
	case '\\':
		return th_buf_add(b, "\\\\", 2);
	case '\b':
		return th_buf_add(b, "\\b", 2);
	case '\f':
		return th_buf_add(b, "\\f", 2);
	case '\n':
		return th_buf_add(b, "\\n", 2);
	case '\r':
		return th_buf_add(b, "\\r", 2);
	case '\t':
		return th_buf_add(b, "\\t", 2);
	default:
		snprintf(u, sizeof(u), "\\u%04X", c);
		return th_buf_add(b, u, 6);
	}
}

static int needs_escape(unsigned char c)
{
	return c < 0x20 || c == '"' || c == '\\';
}

/* jansson strings are valid UTF-8 and may hold NUL: copy plain runs. */
static enum th_status put_string(struct th_buf *b, const char *s, size_t len)
{
	enum th_status st = th_buf_addc(b, '"');
	size_t i = 0, run;

	while (st == TH_OK && i < len) {
		for (run = i; run < len && !needs_escape((unsigned char)s[run]);
		     run++)
			;
		st = th_buf_add(b, s + i, run - i);
		if (st == TH_OK && run < len)
			st = put_escape(b, (unsigned char)s[run++]);
		i = run;
	}
	return st == TH_OK ? th_buf_addc(b, '"') : st;
}

static enum th_status put_value(struct th_buf *b, const json_t *v, int depth);

static enum th_status put_object(struct th_buf *b, const json_t *o, int depth)
{
	enum th_status st = th_buf_addc(b, '{');
	const char *key;
	json_t *val;
	int first = 1;

	json_object_foreach((json_t *)o, key, val)
	{
		if (st == TH_OK && !first)
			st = th_buf_addc(b, ',');
		if (st == TH_OK)
			st = put_indent(b, depth + 1);
		if (st == TH_OK)
			st = put_string(b, key, strlen(key));
		if (st == TH_OK)
			st = th_buf_add(b, ": ", 2);
		if (st == TH_OK)
			st = put_value(b, val, depth + 1);
		first = 0;
	}
	if (st == TH_OK && !first)
		st = put_indent(b, depth);
	return st == TH_OK ? th_buf_addc(b, '}') : st;
}

static enum th_status put_array(struct th_buf *b, const json_t *a, int depth)
{
	enum th_status st = th_buf_addc(b, '[');
	size_t i, n = json_array_size(a);

	for (i = 0; i < n && st == TH_OK; i++) {
		if (i)
			st = th_buf_addc(b, ',');
		if (st == TH_OK)
			st = put_indent(b, depth + 1);
		if (st == TH_OK)
			st = put_value(b, json_array_get(a, i), depth + 1);
	}
	if (st == TH_OK && n)
		st = put_indent(b, depth);
	return st == TH_OK ? th_buf_addc(b, ']') : st;
}

static enum th_status put_real(struct th_buf *b, const json_t *v)
{
	char *s = json_dumps(v, JSON_ENCODE_ANY);
	enum th_status st = s ? th_buf_adds(b, s) : TH_ERR_NOMEM;

	free(s);
	return st;
}

static enum th_status put_value(struct th_buf *b, const json_t *v, int depth)
{
	char num[32];

	if (depth > DEPTH_MAX)
		return TH_ERR_LIMIT;
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return put_object(b, v, depth);
	case JSON_ARRAY:
		return put_array(b, v, depth);
	case JSON_STRING:
		return put_string(b, json_string_value(v),
		                  json_string_length(v));
	case JSON_INTEGER:
		snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
		         json_integer_value(v));
		return th_buf_adds(b, num);
	case JSON_REAL:
		return put_real(b, v);
	case JSON_TRUE:
		return th_buf_add(b, "true", 4);
	case JSON_FALSE:
		return th_buf_add(b, "false", 5);
	default:
		return th_buf_add(b, "null", 4);
	}
}

enum th_status th_json_append(struct th_buf *b, const json_t *v)
{
	return v ? put_value(b, v, 0) : th_buf_add(b, "null", 4);
}
