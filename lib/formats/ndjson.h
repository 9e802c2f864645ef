/* Bounded line reading for NDJSON-like evidence (files.json lines,
 * intrusion logs): a hostile file with a gigabyte-long line never makes
 * us allocate more than `max` bytes for it. */
#ifndef TH_FORMATS_NDJSON_H
#define TH_FORMATS_NDJSON_H

#include <stdio.h>
#include "core/buf.h"

/* Reads the next line (with its '\n', if any) into `line` (reset
 * first). A line longer than max is consumed to its end, `line` left
 * empty and *too_long set. Returns 1 when a line was read, 0 at the end
 * of the file, -1 when `line` could not grow for want of memory (a
 * reader must fail then: skipping the line would pass unnoticed). */
int th_ndjson_getline(FILE *f, struct th_buf *line, size_t max, int *too_long);

#endif
