/*
 * Functions we never call: unbounded copies, non-reentrant time and token
 * functions, and number parsers that cannot report errors. Included into
 * every library and CLI file by the build, so a use fails to compile.
 * Use instead: snprintf / th_buf, strtol / strtoull with end checks,
 * gmtime_r / th_time_format, strtok_r or explicit scanning.
 */
#ifndef TH_BANNED_H
#define TH_BANNED_H

/* The declarations come first, so the macros below only catch calls. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TH_BANNED(func) sorry_##func##_is_banned_in_tracehound

#undef strcpy
#define strcpy(x, y) TH_BANNED(strcpy)
#undef strcat
#define strcat(x, y) TH_BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) TH_BANNED(strncpy)
#undef strncat
#define strncat(x, y, n) TH_BANNED(strncat)
#undef sprintf
#define sprintf(...) TH_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) TH_BANNED(vsprintf)
#undef strtok
#define strtok(x, y) TH_BANNED(strtok)
#undef atoi
#define atoi(x) TH_BANNED(atoi)
#undef atol
#define atol(x) TH_BANNED(atol)
#undef atoll
#define atoll(x) TH_BANNED(atoll)
#undef gmtime
#define gmtime(t) TH_BANNED(gmtime)
#undef localtime
#define localtime(t) TH_BANNED(localtime)
#undef ctime
#define ctime(t) TH_BANNED(ctime)
#undef asctime
#define asctime(t) TH_BANNED(asctime)
#undef gets
#define gets(x) TH_BANNED(gets)

#endif
