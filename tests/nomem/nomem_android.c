/*
 * The Android evidence of the malloc-failure pass beyond the generator's
 * own shapes: intrusion logs on their own, a bugreport unzipped into a
 * folder, and an androidqf acquisition zipped whole (its bugreport.zip
 * and backup.ab then nested inside a zip). Each setup builds its
 * evidence unarmed from th-gen's androidqf and hands nomem_cases.c a
 * check context.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/fsutil.h"
#include "gen_android.h"
#include "gen_android_int.h"
#include "nomem.h"
#include "sources/android_fs.h"

#define MEMBER_MAX ((size_t)64 << 20)
#define MEMBERS    64

/* An androidqf acquisition at tmp/aqf, written once per case. */
static int make_aqf(const char *tmp)
{
	struct th_err err;
	char dir[4096];

	snprintf(dir, sizeof(dir), "%s/aqf", tmp);
	return th_gen_androidqf(dir, 1, &err) != TH_OK;
}

int nomem_setup_intrusion(const char *tmp, void **ctx, const char **skip)
{
	*ctx = NULL;
	if (make_aqf(tmp))
		return 1;
	*ctx = nomem_check_ctx(tmp, "aqf/intrusion_logs", NULL);
	return *ctx == NULL;
}

/* Writes member i of `a` to dir/<its name>, folders made as needed. */
static int unpack_one(struct th_afs *a, size_t i, const char *dir)
{
	const struct th_afs_member *m = th_afs_at(a, i);
	struct th_err err;
	char *data = NULL, *path = th_path_join(dir, m->name), *slash;
	size_t len = 0;
	int bad = !path || th_afs_read(a, i, MEMBER_MAX, &data, &len, &err);

	slash = path ? strrchr(path, '/') : NULL;
	if (!bad && slash) {
		*slash = '\0';
		bad = th_mkdir_p(path, 0, &err) != TH_OK;
		*slash = '/';
	}
	if (!bad)
		bad = th_gen_write_file(path, data, len) != TH_OK;
	free(data);
	free(path);
	return bad;
}

int nomem_setup_bugreport_dir(const char *tmp, void **ctx, const char **skip)
{
	struct th_afs *a = NULL;
	struct th_err err;
	char zip[4096], dir[4096];
	size_t i;
	int bad;

	*ctx = NULL;
	snprintf(zip, sizeof(zip), "%s/bugreport.zip", tmp);
	snprintf(dir, sizeof(dir), "%s/bugreport", tmp);
	if (th_gen_bugreport_zip(zip, 1, &err) != TH_OK ||
	    th_afs_open(zip, &a, &err) != TH_OK)
		return 1;
	bad = th_afs_at(a, 0) == NULL;
	for (i = 0; !bad && th_afs_at(a, i); i++)
		bad = unpack_one(a, i, dir);
	th_afs_free(a);
	if (!bad)
		*ctx = nomem_check_ctx(tmp, "bugreport", NULL);
	return bad || *ctx == NULL;
}

/* Zips the folder tmp/aqf into tmp/aqf.zip under a top folder "aqf/",
 * as androidqf does. */
static int zip_aqf(const char *tmp)
{
	struct th_gen_member m[MEMBERS];
	char *data[MEMBERS] = {0}, *names[MEMBERS] = {0}, path[4096];
	struct th_afs *a = NULL;
	struct th_buf out;
	struct th_err err;
	size_t i, n = 0, len;
	int bad;

	snprintf(path, sizeof(path), "%s/aqf", tmp);
	if (th_afs_open(path, &a, &err) != TH_OK)
		return 1;
	th_buf_init(&out, (size_t)1 << 30);
	for (bad = 0; !bad && th_afs_at(a, n) && n < MEMBERS; n++) {
		names[n] = th_path_join("aqf", th_afs_at(a, n)->name);
		bad = !names[n] ||
		      th_afs_read(a, n, MEMBER_MAX, &data[n], &len, &err);
		m[n] = (struct th_gen_member){names[n], data[n], len,
		                              1700000000};
	}
	bad = bad || th_afs_at(a, n) != NULL ||
	      th_gen_archive(&out, 1, m, n) != TH_OK;
	snprintf(path, sizeof(path), "%s/aqf.zip", tmp);
	if (!bad)
		bad = th_gen_write_file(path, out.data, out.len) != TH_OK;
	for (i = 0; i < n; i++) {
		free(data[i]);
		free(names[i]);
	}
	th_buf_free(&out);
	th_afs_free(a);
	return bad;
}

int nomem_setup_androidqf_zip(const char *tmp, void **ctx, const char **skip)
{
	*ctx = NULL;
	if (make_aqf(tmp) || zip_aqf(tmp))
		return 1;
	*ctx = nomem_check_ctx(tmp, "aqf.zip", TH_GEN_AB_PASSWORD);
	return *ctx == NULL;
}
