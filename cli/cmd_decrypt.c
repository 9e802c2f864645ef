/*
 * tracehound decrypt-backup and extract-key: a plain copy of an
 * encrypted iOS backup, and its derived key for later --key-file runs.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <tracehound/th_backup.h>
#include "secret.h"

static void log_line(void *ctx, enum th_log_level level, const char *module,
                     const char *message)
{
	const struct cli_opts *o = ctx;

	if (level >= TH_LOG_WARN && !(o->quiet && level < TH_LOG_ERROR))
		cli_warn("%s", message);
}

static void print_done(const struct cli_opts *o,
                       const struct th_decrypt_stats *st)
{
	if (o->quiet)
		return;
	printf("decrypted %llu file%s (%.1f MB) from '%s' into '%s'\n",
	       (unsigned long long)st->files, st->files == 1 ? "" : "s",
	       (double)st->bytes / 1e6, o->args[0], o->dest);
	if (o->hashes)
		printf("SHA-256 of inputs and outputs: %s/info.json\n",
		       o->dest);
}

int cli_cmd_decrypt(const struct cli_cmd *cmd, struct cli_opts *o)
{
	struct th_decrypt_options d = {0};
	struct th_decrypt_stats st;
	struct cli_secret sec;
	char msg[1024] = "";
	int rc;

	if (!o->dest)
		return cli_usage_error(cmd->name, "%s: missing -d DEST",
		                       cmd->name);
	rc = cli_secret_for(o, o->args[0], &sec);
	if (rc != CLI_EXIT_OK)
		return rc;
	d.target = o->args[0];
	d.dest = o->dest;
	d.password = sec.password;
	d.key = sec.key_len ? sec.key : NULL;
	d.key_len = sec.key_len;
	d.jobs = o->jobs;
	d.hashes = o->hashes;
	d.command_line = o->command_line;
	d.log = log_line;
	d.log_ctx = o;
	if (th_backup_decrypt(&d, &st, msg, sizeof(msg)) != TH_OK) {
		cli_error("%s", msg[0] ? msg : "cannot decrypt the backup");
		rc = CLI_EXIT_ERROR;
	} else if (st.failed) {
		print_done(o, &st);
		cli_error("%llu file%s could not be decrypted (see above)",
		          (unsigned long long)st.failed,
		          st.failed == 1 ? "" : "s");
		rc = CLI_EXIT_ERROR;
	} else {
		print_done(o, &st);
	}
	cli_secret_wipe(&sec);
	return rc;
}

/* Whether the folder that would hold `file` is inside `evidence`. */
static int inside_evidence(const char *file, const char *evidence)
{
	char dir[PATH_MAX], rd[PATH_MAX], re[PATH_MAX];
	const char *slash = strrchr(file, '/');
	size_t n;

	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - file + 1),
		         file);
	if (!realpath(dir, rd) || !realpath(evidence, re))
		return 0;
	n = strlen(re);
	return strncmp(rd, re, n) == 0 && (rd[n] == '\0' || rd[n] == '/');
}

static int write_key(const char *path, const char *evidence, const char *hex)
{
	int fd, ok;

	if (inside_evidence(path, evidence)) {
		cli_error("cannot write '%s': it is inside the evidence '%s'",
		          path, evidence);
		return CLI_EXIT_ERROR;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		cli_error("cannot create '%s': %s", path, strerror(errno));
		return CLI_EXIT_ERROR;
	}
	ok = write(fd, hex, strlen(hex)) == (ssize_t)strlen(hex) &&
	     write(fd, "\n", 1) == 1;
	ok = close(fd) == 0 && ok;
	if (!ok) {
		cli_error("cannot write '%s': %s", path, strerror(errno));
		unlink(path);
		return CLI_EXIT_ERROR;
	}
	return CLI_EXIT_OK;
}

int cli_cmd_extract_key(const struct cli_cmd *cmd, struct cli_opts *o)
{
	unsigned char key[TH_BACKUP_KEY_LEN];
	char hex[2 * TH_BACKUP_KEY_LEN + 1], msg[1024] = "";
	struct cli_secret sec;
	size_t i;
	int rc;

	rc = cli_secret_get(o, o->args[0], 0, &sec);
	if (rc != CLI_EXIT_OK)
		return rc;
	if (th_backup_extract_key(o->args[0], sec.password, key, msg,
	                          sizeof(msg)) != TH_OK) {
		cli_error("%s", msg[0] ? msg : "cannot derive the key");
		cli_secret_wipe(&sec);
		return CLI_EXIT_ERROR;
	}
	cli_secret_wipe(&sec);
	for (i = 0; i < TH_BACKUP_KEY_LEN; i++)
		snprintf(hex + 2 * i, 3, "%02x", key[i]);
	explicit_bzero(key, sizeof(key));
	if (o->key_file) {
		rc = write_key(o->key_file, o->args[0], hex);
		if (rc == CLI_EXIT_OK && !o->quiet)
			printf("key written to '%s'\n", o->key_file);
	} else {
		printf("%s\n", hex);
	}
	explicit_bzero(hex, sizeof(hex));
	return rc;
}
