/*
 * Android backups (.ab, shared reference/android.md 3): a text header,
 * then the payload, AES-256-CBC encrypted or not, zlib-compressed or
 * not, holding a tar stream. The stream is decrypted and inflated as it
 * is read, never written to disk.
 */
#ifndef TH_FORMATS_AB_H
#define TH_FORMATS_AB_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "core/err.h"

#define TH_AB_HEADER_MAX 4096    /* bytes the header may take */
#define TH_AB_HEX_MAX    512     /* decoded bytes of one hex line */
#define TH_AB_ROUNDS_MAX 2000000 /* PBKDF2 rounds we accept */

struct th_ab_header {
	int version;    /* 1..5 */
	int compressed; /* 0 or 1 */
	int encrypted;  /* AES-256 */
	unsigned char user_salt[TH_AB_HEX_MAX];
	size_t user_salt_len;
	unsigned char ck_salt[TH_AB_HEX_MAX];
	size_t ck_salt_len;
	unsigned rounds;
	unsigned char user_iv[16];
	unsigned char blob[TH_AB_HEX_MAX];
	size_t blob_len;
	size_t payload_off; /* where the payload starts */
};

/* Parses the header at data[0..len) (len may exceed the header). `name`
 * is for messages. TH_ERR_FORMAT with the reason, TH_ERR_UNSUPPORTED
 * (another cipher), TH_ERR_LIMIT (absurd round count). */
enum th_status th_ab_header_parse(const unsigned char *data, size_t len,
                                  const char *name, struct th_ab_header *h,
                                  struct th_err *err);

/* Derives the master key and IV of an encrypted backup. A wrong password
 * gives TH_ERR_PASSWORD, "wrong backup password for '<name>'". The
 * caller wipes mk and iv after use. */
enum th_status th_ab_master_key(const struct th_ab_header *h,
                                const char *password, const char *name,
                                unsigned char mk[32], unsigned char iv[16],
                                struct th_err *err);

struct th_ab_reader;

/* Opens the backup at `path` for reading its tar stream (password may be
 * NULL for unencrypted backups; TH_ERR_PASSWORD when one is needed and
 * missing or wrong). Free with th_ab_reader_free. */
enum th_status th_ab_reader_open(const char *path, const char *password,
                                 struct th_ab_reader **out, struct th_err *err);
void th_ab_reader_free(struct th_ab_reader *r);

const struct th_ab_header *th_ab_reader_header(const struct th_ab_reader *r);

/* Reads up to cap bytes of the tar stream; 0 at the end, -1 on error
 * (message in th_ab_reader_error). */
ssize_t th_ab_reader_read(struct th_ab_reader *r, void *buf, size_t cap);
const char *th_ab_reader_error(const struct th_ab_reader *r);

/* One tar member of a backup, as th_ab_each hands it. */
struct th_ab_member {
	const char *name;
	int64_t size;
	int64_t mtime; /* µs UTC or TH_TIME_NONE */
};

/* Walks the tar members of the backup, calling fn for every regular
 * file; fn may read the member's data with th_ab_member_read during the
 * callback, and returns nonzero to stop. */
struct th_ab_walk;
enum th_status th_ab_each(const char *path, const char *password,
                          int (*fn)(void *ctx, struct th_ab_walk *w,
                                    const struct th_ab_member *m),
                          void *ctx, struct th_err *err);
ssize_t th_ab_member_read(struct th_ab_walk *w, void *buf, size_t cap);
/* After th_ab_member_read returned -1: TH_ERR_NOMEM when that was a
 * failed allocation, else TH_ERR_FORMAT (a damaged stream). */
enum th_status th_ab_member_failed(struct th_ab_walk *w);

/* Whether `path` starts with the "ANDROID BACKUP\n" magic. */
int th_ab_is_backup(const char *path);

/* The same, as 1 or 0, or -1 when it could not look (opening the file
 * failed for want of memory): a bid must not take that for "no". */
int th_ab_probe(const char *path);

#endif
