/*
 * Android text formats shared by androidqf and bugreport modules:
 * `getprop` output ("[name]: [value]" lines) and `ps` output (a header
 * line naming the columns, then one process a line).
 */
#ifndef TH_FORMATS_GETPROP_H
#define TH_FORMATS_GETPROP_H

#include <stddef.h>
#include "core/err.h"

/* Calls fn for every "[name]: [value]" line (lengths given: values may
 * hold anything); fn returns nonzero to stop. Malformed lines are
 * skipped and counted in *skipped (may be NULL). */
enum th_status th_getprop_each(const char *text, size_t len,
                               int (*fn)(void *ctx, const char *name,
                                         size_t name_len, const char *value,
                                         size_t value_len),
                               void *ctx, size_t *skipped);

/* One row of ps output: the columns a module needs, as NUL-terminated
 * strings valid during the callback ("" when the column is absent). */
struct th_ps_row {
	const char *user;
	const char *pid;
	const char *ppid;
	const char *label; /* SELinux label, when ps printed one */
	const char *name;  /* the last column: process name or command */
	const char *vsz;
	const char *rss;
	const char *wchan; /* "" when this row left it blank */
	const char *addr;
	const char *state; /* "S", "R", ... */
};

/* Calls fn for every process row after the header (fn returns nonzero
 * to stop). The name is the rest of the line from its column, blanks
 * included. Rows that cannot be split are skipped. TH_ERR_FORMAT when
 * the first line is not a ps header (no PID column). */
enum th_status th_ps_each(const char *text, size_t len,
                          int (*fn)(void *ctx, const struct th_ps_row *row),
                          void *ctx, struct th_err *err);

#endif
