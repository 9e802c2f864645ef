/*
 * MBFile: the NSKeyedArchiver binary plist in Manifest.db's `file` column
 * that carries a backed-up file's metadata.
 */
#ifndef TH_FORMATS_MBFILE_H
#define TH_FORMATS_MBFILE_H

#include <stddef.h>
#include <stdint.h>
#include "core/err.h"

#define TH_MBFILE_KEY_MAX 64 /* the wrapped key is 40 bytes + 4 of class */

/* Missing integer fields are -1; missing times are TH_TIME_NONE. */
struct th_mbfile {
	int64_t birth; /* µs since 1970 UTC */
	int64_t last_modified;
	int64_t last_status_change;
	int64_t mode;
	int64_t user_id;
	int64_t group_id;
	int64_t inode;
	int64_t size;
	int64_t protection_class;
	int64_t flags;
	char relative_path[1024]; /* "" when absent */
	uint8_t encryption_key[TH_MBFILE_KEY_MAX];
	size_t encryption_key_len; /* 0 when absent */
};

/* Decodes one blob. TH_ERR_FORMAT / TH_ERR_LIMIT with a message. */
enum th_status th_mbfile_decode(const void *blob, size_t len,
                                struct th_mbfile *out, struct th_err *err);

#endif
