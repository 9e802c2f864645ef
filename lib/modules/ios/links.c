/* Links in free text, the checks several message and browser modules
 * share, and the registrable-domain rule (see evdb.h). */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "core/jsonutil.h"
#include "core/timeconv.h"
#include "formats/url.h"
#include "modules/ios/evdb.h"

/* A message with more links than this is padding or an attack on the
 * tool; the first ones are kept. */
#define LINKS_MAX 1000
#define LINK_MAX  8192

struct collect {
	json_t *links;
	const char *const *skip;
	size_t added;
};

static int has_link(const json_t *links, const char *url, size_t n)
{
	size_t i;
	const char *s;

	for (i = 0; i < json_array_size(links); i++) {
		s = json_string_value(json_array_get(links, i));
		if (s && strlen(s) == n && memcmp(s, url, n) == 0)
			return 1;
	}
	return 0;
}

static int skipped(const char *const *skip, const char *url, size_t n)
{
	size_t k;

	for (; skip && *skip; skip++) {
		k = strlen(*skip);
		if (n >= k && strncasecmp(url, *skip, k) == 0)
			return 1;
	}
	return 0;
}

static int on_link(void *ctx, const char *url, size_t n)
{
	struct collect *c = ctx;

	if (json_array_size(c->links) >= LINKS_MAX)
		return 1;
	if (n > LINK_MAX || skipped(c->skip, url, n) ||
	    has_link(c->links, url, n))
		return 0;
	if (th_json_append_new(c->links, th_json_stringn(url, n)) == 0)
		c->added++;
	return 0;
}

size_t th_links_collect(const char *text, size_t len, json_t *links,
                        const char *const *skip)
{
	struct collect c = {.links = links, .skip = skip};

	if (!text || !json_is_array(links))
		return 0;
	th_text_each_url(text, len, on_link, &c);
	return c.added;
}

void th_links_record(struct th_run *run, const json_t *links, int64_t t,
                     const char *source)
{
	size_t i;

	for (i = 0; i < json_array_size(links); i++)
		th_run_url(run, json_string_value(json_array_get(links, i)), t,
		           source);
}

size_t th_links_check(struct th_run *run, const json_t *links,
                      enum th_level level, int64_t t, const json_t *rec)
{
	size_t i, hits = 0;
	const char *url;

	if (!th_run_iocs(run))
		return 0;
	for (i = 0; i < json_array_size(links) && i < LINKS_MAX; i++) {
		url = json_string_value(json_array_get(links, i));
		if (th_run_check(run, TH_MATCH_URL, url, level, t, rec))
			hits++;
	}
	return hits;
}

void th_text_add_escaped(struct th_buf *d, const char *text)
{
	const char *p = text ? text : "";
	size_t n;

	while (*p) {
		n = strcspn(p, "\n");
		th_buf_add(d, p, n);
		p += n;
		if (*p) {
			th_buf_adds(d, "\\n");
			p++;
		}
	}
}

int th_rec_check(struct th_run *run, const json_t *rec, const char *key,
                 enum th_match_type type, enum th_level level, int64_t t)
{
	return th_run_check(run, type, th_rec_str(rec, key), level, t, rec) !=
	       NULL;
}

/* Short generic labels under a country code: "co.uk", "com.au". */
static int generic_sld(const char *label, size_t n)
{
	static const char *const slds[] = {"co",  "com", "org", "net",
	                                   "gov", "ac",  "edu"};
	size_t i;

	for (i = 0; i < sizeof(slds) / sizeof(slds[0]); i++)
		if (strlen(slds[i]) == n && memcmp(slds[i], label, n) == 0)
			return 1;
	return 0;
}

/* The start of the label ending just before `end` (a '.' or the end). */
static const char *label_start(const char *host, const char *end)
{
	while (end > host && end[-1] != '.')
		end--;
	return end;
}

const char *th_domain_registrable(const char *host)
{
	const char *end = host + strlen(host), *tld, *sld, *third;

	if (th_ip_normalise(host, (size_t)(end - host), NULL, 0))
		return host;
	tld = label_start(host, end);
	if (tld <= host + 1)
		return host;
	sld = label_start(host, tld - 1);
	if (sld <= host + 1)
		return sld;
	if (end - tld == 2 && isalpha((unsigned char)tld[0]) &&
	    generic_sld(sld, (size_t)(tld - 1 - sld))) {
		third = label_start(host, sld - 1);
		return third;
	}
	return sld;
}
