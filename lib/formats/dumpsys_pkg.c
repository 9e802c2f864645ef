/* The "package" dumpsys section: its resolver tables (activities and
 * broadcast receivers by intent) and its "Packages:" list. */
#include <string.h>

#include "formats/dumpsys_parse.h"
#include "formats/lines.h"
#include "core/jsonutil.h"

/* Far above any real device (a few thousand entries); past it the
 * section is hostile. */
#define RECORDS_MAX 1000000
#define PERMS_MAX   4096

static int set_str(json_t *o, const char *key, const char *s, size_t n)
{
	json_t *v = th_json_stringn(s, n);

	return !v || json_object_set_new(o, key, v) != 0;
}

/* The second blank-separated word of s[0..n) ("4a5f1f7 pkg/.Cls ..."). */
static int second_word(const char *s, size_t n, const char **w, size_t *wn)
{
	size_t i = 0, start;

	th_line_trim(&s, &n);
	while (i < n && s[i] != ' ')
		i++;
	while (i < n && s[i] == ' ')
		i++;
	if (i >= n)
		return 0;
	start = i;
	while (i < n && s[i] != ' ')
		i++;
	*w = s + start;
	*wn = i - start;
	return 1;
}

static enum th_status resolver_record(const char *intent, size_t intent_len,
                                      const char *line, size_t n,
                                      const char *key, th_record_fn fn,
                                      void *ctx, int *stop)
{
	const char *w, *slash;
	size_t wn;
	json_t *rec;

	if (!second_word(line, n, &w, &wn))
		return TH_OK;
	slash = memchr(w, '/', wn);
	rec = json_object();
	if (!rec || set_str(rec, "intent", intent, intent_len) ||
	    set_str(rec, "package_name", w, slash ? (size_t)(slash - w) : wn) ||
	    set_str(rec, key, w, wn)) {
		json_decref(rec);
		return TH_ERR_NOMEM;
	}
	*stop = fn(ctx, rec);
	return TH_OK;
}

/* "<table>:" then "  Non-Data Actions:", then intents at 6 spaces and
 * their components at 8, up to a blank line (as MVT reads it). */
static enum th_status resolver_each(const char *text, size_t len,
                                    const char *table, const char *key,
                                    th_record_fn fn, void *ctx)
{
	const char *line, *intent = NULL;
	size_t pos = 0, n, intent_len = 0, count = 0, ind;
	int in_table = 0, in_actions = 0, stop = 0;
	enum th_status st = TH_OK;

	while (!stop && st == TH_OK &&
	       th_line_next(text, len, &pos, &line, &n)) {
		if (!in_table) {
			in_table = th_line_starts(line, n, table);
			continue;
		}
		if (!in_actions) {
			in_actions =
			        th_line_starts(line, n, "  Non-Data Actions:");
			continue;
		}
		if (th_line_blank(line, n))
			break;
		ind = th_line_indent(line, n);
		if (ind == 6 || ind == 7) {
			intent = line + ind;
			intent_len = n - ind;
			th_line_trim(&intent, &intent_len);
			if (intent_len && intent[intent_len - 1] == ':')
				intent_len--;
			continue;
		}
		if (!intent || ind < 8) {
			intent = NULL;
			continue;
		}
		if (++count > RECORDS_MAX)
			return TH_ERR_LIMIT;
		st = resolver_record(intent, intent_len, line, n, key, fn, ctx,
		                     &stop);
	}
	return st;
}

enum th_status th_dumpsys_activities_each(const char *text, size_t len,
                                          th_record_fn fn, void *ctx)
{
	return resolver_each(text, len, "Activity Resolver Table:", "activity",
	                     fn, ctx);
}

enum th_status th_dumpsys_receivers_each(const char *text, size_t len,
                                         th_record_fn fn, void *ctx)
{
	return resolver_each(text, len, "Receiver Resolver Table:", "receiver",
	                     fn, ctx);
}

/* --- Packages: --- */

enum perm_block { PB_NONE, PB_INSTALL, PB_RUNTIME, PB_DECLARED, PB_REQUESTED };

struct pkg {
	json_t *rec;
	json_t *perms, *requested;
	enum perm_block block;
	size_t nperms;
};

/* The "key=value" lines kept, as MVT names them. */
static const struct {
	const char *prefix; /* after trimming */
	const char *key;
	int first_word; /* "versionCode=1 minSdk=28": keep "1" */
	int always;     /* present ("") even when absent, as in MVT */
} pkg_fields[] = {
        {"userId=", "uid", 1, 1},
        {"versionName=", "version_name", 0, 1},
        {"versionCode=", "version_code", 1, 1},
        {"timeStamp=", "timestamp", 0, 1},
        {"firstInstallTime=", "first_install_time", 0, 1},
        {"lastUpdateTime=", "last_update_time", 0, 1},
        {"installerPackageName=", "installer_package_name", 0, 0},
        {"pkgFlags=", "pkg_flags", 0, 0},
};

static int pkg_new(struct pkg *p, const char *name, size_t n)
{
	size_t i;

	p->rec = json_object();
	p->perms = json_array();
	p->requested = json_array();
	p->block = PB_NONE;
	p->nperms = 0;
	if (!p->rec || !p->perms || !p->requested ||
	    set_str(p->rec, "package_name", name, n))
		return 0;
	for (i = 0; i < sizeof(pkg_fields) / sizeof(pkg_fields[0]); i++)
		if (pkg_fields[i].always &&
		    set_str(p->rec, pkg_fields[i].key, "", 0))
			return 0;
	return 1;
}

static void pkg_drop(struct pkg *p)
{
	json_decref(p->rec);
	json_decref(p->perms);
	json_decref(p->requested);
	memset(p, 0, sizeof(*p));
}

/* Hands the package to fn; 1 when fn asked to stop. */
static int pkg_flush(struct pkg *p, th_record_fn fn, void *ctx)
{
	int stop;

	if (!p->rec)
		return 0;
	th_json_set_new(p->rec, "permissions", p->perms);
	th_json_set_new(p->rec, "requested_permissions", p->requested);
	stop = fn(ctx, p->rec);
	memset(p, 0, sizeof(*p));
	return stop;
}

/* "name: granted=true, flags=[...]" or "name: prot=..., INSTALLED". */
static int pkg_perm(struct pkg *p, const char *s, size_t n, const char *type)
{
	const char *colon = memchr(s, ':', n);
	size_t name_len = colon ? (size_t)(colon - s) : n;
	json_t *perm = json_object();
	const char *g;

	if (!perm || set_str(perm, "name", s, name_len)) {
		json_decref(perm);
		return 0;
	}
	if (strcmp(type, "declared") != 0) {
		g = colon ? th_line_find(colon, n - name_len, "granted=")
		          : NULL;
		th_json_set_new(
		        perm, "granted",
		        g ? json_boolean(th_line_starts(g, n - (size_t)(g - s),
		                                        "granted=true"))
		          : json_null());
	}
	th_json_set_new(perm, "type", json_string(type));
	return json_array_append_new(p->perms, perm) == 0;
}

static enum perm_block block_of(const char *s, size_t n)
{
	static const struct {
		const char *title;
		enum perm_block b;
	} t[] = {
	        {"install permissions:", PB_INSTALL},
	        {"runtime permissions:", PB_RUNTIME},
	        {"declared permissions:", PB_DECLARED},
	        {"requested permissions:", PB_REQUESTED},
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strlen(t[i].title) == n && memcmp(s, t[i].title, n) == 0)
			return t[i].b;
	return PB_NONE;
}

/* A permission line under the open block; 0 when the block ended. */
static int pkg_block_line(struct pkg *p, const char *line, size_t n, int *ok)
{
	static const char *const types[] = {"", "install", "runtime",
	                                    "declared", ""};
	size_t ind = th_line_indent(line, n);
	const char *s = line;
	size_t k = n;

	*ok = 1;
	if (p->block == PB_NONE || ind < 6 ||
	    (p->block == PB_RUNTIME && ind < 8))
		return 0;
	th_line_trim(&s, &k);
	if (!k || ++p->nperms > PERMS_MAX)
		return 1;
	if (p->block == PB_REQUESTED)
		*ok = json_array_append_new(p->requested,
		                            th_json_stringn(s, k)) == 0;
	else
		*ok = pkg_perm(p, s, k, types[p->block]);
	return 1;
}

static int pkg_line(struct pkg *p, const char *line, size_t n)
{
	const char *s = line;
	size_t k = n, i, plen;
	int ok;

	if (pkg_block_line(p, line, n, &ok))
		return ok;
	p->block = PB_NONE;
	th_line_trim(&s, &k);
	p->block = block_of(s, k);
	if (p->block != PB_NONE)
		return 1;
	for (i = 0; i < sizeof(pkg_fields) / sizeof(pkg_fields[0]); i++) {
		plen = strlen(pkg_fields[i].prefix);
		if (!th_line_starts(s, k, pkg_fields[i].prefix))
			continue;
		s += plen;
		k -= plen;
		if (pkg_fields[i].first_word && memchr(s, ' ', k))
			k = (size_t)((const char *)memchr(s, ' ', k) - s);
		return !set_str(p->rec, pkg_fields[i].key, s, k);
	}
	return 1;
}

/* "  Package [name] (hash):" */
static int pkg_header(const char *line, size_t n, const char **name,
                      size_t *name_len)
{
	const char *end;

	if (!th_line_starts(line, n, "  Package ["))
		return 0;
	end = memchr(line + 11, ']', n - 11);
	if (!end || end == line + 11)
		return 0;
	*name = line + 11;
	*name_len = (size_t)(end - *name);
	return 1;
}

enum th_status th_dumpsys_packages_each(const char *text, size_t len,
                                        th_record_fn fn, void *ctx)
{
	struct pkg p = {0};
	const char *line, *name;
	size_t pos = 0, n, name_len, count = 0;
	int in_list = 0;

	while (th_line_next(text, len, &pos, &line, &n)) {
		if (!in_list) {
			in_list = th_line_starts(line, n, "Packages:");
			continue;
		}
		if (th_line_blank(line, n))
			break;
		if (pkg_header(line, n, &name, &name_len)) {
			if (pkg_flush(&p, fn, ctx))
				return TH_OK;
			if (++count > RECORDS_MAX)
				return TH_ERR_LIMIT;
			if (!pkg_new(&p, name, name_len))
				goto nomem;
			continue;
		}
		if (p.rec && !pkg_line(&p, line, n))
			goto nomem;
	}
	pkg_flush(&p, fn, ctx);
	return TH_OK;
nomem:
	pkg_drop(&p);
	return TH_ERR_NOMEM;
}
