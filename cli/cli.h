/*
 * The tracehound command: shared declarations of the command table, the
 * option parser, indicator loading and terminal helpers. The CLI uses
 * only the public headers; it is the one place that prints or exits.
 */
#ifndef TH_CLI_H
#define TH_CLI_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <tracehound/tracehound.h>

/* Exit statuses, as DESIGN.md: clean, high or critical alert, error. */
#define CLI_EXIT_OK    0
#define CLI_EXIT_FOUND 1
#define CLI_EXIT_ERROR 2

/* The options a command accepts, as bits of struct cli_cmd.opts. */
enum cli_opt {
	CLI_O_IOCS = 1u << 0,
	CLI_O_OUTPUT = 1u << 1,
	CLI_O_MODULE = 1u << 2,
	CLI_O_HASHES = 1u << 3,
	CLI_O_JOBS = 1u << 4,
	CLI_O_VERBOSE = 1u << 5,
	CLI_O_QUIET = 1u << 6,
	CLI_O_JSON = 1u << 7,
	CLI_O_TYPE = 1u << 8,
	CLI_O_SECRET = 1u << 20,   /* -p, --password-file, -k (secret.h) */
	CLI_O_DEST = 1u << 21,     /* -d DEST (decrypt-backup) */
	CLI_O_FAST = 1u << 13,     /* --fast: skip the slow checks */
	CLI_O_TIMEZONE = 1u << 14, /* --timezone: device-local times */
	CLI_O_MAXSIZE = 1u << 15   /* --max-artifact-size */
};

/* What the command line said. Strings point into argv; the arrays are
 * owned (cli_opts_free). */
struct cli_opts {
	const char **iocs; /* every -i, in order */
	size_t niocs;
	const char *output;
	const char **modules; /* every -m, in order */
	size_t nmodules;
	int hashes;
	int jobs;
	int verbose;
	int quiet;
	int json;
	const char *type;
	const char *password;      /* -p (wiped once read: secret.h) */
	const char *password_file; /* --password-file */
	const char *key_file;      /* -k */
	const char *dest;          /* -d */
	int fast;
	const char *timezone; /* --timezone */
	/* --max-artifact-size; 0: each reader's default */
	uint64_t max_artifact_size;
	uint64_t max_extract; /* --max-extract; 0: the library's 16 GiB */
	int help;
	char **args; /* the operands (PATH, VALUE...) */
	size_t nargs;
	char *command_line; /* argv joined, shell-quoted (malloc'ed) */
};

struct cli_cmd {
	const char *name;
	/* Returns the exit status. */
	int (*run)(const struct cli_cmd *cmd, struct cli_opts *o);
	unsigned opts; /* enum cli_opt bits */
	size_t min_args;
	size_t max_args;      /* SIZE_MAX: no limit */
	const char *operand;  /* "PATH", "VALUE": for usage errors */
	const char *synopsis; /* "check [OPTIONS] PATH" */
	const char *summary;  /* one line, for 'tracehound help' */
	const char *details;  /* more text for 'tracehound help CMD' */
};

/* main.c: the command table. */
const struct cli_cmd *cli_cmd_find(const char *name);

/* options.c */
/* Parses argv (argv[0] is the command name) into o for cmd. Returns 0,
 * or CLI_EXIT_ERROR after printing the usage error. */
int cli_opts_parse(const struct cli_cmd *cmd, int argc, char **argv,
                   struct cli_opts *o);
void cli_opts_free(struct cli_opts *o);
/* argv joined and shell-quoted, malloc'ed; NULL when out of memory. */
char *cli_join_argv(int argc, char *const *argv);
/* Prints a command's usage text. */
void cli_print_usage(const struct cli_cmd *cmd, FILE *f);

/* "tracehound: <msg>" on stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "tracehound: warning: <msg>" on stderr. */
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* cli_error plus the help hint; returns CLI_EXIT_ERROR. `cmd` may be
 * NULL for the general help. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

/* indicators.c */
struct cli_iocs {
	struct th_iocs *set; /* never NULL after a successful load */
	size_t tried;        /* paths handed to th_iocs_load */
	size_t failed;       /* of which some failed */
};
/*
 * Loads indicators from every --iocs, every TRACEHOUND_IOCS entry and the
 * user's indicator folder, warning about each error unless quiet. Returns
 * 0 or CLI_EXIT_ERROR (out of memory).
 */
int cli_iocs_load(const struct cli_opts *o, struct cli_iocs *out);
void cli_iocs_free(struct cli_iocs *c);
/* The user's indicator folder (malloc'ed), or NULL with no home. */
char *cli_iocs_user_dir(void);
/* The collections of an indicator, deduplicated, as a JSON array. */
json_t *cli_ioc_collections(const struct th_ioc *ioc);
/* Writes "A, B, C" into buf (truncated with "..."). */
void cli_ioc_collections_str(const struct th_ioc *ioc, char *buf, size_t size);

/* term.c */
enum cli_colour { CLI_NONE, CLI_RED, CLI_YELLOW, CLI_CYAN, CLI_BOLD };
/* Whether f gets ANSI colours: a terminal and no NO_COLOR. */
int cli_colour_ok(FILE *f);
const char *cli_colour_on(int enabled, enum cli_colour c);
const char *cli_colour_off(int enabled);
/* "YYYY-MM-DD HH:MM:SS.ffffff" UTC, or "" for TH_TIME_NONE. */
void cli_time_format(int64_t t, char buf[32]);
/* Prints a JSON value to stdout with a newline; CLI_EXIT_ERROR when it
 * could not be written. */
int cli_json_print(json_t *value);
/* A JSON string of s (null for NULL), bytes that are not UTF-8 replaced
 * by '?'. NULL when out of memory. */
json_t *cli_json_string(const char *s);
/* "s" unless n is 1. */
const char *cli_plural(size_t n);

/* check_print.c: what a finished run found. */
struct cli_check_summary {
	const char *target;
	const char *output; /* -o DIR, or NULL */
	size_t indicators;  /* distinct indicators loaded */
	size_t ioc_files;
};
void cli_check_print_text(const struct th_run *run,
                          const struct cli_check_summary *sum);
int cli_check_print_json(const struct th_run *run,
                         const struct cli_check_summary *sum);

/* The commands. */
int cli_cmd_check(const struct cli_cmd *cmd, struct cli_opts *o);
int cli_cmd_iocs(const struct cli_cmd *cmd, struct cli_opts *o);
int cli_cmd_match(const struct cli_cmd *cmd, struct cli_opts *o);
int cli_cmd_modules(const struct cli_cmd *cmd, struct cli_opts *o);
int cli_cmd_decrypt(const struct cli_cmd *cmd, struct cli_opts *o);
int cli_cmd_extract_key(const struct cli_cmd *cmd, struct cli_opts *o);

#endif
