/* Small helpers for line-oriented evidence text (dumpsys sections,
 * tombstones): lengths are always explicit, nothing is copied. */
#ifndef TH_FORMATS_LINES_H
#define TH_FORMATS_LINES_H

#include <stddef.h>

/* The next line of text[*pos..len) without its "\n" or "\r\n"; 0 at the
 * end. */
int th_line_next(const char *text, size_t len, size_t *pos, const char **line,
                 size_t *n);

/* Strips blanks (space, tab, CR) from both ends of the span. */
void th_line_trim(const char **s, size_t *n);

/* Whether s[0..n) starts with `prefix`. */
int th_line_starts(const char *s, size_t n, const char *prefix);

/* How many leading spaces s[0..n) has. */
size_t th_line_indent(const char *s, size_t n);

/* Whether s[0..n) holds only blanks. */
int th_line_blank(const char *s, size_t n);

/* Where `needle` first occurs in s[0..n), or NULL. */
const char *th_line_find(const char *s, size_t n, const char *needle);

#endif
