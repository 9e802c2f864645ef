#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "formats/nskeyed.h"

struct ctx {
	plist_t objects;
	uint32_t nobjects;
	uint64_t nodes;
	unsigned depth;
	uint64_t path[TH_NSKEYED_MAX_DEPTH]; /* UIDs being resolved */
	unsigned npath;
	struct th_err *err;
};

static enum th_status resolve(struct ctx *c, plist_t node, plist_t *out);

/* Every node we create goes through here, so the bound holds. */
static enum th_status made(struct ctx *c, plist_t node, plist_t *out)
{
	*out = node;
	if (!node)
		return th_err_set(c->err, TH_ERR_NOMEM, "out of memory");
	if (++c->nodes > TH_NSKEYED_MAX_NODES) {
		plist_free(node);
		*out = NULL;
		return th_err_set(c->err, TH_ERR_LIMIT,
		                  "keyed archive expands to more than %d "
		                  "nodes",
		                  TH_NSKEYED_MAX_NODES);
	}
	return TH_OK;
}

static int is_null_marker(plist_t node)
{
	return plist_get_node_type(node) == PLIST_STRING &&
	       plist_string_val_compare(node, "$null") == 0;
}

/* Resolves a UID: NULL *out (with TH_OK) for $null. */
static enum th_status follow(struct ctx *c, plist_t uid, plist_t *out)
{
	enum th_status st;
	uint64_t idx = 0;
	plist_t target;
	unsigned i;

	plist_get_uid_val(uid, &idx);
	*out = NULL;
	if (idx >= c->nobjects)
		return th_err_set(c->err, TH_ERR_FORMAT,
		                  "keyed archive UID %llu is outside $objects "
		                  "(%u objects)",
		                  (unsigned long long)idx, c->nobjects);
	for (i = 0; i < c->npath; i++)
		if (c->path[i] == idx) /* a cycle: do not follow it */
			return made(c, plist_new_uid(idx), out);
	target = plist_array_get_item(c->objects, (uint32_t)idx);
	if (!target || is_null_marker(target))
		return TH_OK;
	if (c->npath >= TH_NSKEYED_MAX_DEPTH)
		return th_err_set(c->err, TH_ERR_LIMIT,
		                  "keyed archive nested deeper than %d levels",
		                  TH_NSKEYED_MAX_DEPTH);
	c->path[c->npath++] = idx;
	st = resolve(c, target, out);
	c->npath--;
	return st;
}

/* Adds key -> resolve(value) to dict, leaving $null members out. */
static enum th_status put(struct ctx *c, plist_t dict, const char *key,
                          plist_t value)
{
	enum th_status st;
	plist_t v;

	st = resolve(c, value, &v);
	if (st == TH_OK && v)
		plist_dict_set_item(dict, key, v);
	return st;
}

static enum th_status resolve_array(struct ctx *c, plist_t arr, plist_t *out)
{
	enum th_status st = TH_OK;
	uint32_t i, n = plist_array_get_size(arr);
	plist_t v;

	st = made(c, plist_new_array(), out);
	for (i = 0; st == TH_OK && i < n; i++) {
		st = resolve(c, plist_array_get_item(arr, i), &v);
		if (st == TH_OK && v)
			plist_array_append_item(*out, v);
	}
	return st;
}

/* NS.keys + NS.objects: a dictionary whose keys resolve to strings (other
 * keys cannot be JSON keys and are left out). */
static enum th_status resolve_nsdict(struct ctx *c, plist_t keys, plist_t objs,
                                     plist_t *out)
{
	uint32_t i, n = plist_array_get_size(keys);
	enum th_status st;
	plist_t k;

	if (plist_array_get_size(objs) < n)
		n = plist_array_get_size(objs);
	st = made(c, plist_new_dict(), out);
	for (i = 0; st == TH_OK && i < n; i++) {
		st = resolve(c, plist_array_get_item(keys, i), &k);
		if (st == TH_OK && k && plist_get_node_type(k) == PLIST_STRING)
			st = put(c, *out, plist_get_string_ptr(k, NULL),
			         plist_array_get_item(objs, i));
		plist_free(k);
	}
	return st;
}

static const char *class_name(struct ctx *c, plist_t obj)
{
	plist_t cls = plist_dict_get_item(obj, "$class"), name;
	uint64_t idx = 0;

	if (!cls || plist_get_node_type(cls) != PLIST_UID)
		return NULL;
	plist_get_uid_val(cls, &idx);
	if (idx >= c->nobjects)
		return NULL;
	cls = plist_array_get_item(c->objects, (uint32_t)idx);
	if (!cls || plist_get_node_type(cls) != PLIST_DICT)
		return NULL;
	name = plist_dict_get_item(cls, "$classname");
	if (!name || plist_get_node_type(name) != PLIST_STRING)
		return NULL;
	return plist_get_string_ptr(name, NULL);
}

static enum th_status resolve_time(struct ctx *c, plist_t t, plist_t *out)
{
	double d = 0, whole;

	if (plist_get_node_type(t) != PLIST_REAL)
		return resolve(c, t, out);
	plist_get_real_val(t, &d);
	if (!isfinite(d) || d <= (double)INT32_MIN || d >= (double)INT32_MAX)
		return made(c, plist_copy(t), out);
	whole = floor(d);
	return made(c,
	            plist_new_date((int32_t)whole,
	                           (int32_t)llround((d - whole) * 1e6)),
	            out);
}

/* A dictionary with members other than the container shapes: copy its
 * members, resolved, and name its class. */
static enum th_status resolve_members(struct ctx *c, plist_t obj, plist_t *out)
{
	plist_dict_iter it = NULL;
	enum th_status st;
	const char *cls = class_name(c, obj);
	plist_t v = NULL;
	char *key = NULL;

	st = made(c, plist_new_dict(), out);
	if (st == TH_OK)
		plist_dict_new_iter(obj, &it);
	while (st == TH_OK) {
		key = NULL;
		plist_dict_next_item(obj, it, &key, &v);
		if (!v)
			break;
		if (strcmp(key ? key : "", "$class") != 0)
			st = put(c, *out, key ? key : "", v);
		free(key);
	}
	free(it);
	if (st == TH_OK && cls)
		st = made(c, plist_new_string(cls), &v);
	if (st == TH_OK && cls)
		plist_dict_set_item(*out, "$class", v);
	return st;
}

static enum th_status resolve_dict(struct ctx *c, plist_t obj, plist_t *out)
{
	plist_t keys = plist_dict_get_item(obj, "NS.keys");
	plist_t objs = plist_dict_get_item(obj, "NS.objects");
	plist_t v;

	if (keys && objs && plist_get_node_type(keys) == PLIST_ARRAY &&
	    plist_get_node_type(objs) == PLIST_ARRAY)
		return resolve_nsdict(c, keys, objs, out);
	if (objs && plist_get_node_type(objs) == PLIST_ARRAY)
		return resolve_array(c, objs, out);
	if ((v = plist_dict_get_item(obj, "NS.string")) ||
	    (v = plist_dict_get_item(obj, "NS.data")) ||
	    (v = plist_dict_get_item(obj, "NS.bytes")))
		return resolve(c, v, out);
	if ((v = plist_dict_get_item(obj, "NS.time")))
		return resolve_time(c, v, out);
	return resolve_members(c, obj, out);
}

static enum th_status resolve(struct ctx *c, plist_t node, plist_t *out)
{
	enum th_status st;

	*out = NULL;
	if (c->depth >= 2 * TH_NSKEYED_MAX_DEPTH)
		return th_err_set(c->err, TH_ERR_LIMIT,
		                  "keyed archive nested deeper than %d levels",
		                  2 * TH_NSKEYED_MAX_DEPTH);
	c->depth++;
	switch (plist_get_node_type(node)) {
	case PLIST_UID:
		st = follow(c, node, out);
		break;
	case PLIST_DICT:
		st = resolve_dict(c, node, out);
		break;
	case PLIST_ARRAY:
		st = resolve_array(c, node, out);
		break;
	default:
		st = made(c, plist_copy(node), out);
		break;
	}
	c->depth--;
	if (st != TH_OK) {
		plist_free(*out);
		*out = NULL;
	}
	return st;
}

enum th_status th_nskeyed_resolve(plist_t archive, const char *top_key,
                                  plist_t *out, struct th_err *err)
{
	struct ctx c = {.err = err};
	plist_t top, start;
	enum th_status st;

	*out = NULL;
	top = archive && plist_get_node_type(archive) == PLIST_DICT
	              ? plist_dict_get_item(archive, "$top")
	              : NULL;
	c.objects = top ? plist_dict_get_item(archive, "$objects") : NULL;
	if (!top || plist_get_node_type(top) != PLIST_DICT || !c.objects ||
	    plist_get_node_type(c.objects) != PLIST_ARRAY)
		return th_err_set(err, TH_ERR_FORMAT, "%s",
		                  "not a keyed archive: no $top or $objects");
	c.nobjects = plist_array_get_size(c.objects);
	start = plist_dict_get_item(top, top_key ? top_key : "root");
	if (!start)
		return th_err_set(err, TH_ERR_NOTFOUND,
		                  "keyed archive has no $top.%s",
		                  top_key ? top_key : "root");
	st = resolve(&c, start, out);
	if (st == TH_OK && !*out)
		st = th_err_set(err, TH_ERR_NOTFOUND,
		                "keyed archive $top.%s is $null",
		                top_key ? top_key : "root");
	return st;
}
