/*
 * The options every command shares, parsed with getopt_long. A command
 * lists the options it accepts (struct cli_cmd.opts); any other option
 * is unknown to it. Options may come before or after the operands.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "secret.h"

#define MAX_JOBS 1024

enum { OPT_JSON = 256, OPT_TYPE };
enum { OPT_PASSWORD_FILE = 400 };
enum { OPT_FAST = 320 };
enum { OPT_TIMEZONE = 330 };
enum { OPT_MAXSIZE = 340 };
enum { OPT_MAXEXTRACT = 350 };

struct opt_desc {
	const char *name;
	int val; /* short letter, or OPT_* for long-only options */
	int has_arg;
	unsigned bit; /* enum cli_opt; 0: every command */
	const char *arg;
	const char *help;
};

static const struct opt_desc descs[] = {
        {"iocs", 'i', required_argument, CLI_O_IOCS, "FILE|DIR",
         "STIX2 indicator file or folder (repeatable)"},
        {"output", 'o', required_argument, CLI_O_OUTPUT, "DIR",
         "write the result files into DIR"},
        {"module", 'm', required_argument, CLI_O_MODULE, "SLUG",
         "run only this module (repeatable)"},
        {"hashes", 'H', no_argument, CLI_O_HASHES, NULL,
         "SHA-256 of every input file into info.json"},
        {"jobs", 'j', required_argument, CLI_O_JOBS, "N",
         "worker threads (default 0: one per core)"},
        {"verbose", 'v', no_argument, CLI_O_VERBOSE, NULL,
         "show more (-v info, -vv debug)"},
        {"quiet", 'q', no_argument, CLI_O_QUIET, NULL,
         "show only errors and the results"},
        {"json", OPT_JSON, no_argument, CLI_O_JSON, NULL,
         "print a machine-readable summary on stdout"},
        {"type", OPT_TYPE, required_argument, CLI_O_TYPE, "TYPE",
         "look values up only as TYPE (default: all likely)"},
        {"fast", OPT_FAST, no_argument, CLI_O_FAST, NULL,
         "skip the slow checks (dump-wide name searches)"},
        {"timezone", OPT_TIMEZONE, required_argument, CLI_O_TIMEZONE, "TZ",
         "device-local times in evidence are in TZ (UTC, +HH:MM)"},
        {"max-artifact-size", OPT_MAXSIZE, required_argument, CLI_O_MAXSIZE,
         "SIZE", "read artifacts up to SIZE (64M, 2G; default per artifact)"},
        {"max-extract", OPT_MAXEXTRACT, required_argument, CLI_O_MAXSIZE,
         "SIZE", "write at most SIZE in all to temp folders (default 16G)"},
        {"password", 'p', required_argument, CLI_O_SECRET, "PASS",
         "backup password (others may see it: prefer a file)"},
        {"password-file", OPT_PASSWORD_FILE, required_argument, CLI_O_SECRET,
         "FILE", "read the backup password from FILE's first line"},
        {"key-file", 'k', required_argument, CLI_O_SECRET, "FILE",
         "derived backup key, 64 hex (extract-key: output)"},
        {"destination", 'd', required_argument, CLI_O_DEST, "DIR",
         "write the decrypted backup into DIR"},
        {"help", 'h', no_argument, 0, NULL, "show this help"},
};

#define NDESCS (sizeof(descs) / sizeof(descs[0]))

static void vmessage(const char *prefix, const char *fmt, va_list ap)
{
	char line[4096];

	vsnprintf(line, sizeof(line), fmt, ap);
	fprintf(stderr, "tracehound: %s%s\n", prefix, line);
}

void cli_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage("", fmt, ap);
	va_end(ap);
}

void cli_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage("warning: ", fmt, ap);
	va_end(ap);
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage("", fmt, ap);
	va_end(ap);
	fprintf(stderr, "see 'tracehound help%s%s'\n", cmd ? " " : "",
	        cmd ? cmd : "");
	return CLI_EXIT_ERROR;
}

static int accepts(const struct cli_cmd *cmd, const struct opt_desc *d)
{
	return d->bit == 0 || (cmd->opts & d->bit) != 0;
}

/* The getopt tables for cmd's options only. */
static void build_tables(const struct cli_cmd *cmd, struct option *lo,
                         char *shorts, size_t size)
{
	size_t i, n = 0, s = 0;

	shorts[s++] = ':'; /* report a missing value as ':' */
	for (i = 0; i < NDESCS; i++) {
		if (!accepts(cmd, &descs[i]))
			continue;
		lo[n++] = (struct option){descs[i].name, descs[i].has_arg, NULL,
		                          descs[i].val};
		if (descs[i].val < 256 && s + 3 < size) {
			shorts[s++] = (char)descs[i].val;
			if (descs[i].has_arg)
				shorts[s++] = ':';
		}
	}
	lo[n] = (struct option){0};
	shorts[s] = '\0';
}

static int parse_jobs(const char *cmd, const char *arg, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v < 0 || v > MAX_JOBS)
		return cli_usage_error(cmd,
		                       "invalid --jobs value '%s' (expected a "
		                       "number from 0 to %d)",
		                       arg, MAX_JOBS);
	*out = (int)v;
	return CLI_EXIT_OK;
}

static int apply(const struct cli_cmd *cmd, int c, struct cli_opts *o)
{
	switch (c) {
	case 'i':
		o->iocs[o->niocs++] = optarg;
		return CLI_EXIT_OK;
	case 'o':
		o->output = optarg;
		return CLI_EXIT_OK;
	case 'm':
		o->modules[o->nmodules++] = optarg;
		return CLI_EXIT_OK;
	case 'H':
		o->hashes = 1;
		return CLI_EXIT_OK;
	case 'j':
		return parse_jobs(cmd->name, optarg, &o->jobs);
	case 'v':
		o->verbose++;
		return CLI_EXIT_OK;
	case 'q':
		o->quiet = 1;
		return CLI_EXIT_OK;
	case OPT_JSON:
		o->json = 1;
		return CLI_EXIT_OK;
	case OPT_TYPE:
		o->type = optarg;
		return CLI_EXIT_OK;
	case 'h':
		o->help = 1;
		return CLI_EXIT_OK;
	case 'p':
		o->password = optarg;
		return CLI_EXIT_OK;
	case OPT_PASSWORD_FILE:
		o->password_file = optarg;
		return CLI_EXIT_OK;
	case 'k':
		o->key_file = optarg;
		return CLI_EXIT_OK;
	case 'd':
		o->dest = optarg;
		return CLI_EXIT_OK;
	case OPT_FAST:
		o->fast = 1;
		return CLI_EXIT_OK;
	case OPT_TIMEZONE:
		o->timezone = optarg;
		return CLI_EXIT_OK;
	case OPT_MAXSIZE:
		if (th_size_parse(optarg, &o->max_artifact_size) == TH_OK)
			return CLI_EXIT_OK;
		return cli_usage_error(cmd->name,
		                       "invalid --max-artifact-size '%s' "
		                       "(expected a size such as 512M or 4G)",
		                       optarg);
	case OPT_MAXEXTRACT:
		if (th_size_parse(optarg, &o->max_extract) == TH_OK)
			return CLI_EXIT_OK;
		return cli_usage_error(cmd->name,
		                       "invalid --max-extract '%s' (expected a "
		                       "size such as 2G or 64G)",
		                       optarg);
	}
	return CLI_EXIT_ERROR;
}

/* getopt's '?' and ':' as one usage line naming the option. */
static int bad_option(const struct cli_cmd *cmd, int c, char **argv)
{
	const char *arg = argv[optind - 1];

	if (c == ':')
		return cli_usage_error(cmd->name, "option '%s' needs a value",
		                       arg);
	if (optopt > 0 && optopt < 256)
		return cli_usage_error(cmd->name, "unknown option '-%c'",
		                       optopt);
	return cli_usage_error(cmd->name, "unknown option '%s'", arg);
}

static int check_operands(const struct cli_cmd *cmd, struct cli_opts *o)
{
	if (o->help)
		return CLI_EXIT_OK;
	if (o->nargs < cmd->min_args)
		return cli_usage_error(cmd->name, "%s: missing %s", cmd->name,
		                       cmd->operand);
	if (o->nargs > cmd->max_args)
		return cli_usage_error(cmd->name,
		                       "%s: unexpected argument '%s'",
		                       cmd->name, o->args[cmd->max_args]);
	return CLI_EXIT_OK;
}

int cli_opts_parse(const struct cli_cmd *cmd, int argc, char **argv,
                   struct cli_opts *o)
{
	struct option lo[NDESCS + 1];
	char shorts[2 * NDESCS + 2];
	size_t n = (size_t)argc;
	int c, rc = CLI_EXIT_OK;

	o->iocs = calloc(n, sizeof(*o->iocs));
	o->modules = calloc(n, sizeof(*o->modules));
	if (!o->iocs || !o->modules) {
		cli_error("out of memory");
		return CLI_EXIT_ERROR;
	}
	build_tables(cmd, lo, shorts, sizeof(shorts));
	opterr = 0;
	optind = 1;
	while (rc == CLI_EXIT_OK &&
	       (c = getopt_long(argc, argv, shorts, lo, NULL)) != -1) {
		if (c == '?' || c == ':')
			rc = bad_option(cmd, c, argv);
		else
			rc = apply(cmd, c, o);
	}
	if (rc != CLI_EXIT_OK)
		return rc;
	o->args = argv + optind;
	o->nargs = (size_t)(argc - optind);
	return check_operands(cmd, o);
}

void cli_opts_free(struct cli_opts *o)
{
	free(o->iocs);
	free(o->modules);
	free(o->command_line);
	memset(o, 0, sizeof(*o));
}

static int shell_safe(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWX"
		            "YZ"
		            "0123456789_@%+=:,./-",
		            *s))
			return 0;
	return 1;
}

/* Appends s to buf at *len, single-quoted when the shell needs it. The
 * caller sized buf for the worst case (4 bytes per byte plus 3). */
static void append_word(char *buf, size_t *len, const char *s)
{
	size_t n = *len;

	if (shell_safe(s)) {
		memcpy(buf + n, s, strlen(s));
		*len = n + strlen(s);
		return;
	}
	buf[n++] = '\'';
	for (; *s; s++) {
		if (*s == '\'') {
			memcpy(buf + n, "'\\''", 4);
			n += 4;
		} else {
			buf[n++] = *s;
		}
	}
	buf[n++] = '\'';
	*len = n;
}

char *cli_join_argv(int argc, char *const *argv)
{
	size_t size = 1, len = 0;
	char *buf;
	int i;

	for (i = 0; i < argc; i++) {
		if (strlen(argv[i]) > (SIZE_MAX - size) / 4 - 4)
			return NULL;
		size += 4 * strlen(argv[i]) + 3;
	}
	buf = malloc(size);
	if (!buf)
		return NULL;
	for (i = 0; i < argc; i++) {
		if (i > 0)
			buf[len++] = ' ';
		/* Passwords never reach command.log or info.json. */
		append_word(buf, &len, cli_secret_redact(argv, i));
	}
	buf[len] = '\0';
	return buf;
}

static void print_option(const struct opt_desc *d, FILE *f)
{
	char head[64];

	if (d->val < 256)
		snprintf(head, sizeof(head), "-%c, --%s%s%s", d->val, d->name,
		         d->arg ? " " : "", d->arg ? d->arg : "");
	else
		snprintf(head, sizeof(head), "    --%s%s%s", d->name,
		         d->arg ? " " : "", d->arg ? d->arg : "");
	fprintf(f, "  %-22s %s\n", head, d->help);
}

/* The --type names, wrapped to 80 columns. */
static void print_types(FILE *f)
{
	const char *name;
	size_t i, col = 80;

	fputs("\ntypes:", f);
	for (i = 0; i < TH_MATCH_TYPE_COUNT; i++) {
		name = th_match_type_name((enum th_match_type)i);
		if (col + strlen(name) + 2 > 78) {
			fputs(i ? ",\n " : "\n ", f);
			col = 1;
		} else if (i) {
			fputc(',', f);
			col++;
		}
		col += (size_t)fprintf(f, " %s", name);
	}
	fputc('\n', f);
}

void cli_print_usage(const struct cli_cmd *cmd, FILE *f)
{
	size_t i;

	fprintf(f, "usage: tracehound %s\n\n%s\n", cmd->synopsis, cmd->summary);
	if (cmd->details)
		fprintf(f, "\n%s", cmd->details);
	fputs("\noptions:\n", f);
	for (i = 0; i < NDESCS; i++)
		if (accepts(cmd, &descs[i]))
			print_option(&descs[i], f);
	if (cmd->opts & CLI_O_TYPE)
		print_types(f);
}
