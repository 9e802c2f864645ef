/*
 * Limits a user can raise. Real evidence can be larger than what we
 * expect (a 3 GB sms.db on a phone kept for a decade), so the limits on
 * how much of one artifact we read are a run setting
 * (--max-artifact-size), and the message that says one was hit names the
 * limit and the option that raises it.
 */
#ifndef TH_CORE_LIMITS_H
#define TH_CORE_LIMITS_H

#include <stddef.h>
#include <stdint.h>
#include "core/err.h"

#define TH_LIMIT_ARTIFACT_OPTION "--max-artifact-size"
#define TH_SIZE_TEXT_MAX         32

/* The limit in effect: the user's setting when there is one (non-zero),
 * else the reader's own default. Clamped to SIZE_MAX. */
size_t th_limit_artifact(uint64_t user, uint64_t deflt);

/* "512 MiB", "2 GiB", "1536 bytes" into buf (the largest binary unit
 * that divides n, else bytes); returns buf. */
const char *th_size_format(uint64_t n, char buf[TH_SIZE_TEXT_MAX]);

/* Sets "'<name>' is larger than the artifact limit of <size>
 * (--max-artifact-size)" and returns TH_ERR_LIMIT. */
enum th_status th_limit_artifact_hit(struct th_err *err, const char *name,
                                     uint64_t max);

/*
 * th_read_file for an artifact: `name` is what the message calls it
 * (the artifact's name in the evidence, or NULL for the path), and a
 * file over `max` gets th_limit_artifact_hit's message. Same statuses as
 * th_read_file.
 */
enum th_status th_read_artifact(const char *path, const char *name,
                                uint64_t max, char **data, size_t *len,
                                struct th_err *err);

#endif
