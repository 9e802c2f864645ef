/*
 * Where indicators come from, in order: every --iocs FILE|DIR, every
 * entry of TRACEHOUND_IOCS (colon-separated), then every *.stix2 file in
 * the user's indicator folder. Nothing is ever fetched from the network.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* A folder with more files than this is not an indicator folder. */
#define MAX_USER_FILES 4096

struct names {
	char **v;
	size_t n;
};

static int load_one(struct cli_iocs *c, const char *path, int quiet)
{
	size_t before = th_iocs_nerrors(c->set), i;
	enum th_status st;

	c->tried++;
	st = th_iocs_load(c->set, path);
	if (st == TH_ERR_NOMEM) {
		cli_error("out of memory loading '%s'", path);
		return CLI_EXIT_ERROR;
	}
	if (st == TH_OK)
		return CLI_EXIT_OK;
	c->failed++;
	if (quiet)
		return CLI_EXIT_OK;
	for (i = before; i < th_iocs_nerrors(c->set); i++)
		cli_warn("%s", th_iocs_error_at(c->set, i));
	if (th_iocs_nerrors(c->set) == before)
		cli_warn("cannot load indicators from '%s': %s", path,
		         th_status_str(st));
	return CLI_EXIT_OK;
}

static int load_env(struct cli_iocs *c, int quiet)
{
	const char *env = getenv("TRACEHOUND_IOCS");
	char *copy, *p, *colon;
	int rc = CLI_EXIT_OK;

	if (!env || !*env)
		return CLI_EXIT_OK;
	copy = strdup(env);
	if (!copy) {
		cli_error("out of memory");
		return CLI_EXIT_ERROR;
	}
	for (p = copy; p && rc == CLI_EXIT_OK; p = colon) {
		colon = strchr(p, ':');
		if (colon)
			*colon++ = '\0';
		if (*p)
			rc = load_one(c, p, quiet);
	}
	free(copy);
	return rc;
}

char *cli_iocs_user_dir(void)
{
	const char *xdg = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");
	const char *base, *rest;
	size_t size;
	char *dir;

	/* The XDG spec ignores a relative XDG_DATA_HOME. */
	if (xdg && xdg[0] == '/') {
		base = xdg;
		rest = "/tracehound/iocs";
	} else if (home && *home) {
		base = home;
		rest = "/.local/share/tracehound/iocs";
	} else {
		return NULL;
	}
	size = strlen(base) + strlen(rest) + 1;
	dir = malloc(size);
	if (dir)
		snprintf(dir, size, "%s%s", base, rest);
	return dir;
}

static int is_stix2(const char *name)
{
	size_t n = strlen(name);

	return name[0] != '.' && n > 6 && strcmp(name + n - 6, ".stix2") == 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void names_free(struct names *nm)
{
	size_t i;

	for (i = 0; i < nm->n; i++)
		free(nm->v[i]);
	free(nm->v);
}

/* The *.stix2 names in dir, sorted. Returns errno, or 0. */
static int list_stix2(const char *dir, struct names *nm)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	int err = 0;

	if (!d)
		return errno;
	nm->v = calloc(MAX_USER_FILES, sizeof(*nm->v));
	if (!nm->v)
		err = ENOMEM;
	while (!err && nm->n < MAX_USER_FILES && (de = readdir(d)) != NULL) {
		if (!is_stix2(de->d_name))
			continue;
		nm->v[nm->n] = strdup(de->d_name);
		if (!nm->v[nm->n++])
			err = ENOMEM;
	}
	closedir(d);
	if (!err)
		qsort(nm->v, nm->n, sizeof(*nm->v), cmp_names);
	return err;
}

static int load_user_dir(struct cli_iocs *c, int quiet)
{
	char *dir = cli_iocs_user_dir(), *path;
	struct names nm = {0};
	int rc = CLI_EXIT_OK, err;
	size_t i, size;

	if (!dir)
		return CLI_EXIT_OK;
	err = list_stix2(dir, &nm);
	/* A missing folder just means none were installed. */
	if (err && err != ENOENT && err != ENOTDIR && !quiet)
		cli_warn("cannot read indicator folder '%s': %s", dir,
		         strerror(err));
	for (i = 0; !err && i < nm.n && rc == CLI_EXIT_OK; i++) {
		size = strlen(dir) + strlen(nm.v[i]) + 2;
		path = malloc(size);
		if (!path) {
			cli_error("out of memory");
			rc = CLI_EXIT_ERROR;
			break;
		}
		snprintf(path, size, "%s/%s", dir, nm.v[i]);
		rc = load_one(c, path, quiet);
		free(path);
	}
	names_free(&nm);
	free(dir);
	return rc;
}

int cli_iocs_load(const struct cli_opts *o, struct cli_iocs *out)
{
	int rc = CLI_EXIT_OK;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (th_iocs_new(&out->set) != TH_OK) {
		cli_error("out of memory");
		return CLI_EXIT_ERROR;
	}
	for (i = 0; i < o->niocs && rc == CLI_EXIT_OK; i++)
		rc = load_one(out, o->iocs[i], o->quiet);
	if (rc == CLI_EXIT_OK)
		rc = load_env(out, o->quiet);
	if (rc == CLI_EXIT_OK)
		rc = load_user_dir(out, o->quiet);
	return rc;
}

void cli_iocs_free(struct cli_iocs *c)
{
	if (c->set)
		th_iocs_free(c->set);
	memset(c, 0, sizeof(*c));
}

static int seen_before(const struct th_ioc *ioc, size_t i)
{
	size_t j;

	for (j = 0; j < i; j++)
		if (strcmp(ioc->sources[j].collection,
		           ioc->sources[i].collection) == 0)
			return 1;
	return 0;
}

json_t *cli_ioc_collections(const struct th_ioc *ioc)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; arr && i < ioc->nsources; i++)
		if (!seen_before(ioc, i) &&
		    json_array_append_new(
		            arr, cli_json_string(ioc->sources[i].collection))) {
			json_decref(arr);
			return NULL;
		}
	return arr;
}

void cli_ioc_collections_str(const struct th_ioc *ioc, char *buf, size_t size)
{
	size_t i, len = 0;
	int n;

	buf[0] = '\0';
	for (i = 0; i < ioc->nsources && len < size; i++) {
		if (seen_before(ioc, i))
			continue;
		n = snprintf(buf + len, size - len, "%s%s", len ? ", " : "",
		             ioc->sources[i].collection);
		if (n < 0)
			break;
		len += (size_t)n;
	}
	/* Truncated: say so rather than cut a name silently. */
	if (len >= size && size > 4)
		memcpy(buf + size - 4, "...", 4);
}
