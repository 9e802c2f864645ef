/*
 * th-gen: writes synthetic evidence for the demo, tests and benchmarks.
 *   th-gen backup DIR [--infected|--clean] [--rows N] [--seed N]
 * Exit status: 0 written, 2 error or bad usage (one line on stderr).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"
#include "gen_android.h"
#include "gen_fs.h"
/* th-gen is built without lib/ on its include path. */
#include "core/err.h"

static const char usage[] =
        "usage: th-gen backup DIR [--infected|--clean] [--rows N] "
        "[--seed N]\n"
        "       th-gen encrypt PLAIN DIR PASSWORD [--real-kdf]\n"
        "       th-gen fs DIR|FILE.tar.gz [--files N] [--safe]\n"
        "       th-gen sysdiagnose FILE.tar.gz|DIR [--pad-mb N] [--safe]\n"
        "       th-gen androidqf DIR [--infected|--clean]\n"
        "       th-gen help\n"
        "\n"
        "Writes a synthetic unencrypted iOS backup into DIR. --infected\n"
        "plants Pegasus-like traces; both kinds hold look-alikes that must\n"
        "not alert. --rows adds N benign Manifest rows (default 0), --seed\n"
        "picks the filler and device identifiers (default 1).\n";

static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int fail(const char *fmt, ...)
{
	va_list ap;

	fputs("th-gen: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 2;
}

static int parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	char *end = NULL;
	unsigned long long v;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v > max)
		return -1;
	*out = v;
	return 0;
}

/* Fills opt from argv[3..]; returns 0, or 2 after printing why. */
static int parse_opts(int argc, char **argv, struct th_gen_backup_opts *opt)
{
	uint64_t v;
	int i;

	for (i = 3; i < argc; i++) {
		if (!strcmp(argv[i], "--infected")) {
			opt->infected = 1;
		} else if (!strcmp(argv[i], "--clean")) {
			opt->infected = 0;
		} else if (!strcmp(argv[i], "--rows") ||
		           !strcmp(argv[i], "--seed")) {
			if (parse_u64(i + 1 < argc ? argv[i + 1] : NULL,
			              argv[i][2] == 'r' ? TH_GEN_ROWS_MAX
			                                : UINT64_MAX,
			              &v) != 0)
				return fail("%s needs a number in range",
				            argv[i]);
			if (argv[i][2] == 'r')
				opt->rows = (size_t)v;
			else
				opt->seed = v;
			i++;
		} else {
			return fail("unknown option '%s' (try: th-gen help)",
			            argv[i]);
		}
	}
	return 0;
}

static int cmd_backup(int argc, char **argv)
{
	struct th_gen_backup_opts opt = {.seed = TH_GEN_SEED_DEFAULT};
	struct th_err err = {0};
	int rc;

	if (argc < 3 || argv[2][0] == '-')
		return fail("%s", "backup needs a folder (try: th-gen help)");
	rc = parse_opts(argc, argv, &opt);
	if (rc)
		return rc;
	if (th_gen_backup(argv[2], &opt, &err) != TH_OK)
		return fail("%s", err.msg);
	printf("th-gen: wrote %s backup with %zu Manifest rows to '%s'\n",
	       opt.infected ? "an infected" : "a clean",
	       th_gen_backup_nplanted(opt.infected) + opt.rows, argv[2]);
	return 0;
}

/* th-gen encrypt PLAIN DIR PASSWORD [--real-kdf]: an encrypted twin of a
 * generated backup. Real backups derive their key with 10,000,000 and
 * 10,000 iterations (about a second); the default is fast for demos. */
static int cmd_encrypt(int argc, char **argv)
{
	struct th_gen_encrypt_opts opt = {.dpic = 10000, .iter = 10, .seed = 1};
	struct th_err err = {0};

	if (argc < 5 || argc > 6 ||
	    (argc == 6 && strcmp(argv[5], "--real-kdf") != 0))
		return fail("%s", "usage: th-gen encrypt PLAIN DIR PASSWORD "
		                  "[--real-kdf]");
	if (argc == 6) {
		opt.dpic = 10000000;
		opt.iter = 10000;
	}
	opt.password = argv[4];
	if (th_gen_backup_encrypt(argv[2], argv[3], &opt, &err) != TH_OK)
		return fail("%s", err.msg);
	printf("th-gen: wrote an encrypted copy of '%s' to '%s'\n", argv[2],
	       argv[3]);
	return 0;
}

/* th-gen fs DIR|FILE.tar.gz [--files N] [--safe]
 * th-gen sysdiagnose FILE.tar.gz|DIR [--pad-mb N] [--safe] */
static int cmd_fs(int argc, char **argv)
{
	struct th_gen_fs_opts opt = {.hostile = 1, .seed = TH_GEN_SEED_DEFAULT};
	struct th_err err = {0};
	uint64_t v;
	int i, sd = !strcmp(argv[1], "sysdiagnose");

	if (argc < 3 || argv[2][0] == '-')
		return fail("%s needs a path (try: th-gen help)", argv[1]);
	for (i = 3; i < argc; i++) {
		if (!strcmp(argv[i], "--safe")) {
			opt.hostile = 0;
		} else if ((!strcmp(argv[i], "--files") ||
		            !strcmp(argv[i], "--pad-mb")) &&
		           parse_u64(i + 1 < argc ? argv[i + 1] : NULL,
		                     TH_GEN_ROWS_MAX, &v) == 0) {
			if (argv[i][2] == 'f')
				opt.files = (size_t)v;
			else
				opt.pad_mb = (size_t)v;
			i++;
		} else {
			return fail("bad option '%s' (try: th-gen help)",
			            argv[i]);
		}
	}
	if ((sd ? th_gen_sysdiagnose(argv[2], &opt, &err)
	        : th_gen_fs(argv[2], &opt, &err)) != TH_OK)
		return fail("%s", err.msg);
	printf("th-gen: wrote a %s to '%s'\n",
	       sd ? "sysdiagnose" : "filesystem dump", argv[2]);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return fail("%s", "no command (try: th-gen help)");
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "-h")) {
		fputs(usage, stdout);
		return 0;
	}
	if (!strcmp(argv[1], "backup"))
		return cmd_backup(argc, argv);
	if (!strcmp(argv[1], "encrypt"))
		return cmd_encrypt(argc, argv);
	if (!strcmp(argv[1], "androidqf"))
		return th_gen_android_main(argc, argv);
	if (!strcmp(argv[1], "fs") || !strcmp(argv[1], "sysdiagnose"))
		return cmd_fs(argc, argv);
	return fail("unknown command '%s' (try: th-gen help)", argv[1]);
}
