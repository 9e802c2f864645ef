/*
 * Reads a results file back (<slug>.json, written by tracehound or MVT)
 * one record at a time, so a file of a million records is never held in
 * memory as one tree.
 */
#ifndef TH_FORMATS_JSONSEQ_H
#define TH_FORMATS_JSONSEQ_H

#include <stddef.h>
#include <jansson.h>
#include "core/err.h"

/* Largest single record accepted. */
#define TH_JSONSEQ_RECORD_MAX ((size_t)64 << 20)

/* fn gets each element of a top-level array, or the top-level object
 * itself, as a borrowed reference; it returns nonzero to stop.
 * TH_ERR_IO, TH_ERR_FORMAT (not JSON, truncated), TH_ERR_LIMIT. */
enum th_status th_jsonseq_each(const char *path,
                               int (*fn)(void *ctx, const json_t *record),
                               void *ctx, struct th_err *err);

#endif
