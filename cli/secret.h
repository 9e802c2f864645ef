/*
 * Backup passwords and keys on the command line: -p/--password,
 * --password-file FILE, TRACEHOUND_BACKUP_PASSWORD, a prompt without echo
 * when standard input is a terminal, and -k/--key-file FILE (64 hex
 * characters). Shared by every command that opens encrypted evidence
 * (iOS backups, Android .ab). Secrets are never printed, are kept out of
 * the recorded command line (cli_secret_redact), and are wiped after use.
 */
#ifndef TH_CLI_SECRET_H
#define TH_CLI_SECRET_H

#include <stddef.h>
#include <tracehound/th_run.h>
#include "cli.h"

#define CLI_KEY_LEN 32

struct cli_secret {
	char *password; /* malloc'ed, or NULL */
	unsigned char key[CLI_KEY_LEN];
	size_t key_len; /* 0 or CLI_KEY_LEN */
};

/*
 * Fills s from the options, in this order: -k FILE (when read_key),
 * -p, --password-file, TRACEHOUND_BACKUP_PASSWORD (then removed from the
 * environment), and last a prompt naming `prompt_for` when it is not
 * NULL and standard input is a terminal. The -p value is wiped from
 * argv. Returns CLI_EXIT_OK, or CLI_EXIT_ERROR after printing why.
 */
int cli_secret_get(const struct cli_opts *o, const char *prompt_for,
                   int read_key, struct cli_secret *s);

/* cli_secret_get with a prompt only when `target` is an encrypted
 * backup. */
int cli_secret_for(const struct cli_opts *o, const char *target,
                   struct cli_secret *s);

/* Hands the secret to a run (not copied: keep s alive). */
void cli_secret_apply(const struct cli_secret *s, struct th_run_options *ro);

/* Wipes and frees. */
void cli_secret_wipe(struct cli_secret *s);

/* argv[i] as the recorded command line may show it: the value of a
 * password option becomes "***". */
const char *cli_secret_redact(char *const *argv, int i);

/* Restores the terminal if a prompt was interrupted. Signal thread. */
void cli_secret_restore_tty(void);

/* Starts the thread that, on SIGINT, SIGTERM or SIGHUP, removes the
 * library's temporary folders (decrypted files) and ends the program
 * with that signal. Call before any other thread starts. */
void cli_signals_start(void);

#endif
