/*
 * Encrypted iOS backups outside a check: deriving the backup key
 * (extract-key) and writing a decrypted copy (decrypt-backup). Messages
 * go into the caller's buffer (errbuf, errlen), one line naming the path.
 * Passwords and keys are never logged or written, and the library wipes
 * its own copies; the caller wipes the ones it passed.
 */
#ifndef TH_BACKUP_H
#define TH_BACKUP_H

#include <stddef.h>
#include <stdint.h>
#include "th_run.h"
#include "th_status.h"

#define TH_BACKUP_KEY_LEN 32

/* Whether `path` is (or holds exactly one) encrypted iOS backup. */
int th_backup_is_encrypted(const char *path);

/* Whether checking `path` needs a password: an encrypted iOS backup, an
 * AES-256 Android backup (.ab), or an androidqf folder holding one. */
int th_evidence_is_encrypted(const char *path);

/*
 * Derives the key of the encrypted backup at `path` from `password` and
 * checks it unlocks the keybag. TH_ERR_PASSWORD ("wrong backup
 * password"), TH_ERR_USAGE (not an encrypted backup), TH_ERR_FORMAT
 * (damaged keybag), TH_ERR_IO.
 */
enum th_status th_backup_extract_key(const char *path, const char *password,
                                     unsigned char key[TH_BACKUP_KEY_LEN],
                                     char *errbuf, size_t errlen);

struct th_decrypt_options {
	const char *target; /* the encrypted backup (read only) */
	const char *dest;   /* new plain backup; not inside target */
	const char *password;
	const unsigned char *key; /* or the derived key (key_len 32) */
	size_t key_len;
	int jobs;   /* threads; 0: one per core */
	int hashes; /* DEST/info.json with SHA-256 of inputs and outputs */
	const char *command_line; /* for info.json */
	th_log_fn log; /* one warning per file that cannot be decrypted */
	void *log_ctx;
};

struct th_decrypt_stats {
	uint64_t files;  /* stored files decrypted */
	uint64_t failed; /* stored files that could not be (logged) */
	uint64_t bytes;  /* encrypted bytes read */
};

/*
 * Writes a plain backup into opt->dest (created, mode 0700; it must not
 * hold a Manifest.db): Manifest.db decrypted, Info.plist, Status.plist
 * and Manifest.plist copied unchanged (as MVT does: readers see that
 * Manifest.db is plain SQLite), and every stored file decrypted to
 * <xx>/<fileID> on all cores. A file that fails is logged and counted;
 * the others are still written. TH_ERR_USAGE (not encrypted, DEST inside
 * the evidence or already a backup), TH_ERR_PASSWORD, TH_ERR_IO, ...
 */
enum th_status th_backup_decrypt(const struct th_decrypt_options *opt,
                                 struct th_decrypt_stats *stats, char *errbuf,
                                 size_t errlen);

#endif
