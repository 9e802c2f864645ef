/*
 * Text formats of iOS diagnostics: the process table of ps.txt, the
 * install lines of the MobileInstallation logs, the JSON header line of
 * crash and analytics reports (*.ips), and the times they carry. Pure
 * functions over bytes, fuzzed together (fuzz/fuzz_sysdiag_text.c).
 */
#ifndef TH_FORMATS_SYSDIAG_TEXT_H
#define TH_FORMATS_SYSDIAG_TEXT_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#define TH_PS_COLS_MAX   32 /* header columns kept before COMMAND */
#define TH_BUNDLE_ID_MAX 256
#define TH_IPS_HEAD_MAX  ((size_t)64 << 10)

/*
 * ps.txt: a header naming the columns (USER UID ... COMMAND), then one
 * process a line. Calls fn with each row as a JSON object: the header's
 * columns lower-cased ("pid", "ppid", ...), "command" (the rest of the
 * line), "executable" (its first word) and "process" (that word's base
 * name); fn owns the object. Lines missing columns (ps_thread.txt's
 * thread lines) are skipped. Returns the rows given to fn, or -1 when
 * out of memory. fn returns nonzero to stop.
 */
long th_ps_table_each(const char *text, size_t len,
                      int (*fn)(void *ctx, json_t *row), void *ctx);

/*
 * One MobileInstallation log line (NUL-terminated): whether it records
 * an install ("install", "installing") or uninstall ("uninstall",
 * "uninstall_requested"); the bundle id goes into id (TH_BUNDLE_ID_MAX)
 * and the line's leading "Sat Oct  1 12:34:56 2022" time into *t (taken
 * as UTC; TH_TIME_NONE when absent). Returns 1 for such a line, else 0.
 */
int th_install_line(const char *line, const char **event, char *id, int64_t *t);

/* The first line of an .ips report as a JSON object, or NULL when it is
 * not one (or longer than TH_IPS_HEAD_MAX). The caller owns it. */
json_t *th_ips_header(const char *text, size_t len);

/* The same, saying why there is none: TH_ERR_FORMAT (not a JSON object
 * line) or TH_ERR_NOMEM (jansson could not allocate). */
enum th_status th_ips_header_read(const char *text, size_t len, json_t **out);

/* "YYYY-MM-DD HH:MM:SS[.fff] [+-HHMM]" as µs UTC; TH_TIME_NONE when it
 * is not such a time. NULL is fine. */
int64_t th_text_time(const char *s);

#endif
