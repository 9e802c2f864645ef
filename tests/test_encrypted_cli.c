/*
 * Encrypted iOS backups on the command line: check with a password from
 * -p, --password-file or the environment (never written anywhere), a
 * wrong password, decrypt-backup (a plain copy that checks like the
 * original, with hashes), its refusals, extract-key and --key-file, and
 * SIGTERM removing the decrypted files.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <dirent.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <tracehound/th_backup.h>
#include <tracehound/tracehound.h>
#include "support.h"
#include "enc_fixture.h"
#include "gen.h"
#include "core/fsutil.h"
#include "formats/plist_util.h"
#include "sources/ios_backup.h"

/* Runs tracehound with the NULL-terminated arguments, handing stdout
 * and stderr to the caller when asked (the caller frees them). Returns
 * the exit status. */
static int th(char **out, char **err, const char *arg, ...)
{
	struct t_out r;
	va_list ap;

	va_start(ap, arg);
	r = t_thv(arg, ap);
	va_end(ap);
	if (out) {
		*out = r.out;
		r.out = NULL;
	}
	if (err) {
		*err = r.err;
		r.err = NULL;
	}
	t_out_free(&r);
	return r.rc;
}

/* Whether any file under dir contains `needle`. */
static int tree_contains(const char *dir, const char *needle)
{
	struct dirent *de;
	struct stat st;
	char *p, *data;
	int found = 0;
	DIR *d = opendir(dir);

	while (d && !found && (de = readdir(d)) != NULL) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		p = join(dir, de->d_name);
		if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
			found = tree_contains(p, needle);
		} else if ((data = t_slurp(p, NULL)) != NULL) {
			found = t_contains(data, needle);
			free(data);
		}
		free(p);
	}
	if (d)
		closedir(d);
	return found;
}

static void test_cli_wrong_password(void **state)
{
	struct fx *fx = *state;
	char *err = NULL, want[4200];

	assert_int_equal(
	        th(NULL, &err, "check", "-p", "hunter2", fx->enc, NULL), 2);
	snprintf(want, sizeof(want),
	         "tracehound: cannot open '%s': wrong backup password\n",
	         fx->enc);
	assert_string_equal(err, want);
	free(err);
	/* No password at all, no terminal: one line saying what is missing. */
	assert_int_equal(th(NULL, &err, "check-backup", fx->enc, NULL), 2);
	assert_true(t_contains(err, "it is an encrypted backup"));
	free(err);
}

/* check on the encrypted backup (password from a file, then from the
 * environment) writes what check on the plain one writes; no output
 * holds the password. */
static void test_cli_check_same(void **state)
{
	struct fx *fx = *state;
	char *op = join(fx->tmp, "cli-plain"), *oe = join(fx->tmp, "cli-enc"),
	     *oe2 = join(fx->tmp, "cli-env"),
	     *pwf = t_write_text(fx->tmp, "pw.txt", PASSWORD "\n");
	char *info, *text;
	char before[65], after[65];

	t_tree_hash(fx->enc, before);
	assert_int_equal(
	        th(NULL, NULL, "check", "-i", IOCS, "-o", op, fx->plain, NULL),
	        1);
	assert_int_equal(th(NULL, NULL, "check", "-i", IOCS, "-o", oe,
	                    "--password-file", pwf, fx->enc, NULL),
	                 1);
	setenv("TRACEHOUND_BACKUP_PASSWORD", PASSWORD, 1);
	assert_int_equal(th(NULL, NULL, "check", "-i", IOCS, "-o", oe2, "-H",
	                    fx->enc, NULL),
	                 1);
	unsetenv("TRACEHOUND_BACKUP_PASSWORD");
	t_tree_hash(fx->enc, after);
	assert_string_equal(before, after);
	assert_true(same_outputs(op, oe) >= 4);
	assert_true(same_outputs(op, oe2) >= 4);
	assert_false(tree_contains(oe, PASSWORD));
	assert_false(tree_contains(oe2, PASSWORD));
	/* --hashes: the encrypted inputs, Manifest.db among them. */
	info = join(oe2, "info.json");
	text = t_slurp(info, NULL);
	assert_non_null(text);
	assert_true(t_contains(text, "/Manifest.db\""));
	assert_true(t_contains(text, "\"sha256\""));
	free(text);
	free(info);
	free(op);
	free(oe);
	free(oe2);
	free(pwf);
}

/* -p on the command line: redacted in command.log and info.json. */
static void test_cli_password_redacted(void **state)
{
	struct fx *fx = *state;
	char *o = join(fx->tmp, "cli-redact"), *log = join(o, "command.log");
	char *o2 = join(fx->tmp, "cli-redact2"), *text, *out = NULL,
	     *err = NULL;

	assert_int_equal(
	        th(NULL, NULL, "check", "-o", o, "-p" PASSWORD, fx->enc, NULL),
	        1);
	assert_false(tree_contains(o, PASSWORD));
	text = t_slurp(log, NULL);
	assert_non_null(text);
	assert_true(t_contains(text, "-p***"));
	free(text);
	/* The long form, with the most verbose log: not on the terminal
	 * either. */
	assert_int_equal(th(&out, &err, "check", "-vv", "--json", "-o", o2,
	                    "--password", PASSWORD, fx->enc, NULL),
	                 1);
	assert_false(t_contains(out, PASSWORD));
	assert_false(t_contains(err, PASSWORD));
	assert_false(tree_contains(o2, PASSWORD));
	free(out);
	free(err);
	free(log);
	free(o);
	free(o2);
}

/* decrypt-backup writes a plain backup that checks like the original,
 * with the hashes of inputs and outputs, and never the password. */
static void test_cli_decrypt(void **state)
{
	struct fx *fx = *state;
	char *dest = join(fx->tmp, "decrypted"), *op = join(fx->tmp, "dp"),
	     *od = join(fx->tmp, "dd"), *info = join(dest, "info.json");
	char before[65], after[65], *out = NULL;
	json_t *j, *hashes, *h;
	json_error_t je;
	size_t i, n = 0;

	t_tree_hash(fx->enc, before);
	assert_int_equal(th(&out, NULL, "decrypt-backup", "-d", dest, "-p",
	                    PASSWORD, "--hashes", fx->enc, NULL),
	                 0);
	t_tree_hash(fx->enc, after);
	assert_string_equal(before, after);
	assert_true(t_contains(out, "decrypted "));
	free(out);
	assert_int_equal(th_source_ios_backup.bid(dest), 90);
	assert_int_equal(
	        th(NULL, NULL, "check", "-i", IOCS, "-o", op, fx->plain, NULL),
	        1);
	assert_int_equal(
	        th(NULL, NULL, "check", "-i", IOCS, "-o", od, dest, NULL), 1);
	assert_true(same_outputs(op, od) >= 4);
	assert_false(tree_contains(dest, PASSWORD));
	j = json_load_file(info, 0, &je);
	assert_non_null(j);
	hashes = json_object_get(j, "hashes");
	json_array_foreach(hashes, i, h)
	{
		assert_int_equal(strlen(t_str(h, "sha256")), 64);
		assert_int_equal(strlen(json_string_value(json_object_get(
		                         h, "decrypted_sha256"))),
		                 64);
		n++;
	}
	/* The four top files and at least the planted stored files. */
	assert_true(n >= 4 + 3);
	json_decref(j);
	/* A second run into the same folder is refused. */
	assert_int_equal(th(NULL, &out, "decrypt-backup", "-d", dest, "-p",
	                    PASSWORD, fx->enc, NULL),
	                 2);
	assert_true(t_contains(out, "already holds a backup"));
	free(out);
	free(dest);
	free(op);
	free(od);
	free(info);
}

static void test_cli_decrypt_refusals(void **state)
{
	struct fx *fx = *state;
	char *inside = join(fx->enc, "out"), *d = join(fx->tmp, "never");
	char before[65], after[65], *err = NULL;

	/* A plain backup: a clear error, nothing written. */
	assert_int_equal(th(NULL, &err, "decrypt-backup", "-d", d, "-p",
	                    PASSWORD, fx->plain, NULL),
	                 2);
	assert_true(t_contains(err, "is not an encrypted iOS backup"));
	assert_false(th_is_dir(d));
	free(err);
	t_tree_hash(fx->enc, before);
	assert_int_equal(th(NULL, &err, "decrypt-backup", "-d", inside, "-p",
	                    PASSWORD, fx->enc, NULL),
	                 2);
	assert_true(t_contains(err, "inside the evidence"));
	free(err);
	assert_int_equal(
	        th(NULL, &err, "decrypt-backup", "-p", PASSWORD, fx->enc, NULL),
	        2);
	assert_true(t_contains(err, "missing -d DEST"));
	free(err);
	assert_int_equal(th(NULL, &err, "decrypt-backup", "-d", d, "-p", "bad",
	                    fx->enc, NULL),
	                 2);
	assert_true(t_contains(err, "wrong backup password"));
	free(err);
	t_tree_hash(fx->enc, after);
	assert_string_equal(before, after);
	free(inside);
	free(d);
}

/* extract-key prints the key; -k writes it; check -k uses it. */
static void test_cli_extract_key(void **state)
{
	struct fx *fx = *state;
	char *kf = join(fx->tmp, "backup.key"), *bad = join(fx->tmp, "bad.key");
	char *out = NULL, *err = NULL, *text;
	unsigned char key[32];
	char hex[66];
	size_t i;
	FILE *f;

	assert_int_equal(th_backup_extract_key(fx->enc, PASSWORD, key, NULL, 0),
	                 TH_OK);
	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", key[i]);
	hex[64] = '\n';
	hex[65] = '\0';
	assert_int_equal(
	        th(&out, NULL, "extract-key", "-p", PASSWORD, fx->enc, NULL),
	        0);
	assert_string_equal(out, hex);
	free(out);
	assert_int_equal(th(NULL, NULL, "extract-key", "-p", PASSWORD, "-k", kf,
	                    fx->enc, NULL),
	                 0);
	text = t_slurp(kf, NULL);
	assert_string_equal(text, hex);
	free(text);
	assert_int_equal(th(NULL, NULL, "check", "-k", kf, fx->enc, NULL), 1);
	f = fopen(bad, "w");
	fputs("abcd\n", f);
	fclose(f);
	assert_int_equal(th(NULL, &err, "check", "-k", bad, fx->enc, NULL), 2);
	assert_true(t_contains(err, "expected 64 hex characters"));
	free(err);
	assert_int_equal(
	        th(NULL, &err, "extract-key", "-p", "bad", fx->enc, NULL), 2);
	assert_true(t_contains(err, "wrong backup password"));
	free(err);
	free(kf);
	free(bad);
}

/* The first tracehound-* folder in dir, or NULL. */
static char *find_tmp(const char *dir)
{
	struct dirent *de;
	char *found = NULL;
	DIR *d = opendir(dir);

	while (d && !found && (de = readdir(d)) != NULL)
		if (!strncmp(de->d_name, "tracehound-", 11))
			found = join(dir, de->d_name);
	if (d)
		closedir(d);
	return found;
}

/* SIGTERM during a run on an encrypted backup: the decrypted files go
 * with the program. */
static void test_cli_sigterm(void **state)
{
	struct fx *fx = *state;
	char *tmp = join(fx->tmp, "sigtmp"), *seen = NULL;
	int status, i;
	pid_t pid;

	assert_int_equal(mkdir(tmp, 0700), 0);
	pid = fork();
	if (pid == 0) {
		int nul = open("/dev/null", O_RDWR);

		dup2(nul, 0);
		dup2(nul, 1);
		dup2(nul, 2);
		setenv("TMPDIR", tmp, 1);
		execl(TH_BINARY, TH_BINARY, "check", "-p", PASSWORD, "-i", IOCS,
		      fx->enc, (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 20000 && !seen; i++) {
		seen = find_tmp(tmp);
		if (!seen)
			usleep(100);
	}
	kill(pid, SIGTERM);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (seen && WIFSIGNALED(status)) {
		assert_int_equal(WTERMSIG(status), SIGTERM);
		assert_false(th_is_dir(seen));
	} else {
		print_message("the run ended before SIGTERM; nothing to see\n");
	}
	free(seen);
	seen = find_tmp(tmp);
	assert_null(seen);
	free(tmp);
}
int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_cli_wrong_password),
	        cmocka_unit_test(test_cli_check_same),
	        cmocka_unit_test(test_cli_password_redacted),
	        cmocka_unit_test(test_cli_decrypt),
	        cmocka_unit_test(test_cli_decrypt_refusals),
	        cmocka_unit_test(test_cli_extract_key),
	        cmocka_unit_test(test_cli_sigterm),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
