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
#include "secret.h"

static int cmd_help(const struct cli_cmd *cmd, struct cli_opts *o);
static int cmd_version(const struct cli_cmd *cmd, struct cli_opts *o);

#define CHECK_OPTS                                                             \
	(CLI_O_IOCS | CLI_O_OUTPUT | CLI_O_MODULE | CLI_O_HASHES |             \
	 CLI_O_JOBS | CLI_O_VERBOSE | CLI_O_QUIET | CLI_O_JSON | CLI_O_FAST |  \
	 CLI_O_TIMEZONE | CLI_O_SECRET | CLI_O_MAXSIZE)

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
        {"check-fs", cli_cmd_check, CHECK_OPTS, 1, 1, "PATH",
         "check-fs [OPTIONS] PATH",
         "check an iOS filesystem dump (folder, .tar, .tar.gz or .zip)",
         "Like 'check', but reads PATH as an iOS filesystem dump: a folder "
         "holding\nprivate/var/..., or an archive of one, read in one "
         "streamed pass (never\nunpacked as a whole). Symbolic links are not "
         "followed out of the dump.\n"},
        {"check-sysdiagnose", cli_cmd_check, CHECK_OPTS, 1, 1, "PATH",
         "check-sysdiagnose [OPTIONS] PATH",
         "check an iOS sysdiagnose archive or its extracted folder",
         "Like 'check', but reads PATH as a sysdiagnose: a "
         "sysdiagnose_*.tar.gz,\nread in one streamed pass for every module, "
         "or its extracted folder.\n"},
        {"check-androidqf", cli_cmd_check, CHECK_OPTS, 1, 1, "PATH",
         "check-androidqf [OPTIONS] PATH",
         "check an androidqf acquisition (folder or .zip)",
         "Like 'check', but reads PATH as an androidqf acquisition, read in "
         "place.\nA nested bugreport.zip, backup.ab or intrusion_logs/ is "
         "checked in the\nsame run.\n"},
        {"check-bugreport", cli_cmd_check, CHECK_OPTS, 1, 1, "PATH",
         "check-bugreport [OPTIONS] PATH",
         "check an Android bugreport (.zip or folder)",
         "Like 'check', but reads PATH as an Android bugreport; its dumpsys "
         "is split\ninto sections once for every module.\n"},
        {"check-android-backup", cli_cmd_check, CHECK_OPTS, 1, 1, "PATH",
         "check-android-backup [OPTIONS] PATH",
         "check an Android backup (.ab, also encrypted) or its folder",
         "Like 'check', but reads PATH as an Android backup: an .ab file "
         "(versions 1-5,\ncompressed or not, AES-256 with the backup "
         "password) read as a stream, or\nits extracted folder.\n"},
        {"check-intrusion-logs", cli_cmd_check, CHECK_OPTS, 1, 1, "PATH",
         "check-intrusion-logs [OPTIONS] PATH",
         "check Android intrusion logs (folder or .zip of NDJSON files)",
         "Like 'check', but reads PATH as Android 16 intrusion logs: a "
         "folder or .zip\n(zips may nest) of NDJSON .txt files. Events "
         "found in several files count\nonce. --timezone says how "
         "device-local times are read.\n"},
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
        {"decrypt-backup", cli_cmd_decrypt,
         CLI_O_SECRET | CLI_O_DEST | CLI_O_HASHES | CLI_O_JOBS | CLI_O_VERBOSE |
                 CLI_O_QUIET,
         1, 1, "BACKUP",
         "decrypt-backup -d DEST [-p PASSWORD|--password-file FILE|-k KEY] "
         "BACKUP",
         "write a decrypted copy of an encrypted iOS backup",
         "DEST gets a plain backup (Manifest.db, the plists, xx/fileID "
         "files) that\n'tracehound check' and MVT read. DEST must not be "
         "inside the evidence.\nWithout -p, --password-file or -k, the "
         "password comes from\nTRACEHOUND_BACKUP_PASSWORD, or is asked "
         "for when standard input is a\nterminal. With --hashes, "
         "DEST/info.json holds the SHA-256 of every\nencrypted input and "
         "decrypted output.\n"},
        {"extract-key", cli_cmd_extract_key, CLI_O_SECRET | CLI_O_QUIET, 1, 1,
         "BACKUP",
         "extract-key [-p PASSWORD|--password-file FILE] [-k OUT] "
         "BACKUP",
         "derive the key of an encrypted iOS backup (for --key-file)",
         "Derives the backup key from the password (the slow step of "
         "opening an\nencrypted backup) and prints it as 64 hex characters, "
         "or writes it to OUT\n(mode 0600). Later runs take it with -k "
         "and skip the derivation.\n"},
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
	/* Before any thread: an interrupt removes decrypted temp files. */
	cli_signals_start();
	rc = cli_opts_parse(cmd, argc - 1, argv + 1, &o);
	if (rc == CLI_EXIT_OK && o.help)
		cli_print_usage(cmd, stdout);
	else if (rc == CLI_EXIT_OK)
		rc = cmd->run(cmd, &o);
	cli_opts_free(&o);
	return finish(rc);
}
