/* Plists inside database cells: Safari session state, shortcut actions
 * (see blobs.h). */
#include <stdlib.h>
#include <string.h>

#include "core/jsonutil.h"
#include "formats/plist_util.h"
#include "modules/ios/blobs.h"
#include "modules/ios/evdb.h"

#define SESSION_HEADER 4
#define ENTRIES_MAX    100000
#define ACTIONS_MAX    100000
#define WALK_DEPTH     32

static json_t *str_or_null(plist_t dict, const char *key)
{
	const char *s = th_plist_dict_str(dict, key);

	return s ? json_string(s) : json_null();
}

static json_t *session_entry(plist_t e)
{
	json_t *o = json_object();
	size_t n = 0;

	if (!o)
		return NULL;
	th_plist_dict_data(e, "SessionHistoryEntryData", &n);
	th_json_set_new(o, "entry_title",
	                str_or_null(e, "SessionHistoryEntryOriginalURL"));
	th_json_set_new(o, "entry_url",
	                str_or_null(e, "SessionHistoryEntryURL"));
	th_json_set_new(o, "data_length", json_integer((json_int_t)n));
	return o;
}

enum th_status th_safari_session_parse(const void *data, size_t len,
                                       json_t *entries, struct th_err *err)
{
	plist_t root = NULL, hist, list, e;
	enum th_status st;
	uint32_t i, n;

	if (len <= SESSION_HEADER)
		return th_err_set(err, TH_ERR_FORMAT,
		                  "session data too short (%zu bytes)", len);
	st = th_plist_parse((const char *)data + SESSION_HEADER,
	                    len - SESSION_HEADER, NULL, &root, err);
	if (st != TH_OK)
		return st;
	hist = plist_dict_get_item(root, "SessionHistory");
	list = plist_get_node_type(hist) == PLIST_DICT
	               ? plist_dict_get_item(hist, "SessionHistoryEntries")
	               : NULL;
	n = plist_get_node_type(list) == PLIST_ARRAY
	            ? plist_array_get_size(list)
	            : 0;
	for (i = 0; i < n && i < ENTRIES_MAX && st == TH_OK; i++) {
		e = plist_array_get_item(list, i);
		if (plist_get_node_type(e) != PLIST_DICT)
			continue;
		if (th_json_append_new(entries, session_entry(e)) != 0)
			st = th_err_set(err, TH_ERR_NOMEM, "out of memory");
	}
	plist_free(root);
	return st;
}

/* Every string under `node`, scanned for links. */
static void walk_strings(plist_t node, json_t *urls, unsigned depth)
{
	plist_dict_iter it = NULL;
	const char *s;
	plist_t v;
	char *key;
	uint32_t i, n;

	if (depth > WALK_DEPTH)
		return;
	switch (plist_get_node_type(node)) {
	case PLIST_STRING:
		s = plist_get_string_ptr(node, NULL);
		if (s)
			th_links_collect(s, strlen(s), urls, NULL);
		break;
	case PLIST_ARRAY:
		n = plist_array_get_size(node);
		for (i = 0; i < n; i++)
			walk_strings(plist_array_get_item(node, i), urls,
			             depth + 1);
		break;
	case PLIST_DICT:
		plist_dict_new_iter(node, &it);
		for (;;) {
			key = NULL;
			v = NULL;
			plist_dict_next_item(node, it, &key, &v);
			free(key);
			if (!v)
				break;
			walk_strings(v, urls, depth + 1);
		}
		free(it);
		break;
	default:
		break;
	}
}

enum th_status th_shortcut_actions_parse(const void *data, size_t len,
                                         json_t *urls, size_t *nactions,
                                         struct th_err *err)
{
	plist_t root = NULL, action;
	enum th_status st;
	uint32_t i, n;

	*nactions = 0;
	st = th_plist_parse(data, len, NULL, &root, err);
	if (st != TH_OK)
		return st;
	if (plist_get_node_type(root) != PLIST_ARRAY) {
		plist_free(root);
		return th_err_set(err, TH_ERR_FORMAT,
		                  "shortcut actions are not an array");
	}
	n = plist_array_get_size(root);
	for (i = 0; i < n && i < ACTIONS_MAX; i++) {
		action = plist_array_get_item(root, i);
		if (plist_get_node_type(action) != PLIST_DICT)
			continue;
		(*nactions)++;
		walk_strings(plist_dict_get_item(action,
		                                 "WFWorkflowActionParameters"),
		             urls, 0);
	}
	plist_free(root);
	return TH_OK;
}
