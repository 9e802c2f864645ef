/*
 * The hostile-input corpus (issue 7), archives, dumps and Android: a zip
 * bomb inside an androidqf zip, zips and tars whose members climb out
 * with "../" or absolute names, device nodes and hard links, a dump with
 * a symlink loop and a symlink to /etc, a packages.json of 2 GiB and a
 * dumpsys of 10 million lines that never ends its section.
 * tests/hostile/harness.h runs each case and checks it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"
#include "gen.h"
#include "gen_android.h"
#include "gen_fs.h"
#include "hostile/harness.h"
#include "hostile/hostile.h"

/* Where an archive member with an absolute name would land. */
#define ABS_MEMBER "/tmp/th-hostile-absolute.txt"

static void gen_ok(enum th_status st, const struct th_err *err)
{
	if (st != TH_OK)
		fail_msg("cannot build the case: %s", err->msg);
}

/* The files of a generated androidqf folder that go into its zip. */
static const char *const aqf_files[] = {
        "acquisition.json", "getprop.txt",         "ps.txt",
        "packages.json",    "settings_global.txt", "settings_secure.txt",
        "files.json",       "mounts.json",         "root_binaries.json",
};

/* <ev>/aqf.zip: a generated acquisition's files, then `bomb` as a
 * deflate bomb of `mib` MiB claiming `claimed` bytes, then members
 * named "../../escape.txt" and ABS_MEMBER. */
static void aqf_zip(struct hcase *c, const char *bomb, size_t mib,
                    uint64_t claimed)
{
	char *gen = th_path_join(c->root, "gen"), *p, *data;
	struct th_hostile_zip *z = NULL;
	struct th_err err = {0};
	size_t i, len;

	gen_ok(th_gen_androidqf(gen, 1, &err), &err);
	c->target = th_path_join(c->ev, "aqf.zip");
	gen_ok(th_hostile_zip_open(c->target, &z, &err), &err);
	for (i = 0; i < sizeof(aqf_files) / sizeof(aqf_files[0]); i++) {
		if (!strcmp(aqf_files[i], bomb))
			continue;
		p = th_path_join(gen, aqf_files[i]);
		data = t_slurp(p, &len);
		assert_non_null(data);
		gen_ok(th_hostile_zip_add(z, aqf_files[i], data, len, &err),
		       &err);
		free(data);
		free(p);
	}
	gen_ok(th_hostile_zip_bomb(z, bomb, mib, claimed, &err), &err);
	gen_ok(th_hostile_zip_add(z, "../../escape.txt", "x", 1, &err), &err);
	gen_ok(th_hostile_zip_add(z, ABS_MEMBER, "x", 1, &err), &err);
	gen_ok(th_hostile_zip_close(z, &err), &err);
	th_remove_tree(gen);
	free(gen);
}

static void expect_no_escape(struct hcase *c)
{
	unlink(ABS_MEMBER);
	expect(c);
	assert_false(th_is_file(ABS_MEMBER));
}

/* A 1 GiB deflate bomb whose headers claim 100 GB: refused by its
 * claimed size, never inflated. */
static void test_zip_bomb_claimed(void **state)
{
	struct hcase c;

	case_open(&c, "zip-bomb-100gb");
	aqf_zip(&c, "dumpsys.txt", 1024, (uint64_t)100 << 30);
	c.line[0] = "dumpsys.txt";
	c.line[1] = "--max-artifact-size";
	c.result = "aqf_packages.json";
	expect_no_escape(&c);
	case_free(&c);
}

/* The same bomb claiming 1000 bytes: the inflate must stop at the limit. */
static void test_zip_bomb_lying(void **state)
{
	struct hcase c;

	case_open(&c, "zip-bomb-lying");
	aqf_zip(&c, "ps.txt", 2048, 1000);
	c.line[0] = "ps.txt";
	c.line[1] = "longer than the zip says";
	c.result = "aqf_packages.json";
	expect_no_escape(&c);
	case_free(&c);
}

/* An iOS dump archive (th_gen_fs's hostile members: "../../escape" and
 * an absolute name, a symlink leaving the dump). */
static void test_fs_zip_names(void **state)
{
	struct th_gen_fs_opts opt = {.hostile = 1, .seed = 1};
	struct th_err err = {0};
	struct hcase c;

	case_open(&c, "fs-zip-escaping");
	c.target = th_path_join(c.ev, "dump.zip");
	gen_ok(th_gen_fs(c.target, &opt, &err), &err);
	c.cmd = "check-fs";
	c.line[0] = "dump.zip";
	c.line[1] = "refused";
	c.result = "filesystem.json";
	expect_no_escape(&c);
	case_free(&c);
}

/* An iOS dump zip whose sms.db is a 1 GiB deflate bomb claiming
 * `claimed` bytes: refused by a claim over the limit, cut at a claim
 * under it (before, it was inflated into the temp folder up to 4 GiB). */
static void fs_zip_bomb(const char *name, uint64_t claimed, const char *why)
{
	struct th_hostile_zip *z = NULL;
	struct th_err err = {0};
	struct hcase c;

	case_open(&c, name);
	c.target = th_path_join(c.ev, "dump.zip");
	gen_ok(th_hostile_zip_open(c.target, &z, &err), &err);
	gen_ok(th_hostile_zip_add(z, "private/var/mobile/Media/a.txt", "a", 1,
	                          &err),
	       &err);
	gen_ok(th_hostile_zip_bomb(z, "private/var/mobile/Library/SMS/sms.db",
	                           1024, claimed, &err),
	       &err);
	gen_ok(th_hostile_zip_close(z, &err), &err);
	c.cmd = "check-fs";
	c.line[0] = "Library/SMS/sms.db";
	c.line[1] = why;
	c.result = "filesystem.json";
	expect(&c);
	case_free(&c);
}

static void test_fs_zip_bomb_claimed(void **state)
{
	fs_zip_bomb("fs-zip-bomb-100gb", (uint64_t)100 << 30,
	            "--max-artifact-size");
}

static void test_fs_zip_bomb_lying(void **state)
{
	fs_zip_bomb("fs-zip-bomb-lying", 1000, "longer than its header says");
}

static void test_tar_nodes_links(void **state)
{
	struct th_err err = {0};
	struct hcase c;

	case_open(&c, "tar-nodes-links");
	c.target = th_path_join(c.ev, "dump.tar");
	gen_ok(th_hostile_tar_nodes(c.target, &err), &err);
	c.cmd = "check-fs";
	/* The device, the FIFO, the two hard links out and the two names
	 * out; the hard link to a member is kept. */
	c.line[0] = "dump.tar'";
	c.line[1] = "6 entries refused";
	c.result = "filesystem.json";
	expect_no_escape(&c);
	case_free(&c);
}

static void link_at(const char *dir, const char *name, const char *target)
{
	char *p = th_path_join(dir, name);

	assert_int_equal(symlink(target, p), 0);
	free(p);
}

/* A dump folder with a symlink loop (a -> b -> a), a folder that links
 * to its parent, and a link to /etc. */
static void test_dump_symlinks(void **state)
{
	struct th_gen_fs_opts opt = {.seed = 1};
	struct th_err err = {0};
	struct hcase c;
	char *var;

	case_open(&c, "dump-symlinks");
	c.target = th_path_join(c.ev, "dump");
	gen_ok(th_gen_fs(c.target, &opt, &err), &err);
	var = th_path_join(c.target, "private/var");
	link_at(var, "loop_a", "loop_b");
	link_at(var, "loop_b", "loop_a");
	link_at(var, "up", "..");
	link_at(var, "etc", "/etc");
	free(var);
	c.cmd = "check-fs";
	c.line[0] = "/dump'";
	c.line[1] = "refused";
	c.result = "filesystem.json";
	expect(&c);
	case_free(&c);
}

/* Favicons.db with a -wal sidecar: a WAL header, then filler. The
 * database is read from a private copy; the copy must be gone after. */
static void test_dump_garbage_wal(void **state)
{
	struct th_gen_fs_opts opt = {.seed = 1};
	static const unsigned char hdr[12] = {0x37, 0x7f, 0x06, 0x82,
	                                      0x00, 0x2d, 0xe2, 0x18,
	                                      0x00, 0x00, 0x10, 0x00};
	unsigned char wal[65536];
	struct th_err err = {0};
	uint64_t seed = 7, r;
	struct hcase c;
	char *db, *p;
	size_t i;

	case_open(&c, "dump-garbage-wal");
	c.target = th_path_join(c.ev, "dump");
	gen_ok(th_gen_fs(c.target, &opt, &err), &err);
	for (i = 0; i < sizeof(wal); i += 8) {
		r = th_gen_rand(&seed);
		memcpy(wal + i, &r, 8);
	}
	memcpy(wal, hdr, sizeof(hdr));
	db = th_path_join(c.target, "private/var/mobile/Library/Image Cache/"
	                            "Favicons");
	p = t_write(db, "Favicons.db-wal", wal, sizeof(wal));
	c.cmd = "check-fs";
	c.result = "safari_favicon.json";
	expect(&c);
	free(p);
	free(db);
	case_free(&c);
}

/* <ev>/aqf: a generated androidqf folder; returns <ev>/aqf/<name>. */
static char *aqf_dir(struct hcase *c, const char *name)
{
	struct th_err err = {0};

	c->target = th_path_join(c->ev, "aqf");
	gen_ok(th_gen_androidqf(c->target, 1, &err), &err);
	return th_path_join(c->target, name);
}

/* packages.json grown to 2 GiB (sparse: its tail is a hole). */
static void test_aqf_packages_2gb(void **state)
{
	struct hcase c;
	char *p;

	case_open(&c, "aqf-packages-2gb");
	p = aqf_dir(&c, "packages.json");
	assert_int_equal(truncate(p, (off_t)2 << 30), 0);
	c.line[0] = "packages.json";
	c.line[1] = "--max-artifact-size";
	c.result = "aqf_processes.json";
	expect(&c);
	free(p);
	case_free(&c);
}

/* settings_secure.txt of 5 million distinct keys (55 MB, under the
 * 64 MiB read limit): before the module's key limit, its one object
 * took 1 GiB and 28 s. */
static void test_settings_5m_keys(void **state)
{
	struct hcase c;
	FILE *f;
	char *p;
	long i;

	case_open(&c, "settings-5m-keys");
	p = aqf_dir(&c, "settings_secure.txt");
	f = fopen(p, "w");
	assert_non_null(f);
	for (i = 0; i < 5000000; i++)
		fprintf(f, "k%07ld=1\n", i);
	assert_int_equal(fclose(f), 0);
	c.line[0] = "'settings_secure.txt': more than 100000 settings";
	c.line[1] = "the rest are ignored";
	c.said_of = "settings in all";
	c.said = 1;
	c.result = "aqf_settings.json";
	c.mem_mib = 256;
	expect(&c);
	free(p);
	case_free(&c);
}

static void test_dumpsys_endless(void **state)
{
	struct th_err err = {0};
	struct hcase c;
	char *p;

	case_open(&c, "dumpsys-10m-lines");
	p = aqf_dir(&c, "dumpsys.txt");
	assert_int_equal(unlink(p), 0);
	gen_ok(th_hostile_dumpsys_endless(p, 10000000, &err), &err);
	/* A section running to the end of the file is how a cut-off
	 * dumpsys looks, not an error: one warning says so, and the
	 * modules that read it still run. */
	c.line[0] = "'dumpsys.txt': section 'package' has no end marker";
	c.line[1] = "read to the end of the file";
	c.result = "aqf_packages.json";
	c.wall = 20;
	expect(&c);
	free(p);
	case_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_zip_bomb_claimed),
	        cmocka_unit_test(test_zip_bomb_lying),
	        cmocka_unit_test(test_fs_zip_names),
	        cmocka_unit_test(test_fs_zip_bomb_claimed),
	        cmocka_unit_test(test_fs_zip_bomb_lying),
	        cmocka_unit_test(test_tar_nodes_links),
	        cmocka_unit_test(test_dump_symlinks),
	        cmocka_unit_test(test_dump_garbage_wal),
	        cmocka_unit_test(test_aqf_packages_2gb),
	        cmocka_unit_test(test_dumpsys_endless),
	        cmocka_unit_test(test_settings_5m_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
