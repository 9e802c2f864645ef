/*
 * Passwords and keys for encrypted evidence (secret.h): where they come
 * from, how they are kept out of logs, and how they are wiped.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <tracehound/th_backup.h>
#include "secret.h"

#define PASSWORD_MAX 4096
#define ENV_PASSWORD "TRACEHOUND_BACKUP_PASSWORD"

/* The terminal state while a prompt has echo off (signal thread). */
static struct termios saved_tty;
static volatile int tty_saved;

void cli_secret_restore_tty(void)
{
	if (tty_saved)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_tty);
}

/* The first line of `text` as a new string. */
static char *first_line(const char *text, size_t len)
{
	size_t n = 0;
	char *s;

	while (n < len && text[n] != '\n' && text[n] != '\0')
		n++;
	if (n > 0 && text[n - 1] == '\r')
		n--;
	s = malloc(n + 1);
	if (s) {
		memcpy(s, text, n);
		s[n] = '\0';
	}
	return s;
}

/* Up to `max` bytes of a file into buf; -1 with errno on failure. */
static ssize_t read_small(const char *path, char *buf, size_t max)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f)
		return -1;
	n = fread(buf, 1, max, f);
	if (ferror(f)) {
		fclose(f);
		errno = EIO;
		return -1;
	}
	fclose(f);
	return (ssize_t)n;
}

static int password_file(const char *path, char **out)
{
	char buf[PASSWORD_MAX + 1];
	ssize_t n = read_small(path, buf, sizeof(buf));

	if (n < 0) {
		cli_error("cannot read the password file '%s': %s", path,
		          strerror(errno));
		return CLI_EXIT_ERROR;
	}
	*out = first_line(buf, (size_t)n);
	explicit_bzero(buf, sizeof(buf));
	if (!*out || !**out) {
		cli_error("%s '%s'",
		          *out ? "no password in the first line of"
		               : "out of memory reading",
		          path);
		free(*out);
		*out = NULL;
		return CLI_EXIT_ERROR;
	}
	return CLI_EXIT_OK;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static int key_file(const char *path, struct cli_secret *s)
{
	char buf[256];
	ssize_t n = read_small(path, buf, sizeof(buf));
	size_t i, len;
	int ok = n >= 0;

	if (!ok) {
		cli_error("cannot read the key file '%s': %s", path,
		          strerror(errno));
		return CLI_EXIT_ERROR;
	}
	len = (size_t)n;
	while (len > 0 && isspace((unsigned char)buf[len - 1]))
		len--;
	ok = len == 2 * CLI_KEY_LEN;
	for (i = 0; ok && i < CLI_KEY_LEN; i++) {
		ok = hexval(buf[2 * i]) >= 0 && hexval(buf[2 * i + 1]) >= 0;
		if (ok)
			s->key[i] = (unsigned char)(hexval(buf[2 * i]) << 4 |
			                            hexval(buf[2 * i + 1]));
	}
	explicit_bzero(buf, sizeof(buf));
	if (!ok) {
		explicit_bzero(s->key, sizeof(s->key));
		cli_error("'%s' is not a backup key file: expected %d hex "
		          "characters",
		          path, 2 * CLI_KEY_LEN);
		return CLI_EXIT_ERROR;
	}
	s->key_len = CLI_KEY_LEN;
	return CLI_EXIT_OK;
}

/* Asks on the terminal with echo off. */
static int prompt(const char *target, char **out)
{
	char buf[PASSWORD_MAX + 2];
	struct termios t;
	int ok;

	if (tcgetattr(STDIN_FILENO, &t) != 0)
		return CLI_EXIT_OK; /* not a terminal after all */
	saved_tty = t;
	tty_saved = 1;
	t.c_lflag &= ~(tcflag_t)ECHO;
	tcsetattr(STDIN_FILENO, TCSANOW, &t);
	fprintf(stderr, "Password for the encrypted backup '%s': ", target);
	fflush(stderr);
	ok = fgets(buf, sizeof(buf), stdin) != NULL;
	tcsetattr(STDIN_FILENO, TCSANOW, &saved_tty);
	tty_saved = 0;
	fputc('\n', stderr);
	*out = ok ? first_line(buf, strlen(buf)) : NULL;
	explicit_bzero(buf, sizeof(buf));
	if (!*out) {
		cli_error("no password given for '%s'", target);
		return CLI_EXIT_ERROR;
	}
	return CLI_EXIT_OK;
}

/* The password from -p, --password-file or the environment. The -p and
 * environment copies are wiped where they were (/proc/PID/cmdline and
 * environ can be read by the same user). */
static int given_password(const struct cli_opts *o, char **out)
{
	char *env = getenv(ENV_PASSWORD);

	if (o->password) {
		*out = strdup(o->password);
		explicit_bzero((char *)o->password, strlen(o->password));
	} else if (o->password_file) {
		return password_file(o->password_file, out);
	} else if (env && *env) {
		*out = strdup(env);
		explicit_bzero(env, strlen(env));
		unsetenv(ENV_PASSWORD);
	} else {
		return CLI_EXIT_OK;
	}
	if (!*out) {
		cli_error("out of memory");
		return CLI_EXIT_ERROR;
	}
	return CLI_EXIT_OK;
}

int cli_secret_get(const struct cli_opts *o, const char *prompt_for,
                   int read_key, struct cli_secret *s)
{
	int rc;

	memset(s, 0, sizeof(*s));
	if (read_key && o->key_file)
		return key_file(o->key_file, s);
	rc = given_password(o, &s->password);
	if (rc == CLI_EXIT_OK && !s->password && prompt_for &&
	    isatty(STDIN_FILENO))
		rc = prompt(prompt_for, &s->password);
	return rc;
}

int cli_secret_for(const struct cli_opts *o, const char *target,
                   struct cli_secret *s)
{
	return cli_secret_get(
	        o, th_evidence_is_encrypted(target) ? target : NULL, 1, s);
}

void cli_secret_apply(const struct cli_secret *s, struct th_run_options *ro)
{
	ro->password = s->password;
	ro->key = s->key_len ? s->key : NULL;
	ro->key_len = s->key_len;
}

void cli_secret_wipe(struct cli_secret *s)
{
	if (s->password) {
		explicit_bzero(s->password, strlen(s->password));
		free(s->password);
	}
	explicit_bzero(s, sizeof(*s));
}

/* Whether `arg` is -p/--password (or an unambiguous abbreviation)
 * whose value is the next argument. */
static int takes_next(const char *arg)
{
	size_t n = strlen(arg);

	if (strcmp(arg, "-p") == 0)
		return 1;
	return n >= 4 && strncmp(arg, "--password", n) == 0;
}

/* A cluster of short options ("-vp", "-vpSECRET") holding -p. Stops at
 * an option that takes a value: the rest is that value. */
static int short_cluster_has_p(const char *arg)
{
	size_t i;

	if (arg[0] != '-' || arg[1] == '-' || arg[1] == '\0')
		return 0;
	for (i = 1; arg[i]; i++) {
		if (arg[i] == 'p')
			return 1;
		if (strchr("iomjkd", arg[i]))
			return 0;
	}
	return 0;
}

const char *cli_secret_redact(char *const *argv, int i)
{
	const char *a = argv[i];

	if (i > 0 && takes_next(argv[i - 1]))
		return "***";
	if (i > 0 && short_cluster_has_p(argv[i - 1]) &&
	    argv[i - 1][strlen(argv[i - 1]) - 1] == 'p')
		return "***";
	if (strncmp(a, "--password=", 11) == 0 ||
	    (strncmp(a, "--pass", 6) == 0 && strchr(a, '=') &&
	     strncmp(a, "--password-file", 15) != 0))
		return "--password=***";
	if (short_cluster_has_p(a) && a[strlen(a) - 1] != 'p')
		return "-p***";
	return a;
}
