/*
 * tracehound match: looks values up as an analyst pastes them. Without
 * --type, a value is tried as every kind th_match_guess() says it could
 * be, and every distinct hit is reported.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

struct match_ctx {
	const struct th_iocs *set;
	int json;
	int quiet;
	json_t *hits; /* --json: the array printed at the end */
	size_t nhits;
};

static json_t *hit_json(const char *value, enum th_match_type type,
                        const struct th_ioc *ioc)
{
	json_t *o = json_object();
	const char *file = ioc->nsources ? ioc->sources[0].file : NULL;

	if (!o || json_object_set_new(o, "value", cli_json_string(value)) ||
	    json_object_set_new(o, "type",
	                        json_string(th_ioc_kind_key(ioc->kind))) ||
	    json_object_set_new(o, "matched_as",
	                        json_string(th_match_type_name(type))) ||
	    json_object_set_new(o, "indicator", cli_json_string(ioc->value)) ||
	    json_object_set_new(o, "collections", cli_ioc_collections(ioc)) ||
	    json_object_set_new(o, "file", cli_json_string(file))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static int report_hit(struct match_ctx *m, const char *value,
                      enum th_match_type type, const struct th_ioc *ioc)
{
	char cols[512];

	m->nhits++;
	if (m->json)
		return json_array_append_new(m->hits,
		                             hit_json(value, type, ioc)) == 0
		               ? CLI_EXIT_OK
		               : CLI_EXIT_ERROR;
	cli_ioc_collections_str(ioc, cols, sizeof(cols));
	printf("%s: matches %s '%s' as %s (%s) in %s\n", value,
	       th_ioc_kind_key(ioc->kind), ioc->value, th_match_type_name(type),
	       cols, ioc->nsources ? ioc->sources[0].file : "?");
	return CLI_EXIT_OK;
}

/* Looks one value up as each type; a hit found twice is reported once. */
static int match_value(struct match_ctx *m, const char *value,
                       const enum th_match_type *types, size_t ntypes)
{
	const struct th_ioc *seen[TH_MATCH_TYPE_COUNT], *ioc;
	size_t i, j, nseen = 0;
	int rc = CLI_EXIT_OK;

	for (i = 0; i < ntypes && rc == CLI_EXIT_OK; i++) {
		ioc = th_iocs_match(m->set, types[i], value);
		for (j = 0; ioc && j < nseen; j++)
			if (seen[j] == ioc)
				ioc = NULL;
		if (!ioc)
			continue;
		seen[nseen++] = ioc;
		rc = report_hit(m, value, types[i], ioc);
	}
	if (rc == CLI_EXIT_OK && nseen == 0 && !m->json && !m->quiet)
		printf("%s: no match\n", value);
	return rc;
}

static int match_all(struct match_ctx *m, struct cli_opts *o,
                     const enum th_match_type *forced)
{
	enum th_match_type types[TH_MATCH_TYPE_COUNT];
	size_t i, n;
	int rc = CLI_EXIT_OK;

	for (i = 0; i < o->nargs && rc == CLI_EXIT_OK; i++) {
		if (forced) {
			types[0] = *forced;
			n = 1;
		} else {
			n = th_match_guess(o->args[i], types,
			                   TH_MATCH_TYPE_COUNT);
			if (n > TH_MATCH_TYPE_COUNT)
				n = TH_MATCH_TYPE_COUNT;
		}
		rc = match_value(m, o->args[i], types, n);
	}
	if (rc != CLI_EXIT_OK)
		cli_error("out of memory");
	return rc;
}

static int parse_type(const char *name, enum th_match_type *out)
{
	char list[256];
	size_t i, len = 0;

	if (th_match_type_parse(name, out) == TH_OK)
		return CLI_EXIT_OK;
	list[0] = '\0';
	for (i = 0; i < TH_MATCH_TYPE_COUNT && len < sizeof(list); i++)
		len += (size_t)snprintf(
		        list + len, sizeof(list) - len, "%s%s", i ? ", " : "",
		        th_match_type_name((enum th_match_type)i));
	return cli_usage_error(
	        "match", "unknown type '%s' (expected one of: %s)", name, list);
}

int cli_cmd_match(const struct cli_cmd *cmd, struct cli_opts *o)
{
	struct match_ctx m = {.json = o->json, .quiet = o->quiet};
	enum th_match_type forced;
	struct cli_iocs c = {0};
	int rc;

	if (o->type && (rc = parse_type(o->type, &forced)) != CLI_EXIT_OK)
		return rc;
	rc = cli_iocs_load(o, &c);
	if (rc != CLI_EXIT_OK)
		goto out;
	if (th_iocs_total(c.set) == 0) {
		cli_error("no indicators loaded: give a STIX2 file or folder "
		          "with --iocs (see 'tracehound help iocs')");
		rc = CLI_EXIT_ERROR;
		goto out;
	}
	m.set = c.set;
	if (o->json && !(m.hits = json_array())) {
		cli_error("out of memory");
		rc = CLI_EXIT_ERROR;
		goto out;
	}
	rc = match_all(&m, o, o->type ? &forced : NULL);
	if (rc == CLI_EXIT_OK && o->json)
		rc = cli_json_print(m.hits);
	if (rc == CLI_EXIT_OK && m.nhits > 0)
		rc = CLI_EXIT_FOUND;
out:
	json_decref(m.hits);
	cli_iocs_free(&c);
	return rc;
}
