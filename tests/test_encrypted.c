/*
 * Encrypted iOS backups: the generator's encrypted twin of the infected
 * backup, read by the backup source with its password (small DPIC and
 * ITER so tests stay fast), must give the same files, records and alerts
 * as the plain backup; wrong passwords, damaged keybags and keys, stale
 * recorded sizes, temp folders, untouched evidence. The command line is
 * in test_encrypted_cli.c.
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

static enum th_status open_with(const char *dir, const char *pw,
                                const unsigned char *key,
                                struct th_source **src, struct th_err *err)
{
	struct th_source_options o = {
	        .password = pw, .key = key, .key_len = key ? 32 : 0};

	return th_source_open(&th_source_ios_backup, dir, &o, src, err);
}

static void test_bid(void **state)
{
	struct fx *fx = *state;

	struct th_gen_backup_opts opt = {.infected = 0, .rows = 0, .seed = 2};
	struct th_err err = {0};
	char *parent = join(fx->tmp, "parent"), *plain = join(parent, "p");
	char *enc = join(parent, "UDID");

	assert_int_equal(th_source_ios_backup.bid(fx->enc), 95);
	assert_int_equal(th_source_ios_backup.bid(fx->plain), 90);
	assert_ptr_equal(th_sources_bid(fx->enc, NULL), &th_source_ios_backup);
	assert_true(th_backup_is_encrypted(fx->enc));
	assert_false(th_backup_is_encrypted(fx->plain));
	/* A folder holding one encrypted backup (the plain one it came from
	 * is moved out of the way first). */
	assert_int_equal(th_gen_backup(plain, &opt, &err), TH_OK);
	free(twin(&(struct fx){fx->tmp, plain, NULL}, "parent/UDID", NULL));
	th_remove_tree(plain);
	assert_int_equal(th_source_ios_backup.bid(parent), 95);
	assert_true(th_backup_is_encrypted(parent));
	free(parent);
	free(plain);
	free(enc);
}

static void test_password_errors(void **state)
{
	struct fx *fx = *state;
	struct th_source *src = NULL;
	struct th_err err = {0};
	char want[4200];

	assert_int_equal(open_with(fx->enc, NULL, NULL, &src, &err),
	                 TH_ERR_USAGE);
	assert_true(t_contains(err.msg, "it is an encrypted backup"));
	assert_int_equal(open_with(fx->enc, "hunter2", NULL, &src, &err),
	                 TH_ERR_PASSWORD);
	assert_null(src);
	snprintf(want, sizeof(want), "cannot open '%s': wrong backup password",
	         fx->enc);
	assert_string_equal(err.msg, want);
	assert_int_equal(open_with(fx->enc, "", NULL, &src, &err),
	                 TH_ERR_PASSWORD);
}

struct got {
	char *data;
	size_t len;
	char *local;
	int n;
};

static int grab(void *ctx, const struct th_file *f)
{
	struct got *g = ctx;

	free(g->data);
	free(g->local);
	g->data = t_slurp(f->local_path, &g->len);
	g->local = strdup(f->local_path);
	g->n++;
	return 0;
}

/* The contents of (domain, path) in src, or fails. */
static struct got fetch(struct th_source *src, const char *domain,
                        const char *path, enum th_status want)
{
	struct th_artifact a = {.backup_domain = domain, .backup_path = path};
	struct th_err err = {0};
	struct got g = {0};

	assert_int_equal(th_source_find(src, &a, grab, &g, &err), want);
	return g;
}

static void got_free(struct got *g)
{
	free(g->data);
	free(g->local);
}

/* Every stored planted file decrypts to the plain backup's bytes, and
 * never into the evidence folder. */
static void test_same_files(void **state)
{
	struct fx *fx = *state;
	struct th_source *ps = NULL, *es = NULL;
	struct th_err err = {0};
	const struct th_gen_plant *p;
	struct got a, b;
	int64_t na, nb;
	size_t i, stored = 0;

	assert_int_equal(open_with(fx->plain, NULL, NULL, &ps, &err), TH_OK);
	assert_int_equal(open_with(fx->enc, PASSWORD, NULL, &es, &err), TH_OK);
	for (i = 0; i < th_gen_plant_count(); i++) {
		p = th_gen_plant_at(i);
		if (!(p->when & TH_GEN_INFECTED) || p->flags != 1 ||
		    (!p->text && !p->make))
			continue;
		a = fetch(ps, p->domain, p->path, TH_OK);
		b = fetch(es, p->domain, p->path, TH_OK);
		assert_int_equal(a.n, 1);
		assert_int_equal(b.n, 1);
		assert_int_equal(a.len, b.len);
		assert_memory_equal(a.data, b.data, a.len);
		assert_false(th_path_inside(b.local, fx->enc));
		got_free(&a);
		got_free(&b);
		stored++;
	}
	assert_true(stored >= 3);
	assert_int_equal(th_backup_row_count(th_backup_of(ps), &na, &err),
	                 TH_OK);
	assert_int_equal(th_backup_row_count(th_backup_of(es), &nb, &err),
	                 TH_OK);
	assert_int_equal(na, nb);
	assert_int_equal(na, (int64_t)th_gen_backup_nplanted(1) + 20);
	th_source_free(ps);
	th_source_free(es);
}

/* The private folder exists while the source is open, holds only what
 * was asked for, and is gone at close. */
static void test_temp_removed(void **state)
{
	struct fx *fx = *state;
	struct th_source *es = NULL;
	struct th_err err = {0};
	struct stat st;
	struct got g;
	char *dir, *slash;

	assert_int_equal(open_with(fx->enc, PASSWORD, NULL, &es, &err), TH_OK);
	g = fetch(es, "RootDomain", BAD_PATH, TH_OK);
	assert_int_equal(g.n, 1);
	dir = strdup(g.local);
	slash = strrchr(dir, '/');
	*slash = '\0';
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	th_source_free(es);
	assert_int_not_equal(stat(dir, &st), 0);
	got_free(&g);
	free(dir);
}

static void test_key_instead_of_password(void **state)
{
	struct fx *fx = *state;
	struct th_source *es = NULL;
	struct th_err err = {0};
	unsigned char key[32];
	struct got g;

	assert_int_equal(th_backup_extract_key(fx->enc, PASSWORD, key, err.msg,
	                                       sizeof(err.msg)),
	                 TH_OK);
	assert_int_equal(open_with(fx->enc, NULL, key, &es, &err), TH_OK);
	g = fetch(es, "RootDomain", BAD_PATH, TH_OK);
	assert_int_equal(g.n, 1);
	got_free(&g);
	th_source_free(es);
	key[0] ^= 1;
	assert_int_equal(open_with(fx->enc, NULL, key, &es, &err),
	                 TH_ERR_PASSWORD);
	assert_true(t_contains(err.msg, "wrong backup key"));
	assert_int_equal(th_backup_extract_key(fx->enc, "nope", key, err.msg,
	                                       sizeof(err.msg)),
	                 TH_ERR_PASSWORD);
	assert_true(t_contains(err.msg, "wrong backup password"));
}

/* Recorded sizes off in both directions: padding removal still gives the
 * exact bytes (truncating to Size would cut or overrun them). */
static void test_stale_size(void **state)
{
	static const int64_t deltas[] = {-5, 1000};
	struct fx *fx = *state;
	struct th_gen_encrypt_opts o = {
	        .password = PASSWORD, .dpic = DPIC, .iter = ITER, .seed = 7};
	struct th_source *ps = NULL, *es = NULL;
	struct th_err err = {0};
	struct got a, b;
	char name[32], *dir;
	size_t i;

	assert_int_equal(open_with(fx->plain, NULL, NULL, &ps, &err), TH_OK);
	for (i = 0; i < 2; i++) {
		o.size_delta = deltas[i];
		snprintf(name, sizeof(name), "stale%zu", i);
		dir = twin(fx, name, &o);
		assert_int_equal(open_with(dir, PASSWORD, NULL, &es, &err),
		                 TH_OK);
		a = fetch(ps, "RootDomain", BAD_PATH, TH_OK);
		b = fetch(es, "RootDomain", BAD_PATH, TH_OK);
		assert_true(a.len > 5);
		assert_int_equal(a.len, b.len);
		assert_memory_equal(a.data, b.data, a.len);
		got_free(&a);
		got_free(&b);
		th_source_free(es);
		es = NULL;
		free(dir);
	}
	th_source_free(ps);
}

/* A file key that fails its integrity check: that file is one clear
 * error naming it; the other files still decrypt. */
static void test_bad_file_key(void **state)
{
	struct fx *fx = *state;
	struct th_gen_encrypt_opts o = {.password = PASSWORD,
	                                .dpic = DPIC,
	                                .iter = ITER,
	                                .seed = 7,
	                                .bad_key_path = BAD_PATH};
	struct th_artifact art = {.backup_domain = "RootDomain",
	                          .backup_path = BAD_PATH};
	struct th_source *es = NULL;
	struct th_err err = {0};
	struct got g = {0};
	char *dir = twin(fx, "badkey", &o);

	assert_int_equal(open_with(dir, PASSWORD, NULL, &es, &err), TH_OK);
	assert_int_equal(th_source_find(es, &art, grab, &g, &err),
	                 TH_ERR_CRYPTO);
	assert_int_equal(g.n, 0);
	assert_string_equal(err.msg, "cannot decrypt 'RootDomain/" BAD_PATH
	                             "': its key fails its integrity check");
	g = fetch(es, "AppDomain-com.apple.mobilesafari", "Library/WebKit/*",
	          TH_OK);
	assert_true(g.n >= 1);
	got_free(&g);
	th_source_free(es);
	free(dir);
}

/* A damaged class key is indistinguishable from a wrong password. */
static void test_bad_class_key(void **state)
{
	struct fx *fx = *state;
	struct th_gen_encrypt_opts o = {.password = PASSWORD,
	                                .dpic = DPIC,
	                                .iter = ITER,
	                                .seed = 7,
	                                .bad_class = 3};
	struct th_source *es = NULL;
	struct th_err err = {0};
	char *dir = twin(fx, "badclass", &o);

	assert_int_equal(open_with(dir, PASSWORD, NULL, &es, &err),
	                 TH_ERR_PASSWORD);
	assert_true(t_contains(err.msg, "wrong backup password"));
	free(dir);
}

/* Rewrites <dir>/Manifest.plist's BackupKeyBag to its first `keep`
 * bytes. */
static void truncate_keybag(const char *dir, size_t keep)
{
	char *p = join(dir, "Manifest.plist");
	const uint8_t *bag;
	size_t len = 0;
	plist_t mp = NULL;

	assert_int_equal(th_plist_read_file(p, &mp, NULL), TH_OK);
	bag = th_plist_dict_data(mp, "BackupKeyBag", &len);
	assert_true(len > keep);
	plist_dict_set_item(mp, "BackupKeyBag",
	                    plist_new_data((const char *)bag, keep));
	unlink(p);
	assert_int_equal(th_gen_plist_write(p, mp, 0, NULL), TH_OK);
	plist_free(mp);
	free(p);
}

static void test_truncated_keybag(void **state)
{
	struct fx *fx = *state;
	struct th_source *es = NULL;
	struct th_err err = {0};
	char *dir = twin(fx, "truncbag", NULL);

	truncate_keybag(dir, 150);
	assert_int_equal(open_with(dir, PASSWORD, NULL, &es, &err),
	                 TH_ERR_FORMAT);
	assert_true(t_contains(err.msg, "Manifest.plist': bad keybag: "));
	assert_null(es);
	free(dir);
}

/* Flips one byte of Manifest.plist's ManifestKey. */
static void damage_manifest_key(const char *dir)
{
	char *p = join(dir, "Manifest.plist");
	uint8_t mk[44];
	const uint8_t *v;
	size_t len = 0;
	plist_t mp = NULL;

	assert_int_equal(th_plist_read_file(p, &mp, NULL), TH_OK);
	v = th_plist_dict_data(mp, "ManifestKey", &len);
	assert_int_equal(len, 44);
	memcpy(mk, v, 44);
	mk[20] ^= 0x08;
	plist_dict_set_item(mp, "ManifestKey",
	                    plist_new_data((const char *)mk, 44));
	unlink(p);
	assert_int_equal(th_gen_plist_write(p, mp, 0, NULL), TH_OK);
	plist_free(mp);
	free(p);
}

/* A damaged Manifest key, a Manifest.db cut short: one clear line each,
 * and no temporary folder left behind. */
static void test_damaged_manifest(void **state)
{
	struct fx *fx = *state;
	struct th_source *es = NULL;
	struct th_err err = {0};
	char *a = twin(fx, "badmk", NULL), *b = twin(fx, "shortdb", NULL);
	char *db = join(b, "Manifest.db");
	struct stat st;

	char *tmpd = join(fx->tmp, "tmpd"), *saved = getenv("TMPDIR");
	DIR *d;
	struct dirent *de;
	int left = 0;

	saved = saved ? strdup(saved) : NULL;
	assert_int_equal(mkdir(tmpd, 0700), 0);
	setenv("TMPDIR", tmpd, 1);
	damage_manifest_key(a);
	assert_int_equal(open_with(a, PASSWORD, NULL, &es, &err),
	                 TH_ERR_CRYPTO);
	assert_true(t_contains(err.msg, "the Manifest key fails its "
	                                "integrity check"));
	assert_int_equal(stat(db, &st), 0);
	assert_int_equal(truncate(db, st.st_size - 5), 0);
	assert_int_equal(open_with(b, PASSWORD, NULL, &es, &err),
	                 TH_ERR_FORMAT);
	assert_true(t_contains(err.msg, "is not a multiple of 16"));
	assert_null(es);
	/* The failed opens left no private folder behind. */
	d = opendir(tmpd);
	while (d && (de = readdir(d)) != NULL)
		left += de->d_name[0] != '.';
	closedir(d);
	assert_int_equal(left, 0);
	if (saved)
		setenv("TMPDIR", saved, 1);
	else
		unsetenv("TMPDIR");
	free(saved);
	free(tmpd);
	free(a);
	free(b);
	free(db);
}

/* Backups from before iOS 10.2: the SHA1 stage alone. */
static void test_pre_ios10_2(void **state)
{
	struct fx *fx = *state;
	struct th_gen_encrypt_opts o = {
	        .password = PASSWORD, .dpic = 0, .iter = 50, .seed = 9};
	struct th_source *es = NULL;
	struct th_err err = {0};
	char *dir = twin(fx, "old", &o);
	struct got g;

	assert_int_equal(open_with(dir, PASSWORD, NULL, &es, &err), TH_OK);
	g = fetch(es, "RootDomain", BAD_PATH, TH_OK);
	assert_int_equal(g.n, 1);
	got_free(&g);
	th_source_free(es);
	assert_int_equal(open_with(dir, "x", NULL, &es, &err), TH_ERR_PASSWORD);
	free(dir);
}

static struct th_run *run_on(const char *target, const char *out,
                             const char *pw, const struct th_iocs *iocs)
{
	struct th_run_options o = {.target = target,
	                           .output_dir = out,
	                           .iocs = iocs,
	                           .password = pw,
	                           .jobs = 2};

	return t_run_execute(&o);
}

static void test_same_results(void **state)
{
	struct fx *fx = *state;
	struct th_iocs *iocs = NULL;
	struct th_run *rp, *re;
	char *op = join(fx->tmp, "out-plain"), *oe = join(fx->tmp, "out-enc");
	char before[65], after[65];
	size_t i;

	iocs = t_iocs_load(IOCS);
	t_tree_hash(fx->enc, before);
	rp = run_on(fx->plain, op, NULL, iocs);
	re = run_on(fx->enc, oe, PASSWORD, iocs);
	t_tree_hash(fx->enc, after);
	assert_string_equal(before, after);
	assert_true(th_run_nalerts(rp) > 0);
	assert_int_equal(th_run_nalerts(re), th_run_nalerts(rp));
	assert_int_equal(th_run_nresults(re), th_run_nresults(rp));
	for (i = 0; i < th_run_nresults(rp); i++) {
		assert_int_equal(th_run_result(re, i)->records,
		                 th_run_result(rp, i)->records);
		assert_int_equal(th_run_result(re, i)->status,
		                 th_run_result(rp, i)->status);
	}
	assert_true(same_outputs(op, oe) >= 4);
	assert_int_equal(same_outputs(oe, op), same_outputs(op, oe));
	th_run_free(rp);
	th_run_free(re);
	th_iocs_free(iocs);
	free(op);
	free(oe);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_bid),
	        cmocka_unit_test(test_password_errors),
	        cmocka_unit_test(test_same_files),
	        cmocka_unit_test(test_temp_removed),
	        cmocka_unit_test(test_key_instead_of_password),
	        cmocka_unit_test(test_stale_size),
	        cmocka_unit_test(test_bad_file_key),
	        cmocka_unit_test(test_bad_class_key),
	        cmocka_unit_test(test_truncated_keybag),
	        cmocka_unit_test(test_damaged_manifest),
	        cmocka_unit_test(test_pre_ios10_2),
	        cmocka_unit_test(test_same_results),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
