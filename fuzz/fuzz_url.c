/*
 * libFuzzer target: URL splitting, host extraction, address parsing and
 * link extraction from text, on arbitrary bytes (not NUL-terminated).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <tracehound/th_iocs.h>
#include "formats/url.h"

struct span {
	const char *text;
	size_t len;
};

static int check_link(void *ctx, const char *url, size_t len)
{
	const struct span *t = ctx;
	char host[TH_HOST_MAX];

	/* A link lies inside the text and is not empty. */
	if (len == 0 || url < t->text || url + len > t->text + t->len)
		abort();
	th_url_host(url, len, host, sizeof(host), NULL);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct span text = {s, size};
	char host[TH_HOST_MAX], ip[TH_IP_TEXT_MAX];
	struct th_url_parts p;
	size_t n = 0;

	if (th_url_split(s, size, &p) == TH_OK &&
	    (p.host_off + p.host_len > size || p.path_off > size))
		abort();
	if (th_url_host(s, size, host, sizeof(host), &n) == TH_OK &&
	    (n >= sizeof(host) || strlen(host) != n))
		abort();
	th_ip_normalise(s, size, ip, sizeof(ip));
	th_text_each_url(s, size, check_link, &text);
	return 0;
}
