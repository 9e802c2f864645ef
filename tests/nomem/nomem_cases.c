/*
 * The cases of the malloc-failure pass: the core helpers, the plist
 * readers, the indicator loader, and whole checks on generated evidence
 * (which reach the sources, every module that applies, SQLite, libplist,
 * jansson and the report writers). Each case tolerates any status and
 * frees everything it made, so that a leak or a crash is the library's.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tracehound/tracehound.h>

#include "core/buf.h"
#include "core/fsutil.h"
#include "formats/mbfile.h"
#include "formats/nskeyed.h"
#include "formats/plist_util.h"
#include "gen.h"
#include "gen_android.h"
#include "failmalloc.h"
#include "gen_fs.h"
#include "nomem.h"

#define SRC(rel) TH_SOURCE_DIR "/" rel

/* Keeps the first error: later ones are usually its consequences. */
static void note(struct nomem_out *out, enum th_status st)
{
	if (out->status == TH_OK && st != TH_OK)
		out->status = st;
}

/* --- core --- */

static int setup_none(const char *tmp, void **ctx, const char **skip)
{
	*ctx = NULL;
	return 0;
}

static void run_core(void *ctx, const char *work, struct nomem_out *out)
{
	struct th_buf b;
	struct th_tmpdir t = {0};
	struct th_err err;
	char *s, *data = NULL, *sub;
	size_t len = 0;
	int i;

	th_buf_init(&b, 1 << 20);
	for (i = 0; i < 200; i++)
		note(out, th_buf_printf(&b, "line %d of %s\n", i, "text"));
	note(out, th_buf_adds(&b, "end"));
	s = th_buf_take(&b, &len);
	nomem_mix(&out->digest, s);
	free(s);
	th_buf_free(&b);
	sub = th_path_join(work, "a/b/c");
	if (!sub)
		note(out, TH_ERR_NOMEM);
	else
		note(out, th_mkdir_p(sub, 1, &err));
	free(sub);
	note(out,
	     th_read_file(SRC("CMakeLists.txt"), 1 << 20, &data, &len, &err));
	nomem_mixn(&out->digest, len);
	free(data);
	note(out, th_tmpdir_new(&t, &err));
	th_tmpdir_free(&t);
}

/* --- plists --- */

/* A seed that is malformed on purpose gives TH_ERR_FORMAT on the clean
 * run too: that is a result (in the digest), not the case's status, so
 * a failure that turns into "malformed" still shows as a difference. */
static void note_parse(struct nomem_out *out, enum th_status st)
{
	if (st == TH_ERR_FORMAT || st == TH_ERR_LIMIT)
		nomem_mixn(&out->digest, (uint64_t)st);
	else
		note(out, st);
}

static void plist_one(const char *path, struct nomem_out *out)
{
	struct th_err err;
	plist_t p = NULL, r = NULL;
	json_t *j = NULL;
	char *text;

	note_parse(out, th_plist_read_file(path, &p, &err));
	if (!p)
		return;
	note_parse(out, th_plist_to_json(p, 64, &j, &err));
	th_failmalloc_hold(1);
	text = j ? json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT) : NULL;
	nomem_mix(&out->digest, text);
	free(text);
	th_failmalloc_hold(0);
	json_decref(j);
	if (th_plist_dict_str(p, "$archiver")) {
		enum th_status st = th_nskeyed_resolve(p, NULL, &r, &err);

		if (st != TH_ERR_NOTFOUND)
			note_parse(out, st);
		nomem_mixn(&out->digest, r ? plist_dict_get_size(r) : 0);
		plist_free(r);
	}
	plist_free(p);
}

/* Every file of a folder of our own fuzz seeds, in name order. */
static void each_seed(const char *dir,
                      void (*fn)(const char *path, struct nomem_out *out),
                      struct nomem_out *out)
{
	struct dirent **names = NULL;
	int i, n = scandir(dir, &names, NULL, alphasort);
	char *path;

	if (n < 0) {
		note(out, errno == ENOMEM ? TH_ERR_NOMEM : TH_ERR_IO);
		return;
	}
	for (i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.') {
			path = th_path_join(dir, names[i]->d_name);
			if (path)
				fn(path, out);
			else
				note(out, TH_ERR_NOMEM);
			free(path);
		}
		free(names[i]);
	}
	free(names);
}

static void run_plist(void *ctx, const char *work, struct nomem_out *out)
{
	each_seed(SRC("fuzz/corpus/plist"), plist_one, out);
	each_seed(SRC("fuzz/corpus/sysplists"), plist_one, out);
}

static void mbfile_one(const char *path, struct nomem_out *out)
{
	struct th_mbfile mb;
	struct th_err err;
	char *data = NULL;
	size_t len = 0;

	note(out, th_read_file(path, 1 << 20, &data, &len, &err));
	if (data && th_mbfile_decode(data, len, &mb, &err) == TH_OK)
		nomem_mix(&out->digest, mb.relative_path);
	free(data);
}

static void run_mbfile(void *ctx, const char *work, struct nomem_out *out)
{
	each_seed(SRC("fuzz/corpus/mbfile"), mbfile_one, out);
}

/* --- indicators --- */

static void run_iocs(void *ctx, const char *work, struct nomem_out *out)
{
	static const char *const values[] = {"example.com", "bh",
	                                     "https://a.b.example.org/x"};
	const char *shared = ctx;
	struct th_iocs *iocs = NULL;
	size_t i;

	note(out, th_iocs_new(&iocs));
	if (!iocs)
		return;
	note(out, th_iocs_load(iocs, SRC("fuzz/corpus/stix2")));
	if (shared)
		note(out, th_iocs_load(iocs, shared));
	nomem_mixn(&out->digest, th_iocs_total(iocs));
	nomem_mixn(&out->digest, th_iocs_nfiles(iocs));
	nomem_mixn(&out->digest, th_iocs_nerrors(iocs));
	for (i = 0; getenv("NOMEM_TRACE") && i < th_iocs_nerrors(iocs); i++)
		fprintf(stderr, "error: %s\n", th_iocs_error_at(iocs, i));
	for (i = 0; i < sizeof(values) / sizeof(values[0]); i++)
		nomem_mixn(&out->digest, th_iocs_match(iocs, TH_MATCH_DOMAIN,
		                                       values[i]) != NULL);
	th_iocs_free(iocs);
}

static int setup_iocs(const char *tmp, void **ctx, const char **skip)
{
	const char *p = TH_SHARED_DIR "/iocs/amnesty_novispy.stix2";

	*ctx = th_is_file(p) ? (void *)p : NULL;
	return 0;
}

/* --- whole checks on generated evidence --- */

struct check_ctx {
	char target[4096];
	const char *source;
	const char *password;
	struct th_iocs *iocs;
	int recheck;
};

/* Notes a warning that names the allocation failure (a module that went
 * on without what it could not read); with NOMEM_TRACE set, the log and
 * the results also go to the child's log, which th-nomem shows. */
static void check_log(void *ctx, enum th_log_level level, const char *module,
                      const char *message)
{
	struct nomem_out *out = ctx;

	if (level >= TH_LOG_WARN && strstr(message, "out of memory"))
		out->warned = 1;
	if (level >= TH_LOG_WARN && getenv("NOMEM_TRACE"))
		fprintf(stderr, "log: %s: %s\n", module ? module : "-",
		        message);
}

static void run_check(void *vctx, const char *work, struct nomem_out *out)
{
	struct check_ctx *c = vctx;
	struct th_run_options opt = {.target = c->target,
	                             .source = c->source,
	                             .iocs = c->iocs,
	                             .jobs = 1,
	                             .password = c->password,
	                             .command_line = "nomem",
	                             .recheck = c->recheck};
	char outdir[4096];
	struct th_run *run = NULL;
	size_t i;

	snprintf(outdir, sizeof(outdir), "%s/out", work);
	opt.output_dir = outdir;
	opt.log = check_log;
	opt.log_ctx = out;
	note(out, th_run_new(&run, &opt));
	if (out->status == TH_OK)
		note(out, th_run_execute(run));
	for (i = 0; run && i < th_run_nresults(run); i++) {
		const struct th_module_result *m = th_run_result(run, i);

		if (m->status == TH_ERR_NOMEM)
			note(out, TH_ERR_NOMEM);
		nomem_mix(&out->digest, m->slug);
		nomem_mixn(&out->digest, m->status);
		nomem_mixn(&out->digest, m->records);
		nomem_mixn(&out->digest, m->alerts);
		if (getenv("NOMEM_TRACE"))
			fprintf(stderr, "result: %s %d %zu %zu %s\n", m->slug,
			        (int)m->status, m->records, m->alerts,
			        m->message ? m->message : "");
	}
	if (run)
		nomem_mixn(&out->digest, th_run_nalerts(run));
	th_run_free(run);
}

static void teardown_check(void *vctx)
{
	struct check_ctx *c = vctx;

	if (c)
		th_iocs_free(c->iocs);
	free(c);
}

/* The context of a check on `rel` under tmp, with Pegasus's indicators
 * when ../shared is there. */
static struct check_ctx *check_ctx(const char *tmp, const char *rel)
{
	struct check_ctx *c = calloc(1, sizeof(*c));
	const char *p = TH_SHARED_DIR "/iocs/amnesty_pegasus.stix2";

	if (!c)
		return NULL;
	snprintf(c->target, sizeof(c->target), "%s/%s", tmp, rel);
	if (th_is_file(p) && th_iocs_new(&c->iocs) == TH_OK &&
	    th_iocs_load(c->iocs, p) != TH_OK) {
		th_iocs_free(c->iocs);
		c->iocs = NULL;
	}
	return c;
}

void *nomem_check_ctx(const char *tmp, const char *rel, const char *password)
{
	struct check_ctx *c = check_ctx(tmp, rel);

	if (c)
		c->password = password;
	return c;
}

static int setup_backup(const char *tmp, void **ctx, const char **skip)
{
	struct th_gen_backup_opts g = {.infected = 1, .seed = 1};
	struct check_ctx *c = check_ctx(tmp, "backup");
	struct th_err err;

	*ctx = c;
	return !c || th_gen_backup(c->target, &g, &err) != TH_OK;
}

static int setup_encrypted(const char *tmp, void **ctx, const char **skip)
{
	struct th_gen_backup_opts g = {.infected = 1, .seed = 1};
	struct th_gen_encrypt_opts e = {
	        .password = "nomem", .iter = 1, .seed = 1};
	struct check_ctx *c = check_ctx(tmp, "encrypted");
	char plain[4096];
	struct th_err err;

	*ctx = c;
	if (!c)
		return 1;
	c->password = "nomem";
	snprintf(plain, sizeof(plain), "%s/plain", tmp);
	return th_gen_backup(plain, &g, &err) != TH_OK ||
	       th_gen_backup_encrypt(plain, c->target, &e, &err) != TH_OK;
}

static int setup_androidqf(const char *tmp, void **ctx, const char **skip)
{
	struct check_ctx *c = check_ctx(tmp, "aqf");
	struct th_err err;

	*ctx = c;
	if (!c)
		return 1;
	c->password = TH_GEN_AB_PASSWORD;
	return th_gen_androidqf(c->target, 1, &err) != TH_OK;
}

static int setup_sysdiag(const char *tmp, void **ctx, const char **skip)
{
	struct th_gen_fs_opts g = {0};
	struct check_ctx *c = check_ctx(tmp, TH_GEN_SYSDIAG_NAME ".tar.gz");
	struct th_err err;

	*ctx = c;
	return !c || th_gen_sysdiagnose(c->target, &g, &err) != TH_OK;
}

static int setup_bugreport(const char *tmp, void **ctx, const char **skip)
{
	struct check_ctx *c = check_ctx(tmp, "bugreport.zip");
	struct th_err err;

	*ctx = c;
	return !c || th_gen_bugreport_zip(c->target, 1, &err) != TH_OK;
}

static int setup_ab(const char *tmp, void **ctx, const char **skip)
{
	struct check_ctx *c = check_ctx(tmp, "backup.ab");
	struct th_err err;

	*ctx = c;
	if (!c)
		return 1;
	c->password = TH_GEN_AB_PASSWORD;
	return th_gen_ab(c->target, TH_GEN_AB_PASSWORD, 1, &err) != TH_OK;
}

static int setup_fs(const char *tmp, void **ctx, const char **skip)
{
	struct th_gen_fs_opts g = {.seed = 1};
	struct check_ctx *c = check_ctx(tmp, "dump");
	struct th_err err;

	*ctx = c;
	return !c || th_gen_fs(c->target, &g, &err) != TH_OK;
}

/* check-iocs: a results folder written by a clean check, re-read. */
static int setup_recheck(const char *tmp, void **ctx, const char **skip)
{
	struct th_gen_backup_opts g = {.infected = 1, .seed = 1};
	struct check_ctx *c = check_ctx(tmp, "results");
	struct th_run_options opt = {.jobs = 1};
	struct th_run *run = NULL;
	struct th_err err;
	char backup[4096];
	int bad;

	*ctx = c;
	if (!c)
		return 1;
	snprintf(backup, sizeof(backup), "%s/backup", tmp);
	if (th_gen_backup(backup, &g, &err) != TH_OK)
		return 1;
	opt.target = backup;
	opt.output_dir = c->target;
	opt.iocs = c->iocs;
	bad = th_run_new(&run, &opt) != TH_OK || th_run_execute(run) != TH_OK;
	th_run_free(run);
	c->recheck = 1;
	return bad;
}

/* The pass's own check: code that ignores a failed malloc must be
 * caught (ctest runs it expecting th-nomem to fail). */
static void run_selftest(void *ctx, const char *work, struct nomem_out *out)
{
	char *volatile p = malloc(64);

	p[0] = 'x'; /* no check, on purpose */
	nomem_mix(&out->digest, p[0] == 'x' ? "x" : "?");
	free(p);
}

const struct nomem_case nomem_cases[] = {
        {"selftest", "a NULL dereference the pass must report (only by name)",
         setup_none, run_selftest, NULL},
        {"core", "buffers, paths, files, private temp folders", setup_none,
         run_core, NULL},
        {"plist", "plists and NSKeyedArchiver blobs (fuzz seeds)", setup_none,
         run_plist, NULL},
        {"mbfile", "MBFile metadata blobs (fuzz seeds)", setup_none, run_mbfile,
         NULL},
        {"iocs", "STIX2 loading and matching", setup_iocs, run_iocs, NULL},
        {"backup", "check of a generated infected iOS backup", setup_backup,
         run_check, teardown_check},
        {"encrypted", "check of a generated encrypted iOS backup",
         setup_encrypted, run_check, teardown_check},
        {"androidqf", "check of a generated androidqf folder", setup_androidqf,
         run_check, teardown_check},
        {"sysdiagnose", "check of a generated sysdiagnose archive",
         setup_sysdiag, run_check, teardown_check},
        {"bugreport", "check of a generated bugreport zip", setup_bugreport,
         run_check, teardown_check},
        {"ab", "check of a generated encrypted Android backup (.ab)", setup_ab,
         run_check, teardown_check},
        {"intrusion", "check of a generated intrusion-logs folder",
         nomem_setup_intrusion, run_check, teardown_check},
        {"bugreport-dir", "check of a generated bugreport, unzipped",
         nomem_setup_bugreport_dir, run_check, teardown_check},
        {"androidqf-zip", "check of a generated androidqf acquisition, zipped",
         nomem_setup_androidqf_zip, run_check, teardown_check},
        {"fs", "check of a generated iOS file-system dump", setup_fs, run_check,
         teardown_check},
        {"recheck", "check-iocs on the results of a backup check",
         setup_recheck, run_check, teardown_check},
};
const unsigned nomem_ncases = sizeof(nomem_cases) / sizeof(nomem_cases[0]);
