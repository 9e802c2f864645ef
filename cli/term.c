/*
 * Terminal helpers: colour only on a terminal and never with NO_COLOR
 * (https://no-color.org), UTC time formatting, JSON printing.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#define US_PER_SEC INT64_C(1000000)

int cli_colour_ok(FILE *f)
{
	const char *no = getenv("NO_COLOR");
	const char *term = getenv("TERM");

	if (no && *no)
		return 0;
	if (term && strcmp(term, "dumb") == 0)
		return 0;
	return isatty(fileno(f));
}

const char *cli_colour_on(int enabled, enum cli_colour c)
{
	if (!enabled)
		return "";
	switch (c) {
	case CLI_RED:
		return "\033[1;31m";
	case CLI_YELLOW:
		return "\033[33m";
	case CLI_CYAN:
		return "\033[36m";
	case CLI_BOLD:
		return "\033[1m";
	case CLI_NONE:
		break;
	}
	return "";
}

const char *cli_colour_off(int enabled)
{
	return enabled ? "\033[0m" : "";
}

void cli_time_format(int64_t t, char buf[32])
{
	int64_t secs, frac;
	char tmp[96];
	struct tm tm;
	time_t tt;
	int n;

	buf[0] = '\0';
	if (t == TH_TIME_NONE)
		return;
	/* Floor division, so times before 1970 keep a positive fraction. */
	secs = t / US_PER_SEC;
	frac = t % US_PER_SEC;
	if (frac < 0) {
		frac += US_PER_SEC;
		secs--;
	}
	tt = (time_t)secs;
	if (!gmtime_r(&tt, &tm) || tm.tm_year + 1900 > 9999 ||
	    tm.tm_year + 1900 < 0)
		return;
	/* gmtime_r's fields fit; the compiler cannot know, hence tmp. */
	n = snprintf(tmp, sizeof(tmp), "%04d-%02d-%02d %02d:%02d:%02d.%06ld",
	             tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	             tm.tm_min, tm.tm_sec, (long)frac);
	if (n > 0 && n < 32)
		memcpy(buf, tmp, (size_t)n + 1);
}

int cli_json_print(json_t *value)
{
	if (!value || json_dumpf(value, stdout, JSON_INDENT(2)) != 0 ||
	    fputc('\n', stdout) == EOF) {
		cli_error("cannot write the JSON output");
		return CLI_EXIT_ERROR;
	}
	return CLI_EXIT_OK;
}

json_t *cli_json_string(const char *s)
{
	json_t *j;
	char *copy;
	size_t i;

	if (!s)
		return json_null();
	j = json_string(s);
	if (j)
		return j;
	/* Not UTF-8 (evidence can hold anything): keep the ASCII. */
	copy = strdup(s);
	if (!copy)
		return NULL;
	for (i = 0; copy[i]; i++)
		if ((unsigned char)copy[i] >= 0x80)
			copy[i] = '?';
	j = json_string(copy);
	free(copy);
	return j;
}

const char *cli_plural(size_t n)
{
	return n == 1 ? "" : "s";
}
