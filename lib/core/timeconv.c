#include <math.h>
#include <string.h>
#include <time.h>

#include "core/timeconv.h"

#define US_PER_S       INT64_C(1000000)
#define COCOA_EPOCH_S  INT64_C(978307200)   /* 2001-01-01 in Unix time */
#define WEBKIT_EPOCH_S INT64_C(11644473600) /* 1601-01-01 to 1970-01-01 */
/* Years 0001..9999 fit comfortably; anything outside is garbage. */
#define MIN_T (INT64_C(-62135596800) * US_PER_S)
#define MAX_T (INT64_C(253402300799) * US_PER_S)

static int64_t clamp(int64_t t)
{
	return (t < MIN_T || t > MAX_T) ? TH_TIME_NONE : t;
}

int64_t th_time_from_unix(double seconds)
{
	double us;

	if (!isfinite(seconds))
		return TH_TIME_NONE;
	us = seconds * 1e6;
	if (us < (double)MIN_T || us > (double)MAX_T)
		return TH_TIME_NONE;
	return clamp((int64_t)llround(us));
}

int64_t th_time_from_cocoa(double seconds)
{
	if (!isfinite(seconds))
		return TH_TIME_NONE;
	return th_time_from_unix(seconds + (double)COCOA_EPOCH_S);
}

int64_t th_time_from_webkit(int64_t micros)
{
	if (micros < MIN_T + WEBKIT_EPOCH_S * US_PER_S ||
	    micros > MAX_T + WEBKIT_EPOCH_S * US_PER_S)
		return TH_TIME_NONE;
	return clamp(micros - WEBKIT_EPOCH_S * US_PER_S);
}

int64_t th_time_from_android_ms(int64_t millis)
{
	if (millis < MIN_T / 1000 || millis > MAX_T / 1000)
		return TH_TIME_NONE;
	return millis * 1000;
}

/* Howard Hinnant's civil_from_days: days since 1970-01-01 to y/m/d. */
static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	yoe = z - era * 146097;
	yoe = (yoe - yoe / 1460 + yoe / 36524 - yoe / 146096) / 365;
	doy = (z - era * 146097) - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

/* Writes n digits of v, zero-padded, and returns the end. Faster than
 * snprintf, which matters when a timeline has a million lines. */
static char *put_digits(char *p, int64_t v, int n)
{
	int i;

	for (i = n - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + n;
}

void th_time_format(int64_t t, char out[TH_TIME_STR_MAX])
{
	int64_t secs, days, rem, us, y;
	unsigned m, d;
	char *p = out;

	if (t == TH_TIME_NONE || t < MIN_T || t > MAX_T) {
		out[0] = '\0';
		return;
	}
	secs = t / US_PER_S;
	us = t % US_PER_S;
	if (us < 0) {
		us += US_PER_S;
		secs--;
	}
	days = secs / 86400;
	rem = secs % 86400;
	if (rem < 0) {
		rem += 86400;
		days--;
	}
	civil_from_days(days, &y, &m, &d);
	p = put_digits(p, y, 4);
	*p++ = '-';
	p = put_digits(p, m, 2);
	*p++ = '-';
	p = put_digits(p, d, 2);
	*p++ = ' ';
	p = put_digits(p, rem / 3600, 2);
	*p++ = ':';
	p = put_digits(p, rem / 60 % 60, 2);
	*p++ = ':';
	p = put_digits(p, rem % 60, 2);
	*p++ = '.';
	p = put_digits(p, us, 6);
	*p = '\0';
}

/* The inverse of civil_from_days. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era, yoe, doy;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

/* Reads exactly n digits; -1 if any is not a digit. */
static int64_t get_digits(const char *s, int n)
{
	int64_t v = 0;
	int i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int64_t th_time_parse(const char *s)
{
	int64_t y, mo, d, h, mi, sec, us = 0, scale = 100000;
	size_t i;

	if (!s || strlen(s) < 19 || s[4] != '-' || s[7] != '-' ||
	    (s[10] != ' ' && s[10] != 'T') || s[13] != ':' || s[16] != ':')
		return TH_TIME_NONE;
	y = get_digits(s, 4);
	mo = get_digits(s + 5, 2);
	d = get_digits(s + 8, 2);
	h = get_digits(s + 11, 2);
	mi = get_digits(s + 14, 2);
	sec = get_digits(s + 17, 2);
	if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 ||
	    mi < 0 || mi > 59 || sec < 0 || sec > 60)
		return TH_TIME_NONE;
	if (s[19] == '.')
		for (i = 20; i < 26 && s[i] >= '0' && s[i] <= '9'; i++) {
			us += (s[i] - '0') * scale;
			scale /= 10;
		}
	return (days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 +
	        h * 3600 + mi * 60 + sec) *
	               US_PER_S +
	       us;
}

int64_t th_time_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * US_PER_S + ts.tv_nsec / 1000;
}
