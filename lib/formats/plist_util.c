#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>

#include "core/fsutil.h"
#include "core/jsonutil.h"
#include "core/timeconv.h"
#include "formats/bplist.h"
#include "formats/plist_util.h"

#define COCOA_EPOCH_S INT64_C(978307200)

const struct th_plist_limits th_plist_default_limits = {
        .max_bytes = (size_t)128 << 20,
        .max_depth = 64,
        .max_nodes = 2000000,
        .max_expanded_bytes = (uint64_t)256 << 20,
};

/* --- XML pre-scan --------------------------------------------------- */

/* Whether the tag at p (after '<' or "</") is `name` as a whole word. */
static int tag_is(const char *p, const char *end, const char *name)
{
	size_t n = strlen(name);

	return (size_t)(end - p) > n && memcmp(p, name, n) == 0 &&
	       strchr(">/ \t\r\n", p[n]) != NULL;
}

/* The first `needle` (3 bytes) in [p, p + n), or NULL. */
static const char *find3(const char *p, size_t n, const char *needle)
{
	const char *q;

	while (n >= 3 && (q = memchr(p, needle[0], n - 2)) != NULL) {
		if (memcmp(q, needle, 3) == 0)
			return q;
		n -= (size_t)(q - p) + 1;
		p = q + 1;
	}
	return NULL;
}

/* Returns where the construct starting at p ends (after its closer), or
 * NULL when unterminated. */
static const char *skip_special(const char *p, const char *end)
{
	const char *q;
	size_t left = (size_t)(end - p);

	if (left >= 4 && memcmp(p, "<!--", 4) == 0)
		q = find3(p + 4, left - 4, "-->");
	else if (left >= 9 && memcmp(p, "<![CDATA[", 9) == 0)
		q = find3(p + 9, left - 9, "]]>");
	else
		return (q = memchr(p, '>', left)) ? q + 1 : NULL;
	return q ? q + 3 : NULL;
}

/*
 * A bound on what libplist's XML parser will build: counts elements and
 * <dict>/<array> nesting. It need not be a full parser: libplist does the
 * real parse; this only refuses what is too deep or too large to parse.
 */
static enum th_status scan_xml(const char *p, size_t len,
                               const struct th_plist_limits *lim,
                               struct th_err *err)
{
	const char *end = p + len, *q;
	uint64_t nodes = 0;
	unsigned depth = 0;
	int open, self_closing, nest;

	while (p && (p = memchr(p, '<', (size_t)(end - p))) != NULL) {
		if (p + 1 < end && (p[1] == '!' || p[1] == '?')) {
			p = skip_special(p, end);
			continue;
		}
		open = p + 1 < end && p[1] != '/';
		q = memchr(p, '>', (size_t)(end - p));
		if (!q)
			break;
		self_closing = q[-1] == '/';
		nest = tag_is(p + 2 - open, end, "dict") ||
		       tag_is(p + 2 - open, end, "array");
		if (open && ++nodes > lim->max_nodes)
			return th_err_set(err, TH_ERR_LIMIT,
			                  "more than %llu XML elements",
			                  (unsigned long long)lim->max_nodes);
		if (nest && open && !self_closing && ++depth > lim->max_depth)
			return th_err_set(err, TH_ERR_LIMIT,
			                  "nested deeper than %u levels",
			                  lim->max_depth);
		if (nest && !open && depth > 0)
			depth--;
		p = q + 1;
	}
	return TH_OK;
}

/* --- parsing -------------------------------------------------------- */

static int looks_like_xml(const char *p, size_t len)
{
	size_t i = 0;

	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < len && strchr(" \t\r\n", p[i]) && p[i])
		i++;
	return i < len && p[i] == '<';
}

enum th_status th_plist_parse(const void *data, size_t len,
                              const struct th_plist_limits *lim, plist_t *out,
                              struct th_err *err)
{
	enum th_status st;
	int binary;

	*out = NULL;
	if (!lim)
		lim = &th_plist_default_limits;
	if (len > lim->max_bytes || len > UINT32_MAX)
		return th_err_set(err, TH_ERR_LIMIT, "larger than %zu bytes",
		                  lim->max_bytes);
	binary = len >= 8 && memcmp(data, "bplist00", 8) == 0;
	if (!binary && !looks_like_xml(data, len))
		return th_err_set(err, TH_ERR_FORMAT, "%s",
		                  "not a property list");
	if (binary)
		st = th_bplist_check(data, len, lim->max_depth, lim->max_nodes,
		                     lim->max_expanded_bytes, err);
	else
		st = scan_xml(data, len, lim, err);
	if (st != TH_OK)
		return st;
	if (binary)
		plist_from_bin(data, (uint32_t)len, out);
	else
		plist_from_xml(data, (uint32_t)len, out);
	if (!*out)
		return th_err_set(err, TH_ERR_FORMAT, "malformed %s plist",
		                  binary ? "binary" : "XML");
	return TH_OK;
}

enum th_status th_plist_read_file(const char *path, plist_t *out,
                                  struct th_err *err)
{
	struct th_err e = {0};
	enum th_status st;
	char *data = NULL;
	size_t len;

	*out = NULL;
	st = th_read_file(path, th_plist_default_limits.max_bytes, &data, &len,
	                  err);
	if (st != TH_OK)
		return st;
	st = th_plist_parse(data, len, NULL, out, &e);
	if (st != TH_OK)
		th_err_set(err, st, "cannot parse '%s': %s", path, e.msg);
	free(data);
	return st;
}

/* --- getters -------------------------------------------------------- */

static plist_t dict_item(plist_t dict, const char *key, plist_type type)
{
	plist_t v;

	if (!dict || plist_get_node_type(dict) != PLIST_DICT)
		return NULL;
	v = plist_dict_get_item(dict, key);
	return v && plist_get_node_type(v) == type ? v : NULL;
}

const char *th_plist_dict_str(plist_t dict, const char *key)
{
	plist_t v = dict_item(dict, key, PLIST_STRING);

	return v ? plist_get_string_ptr(v, NULL) : NULL;
}

int th_plist_dict_int(plist_t dict, const char *key, int64_t *out)
{
	plist_t v = dict_item(dict, key, PLIST_UINT);
	uint64_t u = 0;

	if (!v)
		return 0;
	plist_get_uint_val(v, &u);
	*out = (int64_t)u;
	return 1;
}

int th_plist_dict_bool(plist_t dict, const char *key, int *out)
{
	plist_t v = dict_item(dict, key, PLIST_BOOLEAN);

	if (!v)
		return 0;
	*out = plist_bool_val_is_true(v);
	return 1;
}

int64_t th_plist_date_time(plist_t node)
{
	int32_t sec = 0, usec = 0;

	if (!node || plist_get_node_type(node) != PLIST_DATE)
		return TH_TIME_NONE;
	plist_get_date_val(node, &sec, &usec);
	return ((int64_t)sec + COCOA_EPOCH_S) * INT64_C(1000000) + usec;
}

int th_plist_dict_date(plist_t dict, const char *key, int64_t *out)
{
	plist_t v = dict_item(dict, key, PLIST_DATE);

	if (!v)
		return 0;
	*out = th_plist_date_time(v);
	return 1;
}

const uint8_t *th_plist_dict_data(plist_t dict, const char *key, size_t *len)
{
	plist_t v = dict_item(dict, key, PLIST_DATA);
	uint64_t n = 0;
	const char *p;

	*len = 0;
	if (!v)
		return NULL;
	p = plist_get_data_ptr(v, &n);
	*len = (size_t)n;
	return (const uint8_t *)p;
}

/* --- JSON ----------------------------------------------------------- */

static json_t *json_base64(const char *p, uint64_t n)
{
	unsigned char *out;
	json_t *j;

	if (n > (uint64_t)INT32_MAX / 2)
		return NULL;
	out = malloc((size_t)(4 * ((n + 2) / 3) + 1));
	if (!out)
		return NULL;
	EVP_EncodeBlock(out, (const unsigned char *)p, (int)n);
	j = json_string((const char *)out);
	free(out);
	return j;
}

static json_t *scalar_json(plist_t node)
{
	char tbuf[TH_TIME_STR_MAX];
	uint64_t u = 0, n = 0;
	const char *p;
	uint8_t b = 0;
	double d = 0;

	switch (plist_get_node_type(node)) {
	case PLIST_BOOLEAN:
		plist_get_bool_val(node, &b);
		return json_boolean(b);
	case PLIST_UINT:
		plist_get_uint_val(node, &u);
		return json_integer((json_int_t)(int64_t)u);
	case PLIST_UID:
		plist_get_uid_val(node, &u);
		return json_integer((json_int_t)(int64_t)u);
	case PLIST_REAL:
		plist_get_real_val(node, &d);
		return isfinite(d) ? json_real(d) : json_null();
	case PLIST_STRING:
	case PLIST_KEY:
		/* Not libplist's length: for some hostile strings it is longer
		 * than what it allocated; the terminator is reliable. */
		p = plist_get_string_ptr(node, NULL);
		return th_json_string(p ? p : "");
	case PLIST_DATE:
		th_time_format(th_plist_date_time(node), tbuf);
		return json_string(tbuf);
	case PLIST_DATA:
		p = plist_get_data_ptr(node, &n);
		return json_base64(p ? p : "", p ? n : 0);
	default:
		return json_null();
	}
}

static enum th_status to_json(plist_t node, unsigned depth, json_t **out,
                              struct th_err *err);

static enum th_status container_json(plist_t node, unsigned depth, json_t *j,
                                     struct th_err *err)
{
	plist_t item = NULL;
	enum th_status st = TH_OK;
	json_t *v;
	char *key = NULL;
	void *it = NULL;
	int dict = plist_get_node_type(node) == PLIST_DICT;

	if (dict)
		plist_dict_new_iter(node, &it);
	else
		plist_array_new_iter(node, &it);
	for (;;) {
		key = NULL;
		if (dict)
			plist_dict_next_item(node, it, &key, &item);
		else
			plist_array_next_item(node, it, &item);
		if (!item)
			break;
		st = to_json(item, depth, &v, err);
		if (st == TH_OK && (dict ? th_json_set_new(j, key ? key : "", v)
		                         : th_json_append_new(j, v)) != 0)
			st = th_err_set(err, TH_ERR_NOMEM, "out of memory");
		free(key);
		if (st != TH_OK)
			break;
	}
	free(it);
	return st;
}

static enum th_status to_json(plist_t node, unsigned depth, json_t **out,
                              struct th_err *err)
{
	plist_type t = plist_get_node_type(node);
	enum th_status st = TH_OK;
	json_t *j;

	*out = NULL;
	if (t != PLIST_DICT && t != PLIST_ARRAY) {
		j = scalar_json(node);
		if (!j)
			return th_err_set(err, TH_ERR_NOMEM, "out of memory");
		*out = j;
		return TH_OK;
	}
	if (depth == 0)
		return th_err_set(err, TH_ERR_LIMIT, "%s",
		                  "plist nested too deep for JSON");
	j = t == PLIST_DICT ? json_object() : json_array();
	if (!j)
		return th_err_set(err, TH_ERR_NOMEM, "out of memory");
	st = container_json(node, depth - 1, j, err);
	if (st != TH_OK)
		json_decref(j);
	else
		*out = j;
	return st;
}

enum th_status th_plist_to_json(plist_t node, unsigned max_depth, json_t **out,
                                struct th_err *err)
{
	*out = NULL;
	if (!node)
		return th_err_set(err, TH_ERR_USAGE, "no plist to convert");
	return to_json(node, max_depth ? max_depth : 64, out, err);
}
