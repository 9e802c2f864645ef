#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tracehound/th_run.h>

#include "core/fsutil.h"
#include "core/limits.h"

size_t th_limit_artifact(uint64_t user, uint64_t deflt)
{
	uint64_t v = user ? user : deflt;

	return v > SIZE_MAX ? SIZE_MAX : (size_t)v;
}

const char *th_size_format(uint64_t n, char buf[TH_SIZE_TEXT_MAX])
{
	static const char *const units[] = {"KiB", "MiB", "GiB",
	                                    "TiB", "PiB", "EiB"};
	unsigned u = 0;
	uint64_t div = 1024;

	/* A limit that is not a whole number of units is given in bytes: a
	 * rounded figure would not say whether a file of that size fits. */
	if (n < 1024 || n % 1024) {
		snprintf(buf, TH_SIZE_TEXT_MAX, "%llu bytes",
		         (unsigned long long)n);
		return buf;
	}
	while (u + 1 < sizeof(units) / sizeof(units[0]) &&
	       n % (div * 1024) == 0) {
		div *= 1024;
		u++;
	}
	snprintf(buf, TH_SIZE_TEXT_MAX, "%llu %s",
	         (unsigned long long)(n / div), units[u]);
	return buf;
}

/* The power of 1024 a unit letter stands for; -1 when it is none. */
static int unit_shift(char c)
{
	static const char letters[] = "KMGTPE";
	char up = (char)(c & ~0x20);
	const char *p = up ? strchr(letters, up) : NULL;

	return p ? 10 * (int)(p - letters + 1) : -1;
}

enum th_status th_size_parse(const char *s, uint64_t *out)
{
	unsigned long long v;
	char *end;
	int shift = 0;

	*out = 0;
	if (!s || *s < '0' || *s > '9')
		return TH_ERR_USAGE;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || v == 0)
		return TH_ERR_USAGE;
	if (*end) {
		shift = unit_shift(*end++);
		if (shift < 0)
			return TH_ERR_USAGE;
		if ((*end == 'i' || *end == 'I') && (end[1] | 0x20) == 'b')
			end += 2;
		else if ((*end | 0x20) == 'b')
			end++;
	}
	if (*end || v > (UINT64_MAX >> shift))
		return TH_ERR_USAGE;
	*out = (uint64_t)v << shift;
	return TH_OK;
}

enum th_status th_limit_artifact_hit(struct th_err *err, const char *name,
                                     uint64_t max)
{
	char size[TH_SIZE_TEXT_MAX];

	return th_err_set(err, TH_ERR_LIMIT,
	                  "'%s' is larger than the artifact limit of %s (%s)",
	                  name, th_size_format(max, size),
	                  TH_LIMIT_ARTIFACT_OPTION);
}

enum th_status th_read_artifact(const char *path, const char *name,
                                uint64_t max, char **data, size_t *len,
                                struct th_err *err)
{
	enum th_status st;

	st = th_read_file(path, th_limit_artifact(0, max), data, len, err);
	if (st == TH_ERR_LIMIT)
		th_limit_artifact_hit(err, name ? name : path, max);
	return st;
}
