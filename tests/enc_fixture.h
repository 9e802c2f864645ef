/*
 * The fixture of test_encrypted.c and test_encrypted_cli.c: a generated
 * infected backup and its encrypted twin (small DPIC and ITER so tests
 * stay fast), and a comparison of two result folders. Test code only.
 */
#ifndef TH_TEST_ENC_FIXTURE_H
#define TH_TEST_ENC_FIXTURE_H

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"
#include "support.h"
#include "core/fsutil.h"

#define PASSWORD "correct horse battery"
#define DPIC     1000
#define ITER     10
#define IOCS     TH_SOURCE_DIR "/demo/demo-iocs.stix2"
#define BAD_PATH "Library/Preferences/com.apple.CrashReporter.plist"

struct fx {
	char *tmp;
	char *plain; /* the infected backup */
	char *enc;   /* its encrypted twin */
};

static inline char *join(const char *a, const char *b)
{
	char *p = th_path_join(a, b);

	assert_non_null(p);
	return p;
}

/* An encrypted twin of fx->plain in <tmp>/<name>, with `o` tweaks. */
static inline char *twin(const struct fx *fx, const char *name,
                         const struct th_gen_encrypt_opts *o)
{
	struct th_gen_encrypt_opts def = {
	        .password = PASSWORD, .dpic = DPIC, .iter = ITER, .seed = 7};
	struct th_err err = {0};
	char *dir = join(fx->tmp, name);

	if (th_gen_backup_encrypt(fx->plain, dir, o ? o : &def, &err) != TH_OK)
		fail_msg("cannot encrypt: %s", err.msg);
	return dir;
}

static inline int setup(void **state)
{
	struct th_gen_backup_opts opt = {.infected = 1, .rows = 20, .seed = 1};
	struct th_err err = {0};
	struct fx *fx = calloc(1, sizeof(*fx));

	fx->tmp = t_tmpdir();
	fx->plain = th_path_join(fx->tmp, "plain");
	if (th_gen_backup(fx->plain, &opt, &err) != TH_OK)
		return -1;
	fx->enc = twin(fx, "enc", NULL);
	setenv("XDG_DATA_HOME", fx->tmp, 1);
	unsetenv("TRACEHOUND_IOCS");
	unsetenv("TRACEHOUND_BACKUP_PASSWORD");
	*state = fx;
	return 0;
}

static inline int teardown(void **state)
{
	struct fx *fx = *state;

	t_tmpdir_free(fx->tmp);
	free(fx->plain);
	free(fx->enc);
	free(fx);
	return 0;
}

/* Every result file of `a` exists in `b` with the same bytes, except the
 * ones that name the target (info.json, command.log). */
static inline size_t same_outputs(const char *a, const char *b)
{
	struct dirent *de;
	char *pa, *pb, *da, *db;
	size_t la, lb, n = 0;
	DIR *d = opendir(a);

	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || !strcmp(de->d_name, "info.json") ||
		    !strcmp(de->d_name, "command.log"))
			continue;
		pa = join(a, de->d_name);
		pb = join(b, de->d_name);
		da = t_slurp(pa, &la);
		db = t_slurp(pb, &lb);
		if (!db)
			fail_msg("%s is missing", pb);
		if (la != lb || memcmp(da, db, la) != 0)
			fail_msg("%s and %s differ", pa, pb);
		free(da);
		free(db);
		free(pa);
		free(pb);
		n++;
	}
	closedir(d);
	return n;
}

#endif
