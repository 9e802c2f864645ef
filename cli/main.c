/*
 * tracehound: git-style subcommands dispatched from one table. Each
 * command parses its options with the common parser (options.c) and
 * returns its exit status; only this file calls exit (by returning from
 * main).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static int cmd_help(const struct cli_cmd *cmd, struct cli_opts *o);
static int cmd_version(const struct cli_cmd *cmd, struct cli_opts *o);

#define CHECK_OPTS                                                             \
	(CLI_O_IOCS | CLI_O_OUTPUT | CLI_O_MODULE | CLI_O_HASHES |             \
	 CLI_O_JOBS | CLI_O_VERBOSE | CLI_O_QUIET | CLI_O_JSON)

static const struct cli_cmd commands[] = {
        {"check", cli_cmd_check, CHECK_OPTS, 1, 1, "PATH",
         "check [OPTIONS] PATH",
         "check evidence of any kind tracehound recognises",
         "Every evidence reader bids on PATH and the most confident one is "
         "used.\nWithout -o, the summary and the alerts are printed; with "
         "-o DIR the result\nfiles (MVT layout) are written there too. The "
         "evidence is never modified.\n"},
        {"check-backup", cli_cmd_check, CHECK_OPTS, 1, 1, "PATH",
         "check-backup [OPTIONS] PATH",
         "check an iTunes/Finder iOS backup folder",
         "Like 'check', but reads PATH as an iOS backup (a folder with "
         "Manifest.db\nand Info.plist, or exactly one such subfolder).\n"},
        {"check-iocs", cli_cmd_check,
         CLI_O_IOCS | CLI_O_OUTPUT | CLI_O_MODULE | CLI_O_VERBOSE |
                 CLI_O_QUIET | CLI_O_JSON,
         1, 1, "DIR", "check-iocs [OPTIONS] DIR",
         "re-check a results folder against the indicators loaded now",
         "DIR is a folder of results written by 'tracehound check -o' or by "
         "MVT. Each\n<module>.json found there is read back and that "
         "module's checks run again\nwith the indicators loaded now; the "
         "evidence is not needed. With -o, the\nalerts are written there; "
         "the files of DIR are never rewritten.\n"},
        {"iocs", cli_cmd_iocs,
         CLI_O_IOCS | CLI_O_VERBOSE | CLI_O_QUIET | CLI_O_JSON, 0, 0, NULL,
         "iocs [OPTIONS]", "list the indicator files in use, with their counts",
         "Indicators are loaded from every --iocs FILE|DIR, every entry of "
         "TRACEHOUND_IOCS\n(colon-separated files or folders), and every "
         "*.stix2 file in\n$XDG_DATA_HOME/tracehound/iocs "
         "(default ~/.local/share/tracehound/iocs).\n"},
        {"match", cli_cmd_match,
         CLI_O_IOCS | CLI_O_VERBOSE | CLI_O_QUIET | CLI_O_JSON | CLI_O_TYPE, 1,
         SIZE_MAX, "VALUE", "match [OPTIONS] VALUE...",
         "look domains, URLs, processes, hashes... up in the indicators",
         "Each VALUE is looked up as every kind it could be (a domain, a URL, "
         "a process\nname, a hash...), or only as --type TYPE. Exits 1 when "
         "any value matched,\n0 when none did.\n"},
        {"modules", cli_cmd_modules, CLI_O_JSON, 0, 0, NULL, "modules [--json]",
         "list the check modules and the evidence they read", NULL},
        {"version", cmd_version, 0, 0, 0, NULL, "version", "print the version",
         NULL},
        {"help", cmd_help, 0, 0, 1, "COMMAND", "help [COMMAND]",
         "show the help of tracehound or of one command", NULL},
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

const struct cli_cmd *cli_cmd_find(const char *name)
{
	size_t i;

	for (i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static void print_overview(FILE *f)
{
	size_t i;

	fputs("usage: tracehound COMMAND [OPTIONS] [ARGS]\n\n"
	      "tracehound checks phone evidence (iOS backups) for traces of "
	      "mercenary\nspyware, against STIX2 indicator sets and "
	      "heuristics. It only reads\nevidence; it never touches a "
	      "device.\n\ncommands:\n",
	      f);
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-13s %s\n", commands[i].name,
		        commands[i].summary);
	fputs("\nexit status: 0 nothing found at high or critical level, "
	      "1 at least one\nhigh or critical alert (match: a value "
	      "matched), 2 error or bad usage.\n\n"
	      "See 'tracehound help COMMAND' for the options of a command.\n",
	      f);
}

static int cmd_help(const struct cli_cmd *cmd, struct cli_opts *o)
{
	const struct cli_cmd *which;

	if (o->nargs == 0) {
		print_overview(stdout);
		return CLI_EXIT_OK;
	}
	which = cli_cmd_find(o->args[0]);
	if (!which)
		return cli_usage_error(NULL, "unknown command '%s'",
		                       o->args[0]);
	cli_print_usage(which, stdout);
	return CLI_EXIT_OK;
}

static int cmd_version(const struct cli_cmd *cmd, struct cli_opts *o)
{
	printf("tracehound %s\n", th_version());
	return CLI_EXIT_OK;
}

/* What argv[1] names: a command, or the few global spellings. */
static const char *command_name(const char *arg)
{
	if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0)
		return "help";
	if (strcmp(arg, "-V") == 0 || strcmp(arg, "--version") == 0)
		return "version";
	return arg;
}

/* A write error on stdout (a full disk, a closed pipe) is an error too:
 * a truncated report must not exit 0. */
static int finish(int rc)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		cli_error("cannot write to standard output");
		return CLI_EXIT_ERROR;
	}
	return rc;
}

int main(int argc, char **argv)
{
	const struct cli_cmd *cmd;
	struct cli_opts o = {0};
	const char *name;
	int rc;

	if (argc < 2) {
		print_overview(stderr);
		return CLI_EXIT_ERROR;
	}
	name = command_name(argv[1]);
	if (name[0] == '-')
		return cli_usage_error(NULL, "unknown option '%s'", name);
	cmd = cli_cmd_find(name);
	if (!cmd)
		return cli_usage_error(NULL, "unknown command '%s'", name);
	o.command_line = cli_join_argv(argc, argv);
	if (!o.command_line) {
		cli_error("out of memory");
		return CLI_EXIT_ERROR;
	}
	rc = cli_opts_parse(cmd, argc - 1, argv + 1, &o);
	if (rc == CLI_EXIT_OK && o.help)
		cli_print_usage(cmd, stdout);
	else if (rc == CLI_EXIT_OK)
		rc = cmd->run(cmd, &o);
	cli_opts_free(&o);
	return finish(rc);
}
