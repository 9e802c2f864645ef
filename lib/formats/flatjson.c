/* A bounded reader and writer for flat JSON objects (see flatjson.h).
 * Every byte is checked against the subset; one pass, no recursion, no
 * allocation. */
#include <string.h>

#include "formats/flatjson.h"

#define INDENT "\n    "

static int is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static size_t skip_ws(const char *s, size_t i, size_t len)
{
	while (i < len && is_ws(s[i]))
		i++;
	return i;
}

/* s[i] is '"'. Returns the index past the closing quote, or 0 when the
 * string leaves the subset: an escape, a control or non-ASCII byte
 * (jansson would decode or refuse those) or no closing quote. */
static size_t scan_string(const char *s, size_t i, size_t len)
{
	unsigned char c;

	for (i++; i < len; i++) {
		c = (unsigned char)s[i];
		if (c == '"')
			return i + 1;
		if (c < 0x20 || c >= 0x80 || c == '\\')
			return 0;
	}
	return 0;
}

/* A canonical integer: -?(0|[1-9][0-9]*), at most 18 digits, not "-0"
 * (jansson writes that back as "0"). Returns the index past it, or 0. */
static size_t scan_integer(const char *s, size_t i, size_t len)
{
	size_t start = i, digits;

	if (i < len && s[i] == '-')
		i++;
	digits = i;
	while (i < len && s[i] >= '0' && s[i] <= '9')
		i++;
	digits = i - digits;
	if (digits == 0 || digits > TH_FLATJSON_INT_DIGITS)
		return 0;
	if (s[i - digits] == '0' && (digits > 1 || s[start] == '-'))
		return 0;
	return i;
}

static size_t scan_literal(const char *s, size_t i, size_t len)
{
	static const char *const lits[] = {"true", "false", "null"};
	size_t k, n;

	for (k = 0; k < 3; k++) {
		n = strlen(lits[k]);
		if (len - i >= n && memcmp(s + i, lits[k], n) == 0)
			return i + n;
	}
	return 0;
}

/* One value at s[i]; fills f and returns the index past it, or 0. */
static size_t scan_value(const char *s, size_t i, size_t len,
                         struct th_flatjson_field *f)
{
	size_t end;

	if (s[i] == '"') {
		end = scan_string(s, i, len);
		f->type = TH_FLATJSON_STRING;
		f->val = s + i + 1;
		f->val_len = end ? end - i - 2 : 0;
		return end;
	}
	if (s[i] == '-' || (s[i] >= '0' && s[i] <= '9')) {
		end = scan_integer(s, i, len);
		f->type = TH_FLATJSON_INTEGER;
	} else {
		end = scan_literal(s, i, len);
		f->type = TH_FLATJSON_LITERAL;
	}
	f->val = s + i;
	f->val_len = end ? end - i : 0;
	return end;
}

/* One "key": value pair at s[i]; returns the index past it, or 0. */
static size_t scan_pair(const char *s, size_t i, size_t len,
                        struct th_flatjson_field *f)
{
	size_t end;

	if (i >= len || s[i] != '"' || !(end = scan_string(s, i, len)))
		return 0;
	f->key = s + i + 1;
	f->key_len = end - i - 2;
	i = skip_ws(s, end, len);
	if (i >= len || s[i] != ':')
		return 0;
	i = skip_ws(s, i + 1, len);
	return i < len ? scan_value(s, i, len, f) : 0;
}

static uint32_t key_hash(const struct th_flatjson_field *f)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	size_t i;

	for (i = 0; i < f->key_len; i++)
		h = (h ^ (unsigned char)f->key[i]) * 16777619u;
	return h;
}

/* jansson keeps the last of duplicate keys at the first one's place:
 * not worth copying, so duplicates leave the subset. Keys are compared
 * by hash first, so a hostile line of 64 long, alike keys costs no
 * more than reading it twice. */
static int has_duplicates(const struct th_flatjson *o)
{
	uint32_t h[TH_FLATJSON_FIELDS_MAX];
	size_t i, j;

	for (i = 0; i < o->n; i++)
		h[i] = key_hash(&o->f[i]);
	for (i = 1; i < o->n; i++)
		for (j = 0; j < i; j++)
			if (h[i] == h[j] &&
			    o->f[i].key_len == o->f[j].key_len &&
			    memcmp(o->f[i].key, o->f[j].key, o->f[i].key_len) ==
			            0)
				return 1;
	return 0;
}

/* The pairs after '{' up to the closing '}'; returns the index past
 * it, or 0. */
static size_t scan_members(const char *s, size_t i, size_t len,
                           struct th_flatjson *out, enum th_status *st)
{
	if (i < len && s[i] == '}')
		return i + 1;
	for (;;) {
		if (out->n == TH_FLATJSON_FIELDS_MAX) {
			*st = TH_ERR_LIMIT;
			return 0;
		}
		i = scan_pair(s, i, len, &out->f[out->n++]);
		if (!i)
			return 0;
		i = skip_ws(s, i, len);
		if (i < len && s[i] == '}')
			return i + 1;
		if (i >= len || s[i] != ',')
			return 0;
		i = skip_ws(s, i + 1, len);
	}
}

enum th_status th_flatjson_parse(const char *s, size_t len,
                                 struct th_flatjson *out)
{
	enum th_status st = TH_ERR_FORMAT;
	size_t i = skip_ws(s, 0, len);

	out->n = 0;
	if (i >= len || s[i] != '{')
		return TH_ERR_FORMAT;
	i = scan_members(s, skip_ws(s, i + 1, len), len, out, &st);
	if (!i)
		return st;
	if (skip_ws(s, i, len) != len || has_duplicates(out))
		return TH_ERR_FORMAT;
	return TH_OK;
}

const struct th_flatjson_field *th_flatjson_get(const struct th_flatjson *o,
                                                const char *key)
{
	size_t i, n = strlen(key);

	for (i = 0; i < o->n; i++)
		if (o->f[i].key_len == n && memcmp(o->f[i].key, key, n) == 0)
			return &o->f[i];
	return NULL;
}

enum th_status th_flatjson_int(const struct th_flatjson_field *f, int64_t *out)
{
	int64_t v = 0;
	size_t i = 0;
	int neg;

	if (!f || f->type != TH_FLATJSON_INTEGER || f->val_len == 0)
		return TH_ERR_FORMAT;
	neg = f->val[0] == '-';
	/* At most 18 digits (checked when parsed): no overflow. */
	for (i = (size_t)neg; i < f->val_len; i++)
		v = v * 10 + (f->val[i] - '0');
	*out = neg ? -v : v;
	return TH_OK;
}

struct out {
	char *p;
	size_t len, cap;
	int full;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->full || n > o->cap - o->len) {
		o->full = 1;
		return;
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
}

static void put_quoted(struct out *o, const char *s, size_t n)
{
	put(o, "\"", 1);
	put(o, s, n);
	put(o, "\"", 1);
}

enum th_status th_flatjson_dump(const struct th_flatjson *o, char *out,
                                size_t cap, size_t *len)
{
	struct out w = {.p = out, .cap = cap};
	const struct th_flatjson_field *f;
	size_t i;

	put(&w, "{", 1);
	for (i = 0; i < o->n; i++) {
		f = &o->f[i];
		put(&w, i ? "," INDENT : INDENT, i ? 6 : 5);
		put_quoted(&w, f->key, f->key_len);
		put(&w, ": ", 2);
		if (f->type == TH_FLATJSON_STRING)
			put_quoted(&w, f->val, f->val_len);
		else
			put(&w, f->val, f->val_len);
	}
	put(&w, o->n ? "\n}" : "}", o->n ? 2 : 1);
	if (w.full)
		return TH_ERR_LIMIT;
	*len = w.len;
	return TH_OK;
}

size_t th_flatjson_dump_max(size_t text_len)
{
	/* Each pair of at least 4 bytes ("":0) grows by at most 6 bytes of
	 * indent, comma and space: under 2.5 times the text, plus braces. */
	return text_len / 2 * 5 + 8;
}
