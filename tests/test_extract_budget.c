/*
 * The run's extraction budget (core/budget.h, --max-extract): charges,
 * refusals and their messages, members of unknown size, the free-space
 * check through its hook, threads sharing one budget; then the sources
 * that write into temp folders charging it (an iOS dump archive, an
 * androidqf zip with its nested bugreport.zip and backup.ab).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <openssl/sha.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "core/budget.h"
#include "core/fsutil.h"
#include "extract_fixture.h"
#include "gen.h"
#include "sources/android_sources.h"
#include "sources/ios_backup.h"
#include "sources/ios_fs.h"
#include "sources/sysdiagnose.h"
#include "sources/source.h"

/* --- the budget alone ----------------------------------------------- */

static void test_charge_refuse(void **state)
{
	struct th_budget *b = NULL;
	struct th_budget_write w;
	struct th_err err = {0};
	char line[1024];

	(void)state;
	assert_int_equal(th_budget_new(1000, &b), TH_OK);
	assert_int_equal(th_budget_max(b), 1000);
	assert_false(th_budget_summary(b, line, sizeof(line)));
	assert_int_equal(th_budget_begin(&w, b, "/t/x", "a", 600, &err), TH_OK);
	assert_int_equal(th_budget_used(b), 600);
	assert_int_equal(th_budget_more(&w, 600, &err), TH_OK);
	th_budget_end(&w, 1);
	assert_int_equal(th_budget_used(b), 600);
	/* 500 more do not fit: nothing is charged, the message names the
	 * member, what was extracted, the limit and the option. */
	assert_int_equal(th_budget_begin(&w, b, "/t/x", "b.db", 500, &err),
	                 TH_ERR_LIMIT);
	assert_int_equal(w.refused, TH_BUDGET_OVER);
	assert_string_equal(err.msg, "cannot extract 'b.db': the run has "
	                             "already extracted 600 bytes of its "
	                             "extraction limit of 1000 bytes "
	                             "(--max-extract)");
	assert_int_equal(th_budget_used(b), 600);
	th_budget_end(&w, 0);
	assert_int_equal(th_budget_used(b), 600);
	/* Exactly what is left fits; a member removed gives it back. */
	assert_int_equal(th_budget_begin(&w, b, "/t/x", "c", 400, &err), TH_OK);
	assert_int_equal(th_budget_used(b), 1000);
	th_budget_end(&w, 0);
	assert_int_equal(th_budget_used(b), 600);
	/* A member claiming less than it writes is charged as it writes,
	 * a slab (here: what is left) at a time. */
	assert_int_equal(th_budget_begin(&w, b, "/t/x", "d", 100, &err), TH_OK);
	assert_int_equal(th_budget_used(b), 700);
	assert_int_equal(th_budget_more(&w, 300, &err), TH_OK);
	assert_int_equal(th_budget_used(b), 1000);
	assert_int_equal(th_budget_more(&w, 101, &err), TH_ERR_LIMIT);
	th_budget_end(&w, 0);
	assert_int_equal(th_budget_used(b), 600);
	assert_int_equal(th_budget_refused(b), 2);
	assert_true(th_budget_summary(b, line, sizeof(line)));
	assert_string_equal(line, "cannot extract 'b.db': the run has already "
	                          "extracted 600 bytes of its extraction "
	                          "limit of 1000 bytes (--max-extract); and 1 "
	                          "more refusal");
	th_budget_free(b);
}

static void test_one_member_over(void **state)
{
	struct th_budget *b = NULL;
	struct th_budget_write w;
	struct th_err err = {0};
	char line[1024];

	(void)state;
	assert_int_equal(th_budget_new(50 * MB, &b), TH_OK);
	assert_int_equal(th_budget_begin(&w, b, "/t/x", "sms.db",
	                                 60 * MB + MB / 2, &err),
	                 TH_ERR_LIMIT);
	assert_string_equal(err.msg, "cannot extract 'sms.db': its 60.5 MiB "
	                             "are more than the run's extraction limit "
	                             "of 50 MiB (--max-extract)");
	assert_int_equal(th_budget_refused(b), 1);
	assert_true(th_budget_summary(b, line, sizeof(line)));
	assert_string_equal(line, err.msg);
	/* A member's size rounds up to a tenth, never to "x.10". */
	assert_int_equal(th_budget_begin(&w, b, "/t/x", "a", 51 * MB - 1, &err),
	                 TH_ERR_LIMIT);
	assert_true(t_contains(err.msg, "its 51 MiB are more"));
	assert_int_equal(
	        th_budget_begin(&w, b, "/t/x", "a", 50 * MB + MB / 10, &err),
	        TH_ERR_LIMIT);
	assert_true(t_contains(err.msg, "its 50.1 MiB are more"));
	assert_int_equal(th_budget_begin(&w, b, "/t/x", "a", 60 * MB, &err),
	                 TH_ERR_LIMIT);
	assert_true(t_contains(err.msg, "its 60 MiB are more"));
	/* Larger than the whole limit: said so, whatever was extracted. */
	assert_int_equal(th_budget_begin(&w, b, "/t/x", "b", MB, &err), TH_OK);
	assert_int_equal(th_budget_more(&w, MB, &err), TH_OK);
	th_budget_end(&w, 1);
	assert_int_equal(th_budget_begin(&w, b, "/t/x", "c", 50 * MB + 1, &err),
	                 TH_ERR_LIMIT);
	assert_string_equal(err.msg, "cannot extract 'c': its 50.1 MiB are "
	                             "more than the run's extraction limit of "
	                             "50 MiB (--max-extract)");
	th_budget_free(b);
	/* The default, and no budget at all. */
	assert_int_equal(th_budget_new(0, &b), TH_OK);
	assert_true(th_budget_max(b) == TH_BUDGET_DEFAULT);
	assert_true(TH_BUDGET_DEFAULT == (uint64_t)16 << 30);
	th_budget_free(b);
	assert_int_equal(th_budget_begin(&w, NULL, "/t", "x", -1, &err), TH_OK);
	assert_int_equal(th_budget_more(&w, (uint64_t)1 << 40, &err), TH_OK);
	th_budget_end(&w, 1);
}

/* A member of unknown size is charged a slab at a time, and what it did
 * not write is given back. */
static void test_unknown_size(void **state)
{
	struct th_budget *b = NULL;
	struct th_budget_write w;
	struct th_err err = {0};
	int i;

	(void)state;
	assert_int_equal(th_budget_new(20 * MB, &b), TH_OK);
	assert_int_equal(th_budget_begin(&w, b, "/t/x", "a", -1, &err), TH_OK);
	assert_true(th_budget_used(b) == TH_BUDGET_SLAB);
	for (i = 0; i < 3; i++)
		assert_int_equal(th_budget_more(&w, MB, &err), TH_OK);
	th_budget_end(&w, 1);
	assert_true(th_budget_used(b) == 3 * MB);
	/* 17 MiB left: slabs, then what is left, then a refusal. */
	assert_int_equal(th_budget_begin(&w, b, "/t/x", "b", -1, &err), TH_OK);
	assert_int_equal(th_budget_more(&w, 9 * MB, &err), TH_OK);
	assert_true(th_budget_used(b) == 3 * MB + 16 * MB);
	assert_int_equal(th_budget_more(&w, 8 * MB, &err), TH_OK);
	assert_true(th_budget_used(b) == 20 * MB);
	assert_int_equal(th_budget_more(&w, 1, &err), TH_ERR_LIMIT);
	assert_true(t_contains(err.msg, "'b': the run has already extracted "
	                                "20 MiB of its extraction limit of "
	                                "20 MiB (--max-extract)"));
	th_budget_end(&w, 0);
	assert_true(th_budget_used(b) == 3 * MB);
	/* A small member near the end still fits in what is left. */
	assert_int_equal(th_budget_begin(&w, b, "/t/x", "c", 16 * MB, &err),
	                 TH_OK);
	assert_int_equal(th_budget_more(&w, 16 * MB, &err), TH_OK);
	th_budget_end(&w, 1);
	assert_int_equal(th_budget_begin(&w, b, "/t/x", "d", -1, &err), TH_OK);
	assert_int_equal(th_budget_more(&w, MB, &err), TH_OK);
	th_budget_end(&w, 1);
	assert_true(th_budget_used(b) == 20 * MB);
	th_budget_free(b);
}

/* The free-space probe, as a test pretends it. */
struct disk {
	uint64_t avail, total;
	int fail;
	int calls;
	char dir[256];
};

static int fake_space(void *ctx, const char *dir, uint64_t *avail,
                      uint64_t *total)
{
	struct disk *d = ctx;

	d->calls++;
	snprintf(d->dir, sizeof(d->dir), "%s", dir);
	*avail = d->avail;
	*total = d->total;
	return d->fail ? -1 : 0;
}

static void test_free_space(void **state)
{
	struct disk d = {200 * MB, (uint64_t)100 << 30, 0, 0, ""};
	struct th_budget *b = NULL;
	struct th_budget_write w;
	struct th_err err = {0};

	(void)state;
	assert_int_equal(th_budget_new(0, &b), TH_OK);
	th_budget_set_space(b, fake_space, &d);
	/* 200 MiB free on 100 GiB: under the 256 MiB reserve. */
	assert_int_equal(th_budget_begin(&w, b, "/scratch/tracehound-ab12",
	                                 "x.db", 10, &err),
	                 TH_ERR_LIMIT);
	assert_int_equal(w.refused, TH_BUDGET_NO_SPACE);
	assert_string_equal(err.msg, "cannot extract 'x.db': only 200 MiB "
	                             "free in '/scratch' (set TMPDIR to a "
	                             "larger disk)");
	assert_string_equal(d.dir, "/scratch/tracehound-ab12");
	assert_int_equal(th_budget_used(b), 0);
	th_budget_end(&w, 0);
	/* 2 GiB disk: the reserve is 5% of it (102.4 MiB), so 97 MiB fit
	 * in 200 MiB and 98 MiB do not. */
	d.total = (uint64_t)2 << 30;
	assert_int_equal(th_budget_begin(&w, b, "/s/t", "a", 97 * MB, &err),
	                 TH_OK);
	assert_int_equal(th_budget_more(&w, 97 * MB, &err), TH_OK);
	th_budget_end(&w, 1);
	assert_int_equal(th_budget_begin(&w, b, "/s/t", "b", 98 * MB, &err),
	                 TH_ERR_LIMIT);
	assert_true(t_contains(err.msg, "'b': only 200 MiB free in '/s'"));
	/* Unknown sizes are checked a slab at a time. */
	d.avail = 103 * MB + MB / 2;
	assert_int_equal(th_budget_begin(&w, b, "/s/t", "c", -1, &err),
	                 TH_ERR_LIMIT);
	assert_true(t_contains(err.msg, "only 103.5 MiB free"));
	/* A probe that cannot tell does not refuse. */
	d.fail = 1;
	assert_int_equal(th_budget_begin(&w, b, "/s/t", "e", 98 * MB, &err),
	                 TH_OK);
	assert_int_equal(th_budget_more(&w, 98 * MB, &err), TH_OK);
	th_budget_end(&w, 1);
	assert_int_equal(th_budget_refused(b), 3);
	assert_true(th_budget_used(b) == 97 * MB + 98 * MB);
	th_budget_free(b);
}

struct worker {
	struct th_budget *b;
	size_t ok;
};

/* 1000 members of 1 KiB (sizes known, as decrypted files' are). */
static void *charge_many(void *arg)
{
	struct worker *wk = arg;
	struct th_budget_write w;
	struct th_err err = {0};
	int i;

	for (i = 0; i < 1000; i++) {
		if (th_budget_begin(&w, wk->b, "/t/x", "m", 1024, &err) ==
		            TH_OK &&
		    th_budget_more(&w, 1024, &err) == TH_OK) {
			th_budget_end(&w, 1);
			wk->ok++;
		} else {
			th_budget_end(&w, 0);
		}
	}
	return NULL;
}

/* Eight threads share one budget of 4000 KiB: it is never exceeded. */
static void test_threads(void **state)
{
	struct worker wk[8];
	pthread_t th[8];
	struct th_budget *b = NULL;
	size_t i, ok = 0;

	(void)state;
	assert_int_equal(th_budget_new(4000 * KIB, &b), TH_OK);
	for (i = 0; i < 8; i++) {
		wk[i] = (struct worker){b, 0};
		assert_int_equal(
		        pthread_create(&th[i], NULL, charge_many, &wk[i]), 0);
	}
	for (i = 0; i < 8; i++) {
		pthread_join(th[i], NULL);
		ok += wk[i].ok;
	}
	assert_int_equal(ok, 4000);
	assert_true(th_budget_used(b) == 4000 * KIB);
	assert_int_equal(th_budget_refused(b), 4000);
	th_budget_free(b);
}

/* --- sources charging it -------------------------------------------- */

static int count_file(void *ctx, const struct th_file *f)
{
	(void)f;
	(*(size_t *)ctx)++;
	return 0;
}

/* Opens `path` as `ops` with the budget; fails the test when it fails. */
static struct th_source *open_with(const struct th_source_ops *ops,
                                   const char *path, struct th_budget *b,
                                   const char *password)
{
	struct th_source_options opt = {.budget = b, .password = password};
	struct th_source *src = NULL;
	struct th_err err = {0};

	if (th_source_open(ops, path, &opt, &src, &err) != TH_OK)
		fail_msg("cannot open '%s': %s", path, err.msg);
	return src;
}

/* 20 reports of 64 KiB, a budget of 10 of them: the first ten are
 * extracted, the module looking for them is told of the other ten in
 * one message, the filesystem warning names the first refused. */
static void test_fs_dump_budget(void **state)
{
	static const struct th_artifact art = {.fs_glob = CRASHES "*.ips"};
	char *dir = t_tmpdir(), *path = th_path_join(dir, "dump.tar.gz");
	struct th_budget *b = NULL;
	struct th_err err = {0};
	struct th_source *src;
	size_t n = 0;

	(void)state;
	crash_dump(path, 20, 64 * KIB);
	assert_int_equal(th_budget_new(640 * KIB, &b), TH_OK);
	src = open_with(&th_source_ios_fs, path, b, NULL);
	assert_true(th_budget_used(b) == 640 * KIB);
	assert_int_equal(th_budget_refused(b), 10);
	assert_int_equal(th_source_find(src, &art, count_file, &n, &err),
	                 TH_ERR_LIMIT);
	assert_int_equal(n, 10);
	assert_string_equal(err.msg, "'" CRASHES "crash_010.ips' was not "
	                             "extracted: the run reached its "
	                             "extraction limit (--max-extract); and 9 "
	                             "more");
	assert_true(t_contains(th_fs_warning(src),
	                       "10 members could not be extracted: cannot "
	                       "extract '" CRASHES "crash_010.ips': the run "
	                       "has already extracted 640 KiB of its "
	                       "extraction limit of 640 KiB (--max-extract)"));
	th_source_free(src);
	th_budget_free(b);
	free(path);
	t_tmpdir_free(dir);
}

/* The same dump on a disk the hook says is nearly full: nothing is
 * extracted, and the messages say where and what to do. */
static void test_fs_dump_no_space(void **state)
{
	static const struct th_artifact art = {.fs_glob = CRASHES "*.ips"};
	struct disk d = {200 * MB, (uint64_t)100 << 30, 0, 0, ""};
	char *dir = t_tmpdir(), *path = th_path_join(dir, "dump.tar.gz");
	struct th_budget *b = NULL;
	struct th_err err = {0};
	struct th_source *src;
	size_t n = 0;

	(void)state;
	crash_dump(path, 20, 64 * KIB);
	assert_int_equal(th_budget_new(0, &b), TH_OK);
	th_budget_set_space(b, fake_space, &d);
	src = open_with(&th_source_ios_fs, path, b, NULL);
	assert_int_equal(d.calls, 20);
	assert_true(t_contains(d.dir, "/tracehound-"));
	assert_int_equal(th_budget_used(b), 0);
	assert_int_equal(th_source_find(src, &art, count_file, &n, &err),
	                 TH_ERR_LIMIT);
	assert_int_equal(n, 0);
	assert_string_equal(err.msg, "'" CRASHES "crash_000.ips' was not "
	                             "extracted: too little free space in the "
	                             "temp folder (set TMPDIR to a larger "
	                             "disk); and 19 more");
	assert_true(t_contains(th_fs_warning(src),
	                       "20 members could not be extracted: cannot "
	                       "extract '" CRASHES "crash_000.ips': only 200 "
	                       "MiB free in '"));
	assert_true(t_contains(th_fs_warning(src),
	                       "(set TMPDIR to a larger disk)"));
	th_source_free(src);
	th_budget_free(b);
	free(path);
	t_tmpdir_free(dir);
}

/* An androidqf zip under a budget smaller than its bugreport.zip: the
 * open goes on without it, the bugreport's artifacts say why, the
 * nested backup.ab, dumpsys.txt and a file a module asks for are
 * charged exactly their sizes. */
static void test_aqf_zip_budget(void **state)
{
	static const struct th_artifact tomb = {.android_glob =
	                                                "FS/data/tombstones/*"};
	static const struct th_artifact pkgs = {.android_glob =
	                                                "packages.json"};
	char *dir = t_tmpdir(), *zip = aqf_zip(dir), *gen;
	uint64_t ab, dumpsys, packages;
	struct th_budget *b = NULL;
	struct th_err err = {0};
	struct th_source *src;
	size_t n = 0;

	(void)state;
	gen = th_path_join(dir, "aqf");
	ab = file_size(gen, "backup.ab");
	dumpsys = file_size(gen, "dumpsys.txt");
	packages = file_size(gen, "packages.json");
	assert_true(file_size(gen, "bugreport.zip") > 5000);
	assert_true(ab + dumpsys + packages <= 5000);
	assert_int_equal(th_budget_new(5000, &b), TH_OK);
	src = open_with(&th_source_androidqf, zip, b, TH_GEN_AB_PASSWORD);
	assert_true(th_budget_used(b) == ab + dumpsys);
	assert_int_equal(th_budget_refused(b), 1);
	assert_true(th_source_kinds(src) & TH_SRC_BUGREPORT);
	assert_true(th_source_kinds(src) & TH_SRC_ANDROID_BACKUP);
	assert_int_equal(th_source_find(src, &tomb, count_file, &n, &err),
	                 TH_ERR_LIMIT);
	assert_int_equal(n, 0);
	assert_true(
	        t_contains(err.msg, "cannot extract 'bugreport.zip': its "));
	assert_true(t_contains(err.msg, "are more than the run's extraction "
	                                "limit of 5000 bytes (--max-extract)"));
	assert_int_equal(th_source_find(src, &pkgs, count_file, &n, &err),
	                 TH_OK);
	assert_int_equal(n, 1);
	/* Removed after the module read it, but written: still counted. */
	assert_true(th_budget_used(b) == ab + dumpsys + packages);
	th_source_free(src);
	th_budget_free(b);
	free(gen);
	free(zip);
	t_tmpdir_free(dir);
}

/* Every source that writes into a temp folder charges the run's
 * budget: under a budget of one byte, what a module asks for is refused
 * with a message naming the option. */
static void test_each_source(void **state)
{
	static const struct th_artifact sysdiag = {
	        .sysdiag_glob = "crashes_and_spins/*.ips"};
	static const struct th_artifact tomb = {.android_glob =
	                                                "FS/data/tombstones/*"};
	static const struct th_artifact sms = {
	        .android_glob = "apps/com.android.providers.telephony/d_f/"
	                        "*_sms_backup"};
	struct th_gen_fs_opts fo = {.seed = 1};
	char *dir = t_tmpdir(), *p[3];
	const struct th_artifact *art[3] = {&sysdiag, &tomb, &sms};
	const struct th_source_ops *ops[3] = {&th_source_sysdiagnose,
	                                      &th_source_bugreport,
	                                      &th_source_android_backup};
	struct th_budget *b = NULL;
	struct th_err err = {0};
	struct th_source *src;
	size_t i, n;

	(void)state;
	p[0] = th_path_join(dir, TH_GEN_SYSDIAG_NAME ".tar.gz");
	p[1] = th_path_join(dir, "bugreport.zip");
	p[2] = th_path_join(dir, "backup.ab");
	assert_int_equal(th_gen_sysdiagnose(p[0], &fo, &err), TH_OK);
	assert_int_equal(th_gen_bugreport_zip(p[1], 1, &err), TH_OK);
	assert_int_equal(th_gen_ab(p[2], TH_GEN_AB_PASSWORD, 1, &err), TH_OK);
	for (i = 0; i < 3; i++) {
		assert_int_equal(th_budget_new(1, &b), TH_OK);
		src = open_with(ops[i], p[i], b, TH_GEN_AB_PASSWORD);
		n = 0;
		if (th_source_find(src, art[i], count_file, &n, &err) !=
		    TH_ERR_LIMIT)
			fail_msg("%s: %zu found (%s)", ops[i]->name, n,
			         err.msg);
		assert_int_equal(n, 0);
		if (!t_contains(err.msg, "(--max-extract)"))
			fail_msg("%s: %s", ops[i]->name, err.msg);
		assert_true(th_budget_refused(b) >= 1);
		assert_true(th_budget_used(b) <= 1);
		th_source_free(src);
		th_budget_free(b);
		free(p[i]);
	}
	t_tmpdir_free(dir);
}

/* The stored file of (domain, path) in a backup folder. */
static char *stored(const char *dir, const char *domain, const char *rel)
{
	unsigned char md[SHA_DIGEST_LENGTH];
	char id[2 * SHA_DIGEST_LENGTH + 1], sub[3], *name, *p, *q;
	size_t i;

	name = malloc(strlen(domain) + strlen(rel) + 2);
	assert_non_null(name);
	snprintf(name, strlen(domain) + strlen(rel) + 2, "%s-%s", domain, rel);
	SHA1((const unsigned char *)name, strlen(name), md);
	free(name);
	for (i = 0; i < SHA_DIGEST_LENGTH; i++)
		snprintf(id + 2 * i, 3, "%02x", md[i]);
	memcpy(sub, id, 2);
	sub[2] = '\0';
	p = th_path_join(dir, sub);
	q = th_path_join(p, id);
	free(p);
	return q;
}

/* An encrypted backup: Manifest.db and each file a module reads are
 * decrypted into the temp folder, charged their stored size (which
 * bounds the plaintext) before; a file read twice is decrypted once. A
 * budget short of the stored Manifest.db refuses the open. */
static void test_encrypted_backup_budget(void **state)
{
	static const struct th_artifact sms = {.backup_domain = "HomeDomain",
	                                       .backup_path =
	                                               "Library/SMS/sms.db"};
	struct th_gen_backup_opts go = {.infected = 1, .seed = 1};
	struct th_gen_encrypt_opts eo = {
	        .password = "pw", .dpic = 1000, .iter = 10, .seed = 7};
	char *dir = t_tmpdir(), *plain = th_path_join(dir, "plain");
	char *enc = th_path_join(dir, "enc"), *p;
	struct th_source_options opt = {.password = "pw"};
	struct th_source *src = NULL;
	struct th_budget *b = NULL;
	struct th_err err = {0};
	uint64_t stored_manifest, sms_len;
	size_t n = 0, len = 0;

	(void)state;
	assert_int_equal(th_gen_backup(plain, &go, &err), TH_OK);
	assert_int_equal(th_gen_backup_encrypt(plain, enc, &eo, &err), TH_OK);
	stored_manifest = file_size(enc, "Manifest.db");
	p = stored(enc, "HomeDomain", "Library/SMS/sms.db");
	free(t_slurp(p, &len));
	sms_len = len;
	assert_true(sms_len > 0);
	free(p);
	assert_int_equal(th_budget_new(stored_manifest - 1, &b), TH_OK);
	opt.budget = b;
	assert_int_equal(
	        th_source_open(&th_source_ios_backup, enc, &opt, &src, &err),
	        TH_ERR_LIMIT);
	assert_true(t_contains(err.msg, "cannot extract 'Manifest.db'"));
	assert_true(t_contains(err.msg, "(--max-extract)"));
	th_budget_free(b);
	assert_int_equal(th_budget_new(0, &b), TH_OK);
	opt.budget = b;
	assert_int_equal(
	        th_source_open(&th_source_ios_backup, enc, &opt, &src, &err),
	        TH_OK);
	assert_true(th_budget_used(b) == stored_manifest);
	assert_int_equal(th_source_find(src, &sms, count_file, &n, &err),
	                 TH_OK);
	assert_int_equal(th_source_find(src, &sms, count_file, &n, &err),
	                 TH_OK);
	assert_int_equal(n, 2);
	assert_true(th_budget_used(b) == stored_manifest + sms_len);
	th_source_free(src);
	th_budget_free(b);
	free(enc);
	free(plain);
	t_tmpdir_free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_charge_refuse),
	        cmocka_unit_test(test_one_member_over),
	        cmocka_unit_test(test_unknown_size),
	        cmocka_unit_test(test_free_space),
	        cmocka_unit_test(test_threads),
	        cmocka_unit_test(test_fs_dump_budget),
	        cmocka_unit_test(test_fs_dump_no_space),
	        cmocka_unit_test(test_aqf_zip_budget),
	        cmocka_unit_test(test_encrypted_backup_budget),
	        cmocka_unit_test(test_each_source),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
