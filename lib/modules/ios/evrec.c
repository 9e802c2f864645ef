/* Record fields and plist artifacts for the iOS modules (see evdb.h). */
#include <stdio.h>
#include <stdlib.h>

#include "core/jsonutil.h"
#include "core/timeconv.h"
#include "formats/plist_util.h"
#include "modules/ios/evdb.h"

const char *th_rec_str(const json_t *rec, const char *key)
{
	return json_string_value(json_object_get(rec, key));
}

int64_t th_rec_time(const json_t *rec, const char *key)
{
	return th_time_parse(th_rec_str(rec, key));
}

void th_rec_set(json_t *rec, const char *key, json_t *v)
{
	th_json_set_new(rec, key, v);
}

void th_rec_time_events(struct th_run *run, const json_t *rec,
                        const char *const *keys, const char *desc)
{
	int64_t seen[16];
	size_t n = 0, i;
	int64_t t;

	for (; *keys; keys++) {
		t = th_rec_time(rec, *keys);
		if (t == TH_TIME_NONE)
			continue;
		for (i = 0; i < n && seen[i] != t; i++)
			;
		if (i < n)
			continue;
		if (n < sizeof(seen) / sizeof(seen[0]))
			seen[n++] = t;
		th_run_event(run, t, *keys, desc);
	}
}

const char *th_rec_show(const json_t *rec, const char *key, char *buf,
                        size_t size)
{
	const json_t *v = json_object_get(rec, key);

	if (json_is_string(v))
		snprintf(buf, size, "%s", json_string_value(v));
	else if (json_is_integer(v))
		snprintf(buf, size, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		snprintf(buf, size, "%g", json_real_value(v));
	else if (json_is_boolean(v))
		snprintf(buf, size, "%s", json_is_true(v) ? "True" : "False");
	else
		snprintf(buf, size, "None");
	return buf;
}

/* --- plists --- */

enum th_status th_evplist_read(const struct th_file *f, plist_t *out,
                               struct th_err *err)
{
	enum th_status st;

	*out = NULL;
	st = th_plist_read_file(f->local_path, out, err);
	if (st != TH_OK)
		th_evdb_name_err(err, st, f->name, "");
	return st;
}

json_t *th_evplist_json(struct th_run *run, plist_t node, const char *what)
{
	struct th_err err = {0};
	json_t *out = NULL;
	enum th_status st = th_plist_to_json(node, 0, &out, &err);

	if (st != TH_OK) {
		th_run_warn(run, st, "%s: %s", what, err.msg);
		return NULL;
	}
	return out;
}

void th_evplist_dict_each(plist_t dict,
                          int (*fn)(void *ctx, const char *key, plist_t value),
                          void *ctx)
{
	plist_dict_iter it = NULL;
	plist_t v = NULL;
	char *key;
	int stop = 0;

	if (!dict || plist_get_node_type(dict) != PLIST_DICT)
		return;
	plist_dict_new_iter(dict, &it);
	while (it && !stop) {
		key = NULL;
		v = NULL;
		plist_dict_next_item(dict, it, &key, &v);
		if (!v) {
			free(key);
			break;
		}
		stop = fn(ctx, key ? key : "", v);
		free(key);
	}
	free(it);
}

double th_evplist_num(plist_t node, int *ok)
{
	uint64_t u = 0;
	uint8_t b = 0;
	double d = 0;

	*ok = 1;
	switch (node ? plist_get_node_type(node) : PLIST_NONE) {
	case PLIST_UINT:
		plist_get_uint_val(node, &u);
		/* libplist keeps negative integers as their two's complement */
		return (double)(int64_t)u;
	case PLIST_REAL:
		plist_get_real_val(node, &d);
		return d;
	case PLIST_BOOLEAN:
		plist_get_bool_val(node, &b);
		return b ? 1 : 0;
	default:
		*ok = 0;
		return 0;
	}
}
