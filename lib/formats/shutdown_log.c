#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/array.h"
#include "core/timeconv.h"
#include "formats/shutdown_log.h"

#define LINE_MAX_LEN 4096
#define UUID_LEN     36

struct parser {
	struct th_shutdown_client *clients;
	size_t n, cap, dropped;
	double delay;
	int delays;
	th_shutdown_fn fn;
	void *ctx;
	long blocks;
	int stop;
	int nomem; /* a client could not be kept: the parse stops */
};

static int starts(const char *s, size_t len, const char *prefix)
{
	size_t pl = strlen(prefix);

	return len >= pl && memcmp(s, prefix, pl) == 0;
}

/* "remaining client pid: 123 (/path/to/bin)" */
static void client_line(struct parser *p, const char *s, size_t len)
{
	struct th_shutdown_client *c;
	const char *open, *close, *num = s + strlen("remaining client pid:");
	size_t plen;
	long pid;

	/* Grown on demand: most blocks list a handful of clients. */
	if (p->n >= TH_SHUTDOWN_CLIENTS_MAX) {
		p->dropped++;
		return;
	}
	if (th_array_reserve(&p->clients, &p->cap, p->n, sizeof(*c)) != TH_OK) {
		p->nomem = 1;
		p->stop = 1;
		return;
	}
	c = &p->clients[p->n];
	while (num < s + len && *num == ' ')
		num++;
	/* The text is not NUL-terminated: digits are read within the line. */
	pid = num < s + len && isdigit((unsigned char)*num) ? 0 : -1;
	for (; pid >= 0 && num < s + len && isdigit((unsigned char)*num); num++)
		pid = pid > 99999999 ? -1 : pid * 10 + (*num - '0');
	c->pid = pid;
	open = memchr(s, '(', len);
	/* Paths may hold ')': the client ends at the line's last one. */
	close = s + len;
	while (open && close > open + 1 && close[-1] != ')')
		close--;
	close = open && close > open + 1 ? close - 1 : NULL;
	plen = open && close ? (size_t)(close - open - 1) : 0;
	if (plen >= sizeof(c->path))
		plen = sizeof(c->path) - 1;
	if (plen)
		memcpy(c->path, open + 1, plen);
	c->path[plen] = '\0';
	c->delay = p->delay;
	c->times_delayed = p->delays;
	p->n++;
}

/* "After 3.01s, these clients are still here:" */
static void after_line(struct parser *p, const char *s, size_t len)
{
	char num[32];
	size_t i = 0;
	double d;
	const char *q = s + strlen("After ");

	while (q < s + len && i + 1 < sizeof(num) &&
	       (isdigit((unsigned char)*q) || *q == '.'))
		num[i++] = *q++;
	num[i] = '\0';
	d = i ? strtod(num, NULL) : 0.0;
	if (isfinite(d) && d >= 0 && d < 1e9)
		p->delay += d;
	p->delays++;
}

/* "SIGTERM: [1663851234]", or "... @1663851234 ..." in older logs. */
static int64_t sigterm_time(const char *s, size_t len)
{
	const char *q = memchr(s, '[', len);
	char num[24];
	size_t i = 0;

	if (!q)
		q = memchr(s, '@', len);
	if (!q)
		return TH_TIME_NONE;
	q++;
	while (q < s + len && i + 1 < sizeof(num) && isdigit((unsigned char)*q))
		num[i++] = *q++;
	num[i] = '\0';
	if (i == 0 || i > 12)
		return TH_TIME_NONE;
	return th_time_from_unix((double)strtoll(num, NULL, 10));
}

static void end_block(struct parser *p, const char *s, size_t len)
{
	struct th_shutdown_block b = {
	        .time = sigterm_time(s, len),
	        .delays = p->delays,
	        .nclients = p->n,
	        .clients = p->clients,
	        .dropped = p->dropped,
	};

	p->blocks++;
	if (p->fn(p->ctx, &b))
		p->stop = 1;
	p->n = p->dropped = 0;
	p->delay = 0;
	p->delays = 0;
}

static void line(struct parser *p, const char *s, size_t len)
{
	while (len && isspace((unsigned char)*s)) {
		s++;
		len--;
	}
	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	if (len > LINE_MAX_LEN)
		len = LINE_MAX_LEN;
	if (starts(s, len, "remaining client pid:"))
		client_line(p, s, len);
	else if (starts(s, len, "After "))
		after_line(p, s, len);
	else if (starts(s, len, "SIGTERM:"))
		end_block(p, s, len);
}

long th_shutdown_parse(const char *text, size_t len, th_shutdown_fn fn,
                       void *ctx)
{
	struct parser p = {.fn = fn, .ctx = ctx};
	const char *s = text, *end = text + len, *nl;

	while (s < end && !p.stop) {
		nl = memchr(s, '\n', (size_t)(end - s));
		if (!nl)
			nl = end;
		line(&p, s, (size_t)(nl - s));
		s = nl + 1;
	}
	free(p.clients);
	return p.nomem ? -1 : p.blocks;
}

static int is_uuid(const char *s, size_t len)
{
	size_t i;

	if (len != UUID_LEN)
		return 0;
	for (i = 0; i < len; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return 0;
		} else if (!isxdigit((unsigned char)s[i])) {
			return 0;
		}
	}
	return 1;
}

void th_shutdown_process(const char *path, char *out, size_t cap)
{
	size_t len = strlen(path), start, n;

	while (len && path[len - 1] == '/')
		len--;
	start = len;
	while (start && path[start - 1] != '/')
		start--;
	if (start > 1 && is_uuid(path + start, len - start)) {
		len = start - 1;
		start = len;
		while (start && path[start - 1] != '/')
			start--;
	}
	n = len - start;
	if (cap == 0)
		return;
	if (n >= cap)
		n = cap - 1;
	memcpy(out, path + start, n);
	out[n] = '\0';
}
